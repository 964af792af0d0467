/* appd-app: the main process of one app.
 *
 * appd spawns one per running app with its end of a socketpair as fd
 * $APPD_BUS_FD, and speaks to it over a private peer-to-peer D-Bus
 * connection on it (appd is the server): AppProcess here, AppHost in appd
 * (protocol/org.appd.Appd1.App*.xml).  This program runs js-runtime with
 * that one app and relays between the runtime and the link; it exits once
 * the app's end has been reported and written out.  Its one argument,
 * --app-id=ID, names the app for people reading ps; appd sends what it
 * needs with Start.
 *
 * Being a process of its own is what keeps apps apart: a crash, an abort,
 * a signal it sends itself, or memory it exhausts outside the JS heap ends
 * this process alone, and appd reports why from its wait status.  The
 * supervisor makes it die with appd (PR_SET_PDEATHSIG, kept across exec);
 * here it offers itself to the kernel's OOM killer before appd. */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <systemd/sd-bus.h>

#include "appd-protocol.h"
#include "bus-source.h"
#include "bus-string.h"
#include "js-runtime.h"

/* appd itself keeps the default of 0. */
#define APP_OOM_SCORE_ADJ "300"

typedef struct {
        GMainLoop *loop;         /* runs until the process exits */
        sd_bus *link;
        sd_bus_slot *slot;
        char *app_id;            /* set by Start */
} AppMain;

/* --- app process → appd: AppHost calls, without replies */

static int host_call_new(AppMain *m, const char *member, sd_bus_message **ret) {
        int r;

        r = sd_bus_message_new_method_call(m->link, ret, NULL, APPD_APP_HOST_PATH,
                                           APPD_APP_HOST_IFACE, member);
        if (r >= 0)
                r = sd_bus_message_set_expect_reply(*ret, 0);
        return r;
}

static void host_call_send(AppMain *m, sd_bus_message *msg, const char *member, int r) {
        if (r >= 0)
                r = sd_bus_send(m->link, msg, NULL);
        if (r < 0)
                g_warning("Cannot send %s to appd: %s", member, g_strerror(-r));
}

static void app_message_cb(const char *app_id, const char *json, const void *payload,
                           size_t payload_size, gpointer user_data) {
        g_autoptr(sd_bus_message) msg = NULL;
        /* Whatever its strings hold crosses sd-bus escaped. */
        g_autofree char *ascii = bus_string_json_ascii(json);
        AppMain *m = user_data;
        static const char empty[1];
        int r;

        r = host_call_new(m, "Message", &msg);
        if (r >= 0)
                r = sd_bus_message_append(msg, "s", ascii);
        if (r >= 0)
                r = sd_bus_message_append_array(msg, 'y', payload ? payload : empty,
                                                payload ? payload_size : 0);
        if (r >= 0)
                r = sd_bus_message_append(msg, "b", payload != NULL);
        host_call_send(m, msg, "Message", r);
}

static void app_output_cb(const char *app_id, int stream, const char *text, gpointer user_data) {
        g_autoptr(sd_bus_message) msg = NULL;
        g_autofree char *valid = NULL;
        AppMain *m = user_data;
        int r;

        r = host_call_new(m, "Output", &msg);
        if (r >= 0)
                r = sd_bus_message_append(msg, "is", stream, bus_string(text, &valid));
        host_call_send(m, msg, "Output", r);
}

/* Reports the app's end and exits. */
static G_NORETURN void app_report_exit(AppMain *m, int code, const char *reason,
                                       const char *message) {
        g_autoptr(sd_bus_message) msg = NULL;
        g_autofree char *reason_buf = NULL, *message_buf = NULL;
        int r;

        r = host_call_new(m, "Exited", &msg);
        if (r >= 0)
                r = sd_bus_message_append(msg, "iss", code, bus_string(reason, &reason_buf),
                                          bus_string(message, &message_buf));
        host_call_send(m, msg, "Exited", r);
        /* Everything the app said is out before the process ends; then
         * nothing is left to do, and appd reports the app's end once it
         * has reaped this process: Node's teardown would only delay that. */
        (void) sd_bus_flush(m->link);
        _exit(0);
}

static void app_exited_cb(const char *app_id, int exit_code, const char *reason,
                          const char *message, gpointer user_data) {
        app_report_exit(user_data, exit_code, reason, message);
}

/* --- appd → app process: AppProcess */

static const char *spec_string(JsonObject *o, const char *key) {
        JsonNode *n = json_object_get_member(o, key);
        if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
                return NULL;
        return json_node_get_string(n);
}

static gint64 spec_int(JsonObject *o, const char *key) {
        JsonNode *n = json_object_get_member(o, key);
        if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64)
                return 0;
        return json_node_get_int(n);
}

/* Starts the app the spec describes; a message for the app's exit
 * report when it cannot. */
static char *app_start(AppMain *m, const char *text) {
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(GPtrArray) args = g_ptr_array_new();
        g_autoptr(GError) error = NULL;
        JsAppSpec spec = { 0 };
        JsonObject *o;
        JsonNode *root, *n;
        int r;

        if (!json_parser_load_from_data(parser, text, -1, &error))
                return g_strdup_printf("invalid app spec: %s", error->message);
        root = json_parser_get_root(parser);
        if (!root || !JSON_NODE_HOLDS_OBJECT(root))
                return g_strdup("invalid app spec: not an object");
        o = json_node_get_object(root);
        n = json_object_get_member(o, "args");
        if (n && JSON_NODE_HOLDS_ARRAY(n)) {
                JsonArray *a = json_node_get_array(n);
                for (guint i = 0; i < json_array_get_length(a); i++) {
                        JsonNode *e = json_array_get_element(a, i);
                        if (JSON_NODE_HOLDS_VALUE(e) && json_node_get_value_type(e) == G_TYPE_STRING)
                                g_ptr_array_add(args, (gpointer) json_node_get_string(e));
                }
        }
        g_ptr_array_add(args, NULL);

        spec.app_id = spec_string(o, "appId");
        spec.name = spec_string(o, "name");
        spec.version = spec_string(o, "version");
        spec.app_dir = spec_string(o, "appDir");
        spec.main_path = spec_string(o, "mainPath");
        spec.user_data_dir = spec_string(o, "userDataDir");
        spec.args = (const char *const *) args->pdata;
        spec.max_old_generation_mb = (unsigned) CLAMP(spec_int(o, "maxOldGenerationMb"), 0, G_MAXINT);
        spec.ipc_max_payload = (unsigned) CLAMP(spec_int(o, "ipcMaxPayload"), 0, G_MAXINT);
        spec.window_states_json = spec_string(o, "windowStates");
        r = js_app_start(&spec);
        if (r < 0)
                return g_strdup_printf("cannot start the app: %s", g_strerror(-r));
        m->app_id = g_strdup(spec.app_id);
        return NULL;
}

static int method_Start(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        g_autofree char *failure = NULL;
        AppMain *m = userdata;
        const char *spec;
        int r;

        r = sd_bus_message_read(msg, "s", &spec);
        if (r < 0)
                return r;
        if (m->app_id)
                return sd_bus_error_set(error, SD_BUS_ERROR_FAILED, "An app process runs one app");
        failure = app_start(m, spec);
        if (failure)
                app_report_exit(m, 1, "failed", failure);
        return sd_bus_reply_method_return(msg, NULL);
}

static int method_Post(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        AppMain *m = userdata;
        const char *json;
        int r;

        r = sd_bus_message_read(msg, "s", &json);
        if (r < 0)
                return r;
        if (!m->app_id)
                return sd_bus_error_set(error, SD_BUS_ERROR_FAILED, "No app runs here");
        r = js_app_post(m->app_id, json);
        if (r < 0)
                g_warning("Cannot deliver an event to %s: %s", m->app_id, g_strerror(-r));
        return sd_bus_reply_method_return(msg, NULL);
}

/* An invoke or sendSync the app cannot take is answered for it, so the
 * page waiting on it learns why. */
static void ipc_refuse(AppMain *m, guint window, const char *kind, gint64 req, int error) {
        g_autofree char *reason = g_strdup_printf("Cannot deliver IPC: %s", g_strerror(-error));
        g_autoptr(JsonBuilder) b = json_builder_new();
        g_autoptr(JsonNode) root = NULL;
        g_autofree char *json = NULL;

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "op");
        json_builder_add_string_value(b, g_str_equal(kind, "invoke") ? "invoke-reply"
                                                                     : "send-sync-reply");
        json_builder_set_member_name(b, "id");
        json_builder_add_int_value(b, window);
        json_builder_set_member_name(b, "req");
        json_builder_add_int_value(b, req);
        json_builder_set_member_name(b, "ok");
        json_builder_add_boolean_value(b, FALSE);
        json_builder_set_member_name(b, "error");
        json_builder_add_string_value(b, reason);
        json_builder_end_object(b);
        root = json_builder_get_root(b);
        json = json_to_string(root, FALSE);
        app_message_cb(m->app_id, json, NULL, 0, m);
}

static int method_Ipc(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        AppMain *m = userdata;
        const char *kind, *channel;
        const void *payload;
        size_t size;
        uint32_t window;
        int64_t req;
        int r;

        r = sd_bus_message_read(msg, "usxs", &window, &kind, &req, &channel);
        if (r >= 0)
                r = sd_bus_message_read_array(msg, 'y', &payload, &size);
        if (r < 0)
                return r;
        if (!m->app_id)
                return sd_bus_error_set(error, SD_BUS_ERROR_FAILED, "No app runs here");
        r = js_app_post_ipc(m->app_id, window, kind, req, channel, payload, size);
        if (r < 0) {
                g_warning("Cannot deliver IPC to %s: %s", m->app_id, g_strerror(-r));
                if (g_str_equal(kind, "invoke") || g_str_equal(kind, "send-sync"))
                        ipc_refuse(m, window, kind, req, r);
        }
        return sd_bus_reply_method_return(msg, NULL);
}

static const sd_bus_vtable app_process_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Start", SD_BUS_ARGS("s", spec), SD_BUS_NO_RESULT,
                                method_Start, 0),
        SD_BUS_METHOD_WITH_ARGS("Post", SD_BUS_ARGS("s", event), SD_BUS_NO_RESULT,
                                method_Post, 0),
        SD_BUS_METHOD_WITH_ARGS("Ipc",
                                SD_BUS_ARGS("u", window, "s", kind, "x", req, "s", channel,
                                            "ay", payload),
                                SD_BUS_NO_RESULT, method_Ipc, 0),
        SD_BUS_VTABLE_END,
};

static void link_closed_cb(sd_bus *bus, int error, gpointer user_data) {
        /* appd is gone or dropped us: nobody is left to report to. */
        _exit(1);
}

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

static int link_connect(AppMain *m, int fd) {
        g_autoptr(sd_bus) bus = NULL;
        int r;

        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_fd(bus, fd, fd);
        /* The socketpair appd handed over is the identity. */
        if (r >= 0)
                r = sd_bus_set_anonymous(bus, 1);
        if (r >= 0)
                r = sd_bus_add_object_vtable(bus, &m->slot, APPD_APP_PROCESS_PATH,
                                             APPD_APP_PROCESS_IFACE, app_process_vtable, m);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0)
                return r;
        m->link = g_steal_pointer(&bus);
        return 0;
}

static void oom_score_raise(void) {
        int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

        if (fd < 0 || write(fd, APP_OOM_SCORE_ADJ, strlen(APP_OOM_SCORE_ADJ)) < 0)
                g_warning("Cannot raise the OOM score: %s", g_strerror(errno));
        if (fd >= 0)
                close(fd);
}

int main(int argc, char **argv) {
        static const JsRuntimeCallbacks callbacks = {
                .app_message = app_message_cb,
                .app_output = app_output_cb,
                .app_exited = app_exited_cb,
        };
        AppMain m = { 0 };
        int fd, r;

        setlocale(LC_ALL, "");
        /* Node leaves signal handling to its embedder. */
        signal(SIGPIPE, SIG_IGN);
        fd = link_fd_take();
        if (fd < 0)
                return 2;
        oom_score_raise();

        m.loop = g_main_loop_new(NULL, FALSE);
        r = link_connect(&m, fd);
        if (r < 0) {
                g_printerr("appd-app: cannot connect to appd on fd %d: %s\n", fd, g_strerror(-r));
                return 1;
        }
        r = js_runtime_start(NULL, &callbacks, &m);
        if (r < 0) {
                g_autofree char *text = g_strdup_printf("cannot start Node: %s", g_strerror(-r));
                app_report_exit(&m, 1, "failed", text);
        }
        bus_source_attach(m.link, NULL, link_closed_cb, &m);
        /* Ends in app_report_exit() or link_closed_cb(). */
        g_main_loop_run(m.loop);
        return 1;
}
