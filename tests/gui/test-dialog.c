/* dialog's file choosers through the real xdg-desktop-portal and its gtk
 * backend (D-Bus activated in the test's session): tests/apps/dialog opens
 * them one after the other; this test finds each on the display by its
 * title and answers as a person would with xdotool (a path and Return,
 * or Escape), and the app checks what it got. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "harness.h"

static Harness *h;

/* Runs xdotool with the arguments; its first line of output, or NULL
 * when it failed or said nothing. */
static char *xdotool(const char *const *args) {
        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        g_autofree char *out = NULL;
        int status = -1;

        g_ptr_array_add(argv, (gpointer) "xdotool");
        for (; *args; args++)
                g_ptr_array_add(argv, (gpointer) *args);
        g_ptr_array_add(argv, NULL);
        if (!g_spawn_sync(NULL, (char **) argv->pdata, NULL,
                          G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                          &status, NULL) ||
            !g_spawn_check_wait_status(status, NULL))
                return NULL;
        return g_strndup(out, strcspn(out, "\n"));
}

typedef struct {
        const char *title;
        char *window;
} Search;

static gboolean dialog_found(gpointer data) {
        Search *s = data;
        const char *args[] = { "search", "--onlyvisible", "--name", s->title, NULL };

        g_free(s->window);
        s->window = xdotool(args);
        return s->window && *s->window;
}

static gboolean dialog_gone(gpointer data) {
        return !dialog_found(data);
}

/* Waits for the dialog titled `title` and answers it: focuses it, types
 * `text` into its location entry when not NULL, presses `key`.  GTK may
 * take keys before its dialog is ready for them, so the answer is given
 * again until the dialog is gone (a few tries, each waiting 5 s). */
static void answer(const char *title, const char *text, const char *key) {
        Search s = { title, NULL };
        gboolean gone = FALSE;

        if (!harness_wait_for(dialog_found, &s, 30000)) {
                g_autofree char *log = harness_log(h);
                g_error("no dialog '%s' appeared:\n%s", title, log);
        }
        for (int tries = 0; tries < 5 && !gone; tries++) {
                const char *focus[] = { "windowfocus", "--sync", s.window, NULL };
                const char *location[] = { "key", "ctrl+l", "ctrl+a", NULL };
                const char *type[] = { "type", "--delay", "20", text, NULL };
                const char *press[] = { "key", key, NULL };

                g_free(xdotool(focus));
                if (text) {
                        g_free(xdotool(location));
                        g_free(xdotool(type));
                }
                g_free(xdotool(press));
                gone = harness_wait_for(dialog_gone, &s, 5000);
        }
        g_free(s.window);
        if (!gone) {
                g_autofree char *log = harness_log(h);
                g_error("dialog '%s' did not take the answer:\n%s", title, log);
        }
}

static void test_choosers(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *work = g_dir_make_tmp("appd-dialog-XXXXXX", &error);
        g_autofree char *pick = NULL, *app = harness_app("dialog");
        g_autoptr(GSubprocess) appctl = NULL;

        g_assert_no_error(error);
        pick = g_build_filename(work, "pick.txt", NULL);
        g_assert_true(g_file_set_contents(pick, "x", -1, NULL));
        appctl = g_subprocess_new(G_SUBPROCESS_FLAGS_NONE, &error, APPCTL_BIN, "open", "--wait",
                                  app, "--", work, NULL);
        g_assert_no_error(error);
        answer("appd open test", pick, "Return");
        answer("appd cancel test", NULL, "Escape");
        answer("appd save sync test", NULL, "Escape");
        g_assert_true(g_subprocess_wait(appctl, NULL, &error));
        if (g_subprocess_get_exit_status(appctl) != 0) {
                g_autofree char *log = harness_log(h);
                g_error("the app failed:\n%s", log);
        }
        harness_remove_tree(work);
}

int main(int argc, char **argv) {
        int rc;

        g_test_init(&argc, &argv, NULL);
        h = harness_start();
        g_test_add_func("/dialog/file-choosers", test_choosers);
        rc = g_test_run();
        harness_stop(h);
        return rc;
}
