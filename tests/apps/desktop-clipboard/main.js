// Checks the clipboard module against other X clients (tests/gui/test-desktop.c
// runs xclip before and after) and exits 0 when all holds, 1 otherwise.
// The first argument says what to check:
//   read     xclip put "from xclip ✓" on the clipboard and "<b>primary</b>"
//            as text/html on the selection; then writes for xclip to read
//   clear    clears the clipboard, which held the app's text
//   limits   bad and oversized input; images; the round trip's cost
//   crash    the first read is cut short by appd-desktop's end
//   clear-only  clears the clipboard
//   events   appd's events that arrive while a call waits still come
//   no-desktop  appd-desktop cannot start (appd runs /bin/false instead)
const { app, BrowserWindow, clipboard, nativeImage } = require('electron');
const { thrown } = require('../lib/checks.js');
const zlib = require('zlib');

const failures = [];
const check = (what, ok) => { if (!ok) failures.push(what); };
const mode = process.argv[2];

// A PNG of width x height opaque red pixels.
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([255, 0, 0]))]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

function read() {
  check(`readText: ${JSON.stringify(clipboard.readText())}`, clipboard.readText() === 'from xclip ✓');
  check('readText("clipboard")', clipboard.readText('clipboard') === 'from xclip ✓');
  check('availableFormats has text/plain', clipboard.availableFormats().includes('text/plain'));
  check('has text/plain', clipboard.has('text/plain'));
  check(`no html on the clipboard: ${JSON.stringify(clipboard.readHTML())} ${clipboard.availableFormats()}`, clipboard.readHTML() === '' && !clipboard.has('text/html'));
  const html = clipboard.readHTML('selection');
  check(`readHTML("selection"): ${JSON.stringify(html)}`, html === '<b>primary</b>');
  check('selection formats', clipboard.availableFormats('selection').includes('text/html'));
  check('has text/html on the selection', clipboard.has('text/html', 'selection'));

  // What xclip reads next (the test checks).
  clipboard.writeText('from app ✓');
  clipboard.write({ text: 'plain', html: '<i>html</i>' }, 'selection');
  check('own text back', clipboard.readText() === 'from app ✓');
  check('own html back', clipboard.readHTML('selection') === '<i>html</i>');
  check('own text on the selection', clipboard.readText('selection') === 'plain');
  check('own formats', ['text/plain', 'text/html'].every((f) => clipboard.availableFormats('selection').includes(f)));
}

function clear() {
  check('text before clear', clipboard.readText() === 'from app ✓');
  clipboard.clear();
  check(`formats after clear: ${clipboard.availableFormats()}`, clipboard.availableFormats().length === 0);
  check('text after clear', clipboard.readText() === '');
}

function limits() {
  const big = thrown(() => clipboard.writeText('x'.repeat(32 * 1024 * 1024 + 1)));
  check(`oversized write refused: ${big && big.code}`, big && big.code === 'org.appd.Appd1.Error.TooLarge' &&
        /32|33554432/.test(big.message));
  const split = thrown(() => clipboard.write({ text: 'x'.repeat(20 * 1024 * 1024), html: 'y'.repeat(20 * 1024 * 1024) }));
  check('oversized in all refused', split && split.code === 'org.appd.Appd1.Error.TooLarge');
  // Exactly at the limit is taken.
  clipboard.writeBuffer('application/x-appd-test', Buffer.alloc(32 * 1024 * 1024, 0x61));
  check('limit-sized write read back', clipboard.readBuffer('application/x-appd-test').length === 32 * 1024 * 1024);
  const bad = thrown(() => clipboard.readBuffer('no-slash'));
  check(`bad format refused: ${bad && bad.message}`, bad && bad.code === 'org.freedesktop.DBus.Error.InvalidArgs');
  const spaced = thrown(() => clipboard.writeBuffer('text/has space', Buffer.from('x')));
  check('format with a space refused', spaced && spaced.code === 'org.freedesktop.DBus.Error.InvalidArgs');
  check('text type checked', thrown(() => clipboard.writeText(42)) instanceof TypeError);
  check('buffer type checked', thrown(() => clipboard.writeBuffer('a/b', 'not a buffer')) instanceof TypeError);
  check('writeImage takes a NativeImage', thrown(() => clipboard.writeImage(png(1, 1))) instanceof TypeError);
  const notPng = thrown(() => clipboard.writeBuffer('image/png', Buffer.from('not a png')));
  check(`not a PNG refused: ${notPng && notPng.message}`, notPng && notPng.code === 'org.freedesktop.DBus.Error.InvalidArgs');

  // Images, as PNG.
  clipboard.writeImage(nativeImage.createFromBuffer(png(3, 2)));
  const image = clipboard.readImage();
  check(`image size ${JSON.stringify(image.getSize())}`, image.getSize().width === 3 && image.getSize().height === 2);
  check('image not empty', !image.isEmpty());
  check('image is a PNG', image.toPNG().subarray(1, 4).toString('latin1') === 'PNG');
  check('image data URL', image.toDataURL().startsWith('data:image/png;base64,'));
  check('image format', clipboard.has('image/png'));
  clipboard.writeImage(nativeImage.createFromBuffer(png(1, 1)), 'selection');
  check('image written to the selection', clipboard.readImage('selection').getSize().width === 1);
  clipboard.writeText('no image');
  check('no image: empty', clipboard.readImage().isEmpty() && clipboard.readImage().getSize().width === 0);

  // RTF and buffers.
  clipboard.writeRTF('{\\rtf1 hi}');
  check('rtf', clipboard.readRTF() === '{\\rtf1 hi}');
  clipboard.writeBuffer('application/x-appd-bytes', Buffer.from([0, 1, 2, 255]));
  check('buffer', clipboard.readBuffer('application/x-appd-bytes').equals(Buffer.from([0, 1, 2, 255])));
  check('read(format)', (clipboard.writeBuffer('text/x-appd', Buffer.from('é')), clipboard.read('text/x-appd') === 'é'));

  // What one synchronous call costs.
  const n = 500;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) clipboard.readText();
  const perCall = Number(process.hrtime.bigint() - start) / n / 1000;
  console.log(`clipboard.readText round trip: ${perCall.toFixed(0)} µs`);
  const cursorStart = process.hrtime.bigint();
  for (let i = 0; i < n; i++) clipboard.availableFormats();
  console.log(`clipboard.availableFormats round trip: ${(Number(process.hrtime.bigint() - cursorStart) / n / 1000).toFixed(0)} µs`);
}

function crash() {
  // appd-desktop is killed while it waits for the clipboard's owner.
  const err = thrown(() => clipboard.readText());
  check(`the cut-short read fails clearly: ${err && err.code}: ${err && err.message}`,
        err && err.code === 'org.appd.Appd1.Error.DesktopFailed' && /appd-desktop/.test(err.message));
  clipboard.writeText('after the crash');
  check('a new appd-desktop answers', clipboard.readText() === 'after the crash');
}

function noDesktop() {
  const errors = Array.from({ length: 6 }, () => thrown(() => clipboard.readText()));
  check(`every call fails clearly: ${errors.map((e) => e && e.message).join(' | ')}`,
        errors.every((e) => e && e.code === 'org.appd.Appd1.Error.DesktopFailed' && /appd-desktop/.test(e.message)));
  check('started five times, then given up on for a while',
        errors.slice(0, 5).every((e) => e && !/keeps failing/.test(e.message)) &&
        /keeps failing to start/.test(errors[5] && errors[5].message));
}

// A window's events arrive while the app is in one clipboard call after
// another; they must still reach it, when nothing else comes on the link.
function events() {
  return new Promise((resolve) => {
    const win = new BrowserWindow({ show: false });
    let calls = 0;
    let shown = false;
    const timer = setTimeout(() => {
      check(`ready-to-show while in clipboard calls (${calls} calls)`, false);
      resolve();
    }, 20000);
    win.once('ready-to-show', () => {
      shown = true;
    });
    const busy = () => {
      if (shown) {
        clearTimeout(timer);
        check('calls were made', calls > 0);
        resolve();
        return;
      }
      clipboard.readText();
      calls++;
      setImmediate(busy);
    };
    win.loadURL('data:text/html,<p>hello</p>');
    busy();
  });
}

app.whenReady().then(async () => {
  if (mode === 'events') {
    await events();
    if (failures.length) console.error('failed: ' + failures.join(', '));
    app.exit(failures.length ? 1 : 0);
    return;
  }
  const run = { read, clear, limits, crash, 'no-desktop': noDesktop, 'clear-only': () => clipboard.clear() }[mode];
  if (!run) failures.push(`unknown mode ${mode}`);
  else {
    try {
      run();
    } catch (err) {
      failures.push(`threw: ${err.stack}`);
    }
  }
  if (failures.length) console.error('failed: ' + failures.join(', '));
  app.exit(failures.length ? 1 : 0);
});
