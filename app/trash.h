/* shell.trashItem()'s native half (trash.c). */
#pragma once

#include <node_api.h>

/* The binding's trash(path, callback). */
napi_value js_trash_cb(napi_env env, napi_callback_info info);
