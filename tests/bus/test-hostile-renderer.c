/* A renderer that misbehaves (tests/bus/hostile-renderer.c stands in for
 * appd-renderer) gets named errors, never another window's identity, and
 * cannot make IPC calls waiting for an answer hold more than the bound;
 * its page links answer only IPC, for its own window, and no more than
 * four stay open; the apps of two such windows each hear only their own. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "harness.h"

static char *read_log(const char *dir, guint window) {
        g_autofree char *path = g_strdup_printf("%s/renderer-%u.log", dir, window);
        char *text = NULL;

        g_file_get_contents(path, &text, NULL, NULL);
        return text ? text : g_strdup("");
}

static void assert_line(const char *log, const char *line) {
        if (!strstr(log, line))
                g_error("renderer log lacks '%s':\n%s", line, log);
}

static void test_hostile_renderer(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("appd-hostile-XXXXXX", &error);
        g_autofree char *env_dir = g_strdup_printf("APPD_TEST_LOG_DIR=%s", dir);
        g_autofree char *a = harness_app("ipc-identity-a");
        g_autofree char *b = harness_app("ipc-identity-b");
        const char *env[] = { env_dir, NULL };
        const char *argv_a[] = { APPCTL_BIN, "open", "--wait", a, NULL };
        const char *argv_b[] = { APPCTL_BIN, "open", "--wait", b, NULL };
        g_autoptr(GSubprocess) pa = NULL, pb = NULL;
        Harness *h;

        g_assert_no_error(error);
        h = harness_start_with(HOSTILE_RENDERER_BIN, env);
        pa = g_subprocess_newv(argv_a, G_SUBPROCESS_FLAGS_NONE, &error);
        g_assert_no_error(error);
        pb = g_subprocess_newv(argv_b, G_SUBPROCESS_FLAGS_NONE, &error);
        g_assert_no_error(error);
        g_assert_true(g_subprocess_wait(pa, NULL, &error));
        g_assert_true(g_subprocess_wait(pb, NULL, &error));
        if (g_subprocess_get_exit_status(pa) != 0 || g_subprocess_get_exit_status(pb) != 0) {
                g_autofree char *log = harness_log(h);
                g_printerr("appd log:\n%s\n", log);
        }
        g_assert_cmpint(g_subprocess_get_exit_status(pa), ==, 0);
        g_assert_cmpint(g_subprocess_get_exit_status(pb), ==, 0);

        /* Window ids are 1 and 2, in either order. */
        for (guint id = 1; id <= 2; id++) {
                g_autofree char *log = read_log(dir, id);

                assert_line(log, "ready: ok");
                assert_line(log, "empty-channel: org.freedesktop.DBus.Error.InvalidArgs");
                assert_line(log, "long-channel: org.freedesktop.DBus.Error.InvalidArgs");
                assert_line(log, "oversized: org.appd.Appd1.Error.TooLarge");
                /* Bytes the app cannot decode are its to drop. */
                assert_line(log, "garbage: ok");
                assert_line(log, "hello: ok");
                assert_line(log, "bogus-load-event: org.freedesktop.DBus.Error.InvalidArgs");
                assert_line(log, "state-not-json: org.freedesktop.DBus.Error.InvalidArgs");
                assert_line(log, "unknown-event: org.freedesktop.DBus.Error.InvalidArgs");
                assert_line(log, "menu-not-shown: org.freedesktop.DBus.Error.InvalidArgs");
                assert_line(log, "menu-accelerator-not-shown: org.freedesktop.DBus.Error.InvalidArgs");
                assert_line(log, "popup-closed-unknown: ok");
                assert_line(log, "node-require: [{\"ok\":false,\"error\":{\"name\":\"Error\","
                                 "\"message\":\"Node.js is not available in this page");
                assert_line(log, "remote-window: [{\"ok\":false,\"error\":{\"name\":\"Error\","
                                 "\"message\":\"@electron/remote is disabled for this WebContents");
                assert_line(log, "object-get: [{\"ok\":false,\"error\":{\"name\":\"Error\","
                                 "\"message\":\"Neither Node.js nor the remote module is enabled");
                assert_line(log, "internal-invoke: [{\"ok\":false,\"error\":{\"name\":\"Error\","
                                 "\"message\":\"Malformed request");
                /* What waiting calls hold is bounded at 256 MiB a window,
                 * each counted as its payload, channel and 512 bytes:
                 * 268435456 / (1048584 + 4 + 512) = 255 of 300. */
                assert_line(log, "invokes: 255 answered, 45 too-many, 0 other");
                assert_line(log, "page-link-ready: org.freedesktop.DBus.Error.UnknownMethod");
                assert_line(log, "page-link-hello: ok");
                assert_line(log, "page-link-oldest: closed");
                g_assert_null(strstr(log, "page-link-open:"));
                assert_line(log, "done: ok");
        }
        harness_stop(h);
        harness_remove_tree(dir);
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/hostile/renderer", test_hostile_renderer);
        return g_test_run();
}
