#include "bus-string.h"

#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd"

/* The characters GLib takes (scalar values up to U+10FFFF) that sd-bus
 * does not. */
static gboolean unichar_is_noncharacter(gunichar c) {
        return (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

gboolean bus_string_is_valid(const char *s) {
        const char *p;

        if (!s)
                return TRUE;
        /* Most text is ASCII: no character there is refused. */
        for (p = s; *p && !(*p & 0x80); p++)
                ;
        if (!*p)
                return TRUE;
        if (!g_utf8_validate(p, -1, NULL))
                return FALSE;
        for (; *p; p = g_utf8_next_char(p))
                if (unichar_is_noncharacter(g_utf8_get_char(p)))
                        return FALSE;
        return TRUE;
}

char *bus_string_make_valid(const char *s) {
        g_autofree char *utf8 = NULL;
        GString *out;

        if (!s)
                return g_strdup("");
        if (bus_string_is_valid(s))
                return g_strdup(s);
        utf8 = g_utf8_make_valid(s, -1);
        out = g_string_sized_new(strlen(utf8));
        for (const char *p = utf8; *p; p = g_utf8_next_char(p)) {
                if (unichar_is_noncharacter(g_utf8_get_char(p)))
                        g_string_append(out, REPLACEMENT);
                else
                        g_string_append_len(out, p, g_utf8_next_char(p) - p);
        }
        return g_string_free(out, FALSE);
}

const char *bus_string(const char *s, char **buf) {
        g_assert(buf && !*buf);
        if (bus_string_is_valid(s))
                return s ? s : "";
        *buf = bus_string_make_valid(s);
        return *buf;
}

char *bus_string_json_ascii(const char *json) {
        GString *out;
        const char *p;

        if (!json)
                return g_strdup("");
        for (p = json; *p && (guchar) *p < 0x80; p++)
                ;
        if (!*p)
                return g_strdup(json);
        out = g_string_sized_new(strlen(json) + 32);
        g_string_append_len(out, json, p - json);
        while (*p) {
                gunichar c;

                if ((guchar) *p < 0x80) {
                        g_string_append_c(out, *p++);
                        continue;
                }
                c = g_utf8_get_char_validated(p, -1);
                if (c == (gunichar) -1 || c == (gunichar) -2) {
                        c = 0xFFFD;
                        p++;
                } else {
                        p = g_utf8_next_char(p);
                }
                if (c > 0xFFFF) {
                        c -= 0x10000;
                        g_string_append_printf(out, "\\u%04x\\u%04x", 0xD800 + (c >> 10),
                                               0xDC00 + (c & 0x3FF));
                } else {
                        g_string_append_printf(out, "\\u%04x", c);
                }
        }
        return g_string_free(out, FALSE);
}
