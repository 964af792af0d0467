// Electron's Notification (docs/api/notification.md), through the desktop's
// notification server (org.freedesktop.Notifications: Notify,
// CloseNotification, ActionInvoked, NotificationClosed) on the app's own
// session bus connection, so the server sees the app send it.
//
// As Electron on Linux: a "default" action makes a click on the
// notification `click`; `urgency` and `timeoutType` become the urgency
// hint and the expiry; subtitle, hasReply, replyPlaceholder, sound,
// closeButtonText and toastXml are kept for their getters only.  Beyond
// Electron on Linux: `actions` of type button become the server's actions
// (`action` with their index), `silent` the suppress-sound hint, an
// `icon` (a path, or a NativeImage read from a file) the image-path hint.
//
// Takes conversionError, sessionBus, appName and imageFile; returns
// {Notification}.
(function (require, ctx, internal) {
  'use strict';

  const EventEmitter = require('events');
  const url = require('url');

  const { conversionError, sessionBus, appName, newEvent, imageFile } = internal;

  const SERVER = 'org.freedesktop.Notifications';
  const SERVER_PATH = '/org/freedesktop/Notifications';
  // What one notification's texts may hold: servers show a few lines.
  const TEXT_MAX = 64 * 1024;
  const URGENCY = { low: 0, normal: 1, critical: 2 };

  // Shown notifications by the server's id, while the server shows them.
  const shown = new Map();
  let server = null; // the unique name of the server that took them
  let watches = null;

  // The server's signals, for every notification of the app.  They never
  // hold the app: it lives until it quits, as in Electron.
  function watchServer() {
    if (watches) return;
    const on = (handler) => (err, values, path, sender) => {
      if (err) {
        watches = null;
        return;
      }
      if (sender !== server) return;
      const n = shown.get(values[0]);
      if (n) handler(n, values);
    };
    watches = [
      sessionBus.watch({ path: SERVER_PATH, iface: SERVER, member: 'ActionInvoked' }, false,
                       on((n, [, key]) => n._action(key))),
      sessionBus.watch({ path: SERVER_PATH, iface: SERVER, member: 'NotificationClosed' }, false,
                       on((n) => n._closed())),
    ];
  }

  const STRINGS = ['title', 'subtitle', 'body', 'replyPlaceholder', 'sound', 'closeButtonText',
                   'toastXml', 'urgency', 'timeoutType', 'id', 'groupId', 'groupTitle'];
  const BOOLEANS = ['silent', 'hasReply'];

  class Notification extends EventEmitter {
    constructor(options) {
      super();
      this._id = 0; // the server's, while shown
      this._showing = null;
      this._closeRequested = false;
      for (const key of STRINGS) this[`_${key}`] = '';
      for (const key of BOOLEANS) this[`_${key}`] = false;
      this._icon = null;
      this._actions = [];
      if (!options || typeof options !== 'object') return;
      // Like Electron's native side: what has the wrong type is left out.
      for (const key of STRINGS)
        if (typeof options[key] === 'string') this[`_${key}`] = options[key];
      for (const key of BOOLEANS)
        if (typeof options[key] === 'boolean') this[`_${key}`] = options[key];
      if (typeof options.icon === 'string') this._icon = options.icon;
      else if (imageFile(options.icon)) this._icon = imageFile(options.icon);
      if (Array.isArray(options.actions)) this._actions = options.actions.slice();
    }

    static isSupported() {
      // A quick question to the bus, on the app's own connection.
      try {
        const [owned] = ctx.bus.callSync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                         'org.freedesktop.DBus', 'NameHasOwner', 's', [SERVER], 5000);
        if (owned) return true;
        const [names] = ctx.bus.callSync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                         'org.freedesktop.DBus', 'ListActivatableNames', '', [], 5000);
        return names.includes(SERVER);
      } catch {
        return false;
      }
    }

    show() {
      const previous = this._id;
      if (previous) {
        // Electron: a second show() replaces the notification shown.
        shown.delete(previous);
        this._id = 0;
        sessionBus.call(SERVER, SERVER_PATH, SERVER, 'CloseNotification', 'u', [previous])
          .catch(() => {});
      }
      const failed = (message) => {
        this.emit('failed', newEvent(), message);
      };
      const title = this._title;
      const body = this._body;
      if (Buffer.byteLength(title) + Buffer.byteLength(body) > TEXT_MAX) {
        process.nextTick(failed, `The notification's title and body are longer than ${TEXT_MAX} bytes`);
        return;
      }
      const actions = ['default', 'View'];
      this._actions.forEach((action, index) => {
        if (action && action.type === 'button' && typeof action.text === 'string')
          actions.push(String(index), action.text.slice(0, 1024));
      });
      const hints = {
        urgency: ['y', URGENCY[this._urgency] ?? URGENCY.normal],
        'sender-pid': ['x', process.pid],
      };
      if (this._silent) hints['suppress-sound'] = ['b', true];
      if (this._icon) hints['image-path'] = ['s', url.pathToFileURL(this._icon).href];
      const timeout = this._timeoutType === 'never' ? 0 : -1;
      let call;
      try {
        watchServer();
        call = sessionBus.call(SERVER, SERVER_PATH, SERVER, 'Notify', 'susssasa{sv}i',
                               [appName(), 0, '', title, body, actions, hints, timeout]);
      } catch (err) {
        process.nextTick(failed, err.message);
        return;
      }
      this._closeRequested = false;
      const showing = call.then((values) => {
        if (this._showing !== showing) return;
        server = values.sender;
        this._id = values[0];
        shown.set(this._id, this);
        this.emit('show', newEvent());
        if (this._closeRequested) this.close();
      }, (err) => {
        if (this._showing === showing) failed(err.message);
      });
      this._showing = showing;
    }

    close() {
      const id = this._id;
      // Asked before the server answered: closed once it has.
      if (!id) {
        if (this._showing) this._closeRequested = true;
        return;
      }
      sessionBus.call(SERVER, SERVER_PATH, SERVER, 'CloseNotification', 'u', [id]).catch(() => {});
    }

    _action(key) {
      if (key === 'default') this.emit('click', newEvent());
      else if (/^\d+$/.test(key)) {
        const actionIndex = Number(key);
        this.emit('action', Object.assign(newEvent(), { actionIndex }), actionIndex);
      }
    }

    _closed() {
      shown.delete(this._id);
      this._id = 0;
      this._showing = null;
      this.emit('close', newEvent());
    }
  }

  // Instance properties over the options, as Electron's.
  for (const key of [...STRINGS, ...BOOLEANS]) {
    const type = STRINGS.includes(key) ? 'string' : 'boolean';
    Object.defineProperty(Notification.prototype, key, {
      get() {
        return this[`_${key}`];
      },
      set(value) {
        if (typeof value !== type) throw conversionError(0, value);
        this[`_${key}`] = value;
      },
      enumerable: true,
    });
  }
  Object.defineProperty(Notification.prototype, 'actions', {
    get() {
      return this._actions.slice();
    },
    set(value) {
      if (!Array.isArray(value)) throw conversionError(0, value);
      this._actions = value.slice();
    },
    enumerable: true,
  });

  return { Notification };
});
