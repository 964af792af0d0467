// Electron's webContents: the WebContents of each window (the page, its
// loads and history, calls the renderer answers, the page's events) and
// the webContents module.
//
// Takes newEvent, the argument checks, defineAccessors, app, IpcMainImpl,
// ipcFrame, mainFrameOf and windows; and internal.BrowserWindow when
// called, as browser-window.js comes after this file (it needs
// WebContents).  Returns {WebContents, webContents, settleCall(msg) (a
// wc-reply from the daemon)}.
(function (require, ctx, internal) {
  'use strict';

  const EventEmitter = require('events');
  const fs = require('fs');
  const path = require('path');

  const { newEvent, destroyedError, conversionError, requireArgs, numberArg, stringArg,
          defineAccessors, app, IpcMainImpl, ipcFrame, mainFrameOf, windows } = internal;

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
      const bytes = ipcFrame(args);
      const sent = ctx.sendToPage(this.id, channel, bytes);
      if (typeof sent === 'string') console.error(`appd: webContents.send('${channel}'): ${sent}`);
      else if (!sent) ctx.post({ op: 'send', id: this.id, channel }, bytes);
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
      const win = new internal.BrowserWindow(options);
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

  defineAccessors(WebContents.prototype, [
    ['zoomFactor', 'getZoomFactor', 'setZoomFactor'],
    ['zoomLevel', 'getZoomLevel', 'setZoomLevel'],
    ['userAgent', 'getUserAgent', 'setUserAgent'],
  ]);

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

  // The webContents module.
  const webContents = {
    getAllWebContents() {
      return [...windows.values()].map((w) => w.webContents);
    },
    fromId(id) {
      const win = windows.get(id);
      return win ? win.webContents : undefined;
    },
    getFocusedWebContents() {
      const win = internal.BrowserWindow.getFocusedWindow();
      return win ? win.webContents : null;
    },
  };

  return { WebContents, webContents, settleCall };
});
