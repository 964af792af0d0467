/* The BrowserWindow and webContents API, one self-checking app per area
 * (tests/apps/bw-*), each run to completion with `appctl open --wait`
 * under Xvfb with a window manager on a private bus. */
#include <glib.h>
#include <string.h>

#include "harness.h"

static Harness *h;

static void test_app(gconstpointer name) {
        harness_run_app(h, name, NULL);
}

/* Remembered bounds survive a restart of the daemon: SQLite, not memory. */
static void test_state_key_across_restart(void) {
        const char *save[] = { "save", NULL };
        const char *check[] = { "check", NULL };

        harness_run_app(h, "bw-state-key", save);
        harness_stop(h);
        h = harness_start();
        harness_run_app(h, "bw-state-key", check);
}

/* Two apps on the same origin keep separate website data, and each keeps
 * its own across runs. */
static void test_website_data_per_app(void) {
        const char *write[] = { "write", NULL };
        const char *check[] = { "check", NULL };

        harness_run_app(h, "bw-storage-a", write);
        harness_run_app(h, "bw-storage-b", write);
        harness_run_app(h, "bw-storage-a", check);
        harness_run_app(h, "bw-storage-b", check);
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
        g_test_add_func("/browser-window/website-data-per-app", test_website_data_per_app);
        h = harness_start();
        r = g_test_run();
        harness_stop(h);
        return r;
}
