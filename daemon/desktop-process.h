/* appd-desktop: the session's one process with a display connection
 * (desktop/), for what needs one whether or not a window is open: the
 * clipboard's contents, the screen.  Started on the first call that needs
 * it, linked to appd by a private peer-to-peer connection made at spawn
 * (protocol/org.appd.Appd1.Desktop.xml), watched and reaped; one that
 * ended is started again by the next call, and the calls it had not
 * answered fail.  Model code: nothing here is seen on the session bus. */
#pragma once

#include <glib.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

typedef struct DesktopProcess DesktopProcess;

/* The answer to desktop_process_call(): reply is appd-desktop's method
 * return, or NULL and error says why (appd-desktop's own error, or
 * org.appd.Appd1.Error.DesktopFailed when it did not answer). */
typedef void (*DesktopReplyFunc)(sd_bus_message *reply, const sd_bus_error *error,
                                 gpointer user_data);

DesktopProcess *desktop_process_new(const char *program);
/* Called (on the main loop) with the name of each of appd-desktop's
 * signals (DisplaysChanged, ThemeChanged). */
void desktop_process_set_signal_cb(DesktopProcess *dp, void (*cb)(const char *, gpointer),
                                   gpointer user_data);
/* Calls Desktop.`member` with the arguments of `args` (all of them, from
 * the first), starting appd-desktop when it does not run.  reply_cb runs
 * exactly once, later, unless this returns an error: -EAGAIN when
 * appd-desktop keeps failing to start, or what spawning it returned. */
int desktop_process_call(DesktopProcess *dp, const char *member, sd_bus_message *args,
                         DesktopReplyFunc reply_cb, gpointer user_data);
/* Starts appd-desktop unless it runs (for its signals). */
int desktop_process_ensure(DesktopProcess *dp);
/* Its pid, or 0 when none runs. */
pid_t desktop_process_get_pid(DesktopProcess *dp);
/* Ends appd-desktop (SIGKILL) and fails what waits for it. */
void desktop_process_free(DesktopProcess *dp);
