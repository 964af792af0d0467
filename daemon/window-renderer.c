/* A window's renderer process: starting it with the window's state, the
 * View calls that show changes, and what its end means for the window. */
#include "windows.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "appd-protocol.h"
#include "bus-source.h"
#include "bus-string.h"
#include "events.h"

/* Outgoing messages allowed to wait on a renderer that does not read. */
#define LINK_MAX_QUEUED 4096

/* A View call that expects no reply: the renderer reports outcomes
 * through Host calls, so replies would only be bookkeeping.  Refused when
 * the renderer does not keep up with what is already queued. */
int view_message_new(Window *w, const char *member, sd_bus_message **ret) {
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

int view_call(Window *w, const char *member, const char *types, ...) {
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
int view_call_bytes(Window *w, const char *member, const char *str, const void *data,
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

void window_renderer_ready(Window *w, guint64 xid) {
        gboolean moved = w->xid != xid;
        JsonBuilder *b;

        w->xid = xid;
        window_tell_children(w);
        /* Again for a new renderer's window: the app parents dialogs to it. */
        if (!w->ready || moved) {
                w->ready = TRUE;
                b = event_begin("window-ready", w->app_window_id);
                event_add_int(b, "xid", (gint64) xid);
                window_post(w, b);
        }
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
        window_mark_changed(w, WINDOW_PROPERTY_RENDERER_PID);
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

/* Keys of window-create options that the renderer applies itself (View
 * SetOptions keys plus the initial states); the daemon keeps geometry,
 * title, visibility and preload. */
static const char *const renderer_option_keys[] = {
        "resizable", "minWidth", "minHeight", "maxWidth", "maxHeight", "alwaysOnTop",
        "skipTaskbar", "frame", "closable", "backgroundColor", "icon", "progress", "urgent",
        "modal", "center", "fullscreen", "maximized", "autoHideMenuBar", "menuBarVisible", NULL,
};

/* The renderer's view of a window's options: only known keys, and
 * `parent` (a window id of the same app) turned into the parent's X11
 * window.  A parent of another app is ignored: apps do not reach each
 * other's windows. */
char *window_renderer_options(Window *w, JsonObject *options, gboolean initial) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        g_autoptr(JsonNode) root = NULL;

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
        if (json_object_has_member(options, "parent")) {
                guint parent = window_option_parent(options);
                Window *p = parent && w->app ? app_window_find(w->app, parent) : NULL;

                json_builder_set_member_name(b, "parentXid");
                json_builder_add_int_value(b, p && p->app == w->app ? (gint64) p->xid : 0);
        }
        if (!initial) {
                const char *title = window_option_string(options, "title");
                if (title) {
                        json_builder_set_member_name(b, "title");
                        json_builder_add_string_value(b, title);
                }
        }
        json_builder_end_object(b);
        root = json_builder_get_root(b);
        return json_to_string(root, FALSE);
}

int window_spawn_renderer(Window *w) {
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
                    json_member_bool(json_node_get_object(prefs), "webSecurity", &web_security) && !web_security)
                        g_ptr_array_add(argv, g_strdup("--no-web-security"));
        }
        /* Where Node reaches: the page itself, or only the preload. */
        if (w->node_integration)
                g_ptr_array_add(argv, g_strdup("--node=page"));
        else if (!w->sandbox)
                g_ptr_array_add(argv, g_strdup("--node=preload"));
        options = window_renderer_options(w, w->options, TRUE);
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

        r = window_link_open(w, fd);
        if (r < 0)
                goto fail;
        WINDOW_LOG(w, G_LOG_LEVEL_INFO, "Window %u: renderer %d started", w->id,
                   (int) renderer_get_pid(w->renderer));
        window_mark_changed(w, WINDOW_PROPERTY_RENDERER_PID);
        if (w->url && *w->url) {
                g_autofree char *url_buf = NULL;

                (void) view_call(w, "LoadURL", "s", bus_string(w->url, &url_buf));
        }
        window_menus_renderer_started(w);
        return 0;

fail:
        w->host_slot = sd_bus_slot_unref(w->host_slot);
        renderer_abandon(w->renderer);
        w->renderer = NULL;
        return r;
}
