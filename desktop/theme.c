/* The desktop's colour scheme, for nativeTheme: the Settings portal's
 * org.freedesktop.appearance color-scheme (1 dark, 2 light, 0 no
 * preference), else GTK's gtk-application-prefer-dark-theme or a theme
 * named dark ("Adwaita-dark", "Foo:dark").  ThemeChanged is sent when the
 * answer changes.  GetTheme answers once the portal has (or has failed
 * to), so the first answer after appd-desktop starts is already the
 * desktop's. */
#include "desktop.h"

#include "appd-protocol.h"

#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_SETTINGS "org.freedesktop.portal.Settings"
/* How long the portal may take to answer (it may be started for us). */
#define PORTAL_TIMEOUT_MS 5000

static int portal_scheme = -1;        /* -1: not known (yet) */
static gboolean portal_pending;
static GQueue waiting;                /* sd_bus_message*: GetTheme until the portal answers */
static gboolean last_dark;
static GDBusConnection *session;

static gboolean theme_is_dark(void) {
        GtkSettings *settings = gtk_settings_get_default();
        g_autofree char *name = NULL;
        gboolean prefer_dark = FALSE;

        if (portal_scheme == 1 || portal_scheme == 2)
                return portal_scheme == 1;
        if (!settings)
                return FALSE;
        g_object_get(settings, "gtk-application-prefer-dark-theme", &prefer_dark,
                     "gtk-theme-name", &name, NULL);
        return prefer_dark || (name && (g_str_has_suffix(name, "-dark") ||
                                        g_str_has_suffix(name, ":dark")));
}

static int theme_reply(sd_bus_message *m) {
        return sd_bus_reply_method_return(m, "b", theme_is_dark());
}

static void theme_changed(Desktop *d) {
        gboolean dark = theme_is_dark();
        int r;

        if (dark == last_dark)
                return;
        last_dark = dark;
        r = sd_bus_emit_signal(d->link, APPD_DESKTOP_PATH, APPD_DESKTOP_IFACE, "ThemeChanged", NULL);
        if (r < 0)
                g_warning("Cannot tell appd the theme changed: %s", g_strerror(-r));
}

/* A color-scheme value from the portal: a uint32 in a variant (in one
 * more for Read). */
static void portal_scheme_set(Desktop *d, GVariant *value) {
        g_autoptr(GVariant) inner = g_variant_ref(value);

        while (g_variant_is_of_type(inner, G_VARIANT_TYPE_VARIANT)) {
                GVariant *next = g_variant_get_variant(inner);

                g_variant_unref(inner);
                inner = next;
        }
        if (g_variant_is_of_type(inner, G_VARIANT_TYPE_UINT32))
                portal_scheme = g_variant_get_uint32(inner);
        if (d->link)
                theme_changed(d);
}

static void portal_read_cb(GObject *source, GAsyncResult *result, gpointer user_data) {
        Desktop *d = user_data;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result,
                                                                  &error);
        sd_bus_message *m;

        if (reply) {
                g_autoptr(GVariant) value = NULL;

                g_variant_get(reply, "(v)", &value);
                portal_scheme_set(d, value);
        } else {
                g_debug("No colour scheme from the Settings portal: %s", error->message);
        }
        portal_pending = FALSE;
        last_dark = theme_is_dark();
        while ((m = g_queue_pop_head(&waiting))) {
                theme_reply(m);
                sd_bus_message_unref(m);
        }
}

static void portal_changed_cb(GDBusConnection *connection, const char *sender, const char *path,
                              const char *interface, const char *signal, GVariant *parameters,
                              gpointer user_data) {
        const char *namespace, *key;
        g_autoptr(GVariant) value = NULL;

        if (!g_variant_is_of_type(parameters, G_VARIANT_TYPE("(ssv)")))
                return;
        g_variant_get(parameters, "(&s&sv)", &namespace, &key, &value);
        if (g_str_equal(namespace, "org.freedesktop.appearance") && g_str_equal(key, "color-scheme"))
                portal_scheme_set(user_data, value);
}

static void gtk_settings_changed_cb(GObject *settings, GParamSpec *pspec, gpointer user_data) {
        Desktop *d = user_data;

        if (d->link)
                theme_changed(d);
}

int method_GetTheme(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        if (!portal_pending)
                return theme_reply(m);
        if (waiting.length >= 256)
                return sd_bus_error_set(error, APPD_ERROR_TOO_MANY,
                                        "Too many requests wait for the desktop's theme");
        g_queue_push_tail(&waiting, sd_bus_message_ref(m));
        return 1;
}

void desktop_theme_init(Desktop *d) {
        GtkSettings *settings = gtk_settings_get_default();
        g_autoptr(GError) error = NULL;

        g_queue_init(&waiting);
        if (settings) {
                g_signal_connect(settings, "notify::gtk-application-prefer-dark-theme",
                                 G_CALLBACK(gtk_settings_changed_cb), d);
                g_signal_connect(settings, "notify::gtk-theme-name",
                                 G_CALLBACK(gtk_settings_changed_cb), d);
        }
        last_dark = theme_is_dark();
        session = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
        if (!session) {
                g_debug("No session bus for the Settings portal: %s", error->message);
                return;
        }
        g_dbus_connection_signal_subscribe(session, PORTAL_NAME, PORTAL_SETTINGS, "SettingChanged",
                                           PORTAL_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                           portal_changed_cb, d, NULL);
        portal_pending = TRUE;
        g_dbus_connection_call(session, PORTAL_NAME, PORTAL_PATH, PORTAL_SETTINGS, "Read",
                               g_variant_new("(ss)", "org.freedesktop.appearance", "color-scheme"),
                               G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NONE, PORTAL_TIMEOUT_MS,
                               NULL, portal_read_cb, d);
}
