/* Manager over a real session bus: open, list, quit, kill, failures of one
 * app beside another, and every bad input a user or a caller can give. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"

static Harness *h;

static void test_no_daemon(void) {
        g_autofree char *err = NULL;

        /* Runs before the daemon starts. */
        g_assert_null(h);
        g_assert_cmpint(harness_appctl(NULL, &err, "list", NULL), ==, 1);
        g_assert_nonnull(strstr(err, "no appd daemon is running"));
        h = harness_start();
}

static void test_introspection_matches_contract(void) {
        g_autofree char *app = harness_app("idle");

        harness_assert_contract("/org/appd/Appd1", "org.appd.Appd1.Manager");
        g_assert_cmpint(harness_appctl(NULL, NULL, "open", app, NULL), ==, 0);
        harness_assert_contract("/org/appd/Appd1/app/idle", "org.appd.Appd1.App");
        g_assert_cmpint(harness_appctl(NULL, NULL, "quit", "idle", NULL), ==, 0);
}

static void test_exit_code(void) {
        g_autofree char *app = harness_app("exit-code");

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", "--wait", app, NULL), ==, 3);
        g_assert_cmpint(harness_appctl(NULL, NULL, "open", "--wait", app, "--", "7", NULL), ==,
                        7);
        g_assert_cmpint(harness_appctl(NULL, NULL, "open", "--wait", app, "--", "0", NULL), ==,
                        0);
}

static void test_app_api(void) {
        g_autofree char *app = harness_app("api");
        g_autofree char *err = NULL;
        int rc = harness_appctl(NULL, &err, "open", "--wait", app, "--", "one", "two", NULL);

        if (rc != 0) {
                g_autofree char *log = harness_log(h);
                g_printerr("%s\n%s\n", err, log);
        }
        g_assert_cmpint(rc, ==, 0);
}

static gboolean app_listed(gpointer id);
static gboolean app_not_listed(gpointer id);

/* One app's uncaught exception ends that app only. */
static void test_exception_reported(void) {
        g_autofree char *app = harness_app("throws");
        g_autofree char *second = harness_app("second");
        g_autofree char *err = NULL;
        int rc;

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", second, NULL), ==, 0);
        rc = harness_appctl(NULL, &err, "open", "--wait", app, NULL);
        g_assert_cmpint(rc, ==, 1);
        g_assert_nonnull(strstr(err, "exception"));
        g_assert_nonnull(strstr(err, "deliberate failure from the throws app"));

        g_assert_true(app_listed("second"));
        g_assert_cmpint(harness_appctl(NULL, NULL, "quit", "second", NULL), ==, 0);
        g_assert_true(harness_wait_for(app_not_listed, "second", 5000));
}

static void test_missing_module_reported(void) {
        g_autofree char *app = harness_app("missing-module");
        g_autofree char *err = NULL;

        g_assert_cmpint(harness_appctl(NULL, &err, "open", "--wait", app, NULL), !=, 0);
        g_assert_nonnull(strstr(err, "not-here"));
}

static void test_bad_inputs(void) {
        g_autofree char *bad_json = harness_app("bad-json");
        g_autofree char *no_main = harness_app("no-main");
        g_autofree char *err1 = NULL, *err2 = NULL, *err3 = NULL, *err4 = NULL;
        g_autofree char *tmp = g_dir_make_tmp("appd-empty-XXXXXX", NULL);

        g_assert_cmpint(harness_appctl(NULL, &err1, "open", "/nonexistent/app/folder", NULL),
                        ==, 1);
        g_assert_nonnull(strstr(err1, "/nonexistent/app/folder"));

        /* Malformed package.json: the error says which file and where. */
        g_assert_cmpint(harness_appctl(NULL, &err2, "open", "--wait", bad_json, NULL), ==, 1);
        g_assert_nonnull(strstr(err2, "package.json:3:"));

        g_assert_cmpint(harness_appctl(NULL, &err3, "open", "--wait", no_main, NULL), ==, 1);
        g_assert_nonnull(strstr(err3, "missing.js"));

        g_assert_cmpint(harness_appctl(NULL, &err4, "open", tmp, NULL), ==, 1);
        g_assert_nonnull(strstr(err4, "package.json"));
        g_rmdir(tmp);

        /* Nothing failed silently into a running app. */
        {
                g_autofree char *out = NULL;
                g_assert_cmpint(harness_appctl(&out, NULL, "--json", "list", NULL), ==, 0);
                g_assert_null(strstr(out, "bad-json"));
                g_assert_null(strstr(out, "no-main"));
        }
}

static gboolean app_listed(gpointer id) {
        g_autofree char *out = NULL;
        g_autofree char *needle = g_strdup_printf("\"id\":\"%s\"", (char *) id);
        g_autofree char *spaced = g_strdup_printf("\"id\": \"%s\"", (char *) id);

        if (harness_appctl(&out, NULL, "--json", "list", NULL) != 0)
                return FALSE;
        return strstr(out, needle) || strstr(out, spaced);
}

static gboolean app_not_listed(gpointer id) {
        return !app_listed(id);
}

static void test_list_and_quit(void) {
        g_autofree char *app = harness_app("idle");
        g_autofree char *out = NULL, *err = NULL, *list = NULL;
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(GError) error = NULL;
        JsonArray *arr;
        JsonObject *o = NULL;

        g_assert_cmpint(harness_appctl(&out, NULL, "open", app, NULL), ==, 0);
        g_assert_cmpstr(g_strstrip(out), ==, "idle");
        g_assert_true(harness_wait_for(app_listed, "idle", 5000));

        g_assert_cmpint(harness_appctl(&list, NULL, "--json", "list", NULL), ==, 0);
        g_assert_true(json_parser_load_from_data(parser, list, -1, &error));
        g_assert_no_error(error);
        arr = json_node_get_array(json_parser_get_root(parser));
        for (guint i = 0; i < json_array_get_length(arr); i++) {
                JsonObject *x = json_array_get_object_element(arr, i);
                if (g_str_equal(json_object_get_string_member(x, "id"), "idle"))
                        o = x;
        }
        g_assert_nonnull(o);
        g_assert_cmpstr(json_object_get_string_member(o, "version"), ==, "2.0.0");
        g_assert_cmpstr(json_object_get_string_member(o, "path"), ==, app);

        /* A second open of a running app is refused clearly. */
        g_assert_cmpint(harness_appctl(NULL, &err, "open", app, NULL), ==, 1);
        g_assert_nonnull(strstr(err, "already running"));

        g_assert_cmpint(harness_appctl(NULL, NULL, "quit", "idle", NULL), ==, 0);
        g_assert_true(harness_wait_for(app_not_listed, "idle", 5000));

        {
                g_autofree char *log = harness_log(h);
                if (!strstr(log, "[idle] idle quitting after"))
                        g_printerr("appd log:\n%s\n", log);
                g_assert_nonnull(strstr(log, "[idle] idle ready: idle 2.0.0"));
                g_assert_nonnull(strstr(log, "[idle] idle quitting after"));
        }
}

static void test_unknown_app(void) {
        g_autofree char *err = NULL, *err2 = NULL;

        g_assert_cmpint(harness_appctl(NULL, &err, "quit", "no-such-app", NULL), ==, 1);
        g_assert_nonnull(strstr(err, "no-such-app"));
        g_assert_cmpint(harness_appctl(NULL, &err2, "kill", "no-such-app", NULL), ==, 1);
}

typedef struct {
        GSubprocess *proc;
} Waiter;

static GSubprocess *appctl_spawn(GSubprocessFlags flags, const char *first, ...) {
        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        g_autoptr(GError) error = NULL;
        GSubprocess *p;
        va_list ap;

        g_ptr_array_add(argv, (gpointer) APPCTL_BIN);
        va_start(ap, first);
        for (const char *a = first; a; a = va_arg(ap, const char *))
                g_ptr_array_add(argv, (gpointer) a);
        va_end(ap);
        g_ptr_array_add(argv, NULL);
        p = g_subprocess_newv((const char *const *) argv->pdata, flags, &error);
        g_assert_no_error(error);
        return p;
}

/* An app that never yields is ended from outside; one beside it keeps
 * answering and quits normally afterwards. */
static void test_kill_spinning_beside_other(void) {
        g_autofree char *spin = harness_app("spin");
        g_autofree char *second = harness_app("second");
        g_autoptr(GSubprocess) waiter = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *werr = NULL;
        gint64 t0;

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", second, NULL), ==, 0);
        waiter = appctl_spawn(G_SUBPROCESS_FLAGS_STDERR_PIPE, "open", "--wait", spin, NULL);
        g_assert_true(harness_wait_for(app_listed, "spin", 5000));
        g_assert_true(harness_wait_for(app_listed, "second", 5000));
        /* Give it time to be in its loop. */
        g_usleep(200 * 1000);

        t0 = g_get_monotonic_time();
        g_assert_cmpint(harness_appctl(NULL, NULL, "kill", "spin", NULL), ==, 0);
        g_assert_true(g_subprocess_communicate_utf8(waiter, NULL, NULL, NULL, &werr, &error));
        g_assert_no_error(error);
        g_test_message("kill to exit: %.1f ms", (g_get_monotonic_time() - t0) / 1000.0);
        g_assert_cmpint(g_subprocess_get_exit_status(waiter), !=, 0);
        g_assert_nonnull(strstr(werr, "killed"));

        /* The other app still runs its script: it handles quit itself. */
        g_assert_true(app_listed("second"));
        g_assert_cmpint(harness_appctl(NULL, NULL, "quit", "second", NULL), ==, 0);
        g_assert_true(harness_wait_for(app_not_listed, "second", 5000));
        {
                g_autofree char *log = harness_log(h);
                g_assert_nonnull(strstr(log, "[second] second quit cleanly"));
        }
}

static void test_oom_beside_other(void) {
        g_autofree char *oom = harness_app("oom");
        g_autofree char *second = harness_app("second");
        g_autofree char *err = NULL;

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", second, NULL), ==, 0);
        g_assert_cmpint(harness_appctl(NULL, &err, "open", "--wait", oom, NULL), !=, 0);
        g_assert_nonnull(strstr(err, "oom"));
        g_assert_true(app_listed("second"));
        g_assert_cmpint(harness_appctl(NULL, NULL, "quit", "second", NULL), ==, 0);
        g_assert_true(harness_wait_for(app_not_listed, "second", 5000));
}

/* U+FFFD, as sd-bus carries what it refuses. */
#define FFFD "\xef\xbf\xbd"

static gboolean subprocess_done(gpointer p) {
        return g_subprocess_get_identifier(p) == NULL;
}

static GVariant *app_property_get(const char *path, const char *method, GVariant *args,
                                  GError **error) {
        g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
        return g_dbus_connection_call_sync(bus, "org.appd.Appd1", path,
                                           "org.freedesktop.DBus.Properties", method, args, NULL,
                                           G_DBUS_CALL_FLAGS_NONE, 10000, NULL, error);
}

/* A package.json may hold Unicode noncharacters (valid JSON and UTF-8,
 * refused by sd-bus): while that app runs, every client still lists apps,
 * reads its properties and learns how it ended, with U+FFFD in their
 * place. */
static void test_odd_strings(void) {
        g_autofree char *app = harness_app("odd-strings");
        g_autofree char *out = NULL, *err = NULL, *json = NULL, *werr = NULL;
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) name = NULL, all = NULL;
        g_autoptr(GSubprocess) waiter = NULL;
        const char *want_name = "Odd " FFFD FFFD " " FFFD " name";
        const char *path = "/org/appd/Appd1/app/odd_2dstrings";
        const char *got;
        JsonArray *arr;
        JsonObject *o = NULL;

        g_assert_cmpint(harness_appctl(NULL, NULL, "open", app, NULL), ==, 0);

        g_assert_cmpint(harness_appctl(&out, &err, "list", NULL), ==, 0);
        g_assert_nonnull(strstr(out, want_name));
        g_assert_nonnull(strstr(out, "1.0.0-" FFFD));

        g_assert_cmpint(harness_appctl(&json, NULL, "--json", "list", NULL), ==, 0);
        g_assert_true(json_parser_load_from_data(parser, json, -1, &error));
        g_assert_no_error(error);
        arr = json_node_get_array(json_parser_get_root(parser));
        for (guint i = 0; i < json_array_get_length(arr); i++) {
                JsonObject *x = json_array_get_object_element(arr, i);
                if (g_str_equal(json_object_get_string_member(x, "id"), "odd-strings"))
                        o = x;
        }
        g_assert_nonnull(o);
        g_assert_cmpstr(json_object_get_string_member(o, "name"), ==, want_name);
        g_assert_cmpstr(json_object_get_string_member(o, "version"), ==, "1.0.0-" FFFD);

        name = app_property_get(path, "Get", g_variant_new("(ss)", "org.appd.Appd1.App", "Name"),
                                &error);
        g_assert_no_error(error);
        {
                g_autoptr(GVariant) v = NULL;
                g_variant_get(name, "(v)", &v);
                g_assert_cmpstr(g_variant_get_string(v, NULL), ==, want_name);
        }
        all = app_property_get(path, "GetAll", g_variant_new("(s)", "org.appd.Appd1.App"),
                               &error);
        g_assert_no_error(error);
        {
                g_autoptr(GVariant) props = g_variant_get_child_value(all, 0);
                g_assert_true(g_variant_lookup(props, "Version", "&s", &got));
                g_assert_cmpstr(got, ==, "1.0.0-" FFFD);
        }

        g_assert_cmpint(harness_appctl(NULL, NULL, "quit", "odd-strings", NULL), ==, 0);
        g_assert_true(harness_wait_for(app_not_listed, "odd-strings", 5000));

        /* Its AppExited carries the exception's message: a waiting appctl
         * must hear of it. */
        waiter = appctl_spawn(G_SUBPROCESS_FLAGS_STDERR_PIPE, "open", "--wait", app, "--",
                              "throw", NULL);
        if (!harness_wait_for(subprocess_done, waiter, 20000)) {
                g_subprocess_force_exit(waiter);
                g_test_fail_printf("appctl open --wait never heard that odd-strings ended");
                return;
        }
        g_assert_true(g_subprocess_communicate_utf8(waiter, NULL, NULL, NULL, &werr, &error));
        g_assert_no_error(error);
        g_assert_cmpint(g_subprocess_get_exit_status(waiter), ==, 1);
        g_assert_nonnull(strstr(werr, "odd " FFFD FFFD " failure?[2J"));
        /* Nothing from the app reaches the terminal as a control code. */
        g_assert_null(strchr(werr, '\x1b'));
}

/* An error that quotes the app's package.json reaches the caller, and
 * reaches the terminal without control codes. */
static void test_odd_strings_in_error(void) {
        g_autofree char *tmp = g_dir_make_tmp("appd-odd-XXXXXX", NULL);
        g_autofree char *pkg = g_build_filename(tmp, "package.json", NULL);
        g_autofree char *err = NULL;

        g_assert_true(g_file_set_contents(pkg, "{ \"main\": \"gone-\\uFFFF\\u001b.js\" }", -1,
                                          NULL));
        g_assert_cmpint(harness_appctl(NULL, &err, "open", tmp, NULL), ==, 1);
        g_assert_nonnull(strstr(err, "gone-" FFFD "?.js does not exist"));
        g_assert_null(strchr(err, '\x1b'));
        g_unlink(pkg);
        g_rmdir(tmp);
}

static GVariant *manager_call(const char *method, GVariant *args, GError **error) {
        g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
        return g_dbus_connection_call_sync(bus, "org.appd.Appd1", "/org/appd/Appd1",
                                           "org.appd.Appd1.Manager", method, args, NULL,
                                           G_DBUS_CALL_FLAGS_NONE, 10000, NULL, error);
}

/* Callers other than appctl get named errors for what they get wrong, and
 * the daemon keeps serving. */
static void test_hostile_caller(void) {
        g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL;
        g_autoptr(GVariant) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL;
        g_autoptr(GPtrArray) many = g_ptr_array_new_with_free_func(g_free);
        g_autofree char *app = harness_app("exit-code");
        g_autofree char *big = g_strnfill(2 * 1024 * 1024, 'x');
        const char *one_big[] = { big, NULL };

        const char *none[] = { NULL };

        r1 = manager_call("Open", g_variant_new("(s^as)", "relative/path", none), &e1);
        g_assert_null(r1);
        g_assert_true(g_dbus_error_is_remote_error(e1));
        g_assert_nonnull(strstr(e1->message, "absolute"));

        for (int i = 0; i < 2000; i++)
                g_ptr_array_add(many, g_strdup("a"));
        g_ptr_array_add(many, NULL);
        r2 = manager_call("Open", g_variant_new("(s^as)", app, many->pdata), &e2);
        g_assert_null(r2);
        g_assert_nonnull(strstr(e2->message, "arguments"));

        r3 = manager_call("Open", g_variant_new("(s^as)", app, one_big), &e3);
        g_assert_null(r3);
        g_assert_nonnull(strstr(e3->message, "bytes"));

        r4 = manager_call("QuitApp", g_variant_new("(s)", "../../etc"), &e4);
        g_assert_null(r4);
        g_assert_cmpstr(g_dbus_error_get_remote_error(e4), ==, "org.appd.Appd1.Error.NoSuchApp");

        /* Wrong signature: sd-bus refuses it before any handler runs. */
        r5 = manager_call("Open", g_variant_new("(i)", 5), &e5);
        g_assert_null(r5);

        /* Still serving. */
        g_assert_cmpint(harness_appctl(NULL, NULL, "open", "--wait", app, NULL), ==, 3);
}

static void test_second_daemon_refused(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *out = NULL, *err = NULL;
        const char *argv[] = { APPD_BIN, NULL };
        int status;

        g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                   &err, &status, &error));
        g_assert_no_error(error);
        g_assert_false(g_spawn_check_wait_status(status, NULL));
        g_assert_nonnull(strstr(err, "another appd is running"));
}

/* A bad APPD_IPC_MAX_MESSAGE stops appd before it takes the bus name,
 * saying what it wants. */
static void test_bad_ipc_limit(void) {
        const char *values[] = { "12", "lots", "99999999999", "-1" };

        for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
                g_autoptr(GError) error = NULL;
                g_autofree char *out = NULL, *err = NULL;
                g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "APPD_IPC_MAX_MESSAGE", values[i], TRUE);
                const char *argv[] = { APPD_BIN, NULL };
                int status;

                g_assert_true(g_spawn_sync(NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                           &err, &status, &error));
                g_assert_no_error(error);
                g_assert_true(WIFEXITED(status));
                g_assert_cmpint(WEXITSTATUS(status), ==, 2);
                g_assert_nonnull(strstr(err, "APPD_IPC_MAX_MESSAGE must be a number of bytes from 4096 to"));
        }
}

/* App.State goes starting → running once the app is ready, then
 * quitting, each change announced with PropertiesChanged. */
static void state_changed_cb(GDBusConnection *bus, const char *sender, const char *path,
                             const char *iface, const char *signal, GVariant *params,
                             gpointer user_data) {
        GPtrArray *states = user_data;
        g_autoptr(GVariant) changed = NULL;
        const char *state;

        changed = g_variant_get_child_value(params, 1);
        if (g_variant_lookup(changed, "State", "&s", &state))
                g_ptr_array_add(states, g_strdup(state));
}

static gboolean states_include(GPtrArray *states, const char *state) {
        for (guint i = 0; i < states->len; i++)
                if (g_str_equal(states->pdata[i], state))
                        return TRUE;
        return FALSE;
}

static void wait_state(GPtrArray *states, const char *state) {
        gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

        while (!states_include(states, state) && g_get_monotonic_time() < end)
                if (!g_main_context_iteration(NULL, FALSE))
                        g_usleep(10000);
        g_assert_true(states_include(states, state));
}

static void test_state_changes(void) {
        g_autofree char *app = harness_app("idle");
        g_autoptr(GError) error = NULL;
        g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
        g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GVariant) value = NULL;
        guint sub;

        g_assert_no_error(error);
        sub = g_dbus_connection_signal_subscribe(bus, "org.appd.Appd1",
                                                 "org.freedesktop.DBus.Properties",
                                                 "PropertiesChanged", "/org/appd/Appd1/app/idle",
                                                 "org.appd.Appd1.App", G_DBUS_SIGNAL_FLAGS_NONE,
                                                 state_changed_cb, states, NULL);
        /* The subscription is in place before the app starts. */
        value = g_dbus_connection_call_sync(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                            "org.freedesktop.DBus", "GetId", NULL, NULL,
                                            G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
        g_assert_no_error(error);
        g_assert_cmpint(harness_appctl(NULL, NULL, "open", app, NULL), ==, 0);
        wait_state(states, "running");
        g_assert_cmpint(harness_appctl(NULL, NULL, "quit", "idle", NULL), ==, 0);
        wait_state(states, "quitting");
        g_assert_cmpstr(states->pdata[0], ==, "running");
        g_dbus_connection_signal_unsubscribe(bus, sub);
        g_assert_true(harness_wait_for(app_not_listed, "idle", 5000));
}

int main(int argc, char **argv) {
        int r;

        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/manager/no-daemon", test_no_daemon);
        g_test_add_func("/manager/introspection-matches-contract",
                        test_introspection_matches_contract);
        g_test_add_func("/manager/exit-code", test_exit_code);
        g_test_add_func("/manager/app-api", test_app_api);
        g_test_add_func("/manager/exception-reported", test_exception_reported);
        g_test_add_func("/manager/missing-module-reported", test_missing_module_reported);
        g_test_add_func("/manager/bad-inputs", test_bad_inputs);
        g_test_add_func("/manager/list-and-quit", test_list_and_quit);
        g_test_add_func("/manager/unknown-app", test_unknown_app);
        g_test_add_func("/manager/kill-spinning-beside-other", test_kill_spinning_beside_other);
        g_test_add_func("/manager/oom-beside-other", test_oom_beside_other);
        g_test_add_func("/manager/hostile-caller", test_hostile_caller);
        g_test_add_func("/manager/odd-strings", test_odd_strings);
        g_test_add_func("/manager/odd-strings-in-error", test_odd_strings_in_error);
        g_test_add_func("/manager/second-daemon-refused", test_second_daemon_refused);
        g_test_add_func("/manager/bad-ipc-limit", test_bad_ipc_limit);
        g_test_add_func("/manager/state-changes", test_state_changes);

        r = g_test_run();
        if (h)
                harness_stop(h);
        return r;
}
