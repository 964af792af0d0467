/* org.appd.Appd1.Window on the session bus: one object per window. */
#include "bus.h"

#include "appd-protocol.h"

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
                v = w->page_bus != NULL;
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
        SD_BUS_PROPERTY("Title", "s", bus_property_text, offsetof(Window, title),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("URL", "s", bus_property_text, offsetof(Window, url),
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
