// Runs until quit; its package.json asks not to be restored after appd
// ends abnormally.
const { app } = require('electron');
app.on('window-all-closed', () => {});
app.whenReady().then(() => console.log('session-opt-out ready'));
