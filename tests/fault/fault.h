/* appd-fault: shared pieces of the fault-injection suite
 * (docs/fault-injection.md).  Each phase starts its own appd on the
 * private session bus that tests/run-in-session.sh gives it, injects
 * faults, and counts them. */
#pragma once

#include <gio/gio.h>
#include <systemd/sd-bus.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sd_bus, sd_bus_flush_close_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(sd_bus_message, sd_bus_message_unref)

/* Generous deadlines: a loaded 2-core machine under Xvfb is slow, and a
 * deadline is only there so that a hang ends as a failure. */
#define FAULT_START_MS 30000
#define FAULT_EVENT_MS 30000
#define FAULT_CALL_USEC (25 * G_USEC_PER_SEC)

typedef struct {
        const char *name;
        guint injected;   /* faults injected */
        guint survived;   /* ... after which every check passed */
        guint lost;       /* state that should have survived and did not */
        guint expected;   /* ends that a fault legitimately caused */
        gboolean fatal;   /* the daemon died when it should not have */
        GString *notes;
        double seconds;
} FaultPhase;

typedef struct {
        gboolean full;
        guint32 seed;
        GRand *rand;
        char *tmp;        /* private scratch folder, removed at the end */
        guint daemons;    /* daemons started so far, for their tags */
} Fault;

/* One appd, tagged through its environment (APPD_FAULT_TAG) so that its
 * renderers and web processes can be told from any other on the machine. */
typedef struct {
        GSubprocess *proc;
        int pid;
        char *tag;
        char *log_path;
        char *state_home;
} FaultDaemon;

void fault_note(FaultPhase *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void fault_phase_print(const FaultPhase *p);

/* Starts appd with XDG_STATE_HOME=state_home (NULL: the session's) and
 * extra "NAME=value" environment; waits until it answers.  NULL when it
 * does not come up (its log is printed). */
FaultDaemon *fault_daemon_start(Fault *f, const char *state_home, const char *const *env);
gboolean fault_daemon_alive(FaultDaemon *d);
/* SIGTERM; TRUE when it exited with status 0. */
gboolean fault_daemon_stop(FaultDaemon *d);
/* SIGKILL and reap. */
void fault_daemon_kill(FaultDaemon *d);
void fault_daemon_free(FaultDaemon *d);
void fault_daemon_print_log(FaultDaemon *d, const char *why);

sd_bus *fault_bus_open(void);
/* Manager.ListApps answered within the deadline. */
gboolean fault_daemon_answers(sd_bus *bus);
/* Manager.Open(path, args); returns 0, or a negative errno with the error
 * name in *ret_error_name when not NULL. */
int fault_open_app(sd_bus *bus, const char *path, const char *const *args, char **ret_error_name);
int fault_quit_app(sd_bus *bus, const char *app_id);
/* The state of a running app ("running", …), NULL when not listed. */
char *fault_app_state(sd_bus *bus, const char *app_id);
/* Windows of one app (or all when NULL): GArray of guint ids. */
GArray *fault_app_windows(sd_bus *bus, const char *app_id);
char *fault_window_title(sd_bus *bus, guint id);
guint fault_window_renderer_pid(sd_bus *bus, guint id);
gboolean fault_window_bounds(sd_bus *bus, guint id, int ret[4]);
/* Waits for the app to be listed as running (TRUE) or not listed (FALSE). */
gboolean fault_wait_app(sd_bus *bus, const char *app_id, gboolean running, guint timeout_ms);


/* Processes (not zombies) whose environment carries APPD_FAULT_TAG=tag,
 * the daemon itself left out: GArray of int pids. */
GArray *fault_tagged_pids(const char *tag, int daemon_pid);
/* Descendants of `pid` whose program (argv[0]) ends in `name`. */
GArray *fault_descendants_named(int pid, const char *name);
/* argv[0]'s base name of a process, or NULL. */
char *fault_pid_program(int pid);
gboolean fault_pid_alive(int pid);

/* Window titles of fault-windows are "wN gen G"; returns G or -1. */
int fault_title_gen(const char *title);
/* A window of fault-windows is replaced when closed: closes `window`
 * through the bus and waits until the app shows a new window whose page
 * loaded (gen >= 1).  The probe that the app's main script, the daemon
 * and renderers all still work. */
gboolean fault_probe_app(sd_bus *bus, const char *app_id, FaultPhase *p);

/* The daemon died by itself (counted as lost and fatal, log printed). */
gboolean fault_daemon_lost(FaultDaemon *d, FaultPhase *p);
/* Manager.QuitApp and wait until the app is gone. */
gboolean fault_quit_app_wait(sd_bus *bus, FaultPhase *p, const char *app_id);
/* Waits until no process tagged with the daemon's tag is left; returns how
 * many were (they are killed). */
guint fault_check_leftovers(FaultDaemon *d, FaultPhase *p, const char *when);
/* Quits `apps` that still run, checks for leftovers, stops the daemon
 * with SIGTERM (it must exit 0) and frees it. */
void fault_finish_daemon(FaultDaemon *d, FaultPhase *p, const char *const *apps);

/* Phases. */
void fault_phase_renderer_kills(Fault *f, FaultPhase *p);
void fault_phase_bus_fuzz(Fault *f, FaultPhase *p);
void fault_phase_ipc_floods(Fault *f, FaultPhase *p);
void fault_phase_daemon_kills(Fault *f, FaultPhase *p);
