// The bootstrap environment: one per daemon, on the js thread.  It owns one
// Worker per app and relays between the Workers and the daemon's C code.
// Node runs this file as a function body with `process` and `require`.
'use strict';

const { Worker } = require('worker_threads');

const binding = process._linkedBinding('appd');

// The app's own window ids (BrowserWindow.id), allocated without a round
// trip.  This process runs one app; the daemon gives windows ids of its own
// and maps between the two.
const windowCounter = new Int32Array(new SharedArrayBuffer(4));

const DEFAULT_HEAP_MB = 512;
// Wait this long for a dead Worker's stdout/stderr to drain before
// reporting its exit anyway.
const DRAIN_TIMEOUT_MS = 500;

const apps = new Map(); // appId → state of its Worker
let shuttingDown = false;

function log(text) {
  binding.log(String(text));
}

function describe(err) {
  if (err && typeof err.stack === 'string') return err.stack;
  try {
    return String(err);
  } catch {
    return 'uncaught exception';
  }
}

function report(appId, app) {
  if (app.reported) return;
  app.reported = true;
  clearTimeout(app.drainTimer);
  apps.delete(appId);

  const error = app.error;
  if (app.killed) binding.exited(appId, 137, 'killed', '');
  else if (app.failure) binding.exited(appId, 1, 'failed', app.failure);
  else if (error && error.code === 'ERR_WORKER_OUT_OF_MEMORY')
    binding.exited(appId, 134, 'oom', String(error.message));
  else if (error && error.code === 'ERR_WORKER_INIT_FAILED')
    binding.exited(appId, 1, 'failed', describe(error));
  else if (app.hasError) binding.exited(appId, 1, 'exception', describe(error));
  else binding.exited(appId, app.exitCode, 'exit', '');

  if (shuttingDown && apps.size === 0) binding.close();
}

function maybeReport(appId, app) {
  if (app.exitCode === null || app.openStreams > 0) return;
  report(appId, app);
}

function kill(appId, app, failure) {
  if (app.killed || app.failure || app.exitCode !== null) return;
  if (failure) app.failure = failure;
  else app.killed = true;
  app.worker.terminate();
}

function start(appId, specText) {
  if (apps.has(appId) || shuttingDown) {
    binding.exited(appId, 1, 'failed', 'app is already running');
    return;
  }
  let spec;
  try {
    spec = JSON.parse(specText);
  } catch (err) {
    binding.exited(appId, 1, 'failed', `invalid app spec: ${err.message}`);
    return;
  }

  let worker;
  try {
    worker = new Worker(binding.workerSource, {
      eval: true,
      workerData: {
        appId,
        name: spec.name,
        version: spec.version,
        appDir: spec.appDir,
        mainPath: spec.mainPath,
        userDataDir: spec.userDataDir,
        args: spec.args,
        ipcMaxPayload: spec.ipcMaxPayload,
        linkToken: spec.linkToken,
        windowStates: typeof spec.windowStates === 'string' ? spec.windowStates : '{}',
        windowCounter,
        electronSource: binding.electronSource,
        codecSource: binding.codecSource,
        remoteSource: binding.remoteSource,
      },
      resourceLimits: {
        maxOldGenerationSizeMb: spec.maxOldGenerationMb || DEFAULT_HEAP_MB,
      },
      stdout: true,
      stderr: true,
    });
  } catch (err) {
    binding.exited(appId, 1, 'failed', describe(err));
    return;
  }

  const app = {
    worker,
    killed: false,
    failure: null,
    hasError: false,
    error: undefined,
    exitCode: null,
    openStreams: 2,
    drainTimer: null,
    reported: false,
  };
  apps.set(appId, app);

  // Identity comes from the Worker the message arrived on; its contents
  // are passed on untouched for the daemon to validate.
  // Output beyond the daemon's queue limit is dropped, not fatal.
  worker.on('message', (msg) => {
    if (typeof msg === 'string') {
      if (!binding.send(appId, msg))
        kill(appId, app, 'too many messages queued for the daemon');
    } else if (msg && typeof msg.json === 'string' && msg.payload instanceof ArrayBuffer) {
      // A message with IPC bytes attached (send, invoke-reply,
      // send-sync-reply); the binding copies them.
      if (!binding.send(appId, msg.json, msg.payload))
        kill(appId, app, 'too many messages queued for the daemon');
    } else if (msg && (msg.fd === 1 || msg.fd === 2) && typeof msg.text === 'string') {
      binding.output(appId, msg.fd, msg.text);
    }
  });
  for (const [stream, fd] of [[worker.stdout, 1], [worker.stderr, 2]]) {
    // Whatever bypasses the electron module's process.stdout.
    stream.setEncoding('utf8');
    stream.on('data', (text) => binding.output(appId, fd, text));
    stream.on('end', () => {
      app.openStreams--;
      maybeReport(appId, app);
    });
  }
  worker.on('error', (err) => {
    app.hasError = true;
    app.error = err;
  });
  worker.on('exit', (code) => {
    app.exitCode = code;
    app.drainTimer = setTimeout(() => report(appId, app), DRAIN_TIMEOUT_MS);
    maybeReport(appId, app);
  });
}

// payload (an ArrayBuffer the binding made for this call), ipcKind and req
// are set for 'ipc' only.
function dispatch(kind, appId, text, payload, windowId, ipcKind, req) {
  if (kind === 'start') {
    start(appId, text);
    return;
  }
  if (kind === 'shutdown') {
    shuttingDown = true;
    if (apps.size === 0) binding.close();
    for (const [id, app] of apps) kill(id, app);
    return;
  }
  const app = apps.get(appId);
  if (!app || app.exitCode !== null) return;
  if (kind === 'post') app.worker.postMessage({ t: 'ev', json: text });
  else if (kind === 'ipc')
    app.worker.postMessage(
      { t: 'ipc', id: windowId, kind: ipcKind, req, channel: text, payload },
      [payload]);
  // A kill with a reason (an app that flooded the daemon) ends it as failed.
  else if (kind === 'kill') kill(appId, app, text);
}

// A bug here must not take every app down with it.
process.on('uncaughtException', (err) => log(`bootstrap: ${describe(err)}`));
process.on('unhandledRejection', (err) => log(`bootstrap: ${describe(err)}`));

binding.init(dispatch);
