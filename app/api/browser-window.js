// Electron's BrowserWindow: a window of the app, shown by a renderer that
// the daemon runs for it.  Its setters tell the daemon (window-set-*); the
// daemon's reports of what the window manager did come back to _onState.
//
// Takes newEvent, the argument checks, defineAccessors, the colours, app,
// isReady, isQuitting, appName, WebContents, the window options'
// readOptions, firstBounds, createOptions, iconPath, flag and
// withTargetDefaults, NativeImage, and windows, which it keeps.  Returns
// {BrowserWindow, windowGone(win) (the window is gone: destroyed, or
// closed by the daemon)}.
(function (require, ctx, internal) {
  'use strict';

  const EventEmitter = require('events');

  const { newEvent, destroyedError, conversionError, requireArgs, intArg, numberArg, stringArg,
          defineAccessors, parseColour, colourHex, colourCSS, app, isReady, isQuitting, appName,
          WebContents, readOptions, firstBounds, createOptions, iconPath, flag, withTargetDefaults,
          NativeImage, windows } = internal;

  // BrowserWindow.id: the app's own numbers, from 1; appd maps them to its
  // ids for the windows.
  let lastWindowId = 0;

  class BrowserWindow extends EventEmitter {
    constructor(options = {}) {
      super();
      if (!isReady()) throw new Error('Cannot create BrowserWindow before app is ready');
      if (!options || typeof options !== 'object') options = {};
      const prefs = withTargetDefaults(options.webPreferences && typeof options.webPreferences === 'object'
        ? options.webPreferences : {});
      const extension = options.appd && typeof options.appd === 'object' ? options.appd : {};
      const stateKey = extension.stateKey;
      if (stateKey !== undefined &&
          (typeof stateKey !== 'string' || stateKey === '' || Buffer.byteLength(stateKey) > 256))
        throw new TypeError('appd.stateKey must be a string of 1 to 256 bytes');

      this.id = ++lastWindowId;
      this._destroyed = false;
      this._title = typeof options.title === 'string' ? options.title : appName();
      this._visible = options.show !== false;
      // A show()/hide() the daemon has not confirmed yet: older reports
      // of visibility must not undo it.
      this._visibleUnconfirmed = false;
      this._readyToShowSent = false;
      this._parent = null;
      this._children = new Set();

      this._options = readOptions(options);

      const { bounds, placed, maximized } = firstBounds(this, options, stateKey);
      this._bounds = bounds;
      // What the daemon last reported; events fire when a report differs.
      this._state = {
        ...bounds,
        visible: this._visible,
        focused: false,
        maximized,
        minimized: false,
        fullscreen: flag(options.fullscreen, false),
      };
      this._placed = placed;

      if (options.parent instanceof BrowserWindow && !options.parent._destroyed) {
        this._parent = options.parent;
        options.parent._children.add(this);
      }

      this.webContents = new WebContents(this, prefs);

      const sent = createOptions(this, options, prefs, stateKey);

      windows.set(this.id, this);
      ctx.post({ op: 'window-create', id: this.id, options: sent });

      const wc = this.webContents;
      // getUserAgent() answers synchronously: learn the default once.
      wc._call('get-user-agent').then((ua) => {
        if (typeof ua === 'string' && wc._userAgent === '') wc._userAgent = ua;
      }, () => {});
      const zoom = Number(prefs.zoomFactor);
      if (prefs.zoomFactor !== undefined && zoom > 0 && zoom !== 1) wc.setZoomFactor(zoom);

      // menu.js: the application menu, autoHideMenuBar.
      internal.applyApplicationMenu(this, options);
      app.emit('web-contents-created', newEvent(), wc);
      app.emit('browser-window-created', newEvent(), this);
    }

    static getAllWindows() {
      return [...windows.values()];
    }

    static fromId(id) {
      return windows.get(id) || null;
    }

    static fromWebContents(webContents) {
      return (webContents && webContents instanceof WebContents && windows.get(webContents.id)) || null;
    }

    static getFocusedWindow() {
      for (const win of windows.values()) if (win._state.focused) return win;
      return null;
    }

    _check() {
      if (this._destroyed) throw destroyedError();
    }

    _post(op, fields) {
      ctx.post({ op, id: this.id, ...fields });
    }

    _setOptions(options) {
      this._post('window-set-options', { options });
    }

    _setState(state) {
      this._post('window-set-state', { state });
    }

    _clampWidth(width) {
      const [min] = this._options.minSize;
      const [max] = this._options.maxSize;
      if (max > 0) width = Math.min(width, max);
      return Math.max(width, min, 1);
    }

    _clampHeight(height) {
      const min = this._options.minSize[1];
      const max = this._options.maxSize[1];
      if (max > 0) height = Math.min(height, max);
      return Math.max(height, min, 1);
    }

    isDestroyed() {
      return this._destroyed;
    }

    loadURL(url) {
      this._check();
      return this.webContents.loadURL(url);
    }

    loadFile(filePath, options) {
      this._check();
      return this.webContents.loadFile(filePath, options);
    }

    reload() {
      this._check();
      this.webContents.reload();
    }

    setTitle(title) {
      this._check();
      requireArgs(arguments, 1);
      this._title = stringArg(arguments, 0);
      this._post('window-set-title', { title: this._title });
    }

    getTitle() {
      this._check();
      return this._title;
    }

    // ---- visibility and focus

    // Electron on Linux emits 'show' and 'hide' from the calls themselves;
    // here only when the visibility really changes.
    _setVisible(visible) {
      if (this._visible === visible) return false;
      this._visible = visible;
      this._visibleUnconfirmed = true;
      this.emit(visible ? 'show' : 'hide');
      return true;
    }

    show() {
      this._check();
      this._post('window-show');
      this._setVisible(true);
    }

    showInactive() {
      this._check();
      this._setState('show-inactive');
      this._setVisible(true);
    }

    hide() {
      this._check();
      this._post('window-hide');
      this._setVisible(false);
    }

    isVisible() {
      this._check();
      return this._visible;
    }

    focus() {
      this._check();
      this._setState('focus');
    }

    blur() {
      this._check();
      this._setState('blur');
    }

    isFocused() {
      this._check();
      return this._state.focused;
    }

    // ---- geometry: sizes are the content area's

    setBounds(bounds) {
      this._check();
      requireArgs(arguments, 1);
      if (!bounds || typeof bounds !== 'object' || Array.isArray(bounds)) throw conversionError(0, bounds);
      for (const key of ['x', 'y', 'width', 'height']) {
        const v = bounds[key];
        if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw conversionError(0, bounds);
      }
      const b = this._bounds;
      const fields = {};
      if (bounds.x !== undefined || bounds.y !== undefined) {
        if (bounds.x !== undefined) b.x = Math.round(bounds.x);
        if (bounds.y !== undefined) b.y = Math.round(bounds.y);
        Object.assign(fields, { x: b.x, y: b.y });
      }
      if (bounds.width !== undefined || bounds.height !== undefined) {
        if (bounds.width !== undefined) b.width = this._clampWidth(Math.round(bounds.width));
        if (bounds.height !== undefined) b.height = this._clampHeight(Math.round(bounds.height));
        Object.assign(fields, { width: b.width, height: b.height });
      }
      if (Object.keys(fields).length > 0) this._post('window-set-bounds', fields);
    }

    getBounds() {
      this._check();
      const { x, y, width, height } = this._bounds;
      return { x, y, width, height };
    }

    setContentBounds(bounds) {
      this.setBounds(...arguments);
    }

    getContentBounds() {
      return this.getBounds();
    }

    getNormalBounds() {
      return this.getBounds();
    }

    setSize(width, height) {
      this._check();
      requireArgs(arguments, 2);
      const w = intArg(arguments, 0);
      const h = intArg(arguments, 1);
      this.setBounds({ width: w, height: h });
    }

    getSize() {
      this._check();
      return [this._bounds.width, this._bounds.height];
    }

    setContentSize(width, height) {
      this._check();
      requireArgs(arguments, 2);
      this.setSize(intArg(arguments, 0), intArg(arguments, 1));
    }

    getContentSize() {
      return this.getSize();
    }

    setPosition(x, y) {
      this._check();
      requireArgs(arguments, 2);
      const nx = intArg(arguments, 0);
      const ny = intArg(arguments, 1);
      this.setBounds({ x: nx, y: ny });
    }

    getPosition() {
      this._check();
      return [this._bounds.x, this._bounds.y];
    }

    // The screen's size is the renderer's to know: the new position comes
    // back with the window's state ('move').
    center() {
      this._check();
      this._setState('center');
    }

    setMinimumSize(width, height) {
      this._check();
      requireArgs(arguments, 2);
      this._options.minSize = [Math.max(0, intArg(arguments, 0)), Math.max(0, intArg(arguments, 1))];
      this._setOptions({ minWidth: this._options.minSize[0], minHeight: this._options.minSize[1] });
      this._reclamp();
    }

    getMinimumSize() {
      this._check();
      return [...this._options.minSize];
    }

    setMaximumSize(width, height) {
      this._check();
      requireArgs(arguments, 2);
      this._options.maxSize = [Math.max(0, intArg(arguments, 0)), Math.max(0, intArg(arguments, 1))];
      this._setOptions({ maxWidth: this._options.maxSize[0], maxHeight: this._options.maxSize[1] });
      this._reclamp();
    }

    getMaximumSize() {
      this._check();
      return [...this._options.maxSize];
    }

    // New limits move the size into them at once, as the window will.
    _reclamp() {
      const b = this._bounds;
      const width = this._clampWidth(b.width);
      const height = this._clampHeight(b.height);
      if (width === b.width && height === b.height) return;
      b.width = width;
      b.height = height;
      this._post('window-set-bounds', { width, height });
    }

    // ---- window options

    _setFlag(name, value) {
      this._check();
      requireArgs([...arguments].slice(1), 1);
      this._options[name] = Boolean(value);
      this._setOptions({ [name]: this._options[name] });
    }

    setResizable(resizable) {
      this._setFlag('resizable', ...arguments);
    }

    isResizable() {
      this._check();
      return this._options.resizable;
    }

    // X11 window managers decide these: kept and reported, not enforced.
    setMovable(movable) {
      this._setFlag('movable', ...arguments);
    }

    isMovable() {
      this._check();
      return this._options.movable;
    }

    setMinimizable(minimizable) {
      this._setFlag('minimizable', ...arguments);
    }

    isMinimizable() {
      this._check();
      return this._options.minimizable;
    }

    setMaximizable(maximizable) {
      this._setFlag('maximizable', ...arguments);
    }

    isMaximizable() {
      this._check();
      return this._options.maximizable;
    }

    setClosable(closable) {
      this._setFlag('closable', ...arguments);
    }

    isClosable() {
      this._check();
      return this._options.closable;
    }

    setSkipTaskbar(skip) {
      this._setFlag('skipTaskbar', ...arguments);
    }

    setAlwaysOnTop(flagValue, level, relativeLevel) {
      this._check();
      requireArgs(arguments, 1);
      const onTop = Boolean(flagValue);
      if (onTop === this._options.alwaysOnTop) return;
      this._options.alwaysOnTop = onTop;
      this._setOptions({ alwaysOnTop: onTop });
      this.emit('always-on-top-changed', newEvent(), onTop);
    }

    isAlwaysOnTop() {
      this._check();
      return this._options.alwaysOnTop;
    }

    setBackgroundColor(backgroundColor) {
      this._check();
      requireArgs(arguments, 1);
      const colour = parseColour(stringArg(arguments, 0));
      // Chromium falls back to white for what it cannot parse.
      this._options.backgroundColor = colour || parseColour('#FFFFFF');
      this._setOptions({ backgroundColor: colourCSS(this._options.backgroundColor) });
    }

    getBackgroundColor() {
      this._check();
      return colourHex(this._options.backgroundColor);
    }

    // X11 has no standard progress indicator: passed on for renderers
    // that can show one.
    setProgressBar(progress, options) {
      this._check();
      requireArgs(arguments, 1);
      this._setOptions({ progress: numberArg(arguments, 0) });
    }

    flashFrame(flashing) {
      this._check();
      requireArgs(arguments, 1);
      this._setOptions({ urgent: Boolean(flashing) });
    }

    setIcon(icon) {
      this._check();
      requireArgs(arguments, 1);
      const file = iconPath(icon);
      if (!file && icon instanceof NativeImage) {
        process.emitWarning('BrowserWindow.setIcon: only a NativeImage read from a file can be a window icon here');
        return;
      }
      if (!file) throw conversionError(0, icon);
      this._options.icon = file;
      this._setOptions({ icon: file });
    }

    // setMenu(), removeMenu() and the menu bar's setters are menu.js's.

    isModal() {
      this._check();
      return this._options.modal && this._parent !== null;
    }

    setParentWindow(parent) {
      this._check();
      requireArgs(arguments, 1);
      if (parent !== null && !(parent instanceof BrowserWindow)) throw conversionError(0, parent);
      if (parent === this) throw new Error('Setting a window as its own parent is not allowed');
      if (parent && parent._destroyed) throw destroyedError();
      if (this._parent) this._parent._children.delete(this);
      this._parent = parent;
      if (parent) parent._children.add(this);
      this._setOptions({ parent: parent ? parent.id : 0 });
    }

    getParentWindow() {
      this._check();
      return this._parent;
    }

    getChildWindows() {
      this._check();
      return [...this._children];
    }

    // ---- window states: the window manager has the last word, so these
    // are asked for and the events follow the daemon's reports.

    maximize() {
      this._check();
      this._setState('maximize');
      // Electron: "This will also show (but not focus) the window".
      this._setVisible(true);
    }

    unmaximize() {
      this._check();
      this._setState('unmaximize');
    }

    isMaximized() {
      this._check();
      return this._state.maximized;
    }

    minimize() {
      this._check();
      this._setState('minimize');
    }

    restore() {
      this._check();
      this._setState('restore');
    }

    isMinimized() {
      this._check();
      return this._state.minimized;
    }

    isNormal() {
      this._check();
      return !this._state.maximized && !this._state.minimized && !this._state.fullscreen;
    }

    setFullScreen(fullscreen) {
      this._check();
      requireArgs(arguments, 1);
      this._setState(fullscreen ? 'fullscreen' : 'unfullscreen');
    }

    isFullScreen() {
      this._check();
      return this._state.fullscreen;
    }

    // ---- closing

    close() {
      this._check();
      // Electron ignores close() for a window that is not closable.
      if (!this._options.closable) return;
      const event = newEvent();
      this.emit('close', event);
      if (!event.defaultPrevented && !this._destroyed) this.destroy();
    }

    destroy() {
      if (this._destroyed) return;
      this._post('window-destroy');
      windowGone(this);
    }

    _firstLoadFinished() {
      if (this._readyToShowSent) return;
      this._readyToShowSent = true;
      this.emit('ready-to-show');
    }

    // A window-state report: keep what changed and emit Electron's events.
    _onState(s) {
      if (!s || typeof s !== 'object') return;
      const st = this._state;
      const changed = (key, type) => typeof s[key] === type && s[key] !== st[key];

      if (typeof s.visible === 'boolean') {
        const confirmed = s.visible;
        st.visible = confirmed;
        if (this._visibleUnconfirmed) {
          if (confirmed === this._visible) this._visibleUnconfirmed = false;
        } else if (confirmed !== this._visible) {
          this._visible = confirmed;
          this.emit(confirmed ? 'show' : 'hide');
        }
      }
      if (this._destroyed) return;

      if (changed('minimized', 'boolean')) {
        st.minimized = s.minimized;
        this.emit(s.minimized ? 'minimize' : 'restore');
      }
      if (changed('maximized', 'boolean')) {
        st.maximized = s.maximized;
        this.emit(s.maximized ? 'maximize' : 'unmaximize');
      }
      if (changed('fullscreen', 'boolean')) {
        st.fullscreen = s.fullscreen;
        this.emit(s.fullscreen ? 'enter-full-screen' : 'leave-full-screen');
      }

      let resized = false;
      let moved = false;
      for (const key of ['width', 'height']) {
        if (!Number.isInteger(s[key]) || s[key] < 1 || s[key] === st[key]) continue;
        st[key] = this._bounds[key] = s[key];
        resized = true;
      }
      for (const key of ['x', 'y']) {
        if (!Number.isInteger(s[key]) || s[key] === st[key]) continue;
        st[key] = this._bounds[key] = s[key];
        moved = true;
      }
      if (resized) this.emit('resize');
      if (moved && !this._destroyed) this.emit('move');

      if (changed('focused', 'boolean') && !this._destroyed) {
        st.focused = s.focused;
        // Only one window has the focus: the one losing it may report later.
        if (s.focused) {
          for (const other of windows.values()) if (other !== this) other._state.focused = false;
        }
        this.emit(s.focused ? 'focus' : 'blur');
        app.emit(s.focused ? 'browser-window-focus' : 'browser-window-blur', newEvent(), this);
      }
    }
  }

  // Electron's window properties, over the same getters and setters.
  defineAccessors(BrowserWindow.prototype, [
    ['title', 'getTitle', 'setTitle'],
    ['resizable', 'isResizable', 'setResizable'],
    ['movable', 'isMovable', 'setMovable'],
    ['minimizable', 'isMinimizable', 'setMinimizable'],
    ['maximizable', 'isMaximizable', 'setMaximizable'],
    ['closable', 'isClosable', 'setClosable'],
    ['fullScreen', 'isFullScreen', 'setFullScreen'],
    ['autoHideMenuBar', 'isMenuBarAutoHide', 'setAutoHideMenuBar'],
  ]);

  // The window is gone for the app as soon as it is destroyed (Electron
  // emits 'closed' from destroy()); the daemon's later 'closed' is ignored.
  function windowGone(win) {
    const wc = win.webContents;
    // Electron closes a window's children, and the windows its page
    // opened, before the window itself (while it still counts as open,
    // so that window-all-closed comes once, after it).
    win._destroyed = true;
    for (const child of [...win._children]) child.destroy();
    for (const opened of [...wc._openedWindows]) opened.destroy();
    windows.delete(win.id);
    if (win._parent) win._parent._children.delete(win);
    wc._abortPendingLoad();
    wc._rejectCalls();
    win.emit('closed');
    wc.emit('destroyed');
    if (windows.size > 0 || isQuitting()) return;
    // Electron's default with no listener is to quit.
    if (app.listenerCount('window-all-closed') > 0) app.emit('window-all-closed');
    else app.quit();
  }

  return { BrowserWindow, windowGone };
});
