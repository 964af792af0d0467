/* Notification through Debian's real notification-daemon, started in the
 * test's session (run-in-session.sh --notifications): tests/apps/
 * notification shows one, this test finds its window on the display and
 * clicks it with xdotool, and the app must get `click`, then `close`;
 * close() closes another.  Run with "absent", without a server:
 * isSupported() is false and show() emits `failed`. */
#include <glib.h>
#include <string.h>

#include "harness.h"

static Harness *h;

static gboolean log_has(gpointer data) {
        g_autofree char *log = harness_log(h);
        return strstr(log, data) != NULL;
}

/* The notification's window (notification-daemon's popup), or NULL. */
static char *notification_window(void) {
        const char *argv[] = { "xdotool", "search", "--onlyvisible", "--classname",
                               "notification-daemon", NULL };
        g_autofree char *out = NULL;
        int status = -1;

        if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                          NULL, NULL, &out, NULL, &status, NULL) ||
            !g_spawn_check_wait_status(status, NULL) || !out || !*out)
                return NULL;
        return g_strndup(out, strcspn(out, "\n"));
}

static gboolean window_found(gpointer data) {
        char **ret = data;

        *ret = notification_window();
        return *ret != NULL;
}

static void test_click(void) {
        g_autofree char *app = harness_app("notification");
        g_autofree char *window = NULL;
        g_autoptr(GSubprocess) appctl = NULL;
        g_autoptr(GError) error = NULL;

        appctl = g_subprocess_new(G_SUBPROCESS_FLAGS_NONE, &error, APPCTL_BIN, "open", "--wait",
                                  app, "--", "server", NULL);
        g_assert_no_error(error);
        if (!harness_wait_for(log_has, (gpointer) "notification shown", 30000)) {
                g_autofree char *log = harness_log(h);
                g_error("the notification was not shown:\n%s", log);
        }
        g_assert_true(harness_wait_for(window_found, &window, 10000));
        {
                const char *click[] = { "xdotool", "mousemove", "--window", window, "20", "20",
                                        "click", "1", NULL };
                int status = -1;

                g_assert_true(g_spawn_sync(NULL, (char **) click, NULL, G_SPAWN_SEARCH_PATH, NULL,
                                           NULL, NULL, NULL, &status, &error));
                g_assert_true(g_spawn_check_wait_status(status, NULL));
        }
        g_assert_true(g_subprocess_wait(appctl, NULL, &error));
        if (g_subprocess_get_exit_status(appctl) != 0) {
                g_autofree char *log = harness_log(h);
                g_error("the app failed:\n%s", log);
        }
}

static void test_absent(void) {
        const char *args[] = { "absent", NULL };

        harness_run_app(h, "notification", args);
}

int main(int argc, char **argv) {
        gboolean absent;
        int rc;

        g_test_init(&argc, &argv, NULL);
        absent = argc > 1 && strcmp(argv[1], "absent") == 0;
        h = harness_start();
        if (absent)
                g_test_add_func("/notification/absent", test_absent);
        else
                g_test_add_func("/notification/click", test_click);
        rc = g_test_run();
        harness_stop(h);
        return rc;
}
