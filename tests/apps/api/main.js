// Checks the app module's basics and exits 0 when all hold, 1 otherwise.
const { app, BrowserWindow, ipcMain } = require('electron');
const fs = require('fs');
const os = require('os');
const path = require('path');
const failures = [];
const check = (what, ok) => { if (!ok) failures.push(what); };

check('isReady() before ready', app.isReady() === false);
check('getVersion', app.getVersion() === '4.5.6');
check('getName', app.getName() === 'API Check' || app.getName() === 'api-check');
check('getAppPath', app.getAppPath() === __dirname);
check('userData', path.isAbsolute(app.getPath('userData')));
check('argv', process.argv.slice(2).join(',') === 'one,two');
check('BrowserWindow', typeof BrowserWindow === 'function');
check('ipcMain', typeof ipcMain.on === 'function');
check('electron/main', require('electron/main') === require('electron'));
check('electron/common', typeof require('electron/common') === 'object' &&
      !('BrowserWindow' in require('electron/common')));
// What Electron's main process has, and libraries look for.
check('versions.electron', /^\d+\.\d+\.\d+$/.test(process.versions.electron));
check('versions.chrome', /^\d+(\.\d+){3}$/.test(process.versions.chrome));
check('versions.node is Node\'s', process.versions.node === process.version.slice(1));
check('versions.appd', typeof process.versions.appd === 'string' && process.versions.appd.length > 0);
check('versions enumerable', Object.keys(process.versions).includes('electron'));
check('resourcesPath', typeof process.resourcesPath === 'string' && path.isAbsolute(process.resourcesPath));
check('resourcesPath holds the app', path.join(process.resourcesPath, path.basename(__dirname)) === __dirname);
check('defaultApp', process.defaultApp === undefined);
check('type', process.type === 'browser');
let threw = false;
try { app.getPath('no-such-path-name'); } catch (e) { threw = true; }
check('getPath throws on unknown names', threw);

// userData exists by 'ready', also where the app moved it before.
const movedUserData = fs.mkdtempSync(path.join(os.tmpdir(), 'appd-api-'));
app.setPath('userData', path.join(movedUserData, 'inner', 'data'));

let readyEvent = false;
app.on('ready', () => { readyEvent = true; });
app.whenReady().then(() => {
  check('ready event', readyEvent);
  check('isReady() after ready', app.isReady() === true);
  const userData = app.getPath('userData');
  check('userData moved', userData === path.join(movedUserData, 'inner', 'data'));
  try {
    fs.writeFileSync(path.join(userData, 'settings.json'), '{}');
  } catch (err) {
    check(`userData created by ready: ${err.message}`, false);
  }
  fs.rmSync(movedUserData, { recursive: true, force: true });
  if (failures.length) console.error('failed: ' + failures.join(', '));
  app.exit(failures.length ? 1 : 0);
});
