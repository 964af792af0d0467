// The first code in every app's Worker: make require('electron') resolve to
// the daemon's electron module, then run the app's main script as CommonJS.
'use strict';

const { parentPort, workerData } = require('worker_threads');
const Module = require('module');
const vm = require('vm');

const spec = workerData;

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

// protocol/ipc-codec.js, the same file the pages' bridge carries.
const codec = vm.runInThisContext(
  `(function () { const module = { exports: {} };\n${spec.codecSource}\n;return module.exports; })()`,
  { filename: 'appd:ipc-codec.js' });

const makeElectron = vm.runInThisContext(spec.electronSource, {
  filename: 'appd:electron.js',
});
// The direct link to the daemon (js-runtime.c): claimed with this app's
// one-time token before the app's own code runs, which then finds neither
// the token nor anything left to claim.
let link = null;
try {
  link = process._linkedBinding('appd_worker').claim(spec.linkToken, receive);
} catch (err) {
  process._rawDebug(`appd: no direct link for this app (${err.message}); using the bootstrap`);
}
delete spec.linkToken;

const electron = makeElectron(require, {
  appId: spec.appId,
  name: spec.name,
  version: spec.version,
  appDir: spec.appDir,
  userDataDir: spec.userDataDir,
  windowCounter: spec.windowCounter,
  ipcMaxPayload: spec.ipcMaxPayload,
  windowStates: parseWindowStates(spec.windowStates || '{}'),
  codec,
  // bytes: a Uint8Array of IPC payload to attach, moved rather than copied
  // when it spans its whole buffer.
  post(msg, bytes) {
    const json = JSON.stringify(msg);
    if (link) {
      link.send(json, bytes);
      return;
    }
    if (bytes === undefined) {
      parentPort.postMessage(json);
      return;
    }
    let buffer = bytes.buffer;
    if (bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength)
      buffer = buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    parentPort.postMessage({ json, payload: buffer }, [buffer]);
  },
});

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

fixModule('electron', electron.exports, 'electron/main');

// Node in pages and the remote module (remote.js): its requests arrive on
// an internal IPC channel; @electron/remote/main is its switch.
const makeRemote = vm.runInThisContext(spec.remoteSource, { filename: 'appd:remote.js' });
const remote = makeRemote(require, { appDir: spec.appDir }, electron);
electron.setInternalChannel(remote.channel, remote.handle);
fixModule('@electron/remote/main', remote.mainModule);

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return fixedModules.get(request) || resolveFilename.call(this, request, ...rest);
};

// Daemon events arrive on the link, or on the parent port before it (and
// without it); listening to the port also keeps the app alive with no
// windows, as an Electron main process stays alive until it quits.
parentPort.on('message', (msg) => electron.dispatch(msg));

// What the link delivers, in the bootstrap's dispatch() arguments.
function receive(kind, appId, text, payload, windowId, ipcKind, req) {
  if (kind === 'post') electron.dispatch({ t: 'ev', json: text });
  else if (kind === 'ipc') electron.dispatch({ t: 'ipc', id: windowId, kind: ipcKind, req, channel: text, payload });
}

// A Worker's own stdio is asynchronous and loses what is still buffered
// when the app calls process.exit(); messages on parentPort are drained
// before the Worker's exit is seen, so output goes that way, in order.
for (const [stream, fd] of [[process.stdout, 1], [process.stderr, 2]]) {
  stream.write = function (chunk, encoding, callback) {
    if (typeof encoding === 'function') callback = encoding;
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    parentPort.postMessage({ fd, text });
    if (typeof callback === 'function') process.nextTick(callback);
    return true;
  };
}

process.type = 'browser';
process.argv = [process.execPath, spec.appDir, ...(spec.args || [])];

Module._load(spec.mainPath, null, true);
setImmediate(() => electron.emitReady());
