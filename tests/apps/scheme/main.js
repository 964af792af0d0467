// The app:// scheme serves the app's folder and nothing outside it.
const { app, BrowserWindow } = require('electron');
const fs = require('fs');
const path = require('path');

const fail = (why) => { console.error(`FAIL: ${why}`); app.exit(1); };
setTimeout(() => fail('timed out'), 30000);

// The test copies this app to a temporary folder and adds link-out there:
// a symlink to a folder outside the app holding secret.html.
if (!fs.existsSync(path.join(__dirname, 'link-out', 'secret.html'))) {
  console.error('FAIL: link-out/secret.html is missing (run this app through the GUI test)');
  process.exit(1);
}

async function mustFail(win, url) {
  let code = null;
  const onFail = (_e, errorCode) => { code = errorCode; };
  win.webContents.once('did-fail-load', onFail);
  try {
    await win.loadURL(url);
  } catch (e) {
    if (code === null) return fail(`no did-fail-load for ${url}`);
    return;
  }
  fail(`${url} loaded; title ${win.webContents.getTitle?.()}`);
}

app.whenReady().then(async () => {
  const win = new BrowserWindow({ show: false });
  await win.loadFile('page.html');
  await win.loadFile('sub/inner.html', { query: { a: '1' }, hash: 'top' });
  if (!win.webContents.getURL().startsWith('app://')) fail(`not app:// but ${win.webContents.getURL()}`);
  await mustFail(win, 'app://scheme/../../../etc/hostname');
  await mustFail(win, 'app://scheme/%2e%2e/%2e%2e/%2e%2e/etc/hostname');
  await mustFail(win, 'app://scheme/sub/%2E%2E%2F%2E%2E%2F..%2Fetc%2Fhostname');
  await mustFail(win, 'app://scheme/link-out/secret.html');
  await mustFail(win, 'app://scheme/no-such-file.html');
  let rejected = false;
  try { await win.loadFile('../exit-code/main.js'); } catch { rejected = true; }
  if (!rejected) fail('loadFile outside the app folder was not rejected');
  app.exit(0);
});
