// Times appd's three round trips from the page's preload.
const { ipcRenderer } = require('electron');
const { measure, sizes } = require('../timing.js');

const waiting = new Map(); // ping id → resolve
let nextId = 1;
ipcRenderer.on('pong', (event, id, bytes) => {
  const resolve = waiting.get(id);
  waiting.delete(id);
  resolve(bytes);
});

const kinds = {
  invoke: { call: (bytes) => ipcRenderer.invoke('echo', bytes), inFlight: true },
  'send-reply': {
    call: (bytes) => new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      ipcRenderer.send('ping', id, bytes);
    }),
    inFlight: true,
  },
  sendSync: { call: (bytes) => ipcRenderer.sendSync('sync', bytes), inFlight: false },
};

window.addEventListener('DOMContentLoaded', () => {
  const smoke = new URLSearchParams(location.search).get('smoke') === '1';
  measure(kinds, { sizes, smoke }).then(
    (figures) => ipcRenderer.send('results', JSON.stringify(figures)),
    (err) => ipcRenderer.send('results', JSON.stringify({ error: `${err}\n${err && err.stack}` })));
});
