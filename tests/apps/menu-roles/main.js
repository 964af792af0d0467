// Roles chosen by their accelerators (full screen, zoom, select all), and
// the menu bar hidden and shown: autoHideMenuBar with Alt, and
// setMenuBarVisibility, seen as the page's height.  Keys are pressed with
// xdotool into the focused window; needs a window manager.
const { app, BrowserWindow, Menu } = require('electron');
const { fail, deadline, check, same, waitFor } = require('../lib/checks.js');
const { keys, showFocused } = require('../lib/keys.js');

deadline(30000);
app.on('window-all-closed', () => {});

// Polls `get` until `ok(value)`, within the app's deadline.
async function until(get, ok) {
  for (;;) {
    const value = await get();
    if (ok(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function main() {
  const menu = Menu.buildFromTemplate([{ role: 'fileMenu' }, { role: 'editMenu' }, { role: 'viewMenu' },
                                       { role: 'windowMenu' }]);
  same(menu.items.map((i) => i.label), ['File', 'Edit', 'View', 'Window'], 'role menu labels');
  same(menu.items[2].submenu.items.filter((i) => i.type !== 'separator').map((i) => i.label),
       ['Reload', 'Force Reload', 'Toggle Developer Tools', 'Actual Size', 'Zoom In', 'Zoom Out',
        'Toggle Full Screen'], 'viewMenu labels');
  check(menu.getMenuItemById === Menu.prototype.getMenuItemById, 'prototype method');
  Menu.setApplicationMenu(menu);

  const win = new BrowserWindow({ width: 400, height: 300 });
  const wc = win.webContents;
  await showFocused(win);

  // togglefullscreen: F11, twice.
  let next = waitFor(win, 'enter-full-screen');
  await keys('F11');
  await next;
  next = waitFor(win, 'leave-full-screen');
  await keys('F11');
  await next;

  // zoomOut, resetZoom and zoomIn.
  await keys('ctrl+minus');
  await until(() => wc.getZoomLevel(), (z) => Math.abs(z + 0.5) < 1e-9);
  await keys('ctrl+0');
  await until(() => wc.getZoomLevel(), (z) => Math.abs(z) < 1e-9);
  // zoomIn's CommandOrControl+Plus, typed as Shift and = here.
  await keys('ctrl+plus');
  await until(() => wc.getZoomLevel(), (z) => Math.abs(z - 0.5) < 1e-9);

  // selectAll runs WebKit's editing command in the page.
  await keys('ctrl+a');
  await until(() => wc.executeJavaScript('String(getSelection())'), (s) => s.includes('hello roles'));

  // The menu bar takes its height from the page; hidden, the page has it.
  const height = () => wc.executeJavaScript('innerHeight');
  const withBar = await height();
  win.setAutoHideMenuBar(true);
  check(win.isMenuBarAutoHide() && win.autoHideMenuBar, 'isMenuBarAutoHide');
  const without = await until(height, (h) => h > withBar);
  await keys('alt');
  await until(height, (h) => h === withBar);
  await keys('alt');
  await until(height, (h) => h === without);
  win.setAutoHideMenuBar(false);
  await until(height, (h) => h === withBar);
  win.setMenuBarVisibility(false);
  check(!win.isMenuBarVisible(), 'isMenuBarVisible after hiding');
  await until(height, (h) => h === without);
  win.setMenuBarVisibility(true);
  await until(height, (h) => h === withBar);
  // Without a menu, no bar.
  win.removeMenu();
  await until(height, (h) => h === without);
  win.destroy();
}

app.whenReady().then(main).then(() => app.exit(0), (err) => fail(err.stack || err.message));
