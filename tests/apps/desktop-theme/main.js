// Checks nativeTheme and exits 0 when all holds, 1 otherwise.  The desktop
// prefers no colour scheme when it starts; once the app listens for
// 'updated' it writes <dir>/listening (the first argument), and
// tests/gui/test-desktop.c then switches the desktop to dark
// (org.gnome.desktop.interface color-scheme, which the Settings portal
// reports).
const { app, nativeTheme } = require('electron');
const fs = require('fs');
const path = require('path');
const { thrown, waitFor } = require('../lib/checks.js');

const failures = [];
const check = (what, ok) => { if (!ok) failures.push(what); };
const dir = process.argv[2];

app.whenReady().then(async () => {
  check('system light at first', nativeTheme.shouldUseDarkColors === false);
  check('themeSource system', nativeTheme.themeSource === 'system');
  check('no high contrast on Linux', nativeTheme.shouldUseHighContrastColors === false);
  check('no inverted scheme on Linux', nativeTheme.shouldUseInvertedColorScheme === false);
  check('no forced colours on Linux', nativeTheme.inForcedColorsMode === false);

  let updates = 0;
  const count = () => updates++;
  nativeTheme.on('updated', count);
  nativeTheme.themeSource = 'dark';
  check('dark source', nativeTheme.shouldUseDarkColors === true && updates === 1);
  nativeTheme.themeSource = 'dark';
  check('same source: no update', updates === 1);
  nativeTheme.themeSource = 'light';
  check('light source', nativeTheme.shouldUseDarkColors === false && updates === 2);
  check('bad source', thrown(() => { nativeTheme.themeSource = 'purple'; }) instanceof TypeError &&
        nativeTheme.themeSource === 'light');
  nativeTheme.themeSource = 'system';
  check('back to system', nativeTheme.shouldUseDarkColors === false && updates === 3);

  // The desktop goes dark.
  const updated = waitFor(nativeTheme, 'updated', 20000);
  fs.writeFileSync(path.join(dir, 'listening'), '');
  try {
    await updated;
    check('dark after the desktop changed', nativeTheme.shouldUseDarkColors === true);
  } catch (err) {
    check(err.message, false);
  }
  nativeTheme.removeListener('updated', count);
  check('asked again after listening', nativeTheme.shouldUseDarkColors === true);

  if (failures.length) console.error('failed: ' + failures.join(', '));
  app.exit(failures.length ? 1 : 0);
});
