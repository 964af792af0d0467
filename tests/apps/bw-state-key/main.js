// appd's stateKey: bounds remembered across runs.  Run with 'save', then
// with 'check'.
const { app, BrowserWindow } = require('electron');
const { fail, deadline } = require('../lib/checks.js');

deadline(10000);
app.on('window-all-closed', () => {});

const mode = process.argv.slice(2).find((a) => a === 'save' || a === 'check');
const want = { x: 120, y: 130, width: 500, height: 400 };

function waitFor(emitter, name, ms = 3000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${name}' within ${ms} ms`)), ms);
    emitter.once(name, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

async function save() {
  const win = new BrowserWindow({ x: 10, y: 10, width: 300, height: 200, appd: { stateKey: 'main' } });
  await win.loadFile('index.html');
  const resized = waitFor(win, 'resize');
  win.setBounds(want);
  await resized;
  const closed = waitFor(win, 'closed');
  win.close();
  await closed;
}

async function check() {
  const win = new BrowserWindow({ x: 10, y: 10, width: 300, height: 200, appd: { stateKey: 'main' } });
  const got = win.getBounds();
  if (JSON.stringify(got) !== JSON.stringify(want))
    throw new Error(`remembered bounds ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  if (win.isMaximized()) throw new Error('remembered as maximized');
  // A window without the key starts as asked.
  const other = new BrowserWindow({ x: 10, y: 10, width: 300, height: 200, show: false });
  if (other.getSize().join() !== '300,200') throw new Error(`a window without stateKey: ${other.getSize()}`);
  win.destroy();
  other.destroy();
}

app.whenReady()
  .then(() => {
    if (mode === 'save') return save();
    if (mode === 'check') return check();
    throw new Error("run with 'save' or 'check'");
  })
  .then(() => app.exit(0), (err) => fail(err.message));
