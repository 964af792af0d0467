/* The daemon's shared context and its objects: apps and windows. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <systemd/sd-bus.h>

#include "app-process.h"
#include "menus.h"
#include "desktop-process.h"
#include "package.h"
#include "store.h"
#include "supervisor.h"

typedef struct App App;
typedef struct Window Window;

typedef struct {
        GMainLoop *loop;
        sd_bus *bus;             /* session bus */
        sd_bus_slot *manager_slot;
        Store *store;
        GHashTable *apps;        /* id → App* (owned) */
        GHashTable *windows;     /* id → Window* (owned) */
        char *renderer_path;
        char *app_process_path;  /* appd-app */
        DesktopProcess *desktop; /* appd-desktop (bus-app-host.c) */
        guint next_window_id;
        char *data_dir;          /* $XDG_DATA_HOME/appd */
        char *cache_dir;         /* $XDG_CACHE_HOME/appd */
        char *config_home;       /* $XDG_CONFIG_HOME */
        guint32 ipc_max_payload; /* bytes; APPD_IPC_MAX_PAYLOAD unless configured */
        GQueue changes;          /* what the bus has yet to hear of (changes.c) */
        guint changes_source;
        gboolean stopping;
        int exit_code;
} Daemon;

typedef enum {
        APP_STARTING,
        APP_RUNNING,
        APP_QUITTING,
        APP_EXITED,
} AppState;

struct App {
        Daemon *daemon;
        char *id;
        char *name;
        char *version;
        char *dir;
        char *object_path;
        AppState state;
        int exit_code;
        char *exit_reason;
        char *exit_message;
        AppProcess *process;     /* runs the main script; NULL only while opening */
        gboolean script_ended;   /* its process is gone */
        guint settle_timer;      /* a restored app: until it counts as settled */
        sd_bus_slot *slot;
        GList *windows;          /* Window*, not owned */
        GList *change;           /* its entry in daemon->changes, or NULL */
        MenuSet *menus;          /* its Menus (app-menus.c) */
};

struct Window {
        Daemon *daemon;
        guint id;                /* the daemon's: on the bus, for renderers */
        guint app_window_id;     /* the app's (BrowserWindow.id): in its messages */
        char id_text[16];
        App *app;                /* NULL once the app is gone */
        char *object_path;
        sd_bus_slot *slot;

        /* State the daemon owns; the renderer shows it. */
        char *title;
        char *url;
        int x, y, width, height;
        gboolean visible;
        gboolean loading;
        char *preload;
        gboolean context_isolation; /* webPreferences.contextIsolation */
        gboolean node_integration;  /* webPreferences.nodeIntegration */
        gboolean sandbox;           /* webPreferences.sandbox (Electron's default applied) */

        /* State the renderer reports. */
        guint64 xid;
        gboolean focused, maximized, minimized, fullscreen;
        char *state_key;         /* remember bounds under this key, or NULL */
        StoreWindowState saved_state; /* as last written under state_key */
        gboolean state_saved;
        JsonObject *options;     /* window options as last set, for (re)spawning */
        guint parent_id;         /* parent window (same app; the app's id), or 0 */
        guint menu;              /* the app's menu in its menu bar, or 0 (app-menus.c) */
        guint popup;             /* the app's menu open as its popup, or 0 */

        /* The renderer link. */
        Renderer *renderer;
        sd_bus *link;            /* private connection to the renderer */
        sd_bus_slot *host_slot;
        guint link_source;
        gboolean ready;          /* the renderer's window exists */
        GList *calls;            /* WindowCall*: View.Call replies awaited */
        guint n_calls;
        GHashTable *requests;    /* req → WindowRequest*: Invoke/SendSync awaiting the app */
        size_t request_bytes;    /* what the waiting requests hold */
        gboolean page_linked;    /* the page shown has attached its page link (app process's report) */
        gint64 next_request;
        gboolean destroying;
        GList *change;           /* its entry in daemon->changes, or NULL */
};

/* The properties of App and Window objects that change, as model code
 * marks them (changes.c). */
typedef enum {
        APP_PROPERTY_STATE = 1 << 0,
} AppProperty;

typedef enum {
        WINDOW_PROPERTY_TITLE = 1 << 0,
        WINDOW_PROPERTY_URL = 1 << 1,
        WINDOW_PROPERTY_BOUNDS = 1 << 2,
        WINDOW_PROPERTY_VISIBLE = 1 << 3,
        WINDOW_PROPERTY_LOADING = 1 << 4,
        WINDOW_PROPERTY_RENDERER_PID = 1 << 5,
        WINDOW_PROPERTY_PAGE_LINKED = 1 << 6,
} WindowProperty;

/* webContents calls awaiting the renderer's answer, per window. */
#define WINDOW_MAX_CALLS 256

/* changes.c: the bus hears of what model code marks and queues here once
 * the main loop's turn is over, one PropertiesChanged per object with all
 * its changed properties, signals in the order queued. */
void app_mark_changed(App *a, AppProperty properties);
void window_mark_changed(Window *w, WindowProperty properties);
/* AppStarted, AppExited (with the app's exit code, reason and message). */
void changes_queue_app_started(App *a);
void changes_queue_app_exited(App *a);
/* Forgets an object's entry (&a->change, &w->change): from its free. */
void changes_drop(Daemon *d, GList **entry);
/* Sends all that is queued now. */
void changes_flush(Daemon *d);

/* apps.c */
int app_open(Daemon *d, Package *pkg, const char *const *args, App **ret);
/* Sets pkg->id to the id the app in pkg->dir goes by (store.h:
 * store_app_id_for_path()); app_open() does it first. */
int app_id_claim(Daemon *d, Package *pkg);
App *app_find(Daemon *d, const char *id);
int app_quit(App *a);
int app_kill(App *a);
void app_free(App *a);
/* Starts the apps that were running when the previous appd ended
 * abnormally (what the session table still lists). */
void apps_restore_session(Daemon *d);
/* Keep an app process started ahead of the next open, unless
 * $APPD_SPARE_APP_PROCESSES is 0 (app-process.h). */
void apps_spare_enable(Daemon *d);
void app_window_gone(App *a, Window *w);
/* Post a daemon event to an app's script; drops it if the app is gone. */
void app_post_event(App *a, const char *json);
/* IPC from a page of the app's window (the app's id for it); -ESRCH when
 * the app is gone, else as app_process_post_ipc(). */
int app_post_ipc(App *a, guint app_window_id, const char *kind, gint64 req,
                 const char *channel, const void *payload, size_t size);
/* The app's window with the app's id `app_window_id`, or NULL. */
Window *app_window_find(App *a, gint64 app_window_id);

/* app-menus.c: the app's menus (AppHost's menu methods, the
 * AppProcessCallbacks.menu_call of its process) and what its windows show
 * of them. */
int app_menus_call(AppProcess *p, sd_bus_message *m, sd_bus_error *error, gpointer user_data);
/* A new renderer for w: it shows w's menu bar; a popup it had is over. */
void window_menus_renderer_started(Window *w);

/* windows.c */
/* A window for `app`, named `app_window_id` by the app; the daemon gives
 * it an id of its own. */
int window_create(Daemon *d, App *app, guint app_window_id, JsonObject *options,
                  char **ret_error);
Window *window_find(Daemon *d, guint id);
void window_load_url(Window *w, const char *url);
void window_set_title(Window *w, const char *title);
void window_set_visible(Window *w, gboolean visible);
int window_send(Window *w, const char *channel, const void *payload, size_t size);
/* The app process's report: the window's page has attached its page link
 * (or it closed); Window.PageLinked follows. */
void window_set_page_linked(Window *w, gboolean linked);
/* As if the user closed it: the app's script may still refuse (the
 * app's 'close' event); a window without a running script goes at once. */
void window_request_close(Window *w);
void window_destroy(Window *w);
/* Answer a page's ipcRenderer.invoke or sendSync: the main script's result
 * (an ipc-codec frame) when ok, else its error message. */
void window_request_reply(Window *w, gint64 req, gboolean ok, const void *data, size_t size);
/* window-set-bounds, window-set-options, window-set-state, wc-call. */
void window_handle_op(Window *w, const char *op, JsonObject *o);
void window_free(Window *w);
