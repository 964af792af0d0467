/* The renderer's end of its private connection to appd: exports
 * org.appd.Appd1.View, forwards the window's reports to
 * org.appd.Appd1.Host.  Every call to the daemon is asynchronous. */
#pragma once

#include <glib.h>

#include "app-window.h"

typedef struct ViewLink ViewLink;

/* Called once when the link ends, with the status the process should exit
 * with: 0 after Destroy, 1 when the daemon went away without it. */
typedef void (*ViewLinkDoneFunc)(ViewLink *link, int exit_status, gpointer user_data);

/* Takes ownership of `fd`, one end of the socketpair appd spawned us with. */
ViewLink *view_link_new(int fd, const char *app_id, ViewLinkDoneFunc done_cb, gpointer user_data, GError **error);
void view_link_free(ViewLink *link);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ViewLink, view_link_free)

/* Put `window` under the daemon's control and report its events. */
void view_link_set_window(ViewLink *link, AppWindow *window);
