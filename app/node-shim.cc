/* C face on libnode's C++ embedding API; see node-shim.h. */
/* node.h first: it settles NAPI_VERSION for node_api.h. */
#include <node.h>

#include "node-shim.h"

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include <glib.h>

namespace {

const NodeShimHooks *hooks;
void *hooks_data;

void log_errors(const char *what, const std::vector<std::string> &errors) {
        for (const std::string &e : errors)
                g_warning("%s: %s", what, e.c_str());
}

void on_oom(const char *location, bool is_heap) {
        hooks->oom(location ? location : "", is_heap, hooks_data);
        abort();
}

}  // namespace

extern "C" int node_shim_run(const char *const *options, const char *source,
                             const char *binding_name, napi_addon_register_func binding_init,
                             const NodeShimHooks *h, void *user_data) {
        hooks = h;
        hooks_data = user_data;

        /* appd-app owns the process: its signal dispositions, stdio and
         * rlimits stay as it set them, and the user's NODE_OPTIONS must
         * not reach it (a --max-old-space-size there would override the
         * app's heap limit). */
        std::vector<std::string> args = {"appd-app"};
        for (const char *const *o = options; o && *o; o++)
                args.emplace_back(*o);
        std::unique_ptr<node::InitializationResult> init =
                node::InitializeOncePerProcess(args, {
                        node::ProcessInitializationFlags::kNoStdioInitialization,
                        node::ProcessInitializationFlags::kNoDefaultSignalHandling,
                        node::ProcessInitializationFlags::kDisableNodeOptionsEnv,
                        node::ProcessInitializationFlags::kNoAdjustResourceLimits,
                        node::ProcessInitializationFlags::kNoUseLargePages,
                        node::ProcessInitializationFlags::kNoPrintHelpOrVersionOutput,
                });
        log_errors("Node initialization", init->errors());
        if (init->early_return() || !init->platform())
                return -EINVAL;

        std::vector<std::string> errors;
        std::vector<std::string> exec_args;
        /* No inspector: it would listen for SIGUSR1.  No $NODE_PATH or
         * ~/.node_modules: apps bring their own modules. */
        auto flags = static_cast<node::EnvironmentFlags::Flags>(
                node::EnvironmentFlags::kDefaultFlags |
                node::EnvironmentFlags::kNoCreateInspector |
                node::EnvironmentFlags::kNoGlobalSearchPaths);
        std::unique_ptr<node::CommonEnvironmentSetup> setup =
                node::CommonEnvironmentSetup::Create(init->platform(), &errors,
                                                     init->args(), exec_args, flags);
        if (!setup) {
                log_errors("Node environment", errors);
                return -ENOMEM;
        }

        v8::Isolate *isolate = setup->isolate();
        node::Environment *env = setup->env();
        v8::Locker locker(isolate);
        v8::Isolate::Scope isolate_scope(isolate);
        v8::HandleScope handle_scope(isolate);
        v8::Context::Scope context_scope(setup->context());

        /* In place of Node's handlers, which print and abort() or exit(). */
        isolate->SetOOMErrorHandler(on_oom);
        node::SetProcessExitHandler(env, [](node::Environment *, int code) {
                hooks->exit(code, hooks_data);
                abort();
        });
        node::AddLinkedBinding(env, binding_name, binding_init, NAPI_VERSION);
        if (node::LoadEnvironment(env, source).IsEmpty())
                return -EINVAL;
        /* Its end, as Node's own main does when the loop runs dry: the
         * 'exit' event has been emitted; the code is process.exitCode.
         * Tearing the environment down would only delay the process's
         * end, so it is not. */
        hooks->exit(node::SpinEventLoop(env).FromMaybe(1), hooks_data);
        abort();
}
