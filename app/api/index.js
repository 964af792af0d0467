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
  const FILES = ['event', 'arguments', 'properties', 'colour', 'native-image', 'app', 'web-frame-main',
                 'ipc-main', 'web-contents', 'window-options', 'browser-window', 'menu-item', 'menu',
                 'clipboard', 'screen', 'native-theme', 'daemon-events', 'session-bus', 'shell',
                 'notification', 'dialog'];

  // The app's BrowserWindows by id, until each is destroyed.
  const internal = { windows: new Map() };
  for (const file of FILES) {
    for (const [name, value] of Object.entries(factories[file](require, ctx, internal))) {
      if (Object.hasOwn(internal, name)) throw new Error(`api/${file}.js: '${name}' is taken`);
      internal[name] = value;
    }
  }

  const { app, BrowserWindow, ipcMain, webContents, Menu, MenuItem, nativeImage, clipboard, screen,
          nativeTheme, shell, Notification, dialog, setInternalChannel, dispatch, emitReady } =
    internal;
  const exports = { app, BrowserWindow, ipcMain, webContents, Menu, MenuItem, nativeImage, clipboard,
                    screen, nativeTheme, shell, Notification, dialog };
  // require('electron/common'): the modules Electron shares between its
  // processes, those of them that are here.
  const common = {};
  for (const name of ['clipboard', 'crashReporter', 'nativeImage', 'shell'])
    if (exports[name] !== undefined) common[name] = exports[name];
  return {
    exports,
    common,
    setInternalChannel,
    dispatch,
    hasWindow: (id) => internal.windows.has(id),
    emitReady,
  };
});
