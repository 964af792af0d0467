/* Test harness: a real appd on the private session bus the test runs in
 * (tests/run-in-session.sh), driven through the real appctl. */
#pragma once

#include <gio/gio.h>

typedef struct {
        GSubprocess *appd;
        char *log_path;
} Harness;

/* Starts appd and waits until it owns its bus name. */
Harness *harness_start(void);
/* The same with another program as the renderer and extra environment
 * (NULL-terminated "NAME=value" list, or NULL). */
Harness *harness_start_with(const char *renderer, const char *const *env);
/* Stops appd with SIGTERM and checks it exits cleanly. */
void harness_stop(Harness *h);
/* Ends appd abnormally: SIGKILL, as a crash or the OOM killer would. */
void harness_kill(Harness *h);
/* Waits up to timeout_ms for appd to end by itself (for apps that take it
 * down); FALSE if it still runs.  Either way h is freed, appd killed. */
gboolean harness_wait_gone(Harness *h, guint timeout_ms);
/* Starts appd without waiting for it to answer (it may end at once). */
Harness *harness_spawn(void);
/* The daemon's log so far. */
char *harness_log(Harness *h);

/* Runs appctl with the given arguments (NULL-terminated); returns its exit
 * status; output captured into *out / *err when not NULL. */
int harness_appctl(char **out, char **err, const char *first, ...) G_GNUC_NULL_TERMINATED;
/* Same, with an argv array. */
int harness_appctlv(char **out, char **err, const char *const *args);

/* Removes a folder the test made, with everything in it (symlinks are
 * removed, not followed). */
void harness_remove_tree(const char *path);

/* Path of a test app under tests/apps. */
char *harness_app(const char *name);

/* Polls `cond` (every 20 ms) until it returns TRUE or `timeout_ms` passes. */
gboolean harness_wait_for(gboolean (*cond)(gpointer), gpointer data, guint timeout_ms);

/* Whether a process exists (and is not a zombie). */
gboolean harness_pid_alive(int pid);

/* A process's command line with its arguments joined by spaces (an app
 * process's title is one string: "appd-app --app-id=ID"), or NULL. */
char *harness_pid_cmdline(int pid);
/* The app process appd runs `app_id` in (a child of appd_pid), or 0. */
int harness_app_process_pid(int appd_pid, const char *app_id);
/* Whether `pid` is an app process appd started ahead of need, not yet
 * given an app (appd-app --spare). */
gboolean harness_pid_is_spare(int pid);

/* Introspects `path` on the running daemon and checks that `iface` there is
 * exactly what protocol/<iface>.xml says: same methods with the same
 * arguments, signals and properties. */
void harness_assert_contract(const char *path, const char *iface);
/* The same for introspection XML got elsewhere (a private link). */
void harness_assert_contract_xml(const char *live_xml, const char *iface);
/* The same for a link that serves part of iface (a page link serves part
 * of Host): live must have exactly `members`, each as the XML says. */
void harness_assert_contract_members_xml(const char *live_xml, const char *iface,
                                         const char *const *members);

/* Runs tests/apps/<name> with `appctl open --wait` (and `-- args`), and
 * fails the current test case, with the daemon's log, unless it exits 0.
 * The case fails without aborting, so every app of a suite reports. */
void harness_run_app(Harness *h, const char *name, const char *const *args);
