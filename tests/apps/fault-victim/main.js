// An app the bus fuzzer of tests/fault/appd-fault may end: it answers
// App.Quit, App.Kill and Window.Close sent with valid arguments.  One
// window; runs until asked to quit.
const { app, BrowserWindow } = require('electron');

app.on('window-all-closed', () => {});
app.whenReady().then(() => {
  const win = new BrowserWindow({ width: 200, height: 150, show: false });
  win.loadFile('index.html').catch(() => {});
});
