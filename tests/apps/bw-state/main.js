// Maximize, minimize and full screen, as the window manager reports them.
// Needs a window manager.
const { app, BrowserWindow } = require('electron');
const { fail, deadline, check, waitFor } = require('../lib/checks.js');

deadline(10000);
app.on('window-all-closed', () => {});

async function main() {
  const win = new BrowserWindow({ x: 50, y: 50, width: 400, height: 300 });
  const ready = waitFor(win, 'ready-to-show');
  await win.loadFile('index.html');
  await ready;
  check(win.isNormal(), 'not normal at start');

  let next = waitFor(win, 'maximize');
  win.maximize();
  await next;
  check(win.isMaximized(), 'isMaximized after maximize');
  check(!win.isNormal(), 'isNormal while maximized');

  next = waitFor(win, 'unmaximize');
  win.unmaximize();
  await next;
  check(!win.isMaximized(), 'isMaximized after unmaximize');

  next = waitFor(win, 'minimize');
  win.minimize();
  await next;
  check(win.isMinimized(), 'isMinimized after minimize');

  next = waitFor(win, 'restore');
  win.restore();
  await next;
  check(!win.isMinimized(), 'isMinimized after restore');

  next = waitFor(win, 'enter-full-screen');
  win.setFullScreen(true);
  await next;
  check(win.isFullScreen(), 'isFullScreen after setFullScreen(true)');

  next = waitFor(win, 'leave-full-screen');
  win.setFullScreen(false);
  await next;
  check(!win.isFullScreen(), 'isFullScreen after setFullScreen(false)');

  // The fullScreen property is the same setting.
  next = waitFor(win, 'enter-full-screen');
  win.fullScreen = true;
  await next;
  next = waitFor(win, 'leave-full-screen');
  win.fullScreen = false;
  await next;
  win.destroy();
}

app.whenReady().then(main).then(() => app.exit(0), (err) => fail(err.message));
