#!/bin/sh
# cli-tiers.sh: `shegong sync --figures-to` and `--figures`, a township
# server's figures going up to its county server through a file: the demo
# database is 攀莲镇's server; a county database made with init takes the
# file and lists the counts by village and month; the same file twice;
# a file cut short and one altered refused with nothing kept; a
# supervisor, a village worker and a county server that lacks the
# township refused; the usage mistakes.  Then one level up: the county
# writes its figures (its townships' inside) for a city's server made
# with init --city, which refuses them while it lacks the county, refuses
# the township's own file, cut and altered copies, then takes and lists
# them; a county server refuses a county's file.
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

# one level up: the county's figures to its city's server
city="--db $tmp/city"
run 0 "the county writes its figures for the city" $county sync --figures-to "$tmp/cfig.sgx"
has out "Wrote .*cfig.sgx for the city server: the county's figures with its townships', [1-9][0-9]* lines" "it says for whom"
cl=$(sed -n 's/.*townships'"'"', \([0-9]*\) lines.*/\1/p' "$tmp/out")
# the township's lines, and the county's two: "more" (its own) and
# "held" (the township whose file it forwards)
[ "$cl" -eq $((nlines + 2)) ] && ok "the county's file carries its townships' $nlines lines" || no "county lines $cl, township's $nlines"
if grep -q "李红梅\|51042119" "$tmp/cfig.sgx"; then no "a name or an ID number in the county's file"; else ok "no names in the county's file"; fi
run 0 "a city's server" $city init --city 5104 "攀枝花市" --county 510422 "盐边县"
has out "2 org units" "with the city and a county"
run 1 "it lacks 米易县: refused" $city sync --from-file "$tmp/cfig.sgx"
has err "county 510421 of these figures is not a unit of this server" "it says which county to add"
run 0 "the city adds the county" $city unit add 510421 "米易县"
run 1 "a township's own file at the city is refused" $city sync --from-file "$tmp/fig.sgx"
has err "figures of the township 510421100: they go to its county's server" "it says where it goes"
run 1 "the county's file at a county server is refused" $county sync --from-file "$tmp/cfig.sgx"
run 0 "a second county's server" --db "$tmp/county2" init --county 510421 "米易县"
run 1 "the county's file at another county server" --db "$tmp/county2" sync --from-file "$tmp/cfig.sgx"
has err "go to its city's server" "it says the city takes it"
size=$(wc -c <"$tmp/cfig.sgx")
for cut in 0 20 40 $((size / 2)) $((size - 33)) $((size - 1)); do
  head -c "$cut" "$tmp/cfig.sgx" >"$tmp/ccut.sgx"
  run 1 "the county's file cut at $cut bytes is refused" $city sync --from-file "$tmp/ccut.sgx"
done
python3 - "$tmp/cfig.sgx" "$tmp/cbad.sgx" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[len(b) // 3] ^= 4
open(sys.argv[2], 'wb').write(b)
PY
run 1 "an altered county file is refused" $city sync --from-file "$tmp/cbad.sgx"
has err "damaged or cut short" "it says damaged"
run 0 "nothing kept at the city" $city sync --figures
has out "No county's figures" "the city has none yet"
run 0 "the city takes the county's file" $city sync --from-file "$tmp/cfig.sgx"
has out "the figures of county 510421 kept: [1-9][0-9]* lines" "it says whose"
run 0 "the same file twice at the city" $city sync --from-file "$tmp/cfig.sgx"
has out "figures of county 510421: nothing new" "changes nothing"
run 0 "the city lists them" $city sync --figures
has out "^510421	5104211000[0-9][0-9]	20[0-9][0-9]-[0-9][0-9]	need	[1-9]" "the county's villages' needs, through the township"
has out "	service/" "services by function"
n=$(wc -l <"$tmp/out" | tr -d ' ')
[ "$n" -eq "$cl" ] && ok "the city lists $n lines, as many as the county's file" || no "city lines $n, county $cl"
run 0 "the city's audit trail" $city audit
n=$(grep -c "sync-figures" "$tmp/out")
[ "$n" -eq 1 ] && ok "one sync-figures entry at the city" || no "city sync-figures entries: $n"
run 2 "--up with --county" $town --as panlian sync --up host --county host
has err "one of them" "one of them"

run 2 "--figures-to with --from-file" $town --as panlian sync --figures-to "$tmp/x" --from-file "$tmp/fig.sgx"
has err "one thing at a time" "one thing at a time"

echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
