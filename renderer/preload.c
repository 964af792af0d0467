/* The preload as WebKit injects it: protocol/ipc-codec.js, the
 * ipcRenderer bridge (web-process/preload-bridge.js) and the app's preload
 * in one user script, in the preload's world (the page's own without
 * context isolation), and with isolation contextBridge's half in the
 * page's world (web-process/main-world-bridge.js). */
#include <string.h>
#include <node_version.h>

#include "app-window-private.h"
#include "ipc-codec.h"
#include "main-world-bridge.h"
#include "preload-bridge.h"

/* Stands for the sendSync token in preload-bridge.js. */
#define IPC_TOKEN_PLACEHOLDER  "__APPD_TOKEN__"
#define MAIN_WORLD_READY_EVENT "appd-main-world-ready"
#define PRELOAD_WAITING_EVENT  "appd-preload-waiting"

/* Appends `s` (valid UTF-8, `n` bytes, no NUL) as a double-quoted JS
 * string literal, so text from the daemon can only ever be data. */
static void js_string_append(GString *out, const char *s, size_t n) {
        g_string_append_c(out, '"');
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];

                switch (c) {
                case '"':
                        g_string_append(out, "\\\"");
                        break;
                case '\\':
                        g_string_append(out, "\\\\");
                        break;
                case '\n':
                        g_string_append(out, "\\n");
                        break;
                case '\r':
                        g_string_append(out, "\\r");
                        break;
                default:
                        if (c < 0x20 || c == 0x7f)
                                g_string_append_printf(out, "\\u%04x", c);
                        else if (c == 0xe2 && i + 2 < n && (unsigned char) s[i + 1] == 0x80 &&
                                 ((unsigned char) s[i + 2] == 0xa8 || (unsigned char) s[i + 2] == 0xa9)) {
                                /* U+2028/U+2029 end a line in older JS
                                 * grammars; escaping is always safe. */
                                g_string_append_printf(out, "\\u%04x", 0x2000 + (unsigned char) s[i + 2] - 0x80);
                                i += 2;
                        } else
                                g_string_append_c(out, (char) c);
                }
        }
        g_string_append_c(out, '"');
}

/* What a sandboxed preload's process.env holds: the session's locale,
 * user and desktop, as a JavaScript object literal.  With Node, process.env
 * is the main process's whole environment instead. */
static void preload_env_append(GString *s) {
        static const char *const names[] = {
                "HOME", "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LOGNAME", "USER", "TZ",
                "XDG_CURRENT_DESKTOP", "XDG_SESSION_TYPE", "DESKTOP_SESSION",
        };
        gboolean first = TRUE;

        g_string_append_c(s, '{');
        for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
                const char *value = g_getenv(names[i]);

                if (!value || !g_utf8_validate(value, -1, NULL))
                        continue;
                if (!first)
                        g_string_append(s, ", ");
                first = FALSE;
                js_string_append(s, names[i], strlen(names[i]));
                g_string_append(s, ": ");
                js_string_append(s, value, strlen(value));
        }
        g_string_append_c(s, '}');
}

/* ipc-codec.js, then the bridge (a function expression) called with the
 * versions and options, then the app's preload in a function of its own
 * with require and process in scope — a CommonJS module in spirit. */
static char *preload_script_build(AppWindow *self, const AppWindowOptions *options) {
        g_autofree char *webkit = g_strdup_printf("%u.%u.%u", webkit_get_major_version(),
                                                  webkit_get_minor_version(), webkit_get_micro_version());
        g_autofree char *gtk = g_strdup_printf("%u.%u.%u", gtk_get_major_version(),
                                               gtk_get_minor_version(), gtk_get_micro_version());
        const char *preload_path = options->preload_path;
        const char *node_mode = options->node_mode;
        g_autofree char *uri = g_filename_to_uri(preload_path ? preload_path : "/appd-node-integration.js",
                                                 NULL, NULL);
        g_autoptr(GString) bridge = g_string_new(preload_bridge_js);
        GString *s = g_string_new(NULL);

        g_string_replace(bridge, IPC_TOKEN_PLACEHOLDER, self->ipc.token, 0);

        /* WebKit injects document-start scripts world by world in no set
         * order, yet contextBridge needs its main-world half listening
         * before the preload runs: with isolation, whichever of the two
         * comes second starts the preload (see main_world_ready_script). */
        if (self->ipc.world)
                g_string_append(s, "(function (run) {\n"
                                   "let started = false;\n"
                                   "const start = () => { if (!started) { started = true; run(); } };\n"
                                   "document.addEventListener('" MAIN_WORLD_READY_EVENT "', start, { once: true });\n"
                                   "document.dispatchEvent(new CustomEvent('" PRELOAD_WAITING_EVENT "'));\n"
                                   "})(function () {\n");
        g_string_append(s, ipc_codec_js);
        g_string_append(s, "\n;\n(function (__appdBridge) {\n"
                           "(function (require, process, module, exports, __filename, __dirname, global,"
                           " setImmediate, clearImmediate) {\ntry {\n");
        g_string_append(s, options->preload_source);
        g_string_append(s, "\n} catch (e) {\n"
                           "console.error('appd: preload threw:', e);\n"
                           "}\n"
                           "})(__appdBridge.require, __appdBridge.process, __appdBridge.module,"
                           " __appdBridge.exports, __appdBridge.__filename, __appdBridge.__dirname,"
                           " __appdBridge.global, __appdBridge.setImmediate, __appdBridge.clearImmediate);\n"
                           "})(");
        g_string_append(s, bridge->str);
        g_string_append(s, "({ appd: ");
        js_string_append(s, APPD_VERSION, strlen(APPD_VERSION));
        g_string_append(s, ", webkit: ");
        js_string_append(s, webkit, strlen(webkit));
        g_string_append(s, ", gtk: ");
        js_string_append(s, gtk, strlen(gtk));
        /* What Electron's preloads see, sandboxed or not. */
        g_string_append(s, ", node: ");
        js_string_append(s, NODE_VERSION_STRING, strlen(NODE_VERSION_STRING));
        g_string_append(s, ", electron: ");
        js_string_append(s, APPD_ELECTRON_VERSION, strlen(APPD_ELECTRON_VERSION));
        g_string_append(s, ", chrome: ");
        js_string_append(s, APPD_CHROME_VERSION, strlen(APPD_CHROME_VERSION));
        g_string_append_printf(s, " }, { contextIsolation: %s, ipcMaxPayload: %u, node: %s, preloadPath: ",
                               self->ipc.world ? "true" : "false", self->ipc.max_payload,
                               node_mode ? (g_str_equal(node_mode, "page") ? "'page'" : "'preload'") : "null");
        if (preload_path)
                js_string_append(s, preload_path, strlen(preload_path));
        else
                g_string_append(s, "null");
        g_string_append(s, ", env: ");
        preload_env_append(s);
        g_string_append(s, ", argv: [");
        {
                g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
                if (exe && g_utf8_validate(exe, -1, NULL))
                        js_string_append(s, exe, strlen(exe));
        }
        g_string_append(s, "] }));\n");
        if (self->ipc.world)
                g_string_append(s, "});\n");
        if (uri && !strpbrk(uri, "\r\n"))
                g_string_append_printf(s, "//# sourceURL=%s\n", uri);

        return g_string_free(s, FALSE);
}

/* After main-world-bridge.js, in the page's world: tells the preload its
 * contextBridge peer listens now, at once or when the preload asks. */
static const char main_world_ready_script[] =
        "(function () {\n"
        "const ready = () => document.dispatchEvent(new CustomEvent('" MAIN_WORLD_READY_EVENT "'));\n"
        "document.addEventListener('" PRELOAD_WAITING_EVENT "', ready, { once: true });\n"
        "ready();\n"
        "})();\n";

void preload_add(AppWindow *self, WebKitUserContentManager *content, const AppWindowOptions *options) {
        g_autofree char *source = NULL;
        g_autoptr(WebKitUserScript) script = NULL;

        /* contextBridge's half in the page's world, added first so that it
         * listens before the preload exposes anything. */
        if (self->ipc.world) {
                g_autoptr(WebKitUserScript) main_world = NULL;

                main_world = webkit_user_script_new(main_world_bridge_js, WEBKIT_USER_CONTENT_INJECT_TOP_FRAME,
                                                    WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, NULL, NULL);
                webkit_user_content_manager_add_script(content, main_world);
                g_clear_pointer(&main_world, webkit_user_script_unref);
                main_world = webkit_user_script_new(main_world_ready_script, WEBKIT_USER_CONTENT_INJECT_TOP_FRAME,
                                                    WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, NULL, NULL);
                webkit_user_content_manager_add_script(content, main_world);
        }

        source = preload_script_build(self, options);
        if (self->ipc.world)
                script = webkit_user_script_new_for_world(source, WEBKIT_USER_CONTENT_INJECT_TOP_FRAME,
                                                          WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START,
                                                          self->ipc.world, NULL, NULL);
        else
                script = webkit_user_script_new(source, WEBKIT_USER_CONTENT_INJECT_TOP_FRAME,
                                                WEBKIT_USER_SCRIPT_INJECT_AT_DOCUMENT_START, NULL, NULL);
        webkit_user_content_manager_add_script(content, script);
}
