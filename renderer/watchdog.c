/* The page's web process: web-process-gone (Electron's render-process-gone)
 * when it ends, unresponsive and responsive when it stops and starts
 * answering. */
#include "app-window-private.h"

#define WATCHDOG_LIMIT_US (3 * G_USEC_PER_SEC)

static void view_web_process_terminated_cb(WebKitWebView *view, WebKitWebProcessTerminationReason reason,
                                           AppWindow *self) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        const char *name;

        switch (reason) {
        case WEBKIT_WEB_PROCESS_EXCEEDED_MEMORY_LIMIT:
                name = "oom";
                break;
        case WEBKIT_WEB_PROCESS_TERMINATED_BY_API:
                name = "killed";
                break;
        case WEBKIT_WEB_PROCESS_CRASHED:
        default:
                name = "crashed";
                break;
        }
        json_builder_begin_object(b);
        builder_add_string(b, "reason", name);
        web_event_emit(self, "web-process-gone", b);
}

static void responsive_set(AppWindow *self, gboolean responsive) {
        if (self->watchdog.unresponsive == !responsive)
                return;
        self->watchdog.unresponsive = !responsive;
        web_event_emit(self, responsive ? "responsive" : "unresponsive", NULL);
}

static void view_responsive_cb(WebKitWebView *view, GParamSpec *pspec, AppWindow *self) {
        responsive_set(self, webkit_web_view_get_is_web_process_responsive(view));
}

static void watchdog_pong_cb(GObject *source, GAsyncResult *result, gpointer user_data) {
        AppWindow *self = user_data;
        g_autoptr(JSCValue) value = webkit_web_view_evaluate_javascript_finish(WEBKIT_WEB_VIEW(source), result, NULL);

        self->watchdog.ping_sent = 0;
        responsive_set(self, TRUE);
        g_object_unref(self);
}

/* WebKit checks whether the page answers only when it needs it to (input,
 * or a timer of tens of seconds); Electron's 'unresponsive' comes within a
 * few seconds of a page that hangs.  A ping into the page's own process,
 * once a second, tells: no answer for WATCHDOG_LIMIT_US is unresponsive. */
static gboolean watchdog_cb(gpointer user_data) {
        AppWindow *self = user_data;
        gint64 now = g_get_monotonic_time();

        if (self->watchdog.ping_sent) {
                if (now - self->watchdog.ping_sent > WATCHDOG_LIMIT_US)
                        responsive_set(self, FALSE);
                return G_SOURCE_CONTINUE;
        }
        if (!webkit_web_view_get_uri(self->view))
                return G_SOURCE_CONTINUE;
        self->watchdog.ping_sent = now;
        webkit_web_view_evaluate_javascript(self->view, "0", -1, INTERNAL_WORLD, NULL, NULL,
                                            watchdog_pong_cb, g_object_ref(self));
        return G_SOURCE_CONTINUE;
}

void watchdog_start(AppWindow *self) {
        g_signal_connect_object(self->view, "web-process-terminated",
                                G_CALLBACK(view_web_process_terminated_cb), self, 0);
        self->watchdog.id = g_timeout_add_seconds(1, watchdog_cb, self);
        g_signal_connect_object(self->view, "notify::is-web-process-responsive",
                                G_CALLBACK(view_responsive_cb), self, 0);
}

void watchdog_stop(AppWindow *self) {
        g_clear_handle_id(&self->watchdog.id, g_source_remove);
}
