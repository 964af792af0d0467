// Electron's dialog module (docs/api/dialog.md), its file choosers:
// showOpenDialog, showSaveDialog and their Sync variants, through
// xdg-desktop-portal's FileChooser on the app's own session bus
// connection, parented to the app's window (`x11:<XID>`, which appd sends
// with window-ready).  The Sync variants block the main script until the
// user answers, as Electron's block its main process; appd is never
// waited on.  Message boxes are not here.
//
// Takes BrowserWindow, isReady and sessionBus; returns {dialog}.
(function (require, ctx, internal) {
  'use strict';

  const crypto = require('crypto');
  const path = require('path');
  const url = require('url');

  const { BrowserWindow, isReady, sessionBus } = internal;

  const PORTAL = 'org.freedesktop.portal.Desktop';
  const PORTAL_PATH = '/org/freedesktop/portal/desktop';
  const FILE_CHOOSER = 'org.freedesktop.portal.FileChooser';

  // ([window, ]options), as Electron's lib/browser/api/dialog.ts reads it.
  function readArgs(window, options, defaults) {
    if (!isReady()) throw new Error('dialog module can only be used after app is ready');
    if (window && !(window instanceof BrowserWindow)) {
      options = window;
      window = null;
    }
    if (options == null) options = defaults;
    const { buttonLabel = '', defaultPath = '', filters = [], properties = [], title = '',
            message = '', nameFieldLabel = '' } = options;
    if (!Array.isArray(properties)) throw new TypeError('Properties must be an array');
    if (typeof title !== 'string') throw new TypeError('Title must be a string');
    if (typeof buttonLabel !== 'string') throw new TypeError('Button label must be a string');
    if (typeof defaultPath !== 'string') throw new TypeError('Default path must be a string');
    if (typeof message !== 'string') throw new TypeError('Message must be a string');
    if (typeof nameFieldLabel !== 'string') throw new TypeError('Name field label must be a string');
    if (!Array.isArray(filters)) throw new TypeError('Filters must be an array');
    return { window, buttonLabel, defaultPath, filters, properties, title };
  }

  function parentWindow(window) {
    const xid = window && !window.isDestroyed() ? window._xid : 0;
    return xid ? `x11:${xid.toString(16)}` : '';
  }

  // A path as the portal takes it: bytes ending in NUL.
  function pathBytes(p) {
    return Buffer.concat([Buffer.from(p), Buffer.from([0])]);
  }

  // Electron's filters: [{name, extensions: ['js', '*']}] → a(sa(us)).
  function portalFilters(filters) {
    return filters
      .filter((f) => f && typeof f.name === 'string' && Array.isArray(f.extensions))
      .map((f) => [f.name, f.extensions.map((e) => [0, e === '*' ? '*' : `*.${e}`])]);
  }

  function chooserOptions(kind, a) {
    const options = { modal: ['b', true] };
    if (a.buttonLabel) options.accept_label = ['s', a.buttonLabel];
    const filters = portalFilters(a.filters);
    if (filters.length) options.filters = ['a(sa(us))', filters];
    if (kind === 'OpenFile') {
      if (a.properties.includes('multiSelections')) options.multiple = ['b', true];
      if (a.properties.includes('openDirectory')) options.directory = ['b', true];
      if (a.defaultPath) options.current_folder = ['ay', pathBytes(path.resolve(a.defaultPath))];
    } else if (a.defaultPath) {
      const full = path.resolve(a.defaultPath);
      // A folder, a name, or a folder and a name.
      if (a.defaultPath.endsWith('/')) {
        options.current_folder = ['ay', pathBytes(full)];
      } else {
        options.current_name = ['s', path.basename(full)];
        options.current_folder = ['ay', pathBytes(path.dirname(full))];
      }
    }
    return options;
  }

  function chosenPaths(results) {
    const uris = Array.isArray(results && results.uris) ? results.uris : [];
    return uris.filter((u) => u.startsWith('file:')).map((u) => url.fileURLToPath(u));
  }

  // response 0: chosen; 1: cancelled; 2: the portal could not.
  function answer(response, results) {
    return { canceled: response !== 0, filePaths: response === 0 ? chosenPaths(results) : [] };
  }

  async function choose(kind, a) {
    const { response, results } = await sessionBus.portalRequest(
      FILE_CHOOSER, kind, 'ssa{sv}', [parentWindow(a.window), a.title, chooserOptions(kind, a)]);
    return answer(response, results);
  }

  // The same, waiting here: the Response's watch is in place before the
  // call, and busWait takes its signal out of the loop's hands.
  function chooseSync(kind, a) {
    ctx.bus.callSync('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
                     'GetId', '', [], 0);
    const token = `appd_${crypto.randomBytes(8).toString('hex')}`;
    const sender = ctx.bus.uniqueName().replace(/^:/, '').replace(/\./g, '_');
    const requestPath = `${PORTAL_PATH}/request/${sender}/${token}`;
    const options = { ...chooserOptions(kind, a), handle_token: ['s', token] };
    let id = ctx.bus.match(null, requestPath, 'org.freedesktop.portal.Request', 'Response', true,
                           () => {});
    try {
      const [handle] = ctx.bus.callSync(PORTAL, PORTAL_PATH, FILE_CHOOSER, kind, 'ssa{sv}',
                                        [parentWindow(a.window), a.title, options], 0);
      if (handle !== requestPath) {
        ctx.bus.unmatch(id);
        id = ctx.bus.match(null, handle, 'org.freedesktop.portal.Request', 'Response', true,
                           () => {});
      }
      const [response, results] = ctx.bus.wait(id);
      return answer(response, results);
    } finally {
      ctx.bus.unmatch(id);
    }
  }

  const OPEN_DEFAULTS = { title: 'Open', properties: ['openFile'] };
  const SAVE_DEFAULTS = { title: 'Save' };

  const dialog = {
    showOpenDialog(window, options) {
      const a = readArgs(window, options, OPEN_DEFAULTS);
      return choose('OpenFile', a);
    },
    showOpenDialogSync(window, options) {
      const a = readArgs(window, options, OPEN_DEFAULTS);
      const { canceled, filePaths } = chooseSync('OpenFile', a);
      return canceled ? undefined : filePaths;
    },
    showSaveDialog(window, options) {
      const a = readArgs(window, options, SAVE_DEFAULTS);
      return choose('SaveFile', a).then(({ canceled, filePaths }) =>
        ({ canceled, filePath: canceled ? '' : filePaths[0] || '' }));
    },
    showSaveDialogSync(window, options) {
      const a = readArgs(window, options, SAVE_DEFAULTS);
      const { canceled, filePaths } = chooseSync('SaveFile', a);
      return canceled ? '' : filePaths[0] || '';
    },
  };

  return { dialog };
});
