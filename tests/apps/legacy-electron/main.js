// An app written for Electron 4 (its package.json says so) gets that
// release's webPreferences defaults where it sets none: Node in the page
// (nodeIntegration), no context isolation, no sandbox, the remote module.
// What it sets itself still wins.
const { app, BrowserWindow, ipcMain } = require('electron');
const path = require('path');
const { deadline, reports } = require('../lib/checks.js');

deadline(30000);

const report = reports(['defaults', 'explicit']);

app.whenReady().then(() => {
  ipcMain.on('report', (event, name, problems) => report(name, problems));
  const defaults = new BrowserWindow({
    show: false,
    webPreferences: { preload: path.join(__dirname, 'preload.js') },
  });
  defaults.loadFile('index.html', { query: { mode: 'defaults' } });
  // Today's defaults where the app asks for them.
  const explicit = new BrowserWindow({
    show: false,
    webPreferences: {
      preload: path.join(__dirname, 'preload.js'),
      nodeIntegration: false,
      contextIsolation: true,
      sandbox: true,
      enableRemoteModule: false,
    },
  });
  explicit.loadFile('index.html', { query: { mode: 'explicit' } });
});
