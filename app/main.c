/* appd-app: the main process of one app.
 *
 * appd spawns one per app with its end of a socketpair as fd $APPD_BUS_FD
 * and speaks to it over a private peer-to-peer D-Bus connection on it
 * (host.c).  Node runs on this process's main thread: bootstrap.js waits
 * for appd's Start, then runs the app's main script with the electron
 * module, in this same environment, as Electron runs a main process.
 * appd may start one ahead of need (--spare): it sets up Node and waits;
 * the app it is given later names it for ps.
 *
 * Being a process of its own is what keeps apps apart: a crash, an abort,
 * a signal it sends itself, or memory it exhausts ends this process alone,
 * and appd reports why from its wait status.  The supervisor makes it die
 * with appd (PR_SET_PDEATHSIG, kept across exec); here it offers itself
 * to the kernel's OOM killer before appd, and refuses other processes of
 * the same user its memory (no core dumps, not ptrace-attachable). */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib.h>
#include <uv.h>

#include "appd-protocol.h"
#include "bootstrap-js.h"
#include "host.h"
#include "node-shim.h"

/* appd itself keeps the default of 0. */
#define APP_OOM_SCORE_ADJ "300"
#define APP_DEFAULT_HEAP_MB 512

/* The fd of the link, no longer inherited by anything the app runs. */
static int link_fd_take(void) {
        const char *value = g_getenv(APPD_RENDERER_FD_ENV);
        guint64 fd;
        int flags;

        if (!value || !g_ascii_string_to_unsigned(value, 10, 3, G_MAXINT, &fd, NULL)) {
                g_printerr("appd-app: $%s must name the fd of the link to appd\n",
                           APPD_RENDERER_FD_ENV);
                return -EINVAL;
        }
        flags = fcntl((int) fd, F_GETFD);
        if (flags < 0 || fcntl((int) fd, F_SETFD, flags | FD_CLOEXEC) < 0) {
                g_printerr("appd-app: $%s=%s: %s\n", APPD_RENDERER_FD_ENV, value,
                           g_strerror(errno));
                return -errno;
        }
        g_unsetenv(APPD_RENDERER_FD_ENV);
        return (int) fd;
}

static void oom_score_raise(void) {
        int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

        if (fd < 0 || write(fd, APP_OOM_SCORE_ADJ, strlen(APP_OOM_SCORE_ADJ)) < 0)
                g_warning("Cannot raise the OOM score: %s", g_strerror(errno));
        if (fd >= 0)
                close(fd);
}

static void exit_hook(int code, void *user_data) {
        host_report_exit(code, "exit", "");
}

static void oom_hook(const char *location, bool is_heap, void *user_data) {
        g_autofree char *message = g_strdup_printf(
                "%s (%s)", is_heap ? "JavaScript heap out of memory" : "out of memory", location);

        host_report_exit(134, "oom", message);
}

int main(int argc, char **argv) {
        static const NodeShimHooks hooks = { .exit = exit_hook, .oom = oom_hook };
        g_autofree char *heap_option = NULL;
        gint heap_mb = APP_DEFAULT_HEAP_MB;
        gboolean spare = FALSE;
        g_autofree char *app_id = NULL;
        GOptionEntry entries[] = {
                { "app-id", 0, 0, G_OPTION_ARG_STRING, &app_id, "The app (for ps; appd sends the rest)", "ID" },
                { "spare", 0, 0, G_OPTION_ARG_NONE, &spare, "Started ahead of need; the app comes later", NULL },
                { "heap-mb", 0, 0, G_OPTION_ARG_INT, &heap_mb, "JavaScript heap limit", "MB" },
                { NULL },
        };
        g_autoptr(GOptionContext) context = NULL;
        g_autoptr(GError) error = NULL;
        const char *options[2] = { NULL, NULL };
        int fd, r;

        /* Keeps the arguments' memory for the process title (process.title,
         * and the app's name once a spare has one). */
        argv = uv_setup_args(argc, argv);
        setlocale(LC_ALL, "");
        context = g_option_context_new(NULL);
        g_option_context_add_main_entries(context, entries, NULL);
        g_option_context_set_ignore_unknown_options(context, TRUE);
        if (!g_option_context_parse(context, &argc, &argv, &error)) {
                g_printerr("appd-app: %s\n", error->message);
                return 2;
        }
        /* Node leaves signal handling to its embedder. */
        signal(SIGPIPE, SIG_IGN);
        /* No core dumps or ptrace from other processes of the user: one
         * app cannot read another's memory through /proc/PID/mem.  A
         * developer with a debugger can ask to keep them. */
        if (g_strcmp0(g_getenv("APPD_APP_DUMPABLE"), "1") != 0 && prctl(PR_SET_DUMPABLE, 0) < 0)
                g_warning("Cannot refuse other processes this one's memory: %s",
                          g_strerror(errno));
        fd = link_fd_take();
        if (fd < 0)
                return 2;
        oom_score_raise();
        r = host_connect(fd);
        if (r < 0) {
                g_printerr("appd-app: cannot connect to appd on fd %d: %s\n", fd, g_strerror(-r));
                return 1;
        }
        heap_option = g_strdup_printf("--max-old-space-size=%d", CLAMP(heap_mb, 16, 1 << 20));
        options[0] = heap_option;
        r = node_shim_run(options, appd_js_bootstrap, "appd", host_binding_init, &hooks, NULL);
        {
                g_autofree char *text = g_strdup_printf("cannot start Node: %s", g_strerror(-r));
                host_report_exit(1, "failed", text);
        }
}
