/* BrowserWindows: the daemon's objects, and the private link to each
 * window's renderer process.  The daemon holds the state; the renderer
 * shows it and reports what happens. */
#include "daemon.h"

#include <errno.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>
#include <systemd/sd-id128.h>
#include <unistd.h>

#include "appd-protocol.h"
#include "bus-source.h"
#include "bus-string.h"
#include "events.h"
#include "ipc-check.h"

/* Journal fields are plain strings; the window id is kept in text form
 * for them. */
#define WINDOW_LOG(w, level, ...) \
        g_log_structured(G_LOG_DOMAIN, level, "APPD_APP", (w)->app ? (w)->app->id : "", \
                         "APPD_WINDOW", (w)->id_text, "MESSAGE", __VA_ARGS__)

/* How long a renderer may take to go away once asked. */
#define RENDERER_GRACE_MS 3000
/* Outgoing messages allowed to wait on a renderer that does not read. */
#define LINK_MAX_QUEUED 4096

typedef struct {
        Window *window;
        sd_bus_slot *slot;
        gint64 req;
} WindowCall;

Window *window_find(Daemon *d, guint id) {
        return g_hash_table_lookup(d->windows, GUINT_TO_POINTER(id));
}

static void window_post(Window *w, JsonBuilder *b) {
        g_autofree char *json = event_end(b);
        if (w->app)
                app_post_event(w->app, json);
}

/* A View call that expects no reply: the renderer reports outcomes
 * through Host calls, so replies would only be bookkeeping.  Refused when
 * the renderer does not keep up with what is already queued. */
static int view_message_new(Window *w, const char *member, sd_bus_message **ret) {
        uint64_t queued = 0;
        int r;

        /* Calls may go out as soon as the link exists: sd-bus queues them
         * until the handshake is done, and the renderer exports its View
         * before it reads anything. */
        if (!w->link)
                return -ENOTCONN;
        if (sd_bus_get_n_queued_write(w->link, &queued) >= 0 && queued >= LINK_MAX_QUEUED)
                return -ENOBUFS;
        r = sd_bus_message_new_method_call(w->link, ret, NULL, APPD_VIEW_PATH, APPD_VIEW_IFACE,
                                           member);
        if (r < 0)
                return r;
        return sd_bus_message_set_expect_reply(*ret, 0);
}

static int view_call(Window *w, const char *member, const char *types, ...) {
        g_autoptr(sd_bus_message) m = NULL;
        va_list ap;
        int r;

        r = view_message_new(w, member, &m);
        if (r < 0)
                return r;
        va_start(ap, types);
        r = sd_bus_message_appendv(m, types, ap);
        va_end(ap);
        if (r < 0)
                return r;
        return sd_bus_send(w->link, m, NULL);
}

/* A View call whose last argument is bytes ("ay"), after an optional
 * string: varargs cannot carry a byte array, sd-bus takes its elements one
 * by one there. */
static int view_call_bytes(Window *w, const char *member, const char *str, const void *data,
                           size_t size) {
        g_autoptr(sd_bus_message) m = NULL;
        int r;

        r = view_message_new(w, member, &m);
        if (r < 0)
                return r;
        if (str) {
                r = sd_bus_message_append(m, "s", str);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_append_array(m, 'y', data, size);
        if (r < 0)
                return r;
        return sd_bus_send(w->link, m, NULL);
}

/* --- Host: calls from this window's renderer.  The window is the slot's
 * userdata, fixed when the link was made: a renderer can only ever speak
 * for its own window. */

/* A child created before its parent's window existed learns the parent's
 * X11 window now. */
static void window_tell_children(Window *w) {
        GHashTableIter it;
        gpointer value;

        if (!w->xid)
                return;
        g_hash_table_iter_init(&it, w->daemon->windows);
        while (g_hash_table_iter_next(&it, NULL, &value)) {
                Window *child = value;
                g_autofree char *json = NULL;

                if (child->app != w->app || child->parent_id != w->app_window_id)
                        continue;
                json = g_strdup_printf("{\"parentXid\":%" G_GUINT64_FORMAT "}", w->xid);
                (void) view_call_bytes(child, "SetOptions", NULL, json, strlen(json));
        }
}

static int method_Ready(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        uint64_t xid;
        int r;

        r = sd_bus_message_read(m, "t", &xid);
        if (r < 0)
                return r;
        w->xid = xid;
        window_tell_children(w);
        if (!w->ready) {
                w->ready = TRUE;
                window_post(w, event_begin("window-ready", w->app_window_id));
        }
        return sd_bus_reply_method_return(m, NULL);
}

static int method_LoadChanged(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        const char *event, *url;
        JsonBuilder *b;
        int r;

        r = sd_bus_message_read(m, "ss", &event, &url);
        if (r < 0)
                return r;
        if (!g_str_equal(event, "started") && !g_str_equal(event, "committed") &&
            !g_str_equal(event, "finished"))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Unknown load event '%s'", event);

        if (*url && g_strcmp0(w->url, url) != 0) {
                g_free(w->url);
                w->url = g_strdup(url);
                bus_emit_window_changed(w, "URL");
        }
        if (w->loading != !g_str_equal(event, "finished")) {
                w->loading = !g_str_equal(event, "finished");
                bus_emit_window_changed(w, "Loading");
        }

        b = event_begin("load", w->app_window_id);
        event_add_string(b, "event", event);
        event_add_string(b, "url", url);
        window_post(w, b);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_LoadFailed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        const char *url, *description;
        int32_t code;
        JsonBuilder *b;
        int r;

        r = sd_bus_message_read(m, "sis", &url, &code, &description);
        if (r < 0)
                return r;
        if (w->loading) {
                w->loading = FALSE;
                bus_emit_window_changed(w, "Loading");
        }
        WINDOW_LOG(w, G_LOG_LEVEL_MESSAGE, "Failed to load %s: %s (%d)", url, description, code);

        b = event_begin("load-failed", w->app_window_id);
        event_add_string(b, "url", url);
        event_add_int(b, "code", code);
        event_add_string(b, "description", description);
        window_post(w, b);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_TitleChanged(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        const char *title;
        JsonBuilder *b;
        int r;

        r = sd_bus_message_read(m, "s", &title);
        if (r < 0)
                return r;
        /* The main script decides the window's title (page-title-updated is
         * preventable); the page only proposes one. */
        b = event_begin("title", w->app_window_id);
        event_add_string(b, "title", title);
        window_post(w, b);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_CloseRequested(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;

        if (w->app && w->app->state != APP_EXITED && !w->app->script_ended)
                window_post(w, event_begin("close-requested", w->app_window_id));
        else
                window_destroy(w);
        return sd_bus_reply_method_return(m, NULL);
}

/* Reads (channel, args) of Send, Invoke and SendSync and checks what the
 * daemon can check: the payload itself is the app's to decode. */
static int ipc_read(Window *w, sd_bus_message *m, const char **ret_channel, const void **ret_data,
                    size_t *ret_size, sd_bus_error *error) {
        int r;

        r = ipc_check_read(m, w->daemon->ipc_max_payload, ret_channel, ret_data, ret_size, error);
        if (r <= 0)
                return r;
        if (!w->app || w->app->script_ended)
                return sd_bus_error_set(error, APPD_ERROR_NOT_RUNNING,
                                        "The window's app is not running");
        return 1;
}

static int method_Send(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        const char *channel;
        const void *data;
        size_t size;
        int r;

        r = ipc_read(w, m, &channel, &data, &size, error);
        if (r <= 0)
                return r;
        r = app_post_ipc(w->app, w->app_window_id, "send", 0, channel, data, size);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot deliver IPC: %s",
                                               g_strerror(-r));
        return sd_bus_reply_method_return(m, NULL);
}

/* A page's Invoke or SendSync waiting for the main script's answer. */
typedef struct {
        Window *window;
        sd_bus_message *message;
        size_t cost;            /* counted in window->request_bytes */
} WindowRequest;

static void window_request_free(gpointer data) {
        WindowRequest *q = data;

        q->window->request_bytes -= q->cost;
        sd_bus_message_unref(q->message);
        g_free(q);
}

/* The bytes a waiting call holds, as counted against
 * window_max_request_bytes() (appd-protocol.h says why). */
static size_t ipc_request_cost(const char *channel, size_t size) {
        return size + strlen(channel) + APPD_IPC_REQUEST_OVERHEAD;
}

static size_t window_max_request_bytes(Window *w) {
        return MAX((size_t) APPD_IPC_WAITING_MIN_BYTES, 4 * (size_t) w->daemon->ipc_max_payload);
}

/* Invoke and SendSync: the call waits here until the app answers with
 * window_request_reply(); what waiting calls hold is bounded in bytes per
 * window. */
static int ipc_request(sd_bus_message *m, Window *w, const char *kind, sd_bus_error *error) {
        WindowRequest *q;
        const char *channel;
        const void *data;
        size_t size, cost;
        gint64 req;
        int r;

        r = ipc_read(w, m, &channel, &data, &size, error);
        if (r <= 0)
                return r;
        cost = ipc_request_cost(channel, size);
        if (w->request_bytes + cost > window_max_request_bytes(w))
                return sd_bus_error_setf(error, APPD_ERROR_TOO_MANY,
                                         "IPC calls waiting for an answer hold more than %zu bytes",
                                         window_max_request_bytes(w));
        req = ++w->next_request;
        r = app_post_ipc(w->app, w->app_window_id, kind, req, channel, data, size);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot deliver IPC: %s",
                                               g_strerror(-r));
        q = g_new0(WindowRequest, 1);
        q->window = w;
        q->message = sd_bus_message_ref(m);
        q->cost = cost;
        w->request_bytes += cost;
        g_hash_table_insert(w->requests, g_memdup2(&req, sizeof(req)), q);
        return 1;
}

static int method_Invoke(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return ipc_request(m, userdata, "invoke", error);
}

static int method_SendSync(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return ipc_request(m, userdata, "send-sync", error);
}

void window_request_reply(Window *w, gint64 req, gboolean ok, const void *data, size_t size) {
        WindowRequest *q = g_hash_table_lookup(w->requests, &req);
        g_autofree char *text = NULL;
        sd_bus_message *m;
        int r;

        /* An answer for a request that is not waiting (answered, or its
         * renderer gone) is dropped: the app cannot answer for others. */
        if (!q)
                return;
        m = q->message;
        if (ok && size > w->daemon->ipc_max_payload) {
                ok = FALSE;
                text = g_strdup_printf("IPC reply of %zu bytes is over the limit of %u", size,
                                       w->daemon->ipc_max_payload);
        } else if (!ok) {
                g_autofree char *utf8 = g_utf8_make_valid(data, size);

                text = bus_string_make_valid(utf8);
        }
        if (ok) {
                g_autoptr(sd_bus_message) reply = NULL;
                r = sd_bus_message_new_method_return(m, &reply);
                if (r >= 0)
                        r = sd_bus_message_append_array(reply, 'y', data, size);
                if (r >= 0)
                        r = sd_bus_send(NULL, reply, NULL);
        } else
                r = sd_bus_reply_method_errorf(m, APPD_ERROR_HANDLER_FAILED, "%s", text);
        if (r < 0)
                WINDOW_LOG(w, G_LOG_LEVEL_MESSAGE, "Cannot answer an IPC call: %s", g_strerror(-r));
        g_hash_table_remove(w->requests, &req);
}

/* A JSON object sent as bytes by the renderer, or NULL (logged). */
static JsonNode *parse_object(Window *w, const void *data, size_t size, const char *what) {
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(GError) error = NULL;
        JsonNode *root;

        if (size > w->daemon->ipc_max_payload || !g_utf8_validate(data, size, NULL) ||
            !json_parser_load_from_data(parser, data, size, &error)) {
                WINDOW_LOG(w, G_LOG_LEVEL_WARNING, "Malformed %s from the renderer: %s", what,
                           error ? error->message : "not UTF-8 or too large");
                return NULL;
        }
        root = json_parser_get_root(parser);
        if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
                WINDOW_LOG(w, G_LOG_LEVEL_WARNING, "Malformed %s from the renderer: not an object",
                           what);
                return NULL;
        }
        return json_node_copy(root);
}

static gboolean object_bool(JsonObject *o, const char *key, gboolean *value) {
        JsonNode *n = json_object_get_member(o, key);
        if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_BOOLEAN)
                return FALSE;
        *value = json_node_get_boolean(n);
        return TRUE;
}

static gboolean object_int(JsonObject *o, const char *key, int *value) {
        JsonNode *n = json_object_get_member(o, key);
        if (!n || !JSON_NODE_HOLDS_VALUE(n))
                return FALSE;
        if (json_node_get_value_type(n) == G_TYPE_INT64)
                *value = (int) CLAMP(json_node_get_int(n), -1000000, 1000000);
        else if (json_node_get_value_type(n) == G_TYPE_DOUBLE)
                *value = (int) CLAMP(json_node_get_double(n), -1000000, 1000000);
        else
                return FALSE;
        return TRUE;
}

/* Writes the window's state under its key when it differs from what was
 * last written.  At once, not after a pause: a state is on disk before
 * the app hears of it, so a kill of appd at any moment loses nothing the
 * app was told (SQLite in WAL mode: a row costs tens of microseconds). */
static void window_save_state(Window *w) {
        StoreWindowState st = { w->x == G_MININT ? 0 : w->x, w->y == G_MININT ? 0 : w->y,
                                w->width, w->height, w->maximized };

        if (!w->app || !w->state_key)
                return;
        if (w->state_saved && memcmp(&st, &w->saved_state, sizeof(st)) == 0)
                return;
        if (store_window_state_save(w->daemon->store, w->app->id, w->state_key, &st) < 0)
                return;
        w->saved_state = st;
        w->state_saved = TRUE;
}

static int method_StateChanged(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        g_autoptr(JsonNode) node = NULL;
        gboolean bounds = FALSE, b;
        const void *data;
        JsonObject *o;
        JsonBuilder *ev;
        size_t size;
        int r;

        r = sd_bus_message_read_array(m, 'y', &data, &size);
        if (r < 0)
                return r;
        node = parse_object(w, data, size, "window state");
        if (!node)
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                        "The state must be a JSON object");
        o = json_node_get_object(node);

        bounds |= object_int(o, "x", &w->x);
        bounds |= object_int(o, "y", &w->y);
        bounds |= object_int(o, "width", &w->width);
        bounds |= object_int(o, "height", &w->height);
        if (bounds)
                bus_emit_window_changed(w, "Bounds");
        if (object_bool(o, "visible", &b) && b != w->visible) {
                w->visible = b;
                bus_emit_window_changed(w, "Visible");
        }
        object_bool(o, "focused", &w->focused);
        object_bool(o, "minimized", &w->minimized);
        object_bool(o, "fullscreen", &w->fullscreen);
        if (object_bool(o, "maximized", &w->maximized) || bounds)
                window_save_state(w);

        ev = event_begin("window-state", w->app_window_id);
        json_builder_set_member_name(ev, "state");
        json_builder_add_value(ev, g_steal_pointer(&node));
        window_post(w, ev);
        return sd_bus_reply_method_return(m, NULL);
}

static const char *const wc_events[] = {
        "dom-ready", "did-navigate", "did-navigate-in-page", "will-navigate", "new-window",
        "console-message", "web-process-gone", "responsive", "unresponsive", "zoom-changed",
        "dev-tools-opened", "dev-tools-closed", NULL,
};

static int method_Event(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        g_autoptr(JsonNode) node = NULL;
        const char *name;
        const void *data;
        JsonBuilder *ev;
        size_t size;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        r = sd_bus_message_read_array(m, 'y', &data, &size);
        if (r < 0)
                return r;
        if (!g_strv_contains(wc_events, name))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Unknown event '%s'",
                                         name);
        node = parse_object(w, data, size, name);
        if (!node)
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                        "Event details must be a JSON object");
        if (g_str_equal(name, "web-process-gone"))
                WINDOW_LOG(w, G_LOG_LEVEL_WARNING, "The web process of window %u is gone", w->id);

        ev = event_begin("wc-event", w->app_window_id);
        event_add_string(ev, "name", name);
        json_builder_set_member_name(ev, "details");
        json_builder_add_value(ev, g_steal_pointer(&node));
        window_post(w, ev);
        return sd_bus_reply_method_return(m, NULL);
}

/* Serves the Host interface (vtable, for w) as the server end of a
 * private connection on fd, which it takes (and closes on failure).
 * *ret_slot: the vtable's slot, or NULL to tie it to the connection. */
static int link_serve(int fd, const sd_bus_vtable *vtable, Window *w, sd_bus_slot **ret_slot, sd_bus **ret) {
        g_autoptr(sd_bus) bus = NULL;
        sd_id128_t server_id;
        int r;

        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_fd(bus, fd, fd);
        if (r < 0) {
                close(fd);
                return r;
        }
        r = sd_id128_randomize(&server_id);
        if (r >= 0)
                r = sd_bus_set_server(bus, 1, server_id);
        if (r >= 0)
                r = sd_bus_set_anonymous(bus, 1);
        if (r >= 0)
                r = sd_bus_add_object_vtable(bus, ret_slot, APPD_HOST_PATH, APPD_HOST_IFACE, vtable, w);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0)
                return r;
        *ret = g_steal_pointer(&bus);
        return 0;
}

/* --- page links: the web page's own connection to its window
 *
 * The renderer asks for one per web process (Host.OpenPageLink) and hands
 * it to renderer/web-process/page-extension.c inside that process; the
 * other end goes to the window's app process (AppProcess.OpenPageLink),
 * which serves the page's IPC on it (app/page-links.c), so the page's calls and
 * their answers skip appd as well as the renderer.  Which window the link
 * speaks for is fixed here, by whom appd gives it to.  The app process
 * keeps at most APPD_PAGE_LINKS_MAX per window and reports whether the
 * page has attached (window_set_page_linked()). */

#define PAGE_LINK_BUFFER (2 * 1024 * 1024)

void window_set_page_linked(Window *w, gboolean linked) {
        /* A report from before the renderer went is stale: the links
         * closed with it. */
        if (linked && !w->link)
                return;
        if (w->page_linked == linked)
                return;
        w->page_linked = linked;
        bus_emit_window_changed(w, "PageLinked");
}

/* The renderer is gone, and its web processes with it. */
static void window_close_page_links(Window *w) {
        window_set_page_linked(w, FALSE);
        if (w->app && !w->app->script_ended)
                (void) app_process_close_page_links(w->app->process, w->app_window_id);
}

static int method_OpenPageLink(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        int pair[2], r;

        if (!w->app || w->app->script_ended)
                return sd_bus_error_set(error, APPD_ERROR_NOT_RUNNING,
                                        "The window's app is not running");
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
                return sd_bus_error_set_errnof(error, errno, "Cannot make a page link: %m");
        /* Room for a large message in one go, both ways, where the system
         * allows (net.core.wmem_max); less is only slower. */
        for (int i = 0; i < 2; i++)
                (void) setsockopt(pair[i], SOL_SOCKET, SO_SNDBUF, &(int) { PAGE_LINK_BUFFER }, sizeof(int));
        r = app_process_open_page_link(w->app->process, w->app_window_id, pair[0]);
        close(pair[0]);
        if (r >= 0)
                r = sd_bus_reply_method_return(m, "h", pair[1]);
        else
                r = sd_bus_error_set_errnof(error, r, "Cannot make a page link: %s", g_strerror(-r));
        close(pair[1]);
        return r;
}

static const sd_bus_vtable host_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("OpenPageLink", SD_BUS_NO_ARGS, SD_BUS_RESULT("h", link),
                                method_OpenPageLink, 0),
        SD_BUS_METHOD_WITH_ARGS("Ready", SD_BUS_ARGS("t", xid), SD_BUS_NO_RESULT,
                                method_Ready, 0),
        SD_BUS_METHOD_WITH_ARGS("LoadChanged", SD_BUS_ARGS("s", event, "s", url),
                                SD_BUS_NO_RESULT, method_LoadChanged, 0),
        SD_BUS_METHOD_WITH_ARGS("LoadFailed",
                                SD_BUS_ARGS("s", url, "i", code, "s", description),
                                SD_BUS_NO_RESULT, method_LoadFailed, 0),
        SD_BUS_METHOD_WITH_ARGS("TitleChanged", SD_BUS_ARGS("s", title), SD_BUS_NO_RESULT,
                                method_TitleChanged, 0),
        SD_BUS_METHOD("CloseRequested", NULL, NULL, method_CloseRequested, 0),
        SD_BUS_METHOD_WITH_ARGS("StateChanged", SD_BUS_ARGS("ay", state), SD_BUS_NO_RESULT,
                                method_StateChanged, 0),
        SD_BUS_METHOD_WITH_ARGS("Event", SD_BUS_ARGS("s", name, "ay", details),
                                SD_BUS_NO_RESULT, method_Event, 0),
        SD_BUS_METHOD_WITH_ARGS("Invoke", SD_BUS_ARGS("s", channel, "ay", args),
                                SD_BUS_RESULT("ay", result), method_Invoke, 0),
        SD_BUS_METHOD_WITH_ARGS("SendSync", SD_BUS_ARGS("s", channel, "ay", args),
                                SD_BUS_RESULT("ay", result), method_SendSync, 0),
        SD_BUS_METHOD_WITH_ARGS("Send", SD_BUS_ARGS("s", channel, "ay", args),
                                SD_BUS_NO_RESULT, method_Send, 0),
        SD_BUS_VTABLE_END
};

/* --- the renderer process */

/* --- webContents calls: View.Call with the answer passed back as
 * wc-reply. */

static void window_reply(Window *w, gint64 req, gboolean ok, const char *text) {
        JsonBuilder *b = event_begin("wc-reply", w->app_window_id);

        event_add_int(b, "req", req);
        json_builder_set_member_name(b, "ok");
        json_builder_add_boolean_value(b, ok);
        event_add_string(b, ok ? "result" : "error", text);
        window_post(w, b);
}

static void window_call_free(WindowCall *c) {
        sd_bus_slot_unref(c->slot);
        g_free(c);
}

static int window_call_reply_cb(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        WindowCall *c = userdata;
        Window *w = c->window;
        const sd_bus_error *e = sd_bus_message_get_error(m);
        g_autofree char *result = NULL;
        const void *data;
        size_t size;

        if (e)
                window_reply(w, c->req, FALSE, e->message ? e->message : e->name);
        else if (sd_bus_message_read_array(m, 'y', &data, &size) < 0 ||
                 !g_utf8_validate(data, size, NULL))
                window_reply(w, c->req, FALSE, "The renderer sent a malformed answer");
        else {
                result = g_strndup(data, size);
                window_reply(w, c->req, TRUE, result);
        }
        w->calls = g_list_remove(w->calls, c);
        w->n_calls--;
        window_call_free(c);
        return 0;
}

static void window_call(Window *w, gint64 req, const char *method, const char *args) {
        g_autoptr(sd_bus_message) m = NULL;
        WindowCall *c;
        int r;

        if (!w->link) {
                window_reply(w, req, FALSE, "The renderer is gone; reload to start a new one");
                return;
        }
        if (w->n_calls >= WINDOW_MAX_CALLS) {
                window_reply(w, req, FALSE, "Too many webContents calls in flight");
                return;
        }
        r = sd_bus_message_new_method_call(w->link, &m, NULL, APPD_VIEW_PATH, APPD_VIEW_IFACE,
                                           "Call");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", method);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', args, strlen(args));
        if (r < 0) {
                window_reply(w, req, FALSE, g_strerror(-r));
                return;
        }
        c = g_new0(WindowCall, 1);
        c->window = w;
        c->req = req;
        /* No timeout of our own: execute-javascript may wait on the page's
         * promise for as long as it likes; the slot goes with the link. */
        r = sd_bus_call_async(w->link, &c->slot, m, window_call_reply_cb, c, UINT64_MAX);
        if (r < 0) {
                g_free(c);
                window_reply(w, req, FALSE, g_strerror(-r));
                return;
        }
        w->calls = g_list_prepend(w->calls, c);
        w->n_calls++;
}

static void window_cancel_calls(Window *w) {
        GList *calls = g_steal_pointer(&w->calls);

        w->n_calls = 0;
        for (GList *l = calls; l; l = l->next) {
                WindowCall *c = l->data;
                if (!w->destroying)
                        window_reply(w, c->req, FALSE, "The renderer is gone");
                window_call_free(c);
        }
        g_list_free(calls);
}

/* --- the renderer process */

static void window_link_close(Window *w) {
        w->ready = FALSE;
        window_cancel_calls(w);
        /* Their answers could only go to the link that is closing. */
        if (w->requests)
                g_hash_table_remove_all(w->requests);
        w->host_slot = sd_bus_slot_unref(w->host_slot);
        window_close_page_links(w);
        if (w->link_source) {
                g_source_remove(w->link_source);
                w->link_source = 0;
        }
        if (w->link) {
                sd_bus_close(w->link);
                w->link = sd_bus_unref(w->link);
        }
}

static void window_link_closed_cb(sd_bus *bus, int error, gpointer user_data) {
        Window *w = user_data;

        if (w->link != bus)
                return;
        if (!w->destroying)
                WINDOW_LOG(w, G_LOG_LEVEL_MESSAGE, "Lost the link to the renderer: %s",
                           g_strerror(-error));
        window_link_close(w);
        /* A renderer without its link has nothing left to do. */
        if (w->renderer)
                renderer_terminate(w->renderer, RENDERER_GRACE_MS);
}

static void window_finish_destroy(Window *w) {
        App *app = w->app;

        WINDOW_LOG(w, G_LOG_LEVEL_INFO, "Window %u closed", w->id);
        window_post(w, event_begin("closed", w->app_window_id));
        g_hash_table_steal(w->daemon->windows, GUINT_TO_POINTER(w->id));
        if (app)
                app_window_gone(app, w);
        window_free(w);
}

static const char *renderer_gone_reason(int status) {
        if (WIFSIGNALED(status))
                return WTERMSIG(status) == SIGKILL || WTERMSIG(status) == SIGTERM ? "killed"
                                                                                  : "crashed";
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return "clean-exit";
        return "crashed";
}

static void window_renderer_exited_cb(Renderer *r, int status, gpointer user_data) {
        Window *w = user_data;
        JsonBuilder *b;

        w->renderer = NULL;
        window_link_close(w);
        if (w->destroying) {
                window_finish_destroy(w);
                return;
        }

        /* The window outlives its renderer: the object and its state stay. */
        WINDOW_LOG(w, G_LOG_LEVEL_WARNING, "Renderer of window %u ended unexpectedly (%s)",
                   w->id, renderer_gone_reason(status));
        bus_emit_window_changed(w, "RendererPid");
        b = event_begin("renderer-gone", w->app_window_id);
        event_add_string(b, "reason", renderer_gone_reason(status));
        event_add_int(b, "exitCode", WIFEXITED(status) ? WEXITSTATUS(status)
                                                        : 128 + WTERMSIG(status));
        window_post(w, b);
}

static char *app_subdir(const char *base, const char *app_id) {
        g_autofree char *dir = g_build_filename(base, app_id, NULL);
        if (g_mkdir_with_parents(dir, 0700) < 0)
                g_warning("Cannot create %s: %s", dir, g_strerror(errno));
        return g_steal_pointer(&dir);
}

static char *renderer_options(Window *w, JsonObject *options, gboolean initial);

static int window_spawn_renderer(Window *w) {
        Daemon *d = w->daemon;
        g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
        g_autofree char *data = NULL, *cache = NULL, *options = NULL;
        int fd = -1, r;

        data = app_subdir(d->data_dir, w->app->id);
        cache = app_subdir(d->cache_dir, w->app->id);

        g_ptr_array_add(argv, g_strdup(d->renderer_path));
        g_ptr_array_add(argv, g_strdup_printf("--app-id=%s", w->app->id));
        g_ptr_array_add(argv, g_strdup_printf("--app-dir=%s", w->app->dir));
        g_ptr_array_add(argv, g_strdup_printf("--window-id=%u", w->id));
        g_ptr_array_add(argv, g_strdup_printf("--title=%s", w->title));
        g_ptr_array_add(argv, g_strdup_printf("--width=%d", w->width));
        g_ptr_array_add(argv, g_strdup_printf("--height=%d", w->height));
        if (w->x != G_MININT && w->y != G_MININT) {
                g_ptr_array_add(argv, g_strdup_printf("--x=%d", w->x));
                g_ptr_array_add(argv, g_strdup_printf("--y=%d", w->y));
        }
        if (!w->visible)
                g_ptr_array_add(argv, g_strdup("--hidden"));
        if (w->preload)
                g_ptr_array_add(argv, g_strdup_printf("--preload=%s", w->preload));
        if (!w->context_isolation)
                g_ptr_array_add(argv, g_strdup("--no-context-isolation"));
        {
                JsonNode *prefs = json_object_get_member(w->options, "webPreferences");
                gboolean web_security = TRUE;

                if (prefs && JSON_NODE_HOLDS_OBJECT(prefs) &&
                    object_bool(json_node_get_object(prefs), "webSecurity", &web_security) && !web_security)
                        g_ptr_array_add(argv, g_strdup("--no-web-security"));
        }
        /* Where Node reaches: the page itself, or only the preload. */
        if (w->node_integration)
                g_ptr_array_add(argv, g_strdup("--node=page"));
        else if (!w->sandbox)
                g_ptr_array_add(argv, g_strdup("--node=preload"));
        options = renderer_options(w, w->options, TRUE);
        if (!g_str_equal(options, "{}"))
                g_ptr_array_add(argv, g_strdup_printf("--options=%s", options));
        g_ptr_array_add(argv, g_strdup_printf("--ipc-max-message=%u", w->daemon->ipc_max_payload));
        g_ptr_array_add(argv, g_strdup_printf("--data-dir=%s", data));
        g_ptr_array_add(argv, g_strdup_printf("--cache-dir=%s", cache));
        g_ptr_array_add(argv, NULL);

        r = renderer_spawn((const char *const *) argv->pdata, window_renderer_exited_cb, w,
                           &w->renderer, &fd);
        if (r < 0)
                return r;

        r = link_serve(fd, host_vtable, w, &w->host_slot, &w->link);
        if (r < 0)
                goto fail;
        w->link_source = bus_source_attach(w->link, NULL, window_link_closed_cb, w);
        WINDOW_LOG(w, G_LOG_LEVEL_INFO, "Window %u: renderer %d started", w->id,
                   (int) renderer_get_pid(w->renderer));
        bus_emit_window_changed(w, "RendererPid");
        if (w->url && *w->url) {
                g_autofree char *url_buf = NULL;

                (void) view_call(w, "LoadURL", "s", bus_string(w->url, &url_buf));
        }
        return 0;

fail:
        w->host_slot = sd_bus_slot_unref(w->host_slot);
        renderer_abandon(w->renderer);
        w->renderer = NULL;
        return r;
}

static int options_int(JsonObject *o, const char *key, int fallback) {
        JsonNode *n = o ? json_object_get_member(o, key) : NULL;
        if (!n || !JSON_NODE_HOLDS_VALUE(n))
                return fallback;
        if (json_node_get_value_type(n) == G_TYPE_INT64)
                return (int) CLAMP(json_node_get_int(n), -32768, 32767);
        if (json_node_get_value_type(n) == G_TYPE_DOUBLE)
                return (int) CLAMP(json_node_get_double(n), -32768, 32767);
        return fallback;
}

static const char *options_string(JsonObject *o, const char *key) {
        JsonNode *n = o ? json_object_get_member(o, key) : NULL;
        if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
                return NULL;
        return json_node_get_string(n);
}

/* Keys of window-create options that the renderer applies itself (View
 * SetOptions keys plus the initial states); the daemon keeps geometry,
 * title, visibility and preload. */
static const char *const renderer_option_keys[] = {
        "resizable", "minWidth", "minHeight", "maxWidth", "maxHeight", "alwaysOnTop",
        "skipTaskbar", "frame", "closable", "backgroundColor", "icon", "progress", "urgent",
        "modal", "center", "fullscreen", "maximized", NULL,
};

/* The renderer's view of a window's options: only known keys, and
 * `parent` (a window id of the same app) turned into the parent's X11
 * window.  A parent of another app is ignored: apps do not reach each
 * other's windows. */
static char *renderer_options(Window *w, JsonObject *options, gboolean initial) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        g_autoptr(JsonNode) root = NULL;
        JsonNode *parent;

        json_builder_begin_object(b);
        for (const char *const *k = renderer_option_keys; *k; k++) {
                JsonNode *n = json_object_get_member(options, *k);
                if (!n || !JSON_NODE_HOLDS_VALUE(n))
                        continue;
                if (!initial && (g_str_equal(*k, "center") || g_str_equal(*k, "fullscreen") ||
                                 g_str_equal(*k, "maximized")))
                        continue;
                json_builder_set_member_name(b, *k);
                json_builder_add_value(b, json_node_copy(n));
        }
        parent = json_object_get_member(options, "parent");
        if (parent && JSON_NODE_HOLDS_VALUE(parent) &&
            json_node_get_value_type(parent) == G_TYPE_INT64) {
                gint64 pid = json_node_get_int(parent);
                Window *p = pid > 0 && w->app ? app_window_find(w->app, pid) : NULL;

                json_builder_set_member_name(b, "parentXid");
                json_builder_add_int_value(b, p && p->app == w->app ? (gint64) p->xid : 0);
        }
        if (!initial) {
                const char *title = options_string(options, "title");
                if (title) {
                        json_builder_set_member_name(b, "title");
                        json_builder_add_string_value(b, title);
                }
        }
        json_builder_end_object(b);
        root = json_builder_get_root(b);
        return json_to_string(root, FALSE);
}

/* The daemon's window ids: one counter for every app, so no app can
 * reach or predict another's ids from its own. */
static guint window_id_new(Daemon *d) {
        do
                d->next_window_id = d->next_window_id == G_MAXUINT ? 1 : d->next_window_id + 1;
        while (window_find(d, d->next_window_id));
        return d->next_window_id;
}

int window_create(Daemon *d, App *app, guint app_window_id, JsonObject *options,
                  char **ret_error) {
        g_autoptr(JsonObject) empty = json_object_new();
        Window *w;
        JsonNode *show;
        const char *title, *preload, *key;
        guint id;
        int r;

        if (!options)
                options = empty;
        if (app_window_id == 0 || app_window_find(app, app_window_id)) {
                *ret_error = g_strdup_printf("window id %u is not free", app_window_id);
                return -EEXIST;
        }
        preload = options_string(options, "preload");
        if (preload && !g_path_is_absolute(preload)) {
                *ret_error = g_strdup_printf("preload must be an absolute path, got '%s'",
                                             preload);
                return -EINVAL;
        }
        key = options_string(options, "stateKey");
        if (key && (!*key || strlen(key) > 256)) {
                *ret_error = g_strdup("stateKey must be 1 to 256 bytes");
                return -EINVAL;
        }

        id = window_id_new(d);
        w = g_new0(Window, 1);
        w->daemon = d;
        w->id = id;
        w->app_window_id = app_window_id;
        w->app = app;
        title = options_string(options, "title");
        w->title = g_strdup(title ? title : app->name);
        w->width = MAX(options_int(options, "width", 800), 1);
        w->height = MAX(options_int(options, "height", 600), 1);
        w->x = options_int(options, "x", G_MININT);
        w->y = options_int(options, "y", G_MININT);
        show = json_object_get_member(options, "show");
        w->visible = !(show && JSON_NODE_HOLDS_VALUE(show) &&
                       json_node_get_value_type(show) == G_TYPE_BOOLEAN &&
                       !json_node_get_boolean(show));
        w->preload = g_strdup(preload);
        w->state_key = g_strdup(key);
        /* Electron's default is isolation; only an explicit false turns it
         * off. */
        w->context_isolation = TRUE;
        w->node_integration = FALSE;
        w->sandbox = TRUE;
        {
                JsonNode *prefs = json_object_get_member(options, "webPreferences");
                if (prefs && JSON_NODE_HOLDS_OBJECT(prefs)) {
                        JsonObject *o = json_node_get_object(prefs);
                        object_bool(o, "contextIsolation", &w->context_isolation);
                        object_bool(o, "nodeIntegration", &w->node_integration);
                        w->sandbox = !w->node_integration;
                        object_bool(o, "sandbox", &w->sandbox);
                }
        }
        w->url = g_strdup("");
        w->object_path = g_strdup_printf(APPD_WINDOW_PATH_PREFIX "/%u", id);
        g_snprintf(w->id_text, sizeof(w->id_text), "%u", id);
        w->options = json_object_ref(options);
        {
                JsonNode *parent = json_object_get_member(options, "parent");
                if (parent && JSON_NODE_HOLDS_VALUE(parent) &&
                    json_node_get_value_type(parent) == G_TYPE_INT64 &&
                    json_node_get_int(parent) > 0 && json_node_get_int(parent) <= G_MAXUINT)
                        w->parent_id = (guint) json_node_get_int(parent);
        }
        w->requests = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                           window_request_free);

        g_hash_table_insert(d->windows, GUINT_TO_POINTER(id), w);
        app->windows = g_list_append(app->windows, w);

        r = window_spawn_renderer(w);
        if (r < 0) {
                *ret_error = g_strdup_printf("cannot start a renderer: %s", g_strerror(-r));
                app->windows = g_list_remove(app->windows, w);
                g_hash_table_steal(d->windows, GUINT_TO_POINTER(id));
                window_free(w);
                return r;
        }
        (void) bus_window_export(w);
        return 0;
}

static const char *const window_states[] = {
        "maximize", "unmaximize", "minimize", "restore", "fullscreen", "unfullscreen",
        "focus", "blur", "show-inactive", "center", NULL,
};

/* Method names the renderer answers through View.Call (see the XML). */
static const char *const view_call_methods[] = {
        "reload", "reload-ignoring-cache", "stop", "go-back", "go-forward",
        "execute-javascript", "insert-css", "remove-inserted-css", "set-zoom-factor",
        "set-user-agent", "get-user-agent", "open-dev-tools", "close-dev-tools",
        "is-dev-tools-opened", "crash", "decide", NULL,
};

static void window_op_error(Window *w, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void window_op_error(Window *w, const char *fmt, ...) {
        g_autofree char *msg = NULL;
        JsonBuilder *b;
        va_list ap;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        b = event_begin("error", w->app_window_id);
        event_add_string(b, "message", msg);
        window_post(w, b);
}

void window_handle_op(Window *w, const char *op, JsonObject *o) {
        if (g_str_equal(op, "window-set-bounds")) {
                gboolean moved = FALSE, sized = FALSE;
                int x = w->x == G_MININT ? 0 : w->x, y = w->y == G_MININT ? 0 : w->y;
                int width = w->width, height = w->height;

                moved |= object_int(o, "x", &x);
                moved |= object_int(o, "y", &y);
                sized |= object_int(o, "width", &width);
                sized |= object_int(o, "height", &height);
                if (sized && (width < 1 || height < 1)) {
                        window_op_error(w, "window-set-bounds: size must be positive");
                        return;
                }
                if (moved) {
                        w->x = x;
                        w->y = y;
                        (void) view_call(w, "Move", "ii", x, y);
                }
                if (sized) {
                        w->width = width;
                        w->height = height;
                        (void) view_call(w, "Resize", "ii", width, height);
                }
                if (moved || sized) {
                        bus_emit_window_changed(w, "Bounds");
                        window_save_state(w);
                }
        } else if (g_str_equal(op, "window-set-options")) {
                JsonNode *n = json_object_get_member(o, "options");
                g_autofree char *json = NULL;
                JsonObject *merge;
                GList *members;

                if (!n || !JSON_NODE_HOLDS_OBJECT(n)) {
                        window_op_error(w, "window-set-options: options must be an object");
                        return;
                }
                /* Kept, so that a renderer started after a crash shows the
                 * window as the app last set it. */
                merge = json_node_get_object(n);
                members = json_object_get_members(merge);
                for (GList *k = members; k; k = k->next)
                        json_object_set_member(w->options, k->data,
                                               json_node_copy(json_object_get_member(merge, k->data)));
                g_list_free(members);
                if (json_object_has_member(merge, "parent")) {
                        gint64 parent = 0;
                        JsonNode *p = json_object_get_member(merge, "parent");
                        if (JSON_NODE_HOLDS_VALUE(p) && json_node_get_value_type(p) == G_TYPE_INT64)
                                parent = json_node_get_int(p);
                        w->parent_id = parent > 0 && parent <= G_MAXUINT ? (guint) parent : 0;
                }
                json = renderer_options(w, merge, FALSE);
                (void) view_call_bytes(w, "SetOptions", NULL, json, strlen(json));
        } else if (g_str_equal(op, "window-set-state")) {
                JsonNode *n = json_object_get_member(o, "state");
                const char *state = n && JSON_NODE_HOLDS_VALUE(n) &&
                                                    json_node_get_value_type(n) == G_TYPE_STRING
                                            ? json_node_get_string(n)
                                            : NULL;

                if (!state || !g_strv_contains(window_states, state)) {
                        window_op_error(w, "window-set-state: unknown state");
                        return;
                }
                (void) view_call(w, "SetState", "s", state);
        } else if (g_str_equal(op, "wc-call")) {
                JsonNode *req = json_object_get_member(o, "req");
                JsonNode *method = json_object_get_member(o, "method");
                JsonNode *args = json_object_get_member(o, "args");
                gint64 r;

                if (!req || !JSON_NODE_HOLDS_VALUE(req) ||
                    json_node_get_value_type(req) != G_TYPE_INT64) {
                        window_op_error(w, "wc-call: req must be a number");
                        return;
                }
                r = json_node_get_int(req);
                if (!method || !JSON_NODE_HOLDS_VALUE(method) ||
                    json_node_get_value_type(method) != G_TYPE_STRING ||
                    !g_strv_contains(view_call_methods, json_node_get_string(method))) {
                        window_reply(w, r, FALSE, "Unknown webContents method");
                        return;
                }
                if (!args || !JSON_NODE_HOLDS_VALUE(args) ||
                    json_node_get_value_type(args) != G_TYPE_STRING ||
                    strlen(json_node_get_string(args)) > w->daemon->ipc_max_payload) {
                        window_reply(w, r, FALSE, "Arguments must be JSON text within the size limit");
                        return;
                }
                window_call(w, r, json_node_get_string(method), json_node_get_string(args));
        } else
                window_op_error(w, "unknown op '%s'", op);
}

void window_load_url(Window *w, const char *url) {
        g_free(w->url);
        w->url = g_strdup(url);
        bus_emit_window_changed(w, "URL");
        /* Loading from the moment a load is asked for, as
         * webContents.isLoading() is. */
        if (!w->loading) {
                w->loading = TRUE;
                bus_emit_window_changed(w, "Loading");
        }
        if (w->link) {
                g_autofree char *buf = NULL;

                (void) view_call(w, "LoadURL", "s", bus_string(url, &buf));
        }
        else if (!w->renderer && !w->destroying)
                /* The renderer crashed: loading again starts a new one in the
                 * same window state. */
                (void) window_spawn_renderer(w);
}

void window_set_title(Window *w, const char *title) {
        g_autofree char *buf = NULL;

        if (g_strcmp0(w->title, title) == 0)
                return;
        g_free(w->title);
        w->title = g_strdup(title);
        bus_emit_window_changed(w, "Title");
        (void) view_call(w, "SetTitle", "s", bus_string(title, &buf));
}

void window_set_visible(Window *w, gboolean visible) {
        if (w->visible == visible)
                return;
        w->visible = visible;
        bus_emit_window_changed(w, "Visible");
        (void) view_call(w, "SetVisible", "b", visible);
}

int window_send(Window *w, const char *channel, const void *payload, size_t size) {
        if (size > w->daemon->ipc_max_payload)
                return -E2BIG;
        /* A channel D-Bus cannot carry is refused, not renamed: a renamed
         * one would reach no listener. */
        if (!bus_string_is_valid(channel))
                return -EILSEQ;
        if (!w->link)
                return -ENOTCONN;
        /* Once the page has attached, the app process sends on its page
         * link itself; what comes here is for the renderer. */
        return view_call_bytes(w, "Send", channel, payload, size);
}

void window_destroy(Window *w) {
        if (w->destroying)
                return;
        w->destroying = TRUE;
        if (!w->renderer) {
                window_finish_destroy(w);
                return;
        }
        if (w->link)
                (void) view_call(w, "Destroy", "");
        else
                kill(renderer_get_pid(w->renderer), SIGTERM);
        renderer_terminate(w->renderer, RENDERER_GRACE_MS);
}

void window_free(Window *w) {
        if (!w)
                return;
        if (w->renderer)
                renderer_abandon(w->renderer);
        window_link_close(w);
        w->slot = sd_bus_slot_unref(w->slot);
        g_free(w->state_key);
        if (w->options)
                json_object_unref(w->options);
        if (w->requests)
                g_hash_table_destroy(w->requests);
        g_free(w->object_path);
        g_free(w->title);
        g_free(w->url);
        g_free(w->preload);
        g_free(w);
}
