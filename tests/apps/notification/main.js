// Notification through the session's notification server.  Argument
// "server": one runs (tests/gui/test-notification.c clicks the
// notification once this app prints "notification shown"); "absent":
// none does.  Exits 0 when every check holds.
const { app, Notification } = require('electron');
const { check, same, waitFor, throwsSync, deadline, fail } = require('../lib/checks');

const mode = process.argv[2];
deadline(60000);

function properties() {
  const n = new Notification({ title: 'T', subtitle: 'S', body: 'B', silent: true, urgency: 'low',
                               timeoutType: 'never', hasReply: true, closeButtonText: 'X',
                               actions: [{ type: 'button', text: 'Go' }] });
  same([n.title, n.subtitle, n.body, n.silent, n.urgency, n.timeoutType, n.hasReply, n.closeButtonText],
       ['T', 'S', 'B', true, 'low', 'never', true, 'X'], 'properties from the options');
  same(n.actions, [{ type: 'button', text: 'Go' }], 'actions');
  n.title = 'T2';
  same(n.title, 'T2', 'title set');
  throwsSync(() => { n.title = 5; }, 'TypeError: Error processing argument at index 0, conversion failure from 5', 'title = 5');
  throwsSync(() => { n.silent = 'yes'; }, 'TypeError: Error processing argument at index 0, conversion failure from yes', "silent = 'yes'");
  // Wrong types in the options are left out, as Electron's native side does.
  const odd = new Notification({ title: 42, body: null, silent: 'no' });
  same([odd.title, odd.body, odd.silent], ['', '', false], 'options of the wrong type');
  same(new Notification().title, '', 'no options');
  same(new Notification('text').body, '', 'options not an object');
}

async function withServer() {
  check(Notification.isSupported() === true, 'isSupported() with a server');

  // A click on the notification reaches the app; the server closes it.
  const n = new Notification({ title: 'appd test', body: 'Click me', timeoutType: 'never' });
  const shown = waitFor(n, 'show');
  const closed = waitFor(n, 'close', 30000);
  n.show();
  await shown;
  console.log('notification shown');
  await waitFor(n, 'click', 30000);
  n.close();
  await closed;

  // close() closes it.
  const m = new Notification({ title: 'appd test 2', body: 'Closed by the app', timeoutType: 'never' });
  const mClosed = waitFor(m, 'close');
  m.show();
  await waitFor(m, 'show');
  m.close();
  await mClosed;

  // Closed before the server answered show(): closed once it has.
  const early = new Notification({ title: 'appd test 3', timeoutType: 'never' });
  const earlyClosed = waitFor(early, 'close');
  early.show();
  early.close();
  await earlyClosed;

  // Hostile sizes fail without reaching the server.
  const big = new Notification({ title: 'big', body: 'y'.repeat(70000) });
  big.show();
  const [, error] = await waitFor(big, 'failed');
  check(/longer than 65536 bytes/.test(error), `a huge body: ${error}`);
}

async function absent() {
  check(Notification.isSupported() === false, 'isSupported() without a server');
  const n = new Notification({ title: 'nobody', body: 'listens' });
  let showed = false;
  n.on('show', () => { showed = true; });
  n.show();
  const [event, error] = await waitFor(n, 'failed');
  check(typeof event === 'object', 'failed has an event');
  check(/org\.freedesktop\.Notifications/.test(error), `failed says why: ${error}`);
  check(!showed, 'no show');
  n.close();
}

app.whenReady().then(async () => {
  properties();
  if (mode === 'server') await withServer();
  else if (mode === 'absent') await absent();
  else throw new Error(`unknown mode ${mode}`);
  console.log('notification checks done');
  app.exit(0);
}).catch((err) => fail(err.stack));
