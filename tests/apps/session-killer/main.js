// Takes down the process its main script runs in as soon as it is ready:
// while main scripts share appd's process, that is appd.  Each start is
// counted in the file named by --mark=PATH.
const { app } = require('electron');
const fs = require('fs');

const mark = process.argv.slice(2).find((a) => a.startsWith('--mark=')).slice('--mark='.length);
app.whenReady().then(() => {
  fs.appendFileSync(mark, 'start\n');
  process.kill(process.pid, 'SIGKILL');
});
