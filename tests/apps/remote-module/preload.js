const { ipcRenderer, remote } = require('electron');

const problems = [];
try {
  const win = remote.getCurrentWindow();
  if (win.getTitle() !== 'preloaded') problems.push(`getTitle: ${win.getTitle()}`);
  if (remote.getGlobal('shared').label !== 'shared') problems.push('getGlobal');
} catch (err) {
  problems.push(`threw ${err.message}`);
}
ipcRenderer.send('report', 'preload', problems);
