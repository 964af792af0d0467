// Messages of different kinds keep the order the page sent them in, even
// when a large one is still on its way: send then sendSync, send then
// invoke, and invoke (not awaited) then send; and the other way, a
// webContents.send made before a handler returns reaches the page before
// the invoke's answer.
const { app, BrowserWindow, ipcMain } = require('electron');
const { fail, deadline } = require('../lib/checks.js');
const path = require('path');

deadline(60000);

app.whenReady().then(() => {
  let lastSend = -1;
  let lastInvoke = -1;
  const wrong = { sendSync: 0, invoke: 0, sendAfterInvoke: 0 };
  ipcMain.on('send', (event, i) => {
    lastSend = i;
  });
  ipcMain.on('sync', (event, i) => {
    if (lastSend !== i) wrong.sendSync++;
    event.returnValue = i;
  });
  ipcMain.handle('check', (event, i) => {
    if (lastSend !== i) wrong.invoke++;
    return i;
  });
  ipcMain.handle('big', (event, i) => {
    lastInvoke = i;
    return i;
  });
  ipcMain.handle('progress-then-answer', (event, i) => {
    event.sender.send('progress', i);
    return i;
  });
  ipcMain.on('after', (event, i) => {
    if (lastInvoke !== i) wrong.sendAfterInvoke++;
  });
  ipcMain.on('done', (event, count, lateProgress) => {
    if (count !== 400) return fail(`the page sent ${count} pairs`);
    if (lateProgress !== 0) return fail(`${lateProgress} answers came before the message sent ahead of them`);
    if (wrong.sendSync || wrong.invoke || wrong.sendAfterInvoke)
      return fail(`out of order: ${JSON.stringify(wrong)}`);
    console.log('ok');
    app.exit(0);
  });
  const win = new BrowserWindow({
    show: false,
    webPreferences: { preload: path.join(__dirname, 'preload.js') },
  });
  win.loadFile('index.html');
});
