/* Running apps: each app's main script runs in a process of its own
 * (app-process.c); this file turns what the script asks for into windows
 * and what happens to them into events for the script.  An app names its
 * windows by its own ids (Window.app_window_id); the daemon's ids are
 * never seen by it. */
#include "daemon.h"

#include <errno.h>

#include "appd-protocol.h"
#include "bus.h"
#include "events.h"

#define APP_LOG(a, level, ...) \
        g_log_structured(G_LOG_DOMAIN, level, "APPD_APP", (a)->id, "MESSAGE", __VA_ARGS__)

/* Per-app V8 old-generation limit, MiB. */
#define APP_HEAP_LIMIT_MB 512
/* A restored app that has run this long is no longer suspected of taking
 * appd down; one restored this many times in a row without settling is
 * left out. */
#define APP_SETTLE_SEC 30
#define APP_MAX_RESTORES 3

App *app_find(Daemon *d, const char *id) {
        return g_hash_table_lookup(d->apps, id);
}

void app_free(App *a) {
        if (!a)
                return;
        if (a->settle_timer)
                g_source_remove(a->settle_timer);
        app_process_free(a->process);
        menu_set_free(a->menus);
        changes_drop(a->daemon, &a->change);
        a->slot = sd_bus_slot_unref(a->slot);
        g_list_free(a->windows);
        g_free(a->id);
        g_free(a->name);
        g_free(a->version);
        g_free(a->dir);
        g_free(a->object_path);
        g_free(a->exit_reason);
        g_free(a->exit_message);
        g_free(a);
}

void app_post_event(App *a, const char *json) {
        int r;

        if (a->script_ended)
                return;
        r = app_process_post(a->process, json);
        if (r < 0)
                APP_LOG(a, G_LOG_LEVEL_WARNING, "Cannot deliver an event to %s: %s", a->id,
                        g_strerror(-r));
}

static void app_set_state(App *a, AppState state) {
        if (a->state == state)
                return;
        a->state = state;
        app_mark_changed(a, APP_PROPERTY_STATE);
}

static void app_post_error(App *a, guint window_id, const char *message) {
        JsonBuilder *b = event_begin("error", window_id);
        g_autofree char *json = NULL;

        event_add_string(b, "message", message);
        json = event_end(b);
        app_post_event(a, json);
}

/* The app is over once its script has ended and its last renderer is
 * reaped: only then is AppExited sent, so a client that waited for it
 * finds no process of the app left. */
static void app_maybe_finish(App *a) {
        Daemon *d = a->daemon;

        if (!a->script_ended || a->windows || a->state == APP_EXITED)
                return;
        a->state = APP_EXITED;
        APP_LOG(a, G_LOG_LEVEL_MESSAGE, "App %s exited: %s, code %d%s%s", a->id, a->exit_reason,
                a->exit_code, *a->exit_message ? ": " : "", a->exit_message);
        /* Ended, by itself or by appd's orderly stop: nothing to restore. */
        if (store_session_remove(d->store, a->id) < 0)
                APP_LOG(a, G_LOG_LEVEL_WARNING, "Cannot forget %s in the session", a->id);
        changes_queue_app_exited(a);
        g_hash_table_remove(d->apps, a->id);
        if (d->stopping && g_hash_table_size(d->apps) == 0)
                g_main_loop_quit(d->loop);
}

void app_window_gone(App *a, Window *w) {
        a->windows = g_list_remove(a->windows, w);
        app_maybe_finish(a);
}

/* 0 unless o[key] is a whole number. */
static gint64 member_int(JsonObject *o, const char *key) {
        JsonNode *n = json_object_get_member(o, key);
        if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64)
                return 0;
        return json_node_get_int(n);
}

Window *app_window_find(App *a, gint64 app_window_id) {
        for (GList *l = a->windows; l; l = l->next) {
                Window *w = l->data;
                if (w->app_window_id == app_window_id)
                        return w;
        }
        return NULL;
}

int app_post_ipc(App *a, guint app_window_id, const char *kind, gint64 req,
                 const char *channel, const void *payload, size_t size) {
        if (a->script_ended)
                return -ESRCH;
        return app_process_post_ipc(a->process, app_window_id, kind, req, channel, payload,
                                    size);
}

static Window *app_window(App *a, JsonObject *o, const char *op) {
        gint64 id = member_int(o, "id");
        /* An app names only its own windows: its ids mean nothing
         * elsewhere. */
        Window *w = id > 0 ? app_window_find(a, id) : NULL;

        if (!w) {
                g_autofree char *msg = g_strdup_printf("%s: no window %" G_GINT64_FORMAT, op, id);
                app_post_error(a, 0, msg);
                return NULL;
        }
        return w;
}

static const char *member_string(JsonObject *o, const char *key) {
        JsonNode *n = json_object_get_member(o, key);
        if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
                return NULL;
        return json_node_get_string(n);
}

static void app_handle_message(App *a, JsonObject *o, GBytes *payload) {
        const char *op = member_string(o, "op");
        Window *w;

        if (!op) {
                APP_LOG(a, G_LOG_LEVEL_WARNING, "Message without op from %s", a->id);
                return;
        }

        if (g_str_equal(op, "app-ready")) {
                if (a->state == APP_STARTING)
                        app_set_state(a, APP_RUNNING);
                return;
        }

        if (g_str_equal(op, "window-create")) {
                g_autofree char *error = NULL;
                JsonNode *opts = json_object_get_member(o, "options");
                gint64 id = member_int(o, "id");
                if (id <= 0 || id > G_MAXUINT ||
                    window_create(a->daemon, a, (guint) id,
                                  opts && JSON_NODE_HOLDS_OBJECT(opts) ? json_node_get_object(opts)
                                                                       : NULL,
                                  &error) < 0) {
                        g_autofree char *msg = g_strdup_printf("cannot create window: %s",
                                                               error ? error : "bad id");
                        app_post_error(a, id > 0 && id <= G_MAXUINT ? (guint) id : 0, msg);
                }
                return;
        }

        w = app_window(a, o, op);
        if (!w)
                return;

        if (g_str_equal(op, "window-load")) {
                const char *url = member_string(o, "url");
                if (url)
                        window_load_url(w, url);
        } else if (g_str_equal(op, "window-set-title")) {
                const char *title = member_string(o, "title");
                if (title)
                        window_set_title(w, title);
        } else if (g_str_equal(op, "window-show"))
                window_set_visible(w, TRUE);
        else if (g_str_equal(op, "window-hide"))
                window_set_visible(w, FALSE);
        else if (g_str_equal(op, "window-destroy"))
                window_destroy(w);
        else if (g_str_equal(op, "send")) {
                const char *channel = member_string(o, "channel");
                int r;

                if (!channel || !payload) {
                        app_post_error(a, w->app_window_id,
                                       "send: channel and payload are required");
                        return;
                }
                r = window_send(w, channel, g_bytes_get_data(payload, NULL),
                                g_bytes_get_size(payload));
                if (r == -E2BIG || r == -ENOBUFS || r == -EILSEQ) {
                        g_autofree char *msg = g_strdup_printf(
                                "webContents.send('%s'): %s", channel,
                                r == -E2BIG    ? "message too large"
                                : r == -EILSEQ ? "the channel name has characters D-Bus cannot carry"
                                               : "too many messages waiting");
                        app_post_error(a, w->app_window_id, msg);
                }
        } else if (g_str_equal(op, "page-linked")) {
                JsonNode *linked = json_object_get_member(o, "linked");

                if (linked && JSON_NODE_HOLDS_VALUE(linked) &&
                    json_node_get_value_type(linked) == G_TYPE_BOOLEAN)
                        window_set_page_linked(w, json_node_get_boolean(linked));
        } else if (g_str_equal(op, "invoke-reply") || g_str_equal(op, "send-sync-reply")) {
                JsonNode *ok = json_object_get_member(o, "ok");
                const char *error = member_string(o, "error");
                static const char empty[1];

                if (!ok || !JSON_NODE_HOLDS_VALUE(ok) ||
                    json_node_get_value_type(ok) != G_TYPE_BOOLEAN)
                        return;
                if (json_node_get_boolean(ok))
                        window_request_reply(w, member_int(o, "req"), TRUE,
                                             payload ? g_bytes_get_data(payload, NULL) : empty,
                                             payload ? g_bytes_get_size(payload) : 0);
                else
                        window_request_reply(w, member_int(o, "req"), FALSE,
                                             error ? error : "failed", error ? strlen(error) : 6);
        } else
                window_handle_op(w, op, o);
}

/* --- the app process's callbacks */

static void app_message_cb(AppProcess *p, const char *json, const void *payload,
                           size_t payload_size, gpointer user_data) {
        App *a = user_data;
        g_autoptr(GBytes) bytes = payload ? g_bytes_new(payload, payload_size) : NULL;
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(GError) error = NULL;
        JsonNode *root;

        if (a->script_ended)
                return;
        if (!json_parser_load_from_data(parser, json, -1, &error)) {
                APP_LOG(a, G_LOG_LEVEL_WARNING, "Malformed message from %s: %s", a->id,
                        error->message);
                return;
        }
        root = json_parser_get_root(parser);
        if (!root || !JSON_NODE_HOLDS_OBJECT(root))
                return;
        app_handle_message(a, json_node_get_object(root), bytes);
}

static void app_output_cb(AppProcess *p, int stream, const char *text, gpointer user_data) {
        const char *app_id = ((App *) user_data)->id;
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

        for (char **l = lines; *l; l++) {
                if (!**l && !l[1])
                        break;
                g_log_structured(G_LOG_DOMAIN, stream == 2 ? G_LOG_LEVEL_WARNING
                                                           : G_LOG_LEVEL_MESSAGE,
                                 "APPD_APP", app_id, "APPD_STREAM",
                                 stream == 2 ? "stderr" : "stdout",
                                 "MESSAGE", "[%s] %s", app_id, *l);
        }
}

static void app_exited_cb(AppProcess *p, int exit_code, const char *reason,
                          const char *message, gpointer user_data) {
        App *a = user_data;
        GList *windows;

        if (a->script_ended)
                return;
        a->script_ended = TRUE;
        a->exit_code = exit_code;
        a->exit_reason = g_strdup(reason);
        a->exit_message = g_strdup(message ? message : "");

        /* Nothing of an app outlives its script. */
        windows = g_list_copy(a->windows);
        for (GList *l = windows; l; l = l->next)
                window_destroy(l->data);
        g_list_free(windows);
        app_maybe_finish(a);
}

int app_id_claim(Daemon *d, Package *pkg) {
        char *id = NULL;
        int r;

        r = store_app_id_for_path(d->store, pkg->id, pkg->dir, &id);
        if (r < 0)
                return r;
        g_free(pkg->id);
        pkg->id = id;
        return 0;
}

int app_open(Daemon *d, Package *pkg, const char *const *args, App **ret) {
        static const AppProcessCallbacks callbacks = {
                .message = app_message_cb,
                .output = app_output_cb,
                .exited = app_exited_cb,
                .menu_call = app_menus_call,
        };
        g_autofree char *user_data = NULL, *states = NULL;
        AppProcessSpec spec = { 0 };
        App *a;
        int r;

        /* A folder of its own, an id of its own, whatever its name. */
        r = app_id_claim(d, pkg);
        if (r < 0)
                return r;
        if (app_find(d, pkg->id))
                return -EBUSY;

        a = g_new0(App, 1);
        a->daemon = d;
        a->id = g_strdup(pkg->id);
        a->name = g_strdup(pkg->product_name);
        a->version = g_strdup(pkg->version);
        a->dir = g_strdup(pkg->dir);
        a->state = APP_STARTING;
        a->exit_reason = g_strdup("");
        a->exit_message = g_strdup("");
        a->menus = menu_set_new();
        r = sd_bus_path_encode(APPD_APP_PATH_PREFIX, a->id, &a->object_path);
        if (r < 0) {
                app_free(a);
                return r;
        }

        user_data = g_build_filename(d->config_home, pkg->product_name, NULL);
        spec.app_id = a->id;
        spec.name = pkg->name;
        spec.version = pkg->version;
        spec.app_dir = pkg->dir;
        spec.main_path = pkg->main_path;
        spec.user_data_dir = user_data;
        spec.args = args;
        spec.max_old_generation_mb = APP_HEAP_LIMIT_MB;
        spec.ipc_max_payload = d->ipc_max_payload;
        /* The app's remembered windows, so a BrowserWindow with a stateKey
         * knows its bounds as it is constructed. */
        if (store_window_states_json(d->store, a->id, &states) >= 0)
                spec.window_states_json = states;
        r = app_process_start(d->app_process_path, &spec, &callbacks, a, &a->process);
        if (r < 0) {
                app_free(a);
                return r;
        }
        g_hash_table_insert(d->apps, a->id, a);
        (void) bus_app_export(a);
        r = bus_app_host_add(a);
        if (r < 0)
                APP_LOG(a, G_LOG_LEVEL_WARNING, "No clipboard or screen for %s: %s", a->id,
                        g_strerror(-r));
        r = store_app_opened(d->store, a->id, pkg->name, pkg->version, pkg->dir,
                             g_get_real_time());
        if (r < 0)
                APP_LOG(a, G_LOG_LEVEL_WARNING, "Cannot record app %s: %s", a->id,
                        g_strerror(-r));
        /* On disk before anyone is told the app runs, so a kill of appd
         * at any moment after finds it. */
        r = pkg->restore ? store_session_add(d->store, a->id, pkg->dir, args, g_get_real_time())
                         : store_session_remove(d->store, a->id);
        if (r < 0)
                APP_LOG(a, G_LOG_LEVEL_WARNING, "Cannot record %s in the session: %s", a->id,
                        g_strerror(-r));
        APP_LOG(a, G_LOG_LEVEL_MESSAGE, "Started app %s (%s %s) from %s", a->id, a->name,
                a->version, a->dir);
        changes_queue_app_started(a);
        *ret = a;
        return 0;
}

int app_quit(App *a) {
        if (a->script_ended)
                return -ESRCH;
        app_set_state(a, APP_QUITTING);
        app_post_event(a, "{\"ev\":\"quit\"}");
        return 0;
}

int app_kill(App *a) {
        if (a->script_ended)
                return -ESRCH;
        app_set_state(a, APP_QUITTING);
        return app_process_kill(a->process);
}

static gboolean app_settled_cb(gpointer user_data) {
        App *a = user_data;

        a->settle_timer = 0;
        (void) store_session_settled(a->daemon->store, a->id);
        return G_SOURCE_REMOVE;
}

/* Starts one app the previous appd had running. */
static void app_restore(Daemon *d, const StoreSessionApp *s) {
        g_autoptr(GError) error = NULL;
        g_autoptr(Package) pkg = NULL;
        App *a;
        int r;

        if (s->restores >= APP_MAX_RESTORES) {
                g_log_structured(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "APPD_APP", s->app_id,
                                 "MESSAGE",
                                 "Not restoring app %s: it was running the last %d times appd "
                                 "ended abnormally and may be what ends it; "
                                 "`appctl open %s` starts it",
                                 s->app_id, s->restores, s->path);
                (void) store_session_remove(d->store, s->app_id);
                return;
        }
        pkg = package_load(s->path, &error);
        if (!pkg || !pkg->restore) {
                g_log_structured(G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "APPD_APP", s->app_id,
                                 "MESSAGE", "Not restoring app %s: %s", s->app_id,
                                 pkg ? "its package.json opts out (appd.restore)"
                                     : error->message);
                (void) store_session_remove(d->store, s->app_id);
                return;
        }
        if (app_id_claim(d, pkg) < 0 || !g_str_equal(pkg->id, s->app_id))
                (void) store_session_remove(d->store, s->app_id);
        /* Counted before the app runs: if it takes appd down again, the
         * next appd knows. */
        (void) store_session_add(d->store, pkg->id, pkg->dir, (const char *const *) s->args,
                                 g_get_real_time());
        if (store_session_restoring(d->store, pkg->id) < 0)
                return;
        r = app_open(d, pkg, (const char *const *) s->args, &a);
        if (r < 0) {
                g_log_structured(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "APPD_APP", pkg->id,
                                 "MESSAGE", "Cannot restore app %s: %s", pkg->id, g_strerror(-r));
                (void) store_session_remove(d->store, pkg->id);
                return;
        }
        APP_LOG(a, G_LOG_LEVEL_MESSAGE, "Restored app %s from the session appd had when it ended",
                a->id);
        a->settle_timer = g_timeout_add_seconds(APP_SETTLE_SEC, app_settled_cb, a);
}

void apps_spare_enable(Daemon *d) {
        const char *choice = g_getenv("APPD_SPARE_APP_PROCESSES");

        if (g_strcmp0(choice, "0") == 0) {
                g_message("No spare app process (APPD_SPARE_APP_PROCESSES=0)");
                return;
        }
        app_process_spare_enable(d->app_process_path, APP_HEAP_LIMIT_MB);
}

void apps_restore_session(Daemon *d) {
        g_autoptr(GPtrArray) session = NULL;
        int r;

        r = store_session_list(d->store, &session);
        if (r < 0) {
                g_warning("Cannot read the session to restore: %s", g_strerror(-r));
                return;
        }
        if (session->len > 0)
                g_message("appd ended abnormally with %u apps running: restoring them",
                          session->len);
        for (guint i = 0; i < session->len; i++)
                app_restore(d, session->pdata[i]);
}
