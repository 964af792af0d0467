#include <glib.h>
#include <glib/gstdio.h>

#include "harness.h"
#include "package.h"

static char *make_app(const char *package_json, const char *main_name) {
        g_autoptr(GError) error = NULL;
        char *dir = g_dir_make_tmp("appd-package-XXXXXX", &error);

        g_assert_no_error(error);
        if (package_json) {
                g_autofree char *p = g_build_filename(dir, "package.json", NULL);
                g_assert_true(g_file_set_contents(p, package_json, -1, NULL));
        }
        if (main_name) {
                g_autofree char *p = g_build_filename(dir, main_name, NULL);
                g_autofree char *parent = g_path_get_dirname(p);
                g_assert_cmpint(g_mkdir_with_parents(parent, 0755), ==, 0);
                g_assert_true(g_file_set_contents(p, "1;\n", -1, NULL));
        }
        return dir;
}

static void test_valid(void) {
        g_autofree char *dir = make_app("{\"name\": \"My App\", \"version\": \"1.2.3\", "
                                        "\"main\": \"src/main.js\"}", "src/main.js");
        g_autoptr(GError) error = NULL;
        g_autoptr(Package) p = package_load(dir, &error);
        g_autofree char *main = g_build_filename(dir, "src", "main.js", NULL);

        g_assert_no_error(error);
        g_assert_nonnull(p);
        g_assert_cmpstr(p->name, ==, "My App");
        g_assert_cmpstr(p->id, ==, "my-app");
        g_assert_cmpstr(p->version, ==, "1.2.3");
        g_assert_cmpstr(p->main_path, ==, main);
        harness_remove_tree(dir);
}

static void test_defaults(void) {
        g_autofree char *dir = make_app("{}", "index.js");
        g_autofree char *base = g_path_get_basename(dir);
        g_autoptr(GError) error = NULL;
        g_autoptr(Package) p = package_load(dir, &error);

        g_assert_no_error(error);
        g_assert_cmpstr(p->name, ==, base);
        g_assert_cmpstr(p->version, ==, "0.0.0");
        g_assert_true(g_str_has_suffix(p->main_path, "/index.js"));
        harness_remove_tree(dir);
}

static void test_main_without_extension(void) {
        g_autofree char *dir = make_app("{\"name\":\"a\",\"main\":\"app\"}", "app.js");
        g_autoptr(GError) error = NULL;
        g_autoptr(Package) p = package_load(dir, &error);

        g_assert_no_error(error);
        g_assert_true(g_str_has_suffix(p->main_path, "/app.js"));
        harness_remove_tree(dir);
}

static void test_malformed_says_where(void) {
        g_autofree char *dir = make_app("{\n  \"name\": \"x\",\n  \"main\" \"a.js\"\n}\n", "a.js");
        g_autoptr(GError) error = NULL;
        g_autoptr(Package) p = package_load(dir, &error);

        g_assert_null(p);
        g_assert_error(error, PACKAGE_ERROR, PACKAGE_ERROR_BAD_PACKAGE);
        g_assert_nonnull(strstr(error->message, "package.json"));
        /* The mistake is on line 3. */
        g_assert_nonnull(strstr(error->message, ":3:"));
        harness_remove_tree(dir);
}

static void test_wrong_types(void) {
        g_autofree char *dir = make_app("{\"name\": 5}", "index.js");
        g_autofree char *dir2 = make_app("[1, 2]", "index.js");
        g_autoptr(GError) error = NULL;
        g_autoptr(GError) error2 = NULL;
        g_autoptr(Package) p = package_load(dir, &error);
        g_autoptr(Package) p2 = package_load(dir2, &error2);

        g_assert_null(p);
        g_assert_error(error, PACKAGE_ERROR, PACKAGE_ERROR_BAD_PACKAGE);
        g_assert_nonnull(strstr(error->message, "\"name\""));
        g_assert_null(p2);
        g_assert_error(error2, PACKAGE_ERROR, PACKAGE_ERROR_BAD_PACKAGE);
        harness_remove_tree(dir);
        harness_remove_tree(dir2);
}

static void test_missing_main_named(void) {
        g_autofree char *dir = make_app("{\"name\":\"x\",\"main\":\"nope.js\"}", NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(Package) p = package_load(dir, &error);

        g_assert_null(p);
        g_assert_error(error, PACKAGE_ERROR, PACKAGE_ERROR_NO_MAIN);
        g_assert_nonnull(strstr(error->message, "nope.js"));
        harness_remove_tree(dir);
}

static void test_missing_folder_and_file(void) {
        g_autofree char *dir = make_app(NULL, NULL);
        g_autoptr(GError) e1 = NULL;
        g_autoptr(GError) e2 = NULL;
        g_autoptr(GError) e3 = NULL;

        g_assert_null(package_load("/nonexistent/appd/app", &e1));
        g_assert_error(e1, PACKAGE_ERROR, PACKAGE_ERROR_NO_FOLDER);
        g_assert_null(package_load(dir, &e2));
        g_assert_error(e2, PACKAGE_ERROR, PACKAGE_ERROR_BAD_PACKAGE);
        g_assert_null(package_load("relative/path", &e3));
        g_assert_error(e3, PACKAGE_ERROR, PACKAGE_ERROR_NO_FOLDER);
        harness_remove_tree(dir);
}

static void test_oversized(void) {
        g_autofree char *dir = make_app(NULL, "index.js");
        g_autofree char *p = g_build_filename(dir, "package.json", NULL);
        g_autofree char *big = g_strnfill(PACKAGE_JSON_MAX_SIZE + 10, ' ');
        g_autoptr(GError) error = NULL;

        g_assert_true(g_file_set_contents(p, big, -1, NULL));
        g_assert_null(package_load(dir, &error));
        g_assert_error(error, PACKAGE_ERROR, PACKAGE_ERROR_BAD_PACKAGE);
        g_assert_nonnull(strstr(error->message, "too large"));
        harness_remove_tree(dir);
}

static void test_id_from_name(void) {
        const struct { const char *in, *out; } cases[] = {
                { "hello", "hello" },
                { "My App", "my-app" },
                { "@scope/thing", "scope-thing" },
                { "a..b_c", "a..b_c" },
                { "  ", "app" },
                { "Ünïcode", "n-code" },
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *id = package_id_from_name(cases[i].in);
                g_assert_cmpstr(id, ==, cases[i].out);
        }
}

/* Session restore is on unless the app says "appd": {"restore": false};
 * a setting of the wrong type is refused with its name. */
static void test_restore_setting(void) {
        static const struct {
                const char *json;
                int restore;    /* -1: refused */
        } cases[] = {
                { "{\"name\":\"r\"}", TRUE },
                { "{\"name\":\"r\",\"appd\":{}}", TRUE },
                { "{\"name\":\"r\",\"appd\":{\"restore\":true}}", TRUE },
                { "{\"name\":\"r\",\"appd\":{\"restore\":false}}", FALSE },
                { "{\"name\":\"r\",\"appd\":{\"restore\":\"no\"}}", -1 },
                { "{\"name\":\"r\",\"appd\":[]}", -1 },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *dir = make_app(cases[i].json, "index.js");
                g_autoptr(GError) error = NULL;
                g_autoptr(Package) p = package_load(dir, &error);

                if (cases[i].restore < 0) {
                        g_assert_error(error, PACKAGE_ERROR, PACKAGE_ERROR_BAD_PACKAGE);
                        g_assert_nonnull(strstr(error->message, "\"appd"));
                } else {
                        g_assert_no_error(error);
                        g_assert_cmpint(p->restore, ==, cases[i].restore);
                }
                harness_remove_tree(dir);
        }
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/package/valid", test_valid);
        g_test_add_func("/package/defaults", test_defaults);
        g_test_add_func("/package/main-without-extension", test_main_without_extension);
        g_test_add_func("/package/malformed-says-where", test_malformed_says_where);
        g_test_add_func("/package/wrong-types", test_wrong_types);
        g_test_add_func("/package/missing-main-named", test_missing_main_named);
        g_test_add_func("/package/missing-folder-and-file", test_missing_folder_and_file);
        g_test_add_func("/package/oversized", test_oversized);
        g_test_add_func("/package/id-from-name", test_id_from_name);
        g_test_add_func("/package/restore-setting", test_restore_setting);
        return g_test_run();
}
