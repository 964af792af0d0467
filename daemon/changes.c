/* What the bus has yet to hear of the model: objects with changed
 * properties and Manager signals, in the order they happened.  Model code
 * marks and queues; one source, at the bus source's priority so a busy
 * link cannot starve it, sends them once the main loop's turn is over: one
 * PropertiesChanged per object listing all that changed in the turn,
 * signals between them in order (as systemd's unit_add_to_dbus_queue()).
 * An object's entry goes with the object (changes_drop() from its free),
 * so nothing is sent for an object that no longer exists; a signal
 * carries copies of what it says. */
#include "daemon.h"

#include "bus.h"

typedef enum {
        CHANGE_APP,
        CHANGE_WINDOW,
        CHANGE_APP_STARTED,
        CHANGE_APP_EXITED,
} ChangeKind;

typedef struct {
        ChangeKind kind;
        gpointer object;        /* App* or Window* for their properties */
        GList **owner;          /* the object's own pointer to this entry */
        guint properties;       /* AppProperty or WindowProperty bits */
        /* The signals' arguments. */
        char *app_id;
        char *app_path;
        int exit_code;
        char *exit_reason;
        char *exit_message;
} Change;

static void change_free(Change *c) {
        g_free(c->app_id);
        g_free(c->app_path);
        g_free(c->exit_reason);
        g_free(c->exit_message);
        g_free(c);
}

static void change_send(Daemon *d, Change *c) {
        switch (c->kind) {
        case CHANGE_APP:
                bus_app_send_changed(c->object, c->properties);
                break;
        case CHANGE_WINDOW:
                bus_window_send_changed(c->object, c->properties);
                break;
        case CHANGE_APP_STARTED:
                bus_manager_send_app_started(d, c->app_id, c->app_path);
                break;
        case CHANGE_APP_EXITED:
                bus_manager_send_app_exited(d, c->app_id, c->exit_code, c->exit_reason,
                                            c->exit_message);
                break;
        }
}

void changes_flush(Daemon *d) {
        Change *c;

        if (d->changes_source) {
                g_source_remove(d->changes_source);
                d->changes_source = 0;
        }
        /* Taken off the queue before it is sent: what sending may mark
         * again goes to the next flush. */
        while ((c = g_queue_pop_head(&d->changes))) {
                if (c->owner)
                        *c->owner = NULL;
                change_send(d, c);
                change_free(c);
        }
}

static gboolean changes_flush_cb(gpointer user_data) {
        Daemon *d = user_data;

        d->changes_source = 0;
        changes_flush(d);
        return G_SOURCE_REMOVE;
}

static Change *changes_push(Daemon *d, ChangeKind kind) {
        Change *c = g_new0(Change, 1);

        c->kind = kind;
        g_queue_push_tail(&d->changes, c);
        if (!d->changes_source)
                d->changes_source = g_idle_add_full(G_PRIORITY_DEFAULT, changes_flush_cb, d, NULL);
        return c;
}

/* Adds `properties` to the object's entry, queued at its first change
 * since the last flush. */
static void changes_mark(Daemon *d, ChangeKind kind, gpointer object, GList **entry,
                         guint properties) {
        Change *c;

        if (!*entry) {
                c = changes_push(d, kind);
                c->object = object;
                c->owner = entry;
                *entry = d->changes.tail;
        }
        ((Change *) (*entry)->data)->properties |= properties;
}

void app_mark_changed(App *a, AppProperty properties) {
        changes_mark(a->daemon, CHANGE_APP, a, &a->change, properties);
}

void window_mark_changed(Window *w, WindowProperty properties) {
        changes_mark(w->daemon, CHANGE_WINDOW, w, &w->change, properties);
}

void changes_drop(Daemon *d, GList **entry) {
        if (!*entry)
                return;
        change_free((*entry)->data);
        g_queue_delete_link(&d->changes, *entry);
        *entry = NULL;
}

void changes_queue_app_started(App *a) {
        Change *c = changes_push(a->daemon, CHANGE_APP_STARTED);

        c->app_id = g_strdup(a->id);
        c->app_path = g_strdup(a->object_path);
}

void changes_queue_app_exited(App *a) {
        Change *c = changes_push(a->daemon, CHANGE_APP_EXITED);

        c->app_id = g_strdup(a->id);
        c->exit_code = a->exit_code;
        c->exit_reason = g_strdup(a->exit_reason);
        c->exit_message = g_strdup(a->exit_message);
}
