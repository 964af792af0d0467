/* One BrowserWindow's view: a GtkWindow holding a WebKitWebView that shows
 * the app's pages (app:// URLs map to the app folder) and, when a preload
 * is given, the ipcRenderer bridge.  It knows nothing about the bus: it
 * reports through signals and is driven through app_window_*().
 *
 * Signals:
 *   ready (guint64 xid)              once, when the window has a surface
 *   load-event (gchar *event, gchar *url)   "started", "committed", "finished"
 *   load-error (gchar *url, gint code, gchar *description)  Electron net error code
 *   page-title (gchar *title)
 *   close-requested ()               the window never closes by itself
 *   ipc-message (gchar *channel, GBytes *payload)  ipcRenderer.send(), framed args
 *   ipc-invoke (gchar *channel, GBytes *payload, GTask *task) → gboolean
 *                                    ipcRenderer.invoke(); the handler returns TRUE
 *                                    and later completes `task` with a GBytes
 *                                    (g_task_return_pointer) or a GError whose
 *                                    message the page sees; FALSE: no one to ask
 *   ipc-send-sync (gchar *channel, GBytes *payload, GTask *task) → gboolean
 *                                    ipcRenderer.sendSync(), likewise
 *   state-changed (gchar *json)      changed keys of x, y, width, height (content),
 *                                    focused, maximized, minimized, fullscreen, visible;
 *                                    all of them once right after "ready"; at most
 *                                    once per main loop iteration
 *   web-event (gchar *name, gchar *json)   a webContents event (Host.Event)
 *   menu-activated (guint menu, guint item, gboolean accelerator)
 *                                    an item of the menu bar or the popup was
 *                                    chosen, or its accelerator pressed
 *   popup-closed (guint root)        the popup of menu `root` closed
 */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define APP_TYPE_WINDOW (app_window_get_type())
G_DECLARE_FINAL_TYPE(AppWindow, app_window, APP, WINDOW, GtkWindow)

typedef struct {
        const char *app_id;
        const char *app_dir;         /* absolute; app:// is served from here */
        const char *data_dir;        /* website data (cookies, storage) */
        const char *cache_dir;
        const char *title;           /* NULL: none */
        int width, height;
        const char *preload_path;    /* NULL: no preload, no ipc */
        const char *preload_source;
        gboolean no_context_isolation; /* webPreferences.contextIsolation false:
                                        * the preload runs in the page's world */
        guint32 ipc_max_payload;     /* bytes an IPC message may have; 0: the default */
        const char *node_mode;       /* NULL, "preload" (Node in the preload) or
                                      * "page" (nodeIntegration) */
        gboolean no_web_security;    /* webPreferences.webSecurity false */
        gboolean console_to_stdout;  /* page console → stdout (debugging) */
        gboolean developer_extras;   /* Web Inspector */
} AppWindowOptions;

AppWindow *app_window_new(const AppWindowOptions *options);

/* Realize the window (emitting "ready") and show it unless `hidden`. */
void app_window_start(AppWindow *self, gboolean hidden);

/* Request a position, honoured on X11 once the window is mapped. */
void app_window_set_position(AppWindow *self, int x, int y);

void app_window_load_url(AppWindow *self, const char *url);
void app_window_set_visible(AppWindow *self, gboolean visible);

/* Whether the page gets page links (it has IPC): then the window emits
 * "page-link-wanted" whenever it wants one to keep ready. */
gboolean app_window_wants_page_links(AppWindow *self);
/* A page link's fd (Host.OpenPageLink) for the next web process that
 * asks; the window owns it. */
void app_window_give_page_link(AppWindow *self, int fd);

/* The largest IPC message this window sends or takes, in bytes. */
guint32 app_window_ipc_limit(AppWindow *self);

/* Deliver webContents.send(channel, ...args) to the preload's ipcRenderer
 * listeners, in order; `payload` is the framed args (`size` bytes).
 * Dropped when the window has no preload. */
void app_window_send_ipc(AppWindow *self, const char *channel, const void *payload, size_t size);

/* Window options as JSON text (View.SetOptions keys, plus "center",
 * "fullscreen" and "maximized" for a window not yet shown).  Nothing is
 * changed when an option is invalid. */
gboolean app_window_set_options(AppWindow *self, const char *json, size_t size, GError **error);

/* Position of the frame's corner; size of the content, within the
 * minimum and maximum size options. */
void app_window_move(AppWindow *self, int x, int y);
void app_window_resize(AppWindow *self, int width, int height);

/* View.SetState: "maximize", "unmaximize", "minimize", "restore",
 * "fullscreen", "unfullscreen", "focus", "blur", "show-inactive", "center". */
gboolean app_window_set_state(AppWindow *self, const char *state, GError **error);

/* View.Call: a webContents operation with JSON arguments; the result is
 * JSON text.  Some answer later (execute-javascript). */
void app_window_call(AppWindow *self, const char *method, JsonArray *args, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data);
char *app_window_call_finish(AppWindow *self, GAsyncResult *result, GError **error);

/* One menu item as the daemon sends it (View.SetMenuBar, View.Popup). */
typedef struct {
        guint menu, id;
        char *type;                  /* normal, separator, submenu, checkbox, radio */
        char *label, *sublabel, *tool_tip, *accelerator;
        gboolean enabled, visible, checked, register_accelerator;
        guint submenu;
} MenuEntry;
void menu_entry_free(MenuEntry *e);

/* The menu bar shows the tree under `root` (0: no menu bar); entries:
 * MenuEntry of every menu in it. */
void app_window_set_menu_bar(AppWindow *self, guint root, GPtrArray *entries);
/* A context menu of the tree under `root` at x, y in the page (-1, -1:
 * at the pointer); an open one closes first, without popup-closed. */
void app_window_popup(AppWindow *self, guint root, GPtrArray *entries, int x, int y, int positioning_item);
void app_window_close_popup(AppWindow *self, guint root);

/* Electron net error code for a load failure reported by WebKit. */
int app_window_net_error_from_gerror(const GError *error);

G_END_DECLS
