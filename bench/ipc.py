#!/usr/bin/python3
"""IPC round trips in appd against the bare WebKit floor, in one run.

appd: bench/ipc/app, opened with appctl; its preload times ipcRenderer.invoke,
send → event.reply and sendSync to its main script, which echoes.  The floor:
bench/ipc/floor.c, a plain GTK4 + WebKitGTK 6.0 program whose page times a
script message handler with reply, a fetch() to a custom URI scheme and a
synchronous XHR to it, each echoed in C.  Both pages share bench/ipc/timing.js
(payloads: Uint8Arrays of 64 B, 4 KiB, 64 KiB and 1 MiB, echoed and checked).
Both run in one private session (run.py's: its own Xvfb, session bus and XDG
folders).  See docs/performance.md for the method and the latest table.

Usage: ipc.py [--smoke] [--build DIR] [--floor PATH] [--json PATH]
--smoke measures a few calls of each and fails only when a measurement could
not be made (never on a missed goal).
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run import Appd, BenchError, Session, fmt, log, verdict  # noqa: E402

APP = os.path.join(HERE, "ipc", "app")
TIMEOUT = 300
# The goals: invoke p50 at 64 B no slower than the floor's script
# message; a 1 MiB round trip under 3 ms.
SMALL, LARGE, LARGE_GOAL_MS = 64, 1048576, 3.0
FETCH_MIN = 32 * 1024


def figures(text, who):
    try:
        data = json.loads(text)
    except ValueError:
        raise BenchError(f"{who}: no figures, got {text[:200]!r}")
    if "error" in data:
        raise BenchError(f"{who}: the page failed: {data['error']}")
    return data


def run_until_done(cmd, env, who):
    """Runs a program that measures and exits; its stdout, or BenchError."""
    try:
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BenchError(f"{who} did not finish within {TIMEOUT} s")
    if r.returncode != 0:
        raise BenchError(f"{who} exited {r.returncode}: {r.stderr.strip()[-500:]}")
    return r.stdout


def run_floor(session, floor, smoke):
    cmd = [floor, os.path.join(HERE, "ipc")] + (["--smoke"] if smoke else [])
    out = run_until_done(cmd, session.env, "the floor").strip()
    return figures(out.splitlines()[-1] if out else "", "floor")


def run_appd(session, build, smoke):
    appd = Appd(session, build, os.path.join(session.tmp, "apps"))
    appd.start()
    out = os.path.join(session.tmp, "ipc-figures.json")
    args = [appd.appctl, "open", "--wait", APP, "--", out] + (["--smoke"] if smoke else [])
    run_until_done(args, session.env, "appd's IPC app")
    with open(out) as f:
        return figures(f.read(), "appd")


def row(data, kind, size):
    for r in data["results"]:
        if r["kind"] == kind and r["size"] == size:
            return r
    raise BenchError(f"no figures for {kind} at {size} B")


def size_name(size):
    return f"{size // 1048576} MiB" if size >= 1048576 else f"{size // 1024} KiB" if size >= 1024 else f"{size} B"


def report(appd, floor, smoke=False):
    sizes = sorted({r["size"] for r in appd["results"]})
    lines = ["IPC round trips, page → native → page (ms per call: mean / p50 / p99 of batch means;"
             " calls/s with 64 in flight)",
             f"clock step: appd page {appd['clockStepMs']:.3f} ms, floor page {floor['clockStepMs']:.3f} ms", ""]
    head = f"{'size':>7}  {'kind':<22}{'mean':>8}{'p50':>8}{'p99':>8}{'calls/s':>10}   {'÷ floor p50':>11}"
    lines.append(head)
    for size in sizes:
        # Each appd kind against the floor that crosses WebKit the same way
        # (invoke goes by fetch from 32 KiB on:
        # renderer/web-process/preload-bridge.js).
        pairs = [("invoke", "fetch" if size >= FETCH_MIN else "script-message"),
                 ("send-reply", "script-message"), ("sendSync", "sync-xhr")]
        for kind, floor_kind in pairs:
            a, f = row(appd, kind, size), row(floor, floor_kind, size)
            rate = fmt(a["perSecond"]) if a["perSecond"] else "—"
            ratio = f"{a['p50'] / f['p50']:10.2f}×" if f["p50"] > 0 else f"{'—':>11}"
            lines.append(f"{size_name(size):>7}  {'appd ' + kind:<22}{a['mean']:8.3f}{a['p50']:8.3f}{a['p99']:8.3f}"
                         f"{rate:>10}   {ratio}")
        for floor_kind in ("script-message", "fetch", "sync-xhr"):
            f = row(floor, floor_kind, size)
            rate = fmt(f["perSecond"]) if f["perSecond"] else "—"
            lines.append(f"{'':>7}  {'floor ' + floor_kind:<22}{f['mean']:8.3f}{f['p50']:8.3f}{f['p99']:8.3f}"
                         f"{rate:>10}")
        lines.append("")
    small, floor_small = row(appd, "invoke", SMALL), row(floor, "script-message", SMALL)
    large = row(appd, "invoke", LARGE)
    lines.append("Goals" + (" (smoke: too few calls to judge)" if smoke else ""))
    judge = (lambda value, limit: "n/a") if smoke else verdict
    lines.append(f"  invoke p50 at 64 B ≤ the floor's script message p50: {small['p50']:.3f} vs "
                 f"{floor_small['p50']:.3f} ms → {judge(small['p50'], floor_small['p50'])}")
    lines.append(f"  invoke p50 at 1 MiB < {LARGE_GOAL_MS:.0f} ms: {large['p50']:.3f} ms → "
                 f"{judge(large['p50'], LARGE_GOAL_MS)}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="a few calls of each, for CI")
    ap.add_argument("--build", default=os.path.join(os.path.dirname(HERE), "build"))
    ap.add_argument("--floor", help="the floor program (default: BUILD/bench/appd-bench-ipc-floor)")
    ap.add_argument("--json", help="also write the raw figures here")
    args = ap.parse_args()
    args.floor = args.floor or os.path.join(args.build, "bench", "appd-bench-ipc-floor")
    for path in (args.floor, os.path.join(args.build, "daemon", "appd"), os.path.join(args.build, "cli", "appctl")):
        if not os.access(path, os.X_OK):
            sys.exit(f"bench: {path} is missing: build it first (bench/run.sh does)")

    session = None
    started = time.monotonic()
    try:
        session = Session(os.path.join(args.build, "daemon", "appd"))
        log("IPC: the floor")
        floor = run_floor(session, args.floor, args.smoke)
        log("IPC: appd")
        appd = run_appd(session, args.build, args.smoke)
    except BenchError as e:
        print(f"bench: a measurement failed: {e}", file=sys.stderr)
        return 1
    finally:
        if session:
            session.close()
    print(report(appd, floor, args.smoke))
    print(f"\n({os.cpu_count()} cores, {round(time.monotonic() - started)} s{', smoke' if args.smoke else ''})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"appd": appd, "floor": floor}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
