// Uses child_process, which makes Node install its own SIGCHLD handler in
// the daemon's process, then opens and closes a window: the daemon must
// still notice the renderer end, or this app never quits.
const { app, BrowserWindow } = require('electron');
const { execFile } = require('child_process');

setTimeout(() => { console.error('FAIL: timed out'); app.exit(1); }, 20000);

app.whenReady().then(() => {
  execFile('true', async (err) => {
    if (err) { console.error(`FAIL: ${err.message}`); app.exit(1); return; }
    const win = new BrowserWindow({ width: 200, height: 100 });
    await win.loadFile('index.html');
    win.close();
  });
});
