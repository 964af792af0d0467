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
 * Transport (docs/ipc.md):
 *   send      messageHandlers.appdIpc.postMessage({channel, payload})
 *   invoke    messageHandlers.appdInvoke.postMessage({channel, payload}),
 *             whose reply is the framed result (base64), or an error with
 *             the text
 *   sendSync  a synchronous XHR to /__appd/send-sync carrying a token only
 *             this script knows
 *   daemon → page: the renderer calls __appdDispatch(channel, bytes)
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
  // As the daemon's APPD_IPC_MAX_PAYLOAD.
  const IPC_MAX_PAYLOAD = 8 * 1024 * 1024;

  function checkChannel(channel) {
    if (typeof channel !== 'string' || channel.length === 0)
      throw new TypeError('ipcRenderer: channel must be a non-empty string');
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

  // ---- ipcRenderer ------------------------------------------------------

  const listeners = new Map(); // channel → [{ listener, once }]

  const ipcRenderer = {
    send(channel, ...args) {
      checkChannel(channel);
      handler('appdIpc').postMessage({ channel, payload: toBase64(frameArgs(args)) });
    },

    // MessagePorts cannot cross to the main script here: the message goes
    // as send(channel, message) does and transfer must be empty.
    postMessage(channel, message, transfer) {
      checkChannel(channel);
      if (transfer !== undefined && (!Array.isArray(transfer) || transfer.length > 0))
        throw new Error('ipcRenderer.postMessage: transferring MessagePorts is not supported');
      handler('appdIpc').postMessage({ channel, payload: toBase64(frameArgs([message])) });
    },

    async invoke(channel, ...args) {
      checkChannel(channel);
      const payload = frameArgs(args);
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
      const payload = frameArgs(args);
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

  function dispatch(channel, bytes) {
    let args;
    try {
      args = unframeArgs(bytes);
    } catch (err) {
      console.error(`appd: dropping malformed message on channel '${channel}':`, err);
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
  // The renderer refused a message this page sent (too large, bad channel).
  Object.defineProperty(globalThis, '__appdIpcError', {
    value(channel, message) {
      console.error(`ipcRenderer: the message on '${channel}' was refused: ${message}`);
    },
  });

  // ---- contextBridge ----------------------------------------------------

  // The link to main-world-bridge.js (renderer/world-link.js, put in
  // here at build time).
  /* @WORLD_LINK@ */


  let worldLink = null;

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
      if (!worldLink) {
        worldLink = createWorldLink(document, 'appd-i2m', 'appd-m2i', null, worldBuiltins());
      }
      worldLink.expose(apiKey, api);
    },
  });

  // ---- webFrame ---------------------------------------------------------

  // Zoom belongs to the window (webContents.setZoomFactor); from the page
  // it reads 1 and setting it does nothing.
  const insertedCss = new Map();
  let nextCssKey = 1;
  const webFrame = Object.freeze({
    getZoomFactor: () => 1,
    setZoomFactor() {},
    getZoomLevel: () => 0,
    setZoomLevel() {},
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
  });

  // ---- require and process ----------------------------------------------

  const electron = Object.freeze({ ipcRenderer, contextBridge, webFrame });

  function require(name) {
    if (name === 'electron' || name === 'electron/renderer') return electron;
    const error = new Error(`Cannot find module '${name}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }

  const process = Object.freeze({
    versions: Object.freeze(Object.assign({}, versions)),
    platform: 'linux',
    type: 'renderer',
    contextIsolated,
    sandboxed: true,
    env: {},
    argv: [],
  });

  return { require, process };
})
