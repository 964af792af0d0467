#!/bin/sh
# Installs dependencies, builds, and runs the whole test suite (unit, bus
# and gui labels; bus and gui tests make their own private session bus and
# Xvfb display).
set -eu
cd "$(dirname "$0")/.."
./scripts/build.sh
cd build
# What tests leave in their temporary folders stays in the build tree.
rm -rf test-tmp
mkdir -p test-tmp
TMPDIR="$(pwd)/test-tmp"
export TMPDIR
ctest --output-on-failure --timeout 600 "$@"
