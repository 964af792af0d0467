/* webContents events the page's scripts tell of: dom-ready (from a world
 * of appd's own), console-message (the page's console, wrapped), and the
 * Web Inspector opening and closing. */
#include "app-window-private.h"

#define INTERNAL_HANDLER       "appdInternal"
#define CONSOLE_HANDLER        "appdConsole"
#define CONSOLE_MAX_MESSAGE    (64 * 1024)
#define CONSOLE_MAX_PER_SECOND 100

static void content_internal_message_cb(WebKitUserContentManager *manager, JSCValue *message, AppWindow *self) {
        g_autofree char *what = jsc_value_is_string(message) ? jsc_value_to_string(message) : NULL;

        if (g_strcmp0(what, "dom-ready") == 0)
                web_event_emit(self, "dom-ready", NULL);
}

static void content_console_message_cb(WebKitUserContentManager *manager, JSCValue *message, AppWindow *self) {
        g_autoptr(JSCValue) level = NULL, line = NULL;
        g_autoptr(GBytes) text = NULL, source = NULL;
        g_autoptr(JsonBuilder) b = NULL;
        g_autofree char *text_str = NULL, *source_str = NULL;
        gint64 second = g_get_monotonic_time() / G_USEC_PER_SEC;
        const char *data;
        gsize size;
        int l;

        /* The page's own console: the page may forge messages here, but
         * not flood the daemon with them. */
        if (second != self->events.console_second) {
                self->events.console_second = second;
                self->events.console_count = 0;
        }
        if (++self->events.console_count > CONSOLE_MAX_PER_SECOND) {
                if (self->events.console_count == CONSOLE_MAX_PER_SECOND + 1)
                        g_message("More than %d console messages in a second: dropping", CONSOLE_MAX_PER_SECOND);
                return;
        }

        if (!jsc_value_is_object(message))
                return;
        text = script_message_string(message, "message");
        source = script_message_string(message, "sourceId");
        level = jsc_value_object_get_property(message, "level");
        line = jsc_value_object_get_property(message, "line");
        if (!text || !level || !jsc_value_is_number(level))
                return;

        data = g_bytes_get_data(text, &size);
        size = MIN(size, (gsize) CONSOLE_MAX_MESSAGE);
        text_str = g_utf8_make_valid(data ? data : "", (gssize) size);
        if (source) {
                data = g_bytes_get_data(source, &size);
                source_str = g_utf8_make_valid(data ? data : "", (gssize) MIN(size, (gsize) 4096));
        }
        l = jsc_value_to_int32(level);

        b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "level");
        json_builder_add_int_value(b, CLAMP(l, 0, 3));
        builder_add_string(b, "message", text_str);
        json_builder_set_member_name(b, "line");
        json_builder_add_int_value(b, line && jsc_value_is_number(line) ? MAX(0, jsc_value_to_int32(line)) : 0);
        builder_add_string(b, "sourceId", source_str);
        web_event_emit(self, "console-message", b);
}

static void inspector_opened_cb(WebKitWebInspector *inspector, AppWindow *self) {
        if (self->events.dev_tools_open)
                return;
        self->events.dev_tools_open = TRUE;
        web_event_emit(self, "dev-tools-opened", NULL);
}

static gboolean inspector_open_window_cb(WebKitWebInspector *inspector, AppWindow *self) {
        inspector_opened_cb(inspector, self);
        return FALSE;
}

static gboolean inspector_attach_cb(WebKitWebInspector *inspector, AppWindow *self) {
        inspector_opened_cb(inspector, self);
        return FALSE;
}

static void inspector_closed_cb(WebKitWebInspector *inspector, AppWindow *self) {
        if (!self->events.dev_tools_open)
                return;
        self->events.dev_tools_open = FALSE;
        web_event_emit(self, "dev-tools-closed", NULL);
}

/* In the page's own world, so the page's console calls are seen; the
 * wrappers keep the console's behaviour and stay out of enumeration. */
static const char console_script[] =
        "(function () {\n"
        "'use strict';\n"
        "const handlers = window.webkit && window.webkit.messageHandlers;\n"
        "const handler = handlers && handlers." CONSOLE_HANDLER ";\n"
        "if (!handler) return;\n"
        "const post = handler.postMessage.bind(handler);\n"
        "const levels = { debug: 0, log: 1, info: 1, warn: 2, error: 3 };\n"
        "const text = (v) => {\n"
        "  if (typeof v === 'string') return v;\n"
        "  try { if (v !== null && typeof v === 'object' && !(v instanceof Error)) return JSON.stringify(v); } catch (e) {}\n"
        "  return String(v);\n"
        "};\n"
        "for (const name of Object.keys(levels)) {\n"
        "  const original = console[name];\n"
        "  if (typeof original !== 'function') continue;\n"
        "  const wrapper = function (...args) {\n"
        "    try {\n"
        "      let message = args.map(text).join(' ');\n"
        "      if (message.length > " G_STRINGIFY(CONSOLE_MAX_MESSAGE) ") message = message.slice(0, " G_STRINGIFY(CONSOLE_MAX_MESSAGE) ");\n"
        "      const frames = String(new Error().stack || '').split('\\n').slice(1);\n"
        "      let m = null;\n"
        "      for (const f of frames) if ((m = /@(.+):(\\d+):\\d+$/.exec(f))) break;\n"
        "      post({ level: levels[name], message, line: m ? Number(m[2]) : 0, sourceId: m ? m[1] : '' });\n"
        "    } catch (e) {}\n"
        "    return original.apply(this, args);\n"
        "  };\n"
        "  Object.defineProperty(console, name, { value: wrapper, writable: true, configurable: true, enumerable: false });\n"
        "}\n"
        "})();\n";

/* In a world of its own, so the page can neither fake nor block it. */
static const char internal_script[] =
        "document.addEventListener('DOMContentLoaded', function () {\n"
        "  window.webkit.messageHandlers." INTERNAL_HANDLER ".postMessage('dom-ready');\n"
        "}, { once: true });\n";

void page_events_add_scripts(AppWindow *self, WebKitUserContentManager *content) {
        g_autoptr(WebKitUserScript) internal = NULL, console = NULL;

        internal = webkit_user_script_new_for_world(internal_script, WEBKIT_USER_CONTENT_INJECT_TOP_FRAME,
                                                    WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START,
                                                    INTERNAL_WORLD, NULL, NULL);
        webkit_user_content_manager_add_script(content, internal);
        if (!webkit_user_content_manager_register_script_message_handler(content, INTERNAL_HANDLER, INTERNAL_WORLD))
                g_warning("Could not register the %s message handler", INTERNAL_HANDLER);
        g_signal_connect_object(content, "script-message-received::" INTERNAL_HANDLER,
                                G_CALLBACK(content_internal_message_cb), self, 0);

        console = webkit_user_script_new(console_script, WEBKIT_USER_CONTENT_INJECT_ALL_FRAMES,
                                         WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, NULL, NULL);
        webkit_user_content_manager_add_script(content, console);
        if (!webkit_user_content_manager_register_script_message_handler(content, CONSOLE_HANDLER, NULL))
                g_warning("Could not register the %s message handler", CONSOLE_HANDLER);
        g_signal_connect_object(content, "script-message-received::" CONSOLE_HANDLER,
                                G_CALLBACK(content_console_message_cb), self, 0);
}

void page_events_connect(AppWindow *self) {
        WebKitWebInspector *inspector = webkit_web_view_get_inspector(self->view);

        g_signal_connect_object(inspector, "open-window", G_CALLBACK(inspector_open_window_cb), self, 0);
        g_signal_connect_object(inspector, "attach", G_CALLBACK(inspector_attach_cb), self, 0);
        g_signal_connect_object(inspector, "bring-to-front", G_CALLBACK(inspector_open_window_cb), self, 0);
        g_signal_connect_object(inspector, "closed", G_CALLBACK(inspector_closed_cb), self, 0);
}
