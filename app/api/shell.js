// Electron's shell module (docs/api/shell.md): URLs and files opened with
// the desktop's default applications, on the app's own session bus
// connection, so the desktop sees the app ask, never appd.
//
// openExternal and openPath go to xdg-desktop-portal's OpenURI; when no
// portal answers, to xdg-open (no shell), saying why on the app's stderr.
// showItemInFolder asks the file manager (org.freedesktop.FileManager1),
// else the portal's OpenDirectory, else opens the folder with xdg-open.
// trashItem follows the freedesktop.org Trash specification
// (app/trash.c).  readShortcutLink and writeShortcutLink are Windows-only
// and, as in Electron on Linux, absent.
//
// Takes requireArgs, stringArg (arguments.js) and sessionBus; returns
// {shell}.
(function (require, ctx, internal) {
  'use strict';

  const childProcess = require('child_process');
  const fs = require('fs');
  const path = require('path');
  const url = require('url');

  const { requireArgs, stringArg, sessionBus } = internal;

  const OPEN_URI = 'org.freedesktop.portal.OpenURI';
  // Chromium's limit for a URL (url::kMaxURLChars).
  const URL_MAX = 2 * 1024 * 1024;
  // Errors D-Bus gives when nobody serves the name: then xdg-open.
  const ABSENT = new Set([
    'org.freedesktop.DBus.Error.ServiceUnknown',
    'org.freedesktop.DBus.Error.NameHasNoOwner',
    'org.freedesktop.DBus.Error.UnknownMethod',
    'org.freedesktop.DBus.Error.UnknownObject',
    'org.freedesktop.DBus.Error.UnknownInterface',
    'org.freedesktop.DBus.Error.NoReply',
    'org.freedesktop.DBus.Error.Disconnected',
    'org.freedesktop.DBus.Error.Spawn.ChildExited',
    'org.freedesktop.DBus.Error.TimedOut',
  ]);

  function note(text) {
    process.stderr.write(`appd: ${text}\n`);
  }

  // The portal did not answer at all (as opposed to answering no).
  function portalAbsent(err) {
    if (err.code === 'ENOBUFS') return false;
    return !err.dbusName || ABSENT.has(err.dbusName);
  }

  // Starts xdg-open on target, without a shell and without waiting for
  // what it opens to end; resolves once it runs.
  function xdgOpen(target, cwd) {
    return new Promise((resolve, reject) => {
      const child = childProcess.spawn('xdg-open', [target], {
        cwd,
        stdio: 'ignore',
        detached: true,
        // What xdg-open falls back on (mailcap) must not wait for a
        // terminal the app does not have.
        env: { ...process.env, MM_NOTTTY: '1' },
      });
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    });
  }

  // Responses of a portal request: 0 done, 1 cancelled, 2 failed.
  function portalResponseError(response) {
    return response === 1 ? 'the user cancelled it' : 'no application could open it';
  }

  async function openExternal(target) {
    if (target.length > URL_MAX) throw new Error(`Failed to open path: the URL is longer than ${URL_MAX} characters`);
    let href;
    try {
      href = new URL(target).href;
    } catch {
      throw new Error('Failed to open path: not a URL');
    }
    let answer = null;
    try {
      answer = await sessionBus.portalRequest(OPEN_URI, 'OpenURI', 'ssa{sv}', ['', href, {}]);
    } catch (err) {
      if (!portalAbsent(err)) throw new Error(`Failed to open path: ${err.message}`);
      note(`shell.openExternal: no desktop portal (${err.message}); using xdg-open`);
    }
    if (answer && answer.response === 0) return;
    if (answer) throw new Error(`Failed to open path: ${portalResponseError(answer.response)}`);
    try {
      await xdgOpen(href);
    } catch (err) {
      throw new Error(`Failed to open path: xdg-open: ${err.message}`);
    }
  }

  async function openPath(target) {
    const full = path.resolve(target);
    let fd;
    try {
      fd = fs.openSync(full, fs.constants.O_RDONLY | fs.constants.O_CLOEXEC);
    } catch (err) {
      return err.code === 'ENOENT' ? 'The item does not exist' : err.message;
    }
    try {
      const { response } = await sessionBus.portalRequest(OPEN_URI, 'OpenFile', 'sha{sv}', ['', fd, {}]);
      return response === 0 ? '' : `Failed to open path: ${portalResponseError(response)}`;
    } catch (err) {
      if (!portalAbsent(err)) return err.message;
      note(`shell.openPath: no desktop portal (${err.message}); using xdg-open`);
    } finally {
      fs.closeSync(fd);
    }
    try {
      await xdgOpen(full, path.dirname(full));
      return '';
    } catch (err) {
      return `xdg-open: ${err.message}`;
    }
  }

  async function showItemInFolder(fullPath) {
    const full = path.resolve(fullPath);
    try {
      await sessionBus.call('org.freedesktop.FileManager1', '/org/freedesktop/FileManager1',
                            'org.freedesktop.FileManager1', 'ShowItems', 'ass',
                            [[url.pathToFileURL(full).href], '']);
      return;
    } catch (err) {
      if (!portalAbsent(err)) note(`shell.showItemInFolder: the file manager failed: ${err.message}`);
    }
    // The portal opens the folder that holds the item.
    let fd = -1;
    try {
      fd = fs.openSync(full, fs.constants.O_RDONLY | fs.constants.O_CLOEXEC);
      const { response } = await sessionBus.portalRequest(OPEN_URI, 'OpenDirectory', 'sha{sv}',
                                                          ['', fd, {}]);
      if (response === 0) return;
    } catch (err) {
      if (err.dbusName && !portalAbsent(err)) note(`shell.showItemInFolder: the portal failed: ${err.message}`);
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
    const folder = path.dirname(full);
    if (!fs.existsSync(folder)) return;
    try {
      await xdgOpen(folder, folder);
    } catch (err) {
      note(`shell.showItemInFolder: xdg-open: ${err.message}`);
    }
  }

  const shell = {
    openExternal(...args) {
      requireArgs(args, 1);
      const target = stringArg(args, 0);
      return openExternal(target);
    },
    openPath(...args) {
      requireArgs(args, 1);
      return openPath(stringArg(args, 0));
    },
    showItemInFolder(...args) {
      requireArgs(args, 1);
      showItemInFolder(stringArg(args, 0));
    },
    trashItem(...args) {
      requireArgs(args, 1);
      const target = stringArg(args, 0);
      return new Promise((resolve, reject) => {
        // C would read "a\0b" as "a".
        if (target === '' || target.includes('\0'))
          return reject(new Error('Failed to move item to trash: not a path'));
        ctx.trash(target, (error) => {
          if (error === null) resolve();
          else reject(new Error(`Failed to move item to trash: ${error}`));
        });
      });
    },
    // The app process has no display connection; see docs/compat.md.
    beep() {},
  };

  return { shell };
});
