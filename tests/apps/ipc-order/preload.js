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
  let lateProgress = 0;
  for (let i = 300; i < 400; i++, count++) {
    let heard = -1;
    ipcRenderer.once('progress', (event, j) => {
      heard = j;
    });
    await ipcRenderer.invoke('progress-then-answer', i);
    if (heard !== i) lateProgress++;
  }
  ipcRenderer.send('done', count, lateProgress);
});
