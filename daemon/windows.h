/* What the files of the Window model share: windows.c (the model and the
 * renderer link), window-renderer.c (the renderer process and View
 * calls), window-ops.c (an app's window operations, webContents calls)
 * and bus-host.c (the Host interface the renderer calls).  daemon.h has
 * what the rest of appd sees of windows. */
#pragma once

#include "daemon.h"

/* Journal fields are plain strings; the window id is kept in text form
 * for them. */
#define WINDOW_LOG(w, level, ...) \
        g_log_structured(G_LOG_DOMAIN, level, "APPD_APP", (w)->app ? (w)->app->id : "", \
                         "APPD_WINDOW", (w)->id_text, "MESSAGE", __VA_ARGS__)

/* windows.c */
/* Posts the event begun with event_begin() to the window's app, if any. */
void window_post(Window *w, JsonBuilder *b);
/* Writes the window's bounds under its stateKey, when they changed. */
void window_save_state(Window *w);
/* Serves Host (bus_host_vtable) for w on the renderer's end of the link,
 * fd, which it takes. */
int window_link_open(Window *w, int fd);
void window_link_close(Window *w);
/* The renderer is gone and the window was being destroyed: tell the app,
 * drop the window. */
void window_finish_destroy(Window *w);
/* The model's state as the renderer reports it. */
void window_set_url(Window *w, const char *url);
void window_set_loading(Window *w, gboolean loading);
/* o[key] when it is a string, else NULL; o may be NULL. */
const char *window_option_string(JsonObject *o, const char *key);
/* The app's number of the window o's "parent" names, or 0 for none. */
guint window_option_parent(JsonObject *o);
/* Set *value and return TRUE when o[key] is a boolean (a number, clamped,
 * for the int one). */
gboolean json_member_bool(JsonObject *o, const char *key, gboolean *value);
gboolean json_member_int(JsonObject *o, const char *key, int *value);
/* Host methods of the page's IPC, on the renderer link and page links. */
int method_Send(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_Invoke(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_SendSync(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_OpenPageLink(sd_bus_message *m, void *userdata, sd_bus_error *error);

/* window-renderer.c */
int window_spawn_renderer(Window *w);
/* The renderer has shown the window, X11 window `xid`. */
void window_renderer_ready(Window *w, guint64 xid);
/* The options the renderer applies itself, as JSON text; `initial`: for
 * its command line, else for View.SetOptions. */
char *window_renderer_options(Window *w, JsonObject *options, gboolean initial);
/* A View call without reply to fill and send (sd_bus_send()); errors as
 * view_call()'s. */
int view_message_new(Window *w, const char *member, sd_bus_message **ret);
/* View calls that expect no reply (the renderer reports outcomes through
 * Host); -ENOTCONN without a link, -ENOBUFS when the renderer does not
 * keep up. */
int view_call(Window *w, const char *member, const char *types, ...);
/* A View call whose last argument is bytes ("ay"), after an optional
 * string. */
int view_call_bytes(Window *w, const char *member, const char *str, const void *data,
                    size_t size);

/* window-ops.c */
/* Fails the webContents calls waiting on the renderer (told to the app
 * unless the window is being destroyed). */
void window_cancel_calls(Window *w);

/* bus-host.c */
extern const sd_bus_vtable bus_host_vtable[];

/* app-menus.c: Host.MenuActivated and Host.PopupClosed. */
int method_MenuActivated(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_PopupClosed(sd_bus_message *m, void *userdata, sd_bus_error *error);
