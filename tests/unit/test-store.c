#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "harness.h"
#include "store.h"

static void test_record_and_list(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("appd-store-XXXXXX", &error);
        g_autoptr(GPtrArray) apps = NULL;
        Store *s = NULL;
        StoreApp *a;

        g_assert_no_error(error);
        g_assert_cmpint(store_open(dir, &s), ==, 0);
        g_assert_cmpint(store_app_opened(s, "one", "one", "1.0.0", "/apps/one", 100), ==, 0);
        g_assert_cmpint(store_app_opened(s, "two", "two", "2.0.0", "/apps/two", 200), ==, 0);
        g_assert_cmpint(store_app_opened(s, "one", "one", "1.1.0", "/apps/one", 300), ==, 0);
        store_close(s);

        /* Reopen: what was recorded is on disk. */
        g_assert_cmpint(store_open(dir, &s), ==, 0);
        g_assert_cmpint(store_list_apps(s, &apps), ==, 0);
        g_assert_cmpuint(apps->len, ==, 2);
        a = apps->pdata[0];
        g_assert_cmpstr(a->id, ==, "one");
        g_assert_cmpstr(a->version, ==, "1.1.0");
        g_assert_cmpint(a->open_count, ==, 2);
        g_assert_cmpint(a->last_opened, ==, 300);
        a = apps->pdata[1];
        g_assert_cmpstr(a->id, ==, "two");
        g_assert_cmpint(a->open_count, ==, 1);
        store_close(s);
        harness_remove_tree(dir);
}

static void test_window_states(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("appd-store-XXXXXX", &error);
        g_autofree char *json = NULL, *other = NULL;
        StoreWindowState a = { 10, 20, 300, 200, FALSE }, b = { -5, 0, 640, 480, TRUE };
        Store *s = NULL;

        g_assert_cmpint(store_open(dir, &s), ==, 0);
        g_assert_cmpint(store_window_state_save(s, "app", "main", &a), ==, 0);
        g_assert_cmpint(store_window_state_save(s, "app", "second", &b), ==, 0);
        a.width = 333;
        g_assert_cmpint(store_window_state_save(s, "app", "main", &a), ==, 0);
        g_assert_cmpint(store_window_state_save(s, "other", "main", &b), ==, 0);
        store_close(s);

        g_assert_cmpint(store_open(dir, &s), ==, 0);
        g_assert_cmpint(store_window_states_json(s, "app", &json), ==, 0);
        g_assert_cmpstr(json, ==,
                        "{\"main\":{\"x\":10,\"y\":20,\"width\":333,\"height\":200,"
                        "\"maximized\":false},\"second\":{\"x\":-5,\"y\":0,\"width\":640,"
                        "\"height\":480,\"maximized\":true}}");
        g_assert_cmpint(store_window_states_json(s, "nobody", &other), ==, 0);
        g_assert_cmpstr(other, ==, "{}");
        store_close(s);
        harness_remove_tree(dir);
}

/* A database written by the first schema keeps its apps and gains the
 * window states table. */
static void test_migrates_schema_1(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("appd-store-XXXXXX", &error);
        g_autofree char *path = g_build_filename(dir, "state.db", NULL);
        g_autoptr(GPtrArray) apps = NULL;
        g_autofree char *json = NULL;
        StoreWindowState st = { 1, 2, 3, 4, TRUE };
        sqlite3 *db = NULL;
        Store *s = NULL;

        g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
        g_assert_cmpint(sqlite3_exec(db,
                                     "CREATE TABLE apps (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
                                     " version TEXT NOT NULL, path TEXT NOT NULL,"
                                     " last_opened INTEGER NOT NULL,"
                                     " open_count INTEGER NOT NULL DEFAULT 0);"
                                     "INSERT INTO apps VALUES ('old', 'old', '1', '/old', 5, 9);"
                                     "PRAGMA user_version = 1;",
                                     NULL, NULL, NULL),
                        ==, SQLITE_OK);
        sqlite3_close(db);

        g_assert_cmpint(store_open(dir, &s), ==, 0);
        g_assert_cmpint(store_list_apps(s, &apps), ==, 0);
        g_assert_cmpuint(apps->len, ==, 1);
        g_assert_cmpint(((StoreApp *) apps->pdata[0])->open_count, ==, 9);
        g_assert_cmpint(store_window_state_save(s, "old", "k", &st), ==, 0);
        g_assert_cmpint(store_window_states_json(s, "old", &json), ==, 0);
        g_assert_nonnull(strstr(json, "\"maximized\":true"));
        store_close(s);
        harness_remove_tree(dir);
}

static void test_wal_mode(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("appd-store-XXXXXX", &error);
        g_autofree char *path = g_build_filename(dir, "state.db", NULL);
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        Store *s = NULL;

        g_assert_cmpint(store_open(dir, &s), ==, 0);
        g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
        g_assert_cmpint(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), ==,
                        SQLITE_OK);
        g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
        g_assert_cmpstr((const char *) sqlite3_column_text(st, 0), ==, "wal");
        sqlite3_finalize(st);
        sqlite3_close(db);
        store_close(s);
        harness_remove_tree(dir);
}

static void test_newer_schema_refused(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("appd-store-XXXXXX", &error);
        g_autofree char *path = g_build_filename(dir, "state.db", NULL);
        sqlite3 *db = NULL;
        Store *s = NULL;

        g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
        g_assert_cmpint(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==,
                        SQLITE_OK);
        sqlite3_close(db);
        g_test_expect_message(NULL, G_LOG_LEVEL_WARNING, "*newer*");
        g_assert_cmpint(store_open(dir, &s), <, 0);
        g_test_assert_expected_messages();
        g_assert_null(s);
        harness_remove_tree(dir);
}

static void test_corrupt_file(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("appd-store-XXXXXX", &error);
        g_autofree char *path = g_build_filename(dir, "state.db", NULL);
        Store *s = NULL;

        g_assert_true(g_file_set_contents(path, "this is not a database, it is text padded "
                                          "out to look like something bigger than a header",
                                          -1, NULL));
        g_test_expect_message(NULL, G_LOG_LEVEL_WARNING, "*");
        g_assert_cmpint(store_open(dir, &s), <, 0);
        g_test_assert_expected_messages();
        /* The file was not replaced: nothing is lost silently. */
        g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
        harness_remove_tree(dir);
}

/* The running apps are on disk as soon as they are recorded, with their
 * arguments; restore counts grow until an app settles. */
static void test_session(void) {
        static const char *const args[] = { "--flag", "a \"quoted\" arg", "ü", NULL };
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("appd-store-XXXXXX", &error);
        g_autoptr(GPtrArray) list = NULL;
        StoreSessionApp *a;
        Store *s = NULL;

        g_assert_no_error(error);
        g_assert_cmpint(store_open(dir, &s), ==, 0);
        g_assert_cmpint(store_session_add(s, "one", "/apps/one", args, 100), ==, 0);
        g_assert_cmpint(store_session_add(s, "two", "/apps/two", NULL, 200), ==, 0);
        g_assert_cmpint(store_session_add(s, "three", "/apps/three", NULL, 300), ==, 0);
        g_assert_cmpint(store_session_remove(s, "three"), ==, 0);
        g_assert_cmpint(store_session_restoring(s, "two"), ==, 0);
        g_assert_cmpint(store_session_restoring(s, "two"), ==, 0);
        /* Started again by the restore: the count stays. */
        g_assert_cmpint(store_session_add(s, "two", "/apps/two", NULL, 400), ==, 0);
        /* Not closed: as after a kill, only what is on disk counts. */
        {
                Store *other = NULL;

                g_assert_cmpint(store_open(dir, &other), ==, 0);
                g_assert_cmpint(store_session_list(other, &list), ==, 0);
                store_close(other);
        }
        g_assert_cmpuint(list->len, ==, 2);
        a = list->pdata[0];
        g_assert_cmpstr(a->app_id, ==, "one");
        g_assert_cmpstr(a->path, ==, "/apps/one");
        g_assert_cmpstrv(a->args, args);
        g_assert_cmpint(a->restores, ==, 0);
        a = list->pdata[1];
        g_assert_cmpstr(a->app_id, ==, "two");
        g_assert_cmpuint(g_strv_length(a->args), ==, 0);
        g_assert_cmpint(a->restores, ==, 2);
        g_clear_pointer(&list, g_ptr_array_unref);

        g_assert_cmpint(store_session_settled(s, "two"), ==, 0);
        g_assert_cmpint(store_session_list(s, &list), ==, 0);
        g_assert_cmpint(((StoreSessionApp *) list->pdata[1])->restores, ==, 0);
        g_clear_pointer(&list, g_ptr_array_unref);

        g_assert_cmpint(store_session_clear(s), ==, 0);
        g_assert_cmpint(store_session_list(s, &list), ==, 0);
        g_assert_cmpuint(list->len, ==, 0);
        store_close(s);
        harness_remove_tree(dir);
}

/* Ids are per folder: a second folder with the same package name gets an
 * id of its own, and keeps it; the first keeps its own. */
static void test_app_ids(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("appd-store-XXXXXX", &error);
        Store *s = NULL;
        struct {
                const char *base, *path, *want;
        } steps[] = {
                { "idle", "/apps/idle", "idle" },
                { "idle", "/elsewhere/idle", "idle-2" },
                { "idle", "/third/idle", "idle-3" },
                { "idle", "/elsewhere/idle", "idle-2" },
                { "idle", "/apps/idle", "idle" },
                /* The folder's package renamed: the new name's id. */
                { "renamed", "/apps/idle", "renamed" },
                /* A name that looks like a given id gets one of its own. */
                { "idle-2", "/other/idle-2", "idle-2-2" },
        };

        g_assert_no_error(error);
        g_assert_cmpint(store_open(dir, &s), ==, 0);
        for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
                g_autofree char *id = NULL;

                g_assert_cmpint(store_app_id_for_path(s, steps[i].base, steps[i].path, &id), ==, 0);
                g_assert_cmpstr(id, ==, steps[i].want);
                g_assert_cmpint(store_app_opened(s, id, steps[i].base, "1.0.0", steps[i].path,
                                                 (int64_t) i), ==, 0);
        }
        store_close(s);
        harness_remove_tree(dir);
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/store/record-and-list", test_record_and_list);
        g_test_add_func("/store/window-states", test_window_states);
        g_test_add_func("/store/migrates-schema-1", test_migrates_schema_1);
        g_test_add_func("/store/wal-mode", test_wal_mode);
        g_test_add_func("/store/newer-schema-refused", test_newer_schema_refused);
        g_test_add_func("/store/corrupt-file", test_corrupt_file);
        g_test_add_func("/store/session", test_session);
        g_test_add_func("/store/app-ids", test_app_ids);
        return g_test_run();
}
