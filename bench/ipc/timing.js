// Round-trip timing for the IPC benchmark, shared by the appd app's
// preload (bench/ipc/app) and the floor's page (bench/ipc/floor.c).
//
// measure(kinds, options) times each kind at each size:
//   kinds:   { name: { call(bytes) → value or promise of the bytes echoed,
//                      inFlight: whether 64 calls may be waiting at once } }
//   options: { sizes, smoke }
// Sequential calls are timed in batches (WebKit's performance.now() has
// 1 ms steps here; a batch of n calls gives n times finer steps): mean,
// p50 and p99 are of the per-call means of the batches.  With 64 in
// flight the figure is calls per second.
(function (root) {
  'use strict';

  function plan(size, smoke) {
    // batch: calls per timed batch; batches: how many; total for 64 in flight.
    if (smoke) return { warmup: 2, batch: 2, batches: 3, parallel: 64 };
    if (size <= 4096) return { warmup: 50, batch: 100, batches: 30, parallel: 2048 };
    if (size <= 65536) return { warmup: 20, batch: 10, batches: 30, parallel: 640 };
    return { warmup: 5, batch: 2, batches: 25, parallel: 128 };
  }

  function percentile(sorted, p) {
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
  }

  function same(a, b) {
    if (!a || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i += 997) if (a[i] !== b[i]) return false;
    return a[a.length - 1] === b[b.length - 1];
  }

  // The smallest step performance.now() takes.
  function clockStep() {
    let step = Infinity;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      let t1 = t0;
      while (t1 === t0) t1 = performance.now();
      step = Math.min(step, t1 - t0);
    }
    return step;
  }

  async function sequential(call, bytes, p) {
    for (let i = 0; i < p.warmup; i++) await call(bytes);
    const samples = [];
    for (let b = 0; b < p.batches; b++) {
      const t0 = performance.now();
      for (let i = 0; i < p.batch; i++) await call(bytes);
      samples.push((performance.now() - t0) / p.batch);
    }
    samples.sort((x, y) => x - y);
    return {
      mean: samples.reduce((s, x) => s + x, 0) / samples.length,
      p50: percentile(samples, 0.5),
      p99: percentile(samples, 0.99),
      calls: p.batch * p.batches,
    };
  }

  async function inFlight(call, bytes, total) {
    let started = 0;
    const t0 = performance.now();
    async function lane() {
      while (started < total) {
        started++;
        await call(bytes);
      }
    }
    await Promise.all(Array.from({ length: 64 }, lane));
    return total / ((performance.now() - t0) / 1000);
  }

  async function measure(kinds, options) {
    const results = [];
    for (const size of options.sizes) {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 7) & 255;
      const p = plan(size, options.smoke);
      for (const [name, kind] of Object.entries(kinds)) {
        const echoed = await kind.call(bytes);
        if (!same(echoed, bytes)) throw new Error(`${name} at ${size} B did not echo the bytes`);
        const row = Object.assign({ kind: name, size }, await sequential(kind.call, bytes, p));
        row.perSecond = kind.inFlight ? await inFlight(kind.call, bytes, p.parallel) : null;
        results.push(row);
      }
    }
    return { clockStepMs: clockStep(), results };
  }

  const api = { measure, sizes: [64, 4096, 65536, 1048576] };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.ipcBench = api;
})(typeof globalThis !== 'undefined' ? globalThis : this);
