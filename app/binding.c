/* The binding bootstrap.js sees as process._linkedBinding('appd'): its
 * functions put what the app says on the link to appd (host.c) or on a
 * page's link (page-links.c); init() starts serving appd's calls.  It also
 * carries the embedded sources of the electron module, the IPC codec and
 * remote.js, and the versions process.versions adds. */
#include "host.h"

#include <errno.h>
#include <string.h>

#include <uv.h>

#include "api-js.h"
#include "bus-string.h"
#include "host-private.h"
#include "ipc-codec-js.h"
#include "remote-js.h"
#include "session-bus.h"
#include "trash.h"

napi_value js_string(napi_env env, const char *s) {
        napi_value v;

        napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
        return v;
}

char *js_value_dup_string(napi_env env, napi_value value) {
        size_t len;
        char *s;

        if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok)
                return NULL;
        s = g_malloc(len + 1);
        if (napi_get_value_string_utf8(env, value, s, len + 1, &len) != napi_ok) {
                g_free(s);
                return NULL;
        }
        return s;
}

int js_args_get(napi_env env, napi_callback_info info, size_t n, napi_value *argv) {
        size_t argc = n;

        if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < n) {
                napi_throw_type_error(env, NULL, "appd binding: missing arguments");
                return -EINVAL;
        }
        return 0;
}

/* The bytes of an ArrayBuffer or typed array, borrowed; false for any
 * other value. */
bool js_value_get_bytes(napi_env env, napi_value value, const void **ret_data,
                        size_t *ret_size) {
        bool is_buffer = false, is_view = false;
        napi_typedarray_type type;
        napi_value buffer;
        size_t length, offset, element = 1;
        void *data = NULL;

        if (napi_is_arraybuffer(env, value, &is_buffer) == napi_ok && is_buffer) {
                if (napi_get_arraybuffer_info(env, value, &data, &length) != napi_ok)
                        return false;
                *ret_data = data;
                *ret_size = length;
                return true;
        }
        if (napi_is_typedarray(env, value, &is_view) != napi_ok || !is_view)
                return false;
        if (napi_get_typedarray_info(env, value, &type, &length, &data, &buffer, &offset) != napi_ok)
                return false;
        switch (type) {
        case napi_int16_array:
        case napi_uint16_array:
                element = 2;
                break;
        case napi_int32_array:
        case napi_uint32_array:
        case napi_float32_array:
                element = 4;
                break;
        case napi_float64_array:
        case napi_bigint64_array:
        case napi_biguint64_array:
                element = 8;
                break;
        default:
                break;
        }
        *ret_data = data;
        *ret_size = length * element;
        return true;
}

/* send(json[, bytes]): an op for appd; bytes (ArrayBuffer or typed array)
 * is the IPC frame of send, invoke-reply and send-sync-reply, copied into
 * the message.  False when the link refused it. */
static napi_value js_binding_send_cb(napi_env env, napi_callback_info info) {
        static const char empty[1];
        g_autofree char *json = NULL;
        napi_valuetype type = napi_undefined;
        napi_value argv[2], result;
        size_t argc = G_N_ELEMENTS(argv);
        const void *data = NULL;
        size_t size = 0;
        bool has_payload;
        int r;

        if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
                napi_throw_type_error(env, NULL, "appd binding: missing arguments");
                return NULL;
        }
        json = js_value_dup_string(env, argv[0]);
        /* Whatever its strings hold crosses sd-bus escaped. */
        if (json) {
                char *ascii = bus_string_json_ascii(json);

                g_free(json);
                json = ascii;
        }
        if (!json) {
                napi_throw_type_error(env, NULL, "appd binding: expected a string");
                return NULL;
        }
        if (argc > 1)
                napi_typeof(env, argv[1], &type);
        has_payload = type != napi_undefined && type != napi_null;
        if (has_payload && !js_value_get_bytes(env, argv[1], &data, &size)) {
                napi_throw_type_error(env, NULL, "appd binding: payload must be bytes");
                return NULL;
        }
        r = host_message_send(json, has_payload ? (data ?: empty) : NULL, size);
        napi_get_boolean(env, r >= 0, &result);
        return result;
}

/* answer(req, ok, value): the app's answer to a page link's Invoke or
 * SendSync `req`: value is the result frame (bytes) when ok, else the
 * error's message.  One that nobody waits for any more is dropped. */
static napi_value js_binding_answer_cb(napi_env env, napi_callback_info info) {
        g_autofree char *text = NULL;
        napi_value argv[3];
        const void *data = NULL;
        size_t size = 0;
        int64_t req = 0;
        bool ok = false;

        if (js_args_get(env, info, 3, argv) < 0)
                return NULL;
        napi_get_value_int64(env, argv[0], &req);
        napi_get_value_bool(env, argv[1], &ok);
        if (!page_links_waits(req))
                return NULL;
        if (ok && !js_value_get_bytes(env, argv[2], &data, &size)) {
                napi_throw_type_error(env, NULL, "appd binding: the answer must be bytes");
                return NULL;
        }
        if (!ok)
                text = js_value_dup_string(env, argv[2]);
        page_links_answer(req, ok, data, size, text);
        return NULL;
}

/* pageSend(window, channel, bytes): webContents.send on the page link of
 * the app's window `window`.  True when sent there; false when the page
 * has no link (or appd is to refuse the message): then it goes through
 * appd; a string says why it was refused. */
static napi_value js_binding_page_send_cb(napi_env env, napi_callback_info info) {
        g_autofree char *channel = NULL;
        napi_value argv[3], result;
        const void *data = NULL;
        size_t size = 0;
        uint32_t window = 0;
        int r;

        if (js_args_get(env, info, 3, argv) < 0)
                return NULL;
        napi_get_value_uint32(env, argv[0], &window);
        channel = js_value_dup_string(env, argv[1]);
        if (!channel || !js_value_get_bytes(env, argv[2], &data, &size)) {
                napi_throw_type_error(env, NULL, "appd binding: a channel and bytes are wanted");
                return NULL;
        }
        r = page_links_send(window, channel, data, size);
        if (r == -ENOBUFS)
                napi_create_string_utf8(env, "too many messages waiting", NAPI_AUTO_LENGTH, &result);
        else
                napi_get_boolean(env, r > 0, &result);
        return result;
}

/* ipcLimit(bytes): the app's IPC size limit (the Start spec's). */
static napi_value js_binding_ipc_limit_cb(napi_env env, napi_callback_info info) {
        napi_value argv[1];
        uint32_t limit = 0;

        if (js_args_get(env, info, 1, argv) < 0)
                return NULL;
        napi_get_value_uint32(env, argv[0], &limit);
        page_links_set_ipc_max(limit);
        return NULL;
}

/* output(stream, text): a chunk of the app's stdout (1) or stderr (2) */
static napi_value js_binding_output_cb(napi_env env, napi_callback_info info) {
        g_autoptr(sd_bus_message) m = NULL;
        g_autofree char *text = NULL, *valid = NULL;
        napi_value argv[2];
        int32_t stream = 1;
        int r;

        if (js_args_get(env, info, 2, argv) < 0)
                return NULL;
        napi_get_value_int32(env, argv[0], &stream);
        text = js_value_dup_string(env, argv[1]);
        if (!text) {
                napi_throw_type_error(env, NULL, "appd binding: expected a string");
                return NULL;
        }
        r = host_call_new("Output", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "is", stream == 2 ? 2 : 1, bus_string(text, &valid));
        host_call_send(m, "Output", strlen(text), r);
        return NULL;
}

/* exited(code, reason, message): the app's end; does not return */
static napi_value js_binding_exited_cb(napi_env env, napi_callback_info info) {
        g_autofree char *reason = NULL, *message = NULL;
        napi_value argv[3];
        int32_t code = 1;

        if (js_args_get(env, info, 3, argv) < 0)
                return NULL;
        napi_get_value_int32(env, argv[0], &code);
        reason = js_value_dup_string(env, argv[1]);
        message = js_value_dup_string(env, argv[2]);
        host_report_exit(code, reason ?: "failed", message ?: "");
}

/* log(text): the bootstrap's own trouble, for appd's journal */
static napi_value js_binding_log_cb(napi_env env, napi_callback_info info) {
        g_autofree char *text = NULL;
        napi_value argv[1];

        if (js_args_get(env, info, 1, argv) < 0)
                return NULL;
        text = js_value_dup_string(env, argv[0]);
        g_warning("%s", text ?: "(not a string)");
        return NULL;
}

/* title(text): what ps shows for this process */
static napi_value js_binding_title_cb(napi_env env, napi_callback_info info) {
        g_autofree char *text = NULL;
        napi_value argv[1];

        if (js_args_get(env, info, 1, argv) < 0)
                return NULL;
        text = js_value_dup_string(env, argv[0]);
        if (text)
                uv_set_process_title(text);
        return NULL;
}

/* init(dispatch): serve the link; appd's calls reach
 * dispatch('start', spec), dispatch('post', json) and
 * dispatch('ipc', channel, payload, window, kind, req). */
static napi_value js_binding_init_cb(napi_env env, napi_callback_info info) {
        napi_value argv[1];
        int r;

        if (js_args_get(env, info, 1, argv) < 0)
                return NULL;
        r = host_serve(env, argv[0]);
        if (r == -EALREADY)
                napi_throw_error(env, NULL, "appd binding: already serving");
        else if (r < 0)
                napi_throw_error(env, NULL, "appd binding: cannot serve the link");
        return NULL;
}

napi_value host_binding_init(napi_env env, napi_value exports) {
        static const struct {
                const char *name;
                napi_callback cb;
        } functions[] = {
                { "init", js_binding_init_cb },
                { "send", js_binding_send_cb },
                { "answer", js_binding_answer_cb },
                { "pageSend", js_binding_page_send_cb },
                { "ipcLimit", js_binding_ipc_limit_cb },
                { "output", js_binding_output_cb },
                { "exited", js_binding_exited_cb },
                { "log", js_binding_log_cb },
                { "title", js_binding_title_cb },
                { "setMenu", js_binding_set_menu_cb },
                { "dropMenu", js_binding_drop_menu_cb },
                { "setWindowMenu", js_binding_set_window_menu_cb },
                { "popupMenu", js_binding_popup_menu_cb },
                { "closePopup", js_binding_close_popup_cb },
                { "busCall", js_bus_call_cb },
                { "busCallSync", js_bus_call_sync_cb },
                { "busMatch", js_bus_match_cb },
                { "busWait", js_bus_wait_cb },
                { "busUnmatch", js_bus_unmatch_cb },
                { "busUniqueName", js_bus_unique_name_cb },
                { "trash", js_trash_cb },
        };
        static const struct {
                const char *name;
                const char *source;
        } sources[] = {
                APPD_JS_API_SOURCES
                { "codecSource", appd_js_ipc_codec },
                { "remoteSource", appd_js_remote },
        };
        /* What bootstrap.js adds to process.versions: the Electron release
         * whose API appd follows (the top-level CMakeLists.txt), and appd. */
        static const char *const versions[][2] = {
                { "electron", APPD_ELECTRON_VERSION },
                { "chrome", APPD_CHROME_VERSION },
                { "appd", APPD_VERSION },
        };
        napi_value value;

        for (size_t i = 0; i < G_N_ELEMENTS(functions); i++) {
                napi_create_function(env, functions[i].name, NAPI_AUTO_LENGTH, functions[i].cb,
                                     NULL, &value);
                napi_set_named_property(env, exports, functions[i].name, value);
        }
        for (size_t i = 0; i < G_N_ELEMENTS(sources); i++)
                napi_set_named_property(env, exports, sources[i].name,
                                        js_string(env, sources[i].source));
        napi_create_object(env, &value);
        desktop_binding_init(env, value);
        napi_set_named_property(env, exports, "desktop", value);
        napi_create_object(env, &value);
        for (size_t i = 0; i < G_N_ELEMENTS(versions); i++)
                napi_set_named_property(env, value, versions[i][0], js_string(env, versions[i][1]));
        napi_set_named_property(env, exports, "versions", value);
        napi_set_named_property(env, exports, "image", native_image_binding(env));
        return exports;
}
