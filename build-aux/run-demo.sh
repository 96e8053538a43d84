#!/bin/sh
# run-demo.sh: on a fresh Debian 12 machine, install what Causerie needs,
# build it, start a local causerie-server with the demo workspace in the
# background, and open the desktop app signed in to it as Alice. Closing
# the app stops the server. Safe to run again: the demo data is kept.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD_DIR:-_build-demo}
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
data=${CAUSERIE_DEMO_DIR:-$data_home/causerie-server-demo}
listen=${CAUSERIE_LISTEN:-127.0.0.1:8787}
user=${CAUSERIE_DEMO_USER:-alice@demo.causerie.org}

./build-aux/install-deps.sh
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --buildtype=debugoptimized >/dev/null
fi
ninja -C "$build" >/dev/null

case $build in
  /*) ;;
  *) build="$top/$build" ;;
esac
server="$build/src/server/causerie-server"
app="$build/src/client/ui/causerie"

healthy () {
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
    "http://$listen/healthz" >/dev/null 2>&1
}

"$server" --data-dir "$data" demo
echo

if healthy; then
  echo "Something already answers on http://$listen: stop it, or set CAUSERIE_LISTEN." >&2
  exit 1
fi

log="$data/server.log"
"$server" --data-dir "$data" serve --listen "$listen" >>"$log" 2>&1 &
server_pid=$!
stop_server () {
  if kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    echo "Stopped causerie-server."
  fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

tries=0
until healthy; do
  tries=$((tries + 1))
  if [ "$tries" -gt 100 ] || ! kill -0 "$server_pid" 2>/dev/null; then
    echo "causerie-server did not start; see $log" >&2
    exit 1
  fi
  sleep 0.1
done
echo "causerie-server is serving the demo on http://$listen (log: $log)."

if [ ! -x "$app" ]; then
  echo "The desktop app was not built (GTK 4 / libadwaita missing?)." >&2
  echo "The server keeps running; press Ctrl+C to stop it."
  wait "$server_pid"
  exit 0
fi

# The demo client keeps its own profile (cache, drafts, saved session) so
# it never touches a real account's; CAUSERIE_PASSWORD signs in the first
# time, later runs restore the saved session.
echo "Opening Causerie as $user; closing the window stops the server."
status=0
CAUSERIE_DATA_DIR="$data_home/causerie-demo-client" \
GSETTINGS_SCHEMA_DIR="$build/data" \
CAUSERIE_PASSWORD=causerie-demo \
  "$app" --server "http://$listen" --organisation demo --email "$user" || status=$?
exit $status
