/* The app process's connection to appd, and the binding its JavaScript
 * sees as process._linkedBinding('appd').
 *
 * The connection is a private peer-to-peer D-Bus link on a socketpair
 * appd handed over at spawn (protocol/org.appd.Appd1.AppProcess.xml,
 * AppHost.xml).  It is served on Node's own event loop, on the one thread
 * that runs JavaScript: appd's calls (Start, Post, Ipc) become calls of the
 * function bootstrap.js registered with init(), and what the app sends
 * goes out from the binding's functions as it is called. */
#pragma once

#include <glib.h>
#include <node_api.h>

/* Make the link on `fd` (taken over).  Returns 0 or a negative errno. */
int host_connect(int fd);

/* For node_shim_run(): registers the binding.  Serving the link starts
 * when bootstrap.js calls init(dispatch); until then appd's calls wait in
 * the socket. */
napi_value host_binding_init(napi_env env, napi_value exports);

/* Reports the app's end to appd (AppHost.Exited), writes out everything
 * queued before it, and ends the process.  Any thread may call it once
 * JavaScript cannot run any more (an exit, or V8 out of memory). */
G_NORETURN void host_report_exit(int code, const char *reason, const char *message);
