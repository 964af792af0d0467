// A sandboxed preload drives the page through webFrame, which works under
// the page's policy as the main process's scripts do.
const { contextBridge, ipcRenderer, webFrame } = require('electron');

contextBridge.exposeInMainWorld('bridge', { twice: (n) => n * 2 });
window.addEventListener('DOMContentLoaded', async () => {
  try {
    const title = await webFrame.executeJavaScript('document.title');
    const doubled = await webFrame.executeJavaScript('window.bridge.twice(21)');
    ipcRenderer.send('preload', { title, doubled });
  } catch (err) {
    ipcRenderer.send('preload', { error: String(err) });
  }
});
