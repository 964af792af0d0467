#include "window-x11.h"

#ifdef GDK_WINDOWING_X11
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <gdk/x11/gdkx.h>
#endif

/* Larger icons make a property of megabytes that every taskbar reads. */
#define ICON_MAX_SIDE 512

#define NET_WM_STATE_REMOVE 0
#define NET_WM_STATE_ADD    1

gboolean window_x11_is_x11(GdkSurface *surface) {
#ifdef GDK_WINDOWING_X11
        return surface && GDK_IS_X11_SURFACE(surface);
#else
        return FALSE;
#endif
}

#ifdef GDK_WINDOWING_X11
static Display *surface_xdisplay(GdkSurface *surface) {
        return gdk_x11_display_get_xdisplay(gdk_surface_get_display(surface));
}
#endif

void window_x11_move(GdkSurface *surface, int x, int y) {
#ifdef GDK_WINDOWING_X11
        if (!window_x11_is_x11(surface))
                return;
        XMoveWindow(surface_xdisplay(surface), gdk_x11_surface_get_xid(surface), x, y);
#endif
}

void window_x11_resize(GdkSurface *surface, int width, int height) {
#ifdef GDK_WINDOWING_X11
        if (!window_x11_is_x11(surface) || width <= 0 || height <= 0)
                return;
        XResizeWindow(surface_xdisplay(surface), gdk_x11_surface_get_xid(surface),
                      (unsigned) width, (unsigned) height);
#endif
}

void window_x11_lower(GdkSurface *surface) {
#ifdef GDK_WINDOWING_X11
        if (!window_x11_is_x11(surface))
                return;
        XLowerWindow(surface_xdisplay(surface), gdk_x11_surface_get_xid(surface));
#endif
}

gboolean window_x11_get_position(GdkSurface *surface, int *ret_x, int *ret_y) {
#ifdef GDK_WINDOWING_X11
        Display *dpy;
        Window xid, child;
        Atom type;
        int format, x, y;
        unsigned long n, after;
        unsigned char *data = NULL;

        if (!window_x11_is_x11(surface))
                return FALSE;
        dpy = surface_xdisplay(surface);
        xid = gdk_x11_surface_get_xid(surface);

        gdk_x11_display_error_trap_push(gdk_surface_get_display(surface));
        if (!XTranslateCoordinates(dpy, xid, DefaultRootWindow(dpy), 0, 0, &x, &y, &child)) {
                gdk_x11_display_error_trap_pop_ignored(gdk_surface_get_display(surface));
                return FALSE;
        }

        /* A reparenting window manager places the frame where Move asked
         * (north-west gravity), so the frame's corner is what round-trips. */
        if (XGetWindowProperty(dpy, xid, XInternAtom(dpy, "_NET_FRAME_EXTENTS", False), 0, 4, False,
                               XA_CARDINAL, &type, &format, &n, &after, &data) == Success &&
            type == XA_CARDINAL && format == 32 && n == 4) {
                const long *extents = (const long *) data;
                x -= (int) extents[0];
                y -= (int) extents[2];
        }
        if (data)
                XFree(data);
        if (gdk_x11_display_error_trap_pop(gdk_surface_get_display(surface)))
                return FALSE;

        *ret_x = x;
        *ret_y = y;
        return TRUE;
#else
        return FALSE;
#endif
}

void window_x11_set_max_size(GdkSurface *surface, int width, int height) {
#ifdef GDK_WINDOWING_X11
        XSizeHints *hints;
        long supplied = 0;
        Display *dpy;
        Window xid;

        if (!window_x11_is_x11(surface))
                return;
        dpy = surface_xdisplay(surface);
        xid = gdk_x11_surface_get_xid(surface);

        hints = XAllocSizeHints();
        if (!hints)
                return;
        /* GTK writes the hints itself (minimum from the size request,
         * maximum only when not resizable); keep what it wrote. */
        if (!XGetWMNormalHints(dpy, xid, hints, &supplied))
                hints->flags = 0;
        if (width > 0 || height > 0) {
                /* A non-resizable window already has GTK's fixed maximum. */
                if (!(hints->flags & PMaxSize) || hints->max_width > width || hints->max_height > height) {
                        hints->flags |= PMaxSize;
                        hints->max_width = width > 0 ? width : G_MAXINT16;
                        hints->max_height = height > 0 ? height : G_MAXINT16;
                }
        }
        XSetWMNormalHints(dpy, xid, hints);
        XFree(hints);
#endif
}

void window_x11_set_net_wm_state(GdkSurface *surface, const char *atom, gboolean on) {
#ifdef GDK_WINDOWING_X11
        Display *dpy;
        Window xid;
        Atom state, value;

        if (!window_x11_is_x11(surface))
                return;
        dpy = surface_xdisplay(surface);
        xid = gdk_x11_surface_get_xid(surface);
        state = XInternAtom(dpy, "_NET_WM_STATE", False);
        value = XInternAtom(dpy, atom, False);

        if (gdk_surface_get_mapped(surface)) {
                XEvent ev = { 0 };

                ev.xclient.type = ClientMessage;
                ev.xclient.window = xid;
                ev.xclient.message_type = state;
                ev.xclient.format = 32;
                ev.xclient.data.l[0] = on ? NET_WM_STATE_ADD : NET_WM_STATE_REMOVE;
                ev.xclient.data.l[1] = (long) value;
                ev.xclient.data.l[3] = 1; /* source: a normal application */
                XSendEvent(dpy, DefaultRootWindow(dpy), False,
                           SubstructureRedirectMask | SubstructureNotifyMask, &ev);
                return;
        }

        /* Withdrawn: EWMH has the client edit the property, which the
         * window manager reads when the window is mapped.  GTK rewrites
         * this property when it maps the window, so callers also ask again
         * once the window is mapped. */
        {
                Atom type, *atoms = NULL;
                int format;
                unsigned long n = 0, after;
                g_autoptr(GArray) list = g_array_new(FALSE, FALSE, sizeof(Atom));

                if (XGetWindowProperty(dpy, xid, state, 0, 64, False, XA_ATOM, &type, &format, &n, &after,
                                       (unsigned char **) &atoms) == Success && atoms && format == 32) {
                        for (unsigned long i = 0; i < n; i++)
                                if (atoms[i] != value)
                                        g_array_append_val(list, atoms[i]);
                }
                if (atoms)
                        XFree(atoms);
                if (on)
                        g_array_append_val(list, value);
                XChangeProperty(dpy, xid, state, XA_ATOM, 32, PropModeReplace,
                                (unsigned char *) list->data, (int) list->len);
        }
#endif
}

void window_x11_set_transient_for(GdkSurface *surface, guint64 parent_xid) {
#ifdef GDK_WINDOWING_X11
        Display *dpy;
        Window xid;

        if (!window_x11_is_x11(surface))
                return;
        dpy = surface_xdisplay(surface);
        xid = gdk_x11_surface_get_xid(surface);

        /* The parent belongs to another process and may be gone already. */
        gdk_x11_display_error_trap_push(gdk_surface_get_display(surface));
        if (parent_xid)
                XSetTransientForHint(dpy, xid, (Window) parent_xid);
        else
                XDeleteProperty(dpy, xid, XInternAtom(dpy, "WM_TRANSIENT_FOR", False));
        if (gdk_x11_display_error_trap_pop(gdk_surface_get_display(surface)))
                g_message("Cannot make the window transient for 0x%" G_GINT64_MODIFIER "x", parent_xid);
#endif
}

gboolean window_x11_set_icon(GdkSurface *surface, GdkTexture *texture, GError **error) {
#ifdef GDK_WINDOWING_X11
        int width, height;
        g_autofree guchar *pixels = NULL;
        g_autofree long *data = NULL;
        Display *dpy;
        size_t n;

        if (!window_x11_is_x11(surface))
                return TRUE;

        width = gdk_texture_get_width(texture);
        height = gdk_texture_get_height(texture);
        if (width <= 0 || height <= 0 || width > ICON_MAX_SIDE || height > ICON_MAX_SIDE) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                            "Icon of %dx%d pixels: at most %dx%d", width, height, ICON_MAX_SIDE, ICON_MAX_SIDE);
                return FALSE;
        }

        /* GDK hands out premultiplied native-endian ARGB; _NET_WM_ICON is
         * straight ARGB, one pixel per long, after width and height. */
        pixels = g_malloc((size_t) width * height * 4);
        gdk_texture_download(texture, pixels, (size_t) width * 4);
        n = 2 + (size_t) width * height;
        data = g_new(long, n);
        data[0] = width;
        data[1] = height;
        for (size_t i = 0; i < (size_t) width * height; i++) {
                guint32 p = ((const guint32 *) pixels)[i];
                guint a = p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

                if (a > 0 && a < 255) {
                        r = MIN(255u, r * 255 / a);
                        g = MIN(255u, g * 255 / a);
                        b = MIN(255u, b * 255 / a);
                }
                data[2 + i] = (long) ((a << 24) | (r << 16) | (g << 8) | b);
        }

        dpy = surface_xdisplay(surface);
        XChangeProperty(dpy, gdk_x11_surface_get_xid(surface), XInternAtom(dpy, "_NET_WM_ICON", False),
                        XA_CARDINAL, 32, PropModeReplace, (unsigned char *) data, (int) n);
#endif
        return TRUE;
}

void window_x11_unfocus(GdkSurface *surface) {
#ifdef GDK_WINDOWING_X11
        Display *dpy;
        Window focus;
        int revert;

        if (!window_x11_is_x11(surface))
                return;
        dpy = surface_xdisplay(surface);

        /* X has no "unfocus": hand the focus back to whatever is under the
         * pointer, as with no window manager, and let it decide. */
        XGetInputFocus(dpy, &focus, &revert);
        if (focus == gdk_x11_surface_get_xid(surface))
                XSetInputFocus(dpy, PointerRoot, RevertToPointerRoot, CurrentTime);
#endif
}

gboolean window_x11_is_withdrawn(GdkSurface *surface) {
#ifdef GDK_WINDOWING_X11
        GdkDisplay *display;
        Display *dpy;
        Window xid, root, parent, *children = NULL;
        Atom type;
        int format;
        unsigned long n, after;
        unsigned char *data = NULL;
        unsigned int n_children;
        gboolean managed = FALSE, in_root = TRUE;

        if (!window_x11_is_x11(surface))
                return TRUE;
        display = gdk_surface_get_display(surface);
        dpy = gdk_x11_display_get_xdisplay(display);
        xid = gdk_x11_surface_get_xid(surface);
        gdk_x11_display_error_trap_push(display);
        /* WM_STATE's first field: 0 Withdrawn, 1 Normal, 3 Iconic. */
        if (XGetWindowProperty(dpy, xid, XInternAtom(dpy, "WM_STATE", False), 0, 1, False,
                               AnyPropertyType, &type, &format, &n, &after, &data) == Success &&
            data && format == 32 && n == 1)
                managed = ((long *) data)[0] != 0;
        if (XQueryTree(dpy, xid, &root, &parent, &children, &n_children))
                in_root = parent == root;
        gdk_x11_display_error_trap_pop_ignored(display);
        if (data)
                XFree(data);
        if (children)
                XFree(children);
        return !managed && in_root;
#else
        return TRUE;
#endif
}

gboolean window_x11_event_is_withdrawal(GdkSurface *surface, gconstpointer xevent) {
#ifdef GDK_WINDOWING_X11
        const XEvent *ev = xevent;
        Window xid;

        if (!window_x11_is_x11(surface))
                return FALSE;
        xid = gdk_x11_surface_get_xid(surface);
        if (ev->type == ReparentNotify)
                return ev->xreparent.window == xid;
        return ev->type == PropertyNotify && ev->xproperty.window == xid &&
               ev->xproperty.atom == XInternAtom(ev->xproperty.display, "WM_STATE", False);
#else
        return FALSE;
#endif
}

gboolean window_x11_event_is_configure(GdkSurface *surface, gconstpointer xevent) {
#ifdef GDK_WINDOWING_X11
        const XEvent *ev = xevent;

        if (!window_x11_is_x11(surface))
                return FALSE;
        return ev->type == ConfigureNotify && ev->xconfigure.window == gdk_x11_surface_get_xid(surface);
#else
        return FALSE;
#endif
}
