// What the daemon tells the app (docs/js-messages.md, "Daemon → app"),
// routed to app, the windows and their pages: {t: 'ev', json} for the
// daemon's events, {t: 'ipc', ...} for a page's IPC messages.
//
// Takes app, settleCall, windowGone, handleIpc, handleMenuEvent, windows,
// displaysChanged and themeChanged.  Returns
// {dispatch(msg)}.
(function (require, ctx, internal) {
  'use strict';

  const { app, settleCall, windowGone, handleIpc, handleMenuEvent, windows, displaysChanged,
          themeChanged } = internal;

  function onDaemonEvent(msg) {
    if (!msg || typeof msg !== 'object') return;
    if (msg.ev === 'quit') {
      app.quit();
      return;
    }
    if (msg.ev === 'error') {
      console.error(`appd: ${msg.message}`);
      return;
    }
    if (msg.ev === 'wc-reply') {
      settleCall(msg);
      return;
    }
    if (msg.ev === 'displays-changed') {
      displaysChanged();
      return;
    }
    if (msg.ev === 'theme-changed') {
      themeChanged();
      return;
    }
    const win = windows.get(msg.id);
    if (!win) return;
    const wc = win.webContents;
    switch (msg.ev) {
      case 'window-ready':
        wc._rendererGone = false;
        win._xid = Number(msg.xid) || 0;
        break;
      case 'load':
        wc._onLoad(msg);
        break;
      case 'load-failed':
        wc._onLoadFailed(msg);
        break;
      case 'title':
        wc._onTitle(String(msg.title));
        break;
      case 'close-requested':
        win.close();
        break;
      case 'closed':
        windowGone(win);
        break;
      case 'renderer-gone':
        // The window stays; the next load starts a new renderer in it.
        wc._rendererGone = true;
        wc._gone(String(msg.reason || 'crashed'), msg.exitCode | 0);
        break;
      case 'window-state':
        win._onState(msg.state);
        break;
      case 'wc-event':
        wc._onEvent(String(msg.name), msg.details && typeof msg.details === 'object' ? msg.details : {});
        break;
      default:
        break;
    }
  }

  function dispatch(msg) {
    if (!msg || typeof msg !== 'object') return;
    if (msg.t === 'ev') {
      let event;
      try {
        event = JSON.parse(msg.json);
      } catch (err) {
        console.error(`appd: malformed event from the daemon: ${err.message}`);
        return;
      }
      onDaemonEvent(event);
    } else if (msg.t === 'ipc') {
      const win = windows.get(msg.id);
      if (win) handleIpc(win.webContents, msg);
    } else if (msg.t === 'menu') {
      handleMenuEvent(msg);
    }
  }

  return { dispatch };
});
