// Runs until quit and says what it was started with, in a file the test
// names with --mark=PATH: one line per start with its arguments and, with
// --window, the bounds its remembered window had at construction; then one
// line per size the app was told its window has.  --size=WxH resizes the
// window to that size once it has loaded.
const { app, BrowserWindow } = require('electron');
const fs = require('fs');

const args = process.argv.slice(2);
const option = (name) => {
  const arg = args.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : null;
};
const mark = option('mark');
const size = option('size');
const write = (record) => fs.appendFileSync(mark, `${JSON.stringify(record)}\n`);

app.on('window-all-closed', () => {});
app.whenReady().then(async () => {
  if (!args.includes('--window')) {
    write({ start: args });
    return;
  }
  const win = new BrowserWindow({ x: 20, y: 20, width: 300, height: 200, appd: { stateKey: 'main' } });
  write({ start: args, bounds: win.getBounds() });
  win.on('resize', () => write({ told: win.getBounds() }));
  await win.loadFile('index.html');
  if (size) {
    const [width, height] = size.split('x').map(Number);
    win.setSize(width, height);
  }
});
