/* Where the window is and in what state: move, resize, center, the
 * states of View.SetState, and StateChanged reports of what changed. */
#include "app-window-private.h"
#include "window-x11.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

static void window_state_read(AppWindow *self, WindowState *ret) {
        GdkToplevelState state = 0;

        *ret = (WindowState) { 0 };
        if (self->geometry.surface && GDK_IS_TOPLEVEL(self->geometry.surface))
                state = gdk_toplevel_get_state(GDK_TOPLEVEL(self->geometry.surface));

        /* The content size: what the page gets, without any frame.  The
         * surface knows a new size as soon as the window system says so;
         * the view only after the next layout. */
        if (self->geometry.surface && gdk_surface_get_mapped(self->geometry.surface)) {
                ret->width = gdk_surface_get_width(self->geometry.surface);
                ret->height = gdk_surface_get_height(self->geometry.surface);
        }
        /* A surface not configured yet is 1×1. */
        if (ret->width <= 1 || ret->height <= 1) {
                ret->width = gtk_widget_get_width(GTK_WIDGET(self->view));
                ret->height = gtk_widget_get_height(GTK_WIDGET(self->view));
        }
        if (ret->width <= 0 || ret->height <= 0)
                gtk_window_get_default_size(GTK_WINDOW(self), &ret->width, &ret->height);
        if (self->geometry.surface && gdk_surface_get_mapped(self->geometry.surface))
                ret->has_position = window_x11_get_position(self->geometry.surface, &ret->x, &ret->y);
        else if (self->geometry.have_position) {
                ret->has_position = TRUE;
                ret->x = self->geometry.x;
                ret->y = self->geometry.y;
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
        const WindowState *old = &self->geometry.reported;
        gboolean all = !self->geometry.state_known;
        WindowState now;
        unsigned n = 0;

        self->geometry.state_idle = 0;
        /* GTK rewrites WM_NORMAL_HINTS whenever it lays the window out,
         * which has happened by now: put the maximum back. */
        if ((self->hints.max_width > 0 || self->hints.max_height > 0) && window_x11_is_x11(self->geometry.surface))
                window_x11_set_max_size(self->geometry.surface, self->hints.max_width, self->hints.max_height);
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

        self->geometry.reported = now;
        self->geometry.state_known = TRUE;
        json = builder_finish(b);
        if (n > 0)
                g_signal_emit(self, app_window_signals[SIGNAL_STATE_CHANGED], 0, json);
        return G_SOURCE_REMOVE;
}

/* At most one report per main loop iteration: a drag moves the window many
 * times between two of them. */
void window_geometry_queue_report(AppWindow *self) {
        if (!self->ready_sent || self->geometry.state_idle)
                return;
        self->geometry.state_idle = g_idle_add_full(G_PRIORITY_DEFAULT_IDLE, state_flush_cb, self, NULL);
}

static void state_notify_cb(GObject *object, GParamSpec *pspec, AppWindow *self) {
        window_geometry_queue_report(self);
}

/* A window manager that still holds a window it was asked to withdraw
 * (ICCCM 4.1.4) keeps it in its frame until it reparents it back to the
 * root: a window mapped before that is mapped inside the frame, where the
 * manager never sees it, and stays on screen unmanaged, never focused.  So
 * a show waits for the withdrawal to end, and at most this long for a
 * manager that never says. */
#define WITHDRAW_WAIT_MS 2000

static void show_now(AppWindow *self, WindowShow how) {
        if (how == WINDOW_SHOW_ACTIVE) {
                gtk_window_present(GTK_WINDOW(self));
                return;
        }
        /* Map without present(): no activation request, and user time 0
         * tells the window manager not to focus it. */
#ifdef GDK_WINDOWING_X11
        if (self->geometry.surface && GDK_IS_X11_SURFACE(self->geometry.surface))
                gdk_x11_surface_set_user_time(self->geometry.surface, 0);
#endif
        gtk_widget_set_visible(GTK_WIDGET(self), TRUE);
}

static void withdrawal_end(AppWindow *self) {
        WindowShow how = self->geometry.show_pending;

        self->geometry.withdrawing = FALSE;
        self->geometry.show_pending = WINDOW_SHOW_NONE;
        g_clear_handle_id(&self->geometry.withdraw_timeout, g_source_remove);
        if (how != WINDOW_SHOW_NONE)
                show_now(self, how);
}

static gboolean withdraw_timeout_cb(gpointer data) {
        AppWindow *self = data;

        self->geometry.withdraw_timeout = 0;
        g_message("The window manager did not withdraw the window within %d ms", WITHDRAW_WAIT_MS);
        withdrawal_end(self);
        return G_SOURCE_REMOVE;
}

void window_geometry_show(AppWindow *self, WindowShow how) {
        if (self->geometry.withdrawing) {
                self->geometry.show_pending = MAX(self->geometry.show_pending, how);
                return;
        }
        show_now(self, how);
}

void window_geometry_hide(AppWindow *self) {
        self->geometry.show_pending = WINDOW_SHOW_NONE;
        if (!self->geometry.withdrawing && gtk_widget_get_visible(GTK_WIDGET(self)) &&
            self->geometry.surface && !window_x11_is_withdrawn(self->geometry.surface)) {
                self->geometry.withdrawing = TRUE;
                self->geometry.withdraw_timeout = g_timeout_add(WITHDRAW_WAIT_MS, withdraw_timeout_cb, self);
        }
        gtk_widget_set_visible(GTK_WIDGET(self), FALSE);
}

static gboolean display_xevent_cb(GdkDisplay *display, gpointer xevent, AppWindow *self) {
        GdkSurface *surface = self->geometry.surface;

        if (window_x11_event_is_configure(surface, xevent))
                window_geometry_queue_report(self);
        else if (self->geometry.withdrawing && window_x11_event_is_withdrawal(surface, xevent) &&
                 window_x11_is_withdrawn(surface))
                withdrawal_end(self);
        return GDK_EVENT_PROPAGATE;
}

void app_window_set_position(AppWindow *self, int x, int y) {
        g_return_if_fail(APP_IS_WINDOW(self));

        self->geometry.have_position = TRUE;
        self->geometry.x = x;
        self->geometry.y = y;
}

void app_window_move(AppWindow *self, int x, int y) {
        g_return_if_fail(APP_IS_WINDOW(self));

        app_window_set_position(self, x, y);
        self->geometry.center_on_map = FALSE;
        if (self->geometry.surface && gdk_surface_get_mapped(self->geometry.surface))
                window_x11_move(self->geometry.surface, x, y);
        window_geometry_queue_report(self);
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
        if (self->geometry.surface && gdk_surface_get_mapped(self->geometry.surface))
                window_x11_resize(self->geometry.surface, width, height);
        window_geometry_queue_report(self);
}

static void window_center(AppWindow *self) {
        GdkDisplay *display = gtk_widget_get_display(GTK_WIDGET(self));
        g_autoptr(GdkMonitor) first = NULL;
        GdkMonitor *monitor = NULL;
        GdkRectangle area;
        int width, height;

        if (self->geometry.surface)
                monitor = gdk_display_get_monitor_at_surface(display, self->geometry.surface);
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
        if (self->geometry.surface && gdk_surface_get_mapped(self->geometry.surface) && gdk_surface_get_width(self->geometry.surface) > 1) {
                width = gdk_surface_get_width(self->geometry.surface);
                height = gdk_surface_get_height(self->geometry.surface);
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
                window_geometry_show(self, WINDOW_SHOW_ACTIVE);
        } else if (g_str_equal(state, "fullscreen"))
                gtk_window_fullscreen(window);
        else if (g_str_equal(state, "unfullscreen"))
                gtk_window_unfullscreen(window);
        else if (g_str_equal(state, "focus"))
                window_geometry_show(self, WINDOW_SHOW_ACTIVE);
        else if (g_str_equal(state, "blur")) {
                /* X11 has no "unfocus": as Chromium does, drop the window
                 * below the others and give up the focus. */
                if (self->geometry.surface) {
                        window_x11_lower(self->geometry.surface);
                        window_x11_unfocus(self->geometry.surface);
                }
        } else if (g_str_equal(state, "show-inactive"))
                window_geometry_show(self, WINDOW_SHOW_INACTIVE);
        else if (g_str_equal(state, "center")) {
                if (self->geometry.surface && gdk_surface_get_mapped(self->geometry.surface))
                        window_center(self);
                else
                        self->geometry.center_on_map = TRUE;
        } else {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Unknown window state \"%s\"", state);
                return FALSE;
        }
        window_geometry_queue_report(self);
        return TRUE;
}

void window_geometry_set_surface(AppWindow *self, GdkSurface *surface) {
        if (surface == self->geometry.surface)
                return;
        if (self->geometry.surface)
                g_signal_handlers_disconnect_by_data(self->geometry.surface, self);
        g_set_object(&self->geometry.surface, surface);
        if (surface) {
                g_signal_connect_object(surface, "notify::state", G_CALLBACK(state_notify_cb), self, 0);
                g_signal_connect_object(surface, "notify::width", G_CALLBACK(state_notify_cb), self, 0);
                g_signal_connect_object(surface, "notify::height", G_CALLBACK(state_notify_cb), self, 0);
        }
}

guint64 window_geometry_watch_x11(AppWindow *self) {
        guint64 xid = 0;
#ifdef GDK_WINDOWING_X11
        GdkSurface *surface = self->geometry.surface;

        if (surface && GDK_IS_X11_SURFACE(surface)) {
                xid = gdk_x11_surface_get_xid(surface);
                /* GTK 4 reports no window positions: ConfigureNotify does. */
                self->geometry.display = g_object_ref(gtk_widget_get_display(GTK_WIDGET(self)));
                self->geometry.xevent_handler = g_signal_connect(self->geometry.display, "xevent",
                                                                 G_CALLBACK(display_xevent_cb), self);
        }
#endif
        return xid;
}

void window_geometry_place(AppWindow *self) {
        /* GTK 4 has no API to place a window; on X11 the request can still
         * go to the window manager, elsewhere the compositor decides. */
        if (self->geometry.center_on_map) {
                self->geometry.center_on_map = FALSE;
                window_center(self);
        } else if (self->geometry.have_position)
                window_x11_move(self->geometry.surface, self->geometry.x, self->geometry.y);
}

void window_geometry_init(AppWindow *self) {
        g_signal_connect(self, "notify::is-active", G_CALLBACK(state_notify_cb), self);
        g_signal_connect(self, "notify::visible", G_CALLBACK(state_notify_cb), self);
        g_signal_connect(self, "notify::default-width", G_CALLBACK(state_notify_cb), self);
        g_signal_connect(self, "notify::default-height", G_CALLBACK(state_notify_cb), self);
}

void window_geometry_dispose(AppWindow *self) {
        g_clear_handle_id(&self->geometry.state_idle, g_source_remove);
        g_clear_handle_id(&self->geometry.withdraw_timeout, g_source_remove);
        if (self->geometry.xevent_handler) {
                g_signal_handler_disconnect(self->geometry.display, self->geometry.xevent_handler);
                self->geometry.xevent_handler = 0;
        }
        g_clear_object(&self->geometry.display);
        if (self->geometry.surface) {
                g_signal_handlers_disconnect_by_data(self->geometry.surface, self);
                g_clear_object(&self->geometry.surface);
        }
}
