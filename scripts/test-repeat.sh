#!/bin/sh
# Runs the whole suite (scripts/test.sh) several times in a row and says
# how each run went; with --stress, while stress-ng keeps every core busy.
# A suite people can trust passes every run.
# Usage: scripts/test-repeat.sh [--stress] [RUNS] [-- CTEST ARGS...]
set -eu
cd "$(dirname "$0")/.."

stress=
if [ "${1:-}" = "--stress" ]; then
    stress=yes
    shift
fi
runs=${1:-10}
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift

./scripts/build.sh >/dev/null
stress_pid=
cleanup() {
    if [ -n "$stress_pid" ]; then
        kill "$stress_pid" 2>/dev/null || true
        wait "$stress_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT INT TERM
if [ -n "$stress" ]; then
    stress-ng --cpu "$(nproc)" --quiet &
    stress_pid=$!
fi

logs=$(mktemp -d "${TMPDIR:-/tmp}/appd-repeat-XXXXXX")
passed=0
i=1
while [ "$i" -le "$runs" ]; do
    start=$(date +%s)
    if ./scripts/test.sh "$@" >"$logs/run-$i.log" 2>&1; then
        passed=$((passed + 1))
        result=passed
    else
        result="FAILED ($(grep -E '^[[:space:]]+[0-9]+ - ' "$logs/run-$i.log" | sed 's/^[[:space:]]*[0-9]* - //' | tr '\n' ' '))"
    fi
    echo "run $i of $runs${stress:+ (stress-ng --cpu $(nproc))}: $result in $(($(date +%s) - start)) s"
    i=$((i + 1))
done
if [ "$passed" -eq "$runs" ]; then
    echo "$passed of $runs runs passed"
    rm -rf "$logs"
else
    echo "$passed of $runs runs passed; the logs are in $logs"
    exit 1
fi
