#!/bin/sh
# Usage: verify-unit.sh UNIT_FILE EXPECTED_BINARY
#
# Runs `systemd-analyze --user verify` on UNIT_FILE and fails on any
# complaint: verify itself exits 0 for many mistakes (an unknown key, a
# misspelt Type=) and only prints a warning.  ExecStart= must start
# EXPECTED_BINARY -- where the build installs it; as that is not installed
# when tests run, an executable stand-in takes its place for the check.
set -eu

unit=$1
binary=$2
name=$(basename "$unit")

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "verify-unit: systemd-analyze not found; skipping" >&2
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/appd-verify-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
case "$exec_start" in
"$binary" | "$binary "*) ;;
*)
    echo "verify-unit: $name: ExecStart=$exec_start does not start $binary" >&2
    exit 1
    ;;
esac

mkdir -p "$tmp/bin" "$tmp/config" "$tmp/units"
printf '#!/bin/sh\nexit 0\n' >"$tmp/bin/appd"
chmod +x "$tmp/bin/appd"
sed "s|^ExecStart=$binary|ExecStart=$tmp/bin/appd|" "$unit" >"$tmp/units/$name"

# verify needs a runtime dir for --user; a private one (and a private config
# home) keeps the user's own units out of the check.
mkdir -m 700 "$tmp/run"
set +e
out=$(XDG_RUNTIME_DIR="$tmp/run" XDG_CONFIG_HOME="$tmp/config" \
    systemd-analyze --user verify "$tmp/units/$name" 2>&1)
rc=$?
set -e
if [ $rc -ne 0 ] || [ -n "$out" ]; then
    printf '%s\n' "$out" | sed "s|$tmp/units/||g" >&2
    echo "verify-unit: $name: systemd-analyze verify failed (exit $rc)" >&2
    exit 1
fi
echo "verify-unit: $name: ok"
