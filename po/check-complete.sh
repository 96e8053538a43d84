#!/bin/sh
# check-complete.sh SRCDIR LANG...: fails unless every po/LANG.po passes
# msgfmt --check, has no untranslated or fuzzy message, and holds every
# message the sources have today (a template is extracted afresh, so a
# string added to the code without a translation fails too).
# Run by `meson test --suite po`.
# SPDX-License-Identifier: GPL-3.0-or-later
srcdir=$1; shift
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
(cd "$srcdir" && xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ \
    --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 \
    --keyword=g_dpgettext2:2c,3 --files-from=po/POTFILES.in \
    -o "$tmp/causerie.pot") || { echo "xgettext failed"; exit 1; }
for lang in "$@"; do
  po="$srcdir/po/$lang.po"
  stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1) || {
    echo "$po: msgfmt --check failed:"; echo "$stats"; status=1; continue; }
  echo "$lang.po: $stats"
  case "$stats" in
    *untranslated*|*fuzzy*) echo "$po: not every message is translated"; status=1 ;;
  esac
  # Messages in the sources that the .po file does not have yet.
  LC_ALL=C msgmerge --quiet --no-fuzzy-matching -o "$tmp/$lang.po" "$po" "$tmp/causerie.pot" || status=1
  stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$tmp/$lang.po" 2>&1)
  case "$stats" in
    *untranslated*|*fuzzy*)
      echo "$lang.po is behind the sources ($stats): run ninja -C BUILDDIR causerie-update-po and translate"
      status=1 ;;
  esac
done
exit $status
