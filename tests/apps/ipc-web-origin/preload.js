const { ipcRenderer } = require('electron');

window.addEventListener('DOMContentLoaded', async () => {
  const results = {};
  try {
    results.sync = ipcRenderer.sendSync('double', 21);
  } catch (err) {
    results.sync = err.message;
  }
  try {
    results.invoke = await ipcRenderer.invoke('increment', 1);
  } catch (err) {
    results.invoke = err.message;
  }
  try {
    results.node = require('os').platform();
  } catch (err) {
    results.node = /Cannot find module 'os'/.test(err.message) ? 'none' : err.message;
  }
  results.send = 'ok';
  ipcRenderer.send('report', results);
});
