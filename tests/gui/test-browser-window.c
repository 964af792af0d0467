/* The BrowserWindow and webContents API, one self-checking app per area
 * (tests/apps/bw-*), each run to completion with `appctl open --wait`
 * under Xvfb with a window manager on a private bus. */
#include <glib.h>
#include <string.h>

#include "harness.h"

static Harness *h;

static void run_app(const char *name, const char *const *args) {
        g_autofree char *app = harness_app(name);
        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        g_autofree char *err = NULL;
        int rc;

        g_ptr_array_add(argv, (gpointer) "open");
        g_ptr_array_add(argv, (gpointer) "--wait");
        g_ptr_array_add(argv, app);
        if (args) {
                g_ptr_array_add(argv, (gpointer) "--");
                for (const char *const *a = args; *a; a++)
                        g_ptr_array_add(argv, (gpointer) *a);
        }
        g_ptr_array_add(argv, NULL);
        rc = harness_appctlv(NULL, &err, (const char *const *) argv->pdata);
        /* Failing the case, not aborting: every app runs and reports. */
        if (rc != 0) {
                g_autofree char *log = harness_log(h);
                g_printerr("%s exited %d\nappctl: %s\nappd log:\n%s\n", name, rc, err, log);
                g_test_fail_printf("%s exited %d: %s", name, rc, err);
        }
}

static void test_app(gconstpointer name) {
        run_app(name, NULL);
}

/* Remembered bounds survive a restart of the daemon: SQLite, not memory. */
static void test_state_key_across_restart(void) {
        const char *save[] = { "save", NULL };
        const char *check[] = { "check", NULL };

        run_app("bw-state-key", save);
        harness_stop(h);
        h = harness_start();
        run_app("bw-state-key", check);
}

int main(int argc, char **argv) {
        static const char *const apps[] = {
                "bw-options", "bw-methods", "bw-state", "bw-close", "bw-webcontents",
                "bw-navigation", "bw-crash", "bw-errors", "bw-extras",
        };
        int r;

        g_test_init(&argc, &argv, NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(apps); i++) {
                g_autofree char *path = g_strdup_printf("/browser-window/%s", apps[i]);
                g_test_add_data_func(path, apps[i], test_app);
        }
        g_test_add_func("/browser-window/state-key-across-restart", test_state_key_across_restart);
        h = harness_start();
        r = g_test_run();
        harness_stop(h);
        return r;
}
