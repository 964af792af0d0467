// contextBridge.exposeInMainWorld: with contextIsolation the page calls a
// copy of the API (sync and async functions, callbacks, copied values) and
// reaches nothing else of the preload; without it the preload and the page
// share one world.  Each page reports through the API it was given.
const { app, BrowserWindow, ipcMain } = require('electron');
const { deadline, reports } = require('../lib/checks.js');
const path = require('path');

deadline(30000);

const modes = ['isolated', 'shared'];
const report = reports(modes);

app.whenReady().then(() => {
  for (const mode of modes) {
    const win = new BrowserWindow({
      show: false,
      webPreferences: {
        preload: path.join(__dirname, 'preload.js'),
        contextIsolation: mode === 'isolated',
      },
    });
    win.loadFile('index.html', { query: { mode } });
  }
  ipcMain.handle('double', (event, x) => x * 2);
  ipcMain.on('report', (event, mode, problems) => report(mode, problems));
});
