/* daemon/menus.c: an app's menus, their bounds and trees. */
#include <errno.h>

#include "menus.h"

static MenuItem *item_new(guint id, MenuItemType type, const char *label, guint submenu) {
        MenuItem *it = g_new0(MenuItem, 1);

        it->id = id;
        it->type = type;
        it->label = g_strdup(label);
        it->sublabel = g_strdup("");
        it->tool_tip = g_strdup("");
        it->accelerator = g_strdup("");
        it->enabled = it->visible = TRUE;
        it->submenu = submenu;
        return it;
}

static GPtrArray *items_of(guint n, guint submenu) {
        GPtrArray *items = g_ptr_array_new();

        for (guint i = 1; i <= n; i++)
                g_ptr_array_add(items, item_new(i, submenu && i == 1 ? MENU_ITEM_SUBMENU
                                                                      : MENU_ITEM_NORMAL,
                                                "x", submenu && i == 1 ? submenu : 0));
        return items;
}

static void test_put_and_tree(void) {
        g_autoptr(MenuSet) s = menu_set_new();
        g_autoptr(GArray) tree = NULL;
        g_autofree char *error = NULL;

        g_assert_cmpint(menu_set_put(s, 2, items_of(3, 0), &error), ==, 0);
        g_assert_cmpint(menu_set_put(s, 1, items_of(2, 2), &error), ==, 0);
        g_assert_cmpint(menu_set_tree(s, 1, &tree, &error), ==, 0);
        g_assert_cmpuint(tree->len, ==, 2);
        g_assert_cmpuint(g_array_index(tree, guint, 0), ==, 1);
        g_assert_cmpuint(g_array_index(tree, guint, 1), ==, 2);
        g_assert_true(menu_set_tree_has(s, 1, 2));
        g_assert_false(menu_set_tree_has(s, 2, 1));
        g_assert_nonnull(menu_set_find_item(s, 2, 3));
        g_assert_null(menu_set_find_item(s, 2, 4));
        g_assert_null(menu_set_find_item(s, 9, 1));

        /* Dropped, the submenu shows empty: left out of the tree. */
        g_assert_cmpint(menu_set_drop(s, 2), ==, 0);
        g_assert_cmpint(menu_set_drop(s, 2), ==, -ENOENT);
        g_clear_pointer(&tree, g_array_unref);
        g_assert_cmpint(menu_set_tree(s, 1, &tree, &error), ==, 0);
        g_assert_cmpuint(tree->len, ==, 1);
}

static void test_refused(void) {
        g_autoptr(MenuSet) s = menu_set_new();
        g_autofree char *long_text = g_strnfill(MENU_MAX_TEXT + 1, 'a');
        GPtrArray *items;
        char *error = NULL;

        g_assert_cmpint(menu_set_put(s, 1, items_of(MENU_MAX_ITEMS + 1, 0), &error), ==, -E2BIG);
        g_assert_nonnull(error);
        g_clear_pointer(&error, g_free);
        g_assert_null(menu_set_get(s, 1));

        items = items_of(1, 0);
        g_free(((MenuItem *) items->pdata[0])->label);
        ((MenuItem *) items->pdata[0])->label = g_strdup(long_text);
        g_assert_cmpint(menu_set_put(s, 1, items, &error), ==, -E2BIG);
        g_clear_pointer(&error, g_free);

        items = items_of(2, 0);
        ((MenuItem *) items->pdata[1])->id = 1;
        g_assert_cmpint(menu_set_put(s, 1, items, &error), ==, -EINVAL);
        g_clear_pointer(&error, g_free);

        g_assert_cmpint(menu_set_put(s, 1, items_of(1, 7), &error), ==, -ENOENT);
        g_clear_pointer(&error, g_free);
        g_assert_cmpint(menu_set_put(s, 1, items_of(1, 1), &error), ==, -ELOOP);
        g_clear_pointer(&error, g_free);
        g_assert_cmpint(menu_set_put(s, 0, items_of(1, 0), &error), ==, -EINVAL);
        g_clear_pointer(&error, g_free);
        g_assert_cmpuint(menu_set_count(s), ==, 0);
}

/* 1 → 2 → 1 through a replaced menu: refused, the old items stay. */
static void test_cycle(void) {
        g_autoptr(MenuSet) s = menu_set_new();
        char *error = NULL;

        g_assert_cmpint(menu_set_put(s, 1, items_of(2, 0), &error), ==, 0);
        g_assert_cmpint(menu_set_put(s, 2, items_of(1, 1), &error), ==, 0);
        g_assert_cmpint(menu_set_put(s, 1, items_of(1, 2), &error), ==, -ELOOP);
        g_assert_nonnull(error);
        g_clear_pointer(&error, g_free);
        g_assert_cmpuint(menu_set_get(s, 1)->len, ==, 2);
}

static void test_depth_and_size(void) {
        g_autoptr(MenuSet) s = menu_set_new();
        g_autoptr(GArray) tree = NULL;
        char *error = NULL;
        guint n;

        g_assert_cmpint(menu_set_put(s, 1, items_of(1, 0), &error), ==, 0);
        for (n = 2; n <= MENU_MAX_DEPTH + 1; n++)
                g_assert_cmpint(menu_set_put(s, n, items_of(1, n - 1), &error), ==, 0);
        /* One level more is refused. */
        g_assert_cmpint(menu_set_put(s, n, items_of(1, n - 1), &error), ==, -E2BIG);
        g_clear_pointer(&error, g_free);

        /* Shared submenus count once per menu; many big ones add up. */
        for (n = 100; n < 100 + 11; n++)
                g_assert_cmpint(menu_set_put(s, n, items_of(MENU_MAX_ITEMS, 0), &error), ==, 0);
        {
                GPtrArray *items = g_ptr_array_new();

                for (guint i = 0; i < 11; i++)
                        g_ptr_array_add(items, item_new(i + 1, MENU_ITEM_SUBMENU, "m", 100 + i));
                g_assert_cmpint(menu_set_put(s, 50, items, &error), ==, -E2BIG);
                g_clear_pointer(&error, g_free);
        }
}

static void test_types(void) {
        MenuItemType t;

        g_assert_true(menu_item_type_from_string("radio", &t));
        g_assert_cmpint(t, ==, MENU_ITEM_RADIO);
        g_assert_cmpstr(menu_item_type_to_string(t), ==, "radio");
        g_assert_false(menu_item_type_from_string("palette", &t));
        g_assert_false(menu_item_type_from_string("", &t));
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/menus/put-and-tree", test_put_and_tree);
        g_test_add_func("/menus/refused", test_refused);
        g_test_add_func("/menus/cycle", test_cycle);
        g_test_add_func("/menus/depth-and-size", test_depth_and_size);
        g_test_add_func("/menus/types", test_types);
        return g_test_run();
}
