// IPC messages are limited to 8 MiB, or to what the daemon was configured
// with (APPD_IPC_MAX_MESSAGE; the test passes the same number as
// --limit=N): a larger one is refused with an error on the side that
// sends it, and IPC keeps working afterwards.  webContents calls' results
// hold to the same limit.
const { app, BrowserWindow, ipcMain } = require('electron');
const { fail, deadline } = require('../lib/checks.js');
const path = require('path');

const limitArg = process.argv.find((arg) => arg.startsWith('--limit='));
const LIMIT = limitArg ? Number(limitArg.slice('--limit='.length)) : 8 * 1024 * 1024;
const overLimit = new RegExp(`^IPC message of \\d+ bytes is over the limit of ${LIMIT}$`);
deadline(30000);

app.whenReady().then(() => {
  const win = new BrowserWindow({
    show: false,
    webPreferences: { preload: path.join(__dirname, 'preload.js') },
  });
  const wc = win.webContents;

  ipcMain.on('ready', () => {
    try {
      wc.send('big', new Uint8Array(LIMIT));
      return fail('webContents.send over the limit did not throw');
    } catch (err) {
      if (!overLimit.test(err.message))
        return fail(`webContents.send over the limit: ${err.message}`);
    }
    // Just under the limit goes through.
    wc.send('almost', new Uint8Array(LIMIT - 1024));
  });
  ipcMain.handle('big-result', () => new Uint8Array(LIMIT));
  ipcMain.handle('echo', (event, x) => x);
  let held = 0;
  ipcMain.handle('hold', () => {
    held++;
    return new Promise(() => {});
  });
  ipcMain.handle('held-count', () => held);
  ipcMain.on('done', async (event, problems) => {
    if (problems.length > 0) return fail(`page: ${problems.join('; ')}`);
    // webContents calls hold to the same limit: a result (as JSON, the
    // string and its quotes) just under it arrives, one just over is
    // refused.
    try {
      const under = await wc.executeJavaScript(`'x'.repeat(${LIMIT - 2})`);
      if (under.length !== LIMIT - 2) return fail(`executeJavaScript under the limit: ${under.length} characters`);
    } catch (err) {
      return fail(`executeJavaScript under the limit: ${err.message}`);
    }
    try {
      await wc.executeJavaScript(`'x'.repeat(${LIMIT - 1})`);
      return fail('executeJavaScript over the limit resolved');
    } catch (err) {
      if (!new RegExp(`^Result of ${LIMIT + 1} bytes exceeds ${LIMIT}$`).test(err.message))
        return fail(`executeJavaScript over the limit: ${err.message}`);
    }
    console.log('ok');
    app.exit(0);
  });
  win.loadFile('index.html', { query: { limit: String(LIMIT) } });
});
