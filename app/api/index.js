// The electron module an app's main script gets from require('electron'),
// following Electron's documented API.  It runs in the app's own process
// (appd-app) and talks to the daemon in the messages of docs/js-messages.md.
//
// Its files are in app/api/: one per module of Electron's API, as in
// Electron's lib/browser/api/, and some for what those share.
// bootstrap.js evaluates each to a factory, function (require, ctx,
// internal), and calls this one as (require, ctx, factories), factories by
// file name.  ctx carries the app's identity, and ctx.post(message[,
// bytes]) sends to the daemon.  internal holds what the files before have
// returned: each file takes what it needs from it and returns what it
// offers the files after it, as its header says.
(function (require, ctx, factories) {
  'use strict';

  // In this order: a file takes what the ones before it returned.
  const FILES = ['event', 'arguments', 'colour', 'app', 'web-frame-main', 'ipc-main',
                 'web-contents', 'window-options', 'browser-window'];

  // The app's BrowserWindows by id, until each is destroyed.
  const internal = { windows: new Map() };
  for (const file of FILES) {
    for (const [name, value] of Object.entries(factories[file](require, ctx, internal))) {
      if (Object.hasOwn(internal, name)) throw new Error(`api/${file}.js: '${name}' is taken`);
      internal[name] = value;
    }
  }
  const { app, emitReady, ipcMain, handleIpc, setInternalChannel, webContents, settleCall,
          BrowserWindow, windowGone, windows } = internal;

  // ---- daemon events ----------------------------------------------------

  function onDaemonEvent(msg) {
    if (!msg || typeof msg !== 'object') return;
    if (msg.ev === 'quit') {
      app.quit();
      return;
    }
    if (msg.ev === 'error') {
      console.error(`appd: ${msg.message}`);
      return;
    }
    if (msg.ev === 'wc-reply') {
      settleCall(msg);
      return;
    }
    const win = windows.get(msg.id);
    if (!win) return;
    const wc = win.webContents;
    switch (msg.ev) {
      case 'window-ready':
        wc._rendererGone = false;
        break;
      case 'load':
        wc._onLoad(msg);
        break;
      case 'load-failed':
        wc._onLoadFailed(msg);
        break;
      case 'title':
        wc._onTitle(String(msg.title));
        break;
      case 'close-requested':
        win.close();
        break;
      case 'closed':
        windowGone(win);
        break;
      case 'renderer-gone':
        // The window stays; the next load starts a new renderer in it.
        wc._rendererGone = true;
        wc._gone(String(msg.reason || 'crashed'), msg.exitCode | 0);
        break;
      case 'window-state':
        win._onState(msg.state);
        break;
      case 'wc-event':
        wc._onEvent(String(msg.name), msg.details && typeof msg.details === 'object' ? msg.details : {});
        break;
      default:
        break;
    }
  }

  function dispatch(msg) {
    if (!msg || typeof msg !== 'object') return;
    if (msg.t === 'ev') {
      let event;
      try {
        event = JSON.parse(msg.json);
      } catch (err) {
        console.error(`appd: malformed event from the daemon: ${err.message}`);
        return;
      }
      onDaemonEvent(event);
    } else if (msg.t === 'ipc') {
      const win = windows.get(msg.id);
      if (win) handleIpc(win.webContents, msg);
    }
  }

  return {
    exports: { app, BrowserWindow, ipcMain, webContents },
    setInternalChannel,
    dispatch,
    emitReady,
  };
});
