#!/bin/sh
# ui-e2e.sh: the end-to-end UI test's outer shell: a private X server, a
# private session bus with its own keyring and accessibility bus, and the
# Python driver (ui-e2e.py) that runs the server and two app processes.
# Everything started here is stopped here, by process id.
#   ui-e2e.sh SERVER_BINARY APP_BINARY SCHEMA_DIR DRIVER.py
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

if [ "${CAUSERIE_E2E_INNER:-}" = "1" ]; then
  # Inside the private session bus.
  printf 'e2e-keyring' | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
  keyring=$!
  /usr/libexec/at-spi-bus-launcher --launch-immediately >/dev/null 2>&1 &
  atspi=$!
  status=0
  /usr/bin/python3 "$@" || status=$?
  # The bus launcher starts its own dbus-daemon and registry; stop them
  # with it so nothing outlives the test.
  for child in $(pgrep -P "$atspi" 2>/dev/null || true); do
    kill "$child" 2>/dev/null || true
  done
  kill "$atspi" "$keyring" 2>/dev/null || true
  exit $status
fi

server=$1; app=$2; schemas=$3; driver=$4

for tool in Xvfb dbus-run-session xdotool import gnome-keyring-daemon; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool missing"; exit 77; }
done
[ -x /usr/libexec/at-spi-bus-launcher ] || { echo "SKIP: at-spi2-core missing"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/causerie-e2e-XXXXXX")
xvfb=""
cleanup () {
  if [ -n "$xvfb" ]; then kill "$xvfb" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# Xvfb picks a free display and writes its number to fd 3.
exec 3>"$tmp/display"
Xvfb -displayfd 3 -screen 0 2100x760x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
exec 3>&-
tries=0
until [ -s "$tmp/display" ]; do
  tries=$((tries + 1))
  [ "$tries" -le 100 ] || { echo "Xvfb did not start"; exit 1; }
  sleep 0.1
done

export DISPLAY=":$(cat "$tmp/display")"
export GSK_RENDERER=cairo GTK_A11Y=atspi GSETTINGS_BACKEND=memory NO_AT_BRIDGE=0
export GSETTINGS_SCHEMA_DIR=$schemas LANGUAGE=C LC_ALL=C.UTF-8
export HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" XDG_CACHE_HOME="$tmp/cache"
export CAUSERIE_ARTIFACTS=${CAUSERIE_ARTIFACTS:-$(cd "$(dirname "$0")/.." && pwd)/artifacts}
mkdir -p "$HOME" "$XDG_CACHE_HOME" "$CAUSERIE_ARTIFACTS"
mkdir -m 700 -p "$XDG_RUNTIME_DIR"

CAUSERIE_E2E_INNER=1 dbus-run-session -- "$0" "$driver" "$server" "$app" "$tmp"
