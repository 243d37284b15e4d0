#!/bin/sh
# cli-tiers.sh: `shegong sync --figures-to` and `--figures`, a township
# server's figures going up to its county server through a file: the demo
# database is 攀莲镇's server; a county database made with init takes the
# file and lists the counts by village and month; the same file twice;
# a file cut short and one altered refused with nothing kept; a
# supervisor, a village worker and a county server that lacks the
# township refused; the usage mistakes.
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-tiers-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "FAIL - $1"; sed 's/^/    /' "$tmp/out" "$tmp/err" 2>/dev/null; }
run() { # run EXPECTED-STATUS NAME ARGS...
  want=$1 name=$2
  shift 2
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  got=$?
  if [ "$got" -eq "$want" ]; then ok "$name (exit $got)"; else no "$name: exit $got, wanted $want"; fi
}
has() { # has FILE TEXT NAME
  if grep -q -- "$2" "$tmp/$1"; then ok "$3"; else no "$3: no \"$2\" in $1"; fi
}

export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB
export SHEGONG_FORMSDIR=${SHEGONG_FORMSDIR:-$(dirname "$0")/../forms}

town="--demo --db $tmp/town"
county="--db $tmp/county"

run 0 "the township writes its figures" $town --as panlian sync --figures-to "$tmp/fig.sgx"
has out "Wrote .*fig.sgx for the county server: the township's figures, [1-9][0-9]* lines" "it says how many lines"
[ -f "$tmp/fig.sgx" ] && [ ! -f "$tmp/fig.sgx.tmp" ] && ok "the file is there, no .tmp left" || no "the file"
if grep -q "李红梅\|51042119" "$tmp/fig.sgx"; then no "a name or an ID number in the file"; else ok "no names, no ID numbers in it"; fi
run 1 "a village worker writes none" $town --as anning sync --figures-to "$tmp/v.sgx"
has err "township server" "it says who makes them"

run 0 "a county database" $county init --county 510421 "米易县" --township 510421101 "丙谷镇"
run 1 "it lacks 攀莲镇: refused" $county sync --from-file "$tmp/fig.sgx"
has err "510421100 of these figures is not a unit of this server" "it says which township to add"
run 0 "the county adds the township" $county unit add 510421100 "攀莲镇"
cp "$tmp/fig.sgx" "$tmp/cut.sgx"
size=$(wc -c <"$tmp/fig.sgx")
head -c $((size - 7)) "$tmp/fig.sgx" >"$tmp/cut.sgx"
run 1 "a file cut short is refused" $county sync --from-file "$tmp/cut.sgx"
has err "damaged or cut short" "it says the file is damaged"
python3 - "$tmp/fig.sgx" "$tmp/bad.sgx" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[len(b) // 2] ^= 1
open(sys.argv[2], 'wb').write(b)
PY
run 1 "an altered file is refused" $county sync --from-file "$tmp/bad.sgx"
run 0 "nothing kept" $county sync --figures
has out "No township's figures" "the county has none yet"
run 0 "the county takes the file" $county sync --from-file "$tmp/fig.sgx"
has out "the figures of township 510421100 kept: [1-9][0-9]* lines" "it says whose"
run 0 "the same file twice" $county sync --from-file "$tmp/fig.sgx"
has out "nothing new" "changes nothing"
run 0 "the county lists them" $county sync --figures
has out "^510421100	5104211000[0-9][0-9]	20[0-9][0-9]-[0-9][0-9]	need	[1-9]" "needs by village and month"
has out "	service/" "services by function"
nlines=$(wc -l <"$tmp/out" | tr -d ' ')
run 0 "the audit trail has it once" $county audit
n=$(grep -c "sync-figures" "$tmp/out")
[ "$n" -eq 1 ] && ok "one sync-figures entry" || no "sync-figures entries: $n"
[ "$nlines" -gt 3 ] && ok "$nlines lines of figures" || no "lines: $nlines"

run 2 "--figures-to with --from-file" $town --as panlian sync --figures-to "$tmp/x" --from-file "$tmp/fig.sgx"
has err "one thing at a time" "one thing at a time"

echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
