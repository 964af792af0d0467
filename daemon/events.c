#include "events.h"

JsonBuilder *event_begin(const char *ev, guint window_id) {
        JsonBuilder *b = json_builder_new();

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "ev");
        json_builder_add_string_value(b, ev);
        if (window_id > 0) {
                json_builder_set_member_name(b, "id");
                json_builder_add_int_value(b, window_id);
        }
        return b;
}

void event_add_string(JsonBuilder *b, const char *key, const char *value) {
        json_builder_set_member_name(b, key);
        json_builder_add_string_value(b, value);
}

void event_add_int(JsonBuilder *b, const char *key, gint64 value) {
        json_builder_set_member_name(b, key);
        json_builder_add_int_value(b, value);
}

char *event_end(JsonBuilder *b) {
        g_autoptr(JsonNode) root = NULL;

        json_builder_end_object(b);
        root = json_builder_get_root(b);
        g_object_unref(b);
        return json_to_string(root, FALSE);
}
