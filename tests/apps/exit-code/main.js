// Exits with the code given as its first argument (3 by default), once ready.
const { app } = require('electron');
const code = Number(process.argv[2] ?? 3);
app.whenReady().then(() => app.exit(code));
