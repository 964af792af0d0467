// Options set after construction reach the window itself: the test reads
// them back from the X server (the getters alone would not tell).
const { app, BrowserWindow, nativeImage } = require('electron');
const path = require('path');

app.on('window-all-closed', () => {});
app.whenReady().then(async () => {
  const win = new BrowserWindow({ width: 300, height: 200, title: 'bw-applied' });
  await win.loadFile('index.html');
  win.setAlwaysOnTop(true);
  win.setSkipTaskbar(true);
  win.setIcon(nativeImage.createFromPath(path.join(__dirname, 'icon.png')));
  console.log('options set');
});
