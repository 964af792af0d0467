/* IPC between pages and main scripts, one self-checking app per area
 * (tests/apps/ipc-*), each run with `appctl open --wait` under Xvfb on a
 * private bus. */
#include <glib.h>

#include "harness.h"

static Harness *h;

static void test_app(gconstpointer name) {
        harness_run_app(h, name, NULL);
}

/* The IPC apps again with renderers that give pages no page link
 * (APPD_NO_PAGE_LINK=1): IPC then goes by WebKit's script messages and
 * requests (docs/ipc.md), which must behave the same. */
static void test_without_page_link(void) {
        static const char *const apps[] = {
                "ipc-basics", "ipc-payloads", "ipc-context-bridge", "ipc-limits", "ipc-order",
                "ipc-after-crash", "node-pages", "remote-module",
        };
        const char *env[] = { "APPD_NO_PAGE_LINK=1", NULL };
        Harness *plain;

        harness_stop(h);
        plain = harness_start_with(RENDERER_BIN, env);
        for (size_t i = 0; i < G_N_ELEMENTS(apps); i++)
                harness_run_app(plain, apps[i], NULL);
        harness_run_app(plain, "ipc-web-origin", (const char *const[]) { "--no-page-link", NULL });
        harness_stop(plain);
        h = harness_start();
}

/* The limits app again, under a daemon configured with a 1 MiB limit: the
 * page, the renderer and the main script all hold to that one. */
static void test_configured_limit(void) {
        const char *env[] = { "APPD_IPC_MAX_MESSAGE=1048576", NULL };
        const char *args[] = { "--limit=1048576", NULL };
        Harness *configured;

        harness_stop(h);
        configured = harness_start_with(RENDERER_BIN, env);
        harness_run_app(configured, "ipc-limits", args);
        harness_stop(configured);
        h = harness_start();
}

int main(int argc, char **argv) {
        static const char *const apps[] = {
                "ipc-basics", "ipc-payloads", "ipc-context-bridge", "ipc-limits", "ipc-order",
                "ipc-web-origin", "ipc-after-crash", "node-pages", "remote-module", "legacy-electron",
        };
        int r;

        g_test_init(&argc, &argv, NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(apps); i++) {
                g_autofree char *path = g_strdup_printf("/ipc/%s", apps[i]);
                g_test_add_data_func(path, apps[i], test_app);
        }
        g_test_add_func("/ipc/configured-limit", test_configured_limit);
        g_test_add_func("/ipc/without-page-link", test_without_page_link);
        h = harness_start();
        r = g_test_run();
        harness_stop(h);
        return r;
}
