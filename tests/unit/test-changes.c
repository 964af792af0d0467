/* daemon/changes.c: what model code marks reaches the bus once the turn is
 * over, one PropertiesChanged per object with all its properties, signals
 * in order, and nothing for an object freed meanwhile.  The bus functions
 * are this file's own, recording what would be sent. */
#include <glib.h>

#include "bus.h"

static GString *sent;

void bus_app_send_changed(App *a, guint properties) {
        g_string_append_printf(sent, "app %s %#x;", a->id, properties);
}

void bus_window_send_changed(Window *w, guint properties) {
        g_string_append_printf(sent, "window %u %#x;", w->id, properties);
}

void bus_manager_send_app_started(Daemon *d, const char *app_id, const char *app_path) {
        g_string_append_printf(sent, "started %s %s;", app_id, app_path);
}

void bus_manager_send_app_exited(Daemon *d, const char *app_id, int exit_code,
                                 const char *reason, const char *message) {
        g_string_append_printf(sent, "exited %s %d %s %s;", app_id, exit_code, reason, message);
}

static Daemon daemon_;

static Window *window_new(guint id) {
        Window *w = g_new0(Window, 1);

        w->daemon = &daemon_;
        w->id = id;
        return w;
}

static App *app_new(const char *id) {
        App *a = g_new0(App, 1);

        a->daemon = &daemon_;
        a->id = g_strdup(id);
        a->object_path = g_strdup_printf("/app/%s", id);
        a->exit_reason = g_strdup("exit");
        a->exit_message = g_strdup("bye");
        return a;
}

static void app_destroy(App *a) {
        changes_drop(a->daemon, &a->change);
        g_free(a->id);
        g_free(a->object_path);
        g_free(a->exit_reason);
        g_free(a->exit_message);
        g_free(a);
}

/* Runs the main loop until the queue's source has sent what it holds;
 * returns that, and forgets it. */
static char *run_turn(void) {
        g_assert_cmpuint(daemon_.changes_source, !=, 0);
        while (daemon_.changes_source)
                g_main_context_iteration(NULL, TRUE);
        g_assert_cmpuint(daemon_.changes.length, ==, 0);
        return g_string_free(g_steal_pointer(&sent), FALSE);
}

static void setup(void) {
        sent = g_string_new(NULL);
}

static void test_coalesced(void) {
        g_autofree char *out = NULL;
        Window *w = window_new(7);

        setup();
        window_mark_changed(w, WINDOW_PROPERTY_TITLE);
        window_mark_changed(w, WINDOW_PROPERTY_URL);
        window_mark_changed(w, WINDOW_PROPERTY_TITLE | WINDOW_PROPERTY_LOADING);
        /* Nothing before the turn is over. */
        g_assert_cmpstr(sent->str, ==, "");
        out = run_turn();
        g_assert_cmpstr(out, ==, "window 7 0x13;");
        g_assert_null(w->change);

        /* A change after the flush is queued anew. */
        setup();
        window_mark_changed(w, WINDOW_PROPERTY_BOUNDS);
        g_free(out);
        out = run_turn();
        g_assert_cmpstr(out, ==, "window 7 0x4;");
        g_free(w);
}

static void test_order(void) {
        g_autofree char *out = NULL;
        Window *w = window_new(3);
        App *a = app_new("notes");

        setup();
        changes_queue_app_started(a);
        app_mark_changed(a, APP_PROPERTY_STATE);
        window_mark_changed(w, WINDOW_PROPERTY_VISIBLE);
        a->exit_code = 4;
        changes_queue_app_exited(a);
        /* Joins the window's entry, ahead of AppExited. */
        window_mark_changed(w, WINDOW_PROPERTY_RENDERER_PID);
        out = run_turn();
        g_assert_cmpstr(out, ==,
                        "started notes /app/notes;app notes 0x1;window 3 0x28;"
                        "exited notes 4 exit bye;");
        app_destroy(a);
        g_free(w);
}

/* An object freed before the flush is dropped from the queue by its free;
 * a signal about it keeps its own copies. */
static void test_freed(void) {
        g_autofree char *out = NULL;
        Window *gone = window_new(1), *kept = window_new(2);
        App *a = app_new("brief");

        setup();
        window_mark_changed(gone, WINDOW_PROPERTY_TITLE);
        window_mark_changed(kept, WINDOW_PROPERTY_URL);
        app_mark_changed(a, APP_PROPERTY_STATE);
        changes_queue_app_exited(a);
        changes_drop(&daemon_, &gone->change);
        g_assert_null(gone->change);
        g_free(gone);
        app_destroy(a);
        /* Dropping what is not queued changes nothing. */
        changes_drop(&daemon_, &kept->change);
        window_mark_changed(kept, WINDOW_PROPERTY_TITLE);
        out = run_turn();
        g_assert_cmpstr(out, ==, "exited brief 0 exit bye;window 2 0x1;");
        g_free(kept);
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/changes/coalesced", test_coalesced);
        g_test_add_func("/changes/order", test_order);
        g_test_add_func("/changes/freed", test_freed);
        return g_test_run();
}
