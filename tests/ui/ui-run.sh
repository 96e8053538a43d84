#!/bin/sh
# ui-run.sh: run the causerie app under Xvfb on a private session bus with
# the accessibility bus, drive it with a Python AT-SPI script, and keep a
# screenshot in tests/artifacts/ (look at it).
#   ui-run.sh CAUSERIE_BINARY SCHEMA_DIR SCRIPT.py SHOT_NAME [APP ARGS...]
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
app=$1; schemas=$2; script=$3; shot=$4; shift 4

for tool in Xvfb dbus-run-session xdotool import; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool missing"; exit 77; }
done

artifacts=${CAUSERIE_ARTIFACTS:-$(dirname "$0")/../artifacts}
mkdir -p "$artifacts"
tmp=$(mktemp -d)
display=:$((100 + $$ % 400))

Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
sleep 1

export DISPLAY=$display GSK_RENDERER=cairo GTK_A11Y=atspi GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR=$schemas XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config
export XDG_CACHE_HOME=$tmp/cache NO_AT_BRIDGE=0 LANGUAGE=C LC_ALL=C.UTF-8

dbus-run-session -- sh -c '
  /usr/libexec/at-spi-bus-launcher --launch-immediately >/dev/null 2>&1 &
  sleep 1
  "$0" "$@" >"'"$tmp"'/app.log" 2>&1 &
  app=$!
  status=0
  /usr/bin/python3 "'"$script"'" "$(basename "$0")" || status=$?
  import -window root "'"$artifacts/$shot"'" || true
  kill $app 2>/dev/null || true
  [ $status -eq 0 ] || cat "'"$tmp"'/app.log"
  exit $status
' "$app" "$@"
