// The first code in an app process: wait for appd's Start, then make
// require('electron') resolve to appd's electron module and run the app's
// main script as CommonJS in this same environment, as Electron runs a
// main process.  Node runs this file as a function body with `process` and
// `require`.
'use strict';

const Module = require('module');
const path = require('path');
const vm = require('vm');

// The binding (app/binding.c) is this file's: the app's code gets an empty
// object from process._linkedBinding('appd'), and speaks to appd only
// through the electron module.
const binding = (() => {
  const exports = process._linkedBinding('appd');
  const own = { ...exports };
  for (const key of Object.keys(exports)) delete exports[key];
  return own;
})();

function describe(err) {
  if (err && typeof err.stack === 'string') return err.stack;
  try {
    return String(err);
  } catch {
    return 'uncaught exception';
  }
}

// Remembered window states (BrowserWindow's appd.stateKey).  They come from
// the daemon's store; a broken entry costs the app its memory, not its start.
function parseWindowStates(text) {
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
    console.error('appd: remembered window states are not a JSON object; ignored');
  } catch (err) {
    console.error(`appd: remembered window states are malformed (${err.message}); ignored`);
  }
  return {};
}

// Compiled while a spare process waits for its app.
const makeCodec = vm.runInThisContext(
  `(function () { const module = { exports: {} };\n${binding.codecSource}\n;return module.exports; })`,
  { filename: 'appd:ipc-codec.js' });
// The electron module: one file per module of Electron's API (app/api/),
// each evaluated to a factory; api/index.js makes the module of them.
const apiFactories = {};
for (const [key, source] of Object.entries(binding)) {
  const m = /^api\/([a-z-]+)\.js$/.exec(key);
  if (m) apiFactories[m[1]] = vm.runInThisContext(source, { filename: `appd:${key}` });
}
const makeRemote = vm.runInThisContext(binding.remoteSource, { filename: 'appd:remote.js' });

// As Electron does: 'electron' resolves to a fixed cache key that holds the
// ready-made module, so no file on disk can stand in for it; the same for
// @electron/remote/main.
const fixedModules = new Map(); // request → cache key
function fixModule(key, exports, ...requests) {
  const module = new Module(key, null);
  module.filename = key;
  module.loaded = true;
  module.exports = exports;
  Module._cache[key] = module;
  for (const request of [key, ...requests]) fixedModules.set(request, key);
}

let electron = null;
// Daemon events that arrive before 'ready' was emitted wait for it, so an
// app asked to quit at once still sees 'ready' first.
let early = [];

// An uncaught exception ends the app, reported with its stack, unless the
// app listens for them itself (then Node does not end the process either).
process.on('uncaughtExceptionMonitor', (err) => {
  if (process.listenerCount('uncaughtException') > 0 ||
      process.hasUncaughtExceptionCaptureCallback())
    return;
  binding.exited(1, 'exception', describe(err));
});

// Output goes to appd over the link, in order with the app's messages;
// the process's own stdio is appd's.
function captureOutput() {
  for (const [stream, fd] of [[process.stdout, 1], [process.stderr, 2]]) {
    stream.write = function (chunk, encoding, callback) {
      if (typeof encoding === 'function') callback = encoding;
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      binding.output(fd, text);
      if (typeof callback === 'function') process.nextTick(callback);
      return true;
    };
  }
}

// What Electron's main process has beside Node's, and what libraries look
// at to tell they run in Electron (docs/compat.md, "The process object").
// Like Electron's, they are read-only; Node's own versions stay.
function setElectronProcessFields(appDir) {
  for (const [name, version] of Object.entries(binding.versions))
    Object.defineProperty(process.versions, name, { value: version, enumerable: true, configurable: true });
  // Electron runs an installed app from <resources>/app (or app.asar), and
  // what the app packs beside itself (electron-builder's extraResources,
  // app.asar.unpacked, app-update.yml) is found in <resources>: the app
  // folder's parent.  process.defaultApp stays undefined: the app is not
  // run by a default Electron, as with `electron .`.
  Object.defineProperty(process, 'resourcesPath', {
    value: path.dirname(path.resolve(appDir)), enumerable: true, configurable: true,
  });
}

function start(specText) {
  let spec;
  try {
    spec = JSON.parse(specText);
    if (!spec || typeof spec !== 'object') throw new TypeError('not an object');
  } catch (err) {
    binding.exited(1, 'failed', `invalid app spec: ${err.message}`);
    return;
  }
  binding.title(`appd-app --app-id=${spec.appId}`);
  if (spec.ipcMaxPayload > 0) binding.ipcLimit(spec.ipcMaxPayload);
  captureOutput();

  electron = apiFactories.index(require, {
    appId: spec.appId,
    name: spec.name,
    version: spec.version,
    appDir: spec.appDir,
    userDataDir: spec.userDataDir,
    ipcMaxPayload: spec.ipcMaxPayload,
    windowStates: parseWindowStates(typeof spec.windowStates === 'string' ? spec.windowStates : '{}'),
    codec: makeCodec(),
    // nativeImage's codecs and scaling (app/native-image.c).
    image: binding.image,
    // Calls that wait for appd: the clipboard and the screen (app/desktop-binding.c).
    desktop: binding.desktop,
    // bytes: a Uint8Array of IPC payload to attach; the binding copies it.
    post(msg, bytes) {
      binding.send(JSON.stringify(msg), bytes);
    },
    // A page's call that came on its page link is answered there: bytes
    // (the result frame) when ok, else the error's message.
    answerPage(req, ok, value) {
      binding.answer(req, ok, value);
    },
    // webContents.send straight on the page's link once the page has
    // attached one: true when sent so, false to send through appd, or why
    // it was refused.
    sendToPage(windowId, channel, bytes) {
      return binding.pageSend(windowId, channel, bytes);
    },
    // AppHost's menu methods (app/menu-binding.c).
    menus: {
      set: binding.setMenu,
      drop: binding.dropMenu,
      setWindowMenu: binding.setWindowMenu,
      popup: binding.popupMenu,
      closePopup: binding.closePopup,
    },
    // The app's own session bus connection (app/session-bus.c).
    bus: {
      call: binding.busCall,
      callSync: binding.busCallSync,
      match: binding.busMatch,
      wait: binding.busWait,
      unmatch: binding.busUnmatch,
      uniqueName: binding.busUniqueName,
    },
    // shell.trashItem's native half (app/trash.c).
    trash: binding.trash,
  }, apiFactories);
  fixModule('electron', electron.exports, 'electron/main');
  fixModule('electron/common', electron.common);

  // Node in pages and the remote module (remote.js): its requests arrive on
  // an internal IPC channel; @electron/remote/main is its switch.
  const remote = makeRemote(require, { appDir: spec.appDir }, electron);
  electron.setInternalChannel(remote.channel, remote.handle);
  fixModule('@electron/remote/main', remote.mainModule);

  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return fixedModules.get(request) || resolveFilename.call(this, request, ...rest);
  };

  process.type = 'browser';
  setElectronProcessFields(spec.appDir);
  process.argv = [process.execPath, spec.appDir, ...(Array.isArray(spec.args) ? spec.args : [])];
  Module._load(spec.mainPath, null, true);
  setImmediate(() => {
    electron.emitReady();
    // After what 'ready' set off, whenReady()'s callbacks too; one event
    // a turn, so what each sets off (promises it settles) runs before the
    // next, as when events arrive one by one.  Events that arrive
    // meanwhile queue behind.
    const drain = () => {
      if (early.length === 0) {
        early = null;
        return;
      }
      electron.dispatch(early.shift());
      setImmediate(drain);
    };
    setImmediate(drain);
  });
}

// appd's calls, in order, and a page's on its page link (link true).
// payload is an ArrayBuffer of the page's bytes.  'page-link' asks whether
// the app has the window a page link is for.
binding.init((kind, text, payload, windowId, ipcKind, req, link) => {
  let msg;
  if (kind === 'start') return start(text);
  if (kind === 'page-link') return !!electron && electron.hasWindow(windowId);
  if (kind === 'post') msg = { t: 'ev', json: text };
  else if (kind === 'ipc') msg = { t: 'ipc', id: windowId, kind: ipcKind, req, channel: text, payload, link };
  // dispatch('menu', event, window, menu, item, accelerator): the same
  // places, other meanings.
  else if (kind === 'menu')
    msg = { t: 'menu', event: text, id: payload, menu: windowId, item: ipcKind, accelerator: req };
  if (!msg || !electron) return;
  if (early) early.push(msg);
  else electron.dispatch(msg);
});
