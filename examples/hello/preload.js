// Runs before the page's scripts, in its own JavaScript world: it shares
// the page's DOM but not its globals.
const { ipcRenderer } = require('electron');

ipcRenderer.on('greeting', (_event, greeting) => {
  const el = document.getElementById('greeting');
  el.textContent = `The main process (${greeting.from}, Node ${greeting.node}) says hello.`;
  el.classList.add('done');
});

window.addEventListener('DOMContentLoaded', () => {
  document.getElementById('versions').textContent =
    Object.entries(process.versions).map(([k, v]) => `${k} ${v}`).join(' · ');
  ipcRenderer.send('page-ready', { title: document.title, userAgent: navigator.userAgent });
});
