#!/usr/bin/python3
"""appd against the peers a user would pick instead, in one run, on one page.

Peers: the floor (bench/floor.c: GTK4 + WebKitGTK 6.0, one window), the same
program in GJS and in PyGObject, and appd (bench/app, opened with appctl).
Everything runs in a private session made here: its own Xvfb, its own
session bus whose service directory activates this build's appd, and
private XDG folders.  The page reports its first contentful paint and its
load in wall-clock ms; open times are those minus the harness's clock when
it ran the command.  Memory is PSS summed over every process an app
creates.  See docs/performance.md for the method and the latest table.

Usage: run.py [--smoke] [--build DIR] [--floor PATH] [--latency PATH]
              [--runs N] [--json PATH] [--report PATH]
--smoke measures everything once with 2 apps, and fails only when a
measurement could not be made (never on a missed goal).
"""
import argparse
import json
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PAGE = os.path.join(HERE, "page", "index.html")
REPORT = re.compile(r"bench fcp=([\d.]+) load=([\d.]+)")
PEERS = ("floor", "gjs", "pygobject")
KINDS = PEERS + ("appd",)
# Debian's python: the PyGObject peer needs its gi module.
PYTHON = "/usr/bin/python3"
OPEN_TIMEOUT = 60.0


class BenchError(Exception):
    pass


def now_ms():
    return time.time() * 1000.0


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- processes

def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after it.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def process_tree(roots):
    kids = children_map()
    seen, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.append(pid)
        todo.extend(kids.get(pid, []))
    return seen


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass  # it ended meanwhile: it holds nothing
    return 0


def tree_pss_mib(roots):
    return sum(pss_kib(p) for p in process_tree(roots)) / 1024.0


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def end_processes(pids, timeout=10.0):
    """SIGTERM, then SIGKILL what is left; returns when all are gone."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not any(alive(p) for p in pids):
                return
            time.sleep(0.02)


def wait_gone(pids, timeout=15.0):
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in pids):
        if time.monotonic() > deadline:
            end_processes([p for p in pids if alive(p)], 2.0)
            return
        time.sleep(0.02)


# ---------------------------------------------------------------- session

class Session:
    """Xvfb + a private session bus + private XDG folders, torn down on close."""

    def __init__(self, appd_bin):
        self.tmp = tempfile.mkdtemp(prefix="appd-bench-")
        self.procs = []
        env = {k: v for k, v in os.environ.items()
               if k not in ("WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "DISPLAY")}
        # Every program on the toolkits' own rendering defaults, appd too
        # (it picks lean ones under software GL by itself); the variants
        # table measures the lean defaults for the floor and appd alike.
        env["APPD_RENDERING"] = "toolkit"
        for name in ("state", "config", "data", "cache", "home"):
            os.makedirs(os.path.join(self.tmp, name))
        run = os.path.join(self.tmp, "run")
        os.mkdir(run, 0o700)
        share = os.path.join(self.tmp, "share")
        services = os.path.join(share, "dbus-1", "services")
        os.makedirs(services)
        # Cold start is D-Bus activation of this build's daemon: the session
        # bus looks for services in $XDG_DATA_DIRS/dbus-1/services.
        with open(os.path.join(services, "org.appd.Appd1.service"), "w") as f:
            f.write(f"[D-BUS Service]\nName=org.appd.Appd1\nExec={appd_bin}\n")
        env.update(XDG_STATE_HOME=f"{self.tmp}/state", XDG_CONFIG_HOME=f"{self.tmp}/config",
                   XDG_DATA_HOME=f"{self.tmp}/data", XDG_CACHE_HOME=f"{self.tmp}/cache",
                   HOME=f"{self.tmp}/home", XDG_RUNTIME_DIR=run,
                   XDG_DATA_DIRS=f"{share}:/usr/local/share:/usr/share",
                   GTK_A11Y="none", NO_AT_BRIDGE="1", GDK_BACKEND="x11")
        self.env = env
        self.bus_log = open(os.path.join(self.tmp, "bus.log"), "w")

        rfd, wfd = os.pipe()
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(wfd), "-screen", "0", "1280x800x24",
                                 "-nolisten", "tcp"], pass_fds=(wfd,), env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(xvfb)
        os.close(wfd)
        display = self._read_line(rfd, 10.0, "Xvfb did not report its display")
        os.close(rfd)
        env["DISPLAY"] = ":" + display

        # The activated daemon inherits this bus's environment, DISPLAY too;
        # its stderr (app console output) lands in bus.log.
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                               env=env, stdout=subprocess.PIPE, stderr=self.bus_log)
        self.procs.append(bus)
        env["DBUS_SESSION_BUS_ADDRESS"] = self._read_line(
            bus.stdout.fileno(), 10.0, "dbus-daemon did not print its address")

    @staticmethod
    def _read_line(fd, timeout, why):
        data = b""
        deadline = time.monotonic() + timeout
        while not data.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise BenchError(why)
            chunk = os.read(fd, 4096)
            if not chunk:
                raise BenchError(why)
            data += chunk
        return data.decode().strip()

    def close(self):
        # Whatever the bus activated (appd, the accessibility bus) dies with it.
        for p in reversed(self.procs):
            end_processes(process_tree([p.pid]), 5.0)
            p.wait()
        self.bus_log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---------------------------------------------------------------- peers

class Peer:
    """One instance of a standalone peer program; reports on its stdout."""

    def __init__(self, kind, cmd, env, extra_env=None):
        self.kind = kind
        if extra_env:
            env = dict(env, **extra_env)
        self.t0 = now_ms()
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)

    def wait_report(self):
        fd = self.proc.stdout.fileno()
        buf = b""
        deadline = time.monotonic() + OPEN_TIMEOUT
        while True:
            m = REPORT.search(buf.decode(errors="replace"))
            if m:
                return float(m.group(1)) - self.t0, float(m.group(2)) - self.t0
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise BenchError(f"{self.kind}: the page did not report within {OPEN_TIMEOUT:.0f} s")
            chunk = os.read(fd, 4096)
            if not chunk:
                raise BenchError(f"{self.kind}: exited with {self.proc.wait()} before the page reported")
            buf += chunk

    def roots(self):
        return [self.proc.pid]

    def close(self):
        pids = process_tree([self.proc.pid])
        self.proc.terminate()
        self.proc.wait()
        self.proc.stdout.close()
        wait_gone(pids)  # its web and network processes follow it


class Appd:
    """The daemon, activated on the private bus, and its apps."""

    def __init__(self, session, build, apps_dir):
        self.session = session
        self.env = session.env
        self.appd_bin = os.path.join(build, "daemon", "appd")
        self.appctl = os.path.join(build, "cli", "appctl")
        self.apps_dir = apps_dir
        os.makedirs(apps_dir, exist_ok=True)

    def _run(self, *args, check=True):
        r = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            raise BenchError(f"{' '.join(args)}: {r.stderr.strip() or r.returncode}")
        return r

    def pid(self):
        r = self._run("busctl", "--user", "call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                      "org.freedesktop.DBus", "GetConnectionUnixProcessID", "s", "org.appd.Appd1",
                      check=False)
        return int(r.stdout.split()[1]) if r.returncode == 0 else None

    def start(self, extra_env=None):
        """Activates the daemon if it does not run; lets a new one settle.
        With extra_env, starts it directly instead, in that environment
        (which its renderers inherit): activation takes the bus's."""
        if self.pid():
            return
        if extra_env:
            subprocess.Popen([self.appd_bin], env=dict(self.env, **extra_env),
                             stdout=subprocess.DEVNULL, stderr=self.session.bus_log)
            deadline = time.monotonic() + 10
            while not self.pid():
                if time.monotonic() > deadline:
                    raise BenchError("appd did not take its bus name")
                time.sleep(0.05)
        else:
            self._run("busctl", "--user", "call", "org.appd.Appd1", "/org/appd/Appd1",
                      "org.appd.Appd1.Manager", "ListApps")
        time.sleep(1.0)

    def stop(self):
        pid = self.pid()
        if pid:
            end_processes(process_tree([pid]))
        deadline = time.monotonic() + 10
        while self.pid() and time.monotonic() < deadline:
            time.sleep(0.05)

    def app_folder(self, name, template):
        """A copy of a bench app under its own name (apps are told apart by it)."""
        folder = os.path.join(self.apps_dir, name)
        if not os.path.isdir(folder):
            shutil.copytree(template, folder)
            with open(os.path.join(folder, "package.json")) as f:
                pkg = json.load(f)
            pkg["name"] = name
            with open(os.path.join(folder, "package.json"), "w") as f:
                json.dump(pkg, f)
            if os.path.exists(os.path.join(folder, "main.js")) and not os.path.exists(
                    os.path.join(folder, "index.html")):
                shutil.copy(PAGE, os.path.join(folder, "index.html"))
        return folder

    def open(self, name):
        folder = self.app_folder(name, os.path.join(HERE, "app"))
        out = os.path.join(self.session.tmp, f"report-{name}.txt")
        if os.path.exists(out):
            os.unlink(out)
        app = AppdApp(self, name)
        app.t0 = now_ms()
        r = self._run(self.appctl, "open", folder, "--", out)
        app.appctl_ms = now_ms() - app.t0
        app.id = r.stdout.strip().split()[0]
        app.out = out
        return app

    def open_spinner(self):
        self._run(self.appctl, "open", os.path.join(ROOT, "tests", "apps", "spin"))
        return "spin"

    def kill(self, app_id):
        before = set(process_tree([self.pid()])) if self.pid() else set()
        self._run(self.appctl, "kill", app_id, check=False)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            listed = json.loads(self._run(self.appctl, "--json", "list").stdout or "[]")
            if not any(a.get("id") == app_id for a in listed):
                break
            time.sleep(0.05)
        # The app's renderer tree goes with it; wait so memory settles.
        pid = self.pid()
        now = set(process_tree([pid])) if pid else set()
        wait_gone(sorted(before - now - {pid}), 10.0)

    def latency(self, latency_bin, count, interval_ms):
        r = self._run(latency_bin, str(count), str(interval_ms))
        return {k: float(v) for k, v in (kv.split("=") for kv in r.stdout.split())}


class AppdApp:
    def __init__(self, appd, name):
        self.appd = appd
        self.kind = "appd"
        self.name = name

    def wait_report(self):
        deadline = time.monotonic() + OPEN_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with open(self.out) as f:
                    m = REPORT.search(f.read())
                if m:
                    return float(m.group(1)) - self.t0, float(m.group(2)) - self.t0
            except FileNotFoundError:
                pass
            time.sleep(0.01)
        raise BenchError(f"appd app {self.name}: the page did not report within {OPEN_TIMEOUT:.0f} s")

    def close(self):
        self.appd.kill(self.id)


# ---------------------------------------------------------------- measures

class Bench:
    def __init__(self, args):
        self.args = args
        self.session = Session(os.path.join(args.build, "daemon", "appd"))
        self.env = self.session.env
        self.appd = Appd(self.session, args.build, os.path.join(self.session.tmp, "apps"))
        self.uri = "file://" + PAGE
        self.results = {}

    def peer_cmd(self, kind):
        return {
            "floor": [self.args.floor, self.uri],
            "gjs": ["gjs", os.path.join(HERE, "peer-gjs.js"), self.uri],
            "pygobject": [PYTHON, os.path.join(HERE, "peer-pygobject.py"), self.uri],
        }[kind]

    def launch(self, kind, index=1, extra_env=None):
        if kind == "appd":
            return self.appd.open(f"bench-{index:02d}")
        return Peer(kind, self.peer_cmd(kind), self.env, extra_env)

    def open_once(self, mode, extra_env=None):
        """One open to report and close; mode is a peer, appd-warm or
        appd-cold.  Returns first paint, load and (appd) appctl's return."""
        if mode == "appd-warm":
            self.appd.start(extra_env)
        elif mode == "appd-cold":
            self.appd.stop()
            time.sleep(0.5)
        h = self.launch("appd" if mode.startswith("appd") else mode, extra_env=extra_env)
        try:
            return h.wait_report() + (getattr(h, "appctl_ms", None),)
        finally:
            h.close()

    def measure_open(self):
        """Open time, the modes alternated, the starting one rotated per round."""
        modes = list(PEERS) + ["appd-warm", "appd-cold"]
        times = {m: [] for m in modes}
        rounds = self.args.warmup + self.args.runs
        for r in range(rounds):
            order = modes[r % len(modes):] + modes[:r % len(modes)]
            for m in order:
                t = self.open_once(m)
                if r >= self.args.warmup:
                    times[m].append(t)
            log(f"open: round {r + 1}/{rounds} done")
        self.results["open"] = {
            m: {"fcp_ms": statistics.median(t[0] for t in v),
                "load_ms": statistics.median(t[1] for t in v),
                "appctl_ms": statistics.median(t[2] for t in v) if v[0][2] is not None else None,
                "runs": len(v)}
            for m, v in times.items()}

    def measure_scale(self, kind):
        """Open 1..N instances one after another: open time of each, PSS at
        the checkpoints.  For appd, then the responsiveness measures."""
        top = max(self.args.counts)
        res = {"open_load_ms": [], "pss_mib": {}}
        handles = []
        if kind == "appd":
            self.appd.stop()
            self.appd.start()
            time.sleep(self.args.settle)
            res["daemon_idle_mib"] = tree_pss_mib([self.appd.pid()])
        try:
            for n in range(1, top + 1):
                # Each open in a session whose earlier apps have settled,
                # not one still busy with the previous page.
                time.sleep(self.args.gap)
                h = self.launch(kind, n)
                handles.append(h)
                res["open_load_ms"].append(round(h.wait_report()[1], 1))
                if n in self.args.counts:
                    time.sleep(self.args.settle)
                    roots = [self.appd.pid()] if kind == "appd" else [p for h in handles for p in h.roots()]
                    res["pss_mib"][n] = round(tree_pss_mib(roots), 1)
                    if kind == "appd":
                        res.setdefault("daemon_alone_mib", {})[n] = round(pss_kib(self.appd.pid()) / 1024, 1)
                    log(f"scale {kind}: {n} open, {res['pss_mib'][n]:.0f} MiB")
            if kind == "appd":
                self.measure_responsiveness(handles, res)
        finally:
            for h in reversed(handles):
                h.close()
            if kind == "appd":
                self.appd.stop()
        self.results.setdefault("scale", {})[kind] = res

    def measure_responsiveness(self, handles, res):
        """Manager call latency with N apps, then with one of N spinning;
        then the time to open one more app while it spins."""
        count, interval = self.args.calls, 5
        res["latency_idle"] = self.appd.latency(self.args.latency, count, interval)
        handles.pop().close()  # make room: N apps in all, one of them the spinner
        spinner = self.appd.open_spinner()
        time.sleep(1.0)
        try:
            res["latency_spin"] = self.appd.latency(self.args.latency, count, interval)
            extra = self.launch("appd", max(self.args.counts) + 1)
            handles.append(extra)
            res["open_next_spin_ms"] = round(extra.wait_report()[1], 1)
        finally:
            self.appd.kill(spinner)

    def measure_variants(self):
        """The floor and appd under the renderer defaults that change the
        figures most under software GL: the GSK renderer and WebKit's
        compositing mode.  appd's daemon is restarted in each variant's
        environment, which its renderers inherit."""
        variants = {
            "default": {},
            "GSK_RENDERER=cairo": {"GSK_RENDERER": "cairo"},
            "no compositing": {"WEBKIT_DISABLE_COMPOSITING_MODE": "1"},
            "cairo + no compositing": {"GSK_RENDERER": "cairo", "WEBKIT_DISABLE_COMPOSITING_MODE": "1"},
        }
        n = self.args.variant_instances
        out = {}
        for v, e in variants.items():
            self.appd.stop()
            self.appd.start(e)
            try:
                times = {"floor": [], "appd": []}
                for r in range(self.args.runs):
                    times["floor"].append(self.open_once("floor", e))
                    times["appd"].append(self.open_once("appd-warm", e))
                for kind in ("floor", "appd"):
                    pss = self.pss_series(kind, e, n)
                    out.setdefault(v, {})[kind] = {
                        "fcp_ms": statistics.median(t[0] for t in times[kind]),
                        "load_ms": statistics.median(t[1] for t in times[kind]),
                        "pss1_mib": pss[1],
                        "marginal_mib": (pss[n] - pss[1]) / (n - 1) if n > 1 else None}
                    log(f"variant {v}, {kind}: {out[v][kind]['load_ms']:.0f} ms, {pss[1]:.0f} MiB")
            finally:
                self.appd.stop()
        self.results["variants"] = out

    def pss_series(self, kind, extra_env, n):
        """PSS of 1 and of n instances open at once."""
        handles, pss = [], {}
        try:
            for i in range(1, n + 1):
                time.sleep(self.args.gap)
                handles.append(self.launch(kind, i, extra_env))
                handles[-1].wait_report()
                if i in (1, n):
                    time.sleep(self.args.settle)
                    roots = [self.appd.pid()] if kind == "appd" else [h.proc.pid for h in handles]
                    pss[i] = tree_pss_mib(roots)
        finally:
            for h in reversed(handles):
                h.close()
        return pss

    def run(self):
        self.measure_open()
        for kind in KINDS:
            self.measure_scale(kind)
        if not self.args.no_variants:
            self.measure_variants()


# ---------------------------------------------------------------- report

def marginal(scale, kind, counts):
    pss = scale[kind]["pss_mib"]
    lo, hi = min(counts), max(c for c in counts if c <= 10) if any(c <= 10 for c in counts) else max(counts)
    return (pss[hi] - pss[lo]) / (hi - lo) if hi > lo else None


def verdict(value, limit, lower_is_better=True):
    if value is None or limit is None:
        return "n/a"
    ok = value <= limit if lower_is_better else value >= limit
    pct = abs(value / limit - 1) * 100 if limit else 0
    pct = f"{pct:.0f}%" if pct >= 1 else f"{pct:.1f}%"
    return f"PASS ({pct} headroom)" if ok else f"MISS by {pct}"


def fmt(x, unit=""):
    return "—" if x is None else f"{x:.0f}{unit}" if abs(x) >= 10 else f"{x:.2f}{unit}"


def report(results, counts):
    lines = []
    add = lines.append
    o = results["open"]
    floor = o["floor"]
    add("## Open time (median, ms from the command; ratio to the floor)")
    add("")
    add("| peer | first paint | ×floor | load finished | ×floor | appctl open returned | runs |")
    add("|---|---:|---:|---:|---:|---:|---:|")
    for m, v in o.items():
        add(f"| {m} | {fmt(v['fcp_ms'])} | {v['fcp_ms'] / floor['fcp_ms']:.2f} | "
            f"{fmt(v['load_ms'])} | {v['load_ms'] / floor['load_ms']:.2f} | "
            f"{fmt(v['appctl_ms'])} | {v['runs']} |")
    add("")

    s = results["scale"]
    mem_counts = [c for c in counts if c <= 10] or counts
    add("## Memory (PSS of every process the apps create, MiB)")
    add("")
    add("| peer | " + " | ".join(f"{c} app{'s' if c > 1 else ''}" for c in mem_counts)
        + " | per extra app | ×floor |")
    add("|---|" + "---:|" * (len(mem_counts) + 2))
    fm = marginal(s, "floor", counts)
    for kind in KINDS:
        mg = marginal(s, kind, counts)
        ratio = f"{mg / fm:.2f}" if mg is not None and fm else "—"
        add(f"| {kind} | " + " | ".join(fmt(s[kind]["pss_mib"][c]) for c in mem_counts)
            + f" | {fmt(mg)} | {ratio} |")
    a = s["appd"]
    add("")
    add(f"appd's daemon alone: {fmt(a['daemon_idle_mib'])} MiB idle (its whole tree), "
        + ", ".join(f"{fmt(v)} MiB with {c}" for c, v in a["daemon_alone_mib"].items()) + ".")
    add("")

    # One open is one noisy sample: each row gives the median of the opens
    # since the previous row (for 20: of the 11th to the 20th).
    add("## Scale: open time of the n-th app (median over the band, ms to load finished) and PSS (MiB)")
    add("")
    add("| n | " + " | ".join(f"{k} open" for k in KINDS) + " | " + " | ".join(f"{k} PSS" for k in KINDS) + " |")
    add("|---|" + "---:|" * (2 * len(KINDS)))
    prev = 0
    for c in counts:
        band = f"{prev + 1}–{c}" if c > prev + 1 else f"{c}"
        add(f"| {band} | " + " | ".join(fmt(statistics.median(s[k]["open_load_ms"][prev:c])) for k in KINDS)
            + " | " + " | ".join(fmt(s[k]["pss_mib"][c]) for k in KINDS) + " |")
        prev = c
    add("")
    add("PSS is with n apps open, n the row's last number.")
    add("")

    top = max(counts)
    li, ls = a["latency_idle"], a["latency_spin"]
    add("## Daemon responsiveness (Manager.ListApps round trip)")
    add("")
    add("| condition | p50 ms | p99 ms | max ms |")
    add("|---|---:|---:|---:|")
    add(f"| {top} apps | {li['p50_ms']:.2f} | {li['p99_ms']:.2f} | {li['max_ms']:.2f} |")
    add(f"| {top} apps, one spinning | {ls['p50_ms']:.2f} | {ls['p99_ms']:.2f} | {ls['max_ms']:.2f} |")
    add("")
    add(f"Opening app {top + 1} while one spins: {fmt(a['open_next_spin_ms'])} ms to load finished "
        f"(the 1st warm open: {fmt(o['appd-warm']['load_ms'])} ms).")
    add("")

    if "variants" in results:
        add("## Renderer defaults under software GL")
        add("")
        add("| variant | program | first paint ms | load ms | PSS 1 app MiB | per extra app MiB |")
        add("|---|---|---:|---:|---:|---:|")
        for v, by_kind in results["variants"].items():
            for kind, r in by_kind.items():
                add(f"| {v} | {kind} | {fmt(r['fcp_ms'])} | {fmt(r['load_ms'])} | "
                    f"{fmt(r['pss1_mib'])} | {fmt(r['marginal_mib'])} |")
        add("")

    add("## Goals")
    add("")
    add("| goal | value | limit | verdict |")
    add("|---|---:|---:|---|")
    goals = []
    fl = floor["load_ms"]
    goals.append(("warm open to load ≤ 1.15 × floor", o["appd-warm"]["load_ms"] / fl, 1.15))
    goals.append(("cold open to load ≤ 1.4 × floor", o["appd-cold"]["load_ms"] / fl, 1.4))
    am = marginal(s, "appd", counts)
    goals.append(("PSS per extra app ≤ 1.10 × floor's", am / fm if am is not None and fm else None, 1.10))
    for peer in ("gjs", "pygobject"):
        p = o[peer]
        goals.append((f"warm first paint < {peer}", o["appd-warm"]["fcp_ms"] / p["fcp_ms"], 1.0))
        goals.append((f"warm load < {peer}", o["appd-warm"]["load_ms"] / p["load_ms"], 1.0))
        goals.append((f"cold load < {peer}", o["appd-cold"]["load_ms"] / p["load_ms"], 1.0))
        pm = marginal(s, peer, counts)
        goals.append((f"PSS per extra app < {peer}", am / pm if am is not None and pm else None, 1.0))
        for c in mem_counts:
            goals.append((f"PSS of {c} app{'s' if c > 1 else ''} < {peer}",
                          s["appd"]["pss_mib"][c] / s[peer]["pss_mib"][c], 1.0))
    goals.append((f"Manager p99 ≤ 10 ms, {top} apps, one spinning", ls["p99_ms"], 10.0))
    for name, value, limit in goals:
        add(f"| {name} | {'—' if value is None else f'{value:.2f}'} | {limit:.2f} | {verdict(value, limit)} |")
    add("")
    add("Ratios are appd ÷ peer; \"MISS by x%\" is how far the value is above its limit.")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="everything once, 2 apps, for CI")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--floor", help="the floor program (default: BUILD/bench/appd-bench-floor)")
    ap.add_argument("--latency", help="the latency client (default: BUILD/bench/appd-bench-latency)")
    ap.add_argument("--runs", type=int, default=7, help="measured rounds of open times")
    ap.add_argument("--json", help="also write the raw results here")
    ap.add_argument("--no-variants", action="store_true", help="skip the renderer-default variants")
    ap.add_argument("--report", metavar="JSON", help="print the table of an earlier --json run")
    args = ap.parse_args()
    if args.report:
        with open(args.report) as f:
            results = json.load(f)
        # JSON turned the app counts into strings.
        for res in results["scale"].values():
            for key in ("pss_mib", "daemon_alone_mib"):
                if key in res:
                    res[key] = {int(k): v for k, v in res[key].items()}
        print(report(results, sorted(next(iter(results["scale"].values()))["pss_mib"])))
        return 0
    args.floor = args.floor or os.path.join(args.build, "bench", "appd-bench-floor")
    args.latency = args.latency or os.path.join(args.build, "bench", "appd-bench-latency")
    if args.smoke:
        args.runs, args.warmup, args.counts, args.calls = 1, 0, [1, 2], 20
        args.settle, args.variant_instances, args.gap = 0.5, 1, 0.2
    else:
        args.warmup, args.counts, args.calls = 1, [1, 5, 10, 20], 500
        args.settle, args.variant_instances, args.gap = 3.0, 3, 1.0

    for path in (args.floor, args.latency, os.path.join(args.build, "daemon", "appd"),
                 os.path.join(args.build, "cli", "appctl")):
        if not os.access(path, os.X_OK):
            sys.exit(f"bench: {path} is missing: build it first (bench/run.sh does)")
    for tool in ("gjs", "Xvfb", "dbus-daemon", "busctl"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is missing: scripts/install-deps.sh installs it")

    bench = None
    started = time.monotonic()
    try:
        bench = Bench(args)
        bench.run()
    except BenchError as e:
        print(f"bench: a measurement failed: {e}", file=sys.stderr)
        return 1
    finally:
        if bench:
            bench.session.close()
    results = bench.results
    results["machine"] = {"cores": os.cpu_count(), "smoke": args.smoke,
                          "seconds": round(time.monotonic() - started)}
    print(report(results, args.counts))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
