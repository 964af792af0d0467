/* The app process's link to appd, served on Node's event loop; see
 * host.h. */
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-id128.h>
#include <uv.h>

#include "api-js.h"
#include "appd-protocol.h"
#include "bus-source.h"
#include "bus-string.h"
#include "ipc-check.h"
#include "ipc-codec-js.h"
#include "remote-js.h"

/* A connection served on Node's event loop: appd's link, and each page
 * link (page-link.c).  lost() is called once it has failed or closed;
 * nothing may touch the link after. */
typedef struct Link Link;
struct Link {
        sd_bus *bus;
        uv_poll_t poll;
        uv_timer_t timer;
        bool serving;
        void (*lost)(Link *link, int error);
};

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

static int host_call_new(const char *member, sd_bus_message **ret) {
        int r;

        r = sd_bus_message_new_method_call(host.link.bus, ret, NULL, APPD_APP_HOST_PATH,
                                           APPD_APP_HOST_IFACE, member);
        if (r >= 0)
                r = sd_bus_message_set_expect_reply(*ret, 0);
        return r;
}

static void link_schedule(Link *l);

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
static int host_call_send(sd_bus_message *m, const char *member, size_t size, int r) {
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

/* An op for appd (AppHost.Message); payload: the attached bytes, or NULL. */
static int host_message_send(const char *json, const void *payload, size_t size) {
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
static void host_dispatch_ipc(sd_bus_message *m, const char *channel, const void *payload,
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

/* --- page links: a page's own connection, served here for its window
 *
 * appd makes the connection when the window's renderer asks for one
 * (Host.OpenPageLink) and hands this end over (OpenPageLink): the window
 * is fixed by that call, never by what the page says.  On it this process
 * serves the page's part of org.appd.Appd1.Host (Send, Invoke, SendSync,
 * Attach, the Message signal) with the checks appd makes on the
 * renderer's link, and answers there directly.
 *
 * Once the page attaches, webContents.send goes on its link too.  What was
 * sent through appd and the renderer before may still be on its way then,
 * so the switch is fenced: the app sends a token through the renderer
 * (channel APPD_PAGE_FENCE_CHANNEL), the page echoes it on the link, and
 * until then what is for the page on that link (messages and invoke
 * answers) waits here, in order.  SendSync answers never wait: the page
 * blocks on them and could not echo. */

typedef struct PageWindow PageWindow;

typedef struct {
        Link link;
        PageWindow *window;
        sd_bus_slot *slot;
        uint64_t fence;            /* the token awaited while fencing */
        bool fencing;
        GQueue held;               /* sd_bus_message*: for the page, waiting for the fence */
        size_t held_bytes;
        size_t queued_bytes;       /* written since the link's queue was last empty */
        unsigned handles;          /* uv handles still to close */
} PageLink;

struct PageWindow {
        uint32_t id;               /* the app's id for the window */
        GQueue links;              /* PageLink*, oldest first */
        PageLink *page;            /* attached: where the page's messages go */
        bool linked;               /* appd was told the page is linked */
        size_t request_bytes;      /* what its waiting invokes and sendSyncs hold */
};

/* An Invoke or SendSync waiting for the app's answer (binding.answer()). */
typedef struct {
        PageLink *link;
        sd_bus_message *call;
        size_t cost;
} PageRequest;

static struct {
        GHashTable *windows;       /* id → PageWindow* */
        GHashTable *requests;      /* req → PageRequest* */
        int64_t next_req;
        uint64_t next_fence;
        uint32_t ipc_max;          /* the app's IPC limit (binding.ipcLimit()) */
} pages;

static void link_start(Link *l, bool keeps_alive);

static uint32_t page_ipc_max(void) {
        return pages.ipc_max ?: APPD_IPC_MAX_PAYLOAD;
}

/* What a window's waiting calls, and what waits for one page, may hold:
 * as appd's bound (appd-protocol.h). */
static size_t page_waiting_max(void) {
        return MAX((size_t) APPD_IPC_WAITING_MIN_BYTES, 4 * (size_t) page_ipc_max());
}

static void page_report(PageWindow *pw, bool linked) {
        g_autofree char *json = NULL;

        if (pw->linked == linked)
                return;
        pw->linked = linked;
        json = g_strdup_printf("{\"op\":\"page-linked\",\"id\":%" PRIu32 ",\"linked\":%s}", pw->id,
                               linked ? "true" : "false");
        (void) host_message_send(json, NULL, 0);
}

static void page_request_free(gpointer data) {
        PageRequest *q = data;

        q->link->window->request_bytes -= q->cost;
        sd_bus_message_unref(q->call);
        g_free(q);
}

static void page_link_handle_closed_cb(uv_handle_t *handle) {
        PageLink *pl = handle->data;

        if (--pl->handles > 0)
                return;
        sd_bus_unref(pl->link.bus);
        g_free(pl);
}

/* Closes pl (at once for the page; its memory goes once libuv lets go). */
static void page_link_close(PageLink *pl) {
        PageWindow *pw = pl->window;
        GHashTableIter it;
        gpointer value;
        sd_bus_message *m;

        if (!pl->link.serving)
                return;
        pl->link.serving = false;
        g_hash_table_iter_init(&it, pages.requests);
        while (g_hash_table_iter_next(&it, NULL, &value))
                if (((PageRequest *) value)->link == pl)
                        g_hash_table_iter_remove(&it);
        while ((m = g_queue_pop_head(&pl->held)))
                sd_bus_message_unref(m);
        g_queue_remove(&pw->links, pl);
        if (pw->page == pl) {
                pw->page = NULL;
                page_report(pw, false);
        }
        if (g_queue_is_empty(&pw->links))
                g_hash_table_remove(pages.windows, GUINT_TO_POINTER(pw->id));
        pl->slot = sd_bus_slot_unref(pl->slot);
        sd_bus_close(pl->link.bus);
        pl->handles = 2;
        uv_close((uv_handle_t *) &pl->link.poll, page_link_handle_closed_cb);
        uv_close((uv_handle_t *) &pl->link.timer, page_link_handle_closed_cb);
}

static void page_link_lost(Link *link, int error) {
        /* The web process went, or navigated to another one. */
        page_link_close((PageLink *) link);
}

static void page_link_flush(PageLink *pl) {
        sd_bus_message *m;

        pl->fencing = false;
        pl->held_bytes = 0;
        while ((m = g_queue_pop_head(&pl->held))) {
                (void) sd_bus_send(pl->link.bus, m, NULL);
                sd_bus_message_unref(m);
        }
        link_schedule(&pl->link);
}

/* Sends m (a Message signal or an answer) to the page, behind what waits
 * for the fence unless `now`. */
static void page_link_put(PageLink *pl, sd_bus_message *m, size_t size, bool now) {
        uint64_t queued = 0;

        if (sd_bus_get_n_queued_write(pl->link.bus, &queued) >= 0 && queued == 0)
                pl->queued_bytes = 0;
        pl->queued_bytes += size;
        if (pl->fencing && !now) {
                g_queue_push_tail(&pl->held, sd_bus_message_ref(m));
                pl->held_bytes += size;
                /* A page that never echoes its fence keeps its order no
                 * longer than this: the app's memory is not its to take. */
                if (pl->held_bytes > page_waiting_max()) {
                        g_warning("The page of window %" PRIu32 " did not answer its link's fence; "
                                  "sending on it anyway", pl->window->id);
                        page_link_flush(pl);
                }
                return;
        }
        (void) sd_bus_send(pl->link.bus, m, NULL);
        link_schedule(&pl->link);
}

/* A fence's payload: a frame of [token], as any message's, so that every
 * step on its way takes it as one. */
static size_t page_fence_frame(uint64_t token, uint8_t frame[32]) {
        int n = g_snprintf((char *) frame + 4, 28, "[%" PRIu64 "]", token);

        frame[0] = n;
        frame[1] = frame[2] = frame[3] = 0;
        return 4 + n;
}

/* The page echoed a fence: if it is the one this link waits for,
 * everything sent through the renderer before has reached the page. */
static void page_link_fence_echoed(PageLink *pl, const void *data, size_t size) {
        uint8_t frame[32];

        if (!pl->fencing || size != page_fence_frame(pl->fence, frame) ||
            memcmp(data, frame, size) != 0)
                return;
        page_link_flush(pl);
        if (pl->window->page == pl)
                page_report(pl->window, true);
}

static int method_PageSend(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        PageLink *pl = userdata;
        const char *channel;
        const void *data;
        size_t size;
        int r;

        r = ipc_check_read(m, page_ipc_max(), &channel, &data, &size, error);
        if (r <= 0)
                return r;
        if (g_str_equal(channel, APPD_PAGE_FENCE_CHANNEL))
                page_link_fence_echoed(pl, data, size);
        else
                host_dispatch_ipc(m, channel, data, size, pl->window->id, "send", 0, true);
        return sd_bus_reply_method_return(m, NULL);
}

/* Invoke and SendSync: the call waits until the app answers
 * (binding.answer()); what waiting calls hold is bounded per window. */
static int page_link_request(sd_bus_message *m, PageLink *pl, const char *kind,
                             sd_bus_error *error) {
        PageWindow *pw = pl->window;
        PageRequest *q;
        const char *channel;
        const void *data;
        size_t size, cost;
        int64_t req;
        int r;

        r = ipc_check_read(m, page_ipc_max(), &channel, &data, &size, error);
        if (r <= 0)
                return r;
        cost = size + strlen(channel) + APPD_IPC_REQUEST_OVERHEAD;
        if (pw->request_bytes + cost > page_waiting_max())
                return sd_bus_error_setf(error, APPD_ERROR_TOO_MANY,
                                         "IPC calls waiting for an answer hold more than %zu bytes",
                                         page_waiting_max());
        req = ++pages.next_req;
        q = g_new0(PageRequest, 1);
        q->link = pl;
        q->call = sd_bus_message_ref(m);
        q->cost = cost;
        pw->request_bytes += cost;
        g_hash_table_insert(pages.requests, g_memdup2(&req, sizeof(req)), q);
        host_dispatch_ipc(m, channel, data, size, pw->id, kind, req, true);
        return 1;
}

static int method_PageInvoke(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return page_link_request(m, userdata, "invoke", error);
}

static int method_PageSendSync(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return page_link_request(m, userdata, "send-sync", error);
}

/* The page's bridge has started: messages for the window go on this link
 * from now on, once the fence has come back. */
static int method_Attach(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        PageLink *pl = userdata;
        g_autofree char *json = NULL;
        uint8_t frame[32];
        size_t size;
        int r;

        pl->window->page = pl;
        pl->fencing = true;
        pl->fence = ++pages.next_fence;
        r = sd_bus_reply_method_return(m, NULL);
        json = g_strdup_printf("{\"op\":\"send\",\"id\":%" PRIu32 ",\"channel\":\"%s\"}",
                               pl->window->id, APPD_PAGE_FENCE_CHANNEL);
        size = page_fence_frame(pl->fence, frame);
        (void) host_message_send(json, frame, size);
        return r;
}

static const sd_bus_vtable page_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Attach", NULL, NULL, method_Attach, 0),
        SD_BUS_SIGNAL_WITH_ARGS("Message", SD_BUS_ARGS("s", channel, "ay", args), 0),
        SD_BUS_METHOD_WITH_ARGS("Invoke", SD_BUS_ARGS("s", channel, "ay", args),
                                SD_BUS_RESULT("ay", result), method_PageInvoke, 0),
        SD_BUS_METHOD_WITH_ARGS("SendSync", SD_BUS_ARGS("s", channel, "ay", args),
                                SD_BUS_RESULT("ay", result), method_PageSendSync, 0),
        SD_BUS_METHOD_WITH_ARGS("Send", SD_BUS_ARGS("s", channel, "ay", args), SD_BUS_NO_RESULT,
                                method_PageSend, 0),
        SD_BUS_VTABLE_END
};

/* Whether the app has window `id` now (bootstrap.js's dispatch). */
static bool page_window_exists(uint32_t id) {
        napi_handle_scope scope;
        napi_value argv[4], result = NULL;
        bool exists = false;

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

static int method_OpenPageLink(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        g_autoptr(sd_bus) bus = NULL;
        sd_id128_t server_id;
        PageWindow *pw;
        PageLink *pl;
        uint32_t window;
        int fd, r;

        r = sd_bus_message_read(m, "uh", &window, &fd);
        if (r < 0)
                return r;
        if (!host.started || !page_window_exists(window))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "The app has no window %" PRIu32, window);
        fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return sd_bus_error_set_errnof(error, errno, "Cannot take the page link: %m");
        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_fd(bus, fd, fd);
        if (r < 0) {
                close(fd);
                return sd_bus_error_set_errnof(error, r, "Cannot take the page link: %m");
        }
        r = sd_id128_randomize(&server_id);
        if (r >= 0)
                r = sd_bus_set_server(bus, 1, server_id);
        if (r >= 0)
                r = sd_bus_set_anonymous(bus, 1);
        pl = g_new0(PageLink, 1);
        if (r >= 0)
                r = sd_bus_add_object_vtable(bus, &pl->slot, APPD_HOST_PATH, APPD_HOST_IFACE,
                                             page_vtable, pl);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                sd_bus_slot_unref(pl->slot);
                g_free(pl);
                return sd_bus_error_set_errnof(error, r, "Cannot serve the page link: %m");
        }

        pw = g_hash_table_lookup(pages.windows, GUINT_TO_POINTER(window));
        if (!pw) {
                pw = g_new0(PageWindow, 1);
                pw->id = window;
                g_hash_table_insert(pages.windows, GUINT_TO_POINTER(window), pw);
        }
        /* A page of an older web process, or one that never used its link,
         * makes room. */
        if (g_queue_get_length(&pw->links) >= APPD_PAGE_LINKS_MAX)
                page_link_close(g_queue_peek_head(&pw->links));
        pl->window = pw;
        pl->link.bus = g_steal_pointer(&bus);
        pl->link.lost = page_link_lost;
        g_queue_push_tail(&pw->links, pl);
        link_start(&pl->link, false);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_ClosePageLinks(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        PageWindow *pw;
        uint32_t window;
        int r;

        r = sd_bus_message_read(m, "u", &window);
        if (r < 0)
                return r;
        pw = g_hash_table_lookup(pages.windows, GUINT_TO_POINTER(window));
        if (pw) {
                /* appd knows: the renderer's end is what it saw go. */
                pw->linked = false;
                while (pw && !g_queue_is_empty(&pw->links)) {
                        bool last = g_queue_get_length(&pw->links) == 1;

                        page_link_close(g_queue_peek_head(&pw->links));
                        if (last)
                                pw = NULL;
                }
        }
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
        SD_BUS_METHOD_WITH_ARGS("OpenPageLink", SD_BUS_ARGS("u", window, "h", link),
                                SD_BUS_NO_RESULT, method_OpenPageLink, 0),
        SD_BUS_METHOD_WITH_ARGS("ClosePageLinks", SD_BUS_ARGS("u", window), SD_BUS_NO_RESULT,
                                method_ClosePageLinks, 0),
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
static void link_schedule(Link *l) {
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
static void link_start(Link *l, bool keeps_alive) {
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
        host.link.bus = g_steal_pointer(&bus);
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
        r = host_message_send(json, has_payload ? (data ?: empty) : NULL, size);
        napi_get_boolean(env, r >= 0, &result);
        return result;
}

/* answer(req, ok, value): the app's answer to a page link's Invoke or
 * SendSync `req`: value is the result frame (bytes) when ok, else the
 * error's message.  One that nobody waits for any more is dropped. */
static napi_value js_binding_answer_cb(napi_env env, napi_callback_info info) {
        g_autoptr(sd_bus_message) reply = NULL;
        g_autofree char *text = NULL, *valid = NULL;
        napi_value argv[3];
        PageRequest *q;
        const void *data = NULL;
        size_t size = 0;
        int64_t req = 0;
        bool ok = false;
        int r;

        if (js_args_get(env, info, 3, argv) < 0)
                return NULL;
        napi_get_value_int64(env, argv[0], &req);
        napi_get_value_bool(env, argv[1], &ok);
        q = g_hash_table_lookup(pages.requests, &req);
        if (!q)
                return NULL;
        if (ok && !js_value_get_bytes(env, argv[2], &data, &size)) {
                napi_throw_type_error(env, NULL, "appd binding: the answer must be bytes");
                return NULL;
        }
        if (ok && size > page_ipc_max()) {
                ok = false;
                text = g_strdup_printf("IPC reply of %zu bytes is over the limit of %" PRIu32, size,
                                       page_ipc_max());
        } else if (!ok)
                text = js_value_dup_string(env, argv[2]);
        if (ok) {
                r = sd_bus_message_new_method_return(q->call, &reply);
                if (r >= 0)
                        r = sd_bus_message_append_array(reply, 'y', size > 0 ? data : "", size);
        } else
                r = sd_bus_message_new_method_errorf(q->call, &reply, APPD_ERROR_HANDLER_FAILED, "%s",
                                                     bus_string(text ?: "failed", &valid));
        if (r >= 0)
                page_link_put(q->link, reply, size,
                              g_str_equal(sd_bus_message_get_member(q->call), "SendSync"));
        g_hash_table_remove(pages.requests, &req);
        return NULL;
}

/* pageSend(window, channel, bytes): webContents.send on the page link of
 * the app's window `window`.  True when sent there; false when the page
 * has no link (or appd is to refuse the message): then it goes through
 * appd; a string says why it was refused. */
static napi_value js_binding_page_send_cb(napi_env env, napi_callback_info info) {
        g_autoptr(sd_bus_message) m = NULL;
        g_autofree char *channel = NULL;
        napi_value argv[3], result;
        PageWindow *pw;
        PageLink *pl;
        const void *data = NULL;
        size_t size = 0;
        uint64_t queued = 0;
        uint32_t window = 0;
        bool sent = false;
        int r;

        if (js_args_get(env, info, 3, argv) < 0)
                return NULL;
        napi_get_value_uint32(env, argv[0], &window);
        channel = js_value_dup_string(env, argv[1]);
        if (!channel || !js_value_get_bytes(env, argv[2], &data, &size)) {
                napi_throw_type_error(env, NULL, "appd binding: a channel and bytes are wanted");
                return NULL;
        }
        pw = g_hash_table_lookup(pages.windows, GUINT_TO_POINTER(window));
        pl = pw ? pw->page : NULL;
        /* What appd refuses (docs/ipc.md) it refuses in its own words. */
        if (!pl || !*channel || strlen(channel) > APPD_IPC_MAX_CHANNEL ||
            !bus_string_is_valid(channel) || size > page_ipc_max()) {
                napi_get_boolean(env, false, &result);
                return result;
        }
        if ((sd_bus_get_n_queued_write(pl->link.bus, &queued) >= 0 && queued >= APPD_PAGE_LINK_MAX_QUEUED) ||
            pl->queued_bytes + size > page_waiting_max()) {
                napi_create_string_utf8(env, "too many messages waiting", NAPI_AUTO_LENGTH, &result);
                return result;
        }
        r = sd_bus_message_new_signal(pl->link.bus, &m, APPD_HOST_PATH, APPD_HOST_IFACE, "Message");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", channel);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', size > 0 ? data : "", size);
        if (r >= 0) {
                page_link_put(pl, m, size, false);
                sent = true;
        }
        napi_get_boolean(env, sent, &result);
        return result;
}

/* ipcLimit(bytes): the app's IPC size limit (the Start spec's). */
static napi_value js_binding_ipc_limit_cb(napi_env env, napi_callback_info info) {
        napi_value argv[1];
        uint32_t limit = 0;

        if (js_args_get(env, info, 1, argv) < 0)
                return NULL;
        napi_get_value_uint32(env, argv[0], &limit);
        pages.ipc_max = limit;
        return NULL;
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
        if (host.link.serving) {
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
        host.loop = loop;
        pages.windows = g_hash_table_new_full(NULL, NULL, NULL, g_free);
        pages.requests = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                               page_request_free);
        host.link.lost = host_lost;
        link_start(&host.link, true);
        return NULL;
}

napi_value host_binding_init(napi_env env, napi_value exports) {
        static const struct {
                const char *name;
                napi_callback cb;
        } functions[] = {
                { "init", js_binding_init_cb },
                { "send", js_binding_send_cb },
                { "answer", js_binding_answer_cb },
                { "pageSend", js_binding_page_send_cb },
                { "ipcLimit", js_binding_ipc_limit_cb },
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
