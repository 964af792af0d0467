/* Links: private peer-to-peer D-Bus connections on a socketpair that appd
 * makes (appd ↔ app process, appd ↔ renderer, page ↔ app process).  Who
 * is on the other end is known from who was given the other fd, so
 * neither end authenticates: both are anonymous. */
#pragma once

#include <systemd/sd-bus.h>

/* The server end on fd, which it takes (and closes on failure), started,
 * serving vtable at path and interface with userdata.  *ret_slot: the
 * vtable's slot, or NULL to tie the vtable to the connection. */
int bus_link_serve(int fd, const char *path, const char *interface, const sd_bus_vtable *vtable,
                   void *userdata, sd_bus_slot **ret_slot, sd_bus **ret);

/* The client end on fd, which it takes (and closes on failure), started;
 * description names the connection in sd-bus's logs (NULL: none). */
int bus_link_connect(int fd, const char *description, sd_bus **ret);
