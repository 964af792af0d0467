// Marks the world it runs in, and says what it has; the page reports.
const { ipcRenderer } = require('electron');

window.preloadWorld = true;
const facts = {
  preloadHasFs: (() => {
    try {
      return typeof require('fs').readFileSync === 'function';
    } catch {
      return false;
    }
  })(),
  preloadHasRemote: (() => {
    try {
      return typeof require('electron').remote.require('path').join === 'function';
    } catch {
      return false;
    }
  })(),
};
if (window.top === window) {
  window.addEventListener('DOMContentLoaded', () => {
    const mode = new URLSearchParams(location.search).get('mode');
    const problems = [];
    const want = mode === 'defaults'
      ? { preloadHasFs: true, preloadHasRemote: true }
      : { preloadHasFs: false, preloadHasRemote: false };
    for (const [key, value] of Object.entries(want))
      if (facts[key] !== value) problems.push(`${key}: ${facts[key]}`);
    // The page's own view, read after its scripts ran.
    const page = document.body.dataset;
    const pageWant = mode === 'defaults'
      ? { sharedWorld: 'true', pageRequire: 'function' }
      : { sharedWorld: 'false', pageRequire: 'undefined' };
    for (const [key, value] of Object.entries(pageWant))
      if (page[key] !== value) problems.push(`page ${key}: ${page[key]}`);
    ipcRenderer.send('report', mode, problems);
  });
}
