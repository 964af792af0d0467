/* What an app's script asks of its window beyond the model's own setters
 * (window_handle_op(): bounds, options, states), and webContents calls:
 * View.Call on the renderer link, the answer passed back to the app as
 * wc-reply. */
#include "windows.h"

#include "appd-protocol.h"
#include "bus-source.h"
#include "events.h"

typedef struct {
        Window *window;
        sd_bus_slot *slot;
        gint64 req;
} WindowCall;

static void window_reply(Window *w, gint64 req, gboolean ok, const char *text) {
        JsonBuilder *b = event_begin("wc-reply", w->app_window_id);

        event_add_int(b, "req", req);
        json_builder_set_member_name(b, "ok");
        json_builder_add_boolean_value(b, ok);
        event_add_string(b, ok ? "result" : "error", text);
        window_post(w, b);
}

static void window_call_free(WindowCall *c) {
        sd_bus_slot_unref(c->slot);
        g_free(c);
}

static int window_call_reply_cb(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        WindowCall *c = userdata;
        Window *w = c->window;
        const sd_bus_error *e = sd_bus_message_get_error(m);
        g_autofree char *result = NULL;
        const void *data;
        size_t size;

        if (e)
                window_reply(w, c->req, FALSE, e->message ? e->message : e->name);
        else if (sd_bus_message_read_array(m, 'y', &data, &size) < 0 ||
                 !g_utf8_validate(data, size, NULL))
                window_reply(w, c->req, FALSE, "The renderer sent a malformed answer");
        else {
                result = g_strndup(data, size);
                window_reply(w, c->req, TRUE, result);
        }
        w->calls = g_list_remove(w->calls, c);
        w->n_calls--;
        window_call_free(c);
        return 0;
}

static void window_call(Window *w, gint64 req, const char *method, const char *args) {
        g_autoptr(sd_bus_message) m = NULL;
        WindowCall *c;
        int r;

        if (!w->link) {
                window_reply(w, req, FALSE, "The renderer is gone; reload to start a new one");
                return;
        }
        if (w->n_calls >= WINDOW_MAX_CALLS) {
                window_reply(w, req, FALSE, "Too many webContents calls in flight");
                return;
        }
        r = sd_bus_message_new_method_call(w->link, &m, NULL, APPD_VIEW_PATH, APPD_VIEW_IFACE,
                                           "Call");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", method);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', args, strlen(args));
        if (r < 0) {
                window_reply(w, req, FALSE, g_strerror(-r));
                return;
        }
        c = g_new0(WindowCall, 1);
        c->window = w;
        c->req = req;
        /* No timeout of our own: execute-javascript may wait on the page's
         * promise for as long as it likes; the slot goes with the link. */
        r = sd_bus_call_async(w->link, &c->slot, m, window_call_reply_cb, c, UINT64_MAX);
        if (r < 0) {
                g_free(c);
                window_reply(w, req, FALSE, g_strerror(-r));
                return;
        }
        w->calls = g_list_prepend(w->calls, c);
        w->n_calls++;
}

void window_cancel_calls(Window *w) {
        GList *calls = g_steal_pointer(&w->calls);

        w->n_calls = 0;
        for (GList *l = calls; l; l = l->next) {
                WindowCall *c = l->data;
                if (!w->destroying)
                        window_reply(w, c->req, FALSE, "The renderer is gone");
                window_call_free(c);
        }
        g_list_free(calls);
}

static const char *const window_states[] = {
        "maximize", "unmaximize", "minimize", "restore", "fullscreen", "unfullscreen",
        "focus", "blur", "show-inactive", "center", NULL,
};

/* Method names the renderer answers through View.Call (see the XML). */
static const char *const view_call_methods[] = {
        "reload", "reload-ignoring-cache", "stop", "go-back", "go-forward",
        "execute-javascript", "insert-css", "remove-inserted-css", "set-zoom-factor",
        "set-user-agent", "get-user-agent", "open-dev-tools", "close-dev-tools",
        "is-dev-tools-opened", "crash", "decide", "editing-command", NULL,
};

static void window_op_error(Window *w, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void window_op_error(Window *w, const char *fmt, ...) {
        g_autofree char *msg = NULL;
        JsonBuilder *b;
        va_list ap;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        b = event_begin("error", w->app_window_id);
        event_add_string(b, "message", msg);
        window_post(w, b);
}

void window_handle_op(Window *w, const char *op, JsonObject *o) {
        if (g_str_equal(op, "window-set-bounds")) {
                gboolean moved = FALSE, sized = FALSE;
                int x = w->x == G_MININT ? 0 : w->x, y = w->y == G_MININT ? 0 : w->y;
                int width = w->width, height = w->height;

                moved |= json_member_int(o, "x", &x);
                moved |= json_member_int(o, "y", &y);
                sized |= json_member_int(o, "width", &width);
                sized |= json_member_int(o, "height", &height);
                if (sized && (width < 1 || height < 1)) {
                        window_op_error(w, "window-set-bounds: size must be positive");
                        return;
                }
                if (moved) {
                        w->x = x;
                        w->y = y;
                        (void) view_call(w, "Move", "ii", x, y);
                }
                if (sized) {
                        w->width = width;
                        w->height = height;
                        (void) view_call(w, "Resize", "ii", width, height);
                }
                if (moved || sized) {
                        window_mark_changed(w, WINDOW_PROPERTY_BOUNDS);
                        window_save_state(w);
                }
        } else if (g_str_equal(op, "window-set-options")) {
                JsonNode *n = json_object_get_member(o, "options");
                g_autofree char *json = NULL;
                JsonObject *merge;
                GList *members;

                if (!n || !JSON_NODE_HOLDS_OBJECT(n)) {
                        window_op_error(w, "window-set-options: options must be an object");
                        return;
                }
                /* Kept, so that a renderer started after a crash shows the
                 * window as the app last set it. */
                merge = json_node_get_object(n);
                members = json_object_get_members(merge);
                for (GList *k = members; k; k = k->next)
                        json_object_set_member(w->options, k->data,
                                               json_node_copy(json_object_get_member(merge, k->data)));
                g_list_free(members);
                if (json_object_has_member(merge, "parent"))
                        w->parent_id = window_option_parent(merge);
                json = window_renderer_options(w, merge, FALSE);
                (void) view_call_bytes(w, "SetOptions", NULL, json, strlen(json));
        } else if (g_str_equal(op, "window-set-state")) {
                JsonNode *n = json_object_get_member(o, "state");
                const char *state = n && JSON_NODE_HOLDS_VALUE(n) &&
                                                    json_node_get_value_type(n) == G_TYPE_STRING
                                            ? json_node_get_string(n)
                                            : NULL;

                if (!state || !g_strv_contains(window_states, state)) {
                        window_op_error(w, "window-set-state: unknown state");
                        return;
                }
                (void) view_call(w, "SetState", "s", state);
        } else if (g_str_equal(op, "wc-call")) {
                JsonNode *req = json_object_get_member(o, "req");
                JsonNode *method = json_object_get_member(o, "method");
                JsonNode *args = json_object_get_member(o, "args");
                gint64 r;

                if (!req || !JSON_NODE_HOLDS_VALUE(req) ||
                    json_node_get_value_type(req) != G_TYPE_INT64) {
                        window_op_error(w, "wc-call: req must be a number");
                        return;
                }
                r = json_node_get_int(req);
                if (!method || !JSON_NODE_HOLDS_VALUE(method) ||
                    json_node_get_value_type(method) != G_TYPE_STRING ||
                    !g_strv_contains(view_call_methods, json_node_get_string(method))) {
                        window_reply(w, r, FALSE, "Unknown webContents method");
                        return;
                }
                if (!args || !JSON_NODE_HOLDS_VALUE(args) ||
                    json_node_get_value_type(args) != G_TYPE_STRING ||
                    strlen(json_node_get_string(args)) > w->daemon->ipc_max_payload) {
                        window_reply(w, r, FALSE, "Arguments must be JSON text within the size limit");
                        return;
                }
                window_call(w, r, json_node_get_string(method), json_node_get_string(args));
        } else
                window_op_error(w, "unknown op '%s'", op);
}
