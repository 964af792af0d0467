// The electron module an app's main script gets from require('electron'),
// following Electron's documented API.  It runs inside the app's Worker and
// talks to the daemon in the messages of docs/js-messages.md.
// Evaluated to a function of (require, ctx); ctx carries the app's identity
// and ctx.post(message) sends to the daemon.
(function (require, ctx) {
  'use strict';

  const EventEmitter = require('events');
  const fs = require('fs');
  const os = require('os');
  const path = require('path');

  const windows = new Map(); // id → BrowserWindow, not yet destroyed
  let ready = false;
  let quitting = false;
  let appName = ctx.name || '';
  const pathOverrides = new Map();
  let resolveReady;
  const readyPromise = new Promise((resolve) => {
    resolveReady = resolve;
  });

  function newEvent() {
    let prevented = false;
    return {
      preventDefault() {
        prevented = true;
      },
      get defaultPrevented() {
        return prevented;
      },
    };
  }

  function destroyedError() {
    return new TypeError('Object has been destroyed');
  }

  // An error like Electron's for a failed navigation.
  function loadError(code, description, url) {
    const err = new Error(`${description} (${code}) loading '${String(url).slice(0, 2048)}'`);
    err.errno = code;
    err.code = description;
    err.url = url;
    return err;
  }

  // ---- app -------------------------------------------------------------

  function xdgDir(variable, fallback) {
    const value = process.env[variable];
    return value && path.isAbsolute(value) ? value : path.join(os.homedir(), fallback);
  }

  const app = new EventEmitter();
  Object.assign(app, {
    whenReady() {
      return readyPromise;
    },
    isReady() {
      return ready;
    },
    getName() {
      return appName;
    },
    setName(name) {
      appName = String(name);
    },
    getVersion() {
      return ctx.version || '';
    },
    getAppPath() {
      return ctx.appDir;
    },
    getLocale() {
      const lang = process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || '';
      const m = /^([a-z]{2,3})(?:_([A-Z]{2}))?/.exec(lang);
      return m ? (m[2] ? `${m[1]}-${m[2]}` : m[1]) : 'en-US';
    },
    getPath(name) {
      if (pathOverrides.has(name)) return pathOverrides.get(name);
      switch (name) {
        case 'home':
          return os.homedir();
        case 'appData':
          return path.dirname(this.getPath('userData'));
        case 'userData':
        case 'sessionData':
          return ctx.userDataDir;
        case 'logs':
          return path.join(this.getPath('userData'), 'logs');
        case 'temp':
          return os.tmpdir();
        case 'cache':
          return xdgDir('XDG_CACHE_HOME', '.cache');
        case 'exe':
          return process.execPath;
        case 'desktop':
          return path.join(os.homedir(), 'Desktop');
        case 'documents':
          return path.join(os.homedir(), 'Documents');
        case 'downloads':
          return path.join(os.homedir(), 'Downloads');
        case 'music':
          return path.join(os.homedir(), 'Music');
        case 'pictures':
          return path.join(os.homedir(), 'Pictures');
        case 'videos':
          return path.join(os.homedir(), 'Videos');
        default:
          throw new Error(`Failed to get '${name}' path`);
      }
    },
    setPath(name, value) {
      if (typeof value !== 'string' || !path.isAbsolute(value))
        throw new Error(`Path must be absolute: ${value}`);
      pathOverrides.set(name, value);
    },
    quit() {
      if (quitting) return;
      const beforeQuit = newEvent();
      this.emit('before-quit', beforeQuit);
      if (beforeQuit.defaultPrevented) return;
      quitting = true;
      for (const win of [...windows.values()]) {
        const close = newEvent();
        win.emit('close', close);
        if (close.defaultPrevented) {
          quitting = false;
          return;
        }
        win.destroy();
      }
      const willQuit = newEvent();
      this.emit('will-quit', willQuit);
      if (willQuit.defaultPrevented) {
        quitting = false;
        return;
      }
      this.emit('quit', newEvent(), 0);
      process.exit(0);
    },
    exit(code = 0) {
      process.exit(code);
    },
  });
  Object.defineProperty(app, 'name', {
    get: () => appName,
    set: (name) => {
      appName = String(name);
    },
  });
  // Apps open developer tools and the like when unpackaged; what the daemon
  // runs is an installed app.
  Object.defineProperty(app, 'isPackaged', { value: true });

  function emitReady() {
    if (ready) return;
    ready = true;
    app.emit('will-finish-launching');
    app.emit('ready', newEvent(), {});
    resolveReady();
  }

  // ---- webContents ------------------------------------------------------

  class WebContents extends EventEmitter {
    constructor(win) {
      super();
      this._win = win;
      this.id = win.id;
      this._url = '';
      this._pendingLoad = null;
    }

    _check() {
      if (this._win._destroyed) throw destroyedError();
    }

    isDestroyed() {
      return this._win._destroyed;
    }

    getURL() {
      this._check();
      return this._url;
    }

    getTitle() {
      this._check();
      return this._win._title;
    }

    send(channel, ...args) {
      this._check();
      if (typeof channel !== 'string') throw new Error('Missing required channel argument');
      ctx.post({ op: 'send', id: this.id, channel, payload: JSON.stringify(args) });
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

    _abortPendingLoad() {
      const pending = this._pendingLoad;
      this._pendingLoad = null;
      if (pending) pending.reject(loadError(-3, 'ERR_ABORTED', pending.url));
    }

    _onLoad(msg) {
      if (msg.event === 'started') {
        this.emit('did-start-loading');
      } else if (msg.event === 'committed') {
        if (typeof msg.url === 'string') this._url = msg.url;
        this.emit('did-navigate', newEvent(), this._url);
      } else if (msg.event === 'finished') {
        if (typeof msg.url === 'string') this._url = msg.url;
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
      const description = typeof msg.description === 'string' ? msg.description : 'ERR_FAILED';
      this.emit('did-fail-load', newEvent(), code, description, url, true);
      const pending = this._pendingLoad;
      this._pendingLoad = null;
      if (pending) pending.reject(loadError(code, description, url));
      this.emit('did-stop-loading');
    }
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

  class BrowserWindow extends EventEmitter {
    constructor(options = {}) {
      super();
      if (!ready) throw new Error('Cannot create BrowserWindow before app is ready');
      options = options || {};
      this.id = Atomics.add(ctx.windowCounter, 0, 1) + 1;
      this._destroyed = false;
      this._title = typeof options.title === 'string' ? options.title : appName;
      this._visible = options.show !== false;
      this._readyToShowSent = false;
      this.webContents = new WebContents(this);

      const sent = {
        width: dimension(options.width, 800),
        height: dimension(options.height, 600),
        title: this._title,
        show: this._visible,
      };
      if (Number.isFinite(options.x)) sent.x = Math.round(options.x);
      if (Number.isFinite(options.y)) sent.y = Math.round(options.y);
      const preload = options.webPreferences && options.webPreferences.preload;
      if (typeof preload === 'string') {
        if (path.isAbsolute(preload)) sent.preload = preload;
        else console.error(`Unable to load preload script: ${preload} (the path must be absolute)`);
      }

      windows.set(this.id, this);
      ctx.post({ op: 'window-create', id: this.id, options: sent });
    }

    static getAllWindows() {
      return [...windows.values()];
    }

    static fromId(id) {
      return windows.get(id) || null;
    }

    static fromWebContents(webContents) {
      return (webContents && windows.get(webContents.id)) || null;
    }

    static getFocusedWindow() {
      return null;
    }

    _check() {
      if (this._destroyed) throw destroyedError();
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

    setTitle(title) {
      this._check();
      this._title = String(title);
      ctx.post({ op: 'window-set-title', id: this.id, title: this._title });
    }

    getTitle() {
      this._check();
      return this._title;
    }

    show() {
      this._check();
      this._visible = true;
      ctx.post({ op: 'window-show', id: this.id });
    }

    hide() {
      this._check();
      this._visible = false;
      ctx.post({ op: 'window-hide', id: this.id });
    }

    isVisible() {
      this._check();
      return this._visible;
    }

    close() {
      this._check();
      const event = newEvent();
      this.emit('close', event);
      if (!event.defaultPrevented && !this._destroyed) this.destroy();
    }

    destroy() {
      if (this._destroyed) return;
      ctx.post({ op: 'window-destroy', id: this.id });
      windowGone(this);
    }

    _firstLoadFinished() {
      if (this._readyToShowSent) return;
      this._readyToShowSent = true;
      this.emit('ready-to-show');
    }
  }

  // The window is gone for the app as soon as it is destroyed (Electron
  // emits 'closed' from destroy()); the daemon's later 'closed' is ignored.
  function windowGone(win) {
    win._destroyed = true;
    windows.delete(win.id);
    const wc = win.webContents;
    const pending = wc._pendingLoad;
    wc._pendingLoad = null;
    if (pending) pending.reject(loadError(-3, 'ERR_ABORTED', pending.url));
    win.emit('closed');
    wc.emit('destroyed');
    if (windows.size > 0 || quitting) return;
    // Electron's default with no listener is to quit.
    if (app.listenerCount('window-all-closed') > 0) app.emit('window-all-closed');
    else app.quit();
  }

  // ---- ipcMain ----------------------------------------------------------

  const ipcMain = new EventEmitter();

  function handleIpc(win, channel, payload) {
    if (typeof channel !== 'string') return;
    let args;
    try {
      args = JSON.parse(payload);
    } catch (err) {
      console.error(`Dropped IPC message on '${channel}': malformed payload: ${err.message}`);
      return;
    }
    if (!Array.isArray(args)) {
      console.error(`Dropped IPC message on '${channel}': payload is not an array`);
      return;
    }
    // A page must not make ipcMain throw by picking the channel name.
    if (channel === 'error' && ipcMain.listenerCount('error') === 0) return;
    const sender = win.webContents;
    const event = {
      sender,
      senderFrame: null,
      processId: 0,
      frameId: 0,
      ports: [],
      returnValue: undefined,
      reply(replyChannel, ...replyArgs) {
        sender.send(replyChannel, ...replyArgs);
      },
    };
    ipcMain.emit(channel, event, ...args);
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
    const win = windows.get(msg.id);
    if (!win) return;
    const wc = win.webContents;
    switch (msg.ev) {
      case 'window-ready':
        break;
      case 'load':
        wc._onLoad(msg);
        break;
      case 'load-failed':
        wc._onLoadFailed(msg);
        break;
      case 'title': {
        const title = String(msg.title);
        const event = newEvent();
        win.emit('page-title-updated', event, title, false);
        if (!event.defaultPrevented && !win._destroyed && win._title !== title) {
          win._title = title;
          ctx.post({ op: 'window-set-title', id: win.id, title });
        }
        break;
      }
      case 'close-requested':
        win.close();
        break;
      case 'closed':
        windowGone(win);
        break;
      case 'renderer-gone': {
        const details = { reason: String(msg.reason || 'crashed'), exitCode: msg.exitCode | 0 };
        wc.emit('render-process-gone', newEvent(), details);
        app.emit('render-process-gone', newEvent(), wc, details);
        break;
      }
      case 'ipc':
        handleIpc(win, msg.channel, msg.payload);
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
      if (win) handleIpc(win, msg.channel, msg.payload);
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
      return null;
    },
  };

  return {
    exports: { app, BrowserWindow, ipcMain, webContents },
    dispatch,
    emitReady,
  };
});
