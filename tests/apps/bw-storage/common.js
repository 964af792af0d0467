// Shared by bw-storage-a and bw-storage-b: both load a page of the SAME
// origin (app://shared/), so only per-app website data keeps them apart.
// Each app writes its name into localStorage and IndexedDB and
// must never see the other's; its own data must survive a restart.
const { app, BrowserWindow } = require('electron');
const { fail, deadline } = require('../lib/checks.js');

module.exports = function run(me) {
  deadline(20000);
  app.on('window-all-closed', () => {});
  const mode = process.argv.slice(2).find((a) => a === 'write' || a === 'check');

  app.whenReady().then(async () => {
    const win = new BrowserWindow({ show: false });
    await win.loadURL('app://shared/index.html');
    const seen = await win.webContents.executeJavaScript(`new Promise((resolve, reject) => {
      const open = indexedDB.open('appd-test', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('kv');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const get = open.result.transaction('kv').objectStore('kv').get('who');
        get.onsuccess = () => resolve({
          local: localStorage.getItem('who'),
          idb: get.result === undefined ? null : get.result,
        });
      };
    })`);
    for (const [where, value] of Object.entries(seen)) {
      const other = value;
      if (other !== null && other !== me) return fail(`${where} holds the other app's '${other}'`);
      if (mode === 'check' && other !== me) return fail(`${where} lost this app's data: ${value}`);
    }
    if (mode === 'write') {
      await win.webContents.executeJavaScript(`new Promise((resolve, reject) => {
        localStorage.setItem('who', '${me}');
        const open = indexedDB.open('appd-test', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('kv');
        open.onsuccess = () => {
          const tx = open.result.transaction('kv', 'readwrite');
          tx.objectStore('kv').put('${me}', 'who');
          tx.oncomplete = () => resolve(true);
          tx.onerror = () => reject(tx.error);
        };
      })`);
    }
    // Let WebKit write its stores before the renderer goes.
    win.close();
    setTimeout(() => app.exit(0), 1000);
  }).catch((err) => fail(err.message));
};
