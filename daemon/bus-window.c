/* org.appd.Appd1.Window on the session bus: one object per window. */
#include "bus.h"

#include "appd-protocol.h"

static int method_window_Close(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        window_request_close(userdata);
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

/* The Window properties that emit changes, by their WindowProperty bit. */
static const struct {
        WindowProperty bit;
        const char *name;
} window_properties[] = {
        { WINDOW_PROPERTY_TITLE, "Title" },
        { WINDOW_PROPERTY_URL, "URL" },
        { WINDOW_PROPERTY_BOUNDS, "Bounds" },
        { WINDOW_PROPERTY_VISIBLE, "Visible" },
        { WINDOW_PROPERTY_LOADING, "Loading" },
        { WINDOW_PROPERTY_RENDERER_PID, "RendererPid" },
        { WINDOW_PROPERTY_PAGE_LINKED, "PageLinked" },
};

void bus_window_send_changed(Window *w, guint properties) {
        const char *names[G_N_ELEMENTS(window_properties) + 1];
        size_t n = 0;

        if (!w->slot)
                return;
        for (size_t i = 0; i < G_N_ELEMENTS(window_properties); i++)
                if (properties & window_properties[i].bit)
                        names[n++] = window_properties[i].name;
        names[n] = NULL;
        if (n > 0)
                (void) sd_bus_emit_properties_changed_strv(w->daemon->bus, w->object_path,
                                                           APPD_WINDOW_IFACE, (char **) names);
}
