// Runs until asked to quit; says when it is ready and when it quits.
const { app } = require('electron');
let ticks = 0;
setInterval(() => { ticks++; }, 10);
app.on('window-all-closed', () => {});
app.on('will-quit', () => console.log(`idle quitting after ${ticks} ticks`));
app.whenReady().then(() => console.log(`idle ready: ${app.getName()} ${app.getVersion()}`));
