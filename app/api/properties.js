// Electron's properties that stand for a getter and a setter method
// (win.title for getTitle() and setTitle(), webContents.zoomFactor …).
//
// Takes nothing; returns {defineAccessors(prototype, table)}, table being
// [property, getter, setter] triples of names.
(function (require, ctx, internal) {
  'use strict';

  function defineAccessors(prototype, table) {
    for (const [prop, getter, setter] of table) {
      Object.defineProperty(prototype, prop, {
        get() {
          return this[getter]();
        },
        set(value) {
          this[setter](value);
        },
      });
    }
  }

  return { defineAccessors };
});
