/* org.appd.Appd1.Manager on the session bus: opening apps, listing apps
 * and windows, ending apps; AppStarted and AppExited. */
#include "bus.h"

#include <errno.h>

#include "appd-protocol.h"
#include "bus-source.h"
#include "bus-string.h"

#define OPEN_MAX_ARGS 1024
#define OPEN_MAX_ARGS_BYTES (1024 * 1024)

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

        return sd_bus_reply_method_return(m, "so", a->id, a->object_path);
}

/* ListApps and ListWindows: the objects of `table` in the order of
 * `compare`, each one `element` of the array put there by `append`. */
static int reply_list(sd_bus_message *m, GHashTable *table, GCompareFunc compare,
                      const char *element, int (*append)(sd_bus_message *reply, gpointer object)) {
        g_autoptr(sd_bus_message) reply = NULL;
        g_autoptr(GList) objects = NULL;
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', element);
        if (r < 0)
                return r;
        objects = g_list_sort(g_hash_table_get_values(table), compare);
        for (GList *l = objects; l; l = l->next) {
                r = append(reply, l->data);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static gint app_compare(gconstpointer a, gconstpointer b) {
        return g_strcmp0(((const App *) a)->id, ((const App *) b)->id);
}

static int app_append(sd_bus_message *reply, gpointer object) {
        App *a = object;
        g_autofree char *name = NULL, *version = NULL, *dir = NULL;

        return sd_bus_message_append(reply, "(sssssuo)", a->id, bus_string(a->name, &name),
                                     bus_string(a->version, &version), bus_string(a->dir, &dir),
                                     bus_app_state_string(a->state),
                                     (uint32_t) g_list_length(a->windows), a->object_path);
}

static int method_ListApps(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        return reply_list(m, d->apps, app_compare, "(sssssuo)", app_append);
}

/* QuitApp and KillApp: `end` the running app m names. */
static int manager_end_app(sd_bus_message *m, Daemon *d, int (*end)(App *),
                           sd_bus_error *error) {
        const char *id;
        App *a;
        int r;

        r = sd_bus_message_read(m, "s", &id);
        if (r < 0)
                return r;
        a = app_find(d, id);
        if (!a || a->script_ended)
                return sd_bus_error_setf(error, APPD_ERROR_NO_SUCH_APP, "No running app '%s'", id);
        return bus_app_end(m, a, end, error);
}

static int method_QuitApp(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return manager_end_app(m, userdata, app_quit, error);
}

static int method_KillApp(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return manager_end_app(m, userdata, app_kill, error);
}

static gint window_compare(gconstpointer a, gconstpointer b) {
        const Window *x = a, *y = b;
        return x->id < y->id ? -1 : x->id > y->id;
}

static int window_append(sd_bus_message *reply, gpointer object) {
        Window *w = object;
        g_autofree char *title = NULL, *url = NULL;

        return sd_bus_message_append(reply, "(usssbo)", w->id, w->app ? w->app->id : "",
                                     bus_string(w->title, &title), bus_string(w->url, &url),
                                     w->visible, w->object_path);
}

static int method_ListWindows(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Daemon *d = userdata;
        return reply_list(m, d->windows, window_compare, "(usssbo)", window_append);
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

void bus_manager_send_app_started(Daemon *d, const char *app_id, const char *app_path) {
        (void) sd_bus_emit_signal(d->bus, APPD_MANAGER_PATH, APPD_MANAGER_IFACE, "AppStarted",
                                  "so", app_id, app_path);
}

void bus_manager_send_app_exited(Daemon *d, const char *app_id, int exit_code,
                                 const char *reason, const char *message) {
        g_autofree char *buf = NULL;
        (void) sd_bus_emit_signal(d->bus, APPD_MANAGER_PATH, APPD_MANAGER_IFACE, "AppExited",
                                  "siss", app_id, exit_code, reason, bus_string(message, &buf));
}
