#include "package.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>

G_DEFINE_QUARK(appd-package-error-quark, package_error)

void package_free(Package *p) {
        if (!p)
                return;
        g_free(p->dir);
        g_free(p->name);
        g_free(p->product_name);
        g_free(p->version);
        g_free(p->main_path);
        g_free(p->id);
        g_free(p);
}

char *package_id_from_name(const char *name) {
        GString *s = g_string_new(NULL);
        gboolean dash = FALSE;

        for (const char *c = name; *c; c++) {
                char ch = g_ascii_tolower(*c);
                if (g_ascii_isalnum(ch) || ch == '.' || ch == '_') {
                        if (dash && s->len > 0)
                                g_string_append_c(s, '-');
                        dash = FALSE;
                        g_string_append_c(s, ch);
                } else
                        dash = TRUE;
        }
        if (s->len == 0)
                g_string_append(s, "app");
        return g_string_free(s, FALSE);
}

static const char *member_string(JsonObject *o, const char *key, const char *path,
                                 GError **error) {
        JsonNode *n = json_object_get_member(o, key);
        if (!n || JSON_NODE_HOLDS_NULL(n))
                return NULL;
        if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING) {
                g_set_error(error, PACKAGE_ERROR, PACKAGE_ERROR_BAD_PACKAGE,
                            "%s: \"%s\" must be a string", path, key);
                return NULL;
        }
        return json_node_get_string(n);
}

/* appd's own settings, under "appd" in package.json. */
static gboolean package_read_appd(Package *p, JsonObject *o, const char *path, GError **error) {
        JsonNode *n = json_object_get_member(o, "appd"), *restore;

        p->restore = TRUE;
        if (!n || JSON_NODE_HOLDS_NULL(n))
                return TRUE;
        if (!JSON_NODE_HOLDS_OBJECT(n)) {
                g_set_error(error, PACKAGE_ERROR, PACKAGE_ERROR_BAD_PACKAGE,
                            "%s: \"appd\" must be an object", path);
                return FALSE;
        }
        restore = json_object_get_member(json_node_get_object(n), "restore");
        if (!restore)
                return TRUE;
        if (!JSON_NODE_HOLDS_VALUE(restore) || json_node_get_value_type(restore) != G_TYPE_BOOLEAN) {
                g_set_error(error, PACKAGE_ERROR, PACKAGE_ERROR_BAD_PACKAGE,
                            "%s: \"appd.restore\" must be true or false", path);
                return FALSE;
        }
        p->restore = json_node_get_boolean(restore);
        return TRUE;
}

static gboolean is_regular_file(const char *path) {
        struct stat st;
        return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Node's resolution of "main": the path itself, then with .js, then
 * path/index.js. */
static char *resolve_main(const char *dir, const char *main) {
        g_autofree char *base = g_canonicalize_filename(main, dir);
        g_autofree char *with_js = g_strconcat(base, ".js", NULL);
        g_autofree char *index = g_build_filename(base, "index.js", NULL);

        if (is_regular_file(base))
                return g_steal_pointer(&base);
        if (is_regular_file(with_js))
                return g_steal_pointer(&with_js);
        if (is_regular_file(index))
                return g_steal_pointer(&index);
        return NULL;
}

Package *package_load(const char *dir, GError **error) {
        g_autoptr(Package) p = g_new0(Package, 1);
        g_autofree char *path = NULL;
        g_autofree char *contents = NULL;
        g_autoptr(JsonParser) parser = NULL;
        g_autoptr(GError) local = NULL;
        const char *name, *product, *version, *main;
        JsonNode *root;
        JsonObject *o;
        struct stat st;
        gsize len;

        if (!g_path_is_absolute(dir) || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
                g_set_error(error, PACKAGE_ERROR, PACKAGE_ERROR_NO_FOLDER,
                            "%s: no such folder", dir);
                return NULL;
        }
        p->dir = g_canonicalize_filename(dir, NULL);
        path = g_build_filename(p->dir, "package.json", NULL);
        if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
                g_set_error(error, PACKAGE_ERROR, PACKAGE_ERROR_BAD_PACKAGE,
                            "%s: no package.json in this folder", p->dir);
                return NULL;
        }
        if (st.st_size > PACKAGE_JSON_MAX_SIZE) {
                g_set_error(error, PACKAGE_ERROR, PACKAGE_ERROR_BAD_PACKAGE,
                            "%s: too large (%lld bytes, at most %d)", path,
                            (long long) st.st_size, PACKAGE_JSON_MAX_SIZE);
                return NULL;
        }
        if (!g_file_get_contents(path, &contents, &len, &local)) {
                g_set_error(error, PACKAGE_ERROR, PACKAGE_ERROR_BAD_PACKAGE,
                            "%s: %s", path, local->message);
                return NULL;
        }
        if (!g_utf8_validate(contents, len, NULL)) {
                g_set_error(error, PACKAGE_ERROR, PACKAGE_ERROR_BAD_PACKAGE,
                            "%s: not valid UTF-8", path);
                return NULL;
        }

        parser = json_parser_new();
        if (!json_parser_load_from_data(parser, contents, len, &local)) {
                /* json-glib's message reads "<data>:line:column: what". */
                const char *msg = local->message;
                if (g_str_has_prefix(msg, "<data>:"))
                        msg += strlen("<data>:");
                g_set_error(error, PACKAGE_ERROR, PACKAGE_ERROR_BAD_PACKAGE, "%s:%s", path, msg);
                return NULL;
        }
        root = json_parser_get_root(parser);
        if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
                g_set_error(error, PACKAGE_ERROR, PACKAGE_ERROR_BAD_PACKAGE,
                            "%s: must hold a JSON object", path);
                return NULL;
        }
        o = json_node_get_object(root);

        name = member_string(o, "name", path, &local);
        if (!local)
                product = member_string(o, "productName", path, &local);
        if (!local)
                version = member_string(o, "version", path, &local);
        if (!local)
                main = member_string(o, "main", path, &local);
        if (local) {
                g_propagate_error(error, g_steal_pointer(&local));
                return NULL;
        }

        if (!package_read_appd(p, o, path, error))
                return NULL;

        if (name && *name)
                p->name = g_strdup(name);
        else
                p->name = g_path_get_basename(p->dir);
        p->product_name = g_strdup(product && *product ? product : p->name);
        p->version = g_strdup(version && *version ? version : "0.0.0");
        p->id = package_id_from_name(p->name);

        p->main_path = resolve_main(p->dir, main && *main ? main : "index.js");
        if (!p->main_path) {
                g_autofree char *want = g_canonicalize_filename(main && *main ? main : "index.js",
                                                                p->dir);
                g_set_error(error, PACKAGE_ERROR, PACKAGE_ERROR_NO_MAIN,
                            "%s: main script %s does not exist", path, want);
                return NULL;
        }
        return g_steal_pointer(&p);
}
