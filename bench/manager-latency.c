/* Round-trip latency of Manager.ListApps on the session bus, as a client
 * such as appctl sees it: one connection, COUNT calls INTERVAL_MS apart,
 * then the percentiles.  A separate process per call (busctl) would
 * measure process start, not the daemon.
 *
 * Usage: appd-bench-latency COUNT INTERVAL_MS
 * Prints: calls=N p50_ms=X p99_ms=Y max_ms=Z */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>

static double now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;

        return (x > y) - (x < y);
}

static double percentile(const double *sorted, int n, double p) {
        int i = (int) (p / 100.0 * (n - 1) + 0.5);

        return sorted[i];
}

int main(int argc, char **argv) {
        sd_bus *bus = NULL;
        double *lat;
        int count, interval_ms, r;

        if (argc != 3 || (count = atoi(argv[1])) <= 0 || (interval_ms = atoi(argv[2])) < 0) {
                fprintf(stderr, "usage: %s COUNT INTERVAL_MS\n", argv[0]);
                return 2;
        }
        r = sd_bus_open_user(&bus);
        if (r < 0) {
                fprintf(stderr, "Failed to connect to the session bus: %s\n", strerror(-r));
                return 1;
        }
        lat = calloc(count, sizeof(double));
        if (!lat)
                return 1;

        for (int i = 0; i < count; i++) {
                sd_bus_error error = SD_BUS_ERROR_NULL;
                sd_bus_message *reply = NULL;
                double t0 = now_ms();

                r = sd_bus_call_method(bus, "org.appd.Appd1", "/org/appd/Appd1",
                                       "org.appd.Appd1.Manager", "ListApps",
                                       &error, &reply, "");
                lat[i] = now_ms() - t0;
                if (r < 0) {
                        fprintf(stderr, "ListApps failed: %s\n", error.message ? error.message : strerror(-r));
                        sd_bus_error_free(&error);
                        return 1;
                }
                sd_bus_message_unref(reply);
                if (interval_ms > 0) {
                        struct timespec ts = { interval_ms / 1000, (interval_ms % 1000) * 1000000L };
                        nanosleep(&ts, NULL);
                }
        }

        qsort(lat, count, sizeof(double), cmp_double);
        printf("calls=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", count,
               percentile(lat, count, 50), percentile(lat, count, 99), lat[count - 1]);
        free(lat);
        sd_bus_flush_close_unref(bus);
        return 0;
}
