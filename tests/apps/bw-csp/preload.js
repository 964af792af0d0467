// A sandboxed preload drives the page through webFrame, which works under
// the page's policy as the main process's scripts do, and reports the
// versions Electron's sandboxed preloads see.
const { contextBridge, ipcRenderer, webFrame } = require('electron');

contextBridge.exposeInMainWorld('bridge', { twice: (n) => n * 2 });
window.addEventListener('DOMContentLoaded', async () => {
  try {
    const title = await webFrame.executeJavaScript('document.title');
    const doubled = await webFrame.executeJavaScript('window.bridge.twice(21)');
    // What electron-quick-start's preload shows.
    const { node, chrome, electron } = process.versions;
    ipcRenderer.send('preload', { title, doubled, versions: { node, chrome, electron } });
  } catch (err) {
    ipcRenderer.send('preload', { error: String(err) });
  }
});
