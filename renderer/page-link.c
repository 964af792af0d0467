/* Page links: the web process extension (web-process/page-extension.c)
 * asks for one when WebKit makes a page, and gets the fd of a connection
 * appd made for this window (Host.OpenPageLink), on which the page's IPC
 * goes straight to the window's app process.  One is kept ready for the
 * next web process. */
#include <gio/gunixfdlist.h>
#include <unistd.h>

#include "app-window-private.h"
#include "web-process/page-messages.h"

/* Where the web process extension is: beside the renderer in a build
 * tree, else where it is installed. */
static char *page_extension_dir(void) {
        const char *env = g_getenv("APPD_WEB_EXTENSIONS_DIR");
        g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
        g_autofree char *dir = exe ? g_path_get_dirname(exe) : NULL;
        g_autofree char *sibling = dir ? g_build_filename(dir, "web-extensions", NULL) : NULL;

        if (env && *env)
                return g_strdup(env);
        if (sibling && g_file_test(sibling, G_FILE_TEST_IS_DIR))
                return g_steal_pointer(&sibling);
        return g_strdup(APPD_WEB_EXTENSIONS_DIR);
}

static void page_link_reply(WebKitUserMessage *asked, int fd) {
        GUnixFDList *fds = fd >= 0 ? g_unix_fd_list_new_from_array(&fd, 1) : NULL;

        /* Without an fd the extension keeps the page on WebKit's messages. */
        webkit_user_message_send_reply(asked, webkit_user_message_new_with_fd_list(PAGE_LINK_MESSAGE, NULL, fds));
}

static gboolean view_user_message_cb(WebKitWebView *view, WebKitUserMessage *message, AppWindow *self) {
        if (g_strcmp0(webkit_user_message_get_name(message), PAGE_LINK_MESSAGE) != 0)
                return FALSE;
        if (self->links.spare >= 0) {
                page_link_reply(message, self->links.spare);
                self->links.spare = -1;
        } else {
                /* An older request still waiting loses out to this one. */
                if (self->links.asked)
                        page_link_reply(self->links.asked, -1);
                g_set_object(&self->links.asked, message);
        }
        g_signal_emit(self, app_window_signals[SIGNAL_PAGE_LINK_WANTED], 0);
        return TRUE;
}

gboolean app_window_wants_page_links(AppWindow *self) {
        g_return_val_if_fail(APP_IS_WINDOW(self), FALSE);
        return self->links.enabled;
}

void app_window_give_page_link(AppWindow *self, int fd) {
        g_return_if_fail(APP_IS_WINDOW(self));

        if (self->links.asked) {
                page_link_reply(self->links.asked, fd);
                g_clear_object(&self->links.asked);
                g_signal_emit(self, app_window_signals[SIGNAL_PAGE_LINK_WANTED], 0);
                return;
        }
        if (self->links.spare >= 0)
                close(self->links.spare);
        self->links.spare = fd;
}

void page_extension_load(AppWindow *self, WebKitWebContext *context, gboolean bridge, gboolean links) {
        g_autofree char *dir = page_extension_dir();

        webkit_web_context_set_web_process_extensions_directory(context, dir);
        webkit_web_context_set_web_process_extensions_initialization_user_data(
                context, g_variant_new("(sbb)", self->ipc.world ? self->ipc.world : "", bridge, links));
        self->links.enabled = links;
}

void page_link_connect(AppWindow *self) {
        g_signal_connect_object(self->view, "user-message-received", G_CALLBACK(view_user_message_cb), self, 0);
}

void page_link_init(AppWindow *self) {
        self->links.spare = -1;
}

void page_link_dispose(AppWindow *self) {
        if (self->links.spare >= 0) {
                close(self->links.spare);
                self->links.spare = -1;
        }
        g_clear_object(&self->links.asked);
}
