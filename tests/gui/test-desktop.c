/* appd-desktop and the modules it serves (clipboard, screen), under Xvfb
 * on a private bus: round trips with other X clients (xclip, an owner of
 * this test's own), appd-desktop killed mid-call, its contract and bad
 * input on its link, and its end with appd. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <glib/gstdio.h>
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <systemd/sd-bus.h>

#include "appd-protocol.h"
#include "bus-link.h"
#include "harness.h"

static Harness *h;

static int appd_pid(void) {
        return atoi(g_subprocess_get_identifier(h->appd));
}

/* The appd-desktop that appd runs now, or 0. */
static int desktop_pid(void) {
        g_autoptr(GDir) dir = g_dir_open("/proc", 0, NULL);
        const char *name;

        while (dir && (name = g_dir_read_name(dir))) {
                int pid = atoi(name);
                g_autofree char *stat_path = g_strdup_printf("/proc/%d/stat", pid);
                g_autofree char *stat = NULL, *cmdline = NULL;
                const char *end;

                if (pid <= 0 || !g_file_get_contents(stat_path, &stat, NULL, NULL) ||
                    !(end = strrchr(stat, ')')))
                        continue;
                /* ") S ppid ..." */
                if (atoi(end + 4) != appd_pid() || !harness_pid_alive(pid))
                        continue;
                cmdline = harness_pid_cmdline(pid);
                if (cmdline && strstr(cmdline, "appd-desktop"))
                        return pid;
        }
        return 0;
}

/* --- xclip, a real X client on the other end */

/* xclip -o: its exit status; *out what it printed. */
static int xclip_read(const char *selection, const char *target, char **out) {
        const char *argv[] = { "xclip", "-o", "-selection", selection, "-t", target, NULL };
        g_autoptr(GError) error = NULL;
        int status = 0;

        if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                          NULL, NULL, out, NULL, &status, &error))
                g_error("cannot run xclip: %s", error->message);
        return g_spawn_check_wait_status(status, NULL) ? 0 : 1;
}

typedef struct {
        const char *selection, *target, *text;
} XclipContent;

static gboolean xclip_serves(gpointer data) {
        const XclipContent *c = data;
        g_autofree char *out = NULL;

        return xclip_read(c->selection, c->target, &out) == 0 && g_strcmp0(out, c->text) == 0;
}

/* xclip owning `selection` with `text` as `target`, in the foreground,
 * until another client takes the selection. */
static GSubprocess *xclip_serve(const char *selection, const char *target, const char *text) {
        g_autoptr(GError) error = NULL;
        XclipContent content = { selection, target, text };
        GSubprocess *p;

        p = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                             G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                             "xclip", "-quiet", "-selection", selection, "-t", target, "-i", NULL);
        g_assert_no_error(error);
        g_output_stream_write_all(g_subprocess_get_stdin_pipe(p), text, strlen(text), NULL, NULL,
                                  &error);
        g_assert_no_error(error);
        g_output_stream_close(g_subprocess_get_stdin_pipe(p), NULL, &error);
        g_assert_no_error(error);
        g_assert_true(harness_wait_for(xclip_serves, &content, 10000));
        return p;
}

static gboolean subprocess_gone(gpointer data) {
        return !harness_pid_alive(atoi(g_subprocess_get_identifier(data) ?: "0"));
}

static void test_clipboard_xclip(void) {
        g_autoptr(GSubprocess) clip = xclip_serve("clipboard", "UTF8_STRING", "from xclip ✓");
        g_autoptr(GSubprocess) primary = xclip_serve("primary", "text/html", "<b>primary</b>");
        g_autofree char *text = NULL, *html = NULL, *plain = NULL, *cleared = NULL;

        /* The app reads what xclip serves, then writes. */
        harness_run_app(h, "desktop-clipboard", (const char *const[]) { "read", NULL });
        /* appd-desktop took both selections: each xclip lost its own and
         * ended. */
        g_assert_true(harness_wait_for(subprocess_gone, clip, 10000));
        g_assert_true(harness_wait_for(subprocess_gone, primary, 10000));
        g_subprocess_wait(clip, NULL, NULL);
        g_subprocess_wait(primary, NULL, NULL);

        /* What the app wrote outlives it: appd-desktop serves it. */
        g_assert_cmpint(xclip_read("clipboard", "UTF8_STRING", &text), ==, 0);
        g_assert_cmpstr(text, ==, "from app ✓");
        g_assert_cmpint(xclip_read("primary", "text/html", &html), ==, 0);
        g_assert_cmpstr(html, ==, "<i>html</i>");
        g_assert_cmpint(xclip_read("primary", "UTF8_STRING", &plain), ==, 0);
        g_assert_cmpstr(plain, ==, "plain");

        harness_run_app(h, "desktop-clipboard", (const char *const[]) { "clear", NULL });
        g_assert_cmpint(xclip_read("clipboard", "UTF8_STRING", &cleared), !=, 0);
}

static void test_clipboard_limits(void) {
        harness_run_app(h, "desktop-clipboard", (const char *const[]) { "limits", NULL });
}

/* An appd-desktop that cannot start: each call fails clearly, and after
 * five starts in a row appd stops trying for a while. */
static void test_desktop_cannot_start(void) {
        const char *env[] = { "APPD_DESKTOP=/bin/false", NULL };
        Harness *broken;

        harness_stop(h);
        broken = harness_start_with(RENDERER_BIN, env);
        harness_run_app(broken, "desktop-clipboard", (const char *const[]) { "no-desktop", NULL });
        harness_stop(broken);
        h = harness_start();
}

/* appd's events that arrive while the app waits in a call are served. */
static void test_events_while_waiting(void) {
        harness_run_app(h, "desktop-clipboard", (const char *const[]) { "events", NULL });
}

/* --- an owner of the clipboard that never hands its text over */

typedef struct {
        Display *display;
        Window window;
        Atom clipboard, targets, utf8;
        gint asked;              /* a read reached it */
        gint stop;
        GThread *thread;
} SilentOwner;

static void silent_owner_answer(SilentOwner *o, XSelectionRequestEvent *req) {
        XEvent notify = { 0 };

        notify.xselection.type = SelectionNotify;
        notify.xselection.requestor = req->requestor;
        notify.xselection.selection = req->selection;
        notify.xselection.target = req->target;
        notify.xselection.time = req->time;
        notify.xselection.property = None;
        if (req->target == o->targets) {
                Atom targets[] = { o->targets, o->utf8 };

                XChangeProperty(o->display, req->requestor, req->property, XA_ATOM, 32,
                                PropModeReplace, (unsigned char *) targets, 2);
                notify.xselection.property = req->property;
        } else {
                /* The text is never sent: the read waits. */
                g_atomic_int_set(&o->asked, 1);
                return;
        }
        XSendEvent(o->display, req->requestor, False, 0, &notify);
        XFlush(o->display);
}

static gpointer silent_owner_thread(gpointer data) {
        SilentOwner *o = data;
        struct pollfd pfd = { .fd = ConnectionNumber(o->display), .events = POLLIN };

        while (!g_atomic_int_get(&o->stop)) {
                while (XPending(o->display)) {
                        XEvent ev;

                        XNextEvent(o->display, &ev);
                        if (ev.type == SelectionRequest)
                                silent_owner_answer(o, &ev.xselectionrequest);
                }
                /* A bounded wait for events, so the stop flag is seen. */
                poll(&pfd, 1, 50);
        }
        return NULL;
}

static SilentOwner *silent_owner_new(void) {
        SilentOwner *o = g_new0(SilentOwner, 1);

        o->display = XOpenDisplay(NULL);
        g_assert_nonnull(o->display);
        o->window = XCreateSimpleWindow(o->display, DefaultRootWindow(o->display), 0, 0, 1, 1, 0,
                                        0, 0);
        o->clipboard = XInternAtom(o->display, "CLIPBOARD", False);
        o->targets = XInternAtom(o->display, "TARGETS", False);
        o->utf8 = XInternAtom(o->display, "UTF8_STRING", False);
        XSetSelectionOwner(o->display, o->clipboard, o->window, CurrentTime);
        g_assert_true(XGetSelectionOwner(o->display, o->clipboard) == o->window);
        o->thread = g_thread_new("silent-owner", silent_owner_thread, o);
        return o;
}

static void silent_owner_free(SilentOwner *o) {
        g_atomic_int_set(&o->stop, 1);
        g_thread_join(o->thread);
        XCloseDisplay(o->display);
        g_free(o);
}

static gboolean owner_asked(gpointer data) {
        return g_atomic_int_get(&((SilentOwner *) data)->asked);
}

static void test_clipboard_crash(void) {
        SilentOwner *owner = silent_owner_new();
        g_autofree char *app = harness_app("desktop-clipboard");
        g_autoptr(GSubprocess) appctl = NULL;
        g_autoptr(GError) error = NULL;
        int killed, pid;

        appctl = g_subprocess_new(G_SUBPROCESS_FLAGS_NONE, &error, APPCTL_BIN, "open", "--wait",
                                  app, "--", "crash", NULL);
        g_assert_no_error(error);
        /* The app's read waits on the owner: appd-desktop is killed now. */
        g_assert_true(harness_wait_for(owner_asked, owner, 20000));
        killed = desktop_pid();
        g_assert_cmpint(killed, >, 0);
        g_assert_cmpint(kill(killed, SIGKILL), ==, 0);

        g_subprocess_wait(appctl, NULL, &error);
        g_assert_no_error(error);
        if (!g_subprocess_get_if_exited(appctl) || g_subprocess_get_exit_status(appctl) != 0) {
                g_autofree char *log = harness_log(h);
                g_printerr("appd log:\n%s\n", log);
                g_test_fail_printf("the crash app failed");
        }
        /* Another appd-desktop served the app after. */
        pid = desktop_pid();
        g_assert_cmpint(pid, >, 0);
        g_assert_cmpint(pid, !=, killed);
        silent_owner_free(owner);
}

/* An app process that calls AppHost itself: bad arguments, and more reads
 * than may wait while the clipboard's owner keeps them waiting. */
static void test_hostile_app(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("appd-desktop-XXXXXX", &error);
        g_autofree char *dir_env = g_strdup_printf("APPD_TEST_LOG_DIR=%s", dir);
        g_autofree char *app = harness_app("exit-code");
        g_autofree char *path = NULL, *report = NULL;
        const char *env[] = { "APPD_APP_PROCESS=" FAKE_APP_PROCESS_BIN, "APPD_SPARE_APP_PROCESSES=0",
                              "APPD_TEST_APP_MODE=desktop", dir_env, NULL };
        SilentOwner *owner;
        Harness *fake;

        g_assert_no_error(error);
        harness_stop(h);
        owner = silent_owner_new();
        fake = harness_start_with(RENDERER_BIN, env);
        g_assert_cmpint(harness_appctl(NULL, NULL, "open", "--wait", app, NULL), ==, 0);
        harness_stop(fake);
        silent_owner_free(owner);
        h = harness_start();

        path = g_build_filename(dir, "desktop.txt", NULL);
        g_assert_true(g_file_get_contents(path, &report, NULL, &error));
        g_assert_cmpstr(report, ==,
                        "bogus org.freedesktop.DBus.Error.InvalidArgs\n"
                        "format org.freedesktop.DBus.Error.InvalidArgs\n"
                        "items org.freedesktop.DBus.Error.InvalidArgs\n"
                        "answered 4 too-many 4\n");
        g_unlink(path);
        g_rmdir(dir);
}

static gboolean file_exists(gpointer path) {
        return g_file_test(path, G_FILE_TEST_EXISTS);
}

static void run_command(const char *command) {
        g_autoptr(GError) error = NULL;
        int status = 0;

        g_assert_true(g_spawn_command_line_sync(command, NULL, NULL, &status, &error));
        g_assert_no_error(error);
        g_assert_true(g_spawn_check_wait_status(status, NULL));
}

/* nativeTheme follows the desktop's colour scheme as the Settings portal
 * (xdg-desktop-portal-gtk, from GSettings) reports it. */
static void test_theme(void) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("appd-theme-XXXXXX", &error);
        g_autofree char *listening = g_build_filename(dir, "listening", NULL);
        g_autofree char *app = harness_app("desktop-theme");
        g_autoptr(GSubprocess) appctl = NULL;

        g_assert_no_error(error);
        appctl = g_subprocess_new(G_SUBPROCESS_FLAGS_NONE, &error, APPCTL_BIN, "open", "--wait",
                                  app, "--", dir, NULL);
        g_assert_no_error(error);
        g_assert_true(harness_wait_for(file_exists, listening, 30000));
        run_command("gsettings set org.gnome.desktop.interface color-scheme prefer-dark");
        g_subprocess_wait(appctl, NULL, &error);
        g_assert_no_error(error);
        run_command("gsettings reset org.gnome.desktop.interface color-scheme");
        if (!g_subprocess_get_if_exited(appctl) || g_subprocess_get_exit_status(appctl) != 0) {
                g_autofree char *log = harness_log(h);
                g_printerr("appd log:\n%s\n", log);
                g_test_fail_printf("the theme app failed");
        }
        g_unlink(listening);
        g_rmdir(dir);
}

/* xdotool puts the pointer at (123, 456), and the app finds it there.
 * The test stays connected to the display meanwhile: Xvfb resets itself,
 * pointer and all, whenever its last client leaves, which happens between
 * xdotool and the app when no appd-desktop runs yet. */
static void test_screen(void) {
        Display *display = XOpenDisplay(NULL);
        Window root_return, child;
        int x, y, win_x, win_y;
        unsigned mask;

        g_assert_nonnull(display);
        run_command("xdotool mousemove 123 456");
        g_assert_true(XQueryPointer(display, DefaultRootWindow(display), &root_return, &child, &x,
                                    &y, &win_x, &win_y, &mask));
        g_assert_cmpint(x, ==, 123);
        g_assert_cmpint(y, ==, 456);
        harness_run_app(h, "desktop-screen", (const char *const[]) { "123", "456", NULL });
        XCloseDisplay(display);
}

/* --- appd-desktop on a link of the test's own */

typedef struct {
        GSubprocess *process;
        sd_bus *link;
} Desktop;

static void desktop_start(Desktop *d) {
        g_autoptr(GSubprocessLauncher) launcher =
                g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
        g_autoptr(GError) error = NULL;
        int pair[2];

        g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), ==, 0);
        g_subprocess_launcher_take_fd(launcher, pair[1], 3);
        g_subprocess_launcher_setenv(launcher, APPD_RENDERER_FD_ENV, "3", TRUE);
        d->process = g_subprocess_launcher_spawn(launcher, &error, DESKTOP_BIN, NULL);
        g_assert_no_error(error);
        g_assert_cmpint(bus_link_connect(pair[0], "test", &d->link), >=, 0);
}

/* Desktop.member(selection, format) fails with error `name`. */
static void assert_read_refused(Desktop *d, const char *selection, const char *format,
                                const char *name) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;

        g_assert_cmpint(sd_bus_call_method(d->link, NULL, APPD_DESKTOP_PATH, APPD_DESKTOP_IFACE,
                                           "ReadClipboard", &error, &reply, "ss", selection,
                                           format), <, 0);
        g_assert_cmpstr(error.name, ==, name);
        sd_bus_error_free(&error);
        sd_bus_message_unref(reply);
}

/* WriteClipboard with n items of `format` and `data` fails with `name`. */
static void assert_write_refused(Desktop *d, unsigned n, const char *format, const char *data,
                                 size_t size, const char *name) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL, *reply = NULL;

        g_assert_cmpint(sd_bus_message_new_method_call(d->link, &m, NULL, APPD_DESKTOP_PATH,
                                                       APPD_DESKTOP_IFACE, "WriteClipboard"), >=, 0);
        g_assert_cmpint(sd_bus_message_append(m, "s", "clipboard"), >=, 0);
        g_assert_cmpint(sd_bus_message_open_container(m, 'a', "(say)"), >=, 0);
        for (unsigned i = 0; i < n; i++) {
                g_assert_cmpint(sd_bus_message_open_container(m, 'r', "say"), >=, 0);
                g_assert_cmpint(sd_bus_message_append(m, "s", format), >=, 0);
                g_assert_cmpint(sd_bus_message_append_array(m, 'y', data, size), >=, 0);
                g_assert_cmpint(sd_bus_message_close_container(m), >=, 0);
        }
        g_assert_cmpint(sd_bus_message_close_container(m), >=, 0);
        g_assert_cmpint(sd_bus_call(d->link, m, 0, &error, &reply), <, 0);
        g_assert_cmpstr(error.name, ==, name);
        sd_bus_error_free(&error);
        sd_bus_message_unref(reply);
        sd_bus_message_unref(m);
}

static void test_desktop_link(void) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        g_autoptr(GError) gerror = NULL;
        const char *xml;
        Desktop d = { 0 };

        desktop_start(&d);
        g_assert_cmpint(sd_bus_call_method(d.link, NULL, APPD_DESKTOP_PATH,
                                           "org.freedesktop.DBus.Introspectable", "Introspect",
                                           &error, &reply, ""), >=, 0);
        g_assert_cmpint(sd_bus_message_read(reply, "s", &xml), >=, 0);
        harness_assert_contract_xml(xml, APPD_DESKTOP_IFACE);
        reply = sd_bus_message_unref(reply);

        assert_read_refused(&d, "bogus", "text/plain", SD_BUS_ERROR_INVALID_ARGS);
        assert_read_refused(&d, "clipboard", "no-slash", SD_BUS_ERROR_INVALID_ARGS);
        assert_read_refused(&d, "clipboard", "text/", SD_BUS_ERROR_INVALID_ARGS);
        assert_read_refused(&d, "clipboard", "text/with space", SD_BUS_ERROR_INVALID_ARGS);
        assert_write_refused(&d, APPD_CLIPBOARD_MAX_ITEMS + 1, "text/x-a", "a", 1,
                             SD_BUS_ERROR_INVALID_ARGS);
        assert_write_refused(&d, 1, "text/plain", "a\0b", 3, SD_BUS_ERROR_INVALID_ARGS);
        assert_write_refused(&d, 1, "text/plain", "\xff\xfe", 2, SD_BUS_ERROR_INVALID_ARGS);
        assert_write_refused(&d, 1, "image/png", "not a png", 9, SD_BUS_ERROR_INVALID_ARGS);
        {
                /* Two halves that are together over the limit. */
                size_t half = APPD_CLIPBOARD_MAX_BYTES / 2 + 1;
                g_autofree char *big = g_malloc0(half);

                assert_write_refused(&d, 2, "application/x-big", big, half, APPD_ERROR_TOO_LARGE);
        }
        /* Still serving after all that. */
        g_assert_cmpint(sd_bus_call_method(d.link, NULL, APPD_DESKTOP_PATH, APPD_DESKTOP_IFACE,
                                           "GetCursorPoint", &error, &reply, ""), >=, 0);
        reply = sd_bus_message_unref(reply);

        /* Without its link it ends, by itself. */
        sd_bus_flush_close_unref(d.link);
        g_subprocess_wait(d.process, NULL, &gerror);
        g_assert_no_error(gerror);
        g_assert_true(g_subprocess_get_if_exited(d.process));
        g_assert_cmpint(g_subprocess_get_exit_status(d.process), ==, 0);
        g_object_unref(d.process);
        sd_bus_error_free(&error);
}

static gboolean pid_gone(gpointer data) {
        return !harness_pid_alive(GPOINTER_TO_INT(data));
}

/* appd-desktop ends with appd. */
static void test_stopped_with_appd(void) {
        int pid;

        harness_run_app(h, "desktop-clipboard", (const char *const[]) { "clear-only", NULL });
        pid = desktop_pid();
        g_assert_cmpint(pid, >, 0);
        harness_stop(h);
        g_assert_true(harness_wait_for(pid_gone, GINT_TO_POINTER(pid), 10000));
        h = harness_start();
}

int main(int argc, char **argv) {
        int r;

        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/desktop/link", test_desktop_link);
        g_test_add_func("/desktop/clipboard-xclip", test_clipboard_xclip);
        g_test_add_func("/desktop/clipboard-limits", test_clipboard_limits);
        g_test_add_func("/desktop/clipboard-crash", test_clipboard_crash);
        g_test_add_func("/desktop/events-while-waiting", test_events_while_waiting);
        g_test_add_func("/desktop/hostile-app", test_hostile_app);
        g_test_add_func("/desktop/cannot-start", test_desktop_cannot_start);
        g_test_add_func("/desktop/screen", test_screen);
        g_test_add_func("/desktop/theme", test_theme);
        g_test_add_func("/desktop/stopped-with-appd", test_stopped_with_appd);
        h = harness_start();
        r = g_test_run();
        harness_stop(h);
        return r;
}
