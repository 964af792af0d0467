#!/bin/sh
# Usage: test-appctl-usage.sh APPCTL
#
# What appctl decides without a daemon: exit status 2 for bad usage, 1 for
# failures, and errors that name the problem.  Talking to a daemon is
# covered by tests/bus.
set -u

appctl=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/appctl-test-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

# expect STATUS PATTERN ARGS...: exit status STATUS and PATTERN in the output.
expect() {
    want=$1 pattern=$2
    shift 2
    "$appctl" "$@" >"$tmp/out" 2>&1
    got=$?
    if [ "$got" -ne "$want" ] || ! grep -q -e "$pattern" "$tmp/out"; then
        echo "FAIL: appctl $*: exit $got (want $want), output:" >&2
        sed 's/^/    /' "$tmp/out" >&2
        echo "    (wanted '$pattern')" >&2
        fail=1
    fi
}

expect 0 '^Usage: appctl' --help
expect 0 '^Usage: appctl' help
expect 0 '^appctl [0-9]' --version
expect 2 'no command given' 
expect 2 "unknown command 'frob'" frob
expect 2 "unknown option '--frob'" --frob list
expect 2 "'open' needs an app folder" open
expect 2 "after '--'" open "$tmp" extra
expect 2 'needs an app id' quit
expect 2 '--wait goes with' --wait list
expect 2 "only 'open' takes arguments" list -- x
expect 1 '/nonexistent/app: no such folder' open /nonexistent/app
expect 1 'not a folder' open "$0"

# No bus at all is an error of its own, not a hang or a crash.
DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/no-bus" expect 1 'cannot connect to the session bus' list
(
    unset DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR
    expect 1 'no session bus' windows
    exit $fail
) || fail=1

[ $fail -eq 0 ] && echo "test-appctl-usage: ok"
exit $fail
