/* Menu and MenuItem (tests/apps/menu-*): self-checking apps under Xvfb
 * with a window manager, keys pressed with xdotool. */
#include <glib.h>

#include "harness.h"

static Harness *h;

static void test_app(gconstpointer name) {
        harness_run_app(h, name, NULL);
}

int main(int argc, char **argv) {
        static const char *const apps[] = { "menu-basic", "menu-roles" };
        int r;

        g_test_init(&argc, &argv, NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(apps); i++) {
                g_autofree char *path = g_strdup_printf("/menu/%s", apps[i]);
                g_test_add_data_func(path, apps[i], test_app);
        }
        h = harness_start();
        r = g_test_run();
        harness_stop(h);
        return r;
}
