// Holds 1 GiB of Buffers, memory V8's heap limit does not count, each page
// written; says so and waits.  Only this app's process may grow by it.
const { app } = require('electron');
const held = [];
app.on('window-all-closed', () => {});
app.whenReady().then(() => {
  for (let i = 0; i < 16; i++) held.push(Buffer.alloc(64 * 1024 * 1024, i + 1));
  console.log(`holding ${held.length * 64} MiB of Buffers`);
  setInterval(() => {}, 1000);
});
