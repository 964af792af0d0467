#include "bus-source.h"

#include <errno.h>
#include <poll.h>
#include <time.h>

/* Messages processed per dispatch before yielding back to the loop, so one
 * chatty peer cannot starve the other sources. */
#define BUS_SOURCE_MAX_PER_DISPATCH 64

typedef struct {
        GSource source;
        sd_bus *bus;
        gpointer fd_tag;
        int fd;
        gushort events;
        BusSourceClosedFunc closed_cb;
        gpointer user_data;
        gboolean closed;
} BusSource;

static gushort poll_to_gio(int events) {
        gushort r = 0;
        if (events & POLLIN)
                r |= G_IO_IN;
        if (events & POLLOUT)
                r |= G_IO_OUT;
        return r;
}

static void bus_source_update(BusSource *s) {
        int events, fd;
        uint64_t usec;

        fd = sd_bus_get_fd(s->bus);
        if (fd != s->fd) {
                if (s->fd_tag)
                        g_source_remove_unix_fd(&s->source, s->fd_tag);
                s->fd_tag = fd >= 0 ? g_source_add_unix_fd(&s->source, fd, G_IO_IN) : NULL;
                s->fd = fd;
                s->events = G_IO_IN;
        }

        events = sd_bus_get_events(s->bus);
        if (events >= 0 && s->fd_tag) {
                gushort want = poll_to_gio(events) | G_IO_HUP | G_IO_ERR;
                /* Changing the poll set on every iteration makes an idle
                 * loop spin; only touch it when the events differ. */
                if (want != s->events) {
                        g_source_modify_unix_fd(&s->source, s->fd_tag, want);
                        s->events = want;
                }
        }

        if (sd_bus_get_timeout(s->bus, &usec) >= 0 && usec != UINT64_MAX) {
                /* sd-bus timeouts are absolute CLOCK_MONOTONIC, which is
                 * what g_get_monotonic_time() reads on Linux. */
                g_source_set_ready_time(&s->source, (gint64) usec);
        } else
                g_source_set_ready_time(&s->source, -1);
}

static gboolean bus_source_prepare(GSource *source, gint *timeout) {
        BusSource *s = (BusSource *) source;
        *timeout = -1;
        if (s->closed)
                return FALSE;
        /* Messages already read into sd-bus's queue show up as a zero
         * timeout, so the ready time covers them. */
        bus_source_update(s);
        return FALSE;
}

static void bus_source_close(BusSource *s, int error) {
        if (s->closed)
                return;
        s->closed = TRUE;
        if (s->fd_tag) {
                g_source_remove_unix_fd(&s->source, s->fd_tag);
                s->fd_tag = NULL;
        }
        if (s->closed_cb)
                s->closed_cb(s->bus, error, s->user_data);
}

static gboolean bus_source_dispatch(GSource *source, GSourceFunc callback, gpointer user_data) {
        BusSource *s = (BusSource *) source;
        int r = 0;

        (void) callback;
        (void) user_data;

        for (int i = 0; i < BUS_SOURCE_MAX_PER_DISPATCH; i++) {
                r = sd_bus_process(s->bus, NULL);
                if (r <= 0)
                        break;
        }
        if (r > 0) {
                /* More is queued: come back on the next iteration without
                 * waiting for the fd. */
                g_source_set_ready_time(source, 0);
        }
        if (r < 0 || !sd_bus_is_open(s->bus)) {
                bus_source_close(s, r < 0 ? r : -ECONNRESET);
                return G_SOURCE_REMOVE;
        }
        bus_source_update(s);
        return G_SOURCE_CONTINUE;
}

static void bus_source_finalize(GSource *source) {
        BusSource *s = (BusSource *) source;
        sd_bus_unref(s->bus);
}

static GSourceFuncs bus_source_funcs = {
        .prepare = bus_source_prepare,
        .dispatch = bus_source_dispatch,
        .finalize = bus_source_finalize,
};

guint bus_source_attach(sd_bus *bus, GMainContext *context,
                        BusSourceClosedFunc closed_cb, gpointer user_data) {
        BusSource *s = (BusSource *) g_source_new(&bus_source_funcs, sizeof(BusSource));
        guint id;

        s->bus = sd_bus_ref(bus);
        s->fd = -1;
        s->closed_cb = closed_cb;
        s->user_data = user_data;
        g_source_set_name(&s->source, "sd-bus");
        bus_source_update(s);
        /* Anything sd-bus read during setup must be handled. */
        g_source_set_ready_time(&s->source, 0);
        id = g_source_attach(&s->source, context);
        g_source_unref(&s->source);
        return id;
}
