const { ipcRenderer } = require('electron');

window.addEventListener('DOMContentLoaded', async () => {
  const big = new Uint8Array(200 * 1024);
  let count = 0;
  for (let i = 0; i < 100; i++, count++) {
    ipcRenderer.send('send', i, big);
    ipcRenderer.sendSync('sync', i);
  }
  for (let i = 100; i < 200; i++, count++) {
    ipcRenderer.send('send', i, big);
    await ipcRenderer.invoke('check', i);
  }
  const answers = [];
  for (let i = 200; i < 300; i++, count++) {
    answers.push(ipcRenderer.invoke('big', i, big));
    ipcRenderer.send('after', i);
  }
  await Promise.all(answers);
  ipcRenderer.send('done', count);
});
