// Page text with Unicode noncharacters, which JSON and GLib take and
// sd-bus refuses: a title and an exception's message arrive with U+FFFD in
// their place, and an IPC channel with one is refused in the page (the
// preload's half), with IPC working after.
const { app, BrowserWindow, ipcMain } = require('electron');
const { fail, deadline, check, same, rejection } = require('../lib/checks.js');
const path = require('path');

deadline(20000);
app.on('window-all-closed', () => {});

async function main() {
  ipcMain.handle('add', (event, a, b) => a + b);
  const done = new Promise((resolve) => ipcMain.once('done', (event, problems) => resolve(problems)));
  const win = new BrowserWindow({ show: false, webPreferences: { preload: path.join(__dirname, 'preload.js') } });
  const wc = win.webContents;
  await win.loadFile('index.html');

  const titled = new Promise((resolve) => {
    wc.on('page-title-updated', (event, title) => {
      if (title !== 'plain') resolve(title);
    });
  });
  await wc.executeJavaScript('document.title = "a\\uFFFE"; true');
  const title = await Promise.race([titled, new Promise((r) => setTimeout(() => r('(no title)'), 3000))]);
  same(title, 'a\uFFFD', 'page-title-updated');
  same(wc.getTitle(), 'a\uFFFD', 'getTitle');

  // The exception's message is the page's text: the call rejects with it.
  const err = await rejection(wc.executeJavaScript('throw new Error("odd \\uFDD0 failure")'));
  check(err instanceof Error && err.message.includes('odd \uFFFD failure'), `exception: ${err && err.message}`);
  same(await wc.executeJavaScript('1 + 1'), 2, 'executeJavaScript after the exception');

  same(await done, [], 'the page\'s problems');
  win.destroy();
}

app.whenReady().then(main).then(() => app.exit(0), (err) => fail(err.message));
