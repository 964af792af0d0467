// shell on the app's own session bus: checks what can be checked here and
// exits 0; tests/gui/test-shell.c checks what the desktop did (the URL and
// folder handlers it installed ran).  Arguments: the folder the test made.
const { app, shell } = require('electron');
const fs = require('fs');
const path = require('path');
const { check, same, rejection, throwsSync, deadline, fail } = require('../lib/checks');

const [work] = process.argv.slice(2);
deadline(60000);

// What the test's handler (a script the desktop runs) was given, once it
// has run.
function handled(name) {
  const file = path.join(work, name);
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (!fs.existsSync(file)) return;
      clearInterval(poll);
      resolve(fs.readFileSync(file, 'utf8'));
    }, 20);
  });
}

async function badInput() {
  const conversion = (v) => `TypeError: Error processing argument at index 0, conversion failure from ${v}`;
  throwsSync(() => shell.openExternal(), 'TypeError: Insufficient number of arguments.', 'openExternal()');
  throwsSync(() => shell.openExternal(42), conversion('42'), 'openExternal(42)');
  throwsSync(() => shell.openExternal({}), conversion('#<Object>'), 'openExternal({})');
  throwsSync(() => shell.openPath(null), conversion('null'), 'openPath(null)');
  throwsSync(() => shell.showItemInFolder(7), conversion('7'), 'showItemInFolder(7)');
  throwsSync(() => shell.trashItem([1]), conversion('1'), 'trashItem([1])');
  check(shell.readShortcutLink === undefined && shell.writeShortcutLink === undefined,
        'the Windows-only functions are absent, as in Electron on Linux');
  check(shell.beep() === undefined, 'beep() returns nothing');

  // Only URLs: a shell command line or a path is not one.
  for (const notUrl of ['rm -rf ~', '/etc/passwd', '', 'no scheme here', 'appd-test']) {
    const err = await rejection(shell.openExternal(notUrl));
    same(err.message, 'Failed to open path: not a URL', `openExternal(${JSON.stringify(notUrl)})`);
  }
  const huge = await rejection(shell.openExternal(`appd-test:${'a'.repeat(3 * 1024 * 1024)}`));
  check(/longer than/.test(huge.message), `a huge URL: ${huge.message}`);

  same(await shell.openPath(path.join(work, 'missing', 'file.txt')), 'The item does not exist',
       'openPath on a missing path');
  const trashMissing = await rejection(shell.trashItem(path.join(work, 'missing.txt')));
  check(/^Failed to move item to trash: /.test(trashMissing.message), `trash a missing file: ${trashMissing.message}`);
  const trashNul = await rejection(shell.trashItem(path.join(work, 'a\0b')));
  same(trashNul.message, 'Failed to move item to trash: not a path', 'a path with NUL');
}

async function trash() {
  // Under HOME, so it goes to the home trash ($XDG_DATA_HOME/Trash).
  const dir = fs.mkdtempSync(path.join(process.env.HOME, 'trash-me-'));
  const file = path.join(dir, 'doomed file.txt');
  fs.writeFileSync(file, 'bye');
  await shell.trashItem(file);
  check(!fs.existsSync(file), 'the trashed file is gone');
  const trash = path.join(process.env.XDG_DATA_HOME, 'Trash');
  const info = fs.readFileSync(path.join(trash, 'info', 'doomed file.txt.trashinfo'), 'utf8');
  check(/^\[Trash Info\]$/m.test(info), `trash info header: ${info}`);
  check(info.includes(`Path=${encodeURI(file)}\n`), `trash info Path: ${info}`);
  check(/^DeletionDate=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/m.test(info), `trash info DeletionDate: ${info}`);
  same(fs.readFileSync(path.join(trash, 'files', 'doomed file.txt'), 'utf8'), 'bye', 'the trashed content');
  fs.rmSync(dir, { recursive: true });
}

app.whenReady().then(async () => {
  await badInput();
  await trash();
  await shell.openExternal('appd-test:hello/world?x=1#frag');
  await handled('url-handler');
  const shown = path.join(work, 'shown', 'item.txt');
  fs.mkdirSync(path.dirname(shown));
  fs.writeFileSync(shown, 'x');
  check(shell.showItemInFolder(shown) === undefined, 'showItemInFolder returns nothing');
  await handled('folder-handler');
  console.log('shell checks done');
  app.exit(0);
}).catch((err) => fail(err.stack));
