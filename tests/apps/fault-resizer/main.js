// A window with appd.stateKey that resizes itself in a loop, for
// tests/fault/appd-fault.  Appends to --out one line per fact:
//   "start X Y W H"   the window's bounds when it was made (remembered ones
//                     when appd had some for stateKey 'main')
//   "set X Y W H"     bounds it is about to ask for with setBounds
//   "bounds X Y W H"  bounds it set, written after the 'resize' event
//                     confirmed them
// Sizes and pauses come from --seed; runs until asked to quit.
const { app, BrowserWindow } = require('electron');
const fs = require('fs');

const option = (name, fallback) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
};
const out = option('out', null);
let seed = Number(option('seed', '1')) >>> 0 || 1;

// xorshift32: the same sizes for the same seed.
function random(n) {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed % n;
}

function write(what, b) {
  const line = `${what} ${b.x} ${b.y} ${b.width} ${b.height}\n`;
  if (out) fs.appendFileSync(out, line);
}

function resized(win, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      win.removeListener('resize', on);
      reject(new Error(`no 'resize' within ${ms} ms`));
    }, ms);
    function on() {
      clearTimeout(timer);
      resolve();
    }
    win.once('resize', on);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

app.on('window-all-closed', () => {});
app.whenReady().then(async () => {
  const win = new BrowserWindow({ x: 40, y: 50, width: 400, height: 300, appd: { stateKey: 'main' } });
  write('start', win.getBounds());
  await win.loadFile('index.html');
  for (;;) {
    const now = win.getBounds();
    let width, height;
    do {
      width = 200 + random(400);
      height = 150 + random(300);
    } while (width === now.width && height === now.height);
    const done = resized(win, 5000);
    write('set', { x: now.x, y: now.y, width, height });
    win.setBounds({ width, height });
    try {
      await done;
    } catch (err) {
      console.log(err.message);
      continue;
    }
    write('bounds', win.getBounds());
    await sleep(random(400));
  }
});
