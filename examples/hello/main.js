const { app, BrowserWindow, ipcMain } = require('electron');
const path = require('path');

function createWindow() {
  const win = new BrowserWindow({
    width: 720,
    height: 480,
    title: 'Hello appd',
    webPreferences: { preload: path.join(__dirname, 'preload.js') },
  });
  win.loadFile('index.html');
}

ipcMain.on('page-ready', (event, info) => {
  console.log(`page ready: ${info.title} (${info.userAgent})`);
  event.sender.send('greeting', {
    from: `${app.getName()} ${app.getVersion()}`,
    node: process.versions.node,
    when: new Date().toISOString(),
  });
});

app.whenReady().then(createWindow);

// Default Electron behaviour on Linux: quit when the last window closes.
app.on('window-all-closed', () => app.quit());
