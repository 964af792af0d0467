// contextBridge's main-world half.  appd-renderer injects this into the
// page's own world at document start, before the page's scripts and before
// the preload, in windows that have a preload and contextIsolation.  The
// preload's world (preload-bridge.js) holds the other half.
//
// The two worlds share the DOM and nothing else, and DOM event dispatch is
// synchronous, so they talk through CustomEvents on `document` whose detail
// is JSON text (a string crosses worlds unchanged; objects would not):
//   appd-i2m  preload world → page: expose, call, return, settle
//   appd-m2i  page → preload world: call, return, settle
// A call is answered by a `return` message dispatched from inside the
// listener, so it has arrived when dispatchEvent() returns.  Functions and
// promises cross as ids; everything else is copied.  See docs/ipc.md.
//
// The proxy (world-proxy.js, beside this file) is spliced into both halves
// at build time: each world runs its own copy, made from its own built-ins.
(function () {
  'use strict';

  /* @world-proxy.js@ */

  // Taken before any page script can replace them.  A page that tampers
  // with other built-ins later only breaks its own copy of the API.
  const builtins = worldBuiltins();


  function deepFreeze(value) {
    if (value && (typeof value === 'object' || typeof value === 'function') &&
        !Object.isFrozen(value)) {
      builtins.freeze(value);
      if (typeof value === 'object')
        for (const key of Object.keys(value)) deepFreeze(value[key]);
    }
    return value;
  }

  function expose(key, api) {
    if (builtins.hasOwn.call(window, key))
      throw new Error('Cannot bind an API on top of an existing property on the window object');
    builtins.defineProperty(window, key, {
      value: deepFreeze(api),
      enumerable: true,
      writable: false,
      configurable: false,
    });
  }

  createWorldProxy(document, 'appd-m2i', 'appd-i2m', expose, builtins);
})();
