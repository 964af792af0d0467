// Holds a secret made here, that nobody else is told: the marker
// "appd-isolation-secret:" and 32 random hex digits.  Writes the digits to
// the file named by its first argument, for the test alone, and waits.
const { app } = require('electron');
const crypto = require('crypto');
const fs = require('fs');

const token = crypto.randomBytes(16).toString('hex');
// JSON.parse makes a flat string: its bytes lie together in memory.
globalThis.secret = JSON.parse(JSON.stringify(['appd', 'isolation', 'secret:'].join('-') + token));
app.on('window-all-closed', () => {});
app.whenReady().then(() => {
  fs.writeFileSync(process.argv[2], token);
  setInterval(() => globalThis.secret.length, 1000);
});
