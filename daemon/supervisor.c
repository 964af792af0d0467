#include "supervisor.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "appd-protocol.h"

struct Child {
        GPid pid;
        guint watch_id;
        guint kill_timer;
        ChildExitedFunc exited_cb;
        gpointer user_data;
        gboolean reaped;
};

static guint alive_count;

/* Whether OpenGL here can only be software (no render node, or the user
 * asked for it).  Measured under Xvfb with llvmpipe (docs/performance.md):
 * GTK's cairo renderer and WebKit without compositing take 54% less memory
 * per window and load 13% faster than the GL paths, which only pay off
 * with a GPU. */
static gboolean gl_is_software(void) {
        g_autoptr(GDir) dir = NULL;
        const char *name;

        if (g_strcmp0(g_getenv("LIBGL_ALWAYS_SOFTWARE"), "1") == 0 ||
            g_strcmp0(g_getenv("LIBGL_ALWAYS_SOFTWARE"), "true") == 0)
                return TRUE;
        dir = g_dir_open("/dev/dri", 0, NULL);
        while (dir && (name = g_dir_read_name(dir)))
                if (g_str_has_prefix(name, "renderD"))
                        return FALSE;
        return TRUE;
}

/* The renderer's environment: the daemon's, plus, under software GL, the
 * lean rendering defaults unless the user chose others.
 * APPD_RENDERING=toolkit keeps GTK's and WebKit's own defaults, =lean
 * uses the lean ones even with a GPU. */
static char **renderer_environ(void) {
        static int software = -1;
        char **envp = g_get_environ();

        if (software < 0) {
                const char *choice = g_getenv("APPD_RENDERING");
                software = g_strcmp0(choice, "lean") == 0       ? TRUE
                         : g_strcmp0(choice, "toolkit") == 0    ? FALSE
                                                                : gl_is_software();
        }
        if (software) {
                envp = g_environ_setenv(envp, "GSK_RENDERER", "cairo", FALSE);
                envp = g_environ_setenv(envp, "WEBKIT_DISABLE_COMPOSITING_MODE", "1", FALSE);
        }
        return envp;
}

static void child_setup(gpointer data) {
        pid_t daemon_pid = GPOINTER_TO_INT(data);

        /* If the daemon dies without a chance to clean up, its children
         * go with it instead of lingering as orphans.  It may have died
         * before the signal was asked for: then the child has another
         * parent already, which is pid 1 only without a subreaper
         * (systemd --user is one). */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != daemon_pid)
                _exit(127);
}

static void child_free(Child *r) {
        if (r->kill_timer)
                g_source_remove(r->kill_timer);
        g_free(r);
}

static void child_exited_cb(GPid pid, gint status, gpointer user_data) {
        Child *r = user_data;

        g_spawn_close_pid(pid);
        r->reaped = TRUE;
        r->watch_id = 0;
        alive_count--;
        if (r->exited_cb)
                r->exited_cb(r, status, r->user_data);
        child_free(r);
}

int child_spawn(const char *const *argv, const char *const *child_envp,
                ChildExitedFunc exited_cb, gpointer user_data, Child **ret, int *ret_fd) {
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) envp = child_envp ? g_strdupv((char **) child_envp) : g_get_environ();
        int pair[2];
        int source_fds[1], target_fds[1] = { 3 };
        Child *r;
        GPid pid;

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, pair) < 0)
                return -errno;
        source_fds[0] = pair[1];

        envp = g_environ_setenv(envp, APPD_RENDERER_FD_ENV, "3", TRUE);

        if (!g_spawn_async_with_pipes_and_fds(NULL, argv, (const char *const *) envp,
                                              G_SPAWN_DO_NOT_REAP_CHILD,
                                              child_setup, GINT_TO_POINTER(getpid()),
                                              -1, -1, -1, source_fds, target_fds, 1,
                                              &pid, NULL, NULL, NULL, &error)) {
                g_warning("Failed to start %s: %s", argv[0], error->message);
                close(pair[0]);
                close(pair[1]);
                return -ENOEXEC;
        }
        close(pair[1]);

        r = g_new0(Child, 1);
        r->pid = pid;
        r->exited_cb = exited_cb;
        r->user_data = user_data;
        r->watch_id = g_child_watch_add(pid, child_exited_cb, r);
        alive_count++;

        *ret = r;
        *ret_fd = pair[0];
        return 0;
}

int renderer_spawn(const char *const *argv, RendererExitedFunc exited_cb, gpointer user_data,
                   Renderer **ret, int *ret_fd) {
        g_auto(GStrv) envp = renderer_environ();

        return child_spawn(argv, (const char *const *) envp, exited_cb, user_data, ret, ret_fd);
}

pid_t child_get_pid(Child *r) {
        return r ? r->pid : 0;
}

static gboolean child_kill_cb(gpointer user_data) {
        Child *r = user_data;

        r->kill_timer = 0;
        if (!r->reaped) {
                g_message("Process %d did not end in time, killing it", (int) r->pid);
                kill(r->pid, SIGKILL);
        }
        return G_SOURCE_REMOVE;
}

void child_terminate(Child *r, guint grace_ms) {
        if (r->reaped || r->kill_timer)
                return;
        if (grace_ms == 0) {
                kill(r->pid, SIGKILL);
                return;
        }
        r->kill_timer = g_timeout_add(grace_ms, child_kill_cb, r);
}

void child_abandon(Child *r) {
        kill(r->pid, SIGKILL);
        r->exited_cb = NULL;
        r->user_data = NULL;
}

guint child_count_alive(void) {
        return alive_count;
}
