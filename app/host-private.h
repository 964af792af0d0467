/* What host.c (the link to appd), page-links.c (pages' own links) and
 * binding.c (process._linkedBinding('appd')) share inside appd-app. */
#pragma once

#include <glib.h>
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>
#include <uv.h>

#include "bus-source.h"

/* --- host.c: connections on Node's event loop */

/* A connection served on Node's event loop: appd's link, and each page
 * link (page-links.c).  lost() is called once it has failed or closed;
 * nothing may touch the link after. */
typedef struct Link Link;
struct Link {
        sd_bus *bus;
        uv_poll_t poll;
        uv_timer_t timer;
        bool serving;
        void (*lost)(Link *link, int error);
};

/* Starts serving l on Node's loop; only a link that keeps_alive keeps the
 * app running. */
void link_start(Link *l, bool keeps_alive);
/* Waits for what the link needs next: input, room to write, a timeout. */
void link_schedule(Link *l);

/* --- host.c: the link to appd */

/* An AppHost call without reply; host_call_send() sends it (r: how
 * building it went), counting size against the app's queue bound. */
int host_call_new(const char *member, sd_bus_message **ret);
int host_call_send(sd_bus_message *m, const char *member, size_t size, int r);
/* An op for appd (AppHost.Message); payload: the attached bytes, or NULL. */
int host_message_send(const char *json, const void *payload, size_t size);

/* dispatch('ipc', channel, payload, window, kind, req, link) for a page's
 * message m (from appd, or on a page link when `link`). */
void host_dispatch_ipc(sd_bus_message *m, const char *channel, const void *payload,
                       size_t size, uint32_t window, const char *kind, int64_t req,
                       bool link);
bool host_has_window(uint32_t id);
int host_serve(napi_env env, napi_value dispatch);

/* --- page-links.c: AppProcess's page link methods, and the binding's way
 * to the page links */

int method_OpenPageLink(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_ClosePageLinks(sd_bus_message *m, void *userdata, sd_bus_error *error);

void page_links_init(void);
/* The app's IPC size limit (binding.ipcLimit()). */
void page_links_set_ipc_max(uint32_t limit);
/* Whether Invoke or SendSync `req` still waits for its answer. */
bool page_links_waits(int64_t req);
/* Answers `req`: with the result frame data when ok, else with error. */
void page_links_answer(int64_t req, bool ok, const void *data, size_t size, const char *error);
/* webContents.send to window's attached page: 1 when sent on its link, 0
 * when it goes through appd, -ENOBUFS when too much waits for the page. */
int page_links_send(uint32_t window, const char *channel, const void *data, size_t size);

/* --- binding.c */

napi_value js_string(napi_env env, const char *s);
/* A JS string's UTF-8 copy, or NULL when value is not a string. */
char *js_value_dup_string(napi_env env, napi_value value);
