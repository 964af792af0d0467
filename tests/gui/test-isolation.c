/* Apps cannot take each other or appd down: each attack below, made by an
 * app's main script, ends the attacker alone (with the reason appctl open
 * --wait reports), while another app (tests/apps/idle) and appd keep
 * answering.  Each app numbers its windows from 1 while appd's ids on the
 * bus are distinct; and no app process outlives appd. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static Harness *h;
static int idle_pid;

static int appd_pid(void) {
        return atoi(g_subprocess_get_identifier(h->appd));
}

/* The app process of `app_id`, or 0. */
static int app_pid(const char *app_id) {
        return harness_app_process_pid(appd_pid(), app_id);
}

/* VmRSS of a process, KiB. */
static gint64 rss_kib(int pid) {
        g_autofree char *path = g_strdup_printf("/proc/%d/status", pid);
        g_autofree char *text = NULL;
        const char *line;

        g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
        line = strstr(text, "VmRSS:");
        g_assert_nonnull(line);
        return g_ascii_strtoll(line + strlen("VmRSS:"), NULL, 10);
}

static gboolean log_has(gpointer data) {
        g_autofree char *log = harness_log(h);
        return strstr(log, data) != NULL;
}

static void wait_log(const char *text) {
        if (!harness_wait_for(log_has, (gpointer) text, 20000)) {
                g_autofree char *log = harness_log(h);
                g_error("appd never logged '%s':\n%s", text, log);
        }
}

static gboolean app_gone(gpointer data);

/* The app has a process. */
static gboolean app_running(gpointer data) {
        return app_pid(data) > 0;
}

/* appd answers, and idle still runs in the same process it started in. */
static void assert_others_fine(void) {
        g_autofree char *out = NULL;

        g_assert_cmpint(harness_appctl(&out, NULL, "list", NULL), ==, 0);
        g_assert_nonnull(strstr(out, "idle"));
        g_assert_nonnull(strstr(out, "running"));
        g_assert_cmpint(app_pid("idle"), ==, idle_pid);
        g_assert_true(harness_pid_alive(idle_pid));
}

/* Runs an attacker with appctl open --wait; its exit code and stderr. */
static int run_attacker(const char *name, char **ret_err) {
        g_autofree char *path = harness_app(name);
        return harness_appctl(NULL, ret_err, "open", "--wait", path, NULL);
}

/* A folder of its own whose package.json has the running idle's name gets
 * an id of its own (so its own data: localStorage, remembered windows),
 * runs beside idle instead of being refused, and keeps that id; idle is
 * not touched. */
static void test_same_name(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("appd-same-name-XXXXXX", &error);
        g_autofree char *idle = harness_app("idle");
        g_autofree char *out = NULL, *again = NULL;

        g_assert_no_error(error);
        for (const char *const *f = (const char *const[]) { "package.json", "main.js", NULL }; *f; f++) {
                g_autofree char *from = g_build_filename(idle, *f, NULL);
                g_autofree char *to = g_build_filename(dir, *f, NULL);
                g_autofree char *text = NULL;
                gsize len;

                g_assert_true(g_file_get_contents(from, &text, &len, NULL));
                g_assert_true(g_file_set_contents(to, text, len, NULL));
        }
        g_assert_cmpint(harness_appctl(&out, NULL, "open", dir, NULL), ==, 0);
        g_assert_cmpstr(g_strstrip(out), ==, "idle-2");
        g_assert_true(harness_wait_for(app_running, "idle-2", 20000));
        g_assert_cmpint(app_pid("idle-2"), !=, idle_pid);
        assert_others_fine();
        /* Its own folder again: the same id, so the same data. */
        g_assert_cmpint(harness_appctl(NULL, NULL, "quit", "idle-2", NULL), ==, 0);
        g_assert_true(harness_wait_for(app_gone, "idle-2", 20000));
        g_assert_cmpint(harness_appctl(&again, NULL, "open", dir, NULL), ==, 0);
        g_assert_cmpstr(g_strstrip(again), ==, "idle-2");
        g_assert_cmpint(harness_appctl(NULL, NULL, "kill", "idle-2", NULL), ==, 0);
        g_assert_true(harness_wait_for(app_gone, "idle-2", 20000));
        assert_others_fine();
        harness_remove_tree(dir);
}

static void test_kill_self(void) {
        g_autofree char *err = NULL;

        g_assert_cmpint(run_attacker("isolation-kill", &err), ==, 128 + 15);
        g_assert_nonnull(strstr(err, "isolation-kill ended: killed"));
        g_assert_nonnull(strstr(err, "SIGTERM"));
        assert_others_fine();
}

static void test_abort(void) {
        g_autofree char *err = NULL;

        g_assert_cmpint(run_attacker("isolation-abort", &err), ==, 128 + 6);
        g_assert_nonnull(strstr(err, "isolation-abort ended: crashed"));
        g_assert_nonnull(strstr(err, "SIGABRT"));
        assert_others_fine();
}

/* Neither listed nor its process left. */
static gboolean app_gone(gpointer data) {
        g_autofree char *out = NULL;

        return app_pid(data) == 0 && harness_appctl(&out, NULL, "list", NULL) == 0 &&
               !strstr(out, data);
}

/* 1 GiB of Buffers, outside V8's heap limit, land in the app's process:
 * appd does not grow by them. */
static void test_buffers(void) {
        g_autofree char *path = harness_app("isolation-buffers");
        gint64 before = rss_kib(appd_pid()), after;
        int pid;

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", path, NULL), ==, 0);
        wait_log("[isolation-buffers] holding 1024 MiB of Buffers");
        pid = app_pid("isolation-buffers");
        g_assert_cmpint(pid, >, 0);
        after = rss_kib(appd_pid());
        g_test_message("appd VmRSS %" G_GINT64_FORMAT " -> %" G_GINT64_FORMAT " KiB; "
                       "the app's process %" G_GINT64_FORMAT " KiB",
                       before, after, rss_kib(pid));
        g_assert_cmpint(rss_kib(pid), >=, 1024 * 1024);
        g_assert_cmpint(after - before, <, 64 * 1024);
        g_assert_cmpint(harness_appctl(NULL, NULL, "kill", "isolation-buffers", NULL), ==, 0);
        g_assert_true(harness_wait_for(app_gone, "isolation-buffers", 10000));
        assert_others_fine();
}

static gboolean file_filled(gpointer data) {
        g_autofree char *text = NULL;
        return g_file_get_contents(data, &text, NULL, NULL) && strlen(text) == 32;
}

/* One app's memory, read through /proc/self/mem, holds nothing of
 * another's. */
static void test_memory_scan(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *secret_app = harness_app("isolation-secret");
        g_autofree char *mark = NULL, *token = NULL, *err = NULL, *log = NULL;
        g_autofree char *line = NULL;
        int fd = g_file_open_tmp("appd-secret-XXXXXX", &mark, &error);

        g_assert_no_error(error);
        close(fd);
        g_assert_cmpint(harness_appctl(NULL, NULL, "open", secret_app, "--", mark, NULL), ==, 0);
        g_assert_true(harness_wait_for(file_filled, mark, 20000));
        g_assert_true(g_file_get_contents(mark, &token, NULL, NULL));

        g_assert_cmpint(run_attacker("isolation-memscan", &err), ==, 0);
        log = harness_log(h);
        line = g_strdup("[isolation-memscan] memscan: ");
        g_assert_nonnull(strstr(log, line));
        g_assert_nonnull(strstr(log, "own secret found, others found: []"));
        g_assert_null(strstr(strstr(log, line), token));
        g_assert_cmpint(harness_appctl(NULL, NULL, "quit", "isolation-secret", NULL), ==, 0);
        g_assert_true(harness_wait_for(app_gone, "isolation-secret", 10000));
        g_unlink(mark);
        assert_others_fine();
}

static guint count_windows(GHashTable *ids) {
        g_autofree char *out = NULL;
        g_autoptr(JsonParser) parser = json_parser_new();
        JsonArray *arr;

        g_hash_table_remove_all(ids);
        if (harness_appctl(&out, NULL, "--json", "windows", NULL) != 0 ||
            !json_parser_load_from_data(parser, out, -1, NULL))
                return 0;
        arr = json_node_get_array(json_parser_get_root(parser));
        for (guint i = 0; i < json_array_get_length(arr); i++) {
                JsonObject *o = json_array_get_object_element(arr, i);
                g_hash_table_add(ids, GINT_TO_POINTER(json_object_get_int_member(o, "id")));
        }
        return json_array_get_length(arr);
}

static gboolean four_windows(gpointer data) {
        return count_windows(data) == 4;
}

/* Each app's windows are 1 and 2 to it; on the bus, four distinct ids. */
static void test_window_ids(void) {
        g_autoptr(GHashTable) ids = g_hash_table_new(NULL, NULL);
        g_autofree char *a = harness_app("isolation-windows-a");
        g_autofree char *b = harness_app("isolation-windows-b");

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", a, NULL), ==, 0);
        g_assert_cmpint(harness_appctl(NULL, NULL, "open", b, NULL), ==, 0);
        wait_log("[isolation-windows-a] window ids 1,2\n");
        wait_log("[isolation-windows-b] window ids 1,2\n");
        g_assert_true(harness_wait_for(four_windows, ids, 20000));
        g_assert_cmpuint(g_hash_table_size(ids), ==, 4);
        g_assert_cmpint(harness_appctl(NULL, NULL, "kill", "isolation-windows-a", NULL), ==, 0);
        g_assert_cmpint(harness_appctl(NULL, NULL, "kill", "isolation-windows-b", NULL), ==, 0);
        g_assert_true(harness_wait_for(app_gone, "isolation-windows-a", 10000));
        g_assert_true(harness_wait_for(app_gone, "isolation-windows-b", 10000));
        assert_others_fine();
}

static gboolean pid_gone(gpointer data) {
        return !harness_pid_alive(GPOINTER_TO_INT(data));
}

/* Nothing of an app outlives appd: stopped, it ends and reaps every app
 * process; killed, the kernel ends them (PR_SET_PDEATHSIG). */
static void test_appd_ends(void) {
        g_autofree char *idle = harness_app("idle");
        int pid;

        harness_stop(h);
        g_assert_false(harness_pid_alive(idle_pid));

        h = harness_start();
        g_assert_cmpint(harness_appctl(NULL, NULL, "open", idle, NULL), ==, 0);
        g_assert_true(harness_wait_for(log_has, "[idle] idle ready", 20000));
        pid = app_pid("idle");
        g_assert_cmpint(pid, >, 0);
        harness_kill(h);
        h = NULL;
        g_assert_true(harness_wait_for(pid_gone, GINT_TO_POINTER(pid), 5000));
}

int main(int argc, char **argv) {
        g_autofree char *idle = NULL;
        int r;

        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/isolation/kill-self", test_kill_self);
        g_test_add_func("/isolation/abort", test_abort);
        g_test_add_func("/isolation/buffers", test_buffers);
        g_test_add_func("/isolation/memory-scan", test_memory_scan);
        g_test_add_func("/isolation/window-ids", test_window_ids);
        g_test_add_func("/isolation/same-name", test_same_name);
        g_test_add_func("/isolation/appd-ends", test_appd_ends);

        h = harness_start();
        idle = harness_app("idle");
        g_assert_cmpint(harness_appctl(NULL, NULL, "open", idle, NULL), ==, 0);
        wait_log("[idle] idle ready");
        idle_pid = app_pid("idle");
        g_assert_cmpint(idle_pid, >, 0);
        /* The kernel's OOM killer picks an app before appd. */
        {
                g_autofree char *path = g_strdup_printf("/proc/%d/oom_score_adj", idle_pid);
                g_autofree char *adj = NULL;

                g_assert_true(g_file_get_contents(path, &adj, NULL, NULL));
                g_assert_cmpint(atoi(adj), >, 0);
        }
        r = g_test_run();
        if (h)
                harness_stop(h);
        return r;
}
