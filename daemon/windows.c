/* BrowserWindows: the daemon's objects (the Window model), and the
 * private link to each window's renderer process.  The daemon holds the
 * state; the renderer shows it (window-renderer.c) and reports what
 * happens (bus-host.c). */
#include "windows.h"

#include <errno.h>
#include <sys/socket.h>
#include <signal.h>
#include <unistd.h>

#include "appd-protocol.h"
#include "bus.h"
#include "bus-link.h"
#include "bus-source.h"
#include "bus-string.h"
#include "events.h"
#include "ipc-check.h"

/* How long a renderer may take to go away once asked. */
#define RENDERER_GRACE_MS 3000

Window *window_find(Daemon *d, guint id) {
        return g_hash_table_lookup(d->windows, GUINT_TO_POINTER(id));
}

void window_post(Window *w, JsonBuilder *b) {
        g_autofree char *json = event_end(b);
        if (w->app)
                app_post_event(w->app, json);
}

/* --- the page's IPC: Host.Send, Invoke and SendSync (bus-host.c), on the
 * renderer's link or a page link. */

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

int method_Send(sd_bus_message *m, void *userdata, sd_bus_error *error) {
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

static size_t window_max_request_bytes(Window *w) {
        return ipc_waiting_max(w->daemon->ipc_max_payload);
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

int method_Invoke(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return ipc_request(m, userdata, "invoke", error);
}

int method_SendSync(sd_bus_message *m, void *userdata, sd_bus_error *error) {
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
        window_mark_changed(w, WINDOW_PROPERTY_PAGE_LINKED);
}

/* The renderer is gone, and its web processes with it. */
static void window_close_page_links(Window *w) {
        window_set_page_linked(w, FALSE);
        if (w->app && !w->app->script_ended)
                (void) app_process_close_page_links(w->app->process, w->app_window_id);
}

int method_OpenPageLink(sd_bus_message *m, void *userdata, sd_bus_error *error) {
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

/* --- the renderer link */

void window_link_close(Window *w) {
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

int window_link_open(Window *w, int fd) {
        int r = bus_link_serve(fd, APPD_HOST_PATH, APPD_HOST_IFACE, bus_host_vtable, w, &w->host_slot,
                               &w->link);
        if (r < 0)
                return r;
        w->link_source = bus_source_attach(w->link, NULL, window_link_closed_cb, w);
        return 0;
}

/* --- the model */

void window_finish_destroy(Window *w) {
        App *app = w->app;

        WINDOW_LOG(w, G_LOG_LEVEL_INFO, "Window %u closed", w->id);
        window_post(w, event_begin("closed", w->app_window_id));
        g_hash_table_steal(w->daemon->windows, GUINT_TO_POINTER(w->id));
        if (app)
                app_window_gone(app, w);
        window_free(w);
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

const char *window_option_string(JsonObject *o, const char *key) {
        JsonNode *n = o ? json_object_get_member(o, key) : NULL;
        if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
                return NULL;
        return json_node_get_string(n);
}

guint window_option_parent(JsonObject *o) {
        JsonNode *n = o ? json_object_get_member(o, "parent") : NULL;
        gint64 id;

        if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64)
                return 0;
        id = json_node_get_int(n);
        return id > 0 && id <= G_MAXUINT ? (guint) id : 0;
}

gboolean json_member_bool(JsonObject *o, const char *key, gboolean *value) {
        JsonNode *n = json_object_get_member(o, key);
        if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_BOOLEAN)
                return FALSE;
        *value = json_node_get_boolean(n);
        return TRUE;
}

gboolean json_member_int(JsonObject *o, const char *key, int *value) {
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
void window_save_state(Window *w) {
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
        preload = window_option_string(options, "preload");
        if (preload && !g_path_is_absolute(preload)) {
                *ret_error = g_strdup_printf("preload must be an absolute path, got '%s'",
                                             preload);
                return -EINVAL;
        }
        key = window_option_string(options, "stateKey");
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
        title = window_option_string(options, "title");
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
                        json_member_bool(o, "contextIsolation", &w->context_isolation);
                        json_member_bool(o, "nodeIntegration", &w->node_integration);
                        w->sandbox = !w->node_integration;
                        json_member_bool(o, "sandbox", &w->sandbox);
                }
        }
        w->url = g_strdup("");
        w->object_path = g_strdup_printf(APPD_WINDOW_PATH_PREFIX "/%u", id);
        g_snprintf(w->id_text, sizeof(w->id_text), "%u", id);
        w->options = json_object_ref(options);
        w->parent_id = window_option_parent(options);
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

void window_set_url(Window *w, const char *url) {
        g_free(w->url);
        w->url = g_strdup(url);
        window_mark_changed(w, WINDOW_PROPERTY_URL);
}

void window_set_loading(Window *w, gboolean loading) {
        if (w->loading == loading)
                return;
        w->loading = loading;
        window_mark_changed(w, WINDOW_PROPERTY_LOADING);
}

void window_load_url(Window *w, const char *url) {
        window_set_url(w, url);
        /* Loading from the moment a load is asked for, as
         * webContents.isLoading() is. */
        window_set_loading(w, TRUE);
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
        window_mark_changed(w, WINDOW_PROPERTY_TITLE);
        (void) view_call(w, "SetTitle", "s", bus_string(title, &buf));
}

void window_set_visible(Window *w, gboolean visible) {
        if (w->visible == visible)
                return;
        w->visible = visible;
        window_mark_changed(w, WINDOW_PROPERTY_VISIBLE);
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

void window_request_close(Window *w) {
        if (w->app && w->app->state != APP_EXITED && !w->app->script_ended)
                window_post(w, event_begin("close-requested", w->app_window_id));
        else
                window_destroy(w);
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
        /* After the link: closing it may mark PageLinked. */
        changes_drop(w->daemon, &w->change);
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
