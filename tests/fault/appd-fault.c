/* appd-fault: the fault-injection suite (docs/fault-injection.md).
 *
 *   appd-fault --smoke|--full [--seed=N] [--only=PHASES]
 *
 * Runs inside tests/run-in-session.sh --x11.  Each phase prints
 * "NAME: injected N, survived N, lost N"; a table closes the run.  Exit
 * status 0 when no phase lost anything and the daemon never died when it
 * should not have. */
#include "fault.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "appd-protocol.h"
#include "harness.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sqlite3, sqlite3_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(sqlite3_stmt, sqlite3_finalize)

/* ---- shared by the phases */

typedef struct {
        sd_bus *bus;
        const char *app_id;
        guint min_windows;
} LoadedWait;

static gboolean windows_loaded_cb(gpointer data) {
        LoadedWait *w = data;
        g_autoptr(GArray) ids = fault_app_windows(w->bus, w->app_id);
        guint loaded = 0;

        for (guint i = 0; i < ids->len; i++) {
                g_autofree char *title = fault_window_title(w->bus, g_array_index(ids, guint, i));
                loaded += fault_title_gen(title) >= 1;
        }
        return loaded >= w->min_windows;
}

/* Opens tests/apps/<name> and waits until `windows` of its windows show a
 * loaded page (fault-windows titles). */
static gboolean open_windows_app(sd_bus *bus, FaultPhase *p, const char *name,
                                 const char *const *args, guint windows) {
        g_autofree char *path = harness_app(name);
        g_autofree char *error_name = NULL;
        LoadedWait w = { bus, name, windows };

        if (fault_open_app(bus, path, args, &error_name) < 0) {
                fault_note(p, "cannot open %s: %s", name, error_name);
                return FALSE;
        }
        if (!harness_wait_for(windows_loaded_cb, &w, FAULT_EVENT_MS)) {
                fault_note(p, "%s did not show %u loaded windows", name, windows);
                return FALSE;
        }
        return TRUE;
}

/* ---- phase 1: renderer and web process SIGKILL */

typedef struct {
        sd_bus *bus;
        FaultDaemon *d;
        guint window;
        int gen;
} GenWait;

static gboolean gen_grew_cb(gpointer data) {
        GenWait *w = data;
        g_autofree char *title = NULL;

        if (!fault_daemon_alive(w->d))
                return TRUE;
        title = fault_window_title(w->bus, w->window);
        return fault_title_gen(title) > w->gen;
}

static gboolean renderer_running_cb(gpointer data) {
        GenWait *w = data;
        return !fault_daemon_alive(w->d) || fault_window_renderer_pid(w->bus, w->window) != 0;
}

void fault_phase_renderer_kills(Fault *f, FaultPhase *p) {
        const char *const args[] = { "--windows=2", NULL };
        const char *const apps[] = { "fault-windows", NULL };
        g_autoptr(sd_bus) bus = fault_bus_open();
        g_autoptr(GArray) windows = NULL;
        guint rounds = f->full ? 100 : 6;
        FaultDaemon *d;

        d = fault_daemon_start(f, NULL, NULL);
        if (!d) {
                p->fatal = TRUE;
                return;
        }
        if (!open_windows_app(bus, p, "fault-windows", args, 2)) {
                p->lost++;
                goto out;
        }
        windows = fault_app_windows(bus, "fault-windows");
        {
                /* The leak checks find the daemon's processes by its tag:
                 * make sure they can see them at all. */
                g_autoptr(GArray) tagged = fault_tagged_pids(d->tag, d->pid);
                if (tagged->len < windows->len * 2) {
                        fault_note(p, "only %u processes carry the daemon's tag; leak checks would see nothing",
                                   tagged->len);
                        p->lost++;
                }
                g_print("  %s: %u windows, %u processes started by appd\n", p->name, windows->len,
                        tagged->len);
        }

        for (guint i = 0; i < rounds; i++) {
                guint window = g_array_index(windows, guint, i % windows->len);
                gboolean web = (i / windows->len) % 2 == 1;
                g_autofree char *title = fault_window_title(bus, window);
                g_autoptr(GArray) webs = NULL;
                g_autoptr(GArray) ids = NULL;
                g_autofree char *state = NULL;
                GenWait w = { bus, d, window, fault_title_gen(title) };
                guint renderer;
                int target;
                gboolean ok = TRUE;

                if (!harness_wait_for(renderer_running_cb, &w, FAULT_EVENT_MS) || fault_daemon_lost(d, p))
                        break;
                renderer = fault_window_renderer_pid(bus, window);
                if (web) {
                        webs = fault_descendants_named((int) renderer, "WebKitWebProcess");
                        if (webs->len == 0) {
                                fault_note(p, "window %u: renderer %u has no web process", window,
                                           renderer);
                                p->lost++;
                                continue;
                        }
                        target = g_array_index(webs, int, 0);
                } else {
                        target = (int) renderer;
                }
                if (kill(target, SIGKILL) < 0) {
                        fault_note(p, "cannot kill %d: %s", target, g_strerror(errno));
                        continue;
                }
                p->injected++;

                /* The page is back when the app saw it load again. */
                if (!harness_wait_for(gen_grew_cb, &w, FAULT_EVENT_MS)) {
                        fault_note(p, "round %u: window %u did not load again after its %s was "
                                      "killed", i, window, web ? "web process" : "renderer");
                        ok = FALSE;
                }
                if (fault_daemon_lost(d, p))
                        break;
                /* The same Window object, the app running, the daemon answering. */
                ids = fault_app_windows(bus, "fault-windows");
                if (ids->len != windows->len) {
                        fault_note(p, "round %u: %u windows instead of %u", i, ids->len, windows->len);
                        ok = FALSE;
                }
                for (guint j = 0; j < windows->len; j++) {
                        g_autofree char *t = fault_window_title(bus, g_array_index(windows, guint, j));
                        if (!t) {
                                fault_note(p, "round %u: window %u is gone", i,
                                           g_array_index(windows, guint, j));
                                ok = FALSE;
                        }
                }
                state = fault_app_state(bus, "fault-windows");
                if (g_strcmp0(state, "running") != 0) {
                        fault_note(p, "round %u: fault-windows is %s", i, state ? state : "gone");
                        ok = FALSE;
                }
                if (!web && fault_window_renderer_pid(bus, window) == renderer) {
                        fault_note(p, "round %u: window %u still names renderer %u", i, window, renderer);
                        ok = FALSE;
                }
                if (ok)
                        p->survived++;
                else
                        p->lost++;
        }
        if (!fault_daemon_lost(d, p) && !fault_probe_app(bus, "fault-windows", p))
                p->lost++;
out:
        fault_finish_daemon(d, p, apps);
}

/* ---- phase 3: page-side IPC floods and messages over the limit */

static gint64 member_int(JsonObject *o, const char *object, const char *member) {
        if (object) {
                JsonNode *n = json_object_get_member(o, object);
                if (!n || !JSON_NODE_HOLDS_OBJECT(n))
                        return 0;
                o = json_node_get_object(n);
        }
        return json_object_has_member(o, member) ? json_object_get_int_member(o, member) : 0;
}

void fault_phase_ipc_floods(Fault *f, FaultPhase *p) {
        const char *const bystander_args[] = { "--windows=1", NULL };
        const char *const apps[] = { "fault-windows", "fault-flood", NULL };
        guint limit = f->full ? 8u * 1024 * 1024 : 1024 * 1024;
        guint count = f->full ? 50000 : 5000;
        guint invokes = f->full ? 5000 : 1000;
        guint syncs = f->full ? 2000 : 300;
        g_autofree char *env_limit = g_strdup_printf(APPD_IPC_LIMIT_ENV "=%u", limit);
        const char *const env[] = { env_limit, NULL };
        g_autofree char *out = g_build_filename(f->tmp, "flood.json", NULL);
        g_autofree char *app = harness_app("fault-flood");
        g_autofree char *a_out = g_strdup_printf("--out=%s", out);
        g_autofree char *a_count = g_strdup_printf("--count=%u", count);
        g_autofree char *a_invokes = g_strdup_printf("--invokes=%u", invokes);
        g_autofree char *a_syncs = g_strdup_printf("--syncs=%u", syncs);
        g_autofree char *a_limit = g_strdup_printf("--limit=%u", limit);
        g_autoptr(sd_bus) bus = fault_bus_open();
        guint runs = f->full ? 3 : 1;
        FaultDaemon *d;

        d = fault_daemon_start(f, NULL, env);
        if (!d) {
                p->fatal = TRUE;
                return;
        }
        if (!open_windows_app(bus, p, "fault-windows", bystander_args, 1)) {
                p->lost++;
                goto out;
        }
        for (guint run = 0; run < runs; run++) {
                g_autoptr(JsonParser) parser = json_parser_new();
                g_autofree char *err = NULL;
                g_autofree char *json = NULL;
                g_autoptr(GError) error = NULL;
                JsonObject *o;
                JsonNode *problems;
                gint64 injected, survived;
                int rc;

                rc = harness_appctl(NULL, &err, "open", "--wait", app, "--", a_out, a_count, a_invokes,
                                    a_syncs, a_limit, NULL);
                if (fault_daemon_lost(d, p))
                        break;
                if (!g_file_get_contents(out, &json, NULL, NULL) || !json_parser_load_from_data(parser, json, -1, &error)) {
                        fault_note(p, "fault-flood exited %d without a report: %s", rc, err ? err : "");
                        p->lost++;
                        fault_daemon_print_log(d, "fault-flood wrote no report");
                        break;
                }
                g_unlink(out);
                o = json_node_get_object(json_parser_get_root(parser));
                injected = member_int(o, NULL, "sent") + member_int(o, "invokes", "sent") +
                           member_int(o, "syncs", "sent") + member_int(o, "oversized", "sent") +
                           member_int(o, "underLimit", "sent") + member_int(o, "down", "expected") + 1;
                survived = member_int(o, NULL, "received") - member_int(o, NULL, "outOfOrder") +
                           member_int(o, "invokes", "answered") + member_int(o, "invokes", "tooMany") +
                           member_int(o, "syncs", "answered") + member_int(o, "oversized", "refused") +
                           member_int(o, "underLimit", "answered") + member_int(o, "down", "received") -
                           member_int(o, "down", "outOfOrder");
                /* webContents.send over the limit: refused unless the app says otherwise. */
                problems = json_object_get_member(o, "problems");
                survived += !strstr(json, "webContents.send over the limit");
                p->injected += (guint) injected;
                p->survived += (guint) MIN(survived, injected);
                p->lost += (guint) (injected - MIN(survived, injected));
                p->expected += (guint) member_int(o, "invokes", "tooMany");
                fault_note(p, "%" G_GINT64_FORMAT " invokes refused with TooMany (documented: 256 may wait)",
                           member_int(o, "invokes", "tooMany"));
                if (rc != 0 || (problems && JSON_NODE_HOLDS_ARRAY(problems) &&
                                json_array_get_length(json_node_get_array(problems)) > 0)) {
                        g_autofree char *text = json_to_string(problems, FALSE);
                        fault_note(p, "fault-flood exited %d: %s", rc, text);
                        if (p->lost == 0)
                                p->lost++;
                }
        }
        if (p->fatal || fault_daemon_lost(d, p))
                goto out;
        /* Other apps keep working. */
        if (!fault_probe_app(bus, "fault-windows", p))
                p->lost++;
out:
        fault_finish_daemon(d, p, apps);
}

/* ---- phase 4: daemon SIGKILL during opens and resizes */

static char *integrity_check(const char *db_path) {
        g_autoptr(sqlite3) db = NULL;
        g_autoptr(sqlite3_stmt) stmt = NULL;
        GString *result = g_string_new(NULL);
        int r;

        r = sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL);
        if (r == SQLITE_OK)
                r = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, NULL);
        while (r == SQLITE_OK || r == SQLITE_ROW) {
                r = sqlite3_step(stmt);
                if (r == SQLITE_ROW)
                        g_string_append_printf(result, "%s%s", result->len ? "\n" : "",
                                               (const char *) sqlite3_column_text(stmt, 0));
        }
        if (r != SQLITE_DONE)
                g_string_append_printf(result, "%s%s", result->len ? "\n" : "",
                                       db ? sqlite3_errmsg(db) : sqlite3_errstr(r));
        return g_string_free(result, FALSE);
}

typedef struct {
        gboolean have;
        int b[4];
} Bounds;

/* The last "WHAT x y w h" line of the resizer's file from byte `from` on. */
static Bounds last_line(const char *text, gsize from, const char *what) {
        Bounds found = { FALSE };
        g_auto(GStrv) lines = g_strsplit(text + MIN(from, strlen(text)), "\n", -1);
        guint n = g_strv_length(lines);

        /* The last piece is empty or a line cut short by the kill. */
        for (guint i = 0; i + 1 < n; i++) {
                char word[16];
                Bounds b = { TRUE };
                if (sscanf(lines[i], "%15s %d %d %d %d", word, &b.b[0], &b.b[1], &b.b[2], &b.b[3]) == 5 &&
                    g_str_equal(word, what))
                        found = b;
        }
        return found;
}

/* The bounds the resizer asked for after the last ones it was told, if it
 * asked (a "set" line after the last "bounds" line): appd keeps what an
 * app asks for as soon as it hears of it, so those may come back too. */
static Bounds requested_after_told(const char *text) {
        Bounds found = { FALSE };
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        guint n = g_strv_length(lines);

        for (guint i = 0; i + 1 < n; i++) {
                char word[16];
                Bounds b = { TRUE };
                if (sscanf(lines[i], "%15s %d %d %d %d", word, &b.b[0], &b.b[1], &b.b[2], &b.b[3]) != 5)
                        continue;
                if (g_str_equal(word, "set"))
                        found = b;
                else if (g_str_equal(word, "bounds"))
                        found.have = FALSE;
        }
        return found;
}

static gboolean same_bounds(const Bounds *a, const Bounds *b) {
        return memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

typedef struct {
        const char *path;
        gsize from;
} LineWait;

static gboolean start_line_cb(gpointer data) {
        LineWait *w = data;
        g_autofree char *text = NULL;

        if (!g_file_get_contents(w->path, &text, NULL, NULL))
                return FALSE;
        return last_line(text, w->from, "start").have;
}

typedef struct {
        sd_bus *bus;
        const char *const *apps;
} RunningWait;

static gboolean all_running_cb(gpointer data) {
        RunningWait *w = data;
        for (const char *const *a = w->apps; *a; a++) {
                g_autofree char *state = fault_app_state(w->bus, *a);
                if (g_strcmp0(state, "running") != 0)
                        return FALSE;
        }
        return TRUE;
}

/* After a restart: the apps that ran come back, the app that quit
 * normally does not (session restore). */
static guint check_restore(sd_bus *bus, FaultDaemon *d, FaultPhase *p, guint kill) {
        const char *const running[] = { "fault-resizer", "fault-windows", NULL };
        RunningWait rw = { bus, running };
        g_autofree char *victim = NULL;
        guint lost = 0;

        /* One deadline for all: they come back together or not at all. */
        (void) harness_wait_for(all_running_cb, &rw, FAULT_EVENT_MS);
        for (const char *const *a = running; *a; a++) {
                g_autofree char *state = fault_app_state(bus, *a);
                g_autofree char *log = NULL;
                g_autofree char *cutoff = g_strdup_printf("Not restoring app %s: it was running the last", *a);

                if (g_strcmp0(state, "running") == 0)
                        continue;
                /* Three kills in a row within seconds of a restore look
                 * like an app that takes appd down: appd leaves it out, as
                 * documented, and says so. */
                g_file_get_contents(d->log_path, &log, NULL, NULL);
                if (log && strstr(log, cutoff)) {
                        p->expected++;
                        continue;
                }
                fault_note(p, "kill %u: %s did not come back", kill, *a);
                lost++;
        }
        victim = fault_app_state(bus, "fault-victim");
        if (victim) {
                fault_note(p, "kill %u: fault-victim, which had quit normally, came back", kill);
                lost++;
        }
        return lost;
}

/* The first window fault-resizer made after kill `kill` (restored or
 * opened again) must have the bounds its app was last told before it. */
static guint check_bounds(FaultPhase *p, guint kill, const char *text, gsize from,
                          const Bounds *acked, const Bounds *requested, gboolean *ret_checked) {
        g_auto(GStrv) lines = g_strsplit(text + MIN(from, strlen(text)), "\n", -1);
        Bounds got = { FALSE };

        for (guint i = 0; lines[i] && lines[i + 1] && !got.have; i++) {
                char word[16];
                Bounds b = { TRUE };
                if (sscanf(lines[i], "%15s %d %d %d %d", word, &b.b[0], &b.b[1], &b.b[2], &b.b[3]) == 5 &&
                    g_str_equal(word, "start"))
                        got = b;
        }
        *ret_checked = got.have && acked->have;
        if (!*ret_checked || same_bounds(&got, acked) ||
            (requested->have && same_bounds(&got, requested)))
                return 0;
        fault_note(p, "kill %u: the stateKey window came back at %d,%d %dx%d; its app was last "
                      "told %d,%d %dx%d", kill, got.b[0], got.b[1], got.b[2], got.b[3],
                   acked->b[0], acked->b[1], acked->b[2], acked->b[3]);
        return 1;
}

void fault_phase_daemon_kills(Fault *f, FaultPhase *p) {
        const char *const apps[] = { "fault-resizer", "fault-windows", "fault-victim", NULL };
        const char *const windows_args[] = { "--windows=1", NULL };
        g_autofree char *state_home = g_build_filename(f->tmp, "phase4-state", NULL);
        g_autofree char *db_path = g_build_filename(state_home, "appd", "state.db", NULL);
        g_autofree char *lines_path = g_build_filename(f->tmp, "resizer.lines", NULL);
        g_autofree char *a_out = g_strdup_printf("--out=%s", lines_path);
        g_autofree char *a_seed = g_strdup_printf("--seed=%u", f->seed);
        const char *const resizer_args[] = { a_out, a_seed, NULL };
        g_autofree char *resizer = harness_app("fault-resizer");
        g_autofree char *victim = harness_app("fault-victim");
        g_autofree char *windows_app = harness_app("fault-windows");
        g_autoptr(sd_bus) bus = fault_bus_open();
        guint kills = f->full ? 15 : 3;
        guint restored_seen = 0, bounds_checked = 0, bounds_lost = 0;
        gsize lines_at_kill = 0;
        Bounds acked = { FALSE }, requested = { FALSE };
        gboolean pending = FALSE, pending_ok = FALSE;
        FaultDaemon *d = NULL;

        g_mkdir_with_parents(state_home, 0700);
        for (guint k = 0; k <= kills; k++) {
                g_autofree char *text = NULL;
                g_autofree char *result = NULL;
                g_autofree char *error_name = NULL;
                gsize size = 0;
                gboolean checked;
                guint delay_ms, lost;

                d = fault_daemon_start(f, state_home, NULL);
                if (!d) {
                        if (k > 0)
                                fault_note(p, "appd did not start again after kill %u", k - 1);
                        p->fatal = TRUE;
                        p->lost++;
                        return;
                }
                if (pending) {
                        g_autofree char *back = fault_app_state(bus, "fault-resizer");

                        restored_seen += back != NULL;
                        lost = check_restore(bus, d, p, k - 1);
                        p->lost += lost;
                        pending_ok &= lost == 0;
                }

                /* An app that quits normally is not restored. */
                if (fault_open_app(bus, victim, NULL, &error_name) < 0 ||
                    !fault_quit_app_wait(bus, p, "fault-victim")) {
                        fault_note(p, "kill %u: fault-victim did not open and quit: %s", k,
                                   error_name ? error_name : "");
                        p->lost++;
                }
                g_clear_pointer(&error_name, g_free);
                if (fault_open_app(bus, resizer, resizer_args, &error_name) < 0 &&
                    g_strcmp0(error_name, APPD_ERROR_ALREADY_RUNNING) != 0)
                        fault_note(p, "kill %u: cannot open fault-resizer: %s", k, error_name);
                g_clear_pointer(&error_name, g_free);
                if (fault_open_app(bus, windows_app, windows_args, &error_name) < 0 &&
                    g_strcmp0(error_name, APPD_ERROR_ALREADY_RUNNING) != 0)
                        fault_note(p, "kill %u: cannot open fault-windows: %s", k, error_name);

                if (k == kills) {
                        /* No more kills: let the window come for the last check. */
                        LineWait lw = { lines_path, lines_at_kill };
                        (void) harness_wait_for(start_line_cb, &lw, FAULT_EVENT_MS);
                } else {
                        /* The fault: SIGKILL at a moment the seed decides. */
                        delay_ms = (guint) g_rand_int_range(f->rand, 0, 3000);
                        g_usleep((gulong) delay_ms * 1000);
                        if (fault_daemon_lost(d, p))
                                return;
                        fault_daemon_kill(d);
                        p->injected++;
                        g_print("  %s: kill %u after %u ms\n", p->name, k, delay_ms);
                }

                /* What the resizer wrote since the last kill: its window's
                 * first bounds, then what it was told. */
                if (g_file_get_contents(lines_path, &text, &size, NULL)) {
                        Bounds b;

                        if (pending) {
                                lost = check_bounds(p, k - 1, text, lines_at_kill, &acked, &requested,
                                                    &checked);
                                bounds_checked += checked;
                                bounds_lost += lost;
                                p->lost += lost;
                                pending_ok &= lost == 0;
                        }
                        b = last_line(text, 0, "bounds");
                        if (b.have)
                                acked = b;
                        requested = requested_after_told(text);
                        lines_at_kill = size;
                }
                if (pending && pending_ok)
                        p->survived++;
                pending = FALSE;
                if (k == kills)
                        break;
                pending = TRUE;
                pending_ok = TRUE;

                if (fault_check_leftovers(d, p, "after appd was killed") > 0) {
                        p->lost++;
                        pending_ok = FALSE;
                }
                result = integrity_check(db_path);
                if (!g_str_equal(result, "ok")) {
                        fault_note(p, "kill %u: integrity_check of %s: %s", k, db_path, result);
                        p->lost++;
                        pending_ok = FALSE;
                }
                fault_daemon_free(d);
                d = NULL;
        }
        g_print("  %s: fault-resizer was running right after %u of %u restarts\n", p->name,
                restored_seen, kills);
        g_print("  %s: remembered bounds checked after %u kills, wrong after %u\n", p->name,
                bounds_checked, bounds_lost);
        fault_finish_daemon(d, p, apps);
}

/* ---- main */

static void print_table(FaultPhase *phases, guint n, double total) {
        guint injected = 0, survived = 0, lost = 0;

        g_print("\n%-22s %9s %9s %6s %9s %8s\n", "phase", "injected", "survived", "lost",
                "expected", "seconds");
        for (guint i = 0; i < n; i++) {
                FaultPhase *p = &phases[i];
                if (!p->name)
                        continue;
                g_print("%-22s %9u %9u %6u %9u %8.1f%s\n", p->name, p->injected, p->survived,
                        p->lost, p->expected, p->seconds, p->fatal ? "  appd died" : "");
                injected += p->injected;
                survived += p->survived;
                lost += p->lost;
        }
        g_print("%-22s %9u %9u %6u %9s %8.1f\n", "total", injected, survived, lost, "", total);
        g_print("(expected: ends a fault legitimately caused, such as a valid App.Kill from the\n"
                " fuzzer, or invokes refused with TooMany)\n");
}

int main(int argc, char **argv) {
        gboolean smoke = FALSE, full = FALSE;
        gint64 seed = -1;
        g_autofree char *only = NULL;
        GOptionEntry entries[] = {
                { "smoke", 0, 0, G_OPTION_ARG_NONE, &smoke, "A short run (under a minute)", NULL },
                { "full", 0, 0, G_OPTION_ARG_NONE, &full, "The long run (several minutes)", NULL },
                { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the random choices", "N" },
                { "only", 0, 0, G_OPTION_ARG_STRING, &only, "Phases to run, e.g. 1,3", "LIST" },
                { NULL }
        };
        g_autoptr(GOptionContext) context = g_option_context_new("- inject faults into appd");
        g_autoptr(GError) error = NULL;
        FaultPhase phases[] = {
                { "renderer-kills" }, { "bus-fuzz" }, { "ipc-floods" }, { "daemon-kills" },
        };
        void (*run[])(Fault *, FaultPhase *) = {
                fault_phase_renderer_kills, fault_phase_bus_fuzz, fault_phase_ipc_floods,
                fault_phase_daemon_kills,
        };
        Fault f = { 0 };
        gint64 start = g_get_monotonic_time();
        gboolean failed = FALSE;

        g_option_context_add_main_entries(context, entries, NULL);
        if (!g_option_context_parse(context, &argc, &argv, &error) || smoke == full) {
                g_printerr("usage: appd-fault --smoke|--full [--seed=N] [--only=1,2,3,4]\n%s\n",
                           error ? error->message : "");
                return 2;
        }
        if (!g_getenv("DBUS_SESSION_BUS_ADDRESS") || !g_getenv("DISPLAY")) {
                g_printerr("appd-fault runs inside tests/run-in-session.sh --x11\n");
                return 2;
        }
        f.full = full;
        f.seed = seed >= 0 ? (guint32) seed : g_random_int();
        f.rand = g_rand_new_with_seed(f.seed);
        f.tmp = g_dir_make_tmp("appd-fault-XXXXXX", &error);
        if (!f.tmp)
                g_error("%s", error->message);
        g_print("appd-fault %s, seed %u (repeat with --seed=%u)\n", full ? "--full" : "--smoke",
                f.seed, f.seed);

        for (guint i = 0; i < G_N_ELEMENTS(phases); i++) {
                g_autofree char *number = g_strdup_printf("%u", i + 1);
                gint64 t0 = g_get_monotonic_time();

                if (only && !strstr(only, number)) {
                        phases[i].name = NULL;
                        continue;
                }
                g_print("phase %u, %s\n", i + 1, phases[i].name);
                /* Each phase its own sequence: --only repeats a phase of a
                 * whole run. */
                g_rand_set_seed(f.rand, f.seed + i);
                run[i](&f, &phases[i]);
                phases[i].seconds = (g_get_monotonic_time() - t0) / 1e6;
                fault_phase_print(&phases[i]);
                failed |= phases[i].fatal || phases[i].lost > 0;
        }
        print_table(phases, G_N_ELEMENTS(phases), (g_get_monotonic_time() - start) / 1e6);
        g_print("%s (seed %u)\n", failed ? "FAILED" : "ok", f.seed);

        for (guint i = 0; i < G_N_ELEMENTS(phases); i++)
                if (phases[i].notes)
                        g_string_free(phases[i].notes, TRUE);
        g_rand_free(f.rand);
        /* Only what this run made is in it. */
        harness_remove_tree(f.tmp);
        g_free(f.tmp);
        return failed ? 1 : 0;
}
