// The electron module an app's main script gets from require('electron'),
// following Electron's documented API.  It runs in the app's own process
// (appd-app) and talks to the daemon in the messages of docs/js-messages.md.
//
// Its files are in app/api/: one per module of Electron's API, as in
// Electron's lib/browser/api/, and some for what those share.
// bootstrap.js evaluates each to a factory, function (require, ctx,
// internal), and calls this one as (require, ctx, factories), factories by
// file name.  ctx carries the app's identity, and ctx.post(message[,
// bytes]) sends to the daemon.  internal holds what the files before have
// returned: each file takes what it needs from it and returns what it
// offers the files after it, as its header says.
(function (require, ctx, factories) {
  'use strict';

  // In this order: a file takes what the ones before it returned.
  const FILES = ['event', 'arguments', 'colour', 'app', 'web-frame-main', 'ipc-main'];

  // The app's BrowserWindows by id, until each is destroyed.
  const internal = { windows: new Map() };
  for (const file of FILES) {
    for (const [name, value] of Object.entries(factories[file](require, ctx, internal))) {
      if (Object.hasOwn(internal, name)) throw new Error(`api/${file}.js: '${name}' is taken`);
      internal[name] = value;
    }
  }
  const { newEvent, destroyedError, conversionError, requireArgs, intArg, numberArg, stringArg,
          parseColour, colourHex, colourCSS, app, emitReady, isReady, isQuitting, appName,
          mainFrameOf, ipcMain, IpcMainImpl, ipcFrame, handleIpc, setInternalChannel } = internal;

  const EventEmitter = require('events');
  const fs = require('fs');
  const path = require('path');

  const { windows } = internal;
  // BrowserWindow.id: the app's own numbers, from 1; appd maps them to its
  // ids for the windows.
  let lastWindowId = 0;

  // Names of the net error codes the renderer reports.
  const NET_ERROR_NAMES = {
    [-2]: 'ERR_FAILED',
    [-3]: 'ERR_ABORTED',
    [-6]: 'ERR_FILE_NOT_FOUND',
    [-10]: 'ERR_ACCESS_DENIED',
    [-105]: 'ERR_NAME_NOT_RESOLVED',
    [-300]: 'ERR_INVALID_URL',
    [-301]: 'ERR_DISALLOWED_URL_SCHEME',
  };

  // An error like Electron's for a failed navigation.
  function loadError(code, description, url) {
    const err = new Error(`${description} (${code}) loading '${String(url).slice(0, 2048)}'`);
    err.errno = code;
    err.code = description;
    err.url = url;
    return err;
  }

  // ---- webContents calls -------------------------------------------------

  // Calls that the renderer answers (wc-call → wc-reply); req is unique
  // within the app.
  let nextRequest = 1;
  const pendingCalls = new Map(); // req → {wc, resolve, reject}

  function settleCall(msg) {
    const call = pendingCalls.get(msg.req);
    if (!call) return;
    pendingCalls.delete(msg.req);
    if (msg.ok === true) {
      let value;
      try {
        value = msg.result === undefined || msg.result === '' ? undefined : JSON.parse(msg.result);
      } catch {
        value = undefined;
      }
      call.resolve(value);
    } else {
      call.reject(new Error(typeof msg.error === 'string' ? msg.error : 'webContents call failed'));
    }
  }

  // ---- webContents ------------------------------------------------------

  const CONSOLE_LEVELS = ['debug', 'info', 'warning', 'error'];

  function consoleLevel(level) {
    if (Number.isInteger(level)) return Math.max(0, Math.min(3, level));
    switch (String(level).toLowerCase()) {
      case 'verbose':
      case 'debug':
        return 0;
      case 'warn':
      case 'warning':
        return 2;
      case 'error':
        return 3;
      default:
        return 1;
    }
  }

  // window.open() features, as Electron reads them for the new window.
  function parseFeatures(features) {
    const options = {};
    for (const part of String(features || '').split(/[,;]/)) {
      const [rawKey, rawValue] = part.split('=');
      const key = (rawKey || '').trim().toLowerCase();
      const value = (rawValue || '').trim();
      const n = Number(value);
      if (key === 'width' && n > 0) options.width = n;
      else if (key === 'height' && n > 0) options.height = n;
      else if (key === 'left' && Number.isFinite(n) && value !== '') options.x = n;
      else if (key === 'top' && Number.isFinite(n) && value !== '') options.y = n;
      else if (key === 'title' && value) options.title = value;
    }
    return options;
  }

  // The webPreferences a window opened by a page takes from its opener.
  const INHERITED_PREFERENCES = ['contextIsolation', 'nodeIntegration', 'sandbox', 'javascript', 'webSecurity'];

  class WebContents extends EventEmitter {
    constructor(win, prefs) {
      super();
      this._win = win;
      this.id = win.id;
      this._url = '';
      this._pageTitle = '';
      this._pendingLoad = null;
      this._loading = false;
      this._canGoBack = false;
      this._canGoForward = false;
      this._zoomFactor = 1;
      this._userAgent = '';
      this._devToolsOpened = false;
      this._devToolsAllowed = prefs.devTools !== false;
      this._crashed = false;
      // The renderer process itself ended: only a load starts a new one.
      this._rendererGone = false;
      this._windowOpenHandler = null;
      this._openedWindows = new Set(); // windows this page opened
      this._prefs = prefs;
      // Handlers and listeners for this page only, consulted before ipcMain.
      this.ipc = new IpcMainImpl();
      this._mainFrame = null;
      const self = this;
      // navigationHistory is Electron's newer home of these.
      this.navigationHistory = {
        canGoBack: () => self.canGoBack(),
        canGoForward: () => self.canGoForward(),
        goBack: () => self.goBack(),
        goForward: () => self.goForward(),
      };
    }

    _check() {
      if (this._win._destroyed) throw destroyedError();
    }

    // A View.Call; the promise settles with the renderer's answer.
    _call(method, args = []) {
      const req = nextRequest++;
      const promise = new Promise((resolve, reject) => {
        pendingCalls.set(req, { wc: this, resolve, reject });
      });
      ctx.post({ op: 'wc-call', id: this.id, req, method, args: JSON.stringify(args) });
      return promise;
    }

    // A call whose answer nobody needs; failures are not the app's concern.
    _fire(method, args) {
      this._call(method, args).catch(() => {});
    }

    _rejectCalls() {
      for (const [req, call] of pendingCalls) {
        if (call.wc !== this) continue;
        pendingCalls.delete(req);
        call.reject(new Error('The window was destroyed before the call was answered'));
      }
    }

    isDestroyed() {
      return this._win._destroyed;
    }

    getURL() {
      this._check();
      return this._url;
    }

    // The page's title; like Chromium, the URL while the page has none.
    getTitle() {
      this._check();
      return this._pageTitle || this._url;
    }

    isLoading() {
      this._check();
      return this._loading;
    }

    isLoadingMainFrame() {
      return this.isLoading();
    }

    isCrashed() {
      this._check();
      return this._crashed;
    }

    // Throws when an argument cannot be cloned or the message is too
    // large, before anything is sent.
    send(channel, ...args) {
      this._check();
      if (typeof channel !== 'string') throw new TypeError('Missing required channel argument');
      ctx.post({ op: 'send', id: this.id, channel }, ipcFrame(args));
    }

    get mainFrame() {
      return mainFrameOf(this);
    }

    loadURL(url) {
      this._check();
      if (typeof url !== 'string' || url === '')
        return Promise.reject(loadError(-300, 'ERR_INVALID_URL', url));
      this._abortPendingLoad();
      const promise = new Promise((resolve, reject) => {
        this._pendingLoad = { url, resolve, reject };
      });
      // Like Electron: a load nobody awaits must not fail the app.
      promise.catch(() => {});
      this._url = url;
      this._loading = true;
      // The daemon starts a new renderer for a window that lost its own.
      this._rendererGone = false;
      this._crashed = false;
      ctx.post({ op: 'window-load', id: this.id, url });
      return promise;
    }

    loadFile(filePath, options = {}) {
      this._check();
      if (typeof filePath !== 'string') throw new TypeError('Must pass filePath as a string');
      let url;
      try {
        url = appFileURL(filePath, options || {});
      } catch (err) {
        return Promise.reject(err);
      }
      return this.loadURL(url);
    }

    _reload(method) {
      this._check();
      if (this._rendererGone) {
        // No renderer to ask: loading the page again brings a new one.
        if (this._url) this.loadURL(this._url);
        return;
      }
      this._crashed = false;
      this._fire(method);
    }

    reload() {
      this._reload('reload');
    }

    reloadIgnoringCache() {
      this._reload('reload-ignoring-cache');
    }

    stop() {
      this._check();
      this._fire('stop');
    }

    canGoBack() {
      this._check();
      return this._canGoBack;
    }

    canGoForward() {
      this._check();
      return this._canGoForward;
    }

    goBack() {
      this._check();
      this._fire('go-back');
    }

    goForward() {
      this._check();
      this._fire('go-forward');
    }

    // userGesture has no meaning here: scripts run with the page's rights.
    executeJavaScript(code, userGesture) {
      this._check();
      return this._call('execute-javascript', [String(code)]);
    }

    insertCSS(css, options) {
      this._check();
      if (typeof css !== 'string') return Promise.reject(conversionError(0, css));
      return this._call('insert-css', [css]).then((key) => String(key));
    }

    removeInsertedCSS(key) {
      this._check();
      if (typeof key !== 'string') return Promise.reject(conversionError(0, key));
      return this._call('remove-inserted-css', [key]).then(() => undefined);
    }

    setZoomFactor(factor) {
      this._check();
      requireArgs(arguments, 1);
      const value = numberArg(arguments, 0);
      if (!(value > Number.EPSILON)) throw new Error("'zoomFactor' must be a double greater than 0.0");
      this._zoomFactor = value;
      this._fire('set-zoom-factor', [value]);
    }

    getZoomFactor() {
      this._check();
      return this._zoomFactor;
    }

    // Chromium's zoom levels: each step is 20 % larger than the last.
    setZoomLevel(level) {
      this._check();
      requireArgs(arguments, 1);
      this.setZoomFactor(Math.pow(1.2, numberArg(arguments, 0)));
    }

    getZoomLevel() {
      this._check();
      return Math.log(this._zoomFactor) / Math.log(1.2);
    }

    setUserAgent(userAgent) {
      this._check();
      requireArgs(arguments, 1);
      this._userAgent = stringArg(arguments, 0);
      this._fire('set-user-agent', [this._userAgent]);
    }

    getUserAgent() {
      this._check();
      return this._userAgent;
    }

    openDevTools(options) {
      this._check();
      // webPreferences.devTools: false turns them off for good.
      if (!this._devToolsAllowed) return;
      this._fire('open-dev-tools');
    }

    closeDevTools() {
      this._check();
      this._fire('close-dev-tools');
    }

    isDevToolsOpened() {
      this._check();
      return this._devToolsOpened;
    }

    toggleDevTools() {
      if (this.isDevToolsOpened()) this.closeDevTools();
      else this.openDevTools();
    }

    setWindowOpenHandler(handler) {
      this._check();
      if (handler !== null && typeof handler !== 'function') throw conversionError(0, handler);
      this._windowOpenHandler = handler;
    }

    forcefullyCrashRenderer() {
      this._check();
      this._fire('crash');
    }

    _decide(request, allow) {
      if (!this._win._destroyed) this._fire('decide', [request, allow]);
    }

    _abortPendingLoad() {
      const pending = this._pendingLoad;
      this._pendingLoad = null;
      if (pending) pending.reject(loadError(-3, 'ERR_ABORTED', pending.url));
    }

    _onLoad(msg) {
      if (msg.event === 'started') {
        this._loading = true;
        this.emit('did-start-loading');
      } else if (msg.event === 'committed') {
        // 'did-navigate' itself comes with the history state (wc-event).
        if (typeof msg.url === 'string') this._url = msg.url;
        this._pageTitle = '';
      } else if (msg.event === 'finished') {
        if (typeof msg.url === 'string') this._url = msg.url;
        this._loading = false;
        this.emit('did-finish-load', newEvent());
        const pending = this._pendingLoad;
        this._pendingLoad = null;
        if (pending) pending.resolve();
        this.emit('did-stop-loading');
        this._win._firstLoadFinished();
      }
    }

    _onLoadFailed(msg) {
      const url = typeof msg.url === 'string' ? msg.url : this._url;
      const code = Number.isInteger(msg.code) ? msg.code : -2;
      // Electron's errorDescription is the net error's name; the renderer's
      // own wording is in the daemon's log.
      const description = typeof msg.description === 'string' && msg.description.startsWith('ERR_')
        ? msg.description
        : NET_ERROR_NAMES[code] || 'ERR_FAILED';
      this._loading = false;
      this.emit('did-fail-load', newEvent(), code, description, url, true, 0, 0);
      const pending = this._pendingLoad;
      this._pendingLoad = null;
      if (pending) pending.reject(loadError(code, description, url));
      this.emit('did-stop-loading');
    }

    _onTitle(title) {
      this._pageTitle = title;
      const explicitSet = title !== '';
      this.emit('page-title-updated', newEvent(), title, explicitSet);
      const event = newEvent();
      this._win.emit('page-title-updated', event, title, explicitSet);
      if (!event.defaultPrevented && !this._win._destroyed && title !== '' && this._win._title !== title) {
        this._win._title = title;
        ctx.post({ op: 'window-set-title', id: this.id, title });
      }
    }

    _history(details) {
      if (typeof details.url === 'string') this._url = details.url;
      if (typeof details.canGoBack === 'boolean') this._canGoBack = details.canGoBack;
      if (typeof details.canGoForward === 'boolean') this._canGoForward = details.canGoForward;
    }

    _gone(reason, exitCode) {
      this._crashed = true;
      this._loading = false;
      this._abortPendingLoad();
      const details = { reason, exitCode };
      this.emit('render-process-gone', newEvent(), details);
      app.emit('render-process-gone', newEvent(), this, details);
    }

    _onEvent(name, d) {
      switch (name) {
        case 'dom-ready':
          this.emit('dom-ready', newEvent());
          break;
        case 'did-navigate':
          this._history(d);
          this.emit('did-navigate', newEvent(), this._url,
                    Number.isInteger(d.httpResponseCode) ? d.httpResponseCode : -1,
                    typeof d.httpStatusText === 'string' ? d.httpStatusText : '');
          break;
        case 'did-navigate-in-page':
          this._history(d);
          this.emit('did-navigate-in-page', newEvent(), this._url, true, 0, 0);
          break;
        case 'will-navigate': {
          const url = String(d.url || '');
          const event = Object.assign(newEvent(), { url, isMainFrame: true, isSameDocument: false });
          this.emit('will-navigate', event, url, false, true, 0, 0);
          // The page waits for this answer: give it at once.
          this._decide(d.request, !event.defaultPrevented);
          break;
        }
        case 'new-window':
          this._onNewWindow(d);
          break;
        case 'console-message': {
          const level = consoleLevel(d.level);
          const message = String(d.message === undefined ? '' : d.message);
          const line = Number.isInteger(d.line) ? d.line : 0;
          const sourceId = String(d.sourceId || '');
          // Newer Electron passes the details on the event; older code
          // reads them positionally.  Both work.
          const event = Object.assign(newEvent(), {
            level: CONSOLE_LEVELS[level], message, lineNumber: line, sourceId,
          });
          this.emit('console-message', event, level, message, line, sourceId);
          break;
        }
        case 'web-process-gone': {
          const reason = ['crashed', 'oom', 'killed'].includes(d.reason) ? d.reason : 'crashed';
          this._gone(reason, Number.isInteger(d.exitCode) ? d.exitCode : 0);
          break;
        }
        case 'responsive':
        case 'unresponsive':
          this.emit(name);
          this._win.emit(name);
          break;
        case 'zoom-changed': {
          const factor = Number(d.factor);
          if (!(factor > 0) || factor === this._zoomFactor) break;
          const direction = factor > this._zoomFactor ? 'in' : 'out';
          this._zoomFactor = factor;
          this.emit('zoom-changed', newEvent(), direction);
          break;
        }
        case 'dev-tools-opened':
          if (this._devToolsOpened) break;
          this._devToolsOpened = true;
          this.emit('devtools-opened');
          break;
        case 'dev-tools-closed':
          if (!this._devToolsOpened) break;
          this._devToolsOpened = false;
          this.emit('devtools-closed');
          break;
        default:
          break;
      }
    }

    // window.open() from the page.  Electron's default, with no handler, is
    // to open it in a new BrowserWindow; so is a handler's 'allow'.
    _onNewWindow(d) {
      const url = String(d.url || '');
      const frameName = String(d.frameName || '');
      const features = String(d.features || '');
      const details = {
        url,
        frameName,
        features,
        disposition: 'new-window',
        referrer: { url: this._url, policy: 'strict-origin-when-cross-origin' },
        postBody: undefined,
      };
      let response = { action: 'allow' };
      if (this._windowOpenHandler) {
        try {
          response = this._windowOpenHandler(details);
        } catch (err) {
          console.error(err);
          response = { action: 'deny' };
        }
        if (!response || typeof response !== 'object' ||
            (response.action !== 'allow' && response.action !== 'deny')) {
          console.error("The window open handler response must be an object with an 'action' property of 'allow' or 'deny'.");
          response = { action: 'deny' };
        }
      }
      const allow = response.action === 'allow';
      this._decide(d.request, allow);
      if (!allow) return;

      const override = (response.overrideBrowserWindowOptions &&
                        typeof response.overrideBrowserWindowOptions === 'object')
        ? response.overrideBrowserWindowOptions : {};
      const webPreferences = {};
      for (const key of INHERITED_PREFERENCES)
        if (this._prefs[key] !== undefined) webPreferences[key] = this._prefs[key];
      Object.assign(webPreferences, override.webPreferences || {});
      const options = { ...parseFeatures(features), ...override, webPreferences };
      const win = new BrowserWindow(options);
      if (!response.outlivesOpener) {
        this._openedWindows.add(win);
        win.once('closed', () => this._openedWindows.delete(win));
      }
      if (url && url !== 'about:blank') win.loadURL(url);
      this.emit('did-create-window', win, {
        url, frameName, options, disposition: 'new-window', referrer: details.referrer, postBody: undefined,
      });
    }
  }

  for (const [prop, getter, setter] of [
    ['zoomFactor', 'getZoomFactor', 'setZoomFactor'],
    ['zoomLevel', 'getZoomLevel', 'setZoomLevel'],
    ['userAgent', 'getUserAgent', 'setUserAgent'],
  ]) {
    Object.defineProperty(WebContents.prototype, prop, {
      get() {
        return this[getter]();
      },
      set(value) {
        this[setter](value);
      },
    });
  }

  // Deepest existing ancestor resolved through symlinks, the rest appended,
  // so a symlink cannot lead a loadFile() out of the app folder.
  function realpathLoose(p) {
    let head = p;
    const tail = [];
    for (;;) {
      try {
        return path.join(fs.realpathSync(head), ...tail);
      } catch {
        const parent = path.dirname(head);
        if (parent === head) return p;
        tail.unshift(path.basename(head));
        head = parent;
      }
    }
  }

  function appFileURL(filePath, options) {
    const root = realpathLoose(ctx.appDir);
    const target = realpathLoose(path.resolve(ctx.appDir, filePath));
    const rel = path.relative(root, target);
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
      throw new Error(`loadFile: '${filePath}' is outside the app folder ${ctx.appDir}`);
    let url = `app://${ctx.appId.toLowerCase()}/${rel.split(path.sep).map(encodeURIComponent).join('/')}`;
    if (options.query && typeof options.query === 'object')
      url += `?${new URLSearchParams(options.query).toString()}`;
    else if (typeof options.search === 'string' && options.search !== '')
      url += options.search.startsWith('?') ? options.search : `?${options.search}`;
    if (typeof options.hash === 'string' && options.hash !== '')
      url += options.hash.startsWith('#') ? options.hash : `#${options.hash}`;
    return url;
  }


  // ---- BrowserWindow ----------------------------------------------------

  function dimension(value, fallback) {
    const n = Math.round(Number(value));
    return Number.isFinite(n) && n > 0 ? n : fallback;
  }

  function limit(value) {
    const n = Math.round(Number(value));
    return Number.isFinite(n) && n > 0 ? n : 0;
  }

  function flag(value, fallback) {
    return value === undefined ? fallback : Boolean(value);
  }

  // Icons reach the renderer as absolute paths; relative ones are read
  // against the app folder.  A NativeImage cannot be passed on: null.
  function iconPath(icon) {
    if (typeof icon !== 'string' || icon === '') return null;
    return path.resolve(ctx.appDir, icon);
  }

  // A remembered state from an earlier run, if it is usable.
  function rememberedState(key) {
    const states = ctx.windowStates;
    const s = states && Object.prototype.hasOwnProperty.call(states, key) ? states[key] : null;
    if (!s || typeof s !== 'object') return null;
    if (![s.x, s.y, s.width, s.height].every(Number.isInteger) || s.width < 1 || s.height < 1)
      return null;
    return { x: s.x, y: s.y, width: s.width, height: s.height, maximized: s.maximized === true };
  }

  // The daemon's window options that BrowserWindow setters change
  // (window-set-options keys).
  function optionsFor(win) {
    const o = win._options;
    return {
      resizable: o.resizable,
      minWidth: o.minSize[0],
      minHeight: o.minSize[1],
      maxWidth: o.maxSize[0],
      maxHeight: o.maxSize[1],
      alwaysOnTop: o.alwaysOnTop,
      skipTaskbar: o.skipTaskbar,
      frame: o.frame,
      closable: o.closable,
      backgroundColor: colourCSS(o.backgroundColor),
      modal: o.modal,
      parent: win._parent ? win._parent.id : 0,
    };
  }

  class BrowserWindow extends EventEmitter {
    constructor(options = {}) {
      super();
      if (!isReady()) throw new Error('Cannot create BrowserWindow before app is ready');
      if (!options || typeof options !== 'object') options = {};
      const prefs = options.webPreferences && typeof options.webPreferences === 'object'
        ? options.webPreferences : {};
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

      const background = (typeof options.backgroundColor === 'string' &&
                          parseColour(options.backgroundColor)) || parseColour('#FFFFFF');
      this._options = {
        resizable: flag(options.resizable, true),
        movable: flag(options.movable, true),
        minimizable: flag(options.minimizable, true),
        maximizable: flag(options.maximizable, true),
        closable: flag(options.closable, true),
        alwaysOnTop: flag(options.alwaysOnTop, false),
        skipTaskbar: flag(options.skipTaskbar, false),
        frame: flag(options.frame, true),
        modal: flag(options.modal, false),
        backgroundColor: background,
        minSize: [limit(options.minWidth), limit(options.minHeight)],
        maxSize: [limit(options.maxWidth), limit(options.maxHeight)],
        icon: iconPath(options.icon),
      };

      // Sizes are the content area's (useContentSize or not: see
      // docs/compat.md).  x and y are only taken together, as Electron does.
      const bounds = {
        x: 0,
        y: 0,
        width: this._clampWidth(dimension(options.width, 800)),
        height: this._clampHeight(dimension(options.height, 600)),
      };
      let placed = Number.isFinite(options.x) && Number.isFinite(options.y);
      if (placed) {
        bounds.x = Math.round(options.x);
        bounds.y = Math.round(options.y);
      }
      const remembered = stateKey !== undefined ? rememberedState(stateKey) : null;
      if (remembered) {
        Object.assign(bounds, {
          x: remembered.x, y: remembered.y, width: remembered.width, height: remembered.height,
        });
        placed = true;
      }
      this._bounds = bounds;
      // What the daemon last reported; events fire when a report differs.
      this._state = {
        ...bounds,
        visible: this._visible,
        focused: false,
        maximized: Boolean(remembered && remembered.maximized),
        minimized: false,
        fullscreen: flag(options.fullscreen, false),
      };
      this._placed = placed;

      if (options.parent instanceof BrowserWindow && !options.parent._destroyed) {
        this._parent = options.parent;
        options.parent._children.add(this);
      }

      this.webContents = new WebContents(this, prefs);

      const sent = {
        width: bounds.width,
        height: bounds.height,
        title: this._title,
        show: this._visible,
        ...optionsFor(this),
        // Electron centres a window that has no position.
        center: options.center === true || !placed,
        fullscreen: this._state.fullscreen,
        maximized: this._state.maximized,
        movable: this._options.movable,
        minimizable: this._options.minimizable,
        maximizable: this._options.maximizable,
        webPreferences: {
          contextIsolation: flag(prefs.contextIsolation, true),
          nodeIntegration: flag(prefs.nodeIntegration, false),
          // As in Electron: sandboxed unless told otherwise or given Node.
          sandbox: flag(prefs.sandbox, !flag(prefs.nodeIntegration, false)),
          devTools: flag(prefs.devTools, true),
          webSecurity: flag(prefs.webSecurity, true),
        },
      };
      if (placed) {
        sent.x = bounds.x;
        sent.y = bounds.y;
      }
      if (this._options.icon) sent.icon = this._options.icon;
      if (stateKey !== undefined) sent.stateKey = stateKey;
      const preload = prefs.preload;
      if (typeof preload === 'string') {
        if (path.isAbsolute(preload)) sent.preload = preload;
        else console.error(`Unable to load preload script: ${preload} (the path must be absolute)`);
      }

      windows.set(this.id, this);
      ctx.post({ op: 'window-create', id: this.id, options: sent });

      const wc = this.webContents;
      // getUserAgent() answers synchronously: learn the default once.
      wc._call('get-user-agent').then((ua) => {
        if (typeof ua === 'string' && wc._userAgent === '') wc._userAgent = ua;
      }, () => {});
      const zoom = Number(prefs.zoomFactor);
      if (prefs.zoomFactor !== undefined && zoom > 0 && zoom !== 1) wc.setZoomFactor(zoom);

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
      if (!file) throw conversionError(0, icon);
      this._options.icon = file;
      this._setOptions({ icon: file });
    }

    // The menu bar does not exist yet: these are kept for getters only.
    setAutoHideMenuBar(hide) {
      this._check();
      this._autoHideMenuBar = Boolean(hide);
    }

    isMenuBarAutoHide() {
      this._check();
      return Boolean(this._autoHideMenuBar);
    }

    setMenuBarVisibility() {
      this._check();
    }

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
  for (const [prop, getter, setter] of [
    ['title', 'getTitle', 'setTitle'],
    ['resizable', 'isResizable', 'setResizable'],
    ['movable', 'isMovable', 'setMovable'],
    ['minimizable', 'isMinimizable', 'setMinimizable'],
    ['maximizable', 'isMaximizable', 'setMaximizable'],
    ['closable', 'isClosable', 'setClosable'],
    ['fullScreen', 'isFullScreen', 'setFullScreen'],
    ['autoHideMenuBar', 'isMenuBarAutoHide', 'setAutoHideMenuBar'],
  ]) {
    Object.defineProperty(BrowserWindow.prototype, prop, {
      get() {
        return this[getter]();
      },
      set(value) {
        this[setter](value);
      },
    });
  }

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
    const pending = wc._pendingLoad;
    wc._pendingLoad = null;
    if (pending) pending.reject(loadError(-3, 'ERR_ABORTED', pending.url));
    wc._rejectCalls();
    win.emit('closed');
    wc.emit('destroyed');
    if (windows.size > 0 || isQuitting()) return;
    // Electron's default with no listener is to quit.
    if (app.listenerCount('window-all-closed') > 0) app.emit('window-all-closed');
    else app.quit();
  }

  // ---- daemon events ----------------------------------------------------

  function onDaemonEvent(msg) {
    if (!msg || typeof msg !== 'object') return;
    if (msg.ev === 'quit') {
      app.quit();
      return;
    }
    if (msg.ev === 'error') {
      console.error(`appd: ${msg.message}`);
      return;
    }
    if (msg.ev === 'wc-reply') {
      settleCall(msg);
      return;
    }
    const win = windows.get(msg.id);
    if (!win) return;
    const wc = win.webContents;
    switch (msg.ev) {
      case 'window-ready':
        wc._rendererGone = false;
        break;
      case 'load':
        wc._onLoad(msg);
        break;
      case 'load-failed':
        wc._onLoadFailed(msg);
        break;
      case 'title':
        wc._onTitle(String(msg.title));
        break;
      case 'close-requested':
        win.close();
        break;
      case 'closed':
        windowGone(win);
        break;
      case 'renderer-gone':
        // The window stays; the next load starts a new renderer in it.
        wc._rendererGone = true;
        wc._gone(String(msg.reason || 'crashed'), msg.exitCode | 0);
        break;
      case 'window-state':
        win._onState(msg.state);
        break;
      case 'wc-event':
        wc._onEvent(String(msg.name), msg.details && typeof msg.details === 'object' ? msg.details : {});
        break;
      default:
        break;
    }
  }

  function dispatch(msg) {
    if (!msg || typeof msg !== 'object') return;
    if (msg.t === 'ev') {
      let event;
      try {
        event = JSON.parse(msg.json);
      } catch (err) {
        console.error(`appd: malformed event from the daemon: ${err.message}`);
        return;
      }
      onDaemonEvent(event);
    } else if (msg.t === 'ipc') {
      const win = windows.get(msg.id);
      if (win) handleIpc(win.webContents, msg);
    }
  }

  const webContents = {
    getAllWebContents() {
      return [...windows.values()].map((w) => w.webContents);
    },
    fromId(id) {
      const win = windows.get(id);
      return win ? win.webContents : undefined;
    },
    getFocusedWebContents() {
      const win = BrowserWindow.getFocusedWindow();
      return win ? win.webContents : null;
    },
  };

  return {
    exports: { app, BrowserWindow, ipcMain, webContents },
    setInternalChannel,
    dispatch,
    emitReady,
  };
});
