/* Child processes (renderers and app processes): spawned with one end of
 * a socketpair, watched, reaped, and ended (SIGTERM, then SIGKILL after a
 * grace period).  None outlives appd: each gets SIGKILL when appd dies. */
#pragma once

#include <glib.h>
#include <sys/types.h>

typedef struct Child Child;

/* Called once when the process has been reaped.  `status` is the
 * wait status (g_spawn_check_wait_status semantics). */
typedef void (*ChildExitedFunc)(Child *c, int status, gpointer user_data);

/* Spawn argv[0] with the child's end of a new socketpair as fd 3 (and
 * APPD_BUS_FD=3 added to `envp`, the child's whole environment; NULL: the
 * daemon's).  On success *ret_fd is the daemon's end. */
int child_spawn(const char *const *argv, const char *const *envp, ChildExitedFunc exited_cb,
                gpointer user_data, Child **ret, int *ret_fd);
pid_t child_get_pid(Child *c);
/* The process has been asked to end (over its link, or the link was
 * closed): SIGKILL it unless it is gone within `grace_ms` (0: now).  The
 * exited callback still runs when it is reaped. */
void child_terminate(Child *c, guint grace_ms);
/* Kill at once (SIGKILL) and forget: the callback is not called; the child
 * is still reaped in the background. */
void child_abandon(Child *c);
/* How many children are still alive (not reaped). */
guint child_count_alive(void);

/* Renderers: children with the renderer's environment (rendering defaults
 * chosen for the machine's OpenGL). */
typedef Child Renderer;
typedef ChildExitedFunc RendererExitedFunc;
int renderer_spawn(const char *const *argv, RendererExitedFunc exited_cb, gpointer user_data,
                   Renderer **ret, int *ret_fd);
static inline pid_t renderer_get_pid(Renderer *r) {
        return child_get_pid(r);
}
static inline void renderer_terminate(Renderer *r, guint grace_ms) {
        child_terminate(r, grace_ms);
}
static inline void renderer_abandon(Renderer *r) {
        child_abandon(r);
}
