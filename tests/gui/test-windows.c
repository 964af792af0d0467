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

typedef struct {
        int root;
        GArray *pids;
} ProcessTree;

static gboolean tree_has_web_process(gpointer data) {
        ProcessTree *t = data;

        g_array_set_size(t->pids, 0);
        g_array_append_val(t->pids, t->root);
        collect_descendants(t->root, t->pids);
        for (guint i = 0; i < t->pids->len; i++) {
                g_autofree char *path = g_strdup_printf("/proc/%d/comm", g_array_index(t->pids, int, i));
                g_autofree char *comm = NULL;

                if (g_file_get_contents(path, &comm, NULL, NULL) &&
                    g_str_has_prefix(comm, "WebKitWebProces"))
                        return TRUE;
        }
        return FALSE;
}

/* `pid` and every process below it, once a web process is among them.
 * A children list read while processes start may miss some (proc(5)), so
 * it is read again until the tree is whole. */
static void collect_tree(int pid, GArray *out) {
        ProcessTree t = { pid, out };

        g_assert_true(harness_wait_for(tree_has_web_process, &t, 10000));
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
        /* The renderer's web process at least. */
        collect_tree(pid, pids);

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

static void window_close_on_bus(guint id) {
        g_autoptr(GError) error = NULL;
        g_autofree char *path = g_strdup_printf("/org/appd/Appd1/window/%u", id);
        g_autoptr(GVariant) reply = g_dbus_connection_call_sync(session_bus(), "org.appd.Appd1", path,
                                                               "org.appd.Appd1.Window", "Close", NULL,
                                                               NULL, G_DBUS_CALL_FLAGS_NONE, 5000,
                                                               NULL, &error);

        g_assert_no_error(error);
}

/* Window.Close reaches the right window of the right app: the app knows
 * its windows by its own numbers, which are not appd's.  Two copies of the
 * demo (two apps, each with its window 1); closing the second's window
 * quits the second only. */
static void test_close_from_bus(void) {
        g_autofree char *demo = g_build_filename(SOURCE_DIR, "examples", "hello", NULL);
        g_autofree char *tmp = g_dir_make_tmp("appd-close-XXXXXX", NULL);
        g_autofree char *first = g_build_filename(tmp, "first", NULL);
        g_autofree char *second = g_build_filename(tmp, "second", NULL);
        g_autofree char *first_id = NULL, *second_id = NULL;
        WindowWait first_wait = { NULL, 0 }, second_wait = { NULL, 0 };
        const char *cp_first[] = { "cp", "-r", demo, first, NULL };
        const char *cp_second[] = { "cp", "-r", demo, second, NULL };
        int status;

        g_assert_true(g_spawn_sync(NULL, (char **) cp_first, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                   NULL, NULL, &status, NULL));
        g_assert_cmpint(status, ==, 0);
        g_assert_true(g_spawn_sync(NULL, (char **) cp_second, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                   NULL, NULL, &status, NULL));
        g_assert_cmpint(status, ==, 0);

        g_assert_cmpint(harness_appctl(&first_id, NULL, "open", first, NULL), ==, 0);
        first_wait.app = g_strstrip(first_id);
        g_assert_true(harness_wait_for(window_loaded, &first_wait, 30000));
        g_assert_cmpint(harness_appctl(&second_id, NULL, "open", second, NULL), ==, 0);
        second_wait.app = g_strstrip(second_id);
        g_assert_true(harness_wait_for(window_loaded, &second_wait, 30000));
        g_assert_cmpuint(first_wait.id, !=, second_wait.id);

        window_close_on_bus(second_wait.id);
        g_assert_true(harness_wait_for(app_gone, second_id, 10000));
        g_assert_cmpuint(find_window(first_id), ==, first_wait.id);

        window_close_on_bus(first_wait.id);
        g_assert_true(harness_wait_for(app_gone, first_id, 10000));
        harness_remove_tree(tmp);
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
        harness_remove_tree(tmp);
        harness_remove_tree(outside);
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
        collect_tree(pid, pids);

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

/* U+FFFD, as sd-bus carries what it refuses. */
#define FFFD "\xef\xbf\xbd"
#define ODD_TITLE "Odd " FFFD FFFD " " FFFD " title"

/* The title `appctl --json windows` shows for `app`'s first window, or
 * NULL (also when appctl fails). */
static char *listed_title(const char *app) {
        g_autofree char *out = NULL;
        g_autoptr(JsonParser) parser = json_parser_new();
        JsonArray *arr;

        if (harness_appctl(&out, NULL, "--json", "windows", NULL) != 0)
                return NULL;
        if (!json_parser_load_from_data(parser, out, -1, NULL))
                return NULL;
        arr = json_node_get_array(json_parser_get_root(parser));
        for (guint i = 0; i < json_array_get_length(arr); i++) {
                JsonObject *o = json_array_get_object_element(arr, i);
                if (g_str_equal(json_object_get_string_member(o, "app"), app))
                        return g_strdup(json_object_get_string_member(o, "title"));
        }
        return NULL;
}

static gboolean odd_title_listed(gpointer data) {
        g_autofree char *title = listed_title("odd-title");
        return g_strcmp0(title, ODD_TITLE) == 0;
}

/* Whether one of the X11 windows the xdotool `search` command finds has
 * _NET_WM_NAME `title`.  GTK has more than one X window per process: any
 * of them. */
static gboolean x_window_titled(const char *const *search, const char *title) {
        g_autofree char *ids = NULL;
        g_autofree char *quoted = g_strdup_printf("\"%s\"", title);
        g_auto(GStrv) words = NULL;

        if (!g_spawn_sync(NULL, (char **) search, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &ids, NULL,
                          NULL, NULL))
                return FALSE;
        words = g_strsplit(g_strstrip(ids), "\n", -1);
        for (char **id = words; *id && **id; id++) {
                const char *xprop[] = { "xprop", "-id", *id, "_NET_WM_NAME", NULL };
                g_autofree char *name = NULL;

                if (g_spawn_sync(NULL, (char **) xprop, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &name,
                                 NULL, NULL, NULL) &&
                    strstr(name, quoted))
                        return TRUE;
        }
        return FALSE;
}

/* Whether the X11 window of the renderer with this pid is titled
 * ODD_TITLE. */
static gboolean x_title_is_odd(gpointer pid) {
        g_autofree char *pid_text = g_strdup_printf("%u", GPOINTER_TO_UINT(pid));
        const char *search[] = { "xdotool", "search", "--all", "--pid", pid_text, "--name", "title", NULL };

        return x_window_titled(search, ODD_TITLE);
}

#define CAFE_TITLE "Caf\xc3\xa9 " FFFD

/* Whether an X11 window is titled CAFE_TITLE. */
static gboolean x_title_is_cafe(gpointer data) {
        const char *search[] = { "xdotool", "search", "--all", "--name", "Caf", NULL };

        return x_window_titled(search, CAFE_TITLE);
}

/* A title with Unicode noncharacters (valid for JSON and GLib, refused by
 * sd-bus) leaves every client's view of the windows working: appctl's
 * table and JSON, and the Title property, show U+FFFD in their place. */
static void test_odd_title(void) {
        g_autofree char *app = harness_app("odd-title");
        g_autofree char *out = NULL, *err = NULL;
        g_autoptr(GVariant) title = NULL, all = NULL;
        g_autoptr(GError) error = NULL;
        WindowWait wait = { "odd-title", 0 };
        const char *got;

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", app, NULL), ==, 0);
        g_assert_true(harness_wait_for(window_loaded, &wait, 30000));
        g_assert_true(harness_wait_for(log_has, "[odd-title] odd-title: title set", 10000));
        g_assert_true(harness_wait_for(odd_title_listed, NULL, 5000));

        g_assert_cmpint(harness_appctl(&out, &err, "windows", NULL), ==, 0);
        g_assert_nonnull(strstr(out, ODD_TITLE));

        title = window_property(wait.id, "Title");
        g_assert_nonnull(title);
        g_assert_cmpstr(g_variant_get_string(title, NULL), ==, ODD_TITLE);
        all = g_dbus_connection_call_sync(
                session_bus(), "org.appd.Appd1",
                g_strdup_printf("/org/appd/Appd1/window/%u", wait.id),
                "org.freedesktop.DBus.Properties", "GetAll",
                g_variant_new("(s)", "org.appd.Appd1.Window"), G_VARIANT_TYPE("(a{sv})"),
                G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
        g_assert_no_error(error);
        {
                g_autoptr(GVariant) props = g_variant_get_child_value(all, 0);
                g_assert_true(g_variant_lookup(props, "Title", "&s", &got));
                g_assert_cmpstr(got, ==, ODD_TITLE);
        }

        /* The renderer shows it too, with the same replacements. */
        {
                g_autoptr(GVariant) pid = window_property(wait.id, "RendererPid");

                g_assert_true(harness_wait_for(x_title_is_odd, GUINT_TO_POINTER(g_variant_get_uint32(pid)),
                                               10000));
        }
        /* A title that is not ASCII reaches the renderer on its command
         * line, whatever the locale. */
        g_assert_true(harness_wait_for(x_title_is_cafe, NULL, 10000));
        /* A channel sd-bus refuses is refused with a message the app sees
         * (and prints: its output reaches the log with U+FFFD). */
        g_assert_true(harness_wait_for(log_has, "webContents.send('odd\xef\xbf\xbd'): the channel name has "
                                                "characters D-Bus cannot carry", 10000));

        g_assert_cmpint(harness_appctl(NULL, NULL, "quit", "odd-title", NULL), ==, 0);
        g_assert_true(harness_wait_for(app_gone, "odd-title", 10000));
}

/* Lines of the app's output in the daemon's log that start with `prefix`
 * (after "[app] "); their count, and the sum of the numbers right after
 * the prefix into *sum when not NULL. */
static guint app_log_lines(char **lines, const char *app, const char *prefix, guint *sum) {
        g_autofree char *tag = g_strdup_printf("[%s] %s", app, prefix);
        guint n = 0;

        if (sum)
                *sum = 0;
        for (char **l = lines; *l; l++) {
                const char *at = strstr(*l, tag);
                if (!at)
                        continue;
                n++;
                if (sum)
                        *sum += (guint) g_ascii_strtoull(at + strlen(tag), NULL, 10);
        }
        return n;
}

/* A page that invokes channels without a handler hundreds of times gets
 * every rejection, while the log says so in a few lines per channel: the
 * first in full (Electron's words), then counts. */
static void test_unhandled_invoke_log(void) {
        static const struct {
                const char *logged; /* the channel as the log shows it */
                guint invokes;
        } channels[] = { { "nope", 500 }, { "nope-too", 100 }, { "evil\\nchannel", 3 } };
        g_autofree char *log = NULL;
        g_auto(GStrv) lines = NULL;
        guint full, summaries, more, other, all;

        harness_run_app(h, "ipc-unhandled", NULL);
        log = harness_log(h);
        lines = g_strsplit(log, "\n", -1);

        for (size_t i = 0; i < G_N_ELEMENTS(channels); i++) {
                const char *c = channels[i].logged;
                g_autofree char *first = g_strdup_printf(
                        "Error occurred in handler for '%s': No handler registered for '%s'", c, c);
                g_autofree char *count = g_strdup_printf("No handler registered for '%s': ", c);

                full = app_log_lines(lines, "ipc-unhandled", first, NULL);
                summaries = app_log_lines(lines, "ipc-unhandled", count, &more);
                g_test_message("'%s': %u in full, %u summaries of %u more", c, full, summaries,
                               more);
                g_assert_cmpuint(full, >=, 1);
                g_assert_cmpuint(full + summaries, <=, 4);
                g_assert_cmpuint(full + more, ==, channels[i].invokes);
        }
        /* The channel's newline did not start a line of its own. */
        g_assert_cmpuint(app_log_lines(lines, "ipc-unhandled", "channel'", NULL), ==, 0);

        /* 200 channels once each: some in full, the rest counted together. */
        full = app_log_lines(lines, "ipc-unhandled", "Error occurred in handler for 'many-", NULL);
        summaries = app_log_lines(lines, "ipc-unhandled", "No handler registered: ", &other);
        g_test_message("many: %u in full, %u summaries of %u more", full, summaries, other);
        g_assert_cmpuint(full, <=, 64);
        g_assert_cmpuint(full + other, ==, 200);

        all = app_log_lines(lines, "ipc-unhandled", "", NULL);
        g_test_message("%u lines from ipc-unhandled in all", all);
        g_assert_cmpuint(all, <=, 100);
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
        collect_tree(pid, pids);

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
        collect_tree(atoi(g_subprocess_get_identifier(h->appd)), pids);
        /* appd itself is reaped below; its descendants are the orphans. */
        g_array_remove_index(pids, 0);

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
        /* appd ended abnormally: the next one restores the demo app. */
        h = harness_start();
        g_assert_cmpint(harness_appctl(NULL, NULL, "quit", "hello", NULL), ==, 0);
        g_assert_true(harness_wait_for(app_gone, "hello", 10000));
}

int main(int argc, char **argv) {
        int r;

        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/windows/demo-window", test_demo_window);
        g_test_add_func("/windows/close-from-bus", test_close_from_bus);
        g_test_add_func("/windows/ipc-both-ways", test_ipc_both_ways);
        g_test_add_func("/windows/scheme-stays-in-app", test_scheme_stays_in_app);
        g_test_add_func("/windows/child-process-in-app", test_child_process_in_app);
        g_test_add_func("/windows/kill-app-with-window", test_kill_app_with_window);
        g_test_add_func("/windows/renderer-killed", test_renderer_killed);
        g_test_add_func("/windows/odd-title", test_odd_title);
        g_test_add_func("/windows/unhandled-invoke-log", test_unhandled_invoke_log);
        g_test_add_func("/windows/daemon-killed-under-subreaper", test_daemon_killed_under_subreaper);
        g_test_add_func("/windows/daemon-stop-leaves-nothing", test_daemon_stop_leaves_nothing);
        h = harness_start();
        r = g_test_run();
        if (h)
                harness_stop(h);
        return r;
}
