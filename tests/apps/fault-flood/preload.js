const { ipcRenderer } = require('electron');

const query = new URLSearchParams(location.search);
const COUNT = Number(query.get('count'));
const INVOKES = Number(query.get('invokes'));
const SYNCS = Number(query.get('syncs'));
const LIMIT = Number(query.get('limit'));
const overLimit = /IPC message of \d+ bytes is over the limit of \d+$/;
const tooMany = /More than \d+ IPC calls are waiting for an answer|too many/i;

const page = {
  invokes: { sent: INVOKES, answered: 0, tooMany: 0, other: 0 },
  syncs: { sent: SYNCS, answered: 0 },
  oversized: { sent: 0, refused: 0 },
  underLimit: { sent: 0, answered: 0 },
  down: { expected: COUNT, received: 0, outOfOrder: 0 },
  problems: [],
};
const expect = (ok, what) => {
  if (!ok) page.problems.push(what);
};

async function refused(what, fn) {
  page.oversized.sent++;
  try {
    await fn();
    page.problems.push(`${what} over the limit went through`);
  } catch (err) {
    if (overLimit.test(err.message)) page.oversized.refused++;
    else page.problems.push(`${what} over the limit: ${err.message}`);
  }
}

async function run() {
  const filler = 'x'.repeat(64);
  for (let i = 0; i < COUNT; i++) ipcRenderer.send('flood', i, filler);
  // Messages keep their order: this answer comes after every send.
  expect(await ipcRenderer.invoke('received') === COUNT, 'sends not all in before the invoke behind them');

  const calls = [];
  for (let i = 0; i < INVOKES; i++) calls.push(ipcRenderer.invoke('echo', i));
  const settled = await Promise.allSettled(calls);
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled' && s.value === i) page.invokes.answered++;
    else if (s.status === 'rejected' && tooMany.test(s.reason.message)) page.invokes.tooMany++;
    else {
      page.invokes.other++;
      if (page.invokes.other <= 3) page.problems.push(`invoke ${i}: ${s.status} ${s.reason ? s.reason.message : s.value}`);
    }
  });

  for (let i = 1; i <= SYNCS; i++) {
    const got = ipcRenderer.sendSync('sync');
    if (got === i) page.syncs.answered++;
    else if (page.syncs.answered + 3 >= i) page.problems.push(`sendSync ${i} answered ${got}`);
  }

  // Just over the limit: refused on this side, with the documented error.
  await refused('send', () => ipcRenderer.send('too-big', new Uint8Array(LIMIT)));
  await refused('sendSync', () => ipcRenderer.sendSync('too-big', new Uint8Array(LIMIT)));
  await refused('invoke', () => ipcRenderer.invoke('too-big', new Uint8Array(LIMIT)));
  // Just under it goes through.
  page.underLimit.sent++;
  const back = await ipcRenderer.invoke('echo', new Uint8Array(LIMIT - 4096));
  if (back instanceof Uint8Array && back.length === LIMIT - 4096) page.underLimit.answered++;
  else page.problems.push('a message under the limit came back wrong');

  await new Promise((resolve) => {
    ipcRenderer.on('down', (_event, i) => {
      if (i !== page.down.received) page.down.outOfOrder++;
      if (++page.down.received === COUNT) resolve();
    });
    ipcRenderer.send('start-down');
  });
  expect(page.down.outOfOrder === 0, `${page.down.outOfOrder} messages to the page out of order`);
  expect(await ipcRenderer.invoke('echo', 'after') === 'after', 'IPC after the floods');
  ipcRenderer.send('report', page);
}

run().catch((err) => {
  page.problems.push(`preload threw: ${err && err.stack}`);
  ipcRenderer.send('report', page);
});
