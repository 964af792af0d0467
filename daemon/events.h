/* Daemon → app event messages (docs/js-messages.md), as JSON text. */
#pragma once

#include <json-glib/json-glib.h>

/* Begins {"ev": ev, "id": window_id} (id left out when 0). */
JsonBuilder *event_begin(const char *ev, guint window_id);
void event_add_string(JsonBuilder *b, const char *key, const char *value);
void event_add_int(JsonBuilder *b, const char *key, gint64 value);
/* Ends the object and returns its text. */
char *event_end(JsonBuilder *b);
