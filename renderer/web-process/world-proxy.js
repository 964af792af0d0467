// The proxy between the preload's world and the page's world that
// contextBridge uses (docs/ipc.md): synchronous DOM events carrying JSON
// text, the only things both worlds share.  Put into preload-bridge.js and
// main-world-bridge.js in place of their /* @world-proxy.js@ */ line at build time
// (cmake/embed-file.cmake), so both sides run the same code.
  // The built-ins the proxy uses, from the world that calls this: the
  // page's world calls it before any page script runs; the preload's
  // world is out of the page's reach.
  function worldBuiltins() {
    return {
      dispatchEvent: EventTarget.prototype.dispatchEvent,
      addEventListener: EventTarget.prototype.addEventListener,
      CustomEvent,
      parse: JSON.parse,
      stringify: JSON.stringify,
      defineProperty: Object.defineProperty,
      freeze: Object.freeze,
      hasOwn: Object.prototype.hasOwnProperty,
    };
  }

  function createWorldProxy(doc, outType, inType, onExpose, b) {
    const ERRORS = {
      Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError,
    };
    const TYPED = {
      Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
      Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array, DataView,
    };
    const localFns = new Map(); // id → function of this world
    const localIds = new Map(); // function → id, so one function keeps one id
    const remoteFns = new Map(); // id → proxy, so one remote function is one proxy
    const pending = new Map(); // id → { resolve, reject } of a proxied promise
    let nextId = 1;
    let reply = null;

    function cloneError() {
      return new Error('An object could not be cloned.');
    }

    function send(msg) {
      const event = new b.CustomEvent(outType, { detail: b.stringify(msg) });
      b.dispatchEvent.call(doc, event);
    }

    function exportFunction(fn) {
      let id = localIds.get(fn);
      if (id === undefined) {
        id = nextId++;
        localIds.set(fn, id);
        localFns.set(id, fn);
      }
      return id;
    }

    function exportPromise(promise) {
      const id = nextId++;
      promise.then(
        (value) => settle(id, true, value),
        (err) => settle(id, false, err));
      return id;
    }

    function settle(id, ok, value) {
      let v;
      try {
        v = describe(value);
      } catch (err) {
        ok = false;
        v = describe(err);
      }
      send({ t: 'settle', i: id, ok, v });
    }

    function bytes(view) {
      return Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    }

    // A value of this world as JSON-able data; `path` holds the objects
    // being described, to refuse cycles.
    function describe(v, path = new Set()) {
      switch (typeof v) {
        case 'undefined': return { $t: 'u' };
        case 'string':
        case 'boolean': return v;
        case 'number':
          if (Number.isFinite(v) && !Object.is(v, -0)) return v;
          return { $t: 'n', v: Object.is(v, -0) ? '-0' : String(v) };
        case 'bigint': return { $t: 'b', v: v.toString() };
        case 'function': return { $t: 'f', i: exportFunction(v) };
        case 'symbol': throw cloneError();
        default: break;
      }
      if (v === null) return null;
      // By tag, not instanceof: an async function's promise may come from
      // another realm (an iframe's, say).
      if (Object.prototype.toString.call(v) === '[object Promise]')
        return { $t: 'p', i: exportPromise(v) };
      if (typeof Node === 'function' && v instanceof Node) throw cloneError();
      if (path.has(v)) throw new Error('contextBridge cannot copy an object that contains itself');
      path.add(v);
      try {
        if (Array.isArray(v)) return v.map((item) => describe(item, path));
        if (v instanceof Date) return { $t: 'd', v: v.getTime() };
        if (v instanceof RegExp) return { $t: 'r', s: v.source, f: v.flags };
        if (v instanceof Error) {
          // Name and message only: a stack would show the preload's code.
          return { $t: 'e', n: ERRORS[v.name] ? v.name : 'Error', m: String(v.message) };
        }
        if (v instanceof Map)
          return { $t: 'm', v: [...v].map(([k, val]) => [describe(k, path), describe(val, path)]) };
        if (v instanceof Set) return { $t: 's', v: [...v].map((item) => describe(item, path)) };
        if (v instanceof ArrayBuffer) return { $t: 'ab', v: bytes(new Uint8Array(v)) };
        if (ArrayBuffer.isView(v)) {
          const kind = Object.keys(TYPED).find((k) => v instanceof TYPED[k]);
          if (!kind) throw cloneError();
          return { $t: 'ta', k: kind, v: bytes(v) };
        }
        if (v instanceof WeakMap || v instanceof WeakSet) throw cloneError();
        const out = {};
        for (const key of Object.keys(v)) out[key] = describe(v[key], path);
        return b.hasOwn.call(out, '$t') ? { $t: 'o', v: out } : out;
      } finally {
        path.delete(v);
      }
    }

    function remoteFunction(id) {
      let fn = remoteFns.get(id);
      if (!fn) {
        fn = function (...args) {
          return call(id, args);
        };
        remoteFns.set(id, fn);
      }
      return fn;
    }

    function remotePromise(id) {
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    }

    // Data from the other world as values of this one.
    function revive(d) {
      if (d === null || typeof d !== 'object') return d;
      if (Array.isArray(d)) return d.map(revive);
      switch (d.$t) {
        case undefined: {
          const out = {};
          for (const key of Object.keys(d)) out[key] = revive(d[key]);
          return out;
        }
        case 'o': return revive(d.v);
        case 'u': return undefined;
        case 'n': return d.v === '-0' ? -0 : Number(d.v);
        case 'b': return BigInt(d.v);
        case 'f': return remoteFunction(d.i);
        case 'p': return remotePromise(d.i);
        case 'd': return new Date(d.v === null ? NaN : d.v);
        case 'r': return new RegExp(d.s, d.f);
        case 'e': return new (ERRORS[d.n] || Error)(d.m);
        case 'm': return new Map(d.v.map(([k, val]) => [revive(k), revive(val)]));
        case 's': return new Set(d.v.map(revive));
        case 'ab': return new Uint8Array(d.v).buffer;
        case 'ta': {
          const T = TYPED[d.k] || Uint8Array;
          const buffer = new Uint8Array(d.v).buffer;
          return T === DataView ? new DataView(buffer) : new T(buffer);
        }
        default: throw new TypeError(`contextBridge: unknown value tag ${d.$t}`);
      }
    }

    // Sends msg and returns the other world's synchronous answer.
    function request(msg) {
      reply = null;
      send(msg);
      const answer = reply;
      reply = null;
      if (!answer) throw new Error('contextBridge: the other side of the bridge did not answer');
      if (!answer.ok) throw revive(answer.v);
      return revive(answer.v);
    }

    function call(id, args) {
      return request({ t: 'call', i: id, a: describe(args) });
    }

    function answer(run) {
      let msg;
      try {
        msg = { t: 'return', ok: true, v: describe(run()) };
      } catch (err) {
        let v;
        try {
          v = describe(err);
        } catch {
          v = describe(new Error(String(err)));
        }
        msg = { t: 'return', ok: false, v };
      }
      send(msg);
    }

    function onMessage(event) {
      const detail = event.detail;
      if (typeof detail !== 'string') return;
      let msg;
      try {
        msg = b.parse(detail);
      } catch {
        return;
      }
      if (!msg || typeof msg !== 'object') return;
      switch (msg.t) {
        case 'call':
          // Only functions this world handed out can be called.
          answer(() => {
            const fn = localFns.get(msg.i);
            if (!fn) throw new Error('contextBridge: no such function');
            return fn(...revive(msg.a));
          });
          break;
        case 'return':
          reply = msg;
          break;
        case 'settle': {
          const p = pending.get(msg.i);
          if (!p) break;
          pending.delete(msg.i);
          try {
            (msg.ok ? p.resolve : p.reject)(revive(msg.v));
          } catch (err) {
            p.reject(err);
          }
          break;
        }
        case 'expose':
          if (onExpose) answer(() => onExpose(String(msg.k), revive(msg.v)));
          break;
        default:
          break;
      }
    }

    b.addEventListener.call(doc, inType, onMessage);

    return {
      expose(key, value) {
        request({ t: 'expose', k: key, v: describe(value) });
      },
    };
  }