/* Page links: a page's own connection, served in the app process for its
 * window (docs/ipc.md, "The page link").
 *
 * appd makes the connection when the window's renderer asks for one
 * (Host.OpenPageLink) and hands this end over (OpenPageLink): the window
 * is fixed by that call, never by what the page says.  On it this process
 * serves the page's part of org.appd.Appd1.Host (Send, Invoke, SendSync,
 * Attach, the Message signal) with the checks appd makes on the
 * renderer's link, and answers there directly.
 *
 * Once the page attaches, webContents.send goes on its link too.  What was
 * sent through appd and the renderer before may still be on its way then,
 * so the switch is fenced: the app sends a token through the renderer
 * (channel APPD_PAGE_FENCE_CHANNEL), the page echoes it on the link, and
 * until then what is for the page on that link (messages and invoke
 * answers) waits here, in order.  SendSync answers never wait: the page
 * blocks on them and could not echo. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-bus.h>
#include <uv.h>

#include "appd-protocol.h"
#include "bus-link.h"
#include "bus-string.h"
#include "host-private.h"
#include "ipc-check.h"

typedef struct PageWindow PageWindow;

typedef struct {
        Link link;
        PageWindow *window;
        sd_bus_slot *slot;
        uint64_t fence;            /* the token awaited while fencing */
        bool fencing;
        GQueue held;               /* sd_bus_message*: for the page, waiting for the fence */
        size_t held_bytes;
        size_t queued_bytes;       /* written since the link's queue was last empty */
        unsigned handles;          /* uv handles still to close */
} PageLink;

struct PageWindow {
        uint32_t id;               /* the app's id for the window */
        GQueue links;              /* PageLink*, oldest first */
        PageLink *page;            /* attached: where the page's messages go */
        bool linked;               /* appd was told the page is linked */
        size_t request_bytes;      /* what its waiting invokes and sendSyncs hold */
};

/* An Invoke or SendSync waiting for the app's answer (binding.answer()). */
typedef struct {
        PageLink *link;
        sd_bus_message *call;
        size_t cost;
} PageRequest;

static struct {
        GHashTable *windows;       /* id → PageWindow* */
        GHashTable *requests;      /* req → PageRequest* */
        int64_t next_req;
        uint64_t next_fence;
        uint32_t ipc_max;          /* the app's IPC limit (binding.ipcLimit()) */
} pages;

static uint32_t page_ipc_max(void) {
        return pages.ipc_max ?: APPD_IPC_MAX_PAYLOAD;
}

/* What a window's waiting calls, and what waits for one page, may hold:
 * as appd's bound (appd-protocol.h). */
static size_t page_waiting_max(void) {
        return ipc_waiting_max(page_ipc_max());
}

static void page_report(PageWindow *pw, bool linked) {
        g_autofree char *json = NULL;

        if (pw->linked == linked)
                return;
        pw->linked = linked;
        json = g_strdup_printf("{\"op\":\"page-linked\",\"id\":%" PRIu32 ",\"linked\":%s}", pw->id,
                               linked ? "true" : "false");
        (void) host_message_send(json, NULL, 0);
}

static void page_request_free(gpointer data) {
        PageRequest *q = data;

        q->link->window->request_bytes -= q->cost;
        sd_bus_message_unref(q->call);
        g_free(q);
}

static void page_link_handle_closed_cb(uv_handle_t *handle) {
        PageLink *pl = handle->data;

        if (--pl->handles > 0)
                return;
        sd_bus_unref(pl->link.bus);
        g_free(pl);
}

/* Closes pl (at once for the page; its memory goes once libuv lets go). */
static void page_link_close(PageLink *pl) {
        PageWindow *pw = pl->window;
        GHashTableIter it;
        gpointer value;
        sd_bus_message *m;

        if (!pl->link.serving)
                return;
        pl->link.serving = false;
        g_hash_table_iter_init(&it, pages.requests);
        while (g_hash_table_iter_next(&it, NULL, &value))
                if (((PageRequest *) value)->link == pl)
                        g_hash_table_iter_remove(&it);
        while ((m = g_queue_pop_head(&pl->held)))
                sd_bus_message_unref(m);
        g_queue_remove(&pw->links, pl);
        if (pw->page == pl) {
                pw->page = NULL;
                page_report(pw, false);
        }
        if (g_queue_is_empty(&pw->links))
                g_hash_table_remove(pages.windows, GUINT_TO_POINTER(pw->id));
        pl->slot = sd_bus_slot_unref(pl->slot);
        sd_bus_close(pl->link.bus);
        pl->handles = 2;
        uv_close((uv_handle_t *) &pl->link.poll, page_link_handle_closed_cb);
        uv_close((uv_handle_t *) &pl->link.timer, page_link_handle_closed_cb);
}

static void page_link_lost(Link *link, int error) {
        /* The web process went, or navigated to another one. */
        page_link_close((PageLink *) link);
}

static void page_link_flush(PageLink *pl) {
        sd_bus_message *m;

        pl->fencing = false;
        pl->held_bytes = 0;
        while ((m = g_queue_pop_head(&pl->held))) {
                (void) sd_bus_send(pl->link.bus, m, NULL);
                sd_bus_message_unref(m);
        }
        link_schedule(&pl->link);
}

/* Sends m (a Message signal or an answer) to the page, behind what waits
 * for the fence unless `now`. */
static void page_link_put(PageLink *pl, sd_bus_message *m, size_t size, bool now) {
        uint64_t queued = 0;

        if (sd_bus_get_n_queued_write(pl->link.bus, &queued) >= 0 && queued == 0)
                pl->queued_bytes = 0;
        pl->queued_bytes += size;
        if (pl->fencing && !now) {
                g_queue_push_tail(&pl->held, sd_bus_message_ref(m));
                pl->held_bytes += size;
                /* A page that never echoes its fence keeps its order no
                 * longer than this: the app's memory is not its to take. */
                if (pl->held_bytes > page_waiting_max()) {
                        g_warning("The page of window %" PRIu32 " did not answer its link's fence; "
                                  "sending on it anyway", pl->window->id);
                        page_link_flush(pl);
                }
                return;
        }
        (void) sd_bus_send(pl->link.bus, m, NULL);
        link_schedule(&pl->link);
}

/* A fence's payload: a frame of [token], as any message's, so that every
 * step on its way takes it as one. */
static size_t page_fence_frame(uint64_t token, uint8_t frame[32]) {
        int n = g_snprintf((char *) frame + 4, 28, "[%" PRIu64 "]", token);

        frame[0] = n;
        frame[1] = frame[2] = frame[3] = 0;
        return 4 + n;
}

/* The page echoed a fence: if it is the one this link waits for,
 * everything sent through the renderer before has reached the page. */
static void page_link_fence_echoed(PageLink *pl, const void *data, size_t size) {
        uint8_t frame[32];

        if (!pl->fencing || size != page_fence_frame(pl->fence, frame) ||
            memcmp(data, frame, size) != 0)
                return;
        page_link_flush(pl);
        if (pl->window->page == pl)
                page_report(pl->window, true);
}

static int method_PageSend(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        PageLink *pl = userdata;
        const char *channel;
        const void *data;
        size_t size;
        int r;

        r = ipc_check_read(m, page_ipc_max(), &channel, &data, &size, error);
        if (r <= 0)
                return r;
        if (g_str_equal(channel, APPD_PAGE_FENCE_CHANNEL))
                page_link_fence_echoed(pl, data, size);
        else
                host_dispatch_ipc(m, channel, data, size, pl->window->id, "send", 0, true);
        return sd_bus_reply_method_return(m, NULL);
}

/* Invoke and SendSync: the call waits until the app answers
 * (binding.answer()); what waiting calls hold is bounded per window. */
static int page_link_request(sd_bus_message *m, PageLink *pl, const char *kind,
                             sd_bus_error *error) {
        PageWindow *pw = pl->window;
        PageRequest *q;
        const char *channel;
        const void *data;
        size_t size, cost;
        int64_t req;
        int r;

        r = ipc_check_read(m, page_ipc_max(), &channel, &data, &size, error);
        if (r <= 0)
                return r;
        cost = ipc_request_cost(channel, size);
        if (pw->request_bytes + cost > page_waiting_max())
                return sd_bus_error_setf(error, APPD_ERROR_TOO_MANY,
                                         "IPC calls waiting for an answer hold more than %zu bytes",
                                         page_waiting_max());
        req = ++pages.next_req;
        q = g_new0(PageRequest, 1);
        q->link = pl;
        q->call = sd_bus_message_ref(m);
        q->cost = cost;
        pw->request_bytes += cost;
        g_hash_table_insert(pages.requests, g_memdup2(&req, sizeof(req)), q);
        host_dispatch_ipc(m, channel, data, size, pw->id, kind, req, true);
        return 1;
}

static int method_PageInvoke(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return page_link_request(m, userdata, "invoke", error);
}

static int method_PageSendSync(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return page_link_request(m, userdata, "send-sync", error);
}

/* The page's bridge has started: messages for the window go on this link
 * from now on, once the fence has come back. */
static int method_Attach(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        PageLink *pl = userdata;
        g_autofree char *json = NULL;
        uint8_t frame[32];
        size_t size;
        int r;

        pl->window->page = pl;
        pl->fencing = true;
        pl->fence = ++pages.next_fence;
        r = sd_bus_reply_method_return(m, NULL);
        json = g_strdup_printf("{\"op\":\"send\",\"id\":%" PRIu32 ",\"channel\":\"%s\"}",
                               pl->window->id, APPD_PAGE_FENCE_CHANNEL);
        size = page_fence_frame(pl->fence, frame);
        (void) host_message_send(json, frame, size);
        return r;
}

static const sd_bus_vtable page_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Attach", NULL, NULL, method_Attach, 0),
        SD_BUS_SIGNAL_WITH_ARGS("Message", SD_BUS_ARGS("s", channel, "ay", args), 0),
        SD_BUS_METHOD_WITH_ARGS("Invoke", SD_BUS_ARGS("s", channel, "ay", args),
                                SD_BUS_RESULT("ay", result), method_PageInvoke, 0),
        SD_BUS_METHOD_WITH_ARGS("SendSync", SD_BUS_ARGS("s", channel, "ay", args),
                                SD_BUS_RESULT("ay", result), method_PageSendSync, 0),
        SD_BUS_METHOD_WITH_ARGS("Send", SD_BUS_ARGS("s", channel, "ay", args), SD_BUS_NO_RESULT,
                                method_PageSend, 0),
        SD_BUS_VTABLE_END
};

int method_OpenPageLink(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        g_autoptr(sd_bus) bus = NULL;
        PageWindow *pw;
        PageLink *pl;
        uint32_t window;
        int fd, r;

        r = sd_bus_message_read(m, "uh", &window, &fd);
        if (r < 0)
                return r;
        if (!host_has_window(window))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "The app has no window %" PRIu32, window);
        fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return sd_bus_error_set_errnof(error, errno, "Cannot take the page link: %m");
        pl = g_new0(PageLink, 1);
        r = bus_link_serve(fd, APPD_HOST_PATH, APPD_HOST_IFACE, page_vtable, pl, &pl->slot, &bus);
        if (r < 0) {
                g_free(pl);
                return sd_bus_error_set_errnof(error, r, "Cannot serve the page link: %m");
        }

        pw = g_hash_table_lookup(pages.windows, GUINT_TO_POINTER(window));
        if (!pw) {
                pw = g_new0(PageWindow, 1);
                pw->id = window;
                g_hash_table_insert(pages.windows, GUINT_TO_POINTER(window), pw);
        }
        /* A page of an older web process, or one that never used its link,
         * makes room. */
        if (g_queue_get_length(&pw->links) >= APPD_PAGE_LINKS_MAX)
                page_link_close(g_queue_peek_head(&pw->links));
        pl->window = pw;
        pl->link.bus = g_steal_pointer(&bus);
        pl->link.lost = page_link_lost;
        g_queue_push_tail(&pw->links, pl);
        link_start(&pl->link, false);
        return sd_bus_reply_method_return(m, NULL);
}

int method_ClosePageLinks(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        PageWindow *pw;
        uint32_t window;
        int r;

        r = sd_bus_message_read(m, "u", &window);
        if (r < 0)
                return r;
        pw = g_hash_table_lookup(pages.windows, GUINT_TO_POINTER(window));
        if (pw) {
                /* appd knows: the renderer's end is what it saw go. */
                pw->linked = false;
                while (pw && !g_queue_is_empty(&pw->links)) {
                        bool last = g_queue_get_length(&pw->links) == 1;

                        page_link_close(g_queue_peek_head(&pw->links));
                        if (last)
                                pw = NULL;
                }
        }
        return sd_bus_reply_method_return(m, NULL);
}

void page_links_init(void) {
        pages.windows = g_hash_table_new_full(NULL, NULL, NULL, g_free);
        pages.requests = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                               page_request_free);
}

void page_links_set_ipc_max(uint32_t limit) {
        pages.ipc_max = limit;
}

bool page_links_waits(int64_t req) {
        return g_hash_table_contains(pages.requests, &req);
}

void page_links_answer(int64_t req, bool ok, const void *data, size_t size, const char *error) {
        g_autoptr(sd_bus_message) reply = NULL;
        g_autofree char *over = NULL, *valid = NULL;
        PageRequest *q;
        int r;

        q = g_hash_table_lookup(pages.requests, &req);
        if (!q)
                return;
        if (ok && size > page_ipc_max()) {
                ok = false;
                error = over = g_strdup_printf("IPC reply of %zu bytes is over the limit of %" PRIu32,
                                               size, page_ipc_max());
        }
        if (ok) {
                r = sd_bus_message_new_method_return(q->call, &reply);
                if (r >= 0)
                        r = sd_bus_message_append_array(reply, 'y', size > 0 ? data : "", size);
        } else
                r = sd_bus_message_new_method_errorf(q->call, &reply, APPD_ERROR_HANDLER_FAILED, "%s",
                                                     bus_string(error ?: "failed", &valid));
        if (r >= 0)
                page_link_put(q->link, reply, size,
                              g_str_equal(sd_bus_message_get_member(q->call), "SendSync"));
        g_hash_table_remove(pages.requests, &req);
}

int page_links_send(uint32_t window, const char *channel, const void *data, size_t size) {
        g_autoptr(sd_bus_message) m = NULL;
        PageWindow *pw;
        PageLink *pl;
        uint64_t queued = 0;
        int r;

        pw = g_hash_table_lookup(pages.windows, GUINT_TO_POINTER(window));
        pl = pw ? pw->page : NULL;
        /* What appd refuses (docs/ipc.md) it refuses in its own words. */
        if (!pl || !*channel || strlen(channel) > APPD_IPC_MAX_CHANNEL ||
            !bus_string_is_valid(channel) || size > page_ipc_max())
                return 0;
        if ((sd_bus_get_n_queued_write(pl->link.bus, &queued) >= 0 && queued >= APPD_PAGE_LINK_MAX_QUEUED) ||
            pl->queued_bytes + size > page_waiting_max())
                return -ENOBUFS;
        r = sd_bus_message_new_signal(pl->link.bus, &m, APPD_HOST_PATH, APPD_HOST_IFACE, "Message");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", channel);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', size > 0 ? data : "", size);
        if (r < 0)
                return 0;
        page_link_put(pl, m, size, false);
        return 1;
}
