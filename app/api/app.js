// Electron's app module: the app's lifecycle (ready, quit), its name,
// version, locale and paths.
//
// Takes newEvent and windows (the app's BrowserWindows by id: quit() closes
// them).  Returns {app, emitReady, isReady, isQuitting, appName}: the last
// three are the app's state for the other files, read there rather than
// through app's methods, which an app may replace.
(function (require, ctx, internal) {
  'use strict';

  const EventEmitter = require('events');
  const fs = require('fs');
  const os = require('os');
  const path = require('path');

  const { newEvent, windows } = internal;

  let ready = false;
  let quitting = false;
  let appName = ctx.name || '';
  const pathOverrides = new Map();
  let resolveReady;
  const readyPromise = new Promise((resolve) => {
    resolveReady = resolve;
  });

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
        if (win._destroyed) continue;
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
    // As Electron, which keeps its profile there: the folder exists by
    // 'ready', where the app last set it to be.
    try {
      fs.mkdirSync(pathOverrides.get('userData') || ctx.userDataDir, { recursive: true, mode: 0o700 });
    } catch (err) {
      console.warn(`Cannot create the userData folder: ${err.message}`);
    }
    app.emit('ready', newEvent(), {});
    resolveReady();
    ctx.post({ op: 'app-ready' });
  }

  return {
    app,
    emitReady,
    isReady: () => ready,
    isQuitting: () => quitting,
    appName: () => appName,
  };
});
