/* What GTK 4 leaves out for a toplevel on X11: placement, size limits,
 * EWMH states it has no API for, icons from files, transient-for by xid.
 * Every function takes the window's GdkSurface and does nothing when it is
 * not an X11 surface, so callers need no #ifdef. */
#pragma once

#include <gtk/gtk.h>

gboolean window_x11_is_x11(GdkSurface *surface);

void window_x11_move(GdkSurface *surface, int x, int y);
void window_x11_resize(GdkSurface *surface, int width, int height);
void window_x11_lower(GdkSurface *surface);

/* Top-left corner of the window's frame (its own corner when the window
 * manager draws none), in root coordinates.  FALSE when unknown. */
gboolean window_x11_get_position(GdkSurface *surface, int *ret_x, int *ret_y);

/* Adds PMaxSize (0 = no limit) to the WM_NORMAL_HINTS GTK wrote. */
void window_x11_set_max_size(GdkSurface *surface, int width, int height);

/* An EWMH _NET_WM_STATE atom ("_NET_WM_STATE_ABOVE"): asks the window
 * manager when the window is mapped, else writes the property. */
void window_x11_set_net_wm_state(GdkSurface *surface, const char *atom, gboolean on);

void window_x11_set_transient_for(GdkSurface *surface, guint64 parent_xid);
gboolean window_x11_set_icon(GdkSurface *surface, GdkTexture *texture, GError **error);

/* Gives up the input focus if this window has it. */
void window_x11_unfocus(GdkSurface *surface);

/* Whether no window manager holds the window: ICCCM's WM_STATE is absent
 * or Withdrawn and the window is a child of the root again.  Always TRUE
 * off X11. */
gboolean window_x11_is_withdrawn(GdkSurface *surface);
/* Whether the X event may end a withdrawal of `surface`: a change of its
 * WM_STATE, or its reparenting. */
gboolean window_x11_event_is_withdrawal(GdkSurface *surface, gconstpointer xevent);

/* Whether the X event is a ConfigureNotify about `surface`. */
gboolean window_x11_event_is_configure(GdkSurface *surface, gconstpointer xevent);
