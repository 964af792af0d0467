// Node in pages: nodeIntegration gives the page require/process/__dirname;
// with contextIsolation it gives them to the preload only; sandbox: false
// gives them to the preload; the default gives neither.  Each page checks
// itself and reports problems (or none) with its mode.
const { app, BrowserWindow, ipcMain } = require('electron');
const { deadline, reports } = require('../lib/checks.js');
const path = require('path');

deadline(40000);

const modes = {
  // nodeIntegration in the page's own world, no preload at all.
  page: { nodeIntegration: true, contextIsolation: false },
  // nodeIntegration with isolation: Node in the preload only.
  isolated: { nodeIntegration: true, preload: path.join(__dirname, 'preload.js') },
  // sandbox off: the preload has Node, the page does not.
  unsandboxed: { sandbox: false, preload: path.join(__dirname, 'preload.js') },
  // the default: a sandboxed preload without Node.
  sandboxed: { preload: path.join(__dirname, 'preload.js') },
};
const withPreload = Object.keys(modes).filter((mode) => modes[mode].preload);
const report = reports([...Object.keys(modes), 'plain', 'strict',
                        ...withPreload.map((mode) => `${mode}:webframe`)]);

app.whenReady().then(() => {
  ipcMain.on('report', (event, mode, problems) => report(mode, problems));
  // webFrame.executeJavaScript runs in the page's world, where the
  // preload's exposed API is; zoom set by the preload is the window's.
  ipcMain.on('webframe', (event, mode, type) => {
    const problems = [];
    const zoom = event.sender.getZoomFactor();
    if (type !== 'object') problems.push(`executeJavaScript saw ${type}`);
    if (zoom !== 1.5) problems.push(`webContents zoom ${zoom}`);
    report(`${mode}:webframe`, problems);
  });
  for (const [mode, webPreferences] of Object.entries(modes)) {
    const win = new BrowserWindow({ show: false, webPreferences });
    win.loadFile('index.html', { query: { mode } });
  }
  // No Node and no preload: the page cannot send, so it reports in its title.
  const plain = new BrowserWindow({ show: false });
  plain.webContents.on('page-title-updated', (event, title) => {
    if (title.startsWith('report:')) report('plain', JSON.parse(title.slice(7)));
  });
  plain.loadFile('index.html', { query: { mode: 'plain' } });
  // Node in a page whose policy forbids eval (strict.html).
  const strict = new BrowserWindow({ show: false, webPreferences: modes.page });
  strict.loadFile('strict.html');
});
