/* The two ends of a link: see bus-link.h. */
#include "bus-link.h"

#include <unistd.h>
#include <systemd/sd-id128.h>

/* A new, anonymous connection on fd, which it takes (and closes on
 * failure). */
static int link_new(int fd, sd_bus **ret) {
        sd_bus *bus = NULL;
        int r;

        r = sd_bus_new(&bus);
        if (r < 0) {
                close(fd);
                return r;
        }
        r = sd_bus_set_fd(bus, fd, fd);
        if (r < 0) {
                close(fd);
                sd_bus_unref(bus);
                return r;
        }
        /* From here on the connection owns fd. */
        r = sd_bus_set_anonymous(bus, 1);
        if (r < 0) {
                sd_bus_unref(bus);
                return r;
        }
        *ret = bus;
        return 0;
}

int bus_link_serve(int fd, const char *path, const char *interface, const sd_bus_vtable *vtable,
                   void *userdata, sd_bus_slot **ret_slot, sd_bus **ret) {
        sd_bus *bus = NULL;
        sd_id128_t server_id;
        int r;

        r = link_new(fd, &bus);
        if (r < 0)
                return r;
        r = sd_id128_randomize(&server_id);
        if (r >= 0)
                r = sd_bus_set_server(bus, 1, server_id);
        if (r >= 0)
                r = sd_bus_add_object_vtable(bus, ret_slot, path, interface, vtable, userdata);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                if (ret_slot)
                        *ret_slot = sd_bus_slot_unref(*ret_slot);
                sd_bus_flush_close_unref(bus);
                return r;
        }
        *ret = bus;
        return 0;
}

int bus_link_connect(int fd, const char *description, sd_bus **ret) {
        sd_bus *bus = NULL;
        int r;

        r = link_new(fd, &bus);
        if (r < 0)
                return r;
        if (description)
                r = sd_bus_set_description(bus, description);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                sd_bus_flush_close_unref(bus);
                return r;
        }
        *ret = bus;
        return 0;
}
