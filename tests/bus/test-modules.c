/* The electron module's parts that need no display, each checked from
 * inside by a self-checking test app (tests/apps/<name>/main.js) run on a
 * real daemon: the app exits 0 when every check holds, else 1 with the
 * first failure in the daemon's log. */
#include <glib.h>

#include "harness.h"

static Harness *h;

static void test_app(gconstpointer data) {
        harness_run_app(h, data, NULL);
}

int main(int argc, char **argv) {
        static const char *const apps[] = { "native-image" };
        int r;

        g_test_init(&argc, &argv, NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(apps); i++) {
                g_autofree char *path = g_strdup_printf("/modules/%s", apps[i]);

                g_test_add_data_func(path, apps[i], test_app);
        }
        h = harness_start();
        r = g_test_run();
        harness_stop(h);
        return r;
}
