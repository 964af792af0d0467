// BrowserWindow's options: what a window keeps of the options it was made
// with, the bounds it starts with, and the options the daemon gets in
// window-create (docs/js-messages.md).
//
// Takes parseColour, colourCSS and imageFile.  Returns {readOptions(options),
// firstBounds(win, options, stateKey), createOptions(win, options, prefs,
// stateKey), iconPath(icon), flag(value, fallback), withTargetDefaults(prefs)}.
(function (require, ctx, internal) {
  'use strict';

  const fs = require('fs');
  const path = require('path');

  const { parseColour, colourCSS, imageFile } = internal;

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

  // The major version of the Electron the app was written for, from its
  // package.json ("electron": "^7.2.4" in devDependencies or
  // dependencies), or 0 when it names none or no version.
  function targetElectron() {
    let pkg;
    try {
      pkg = JSON.parse(fs.readFileSync(path.join(ctx.appDir, 'package.json'), 'utf8'));
    } catch {
      return 0;
    }
    for (const key of ['devDependencies', 'dependencies']) {
      const range = pkg && pkg[key] && typeof pkg[key] === 'object' ? pkg[key].electron : undefined;
      const m = typeof range === 'string' ? /(\d+)(?:\.\d+)*/.exec(range) : null;
      if (m) return Number(m[1]);
    }
    return 0;
  }

  // The webPreferences defaults that changed between releases, as each
  // release documents them: nodeIntegration off from 5, the remote module
  // off from 10, contextIsolation on from 12, sandbox on from 20.
  function defaultsOf(major) {
    const defaults = {};
    if (major < 5) defaults.nodeIntegration = true;
    if (major < 10) defaults.enableRemoteModule = true;
    if (major < 12) defaults.contextIsolation = false;
    if (major < 20) defaults.sandbox = false;
    return defaults;
  }

  let target = null;
  // webPreferences with the defaults of the Electron the app targets for
  // what it leaves unset; the same object for apps of today's Electron.
  function withTargetDefaults(prefs) {
    if (target === null) {
      const major = targetElectron();
      target = { major, defaults: major > 0 ? defaultsOf(major) : {} };
      const names = Object.entries(target.defaults).map(([key, value]) => `${key}: ${value}`);
      if (names.length > 0)
        console.log(`appd: package.json targets Electron ${major}: windows default to ${names.join(', ')}`);
    }
    const missing = Object.keys(target.defaults).filter((key) => prefs[key] === undefined);
    if (missing.length === 0) return prefs;
    const filled = { ...prefs };
    for (const key of missing) filled[key] = target.defaults[key];
    return filled;
  }

  // Icons reach the renderer as absolute paths; relative ones are read
  // against the app folder.  A NativeImage passes on the file it was read
  // from; one made otherwise cannot be passed on yet: null.
  function iconPath(icon) {
    if (typeof icon === 'string') return icon === '' ? null : path.resolve(ctx.appDir, icon);
    return imageFile(icon);
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

  // What a window keeps of its options (win._options); setters change it.
  function readOptions(options) {
    const background = (typeof options.backgroundColor === 'string' &&
                        parseColour(options.backgroundColor)) || parseColour('#FFFFFF');
    return {
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
  }

  // The bounds a window starts with, whether they place it, and whether it
  // starts maximized: from a remembered state if there is one.
  function firstBounds(win, options, stateKey) {
    // Sizes are the content area's (useContentSize or not: see
    // docs/compat.md).  x and y are only taken together, as Electron does.
    const bounds = {
      x: 0,
      y: 0,
      width: win._clampWidth(dimension(options.width, 800)),
      height: win._clampHeight(dimension(options.height, 600)),
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
    return { bounds, placed, maximized: Boolean(remembered && remembered.maximized) };
  }

  // The options of window-create.
  function createOptions(win, options, prefs, stateKey) {
    const sent = {
      width: win._bounds.width,
      height: win._bounds.height,
      title: win._title,
      show: win._visible,
      ...optionsFor(win),
      // Electron centres a window that has no position.
      center: options.center === true || !win._placed,
      fullscreen: win._state.fullscreen,
      maximized: win._state.maximized,
      movable: win._options.movable,
      minimizable: win._options.minimizable,
      maximizable: win._options.maximizable,
      webPreferences: {
        contextIsolation: flag(prefs.contextIsolation, true),
        nodeIntegration: flag(prefs.nodeIntegration, false),
        // As in Electron: sandboxed unless told otherwise or given Node.
        sandbox: flag(prefs.sandbox, !flag(prefs.nodeIntegration, false)),
        devTools: flag(prefs.devTools, true),
        webSecurity: flag(prefs.webSecurity, true),
      },
    };
    if (win._placed) {
      sent.x = win._bounds.x;
      sent.y = win._bounds.y;
    }
    if (win._options.icon) sent.icon = win._options.icon;
    if (stateKey !== undefined) sent.stateKey = stateKey;
    const preload = prefs.preload;
    if (typeof preload === 'string') {
      if (path.isAbsolute(preload)) sent.preload = preload;
      else console.error(`Unable to load preload script: ${preload} (the path must be absolute)`);
    }
    return sent;
  }

  return { readOptions, firstBounds, createOptions, iconPath, flag, withTargetDefaults };
});
