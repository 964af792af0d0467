// Bad arguments throw what Electron throws; destroyed windows refuse
// every call but isDestroyed() and destroy().
const { app, BrowserWindow, webContents } = require('electron');
const { fail, deadline } = require('../lib/checks.js');

deadline(10000);
app.on('window-all-closed', () => {});

function throws(fn, type, message, what) {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof type)) throw new Error(`${what}: threw ${err.name}, want ${type.name}`);
    if (err.message !== message) throw new Error(`${what}: message '${err.message}', want '${message}'`);
    return;
  }
  throw new Error(`${what}: did not throw`);
}

const conversion = (index, from) => `Error processing argument at index ${index}, conversion failure from ${from}`;

let early = null;
try {
  new BrowserWindow();
} catch (err) {
  early = err;
}

async function main() {
  if (!early || early.message !== 'Cannot create BrowserWindow before app is ready')
    throw new Error(`BrowserWindow before ready: ${early && early.message}`);

  const win = new BrowserWindow({ show: false });
  throws(() => win.setBounds('x'), TypeError, conversion(0, 'x'), 'setBounds(string)');
  throws(() => win.setBounds({ width: 'wide' }), TypeError, conversion(0, '#<Object>'), 'setBounds bad width');
  throws(() => win.setSize('a', 1), TypeError, conversion(0, 'a'), 'setSize(string)');
  throws(() => win.setSize(1, null), TypeError, conversion(1, 'null'), 'setSize(1, null)');
  throws(() => win.setSize(1), TypeError, 'Insufficient number of arguments.', 'setSize(1)');
  throws(() => win.setPosition(1, 'b'), TypeError, conversion(1, 'b'), 'setPosition');
  throws(() => win.setMinimumSize([1], 2), TypeError, conversion(0, '1'), 'setMinimumSize');
  throws(() => win.setTitle(42), TypeError, conversion(0, '42'), 'setTitle(number)');
  throws(() => win.setBackgroundColor(7), TypeError, conversion(0, '7'), 'setBackgroundColor');
  throws(() => win.setProgressBar('half'), TypeError, conversion(0, 'half'), 'setProgressBar');
  throws(() => win.setIcon(5), TypeError, conversion(0, '5'), 'setIcon');
  throws(() => win.setParentWindow('x'), TypeError, conversion(0, 'x'), 'setParentWindow');
  throws(() => win.webContents.setZoomFactor(0), Error, "'zoomFactor' must be a double greater than 0.0", 'setZoomFactor(0)');
  throws(() => win.webContents.setZoomFactor('big'), TypeError, conversion(0, 'big'), 'setZoomFactor(string)');
  throws(() => win.webContents.setUserAgent(1), TypeError, conversion(0, '1'), 'setUserAgent');
  throws(() => win.webContents.setWindowOpenHandler('no'), TypeError, conversion(0, 'no'), 'setWindowOpenHandler');
  throws(() => new BrowserWindow({ appd: { stateKey: '' } }), TypeError,
         'appd.stateKey must be a string of 1 to 256 bytes', 'empty stateKey');
  const badLoad = await win.loadURL('').then(() => null, (err) => err);
  if (!badLoad || badLoad.code !== 'ERR_INVALID_URL') throw new Error(`loadURL(''): ${badLoad}`);

  if (BrowserWindow.fromId(999999) !== null) throw new Error('fromId(unknown) is not null');
  if (webContents.fromId(999999) !== undefined) throw new Error('webContents.fromId(unknown) is not undefined');
  if (BrowserWindow.fromId(win.id) !== win) throw new Error('fromId');
  if (BrowserWindow.fromWebContents(win.webContents) !== win) throw new Error('fromWebContents');

  const wc = win.webContents;
  win.destroy();
  if (!win.isDestroyed() || !wc.isDestroyed()) throw new Error('isDestroyed after destroy');
  win.destroy();
  const destroyed = 'Object has been destroyed';
  for (const [what, fn] of [
    ['getBounds', () => win.getBounds()],
    ['setBounds', () => win.setBounds({ x: 1 })],
    ['show', () => win.show()],
    ['close', () => win.close()],
    ['setTitle', () => win.setTitle('x')],
    ['maximize', () => win.maximize()],
    ['getURL', () => wc.getURL()],
    ['executeJavaScript', () => wc.executeJavaScript('1')],
    ['reload', () => wc.reload()],
  ]) throws(fn, TypeError, destroyed, `${what} on a destroyed window`);
  if (BrowserWindow.fromId(win.id) !== null) throw new Error('fromId finds a destroyed window');
}

app.whenReady().then(main).then(() => app.exit(0), (err) => fail(err.message));
