// Electron's ipcMain, and what becomes of a page's IPC messages: events on
// its webContents, its webContents.ipc and ipcMain, in Electron's order;
// invoke handlers; the answers the page waits for.  A page's messages
// arrive as {t: 'ipc', id, kind, req, channel, payload} with the page's
// arguments framed by protocol/ipc-codec.js (ctx.codec); everything sent
// back is framed the same way and attached to the op as bytes.  See
// docs/ipc.md.
//
// Takes mainFrameOf.  Returns {ipcMain, IpcMainImpl (also each
// webContents.ipc), ipcFrame(args) (the bytes of a message to a page),
// handleIpc(wc, msg), setInternalChannel(channel, handler)}.
(function (require, ctx, internal) {
  'use strict';

  const EventEmitter = require('events');

  const { mainFrameOf } = internal;

  const codec = ctx.codec;
  // The daemon refuses larger payloads (its configured limit, 8 MiB by
  // default); saying so here beats a message that silently never arrives.
  const IPC_MAX_PAYLOAD = ctx.ipcMaxPayload > 0 ? ctx.ipcMaxPayload : 8 * 1024 * 1024;

  function ipcFrame(args) {
    const bytes = codec.frame(codec.encode(args));
    if (bytes.length > IPC_MAX_PAYLOAD)
      throw new Error(`IPC message of ${bytes.length} bytes is over the limit of ${IPC_MAX_PAYLOAD}`);
    return bytes;
  }

  // ipcMain, and each webContents.ipc.
  class IpcMainImpl extends EventEmitter {
    constructor() {
      super();
      this._invokeHandlers = new Map();
      // As in Electron: a page must not make the app throw by sending on a
      // channel named 'error'.
      this.on('error', () => {});
    }

    handle(channel, handler) {
      if (this._invokeHandlers.has(channel))
        throw new Error(`Attempted to register a second handler for '${channel}'`);
      if (typeof handler !== 'function')
        throw new TypeError(`Expected handler to be a function, but found type '${typeof handler}'`);
      this._invokeHandlers.set(channel, handler);
    }

    handleOnce(channel, handler) {
      this.handle(channel, (event, ...args) => {
        this.removeHandler(channel);
        return handler(event, ...args);
      });
    }

    removeHandler(channel) {
      this._invokeHandlers.delete(channel);
    }
  }

  const ipcMain = new IpcMainImpl();

  function invokeEvent(wc) {
    const frame = mainFrameOf(wc);
    return {
      type: 'frame',
      sender: wc,
      senderFrame: frame,
      processId: frame.processId,
      frameId: frame.routingId,
    };
  }

  function messageEvent(wc) {
    return Object.assign(invokeEvent(wc), {
      ports: [],
      returnValue: undefined,
      reply(channel, ...args) {
        wc.send(channel, ...args);
      },
    });
  }

  // Answer an invoke or sendSync; the page is waiting for it.  call is
  // {wc, op, req, link}: an answer goes back on the page link the call
  // came on, else through appd as op (invoke-reply, send-sync-reply).
  // value: the result frame when ok, else the error's message.
  function answer(call, ok, value) {
    const { wc, op, req } = call;
    if (wc.isDestroyed()) return;
    if (call.link) ctx.answerPage(req, ok, value);
    else if (ok) ctx.post({ op, id: wc.id, req, ok: true }, value);
    else ctx.post({ op, id: wc.id, req, ok: false, error: value });
  }

  function ipcReply(call, result) {
    let bytes;
    try {
      bytes = ipcFrame([result]);
    } catch (err) {
      answer(call, false, String(err));
      return;
    }
    answer(call, true, bytes);
  }

  function onIpcSend(wc, channel, args) {
    const event = messageEvent(wc);
    // Electron's order: the webContents, its own ipc, then ipcMain.
    wc.emit('ipc-message', event, channel, ...args);
    wc.ipc.emit(channel, event, ...args);
    ipcMain.emit(channel, event, ...args);
  }

  function onIpcSendSync(wc, call, channel, args) {
    const event = messageEvent(wc);
    try {
      wc.emit('ipc-message-sync', event, channel, ...args);
      wc.ipc.emit(channel, event, ...args);
      ipcMain.emit(channel, event, ...args);
    } finally {
      // Electron leaves the page hanging when nobody sets returnValue; here
      // it gets undefined, and a throwing listener does not block it either.
      ipcReply(call, event.returnValue);
    }
  }

  // Invokes on channels without a handler are rejected every time, but a
  // page can make thousands: the log gets the first of each channel in
  // full (Electron's words, without a stack), then at most one line per
  // channel per interval counting the rest.  While UNHANDLED_MAX_CHANNELS
  // channels are being counted, invokes on others are counted together.
  const UNHANDLED_LOG_INTERVAL_MS = 10000;
  const UNHANDLED_MAX_CHANNELS = 50;
  const unhandled = new Map(); // channel → invokes not logged yet
  let unhandledOther = 0;
  let unhandledTimer = null;

  // Channel names come from pages: keep each one on its log line.
  function logChannel(channel) {
    return channel.replace(/[\0-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  }

  // Logs the counts so far; a channel quiet for a whole interval is
  // forgotten, so its next invoke is logged in full again.
  function flushUnhandled() {
    for (const [channel, n] of unhandled) {
      if (n === 0) {
        unhandled.delete(channel);
        continue;
      }
      console.error(`No handler registered for '${logChannel(channel)}': ${n} more invoke${n === 1 ? '' : 's'} rejected`);
      unhandled.set(channel, 0);
    }
    if (unhandledOther > 0)
      console.error(`No handler registered: ${unhandledOther} more invoke${unhandledOther === 1 ? '' : 's'} rejected on other channels`);
    unhandledOther = 0;
    if (unhandled.size === 0 && unhandledTimer) {
      clearInterval(unhandledTimer);
      unhandledTimer = null;
    }
  }

  function logUnhandledInvoke(channel) {
    const n = unhandled.get(channel);
    if (n !== undefined) {
      unhandled.set(channel, n + 1);
    } else if (unhandled.size >= UNHANDLED_MAX_CHANNELS) {
      unhandledOther++;
    } else {
      const c = logChannel(channel);
      console.error(`Error occurred in handler for '${c}': No handler registered for '${c}'`);
      unhandled.set(channel, 0);
    }
    if (!unhandledTimer) {
      unhandledTimer = setInterval(flushUnhandled, UNHANDLED_LOG_INTERVAL_MS);
      unhandledTimer.unref();
    }
  }
  // What is counted but not yet logged is logged as the app ends.
  process.on('exit', flushUnhandled);

  async function onIpcInvoke(wc, call, channel, args) {
    const target = [wc.ipc, ipcMain].find((t) => t._invokeHandlers.has(channel));
    if (!target) {
      logUnhandledInvoke(channel);
      answer(call, false,
             `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
      return;
    }
    let result;
    try {
      const handler = target._invokeHandlers.get(channel);
      result = await handler(invokeEvent(wc), ...args);
      if (wc.isDestroyed()) return;
      // Inside the try: a result that cannot be sent fails the invoke, as
      // in Electron.
      const bytes = ipcFrame([result]);
      answer(call, true, bytes);
    } catch (err) {
      console.error(`Error occurred in handler for '${channel}':`, err);
      let text;
      try {
        text = String(err);
      } catch {
        text = 'Error';
      }
      answer(call, false, `Error invoking remote method '${channel}': ${text}`);
    }
  }

  // Channels of appd's own page-side code (Node in pages, remote): their
  // messages go to the handler set here and never reach ipcMain.
  const internalChannels = new Map(); // channel → handler(wc, kind, args, reply)

  // A page's message for the app: msg is {t: 'ipc', id, kind, req, channel,
  // payload, link} from the window of wc (link: it came on a page link).
  function handleIpc(wc, msg) {
    const { kind, req, channel } = msg;
    const call = { wc, op: `${kind}-reply`, req, link: msg.link === true };
    if (typeof channel !== 'string' || !(msg.payload instanceof ArrayBuffer)) return;
    const answers = kind === 'invoke' || kind === 'send-sync';
    if (!answers && kind !== 'send') return;
    let args;
    try {
      args = codec.decode(codec.unframe(new Uint8Array(msg.payload)));
    } catch (err) {
      console.error(`Dropped IPC message on '${channel}': malformed payload: ${err.message}`);
      // The page waits for an answer to these; do not leave it hanging.
      if (answers)
        answer(call, false, `Malformed IPC message on '${channel}'`);
      return;
    }
    const internalHandler = internalChannels.get(channel);
    if (internalHandler) {
      if (kind === 'invoke') answer(call, false, `'${channel}' is reserved`);
      else internalHandler(wc, kind, args, (result) => ipcReply(call, result));
      return;
    }
    if (kind === 'send') onIpcSend(wc, channel, args);
    else if (kind === 'send-sync') onIpcSendSync(wc, call, channel, args);
    else onIpcInvoke(wc, call, channel, args);
  }

  function setInternalChannel(channel, handler) {
    internalChannels.set(channel, handler);
  }

  return { ipcMain, IpcMainImpl, ipcFrame, handleIpc, setInternalChannel };
});
