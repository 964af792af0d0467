/* Maps the path of an app:// URL to a file inside the app's folder. */
#pragma once

#include <glib.h>

/* Resolve `uri_path` (the still percent-encoded path of an app:// URL,
 * without query or fragment) under `app_dir`.  Returns the canonical
 * absolute path of an existing file or folder that is `app_dir` itself or
 * lies beneath it, after following symlinks.  Errors are in G_IO_ERROR:
 * PERMISSION_DENIED when the path would leave `app_dir`, NOT_FOUND when
 * nothing is there, INVALID_FILENAME for a malformed encoding. */
char *app_scheme_resolve(const char *app_dir, const char *uri_path, GError **error);
