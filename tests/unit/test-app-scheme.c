#include "app-scheme-path.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct {
        char *base;     /* temp dir holding app/ and outside/ */
        char *app;      /* the app folder, canonical */
} Fixture;

static void write_file(const char *path, const char *contents) {
        g_autoptr(GError) error = NULL;
        g_file_set_contents(path, contents, -1, &error);
        g_assert_no_error(error);
}

static void fixture_set_up(Fixture *f, gconstpointer data) {
        g_autoptr(GError) error = NULL;
        g_autofree char *tmp = g_dir_make_tmp("test-app-scheme-XXXXXX", &error);
        g_autofree char *path = NULL;

        g_assert_no_error(error);
        f->base = realpath(tmp, NULL);
        g_assert_nonnull(f->base);
        f->app = g_build_filename(f->base, "app", NULL);

        g_assert_cmpint(g_mkdir(f->app, 0700), ==, 0);
        path = g_build_filename(f->app, "sub", NULL);
        g_assert_cmpint(g_mkdir(path, 0700), ==, 0);
        g_clear_pointer(&path, g_free);
        path = g_build_filename(f->base, "outside", NULL);
        g_assert_cmpint(g_mkdir(path, 0700), ==, 0);
        g_clear_pointer(&path, g_free);

        path = g_build_filename(f->app, "index.html", NULL);
        write_file(path, "<p>index</p>");
        g_clear_pointer(&path, g_free);
        path = g_build_filename(f->app, "sub", "page one.html", NULL);
        write_file(path, "<p>page</p>");
        g_clear_pointer(&path, g_free);
        path = g_build_filename(f->app, "sub", "index.html", NULL);
        write_file(path, "<p>sub index</p>");
        g_clear_pointer(&path, g_free);
        path = g_build_filename(f->base, "outside", "secret.txt", NULL);
        write_file(path, "secret");
        g_clear_pointer(&path, g_free);
        path = g_build_filename(f->base, "app-sibling.txt", NULL);
        write_file(path, "sibling");
        g_clear_pointer(&path, g_free);

        /* A symlink out of the app folder and one that stays inside. */
        path = g_build_filename(f->app, "leak", NULL);
        g_assert_cmpint(symlink("../outside/secret.txt", path), ==, 0);
        g_clear_pointer(&path, g_free);
        path = g_build_filename(f->app, "leakdir", NULL);
        g_assert_cmpint(symlink("../outside", path), ==, 0);
        g_clear_pointer(&path, g_free);
        path = g_build_filename(f->app, "alias.html", NULL);
        g_assert_cmpint(symlink("sub/page one.html", path), ==, 0);
}

static void remove_tree(const char *path) {
        GDir *dir;
        const char *name;

        if (!g_file_test(path, G_FILE_TEST_IS_DIR) || g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
                g_unlink(path);
                return;
        }
        dir = g_dir_open(path, 0, NULL);
        while (dir && (name = g_dir_read_name(dir))) {
                g_autofree char *child = g_build_filename(path, name, NULL);
                remove_tree(child);
        }
        if (dir)
                g_dir_close(dir);
        g_rmdir(path);
}

static void fixture_tear_down(Fixture *f, gconstpointer data) {
        remove_tree(f->base);
        g_free(f->app);
        free(f->base);
}

static void assert_resolves(Fixture *f, const char *uri_path, const char *expected_relative) {
        g_autoptr(GError) error = NULL;
        g_autofree char *expected = g_build_filename(f->app, expected_relative, NULL);
        g_autofree char *got = app_scheme_resolve(f->app, uri_path, &error);

        g_assert_no_error(error);
        g_assert_cmpstr(got, ==, expected);
}

static void assert_refused(Fixture *f, const char *uri_path, int code) {
        g_autoptr(GError) error = NULL;
        g_autofree char *got = app_scheme_resolve(f->app, uri_path, &error);

        g_assert_null(got);
        g_assert_error(error, G_IO_ERROR, code);
}

static void test_normal_file(Fixture *f, gconstpointer data) {
        assert_resolves(f, "/index.html", "index.html");
        assert_resolves(f, "index.html", "index.html");
        assert_resolves(f, "//index.html", "index.html");
        assert_resolves(f, "/%69ndex.html", "index.html");
}

static void test_index_default(Fixture *f, gconstpointer data) {
        assert_resolves(f, "", "index.html");
        assert_resolves(f, "/", "index.html");
        assert_resolves(f, NULL, "index.html");
        assert_resolves(f, "/sub/", "sub/index.html");
}

static void test_subdir_file(Fixture *f, gconstpointer data) {
        assert_resolves(f, "/sub/page%20one.html", "sub/page one.html");
        assert_resolves(f, "/sub/page one.html", "sub/page one.html");
        /* The folder itself resolves; serving it is the caller's call. */
        assert_resolves(f, "/sub", "sub");
}

static void test_dotdot_escape(Fixture *f, gconstpointer data) {
        assert_refused(f, "/../outside/secret.txt", G_IO_ERROR_PERMISSION_DENIED);
        assert_refused(f, "/sub/../../app-sibling.txt", G_IO_ERROR_PERMISSION_DENIED);
        assert_refused(f, "..", G_IO_ERROR_PERMISSION_DENIED);
        /* Even a climb that would land back inside is refused. */
        assert_refused(f, "/sub/../index.html", G_IO_ERROR_PERMISSION_DENIED);
}

static void test_encoded_dotdot_escape(Fixture *f, gconstpointer data) {
        assert_refused(f, "/%2e%2e/outside/secret.txt", G_IO_ERROR_PERMISSION_DENIED);
        assert_refused(f, "/%2E%2E/app-sibling.txt", G_IO_ERROR_PERMISSION_DENIED);
        assert_refused(f, "/.%2e/app-sibling.txt", G_IO_ERROR_PERMISSION_DENIED);
        assert_refused(f, "/sub/%2e%2e/%2e%2e/app-sibling.txt", G_IO_ERROR_PERMISSION_DENIED);
}

static void test_encoded_slash(Fixture *f, gconstpointer data) {
        assert_refused(f, "/..%2Foutside%2Fsecret.txt", G_IO_ERROR_PERMISSION_DENIED);
        assert_refused(f, "/%2F..%2Foutside/secret.txt", G_IO_ERROR_PERMISSION_DENIED);
        assert_refused(f, "/sub%2fpage%20one.html", G_IO_ERROR_PERMISSION_DENIED);
        assert_refused(f, "/%2e%2e%2fapp-sibling.txt", G_IO_ERROR_PERMISSION_DENIED);
        assert_refused(f, "/%2F%2Fetc/passwd", G_IO_ERROR_PERMISSION_DENIED);
        /* NUL would cut the path short. */
        assert_refused(f, "/index.html%00.png", G_IO_ERROR_PERMISSION_DENIED);
        assert_refused(f, "/index%zz.html", G_IO_ERROR_INVALID_FILENAME);
}

static void test_absolute_path_stays_inside(Fixture *f, gconstpointer data) {
        /* A path naming an absolute file is still taken relative to the
         * app folder. */
        assert_refused(f, "/etc/passwd", G_IO_ERROR_NOT_FOUND);
}

static void test_symlink_outside(Fixture *f, gconstpointer data) {
        assert_refused(f, "/leak", G_IO_ERROR_PERMISSION_DENIED);
        assert_refused(f, "/leakdir/secret.txt", G_IO_ERROR_PERMISSION_DENIED);
        assert_refused(f, "/leakdir", G_IO_ERROR_PERMISSION_DENIED);
}

static void test_symlink_inside(Fixture *f, gconstpointer data) {
        assert_resolves(f, "/alias.html", "sub/page one.html");
}

static void test_missing_file(Fixture *f, gconstpointer data) {
        assert_refused(f, "/nope.html", G_IO_ERROR_NOT_FOUND);
        assert_refused(f, "/sub/nope/deeper.js", G_IO_ERROR_NOT_FOUND);
        assert_refused(f, "/index.html/child", G_IO_ERROR_NOT_FOUND);
}

static void test_missing_app_dir(Fixture *f, gconstpointer data) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_build_filename(f->base, "no-such-app", NULL);
        g_autofree char *got = app_scheme_resolve(dir, "/index.html", &error);

        g_assert_null(got);
        g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void test_app_dir_via_symlink(Fixture *f, gconstpointer data) {
        g_autoptr(GError) error = NULL;
        g_autofree char *link = g_build_filename(f->base, "app-link", NULL);
        g_autofree char *expected = g_build_filename(f->app, "index.html", NULL);
        g_autofree char *got = NULL;

        g_assert_cmpint(symlink("app", link), ==, 0);
        got = app_scheme_resolve(link, "/index.html", &error);
        g_assert_no_error(error);
        g_assert_cmpstr(got, ==, expected);
}

static void test_query_and_fragment(Fixture *f, gconstpointer data) {
        g_autofree char *odd = g_build_filename(f->app, "odd?name#x.txt", NULL);

        /* The caller hands over the path alone; anything that looks like a
         * query or fragment in it is part of a file name, never stripped. */
        assert_refused(f, "/index.html%3Fq=1", G_IO_ERROR_NOT_FOUND);
        assert_refused(f, "/index.html?q=1", G_IO_ERROR_NOT_FOUND);
        assert_refused(f, "/index.html#top", G_IO_ERROR_NOT_FOUND);

        write_file(odd, "odd");
        assert_resolves(f, "/odd%3Fname%23x.txt", "odd?name#x.txt");
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);

#define ADD(name, fn) g_test_add(name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
        ADD("/app-scheme/normal-file", test_normal_file);
        ADD("/app-scheme/index-default", test_index_default);
        ADD("/app-scheme/subdir-file", test_subdir_file);
        ADD("/app-scheme/dotdot-escape", test_dotdot_escape);
        ADD("/app-scheme/encoded-dotdot-escape", test_encoded_dotdot_escape);
        ADD("/app-scheme/encoded-slash", test_encoded_slash);
        ADD("/app-scheme/absolute-path", test_absolute_path_stays_inside);
        ADD("/app-scheme/symlink-outside", test_symlink_outside);
        ADD("/app-scheme/symlink-inside", test_symlink_inside);
        ADD("/app-scheme/missing-file", test_missing_file);
        ADD("/app-scheme/missing-app-dir", test_missing_app_dir);
        ADD("/app-scheme/app-dir-via-symlink", test_app_dir_via_symlink);
        ADD("/app-scheme/query-and-fragment", test_query_and_fragment);
#undef ADD

        return g_test_run();
}
