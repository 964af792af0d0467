/* The private link between appd and an app process: both of its
 * interfaces as protocol/ says, and what appd reports when an app process
 * ends without saying why. */
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

/* appd-app itself, linked to the test as appd would link it. */
static void test_app_process_contract(void) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
        g_autoptr(GSubprocess) child = NULL;
        g_autoptr(GSocket) socket = NULL;
        g_autoptr(GSocketConnection) stream = NULL;
        g_autoptr(GDBusConnection) link = NULL;
        g_autoptr(GVariant) reply = NULL;
        g_autofree char *guid = g_dbus_generate_guid();
        const char *xml;
        int pair[2];

        g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), ==, 0);
        g_subprocess_launcher_take_fd(launcher, pair[1], 3);
        g_subprocess_launcher_setenv(launcher, "APPD_BUS_FD", "3", TRUE);
        child = g_subprocess_launcher_spawn(launcher, &error, APP_PROCESS_BIN, NULL);
        g_assert_no_error(error);

        socket = g_socket_new_from_fd(pair[0], &error);
        g_assert_no_error(error);
        stream = g_socket_connection_factory_create_connection(socket);
        link = g_dbus_connection_new_sync(G_IO_STREAM(stream), guid,
                                          G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_SERVER |
                                          G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_ALLOW_ANONYMOUS,
                                          NULL, NULL, &error);
        g_assert_no_error(error);
        reply = g_dbus_connection_call_sync(link, NULL, "/org/appd/AppProcess",
                                            "org.freedesktop.DBus.Introspectable", "Introspect",
                                            NULL, G_VARIANT_TYPE("(s)"), G_DBUS_CALL_FLAGS_NONE,
                                            5000, NULL, &error);
        g_assert_no_error(error);
        g_variant_get(reply, "(&s)", &xml);
        harness_assert_contract_xml(xml, "org.appd.Appd1.AppProcess");

        /* Without appd on the other end it has nothing to do. */
        g_dbus_connection_close_sync(link, NULL, NULL);
        g_assert_true(g_subprocess_wait(child, NULL, &error));
        g_assert_no_error(error);
        g_assert_false(g_subprocess_get_successful(child));
}

/* appd with a stand-in app process in `mode`; the result of opening
 * exit-code with appctl open --wait. */
static int open_with(const char *mode, const char *dir, char **ret_err, Harness **ret_h) {
        g_autofree char *mode_env = g_strdup_printf("APPD_TEST_APP_MODE=%s", mode);
        g_autofree char *dir_env = g_strdup_printf("APPD_TEST_LOG_DIR=%s", dir);
        g_autofree char *app = harness_app("exit-code");
        /* No spare: each open starts the stand-in for that open. */
        const char *env[] = { "APPD_APP_PROCESS=" FAKE_APP_PROCESS_BIN, "APPD_SPARE_APP_PROCESSES=0",
                              mode_env, dir_env, NULL };

        *ret_h = harness_start_with(RENDERER_BIN, env);
        return harness_appctl(NULL, ret_err, "open", "--wait", app, NULL);
}

static void test_app_host_contract(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("appd-app-link-XXXXXX", &error);
        g_autofree char *path = NULL, *xml = NULL, *err = NULL;
        Harness *h;

        g_assert_no_error(error);
        g_assert_cmpint(open_with("introspect", dir, &err, &h), ==, 0);
        harness_stop(h);
        path = g_build_filename(dir, "app-host.xml", NULL);
        g_assert_true(g_file_get_contents(path, &xml, NULL, &error));
        harness_assert_contract_xml(xml, "org.appd.Appd1.AppHost");
        g_unlink(path);
        g_rmdir(dir);
}

/* Menu calls appd refuses: each is an error event for the app, and appd
 * carries on. */
static void test_menus_refused(void) {
        static const char *const expected[] = {
                "cannot set menu 1: menu 1 has 1001 items",
                "menu 2: an item of unknown type",
                "cannot set menu 3: item 1 of menu 3: no menu 99",
                "cannot set menu 4: menu 4 is its own submenu",
                "cannot set menu 5: item 1 of menu 5: a text is over 1024 bytes",
                "setMenu: no window 7",
                "popup: no window 7",
                "no menu 77 to drop",
        };
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("appd-app-link-XXXXXX", &error);
        g_autofree char *path = NULL, *text = NULL, *err = NULL;
        Harness *h;

        g_assert_no_error(error);
        g_assert_cmpint(open_with("menus", dir, &err, &h), ==, 0);
        harness_stop(h);
        path = g_build_filename(dir, "events.txt", NULL);
        g_assert_true(g_file_get_contents(path, &text, NULL, &error));
        for (gsize i = 0; i < G_N_ELEMENTS(expected); i++)
                if (!strstr(text, expected[i]))
                        g_error("No error \"%s\" among:\n%s", expected[i], text);
        g_unlink(path);
        g_rmdir(dir);
}

static void test_exit_unreported(void) {
        g_autofree char *err = NULL;
        Harness *h;

        g_assert_cmpint(open_with("silent", "/nonexistent", &err, &h), ==, 1);
        harness_stop(h);
        g_assert_nonnull(strstr(err, "exit-code ended: failed"));
        g_assert_nonnull(strstr(err, "exited with status 3 without reporting why"));
}

static void test_link_dropped(void) {
        g_autofree char *err = NULL;
        Harness *h;

        g_assert_cmpint(open_with("close", "/nonexistent", &err, &h), ==, 1);
        harness_stop(h);
        g_assert_nonnull(strstr(err, "exit-code ended: failed"));
        g_assert_nonnull(strstr(err, "closed its link"));
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/app-link/app-process-contract", test_app_process_contract);
        g_test_add_func("/app-link/app-host-contract", test_app_host_contract);
        g_test_add_func("/app-link/exit-unreported", test_exit_unreported);
        g_test_add_func("/app-link/menus-refused", test_menus_refused);
        g_test_add_func("/app-link/link-dropped", test_link_dropped);
        return g_test_run();
}
