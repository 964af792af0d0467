/* IPC between pages and main scripts, one self-checking app per area
 * (tests/apps/ipc-*), each run with `appctl open --wait` under Xvfb on a
 * private bus. */
#include <glib.h>

#include "harness.h"

static Harness *h;

static void test_app(gconstpointer name) {
        harness_run_app(h, name, NULL);
}

int main(int argc, char **argv) {
        static const char *const apps[] = {
                "ipc-basics", "ipc-payloads", "ipc-context-bridge", "ipc-limits", "node-pages", "remote-module",
        };
        int r;

        g_test_init(&argc, &argv, NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(apps); i++) {
                g_autofree char *path = g_strdup_printf("/ipc/%s", apps[i]);
                g_test_add_data_func(path, apps[i], test_app);
        }
        h = harness_start();
        r = g_test_run();
        harness_stop(h);
        return r;
}
