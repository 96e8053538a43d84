#!/bin/sh
# encode-symbolic.sh: render one symbolic SVG to a .symbolic.png of one size
# at a path of our choosing (gtk4-encode-symbolic-svg always names its output
# after the input, in a directory, so sizes would overwrite each other).
# Usage: encode-symbolic.sh ENCODER INPUT.svg SIZE OUTPUT.symbolic.png
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$1" -o "$tmp" "$2" "${3}x${3}"
mv "$tmp"/*.symbolic.png "$4"
