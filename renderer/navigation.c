/* What the web view loads and where it goes: load events and their
 * errors, the page title, did-navigate and did-navigate-in-page, and the
 * navigations the main script has a say in (will-navigate, held until it
 * answers; new windows, never opened here). */
#include <string.h>

#include "app-window-private.h"

/* A will-navigate nobody answers goes ahead, as with no listener. */
#define DECISION_TIMEOUT_S  10
/* How long a back/forward step may take before the URL WebKit shows is
 * believed again. */
#define IN_PAGE_STEP_TIMEOUT_S 5

typedef struct {
        AppWindow *window;
        guint request;
        WebKitPolicyDecision *decision;
        guint timeout_id;
} HeldDecision;

int app_window_net_error_from_gerror(const GError *error) {
        /* Electron's net error codes (net/base/net_error_list.h). */
        enum {
                NET_ERR_FAILED = -2,
                NET_ERR_ABORTED = -3,
                NET_ERR_FILE_NOT_FOUND = -6,
                NET_ERR_ACCESS_DENIED = -10,
                NET_ERR_CONNECTION_REFUSED = -102,
                NET_ERR_NAME_NOT_RESOLVED = -105,
                NET_ERR_TIMED_OUT = -118,
                NET_ERR_INVALID_URL = -300,
                NET_ERR_DISALLOWED_URL_SCHEME = -301,
                NET_ERR_UNSAFE_PORT = -312,
        };

        if (!error)
                return NET_ERR_FAILED;

        if (error->domain == WEBKIT_NETWORK_ERROR) {
                switch (error->code) {
                case WEBKIT_NETWORK_ERROR_CANCELLED:
                        return NET_ERR_ABORTED;
                case WEBKIT_NETWORK_ERROR_FILE_DOES_NOT_EXIST:
                        return NET_ERR_FILE_NOT_FOUND;
                case WEBKIT_NETWORK_ERROR_UNKNOWN_PROTOCOL:
                        return NET_ERR_DISALLOWED_URL_SCHEME;
                default:
                        return NET_ERR_FAILED;
                }
        }

        if (error->domain == WEBKIT_POLICY_ERROR) {
                switch (error->code) {
                case WEBKIT_POLICY_ERROR_FRAME_LOAD_INTERRUPTED_BY_POLICY_CHANGE:
                        return NET_ERR_ABORTED;
                case WEBKIT_POLICY_ERROR_CANNOT_USE_RESTRICTED_PORT:
                        return NET_ERR_UNSAFE_PORT;
                default:
                        return NET_ERR_INVALID_URL;
                }
        }

        /* Errors of the app:// handler and of libsoup keep their GIO
         * domains on the way through WebKit. */
        if (error->domain == G_IO_ERROR) {
                switch (error->code) {
                case G_IO_ERROR_NOT_FOUND:
                case G_IO_ERROR_IS_DIRECTORY:
                case G_IO_ERROR_NOT_DIRECTORY:
                case G_IO_ERROR_INVALID_FILENAME:
                        return NET_ERR_FILE_NOT_FOUND;
                case G_IO_ERROR_PERMISSION_DENIED:
                        return NET_ERR_ACCESS_DENIED;
                case G_IO_ERROR_CANCELLED:
                        return NET_ERR_ABORTED;
                case G_IO_ERROR_HOST_NOT_FOUND:
                        return NET_ERR_NAME_NOT_RESOLVED;
                case G_IO_ERROR_CONNECTION_REFUSED:
                        return NET_ERR_CONNECTION_REFUSED;
                case G_IO_ERROR_TIMED_OUT:
                        return NET_ERR_TIMED_OUT;
                default:
                        return NET_ERR_FAILED;
                }
        }

        if (error->domain == G_RESOLVER_ERROR)
                return NET_ERR_NAME_NOT_RESOLVED;

        return NET_ERR_FAILED;
}

static void view_load_changed_cb(WebKitWebView *view, WebKitLoadEvent load_event, AppWindow *self) {
        const char *event, *uri;

        switch (load_event) {
        case WEBKIT_LOAD_STARTED:
                self->nav.load_failed = FALSE;
                event = "started";
                break;
        case WEBKIT_LOAD_COMMITTED:
                event = "committed";
                break;
        case WEBKIT_LOAD_FINISHED:
                if (self->nav.load_failed)
                        return;
                event = "finished";
                break;
        default:
                return;
        }

        uri = webkit_web_view_get_uri(view);
        g_signal_emit(self, app_window_signals[SIGNAL_LOAD_EVENT], 0, event, uri ? uri : "");
}

static gboolean view_load_failed_cb(WebKitWebView *view, WebKitLoadEvent load_event,
                                    const char *failing_uri, GError *error, AppWindow *self) {
        int code = app_window_net_error_from_gerror(error);

        self->nav.load_failed = TRUE;
        g_message("Load of %s failed (%s %d → %d): %s", failing_uri,
                  g_quark_to_string(error->domain), error->code, code, error->message);
        g_signal_emit(self, app_window_signals[SIGNAL_LOAD_ERROR], 0, failing_uri ? failing_uri : "", code, error->message);
        /* Handled: like Electron, leave the view as it is instead of
         * showing WebKit's own error page. */
        return TRUE;
}

static void view_title_cb(WebKitWebView *view, GParamSpec *pspec, AppWindow *self) {
        const char *title = webkit_web_view_get_title(view);

        if (title)
                g_signal_emit(self, app_window_signals[SIGNAL_PAGE_TITLE], 0, title);
}

static void navigate_event_emit(AppWindow *self, const char *name, const char *url) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_object(b);
        builder_add_string(b, "url", url);
        builder_add_bool(b, "canGoBack", webkit_web_view_can_go_back(self->view));
        builder_add_bool(b, "canGoForward", webkit_web_view_can_go_forward(self->view));
        web_event_emit(self, name, b);
}

/* The URI without its fragment. */
static char *uri_document(const char *uri) {
        const char *hash = uri ? strchr(uri, '#') : NULL;
        return hash ? g_strndup(uri, hash - uri) : g_strdup(uri ? uri : "");
}

/* Reports the same-document navigations seen so far, each once.  A URL
 * equal to the one reported last is no navigation: a failed load puts the
 * committed URL back. */
static void in_page_flush(AppWindow *self) {
        char *uri;

        g_clear_handle_id(&self->nav.in_page_idle, g_source_remove);
        while ((uri = g_queue_pop_head(&self->nav.in_page_queue))) {
                if (g_strcmp0(uri, self->nav.in_page_reported) == 0) {
                        g_free(uri);
                        continue;
                }
                g_free(self->nav.in_page_reported);
                self->nav.in_page_reported = uri;
                navigate_event_emit(self, "did-navigate-in-page", uri);
        }
}

static gboolean in_page_idle_cb(gpointer user_data) {
        AppWindow *self = user_data;

        self->nav.in_page_idle = 0;
        in_page_flush(self);
        return G_SOURCE_REMOVE;
}

/* The URL is taken now; the history state when it is reported, once the
 * back/forward list has caught up. */
static void in_page_queue(AppWindow *self, const char *uri) {
        g_queue_push_tail(&self->nav.in_page_queue, g_strdup(uri));
        if (!self->nav.in_page_idle)
                self->nav.in_page_idle = g_idle_add(in_page_idle_cb, self);
}

static void in_page_step_end(AppWindow *self) {
        g_clear_pointer(&self->nav.in_page_step, g_free);
        g_clear_handle_id(&self->nav.in_page_step_timeout, g_source_remove);
}

/* Called whenever the view's URI, its loading state or its back/forward
 * list changes.  WebKit's URI goes through states no navigation ends at,
 * in an order that depends on timing: a history step shows its target as
 * soon as it is asked for (the list still at the old entry), then, when
 * the web process takes the step, may show the old URL again with loading
 * over before the target.  What the history list says does not go back
 * and forth: a same-document navigation is the view's URI once the list's
 * current entry has it too (a fragment, pushState and replaceState change
 * both, in either order: the list's "changed" checks again), and while a
 * history step is under way, only its target. */
static void in_page_check(AppWindow *self) {
        WebKitBackForwardListItem *current;
        const char *uri = webkit_web_view_get_uri(self->view);

        /* A back/forward step between two entries of one document counts
         * as loading, though no load happens; a real load reports
         * did-navigate when it commits. */
        if (!uri || !*uri || webkit_web_view_is_loading(self->view))
                return;
        current = webkit_back_forward_list_get_current_item(webkit_web_view_get_back_forward_list(self->view));
        if (current && g_strcmp0(webkit_back_forward_list_item_get_uri(current), uri) != 0)
                return;
        if (self->nav.in_page_step) {
                if (!g_str_equal(uri, self->nav.in_page_step))
                        return;
                in_page_step_end(self);
        }
        in_page_queue(self, uri);
}

static gboolean in_page_step_timeout_cb(gpointer user_data) {
        AppWindow *self = user_data;

        /* A step WebKit dropped (a stop, a newer step it replaced) ends
         * nowhere: whatever the view and its history agree on stands. */
        self->nav.in_page_step_timeout = 0;
        in_page_step_end(self);
        in_page_check(self);
        return G_SOURCE_REMOVE;
}

/* A back/forward step to `item` was asked for. */
void navigation_step_begin(AppWindow *self, WebKitBackForwardListItem *item) {
        in_page_step_end(self);
        if (!item)
                return;
        self->nav.in_page_step = g_strdup(webkit_back_forward_list_item_get_uri(item));
        self->nav.in_page_step_timeout = g_timeout_add_seconds(IN_PAGE_STEP_TIMEOUT_S, in_page_step_timeout_cb, self);
}

static void view_navigated_cb(WebKitWebView *view, WebKitLoadEvent load_event, AppWindow *self) {
        const char *uri;

        /* A step that turned out to be a load of another document, or
         * that a load replaced, is over: did-navigate tells the rest. */
        if (load_event == WEBKIT_LOAD_STARTED)
                in_page_step_end(self);
        if (load_event != WEBKIT_LOAD_COMMITTED)
                return;
        /* What happened in the old document is told before the new one. */
        in_page_flush(self);
        in_page_step_end(self);
        uri = webkit_web_view_get_uri(view);
        g_free(self->nav.committed_uri);
        self->nav.committed_uri = uri_document(uri);
        g_free(self->nav.in_page_reported);
        self->nav.in_page_reported = g_strdup(uri);
        navigate_event_emit(self, "did-navigate", uri);
}

static void view_uri_cb(WebKitWebView *view, GParamSpec *pspec, AppWindow *self) {
        in_page_check(self);
}

static void view_loading_cb(WebKitWebView *view, GParamSpec *pspec, AppWindow *self) {
        in_page_check(self);
}

static void view_history_cb(WebKitBackForwardList *list, WebKitBackForwardListItem *added, GList *removed,
                            AppWindow *self) {
        in_page_check(self);
}

static void held_decision_free(HeldDecision *held) {
        if (held->timeout_id)
                g_source_remove(held->timeout_id);
        if (held->decision) {
                /* Whatever is still held when it goes is let through. */
                webkit_policy_decision_use(held->decision);
                g_object_unref(held->decision);
        }
        g_free(held);
}

static gboolean held_decision_timeout_cb(gpointer user_data) {
        HeldDecision *held = user_data;

        held->timeout_id = 0;
        g_message("No decision on navigation %u within %d s: allowing it", held->request, DECISION_TIMEOUT_S);
        g_hash_table_remove(held->window->nav.held, GUINT_TO_POINTER(held->request));
        return G_SOURCE_REMOVE;
}

static void new_window_event_emit(AppWindow *self, WebKitNavigationAction *action, const char *features) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        WebKitURIRequest *request = webkit_navigation_action_get_request(action);

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "request");
        json_builder_add_int_value(b, ++self->nav.next_request);
        builder_add_string(b, "url", request ? webkit_uri_request_get_uri(request) : "");
        builder_add_string(b, "frameName", webkit_navigation_action_get_frame_name(action));
        builder_add_string(b, "features", features);
        web_event_emit(self, "new-window", b);
}

static gboolean same_document(const char *a, const char *b) {
        const char *ha, *hb;
        size_t na, nb;

        if (!a || !b)
                return FALSE;
        ha = strchr(a, '#');
        hb = strchr(b, '#');
        na = ha ? (size_t) (ha - a) : strlen(a);
        nb = hb ? (size_t) (hb - b) : strlen(b);
        return hb && na == nb && strncmp(a, b, na) == 0;
}

static gboolean view_decide_policy_cb(WebKitWebView *view, WebKitPolicyDecision *decision,
                                      WebKitPolicyDecisionType type, AppWindow *self) {
        WebKitNavigationAction *action;
        WebKitURIRequest *request;
        g_autoptr(JsonBuilder) b = NULL;
        HeldDecision *held;
        const char *uri;

        if (type == WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION) {
                /* Never opened here: the main script decides, and the
                 * daemon opens a BrowserWindow if it allows. */
                action = webkit_navigation_policy_decision_get_navigation_action(
                        WEBKIT_NAVIGATION_POLICY_DECISION(decision));
                new_window_event_emit(self, action, "");
                webkit_policy_decision_ignore(decision);
                return TRUE;
        }
        if (type != WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION)
                return FALSE;

        action = webkit_navigation_policy_decision_get_navigation_action(WEBKIT_NAVIGATION_POLICY_DECISION(decision));
        request = webkit_navigation_action_get_request(action);
        uri = request ? webkit_uri_request_get_uri(request) : NULL;

        if (self->nav.api_navigation) {
                self->nav.api_navigation = FALSE;
                return FALSE;
        }
        if (!uri || webkit_navigation_action_is_redirect(action) ||
            same_document(webkit_web_view_get_uri(view), uri))
                return FALSE;

        switch (webkit_navigation_action_get_navigation_type(action)) {
        case WEBKIT_NAVIGATION_TYPE_LINK_CLICKED:
        case WEBKIT_NAVIGATION_TYPE_FORM_SUBMITTED:
        case WEBKIT_NAVIGATION_TYPE_FORM_RESUBMITTED:
                break;
        case WEBKIT_NAVIGATION_TYPE_OTHER:
                /* WebKit does not say which frame navigates: subframes
                 * mostly load while their page loads, page scripts
                 * navigate (location.href = …) after it has loaded. */
                if (webkit_web_view_is_loading(view))
                        return FALSE;
                break;
        default:
                return FALSE;
        }

        held = g_new0(HeldDecision, 1);
        held->window = self;
        held->request = ++self->nav.next_request;
        held->decision = g_object_ref(decision);
        held->timeout_id = g_timeout_add_seconds(DECISION_TIMEOUT_S, held_decision_timeout_cb, held);
        g_hash_table_insert(self->nav.held, GUINT_TO_POINTER(held->request), held);

        b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "request");
        json_builder_add_int_value(b, held->request);
        builder_add_string(b, "url", uri);
        web_event_emit(self, "will-navigate", b);
        return TRUE;
}

static GtkWidget *view_create_cb(WebKitWebView *view, WebKitNavigationAction *action, AppWindow *self) {
        /* WebKit wants the new view now, but the main script answers
         * later: deny here, report, and let the daemon open a window.
         * window.open()'s features string is not available from WebKit. */
        new_window_event_emit(self, action, "");
        return NULL;
}

void navigation_decide(AppWindow *self, guint request, gboolean allow) {
        HeldDecision *held = g_hash_table_lookup(self->nav.held, GUINT_TO_POINTER(request));
        WebKitPolicyDecision *decision;

        /* Unknown: a new-window (never held) or one that timed out. */
        if (!held)
                return;
        decision = g_steal_pointer(&held->decision);
        if (allow)
                webkit_policy_decision_use(decision);
        else
                webkit_policy_decision_ignore(decision);
        g_object_unref(decision);
        g_hash_table_remove(self->nav.held, GUINT_TO_POINTER(held->request));
}

void navigation_connect(AppWindow *self) {
        g_signal_connect_object(self->view, "load-changed", G_CALLBACK(view_load_changed_cb), self, 0);
        g_signal_connect_object(self->view, "load-failed", G_CALLBACK(view_load_failed_cb), self, 0);
        g_signal_connect_object(self->view, "notify::title", G_CALLBACK(view_title_cb), self, 0);
        g_signal_connect_object(self->view, "load-changed", G_CALLBACK(view_navigated_cb), self, 0);
        g_signal_connect_object(self->view, "notify::uri", G_CALLBACK(view_uri_cb), self, 0);
        g_signal_connect_object(self->view, "notify::is-loading", G_CALLBACK(view_loading_cb), self, 0);
        g_signal_connect_object(webkit_web_view_get_back_forward_list(self->view), "changed",
                                G_CALLBACK(view_history_cb), self, 0);
        g_signal_connect_object(self->view, "decide-policy", G_CALLBACK(view_decide_policy_cb), self, 0);
        g_signal_connect_object(self->view, "create", G_CALLBACK(view_create_cb), self, 0);
}

void navigation_init(AppWindow *self) {
        self->nav.held = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify) held_decision_free);
}

void navigation_dispose(AppWindow *self) {
        g_clear_pointer(&self->nav.held, g_hash_table_unref);
        g_clear_pointer(&self->nav.committed_uri, g_free);
        g_clear_handle_id(&self->nav.in_page_idle, g_source_remove);
        in_page_step_end(self);
        g_queue_clear_full(&self->nav.in_page_queue, g_free);
        g_clear_pointer(&self->nav.in_page_reported, g_free);
}
