/* appd's WebKit web process extension: the page's own link to its app.
 *
 * Loaded into the web processes of every window.  When a page of a
 * window with IPC is created it asks appd-renderer (a user message) for a
 * page link, a D-Bus connection appd made for this window
 * (Host.OpenPageLink) whose other end the window's app process serves,
 * and gives the preload's world an object __appdLink whose functions send
 * the page's IPC on it: the bytes of a typed array go to the main script's
 * process as they are, with no base64 and no hop through the renderer or
 * appd.  Without a link (it did not come in time, or the renderer had
 * none) __appdLink.ready() is false and the bridge keeps to WebKit's own
 * messages (docs/ipc.md).
 *
 * The initialization data (from the renderer) is (s world, b bridge, b
 * links): the preload's script world ("" for the page's own), whether the
 * preload bridge runs there (it takes __appdLink off the global before any
 * page script runs; without it there is no __appdLink), and whether the
 * window has page links.  In every window the extension runs the app's
 * scripts (page-scripts.c). */
#include <errno.h>
#include <gio/gunixfdlist.h>
#include <string.h>
#include <unistd.h>
#include <systemd/sd-bus.h>
#include <webkit/webkit-web-process-extension.h>

#include "appd-protocol.h"
#include "bus-link.h"
#include "bus-source.h"
#include "bus-string.h"
#include "page-messages.h"
#include "page-scripts.h"

static sd_bus *page_bus;
static WebKitScriptWorld *link_world;
/* The window has page links: ask for one for each page. */
static gboolean links_wanted;
/* The link world's context in the main frame of the newest document. */
static JSCContext *page_context;

static gboolean link_ready(void) {
        return page_bus && sd_bus_is_open(page_bus) > 0;
}

/* (channel, bytes) from the page's arguments; FALSE (and a JavaScript
 * exception) when they are not a string and a Uint8Array. */
static gboolean link_args(GPtrArray *args, guint n, char **ret_channel, const void **ret_data, gsize *ret_size) {
        JSCContext *context = jsc_context_get_current();
        JSCValue *channel, *bytes;

        if (!link_ready()) {
                jsc_context_throw(context, "appd: the page has no link to appd");
                return FALSE;
        }
        if (args->len < n) {
                jsc_context_throw(context, "appd: missing arguments");
                return FALSE;
        }
        channel = g_ptr_array_index(args, 0);
        bytes = g_ptr_array_index(args, 1);
        if (!jsc_value_is_string(channel) || !jsc_value_is_typed_array(bytes) ||
            jsc_value_typed_array_get_type(bytes) != JSC_TYPED_ARRAY_UINT8) {
                jsc_context_throw(context, "appd: a channel and a Uint8Array are wanted");
                return FALSE;
        }
        *ret_channel = jsc_value_to_string(channel);
        if (!bus_string_is_valid(*ret_channel)) {
                g_clear_pointer(ret_channel, g_free);
                jsc_context_throw(context, "ipcRenderer: the channel name has characters D-Bus cannot carry");
                return FALSE;
        }
        *ret_data = jsc_value_typed_array_get_data(bytes, ret_size);
        return TRUE;
}

static sd_bus_message *link_call_new(const char *member, const char *channel, const void *data, gsize size,
                                     int *ret) {
        sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(page_bus, &m, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, member);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", channel);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', size > 0 ? data : "", size);
        *ret = r;
        if (r < 0)
                m = sd_bus_message_unref(m);
        return m;
}

static JSCValue *bytes_value(JSCContext *context, const void *data, size_t size) {
        JSCValue *value = jsc_value_new_typed_array(context, JSC_TYPED_ARRAY_UINT8, size);

        if (size > 0)
                memcpy(jsc_value_typed_array_get_data(value, NULL), data, size);
        return value;
}

/* send(channel, bytes): nothing comes back. */
static JSCValue *link_send_cb(GPtrArray *args, gpointer user_data) {
        JSCContext *context = jsc_context_get_current();
        g_autofree char *channel = NULL;
        sd_bus_message *m;
        const void *data;
        gsize size;
        int r;

        if (!link_args(args, 2, &channel, &data, &size))
                return jsc_value_new_undefined(context);
        m = link_call_new("Send", channel, data, size, &r);
        if (m) {
                (void) sd_bus_message_set_expect_reply(m, 0);
                r = sd_bus_send(page_bus, m, NULL);
                sd_bus_message_unref(m);
        }
        if (r < 0)
                jsc_context_throw_printf(context, "appd: cannot send on '%s': %s", channel, g_strerror(-r));
        return jsc_value_new_undefined(context);
}

/* sendSync(channel, bytes) → Uint8Array: the page waits, as it does for a
 * synchronous XMLHttpRequest. */
static JSCValue *link_send_sync_cb(GPtrArray *args, gpointer user_data) {
        JSCContext *context = jsc_context_get_current();
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *m, *reply = NULL;
        g_autofree char *channel = NULL;
        const void *data;
        gsize size;
        size_t n;
        JSCValue *value;
        int r;

        if (!link_args(args, 2, &channel, &data, &size))
                return jsc_value_new_undefined(context);
        m = link_call_new("SendSync", channel, data, size, &r);
        if (m)
                r = sd_bus_call(page_bus, m, UINT64_MAX, &error, &reply);
        sd_bus_message_unref(m);
        if (r >= 0)
                r = sd_bus_message_read_array(reply, 'y', &data, &n);
        if (r < 0) {
                jsc_context_throw(context, error.message ? error.message : g_strerror(-r));
                sd_bus_error_free(&error);
                sd_bus_message_unref(reply);
                return jsc_value_new_undefined(context);
        }
        value = bytes_value(context, data, n);
        sd_bus_message_unref(reply);
        return value;
}

typedef struct {
        JSCValue *resolve;
        JSCValue *reject;
} Pending;

static void pending_free(void *data) {
        Pending *p = data;

        g_object_unref(p->resolve);
        g_object_unref(p->reject);
        g_free(p);
}

static int link_invoke_reply_cb(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Pending *p = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        JSCContext *context = jsc_value_get_context(p->resolve);
        g_autoptr(JSCValue) result = NULL;
        const void *data;
        size_t size;
        int r;

        if (e) {
                result = jsc_value_function_call(p->reject, G_TYPE_STRING, e->message ? e->message : e->name,
                                                 G_TYPE_NONE);
                return 0;
        }
        r = sd_bus_message_read_array(reply, 'y', &data, &size);
        if (r < 0) {
                result = jsc_value_function_call(p->reject, G_TYPE_STRING, "Malformed answer from appd",
                                                 G_TYPE_NONE);
                return 0;
        }
        {
                g_autoptr(JSCValue) bytes = bytes_value(context, data, size);

                result = jsc_value_function_call(p->resolve, JSC_TYPE_VALUE, bytes, G_TYPE_NONE);
        }
        return 0;
}

/* invoke(channel, bytes, resolve, reject): resolve(Uint8Array) or
 * reject(message) when appd answers. */
static JSCValue *link_invoke_cb(GPtrArray *args, gpointer user_data) {
        JSCContext *context = jsc_context_get_current();
        g_autofree char *channel = NULL;
        sd_bus_slot *slot = NULL;
        sd_bus_message *m;
        const void *data;
        Pending *p;
        gsize size;
        int r;

        if (!link_args(args, 4, &channel, &data, &size))
                return jsc_value_new_undefined(context);
        if (!jsc_value_is_function(g_ptr_array_index(args, 2)) || !jsc_value_is_function(g_ptr_array_index(args, 3))) {
                jsc_context_throw(context, "appd: invoke wants resolve and reject functions");
                return jsc_value_new_undefined(context);
        }
        m = link_call_new("Invoke", channel, data, size, &r);
        /* No timeout, as in Electron; appd bounds how many wait. */
        if (m)
                r = sd_bus_call_async(page_bus, &slot, m, link_invoke_reply_cb, NULL, UINT64_MAX);
        sd_bus_message_unref(m);
        if (r < 0) {
                jsc_context_throw_printf(context, "appd: cannot invoke '%s': %s", channel, g_strerror(-r));
                return jsc_value_new_undefined(context);
        }
        p = g_new0(Pending, 1);
        p->resolve = g_object_ref(g_ptr_array_index(args, 2));
        p->reject = g_object_ref(g_ptr_array_index(args, 3));
        (void) sd_bus_slot_set_userdata(slot, p);
        (void) sd_bus_slot_set_destroy_callback(slot, pending_free);
        (void) sd_bus_slot_set_floating(slot, 1);
        sd_bus_slot_unref(slot);
        return jsc_value_new_undefined(context);
}

/* attach(): the page's bridge has started; appd sends its messages for
 * the page on the link from now on (the Message signal). */
static JSCValue *link_attach_cb(GPtrArray *args, gpointer user_data) {
        JSCContext *context = jsc_context_get_current();
        int r;

        if (!link_ready())
                return jsc_value_new_boolean(context, FALSE);
        r = sd_bus_call_method_async(page_bus, NULL, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, "Attach", NULL, NULL,
                                     NULL);
        return jsc_value_new_boolean(context, r >= 0);
}

/* Host's Message signal: webContents.send for the page, handed to the
 * bridge's __appdDispatch(channel, bytes) in the link's world. */
static int link_message_cb(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        g_autoptr(JSCContext) context = NULL;
        g_autoptr(JSCValue) dispatch = NULL, bytes = NULL, result = NULL;
        const char *channel;
        const void *data;
        size_t size;

        if (!page_context || sd_bus_message_read(m, "s", &channel) < 0 ||
            sd_bus_message_read_array(m, 'y', &data, &size) < 0)
                return 0;
        context = g_object_ref(page_context);
        dispatch = jsc_context_get_value(context, "__appdDispatch");
        if (!jsc_value_is_function(dispatch))
                return 0;
        bytes = bytes_value(context, data, size);
        result = jsc_value_function_call(dispatch, G_TYPE_STRING, channel, JSC_TYPE_VALUE, bytes, G_TYPE_NONE);
        return 0;
}

static JSCValue *link_ready_cb(GPtrArray *args, gpointer user_data) {
        return jsc_value_new_boolean(jsc_context_get_current(), link_ready());
}

/* compile(source, url): the value of source run as a script of this
 * world, named url in stack traces; what it throws, thrown.  Through
 * JavaScriptCore's API: a page's Content-Security-Policy governs the
 * page's own eval(), not the app's modules that Node in pages loads
 * (node-runtime.js), as in Electron.  The bridge takes __appdLink off the
 * global before any page script runs. */
static JSCValue *link_compile_cb(GPtrArray *args, gpointer user_data) {
        JSCContext *context = jsc_context_get_current();
        g_autofree char *source = NULL, *url = NULL;
        JSCValue *value;

        if (args->len < 2 || !jsc_value_is_string(g_ptr_array_index(args, 0)) ||
            !jsc_value_is_string(g_ptr_array_index(args, 1))) {
                jsc_context_throw(context, "appd: compile takes a source and a URL");
                return jsc_value_new_undefined(context);
        }
        source = jsc_value_to_string(g_ptr_array_index(args, 0));
        url = jsc_value_to_string(g_ptr_array_index(args, 1));
        value = jsc_context_evaluate_with_source_uri(context, source, -1, url, 1);
        return value ? value : jsc_value_new_undefined(context);
}

static void add_function(JSCContext *context, JSCValue *object, const char *name, GCallback callback) {
        g_autoptr(JSCValue) fn = jsc_value_new_function_variadic(context, name, callback, NULL, NULL,
                                                                  JSC_TYPE_VALUE);

        jsc_value_object_set_property(object, name, fn);
}

static void window_object_cleared_cb(WebKitScriptWorld *world, WebKitWebPage *page, WebKitFrame *frame,
                                     gpointer user_data) {
        g_autoptr(JSCContext) context = NULL;
        g_autoptr(JSCValue) object = NULL;

        /* Only the top frame has IPC. */
        if (!webkit_frame_is_main_frame(frame))
                return;
        context = webkit_frame_get_js_context_for_script_world(frame, world);
        g_set_object(&page_context, context);
        object = jsc_value_new_object(context, NULL, NULL);
        add_function(context, object, "ready", G_CALLBACK(link_ready_cb));
        add_function(context, object, "attach", G_CALLBACK(link_attach_cb));
        add_function(context, object, "send", G_CALLBACK(link_send_cb));
        add_function(context, object, "sendSync", G_CALLBACK(link_send_sync_cb));
        add_function(context, object, "invoke", G_CALLBACK(link_invoke_cb));
        add_function(context, object, "compile", G_CALLBACK(link_compile_cb));
        jsc_context_set_value(context, "__appdLink", object);
}

static void link_closed_cb(sd_bus *bus, int error, gpointer user_data) {
        if (bus == page_bus)
                page_bus = sd_bus_unref(page_bus);
}

static void page_link_received_cb(GObject *source, GAsyncResult *result, gpointer user_data) {
        g_autoptr(GError) error = NULL;
        g_autoptr(WebKitUserMessage) reply = NULL;
        g_autoptr(sd_bus) bus = NULL;
        GUnixFDList *fds;
        int fd, r;

        reply = webkit_web_page_send_message_to_view_finish(WEBKIT_WEB_PAGE(source), result, &error);
        if (!reply) {
                g_warning("appd: no page link: %s", error->message);
                return;
        }
        fds = webkit_user_message_get_fd_list(reply);
        fd = fds && g_unix_fd_list_get_length(fds) == 1 ? g_unix_fd_list_get(fds, 0, &error) : -1;
        if (fd < 0) {
                g_warning("appd: no page link: %s", error ? error->message : "the renderer had none");
                return;
        }
        r = bus_link_connect(fd, NULL, &bus);
        if (r >= 0)
                r = sd_bus_match_signal(bus, NULL, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, "Message", link_message_cb,
                                        NULL);
        if (r < 0) {
                g_warning("appd: cannot start the page link: %s", g_strerror(-r));
                return;
        }
        /* One web process may show pages one after another: the newest
         * link serves. */
        if (page_bus) {
                sd_bus_flush_close_unref(page_bus);
                page_bus = NULL;
        }
        page_bus = g_steal_pointer(&bus);
        bus_source_attach(page_bus, NULL, link_closed_cb, NULL);
}

static void page_created_cb(WebKitWebProcessExtension *extension, WebKitWebPage *page, gpointer user_data) {
        page_scripts_watch(page);
        if (links_wanted)
                webkit_web_page_send_message_to_view(page, webkit_user_message_new(PAGE_LINK_MESSAGE, NULL),
                                                     NULL, page_link_received_cb, NULL);
}

G_MODULE_EXPORT void webkit_web_process_extension_initialize_with_user_data(WebKitWebProcessExtension *extension,
                                                                           GVariant *user_data) {
        const char *world = NULL;
        gboolean bridge = FALSE;

        if (user_data && g_variant_is_of_type(user_data, G_VARIANT_TYPE("(sbb)")))
                g_variant_get(user_data, "(&sbb)", &world, &bridge, &links_wanted);
        if (bridge) {
                link_world = world && *world ? webkit_script_world_new_with_name(world)
                                             : g_object_ref(webkit_script_world_get_default());
                g_signal_connect(link_world, "window-object-cleared", G_CALLBACK(window_object_cleared_cb), NULL);
        }
        g_signal_connect(extension, "page-created", G_CALLBACK(page_created_cb), NULL);
}
