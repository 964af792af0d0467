// Shared by ipc-identity-a and ipc-identity-b, two apps whose windows'
// renderers are tests/bus/hostile-renderer: each app must hear only its
// own window, whatever a payload claims.  The renderer puts the daemon's
// id for its window (its --window-id) in each message; the app knows its
// window by its own id, so it takes the first hello's and holds the rest
// to it.
const { app, BrowserWindow, ipcMain } = require('electron');
const { fail, deadline } = require('../lib/checks.js');

deadline(30000);
app.on('window-all-closed', () => {});

app.whenReady().then(() => {
  const win = new BrowserWindow({ show: false });
  let hellos = 0;
  let rendererId = null;
  ipcMain.on('hello', (event, tag, windowId) => {
    if (event.sender !== win.webContents) return fail('event.sender is not this app\'s window');
    if (rendererId === null) rendererId = windowId;
    if (windowId !== rendererId) return fail(`window ${windowId}'s message reached window ${rendererId}`);
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
    if (windowId !== rendererId) return fail(`window ${windowId}'s page link reached window ${rendererId}`);
    linkHellos++;
  });
  ipcMain.on('done', (event, tag, windowId) => {
    if (event.sender !== win.webContents || windowId !== rendererId) return fail('done from elsewhere');
    if (hellos !== 1) return fail(`${hellos} hello messages, want 1`);
    if (linkHellos !== 1) return fail(`${linkHellos} messages on the page link, want 1`);
    if (win.id !== 1) return fail(`the app's first window has id ${win.id}, want 1`);
    console.log(`identity ok for window ${rendererId} (the app's ${win.id})`);
    app.exit(0);
  });
});
