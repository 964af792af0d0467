/* An app's menus, Electron's Menu and MenuItem as the app's main script
 * defines them (AppHost.SetMenu): the model appd keeps of them, which
 * windows' menu bars and popups (app-menus.c) and a tray's menu show.  It
 * knows nothing of windows, toolkits or the bus.  An app numbers its own
 * menus; a MenuSet holds one app's, so a number is only ever looked up
 * among that app's menus. */
#pragma once

#include <glib.h>

/* What an app may hold; more is an error for the app. */
#define MENU_MAX_ITEMS 1000       /* items in one menu */
#define MENU_MAX_MENUS 4096       /* menus of one app */
#define MENU_MAX_TEXT 1024        /* bytes of a label, sublabel, tool tip, accelerator */
#define MENU_MAX_DEPTH 16         /* levels of submenus under a menu */
#define MENU_MAX_TREE_ITEMS 10000 /* items shown at once under one menu, submenus included */

typedef enum {
        MENU_ITEM_NORMAL,
        MENU_ITEM_SEPARATOR,
        MENU_ITEM_SUBMENU,
        MENU_ITEM_CHECKBOX,
        MENU_ITEM_RADIO,
} MenuItemType;

typedef struct {
        guint id;                /* the app's, unique in its menu */
        MenuItemType type;
        char *label;
        char *sublabel;
        char *tool_tip;
        char *accelerator;       /* Electron's accelerator text, or "" */
        gboolean enabled, visible, checked, register_accelerator;
        guint submenu;           /* the app's number of a menu, for MENU_ITEM_SUBMENU */
} MenuItem;

typedef struct MenuSet MenuSet;

MenuSet *menu_set_new(void);
void menu_set_free(MenuSet *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MenuSet, menu_set_free)

void menu_item_free(MenuItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MenuItem, menu_item_free)
/* "normal", "separator", "submenu", "checkbox", "radio". */
gboolean menu_item_type_from_string(const char *text, MenuItemType *ret);
const char *menu_item_type_to_string(MenuItemType type);

/* Defines or replaces menu `menu` (1 or more) with `items` (MenuItem*,
 * taken whatever the outcome).  -EINVAL, -E2BIG, -ELOOP or -ENOENT with
 * *ret_error saying why (over a bound, an id twice, a submenu the set
 * does not have, a cycle); the menu is unchanged then. */
int menu_set_put(MenuSet *s, guint menu, GPtrArray *items, char **ret_error);
/* Forgets menu `menu`; -ENOENT when there is none.  Menus whose items
 * name it show them empty. */
int menu_set_drop(MenuSet *s, guint menu);
/* The items of menu `menu` (MenuItem*), or NULL when there is none. */
GPtrArray *menu_set_get(MenuSet *s, guint menu);
const MenuItem *menu_set_find_item(MenuSet *s, guint menu, guint item);
guint menu_set_count(MenuSet *s);

/* The menus shown under `root`: root first, then every menu a submenu of
 * it reaches, each once (guint numbers).  Submenus the set no longer has
 * are left out.  -E2BIG (more than MENU_MAX_TREE_ITEMS items, or deeper
 * than MENU_MAX_DEPTH), -ELOOP (a menu is its own submenu), -ENOENT (no
 * root), with *ret_error. */
int menu_set_tree(MenuSet *s, guint root, GArray **ret_menus, char **ret_error);
/* Whether menu `menu` is in the tree under `root` (menu_set_tree()). */
gboolean menu_set_tree_has(MenuSet *s, guint root, guint menu);
