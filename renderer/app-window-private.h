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

typedef struct {
        int x, y, width, height;
        gboolean has_position;
        gboolean focused, maximized, minimized, fullscreen, visible;
} WindowState;

struct _AppWindow {
        GtkWindow parent_instance;

        WebKitWebView *view;
        char *committed_uri;     /* the document of the last committed load */
        gboolean unresponsive;
        gint64 ping_sent;        /* watchdog ping awaiting its answer, or 0 */
        guint watchdog_id;
        /* Same-document navigations: the URL a back/forward step asked
         * for and not reached yet (with its time limit), the URLs seen and
         * not yet reported (in order), and the URL the daemon was told
         * last for this document. */
        char *in_page_step;
        guint in_page_step_timeout;
        GQueue in_page_queue;
        guint in_page_idle;
        char *in_page_reported;
        gboolean has_preload;
        /* Page links (web-process/page-extension.c): one kept ready for the
         * next web process that asks, and a web process's request that
         * came before one was. */
        gboolean page_links;
        int spare_link;
        WebKitUserMessage *link_asked;
        guint32 ipc_max_payload;
        /* The world the preload and the IPC handlers live in: "appd-preload",
         * or NULL (the page's) without context isolation. */
        const char *ipc_world;
        /* Proves a sendSync request comes from the preload's world: the
         * page's own scripts never see it.  Hex, per process. */
        char ipc_token[IPC_TOKEN_BYTES * 2 + 1];
        guint invokes;           /* ipcRenderer.invoke() calls awaiting appd */
        GQueue outgoing;         /* Outgoing: page messages on their way to appd, in order */
        gboolean ready_sent;
        /* WebKit reports FINISHED after a failed load too; the daemon must
         * see either a failure or a finish, not both. */
        gboolean load_failed;
        gboolean have_position;
        int x, y;
        gboolean center_on_map;

        /* Options GTK has no API for, applied to the X11 window once it
         * exists and again when GTK rewrites them on map. */
        int min_width, min_height, max_width, max_height;
        gboolean above, skip_taskbar, urgent;
        guint64 parent_xid;
        GdkTexture *icon;

        /* StateChanged: what the daemon was told last. */
        WindowState reported;
        gboolean state_known;
        guint state_idle;
        GdkSurface *surface;
        GdkDisplay *display;
        gulong xevent_handler;

        /* webContents */
        WebKitUserContentManager *content;
        GHashTable *style_sheets;    /* key → WebKitUserStyleSheet */
        guint next_style_sheet;
        GHashTable *held;            /* request → HeldDecision */
        guint next_request;
        /* Set while a navigation the daemon asked for is starting:
         * Electron emits will-navigate only for the page's own. */
        gboolean api_navigation;
        gboolean dev_tools_open;
        gint64 console_second;
        guint console_count;
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
        N_SIGNALS,
};

extern guint app_window_signals[N_SIGNALS];

/* app-scheme.c: app:// serves `app_dir`; IPC requests go to `window`
 * (ipc_request_start()) while it lives. */
void app_scheme_register(WebKitWebContext *context, const char *app_dir, AppWindow *window);
/* Lets a page of this app read the response: app:// origins only. */
void app_scheme_allow_origin(WebKitURISchemeResponse *response, const char *origin);

/* A sendSync or invoke request from the page (app:// under IPC_PATH_PREFIX). */
void ipc_request_start(AppWindow *self, WebKitURISchemeRequest *request);

/* preload.c: the preload's scripts, for a window with options->preload_source. */
void preload_add(AppWindow *self, WebKitUserContentManager *content, const AppWindowOptions *options);
