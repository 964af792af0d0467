/* Real windows under Xvfb on a private bus: the demo window appears and
 * its page loads, IPC goes both ways, app:// stays inside the app, and
 * closing or killing leaves no process behind. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "harness.h"

static Harness *h;

static GDBusConnection *session_bus(void) {
        static GDBusConnection *bus;
        if (!bus) {
                g_autoptr(GError) error = NULL;
                bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
                g_assert_no_error(error);
        }
        return bus;
}

static GVariant *window_property(guint id, const char *name) {
        g_autoptr(GError) error = NULL;
        g_autofree char *path = g_strdup_printf("/org/appd/Appd1/window/%u", id);
        g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
                session_bus(), "org.appd.Appd1", path, "org.freedesktop.DBus.Properties", "Get",
                g_variant_new("(ss)", "org.appd.Appd1.Window", name), G_VARIANT_TYPE("(v)"),
                G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
        GVariant *v;

        if (!reply)
                return NULL;
        g_variant_get(reply, "(v)", &v);
        return v;
}

/* The first window of `app`, or 0. */
static guint find_window(const char *app) {
        g_autofree char *out = NULL;
        g_autoptr(JsonParser) parser = json_parser_new();
        JsonArray *arr;

        if (harness_appctl(&out, NULL, "--json", "windows", NULL) != 0)
                return 0;
        if (!json_parser_load_from_data(parser, out, -1, NULL))
                return 0;
        arr = json_node_get_array(json_parser_get_root(parser));
        for (guint i = 0; i < json_array_get_length(arr); i++) {
                JsonObject *o = json_array_get_object_element(arr, i);
                if (g_str_equal(json_object_get_string_member(o, "app"), app))
                        return (guint) json_object_get_int_member(o, "id");
        }
        return 0;
}

typedef struct {
        const char *app;
        guint id;
} WindowWait;

static gboolean window_loaded(gpointer data) {
        WindowWait *w = data;
        g_autoptr(GVariant) loading = NULL, url = NULL;

        if (!w->id)
                w->id = find_window(w->app);
        if (!w->id)
                return FALSE;
        loading = window_property(w->id, "Loading");
        url = window_property(w->id, "URL");
        return loading && url && !g_variant_get_boolean(loading) &&
               g_str_has_prefix(g_variant_get_string(url, NULL), "app://");
}

static gboolean window_has_greeting(gpointer data) {
        /* The demo's page shows the main process's answer; its renderer
         * logs nothing, so look at the app's console line instead. */
        g_autofree char *log = harness_log(h);
        return strstr(log, "[hello] page ready: Hello appd") != NULL;
}

/* Every process below `pid`, by walking /proc/<pid>/task/<tid>/children. */
static void collect_descendants(int pid, GArray *out) {
        g_autofree char *dir_path = g_strdup_printf("/proc/%d/task", pid);
        g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
        const char *tid;

        if (!dir)
                return;
        while ((tid = g_dir_read_name(dir))) {
                g_autofree char *path = g_strdup_printf("%s/%s/children", dir_path, tid);
                g_autofree char *children = NULL;
                g_auto(GStrv) pids = NULL;

                if (!g_file_get_contents(path, &children, NULL, NULL))
                        continue;
                pids = g_strsplit(g_strstrip(children), " ", -1);
                for (char **p = pids; *p; p++) {
                        int child = atoi(*p);
                        if (child > 0) {
                                g_array_append_val(out, child);
                                collect_descendants(child, out);
                        }
                }
        }
}

static gboolean pids_gone(gpointer data) {
        GArray *pids = data;
        for (guint i = 0; i < pids->len; i++)
                if (harness_pid_alive(g_array_index(pids, int, i)))
                        return FALSE;
        return TRUE;
}

static gboolean app_gone(gpointer id) {
        g_autofree char *out = NULL;
        if (harness_appctl(&out, NULL, "list", NULL) != 0)
                return FALSE;
        return strstr(out, id) == NULL;
}

static gboolean x_window_with_class(const char *klass) {
        g_autofree char *out = NULL;
        g_autofree char *needle = g_strdup_printf("\"%s\")", klass);
        const char *argv[] = { "xwininfo", "-root", "-tree", NULL };

        if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                          NULL, NULL, NULL))
                return FALSE;
        /* xwininfo prints ("instance" "class"). */
        return strstr(out, needle) != NULL;
}

static void test_demo_window(void) {
        g_autofree char *demo = g_build_filename(SOURCE_DIR, "examples", "hello", NULL);
        g_autoptr(GArray) pids = g_array_new(FALSE, FALSE, sizeof(int));
        g_autoptr(GVariant) pid_v = NULL, title = NULL;
        g_autoptr(GError) error = NULL;
        WindowWait wait = { "hello", 0 };
        gint64 t0;
        int pid;

        t0 = g_get_monotonic_time();
        g_assert_cmpint(harness_appctl(NULL, NULL, "open", demo, NULL), ==, 0);
        g_assert_true(harness_wait_for(window_loaded, &wait, 30000));
        g_test_message("appctl open to page loaded: %.0f ms",
                       (g_get_monotonic_time() - t0) / 1000.0);
        g_assert_true(harness_wait_for(window_has_greeting, NULL, 10000));

        harness_assert_contract(g_strdup_printf("/org/appd/Appd1/window/%u", wait.id),
                                "org.appd.Appd1.Window");
        title = window_property(wait.id, "Title");
        g_assert_cmpstr(g_variant_get_string(title, NULL), ==, "Hello appd");
        /* The greeting came over the page's own link to appd. */
        {
                g_autoptr(GVariant) linked = window_property(wait.id, "PageLinked");
                g_assert_true(g_variant_get_boolean(linked));
        }
        g_assert_true(x_window_with_class("hello"));

        pid_v = window_property(wait.id, "RendererPid");
        pid = (int) g_variant_get_uint32(pid_v);
        g_assert_cmpint(pid, >, 0);
        g_assert_true(harness_pid_alive(pid));
        g_array_append_val(pids, pid);
        collect_descendants(pid, pids);
        /* The renderer's web process at least. */
        g_assert_cmpuint(pids->len, >=, 2);

        /* Closing the window as the user would: the main script's
         * window-all-closed handler quits the app. */
        g_dbus_connection_call_sync(session_bus(), "org.appd.Appd1",
                                    g_strdup_printf("/org/appd/Appd1/window/%u", wait.id),
                                    "org.appd.Appd1.Window", "Close", NULL, NULL,
                                    G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
        g_assert_no_error(error);
        g_assert_true(harness_wait_for(app_gone, "hello", 10000));
        g_assert_true(harness_wait_for(pids_gone, pids, 10000));
}

static void test_ipc_both_ways(void) {
        g_autofree char *app = harness_app("window-ipc");
        g_autofree char *err = NULL;
        int rc = harness_appctl(NULL, &err, "open", "--wait", app, NULL);

        if (rc != 0) {
                g_autofree char *log = harness_log(h);
                g_printerr("appctl: %s\nappd log:\n%s\n", err, log);
        }
        g_assert_cmpint(rc, ==, 0);
}

/* Node's child_process installs its own SIGCHLD handler in the daemon's
 * process; renderers must still be noticed when they end. */
static void test_child_process_in_app(void) {
        g_autofree char *app = harness_app("child-process");
        g_autofree char *err = NULL;

        g_assert_cmpint(harness_appctl(NULL, &err, "open", "--wait", app, NULL), ==, 0);
}

static void test_scheme_stays_in_app(void) {
        g_autofree char *src = harness_app("scheme");
        g_autofree char *tmp = g_dir_make_tmp("appd-scheme-XXXXXX", NULL);
        g_autofree char *outside = g_dir_make_tmp("appd-outside-XXXXXX", NULL);
        g_autofree char *app = g_build_filename(tmp, "scheme", NULL);
        g_autofree char *link = g_build_filename(app, "link-out", NULL);
        g_autofree char *secret = g_build_filename(outside, "secret.html", NULL);
        g_autofree char *err = NULL;
        const char *cp[] = { "cp", "-r", src, tmp, NULL };
        int status, rc;

        g_assert_true(g_spawn_sync(NULL, (char **) cp, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                   NULL, NULL, &status, NULL));
        g_assert_cmpint(status, ==, 0);
        g_assert_true(g_file_set_contents(secret, "<title>secret</title>", -1, NULL));
        g_assert_cmpint(symlink(outside, link), ==, 0);

        rc = harness_appctl(NULL, &err, "open", "--wait", app, NULL);
        if (rc != 0) {
                g_autofree char *log = harness_log(h);
                g_printerr("appctl: %s\nappd log:\n%s\n", err, log);
        }
        g_assert_cmpint(rc, ==, 0);
}

static void test_kill_app_with_window(void) {
        g_autofree char *demo = g_build_filename(SOURCE_DIR, "examples", "hello", NULL);
        g_autoptr(GArray) pids = g_array_new(FALSE, FALSE, sizeof(int));
        g_autoptr(GVariant) pid_v = NULL;
        WindowWait wait = { "hello", 0 };
        int pid;

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", demo, NULL), ==, 0);
        g_assert_true(harness_wait_for(window_loaded, &wait, 30000));
        pid_v = window_property(wait.id, "RendererPid");
        pid = (int) g_variant_get_uint32(pid_v);
        g_array_append_val(pids, pid);
        collect_descendants(pid, pids);

        g_assert_cmpint(harness_appctl(NULL, NULL, "kill", "hello", NULL), ==, 0);
        g_assert_true(harness_wait_for(app_gone, "hello", 10000));
        g_assert_true(harness_wait_for(pids_gone, pids, 10000));
        g_assert_cmpuint(find_window("hello"), ==, 0);
}

static gboolean log_has(gpointer needle) {
        g_autofree char *log = harness_log(h);
        return strstr(log, needle) != NULL;
}

static void test_renderer_killed(void) {
        g_autofree char *app = harness_app("renderer-gone");
        g_autoptr(GSubprocess) waiter = NULL;
        g_autoptr(GVariant) pid_v = NULL;
        g_autoptr(GError) error = NULL;
        const char *argv[] = { APPCTL_BIN, "open", "--wait", app, NULL };
        WindowWait wait = { "renderer-gone", 0 };
        int pid;

        waiter = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_NONE, &error);
        g_assert_no_error(error);
        g_assert_true(harness_wait_for(window_loaded, &wait, 30000));
        g_assert_true(harness_wait_for(log_has, "[renderer-gone] loaded; waiting", 10000));
        pid_v = window_property(wait.id, "RendererPid");
        pid = (int) g_variant_get_uint32(pid_v);
        g_assert_cmpint(pid, >, 0);
        g_assert_cmpint(kill(pid, SIGKILL), ==, 0);

        g_assert_true(g_subprocess_wait(waiter, NULL, &error));
        g_assert_no_error(error);
        if (g_subprocess_get_exit_status(waiter) != 0) {
                g_autofree char *log = harness_log(h);
                g_printerr("appd log:\n%s\n", log);
        }
        g_assert_cmpint(g_subprocess_get_exit_status(waiter), ==, 0);
        g_assert_true(log_has("[renderer-gone] render-process-gone: killed"));
        g_assert_true(log_has("[renderer-gone] reloaded: app://renderer-gone/index.html"));
}

/* Stopping the daemon ends every app and every renderer. */
static void test_daemon_stop_leaves_nothing(void) {
        g_autofree char *demo = g_build_filename(SOURCE_DIR, "examples", "hello", NULL);
        g_autofree char *idle = harness_app("idle");
        g_autoptr(GArray) pids = g_array_new(FALSE, FALSE, sizeof(int));
        g_autoptr(GVariant) pid_v = NULL;
        WindowWait wait = { "hello", 0 };
        int pid;

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", demo, NULL), ==, 0);
        g_assert_cmpint(harness_appctl(NULL, NULL, "open", idle, NULL), ==, 0);
        g_assert_true(harness_wait_for(window_loaded, &wait, 30000));
        pid_v = window_property(wait.id, "RendererPid");
        pid = (int) g_variant_get_uint32(pid_v);
        g_array_append_val(pids, pid);
        collect_descendants(pid, pids);
        g_assert_cmpuint(pids->len, >=, 2);

        harness_stop(h);
        h = NULL;
        g_assert_true(harness_wait_for(pids_gone, pids, 10000));
}

/* A daemon killed outright takes its renderers and their web processes
 * with it, also under a subreaper (as systemd --user is), where orphans
 * are not reparented to pid 1: the test process is the subreaper here. */
static void test_daemon_killed_under_subreaper(void) {
        g_autofree char *demo = g_build_filename(SOURCE_DIR, "examples", "hello", NULL);
        g_autoptr(GArray) pids = g_array_new(FALSE, FALSE, sizeof(int));
        g_autoptr(GError) error = NULL;
        WindowWait wait = { "hello", 0 };

        g_assert_cmpint(prctl(PR_SET_CHILD_SUBREAPER, 1), ==, 0);
        g_assert_cmpint(harness_appctl(NULL, NULL, "open", demo, NULL), ==, 0);
        g_assert_true(harness_wait_for(window_loaded, &wait, 30000));
        collect_descendants(atoi(g_subprocess_get_identifier(h->appd)), pids);
        g_assert_cmpuint(pids->len, >=, 2);

        g_subprocess_force_exit(h->appd);
        g_assert_true(g_subprocess_wait(h->appd, NULL, &error));
        g_assert_no_error(error);
        g_assert_true(harness_wait_for(pids_gone, pids, 10000));
        /* The orphans came to this process: reap them. */
        while (waitpid(-1, NULL, WNOHANG) > 0)
                ;
        g_assert_cmpint(prctl(PR_SET_CHILD_SUBREAPER, 0), ==, 0);
        g_object_unref(h->appd);
        g_unlink(h->log_path);
        g_free(h->log_path);
        g_free(h);
        h = harness_start();
}

int main(int argc, char **argv) {
        int r;

        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/windows/demo-window", test_demo_window);
        g_test_add_func("/windows/ipc-both-ways", test_ipc_both_ways);
        g_test_add_func("/windows/scheme-stays-in-app", test_scheme_stays_in_app);
        g_test_add_func("/windows/child-process-in-app", test_child_process_in_app);
        g_test_add_func("/windows/kill-app-with-window", test_kill_app_with_window);
        g_test_add_func("/windows/renderer-killed", test_renderer_killed);
        g_test_add_func("/windows/daemon-killed-under-subreaper", test_daemon_killed_under_subreaper);
        g_test_add_func("/windows/daemon-stop-leaves-nothing", test_daemon_stop_leaves_nothing);
        h = harness_start();
        r = g_test_run();
        if (h)
                harness_stop(h);
        return r;
}
