/* binding.trash(path, cb(error)) for shell.trashItem(): moves a file or
 * folder to the trash as the freedesktop.org Trash specification says,
 * with GIO's g_file_trash() (the home trash, or a volume's .Trash-$UID,
 * with its .trashinfo), on a libuv worker thread: it touches the disk and
 * may copy nothing, but must never stall the app's event loop.  cb gets
 * null, or GIO's message for why not. */
#include <gio/gio.h>
#include <uv.h>

#include "host-private.h"
#include "trash.h"

typedef struct {
        uv_work_t work;
        napi_env env;
        napi_ref callback;
        napi_async_context async;
        char *path;
        char *error;
} TrashRequest;

static void trash_work_cb(uv_work_t *work) {
        TrashRequest *t = work->data;
        g_autoptr(GFile) file = g_file_new_for_path(t->path);
        g_autoptr(GError) error = NULL;

        if (!g_file_trash(file, NULL, &error))
                t->error = g_strdup(error->message);
}

static void trash_done_cb(uv_work_t *work, int status) {
        TrashRequest *t = work->data;
        napi_handle_scope scope;
        napi_value fn, global, argv[1], exception;

        napi_open_handle_scope(t->env, &scope);
        if (status < 0 && !t->error)
                t->error = g_strdup(uv_strerror(status));
        if (t->error)
                argv[0] = js_string(t->env, t->error);
        else
                napi_get_null(t->env, &argv[0]);
        napi_get_reference_value(t->env, t->callback, &fn);
        napi_get_global(t->env, &global);
        if (napi_make_callback(t->env, t->async, global, fn, 1, argv, NULL) ==
                    napi_pending_exception &&
            napi_get_and_clear_last_exception(t->env, &exception) == napi_ok)
                napi_fatal_exception(t->env, exception);
        napi_close_handle_scope(t->env, scope);
        napi_delete_reference(t->env, t->callback);
        napi_async_destroy(t->env, t->async);
        g_free(t->path);
        g_free(t->error);
        g_free(t);
}

napi_value js_trash_cb(napi_env env, napi_callback_info info) {
        napi_value argv[2], resource;
        size_t argc = G_N_ELEMENTS(argv), len;
        uv_loop_t *loop;
        TrashRequest *t;

        if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
            napi_get_value_string_utf8(env, argv[0], NULL, 0, &len) != napi_ok ||
            napi_get_uv_event_loop(env, &loop) != napi_ok) {
                napi_throw_type_error(env, NULL, "appd binding: trash(path, callback)");
                return NULL;
        }
        t = g_new0(TrashRequest, 1);
        t->path = g_malloc(len + 1);
        napi_get_value_string_utf8(env, argv[0], t->path, len + 1, &len);
        t->env = env;
        t->work.data = t;
        napi_create_reference(env, argv[1], 1, &t->callback);
        napi_create_object(env, &resource);
        napi_async_init(env, resource, js_string(env, "appd-trash"), &t->async);
        uv_queue_work(loop, &t->work, trash_work_cb, trash_done_cb);
        return NULL;
}
