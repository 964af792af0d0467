// Menu and MenuItem: templates, a window's menu bar chosen from with the
// keyboard, accelerators, live changes, and context menus.  Keys are
// pressed with xdotool into the focused window; needs a window manager.
const { app, BrowserWindow, Menu, MenuItem } = require('electron');
const { fail, deadline, check, same, waitFor } = require('../lib/checks.js');
const { keys, showFocused } = require('../lib/keys.js');

deadline(30000);
app.on('window-all-closed', () => {});

// The next click of any item: [label, window, event].
let clicked = null;
function nextClick() {
  return new Promise((resolve) => { clicked = resolve; });
}
function onClick(item, win, event) {
  const resolve = clicked;
  clicked = null;
  if (!resolve) return fail(`unexpected click of ${item.label}`);
  resolve([item.label, win, event]);
}

function templateChecks() {
  let err = null;
  try { Menu.buildFromTemplate('x'); } catch (e) { err = e; }
  check(err instanceof TypeError, 'buildFromTemplate of a string throws a TypeError');
  err = null;
  try { Menu.buildFromTemplate([{}]); } catch (e) { err = e; }
  check(err instanceof TypeError, 'an item without label, role or type throws a TypeError');
  err = null;
  try { new MenuItem({ label: 'x', type: 'bogus' }); } catch (e) { err = e; }
  check(err && /Unknown menu item type/.test(err.message), 'an unknown type throws');
  err = null;
  try { new MenuItem({ label: 'x', type: 'submenu' }); } catch (e) { err = e; }
  check(err && /Invalid submenu/.test(err.message), 'a submenu item without a submenu throws');
  const m = new Menu();
  err = null;
  try { m.insert(1, new MenuItem({ label: 'a' })); } catch (e) { err = e; }
  check(err instanceof RangeError, 'insert past the end throws a RangeError');
  err = null;
  try { m.append({ label: 'plain object' }); } catch (e) { err = e; }
  check(err instanceof TypeError, 'append of a plain object throws');
  err = null;
  try { Menu.buildFromTemplate(Array.from({ length: 1001 }, (_, i) => ({ label: `i${i}` }))); } catch (e) { err = e; }
  check(err instanceof RangeError, 'a menu of 1001 items is refused');
  err = null;
  try { new MenuItem({ label: 'x'.repeat(2000) }); } catch (e) { err = e; }
  check(err instanceof RangeError, 'a label over 1024 bytes is refused');
  err = null;
  try { Menu.setApplicationMenu({}); } catch (e) { err = e; }
  check(err instanceof TypeError, 'setApplicationMenu of a non-menu throws');

  // Deeper than the daemon takes: refused where the app shows it.
  let deep = Menu.buildFromTemplate([{ label: 'leaf' }]);
  for (let i = 0; i < 17; i++) deep = Menu.buildFromTemplate([{ label: `level ${i}`, submenu: deep }]);
  return deep;
}

async function main() {
  const deep = templateChecks();

  const undo = new MenuItem({ role: 'undo' });
  same([undo.label, undo.accelerator, undo.type], ['Undo', 'CommandOrControl+Z', 'normal'], 'undo role defaults');
  const edit = new MenuItem({ role: 'editMenu' });
  same(edit.submenu.items.map((i) => i.role || i.type),
       ['undo', 'redo', 'separator', 'cut', 'copy', 'paste', 'delete', 'separator', 'selectall'], 'editMenu');

  const menu = Menu.buildFromTemplate([
    { type: 'separator' },
    {
      label: '&Tools',
      submenu: [
        { label: 'First', id: 'first', accelerator: 'CmdOrCtrl+Shift+F9', click: onClick },
        { type: 'separator' },
        { type: 'separator' },
        { label: 'Toggle', id: 'toggle', type: 'checkbox', click: onClick },
        { label: 'Off', id: 'off', accelerator: 'CmdOrCtrl+F6', enabled: false, click: onClick },
        { label: 'Second', id: 'second', accelerator: 'Alt+F8', click: onClick },
      ],
    },
  ]);
  // The leading separator is dropped, and the double one made single.
  same(menu.items.map((i) => i.label), ['&Tools'], 'top-level items');
  same(menu.items[0].submenu.items.map((i) => i.type), ['normal', 'separator', 'checkbox', 'normal', 'normal'],
       'submenu types');
  const toggle = menu.getMenuItemById('toggle');
  check(toggle && toggle.type === 'checkbox' && toggle.checked === false, 'getMenuItemById');
  check(menu.getMenuItemById('nothing') === null, 'getMenuItemById of no item is null');
  check(toggle.menu === menu.items[0].submenu, 'item.menu');

  Menu.setApplicationMenu(menu);
  check(Menu.getApplicationMenu() === menu, 'getApplicationMenu');

  const win = new BrowserWindow({ width: 400, height: 300 });
  await showFocused(win);

  // An accelerator fires its item's click, with the window.
  let next = nextClick();
  await keys('ctrl+shift+F9');
  let [label, got, event] = await next;
  same(label, 'First', 'accelerator click');
  check(got === win, 'the click gets the window');
  check(event.triggeredByAccelerator === true, 'triggeredByAccelerator');

  // A disabled item's accelerator does nothing: the next one is the
  // enabled item's.
  next = nextClick();
  await keys('ctrl+F6', 'alt+F8');
  [label] = await next;
  same(label, 'Second', 'disabled accelerator skipped');

  // Enabled from the script, it works at once.
  menu.getMenuItemById('off').enabled = true;
  await new Promise((resolve) => setImmediate(resolve));
  next = nextClick();
  await keys('ctrl+F6');
  [label] = await next;
  same(label, 'Off', 'enabled afterwards');

  // The menu bar by keyboard: Alt+T opens Tools on its first item; the
  // checkbox is next (the separator is skipped).
  next = nextClick();
  await keys('alt+t');
  await keys('Down', 'Return');
  [label, got, event] = await next;
  same(label, 'Toggle', 'chosen from the menu bar');
  check(got === win, 'the menu bar click gets the window');
  check(event.triggeredByAccelerator === false, 'not by accelerator');
  check(toggle.checked === true, 'the checkbox flipped on click');

    // A context menu: shown, then closed by closePopup(); its callback
  // follows.
  const context = Menu.buildFromTemplate([
    { label: 'Alpha', click: onClick },
    { label: 'Beta', type: 'radio', click: onClick },
    { label: 'Gamma', type: 'radio', click: onClick },
  ]);
  const willShow = waitFor(context, 'menu-will-show');
  const willClose = waitFor(context, 'menu-will-close');
  let closed;
  const callbackDone = new Promise((resolve) => { closed = resolve; });
  context.popup({ window: win, x: 30, y: 30, callback: closed });
  await willShow;
  // The first radio is checked when shown, as in Electron.
  check(context.items[1].checked === true && context.items[2].checked === false, 'radio group default');
  // Setting checked on a radio item checks it and unchecks the rest.
  context.items[1].checked = true;
  check(context.items[1].checked && !context.items[2].checked, 'radio set from the script');
  context.closePopup(win);
  await willClose;
  await callbackDone;

  // Chosen by keyboard: the popup opens on its first item.  The radio
  // item chosen is checked, its group's other one not; the callback
  // follows the click.
  const shownAgain = waitFor(context, 'menu-will-show');
  const closedAgain = waitFor(context, 'menu-will-close');
  next = nextClick();
  context.popup({ window: win, x: 40, y: 40 });
  await shownAgain;
  await keys('Down', 'Down', 'Return');
  [label, got] = await next;
  same(label, 'Gamma', 'chosen from the popup');
  check(got === win, 'the popup click gets the window');
  check(context.items[2].checked && !context.items[1].checked, 'radio moved by the click');
  await closedAgain;

  // Too deep for the daemon: refused, the window keeps working.
  let err = null;
  try { win.setMenu(deep); } catch (e) { err = e; }
  check(err instanceof RangeError, 'a menu 18 deep is refused');

  win.removeMenu();
  check(Menu.getApplicationMenu() === menu, 'removeMenu leaves the application menu');

  // A window that goes ends its popup.
  const gone = waitFor(context, 'menu-will-close');
  context.popup({ window: win, x: 10, y: 10 });
  win.destroy();
  await gone;
}

app.whenReady().then(main).then(() => app.exit(0), (err) => fail(err.stack || err.message));
