/* Context menus (View.Popup): a GtkPopoverMenu over the web view at the
 * point the app asked for, or where the pointer last was.  Its end is
 * reported (popup-closed) unless the daemon replaced it with another. */
#include "app-window-private.h"

static void popup_unparent(AppWindow *self) {
        MenuPopup *mp = &self->popup;

        if (!mp->popover)
                return;
        g_signal_handlers_disconnect_by_data(mp->popover, self);
        gtk_popover_popdown(GTK_POPOVER(mp->popover));
        gtk_widget_unparent(mp->popover);
        mp->popover = NULL;
}

static gboolean popup_closed_idle_cb(gpointer user_data) {
        AppWindow *self = user_data;
        guint root = self->popup.model.root;

        self->popup.idle = 0;
        popup_unparent(self);
        g_signal_emit(self, app_window_signals[SIGNAL_POPUP_CLOSED], 0, root);
        g_object_unref(self);
        return G_SOURCE_REMOVE;
}

static void popup_closed_cb(GtkPopover *popover, AppWindow *self) {
        MenuPopup *mp = &self->popup;

        g_signal_handlers_disconnect_by_data(popover, self);
        /* The item chosen, if any, is activated after the popover closes:
         * its end is reported after that, so that the choice reaches the
         * daemon while the popup is still the window's. */
        if (!mp->idle)
                mp->idle = g_idle_add(popup_closed_idle_cb, g_object_ref(self));
}

static void pointer_motion_cb(GtkEventControllerMotion *motion, double x, double y, AppWindow *self) {
        self->popup.pointer_x = x;
        self->popup.pointer_y = y;
}

void app_window_popup(AppWindow *self, guint root, GPtrArray *entries, int x, int y, int positioning_item) {
        MenuPopup *mp = &self->popup;
        GdkRectangle rect = { 0, 0, 1, 1 };
        double bx = mp->pointer_x, by = mp->pointer_y;

        g_return_if_fail(APP_IS_WINDOW(self));

        if (mp->idle) {
                g_source_remove(mp->idle);
                mp->idle = 0;
                g_object_unref(self);
        }
        popup_unparent(self);
        menu_model_clear(&mp->model);
        menu_model_update(&mp->model, self, root, entries);
        if (!mp->model.model)
                return;
        gtk_widget_insert_action_group(GTK_WIDGET(self), mp->model.group, G_ACTION_GROUP(mp->model.actions));

        /* x, y are the page's; the popover's parent holds the menu bar
         * above it. */
        if (x >= 0 && y >= 0 &&
            !gtk_widget_translate_coordinates(GTK_WIDGET(self->view), self->menu_bar.box, x, y, &bx, &by))
                bx = x, by = y;
        rect.x = (int) bx;
        rect.y = (int) by;
        mp->popover = gtk_popover_menu_new_from_model(G_MENU_MODEL(mp->model.model));
        gtk_widget_set_parent(mp->popover, self->menu_bar.box);
        gtk_popover_set_has_arrow(GTK_POPOVER(mp->popover), FALSE);
        gtk_popover_set_position(GTK_POPOVER(mp->popover), GTK_POS_BOTTOM);
        gtk_widget_set_halign(mp->popover, GTK_ALIGN_START);
        gtk_popover_set_pointing_to(GTK_POPOVER(mp->popover), &rect);
        g_signal_connect(mp->popover, "closed", G_CALLBACK(popup_closed_cb), self);
        gtk_popover_popup(GTK_POPOVER(mp->popover));
}

void app_window_close_popup(AppWindow *self, guint root) {
        g_return_if_fail(APP_IS_WINDOW(self));

        if (self->popup.popover && self->popup.model.root == root)
                gtk_popover_popdown(GTK_POPOVER(self->popup.popover));
}

void menu_popup_init(AppWindow *self) {
        GtkEventController *motion = gtk_event_controller_motion_new();

        self->popup.model.group = "popup";
        gtk_event_controller_set_propagation_phase(motion, GTK_PHASE_CAPTURE);
        g_signal_connect(motion, "motion", G_CALLBACK(pointer_motion_cb), self);
        gtk_widget_add_controller(GTK_WIDGET(self), motion);
}

void menu_popup_dispose(AppWindow *self) {
        if (self->popup.idle) {
                g_source_remove(self->popup.idle);
                self->popup.idle = 0;
                g_object_unref(self);
        }
        popup_unparent(self);
        menu_model_clear(&self->popup.model);
}
