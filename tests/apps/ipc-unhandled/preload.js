const { ipcRenderer } = require('electron');

const problems = [];

// n invokes of each channel, at most 100 waiting at a time (appd takes
// 256 per window); each must be rejected as Electron rejects it.
async function invokeAll(channels, n) {
  const calls = [];
  for (const channel of channels)
    for (let i = 0; i < n; i++) calls.push(channel);
  for (let i = 0; i < calls.length; i += 100) {
    await Promise.all(calls.slice(i, i + 100).map(async (channel) => {
      const want = `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`;
      try {
        await ipcRenderer.invoke(channel, 'x');
        problems.push(`'${channel}' resolved`);
      } catch (err) {
        if (err.message !== want && problems.length < 10) problems.push(`'${channel}': ${err.message}`);
      }
    }));
  }
}

async function run() {
  await invokeAll(['nope'], 500);
  await invokeAll(['nope-too'], 100);
  // A channel name that would start a line of its own in the log.
  await invokeAll(['evil\nchannel'], 3);
  // Many channels, once each.
  await invokeAll(Array.from({ length: 200 }, (_, i) => `many-${i}`), 1);
  ipcRenderer.send('done', problems);
}

run().catch((err) => ipcRenderer.send('done', [`preload: ${err.message}`]));
