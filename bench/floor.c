/* The floor: the least a GTK4 + WebKitGTK 6.0 program does to show a page
 * — one window, one web view, the default network session.  Every
 * WebKitGTK app pays at least this, so appd's figures are divided by it.
 *
 * Usage: appd-bench-floor URI
 * Prints the page's "bench ..." title on stdout when the page sets it. */
#include <gtk/gtk.h>
#include <stdio.h>
#include <webkit/webkit.h>

static void title_cb(WebKitWebView *view, GParamSpec *pspec, gpointer data) {
        const char *title = webkit_web_view_get_title(view);

        if (title && g_str_has_prefix(title, "bench ")) {
                printf("%s\n", title);
                fflush(stdout);
        }
}

static gboolean close_cb(GtkWindow *window, GMainLoop *loop) {
        g_main_loop_quit(loop);
        return FALSE;
}

int main(int argc, char **argv) {
        g_autoptr(GMainLoop) loop = NULL;
        GtkWidget *window, *view;

        if (argc != 2) {
                fprintf(stderr, "usage: %s URI\n", argv[0]);
                return 2;
        }
        gtk_init();
        loop = g_main_loop_new(NULL, FALSE);

        window = gtk_window_new();
        gtk_window_set_title(GTK_WINDOW(window), "bench");
        gtk_window_set_default_size(GTK_WINDOW(window), 800, 600);
        view = webkit_web_view_new();
        g_signal_connect(view, "notify::title", G_CALLBACK(title_cb), NULL);
        gtk_window_set_child(GTK_WINDOW(window), view);
        g_signal_connect(window, "close-request", G_CALLBACK(close_cb), loop);

        webkit_web_view_load_uri(WEBKIT_WEB_VIEW(view), argv[1]);
        gtk_window_present(GTK_WINDOW(window));
        g_main_loop_run(loop);
        return 0;
}
