// Sends its own process SIGTERM, as if it were Node's own process; that
// must end this app alone.
const { app } = require('electron');
app.whenReady().then(() => process.kill(process.pid, 'SIGTERM'));
