// 'close' can be prevented: the first close() leaves the window open, the
// second goes through and 'closed' follows.  A window that is not
// closable ignores close().
const { app, BrowserWindow } = require('electron');
const { fail, deadline } = require('../lib/checks.js');

deadline(10000);

const events = [];

app.on('window-all-closed', () => {
  events.push('window-all-closed');
  const want = 'close,close,closed,window-all-closed';
  if (events.join() !== want) return fail(`events ${events.join()}, want ${want}`);
  app.exit(0);
});

app.whenReady().then(async () => {
  const win = new BrowserWindow({ width: 300, height: 200 });

  const fixed = new BrowserWindow({ closable: false, show: false });
  fixed.on('close', () => fail('close on a window that is not closable'));
  fixed.close();
  if (fixed.isDestroyed()) return fail('a window that is not closable was closed');
  fixed.destroy();

  let asked = 0;
  win.on('close', (event) => {
    events.push('close');
    asked++;
    if (asked === 1) event.preventDefault();
  });
  win.on('closed', () => events.push('closed'));
  await win.loadFile('index.html');

  win.close();
  if (win.isDestroyed()) return fail('the window closed though close was prevented');
  if (BrowserWindow.getAllWindows().length !== 1) return fail('the window is not listed after a prevented close');
  // Still alive: the page answers.
  const text = await win.webContents.executeJavaScript('document.body.textContent.trim()');
  if (text !== 'alive') return fail(`page said ${text}`);
  win.close();
});
