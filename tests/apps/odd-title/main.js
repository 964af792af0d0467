// A window whose title, set once the page has loaded, holds Unicode
// noncharacters, which sd-bus refuses, and one created with a title that
// is not ASCII.  The page has no title of its own.
// Runs until asked to quit.
const { app, BrowserWindow } = require('electron');

app.on('window-all-closed', () => {});
app.whenReady().then(async () => {
  const win = new BrowserWindow({ title: 'odd-title', width: 300, height: 200 });
  await win.loadFile('index.html');
  win.setTitle('Odd \uFFFF\uFDD0 \uDBFF\uDFFE title');
  // A channel D-Bus cannot carry is refused with a message, not renamed.
  win.webContents.send('odd\uFFFE', 1);
  // A window created with a title GLib's ASCII option parsing refused.
  const cafe = new BrowserWindow({ title: 'Caf\u00e9 \uFFFE', width: 300, height: 200 });
  cafe.loadFile('index.html').catch((err) => console.log(`odd-title: ${err.message}`));
  console.log('odd-title: title set');
});
