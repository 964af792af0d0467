#!/bin/sh
# The part of demo.sh that runs after the build; see demo.sh.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
appctl="$root/build/cli/appctl"
appd="$root/build/daemon/appd"
demo="$root/examples/hello"

tmp=
xvfb_pid=
appd_pid=
cleanup() {
    if [ -n "$appd_pid" ]; then
        kill "$appd_pid" 2>/dev/null || true
        wait "$appd_pid" 2>/dev/null || true
    fi
    if [ -n "$xvfb_pid" ]; then
        kill "$xvfb_pid" 2>/dev/null || true
    fi
    if [ -n "$tmp" ]; then
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT INT TERM

# A private session bus when there is none: GLib would otherwise
# autolaunch one that outlives us.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] &&
   [ ! -S "${XDG_RUNTIME_DIR:-/nonexistent}/bus" ]; then
    echo "demo: no session bus; starting a private one"
    exec dbus-run-session -- "$0" "$@"
fi

headless=
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    headless=yes
    tmp=$(mktemp -d)
    Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" 2>/dev/null &
    xvfb_pid=$!
    while [ ! -s "$tmp/display" ]; do sleep 0.1; done
    DISPLAY=":$(head -n1 "$tmp/display")"
    export DISPLAY GDK_BACKEND=x11
    echo "demo: no display; using Xvfb on $DISPLAY"
fi

if ! "$appctl" list >/dev/null 2>&1; then
    echo "demo: starting appd on this session bus"
    "$appd" &
    appd_pid=$!
    i=0
    until "$appctl" list >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -lt 200 ] || { echo "demo: appd did not start" >&2; exit 1; }
        sleep 0.05
    done
fi

# An appd that ended abnormally with the demo open starts it again
# (session restore); this demo opens its own.
if "$appctl" quit hello >/dev/null 2>&1; then
    echo "demo: hello was already running (restored after appd ended); quitting it first"
    i=0
    while "$appctl" list | awk '$1 == "hello" { found = 1 } END { exit !found }'; do
        i=$((i + 1))
        [ $i -lt 200 ] || { echo "demo: hello did not quit" >&2; exit 1; }
        sleep 0.05
    done
fi

if [ -z "$headless" ]; then
    echo "demo: opening $demo; close its window to end the demo"
    "$appctl" open --wait "$demo"
    exit $?
fi

start=$(date +%s%N)
"$appctl" open --wait "$demo" &
app_pid=$!
loaded=
i=0
while [ $i -lt 300 ]; do
    id=$("$appctl" windows | awk '$2 == "hello" { print $1; exit }')
    if [ -n "$id" ] && busctl --user get-property org.appd.Appd1 \
            "/org/appd/Appd1/window/$id" org.appd.Appd1.Window Loading 2>/dev/null |
            grep -q false &&
       busctl --user get-property org.appd.Appd1 "/org/appd/Appd1/window/$id" \
            org.appd.Appd1.Window URL 2>/dev/null | grep -q app://; then
        loaded=yes
        break
    fi
    i=$((i + 1))
    sleep 0.02
done
[ -n "$loaded" ] || { echo "demo: the page did not load" >&2; exit 1; }
end=$(date +%s%N)
echo "demo: page loaded $(( (end - start) / 1000000 )) ms after appctl open"
# Let the page receive the main process's greeting before the picture.
sleep 1
import -window root "$root/build/demo.png"
echo "demo: screenshot of the window saved to build/demo.png"
"$appctl" windows
"$appctl" quit hello
wait "$app_pid"
echo "demo: hello quit with exit code $?"
