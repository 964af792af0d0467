// The appd peer of floor.c: one window on the bench page.  The page's
// report comes through the preload and is appended to the file named by
// the first argument (the harness's), or logged when there is none.
const { app, BrowserWindow, ipcMain } = require('electron');
const fs = require('fs');
const path = require('path');

const out = process.argv[2];

ipcMain.on('bench', (_event, line) => {
  if (out) fs.appendFileSync(out, line + '\n');
  else console.log(line);
});

app.whenReady().then(() => {
  const win = new BrowserWindow({
    width: 800, height: 600, title: 'bench',
    webPreferences: { preload: path.join(__dirname, 'preload.js') },
  });
  win.loadFile('index.html');
});
