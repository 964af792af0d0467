// Runs in every mode with a preload; what it may require depends on it.
const { ipcRenderer, contextBridge } = require('electron');

const mode = new URLSearchParams(location.search).get('mode');
const problems = [];
const expect = (ok, what) => {
  if (!ok) problems.push(what);
};
const throws = (fn, pattern, what) => {
  try {
    fn();
    problems.push(`${what}: did not throw`);
  } catch (err) {
    expect(pattern.test(err.message), `${what}: ${err.message}`);
  }
};

// Every preload has these.
const EventEmitter = require('events');
const emitter = new EventEmitter();
let heard = null;
emitter.once('x', (v) => {
  heard = v;
});
emitter.emit('x', 7);
expect(heard === 7 && emitter.listenerCount('x') === 0, 'events in the preload');
expect(typeof require('timers').setTimeout === 'function', 'timers in the preload');
expect(new (require('url').URL)('app://a/b').pathname === '/b', 'url in the preload');
throws(() => ipcRenderer.send('appd:rpc', {}), /reserved/, 'the internal channel through ipcRenderer');

if (mode === 'sandboxed') {
  throws(() => require('fs'), /Cannot find module 'fs'/, 'fs in a sandboxed preload');
  throws(() => require('./lib/greet.js'), /Cannot find module/, 'a file in a sandboxed preload');
  expect(process.sandboxed === true, 'process.sandboxed');
  // A subset of the environment, not the main process's whole of it.
  expect(typeof process.env.HOME === 'string' && process.env.PATH === undefined,
         `process.env of a sandboxed preload: ${JSON.stringify(process.env)}`);
  expect(process.argv.length === 1 && /appd-renderer$/.test(process.argv[0]), `process.argv: ${process.argv}`);
} else {
  const fs = require('fs');
  const text = fs.readFileSync(require('path').join(__dirname, 'data.txt'), 'utf8');
  expect(text === 'text beside the page\n', `fs.readFileSync in the preload: ${text}`);
  expect(require('./lib/greet.js').greet('preload') === 'hello, preload', 'a module of the app in the preload');
  expect(require('./lib/greet.js').platform === 'linux', 'process in a module required by the preload');
  expect(require('./lib/greet.js').hasGlobals, 'global and setImmediate in a module required by the preload');
  expect(process.sandboxed === false, `process.sandboxed: ${process.sandboxed}`);
  expect(typeof process.versions.node === 'string', 'process.versions.node');
  expect(__filename.endsWith('/preload.js'), `__filename: ${__filename}`);
}

// webFrame: zoom is the window's; scripts run in the page's own world.
const { webFrame } = require('electron');
webFrame.setZoomFactor(1.5);
expect(webFrame.getZoomFactor() === 1.5, `webFrame zoom: ${webFrame.getZoomFactor()}`);
expect(Math.abs(webFrame.getZoomLevel() - Math.log(1.5) / Math.log(1.2)) < 1e-9, 'webFrame zoom level');
window.addEventListener('DOMContentLoaded', () => {
  webFrame.executeJavaScript('typeof window.preloadReport').then(
    (type) => ipcRenderer.send('webframe', mode, type),
    (err) => ipcRenderer.send('webframe', mode, `error ${err.message}`));
});

contextBridge.exposeInMainWorld('preloadReport', {
  problems: () => problems.slice(),
  send: (m, list) => ipcRenderer.send('report', m, list),
});
