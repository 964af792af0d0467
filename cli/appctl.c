/* appctl: the command-line client of appd.  Everything goes through the
 * daemon's org.appd.Appd1.Manager interface on the session bus
 * (protocol/org.appd.Appd1.Manager.xml is the contract).
 *
 * Exit status: 0 success, 1 failure, 2 bad usage; `open --wait` exits with
 * the app's own exit code. */
#include <errno.h>
#include <inttypes.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "appd-protocol.h"
#include "bus-source.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sd_event, sd_event_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(sd_event_source, sd_event_source_unref)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(sd_bus_error, sd_bus_error_free)

#define EXIT_USAGE 2

/* Long enough for the bus to activate appd and for appd to read a
 * package.json; short enough that a wedged daemon cannot hang a script. */
#define METHOD_CALL_TIMEOUT_SEC 25

typedef struct {
        const char *name;
        int min_args; /* including the verb itself */
        int max_args; /* VERB_ANY: no limit */
        int (*run)(int argc, char **argv);
} Verb;

#define VERB_ANY (-1)

static bool arg_json = false;
static bool arg_wait = false;
/* Everything after "--": handed to the app as process.argv.slice(2). */
static char **arg_app_args = NULL;

static int log_error_errno(int r, const char *format, ...) G_GNUC_PRINTF(2, 3);
static int log_error_errno(int r, const char *format, ...) {
        va_list ap;

        fputs("appctl: ", stderr);
        va_start(ap, format);
        vfprintf(stderr, format, ap);
        va_end(ap);
        fputc('\n', stderr);
        return r < 0 ? r : -EIO;
}

#define log_error(...) ((void) log_error_errno(-EIO, __VA_ARGS__))

/* ---- talking to the daemon ---------------------------------------------- */

static int bus_connect(sd_bus **ret_bus) {
        g_autoptr(sd_bus) bus = NULL;
        int r;

        r = sd_bus_open_user(&bus);
        if (r < 0) {
                const char *address = g_getenv("DBUS_SESSION_BUS_ADDRESS");

                if (address && *address)
                        return log_error_errno(r, "cannot connect to the session bus at %s: %s",
                                               address, g_strerror(-r));
                if (!g_getenv("XDG_RUNTIME_DIR"))
                        return log_error_errno(r,
                                               "no session bus: neither DBUS_SESSION_BUS_ADDRESS "
                                               "nor XDG_RUNTIME_DIR is set");
                return log_error_errno(r,
                                       "cannot connect to the session bus: %s "
                                       "(DBUS_SESSION_BUS_ADDRESS is not set and there is no "
                                       "bus socket in $XDG_RUNTIME_DIR)",
                                       g_strerror(-r));
        }
        r = sd_bus_set_method_call_timeout(bus, METHOD_CALL_TIMEOUT_SEC * G_USEC_PER_SEC);
        if (r < 0)
                return log_error_errno(r, "cannot set the bus call timeout: %s", g_strerror(-r));

        *ret_bus = g_steal_pointer(&bus);
        return 0;
}

static char *text_sanitize(const char *s, bool keep_lines);

/* One line that says what went wrong with a call to the daemon, phrased for
 * what the user can do about it.  Returns a negative errno. */
static int bus_log_call_error(const sd_bus_error *error, int r, const char *what) {
        if (sd_bus_error_has_names(error, SD_BUS_ERROR_SERVICE_UNKNOWN,
                                   SD_BUS_ERROR_NAME_HAS_NO_OWNER))
                return log_error_errno(r,
                                       "no appd daemon is running on the session bus. Start one "
                                       "with 'systemctl --user start appd' or run 'appd &'.");
        if (error->name && g_str_has_prefix(error->name, "org.freedesktop.DBus.Error.Spawn."))
                return log_error_errno(r, "appd could not be started by the bus: %s",
                                       error->message ? error->message : error->name);
        if (sd_bus_error_has_names(error, SD_BUS_ERROR_NO_REPLY, SD_BUS_ERROR_TIMEOUT) ||
            r == -ETIMEDOUT)
                return log_error_errno(r, "%s: appd did not answer within %d s", what,
                                       METHOD_CALL_TIMEOUT_SEC);
        if (sd_bus_error_is_set(error)) {
                /* The message may quote an app's package.json. */
                g_autofree char *message = text_sanitize(
                        error->message && *error->message ? error->message : error->name, true);
                return log_error_errno(r, "%s: %s", what, message);
        }
        return log_error_errno(r, "%s: %s", what, g_strerror(-r));
}

static int manager_new_call(sd_bus *bus, const char *member, sd_bus_message **ret_message) {
        int r = sd_bus_message_new_method_call(bus, ret_message, APPD_BUS_NAME,
                                               APPD_MANAGER_PATH, APPD_MANAGER_IFACE, member);
        if (r < 0)
                return log_error_errno(r, "cannot create a %s call: %s", member,
                                       g_strerror(-r));
        return 0;
}

static int manager_call(sd_bus *bus, sd_bus_message *call, const char *what,
                        sd_bus_message **ret_reply) {
        g_auto(sd_bus_error) error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_call(bus, call, 0, &error, ret_reply);
        if (r < 0)
                return bus_log_call_error(&error, r, what);
        return 0;
}

/* A Manager method without arguments, on a new connection: what the
 * listing verbs do. */
static int manager_list(const char *member, const char *what, sd_bus **ret_bus, sd_bus_message **ret_reply) {
        g_autoptr(sd_bus_message) call = NULL;
        int r;

        r = bus_connect(ret_bus);
        if (r < 0)
                return r;
        r = manager_new_call(*ret_bus, member, &call);
        if (r < 0)
                return r;
        return manager_call(*ret_bus, call, what, ret_reply);
}

/* ---- output ------------------------------------------------------------- */

/* Titles and URLs come from web pages, messages from apps: never let them
 * move the cursor or break a table row.  keep_lines: newlines and tabs
 * stay, for messages of several lines. */
static char *text_sanitize(const char *s, bool keep_lines) {
        GString *out = g_string_sized_new(strlen(s));

        for (const char *p = s; *p; p = g_utf8_next_char(p)) {
                gunichar c = g_utf8_get_char(p);

                if (keep_lines && (c == '\n' || c == '\t'))
                        g_string_append_c(out, (char) c);
                else if (g_unichar_iscntrl(c))
                        g_string_append_c(out, '?');
                else
                        g_string_append_unichar(out, c);
        }
        return g_string_free(out, FALSE);
}

static size_t text_width(const char *s) {
        size_t w = 0;

        for (const char *p = s; *p; p = g_utf8_next_char(p)) {
                gunichar c = g_utf8_get_char(p);

                if (g_unichar_iszerowidth(c))
                        continue;
                w += g_unichar_iswide(c) ? 2 : 1;
        }
        return w;
}

typedef struct {
        guint n_columns;
        GPtrArray *rows; /* of GStrv, n_columns each; row 0 is the header */
} Table;

static Table *table_new(const char *first_header, ...) G_GNUC_NULL_TERMINATED;
static Table *table_new(const char *first_header, ...) {
        Table *t = g_new0(Table, 1);
        GStrvBuilder *header = g_strv_builder_new();
        va_list ap;

        va_start(ap, first_header);
        for (const char *h = first_header; h; h = va_arg(ap, const char *)) {
                g_strv_builder_add(header, h);
                t->n_columns++;
        }
        va_end(ap);
        t->rows = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
        g_ptr_array_add(t->rows, g_strv_builder_end(header));
        g_strv_builder_unref(header);
        return t;
}

static void table_free(Table *t) {
        if (!t)
                return;
        g_ptr_array_unref(t->rows);
        g_free(t);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Table, table_free)

/* Takes ownership of `cells` (n_columns strings, any content). */
static void table_add_row(Table *t, char **cells) {
        for (guint i = 0; i < t->n_columns; i++) {
                char *clean = text_sanitize(cells[i], false);
                g_free(cells[i]);
                cells[i] = clean;
        }
        g_ptr_array_add(t->rows, cells);
}

static void table_print(const Table *t, const char *empty_message) {
        g_autofree size_t *widths = g_new0(size_t, t->n_columns);

        if (t->rows->len == 1) {
                puts(empty_message);
                return;
        }
        for (guint r = 0; r < t->rows->len; r++) {
                char **row = t->rows->pdata[r];
                for (guint c = 0; c < t->n_columns; c++)
                        widths[c] = MAX(widths[c], text_width(row[c]));
        }
        for (guint r = 0; r < t->rows->len; r++) {
                char **row = t->rows->pdata[r];
                for (guint c = 0; c < t->n_columns; c++) {
                        bool last = c + 1 == t->n_columns;

                        fputs(row[c], stdout);
                        if (!last)
                                for (size_t pad = text_width(row[c]); pad < widths[c] + 2; pad++)
                                        fputc(' ', stdout);
                }
                fputc('\n', stdout);
        }
}

static void json_print(JsonBuilder *builder) {
        g_autoptr(JsonGenerator) generator = json_generator_new();
        g_autoptr(JsonNode) root = json_builder_get_root(builder);
        g_autofree char *text = NULL;

        json_generator_set_root(generator, root);
        text = json_generator_to_data(generator, NULL);
        puts(text);
}

/* ---- open --------------------------------------------------------------- */

typedef struct {
        sd_bus *bus;
        sd_event *event;
        const char *app_id;       /* NULL until Open has answered */
        const char *daemon_owner; /* unique name of the appd that runs the app */
        unsigned n_signals;
        bool done;
        int exit_status;
} OpenWait;

static int wait_finish(OpenWait *w, int exit_status) {
        w->done = true;
        w->exit_status = exit_status;
        return sd_event_exit(w->event, 0);
}

static int app_exited_cb(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        OpenWait *w = userdata;
        const char *app_id, *reason, *message;
        int32_t exit_code;
        int r;

        r = sd_bus_message_read(m, "siss", &app_id, &exit_code, &reason, &message);
        if (r < 0) {
                log_error("cannot read an AppExited signal: %s", g_strerror(-r));
                return 0;
        }
        if (w->done || !w->app_id || !g_str_equal(app_id, w->app_id))
                return 0;

        if (g_str_equal(reason, "exit"))
                return wait_finish(w, CLAMP(exit_code, 0, 255));

        /* Anything but a normal exit is a failure even when the daemon
         * reports code 0, so that scripts notice. */
        if (*message) {
                g_autofree char *text = text_sanitize(message, true);
                log_error("%s ended: %s\n%s", app_id, reason, text);
        } else
                log_error("%s ended: %s", app_id, reason);
        return wait_finish(w, exit_code > 0 && exit_code <= 255 ? exit_code : EXIT_FAILURE);
}

static int name_owner_changed_cb(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        OpenWait *w = userdata;
        const char *name, *old_owner, *new_owner;
        int r;

        r = sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner);
        if (r < 0)
                return 0;
        /* An owner change that happened before our appd took the name (or the
         * activation of it) does not concern us. */
        if (w->done || !w->daemon_owner || !g_str_equal(old_owner, w->daemon_owner))
                return 0;
        log_error("appd left the session bus before %s ended", w->app_id);
        return wait_finish(w, EXIT_FAILURE);
}

static int bus_disconnected_cb(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        OpenWait *w = userdata;

        if (w->done)
                return 0;
        log_error("lost the connection to the session bus while waiting for %s",
                  w->app_id ? w->app_id : "the app");
        return wait_finish(w, EXIT_FAILURE);
}

static int end_app_reply_cb(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        const sd_bus_error *error = sd_bus_message_get_error(reply);

        /* The app may have ended on its own meanwhile; its AppExited tells. */
        if (error && !sd_bus_error_has_name(error, APPD_ERROR_NO_SUCH_APP))
                log_error("%s", error->message ? error->message : error->name);
        return 0;
}

/* First interrupt asks the app to quit the way its own app.quit() would;
 * the second ends it at once; the third stops waiting for it. */
static int wait_signal_cb(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        OpenWait *w = userdata;
        const char *member;
        int r;

        if (w->done)
                return 0;
        w->n_signals++;
        if (!w->app_id || w->n_signals > 2) {
                log_error("stopped waiting for %s", w->app_id ? w->app_id : "the app");
                return wait_finish(w, 128 + (int) si->ssi_signo);
        }

        member = w->n_signals == 1 ? "QuitApp" : "KillApp";
        if (w->n_signals == 1)
                fprintf(stderr, "appctl: asking %s to quit; interrupt again to kill it\n",
                        w->app_id);
        else
                fprintf(stderr, "appctl: killing %s\n", w->app_id);
        r = sd_bus_call_method_async(w->bus, NULL, APPD_BUS_NAME, APPD_MANAGER_PATH,
                                     APPD_MANAGER_IFACE, member, end_app_reply_cb, w, "s",
                                     w->app_id);
        if (r < 0)
                log_error("cannot call %s: %s", member, g_strerror(-r));
        return 0;
}

/* Everything that may tell us the app ended is subscribed to before Open is
 * called: an app that exits at once must not be missed. */
static int wait_setup(OpenWait *w, sd_bus_slot **ret_exited, sd_bus_slot **ret_owner,
                      sd_bus_slot **ret_disconnected) {
        int r;

        r = sd_event_default(&w->event);
        if (r < 0)
                return log_error_errno(r, "cannot create an event loop: %s", g_strerror(-r));
        r = sd_bus_attach_event(w->bus, w->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "cannot attach the bus to the event loop: %s",
                                       g_strerror(-r));

        r = sd_bus_match_signal(w->bus, ret_exited, APPD_BUS_NAME, APPD_MANAGER_PATH,
                                APPD_MANAGER_IFACE, "AppExited", app_exited_cb, w);
        if (r < 0)
                return bus_log_call_error(&SD_BUS_ERROR_NULL, r, "cannot subscribe to AppExited");

        r = sd_bus_add_match(w->bus, ret_owner,
                             "type='signal',sender='org.freedesktop.DBus',"
                             "path='/org/freedesktop/DBus',interface='org.freedesktop.DBus',"
                             "member='NameOwnerChanged',arg0='" APPD_BUS_NAME "'",
                             name_owner_changed_cb, w);
        if (r < 0)
                return bus_log_call_error(&SD_BUS_ERROR_NULL, r,
                                          "cannot watch the daemon's bus name");

        /* sd-bus synthesizes this one locally when the connection dies. */
        r = sd_bus_match_signal(w->bus, ret_disconnected, NULL, "/org/freedesktop/DBus/Local",
                                "org.freedesktop.DBus.Local", "Disconnected",
                                bus_disconnected_cb, w);
        if (r < 0)
                return log_error_errno(r, "cannot watch the bus connection: %s",
                                       g_strerror(-r));

        /* Blocked (PROCMASK) from here on, so an interrupt that arrives while
         * Open is in flight is acted on once the loop runs, not lost. */
        r = sd_event_add_signal(w->event, NULL, SIGINT | SD_EVENT_SIGNAL_PROCMASK,
                                wait_signal_cb, w);
        if (r >= 0)
                r = sd_event_add_signal(w->event, NULL, SIGTERM | SD_EVENT_SIGNAL_PROCMASK,
                                        wait_signal_cb, w);
        if (r < 0)
                return log_error_errno(r, "cannot handle signals: %s", g_strerror(-r));
        return 0;
}

static int verb_open(int argc, char **argv) {
        g_autoptr(sd_bus) bus = NULL;
        g_autoptr(sd_bus_message) call = NULL, reply = NULL;
        g_autoptr(sd_bus_slot) exited_slot = NULL, owner_slot = NULL, disconnected_slot = NULL;
        g_autoptr(sd_event) event = NULL;
        g_autofree char *folder = NULL, *what = NULL, *owner = NULL;
        OpenWait w = { 0 };
        const char *app_id, *app_path;
        struct stat st;
        int r;

        folder = realpath(argv[1], NULL);
        if (!folder) {
                if (errno == ENOENT || errno == ENOTDIR)
                        return log_error_errno(-errno, "%s: no such folder", argv[1]);
                return log_error_errno(-errno, "%s: %s", argv[1], g_strerror(errno));
        }
        if (stat(folder, &st) < 0)
                return log_error_errno(-errno, "%s: %s", argv[1], g_strerror(errno));
        if (!S_ISDIR(st.st_mode))
                return log_error_errno(-ENOTDIR,
                                       "%s: not a folder (give the folder that holds the app's "
                                       "package.json)",
                                       argv[1]);

        /* The folder is checked first: a typo is reported as such whether a
         * daemon runs or not. */
        r = bus_connect(&bus);
        if (r < 0)
                return r;
        w.bus = bus;

        if (arg_wait) {
                r = wait_setup(&w, &exited_slot, &owner_slot, &disconnected_slot);
                event = w.event;
                if (r < 0)
                        return r;
        }

        r = manager_new_call(bus, "Open", &call);
        if (r < 0)
                return r;
        r = sd_bus_message_append(call, "s", folder);
        if (r >= 0)
                r = sd_bus_message_append_strv(call, arg_app_args);
        if (r < 0)
                return log_error_errno(r, "cannot build the Open call: %s", g_strerror(-r));

        what = g_strdup_printf("cannot open %s", folder);
        r = manager_call(bus, call, what, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "so", &app_id, &app_path);
        if (r < 0)
                return log_error_errno(r, "cannot read appd's answer to Open: %s",
                                       g_strerror(-r));

        if (!arg_wait) {
                puts(app_id);
                return 0;
        }

        owner = g_strdup(sd_bus_message_get_sender(reply));
        w.app_id = app_id;
        w.daemon_owner = owner;
        r = sd_event_loop(w.event);
        if (r < 0)
                return log_error_errno(r, "waiting for %s failed: %s", app_id, g_strerror(-r));
        return w.done ? w.exit_status : EXIT_FAILURE;
}

/* ---- list, windows ------------------------------------------------------ */

/* The end of list and windows: r < 0 when reading appd's reply failed;
 * else the list as JSON (--json) or a table, `empty` when it has no rows. */
static int list_print(int r, JsonBuilder *json, Table *table, const char *empty,
                      const char *what) {
        if (r < 0)
                return log_error_errno(r, "cannot read appd's list of %s: %s", what,
                                       g_strerror(-r));
        json_builder_end_array(json);
        if (arg_json)
                json_print(json);
        else
                table_print(table, empty);
        return 0;
}

static int verb_list(int argc, char **argv) {
        g_autoptr(sd_bus_message) reply = NULL;
        g_autoptr(JsonBuilder) json = json_builder_new();
        g_autoptr(sd_bus) bus = NULL;
        g_autoptr(Table) table = table_new("ID", "NAME", "VERSION", "STATE", "PATH", NULL);
        const char *id, *name, *version, *path, *state, *object;
        uint32_t n_windows;
        int r;

        r = manager_list("ListApps", "cannot list apps", &bus, &reply);
        if (r < 0)
                return r;

        r = sd_bus_message_enter_container(reply, 'a', "(sssssuo)");
        if (r < 0)
                return list_print(r, json, table, NULL, "apps");
        json_builder_begin_array(json);
        while ((r = sd_bus_message_read(reply, "(sssssuo)", &id, &name, &version, &path, &state,
                                        &n_windows, &object)) > 0) {
                json_builder_begin_object(json);
                json_builder_set_member_name(json, "id");
                json_builder_add_string_value(json, id);
                json_builder_set_member_name(json, "name");
                json_builder_add_string_value(json, name);
                json_builder_set_member_name(json, "version");
                json_builder_add_string_value(json, version);
                json_builder_set_member_name(json, "path");
                json_builder_add_string_value(json, path);
                json_builder_set_member_name(json, "state");
                json_builder_add_string_value(json, state);
                json_builder_set_member_name(json, "windows");
                json_builder_add_int_value(json, n_windows);
                json_builder_set_member_name(json, "object");
                json_builder_add_string_value(json, object);
                json_builder_end_object(json);

                table_add_row(table, g_strdupv((char *[]) { (char *) id, (char *) name,
                                                            (char *) version, (char *) state,
                                                            (char *) path, NULL }));
        }
        return list_print(r, json, table, "No apps are running.", "apps");
}

static int verb_windows(int argc, char **argv) {
        g_autoptr(sd_bus_message) reply = NULL;
        g_autoptr(JsonBuilder) json = json_builder_new();
        g_autoptr(sd_bus) bus = NULL;
        g_autoptr(Table) table = table_new("ID", "APP", "VISIBLE", "TITLE", "URL", NULL);
        const char *app, *title, *url, *object;
        uint32_t id;
        int visible, r;

        r = manager_list("ListWindows", "cannot list windows", &bus, &reply);
        if (r < 0)
                return r;

        r = sd_bus_message_enter_container(reply, 'a', "(usssbo)");
        if (r < 0)
                return list_print(r, json, table, NULL, "windows");
        json_builder_begin_array(json);
        while ((r = sd_bus_message_read(reply, "(usssbo)", &id, &app, &title, &url, &visible,
                                        &object)) > 0) {
                json_builder_begin_object(json);
                json_builder_set_member_name(json, "id");
                json_builder_add_int_value(json, id);
                json_builder_set_member_name(json, "app");
                json_builder_add_string_value(json, app);
                json_builder_set_member_name(json, "title");
                json_builder_add_string_value(json, title);
                json_builder_set_member_name(json, "url");
                json_builder_add_string_value(json, url);
                json_builder_set_member_name(json, "visible");
                json_builder_add_boolean_value(json, visible);
                json_builder_set_member_name(json, "object");
                json_builder_add_string_value(json, object);
                json_builder_end_object(json);

                /* Title and URL are free text: they go last, so the columns
                 * before them stay easy to cut. */
                {
                        g_autofree char *id_text = g_strdup_printf("%" PRIu32, id);

                        table_add_row(table, g_strdupv((char *[]) {
                                                     id_text, (char *) app,
                                                     visible ? (char *) "yes" : (char *) "no",
                                                     (char *) title, (char *) url, NULL }));
                }
        }
        return list_print(r, json, table, "No windows are open.", "windows");
}

/* ---- quit, kill --------------------------------------------------------- */

static int app_end(sd_bus *bus, const char *member, const char *verb, const char *app_id) {
        g_autoptr(sd_bus_message) call = NULL;
        g_autofree char *what = g_strdup_printf("cannot %s %s", verb, app_id);
        int r;

        r = manager_new_call(bus, member, &call);
        if (r < 0)
                return r;
        r = sd_bus_message_append(call, "s", app_id);
        if (r < 0)
                return log_error_errno(r, "cannot build the %s call: %s", member,
                                       g_strerror(-r));
        return manager_call(bus, call, what, NULL);
}

/* quit and kill: one Manager call per app named, every one tried; the
 * first failure is the verb's. */
static int apps_end(int argc, char **argv, const char *method, const char *verb) {
        g_autoptr(sd_bus) bus = NULL;
        int ret, r;

        ret = r = bus_connect(&bus);
        if (r < 0)
                return r;
        for (int i = 1; i < argc; i++) {
                r = app_end(bus, method, verb, argv[i]);
                if (r < 0 && ret == 0)
                        ret = r;
        }
        return ret;
}

static int verb_quit(int argc, char **argv) {
        return apps_end(argc, argv, "QuitApp", "quit");
}

static int verb_kill(int argc, char **argv) {
        return apps_end(argc, argv, "KillApp", "kill");
}

/* ---- command line ------------------------------------------------------- */

static void help(void) {
        printf("Usage: appctl [OPTIONS] COMMAND ...\n"
               "\n"
               "Control appd, the runtime that runs Electron-style desktop apps.\n"
               "\n"
               "Commands:\n"
               "  open FOLDER [-- ARGS...]  Start the app whose package.json is in FOLDER;\n"
               "                            ARGS become its process.argv.slice(2).\n"
               "                            Prints the app id.\n"
               "  list                      List running apps\n"
               "  windows                   List open windows\n"
               "  quit APP...               Ask apps to quit, as app.quit() does\n"
               "  kill APP...               End apps at once\n"
               "  help                      Show this help\n"
               "\n"
               "Options:\n"
               "  -h --help                 Show this help\n"
               "     --version              Show the version\n"
               "     --user                 Talk to the daemon on the session bus (default)\n"
               "     --json                 Print lists as JSON arrays of objects\n"
               "     --wait                 With open: wait until the app ends and exit with\n"
               "                            its exit code; an interrupt asks the app to\n"
               "                            quit, a second one kills it\n"
               "\n"
               "Exit status: 0 on success, 1 on failure, 2 on bad usage; with open --wait,\n"
               "the app's exit code (1 if it ended by an exception, a kill or a crash).\n"
               "\n"
               "appd must run on the session bus: 'systemctl --user start appd' or 'appd &'.\n");
}

static int verb_help(int argc, char **argv) {
        help();
        return 0;
}

static const Verb verbs[] = {
        { "open", 2, 2, verb_open },
        { "list", 1, 1, verb_list },
        { "windows", 1, 1, verb_windows },
        { "quit", 2, VERB_ANY, verb_quit },
        { "kill", 2, VERB_ANY, verb_kill },
        { "help", 1, VERB_ANY, verb_help },
};

enum {
        ARG_VERSION = 0x100,
        ARG_USER,
        ARG_JSON,
        ARG_WAIT,
};

/* Returns 1 to go on, 0 to exit successfully, -EINVAL on bad usage. */
static int parse_argv(int argc, char **argv, int *ret_argc) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "user", no_argument, NULL, ARG_USER },
                { "json", no_argument, NULL, ARG_JSON },
                { "wait", no_argument, NULL, ARG_WAIT },
                {},
        };
        int n = argc, c;

        /* Only what comes before "--" is ours; the rest belongs to the app,
         * even when it looks like an option. */
        for (int i = 1; i < argc; i++)
                if (g_str_equal(argv[i], "--")) {
                        n = i;
                        arg_app_args = argv + i + 1;
                        break;
                }

        opterr = 0;
        while ((c = getopt_long(n, argv, "h", options, NULL)) >= 0) {
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("appctl %s\n", APPD_VERSION);
                        return 0;
                case ARG_USER:
                        break;
                case ARG_JSON:
                        arg_json = true;
                        break;
                case ARG_WAIT:
                        arg_wait = true;
                        break;
                case '?':
                        if (optopt)
                                log_error("unknown option '-%c'. See 'appctl --help'.", optopt);
                        else
                                log_error("unknown option '%s'. See 'appctl --help'.",
                                          argv[optind - 1]);
                        return -EINVAL;
                default:
                        g_assert_not_reached();
                }
        }
        *ret_argc = n;
        return 1;
}

static int verb_dispatch(int argc, char **argv, bool *ret_usage_error) {
        const Verb *verb = NULL;
        int n_args = argc - optind;
        char **args = argv + optind;

        *ret_usage_error = true;
        if (n_args <= 0)
                return log_error_errno(-EINVAL, "no command given. See 'appctl --help'.");
        for (size_t i = 0; i < G_N_ELEMENTS(verbs); i++)
                if (g_str_equal(verbs[i].name, args[0]))
                        verb = &verbs[i];
        if (!verb)
                return log_error_errno(-EINVAL, "unknown command '%s'. See 'appctl --help'.",
                                       args[0]);
        if (n_args < verb->min_args)
                return log_error_errno(-EINVAL, "'%s' needs %s. See 'appctl --help'.",
                                       verb->name,
                                       g_str_equal(verb->name, "open") ? "an app folder"
                                                                       : "an app id");
        if (verb->max_args != VERB_ANY && n_args > verb->max_args) {
                if (g_str_equal(verb->name, "open"))
                        return log_error_errno(-EINVAL,
                                               "'open' takes one folder; put the app's "
                                               "arguments after '--'.");
                return log_error_errno(-EINVAL, "too many arguments for '%s'.", verb->name);
        }
        if (arg_app_args && !g_str_equal(verb->name, "open"))
                return log_error_errno(-EINVAL, "only 'open' takes arguments after '--'.");
        if (arg_wait && !g_str_equal(verb->name, "open"))
                return log_error_errno(-EINVAL, "--wait goes with 'open' only.");
        *ret_usage_error = false;

        return verb->run(n_args, args);
}

int main(int argc, char **argv) {
        bool usage_error;
        int n, r;

        r = parse_argv(argc, argv, &n);
        if (r <= 0)
                return r < 0 ? EXIT_USAGE : EXIT_SUCCESS;

        r = verb_dispatch(n, argv, &usage_error);
        if (r < 0)
                return usage_error ? EXIT_USAGE : EXIT_FAILURE;
        return r;
}
