/* app://: the app's folder as a URL scheme, in this process's one web
 * context.  Requests under IPC_PATH_PREFIX are the page's sendSync and
 * invoke (ipc-request.c), never files. */
#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app-scheme-path.h"
#include "app-window-private.h"

#define APP_SCHEME "app"

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

void app_scheme_allow_origin(WebKitURISchemeResponse *response, const char *origin) {
        SoupMessageHeaders *headers;

        /* A local scheme's pages count as opaque origins to WebKit's CORS
         * check, so even a page's fetch() of its own files needs the
         * grant.  Only app:// pages get it: every app:// origin in this
         * process is this app, and remote pages may not read its files. */
        if (!origin || !g_str_has_prefix(origin, APP_SCHEME "://"))
                return;
        headers = soup_message_headers_new(SOUP_MESSAGE_HEADERS_RESPONSE);
        soup_message_headers_append(headers, "Access-Control-Allow-Origin", origin);
        webkit_uri_scheme_response_set_http_headers(response, headers);
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
        app_scheme_allow_origin(response, job->origin);
        webkit_uri_scheme_request_finish_with_response(request, response);
        scheme_file_free(file);
}

/* What the app:// handler needs; the window goes before the web context
 * that calls the handler may. */
typedef struct {
        char *app_dir;
        GWeakRef window;
} SchemeHandler;

static void scheme_handler_free(SchemeHandler *handler) {
        g_free(handler->app_dir);
        g_weak_ref_clear(&handler->window);
        g_free(handler);
}

static void scheme_request_cb(WebKitURISchemeRequest *request, gpointer user_data) {
        SchemeHandler *handler = user_data;
        g_autoptr(GTask) task = NULL;
        SoupMessageHeaders *headers;
        SchemeJob *job;
        const char *path = webkit_uri_scheme_request_get_path(request);

        if (path && g_str_has_prefix(path, IPC_PATH_PREFIX)) {
                g_autoptr(AppWindow) window = g_weak_ref_get(&handler->window);
                g_autoptr(GError) error = g_error_new(G_IO_ERROR, G_IO_ERROR_CLOSED, "The window is gone");

                if (window)
                        ipc_request_start(window, request);
                else
                        webkit_uri_scheme_request_finish_error(request, error);
                return;
        }

        job = g_new0(SchemeJob, 1);
        job->app_dir = g_strdup(handler->app_dir);
        job->uri_path = g_strdup(path);
        headers = webkit_uri_scheme_request_get_http_headers(request);
        if (headers)
                job->origin = g_strdup(soup_message_headers_get_one(headers, "Origin"));

        task = g_task_new(NULL, NULL, scheme_open_done_cb, g_object_ref(request));
        g_task_set_source_tag(task, scheme_request_cb);
        g_task_set_task_data(task, job, (GDestroyNotify) scheme_job_free);
        g_task_run_in_thread(task, scheme_open_thread);
}

void app_scheme_register(WebKitWebContext *context, const char *app_dir, AppWindow *window) {
        SchemeHandler *handler = g_new0(SchemeHandler, 1);
        WebKitSecurityManager *security = webkit_web_context_get_security_manager(context);

        handler->app_dir = g_strdup(app_dir);
        g_weak_ref_init(&handler->window, window);
        webkit_web_context_register_uri_scheme(context, APP_SCHEME, scheme_request_cb,
                                               handler, (GDestroyNotify) scheme_handler_free);
        webkit_security_manager_register_uri_scheme_as_secure(security, APP_SCHEME);
        webkit_security_manager_register_uri_scheme_as_cors_enabled(security, APP_SCHEME);
        /* Only app:// pages may show the app's files, remote ones may not.
         * Local would do that too, but also let app:// pages load file://
         * ones (and so learn which files exist): Electron refuses local
         * files to pages not from file:// unless webSecurity is off
         * (disable-web-security, in app_window_new()). */
        webkit_security_manager_register_uri_scheme_as_display_isolated(security, APP_SCHEME);
}
