// The IPC payload codec: Electron's structured-clone semantics for the
// arguments of ipcRenderer/ipcMain/webContents messages, shared by the page
// side (WebKit) and the main-script side (Node).  It needs nothing from
// either environment.
//
// encode(args) turns an array of values into { json, buffers }: a JSON text
// in which values JSON cannot carry are tagged objects, and a list of
// Uint8Array holding every ArrayBuffer and typed array's bytes, so binary
// data crosses the bus as bytes, never as base64 or number arrays.
// decode({ json, buffers }) gives the values back.
//
// Tagged forms ({"$t": tag, ...}):
//   u undefined · n NaN/±Infinity/-0 ("v") · b BigInt ("v" decimal text)
//   d Date ("v" ms, null when invalid) · r RegExp ("s" source, "f" flags)
//   m Map ("v" [[k, v], …]) · s Set ("v" […]) · e Error ("n" name,
//   "m" message, "k" stack) · ab ArrayBuffer ("i" buffer index) ·
//   ta typed array or DataView ("k" kind, "i" buffer index) ·
//   o a plain object that itself has a "$t" key ("v" its entries) ·
//   ref an object seen before ("i" its number), for shared and cyclic
//   structures.
// Objects (including arrays, maps, sets, dates, regexps, errors, buffers)
// are numbered in the order encode first meets them; decode numbers them
// in the same order, which is what "ref" points at.
//
// As in Electron, functions, symbols, promises, weak collections and DOM
// nodes cannot be sent: encode throws "An object could not be cloned."
// Class instances arrive as plain objects (their prototype is not sent).
(function (root, factory) {
  const codec = factory();
  if (typeof module === 'object' && module.exports) module.exports = codec;
  else root.appdIpcCodec = codec;
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  const TYPED = {
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array,
    Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array,
    BigUint64Array, DataView,
  };
  const ERRORS = {
    Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError,
  };

  function cloneError(what) {
    const err = new Error('An object could not be cloned.');
    err.name = 'DataCloneError';
    err.detail = what;
    return err;
  }

  function isDomNode(v) {
    return typeof Node === 'function' && v instanceof Node;
  }

  function bytesOf(view) {
    return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
  }

  function encode(args) {
    if (!Array.isArray(args)) throw new TypeError('encode takes the array of arguments');
    const seen = new Map(); // object → number
    const buffers = [];

    function number(v) {
      if (Number.isNaN(v)) return { $t: 'n', v: 'NaN' };
      if (v === Infinity) return { $t: 'n', v: 'Infinity' };
      if (v === -Infinity) return { $t: 'n', v: '-Infinity' };
      if (v === 0 && 1 / v < 0) return { $t: 'n', v: '-0' };
      return v;
    }

    function walk(v) {
      switch (typeof v) {
        case 'undefined': return { $t: 'u' };
        case 'boolean':
        case 'string': return v;
        case 'number': return number(v);
        case 'bigint': return { $t: 'b', v: v.toString() };
        case 'function': throw cloneError(`function ${v.name || '(anonymous)'}`);
        case 'symbol': throw cloneError(String(v));
        default: break;
      }
      if (v === null) return null;
      if (seen.has(v)) return { $t: 'ref', i: seen.get(v) };
      if (isDomNode(v)) throw cloneError('a DOM node');
      if (v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet ||
          (typeof WeakRef === 'function' && v instanceof WeakRef)) {
        throw cloneError(Object.prototype.toString.call(v));
      }
      // Boxed primitives travel as their value, as structured clone does
      // (without keeping the box).
      if (v instanceof Number) return number(v.valueOf());
      if (v instanceof String || v instanceof Boolean) return v.valueOf();
      seen.set(v, seen.size);

      if (Array.isArray(v)) {
        const out = new Array(v.length);
        for (let i = 0; i < v.length; i++) out[i] = walk(v[i]);
        return out;
      }
      if (v instanceof Date) {
        const t = v.getTime();
        return { $t: 'd', v: Number.isNaN(t) ? null : t };
      }
      if (v instanceof RegExp) return { $t: 'r', s: v.source, f: v.flags };
      if (v instanceof Map) {
        const entries = [];
        for (const [k, val] of v) entries.push([walk(k), walk(val)]);
        return { $t: 'm', v: entries };
      }
      if (v instanceof Set) {
        const items = [];
        for (const item of v) items.push(walk(item));
        return { $t: 's', v: items };
      }
      if (v instanceof Error) {
        const name = ERRORS[v.name] ? v.name : 'Error';
        return { $t: 'e', n: name, m: String(v.message), k: typeof v.stack === 'string' ? v.stack : '' };
      }
      if (v instanceof ArrayBuffer) {
        buffers.push(new Uint8Array(v.slice(0)));
        return { $t: 'ab', i: buffers.length - 1 };
      }
      if (ArrayBuffer.isView(v)) {
        const kind = Object.keys(TYPED).find((k) => v instanceof TYPED[k]);
        if (!kind) throw cloneError(Object.prototype.toString.call(v));
        buffers.push(bytesOf(v));
        return { $t: 'ta', k: kind, i: buffers.length - 1 };
      }
      const out = {};
      for (const key of Object.keys(v)) out[key] = walk(v[key]);
      return Object.prototype.hasOwnProperty.call(out, '$t') ? { $t: 'o', v: out } : out;
    }

    const json = JSON.stringify(args.map(walk));
    return { json, buffers };
  }

  function decode({ json, buffers = [] }) {
    const tree = JSON.parse(json);
    if (!Array.isArray(tree)) throw new TypeError('an IPC payload must be an array');
    const objects = [];

    function buffer(i) {
      const b = buffers[i];
      if (!(b instanceof Uint8Array)) throw new TypeError(`IPC payload names missing buffer ${i}`);
      return b;
    }

    function fillObject(out, entries) {
      for (const key of Object.keys(entries)) out[key] = walk(entries[key]);
      return out;
    }

    function walk(v) {
      if (v === null || typeof v !== 'object') return v;
      if (Array.isArray(v)) {
        const out = new Array(v.length);
        objects.push(out);
        for (let i = 0; i < v.length; i++) out[i] = walk(v[i]);
        return out;
      }
      switch (v.$t) {
        case undefined: {
          const out = {};
          objects.push(out);
          return fillObject(out, v);
        }
        case 'o': {
          const out = {};
          objects.push(out);
          return fillObject(out, v.v);
        }
        case 'u': return undefined;
        case 'n': return v.v === '-0' ? -0 : Number(v.v);
        case 'b': return BigInt(v.v);
        case 'ref': {
          if (!(v.i in objects)) throw new TypeError(`IPC payload refers to unknown object ${v.i}`);
          return objects[v.i];
        }
        case 'd': {
          const d = new Date(v.v === null ? NaN : v.v);
          objects.push(d);
          return d;
        }
        case 'r': {
          const r = new RegExp(v.s, v.f);
          objects.push(r);
          return r;
        }
        case 'm': {
          const m = new Map();
          objects.push(m);
          for (const [k, val] of v.v) m.set(walk(k), walk(val));
          return m;
        }
        case 's': {
          const s = new Set();
          objects.push(s);
          for (const item of v.v) s.add(walk(item));
          return s;
        }
        case 'e': {
          const E = ERRORS[v.n] || Error;
          const e = new E(v.m);
          if (v.k) e.stack = v.k;
          objects.push(e);
          return e;
        }
        case 'ab': {
          const b = buffer(v.i);
          const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
          objects.push(ab);
          return ab;
        }
        case 'ta': {
          const T = TYPED[v.k];
          if (!T) throw new TypeError(`unknown typed array kind ${v.k}`);
          const b = buffer(v.i);
          const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
          const out = T === DataView ? new DataView(ab) : new T(ab);
          objects.push(out);
          return out;
        }
        default:
          throw new TypeError(`unknown IPC payload tag ${v.$t}`);
      }
    }

    return tree.map(walk);
  }

  // One byte string for the bus ("ay"): u32 little-endian JSON length, the
  // JSON as UTF-8, then per buffer a u32 length and its bytes.
  function frame({ json, buffers }) {
    const text = new TextEncoder().encode(json);
    let size = 4 + text.length;
    for (const b of buffers) size += 4 + b.length;
    const out = new Uint8Array(size);
    const view = new DataView(out.buffer);
    let at = 0;
    view.setUint32(at, text.length, true);
    out.set(text, (at += 4));
    at += text.length;
    for (const b of buffers) {
      view.setUint32(at, b.length, true);
      out.set(b, (at += 4));
      at += b.length;
    }
    return out;
  }

  function unframe(bytes) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const need = (at, n) => {
      if (at + n > bytes.length) throw new TypeError('truncated IPC payload');
    };
    let at = 0;
    need(at, 4);
    const len = view.getUint32(at, true);
    need((at += 4), len);
    const json = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(at, at + len));
    at += len;
    const buffers = [];
    while (at < bytes.length) {
      need(at, 4);
      const n = view.getUint32(at, true);
      need((at += 4), n);
      buffers.push(bytes.slice(at, at + n));
      at += n;
    }
    return { json, buffers };
  }

  return { encode, decode, frame, unframe };
});
