#include "harness.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

void harness_remove_tree(const char *path) {
        g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
        const char *name;

        while (dir && (name = g_dir_read_name(dir))) {
                g_autofree char *child = g_build_filename(path, name, NULL);

                if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
                        harness_remove_tree(child);
                else
                        g_assert_cmpint(g_unlink(child), ==, 0);
        }
        g_assert_cmpint(g_rmdir(path), ==, 0);
}

char *harness_app(const char *name) {
        return g_build_filename(TEST_APPS_DIR, name, NULL);
}

int harness_appctlv(char **out, char **err, const char *const *args) {
        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        g_autoptr(GError) error = NULL;
        int status = 0;

        g_ptr_array_add(argv, (gpointer) APPCTL_BIN);
        for (const char *const *a = args; *a; a++)
                g_ptr_array_add(argv, (gpointer) *a);
        g_ptr_array_add(argv, NULL);
        if (!g_spawn_sync(NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out,
                          err, &status, &error))
                g_error("cannot run appctl: %s", error->message);
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        return 128 + WTERMSIG(status);
}

int harness_appctl(char **out, char **err, const char *first, ...) {
        g_autoptr(GPtrArray) args = g_ptr_array_new();
        va_list ap;

        va_start(ap, first);
        for (const char *a = first; a; a = va_arg(ap, const char *))
                g_ptr_array_add(args, (gpointer) a);
        va_end(ap);
        g_ptr_array_add(args, NULL);
        return harness_appctlv(out, err, (const char *const *) args->pdata);
}

gboolean harness_wait_for(gboolean (*cond)(gpointer), gpointer data, guint timeout_ms) {
        gint64 end = g_get_monotonic_time() + (gint64) timeout_ms * 1000;

        while (!cond(data)) {
                if (g_get_monotonic_time() > end)
                        return FALSE;
                g_usleep(20 * 1000);
        }
        return TRUE;
}

static gboolean daemon_answers(gpointer data) {
        return harness_appctl(NULL, NULL, "list", NULL) == 0;
}

Harness *harness_start(void) {
        return harness_start_with(RENDERER_BIN, NULL);
}

static Harness *harness_spawn_with(const char *renderer, const char *const *env) {
        g_autoptr(GSubprocessLauncher) launcher = NULL;
        g_autoptr(GError) error = NULL;
        Harness *h = g_new0(Harness, 1);
        int fd;

        g_assert_nonnull(g_getenv("DBUS_SESSION_BUS_ADDRESS"));
        fd = g_file_open_tmp("appd-log-XXXXXX", &h->log_path, &error);
        g_assert_no_error(error);
        launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
        g_subprocess_launcher_take_stdout_fd(launcher, dup(fd));
        g_subprocess_launcher_take_stderr_fd(launcher, fd);
        g_subprocess_launcher_setenv(launcher, "APPD_RENDERER", renderer, TRUE);
        g_subprocess_launcher_setenv(launcher, "APPD_APP_PROCESS", APP_PROCESS_BIN, TRUE);
        for (const char *const *e = env; e && *e; e++) {
                g_auto(GStrv) kv = g_strsplit(*e, "=", 2);
                g_subprocess_launcher_setenv(launcher, kv[0], kv[1] ? kv[1] : "", TRUE);
        }
        h->appd = g_subprocess_launcher_spawn(launcher, &error, APPD_BIN, NULL);
        g_assert_no_error(error);
        return h;
}

Harness *harness_spawn(void) {
        return harness_spawn_with(RENDERER_BIN, NULL);
}

Harness *harness_start_with(const char *renderer, const char *const *env) {
        Harness *h = harness_spawn_with(renderer, env);

        if (!harness_wait_for(daemon_answers, NULL, 20000)) {
                g_autofree char *log = harness_log(h);
                g_error("appd did not come up; its log:\n%s", log);
        }
        return h;
}

char *harness_log(Harness *h) {
        char *log = NULL;
        g_file_get_contents(h->log_path, &log, NULL, NULL);
        return log ? log : g_strdup("");
}

void harness_stop(Harness *h) {
        g_autoptr(GError) error = NULL;

        g_subprocess_send_signal(h->appd, SIGTERM);
        g_subprocess_wait(h->appd, NULL, &error);
        g_assert_no_error(error);
        if (!g_subprocess_get_if_exited(h->appd) || g_subprocess_get_exit_status(h->appd) != 0) {
                g_autofree char *log = harness_log(h);
                g_printerr("appd log:\n%s\n", log);
                g_assert_true(g_subprocess_get_if_exited(h->appd));
                g_assert_cmpint(g_subprocess_get_exit_status(h->appd), ==, 0);
        }
        g_object_unref(h->appd);
        g_unlink(h->log_path);
        g_free(h->log_path);
        g_free(h);
}

static void harness_free(Harness *h) {
        g_object_unref(h->appd);
        g_unlink(h->log_path);
        g_free(h->log_path);
        g_free(h);
}

void harness_kill(Harness *h) {
        g_autoptr(GError) error = NULL;

        g_subprocess_send_signal(h->appd, SIGKILL);
        g_subprocess_wait(h->appd, NULL, &error);
        g_assert_no_error(error);
        g_assert_true(g_subprocess_get_if_signaled(h->appd));
        g_assert_cmpint(g_subprocess_get_term_sig(h->appd), ==, SIGKILL);
        harness_free(h);
}

static gboolean subprocess_ended(gpointer data) {
        return g_subprocess_get_identifier(data) == NULL;
}

gboolean harness_wait_gone(Harness *h, guint timeout_ms) {
        gboolean gone;

        /* The identifier goes once the child is reaped, which GLib's
         * worker does without a main loop here. */
        gone = harness_wait_for(subprocess_ended, h->appd, timeout_ms);
        if (!gone) {
                g_subprocess_force_exit(h->appd);
                g_subprocess_wait(h->appd, NULL, NULL);
        }
        harness_free(h);
        return gone;
}

gboolean harness_pid_alive(int pid) {
        g_autofree char *path = g_strdup_printf("/proc/%d/stat", pid);
        g_autofree char *stat = NULL;
        const char *p;

        if (!g_file_get_contents(path, &stat, NULL, NULL))
                return FALSE;
        p = strrchr(stat, ')');
        return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

char *harness_pid_cmdline(int pid) {
        g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", pid);
        char *cmdline = NULL;
        gsize len = 0;

        if (!g_file_get_contents(path, &cmdline, &len, NULL) || len == 0) {
                g_free(cmdline);
                return NULL;
        }
        for (gsize i = 0; i + 1 < len; i++)
                if (cmdline[i] == '\0')
                        cmdline[i] = ' ';
        return g_strchomp(cmdline);
}

static int pid_parent(int pid) {
        g_autofree char *path = g_strdup_printf("/proc/%d/stat", pid);
        g_autofree char *stat = NULL;
        const char *p;
        int ppid;

        if (!g_file_get_contents(path, &stat, NULL, NULL) || !(p = strrchr(stat, ')')) ||
            sscanf(p + 2, "%*c %d", &ppid) != 1)
                return 0;
        return ppid;
}

int harness_app_process_pid(int appd_pid, const char *app_id) {
        g_autoptr(GDir) dir = g_dir_open("/proc", 0, NULL);
        g_autofree char *want = g_strdup_printf(" --app-id=%s", app_id);
        const char *name;

        while (dir && (name = g_dir_read_name(dir))) {
                int pid = atoi(name);
                g_autofree char *cmdline = NULL;
                const char *at;

                if (pid <= 0 || pid_parent(pid) != appd_pid || !(cmdline = harness_pid_cmdline(pid)))
                        continue;
                at = strstr(cmdline, want);
                if (at && (at[strlen(want)] == '\0' || at[strlen(want)] == ' '))
                        return pid;
        }
        return 0;
}

gboolean harness_pid_is_spare(int pid) {
        g_autofree char *cmdline = harness_pid_cmdline(pid);

        return cmdline && strstr(cmdline, "appd-app") && strstr(cmdline, " --spare");
}

static GString *describe_args(GDBusArgInfo **args) {
        GString *s = g_string_new(NULL);
        for (GDBusArgInfo **a = args; a && *a; a++)
                g_string_append_printf(s, "%s:%s ", (*a)->name ? (*a)->name : "", (*a)->signature);
        return s;
}

static gint compare_strings(gconstpointer a, gconstpointer b) {
        return g_strcmp0(*(char *const *) a, *(char *const *) b);
}

/* A canonical text of an interface: one sorted line per member. */
static char *describe_interface(GDBusInterfaceInfo *info) {
        g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
        GString *out = g_string_new(NULL);

        for (GDBusMethodInfo **m = info->methods; m && *m; m++) {
                g_autoptr(GString) in = describe_args((*m)->in_args);
                g_autoptr(GString) o = describe_args((*m)->out_args);
                g_ptr_array_add(lines, g_strdup_printf("method %s(%s) -> (%s)", (*m)->name,
                                                       in->str, o->str));
        }
        for (GDBusSignalInfo **sg = info->signals; sg && *sg; sg++) {
                g_autoptr(GString) a = describe_args((*sg)->args);
                g_ptr_array_add(lines, g_strdup_printf("signal %s(%s)", (*sg)->name, a->str));
        }
        for (GDBusPropertyInfo **p = info->properties; p && *p; p++)
                g_ptr_array_add(lines, g_strdup_printf("property %s %s %s", (*p)->name,
                                                       (*p)->signature,
                                                       (*p)->flags & G_DBUS_PROPERTY_INFO_FLAGS_WRITABLE
                                                               ? "readwrite" : "read"));
        g_ptr_array_sort(lines, compare_strings);
        for (guint i = 0; i < lines->len; i++) {
                g_string_append(out, lines->pdata[i]);
                g_string_append_c(out, '\n');
        }
        return g_string_free(out, FALSE);
}

/* The lines of a described interface that name one of `members`. */
static char *describe_members(const char *described, const char *const *members) {
        g_auto(GStrv) lines = g_strsplit(described, "\n", -1);
        GString *out = g_string_new(NULL);

        for (char **l = lines; *l && **l; l++) {
                const char *name = strchr(*l, ' ') + 1;

                for (const char *const *m = members; *m; m++)
                        if (g_str_has_prefix(name, *m) && (name[strlen(*m)] == '(' || name[strlen(*m)] == ' '))
                                g_string_append_printf(out, "%s\n", *l);
        }
        return g_string_free(out, FALSE);
}

void harness_assert_contract_xml(const char *live_xml, const char *iface) {
        harness_assert_contract_members_xml(live_xml, iface, NULL);
}

void harness_assert_contract_members_xml(const char *live_xml, const char *iface,
                                         const char *const *members) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GDBusNodeInfo) live = NULL, contract = NULL;
        g_autofree char *xml_path = g_strdup_printf("%s/%s.xml", PROTOCOL_DIR, iface);
        g_autofree char *xml = NULL;
        g_autofree char *want = NULL, *got = NULL;
        GDBusInterfaceInfo *live_iface, *contract_iface;

        live = g_dbus_node_info_new_for_xml(live_xml, &error);
        g_assert_no_error(error);
        g_assert_true(g_file_get_contents(xml_path, &xml, NULL, &error));
        contract = g_dbus_node_info_new_for_xml(xml, &error);
        g_assert_no_error(error);

        live_iface = g_dbus_node_info_lookup_interface(live, iface);
        contract_iface = g_dbus_node_info_lookup_interface(contract, iface);
        g_assert_nonnull(contract_iface);
        if (!live_iface)
                g_error("no interface %s in:\n%s", iface, live_xml);
        want = describe_interface(contract_iface);
        got = describe_interface(live_iface);
        if (members) {
                char *part = describe_members(want, members);

                g_free(want);
                want = part;
        }
        g_assert_cmpstr(got, ==, want);
}

void harness_assert_contract(const char *path, const char *iface) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
        g_autoptr(GVariant) reply = NULL;
        const char *live_xml;

        g_assert_no_error(error);
        reply = g_dbus_connection_call_sync(bus, "org.appd.Appd1", path,
                                            "org.freedesktop.DBus.Introspectable", "Introspect",
                                            NULL, G_VARIANT_TYPE("(s)"), G_DBUS_CALL_FLAGS_NONE,
                                            5000, NULL, &error);
        g_assert_no_error(error);
        g_variant_get(reply, "(&s)", &live_xml);
        harness_assert_contract_xml(live_xml, iface);
}

void harness_run_app(Harness *h, const char *name, const char *const *args) {
        g_autofree char *app = harness_app(name);
        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        g_autofree char *err = NULL;
        int rc;

        g_ptr_array_add(argv, (gpointer) "open");
        g_ptr_array_add(argv, (gpointer) "--wait");
        g_ptr_array_add(argv, app);
        if (args) {
                g_ptr_array_add(argv, (gpointer) "--");
                for (const char *const *a = args; *a; a++)
                        g_ptr_array_add(argv, (gpointer) *a);
        }
        g_ptr_array_add(argv, NULL);
        rc = harness_appctlv(NULL, &err, (const char *const *) argv->pdata);
        if (rc != 0) {
                g_autofree char *log = harness_log(h);
                g_printerr("%s exited %d\nappctl: %s\nappd log:\n%s\n", name, rc, err, log);
                g_test_fail_printf("%s exited %d: %s", name, rc, err);
        }
}
