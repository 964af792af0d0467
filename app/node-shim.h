/* The only C++ in appd: a C face on libnode's embedding API.
 *
 * libnode's embedder interface (node.h) is C++; everything around it is C
 * with Node-API.  This shim does only what Node-API cannot: set up the
 * process once, create one environment on the calling thread, register a
 * Node-API binding in it, run a source string and spin its event loop. */
#pragma once

#include <node_api.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct NodeShimEnv NodeShimEnv;

/* Called on the running thread once the environment exists, before its
 * source runs; `env` stays valid until node_shim_run() returns. */
typedef void (*NodeShimStartedFunc)(NodeShimEnv *env, void *user_data);

/* Per-process Node and V8 set-up.  Idempotent and thread-safe; Node cannot
 * be initialized twice in one process, so nothing ever tears it down.
 * Returns 0 or a negative errno. */
int node_shim_process_init(void);

/* Create an environment on the calling thread, make `binding_init`
 * available to its JavaScript as process._linkedBinding(binding_name), run
 * `source` (which sees `process` and `require`) and spin the event loop
 * until it is empty or node_shim_stop() is called.  Returns 0 when the loop
 * ended, or a negative errno when the environment could not be created or
 * the source threw while loading. */
int node_shim_run(const char *source, const char *binding_name,
                  napi_addon_register_func binding_init,
                  NodeShimStartedFunc started, void *user_data);

/* Stop the environment from any thread: running JavaScript is terminated
 * and node_shim_run() returns soon after. */
void node_shim_stop(NodeShimEnv *env);

#ifdef __cplusplus
}
#endif
