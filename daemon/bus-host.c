/* org.appd.Appd1.Host on a renderer's private link: what a window's
 * renderer reports (load events, title, state, close requests, webContents
 * events) and the page's IPC, vtable and handlers.  The window is the
 * slot's userdata, fixed when the link was made: a renderer can only ever
 * speak for its own window.  protocol/org.appd.Appd1.Host.xml is the
 * contract. */
#include "windows.h"

#include "appd-protocol.h"
#include "events.h"

/* A JSON object sent as bytes by the renderer, or NULL (logged). */
static JsonNode *parse_object(Window *w, const void *data, size_t size, const char *what) {
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(GError) error = NULL;
        JsonNode *root;

        if (size > w->daemon->ipc_max_payload || !g_utf8_validate(data, size, NULL) ||
            !json_parser_load_from_data(parser, data, size, &error)) {
                WINDOW_LOG(w, G_LOG_LEVEL_WARNING, "Malformed %s from the renderer: %s", what,
                           error ? error->message : "not UTF-8 or too large");
                return NULL;
        }
        root = json_parser_get_root(parser);
        if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
                WINDOW_LOG(w, G_LOG_LEVEL_WARNING, "Malformed %s from the renderer: not an object",
                           what);
                return NULL;
        }
        return json_node_copy(root);
}

/* Most of the renderer's reports become an event to the window's app. */
static int post_and_reply(sd_bus_message *m, Window *w, JsonBuilder *event) {
        window_post(w, event);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_Ready(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        uint64_t xid;
        int r;

        r = sd_bus_message_read(m, "t", &xid);
        if (r < 0)
                return r;
        window_renderer_ready(w, xid);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_LoadChanged(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        const char *event, *url;
        JsonBuilder *b;
        int r;

        r = sd_bus_message_read(m, "ss", &event, &url);
        if (r < 0)
                return r;
        if (!g_str_equal(event, "started") && !g_str_equal(event, "committed") &&
            !g_str_equal(event, "finished"))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Unknown load event '%s'", event);

        if (*url && g_strcmp0(w->url, url) != 0)
                window_set_url(w, url);
        window_set_loading(w, !g_str_equal(event, "finished"));

        b = event_begin("load", w->app_window_id);
        event_add_string(b, "event", event);
        event_add_string(b, "url", url);
        return post_and_reply(m, w, b);
}

static int method_LoadFailed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        const char *url, *description;
        int32_t code;
        JsonBuilder *b;
        int r;

        r = sd_bus_message_read(m, "sis", &url, &code, &description);
        if (r < 0)
                return r;
        window_set_loading(w, FALSE);
        WINDOW_LOG(w, G_LOG_LEVEL_MESSAGE, "Failed to load %s: %s (%d)", url, description, code);

        b = event_begin("load-failed", w->app_window_id);
        event_add_string(b, "url", url);
        event_add_int(b, "code", code);
        event_add_string(b, "description", description);
        return post_and_reply(m, w, b);
}

static int method_TitleChanged(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        const char *title;
        JsonBuilder *b;
        int r;

        r = sd_bus_message_read(m, "s", &title);
        if (r < 0)
                return r;
        /* The main script decides the window's title (page-title-updated is
         * preventable); the page only proposes one. */
        b = event_begin("title", w->app_window_id);
        event_add_string(b, "title", title);
        return post_and_reply(m, w, b);
}

static int method_CloseRequested(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        window_request_close(userdata);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_StateChanged(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        g_autoptr(JsonNode) node = NULL;
        gboolean bounds = FALSE, b;
        const void *data;
        JsonObject *o;
        JsonBuilder *ev;
        size_t size;
        int r;

        r = sd_bus_message_read_array(m, 'y', &data, &size);
        if (r < 0)
                return r;
        node = parse_object(w, data, size, "window state");
        if (!node)
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                        "The state must be a JSON object");
        o = json_node_get_object(node);

        bounds |= json_member_int(o, "x", &w->x);
        bounds |= json_member_int(o, "y", &w->y);
        bounds |= json_member_int(o, "width", &w->width);
        bounds |= json_member_int(o, "height", &w->height);
        if (bounds)
                window_mark_changed(w, WINDOW_PROPERTY_BOUNDS);
        if (json_member_bool(o, "visible", &b) && b != w->visible) {
                w->visible = b;
                window_mark_changed(w, WINDOW_PROPERTY_VISIBLE);
        }
        json_member_bool(o, "focused", &w->focused);
        json_member_bool(o, "minimized", &w->minimized);
        json_member_bool(o, "fullscreen", &w->fullscreen);
        if (json_member_bool(o, "maximized", &w->maximized) || bounds)
                window_save_state(w);

        ev = event_begin("window-state", w->app_window_id);
        json_builder_set_member_name(ev, "state");
        json_builder_add_value(ev, g_steal_pointer(&node));
        return post_and_reply(m, w, ev);
}

static const char *const wc_events[] = {
        "dom-ready", "did-navigate", "did-navigate-in-page", "will-navigate", "new-window",
        "console-message", "web-process-gone", "responsive", "unresponsive", "zoom-changed",
        "dev-tools-opened", "dev-tools-closed", NULL,
};

static int method_Event(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        g_autoptr(JsonNode) node = NULL;
        const char *name;
        const void *data;
        JsonBuilder *ev;
        size_t size;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        r = sd_bus_message_read_array(m, 'y', &data, &size);
        if (r < 0)
                return r;
        if (!g_strv_contains(wc_events, name))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Unknown event '%s'",
                                         name);
        node = parse_object(w, data, size, name);
        if (!node)
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                        "Event details must be a JSON object");
        if (g_str_equal(name, "web-process-gone"))
                WINDOW_LOG(w, G_LOG_LEVEL_WARNING, "The web process of window %u is gone", w->id);

        ev = event_begin("wc-event", w->app_window_id);
        event_add_string(ev, "name", name);
        json_builder_set_member_name(ev, "details");
        json_builder_add_value(ev, g_steal_pointer(&node));
        return post_and_reply(m, w, ev);
}

const sd_bus_vtable bus_host_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("OpenPageLink", SD_BUS_NO_ARGS, SD_BUS_RESULT("h", link),
                                method_OpenPageLink, 0),
        SD_BUS_METHOD_WITH_ARGS("Ready", SD_BUS_ARGS("t", xid), SD_BUS_NO_RESULT,
                                method_Ready, 0),
        SD_BUS_METHOD_WITH_ARGS("LoadChanged", SD_BUS_ARGS("s", event, "s", url),
                                SD_BUS_NO_RESULT, method_LoadChanged, 0),
        SD_BUS_METHOD_WITH_ARGS("LoadFailed",
                                SD_BUS_ARGS("s", url, "i", code, "s", description),
                                SD_BUS_NO_RESULT, method_LoadFailed, 0),
        SD_BUS_METHOD_WITH_ARGS("TitleChanged", SD_BUS_ARGS("s", title), SD_BUS_NO_RESULT,
                                method_TitleChanged, 0),
        SD_BUS_METHOD("CloseRequested", NULL, NULL, method_CloseRequested, 0),
        SD_BUS_METHOD_WITH_ARGS("StateChanged", SD_BUS_ARGS("ay", state), SD_BUS_NO_RESULT,
                                method_StateChanged, 0),
        SD_BUS_METHOD_WITH_ARGS("Event", SD_BUS_ARGS("s", name, "ay", details),
                                SD_BUS_NO_RESULT, method_Event, 0),
        SD_BUS_METHOD_WITH_ARGS("Invoke", SD_BUS_ARGS("s", channel, "ay", args),
                                SD_BUS_RESULT("ay", result), method_Invoke, 0),
        SD_BUS_METHOD_WITH_ARGS("SendSync", SD_BUS_ARGS("s", channel, "ay", args),
                                SD_BUS_RESULT("ay", result), method_SendSync, 0),
        SD_BUS_METHOD_WITH_ARGS("Send", SD_BUS_ARGS("s", channel, "ay", args),
                                SD_BUS_NO_RESULT, method_Send, 0),
        SD_BUS_METHOD_WITH_ARGS("MenuActivated",
                                SD_BUS_ARGS("u", menu, "u", item, "b", accelerator),
                                SD_BUS_NO_RESULT, method_MenuActivated, 0),
        SD_BUS_METHOD_WITH_ARGS("PopupClosed", SD_BUS_ARGS("u", root), SD_BUS_NO_RESULT,
                                method_PopupClosed, 0),
        SD_BUS_VTABLE_END
};
