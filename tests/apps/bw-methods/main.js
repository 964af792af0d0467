// Setters answer at once through the getters; events follow when the
// window has changed.
const { app, BrowserWindow } = require('electron');
const { fail, deadline, check, same, waitFor } = require('../lib/checks.js');
const path = require('path');

deadline(30000);
app.on('window-all-closed', () => {});

async function main() {
  const win = new BrowserWindow({ x: 60, y: 70, width: 400, height: 300, show: false });
  const events = [];
  for (const name of ['show', 'hide', 'focus', 'blur', 'resize', 'move'])
    win.on(name, () => events.push(name));

  const ready = waitFor(win, 'ready-to-show');
  await win.loadFile('index.html');
  await ready;

  // show/hide: the event comes from the call, once per change.
  win.show();
  win.show();
  same(events.filter((e) => e === 'show'), ['show'], "'show' events");
  check(win.isVisible(), 'visible after show()');
  win.hide();
  same(events.filter((e) => e === 'hide'), ['hide'], "'hide' events");
  check(!win.isVisible(), 'hidden after hide()');
  win.showInactive();
  check(win.isVisible(), 'visible after showInactive()');

  // Focus comes back from the window manager.
  const focused = waitFor(win, 'focus');
  win.focus();
  await focused;
  check(win.isFocused(), 'isFocused after focus');
  check(BrowserWindow.getFocusedWindow() === win, 'getFocusedWindow');

  // Bounds: the getters answer at once; 'resize' and 'move' follow.
  const resized = waitFor(win, 'resize');
  const moved = waitFor(win, 'move');
  win.setBounds({ x: 100, y: 110, width: 500, height: 350 });
  same(win.getBounds(), { x: 100, y: 110, width: 500, height: 350 }, 'getBounds after setBounds');
  await Promise.all([resized, moved]);
  same(win.getSize(), [500, 350], 'size after resize');

  const resized2 = waitFor(win, 'resize');
  win.setSize(450, 320);
  same(win.getSize(), [450, 320], 'getSize after setSize');
  await resized2;
  win.setContentSize(440, 310);
  same(win.getContentSize(), [440, 310], 'getContentSize after setContentSize');
  const moved2 = waitFor(win, 'move');
  win.setPosition(130, 140);
  same(win.getPosition(), [130, 140], 'getPosition after setPosition');
  await moved2;
  // Partial bounds keep the rest.
  win.setBounds({ width: 420 });
  same(win.getBounds().width, 420, 'partial setBounds');
  same(win.getBounds().height, 310, 'partial setBounds keeps height');

  win.setMinimumSize(200, 150);
  same(win.getMinimumSize(), [200, 150], 'getMinimumSize');
  win.setMaximumSize(800, 600);
  same(win.getMaximumSize(), [800, 600], 'getMaximumSize');

  win.setResizable(false);
  same(win.isResizable(), false, 'isResizable');
  win.setResizable(true);
  same(win.resizable, true, 'resizable property');

  const onTop = [];
  win.on('always-on-top-changed', (event, flag) => onTop.push(flag));
  win.setAlwaysOnTop(true);
  same(win.isAlwaysOnTop(), true, 'isAlwaysOnTop');
  win.setAlwaysOnTop(false);
  same(onTop, [true, false], "'always-on-top-changed' events");

  win.setBackgroundColor('#ABCDEF');
  same(win.getBackgroundColor(), '#ABCDEF', 'getBackgroundColor');
  win.setBackgroundColor('#80102030');
  same(win.getBackgroundColor(), '#102030', 'getBackgroundColor without alpha');

  win.setTitle('methods');
  same(win.getTitle(), 'methods', 'getTitle');
  win.setClosable(false);
  same(win.isClosable(), false, 'isClosable');
  win.setClosable(true);
  win.setMovable(false);
  same(win.isMovable(), false, 'isMovable');
  win.setMinimizable(false);
  same(win.isMinimizable(), false, 'isMinimizable');
  win.setMaximizable(false);
  same(win.isMaximizable(), false, 'isMaximizable');
  win.setSkipTaskbar(true);
  win.setProgressBar(0.5);
  win.setProgressBar(-1);
  win.flashFrame(true);
  win.flashFrame(false);
  win.setIcon(path.join(__dirname, 'icon.png'));
  win.setIcon('icon.png');

  // The page still answers after all of that.
  same(await win.webContents.executeJavaScript('document.body.textContent.trim()'), 'alive', 'page');

  const closed = waitFor(win, 'closed');
  win.close();
  await closed;
  check(win.isDestroyed(), 'destroyed after close');
}

app.whenReady().then(main).then(() => app.exit(0), (err) => fail(err.message));
