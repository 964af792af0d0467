// ipcMain, webContents.ipc and ipcRenderer as Electron documents them:
// order both ways, invoke/handle, sendSync, event.reply, listener removal.
// The preload runs the page's half and sends its problems on 'done'.
const { app, BrowserWindow, ipcMain } = require('electron');
const { fail, deadline } = require('../lib/checks.js');
const path = require('path');

deadline(30000);
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

app.whenReady().then(() => {
  const win = new BrowserWindow({
    show: false,
    webPreferences: { preload: path.join(__dirname, 'preload.js') },
  });
  const wc = win.webContents;

  ipcMain.handle('add', (event, a, b) => {
    if (event.sender !== wc) throw new Error('event.sender is not the window\'s webContents');
    if (!event.senderFrame || typeof event.senderFrame.url !== 'string') throw new Error('no senderFrame');
    return a + b;
  });
  ipcMain.handle('slow', async (event, x) => {
    await delay(20);
    return x;
  });
  ipcMain.handle('fail', () => {
    throw new Error('boom');
  });
  ipcMain.handleOnce('once', () => 'first');
  ipcMain.handle('removed', () => 1);
  ipcMain.removeHandler('removed');
  try {
    ipcMain.handle('add', () => 0);
    return fail('a second handler for add was accepted');
  } catch (err) {
    if (err.message !== "Attempted to register a second handler for 'add'")
      return fail(`second handler: ${err.message}`);
  }
  ipcMain.handle('which', () => 'ipcMain');
  wc.ipc.handle('which', () => 'webContents.ipc');

  ipcMain.on('sync', (event, x) => {
    event.returnValue = x * 2;
  });

  let next = 0;
  ipcMain.on('seq', (event, n) => {
    if (n !== next) fail(`message ${n} arrived when ${next} was expected`);
    next++;
  });
  ipcMain.on('start-down', (event) => {
    for (let i = 0; i < 200; i++) event.reply('down', i);
  });

  let onceCount = 0;
  ipcMain.once('ping-once', () => onceCount++);
  const removed = () => fail('a removed listener ran');
  ipcMain.addListener('ping-removed', removed);
  ipcMain.off('ping-removed', removed);
  ipcMain.on('ping-all', () => fail('a listener survived removeAllListeners'));
  ipcMain.removeAllListeners('ping-all');
  const both = [];
  wc.ipc.on('both', () => both.push('webContents.ipc'));
  ipcMain.on('both', () => both.push('ipcMain'));

  ipcMain.on('renderer-listeners', () => {
    for (const channel of ['r-once', 'r-once', 'r-removed', 'r-all', 'r-end']) wc.send(channel);
  });

  ipcMain.on('done', (event, problems) => {
    if (problems.length > 0) return fail(`page: ${problems.join('; ')}`);
    if (next !== 200) return fail(`${next} of 200 messages arrived`);
    if (onceCount !== 1) return fail(`once listener ran ${onceCount} times`);
    if (both.join() !== 'webContents.ipc,ipcMain') return fail(`send reached ${both.join()}`);
    console.log('ok');
    app.exit(0);
  });

  win.loadFile('index.html');
});
