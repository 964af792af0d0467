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

/* bw-odd-text again with renderers that give pages no page link
 * (APPD_NO_PAGE_LINK=1): IPC then goes by WebKit's script messages, and
 * only the preload's bridge stands between an odd channel and the bus. */
static void test_odd_text_without_page_link(void) {
        const char *env[] = { "APPD_NO_PAGE_LINK=1", NULL };
        Harness *plain;

        harness_stop(h);
        plain = harness_start_with(RENDERER_BIN, env);
        harness_run_app(plain, "bw-odd-text", NULL);
        harness_stop(plain);
        h = harness_start();
}

static gboolean log_has(gpointer needle) {
        g_autofree char *log = harness_log(h);
        return strstr(log, needle) != NULL;
}

/* Property `prop` of every X window whose class is `klass`, as xprop
 * prints it; in xprop's `format` and `dformat` (as for -f) unless NULL. */
static char *x_window_property(const char *klass, const char *prop, const char *format,
                               const char *dformat) {
        g_autofree char *tree = NULL;
        g_autofree char *needle = g_strdup_printf("(\"%s\" \"%s\")", klass, klass);
        g_auto(GStrv) lines = NULL;
        GString *states = g_string_new(NULL);
        const char *xwininfo[] = { "xwininfo", "-root", "-tree", NULL };

        if (!g_spawn_sync(NULL, (char **) xwininfo, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &tree,
                          NULL, NULL, NULL))
                return g_string_free(states, FALSE);
        lines = g_strsplit(tree, "\n", -1);
        for (char **l = lines; *l; l++) {
                g_auto(GStrv) words = NULL;
                g_autofree char *state = NULL;
                const char *xprop[] = { "xprop", "-id", NULL, prop, NULL, NULL, NULL, NULL, NULL };

                if (!strstr(*l, needle))
                        continue;
                words = g_strsplit(g_strstrip(*l), " ", 2);
                xprop[2] = words[0];
                if (format) {
                        xprop[3] = "-f";
                        xprop[4] = prop;
                        xprop[5] = format;
                        xprop[6] = dformat;
                        xprop[7] = prop;
                }
                if (g_spawn_sync(NULL, (char **) xprop, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 &state, NULL, NULL, NULL))
                        g_string_append(states, state);
        }
        return g_string_free(states, FALSE);
}

static gboolean options_applied(gpointer data) {
        g_autofree char *state = x_window_property("bw-applied", "_NET_WM_STATE", NULL, NULL);
        /* The icon, from a NativeImage: 16×16, each pixel 0xff3366cc. */
        g_autofree char *icon = x_window_property("bw-applied", "_NET_WM_ICON", "32x", " = $0+");

        return strstr(state, "_NET_WM_STATE_ABOVE") && strstr(state, "_NET_WM_STATE_SKIP_TASKBAR") &&
               strstr(icon, "= 0x10, 0x10, 0xff3366cc, 0xff3366cc");
}

/* Setters after construction reach the renderer, not only the getters. */
static void test_options_applied(void) {
        g_autofree char *app = harness_app("bw-applied");

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", app, NULL), ==, 0);
        g_assert_true(harness_wait_for(log_has, "[bw-applied] options set", 10000));
        g_assert_true(harness_wait_for(options_applied, NULL, 5000));
        g_assert_cmpint(harness_appctl(NULL, NULL, "quit", "bw-applied", NULL), ==, 0);
}

int main(int argc, char **argv) {
        static const char *const apps[] = {
                "bw-options", "bw-methods", "bw-state", "bw-close", "bw-webcontents",
                "bw-navigation", "bw-popup", "bw-web-security", "bw-crash", "bw-errors", "bw-extras",
                "bw-odd-text", "bw-csp",
        };
        int r;

        g_test_init(&argc, &argv, NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(apps); i++) {
                g_autofree char *path = g_strdup_printf("/browser-window/%s", apps[i]);
                g_test_add_data_func(path, apps[i], test_app);
        }
        g_test_add_func("/browser-window/state-key-across-restart", test_state_key_across_restart);
        g_test_add_func("/browser-window/website-data-per-app", test_website_data_per_app);
        g_test_add_func("/browser-window/options-applied", test_options_applied);
        g_test_add_func("/browser-window/odd-text-without-page-link", test_odd_text_without_page_link);
        h = harness_start();
        r = g_test_run();
        harness_stop(h);
        return r;
}
