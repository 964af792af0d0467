// Every value structured clone can carry crosses both ways intact; what it
// cannot carry is refused on the sending side with Electron's message.
const { app, BrowserWindow, ipcMain } = require('electron');
const { fail, deadline } = require('../lib/checks.js');
const path = require('path');
const fs = require('fs');
const { makeValues, checkValues } = require('./values.js');

deadline(30000);

app.whenReady().then(() => {
  const win = new BrowserWindow({
    show: false,
    webPreferences: { preload: path.join(__dirname, 'preload.js') },
  });
  const wc = win.webContents;

  // The preload cannot read files: hand it the shared code.
  ipcMain.on('values-source', (event) => {
    event.returnValue = fs.readFileSync(path.join(__dirname, 'values.js'), 'utf8');
  });
  ipcMain.on('values', (event, ...args) => {
    const problems = checkValues(args);
    if (problems.length > 0) return fail(`page → main: ${problems.join('; ')}`);
    event.reply('values', ...makeValues());
  });
  ipcMain.handle('values', (event, ...args) => {
    const problems = checkValues(args);
    if (problems.length > 0) throw new Error(`invoke args: ${problems.join('; ')}`);
    return makeValues();
  });
  ipcMain.on('values-sync', (event, ...args) => {
    const problems = checkValues(args);
    event.returnValue = problems.length > 0 ? problems : makeValues();
  });
  ipcMain.handle('not-cloneable', () => ({ f() {} }));

  try {
    wc.send('f', () => 1);
    return fail('webContents.send of a function did not throw');
  } catch (err) {
    if (err.message !== 'An object could not be cloned.') return fail(`send of a function: ${err.message}`);
  }

  ipcMain.on('done', (event, problems) => {
    if (problems.length > 0) return fail(`page: ${problems.join('; ')}`);
    console.log('ok');
    app.exit(0);
  });
  win.loadFile('index.html');
});
