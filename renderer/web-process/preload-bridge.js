/* The part of Electron's renderer API that a preload script sees.
 *
 * A function expression: appd-renderer calls it with the versions it knows
 * and options {contextIsolation} (default true), and runs the app's preload
 * with the returned `require` and `process` in scope.  protocol/ipc-codec.js
 * runs before it in the same world and leaves `appdIpcCodec` on the global.
 *
 * With contextIsolation the bridge and the preload run in the isolated
 * "appd-preload" world, the only world with the appd message handlers, so
 * the page (main world) cannot reach the native side; what it gets is what
 * the preload exposes through contextBridge.  Without it they run in the
 * page's world, as in Electron.
 *
 * Transport (docs/ipc.md): on the page link (__appdLink, which
 * page-extension.c, beside this file, puts in this world) when the web
 * process has one; without it:
 *   send      messageHandlers.appdIpc.postMessage({channel, payload})
 *   invoke    messageHandlers.appdInvoke.postMessage({channel, payload}),
 *             whose reply is the framed result (base64), or an error with
 *             the text; from 32 KiB on, on app:// pages, a fetch() POST to
 *             /__appd/invoke carrying the token, the frame as the body and
 *             the result frame as the response
 *   sendSync  a synchronous XHR to /__appd/send-sync carrying a token only
 *             this script knows
 *   daemon → page: __appdDispatch(channel, bytes), called by the page
 *             extension on the page link, else by the renderer
 * payload: the arguments framed by the codec, as base64 text: WebKit
 * hands a typed array to the native side as a plain object, ~400 times
 * slower at 64 KiB; bytes: a Uint8Array. */
(function (versions, options) {
  'use strict';

  const contextIsolated = !(options && options.contextIsolation === false);
  const codec = globalThis.appdIpcCodec;
  const messageHandlers = window.webkit && window.webkit.messageHandlers;
  // Replaced by the renderer with a random secret when it starts.
  const SYNC_TOKEN = '__APPD_TOKEN__';
  // The daemon's limit, which the renderer passes on.
  const IPC_MAX_PAYLOAD = options && options.ipcMaxPayload > 0 ? options.ipcMaxPayload : 8 * 1024 * 1024;

  // appd's own page-side code talks to the main process on this channel
  // (node-runtime.js); the public API refuses it and every 'appd:' name.
  const INTERNAL_CHANNEL = 'appd:rpc';
  const RESERVED_PREFIX = 'appd:';

  function checkChannel(channel) {
    if (typeof channel !== 'string' || channel.length === 0)
      throw new TypeError('ipcRenderer: channel must be a non-empty string');
    if (channel.startsWith(RESERVED_PREFIX))
      throw new Error(`ipcRenderer: channel names starting with '${RESERVED_PREFIX}' are reserved`);
  }

  // sd-bus refuses strings with Unicode noncharacters, and a channel is
  // refused, not renamed, as appd does on the main side.
  function checkBusChannel(channel) {
    for (const ch of channel) {
      const c = ch.codePointAt(0);
      if ((c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) === 0xfffe)
        throw new Error('ipcRenderer: the channel name has characters D-Bus cannot carry');
    }
  }

  function checkListener(listener) {
    if (typeof listener !== 'function')
      throw new TypeError('ipcRenderer: listener must be a function');
  }

  function frameArgs(args) {
    const payload = codec.frame(codec.encode(args));
    if (payload.length > IPC_MAX_PAYLOAD)
      throw new Error(`IPC message of ${payload.length} bytes is over the limit of ${IPC_MAX_PAYLOAD}`);
    return payload;
  }

  // WebKit's own base64 when it has it (2.50 does), else the slow way.
  function toBase64(bytes) {
    if (typeof bytes.toBase64 === 'function') return bytes.toBase64();
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(text);
  }

  function fromBase64(text) {
    if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(text);
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function toBytes(value) {
    if (typeof value === 'string') return fromBase64(value);
    // Tags rather than instanceof: what the renderer builds may come from
    // another realm.
    if (ArrayBuffer.isView(value))
      return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    if (Object.prototype.toString.call(value) === '[object ArrayBuffer]') return new Uint8Array(value);
    if (Array.isArray(value)) return Uint8Array.from(value);
    throw new TypeError('IPC reply is not bytes');
  }

  function unframeArgs(bytes) {
    return codec.decode(codec.unframe(toBytes(bytes)));
  }

  function handler(name) {
    const h = messageHandlers && messageHandlers[name];
    if (!h) throw new Error('IPC is not available in this page');
    return h;
  }

  // The page link (page-extension.c, docs/ipc.md): IPC from this web
  // process straight to appd, bytes as they are.  Taken off the global so
  // that nothing after the bridge finds it.
  // Its compile(), free of the page's Content-Security-Policy, is there
  // before the link itself is.
  let pageCompile = null;
  const pageLink = (() => {
    const link = globalThis.__appdLink;
    try {
      delete globalThis.__appdLink;
    } catch {
      // not configurable: leave it
    }
    if (link && typeof link.compile === 'function') pageCompile = link.compile;
    return link && typeof link.ready === 'function' && link.ready() ? link : null;
  })();

  // Requests to /__appd/ on the page's own app:// origin reach the
  // renderer; elsewhere they would go to a web server.
  const requestsWork = typeof location === 'object' && location.protocol === 'app:';
  const fetchFn = typeof fetch === 'function' ? fetch.bind(globalThis) : null;
  // invoke() goes by fetch from this size on: bytes cross as they are,
  // where a script message needs base64 text, but a request costs more
  // (bench/ipc.py, bare WebKit: 0.30 ms by fetch, 0.05 ms by script
  // message at 64 B; 0.7 and 0.9 ms at 64 KiB; 5.5 and 11 ms at 1 MiB).
  const FETCH_MIN_PAYLOAD = 32 * 1024;

  // The synchronous round trip behind sendSync: the framed arguments in,
  // the first decoded result out.
  function sendSyncFramed(channel, payload) {
    if (pageLink) return unframeArgs(pageLink.sendSync(channel, payload))[0];
    if (!requestsWork) throw new Error('sendSync needs the page link on pages not served from app://');
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/__appd/send-sync?channel=' + encodeURIComponent(channel), false);
    xhr.setRequestHeader('X-Appd-Token', SYNC_TOKEN);
    // Each byte of the answer as one char code 0–255 (0xF7xx for
    // bytes ≥ 0x80, hence the mask).
    xhr.overrideMimeType('text/plain; charset=x-user-defined');
    xhr.send(payload);
    const text = xhr.responseText;
    if (xhr.status !== 200) throw new Error(text || `sendSync('${channel}') failed`);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    return unframeArgs(bytes)[0];
  }

  // A message with no answer: on the page link, else a script message.
  function postFramed(channel, payload) {
    if (pageLink) pageLink.send(channel, payload);
    else handler('appdIpc').postMessage({ channel, payload: toBase64(payload) });
  }

  // ---- ipcRenderer ------------------------------------------------------

  const listeners = new Map(); // channel → [{ listener, once }]

  const ipcRenderer = {
    send(channel, ...args) {
      checkChannel(channel);
      checkBusChannel(channel);
      postFramed(channel, frameArgs(args));
    },

    // MessagePorts cannot cross to the main script here: the message goes
    // as send(channel, message) does and transfer must be empty.
    postMessage(channel, message, transfer) {
      checkChannel(channel);
      checkBusChannel(channel);
      if (transfer !== undefined && (!Array.isArray(transfer) || transfer.length > 0))
        throw new Error('ipcRenderer.postMessage: transferring MessagePorts is not supported');
      postFramed(channel, frameArgs([message]));
    },

    async invoke(channel, ...args) {
      checkChannel(channel);
      checkBusChannel(channel);
      const payload = frameArgs(args);
      if (pageLink) {
        const bytes = await new Promise((resolve, reject) => {
          pageLink.invoke(channel, payload, resolve, (message) => reject(new Error(message)));
        });
        return unframeArgs(bytes)[0];
      }
      if (requestsWork && payload.length >= FETCH_MIN_PAYLOAD) {
        const response = await fetchFn('/__appd/invoke?channel=' + encodeURIComponent(channel), {
          method: 'POST',
          headers: { 'X-Appd-Token': SYNC_TOKEN },
          body: payload,
        });
        if (!response.ok) throw new Error(await response.text());
        return unframeArgs(new Uint8Array(await response.arrayBuffer()))[0];
      }
      let reply;
      try {
        reply = await handler('appdInvoke').postMessage({ channel, payload: toBase64(payload) });
      } catch (err) {
        // The text is already Electron's ("Error invoking remote method …").
        throw new Error(err && err.message !== undefined ? err.message : String(err));
      }
      return unframeArgs(reply)[0];
    },

    sendSync(channel, ...args) {
      checkChannel(channel);
      checkBusChannel(channel);
      return sendSyncFramed(channel, frameArgs(args));
    },

    on(channel, listener) {
      checkChannel(channel);
      checkListener(listener);
      let list = listeners.get(channel);
      if (!list) {
        list = [];
        listeners.set(channel, list);
      }
      list.push({ listener, once: false });
      return ipcRenderer;
    },

    once(channel, listener) {
      ipcRenderer.on(channel, listener);
      const list = listeners.get(channel);
      list[list.length - 1].once = true;
      return ipcRenderer;
    },

    removeListener(channel, listener) {
      const list = listeners.get(channel);
      if (!list) return ipcRenderer;
      // Like EventEmitter: the most recently added match goes.
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i].listener === listener) {
          list.splice(i, 1);
          break;
        }
      }
      if (list.length === 0) listeners.delete(channel);
      return ipcRenderer;
    },

    removeAllListeners(channel) {
      if (channel === undefined) listeners.clear();
      else listeners.delete(channel);
      return ipcRenderer;
    },

    listenerCount(channel) {
      const list = listeners.get(channel);
      return list ? list.length : 0;
    },
  };
  ipcRenderer.addListener = ipcRenderer.on;
  ipcRenderer.off = ipcRenderer.removeListener;
  Object.freeze(ipcRenderer);

  // The app process's fence for this page's link (docs/ipc.md, Order): it
  // came through the renderer behind every message sent that way, so
  // echoing it on the link lets the app send there from now on.
  const FENCE_CHANNEL = 'appd:page-fence';

  function dispatch(channel, bytes) {
    if (channel === FENCE_CHANNEL) {
      try {
        if (pageLink) pageLink.send(channel, toBytes(bytes));
      } catch {
        // The link is gone: nothing is left to fence.
      }
      return;
    }
    let args;
    try {
      args = unframeArgs(bytes);
    } catch (err) {
      console.error(`appd: dropping malformed message on channel '${channel}':`, err);
      return;
    }
    if (channel === INTERNAL_CHANNEL) {
      if (nodeRuntime) nodeRuntime.onMessage(args[0]);
      return;
    }
    const list = listeners.get(channel);
    if (!list) return;
    // Listeners added or removed while dispatching take effect from the
    // next message on, as with EventEmitter.
    const event = { sender: ipcRenderer, senderId: 0, ports: [] };
    for (const entry of list.slice()) {
      if (entry.once) ipcRenderer.removeListener(channel, entry.listener);
      try {
        entry.listener(event, ...args);
      } catch (err) {
        console.error(`appd: ipcRenderer listener for '${channel}' threw:`, err);
      }
    }
  }

  Object.defineProperty(globalThis, '__appdDispatch', { value: dispatch });
  // From here on the app sends this page's messages on the page link,
  // behind the answers to its calls, once the fence has come (see
  // docs/ipc.md, Order).
  if (pageLink) pageLink.attach();
  // The renderer refused a message this page sent (too large, bad channel).
  Object.defineProperty(globalThis, '__appdIpcError', {
    value(channel, message) {
      console.error(`ipcRenderer: the message on '${channel}' was refused: ${message}`);
    },
  });

  // ---- contextBridge ----------------------------------------------------

  // The link to main-world-bridge.js (world-proxy.js, put in here at build
  // time).
  /* @world-proxy.js@ */


  let worldProxy = null;

  const contextBridge = Object.freeze({
    exposeInMainWorld(apiKey, api) {
      if (typeof apiKey !== 'string' || apiKey === '')
        throw new TypeError('contextBridge: the API key must be a non-empty string');
      if (!contextIsolated) {
        // One world: the page sees the preload's own objects.
        if (Object.prototype.hasOwnProperty.call(window, apiKey))
          throw new Error('Cannot bind an API on top of an existing property on the window object');
        Object.defineProperty(window, apiKey, {
          value: api, enumerable: true, writable: false, configurable: false,
        });
        return;
      }
      if (!worldProxy) {
        worldProxy = createWorldProxy(document, 'appd-i2m', 'appd-m2i', null, worldBuiltins());
      }
      worldProxy.expose(apiKey, api);
    },
  });

  // ---- webFrame ---------------------------------------------------------

  // The page's only frame.  Zoom belongs to the window: it is asked of and
  // set through the main process, as webContents' zoom is the same.
  const insertedCss = new Map();
  let nextCssKey = 1;
  const webFrame = {
    routingId: 1,
    parent: null,
    firstChild: null,
    nextSibling: null,
    opener: null,
    getZoomFactor: () => runtime().ask('zoom', {}),
    setZoomFactor(factor) {
      if (!(Number(factor) > 0)) throw new Error("'zoomFactor' must be a double greater than 0.0");
      runtime().ask('set-zoom', { factor: Number(factor) });
    },
    getZoomLevel: () => Math.log(webFrame.getZoomFactor()) / Math.log(1.2),
    setZoomLevel(level) {
      webFrame.setZoomFactor(Math.pow(1.2, Number(level)));
    },
    setVisualZoomLevelLimits() {},
    insertCSS(css) {
      const style = document.createElement('style');
      style.textContent = String(css);
      (document.head || document.documentElement).appendChild(style);
      const key = `appd-css-${nextCssKey++}`;
      insertedCss.set(key, style);
      return key;
    },
    removeInsertedCSS(key) {
      const style = insertedCss.get(key);
      if (style) style.remove();
      insertedCss.delete(key);
    },
    insertText(text) {
      document.execCommand('insertText', false, String(text));
    },
    // In the page's own world, as Electron runs it; the promise settles
    // with the result, and callback(result, error) is called too.
    executeJavaScript(code, userGesture, callback) {
      const promise = runtime().ask('execute-javascript', { code: String(code) });
      if (typeof callback === 'function') promise.then((result) => callback(result, null), (err) => callback(null, err));
      return promise;
    },
  };
  webFrame.top = webFrame;
  Object.freeze(webFrame);

  // ---- modules every preload has ---------------------------------------

  // events, timers and url: what Electron gives sandboxed preloads besides
  // electron itself.
  class EventEmitter {
    constructor() {
      this._events = new Map();
      this._maxListeners = 10;
    }

    _add(name, listener, once, prepend) {
      checkListener(listener);
      let list = this._events.get(name);
      if (!list) {
        list = [];
        this._events.set(name, list);
      }
      if (name !== 'newListener') this.emit('newListener', name, listener);
      if (prepend) list.unshift({ listener, once });
      else list.push({ listener, once });
      return this;
    }

    on(name, listener) { return this._add(name, listener, false, false); }
    addListener(name, listener) { return this._add(name, listener, false, false); }
    once(name, listener) { return this._add(name, listener, true, false); }
    prependListener(name, listener) { return this._add(name, listener, false, true); }
    prependOnceListener(name, listener) { return this._add(name, listener, true, true); }

    off(name, listener) { return this.removeListener(name, listener); }
    removeListener(name, listener) {
      const list = this._events.get(name);
      if (!list) return this;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i].listener === listener) {
          list.splice(i, 1);
          if (list.length === 0) this._events.delete(name);
          this.emit('removeListener', name, listener);
          break;
        }
      }
      return this;
    }

    removeAllListeners(name) {
      if (name === undefined) this._events.clear();
      else this._events.delete(name);
      return this;
    }

    emit(name, ...args) {
      const list = this._events.get(name);
      if (!list || list.length === 0) {
        if (name === 'error') throw args[0] instanceof Error ? args[0] : new Error(`Unhandled error. (${args[0]})`);
        return false;
      }
      for (const entry of list.slice()) {
        if (entry.once) this.removeListener(name, entry.listener);
        entry.listener.apply(this, args);
      }
      return true;
    }

    listenerCount(name) {
      const list = this._events.get(name);
      return list ? list.length : 0;
    }

    listeners(name) {
      const list = this._events.get(name);
      return list ? list.map((entry) => entry.listener) : [];
    }

    rawListeners(name) { return this.listeners(name); }
    eventNames() { return [...this._events.keys()]; }
    setMaxListeners(n) { this._maxListeners = n; return this; }
    getMaxListeners() { return this._maxListeners; }
  }
  EventEmitter.EventEmitter = EventEmitter;
  EventEmitter.defaultMaxListeners = 10;

  function setImmediate(fn, ...args) {
    return setTimeout(fn, 0, ...args);
  }

  function clearImmediate(id) {
    clearTimeout(id);
  }

  // ---- Node and the remote module (node-runtime.js) ------------------------

  /* @node-runtime.js@ */

  const nodeMode = options && (options.node === 'page' || options.node === 'preload') ? options.node : null;
  let nodeRuntime = null;

  function runtime() {
    if (!nodeRuntime) {
      nodeRuntime = createNodeRuntime({
        call: (request) => sendSyncFramed(INTERNAL_CHANNEL, frameArgs([request])),
        post: (request) => postFramed(INTERNAL_CHANNEL, frameArgs([request])),
        local: localModule,
        globals: () => ({ process, global: globalThis, setImmediate, clearImmediate }),
        compile: pageCompile,
      });
    }
    return nodeRuntime;
  }

  // ---- require and process ----------------------------------------------

  const electron = Object.freeze({
    ipcRenderer,
    contextBridge,
    webFrame,
    // Electron before 14 had remote here; it works when the window allows
    // the remote module.
    get remote() {
      return runtime().remote;
    },
  });

  function localModule(name) {
    switch (name) {
      case 'electron':
      case 'electron/renderer':
        return electron;
      case 'events':
      case 'node:events':
        return EventEmitter;
      case 'timers':
      case 'node:timers':
        return Object.freeze({
          setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate,
        });
      case 'url':
      case 'node:url':
        return Object.freeze({ URL, URLSearchParams });
      default:
        return undefined;
    }
  }

  // What the main process tells a page with Node at its start.
  let nodeInfo = null;
  if (nodeMode) {
    try {
      nodeInfo = runtime().init(location.href);
    } catch (err) {
      // Pages not served from app:// have no synchronous path to appd.
      console.error(`appd: Node is not available in this page: ${err.message}`);
    }
  }
  const preloadPath = options && typeof options.preloadPath === 'string' ? options.preloadPath : null;
  const preloadDir = preloadPath ? dirnameOf(preloadPath) : '/';

  function sandboxedRequire(name) {
    const local = localModule(name);
    if (local !== undefined) return local;
    if (name === '@electron/remote') return runtime().remote;
    const error = new Error(`Cannot find module '${name}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }

  const require = nodeInfo && nodeInfo.node ? runtime().makeRequire(preloadDir) : sandboxedRequire;

  const allVersions = Object.assign({}, nodeInfo && nodeInfo.node ? nodeInfo.process.versions : {}, versions);

  function nowNanoseconds() {
    return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  }

  function makeProcess() {
    if (!nodeInfo || !nodeInfo.node) {
      return Object.freeze({
        versions: Object.freeze(allVersions),
        platform: 'linux',
        type: 'renderer',
        contextIsolated,
        sandboxed: true,
        // A few of the session's variables, and the renderer program.
        env: Object.freeze(Object.assign({}, options && options.env)),
        argv: Object.freeze(options && Array.isArray(options.argv) ? options.argv.slice() : []),
      });
    }
    const info = nodeInfo.process;
    const proc = new EventEmitter();
    Object.assign(proc, {
      argv: info.argv,
      env: info.env,
      execPath: info.execPath,
      pid: info.pid,
      arch: info.arch,
      platform: info.platform,
      version: info.version,
      versions: Object.freeze(allVersions),
      type: 'renderer',
      contextIsolated,
      sandboxed: info.sandboxed,
      cwd: () => info.cwd,
      nextTick: (fn, ...args) => queueMicrotask(() => fn(...args)),
      hrtime: Object.assign((previous) => {
        const ns = nowNanoseconds();
        const now = [Number(ns / 1000000000n), Number(ns % 1000000000n)];
        if (!previous) return now;
        let seconds = now[0] - previous[0];
        let nanos = now[1] - previous[1];
        if (nanos < 0) {
          seconds--;
          nanos += 1e9;
        }
        return [seconds, nanos];
      }, { bigint: nowNanoseconds }),
    });
    return proc;
  }

  const process = makeProcess();

  // nodeIntegration without contextIsolation: the page itself gets Node's
  // globals, as a CommonJS module whose file is the page's.
  if (nodeMode === 'page' && !contextIsolated && nodeInfo && nodeInfo.node) {
    const pageFile = nodeInfo.filename || '/';
    const pageDir = dirnameOf(pageFile);
    const pageModule = newModule('.', pageFile);
    const globals = {
      require: runtime().makeRequire(pageDir),
      module: pageModule,
      exports: pageModule.exports,
      __filename: pageFile,
      __dirname: pageDir,
      process,
      global: globalThis,
      setImmediate,
      clearImmediate,
    };
    for (const [key, value] of Object.entries(globals))
      Object.defineProperty(globalThis, key, { value, writable: true, configurable: true });
  }

  const preloadModule = newModule(preloadPath || '', preloadPath || '');
  // What the preload has in scope (renderer/preload.c wraps it).
  return {
    require,
    process,
    module: preloadModule,
    exports: preloadModule.exports,
    __filename: preloadPath || '',
    __dirname: preloadDir,
    global: globalThis,
    setImmediate,
    clearImmediate,
  };
})
