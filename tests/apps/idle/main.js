// Runs until asked to quit; says it is alive, and counts ticks so that a
// test can see its event loop keeps turning.
const { app } = require('electron');
let ticks = 0;
setInterval(() => { ticks++; }, 10);
app.on('window-all-closed', () => {});
app.on('will-quit', () => console.log(`idle quitting after ${ticks > 0 ? 'some' : 'no'} ticks`));
app.whenReady().then(() => console.log(`idle ready: ${app.getName()} ${app.getVersion()}`));
