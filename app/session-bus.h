/* The app's own session bus connection (session-bus.c) and how JavaScript
 * values cross it (session-bus-value.c). */
#pragma once

#include <node_api.h>
#include <systemd/sd-bus.h>

/* The binding's busCall, busCallSync, busMatch, busWait, busUnmatch and
 * busUniqueName (session-bus.c says what each does). */
napi_value js_bus_call_cb(napi_env env, napi_callback_info info);
napi_value js_bus_call_sync_cb(napi_env env, napi_callback_info info);
napi_value js_bus_match_cb(napi_env env, napi_callback_info info);
napi_value js_bus_wait_cb(napi_env env, napi_callback_info info);
napi_value js_bus_unmatch_cb(napi_env env, napi_callback_info info);
napi_value js_bus_unique_name_cb(napi_env env, napi_callback_info info);

/* Appends the values of the JS array `values` to m as `signature` says:
 * numbers (or BigInts for x and t), booleans, strings; an array for a(…)
 * and (…); an object for a{…}; bytes (a typed array) or an array for ay;
 * [signature, value] for v; an fd number for h.  On a value that does not
 * fit it throws a TypeError naming it and returns -EINVAL. */
int session_bus_value_append_all(napi_env env, sd_bus_message *m, const char *signature,
                                 napi_value values);
/* The message's arguments as a JS array; variants are unwrapped, a{…}
 * becomes an object, ay a Buffer. */
int session_bus_value_read_all(napi_env env, sd_bus_message *m, napi_value *ret);
