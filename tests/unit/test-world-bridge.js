// The page-side bridges (renderer/web-process/preload-bridge.js and
// main-world-bridge.js) in two fake worlds, run with `node --test`.
// Each world is a vm context with its own built-ins; they share one
// `document` EventTarget, as WebKit's worlds share the DOM.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
// Values made in another vm context have other prototypes; compare shapes.
const { deepEqual: sameShape } = require('node:assert');
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const root = path.join(__dirname, '..', '..');
const read = (p) => fs.readFileSync(path.join(root, p), 'utf8');
const codecSource = read('protocol/ipc-codec.js');
// As the build embeds them: the shared files spliced in.
const webProcess = (name) => read(path.join('renderer', 'web-process', name));
const spliced = ['world-proxy.js', 'node-runtime.js'].map((name) => [name, webProcess(name)]);
const splice = (source) => spliced.reduce(
  (text, [name, code]) => text.replace(`  /* @${name}@ */\n`, () => code), source);
const bridgeSource = splice(webProcess('preload-bridge.js'));
const mainWorldSource = splice(webProcess('main-world-bridge.js'));
const codec = require(path.join(root, 'protocol', 'ipc-codec.js'));

class FakeCustomEvent extends Event {
  constructor(type, init = {}) {
    super(type, init);
    this.detail = init.detail === undefined ? null : init.detail;
  }
}

// A fake of what appd-renderer provides: message handlers that record, an
// invoke answered by `invokeReply`, and a synchronous XHR answered by
// `syncReply`.
function makePage({ contextIsolation = true, invokeReply, syncReply } = {}) {
  const document = new EventTarget();
  const posted = [];
  // An app:// page: where the bridge's synchronous requests reach the renderer.
  const location = { protocol: 'app:', href: 'app://test/index.html' };
  const common = {
    document, EventTarget, CustomEvent: FakeCustomEvent, console, TextEncoder, TextDecoder, btoa, atob, location,
  };

  const main = vm.createContext({ ...common });
  vm.runInContext('var window = globalThis;', main);
  if (contextIsolation) vm.runInContext(mainWorldSource, main, { filename: 'main-world-bridge.js' });

  const handlers = {
    appdIpc: { postMessage: (m) => posted.push(m) },
    appdInvoke: { postMessage: (m) => invokeReply(m) },
  };
  const xhrs = [];
  class FakeXHR {
    open(method, url, async) { Object.assign(this, { method, url, async }); }
    setRequestHeader(name, value) { this.header = [name, value]; }
    overrideMimeType(mime) { this.mime = mime; }
    send(body) {
      xhrs.push(this);
      this.body = body;
      const { status, bytes, text } = syncReply(this);
      this.status = status;
      this.responseText = text !== undefined ? text
        // As x-user-defined decodes: bytes ≥ 0x80 become U+F780…U+F7FF.
        : String.fromCharCode(...bytes.map((b) => (b < 0x80 ? b : 0xf700 + b)));
    }
  }

  let iso;
  if (contextIsolation) {
    iso = vm.createContext({ ...common, XMLHttpRequest: FakeXHR });
    vm.runInContext('var window = { webkit: { messageHandlers: handlers } };', Object.assign(iso, { handlers }));
  } else {
    iso = main;
    Object.assign(main, { XMLHttpRequest: FakeXHR, handlers });
    vm.runInContext('window.webkit = { messageHandlers: handlers };', main);
  }
  vm.runInContext(codecSource, iso, { filename: 'ipc-codec.js' });
  const bridge = vm.runInContext(bridgeSource, iso, { filename: 'preload-bridge.js' });
  const { require, process } = bridge({ appd: '1.0' }, { contextIsolation });
  return { require, process, main, iso, posted, xhrs };
}

const frame = (args) => codec.frame(codec.encode(args));
const unframe = (bytes) => codec.decode(codec.unframe(
  typeof bytes === 'string' ? new Uint8Array(Buffer.from(bytes, 'base64')) : bytes));

test('send frames the arguments; order is kept', () => {
  const page = makePage();
  const { ipcRenderer } = page.require('electron');
  for (let i = 0; i < 200; i++) ipcRenderer.send('n', i, { i });
  assert.equal(page.posted.length, 200);
  page.posted.forEach((m, i) => {
    assert.equal(m.channel, 'n');
    // Payloads cross to the native side as base64 text.
    assert.equal(typeof m.payload, 'string');
    sameShape(unframe(m.payload), [i, { i }]);
  });
  assert.throws(() => ipcRenderer.send('f', () => 1), /An object could not be cloned\./);
  assert.throws(() => ipcRenderer.send(1), { name: 'TypeError' });
  assert.throws(() => ipcRenderer.send('big', vm.runInContext('new Uint8Array(8 * 1024 * 1024)', page.iso)),
                /IPC message of 8388652 bytes is over the limit of 8388608/);
  ipcRenderer.postMessage('pm', { a: 1 });
  sameShape(unframe(page.posted.at(-1).payload), [{ a: 1 }]);
  assert.equal(page.process.type, 'renderer');
  assert.equal(page.process.contextIsolated, true);
  assert.throws(() => page.require('fs'), /Cannot find module 'fs'/);
});

test('invoke resolves with the result and rejects with the main script\'s text', async () => {
  const page = makePage({
    invokeReply: ({ channel, payload }) => {
      const args = unframe(payload);
      // The renderer answers with base64 text; other byte forms are accepted too.
      if (channel === 'add') return Promise.resolve(Buffer.from(frame([args[0] + args[1]])).toString('base64'));
      if (channel === 'bytes') return Promise.resolve(frame([new Uint8Array([1, 2, 255])]).buffer);
      return Promise.reject(new Error(`Error invoking remote method '${channel}': Error: boom`));
    },
  });
  const { ipcRenderer } = page.require('electron');
  assert.equal(await ipcRenderer.invoke('add', 2, 3), 5);
  assert.deepEqual([...await ipcRenderer.invoke('bytes')], [1, 2, 255]);
  await assert.rejects(ipcRenderer.invoke('fail'), { message: "Error invoking remote method 'fail': Error: boom" });
  await assert.rejects(ipcRenderer.invoke('f', Symbol('s')), /could not be cloned/);
});

test('sendSync uses a synchronous XHR with the token', () => {
  const page = makePage({
    syncReply: (xhr) => {
      const args = unframe(xhr.body);
      if (args[0] === 'fail') return { status: 500, text: 'no way' };
      return { status: 200, bytes: [...frame([{ got: args, bin: new Uint8Array([0, 127, 128, 255]) }])] };
    },
  });
  const { ipcRenderer } = page.require('electron');
  const value = ipcRenderer.sendSync('q r', 'x', 1);
  sameShape(value.got, ['x', 1]);
  assert.deepEqual([...value.bin], [0, 127, 128, 255]);
  const xhr = page.xhrs[0];
  assert.equal(xhr.url, '/__appd/send-sync?channel=q%20r');
  assert.equal(xhr.async, false);
  assert.equal(xhr.header[0], 'X-Appd-Token');
  assert.equal(xhr.mime, 'text/plain; charset=x-user-defined');
  assert.throws(() => ipcRenderer.sendSync('c', 'fail'), { message: 'no way' });
});

test('messages from the main script reach listeners in order', () => {
  const page = makePage();
  const { ipcRenderer } = page.require('electron');
  const seen = [];
  const a = (e, x) => seen.push(['a', x, e.sender === ipcRenderer]);
  ipcRenderer.on('c', a);
  ipcRenderer.once('c', (e, x) => seen.push(['once', x]));
  const dispatch = page.iso.__appdDispatch;
  dispatch('c', frame([1]));
  dispatch('c', frame([2]));
  ipcRenderer.removeListener('c', a);
  dispatch('c', frame([3]));
  ipcRenderer.on('d', a).removeAllListeners('d');
  dispatch('d', frame([4]));
  dispatch('c', new Uint8Array([9, 9])); // malformed: dropped
  assert.deepEqual(seen, [['a', 1, true], ['once', 1], ['a', 2, true]]);
});

test('contextBridge: the page gets copies and proxies, not the preload\'s objects', async () => {
  const page = makePage();
  const { contextBridge } = page.require('electron');
  // The preload's code, in the preload's world.
  const preload = vm.runInContext(`(function (contextBridge) {
    let callback = null;
    const secret = { list: [1, 2], m: new Map([[1, 'a']]) };
    contextBridge.exposeInMainWorld('api', {
      version: 3,
      data: secret,
      add: (a, b) => a + b,
      later: async (x) => x * 2,
      failLater: async () => { throw new RangeError('late'); },
      onUpdate(cb) { callback = cb; },
      fire(v) { return callback(v, new Uint8Array([5])); },
      throws() { throw new TypeError('bad input'); },
      makeCounter() { let n = 0; return () => ++n; },
      echo: (v) => v,
    });
    return { secret, callback: (...a) => callback(...a) };
  })`, page.iso)(contextBridge);
  const secret = preload.secret;
  const callback = preload.callback;
  assert.throws(() => contextBridge.exposeInMainWorld('api', {}), /existing property/);

  const run = (code) => vm.runInContext(code, page.main);
  assert.equal(run('api.version'), 3);
  assert.equal(run('api.add(2, 3)'), 5);
  assert.equal(await run('api.later(4)'), 8);
  await assert.rejects(run('api.failLater()'), (err) => err.name === 'RangeError' && err.message === 'late');
  assert.equal(run('try { api.throws(); } catch (e) { e instanceof TypeError && e.message }'), 'bad input');
  assert.equal(run('const c = api.makeCounter(); c(); c()'), 2);
  assert.equal(run('[...api.data.m][0][1]'), 'a');
  // Copies: changing the page's value does not touch the preload's.
  assert.equal(run('Object.isFrozen(api) && Object.isFrozen(api.data.list)'), true);
  assert.equal(run('try { api.add = null } catch {} typeof api.add'), 'function');
  sameShape(secret.list, [1, 2]);
  // A page callback called later from the preload; its result comes back.
  run('var got = []; api.onUpdate((v, bytes) => { got.push(v, bytes[0]); return "ack"; })');
  assert.equal(callback('from preload', vm.runInContext('new Uint8Array([7])', page.iso)), 'ack');
  assert.equal(run('api.fire("x")'), 'ack');
  assert.equal(run('JSON.stringify(got)'), '["from preload",7,"x",5]');
  // The page's values arrive as copies made from the preload's built-ins.
  const echoed = run('api.echo({ d: new Date(5), n: NaN, z: -0, b: 10n, e: new Error("m") })');
  assert.ok(vm.runInContext('(d) => d instanceof Date', page.main)(echoed.d));
  assert.ok(Number.isNaN(echoed.n) && Object.is(echoed.z, -0) && echoed.b === 10n);
  assert.throws(() => run('api.echo(Symbol("s"))'), /could not be cloned/);
  assert.throws(() => run('const o = {}; o.o = o; api.echo(o)'), /contains itself/);
  // Nothing of the preload's world is reachable from the page.
  assert.equal(run('typeof require + typeof ipcRenderer + typeof process + typeof __appdDispatch'),
               'undefinedundefinedundefinedundefined');
  // A forged call names only functions the page was given.
  run(`document.dispatchEvent(Object.assign(new CustomEvent('appd-m2i',
       { detail: JSON.stringify({ t: 'call', i: 999, a: [] }) })))`);
});

test('without contextIsolation the preload and the page share the world', () => {
  const page = makePage({ contextIsolation: false });
  const { contextBridge } = page.require('electron');
  const api = { f: () => 1 };
  contextBridge.exposeInMainWorld('api', api);
  assert.equal(vm.runInContext('window.api', page.main), api);
  assert.equal(page.process.contextIsolated, false);
});
