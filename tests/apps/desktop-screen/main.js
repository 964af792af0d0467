// Checks the screen module under the Xvfb of tests/run-in-session.sh
// (1280x800, one screen, no window manager) and exits 0 when all holds, 1
// otherwise.  Arguments: the pointer's x and y (tests/gui/test-desktop.c
// put it there).
const { app, screen } = require('electron');
const { thrown } = require('../lib/checks.js');

const failures = [];
const check = (what, ok) => { if (!ok) failures.push(what); };
const [cursorX, cursorY] = process.argv.slice(2).map(Number);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

check('an EventEmitter', typeof screen.on === 'function');
check('not before ready', /ready/.test(String(thrown(() => screen.getPrimaryDisplay()))));

app.whenReady().then(() => {
  const primary = screen.getPrimaryDisplay();
  const all = screen.getAllDisplays();
  const bounds = { x: 0, y: 0, width: 1280, height: 800 };
  check(`bounds ${JSON.stringify(primary.bounds)}`, same(primary.bounds, bounds));
  check(`size ${JSON.stringify(primary.size)}`, same(primary.size, { width: 1280, height: 800 }));
  // No window manager: no panels, the work area is the screen.
  check(`workArea ${JSON.stringify(primary.workArea)}`, same(primary.workArea, bounds));
  check('workAreaSize', same(primary.workAreaSize, { width: 1280, height: 800 }));
  check('scaleFactor', primary.scaleFactor === 1);
  check('rotation', primary.rotation === 0);
  check('id', Number.isInteger(primary.id) && primary.id > 0);
  check('label', typeof primary.label === 'string');
  check('colorDepth', primary.colorDepth === 24 && primary.depthPerComponent === 8);
  check('monochrome', primary.monochrome === false);
  check('internal', primary.internal === false);
  check('touchSupport', primary.touchSupport === 'unknown' && primary.accelerometerSupport === 'unknown');
  check('displayFrequency', typeof primary.displayFrequency === 'number' && primary.displayFrequency >= 0);
  check('detected', primary.detected === true);
  check('nativeOrigin', same(primary.nativeOrigin, { x: 0, y: 0 }));
  check(`one display: ${all.length}`, all.length === 1 && all[0].id === primary.id);
  check('nearest to a far point', screen.getDisplayNearestPoint({ x: 5000, y: -300 }).id === primary.id);
  check('matching', screen.getDisplayMatching({ x: 100, y: 100, width: 50, height: 50 }).id === primary.id);
  check('matching outside', screen.getDisplayMatching({ x: -500, y: -500, width: 10, height: 10 }).id === primary.id);
  check('screenToDipPoint', same(screen.screenToDipPoint({ x: 10, y: 20 }), { x: 10, y: 20 }));
  check('dipToScreenPoint', same(screen.dipToScreenPoint({ x: 10, y: 20 }), { x: 10, y: 20 }));
  check('bad point', thrown(() => screen.getDisplayNearestPoint({ x: 'a' })) instanceof TypeError);
  check('bad rect', thrown(() => screen.getDisplayMatching(null)) instanceof TypeError);
  const cursor = screen.getCursorScreenPoint();
  check(`cursor ${JSON.stringify(cursor)}`, same(cursor, { x: cursorX, y: cursorY }));

  // Listening asks appd for display changes (Xvfb's layout cannot change
  // here, so none come); no longer listening stops them.
  const onAdded = () => failures.push('a display was added');
  screen.on('display-added', onAdded);
  screen.on('display-metrics-changed', onAdded);
  screen.removeListener('display-added', onAdded);
  screen.removeListener('display-metrics-changed', onAdded);
  check('still answers after watching', screen.getAllDisplays().length === 1);

  const start = process.hrtime.bigint();
  for (let i = 0; i < 200; i++) screen.getAllDisplays();
  console.log(`screen.getAllDisplays round trip: ${(Number(process.hrtime.bigint() - start) / 200 / 1000).toFixed(0)} µs`);

  if (failures.length) console.error('failed: ' + failures.join(', '));
  app.exit(failures.length ? 1 : 0);
});
