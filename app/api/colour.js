// Electron's colour strings (BrowserWindow's backgroundColor).
//
// Takes nothing; returns {parseColour, colourHex, colourCSS}.
(function (require, ctx, internal) {
  'use strict';

  const NAMED_COLOURS = {
    black: [0, 0, 0], silver: [192, 192, 192], gray: [128, 128, 128], grey: [128, 128, 128],
    white: [255, 255, 255], maroon: [128, 0, 0], red: [255, 0, 0], purple: [128, 0, 128],
    fuchsia: [255, 0, 255], magenta: [255, 0, 255], green: [0, 128, 0], lime: [0, 255, 0],
    olive: [128, 128, 0], yellow: [255, 255, 0], navy: [0, 0, 128], blue: [0, 0, 255],
    teal: [0, 128, 128], aqua: [0, 255, 255], cyan: [0, 255, 255], orange: [255, 165, 0],
  };

  // Electron's colour strings: #RGB, #ARGB, #RRGGBB, #AARRGGBB (alpha
  // first, unlike CSS), rgb(), rgba(), and CSS names.  null if unknown.
  function parseColour(text) {
    const s = String(text).trim().toLowerCase();
    let m = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(s);
    if (m) {
      let hex = m[1];
      if (hex.length <= 4) hex = [...hex].map((c) => c + c).join('');
      const n = hex.length === 8 ? hex : `ff${hex}`;
      return {
        a: parseInt(n.slice(0, 2), 16) / 255,
        r: parseInt(n.slice(2, 4), 16),
        g: parseInt(n.slice(4, 6), 16),
        b: parseInt(n.slice(6, 8), 16),
      };
    }
    m = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(s);
    if (m) {
      const c = (v) => Math.max(0, Math.min(255, Math.round(Number(v))));
      const a = m[4] === undefined ? 1 : Math.max(0, Math.min(1, Number(m[4])));
      return { r: c(m[1]), g: c(m[2]), b: c(m[3]), a };
    }
    if (s === 'transparent') return { r: 0, g: 0, b: 0, a: 0 };
    if (Object.prototype.hasOwnProperty.call(NAMED_COLOURS, s)) {
      const [r, g, b] = NAMED_COLOURS[s];
      return { r, g, b, a: 1 };
    }
    return null;
  }

  function colourHex(c) {
    const h = (v) => v.toString(16).padStart(2, '0').toUpperCase();
    return `#${h(c.r)}${h(c.g)}${h(c.b)}`;
  }

  // What the renderer gets: CSS, so the alpha-first hex never reaches it.
  function colourCSS(c) {
    return `rgba(${c.r},${c.g},${c.b},${Number(c.a.toFixed(3))})`;
  }

  return { parseColour, colourHex, colourCSS };
});
