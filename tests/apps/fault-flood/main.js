// Page-side IPC floods and messages over the limit, for
// tests/fault/appd-fault.  The page (preload.js) sends --count messages,
// makes --invokes invokes at once, --syncs sendSyncs, messages just under
// and just over the limit (--limit, the daemon's APPD_IPC_MAX_MESSAGE), and
// receives --count messages; this script counts what arrives and writes
// one JSON object of counts to --out.  Exit code 0 when every message
// arrived in order or was refused with the documented error.
const { app, BrowserWindow, ipcMain } = require('electron');
const fs = require('fs');
const path = require('path');

const option = (name, fallback) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
};
const out = option('out', null);
const count = Number(option('count', '5000'));
const invokes = Number(option('invokes', '1000'));
const syncs = Number(option('syncs', '500'));
const limit = Number(option('limit', String(8 * 1024 * 1024)));

const result = { sent: count, received: 0, outOfOrder: 0, oversizedArrived: 0, problems: [] };

function finish() {
  if (out) fs.writeFileSync(out, JSON.stringify(result) + '\n');
  console.log(JSON.stringify(result));
  app.exit(result.problems.length === 0 ? 0 : 1);
}

setTimeout(() => {
  result.problems.push('timed out');
  finish();
}, 120000);

app.whenReady().then(() => {
  const win = new BrowserWindow({ show: false, webPreferences: { preload: path.join(__dirname, 'preload.js') } });
  const wc = win.webContents;

  ipcMain.on('flood', (_event, i) => {
    if (i !== result.received) result.outOfOrder++;
    result.received++;
  });
  ipcMain.handle('received', () => result.received);
  ipcMain.handle('echo', (_event, x) => x);
  let n = 0;
  ipcMain.on('sync', (event) => {
    event.returnValue = ++n;
  });
  ipcMain.on('too-big', () => {
    result.oversizedArrived++;
  });
  ipcMain.handle('too-big', () => {
    result.oversizedArrived++;
  });
  ipcMain.on('start-down', () => {
    for (let i = 0; i < count; i++) wc.send('down', i);
    try {
      wc.send('down', new Uint8Array(limit));
      result.problems.push('webContents.send over the limit did not throw');
    } catch (err) {
      if (!/over the limit/.test(err.message)) result.problems.push(`webContents.send over the limit: ${err.message}`);
    }
  });
  ipcMain.on('report', (_event, page) => {
    Object.assign(result, page, { problems: result.problems.concat(page.problems) });
    if (result.received !== count) result.problems.push(`${result.received} of ${count} sends arrived`);
    if (result.outOfOrder) result.problems.push(`${result.outOfOrder} sends out of order`);
    if (result.oversizedArrived) result.problems.push(`${result.oversizedArrived} messages over the limit arrived`);
    finish();
  });
  win.loadFile('index.html', { query: { count: String(count), invokes: String(invokes),
                                        syncs: String(syncs), limit: String(limit) } })
    .catch((err) => {
      result.problems.push(`load: ${err.message}`);
      finish();
    });
});
