/* An app's package.json, read and checked. */
#pragma once

#include <glib.h>

typedef struct {
        char *dir;        /* absolute folder holding package.json */
        char *name;       /* "name", or the folder's name */
        char *product_name; /* "productName", or name */
        char *version;    /* "version", or "0.0.0" */
        char *main_path;  /* absolute path of the main script */
        char *id;         /* app id derived from name: [a-z0-9._-] */
        gboolean restore; /* "appd": {"restore": false} opts out of session restore */
} Package;

/* Largest package.json read; a bigger one is refused rather than read. */
#define PACKAGE_JSON_MAX_SIZE (1024 * 1024)

typedef enum {
        PACKAGE_ERROR_NO_FOLDER,
        PACKAGE_ERROR_BAD_PACKAGE,
        PACKAGE_ERROR_NO_MAIN,
} PackageError;

#define PACKAGE_ERROR package_error_quark()
GQuark package_error_quark(void);

/* Reads dir/package.json.  Errors say what is wrong and where (line and
 * column for malformed JSON, the missing file's path for a missing main). */
Package *package_load(const char *dir, GError **error);
void package_free(Package *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Package, package_free)

/* "My App" → "my-app"; "@scope/x" → "scope-x".  Never empty. */
char *package_id_from_name(const char *name);
