// Aborts its process: process.abort() where Node allows it, else SIGABRT
// (a Worker may not call process.abort()); that must end this app alone.
const { app } = require('electron');
app.whenReady().then(() => {
  try {
    process.abort();
  } catch {
    process.kill(process.pid, 'SIGABRT');
  }
});
