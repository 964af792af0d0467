// Electron's WebFrameMain, for a page's main frame (webContents.mainFrame,
// the senderFrame of its IPC events).
//
// Takes nothing; returns {mainFrameOf}.
(function (require, ctx, internal) {
  'use strict';

  // The page's only frame as Electron's WebFrameMain shows it; one object
  // per webContents, so senderFrame compares equal across messages.
  function mainFrameOf(wc) {
    if (wc._mainFrame) return wc._mainFrame;
    const frame = {
      get url() {
        return wc._url;
      },
      get origin() {
        try {
          return new URL(wc._url).origin;
        } catch {
          return '';
        }
      },
      name: '',
      // Chromium's ids are per process; one page per renderer here, so the
      // webContents id stands for the process and the frame is the first.
      processId: wc.id,
      routingId: 1,
      frameTreeNodeId: 1,
      osProcessId: 0,
      get top() {
        return frame;
      },
      parent: null,
      get frames() {
        return [];
      },
      get framesInSubtree() {
        return [frame];
      },
      isDestroyed: () => wc.isDestroyed(),
      send: (channel, ...args) => wc.send(channel, ...args),
      executeJavaScript: (code, userGesture) => wc.executeJavaScript(code, userGesture),
    };
    wc._mainFrame = frame;
    return frame;
  }

  return { mainFrameOf };
});
