/* The only C++ in appd: a C face on libnode's embedding API.
 *
 * libnode's embedder interface (node.h) is C++; everything around it is C
 * with Node-API.  This shim does only what Node-API cannot: set up the
 * process, run one environment on the calling thread with a Node-API
 * binding registered in it, and hand the process's end to C: whatever
 * ends the environment (process.exit(), a fatal exception) and a V8 heap
 * that runs out both come to a hook that does not return. */
#pragma once

#include <node_api.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
        /* process.exit(code), process.reallyExit(), or Node ending the
         * environment for a fatal exception.  Must not return. */
        void (*exit)(int code, void *user_data);
        /* V8 cannot allocate: is_heap is true when the JavaScript heap is
         * over its limit.  Runs on the JavaScript thread with V8 unusable;
         * must not return. */
        void (*oom)(const char *location, bool is_heap, void *user_data);
} NodeShimHooks;

/* Set up Node and V8 for this process with V8/Node options (such as
 * "--max-old-space-size=512"; NULL-terminated, may be NULL), then create
 * an environment on the calling thread, make `binding_init` available to
 * its JavaScript as process._linkedBinding(binding_name), run `source`
 * (which sees `process` and `require`) and spin the event loop.  Returns
 * only a negative errno, when Node could not be set up or the source
 * threw while loading; every other end goes to hooks->exit (a loop that
 * runs dry too, with process.exitCode).  Once per process. */
int node_shim_run(const char *const *options, const char *source, const char *binding_name,
                  napi_addon_register_func binding_init, const NodeShimHooks *hooks,
                  void *user_data);

#ifdef __cplusplus
}
#endif
