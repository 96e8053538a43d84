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

# meson's own summary is not read by CI: count from its JSON log.
/usr/bin/python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
with open(sys.argv[1]) as f:
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
