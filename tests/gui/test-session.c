/* Session restore: after appd ends abnormally, the next appd starts the
 * apps that were running, with their arguments, and their remembered
 * windows come back at the bounds the apps were last told; apps that
 * ended, and apps that opt out, are not started; an app that takes appd
 * down on every start is left out after a few tries. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "harness.h"

static Harness *h;

/* A fresh, empty mark file for an app to write in; removed by the case. */
static char *mark_new(void) {
        g_autoptr(GError) error = NULL;
        char *path = NULL;
        int fd = g_file_open_tmp("appd-session-XXXXXX", &path, &error);

        g_assert_no_error(error);
        close(fd);
        return path;
}

/* The mark file's lines, each a JSON value. */
static GPtrArray *mark_read(const char *path) {
        g_autofree char *text = NULL;
        g_auto(GStrv) lines = NULL;
        GPtrArray *records = g_ptr_array_new_with_free_func((GDestroyNotify) json_node_unref);

        g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
        lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++) {
                g_autoptr(JsonParser) parser = json_parser_new();

                if (!**l)
                        continue;
                g_assert_true(json_parser_load_from_data(parser, *l, -1, NULL));
                g_ptr_array_add(records, json_node_copy(json_parser_get_root(parser)));
        }
        return records;
}

typedef struct {
        const char *path;
        const char *member;
        guint count;
} MarkQuery;

static guint mark_count(const char *path, const char *member) {
        g_autoptr(GPtrArray) records = mark_read(path);
        guint n = 0;

        for (guint i = 0; i < records->len; i++) {
                JsonNode *r = records->pdata[i];

                if (JSON_NODE_HOLDS_OBJECT(r) && json_object_has_member(json_node_get_object(r), member))
                        n++;
        }
        return n;
}

static gboolean mark_has(gpointer data) {
        MarkQuery *q = data;

        return mark_count(q->path, q->member) >= q->count;
}

static void mark_wait(const char *path, const char *member, guint count) {
        MarkQuery q = { path, member, count };

        if (!harness_wait_for(mark_has, &q, 20000)) {
                g_autofree char *text = NULL;
                g_autofree char *log = harness_log(h);

                g_file_get_contents(path, &text, NULL, NULL);
                g_error("no %u '%s' records in %s:\n%s\nappd log:\n%s", count, member, path, text, log);
        }
}

static gboolean listed(const char *id) {
        g_autofree char *out = NULL;
        g_autofree char *needle = g_strdup_printf("\"%s\"", id);

        g_assert_cmpint(harness_appctl(&out, NULL, "list", "--json", NULL), ==, 0);
        return strstr(out, needle) != NULL;
}

static gboolean not_listed(gpointer id) {
        return !listed(id);
}

static char *args_text(JsonNode *record) {
        JsonNode *args = json_object_get_member(json_node_get_object(record), "start");

        return json_to_string(args, FALSE);
}

/* Killed appd: the running app comes back with the arguments it had;
 * once it has quit by itself, another kill brings nothing back. */
static void test_restore_args(void) {
        g_autofree char *app = harness_app("session-restore");
        g_autofree char *mark = mark_new();
        g_autofree char *mark_arg = g_strdup_printf("--mark=%s", mark);
        g_autoptr(GPtrArray) records = NULL;
        g_autofree char *first = NULL, *second = NULL;

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", app, "--", mark_arg, "two words", "ü",
                                       NULL), ==, 0);
        mark_wait(mark, "start", 1);
        harness_kill(h);
        h = harness_start();
        mark_wait(mark, "start", 2);
        g_assert_true(listed("session-restore"));
        records = mark_read(mark);
        first = args_text(records->pdata[0]);
        second = args_text(records->pdata[1]);
        g_assert_cmpstr(second, ==, first);
        g_assert_nonnull(strstr(first, "two words"));

        g_assert_cmpint(harness_appctl(NULL, NULL, "quit", "session-restore", NULL), ==, 0);
        g_assert_true(harness_wait_for(not_listed, "session-restore", 10000));
        harness_kill(h);
        /* Restores are started before appd first answers. */
        h = harness_start();
        g_assert_false(listed("session-restore"));
        g_assert_cmpuint(mark_count(mark, "start"), ==, 2);
        g_unlink(mark);
}

/* An orderly stop restores nothing; an app whose package.json opts out
 * is not restored after a kill, while others are. */
static void test_stop_and_opt_out(void) {
        g_autofree char *app = harness_app("session-restore");
        g_autofree char *opt_out = harness_app("session-opt-out");
        g_autofree char *mark = mark_new();
        g_autofree char *mark_arg = g_strdup_printf("--mark=%s", mark);

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", app, "--", mark_arg, NULL), ==, 0);
        mark_wait(mark, "start", 1);
        harness_stop(h);
        h = harness_start();
        g_assert_false(listed("session-restore"));

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", opt_out, NULL), ==, 0);
        g_assert_cmpint(harness_appctl(NULL, NULL, "open", app, "--", mark_arg, NULL), ==, 0);
        mark_wait(mark, "start", 2);
        harness_kill(h);
        h = harness_start();
        g_assert_true(listed("session-restore"));
        g_assert_false(listed("session-opt-out"));
        g_assert_cmpint(harness_appctl(NULL, NULL, "quit", "session-restore", NULL), ==, 0);
        g_assert_true(harness_wait_for(not_listed, "session-restore", 10000));
        g_unlink(mark);
}

/* An app that is running each time appd ends abnormally (it may be what
 * ends it) is restored three times, then left out with a log line; appd
 * then stays up.  An app cannot end appd itself, since its main script
 * runs in a process of its own: the test kills appd. */
static void test_crash_loop(void) {
        g_autofree char *app = harness_app("session-killer");
        g_autofree char *mark = mark_new();
        g_autofree char *mark_arg = g_strdup_printf("--mark=%s", mark);
        g_autofree char *text = NULL, *log = NULL;

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", app, "--", mark_arg, NULL), ==, 0);
        mark_wait(mark, "start", 1);
        harness_kill(h);
        for (guint i = 2; i <= 4; i++) {
                h = harness_start();
                mark_wait(mark, "start", i);
                harness_kill(h);
        }
        h = harness_start();
        g_assert_false(listed("session-killer"));
        log = harness_log(h);
        g_assert_nonnull(strstr(log, "Not restoring app session-killer: it was running the last 3 times"));
        g_assert_true(g_file_get_contents(mark, &text, NULL, NULL));
        g_assert_cmpstr(text, ==, "{\"start\":true}\n{\"start\":true}\n{\"start\":true}\n"
                                  "{\"start\":true}\n");
        g_unlink(mark);
}

static gboolean told_size(gpointer data) {
        const char *path = data;
        g_autoptr(GPtrArray) records = mark_read(path);

        for (guint i = 0; i < records->len; i++) {
                JsonObject *o = json_node_get_object(records->pdata[i]);
                JsonObject *b = json_object_has_member(o, "told") ? json_object_get_object_member(o, "told") : NULL;

                if (b && json_object_get_int_member(b, "width") == 517 &&
                    json_object_get_int_member(b, "height") == 333)
                        return TRUE;
        }
        return FALSE;
}

/* A remembered window comes back at the bounds its app was last told,
 * even when appd is killed right after telling it. */
static void test_window_bounds(void) {
        g_autofree char *app = harness_app("session-restore");
        g_autofree char *mark = mark_new();
        g_autofree char *mark_arg = g_strdup_printf("--mark=%s", mark);
        g_autoptr(GPtrArray) records = NULL;
        g_autofree char *told = NULL, *restored = NULL;
        guint starts = 0;

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", app, "--", mark_arg, "--window",
                                       "--size=517x333", NULL), ==, 0);
        g_assert_true(harness_wait_for(told_size, mark, 20000));
        harness_kill(h);
        h = harness_start();
        mark_wait(mark, "start", 2);

        records = mark_read(mark);
        for (guint i = 0; i < records->len; i++) {
                JsonObject *o = json_node_get_object(records->pdata[i]);

                if (json_object_has_member(o, "start") && ++starts == 2) {
                        restored = json_to_string(json_object_get_member(o, "bounds"), FALSE);
                        break;
                }
                if (json_object_has_member(o, "told")) {
                        g_free(told);
                        told = json_to_string(json_object_get_member(o, "told"), FALSE);
                }
        }
        g_assert_nonnull(told);
        g_assert_cmpstr(restored, ==, told);
        g_assert_cmpint(harness_appctl(NULL, NULL, "quit", "session-restore", NULL), ==, 0);
        g_assert_true(harness_wait_for(not_listed, "session-restore", 10000));
        g_unlink(mark);
}

int main(int argc, char **argv) {
        int r;

        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/session/restore-args", test_restore_args);
        g_test_add_func("/session/stop-and-opt-out", test_stop_and_opt_out);
        g_test_add_func("/session/crash-loop", test_crash_loop);
        g_test_add_func("/session/window-bounds", test_window_bounds);
        h = harness_start();
        r = g_test_run();
        harness_stop(h);
        return r;
}
