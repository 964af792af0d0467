/* The embedded runtime end to end: real Workers running small apps from
 * temporary folders.  Node can be set up once per process, so every case
 * shares one runtime; the last one stops it. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "js-runtime.h"

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

static void app_message_cb(const char *app_id, const char *json, gpointer user_data) {
        g_autoptr(JsonParser) parser = json_parser_new();
        Message *m;

        g_assert_true(json_parser_load_from_data(parser, json, -1, NULL));
        g_assert_true(JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)));
        m = g_new0(Message, 1);
        m->app_id = g_strdup(app_id);
        m->object = json_object_ref(json_node_get_object(json_parser_get_root(parser)));
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

static void app_output_cb(const char *app_id, int stream, const char *text, gpointer user_data) {
        g_assert_true(stream == 1 || stream == 2);
        g_string_append(output_get(app_id, stream), text);
}

static void app_exited_cb(const char *app_id, int exit_code, const char *reason,
                          const char *message, gpointer user_data) {
        Exit *e = g_new0(Exit, 1);

        /* Exactly once per app. */
        g_assert_false(g_hash_table_contains(exits, app_id));
        e->code = exit_code;
        e->reason = g_strdup(reason);
        e->message = g_strdup(message);
        e->when = g_get_monotonic_time();
        g_hash_table_insert(exits, g_strdup(app_id), e);
}

static const JsRuntimeCallbacks callbacks = {
        .app_message = app_message_cb,
        .app_output = app_output_cb,
        .app_exited = app_exited_cb,
};

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
                return (int) i;
        }
        return -1;
}

static gboolean has_message(gconstpointer data) {
        return message_find(data) >= 0;
}

/* The first message from app_id with this op (and channel), removed from
 * the list; the caller owns it. */
static JsonObject *wait_message(const char *app_id, const char *op, const char *channel,
                                guint timeout_ms) {
        MessageQuery q = { app_id, op, channel };
        JsonObject *o;
        Message *m;

        if (!iterate_until(has_message, &q, timeout_ms))
                g_error("no '%s' %s from %s within %u ms", op, channel ?: "", app_id, timeout_ms);
        m = g_ptr_array_steal_index(messages, message_find(&q));
        o = json_object_ref(m->object);
        message_free(m);
        return o;
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

static void app_start_full(const char *app_id, const char *main_js, unsigned heap_mb,
                           const char *const *args) {
        g_autofree char *dir = app_write(app_id, main_js);
        g_autofree char *main_path = g_build_filename(dir, "main.js", NULL);
        g_autofree char *user_data = g_build_filename(g_get_tmp_dir(), "appd-test-config", app_id, NULL);
        JsAppSpec spec = {
                .app_id = app_id,
                .name = app_id,
                .version = "1.2.3",
                .app_dir = dir,
                .main_path = main_path,
                .user_data_dir = user_data,
                .args = args,
                .max_old_generation_mb = heap_mb,
        };

        g_assert_cmpint(js_app_start(&spec), ==, 0);
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
        g_assert_cmpint(js_app_post(app_id, json), ==, 0);
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
        /* The daemon's binding is not reachable from app code. */
        g_assert_cmpint(member_int(o, "binding"), ==, 0);
        g_assert_true(json_object_get_boolean_member(o, "fromId"));
        g_assert_true(json_object_get_boolean_member(o, "destroyedFlag"));
        g_assert_cmpint(member_int(o, "count"), ==, 0);
        g_assert_cmpstr(member_string(o, "destroyed"), ==, "TypeError: Object has been destroyed");
}

static gint64 last_window_id;

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
        last_window_id = id;
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
        g_assert_cmpint(js_app_post_ipc("winapp", id, "ping", "[2,3]", 5), ==, 0);
        pong = wait_message("winapp", "send", "pong", 5000);
        g_assert_cmpint(member_int(pong, "id"), ==, id);
        url = g_strdup_printf("[5,%" G_GINT64_FORMAT "]", id);
        g_assert_cmpstr(member_string(pong, "payload"), ==, url);

        /* A malformed payload is dropped and logged, the app lives on. */
        g_assert_cmpint(js_app_post_ipc("winapp", id, "ping", "{not json", 9), ==, 0);
        wait_output("winapp", 2, "malformed payload", 5000);
        g_assert_cmpint(js_app_post_ipc("winapp", id, "ping", "{\"a\":1}", 7), ==, 0);
        wait_output("winapp", 2, "not an array", 5000);
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
        g_assert_cmpint(member_int(create, "id"), >, last_window_id);

        t0 = g_get_monotonic_time();
        g_assert_cmpint(js_app_kill("spinner"), ==, 0);
        e = wait_exit("spinner", 1000);
        t1 = g_get_monotonic_time();
        g_assert_cmpstr(e->reason, ==, "killed");
        g_assert_cmpint(e->code, ==, 137);
        g_test_message("kill of a spinning app: %.1f ms", (t1 - t0) / 1000.0);

        {
                const char *payload = "[\"hi\",{\"n\":1}]";

                g_assert_cmpint(js_app_post_ipc("neighbour", member_int(create, "id"), "echo",
                                                payload, strlen(payload)), ==, 0);
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

static void test_errors(void) {
        JsAppSpec spec = { .app_id = "rel", .app_dir = "relative", .main_path = "relative/main.js" };

        g_assert_cmpint(js_app_post("nobody", "{}"), ==, -ESRCH);
        g_assert_cmpint(js_app_kill("nobody"), ==, -ESRCH);
        g_assert_cmpint(js_app_post_ipc("nobody", 1, "c", "[]", 2), ==, -ESRCH);
        g_assert_cmpint(js_app_start(&spec), ==, -EINVAL);

        app_start("twice", "setTimeout(() => process.exit(0), 200);\n");
        {
                g_autofree char *dir = app_write("twice", "");
                g_autofree char *main_path = g_build_filename(dir, "main.js", NULL);
                JsAppSpec again = { .app_id = "twice", .app_dir = dir, .main_path = main_path };

                g_assert_cmpint(js_app_start(&again), ==, -EEXIST);
        }
        g_assert_cmpstr(wait_exit("twice", 5000)->reason, ==, "exit");
}

static long rss_kib(void) {
        g_autofree char *status = NULL;
        const char *p;

        if (!g_file_get_contents("/proc/self/status", &status, NULL, NULL))
                return -1;
        p = strstr(status, "VmRSS:");
        return p ? strtol(p + 6, NULL, 10) : -1;
}

static void test_footprint(void) {
        enum { N = 10 };
        long before, after;
        gint64 t0, t1;

        before = rss_kib();
        t0 = g_get_monotonic_time();
        for (int i = 0; i < N; i++) {
                g_autofree char *id = g_strdup_printf("idle%d", i);

                app_start(id, "require('electron').app.whenReady().then(() => console.log('up'));\n");
        }
        for (int i = 0; i < N; i++) {
                g_autofree char *id = g_strdup_printf("idle%d", i);

                wait_output(id, 1, "up", 10000);
        }
        t1 = g_get_monotonic_time();
        after = rss_kib();
        g_test_message("%d idle apps: %.1f ms to all ready (%.1f ms each), RSS +%ld KiB (%ld KiB each)",
                       N, (t1 - t0) / 1000.0, (t1 - t0) / 1000.0 / N, after - before, (after - before) / N);
        for (int i = 0; i < N; i++) {
                g_autofree char *id = g_strdup_printf("idle%d", i);

                g_assert_cmpint(js_app_kill(id), ==, 0);
        }
        for (int i = 0; i < N; i++) {
                g_autofree char *id = g_strdup_printf("idle%d", i);

                g_assert_cmpstr(wait_exit(id, 5000)->reason, ==, "killed");
        }
}

static void test_stop(void) {
        gint64 t0, t1;

        app_start("spinner2", "console.log('spinning');\nwhile (true) {}\n");
        wait_output("spinner2", 1, "spinning", 5000);
        t0 = g_get_monotonic_time();
        js_runtime_stop();
        t1 = g_get_monotonic_time();
        g_test_message("js_runtime_stop with a spinning app: %.1f ms", (t1 - t0) / 1000.0);
        g_assert_cmpint(t1 - t0, <, G_USEC_PER_SEC);
        g_assert_cmpint(js_app_post("spinner2", "{}"), ==, -ENOTCONN);
        /* Nothing is delivered after stop. */
        g_main_context_iteration(NULL, FALSE);
        g_assert_false(g_hash_table_contains(exits, "spinner2"));

        /* The process-wide Node set-up survives a stop: start again. */
        g_assert_cmpint(js_runtime_start(NULL, &callbacks, NULL), ==, 0);
        app_start("again", "process.exit(5);\n");
        g_assert_cmpint(wait_exit("again", 5000)->code, ==, 5);
        js_runtime_stop();
}

int main(int argc, char **argv) {
        int r;

        g_test_init(&argc, &argv, NULL);
        /* A daemon's job, done here as appd's main() must: Node does not
         * touch signal dispositions, so a write to a closed pipe must not
         * kill the process. */
        signal(SIGPIPE, SIG_IGN);

        messages = g_ptr_array_new_with_free_func((GDestroyNotify) message_free);
        exits = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) exit_free);
        outputs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) string_free);
        tmp_dirs = g_ptr_array_new_with_free_func(g_free);

        {
                gint64 t0 = g_get_monotonic_time();

                g_assert_cmpint(js_runtime_start(NULL, &callbacks, NULL), ==, 0);
                g_test_message("js_runtime_start: %.1f ms", (g_get_monotonic_time() - t0) / 1000.0);
        }
        g_assert_cmpint(js_runtime_start(NULL, &callbacks, NULL), ==, -EALREADY);
        /* Node installed no handlers for signals the daemon manages. */
        {
                static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD, SIGSEGV };

                for (size_t i = 0; i < G_N_ELEMENTS(sigs); i++) {
                        struct sigaction sa;

                        g_assert_cmpint(sigaction(sigs[i], NULL, &sa), ==, 0);
                        g_assert_true(sa.sa_handler == SIG_DFL);
                }
        }

        g_test_add_func("/js-runtime/exit-code", test_exit_code);
        g_test_add_func("/js-runtime/exception", test_exception);
        g_test_add_func("/js-runtime/console", test_console);
        g_test_add_func("/js-runtime/app-api", test_app_api);
        g_test_add_func("/js-runtime/window-round-trip", test_window_round_trip);
        g_test_add_func("/js-runtime/closed-event-quits", test_closed_event_quits);
        g_test_add_func("/js-runtime/kill-spinning", test_kill_spinning);
        g_test_add_func("/js-runtime/oom", test_oom);
        g_test_add_func("/js-runtime/errors", test_errors);
        g_test_add_func("/js-runtime/footprint", test_footprint);
        g_test_add_func("/js-runtime/stop", test_stop);
        r = g_test_run();

        js_runtime_stop();
        for (guint i = 0; i < tmp_dirs->len; i++) {
                g_autofree char *cmd = NULL;
                g_autofree char *quoted = g_shell_quote(tmp_dirs->pdata[i]);

                cmd = g_strdup_printf("rm -rf %s", quoted);
                (void) !system(cmd);
        }
        return r;
}
