#include "app-window.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <webkit/webkit.h>

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "app-scheme-path.h"
#include "appd-protocol.h"
#include "preload-bridge.h"

#define APP_SCHEME          "app"
#define PRELOAD_WORLD       "appd-preload"
#define IPC_HANDLER         "appdIpc"
#define IPC_MAX_CHANNEL     256

struct _AppWindow {
        GtkWindow parent_instance;

        WebKitWebView *view;
        gboolean has_preload;
        gboolean ready_sent;
        /* WebKit reports FINISHED after a failed load too; the daemon must
         * see either a failure or a finish, not both. */
        gboolean load_failed;
        gboolean have_position;
        int x, y;
};

enum {
        SIGNAL_READY,
        SIGNAL_LOAD_EVENT,
        SIGNAL_LOAD_ERROR,
        SIGNAL_PAGE_TITLE,
        SIGNAL_CLOSE_REQUESTED,
        SIGNAL_IPC_MESSAGE,
        N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(AppWindow, app_window, GTK_TYPE_WINDOW)

/* ---- JavaScript string literals ------------------------------------- */

/* Appends `s` (valid UTF-8, `n` bytes, no NUL) as a double-quoted JS
 * string literal, so text from the daemon can only ever be data. */
static void js_string_append(GString *out, const char *s, size_t n) {
        g_string_append_c(out, '"');
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];

                switch (c) {
                case '"':
                        g_string_append(out, "\\\"");
                        break;
                case '\\':
                        g_string_append(out, "\\\\");
                        break;
                case '\n':
                        g_string_append(out, "\\n");
                        break;
                case '\r':
                        g_string_append(out, "\\r");
                        break;
                default:
                        if (c < 0x20 || c == 0x7f)
                                g_string_append_printf(out, "\\u%04x", c);
                        else if (c == 0xe2 && i + 2 < n && (unsigned char) s[i + 1] == 0x80 &&
                                 ((unsigned char) s[i + 2] == 0xa8 || (unsigned char) s[i + 2] == 0xa9)) {
                                /* U+2028/U+2029 end a line in older JS
                                 * grammars; escaping is always safe. */
                                g_string_append_printf(out, "\\u%04x", 0x2000 + (unsigned char) s[i + 2] - 0x80);
                                i += 2;
                        } else
                                g_string_append_c(out, (char) c);
                }
        }
        g_string_append_c(out, '"');
}

/* ---- app:// --------------------------------------------------------- */

typedef struct {
        char *app_dir;
        char *uri_path;
        char *origin;
} SchemeJob;

typedef struct {
        int fd;
        goffset size;
        char *content_type;
} SchemeFile;

static void scheme_job_free(SchemeJob *job) {
        g_free(job->app_dir);
        g_free(job->uri_path);
        g_free(job->origin);
        g_free(job);
}

static void scheme_file_free(SchemeFile *file) {
        if (file->fd >= 0)
                close(file->fd);
        g_free(file->content_type);
        g_free(file);
}

static char *scheme_content_type(const char *path) {
        /* Module scripts and stylesheets are refused under a wrong type,
         * and shared-mime-info's answers for these vary between systems. */
        static const struct {
                const char *suffix;
                const char *type;
        } table[] = {
                { "html", "text/html" },
                { "htm", "text/html" },
                { "js", "text/javascript" },
                { "mjs", "text/javascript" },
                { "cjs", "text/javascript" },
                { "css", "text/css" },
                { "json", "application/json" },
                { "map", "application/json" },
                { "svg", "image/svg+xml" },
                { "wasm", "application/wasm" },
        };
        g_autofree char *base = g_path_get_basename(path);
        g_autofree char *guess = NULL;
        const char *dot = strrchr(base, '.');
        gboolean uncertain;
        char *mime;

        if (dot)
                for (size_t i = 0; i < G_N_ELEMENTS(table); i++)
                        if (g_ascii_strcasecmp(dot + 1, table[i].suffix) == 0)
                                return g_strdup(table[i].type);

        guess = g_content_type_guess(base, NULL, 0, &uncertain);
        mime = guess ? g_content_type_get_mime_type(guess) : NULL;
        return mime ? mime : g_strdup("application/octet-stream");
}

/* Runs in a worker thread: realpath() and open() touch the disk. */
static void scheme_open_thread(GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable) {
        SchemeJob *job = task_data;
        g_autoptr(GError) error = NULL;
        g_autofree char *path = NULL, *proc = NULL, *opened = NULL;
        SchemeFile *file;
        struct stat st;
        int fd;

        path = app_scheme_resolve(job->app_dir, job->uri_path, &error);
        if (!path) {
                g_task_return_error(task, g_steal_pointer(&error));
                return;
        }

        /* O_NONBLOCK so that a FIFO planted in the app folder cannot park
         * this thread in open(). */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
                int errsv = errno;
                g_task_return_new_error(task, G_IO_ERROR, g_io_error_from_errno(errsv),
                                        "Cannot open %s: %s", path, g_strerror(errsv));
                return;
        }

        file = g_new0(SchemeFile, 1);
        file->fd = fd;

        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                scheme_file_free(file);
                g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                        "%s is not a regular file", path);
                return;
        }

        /* A folder swapped for a symlink between the check and the open
         * would lead elsewhere: the file opened must be the file checked. */
        proc = g_strdup_printf("/proc/self/fd/%d", fd);
        opened = g_file_read_link(proc, NULL);
        if (!opened || strcmp(opened, path) != 0) {
                scheme_file_free(file);
                g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                        "%s changed while being opened", path);
                return;
        }

        file->size = st.st_size;
        file->content_type = scheme_content_type(path);
        g_task_return_pointer(task, file, (GDestroyNotify) scheme_file_free);
}

static void scheme_open_done_cb(GObject *source, GAsyncResult *result, gpointer user_data) {
        g_autoptr(WebKitURISchemeRequest) request = user_data;
        g_autoptr(GError) error = NULL;
        g_autoptr(GInputStream) stream = NULL;
        g_autoptr(WebKitURISchemeResponse) response = NULL;
        SchemeJob *job = g_task_get_task_data(G_TASK(result));
        SchemeFile *file;

        file = g_task_propagate_pointer(G_TASK(result), &error);
        if (!file) {
                g_message("Refusing %s: %s", webkit_uri_scheme_request_get_uri(request), error->message);
                webkit_uri_scheme_request_finish_error(request, error);
                return;
        }

        stream = g_unix_input_stream_new(file->fd, TRUE);
        file->fd = -1;
        response = webkit_uri_scheme_response_new(stream, file->size);
        webkit_uri_scheme_response_set_content_type(response, file->content_type);
        webkit_uri_scheme_response_set_status(response, 200, NULL);
        /* A local scheme's pages count as opaque origins to WebKit's CORS
         * check, so even a page's fetch() of its own files needs the
         * grant.  Only app:// pages get it: every app:// origin in this
         * process is this app, and remote pages may not read its files. */
        if (job->origin && g_str_has_prefix(job->origin, APP_SCHEME "://")) {
                SoupMessageHeaders *headers = soup_message_headers_new(SOUP_MESSAGE_HEADERS_RESPONSE);
                soup_message_headers_append(headers, "Access-Control-Allow-Origin", job->origin);
                webkit_uri_scheme_response_set_http_headers(response, headers);
        }
        webkit_uri_scheme_request_finish_with_response(request, response);
        scheme_file_free(file);
}

static void scheme_request_cb(WebKitURISchemeRequest *request, gpointer user_data) {
        const char *app_dir = user_data;
        g_autoptr(GTask) task = NULL;
        SoupMessageHeaders *headers;
        SchemeJob *job;

        job = g_new0(SchemeJob, 1);
        job->app_dir = g_strdup(app_dir);
        job->uri_path = g_strdup(webkit_uri_scheme_request_get_path(request));
        headers = webkit_uri_scheme_request_get_http_headers(request);
        if (headers)
                job->origin = g_strdup(soup_message_headers_get_one(headers, "Origin"));

        task = g_task_new(NULL, NULL, scheme_open_done_cb, g_object_ref(request));
        g_task_set_source_tag(task, scheme_request_cb);
        g_task_set_task_data(task, job, (GDestroyNotify) scheme_job_free);
        g_task_run_in_thread(task, scheme_open_thread);
}

/* ---- load events ---------------------------------------------------- */

int app_window_net_error_from_gerror(const GError *error) {
        /* Electron's net error codes (net/base/net_error_list.h). */
        enum {
                NET_ERR_FAILED = -2,
                NET_ERR_ABORTED = -3,
                NET_ERR_FILE_NOT_FOUND = -6,
                NET_ERR_ACCESS_DENIED = -10,
                NET_ERR_CONNECTION_REFUSED = -102,
                NET_ERR_NAME_NOT_RESOLVED = -105,
                NET_ERR_TIMED_OUT = -118,
                NET_ERR_INVALID_URL = -300,
                NET_ERR_DISALLOWED_URL_SCHEME = -301,
                NET_ERR_UNSAFE_PORT = -312,
        };

        if (!error)
                return NET_ERR_FAILED;

        if (error->domain == WEBKIT_NETWORK_ERROR) {
                switch (error->code) {
                case WEBKIT_NETWORK_ERROR_CANCELLED:
                        return NET_ERR_ABORTED;
                case WEBKIT_NETWORK_ERROR_FILE_DOES_NOT_EXIST:
                        return NET_ERR_FILE_NOT_FOUND;
                case WEBKIT_NETWORK_ERROR_UNKNOWN_PROTOCOL:
                        return NET_ERR_DISALLOWED_URL_SCHEME;
                default:
                        return NET_ERR_FAILED;
                }
        }

        if (error->domain == WEBKIT_POLICY_ERROR) {
                switch (error->code) {
                case WEBKIT_POLICY_ERROR_FRAME_LOAD_INTERRUPTED_BY_POLICY_CHANGE:
                        return NET_ERR_ABORTED;
                case WEBKIT_POLICY_ERROR_CANNOT_USE_RESTRICTED_PORT:
                        return NET_ERR_UNSAFE_PORT;
                default:
                        return NET_ERR_INVALID_URL;
                }
        }

        /* Errors of the app:// handler and of libsoup keep their GIO
         * domains on the way through WebKit. */
        if (error->domain == G_IO_ERROR) {
                switch (error->code) {
                case G_IO_ERROR_NOT_FOUND:
                case G_IO_ERROR_IS_DIRECTORY:
                case G_IO_ERROR_NOT_DIRECTORY:
                case G_IO_ERROR_INVALID_FILENAME:
                        return NET_ERR_FILE_NOT_FOUND;
                case G_IO_ERROR_PERMISSION_DENIED:
                        return NET_ERR_ACCESS_DENIED;
                case G_IO_ERROR_CANCELLED:
                        return NET_ERR_ABORTED;
                case G_IO_ERROR_HOST_NOT_FOUND:
                        return NET_ERR_NAME_NOT_RESOLVED;
                case G_IO_ERROR_CONNECTION_REFUSED:
                        return NET_ERR_CONNECTION_REFUSED;
                case G_IO_ERROR_TIMED_OUT:
                        return NET_ERR_TIMED_OUT;
                default:
                        return NET_ERR_FAILED;
                }
        }

        if (error->domain == G_RESOLVER_ERROR)
                return NET_ERR_NAME_NOT_RESOLVED;

        return NET_ERR_FAILED;
}

static void view_load_changed_cb(WebKitWebView *view, WebKitLoadEvent load_event, AppWindow *self) {
        const char *event, *uri;

        switch (load_event) {
        case WEBKIT_LOAD_STARTED:
                self->load_failed = FALSE;
                event = "started";
                break;
        case WEBKIT_LOAD_COMMITTED:
                event = "committed";
                break;
        case WEBKIT_LOAD_FINISHED:
                if (self->load_failed)
                        return;
                event = "finished";
                break;
        default:
                return;
        }

        uri = webkit_web_view_get_uri(view);
        g_signal_emit(self, signals[SIGNAL_LOAD_EVENT], 0, event, uri ? uri : "");
}

static gboolean view_load_failed_cb(WebKitWebView *view, WebKitLoadEvent load_event,
                                    const char *failing_uri, GError *error, AppWindow *self) {
        int code = app_window_net_error_from_gerror(error);

        self->load_failed = TRUE;
        g_message("Load of %s failed (%s %d → %d): %s", failing_uri,
                  g_quark_to_string(error->domain), error->code, code, error->message);
        g_signal_emit(self, signals[SIGNAL_LOAD_ERROR], 0, failing_uri ? failing_uri : "", code, error->message);
        /* Handled: like Electron, leave the view as it is instead of
         * showing WebKit's own error page. */
        return TRUE;
}

static void view_title_cb(WebKitWebView *view, GParamSpec *pspec, AppWindow *self) {
        const char *title = webkit_web_view_get_title(view);

        if (title)
                g_signal_emit(self, signals[SIGNAL_PAGE_TITLE], 0, title);
}

/* ---- ipc ------------------------------------------------------------ */

static GBytes *ipc_string_property(JSCValue *message, const char *name) {
        g_autoptr(JSCValue) value = jsc_value_object_get_property(message, name);

        if (!value || !jsc_value_is_string(value))
                return NULL;
        return jsc_value_to_string_as_bytes(value);
}

static void content_ipc_message_cb(WebKitUserContentManager *manager, JSCValue *message, AppWindow *self) {
        g_autoptr(GBytes) channel = NULL, payload = NULL;
        g_autofree char *channel_str = NULL, *payload_str = NULL;
        const char *data;
        gsize size;

        if (!jsc_value_is_object(message)) {
                g_warning("Dropping ipc message: not an object");
                return;
        }

        channel = ipc_string_property(message, "channel");
        payload = ipc_string_property(message, "payload");
        if (!channel || !payload) {
                g_warning("Dropping ipc message: channel and payload must be strings");
                return;
        }

        data = g_bytes_get_data(channel, &size);
        if (size == 0 || size > IPC_MAX_CHANNEL || !g_utf8_validate_len(data, size, NULL)) {
                g_warning("Dropping ipc message: channel must be 1–%d bytes of UTF-8 without NUL",
                          IPC_MAX_CHANNEL);
                return;
        }
        channel_str = g_strndup(data, size);

        data = g_bytes_get_data(payload, &size);
        if (size > APPD_IPC_MAX_PAYLOAD || memchr(data, '\0', size)) {
                g_warning("Dropping ipc message on %s: payload of %zu bytes (at most %u, no NUL)",
                          channel_str, (size_t) size, APPD_IPC_MAX_PAYLOAD);
                return;
        }
        payload_str = g_strndup(data, size);

        g_signal_emit(self, signals[SIGNAL_IPC_MESSAGE], 0, channel_str, payload_str);
}

static void view_dispatch_done_cb(GObject *source, GAsyncResult *result, gpointer user_data) {
        g_autoptr(GError) error = NULL;
        g_autoptr(JSCValue) value = NULL;

        value = webkit_web_view_evaluate_javascript_finish(WEBKIT_WEB_VIEW(source), result, &error);
        if (!value)
                g_message("Could not deliver ipc message to the page: %s", error->message);
}

void app_window_send_ipc(AppWindow *self, const char *channel, const char *payload, size_t size) {
        g_autoptr(GString) script = NULL;

        g_return_if_fail(APP_IS_WINDOW(self));

        if (!self->has_preload) {
                g_debug("No preload: dropping ipc message on %s", channel);
                return;
        }

        if (!g_utf8_validate_len(payload, size, NULL)) {
                g_warning("Dropping ipc message on %s: payload is not UTF-8 text", channel);
                return;
        }

        /* Both go in as string literals; the bridge parses the payload
         * itself, so a malformed payload is a parse error, never code. */
        script = g_string_sized_new(size + strlen(channel) + 64);
        g_string_append(script, "__appdDispatch(");
        js_string_append(script, channel, strlen(channel));
        g_string_append(script, ", ");
        js_string_append(script, payload, size);
        g_string_append(script, ");");

        webkit_web_view_evaluate_javascript(self->view, script->str, (gssize) script->len, PRELOAD_WORLD,
                                            NULL, NULL, view_dispatch_done_cb, NULL);
}

static char *preload_script_build(const char *path, const char *source) {
        g_autofree char *webkit = g_strdup_printf("%u.%u.%u", webkit_get_major_version(),
                                                  webkit_get_minor_version(), webkit_get_micro_version());
        g_autofree char *gtk = g_strdup_printf("%u.%u.%u", gtk_get_major_version(),
                                               gtk_get_minor_version(), gtk_get_micro_version());
        g_autofree char *uri = g_filename_to_uri(path, NULL, NULL);
        GString *s = g_string_new(NULL);

        /* The preload runs in a function of its own, after the bridge, with
         * require and process in scope — a CommonJS module in spirit. */
        g_string_append(s, "(function (__appdBridge) {\n"
                           "(function (require, process) {\ntry {\n");
        g_string_append(s, source);
        g_string_append(s, "\n} catch (e) {\n"
                           "console.error('appd: preload threw:', e);\n"
                           "}\n"
                           "})(__appdBridge.require, __appdBridge.process);\n"
                           "})(");
        g_string_append(s, preload_bridge_js);
        g_string_append(s, "({ appd: ");
        js_string_append(s, APPD_VERSION, strlen(APPD_VERSION));
        g_string_append(s, ", webkit: ");
        js_string_append(s, webkit, strlen(webkit));
        g_string_append(s, ", gtk: ");
        js_string_append(s, gtk, strlen(gtk));
        g_string_append(s, " }));\n");
        if (uri && !strpbrk(uri, "\r\n"))
                g_string_append_printf(s, "//# sourceURL=%s\n", uri);

        return g_string_free(s, FALSE);
}

/* ---- window --------------------------------------------------------- */

static void app_window_realize(GtkWidget *widget) {
        AppWindow *self = APP_WINDOW(widget);
        guint64 xid = 0;

        GTK_WIDGET_CLASS(app_window_parent_class)->realize(widget);

        if (self->ready_sent)
                return;
        self->ready_sent = TRUE;

#ifdef GDK_WINDOWING_X11
        GdkSurface *surface = gtk_native_get_surface(GTK_NATIVE(widget));
        if (surface && GDK_IS_X11_SURFACE(surface))
                xid = gdk_x11_surface_get_xid(surface);
#endif
        g_signal_emit(self, signals[SIGNAL_READY], 0, xid);
}

static void app_window_map(GtkWidget *widget) {
        AppWindow *self = APP_WINDOW(widget);

        GTK_WIDGET_CLASS(app_window_parent_class)->map(widget);

        /* GTK 4 has no API to place a window; on X11 the request can still
         * go to the window manager, elsewhere the compositor decides. */
#ifdef GDK_WINDOWING_X11
        GdkSurface *surface = gtk_native_get_surface(GTK_NATIVE(widget));
        if (self->have_position && surface && GDK_IS_X11_SURFACE(surface)) {
                GdkDisplay *display = gtk_widget_get_display(widget);
                XMoveWindow(gdk_x11_display_get_xdisplay(display),
                            gdk_x11_surface_get_xid(surface), self->x, self->y);
        }
#endif
}

static gboolean app_window_close_request(GtkWindow *window) {
        /* Closing is the daemon's decision (the app may veto it in
         * 'close'); it calls Destroy when the window is to go. */
        g_signal_emit(window, signals[SIGNAL_CLOSE_REQUESTED], 0);
        return TRUE;
}

static void app_window_class_init(AppWindowClass *klass) {
        GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
        GtkWindowClass *window_class = GTK_WINDOW_CLASS(klass);

        widget_class->realize = app_window_realize;
        widget_class->map = app_window_map;
        window_class->close_request = app_window_close_request;

        signals[SIGNAL_READY] = g_signal_new("ready", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
        signals[SIGNAL_LOAD_EVENT] = g_signal_new("load-event", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                                  G_TYPE_STRING, G_TYPE_STRING);
        signals[SIGNAL_LOAD_ERROR] = g_signal_new("load-error", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                                  G_TYPE_STRING, G_TYPE_INT, G_TYPE_STRING);
        signals[SIGNAL_PAGE_TITLE] = g_signal_new("page-title", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
        signals[SIGNAL_CLOSE_REQUESTED] = g_signal_new("close-requested", G_TYPE_FROM_CLASS(klass),
                                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                       G_TYPE_NONE, 0);
        signals[SIGNAL_IPC_MESSAGE] = g_signal_new("ipc-message", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                                   0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                                   G_TYPE_STRING, G_TYPE_STRING);
}

static void app_window_init(AppWindow *self) {
}

AppWindow *app_window_new(const AppWindowOptions *options) {
        g_autoptr(WebKitWebContext) context = NULL;
        g_autoptr(WebKitNetworkSession) session = NULL;
        g_autoptr(WebKitUserContentManager) content = NULL;
        WebKitSecurityManager *security;
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
        webkit_web_context_register_uri_scheme(context, APP_SCHEME, scheme_request_cb,
                                               g_strdup(options->app_dir), g_free);
        security = webkit_web_context_get_security_manager(context);
        webkit_security_manager_register_uri_scheme_as_secure(security, APP_SCHEME);
        webkit_security_manager_register_uri_scheme_as_cors_enabled(security, APP_SCHEME);
        /* Local: remote pages may not load the app's files. */
        webkit_security_manager_register_uri_scheme_as_local(security, APP_SCHEME);

        session = webkit_network_session_new(options->data_dir, options->cache_dir);

        content = webkit_user_content_manager_new();
        if (options->preload_source) {
                g_autofree char *source = preload_script_build(options->preload_path ? options->preload_path : "preload.js",
                                                               options->preload_source);
                g_autoptr(WebKitUserScript) script = NULL;

                script = webkit_user_script_new_for_world(source, WEBKIT_USER_CONTENT_INJECT_TOP_FRAME,
                                                          WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START,
                                                          PRELOAD_WORLD, NULL, NULL);
                webkit_user_content_manager_add_script(content, script);
                /* Registered in the preload's world only: the page's own
                 * scripts see no window.webkit.messageHandlers.appdIpc. */
                if (!webkit_user_content_manager_register_script_message_handler(content, IPC_HANDLER, PRELOAD_WORLD))
                        g_warning("Could not register the %s message handler", IPC_HANDLER);
                g_signal_connect_object(content, "script-message-received::" IPC_HANDLER,
                                        G_CALLBACK(content_ipc_message_cb), self, 0);
                self->has_preload = TRUE;
        }

        self->view = g_object_new(WEBKIT_TYPE_WEB_VIEW,
                                  "web-context", context,
                                  "network-session", session,
                                  "user-content-manager", content,
                                  NULL);

        settings = webkit_web_view_get_settings(self->view);
        webkit_settings_set_enable_write_console_messages_to_stdout(settings, options->console_to_stdout);
        webkit_settings_set_enable_developer_extras(settings, options->developer_extras);

        g_signal_connect_object(self->view, "load-changed", G_CALLBACK(view_load_changed_cb), self, 0);
        g_signal_connect_object(self->view, "load-failed", G_CALLBACK(view_load_failed_cb), self, 0);
        g_signal_connect_object(self->view, "notify::title", G_CALLBACK(view_title_cb), self, 0);

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

        webkit_web_view_load_uri(self->view, url);
}

void app_window_set_visible(AppWindow *self, gboolean visible) {
        g_return_if_fail(APP_IS_WINDOW(self));

        if (visible)
                gtk_window_present(GTK_WINDOW(self));
        else
                gtk_widget_set_visible(GTK_WIDGET(self), FALSE);
}
