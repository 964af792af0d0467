#!/bin/sh
# Installs dependencies, builds, and runs the whole test suite (unit, bus
# and gui labels; bus and gui tests make their own private session bus and
# Xvfb display).
set -eu
cd "$(dirname "$0")/.."
./scripts/build.sh
cd build
ctest --output-on-failure --timeout 600 "$@"
