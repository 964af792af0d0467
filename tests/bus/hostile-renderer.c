/* Stands in for appd-renderer (APPD_RENDERER) in the bus tests: it speaks
 * on the private link the daemon hands it, but tries what a compromised
 * renderer might.  Every call's outcome goes to
 * $APPD_TEST_LOG_DIR/renderer-<window>.log as "step: ok" or
 * "step: <D-Bus error name>", for the test to check. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "appd-protocol.h"

static FILE *out;
static sd_bus *bus;

static void record(const char *step, int r, const sd_bus_error *error) {
        fprintf(out, "%s: %s\n", step, r >= 0 ? "ok" : error->name ? error->name : strerror(-r));
        fflush(out);
}

/* An ipc-codec frame of a JSON array. */
static GBytes *frame(const char *json) {
        guint32 len = GUINT32_TO_LE((guint32) strlen(json));
        GByteArray *b = g_byte_array_new();

        g_byte_array_append(b, (const guint8 *) &len, 4);
        g_byte_array_append(b, (const guint8 *) json, strlen(json));
        return g_byte_array_free_to_bytes(b);
}

/* Sends a Host call built by the caller (r: how building it went) and
 * records the outcome under `step`. */
static void call_record(const char *step, sd_bus_message *m, int r) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;

        if (r >= 0)
                r = sd_bus_call(bus, m, 10 * 1000 * 1000, &error, &reply);
        record(step, r, &error);
        sd_bus_error_free(&error);
        sd_bus_message_unref(m);
        sd_bus_message_unref(reply);
}

/* A Host call whose last argument is bytes, after an optional string:
 * varargs cannot carry a byte array. */
static void call_bytes(const char *step, const char *member, const char *str, const void *data,
                       size_t size) {
        sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, member);
        if (r >= 0 && str)
                r = sd_bus_message_append(m, "s", str);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', data, size);
        call_record(step, m, r);
}

/* SendSync on appd's internal channel: records the answer frame's JSON
 * text, which says why the request was refused. */
static void call_internal(const char *step, const char *json) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL, *reply = NULL;
        g_autoptr(GBytes) request = frame(json);
        const void *data = NULL;
        size_t size = 0;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, "SendSync");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", "appd:rpc");
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', g_bytes_get_data(request, NULL),
                                                g_bytes_get_size(request));
        if (r >= 0)
                r = sd_bus_call(bus, m, 10 * 1000 * 1000, &error, &reply);
        if (r >= 0)
                r = sd_bus_message_read_array(reply, 'y', &data, &size);
        if (r < 0)
                record(step, r, &error);
        else if (size < 4)
                fprintf(out, "%s: short answer\n", step);
        else
                fprintf(out, "%s: %.*s\n", step, (int) MIN(size - 4, 300), (const char *) data + 4);
        fflush(out);
        sd_bus_error_free(&error);
        sd_bus_message_unref(m);
        sd_bus_message_unref(reply);
}

static void call_simple(const char *step, const char *member, const char *types, ...) {
        sd_bus_message *m = NULL;
        va_list ap;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, member);
        va_start(ap, types);
        if (r >= 0)
                r = sd_bus_message_appendv(m, types, ap);
        va_end(ap);
        call_record(step, m, r);
}

/* Opens a page link (Host.OpenPageLink) as the extension would; NULL and
 * the reason recorded under `step` when it fails. */
static sd_bus *page_link_open(const char *step) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        sd_bus *link = NULL;
        int fd = -1, r;

        r = sd_bus_call_method(bus, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, "OpenPageLink", &error, &reply, "");
        if (r >= 0)
                r = sd_bus_message_read(reply, "h", &fd);
        if (r >= 0)
                fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (r >= 0 && fd < 0)
                r = -errno;
        if (r >= 0)
                r = sd_bus_new(&link);
        if (r >= 0)
                r = sd_bus_set_fd(link, fd, fd);
        if (r >= 0)
                r = sd_bus_set_anonymous(link, 1);
        if (r >= 0)
                r = sd_bus_start(link);
        if (r < 0) {
                record(step, r, &error);
                link = sd_bus_unref(link);
        }
        sd_bus_error_free(&error);
        sd_bus_message_unref(reply);
        return link;
}

/* A call on a page link, recorded as call_record does. */
static void page_link_call(const char *step, sd_bus *link, const char *member, const char *channel, GBytes *payload) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL, *reply = NULL;
        int r;

        r = sd_bus_message_new_method_call(link, &m, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, member);
        if (r >= 0 && channel)
                r = sd_bus_message_append(m, "s", channel);
        if (r >= 0 && payload)
                r = sd_bus_message_append_array(m, 'y', g_bytes_get_data(payload, NULL), g_bytes_get_size(payload));
        if (r >= 0 && !channel)
                r = sd_bus_message_append(m, "t", (uint64_t) 0);
        if (r >= 0)
                r = sd_bus_call(link, m, 10 * 1000 * 1000, &error, &reply);
        record(step, r, &error);
        sd_bus_error_free(&error);
        sd_bus_message_unref(m);
        sd_bus_message_unref(reply);
}

static int invoke_done_cb(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        int *counts = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(m);

        if (!e)
                counts[0]++;
        else if (g_str_equal(e->name, APPD_ERROR_TOO_MANY))
                counts[1]++;
        else
                counts[2]++;
        return 0;
}

int main(int argc, char **argv) {
        const char *fd_env = g_getenv(APPD_RENDERER_FD_ENV);
        const char *dir = g_getenv("APPD_TEST_LOG_DIR");
        g_autofree char *path = NULL, *json = NULL;
        g_autoptr(GBytes) good = NULL, big = NULL, slow = NULL;
        char window[32] = "0", channel[301];
        int counts[3] = { 0 }, r;

        for (int i = 1; i < argc; i++)
                if (g_str_has_prefix(argv[i], "--window-id="))
                        g_strlcpy(window, argv[i] + strlen("--window-id="), sizeof(window));
        if (!fd_env || !dir)
                return 2;
        path = g_strdup_printf("%s/renderer-%s.log", dir, window);
        out = fopen(path, "w");
        if (!out)
                return 2;

        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_fd(bus, atoi(fd_env), atoi(fd_env));
        if (r >= 0)
                r = sd_bus_set_anonymous(bus, 1);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                fprintf(out, "connect: %s\n", strerror(-r));
                return 1;
        }

        call_simple("ready", "Ready", "t", (uint64_t) 0);
        call_bytes("empty-channel", "Send", "", "", 0);
        memset(channel, 'c', 300);
        channel[300] = '\0';
        call_bytes("long-channel", "Send", channel, "", 0);
        big = g_bytes_new_take(g_malloc0(APPD_IPC_MAX_PAYLOAD + 1), APPD_IPC_MAX_PAYLOAD + 1);
        call_bytes("oversized", "Send", "hello", g_bytes_get_data(big, NULL), g_bytes_get_size(big));
        call_bytes("garbage", "Send", "hello", "\xff\xfe not a frame", 14);
        /* The payload names another window: it must make no difference. */
        json = g_strdup_printf("[\"from-window\", %s, 999]", window);
        good = frame(json);
        call_bytes("hello", "Send", "hello", g_bytes_get_data(good, NULL), g_bytes_get_size(good));
        call_simple("bogus-load-event", "LoadChanged", "ss", "bogus", "app://x/");
        call_bytes("state-not-json", "StateChanged", NULL, "not json", 8);
        call_bytes("unknown-event", "Event", "no-such-event", "{}", 2);
        /* Menu choices the window does not show; a popup it never had. */
        call_simple("menu-not-shown", "MenuActivated", "uub", 1, 1, 0);
        call_simple("menu-accelerator-not-shown", "MenuActivated", "uub", 4000000000u, 7, 1);
        call_simple("popup-closed-unknown", "PopupClosed", "u", 42);

        /* Node and remote requests from a sandboxed window without remote:
         * refused by the main process, whatever the renderer claims. */
        call_internal("node-require", "[{\"op\":\"require\",\"ctx\":\"c1\",\"name\":\"fs\",\"from\":\"/\"}]");
        call_internal("remote-window", "[{\"op\":\"current-window\",\"ctx\":\"c1\"}]");
        call_internal("object-get", "[{\"op\":\"get\",\"ctx\":\"c1\",\"id\":1,\"name\":\"x\"}]");
        call_internal("internal-invoke", "[]");

        /* More slow invokes than the daemon lets wait: a frame of
         * 1048584 bytes each (a JSON array holding a string of 1 MiB). */
        {
                GString *json = g_string_new("[\"");

                for (int i = 0; i < 1024 * 1024; i++)
                        g_string_append_c(json, 'x');
                g_string_append(json, "\"]");
                slow = frame(json->str);
                g_string_free(json, TRUE);
        }
        for (int i = 0; i < 300; i++) {
                sd_bus_message *m = NULL;
                GBytes *f = slow;

                sd_bus_message_new_method_call(bus, &m, NULL, APPD_HOST_PATH, APPD_HOST_IFACE,
                                               "Invoke");
                sd_bus_message_append(m, "s", "slow");
                sd_bus_message_append_array(m, 'y', g_bytes_get_data(f, NULL), g_bytes_get_size(f));
                sd_bus_call_async(bus, NULL, m, invoke_done_cb, counts, 30 * 1000 * 1000);
                sd_bus_message_unref(m);
        }
        /* appd answers this after it has taken or refused every invoke
         * above (one link, in order), so how many it let wait does not
         * depend on how fast the app answers: only now are they answered. */
        call_bytes("release", "Send", "release", g_bytes_get_data(good, NULL),
                   g_bytes_get_size(good));
        while (counts[0] + counts[1] + counts[2] < 300) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        break;
                if (r == 0)
                        sd_bus_wait(bus, UINT64_MAX);
        }
        fprintf(out, "invokes: %d answered, %d too-many, %d other\n", counts[0], counts[1],
                counts[2]);
        /* Page links: the newest of more than appd keeps speaks for this
         * window whatever the payload says, and only for IPC; the oldest
         * was closed to make room. */
        {
                sd_bus *links[6] = { NULL };

                for (int i = 0; i < 6; i++)
                        links[i] = page_link_open("page-link-open");
                if (links[5]) {
                        page_link_call("page-link-ready", links[5], "Ready", NULL, NULL);
                        page_link_call("page-link-hello", links[5], "Send", "from-page-link", good);
                }
                if (links[0]) {
                        sd_bus_error error = SD_BUS_ERROR_NULL;
                        int r = sd_bus_call_method(links[0], NULL, APPD_HOST_PATH, APPD_HOST_IFACE, "Send", &error,
                                                   NULL, "say", "from-page-link", (size_t) 0);
                        fprintf(out, "page-link-oldest: %s\n", r < 0 ? "closed" : "still open");
                        sd_bus_error_free(&error);
                }
                for (int i = 0; i < 6; i++)
                        sd_bus_flush_close_unref(links[i]);
        }
        call_bytes("done", "Send", "done", g_bytes_get_data(good, NULL), g_bytes_get_size(good));
        fprintf(out, "end\n");
        fflush(out);

        /* Stay until the daemon closes the link. */
        while (sd_bus_process(bus, NULL) >= 0)
                if (sd_bus_wait(bus, UINT64_MAX) < 0)
                        break;
        return 0;
}
