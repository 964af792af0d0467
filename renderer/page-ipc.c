/* The page's IPC through WebKit: ipcRenderer.send and invoke as script
 * messages from the preload's world, the queue that keeps the page's
 * messages in order on their way to appd (ipc-request.c's sendSync and
 * invoke requests take their places in it too), and webContents.send into
 * the page.  A page with a page link (page-link.c) sends on that instead,
 * straight to appd. */
#include "app-window-private.h"
#include "appd-protocol.h"

#define PRELOAD_WORLD       "appd-preload"
#define IPC_HANDLER         "appdIpc"
#define INVOKE_HANDLER      "appdInvoke"
/* Page messages that may wait behind one whose body is being read. */
#define IPC_MAX_OUTGOING    1024

/* Payloads cross between the page's JavaScript and this process as base64
 * text.  WebKit 2.50 hands a typed array through a script message (and
 * back) as an object of numbered properties: 64 KiB took ~400 ms that
 * way, against under 1 ms as base64 with Uint8Array.fromBase64/toBase64. */

GBytes *script_message_string(JSCValue *message, const char *name) {
        g_autoptr(JSCValue) value = jsc_value_object_get_property(message, name);

        if (!value || !jsc_value_is_string(value))
                return NULL;
        return jsc_value_to_string_as_bytes(value);
}

gboolean ipc_channel_check(const char *channel, size_t size, GError **error) {
        if (size == 0 || size > APPD_IPC_MAX_CHANNEL || !g_utf8_validate_len(channel, size, NULL)) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                            "IPC channel must be 1–%d bytes of UTF-8 without NUL", APPD_IPC_MAX_CHANNEL);
                return FALSE;
        }
        return TRUE;
}

static GBytes *ipc_payload_too_large(size_t size, guint32 limit, GError **error) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                    "IPC message of %zu bytes is over the limit of %u", size, limit);
        return NULL;
}

static GBytes *ipc_base64_decode(const char *text, size_t length, guint32 limit, GError **error) {
        g_autofree guchar *data = NULL;
        gint state = 0;
        guint save = 0;
        size_t size;

        /* Checked before decoding, so an oversized message costs nothing. */
        if (length / 4 * 3 > (size_t) limit + 2)
                return ipc_payload_too_large(length / 4 * 3, limit, error);
        for (size_t i = 0; i < length; i++)
                if (!g_ascii_isalnum(text[i]) && text[i] != '+' && text[i] != '/' && text[i] != '=') {
                        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "IPC payload is not base64");
                        return NULL;
                }

        data = g_malloc(length / 4 * 3 + 3);
        size = g_base64_decode_step(text, length, data, &state, &save);
        if (size > limit)
                return ipc_payload_too_large(size, limit, error);
        return g_bytes_new_take(g_steal_pointer(&data), size);
}

/* The payload of a message from the page: base64 text, or a typed array
 * or ArrayBuffer should a WebKit ever pass those as they are. */
static GBytes *ipc_payload_read(JSCValue *value, guint32 limit, GError **error) {
        const void *data;
        gsize size;

        if (jsc_value_is_string(value)) {
                g_autoptr(GBytes) text = jsc_value_to_string_as_bytes(value);

                data = g_bytes_get_data(text, &size);
                return ipc_base64_decode(data, size, limit, error);
        }
        if (jsc_value_is_typed_array(value)) {
                size = jsc_value_typed_array_get_size(value);
                if (size > limit)
                        return ipc_payload_too_large(size, limit, error);
                data = jsc_value_typed_array_get_data(value, NULL);
                return g_bytes_new(size > 0 ? data : NULL, size);
        }
        if (jsc_value_is_array_buffer(value)) {
                data = jsc_value_array_buffer_get_data(value, &size);
                if (size > limit)
                        return ipc_payload_too_large(size, limit, error);
                return g_bytes_new(size > 0 ? data : NULL, size);
        }
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "IPC payload must be base64 text");
        return NULL;
}

/* {channel, payload}.  The channel comes back even when the payload is
 * refused, so that the error can name it. */
static gboolean ipc_message_read(JSCValue *message, guint32 limit, char **ret_channel, GBytes **ret_payload,
                                 GError **error) {
        g_autoptr(GBytes) channel = NULL;
        g_autoptr(JSCValue) payload = NULL;
        const char *data;
        gsize size;

        if (!jsc_value_is_object(message)) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "IPC message is not an object");
                return FALSE;
        }
        channel = script_message_string(message, "channel");
        data = channel ? g_bytes_get_data(channel, &size) : NULL;
        if (!data || !ipc_channel_check(data, size, error)) {
                if (error && !*error)
                        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "IPC channel must be a string");
                return FALSE;
        }
        *ret_channel = g_strndup(data, size);

        payload = jsc_value_object_get_property(message, "payload");
        *ret_payload = ipc_payload_read(payload, limit, error);
        return *ret_payload != NULL;
}

static void ipc_script_done_cb(GObject *source, GAsyncResult *result, gpointer user_data) {
        g_autoptr(GError) error = NULL;
        g_autoptr(JSCValue) value = NULL;

        value = webkit_web_view_call_async_javascript_function_finish(WEBKIT_WEB_VIEW(source), result, &error);
        if (!value)
                g_message("Could not deliver %s to the page: %s", (const char *) user_data, error->message);
}

/* ipcRenderer.send() returns before the message is checked here: the
 * bridge's __appdIpcError() tells the page why one was dropped. */
static void ipc_error_report(AppWindow *self, const char *channel, const char *message) {
        GVariantDict args;

        g_variant_dict_init(&args, NULL);
        g_variant_dict_insert(&args, "channel", "s", channel ? channel : "");
        g_variant_dict_insert(&args, "message", "s", message);
        webkit_web_view_call_async_javascript_function(self->view,
                                                       "if (typeof __appdIpcError === 'function')\n"
                                                       "        __appdIpcError(channel, message);",
                                                       -1, g_variant_dict_end(&args), self->ipc.world,
                                                       NULL, NULL, ipc_script_done_cb, (gpointer) "an IPC error");
}

/* ---- page → daemon, in order --------------------------------------- */

/* The page's messages reach appd in the order the page sent them, though
 * they come two ways (script messages, and requests whose bodies are read
 * later): each takes its place here as it arrives and leaves once it and
 * all before it are ready. */
struct Outgoing {
        guint signal;                   /* SIGNAL_IPC_MESSAGE, _INVOKE or _SEND_SYNC */
        char *channel;
        GBytes *payload;                /* the frame once ready; NULL: dropped */
        gboolean ready;
        GAsyncReadyCallback callback;   /* invoke and sendSync: where the answer goes */
        gpointer user_data;
        /* Until it is ready, where its owner keeps it: cleared when the
         * queue goes first (outgoing_abandon). */
        Outgoing **holder;
};

static void outgoing_free(Outgoing *o) {
        g_free(o->channel);
        g_clear_pointer(&o->payload, g_bytes_unref);
        g_free(o);
}

static void outgoing_forward(AppWindow *self, Outgoing *o) {
        g_autoptr(GTask) task = NULL;
        gboolean handled = FALSE;

        if (o->signal == SIGNAL_IPC_MESSAGE) {
                g_signal_emit(self, app_window_signals[SIGNAL_IPC_MESSAGE], 0, o->channel, o->payload);
                return;
        }
        task = g_task_new(self, NULL, o->callback, o->user_data);
        g_task_set_source_tag(task, outgoing_forward);
        g_signal_emit(self, app_window_signals[o->signal], 0, o->channel, o->payload, task, &handled);
        if (handled)
                return;
        if (o->signal == SIGNAL_IPC_INVOKE)
                g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                                        "Error invoking remote method '%s': not connected to appd", o->channel);
        else
                g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                                        "sendSync('%s'): not connected to appd", o->channel);
}

static void outgoing_flush(AppWindow *self) {
        Outgoing *o;

        while ((o = g_queue_peek_head(&self->ipc.outgoing)) && o->ready) {
                g_queue_pop_head(&self->ipc.outgoing);
                if (o->payload)
                        outgoing_forward(self, o);
                outgoing_free(o);
        }
}

/* Takes a place in the queue; NULL when the page has too many messages
 * waiting behind one whose body is still being read. */
Outgoing *outgoing_push(AppWindow *self, guint signal, const char *channel, GAsyncReadyCallback callback,
                        gpointer user_data, Outgoing **holder) {
        Outgoing *o;

        if (self->ipc.outgoing.length >= IPC_MAX_OUTGOING)
                return NULL;
        o = g_new0(Outgoing, 1);
        o->signal = signal;
        o->channel = g_strdup(channel);
        o->callback = callback;
        o->user_data = user_data;
        o->holder = holder;
        g_queue_push_tail(&self->ipc.outgoing, o);
        return o;
}

/* payload NULL: the message was refused (and answered) on the way. */
void outgoing_ready(AppWindow *self, Outgoing *o, GBytes *payload) {
        o->payload = payload ? g_bytes_ref(payload) : NULL;
        o->ready = TRUE;
        o->holder = NULL;
        outgoing_flush(self);
}

/* The window goes: what still waits in the queue to appd is answered
 * with an error, and requests whose bodies are still being read learn
 * that they have no place any more. */
void outgoing_abandon(AppWindow *self) {
        Outgoing *o;

        while ((o = g_queue_pop_head(&self->ipc.outgoing))) {
                if (!o->ready && o->holder)
                        *o->holder = NULL;
                else if (o->ready && o->payload && o->callback) {
                        g_autoptr(GTask) task = g_task_new(self, NULL, o->callback, o->user_data);
                        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_CLOSED, "The window is closing");
                }
                outgoing_free(o);
        }
}

static void content_ipc_message_cb(WebKitUserContentManager *manager, JSCValue *message, AppWindow *self) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) payload = NULL;
        g_autofree char *channel = NULL;
        Outgoing *o;

        if (!ipc_message_read(message, self->ipc.max_payload, &channel, &payload, &error)) {
                g_message("Dropping ipc message%s%s: %s", channel ? " on " : "", channel ? channel : "",
                          error->message);
                ipc_error_report(self, channel, error->message);
                return;
        }
        o = outgoing_push(self, SIGNAL_IPC_MESSAGE, channel, NULL, NULL, NULL);
        if (!o) {
                g_message("Dropping ipc message on %s: too many waiting", channel);
                ipc_error_report(self, channel, "too many messages are waiting");
                return;
        }
        outgoing_ready(self, o, payload);
}

typedef struct {
        WebKitScriptMessageReply *reply;
        JSCContext *context;
} InvokeJob;

static void invoke_job_free(InvokeJob *job) {
        webkit_script_message_reply_unref(job->reply);
        g_object_unref(job->context);
        g_free(job);
}

static void ipc_invoke_done_cb(GObject *source, GAsyncResult *result, gpointer user_data) {
        AppWindow *self = APP_WINDOW(source);
        InvokeJob *job = user_data;
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) bytes = NULL;

        self->ipc.invokes--;
        bytes = g_task_propagate_pointer(G_TASK(result), &error);
        if (bytes) {
                g_autoptr(JSCValue) value = NULL;
                g_autofree char *text = NULL;
                gsize size;
                const void *data = g_bytes_get_data(bytes, &size);

                text = g_base64_encode(data, size);
                value = jsc_value_new_string(job->context, text);
                webkit_script_message_reply_return_value(job->reply, value);
        } else
                webkit_script_message_reply_return_error_message(job->reply, error->message);
        invoke_job_free(job);
}

static gboolean content_invoke_message_cb(WebKitUserContentManager *manager, JSCValue *message,
                                          WebKitScriptMessageReply *reply, AppWindow *self) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) payload = NULL;
        g_autofree char *channel = NULL;
        InvokeJob *job;
        Outgoing *o;

        if (!ipc_message_read(message, self->ipc.max_payload, &channel, &payload, &error)) {
                webkit_script_message_reply_return_error_message(reply, error->message);
                return TRUE;
        }
        /* A page that never lets its invokes finish runs out here, not
         * in the daemon. */
        if (self->ipc.invokes >= IPC_MAX_INVOKES) {
                g_autofree char *text = g_strdup_printf("Error invoking remote method '%s': more than %d "
                                                        "invokes are waiting", channel, IPC_MAX_INVOKES);

                webkit_script_message_reply_return_error_message(reply, text);
                return TRUE;
        }

        job = g_new0(InvokeJob, 1);
        job->reply = webkit_script_message_reply_ref(reply);
        job->context = g_object_ref(jsc_value_get_context(message));
        o = outgoing_push(self, SIGNAL_IPC_INVOKE, channel, ipc_invoke_done_cb, job, NULL);
        if (!o) {
                webkit_script_message_reply_return_error_message(reply, "Error invoking remote method: too many "
                                                                        "messages are waiting");
                invoke_job_free(job);
                return TRUE;
        }
        self->ipc.invokes++;
        outgoing_ready(self, o, payload);
        return TRUE;
}

void page_ipc_attach(AppWindow *self, WebKitUserContentManager *content) {
        /* With context isolation, registered in the preload's world only:
         * the page's own scripts see no window.webkit.messageHandlers.appdIpc. */
        if (!webkit_user_content_manager_register_script_message_handler(content, IPC_HANDLER, self->ipc.world))
                g_warning("Could not register the %s message handler", IPC_HANDLER);
        g_signal_connect_object(content, "script-message-received::" IPC_HANDLER,
                                G_CALLBACK(content_ipc_message_cb), self, 0);
        if (!webkit_user_content_manager_register_script_message_handler_with_reply(content, INVOKE_HANDLER,
                                                                                    self->ipc.world))
                g_warning("Could not register the %s message handler", INVOKE_HANDLER);
        g_signal_connect_object(content, "script-message-with-reply-received::" INVOKE_HANDLER,
                                G_CALLBACK(content_invoke_message_cb), self, 0);
        self->ipc.has_preload = TRUE;
}

void page_ipc_init(AppWindow *self, const AppWindowOptions *options) {
        self->ipc.world = options->no_context_isolation ? NULL : PRELOAD_WORLD;
        self->ipc.max_payload = options->ipc_max_payload ? options->ipc_max_payload : APPD_IPC_MAX_PAYLOAD;
        ipc_token_init(self->ipc.token);
}

/* ---- daemon → page -------------------------------------------------- */

guint32 app_window_ipc_limit(AppWindow *self) {
        g_return_val_if_fail(APP_IS_WINDOW(self), APPD_IPC_MAX_PAYLOAD);
        return self->ipc.max_payload;
}

void app_window_send_ipc(AppWindow *self, const char *channel, const void *payload, size_t size) {
        GVariantDict args;

        g_return_if_fail(APP_IS_WINDOW(self));

        if (!self->ipc.has_preload) {
                g_debug("No preload: dropping ipc message on %s", channel);
                return;
        }
        if (!g_utf8_validate(channel, -1, NULL)) {
                g_warning("Dropping ipc message: channel is not UTF-8");
                return;
        }

        /* Arguments, not source text: the channel and payload can only
         * ever be data.  WebKit runs these calls in the order made. */
        g_variant_dict_init(&args, NULL);
        g_variant_dict_insert(&args, "channel", "s", channel);
        g_variant_dict_insert_value(&args, "bytes", g_variant_new_take_string(g_base64_encode(payload, size)));
        webkit_web_view_call_async_javascript_function(self->view,
                                                       "__appdDispatch(channel, Uint8Array.fromBase64(bytes));",
                                                       -1, g_variant_dict_end(&args), self->ipc.world, NULL,
                                                       NULL, ipc_script_done_cb, (gpointer) "an ipc message");
}

