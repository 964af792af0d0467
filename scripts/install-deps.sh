#!/bin/sh
# Installs every Debian 12 package that building, testing and running the
# demo need. Idempotent: a second run installs nothing new.
set -eu

SUDO=
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
fi

PACKAGES="
build-essential cmake ninja-build pkg-config
libglib2.0-dev libgtk-4-dev libwebkitgtk-6.0-dev libsystemd-dev
libsqlite3-dev libjson-glib-dev libnode-dev libuv1-dev nodejs
systemd dbus dbus-daemon xvfb xauth x11-utils xdotool imagemagick openbox
bubblewrap xdg-dbus-proxy procps stress-ng
gjs python3-gi gir1.2-gtk-4.0 gir1.2-webkit-6.0
xclip x11-xserver-utils libx11-dev libxrandr-dev
xdg-desktop-portal xdg-desktop-portal-gtk dconf-gsettings-backend gsettings-desktop-schemas libglib2.0-bin
notification-daemon xdg-utils desktop-file-utils
"

missing=
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

# libnode-dev needs Debian's own nodejs; a third-party nodejs (for example
# 20.x from another repository) conflicts with it and must be replaced by
# the version Debian ships.
debian_node=
cur_node=$(dpkg-query -W -f='${Version}' nodejs 2>/dev/null || true)
case "$cur_node" in
    *nodesource*|2[0-9].*) debian_node=yes ;;
esac

if [ -z "$missing" ] && [ -z "$debian_node" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
if [ -n "$debian_node" ]; then
    v=$(apt-cache madison nodejs | awk '$3 ~ /deb12|dfsg/ {print $3; exit}')
    echo "install-deps: replacing nodejs $cur_node with Debian's $v"
    $SUDO apt-get install -y -q --allow-downgrades "nodejs=$v" libnode-dev
fi
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $PACKAGES
