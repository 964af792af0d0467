const { ipcRenderer } = require('electron');

const LIMIT = Number(new URLSearchParams(location.search).get('limit'));
const problems = [];
const expect = (ok, what) => {
  if (!ok) problems.push(what);
};
const overLimit = new RegExp(`IPC message of \\d+ bytes is over the limit of ${LIMIT}$`);

async function run() {
  await new Promise((resolve) => {
    ipcRenderer.once('almost', (event, bytes) => {
      expect(bytes.length === LIMIT - 1024, `got ${bytes.length} bytes`);
      resolve();
    });
    ipcRenderer.send('ready');
  });

  try {
    ipcRenderer.send('too-big', new Uint8Array(LIMIT));
    problems.push('send over the limit did not throw');
  } catch (err) {
    expect(overLimit.test(err.message), `send over the limit: ${err.message}`);
  }
  try {
    ipcRenderer.sendSync('too-big', new Uint8Array(LIMIT));
    problems.push('sendSync over the limit did not throw');
  } catch (err) {
    expect(overLimit.test(err.message), `sendSync over the limit: ${err.message}`);
  }
  try {
    await ipcRenderer.invoke('echo', new Uint8Array(LIMIT));
    problems.push('invoke over the limit resolved');
  } catch (err) {
    expect(overLimit.test(err.message), `invoke over the limit: ${err.message}`);
  }
  try {
    await ipcRenderer.invoke('big-result');
    problems.push('a result over the limit arrived');
  } catch (err) {
    expect(new RegExp(`^Error invoking remote method 'big-result': Error: IPC message of \\d+ bytes is over the limit of ${LIMIT}$`).test(err.message),
           `result over the limit: ${err.message}`);
  }
  // Still working.
  expect(await ipcRenderer.invoke('echo', 'after') === 'after', 'IPC after the refusals');
  ipcRenderer.send('done', problems);
}

run().catch((err) => ipcRenderer.send('done', [`preload threw: ${err && err.stack}`]));
