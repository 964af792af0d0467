/* org.appd.Appd1.AppHost's clipboard, screen and theme methods on an app's link,
 * vtable and handlers: each checks what the app asks, bounds the calls an
 * app has waiting, and forwards it to appd-desktop (desktop-process.c)
 * without waiting; the app's call is answered when appd-desktop answers.
 * The app is the vtable's userdata, fixed when its link was made.  The
 * rest of AppHost (Message, Output, Exited) is app-process.c's.
 * protocol/org.appd.Appd1.AppHost.xml is the contract. */
#include "daemon.h"

#include <errno.h>
#include <string.h>

#include "appd-protocol.h"
#include "bus-source.h"
#include "desktop-process.h"

#define APP_HOST_LOG(a, level, ...) \
        g_log_structured(G_LOG_DOMAIN, level, "APPD_APP", (a)->id, "MESSAGE", __VA_ARGS__)

/* An app's call waiting for appd-desktop. */
typedef struct {
        sd_bus_message *m;       /* the app's call, answered when appd-desktop answers */
        sd_bus *link;            /* the app's link: what its calls are counted by */
} DesktopRequest;

/* Calls waiting per app link (sd_bus* → count); the link lives while a
 * call of it does, since the call holds it. */
static GHashTable *waiting;
/* What apps may watch: appd-desktop's signal, and the event an app that
 * watches gets for it. */
typedef enum {
        WATCH_SCREEN,
        WATCH_THEME,
        _WATCH_MAX,
} Watch;

static const struct {
        const char *signal;
        const char *event;
} watch_kinds[_WATCH_MAX] = {
        [WATCH_SCREEN] = { "DisplaysChanged", "{\"ev\":\"displays-changed\"}" },
        [WATCH_THEME] = { "ThemeChanged", "{\"ev\":\"theme-changed\"}" },
};

/* Ids of the apps that watch, per kind. */
static GHashTable *watchers[_WATCH_MAX];

static void desktop_request_done(DesktopRequest *q) {
        guint n = GPOINTER_TO_UINT(g_hash_table_lookup(waiting, q->link));

        if (n <= 1)
                g_hash_table_remove(waiting, q->link);
        else
                g_hash_table_insert(waiting, q->link, GUINT_TO_POINTER(n - 1));
        sd_bus_message_unref(q->m);
        g_free(q);
}

static void desktop_reply_cb(sd_bus_message *reply, const sd_bus_error *error, gpointer user_data) {
        DesktopRequest *q = user_data;
        g_autoptr(sd_bus_message) answer = NULL;
        int r;

        if (!reply)
                r = sd_bus_reply_method_error(q->m, error);
        else {
                r = sd_bus_message_new_method_return(q->m, &answer);
                if (r >= 0)
                        r = sd_bus_message_rewind(reply, 1);
                if (r >= 0)
                        r = sd_bus_message_copy(answer, reply, 1);
                if (r >= 0)
                        r = sd_bus_send(NULL, answer, NULL);
        }
        /* An app that is gone has nobody to answer. */
        if (r < 0 && r != -ENOTCONN && r != -ECONNRESET)
                g_warning("Cannot answer an app's %s: %s", sd_bus_message_get_member(q->m),
                          g_strerror(-r));
        desktop_request_done(q);
}

/* Forwards the app's call m to Desktop.`member`, with its arguments. */
static int forward(sd_bus_message *m, App *a, const char *member, sd_bus_error *error) {
        sd_bus *link = sd_bus_message_get_bus(m);
        guint n = GPOINTER_TO_UINT(g_hash_table_lookup(waiting, link));
        DesktopRequest *q;
        int r;

        if (n >= APPD_DESKTOP_MAX_WAITING)
                return sd_bus_error_setf(error, APPD_ERROR_TOO_MANY,
                                         "%u clipboard and screen calls of this app already "
                                         "wait for an answer", n);
        q = g_new0(DesktopRequest, 1);
        q->m = sd_bus_message_ref(m);
        q->link = link;
        g_hash_table_insert(waiting, link, GUINT_TO_POINTER(n + 1));
        r = desktop_process_call(a->daemon->desktop, member, m, desktop_reply_cb, q);
        if (r < 0) {
                desktop_request_done(q);
                APP_HOST_LOG(a, G_LOG_LEVEL_WARNING, "Cannot start appd-desktop for %s: %s",
                             a->id, g_strerror(-r));
                return sd_bus_error_setf(error, APPD_ERROR_DESKTOP_FAILED,
                                         r == -EAGAIN ? "appd-desktop keeps failing to start; "
                                                        "see appd's journal"
                                                      : "Cannot start appd-desktop: %s",
                                         g_strerror(-r));
        }
        return 1;
}

static int check_selection(const char *selection, sd_bus_error *error) {
        if (g_str_equal(selection, "clipboard") || g_str_equal(selection, "selection"))
                return 0;
        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                 "Unknown clipboard '%s': \"clipboard\" or \"selection\"",
                                 selection);
}

/* A MIME type as the XML says: type/subtype, printable ASCII. */
static int check_format(const char *format, sd_bus_error *error) {
        const char *slash = strchr(format, '/');
        size_t len = strlen(format);
        gboolean ok = len > 0 && len <= APPD_CLIPBOARD_MAX_FORMAT && slash && slash != format &&
                      slash[1];

        for (const char *p = format; ok && *p; p++)
                ok = *p > ' ' && *p < 0x7f;
        if (ok)
                return 0;
        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                 "'%.64s' is not a MIME type (type/subtype, at most %d ASCII "
                                 "characters)", format, APPD_CLIPBOARD_MAX_FORMAT);
}

static int method_ClipboardRead(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *selection, *format;
        int r;

        r = sd_bus_message_read(m, "ss", &selection, &format);
        if (r < 0)
                return r;
        r = check_selection(selection, error);
        if (r >= 0)
                r = check_format(format, error);
        if (r < 0)
                return r;
        return forward(m, userdata, "ReadClipboard", error);
}

static int method_ClipboardWrite(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *selection, *format;
        const void *data;
        size_t size, total = 0;
        unsigned n = 0;
        int r;

        r = sd_bus_message_read(m, "s", &selection);
        if (r < 0)
                return r;
        r = check_selection(selection, error);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(m, 'a', "(say)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'r', "say")) > 0) {
                r = sd_bus_message_read(m, "s", &format);
                if (r >= 0)
                        r = sd_bus_message_read_array(m, 'y', &data, &size);
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
                if (r >= 0)
                        r = check_format(format, error);
                if (r < 0)
                        return r;
                if (++n > APPD_CLIPBOARD_MAX_ITEMS)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "At most %d formats at once",
                                                 APPD_CLIPBOARD_MAX_ITEMS);
                total += size;
                if (total > APPD_CLIPBOARD_MAX_BYTES)
                        return sd_bus_error_setf(error, APPD_ERROR_TOO_LARGE,
                                                 "Clipboard data is limited to %u bytes; "
                                                 "this is %zu or more",
                                                 APPD_CLIPBOARD_MAX_BYTES, total);
        }
        if (r < 0)
                return r;
        return forward(m, userdata, "WriteClipboard", error);
}

static int method_ClipboardFormats(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *selection;
        int r;

        r = sd_bus_message_read(m, "s", &selection);
        if (r >= 0)
                r = check_selection(selection, error);
        if (r < 0)
                return r;
        return forward(m, userdata, "ClipboardFormats", error);
}

static int method_ScreenGetDisplays(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return forward(m, userdata, "GetDisplays", error);
}

static int method_ScreenGetCursorPoint(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return forward(m, userdata, "GetCursorPoint", error);
}

/* ScreenWatch, ThemeWatch: the app watches `kind` or stops. */
static int watch(sd_bus_message *m, App *a, Watch kind, sd_bus_error *error) {
        int on, r;

        r = sd_bus_message_read(m, "b", &on);
        if (r < 0)
                return r;
        if (!on) {
                g_hash_table_remove(watchers[kind], a->id);
                return sd_bus_reply_method_return(m, NULL);
        }
        r = desktop_process_ensure(a->daemon->desktop);
        if (r < 0)
                return sd_bus_error_setf(error, APPD_ERROR_DESKTOP_FAILED,
                                         "Cannot start appd-desktop: %s", g_strerror(-r));
        g_hash_table_add(watchers[kind], g_strdup(a->id));
        return sd_bus_reply_method_return(m, NULL);
}

static int method_ScreenWatch(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return watch(m, userdata, WATCH_SCREEN, error);
}

static int method_ThemeGet(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return forward(m, userdata, "GetTheme", error);
}

static int method_ThemeWatch(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return watch(m, userdata, WATCH_THEME, error);
}

static const sd_bus_vtable app_host_desktop_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("ClipboardRead", SD_BUS_ARGS("s", selection, "s", format),
                                SD_BUS_RESULT("ay", data), method_ClipboardRead, 0),
        SD_BUS_METHOD_WITH_ARGS("ClipboardWrite", SD_BUS_ARGS("s", selection, "a(say)", items),
                                SD_BUS_NO_RESULT, method_ClipboardWrite, 0),
        SD_BUS_METHOD_WITH_ARGS("ClipboardFormats", SD_BUS_ARGS("s", selection),
                                SD_BUS_RESULT("as", formats), method_ClipboardFormats, 0),
        SD_BUS_METHOD_WITH_ARGS("ScreenGetDisplays", SD_BUS_NO_ARGS,
                                SD_BUS_RESULT("aa{sv}", displays), method_ScreenGetDisplays, 0),
        SD_BUS_METHOD_WITH_ARGS("ScreenGetCursorPoint", SD_BUS_NO_ARGS,
                                SD_BUS_RESULT("i", x, "i", y), method_ScreenGetCursorPoint, 0),
        SD_BUS_METHOD_WITH_ARGS("ScreenWatch", SD_BUS_ARGS("b", watch), SD_BUS_NO_RESULT,
                                method_ScreenWatch, 0),
        SD_BUS_METHOD_WITH_ARGS("ThemeGet", SD_BUS_NO_ARGS, SD_BUS_RESULT("b", dark),
                                method_ThemeGet, 0),
        SD_BUS_METHOD_WITH_ARGS("ThemeWatch", SD_BUS_ARGS("b", watch), SD_BUS_NO_RESULT,
                                method_ThemeWatch, 0),
        SD_BUS_VTABLE_END,
};

/* appd-desktop's signal, as an event to every app that watches it. */
static void desktop_signal_cb(const char *signal, gpointer user_data) {
        Daemon *d = user_data;

        for (Watch kind = 0; kind < _WATCH_MAX; kind++) {
                GHashTableIter it;
                gpointer id;

                if (g_strcmp0(signal, watch_kinds[kind].signal) != 0)
                        continue;
                g_hash_table_iter_init(&it, watchers[kind]);
                while (g_hash_table_iter_next(&it, &id, NULL)) {
                        App *a = app_find(d, id);

                        if (!a || a->script_ended) {
                                g_hash_table_iter_remove(&it);
                                continue;
                        }
                        app_post_event(a, watch_kinds[kind].event);
                }
        }
}

void bus_app_host_init(Daemon *d, const char *desktop_program) {
        waiting = g_hash_table_new(g_direct_hash, g_direct_equal);
        for (Watch kind = 0; kind < _WATCH_MAX; kind++)
                watchers[kind] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        d->desktop = desktop_process_new(desktop_program);
        desktop_process_set_signal_cb(d->desktop, desktop_signal_cb, d);
}

void bus_app_host_fini(Daemon *d) {
        g_clear_pointer(&d->desktop, desktop_process_free);
        for (Watch kind = 0; kind < _WATCH_MAX; kind++)
                g_clear_pointer(&watchers[kind], g_hash_table_destroy);
        g_clear_pointer(&waiting, g_hash_table_destroy);
}

int bus_app_host_add(App *a) {
        /* An app's watches end with it: its id may be reused. */
        for (Watch kind = 0; kind < _WATCH_MAX; kind++)
                g_hash_table_remove(watchers[kind], a->id);
        return app_process_add_vtable(a->process, app_host_desktop_vtable, a);
}
