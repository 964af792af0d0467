/* BrowserWindows: the daemon's objects, and the private link to each
 * window's renderer process.  The daemon holds the state; the renderer
 * shows it and reports what happens. */
#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <systemd/sd-id128.h>
#include <unistd.h>

#include "appd-protocol.h"
#include "bus-source.h"
#include "events.h"
#include "js/js-runtime.h"

/* Journal fields are plain strings; the window id is kept in text form
 * for them. */
#define WINDOW_LOG(w, level, ...) \
        g_log_structured(G_LOG_DOMAIN, level, "APPD_APP", (w)->app ? (w)->app->id : "", \
                         "APPD_WINDOW", (w)->id_text, "MESSAGE", __VA_ARGS__)

/* How long a renderer may take to go away once asked. */
#define RENDERER_GRACE_MS 3000
/* Outgoing messages allowed to wait on a renderer that does not read. */
#define LINK_MAX_QUEUED 4096
#define IPC_MAX_CHANNEL 256

typedef struct {
        char *channel;
        GBytes *payload;
} PendingSend;

static void pending_send_free(PendingSend *p) {
        g_free(p->channel);
        g_bytes_unref(p->payload);
        g_free(p);
}

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

        if (!w->link || !w->ready)
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

static int view_send(Window *w, const char *channel, const void *data, size_t size) {
        g_autoptr(sd_bus_message) m = NULL;
        int r;

        r = view_message_new(w, "Send", &m);
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "s", channel);
        if (r < 0)
                return r;
        r = sd_bus_message_append_array(m, 'y', data, size);
        if (r < 0)
                return r;
        return sd_bus_send(w->link, m, NULL);
}

static void window_flush_pending(Window *w) {
        PendingSend *p;

        while ((p = g_queue_pop_head(&w->pending))) {
                gsize size;
                const void *data = g_bytes_get_data(p->payload, &size);
                int r = view_send(w, p->channel, data, size);

                if (r < 0)
                        WINDOW_LOG(w, G_LOG_LEVEL_WARNING, "Dropped IPC on %s: %s", p->channel,
                                   g_strerror(-r));
                w->pending_bytes -= size;
                pending_send_free(p);
        }
}

/* --- Host: calls from this window's renderer.  The window is the slot's
 * userdata, fixed when the link was made: a renderer can only ever speak
 * for its own window. */

static int method_Ready(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        uint64_t xid;
        int r;

        r = sd_bus_message_read(m, "t", &xid);
        if (r < 0)
                return r;
        if (!w->ready) {
                w->ready = TRUE;
                if (w->url)
                        (void) view_call(w, "LoadURL", "s", w->url);
                window_flush_pending(w);
                window_post(w, event_begin("window-ready", w->id));
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

        b = event_begin("load", w->id);
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

        b = event_begin("load-failed", w->id);
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
        b = event_begin("title", w->id);
        event_add_string(b, "title", title);
        window_post(w, b);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_CloseRequested(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;

        if (w->app && w->app->state != APP_EXITED && !w->app->script_ended)
                window_post(w, event_begin("close-requested", w->id));
        else
                window_destroy(w);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_Send(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        const char *channel;
        const void *data;
        size_t size;
        int r;

        r = sd_bus_message_read(m, "s", &channel);
        if (r < 0)
                return r;
        r = sd_bus_message_read_array(m, 'y', &data, &size);
        if (r < 0)
                return r;
        if (!*channel || strlen(channel) > IPC_MAX_CHANNEL)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "IPC channel names must be 1 to %d bytes",
                                         IPC_MAX_CHANNEL);
        if (size > APPD_IPC_MAX_PAYLOAD)
                return sd_bus_error_setf(error, APPD_ERROR_TOO_LARGE,
                                         "IPC message of %zu bytes is over the limit of %u",
                                         size, APPD_IPC_MAX_PAYLOAD);
        if (!w->app || w->app->script_ended)
                return sd_bus_error_set(error, APPD_ERROR_NOT_RUNNING,
                                        "The window's app is not running");
        r = js_app_post_ipc(w->app->id, w->id, channel, data, size);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot deliver IPC: %s",
                                               g_strerror(-r));
        return sd_bus_reply_method_return(m, NULL);
}

static const sd_bus_vtable host_vtable[] = {
        SD_BUS_VTABLE_START(0),
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
        SD_BUS_METHOD_WITH_ARGS("Send", SD_BUS_ARGS("s", channel, "ay", args),
                                SD_BUS_NO_RESULT, method_Send, 0),
        SD_BUS_VTABLE_END
};

/* --- the renderer process */

static void window_link_close(Window *w) {
        w->ready = FALSE;
        w->host_slot = sd_bus_slot_unref(w->host_slot);
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
        window_post(w, event_begin("closed", w->id));
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
        b = event_begin("renderer-gone", w->id);
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

static int window_spawn_renderer(Window *w) {
        Daemon *d = w->daemon;
        g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
        g_autofree char *data = NULL, *cache = NULL;
        g_autoptr(sd_bus) link = NULL;
        sd_id128_t server_id;
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
        g_ptr_array_add(argv, g_strdup_printf("--data-dir=%s", data));
        g_ptr_array_add(argv, g_strdup_printf("--cache-dir=%s", cache));
        g_ptr_array_add(argv, NULL);

        r = renderer_spawn((const char *const *) argv->pdata, window_renderer_exited_cb, w,
                           &w->renderer, &fd);
        if (r < 0)
                return r;

        r = sd_bus_new(&link);
        if (r >= 0)
                r = sd_bus_set_fd(link, fd, fd);
        if (r < 0) {
                close(fd);
                goto fail;
        }
        fd = -1;
        r = sd_id128_randomize(&server_id);
        if (r >= 0)
                r = sd_bus_set_server(link, 1, server_id);
        if (r >= 0)
                r = sd_bus_set_anonymous(link, 1);
        if (r >= 0)
                r = sd_bus_add_object_vtable(link, &w->host_slot, APPD_HOST_PATH,
                                             APPD_HOST_IFACE, host_vtable, w);
        if (r >= 0)
                r = sd_bus_start(link);
        if (r < 0)
                goto fail;
        w->link = g_steal_pointer(&link);
        w->link_source = bus_source_attach(w->link, NULL, window_link_closed_cb, w);
        WINDOW_LOG(w, G_LOG_LEVEL_INFO, "Window %u: renderer %d started", w->id,
                   (int) renderer_get_pid(w->renderer));
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

int window_create(Daemon *d, App *app, guint id, JsonObject *options, char **ret_error) {
        Window *w;
        JsonNode *show;
        const char *title, *preload;
        int r;

        if (id == 0 || window_find(d, id)) {
                *ret_error = g_strdup_printf("window id %u is not free", id);
                return -EEXIST;
        }
        preload = options_string(options, "preload");
        if (preload && !g_path_is_absolute(preload)) {
                *ret_error = g_strdup_printf("preload must be an absolute path, got '%s'",
                                             preload);
                return -EINVAL;
        }

        w = g_new0(Window, 1);
        w->daemon = d;
        w->id = id;
        w->app = app;
        title = options_string(options, "title");
        w->title = g_strdup(title ? title : app->name);
        w->width = MAX(options_int(options, "width", 800), 1);
        w->height = MAX(options_int(options, "height", 600), 1);
        w->x = options_int(options, "x", G_MININT);
        w->y = options_int(options, "y", G_MININT);
        show = options ? json_object_get_member(options, "show") : NULL;
        w->visible = !(show && JSON_NODE_HOLDS_VALUE(show) &&
                       json_node_get_value_type(show) == G_TYPE_BOOLEAN &&
                       !json_node_get_boolean(show));
        w->preload = g_strdup(preload);
        w->url = g_strdup("");
        g_queue_init(&w->pending);
        w->object_path = g_strdup_printf(APPD_WINDOW_PATH_PREFIX "/%u", id);
        g_snprintf(w->id_text, sizeof(w->id_text), "%u", id);

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
        if (w->ready)
                (void) view_call(w, "LoadURL", "s", url);
        else if (!w->renderer && !w->destroying)
                /* The renderer crashed: loading again starts a new one in the
                 * same window state. */
                (void) window_spawn_renderer(w);
}

void window_set_title(Window *w, const char *title) {
        if (g_strcmp0(w->title, title) == 0)
                return;
        g_free(w->title);
        w->title = g_strdup(title);
        bus_emit_window_changed(w, "Title");
        (void) view_call(w, "SetTitle", "s", title);
}

void window_set_visible(Window *w, gboolean visible) {
        if (w->visible == visible)
                return;
        w->visible = visible;
        bus_emit_window_changed(w, "Visible");
        (void) view_call(w, "SetVisible", "b", visible);
}

int window_send(Window *w, const char *channel, const char *payload, size_t size) {
        PendingSend *p;

        if (size > APPD_IPC_MAX_PAYLOAD)
                return -E2BIG;
        if (w->ready)
                return view_send(w, channel, payload, size);
        if (g_queue_get_length(&w->pending) >= WINDOW_PENDING_MAX_CALLS ||
            w->pending_bytes + size > WINDOW_PENDING_MAX_BYTES)
                return -ENOBUFS;
        p = g_new0(PendingSend, 1);
        p->channel = g_strdup(channel);
        p->payload = g_bytes_new(payload, size);
        w->pending_bytes += size;
        g_queue_push_tail(&w->pending, p);
        return 0;
}

void window_destroy(Window *w) {
        if (w->destroying)
                return;
        w->destroying = TRUE;
        if (!w->renderer) {
                window_finish_destroy(w);
                return;
        }
        if (w->ready)
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
        g_queue_clear_full(&w->pending, (GDestroyNotify) pending_send_free);
        g_free(w->object_path);
        g_free(w->title);
        g_free(w->url);
        g_free(w->preload);
        g_free(w);
}
