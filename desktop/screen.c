/* The screen: GDK's monitors as Electron's displays, the pointer, and a
 * DisplaysChanged signal when monitors come, go or change. */
#include "desktop.h"

#include <gdk/x11/gdkx.h>
#include <X11/extensions/Xrandr.h>

#include "appd-protocol.h"

/* A display's id: stable while its connector is (Electron's ids on Linux
 * come from EDID, which GDK does not give); never 0 or negative. */
static guint32 display_id(GdkMonitor *monitor, guint index) {
        const char *connector = gdk_monitor_get_connector(monitor);
        guint32 hash = 2166136261u;

        if (!connector)
                return index + 1;
        for (const char *p = connector; *p; p++)
                hash = (hash ^ (guint8) *p) * 16777619u;
        return (hash & 0x7fffffff) ?: 1;
}

/* The connector of X11's primary output, or NULL. */
static char *x11_primary_connector(Desktop *d) {
        Display *xdisplay;
        Window root;
        RROutput output;
        XRROutputInfo *info;
        XRRScreenResources *resources;
        int event_base, error_base;
        char *name = NULL;

        if (!GDK_IS_X11_DISPLAY(d->display))
                return NULL;
        xdisplay = gdk_x11_display_get_xdisplay(d->display);
        if (!XRRQueryExtension(xdisplay, &event_base, &error_base))
                return NULL;
        root = DefaultRootWindow(xdisplay);
        output = XRRGetOutputPrimary(xdisplay, root);
        if (output == None)
                return NULL;
        resources = XRRGetScreenResourcesCurrent(xdisplay, root);
        if (!resources)
                return NULL;
        info = XRRGetOutputInfo(xdisplay, resources, output);
        if (info) {
                name = g_strndup(info->name, info->nameLen);
                XRRFreeOutputInfo(info);
        }
        XRRFreeScreenResources(resources);
        return name;
}

static void append_int(sd_bus_message *reply, const char *key, int value) {
        sd_bus_message_append(reply, "{sv}", key, "i", value);
}

static int display_append(sd_bus_message *reply, GdkMonitor *monitor, guint index) {
        GdkRectangle geometry, work;
        const char *connector = gdk_monitor_get_connector(monitor);
        const char *model = gdk_monitor_get_model(monitor);
        int r;

        gdk_monitor_get_geometry(monitor, &geometry);
        work = geometry;
        if (GDK_IS_X11_MONITOR(monitor))
                gdk_x11_monitor_get_workarea(monitor, &work);
        r = sd_bus_message_open_container(reply, 'a', "{sv}");
        if (r < 0)
                return r;
        sd_bus_message_append(reply, "{sv}", "id", "u", display_id(monitor, index));
        sd_bus_message_append(reply, "{sv}", "label", "s", model && *model ? model : connector ?: "");
        sd_bus_message_append(reply, "{sv}", "connector", "s", connector ?: "");
        append_int(reply, "x", geometry.x);
        append_int(reply, "y", geometry.y);
        append_int(reply, "width", geometry.width);
        append_int(reply, "height", geometry.height);
        append_int(reply, "workX", work.x);
        append_int(reply, "workY", work.y);
        append_int(reply, "workWidth", work.width);
        append_int(reply, "workHeight", work.height);
        sd_bus_message_append(reply, "{sv}", "scaleFactor", "d",
                              (double) gdk_monitor_get_scale_factor(monitor));
        sd_bus_message_append(reply, "{sv}", "refreshRate", "d",
                              gdk_monitor_get_refresh_rate(monitor) / 1000.0);
        append_int(reply, "widthMm", gdk_monitor_get_width_mm(monitor));
        append_int(reply, "heightMm", gdk_monitor_get_height_mm(monitor));
        return sd_bus_message_close_container(reply);
}

int method_GetDisplays(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Desktop *d = userdata;
        GListModel *monitors = gdk_display_get_monitors(d->display);
        g_autoptr(sd_bus_message) reply = NULL;
        g_autofree char *primary_name = x11_primary_connector(d);
        guint n = g_list_model_get_n_items(monitors), primary = 0;
        int r;

        for (guint i = 0; primary_name && i < n; i++) {
                g_autoptr(GdkMonitor) monitor = g_list_model_get_item(monitors, i);

                if (g_strcmp0(gdk_monitor_get_connector(monitor), primary_name) == 0)
                        primary = i;
        }
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "a{sv}");
        /* Primary first, the others in GDK's order. */
        for (guint k = 0; r >= 0 && k < n; k++) {
                guint i = k == 0 ? primary : (k <= primary ? k - 1 : k);
                g_autoptr(GdkMonitor) monitor = g_list_model_get_item(monitors, i);

                r = display_append(reply, monitor, i);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

int method_GetCursorPoint(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Desktop *d = userdata;
        int x = 0, y = 0;

        if (GDK_IS_X11_DISPLAY(d->display)) {
                Display *xdisplay = gdk_x11_display_get_xdisplay(d->display);
                Window root_return, child;
                int root_x, root_y, win_x, win_y;
                unsigned mask;
                GListModel *monitors = gdk_display_get_monitors(d->display);
                g_autoptr(GdkMonitor) first = g_list_model_get_item(monitors, 0);
                int scale = first ? gdk_monitor_get_scale_factor(first) : 1;

                if (XQueryPointer(xdisplay, DefaultRootWindow(xdisplay), &root_return, &child,
                                  &root_x, &root_y, &win_x, &win_y, &mask)) {
                        /* X11 counts device pixels; apps count GDK's. */
                        x = root_x / (scale ?: 1);
                        y = root_y / (scale ?: 1);
                }
        }
        return sd_bus_reply_method_return(m, "ii", x, y);
}

static gboolean displays_changed_cb(gpointer user_data) {
        Desktop *d = user_data;
        int r;

        d->displays_changed_idle = 0;
        r = sd_bus_emit_signal(d->link, APPD_DESKTOP_PATH, APPD_DESKTOP_IFACE, "DisplaysChanged",
                               NULL);
        if (r < 0)
                g_warning("Cannot tell appd the displays changed: %s", g_strerror(-r));
        return G_SOURCE_REMOVE;
}

/* Many changes at once (a monitor added, its geometry set) are one
 * signal. */
static void displays_changed(Desktop *d) {
        if (!d->displays_changed_idle && d->link)
                d->displays_changed_idle = g_idle_add(displays_changed_cb, d);
}

static void monitor_notify_cb(GObject *monitor, GParamSpec *pspec, gpointer user_data) {
        displays_changed(user_data);
}

static void monitor_watch(Desktop *d, GdkMonitor *monitor) {
        /* A monitor GDK reports again is watched once. */
        g_signal_handlers_disconnect_matched(monitor, G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA,
                                             0, 0, NULL, monitor_notify_cb, d);
        g_signal_connect(monitor, "notify::geometry", G_CALLBACK(monitor_notify_cb), d);
        g_signal_connect(monitor, "notify::scale-factor", G_CALLBACK(monitor_notify_cb), d);
}

static void monitors_changed_cb(GListModel *monitors, guint position, guint removed, guint added,
                                gpointer user_data) {
        Desktop *d = user_data;

        for (guint i = position; i < position + added; i++) {
                g_autoptr(GdkMonitor) monitor = g_list_model_get_item(monitors, i);
                monitor_watch(d, monitor);
        }
        displays_changed(d);
}

void desktop_screen_init(Desktop *d) {
        GListModel *monitors = gdk_display_get_monitors(d->display);

        for (guint i = 0; i < g_list_model_get_n_items(monitors); i++) {
                g_autoptr(GdkMonitor) monitor = g_list_model_get_item(monitors, i);
                monitor_watch(d, monitor);
        }
        g_signal_connect(monitors, "items-changed", G_CALLBACK(monitors_changed_cb), d);
}
