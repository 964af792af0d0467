// Options set after construction reach the window itself: the test reads
// them back from the X server (the getters alone would not tell).
const { app, BrowserWindow } = require('electron');

app.on('window-all-closed', () => {});
app.whenReady().then(async () => {
  const win = new BrowserWindow({ width: 300, height: 200, title: 'bw-applied' });
  await win.loadFile('index.html');
  win.setAlwaysOnTop(true);
  win.setSkipTaskbar(true);
  console.log('options set');
});
