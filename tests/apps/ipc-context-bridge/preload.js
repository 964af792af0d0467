const { contextBridge, ipcRenderer } = require('electron');

const secret = { list: [1, 2, 3] };
let listener = null;

window.fromPreload = 'preload global';

contextBridge.exposeInMainWorld('api', {
  version: 2,
  data: secret,
  sum: (a, b) => a + b,
  double: (x) => ipcRenderer.invoke('double', x),
  fails() {
    throw new RangeError('out of range');
  },
  onTick(callback) {
    listener = callback;
  },
  tickLater(value) {
    setTimeout(() => listener(value, { at: 'preload' }), 10);
  },
  secretList: () => secret.list.join(),
  report: (mode, problems) => ipcRenderer.send('report', mode, problems),
});
