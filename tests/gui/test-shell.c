/* shell.openExternal, showItemInFolder, openPath and trashItem, through
 * the desktop's real services: with xdg-desktop-portal and its gtk backend
 * (D-Bus activated in the test's session), and, run with "fallback" under
 * a bus that activates nothing (run-in-session.sh --no-activation), through
 * xdg-open.  Either way the URL reaches the handler for its scheme, a
 * .desktop file the test installs in its private XDG_DATA_HOME (a script
 * that writes what it was given to a file), and the folder of an item
 * reaches the handler for folders.  tests/apps/shell checks the rest
 * (bad input, the trash). */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "harness.h"

static Harness *h;
static char *work;
static gboolean fallback;

static void write_file(const char *path, const char *text, int mode) {
        g_autoptr(GError) error = NULL;

        g_assert_true(g_file_set_contents(path, text, -1, &error));
        g_assert_cmpint(g_chmod(path, mode), ==, 0);
}

/* A handler named `name` for `mime`: writes its argument to work/name. */
static void install_handler(const char *name, const char *mime, const char *field) {
        g_autofree char *apps = g_build_filename(g_get_user_data_dir(), "applications", NULL);
        g_autofree char *script = g_build_filename(work, name, NULL);
        g_autofree char *script_path = g_strconcat(script, ".sh", NULL);
        g_autofree char *script_text = g_strdup_printf(
                "#!/bin/sh\nprintf '%%s' \"$1\" > '%s.tmp' && mv '%s.tmp' '%s'\n", script, script,
                script);
        g_autofree char *desktop = g_strdup_printf("%s/%s.desktop", apps, name);
        g_autofree char *desktop_text = g_strdup_printf(
                "[Desktop Entry]\nType=Application\nName=%s\nExec=%s %s\nMimeType=%s;\n"
                "NoDisplay=true\n", name, script_path, field, mime);

        g_assert_cmpint(g_mkdir_with_parents(apps, 0700), ==, 0);
        write_file(script_path, script_text, 0700);
        write_file(desktop, desktop_text, 0600);
}

static gboolean file_exists(gpointer data) {
        return g_file_test(data, G_FILE_TEST_EXISTS);
}

/* What handler `name` was given, waiting for it to run. */
static char *handler_got(const char *name) {
        g_autofree char *path = g_build_filename(work, name, NULL);
        char *text = NULL;

        if (!harness_wait_for(file_exists, path, 30000)) {
                g_autofree char *log = harness_log(h);
                g_error("handler %s never ran; appd log:\n%s", name, log);
        }
        g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
        return text;
}

static void test_shell(void) {
        const char *args[] = { work, NULL };
        g_autofree char *url = NULL, *folder = NULL, *want_folder = NULL, *log = NULL;

        harness_run_app(h, "shell", args);
        url = handler_got("url-handler");
        g_assert_cmpstr(url, ==, "appd-test:hello/world?x=1#frag");
        folder = handler_got("folder-handler");
        want_folder = g_build_filename(work, "shown", NULL);
        /* The portal passes a file: URI, xdg-open the path. */
        if (g_str_has_prefix(folder, "file://")) {
                g_autofree char *path = g_filename_from_uri(folder, NULL, NULL);
                g_assert_cmpstr(path, ==, want_folder);
        } else {
                g_assert_cmpstr(folder, ==, want_folder);
        }
        /* Said in the app's log exactly when xdg-open stood in. */
        log = harness_log(h);
        g_assert_true((strstr(log, "shell.openExternal: no desktop portal") != NULL) == fallback);
}

int main(int argc, char **argv) {
        g_autofree char *mimeapps = NULL;
        g_autoptr(GError) error = NULL;
        int rc;

        g_test_init(&argc, &argv, NULL);
        fallback = argc > 1 && strcmp(argv[1], "fallback") == 0;
        work = g_dir_make_tmp("appd-shell-XXXXXX", &error);
        g_assert_no_error(error);
        install_handler("url-handler", "x-scheme-handler/appd-test", "%u");
        install_handler("folder-handler", "inode/directory", "%f");
        /* As a package install would: GIO finds handlers by this index. */
        {
                g_autofree char *apps = g_build_filename(g_get_user_data_dir(), "applications", NULL);
                const char *update[] = { "update-desktop-database", apps, NULL };
                int status = -1;

                g_assert_true(g_spawn_sync(NULL, (char **) update, NULL, G_SPAWN_SEARCH_PATH, NULL,
                                           NULL, NULL, NULL, &status, &error));
                g_assert_true(g_spawn_check_wait_status(status, NULL));
        }
        /* xdg-open without a desktop reads the defaults from here. */
        mimeapps = g_build_filename(g_get_user_config_dir(), "mimeapps.list", NULL);
        g_assert_cmpint(g_mkdir_with_parents(g_get_user_config_dir(), 0700), ==, 0);
        write_file(mimeapps,
                   "[Default Applications]\nx-scheme-handler/appd-test=url-handler.desktop\n"
                   "inode/directory=folder-handler.desktop\n", 0600);

        h = harness_start();
        g_test_add_func(fallback ? "/shell/xdg-open" : "/shell/portal", test_shell);
        rc = g_test_run();
        harness_stop(h);
        harness_remove_tree(work);
        g_free(work);
        return rc;
}
