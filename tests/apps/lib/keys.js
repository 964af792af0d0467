// Keys for the self-checking menu apps: pressed with xdotool into the
// focused window (needs a window manager), and a window shown with the
// focus to take them.
const { execFile } = require('child_process');
const { waitFor } = require('./checks.js');

function keys(...names) {
  return new Promise((resolve, reject) => {
    execFile('xdotool', ['key', '--delay', '50', ...names], (err) => (err ? reject(err) : resolve()));
  });
}

// Loads index.html into win and waits until it is shown and focused.
async function showFocused(win) {
  const shown = waitFor(win, 'ready-to-show');
  await win.loadFile('index.html');
  await shown;
  if (!win.isFocused()) {
    const focused = waitFor(win, 'focus');
    win.focus();
    await focused;
  }
}

module.exports = { keys, showFocused };
