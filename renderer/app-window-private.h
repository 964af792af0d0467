/* The inside of AppWindow, shared by the files that make it up, each one
 * concern of the window (see app-window.c).  Nothing else includes this:
 * the rest of the renderer uses app-window.h. */
#pragma once

#include <json-glib/json-glib.h>
#include <webkit/webkit.h>

#include "app-window.h"

/* Requests under this path are IPC, never the app's files. */
#define IPC_PATH_PREFIX "/__appd/"
#define IPC_TOKEN_BYTES 32
/* Invokes waiting for their answer.  Once sent on, each holds only its
 * reply handle (under 1 KiB), so this bounds their memory to a few MiB;
 * their payloads are bounded by the daemon, in bytes. */
#define IPC_MAX_INVOKES 16384
/* appd's own script world, out of the page's reach. */
#define INTERNAL_WORLD "appd-internal"

/* window-geometry.c */
typedef enum {
        WINDOW_SHOW_NONE,
        WINDOW_SHOW_INACTIVE,   /* mapped without asking for the focus */
        WINDOW_SHOW_ACTIVE,     /* presented: mapped, raised and focused */
} WindowShow;

typedef struct {
        int x, y, width, height;
        gboolean has_position;
        gboolean focused, maximized, minimized, fullscreen, visible;
} WindowState;

typedef struct {
        /* Asked for before the window was mapped. */
        gboolean have_position;
        int x, y;
        gboolean center_on_map;
        /* StateChanged: what the daemon was told last. */
        WindowState reported;
        gboolean state_known;
        guint state_idle;
        GdkSurface *surface;
        GdkDisplay *display;
        gulong xevent_handler;
        /* Hidden, and the window manager has not yet let go of the window:
         * a show waits for it (window_geometry_show). */
        gboolean withdrawing;
        guint withdraw_timeout;
        WindowShow show_pending;
} WindowGeometry;

/* window-options.c: options GTK has no API for, applied to the X11 window
 * once it exists and again when GTK rewrites them on map. */
typedef struct {
        int min_width, min_height, max_width, max_height;
        gboolean above, skip_taskbar, urgent;
        guint64 parent_xid;
        GdkTexture *icon;
} WindowHints;

/* page-ipc.c and ipc-request.c: the page's IPC. */
typedef struct {
        /* The world the preload and the IPC handlers live in: "appd-preload",
         * or NULL (the page's) without context isolation. */
        const char *world;
        gboolean has_preload;
        guint32 max_payload;
        /* Proves a sendSync request comes from the preload's world: the
         * page's own scripts never see it.  Hex, per process. */
        char token[IPC_TOKEN_BYTES * 2 + 1];
        guint invokes;           /* ipcRenderer.invoke() calls awaiting appd */
        GQueue outgoing;         /* Outgoing: page messages on their way to appd, in order */
} PageIpc;

/* page-link.c: one link kept ready for the next web process that asks,
 * and a web process's request that came before one was. */
typedef struct {
        gboolean enabled;
        int spare;
        WebKitUserMessage *asked;
} PageLinks;

/* navigation.c */
typedef struct {
        char *committed_uri;     /* the document of the last committed load */
        /* WebKit reports FINISHED after a failed load too; the daemon must
         * see either a failure or a finish, not both. */
        gboolean load_failed;
        /* Same-document navigations: the URL a back/forward step asked
         * for and not reached yet (with its time limit), the URLs seen and
         * not yet reported (in order), and the URL the daemon was told
         * last for this document. */
        char *in_page_step;
        guint in_page_step_timeout;
        GQueue in_page_queue;
        guint in_page_idle;
        char *in_page_reported;
        GHashTable *held;            /* will-navigate request → HeldDecision */
        guint next_request;
        /* Set while a navigation the daemon asked for is starting:
         * Electron emits will-navigate only for the page's own. */
        gboolean api_navigation;
} Navigation;

/* page-events.c */
typedef struct {
        gboolean dev_tools_open;
        /* The page's console messages in the current second. */
        gint64 console_second;
        guint console_count;
} PageEvents;

/* watchdog.c */
typedef struct {
        gboolean unresponsive;
        gint64 ping_sent;        /* ping awaiting its answer, or 0 */
        guint id;
} Watchdog;

/* view-call.c: insertCSS's style sheets. */
typedef struct {
        GHashTable *sheets;      /* key → WebKitUserStyleSheet */
        guint next_key;
} InsertedCss;

/* menu-model.c: a menu tree as GTK shows it: the root's GMenu and the
 * items' actions, in action group `group`. */
typedef struct {
        const char *group;       /* "bar" or "popup" */
        guint root;
        GMenu *model;            /* NULL: no menu */
        GSimpleActionGroup *actions;
        char *shape;             /* what the model was built from, but enabled and checked */
} MenuModel;

/* menu-bar.c */
typedef struct {
        MenuModel model;
        GtkWidget *box;          /* the window's child: the bar above the view */
        GtkWidget *bar;          /* GtkPopoverMenuBar, or NULL */
        GtkEventController *shortcuts;
        gboolean visible;        /* setMenuBarVisibility */
        gboolean auto_hide;      /* autoHideMenuBar */
        gboolean alt_shown;      /* shown by Alt while auto-hidden */
        gboolean alt_alone;      /* Alt is down and no other key was pressed */
} MenuBar;

/* menu-popup.c */
typedef struct {
        MenuModel model;
        GtkWidget *popover;      /* GtkPopoverMenu, or NULL */
        guint idle;              /* unparents the closed popover */
        double pointer_x, pointer_y;
} MenuPopup;

struct _AppWindow {
        GtkWindow parent_instance;

        WebKitWebView *view;
        WebKitUserContentManager *content;
        gboolean ready_sent;
        WindowGeometry geometry;
        WindowHints hints;
        Navigation nav;
        PageIpc ipc;
        PageLinks links;
        PageEvents events;
        Watchdog watchdog;
        InsertedCss css;
        MenuBar menu_bar;
        MenuPopup popup;
};

enum {
        SIGNAL_READY,
        SIGNAL_LOAD_EVENT,
        SIGNAL_LOAD_ERROR,
        SIGNAL_PAGE_TITLE,
        SIGNAL_CLOSE_REQUESTED,
        SIGNAL_IPC_MESSAGE,
        SIGNAL_IPC_INVOKE,
        SIGNAL_IPC_SEND_SYNC,
        SIGNAL_STATE_CHANGED,
        SIGNAL_WEB_EVENT,
        SIGNAL_PAGE_LINK_WANTED,
        SIGNAL_MENU_ACTIVATED,
        SIGNAL_POPUP_CLOSED,
        N_SIGNALS,
};

extern guint app_window_signals[N_SIGNALS];

/* app-window.c: reports.  The details of a webContents event are a JSON
 * object built by the caller, or NULL for none. */
void web_event_emit(AppWindow *self, const char *name, JsonBuilder *details);
void builder_add_string(JsonBuilder *b, const char *name, const char *value);
void builder_add_bool(JsonBuilder *b, const char *name, gboolean value);
/* Ends the builder's object and returns it as JSON text. */
char *builder_finish(JsonBuilder *builder);

/* app-scheme.c: app:// serves `app_dir`; IPC requests go to `window`
 * (ipc_request_start()) while it lives. */
void app_scheme_register(WebKitWebContext *context, const char *app_dir, AppWindow *window);
/* Lets a page of this app read the response: app:// origins only. */
void app_scheme_allow_origin(WebKitURISchemeResponse *response, const char *origin);

/* preload.c: the preload's scripts, for a window with options->preload_source. */
void preload_add(AppWindow *self, WebKitUserContentManager *content, const AppWindowOptions *options);

/* page-ipc.c */
void page_ipc_init(AppWindow *self, const AppWindowOptions *options);
/* The message handlers, in the preload's world: the window has IPC. */
void page_ipc_attach(AppWindow *self, WebKitUserContentManager *content);
/* A string property of a script message from the page, as bytes; NULL
 * when it is missing or no string. */
GBytes *script_message_string(JSCValue *message, const char *name);
gboolean ipc_channel_check(const char *channel, size_t size, GError **error);

/* The queue to appd: a page message takes its place with outgoing_push()
 * as it arrives (NULL when too many wait) and leaves, in order, once it
 * and all before it are outgoing_ready().  `payload` NULL: the message
 * was refused (and answered) on the way.  An invoke's or sendSync's
 * answer goes to `callback` as a GTask; `holder`, if not NULL, is where
 * the caller keeps the entry until it is ready, set to NULL should the
 * window let go of the queue first (outgoing_abandon()). */
typedef struct Outgoing Outgoing;
Outgoing *outgoing_push(AppWindow *self, guint signal, const char *channel, GAsyncReadyCallback callback,
                        gpointer user_data, Outgoing **holder);
void outgoing_ready(AppWindow *self, Outgoing *o, GBytes *payload);
void outgoing_abandon(AppWindow *self);

/* ipc-request.c: a sendSync or invoke request from the page (app:// under
 * IPC_PATH_PREFIX). */
void ipc_request_start(AppWindow *self, WebKitURISchemeRequest *request);
/* A fresh random token, hex; "" (sendSync off) when there is no
 * randomness to be had. */
void ipc_token_init(char *token);

/* page-link.c */
void page_link_init(AppWindow *self);
/* Web processes load the extension and ask for page links. */
/* The web process extension, in every window; bridge: the preload bridge
 * runs in the page (it gets __appdLink); links: it asks for page links. */
void page_extension_load(AppWindow *self, WebKitWebContext *context, gboolean bridge, gboolean links);
void page_link_connect(AppWindow *self);
void page_link_dispose(AppWindow *self);

/* navigation.c */
void navigation_init(AppWindow *self);
void navigation_connect(AppWindow *self);
void navigation_dispose(AppWindow *self);
/* A back/forward step to `item` (NULL: none) was asked for. */
void navigation_step_begin(AppWindow *self, WebKitBackForwardListItem *item);
/* The main script's answer to will-navigate `request`. */
void navigation_decide(AppWindow *self, guint request, gboolean allow);

/* page-events.c */
void page_events_add_scripts(AppWindow *self, WebKitUserContentManager *content);
void page_events_connect(AppWindow *self);

/* watchdog.c */
void watchdog_start(AppWindow *self);
void watchdog_stop(AppWindow *self);

/* view-call.c */
void view_call_init(AppWindow *self);
void view_call_dispose(AppWindow *self);

/* window-geometry.c */
void window_geometry_init(AppWindow *self);
void window_geometry_dispose(AppWindow *self);
/* The window's surface, whose changes are reported. */
void window_geometry_set_surface(AppWindow *self, GdkSurface *surface);
/* Positions come from ConfigureNotify: watches them; the X11 window's id,
 * or 0 when not on X11. */
guint64 window_geometry_watch_x11(AppWindow *self);
/* The window was mapped: where it was asked to be. */
void window_geometry_place(AppWindow *self);
/* A StateChanged report at the end of this main loop iteration. */
void window_geometry_queue_report(AppWindow *self);
/* Show and hide: every map and unmap of the window goes through these. */
void window_geometry_show(AppWindow *self, WindowShow how);
void window_geometry_hide(AppWindow *self);

/* window-options.c */
void window_options_sync(AppWindow *self);
/* Within the minimum and maximum size options. */
void window_size_clamp(AppWindow *self, int *width, int *height);

/* menu-model.c: builds or updates mm from the daemon's entries (MenuEntry
 * of the tree under root, 0: none); TRUE when the model was rebuilt, FALSE
 * when only the actions' enabled flags and states changed. */
gboolean menu_model_update(MenuModel *mm, AppWindow *self, guint root, GPtrArray *entries);
void menu_model_clear(MenuModel *mm);

/* menu-bar.c: the box the window shows (menu bar, then what is added). */
GtkWidget *menu_bar_init(AppWindow *self);
void menu_bar_dispose(AppWindow *self);
void menu_bar_set_auto_hide(AppWindow *self, gboolean auto_hide);
void menu_bar_set_visible(AppWindow *self, gboolean visible);

/* menu-popup.c */
void menu_popup_init(AppWindow *self);
void menu_popup_dispose(AppWindow *self);
