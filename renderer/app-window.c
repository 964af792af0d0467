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
 *   window-geometry.c  position, size and state, and their reports
 *   window-options.c   View.SetOptions, and what GTK has no API for
 *   menu-bar.c       the menu bar and its accelerators (menu-model.c)
 *   menu-popup.c     context menus
 */
#include "app-window-private.h"

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

/* ---- window --------------------------------------------------------- */

static void app_window_realize(GtkWidget *widget) {
        AppWindow *self = APP_WINDOW(widget);
        guint64 xid = 0;

        GTK_WIDGET_CLASS(app_window_parent_class)->realize(widget);

        window_geometry_set_surface(self, gtk_native_get_surface(GTK_NATIVE(widget)));
        window_options_sync(self);

        if (self->ready_sent)
                return;
        self->ready_sent = TRUE;

        xid = window_geometry_watch_x11(self);
        g_signal_emit(self, app_window_signals[SIGNAL_READY], 0, xid);
        /* The first report is the whole state, right after Ready. */
        window_geometry_queue_report(self);
}

static void app_window_map(GtkWidget *widget) {
        AppWindow *self = APP_WINDOW(widget);

        GTK_WIDGET_CLASS(app_window_parent_class)->map(widget);

        window_geometry_place(self);
        window_options_sync(self);
        window_geometry_queue_report(self);
}

static void app_window_unmap(GtkWidget *widget) {
        GTK_WIDGET_CLASS(app_window_parent_class)->unmap(widget);
        window_geometry_queue_report(APP_WINDOW(widget));
}

static void app_window_dispose(GObject *object) {
        AppWindow *self = APP_WINDOW(object);

        watchdog_stop(self);
        window_geometry_dispose(self);
        navigation_dispose(self);
        view_call_dispose(self);
        menu_popup_dispose(self);
        menu_bar_dispose(self);
        g_clear_object(&self->content);
        g_clear_object(&self->hints.icon);
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
        GType type = G_TYPE_FROM_CLASS(klass);
        guint *sig = app_window_signals;

        object_class->dispose = app_window_dispose;
        widget_class->realize = app_window_realize;
        widget_class->map = app_window_map;
        widget_class->unmap = app_window_unmap;
        window_class->close_request = app_window_close_request;

        sig[SIGNAL_READY] = g_signal_new("ready", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_UINT64);
        sig[SIGNAL_LOAD_EVENT] = g_signal_new("load-event", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
        sig[SIGNAL_LOAD_ERROR] = g_signal_new("load-error", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_INT, G_TYPE_STRING);
        sig[SIGNAL_PAGE_TITLE] = g_signal_new("page-title", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, G_TYPE_STRING);
        sig[SIGNAL_CLOSE_REQUESTED] = g_signal_new("close-requested", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                                   NULL, G_TYPE_NONE, 0);
        sig[SIGNAL_IPC_MESSAGE] = g_signal_new("ipc-message", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BYTES);
        sig[SIGNAL_IPC_INVOKE] = g_signal_new("ipc-invoke", type, G_SIGNAL_RUN_LAST, 0,
                                              g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 3,
                                              G_TYPE_STRING, G_TYPE_BYTES, G_TYPE_TASK);
        sig[SIGNAL_IPC_SEND_SYNC] = g_signal_new("ipc-send-sync", type, G_SIGNAL_RUN_LAST, 0,
                                                 g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN,
                                                 3, G_TYPE_STRING, G_TYPE_BYTES, G_TYPE_TASK);
        sig[SIGNAL_STATE_CHANGED] = g_signal_new("state-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 1, G_TYPE_STRING);
        sig[SIGNAL_WEB_EVENT] = g_signal_new("web-event", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
        /* The window wants a page link (Host.OpenPageLink) to keep ready
         * for the next web process: app_window_give_page_link(). */
        sig[SIGNAL_PAGE_LINK_WANTED] = g_signal_new("page-link-wanted", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                                    NULL, G_TYPE_NONE, 0);
        sig[SIGNAL_MENU_ACTIVATED] = g_signal_new("menu-activated", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_BOOLEAN);
        sig[SIGNAL_POPUP_CLOSED] = g_signal_new("popup-closed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void app_window_init(AppWindow *self) {
        page_link_init(self);
        view_call_init(self);
        navigation_init(self);
        window_geometry_init(self);
        menu_popup_init(self);
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
        }
        page_extension_load(self, context, options->preload_source != NULL,
                            options->preload_source && !g_getenv("APPD_NO_PAGE_LINK"));
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
        /* Electron's file:// pages may read other local files (an SVG
         * sprite, a JSON file); WebKit makes each file an origin of its
         * own unless told.  Only file:// pages have this. */
        webkit_settings_set_allow_file_access_from_file_urls(settings, TRUE);

        navigation_connect(self);
        page_link_connect(self);
        watchdog_start(self);
        page_events_connect(self);

        /* The menu bar, when the window has one, is above the page, inside
         * the window's size, as in Electron on Linux. */
        gtk_widget_set_vexpand(GTK_WIDGET(self->view), TRUE);
        gtk_box_append(GTK_BOX(menu_bar_init(self)), GTK_WIDGET(self->view));
        gtk_window_set_child(GTK_WINDOW(self), self->menu_bar.box);
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

void app_window_load_url(AppWindow *self, const char *url) {
        g_return_if_fail(APP_IS_WINDOW(self));

        self->nav.api_navigation = TRUE;
        webkit_web_view_load_uri(self->view, url);
}

void app_window_set_visible(AppWindow *self, gboolean visible) {
        g_return_if_fail(APP_IS_WINDOW(self));

        if (visible)
                window_geometry_show(self, WINDOW_SHOW_ACTIVE);
        else
                window_geometry_hide(self);
}
