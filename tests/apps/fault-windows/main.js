// Windows that come back after every fault, for tests/fault/appd-fault.
// Each window's title is "wN gen G": G counts the loads of window N's page
// that the main script saw finish and then read back through
// executeJavaScript, so a test that sees G grow knows the daemon, this
// script, the renderer and the web process all work again.  A page whose
// renderer or web process is gone is loaded again; a window closed from
// outside (Window.Close) is replaced by a new one.  Runs until asked to
// quit.  Arguments: --windows=N (default 2).
const { app, BrowserWindow } = require('electron');

const arg = process.argv.find((a) => a.startsWith('--windows='));
const count = arg ? Number(arg.slice('--windows='.length)) : 2;
let serial = 0;
let quitting = false;

function open() {
  const n = ++serial;
  const win = new BrowserWindow({ x: 30 * n, y: 30 * n, width: 320, height: 240, title: `w${n} gen 0` });
  const wc = win.webContents;
  let gen = 0;

  // The page's own <title> would replace the window's: keep ours.
  win.on('page-title-updated', (event) => event.preventDefault());
  wc.on('did-finish-load', async () => {
    try {
      const text = await wc.executeJavaScript('document.body.textContent.trim()');
      if (text !== 'alive') throw new Error(`the page says '${text}'`);
      if (!win.isDestroyed()) win.setTitle(`w${n} gen ${++gen}`);
    } catch (err) {
      // The page may be gone again already; the next load reports.
      console.log(`w${n}: ${err.message}`);
    }
  });
  wc.on('render-process-gone', (_event, details) => {
    console.log(`w${n}: render-process-gone ${details.reason}`);
    if (!win.isDestroyed()) win.loadFile('index.html').catch((err) => console.log(`w${n}: ${err.message}`));
  });
  win.on('closed', () => {
    if (!quitting) open();
  });
  win.loadFile('index.html').catch((err) => console.log(`w${n}: ${err.message}`));
}

app.on('window-all-closed', () => {});
app.on('before-quit', () => {
  quitting = true;
});
app.whenReady().then(() => {
  for (let i = 0; i < count; i++) open();
});
