/* sendSync and invoke as requests, for pages without a page link.  A
 * script message cannot block the page, so sendSync is a synchronous
 * XMLHttpRequest to the page's own app:// origin (app-scheme.c hands it
 * here), answered here; invoke from 32 KiB on is a fetch() the same way,
 * which carries bytes where a script message needs base64 text.  The
 * token keeps the page's own scripts (which share the origin but not the
 * preload's world) from posting. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "app-window-private.h"

#define IPC_SEND_SYNC_PATH  IPC_PATH_PREFIX "send-sync"
#define IPC_INVOKE_PATH     IPC_PATH_PREFIX "invoke"
#define IPC_TOKEN_HEADER    "X-Appd-Token"
#define IPC_READ_CHUNK      (256 * 1024)

void ipc_token_init(char *token) {
        guint8 random[IPC_TOKEN_BYTES];
        ssize_t n;

        /* Without a good random token, sendSync stays off rather than
         * guessable: an empty token matches nothing. */
        do
                n = getrandom(random, sizeof(random), 0);
        while (n < 0 && errno == EINTR);
        if (n != (ssize_t) sizeof(random)) {
                g_warning("Cannot get random bytes for the sendSync token: %s; sendSync is off",
                          n < 0 ? g_strerror(errno) : "short read");
                token[0] = '\0';
                return;
        }
        for (size_t i = 0; i < sizeof(random); i++)
                g_snprintf(token + 2 * i, 3, "%02x", random[i]);
}

typedef struct {
        AppWindow *self;
        WebKitURISchemeRequest *request;
        gboolean invoke;        /* POST /__appd/invoke, else send-sync */
        Outgoing *outgoing;     /* its place in the queue to appd until the body is read */
        char *channel;
        GInputStream *body;
        GByteArray *data;
} SyncJob;

static void sync_job_free(SyncJob *job) {
        /* Still queued: it was refused before it was whole. */
        if (job->outgoing)
                outgoing_ready(job->self, job->outgoing, NULL);
        if (job->invoke)
                job->self->ipc.invokes--;
        g_object_unref(job->self);
        g_object_unref(job->request);
        g_free(job->channel);
        g_clear_object(&job->body);
        if (job->data)
                g_byte_array_unref(job->data);
        g_free(job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SyncJob, sync_job_free)

static void ipc_request_finish(WebKitURISchemeRequest *request, guint status, const char *content_type,
                               GBytes *body) {
        g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes(body);
        g_autoptr(WebKitURISchemeResponse) response = NULL;

        SoupMessageHeaders *asked = webkit_uri_scheme_request_get_http_headers(request);
        const char *origin = asked ? soup_message_headers_get_one(asked, "Origin") : NULL;

        response = webkit_uri_scheme_response_new(stream, (gint64) g_bytes_get_size(body));
        webkit_uri_scheme_response_set_status(response, status, NULL);
        webkit_uri_scheme_response_set_content_type(response, content_type);
        /* fetch() from the page's own app:// origin needs the grant; the
         * token, not the origin, is the check. */
        app_scheme_allow_origin(response, origin);
        webkit_uri_scheme_request_finish_with_response(request, response);
}

G_GNUC_PRINTF(3, 4)
static void ipc_request_fail(WebKitURISchemeRequest *request, guint status, const char *format, ...) {
        g_autoptr(GBytes) body = NULL;
        va_list ap;
        char *text;

        va_start(ap, format);
        text = g_strdup_vprintf(format, ap);
        va_end(ap);
        body = g_bytes_new_take(text, strlen(text));
        ipc_request_finish(request, status, "text/plain; charset=utf-8", body);
}

static void ipc_send_sync_done_cb(GObject *source, GAsyncResult *result, gpointer user_data) {
        g_autoptr(SyncJob) job = user_data;
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) bytes = NULL;

        bytes = g_task_propagate_pointer(G_TASK(result), &error);
        if (!bytes) {
                ipc_request_fail(job->request, 500, "%s", error->message);
                return;
        }
        ipc_request_finish(job->request, 200, "application/octet-stream", bytes);
}

/* The body is whole: the request takes its turn in the queue to appd,
 * which then owns the job (ipc_send_sync_done_cb frees it). */
static void ipc_request_ready(SyncJob *job) {
        g_autoptr(GBytes) payload = g_byte_array_free_to_bytes(g_steal_pointer(&job->data));
        Outgoing *o = g_steal_pointer(&job->outgoing);

        if (!o) {
                /* The window let go of the queue (outgoing_abandon). */
                ipc_request_fail(job->request, 503, "The window is closing");
                sync_job_free(job);
                return;
        }
        outgoing_ready(job->self, o, payload);
}

static void ipc_body_read_cb(GObject *source, GAsyncResult *result, gpointer user_data) {
        g_autoptr(SyncJob) job = user_data;
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) chunk = NULL;
        gsize size;
        const void *data;

        chunk = g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), result, &error);
        if (!chunk) {
                ipc_request_fail(job->request, 400, "Cannot read the sendSync message: %s", error->message);
                return;
        }
        data = g_bytes_get_data(chunk, &size);
        if (size == 0) {
                ipc_request_ready(g_steal_pointer(&job));
                return;
        }
        g_byte_array_append(job->data, data, size);
        if (job->data->len > job->self->ipc.max_payload) {
                ipc_request_fail(job->request, 413, "IPC message of more than %u bytes is over the limit",
                                 job->self->ipc.max_payload);
                return;
        }
        /* One byte over the limit is enough to know. */
        g_input_stream_read_bytes_async(job->body, MIN(IPC_READ_CHUNK, job->self->ipc.max_payload + 1 - job->data->len),
                                        G_PRIORITY_DEFAULT, NULL, ipc_body_read_cb, job);
        job = NULL;     /* the read owns it now */
}

static gboolean ipc_token_equal(const char *expected, const char *given) {
        size_t n = strlen(expected);
        unsigned char diff = 0;

        /* Every byte compared whatever the first difference, so the time
         * taken tells nothing about the token.  The length is no secret. */
        if (n == 0 || !given || strlen(given) != n)
                return FALSE;
        for (size_t i = 0; i < n; i++)
                diff |= (unsigned char) (expected[i] ^ given[i]);
        return diff == 0;
}

static char *ipc_request_channel(WebKitURISchemeRequest *request, GError **error) {
        g_autoptr(GUri) uri = NULL;
        g_autoptr(GHashTable) params = NULL;
        const char *query, *channel;

        uri = g_uri_parse(webkit_uri_scheme_request_get_uri(request), G_URI_FLAGS_ENCODED_QUERY, error);
        if (!uri)
                return NULL;
        query = g_uri_get_query(uri);
        /* encodeURIComponent() leaves no '+' for a space: no form decoding. */
        params = query ? g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, error) : NULL;
        if (query && !params)
                return NULL;
        channel = params ? g_hash_table_lookup(params, "channel") : NULL;
        if (!channel) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No IPC channel given");
                return NULL;
        }
        if (!ipc_channel_check(channel, strlen(channel), error))
                return NULL;
        return g_strdup(channel);
}

void ipc_request_start(AppWindow *self, WebKitURISchemeRequest *request) {
        g_autoptr(GError) error = NULL;
        g_autoptr(SyncJob) job = NULL;
        SoupMessageHeaders *headers = webkit_uri_scheme_request_get_http_headers(request);
        const char *method = webkit_uri_scheme_request_get_http_method(request);
        const char *path = webkit_uri_scheme_request_get_path(request);
        g_autofree char *channel = NULL;
        GInputStream *body;

        if (!self->ipc.has_preload || g_strcmp0(method, "POST") != 0 ||
            !ipc_token_equal(self->ipc.token, headers ? soup_message_headers_get_one(headers, IPC_TOKEN_HEADER) : NULL)) {
                /* The page can ask as often as it likes: not worth a log line each. */
                g_debug("Refusing %s %s: not from the preload", method ? method : "?", path);
                ipc_request_fail(request, 403, "Forbidden");
                return;
        }
        if (!g_str_equal(path, IPC_SEND_SYNC_PATH) && !g_str_equal(path, IPC_INVOKE_PATH)) {
                ipc_request_fail(request, 404, "No IPC at %s", path);
                return;
        }
        channel = ipc_request_channel(request, &error);
        if (!channel) {
                ipc_request_fail(request, 400, "%s", error->message);
                return;
        }

        /* As for invokes by script message: the page runs out here. */
        if (g_str_equal(path, IPC_INVOKE_PATH) && self->ipc.invokes >= IPC_MAX_INVOKES) {
                ipc_request_fail(request, 429, "Error invoking remote method '%s': more than %d invokes are waiting",
                                 channel, IPC_MAX_INVOKES);
                return;
        }

        job = g_new0(SyncJob, 1);
        job->self = g_object_ref(self);
        job->request = g_object_ref(request);
        job->outgoing = outgoing_push(self, g_str_equal(path, IPC_INVOKE_PATH) ? SIGNAL_IPC_INVOKE : SIGNAL_IPC_SEND_SYNC,
                                      channel, ipc_send_sync_done_cb, job, &job->outgoing);
        if (!job->outgoing) {
                ipc_request_fail(request, 429, "Too many IPC messages are waiting");
                return;
        }
        job->invoke = g_str_equal(path, IPC_INVOKE_PATH);
        if (job->invoke)
                self->ipc.invokes++;
        job->channel = g_steal_pointer(&channel);
        job->data = g_byte_array_new();
        /* No stream for an empty body. */
        job->body = webkit_uri_scheme_request_get_http_body(request);
        if (!job->body) {
                ipc_request_ready(g_steal_pointer(&job));
                return;
        }
        body = job->body;
        g_input_stream_read_bytes_async(body, IPC_READ_CHUNK, G_PRIORITY_DEFAULT, NULL,
                                        ipc_body_read_cb, g_steal_pointer(&job));
}

