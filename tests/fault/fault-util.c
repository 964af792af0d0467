/* appd-fault: the daemon under test, the bus calls the phases share, and
 * process lookups in /proc. */
#include "fault.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "appd-protocol.h"
#include "harness.h"

void fault_note(FaultPhase *p, const char *fmt, ...) {
        g_autofree char *text = NULL;
        va_list ap;

        va_start(ap, fmt);
        text = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_print("  %s: %s\n", p->name, text);
        if (!p->notes)
                p->notes = g_string_new(NULL);
        g_string_append_printf(p->notes, "%s%s", p->notes->len ? "; " : "", text);
}

void fault_phase_print(const FaultPhase *p) {
        g_print("%s: injected %u, survived %u, lost %u", p->name, p->injected, p->survived, p->lost);
        g_print("%s\n", p->fatal ? " (the daemon died)" : "");
}

/* ---- the daemon */

sd_bus *fault_bus_open(void) {
        sd_bus *bus = NULL;
        int r = sd_bus_open_user(&bus);

        if (r < 0)
                g_error("cannot connect to the session bus: %s", g_strerror(-r));
        return bus;
}

gboolean fault_daemon_answers(sd_bus *bus) {
        g_autoptr(sd_bus_message) m = NULL, reply = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, APPD_BUS_NAME, APPD_MANAGER_PATH,
                                           APPD_MANAGER_IFACE, "ListApps");
        if (r >= 0)
                r = sd_bus_call(bus, m, FAULT_CALL_USEC, &error, &reply);
        sd_bus_error_free(&error);
        return r >= 0;
}

typedef struct {
        FaultDaemon *d;
        sd_bus *bus;
} StartWait;

static gboolean daemon_up_cb(gpointer data) {
        StartWait *w = data;
        return !fault_daemon_alive(w->d) || fault_daemon_answers(w->bus);
}

FaultDaemon *fault_daemon_start(Fault *f, const char *state_home, const char *const *env) {
        g_autoptr(GSubprocessLauncher) launcher = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(sd_bus) bus = fault_bus_open();
        FaultDaemon *d = g_new0(FaultDaemon, 1);
        StartWait w = { d, bus };
        int fd;

        d->tag = g_strdup_printf("%d-%u", (int) getpid(), ++f->daemons);
        d->log_path = g_strdup_printf("%s/appd-%s.log", f->tmp, d->tag);
        d->state_home = g_strdup(state_home);
        fd = open(d->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
                g_error("cannot create %s: %s", d->log_path, g_strerror(errno));
        launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
        g_subprocess_launcher_take_stdout_fd(launcher, dup(fd));
        g_subprocess_launcher_take_stderr_fd(launcher, fd);
        g_subprocess_launcher_setenv(launcher, "APPD_RENDERER", RENDERER_BIN, TRUE);
        g_subprocess_launcher_setenv(launcher, "APPD_FAULT_TAG", d->tag, TRUE);
        if (state_home)
                g_subprocess_launcher_setenv(launcher, "XDG_STATE_HOME", state_home, TRUE);
        for (const char *const *e = env; e && *e; e++) {
                g_auto(GStrv) kv = g_strsplit(*e, "=", 2);
                g_subprocess_launcher_setenv(launcher, kv[0], kv[1] ? kv[1] : "", TRUE);
        }
        d->proc = g_subprocess_launcher_spawn(launcher, &error, APPD_BIN, NULL);
        if (!d->proc)
                g_error("cannot start %s: %s", APPD_BIN, error->message);
        d->pid = atoi(g_subprocess_get_identifier(d->proc));
        if (!harness_wait_for(daemon_up_cb, &w, FAULT_START_MS) || !fault_daemon_alive(d)) {
                fault_daemon_print_log(d, "appd did not come up");
                if (fault_daemon_alive(d))
                        fault_daemon_kill(d);
                fault_daemon_free(d);
                return NULL;
        }
        return d;
}

gboolean fault_daemon_alive(FaultDaemon *d) {
        /* GSubprocess reaps in GLib's worker thread; the identifier goes
         * with the process. */
        return d && d->proc && g_subprocess_get_identifier(d->proc) != NULL;
}

void fault_daemon_print_log(FaultDaemon *d, const char *why) {
        g_autofree char *log = NULL;

        g_file_get_contents(d->log_path, &log, NULL, NULL);
        g_printerr("--- %s; appd %s log (%s):\n%s--- end of log\n", why, d->tag, d->log_path,
                   log ? log : "");
}

gboolean fault_daemon_stop(FaultDaemon *d) {
        g_subprocess_send_signal(d->proc, SIGTERM);
        g_subprocess_wait(d->proc, NULL, NULL);
        return g_subprocess_get_if_exited(d->proc) && g_subprocess_get_exit_status(d->proc) == 0;
}

void fault_daemon_kill(FaultDaemon *d) {
        g_subprocess_force_exit(d->proc);
        g_subprocess_wait(d->proc, NULL, NULL);
}

void fault_daemon_free(FaultDaemon *d) {
        if (!d)
                return;
        g_clear_object(&d->proc);
        g_unlink(d->log_path);
        g_free(d->log_path);
        g_free(d->tag);
        g_free(d->state_home);
        g_free(d);
}

/* ---- Manager, App and Window */

int fault_open_app(sd_bus *bus, const char *path, const char *const *args, char **ret_error_name) {
        g_autoptr(sd_bus_message) m = NULL, reply = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, APPD_BUS_NAME, APPD_MANAGER_PATH,
                                           APPD_MANAGER_IFACE, "Open");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", path);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, (char **) (args ? args : (const char *const[]){ NULL }));
        if (r >= 0)
                r = sd_bus_call(bus, m, FAULT_CALL_USEC, &error, &reply);
        if (r < 0 && ret_error_name)
                *ret_error_name = g_strdup(error.name ? error.name : g_strerror(-r));
        sd_bus_error_free(&error);
        return r < 0 ? r : 0;
}

int fault_quit_app(sd_bus *bus, const char *app_id) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = sd_bus_call_method(bus, APPD_BUS_NAME, APPD_MANAGER_PATH, APPD_MANAGER_IFACE,
                                   "QuitApp", &error, NULL, "s", app_id);
        sd_bus_error_free(&error);
        return r < 0 ? r : 0;
}

char *fault_app_state(sd_bus *bus, const char *app_id) {
        g_autoptr(sd_bus_message) reply = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *id, *name, *version, *folder, *state, *path;
        char *found = NULL;
        uint32_t windows;
        int r;

        r = sd_bus_call_method(bus, APPD_BUS_NAME, APPD_MANAGER_PATH, APPD_MANAGER_IFACE,
                               "ListApps", &error, &reply, "");
        sd_bus_error_free(&error);
        if (r < 0)
                return NULL;
        if (sd_bus_message_enter_container(reply, 'a', "(sssssuo)") < 0)
                return NULL;
        while (sd_bus_message_read(reply, "(sssssuo)", &id, &name, &version, &folder, &state,
                                   &windows, &path) > 0)
                if (!found && g_str_equal(id, app_id))
                        found = g_strdup(state);
        return found;
}

GArray *fault_app_windows(sd_bus *bus, const char *app_id) {
        g_autoptr(sd_bus_message) reply = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint));
        const char *app, *title, *url, *path;
        uint32_t id;
        int visible, r;

        r = sd_bus_call_method(bus, APPD_BUS_NAME, APPD_MANAGER_PATH, APPD_MANAGER_IFACE,
                               "ListWindows", &error, &reply, "");
        sd_bus_error_free(&error);
        if (r < 0 || sd_bus_message_enter_container(reply, 'a', "(usssbo)") < 0)
                return ids;
        while (sd_bus_message_read(reply, "(usssbo)", &id, &app, &title, &url, &visible, &path) > 0)
                if (!app_id || g_str_equal(app, app_id))
                        g_array_append_val(ids, id);
        return ids;
}

char *fault_window_title(sd_bus *bus, guint id) {
        g_autofree char *path = g_strdup_printf(APPD_WINDOW_PATH_PREFIX "/%u", id);
        sd_bus_error error = SD_BUS_ERROR_NULL;
        char *title = NULL;

        (void) sd_bus_get_property_string(bus, APPD_BUS_NAME, path, APPD_WINDOW_IFACE, "Title",
                                          &error, &title);
        sd_bus_error_free(&error);
        return title;
}

guint fault_window_renderer_pid(sd_bus *bus, guint id) {
        g_autofree char *path = g_strdup_printf(APPD_WINDOW_PATH_PREFIX "/%u", id);
        sd_bus_error error = SD_BUS_ERROR_NULL;
        uint32_t pid = 0;

        (void) sd_bus_get_property_trivial(bus, APPD_BUS_NAME, path, APPD_WINDOW_IFACE,
                                           "RendererPid", &error, 'u', &pid);
        sd_bus_error_free(&error);
        return pid;
}

gboolean fault_window_bounds(sd_bus *bus, guint id, int ret[4]) {
        g_autofree char *path = g_strdup_printf(APPD_WINDOW_PATH_PREFIX "/%u", id);
        g_autoptr(sd_bus_message) reply = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_get_property(bus, APPD_BUS_NAME, path, APPD_WINDOW_IFACE, "Bounds", &error,
                                &reply, "(iiii)");
        sd_bus_error_free(&error);
        if (r < 0)
                return FALSE;
        return sd_bus_message_read(reply, "(iiii)", &ret[0], &ret[1], &ret[2], &ret[3]) > 0;
}

typedef struct {
        sd_bus *bus;
        const char *app_id;
        gboolean running;
} AppWait;

static gboolean app_is_cb(gpointer data) {
        AppWait *w = data;
        g_autofree char *state = fault_app_state(w->bus, w->app_id);

        if (w->running)
                return g_strcmp0(state, "running") == 0;
        return state == NULL;
}

gboolean fault_wait_app(sd_bus *bus, const char *app_id, gboolean running, guint timeout_ms) {
        AppWait w = { bus, app_id, running };
        return harness_wait_for(app_is_cb, &w, timeout_ms);
}

int fault_title_gen(const char *title) {
        const char *g = title ? strstr(title, " gen ") : NULL;
        return g ? atoi(g + 5) : -1;
}

typedef struct {
        sd_bus *bus;
        const char *app_id;
        GArray *before;
        guint found;
} ProbeWait;

static gboolean new_window_loaded_cb(gpointer data) {
        ProbeWait *w = data;
        g_autoptr(GArray) now = fault_app_windows(w->bus, w->app_id);

        for (guint i = 0; i < now->len; i++) {
                guint id = g_array_index(now, guint, i);
                gboolean old = FALSE;
                g_autofree char *title = NULL;

                for (guint j = 0; j < w->before->len; j++)
                        old |= g_array_index(w->before, guint, j) == id;
                if (old)
                        continue;
                title = fault_window_title(w->bus, id);
                if (fault_title_gen(title) >= 1) {
                        w->found = id;
                        return TRUE;
                }
        }
        return FALSE;
}

gboolean fault_probe_app(sd_bus *bus, const char *app_id, FaultPhase *p) {
        g_autoptr(GArray) before = fault_app_windows(bus, app_id);
        g_autofree char *path = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        ProbeWait w = { bus, app_id, before, 0 };
        int r;

        if (before->len == 0) {
                fault_note(p, "%s has no window to probe with", app_id);
                return FALSE;
        }
        path = g_strdup_printf(APPD_WINDOW_PATH_PREFIX "/%u", g_array_index(before, guint, 0));
        r = sd_bus_call_method(bus, APPD_BUS_NAME, path, APPD_WINDOW_IFACE, "Close", &error,
                               NULL, "");
        if (r < 0) {
                fault_note(p, "Window.Close on %s: %s", path, error.message ? error.message : g_strerror(-r));
                sd_bus_error_free(&error);
                return FALSE;
        }
        if (!harness_wait_for(new_window_loaded_cb, &w, FAULT_EVENT_MS)) {
                fault_note(p, "%s did not replace a closed window within %d s", app_id,
                           FAULT_EVENT_MS / 1000);
                return FALSE;
        }
        return TRUE;
}

/* ---- ending a phase */

typedef struct {
        const char *tag;
        int daemon_pid;
} GoneWait;

/* What the daemon started and still has, but for its spare app process
 * while it runs (the spare is the daemon's, not an app's). */
static GArray *leftover_pids(const char *tag, int daemon_pid) {
        GArray *left = fault_tagged_pids(tag, daemon_pid);
        gboolean daemon_alive = fault_pid_alive(daemon_pid);

        for (guint i = left->len; i-- > 0;)
                if (daemon_alive && harness_pid_is_spare(g_array_index(left, int, i)))
                        g_array_remove_index(left, i);
        return left;
}

static gboolean tagged_gone_cb(gpointer data) {
        GoneWait *w = data;
        g_autoptr(GArray) left = leftover_pids(w->tag, w->daemon_pid);
        return left->len == 0;
}

/* Every process the daemon started (renderers, web and network processes,
 * their sandboxes) must be gone once its apps have ended or the daemon is
 * gone.  Returns how many were left; those are killed. */
guint fault_check_leftovers(FaultDaemon *d, FaultPhase *p, const char *when) {
        GoneWait w = { d->tag, d->pid };
        g_autoptr(GArray) left = NULL;
        g_autoptr(GString) names = g_string_new(NULL);

        if (harness_wait_for(tagged_gone_cb, &w, FAULT_EVENT_MS))
                return 0;
        left = leftover_pids(d->tag, d->pid);
        for (guint i = 0; i < left->len; i++) {
                int pid = g_array_index(left, int, i);
                g_autofree char *program = fault_pid_program(pid);
                g_string_append_printf(names, " %s[%d]", program ? program : "?", pid);
                kill(pid, SIGKILL);
        }
        if (left->len > 0)
                fault_note(p, "%u processes left %s:%s", left->len, when, names->str);
        return left->len;
}

/* The daemon died by itself: the phase cannot go on. */
gboolean fault_daemon_lost(FaultDaemon *d, FaultPhase *p) {
        if (fault_daemon_alive(d))
                return FALSE;
        p->fatal = TRUE;
        p->lost++;
        fault_note(p, "appd died (%s %d)",
                   g_subprocess_get_if_signaled(d->proc) ? "signal" : "exit status",
                   g_subprocess_get_if_signaled(d->proc) ? g_subprocess_get_term_sig(d->proc)
                                                          : g_subprocess_get_exit_status(d->proc));
        fault_daemon_print_log(d, "appd died");
        return TRUE;
}

/* Quits an app with Manager.QuitApp and waits until it is gone. */
gboolean fault_quit_app_wait(sd_bus *bus, FaultPhase *p, const char *app_id) {
        int r = fault_quit_app(bus, app_id);
        if (r < 0) {
                fault_note(p, "QuitApp %s: %s", app_id, g_strerror(-r));
                return FALSE;
        }
        if (!fault_wait_app(bus, app_id, FALSE, FAULT_EVENT_MS)) {
                fault_note(p, "%s did not quit", app_id);
                return FALSE;
        }
        return TRUE;
}

/* Ends a phase's daemon: its apps gone, no process of theirs left, and a
 * clean exit on SIGTERM. */
void fault_finish_daemon(FaultDaemon *d, FaultPhase *p, const char *const *apps) {
        g_autoptr(sd_bus) bus = fault_bus_open();

        if (!fault_daemon_alive(d)) {
                fault_daemon_free(d);
                return;
        }
        for (const char *const *a = apps; a && *a; a++) {
                g_autofree char *state = fault_app_state(bus, *a);
                if (state && !fault_quit_app_wait(bus, p, *a))
                        p->lost++;
        }
        p->lost += fault_check_leftovers(d, p, "after the apps quit");
        if (!fault_daemon_stop(d)) {
                p->lost++;
                fault_note(p, "appd did not exit cleanly on SIGTERM");
                fault_daemon_print_log(d, "unclean exit");
        }
        fault_daemon_free(d);
}

/* ---- /proc */

gboolean fault_pid_alive(int pid) {
        return harness_pid_alive(pid);
}

static gboolean read_stat(int pid, int *ret_ppid, char *ret_state) {
        g_autofree char *path = g_strdup_printf("/proc/%d/stat", pid);
        g_autofree char *stat = NULL;
        const char *p;

        if (!g_file_get_contents(path, &stat, NULL, NULL))
                return FALSE;
        p = strrchr(stat, ')');
        if (!p || sscanf(p + 2, "%c %d", ret_state, ret_ppid) != 2)
                return FALSE;
        return TRUE;
}

static GArray *all_pids(void) {
        GArray *pids = g_array_new(FALSE, FALSE, sizeof(int));
        g_autoptr(GDir) dir = g_dir_open("/proc", 0, NULL);
        const char *name;

        while (dir && (name = g_dir_read_name(dir))) {
                char *end;
                long pid = strtol(name, &end, 10);
                if (*end == '\0' && pid > 0)
                        g_array_append_vals(pids, &(int){ (int) pid }, 1);
        }
        return pids;
}

GArray *fault_tagged_pids(const char *tag, int daemon_pid) {
        g_autoptr(GArray) pids = all_pids();
        g_autofree char *want = g_strdup_printf("APPD_FAULT_TAG=%s", tag);
        size_t want_len = strlen(want) + 1;
        GArray *found = g_array_new(FALSE, FALSE, sizeof(int));

        for (guint i = 0; i < pids->len; i++) {
                int pid = g_array_index(pids, int, i);
                g_autofree char *path = g_strdup_printf("/proc/%d/environ", pid);
                g_autofree char *env = NULL;
                gsize len = 0;

                if (pid == daemon_pid || pid == getpid() || !fault_pid_alive(pid))
                        continue;
                if (!g_file_get_contents(path, &env, &len, NULL))
                        continue;
                for (gsize off = 0; off < len; off += strlen(env + off) + 1)
                        if (len - off >= want_len && memcmp(env + off, want, want_len) == 0) {
                                g_array_append_val(found, pid);
                                break;
                        }
        }
        return found;
}

char *fault_pid_program(int pid) {
        g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", pid);
        g_autofree char *cmdline = NULL;
        gsize len = 0;

        if (!g_file_get_contents(path, &cmdline, &len, NULL) || len == 0)
                return NULL;
        return g_path_get_basename(cmdline);
}

GArray *fault_descendants_named(int pid, const char *name) {
        g_autoptr(GArray) pids = all_pids();
        g_autoptr(GArray) ppids = g_array_sized_new(FALSE, TRUE, sizeof(int), pids->len);
        g_autoptr(GArray) tree = g_array_new(FALSE, FALSE, sizeof(int));
        GArray *found = g_array_new(FALSE, FALSE, sizeof(int));

        for (guint i = 0; i < pids->len; i++) {
                int ppid = 0;
                char state = 'X';
                (void) read_stat(g_array_index(pids, int, i), &ppid, &state);
                if (state == 'Z' || state == 'X')
                        ppid = 0;
                g_array_append_val(ppids, ppid);
        }
        g_array_append_val(tree, pid);
        for (guint t = 0; t < tree->len; t++)
                for (guint i = 0; i < pids->len; i++)
                        if (g_array_index(ppids, int, i) == g_array_index(tree, int, t))
                                g_array_append_val(tree, g_array_index(pids, int, i));
        for (guint t = 1; t < tree->len; t++) {
                int child = g_array_index(tree, int, t);
                g_autofree char *program = fault_pid_program(child);
                if (program && g_str_equal(program, name))
                        g_array_append_val(found, child);
        }
        return found;
}
