/* The menus the daemon sends (View.SetMenuBar, View.Popup) as GTK's menu
 * models: a GMenu per menu, sections between separators, and one action
 * per item in a group of its own ("bar" or "popup"), whose enabled flag
 * and state (checkbox, radio) follow the daemon's.  Choosing an item only
 * reports it (menu-activated): the daemon and the app decide what it
 * does, and what its check mark shows next. */
#include "app-window-private.h"

#include "accelerator.h"

void menu_entry_free(MenuEntry *e) {
        if (!e)
                return;
        g_free(e->type);
        g_free(e->label);
        g_free(e->sublabel);
        g_free(e->tool_tip);
        g_free(e->accelerator);
        g_free(e);
}

/* Electron's mnemonics: "&File" underlines F, "&&" is an ampersand; GTK's
 * use "_", so a "_" of the label's own is doubled. */
static char *label_to_gtk(const char *label) {
        GString *s = g_string_new("");

        for (const char *p = label; *p; p++) {
                if (*p == '&') {
                        if (p[1] == '&')
                                g_string_append_c(s, '&'), p++;
                        else if (p[1])
                                g_string_append_c(s, '_');
                } else if (*p == '_')
                        g_string_append(s, "__");
                else
                        g_string_append_c(s, *p);
        }
        return g_string_free(s, FALSE);
}

static char *action_name(const MenuEntry *e) {
        return g_strdup_printf("i%u-%u", e->menu, e->id);
}

static void action_activate_cb(GSimpleAction *action, GVariant *parameter, gpointer user_data) {
        AppWindow *self = user_data;
        guint menu, item;

        if (sscanf(g_action_get_name(G_ACTION(action)), "i%u-%u", &menu, &item) == 2)
                g_signal_emit(self, app_window_signals[SIGNAL_MENU_ACTIVATED], 0, menu, item, FALSE);
}

static GVariant *entry_state(const MenuEntry *e) {
        if (g_str_equal(e->type, "checkbox"))
                return g_variant_new_boolean(e->checked);
        if (g_str_equal(e->type, "radio"))
                return g_variant_new_string(e->checked ? "on" : "off");
        return NULL;
}

static GMenu *build_menu(MenuModel *mm, GHashTable *by_menu, GHashTable *built, guint menu) {
        GPtrArray *entries = g_hash_table_lookup(by_menu, GUINT_TO_POINTER(menu));
        GMenu *result = g_hash_table_lookup(built, GUINT_TO_POINTER(menu));
        g_autoptr(GMenu) section = NULL;

        if (result)
                return result;
        result = g_menu_new();
        /* Before the items: the daemon refuses cycles, and a menu shared
         * by two items is built once. */
        g_hash_table_insert(built, GUINT_TO_POINTER(menu), result);
        section = g_menu_new();
        for (guint i = 0; entries && i < entries->len; i++) {
                const MenuEntry *e = g_ptr_array_index(entries, i);
                g_autoptr(GMenuItem) item = NULL;
                g_autofree char *label = NULL, *name = NULL, *detailed = NULL;

                if (!e->visible)
                        continue;
                if (g_str_equal(e->type, "separator")) {
                        if (g_menu_model_get_n_items(G_MENU_MODEL(section)) > 0) {
                                g_menu_append_section(result, NULL, G_MENU_MODEL(section));
                                g_clear_object(&section);
                                section = g_menu_new();
                        }
                        continue;
                }
                label = label_to_gtk(e->label);
                if (g_str_equal(e->type, "submenu")) {
                        GMenu *sub = build_menu(mm, by_menu, built, e->submenu);

                        g_menu_append_submenu(section, label, G_MENU_MODEL(sub));
                        continue;
                }
                name = action_name(e);
                detailed = g_strdup_printf("%s.%s", mm->group, name);
                item = g_menu_item_new(label, NULL);
                if (g_str_equal(e->type, "radio"))
                        g_menu_item_set_action_and_target_value(item, detailed, g_variant_new_string("on"));
                else
                        g_menu_item_set_detailed_action(item, detailed);
                if (*e->accelerator) {
                        g_autofree char *accel = accelerator_to_gtk(e->accelerator, NULL);

                        if (accel)
                                g_menu_item_set_attribute(item, "accel", "s", accel);
                }
                g_menu_append_item(section, item);
        }
        if (g_menu_model_get_n_items(G_MENU_MODEL(section)) > 0)
                g_menu_append_section(result, NULL, G_MENU_MODEL(section));
        return result;
}

/* What changes the model's shape; the rest (enabled, checked) is the
 * actions'. */
static char *entries_shape(guint root, GPtrArray *entries) {
        GString *s = g_string_new(NULL);

        g_string_append_printf(s, "%u;", root);
        for (guint i = 0; i < entries->len; i++) {
                const MenuEntry *e = g_ptr_array_index(entries, i);

                g_string_append_printf(s, "%u,%u,%s,%zu:%s,%s,%d,%d,%u;", e->menu, e->id, e->type,
                                       strlen(e->label), e->label, e->accelerator, e->visible,
                                       e->register_accelerator, e->submenu);
        }
        return g_string_free(s, FALSE);
}

gboolean menu_model_update(MenuModel *mm, AppWindow *self, guint root, GPtrArray *entries) {
        g_autoptr(GHashTable) by_menu = NULL, built = NULL;
        g_autofree char *shape = entries_shape(root, entries);
        gboolean same = mm->shape && g_str_equal(shape, mm->shape);

        if (!mm->actions)
                mm->actions = g_simple_action_group_new();
        for (guint i = 0; i < entries->len; i++) {
                const MenuEntry *e = g_ptr_array_index(entries, i);
                g_autofree char *name = NULL;
                GAction *action;
                GVariant *state;

                if (g_str_equal(e->type, "separator") || g_str_equal(e->type, "submenu"))
                        continue;
                name = action_name(e);
                state = entry_state(e);
                action = g_action_map_lookup_action(G_ACTION_MAP(mm->actions), name);
                if (!action) {
                        action = G_ACTION(state ? g_simple_action_new_stateful(
                                                          name,
                                                          g_str_equal(e->type, "radio") ? G_VARIANT_TYPE_STRING : NULL,
                                                          state)
                                                : g_simple_action_new(name, NULL));
                        g_signal_connect(action, "activate", G_CALLBACK(action_activate_cb), self);
                        g_action_map_add_action(G_ACTION_MAP(mm->actions), action);
                        g_object_unref(action);
                } else if (state)
                        g_simple_action_set_state(G_SIMPLE_ACTION(action), state);
                g_simple_action_set_enabled(G_SIMPLE_ACTION(action), e->enabled);
        }
        if (same)
                return FALSE;

        /* Actions of items no longer there go. */
        {
                g_auto(GStrv) names = g_action_group_list_actions(G_ACTION_GROUP(mm->actions));
                g_autoptr(GHashTable) wanted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

                for (guint i = 0; i < entries->len; i++)
                        g_hash_table_add(wanted, action_name(g_ptr_array_index(entries, i)));
                for (char **n = names; *n; n++)
                        if (!g_hash_table_contains(wanted, *n))
                                g_action_map_remove_action(G_ACTION_MAP(mm->actions), *n);
        }
        g_free(mm->shape);
        mm->shape = g_steal_pointer(&shape);
        g_clear_object(&mm->model);
        mm->root = root;
        if (!root)
                return TRUE;
        by_menu = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
        for (guint i = 0; i < entries->len; i++) {
                MenuEntry *e = g_ptr_array_index(entries, i);
                GPtrArray *list = g_hash_table_lookup(by_menu, GUINT_TO_POINTER(e->menu));

                if (!list) {
                        list = g_ptr_array_new();
                        g_hash_table_insert(by_menu, GUINT_TO_POINTER(e->menu), list);
                }
                g_ptr_array_add(list, e);
        }
        built = g_hash_table_new_full(NULL, NULL, NULL, g_object_unref);
        mm->model = g_object_ref(build_menu(mm, by_menu, built, root));
        return TRUE;
}

void menu_model_clear(MenuModel *mm) {
        g_clear_object(&mm->model);
        g_clear_object(&mm->actions);
        g_clear_pointer(&mm->shape, g_free);
        mm->root = 0;
}
