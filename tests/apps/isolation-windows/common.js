// Shared by isolation-windows-a and -b: two hidden windows, and their ids
// as this app sees them.  Each app numbers its own windows from 1,
// whatever the other app has; the daemon's ids on the bus are its own.
const { app, BrowserWindow } = require('electron');
app.on('window-all-closed', () => {});
app.whenReady().then(() => {
  const wins = [new BrowserWindow({ show: false }), new BrowserWindow({ show: false })];
  const same = wins.every((w) => BrowserWindow.fromId(w.id) === w && w.webContents.id === w.id);
  console.log(`window ids ${wins.map((w) => w.id).join(',')}${same ? '' : ' (fromId differs)'}`);
});
