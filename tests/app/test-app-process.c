/* App processes end to end: appd's side (daemon/app-process.c) drives
 * real appd-app processes running small apps from temporary folders, with
 * this test in appd's place. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <signal.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <systemd/sd-bus.h>

#include "app-process.h"
#include "appd-protocol.h"
#include "harness.h"

typedef struct {
        int code;
        char *reason;
        char *message;
        gint64 when;
} Exit;

typedef struct {
        char *app_id;
        JsonObject *object;
} Message;

static GPtrArray *messages;     /* Message*, in arrival order */
static GHashTable *exits;       /* app id → Exit* */
static GHashTable *outputs;     /* "app id/stream" → GString* */
static GPtrArray *tmp_dirs;

static void string_free(GString *s) {
        g_string_free(s, TRUE);
}

static void exit_free(Exit *e) {
        g_free(e->reason);
        g_free(e->message);
        g_free(e);
}

static void message_free(Message *m) {
        g_free(m->app_id);
        json_object_unref(m->object);
        g_free(m);
}

/* protocol/ipc-codec.js framing: u32 LE length + JSON text, then per
 * buffer u32 LE length + bytes. */
static guint32 frame_u32(const guint8 *p) {
        return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static void frame_put_u32(guint8 *p, size_t n) {
        p[0] = n & 0xff;
        p[1] = (n >> 8) & 0xff;
        p[2] = (n >> 16) & 0xff;
        p[3] = (n >> 24) & 0xff;
}

/* A frame as a page would send it: JSON text and at most one buffer
 * (none when `buffer` is NULL). */
static GBytes *frame_new(const char *json, const guint8 *buffer, size_t buffer_size) {
        size_t len = strlen(json);
        size_t size = 4 + len + (buffer ? 4 + buffer_size : 0);
        guint8 *out = g_malloc(size);

        frame_put_u32(out, len);
        memcpy(out + 4, json, len);
        if (buffer) {
                frame_put_u32(out + 4 + len, buffer_size);
                memcpy(out + 8 + len, buffer, buffer_size);
        }
        return g_bytes_new_take(out, size);
}

/* Checks a frame from the app and records it in the message object:
 * "payload" its JSON text, "buffers" an array of the buffers' sizes and
 * "bufferSum" the sum of all their bytes (to compare contents). */
static void message_add_frame(JsonObject *o, const guint8 *p, size_t size) {
        JsonArray *sizes = json_array_new();
        g_autofree char *text = NULL;
        gint64 sum = 0;
        guint32 len;
        size_t at;

        g_assert_cmpuint(size, >=, 4);
        len = frame_u32(p);
        g_assert_cmpuint(4 + (size_t) len, <=, size);
        text = g_strndup((const char *) p + 4, len);
        json_object_set_string_member(o, "payload", text);
        for (at = 4 + len; at < size;) {
                guint32 n;

                g_assert_cmpuint(at + 4, <=, size);
                n = frame_u32(p + at);
                at += 4;
                g_assert_cmpuint(at + n, <=, size);
                json_array_add_int_element(sizes, n);
                for (guint32 i = 0; i < n; i++)
                        sum += p[at + i];
                at += n;
        }
        json_object_set_array_member(o, "buffers", sizes);
        json_object_set_int_member(o, "bufferSum", sum);
        json_object_set_int_member(o, "frameSize", (gint64) size);
}

static GHashTable *processes;   /* app id → AppProcess* */

static void app_message_cb(AppProcess *p, const char *json, const void *payload,
                           size_t payload_size, gpointer user_data) {
        const char *app_id = user_data;
        g_autoptr(JsonParser) parser = json_parser_new();
        Message *m;

        g_assert_true(json_parser_load_from_data(parser, json, -1, NULL));
        g_assert_true(JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)));
        m = g_new0(Message, 1);
        m->app_id = g_strdup(app_id);
        m->object = json_object_ref(json_node_get_object(json_parser_get_root(parser)));
        /* The module never puts a payload in the JSON itself. */
        g_assert_false(json_object_has_member(m->object, "payload"));
        if (payload)
                message_add_frame(m->object, payload, payload_size);
        g_ptr_array_add(messages, m);
}

static GString *output_get(const char *app_id, int stream) {
        g_autofree char *key = g_strdup_printf("%s/%d", app_id, stream);
        GString *s = g_hash_table_lookup(outputs, key);

        if (!s) {
                s = g_string_new(NULL);
                g_hash_table_insert(outputs, g_steal_pointer(&key), s);
        }
        return s;
}

static void app_output_cb(AppProcess *p, int stream, const char *text, gpointer user_data) {
        const char *app_id = user_data;

        g_assert_true(stream == 1 || stream == 2);
        g_string_append(output_get(app_id, stream), text);
}

static void app_exited_cb(AppProcess *p, int exit_code, const char *reason,
                          const char *message, gpointer user_data) {
        const char *app_id = user_data;
        Exit *e = g_new0(Exit, 1);

        /* Exactly once per app. */
        g_assert_false(g_hash_table_contains(exits, app_id));
        e->code = exit_code;
        e->reason = g_strdup(reason);
        e->message = g_strdup(message);
        e->when = g_get_monotonic_time();
        g_hash_table_insert(exits, g_strdup(app_id), e);
}

static const AppProcessCallbacks callbacks = {
        .message = app_message_cb,
        .output = app_output_cb,
        .exited = app_exited_cb,
};

static AppProcess *process_get(const char *app_id) {
        AppProcess *p = g_hash_table_lookup(processes, app_id);

        g_assert_nonnull(p);
        return p;
}

/* ---- helpers ----------------------------------------------------------- */

typedef gboolean (*Predicate)(gconstpointer data);

static gboolean timeout_cb(gpointer data) {
        *(gboolean *) data = TRUE;
        return G_SOURCE_REMOVE;
}

/* Runs the main loop until pred(data) holds; false on timeout. */
static gboolean iterate_until(Predicate pred, gconstpointer data, guint timeout_ms) {
        gboolean timed_out = FALSE;
        guint id = g_timeout_add(timeout_ms, timeout_cb, &timed_out);

        while (!pred(data) && !timed_out)
                g_main_context_iteration(NULL, TRUE);
        if (!timed_out)
                g_source_remove(id);
        return pred(data);
}

static gboolean has_exited(gconstpointer app_id) {
        return g_hash_table_contains(exits, app_id);
}

static Exit *wait_exit(const char *app_id, guint timeout_ms) {
        if (!iterate_until(has_exited, app_id, timeout_ms))
                g_error("%s did not exit within %u ms", app_id, timeout_ms);
        return g_hash_table_lookup(exits, app_id);
}

typedef struct {
        const char *app_id;
        const char *op;
        const char *channel;
        const char *method;     /* wc-call only */
} MessageQuery;

static int message_find(const MessageQuery *q) {
        for (guint i = 0; i < messages->len; i++) {
                Message *m = messages->pdata[i];

                if (!g_str_equal(m->app_id, q->app_id))
                        continue;
                if (g_strcmp0(json_object_get_string_member_with_default(m->object, "op", NULL),
                              q->op) != 0)
                        continue;
                if (q->channel &&
                    g_strcmp0(json_object_get_string_member_with_default(m->object, "channel", NULL),
                              q->channel) != 0)
                        continue;
                if (q->method &&
                    g_strcmp0(json_object_get_string_member_with_default(m->object, "method", NULL),
                              q->method) != 0)
                        continue;
                return (int) i;
        }
        return -1;
}

static gboolean has_message(gconstpointer data) {
        return message_find(data) >= 0;
}

/* The first message from app_id with this op (and channel), removed from
 * the list; the caller owns it. */
static JsonObject *wait_message_full(const char *app_id, const char *op, const char *channel,
                                     const char *method, guint timeout_ms) {
        MessageQuery q = { app_id, op, channel, method };
        JsonObject *o;
        Message *m;

        if (!iterate_until(has_message, &q, timeout_ms))
                g_error("no '%s' %s%s from %s within %u ms", op, channel ?: "", method ?: "", app_id,
                        timeout_ms);
        m = g_ptr_array_steal_index(messages, message_find(&q));
        o = json_object_ref(m->object);
        message_free(m);
        return o;
}

static JsonObject *wait_message(const char *app_id, const char *op, const char *channel,
                                guint timeout_ms) {
        return wait_message_full(app_id, op, channel, NULL, timeout_ms);
}

/* The app's wc-call for this webContents method. */
static JsonObject *wait_call(const char *app_id, const char *method) {
        return wait_message_full(app_id, "wc-call", NULL, method, 5000);
}

/* No message with this op from app_id has arrived (after letting pending
 * ones in). */
static void assert_no_message(const char *app_id, const char *op) {
        MessageQuery q = { app_id, op, NULL, NULL };

        iterate_until(has_message, &q, 200);
        if (message_find(&q) >= 0)
                g_error("unexpected '%s' from %s", op, app_id);
}

typedef struct {
        const char *app_id;
        int stream;
        const char *text;
} OutputQuery;

static gboolean has_output(gconstpointer data) {
        const OutputQuery *q = data;

        return strstr(output_get(q->app_id, q->stream)->str, q->text) != NULL;
}

static void wait_output(const char *app_id, int stream, const char *text, guint timeout_ms) {
        OutputQuery q = { app_id, stream, text };

        if (!iterate_until(has_output, &q, timeout_ms))
                g_error("%s did not print '%s' on %d within %u ms (got '%s')", app_id, text,
                        stream, timeout_ms, output_get(app_id, stream)->str);
}

/* Writes an app folder with package.json and main.js; returns the folder. */
static char *app_write(const char *name, const char *main_js) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("appd-js-XXXXXX", &error);
        g_autofree char *pkg_path = NULL, *main_path = NULL, *pkg = NULL;

        g_assert_no_error(error);
        pkg = g_strdup_printf("{\"name\":\"%s\",\"version\":\"1.2.3\",\"main\":\"main.js\"}", name);
        pkg_path = g_build_filename(dir, "package.json", NULL);
        main_path = g_build_filename(dir, "main.js", NULL);
        g_file_set_contents(pkg_path, pkg, -1, &error);
        g_assert_no_error(error);
        g_file_set_contents(main_path, main_js, -1, &error);
        g_assert_no_error(error);
        g_ptr_array_add(tmp_dirs, g_strdup(dir));
        return g_steal_pointer(&dir);
}

static void app_start_states(const char *app_id, const char *main_js, unsigned heap_mb,
                             const char *const *args, const char *window_states) {
        g_autofree char *dir = app_write(app_id, main_js);
        g_autofree char *main_path = g_build_filename(dir, "main.js", NULL);
        g_autofree char *user_data = g_build_filename(g_get_tmp_dir(), "appd-test-config", app_id, NULL);
        AppProcessSpec spec = {
                .app_id = app_id,
                .name = app_id,
                .version = "1.2.3",
                .app_dir = dir,
                .main_path = main_path,
                .user_data_dir = user_data,
                .args = args,
                .max_old_generation_mb = heap_mb,
                .window_states_json = window_states,
        };

        AppProcess *p = NULL;
        char *id = g_strdup(app_id);

        g_assert_false(g_hash_table_contains(processes, app_id));
        g_assert_cmpint(app_process_start(APP_PROGRAM, &spec, &callbacks, id, &p), ==, 0);
        /* The key is the id the callbacks get, freed with the process. */
        g_hash_table_insert(processes, id, p);
}

static void app_start_full(const char *app_id, const char *main_js, unsigned heap_mb,
                           const char *const *args) {
        app_start_states(app_id, main_js, heap_mb, args, NULL);
}

static void app_start(const char *app_id, const char *main_js) {
        app_start_full(app_id, main_js, 0, NULL);
}

static int64_t member_int(JsonObject *o, const char *name) {
        g_assert_true(json_object_has_member(o, name));
        return json_object_get_int_member(o, name);
}

static const char *member_string(JsonObject *o, const char *name) {
        g_assert_true(json_object_has_member(o, name));
        return json_object_get_string_member(o, name);
}

static void post(const char *app_id, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void post(const char *app_id, const char *fmt, ...) {
        g_autofree char *json = NULL;
        va_list ap;

        va_start(ap, fmt);
        json = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        g_assert_cmpint(app_process_post(process_get(app_id), json), ==, 0);
}

/* A page's IPC: `json` is the args array as the codec's JSON text. */
static void post_ipc(const char *app_id, gint64 window_id, const char *kind, gint64 req,
                     const char *channel, const char *json) {
        g_autoptr(GBytes) frame = frame_new(json, NULL, 0);
        gsize size;
        const void *data = g_bytes_get_data(frame, &size);

        g_assert_cmpint(app_process_post_ipc(process_get(app_id), window_id, kind, req, channel,
                                             data, size), ==, 0);
}

/* ---- cases ------------------------------------------------------------- */

static void test_exit_code(void) {
        gint64 t0 = g_get_monotonic_time();
        Exit *e;

        app_start("exit3", "const { app } = require('electron');\n"
                           "app.whenReady().then(() => app.exit(3));\n");
        e = wait_exit("exit3", 5000);
        g_assert_cmpint(e->code, ==, 3);
        g_assert_cmpstr(e->reason, ==, "exit");
        g_assert_cmpstr(e->message, ==, "");
        g_test_message("start to exit of a trivial app: %.1f ms", (e->when - t0) / 1000.0);

        app_start("procexit", "process.exit(7);\n");
        e = wait_exit("procexit", 5000);
        g_assert_cmpint(e->code, ==, 7);
        g_assert_cmpstr(e->reason, ==, "exit");
}

static void test_exception(void) {
        Exit *e;

        app_start("thrower", "const x = 1;\nthrow new Error('boom at top level');\n");
        e = wait_exit("thrower", 5000);
        g_assert_cmpint(e->code, ==, 1);
        g_assert_cmpstr(e->reason, ==, "exception");
        g_assert_nonnull(strstr(e->message, "boom at top level"));
        g_assert_nonnull(strstr(e->message, "main.js:2"));

        app_start("missing", "require('./no-such-module');\n");
        e = wait_exit("missing", 5000);
        g_assert_cmpstr(e->reason, ==, "exception");
        g_assert_nonnull(strstr(e->message, "Cannot find module './no-such-module'"));

        app_start("syntax", "function (\n");
        e = wait_exit("syntax", 5000);
        g_assert_cmpstr(e->reason, ==, "exception");
        g_assert_nonnull(strstr(e->message, "SyntaxError"));

        app_start("later", "setTimeout(() => { throw new TypeError('late failure'); }, 10);\n");
        e = wait_exit("later", 5000);
        g_assert_cmpstr(e->reason, ==, "exception");
        g_assert_nonnull(strstr(e->message, "TypeError: late failure"));
}

static void test_console(void) {
        Exit *e;

        app_start("console", "console.log('hello from app');\n"
                             "console.error('oops on stderr');\n"
                             "process.stdout.write('no newline ünïcode');\n"
                             "process.exit(0);\n");
        e = wait_exit("console", 5000);
        g_assert_cmpstr(e->reason, ==, "exit");
        g_assert_cmpint(e->code, ==, 0);
        /* Output is delivered before the exit. */
        g_assert_cmpstr(output_get("console", 1)->str, ==, "hello from app\nno newline ünïcode");
        g_assert_cmpstr(output_get("console", 2)->str, ==, "oops on stderr\n");
}

/* Whether the process is a zombie: ended and not yet reaped, which
 * happens here only while this test does not iterate its main loop. */
static gboolean process_is_zombie(pid_t pid) {
        g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int) pid);
        g_autofree char *stat = NULL;
        const char *p;

        if (!g_file_get_contents(path, &stat, NULL, NULL))
                return FALSE;
        p = strrchr(stat, ')');
        return p && p[1] == ' ' && p[2] == 'Z';
}

/* An app that queues more for appd than it may is ended as failed.  This
 * test, in appd's place, takes nothing more from the link once the flood
 * has begun (its first `op`) until the process has ended, so the bound is
 * exceeded by construction, however fast this machine is. */
static void flood_check(const char *app_id, const char *op, const char *main_js) {
        gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
        pid_t pid;
        Exit *e;

        app_start(app_id, main_js);
        pid = app_process_get_pid(process_get(app_id));
        json_object_unref(wait_message(app_id, op, NULL, 10000));
        while (!process_is_zombie(pid) && g_get_monotonic_time() < deadline)
                g_usleep(20 * 1000);
        g_assert_true(process_is_zombie(pid));
        e = wait_exit(app_id, 20000);
        g_assert_cmpstr(e->reason, ==, "failed");
        g_assert_cmpstr(e->message, ==, "too many messages queued for the daemon");
}

/* Bytes: 4 MiB messages, more of them than the byte bound holds. */
static void test_flood_bytes(void) {
        flood_check("flood", "send", "const { app, BrowserWindow } = require('electron');\n"
                             "app.whenReady().then(() => {\n"
                             "  const win = new BrowserWindow();\n"
                             "  const big = new Uint8Array(4 * 1024 * 1024);\n"
                             "  for (;;) win.webContents.send('flood', big);\n"
                             "});\n");
}

/* Count: tiny messages, more of them than the count bound. */
static void test_flood_count(void) {
        flood_check("flood-small", "window-set-title", "const { app, BrowserWindow } = require('electron');\n"
                                   "app.whenReady().then(() => {\n"
                                   "  const win = new BrowserWindow();\n"
                                   "  for (let i = 0; ; i++) win.setTitle(String(i % 10));\n"
                                   "});\n");
}

/* A flooding app is its own process's trouble: another app's messages go
 * through while it floods, and appd keeps taking both. */
static void test_flood_isolated(void) {
        JsonObject *o;

        app_start("flood-neighbour", "const { app, BrowserWindow } = require('electron');\n"
                                     "app.whenReady().then(() => {\n"
                                     "  const win = new BrowserWindow();\n"
                                     "  setInterval(() => win.setTitle('still here'), 5);\n"
                                     "});\n");
        app_start("flood-again", "const { app, BrowserWindow } = require('electron');\n"
                                 "app.whenReady().then(() => {\n"
                                 "  const win = new BrowserWindow();\n"
                                 "  const big = new Uint8Array(1024 * 1024);\n"
                                 "  for (;;) win.webContents.send('flood', big);\n"
                                 "});\n");
        wait_message("flood-again", "send", "flood", 5000);
        g_ptr_array_set_size(messages, 0);
        o = wait_message("flood-neighbour", "window-set-title", NULL, 5000);
        g_assert_cmpstr(json_object_get_string_member(o, "title"), ==, "still here");
        json_object_unref(o);
        g_assert_false(g_hash_table_contains(exits, "flood-neighbour"));
        g_assert_cmpint(app_process_kill(process_get("flood-neighbour")), ==, 0);
        g_assert_cmpint(app_process_kill(process_get("flood-again")), ==, 0);
        wait_exit("flood-neighbour", 5000);
        wait_exit("flood-again", 5000);
}

static void test_app_api(void) {
        static const char *const args[] = { "--flag", "file.txt", NULL };
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autofree char *user_data = g_build_filename(g_get_tmp_dir(), "appd-test-config", "apiapp", NULL);
        g_autofree char *app_data = g_path_get_dirname(user_data);
        const char *out;
        JsonObject *o;
        Exit *e;

        app_start_full("apiapp",
                "const electron = require('electron');\n"
                "const { app, BrowserWindow } = electron;\n"
                "const r = { readyBefore: app.isReady() };\n"
                "app.on('window-all-closed', () => {});\n"
                "app.whenReady().then(() => {\n"
                "  r.readyAfter = app.isReady();\n"
                "  r.name = app.getName(); r.version = app.getVersion();\n"
                "  r.appPath = app.getAppPath(); r.dirname = __dirname;\n"
                "  r.userData = app.getPath('userData'); r.appData = app.getPath('appData');\n"
                "  try { app.getPath('nope'); } catch (e) { r.unknownPath = e.message; }\n"
                "  r.same = electron === require('electron/main');\n"
                "  r.unknownExport = typeof electron.noSuchThing;\n"
                "  r.argv = process.argv.slice(2);\n"
                "  r.binding = Object.keys(process._linkedBinding('appd')).length;\n"
                "  const w = new BrowserWindow({ show: false });\n"
                "  r.fromId = BrowserWindow.fromId(w.id) === w;\n"
                "  w.destroy();\n"
                "  r.destroyedFlag = w.isDestroyed(); r.count = BrowserWindow.getAllWindows().length;\n"
                "  try { w.setTitle('x'); } catch (e) { r.destroyed = `${e.name}: ${e.message}`; }\n"
                "  console.log(JSON.stringify(r));\n"
                "  app.exit(0);\n"
                "});\n", 0, args);
        e = wait_exit("apiapp", 5000);
        g_assert_cmpstr(e->reason, ==, "exit");
        out = output_get("apiapp", 1)->str;
        g_assert_true(json_parser_load_from_data(parser, out, -1, NULL));
        o = json_node_get_object(json_parser_get_root(parser));
        g_assert_false(json_object_get_boolean_member(o, "readyBefore"));
        g_assert_true(json_object_get_boolean_member(o, "readyAfter"));
        g_assert_cmpstr(member_string(o, "name"), ==, "apiapp");
        g_assert_cmpstr(member_string(o, "version"), ==, "1.2.3");
        g_assert_cmpstr(member_string(o, "appPath"), ==, member_string(o, "dirname"));
        g_assert_cmpstr(member_string(o, "userData"), ==, user_data);
        g_assert_cmpstr(member_string(o, "appData"), ==, app_data);
        g_assert_cmpstr(member_string(o, "unknownPath"), ==, "Failed to get 'nope' path");
        g_assert_true(json_object_get_boolean_member(o, "same"));
        g_assert_cmpstr(member_string(o, "unknownExport"), ==, "undefined");
        g_assert_cmpint(json_array_get_length(json_object_get_array_member(o, "argv")), ==, 2);
        g_assert_cmpstr(json_array_get_string_element(json_object_get_array_member(o, "argv"), 1), ==, "file.txt");
        /* The link's binding is the bootstrap's: app code finds it empty. */
        g_assert_cmpint(member_int(o, "binding"), ==, 0);
        g_assert_true(json_object_get_boolean_member(o, "fromId"));
        g_assert_true(json_object_get_boolean_member(o, "destroyedFlag"));
        g_assert_cmpint(member_int(o, "count"), ==, 0);
        g_assert_cmpstr(member_string(o, "destroyed"), ==, "TypeError: Object has been destroyed");
}


static void test_window_round_trip(void) {
        g_autoptr(JsonObject) create = NULL, show = NULL, loaded = NULL, load_file = NULL,
                              outside = NULL, pong = NULL, failed = NULL, title = NULL, load = NULL,
                              destroy = NULL;
        g_autofree char *url = NULL;
        JsonObject *options;
        gint64 id;
        Exit *e;

        app_start("winapp",
                "const { app, BrowserWindow, ipcMain } = require('electron');\n"
                "app.whenReady().then(async () => {\n"
                "  const win = new BrowserWindow({ width: 300, height: 200, title: 'Hi', show: false,\n"
                "                                  webPreferences: { preload: '/abs/preload.js' } });\n"
                "  win.once('ready-to-show', () => win.show());\n"
                "  ipcMain.on('ping', (event, a, b) => event.sender.send('pong', a + b, event.sender.id));\n"
                "  await win.loadURL('https://example.org/');\n"
                "  win.webContents.send('loaded', win.webContents.getURL());\n"
                "  win.loadFile('../outside.html').catch((e) => win.webContents.send('outside', e.message));\n"
                "  win.webContents.once('did-fail-load', (ev, code, desc, url) => win.webContents.send('failed', code, desc, url));\n"
                "  try { await win.loadFile('sub dir/index.html', { query: { q: 'a b' }, hash: 'top' }); }\n"
                "  catch (e) { win.webContents.send('failed-promise', e.message, e.errno, e.code); }\n"
                "});\n");

        create = wait_message("winapp", "window-create", NULL, 5000);
        id = member_int(create, "id");
        g_assert_cmpint(id, >, 0);
        options = json_object_get_object_member(create, "options");
        g_assert_cmpint(member_int(options, "width"), ==, 300);
        g_assert_cmpint(member_int(options, "height"), ==, 200);
        g_assert_cmpstr(member_string(options, "title"), ==, "Hi");
        g_assert_false(json_object_get_boolean_member(options, "show"));
        g_assert_cmpstr(member_string(options, "preload"), ==, "/abs/preload.js");

        load = wait_message("winapp", "window-load", NULL, 5000);
        g_assert_cmpint(member_int(load, "id"), ==, id);
        g_assert_cmpstr(member_string(load, "url"), ==, "https://example.org/");

        post("winapp", "{\"ev\":\"window-ready\",\"id\":%" G_GINT64_FORMAT "}", id);
        post("winapp", "{\"ev\":\"load\",\"id\":%" G_GINT64_FORMAT ",\"event\":\"started\",\"url\":\"https://example.org/\"}", id);
        post("winapp", "{\"ev\":\"load\",\"id\":%" G_GINT64_FORMAT ",\"event\":\"finished\",\"url\":\"https://example.org/home\"}", id);

        show = wait_message("winapp", "window-show", NULL, 5000);
        g_assert_cmpint(member_int(show, "id"), ==, id);
        loaded = wait_message("winapp", "send", "loaded", 5000);
        g_assert_cmpint(member_int(loaded, "id"), ==, id);
        g_assert_cmpstr(member_string(loaded, "payload"), ==, "[\"https://example.org/home\"]");

        outside = wait_message("winapp", "send", "outside", 5000);
        g_assert_nonnull(strstr(member_string(outside, "payload"), "outside the app folder"));

        load_file = wait_message("winapp", "window-load", NULL, 5000);
        g_assert_cmpstr(member_string(load_file, "url"), ==,
                        "app://winapp/sub%20dir/index.html?q=a+b#top");

        /* A page's IPC reaches ipcMain; event.sender replies to it. */
        post_ipc("winapp", id, "send", 0, "ping", "[2,3]");
        pong = wait_message("winapp", "send", "pong", 5000);
        g_assert_cmpint(member_int(pong, "id"), ==, id);
        url = g_strdup_printf("[5,%" G_GINT64_FORMAT "]", id);
        g_assert_cmpstr(member_string(pong, "payload"), ==, url);

        /* A malformed payload is dropped and logged, the app lives on. */
        post_ipc("winapp", id, "send", 0, "ping", "{not json");
        wait_output("winapp", 2, "malformed payload", 5000);
        post_ipc("winapp", id, "send", 0, "ping", "{\"a\":1}");
        wait_output("winapp", 2, "must be an array", 5000);
        g_assert_cmpint(app_process_post_ipc(process_get("winapp"), id, "send", 0, "ping", "\x09\0", 2), ==, 0);
        wait_output("winapp", 2, "truncated IPC payload", 5000);
        g_assert_false(g_hash_table_contains(exits, "winapp"));

        /* A failed load rejects loadFile()'s promise like Electron does. */
        post("winapp", "{\"ev\":\"load-failed\",\"id\":%" G_GINT64_FORMAT ",\"url\":\"app://winapp/sub%%20dir/index.html\","
                       "\"code\":-6,\"description\":\"ERR_FILE_NOT_FOUND\"}", id);
        failed = wait_message("winapp", "send", "failed-promise", 5000);
        g_assert_cmpstr(member_string(failed, "payload"), ==,
                        "[\"ERR_FILE_NOT_FOUND (-6) loading 'app://winapp/sub%20dir/index.html'\",-6,\"ERR_FILE_NOT_FOUND\"]");
        g_clear_pointer(&failed, json_object_unref);
        failed = wait_message("winapp", "send", "failed", 5000);
        g_assert_cmpstr(member_string(failed, "payload"), ==,
                        "[-6,\"ERR_FILE_NOT_FOUND\",\"app://winapp/sub%20dir/index.html\"]");

        /* A page title becomes the window's title unless prevented. */
        post("winapp", "{\"ev\":\"title\",\"id\":%" G_GINT64_FORMAT ",\"title\":\"Page\"}", id);
        title = wait_message("winapp", "window-set-title", NULL, 5000);
        g_assert_cmpstr(member_string(title, "title"), ==, "Page");

        /* The user closes the window: 'close', then window-destroy. */
        post("winapp", "{\"ev\":\"close-requested\",\"id\":%" G_GINT64_FORMAT "}", id);
        destroy = wait_message("winapp", "window-destroy", NULL, 5000);
        g_assert_cmpint(member_int(destroy, "id"), ==, id);
        /* No window-all-closed listener: Electron's default quits. */
        e = wait_exit("winapp", 5000);
        g_assert_cmpstr(e->reason, ==, "exit");
        g_assert_cmpint(e->code, ==, 0);
}

static void test_closed_event_quits(void) {
        g_autoptr(JsonObject) create = NULL;
        Exit *e;

        app_start("closedapp",
                "const { app, BrowserWindow } = require('electron');\n"
                "app.on('before-quit', () => console.log('before-quit'));\n"
                "app.on('will-quit', () => console.log('will-quit'));\n"
                "app.on('quit', (ev, code) => console.log('quit ' + code));\n"
                "app.whenReady().then(() => {\n"
                "  const w = new BrowserWindow();\n"
                "  w.on('closed', () => console.log('closed'));\n"
                "});\n");
        create = wait_message("closedapp", "window-create", NULL, 5000);
        post("closedapp", "{\"ev\":\"closed\",\"id\":%" G_GINT64_FORMAT "}", member_int(create, "id"));
        e = wait_exit("closedapp", 5000);
        g_assert_cmpstr(e->reason, ==, "exit");
        g_assert_cmpint(e->code, ==, 0);
        g_assert_cmpstr(output_get("closedapp", 1)->str, ==, "closed\nbefore-quit\nwill-quit\nquit 0\n");
}

static void test_kill_spinning(void) {
        g_autoptr(JsonObject) create = NULL, reply = NULL;
        gint64 t0, t1;
        Exit *e;

        app_start("spinner", "console.log('spinning');\nwhile (true) {}\n");
        wait_output("spinner", 1, "spinning", 5000);
        app_start("neighbour",
                "const { app, BrowserWindow, ipcMain } = require('electron');\n"
                "ipcMain.on('echo', (event, ...args) => event.reply('echo-reply', ...args));\n"
                "app.on('will-quit', () => console.log('leaving'));\n"
                "app.whenReady().then(() => new BrowserWindow({ show: false }));\n");

        /* Another app starts and works while one spins. */
        create = wait_message("neighbour", "window-create", NULL, 5000);
        /* Each app numbers its own windows from 1. */
        g_assert_cmpint(member_int(create, "id"), ==, 1);

        t0 = g_get_monotonic_time();
        g_assert_cmpint(app_process_kill(process_get("spinner")), ==, 0);
        e = wait_exit("spinner", 1000);
        t1 = g_get_monotonic_time();
        g_assert_cmpstr(e->reason, ==, "killed");
        g_assert_cmpint(e->code, ==, 137);
        g_test_message("kill of a spinning app: %.1f ms", (t1 - t0) / 1000.0);

        {
                const char *payload = "[\"hi\",{\"n\":1}]";

                post_ipc("neighbour", member_int(create, "id"), "send", 0, "echo", payload);
        }
        reply = wait_message("neighbour", "send", "echo-reply", 5000);
        g_assert_cmpstr(member_string(reply, "payload"), ==, "[\"hi\",{\"n\":1}]");

        /* The daemon's quit behaves as app.quit(). */
        post("neighbour", "{\"ev\":\"quit\"}");
        e = wait_exit("neighbour", 5000);
        g_assert_cmpstr(e->reason, ==, "exit");
        g_assert_cmpint(e->code, ==, 0);
        g_assert_cmpstr(output_get("neighbour", 1)->str, ==, "leaving\n");
}

static void test_oom(void) {
        Exit *e;

        app_start_full("hog", "const keep = [];\n"
                              "for (;;) keep.push(new Array(100000).fill(keep.length));\n",
                       32, NULL);
        e = wait_exit("hog", 20000);
        g_assert_cmpstr(e->reason, ==, "oom");
        g_assert_cmpint(e->code, ==, 134);
}

/* ipcMain and webContents.send with framed payloads; the test plays the
 * daemon and the page. */
static void test_ipc(void) {
        g_autoptr(JsonObject) create = NULL;
        JsonObject *m;
        gint64 id, req = 0;

        app_start("ipcapp",
                "const { app, BrowserWindow, ipcMain } = require('electron');\n"
                "app.whenReady().then(() => {\n"
                "  const win = new BrowserWindow({ show: false });\n"
                "  const wc = win.webContents;\n"
                "  ipcMain.handle('add', (e, a, b) => a + b);\n"
                "  ipcMain.handle('async', async (e, x) => {\n"
                "    await new Promise((r) => setTimeout(r, 10));\n"
                "    return { x, sender: e.sender === wc, frame: e.senderFrame.routingId,\n"
                "             url: typeof e.senderFrame.url, reply: typeof e.reply };\n"
                "  });\n"
                "  ipcMain.handle('fail', () => { throw new Error('boom'); });\n"
                "  ipcMain.handle('reject', () => Promise.reject(new TypeError('nope')));\n"
                "  ipcMain.handle('fn', () => () => 1);\n"
                "  ipcMain.handleOnce('once', () => 'first');\n"
                "  ipcMain.handle('gone', () => 1);\n"
                "  ipcMain.removeHandler('gone');\n"
                "  try { ipcMain.handle('add', () => 0); } catch (e) { console.log('second: ' + e.message); }\n"
                "  ipcMain.handle('which', () => 'ipcMain');\n"
                "  wc.ipc.handle('which', () => 'webContents.ipc');\n"
                "  ipcMain.on('sync', (e, x) => { e.returnValue = x * 2; });\n"
                "  ipcMain.on('sync-bad', (e) => { e.returnValue = Symbol('s'); });\n"
                "  ipcMain.on('order', (e, n) => e.reply('order-back', n));\n"
                "  wc.ipc.on('both', () => console.log('wc.ipc both'));\n"
                "  ipcMain.on('both', (e) => console.log('ipcMain both ' + (e.sender === wc)));\n"
                "  wc.on('ipc-message', (e, ch) => console.log('ipc-message ' + ch));\n"
                "  ipcMain.on('big', (e, n) => {\n"
                "    try { wc.send('big', new Uint8Array(n).fill(1)); }\n"
                "    catch (err) { console.log('big: ' + err.message); }\n"
                "  });\n"
                "  ipcMain.on('bin', (e, u8) => wc.send('bin', u8 instanceof Uint8Array, u8, new Float64Array([1.5])));\n"
                "  try { wc.send('f', () => 1); } catch (e) { console.log('clone: ' + e.message); }\n"
                "  try { wc.send(5); } catch (e) { console.log('channel: ' + e.name); }\n"
                "  wc.send('values', undefined, NaN, -0, 10n, new Date(5), new Map([[1, 2]]));\n"
                "});\n");
        create = wait_message("ipcapp", "window-create", NULL, 5000);
        id = member_int(create, "id");
        wait_output("ipcapp", 1, "second: Attempted to register a second handler for 'add'\n", 5000);
        wait_output("ipcapp", 1, "clone: An object could not be cloned.\n", 5000);
        wait_output("ipcapp", 1, "channel: TypeError\n", 5000);

        m = wait_message("ipcapp", "send", "values", 5000);
        g_assert_cmpstr(member_string(m, "payload"), ==,
                        "[{\"$t\":\"u\"},{\"$t\":\"n\",\"v\":\"NaN\"},{\"$t\":\"n\",\"v\":\"-0\"},"
                        "{\"$t\":\"b\",\"v\":\"10\"},{\"$t\":\"d\",\"v\":5},{\"$t\":\"m\",\"v\":[[1,2]]}]");
        json_object_unref(m);

#define EXPECT_REPLY(op_, ok_, text_)                                                           \
        do {                                                                                    \
                m = wait_message("ipcapp", op_, NULL, 5000);                                    \
                g_assert_cmpint(member_int(m, "id"), ==, id);                                   \
                g_assert_cmpint(member_int(m, "req"), ==, req);                                 \
                g_assert_cmpint(json_object_get_boolean_member(m, "ok"), ==, ok_);              \
                if (ok_)                                                                        \
                        g_assert_cmpstr(member_string(m, "payload"), ==, text_);                \
                else {                                                                          \
                        g_assert_false(json_object_has_member(m, "payload"));                   \
                        g_assert_cmpstr(member_string(m, "error"), ==, text_);                  \
                }                                                                               \
                json_object_unref(m);                                                           \
        } while (0)

        post_ipc("ipcapp", id, "invoke", ++req, "add", "[2,3]");
        EXPECT_REPLY("invoke-reply", TRUE, "[5]");
        post_ipc("ipcapp", id, "invoke", ++req, "async", "[\"q\"]");
        EXPECT_REPLY("invoke-reply", TRUE,
                     "[{\"x\":\"q\",\"sender\":true,\"frame\":1,\"url\":\"string\",\"reply\":\"undefined\"}]");
        post_ipc("ipcapp", id, "invoke", ++req, "fail", "[]");
        EXPECT_REPLY("invoke-reply", FALSE, "Error invoking remote method 'fail': Error: boom");
        wait_output("ipcapp", 2, "Error occurred in handler for 'fail'", 5000);
        post_ipc("ipcapp", id, "invoke", ++req, "reject", "[]");
        EXPECT_REPLY("invoke-reply", FALSE, "Error invoking remote method 'reject': TypeError: nope");
        post_ipc("ipcapp", id, "invoke", ++req, "fn", "[]");
        EXPECT_REPLY("invoke-reply", FALSE,
                     "Error invoking remote method 'fn': DataCloneError: An object could not be cloned.");
        post_ipc("ipcapp", id, "invoke", ++req, "none", "[]");
        EXPECT_REPLY("invoke-reply", FALSE,
                     "Error invoking remote method 'none': Error: No handler registered for 'none'");
        post_ipc("ipcapp", id, "invoke", ++req, "gone", "[]");
        EXPECT_REPLY("invoke-reply", FALSE,
                     "Error invoking remote method 'gone': Error: No handler registered for 'gone'");
        post_ipc("ipcapp", id, "invoke", ++req, "once", "[]");
        EXPECT_REPLY("invoke-reply", TRUE, "[\"first\"]");
        post_ipc("ipcapp", id, "invoke", ++req, "once", "[]");
        EXPECT_REPLY("invoke-reply", FALSE,
                     "Error invoking remote method 'once': Error: No handler registered for 'once'");
        post_ipc("ipcapp", id, "invoke", ++req, "which", "[]");
        EXPECT_REPLY("invoke-reply", TRUE, "[\"webContents.ipc\"]");
        post_ipc("ipcapp", id, "invoke", ++req, "add", "{broken");
        EXPECT_REPLY("invoke-reply", FALSE, "Malformed IPC message on 'add'");

        post_ipc("ipcapp", id, "send-sync", ++req, "sync", "[21]");
        EXPECT_REPLY("send-sync-reply", TRUE, "[42]");
        post_ipc("ipcapp", id, "send-sync", ++req, "nobody-listens", "[]");
        EXPECT_REPLY("send-sync-reply", TRUE, "[{\"$t\":\"u\"}]");
        post_ipc("ipcapp", id, "send-sync", ++req, "sync-bad", "[]");
        EXPECT_REPLY("send-sync-reply", FALSE, "DataCloneError: An object could not be cloned.");
#undef EXPECT_REPLY

        /* Order holds both ways. */
        for (int i = 0; i < 200; i++) {
                g_autofree char *json = g_strdup_printf("[%d]", i);

                post_ipc("ipcapp", id, "send", 0, "order", json);
        }
        for (int i = 0; i < 200; i++) {
                g_autofree char *json = g_strdup_printf("[%d]", i);

                m = wait_message("ipcapp", "send", "order-back", 5000);
                g_assert_cmpstr(member_string(m, "payload"), ==, json);
                json_object_unref(m);
        }

        post_ipc("ipcapp", id, "send", 0, "both", "[]");
        wait_output("ipcapp", 1, "ipc-message both\nwc.ipc both\nipcMain both true\n", 5000);

        /* Binary crosses as bytes, both ways; over 8 MiB is refused. */
        {
                static const guint8 bytes[] = { 1, 2, 3 };
                g_autoptr(GBytes) frame = frame_new("[{\"$t\":\"ta\",\"k\":\"Uint8Array\",\"i\":0}]",
                                                    bytes, sizeof(bytes));
                gsize size;
                const void *data = g_bytes_get_data(frame, &size);
                JsonArray *sizes;

                g_assert_cmpint(app_process_post_ipc(process_get("ipcapp"), id, "send", 0, "bin", data, size), ==, 0);
                m = wait_message("ipcapp", "send", "bin", 5000);
                g_assert_cmpstr(member_string(m, "payload"), ==,
                                "[true,{\"$t\":\"ta\",\"k\":\"Uint8Array\",\"i\":0},"
                                "{\"$t\":\"ta\",\"k\":\"Float64Array\",\"i\":1}]");
                sizes = json_object_get_array_member(m, "buffers");
                g_assert_cmpuint(json_array_get_length(sizes), ==, 2);
                g_assert_cmpint(json_array_get_int_element(sizes, 0), ==, 3);
                g_assert_cmpint(json_array_get_int_element(sizes, 1), ==, 8);
                json_object_unref(m);
        }
        post_ipc("ipcapp", id, "send", 0, "big", "[1048576]");
        m = wait_message("ipcapp", "send", "big", 5000);
        g_assert_cmpint(member_int(m, "bufferSum"), ==, 1048576);
        json_object_unref(m);
        post_ipc("ipcapp", id, "send", 0, "big", "[8388608]");
        wait_output("ipcapp", 1, "big: IPC message of 8388652 bytes is over the limit of 8388608\n", 5000);

        g_assert_false(g_hash_table_contains(exits, "ipcapp"));
        g_assert_cmpint(app_process_kill(process_get("ipcapp")), ==, 0);
        wait_exit("ipcapp", 5000);
}

/* ---- page links: a page's connection served by the app process ------ */

/* The page's end of a new page link for the app's window `window`, as the
 * web process extension holds it. */
static sd_bus *page_link_open(const char *app_id, guint window) {
        sd_bus *bus = NULL;
        int pair[2];

        g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), ==, 0);
        g_assert_cmpint(app_process_open_page_link(process_get(app_id), window, pair[0]), ==, 0);
        close(pair[0]);
        g_assert_cmpint(sd_bus_new(&bus), >=, 0);
        g_assert_cmpint(sd_bus_set_fd(bus, pair[1], pair[1]), >=, 0);
        g_assert_cmpint(sd_bus_set_anonymous(bus, 1), >=, 0);
        g_assert_cmpint(sd_bus_start(bus), >=, 0);
        return bus;
}

/* A call of Host's (channel, args) methods on a page link; returns the
 * error's name (NULL when it succeeded), *ret_text the result frame's JSON
 * text or the error's message. */
static char *page_call(sd_bus *bus, const char *member, const char *channel, const void *data, size_t size,
                       char **ret_text) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL, *reply = NULL;
        const void *out;
        size_t n;
        char *name = NULL;
        int r;

        g_assert_cmpint(sd_bus_message_new_method_call(bus, &m, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, member), >=, 0);
        g_assert_cmpint(sd_bus_message_append(m, "s", channel), >=, 0);
        g_assert_cmpint(sd_bus_message_append_array(m, 'y', data, size), >=, 0);
        r = sd_bus_call(bus, m, 10 * G_USEC_PER_SEC, &error, &reply);
        if (r < 0) {
                name = g_strdup(error.name ? error.name : g_strerror(-r));
                *ret_text = g_strdup(error.message ? error.message : "");
        } else if (g_str_equal(member, "Send")) {
                *ret_text = NULL;
        } else {
                g_assert_cmpint(sd_bus_message_read_array(reply, 'y', &out, &n), >=, 0);
                g_assert_cmpuint(n, >=, 4);
                *ret_text = g_strndup((const char *) out + 4, frame_u32(out));
        }
        sd_bus_error_free(&error);
        sd_bus_message_unref(m);
        sd_bus_message_unref(reply);
        return name;
}

/* As page_call, with args framed from JSON text; checks the outcome. */
static void page_call_expect(sd_bus *bus, const char *member, const char *channel, const char *json,
                             const char *want_error, const char *want_text) {
        g_autoptr(GBytes) frame = frame_new(json, NULL, 0);
        g_autofree char *text = NULL;
        g_autofree char *name = page_call(bus, member, channel, g_bytes_get_data(frame, NULL),
                                          g_bytes_get_size(frame), &text);

        g_assert_cmpstr(name, ==, want_error);
        g_assert_cmpstr(text, ==, want_text);
}

static int page_message_cb(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        GPtrArray *got = userdata;
        const char *channel;
        const void *data;
        size_t size;

        g_assert_cmpint(sd_bus_message_read(m, "s", &channel), >=, 0);
        g_assert_cmpint(sd_bus_message_read_array(m, 'y', &data, &size), >=, 0);
        g_ptr_array_add(got, g_strdup_printf("%s %.*s", channel, (int) frame_u32(data), (const char *) data + 4));
        return 0;
}

/* Runs the page's link and this test's loop for `ms`, or until `got` has
 * `n` messages. */
static void page_pump(sd_bus *bus, GPtrArray *got, guint n, guint ms) {
        gint64 until = g_get_monotonic_time() + ms * 1000;

        while (g_get_monotonic_time() < until && (!got || got->len < n)) {
                while (sd_bus_process(bus, NULL) > 0)
                        ;
                g_main_context_iteration(NULL, FALSE);
                (void) sd_bus_wait(bus, 10 * 1000);
        }
}

static int page_invoke_done_cb(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        int *counts = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(m);

        counts[!e ? 0 : g_str_equal(e->name, APPD_ERROR_TOO_MANY) ? 1 : 2]++;
        return 0;
}

/* Whether a call on the link fails because the app closed it. */
static gboolean page_link_closed(sd_bus *bus) {
        g_autofree char *text = NULL;
        g_autofree char *name = page_call(bus, "Send", "x", "", 0, &text);

        if (!name)
                return FALSE;
        g_assert_cmpstr(name, !=, SD_BUS_ERROR_UNKNOWN_METHOD);
        return TRUE;
}

static void test_page_link(void) {
        static const char *const page_members[] = { "Attach", "Message", "Invoke", "SendSync", "Send", NULL };
        g_autoptr(JsonObject) create = NULL, fence = NULL, linked = NULL, unlinked = NULL;
        g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GBytes) big = NULL, slow = NULL;
        sd_bus *links[5], *bus, *stranger;
        char channel[301];
        int counts[3] = { 0 };
        gint64 id;

        app_start("linkapp",
                "const { app, BrowserWindow, ipcMain } = require('electron');\n"
                "app.whenReady().then(() => {\n"
                "  const win = new BrowserWindow({ show: false });\n"
                "  const wc = win.webContents;\n"
                "  ipcMain.handle('add', (e, a, b) => a + b);\n"
                "  ipcMain.handle('fail', () => { throw new Error('boom'); });\n"
                "  ipcMain.on('sync', (e, x) => { e.returnValue = x * 2; });\n"
                "  ipcMain.on('hello', (e, x) => console.log(`hello ${x} ${e.sender === wc}`));\n"
                "  ipcMain.on('ping', (e, n) => e.reply('pong', n));\n"
                "  const held = [];\n"
                "  ipcMain.handle('slow', () => new Promise((resolve) => held.push(resolve)));\n"
                "  ipcMain.on('release', () => { for (const r of held.splice(0)) r('late'); });\n"
                "});\n");
        create = wait_message("linkapp", "window-create", NULL, 5000);
        id = member_int(create, "id");
        bus = page_link_open("linkapp", id);

        /* The link serves Host's page part, as the XML says. */
        {
                sd_bus_error error = SD_BUS_ERROR_NULL;
                sd_bus_message *reply = NULL;
                const char *xml;

                g_assert_cmpint(sd_bus_call_method(bus, NULL, APPD_HOST_PATH, "org.freedesktop.DBus.Introspectable",
                                                   "Introspect", &error, &reply, ""), >=, 0);
                g_assert_cmpint(sd_bus_message_read(reply, "s", &xml), >=, 0);
                harness_assert_contract_members_xml(xml, APPD_HOST_IFACE, page_members);
                sd_bus_message_unref(reply);
        }

        page_call_expect(bus, "Invoke", "add", "[2,3]", NULL, "[5]");
        page_call_expect(bus, "Invoke", "fail", "[]", APPD_ERROR_HANDLER_FAILED,
                         "Error invoking remote method 'fail': Error: boom");
        page_call_expect(bus, "Invoke", "none", "[]", APPD_ERROR_HANDLER_FAILED,
                         "Error invoking remote method 'none': Error: No handler registered for 'none'");
        page_call_expect(bus, "Invoke", "add", "{broken", APPD_ERROR_HANDLER_FAILED,
                         "Malformed IPC message on 'add'");
        page_call_expect(bus, "SendSync", "sync", "[21]", NULL, "[42]");
        page_call_expect(bus, "Send", "hello", "[\"there\"]", NULL, NULL);
        wait_output("linkapp", 1, "hello there true\n", 5000);

        /* What appd refused on the renderer's link is refused here. */
        page_call_expect(bus, "Send", "", "[]", SD_BUS_ERROR_INVALID_ARGS, "IPC channel names must be 1 to 256 bytes");
        memset(channel, 'c', 300);
        channel[300] = '\0';
        page_call_expect(bus, "Invoke", channel, "[]", SD_BUS_ERROR_INVALID_ARGS,
                         "IPC channel names must be 1 to 256 bytes");
        big = g_bytes_new_take(g_malloc0(APPD_IPC_MAX_PAYLOAD + 1), APPD_IPC_MAX_PAYLOAD + 1);
        {
                g_autofree char *text = NULL;
                g_autofree char *name = page_call(bus, "Invoke", "add", g_bytes_get_data(big, NULL),
                                                  g_bytes_get_size(big), &text);

                g_assert_cmpstr(name, ==, APPD_ERROR_TOO_LARGE);
                g_assert_cmpstr(text, ==, "IPC message of 8388609 bytes is over the limit of 8388608");
        }

        /* More waiting invokes than a window may have: frames of 1048584
         * bytes each cost 1049100 against 256 MiB, so 255 wait and the
         * rest are refused; the app answers them all once released. */
        {
                GString *json = g_string_new("[\"");

                for (int i = 0; i < 1024 * 1024; i++)
                        g_string_append_c(json, 'x');
                g_string_append(json, "\"]");
                slow = frame_new(json->str, NULL, 0);
                g_string_free(json, TRUE);
        }
        for (int i = 0; i < 300; i++) {
                sd_bus_message *m = NULL;

                g_assert_cmpint(sd_bus_message_new_method_call(bus, &m, NULL, APPD_HOST_PATH, APPD_HOST_IFACE,
                                                               "Invoke"), >=, 0);
                g_assert_cmpint(sd_bus_message_append(m, "s", "slow"), >=, 0);
                g_assert_cmpint(sd_bus_message_append_array(m, 'y', g_bytes_get_data(slow, NULL),
                                                            g_bytes_get_size(slow)), >=, 0);
                g_assert_cmpint(sd_bus_call_async(bus, NULL, m, page_invoke_done_cb, counts, 60 * G_USEC_PER_SEC),
                                >=, 0);
                sd_bus_message_unref(m);
        }
        /* Taken after every invoke above: one link, in order. */
        page_call_expect(bus, "Send", "release", "[]", NULL, NULL);
        while (counts[0] + counts[1] + counts[2] < 300)
                page_pump(bus, NULL, 0, 100);
        g_assert_cmpint(counts[0], ==, 255);
        g_assert_cmpint(counts[1], ==, 45);
        g_assert_cmpint(counts[2], ==, 0);

        /* Attach: what the app sends the page waits until the page echoes
         * the fence that came through appd, then comes on the link in
         * order, invoke answers too; appd hears the page is linked. */
        g_assert_cmpint(sd_bus_match_signal(bus, NULL, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, "Message",
                                            page_message_cb, got), >=, 0);
        g_assert_cmpint(sd_bus_call_method(bus, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, "Attach", NULL, NULL, ""),
                        >=, 0);
        page_call_expect(bus, "Send", "ping", "[1]", NULL, NULL);
        fence = wait_message("linkapp", "send", APPD_PAGE_FENCE_CHANNEL, 5000);
        page_pump(bus, got, 1, 300);
        g_assert_cmpuint(got->len, ==, 0);
        page_call_expect(bus, "Send", APPD_PAGE_FENCE_CHANNEL, "[12345]", NULL, NULL);
        page_pump(bus, got, 1, 300);
        g_assert_cmpuint(got->len, ==, 0);
        assert_no_message("linkapp", "page-linked");
        page_call_expect(bus, "Send", APPD_PAGE_FENCE_CHANNEL, member_string(fence, "payload"), NULL, NULL);
        page_pump(bus, got, 1, 5000);
        g_assert_cmpuint(got->len, ==, 1);
        g_assert_cmpstr(got->pdata[0], ==, "pong [1]");
        linked = wait_message("linkapp", "page-linked", NULL, 5000);
        g_assert_cmpint(member_int(linked, "id"), ==, id);
        g_assert_true(json_object_get_boolean_member(linked, "linked"));
        /* From now on straight on the link, not through appd. */
        page_call_expect(bus, "Send", "ping", "[2]", NULL, NULL);
        page_pump(bus, got, 2, 5000);
        g_assert_cmpstr(got->pdata[1], ==, "pong [2]");
        assert_no_message("linkapp", "send");

        /* A window the app does not have gets no link. */
        stranger = page_link_open("linkapp", id + 41);
        g_assert_true(page_link_closed(stranger));
        sd_bus_flush_close_unref(stranger);

        /* At most four per window: a fifth closes the oldest, which was
         * the page's; appd hears it is no longer linked. */
        links[0] = bus;
        for (int i = 1; i < 5; i++)
                links[i] = page_link_open("linkapp", id);
        page_call_expect(links[4], "Invoke", "add", "[1,1]", NULL, "[2]");
        g_assert_true(page_link_closed(links[0]));
        unlinked = wait_message("linkapp", "page-linked", NULL, 5000);
        g_assert_false(json_object_get_boolean_member(unlinked, "linked"));
        /* ClosePageLinks: the renderer went, its links with it. */
        g_assert_cmpint(app_process_close_page_links(process_get("linkapp"), id), ==, 0);
        for (int i = 1; i < 5; i++) {
                g_assert_true(page_link_closed(links[i]));
                sd_bus_flush_close_unref(links[i]);
        }
        sd_bus_flush_close_unref(links[0]);

        g_assert_false(g_hash_table_contains(exits, "linkapp"));
        g_assert_cmpint(app_process_kill(process_get("linkapp")), ==, 0);
        wait_exit("linkapp", 5000);
}

/* Gives up CAP_SYS_PTRACE for good: from the effective, permitted and
 * bounding sets, so what this process starts has it neither, even as
 * root.  False when that cannot be done. */
static gboolean ptrace_capability_drop(void) {
        struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
        struct __user_cap_data_struct data[2];
        const unsigned word = CAP_SYS_PTRACE / 32, bit = 1u << (CAP_SYS_PTRACE % 32);

        if (syscall(SYS_capget, &header, data) < 0)
                return FALSE;
        if ((data[word].permitted & bit) && prctl(PR_CAPBSET_DROP, CAP_SYS_PTRACE) < 0)
                return FALSE;
        data[word].effective &= ~bit;
        data[word].permitted &= ~bit;
        data[word].inheritable &= ~bit;
        return syscall(SYS_capset, &header, data) == 0;
}

/* Runs in a child of the test, as the prober: without CAP_SYS_PTRACE,
 * which would let it into any process.  It starts an app process (a
 * spare: Node set up, waiting for its app) and, as the control, a plain
 * child, both its own with its own user and capabilities, so only the app
 * process's choice tells them apart; then opens each one's /proc/PID/mem. */
static G_NORETURN void prober_run(void) {
        pid_t app, control;
        int sv[2], app_errno, control_errno, result;
        char path[64];

        if (!ptrace_capability_drop())
                _exit(100);
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
                _exit(101);
        app = fork();
        if (app == 0) {
                char fd[32];
                char *const envp[] = { fd, NULL };

                /* Nothing that allocates: this is a fork of a threaded
                 * process. */
                snprintf(fd, sizeof(fd), APPD_RENDERER_FD_ENV "=%d", sv[1]);
                execle(APP_PROGRAM, APP_PROGRAM, "--spare", (char *) NULL, envp);
                _exit(102);
        }
        control = fork();
        if (control == 0) {
                pause();
                _exit(0);
        }
        /* The app process makes itself private before it speaks on its
         * link: its first bytes (the D-Bus handshake) say it has. */
        close(sv[1]);
        if (read(sv[0], path, 1) != 1) {
                kill(control, SIGKILL);
                _exit(103);
        }
        snprintf(path, sizeof(path), "/proc/%d/mem", (int) app);
        app_errno = open(path, O_RDONLY | O_CLOEXEC) < 0 ? errno : 0;
        snprintf(path, sizeof(path), "/proc/%d/mem", (int) control);
        control_errno = open(path, O_RDONLY | O_CLOEXEC) < 0 ? errno : 0;
        result = (app_errno ? 1 : 0) << 1 | (control_errno ? 1 : 0);
        kill(app, SIGKILL);
        kill(control, SIGKILL);
        _exit(result);
}

/* A native addon that is not context-aware (NODE_MODULE, as most of npm's
 * are) loads and works in two apps at once, each with its own copy of the
 * addon's process-wide state.  In Workers of one process the second load
 * fails ("Module did not self-register") and state would be shared. */
static void test_legacy_addon(void) {
        static const char main_js[] =
                "const addon = require(" G_STRINGIFY(LEGACY_ADDON) ");\n"
                "console.log(addon.hello(), addon.hello() && addon.calls());\n"
                "setInterval(() => {}, 1000);\n";

        app_start("addon-a", main_js);
        wait_output("addon-a", 1, "\n", 10000);
        app_start("addon-b", main_js);
        wait_output("addon-b", 1, "\n", 10000);
        g_assert_false(g_hash_table_contains(exits, "addon-a"));
        g_assert_false(g_hash_table_contains(exits, "addon-b"));
        g_assert_cmpstr(output_get("addon-a", 1)->str, ==, "hello from a legacy addon 2\n");
        g_assert_cmpstr(output_get("addon-b", 1)->str, ==, "hello from a legacy addon 2\n");
        for (const char *const *id = (const char *const[]) { "addon-a", "addon-b", NULL }; *id; id++) {
                g_assert_cmpint(app_process_kill(process_get(*id)), ==, 0);
                g_assert_cmpstr(wait_exit(*id, 5000)->reason, ==, "killed");
        }
}

/* An app process refuses other processes of its user its memory:
 * /proc/PID/mem (how one app could read another's secrets) does not
 * open, where it does for a process that has not refused it. */
static void test_memory_private(void) {
        pid_t prober = fork();
        int status;

        g_assert_cmpint(prober, >=, 0);
        if (prober == 0)
                prober_run();
        g_assert_cmpint(waitpid(prober, &status, 0), ==, prober);
        g_assert_true(WIFEXITED(status));
        /* 1 << 1: the app process refused; 0: the control opened. */
        g_assert_cmpint(WEXITSTATUS(status), ==, 1 << 1);
}

static void test_errors(void) {
        AppProcessSpec spec = { .app_id = "rel", .app_dir = "relative", .main_path = "relative/main.js" };
        AppProcess *p = NULL;
        Exit *e;

        g_assert_cmpint(app_process_start(APP_PROGRAM, &spec, &callbacks, NULL, &p), ==, -EINVAL);
        g_assert_null(p);

        /* A program that cannot run: the spawn fails, no process is left. */
        {
                g_autofree char *dir = app_write("noprog", "");
                g_autofree char *main_path = g_build_filename(dir, "main.js", NULL);
                AppProcessSpec none = { .app_id = "noprog", .app_dir = dir, .main_path = main_path };

                g_test_expect_message("appd", G_LOG_LEVEL_WARNING, "Failed to start /nonexistent/*");
                g_assert_cmpint(app_process_start("/nonexistent/appd-app", &none, &callbacks,
                                                  NULL, &p), <, 0);
                g_test_assert_expected_messages();
        }

        /* Signals from elsewhere: named in the report. */
        app_start("sigsegv", "console.log('up');\nsetInterval(() => {}, 1000);\n");
        wait_output("sigsegv", 1, "up", 5000);
        kill(app_process_get_pid(process_get("sigsegv")), SIGSEGV);
        e = wait_exit("sigsegv", 5000);
        g_assert_cmpstr(e->reason, ==, "crashed");
        g_assert_cmpint(e->code, ==, 128 + SIGSEGV);
        g_assert_nonnull(strstr(e->message, "SIGSEGV"));

        app_start("sigterm", "console.log('up');\nsetInterval(() => {}, 1000);\n");
        wait_output("sigterm", 1, "up", 5000);
        kill(app_process_get_pid(process_get("sigterm")), SIGTERM);
        e = wait_exit("sigterm", 5000);
        g_assert_cmpstr(e->reason, ==, "killed");
        g_assert_cmpint(e->code, ==, 128 + SIGTERM);

}

/* ---- BrowserWindow and webContents without a renderer ------------------
 *
 * A probe app evaluates code sent to it on the IPC channel 'do' in its main
 * script's scope and prints "=> <JSON result>"; the events it listens to
 * are printed as "ev <name> ...".  The test plays the daemon. */

#define PROBE_PRELUDE \
        "const { app, BrowserWindow, ipcMain, webContents } = require('electron');\n" \
        "const log = (...a) => console.log('ev ' + a.join(' '));\n" \
        "app.on('window-all-closed', () => log('window-all-closed'));\n" \
        "ipcMain.on('do', async (event, code) => {\n" \
        "  let line;\n" \
        "  try {\n" \
        "    let v = eval(code);\n" \
        "    if (v && typeof v.then === 'function') v = await v;\n" \
        "    line = JSON.stringify(v === undefined ? null : v);\n" \
        "  } catch (err) { line = JSON.stringify({ error: `${err.name}: ${err.message}` }); }\n" \
        "  console.log('=> ' + line);\n" \
        "});\n" \
        "const listen = (emitter, names) => { for (const n of names) emitter.on(n, () => log(n)); };\n"

static gsize probe_send(const char *app_id, gint64 window_id, const char *code) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        g_autoptr(JsonNode) root = NULL;
        g_autofree char *payload = NULL;
        gsize start = output_get(app_id, 1)->len;

        json_builder_begin_array(b);
        json_builder_add_string_value(b, code);
        json_builder_end_array(b);
        root = json_builder_get_root(b);
        payload = json_to_string(root, FALSE);
        post_ipc(app_id, window_id, "send", 0, "do", payload);
        return start;
}

typedef struct {
        const char *app_id;
        gsize start;
        const char *text;
} AfterQuery;

static const char *result_line(const AfterQuery *q) {
        const char *out = output_get(q->app_id, 1)->str + q->start;
        const char *p = g_str_has_prefix(out, "=> ") ? out : strstr(out, "\n=> ");

        if (!p)
                return NULL;
        if (*p == '\n')
                p++;
        return strchr(p, '\n') ? p + 3 : NULL;
}

static gboolean has_result(gconstpointer data) {
        return result_line(data) != NULL;
}

/* The JSON text of the result of the probe sent at `start`. */
static char *probe_wait(const char *app_id, gsize start) {
        AfterQuery q = { app_id, start, NULL };
        const char *line;

        if (!iterate_until(has_result, &q, 5000))
                g_error("%s gave no result (output '%s')", app_id, output_get(app_id, 1)->str + start);
        line = result_line(&q);
        return g_strndup(line, strchr(line, '\n') - line);
}

static char *probe(const char *app_id, gint64 window_id, const char *code) {
        return probe_wait(app_id, probe_send(app_id, window_id, code));
}

static void assert_result(const char *app_id, gsize start, const char *expected) {
        g_autofree char *got = probe_wait(app_id, start);

        g_assert_cmpstr(got, ==, expected);
}

static void assert_probe(const char *app_id, gint64 window_id, const char *code, const char *expected) {
        g_autofree char *got = probe(app_id, window_id, code);

        if (!g_str_equal(got, expected))
                g_error("%s: got %s, expected %s", code, got, expected);
}

static gboolean has_output_after(gconstpointer data) {
        const AfterQuery *q = data;

        return strstr(output_get(q->app_id, 1)->str + q->start, q->text) != NULL;
}

/* Waits for `last` in the app's stdout after `start`, then checks that the
 * event lines printed since are exactly `expected`. */
static void assert_events(const char *app_id, gsize start, const char *last, const char *expected) {
        AfterQuery q = { app_id, start, last };
        g_autoptr(GString) events = g_string_new(NULL);
        g_auto(GStrv) lines = NULL;

        if (!iterate_until(has_output_after, &q, 5000))
                g_error("%s: no '%s' (output '%s')", app_id, last, output_get(app_id, 1)->str + start);
        lines = g_strsplit(output_get(app_id, 1)->str + start, "\n", -1);
        for (char **l = lines; *l; l++)
                if (g_str_has_prefix(*l, "ev "))
                        g_string_append_printf(events, "%s\n", *l + 3);
        g_assert_cmpstr(events->str, ==, expected);
}

static gsize output_mark(const char *app_id) {
        return output_get(app_id, 1)->len;
}

static void test_window_options(void) {
        g_autoptr(JsonObject) parent = NULL, child = NULL, plain = NULL, destroy = NULL;
        JsonObject *o;
        gint64 pid;
        g_autofree char *icon = NULL;

        app_start("bwopts", PROBE_PRELUDE
                "let parent, child, plain;\n"
                "app.whenReady().then(() => {\n"
                "  parent = new BrowserWindow({ x: 10, y: 20, width: 640, height: 480, title: 'P',\n"
                "    minWidth: 300, minHeight: 200, maxWidth: 1000, maxHeight: 900, resizable: false,\n"
                "    alwaysOnTop: true, skipTaskbar: true, backgroundColor: '#80aabbcc', icon: 'icons/app.png',\n"
                "    closable: true, movable: false, frame: false, fullscreen: false });\n"
                "  child = new BrowserWindow({ parent, modal: true, show: false, width: 100, height: 50,\n"
                "    webPreferences: { zoomFactor: 1.5, devTools: false } });\n"
                "  plain = new BrowserWindow({ width: 5000, maxWidth: 0, y: 7 });\n"
                "  parent.on('closed', () => log('parent closed'));\n"
                "  child.on('closed', () => log('child closed'));\n"
                "});\n");
        parent = wait_message("bwopts", "window-create", NULL, 5000);
        pid = member_int(parent, "id");
        o = json_object_get_object_member(parent, "options");
        g_assert_cmpint(member_int(o, "x"), ==, 10);
        g_assert_cmpint(member_int(o, "y"), ==, 20);
        g_assert_cmpint(member_int(o, "width"), ==, 640);
        g_assert_cmpint(member_int(o, "minWidth"), ==, 300);
        g_assert_cmpint(member_int(o, "maxHeight"), ==, 900);
        g_assert_false(json_object_get_boolean_member(o, "resizable"));
        g_assert_false(json_object_get_boolean_member(o, "center"));
        g_assert_false(json_object_get_boolean_member(o, "frame"));
        g_assert_true(json_object_get_boolean_member(o, "alwaysOnTop"));
        g_assert_true(json_object_get_boolean_member(o, "skipTaskbar"));
        /* Electron's #AARRGGBB becomes CSS for the renderer. */
        g_assert_cmpstr(member_string(o, "backgroundColor"), ==, "rgba(170,187,204,0.502)");
        g_assert_cmpint(member_int(o, "parent"), ==, 0);
        g_assert_false(json_object_has_member(o, "stateKey"));
        icon = g_strdup(member_string(o, "icon"));
        g_assert_true(g_path_is_absolute(icon));
        g_assert_true(g_str_has_suffix(icon, "/icons/app.png"));

        child = wait_message("bwopts", "window-create", NULL, 5000);
        o = json_object_get_object_member(child, "options");
        g_assert_cmpint(member_int(o, "parent"), ==, pid);
        g_assert_true(json_object_get_boolean_member(o, "modal"));
        g_assert_false(json_object_get_boolean_member(o, "show"));
        /* No position: Electron centres the window. */
        g_assert_true(json_object_get_boolean_member(o, "center"));
        g_assert_false(json_object_get_boolean_member(
                json_object_get_object_member(o, "webPreferences"), "devTools"));
        {
                g_autoptr(JsonObject) zoom = wait_call("bwopts", "set-zoom-factor");

                g_assert_cmpint(member_int(zoom, "id"), ==, member_int(child, "id"));
                g_assert_cmpstr(member_string(zoom, "args"), ==, "[1.5]");
        }

        plain = wait_message("bwopts", "window-create", NULL, 5000);
        o = json_object_get_object_member(plain, "options");
        /* y alone is no position. */
        g_assert_false(json_object_has_member(o, "x"));
        g_assert_false(json_object_has_member(o, "y"));
        g_assert_cmpint(member_int(o, "width"), ==, 5000);

        assert_probe("bwopts", pid, "parent.getBounds()", "{\"x\":10,\"y\":20,\"width\":640,\"height\":480}");
        assert_probe("bwopts", pid, "[parent.getMinimumSize(), parent.getMaximumSize(), plain.getMaximumSize()]",
                     "[[300,200],[1000,900],[0,0]]");
        assert_probe("bwopts", pid,
                     "[parent.isResizable(), parent.isMovable(), parent.isClosable(), parent.isAlwaysOnTop(),"
                     " parent.isMaximizable(), parent.isVisible(), child.isVisible(), parent.getTitle()]",
                     "[false,false,true,true,true,true,false,\"P\"]");
        assert_probe("bwopts", pid, "[parent.getBackgroundColor(), plain.getBackgroundColor()]",
                     "[\"#AABBCC\",\"#FFFFFF\"]");
        assert_probe("bwopts", pid,
                     "[child.isModal(), parent.isModal(), child.getParentWindow() === parent,"
                     " parent.getChildWindows().length, plain.getParentWindow()]",
                     "[true,false,true,1,null]");
        assert_probe("bwopts", pid, "[child.webContents.getZoomFactor(), parent.webContents.getZoomLevel()]",
                     "[1.5,0]");
        /* devTools: false: openDevTools does nothing. */
        assert_probe("bwopts", pid, "child.webContents.openDevTools()", "null");
        {
                MessageQuery q = { "bwopts", "wc-call", NULL, "open-dev-tools" };

                g_assert_cmpint(message_find(&q), <, 0);
        }
        /* Limits apply to the size at once. */
        assert_probe("bwopts", pid, "parent.setSize(100, 5000), parent.getSize()", "[300,900]");
        {
                g_autoptr(JsonObject) bounds = wait_message("bwopts", "window-set-bounds", NULL, 5000);

                g_assert_cmpint(member_int(bounds, "width"), ==, 300);
                g_assert_cmpint(member_int(bounds, "height"), ==, 900);
                g_assert_false(json_object_has_member(bounds, "x"));
        }
        assert_probe("bwopts", pid, "plain.setParentWindow(parent), parent.getChildWindows().length", "2");
        /* Closing a parent closes its children first, then the parent. */
        {
                gsize start = output_mark("bwopts");

                assert_probe("bwopts", pid, "parent.close(), BrowserWindow.getAllWindows().length", "0");
                assert_events("bwopts", start, "ev window-all-closed",
                              "child closed\nparent closed\nwindow-all-closed\n");
        }
        g_assert_cmpint(app_process_kill(process_get("bwopts")), ==, 0);
        wait_exit("bwopts", 5000);
}

static void test_window_state_events(void) {
        g_autoptr(JsonObject) create = NULL, create2 = NULL, bounds = NULL, hide = NULL, state = NULL;
        gint64 id, id2;
        gsize start;

        app_start("bwstate", PROBE_PRELUDE
                "let win, other;\n"
                "app.on('browser-window-focus', (e, w) => log('app focus', w.id === win.id));\n"
                "app.whenReady().then(() => {\n"
                "  win = new BrowserWindow({ x: 0, y: 0, width: 300, height: 200 });\n"
                "  other = new BrowserWindow({ show: false });\n"
                "  listen(win, ['resize', 'move', 'show', 'hide', 'focus', 'blur', 'maximize', 'unmaximize',\n"
                "    'minimize', 'restore', 'enter-full-screen', 'leave-full-screen']);\n"
                "  win.on('always-on-top-changed', (e, on) => log('always-on-top-changed', on));\n"
                "});\n");
        create = wait_message("bwstate", "window-create", NULL, 5000);
        id = member_int(create, "id");
        create2 = wait_message("bwstate", "window-create", NULL, 5000);
        id2 = member_int(create2, "id");

        /* A size and position report: 'resize' then 'move'. */
        start = output_mark("bwstate");
        post("bwstate", "{\"ev\":\"window-state\",\"id\":%" G_GINT64_FORMAT ",\"state\":"
                        "{\"x\":5,\"y\":6,\"width\":400,\"height\":300}}", id);
        assert_events("bwstate", start, "ev move", "resize\nmove\n");
        assert_probe("bwstate", id, "win.getBounds()", "{\"x\":5,\"y\":6,\"width\":400,\"height\":300}");

        /* Setters answer at once; events wait for the window. */
        start = output_mark("bwstate");
        assert_probe("bwstate", id, "win.setBounds({ x: 1, y: 2, width: 320.4, height: 240 }), win.getBounds()",
                     "{\"x\":1,\"y\":2,\"width\":320,\"height\":240}");
        bounds = wait_message("bwstate", "window-set-bounds", NULL, 5000);
        g_assert_cmpint(member_int(bounds, "x"), ==, 1);
        g_assert_cmpint(member_int(bounds, "width"), ==, 320);
        assert_probe("bwstate", id, "win.setPosition(7, 8), [win.getPosition(), win.getSize(), win.getContentSize()]",
                     "[[7,8],[320,240],[320,240]]");
        post("bwstate", "{\"ev\":\"window-state\",\"id\":%" G_GINT64_FORMAT ",\"state\":"
                        "{\"x\":7,\"y\":8,\"width\":320,\"height\":240}}", id);
        assert_events("bwstate", start, "ev move", "resize\nmove\n");

        /* Focus, maximize, minimize, full screen come from reports. */
        start = output_mark("bwstate");
        assert_probe("bwstate", id, "win.focus(), [win.isFocused(), BrowserWindow.getFocusedWindow()]", "[false,null]");
        state = wait_message("bwstate", "window-set-state", NULL, 5000);
        g_assert_cmpstr(member_string(state, "state"), ==, "focus");
        post("bwstate", "{\"ev\":\"window-state\",\"id\":%" G_GINT64_FORMAT ",\"state\":{\"focused\":true}}", id);
        post("bwstate", "{\"ev\":\"window-state\",\"id\":%" G_GINT64_FORMAT ",\"state\":{\"maximized\":true,"
                        "\"width\":1000,\"height\":700}}", id);
        post("bwstate", "{\"ev\":\"window-state\",\"id\":%" G_GINT64_FORMAT ",\"state\":{\"minimized\":true}}", id);
        post("bwstate", "{\"ev\":\"window-state\",\"id\":%" G_GINT64_FORMAT ",\"state\":{\"minimized\":false}}", id);
        post("bwstate", "{\"ev\":\"window-state\",\"id\":%" G_GINT64_FORMAT ",\"state\":{\"maximized\":false,"
                        "\"width\":320,\"height\":240}}", id);
        post("bwstate", "{\"ev\":\"window-state\",\"id\":%" G_GINT64_FORMAT ",\"state\":{\"fullscreen\":true}}", id);
        post("bwstate", "{\"ev\":\"window-state\",\"id\":%" G_GINT64_FORMAT ",\"state\":{\"fullscreen\":true}}", id);
        post("bwstate", "{\"ev\":\"window-state\",\"id\":%" G_GINT64_FORMAT ",\"state\":{\"focused\":false}}", id);
        assert_events("bwstate", start, "ev blur",
                      "focus\napp focus true\nmaximize\nresize\nminimize\nrestore\nunmaximize\nresize\n"
                      "enter-full-screen\nblur\n");
        assert_probe("bwstate", id, "[win.isFullScreen(), win.isMaximized(), win.isMinimized(), win.isNormal()]",
                     "[true,false,false,false]");
        post("bwstate", "{\"ev\":\"window-state\",\"id\":%" G_GINT64_FORMAT ",\"state\":{\"focused\":true}}", id2);
        assert_probe("bwstate", id, "BrowserWindow.getFocusedWindow() === other", "true");

        /* show/hide emit from the call, once per change; a late report of
         * the old visibility does not undo it; a change the window manager
         * makes is reported. */
        start = output_mark("bwstate");
        assert_probe("bwstate", id, "win.hide(), win.hide(), win.isVisible()", "false");
        hide = wait_message("bwstate", "window-hide", NULL, 5000);
        post("bwstate", "{\"ev\":\"window-state\",\"id\":%" G_GINT64_FORMAT ",\"state\":{\"visible\":true}}", id);
        assert_probe("bwstate", id, "win.isVisible()", "false");
        post("bwstate", "{\"ev\":\"window-state\",\"id\":%" G_GINT64_FORMAT ",\"state\":{\"visible\":false}}", id);
        post("bwstate", "{\"ev\":\"window-state\",\"id\":%" G_GINT64_FORMAT ",\"state\":{\"visible\":true}}", id);
        assert_events("bwstate", start, "ev show", "hide\nshow\n");
        assert_probe("bwstate", id, "win.isVisible()", "true");

        start = output_mark("bwstate");
        assert_probe("bwstate", id, "win.setAlwaysOnTop(true), win.setAlwaysOnTop(true), win.isAlwaysOnTop()", "true");
        assert_events("bwstate", start, "=> ", "always-on-top-changed true\n");
        {
                g_autoptr(JsonObject) set = wait_message("bwstate", "window-set-options", NULL, 5000);
                JsonObject *o = json_object_get_object_member(set, "options");

                g_assert_true(json_object_get_boolean_member(o, "alwaysOnTop"));
        }
        assert_probe("bwstate", id, "win.setProgressBar(0.5), win.flashFrame(true), win.setBackgroundColor('rgb(1, 2, 3)'),"
                     " win.getBackgroundColor()", "\"#010203\"");
        {
                g_autoptr(JsonObject) p = wait_message("bwstate", "window-set-options", NULL, 5000);
                g_autoptr(JsonObject) u = wait_message("bwstate", "window-set-options", NULL, 5000);
                g_autoptr(JsonObject) c = wait_message("bwstate", "window-set-options", NULL, 5000);

                g_assert_cmpfloat(json_object_get_double_member(json_object_get_object_member(p, "options"), "progress"), ==, 0.5);
                g_assert_true(json_object_get_boolean_member(json_object_get_object_member(u, "options"), "urgent"));
                g_assert_cmpstr(member_string(json_object_get_object_member(c, "options"), "backgroundColor"), ==, "rgba(1,2,3,1)");
        }

        /* Bad arguments fail as Electron's do. */
        assert_probe("bwstate", id, "win.setSize('x', 1)",
                     "{\"error\":\"TypeError: Error processing argument at index 0, conversion failure from x\"}");
        assert_probe("bwstate", id, "win.setBounds('x')",
                     "{\"error\":\"TypeError: Error processing argument at index 0, conversion failure from x\"}");
        assert_probe("bwstate", id, "win.setPosition(1, {})",
                     "{\"error\":\"TypeError: Error processing argument at index 1, conversion failure from #<Object>\"}");
        assert_probe("bwstate", id, "win.setSize(1)", "{\"error\":\"TypeError: Insufficient number of arguments.\"}");
        assert_probe("bwstate", id, "win.setTitle(5)",
                     "{\"error\":\"TypeError: Error processing argument at index 0, conversion failure from 5\"}");
        assert_probe("bwstate", id, "win.webContents.setZoomFactor(0)",
                     "{\"error\":\"Error: 'zoomFactor' must be a double greater than 0.0\"}");
        assert_probe("bwstate", id, "[BrowserWindow.fromId(999), webContents.fromId(999) === undefined]", "[null,true]");
        assert_probe("bwstate", id, "other.destroy(), other.isDestroyed()", "true");
        assert_probe("bwstate", id, "other.getBounds()", "{\"error\":\"TypeError: Object has been destroyed\"}");
        assert_probe("bwstate", id, "other.webContents.getURL()", "{\"error\":\"TypeError: Object has been destroyed\"}");
        g_assert_cmpint(app_process_kill(process_get("bwstate")), ==, 0);
        wait_exit("bwstate", 5000);
}

static void post_reply(const char *app_id, gint64 id, JsonObject *call, const char *result_json) {
        g_autofree char *quoted = g_strescape(result_json, NULL);

        post(app_id, "{\"ev\":\"wc-reply\",\"id\":%" G_GINT64_FORMAT ",\"req\":%" G_GINT64_FORMAT
                     ",\"ok\":true,\"result\":\"%s\"}", id, member_int(call, "req"), quoted);
}

static void test_webcontents(void) {
        g_autoptr(JsonObject) create = NULL, ua = NULL, call = NULL, decide = NULL, created = NULL,
                              load = NULL, reload = NULL;
        gint64 id;
        gsize start;

        app_start("bwwc", PROBE_PRELUDE
                "let win;\n"
                "app.whenReady().then(() => {\n"
                "  win = new BrowserWindow({ webPreferences: { sandbox: false } });\n"
                "  const wc = win.webContents;\n"
                "  listen(wc, ['did-start-loading', 'dom-ready', 'did-finish-load', 'did-stop-loading']);\n"
                "  wc.on('did-navigate', (e, url, code) => log('did-navigate', url, code, wc.canGoBack()));\n"
                "  wc.on('did-navigate-in-page', (e, url, main) => log('did-navigate-in-page', url, main));\n"
                "  wc.on('will-navigate', (e, url) => { log('will-navigate', url, e.url); if (url.includes('blocked')) e.preventDefault(); });\n"
                "  wc.on('console-message', (e, level, msg, line, source) => log('console', level, msg, line, source, e.level, e.lineNumber));\n"
                "  wc.on('page-title-updated', (e, title, explicit) => log('wc title', title, explicit));\n"
                "  win.on('page-title-updated', (e, title) => log('win title', title));\n"
                "  wc.on('render-process-gone', (e, d) => log('gone', d.reason, d.exitCode, win.isDestroyed()));\n"
                "  wc.on('did-create-window', (w, d) => log('did-create-window', w.id, d.url, w.getSize().join('x')));\n"
                "  win.loadURL('https://example.org/a');\n"
                "});\n");
        create = wait_message("bwwc", "window-create", NULL, 5000);
        id = member_int(create, "id");
        load = wait_message("bwwc", "window-load", NULL, 5000);
        g_assert_cmpstr(member_string(load, "url"), ==, "https://example.org/a");
        g_clear_pointer(&load, json_object_unref);
        ua = wait_call("bwwc", "get-user-agent");
        g_assert_cmpstr(member_string(ua, "args"), ==, "[]");
        post_reply("bwwc", id, ua, "\"Mozilla/5.0 appd\"");
        assert_probe("bwwc", id, "[win.webContents.getUserAgent(), win.webContents.isLoading()]",
                     "[\"Mozilla/5.0 appd\",true]");

        /* Load events in Electron's order. */
        start = output_mark("bwwc");
        post("bwwc", "{\"ev\":\"load\",\"id\":%" G_GINT64_FORMAT ",\"event\":\"started\",\"url\":\"https://example.org/a\"}", id);
        post("bwwc", "{\"ev\":\"load\",\"id\":%" G_GINT64_FORMAT ",\"event\":\"committed\",\"url\":\"https://example.org/a\"}", id);
        post("bwwc", "{\"ev\":\"wc-event\",\"id\":%" G_GINT64_FORMAT ",\"name\":\"did-navigate\",\"details\":"
                     "{\"url\":\"https://example.org/a\",\"canGoBack\":true,\"canGoForward\":false}}", id);
        post("bwwc", "{\"ev\":\"wc-event\",\"id\":%" G_GINT64_FORMAT ",\"name\":\"dom-ready\",\"details\":{}}", id);
        post("bwwc", "{\"ev\":\"title\",\"id\":%" G_GINT64_FORMAT ",\"title\":\"Page A\"}", id);
        post("bwwc", "{\"ev\":\"load\",\"id\":%" G_GINT64_FORMAT ",\"event\":\"finished\",\"url\":\"https://example.org/a\"}", id);
        post("bwwc", "{\"ev\":\"wc-event\",\"id\":%" G_GINT64_FORMAT ",\"name\":\"did-navigate-in-page\",\"details\":"
                     "{\"url\":\"https://example.org/a#x\",\"canGoBack\":true,\"canGoForward\":false}}", id);
        post("bwwc", "{\"ev\":\"wc-event\",\"id\":%" G_GINT64_FORMAT ",\"name\":\"console-message\",\"details\":"
                     "{\"level\":\"warning\",\"message\":\"hi\",\"line\":3,\"sourceId\":\"app://x/a.js\"}}", id);
        assert_events("bwwc", start, "ev console",
                      "did-start-loading\ndid-navigate https://example.org/a -1 true\ndom-ready\n"
                      "wc title Page A true\nwin title Page A\ndid-finish-load\ndid-stop-loading\n"
                      "did-navigate-in-page https://example.org/a#x true\n"
                      "console 2 hi 3 app://x/a.js warning 3\n");
        assert_probe("bwwc", id, "const wc = win.webContents; [wc.getURL(), wc.getTitle(), win.getTitle(), wc.isLoading(), wc.canGoBack(), wc.canGoForward()]",
                     "[\"https://example.org/a#x\",\"Page A\",\"Page A\",false,true,false]");

        /* executeJavaScript: a round trip, and a rejection with the page's message. */
        start = probe_send("bwwc", id, "win.webContents.executeJavaScript('1 + 1', true)");
        call = wait_call("bwwc", "execute-javascript");
        g_assert_cmpstr(member_string(call, "args"), ==, "[\"1 + 1\"]");
        post_reply("bwwc", id, call, "{\"n\":2}");
        assert_result("bwwc", start, "{\"n\":2}");
        g_clear_pointer(&call, json_object_unref);
        start = probe_send("bwwc", id, "win.webContents.executeJavaScript('nope()')");
        call = wait_call("bwwc", "execute-javascript");
        post("bwwc", "{\"ev\":\"wc-reply\",\"id\":%" G_GINT64_FORMAT ",\"req\":%" G_GINT64_FORMAT
                     ",\"ok\":false,\"error\":\"nope is not defined\"}", id, member_int(call, "req"));
        assert_result("bwwc", start, "{\"error\":\"Error: nope is not defined\"}");
        g_clear_pointer(&call, json_object_unref);
        start = probe_send("bwwc", id, "win.webContents.insertCSS('body{color:red}')");
        call = wait_call("bwwc", "insert-css");
        post_reply("bwwc", id, call, "\"css-1\"");
        assert_result("bwwc", start, "\"css-1\"");
        g_clear_pointer(&call, json_object_unref);

        /* Zoom and user agent are kept for the getters. */
        assert_probe("bwwc", id, "win.webContents.setZoomLevel(1), win.webContents.getZoomFactor()", "1.2");
        call = wait_call("bwwc", "set-zoom-factor");
        g_assert_cmpstr(member_string(call, "args"), ==, "[1.2]");
        g_clear_pointer(&call, json_object_unref);
        assert_probe("bwwc", id, "win.webContents.setUserAgent('UA/2'), win.webContents.userAgent", "\"UA/2\"");
        call = wait_call("bwwc", "set-user-agent");
        g_clear_pointer(&call, json_object_unref);

        /* will-navigate: answered at once, refused when prevented. */
        start = output_mark("bwwc");
        post("bwwc", "{\"ev\":\"wc-event\",\"id\":%" G_GINT64_FORMAT ",\"name\":\"will-navigate\",\"details\":"
                     "{\"request\":7,\"url\":\"https://example.org/blocked\"}}", id);
        decide = wait_call("bwwc", "decide");
        g_assert_cmpstr(member_string(decide, "args"), ==, "[7,false]");
        g_clear_pointer(&decide, json_object_unref);
        post("bwwc", "{\"ev\":\"wc-event\",\"id\":%" G_GINT64_FORMAT ",\"name\":\"will-navigate\",\"details\":"
                     "{\"request\":8,\"url\":\"https://example.org/ok\"}}", id);
        decide = wait_call("bwwc", "decide");
        g_assert_cmpstr(member_string(decide, "args"), ==, "[8,true]");
        g_clear_pointer(&decide, json_object_unref);
        assert_events("bwwc", start, "ev will-navigate https://example.org/ok",
                      "will-navigate https://example.org/blocked https://example.org/blocked\n"
                      "will-navigate https://example.org/ok https://example.org/ok\n");

        /* window.open with no handler: Electron's default opens a window. */
        start = output_mark("bwwc");
        post("bwwc", "{\"ev\":\"wc-event\",\"id\":%" G_GINT64_FORMAT ",\"name\":\"new-window\",\"details\":"
                     "{\"request\":9,\"url\":\"https://example.org/new\",\"frameName\":\"\",\"features\":\"width=320,height=240\"}}", id);
        decide = wait_call("bwwc", "decide");
        g_assert_cmpstr(member_string(decide, "args"), ==, "[9,true]");
        g_clear_pointer(&decide, json_object_unref);
        created = wait_message("bwwc", "window-create", NULL, 5000);
        g_assert_false(json_object_get_boolean_member(
                json_object_get_object_member(json_object_get_object_member(created, "options"), "webPreferences"),
                "sandbox"));
        load = wait_message("bwwc", "window-load", NULL, 5000);
        g_assert_cmpint(member_int(load, "id"), ==, member_int(created, "id"));
        g_assert_cmpstr(member_string(load, "url"), ==, "https://example.org/new");
        {
                g_autofree char *line = g_strdup_printf("did-create-window %" G_GINT64_FORMAT " https://example.org/new 320x240\n",
                                                        member_int(created, "id"));

                assert_events("bwwc", start, "ev did-create-window", line);
        }
        assert_probe("bwwc", id, "win.webContents.setWindowOpenHandler(({ url }) => ({ action: url.includes('ok') ? 'allow' : 'deny' })),"
                     " BrowserWindow.getAllWindows().length", "2");
        post("bwwc", "{\"ev\":\"wc-event\",\"id\":%" G_GINT64_FORMAT ",\"name\":\"new-window\",\"details\":"
                     "{\"request\":10,\"url\":\"https://example.org/no\",\"frameName\":\"\",\"features\":\"\"}}", id);
        decide = wait_call("bwwc", "decide");
        g_assert_cmpstr(member_string(decide, "args"), ==, "[10,false]");
        g_clear_pointer(&decide, json_object_unref);
        assert_probe("bwwc", id, "BrowserWindow.getAllWindows().length", "2");

        /* The page's process crashes: the window stays, reload asks the
         * renderer.  The renderer itself goes: reload loads the URL again,
         * which brings a new renderer. */
        start = output_mark("bwwc");
        post("bwwc", "{\"ev\":\"wc-event\",\"id\":%" G_GINT64_FORMAT ",\"name\":\"web-process-gone\",\"details\":{\"reason\":\"oom\"}}", id);
        assert_events("bwwc", start, "ev gone", "gone oom 0 false\n");
        assert_probe("bwwc", id, "win.webContents.isCrashed(), win.webContents.reload(), win.webContents.isCrashed()", "false");
        reload = wait_call("bwwc", "reload");
        g_clear_pointer(&reload, json_object_unref);
        start = output_mark("bwwc");
        post("bwwc", "{\"ev\":\"renderer-gone\",\"id\":%" G_GINT64_FORMAT ",\"reason\":\"crashed\",\"exitCode\":11}", id);
        assert_events("bwwc", start, "ev gone", "gone crashed 11 false\n");
        assert_probe("bwwc", id, "win.webContents.reload(), BrowserWindow.getAllWindows().includes(win)", "true");
        g_clear_pointer(&load, json_object_unref);
        load = wait_message("bwwc", "window-load", NULL, 5000);
        g_assert_cmpint(member_int(load, "id"), ==, id);
        g_assert_cmpstr(member_string(load, "url"), ==, "https://example.org/a#x");

        /* Calls still waiting when the window goes are rejected. */
        start = probe_send("bwwc", id, "const p = win.webContents.executeJavaScript('1'); win.destroy(); p");
        assert_result("bwwc", start, "{\"error\":\"Error: The window was destroyed before the call was answered\"}");
        g_assert_cmpint(app_process_kill(process_get("bwwc")), ==, 0);
        wait_exit("bwwc", 5000);
}

static void test_close_prevented(void) {
        g_autoptr(JsonObject) create = NULL, destroy = NULL;
        gint64 id;
        gsize start;
        Exit *e;

        app_start("bwclose",
                "const { app, BrowserWindow } = require('electron');\n"
                "let asked = 0;\n"
                "app.whenReady().then(() => {\n"
                "  const win = new BrowserWindow();\n"
                "  win.on('close', (e) => { asked++; console.log('close ' + asked); if (asked === 1) e.preventDefault(); });\n"
                "  win.on('closed', () => console.log('closed'));\n"
                "});\n");
        create = wait_message("bwclose", "window-create", NULL, 5000);
        id = member_int(create, "id");
        start = output_mark("bwclose");
        post("bwclose", "{\"ev\":\"close-requested\",\"id\":%" G_GINT64_FORMAT "}", id);
        wait_output("bwclose", 1, "close 1", 5000);
        assert_no_message("bwclose", "window-destroy");
        post("bwclose", "{\"ev\":\"close-requested\",\"id\":%" G_GINT64_FORMAT "}", id);
        destroy = wait_message("bwclose", "window-destroy", NULL, 5000);
        e = wait_exit("bwclose", 5000);
        g_assert_cmpint(e->code, ==, 0);
        g_assert_cmpstr(output_get("bwclose", 1)->str + start, ==, "close 1\nclose 2\nclosed\n");
}

static void test_window_states(void) {
        g_autoptr(JsonObject) create = NULL, bad = NULL;
        JsonObject *o;
        gint64 id;

        app_start_states("bwkey", PROBE_PRELUDE
                "let win, fresh;\n"
                "app.whenReady().then(() => {\n"
                "  win = new BrowserWindow({ x: 1, y: 1, width: 200, height: 100, appd: { stateKey: 'main' } });\n"
                "  fresh = new BrowserWindow({ width: 200, height: 100, appd: { stateKey: 'other' } });\n"
                "});\n", 0, NULL,
                "{\"main\":{\"x\":120,\"y\":130,\"width\":500,\"height\":400,\"maximized\":true}}");
        create = wait_message("bwkey", "window-create", NULL, 5000);
        id = member_int(create, "id");
        o = json_object_get_object_member(create, "options");
        g_assert_cmpstr(member_string(o, "stateKey"), ==, "main");
        g_assert_cmpint(member_int(o, "x"), ==, 120);
        g_assert_cmpint(member_int(o, "y"), ==, 130);
        g_assert_cmpint(member_int(o, "width"), ==, 500);
        g_assert_cmpint(member_int(o, "height"), ==, 400);
        g_assert_true(json_object_get_boolean_member(o, "maximized"));
        assert_probe("bwkey", id, "[win.getBounds(), win.isMaximized(), fresh.getSize(), fresh.isMaximized()]",
                     "[{\"x\":120,\"y\":130,\"width\":500,\"height\":400},true,[200,100],false]");
        assert_probe("bwkey", id, "new BrowserWindow({ appd: { stateKey: '' } })",
                     "{\"error\":\"TypeError: appd.stateKey must be a string of 1 to 256 bytes\"}");
        g_assert_cmpint(app_process_kill(process_get("bwkey")), ==, 0);
        wait_exit("bwkey", 5000);

        /* A broken store entry costs the memory, not the app. */
        app_start_states("bwkeybad", PROBE_PRELUDE
                "app.whenReady().then(() => new BrowserWindow({ width: 210, height: 110, appd: { stateKey: 'main' } }));\n",
                0, NULL, "{not json");
        bad = wait_message("bwkeybad", "window-create", NULL, 5000);
        o = json_object_get_object_member(bad, "options");
        g_assert_cmpint(member_int(o, "width"), ==, 210);
        wait_output("bwkeybad", 2, "remembered window states are malformed", 5000);
        g_assert_cmpint(app_process_kill(process_get("bwkeybad")), ==, 0);
        wait_exit("bwkeybad", 5000);
}

/* The proportional set size of a process, KiB (-1 when unreadable). */
static long pss_kib(pid_t pid) {
        g_autofree char *path = g_strdup_printf("/proc/%d/smaps_rollup", (int) pid);
        g_autofree char *text = NULL;
        const char *p;

        if (!g_file_get_contents(path, &text, NULL, NULL))
                return -1;
        p = strstr(text, "\nPss:");
        return p ? strtol(p + 5, NULL, 10) : -1;
}

/* What idle apps cost and how long they take to be ready, from spares
 * and from fresh processes; printed, not asserted (bench/ compares). */
static void test_footprint(void) {
        enum { N = 6 };
        long pss = 0;
        gint64 t0, t1;

        t0 = g_get_monotonic_time();
        for (int i = 0; i < N; i++) {
                g_autofree char *id = g_strdup_printf("idle%d", i);

                app_start(id, "require('electron').app.whenReady().then(() => console.log('up'));\n");
        }
        for (int i = 0; i < N; i++) {
                g_autofree char *id = g_strdup_printf("idle%d", i);

                wait_output(id, 1, "up", 20000);
        }
        t1 = g_get_monotonic_time();
        for (int i = 0; i < N; i++) {
                g_autofree char *id = g_strdup_printf("idle%d", i);
                long kib = pss_kib(app_process_get_pid(process_get(id)));

                g_assert_cmpint(kib, >, 0);
                pss += kib;
        }
        g_test_message("%d idle apps in fresh processes: %.1f ms to all ready, PSS %ld KiB each",
                       N, (t1 - t0) / 1000.0, pss / N);
        for (int i = 0; i < N; i++) {
                g_autofree char *id = g_strdup_printf("idle%d", i);

                g_assert_cmpint(app_process_kill(process_get(id)), ==, 0);
        }
        for (int i = 0; i < N; i++) {
                g_autofree char *id = g_strdup_printf("idle%d", i);

                g_assert_cmpstr(wait_exit(id, 5000)->reason, ==, "killed");
        }
}

/* A spare runs, and it is not the one in *data. */
static gboolean spare_replaced(gconstpointer data) {
        pid_t pid = app_process_spare_get_pid();

        return pid > 0 && pid != *(const pid_t *) data;
}

/* A spare is started ahead of need, given to the next app (its process
 * becomes the app's, and its title says so), and replaced afterwards; a
 * spare is never given a second app; disabling kills it. */
static void test_spare(void) {
        pid_t spare, next;
        Exit *e;

        g_assert_cmpint(app_process_spare_get_pid(), ==, 0);
        app_process_spare_enable(APP_PROGRAM, 0);
        spare = app_process_spare_get_pid();
        g_assert_cmpint(spare, >, 0);

        app_start("adopter", "console.log(`pid ${process.pid}`);\n"
                             "setInterval(() => {}, 1000);\n");
        g_assert_cmpint(app_process_get_pid(process_get("adopter")), ==, spare);
        {
                g_autofree char *want = g_strdup_printf("pid %d\n", (int) spare);
                g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int) spare);
                g_autofree char *cmdline = NULL;

                wait_output("adopter", 1, want, 10000);
                g_assert_true(g_file_get_contents(path, &cmdline, NULL, NULL));
                g_assert_true(g_str_has_prefix(cmdline, "appd-app --app-id=adopter"));
        }
        /* The next spare comes once opens pause. */
        g_assert_true(iterate_until(spare_replaced, &spare, 10000));
        next = app_process_spare_get_pid();
        g_assert_cmpint(next, !=, spare);

        /* A heap limit other than the spare's: a process of its own. */
        app_start_full("own-heap", "console.log('up');\nsetInterval(() => {}, 1000);\n", 64, NULL);
        g_assert_cmpint(app_process_get_pid(process_get("own-heap")), !=, next);
        g_assert_cmpint(app_process_spare_get_pid(), ==, next);
        wait_output("own-heap", 1, "up", 10000);

        /* A spare killed while it waits is not an app's end; a new one
         * follows. */
        g_test_expect_message("appd", G_LOG_LEVEL_WARNING, "The spare app process * ended*");
        kill(next, SIGKILL);
        g_assert_true(iterate_until(spare_replaced, &next, 10000));
        g_test_assert_expected_messages();
        next = app_process_spare_get_pid();

        app_process_spare_disable();
        g_assert_cmpint(app_process_spare_get_pid(), ==, 0);
        for (int i = 0; i < 500 && kill(next, 0) == 0 && !process_is_zombie(next); i++)
                g_usleep(10 * 1000);
        g_assert_true(kill(next, 0) < 0 || process_is_zombie(next));

        for (const char *const *id = (const char *const[]) { "adopter", "own-heap", NULL }; *id; id++) {
                g_assert_cmpint(app_process_kill(process_get(*id)), ==, 0);
                e = wait_exit(*id, 5000);
                g_assert_cmpstr(e->reason, ==, "killed");
        }
}

int main(int argc, char **argv) {
        int r;

        g_test_init(&argc, &argv, NULL);
        /* As appd's main() does: a write to the link of a process that
         * died must not kill this one. */
        signal(SIGPIPE, SIG_IGN);
        processes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) app_process_free);

        messages = g_ptr_array_new_with_free_func((GDestroyNotify) message_free);
        exits = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) exit_free);
        outputs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) string_free);
        tmp_dirs = g_ptr_array_new_with_free_func(g_free);

        g_test_add_func("/app-process/exit-code", test_exit_code);
        g_test_add_func("/app-process/exception", test_exception);
        g_test_add_func("/app-process/console", test_console);
        g_test_add_func("/app-process/flood-bytes", test_flood_bytes);
        g_test_add_func("/app-process/flood-count", test_flood_count);
        g_test_add_func("/app-process/flood-isolated", test_flood_isolated);
        g_test_add_func("/app-process/app-api", test_app_api);
        g_test_add_func("/app-process/window-round-trip", test_window_round_trip);
        g_test_add_func("/app-process/closed-event-quits", test_closed_event_quits);
        g_test_add_func("/app-process/kill-spinning", test_kill_spinning);
        g_test_add_func("/app-process/window-options", test_window_options);
        g_test_add_func("/app-process/window-state-events", test_window_state_events);
        g_test_add_func("/app-process/webcontents", test_webcontents);
        g_test_add_func("/app-process/close-prevented", test_close_prevented);
        g_test_add_func("/app-process/window-states", test_window_states);
        g_test_add_func("/app-process/oom", test_oom);
        g_test_add_func("/app-process/ipc", test_ipc);
        g_test_add_func("/app-process/page-link", test_page_link);
        g_test_add_func("/app-process/errors", test_errors);
        g_test_add_func("/app-process/footprint", test_footprint);
        g_test_add_func("/app-process/spare", test_spare);
        g_test_add_func("/app-process/memory-private", test_memory_private);
        g_test_add_func("/app-process/legacy-addon", test_legacy_addon);
        r = g_test_run();

        for (guint i = 0; i < tmp_dirs->len; i++) {
                g_autofree char *cmd = NULL;
                g_autofree char *quoted = g_shell_quote(tmp_dirs->pdata[i]);

                cmd = g_strdup_printf("rm -rf %s", quoted);
                (void) !system(cmd);
        }
        return r;
}
