#include "store.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#define STORE_SCHEMA_VERSION 3

struct Store {
        sqlite3 *db;
};

void store_app_free(StoreApp *a) {
        if (!a)
                return;
        g_free(a->id);
        g_free(a->name);
        g_free(a->version);
        g_free(a->path);
        g_free(a);
}

void store_close(Store *s) {
        if (!s)
                return;
        sqlite3_close(s->db);
        g_free(s);
}

static int store_exec(Store *s, const char *sql) {
        char *msg = NULL;
        if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
                g_warning("store: %s: %s", sql, msg);
                sqlite3_free(msg);
                return -EIO;
        }
        return 0;
}

static int store_migrate(Store *s) {
        g_autoptr(sqlite3_stmt) st = NULL;
        int version = 0;

        if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
                return -EIO;
        if (sqlite3_step(st) == SQLITE_ROW)
                version = sqlite3_column_int(st, 0);
        if (version > STORE_SCHEMA_VERSION) {
                g_warning("store: database schema %d is newer than this appd (%d)",
                          version, STORE_SCHEMA_VERSION);
                return -EPROTO;
        }
        if (version < 1 && store_exec(s,
                "BEGIN;"
                "CREATE TABLE IF NOT EXISTS apps ("
                "  id TEXT PRIMARY KEY,"
                "  name TEXT NOT NULL,"
                "  version TEXT NOT NULL,"
                "  path TEXT NOT NULL,"
                "  last_opened INTEGER NOT NULL,"
                "  open_count INTEGER NOT NULL DEFAULT 0);"
                "PRAGMA user_version = 1;"
                "COMMIT;") < 0)
                return -EIO;
        if (version < 2 && store_exec(s,
                "BEGIN;"
                "CREATE TABLE IF NOT EXISTS window_states ("
                "  app_id TEXT NOT NULL,"
                "  key TEXT NOT NULL,"
                "  x INTEGER NOT NULL, y INTEGER NOT NULL,"
                "  width INTEGER NOT NULL, height INTEGER NOT NULL,"
                "  maximized INTEGER NOT NULL,"
                "  PRIMARY KEY (app_id, key));"
                "PRAGMA user_version = 2;"
                "COMMIT;") < 0)
                return -EIO;
        if (version < 3 && store_exec(s,
                "BEGIN;"
                "CREATE TABLE IF NOT EXISTS session ("
                "  app_id TEXT PRIMARY KEY,"
                "  path TEXT NOT NULL,"
                "  args TEXT NOT NULL,"
                "  started INTEGER NOT NULL,"
                "  restores INTEGER NOT NULL DEFAULT 0);"
                "PRAGMA user_version = 3;"
                "COMMIT;") < 0)
                return -EIO;
        return 0;
}

int store_open(const char *dir, Store **ret) {
        g_autoptr(Store) s = g_new0(Store, 1);
        g_autofree char *path = NULL;
        int r;

        if (g_mkdir_with_parents(dir, 0700) < 0)
                return -errno;
        path = g_build_filename(dir, "state.db", NULL);
        if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                            SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
                g_warning("store: cannot open %s: %s", path, sqlite3_errmsg(s->db));
                return -EIO;
        }
        /* A short busy timeout: a second daemon on the same state (tests)
         * must not wedge the main loop for long. */
        sqlite3_busy_timeout(s->db, 200);
        r = store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        if (r < 0)
                return r;
        r = store_migrate(s);
        if (r < 0)
                return r;
        *ret = g_steal_pointer(&s);
        return 0;
}

int store_app_opened(Store *s, const char *id, const char *name, const char *version,
                     const char *path, int64_t now_usec) {
        g_autoptr(sqlite3_stmt) st = NULL;

        if (sqlite3_prepare_v2(s->db,
                               "INSERT INTO apps (id, name, version, path, last_opened, open_count) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, 1) "
                               "ON CONFLICT(id) DO UPDATE SET name=?2, version=?3, path=?4, "
                               "last_opened=?5, open_count=open_count+1",
                               -1, &st, NULL) != SQLITE_OK)
                return -EIO;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, version, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, path, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 5, now_usec);
        if (sqlite3_step(st) != SQLITE_DONE) {
                g_warning("store: cannot record app %s: %s", id, sqlite3_errmsg(s->db));
                return -EIO;
        }
        return 0;
}

/* Whether some folder has `id`: 1, 0, or a negative errno. */
static int store_app_id_taken(Store *s, const char *id) {
        g_autoptr(sqlite3_stmt) st = NULL;
        int r;

        if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM apps WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
                return -EIO;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
        r = sqlite3_step(st);
        return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -EIO;
}

int store_app_id_for_path(Store *s, const char *base, const char *path, char **ret) {
        g_autoptr(sqlite3_stmt) st = NULL;
        int r;

        /* This folder's id, if it had one for this name. */
        if (sqlite3_prepare_v2(s->db,
                               "SELECT id FROM apps WHERE path = ?1 AND "
                               "(id = ?2 OR id GLOB ?2 || '-[0-9]*') "
                               "ORDER BY last_opened DESC LIMIT 1",
                               -1, &st, NULL) != SQLITE_OK)
                return -EIO;
        sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, base, -1, SQLITE_TRANSIENT);
        r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
                *ret = g_strdup((const char *) sqlite3_column_text(st, 0));
                return 0;
        }
        if (r != SQLITE_DONE)
                return -EIO;
        for (unsigned n = 1; n < 100000; n++) {
                g_autofree char *id = n == 1 ? g_strdup(base) : g_strdup_printf("%s-%u", base, n);

                r = store_app_id_taken(s, id);
                if (r < 0)
                        return r;
                if (r == 0) {
                        *ret = g_steal_pointer(&id);
                        return 0;
                }
        }
        return -ENOSPC;
}

int store_list_apps(Store *s, GPtrArray **ret) {
        g_autoptr(sqlite3_stmt) st = NULL;
        g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func((GDestroyNotify) store_app_free);
        int r;

        if (sqlite3_prepare_v2(s->db,
                               "SELECT id, name, version, path, last_opened, open_count "
                               "FROM apps ORDER BY last_opened DESC, id",
                               -1, &st, NULL) != SQLITE_OK)
                return -EIO;
        while ((r = sqlite3_step(st)) == SQLITE_ROW) {
                StoreApp *a = g_new0(StoreApp, 1);
                a->id = g_strdup((const char *) sqlite3_column_text(st, 0));
                a->name = g_strdup((const char *) sqlite3_column_text(st, 1));
                a->version = g_strdup((const char *) sqlite3_column_text(st, 2));
                a->path = g_strdup((const char *) sqlite3_column_text(st, 3));
                a->last_opened = sqlite3_column_int64(st, 4);
                a->open_count = sqlite3_column_int64(st, 5);
                g_ptr_array_add(apps, a);
        }
        if (r != SQLITE_DONE)
                return -EIO;
        *ret = g_steal_pointer(&apps);
        return 0;
}

int store_window_state_save(Store *s, const char *app_id, const char *key,
                            const StoreWindowState *state) {
        g_autoptr(sqlite3_stmt) st = NULL;

        if (sqlite3_prepare_v2(s->db,
                               "INSERT OR REPLACE INTO window_states "
                               "(app_id, key, x, y, width, height, maximized) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                               -1, &st, NULL) != SQLITE_OK)
                return -EIO;
        sqlite3_bind_text(st, 1, app_id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 3, state->x);
        sqlite3_bind_int(st, 4, state->y);
        sqlite3_bind_int(st, 5, state->width);
        sqlite3_bind_int(st, 6, state->height);
        sqlite3_bind_int(st, 7, state->maximized ? 1 : 0);
        if (sqlite3_step(st) != SQLITE_DONE) {
                g_warning("store: cannot save window state %s/%s: %s", app_id, key,
                          sqlite3_errmsg(s->db));
                return -EIO;
        }
        return 0;
}

int store_window_states_json(Store *s, const char *app_id, char **ret) {
        g_autoptr(sqlite3_stmt) st = NULL;
        g_autoptr(JsonBuilder) b = json_builder_new();
        g_autoptr(JsonNode) root = NULL;
        int r;

        if (sqlite3_prepare_v2(s->db,
                               "SELECT key, x, y, width, height, maximized FROM window_states "
                               "WHERE app_id = ?1 ORDER BY key",
                               -1, &st, NULL) != SQLITE_OK)
                return -EIO;
        sqlite3_bind_text(st, 1, app_id, -1, SQLITE_TRANSIENT);
        json_builder_begin_object(b);
        while ((r = sqlite3_step(st)) == SQLITE_ROW) {
                static const char *const fields[] = { "x", "y", "width", "height" };

                json_builder_set_member_name(b, (const char *) sqlite3_column_text(st, 0));
                json_builder_begin_object(b);
                for (int i = 0; i < 4; i++) {
                        json_builder_set_member_name(b, fields[i]);
                        json_builder_add_int_value(b, sqlite3_column_int(st, i + 1));
                }
                json_builder_set_member_name(b, "maximized");
                json_builder_add_boolean_value(b, sqlite3_column_int(st, 5) != 0);
                json_builder_end_object(b);
        }
        if (r != SQLITE_DONE)
                return -EIO;
        json_builder_end_object(b);
        root = json_builder_get_root(b);
        *ret = json_to_string(root, FALSE);
        return 0;
}

void store_session_app_free(StoreSessionApp *a) {
        if (!a)
                return;
        g_free(a->app_id);
        g_free(a->path);
        g_strfreev(a->args);
        g_free(a);
}

static char *strv_to_json(const char *const *strv) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        g_autoptr(JsonNode) root = NULL;

        json_builder_begin_array(b);
        for (const char *const *p = strv; p && *p; p++)
                json_builder_add_string_value(b, *p);
        json_builder_end_array(b);
        root = json_builder_get_root(b);
        return json_to_string(root, FALSE);
}

/* NULL unless text is a JSON array of strings. */
static char **strv_from_json(const char *text) {
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
        JsonNode *root;
        JsonArray *array;

        if (!text || !json_parser_load_from_data(parser, text, -1, NULL))
                return NULL;
        root = json_parser_get_root(parser);
        if (!root || !JSON_NODE_HOLDS_ARRAY(root))
                return NULL;
        array = json_node_get_array(root);
        for (guint i = 0; i < json_array_get_length(array); i++) {
                JsonNode *n = json_array_get_element(array, i);

                if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
                        return NULL;
                g_ptr_array_add(out, g_strdup(json_node_get_string(n)));
        }
        g_ptr_array_add(out, NULL);
        return (char **) g_ptr_array_free(g_steal_pointer(&out), FALSE);
}

static int store_step_done(Store *s, sqlite3_stmt *st, const char *what) {
        if (sqlite3_step(st) != SQLITE_DONE) {
                g_warning("store: cannot %s: %s", what, sqlite3_errmsg(s->db));
                return -EIO;
        }
        return 0;
}

int store_session_add(Store *s, const char *app_id, const char *path, const char *const *args,
                      int64_t now_usec) {
        g_autoptr(sqlite3_stmt) st = NULL;
        g_autofree char *json = strv_to_json(args);

        /* A restored app keeps its count of restores until it settles. */
        if (sqlite3_prepare_v2(s->db,
                               "INSERT INTO session (app_id, path, args, started, restores) "
                               "VALUES (?1, ?2, ?3, ?4, 0) "
                               "ON CONFLICT(app_id) DO UPDATE SET path=?2, args=?3, started=?4",
                               -1, &st, NULL) != SQLITE_OK)
                return -EIO;
        sqlite3_bind_text(st, 1, app_id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, path, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, json, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 4, now_usec);
        return store_step_done(s, st, "record a running app");
}

/* Runs one statement about one app (?1); `what` names it in the log. */
static int store_exec_app(Store *s, const char *sql, const char *app_id, const char *what) {
        g_autoptr(sqlite3_stmt) st = NULL;

        if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
                return -EIO;
        sqlite3_bind_text(st, 1, app_id, -1, SQLITE_TRANSIENT);
        return store_step_done(s, st, what);
}

int store_session_remove(Store *s, const char *app_id) {
        return store_exec_app(s, "DELETE FROM session WHERE app_id = ?1", app_id,
                              "forget a running app");
}

int store_session_restoring(Store *s, const char *app_id) {
        return store_exec_app(s, "UPDATE session SET restores = restores + 1 WHERE app_id = ?1",
                              app_id, "count a restore");
}

int store_session_settled(Store *s, const char *app_id) {
        return store_exec_app(s, "UPDATE session SET restores = 0 WHERE app_id = ?1", app_id,
                              "reset a restore count");
}

int store_session_clear(Store *s) {
        return store_exec(s, "DELETE FROM session");
}

int store_session_list(Store *s, GPtrArray **ret) {
        g_autoptr(sqlite3_stmt) st = NULL;
        g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func((GDestroyNotify) store_session_app_free);
        int r;

        if (sqlite3_prepare_v2(s->db,
                               "SELECT app_id, path, args, restores FROM session ORDER BY started, app_id",
                               -1, &st, NULL) != SQLITE_OK)
                return -EIO;
        while ((r = sqlite3_step(st)) == SQLITE_ROW) {
                StoreSessionApp *a = g_new0(StoreSessionApp, 1);

                a->app_id = g_strdup((const char *) sqlite3_column_text(st, 0));
                a->path = g_strdup((const char *) sqlite3_column_text(st, 1));
                a->args = strv_from_json((const char *) sqlite3_column_text(st, 2));
                if (!a->args)
                        a->args = g_new0(char *, 1);
                a->restores = sqlite3_column_int(st, 3);
                g_ptr_array_add(apps, a);
        }
        if (r != SQLITE_DONE)
                return -EIO;
        *ret = g_steal_pointer(&apps);
        return 0;
}
