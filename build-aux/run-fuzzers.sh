#!/bin/sh
# run-fuzzers.sh: runs each libFuzzer harness of tests/fuzz for some
# minutes, one after the other, from its committed seed corpus.
#   build-aux/run-fuzzers.sh [MINUTES] [HARNESS...]   (default: 5, all)
# Builds _build-fuzz with clang (-Dfuzzing=true) when needed. New inputs go
# to _build-fuzz/corpus/<harness>, not to the committed corpus; crashes to
# _build-fuzz/crashes/<harness>/. Exits non-zero if any harness crashed.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

cd "$(dirname "$0")/.."
minutes=${1:-5}
[ $# -gt 0 ] && shift
harnesses=${*:-json validate mention sniff ws}
build=_build-fuzz

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dclient=false -Dfuzzing=true --buildtype=debugoptimized
fi
ninja -C "$build" $(for h in $harnesses; do printf 'tests/fuzz/fuzz-%s ' "$h"; done)

status=0
for h in $harnesses; do
  corpus="$build/corpus/$h"
  crashes="$build/crashes/$h"
  mkdir -p "$corpus" "$crashes"
  dict=""
  case $h in json|ws) dict="-dict=tests/fuzz/json.dict" ;; esac
  echo "run-fuzzers: fuzz-$h for $minutes minute(s)"
  # shellcheck disable=SC2086
  if ! G_DEBUG=fatal-criticals \
       ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
       "$build/tests/fuzz/fuzz-$h" -max_total_time=$((minutes * 60)) -print_final_stats=1 \
         -artifact_prefix="$crashes/" $dict "$corpus" "tests/fuzz/corpus/$h" 2>"$build/fuzz-$h.log"; then
    status=1
    echo "run-fuzzers: fuzz-$h FAILED; see $build/fuzz-$h.log and $crashes/"
  fi
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$build/fuzz-$h.log" || true
  echo "run-fuzzers: corpus $(ls "$corpus" | wc -l) inputs"
done
exit $status
