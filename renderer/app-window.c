/* AppWindow (app-window.h): one BrowserWindow's GtkWindow and web view.
 * This file holds the type, its signals and its life; the window's other
 * concerns have files of their own, which share app-window-private.h:
 *   app-scheme.c     app://, the app's folder as a URL scheme
 *   preload.c        the preload's scripts, as WebKit injects them
 *   page-ipc.c       the page's IPC by WebKit's messages, in order
 *   ipc-request.c    sendSync and large invokes as app:// requests
 *   page-link.c      page links for the web process extension
 *   navigation.c     loads, navigations and the main script's say in them
 *   page-events.c    dom-ready, console messages and the Web Inspector
 *   watchdog.c       a web process that is gone or does not answer
 *   view-call.c      View.Call: webContents operations the daemon asks for
 */
#include "app-window-private.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <gio/gunixinputstream.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <webkit/webkit.h>

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "app-scheme-path.h"
#include "appd-protocol.h"
#include "window-x11.h"


guint app_window_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(AppWindow, app_window, GTK_TYPE_WINDOW)

/* ---- reports -------------------------------------------------------- */

void builder_add_string(JsonBuilder *b, const char *name, const char *value) {
        json_builder_set_member_name(b, name);
        json_builder_add_string_value(b, value ? value : "");
}

void builder_add_bool(JsonBuilder *b, const char *name, gboolean value) {
        json_builder_set_member_name(b, name);
        json_builder_add_boolean_value(b, value);
}

char *builder_finish(JsonBuilder *builder) {
        g_autoptr(JsonNode) root = NULL;

        json_builder_end_object(builder);
        root = json_builder_get_root(builder);
        return json_to_string(root, FALSE);
}

void web_event_emit(AppWindow *self, const char *name, JsonBuilder *details) {
        g_autoptr(JsonBuilder) empty = NULL;
        g_autofree char *json = NULL;

        if (!details) {
                empty = json_builder_new();
                json_builder_begin_object(empty);
                details = empty;
        }
        json = builder_finish(details);
        g_signal_emit(self, app_window_signals[SIGNAL_WEB_EVENT], 0, name, json);
}

static void window_state_read(AppWindow *self, WindowState *ret) {
        GdkToplevelState state = 0;

        *ret = (WindowState) { 0 };
        if (self->surface && GDK_IS_TOPLEVEL(self->surface))
                state = gdk_toplevel_get_state(GDK_TOPLEVEL(self->surface));

        /* The content size: what the page gets, without any frame.  The
         * surface knows a new size as soon as the window system says so;
         * the view only after the next layout. */
        if (self->surface && gdk_surface_get_mapped(self->surface)) {
                ret->width = gdk_surface_get_width(self->surface);
                ret->height = gdk_surface_get_height(self->surface);
        }
        /* A surface not configured yet is 1×1. */
        if (ret->width <= 1 || ret->height <= 1) {
                ret->width = gtk_widget_get_width(GTK_WIDGET(self->view));
                ret->height = gtk_widget_get_height(GTK_WIDGET(self->view));
        }
        if (ret->width <= 0 || ret->height <= 0)
                gtk_window_get_default_size(GTK_WINDOW(self), &ret->width, &ret->height);
        if (self->surface && gdk_surface_get_mapped(self->surface))
                ret->has_position = window_x11_get_position(self->surface, &ret->x, &ret->y);
        else if (self->have_position) {
                ret->has_position = TRUE;
                ret->x = self->x;
                ret->y = self->y;
        }
        ret->focused = gtk_window_is_active(GTK_WINDOW(self));
        ret->maximized = !!(state & GDK_TOPLEVEL_STATE_MAXIMIZED);
        ret->minimized = !!(state & GDK_TOPLEVEL_STATE_MINIMIZED);
        ret->fullscreen = !!(state & GDK_TOPLEVEL_STATE_FULLSCREEN);
        /* A minimized window is still shown, as Electron's isVisible(). */
        ret->visible = gtk_widget_get_visible(GTK_WIDGET(self));
}

static gboolean state_flush_cb(gpointer user_data) {
        AppWindow *self = user_data;
        g_autoptr(JsonBuilder) b = json_builder_new();
        g_autofree char *json = NULL;
        const WindowState *old = &self->reported;
        gboolean all = !self->state_known;
        WindowState now;
        unsigned n = 0;

        self->state_idle = 0;
        /* GTK rewrites WM_NORMAL_HINTS whenever it lays the window out,
         * which has happened by now: put the maximum back. */
        if ((self->max_width > 0 || self->max_height > 0) && window_x11_is_x11(self->surface))
                window_x11_set_max_size(self->surface, self->max_width, self->max_height);
        window_state_read(self, &now);

        json_builder_begin_object(b);
#define STATE_INT(field)                                                        \
        if (all || now.field != old->field) {                                   \
                json_builder_set_member_name(b, #field);                        \
                json_builder_add_int_value(b, now.field);                       \
                n++;                                                            \
        }
#define STATE_BOOL(field)                                                       \
        if (all || now.field != old->field) {                                   \
                json_builder_set_member_name(b, #field);                        \
                json_builder_add_boolean_value(b, now.field);                   \
                n++;                                                            \
        }
        if (now.has_position) {
                gboolean moved = all || !old->has_position;

                if (moved || now.x != old->x) {
                        json_builder_set_member_name(b, "x");
                        json_builder_add_int_value(b, now.x);
                        n++;
                }
                if (moved || now.y != old->y) {
                        json_builder_set_member_name(b, "y");
                        json_builder_add_int_value(b, now.y);
                        n++;
                }
        }
        STATE_INT(width);
        STATE_INT(height);
        STATE_BOOL(focused);
        STATE_BOOL(maximized);
        STATE_BOOL(minimized);
        STATE_BOOL(fullscreen);
        STATE_BOOL(visible);
#undef STATE_INT
#undef STATE_BOOL

        self->reported = now;
        self->state_known = TRUE;
        json = builder_finish(b);
        if (n > 0)
                g_signal_emit(self, app_window_signals[SIGNAL_STATE_CHANGED], 0, json);
        return G_SOURCE_REMOVE;
}

/* At most one report per main loop iteration: a drag moves the window many
 * times between two of them. */
static void state_queue(AppWindow *self) {
        if (!self->ready_sent || self->state_idle)
                return;
        self->state_idle = g_idle_add_full(G_PRIORITY_DEFAULT_IDLE, state_flush_cb, self, NULL);
}

static void state_notify_cb(GObject *object, GParamSpec *pspec, AppWindow *self) {
        state_queue(self);
}

static gboolean display_xevent_cb(GdkDisplay *display, gpointer xevent, AppWindow *self) {
        if (window_x11_event_is_configure(self->surface, xevent))
                state_queue(self);
        return GDK_EVENT_PROPAGATE;
}

/* ---- window options ------------------------------------------------- */

/* The X11 properties GTK knows nothing of.  GTK writes WM_NORMAL_HINTS and
 * _NET_WM_STATE itself when it maps the window: called again after. */
static void window_options_sync(AppWindow *self) {
        GdkSurface *surface = self->surface;

        if (!window_x11_is_x11(surface))
                return;

        window_x11_set_max_size(surface, self->max_width, self->max_height);
        window_x11_set_net_wm_state(surface, "_NET_WM_STATE_ABOVE", self->above);
        window_x11_set_transient_for(surface, self->parent_xid);
#ifdef GDK_WINDOWING_X11
        gdk_x11_surface_set_skip_taskbar_hint(surface, self->skip_taskbar);
        gdk_x11_surface_set_urgency_hint(surface, self->urgent);
#endif
        if (self->icon) {
                g_autoptr(GError) error = NULL;
                if (!window_x11_set_icon(surface, self->icon, &error))
                        g_message("Cannot set the window icon: %s", error->message);
        }
}

static void window_size_clamp(AppWindow *self, int *width, int *height) {
        if (self->min_width > 0)
                *width = MAX(*width, self->min_width);
        if (self->min_height > 0)
                *height = MAX(*height, self->min_height);
        if (self->max_width > 0)
                *width = MIN(*width, self->max_width);
        if (self->max_height > 0)
                *height = MIN(*height, self->max_height);
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
                        "modal", "center", "fullscreen", "maximized",
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
                g_set_object(&self->icon, texture);
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
                self->above = b;
        if (option_bool(o, "skipTaskbar", &b, NULL))
                self->skip_taskbar = b;
        if (option_bool(o, "urgent", &b, NULL))
                self->urgent = b;
        if (option_number(o, "parentXid", &d, NULL))
                self->parent_xid = d > 0 && d < (double) G_MAXUINT32 ? (guint64) d : 0;
        if ((s = option_string(o, "title", NULL)))
                gtk_window_set_title(GTK_WINDOW(self), s);
        if (option_number(o, "progress", &d, NULL))
                /* X11 has no standard progress indicator (only Unity's
                 * LauncherEntry, which needs a .desktop file): a no-op. */
                g_debug("Ignoring progress %g: no progress indicator on this desktop", d);

        if (option_number(o, "minWidth", &d, NULL))
                self->min_width = size_limit(d), limits = TRUE;
        if (option_number(o, "minHeight", &d, NULL))
                self->min_height = size_limit(d), limits = TRUE;
        if (option_number(o, "maxWidth", &d, NULL))
                self->max_width = size_limit(d), limits = TRUE;
        if (option_number(o, "maxHeight", &d, NULL))
                self->max_height = size_limit(d), limits = TRUE;
        if (limits) {
                int width, height, w, h;

                /* The minimum is a size request on the content, from which
                 * GTK derives the window's own hints; GTK has no maximum. */
                gtk_widget_set_size_request(GTK_WIDGET(self->view),
                                            self->min_width > 0 ? self->min_width : -1,
                                            self->min_height > 0 ? self->min_height : -1);
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
                if (self->surface && gdk_surface_get_mapped(self->surface))
                        app_window_set_state(self, "center", NULL);
                else
                        self->center_on_map = TRUE;
        }

        window_options_sync(self);
        return TRUE;
}

void app_window_move(AppWindow *self, int x, int y) {
        g_return_if_fail(APP_IS_WINDOW(self));

        self->have_position = TRUE;
        self->center_on_map = FALSE;
        self->x = x;
        self->y = y;
        if (self->surface && gdk_surface_get_mapped(self->surface))
                window_x11_move(self->surface, x, y);
        state_queue(self);
}

void app_window_resize(AppWindow *self, int width, int height) {
        g_return_if_fail(APP_IS_WINDOW(self));

        window_size_clamp(self, &width, &height);
        if (width <= 0 || height <= 0)
                return;

        /* GTK 4.8 keeps a mapped window's size when the default size
         * changes; on X11 the window itself is resized and GTK follows the
         * ConfigureNotify.  With server-side decorations (never CSD here:
         * the window has no titlebar widget) the X window is the content. */
        gtk_window_set_default_size(GTK_WINDOW(self), width, height);
        if (self->surface && gdk_surface_get_mapped(self->surface))
                window_x11_resize(self->surface, width, height);
        state_queue(self);
}

static void window_center(AppWindow *self) {
        GdkDisplay *display = gtk_widget_get_display(GTK_WIDGET(self));
        g_autoptr(GdkMonitor) first = NULL;
        GdkMonitor *monitor = NULL;
        GdkRectangle area;
        int width, height;

        if (self->surface)
                monitor = gdk_display_get_monitor_at_surface(display, self->surface);
        if (!monitor) {
                first = g_list_model_get_item(gdk_display_get_monitors(display), 0);
                monitor = first;
        }
        if (!monitor)
                return;

#ifdef GDK_WINDOWING_X11
        if (GDK_IS_X11_MONITOR(monitor))
                gdk_x11_monitor_get_workarea(monitor, &area);
        else
#endif
                gdk_monitor_get_geometry(monitor, &area);

        /* Right after mapping, before the first configure, the surface is
         * still 1x1: the size it is about to get is the default size. */
        gtk_window_get_default_size(GTK_WINDOW(self), &width, &height);
        if (self->surface && gdk_surface_get_mapped(self->surface) && gdk_surface_get_width(self->surface) > 1) {
                width = gdk_surface_get_width(self->surface);
                height = gdk_surface_get_height(self->surface);
        }

        app_window_move(self, area.x + MAX(0, (area.width - width) / 2),
                        area.y + MAX(0, (area.height - height) / 2));
}

gboolean app_window_set_state(AppWindow *self, const char *state, GError **error) {
        GtkWindow *window = GTK_WINDOW(self);

        g_return_val_if_fail(APP_IS_WINDOW(self), FALSE);

        /* Maximize, minimize, fullscreen and focus are requests to the
         * window manager; without one nothing changes and no state is
         * reported. */
        if (g_str_equal(state, "maximize"))
                gtk_window_maximize(window);
        else if (g_str_equal(state, "unmaximize"))
                gtk_window_unmaximize(window);
        else if (g_str_equal(state, "minimize"))
                gtk_window_minimize(window);
        else if (g_str_equal(state, "restore")) {
                gtk_window_unminimize(window);
                gtk_window_present(window);
        } else if (g_str_equal(state, "fullscreen"))
                gtk_window_fullscreen(window);
        else if (g_str_equal(state, "unfullscreen"))
                gtk_window_unfullscreen(window);
        else if (g_str_equal(state, "focus"))
                gtk_window_present(window);
        else if (g_str_equal(state, "blur")) {
                /* X11 has no "unfocus": as Chromium does, drop the window
                 * below the others and give up the focus. */
                if (self->surface) {
                        window_x11_lower(self->surface);
                        window_x11_unfocus(self->surface);
                }
        } else if (g_str_equal(state, "show-inactive")) {
                /* Map without present(): no activation request, and user
                 * time 0 tells the window manager not to focus it. */
#ifdef GDK_WINDOWING_X11
                if (self->surface && GDK_IS_X11_SURFACE(self->surface))
                        gdk_x11_surface_set_user_time(self->surface, 0);
#endif
                gtk_widget_set_visible(GTK_WIDGET(self), TRUE);
        } else if (g_str_equal(state, "center")) {
                if (self->surface && gdk_surface_get_mapped(self->surface))
                        window_center(self);
                else
                        self->center_on_map = TRUE;
        } else {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Unknown window state \"%s\"", state);
                return FALSE;
        }
        state_queue(self);
        return TRUE;
}

/* ---- window --------------------------------------------------------- */

static void app_window_realize(GtkWidget *widget) {
        AppWindow *self = APP_WINDOW(widget);
        guint64 xid = 0;

        GTK_WIDGET_CLASS(app_window_parent_class)->realize(widget);

        GdkSurface *surface = gtk_native_get_surface(GTK_NATIVE(widget));
        if (surface != self->surface) {
                if (self->surface)
                        g_signal_handlers_disconnect_by_data(self->surface, self);
                g_set_object(&self->surface, surface);
                if (surface) {
                        g_signal_connect_object(surface, "notify::state", G_CALLBACK(state_notify_cb), self, 0);
                        g_signal_connect_object(surface, "notify::width", G_CALLBACK(state_notify_cb), self, 0);
                        g_signal_connect_object(surface, "notify::height", G_CALLBACK(state_notify_cb), self, 0);
                }
        }
        window_options_sync(self);

        if (self->ready_sent)
                return;
        self->ready_sent = TRUE;

#ifdef GDK_WINDOWING_X11
        if (surface && GDK_IS_X11_SURFACE(surface)) {
                xid = gdk_x11_surface_get_xid(surface);
                /* GTK 4 reports no window positions: ConfigureNotify does. */
                self->display = g_object_ref(gtk_widget_get_display(widget));
                self->xevent_handler = g_signal_connect(self->display, "xevent",
                                                        G_CALLBACK(display_xevent_cb), self);
        }
#endif
        g_signal_emit(self, app_window_signals[SIGNAL_READY], 0, xid);
        /* The first report is the whole state, right after Ready. */
        state_queue(self);
}

static void app_window_map(GtkWidget *widget) {
        AppWindow *self = APP_WINDOW(widget);

        GTK_WIDGET_CLASS(app_window_parent_class)->map(widget);

        /* GTK 4 has no API to place a window; on X11 the request can still
         * go to the window manager, elsewhere the compositor decides. */
        if (self->center_on_map) {
                self->center_on_map = FALSE;
                window_center(self);
        } else if (self->have_position)
                window_x11_move(self->surface, self->x, self->y);
        window_options_sync(self);
        state_queue(self);
}

static void app_window_unmap(GtkWidget *widget) {
        GTK_WIDGET_CLASS(app_window_parent_class)->unmap(widget);
        state_queue(APP_WINDOW(widget));
}

static void app_window_dispose(GObject *object) {
        AppWindow *self = APP_WINDOW(object);

        g_clear_handle_id(&self->state_idle, g_source_remove);
        watchdog_stop(self);
        if (self->xevent_handler) {
                g_signal_handler_disconnect(self->display, self->xevent_handler);
                self->xevent_handler = 0;
        }
        g_clear_object(&self->display);
        if (self->surface) {
                g_signal_handlers_disconnect_by_data(self->surface, self);
                g_clear_object(&self->surface);
        }
        navigation_dispose(self);
        view_call_dispose(self);
        g_clear_object(&self->content);
        g_clear_object(&self->icon);
        page_link_dispose(self);
        outgoing_abandon(self);

        G_OBJECT_CLASS(app_window_parent_class)->dispose(object);
}

static gboolean app_window_close_request(GtkWindow *window) {
        /* Closing is the daemon's decision (the app may veto it in
         * 'close'); it calls Destroy when the window is to go. */
        g_signal_emit(window, app_window_signals[SIGNAL_CLOSE_REQUESTED], 0);
        return TRUE;
}

static void app_window_class_init(AppWindowClass *klass) {
        GObjectClass *object_class = G_OBJECT_CLASS(klass);
        GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
        GtkWindowClass *window_class = GTK_WINDOW_CLASS(klass);

        object_class->dispose = app_window_dispose;
        widget_class->realize = app_window_realize;
        widget_class->map = app_window_map;
        widget_class->unmap = app_window_unmap;
        window_class->close_request = app_window_close_request;

        app_window_signals[SIGNAL_READY] = g_signal_new("ready", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
        app_window_signals[SIGNAL_LOAD_EVENT] = g_signal_new("load-event", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                                  G_TYPE_STRING, G_TYPE_STRING);
        app_window_signals[SIGNAL_LOAD_ERROR] = g_signal_new("load-error", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                                  G_TYPE_STRING, G_TYPE_INT, G_TYPE_STRING);
        app_window_signals[SIGNAL_PAGE_TITLE] = g_signal_new("page-title", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
        app_window_signals[SIGNAL_CLOSE_REQUESTED] = g_signal_new("close-requested", G_TYPE_FROM_CLASS(klass),
                                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                       G_TYPE_NONE, 0);
        app_window_signals[SIGNAL_IPC_MESSAGE] = g_signal_new("ipc-message", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                   0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                                   G_TYPE_STRING, G_TYPE_BYTES);
        app_window_signals[SIGNAL_IPC_INVOKE] = g_signal_new("ipc-invoke", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                  0, g_signal_accumulator_true_handled, NULL, NULL,
                                                  G_TYPE_BOOLEAN, 3, G_TYPE_STRING, G_TYPE_BYTES, G_TYPE_TASK);
        app_window_signals[SIGNAL_IPC_SEND_SYNC] = g_signal_new("ipc-send-sync", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                     0, g_signal_accumulator_true_handled, NULL, NULL,
                                                     G_TYPE_BOOLEAN, 3, G_TYPE_STRING, G_TYPE_BYTES,
                                                     G_TYPE_TASK);
        app_window_signals[SIGNAL_STATE_CHANGED] = g_signal_new("state-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
        app_window_signals[SIGNAL_WEB_EVENT] = g_signal_new("web-event", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                                 G_TYPE_STRING, G_TYPE_STRING);
        /* The window wants a page link (Host.OpenPageLink) to keep ready
         * for the next web process: app_window_give_page_link(). */
        app_window_signals[SIGNAL_PAGE_LINK_WANTED] = g_signal_new("page-link-wanted", G_TYPE_FROM_CLASS(klass),
                                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void app_window_init(AppWindow *self) {
        page_link_init(self);
        view_call_init(self);
        navigation_init(self);
        g_signal_connect(self, "notify::is-active", G_CALLBACK(state_notify_cb), self);
        g_signal_connect(self, "notify::visible", G_CALLBACK(state_notify_cb), self);
        g_signal_connect(self, "notify::default-width", G_CALLBACK(state_notify_cb), self);
        g_signal_connect(self, "notify::default-height", G_CALLBACK(state_notify_cb), self);
}

AppWindow *app_window_new(const AppWindowOptions *options) {
        g_autoptr(WebKitWebContext) context = NULL;
        g_autoptr(WebKitNetworkSession) session = NULL;
        g_autoptr(WebKitUserContentManager) content = NULL;
        WebKitSettings *settings;
        AppWindow *self;

        g_return_val_if_fail(options && options->app_dir && options->data_dir && options->cache_dir, NULL);

        self = g_object_new(APP_TYPE_WINDOW, NULL);
        if (options->title)
                gtk_window_set_title(GTK_WINDOW(self), options->title);
        gtk_window_set_default_size(GTK_WINDOW(self),
                                    options->width > 0 ? options->width : 800,
                                    options->height > 0 ? options->height : 600);

        /* One context per process: the app:// handler serves this app's
         * folder only.  The network session keeps the app's cookies and
         * storage apart from every other app's. */
        context = webkit_web_context_new();
        app_scheme_register(context, options->app_dir, self);

        session = webkit_network_session_new(options->data_dir, options->cache_dir);

        content = webkit_user_content_manager_new();
        page_ipc_init(self, options);
        if (options->preload_source) {
                preload_add(self, content, options);
                page_ipc_attach(self, content);
                if (!g_getenv("APPD_NO_PAGE_LINK"))
                        page_link_enable(self, context);
        }
        page_events_add_scripts(self, content);
        self->content = g_object_ref(content);

        self->view = g_object_new(WEBKIT_TYPE_WEB_VIEW,
                                  "web-context", context,
                                  "network-session", session,
                                  "user-content-manager", content,
                                  NULL);

        settings = webkit_web_view_get_settings(self->view);
        webkit_settings_set_enable_write_console_messages_to_stdout(settings, options->console_to_stdout);
        webkit_settings_set_enable_developer_extras(settings, options->developer_extras);
        /* Electron blocks no popups: every window.open() reaches "create"
         * and so the main script's window open handler, gesture or not. */
        webkit_settings_set_javascript_can_open_windows_automatically(settings, TRUE);
        /* Electron's webSecurity: false: no same-origin policy, local
         * files for every page. */
        webkit_settings_set_disable_web_security(settings, options->no_web_security);

        navigation_connect(self);
        page_link_connect(self);
        watchdog_start(self);
        page_events_connect(self);

        gtk_window_set_child(GTK_WINDOW(self), GTK_WIDGET(self->view));
        return self;
}

void app_window_start(AppWindow *self, gboolean hidden) {
        g_return_if_fail(APP_IS_WINDOW(self));

        /* A hidden window is realized all the same, so Ready carries its
         * X11 id and comes exactly once whatever the visibility. */
        if (hidden)
                gtk_widget_realize(GTK_WIDGET(self));
        else
                gtk_window_present(GTK_WINDOW(self));
}

void app_window_set_position(AppWindow *self, int x, int y) {
        g_return_if_fail(APP_IS_WINDOW(self));

        self->have_position = TRUE;
        self->x = x;
        self->y = y;
}

void app_window_load_url(AppWindow *self, const char *url) {
        g_return_if_fail(APP_IS_WINDOW(self));

        self->nav.api_navigation = TRUE;
        webkit_web_view_load_uri(self->view, url);
}

void app_window_set_visible(AppWindow *self, gboolean visible) {
        g_return_if_fail(APP_IS_WINDOW(self));

        if (visible)
                gtk_window_present(GTK_WINDOW(self));
        else
                gtk_widget_set_visible(GTK_WIDGET(self), FALSE);
}
