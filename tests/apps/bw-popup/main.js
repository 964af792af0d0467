// A page's own window.open(), without a user gesture, is not blocked: as
// in Electron, setWindowOpenHandler decides, and 'allow' opens the window.
const { app, BrowserWindow } = require('electron');
const { fail, deadline, check, same, waitFor } = require('../lib/checks.js');

deadline(10000);
app.on('window-all-closed', () => {});

async function main() {
  const win = new BrowserWindow({ width: 400, height: 300 });
  const wc = win.webContents;

  // 'deny': the handler is asked with the URL, the page gets null.
  const asked = new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('the window open handler was not asked')), 3000);
    wc.setWindowOpenHandler((details) => {
      resolve(details);
      return { action: 'deny' };
    });
  });
  await win.loadFile('index.html');
  const details = await asked;
  check(details.url.endsWith('/bw-popup/child.html'), `handler url ${details.url}`);
  same(details.disposition, 'new-window', 'handler disposition');
  same(await wc.executeJavaScript('window.opened === null'), true, 'window.open result after deny');
  same(BrowserWindow.getAllWindows().length, 1, 'windows after deny');

  // 'allow': the window opens with the page.
  wc.setWindowOpenHandler(() => ({ action: 'allow' }));
  const created = waitFor(wc, 'did-create-window');
  wc.reload();
  const [child, childDetails] = await created;
  check(child instanceof BrowserWindow, 'did-create-window gave no BrowserWindow');
  check(childDetails.url.endsWith('/bw-popup/child.html'), `did-create-window url ${childDetails.url}`);
  await waitFor(child.webContents, 'did-finish-load');
  same(await child.webContents.executeJavaScript('document.title'), 'child', 'new window page');
  same(BrowserWindow.getAllWindows().length, 2, 'windows after allow');

  const closed = waitFor(child, 'closed');
  win.destroy();
  await closed;
}

app.whenReady().then(main).then(() => app.exit(0), (err) => fail(err.message));
