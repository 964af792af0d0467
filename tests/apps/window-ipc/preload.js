const { ipcRenderer } = require('electron');

ipcRenderer.on('to-page', (event, word, obj) => {
  ipcRenderer.send('echo', { word, n: obj.n, title: document.title });
});
window.addEventListener('DOMContentLoaded', () => {
  ipcRenderer.send('from-page', 'hello', { n: 1, list: [1, 2, 3] });
});
