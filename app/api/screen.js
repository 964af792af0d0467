// Electron's screen module (docs/api/screen.md of the release in
// docs/compat.md): the displays as appd-desktop sees them through GDK,
// the pointer, and display-added, display-removed and
// display-metrics-changed.  Synchronous, as in Electron: each call waits
// for appd's answer (ctx.desktop, app/desktop-binding.c).  The app hears
// of display changes only while it listens for them (AppHost.ScreenWatch);
// each change, it compares the displays with those it knew, as Electron
// does.
//
// Takes isReady.  Returns {screen, displaysChanged}: the latter is for
// daemon-events.js.
(function (require, ctx, internal) {
  'use strict';

  const EventEmitter = require('events');

  const { isReady } = internal;
  const desktop = ctx.desktop;
  const EVENTS = new Set(['display-added', 'display-removed', 'display-metrics-changed']);

  function checkReady() {
    if (!isReady()) throw new Error("The 'screen' module can't be used before the app 'ready' event");
  }

  const rect = (x, y, width, height) => ({ x, y, width, height });

  // Electron's Display from appd-desktop's description (Desktop.GetDisplays);
  // what GDK does not tell is what Electron reports for it on Linux.
  function toDisplay(raw) {
    const scaleFactor = raw.scaleFactor || 1;
    return {
      id: raw.id,
      label: raw.label || '',
      bounds: rect(raw.x, raw.y, raw.width, raw.height),
      workArea: rect(raw.workX, raw.workY, raw.workWidth, raw.workHeight),
      accelerometerSupport: 'unknown',
      monochrome: false,
      colorDepth: 24,
      colorSpace: '{primaries:BT709, transfer:SRGB, matrix:RGB, range:FULL}',
      depthPerComponent: 8,
      detected: true,
      displayFrequency: raw.refreshRate || 0,
      internal: /^(eDP|LVDS|DSI)/.test(raw.connector || ''),
      maximumCursorSize: { width: 0, height: 0 },
      nativeOrigin: { x: Math.round(raw.x * scaleFactor), y: Math.round(raw.y * scaleFactor) },
      rotation: 0,
      scaleFactor,
      size: { width: raw.width, height: raw.height },
      workAreaSize: { width: raw.workWidth, height: raw.workHeight },
      touchSupport: 'unknown',
    };
  }

  function allDisplays() {
    return desktop.screenDisplays().map(toDisplay);
  }

  function requirePoint(point) {
    if (!point || typeof point !== 'object' || !Number.isFinite(point.x) || !Number.isFinite(point.y))
      throw new TypeError('point must be an object with numbers x and y');
    return point;
  }

  function requireRect(r) {
    if (!r || typeof r !== 'object' || ![r.x, r.y, r.width, r.height].every(Number.isFinite))
      throw new TypeError('rect must be an object with numbers x, y, width and height');
    return r;
  }

  // How far a point is from a rectangle (0 inside).
  function distance(b, p) {
    const dx = Math.max(b.x - p.x, 0, p.x - (b.x + b.width));
    const dy = Math.max(b.y - p.y, 0, p.y - (b.y + b.height));
    return Math.hypot(dx, dy);
  }

  function nearest(displays, point, boundsOf = (d) => d.bounds) {
    let best = displays[0];
    for (const d of displays)
      if (distance(boundsOf(d), point) < distance(boundsOf(best), point)) best = d;
    return best;
  }

  function overlap(a, b) {
    const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
    const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
    return w > 0 && h > 0 ? w * h : 0;
  }

  const physical = (d) => rect(d.nativeOrigin.x, d.nativeOrigin.y,
                                d.bounds.width * d.scaleFactor, d.bounds.height * d.scaleFactor);

  const screen = new EventEmitter();
  Object.assign(screen, {
    getCursorScreenPoint() {
      checkReady();
      return desktop.screenCursor();
    },
    getPrimaryDisplay() {
      checkReady();
      return allDisplays()[0];
    },
    getAllDisplays() {
      checkReady();
      return allDisplays();
    },
    getDisplayNearestPoint(point) {
      checkReady();
      return nearest(allDisplays(), requirePoint(point));
    },
    getDisplayMatching(r) {
      checkReady();
      requireRect(r);
      const displays = allDisplays();
      let best = null;
      let most = 0;
      for (const d of displays) {
        const area = overlap(d.bounds, r);
        if (area > most) {
          most = area;
          best = d;
        }
      }
      return best || nearest(displays, { x: r.x + r.width / 2, y: r.y + r.height / 2 });
    },
    screenToDipPoint(point) {
      checkReady();
      requirePoint(point);
      const d = nearest(allDisplays(), point, physical);
      return {
        x: d.bounds.x + (point.x - d.nativeOrigin.x) / d.scaleFactor,
        y: d.bounds.y + (point.y - d.nativeOrigin.y) / d.scaleFactor,
      };
    },
    dipToScreenPoint(point) {
      checkReady();
      requirePoint(point);
      const d = nearest(allDisplays(), point);
      return {
        x: Math.round(d.nativeOrigin.x + (point.x - d.bounds.x) * d.scaleFactor),
        y: Math.round(d.nativeOrigin.y + (point.y - d.bounds.y) * d.scaleFactor),
      };
    },
  });

  // The displays as last seen while the app listens, by id.
  let known = null;

  function listening() {
    return [...EVENTS].some((name) => screen.listenerCount(name) > 0);
  }

  screen.on('newListener', (name) => {
    if (!EVENTS.has(name) || known) return;
    desktop.screenWatch(true);
    known = new Map(allDisplays().map((d) => [d.id, d]));
  });
  screen.on('removeListener', (name) => {
    if (!EVENTS.has(name) || !known || listening()) return;
    known = null;
    desktop.screenWatch(false);
  });

  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  // appd-desktop said the displays changed.
  function displaysChanged() {
    if (!known) return;
    const now = new Map(allDisplays().map((d) => [d.id, d]));
    const before = known;
    known = now;
    for (const [id, d] of before)
      if (!now.has(id)) screen.emit('display-removed', { sender: screen }, d);
    for (const [id, d] of now) {
      const old = before.get(id);
      if (!old) {
        screen.emit('display-added', { sender: screen }, d);
        continue;
      }
      const changed = ['bounds', 'workArea', 'scaleFactor', 'rotation'].filter((key) => !same(old[key], d[key]));
      if (changed.length) screen.emit('display-metrics-changed', { sender: screen }, d, changed);
    }
  }

  return { screen, displaysChanged };
});
