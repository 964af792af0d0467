// Stands for an app that takes appd down: the test kills appd while it
// runs (an app's own process.kill(process.pid) ends only its app process).
// Each start is counted in the file named by --mark=PATH, one JSON line.
const { app } = require('electron');
const fs = require('fs');

const mark = process.argv.slice(2).find((a) => a.startsWith('--mark=')).slice('--mark='.length);
app.on('window-all-closed', () => {});
app.whenReady().then(() => {
  fs.appendFileSync(mark, '{"start":true}\n');
  setInterval(() => {}, 1000);
});
