// Electron's Menu: menus the main script builds, shown by the daemon in
// windows' menu bars (win.setMenu, Menu.setApplicationMenu) and as
// context menus (menu.popup).  Each menu has a number of this app's; its
// items go to the daemon (AppHost.SetMenu) when a window first shows it,
// and again, coalesced, after each change.  The daemon reports choices
// and closed popups back (handleMenuEvent); the item's click runs here.
//
// Takes newEvent, MenuItem, BrowserWindow and windows.  Adds setMenu,
// removeMenu, setAutoHideMenuBar, isMenuBarAutoHide, setMenuBarVisibility
// and isMenuBarVisible to BrowserWindow.
// Returns {Menu, handleMenuEvent(msg), applyApplicationMenu(win)}.
(function (require, ctx, internal) {
  'use strict';

  const EventEmitter = require('events');

  const { newEvent, MenuItem, BrowserWindow, windows } = internal;

  // The daemon's bounds (daemon/menus.h), checked here so that the app
  // gets an exception where it went over them.
  const MAX_ITEMS = 1000;
  const MAX_DEPTH = 16;
  const MAX_TREE_ITEMS = 10000;

  let lastNumber = 0;
  // number → WeakRef(Menu), for the daemon's reports.
  const byNumber = new Map();
  // Menus the daemon has are dropped there once garbage collected.
  const dropped = new FinalizationRegistry((number) => {
    byNumber.delete(number);
    ctx.menus.drop(number);
  });
  // Menus changed since the daemon last had them, sent together once the
  // current turn is over.
  const dirty = new Set();
  let flushQueued = false;
  let applicationMenu = null;
  let groupIds = 0;
  // Menus with a popup open are kept, whoever else lets go of them.
  const openPopups = new Set();
  // Window id → the menus popped up on it: a window that goes takes its
  // popups with it (one 'closed' listener a window).
  const popupWindows = new Map();

  function watchWindow(win, menu) {
    let menus = popupWindows.get(win.id);
    if (!menus) {
      menus = new Set();
      popupWindows.set(win.id, menus);
      win.once('closed', () => {
        popupWindows.delete(win.id);
        for (const m of menus) m._popupGone(win.id);
      });
    }
    menus.add(menu);
  }

  function itemArray(item) {
    return [item.commandId, item.type, item.label, item.sublabel, item.toolTip,
            item.accelerator || '', item.enabled, item.visible, item.checked,
            item.registerAccelerator, item.submenu ? item.submenu._number : 0];
  }

  // Sends `menu` and what it needs first: submenus the daemon does not
  // have yet or that changed.
  function send(menu, busy = new Set()) {
    if (busy.has(menu)) return;
    busy.add(menu);
    for (const item of menu.items)
      if (item.submenu && (!item.submenu._sent || dirty.has(item.submenu))) send(item.submenu, busy);
    menu._checkRadioGroups();
    ctx.menus.set(menu._number, menu.items.map(itemArray));
    dirty.delete(menu);
    if (!menu._sent) {
      menu._sent = true;
      byNumber.set(menu._number, new WeakRef(menu));
      dropped.register(menu, menu._number);
    }
  }

  function flush() {
    flushQueued = false;
    for (const menu of [...dirty]) if (dirty.has(menu)) send(menu);
  }

  // Throws where the tree under menu is over the daemon's bounds.
  function checkTree(menu) {
    let count = 0;
    const walk = (m, depth, path) => {
      if (path.has(m)) throw new Error('A menu cannot be its own submenu');
      if (depth > MAX_DEPTH) throw new RangeError(`Submenus are more than ${MAX_DEPTH} deep`);
      count += m.items.length;
      if (count > MAX_TREE_ITEMS) throw new RangeError(`More than ${MAX_TREE_ITEMS} items under one menu`);
      path.add(m);
      for (const item of m.items) if (item.submenu) walk(item.submenu, depth + 1, path);
      path.delete(m);
    };
    walk(menu, 0, new Set());
  }

  // Ready to be shown: the daemon has it as it is now.
  function sendNow(menu) {
    checkTree(menu);
    if (!menu._sent || dirty.has(menu)) send(menu);
    flush();
  }

  class Menu extends EventEmitter {
    constructor() {
      super();
      Object.defineProperty(this, '_number', { value: ++lastNumber });
      Object.defineProperty(this, '_sent', { value: false, writable: true });
      Object.defineProperty(this, '_popups', { value: new Map() }); // window id → callback
      this.items = [];
    }

    _changed() {
      if (!this._sent) return;
      dirty.add(this);
      if (!flushQueued) {
        flushQueued = true;
        process.nextTick(flush);
      }
    }

    // Electron's: a radio group shown with none checked checks its first.
    _checkRadioGroups() {
      const groups = new Map();
      for (const item of this.items) {
        if (item.type !== 'radio') continue;
        if (!groups.has(item.groupId)) groups.set(item.groupId, []);
        groups.get(item.groupId).push(item);
      }
      for (const group of groups.values())
        if (!group.some((item) => item.checked)) group[0]._radio.set(true);
    }

    append(item) {
      this.insert(this.items.length, item);
    }

    insert(pos, item) {
      if (!(item instanceof MenuItem)) throw new TypeError('Invalid item');
      if (typeof pos !== 'number' || Number.isNaN(pos)) throw new TypeError('Invalid position');
      if (pos < 0) throw new RangeError(`Position ${pos} cannot be less than 0`);
      if (pos > this.items.length) throw new RangeError(`Position ${pos} cannot be greater than the total MenuItem count`);
      if (this.items.length >= MAX_ITEMS) throw new RangeError(`A menu holds at most ${MAX_ITEMS} items`);
      if (item.type === 'radio') this._radioJoin(item, pos);
      MenuItem._setMenu(item, this);
      this.items.splice(pos, 0, item);
      this._changed();
    }

    // Electron's radio items: the group is the run of radio items around
    // pos; setting checked (to anything) checks the item and unchecks
    // the rest of its group.
    _radioJoin(item, pos) {
      let groupId = null;
      const items = this.items;
      if (pos > 0) {
        for (let i = pos - 1; i >= 0 && groupId === null; i--) {
          if (items[i].type === 'radio') groupId = items[i].groupId;
          else if (items[i].type === 'separator') break;
        }
      } else {
        for (let i = pos; i < items.length && groupId === null; i++) {
          if (items[i].type === 'radio') groupId = items[i].groupId;
          else if (items[i].type === 'separator') break;
        }
      }
      if (groupId === null) groupId = ++groupIds;
      Object.defineProperty(item, 'groupId', { value: groupId, enumerable: true });
      let checked = item.checked;
      const radio = {
        set: (on) => {
          checked = on;
        },
      };
      Object.defineProperty(item, '_radio', { value: radio });
      Object.defineProperty(item, 'checked', {
        enumerable: true,
        configurable: true,
        get: () => checked,
        set: () => {
          for (const other of this.items)
            if (other !== item && other.type === 'radio' && other.groupId === groupId) other._radio.set(false);
          checked = true;
          this._changed();
        },
      });
    }

    getMenuItemById(id) {
      for (const item of this.items) if (item.id === id) return item;
      for (const item of this.items) {
        const found = item.submenu ? item.submenu.getMenuItemById(id) : null;
        if (found) return found;
      }
      return null;
    }

    popup(options = {}) {
      if (options == null || typeof options !== 'object') throw new TypeError('Options must be an object');
      let { window, x, y, positioningItem, callback } = options;
      if (typeof callback !== 'function') callback = () => {};
      x = typeof x === 'number' && Number.isFinite(x) ? Math.max(-1, Math.min(Math.round(x), 0x7fffffff)) : -1;
      y = typeof y === 'number' && Number.isFinite(y) ? Math.max(-1, Math.min(Math.round(y), 0x7fffffff)) : -1;
      positioningItem = typeof positioningItem === 'number' && Number.isInteger(positioningItem) &&
        positioningItem >= 0 && positioningItem < this.items.length ? positioningItem : -1;
      const all = BrowserWindow.getAllWindows();
      if (!all.includes(window)) {
        window = BrowserWindow.getFocusedWindow() || all[0];
        if (!window) throw new Error('Cannot open Menu without a BaseWindow present');
      }
      sendNow(this);
      // A popup of this menu open on that window is over first.
      const earlier = this._popups.get(window.id);
      this._popups.set(window.id, callback);
      if (earlier) this._popupClosed(window.id, earlier);
      this.emit('menu-will-show', newEvent());
      openPopups.add(this);
      ctx.menus.popup(window.id, this._number, x, y, positioningItem);
      watchWindow(window, this);
      return { browserWindow: window, x, y, position: positioningItem };
    }

    closePopup(window) {
      ctx.menus.closePopup(window instanceof BrowserWindow ? window.id : 0, this._number);
    }

    _popupGone(windowId) {
      const callback = this._popups.get(windowId);
      const watched = popupWindows.get(windowId);
      if (watched) watched.delete(this);
      if (!callback) return;
      this._popups.delete(windowId);
      if (this._popups.size === 0) openPopups.delete(this);
      this._popupClosed(windowId, callback);
    }

    _popupClosed(windowId, callback) {
      this.emit('menu-will-close', newEvent());
      callback();
    }

    static buildFromTemplate(template) {
      if (!Array.isArray(template)) throw new TypeError('Invalid template for Menu: Menu template must be an array');
      if (!template.every((item) => item != null && typeof item === 'object' &&
          (Object.hasOwn(item, 'label') || Object.hasOwn(item, 'role') || item.type === 'separator')))
        throw new TypeError('Invalid template for MenuItem: must have at least one of label, role or type');
      if (template.length > MAX_ITEMS) throw new RangeError(`A menu holds at most ${MAX_ITEMS} items`);
      const menu = new Menu();
      for (const item of removeExtraSeparators(template))
        menu.append(item instanceof MenuItem ? item : new MenuItem(item));
      return menu;
    }

    static setApplicationMenu(menu) {
      if (menu !== null && !(menu instanceof Menu)) throw new TypeError('Invalid menu');
      applicationMenu = menu;
      for (const win of BrowserWindow.getAllWindows()) win.setMenu(menu);
    }

    static getApplicationMenu() {
      return applicationMenu;
    }

    // macOS only.
    static sendActionToFirstResponder() {}
  }

  // Electron's: no separator first, last, or after another (hidden items
  // aside).
  function removeExtraSeparators(items) {
    let ret = items.filter((e, idx, arr) => e.visible === false || e.type !== 'separator' || idx === 0 ||
      arr[idx - 1].type !== 'separator');
    ret = ret.filter((e, idx, arr) => e.visible === false || e.type !== 'separator' ||
      (idx !== 0 && idx !== arr.length - 1));
    return ret;
  }

  // The daemon's reports: a choice in a window's menu, a popup closed.
  function handleMenuEvent(msg) {
    const ref = byNumber.get(msg.menu);
    const menu = ref && ref.deref();
    if (!menu) return;
    const win = windows.get(msg.id);
    if (msg.event === 'activated') {
      const item = menu.items.find((i) => i.commandId === msg.item);
      if (!item) return;
      const event = {
        shiftKey: false, ctrlKey: false, altKey: false, metaKey: false,
        triggeredByAccelerator: !!msg.accelerator,
      };
      item.click(event, win, win ? win.webContents : undefined);
    } else if (msg.event === 'closed') {
      menu._popupGone(msg.id);
    }
  }

  // --- BrowserWindow's menu methods

  const proto = BrowserWindow.prototype;
  const methods = {
    setMenu(menu) {
      this._check();
      if (menu !== null && !(menu instanceof Menu)) throw new TypeError('Invalid menu');
      if (menu) sendNow(menu);
      this._menu = menu;
      ctx.menus.setWindowMenu(this.id, menu ? menu._number : 0);
    },
    removeMenu() {
      this.setMenu(null);
    },
    setAutoHideMenuBar(hide) {
      this._check();
      this._menuBar = { ...this._menuBarState(), autoHide: !!hide };
      this._setOptions({ autoHideMenuBar: !!hide });
    },
    isMenuBarAutoHide() {
      this._check();
      return this._menuBarState().autoHide;
    },
    setMenuBarVisibility(visible) {
      this._check();
      this._menuBar = { ...this._menuBarState(), visible: !!visible };
      this._setOptions({ menuBarVisible: !!visible });
    },
    isMenuBarVisible() {
      this._check();
      return this._menuBarState().visible;
    },
    _menuBarState() {
      return this._menuBar || { autoHide: false, visible: true };
    },
  };
  for (const [name, fn] of Object.entries(methods))
    Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  // The autoHideMenuBar property is browser-window.js's, over these.

  // A new window: Electron gives it the application menu, and reads
  // autoHideMenuBar.
  function applyApplicationMenu(win, options) {
    if (options && options.autoHideMenuBar) win.setAutoHideMenuBar(true);
    if (applicationMenu) win.setMenu(applicationMenu);
  }

  return { Menu, handleMenuEvent, applyApplicationMenu };
});
