// Web security: an app:// page cannot reach local files (an image, fetch,
// XMLHttpRequest), so it cannot probe which files exist, unless its window
// sets webPreferences.webSecurity: false; a file:// page can, also by
// XMLHttpRequest.
const { app, BrowserWindow } = require('electron');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const { fail, deadline, same } = require('../lib/checks.js');

deadline(15000);
app.on('window-all-closed', () => {});

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

// What the page gets for a file:// image, fetch() and XMLHttpRequest, in
// that order.
function probe(wc, url) {
  return wc.executeJavaScript(`(async () => {
    const url = ${JSON.stringify(url)};
    const image = await new Promise((resolve) => {
      const img = new Image();
      img.onload = () => resolve('load');
      img.onerror = () => resolve('error');
      img.src = url;
    });
    const fetched = await fetch(url).then((r) => 'ok ' + r.status, () => 'refused');
    const xhr = await new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.onload = () => resolve('ok ' + x.status);
      x.onerror = () => resolve('refused');
      try {
        x.open('GET', url);
        x.send();
      } catch (e) {
        resolve('refused');
      }
    });
    return [image, fetched, xhr];
  })()`);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-web-security-'));
  try {
    fs.writeFileSync(path.join(dir, 'image.png'), PNG);
    fs.writeFileSync(path.join(dir, 'page.html'), '<!DOCTYPE html><title>file page</title>file page');
    const image = pathToFileURL(path.join(dir, 'image.png')).href;

    const secure = new BrowserWindow({ show: false });
    await secure.loadFile('index.html');
    same(await probe(secure.webContents, image), ['error', 'refused', 'refused'],
         'app:// page reaching a local file');
    secure.destroy();

    const open = new BrowserWindow({ show: false, webPreferences: { webSecurity: false } });
    await open.loadFile('index.html');
    same((await probe(open.webContents, image))[0], 'load', 'app:// page with webSecurity: false');
    open.destroy();

    const local = new BrowserWindow({ show: false });
    await local.loadURL(pathToFileURL(path.join(dir, 'page.html')).href);
    // As in Electron, a file:// page may read other local files (a sprite,
    // a JSON file): file URLs are not each an origin of their own.
    // fetch() has no file: scheme, in Chromium either.
    const fromFile = await probe(local.webContents, image);
    same([fromFile[0], fromFile[2]], ['load', 'ok 0'], 'file:// page reaching another local file');
    local.destroy();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

app.whenReady().then(main).then(() => app.exit(0), (err) => fail(err.message));
