/* The app's own connection to the session bus, for what the desktop must
 * attribute to the app: portal requests, notifications, file managers.
 *
 * It is opened on first need (sd_bus_open_user) and served on Node's
 * event loop like the app's links (host.c's Link).  It holds the app alive
 * only while something waits on it: a method call in flight, or a signal
 * match the caller asked to keep the app for (a portal request's Response,
 * a notification's click); an app whose main script is done still exits.
 *
 * What the bus sends never reaches JavaScript from inside sd_bus_process():
 * replies and signals are queued and handed over after it (a uv_check
 * handle), so a callback may do anything, including wait on this bus
 * again (session_bus_wait(), for the Sync variants of dialog functions).
 *
 * The binding's functions (listed in binding.c):
 *   busCall(dest, path, iface, member, signature, args, cb(err, values, sender))
 *   busMatch(sender, path, iface, member, keep, cb(err, values, path, sender)) → id
 *   busUnmatch(id)
 *   busUniqueName() → string, or null before the bus has answered Hello
 * Values cross as in session-bus-value.c.  err is {name, message}.  When
 * the connection is lost, calls in flight fail and every match's callback
 * gets an error once and is dropped; the next call opens a new one. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <systemd/sd-bus.h>
#include <uv.h>

#include "host-private.h"
#include "session-bus.h"

/* What may wait at once: beyond this a call is refused, not queued. */
#define SESSION_BUS_CALLS_MAX 256
#define SESSION_BUS_MATCHES_MAX 256

typedef struct {
        Link link;
        unsigned handles;          /* uv handles still to close */
} SessionConn;

typedef enum {
        SESSION_EVENT_REPLY,
        SESSION_EVENT_SIGNAL,
        SESSION_EVENT_ERROR,
} SessionEventKind;

/* Something for JavaScript, queued while sd-bus processes. */
typedef struct {
        SessionEventKind kind;
        napi_ref callback;         /* REPLY and ERROR of a call: owned here */
        uint64_t match;            /* SIGNAL and ERROR of a match: its id */
        sd_bus_message *message;
        char *error_name, *error_message;
} SessionEvent;

typedef struct {
        uint64_t id;
        sd_bus_slot *slot;
        napi_ref callback;
        bool keep;
} SessionMatch;

typedef struct {
        sd_bus_slot *slot;
        napi_ref callback;
} SessionCall;

static struct {
        napi_env env;
        napi_async_context async;
        uv_check_t check;
        bool check_ready;
        SessionConn *conn;
        GHashTable *calls;         /* SessionCall* (set) */
        GHashTable *matches;       /* id → SessionMatch* */
        GQueue events;             /* SessionEvent* */
        uint64_t next_match;
        unsigned keeps;            /* matches that keep the app alive */
} sb;

static void session_bus_update_ref(void);
static void session_bus_check_cb(uv_check_t *handle);

static void session_event_free(SessionEvent *e) {
        sd_bus_message_unref(e->message);
        g_free(e->error_name);
        g_free(e->error_message);
        g_free(e);
}

static void session_event_push(SessionEventKind kind, napi_ref callback, uint64_t match,
                               sd_bus_message *m, const char *error_name,
                               const char *error_message) {
        SessionEvent *e = g_new0(SessionEvent, 1);

        e->kind = kind;
        e->callback = callback;
        e->match = match;
        e->message = m ? sd_bus_message_ref(m) : NULL;
        e->error_name = g_strdup(error_name);
        e->error_message = g_strdup(error_message);
        g_queue_push_tail(&sb.events, e);
        uv_check_start(&sb.check, session_bus_check_cb);
        session_bus_update_ref();
}

/* The connection's poll keeps the loop alive only while something waits. */
static void session_bus_update_ref(void) {
        bool hold = g_hash_table_size(sb.calls) > 0 || sb.keeps > 0 ||
                    !g_queue_is_empty(&sb.events);

        if (!sb.conn || !sb.conn->link.serving)
                return;
        if (hold)
                uv_ref((uv_handle_t *) &sb.conn->link.poll);
        else
                uv_unref((uv_handle_t *) &sb.conn->link.poll);
}

static void session_call_free(SessionCall *c) {
        sd_bus_slot_unref(c->slot);
        g_free(c);
}

static void session_match_free(SessionMatch *match) {
        if (match->keep)
                sb.keeps--;
        sd_bus_slot_unref(match->slot);
        if (match->callback)
                napi_delete_reference(sb.env, match->callback);
        g_free(match);
}

/* --- the connection */

static void session_conn_handle_closed_cb(uv_handle_t *handle) {
        SessionConn *conn = handle->data;

        if (--conn->handles > 0)
                return;
        sd_bus_flush_close_unref(conn->link.bus);
        g_free(conn);
}

static void session_conn_lost(Link *link, int error) {
        SessionConn *conn = (SessionConn *) link;
        g_autofree char *message = g_strdup_printf("The session bus connection was lost: %s",
                                                   g_strerror(error));
        GHashTableIter it;
        gpointer key, value;

        g_warning("%s", message);
        if (sb.conn == conn)
                sb.conn = NULL;
        conn->link.serving = false;
        /* Calls sd-bus has not answered yet, and every match: their
         * callers hear of it once. */
        g_hash_table_iter_init(&it, sb.calls);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
                SessionCall *c = key;

                session_event_push(SESSION_EVENT_ERROR, c->callback, 0, NULL,
                                   "org.freedesktop.DBus.Error.Disconnected", message);
                c->callback = NULL;
                g_hash_table_iter_remove(&it);
        }
        g_hash_table_iter_init(&it, sb.matches);
        while (g_hash_table_iter_next(&it, NULL, &value)) {
                SessionMatch *match = value;

                session_event_push(SESSION_EVENT_ERROR, match->callback, 0, NULL,
                                   "org.freedesktop.DBus.Error.Disconnected", message);
                match->callback = NULL;
                g_hash_table_iter_remove(&it);
        }
        conn->handles = 2;
        uv_close((uv_handle_t *) &conn->link.poll, session_conn_handle_closed_cb);
        uv_close((uv_handle_t *) &conn->link.timer, session_conn_handle_closed_cb);
}

/* The connection, opened on first need.  Hello goes out with the first
 * message; nothing here waits for the bus. */
static int session_bus_get(sd_bus **ret) {
        sd_bus *bus = NULL;
        int r;

        if (sb.conn) {
                *ret = sb.conn->link.bus;
                return 0;
        }
        r = sd_bus_open_user_with_description(&bus, "appd-app");
        if (r < 0)
                return r;
        sb.conn = g_new0(SessionConn, 1);
        sb.conn->link.bus = bus;
        sb.conn->link.lost = session_conn_lost;
        link_start(&sb.conn->link, false);
        if (!sb.conn)
                return -ECONNRESET;
        session_bus_update_ref();
        *ret = bus;
        return 0;
}

/* --- into JavaScript */

static void session_event_dispatch(SessionEvent *e) {
        napi_env env = sb.env;
        napi_handle_scope scope;
        napi_value argv[4], fn, global, error, values;
        napi_ref callback = e->callback;
        SessionMatch *match = NULL;
        size_t argc = 2;
        napi_status status;
        int r;

        if (e->kind == SESSION_EVENT_SIGNAL) {
                match = g_hash_table_lookup(sb.matches, &e->match);
                if (!match)
                        return;    /* unmatched meanwhile */
                callback = match->callback;
        }
        if (!callback)
                return;
        napi_open_handle_scope(env, &scope);
        napi_get_null(env, &argv[0]);
        napi_get_null(env, &argv[1]);
        if (e->kind == SESSION_EVENT_ERROR ||
            (e->kind == SESSION_EVENT_REPLY && sd_bus_message_is_method_error(e->message, NULL))) {
                const sd_bus_error *be = e->message ? sd_bus_message_get_error(e->message) : NULL;

                napi_create_object(env, &argv[0]);
                napi_set_named_property(env, argv[0], "name",
                                        js_string(env, be ? be->name : e->error_name));
                napi_set_named_property(env, argv[0], "message",
                                        js_string(env, be ? (be->message ?: be->name)
                                                          : e->error_message));
        } else if ((r = session_bus_value_read_all(env, e->message, &values)) < 0) {
                g_autofree char *text = g_strdup_printf("Cannot read the message: %s",
                                                        g_strerror(-r));

                napi_create_object(env, &argv[0]);
                napi_set_named_property(env, argv[0], "name",
                                        js_string(env, "org.freedesktop.DBus.Error.InvalidArgs"));
                napi_set_named_property(env, argv[0], "message", js_string(env, text));
        } else {
                argv[1] = values;
        }
        /* Who sent it: a signal's path and sender, a reply's sender (the
         * unique name of the service that answered). */
        if (e->kind == SESSION_EVENT_SIGNAL) {
                argv[argc++] = js_string(env, sd_bus_message_get_path(e->message) ?: "");
                argv[argc++] = js_string(env, sd_bus_message_get_sender(e->message) ?: "");
        } else if (e->message) {
                argv[argc++] = js_string(env, sd_bus_message_get_sender(e->message) ?: "");
        }
        napi_get_reference_value(env, callback, &fn);
        napi_get_global(env, &global);
        status = napi_make_callback(env, sb.async, global, fn, argc, argv, NULL);
        if (status == napi_pending_exception &&
            napi_get_and_clear_last_exception(env, &error) == napi_ok)
                napi_fatal_exception(env, error);
        napi_close_handle_scope(env, scope);
}

static void session_bus_check_cb(uv_check_t *handle) {
        SessionEvent *e;

        /* One batch: what the callbacks cause waits for the next turn. */
        for (guint n = g_queue_get_length(&sb.events); n > 0; n--) {
                e = g_queue_pop_head(&sb.events);
                session_event_dispatch(e);
                if (e->kind != SESSION_EVENT_SIGNAL && e->callback)
                        napi_delete_reference(sb.env, e->callback);
                session_event_free(e);
        }
        if (g_queue_is_empty(&sb.events))
                uv_check_stop(&sb.check);
        session_bus_update_ref();
}

/* --- from sd-bus */

static int session_call_reply_cb(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        SessionCall *c = userdata;

        session_event_push(SESSION_EVENT_REPLY, c->callback, 0, m, NULL, NULL);
        c->callback = NULL;
        g_hash_table_remove(sb.calls, c);
        return 0;
}

static int session_match_cb(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        SessionMatch *match = userdata;

        session_event_push(SESSION_EVENT_SIGNAL, NULL, match->id, m, NULL, NULL);
        return 0;
}

static int session_match_installed_cb(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        SessionMatch *match = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(m);

        if (!e)
                return 0;
        /* The bus refused it: the caller would wait for nothing. */
        session_event_push(SESSION_EVENT_ERROR, match->callback, 0, NULL, e->name,
                           e->message ?: e->name);
        match->callback = NULL;
        g_hash_table_remove(sb.matches, &match->id);
        return 0;
}

/* --- the binding */

static bool session_bus_setup(napi_env env) {
        uv_loop_t *loop;
        napi_value resource;

        if (sb.env)
                return true;
        if (napi_get_uv_event_loop(env, &loop) != napi_ok)
                return false;
        sb.env = env;
        napi_create_object(env, &resource);
        napi_async_init(env, resource, js_string(env, "appd-session-bus"), &sb.async);
        uv_check_init(loop, &sb.check);
        uv_unref((uv_handle_t *) &sb.check);
        sb.calls = g_hash_table_new_full(NULL, NULL, (GDestroyNotify) session_call_free, NULL);
        sb.matches = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL,
                                           (GDestroyNotify) session_match_free);
        return true;
}

/* A string argument, or NULL for null/undefined/empty. */
static char *js_arg_string_or_null(napi_env env, napi_value value) {
        char *s = js_value_dup_string(env, value);

        if (s && !*s)
                g_clear_pointer(&s, g_free);
        return s;
}

static void js_throw_errno(napi_env env, const char *what, int r) {
        g_autofree char *text = g_strdup_printf("%s: %s", what, g_strerror(-r));

        napi_throw_error(env, NULL, text);
}

/* The method call busCall() and busCallSync() describe in their first
 * six arguments (argv holds all 7), with the values appended; NULL when
 * it threw. */
static sd_bus_message *session_call_new(napi_env env, napi_callback_info info, napi_value *argv) {
        g_autoptr(sd_bus_message) m = NULL;
        g_autofree char *dest = NULL, *path = NULL, *iface = NULL, *member = NULL, *sig = NULL;
        size_t argc = 7;
        sd_bus *bus;
        int r;

        if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7 ||
            !session_bus_setup(env)) {
                napi_throw_type_error(env, NULL, "appd binding: a bus call needs 7 arguments");
                return NULL;
        }
        dest = js_value_dup_string(env, argv[0]);
        path = js_value_dup_string(env, argv[1]);
        iface = js_value_dup_string(env, argv[2]);
        member = js_value_dup_string(env, argv[3]);
        sig = js_value_dup_string(env, argv[4]);
        if (!dest || !path || !iface || !member || !sig) {
                napi_throw_type_error(env, NULL, "appd binding: a bus call needs strings");
                return NULL;
        }
        r = session_bus_get(&bus);
        if (r < 0) {
                js_throw_errno(env, "Cannot connect to the session bus", r);
                return NULL;
        }
        r = sd_bus_message_new_method_call(bus, &m, dest, path, iface, member);
        if (r < 0) {
                js_throw_errno(env, "Cannot make the call", r);
                return NULL;
        }
        /* The values are checked against the signature as they go in. */
        if (session_bus_value_append_all(env, m, sig, argv[5]) < 0)
                return NULL;    /* thrown */
        return g_steal_pointer(&m);
}

napi_value js_bus_call_cb(napi_env env, napi_callback_info info) {
        g_autoptr(sd_bus_message) m = NULL;
        napi_value argv[7];
        SessionCall *c;
        int r;

        if (sb.calls && g_hash_table_size(sb.calls) >= SESSION_BUS_CALLS_MAX) {
                napi_throw_error(env, "ENOBUFS",
                                 "Too many calls wait on the session bus (" G_STRINGIFY(SESSION_BUS_CALLS_MAX) ")");
                return NULL;
        }
        m = session_call_new(env, info, argv);
        if (!m)
                return NULL;
        c = g_new0(SessionCall, 1);
        r = sd_bus_call_async(sd_bus_message_get_bus(m), &c->slot, m, session_call_reply_cb, c, 0);
        if (r < 0) {
                g_free(c);
                js_throw_errno(env, "Cannot send the call", r);
                return NULL;
        }
        napi_create_reference(env, argv[6], 1, &c->callback);
        g_hash_table_add(sb.calls, c);
        session_bus_update_ref();
        if (sb.conn)
                link_schedule(&sb.conn->link);
        return NULL;
}

/* busCallSync(dest, path, iface, member, signature, args, timeout_ms) →
 * values: blocks the app's JavaScript (never appd) until the reply, for
 * Electron's synchronous functions.  What else arrives meanwhile waits in
 * sd-bus's queue and is handed over after.  Throws the D-Bus error. */
napi_value js_bus_call_sync_cb(napi_env env, napi_callback_info info) {
        g_autoptr(sd_bus_message) m = NULL, reply = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        napi_value argv[7], values = NULL;
        uint32_t timeout_ms = 0;
        int r;

        m = session_call_new(env, info, argv);
        if (!m)
                return NULL;
        napi_get_value_uint32(env, argv[6], &timeout_ms);
        r = sd_bus_call(sd_bus_message_get_bus(m), m, (uint64_t) timeout_ms * 1000, &error, &reply);
        /* What came meanwhile is processed on the loop's next turn. */
        if (sb.conn)
                link_schedule(&sb.conn->link);
        if (r < 0) {
                napi_value e;

                napi_create_error(env, NULL, js_string(env, error.message ?: g_strerror(-r)), &e);
                napi_set_named_property(env, e, "dbusName",
                                        js_string(env, error.name ?: "org.freedesktop.DBus.Error.Failed"));
                sd_bus_error_free(&error);
                napi_throw(env, e);
                return NULL;
        }
        r = session_bus_value_read_all(env, reply, &values);
        if (r < 0) {
                js_throw_errno(env, "Cannot read the reply", r);
                return NULL;
        }
        return values;
}

/* busWait(id) → values: blocks the app's JavaScript until the signal of
 * watch `id` comes, and returns its values instead of calling the watch's
 * callback with them; everything else that arrives meanwhile waits for the
 * loop.  For the Sync variants of dialogs, as Electron's block the main
 * process.  Throws when the watch ends (the connection is lost). */
napi_value js_bus_wait_cb(napi_env env, napi_callback_info info) {
        napi_value argv[1], values = NULL;
        size_t argc = 1;
        double id = 0;
        uint64_t key;
        int r = 0;

        if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
            !session_bus_setup(env)) {
                napi_throw_type_error(env, NULL, "appd binding: busWait(id)");
                return NULL;
        }
        napi_get_value_double(env, argv[0], &id);
        key = (uint64_t) id;
        for (;;) {
                for (GList *l = sb.events.head; l; l = l->next) {
                        SessionEvent *e = l->data;

                        if (e->kind != SESSION_EVENT_SIGNAL || e->match != key)
                                continue;
                        g_queue_delete_link(&sb.events, l);
                        r = session_bus_value_read_all(env, e->message, &values);
                        session_event_free(e);
                        if (r < 0) {
                                js_throw_errno(env, "Cannot read the signal", r);
                                return NULL;
                        }
                        return values;
                }
                if (!sb.conn || !g_hash_table_lookup(sb.matches, &key)) {
                        napi_throw_error(env, NULL, "The session bus connection was lost");
                        return NULL;
                }
                r = sd_bus_process(sb.conn->link.bus, NULL);
                if (r == 0)
                        r = sd_bus_wait(sb.conn->link.bus, UINT64_MAX);
                if (r < 0 && r != -EINTR) {
                        session_conn_lost(&sb.conn->link, -r);
                        napi_throw_error(env, NULL, "The session bus connection was lost");
                        return NULL;
                }
                if (sb.conn)
                        link_schedule(&sb.conn->link);
        }
}

napi_value js_bus_match_cb(napi_env env, napi_callback_info info) {
        g_autofree char *sender = NULL, *path = NULL, *iface = NULL, *member = NULL;
        napi_value argv[6], result;
        size_t argc = G_N_ELEMENTS(argv);
        SessionMatch *match;
        sd_bus *bus;
        bool keep = false;
        int r;

        if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 6 ||
            !session_bus_setup(env)) {
                napi_throw_type_error(env, NULL, "appd binding: busMatch needs 6 arguments");
                return NULL;
        }
        sender = js_arg_string_or_null(env, argv[0]);
        path = js_arg_string_or_null(env, argv[1]);
        iface = js_arg_string_or_null(env, argv[2]);
        member = js_arg_string_or_null(env, argv[3]);
        napi_get_value_bool(env, argv[4], &keep);
        if (g_hash_table_size(sb.matches) >= SESSION_BUS_MATCHES_MAX) {
                napi_throw_error(env, "ENOBUFS",
                                 "Too many signal matches on the session bus (" G_STRINGIFY(SESSION_BUS_MATCHES_MAX) ")");
                return NULL;
        }
        r = session_bus_get(&bus);
        if (r < 0) {
                js_throw_errno(env, "Cannot connect to the session bus", r);
                return NULL;
        }
        match = g_new0(SessionMatch, 1);
        match->id = ++sb.next_match;
        /* Asynchronous: AddMatch goes out before any call made after it,
         * and the bus handles them in order, so the match is in place
         * before a reply could cause the signal. */
        r = sd_bus_match_signal_async(bus, &match->slot, sender, path, iface, member,
                                      session_match_cb, session_match_installed_cb, match);
        if (r < 0) {
                g_free(match);
                js_throw_errno(env, "Cannot watch the signal", r);
                return NULL;
        }
        napi_create_reference(env, argv[5], 1, &match->callback);
        match->keep = keep;
        if (keep)
                sb.keeps++;
        g_hash_table_insert(sb.matches, &match->id, match);
        session_bus_update_ref();
        if (sb.conn)
                link_schedule(&sb.conn->link);
        napi_create_double(env, (double) match->id, &result);
        return result;
}

napi_value js_bus_unmatch_cb(napi_env env, napi_callback_info info) {
        napi_value argv[1];
        size_t argc = 1;
        double id = 0;
        uint64_t key;

        if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
            !session_bus_setup(env))
                return NULL;
        napi_get_value_double(env, argv[0], &id);
        key = (uint64_t) id;
        g_hash_table_remove(sb.matches, &key);
        session_bus_update_ref();
        return NULL;
}

napi_value js_bus_unique_name_cb(napi_env env, napi_callback_info info) {
        const char *name = NULL;
        napi_value result;

        /* sd_bus_get_unique_name() would wait for Hello's reply. */
        if (!sb.conn || sd_bus_is_ready(sb.conn->link.bus) <= 0 ||
            sd_bus_get_unique_name(sb.conn->link.bus, &name) < 0) {
                napi_get_null(env, &result);
                return result;
        }
        return js_string(env, name);
}
