// The app's own connection to the session bus (app/session-bus.c), for
// what the desktop must attribute to the app itself: portal requests,
// notifications, the file manager.  Opened on first use; it keeps the app
// running only while a call waits or a watch asks to.
//
// Takes nothing; returns {sessionBus}:
//   call(dest, path, iface, member, signature, args) → Promise<values>;
//     the promise of a call that failed rejects with an Error whose
//     dbusName is the D-Bus error name; `.sender` of the values array is
//     the unique name of the service that answered
//   watch({path, iface, member}, keep, listener(err, values, path, sender))
//     → {remove()}: a signal watch; keep: the app stays alive while it is
//     in place.  err comes once, when the connection is lost, and ends it
//   portalRequest(iface, method, signature, args) → Promise<{response,
//     results}>: an xdg-desktop-portal call that answers with a Request
//     object; the last of args is its options (a{sv}), to which the
//     request's handle_token is added
(function (require, ctx, internal) {
  'use strict';

  const crypto = require('crypto');

  const bus = ctx.bus;
  const PORTAL = 'org.freedesktop.portal.Desktop';
  const PORTAL_PATH = '/org/freedesktop/portal/desktop';
  const REQUEST_IFACE = 'org.freedesktop.portal.Request';

  function busError(err) {
    const error = new Error(err.message);
    error.dbusName = err.name;
    return error;
  }

  function call(dest, path, iface, member, signature, args) {
    return new Promise((resolve, reject) => {
      bus.call(dest, path, iface, member, signature, args, (err, values, sender) => {
        if (err) return reject(busError(err));
        values.sender = sender;
        resolve(values);
      });
    });
  }

  function watch({ path = null, iface = null, member = null }, keep, listener) {
    let id = bus.match(null, path, iface, member, !!keep, (err, values, signalPath, sender) => {
      if (err) id = 0;
      listener(err ? busError(err) : null, values, signalPath, sender);
    });
    return {
      remove() {
        if (id) bus.unmatch(id);
        id = 0;
      },
    };
  }

  // The connection's unique name, once the bus has answered Hello: a
  // call to the bus itself waits for that.
  async function uniqueName() {
    let name = bus.uniqueName();
    if (name === null) {
      await call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'GetId',
                 '', []);
      name = bus.uniqueName();
    }
    return name;
  }

  // xdg-desktop-portal's Request/Response: the Response signal is watched
  // on the path the request will have (predicted from the connection's
  // name and our handle_token) before the call goes out, so it cannot be
  // missed; a portal that answers with another path (before 0.9) is
  // watched there instead.
  async function portalRequest(iface, method, signature, args) {
    const sender = (await uniqueName()).replace(/^:/, '').replace(/\./g, '_');
    const token = `appd_${crypto.randomBytes(8).toString('hex')}`;
    const predicted = `${PORTAL_PATH}/request/${sender}/${token}`;
    const options = { ...args[args.length - 1], handle_token: ['s', token] };
    return new Promise((resolve, reject) => {
      let settled = false;
      let current = null;
      const listen = (path) => {
        if (current) current.remove();
        current = watch({ path, iface: REQUEST_IFACE, member: 'Response' }, true,
                        (err, values) => {
                          current.remove();
                          if (settled) return;
                          settled = true;
                          if (err) reject(err);
                          else resolve({ response: values[0], results: values[1] || {} });
                        });
      };
      try {
        listen(predicted);
      } catch (err) {
        reject(err);
        return;
      }
      call(PORTAL, PORTAL_PATH, iface, method, signature, [...args.slice(0, -1), options])
        .then(([handle]) => {
          if (!settled && handle !== predicted) listen(handle);
        }, (err) => {
          current.remove();
          if (settled) return;
          settled = true;
          reject(err);
        });
    });
  }

  const sessionBus = { call, watch, portalRequest, uniqueName };
  return { sessionBus };
});
