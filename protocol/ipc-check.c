#include "ipc-check.h"

#include <inttypes.h>
#include <string.h>

#include "appd-protocol.h"

int ipc_check_read(sd_bus_message *m, uint32_t max, const char **ret_channel,
                   const void **ret_data, size_t *ret_size, sd_bus_error *error) {
        int r;

        r = sd_bus_message_read(m, "s", ret_channel);
        if (r >= 0)
                r = sd_bus_message_read_array(m, 'y', ret_data, ret_size);
        if (r < 0)
                return r;
        if (!**ret_channel || strlen(*ret_channel) > APPD_IPC_MAX_CHANNEL)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "IPC channel names must be 1 to %d bytes",
                                         APPD_IPC_MAX_CHANNEL);
        if (*ret_size > max)
                return sd_bus_error_setf(error, APPD_ERROR_TOO_LARGE,
                                         "IPC message of %zu bytes is over the limit of %" PRIu32,
                                         *ret_size, max);
        return 1;
}

size_t ipc_request_cost(const char *channel, size_t size) {
        return size + strlen(channel) + APPD_IPC_REQUEST_OVERHEAD;
}

size_t ipc_waiting_max(uint32_t max) {
        size_t four = 4 * (size_t) max;

        return four > APPD_IPC_WAITING_MIN_BYTES ? four : APPD_IPC_WAITING_MIN_BYTES;
}
