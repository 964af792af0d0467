// What the other bw-* apps leave out: a frameless window centred on the
// screen, WebKit's inspector as devtools, and a page that stops answering
// for a while (unresponsive, then responsive).
const { app, BrowserWindow } = require('electron');
const { fail, deadline, check, waitFor } = require('../lib/checks.js');

deadline(25000);
app.on('window-all-closed', () => {});

async function main() {
  // No position: centred on the screen, as Electron does.
  const win = new BrowserWindow({ width: 400, height: 300, frame: false });
  const moved = waitFor(win, 'move');
  await win.loadFile('index.html');
  await moved;
  const [x, y] = win.getPosition();
  const [sw, sh] = await win.webContents.executeJavaScript('[screen.width, screen.height]');
  check(Math.abs(x + 200 - sw / 2) <= 60 && Math.abs(y + 150 - sh / 2) <= 60,
        `not centred: at ${x},${y} on ${sw}x${sh}`);

  // devtools: WebKit's inspector.
  const wc = win.webContents;
  check(!wc.isDevToolsOpened(), 'devtools open from the start');
  const opened = waitFor(wc, 'devtools-opened', 5000);
  wc.openDevTools();
  await opened;
  check(wc.isDevToolsOpened(), 'isDevToolsOpened after opening');
  const closed = waitFor(wc, 'devtools-closed', 5000);
  wc.closeDevTools();
  await closed;
  check(!wc.isDevToolsOpened(), 'isDevToolsOpened after closing');

  // A page busy for 8 s is reported unresponsive, then responsive again.
  const unresponsive = waitFor(win, 'unresponsive', 8000);
  const responsive = waitFor(win, 'responsive', 16000);
  wc.executeJavaScript('const until = Date.now() + 8000; while (Date.now() < until) {} true').catch(() => {});
  await unresponsive;
  await responsive;
  check(await wc.executeJavaScript('document.title') === 'bw-extras', 'page after it was busy');
}

app.whenReady().then(main).then(() => app.exit(0), (err) => fail(err.message));
