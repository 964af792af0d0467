/* Electron's accelerators ("CmdOrCtrl+Shift+Z", "Alt+F4", "F11",
 * "CommandOrControl+Plus"): the one parser of their text, into GTK's
 * accelerator text ("<Control><Shift>z") for menus and shortcuts. */
#pragma once

#include <glib.h>

/* GTK's text for `accelerator`, or NULL with `error` set when it is not
 * one: no key, a key twice, an unknown key or modifier.  Command and Cmd
 * are Super here, as in Electron on Linux; CommandOrControl is Control. */
char *accelerator_to_gtk(const char *accelerator, GError **error);
