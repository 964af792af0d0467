/* Stands in for appd-app (APPD_APP_PROCESS) to test appd's side of the
 * link.  $APPD_TEST_APP_MODE says what it does:
 *   introspect  writes the introspection of /org/appd/AppHost to
 *               $APPD_TEST_LOG_DIR/app-host.xml, reports exit 0, exits
 *   silent      exits with status 3 without a word
 *   close       closes its link and lives on */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <systemd/sd-bus.h>

#include "appd-protocol.h"

static int introspect(sd_bus *bus, const char *dir) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL, *m = NULL;
        g_autofree char *path = g_strdup_printf("%s/app-host.xml", dir);
        const char *xml;
        int r;

        r = sd_bus_call_method(bus, NULL, APPD_APP_HOST_PATH, "org.freedesktop.DBus.Introspectable",
                               "Introspect", &error, &reply, "");
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &xml);
        if (r < 0 || !g_file_set_contents(path, xml, -1, NULL))
                return 1;
        r = sd_bus_message_new_method_call(bus, &m, NULL, APPD_APP_HOST_PATH, APPD_APP_HOST_IFACE,
                                           "Exited");
        if (r >= 0)
                r = sd_bus_message_set_expect_reply(m, 0);
        if (r >= 0)
                r = sd_bus_message_append(m, "iss", 0, "exit", "");
        if (r >= 0)
                r = sd_bus_send(bus, m, NULL);
        if (r >= 0)
                r = sd_bus_flush(bus);
        sd_bus_message_unref(m);
        sd_bus_message_unref(reply);
        sd_bus_error_free(&error);
        return r < 0;
}

int main(int argc, char **argv) {
        const char *fd_env = g_getenv(APPD_RENDERER_FD_ENV);
        const char *mode = g_getenv("APPD_TEST_APP_MODE");
        const char *dir = g_getenv("APPD_TEST_LOG_DIR");
        sd_bus *bus = NULL;
        int r;

        if (!fd_env || !mode)
                return 2;
        if (g_str_equal(mode, "silent"))
                return 3;
        if (g_str_equal(mode, "close")) {
                close(atoi(fd_env));
                pause();
                return 0;
        }
        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_fd(bus, atoi(fd_env), atoi(fd_env));
        if (r >= 0)
                r = sd_bus_set_anonymous(bus, 1);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0 || !dir)
                return 2;
        r = introspect(bus, dir);
        sd_bus_flush_close_unref(bus);
        return r;
}
