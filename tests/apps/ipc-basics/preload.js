const { ipcRenderer } = require('electron');

const problems = [];
const expect = (ok, what) => {
  if (!ok) problems.push(what);
};

async function rejectsWith(promise, message) {
  try {
    await promise;
    problems.push(`resolved, expected "${message}"`);
  } catch (err) {
    expect(err instanceof Error && err.message === message, `got "${err && err.message}", expected "${message}"`);
  }
}

async function run() {
  for (let i = 0; i < 200; i++) ipcRenderer.send('seq', i);

  await new Promise((resolve) => {
    let n = 0;
    ipcRenderer.on('down', (event, i) => {
      expect(i === n, `down ${i} arrived when ${n} was expected`);
      expect(event.sender === ipcRenderer, 'event.sender is not ipcRenderer');
      if (++n === 200) resolve();
    });
    ipcRenderer.send('start-down');
  });

  expect(await ipcRenderer.invoke('add', 2, 3) === 5, 'invoke add');
  expect(await ipcRenderer.invoke('slow', 'x') === 'x', 'invoke of an async handler');
  await rejectsWith(ipcRenderer.invoke('fail'), "Error invoking remote method 'fail': Error: boom");
  await rejectsWith(ipcRenderer.invoke('nothing'),
                    "Error invoking remote method 'nothing': Error: No handler registered for 'nothing'");
  expect(await ipcRenderer.invoke('once') === 'first', 'handleOnce');
  await rejectsWith(ipcRenderer.invoke('once'),
                    "Error invoking remote method 'once': Error: No handler registered for 'once'");
  await rejectsWith(ipcRenderer.invoke('removed'),
                    "Error invoking remote method 'removed': Error: No handler registered for 'removed'");
  expect(await ipcRenderer.invoke('which') === 'webContents.ipc', 'webContents.ipc handler first');

  expect(ipcRenderer.sendSync('sync', 21) === 42, 'sendSync returnValue');
  expect(ipcRenderer.sendSync('no-listener') === undefined, 'sendSync with no listener');

  ipcRenderer.send('ping-once');
  ipcRenderer.send('ping-once');
  ipcRenderer.send('ping-removed');
  ipcRenderer.send('ping-all');
  ipcRenderer.send('both');

  const got = [];
  ipcRenderer.once('r-once', () => got.push('once'));
  const removed = () => got.push('removed');
  ipcRenderer.on('r-removed', removed);
  ipcRenderer.removeListener('r-removed', removed);
  ipcRenderer.on('r-all', () => got.push('all'));
  ipcRenderer.removeAllListeners('r-all');
  await new Promise((resolve) => {
    ipcRenderer.on('r-end', resolve);
    ipcRenderer.send('renderer-listeners');
  });
  expect(got.join() === 'once', `renderer listeners ran: ${got.join()}`);

  ipcRenderer.send('done', problems);
}

run().catch((err) => ipcRenderer.send('done', [`preload threw: ${err && err.stack}`]));
