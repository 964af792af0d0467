/* The floor of the IPC benchmark: the least a GTK4 + WebKitGTK 6.0 program
 * does for a page to reach native code and get an answer.  The page
 * (floor-page.html, with timing.js) times a script message handler with
 * reply, a fetch() to a custom URI scheme and a synchronous XHR to it;
 * each echoes what it gets.  appd's IPC crosses the same WebKit
 * boundary, then the bus and the app's Worker, so these are what appd's
 * figures are divided by.
 *
 * Usage: appd-bench-ipc-floor DIR [--smoke]
 * DIR holds floor-page.html and timing.js; the page's figures (JSON) are
 * printed on stdout and the program ends. */
#include <gtk/gtk.h>
#include <stdio.h>
#include <string.h>
#include <webkit/webkit.h>

#define SCHEME "floor"
#define READ_CHUNK (256 * 1024)

static const char *page_dir;
static GMainLoop *loop;

static gboolean echo_cb(WebKitUserContentManager *manager, JSCValue *message, WebKitScriptMessageReply *reply,
                        gpointer data) {
        g_autofree char *text = jsc_value_to_string(message);
        g_autoptr(JSCValue) value = jsc_value_new_string(jsc_value_get_context(message), text);

        webkit_script_message_reply_return_value(reply, value);
        return TRUE;
}

static void done_cb(WebKitUserContentManager *manager, JSCValue *message, gpointer data) {
        g_autofree char *text = jsc_value_to_string(message);

        printf("%s\n", text);
        fflush(stdout);
        g_main_loop_quit(loop);
}

typedef struct {
        WebKitURISchemeRequest *request;
        GInputStream *body;
        GByteArray *data;
} Echo;

static void echo_finish(Echo *e) {
        SoupMessageHeaders *headers = soup_message_headers_new(SOUP_MESSAGE_HEADERS_RESPONSE);
        gsize size = e->data->len;
        g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes(e->data);
        g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes(bytes);
        g_autoptr(WebKitURISchemeResponse) response = webkit_uri_scheme_response_new(stream, (gint64) size);

        /* The page's own origin: WebKit wants the grant for custom schemes. */
        soup_message_headers_append(headers, "Access-Control-Allow-Origin", SCHEME "://bench");
        webkit_uri_scheme_response_set_http_headers(response, headers);
        webkit_uri_scheme_response_set_content_type(response, "application/octet-stream");
        webkit_uri_scheme_request_finish_with_response(e->request, response);
        g_object_unref(e->request);
        g_clear_object(&e->body);
        g_free(e);
}

static void body_read_cb(GObject *source, GAsyncResult *result, gpointer user_data) {
        Echo *e = user_data;
        g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), result, NULL);

        if (!chunk || g_bytes_get_size(chunk) == 0) {
                echo_finish(e);
                return;
        }
        g_byte_array_append(e->data, g_bytes_get_data(chunk, NULL), g_bytes_get_size(chunk));
        g_input_stream_read_bytes_async(e->body, READ_CHUNK, G_PRIORITY_DEFAULT, NULL, body_read_cb, e);
}

static void scheme_cb(WebKitURISchemeRequest *request, gpointer data) {
        const char *path = webkit_uri_scheme_request_get_path(request);
        g_autoptr(GError) error = NULL;
        g_autofree char *file = NULL, *contents = NULL;
        gsize size;

        if (g_strcmp0(path, "/echo") == 0) {
                Echo *e = g_new0(Echo, 1);

                e->request = g_object_ref(request);
                e->data = g_byte_array_new();
                e->body = webkit_uri_scheme_request_get_http_body(request);
                if (!e->body) {
                        echo_finish(e);
                        return;
                }
                g_input_stream_read_bytes_async(e->body, READ_CHUNK, G_PRIORITY_DEFAULT, NULL, body_read_cb, e);
                return;
        }
        /* The page and its script. */
        file = g_build_filename(page_dir, strcmp(path, "/timing.js") == 0 ? "timing.js" : "floor-page.html", NULL);
        if (!g_file_get_contents(file, &contents, &size, &error)) {
                webkit_uri_scheme_request_finish_error(request, error);
                return;
        }
        {
                g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data(g_steal_pointer(&contents),
                                                                                   (gssize) size, g_free);

                webkit_uri_scheme_request_finish(request, stream, (gint64) size,
                                                 g_str_has_suffix(file, ".js") ? "text/javascript" : "text/html");
        }
}

int main(int argc, char **argv) {
        g_autoptr(WebKitUserContentManager) content = NULL;
        g_autofree char *uri = NULL;
        GtkWidget *window, *view;

        if (argc < 2) {
                fprintf(stderr, "usage: %s DIR [--smoke]\n", argv[0]);
                return 2;
        }
        page_dir = argv[1];
        gtk_init();
        loop = g_main_loop_new(NULL, FALSE);

        content = webkit_user_content_manager_new();
        webkit_user_content_manager_register_script_message_handler_with_reply(content, "echo", NULL);
        g_signal_connect(content, "script-message-with-reply-received::echo", G_CALLBACK(echo_cb), NULL);
        webkit_user_content_manager_register_script_message_handler(content, "done", NULL);
        g_signal_connect(content, "script-message-received::done", G_CALLBACK(done_cb), NULL);

        window = gtk_window_new();
        gtk_window_set_title(GTK_WINDOW(window), "ipc floor");
        gtk_window_set_default_size(GTK_WINDOW(window), 400, 300);
        view = g_object_new(WEBKIT_TYPE_WEB_VIEW, "user-content-manager", content, NULL);
        webkit_web_context_register_uri_scheme(webkit_web_view_get_context(WEBKIT_WEB_VIEW(view)), SCHEME,
                                               scheme_cb, NULL, NULL);
        webkit_security_manager_register_uri_scheme_as_secure(
                webkit_web_context_get_security_manager(webkit_web_view_get_context(WEBKIT_WEB_VIEW(view))),
                SCHEME);
        webkit_security_manager_register_uri_scheme_as_cors_enabled(
                webkit_web_context_get_security_manager(webkit_web_view_get_context(WEBKIT_WEB_VIEW(view))),
                SCHEME);
        gtk_window_set_child(GTK_WINDOW(window), view);

        uri = g_strdup_printf(SCHEME "://bench/index.html?smoke=%d", argc > 2 && strcmp(argv[2], "--smoke") == 0);
        webkit_web_view_load_uri(WEBKIT_WEB_VIEW(view), uri);
        gtk_window_present(GTK_WINDOW(window));
        g_main_loop_run(loop);
        return 0;
}
