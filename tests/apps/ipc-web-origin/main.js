// A page from an http:// origin (served here by the main script) has
// the same IPC as an app:// page: its preload's messages go on the page
// link, which does not depend on where the page came from.  Run with
// --no-page-link (renderers without page links), sendSync must refuse
// with a clear message instead of asking the web server.
const { app, BrowserWindow, ipcMain } = require('electron');
const { fail, deadline } = require('../lib/checks.js');
const http = require('http');
const path = require('path');

deadline(30000);
const withLink = !process.argv.includes('--no-page-link');

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html' });
  res.end('<!DOCTYPE html><title>web origin</title><p>served over http</p>');
});

app.whenReady().then(() => {
  ipcMain.on('double', (event, x) => {
    event.returnValue = x * 2;
  });
  ipcMain.handle('increment', (event, x) => x + 1);
  ipcMain.on('report', (event, results) => {
    const want = withLink
      ? { sync: 42, invoke: 2, node: 'linux', send: 'ok' }
      : { sync: 'sendSync needs the page link on pages not served from app://', invoke: 2, node: 'none', send: 'ok' };
    if (JSON.stringify(results) !== JSON.stringify(want))
      return fail(`got ${JSON.stringify(results)}, want ${JSON.stringify(want)}`);
    console.log('ok');
    server.close();
    app.exit(0);
  });
  server.listen(0, '127.0.0.1', () => {
    const win = new BrowserWindow({
      show: false,
      webPreferences: { preload: path.join(__dirname, 'preload.js'), sandbox: false },
    });
    win.loadURL(`http://127.0.0.1:${server.address().port}/`);
  });
});
