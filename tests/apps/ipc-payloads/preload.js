const { ipcRenderer } = require('electron');

// values.js, from the main script (see there).
const { makeValues, checkValues } = new Function(
  `${ipcRenderer.sendSync('values-source')}\nreturn { makeValues, checkValues };`)();

const problems = [];
const expect = (ok, what) => {
  if (!ok) problems.push(what);
};

function refuses(fn, what) {
  try {
    fn();
    problems.push(`${what} was sent`);
  } catch (err) {
    expect(err.message === 'An object could not be cloned.', `${what}: ${err.message}`);
  }
}

async function run() {
  await new Promise((resolve) => {
    ipcRenderer.once('values', (event, ...args) => {
      for (const p of checkValues(args)) problems.push(`main → page: ${p}`);
      resolve();
    });
    ipcRenderer.send('values', ...makeValues());
  });

  try {
    const result = await ipcRenderer.invoke('values', ...makeValues());
    for (const p of checkValues(result)) problems.push(`invoke result: ${p}`);
  } catch (err) {
    problems.push(err.message);
  }

  const sync = ipcRenderer.sendSync('values-sync', ...makeValues());
  for (const p of checkValues(sync)) problems.push(`sendSync: ${p}`);

  refuses(() => ipcRenderer.send('x', () => 1), 'a function');
  refuses(() => ipcRenderer.send('x', { f: Symbol('s') }), 'a symbol');
  if (document.readyState === 'loading')
    await new Promise((resolve) => window.addEventListener('DOMContentLoaded', resolve));
  refuses(() => ipcRenderer.send('x', document.getElementById('node')), 'a DOM node');
  try {
    await ipcRenderer.invoke('x', document.body);
    problems.push('invoke with a DOM node resolved');
  } catch (err) {
    expect(err.message === 'An object could not be cloned.', `invoke with a DOM node: ${err.message}`);
  }
  try {
    await ipcRenderer.invoke('not-cloneable');
    problems.push('a result with a function resolved');
  } catch (err) {
    expect(/^Error invoking remote method 'not-cloneable': .*An object could not be cloned\.$/.test(err.message),
           `a result with a function: ${err.message}`);
  }

  ipcRenderer.send('done', problems);
}

run().catch((err) => ipcRenderer.send('done', [`preload threw: ${err && err.stack}`]));
