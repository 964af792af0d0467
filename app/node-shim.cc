/* C face on libnode's C++ embedding API; see node-shim.h. */
/* node.h first: it settles NAPI_VERSION for node_api.h. */
#include <node.h>

#include "node-shim.h"

#include <cerrno>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#define G_LOG_DOMAIN "appd-js"
#include <glib.h>

namespace {

std::once_flag process_once;
std::unique_ptr<node::InitializationResult> process_result;
int process_status = -EIO;

void log_errors(const char *what, const std::vector<std::string> &errors) {
        for (const std::string &e : errors)
                g_warning("%s: %s", what, e.c_str());
}

}  // namespace

extern "C" int node_shim_process_init(void) {
        std::call_once(process_once, [] {
                /* The daemon owns the process: its signal dispositions,
                 * stdio and rlimits stay as it set them, and the user's
                 * NODE_OPTIONS must not reach it (a --max-old-space-size
                 * there would override every app's own heap limit). */
                std::vector<std::string> args = {"appd"};
                process_result = node::InitializeOncePerProcess(args, {
                        node::ProcessInitializationFlags::kNoStdioInitialization,
                        node::ProcessInitializationFlags::kNoDefaultSignalHandling,
                        node::ProcessInitializationFlags::kDisableNodeOptionsEnv,
                        node::ProcessInitializationFlags::kNoAdjustResourceLimits,
                        node::ProcessInitializationFlags::kNoUseLargePages,
                        node::ProcessInitializationFlags::kNoPrintHelpOrVersionOutput,
                });
                log_errors("Node initialization", process_result->errors());
                if (process_result->early_return() || !process_result->platform())
                        process_status = -EINVAL;
                else
                        process_status = 0;
        });
        return process_status;
}

extern "C" int node_shim_run(const char *source, const char *binding_name,
                             napi_addon_register_func binding_init,
                             NodeShimStartedFunc started, void *user_data) {
        if (node_shim_process_init() < 0)
                return -EINVAL;

        std::vector<std::string> errors;
        std::vector<std::string> args = {"appd"};
        std::vector<std::string> exec_args;
        /* No inspector: it would listen for SIGUSR1 in the daemon.  No
         * $NODE_PATH or ~/.node_modules: apps bring their own modules. */
        auto flags = static_cast<node::EnvironmentFlags::Flags>(
                node::EnvironmentFlags::kNoCreateInspector |
                node::EnvironmentFlags::kNoGlobalSearchPaths);
        std::unique_ptr<node::CommonEnvironmentSetup> setup =
                node::CommonEnvironmentSetup::Create(process_result->platform(), &errors,
                                                     args, exec_args, flags);
        if (!setup) {
                log_errors("Node environment", errors);
                return -ENOMEM;
        }

        int r = 0;
        {
                v8::Isolate *isolate = setup->isolate();
                node::Environment *env = setup->env();
                v8::Locker locker(isolate);
                v8::Isolate::Scope isolate_scope(isolate);
                v8::HandleScope handle_scope(isolate);
                v8::Context::Scope context_scope(setup->context());

                /* The default handler calls exit(): the daemon must outlive
                 * any process.exit() in JavaScript. */
                node::SetProcessExitHandler(env, [](node::Environment *e, int code) {
                        node::Stop(e);
                });
                node::AddLinkedBinding(env, binding_name, binding_init, NAPI_VERSION);
                if (started)
                        started(reinterpret_cast<NodeShimEnv *>(env), user_data);

                if (node::LoadEnvironment(env, source).IsEmpty())
                        r = -EINVAL;
                else
                        (void) node::SpinEventLoop(env);
        }
        /* Frees the environment (terminating and joining its Workers) and
         * the isolate. */
        setup.reset();
        return r;
}

extern "C" void node_shim_stop(NodeShimEnv *env) {
        node::Stop(reinterpret_cast<node::Environment *>(env));
}
