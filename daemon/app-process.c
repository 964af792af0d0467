/* App processes: spawn, link, calls and exit.  See app-process.h; the
 * other side is app/main.c. */
#include "app-process.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "appd-protocol.h"
#include "bus-link.h"
#include "bus-source.h"
#include "bus-string.h"
#include "supervisor.h"

/* What may wait on a process that does not read: messages, and bytes
 * added since its queue was last seen empty (several of the largest IPC
 * messages). */
#define APP_PROCESS_MAX_QUEUED 4096
#define APP_PROCESS_MAX_QUEUED_BYTES (256u * 1024 * 1024)
/* How long a process may take to end once it reported its exit, or once
 * its link is gone without a report, before it is killed. */
#define APP_PROCESS_EXIT_GRACE_MS 3000
#define APP_PROCESS_LINK_LOST_GRACE_MS 1000
/* Messages taken from a dead process's link before its exit is reported. */
#define APP_PROCESS_DRAIN_MAX 100000

#define APP_PROCESS_LOG(p, level, ...) \
        g_log_structured(G_LOG_DOMAIN, level, "APPD_APP", (p)->app_id ?: "", "MESSAGE", __VA_ARGS__)

/* A spare is started this long after the last open that took one, so a
 * burst of opens is not slowed by spares starting in between. */
#define APP_PROCESS_SPARE_DELAY_MS 400
/* Spares that end on their own, in a row, before none is started any
 * more (something is wrong with appd-app; each open then starts its own). */
#define APP_PROCESS_SPARE_MAX_FAILURES 3

/* The app process started ahead of need (app_process_spare_enable()). */
static struct {
        char *program;
        unsigned heap_mb;
        AppProcess *process;
        guint timer;
        guint failures;
} spare;

static void app_process_spare_schedule(void);

struct AppProcess {
        char *app_id;              /* NULL while it is a spare */
        unsigned heap_mb;          /* its JavaScript heap limit, fixed at spawn */
        Child *child;
        sd_bus *link;
        sd_bus_slot *host_slot;
        guint link_source;
        size_t queued_bytes;       /* sent since the link's queue was last empty */
        AppProcessCallbacks callbacks;
        gpointer user_data;
        pid_t pid;

        gboolean reported;         /* AppHost.Exited arrived */
        int code;
        char *reason;
        char *message;
        gboolean killed;           /* app_process_kill() */
        gboolean link_lost;        /* the link closed before a report */
        guint kill_timer;
        gboolean killed_for_link;  /* the SIGKILL was ours, for a lost link */
};

static void app_process_link_close(AppProcess *p) {
        if (p->link_source) {
                g_source_remove(p->link_source);
                p->link_source = 0;
        }
        p->host_slot = sd_bus_slot_unref(p->host_slot);
        if (p->link) {
                sd_bus_close(p->link);
                p->link = sd_bus_unref(p->link);
        }
}

/* --- AppHost: calls from the app process.  The process is the slot's
 * userdata, fixed when the link was made. */

static int method_Message(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        AppProcess *p = userdata;
        const char *json;
        const void *data;
        size_t size;
        int has_payload, r;

        r = sd_bus_message_read(m, "s", &json);
        if (r >= 0)
                r = sd_bus_message_read_array(m, 'y', &data, &size);
        if (r >= 0)
                r = sd_bus_message_read(m, "b", &has_payload);
        if (r < 0)
                return r;
        if (!p->reported && p->callbacks.message)
                p->callbacks.message(p, json, has_payload ? (data ? data : "") : NULL,
                                     has_payload ? size : 0, p->user_data);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_Output(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        AppProcess *p = userdata;
        const char *text;
        int stream, r;

        r = sd_bus_message_read(m, "is", &stream, &text);
        if (r < 0)
                return r;
        if (!p->reported && p->callbacks.output)
                p->callbacks.output(p, stream == 2 ? 2 : 1, text, p->user_data);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_Exited(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        static const char *const reasons[] = { "exit", "exception", "oom", "failed", "killed", NULL };
        AppProcess *p = userdata;
        const char *reason, *message;
        int code, r;

        r = sd_bus_message_read(m, "iss", &code, &reason, &message);
        if (r < 0)
                return r;
        if (p->reported)
                return sd_bus_error_set(error, SD_BUS_ERROR_FAILED, "Already reported");
        p->reported = TRUE;
        p->code = code;
        p->reason = g_strdup(g_strv_contains(reasons, reason) ? reason : "failed");
        p->message = g_strdup(message);
        /* Its process ends next; one that lingers is not waited for. */
        if (p->child)
                child_terminate(p->child, APP_PROCESS_EXIT_GRACE_MS);
        return sd_bus_reply_method_return(m, NULL);
}

/* The menu methods (SetMenu, DropMenu, SetWindowMenu, PopupMenu,
 * ClosePopup) are the app's model's business: handed on whole. */
static int method_menu(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        AppProcess *p = userdata;

        if (!p->reported && p->callbacks.menu_call)
                return p->callbacks.menu_call(p, m, error, p->user_data);
        return sd_bus_reply_method_return(m, NULL);
}

static const sd_bus_vtable app_host_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Message",
                                SD_BUS_ARGS("s", json, "ay", payload, "b", has_payload),
                                SD_BUS_NO_RESULT, method_Message, 0),
        SD_BUS_METHOD_WITH_ARGS("Output", SD_BUS_ARGS("i", stream, "s", text),
                                SD_BUS_NO_RESULT, method_Output, 0),
        SD_BUS_METHOD_WITH_ARGS("Exited", SD_BUS_ARGS("i", code, "s", reason, "s", message),
                                SD_BUS_NO_RESULT, method_Exited, 0),
        SD_BUS_METHOD_WITH_ARGS("SetMenu", SD_BUS_ARGS("u", menu, "a(usssssbbbbu)", items),
                                SD_BUS_NO_RESULT, method_menu, 0),
        SD_BUS_METHOD_WITH_ARGS("DropMenu", SD_BUS_ARGS("u", menu), SD_BUS_NO_RESULT,
                                method_menu, 0),
        SD_BUS_METHOD_WITH_ARGS("SetWindowMenu", SD_BUS_ARGS("u", window, "u", menu),
                                SD_BUS_NO_RESULT, method_menu, 0),
        SD_BUS_METHOD_WITH_ARGS("PopupMenu",
                                SD_BUS_ARGS("u", window, "u", menu, "i", x, "i", y, "i",
                                            positioning_item),
                                SD_BUS_NO_RESULT, method_menu, 0),
        SD_BUS_METHOD_WITH_ARGS("ClosePopup", SD_BUS_ARGS("u", window, "u", menu),
                                SD_BUS_NO_RESULT, method_menu, 0),
        SD_BUS_VTABLE_END,
};

static gboolean app_process_link_lost_kill_cb(gpointer user_data) {
        AppProcess *p = user_data;

        p->kill_timer = 0;
        p->killed_for_link = TRUE;
        kill(child_get_pid(p->child), SIGKILL);
        return G_SOURCE_REMOVE;
}

static void app_process_link_lost(AppProcess *p) {
        app_process_link_close(p);
        if (p->reported || p->killed || !p->child)
                return;
        /* Usually the process is dying and its exit is on the way; one
         * that lives on without its link can do nothing for its app. */
        p->link_lost = TRUE;
        p->kill_timer = g_timeout_add(APP_PROCESS_LINK_LOST_GRACE_MS,
                                      app_process_link_lost_kill_cb, p);
}

static void app_process_link_closed_cb(sd_bus *bus, int error, gpointer user_data) {
        AppProcess *p = user_data;

        p->link_source = 0;
        app_process_link_lost(p);
}

/* What a dead process sent before it died is still in the socket. */
static void app_process_link_drain(AppProcess *p) {
        for (int i = 0; p->link && i < APP_PROCESS_DRAIN_MAX; i++)
                if (sd_bus_process(p->link, NULL) <= 0)
                        break;
}

static void app_process_exited_cb(Child *c, int status, gpointer user_data) {
        AppProcess *p = user_data;
        g_autofree char *message = NULL;
        const char *reason;
        int code;

        p->child = NULL;
        if (p->kill_timer) {
                g_source_remove(p->kill_timer);
                p->kill_timer = 0;
        }
        app_process_link_drain(p);
        app_process_link_close(p);

        if (p == spare.process) {
                /* It never had an app: nobody to tell but the journal. */
                g_warning("The spare app process %d ended (wait status %d)%s", p->pid, status,
                          ++spare.failures < APP_PROCESS_SPARE_MAX_FAILURES
                                  ? "" : "; no more spares are started");
                spare.process = NULL;
                app_process_free(p);
                app_process_spare_schedule();
                return;
        }
        if (p->reported) {
                code = p->code;
                reason = p->reason;
                message = g_strdup(p->message);
        } else if (p->killed) {
                code = 137;
                reason = "killed";
                message = g_strdup("");
        } else if (WIFSIGNALED(status) && !p->killed_for_link) {
                int sig = WTERMSIG(status);

                code = 128 + sig;
                reason = sig == SIGKILL || sig == SIGTERM ? "killed" : "crashed";
                message = g_strdup_printf("The app process was ended by signal %d (SIG%s)%s", sig,
                                          sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
                                          WCOREDUMP(status) ? ", core dumped" : "");
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == APPD_APP_EXIT_FLOODED) {
                code = 1;
                reason = "failed";
                message = g_strdup("too many messages queued for the daemon");
        } else {
                code = 1;
                reason = "failed";
                message = p->killed_for_link
                                  ? g_strdup("The app process closed its link to appd")
                          : WIFEXITED(status)
                                  ? g_strdup_printf("The app process exited with status %d "
                                                    "without reporting why",
                                                    WEXITSTATUS(status))
                                  : g_strdup("The app process ended without reporting why");
        }
        if (p->callbacks.exited)
                p->callbacks.exited(p, code, reason, message, p->user_data);
}

static int link_serve(AppProcess *p, int fd) {
        return bus_link_serve(fd, APPD_APP_HOST_PATH, APPD_APP_HOST_IFACE, app_host_vtable, p,
                              &p->host_slot, &p->link);
}

/* A call without a reply; refused while the process does not keep up. */
static int app_process_call_new(AppProcess *p, const char *member, size_t size,
                                sd_bus_message **ret) {
        uint64_t queued = 0;
        int r;

        if (!p->link || p->reported)
                return -ENOTCONN;
        if (sd_bus_get_n_queued_write(p->link, &queued) >= 0 && queued == 0)
                p->queued_bytes = 0;
        if (queued >= APP_PROCESS_MAX_QUEUED ||
            p->queued_bytes + size > APP_PROCESS_MAX_QUEUED_BYTES)
                return -ENOBUFS;
        r = sd_bus_message_new_method_call(p->link, ret, NULL, APPD_APP_PROCESS_PATH,
                                           APPD_APP_PROCESS_IFACE, member);
        if (r >= 0)
                r = sd_bus_message_set_expect_reply(*ret, 0);
        return r;
}

static int app_process_call_send(AppProcess *p, sd_bus_message *m, size_t size) {
        int r = sd_bus_send(p->link, m, NULL);

        if (r >= 0)
                p->queued_bytes += size;
        return r < 0 ? r : 0;
}

static char *app_process_spec_to_json(const AppProcessSpec *spec) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        g_autoptr(JsonNode) root = NULL;
        g_autofree char *text = NULL;

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "appId");
        json_builder_add_string_value(b, spec->app_id);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, spec->name ? spec->name : spec->app_id);
        json_builder_set_member_name(b, "version");
        json_builder_add_string_value(b, spec->version ? spec->version : "");
        json_builder_set_member_name(b, "appDir");
        json_builder_add_string_value(b, spec->app_dir);
        json_builder_set_member_name(b, "mainPath");
        json_builder_add_string_value(b, spec->main_path);
        json_builder_set_member_name(b, "userDataDir");
        json_builder_add_string_value(b, spec->user_data_dir ? spec->user_data_dir : "");
        json_builder_set_member_name(b, "args");
        json_builder_begin_array(b);
        for (const char *const *a = spec->args; a && *a; a++)
                json_builder_add_string_value(b, *a);
        json_builder_end_array(b);
        json_builder_set_member_name(b, "ipcMaxPayload");
        json_builder_add_int_value(b, spec->ipc_max_payload);
        json_builder_set_member_name(b, "windowStates");
        json_builder_add_string_value(b, spec->window_states_json ? spec->window_states_json
                                                                  : "{}");
        json_builder_end_object(b);
        root = json_builder_get_root(b);
        text = json_to_string(root, FALSE);
        /* Names and paths are the app's: whatever they hold arrives. */
        return bus_string_json_ascii(text);
}

/* The error of a link whose other end is closed. */
static gboolean link_dropped(int r) {
        return r == -ECONNRESET || r == -EPIPE || r == -ENOTCONN;
}

/* Spawns `program` linked to appd; the app comes with Start.  app_id:
 * NULL for a spare. */
static int app_process_spawn(const char *program, const char *app_id, unsigned heap_mb,
                             AppProcess **ret) {
        g_autofree char *id_arg = NULL, *heap_arg = NULL;
        const char *argv[5] = { program };
        AppProcess *p;
        int fd = -1, r;

        p = g_new0(AppProcess, 1);
        p->app_id = g_strdup(app_id);
        p->heap_mb = heap_mb;
        argv[1] = heap_arg = g_strdup_printf("--heap-mb=%u", heap_mb);
        /* For people reading ps.  A spare gets room to show its app's id
         * later (the process title is the arguments' memory). */
        if (app_id)
                argv[2] = id_arg = g_strdup_printf("--app-id=%s", app_id);
        else {
                argv[2] = "--spare";
                argv[3] = "                                                                "
                          "                                                                ";
        }
        r = child_spawn(argv, NULL, app_process_exited_cb, p, &p->child, &fd);
        if (r < 0) {
                g_free(p->app_id);
                g_free(p);
                return r;
        }
        p->pid = child_get_pid(p->child);
        r = link_serve(p, fd);
        if (r >= 0)
                p->link_source = bus_source_attach(p->link, NULL, app_process_link_closed_cb, p);
        /* A process that dropped its link already is still one appd
         * started: its end is reported when it is reaped. */
        if (link_dropped(r))
                r = 0;
        if (r < 0) {
                app_process_free(p);
                return r;
        }
        *ret = p;
        return 0;
}

static gboolean app_process_spare_start_cb(gpointer user_data) {
        int r;

        spare.timer = 0;
        if (spare.process || !spare.program)
                return G_SOURCE_REMOVE;
        r = app_process_spawn(spare.program, NULL, spare.heap_mb, &spare.process);
        if (r < 0) {
                g_warning("Cannot start a spare app process: %s", g_strerror(-r));
                spare.failures++;
        } else {
                g_debug("Spare app process %d started", spare.process->pid);
        }
        return G_SOURCE_REMOVE;
}

/* A new spare after a pause with no opens, unless they keep failing. */
static void app_process_spare_schedule(void) {
        if (!spare.program || spare.process || spare.failures >= APP_PROCESS_SPARE_MAX_FAILURES)
                return;
        if (spare.timer)
                g_source_remove(spare.timer);
        spare.timer = g_timeout_add(APP_PROCESS_SPARE_DELAY_MS, app_process_spare_start_cb, NULL);
}

void app_process_spare_enable(const char *program, unsigned heap_mb) {
        app_process_spare_disable();
        spare.program = g_strdup(program);
        spare.heap_mb = heap_mb ?: APP_PROCESS_DEFAULT_HEAP_MB;
        spare.failures = 0;
        app_process_spare_start_cb(NULL);
}

void app_process_spare_disable(void) {
        if (spare.timer) {
                g_source_remove(spare.timer);
                spare.timer = 0;
        }
        g_clear_pointer(&spare.process, app_process_free);
        g_clear_pointer(&spare.program, g_free);
}

pid_t app_process_spare_get_pid(void) {
        return spare.process ? spare.process->pid : 0;
}

/* The spare, if it fits and is still alive, taken out of the spare slot. */
static AppProcess *app_process_spare_take(const char *program, unsigned heap_mb) {
        AppProcess *p = spare.process;

        if (p && (!p->child || !p->link || p->reported)) {
                /* Dying, or it dropped its link: of no use; a new one
                 * follows. */
                g_clear_pointer(&spare.process, app_process_free);
                spare.failures++;
                return NULL;
        }
        if (!p || p->heap_mb != heap_mb || g_strcmp0(program, spare.program) != 0)
                return NULL;
        spare.process = NULL;
        /* It worked: a spare that fails later starts the count anew. */
        spare.failures = 0;
        return p;
}

static int app_process_send_start(AppProcess *p, const char *json) {
        g_autoptr(sd_bus_message) m = NULL;
        int r;

        r = app_process_call_new(p, "Start", strlen(json), &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", json);
        if (r >= 0)
                r = app_process_call_send(p, m, strlen(json));
        return r;
}

int app_process_start(const char *program, const AppProcessSpec *spec,
                      const AppProcessCallbacks *callbacks, gpointer user_data,
                      AppProcess **ret) {
        g_autofree char *json = NULL;
        unsigned heap_mb;
        AppProcess *p;
        gboolean adopted = FALSE;
        int r;

        if (!spec || !spec->app_id || !*spec->app_id || !spec->app_dir ||
            !g_path_is_absolute(spec->app_dir) || !spec->main_path ||
            !g_path_is_absolute(spec->main_path))
                return -EINVAL;

        heap_mb = spec->max_old_generation_mb ?: APP_PROCESS_DEFAULT_HEAP_MB;
        json = app_process_spec_to_json(spec);
        p = app_process_spare_take(program, heap_mb);
        if (p) {
                adopted = TRUE;
                p->app_id = g_strdup(spec->app_id);
                /* A spare can die unseen just before: then a new process
                 * it is. */
                r = app_process_send_start(p, json);
                if (r < 0) {
                        APP_PROCESS_LOG(p, G_LOG_LEVEL_INFO, "The spare app process %d is gone (%s)",
                                        (int) p->pid, g_strerror(-r));
                        g_clear_pointer(&p, app_process_free);
                        adopted = FALSE;
                }
        }
        if (!p) {
                r = app_process_spawn(program, spec->app_id, heap_mb, &p);
                if (r >= 0)
                        r = app_process_send_start(p, json);
                /* A process that dropped its link at once ends as any
                 * process that does: "failed", once it is reaped. */
                if (p && link_dropped(r)) {
                        app_process_link_lost(p);
                        r = 0;
                }
                if (r < 0) {
                        app_process_free(p);
                        return r;
                }
        }
        app_process_spare_schedule();
        p->callbacks = *callbacks;
        p->user_data = user_data;

        APP_PROCESS_LOG(p, G_LOG_LEVEL_INFO, "App %s: process %d %s", p->app_id, (int) p->pid,
                        adopted ? "(a spare) given the app" : "started");
        *ret = p;
        return 0;
}

pid_t app_process_get_pid(AppProcess *p) {
        return p->child ? p->pid : 0;
}

int app_process_post(AppProcess *p, const char *json) {
        g_autoptr(sd_bus_message) m = NULL;
        g_autofree char *ascii = bus_string_json_ascii(json);
        size_t size = strlen(ascii);
        int r;

        r = app_process_call_new(p, "Post", size, &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", ascii);
        if (r >= 0)
                r = app_process_call_send(p, m, size);
        return r;
}

int app_process_post_ipc(AppProcess *p, guint window, const char *kind, gint64 req,
                         const char *channel, const void *payload, size_t size) {
        g_autoptr(sd_bus_message) m = NULL;
        static const char empty[1];
        int r;

        r = app_process_call_new(p, "Ipc", size + strlen(channel), &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "usxs", window, kind, req, channel);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', payload ? payload : empty, size);
        if (r >= 0)
                r = app_process_call_send(p, m, size + strlen(channel));
        return r;
}

int app_process_open_page_link(AppProcess *p, guint window, int fd) {
        g_autoptr(sd_bus_message) m = NULL;
        int r;

        r = app_process_call_new(p, "OpenPageLink", 0, &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "uh", window, fd);
        if (r >= 0)
                r = app_process_call_send(p, m, 0);
        return r;
}

int app_process_close_page_links(AppProcess *p, guint window) {
        g_autoptr(sd_bus_message) m = NULL;
        int r;

        r = app_process_call_new(p, "ClosePageLinks", 0, &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "u", window);
        if (r >= 0)
                r = app_process_call_send(p, m, 0);
        return r;
}

int app_process_menu_activated(AppProcess *p, guint window, guint menu, guint item,
                               gboolean accelerator) {
        g_autoptr(sd_bus_message) m = NULL;
        int r;

        r = app_process_call_new(p, "MenuActivated", 0, &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "uuub", window, menu, item, accelerator);
        if (r >= 0)
                r = app_process_call_send(p, m, 0);
        return r;
}

int app_process_menu_closed(AppProcess *p, guint window, guint menu) {
        g_autoptr(sd_bus_message) m = NULL;
        int r;

        r = app_process_call_new(p, "MenuClosed", 0, &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "uu", window, menu);
        if (r >= 0)
                r = app_process_call_send(p, m, 0);
        return r;
}

int app_process_add_vtable(AppProcess *p, const sd_bus_vtable *vtable, void *userdata) {
        if (!p->link)
                return -ENOTCONN;
        /* Tied to the link: it goes when the link does. */
        return sd_bus_add_object_vtable(p->link, NULL, APPD_APP_HOST_PATH, APPD_APP_HOST_IFACE,
                                        vtable, userdata);
}

int app_process_kill(AppProcess *p) {
        if (!p->child)
                return -ESRCH;
        p->killed = TRUE;
        kill(child_get_pid(p->child), SIGKILL);
        return 0;
}

void app_process_free(AppProcess *p) {
        if (!p)
                return;
        if (p->kill_timer)
                g_source_remove(p->kill_timer);
        if (p->child)
                child_abandon(p->child);
        app_process_link_close(p);
        g_free(p->app_id);
        g_free(p->reason);
        g_free(p->message);
        g_free(p);
}
