/* appd: one daemon per user session that supervises every Electron-style
 * app and holds every window.  Each app's main script runs in its own
 * process (appd-app), each window's page in its own renderer; appd runs no
 * JavaScript.  See README.md for the process model. */
#include "daemon.h"

#include <errno.h>
#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include "app-process.h"
#include "appd-protocol.h"
#include "bus.h"
#include "bus-source.h"

#ifndef APPD_RENDERER_PATH
#define APPD_RENDERER_PATH "/usr/libexec/appd/appd-renderer"
#endif
#ifndef APPD_APP_PROGRAM
#define APPD_APP_PROGRAM "/usr/libexec/appd/appd-app"
#endif
#ifndef APPD_DESKTOP_PROGRAM
#define APPD_DESKTOP_PROGRAM "/usr/libexec/appd/appd-desktop"
#endif

/* How long stopping may wait for renderers to go before killing them. */
#define STOP_GRACE_MS 3000

/* A helper program: $env_name when set; in a build tree
 * ../<folder>/<name> beside appd; else where it is installed. */
static char *find_program(const char *env_name, const char *folder, const char *name,
                          const char *installed) {
        const char *env = g_getenv(env_name);
        g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
        g_autofree char *dir = self ? g_path_get_dirname(self) : NULL;
        g_autofree char *sibling = NULL;

        if (env && *env)
                return g_strdup(env);
        if (dir) {
                sibling = g_build_filename(dir, "..", folder, name, NULL);
                if (g_file_test(sibling, G_FILE_TEST_IS_EXECUTABLE))
                        return g_canonicalize_filename(sibling, NULL);
        }
        return g_strdup(installed);
}

/* The IPC size limit: APPD_IPC_MAX_MESSAGE bytes when set, else the
 * default.  A value that is not a number in range stops appd with a
 * message rather than running with a limit nobody asked for. */
static gboolean ipc_limit_init(Daemon *d, GError **error) {
        const char *text = g_getenv(APPD_IPC_LIMIT_ENV);
        guint64 value;

        d->ipc_max_payload = APPD_IPC_MAX_PAYLOAD;
        if (!text || !*text)
                return TRUE;
        if (!g_ascii_string_to_unsigned(text, 10, APPD_IPC_LIMIT_FLOOR, APPD_IPC_LIMIT_CEILING, &value, NULL)) {
                g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "%s must be a number of bytes from %u to %u, not '%s'", APPD_IPC_LIMIT_ENV,
                            APPD_IPC_LIMIT_FLOOR, APPD_IPC_LIMIT_CEILING, text);
                return FALSE;
        }
        d->ipc_max_payload = (guint32) value;
        return TRUE;
}

static void session_bus_closed_cb(sd_bus *bus, int error, gpointer user_data) {
        Daemon *d = user_data;
        g_warning("Lost the session bus: %s", g_strerror(-error));
        d->exit_code = 1;
        d->stopping = TRUE;
        g_main_loop_quit(d->loop);
}

static gboolean stop_timeout_cb(gpointer user_data) {
        Daemon *d = user_data;
        g_warning("Apps did not end in time; stopping anyway");
        g_main_loop_quit(d->loop);
        return G_SOURCE_REMOVE;
}

static gboolean stop_cb(gpointer user_data) {
        Daemon *d = user_data;
        GHashTableIter it;
        gpointer value;

        if (d->stopping)
                return G_SOURCE_CONTINUE;
        g_message("Stopping: ending %u apps", g_hash_table_size(d->apps));
        d->stopping = TRUE;
        g_timeout_add(STOP_GRACE_MS, stop_timeout_cb, d);
        if (g_hash_table_size(d->apps) == 0) {
                g_main_loop_quit(d->loop);
                return G_SOURCE_CONTINUE;
        }
        g_hash_table_iter_init(&it, d->apps);
        while (g_hash_table_iter_next(&it, NULL, &value))
                (void) app_kill(value);
        return G_SOURCE_CONTINUE;
}

static int connect_bus(Daemon *d) {
        g_autoptr(sd_bus) bus = NULL;
        int r;

        r = sd_bus_open_user(&bus);
        if (r < 0) {
                g_printerr("appd: cannot connect to the session bus: %s\n", g_strerror(-r));
                return r;
        }
        d->bus = sd_bus_ref(bus);
        r = bus_manager_export(d);
        if (r < 0) {
                g_printerr("appd: cannot export the manager: %s\n", g_strerror(-r));
                return r;
        }
        /* Synchronous on purpose: the loop has not started, and a second
         * daemon must stop right here with a clear message. */
        r = sd_bus_request_name(bus, APPD_BUS_NAME, 0);
        if (r == -EEXIST) {
                g_printerr("appd: %s is already owned on this session bus: another appd is "
                           "running.\n", APPD_BUS_NAME);
                return r;
        }
        if (r < 0) {
                g_printerr("appd: cannot take %s: %s\n", APPD_BUS_NAME, g_strerror(-r));
                return r;
        }
        bus_source_attach(bus, NULL, session_bus_closed_cb, d);
        return 0;
}

static void daemon_dirs_init(Daemon *d) {
        d->data_dir = g_build_filename(g_get_user_data_dir(), "appd", "webdata", NULL);
        d->cache_dir = g_build_filename(g_get_user_cache_dir(), "appd", NULL);
        d->config_home = g_strdup(g_get_user_config_dir());
}

static int run(int argc, char **argv) {
        g_autofree char *state_dir = NULL;
        gboolean version = FALSE;
        g_autoptr(GOptionContext) ctx = NULL;
        g_autoptr(GError) error = NULL;
        Daemon d = { 0 };
        GOptionEntry entries[] = {
                { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
                { NULL }
        };
        int r;

        ctx = g_option_context_new("- run Electron-style apps in one shared runtime");
        g_option_context_add_main_entries(ctx, entries, NULL);
        if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
                g_printerr("appd: %s\n", error->message);
                return 2;
        }
        if (version) {
                printf("appd %s\n", APPD_VERSION);
                return 0;
        }
        if (!ipc_limit_init(&d, &error)) {
                g_printerr("appd: %s\n", error->message);
                return 2;
        }

        d.loop = g_main_loop_new(NULL, FALSE);
        d.apps = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify) app_free);
        d.windows = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                          (GDestroyNotify) window_free);
        d.renderer_path = find_program("APPD_RENDERER", "renderer", "appd-renderer",
                                       APPD_RENDERER_PATH);
        d.app_process_path = find_program("APPD_APP_PROCESS", "app", "appd-app",
                                          APPD_APP_PROGRAM);
        daemon_dirs_init(&d);
        {
                g_autofree char *desktop = find_program("APPD_DESKTOP", "desktop", "appd-desktop",
                                                        APPD_DESKTOP_PROGRAM);
                bus_app_host_init(&d, desktop);
        }

        state_dir = g_build_filename(g_get_user_state_dir(), "appd", NULL);
        r = store_open(state_dir, &d.store);
        if (r < 0) {
                g_printerr("appd: cannot open the state database in %s: %s\n", state_dir,
                           g_strerror(-r));
                return 1;
        }

        r = connect_bus(&d);
        if (r < 0)
                return 1;

        g_unix_signal_add(SIGTERM, stop_cb, &d);
        g_unix_signal_add(SIGINT, stop_cb, &d);
        g_message("appd %s ready on the session bus as %s (renderer %s, app process %s)",
                  APPD_VERSION, APPD_BUS_NAME, d.renderer_path, d.app_process_path);
        apps_spare_enable(&d);
        apps_restore_session(&d);

        g_main_loop_run(d.loop);
        app_process_spare_disable();
        /* The loop may end before the last AppExited has gone out. */
        changes_flush(&d);

        /* An orderly stop: apps that did not end in time are not restored
         * by the next appd either. */
        (void) store_session_clear(d.store);

        /* Whatever did not end in time is killed: nothing outlives appd. */
        {
                GHashTableIter it;
                gpointer value;

                g_hash_table_iter_init(&it, d.windows);
                while (g_hash_table_iter_next(&it, NULL, &value)) {
                        Window *w = value;
                        if (w->renderer) {
                                renderer_abandon(w->renderer);
                                w->renderer = NULL;
                        }
                }
        }

        g_hash_table_destroy(d.windows);
        g_hash_table_destroy(d.apps);
        /* Stopped with appd; what apps put on the clipboard goes with it. */
        bus_app_host_fini(&d);
        changes_flush(&d);
        d.manager_slot = sd_bus_slot_unref(d.manager_slot);
        sd_bus_flush_close_unref(d.bus);
        store_close(d.store);
        g_main_loop_unref(d.loop);
        g_free(d.renderer_path);
        g_free(d.app_process_path);
        g_free(d.data_dir);
        g_free(d.cache_dir);
        g_free(d.config_home);
        return d.exit_code;
}

int main(int argc, char **argv) {
        setlocale(LC_ALL, "");
        /* A child that dies while we write to its socket must not take the
         * daemon down. */
        signal(SIGPIPE, SIG_IGN);
        return run(argc, argv);
}
