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
