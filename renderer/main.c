/* appd-renderer: shows one BrowserWindow of one app.  Spawned by appd with
 * one end of a socketpair in $APPD_BUS_FD; lives as long as that link.
 *
 * Debug switches (environment, "1" to enable):
 *   APPD_RENDERER_CONSOLE        the page's console output on stdout
 *   APPD_RENDERER_INSPECTOR      allow the Web Inspector
 *   APPD_DISABLE_WEBKIT_SANDBOX  run web content unsandboxed, for systems
 *                                without user namespaces; warns loudly */

#include <errno.h>
#include <fcntl.h>
#include <gtk/gtk.h>
#include <stdlib.h>
#include <string.h>

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "app-window.h"
#include "appd-protocol.h"
#include "bus-string.h"
#include "view-link.h"

typedef struct {
        GMainLoop *loop;
        int exit_status;
} Renderer;

static char *arg_app_id;
static char *arg_app_dir;
static gint64 arg_window_id = -1;
static char *arg_title;
static int arg_width = 800;
static int arg_height = 600;
static int arg_x = G_MININT;
static int arg_y = G_MININT;
static gboolean arg_hidden;
static char *arg_preload;
static gboolean arg_no_context_isolation;
static char *arg_node;
static int arg_ipc_max_message;
static gboolean arg_no_web_security;
static char *arg_data_dir;
static char *arg_cache_dir;
static char *arg_options;

static char log_window_id[32];

/* Text options are read as bytes (G_OPTION_ARG_FILENAME) and checked as
 * UTF-8 after: appd always sends UTF-8, while G_OPTION_ARG_STRING would
 * convert from the locale's charset, which before setlocale() (and under
 * LANG=C) is ASCII, and fail on the first other character. */
static const GOptionEntry option_entries[] = {
        { "app-id", 0, 0, G_OPTION_ARG_FILENAME, &arg_app_id, "Id of the app the window belongs to", "ID" },
        { "app-dir", 0, 0, G_OPTION_ARG_FILENAME, &arg_app_dir, "The app's folder (served as app://)", "DIR" },
        { "window-id", 0, 0, G_OPTION_ARG_INT64, &arg_window_id, "The daemon's id of the window", "N" },
        { "title", 0, 0, G_OPTION_ARG_FILENAME, &arg_title, "Window title", "TITLE" },
        { "width", 0, 0, G_OPTION_ARG_INT, &arg_width, "Width (default 800)", "W" },
        { "height", 0, 0, G_OPTION_ARG_INT, &arg_height, "Height (default 600)", "H" },
        { "x", 0, 0, G_OPTION_ARG_INT, &arg_x, "Left edge (X11 only)", "X" },
        { "y", 0, 0, G_OPTION_ARG_INT, &arg_y, "Top edge (X11 only)", "Y" },
        { "hidden", 0, 0, G_OPTION_ARG_NONE, &arg_hidden, "Do not show the window yet", NULL },
        { "preload", 0, 0, G_OPTION_ARG_FILENAME, &arg_preload, "Preload script", "FILE" },
        { "no-context-isolation", 0, 0, G_OPTION_ARG_NONE, &arg_no_context_isolation,
          "Run the preload in the page's own world (webPreferences.contextIsolation: false)", NULL },
        { "node", 0, 0, G_OPTION_ARG_FILENAME, &arg_node,
          "Where Node reaches: 'page' (webPreferences.nodeIntegration) or 'preload' (sandbox: false)", "WHERE" },
        { "no-web-security", 0, 0, G_OPTION_ARG_NONE, &arg_no_web_security,
          "Let the page reach local files and other origins (webPreferences.webSecurity: false)", NULL },
        { "ipc-max-message", 0, 0, G_OPTION_ARG_INT, &arg_ipc_max_message,
          "Largest IPC message in bytes (default 8 MiB)", "BYTES" },
        { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &arg_data_dir, "Website data of the app", "DIR" },
        { "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &arg_cache_dir, "Website cache of the app", "DIR" },
        { "options", 0, 0, G_OPTION_ARG_FILENAME, &arg_options,
          "Initial window options (JSON object: View.SetOptions keys, center, fullscreen, maximized)", "JSON" },
        { NULL }
};

/* Every record, ours and GTK's and WebKit's, carries the app and window,
 * so `journalctl APPD_APP=…` finds a renderer's lines. */
static GLogWriterOutput log_writer_cb(GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                                      gpointer user_data) {
        GLogField *all = g_newa(GLogField, n_fields + 2);

        memcpy(all, fields, n_fields * sizeof(GLogField));
        all[n_fields] = (GLogField) { "APPD_APP", arg_app_id ? arg_app_id : "", -1 };
        all[n_fields + 1] = (GLogField) { "APPD_WINDOW", log_window_id, -1 };
        return g_log_writer_default(level, all, n_fields + 2, user_data);
}

static gboolean parse_arguments(int *argc, char ***argv, GError **error) {
        g_autoptr(GOptionContext) context = g_option_context_new("- show one appd window");

        g_option_context_add_main_entries(context, option_entries, NULL);
        g_option_context_set_help_enabled(context, TRUE);
        if (!g_option_context_parse(context, argc, argv, error))
                return FALSE;

        const struct {
                const char *name;
                const char *value;
        } texts[] = {
                { "--app-id", arg_app_id }, { "--title", arg_title }, { "--node", arg_node },
                { "--options", arg_options },
        };
        for (size_t i = 0; i < G_N_ELEMENTS(texts); i++)
                if (texts[i].value && !g_utf8_validate(texts[i].value, -1, NULL)) {
                        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s is not UTF-8",
                                    texts[i].name);
                        return FALSE;
                }
        /* As View.SetTitle has it: U+FFFD for what sd-bus refuses, so the
         * window shows what the Title property says. */
        if (arg_title && !bus_string_is_valid(arg_title)) {
                char *title = bus_string_make_valid(arg_title);

                g_free(arg_title);
                arg_title = title;
        }

        if (!arg_app_id || !*arg_app_id) {
                g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--app-id is required");
                return FALSE;
        }
        if (arg_window_id < 0) {
                g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--window-id is required");
                return FALSE;
        }

        const struct {
                const char *name;
                const char *value;
                gboolean required;
        } paths[] = {
                { "--app-dir", arg_app_dir, TRUE },
                { "--data-dir", arg_data_dir, TRUE },
                { "--cache-dir", arg_cache_dir, TRUE },
                { "--preload", arg_preload, FALSE },
        };
        for (size_t i = 0; i < G_N_ELEMENTS(paths); i++) {
                if (!paths[i].value) {
                        if (!paths[i].required)
                                continue;
                        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s is required",
                                    paths[i].name);
                        return FALSE;
                }
                if (!g_path_is_absolute(paths[i].value)) {
                        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                    "%s must be an absolute path, not %s", paths[i].name, paths[i].value);
                        return FALSE;
                }
        }

        if (arg_ipc_max_message != 0 &&
            (arg_ipc_max_message < (int) APPD_IPC_LIMIT_FLOOR || arg_ipc_max_message > (int) APPD_IPC_LIMIT_CEILING)) {
                g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "--ipc-max-message must be from %u to %u bytes", APPD_IPC_LIMIT_FLOOR,
                            APPD_IPC_LIMIT_CEILING);
                return FALSE;
        }
        if (arg_node && !g_str_equal(arg_node, "page") && !g_str_equal(arg_node, "preload")) {
                g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "--node takes 'page' or 'preload', not %s", arg_node);
                return FALSE;
        }

        if (arg_width <= 0 || arg_height <= 0) {
                g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "--width and --height must be positive");
                return FALSE;
        }
        if ((arg_x == G_MININT) != (arg_y == G_MININT)) {
                g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--x and --y go together");
                return FALSE;
        }
        return TRUE;
}

static int bus_fd_take(GError **error) {
        const char *value = g_getenv(APPD_RENDERER_FD_ENV);
        guint64 fd;
        int flags;

        if (!value || !g_ascii_string_to_unsigned(value, 10, 3, G_MAXINT, &fd, NULL)) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                            "$%s must name the fd of the link to appd", APPD_RENDERER_FD_ENV);
                return -1;
        }

        flags = fcntl((int) fd, F_GETFD);
        if (flags < 0) {
                int errsv = errno;
                g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errsv),
                            "$%s=%s: %s", APPD_RENDERER_FD_ENV, value, g_strerror(errsv));
                return -1;
        }

        /* WebKit's helper processes must neither inherit the link nor be
         * told where it was. */
        (void) fcntl((int) fd, F_SETFD, flags | FD_CLOEXEC);
        g_unsetenv(APPD_RENDERER_FD_ENV);
        return (int) fd;
}

static void sandbox_check_env(void) {
        if (g_strcmp0(g_getenv("APPD_DISABLE_WEBKIT_SANDBOX"), "1") != 0)
                return;

        /* The explicit fallback for systems without user namespaces, where
         * WebKit's bubblewrap sandbox cannot start.  Never silent. */
        g_warning("APPD_DISABLE_WEBKIT_SANDBOX=1: web content of %s runs WITHOUT the WebKit sandbox",
                  arg_app_id);
        g_setenv("WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS", "1", TRUE);
}

static char *preload_read(const char *path) {
        g_autoptr(GError) error = NULL;
        g_autofree char *source = NULL;
        gsize size;

        if (!g_file_get_contents(path, &source, &size, &error)) {
                /* As in Electron, a broken preload is the app's bug: log it
                 * and show the page without it. */
                g_warning("Cannot read preload: %s", error->message);
                return NULL;
        }
        if (!g_utf8_validate_len(source, size, NULL)) {
                g_warning("Cannot use preload %s: not UTF-8 text", path);
                return NULL;
        }
        return g_steal_pointer(&source);
}

static gboolean env_is_true(const char *name) {
        return g_strcmp0(g_getenv(name), "1") == 0;
}

static void link_done_cb(ViewLink *link, int exit_status, gpointer user_data) {
        Renderer *renderer = user_data;

        renderer->exit_status = exit_status;
        g_main_loop_quit(renderer->loop);
}

int main(int argc, char *argv[]) {
        g_autoptr(GError) error = NULL;
        g_autoptr(ViewLink) link = NULL;
        g_autoptr(GMainLoop) loop = NULL;
        g_autofree char *preload_source = NULL;
        Renderer renderer = { .exit_status = 1 };
        AppWindowOptions options;
        AppWindow *window;
        int fd;

        g_log_set_writer_func(log_writer_cb, NULL, NULL);

        if (!parse_arguments(&argc, &argv, &error)) {
                g_printerr("appd-renderer: %s\n", error->message);
                return 2;
        }
        g_snprintf(log_window_id, sizeof(log_window_id), "%" G_GINT64_FORMAT, arg_window_id);

        sandbox_check_env();

        fd = bus_fd_take(&error);
        if (fd < 0) {
                g_critical("%s", error->message);
                return 1;
        }

        /* Before GTK starts: the program name becomes the X11 WM_CLASS
         * instance and the Wayland app id, so desktops group per app. */
        g_set_prgname(arg_app_id);
        if (!gtk_init_check()) {
                g_critical("Cannot open a display");
                return 1;
        }
#ifdef GDK_WINDOWING_X11
        GdkDisplay *display = gdk_display_get_default();
        if (GDK_IS_X11_DISPLAY(display))
                gdk_x11_display_set_program_class(display, arg_app_id);
#endif

        if (arg_preload)
                preload_source = preload_read(arg_preload);
        /* nodeIntegration in the page's own world needs the bridge even
         * without a preload of the app's. */
        if (!preload_source && g_strcmp0(arg_node, "page") == 0 && arg_no_context_isolation)
                preload_source = g_strdup("");

        loop = g_main_loop_new(NULL, FALSE);
        renderer.loop = loop;

        link = view_link_new(fd, arg_app_id, link_done_cb, &renderer, &error);
        if (!link) {
                g_critical("%s", error->message);
                return 1;
        }

        options = (AppWindowOptions) {
                .app_id = arg_app_id,
                .app_dir = arg_app_dir,
                .data_dir = arg_data_dir,
                .cache_dir = arg_cache_dir,
                .title = arg_title,
                .width = arg_width,
                .height = arg_height,
                .preload_path = arg_preload,
                .preload_source = preload_source,
                .no_context_isolation = arg_no_context_isolation,
                .node_mode = arg_node,
                .no_web_security = arg_no_web_security,
                .ipc_max_payload = (guint32) arg_ipc_max_message,
                .console_to_stdout = env_is_true("APPD_RENDERER_CONSOLE"),
                .developer_extras = env_is_true("APPD_RENDERER_INSPECTOR"),
        };
        window = app_window_new(&options);
        if (arg_x != G_MININT)
                app_window_set_position(window, arg_x, arg_y);
        /* Before the window is shown, so it appears as asked.  Bad options
         * are the app's mistake: the window still opens, without them. */
        if (arg_options && !app_window_set_options(window, arg_options, strlen(arg_options), &error)) {
                g_warning("Ignoring --options: %s", error->message);
                g_clear_error(&error);
        }

        view_link_set_window(link, window);
        app_window_start(window, arg_hidden);

        g_main_loop_run(loop);

        return renderer.exit_status;
}
