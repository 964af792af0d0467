#!/bin/sh
# Usage: check-activation.sh ACTIVATION_FILE UNIT_FILE
#
# The D-Bus activation file and the systemd unit must agree, or activation
# starts nothing (or a second daemon): Name= is the unit's BusName=,
# SystemdService= names the unit, Exec= is the unit's ExecStart=, and the
# file is named after the bus name as dbus-daemon expects.
set -eu

activation=$1
unit=$2
fail=0

key() { sed -n "s/^$2=//p" "$1" | head -n1; }
check() {
    if [ "$2" != "$3" ]; then
        echo "check-activation: $1: '$2' != '$3'" >&2
        fail=1
    fi
}

check "first line of $(basename "$activation")" \
    "$(grep -v '^#' "$activation" | grep -v '^$' | head -n1)" "[D-BUS Service]"
name=$(key "$activation" Name)
check "Name= vs the unit's BusName=" "$name" "$(key "$unit" BusName)"
check "file name vs Name=" "$(basename "$activation")" "$name.service"
check "SystemdService= vs the unit" "$(key "$activation" SystemdService)" "$(basename "$unit")"
check "Exec= vs the unit's ExecStart=" "$(key "$activation" Exec)" "$(key "$unit" ExecStart)"
check "the unit's Type=" "$(key "$unit" Type)" dbus
[ -n "$name" ] || { echo "check-activation: no Name=" >&2; fail=1; }

[ $fail -eq 0 ] && echo "check-activation: ok"
exit $fail
