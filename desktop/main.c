/* appd-desktop: started by appd on the first app request that needs a
 * display (clipboard, screen), one per session, ended with appd.  Its only
 * connection is the link appd handed over at spawn (fd $APPD_BUS_FD); when
 * the link goes, it ends.  See desktop.h. */
#include "desktop.h"

#include <locale.h>
#include <stdlib.h>

#include "appd-protocol.h"
#include "bus-link.h"
#include "bus-source.h"

static const sd_bus_vtable desktop_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("ReadClipboard", SD_BUS_ARGS("s", selection, "s", format),
                                SD_BUS_RESULT("ay", data), method_ReadClipboard, 0),
        SD_BUS_METHOD_WITH_ARGS("WriteClipboard", SD_BUS_ARGS("s", selection, "a(say)", items),
                                SD_BUS_NO_RESULT, method_WriteClipboard, 0),
        SD_BUS_METHOD_WITH_ARGS("ClipboardFormats", SD_BUS_ARGS("s", selection),
                                SD_BUS_RESULT("as", formats), method_ClipboardFormats, 0),
        SD_BUS_METHOD_WITH_ARGS("GetDisplays", SD_BUS_NO_ARGS, SD_BUS_RESULT("aa{sv}", displays),
                                method_GetDisplays, 0),
        SD_BUS_METHOD_WITH_ARGS("GetCursorPoint", SD_BUS_NO_ARGS,
                                SD_BUS_RESULT("i", x, "i", y), method_GetCursorPoint, 0),
        SD_BUS_METHOD_WITH_ARGS("GetTheme", SD_BUS_NO_ARGS, SD_BUS_RESULT("b", dark),
                                method_GetTheme, 0),
        SD_BUS_SIGNAL("DisplaysChanged", "", 0),
        SD_BUS_SIGNAL("ThemeChanged", "", 0),
        SD_BUS_VTABLE_END,
};

static void link_closed_cb(sd_bus *bus, int error, gpointer user_data) {
        Desktop *d = user_data;

        /* appd is gone or let go of us: nobody is left to serve. */
        g_debug("The link to appd closed: %s", g_strerror(abs(error)));
        g_main_loop_quit(d->loop);
}

static int connect_link(Desktop *d) {
        const char *fd_text = g_getenv(APPD_RENDERER_FD_ENV);
        guint64 fd;
        int r;

        if (!fd_text || !g_ascii_string_to_unsigned(fd_text, 10, 0, G_MAXINT, &fd, NULL)) {
                g_printerr("appd-desktop: started without a link (%s); appd starts it\n",
                           APPD_RENDERER_FD_ENV);
                return -EBADF;
        }
        /* The server end: appd connects as the client. */
        r = bus_link_serve((int) fd, APPD_DESKTOP_PATH, APPD_DESKTOP_IFACE, desktop_vtable, d,
                           NULL, &d->link);
        if (r < 0) {
                g_printerr("appd-desktop: cannot serve the link to appd: %s\n", g_strerror(-r));
                return r;
        }
        bus_source_attach(d->link, NULL, link_closed_cb, d);
        return 0;
}

int main(int argc, char **argv) {
        Desktop d = { 0 };

        setlocale(LC_ALL, "");
        g_set_prgname("appd-desktop");
        if (!gtk_init_check()) {
                g_printerr("appd-desktop: cannot open the display (DISPLAY=%s, WAYLAND_DISPLAY=%s)\n",
                           g_getenv("DISPLAY") ?: "", g_getenv("WAYLAND_DISPLAY") ?: "");
                return 1;
        }
        d.loop = g_main_loop_new(NULL, FALSE);
        d.display = gdk_display_get_default();
        desktop_clipboard_init(&d);
        desktop_screen_init(&d);
        desktop_theme_init(&d);
        if (connect_link(&d) < 0)
                return 1;
        g_main_loop_run(d.loop);
        sd_bus_flush_close_unref(d.link);
        return 0;
}
