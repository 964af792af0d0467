#include "app-scheme-path.h"

#include <errno.h>
#include <gio/gio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define APP_SCHEME_INDEX "index.html"

static gboolean path_is_beneath(const char *path, const char *root) {
        size_t n = strlen(root);

        if (strcmp(root, "/") == 0)
                return path[0] == '/';
        if (strncmp(path, root, n) != 0)
                return FALSE;
        return path[n] == '\0' || path[n] == '/';
}

static void set_errno_error(GError **error, int errsv, const char *what, const char *path) {
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errsv),
                    "%s %s: %s", what, path, g_strerror(errsv));
}

char *app_scheme_resolve(const char *app_dir, const char *uri_path, GError **error) {
        g_autofree char *decoded = NULL, *relative = NULL, *joined = NULL;
        g_autofree char *root = NULL, *real = NULL;
        g_auto(GStrv) segments = NULL;
        const char *p;

        g_return_val_if_fail(app_dir, NULL);

        if (!uri_path)
                uri_path = "";

        /* An encoded "/" or NUL would let one URL segment name several
         * path components or cut the path short, so the decoded path could
         * mean something else than what the URL shows: refuse both. */
        decoded = g_uri_unescape_string(uri_path, "/");
        if (!decoded) {
                if (strstr(uri_path, "%2f") || strstr(uri_path, "%2F") || strstr(uri_path, "%00")) {
                        g_set_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                    "Encoded '/' or NUL in app:// path %s", uri_path);
                } else {
                        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                                    "Malformed app:// path %s", uri_path);
                }
                return NULL;
        }

        for (p = decoded; *p == '/'; p++)
                ;

        /* WebKit removes dot segments before the handler sees the path; any
         * left over came from an encoding such as %2e%2e and only serves to
         * climb out.  realpath() below would catch it too — this keeps the
         * intent obvious. */
        segments = g_strsplit(p, "/", -1);
        for (char **s = segments; *s; s++)
                if (strcmp(*s, "..") == 0) {
                        g_set_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                    "app:// path %s leaves the app folder", uri_path);
                        return NULL;
                }

        if (*p == '\0')
                relative = g_strdup(APP_SCHEME_INDEX);
        else if (g_str_has_suffix(p, "/"))
                relative = g_strconcat(p, APP_SCHEME_INDEX, NULL);
        else
                relative = g_strdup(p);

        root = realpath(app_dir, NULL);
        if (!root) {
                set_errno_error(error, errno, "Cannot resolve app folder", app_dir);
                return NULL;
        }

        joined = g_build_filename(root, relative, NULL);
        real = realpath(joined, NULL);
        if (!real) {
                int errsv = errno;
                /* ELOOP and ENAMETOOLONG say as little as "not there" to a
                 * page, and that is all a page needs to know. */
                if (errsv == ENOENT || errsv == ENOTDIR || errsv == ELOOP || errsv == ENAMETOOLONG)
                        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                    "No file for app:// path %s", uri_path);
                else
                        set_errno_error(error, errsv, "Cannot resolve", joined);
                return NULL;
        }

        if (!path_is_beneath(real, root)) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                            "app:// path %s leads outside the app folder", uri_path);
                return NULL;
        }

        return g_steal_pointer(&real);
}
