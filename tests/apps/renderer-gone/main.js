// The window outlives its renderer: when the test kills the renderer, the
// app hears render-process-gone, the BrowserWindow is still there, and
// loading again brings a new renderer into the same window.
const { app, BrowserWindow } = require('electron');
const { fail, deadline } = require('../lib/checks.js');

deadline(30000);
app.on('window-all-closed', () => {});

app.whenReady().then(async () => {
  const win = new BrowserWindow({ title: 'renderer-gone', width: 300, height: 200 });
  let gone = 0;
  win.webContents.on('render-process-gone', async (_event, details) => {
    gone++;
    console.log(`render-process-gone: ${details.reason}`);
    if (details.reason !== 'killed') return fail(`reason ${details.reason}`);
    if (win.isDestroyed()) return fail('the window was destroyed with its renderer');
    if (BrowserWindow.getAllWindows().length !== 1) return fail('the window is not listed');
    try {
      await win.loadFile('index.html');
    } catch (e) {
      return fail(`reload failed: ${e.message}`);
    }
    console.log(`reloaded: ${win.webContents.getURL()}`);
    app.exit(gone === 1 ? 0 : 1);
  });
  await win.loadFile('index.html');
  console.log('loaded; waiting for the renderer to be killed');
});
