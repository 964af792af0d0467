// A native addon as most of npm's are written: registered with NODE_MODULE,
// so it is not context-aware and Node refuses it in a Worker.  It answers
// hello() with a string and counts the calls in process-wide state.
#include <node.h>

namespace {

int calls;

void Hello(const v8::FunctionCallbackInfo<v8::Value> &args) {
        v8::Isolate *isolate = args.GetIsolate();
        calls++;
        args.GetReturnValue().Set(
                v8::String::NewFromUtf8(isolate, "hello from a legacy addon").ToLocalChecked());
}

void Calls(const v8::FunctionCallbackInfo<v8::Value> &args) {
        args.GetReturnValue().Set(calls);
}

void Init(v8::Local<v8::Object> exports, v8::Local<v8::Value>, void *) {
        NODE_SET_METHOD(exports, "hello", Hello);
        NODE_SET_METHOD(exports, "calls", Calls);
}

}  // namespace

NODE_MODULE(NODE_GYP_MODULE_NAME, Init)
