// IPC both ways survives the page's web process crashing: after reload()
// the new web process gets a page link of its own and the page's invoke,
// send and the main script's webContents.send work as before.
const { app, BrowserWindow, ipcMain } = require('electron');
const { fail, deadline, waitFor } = require('../lib/checks.js');
const path = require('path');

deadline(20000);
app.on('window-all-closed', () => {});

async function roundTrip(wc, value) {
  const pong = waitFor(ipcMain, 'pong', 5000);
  wc.send('ping', value);
  const [event, got] = await pong;
  if (event.sender !== wc || got !== value * 2) throw new Error(`pong ${got} for ping ${value}`);
}

async function main() {
  const hellos = [];
  ipcMain.handle('hello', (event, n) => {
    hellos.push(n);
    return n + 1;
  });
  const win = new BrowserWindow({
    show: false,
    webPreferences: { preload: path.join(__dirname, 'preload.js') },
  });
  const wc = win.webContents;
  const first = waitFor(ipcMain, 'started', 5000);
  await win.loadFile('index.html');
  await first;
  await roundTrip(wc, 1);

  const gone = waitFor(wc, 'render-process-gone', 5000);
  wc.forcefullyCrashRenderer();
  await gone;
  const second = waitFor(ipcMain, 'started', 5000);
  wc.reload();
  await second;
  await roundTrip(wc, 2);
  if (hellos.join() !== '1,1') throw new Error(`invokes from the pages: ${hellos.join()}`);
  console.log('ok');
}

app.whenReady().then(main).then(() => app.exit(0), (err) => fail(err.message));
