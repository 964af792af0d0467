// Constructor options come back from the getters; a window without a
// position is centred; size limits hold; children belong to their parent
// and close before it.
const { app, BrowserWindow } = require('electron');
const { fail, deadline, check, same, waitFor } = require('../lib/checks.js');
const path = require('path');

deadline(10000);
app.on('window-all-closed', () => {});

async function main() {
  const win = new BrowserWindow({
    x: 40, y: 50, width: 420, height: 320, title: 'options',
    minWidth: 300, minHeight: 200, maxWidth: 900, maxHeight: 700,
    resizable: false, alwaysOnTop: true, skipTaskbar: true, closable: true,
    movable: false, minimizable: false, maximizable: false,
    backgroundColor: '#336699', icon: 'icon.png', show: false,
    autoHideMenuBar: true, useContentSize: true,
    webPreferences: { contextIsolation: true, nodeIntegration: false, sandbox: true, zoomFactor: 1.25 },
  });
  same(win.getBounds(), { x: 40, y: 50, width: 420, height: 320 }, 'getBounds');
  same(win.getSize(), [420, 320], 'getSize');
  same(win.getContentSize(), [420, 320], 'getContentSize');
  same(win.getMinimumSize(), [300, 200], 'getMinimumSize');
  same(win.getMaximumSize(), [900, 700], 'getMaximumSize');
  same(win.getTitle(), 'options', 'getTitle');
  same(win.isResizable(), false, 'isResizable');
  same(win.isMovable(), false, 'isMovable');
  same(win.isMinimizable(), false, 'isMinimizable');
  same(win.isMaximizable(), false, 'isMaximizable');
  same(win.isClosable(), true, 'isClosable');
  same(win.isAlwaysOnTop(), true, 'isAlwaysOnTop');
  same(win.getBackgroundColor(), '#336699', 'getBackgroundColor');
  same(win.isVisible(), false, 'isVisible with show: false');
  same(win.isModal(), false, 'isModal without parent');
  same(win.getParentWindow(), null, 'getParentWindow');
  same(win.webContents.getZoomFactor(), 1.25, 'zoomFactor');
  same(win.isFullScreen(), false, 'isFullScreen');

  const ready = waitFor(win, 'ready-to-show');
  await win.loadFile('index.html');
  await ready;
  const shown = waitFor(win, 'show', 100).catch(() => null);
  win.show();
  check(await shown, "no 'show' from show()");
  check(win.isVisible(), 'not visible after show()');

  // Limits apply at once, and the window follows.
  const resized = waitFor(win, 'resize');
  win.setSize(100, 2000);
  same(win.getSize(), [300, 700], 'size clamped to the limits');
  await resized;
  same(win.getSize(), [300, 700], 'size after the window resized');

  // No position given: Electron centres the window on the screen.
  const centred = new BrowserWindow({ width: 300, height: 200 });
  await centred.loadFile('index.html');
  const [sw, sh] = await centred.webContents.executeJavaScript('[screen.availWidth, screen.availHeight]');
  const deadline = Date.now() + 2000;
  let pos = centred.getPosition();
  const near = (p) => Math.abs(p[0] - (sw - 300) / 2) <= 60 && Math.abs(p[1] - (sh - 200) / 2) <= 60;
  while (!near(pos) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    pos = centred.getPosition();
  }
  check(near(pos), `not centred: at ${pos} on a ${sw}x${sh} screen`);

  // Parent, modal child.
  const child = new BrowserWindow({ parent: win, modal: true, width: 200, height: 150, show: false });
  same(child.isModal(), true, 'child isModal');
  check(child.getParentWindow() === win, 'child getParentWindow');
  same(win.getChildWindows().length, 1, 'getChildWindows');
  check(win.getChildWindows()[0] === child, 'getChildWindows()[0]');
  await child.loadFile('index.html');
  child.show();

  const order = [];
  child.on('closed', () => order.push('child'));
  win.on('closed', () => order.push('parent'));
  centred.destroy();
  win.close();
  same(order, ['child', 'parent'], 'children close before their parent');
  same(BrowserWindow.getAllWindows().length, 0, 'windows left');
}

app.whenReady().then(main).then(() => app.exit(0), (err) => fail(err.message));
