#!/bin/sh
# Runs a test inside a private session bus (dbus-run-session) with private
# XDG folders, and with --x11 under its own Xvfb display.  GLib must never
# autolaunch a bus of its own, so there always is one here.
# --wm also runs a window manager (openbox) there, for what only a window
# manager does: maximize, minimize, fullscreen, focus, stacking.
# --no-activation gives a session bus that starts no services on demand:
# no desktop portal, no notification server, as on a bare session.
# Usage: run-in-session.sh [--no-activation] [--notifications] [--x11 [--wm]]
#                          COMMAND [ARGS...]
set -eu

no_activation=
if [ "${1:-}" = "--no-activation" ]; then
    no_activation=yes
    shift
fi
# --notifications starts Debian's notification-daemon on the session bus
# (it is not D-Bus activatable) and waits for it to own its name.
notifications=
if [ "${1:-}" = "--notifications" ]; then
    notifications=yes
    shift
fi
x11=
wm=
if [ "${1:-}" = "--x11" ]; then
    x11=yes
    shift
    if [ "${1:-}" = "--wm" ]; then
        wm=yes
        shift
    fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/appd-test-XXXXXX")
xvfb_pid=
wm_pid=
cleanup() {
    if [ -n "$wm_pid" ]; then
        kill "$wm_pid" 2>/dev/null || true
        wait "$wm_pid" 2>/dev/null || true
    fi
    if [ -n "$xvfb_pid" ]; then
        kill "$xvfb_pid" 2>/dev/null || true
        wait "$xvfb_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

export XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/config"
export XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/run" HOME="$tmp/home"
mkdir -p "$XDG_STATE_HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$HOME"
mkdir -m 700 "$XDG_RUNTIME_DIR"
unset WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
# No accessibility bus: nothing here reads it, and activating it costs time.
export GTK_A11Y=none NO_AT_BRIDGE=1

# wait_for WHAT LOG COMMAND...: up to 10 s for COMMAND to succeed; else
# say that WHAT did not start, show its LOG and fail.
wait_for() {
    what=$1 log=$2
    shift 2
    i=0
    until "$@"; do
        i=$((i + 1))
        if [ $i -gt 100 ]; then
            echo "run-in-session: $what did not start" >&2
            cat "$log" >&2
            exit 1
        fi
        sleep 0.1
    done
}

wm_running() {
    xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q "window id"
}

if [ -n "$x11" ]; then
    # Xvfb picks a free display number and writes it to fd 3.
    Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
    xvfb_pid=$!
    wait_for "Xvfb" "$tmp/xvfb.log" test -s "$tmp/display"
    DISPLAY=":$(head -n1 "$tmp/display")"
    export DISPLAY GDK_BACKEND=x11
    if [ -n "$wm" ]; then
        openbox --sm-disable >"$tmp/wm.log" 2>&1 &
        wm_pid=$!
        wait_for "the window manager" "$tmp/wm.log" wm_running
    fi
else
    unset DISPLAY
fi

bus_config=
if [ -n "$no_activation" ]; then
    # The session bus's own configuration, without its service folders.
    bus_config="--config-file=$tmp/session-bus.conf"
    cat >"$tmp/session-bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=$tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
fi

set +e
if [ -n "$notifications" ]; then
    # Inside the session: the server first, the command once it answers.
    # shellcheck disable=SC2016
    dbus-run-session $bus_config -- sh -c '
        tmp=$1
        shift
        /usr/lib/notification-daemon/notification-daemon >"$tmp/notifications.log" 2>&1 &
        server=$!
        i=0
        until gdbus call --session --dest org.freedesktop.DBus \
                --object-path /org/freedesktop/DBus \
                --method org.freedesktop.DBus.NameHasOwner org.freedesktop.Notifications \
                2>/dev/null | grep -q true; do
            i=$((i + 1))
            if [ $i -gt 100 ]; then
                echo "run-in-session: notification-daemon did not start" >&2
                cat "$tmp/notifications.log" >&2
                kill $server 2>/dev/null
                exit 1
            fi
            sleep 0.1
        done
        "$@"
        rc=$?
        kill $server 2>/dev/null
        wait $server 2>/dev/null
        exit $rc' sh "$tmp" "$@"
else
    dbus-run-session $bus_config -- "$@"
fi
rc=$?
exit $rc
