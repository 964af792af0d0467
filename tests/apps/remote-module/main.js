// The remote module: pages that the main script enables get proxies of
// main-process objects (method calls, property reads and writes,
// constructors, callbacks into the page, promises, errors), and the main
// process lets go of objects when the page drops its proxies.
const { app, BrowserWindow, ipcMain } = require('electron');
const remoteMain = require('@electron/remote/main');
const { deadline, reports } = require('../lib/checks.js');
const path = require('path');

deadline(60000);

class Thing {
  constructor(n) {
    this.n = n;
  }

  twice() {
    return this.n * 2;
  }
}

// Weak references to every Thing handed to the page: once the page drops
// its proxies and both sides collect garbage, they must clear.
const things = [];
global.shared = { count: 1, label: 'shared' };
global.makeThing = (n) => {
  const thing = new Thing(n);
  things.push(new WeakRef(thing));
  return thing;
};
global.fails = () => {
  throw new RangeError('nope from main');
};
global.later = (value) => new Promise((resolve) => setTimeout(() => resolve({ value }), 10));
global.callBack = (callback, value) => {
  setTimeout(() => callback(value, { from: 'main' }), 10);
  return 'scheduled';
};

const finish = reports(['enabled', 'disabled', 'preload', 'stale-callback']);

// After its checks the enabled page has a listener on its window; once
// the page is gone, emitting calls it no more: it leaves the emitter.
async function checkStaleCallback(win) {
  const problems = [];
  if (win.listenerCount('appd-test-event') !== 1)
    problems.push(`the page's listener is not there: ${win.listenerCount('appd-test-event')}`);
  await win.loadFile('index.html', { query: { mode: 'idle' } });
  win.emit('appd-test-event', 'after the page went');
  if (win.listenerCount('appd-test-event') !== 0)
    problems.push(`a listener of a gone page stayed: ${win.listenerCount('appd-test-event')}`);
  finish('stale-callback', problems);
}

let garbage = [];
// Allocates until V8 collects, then counts the Things still alive.
ipcMain.handle('live-things', () => {
  for (let i = 0; i < 20; i++) garbage = new Array(1 << 20).fill(i);
  garbage = null;
  return { made: things.length, alive: things.filter((ref) => ref.deref() !== undefined).length };
});

app.whenReady().then(() => {
  ipcMain.on('report', (event, mode, problems) => {
    finish(mode, problems);
    if (mode === 'enabled' && problems.length === 0) checkStaleCallback(BrowserWindow.fromWebContents(event.sender));
  });
  // Set by the page through a proxy of this window.
  ipcMain.on('check-title', (event) => {
    const title = BrowserWindow.fromWebContents(event.sender).getTitle();
    event.returnValue = title;
  });

  const enabled = new BrowserWindow({
    show: false,
    title: 'remote window',
    webPreferences: { nodeIntegration: true, contextIsolation: false },
  });
  remoteMain.enable(enabled.webContents);
  enabled.loadFile('index.html', { query: { mode: 'enabled' } });

  const disabled = new BrowserWindow({
    show: false,
    webPreferences: { nodeIntegration: true, contextIsolation: false },
  });
  disabled.loadFile('index.html', { query: { mode: 'disabled' } });

  // The older form: webPreferences.enableRemoteModule, used from a
  // sandboxed preload through require('electron').remote.
  const preloaded = new BrowserWindow({
    show: false,
    title: 'preloaded',
    webPreferences: { enableRemoteModule: true, preload: path.join(__dirname, 'preload.js') },
  });
  preloaded.loadFile('index.html', { query: { mode: 'preload' } });
});
