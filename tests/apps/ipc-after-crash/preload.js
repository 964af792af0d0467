const { ipcRenderer } = require('electron');

ipcRenderer.on('ping', (event, value) => ipcRenderer.send('pong', value * 2));
window.addEventListener('DOMContentLoaded', async () => {
  const answer = await ipcRenderer.invoke('hello', 1);
  ipcRenderer.send('started', answer);
});
