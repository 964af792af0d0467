// File choosers through the desktop portal; tests/gui/test-dialog.c
// answers each dialog on the display (by its title) with xdotool.
// Argument: the folder the test made, holding pick.txt.  Exits 0 when
// every check holds.
const { app, BrowserWindow, dialog } = require('electron');
const path = require('path');
const { check, same, throwsSync, deadline, fail } = require('../lib/checks');

const [work] = process.argv.slice(2);
deadline(90000);

throwsSync(() => dialog.showOpenDialog({}), 'Error: dialog module can only be used after app is ready',
           'before ready');

app.whenReady().then(async () => {
  throwsSync(() => dialog.showOpenDialog({ title: 5 }), 'TypeError: Title must be a string', 'title: 5');
  throwsSync(() => dialog.showSaveDialog({ properties: 'x' }), 'TypeError: Properties must be an array',
             "properties: 'x'");
  throwsSync(() => dialog.showOpenDialogSync({ defaultPath: 1 }), 'TypeError: Default path must be a string',
             'defaultPath: 1');
  throwsSync(() => dialog.showSaveDialog({ buttonLabel: [] }), 'TypeError: Button label must be a string',
             'buttonLabel: []');

  const win = new BrowserWindow({ width: 400, height: 300 });
  await win.loadURL('about:blank');
  check(win._xid > 0, 'the window has an X11 id');

  // The test types pick.txt's path and presses Return.
  const picked = await dialog.showOpenDialog(win, {
    title: 'appd open test', defaultPath: work, buttonLabel: 'Take',
    filters: [{ name: 'Text', extensions: ['txt'] }, { name: 'All', extensions: ['*'] }],
    properties: ['openFile'],
  });
  same(picked, { canceled: false, filePaths: [path.join(work, 'pick.txt')] }, 'showOpenDialog');

  // The test presses Escape.
  same(await dialog.showOpenDialog({ title: 'appd cancel test' }), { canceled: true, filePaths: [] },
       'showOpenDialog cancelled');
  same(dialog.showSaveDialogSync(win, { title: 'appd save sync test', defaultPath: path.join(work, 'new.txt') }),
       '', 'showSaveDialogSync cancelled');
  console.log('dialog checks done');
  app.exit(0);
}).catch((err) => fail(err.stack));
