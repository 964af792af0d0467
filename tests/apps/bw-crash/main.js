// forcefullyCrashRenderer: render-process-gone, the window stays, and
// reload() brings the page back in it.
const { app, BrowserWindow } = require('electron');
const { fail, deadline, waitFor } = require('../lib/checks.js');

deadline(10000);
app.on('window-all-closed', () => {});

async function main() {
  const win = new BrowserWindow({ x: 20, y: 20, width: 300, height: 200 });
  const wc = win.webContents;
  await win.loadFile('index.html');

  const appGone = waitFor(app, 'render-process-gone', 5000);
  const gone = waitFor(wc, 'render-process-gone', 5000);
  wc.forcefullyCrashRenderer();
  const [, details] = await gone;
  if (!['crashed', 'killed'].includes(details.reason)) throw new Error(`reason ${details.reason}`);
  const [, appWc] = await appGone;
  if (appWc !== wc) throw new Error("app's render-process-gone names another webContents");
  if (win.isDestroyed() || wc.isDestroyed()) throw new Error('the window went with its renderer');
  if (BrowserWindow.getAllWindows().length !== 1) throw new Error('the window is not listed');
  if (win.getSize().join() !== '300,200') throw new Error(`size changed: ${win.getSize()}`);

  const loaded = waitFor(wc, 'did-finish-load', 5000);
  wc.reload();
  await loaded;
  const text = await wc.executeJavaScript('document.body.textContent.trim()');
  if (text !== 'alive') throw new Error(`page after reload: ${text}`);
  win.destroy();
}

app.whenReady().then(main).then(() => app.exit(0), (err) => fail(err.message));
