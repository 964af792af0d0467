/* An app's menus and what its windows show of them: AppHost's menu
 * methods (the app defines its menus, puts one in a window's menu bar,
 * opens one as a popup), the View calls that show them (SetMenuBar,
 * Popup) and the renderer's reports (Host.MenuActivated, PopupClosed),
 * checked against what the window shows before the app hears of them.
 * The menus themselves are menus.c's model; numbers are the app's own
 * and only ever looked up among its menus and windows. */
#include "windows.h"

#include <errno.h>

#include "appd-protocol.h"
#include "bus-source.h"
#include "events.h"

#define ITEM_TYPE "(usssssbbbbu)"

static void app_menus_error(App *a, const char *format, ...) G_GNUC_PRINTF(2, 3);
static void app_menus_error(App *a, const char *format, ...) {
        g_autofree char *message = NULL, *json = NULL;
        JsonBuilder *b;
        va_list ap;

        va_start(ap, format);
        message = g_strdup_vprintf(format, ap);
        va_end(ap);
        g_log_structured(G_LOG_DOMAIN, G_LOG_LEVEL_INFO, "APPD_APP", a->id, "MESSAGE",
                         "Menu request refused: %s", message);
        b = event_begin("error", 0);
        event_add_string(b, "message", message);
        json = event_end(b);
        app_post_event(a, json);
}

/* Appends the items of the tree under root, each menu's with its number
 * first, for SetMenuBar and Popup. */
static int append_tree(sd_bus_message *m, MenuSet *set, guint root, char **ret_error) {
        g_autoptr(GArray) tree = NULL;
        int r;

        if (root) {
                r = menu_set_tree(set, root, &tree, ret_error);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_append(m, "u", root);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(uusssssbbbbu)");
        for (guint i = 0; r >= 0 && tree && i < tree->len; i++) {
                guint menu = g_array_index(tree, guint, i);
                GPtrArray *items = menu_set_get(set, menu);

                for (guint j = 0; r >= 0 && j < items->len; j++) {
                        const MenuItem *it = g_ptr_array_index(items, j);

                        r = sd_bus_message_append(m, "(uusssssbbbbu)", menu, it->id,
                                                  menu_item_type_to_string(it->type), it->label,
                                                  it->sublabel, it->tool_tip, it->accelerator,
                                                  it->enabled, it->visible, it->checked,
                                                  it->register_accelerator, it->submenu);
                }
        }
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

/* Shows w's menu (or none) in its menu bar. */
static void window_menu_bar_send(Window *w) {
        g_autoptr(sd_bus_message) m = NULL;
        g_autofree char *error = NULL;
        guint root = w->app && w->menu && menu_set_get(w->app->menus, w->menu) ? w->menu : 0;
        int r;

        r = view_message_new(w, "SetMenuBar", &m);
        if (r == -ENOTCONN)
                return;
        if (r >= 0)
                r = append_tree(m, w->app->menus, root, &error);
        if (r >= 0)
                r = sd_bus_send(w->link, m, NULL);
        if (error)
                app_menus_error(w->app, "the menu of window %u cannot be shown: %s",
                                w->app_window_id, error);
        else if (r < 0)
                WINDOW_LOG(w, G_LOG_LEVEL_WARNING, "Cannot show the menu bar of window %u: %s",
                           w->id, g_strerror(-r));
}

static void window_popup_over(Window *w) {
        guint menu = w->popup;

        if (!menu)
                return;
        w->popup = 0;
        if (w->app && !w->app->script_ended)
                (void) app_process_menu_closed(w->app->process, w->app_window_id, menu);
}

void window_menus_renderer_started(Window *w) {
        window_popup_over(w);
        if (w->menu)
                window_menu_bar_send(w);
}

static int read_item(sd_bus_message *m, MenuItem **ret) {
        g_autoptr(MenuItem) it = g_new0(MenuItem, 1);
        const char *type, *label, *sublabel, *tool_tip, *accelerator;
        int enabled, visible, checked, register_accelerator, r;

        r = sd_bus_message_read(m, ITEM_TYPE, &it->id, &type, &label, &sublabel, &tool_tip,
                                &accelerator, &enabled, &visible, &checked,
                                &register_accelerator, &it->submenu);
        if (r <= 0)
                return r;
        if (!menu_item_type_from_string(type, &it->type))
                return -EMEDIUMTYPE;
        it->label = g_strdup(label);
        it->sublabel = g_strdup(sublabel);
        it->tool_tip = g_strdup(tool_tip);
        it->accelerator = g_strdup(accelerator);
        it->enabled = enabled;
        it->visible = visible;
        it->checked = checked;
        it->register_accelerator = register_accelerator;
        *ret = g_steal_pointer(&it);
        return 1;
}

static int handle_set_menu(App *a, sd_bus_message *m) {
        g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func((GDestroyNotify) menu_item_free);
        g_autofree char *error = NULL;
        guint menu;
        int r;

        r = sd_bus_message_read(m, "u", &menu);
        if (r >= 0)
                r = sd_bus_message_enter_container(m, 'a', ITEM_TYPE);
        if (r < 0)
                return r;
        for (;;) {
                MenuItem *it = NULL;

                /* Counting stops one past the bound: the rest is not read. */
                if (items->len > MENU_MAX_ITEMS)
                        break;
                r = read_item(m, &it);
                if (r == -EMEDIUMTYPE) {
                        app_menus_error(a, "menu %u: an item of unknown type", menu);
                        return 0;
                }
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                g_ptr_array_add(items, it);
        }
        g_ptr_array_set_free_func(items, NULL);
        r = menu_set_put(a->menus, menu, g_steal_pointer(&items), &error);
        if (r < 0) {
                app_menus_error(a, "cannot set menu %u: %s", menu, error);
                return 0;
        }
        for (GList *l = a->windows; l; l = l->next) {
                Window *w = l->data;

                if (w->menu && menu_set_tree_has(a->menus, w->menu, menu))
                        window_menu_bar_send(w);
        }
        return 0;
}

/* The app's window `id`, or NULL (said to the app). */
static Window *app_menus_window(App *a, guint id, const char *what) {
        Window *w = id ? app_window_find(a, id) : NULL;

        if (!w)
                app_menus_error(a, "%s: no window %u", what, id);
        return w;
}

static int handle_set_window_menu(App *a, sd_bus_message *m) {
        guint window, menu;
        Window *w;
        int r;

        r = sd_bus_message_read(m, "uu", &window, &menu);
        if (r < 0)
                return r;
        w = app_menus_window(a, window, "setMenu");
        if (!w)
                return 0;
        if (menu && !menu_set_get(a->menus, menu)) {
                app_menus_error(a, "setMenu: no menu %u", menu);
                return 0;
        }
        w->menu = menu;
        window_menu_bar_send(w);
        return 0;
}

static int handle_popup(App *a, sd_bus_message *m) {
        g_autoptr(sd_bus_message) call = NULL;
        g_autofree char *error = NULL;
        guint window, menu;
        int32_t x, y, positioning;
        Window *w;
        int r;

        r = sd_bus_message_read(m, "uuiii", &window, &menu, &x, &y, &positioning);
        if (r < 0)
                return r;
        w = app_menus_window(a, window, "popup");
        if (!w)
                return 0;
        if (!menu_set_get(a->menus, menu)) {
                app_menus_error(a, "popup: no menu %u", menu);
                return 0;
        }
        r = view_message_new(w, "Popup", &call);
        if (r >= 0)
                r = append_tree(call, a->menus, menu, &error);
        if (r >= 0)
                r = sd_bus_message_append(call, "iii", x, y, positioning);
        if (r >= 0)
                r = sd_bus_send(w->link, call, NULL);
        if (r < 0) {
                app_menus_error(a, "popup: menu %u cannot be shown: %s", menu,
                                error ? error : g_strerror(-r));
                /* As Electron's callback: the menu is over at once. */
                (void) app_process_menu_closed(a->process, window, menu);
                return 0;
        }
        /* The renderer closes the popup it had without a word. */
        window_popup_over(w);
        w->popup = menu;
        return 0;
}

static int handle_close_popup(App *a, sd_bus_message *m) {
        guint window, menu;
        int r;

        r = sd_bus_message_read(m, "uu", &window, &menu);
        if (r < 0)
                return r;
        for (GList *l = a->windows; l; l = l->next) {
                Window *w = l->data;

                if ((window == 0 || w->app_window_id == window) && w->popup == menu)
                        (void) view_call(w, "ClosePopup", "u", menu);
        }
        return 0;
}

int app_menus_call(AppProcess *p, sd_bus_message *m, sd_bus_error *error, gpointer user_data) {
        App *a = user_data;
        const char *member = sd_bus_message_get_member(m);
        int r = 0;

        if (a->script_ended)
                return sd_bus_reply_method_return(m, NULL);
        if (g_str_equal(member, "SetMenu"))
                r = handle_set_menu(a, m);
        else if (g_str_equal(member, "DropMenu")) {
                guint menu;

                r = sd_bus_message_read(m, "u", &menu);
                /* Windows showing it keep what they show until told. */
                if (r >= 0 && menu_set_drop(a->menus, menu) < 0)
                        app_menus_error(a, "no menu %u to drop", menu);
        } else if (g_str_equal(member, "SetWindowMenu"))
                r = handle_set_window_menu(a, m);
        else if (g_str_equal(member, "PopupMenu"))
                r = handle_popup(a, m);
        else if (g_str_equal(member, "ClosePopup"))
                r = handle_close_popup(a, m);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, NULL);
}

/* --- Host: the renderer's reports */

int method_MenuActivated(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        const MenuItem *it;
        guint menu, item;
        int accelerator, r;

        r = sd_bus_message_read(m, "uub", &menu, &item, &accelerator);
        if (r < 0)
                return r;
        if (!w->app || w->app->script_ended)
                return sd_bus_error_set(error, APPD_ERROR_NOT_RUNNING, "The window's app has ended");
        /* Only what the window shows: its menu bar's tree, or its popup's
         * (accelerators are the menu bar's only). */
        if (!((w->menu && menu_set_tree_has(w->app->menus, w->menu, menu)) ||
              (!accelerator && w->popup && menu_set_tree_has(w->app->menus, w->popup, menu))))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Menu %u is not shown in this window", menu);
        it = menu_set_find_item(w->app->menus, menu, item);
        if (!it || it->type == MENU_ITEM_SEPARATOR || it->type == MENU_ITEM_SUBMENU)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Menu %u has no item %u to choose", menu, item);
        if (!it->enabled)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Item %u of menu %u is disabled", item, menu);
        r = app_process_menu_activated(w->app->process, w->app_window_id, menu, item,
                                       accelerator);
        if (r < 0)
                WINDOW_LOG(w, G_LOG_LEVEL_WARNING, "Cannot tell the app of a menu choice: %s",
                           g_strerror(-r));
        return sd_bus_reply_method_return(m, NULL);
}

int method_PopupClosed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Window *w = userdata;
        guint root;
        int r;

        r = sd_bus_message_read(m, "u", &root);
        if (r < 0)
                return r;
        /* A popup replaced since is over already. */
        if (root && root == w->popup)
                window_popup_over(w);
        return sd_bus_reply_method_return(m, NULL);
}
