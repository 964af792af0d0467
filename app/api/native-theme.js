// Electron's nativeTheme module (docs/api/native-theme.md of the release
// in docs/compat.md): whether the desktop prefers dark colours, as
// appd-desktop reads it (the Settings portal's color-scheme, else GTK's
// settings), and the app's own themeSource over it.  Reads are
// synchronous, as in Electron: each waits for appd's answer
// (ctx.desktop, app/desktop-binding.c), except while the app listens for
// 'updated': then the value appd last sent is kept.
//
// Takes nothing.  Returns {nativeTheme, themeChanged}: the latter is for
// daemon-events.js.
(function (require, ctx, internal) {
  'use strict';

  const EventEmitter = require('events');

  const desktop = ctx.desktop;
  const SOURCES = ['system', 'light', 'dark'];

  let source = 'system';
  // The desktop's preference while the app listens for 'updated', else
  // null (asked at each read).
  let known = null;

  const systemDark = () => (known !== null ? known : desktop.themeGet());
  const dark = () => (source === 'system' ? systemDark() : source === 'dark');

  const nativeTheme = new EventEmitter();
  Object.defineProperties(nativeTheme, {
    shouldUseDarkColors: { get: dark, enumerable: true },
    themeSource: {
      get: () => source,
      set(value) {
        if (!SOURCES.includes(value))
          throw new TypeError(`themeSource must be one of ${SOURCES.map((s) => `'${s}'`).join(', ')}`);
        if (value === source) return;
        source = value;
        nativeTheme.emit('updated');
      },
      enumerable: true,
    },
    // macOS and Windows only in Electron: false on Linux.
    shouldUseHighContrastColors: { get: () => false, enumerable: true },
    shouldUseDarkColorsForSystemIntegratedUI: { get: () => false, enumerable: true },
    shouldUseInvertedColorScheme: { get: () => false, enumerable: true },
    inForcedColorsMode: { get: () => false, enumerable: true },
    prefersReducedTransparency: { get: () => false, enumerable: true },
  });

  nativeTheme.on('newListener', (name) => {
    if (name !== 'updated' || known !== null) return;
    desktop.themeWatch(true);
    known = desktop.themeGet();
  });
  nativeTheme.on('removeListener', (name) => {
    if (name !== 'updated' || known === null || nativeTheme.listenerCount('updated') > 0) return;
    known = null;
    desktop.themeWatch(false);
  });

  // appd-desktop said the desktop's preference changed.
  function themeChanged() {
    if (known === null) return;
    const now = desktop.themeGet();
    if (now === known) return;
    known = now;
    if (source === 'system') nativeTheme.emit('updated');
  }

  return { nativeTheme, themeChanged };
});
