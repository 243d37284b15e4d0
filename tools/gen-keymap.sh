#!/bin/sh
# gen-keymap.sh: write the key map into README.md and man/shegong.1 from
# the program's key table (src/keys.c), through tools/keymap, which the
# build makes.  Run from the top of the tree after changing the table;
# tests/keymap.sh fails until it has been run.
#   tools/gen-keymap.sh [KEYMAP-PROGRAM]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$top/tools/keymap}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-keymap-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# splice FILE BEGIN-MARK END-MARK TABLE: the lines between the marks
# become TABLE's
splice() {
  B=$2 E=$3 T=$4 awk '
    BEGIN { b = ENVIRON["B"]; e = ENVIRON["E"]; t = ENVIRON["T"] }
    index($0, b) == 1 { print; while ((getline l < t) > 0) print l; skip = 1; next }
    index($0, e) == 1 { skip = 0 }
    !skip' "$1" >"$tmp/out"
  E=$3 awk 'index($0, ENVIRON["E"]) == 1 { f = 1 } END { exit !f }' "$tmp/out" ||
    { echo "gen-keymap: no marks in $1" >&2; exit 1; }
  cat "$tmp/out" >"$1"
}

"$bin" >"$tmp/md"
"$bin" --man >"$tmp/man"
splice "$top/README.md" "<!-- keymap:" "<!-- end keymap -->" "$tmp/md"
splice "$top/man/shegong.1" '.\" keymap:' '.\" end keymap' "$tmp/man"
