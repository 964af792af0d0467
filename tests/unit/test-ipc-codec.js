// The IPC payload codec (protocol/ipc-codec.js), run with `node --test`.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const codec = require(path.join(__dirname, '..', '..', 'protocol', 'ipc-codec.js'));

const roundTrip = (args) => codec.decode(codec.unframe(codec.frame(codec.encode(args))));

test('JSON values pass unchanged', () => {
  const args = [null, true, false, 0, 1.5, -7, 'text', 'ünï', [1, [2, [3]]], { a: { b: [] } }];
  assert.deepEqual(roundTrip(args), args);
});

test('values JSON cannot carry', () => {
  const [u, nan, inf, ninf, nz, big] = roundTrip([undefined, NaN, Infinity, -Infinity, -0, 2n ** 70n]);
  assert.equal(u, undefined);
  assert.ok(Number.isNaN(nan));
  assert.equal(inf, Infinity);
  assert.equal(ninf, -Infinity);
  assert.ok(Object.is(nz, -0));
  assert.equal(big, 2n ** 70n);
});

test('dates, regexps, maps, sets, errors', () => {
  const [d, bad, re, m, s, e, te] = roundTrip([
    new Date(1234567), new Date(NaN), /a(b)?c/gimsuy, new Map([['k', { v: 1 }], [2, [3]]]),
    new Set([1, 'two', { three: 3 }]), new Error('plain'), new TypeError('typed'),
  ]);
  assert.ok(d instanceof Date && d.getTime() === 1234567);
  assert.ok(bad instanceof Date && Number.isNaN(bad.getTime()));
  assert.ok(re instanceof RegExp && re.source === 'a(b)?c' && re.flags === 'gimsuy');
  assert.ok(m instanceof Map);
  assert.deepEqual([...m], [['k', { v: 1 }], [2, [3]]]);
  assert.ok(s instanceof Set);
  assert.deepEqual([...s], [1, 'two', { three: 3 }]);
  assert.ok(e instanceof Error && e.message === 'plain');
  assert.ok(te instanceof TypeError && te.message === 'typed' && /typed/.test(te.stack));
});

test('binary travels as bytes, not in the JSON', () => {
  const bytes = new Uint8Array(64 * 1024).map((_, i) => i & 0xff);
  const f64 = new Float64Array([1.5, -2.25, Math.PI]);
  const ab = new Uint16Array([1, 65535]).buffer;
  const view = new DataView(new ArrayBuffer(4));
  view.setInt32(0, -42);
  const encoded = codec.encode([bytes, f64, ab, view, bytes.subarray(10, 20)]);
  assert.ok(encoded.json.length < 300, 'no bytes inside the JSON');
  assert.equal(encoded.buffers.length, 5);
  const [b, f, a, v, sub] = codec.decode(encoded);
  assert.ok(b instanceof Uint8Array);
  assert.deepEqual(b, bytes);
  assert.ok(f instanceof Float64Array);
  assert.deepEqual([...f], [1.5, -2.25, Math.PI]);
  assert.ok(a instanceof ArrayBuffer);
  assert.deepEqual([...new Uint16Array(a)], [1, 65535]);
  assert.ok(v instanceof DataView && v.getInt32(0) === -42);
  assert.deepEqual([...sub], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
});

test('shared and cyclic structures keep their shape', () => {
  const shared = { n: 1 };
  const cyclic = { name: 'root', children: [] };
  cyclic.children.push({ parent: cyclic });
  cyclic.self = cyclic;
  const map = new Map();
  map.set('me', map);
  const [a, b, c, m] = roundTrip([shared, shared, cyclic, map]);
  assert.equal(a, b);
  assert.equal(c.self, c);
  assert.equal(c.children[0].parent, c);
  assert.equal(m.get('me'), m);
});

test('objects that look like tags stay objects', () => {
  const tricky = { $t: 'ref', i: 0 };
  const [x, y] = roundTrip([tricky, { nested: { $t: 'u' } }]);
  assert.deepEqual(x, tricky);
  assert.deepEqual(y, { nested: { $t: 'u' } });
});

test('class instances arrive as plain objects; boxed primitives as values', () => {
  class Point { constructor() { this.x = 1; this.y = 2; } norm() { return 0; } }
  const [p, n, s] = roundTrip([new Point(), new Number(5), new String('s')]);
  assert.deepEqual(p, { x: 1, y: 2 });
  assert.equal(Object.getPrototypeOf(p), Object.prototype);
  assert.equal(n, 5);
  assert.equal(s, 's');
});

test('non-cloneables are refused with Electron\'s message', () => {
  for (const bad of [() => 1, Symbol('s'), Promise.resolve(), new WeakMap(), new WeakSet(),
    { nested: { fn() {} } }, [1, [2, Symbol.iterator]]]) {
    assert.throws(() => codec.encode([bad]), { message: 'An object could not be cloned.' });
  }
});

test('malformed payloads are errors, never crashes', () => {
  assert.throws(() => codec.decode({ json: '{"not":"array"}' }), TypeError);
  assert.throws(() => codec.decode({ json: '[{"$t":"ref","i":9}]' }), TypeError);
  assert.throws(() => codec.decode({ json: '[{"$t":"ab","i":0}]', buffers: [] }), TypeError);
  assert.throws(() => codec.decode({ json: '[{"$t":"nope"}]' }), TypeError);
  assert.throws(() => codec.decode({ json: '[' }), SyntaxError);
  assert.throws(() => codec.unframe(new Uint8Array([9, 0, 0, 0, 1])), /truncated/);
  assert.throws(() => codec.unframe(new Uint8Array([1, 0, 0, 0, 0xff])), TypeError);
});

test('framing keeps every buffer apart', () => {
  const framed = codec.frame(codec.encode([new Uint8Array(0), new Uint8Array([7]), 'x']));
  const out = codec.decode(codec.unframe(framed));
  assert.equal(out[0].length, 0);
  assert.deepEqual([...out[1]], [7]);
  assert.equal(out[2], 'x');
});
