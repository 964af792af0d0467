/* The public interfaces on the session bus: org.appd.Appd1.Manager
 * (bus-manager.c), .App (bus-app.c) and .Window (bus-window.c), each file
 * its vtable and handlers.  protocol/org.appd.Appd1.*.xml is the contract.
 *
 * Text that apps supply (names, versions, titles, URLs, exception
 * messages, package.json contents in errors) goes out through
 * bus_string(): sd-bus refuses some of what JSON and GLib take, and a
 * refused string would fail the whole reply, for every client. */
#pragma once

#include "daemon.h"

/* bus-manager.c */
int bus_manager_export(Daemon *d);
void bus_manager_send_app_started(Daemon *d, const char *app_id, const char *app_path);
void bus_manager_send_app_exited(Daemon *d, const char *app_id, int exit_code,
                                 const char *reason, const char *message);

/* bus-app.c */
int bus_app_export(App *a);
/* One PropertiesChanged for the AppProperty bits in `properties`. */
void bus_app_send_changed(App *a, guint properties);
const char *bus_app_state_string(AppState s);
/* Ends app `a` with `end` (app_quit(), app_kill()) and answers m. */
int bus_app_end(sd_bus_message *m, App *a, int (*end)(App *), sd_bus_error *error);
/* A string property of an app's or a window's text; userdata points at
 * the char * member named by the vtable's offset. */
int bus_property_text(sd_bus *bus, const char *path, const char *interface,
                      const char *property, sd_bus_message *reply, void *userdata,
                      sd_bus_error *error);

/* bus-app-host.c: AppHost's clipboard and screen methods, served by
 * appd-desktop (desktop-process.c).  init makes d->desktop, from
 * desktop_program; bus_app_host_add() adds the methods to an app's link. */
void bus_app_host_init(Daemon *d, const char *desktop_program);
void bus_app_host_fini(Daemon *d);
int bus_app_host_add(App *a);

/* bus-window.c */
int bus_window_export(Window *w);
/* One PropertiesChanged for the WindowProperty bits in `properties`. */
void bus_window_send_changed(Window *w, guint properties);
