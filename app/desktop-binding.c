/* The binding's `desktop` object (process._linkedBinding('appd').desktop
 * for bootstrap.js, ctx.desktop for the electron module): AppHost's
 * clipboard and screen methods, each a call that waits for appd's answer
 * (host_call_wait()), since Electron's clipboard and screen are
 * synchronous.  Errors are thrown as JavaScript errors whose code is the
 * D-Bus error's name (org.appd.Appd1.Error.TooLarge, …). */
#include "host.h"

#include <errno.h>
#include <string.h>

#include "host-private.h"

/* Sends m (r: how building it went) and waits for appd's answer, or
 * throws why there is none (the D-Bus error's name as the code) and
 * returns a negative errno. */
static int call(napi_env env, sd_bus_message *m, int r, sd_bus_message **ret_reply) {
        sd_bus_error error = SD_BUS_ERROR_NULL;

        if (r >= 0)
                r = host_call_wait(m, &error, ret_reply);
        if (r < 0 && sd_bus_error_is_set(&error))
                napi_throw_error(env, error.name, error.message ?: error.name);
        else if (r < 0)
                napi_throw_error(env, NULL, g_strerror(-r));
        sd_bus_error_free(&error);
        return r;
}

/* Throws for an answer that is not what the XML says. */
static napi_value malformed(napi_env env, int r) {
        napi_throw_error(env, NULL, r < 0 ? g_strerror(-r) : "appd sent a malformed answer");
        return NULL;
}

/* A selection name from JavaScript: "clipboard" or "selection"; any other
 * string reaches appd, which refuses it. */
static char *selection_arg(napi_env env, napi_value value) {
        char *s = js_value_dup_string(env, value);

        if (!s)
                napi_throw_type_error(env, NULL, "The clipboard type must be a string");
        return s;
}

/* clipboardRead(selection, format): an ArrayBuffer, empty when the
 * clipboard has no such format. */
static napi_value js_clipboard_read_cb(napi_env env, napi_callback_info info) {
        g_autoptr(sd_bus_message) m = NULL, reply = NULL;
        g_autofree char *selection = NULL, *format = NULL;
        napi_value argv[2], result = NULL;
        const void *data = NULL;
        size_t size = 0;
        void *copy;
        int r;

        if (js_args_get(env, info, 2, argv) < 0 || !(selection = selection_arg(env, argv[0])))
                return NULL;
        format = js_value_dup_string(env, argv[1]);
        if (!format) {
                napi_throw_type_error(env, NULL, "The format must be a string");
                return NULL;
        }
        r = host_call_new_method("ClipboardRead", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "ss", selection, format);
        if (call(env, m, r, &reply) < 0)
                return NULL;
        r = sd_bus_message_read_array(reply, 'y', &data, &size);
        if (r < 0)
                return malformed(env, r);
        if (napi_create_arraybuffer(env, size, &copy, &result) == napi_ok && size > 0)
                memcpy(copy, data, size);
        return result;
}

/* clipboardWrite(selection, [[format, bytes], ...]): owns the clipboard
 * with all of them at once; none empties it. */
static napi_value js_clipboard_write_cb(napi_env env, napi_callback_info info) {
        static const char empty[1];
        g_autoptr(sd_bus_message) m = NULL;
        g_autofree char *selection = NULL;
        napi_value argv[2];
        uint32_t n = 0;
        bool is_array = false;
        int r;

        if (js_args_get(env, info, 2, argv) < 0 || !(selection = selection_arg(env, argv[0])))
                return NULL;
        if (napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array) {
                napi_throw_type_error(env, NULL, "appd binding: clipboard items must be an array");
                return NULL;
        }
        napi_get_array_length(env, argv[1], &n);
        r = host_call_new_method("ClipboardWrite", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", selection);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(say)");
        for (uint32_t i = 0; r >= 0 && i < n; i++) {
                g_autofree char *format = NULL;
                napi_value item, value;
                const void *data = NULL;
                size_t size = 0;

                napi_get_element(env, argv[1], i, &item);
                napi_get_element(env, item, 0, &value);
                format = js_value_dup_string(env, value);
                napi_get_element(env, item, 1, &value);
                if (!format || !js_value_get_bytes(env, value, &data, &size)) {
                        napi_throw_type_error(env, NULL,
                                              "appd binding: a clipboard item is [format, bytes]");
                        return NULL;
                }
                r = sd_bus_message_open_container(m, 'r', "say");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", format);
                if (r >= 0)
                        r = sd_bus_message_append_array(m, 'y', data ?: empty, size);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        call(env, m, r, NULL);
        return NULL;
}

/* clipboardFormats(selection): the MIME types it offers. */
static napi_value js_clipboard_formats_cb(napi_env env, napi_callback_info info) {
        g_autoptr(sd_bus_message) m = NULL, reply = NULL;
        g_autofree char *selection = NULL;
        g_auto(GStrv) formats = NULL;
        napi_value argv[1], result;
        int r;

        if (js_args_get(env, info, 1, argv) < 0 || !(selection = selection_arg(env, argv[0])))
                return NULL;
        r = host_call_new_method("ClipboardFormats", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", selection);
        if (call(env, m, r, &reply) < 0)
                return NULL;
        r = sd_bus_message_read_strv(reply, &formats);
        if (r < 0)
                return malformed(env, r);
        napi_create_array(env, &result);
        for (uint32_t i = 0; formats && formats[i]; i++)
                napi_set_element(env, result, i, js_string(env, formats[i]));
        return result;
}

/* One display's a{sv} as a plain object of numbers and strings. */
static int display_read(napi_env env, sd_bus_message *reply, napi_value *ret) {
        napi_value object, value;
        const char *key, *contents;
        int r;

        napi_create_object(env, &object);
        r = sd_bus_message_enter_container(reply, 'a', "{sv}");
        if (r <= 0)
                return r;
        while ((r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0) {
                char type;

                r = sd_bus_message_read(reply, "s", &key);
                if (r >= 0)
                        r = sd_bus_message_peek_type(reply, &type, &contents);
                if (r < 0)
                        return r;
                value = NULL;
                if (g_str_equal(contents, "u")) {
                        uint32_t u;
                        r = sd_bus_message_read(reply, "v", "u", &u);
                        napi_create_uint32(env, u, &value);
                } else if (g_str_equal(contents, "i")) {
                        int32_t i;
                        r = sd_bus_message_read(reply, "v", "i", &i);
                        napi_create_int32(env, i, &value);
                } else if (g_str_equal(contents, "d")) {
                        double d;
                        r = sd_bus_message_read(reply, "v", "d", &d);
                        napi_create_double(env, d, &value);
                } else if (g_str_equal(contents, "s")) {
                        const char *s;
                        r = sd_bus_message_read(reply, "v", "s", &s);
                        value = js_string(env, s);
                } else
                        r = sd_bus_message_skip(reply, "v");
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
                if (r < 0)
                        return r;
                if (value)
                        napi_set_named_property(env, object, key, value);
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(reply);
        *ret = object;
        return r < 0 ? r : 1;
}

/* screenDisplays(): the displays, primary first, as appd-desktop
 * describes them (Desktop.GetDisplays); api/screen.js makes Electron's
 * Display objects of them. */
static napi_value js_screen_displays_cb(napi_env env, napi_callback_info info) {
        g_autoptr(sd_bus_message) m = NULL, reply = NULL;
        napi_value result, display;
        uint32_t n = 0;
        int r;

        r = host_call_new_method("ScreenGetDisplays", &m);
        if (call(env, m, r, &reply) < 0)
                return NULL;
        r = sd_bus_message_enter_container(reply, 'a', "a{sv}");
        napi_create_array(env, &result);
        while (r >= 0 && (r = display_read(env, reply, &display)) > 0)
                napi_set_element(env, result, n++, display);
        if (r >= 0)
                r = sd_bus_message_exit_container(reply);
        if (r < 0)
                return malformed(env, r);
        return result;
}

/* screenCursor(): {x, y}. */
static napi_value js_screen_cursor_cb(napi_env env, napi_callback_info info) {
        g_autoptr(sd_bus_message) m = NULL, reply = NULL;
        napi_value result, value;
        int32_t x = 0, y = 0;
        int r;

        r = host_call_new_method("ScreenGetCursorPoint", &m);
        if (call(env, m, r, &reply) < 0)
                return NULL;
        r = sd_bus_message_read(reply, "ii", &x, &y);
        if (r < 0)
                return malformed(env, r);
        napi_create_object(env, &result);
        napi_create_int32(env, x, &value);
        napi_set_named_property(env, result, "x", value);
        napi_create_int32(env, y, &value);
        napi_set_named_property(env, result, "y", value);
        return result;
}

/* screenWatch(watch), themeWatch(watch): whether the app hears
 * {ev: 'displays-changed'}, {ev: 'theme-changed'}; the function's data is
 * the AppHost method's name. */
static napi_value js_watch_cb(napi_env env, napi_callback_info info) {
        g_autoptr(sd_bus_message) m = NULL;
        napi_value argv[1];
        size_t argc = 1;
        const char *member = NULL;
        bool watch = false;
        int r;

        if (napi_get_cb_info(env, info, &argc, argv, NULL, (void **) &member) != napi_ok || argc < 1) {
                napi_throw_type_error(env, NULL, "appd binding: missing arguments");
                return NULL;
        }
        napi_get_value_bool(env, argv[0], &watch);
        r = host_call_new_method(member, &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "b", watch);
        call(env, m, r, NULL);
        return NULL;
}

/* themeGet(): whether the desktop prefers dark colours. */
static napi_value js_theme_get_cb(napi_env env, napi_callback_info info) {
        g_autoptr(sd_bus_message) m = NULL, reply = NULL;
        napi_value result;
        int dark = 0, r;

        r = host_call_new_method("ThemeGet", &m);
        if (call(env, m, r, &reply) < 0)
                return NULL;
        r = sd_bus_message_read(reply, "b", &dark);
        if (r < 0)
                return malformed(env, r);
        napi_get_boolean(env, dark, &result);
        return result;
}

void desktop_binding_init(napi_env env, napi_value object) {
        static const struct {
                const char *name;
                napi_callback cb;
                const char *data;
        } functions[] = {
                { "clipboardRead", js_clipboard_read_cb },
                { "clipboardWrite", js_clipboard_write_cb },
                { "clipboardFormats", js_clipboard_formats_cb },
                { "screenDisplays", js_screen_displays_cb },
                { "screenCursor", js_screen_cursor_cb },
                { "screenWatch", js_watch_cb, "ScreenWatch" },
                { "themeGet", js_theme_get_cb },
                { "themeWatch", js_watch_cb, "ThemeWatch" },
        };
        napi_value value;

        for (size_t i = 0; i < G_N_ELEMENTS(functions); i++) {
                napi_create_function(env, functions[i].name, NAPI_AUTO_LENGTH, functions[i].cb,
                                     (void *) functions[i].data, &value);
                napi_set_named_property(env, object, functions[i].name, value);
        }
}
