// The values both sides send, and the check both sides run on what
// arrives.  Loaded by main.js with require() and by the preload as text
// (the preload has no require for files).
function makeValues() {
  const cyclic = { name: 'cycle' };
  cyclic.self = cyclic;
  const shared = { s: 1 };
  const big = new Uint8Array(1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 8)) & 0xff;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.PI);
  return [
    undefined, NaN, -0, Infinity, 2n ** 70n, new Date(1234567), /a(b)?c/gi,
    new Map([['k', { v: 1 }]]), new Set([1, 'two']), new TypeError('typed'),
    { nested: { deep: [1, [2, [3]]] }, pair: [shared, shared] }, cyclic,
    new Uint16Array([1, 65535]).buffer, new Uint8Array([0, 128, 255]),
    new Float64Array([1.5, -2.25]), view, big,
  ];
}

// Problems found in `got`, compared with makeValues().
function checkValues(got) {
  const problems = [];
  const expect = (ok, what) => {
    if (!ok) problems.push(what);
  };
  const want = makeValues();
  expect(Array.isArray(got) && got.length === want.length, `got ${got && got.length} values`);
  const [u, nan, nz, inf, big, date, re, map, set, err, obj, cyc, ab, u8, f64, view, bytes] = got;
  expect(u === undefined, 'undefined');
  expect(Number.isNaN(nan), 'NaN');
  expect(Object.is(nz, -0), '-0');
  expect(inf === Infinity, 'Infinity');
  expect(big === 2n ** 70n, 'BigInt');
  expect(date instanceof Date && date.getTime() === 1234567, 'Date');
  expect(re instanceof RegExp && re.source === 'a(b)?c' && re.flags === 'gi', 'RegExp');
  expect(map instanceof Map && map.get('k').v === 1, 'Map');
  expect(set instanceof Set && set.has(1) && set.has('two'), 'Set');
  expect(err instanceof TypeError && err.message === 'typed', 'Error');
  expect(obj.nested.deep[1][1][0] === 3 && obj.pair[0] === obj.pair[1], 'nested and shared objects');
  expect(cyc.self === cyc && cyc.name === 'cycle', 'cyclic object');
  expect(ab instanceof ArrayBuffer && new Uint16Array(ab)[1] === 65535, 'ArrayBuffer');
  expect(u8 instanceof Uint8Array && u8.join() === '0,128,255', 'Uint8Array');
  expect(f64 instanceof Float64Array && f64.join() === '1.5,-2.25', 'Float64Array');
  expect(view instanceof DataView && view.getFloat64(0) === Math.PI, 'DataView');
  const wantBytes = want[want.length - 1];
  let same = bytes instanceof Uint8Array && bytes.length === wantBytes.length;
  for (let i = 0; same && i < wantBytes.length; i++) same = bytes[i] === wantBytes[i];
  expect(same, '1 MiB of binary, byte for byte');
  return problems;
}

if (typeof module === 'object') module.exports = { makeValues, checkValues };
