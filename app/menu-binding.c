/* The binding's menu functions: what app/api/menu.js asks of appd, as
 * AppHost's typed menu methods (protocol/org.appd.Appd1.AppHost.xml).
 * The electron module checks its arguments; appd checks them again. */
#include <string.h>

#include "bus-string.h"
#include "host-private.h"

static uint32_t js_uint32(napi_env env, napi_value v) {
        uint32_t n = 0;

        napi_get_value_uint32(env, v, &n);
        return n;
}

static int32_t js_int32(napi_env env, napi_value v) {
        int32_t n = 0;

        napi_get_value_int32(env, v, &n);
        return n;
}

static bool js_bool(napi_env env, napi_value v) {
        bool b = false;

        napi_get_value_bool(env, v, &b);
        return b;
}

/* A string as sd-bus takes it: valid UTF-8 (bus_string()); "" for what
 * is not a string. */
static char *js_text(napi_env env, napi_value v, size_t *size) {
        g_autofree char *s = NULL;
        char *valid = NULL;
        size_t len = 0;

        if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok)
                return g_strdup("");
        s = g_malloc(len + 1);
        napi_get_value_string_utf8(env, v, s, len + 1, &len);
        *size += len;
        bus_string(s, &valid);
        return valid ? valid : g_steal_pointer(&s);
}

/* Up to n arguments; missing ones are undefined. */
static void js_args(napi_env env, napi_callback_info info, size_t n, napi_value *argv) {
        size_t argc = n;

        napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
        for (size_t i = argc; i < n; i++)
                napi_get_undefined(env, &argv[i]);
}

/* setMenu(menu, items): items an array of [id, type, label, sublabel,
 * toolTip, accelerator, enabled, visible, checked, registerAccelerator,
 * submenu]. */
napi_value js_binding_set_menu_cb(napi_env env, napi_callback_info info) {
        g_autoptr(sd_bus_message) m = NULL;
        napi_value argv[2];
        uint32_t n = 0;
        size_t size = 0;
        bool is_array = false;
        int r;

        js_args(env, info, 2, argv);
        if (napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array) {
                napi_throw_type_error(env, NULL, "appd binding: items must be an array");
                return NULL;
        }
        napi_get_array_length(env, argv[1], &n);
        r = host_call_new("SetMenu", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "u", js_uint32(env, argv[0]));
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(usssssbbbbu)");
        for (uint32_t i = 0; r >= 0 && i < n; i++) {
                g_autofree char *type = NULL, *label = NULL, *sublabel = NULL, *tool_tip = NULL,
                                *accelerator = NULL;
                napi_value item, f[11];

                napi_get_element(env, argv[1], i, &item);
                for (uint32_t k = 0; k < G_N_ELEMENTS(f); k++)
                        if (napi_get_element(env, item, k, &f[k]) != napi_ok)
                                napi_get_undefined(env, &f[k]);
                type = js_text(env, f[1], &size);
                label = js_text(env, f[2], &size);
                sublabel = js_text(env, f[3], &size);
                tool_tip = js_text(env, f[4], &size);
                accelerator = js_text(env, f[5], &size);
                r = sd_bus_message_append(m, "(usssssbbbbu)", js_uint32(env, f[0]), type, label,
                                          sublabel, tool_tip, accelerator, js_bool(env, f[6]),
                                          js_bool(env, f[7]), js_bool(env, f[8]),
                                          js_bool(env, f[9]), js_uint32(env, f[10]));
                size += 64;
        }
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        host_call_send(m, "SetMenu", size, r);
        return NULL;
}

/* dropMenu(menu) */
napi_value js_binding_drop_menu_cb(napi_env env, napi_callback_info info) {
        g_autoptr(sd_bus_message) m = NULL;
        napi_value argv[1];
        int r;

        js_args(env, info, 1, argv);
        r = host_call_new("DropMenu", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "u", js_uint32(env, argv[0]));
        host_call_send(m, "DropMenu", 0, r);
        return NULL;
}

/* setWindowMenu(window, menu) and closePopup(window, menu) */
static napi_value two_numbers(napi_env env, napi_callback_info info, const char *member) {
        g_autoptr(sd_bus_message) m = NULL;
        napi_value argv[2];
        int r;

        js_args(env, info, 2, argv);
        r = host_call_new(member, &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "uu", js_uint32(env, argv[0]), js_uint32(env, argv[1]));
        host_call_send(m, member, 0, r);
        return NULL;
}

napi_value js_binding_set_window_menu_cb(napi_env env, napi_callback_info info) {
        return two_numbers(env, info, "SetWindowMenu");
}

napi_value js_binding_close_popup_cb(napi_env env, napi_callback_info info) {
        return two_numbers(env, info, "ClosePopup");
}

/* popupMenu(window, menu, x, y, positioningItem) */
napi_value js_binding_popup_menu_cb(napi_env env, napi_callback_info info) {
        g_autoptr(sd_bus_message) m = NULL;
        napi_value argv[5];
        int r;

        js_args(env, info, 5, argv);
        r = host_call_new("PopupMenu", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "uuiii", js_uint32(env, argv[0]), js_uint32(env, argv[1]),
                                          js_int32(env, argv[2]), js_int32(env, argv[3]),
                                          js_int32(env, argv[4]));
        host_call_send(m, "PopupMenu", 0, r);
        return NULL;
}
