#!/bin/sh
# run-tests.sh: on a fresh Debian 12 machine, install what Causerie needs,
# build it and run every test. Ends with a line "N passed, N failed".
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD_DIR:-_build-tests}

./build-aux/install-deps.sh

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --buildtype=debugoptimized >/dev/null
fi
ninja -C "$build"

# UI tests need a display: run the whole suite under a private X server.
set +e
xvfb-run -a -s "-screen 0 1280x800x24" \
  env GSK_RENDERER=cairo GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 \
  meson test -C "$build" --print-errorlogs --num-processes 2 "$@"
status=$?
set -e

# The server and common code again, built with AddressSanitizer and
# UndefinedBehaviorSanitizer, leak checking on (SANITIZERS=0 skips it).
logs="$build/meson-logs/testlog.json"
if [ "${SANITIZERS:-1}" != 0 ]; then
  asan=${ASAN_BUILD_DIR:-_build-asan}
  set +e
  ASAN_BUILD_DIR="$asan" ./build-aux/run-sanitizers.sh
  asan_status=$?
  set -e
  [ $asan_status -eq 0 ] || status=$asan_status
  if [ -f "$asan/meson-logs/testlog.json" ]; then
    logs="$logs $asan/meson-logs/testlog.json"
  else
    echo "run-tests: the sanitizer build did not run its tests"
    status=1
  fi
fi

# meson's own summary is not read by CI: count from its JSON logs.
# shellcheck disable=SC2086
/usr/bin/python3 - $logs <<'PY'
import json, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            r = json.loads(line).get("result")
            if r in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif r == "SKIP":
                skipped += 1
            else:
                failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
