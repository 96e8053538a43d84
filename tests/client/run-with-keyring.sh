#!/bin/sh
# run-with-keyring.sh: runs a test inside a private D-Bus session with its
# own gnome-keyring (Secret Service), HOME and XDG directories, so tokens
# go to a throw-away keyring and never to a file left behind.
# Usage: run-with-keyring.sh COMMAND [ARGS...]
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

if [ "${CC_KEYRING_INNER:-}" != "1" ]; then
  CC_KEYRING_INNER=1 exec dbus-run-session -- "$0" "$@"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/causerie-keyring-XXXXXX")
keyring_pid=""
cleanup () {
  if [ -n "$keyring_pid" ]; then kill "$keyring_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT
export HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/run"
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
mkdir -m 700 -p "$XDG_RUNTIME_DIR"

# A fresh login keyring, unlocked with a throw-away password.
printf 'test-keyring' | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
keyring_pid=$!

tries=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; do
  tries=$((tries + 1))
  if [ "$tries" -gt 100 ]; then
    echo "run-with-keyring: gnome-keyring-daemon did not start" >&2
    exit 1
  fi
  sleep 0.1
done

"$@"
