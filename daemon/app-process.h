/* App processes: each running app's main script runs in a process of its
 * own, appd-app, spawned and reaped by the supervisor and linked to appd by
 * a private peer-to-peer connection (protocol/org.appd.Appd1.AppProcess.xml
 * and AppHost.xml).  Which app speaks is known from the link.  Messages are
 * those of docs/js-messages.md.  Model code: nothing here is seen on the
 * session bus. */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

typedef struct AppProcess AppProcess;

typedef struct {
        /* An op from the app's electron module, unchecked.  payload: the
         * attached IPC bytes, or NULL when none. */
        void (*message)(AppProcess *p, const char *json, const void *payload, size_t size,
                        gpointer user_data);
        /* A chunk of the app's stdout (stream 1) or stderr (stream 2). */
        void (*output)(AppProcess *p, int stream, const char *text, gpointer user_data);
        /* The process has been reaped, after all of its messages; called
         * exactly once.  As the app reported it ("exit", "exception",
         * "oom", "failed"), else from how the process ended:
         *   "killed"   app_process_kill() (137), or SIGKILL/SIGTERM from
         *              elsewhere (128 + signal)
         *   "crashed"  any other signal: SIGSEGV, SIGABRT… (128 + signal)
         *   "failed"   it exited, or dropped its link, without a report (1)
         * message names the signal, or says what failed. */
        void (*exited)(AppProcess *p, int code, const char *reason, const char *message,
                       gpointer user_data);
        /* An AppHost menu method (SetMenu, DropMenu, SetWindowMenu,
         * PopupMenu, ClosePopup), to read and answer as an sd-bus method
         * handler does; NULL: they are ignored. */
        int (*menu_call)(AppProcess *p, sd_bus_message *m, sd_bus_error *error,
                         gpointer user_data);
} AppProcessCallbacks;

typedef struct {
        const char *app_id;
        const char *name;          /* package.json name (app.getName()) */
        const char *version;
        const char *app_dir;       /* absolute */
        const char *main_path;     /* absolute */
        const char *user_data_dir;
        const char *const *args;   /* NULL-terminated, may be NULL */
        unsigned max_old_generation_mb; /* JavaScript heap; 0: the default */
        const char *window_states_json; /* JSON object text, or NULL */
        unsigned ipc_max_payload;
} AppProcessSpec;

#define APP_PROCESS_DEFAULT_HEAP_MB 512

/* Start the app in an app process: the spare when there is one of this
 * program and heap limit, else a new process of `program` (appd-app).  The
 * spec is copied into the start request.  Returns 0 or a negative errno
 * (-ENOEXEC when the program cannot run). */
int app_process_start(const char *program, const AppProcessSpec *spec,
                      const AppProcessCallbacks *callbacks, gpointer user_data,
                      AppProcess **ret);
pid_t app_process_get_pid(AppProcess *p);

/* Deliver a daemon event (JSON object text).  -ENOBUFS when the process
 * does not read what is already queued for it, -ENOTCONN once its link is
 * gone. */
int app_process_post(AppProcess *p, const char *json);
/* Deliver IPC from a page of the app's window `window` (the app's id for
 * it); kind "send", "invoke" or "send-sync".  Errors as for
 * app_process_post(). */
int app_process_post_ipc(AppProcess *p, guint window, const char *kind, gint64 req,
                         const char *channel, const void *payload, size_t size);
/* Hand the app process the server end of a page link (`fd`, duplicated;
 * the caller keeps its own) for the app's window `window` (the app's id
 * for it): the app serves the page's IPC on it.  ClosePageLinks closes
 * every page link of a window whose renderer is gone.  Errors as for
 * app_process_post(). */
int app_process_open_page_link(AppProcess *p, guint window, int fd);
int app_process_close_page_links(AppProcess *p, guint window);
/* AppProcess.MenuActivated and MenuClosed (the app's ids).  Errors as
 * for app_process_post(). */
int app_process_menu_activated(AppProcess *p, guint window, guint menu, guint item,
                               gboolean accelerator);
int app_process_menu_closed(AppProcess *p, guint window, guint menu);
/* Adds `vtable` to the process's AppHost interface on its link, called
 * with `userdata` (more AppHost methods, served elsewhere).  -ENOTCONN
 * once the link is gone. */
int app_process_add_vtable(AppProcess *p, const sd_bus_vtable *vtable, void *userdata);
/* SIGKILL now; exited follows with "killed", 137, unless the app had
 * already reported its end. */
int app_process_kill(AppProcess *p);
/* After exited; before it, the process is killed and no callback runs. */
void app_process_free(AppProcess *p);

/* Keep one process of `program` started ahead of need, with Node set up,
 * for the next app_process_start() with this heap limit to take, so an
 * open does not wait for Node to start.  A spare is started now, and again
 * after each one taken once opens pause; a spare is never given a second
 * app (its process ends with its app).  Spares that keep ending on their
 * own are given up on, in the journal. */
void app_process_spare_enable(const char *program, unsigned heap_mb);
/* Kill the spare and start none any more. */
void app_process_spare_disable(void);
/* The spare's pid, or 0 when there is none now. */
pid_t app_process_spare_get_pid(void);
