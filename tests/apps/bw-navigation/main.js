// will-navigate can stop a navigation the page starts; window.open goes
// through setWindowOpenHandler, and without one opens a new BrowserWindow.
const { app, BrowserWindow } = require('electron');
const { fail, deadline, check, waitFor, sleep } = require('../lib/checks.js');

deadline(10000);
app.on('window-all-closed', () => {});

async function main() {
  const win = new BrowserWindow({ width: 400, height: 300 });
  const wc = win.webContents;
  await win.loadFile('index.html');
  const first = wc.getURL();

  // Prevented: the page stays.
  wc.once('will-navigate', (event) => event.preventDefault());
  let asked = waitFor(wc, 'will-navigate');
  await wc.executeJavaScript('setTimeout(() => { location.href = "page2.html?blocked"; }, 0); true');
  let [event, url] = await asked;
  check(url.endsWith('page2.html?blocked') && event.url === url, `will-navigate url ${url}`);
  await sleep(300);
  check(wc.getURL() === first, `navigated though prevented: ${wc.getURL()}`);
  check(await wc.executeJavaScript('document.body.textContent.trim()') === 'first', 'page changed');

  // Allowed.
  asked = waitFor(wc, 'will-navigate');
  const navigated = waitFor(wc, 'did-navigate');
  await wc.executeJavaScript('setTimeout(() => { location.href = "page2.html"; }, 0); true');
  await asked;
  [, url] = await navigated;
  check(url.endsWith('/page2.html') && wc.getURL() === url, `did-navigate ${url}`);
  await waitFor(wc, 'did-finish-load');

  // A handler that denies: no window.
  let details = null;
  wc.setWindowOpenHandler((d) => {
    details = d;
    return { action: 'deny' };
  });
  await wc.executeJavaScript('window.open("index.html", "frame-one", "width=300,height=200"); true');
  const deadline = Date.now() + 2000;
  while (!details && Date.now() < deadline) await sleep(20);
  check(details, 'the window open handler was not called');
  check(details.url.endsWith('/index.html'), `handler url ${details.url}`);
  // WebKit does not hand over window.open()'s name and features (see
  // docs/compat.md): they arrive empty rather than wrong.
  check(details.frameName === 'frame-one' || details.frameName === '', `handler frameName ${details.frameName}`);
  check(details.features === '' || details.features.includes('width=300'), `handler features ${details.features}`);
  check(details.disposition === 'new-window', `handler disposition ${details.disposition}`);
  await sleep(300);
  check(BrowserWindow.getAllWindows().length === 1, 'a denied window.open opened a window');

  // A handler that allows, with options.
  wc.setWindowOpenHandler(() => ({ action: 'allow', overrideBrowserWindowOptions: { title: 'opened', width: 320, height: 240 } }));
  let created = waitFor(wc, 'did-create-window');
  await wc.executeJavaScript('window.open("index.html"); true');
  const [child, childDetails] = await created;
  check(child instanceof BrowserWindow, 'did-create-window gave no BrowserWindow');
  check(childDetails.url.endsWith('/index.html'), `did-create-window url ${childDetails.url}`);
  check(BrowserWindow.getAllWindows().includes(child), 'the new window is not listed');
  check(child.getTitle() === 'opened' || child.getTitle() === 'first', `new window title ${child.getTitle()}`);
  check(child.getSize().join() === '320,240', `new window size ${child.getSize()}`);
  await waitFor(child.webContents, 'did-finish-load');
  check(await child.webContents.executeJavaScript('document.body.textContent.trim()') === 'first', 'new window page');
  child.destroy();

  // No handler: Electron's default allows.
  wc.setWindowOpenHandler(null);
  created = waitFor(wc, 'did-create-window');
  await wc.executeJavaScript('window.open("page2.html"); true');
  const [second] = await created;
  check(BrowserWindow.getAllWindows().length === 2, 'the default did not open a window');
  // Windows a page opened close with it.
  const closed = waitFor(second, 'closed');
  win.destroy();
  await closed;
  check(BrowserWindow.getAllWindows().length === 0, 'windows left');
}

app.whenReady().then(main).then(() => app.exit(0), (err) => fail(err.message));
