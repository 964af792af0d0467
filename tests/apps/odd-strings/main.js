// Its productName and version hold Unicode noncharacters, which JSON and
// GLib take and sd-bus refuses.  Runs until asked to quit; with the
// argument 'throw' it ends by an exception whose message holds them too,
// and a terminal escape sequence.
const { app } = require('electron');
app.on('window-all-closed', () => {});
app.whenReady().then(() => {
  if (process.argv[2] === 'throw') throw new Error('odd \uFFFE\uDB7F\uDFFF failure\x1b[2J');
  console.log(`odd-strings ready: ${JSON.stringify(app.getName())}`);
});
