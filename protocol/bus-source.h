/* Drives an sd_bus from a GLib main loop. */
#pragma once

#include <glib.h>
#include <systemd/sd-bus.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sd_bus, sd_bus_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(sd_bus_message, sd_bus_message_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(sd_bus_slot, sd_bus_slot_unref)

/* Called once when the connection fails fatally (peer gone, -ENOBUFS, …).
 * The source has already detached; the callee may unref the bus. */
typedef void (*BusSourceClosedFunc)(sd_bus *bus, int error, gpointer user_data);

/* Attach `bus` to `context` (NULL: the default context).  Returns the
 * source id.  The source holds a reference on the bus. */
guint bus_source_attach(sd_bus *bus, GMainContext *context,
                        BusSourceClosedFunc closed_cb, gpointer user_data);
