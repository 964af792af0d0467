#!/bin/sh
# Builds appd and opens the demo app (examples/hello) in a real window.
#
# - With a display ($DISPLAY or $WAYLAND_DISPLAY), the window opens there and
#   this waits until you close it.
# - Without one, the window opens on a private Xvfb display, a screenshot is
#   saved to build/demo.png, and the app is quit.
# If no appd owns org.appd.Appd1 on the session bus, one is started on a
# private bus for the length of the demo.
set -eu
cd "$(dirname "$0")/.."
./scripts/build.sh
exec ./scripts/demo-session.sh
