#!/bin/sh
# bench-province.sh: the province generator of bench/feed.sh (bench/province.c)
# at scale 0.001: three township databases of the numbers it says, each
# passing `shegong check` (indexes and audit trail), and --change
# changing what it says.  The bench itself is not a test (make bench-feed).
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
gen=$(dirname "$bin")/../bench/bench-province
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "FAIL - $1"; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-province-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB
"$gen" 0.001 "$tmp/p" >"$tmp/out" 2>&1 && ok "made at scale 0.001" || no "made: $(cat "$tmp/out")"
want="total: 1 cities, 1 counties, 3 townships, 30 villages; 8766 records: 36 units, 3000 residents, 900 needs, 4500 services, 150 referrals, 180 volunteers"
[ "$(tail -n 1 "$tmp/out")" = "$want" ] && ok "the numbers it says" || no "numbers: $(tail -n 1 "$tmp/out")"
n=0
for d in "$tmp"/p/5*; do
  n=$((n + 1))
  "$bin" --db "$d" check >"$tmp/chk" 2>&1 </dev/null && ok "$(basename "$d") checks" ||
    no "$(basename "$d"): $(head -5 "$tmp/chk")"
done
[ "$n" -eq 3 ] && ok "three sites" || no "$n sites"
d=$(ls -d "$tmp"/p/5* | head -n 1)
[ "$("$gen" --change 10 "$d")" = "10 records changed (5 needs met, 5 new services)" ] && ok "--change 10" ||
  no "--change 10"
"$bin" --db "$d" check >"$tmp/chk" 2>&1 </dev/null && ok "still checks after --change" ||
  no "after --change: $(head -5 "$tmp/chk")"
"$gen" 0 "$tmp/q" >/dev/null 2>&1
[ $? -eq 2 ] && ok "scale 0 refused" || no "scale 0 not refused"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
