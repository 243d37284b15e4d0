#!/bin/sh
# cli-rollup.sh: a county's report of its townships' figures, over files:
# the demo database is 攀莲镇's server, it writes its figures (sync
# --figures-to); a county database made with init takes them (sync
# --from-file); the county's `report --supervision` shows a row for each
# of the township's villages and its subtotal, equal, figure by figure,
# to the township's own report of the month and of the quarter, for
# every figure of the report (the file carries them all), with where
# they came from; the plain report has their columns; a worker of
# another township on the county server does not see them.
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-rollup-XXXXXX")
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
same() { # same GOT WANT NAME
  if [ "$1" = "$2" ]; then ok "$3 ($1)"; else no "$3: got \"$1\", wanted \"$2\""; fi
}

export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB
export SHEGONG_FORMSDIR=${SHEGONG_FORMSDIR:-$(dirname "$0")/../forms}
town="--demo --db $tmp/town"
county="--db $tmp/county"
# cell FILE CODE FIGURE [SOURCE]: the cell of the row of a code (whose
# last column starts with SOURCE, when given) under a figure's header
cell() {
  awk -F '\t' -v s="$2" -v f="$3" -v src="${4:-}" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == f) c = i; next }
    $2 == s && c && (src == "" || index($NF, src) == 1) { print $c }' "$1"
}
carried="Services: Needs assessment|Services: Social assistance|Services: Care for the elderly and the young|Services: Community governance|Services: Resource linking|Services: Livelihood development|Services: All services|Needs opened|People served: Needs assessment|People served: Care for the elderly and the young|People served: All services|Volunteer hours|Needs met|Referrals made|Referrals resolved|Days to resolve, median|Days to resolve, mean|Organisations being cultivated|Volunteers active"

run 0 "the township writes its figures" $town --as panlian sync --figures-to "$tmp/fig.sgx"
run 0 "a county database" $county init --county 510421 "米易县" --township 510421101 "丙谷镇"
run 0 "the county adds the township" $county unit add 510421100 "攀莲镇"
run 0 "and one of its villages, by name" $county unit add 510421100001 "安宁村"
run 0 "a worker of 丙谷镇 on the county server" $county user add binggu --role township \
  --unit 510421101 --name "王社工"
run 0 "the plain report before any figures came" $county report --month 2026-01
cp "$tmp/out" "$tmp/before"
run 0 "the county takes the file" $county sync --from-file "$tmp/fig.sgx"
run 0 "the county lists them" $county sync --figures
# hours and the median in the listing as the report shows them (hours,
# days), not as the file holds them (hundredths, the median plus one)
for w in r/hours p/median; do
  same "$(awk -F '\t' -v w=$w '$4 == w { n++; if ($5 !~ /^[0-9]+\.[0-9][0-9]$/) bad++ }
    END { print (n > 0 && !bad) ? "all N.NN" : n + 0 " rows, " bad + 0 " not N.NN" }' "$tmp/out")" \
    "all N.NN" "the listing's $w in whole units, two decimals"
done
# the month with the most services, and its quarter
month=$(awk -F '\t' '$4 ~ /^service\// { n[$3] += $5 } END { for (m in n) print n[m], m }' "$tmp/out" |
  sort -rn | head -1 | cut -d' ' -f2)
case $month in
????-0[1-3]) q=1 ;; ????-0[4-6]) q=2 ;; ????-0[7-9]) q=3 ;; *) q=4 ;;
esac
quarter=$(echo "$month" | cut -c1-4)-Q$q
today=$(date +%Y-%m-%d)

for period in "--month $month" "--quarter $quarter"; do
  # shellcheck disable=SC2086
  run 0 "the township's own table, $period" $town --as panlian report --supervision $period
  cp "$tmp/out" "$tmp/t"
  # shellcheck disable=SC2086
  run 0 "the county's table, $period" $county report --supervision $period
  cp "$tmp/out" "$tmp/c"
  same "$(head -1 "$tmp/c" | awk -F '\t' '{ print $NF }')" "Source" "the last column says where from"
  same "$(awk -F '\t' '{ print NF }' "$tmp/c" | sort -u | wc -l | tr -d ' ')" 1 "every row as wide as the header"
  villages=$(awk -F '\t' 'NR > 1 && length($2) == 12 { print $2 }' "$tmp/t")
  same "$(echo "$villages" | wc -l | tr -d ' ')" 3 "the township has three villages"
  for v in $villages; do
    same "$(cell "$tmp/c" "$v" Source figures)" "figures of $today" "$v: from the figures made today"
    echo "$carried" | tr '|' '\n' | while read -r f; do
      same "$(cell "$tmp/c" "$v" "$f" figures)" "$(cell "$tmp/t" "$v" "$f")" "$period $v $f"
    done >"$tmp/log"
    cat "$tmp/log"
    pass=$((pass + $(grep -c '^ok' "$tmp/log"))) fail=$((fail + $(grep -c '^FAIL' "$tmp/log")))
  done
  # the subtotal: the township's own total; the total: the one township's
  echo "$carried" | tr '|' '\n' | while read -r f; do
    same "$(cell "$tmp/c" 510421100 "$f" figures)" "$(cell "$tmp/t" 510421100 "$f")" "$period subtotal $f"
    same "$(awk -F '\t' -v f="$f" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == f) c = i; next }
      $NF == "figures received" { print $c }' "$tmp/c")" "$(cell "$tmp/t" 510421100 "$f")" "$period total $f"
  done >"$tmp/log"
  cat "$tmp/log"
  pass=$((pass + $(grep -c '^ok' "$tmp/log"))) fail=$((fail + $(grep -c '^FAIL' "$tmp/log")))
  n=$(cell "$tmp/t" 510421100 "Services: All services")
  [ "$n" -gt 0 ] && ok "$period: $n services in the township's total" || no "no services in $period"
  # the subtotal is the sum of the villages and the township's own
  sum=$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "Services: All services") c = i; next }
    length($2) == 12 && index($NF, "figures") == 1 { s += $c } END { print s + 0 }' "$tmp/c")
  [ "$sum" -le "$n" ] && ok "$period: the villages' $sum within the subtotal's $n" || no "villages $sum > $n"
done
same "$(awk -F '\t' '$2 == "510421100001" && $NF ~ /^figures/ { print $1 }' "$tmp/c")" "安宁村" \
  "a village the county knows: by its name"
same "$(awk -F '\t' '$2 == "510421100002" { print $1 }' "$tmp/c")" "510421100002" \
  "a village the county lacks: by its code"
same "$(awk -F '\t' '$2 == "510421100" { print $1 }' "$tmp/c")" "攀莲镇 subtotal" "the subtotal's row"
same "$(awk -F '\t' 'NR > 1 { print $NF }' "$tmp/c" | sort -u | head -1)" "figures of $today" \
  "the township's rows marked"
same "$(awk -F '\t' '$1 == "Total" { print $NF }' "$tmp/c")" "this database" "the local total marked"

# the plain report: the township's columns after the county's own
run 0 "the plain report, $month" $county report --month "$month"
head -1 "$tmp/out" >"$tmp/h"
grep -q "	攀莲镇 subtotal (figures of $today)	" "$tmp/h" && ok "a subtotal column" || no "no subtotal column"
same "$(head -1 "$tmp/out" | awk -F '\t' '{ print $NF }')" "Total of the figures received" "the last column"
"$bin" $town --as panlian report --month "$month" --by total >"$tmp/t"
same "$(awk -F '\t' '$1 == "Services: All services" { print $NF }' "$tmp/out")" \
  "$(awk -F '\t' '$1 == "Services: All services" { print $NF }' "$tmp/t")" "the total of all services"
for f in "Needs met" "Volunteer hours" "People served: All services" "Days to resolve, median"; do
  same "$(awk -F '\t' -v f="$f" '$1 == f { print $NF }' "$tmp/out")" \
    "$(awk -F '\t' -v f="$f" '$1 == f { print $NF }' "$tmp/t")" "the total: $f"
done
run 0 "--xlsx too" $county report --month "$month" --xlsx "$tmp/r.xlsx"
[ -s "$tmp/r.xlsx" ] && ok "the xlsx written" || no "no xlsx"
# a period with no figures: the township's columns, zero
run 0 "a month with none" $county report --supervision --month 2001-01
same "$(cell "$tmp/out" 510421100 "Services: All services" figures)" 0 "nothing in 2001-01"

# the worker of another township sees none of 攀莲镇's
run 0 "丙谷镇's worker on the county server" $county --as binggu report --supervision --month "$month"
if grep -q "510421100" "$tmp/out"; then no "攀莲镇's rows shown to 丙谷镇"; else ok "none of 攀莲镇's rows"; fi
# the township's own server has none from below: its table unchanged
run 0 "the township's table" $town --as panlian report --supervision --month "$month"
same "$(head -1 "$tmp/out" | awk -F '\t' '{ print $NF }')" "Volunteers active" "no Source column there"

LC_ALL=zh_CN.UTF-8 LANG=zh_CN.UTF-8 "$bin" $county report --supervision --month "$month" >"$tmp/out" 2>"$tmp/err"
grep -q "攀莲镇小计" "$tmp/out" && ok "the subtotal said in Chinese" || no "not in Chinese"

# one level up: the county forwards the township's figures to its city,
# whose table shows the township's villages as the township's own does
city="--db $tmp/city"
run 0 "the county writes its figures for the city" $county sync --figures-to "$tmp/cfig.sgx"
run 0 "a city's server" $city init --city 5104 "攀枝花市" --county 510421 "米易县"
run 0 "the city takes the county's file" $city sync --from-file "$tmp/cfig.sgx"
run 0 "the township's own table" $town --as panlian report --supervision --month "$month"
cp "$tmp/out" "$tmp/t"
run 0 "the city's table" $city report --supervision --month "$month"
cp "$tmp/out" "$tmp/c"
for v in $villages 510421100; do
  w=$v
  [ "$v" = 510421100 ] && w=510421 # the county's subtotal: its one township's total
  echo "$carried" | tr '|' '\n' | while read -r f; do
    same "$(cell "$tmp/c" "$w" "$f" figures)" "$(cell "$tmp/t" "$v" "$f")" "the city: $w $f"
  done >"$tmp/log"
  cat "$tmp/log"
  pass=$((pass + $(grep -c '^ok' "$tmp/log"))) fail=$((fail + $(grep -c '^FAIL' "$tmp/log")))
done

# an older township file (the counts alone, made later than the one
# kept): the county takes it, forwards it, and both show "—" for what it
# lacks, never 0, and still the services
python3 - "$tmp/fig.sgx" "$tmp/old.sgx" <<'PY'
import hashlib, struct, sys
b = open(sys.argv[1], 'rb').read()[:-32]
at = 16 + 4 + 8
made = struct.unpack('>q', b[at:at + 8])[0]
head = bytearray(b[:at]) + struct.pack('>q', made + 60)
at += 8
def s(at):
    n = struct.unpack('>H', b[at:at + 2])[0]
    return b[at + 2:at + 2 + n], at + 2 + n
town, at = s(at)
n = struct.unpack('>I', b[at:at + 4])[0]
at += 4
rows = []
for _ in range(n):
    start = at
    unit, at = s(at)
    month, at = s(at)
    what, at = s(at)
    at += 8
    if what in (b'need', b'referral', b'volunteer') or what.startswith((b'service/', b'hours/')):
        rows.append(b[start:at])
out = head + struct.pack('>H', len(town)) + town + struct.pack('>I', len(rows)) + b''.join(rows)
open(sys.argv[2], 'wb').write(out + hashlib.sha256(out).digest())
PY
run 0 "the county takes the older file" $county sync --from-file "$tmp/old.sgx"
has() { grep -q "$2" "$tmp/out" && ok "$3" || no "$3: no \"$2\" in $(head -c 300 "$tmp/out")"; }
has out "kept" "it keeps it"
sleep 1 # the county's next file: made a second later than its last
run 0 "the county forwards it" $county sync --figures-to "$tmp/cfig2.sgx"
run 0 "the city takes it" $city sync --from-file "$tmp/cfig2.sgx"
run 0 "the county's table" $county report --supervision --month "$month"
cp "$tmp/out" "$tmp/c"
run 0 "the city's table" $city report --supervision --month "$month"
cp "$tmp/out" "$tmp/y"
v=$(echo "$villages" | head -1)
for f in "People served: All services" "Volunteer hours" "Needs met" "Referrals resolved" "Days to resolve, mean" "Organisations being cultivated" "Volunteers active"; do
  same "$(cell "$tmp/c" "$v" "$f" figures)" "—" "the county, older file: $v $f"
  same "$(cell "$tmp/c" 510421100 "$f" figures)" "—" "the county, older file: subtotal $f"
  same "$(cell "$tmp/y" "$v" "$f" figures)" "—" "the city, older file: $v $f"
  same "$(cell "$tmp/y" 510421 "$f" figures)" "—" "the city, older file: the county's subtotal $f"
  same "$(awk -F '\t' -v f="$f" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == f) c = i; next }
    $NF == "figures received" { print $c }' "$tmp/y")" "—" "the city, older file: the total $f"
done
for f in "Services: All services" "Needs opened"; do
  same "$(cell "$tmp/y" "$v" "$f" figures)" "$(cell "$tmp/t" "$v" "$f")" "the city, older file: $v $f still"
done

echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
