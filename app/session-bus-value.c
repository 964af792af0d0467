/* JavaScript values to and from D-Bus messages, for the app's session bus
 * connection (session-bus.h says how each type crosses). */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib.h>

#include "host-private.h"
#include "session-bus.h"

/* D-Bus allows 32 levels of arrays and 32 of structs. */
#define VALUE_DEPTH_MAX 64

/* One value of a basic D-Bus type, as sd-bus reads and writes it. */
typedef union {
        uint8_t y;
        int16_t n;
        uint16_t q;
        int32_t i;
        uint32_t u;
        int64_t x;
        uint64_t t;
        double d;
        int b;
        const char *s;
} BusBasic;

/* The length of the complete type that starts `s`, or 0. */
static size_t type_length(const char *s, unsigned depth) {
        size_t i, n;
        char close;

        if (depth > VALUE_DEPTH_MAX)
                return 0;
        switch (*s) {
        case 'a':
                n = type_length(s + 1, depth + 1);
                return n ? n + 1 : 0;
        case '(':
        case '{':
                close = *s == '(' ? ')' : '}';
                for (i = 1; s[i] && s[i] != close; i += n) {
                        n = type_length(s + i, depth + 1);
                        if (n == 0)
                                return 0;
                }
                return s[i] == close && i > 1 ? i + 1 : 0;
        case '\0':
                return 0;
        default:
                return strchr("ybnqiuxtdsoghv", *s) ? 1 : 0;
        }
}

static int value_throw(napi_env env, const char *type, size_t length, const char *why) {
        g_autofree char *text = g_strdup_printf("session bus: a value for '%.*s' %s",
                                                (int) length, type, why);

        napi_throw_type_error(env, NULL, text);
        return -EINVAL;
}

/* D-Bus strings cannot hold NUL: such a string is refused, not cut. */
static char *value_dup_string(napi_env env, napi_value value) {
        char *s = js_value_dup_string(env, value);
        size_t len = 0;

        napi_get_value_string_utf8(env, value, NULL, 0, &len);
        if (s && strlen(s) != len)
                g_clear_pointer(&s, g_free);
        return s;
}

static bool value_get_number(napi_env env, napi_value value, double *ret) {
        napi_valuetype type;
        bool lossless;
        int64_t big;

        napi_typeof(env, value, &type);
        if (type == napi_number)
                return napi_get_value_double(env, value, ret) == napi_ok && isfinite(*ret);
        if (type == napi_bigint &&
            napi_get_value_bigint_int64(env, value, &big, &lossless) == napi_ok && lossless) {
                *ret = (double) big;
                return true;
        }
        return false;
}

static int value_append(napi_env env, sd_bus_message *m, const char *type, size_t length,
                        napi_value value, unsigned depth);

static int value_append_basic(napi_env env, sd_bus_message *m, char t, napi_value value) {
        BusBasic v;
        static const struct {
                char type;
                double min, max;
        } ranges[] = {
                { 'y', 0, UINT8_MAX }, { 'n', INT16_MIN, INT16_MAX }, { 'q', 0, UINT16_MAX },
                { 'i', INT32_MIN, INT32_MAX }, { 'u', 0, UINT32_MAX }, { 'h', 0, INT32_MAX },
                { 'x', -9007199254740991.0, 9007199254740991.0 }, { 't', 0, 9007199254740991.0 },
        };
        g_autofree char *s = NULL;
        double d = 0;
        bool b;

        if (strchr("sog", t)) {
                s = value_dup_string(env, value);
                if (!s)
                        return value_throw(env, &t, 1, "is not a string without NUL");
                return sd_bus_message_append_basic(m, t, s);
        }
        if (t == 'b') {
                if (napi_get_value_bool(env, value, &b) != napi_ok)
                        return value_throw(env, &t, 1, "is not a boolean");
                v.b = b;
                return sd_bus_message_append_basic(m, t, &v.b);
        }
        if (!value_get_number(env, value, &d))
                return value_throw(env, &t, 1, "is not a finite number");
        if (t == 'd') {
                v.d = d;
                return sd_bus_message_append_basic(m, t, &v.d);
        }
        if (d != trunc(d))
                return value_throw(env, &t, 1, "is not an integer");
        for (size_t k = 0; k < G_N_ELEMENTS(ranges); k++)
                if (ranges[k].type == t && (d < ranges[k].min || d > ranges[k].max))
                        return value_throw(env, &t, 1, "is out of range");
        switch (t) {
        case 'y': v.y = (uint8_t) d; break;
        case 'n': v.n = (int16_t) d; break;
        case 'q': v.q = (uint16_t) d; break;
        case 'i': case 'h': v.i = (int32_t) d; break;
        case 'u': v.u = (uint32_t) d; break;
        case 'x': v.x = (int64_t) d; break;
        case 't': v.t = (uint64_t) d; break;
        default: return value_throw(env, &t, 1, "has an unknown type");
        }
        return sd_bus_message_append_basic(m, t, &v);
}

static int value_append_dict(napi_env env, sd_bus_message *m, const char *type, size_t length,
                             napi_value value, unsigned depth) {
        /* type is "a{KV}" */
        g_autofree char *entry = g_strndup(type + 2, length - 3);
        g_autofree char *element = g_strndup(type + 1, length - 1);
        napi_value keys, key, item;
        napi_valuetype kind;
        uint32_t n = 0;
        size_t value_length;
        int r;

        napi_typeof(env, value, &kind);
        if (kind != napi_object || napi_get_property_names(env, value, &keys) != napi_ok)
                return value_throw(env, type, length, "is not an object");
        value_length = type_length(entry + 1, depth);
        r = sd_bus_message_open_container(m, 'a', element);
        if (r < 0)
                return r;
        napi_get_array_length(env, keys, &n);
        for (uint32_t i = 0; i < n; i++) {
                napi_get_element(env, keys, i, &key);
                napi_get_property(env, value, key, &item);
                napi_typeof(env, item, &kind);
                if (kind == napi_undefined)
                        continue;
                r = sd_bus_message_open_container(m, 'e', entry);
                if (r < 0)
                        return r;
                if (entry[0] == 's' || entry[0] == 'o' || entry[0] == 'g') {
                        r = value_append_basic(env, m, entry[0], key);
                } else {
                        napi_value number;

                        napi_coerce_to_number(env, key, &number);
                        r = value_append_basic(env, m, entry[0], number);
                }
                if (r >= 0)
                        r = value_append(env, m, entry + 1, value_length, item, depth + 1);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(m);
}

static int value_append(napi_env env, sd_bus_message *m, const char *type, size_t length,
                        napi_value value, unsigned depth) {
        g_autofree char *contents = NULL;
        bool is_array = false;
        uint32_t n = 0;
        napi_value item;
        int r;

        if (depth > VALUE_DEPTH_MAX)
                return value_throw(env, type, length, "is nested too deep");
        if (length == 1 && type[0] != 'v')
                return value_append_basic(env, m, type[0], value);
        napi_is_array(env, value, &is_array);
        if (type[0] == 'v') {
                g_autofree char *inner = NULL;
                napi_value sig;

                if (!is_array || napi_get_array_length(env, value, &n) != napi_ok || n != 2)
                        return value_throw(env, type, length, "is not [signature, value]");
                napi_get_element(env, value, 0, &sig);
                inner = value_dup_string(env, sig);
                if (!inner || type_length(inner, depth) != strlen(inner) || !*inner)
                        return value_throw(env, type, length, "has a bad signature");
                napi_get_element(env, value, 1, &item);
                r = sd_bus_message_open_container(m, 'v', inner);
                if (r >= 0)
                        r = value_append(env, m, inner, strlen(inner), item, depth + 1);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                return r;
        }
        if (type[0] == 'a' && type[1] == '{')
                return value_append_dict(env, m, type, length, value, depth);
        if (type[0] == 'a' && type[1] == 'y' && !is_array) {
                bool is_typed = false;
                napi_typedarray_type kind;
                size_t count, offset;
                napi_value buffer;
                void *data;

                napi_is_typedarray(env, value, &is_typed);
                if (!is_typed || napi_get_typedarray_info(env, value, &kind, &count, &data, &buffer,
                                                          &offset) != napi_ok ||
                    (kind != napi_uint8_array && kind != napi_int8_array &&
                     kind != napi_uint8_clamped_array))
                        return value_throw(env, type, length, "is not bytes");
                return sd_bus_message_append_array(m, 'y', data ?: "", count);
        }
        if (!is_array)
                return value_throw(env, type, length, "is not an array");
        napi_get_array_length(env, value, &n);
        contents = g_strndup(type + 1, type[0] == 'a' ? length - 1 : length - 2);
        if (type[0] == 'a') {
                r = sd_bus_message_open_container(m, 'a', contents);
                for (uint32_t i = 0; r >= 0 && i < n; i++) {
                        napi_get_element(env, value, i, &item);
                        r = value_append(env, m, contents, length - 1, item, depth + 1);
                }
        } else {
                size_t at = 0, part;
                uint32_t i = 0;

                r = sd_bus_message_open_container(m, 'r', contents);
                for (; r >= 0 && contents[at]; at += part, i++) {
                        part = type_length(contents + at, depth);
                        if (i >= n)
                                return value_throw(env, type, length, "has too few members");
                        napi_get_element(env, value, i, &item);
                        r = value_append(env, m, contents + at, part, item, depth + 1);
                }
        }
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

int session_bus_value_append_all(napi_env env, sd_bus_message *m, const char *signature,
                                 napi_value values) {
        bool is_array = false, pending = false;
        uint32_t n = 0, i = 0;
        napi_value item;
        size_t at, part;
        int r = 0;

        napi_is_array(env, values, &is_array);
        if (!is_array)
                return value_throw(env, signature, strlen(signature), "list is not an array");
        napi_get_array_length(env, values, &n);
        for (at = 0; signature[at]; at += part, i++) {
                part = type_length(signature + at, 0);
                if (part == 0)
                        return value_throw(env, signature, strlen(signature), "list has a bad signature");
                if (i >= n)
                        return value_throw(env, signature, strlen(signature), "list is too short");
                napi_get_element(env, values, i, &item);
                r = value_append(env, m, signature + at, part, item, 0);
                napi_is_exception_pending(env, &pending);
                if (pending)
                        return -EINVAL;
                if (r < 0) {
                        g_autofree char *text = g_strdup_printf("session bus: cannot append '%.*s': %s",
                                                                (int) part, signature + at,
                                                                g_strerror(-r));

                        napi_throw_type_error(env, NULL, text);
                        return r;
                }
        }
        return 0;
}

/* --- reading */

static int value_read(napi_env env, sd_bus_message *m, char type, const char *contents,
                      napi_value *ret, unsigned depth);

static int value_read_basic(napi_env env, sd_bus_message *m, char type, napi_value *ret) {
        BusBasic v;
        int r;

        r = sd_bus_message_read_basic(m, type, &v);
        if (r <= 0)
                return r < 0 ? r : -EBADMSG;
        switch (type) {
        case 'y': return napi_create_uint32(env, v.y, ret) == napi_ok ? 0 : -EIO;
        case 'n': return napi_create_int32(env, v.n, ret) == napi_ok ? 0 : -EIO;
        case 'q': return napi_create_uint32(env, v.q, ret) == napi_ok ? 0 : -EIO;
        case 'i': case 'h': return napi_create_int32(env, v.i, ret) == napi_ok ? 0 : -EIO;
        case 'u': return napi_create_uint32(env, v.u, ret) == napi_ok ? 0 : -EIO;
        case 'x': return napi_create_double(env, (double) v.x, ret) == napi_ok ? 0 : -EIO;
        case 't': return napi_create_double(env, (double) v.t, ret) == napi_ok ? 0 : -EIO;
        case 'd': return napi_create_double(env, v.d, ret) == napi_ok ? 0 : -EIO;
        case 'b': return napi_get_boolean(env, v.b, ret) == napi_ok ? 0 : -EIO;
        default: *ret = js_string(env, v.s); return 0;
        }
}

static int value_read_container(napi_env env, sd_bus_message *m, char type, const char *contents,
                                napi_value *ret, unsigned depth) {
        napi_value result, item, key;
        uint32_t i = 0;
        char t;
        const char *c;
        int r;

        if (depth > VALUE_DEPTH_MAX)
                return -EBADMSG;
        if (type == 'a' && strcmp(contents, "y") == 0) {
                const void *data;
                size_t size;

                r = sd_bus_message_read_array(m, 'y', &data, &size);
                if (r < 0)
                        return r;
                return napi_create_buffer_copy(env, size, data, NULL, ret) == napi_ok ? 0 : -EIO;
        }
        r = sd_bus_message_enter_container(m, type, contents);
        if (r <= 0)
                return r < 0 ? r : -EBADMSG;
        if (type == 'v') {
                r = sd_bus_message_peek_type(m, &t, &c);
                if (r > 0)
                        r = value_read(env, m, t, c, ret, depth + 1);
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
                return r;
        }
        if (type == 'a' && contents[0] == '{') {
                napi_create_object(env, &result);
                /* enter_container() cannot tell the contents at the end. */
                while ((r = sd_bus_message_peek_type(m, &t, &c)) > 0) {
                        napi_value string_key;

                        /* Each step must find what it reads: 0 is as bad. */
                        r = sd_bus_message_enter_container(m, 'e', c);
                        if (r <= 0)
                                return r < 0 ? r : -EBADMSG;
                        r = sd_bus_message_peek_type(m, &t, &c);
                        if (r <= 0)
                                return r < 0 ? r : -EBADMSG;
                        r = value_read_basic(env, m, t, &key);
                        if (r < 0)
                                return r;
                        r = sd_bus_message_peek_type(m, &t, &c);
                        if (r <= 0)
                                return r < 0 ? r : -EBADMSG;
                        r = value_read(env, m, t, c, &item, depth + 1);
                        if (r >= 0)
                                r = sd_bus_message_exit_container(m);
                        if (r < 0)
                                return r;
                        napi_coerce_to_string(env, key, &string_key);
                        napi_set_property(env, result, string_key, item);
                }
        } else {
                napi_create_array(env, &result);
                while ((r = sd_bus_message_peek_type(m, &t, &c)) > 0) {
                        r = value_read(env, m, t, c, &item, depth + 1);
                        if (r < 0)
                                return r;
                        napi_set_element(env, result, i++, item);
                }
        }
        if (r < 0)
                return r;
        *ret = result;
        return sd_bus_message_exit_container(m);
}

static int value_read(napi_env env, sd_bus_message *m, char type, const char *contents,
                      napi_value *ret, unsigned depth) {
        if (type == 'a' || type == 'v' || type == 'r' || type == 'e')
                return value_read_container(env, m, type, contents, ret, depth);
        return value_read_basic(env, m, type, ret);
}

int session_bus_value_read_all(napi_env env, sd_bus_message *m, napi_value *ret) {
        napi_value result, item;
        const char *contents;
        uint32_t i = 0;
        char type;
        int r;

        r = sd_bus_message_rewind(m, true);
        if (r < 0)
                return r;
        napi_create_array(env, &result);
        while ((r = sd_bus_message_peek_type(m, &type, &contents)) > 0) {
                r = value_read(env, m, type, contents, &item, 0);
                if (r < 0)
                        return r;
                napi_set_element(env, result, i++, item);
        }
        if (r < 0)
                return r;
        *ret = result;
        return 0;
}
