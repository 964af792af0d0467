/* The embedded Node runtime: js thread, bootstrap binding and the two queues
 * between the daemon's main thread and JavaScript.
 *
 * main thread ── napi_threadsafe_function (bounded) ──> bootstrap (js thread)
 * main thread <── GQueue + idle GSource (byte-bounded) ── bootstrap
 *
 * The bootstrap (bootstrap.js) owns one Worker per app and tells us which
 * app a message belongs to by the Worker it came from.
 *
 * Once an app's Worker has claimed its direct link (the appd_worker
 * binding, with the one-time token its workerData carries), daemon events
 * and IPC for it skip the bootstrap: they go to a threadsafe function in
 * the Worker's own environment, and its messages come back into the same
 * GQueue from the Worker's thread, bound to the app by the link. */
#define G_LOG_DOMAIN "appd-js"

#include "js-runtime.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/random.h>

#include <json-glib/json-glib.h>
#include <node_api.h>

#include "appd-protocol.h"
#include "node-shim.h"
#include "bootstrap-js.h"
#include "electron-js.h"
#include "ipc-codec-js.h"
#include "remote-js.h"
#include "worker-js.h"

/* Requests from the main thread that may wait for the js thread. */
#define JS_REQUEST_QUEUE_MAX 4096
/* What one app may have queued for the main thread and not yet taken:
 * bytes of messages and output, and their number.  Beyond either bound the
 * app's output is dropped and an app that keeps sending is ended; other
 * apps are not affected.  The bytes bound holds several of the largest IPC
 * messages (APPD_IPC_MAX_MESSAGE is at most 64 MiB). */
#define JS_APP_EVENT_BYTES_MAX (128u * 1024 * 1024)
/* Each event counts its own size too, so the bytes bound holds in
 * practice; this one keeps a burst of tiny messages (an app sending tens
 * of thousands in a loop, as Electron lets it) from being miscounted. */
#define JS_APP_EVENTS_MAX 262144u
/* Events delivered per main-loop iteration, so a chatty app cannot starve
 * the rest of the daemon. */
#define JS_EVENT_BATCH 64
#define JS_START_TIMEOUT_USEC (10 * G_USEC_PER_SEC)
/* How long js_runtime_stop() lets the bootstrap end its Workers before it
 * stops the environment outright. */
#define JS_STOP_GRACE_USEC (2 * G_USEC_PER_SEC)

typedef enum {
        JS_REQUEST_START,
        JS_REQUEST_POST,
        JS_REQUEST_IPC,
        JS_REQUEST_KILL,
        JS_REQUEST_SHUTDOWN,
} JsRequestKind;

static const char *const js_request_kind_names[] = {
        [JS_REQUEST_START] = "start",
        [JS_REQUEST_POST] = "post",
        [JS_REQUEST_IPC] = "ipc",
        [JS_REQUEST_KILL] = "kill",
        [JS_REQUEST_SHUTDOWN] = "shutdown",
};

typedef struct {
        JsRequestKind kind;
        char *app_id;
        char *text;             /* start: spec JSON; post: event JSON; ipc: channel */
        char *ipc_kind;         /* ipc: "send", "invoke" or "send-sync" */
        gint64 ipc_req;         /* ipc: the daemon's number for invoke/send-sync */
        void *payload;          /* ipc: the page's args, an ipc-codec frame */
        size_t payload_size;
        guint window_id;
} JsRequest;

typedef enum {
        JS_EVENT_MESSAGE,
        JS_EVENT_OUTPUT,
        JS_EVENT_EXITED,
        JS_EVENT_RUNTIME_GONE,  /* the bootstrap environment ended by itself */
} JsEventKind;

typedef struct {
        JsEventKind kind;
        char *app_id;
        char *text;             /* message JSON, output text or exit message */
        void *payload;          /* message: attached IPC bytes, or NULL */
        size_t payload_size;
        char *reason;
        int number;             /* output: stream; exited: exit code */
        size_t size;            /* counted against JS_APP_EVENT_BYTES_MAX */
} JsEvent;

typedef struct {
        /* Main thread only. */
        GMainContext *main_context;
        JsRuntimeCallbacks callbacks;
        gpointer user_data;
        GHashTable *apps;       /* ids started and not yet reported exited */
        GThread *thread;
        bool running;

        /* Set once on the js thread, read there. */
        GThread *js_thread;
        bool binding_taken;

        GMutex lock;            /* guards everything below */
        GCond cond;
        bool ready;             /* bootstrap called init() */
        bool done;              /* node_shim_run() returned */
        int status;
        NodeShimEnv *env;
        napi_threadsafe_function requests;
        GQueue events;
        GSource *events_source;
        GHashTable *links;      /* app id → JsAppLink */
} JsRuntime;

/* An app's direct link to its Worker. */
typedef struct {
        char token[33];         /* handed to the Worker in workerData; claimable once */
        bool claimed;
        bool flooded;           /* it filled the queue to the daemon: being ended */
        size_t queued_bytes;    /* of its events not yet taken by the main thread */
        unsigned queued;
        napi_threadsafe_function to_worker; /* NULL until claimed, and once its env ends */
} JsAppLink;

/* Node can be set up once per process, so there is one runtime. */
static JsRuntime runtime;

static void js_request_free(JsRequest *req) {
        if (!req)
                return;
        g_free(req->app_id);
        g_free(req->text);
        g_free(req->ipc_kind);
        g_free(req->payload);
        g_free(req);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JsRequest, js_request_free)

static void js_event_free(JsEvent *ev) {
        if (!ev)
                return;
        g_free(ev->app_id);
        g_free(ev->text);
        g_free(ev->payload);
        g_free(ev->reason);
        g_free(ev);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JsEvent, js_event_free)

/* ---- js thread → main thread ------------------------------------------ */

/* The app's link; runtime.lock held. */
static JsAppLink *js_app_link_lookup(const char *app_id) {
        return runtime.links && app_id ? g_hash_table_lookup(runtime.links, app_id) : NULL;
}

static void js_event_deliver(JsEvent *ev) {
        const JsRuntimeCallbacks *cb = &runtime.callbacks;

        switch (ev->kind) {
        case JS_EVENT_MESSAGE:
                if (cb->app_message && g_hash_table_contains(runtime.apps, ev->app_id))
                        cb->app_message(ev->app_id, ev->text, ev->payload, ev->payload_size,
                                        runtime.user_data);
                break;
        case JS_EVENT_OUTPUT:
                if (cb->app_output && g_hash_table_contains(runtime.apps, ev->app_id))
                        cb->app_output(ev->app_id, ev->number, ev->text, runtime.user_data);
                break;
        case JS_EVENT_EXITED:
                g_mutex_lock(&runtime.lock);
                g_hash_table_remove(runtime.links, ev->app_id);
                g_mutex_unlock(&runtime.lock);
                if (g_hash_table_remove(runtime.apps, ev->app_id) && cb->app_exited)
                        cb->app_exited(ev->app_id, ev->number, ev->reason, ev->text,
                                       runtime.user_data);
                break;
        case JS_EVENT_RUNTIME_GONE: {
                /* Every Worker went down with the environment. */
                g_autofree char **ids = NULL;

                runtime.running = false;
                g_warning("The JavaScript runtime ended unexpectedly");
                ids = (char **) g_hash_table_get_keys_as_array(runtime.apps, NULL);
                for (size_t i = 0; ids[i]; i++) {
                        g_autofree char *id = g_strdup(ids[i]);

                        if (!g_hash_table_remove(runtime.apps, id) || !cb->app_exited)
                                continue;
                        cb->app_exited(id, 1, "failed", "The JavaScript runtime ended",
                                       runtime.user_data);
                }
                break;
        }
        }
}

static gboolean js_events_dispatch_cb(gpointer user_data) {
        GQueue batch = G_QUEUE_INIT;
        gboolean more;
        JsEvent *ev;

        g_mutex_lock(&runtime.lock);
        while (batch.length < JS_EVENT_BATCH && (ev = g_queue_pop_head(&runtime.events))) {
                JsAppLink *link = js_app_link_lookup(ev->app_id);

                if (link && ev->kind != JS_EVENT_EXITED && ev->kind != JS_EVENT_RUNTIME_GONE) {
                        link->queued_bytes -= ev->size;
                        link->queued--;
                }
                g_queue_push_tail(&batch, ev);
        }
        more = !g_queue_is_empty(&runtime.events);
        if (!more)
                g_clear_pointer(&runtime.events_source, g_source_unref);
        g_mutex_unlock(&runtime.lock);

        /* A callback may stop the runtime; what is left is then dropped. */
        while ((ev = g_queue_pop_head(&batch))) {
                if (runtime.running || ev->kind == JS_EVENT_RUNTIME_GONE)
                        js_event_deliver(ev);
                js_event_free(ev);
        }
        return more ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Takes `ev`.  Unless `always`, refuses it (false) when its app already has
 * as many bytes or events waiting as it may, or is not running. */
static bool js_event_push(JsEvent *ev, bool always) {
        JsAppLink *link;

        g_mutex_lock(&runtime.lock);
        link = js_app_link_lookup(ev->app_id);
        if (!always) {
                if (!link || link->queued >= JS_APP_EVENTS_MAX ||
                    link->queued_bytes + ev->size > JS_APP_EVENT_BYTES_MAX) {
                        g_mutex_unlock(&runtime.lock);
                        js_event_free(ev);
                        return false;
                }
                link->queued_bytes += ev->size;
                link->queued++;
        }
        g_queue_push_tail(&runtime.events, ev);
        /* An explicit source, not g_main_context_invoke(): that runs the
         * callback right here when this thread can own the context. */
        if (!runtime.events_source && runtime.main_context) {
                GSource *source = g_idle_source_new();

                g_source_set_priority(source, G_PRIORITY_DEFAULT);
                g_source_set_name(source, "appd-js-events");
                g_source_set_callback(source, js_events_dispatch_cb, NULL, NULL);
                g_source_attach(source, runtime.main_context);
                runtime.events_source = source;
        }
        g_mutex_unlock(&runtime.lock);
        return true;
}

/* ---- the binding, seen by bootstrap.js as process._linkedBinding('appd') */

static char *js_value_dup_string(napi_env env, napi_value value, size_t *ret_len) {
        size_t len;
        char *s;

        if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok)
                return NULL;
        s = g_malloc(len + 1);
        if (napi_get_value_string_utf8(env, value, s, len + 1, &len) != napi_ok) {
                g_free(s);
                return NULL;
        }
        if (ret_len)
                *ret_len = len;
        return s;
}

static int js_args_get(napi_env env, napi_callback_info info, size_t n, napi_value *argv) {
        size_t argc = n;

        if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < n) {
                napi_throw_type_error(env, NULL, "appd binding: missing arguments");
                return -EINVAL;
        }
        return 0;
}

static napi_value js_boolean(napi_env env, bool b) {
        napi_value v;

        napi_get_boolean(env, b, &v);
        return v;
}

static JsEvent *js_event_new_from_args(napi_env env, JsEventKind kind, napi_value app_id,
                                       napi_value text) {
        g_autoptr(JsEvent) ev = g_new0(JsEvent, 1);
        size_t len = 0;

        ev->kind = kind;
        ev->app_id = js_value_dup_string(env, app_id, NULL);
        ev->text = text ? js_value_dup_string(env, text, &len) : g_strdup("");
        if (!ev->app_id || !ev->text) {
                napi_throw_type_error(env, NULL, "appd binding: expected strings");
                return NULL;
        }
        ev->size = len + strlen(ev->app_id) + sizeof(JsEvent);
        return g_steal_pointer(&ev);
}

/* The bytes of an ArrayBuffer or typed array, borrowed; false for any
 * other value. */
static bool js_value_get_bytes(napi_env env, napi_value value, const void **ret_data,
                               size_t *ret_size) {
        bool is_buffer = false, is_view = false;
        napi_typedarray_type type;
        napi_value buffer;
        size_t length, offset, element = 1;
        void *data = NULL;

        if (napi_is_arraybuffer(env, value, &is_buffer) == napi_ok && is_buffer) {
                if (napi_get_arraybuffer_info(env, value, &data, &length) != napi_ok)
                        return false;
                *ret_data = data;
                *ret_size = length;
                return true;
        }
        if (napi_is_typedarray(env, value, &is_view) != napi_ok || !is_view)
                return false;
        if (napi_get_typedarray_info(env, value, &type, &length, &data, &buffer, &offset) != napi_ok)
                return false;
        switch (type) {
        case napi_int16_array:
        case napi_uint16_array:
                element = 2;
                break;
        case napi_int32_array:
        case napi_uint32_array:
        case napi_float32_array:
                element = 4;
                break;
        case napi_float64_array:
        case napi_bigint64_array:
        case napi_biguint64_array:
                element = 8;
                break;
        default:
                break;
        }
        *ret_data = data;
        *ret_size = length * element;
        return true;
}

/* Attaches a copy of bytes (ArrayBuffer or typed array) to a message;
 * false, with a JavaScript TypeError, for anything else. */
static bool js_event_attach_bytes(napi_env env, JsEvent *ev, napi_value value) {
        const void *data = NULL;
        size_t size = 0;

        if (!js_value_get_bytes(env, value, &data, &size)) {
                napi_throw_type_error(env, NULL, "appd binding: payload must be bytes");
                return false;
        }
        /* Never NULL, so an empty payload still counts as attached. */
        ev->payload = g_malloc(size ?: 1);
        if (size > 0)
                memcpy(ev->payload, data, size);
        ev->payload_size = size;
        ev->size += size;
        return true;
}

/* send(appId, json[, bytes]) → false when the daemon's queue is full.
 * bytes (ArrayBuffer or Uint8Array) is the IPC frame of send, invoke-reply
 * and send-sync-reply; it is copied, so the caller may reuse it. */
static napi_value js_binding_send_cb(napi_env env, napi_callback_info info) {
        napi_value argv[3];
        size_t argc = G_N_ELEMENTS(argv);
        napi_valuetype type = napi_undefined;
        JsEvent *ev;

        if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) {
                napi_throw_type_error(env, NULL, "appd binding: missing arguments");
                return NULL;
        }
        ev = js_event_new_from_args(env, JS_EVENT_MESSAGE, argv[0], argv[1]);
        if (!ev)
                return NULL;
        if (argc > 2)
                napi_typeof(env, argv[2], &type);
        if (type != napi_undefined && type != napi_null && !js_event_attach_bytes(env, ev, argv[2])) {
                js_event_free(ev);
                return NULL;
        }
        return js_boolean(env, js_event_push(ev, false));
}

/* output(appId, stream, text) → false when dropped */
static napi_value js_binding_output_cb(napi_env env, napi_callback_info info) {
        napi_value argv[3];
        int32_t stream = 0;
        JsEvent *ev;

        if (js_args_get(env, info, 3, argv) < 0)
                return NULL;
        napi_get_value_int32(env, argv[1], &stream);
        ev = js_event_new_from_args(env, JS_EVENT_OUTPUT, argv[0], argv[2]);
        if (!ev)
                return NULL;
        ev->number = stream == 2 ? 2 : 1;
        return js_boolean(env, js_event_push(ev, false));
}

/* exited(appId, code, reason, message); never dropped */
static napi_value js_binding_exited_cb(napi_env env, napi_callback_info info) {
        napi_value argv[4];
        int32_t code = 1;
        JsEvent *ev;

        if (js_args_get(env, info, 4, argv) < 0)
                return NULL;
        napi_get_value_int32(env, argv[1], &code);
        ev = js_event_new_from_args(env, JS_EVENT_EXITED, argv[0], argv[3]);
        if (!ev)
                return NULL;
        ev->number = code;
        ev->reason = js_value_dup_string(env, argv[2], NULL);
        if (!ev->reason)
                ev->reason = g_strdup("failed");
        js_event_push(ev, true);
        return NULL;
}

/* log(text): the bootstrap's own trouble, for the daemon's journal */
static napi_value js_binding_log_cb(napi_env env, napi_callback_info info) {
        g_autofree char *text = NULL;
        napi_value argv[1];

        if (js_args_get(env, info, 1, argv) < 0)
                return NULL;
        text = js_value_dup_string(env, argv[0], NULL);
        g_log_structured(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "MESSAGE", "%s",
                         text ?: "(not a string)");
        return NULL;
}

static void js_request_call_cb(napi_env env, napi_value dispatch, void *context, void *data) {
        g_autoptr(JsRequest) req = data;
        napi_value argv[7], undefined;

        /* env is NULL when the function is torn down with requests queued. */
        if (!env)
                return;
        napi_get_undefined(env, &undefined);
        napi_create_string_utf8(env, js_request_kind_names[req->kind], NAPI_AUTO_LENGTH, &argv[0]);
        argv[1] = argv[2] = argv[3] = argv[5] = undefined;
        if (req->app_id)
                napi_create_string_utf8(env, req->app_id, NAPI_AUTO_LENGTH, &argv[1]);
        if (req->text)
                napi_create_string_utf8(env, req->text, NAPI_AUTO_LENGTH, &argv[2]);
        if (req->kind == JS_REQUEST_IPC) {
                void *bytes = NULL;

                /* A buffer of the bootstrap's own, so it can be transferred
                 * to the Worker without another copy. */
                if (napi_create_arraybuffer(env, req->payload_size, &bytes, &argv[3]) != napi_ok)
                        return;
                if (req->payload_size > 0)
                        memcpy(bytes, req->payload, req->payload_size);
                napi_create_string_utf8(env, req->ipc_kind, NAPI_AUTO_LENGTH, &argv[5]);
        }
        napi_create_uint32(env, req->window_id, &argv[4]);
        napi_create_int64(env, req->ipc_req, &argv[6]);
        /* An exception goes to the bootstrap's uncaughtException handler. */
        napi_call_function(env, undefined, dispatch, G_N_ELEMENTS(argv), argv, NULL);
}

static void js_requests_finalize_cb(napi_env env, void *data, void *hint) {
        g_mutex_lock(&runtime.lock);
        runtime.requests = NULL;
        g_mutex_unlock(&runtime.lock);
}

/* init(dispatch): from now on requests from the daemon reach dispatch() */
static napi_value js_binding_init_cb(napi_env env, napi_callback_info info) {
        napi_threadsafe_function tsfn;
        napi_value argv[1], name;

        if (js_args_get(env, info, 1, argv) < 0)
                return NULL;
        napi_create_string_utf8(env, "appd-requests", NAPI_AUTO_LENGTH, &name);
        /* The function stays referenced, which keeps the bootstrap's event
         * loop alive until close(). */
        if (napi_create_threadsafe_function(env, argv[0], NULL, name, JS_REQUEST_QUEUE_MAX, 1,
                                            NULL, js_requests_finalize_cb, NULL,
                                            js_request_call_cb, &tsfn) != napi_ok) {
                napi_throw_error(env, NULL, "appd binding: cannot create the request queue");
                return NULL;
        }
        g_mutex_lock(&runtime.lock);
        runtime.requests = tsfn;
        runtime.ready = true;
        g_cond_broadcast(&runtime.cond);
        g_mutex_unlock(&runtime.lock);
        return NULL;
}

/* close(): every app has ended; let the bootstrap's event loop run dry */
static napi_value js_binding_close_cb(napi_env env, napi_callback_info info) {
        napi_threadsafe_function tsfn;

        g_mutex_lock(&runtime.lock);
        tsfn = runtime.requests;
        g_mutex_unlock(&runtime.lock);
        if (tsfn)
                napi_release_threadsafe_function(tsfn, napi_tsfn_abort);
        return NULL;
}

static napi_value js_binding_init_module_cb(napi_env env, napi_value exports) {
        static const struct {
                const char *name;
                napi_callback cb;
        } functions[] = {
                { "init", js_binding_init_cb },
                { "send", js_binding_send_cb },
                { "output", js_binding_output_cb },
                { "exited", js_binding_exited_cb },
                { "log", js_binding_log_cb },
                { "close", js_binding_close_cb },
        };
        napi_value value;

        /* Workers inherit linked bindings; app code there must not get the
         * power to speak for other apps. */
        if (g_thread_self() != runtime.js_thread || runtime.binding_taken)
                return exports;
        runtime.binding_taken = true;

        for (size_t i = 0; i < G_N_ELEMENTS(functions); i++) {
                napi_create_function(env, functions[i].name, NAPI_AUTO_LENGTH, functions[i].cb,
                                     NULL, &value);
                napi_set_named_property(env, exports, functions[i].name, value);
        }
        napi_create_string_utf8(env, appd_js_worker, NAPI_AUTO_LENGTH, &value);
        napi_set_named_property(env, exports, "workerSource", value);
        napi_create_string_utf8(env, appd_js_electron, NAPI_AUTO_LENGTH, &value);
        napi_set_named_property(env, exports, "electronSource", value);
        napi_create_string_utf8(env, appd_js_ipc_codec, NAPI_AUTO_LENGTH, &value);
        napi_set_named_property(env, exports, "codecSource", value);
        napi_create_string_utf8(env, appd_js_remote, NAPI_AUTO_LENGTH, &value);
        napi_set_named_property(env, exports, "remoteSource", value);
        return exports;
}

/* ---- the Worker's own binding (appd_worker) --------------------------- */

static void js_link_finalize_cb(napi_env env, void *data, void *hint) {
        g_autofree char *app_id = data;
        JsAppLink *link;

        g_mutex_lock(&runtime.lock);
        link = runtime.links ? g_hash_table_lookup(runtime.links, app_id) : NULL;
        if (link)
                link->to_worker = NULL;
        g_mutex_unlock(&runtime.lock);
}

static void js_free_string_cb(napi_env env, void *data, void *hint) {
        g_free(data);
}

/* send(json[, bytes]) on a claimed link: as the bootstrap's send(), for
 * the app the link belongs to.  An app that fills the daemon's queue is
 * ended, as the bootstrap ends it. */
static napi_value js_link_send_cb(napi_env env, napi_callback_info info) {
        napi_value argv[2], app_id_value;
        size_t argc = G_N_ELEMENTS(argv);
        napi_valuetype type = napi_undefined;
        const char *app_id;
        void *data = NULL;
        JsEvent *ev;
        bool pushed;

        if (napi_get_cb_info(env, info, &argc, argv, NULL, &data) != napi_ok || argc < 1 || !data) {
                napi_throw_type_error(env, NULL, "appd link: missing arguments");
                return NULL;
        }
        app_id = data;
        napi_create_string_utf8(env, app_id, NAPI_AUTO_LENGTH, &app_id_value);
        ev = js_event_new_from_args(env, JS_EVENT_MESSAGE, app_id_value, argv[0]);
        if (!ev)
                return NULL;
        if (argc > 1)
                napi_typeof(env, argv[1], &type);
        if (type != napi_undefined && type != napi_null && !js_event_attach_bytes(env, ev, argv[1])) {
                js_event_free(ev);
                return NULL;
        }
        pushed = js_event_push(ev, false);
        if (!pushed) {
                JsAppLink *link;
                bool first;

                g_mutex_lock(&runtime.lock);
                link = runtime.links ? g_hash_table_lookup(runtime.links, app_id) : NULL;
                first = link && !link->flooded;
                if (first) {
                        JsRequest *kill = g_new0(JsRequest, 1);

                        link->flooded = true;
                        kill->kind = JS_REQUEST_KILL;
                        kill->app_id = g_strdup(app_id);
                        kill->text = g_strdup("too many messages queued for the daemon");
                        if (!runtime.requests ||
                            napi_call_threadsafe_function(runtime.requests, kill, napi_tsfn_nonblocking) != napi_ok)
                                js_request_free(kill);
                }
                g_mutex_unlock(&runtime.lock);
                if (first)
                        g_warning("App %s sends faster than appd takes its messages: ending it", app_id);
        }
        return js_boolean(env, pushed);
}

/* claim(token, receive) → { send }: called once by worker.js, before the
 * app's main script runs; from then on receive(kind, appId, text,
 * payload, windowId, ipcKind, req) gets the app's events and IPC. */
static napi_value js_link_claim_cb(napi_env env, napi_callback_info info) {
        g_autofree char *token = NULL;
        napi_threadsafe_function tsfn;
        napi_value argv[2], name, object, send;
        GHashTableIter it;
        gpointer key, value;
        char *app_id = NULL;
        JsAppLink *link = NULL;

        if (js_args_get(env, info, 2, argv) < 0)
                return NULL;
        token = js_value_dup_string(env, argv[0], NULL);
        g_mutex_lock(&runtime.lock);
        if (token && runtime.links) {
                g_hash_table_iter_init(&it, runtime.links);
                while (g_hash_table_iter_next(&it, &key, &value)) {
                        JsAppLink *l = value;
                        if (!l->claimed && g_str_equal(token, l->token)) {
                                link = l;
                                app_id = g_strdup(key);
                                break;
                        }
                }
        }
        if (!link) {
                g_mutex_unlock(&runtime.lock);
                napi_throw_error(env, NULL, "appd link: nothing to claim");
                return NULL;
        }
        link->claimed = true;
        napi_create_string_utf8(env, "appd-link", NAPI_AUTO_LENGTH, &name);
        if (napi_create_threadsafe_function(env, argv[1], NULL, name, JS_REQUEST_QUEUE_MAX, 1, g_strdup(app_id),
                                            js_link_finalize_cb, NULL, js_request_call_cb, &tsfn) != napi_ok) {
                g_mutex_unlock(&runtime.lock);
                g_free(app_id);
                napi_throw_error(env, NULL, "appd link: cannot create the queue");
                return NULL;
        }
        /* The Worker's life is the app's business, not this queue's. */
        napi_unref_threadsafe_function(env, tsfn);
        link->to_worker = tsfn;
        g_mutex_unlock(&runtime.lock);

        napi_create_object(env, &object);
        napi_create_function(env, "send", NAPI_AUTO_LENGTH, js_link_send_cb, app_id, &send);
        napi_add_finalizer(env, send, app_id, js_free_string_cb, NULL, NULL);
        napi_set_named_property(env, object, "send", send);
        return object;
}

static napi_value js_link_module_init_cb(napi_env env, napi_value exports) {
        napi_value claim;

        napi_create_function(env, "claim", NAPI_AUTO_LENGTH, js_link_claim_cb, NULL, &claim);
        napi_set_named_property(env, exports, "claim", claim);
        return exports;
}

/* Registered before Node starts, so every environment, each app's Worker
 * too, finds it as process._linkedBinding('appd_worker'). */
static napi_module js_link_module = {
        .nm_version = 1,
        .nm_flags = 0,
        .nm_filename = __FILE__,
        .nm_register_func = js_link_module_init_cb,
        .nm_modname = "appd_worker",
};

/* ---- the js thread ----------------------------------------------------- */

static void js_env_started_cb(NodeShimEnv *env, void *user_data) {
        g_mutex_lock(&runtime.lock);
        runtime.env = env;
        g_mutex_unlock(&runtime.lock);
}

static gpointer js_thread_cb(gpointer user_data) {
        bool was_ready;
        int r;

        runtime.js_thread = g_thread_self();
        r = node_shim_run(appd_js_bootstrap, "appd", js_binding_init_module_cb,
                          js_env_started_cb, NULL);

        g_mutex_lock(&runtime.lock);
        was_ready = runtime.ready;
        runtime.env = NULL;
        runtime.done = true;
        runtime.status = r;
        g_cond_broadcast(&runtime.cond);
        g_mutex_unlock(&runtime.lock);

        if (was_ready) {
                JsEvent *ev = g_new0(JsEvent, 1);

                ev->kind = JS_EVENT_RUNTIME_GONE;
                js_event_push(ev, true);
        }
        return NULL;
}

/* ---- main thread ------------------------------------------------------- */

static void js_runtime_clear(void) {
        JsEvent *ev;

        g_mutex_lock(&runtime.lock);
        if (runtime.events_source) {
                g_source_destroy(runtime.events_source);
                g_clear_pointer(&runtime.events_source, g_source_unref);
        }
        while ((ev = g_queue_pop_head(&runtime.events)))
                js_event_free(ev);
        runtime.ready = runtime.done = false;
        runtime.requests = NULL;
        runtime.env = NULL;
        runtime.js_thread = NULL;
        runtime.binding_taken = false;
        g_mutex_unlock(&runtime.lock);

        g_clear_pointer(&runtime.apps, g_hash_table_unref);
        g_mutex_lock(&runtime.lock);
        g_clear_pointer(&runtime.links, g_hash_table_unref);
        g_mutex_unlock(&runtime.lock);
        g_clear_pointer(&runtime.main_context, g_main_context_unref);
        runtime.thread = NULL;
        runtime.running = false;
}

int js_runtime_start(GMainContext *main_context, const JsRuntimeCallbacks *callbacks,
                     gpointer user_data) {
        g_autoptr(GError) error = NULL;
        gint64 deadline;
        bool ready, done;
        int r;

        if (runtime.thread)
                return -EALREADY;
        {
                static bool registered;

                if (!registered) {
                        napi_module_register(&js_link_module);
                        registered = true;
                }
        }
        r = node_shim_process_init();
        if (r < 0)
                return r;

        runtime.main_context = g_main_context_ref(main_context ?: g_main_context_default());
        runtime.callbacks = *callbacks;
        runtime.user_data = user_data;
        runtime.apps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        runtime.links = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

        runtime.thread = g_thread_try_new("appd-js", js_thread_cb, NULL, &error);
        if (!runtime.thread) {
                g_warning("Failed to start the js thread: %s", error->message);
                js_runtime_clear();
                return -EAGAIN;
        }

        deadline = g_get_monotonic_time() + JS_START_TIMEOUT_USEC;
        g_mutex_lock(&runtime.lock);
        while (!runtime.ready && !runtime.done)
                if (!g_cond_wait_until(&runtime.cond, &runtime.lock, deadline))
                        break;
        ready = runtime.ready && !runtime.done;
        done = runtime.done;
        r = runtime.status;
        if (!ready && !done && runtime.env)
                node_shim_stop(runtime.env);
        g_mutex_unlock(&runtime.lock);

        if (!ready) {
                g_thread_join(runtime.thread);
                js_runtime_clear();
                if (!done)
                        return -ETIMEDOUT;
                return r < 0 ? r : -EIO;
        }
        runtime.running = true;
        return 0;
}

void js_runtime_stop(void) {
        g_autoptr(JsRequest) req = NULL;
        gint64 deadline;

        if (!runtime.thread)
                return;
        runtime.running = false;

        /* Ask the bootstrap to terminate its Workers and end its loop... */
        req = g_new0(JsRequest, 1);
        req->kind = JS_REQUEST_SHUTDOWN;
        g_mutex_lock(&runtime.lock);
        if (runtime.requests &&
            napi_call_threadsafe_function(runtime.requests, req, napi_tsfn_nonblocking) == napi_ok)
                req = NULL;

        /* ...and if that takes too long, stop the environment; freeing it
         * terminates and joins the Workers. */
        deadline = g_get_monotonic_time() + JS_STOP_GRACE_USEC;
        while (!runtime.done)
                if (!g_cond_wait_until(&runtime.cond, &runtime.lock, deadline))
                        break;
        if (!runtime.done && runtime.env) {
                g_warning("The JavaScript runtime did not stop in time, stopping it");
                node_shim_stop(runtime.env);
        }
        g_mutex_unlock(&runtime.lock);

        g_thread_join(runtime.thread);
        js_runtime_clear();
}

/* Takes `req`. */
static int js_request_queue(JsRequest *req) {
        napi_status status = napi_closing;
        JsAppLink *link;

        g_mutex_lock(&runtime.lock);
        /* Events and IPC go straight to a Worker that has claimed its link;
         * one whose environment is closing falls back to the bootstrap. */
        link = (req->kind == JS_REQUEST_POST || req->kind == JS_REQUEST_IPC) && runtime.links
                       ? g_hash_table_lookup(runtime.links, req->app_id) : NULL;
        if (link && link->to_worker)
                status = napi_call_threadsafe_function(link->to_worker, req, napi_tsfn_nonblocking);
        if (status != napi_ok && status != napi_queue_full && runtime.requests)
                status = napi_call_threadsafe_function(runtime.requests, req, napi_tsfn_nonblocking);
        g_mutex_unlock(&runtime.lock);

        if (status == napi_ok)
                return 0;
        js_request_free(req);
        return status == napi_queue_full ? -ENOBUFS : -ENOTCONN;
}

static int js_request_new(JsRequestKind kind, const char *app_id, JsRequest **ret) {
        JsRequest *req;

        if (!runtime.running)
                return -ENOTCONN;
        if (!app_id || !*app_id)
                return -EINVAL;
        if (kind != JS_REQUEST_START && !g_hash_table_contains(runtime.apps, app_id))
                return -ESRCH;

        req = g_new0(JsRequest, 1);
        req->kind = kind;
        req->app_id = g_strdup(app_id);
        *ret = req;
        return 0;
}

static char *js_app_spec_to_json(const JsAppSpec *spec, const char *link_token) {
        g_autoptr(JsonBuilder) builder = json_builder_new();
        g_autoptr(JsonGenerator) generator = json_generator_new();
        g_autoptr(JsonNode) root = NULL;

        json_builder_begin_object(builder);
        json_builder_set_member_name(builder, "name");
        json_builder_add_string_value(builder, spec->name ?: spec->app_id);
        json_builder_set_member_name(builder, "version");
        json_builder_add_string_value(builder, spec->version ?: "");
        json_builder_set_member_name(builder, "appDir");
        json_builder_add_string_value(builder, spec->app_dir);
        json_builder_set_member_name(builder, "mainPath");
        json_builder_add_string_value(builder, spec->main_path);
        json_builder_set_member_name(builder, "userDataDir");
        json_builder_add_string_value(builder, spec->user_data_dir ?: "");
        json_builder_set_member_name(builder, "args");
        json_builder_begin_array(builder);
        for (const char *const *a = spec->args; a && *a; a++)
                json_builder_add_string_value(builder, *a);
        json_builder_end_array(builder);
        json_builder_set_member_name(builder, "linkToken");
        json_builder_add_string_value(builder, link_token);
        json_builder_set_member_name(builder, "ipcMaxPayload");
        json_builder_add_int_value(builder, spec->ipc_max_payload ? spec->ipc_max_payload : APPD_IPC_MAX_PAYLOAD);
        json_builder_set_member_name(builder, "maxOldGenerationMb");
        json_builder_add_int_value(builder, spec->max_old_generation_mb);
        /* As text: the Worker parses it, so a bad value fails that app only. */
        json_builder_set_member_name(builder, "windowStates");
        json_builder_add_string_value(builder, spec->window_states_json ?: "{}");
        json_builder_end_object(builder);

        root = json_builder_get_root(builder);
        json_generator_set_root(generator, root);
        return json_generator_to_data(generator, NULL);
}

static JsAppLink *js_app_link_new(void) {
        JsAppLink *link = g_new0(JsAppLink, 1);
        guint8 random[16];
        ssize_t n;

        do
                n = getrandom(random, sizeof(random), 0);
        while (n < 0 && errno == EINTR);
        if (n != (ssize_t) sizeof(random)) {
                g_free(link);
                return NULL;
        }
        for (size_t i = 0; i < sizeof(random); i++)
                g_snprintf(link->token + 2 * i, 3, "%02x", random[i]);
        return link;
}

int js_app_start(const JsAppSpec *spec) {
        g_autoptr(JsRequest) req = NULL;
        JsAppLink *link;
        int r;

        if (!spec || !spec->app_dir || !g_path_is_absolute(spec->app_dir) ||
            !spec->main_path || !g_path_is_absolute(spec->main_path))
                return -EINVAL;
        r = js_request_new(JS_REQUEST_START, spec->app_id, &req);
        if (r < 0)
                return r;
        if (g_hash_table_contains(runtime.apps, spec->app_id))
                return -EEXIST;
        link = js_app_link_new();
        if (!link)
                return -EIO;
        req->text = js_app_spec_to_json(spec, link->token);
        /* There before the Worker can ask for it. */
        g_mutex_lock(&runtime.lock);
        g_hash_table_replace(runtime.links, g_strdup(spec->app_id), link);
        g_mutex_unlock(&runtime.lock);

        r = js_request_queue(g_steal_pointer(&req));
        if (r < 0) {
                g_mutex_lock(&runtime.lock);
                g_hash_table_remove(runtime.links, spec->app_id);
                g_mutex_unlock(&runtime.lock);
                return r;
        }
        g_hash_table_add(runtime.apps, g_strdup(spec->app_id));
        return 0;
}

int js_app_post(const char *app_id, const char *json) {
        g_autoptr(JsRequest) req = NULL;
        int r;

        if (!json)
                return -EINVAL;
        r = js_request_new(JS_REQUEST_POST, app_id, &req);
        if (r < 0)
                return r;
        req->text = g_strdup(json);
        return js_request_queue(g_steal_pointer(&req));
}

int js_app_post_ipc(const char *app_id, guint window_id, const char *kind, gint64 req_number,
                    const char *channel, const void *payload, size_t size) {
        g_autoptr(JsRequest) req = NULL;
        int r;

        if (!channel || (!payload && size > 0) || !kind ||
            !(g_str_equal(kind, "send") || g_str_equal(kind, "invoke") ||
              g_str_equal(kind, "send-sync")))
                return -EINVAL;
        r = js_request_new(JS_REQUEST_IPC, app_id, &req);
        if (r < 0)
                return r;
        req->window_id = window_id;
        req->text = g_strdup(channel);
        req->ipc_kind = g_strdup(kind);
        req->ipc_req = req_number;
        req->payload = g_memdup2(payload, size);
        req->payload_size = size;
        return js_request_queue(g_steal_pointer(&req));
}

int js_app_kill(const char *app_id) {
        g_autoptr(JsRequest) req = NULL;
        int r;

        r = js_request_new(JS_REQUEST_KILL, app_id, &req);
        if (r < 0)
                return r;
        return js_request_queue(g_steal_pointer(&req));
}
