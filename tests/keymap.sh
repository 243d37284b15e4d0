#!/bin/sh
# keymap.sh: the key map in README.md and man/shegong.1 is the one the
# key table makes (tools/keymap); tools/gen-keymap.sh writes it there.
set -u
top=${srcdir:-$(dirname "$0")/..}
bin=${SHEGONG_KEYMAP:-$(dirname "$0")/../tools/keymap}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-keymap-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0

# between FILE BEGIN END: the lines between the marks
between() {
  B=$2 E=$3 awk 'BEGIN { b = ENVIRON["B"]; e = ENVIRON["E"] }
    index($0, e) == 1 { on = 0 } on; index($0, b) == 1 { on = 1 }' "$1"
}

"$bin" >"$tmp/md" || { echo "FAIL - tools/keymap runs"; exit 1; }
"$bin" --man >"$tmp/man" || { echo "FAIL - tools/keymap --man runs"; exit 1; }
grep -q '^| F2 | Ctrl-S |' "$tmp/md" || { echo "FAIL - the table has F2"; fail=1; }
between "$top/README.md" "<!-- keymap:" "<!-- end keymap -->" >"$tmp/readme"
between "$top/man/shegong.1" '.\" keymap:' '.\" end keymap' >"$tmp/manpage"
if cmp -s "$tmp/md" "$tmp/readme"; then echo "ok - README.md's key map"; else
  echo "FAIL - README.md's key map is not the table's: run tools/gen-keymap.sh"
  diff "$tmp/md" "$tmp/readme"; fail=1; fi
if cmp -s "$tmp/man" "$tmp/manpage"; then echo "ok - shegong.1's key map"; else
  echo "FAIL - shegong.1's key map is not the table's: run tools/gen-keymap.sh"
  diff "$tmp/man" "$tmp/manpage"; fail=1; fi
exit $fail
