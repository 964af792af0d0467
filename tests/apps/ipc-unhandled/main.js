// A page that invokes channels no handler serves, again and again: every
// invoke is rejected, and the app's log tells of it in a few lines per
// channel with counts, not a stack per call (gui-windows reads the log).
// The preload sends its problems on 'done'.
const { app, BrowserWindow, ipcMain } = require('electron');
const { fail, deadline } = require('../lib/checks.js');
const path = require('path');

deadline(60000);

app.whenReady().then(() => {
  const win = new BrowserWindow({
    show: false,
    webPreferences: { preload: path.join(__dirname, 'preload.js') },
  });
  ipcMain.on('done', (event, problems) => {
    if (problems.length > 0) return fail(`page: ${problems.join('; ')}`);
    console.log('ipc-unhandled: every invoke rejected');
    app.quit();
  });
  win.loadFile('index.html');
});
