/* Daemon state kept in SQLite (WAL) under $XDG_STATE_HOME/appd. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include <stdint.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sqlite3, sqlite3_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(sqlite3_stmt, sqlite3_finalize)

typedef struct Store Store;

typedef struct {
        char *id;
        char *name;
        char *version;
        char *path;
        int64_t last_opened;  /* µs since the epoch */
        int64_t open_count;
} StoreApp;

void store_app_free(StoreApp *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreApp, store_app_free)

/* Opens (creating) dir/state.db.  Negative errno on failure. */
int store_open(const char *dir, Store **ret);
void store_close(Store *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Store, store_close)

/* Records that an app was opened now. */
int store_app_opened(Store *s, const char *id, const char *name, const char *version,
                     const char *path, int64_t now_usec);
/* The id of the app in folder `path`, whose package name gives `base`:
 * the id this folder had, else `base` when no other folder has it, else
 * the first of base-2, base-3, … that none has.  Ids are never shared by
 * two folders, so one app cannot take another's data by its name. */
int store_app_id_for_path(Store *s, const char *base, const char *path, char **ret);
/* Known apps, most recently opened first: a GPtrArray of StoreApp. */
int store_list_apps(Store *s, GPtrArray **ret);

/* A remembered window: bounds and maximized state under a key the app
 * chose (BrowserWindow option appd.stateKey). */
typedef struct {
        int x, y, width, height;
        gboolean maximized;
} StoreWindowState;

int store_window_state_save(Store *s, const char *app_id, const char *key,
                            const StoreWindowState *state);
/* All of an app's remembered windows as a JSON object text:
 * {"key": {"x":…, "y":…, "width":…, "height":…, "maximized":…}, …}. */
int store_window_states_json(Store *s, const char *app_id, char **ret);

/* The session: apps running now, so that after appd ends abnormally the
 * next appd starts them again.  A row is written when an app starts and
 * removed when it ends; what is left at start was running when the
 * previous appd died. */
typedef struct {
        char *app_id;
        char *path;           /* the app's folder */
        char **args;          /* its arguments, never NULL */
        int restores;         /* restores since it last settled */
} StoreSessionApp;

void store_session_app_free(StoreSessionApp *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreSessionApp, store_session_app_free)

/* Records a running app; keeps its restore count if it has a row. */
int store_session_add(Store *s, const char *app_id, const char *path, const char *const *args,
                      int64_t now_usec);
int store_session_remove(Store *s, const char *app_id);
/* Counts one more restore of the app, before it is started again. */
int store_session_restoring(Store *s, const char *app_id);
/* The app has run long enough after a restore: its count starts over. */
int store_session_settled(Store *s, const char *app_id);
/* An orderly stop: nothing to restore. */
int store_session_clear(Store *s);
/* The recorded apps, oldest first: a GPtrArray of StoreSessionApp. */
int store_session_list(Store *s, GPtrArray **ret);
