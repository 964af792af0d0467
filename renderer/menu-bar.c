/* The window's menu bar: a GtkPopoverMenuBar above the web view showing
 * the menu the daemon sent (View.SetMenuBar), the accelerators of its
 * items while the window has the focus, and Electron's autoHideMenuBar
 * (Alt shows and hides it) and setMenuBarVisibility. */
#include "app-window-private.h"

#include "accelerator.h"

typedef struct {
        AppWindow *self;
        guint menu, item;
} Accel;

static void menu_bar_sync_visible(AppWindow *self) {
        MenuBar *mb = &self->menu_bar;

        if (mb->bar)
                gtk_widget_set_visible(mb->bar, mb->visible && (!mb->auto_hide || mb->alt_shown));
}

static gboolean accel_cb(GtkWidget *widget, GVariant *args, gpointer user_data) {
        Accel *a = user_data;
        g_autofree char *name = g_strdup_printf("i%u-%u", a->menu, a->item);
        GActionGroup *group = G_ACTION_GROUP(a->self->menu_bar.model.actions);

        /* A disabled item's accelerator does nothing, and the key goes on
         * to the page. */
        if (!group || !g_action_group_get_action_enabled(group, name))
                return FALSE;
        g_signal_emit(a->self, app_window_signals[SIGNAL_MENU_ACTIVATED], 0, a->menu, a->item, TRUE);
        return TRUE;
}

static void menu_bar_set_shortcuts(AppWindow *self, GPtrArray *entries) {
        MenuBar *mb = &self->menu_bar;

        if (mb->shortcuts)
                gtk_widget_remove_controller(GTK_WIDGET(self), mb->shortcuts);
        /* Before the page sees the key, as Electron's menu accelerators. */
        mb->shortcuts = gtk_shortcut_controller_new();
        gtk_event_controller_set_propagation_phase(mb->shortcuts, GTK_PHASE_CAPTURE);
        for (guint i = 0; entries && i < entries->len; i++) {
                const MenuEntry *e = g_ptr_array_index(entries, i);
                g_autofree char *accel = NULL;
                GtkShortcutTrigger *trigger;
                Accel *a;

                if (!*e->accelerator || !e->register_accelerator || g_str_equal(e->type, "separator") ||
                    g_str_equal(e->type, "submenu"))
                        continue;
                accel = accelerator_to_gtk(e->accelerator, NULL);
                trigger = accel ? gtk_shortcut_trigger_parse_string(accel) : NULL;
                if (!trigger) {
                        g_message("Menu item %u: accelerator \"%s\" is not one", e->id, e->accelerator);
                        continue;
                }
                a = g_new0(Accel, 1);
                a->self = self;
                a->menu = e->menu;
                a->item = e->id;
                gtk_shortcut_controller_add_shortcut(GTK_SHORTCUT_CONTROLLER(mb->shortcuts),
                                                     gtk_shortcut_new(trigger, gtk_callback_action_new(accel_cb, a, g_free)));
        }
        gtk_widget_add_controller(GTK_WIDGET(self), mb->shortcuts);
}

void app_window_set_menu_bar(AppWindow *self, guint root, GPtrArray *entries) {
        MenuBar *mb = &self->menu_bar;

        g_return_if_fail(APP_IS_WINDOW(self));

        if (!menu_model_update(&mb->model, self, root, entries))
                return;
        gtk_widget_insert_action_group(GTK_WIDGET(self), mb->model.group, G_ACTION_GROUP(mb->model.actions));
        if (mb->bar) {
                gtk_box_remove(GTK_BOX(mb->box), mb->bar);
                mb->bar = NULL;
        }
        if (mb->model.model) {
                mb->bar = gtk_popover_menu_bar_new_from_model(G_MENU_MODEL(mb->model.model));
                gtk_box_prepend(GTK_BOX(mb->box), mb->bar);
        }
        menu_bar_set_shortcuts(self, mb->model.model ? entries : NULL);
        menu_bar_sync_visible(self);
}

void menu_bar_set_auto_hide(AppWindow *self, gboolean auto_hide) {
        self->menu_bar.auto_hide = auto_hide;
        self->menu_bar.alt_shown = FALSE;
        menu_bar_sync_visible(self);
}

void menu_bar_set_visible(AppWindow *self, gboolean visible) {
        self->menu_bar.visible = visible;
        menu_bar_sync_visible(self);
}

static gboolean is_alt(guint keyval) {
        return keyval == GDK_KEY_Alt_L || keyval == GDK_KEY_Alt_R;
}

/* Alt pressed and released alone shows a hidden menu bar, or hides it. */
static gboolean key_pressed_cb(GtkEventControllerKey *key, guint keyval, guint keycode, GdkModifierType state,
                               AppWindow *self) {
        self->menu_bar.alt_alone = is_alt(keyval);
        return FALSE;
}

static void key_released_cb(GtkEventControllerKey *key, guint keyval, guint keycode, GdkModifierType state,
                            AppWindow *self) {
        MenuBar *mb = &self->menu_bar;

        if (is_alt(keyval) && mb->alt_alone && mb->auto_hide) {
                mb->alt_shown = !mb->alt_shown;
                menu_bar_sync_visible(self);
        }
        mb->alt_alone = FALSE;
}

GtkWidget *menu_bar_init(AppWindow *self) {
        MenuBar *mb = &self->menu_bar;
        GtkEventController *keys;

        mb->model.group = "bar";
        mb->visible = TRUE;
        mb->box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
        keys = gtk_event_controller_key_new();
        gtk_event_controller_set_propagation_phase(keys, GTK_PHASE_CAPTURE);
        g_signal_connect(keys, "key-pressed", G_CALLBACK(key_pressed_cb), self);
        g_signal_connect(keys, "key-released", G_CALLBACK(key_released_cb), self);
        gtk_widget_add_controller(GTK_WIDGET(self), keys);
        return mb->box;
}

void menu_bar_dispose(AppWindow *self) {
        menu_model_clear(&self->menu_bar.model);
}
