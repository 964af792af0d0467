/* The checks every page IPC message meets before a main script sees it,
 * made by appd on the renderer's link (daemon/windows.c), by the app
 * process on a page link (app/page-links.c) and by the renderer for what
 * goes to the page (View.Send), in the same words. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

/* Reads (channel, args) of Host.Send, Invoke or SendSync from m and checks
 * the channel (1 to APPD_IPC_MAX_CHANNEL bytes) and the size (at most
 * `max`).  1 when they pass; else the error set (0) or a negative errno. */
int ipc_check_read(sd_bus_message *m, uint32_t max, const char **ret_channel,
                   const void **ret_data, size_t *ret_size, sd_bus_error *error);

/* The bytes a waiting Invoke or SendSync holds, as counted against
 * ipc_waiting_max() (appd-protocol.h says why). */
size_t ipc_request_cost(const char *channel, size_t size);

/* What one window's waiting calls may hold, with messages of at most
 * `max` bytes: the larger of APPD_IPC_WAITING_MIN_BYTES and four of them. */
size_t ipc_waiting_max(uint32_t max);
