// contextBridge.exposeInMainWorld: with contextIsolation the page calls a
// copy of the API (sync and async functions, callbacks, copied values) and
// reaches nothing else of the preload; without it the preload and the page
// share one world.  Each page reports through the API it was given.
const { app, BrowserWindow, ipcMain } = require('electron');
const { fail, deadline } = require('../lib/checks.js');
const path = require('path');

deadline(30000);

const pending = new Set(['isolated', 'shared']);

app.whenReady().then(() => {
  for (const mode of pending) {
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
  ipcMain.on('report', (event, mode, problems) => {
    if (!pending.has(mode)) return fail(`unexpected report from ${mode}`);
    if (problems.length > 0) return fail(`${mode}: ${problems.join('; ')}`);
    pending.delete(mode);
    if (pending.size === 0) {
      console.log('ok');
      app.exit(0);
    }
  });
});
