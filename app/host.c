/* The app process's link to appd, served on Node's event loop; see
 * host.h.  What the app sends goes out as AppHost calls; appd's
 * AppProcess calls become calls of bootstrap.js's dispatch.  The Link
 * machinery here (link_start()) serves page links (page-links.c) on the
 * same loop; the binding's functions are binding.c. */
#include "host.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>
#include <uv.h>

#include "appd-protocol.h"
#include "bus-link.h"
#include "bus-string.h"
#include "host-private.h"

typedef struct {
        Link link;
        sd_bus_slot *slot;
        uv_loop_t *loop;
        size_t queued_bytes;    /* sent since the write queue was last empty */
        bool started;           /* Start arrived */
        napi_env env;
        napi_ref dispatch;      /* bootstrap.js's function for appd's calls */
        napi_async_context async;
} Host;

static Host host;

/* --- app process → appd: AppHost calls, without replies, in order */

int host_call_new(const char *member, sd_bus_message **ret) {
        int r;

        r = sd_bus_message_new_method_call(host.link.bus, ret, NULL, APPD_APP_HOST_PATH,
                                           APPD_APP_HOST_IFACE, member);
        if (r >= 0)
                r = sd_bus_message_set_expect_reply(*ret, 0);
        return r;
}

static void host_schedule(void) {
        link_schedule(&host.link);
}

/* An app that sends faster than appd takes is ended once what waits
 * reaches the bound: the memory is its own, but without a bound an app
 * in a loop of sends would hold all of the machine's. */
static void host_queue_check(size_t size) {
        uint64_t queued = 0;

        if (sd_bus_get_n_queued_write(host.link.bus, &queued) >= 0 && queued == 0)
                host.queued_bytes = 0;
        host.queued_bytes += size;
        if (queued < APPD_APP_QUEUE_MAX && host.queued_bytes <= APPD_APP_QUEUE_MAX_BYTES)
                return;
        g_warning("The app sends faster than appd takes (%" PRIu64 " messages, %zu bytes "
                  "waiting); ending it", queued, host.queued_bytes);
        _exit(APPD_APP_EXIT_FLOODED);
}

/* size: what the message carries, counted against the bound. */
int host_call_send(sd_bus_message *m, const char *member, size_t size, int r) {
        if (r >= 0)
                host_queue_check(size + 64);
        if (r >= 0)
                r = sd_bus_send(host.link.bus, m, NULL);
        if (r < 0)
                g_warning("Cannot send %s to appd: %s", member, g_strerror(-r));
        /* What did not fit in the socket now waits for it to drain. */
        host_schedule();
        return r;
}

int host_call_new_method(const char *member, sd_bus_message **ret) {
        return sd_bus_message_new_method_call(host.link.bus, ret, NULL, APPD_APP_HOST_PATH,
                                              APPD_APP_HOST_IFACE, member);
}

int host_call_wait(sd_bus_message *m, sd_bus_error *error, sd_bus_message **ret_reply) {
        int r;

        if (!host.link.serving)
                return sd_bus_error_set(error, SD_BUS_ERROR_DISCONNECTED, "Not linked to appd");
        r = sd_bus_call(host.link.bus, m, APPD_DESKTOP_CALL_TIMEOUT_USEC, error, ret_reply);
        /* What sd-bus read while waiting is in its queue, not the socket:
         * the loop must look again. */
        host_schedule();
        return r;
}

/* An op for appd (AppHost.Message); payload: the attached bytes, or NULL. */
int host_message_send(const char *json, const void *payload, size_t size) {
        static const char empty[1];
        g_autoptr(sd_bus_message) m = NULL;
        int r;

        r = host_call_new("Message", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", json);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', payload ?: empty, size);
        if (r >= 0)
                r = sd_bus_message_append(m, "b", payload != NULL);
        return host_call_send(m, "Message", strlen(json) + size, r);
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
                r = sd_bus_send(host.link.bus, m, NULL);
        if (r < 0)
                g_warning("Cannot report the app's end to appd: %s", g_strerror(-r));
        /* Everything the app said is out before the process ends; appd
         * reports the app's end once it has reaped this process. */
        (void) sd_bus_flush(host.link.bus);
        _exit(0);
}

/* --- appd → app process: AppProcess, into JavaScript */

/* Calls bootstrap.js's dispatch(kind, ...) as a callback from the event
 * loop: ticks and microtasks run after it, and what it throws is the
 * app's uncaught exception. */
static void host_dispatch(size_t argc, napi_value *argv, napi_value *result) {
        napi_env env = host.env;
        napi_value fn, global, error;
        napi_status status;

        napi_get_reference_value(env, host.dispatch, &fn);
        napi_get_global(env, &global);
        status = napi_make_callback(env, host.async, global, fn, argc, argv, result);
        if (status == napi_pending_exception &&
            napi_get_and_clear_last_exception(env, &error) == napi_ok)
                napi_fatal_exception(env, error);
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
        host_dispatch(G_N_ELEMENTS(argv), argv, NULL);
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

/* dispatch('ipc', channel, payload, window, kind, req, link) for a page's
 * message m (from appd, or on a page link when `link`). */
void host_dispatch_ipc(sd_bus_message *m, const char *channel, const void *payload,
                       size_t size, uint32_t window, const char *kind, int64_t req,
                       bool link) {
        napi_handle_scope scope;
        napi_value argv[7];

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
        napi_get_boolean(host.env, link, &argv[6]);
        host_dispatch(G_N_ELEMENTS(argv), argv, NULL);
        napi_close_handle_scope(host.env, scope);
}

static int method_Ipc(sd_bus_message *m, void *userdata, sd_bus_error *error) {
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
        host_dispatch_ipc(m, channel, payload, size, window, kind, req, false);
        return sd_bus_reply_method_return(m, NULL);
}

/* Whether the app has window `id` now (bootstrap.js's dispatch); none
 * before it started. */
bool host_has_window(uint32_t id) {
        napi_handle_scope scope;
        napi_value argv[4], result = NULL;
        bool exists = false;

        if (!host.started)
                return false;
        napi_open_handle_scope(host.env, &scope);
        argv[0] = js_string(host.env, "page-link");
        napi_get_null(host.env, &argv[1]);
        napi_get_null(host.env, &argv[2]);
        napi_create_uint32(host.env, id, &argv[3]);
        host_dispatch(G_N_ELEMENTS(argv), argv, &result);
        if (result)
                napi_get_value_bool(host.env, result, &exists);
        napi_close_handle_scope(host.env, scope);
        return exists;
}

/* MenuActivated and MenuClosed: dispatch('menu', event, window, menu,
 * item, accelerator). */
static int host_dispatch_menu(sd_bus_message *m, const char *event, uint32_t window,
                              uint32_t menu, uint32_t item, bool accelerator) {
        napi_handle_scope scope;
        napi_value argv[6];

        if (!host.started)
                return sd_bus_reply_method_return(m, NULL);
        napi_open_handle_scope(host.env, &scope);
        argv[0] = js_string(host.env, "menu");
        argv[1] = js_string(host.env, event);
        napi_create_uint32(host.env, window, &argv[2]);
        napi_create_uint32(host.env, menu, &argv[3]);
        napi_create_uint32(host.env, item, &argv[4]);
        napi_get_boolean(host.env, accelerator, &argv[5]);
        host_dispatch(G_N_ELEMENTS(argv), argv, NULL);
        napi_close_handle_scope(host.env, scope);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_MenuActivated(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        uint32_t window, menu, item;
        int accelerator, r;

        r = sd_bus_message_read(m, "uuub", &window, &menu, &item, &accelerator);
        if (r < 0)
                return r;
        return host_dispatch_menu(m, "activated", window, menu, item, accelerator);
}

static int method_MenuClosed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        uint32_t window, menu;
        int r;

        r = sd_bus_message_read(m, "uu", &window, &menu);
        if (r < 0)
                return r;
        return host_dispatch_menu(m, "closed", window, menu, 0, false);
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
        SD_BUS_METHOD_WITH_ARGS("OpenPageLink", SD_BUS_ARGS("u", window, "h", link),
                                SD_BUS_NO_RESULT, method_OpenPageLink, 0),
        SD_BUS_METHOD_WITH_ARGS("ClosePageLinks", SD_BUS_ARGS("u", window), SD_BUS_NO_RESULT,
                                method_ClosePageLinks, 0),
        SD_BUS_METHOD_WITH_ARGS("MenuActivated",
                                SD_BUS_ARGS("u", window, "u", menu, "u", item, "b", accelerator),
                                SD_BUS_NO_RESULT, method_MenuActivated, 0),
        SD_BUS_METHOD_WITH_ARGS("MenuClosed", SD_BUS_ARGS("u", window, "u", menu),
                                SD_BUS_NO_RESULT, method_MenuClosed, 0),
        SD_BUS_VTABLE_END,
};

/* --- the link on Node's event loop */

static G_NORETURN void host_lost(Link *link, int error) {
        /* appd is gone or dropped us: nobody is left to report to. */
        g_warning("Lost the link to appd: %s", g_strerror(error));
        _exit(1);
}

static void link_process(Link *l) {
        int r = 0;

        /* A handler may close the link it runs on (serving turns false). */
        while (l->serving && (r = sd_bus_process(l->bus, NULL)) > 0)
                ;
        if (!l->serving)
                return;
        if (r < 0) {
                l->lost(l, -r);
                return;
        }
        link_schedule(l);
}

static void link_poll_cb(uv_poll_t *handle, int status, int events) {
        Link *l = handle->data;

        if (status < 0) {
                l->lost(l, EIO);
                return;
        }
        link_process(l);
}

static void link_timer_cb(uv_timer_t *handle) {
        link_process(handle->data);
}

/* Waits for what the link needs next: input, room to write, a timeout. */
void link_schedule(Link *l) {
        uint64_t until, now;
        struct timespec ts;
        int events, uv_events = 0;

        if (!l->serving)
                return;
        events = sd_bus_get_events(l->bus);
        if (events < 0) {
                l->lost(l, -events);
                return;
        }
        if (events & POLLIN)
                uv_events |= UV_READABLE;
        if (events & POLLOUT)
                uv_events |= UV_WRITABLE;
        uv_poll_start(&l->poll, uv_events, link_poll_cb);

        if (sd_bus_get_timeout(l->bus, &until) > 0 && until != UINT64_MAX) {
                clock_gettime(CLOCK_MONOTONIC, &ts);
                now = (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
                uv_timer_start(&l->timer, link_timer_cb,
                               until > now ? (until - now + 999) / 1000 : 0, 0);
        } else {
                uv_timer_stop(&l->timer);
        }
}

/* Starts serving l on Node's loop.  The timer alone never keeps the app
 * alive; only appd's link does, as an Electron main process lives until it
 * quits. */
void link_start(Link *l, bool keeps_alive) {
        uv_poll_init(host.loop, &l->poll, sd_bus_get_fd(l->bus));
        uv_timer_init(host.loop, &l->timer);
        l->poll.data = l;
        l->timer.data = l;
        uv_unref((uv_handle_t *) &l->timer);
        if (!keeps_alive)
                uv_unref((uv_handle_t *) &l->poll);
        l->serving = true;
        /* Anything already read into sd-bus's queue is taken now. */
        link_process(l);
}

int host_connect(int fd) {
        sd_bus *bus = NULL;
        int r;

        /* The socketpair appd handed over is the identity.  Nothing is
         * read before host_serve(), so the vtable can come after the
         * start. */
        r = bus_link_connect(fd, NULL, &bus);
        if (r < 0)
                return r;
        r = sd_bus_add_object_vtable(bus, &host.slot, APPD_APP_PROCESS_PATH, APPD_APP_PROCESS_IFACE,
                                     app_process_vtable, NULL);
        if (r < 0) {
                sd_bus_flush_close_unref(bus);
                return r;
        }
        host.link.bus = bus;
        return 0;
}

/* Serves the link on env's event loop; appd's calls reach dispatch from
 * now on.  -EALREADY when it is served already, -EIO when it cannot be. */
int host_serve(napi_env env, napi_value dispatch) {
        napi_value name, resource;
        uv_loop_t *loop;

        if (host.link.serving)
                return -EALREADY;
        if (napi_get_uv_event_loop(env, &loop) != napi_ok ||
            napi_create_reference(env, dispatch, 1, &host.dispatch) != napi_ok)
                return -EIO;
        napi_create_object(env, &resource);
        name = js_string(env, "appd-link");
        napi_async_init(env, resource, name, &host.async);
        host.env = env;
        host.loop = loop;
        page_links_init();
        host.link.lost = host_lost;
        link_start(&host.link, true);
        return 0;
}
