/* Window options (View.SetOptions and the initial --options): checked
 * as a whole, then applied; the X11 properties GTK has no API for are
 * kept here and written again whenever GTK rewrites them. */
#include <string.h>

#include "app-window-private.h"
#include "window-x11.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

/* The X11 properties GTK knows nothing of.  GTK writes WM_NORMAL_HINTS and
 * _NET_WM_STATE itself when it maps the window: called again after. */
void window_options_sync(AppWindow *self) {
        GdkSurface *surface = self->geometry.surface;

        if (!window_x11_is_x11(surface))
                return;

        window_x11_set_max_size(surface, self->hints.max_width, self->hints.max_height);
        window_x11_set_net_wm_state(surface, "_NET_WM_STATE_ABOVE", self->hints.above);
        window_x11_set_transient_for(surface, self->hints.parent_xid);
#ifdef GDK_WINDOWING_X11
        gdk_x11_surface_set_skip_taskbar_hint(surface, self->hints.skip_taskbar);
        gdk_x11_surface_set_urgency_hint(surface, self->hints.urgent);
#endif
        if (self->hints.icon) {
                g_autoptr(GError) error = NULL;
                if (!window_x11_set_icon(surface, self->hints.icon, &error))
                        g_message("Cannot set the window icon: %s", error->message);
        }
}

void window_size_clamp(AppWindow *self, int *width, int *height) {
        if (self->hints.min_width > 0)
                *width = MAX(*width, self->hints.min_width);
        if (self->hints.min_height > 0)
                *height = MAX(*height, self->hints.min_height);
        if (self->hints.max_width > 0)
                *width = MIN(*width, self->hints.max_width);
        if (self->hints.max_height > 0)
                *height = MIN(*height, self->hints.max_height);
}

/* Electron writes alpha first (#ARGB, #AARRGGBB); CSS, and so GDK, last. */
static gboolean color_parse(const char *text, GdkRGBA *ret) {
        size_t n = strlen(text);

        if (text[0] == '#' && (n == 5 || n == 9)) {
                g_autofree char *css = g_strdup(text);
                size_t a = (n - 1) / 4;

                for (size_t i = 0; i < a; i++)
                        if (!g_ascii_isxdigit(text[1 + i]))
                                return FALSE;
                memcpy(css + 1, text + 1 + a, n - 1 - a);
                memcpy(css + 1 + (n - 1 - a), text + 1, a);
                return gdk_rgba_parse(ret, css);
        }
        return gdk_rgba_parse(ret, text);
}

static gboolean option_bool(JsonObject *o, const char *name, gboolean *ret, GError **error) {
        JsonNode *node = json_object_get_member(o, name);

        if (!node)
                return FALSE;
        if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_BOOLEAN) {
                *ret = json_node_get_boolean(node);
                return TRUE;
        }
        if (error && !*error)
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "\"%s\" must be a boolean", name);
        return FALSE;
}

static gboolean option_number(JsonObject *o, const char *name, double *ret, GError **error) {
        JsonNode *node = json_object_get_member(o, name);
        GType type;

        if (!node)
                return FALSE;
        type = JSON_NODE_HOLDS_VALUE(node) ? json_node_get_value_type(node) : G_TYPE_INVALID;
        if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE) {
                *ret = json_node_get_double(node);
                return TRUE;
        }
        if (error && !*error)
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "\"%s\" must be a number", name);
        return FALSE;
}

static const char *option_string(JsonObject *o, const char *name, GError **error) {
        JsonNode *node = json_object_get_member(o, name);

        if (!node)
                return NULL;
        if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING)
                return json_node_get_string(node);
        if (error && !*error)
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "\"%s\" must be a string", name);
        return NULL;
}

static int size_limit(double value) {
        return value > 0 && value < G_MAXINT16 ? (int) value : 0;
}

gboolean app_window_set_options(AppWindow *self, const char *json, size_t size, GError **error) {
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(GError) local = NULL;
        gboolean b, limits = FALSE;
        const char *s;
        JsonObject *o;
        double d;

        g_return_val_if_fail(APP_IS_WINDOW(self), FALSE);

        if (!json_parser_load_from_data(parser, json, (gssize) size, error))
                return FALSE;
        if (!JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Options must be a JSON object");
                return FALSE;
        }
        o = json_node_get_object(json_parser_get_root(parser));

        /* Every key is checked before any is applied, so a bad value
         * changes nothing. */
        {
                static const char *const bools[] = {
                        "resizable", "alwaysOnTop", "skipTaskbar", "frame", "closable", "urgent",
                        "modal", "center", "fullscreen", "maximized", "autoHideMenuBar",
                        "menuBarVisible",
                };
                static const char *const numbers[] = {
                        "minWidth", "minHeight", "maxWidth", "maxHeight", "progress", "parentXid",
                };
                static const char *const strings[] = { "backgroundColor", "icon", "title" };

                for (size_t i = 0; i < G_N_ELEMENTS(bools); i++)
                        option_bool(o, bools[i], &b, &local);
                for (size_t i = 0; i < G_N_ELEMENTS(numbers); i++)
                        option_number(o, numbers[i], &d, &local);
                for (size_t i = 0; i < G_N_ELEMENTS(strings); i++)
                        option_string(o, strings[i], &local);
                if (local) {
                        g_propagate_error(error, g_steal_pointer(&local));
                        return FALSE;
                }
        }

        if ((s = option_string(o, "backgroundColor", NULL))) {
                GdkRGBA color;

                if (!color_parse(s, &color)) {
                        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                    "\"backgroundColor\": %s is not a colour", s);
                        return FALSE;
                }
                webkit_web_view_set_background_color(self->view, &color);
        }
        if ((s = option_string(o, "icon", NULL))) {
                g_autoptr(GdkTexture) texture = NULL;

                /* GTK 4 takes icons by theme name only; a file becomes
                 * _NET_WM_ICON on X11 and is ignored elsewhere. */
                if (*s) {
                        texture = gdk_texture_new_from_filename(s, error);
                        if (!texture)
                                return FALSE;
                }
                g_set_object(&self->hints.icon, texture);
        }

        if (option_bool(o, "resizable", &b, NULL))
                gtk_window_set_resizable(GTK_WINDOW(self), b);
        if (option_bool(o, "frame", &b, NULL))
                gtk_window_set_decorated(GTK_WINDOW(self), b);
        if (option_bool(o, "closable", &b, NULL))
                gtk_window_set_deletable(GTK_WINDOW(self), b);
        if (option_bool(o, "modal", &b, NULL))
                gtk_window_set_modal(GTK_WINDOW(self), b);
        if (option_bool(o, "alwaysOnTop", &b, NULL))
                self->hints.above = b;
        if (option_bool(o, "skipTaskbar", &b, NULL))
                self->hints.skip_taskbar = b;
        if (option_bool(o, "urgent", &b, NULL))
                self->hints.urgent = b;
        if (option_number(o, "parentXid", &d, NULL))
                self->hints.parent_xid = d > 0 && d < (double) G_MAXUINT32 ? (guint64) d : 0;
        if (option_bool(o, "autoHideMenuBar", &b, NULL))
                menu_bar_set_auto_hide(self, b);
        if (option_bool(o, "menuBarVisible", &b, NULL))
                menu_bar_set_visible(self, b);
        if ((s = option_string(o, "title", NULL)))
                gtk_window_set_title(GTK_WINDOW(self), s);
        if (option_number(o, "progress", &d, NULL))
                /* X11 has no standard progress indicator (only Unity's
                 * LauncherEntry, which needs a .desktop file): a no-op. */
                g_debug("Ignoring progress %g: no progress indicator on this desktop", d);

        if (option_number(o, "minWidth", &d, NULL))
                self->hints.min_width = size_limit(d), limits = TRUE;
        if (option_number(o, "minHeight", &d, NULL))
                self->hints.min_height = size_limit(d), limits = TRUE;
        if (option_number(o, "maxWidth", &d, NULL))
                self->hints.max_width = size_limit(d), limits = TRUE;
        if (option_number(o, "maxHeight", &d, NULL))
                self->hints.max_height = size_limit(d), limits = TRUE;
        if (limits) {
                int width, height, w, h;

                /* The minimum is a size request on the content, from which
                 * GTK derives the window's own hints; GTK has no maximum. */
                gtk_widget_set_size_request(GTK_WIDGET(self->view),
                                            self->hints.min_width > 0 ? self->hints.min_width : -1,
                                            self->hints.min_height > 0 ? self->hints.min_height : -1);
                gtk_window_get_default_size(GTK_WINDOW(self), &width, &height);
                w = width, h = height;
                window_size_clamp(self, &w, &h);
                if (w != width || h != height)
                        app_window_resize(self, w, h);
        }

        /* Initial options only (BrowserWindow constructor). */
        if (option_bool(o, "fullscreen", &b, NULL) && b)
                gtk_window_fullscreen(GTK_WINDOW(self));
        if (option_bool(o, "maximized", &b, NULL) && b)
                gtk_window_maximize(GTK_WINDOW(self));
        if (option_bool(o, "center", &b, NULL) && b) {
                if (self->geometry.surface && gdk_surface_get_mapped(self->geometry.surface))
                        app_window_set_state(self, "center", NULL);
                else
                        self->geometry.center_on_map = TRUE;
        }

        window_options_sync(self);
        return TRUE;
}

