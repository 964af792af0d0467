/* appd-desktop: spawn, link, calls and exit.  See desktop-process.h; the
 * other side is desktop/main.c. */
#include "desktop-process.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "appd-protocol.h"
#include "bus-link.h"
#include "bus-source.h"
#include "supervisor.h"

/* Starts within this window, at most: an appd-desktop that cannot start
 * (no display) is not started again and again by calls in a loop. */
#define DESKTOP_STARTS_MAX 5
#define DESKTOP_STARTS_WINDOW_USEC (10 * G_USEC_PER_SEC)

typedef struct {
        DesktopProcess *dp;
        sd_bus_slot *slot;
        DesktopReplyFunc reply_cb;
        gpointer user_data;
} DesktopCall;

struct DesktopProcess {
        char *program;
        Child *child;
        pid_t pid;
        sd_bus *link;
        guint link_source;
        GList *calls;            /* DesktopCall*, waiting for an answer */
        gint64 starts[DESKTOP_STARTS_MAX];
        guint next_start;
        void (*signal_cb)(const char *, gpointer);
        gpointer signal_data;
};

static void desktop_call_finish(DesktopCall *call, sd_bus_message *reply,
                                const sd_bus_error *error) {
        DesktopProcess *dp = call->dp;

        dp->calls = g_list_remove(dp->calls, call);
        call->slot = sd_bus_slot_unref(call->slot);
        call->reply_cb(reply, error, call->user_data);
        g_free(call);
}

/* Every waiting call fails: appd-desktop will not answer them. */
static void desktop_process_fail_calls(DesktopProcess *dp, const char *why) {
        sd_bus_error error = SD_BUS_ERROR_NULL;

        sd_bus_error_setf(&error, APPD_ERROR_DESKTOP_FAILED,
                          "appd-desktop %s before it answered; the next call starts it again",
                          why);
        while (dp->calls)
                desktop_call_finish(dp->calls->data, NULL, &error);
        sd_bus_error_free(&error);
}

static void desktop_process_link_close(DesktopProcess *dp) {
        if (dp->link_source) {
                g_source_remove(dp->link_source);
                dp->link_source = 0;
        }
        if (dp->link) {
                sd_bus_close(dp->link);
                dp->link = sd_bus_unref(dp->link);
        }
}

/* The process is of no more use: its calls fail, it is killed (and still
 * reaped), and the next call starts another. */
static void desktop_process_lost(DesktopProcess *dp, const char *why) {
        desktop_process_link_close(dp);
        if (dp->child) {
                child_terminate(dp->child, 0);
                dp->child = NULL;
        }
        dp->pid = 0;
        desktop_process_fail_calls(dp, why);
}

static void desktop_process_link_closed_cb(sd_bus *bus, int error, gpointer user_data) {
        DesktopProcess *dp = user_data;

        dp->link_source = 0;
        g_message("appd-desktop %d closed its link: %s", (int) dp->pid, g_strerror(abs(error)));
        desktop_process_lost(dp, "ended");
}

static void desktop_process_exited_cb(Child *c, int status, gpointer user_data) {
        DesktopProcess *dp = user_data;
        g_autofree char *why = NULL;

        if (WIFSIGNALED(status))
                why = g_strdup_printf("was ended by signal %d (SIG%s)", WTERMSIG(status),
                                      sigabbrev_np(WTERMSIG(status)) ?: "?");
        else
                why = g_strdup_printf("exited with status %d", WEXITSTATUS(status));
        g_message("appd-desktop %d %s", (int) child_get_pid(c), why);
        /* One that was given up on already has had its calls failed. */
        if (c == dp->child) {
                dp->child = NULL;
                desktop_process_lost(dp, why);
        }
}

static int desktop_process_signal_cb(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        DesktopProcess *dp = userdata;

        if (dp->signal_cb)
                dp->signal_cb(sd_bus_message_get_member(m), dp->signal_data);
        return 0;
}

static int desktop_process_start(DesktopProcess *dp) {
        const char *argv[] = { dp->program, NULL };
        gint64 now = g_get_monotonic_time();
        gint64 oldest = dp->starts[dp->next_start];
        int fd = -1, r;

        if (oldest && now - oldest < DESKTOP_STARTS_WINDOW_USEC)
                return -EAGAIN;
        r = child_spawn(argv, NULL, desktop_process_exited_cb, dp, &dp->child, &fd);
        if (r < 0)
                return r;
        dp->starts[dp->next_start] = now;
        dp->next_start = (dp->next_start + 1) % DESKTOP_STARTS_MAX;
        dp->pid = child_get_pid(dp->child);
        r = bus_link_connect(fd, "appd-desktop", &dp->link);
        if (r >= 0)
                r = sd_bus_match_signal(dp->link, NULL, NULL, APPD_DESKTOP_PATH,
                                        APPD_DESKTOP_IFACE, NULL, desktop_process_signal_cb, dp);
        if (r < 0) {
                g_warning("Cannot link to appd-desktop: %s", g_strerror(-r));
                desktop_process_lost(dp, "could not be linked to");
                return r;
        }
        dp->link_source = bus_source_attach(dp->link, NULL, desktop_process_link_closed_cb, dp);
        g_message("appd-desktop %d started", (int) dp->pid);
        return 0;
}

int desktop_process_ensure(DesktopProcess *dp) {
        if (dp->link)
                return 0;
        return desktop_process_start(dp);
}

static int desktop_call_reply_cb(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        DesktopCall *call = userdata;
        DesktopProcess *dp = call->dp;
        const sd_bus_error *error = sd_bus_message_get_error(reply);

        /* sd-bus answers for a link that closed, or a call that took too
         * long; appd-desktop's own errors pass on as they are. */
        if (error && sd_bus_error_has_name(error, SD_BUS_ERROR_NO_REPLY)) {
                sd_bus_error e = SD_BUS_ERROR_NULL;

                if (dp->link && sd_bus_is_open(dp->link) > 0)
                        sd_bus_error_setf(&e, APPD_ERROR_DESKTOP_FAILED,
                                          "appd-desktop did not answer in time: %s",
                                          error->message ?: "");
                else
                        sd_bus_error_setf(&e, APPD_ERROR_DESKTOP_FAILED,
                                          "appd-desktop ended before it answered; the next "
                                          "call starts it again");
                desktop_call_finish(call, NULL, &e);
                sd_bus_error_free(&e);
                return 0;
        }
        desktop_call_finish(call, error ? NULL : reply, error);
        return 0;
}

int desktop_process_call(DesktopProcess *dp, const char *member, sd_bus_message *args,
                         DesktopReplyFunc reply_cb, gpointer user_data) {
        g_autoptr(sd_bus_message) m = NULL;
        DesktopCall *call;
        int r;

        r = desktop_process_ensure(dp);
        if (r < 0)
                return r;
        r = sd_bus_message_new_method_call(dp->link, &m, NULL, APPD_DESKTOP_PATH,
                                           APPD_DESKTOP_IFACE, member);
        if (r >= 0 && args)
                r = sd_bus_message_rewind(args, 1);
        if (r >= 0 && args)
                r = sd_bus_message_copy(m, args, 1);
        if (r < 0)
                return r;
        call = g_new0(DesktopCall, 1);
        call->dp = dp;
        call->reply_cb = reply_cb;
        call->user_data = user_data;
        r = sd_bus_call_async(dp->link, &call->slot, m, desktop_call_reply_cb, call,
                              APPD_DESKTOP_TIMEOUT_USEC);
        if (r < 0) {
                g_free(call);
                return r;
        }
        dp->calls = g_list_prepend(dp->calls, call);
        return 0;
}

DesktopProcess *desktop_process_new(const char *program) {
        DesktopProcess *dp = g_new0(DesktopProcess, 1);

        dp->program = g_strdup(program);
        return dp;
}

void desktop_process_set_signal_cb(DesktopProcess *dp, void (*cb)(const char *, gpointer),
                                   gpointer user_data) {
        dp->signal_cb = cb;
        dp->signal_data = user_data;
}

pid_t desktop_process_get_pid(DesktopProcess *dp) {
        return dp && dp->child ? dp->pid : 0;
}

void desktop_process_free(DesktopProcess *dp) {
        if (!dp)
                return;
        desktop_process_link_close(dp);
        if (dp->child)
                child_abandon(dp->child);
        dp->child = NULL;
        desktop_process_fail_calls(dp, "was stopped with appd");
        g_free(dp->program);
        g_free(dp);
}
