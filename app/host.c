/* The app process's link to appd, served on Node's event loop; see
 * host.h. */
#include "host.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>
#include <uv.h>

#include "api-js.h"
#include "appd-protocol.h"
#include "bus-source.h"
#include "bus-string.h"
#include "ipc-codec-js.h"
#include "remote-js.h"

typedef struct {
        sd_bus *bus;
        sd_bus_slot *slot;
        uv_poll_t poll;
        uv_timer_t timer;
        bool serving;
        size_t queued_bytes;    /* sent since the write queue was last empty */
        bool started;           /* Start arrived */
        napi_env env;
        napi_ref dispatch;      /* bootstrap.js's function for appd's calls */
        napi_async_context async;
} Host;

static Host host;

/* --- app process → appd: AppHost calls, without replies, in order */

static int host_call_new(const char *member, sd_bus_message **ret) {
        int r;

        r = sd_bus_message_new_method_call(host.bus, ret, NULL, APPD_APP_HOST_PATH,
                                           APPD_APP_HOST_IFACE, member);
        if (r >= 0)
                r = sd_bus_message_set_expect_reply(*ret, 0);
        return r;
}

static void host_schedule(void);

/* An app that sends faster than appd takes is ended once what waits
 * reaches the bound: the memory is its own, but without a bound an app
 * in a loop of sends would hold all of the machine's. */
static void host_queue_check(size_t size) {
        uint64_t queued = 0;

        if (sd_bus_get_n_queued_write(host.bus, &queued) >= 0 && queued == 0)
                host.queued_bytes = 0;
        host.queued_bytes += size;
        if (queued < APPD_APP_QUEUE_MAX && host.queued_bytes <= APPD_APP_QUEUE_MAX_BYTES)
                return;
        g_warning("The app sends faster than appd takes (%" PRIu64 " messages, %zu bytes "
                  "waiting); ending it", queued, host.queued_bytes);
        _exit(APPD_APP_EXIT_FLOODED);
}

/* size: what the message carries, counted against the bound. */
static int host_call_send(sd_bus_message *m, const char *member, size_t size, int r) {
        if (r >= 0)
                host_queue_check(size + 64);
        if (r >= 0)
                r = sd_bus_send(host.bus, m, NULL);
        if (r < 0)
                g_warning("Cannot send %s to appd: %s", member, g_strerror(-r));
        /* What did not fit in the socket now waits for it to drain. */
        host_schedule();
        return r;
}

void host_report_exit(int code, const char *reason, const char *message) {
        g_autoptr(sd_bus_message) m = NULL;
        int r;

        g_autofree char *reason_buf = NULL, *message_buf = NULL;

        r = host_call_new("Exited", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "iss", code, bus_string(reason, &reason_buf),
                                          bus_string(message, &message_buf));
        if (r >= 0)
                r = sd_bus_send(host.bus, m, NULL);
        if (r < 0)
                g_warning("Cannot report the app's end to appd: %s", g_strerror(-r));
        /* Everything the app said is out before the process ends; appd
         * reports the app's end once it has reaped this process. */
        (void) sd_bus_flush(host.bus);
        _exit(0);
}

/* --- appd → app process: AppProcess, into JavaScript */

/* Calls bootstrap.js's dispatch(kind, ...) as a callback from the event
 * loop: ticks and microtasks run after it, and what it throws is the
 * app's uncaught exception. */
static void host_dispatch(size_t argc, napi_value *argv) {
        napi_env env = host.env;
        napi_value fn, global, error;
        napi_status status;

        napi_get_reference_value(env, host.dispatch, &fn);
        napi_get_global(env, &global);
        status = napi_make_callback(env, host.async, global, fn, argc, argv, NULL);
        if (status == napi_pending_exception &&
            napi_get_and_clear_last_exception(env, &error) == napi_ok)
                napi_fatal_exception(env, error);
}

static napi_value js_string(napi_env env, const char *s) {
        napi_value v;

        napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
        return v;
}

/* A call whose one argument is a string for dispatch(kind, string). */
static int host_dispatch_string(sd_bus_message *m, const char *kind) {
        napi_handle_scope scope;
        napi_value argv[2];
        const char *text;
        int r;

        r = sd_bus_message_read(m, "s", &text);
        if (r < 0)
                return r;
        napi_open_handle_scope(host.env, &scope);
        argv[0] = js_string(host.env, kind);
        argv[1] = js_string(host.env, text);
        host_dispatch(G_N_ELEMENTS(argv), argv);
        napi_close_handle_scope(host.env, scope);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_Start(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        if (host.started)
                host_report_exit(1, "failed", "An app process runs one app");
        host.started = true;
        return host_dispatch_string(m, "start");
}

static int method_Post(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        if (!host.started)
                return sd_bus_error_set(error, SD_BUS_ERROR_FAILED, "No app runs here yet");
        return host_dispatch_string(m, "post");
}

static void message_unref_cb(napi_env env, void *data, void *hint) {
        sd_bus_message_unref(hint);
}

static int method_Ipc(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        napi_handle_scope scope;
        napi_value argv[6];
        const char *kind, *channel;
        const void *payload;
        size_t size;
        uint32_t window;
        int64_t req;
        int r;

        r = sd_bus_message_read(m, "usxs", &window, &kind, &req, &channel);
        if (r >= 0)
                r = sd_bus_message_read_array(m, 'y', &payload, &size);
        if (r < 0)
                return r;
        if (!host.started)
                return sd_bus_error_set(error, SD_BUS_ERROR_FAILED, "No app runs here yet");
        napi_open_handle_scope(host.env, &scope);
        argv[0] = js_string(host.env, "ipc");
        argv[1] = js_string(host.env, channel);
        /* The page's bytes where the message holds them, not a copy; the
         * message lives as long as the buffer. */
        if (size > 0 && napi_create_external_arraybuffer(host.env, (void *) payload, size,
                                                         message_unref_cb, m,
                                                         &argv[2]) == napi_ok)
                sd_bus_message_ref(m);
        else {
                void *bytes;

                napi_create_arraybuffer(host.env, size, &bytes, &argv[2]);
                if (size > 0)
                        memcpy(bytes, payload, size);
        }
        napi_create_uint32(host.env, window, &argv[3]);
        argv[4] = js_string(host.env, kind);
        napi_create_int64(host.env, req, &argv[5]);
        host_dispatch(G_N_ELEMENTS(argv), argv);
        napi_close_handle_scope(host.env, scope);
        return sd_bus_reply_method_return(m, NULL);
}

static const sd_bus_vtable app_process_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Start", SD_BUS_ARGS("s", spec), SD_BUS_NO_RESULT,
                                method_Start, 0),
        SD_BUS_METHOD_WITH_ARGS("Post", SD_BUS_ARGS("s", event), SD_BUS_NO_RESULT,
                                method_Post, 0),
        SD_BUS_METHOD_WITH_ARGS("Ipc",
                                SD_BUS_ARGS("u", window, "s", kind, "x", req, "s", channel,
                                            "ay", payload),
                                SD_BUS_NO_RESULT, method_Ipc, 0),
        SD_BUS_VTABLE_END,
};

/* --- the link on Node's event loop */

static G_NORETURN void host_lost(int error) {
        /* appd is gone or dropped us: nobody is left to report to. */
        g_warning("Lost the link to appd: %s", g_strerror(error));
        _exit(1);
}

static void host_process(void) {
        int r;

        while ((r = sd_bus_process(host.bus, NULL)) > 0)
                ;
        if (r < 0)
                host_lost(-r);
        host_schedule();
}

static void host_poll_cb(uv_poll_t *handle, int status, int events) {
        if (status < 0)
                host_lost(EIO);
        host_process();
}

static void host_timer_cb(uv_timer_t *handle) {
        host_process();
}

/* Waits for what the link needs next: input, room to write, a timeout. */
static void host_schedule(void) {
        uint64_t until, now;
        struct timespec ts;
        int events, uv_events = 0;

        if (!host.serving)
                return;
        events = sd_bus_get_events(host.bus);
        if (events < 0)
                host_lost(-events);
        if (events & POLLIN)
                uv_events |= UV_READABLE;
        if (events & POLLOUT)
                uv_events |= UV_WRITABLE;
        uv_poll_start(&host.poll, uv_events, host_poll_cb);

        if (sd_bus_get_timeout(host.bus, &until) > 0 && until != UINT64_MAX) {
                clock_gettime(CLOCK_MONOTONIC, &ts);
                now = (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
                uv_timer_start(&host.timer, host_timer_cb,
                               until > now ? (until - now + 999) / 1000 : 0, 0);
        } else {
                uv_timer_stop(&host.timer);
        }
}

int host_connect(int fd) {
        g_autoptr(sd_bus) bus = NULL;
        int r;

        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_fd(bus, fd, fd);
        /* The socketpair appd handed over is the identity. */
        if (r >= 0)
                r = sd_bus_set_anonymous(bus, 1);
        if (r >= 0)
                r = sd_bus_add_object_vtable(bus, &host.slot, APPD_APP_PROCESS_PATH,
                                             APPD_APP_PROCESS_IFACE, app_process_vtable, NULL);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0)
                return r;
        host.bus = g_steal_pointer(&bus);
        return 0;
}

/* --- the binding, seen by bootstrap.js as process._linkedBinding('appd') */

static char *js_value_dup_string(napi_env env, napi_value value) {
        size_t len;
        char *s;

        if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok)
                return NULL;
        s = g_malloc(len + 1);
        if (napi_get_value_string_utf8(env, value, s, len + 1, &len) != napi_ok) {
                g_free(s);
                return NULL;
        }
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

/* send(json[, bytes]): an op for appd; bytes (ArrayBuffer or typed array)
 * is the IPC frame of send, invoke-reply and send-sync-reply, copied into
 * the message.  False when the link refused it. */
static napi_value js_binding_send_cb(napi_env env, napi_callback_info info) {
        static const char empty[1];
        g_autoptr(sd_bus_message) m = NULL;
        g_autofree char *json = NULL;
        napi_valuetype type = napi_undefined;
        napi_value argv[2], result;
        size_t argc = G_N_ELEMENTS(argv);
        const void *data = NULL;
        size_t size = 0;
        bool has_payload;
        int r;

        if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
                napi_throw_type_error(env, NULL, "appd binding: missing arguments");
                return NULL;
        }
        json = js_value_dup_string(env, argv[0]);
        /* Whatever its strings hold crosses sd-bus escaped. */
        if (json) {
                char *ascii = bus_string_json_ascii(json);

                g_free(json);
                json = ascii;
        }
        if (!json) {
                napi_throw_type_error(env, NULL, "appd binding: expected a string");
                return NULL;
        }
        if (argc > 1)
                napi_typeof(env, argv[1], &type);
        has_payload = type != napi_undefined && type != napi_null;
        if (has_payload && !js_value_get_bytes(env, argv[1], &data, &size)) {
                napi_throw_type_error(env, NULL, "appd binding: payload must be bytes");
                return NULL;
        }
        r = host_call_new("Message", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", json);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', data ? data : empty, size);
        if (r >= 0)
                r = sd_bus_message_append(m, "b", has_payload);
        r = host_call_send(m, "Message", strlen(json) + size, r);
        napi_get_boolean(env, r >= 0, &result);
        return result;
}

/* output(stream, text): a chunk of the app's stdout (1) or stderr (2) */
static napi_value js_binding_output_cb(napi_env env, napi_callback_info info) {
        g_autoptr(sd_bus_message) m = NULL;
        g_autofree char *text = NULL, *valid = NULL;
        napi_value argv[2];
        int32_t stream = 1;
        int r;

        if (js_args_get(env, info, 2, argv) < 0)
                return NULL;
        napi_get_value_int32(env, argv[0], &stream);
        text = js_value_dup_string(env, argv[1]);
        if (!text) {
                napi_throw_type_error(env, NULL, "appd binding: expected a string");
                return NULL;
        }
        r = host_call_new("Output", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "is", stream == 2 ? 2 : 1, bus_string(text, &valid));
        host_call_send(m, "Output", strlen(text), r);
        return NULL;
}

/* exited(code, reason, message): the app's end; does not return */
static napi_value js_binding_exited_cb(napi_env env, napi_callback_info info) {
        g_autofree char *reason = NULL, *message = NULL;
        napi_value argv[3];
        int32_t code = 1;

        if (js_args_get(env, info, 3, argv) < 0)
                return NULL;
        napi_get_value_int32(env, argv[0], &code);
        reason = js_value_dup_string(env, argv[1]);
        message = js_value_dup_string(env, argv[2]);
        host_report_exit(code, reason ?: "failed", message ?: "");
}

/* log(text): the bootstrap's own trouble, for appd's journal */
static napi_value js_binding_log_cb(napi_env env, napi_callback_info info) {
        g_autofree char *text = NULL;
        napi_value argv[1];

        if (js_args_get(env, info, 1, argv) < 0)
                return NULL;
        text = js_value_dup_string(env, argv[0]);
        g_warning("%s", text ?: "(not a string)");
        return NULL;
}

/* title(text): what ps shows for this process */
static napi_value js_binding_title_cb(napi_env env, napi_callback_info info) {
        g_autofree char *text = NULL;
        napi_value argv[1];

        if (js_args_get(env, info, 1, argv) < 0)
                return NULL;
        text = js_value_dup_string(env, argv[0]);
        if (text)
                uv_set_process_title(text);
        return NULL;
}

/* init(dispatch): serve the link; appd's calls reach
 * dispatch('start', spec), dispatch('post', json) and
 * dispatch('ipc', channel, payload, window, kind, req). */
static napi_value js_binding_init_cb(napi_env env, napi_callback_info info) {
        napi_value argv[1], name, resource;
        uv_loop_t *loop;

        if (js_args_get(env, info, 1, argv) < 0)
                return NULL;
        if (host.serving) {
                napi_throw_error(env, NULL, "appd binding: already serving");
                return NULL;
        }
        if (napi_get_uv_event_loop(env, &loop) != napi_ok ||
            napi_create_reference(env, argv[0], 1, &host.dispatch) != napi_ok) {
                napi_throw_error(env, NULL, "appd binding: cannot serve the link");
                return NULL;
        }
        napi_create_object(env, &resource);
        name = js_string(env, "appd-link");
        napi_async_init(env, resource, name, &host.async);
        host.env = env;
        uv_poll_init(loop, &host.poll, sd_bus_get_fd(host.bus));
        uv_timer_init(loop, &host.timer);
        /* The timer alone never keeps the app alive; the link does, as an
         * Electron main process lives until it quits. */
        uv_unref((uv_handle_t *) &host.timer);
        host.serving = true;
        /* Anything already read into sd-bus's queue is taken now. */
        host_process();
        return NULL;
}

napi_value host_binding_init(napi_env env, napi_value exports) {
        static const struct {
                const char *name;
                napi_callback cb;
        } functions[] = {
                { "init", js_binding_init_cb },
                { "send", js_binding_send_cb },
                { "output", js_binding_output_cb },
                { "exited", js_binding_exited_cb },
                { "log", js_binding_log_cb },
                { "title", js_binding_title_cb },
        };
        static const struct {
                const char *name;
                const char *source;
        } sources[] = {
                APPD_JS_API_SOURCES
                { "codecSource", appd_js_ipc_codec },
                { "remoteSource", appd_js_remote },
        };
        napi_value value;

        for (size_t i = 0; i < G_N_ELEMENTS(functions); i++) {
                napi_create_function(env, functions[i].name, NAPI_AUTO_LENGTH, functions[i].cb,
                                     NULL, &value);
                napi_set_named_property(env, exports, functions[i].name, value);
        }
        for (size_t i = 0; i < G_N_ELEMENTS(sources); i++)
                napi_set_named_property(env, exports, sources[i].name,
                                        js_string(env, sources[i].source));
        return exports;
}
