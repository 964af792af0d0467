/* Renderer processes: spawned with one end of a socketpair, watched,
 * reaped, and ended (SIGTERM, then SIGKILL after a grace period). */
#pragma once

#include <glib.h>
#include <sys/types.h>

typedef struct Renderer Renderer;

/* Called once when the process has been reaped.  `status` is the
 * wait status (g_spawn_check_wait_status semantics). */
typedef void (*RendererExitedFunc)(Renderer *r, int status, gpointer user_data);

/* Spawn argv[0] with the child's end of a new socketpair as fd 3 (and
 * APPD_BUS_FD=3).  On success *ret_fd is the daemon's end. */
int renderer_spawn(const char *const *argv, RendererExitedFunc exited_cb, gpointer user_data,
                   Renderer **ret, int *ret_fd);
pid_t renderer_get_pid(Renderer *r);
/* The process has been asked to end (over its link, or the link was
 * closed): SIGKILL it unless it is gone within `grace_ms` (0: now).  The
 * exited callback still runs when it is reaped. */
void renderer_terminate(Renderer *r, guint grace_ms);
/* Kill at once (SIGKILL) and forget: the callback is not called; the child
 * is still reaped in the background. */
void renderer_abandon(Renderer *r);
/* How many renderers are still alive (not reaped). */
guint renderer_count_alive(void);
