// Shared by ipc-identity-a and ipc-identity-b, two apps whose windows'
// renderers are tests/bus/hostile-renderer: each app must hear only its
// own window, whatever a payload claims.
const { app, BrowserWindow, ipcMain } = require('electron');
const { fail, deadline } = require('../lib/checks.js');

deadline(30000);
app.on('window-all-closed', () => {});

app.whenReady().then(() => {
  const win = new BrowserWindow({ show: false });
  let hellos = 0;
  ipcMain.on('hello', (event, tag, windowId) => {
    if (event.sender !== win.webContents) return fail('event.sender is not this app\'s window');
    if (windowId !== win.id) return fail(`window ${windowId}'s message reached window ${win.id}`);
    hellos++;
  });
  // Held on purpose: the renderer sends more than may wait at once, then
  // 'release' once appd has taken or refused every one of them.
  const held = [];
  ipcMain.handle('slow', () => new Promise((resolve) => held.push(resolve)));
  ipcMain.on('release', () => {
    for (const resolve of held.splice(0)) resolve('late');
  });
  // The same message on a page link of this window (Host.OpenPageLink).
  let linkHellos = 0;
  ipcMain.on('from-page-link', (event, tag, windowId) => {
    if (event.sender !== win.webContents) return fail('a page link spoke for another window');
    if (windowId !== win.id) return fail(`window ${windowId}'s page link reached window ${win.id}`);
    linkHellos++;
  });
  ipcMain.on('done', (event, tag, windowId) => {
    if (event.sender !== win.webContents || windowId !== win.id) return fail('done from elsewhere');
    if (hellos !== 1) return fail(`${hellos} hello messages, want 1`);
    if (linkHellos !== 1) return fail(`${linkHellos} messages on the page link, want 1`);
    console.log(`identity ok for window ${win.id}`);
    app.exit(0);
  });
});
