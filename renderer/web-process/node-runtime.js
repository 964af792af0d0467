  // ---- Node in pages and the remote module (node-runtime.js) -----------
  //
  // Spliced into preload-bridge.js at build time.  The page side of
  // app/remote.js: require() of Node's built-in modules, of the
  // app's own files and of @electron/remote, with main-process objects
  // seen through proxies (docs/node-in-pages.md).
  //
  // createNodeRuntime(transport) takes
  //   transport.call(request)   a synchronous request to the main process;
  //                             gives { ok, value } or { ok: false, error }
  //   transport.post(request)   a message with no answer
  //   transport.local(name)     a module the page has itself (electron,
  //                             events …)
  //   transport.globals()       what a module has in scope besides its own
  //                             names: { process, global, setImmediate,
  //                             clearImmediate }, as Node's globals are
  //   transport.compile         (source, url) → the value of source run as
  //                             a script, free of the page's policy (the
  //                             web process extension's); null: eval()
  // and returns { onMessage, require(name, fromDir), makeRequire(dir),
  // remote, init(url), ask(op, fields) }.

  // The folder of an absolute file name.
  function dirnameOf(file) {
    const slash = file.lastIndexOf('/');
    return slash <= 0 ? '/' : file.slice(0, slash);
  }

  // A CommonJS module object for a file (the preload, the page, a module).
  function newModule(id, filename) {
    return { id, filename, loaded: false, exports: {}, children: [], paths: [] };
  }

  function createNodeRuntime(transport) {
    // One id per page load: the main process drops what an older load of
    // this page held when a request from a new one arrives.
    const contextId = Array.from(crypto.getRandomValues(new Uint8Array(12)),
                                 (b) => b.toString(16).padStart(2, '0')).join('');

    function fail(error) {
      const err = new Error(error && error.message !== undefined ? error.message : String(error));
      if (error && typeof error.name === 'string' && error.name !== 'Error') {
        Object.defineProperty(err, 'name', { value: error.name, configurable: true, writable: true });
      }
      if (error && error.stack) err.stack = `${err.name}: ${err.message}\n    (in the main process)\n${error.stack}`;
      return err;
    }

    // The page is going (or going into the back-forward cache): the main
    // process lets go of all it holds for this page and stops calling its
    // callbacks.  Only once something was asked of it.
    let asked = false;
    window.addEventListener('pagehide', () => {
      if (asked) transport.post({ op: 'release-context', ctx: contextId });
    });

    function request(op, fields) {
      asked = true;
      const answer = transport.call(Object.assign({ op, ctx: contextId }, fields));
      if (!answer || typeof answer !== 'object') throw new Error('Malformed answer from the main process');
      if (!answer.ok) throw fail(answer.error);
      return answer.value;
    }

    // ---- proxies of main-process objects --------------------------------

    const proxies = new Map(); // id → { ref: WeakRef(proxy), count }
    const proxyIds = new WeakMap(); // proxy → id
    let releases = new Map(); // id → count, sent together
    let releaseTimer = 0;

    function flushReleases() {
      releaseTimer = 0;
      const ids = [...releases];
      releases = new Map();
      if (ids.length > 0) transport.post({ op: 'release', ctx: contextId, ids });
    }

    // The main process counts every description of an object it sends;
    // a proxy that goes away gives back as many as it was handed.
    const finalizer = new FinalizationRegistry(({ id, entry }) => {
      if (proxies.get(id) === entry) proxies.delete(id);
      releases.set(id, (releases.get(id) || 0) + entry.count);
      if (!releaseTimer) releaseTimer = setTimeout(flushReleases, 0);
    });

    function makeFunction(id) {
      return function (...args) {
        if (new.target) return fromMeta(request('construct', { id, args: args.map(toMeta) }));
        return fromMeta(request('apply', { id, args: args.map(toMeta) }));
      };
    }

    function addMembers(proxy, id, members) {
      for (const [name, kind] of members) {
        if (kind === 'm') {
          const method = function (...args) {
            if (new.target)
              return fromMeta(request('construct-member', { id, name, args: args.map(toMeta) }));
            return fromMeta(request('call', { id, name, args: args.map(toMeta) }));
          };
          Object.defineProperty(method, 'name', { value: name });
          Object.defineProperty(proxy, name, { value: method, enumerable: true, writable: true, configurable: true });
        } else {
          Object.defineProperty(proxy, name, {
            get: () => fromMeta(request('get', { id, name })),
            set: (value) => {
              request('set', { id, name, value: toMeta(value) });
            },
            enumerable: true,
            configurable: true,
          });
        }
      }
    }

    function remoteObject(meta) {
      const known = proxies.get(meta.id);
      const alive = known && known.ref.deref();
      if (alive) {
        known.count++;
        return alive;
      }
      const proxy = meta.t === 'f' ? makeFunction(meta.id) : {};
      if (meta.t === 'f') Object.defineProperty(proxy, 'name', { value: meta.name || '' });
      addMembers(proxy, meta.id, Array.isArray(meta.m) ? meta.m : []);
      const entry = { ref: new WeakRef(proxy), count: 1 };
      proxies.set(meta.id, entry);
      proxyIds.set(proxy, meta.id);
      finalizer.register(proxy, { id: meta.id, entry });
      return proxy;
    }

    const pendingPromises = new Map(); // id → { resolve, reject }

    function fromMeta(meta) {
      if (!meta || typeof meta !== 'object') throw new Error('Malformed value from the main process');
      switch (meta.t) {
        case 'v':
          return meta.v;
        case 'a':
          return meta.m.map(fromMeta);
        case 'o':
        case 'f':
          return remoteObject(meta);
        case 'p':
          return new Promise((resolve, reject) => pendingPromises.set(meta.id, { resolve, reject }));
        default:
          throw new Error('Malformed value from the main process');
      }
    }

    // ---- page values handed to the main process -------------------------

    const callbacks = new Map(); // id → { fn, count }
    const callbackIds = new WeakMap(); // fn → id
    let nextCallback = 1;

    function isPlainObject(value) {
      const proto = Object.getPrototypeOf(value);
      return proto === Object.prototype || proto === null;
    }

    function toMeta(value, depth = 0) {
      if (depth > 32) throw new Error('Value is nested too deeply (or refers to itself) for the main process');
      if (typeof value === 'function') {
        const proxied = proxyIds.get(value);
        if (proxied !== undefined) return { t: 'r', id: proxied };
        let id = callbackIds.get(value);
        if (id === undefined || !callbacks.has(id)) {
          id = nextCallback++;
          callbackIds.set(value, id);
          callbacks.set(id, { fn: value, count: 0 });
        }
        callbacks.get(id).count++;
        return { t: 'c', id, name: value.name };
      }
      if (value === null || typeof value !== 'object') return { t: 'v', v: value };
      const proxied = proxyIds.get(value);
      if (proxied !== undefined) return { t: 'r', id: proxied };
      if (Array.isArray(value)) return { t: 'a', m: value.map((v) => toMeta(v, depth + 1)) };
      if (isPlainObject(value)) {
        const m = {};
        for (const key of Object.keys(value)) m[key] = toMeta(value[key], depth + 1);
        return { t: 'O', m };
      }
      return { t: 'v', v: value };
    }

    // ---- messages from the main process ---------------------------------

    function onMessage(message) {
      if (!message || message.ctx !== contextId) return;
      switch (message.op) {
        case 'callback': {
          const entry = callbacks.get(message.id);
          if (!entry) return;
          try {
            entry.fn(...message.args.map(fromMeta));
          } catch (err) {
            console.error('appd: a callback called from the main process threw:', err);
          }
          break;
        }
        case 'release-callback': {
          const entry = callbacks.get(message.id);
          if (!entry) return;
          entry.count -= message.count;
          if (entry.count <= 0) callbacks.delete(message.id);
          break;
        }
        case 'settle': {
          const pending = pendingPromises.get(message.id);
          if (!pending) return;
          pendingPromises.delete(message.id);
          if (message.ok) pending.resolve(fromMeta(message.value));
          else pending.reject(fail(message.error));
          break;
        }
        default:
          break;
      }
    }

    // ---- require ---------------------------------------------------------

    const builtins = new Map(); // name → proxy of the main process's module
    const modules = new Map(); // file name → module

    function fileUrl(file) {
      return 'file://' + file.split('/').map(encodeURIComponent).join('/');
    }

    function makeRequire(dir) {
      const requireFrom = (name) => load(String(name), dir);
      requireFrom.cache = {};
      requireFrom.resolve = (name) => {
        throw new Error(`require.resolve('${name}') is not available in pages`);
      };
      return requireFrom;
    }

    function load(name, dir) {
      const local = transport.local(name);
      if (local !== undefined) return local;
      if (name === '@electron/remote') return remote;
      if (builtins.has(name)) return builtins.get(name);
      const found = request('require', { name, from: dir });
      if (found.kind === 'builtin') {
        const module = fromMeta(found.meta);
        builtins.set(name, module);
        return module;
      }
      const cached = modules.get(found.filename);
      if (cached) return cached.exports;
      if (found.kind === 'json') {
        const module = { exports: JSON.parse(found.source) };
        modules.set(found.filename, module);
        return module.exports;
      }
      const module = newModule(found.filename, found.filename);
      modules.set(found.filename, module);
      const moduleDir = dirnameOf(found.filename);
      try {
        const source = '(function (exports, require, module, __filename, __dirname, process, global,' +
          ' setImmediate, clearImmediate) {' + found.source + '\n})';
        const url = fileUrl(found.filename);
        const wrapper = transport.compile ? transport.compile(source, url)
                                          : (0, eval)(source + '\n//# sourceURL=' + url);
        const globals = transport.globals();
        wrapper.call(module.exports, module.exports, makeRequire(moduleDir), module, found.filename, moduleDir,
                     globals.process, globals.global, globals.setImmediate, globals.clearImmediate);
      } catch (err) {
        modules.delete(found.filename);
        throw err;
      }
      module.loaded = true;
      return module.exports;
    }

    // ---- @electron/remote -------------------------------------------------

    const remoteBuiltins = ['app', 'BrowserWindow', 'ipcMain', 'webContents', 'dialog', 'Menu', 'MenuItem',
                            'shell', 'clipboard', 'screen', 'nativeImage', 'Notification', 'session',
                            'Tray', 'process'];
    const remote = {
      require: (name) => fromMeta(request('remote-require', { name: String(name) })),
      getGlobal: (name) => fromMeta(request('global', { name: String(name) })),
      getCurrentWindow: () => fromMeta(request('current-window', {})),
      getCurrentWebContents: () => fromMeta(request('current-web-contents', {})),
      getBuiltin: (name) => fromMeta(request('builtin', { name: String(name) })),
    };
    for (const name of remoteBuiltins) {
      Object.defineProperty(remote, name, {
        get: () => fromMeta(request('builtin', { name })),
        enumerable: true,
      });
    }
    Object.freeze(remote);

    return {
      onMessage,
      require: load,
      makeRequire,
      remote,
      init: (url) => request('init', { url }),
      // A request whose answer is a value (or a promise of one).
      ask: (op, fields) => fromMeta(request(op, fields)),
    };
  }
