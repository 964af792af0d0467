/* An app's menus: see menus.h. */
#include "menus.h"

#include <errno.h>
#include <string.h>

struct MenuSet {
        GHashTable *menus;       /* number → GPtrArray of MenuItem* */
};

static const char *const type_names[] = {
        [MENU_ITEM_NORMAL] = "normal",
        [MENU_ITEM_SEPARATOR] = "separator",
        [MENU_ITEM_SUBMENU] = "submenu",
        [MENU_ITEM_CHECKBOX] = "checkbox",
        [MENU_ITEM_RADIO] = "radio",
};

gboolean menu_item_type_from_string(const char *text, MenuItemType *ret) {
        for (guint i = 0; i < G_N_ELEMENTS(type_names); i++)
                if (g_str_equal(text, type_names[i])) {
                        *ret = i;
                        return TRUE;
                }
        return FALSE;
}

const char *menu_item_type_to_string(MenuItemType type) {
        return type < G_N_ELEMENTS(type_names) ? type_names[type] : "normal";
}

void menu_item_free(MenuItem *item) {
        if (!item)
                return;
        g_free(item->label);
        g_free(item->sublabel);
        g_free(item->tool_tip);
        g_free(item->accelerator);
        g_free(item);
}

MenuSet *menu_set_new(void) {
        MenuSet *s = g_new0(MenuSet, 1);

        s->menus = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
        return s;
}

void menu_set_free(MenuSet *s) {
        if (!s)
                return;
        g_hash_table_unref(s->menus);
        g_free(s);
}

GPtrArray *menu_set_get(MenuSet *s, guint menu) {
        return g_hash_table_lookup(s->menus, GUINT_TO_POINTER(menu));
}

guint menu_set_count(MenuSet *s) {
        return g_hash_table_size(s->menus);
}

const MenuItem *menu_set_find_item(MenuSet *s, guint menu, guint item) {
        GPtrArray *items = menu_set_get(s, menu);

        for (guint i = 0; items && i < items->len; i++) {
                const MenuItem *it = g_ptr_array_index(items, i);
                if (it->id == item)
                        return it;
        }
        return NULL;
}

static gboolean text_ok(const char *text) {
        return text && strlen(text) <= MENU_MAX_TEXT && g_utf8_validate(text, -1, NULL);
}

/* A menu's items on their own: bounds, texts, ids, submenus. */
static int menu_items_check(MenuSet *s, guint menu, GPtrArray *items, char **ret_error) {
        g_autoptr(GHashTable) ids = g_hash_table_new(NULL, NULL);

        if (items->len > MENU_MAX_ITEMS) {
                *ret_error = g_strdup_printf("menu %u has %u items; at most %d are allowed", menu,
                                             items->len, MENU_MAX_ITEMS);
                return -E2BIG;
        }
        for (guint i = 0; i < items->len; i++) {
                const MenuItem *it = g_ptr_array_index(items, i);

                if (!text_ok(it->label) || !text_ok(it->sublabel) || !text_ok(it->tool_tip) ||
                    !text_ok(it->accelerator)) {
                        *ret_error = g_strdup_printf("item %u of menu %u: a text is over %d bytes",
                                                     it->id, menu, MENU_MAX_TEXT);
                        return -E2BIG;
                }
                if (it->id == 0 || !g_hash_table_add(ids, GUINT_TO_POINTER(it->id))) {
                        *ret_error = g_strdup_printf("menu %u: item id %u is 0 or used twice",
                                                     menu, it->id);
                        return -EINVAL;
                }
                if ((it->type == MENU_ITEM_SUBMENU) != (it->submenu != 0)) {
                        *ret_error = g_strdup_printf("item %u of menu %u: a submenu item needs a "
                                                     "submenu, and only it has one", it->id, menu);
                        return -EINVAL;
                }
                if (it->submenu == menu) {
                        *ret_error = g_strdup_printf("menu %u is its own submenu", menu);
                        return -ELOOP;
                }
                if (it->submenu && !menu_set_get(s, it->submenu)) {
                        *ret_error = g_strdup_printf("item %u of menu %u: no menu %u", it->id,
                                                     menu, it->submenu);
                        return -ENOENT;
                }
        }
        return 0;
}

int menu_set_put(MenuSet *s, guint menu, GPtrArray *items, char **ret_error) {
        g_autoptr(GPtrArray) owned = items;
        g_autoptr(GPtrArray) old = NULL;
        g_autoptr(GArray) tree = NULL;
        g_autofree char *error = NULL;
        int r;

        g_ptr_array_set_free_func(owned, (GDestroyNotify) menu_item_free);
        if (menu == 0) {
                *ret_error = g_strdup("menu number 0 is not a menu");
                return -EINVAL;
        }
        if (!menu_set_get(s, menu) && menu_set_count(s) >= MENU_MAX_MENUS) {
                *ret_error = g_strdup_printf("the app has %d menus already", MENU_MAX_MENUS);
                return -E2BIG;
        }
        r = menu_items_check(s, menu, owned, ret_error);
        if (r < 0)
                return r;

        /* In place, then checked as a whole: a cycle or too deep a tree
         * puts the old items back. */
        g_hash_table_steal_extended(s->menus, GUINT_TO_POINTER(menu), NULL, (gpointer *) &old);
        g_hash_table_insert(s->menus, GUINT_TO_POINTER(menu), g_steal_pointer(&owned));
        r = menu_set_tree(s, menu, &tree, &error);
        if (r < 0) {
                if (old)
                        g_hash_table_insert(s->menus, GUINT_TO_POINTER(menu), g_steal_pointer(&old));
                else
                        g_hash_table_remove(s->menus, GUINT_TO_POINTER(menu));
                *ret_error = g_steal_pointer(&error);
                return r;
        }
        return 0;
}

int menu_set_drop(MenuSet *s, guint menu) {
        return g_hash_table_remove(s->menus, GUINT_TO_POINTER(menu)) ? 0 : -ENOENT;
}

typedef struct {
        MenuSet *set;
        GArray *menus;
        GHashTable *seen;        /* in menus */
        GHashTable *path;        /* on the way from root to here */
        guint items;
        char *error;
} TreeWalk;

static int tree_walk(TreeWalk *t, guint menu, guint depth) {
        GPtrArray *items = menu_set_get(t->set, menu);
        int r = 0;

        if (!items)
                return 0;
        if (g_hash_table_contains(t->path, GUINT_TO_POINTER(menu))) {
                t->error = g_strdup_printf("menu %u is a submenu of itself", menu);
                return -ELOOP;
        }
        if (depth > MENU_MAX_DEPTH) {
                t->error = g_strdup_printf("submenus are more than %d deep", MENU_MAX_DEPTH);
                return -E2BIG;
        }
        if (!g_hash_table_add(t->seen, GUINT_TO_POINTER(menu)))
                return 0;
        t->items += items->len;
        if (t->items > MENU_MAX_TREE_ITEMS) {
                t->error = g_strdup_printf("more than %d items under one menu",
                                           MENU_MAX_TREE_ITEMS);
                return -E2BIG;
        }
        g_array_append_val(t->menus, menu);
        g_hash_table_add(t->path, GUINT_TO_POINTER(menu));
        for (guint i = 0; r >= 0 && i < items->len; i++) {
                const MenuItem *it = g_ptr_array_index(items, i);

                if (it->submenu)
                        r = tree_walk(t, it->submenu, depth + 1);
        }
        g_hash_table_remove(t->path, GUINT_TO_POINTER(menu));
        return r;
}

int menu_set_tree(MenuSet *s, guint root, GArray **ret_menus, char **ret_error) {
        g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
        g_autoptr(GHashTable) path = g_hash_table_new(NULL, NULL);
        g_autoptr(GArray) menus = g_array_new(FALSE, FALSE, sizeof(guint));
        TreeWalk t = { s, menus, seen, path, 0, NULL };
        int r;

        if (!menu_set_get(s, root)) {
                *ret_error = g_strdup_printf("no menu %u", root);
                return -ENOENT;
        }
        r = tree_walk(&t, root, 0);
        if (r < 0) {
                *ret_error = t.error;
                return r;
        }
        *ret_menus = g_steal_pointer(&menus);
        return 0;
}

gboolean menu_set_tree_has(MenuSet *s, guint root, guint menu) {
        g_autoptr(GArray) tree = NULL;
        g_autofree char *error = NULL;

        if (menu_set_tree(s, root, &tree, &error) < 0)
                return FALSE;
        for (guint i = 0; i < tree->len; i++)
                if (g_array_index(tree, guint, i) == menu)
                        return TRUE;
        return FALSE;
}
