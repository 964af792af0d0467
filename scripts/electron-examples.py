#!/usr/bin/env python3
"""Runs Electron's own example apps on appd, unmodified, one line each.

Usage: scripts/electron-examples.py [--build DIR] [--seconds N] [--only TEXT] CHECKOUT...

CHECKOUT is a clone of electron/electron (its docs/fiddles examples are
run) or the folder of one app (electron-quick-start).  The examples are
another project's code: they are not in this tree, and this script only
reads them.  Each is copied to a scratch folder, given the package.json
that Electron Fiddle gives a fiddle when it has none ({"main": "main.js"}),
opened with `appctl open`, watched for --seconds, then quit.

A line per example:

    ok    ipc/pattern-1                 windows 1  main errors 0  page errors 0
    FAIL  menus/tray-menu               windows 0  main errors 1  ended: exited 1  TypeError: ...

ok means: the app was still running (or had ended by itself with code 0),
it had at least one visible window whose page finished loading, and
neither its main script nor its pages logged an error.  It says nothing of
whether each button of the page does what it says: that is a person's job.

Runs under tests/run-in-session.sh (its own Xvfb, window manager and
session bus) and starts its own appd, whose log it reads: the main
script's errors are the app's lines at WARNING or above, the pages'
errors are console errors (APPD_RENDERER_CONSOLE=1) logged while the
example ran.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_examples(checkout):
    """(name, folder) of every app under checkout."""
    fiddles = os.path.join(checkout, "docs", "fiddles")
    if not os.path.isdir(fiddles):
        if os.path.exists(os.path.join(checkout, "package.json")) or os.path.exists(
            os.path.join(checkout, "main.js")
        ):
            return [(os.path.basename(os.path.normpath(checkout)), checkout)]
        sys.exit(f"electron-examples: {checkout} has neither docs/fiddles nor an app")
    found = []
    for folder, dirs, files in os.walk(fiddles):
        dirs.sort()
        if "main.js" in files:
            found.append((os.path.relpath(folder, fiddles), folder))
            dirs[:] = []
    return found


def app_copy(name, folder, scratch):
    """A copy of the example with the package.json Fiddle would give it."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "example"
    target = os.path.join(scratch, slug)
    shutil.copytree(folder, target)
    package = os.path.join(target, "package.json")
    if not os.path.exists(package):
        with open(package, "w") as f:
            json.dump({"name": slug, "version": "0.0.0", "main": "main.js"}, f)
    return target


class Session:
    def __init__(self, build, scratch):
        self.appctl = os.path.join(build, "cli", "appctl")
        self.log_path = os.path.join(scratch, "appd.log")
        self.log = open(self.log_path, "w+")
        env = dict(os.environ, APPD_RENDERER_CONSOLE="1",
                   XDG_DATA_HOME=os.path.join(scratch, "data"),
                   XDG_CONFIG_HOME=os.path.join(scratch, "config"),
                   XDG_CACHE_HOME=os.path.join(scratch, "cache"))
        # Examples write files where they run (recent-documents does): in
        # the scratch folder, which goes at the end.
        self.appd = subprocess.Popen([os.path.join(build, "daemon", "appd")], env=env, cwd=scratch,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(200):
            if self.ctl("list").returncode == 0:
                return
            time.sleep(0.05)
        sys.exit("electron-examples: appd did not start")

    def ctl(self, *args):
        return subprocess.run([self.appctl, *args], capture_output=True, text=True)

    def json(self, what):
        done = self.ctl("--json", what)
        try:
            return json.loads(done.stdout) if done.returncode == 0 else []
        except ValueError:
            return []

    def log_from(self, offset):
        self.log.flush()
        with open(self.log_path, errors="replace") as f:
            f.seek(offset)
            return f.read()

    def log_size(self):
        self.log.flush()
        return os.path.getsize(self.log_path)

    def stop(self):
        self.appd.terminate()
        try:
            self.appd.wait(10)
        except subprocess.TimeoutExpired:
            self.appd.kill()
            self.appd.wait()
        self.log.close()


def window_loaded(window):
    path = window.get("object")
    done = subprocess.run(["busctl", "--user", "get-property", "org.appd.Appd1", path,
                           "org.appd.Appd1.Window", "Loading"], capture_output=True, text=True)
    return done.returncode == 0 and done.stdout.strip() == "b false"


def run_one(session, name, folder, seconds):
    start = session.log_size()
    opened = session.ctl("open", folder)
    if opened.returncode != 0:
        return False, f"open failed: {opened.stderr.strip()}"
    app_id = opened.stdout.strip()
    deadline = time.monotonic() + seconds
    shown = 0
    ended = None
    while time.monotonic() < deadline:
        apps = [a for a in session.json("list") if a.get("id") == app_id]
        windows = [w for w in session.json("windows") if w.get("app") == app_id]
        shown = max(shown, sum(1 for w in windows if w.get("visible") and window_loaded(w)))
        if not apps or apps[0].get("state") == "exited":
            ended = apps[0] if apps else {}
            break
        time.sleep(0.25)
    if ended is None:
        session.ctl("quit", app_id)
        for _ in range(40):
            if not [a for a in session.json("list") if a.get("id") == app_id]:
                break
            time.sleep(0.25)
        else:
            session.ctl("kill", app_id)
    log = session.log_from(start)
    main_errors = [line for line in log.splitlines()
                   if f"[{app_id}]" in line and ("WARNING" in line or "CRITICAL" in line)]
    page_errors = [line for line in log.splitlines() if "CONSOLE" in line and " ERROR " in line]
    ended_text = ""
    if ended is not None:
        m = re.search(rf"App {re.escape(app_id)} exited: (.*)", log)
        ended_text = f"  ended: {m.group(1) if m else 'yes'}"
    ok = shown > 0 and not main_errors and not page_errors and (
        ended is None or re.search(rf"App {re.escape(app_id)} exited: exit, code 0", log))
    first = (main_errors + page_errors)[:1]
    detail = (f"windows {shown}  main errors {len(main_errors)}  page errors {len(page_errors)}"
              f"{ended_text}")
    if first:
        text = re.sub(r"^.*?\]\s*", "", first[0]).strip()
        detail += f"  {text[:160]}"
    return bool(ok), detail


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="+", metavar="CHECKOUT")
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--seconds", type=float, default=6.0,
                        help="how long each example is watched (default 6)")
    parser.add_argument("--only", default="", help="only examples whose name contains this")
    args = parser.parse_args()

    if not os.environ.get("APPD_EXAMPLES_IN_SESSION"):
        os.environ["APPD_EXAMPLES_IN_SESSION"] = "1"
        runner = os.path.join(ROOT, "tests", "run-in-session.sh")
        os.execv(runner, [runner, "--x11", "--wm", sys.executable, os.path.abspath(__file__), *sys.argv[1:]])

    examples = []
    for checkout in args.checkouts:
        examples += [(n, f) for n, f in find_examples(checkout) if args.only in n]
    scratch = tempfile.mkdtemp(prefix="appd-examples-")
    session = Session(os.path.abspath(args.build), scratch)
    passed = 0
    try:
        width = max((len(n) for n, _ in examples), default=10)
        for name, folder in examples:
            ok, detail = run_one(session, name, app_copy(name, folder, scratch), args.seconds)
            passed += ok
            print(f"{'ok  ' if ok else 'FAIL'}  {name:<{width}}  {detail}", flush=True)
    finally:
        session.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{passed} of {len(examples)} ran without an error")
    return 0 if passed == len(examples) else 1


if __name__ == "__main__":
    sys.exit(main())
