/* protocol/bus-string.c: what it lets through is exactly what sd-bus
 * takes, and what it makes of the rest. */
#include <glib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bus-source.h"
#include "bus-string.h"

static sd_bus *bus;
static int peer = -1;

/* Whether this system's sd-bus puts `s` into a message as a string.  A
 * message needs a bus that has started; one end of a socketpair will do,
 * nothing is read from it. */
static gboolean sd_bus_takes(const char *s) {
        g_autoptr(sd_bus_message) m = NULL;

        if (!bus) {
                int pair[2];

                g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), ==, 0);
                peer = pair[1];
                g_assert_cmpint(sd_bus_new(&bus), >=, 0);
                g_assert_cmpint(sd_bus_set_fd(bus, pair[0], pair[0]), >=, 0);
                g_assert_cmpint(sd_bus_start(bus), >=, 0);
        }
        g_assert_cmpint(sd_bus_message_new_signal(bus, &m, "/a", "a.b", "C"), >=, 0);
        return sd_bus_message_append(m, "s", s) >= 0;
}

/* Every Unicode scalar value, alone and between ASCII, is judged as
 * sd-bus judges it; what is refused becomes U+FFFD. */
static void test_every_character(void) {
        guint refused = 0;

        for (gunichar c = 1; c <= 0x10FFFF; c++) {
                char text[16] = "a";
                gboolean want;

                if (c >= 0xD800 && c <= 0xDFFF)
                        continue;
                text[1 + g_unichar_to_utf8(c, text + 1)] = '\0';
                g_strlcat(text, "z", sizeof(text));
                want = sd_bus_takes(text);
                if (bus_string_is_valid(text) != want)
                        g_error("U+%04X: sd-bus %s it, bus_string_is_valid says %s", c,
                                want ? "takes" : "refuses", want ? "no" : "yes");
                if (!want) {
                        g_autofree char *fixed = bus_string_make_valid(text);
                        g_assert_cmpstr(fixed, ==, "a\xef\xbf\xbdz");
                        refused++;
                }
        }
        /* U+FDD0..U+FDEF, and two at the end of each of the 17 planes. */
        g_assert_cmpuint(refused, ==, 32 + 17 * 2);
}

static void test_examples(void) {
        static const struct {
                const char *in, *out;
        } cases[] = {
                { "", "" },
                { "plain ASCII", "plain ASCII" },
                { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
                { "\xef\xbf\xbd", "\xef\xbf\xbd" },                     /* U+FFFD itself */
                { "A\xef\xbf\xbe", "A\xef\xbf\xbd" },                   /* U+FFFE */
                { "\xef\xbf\xbf\xef\xbf\xbf", "\xef\xbf\xbd\xef\xbf\xbd" }, /* U+FFFF twice */
                { "x\xef\xb7\x90y\xef\xb7\xafz", "x\xef\xbf\xbdy\xef\xbf\xbdz" }, /* U+FDD0, U+FDEF */
                { "\xef\xb7\x8f\xef\xb7\xb0", "\xef\xb7\x8f\xef\xb7\xb0" },   /* U+FDCF, U+FDF0 */
                { "\xf0\x9f\xbf\xbe", "\xef\xbf\xbd" },                     /* U+1FFFE */
                { "\xf4\x8f\xbf\xbf", "\xef\xbf\xbd" },                     /* U+10FFFF */
                { "\xf4\x8f\xbf\xbd", "\xf4\x8f\xbf\xbd" },                 /* U+10FFFD */
                /* Not UTF-8: a stray byte, an overlong '/', a surrogate, a
                 * truncated sequence; one U+FFFD per byte. */
                { "a\xffz", "a\xef\xbf\xbdz" },
                { "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },
                { "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
                { "\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd" },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *fixed = bus_string_make_valid(cases[i].in);
                g_autofree char *buf = NULL;
                const char *s = bus_string(cases[i].in, &buf);
                gboolean valid = g_str_equal(cases[i].in, cases[i].out);

                g_assert_cmpint(bus_string_is_valid(cases[i].in), ==, valid);
                g_assert_cmpint(sd_bus_takes(cases[i].in), ==, valid);
                g_assert_cmpstr(fixed, ==, cases[i].out);
                g_assert_true(sd_bus_takes(fixed));
                g_assert_cmpstr(s, ==, cases[i].out);
                /* No copy when none is needed. */
                g_assert_true(valid ? s == cases[i].in && !buf : s == buf);
        }
}

static void test_null(void) {
        g_autofree char *fixed = bus_string_make_valid(NULL);
        g_autofree char *buf = NULL;

        g_assert_true(bus_string_is_valid(NULL));
        g_assert_cmpstr(fixed, ==, "");
        g_assert_cmpstr(bus_string(NULL, &buf), ==, "");
        g_assert_null(buf);
}

int main(int argc, char **argv) {
        int r;

        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/bus-string/every-character", test_every_character);
        g_test_add_func("/bus-string/examples", test_examples);
        g_test_add_func("/bus-string/null", test_null);
        r = g_test_run();
        sd_bus_unref(bus);
        if (peer >= 0)
                close(peer);
        return r;
}
