/* The session's clipboards (CLIPBOARD and PRIMARY) through GDK: what apps
 * write is owned and served here for as long as appd-desktop lives, so it
 * outlives the app that wrote it, as on any desktop.
 *
 * On X11, GDK learns another client's formats asynchronously: when the
 * selection's owner changes it first forgets them, then asks the new owner
 * for its TARGETS.  A request that comes in between would find no formats
 * (another program copied just before an app pastes, or appd-desktop has
 * just started), so reads wait until GDK knows the formats of the owner the
 * X server names now, for at most CLIPBOARD_FORMATS_WAIT_MS (an owner that
 * never answers). */
#include "desktop.h"

#include <string.h>

#include <gdk/x11/gdkx.h>

#include "appd-protocol.h"

#define CLIPBOARD_FORMATS_WAIT_MS 1000
#define CLIPBOARD_READ_CHUNK (64 * 1024)
/* Requests waiting for an owner's formats, per clipboard; appd bounds its
 * own calls, this bounds what any caller can make wait. */
#define CLIPBOARD_MAX_WAITING 256

struct DesktopClipboard {
        Desktop *d;
        GdkClipboard *clipboard;
        const char *name;        /* "clipboard" or "selection" */
        Display *xdisplay;       /* X11 only */
        Atom xselection;
        Window known_owner;      /* whose formats GDK knows */
        GQueue waiting;          /* Request*: until it does */
        guint wait_timer;
};

typedef enum {
        REQUEST_READ,
        REQUEST_FORMATS,
} RequestKind;

typedef struct {
        DesktopClipboard *c;
        sd_bus_message *m;
        RequestKind kind;
        char *format;
        GByteArray *data;
        gboolean forced;         /* waited long enough for the formats */
} Request;

static void request_free(Request *q) {
        sd_bus_message_unref(q->m);
        g_free(q->format);
        if (q->data)
                g_byte_array_unref(q->data);
        g_free(q);
}

static void request_reply_data(Request *q, const void *data, size_t size) {
        static const char empty[1];
        g_autoptr(sd_bus_message) reply = NULL;
        int r;

        r = sd_bus_message_new_method_return(q->m, &reply);
        if (r >= 0)
                r = sd_bus_message_append_array(reply, 'y', size ? data : empty, size);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        if (r < 0)
                g_warning("Cannot answer a clipboard read: %s", g_strerror(-r));
        request_free(q);
}

static void request_reply_error(Request *q, const char *name, const char *message) {
        int r = sd_bus_reply_method_errorf(q->m, name, "%s", message);

        if (r < 0)
                g_warning("Cannot answer a clipboard request: %s", g_strerror(-r));
        request_free(q);
}

/* Reads a call's first argument, the clipboard's name, into *ret. */
static int clipboard_arg(sd_bus_message *m, Desktop *d, sd_bus_error *error,
                         DesktopClipboard **ret) {
        const char *selection;
        int r;

        r = sd_bus_message_read(m, "s", &selection);
        if (r < 0)
                return r;
        if (g_str_equal(selection, "clipboard") || g_str_equal(selection, "selection")) {
                *ret = g_str_equal(selection, "clipboard") ? d->clipboard : d->primary;
                return 0;
        }
        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                 "Unknown clipboard '%s': \"clipboard\" or \"selection\"",
                                 selection);
}

/* A MIME type: type/subtype, printable ASCII, no spaces. */
static gboolean format_is_valid(const char *format) {
        const char *slash = strchr(format, '/');
        size_t len = strlen(format);

        if (len == 0 || len > APPD_CLIPBOARD_MAX_FORMAT || !slash || slash == format || !slash[1])
                return FALSE;
        for (const char *p = format; *p; p++)
                if (*p <= ' ' || *p >= 0x7f)
                        return FALSE;
        return TRUE;
}

/* Whether GDK's formats are those of the selection's owner now; *ret_empty:
 * nobody owns it (whatever GDK still remembers). */
static gboolean clipboard_is_current(DesktopClipboard *c, gboolean *ret_empty) {
        GdkContentFormats *formats;
        gsize n_types = 0, n_mimes = 0;
        Window owner;

        *ret_empty = FALSE;
        if (!c->xdisplay || gdk_clipboard_is_local(c->clipboard))
                return TRUE;
        owner = XGetSelectionOwner(c->xdisplay, c->xselection);
        if (owner == None) {
                *ret_empty = TRUE;
                return TRUE;
        }
        formats = gdk_clipboard_get_formats(c->clipboard);
        gdk_content_formats_get_gtypes(formats, &n_types);
        gdk_content_formats_get_mime_types(formats, &n_mimes);
        return owner == c->known_owner && n_types + n_mimes > 0;
}

static void request_run(Request *q);

static void clipboard_run_waiting(DesktopClipboard *c, gboolean forced) {
        GQueue waiting = c->waiting;
        Request *q;

        g_queue_init(&c->waiting);
        while ((q = g_queue_pop_head(&waiting))) {
                q->forced = forced;
                request_run(q);
        }
}

static gboolean clipboard_wait_timeout_cb(gpointer user_data) {
        DesktopClipboard *c = user_data;

        c->wait_timer = 0;
        g_debug("The %s's owner did not tell its formats in time", c->name);
        clipboard_run_waiting(c, TRUE);
        return G_SOURCE_REMOVE;
}

static void clipboard_changed_cb(GdkClipboard *clipboard, gpointer user_data) {
        DesktopClipboard *c = user_data;
        gsize n_types = 0, n_mimes = 0;
        GdkContentFormats *formats = gdk_clipboard_get_formats(clipboard);

        gdk_content_formats_get_gtypes(formats, &n_types);
        gdk_content_formats_get_mime_types(formats, &n_mimes);
        if (c->xdisplay && !gdk_clipboard_is_local(clipboard) && n_types + n_mimes > 0)
                c->known_owner = XGetSelectionOwner(c->xdisplay, c->xselection);
        if (c->waiting.length > 0) {
                if (c->wait_timer) {
                        g_source_remove(c->wait_timer);
                        c->wait_timer = 0;
                }
                clipboard_run_waiting(c, FALSE);
        }
}

static void request_read_chunk_cb(GObject *source, GAsyncResult *result, gpointer user_data) {
        Request *q = user_data;
        GInputStream *stream = G_INPUT_STREAM(source);
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish(stream, result, &error);
        gsize size;

        if (!chunk) {
                /* The owner went away or sent garbage: as if it had
                 * nothing, as Electron reads it. */
                g_debug("Reading %s from the %s failed: %s", q->format, q->c->name,
                        error->message);
                g_object_unref(stream);
                request_reply_data(q, NULL, 0);
                return;
        }
        size = g_bytes_get_size(chunk);
        if (size == 0) {
                g_object_unref(stream);
                request_reply_data(q, q->data->data, q->data->len);
                return;
        }
        if (q->data->len + size > APPD_CLIPBOARD_MAX_BYTES) {
                g_autofree char *message = g_strdup_printf(
                        "The %s's %s is larger than %u bytes", q->c->name, q->format,
                        APPD_CLIPBOARD_MAX_BYTES);
                g_object_unref(stream);
                request_reply_error(q, APPD_ERROR_TOO_LARGE, message);
                return;
        }
        g_byte_array_append(q->data, g_bytes_get_data(chunk, NULL), size);
        g_input_stream_read_bytes_async(stream, CLIPBOARD_READ_CHUNK, G_PRIORITY_DEFAULT, NULL,
                                        request_read_chunk_cb, q);
}

static void request_read_cb(GObject *source, GAsyncResult *result, gpointer user_data) {
        Request *q = user_data;
        g_autoptr(GError) error = NULL;
        GInputStream *stream;

        stream = gdk_clipboard_read_finish(GDK_CLIPBOARD(source), result, NULL, &error);
        if (!stream) {
                g_debug("No %s in the %s: %s", q->format, q->c->name, error->message);
                request_reply_data(q, NULL, 0);
                return;
        }
        q->data = g_byte_array_new();
        g_input_stream_read_bytes_async(stream, CLIPBOARD_READ_CHUNK, G_PRIORITY_DEFAULT, NULL,
                                        request_read_chunk_cb, q);
}

/* The clipboard's formats as apps see them: MIME types, the text ones as
 * "text/plain" once, the X11 targets that are no formats left out. */
static char **clipboard_formats(DesktopClipboard *c) {
        GdkContentFormats *formats = gdk_content_formats_union_serialize_mime_types(
                gdk_content_formats_ref(gdk_clipboard_get_formats(c->clipboard)));
        g_autoptr(GPtrArray) list = g_ptr_array_new();
        const char *const *mimes;
        gsize n = 0;

        mimes = gdk_content_formats_get_mime_types(formats, &n);
        for (gsize i = 0; i < n; i++) {
                const char *mime = g_str_has_prefix(mimes[i], "text/plain") ? "text/plain" : mimes[i];

                if (!strchr(mime, '/') || g_ptr_array_find_with_equal_func(list, mime, g_str_equal, NULL))
                        continue;
                g_ptr_array_add(list, g_strdup(mime));
        }
        gdk_content_formats_unref(formats);
        g_ptr_array_add(list, NULL);
        return (char **) g_ptr_array_steal(list, NULL);
}

static gboolean clipboard_offers(DesktopClipboard *c, const char *format) {
        g_auto(GStrv) formats = clipboard_formats(c);

        return g_strv_contains((const char *const *) formats, format);
}

static void request_run(Request *q) {
        DesktopClipboard *c = q->c;
        gboolean empty;

        if (!q->forced && !clipboard_is_current(c, &empty)) {
                if (c->waiting.length >= CLIPBOARD_MAX_WAITING) {
                        request_reply_error(q, APPD_ERROR_TOO_MANY,
                                            "Too many requests wait for the clipboard");
                        return;
                }
                g_queue_push_tail(&c->waiting, q);
                if (!c->wait_timer)
                        c->wait_timer = g_timeout_add(CLIPBOARD_FORMATS_WAIT_MS,
                                                      clipboard_wait_timeout_cb, c);
                return;
        }
        if (q->forced)
                clipboard_is_current(c, &empty);

        if (q->kind == REQUEST_FORMATS) {
                g_auto(GStrv) formats = empty ? g_new0(char *, 1) : clipboard_formats(c);
                g_autoptr(sd_bus_message) reply = NULL;
                int r = sd_bus_message_new_method_return(q->m, &reply);

                if (r >= 0)
                        r = sd_bus_message_append_strv(reply, formats);
                if (r >= 0)
                        r = sd_bus_send(NULL, reply, NULL);

                if (r < 0)
                        g_warning("Cannot answer for the clipboard's formats: %s", g_strerror(-r));
                request_free(q);
                return;
        }
        /* GDK may convert what is there into a format asked for (text as
         * HTML); Electron reads only what the clipboard offers. */
        if (empty || !clipboard_offers(c, q->format)) {
                request_reply_data(q, NULL, 0);
                return;
        }
        if (g_str_equal(q->format, "text/plain")) {
                /* Any text target the owner offers, converted by GDK. */
                static const char *const text[] = { "text/plain;charset=utf-8", "text/plain", NULL };
                gdk_clipboard_read_async(c->clipboard, (const char **) text, G_PRIORITY_DEFAULT, NULL,
                                         request_read_cb, q);
        } else {
                const char *mimes[] = { q->format, NULL };
                gdk_clipboard_read_async(c->clipboard, mimes, G_PRIORITY_DEFAULT, NULL,
                                         request_read_cb, q);
        }
}

/* Answers m later, once the clipboard is read. */
static void request_start(DesktopClipboard *c, sd_bus_message *m, RequestKind kind,
                          const char *format) {
        Request *q = g_new0(Request, 1);

        q->c = c;
        q->m = sd_bus_message_ref(m);
        q->kind = kind;
        q->format = g_strdup(format);
        request_run(q);
}

int method_ReadClipboard(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        DesktopClipboard *c = NULL;
        const char *format;
        int r;

        r = clipboard_arg(m, userdata, error, &c);
        if (r >= 0)
                r = sd_bus_message_read(m, "s", &format);
        if (r < 0)
                return r;
        if (!format_is_valid(format))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "'%s' is not a MIME type", format);
        request_start(c, m, REQUEST_READ, format);
        return 1;
}

int method_ClipboardFormats(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        DesktopClipboard *c = NULL;
        int r;

        r = clipboard_arg(m, userdata, error, &c);
        if (r < 0)
                return r;
        request_start(c, m, REQUEST_FORMATS, NULL);
        return 1;
}

/* One format of a write as GDK offers it: text as every text target, a
 * PNG as every image format GDK writes, anything else as given. */
static GdkContentProvider *provider_new(const char *format, const void *data, size_t size,
                                        sd_bus_error *error) {
        g_autoptr(GBytes) bytes = g_bytes_new(data, size);

        if (g_str_equal(format, "text/plain")) {
                g_autofree char *text = g_strndup(data, size);

                if (strlen(text) != size || !g_utf8_validate(text, -1, NULL)) {
                        sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Text for the clipboard must be UTF-8 without NUL");
                        return NULL;
                }
                return gdk_content_provider_new_typed(G_TYPE_STRING, text);
        }
        if (g_str_equal(format, "image/png")) {
                g_autoptr(GError) e = NULL;
                g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes(bytes, &e);

                if (!texture) {
                        sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                          "The image for the clipboard is not a PNG: %s",
                                          e->message);
                        return NULL;
                }
                return gdk_content_provider_new_typed(GDK_TYPE_TEXTURE, texture);
        }
        return gdk_content_provider_new_for_bytes(format, bytes);
}

int method_WriteClipboard(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        g_autoptr(GPtrArray) providers = g_ptr_array_new_with_free_func(g_object_unref);
        g_autoptr(GdkContentProvider) content = NULL;
        DesktopClipboard *c = NULL;
        const char *format;
        const void *data;
        size_t size, total = 0;
        int r;

        r = clipboard_arg(m, userdata, error, &c);
        if (r >= 0)
                r = sd_bus_message_enter_container(m, 'a', "(say)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'r', "say")) > 0) {
                GdkContentProvider *p;

                r = sd_bus_message_read(m, "s", &format);
                if (r >= 0)
                        r = sd_bus_message_read_array(m, 'y', &data, &size);
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
                if (providers->len >= APPD_CLIPBOARD_MAX_ITEMS)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "At most %d formats at once",
                                                 APPD_CLIPBOARD_MAX_ITEMS);
                if (!format_is_valid(format))
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "'%s' is not a MIME type", format);
                total += size;
                if (total > APPD_CLIPBOARD_MAX_BYTES)
                        return sd_bus_error_setf(error, APPD_ERROR_TOO_LARGE,
                                                 "Clipboard data is limited to %u bytes",
                                                 APPD_CLIPBOARD_MAX_BYTES);
                p = provider_new(format, data, size, error);
                if (!p)
                        return -EINVAL;
                g_ptr_array_add(providers, p);
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;

        if (providers->len > 0) {
                GdkContentProvider **list = g_new(GdkContentProvider *, providers->len);
                gsize n = providers->len;

                for (gsize i = 0; i < n; i++)
                        list[i] = g_object_ref(providers->pdata[i]);
                content = gdk_content_provider_new_union(list, n);
                g_free(list);
        }
        if (!gdk_clipboard_set_content(c->clipboard, content))
                return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED,
                                         "The windowing system did not give appd the %s",
                                         c->name);
        return sd_bus_reply_method_return(m, NULL);
}

static DesktopClipboard *clipboard_new(Desktop *d, GdkClipboard *clipboard, const char *name,
                                       const char *xselection) {
        DesktopClipboard *c = g_new0(DesktopClipboard, 1);

        c->d = d;
        c->clipboard = clipboard;
        c->name = name;
        g_queue_init(&c->waiting);
        if (GDK_IS_X11_DISPLAY(d->display)) {
                c->xdisplay = gdk_x11_display_get_xdisplay(d->display);
                c->xselection = XInternAtom(c->xdisplay, xselection, False);
        }
        g_signal_connect(clipboard, "changed", G_CALLBACK(clipboard_changed_cb), c);
        return c;
}

void desktop_clipboard_init(Desktop *d) {
        /* Made now, so GDK asks the owners for their formats at once. */
        d->clipboard = clipboard_new(d, gdk_display_get_clipboard(d->display), "clipboard",
                                     "CLIPBOARD");
        d->primary = clipboard_new(d, gdk_display_get_primary_clipboard(d->display), "selection",
                                   "PRIMARY");
}
