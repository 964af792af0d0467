// Electron's MenuItem, and the roles (Electron's menu-item-roles): what an
// item with a role is called, its accelerator, and what choosing it does.
// The items' changes reach the daemon through their menu (menu.js).
//
// Takes app, WebContents and appName.  Returns {MenuItem, roleSubmenu}.
// MenuItem looks Menu up in internal when it is constructed (menu.js
// comes after this file).
(function (require, ctx, internal) {
  'use strict';

  const { app, WebContents, appName } = internal;

  // What the daemon takes (daemon/menus.h): texts longer are refused here.
  const MAX_TEXT = 1024;
  const TYPES = ['normal', 'separator', 'submenu', 'checkbox', 'radio'];

  // The editing commands, as Electron's webContents methods; the page's
  // renderer runs them as WebKit's editing commands.
  const EDITING = {
    undo: 'Undo', redo: 'Redo', cut: 'Cut', copy: 'Copy', paste: 'Paste',
    pasteAndMatchStyle: 'PasteAsPlainText', delete: 'Delete', selectAll: 'SelectAll',
  };
  for (const [method, command] of Object.entries(EDITING)) {
    if (WebContents.prototype[method]) continue;
    Object.defineProperty(WebContents.prototype, method, {
      value: function () {
        this._check();
        this._fire('editing-command', [command]);
      },
      writable: true,
      configurable: true,
    });
  }

  // Electron's roles on Linux: label, accelerator, whether the accelerator
  // is registered, what choosing the item does (on the focused window or
  // its webContents, or the app).
  const ROLES = {
    about: { label: 'About', app: () => app.showAboutPanel && app.showAboutPanel() },
    close: { label: 'Close', accelerator: 'CommandOrControl+W', window: (w) => w.close() },
    copy: { label: 'Copy', accelerator: 'CommandOrControl+C', wc: (wc) => wc.copy(), register: false },
    cut: { label: 'Cut', accelerator: 'CommandOrControl+X', wc: (wc) => wc.cut(), register: false },
    delete: { label: 'Delete', wc: (wc) => wc.delete() },
    forcereload: { label: 'Force Reload', accelerator: 'Shift+CmdOrCtrl+R', wc: (wc) => wc.reloadIgnoringCache() },
    minimize: {
      label: 'Minimize', accelerator: 'CommandOrControl+M',
      window: (w) => { if (w.isMinimizable()) w.minimize(); },
    },
    paste: { label: 'Paste', accelerator: 'CommandOrControl+V', wc: (wc) => wc.paste(), register: false },
    pasteandmatchstyle: {
      label: 'Paste and Match Style', accelerator: 'Shift+CommandOrControl+V',
      wc: (wc) => wc.pasteAndMatchStyle(), register: false,
    },
    quit: { label: 'Quit', accelerator: 'CommandOrControl+Q', app: () => app.quit() },
    redo: { label: 'Redo', accelerator: 'Shift+CommandOrControl+Z', wc: (wc) => wc.redo() },
    reload: { label: 'Reload', accelerator: 'CmdOrCtrl+R', wc: (wc) => wc.reload() },
    resetzoom: { label: 'Actual Size', accelerator: 'CommandOrControl+0', wc: (wc) => { wc.zoomLevel = 0; } },
    selectall: { label: 'Select All', accelerator: 'CommandOrControl+A', wc: (wc) => wc.selectAll() },
    toggledevtools: { label: 'Toggle Developer Tools', accelerator: 'Ctrl+Shift+I', wc: (wc) => wc.toggleDevTools() },
    togglefullscreen: {
      label: 'Toggle Full Screen', accelerator: 'F11',
      window: (w) => w.setFullScreen(!w.isFullScreen()),
    },
    undo: { label: 'Undo', accelerator: 'CommandOrControl+Z', wc: (wc) => wc.undo() },
    zoomin: { label: 'Zoom In', accelerator: 'CommandOrControl+Plus', wc: (wc) => { wc.zoomLevel += 0.5; } },
    zoomout: { label: 'Zoom Out', accelerator: 'CommandOrControl+-', wc: (wc) => { wc.zoomLevel -= 0.5; } },
    // macOS's, here for their labels only.
    front: { label: 'Bring All to Front' },
    help: { label: 'Help' },
    hide: { get label() { return `Hide ${appName()}`; }, accelerator: 'Command+H' },
    hideothers: { label: 'Hide Others', accelerator: 'Command+Alt+H' },
    unhide: { label: 'Show All' },
    services: { label: 'Services' },
    recentdocuments: { label: 'Open Recent' },
    clearrecentdocuments: { label: 'Clear Menu' },
    window: { label: 'Window' },
    zoom: { label: 'Zoom' },
    appmenu: {
      get label() { return appName(); },
      submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'services' }, { type: 'separator' },
                { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' },
                { role: 'quit' }],
    },
    filemenu: { label: 'File', submenu: [{ role: 'quit' }] },
    editmenu: {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' },
                { role: 'copy' }, { role: 'paste' }, { role: 'delete' }, { type: 'separator' },
                { role: 'selectAll' }],
    },
    viewmenu: {
      label: 'View',
      submenu: [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' },
                { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' },
                { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    windowmenu: { label: 'Window', submenu: [{ role: 'minimize' }, { role: 'close' }] },
  };

  function role(name) {
    return typeof name === 'string' && Object.hasOwn(ROLES, name) ? ROLES[name] : null;
  }

  function roleSubmenu(name) {
    const r = role(name);
    return r && r.submenu ? r.submenu.map((item) => ({ ...item })) : undefined;
  }

  // Runs the role's action; false when the role has none (then the
  // item's click runs).
  function executeRole(name, win, wc) {
    const r = role(name);
    if (!r) return false;
    if (r.window) {
      if (!win || win.isDestroyed()) return true;
      r.window(win);
      return true;
    }
    if (r.wc) {
      if (wc && !wc.isDestroyed()) r.wc(wc);
      return true;
    }
    if (r.app) {
      r.app();
      return true;
    }
    return false;
  }

  function text(value, what) {
    const s = value == null ? '' : String(value);
    if (Buffer.byteLength(s) > MAX_TEXT) throw new RangeError(`MenuItem ${what} is longer than ${MAX_TEXT} bytes`);
    return s;
  }

  let nextCommandId = 0;

  // What the menu shows of an item and can change after: set, they show
  // in every window with the item's menu.
  const LIVE = {
    label: (v) => text(v, 'label'),
    sublabel: (v) => text(v, 'sublabel'),
    toolTip: (v) => text(v, 'toolTip'),
    enabled: (v) => !!v,
    visible: (v) => !!v,
    checked: (v) => !!v,
    registerAccelerator: (v) => !!v,
  };

  class MenuItem {
    constructor(options) {
      if (!options || typeof options !== 'object') throw new TypeError('Invalid MenuItem options');
      const { Menu } = internal;
      // Electron keeps fields it does not know, for the app's own use.
      for (const key of Object.keys(options)) {
        if (!(key in this) && !Object.hasOwn(LIVE, key)) this[key] = options[key];
      }
      let roleName = options.role;
      if (typeof roleName === 'string' || roleName instanceof String) roleName = String(roleName).toLowerCase();
      else roleName = null;
      const r = role(roleName);

      let submenu = options.submenu != null ? options.submenu : roleSubmenu(roleName);
      if (submenu != null && !(submenu instanceof Menu)) submenu = Menu.buildFromTemplate(submenu);
      let type = options.type;
      if (type == null && submenu != null) type = 'submenu';
      if (type == null) type = 'normal';
      if (type === 'submenu' && !(submenu instanceof Menu)) throw new Error('Invalid submenu');
      if (!TYPES.includes(type)) throw new Error(`Unknown menu item type: ${type}`);
      let accelerator = options.accelerator != null ? options.accelerator : (r && r.accelerator) || null;
      if (accelerator !== null) accelerator = text(accelerator, 'accelerator');

      const readOnly = {
        type, role: roleName, accelerator, submenu: submenu || null, commandId: ++nextCommandId,
        menu: null,
      };
      for (const [key, value] of Object.entries(readOnly))
        Object.defineProperty(this, key, { value, enumerable: key !== 'menu', writable: false, configurable: true });

      this._live = {};
      const defaults = {
        label: r ? r.label : '', sublabel: '', toolTip: '', enabled: true, visible: true,
        checked: false, registerAccelerator: r ? r.register !== false : true,
      };
      for (const [key, check] of Object.entries(LIVE)) {
        this._live[key] = check(options[key] != null ? options[key] : defaults[key]);
        Object.defineProperty(this, key, {
          enumerable: true,
          configurable: true,
          get: () => this._live[key],
          set: (value) => {
            const v = check(value);
            if (v === this._live[key]) return;
            this._live[key] = v;
            if (this.menu) this.menu._changed();
          },
        });
      }
      this.icon = options.icon != null ? options.icon : null;
      this.acceleratorWorksWhenHidden = options.acceleratorWorksWhenHidden !== false;
      Object.defineProperty(this, '_live', { enumerable: false });

      const click = options.click;
      // Electron's: checkbox and radio items flip, then the role or the
      // app's click runs.
      this.click = (event, focusedWindow, focusedWebContents) => {
        if (this.type === 'checkbox' || this.type === 'radio') this.checked = !this.checked;
        if (!executeRole(this.role, focusedWindow, focusedWebContents) && typeof click === 'function')
          click(this, focusedWindow, event);
      };
    }

    getDefaultRoleAccelerator() {
      const r = role(this.role);
      return r && r.accelerator ? r.accelerator : undefined;
    }
  }

  // For menu.js: an item's own slot, before the menu shares it.
  MenuItem._setMenu = (item, menu) => {
    Object.defineProperty(item, 'menu', { value: menu, enumerable: false, writable: false, configurable: true });
  };

  return { MenuItem, roleSubmenu };
});
