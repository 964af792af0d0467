// Channels D-Bus cannot carry are refused with a message, never renamed;
// the problems go back on 'done'.
const { ipcRenderer } = require('electron');

const problems = [];
const REFUSED = 'the channel name has characters D-Bus cannot carry';

function refused(what, err) {
  if (!err) problems.push(`${what} was taken`);
  else if (!String(err.message).includes(REFUSED)) problems.push(`${what}: ${err.message}`);
}

function expectThrow(what, f) {
  let err = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  refused(what, err);
}

(async () => {
  expectThrow('send', () => ipcRenderer.send('odd\uFFFE', 1));
  expectThrow('sendSync', () => ipcRenderer.sendSync('odd\uFFFF', 1));
  expectThrow('postMessage', () => ipcRenderer.postMessage('odd\uFDEF', 1));
  let err = null;
  try {
    await ipcRenderer.invoke('odd\uDBFF\uDFFE', 1);
  } catch (e) {
    err = e;
  }
  refused('invoke', err);
  const sum = await ipcRenderer.invoke('add', 1, 2);
  if (sum !== 3) problems.push(`invoke after: ${sum}`);
  ipcRenderer.send('done', problems);
})().catch((e) => {
  problems.push(e.message);
  ipcRenderer.send('done', problems);
});
