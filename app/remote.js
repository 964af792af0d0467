// The main-process half of Node in pages and of the remote module
// (docs/node-in-pages.md).  A page that may use Node (nodeIntegration, or a
// preload with sandbox off) or the remote module asks for main-process
// values with synchronous requests on the internal channel; what it gets
// back are copies of plain data and, for everything else, descriptions of
// objects that the page turns into proxies.  The objects themselves stay
// here, in a registry per page, until the page lets go of its proxies.
//
// Evaluated to a function of (require, ctx, electron): ctx is the app's
// context (appDir), electron what the electron module
// (app/api/index.js) returned.  Returns
// { channel, handle(wc, kind, args, reply), mainModule }.
(function (require, ctx, electron) {
  'use strict';

  const Module = require('module');
  const fs = require('fs');
  const path = require('path');

  // Requests and messages to the page travel on this channel; the page's
  // public ipcRenderer refuses it, and ipcMain never sees it.
  const CHANNEL = 'appd:rpc';
  // What one page may hold at once (objects, and page functions held
  // here); past it, requests fail for that page.
  const MAX_OBJECTS = 65536;
  // A module source a page may load through require().
  const MAX_SOURCE = 4 * 1024 * 1024;
  // Properties of functions that proxies of them do not mirror.
  const FUNCTION_PROPERTIES = new Set(['length', 'name', 'arguments', 'caller', 'prototype']);

  const { BrowserWindow } = electron.exports;
  const enabled = new WeakSet(); // webContents given remote by enable()
  const contexts = new WeakMap(); // webContents → its page's Context

  function prefsOf(wc) {
    return wc._prefs && typeof wc._prefs === 'object' ? wc._prefs : {};
  }

  // Electron's rule: sandboxed unless sandbox is false, or nodeIntegration
  // is on and sandbox is not set.
  function sandboxed(wc) {
    const prefs = prefsOf(wc);
    if (prefs.sandbox !== undefined) return prefs.sandbox !== false;
    return prefs.nodeIntegration !== true;
  }

  function nodeAllowed(wc) {
    return prefsOf(wc).nodeIntegration === true || !sandboxed(wc);
  }

  function remoteAllowed(wc) {
    return enabled.has(wc) || prefsOf(wc).enableRemoteModule === true;
  }

  function requestError(message) {
    const err = new Error(message);
    err.appdRequest = true;
    return err;
  }

  // One page load of one webContents.  Object ids and callback ids are
  // only meaningful within it; a new page load starts a new one and drops
  // what the old one held.
  class Context {
    constructor(wc, id) {
      this.wc = wc;
      this.id = id;
      this.alive = true;
      this.objects = new Map(); // id → { value, count }
      this.ids = new Map(); // value → id
      this.nextId = 1;
      // Page functions handed to main: id → { ref: WeakRef(proxy), count }.
      this.callbacks = new Map();
      this.nextPromise = 1;
    }

    add(value) {
      let id = this.ids.get(value);
      if (id !== undefined) {
        this.objects.get(id).count++;
        return id;
      }
      if (this.objects.size >= MAX_OBJECTS)
        throw requestError(`This page holds ${MAX_OBJECTS} main-process objects already; release some first`);
      id = this.nextId++;
      this.objects.set(id, { value, count: 1 });
      this.ids.set(value, id);
      return id;
    }

    get(id) {
      const entry = this.objects.get(id);
      if (!entry) throw requestError(`Cannot find the main-process object ${id}: it was released`);
      return entry.value;
    }

    release(id, count) {
      const entry = this.objects.get(id);
      if (!entry) return;
      entry.count -= count;
      if (entry.count <= 0) {
        this.objects.delete(id);
        this.ids.delete(entry.value);
      }
    }

    close() {
      this.alive = false;
      this.objects.clear();
      this.ids.clear();
      this.callbacks.clear();
    }

    post(message) {
      if (!this.alive || this.wc.isDestroyed()) return false;
      this.wc.send(CHANNEL, Object.assign({ ctx: this.id }, message));
      return true;
    }
  }

  const watched = new WeakSet(); // webContents whose end closes their context

  function closeContext(wc) {
    const cx = contexts.get(wc);
    if (!cx) return;
    cx.close();
    contexts.delete(wc);
  }

  function contextFor(wc, id) {
    if (typeof id !== 'string' || id === '' || id.length > 64) throw requestError('Bad page context');
    let cx = contexts.get(wc);
    if (cx && cx.id === id) return cx;
    // A new page load: what the old one held goes.
    if (cx) cx.close();
    cx = new Context(wc, id);
    contexts.set(wc, cx);
    if (!watched.has(wc)) {
      watched.add(wc);
      wc.on('render-process-gone', () => closeContext(wc));
      wc.on('destroyed', () => closeContext(wc));
    }
    return cx;
  }

  // ---- main → page values ---------------------------------------------

  function isPlainObject(value) {
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  }

  function isPromise(value) {
    return value instanceof Promise ||
      (value !== null && typeof value === 'object' && typeof value.then === 'function' &&
       typeof value.catch === 'function');
  }

  function isData(value) {
    return ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date ||
      value instanceof RegExp || value instanceof Error;
  }

  // A plain object of plain data (what a method returns as a result, such
  // as getBounds()) travels as a copy; depth and size are bounded.
  function isSimple(value, depth = 0) {
    if (value === null || typeof value !== 'object') return typeof value !== 'function' && typeof value !== 'symbol';
    if (depth > 8) return false;
    if (isData(value)) return true;
    if (!Array.isArray(value) && !isPlainObject(value)) return false;
    const keys = Object.keys(value);
    if (keys.length > 1024) return false;
    return keys.every((key) => {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      return descriptor && !descriptor.get && !descriptor.set && isSimple(descriptor.value, depth + 1);
    });
  }

  // Names and kinds of what a proxy of value should have: "m" for methods,
  // "g" for everything else (read and written through the page's proxy).
  // Names starting with "_" are internals and stay here.
  function membersOf(value) {
    const members = [];
    const seen = new Set();
    for (let o = value; o && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
      for (const name of Object.getOwnPropertyNames(o)) {
        if (seen.has(name) || name === 'constructor' || name.startsWith('_')) continue;
        if (typeof value === 'function' && FUNCTION_PROPERTIES.has(name)) continue;
        seen.add(name);
        const descriptor = Object.getOwnPropertyDescriptor(o, name);
        const method = descriptor && 'value' in descriptor && typeof descriptor.value === 'function';
        members.push([name, method ? 'm' : 'g']);
      }
    }
    return members;
  }

  function constructorName(value) {
    try {
      if (typeof value === 'function') return value.name || '';
      return (value.constructor && value.constructor.name) || '';
    } catch {
      return '';
    }
  }

  function toMeta(cx, value, simple) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
      if (typeof value === 'symbol') return { t: 'v', v: String(value) };
      return { t: 'v', v: value };
    }
    if (typeof value === 'object') {
      if (isData(value)) return { t: 'v', v: value };
      if (Array.isArray(value)) return { t: 'a', m: value.map((v) => toMeta(cx, v, simple)) };
      if (isPromise(value)) return promiseMeta(cx, value);
      if (simple && isPlainObject(value) && isSimple(value)) return { t: 'v', v: value };
    }
    const id = cx.add(value);
    return {
      t: typeof value === 'function' ? 'f' : 'o',
      id,
      name: constructorName(value),
      m: membersOf(value),
    };
  }

  function promiseMeta(cx, promise) {
    const id = cx.nextPromise++;
    Promise.resolve(promise).then(
      (value) => cx.post({ op: 'settle', id, ok: true, value: toMeta(cx, value, true) }),
      (err) => cx.post({ op: 'settle', id, ok: false, error: errorOf(err) }));
    return { t: 'p', id };
  }

  function errorOf(err) {
    // A refused request says why; where in appd it was refused is no
    // business of the page.
    if (err instanceof Error && err.appdRequest) return { name: 'Error', message: err.message, stack: '' };
    if (err instanceof Error)
      return { name: err.name, message: err.message, stack: String(err.stack || '') };
    return { name: 'Error', message: String(err), stack: '' };
  }

  // ---- page → main values ---------------------------------------------

  const callbackFinalizer = new FinalizationRegistry(({ cx, id, entry }) => {
    if (cx.callbacks.get(id) !== entry) return;
    cx.callbacks.delete(id);
    cx.post({ op: 'release-callback', id, count: entry.count });
  });

  // The main-process stand-in for a page function: calling it calls the
  // page's function later, with no return value (as in Electron).
  function callbackProxy(cx, id, name) {
    const entry = cx.callbacks.get(id);
    const known = entry && entry.ref.deref();
    if (known) {
      entry.count++;
      return known;
    }
    if (cx.callbacks.size >= MAX_OBJECTS)
      throw requestError(`This page has handed ${MAX_OBJECTS} functions to the main process already`);
    const proxy = function (...args) {
      if (cx.alive && !cx.wc.isDestroyed()) {
        cx.post({ op: 'callback', id, args: args.map((arg) => toMeta(cx, arg, true)) });
        return;
      }
      // As @electron/remote does: a listener whose page is gone leaves
      // the emitter it was added to, with a warning.
      if (this && typeof this.eventNames === 'function' && typeof this.removeListener === 'function') {
        for (const name of this.eventNames()) this.removeListener(name, proxy);
      }
      console.warn('Attempting to call a function in a renderer window that has been closed or released.' +
                   (name ? ` Function provided here: ${name}` : ''));
    };
    Object.defineProperty(proxy, 'name', { value: typeof name === 'string' ? name : '' });
    const fresh = { ref: new WeakRef(proxy), count: 1 };
    cx.callbacks.set(id, fresh);
    callbackFinalizer.register(proxy, { cx, id, entry: fresh });
    return proxy;
  }

  function fromMeta(cx, meta, depth = 0) {
    if (!meta || typeof meta !== 'object' || depth > 64) throw requestError('Malformed value from the page');
    switch (meta.t) {
      case 'v':
        return meta.v;
      case 'a':
        if (!Array.isArray(meta.m)) break;
        return meta.m.map((m) => fromMeta(cx, m, depth + 1));
      case 'O': {
        if (!meta.m || typeof meta.m !== 'object') break;
        const out = {};
        for (const key of Object.keys(meta.m)) out[key] = fromMeta(cx, meta.m[key], depth + 1);
        return out;
      }
      case 'r':
        return cx.get(meta.id);
      case 'c':
        if (!Number.isSafeInteger(meta.id)) break;
        return callbackProxy(cx, meta.id, meta.name);
      default:
        break;
    }
    throw requestError('Malformed value from the page');
  }

  function argsOf(cx, list) {
    if (!Array.isArray(list)) throw requestError('Malformed arguments from the page');
    return list.map((m) => fromMeta(cx, m));
  }

  // ---- requests ---------------------------------------------------------

  // Where a page's own files are: app:// URLs map into the app folder.
  function fileOfUrl(url) {
    if (typeof url !== 'string') return null;
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'file:') return decodeURIComponent(parsed.pathname);
      if (parsed.protocol === 'app:') return path.join(ctx.appDir, decodeURIComponent(parsed.pathname));
    } catch {
      // not a URL: no file
    }
    return null;
  }

  function processInfo(wc) {
    return {
      argv: process.argv.slice(),
      env: Object.assign({}, process.env),
      cwd: process.cwd(),
      execPath: process.execPath,
      pid: process.pid,
      arch: process.arch,
      platform: process.platform,
      version: process.version,
      versions: Object.assign({}, process.versions),
      sandboxed: sandboxed(wc),
    };
  }

  function isBuiltin(name) {
    const bare = name.startsWith('node:') ? name.slice(5) : name;
    return Module.builtinModules.includes(bare);
  }

  // require() in a page or a preload with Node: built-in modules are the
  // main process's own (proxies); files are read here and run in the page.
  function requireForPage(cx, name, from) {
    if (typeof name !== 'string' || name === '') throw new TypeError('The module name must be a non-empty string');
    if (isBuiltin(name)) return { kind: 'builtin', meta: toMeta(cx, require(name), false) };
    if (typeof from !== 'string' || !path.isAbsolute(from))
      throw requestError(`Cannot resolve '${name}': the page has no folder`);
    const filename = Module.createRequire(path.join(from, 'index.js')).resolve(name);
    if (isBuiltin(filename)) return { kind: 'builtin', meta: toMeta(cx, require(filename), false) };
    const extension = path.extname(filename);
    if (extension === '.node')
      throw requestError(`Cannot load native module '${filename}' in a page: native modules run only in the main process`);
    const size = fs.statSync(filename).size;
    if (size > MAX_SOURCE)
      throw requestError(`Module '${filename}' is ${size} bytes, over the limit of ${MAX_SOURCE} for a page`);
    return {
      kind: extension === '.json' ? 'json' : 'js',
      filename,
      source: fs.readFileSync(filename, 'utf8'),
    };
  }

  function remoteRequire(name) {
    if (typeof name !== 'string' || name === '') throw new TypeError('The module name must be a non-empty string');
    if (name === 'electron') return electron.exports;
    return Module.createRequire(path.join(ctx.appDir, 'package.json'))(name);
  }

  function checkRemote(wc) {
    if (!remoteAllowed(wc))
      throw requestError('@electron/remote is disabled for this WebContents. Call ' +
                         'require("@electron/remote/main").enable(webContents) to enable it.');
  }

  function checkNode(wc) {
    if (!nodeAllowed(wc))
      throw requestError('Node.js is not available in this page: it needs webPreferences.nodeIntegration, ' +
                         'or sandbox: false for the preload');
  }

  function checkAny(wc) {
    if (!nodeAllowed(wc) && !remoteAllowed(wc))
      throw requestError('Neither Node.js nor the remote module is enabled for this page');
  }

  function member(object, name) {
    if (typeof name !== 'string' && typeof name !== 'number') throw requestError('Bad member name');
    return object[name];
  }

  function perform(wc, request) {
    const op = request.op;
    if (op === 'init') {
      return {
        node: nodeAllowed(wc),
        remote: remoteAllowed(wc),
        filename: fileOfUrl(request.url),
        process: nodeAllowed(wc) ? processInfo(wc) : null,
      };
    }
    const cx = contextFor(wc, request.ctx);
    // webFrame: every page may act on its own frame.
    switch (op) {
      case 'zoom':
        return toMeta(cx, wc.getZoomFactor(), true);
      case 'set-zoom':
        wc.setZoomFactor(Number(request.factor));
        return toMeta(cx, undefined, true);
      case 'execute-javascript':
        return toMeta(cx, wc.executeJavaScript(String(request.code)), true);
      default:
        break;
    }
    switch (op) {
      case 'require':
        checkNode(wc);
        return requireForPage(cx, request.name, request.from);
      case 'remote-require':
        checkRemote(wc);
        return toMeta(cx, remoteRequire(request.name), false);
      case 'global':
        checkRemote(wc);
        return toMeta(cx, globalThis[String(request.name)], false);
      case 'builtin':
        checkRemote(wc);
        if (request.name === 'process') return toMeta(cx, process, false);
        return toMeta(cx, electron.exports[String(request.name)], false);
      case 'current-window':
        checkRemote(wc);
        return toMeta(cx, BrowserWindow.fromWebContents(wc), false);
      case 'current-web-contents':
        checkRemote(wc);
        return toMeta(cx, wc, false);
      default:
        break;
    }
    checkAny(wc);
    const target = cx.get(request.id);
    switch (op) {
      case 'get':
        return toMeta(cx, member(target, request.name), false);
      case 'set':
        target[request.name] = fromMeta(cx, request.value);
        return toMeta(cx, undefined, false);
      case 'call': {
        const fn = member(target, request.name);
        if (typeof fn !== 'function') throw new TypeError(`${String(request.name)} is not a function`);
        return toMeta(cx, fn.apply(target, argsOf(cx, request.args)), true);
      }
      case 'apply':
        if (typeof target !== 'function') throw new TypeError('Not a function');
        return toMeta(cx, target(...argsOf(cx, request.args)), true);
      case 'construct':
        if (typeof target !== 'function') throw new TypeError('Not a constructor');
        return toMeta(cx, new target(...argsOf(cx, request.args)), false);
      case 'construct-member': {
        const fn = member(target, request.name);
        if (typeof fn !== 'function') throw new TypeError(`${String(request.name)} is not a constructor`);
        return toMeta(cx, new fn(...argsOf(cx, request.args)), false);
      }
      default:
        throw requestError(`Unknown request '${String(op)}'`);
    }
  }

  // Messages with no answer: the page let go of proxies, or is going.
  function notify(wc, request) {
    const cx = contexts.get(wc);
    if (!cx || cx.id !== request.ctx) return;
    if (request.op === 'release-context') {
      closeContext(wc);
      return;
    }
    if (request.op !== 'release' || !Array.isArray(request.ids)) return;
    for (const pair of request.ids) {
      if (Array.isArray(pair) && Number.isSafeInteger(pair[0]) && Number.isSafeInteger(pair[1]))
        cx.release(pair[0], pair[1]);
    }
  }

  // kind: 'send-sync' (answered through reply) or 'send'.
  function handle(wc, kind, args, reply) {
    const request = args[0];
    if (kind === 'send') {
      if (request && typeof request === 'object') notify(wc, request);
      return;
    }
    if (!request || typeof request !== 'object') {
      reply({ ok: false, error: { name: 'Error', message: 'Malformed request', stack: '' } });
      return;
    }
    let result;
    try {
      result = { ok: true, value: perform(wc, request) };
    } catch (err) {
      result = { ok: false, error: errorOf(err) };
    }
    reply(result);
  }

  // require('@electron/remote/main')
  const mainModule = Object.freeze({
    initialize() {},
    isInitialized: () => true,
    enable(webContents) {
      if (!webContents || typeof webContents.isDestroyed !== 'function')
        throw new TypeError('enable() takes a webContents');
      enabled.add(webContents);
    },
  });

  return { channel: CHANNEL, handle, mainModule };
});
