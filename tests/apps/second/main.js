// Keeps running until asked to quit; used beside an app that fails.
const { app } = require('electron');
app.on('quit', () => console.log('second quit cleanly'));
app.whenReady().then(() => console.log('second ready'));
setInterval(() => {}, 1000);
