// appd's side of the IPC benchmark (bench/ipc.py): echoes what the page
// sends by invoke, send → reply and sendSync, and writes the page's
// figures to the file named by the first argument.
// Arguments: OUT [--smoke]
const { app, BrowserWindow, ipcMain } = require('electron');
const fs = require('fs');
const path = require('path');

const [out, mode] = process.argv.slice(2);

ipcMain.handle('echo', (event, bytes) => bytes);
ipcMain.on('ping', (event, id, bytes) => event.reply('pong', id, bytes));
ipcMain.on('sync', (event, bytes) => {
  event.returnValue = bytes;
});
ipcMain.on('results', (event, text) => {
  fs.writeFileSync(out, text);
  app.exit(0);
});

app.whenReady().then(() => {
  const win = new BrowserWindow({
    width: 400, height: 300, title: 'ipc bench',
    // sandbox: false lets the preload require the shared timing code.
    webPreferences: { preload: path.join(__dirname, 'preload.js'), sandbox: false },
  });
  win.loadFile('index.html', { query: { smoke: mode === '--smoke' ? '1' : '0' } });
});
