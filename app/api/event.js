// The event object Electron passes first to listeners of the events an app
// may prevent.
//
// Takes nothing; returns {newEvent}.
(function (require, ctx, internal) {
  'use strict';

  function newEvent() {
    let prevented = false;
    return {
      preventDefault() {
        prevented = true;
      },
      get defaultPrevented() {
        return prevented;
      },
    };
  }

  return { newEvent };
});
