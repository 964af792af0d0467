#include "view-link.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "appd-protocol.h"
#include "ipc-check.h"
#include "bus-link.h"
#include "bus-source.h"
#include "bus-string.h"


struct ViewLink {
        sd_bus *bus;
        sd_bus_slot *vtable_slot;
        guint source_id;
        AppWindow *window;
        gboolean destroyed;
        gboolean done;
        gboolean page_link_asked; /* Host.OpenPageLink is on its way */
        ViewLinkDoneFunc done_cb;
        gpointer user_data;
        GPtrArray *pending;          /* PendingCall, View.Call not yet answered */
};

/* The largest IPC message: the one appd was configured with, which it
 * hands the window (--ipc-max-message). */
static guint32 link_ipc_limit(ViewLink *link) {
        return link->window ? app_window_ipc_limit(link->window) : APPD_IPC_MAX_PAYLOAD;
}

static void view_link_finish(ViewLink *link, int exit_status) {
        if (link->done)
                return;
        link->done = TRUE;
        if (link->done_cb)
                link->done_cb(link, exit_status, link->user_data);
}

/* ---- calls to the Host ---------------------------------------------- */

static int host_reply_cb(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        /* Nothing waits for these replies; a failure is worth a line in
         * the log and no more. */
        if (e)
                g_message("Host.%s failed: %s", (const char *) userdata, e->message ? e->message : e->name);
        return 0;
}

static void host_send_message(ViewLink *link, sd_bus_message *m, const char *member) {
        int r;

        r = sd_bus_call_async(link->bus, NULL, m, host_reply_cb, (void *) member, 0);
        if (r < 0)
                g_warning("Cannot call Host.%s: %s", member, g_strerror(-r));
}

static void host_call(ViewLink *link, const char *member, const char *types, ...) {
        g_autoptr(sd_bus_message) m = NULL;
        va_list ap;
        int r;

        if (link->done)
                return;

        /* No destination: on a peer-to-peer link there is no bus to route. */
        r = sd_bus_message_new_method_call(link->bus, &m, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, member);
        if (r >= 0 && types) {
                va_start(ap, types);
                r = sd_bus_message_appendv(m, types, ap);
                va_end(ap);
        }
        if (r < 0) {
                g_warning("Cannot build Host.%s: %s", member, g_strerror(-r));
                return;
        }
        host_send_message(link, m, member);
}

static void window_ready_cb(AppWindow *window, guint64 xid, ViewLink *link) {
        host_call(link, "Ready", "t", (uint64_t) xid);
}

/* Page text (URLs, titles, messages) goes through bus_string(): a
 * character sd-bus refuses would lose the whole message. */
static void window_load_event_cb(AppWindow *window, const char *event, const char *url, ViewLink *link) {
        g_autofree char *url_buf = NULL;

        host_call(link, "LoadChanged", "ss", event, bus_string(url, &url_buf));
}

static void window_load_error_cb(AppWindow *window, const char *url, int code, const char *description,
                                 ViewLink *link) {
        g_autofree char *url_buf = NULL, *description_buf = NULL;

        host_call(link, "LoadFailed", "sis", bus_string(url, &url_buf), (int32_t) code,
                  bus_string(description, &description_buf));
}

static void window_page_title_cb(AppWindow *window, const char *title, ViewLink *link) {
        g_autofree char *title_buf = NULL;

        host_call(link, "TitleChanged", "s", bus_string(title, &title_buf));
}

static void window_close_requested_cb(AppWindow *window, ViewLink *link) {
        host_call(link, "CloseRequested", NULL);
}

static void window_ipc_message_cb(AppWindow *window, const char *channel, GBytes *payload, ViewLink *link) {
        g_autoptr(sd_bus_message) m = NULL;
        const void *data;
        size_t size;
        int r;

        if (link->done)
                return;

        data = g_bytes_get_data(payload, &size);
        r = sd_bus_message_new_method_call(link->bus, &m, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, "Send");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", channel);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', size > 0 ? data : "", size);
        if (r < 0) {
                g_warning("Cannot build Host.Send on %s: %s", channel, g_strerror(-r));
                return;
        }
        host_send_message(link, m, "Send");
}

/* Host.Invoke and Host.SendSync: the page waits for the answer, which
 * comes back through the task the window handed over. */
static int host_ipc_reply_cb(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        GTask *task = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const void *data;
        size_t size;
        int r;

        if (e) {
                /* The message is the text the page's promise rejects with
                 * (Electron's "Error invoking remote method …"). */
                g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                                        e->message ? e->message : e->name);
                return 0;
        }
        r = sd_bus_message_read_array(reply, 'y', &data, &size);
        if (r < 0) {
                g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                        "Malformed answer from appd: %s", g_strerror(-r));
                return 0;
        }
        g_task_return_pointer(task, g_bytes_new(data, size), (GDestroyNotify) g_bytes_unref);
        return 0;
}

static gboolean host_ipc_call(ViewLink *link, const char *member, const char *channel, GBytes *payload,
                              GTask *task) {
        g_autoptr(sd_bus_message) m = NULL;
        g_autoptr(sd_bus_slot) slot = NULL;
        const void *data;
        size_t size;
        int r;

        if (link->done)
                return FALSE;

        data = g_bytes_get_data(payload, &size);
        r = sd_bus_message_new_method_call(link->bus, &m, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, member);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", channel);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', size > 0 ? data : "", size);
        /* No timeout, as in Electron: a handler may take its time, and the
         * daemon bounds how many calls wait. */
        if (r >= 0)
                r = sd_bus_call_async(link->bus, &slot, m, host_ipc_reply_cb, task, UINT64_MAX);
        if (r >= 0)
                r = sd_bus_slot_set_destroy_callback(slot, g_object_unref);
        if (r < 0) {
                g_warning("Cannot call Host.%s on %s: %s", member, channel, g_strerror(-r));
                return FALSE;
        }
        /* The slot lives until the reply has been handled or the link
         * closes; it owns the task's reference from here on. */
        g_object_ref(task);
        (void) sd_bus_slot_set_floating(slot, 1);
        return TRUE;
}

static gboolean window_ipc_invoke_cb(AppWindow *window, const char *channel, GBytes *payload, GTask *task,
                                     ViewLink *link) {
        return host_ipc_call(link, "Invoke", channel, payload, task);
}

static gboolean window_ipc_send_sync_cb(AppWindow *window, const char *channel, GBytes *payload, GTask *task,
                                        ViewLink *link) {
        return host_ipc_call(link, "SendSync", channel, payload, task);
}

static void host_call_json(ViewLink *link, const char *member, const char *name, const char *json) {
        g_autoptr(sd_bus_message) m = NULL;
        int r;

        if (link->done)
                return;

        r = sd_bus_message_new_method_call(link->bus, &m, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, member);
        if (r >= 0 && name)
                r = sd_bus_message_append(m, "s", name);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', json, strlen(json));
        if (r < 0) {
                g_warning("Cannot build Host.%s: %s", member, g_strerror(-r));
                return;
        }
        host_send_message(link, m, member);
}

static void window_state_changed_cb(AppWindow *window, const char *json, ViewLink *link) {
        host_call_json(link, "StateChanged", NULL, json);
}

static void window_web_event_cb(AppWindow *window, const char *name, const char *json, ViewLink *link) {
        host_call_json(link, "Event", name, json);
}

static void window_menu_activated_cb(AppWindow *window, guint menu, guint item, gboolean accelerator,
                                     ViewLink *link) {
        host_call(link, "MenuActivated", "uub", (uint32_t) menu, (uint32_t) item, (int) accelerator);
}

static void window_popup_closed_cb(AppWindow *window, guint root, ViewLink *link) {
        host_call(link, "PopupClosed", "u", (uint32_t) root);
}

/* ---- org.appd.Appd1.View -------------------------------------------- */

/* The menu tree of SetMenuBar and Popup: root, then its items. */
static int read_menu_tree(sd_bus_message *m, guint *ret_root, GPtrArray **ret_entries) {
        g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func((GDestroyNotify) menu_entry_free);
        uint32_t root;
        int r;

        r = sd_bus_message_read(m, "u", &root);
        if (r >= 0)
                r = sd_bus_message_enter_container(m, 'a', "(uusssssbbbbu)");
        while (r >= 0) {
                const char *type, *label, *sublabel, *tool_tip, *accelerator;
                int enabled, visible, checked, register_accelerator;
                MenuEntry *e = g_new0(MenuEntry, 1);

                r = sd_bus_message_read(m, "(uusssssbbbbu)", &e->menu, &e->id, &type, &label, &sublabel,
                                        &tool_tip, &accelerator, &enabled, &visible, &checked,
                                        &register_accelerator, &e->submenu);
                if (r <= 0) {
                        g_free(e);
                        break;
                }
                e->type = g_strdup(type);
                e->label = g_strdup(label);
                e->sublabel = g_strdup(sublabel);
                e->tool_tip = g_strdup(tool_tip);
                e->accelerator = g_strdup(accelerator);
                e->enabled = enabled;
                e->visible = visible;
                e->checked = checked;
                e->register_accelerator = register_accelerator;
                g_ptr_array_add(entries, e);
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        *ret_root = root;
        *ret_entries = g_steal_pointer(&entries);
        return 0;
}

static int method_SetMenuBar(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ViewLink *link = userdata;
        g_autoptr(GPtrArray) entries = NULL;
        guint root;
        int r;

        r = read_menu_tree(m, &root, &entries);
        if (r < 0)
                return r;
        if (!link->window)
                return sd_bus_error_set(ret_error, SD_BUS_ERROR_FAILED, "Window is gone");

        app_window_set_menu_bar(link->window, root, entries);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_Popup(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ViewLink *link = userdata;
        g_autoptr(GPtrArray) entries = NULL;
        int32_t x, y, positioning;
        guint root;
        int r;

        r = read_menu_tree(m, &root, &entries);
        if (r >= 0)
                r = sd_bus_message_read(m, "iii", &x, &y, &positioning);
        if (r < 0)
                return r;
        if (!link->window)
                return sd_bus_error_set(ret_error, SD_BUS_ERROR_FAILED, "Window is gone");

        app_window_popup(link->window, root, entries, x, y, positioning);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_ClosePopup(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ViewLink *link = userdata;
        uint32_t root;
        int r;

        r = sd_bus_message_read(m, "u", &root);
        if (r < 0)
                return r;
        if (link->window)
                app_window_close_popup(link->window, root);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_LoadURL(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ViewLink *link = userdata;
        const char *url;
        int r;

        r = sd_bus_message_read(m, "s", &url);
        if (r < 0)
                return r;
        if (!*url)
                return sd_bus_error_set(ret_error, SD_BUS_ERROR_INVALID_ARGS, "Empty URL");
        if (!link->window)
                return sd_bus_error_set(ret_error, SD_BUS_ERROR_FAILED, "Window is gone");

        app_window_load_url(link->window, url);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_SetTitle(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ViewLink *link = userdata;
        const char *title;
        int r;

        r = sd_bus_message_read(m, "s", &title);
        if (r < 0)
                return r;
        if (!link->window)
                return sd_bus_error_set(ret_error, SD_BUS_ERROR_FAILED, "Window is gone");

        gtk_window_set_title(GTK_WINDOW(link->window), title);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_SetVisible(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ViewLink *link = userdata;
        int visible, r;

        r = sd_bus_message_read(m, "b", &visible);
        if (r < 0)
                return r;
        if (!link->window)
                return sd_bus_error_set(ret_error, SD_BUS_ERROR_FAILED, "Window is gone");

        app_window_set_visible(link->window, visible);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_Send(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ViewLink *link = userdata;
        const char *channel;
        const void *payload;
        size_t size;
        int r;

        r = ipc_check_read(m, link_ipc_limit(link), &channel, &payload, &size, ret_error);
        if (r <= 0)
                return r;

        if (link->window)
                app_window_send_ipc(link->window, channel, size > 0 ? payload : "", size);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_Move(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ViewLink *link = userdata;
        int32_t x, y;
        int r;

        r = sd_bus_message_read(m, "ii", &x, &y);
        if (r < 0)
                return r;
        if (!link->window)
                return sd_bus_error_set(ret_error, SD_BUS_ERROR_FAILED, "Window is gone");

        app_window_move(link->window, x, y);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_Resize(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ViewLink *link = userdata;
        int32_t width, height;
        int r;

        r = sd_bus_message_read(m, "ii", &width, &height);
        if (r < 0)
                return r;
        if (width <= 0 || height <= 0 || width > G_MAXINT16 || height > G_MAXINT16)
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Size %" PRIi32 "x%" PRIi32 " is not 1–%d pixels each way",
                                         width, height, G_MAXINT16);
        if (!link->window)
                return sd_bus_error_set(ret_error, SD_BUS_ERROR_FAILED, "Window is gone");

        app_window_resize(link->window, width, height);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_SetOptions(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ViewLink *link = userdata;
        g_autoptr(GError) error = NULL;
        const void *json;
        size_t size;
        int r;

        r = sd_bus_message_read_array(m, 'y', &json, &size);
        if (r < 0)
                return r;
        if (size > link_ipc_limit(link))
                return sd_bus_error_setf(ret_error, APPD_ERROR_TOO_LARGE, "Options of %zu bytes", size);
        if (!link->window)
                return sd_bus_error_set(ret_error, SD_BUS_ERROR_FAILED, "Window is gone");

        if (!app_window_set_options(link->window, size > 0 ? json : "", size, &error))
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS, "%s", error->message);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_SetState(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ViewLink *link = userdata;
        g_autoptr(GError) error = NULL;
        const char *state;
        int r;

        r = sd_bus_message_read(m, "s", &state);
        if (r < 0)
                return r;
        if (!link->window)
                return sd_bus_error_set(ret_error, SD_BUS_ERROR_FAILED, "Window is gone");

        if (!app_window_set_state(link->window, state, &error))
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS, "%s", error->message);
        return sd_bus_reply_method_return(m, NULL);
}

typedef struct {
        ViewLink *link;
        sd_bus_message *call;
} PendingCall;

static void call_done_cb(GObject *source, GAsyncResult *result, gpointer user_data) {
        PendingCall *pending = user_data;
        g_autoptr(sd_bus_message) call = pending->call;
        g_autoptr(sd_bus_message) reply = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *json = NULL;
        ViewLink *link = pending->link;
        int r;

        if (link)
                g_ptr_array_remove_fast(link->pending, pending);
        g_free(pending);
        json = app_window_call_finish(APP_WINDOW(source), result, &error);
        if (!link || link->done)
                return;
        if (!json) {
                g_autofree char *message_buf = NULL;

                /* An exception's message is the page's text. */
                r = sd_bus_reply_method_errorf(call, APPD_ERROR_FAILED, "%s",
                                               bus_string(error->message, &message_buf));
                goto out;
        }
        if (strlen(json) > link_ipc_limit(link)) {
                r = sd_bus_reply_method_errorf(call, APPD_ERROR_TOO_LARGE, "Result of %zu bytes exceeds %u",
                                               strlen(json), link_ipc_limit(link));
                goto out;
        }
        r = sd_bus_message_new_method_return(call, &reply);
        if (r >= 0)
                r = sd_bus_message_append_array(reply, 'y', json, strlen(json));
        if (r >= 0)
                r = sd_bus_send(link->bus, reply, NULL);
out:
        if (r < 0)
                g_warning("Cannot answer View.Call: %s", g_strerror(-r));
}

static int method_Call(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ViewLink *link = userdata;
        g_autoptr(JsonParser) parser = NULL;
        g_autoptr(GError) error = NULL;
        JsonArray *args = NULL;
        PendingCall *pending;
        const char *method;
        const void *json;
        size_t size;
        int r;

        r = sd_bus_message_read(m, "s", &method);
        if (r < 0)
                return r;
        r = sd_bus_message_read_array(m, 'y', &json, &size);
        if (r < 0)
                return r;
        if (size > link_ipc_limit(link))
                return sd_bus_error_setf(ret_error, APPD_ERROR_TOO_LARGE, "Arguments of %zu bytes", size);
        if (!link->window)
                return sd_bus_error_set(ret_error, APPD_ERROR_FAILED, "Window is gone");

        if (size > 0) {
                parser = json_parser_new();
                if (!json_parser_load_from_data(parser, json, (gssize) size, &error))
                        return sd_bus_error_setf(ret_error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "Arguments are not JSON: %s", error->message);
                if (!JSON_NODE_HOLDS_ARRAY(json_parser_get_root(parser)))
                        return sd_bus_error_set(ret_error, SD_BUS_ERROR_INVALID_ARGS,
                                                "Arguments must be a JSON array");
                args = json_node_get_array(json_parser_get_root(parser));
        }

        /* Answered when the window is done, which may be after this
         * returns (a script awaiting a promise). */
        pending = g_new0(PendingCall, 1);
        pending->link = link;
        pending->call = sd_bus_message_ref(m);
        g_ptr_array_add(link->pending, pending);
        app_window_call(link->window, method, args, NULL, call_done_cb, pending);
        return 1;
}

static int method_Destroy(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ViewLink *link = userdata;
        g_autoptr(AppWindow) window = g_steal_pointer(&link->window);
        int r;

        link->destroyed = TRUE;
        r = sd_bus_reply_method_return(m, NULL);

        if (window) {
                g_signal_handlers_disconnect_by_data(window, link);
                gtk_window_destroy(GTK_WINDOW(window));
        }

        /* The reply must reach the daemon before we go. */
        (void) sd_bus_flush(link->bus);
        view_link_finish(link, 0);
        return r;
}

static const sd_bus_vtable view_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("LoadURL", SD_BUS_ARGS("s", url), SD_BUS_NO_RESULT, method_LoadURL, 0),
        SD_BUS_METHOD_WITH_ARGS("SetTitle", SD_BUS_ARGS("s", title), SD_BUS_NO_RESULT, method_SetTitle, 0),
        SD_BUS_METHOD_WITH_ARGS("SetVisible", SD_BUS_ARGS("b", visible), SD_BUS_NO_RESULT, method_SetVisible, 0),
        SD_BUS_METHOD_WITH_ARGS("Send", SD_BUS_ARGS("s", channel, "ay", args), SD_BUS_NO_RESULT, method_Send, 0),
        SD_BUS_METHOD_WITH_ARGS("Move", SD_BUS_ARGS("i", x, "i", y), SD_BUS_NO_RESULT, method_Move, 0),
        SD_BUS_METHOD_WITH_ARGS("Resize", SD_BUS_ARGS("i", width, "i", height), SD_BUS_NO_RESULT, method_Resize, 0),
        SD_BUS_METHOD_WITH_ARGS("SetOptions", SD_BUS_ARGS("ay", options), SD_BUS_NO_RESULT, method_SetOptions, 0),
        SD_BUS_METHOD_WITH_ARGS("SetState", SD_BUS_ARGS("s", state), SD_BUS_NO_RESULT, method_SetState, 0),
        SD_BUS_METHOD_WITH_ARGS("Call", SD_BUS_ARGS("s", method, "ay", args), SD_BUS_RESULT("ay", result),
                                method_Call, 0),
        SD_BUS_METHOD_WITH_ARGS("Destroy", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_Destroy, 0),
        SD_BUS_METHOD_WITH_ARGS("SetMenuBar", SD_BUS_ARGS("u", root, "a(uusssssbbbbu)", items), SD_BUS_NO_RESULT,
                                method_SetMenuBar, 0),
        SD_BUS_METHOD_WITH_ARGS("Popup",
                                SD_BUS_ARGS("u", root, "a(uusssssbbbbu)", items, "i", x, "i", y, "i",
                                            positioning_item),
                                SD_BUS_NO_RESULT, method_Popup, 0),
        SD_BUS_METHOD_WITH_ARGS("ClosePopup", SD_BUS_ARGS("u", root), SD_BUS_NO_RESULT, method_ClosePopup, 0),
        SD_BUS_VTABLE_END
};

/* ---- connection ----------------------------------------------------- */

static void link_closed_cb(sd_bus *bus, int error, gpointer user_data) {
        ViewLink *link = user_data;

        link->source_id = 0;
        if (link->destroyed)
                g_debug("Link to appd closed after Destroy");
        else
                g_warning("Link to appd lost (%s); exiting", g_strerror(-error));
        view_link_finish(link, link->destroyed ? 0 : 1);
}

ViewLink *view_link_new(int fd, const char *app_id, ViewLinkDoneFunc done_cb, gpointer user_data, GError **error) {
        g_autoptr(sd_bus) bus = NULL;
        ViewLink *link;
        int r;

        /* The socketpair appd handed us is the identity. */
        r = bus_link_connect(fd, app_id ? app_id : "appd", &bus);
        if (r < 0) {
                g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-r),
                            "Cannot connect to appd on fd %d: %s", fd, g_strerror(-r));
                return NULL;
        }

        link = g_new0(ViewLink, 1);
        link->bus = g_steal_pointer(&bus);
        link->done_cb = done_cb;
        link->user_data = user_data;
        link->pending = g_ptr_array_new();

        r = sd_bus_add_object_vtable(link->bus, &link->vtable_slot, APPD_VIEW_PATH, APPD_VIEW_IFACE,
                                     view_vtable, link);
        if (r < 0) {
                g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-r),
                            "Cannot export %s: %s", APPD_VIEW_PATH, g_strerror(-r));
                view_link_free(link);
                return NULL;
        }

        link->source_id = bus_source_attach(link->bus, NULL, link_closed_cb, link);
        return link;
}

/* Host.OpenPageLink: a connection for the page's next web process. */
static int page_link_opened_cb(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        ViewLink *link = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int fd = -1, r;

        link->page_link_asked = FALSE;
        if (e) {
                g_message("No page link: %s", e->message ? e->message : e->name);
                return 0;
        }
        r = sd_bus_message_read(reply, "h", &fd);
        if (r >= 0)
                fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (r < 0 || fd < 0) {
                g_message("No page link: %s", g_strerror(r < 0 ? -r : errno));
                return 0;
        }
        if (link->window)
                app_window_give_page_link(link->window, fd);
        else
                close(fd);
        return 0;
}

static void window_page_link_wanted_cb(AppWindow *window, ViewLink *link) {
        int r;

        if (link->done || link->page_link_asked)
                return;
        r = sd_bus_call_method_async(link->bus, NULL, NULL, APPD_HOST_PATH, APPD_HOST_IFACE, "OpenPageLink",
                                     page_link_opened_cb, link, NULL);
        if (r < 0)
                g_message("Cannot ask for a page link: %s", g_strerror(-r));
        else
                link->page_link_asked = TRUE;
}

void view_link_set_window(ViewLink *link, AppWindow *window) {
        g_return_if_fail(link && !link->window);

        link->window = g_object_ref(window);
        g_signal_connect(window, "ready", G_CALLBACK(window_ready_cb), link);
        g_signal_connect(window, "load-event", G_CALLBACK(window_load_event_cb), link);
        g_signal_connect(window, "load-error", G_CALLBACK(window_load_error_cb), link);
        g_signal_connect(window, "page-title", G_CALLBACK(window_page_title_cb), link);
        g_signal_connect(window, "close-requested", G_CALLBACK(window_close_requested_cb), link);
        g_signal_connect(window, "ipc-message", G_CALLBACK(window_ipc_message_cb), link);
        g_signal_connect(window, "ipc-invoke", G_CALLBACK(window_ipc_invoke_cb), link);
        g_signal_connect(window, "ipc-send-sync", G_CALLBACK(window_ipc_send_sync_cb), link);
        g_signal_connect(window, "state-changed", G_CALLBACK(window_state_changed_cb), link);
        g_signal_connect(window, "web-event", G_CALLBACK(window_web_event_cb), link);
        g_signal_connect(window, "page-link-wanted", G_CALLBACK(window_page_link_wanted_cb), link);
        g_signal_connect(window, "menu-activated", G_CALLBACK(window_menu_activated_cb), link);
        g_signal_connect(window, "popup-closed", G_CALLBACK(window_popup_closed_cb), link);
        /* At once: by the time the first page's web process asks, the
         * answer has long come (and if not, the request waits for it). */
        if (app_window_wants_page_links(window))
                window_page_link_wanted_cb(window, link);
}

void view_link_free(ViewLink *link) {
        if (!link)
                return;

        if (link->window) {
                g_signal_handlers_disconnect_by_data(link->window, link);
                g_clear_object(&link->window);
        }
        /* Calls still running answer no one. */
        for (guint i = 0; i < link->pending->len; i++)
                ((PendingCall *) g_ptr_array_index(link->pending, i))->link = NULL;
        g_ptr_array_unref(link->pending);
        if (link->source_id)
                g_source_remove(link->source_id);
        sd_bus_slot_unref(link->vtable_slot);
        sd_bus_flush_close_unref(link->bus);
        g_free(link);
}
