/* org.appd.Appd1.Manager, .App and .Window on the session bus: vtables and
 * handlers only.  protocol/org.appd.Appd1.*.xml is the contract.
 *
 * Text that apps supply (names, versions, titles, URLs, exception
 * messages, package.json contents in errors) goes out through
 * bus_string(): sd-bus refuses some of what JSON and GLib take, and a
 * refused string would fail the whole reply, for every client. */
#include "daemon.h"

#include <errno.h>

#include "appd-protocol.h"
#include "bus-source.h"
#include "bus-string.h"

#define OPEN_MAX_ARGS 1024
#define OPEN_MAX_ARGS_BYTES (1024 * 1024)

static const char *app_state_string(AppState s) {
        switch (s) {
        case APP_STARTING: return "starting";
        case APP_RUNNING: return "running";
        case APP_QUITTING: return "quitting";
        case APP_EXITED: return "exited";
        }
        return "unknown";
}

static int method_Open(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        g_autoptr(GError) perr = NULL;
        g_autoptr(Package) pkg = NULL;
        g_auto(GStrv) args = NULL;
        const char *path;
        size_t total = 0;
        App *a;
        int r;

        r = sd_bus_message_read(m, "s", &path);
        if (r < 0)
                return r;
        r = sd_bus_message_read_strv(m, &args);
        if (r < 0)
                return r;
        if (!args)
                args = g_new0(char *, 1);

        if (!g_path_is_absolute(path))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "The app folder must be an absolute path, got '%s'",
                                         path);
        if (g_strv_length(args) > OPEN_MAX_ARGS)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "At most %d arguments", OPEN_MAX_ARGS);
        for (char **s = args; s && *s; s++)
                total += strlen(*s);
        if (total > OPEN_MAX_ARGS_BYTES)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Arguments are over %d bytes", OPEN_MAX_ARGS_BYTES);
        if (d->stopping)
                return sd_bus_error_set(error, APPD_ERROR_FAILED, "appd is stopping");

        pkg = package_load(path, &perr);
        if (!pkg) {
                const char *name = perr->code == PACKAGE_ERROR_NO_FOLDER ? APPD_ERROR_NO_SUCH_APP
                                 : perr->code == PACKAGE_ERROR_NO_MAIN   ? APPD_ERROR_NO_MAIN
                                                                         : APPD_ERROR_BAD_PACKAGE;
                g_autofree char *buf = NULL;
                return sd_bus_error_set(error, name, bus_string(perr->message, &buf));
        }

        r = app_open(d, pkg, (const char *const *) args, &a);
        if (r == -EBUSY)
                return sd_bus_error_setf(error, APPD_ERROR_ALREADY_RUNNING,
                                         "App '%s' is already running", pkg->id);
        if (r < 0)
                return sd_bus_error_setf(error, APPD_ERROR_FAILED, "Cannot start app '%s': %s",
                                         pkg->id, g_strerror(-r));

        r = sd_bus_reply_method_return(m, "so", a->id, a->object_path);
        bus_emit_app_started(a);
        return r;
}

static gint app_compare(gconstpointer a, gconstpointer b) {
        return g_strcmp0(((const App *) a)->id, ((const App *) b)->id);
}

static int method_ListApps(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        g_autoptr(sd_bus_message) reply = NULL;
        g_autoptr(GList) apps = NULL;
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(sssssuo)");
        if (r < 0)
                return r;
        apps = g_list_sort(g_hash_table_get_values(d->apps), app_compare);
        for (GList *l = apps; l; l = l->next) {
                App *a = l->data;
                g_autofree char *name = NULL, *version = NULL, *dir = NULL;
                r = sd_bus_message_append(reply, "(sssssuo)", a->id, bus_string(a->name, &name),
                                          bus_string(a->version, &version),
                                          bus_string(a->dir, &dir), app_state_string(a->state),
                                          (uint32_t) g_list_length(a->windows), a->object_path);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static App *app_or_error(Daemon *d, const char *id, sd_bus_error *error) {
        App *a = app_find(d, id);
        if (!a || a->script_ended)
                sd_bus_error_setf(error, APPD_ERROR_NO_SUCH_APP, "No running app '%s'", id);
        return a && !a->script_ended ? a : NULL;
}

static int app_call(sd_bus_message *m, App *a, int (*fn)(App *), sd_bus_error *error) {
        int r = fn(a);
        if (r < 0)
                return sd_bus_error_setf(error, APPD_ERROR_FAILED, "Cannot end app '%s': %s",
                                         a->id, g_strerror(-r));
        return sd_bus_reply_method_return(m, NULL);
}

static int method_QuitApp(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *id;
        App *a;
        int r = sd_bus_message_read(m, "s", &id);
        if (r < 0)
                return r;
        a = app_or_error(userdata, id, error);
        return a ? app_call(m, a, app_quit, error) : -ESRCH;
}

static int method_KillApp(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *id;
        App *a;
        int r = sd_bus_message_read(m, "s", &id);
        if (r < 0)
                return r;
        a = app_or_error(userdata, id, error);
        return a ? app_call(m, a, app_kill, error) : -ESRCH;
}

static gint window_compare(gconstpointer a, gconstpointer b) {
        const Window *x = a, *y = b;
        return x->id < y->id ? -1 : x->id > y->id;
}

static int method_ListWindows(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        g_autoptr(sd_bus_message) reply = NULL;
        g_autoptr(GList) windows = NULL;
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(usssbo)");
        if (r < 0)
                return r;
        windows = g_list_sort(g_hash_table_get_values(d->windows), window_compare);
        for (GList *l = windows; l; l = l->next) {
                Window *w = l->data;
                g_autofree char *title = NULL, *url = NULL;
                r = sd_bus_message_append(reply, "(usssbo)", w->id, w->app ? w->app->id : "",
                                          bus_string(w->title, &title), bus_string(w->url, &url),
                                          w->visible, w->object_path);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* A string property of an app's or a window's text; userdata points at
 * the char * member named by the vtable's offset. */
static int property_text(sd_bus *bus, const char *path, const char *interface,
                         const char *property, sd_bus_message *reply, void *userdata,
                         sd_bus_error *error) {
        g_autofree char *buf = NULL;
        return sd_bus_message_append(reply, "s", bus_string(*(char **) userdata, &buf));
}

static int property_version(sd_bus *bus, const char *path, const char *interface,
                            const char *property, sd_bus_message *reply, void *userdata,
                            sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", APPD_VERSION);
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_METHOD_WITH_ARGS("Open", SD_BUS_ARGS("s", path, "as", args),
                                SD_BUS_RESULT("s", app_id, "o", app_path), method_Open,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListApps", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(sssssuo)", apps),
                                method_ListApps, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("QuitApp", SD_BUS_ARGS("s", app_id), SD_BUS_NO_RESULT,
                                method_QuitApp, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("KillApp", SD_BUS_ARGS("s", app_id), SD_BUS_NO_RESULT,
                                method_KillApp, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListWindows", SD_BUS_NO_ARGS,
                                SD_BUS_RESULT("a(usssbo)", windows), method_ListWindows,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("AppStarted", SD_BUS_ARGS("s", app_id, "o", app_path), 0),
        SD_BUS_SIGNAL_WITH_ARGS("AppExited",
                                SD_BUS_ARGS("s", app_id, "i", exit_code, "s", reason, "s",
                                            message),
                                0),
        SD_BUS_VTABLE_END
};

int bus_manager_export(Daemon *d) {
        return sd_bus_add_object_vtable(d->bus, &d->manager_slot, APPD_MANAGER_PATH,
                                        APPD_MANAGER_IFACE, manager_vtable, d);
}

void bus_emit_app_started(App *a) {
        (void) sd_bus_emit_signal(a->daemon->bus, APPD_MANAGER_PATH, APPD_MANAGER_IFACE,
                                  "AppStarted", "so", a->id, a->object_path);
}

void bus_emit_app_exited(App *a) {
        g_autofree char *message = NULL;
        (void) sd_bus_emit_signal(a->daemon->bus, APPD_MANAGER_PATH, APPD_MANAGER_IFACE,
                                  "AppExited", "siss", a->id, a->exit_code, a->exit_reason,
                                  bus_string(a->exit_message, &message));
}

/* --- App objects */

static int method_app_Quit(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        App *a = userdata;
        if (a->script_ended)
                return sd_bus_error_setf(error, APPD_ERROR_NOT_RUNNING, "App '%s' has ended",
                                         a->id);
        return app_call(m, a, app_quit, error);
}

static int method_app_Kill(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        App *a = userdata;
        if (a->script_ended)
                return sd_bus_error_setf(error, APPD_ERROR_NOT_RUNNING, "App '%s' has ended",
                                         a->id);
        return app_call(m, a, app_kill, error);
}

static int property_app_state(sd_bus *bus, const char *path, const char *interface,
                              const char *property, sd_bus_message *reply, void *userdata,
                              sd_bus_error *error) {
        App *a = userdata;
        return sd_bus_message_append(reply, "s", app_state_string(a->state));
}

static const sd_bus_vtable app_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Quit", NULL, NULL, method_app_Quit, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Kill", NULL, NULL, method_app_Kill, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_PROPERTY("Id", "s", NULL, offsetof(App, id), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Name", "s", property_text, offsetof(App, name),
                        SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Version", "s", property_text, offsetof(App, version),
                        SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Path", "s", property_text, offsetof(App, dir),
                        SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("State", "s", property_app_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ExitCode", "i", NULL, offsetof(App, exit_code), 0),
        SD_BUS_VTABLE_END
};

int bus_app_export(App *a) {
        return sd_bus_add_object_vtable(a->daemon->bus, &a->slot, a->object_path, APPD_APP_IFACE,
                                        app_vtable, a);
}

/* --- Window objects */

static int method_window_Close(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        /* As if the user closed it: the app's script may still refuse. */
        if (w->app && !w->app->script_ended) {
                g_autofree char *json = g_strdup_printf("{\"ev\":\"close-requested\",\"id\":%u}",
                                                        w->id);
                app_post_event(w->app, json);
        } else
                window_destroy(w);
        return sd_bus_reply_method_return(m, NULL);
}

static int property_window_app(sd_bus *bus, const char *path, const char *interface,
                               const char *property, sd_bus_message *reply, void *userdata,
                               sd_bus_error *error) {
        Window *w = userdata;
        return sd_bus_message_append(reply, "s", w->app ? w->app->id : "");
}

static int property_window_bounds(sd_bus *bus, const char *path, const char *interface,
                                  const char *property, sd_bus_message *reply, void *userdata,
                                  sd_bus_error *error) {
        Window *w = userdata;
        return sd_bus_message_append(reply, "(iiii)", w->x == G_MININT ? 0 : w->x,
                                     w->y == G_MININT ? 0 : w->y, w->width, w->height);
}

static int property_window_bool(sd_bus *bus, const char *path, const char *interface,
                                const char *property, sd_bus_message *reply, void *userdata,
                                sd_bus_error *error) {
        Window *w = userdata;
        int v;

        if (g_str_equal(property, "Visible"))
                v = w->visible;
        else if (g_str_equal(property, "PageLinked"))
                v = w->page_linked;
        else
                v = w->loading;
        return sd_bus_message_append(reply, "b", v);
}

static int property_window_pid(sd_bus *bus, const char *path, const char *interface,
                               const char *property, sd_bus_message *reply, void *userdata,
                               sd_bus_error *error) {
        Window *w = userdata;
        return sd_bus_message_append(reply, "u", (uint32_t) renderer_get_pid(w->renderer));
}

static const sd_bus_vtable window_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Close", NULL, NULL, method_window_Close, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_PROPERTY("Id", "u", NULL, offsetof(Window, id), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("App", "s", property_window_app, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Title", "s", property_text, offsetof(Window, title),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("URL", "s", property_text, offsetof(Window, url),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Bounds", "(iiii)", property_window_bounds, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Visible", "b", property_window_bool, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Loading", "b", property_window_bool, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("RendererPid", "u", property_window_pid, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("PageLinked", "b", property_window_bool, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_VTABLE_END
};

int bus_window_export(Window *w) {
        return sd_bus_add_object_vtable(w->daemon->bus, &w->slot, w->object_path,
                                        APPD_WINDOW_IFACE, window_vtable, w);
}

void bus_emit_window_changed(Window *w, const char *property) {
        if (w->slot)
                (void) sd_bus_emit_properties_changed(w->daemon->bus, w->object_path,
                                                      APPD_WINDOW_IFACE, property, NULL);
}

void bus_emit_app_changed(App *a, const char *property) {
        if (a->slot)
                (void) sd_bus_emit_properties_changed(a->daemon->bus, a->object_path,
                                                      APPD_APP_IFACE, property, NULL);
}
