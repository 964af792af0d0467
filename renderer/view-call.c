/* View.Call (view-link.c): the webContents operations the daemon asks
 * the window for (reload, stop, back and forward, executeJavaScript,
 * insertCSS, zoom, user agent, dev tools, crash, and the answer to
 * will-navigate), each by name with JSON arguments, answering JSON. */
#include "app-window-private.h"
#include "web-process/page-messages.h"

static char *json_value_text(JsonNode *node) {
        return json_to_string(node, FALSE);
}

static char *json_string_text(const char *s) {
        g_autoptr(JsonNode) node = json_node_new(JSON_NODE_VALUE);

        json_node_set_string(node, s ? s : "");
        return json_value_text(node);
}

static const char *call_arg_string(JsonArray *args, guint i) {
        JsonNode *node = args && i < json_array_get_length(args) ? json_array_get_element(args, i) : NULL;

        if (node && JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING)
                return json_node_get_string(node);
        return NULL;
}

static gboolean call_arg_number(JsonArray *args, guint i, double *ret) {
        JsonNode *node = args && i < json_array_get_length(args) ? json_array_get_element(args, i) : NULL;
        GType type = node && JSON_NODE_HOLDS_VALUE(node) ? json_node_get_value_type(node) : G_TYPE_INVALID;

        if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
                return FALSE;
        *ret = json_node_get_double(node);
        return TRUE;
}

/* The extension's answer (page-scripts.c): (b ok, s text). */
static void execute_script_done_cb(GObject *source, GAsyncResult *result, gpointer user_data) {
        g_autoptr(GTask) task = user_data;
        g_autoptr(GError) error = NULL;
        g_autoptr(WebKitUserMessage) reply = NULL;
        GVariant *params;
        gboolean ok;
        const char *text;

        reply = webkit_web_view_send_message_to_page_finish(WEBKIT_WEB_VIEW(source), result, &error);
        if (!reply) {
                g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_FAILED, "The script did not run: %s",
                                        error->message);
                return;
        }
        params = webkit_user_message_get_parameters(reply);
        if (!params || !g_variant_is_of_type(params, G_VARIANT_TYPE("(bs)"))) {
                g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_FAILED, "The page answered no result");
                return;
        }
        g_variant_get(params, "(b&s)", &ok, &text);
        if (!ok) {
                g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", text);
                return;
        }
        g_task_return_pointer(task, g_strdup(text), g_free);
}

void app_window_call(AppWindow *self, const char *method, JsonArray *args, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data) {
        g_autoptr(GTask) task = NULL;
        const char *s;
        double d;

        g_return_if_fail(APP_IS_WINDOW(self));

        task = g_task_new(self, cancellable, callback, user_data);
        g_task_set_source_tag(task, app_window_call);

#define RETURN_JSON(text) do { g_task_return_pointer(task, (text), g_free); return; } while (0)
#define RETURN_NULL() RETURN_JSON(g_strdup("null"))
#define RETURN_BAD(...) do {                                                            \
                g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, __VA_ARGS__); \
                return;                                                                 \
        } while (0)

        if (g_str_equal(method, "reload")) {
                self->nav.api_navigation = TRUE;
                webkit_web_view_reload(self->view);
                RETURN_NULL();
        }
        if (g_str_equal(method, "reload-ignoring-cache")) {
                self->nav.api_navigation = TRUE;
                webkit_web_view_reload_bypass_cache(self->view);
                RETURN_NULL();
        }
        if (g_str_equal(method, "stop")) {
                webkit_web_view_stop_loading(self->view);
                RETURN_NULL();
        }
        if (g_str_equal(method, "go-back") || g_str_equal(method, "go-forward")) {
                gboolean back = g_str_equal(method, "go-back");

                WebKitBackForwardList *list = webkit_web_view_get_back_forward_list(self->view);

                /* Back/forward navigations are never held, so no flag. */
                if (back && webkit_web_view_can_go_back(self->view)) {
                        navigation_step_begin(self, webkit_back_forward_list_get_back_item(list));
                        webkit_web_view_go_back(self->view);
                } else if (!back && webkit_web_view_can_go_forward(self->view)) {
                        navigation_step_begin(self, webkit_back_forward_list_get_forward_item(list));
                        webkit_web_view_go_forward(self->view);
                }
                RETURN_NULL();
        }
        if (g_str_equal(method, "execute-javascript")) {
                s = call_arg_string(args, 0);
                if (!s)
                        RETURN_BAD("execute-javascript takes the code as a string");
                /* The web process extension runs it, free of the page's
                 * Content-Security-Policy. */
                webkit_web_view_send_message_to_page(self->view,
                                                     webkit_user_message_new(EXECUTE_SCRIPT_MESSAGE,
                                                                             g_variant_new("(s)", s)),
                                                     cancellable, execute_script_done_cb, g_steal_pointer(&task));
                return;
        }
        if (g_str_equal(method, "insert-css")) {
                g_autoptr(WebKitUserStyleSheet) sheet = NULL;
                JsonNode *node = args && json_array_get_length(args) > 1 ? json_array_get_element(args, 1) : NULL;
                WebKitUserStyleLevel level = WEBKIT_USER_STYLE_LEVEL_AUTHOR;
                char *key;

                s = call_arg_string(args, 0);
                if (!s)
                        RETURN_BAD("insert-css takes the CSS as a string");
                /* Electron's default origin is "author"; { cssOrigin:
                 * "user" } asks for a user style sheet. */
                if (node && JSON_NODE_HOLDS_OBJECT(node) &&
                    g_strcmp0(json_object_get_string_member_with_default(json_node_get_object(node), "cssOrigin", ""),
                              "user") == 0)
                        level = WEBKIT_USER_STYLE_LEVEL_USER;
                sheet = webkit_user_style_sheet_new(s, WEBKIT_USER_CONTENT_INJECT_ALL_FRAMES, level, NULL, NULL);
                webkit_user_content_manager_add_style_sheet(self->content, sheet);
                key = g_strdup_printf("appd-css-%u", ++self->css.next_key);
                g_hash_table_insert(self->css.sheets, key, g_steal_pointer(&sheet));
                RETURN_JSON(json_string_text(key));
        }
        if (g_str_equal(method, "remove-inserted-css")) {
                WebKitUserStyleSheet *sheet;

                s = call_arg_string(args, 0);
                if (!s)
                        RETURN_BAD("remove-inserted-css takes the key insert-css returned");
                sheet = g_hash_table_lookup(self->css.sheets, s);
                if (sheet) {
                        webkit_user_content_manager_remove_style_sheet(self->content, sheet);
                        g_hash_table_remove(self->css.sheets, s);
                }
                RETURN_NULL();
        }
        if (g_str_equal(method, "set-zoom-factor")) {
                if (!call_arg_number(args, 0, &d) || !(d > 0.0 && d <= 10.0))
                        RETURN_BAD("set-zoom-factor takes a factor greater than 0 (at most 10)");
                webkit_web_view_set_zoom_level(self->view, d);
                RETURN_NULL();
        }
        if (g_str_equal(method, "set-user-agent")) {
                s = call_arg_string(args, 0);
                if (!s)
                        RETURN_BAD("set-user-agent takes the user agent as a string");
                webkit_settings_set_user_agent(webkit_web_view_get_settings(self->view), s);
                RETURN_NULL();
        }
        if (g_str_equal(method, "get-user-agent"))
                RETURN_JSON(json_string_text(webkit_settings_get_user_agent(webkit_web_view_get_settings(self->view))));
        if (g_str_equal(method, "open-dev-tools")) {
                webkit_settings_set_enable_developer_extras(webkit_web_view_get_settings(self->view), TRUE);
                webkit_web_inspector_show(webkit_web_view_get_inspector(self->view));
                RETURN_NULL();
        }
        if (g_str_equal(method, "close-dev-tools")) {
                if (self->events.dev_tools_open)
                        webkit_web_inspector_close(webkit_web_view_get_inspector(self->view));
                RETURN_NULL();
        }
        if (g_str_equal(method, "is-dev-tools-opened"))
                RETURN_JSON(g_strdup(self->events.dev_tools_open ? "true" : "false"));
        if (g_str_equal(method, "editing-command")) {
                static const char *const commands[] = {
                        "Undo", "Redo", "Cut", "Copy", "Paste", "PasteAsPlainText", "Delete", "SelectAll", NULL,
                };

                s = call_arg_string(args, 0);
                if (!s || !g_strv_contains(commands, s))
                        RETURN_BAD("editing-command takes one of Undo, Redo, Cut, Copy, Paste, "
                                   "PasteAsPlainText, Delete, SelectAll");
                webkit_web_view_execute_editing_command(self->view, s);
                RETURN_NULL();
        }
        if (g_str_equal(method, "crash")) {
                webkit_web_view_terminate_web_process(self->view);
                RETURN_NULL();
        }
        if (g_str_equal(method, "decide")) {
                JsonNode *node;

                node = args && json_array_get_length(args) > 1 ? json_array_get_element(args, 1) : NULL;
                if (!call_arg_number(args, 0, &d) || !node || !JSON_NODE_HOLDS_VALUE(node) ||
                    json_node_get_value_type(node) != G_TYPE_BOOLEAN)
                        RETURN_BAD("decide takes [request, allow]");
                if (d > 0 && d <= G_MAXUINT)
                        navigation_decide(self, (guint) d, json_node_get_boolean(node));
                RETURN_NULL();
        }
#undef RETURN_JSON
#undef RETURN_NULL
#undef RETURN_BAD

        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Unknown webContents call \"%s\"", method);
}

char *app_window_call_finish(AppWindow *self, GAsyncResult *result, GError **error) {
        g_return_val_if_fail(g_task_is_valid(result, self), NULL);

        return g_task_propagate_pointer(G_TASK(result), error);
}

void view_call_init(AppWindow *self) {
        self->css.sheets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) webkit_user_style_sheet_unref);
}

void view_call_dispose(AppWindow *self) {
        g_clear_pointer(&self->css.sheets, g_hash_table_unref);
}
