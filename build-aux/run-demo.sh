#!/bin/sh
# run-demo.sh: on a fresh Debian 12 machine, install what Causerie needs,
# build it, and run it on the embedded default: a local causerie-server
# with SQLite and the demo workspace (and the desktop app, when built).
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD_DIR:-_build-demo}
data=${CAUSERIE_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/causerie-server-demo}
listen=${CAUSERIE_LISTEN:-127.0.0.1:8787}

./build-aux/install-deps.sh
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --buildtype=debugoptimized >/dev/null
fi
ninja -C "$build" >/dev/null

server="$build/src/server/causerie-server"
"$server" --data-dir "$data" demo
echo
echo "Starting causerie-server on http://$listen (Ctrl+C stops it)."
exec "$server" --data-dir "$data" serve --listen "$listen"
