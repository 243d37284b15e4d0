#!/bin/sh
# cli-synopsis.sh: the command table, --help and the man page agree.
# Every command --help lists (from the table in src/cli.c) is in the man
# page's SYNOPSIS with the same options, and the man page lists no
# command or option the table does not; every option a synopsis names
# is one its command's parser takes (not "unknown option").
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
man=${SHEGONG_MAN:-$(dirname "$0")/../man/shegong.1}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-synopsis-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "FAIL - $1"; }
export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB

# the table: "  VERB ..." lines under "Commands:", one a command
"$bin" --help >"$tmp/help" || no "--help runs"
sed -n '/^Commands:/,/^$/p' "$tmp/help" | grep '^  [a-z]' | sed 's/^  //' >"$tmp/table"
[ -s "$tmp/table" ] || no "the help lists commands"

# the man page's SYNOPSIS, one block a command (blocks end at .br)
awk '/^\.SH SYNOPSIS/{on=1; next} /^\.SH/{on=0} on' "$man" | sed 's/\\-/-/g' |
  awk 'BEGIN{b=""} /^\.br/{print b; b=""; next} {b=b" "$0} END{if (b!="") print b}' >"$tmp/man"
verb_of() { # a man block: the word after ".B shegong" (and global options)
  sed 's/\.B shegong//; s/\[\\fB--db\\fR \\fIDIR\\fR\]//g; s/\[\\fB--demo\\fR\]//g; s/\[\\fB--as\\fR \\fILOGIN\\fR\]//g' |
    grep -o '\.BR\{0,1\} [a-z-]*' | head -1 | sed 's/^\.BR\{0,1\} //'
}
opts_of() { grep -o -- '--[a-z][a-z-]*' | grep -v -x -e --db -e --demo -e --as | sort -u | tr '\n' ' '; }

: >"$tmp/manverbs"
while IFS= read -r block; do
  v=$(printf '%s\n' "$block" | verb_of)
  [ -n "$v" ] || continue
  if [ "$v" = help ]; then echo help >>"$tmp/manverbs"; echo version >>"$tmp/manverbs"; continue; fi
  echo "$v" >>"$tmp/manverbs"
  printf '%s\n' "$block" >>"$tmp/man.$v"
done <"$tmp/man"
sort -u "$tmp/manverbs" -o "$tmp/manverbs"
cut -d' ' -f1 "$tmp/table" | sort -u >"$tmp/tableverbs"
if cmp -s "$tmp/manverbs" "$tmp/tableverbs"; then ok "the man page's SYNOPSIS has the table's commands"
else no "the man page's SYNOPSIS and the table name different commands:"; diff "$tmp/tableverbs" "$tmp/manverbs" | sed 's/^/    /'; fi

while read -r v; do
  [ -f "$tmp/man.$v" ] || continue
  want=$(grep "^$v\( \|\$\)" "$tmp/table" | opts_of)
  got=$(opts_of <"$tmp/man.$v")
  if [ "$want" = "$got" ]; then ok "$v: the same options ($want)"
  else no "$v: the table says \"$want\", the man page \"$got\""; fi
done <"$tmp/tableverbs"

# every option a synopsis names is known to its command's parser
"$bin" --demo --db "$tmp/demo" </dev/null >/dev/null 2>&1
while IFS= read -r line; do
  v=${line%% *}
  # "referral list [...] | referral new ...": one segment a step
  printf '%s\n' "$line" | sed "s/ | $v / \\n$v /g" | while IFS= read -r seg; do
    second=$(printf '%s\n' "$seg" | cut -d' ' -f2)
    steps=""
    if printf '%s' "$second" | grep -qx '[a-z|]*' && [ "$second" != "$v" ]; then
      steps=$(printf '%s' "$second" | tr '|' ' ')
    fi
    for o in $(printf '%s\n' "$seg" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
      for s in ${steps:-""}; do
        "$bin" --demo --db "$tmp/demo" --as admin $v $s "$o" </dev/null >/dev/null 2>"$tmp/err"
        if grep -q "unknown option" "$tmp/err"; then no "$v $s $o: the parser does not know it"
        else ok "$v $s $o is known"; fi
      done
    done
  done
done <"$tmp/table" >"$tmp/known"
cat "$tmp/known"
pass=$((pass + $(grep -c '^ok' "$tmp/known")))
fail=$((fail + $(grep -c '^FAIL' "$tmp/known")))

echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
