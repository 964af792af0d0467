/* org.appd.Appd1.App on the session bus: one object per running app. */
#include "bus.h"

#include "appd-protocol.h"
#include "bus-string.h"

const char *bus_app_state_string(AppState s) {
        switch (s) {
        case APP_STARTING: return "starting";
        case APP_RUNNING: return "running";
        case APP_QUITTING: return "quitting";
        case APP_EXITED: return "exited";
        }
        return "unknown";
}

int bus_app_end(sd_bus_message *m, App *a, int (*end)(App *), sd_bus_error *error) {
        int r = end(a);
        if (r < 0)
                return sd_bus_error_setf(error, APPD_ERROR_FAILED, "Cannot end app '%s': %s",
                                         a->id, g_strerror(-r));
        return sd_bus_reply_method_return(m, NULL);
}

int bus_property_text(sd_bus *bus, const char *path, const char *interface,
                      const char *property, sd_bus_message *reply, void *userdata,
                      sd_bus_error *error) {
        g_autofree char *buf = NULL;
        return sd_bus_message_append(reply, "s", bus_string(*(char **) userdata, &buf));
}

/* Quit and Kill: `end` this app, unless it has ended. */
static int app_end(sd_bus_message *m, App *a, int (*end)(App *), sd_bus_error *error) {
        if (a->script_ended)
                return sd_bus_error_setf(error, APPD_ERROR_NOT_RUNNING, "App '%s' has ended",
                                         a->id);
        return bus_app_end(m, a, end, error);
}

static int method_app_Quit(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return app_end(m, userdata, app_quit, error);
}

static int method_app_Kill(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return app_end(m, userdata, app_kill, error);
}

static int property_app_state(sd_bus *bus, const char *path, const char *interface,
                              const char *property, sd_bus_message *reply, void *userdata,
                              sd_bus_error *error) {
        App *a = userdata;
        return sd_bus_message_append(reply, "s", bus_app_state_string(a->state));
}

static const sd_bus_vtable app_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Quit", NULL, NULL, method_app_Quit, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Kill", NULL, NULL, method_app_Kill, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_PROPERTY("Id", "s", NULL, offsetof(App, id), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Name", "s", bus_property_text, offsetof(App, name),
                        SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Version", "s", bus_property_text, offsetof(App, version),
                        SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Path", "s", bus_property_text, offsetof(App, dir),
                        SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("State", "s", property_app_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ExitCode", "i", NULL, offsetof(App, exit_code), 0),
        SD_BUS_VTABLE_END
};

int bus_app_export(App *a) {
        return sd_bus_add_object_vtable(a->daemon->bus, &a->slot, a->object_path, APPD_APP_IFACE,
                                        app_vtable, a);
}

void bus_app_send_changed(App *a, guint properties) {
        if (a->slot && (properties & APP_PROPERTY_STATE))
                (void) sd_bus_emit_properties_changed(a->daemon->bus, a->object_path,
                                                      APPD_APP_IFACE, "State", NULL);
}
