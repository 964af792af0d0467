/* Text into sd-bus messages.  sd-bus takes a string ('s') only when it is
 * UTF-8 without Unicode noncharacters: U+FDD0..U+FDEF and the last two code
 * points of every plane (U+FFFE, U+FFFF, U+1FFFE … U+10FFFF) are refused
 * (systemd's unichar_is_valid), although GLib, JSON and the bus daemon take
 * them.  A message with one fails as a whole, so text that apps and pages
 * supply goes through here before it goes into one: an odd title must not
 * break the replies every other client gets. */
#pragma once

#include <glib.h>

/* Whether sd-bus takes `s` as a string; NULL counts as "". */
gboolean bus_string_is_valid(const char *s);

/* A copy of `s` with U+FFFD for each character sd-bus refuses and for each
 * byte that is not UTF-8; "" for NULL. */
char *bus_string_make_valid(const char *s);

/* `s` itself when sd-bus takes it; else a valid copy, left in *buf for the
 * caller to free.  *buf must be NULL on entry. */
const char *bus_string(const char *s, char **buf);

/* JSON text as pure ASCII: every character beyond it written as a \uXXXX
 * escape (a surrogate pair beyond U+FFFF), so any string a JSON value
 * holds, noncharacters too, crosses sd-bus and parses back to itself.
 * Bytes that are not UTF-8 become U+FFFD.  Only for JSON text: outside
 * its strings, JSON is ASCII already. */
char *bus_string_json_ascii(const char *json);
