// IPC both ways between the main script and a page's preload, then close.
// Exits 0 only when every step happened, in order.
const { app, BrowserWindow, ipcMain } = require('electron');
const path = require('path');

const events = [];
const fail = (why) => {
  console.error(`FAIL: ${why}; events: ${events.join(',')}`);
  app.exit(1);
};
setTimeout(() => fail('timed out'), 30000);

app.whenReady().then(async () => {
  const win = new BrowserWindow({
    width: 400, height: 300, title: 'ipc test',
    webPreferences: { preload: path.join(__dirname, 'preload.js') },
  });
  win.webContents.on('did-finish-load', () => events.push('did-finish-load'));
  win.on('closed', () => events.push('closed'));

  // The page's messages come on its own link to appd, the load events
  // through its renderer: either may be first.  Close once both are in.
  let echoed;
  const echo = new Promise((resolve) => {
    echoed = resolve;
  });

  ipcMain.on('from-page', (event, word, obj) => {
    events.push('from-page');
    if (event.sender !== win.webContents) return fail('event.sender is not the window\'s webContents');
    if (word !== 'hello' || obj.n !== 1 || obj.list.join() !== '1,2,3') {
      return fail(`bad arguments ${JSON.stringify([word, obj])}`);
    }
    win.webContents.send('to-page', 'ping', { n: 2 });
  });
  ipcMain.on('echo', (event, reply) => {
    events.push('echo');
    if (reply.word !== 'ping' || reply.n !== 2) return fail(`bad echo ${JSON.stringify(reply)}`);
    if (reply.title !== 'isolated') return fail(`the page could reach native code: ${reply.title}`);
    echoed();
  });

  await win.loadFile('index.html');
  events.push('loaded');
  await echo;
  win.close();
});

// No window-all-closed listener: Electron's default quits the app.
// The page's messages may come before or after did-finish-load; the rest
// is ordered.
app.on('quit', () => {
  const at = (e) => events.indexOf(e);
  for (const e of ['did-finish-load', 'loaded', 'from-page', 'echo', 'closed']) {
    if (at(e) < 0) return fail(`no ${e}`);
  }
  if (at('did-finish-load') > at('loaded')) fail('loadFile resolved before did-finish-load');
  if (at('from-page') > at('echo')) fail('echo before the first message');
  if (at('closed') !== events.length - 1) fail('closed is not last');
});
