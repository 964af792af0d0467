/* Names, paths and error names of the appd D-Bus protocol.  The XML files
 * beside this header are the contract; these constants must match them. */
#pragma once

#define APPD_BUS_NAME            "org.appd.Appd1"
#define APPD_MANAGER_PATH        "/org/appd/Appd1"
#define APPD_MANAGER_IFACE       "org.appd.Appd1.Manager"
#define APPD_APP_IFACE           "org.appd.Appd1.App"
#define APPD_APP_PATH_PREFIX     "/org/appd/Appd1/app"
#define APPD_WINDOW_IFACE        "org.appd.Appd1.Window"
#define APPD_WINDOW_PATH_PREFIX  "/org/appd/Appd1/window"

/* Private daemon <-> renderer link (peer-to-peer over a socketpair). */
#define APPD_HOST_PATH           "/org/appd/Host"
#define APPD_HOST_IFACE          "org.appd.Appd1.Host"
#define APPD_VIEW_PATH           "/org/appd/View"
#define APPD_VIEW_IFACE          "org.appd.Appd1.View"

/* Private daemon <-> app process link (peer-to-peer over a socketpair). */
#define APPD_APP_HOST_PATH       "/org/appd/AppHost"
#define APPD_APP_HOST_IFACE      "org.appd.Appd1.AppHost"
#define APPD_APP_PROCESS_PATH    "/org/appd/AppProcess"
#define APPD_APP_PROCESS_IFACE   "org.appd.Appd1.AppProcess"
/* An app process's exit status when its app had queued more for appd
 * than it may (app/host.c): it ends without a report, since appd is not
 * taking what it sends. */
#define APPD_APP_EXIT_FLOODED    125
/* What an app may have queued for appd and not yet written, in bytes
 * (several of the largest IPC messages) and messages. */
#define APPD_APP_QUEUE_MAX_BYTES (128u * 1024 * 1024)
#define APPD_APP_QUEUE_MAX       262144u

/* Private daemon <-> appd-desktop link (peer-to-peer over a socketpair):
 * the session's clipboard and screen (org.appd.Appd1.Desktop.xml). */
#define APPD_DESKTOP_PATH        "/org/appd/Desktop"
#define APPD_DESKTOP_IFACE       "org.appd.Appd1.Desktop"
/* Largest clipboard data, in bytes, either way; formats per write; the
 * length of a format's name; an app's calls waiting for appd-desktop. */
#define APPD_CLIPBOARD_MAX_BYTES (32u * 1024 * 1024)
#define APPD_CLIPBOARD_MAX_ITEMS 16
#define APPD_CLIPBOARD_MAX_FORMAT 255
#define APPD_DESKTOP_MAX_WAITING 16
/* How long appd waits for appd-desktop's answer, and an app for appd's,
 * in microseconds (a clipboard owner may be slow to hand its data). */
#define APPD_DESKTOP_TIMEOUT_USEC (20u * 1000 * 1000)
#define APPD_DESKTOP_CALL_TIMEOUT_USEC (30u * 1000 * 1000)

/* Errors returned by the Manager. */
#define APPD_ERROR_NO_SUCH_APP     "org.appd.Appd1.Error.NoSuchApp"
#define APPD_ERROR_BAD_PACKAGE     "org.appd.Appd1.Error.BadPackage"
#define APPD_ERROR_NO_MAIN         "org.appd.Appd1.Error.NoMain"
#define APPD_ERROR_ALREADY_RUNNING "org.appd.Appd1.Error.AlreadyRunning"
#define APPD_ERROR_NOT_RUNNING     "org.appd.Appd1.Error.NotRunning"
#define APPD_ERROR_TOO_LARGE       "org.appd.Appd1.Error.TooLarge"
#define APPD_ERROR_FAILED          "org.appd.Appd1.Error.Failed"
#define APPD_ERROR_HANDLER_FAILED  "org.appd.Appd1.Error.HandlerFailed"
#define APPD_ERROR_TOO_MANY        "org.appd.Appd1.Error.TooMany"
#define APPD_ERROR_DESKTOP_FAILED  "org.appd.Appd1.Error.DesktopFailed"

/* Largest IPC payload (framed bytes) accepted in either direction by
 * default.  A bigger one is an error for its sender.  The daemon takes
 * another limit from $APPD_IPC_MAX_MESSAGE (bytes, between the floor and
 * the ceiling below) and hands it to renderers and apps. */
#define APPD_IPC_MAX_PAYLOAD     (8u * 1024u * 1024u)
#define APPD_IPC_LIMIT_ENV       "APPD_IPC_MAX_MESSAGE"
#define APPD_IPC_LIMIT_FLOOR     (4u * 1024u)
/* D-Bus arrays may not be longer than 64 MiB. */
#define APPD_IPC_LIMIT_CEILING   (64u * 1024u * 1024u - 1024u)

/* IPC channel names are 1 to this many bytes. */
#define APPD_IPC_MAX_CHANNEL     256
/* What a page's invokes and sendSyncs waiting for the main script may
 * hold per window: each its payload and channel plus the overhead below
 * (message, table entry, the app's side), in all the larger of the
 * minimum and four of the largest messages, so calls many at a time, as
 * pages make them with Promise.all (64 of a megabyte each in
 * bench/ipc.py), never meet it. */
#define APPD_IPC_REQUEST_OVERHEAD 512u
#define APPD_IPC_WAITING_MIN_BYTES (256u * 1024 * 1024)
/* Page links a window may have open at once (a web process per
 * navigation, at most); a new one closes the oldest. */
#define APPD_PAGE_LINKS_MAX      4
/* Messages that may wait to be written on a page link whose page does
 * not read; more are refused ("too many messages waiting"). */
#define APPD_PAGE_LINK_MAX_QUEUED 4096
/* The internal channel of a page link's fence (app/page-links.c): sent to the
 * page through the renderer once the page attaches, and echoed back by
 * the page on its link, so that messages sent through the renderer before
 * arrive before those sent on the link after (docs/ipc.md, Order). */
#define APPD_PAGE_FENCE_CHANNEL  "appd:page-fence"

/* Environment variable that tells appd-renderer and appd-app which fd is
 * their connection to the daemon. */
#define APPD_RENDERER_FD_ENV     "APPD_BUS_FD"
