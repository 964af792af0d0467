/* The embedded Node runtime, seen from C: appd-app (app/main.c) runs one
 * app with it, and relays to appd over its link; test-js-runtime drives it
 * directly.
 *
 * One bootstrap Node environment runs on a dedicated js thread; the app's
 * main script runs in a Worker (own isolate, resource limits) so that an
 * exception, process.exit(), an endless loop or heap exhaustion ends the
 * app without ending the process before its end is reported.  Functions
 * here are called on the main thread and never block on the js thread;
 * callbacks arrive on the main thread through the GMainContext given to
 * js_runtime_start().
 *
 * Messages between an app and the daemon are JSON objects (see
 * docs/js-messages.md).  Which app a message comes from is known from the
 * Worker it arrived on, never from its contents. */
#pragma once

#include <glib.h>
#include <stddef.h>

typedef struct {
        /* An app's electron module asked the daemon for something.  The
         * text comes from app code unchecked: it may be any string, not
         * only the JSON objects of docs/js-messages.md.  `payload` is the
         * binary IPC payload attached to `send`, `invoke-reply` and
         * `send-sync-reply` ops (protocol/ipc-codec.js frame), else NULL/0. */
        void (*app_message)(const char *app_id, const char *json, const void *payload,
                            size_t payload_size, gpointer user_data);
        /* A chunk of the app's stdout (stream 1) or stderr (stream 2). */
        void (*app_output)(const char *app_id, int stream, const char *text, gpointer user_data);
        /* The app's Worker has ended; called exactly once per started app,
         * after all of its messages and output.  reason and exit_code:
         *   "exit"       process.exit(n) / app.exit(n) / app.quit() (0)   n
         *   "exception"  uncaught exception, also while loading the main
         *                script (SyntaxError, missing module); message is
         *                the error's stack                                 1
         *   "oom"        JS heap over max_old_generation_mb               134
         *   "killed"     js_app_kill()                                    137
         *   "failed"     the Worker could not start, flooded the daemon's
         *                queue, or the runtime itself ended; message says  1
         * message: error text, or "".  What ends the whole process (a
         * signal: "crashed" or "killed", code 128 + signal) is not seen
         * here: appd reports it from the process's wait status
         * (daemon/app-process.h). */
        void (*app_exited)(const char *app_id, int exit_code, const char *reason,
                           const char *message, gpointer user_data);
} JsRuntimeCallbacks;

typedef struct {
        const char *app_id;       /* unique among running apps */
        const char *name;         /* package.json name (app.getName()) */
        const char *version;      /* package.json version */
        const char *app_dir;      /* absolute folder (app.getAppPath()) */
        const char *main_path;    /* absolute path of the main script */
        const char *user_data_dir;/* app.getPath('userData') */
        const char *const *args;  /* process.argv.slice(2); NULL-terminated, may be NULL */
        unsigned max_old_generation_mb; /* JS heap limit; 0: 512 */
        /* Remembered window states, JSON object text (stateKey → {x, y,
         * width, height, maximized}) for workerData.windowStates; NULL for
         * none.  Malformed text gives {} and a message on the app's stderr. */
        const char *window_states_json;
        unsigned ipc_max_payload; /* bytes an IPC message may have; 0: APPD_IPC_MAX_PAYLOAD */
} JsAppSpec;

/* Start the js thread and the bootstrap environment; waits until it is up
 * (~0.1 s).  main_context NULL means the default context.  Returns 0,
 * -EALREADY, or a negative errno.
 *
 * Node leaves signal dispositions alone here: the daemon must ignore
 * SIGPIPE itself, or a write to a closed socket from an app kills it. */
int js_runtime_start(GMainContext *main_context, const JsRuntimeCallbacks *callbacks,
                     gpointer user_data);

/* Terminate every app, stop the bootstrap environment and join the js
 * thread.  Blocks (milliseconds; at most ~2 s if the bootstrap itself is
 * stuck); only for daemon shutdown.  No callback runs after it returns:
 * apps still running are not reported. */
void js_runtime_stop(void);

/* Start an app.  Asynchronous: failure to load the main script arrives as
 * app_exited with reason "exception" or "failed".  The spec is copied.
 * -EINVAL for a missing id or a relative app_dir/main_path, -EEXIST while an
 * app with this id has not been reported exited, -ENOTCONN when the runtime
 * is not running, -ENOBUFS when the queue to the js thread is full.
 *
 * The functions below return the same errors, and -ESRCH for an app id
 * that is not running.  All copy their arguments. */
int js_app_start(const JsAppSpec *spec);

/* Deliver a daemon event (JSON object text) to the app's electron module. */
int js_app_post(const char *app_id, const char *json);

/* Deliver IPC from a page.  `payload` is the arguments as the page's
 * ipcRenderer framed them with protocol/ipc-codec.js (bytes, not trusted:
 * a malformed one is dropped and logged by the app).  kind and req:
 *   "send"       ipcRenderer.send: ipcMain listeners run (req unused)
 *   "invoke"     ipcRenderer.invoke: the ipcMain.handle handler runs; the
 *                app answers with op invoke-reply {id, req, ok, error} and
 *                the result frame attached
 *   "send-sync"  ipcRenderer.sendSync: listeners run; the app answers with
 *                op send-sync-reply {id, req, ok, error} and
 *                event.returnValue framed and attached */
int js_app_post_ipc(const char *app_id, guint window_id, const char *kind, gint64 req,
                    const char *channel, const void *payload, size_t size);

/* End the app's Worker at once (worker.terminate()); app_exited follows
 * with reason "killed". */
int js_app_kill(const char *app_id);
