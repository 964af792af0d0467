/* appd-desktop: the session's one process with a display connection that
 * lives as long as appd.  It holds what apps put on the clipboard and
 * answers for the screen, on its link to appd
 * (protocol/org.appd.Appd1.Desktop.xml).  GTK only, no web view. */
#pragma once

#include <gtk/gtk.h>
#include <systemd/sd-bus.h>

#include "bus-source.h"

typedef struct DesktopClipboard DesktopClipboard;

typedef struct {
        GMainLoop *loop;
        GdkDisplay *display;
        sd_bus *link;
        DesktopClipboard *clipboard;
        DesktopClipboard *primary;
        guint displays_changed_idle;
} Desktop;

/* clipboard.c: Desktop's clipboard methods. */
void desktop_clipboard_init(Desktop *d);
int method_ReadClipboard(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_WriteClipboard(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_ClipboardFormats(sd_bus_message *m, void *userdata, sd_bus_error *error);

/* screen.c: Desktop's screen methods and the DisplaysChanged signal. */
void desktop_screen_init(Desktop *d);
int method_GetDisplays(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_GetCursorPoint(sd_bus_message *m, void *userdata, sd_bus_error *error);

/* theme.c: Desktop's GetTheme and the ThemeChanged signal. */
void desktop_theme_init(Desktop *d);
int method_GetTheme(sd_bus_message *m, void *userdata, sd_bus_error *error);
