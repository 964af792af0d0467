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
  // Many calls at once all get their answer, as in Electron.
  const many = await Promise.allSettled(Array.from({ length: 2000 }, (_, i) => ipcRenderer.invoke('echo', i)));
  const answered = many.filter((r, i) => r.status === 'fulfilled' && r.value === i).length;
  expect(answered === 2000, `${answered} of 2000 parallel invokes answered: ${many.find((r) => r.status === 'rejected')?.reason}`);

  // What waiting calls hold is bounded in bytes: calls that are never
  // answered, a megabyte each, are refused once they hold 256 MiB.
  const held = Array.from({ length: 300 }, () => ipcRenderer.invoke('hold', new Uint8Array(Math.min(LIMIT - 1024, 1 << 20))));
  const refusals = [];
  held.forEach((p) => p.catch((err) => refusals.push(err.message)));
  // Every call is either held by the main script or refused.
  let heldCount = 0;
  while ((heldCount = await ipcRenderer.invoke('held-count')) + refusals.length < 300)
    await new Promise((resolve) => setTimeout(resolve, 20));
  expect(heldCount + refusals.length === 300, `${heldCount} held and ${refusals.length} refused of 300`);
  expect(heldCount >= 128 && heldCount < 300, `${heldCount} of 300 unanswered 1 MiB invokes held`);
  expect(refusals.every((m) => /IPC calls waiting for an answer hold more than \d+ bytes/.test(m)),
         `refusal: ${refusals[0]}`);

  // Still working.
  expect(await ipcRenderer.invoke('echo', 'after') === 'after', 'IPC after the refusals');
  ipcRenderer.send('done', problems);
}

run().catch((err) => ipcRenderer.send('done', [`preload threw: ${err && err.stack}`]));
