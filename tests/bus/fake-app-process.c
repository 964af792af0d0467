/* Stands in for appd-app (APPD_APP_PROCESS) to test appd's side of the
 * link.  $APPD_TEST_APP_MODE says what it does:
 *   introspect  writes the introspection of /org/appd/AppHost to
 *               $APPD_TEST_LOG_DIR/app-host.xml, reports exit 0, exits
 *   silent      exits with status 3 without a word
 *   close       closes its link and lives on
 *   menus       makes menu calls appd must refuse, writes the error events
 *               appd posts back to $APPD_TEST_LOG_DIR/events.txt, one a
 *               line, reports exit 0, exits
 *   desktop     makes bad clipboard calls and more than may wait at once
 *               (tests/gui/test-desktop.c holds the clipboard so that
 *               reads wait), writes how appd answered to
 *               $APPD_TEST_LOG_DIR/desktop.txt, reports exit 0, exits */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <systemd/sd-bus.h>

#include "appd-protocol.h"

static int report_exit(sd_bus *bus);

static int introspect(sd_bus *bus, const char *dir) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        g_autofree char *path = g_strdup_printf("%s/app-host.xml", dir);
        const char *xml;
        int r;

        r = sd_bus_call_method(bus, NULL, APPD_APP_HOST_PATH, "org.freedesktop.DBus.Introspectable",
                               "Introspect", &error, &reply, "");
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &xml);
        if (r < 0 || !g_file_set_contents(path, xml, -1, NULL))
                return 1;
        sd_bus_message_unref(reply);
        sd_bus_error_free(&error);
        return report_exit(bus);
}

/* The error name of AppHost.member(selection, format), or "ok". */
static const char *read_error(sd_bus *bus, const char *selection, const char *format,
                              char **buf) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_call_method(bus, NULL, APPD_APP_HOST_PATH, APPD_APP_HOST_IFACE, "ClipboardRead",
                               &error, &reply, "ss", selection, format);
        *buf = g_strdup(r >= 0 ? "ok" : error.name ? error.name : "?");
        sd_bus_error_free(&error);
        sd_bus_message_unref(reply);
        return *buf;
}

static int too_many_cb(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        int *counts = userdata;

        counts[0]++;
        if (sd_bus_message_is_method_error(m, APPD_ERROR_TOO_MANY))
                counts[1]++;
        return 0;
}

static int desktop_calls(sd_bus *bus, const char *dir) {
        g_autofree char *path = g_strdup_printf("%s/desktop.txt", dir);
        g_autofree char *bogus = NULL, *format = NULL, *items = NULL;
        g_autoptr(GString) out = g_string_new(NULL);
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL, *reply = NULL;
        int counts[2] = { 0, 0 }; /* answers, TooMany among them */
        gint64 end;
        int r;

        g_string_append_printf(out, "bogus %s\n", read_error(bus, "bogus", "text/plain", &bogus));
        g_string_append_printf(out, "format %s\n", read_error(bus, "clipboard", "x", &format));
        r = sd_bus_message_new_method_call(bus, &m, NULL, APPD_APP_HOST_PATH, APPD_APP_HOST_IFACE,
                                           "ClipboardWrite");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", "clipboard");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(say)");
        for (int i = 0; r >= 0 && i <= APPD_CLIPBOARD_MAX_ITEMS; i++)
                r = sd_bus_message_append(m, "(say)", "text/x-item", 1, "x");
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_call(bus, m, 0, &error, &reply);
        g_string_append_printf(out, "items %s\n", r >= 0 ? "ok" : error.name);
        sd_bus_error_free(&error);
        sd_bus_message_unref(reply);
        sd_bus_message_unref(m);

        /* More reads than may wait: the clipboard's owner does not answer,
         * so the first ones wait and the rest are refused at once. */
        for (int i = 0; i < APPD_DESKTOP_MAX_WAITING + 4; i++)
                if (sd_bus_call_method_async(bus, NULL, NULL, APPD_APP_HOST_PATH, APPD_APP_HOST_IFACE,
                                             "ClipboardRead", too_many_cb, counts, "ss",
                                             "clipboard", "text/plain") < 0)
                        return 1;
        end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
        while (counts[0] < 4 && g_get_monotonic_time() < end) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return 1;
                if (r == 0)
                        sd_bus_wait(bus, 100 * 1000);
        }
        g_string_append_printf(out, "answered %d too-many %d\n", counts[0], counts[1]);
        return g_file_set_contents(path, out->str, -1, NULL) ? 0 : 1;
}

static int report_exit(sd_bus *bus) {
        sd_bus_message *m = NULL;
        int r;

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
        return r < 0;
}

static GString *events;

static int method_post(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *json;
        int r = sd_bus_message_read(m, "s", &json);

        if (r < 0)
                return r;
        g_string_append_printf(events, "%s\n", json);
        return sd_bus_reply_method_return(m, NULL);
}

static const sd_bus_vtable fake_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Post", "s", "", method_post, 0),
        SD_BUS_VTABLE_END,
};

/* SetMenu(menu, n items); type and submenu of each as given; label of
 * label_size bytes. */
static int set_menu(sd_bus *bus, guint menu, guint n, const char *type, guint submenu,
                    gsize label_size) {
        g_autofree char *label = g_strnfill(label_size, 'a');
        sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, NULL, APPD_APP_HOST_PATH, APPD_APP_HOST_IFACE,
                                           "SetMenu");
        if (r >= 0)
                r = sd_bus_message_append(m, "u", menu);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(usssssbbbbu)");
        for (guint i = 1; r >= 0 && i <= n; i++)
                r = sd_bus_message_append(m, "(usssssbbbbu)", i, type, label, "", "", "", 1, 1, 0,
                                          1, submenu);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_send(bus, m, NULL);
        sd_bus_message_unref(m);
        return r;
}

static int menus(sd_bus *bus, const char *dir) {
        g_autofree char *path = g_strdup_printf("%s/events.txt", dir);
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        int r;

        events = g_string_new(NULL);
        r = sd_bus_add_object_vtable(bus, NULL, APPD_APP_PROCESS_PATH, APPD_APP_PROCESS_IFACE,
                                     fake_vtable, NULL);
        if (r >= 0) r = set_menu(bus, 1, 1001, "normal", 0, 1);
        if (r >= 0) r = set_menu(bus, 2, 1, "bogus", 0, 1);
        if (r >= 0) r = set_menu(bus, 3, 1, "submenu", 99, 1);
        if (r >= 0) r = set_menu(bus, 4, 1, "normal", 0, 1);
        if (r >= 0) r = set_menu(bus, 4, 1, "submenu", 4, 1);
        if (r >= 0) r = set_menu(bus, 5, 1, "normal", 0, 2000);
        if (r >= 0)
                r = sd_bus_call_method(bus, NULL, APPD_APP_HOST_PATH, APPD_APP_HOST_IFACE,
                                       "SetWindowMenu", &error, NULL, "uu", 7, 4);
        if (r >= 0)
                r = sd_bus_call_method(bus, NULL, APPD_APP_HOST_PATH, APPD_APP_HOST_IFACE,
                                       "PopupMenu", &error, NULL, "uuiii", 7, 4, -1, -1, -1);
        if (r >= 0)
                r = sd_bus_call_method(bus, NULL, APPD_APP_HOST_PATH, APPD_APP_HOST_IFACE,
                                       "DropMenu", &error, NULL, "u", 77);
        /* The Posts came before this reply: take them. */
        if (r >= 0)
                r = sd_bus_call_method(bus, NULL, APPD_APP_HOST_PATH,
                                       "org.freedesktop.DBus.Peer", "Ping", &error, &reply, "");
        while (r >= 0 && (r = sd_bus_process(bus, NULL)) > 0)
                ;
        if (r >= 0 && !g_file_set_contents(path, events->str, -1, NULL))
                r = -EIO;
        sd_bus_message_unref(reply);
        sd_bus_error_free(&error);
        if (r < 0)
                return 1;
        r = sd_bus_call_method(bus, NULL, APPD_APP_HOST_PATH, APPD_APP_HOST_IFACE, "Exited", NULL,
                               NULL, "iss", 0, "exit", "");
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
        if (g_str_equal(mode, "menus"))
                r = menus(bus, dir);
        else if (g_str_equal(mode, "desktop"))
                r = desktop_calls(bus, dir) || report_exit(bus);
        else
                r = introspect(bus, dir);
        sd_bus_flush_close_unref(bus);
        return r;
}
