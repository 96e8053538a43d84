#!/bin/sh
# install-deps.sh: install the Debian 12 packages Causerie needs to build,
# run and test. Idempotent and quiet; run as root (or through sudo).
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

PACKAGES="
  meson ninja-build pkg-config gcc gettext itstool
  clang libclang-rt-14-dev
  libglib2.0-dev libglib2.0-bin libjson-glib-dev libsoup-3.0-dev
  libsqlite3-dev sqlite3 libsodium-dev libcurl4-openssl-dev
  libgtk-4-dev libadwaita-1-dev libsecret-1-dev
  libgdk-pixbuf-2.0-dev webp-pixbuf-loader
  desktop-file-utils appstream
  libgtk-4-bin librsvg2-bin librsvg2-common
  xvfb xauth dbus dbus-x11 at-spi2-core gnome-keyring
  python3-pyatspi python3-gi xdotool imagemagick
  python3-websockets python3-requests python3-aiosmtpd
  nginx
  redis-server postgresql-15 libpq-dev libhiredis-dev liburing-dev clamav-daemon
  fonts-noto-color-emoji
"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

if [ -z "$missing" ]; then
  echo "install-deps: all build and test dependencies are present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
