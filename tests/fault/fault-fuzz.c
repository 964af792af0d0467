/* appd-fault phase 2: the bus fuzzer.  Calls every method of every
 * interface of protocol/org.appd.Appd1.{Manager,App,Window}.xml on every
 * object the daemon exports (found by Introspect), and the standard
 * Properties, Introspectable and Peer interfaces, with hostile values,
 * wrong signatures, huge strings and arrays, on unknown objects and
 * interfaces; many calls in flight at once.  The private daemon↔renderer
 * link is not touched here (tests/bus/test-hostile-renderer.c is its
 * fuzzer).
 *
 * Apps: fault-windows must survive everything; fault-victim may be ended
 * by a valid Quit, Kill, QuitApp, KillApp or Close (counted as expected
 * ends) and opened again by a valid Open. */
#include "fault.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "appd-protocol.h"
#include "harness.h"

#define IN_FLIGHT 64
#define SURVIVOR "fault-windows"
#define VICTIM "fault-victim"

typedef struct {
        const char *path;
        GDBusInterfaceInfo *iface;   /* NULL for unknown objects' made-up calls */
        gboolean survivor;           /* belongs to the app that must survive */
        gboolean victim;
} Target;

typedef struct {
        Fault *f;
        FaultPhase *p;
        sd_bus *bus;
        GPtrArray *targets;          /* Target */
        GPtrArray *contracts;        /* GDBusNodeInfo */
        GPtrArray *strings;          /* hostile strings for 's' */
        GPtrArray *paths;            /* hostile object paths */
        char *huge;                  /* 1 MiB of text */
        int null_fd;
        guint in_flight;
        guint sent, answered, errors, timeouts, successes;
        guint victim_ends;
        GHashTable *error_names;     /* name → count */
} Fuzz;

typedef struct {
        Fuzz *z;
        gboolean ends_victim;        /* a success here ends fault-victim */
} Call;

/* ---- values */

static const char *const wrong_signatures[] = {
        "", "s", "ss", "i", "u", "t", "x", "b", "d", "y", "n", "q", "o", "g", "h", "v",
        "as", "ay", "ai", "ao", "aay", "a{sv}", "a{ss}", "(ii)", "(iiii)", "a(sssssuo)", "sas",
        "su", "ssss", "iiii", "(s)", "((s))", "av", "a(ss)", "sv", "asas",
};

static gboolean append_value(Fuzz *z, sd_bus_message *m, const char **sig, guint depth);

/* The single complete type at *sig, as a new string. */
static char *complete_type(const char *sig) {
        int nest = 0;
        const char *p = sig;

        do {
                if (*p == '(' || *p == '{')
                        nest++;
                else if (*p == ')' || *p == '}')
                        nest--;
                else if (*p == 'a') {
                        p++;
                        continue;
                }
                p++;
        } while (nest > 0 && *p);
        return g_strndup(sig, p - sig);
}

static const char *pick_string(Fuzz *z) {
        return z->strings->pdata[g_rand_int_range(z->f->rand, 0, z->strings->len)];
}

static gboolean append_basic(Fuzz *z, sd_bus_message *m, char type) {
        GRand *r = z->f->rand;
        static const gint64 ints[] = { 0, 1, -1, G_MININT32, G_MAXINT32, G_MAXUINT32, 65536,
                                       G_MININT64, G_MAXINT64, 999999 };
        gint64 i = ints[g_rand_int_range(r, 0, G_N_ELEMENTS(ints))];

        switch (type) {
        case 's': return sd_bus_message_append_basic(m, 's', pick_string(z)) >= 0;
        case 'o': return sd_bus_message_append_basic(m, 'o',
                                                     z->paths->pdata[g_rand_int_range(r, 0, z->paths->len)]) >= 0;
        case 'g': return sd_bus_message_append_basic(m, 'g', g_rand_boolean(r) ? "" : "a{sv}(ii)") >= 0;
        case 'y': { uint8_t v = (uint8_t) i; return sd_bus_message_append_basic(m, type, &v) >= 0; }
        case 'b': { int v = g_rand_boolean(r); return sd_bus_message_append_basic(m, type, &v) >= 0; }
        case 'n': case 'q': { uint16_t v = (uint16_t) i; return sd_bus_message_append_basic(m, type, &v) >= 0; }
        case 'i': case 'u': { uint32_t v = (uint32_t) i; return sd_bus_message_append_basic(m, type, &v) >= 0; }
        case 'x': case 't': { uint64_t v = (uint64_t) i; return sd_bus_message_append_basic(m, type, &v) >= 0; }
        case 'd': {
                static const double ds[] = { 0.0, -1.5, 1e308, -1e308, 5e-324 };
                double v = ds[g_rand_int_range(r, 0, G_N_ELEMENTS(ds))];
                return sd_bus_message_append_basic(m, 'd', &v) >= 0;
        }
        case 'h': return sd_bus_message_append_basic(m, 'h', &z->null_fd) >= 0;
        }
        return FALSE;
}

static gboolean append_array(Fuzz *z, sd_bus_message *m, const char *elem, guint depth) {
        GRand *r = z->f->rand;
        guint roll = g_rand_int_range(r, 0, 100);
        guint n;

        if (g_str_equal(elem, "y")) {
                /* Bytes: empty, a few, or 1 to 32 MiB. */
                gsize size = roll < 40 ? 0 : roll < 90 ? 16 : roll < 98 ? 1024 * 1024 : 32 * 1024 * 1024;
                g_autofree void *bytes = g_malloc0(size ? size : 1);
                return sd_bus_message_append_array(m, 'y', bytes, size) >= 0;
        }
        /* Mostly short; sometimes more elements than any method takes. */
        n = roll < 40 ? 0 : roll < 90 ? g_rand_int_range(r, 1, 4) : depth == 0 ? 2000 : 10;
        if (depth == 0 && roll >= 98 && (g_str_equal(elem, "s") || g_str_equal(elem, "i")))
                n = 100000;
        if (sd_bus_message_open_container(m, 'a', elem) < 0)
                return FALSE;
        for (guint i = 0; i < n; i++) {
                const char *s = elem;
                if (!append_value(z, m, &s, depth + 1))
                        return FALSE;
        }
        return sd_bus_message_close_container(m) >= 0;
}

/* Appends one value of the complete type at *sig and moves *sig past it. */
static gboolean append_value(Fuzz *z, sd_bus_message *m, const char **sig, guint depth) {
        g_autofree char *type = complete_type(*sig);
        gboolean ok = FALSE;

        *sig += strlen(type);
        switch (type[0]) {
        case 'a':
                ok = append_array(z, m, type + 1, depth);
                break;
        case '(':
        case '{': {
                g_autofree char *inner = g_strndup(type + 1, strlen(type) - 2);
                const char *s = inner;
                if (sd_bus_message_open_container(m, type[0] == '(' ? 'r' : 'e', inner) < 0)
                        return FALSE;
                ok = TRUE;
                while (ok && *s)
                        ok = append_value(z, m, &s, depth + 1);
                ok = ok && sd_bus_message_close_container(m) >= 0;
                break;
        }
        case 'v': {
                static const char *const inside[] = { "s", "i", "as", "(ii)", "b", "a{sv}", "u" };
                const char *vt = inside[g_rand_int_range(z->f->rand, 0, G_N_ELEMENTS(inside))];
                const char *s = vt;
                if (depth > 3)
                        vt = s = "s";
                if (sd_bus_message_open_container(m, 'v', vt) < 0)
                        return FALSE;
                ok = append_value(z, m, &s, depth + 1) && sd_bus_message_close_container(m) >= 0;
                break;
        }
        default:
                ok = append_basic(z, m, type[0]);
        }
        return ok;
}

static gboolean append_values(Fuzz *z, sd_bus_message *m, const char *signature) {
        const char *s = signature;
        while (*s)
                if (!append_value(z, m, &s, 0))
                        return FALSE;
        return TRUE;
}

/* ---- calls */

static int reply_cb(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Call *c = userdata;
        Fuzz *z = c->z;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        z->in_flight--;
        if (e && (sd_bus_error_has_name(e, SD_BUS_ERROR_NO_REPLY) ||
                  sd_bus_error_has_name(e, SD_BUS_ERROR_TIMEOUT) ||
                  sd_bus_error_has_name(e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
                  sd_bus_error_has_name(e, SD_BUS_ERROR_NAME_HAS_NO_OWNER))) {
                z->timeouts++;
        } else {
                z->answered++;
                if (e) {
                        guint n = GPOINTER_TO_UINT(g_hash_table_lookup(z->error_names, e->name));
                        z->errors++;
                        g_hash_table_insert(z->error_names, g_strdup(e->name), GUINT_TO_POINTER(n + 1));
                } else {
                        z->successes++;
                        z->victim_ends += c->ends_victim;
                }
        }
        g_free(c);
        return 0;
}

static void drain(Fuzz *z, guint max_in_flight) {
        while (z->in_flight > max_in_flight) {
                int r = sd_bus_process(z->bus, NULL);
                if (r < 0)
                        g_error("session bus: %s", g_strerror(-r));
                if (r == 0)
                        (void) sd_bus_wait(z->bus, UINT64_MAX);
        }
}

/* Sends a call without waiting; at most IN_FLIGHT wait at a time. */
static void send_message(Fuzz *z, sd_bus_message *m, gboolean ends_victim) {
        Call *c = g_new0(Call, 1);
        int r;

        c->z = z;
        c->ends_victim = ends_victim;
        r = sd_bus_call_async(z->bus, NULL, m, reply_cb, c, FAULT_CALL_USEC);
        if (r < 0) {
                g_free(c);
                return;
        }
        z->sent++;
        z->in_flight++;
        drain(z, IN_FLIGHT);
}

/* Sends one call; interface may be NULL (no interface in the header). */
static void send_call(Fuzz *z, const char *path, const char *iface, const char *member,
                      const char *signature, gboolean ends_victim) {
        g_autoptr(sd_bus_message) m = NULL;

        if (sd_bus_message_new_method_call(z->bus, &m, APPD_BUS_NAME, path, iface, member) < 0)
                return;   /* a name sd-bus will not even put in a message */
        if (append_values(z, m, signature))
                send_message(z, m, ends_victim);
}

static char *in_signature(GDBusMethodInfo *method) {
        GString *s = g_string_new(NULL);
        for (GDBusArgInfo **a = method->in_args; a && *a; a++)
                g_string_append(s, (*a)->signature);
        return g_string_free(s, FALSE);
}

static gboolean ends_apps(const char *iface, const char *member) {
        return (g_str_equal(iface, APPD_APP_IFACE) && (g_str_equal(member, "Quit") || g_str_equal(member, "Kill"))) ||
               (g_str_equal(iface, APPD_WINDOW_IFACE) && g_str_equal(member, "Close")) ||
               (g_str_equal(iface, APPD_MANAGER_IFACE) && (g_str_equal(member, "QuitApp") || g_str_equal(member, "KillApp")));
}

static const char *pick_wrong(Fuzz *z, const char *right) {
        const char *s;
        do
                s = wrong_signatures[g_rand_int_range(z->f->rand, 0, G_N_ELEMENTS(wrong_signatures))];
        while (g_str_equal(s, right));
        return s;
}

/* One round over a target: each method with its own signature (hostile
 * values) and with wrong ones; its properties; the standard interfaces. */
static void fuzz_target(Fuzz *z, const Target *t) {
        GDBusInterfaceInfo *iface = t->iface;

        for (GDBusMethodInfo **mi = iface->methods; mi && *mi; mi++) {
                const char *member = (*mi)->name;
                g_autofree char *sig = in_signature(*mi);
                gboolean ending = ends_apps(iface->name, member);

                /* With no arguments a valid call only ends things: the
                 * survivor's never, the victim's now and then. */
                if (!ending || sig[0] != '\0' || (t->victim && g_rand_int_range(z->f->rand, 0, 8) == 0))
                        send_call(z, t->path, iface->name, member, sig,
                                  ending && (t->victim || sig[0] != '\0'));
                for (guint k = 0; k < 3; k++)
                        send_call(z, t->path, iface->name, member, pick_wrong(z, sig), FALSE);
                /* No interface in the header: sd-bus looks the member up. */
                send_call(z, t->path, NULL, member, pick_wrong(z, sig[0] ? sig : ""), FALSE);
                /* A member the interface lacks. */
                send_call(z, t->path, iface->name, g_rand_boolean(z->f->rand) ? "Nope" : "quit", sig, FALSE);
        }
        /* Properties: Get of each, Set of each (all read-only here), unknown
         * ones, unknown interfaces, wrong signatures. */
        for (GDBusPropertyInfo **pi = iface->properties; pi && *pi; pi++) {
                const char *prop = (*pi)->name;

                /* Get(iface, prop): strings the fuzzer picks would rarely
                 * name real ones, so name them here. */
                {
                        g_autoptr(sd_bus_message) g = NULL;
                        if (sd_bus_message_new_method_call(z->bus, &g, APPD_BUS_NAME, t->path,
                                                           "org.freedesktop.DBus.Properties", "Get") >= 0 &&
                            sd_bus_message_append(g, "ss", iface->name, prop) >= 0)
                                send_message(z, g, FALSE);
                }
                /* Set(iface, prop, v), all read-only here: a value of its
                 * own type and one of another. */
                for (guint k = 0; k < 2; k++) {
                        g_autoptr(sd_bus_message) s = NULL;
                        const char *vt = k == 0 ? (*pi)->signature : pick_wrong(z, (*pi)->signature);
                        const char *vs = vt;

                        if (vt[0] == '\0' || sd_bus_message_new_method_call(z->bus, &s, APPD_BUS_NAME, t->path,
                                                                           "org.freedesktop.DBus.Properties", "Set") < 0 ||
                            sd_bus_message_append(s, "ss", iface->name, prop) < 0 ||
                            sd_bus_message_open_container(s, 'v', vt) < 0)
                                continue;
                        while (*vs)
                                if (!append_value(z, s, &vs, 1))
                                        break;
                        if (*vs || sd_bus_message_close_container(s) < 0)
                                continue;
                        send_message(z, s, FALSE);
                }
        }
        send_call(z, t->path, "org.freedesktop.DBus.Properties", "Get", "ss", FALSE);
        send_call(z, t->path, "org.freedesktop.DBus.Properties", "Set", "ssv", FALSE);
        send_call(z, t->path, "org.freedesktop.DBus.Properties", "GetAll", "s", FALSE);
        send_call(z, t->path, "org.freedesktop.DBus.Properties", g_rand_boolean(z->f->rand) ? "Get" : "GetAll",
                  pick_wrong(z, "ss"), FALSE);
        send_call(z, t->path, "org.freedesktop.DBus.Introspectable", "Introspect", "", FALSE);
        send_call(z, t->path, "org.freedesktop.DBus.Introspectable", "Introspect", pick_wrong(z, ""), FALSE);
        send_call(z, t->path, "org.freedesktop.DBus.Peer", "Ping", "", FALSE);
        send_call(z, t->path, "org.freedesktop.DBus.Peer", "GetMachineId", pick_wrong(z, ""), FALSE);
        send_call(z, t->path, "org.appd.Appd1.Nope", "Quit", "", FALSE);
        send_call(z, t->path, "org.freedesktop.DBus.Properties.Nope", "Get", "ss", FALSE);
}

/* Every contract method on objects that do not exist, with the right
 * signature and a wrong one. */
static void fuzz_unknown_objects(Fuzz *z) {
        for (guint i = 0; i < z->paths->len; i++) {
                const char *path = z->paths->pdata[i];
                for (guint c = 0; c < z->contracts->len; c++) {
                        GDBusNodeInfo *node = z->contracts->pdata[c];
                        GDBusInterfaceInfo *iface = node->interfaces[0];
                        for (GDBusMethodInfo **mi = iface->methods; mi && *mi; mi++) {
                                g_autofree char *sig = in_signature(*mi);
                                /* The Manager lives at one path; elsewhere its
                                 * methods must not run. */
                                send_call(z, path, iface->name, (*mi)->name, sig, FALSE);
                                send_call(z, path, iface->name, (*mi)->name, pick_wrong(z, sig), FALSE);
                        }
                }
                send_call(z, path, "org.freedesktop.DBus.Properties", "GetAll", "s", FALSE);
                send_call(z, path, "org.freedesktop.DBus.Introspectable", "Introspect", "", FALSE);
        }
}

/* ---- objects */

static void collect_objects(Fuzz *z, const char *path, GPtrArray *found, guint depth) {
        g_autoptr(sd_bus_message) reply = NULL;
        g_autoptr(GDBusNodeInfo) node = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *xml;

        if (depth > 8 || sd_bus_call_method(z->bus, APPD_BUS_NAME, path,
                                            "org.freedesktop.DBus.Introspectable", "Introspect",
                                            &error, &reply, "") < 0 ||
            sd_bus_message_read(reply, "s", &xml) < 0) {
                sd_bus_error_free(&error);
                return;
        }
        node = g_dbus_node_info_new_for_xml(xml, NULL);
        if (!node)
                return;
        for (GDBusInterfaceInfo **i = node->interfaces; i && *i; i++)
                for (guint c = 0; c < z->contracts->len; c++) {
                        GDBusNodeInfo *contract = z->contracts->pdata[c];
                        if (g_str_equal(contract->interfaces[0]->name, (*i)->name)) {
                                g_ptr_array_add(found, g_strdup(path));
                                g_ptr_array_add(found, contract->interfaces[0]);
                        }
                }
        for (GDBusNodeInfo **n = node->nodes; n && *n; n++) {
                g_autofree char *child = g_strcmp0(path, "/") == 0 ? g_strdup_printf("/%s", (*n)->path)
                                                                    : g_strdup_printf("%s/%s", path, (*n)->path);
                collect_objects(z, child, found, depth + 1);
        }
}

static GPtrArray *find_targets(Fuzz *z, GPtrArray **ret_paths_owner) {
        g_autoptr(GArray) survivor_windows = fault_app_windows(z->bus, SURVIVOR);
        g_autoptr(GArray) victim_windows = fault_app_windows(z->bus, VICTIM);
        GPtrArray *found = g_ptr_array_new_with_free_func(NULL);
        GPtrArray *owner = g_ptr_array_new_with_free_func(g_free);
        GPtrArray *targets = g_ptr_array_new_with_free_func(g_free);

        collect_objects(z, "/", found, 0);
        for (guint i = 0; i + 1 < found->len; i += 2) {
                Target *t = g_new0(Target, 1);
                char *path = found->pdata[i];
                const char *base = strrchr(path, '/') + 1;

                g_ptr_array_add(owner, path);
                t->path = path;
                t->iface = found->pdata[i + 1];
                if (g_str_has_prefix(path, APPD_APP_PATH_PREFIX "/")) {
                        t->survivor = strstr(path, "fault_2dwindows") != NULL;
                        t->victim = strstr(path, "fault_2dvictim") != NULL;
                } else if (g_str_has_prefix(path, APPD_WINDOW_PATH_PREFIX "/")) {
                        guint id = (guint) atoi(base);
                        for (guint j = 0; j < survivor_windows->len; j++)
                                t->survivor |= g_array_index(survivor_windows, guint, j) == id;
                        for (guint j = 0; j < victim_windows->len; j++)
                                t->victim |= g_array_index(victim_windows, guint, j) == id;
                }
                /* Anything else that ends things belongs to neither: leave
                 * its valid destructive calls out like the survivor's. */
                if (!t->victim && !g_str_has_prefix(path, APPD_MANAGER_PATH "/") && !g_str_equal(path, APPD_MANAGER_PATH))
                        t->survivor = TRUE;
                if (!t->victim && (g_str_has_prefix(path, APPD_APP_PATH_PREFIX "/") ||
                                   g_str_has_prefix(path, APPD_WINDOW_PATH_PREFIX "/")))
                        t->survivor = TRUE;
                g_ptr_array_add(targets, t);
        }
        g_ptr_array_free(found, TRUE);
        *ret_paths_owner = owner;
        return targets;
}

static void setup_values(Fuzz *z) {
        g_autofree char *victim = harness_app(VICTIM);
        g_autofree char *bad_json = harness_app("bad-json");
        g_autofree char *no_main = harness_app("no-main");
        GString *long_path = g_string_new(APPD_WINDOW_PATH_PREFIX);

        z->huge = g_malloc(1024 * 1024 + 1);
        memset(z->huge, 'a', 1024 * 1024);
        z->huge[1024 * 1024] = '\0';
        z->strings = g_ptr_array_new_with_free_func(g_free);
        /* Never the survivor's id or folder: a valid QuitApp/KillApp/Open
         * with them would end or refuse what must survive. */
        for (const char *const *s = (const char *const[]){
                     "", "no-such-app", VICTIM, "fault", "/", "/nonexistent/app", "relative/app",
                     "../../../../etc", "/proc/self", "/dev/null", "\x01\x02\x7f", "é☃\xf0\x9f\x92\xa9",
                     "%s%s%n", "fault-windows ", " fault-windows", "FAULT-WINDOWS", NULL };
             *s; s++)
                g_ptr_array_add(z->strings, g_strdup(*s));
        g_ptr_array_add(z->strings, g_strdup(victim));
        g_ptr_array_add(z->strings, g_strdup(bad_json));
        g_ptr_array_add(z->strings, g_strdup(no_main));
        g_ptr_array_add(z->strings, g_strdup(z->huge));
        g_ptr_array_add(z->strings, g_strndup(z->huge, 4096));

        z->paths = g_ptr_array_new_with_free_func(g_free);
        for (const char *const *s = (const char *const[]){
                     "/", "/org", "/org/appd", APPD_APP_PATH_PREFIX, APPD_WINDOW_PATH_PREFIX,
                     APPD_APP_PATH_PREFIX "/no_2dsuch", APPD_APP_PATH_PREFIX "/_",
                     APPD_APP_PATH_PREFIX "/fault_2dwindows/extra", APPD_WINDOW_PATH_PREFIX "/0",
                     APPD_WINDOW_PATH_PREFIX "/999999", APPD_WINDOW_PATH_PREFIX "/4294967295",
                     APPD_WINDOW_PATH_PREFIX "/4294967296", APPD_WINDOW_PATH_PREFIX "/00001",
                     APPD_WINDOW_PATH_PREFIX "/1/2", APPD_WINDOW_PATH_PREFIX "/x",
                     APPD_MANAGER_PATH "/nope", "/org/appd/Host", "/org/appd/View", NULL };
             *s; s++)
                g_ptr_array_add(z->paths, g_strdup(*s));
        while (long_path->len < 64 * 1024)
                g_string_append(long_path, "/aaaaaaaaaaaaaaaa");
        g_ptr_array_add(z->paths, g_string_free(long_path, FALSE));

        z->contracts = g_ptr_array_new_with_free_func((GDestroyNotify) g_dbus_node_info_unref);
        for (const char *const *name = (const char *const[]){ APPD_MANAGER_IFACE, APPD_APP_IFACE,
                                                              APPD_WINDOW_IFACE, NULL };
             *name; name++) {
                g_autofree char *file = g_strdup_printf("%s/%s.xml", PROTOCOL_DIR, *name);
                g_autofree char *xml = NULL;
                g_autoptr(GError) error = NULL;
                GDBusNodeInfo *node;

                if (!g_file_get_contents(file, &xml, NULL, &error) ||
                    !(node = g_dbus_node_info_new_for_xml(xml, &error)))
                        g_error("%s: %s", file, error->message);
                g_ptr_array_add(z->contracts, node);
        }
        z->null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        z->error_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

static void free_values(Fuzz *z) {
        g_ptr_array_free(z->strings, TRUE);
        g_ptr_array_free(z->paths, TRUE);
        g_ptr_array_free(z->contracts, TRUE);
        g_hash_table_destroy(z->error_names);
        g_free(z->huge);
        close(z->null_fd);
}

static gboolean two_windows_cb(gpointer data) {
        Fuzz *z = data;
        g_autoptr(GArray) ids = fault_app_windows(z->bus, SURVIVOR);
        return ids->len >= 2;
}

void fault_phase_bus_fuzz(Fault *f, FaultPhase *p) {
        const char *const survivor_args[] = { "--windows=2", NULL };
        const char *const apps[] = { SURVIVOR, VICTIM, NULL };
        g_autofree char *survivor = harness_app(SURVIVOR);
        g_autofree char *victim = harness_app(VICTIM);
        g_autoptr(GArray) windows_before = NULL, windows_after = NULL;
        g_autoptr(sd_bus) bus = fault_bus_open();
        g_autofree char *state = NULL;
        guint target_calls = f->full ? 150000 : 4000;
        g_autoptr(GString) errors = g_string_new(NULL);
        GHashTableIter iter;
        gpointer key, value;
        Fuzz z = { f, p, bus };
        FaultDaemon *d;
        guint rounds = 0;

        d = fault_daemon_start(f, NULL, NULL);
        if (!d) {
                p->fatal = TRUE;
                return;
        }
        setup_values(&z);
        if (fault_open_app(bus, survivor, survivor_args, NULL) < 0 ||
            !fault_wait_app(bus, SURVIVOR, TRUE, FAULT_EVENT_MS)) {
                fault_note(p, "cannot open %s", SURVIVOR);
                p->lost++;
                goto out;
        }
        if (!harness_wait_for(two_windows_cb, &z, FAULT_EVENT_MS)) {
                fault_note(p, "%s did not show its two windows", SURVIVOR);
                p->lost++;
                goto out;
        }
        windows_before = fault_app_windows(bus, SURVIVOR);

        while (z.sent < target_calls && fault_daemon_alive(d)) {
                g_autoptr(GPtrArray) owner = NULL;
                g_autoptr(GPtrArray) targets = NULL;
                g_autofree char *victim_state = fault_app_state(bus, VICTIM);

                /* The victim comes back for the next round when it was ended. */
                if (!victim_state)
                        (void) fault_open_app(bus, victim, NULL, NULL);
                targets = find_targets(&z, &owner);
                for (guint i = 0; i < targets->len; i++)
                        fuzz_target(&z, targets->pdata[i]);
                fuzz_unknown_objects(&z);
                drain(&z, 0);
                rounds++;
        }
        drain(&z, 0);

        p->injected = z.sent;
        p->survived = z.answered;
        p->lost += z.timeouts;
        p->expected = z.victim_ends;
        g_hash_table_iter_init(&iter, z.error_names);
        while (g_hash_table_iter_next(&iter, &key, &value))
                g_string_append_printf(errors, " %s x%u", (const char *) key, GPOINTER_TO_UINT(value));
        g_print("  %s: %u rounds, %u calls: %u errors, %u successes, %u unanswered\n", p->name, rounds,
                z.sent, z.errors, z.successes, z.timeouts);
        g_print("  %s: errors by name:%s\n", p->name, errors->str);
        if (fault_daemon_lost(d, p))
                goto out;

        /* After it: the daemon answers the Manager, the survivor runs with
         * the same windows, and still works. */
        if (!fault_daemon_answers(bus)) {
                fault_note(p, "appd does not answer Manager.ListApps");
                p->lost++;
        }
        state = fault_app_state(bus, SURVIVOR);
        if (g_strcmp0(state, "running") != 0) {
                fault_note(p, "%s is %s after the fuzzing", SURVIVOR, state ? state : "gone");
                p->lost++;
        }
        windows_after = fault_app_windows(bus, SURVIVOR);
        for (guint i = 0; i < windows_before->len; i++) {
                guint id = g_array_index(windows_before, guint, i);
                gboolean there = FALSE;
                for (guint j = 0; j < windows_after->len; j++)
                        there |= g_array_index(windows_after, guint, j) == id;
                if (!there) {
                        fault_note(p, "window %u of %s is gone", id, SURVIVOR);
                        p->lost++;
                }
        }
        if (!fault_probe_app(bus, SURVIVOR, p))
                p->lost++;
out:
        free_values(&z);
        fault_finish_daemon(d, p, apps);
}
