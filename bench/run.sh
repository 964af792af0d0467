#!/bin/sh
# The whole benchmark suite in one command: installs what it needs (gjs,
# PyGObject, WebKit's introspection data), builds appd and the floor,
# measures appd and its peers side by side and prints the table that
# docs/performance.md keeps.  Takes a few minutes.
# Usage: bench/run.sh [run.py options: --runs N, --json FILE, --smoke ...]
set -eu
cd "$(dirname "$0")/.."
./scripts/build.sh

bench_build=build
if [ ! -x build/bench/appd-bench-floor ]; then
    # build/ was configured without bench/ among its parts (APPD_PARTS is
    # cached): build the bench programs in a build folder of their own.
    bench_build=build-bench
    if [ ! -f build-bench/build.ninja ]; then
        cmake -S . -B build-bench -G Ninja -DAPPD_PARTS="protocol;bench"
    fi
    ninja -C build-bench appd-bench-floor appd-bench-latency appd-bench-ipc-floor
fi

# Debian's python3: the PyGObject peer needs its gi module.
/usr/bin/python3 bench/run.py --build build \
    --floor "$bench_build/bench/appd-bench-floor" \
    --latency "$bench_build/bench/appd-bench-latency" "$@"
echo
# IPC round trips against the bare WebKit floor (its own table).
case " $* " in *" --smoke "*) ipc_args=--smoke ;; *) ipc_args= ;; esac
exec /usr/bin/python3 bench/ipc.py --build build --floor "$bench_build/bench/appd-bench-ipc-floor" $ipc_args
