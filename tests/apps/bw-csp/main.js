// executeJavaScript and insertCSS on a page whose Content-Security-Policy
// forbids eval and inline scripts: what the app runs in the page is not
// the page's own code, and works; the page itself stays bound by its policy.
const { app, BrowserWindow, ipcMain } = require('electron');
const path = require('path');
const { fail, deadline, check, same, rejection } = require('../lib/checks.js');

deadline(15000);
app.on('window-all-closed', () => {});

async function main() {
  const fromPreload = new Promise((resolve) => ipcMain.once('preload', (event, result) => resolve(result)));
  const win = new BrowserWindow({
    width: 400,
    height: 300,
    webPreferences: { preload: path.join(__dirname, 'preload.js') },
  });
  await win.loadFile('index.html');
  const wc = win.webContents;

  // The policy holds for the page's own code.
  same(await wc.executeJavaScript('window.fromPage'), 'page.js ran', 'script from self');
  same(await wc.executeJavaScript('window.inlineRan === true'), false, 'inline script refused');
  same(await wc.executeJavaScript('(() => { try { eval("1"); return "eval ran"; } catch (e) { return e.name; } })()'),
       'EvalError', "the page's own eval");

  // Values, objects, promises, exceptions and rejections.
  same(await wc.executeJavaScript('1 + 2'), 3, 'value');
  same(await wc.executeJavaScript('({ a: [1, "b"], f() {} })'), { a: [1, 'b'] }, 'object');
  same(await wc.executeJavaScript('undefined'), null, 'undefined');
  same(await wc.executeJavaScript('new Promise((r) => setTimeout(() => r("later"), 20))'), 'later', 'promise');
  const thrown = await rejection(wc.executeJavaScript('throw new TypeError("boom")'));
  check(thrown instanceof Error && thrown.message.includes('TypeError') && thrown.message.includes('boom'),
        `exception: ${thrown && thrown.message}`);
  const rejected = await rejection(wc.executeJavaScript('Promise.reject(new RangeError("no"))'));
  check(rejected.message.includes('RangeError') && rejected.message.includes('no'),
        `rejection: ${rejected.message}`);
  const syntax = await rejection(wc.executeJavaScript('this is not javascript'));
  check(syntax.message.includes('SyntaxError'), `syntax error: ${syntax.message}`);
  const cycle = await rejection(wc.executeJavaScript('const o = {}; o.self = o; o'));
  check(cycle instanceof Error, 'a result with a cycle rejects');
  // A script's declarations stay, as a <script>'s do.
  await wc.executeJavaScript('var kept = 7; function keptFn() { return kept * 6; }');
  same(await wc.executeJavaScript('keptFn()'), 42, 'declarations kept');
  // What the preload exposed is there, and the page sees what the script did.
  same(await wc.executeJavaScript('window.bridge.twice(4)'), 8, 'contextBridge under the policy');
  await wc.executeJavaScript('document.getElementById("text").textContent = "changed"');
  same(await wc.executeJavaScript('document.getElementById("text").textContent'), 'changed', 'page changed');

  // Style sheets the app inserts are not the page's either.
  const colour = () => wc.executeJavaScript('getComputedStyle(document.getElementById("text")).color');
  const key = await wc.insertCSS('#text { color: rgb(4, 5, 6) !important; }');
  same(await colour(), 'rgb(4, 5, 6)', 'insertCSS under the policy');
  await wc.removeInsertedCSS(key);
  check((await colour()) !== 'rgb(4, 5, 6)', 'removeInsertedCSS');

  const preload = await fromPreload;
  same([preload.title, preload.doubled], ['bw-csp', 42], 'webFrame.executeJavaScript in the preload');
  same(preload.versions.node, process.versions.node, 'process.versions.node in the preload');
  check(/^\d+\.\d+\.\d+$/.test(preload.versions.electron), `process.versions.electron: ${preload.versions.electron}`);
  check(/^\d+\.\d+\.\d+\.\d+$/.test(preload.versions.chrome), `process.versions.chrome: ${preload.versions.chrome}`);

  // After a navigation the next page's main world answers.
  await win.loadURL('data:text/html,<title>second</title>');
  same(await wc.executeJavaScript('document.title'), 'second', 'after navigation');

  console.log('ok');
}

app.whenReady().then(main).then(() => app.exit(0), (err) => fail(err.message));
