#!/bin/sh
# cli-supervise.sh: `shegong report --supervision`, one site a row and one
# figure a column, on the demo database with services and needs imported
# into a month the demo leaves empty: the services of each function, the
# volunteer hours and the volunteers active (each once), the needs opened,
# against what was imported; the referrals' turnaround against the dates
# `referral show` gives; the sites a supervisor, a township worker and a
# village worker see; the refusals.
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-supervise-XXXXXX")
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
demo="$tmp/demo"
"$bin" --demo --db "$demo" >/dev/null 2>&1 </dev/null
sg() { "$bin" --demo --db "$demo" "$@"; }
# cell FILE SITE FIGURE: the cell of a site's row under a figure's header
cell() {
  awk -F '\t' -v s="$2" -v f="$3" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == f) c = i; next }
    $1 == s && c { print $c }' "$1"
}

# --- a month the demo leaves empty, filled with known records ---------------------
sg --as anning find volunteer "" >"$tmp/vols"
v1=$(sed -n 1p "$tmp/vols" | cut -f1)
v2=$(sed -n 2p "$tmp/vols" | cut -f1)
r1=$(sg --as anning find resident "" --limit 1 | cut -f1)
{
  echo 'date,work_kind,content,volunteers,target'
  echo "2025-03-03,visit,上门探访,\"$v1:2,$v2:1.5\",elder_alone"
  echo "2025-03-10,visit,陪同就医,$v1:3,elder_alone"
  echo "2025-04-02,visit,四月探访,$v2:4,elder_alone"
} >"$tmp/care.csv"
printf 'date,work_kind,content\n2025-03-12,visit,入户评估\n' >"$tmp/assess.csv"
{
  echo 'who,resident,date,channel,service,description'
  echo "resident,$r1,2025-03-05,visit,care,需要陪同就医"
  echo "resident,$r1,2025-03-20,phone,assistance,需要临时救助"
} >"$tmp/needs.csv"
run 0 "care services imported" --demo --db "$demo" --as anning import service "$tmp/care.csv" \
  --form service_care --encoding utf-8
run 0 "an assessment imported" --demo --db "$demo" --as anning import service "$tmp/assess.csv" \
  --form service_assessment --encoding utf-8
run 0 "needs imported" --demo --db "$demo" --as anning import need "$tmp/needs.csv" --encoding utf-8

run 0 "the supervisor's table for 2025-03" --demo --db "$demo" --as dudao report --supervision --month 2025-03
cp "$tmp/out" "$tmp/dudao"
same "$(wc -l <"$tmp/dudao" | tr -d ' ')" 11 "a header row, nine villages, the total"
same "$(head -1 "$tmp/dudao" | cut -f1-4)" "$(printf 'Site\tCode\tPeriod\tServices: Needs assessment')" \
  "the header: the site, its code, the period, then the figures"
same "$(head -1 "$tmp/dudao" | awk -F '\t' '{ print $NF }')" "Volunteers active" "the last figure"
same "$(awk -F '\t' '{ print NF }' "$tmp/dudao" | sort -u | wc -l | tr -d ' ')" 1 "every row as wide as the header"
same "$(sed -n 2p "$tmp/dudao" | cut -f1-3)" "$(printf '安宁村\t510421100001\t2025-03')" "the first village"
same "$(tail -1 "$tmp/dudao" | cut -f1-3)" "$(printf 'Total\t510421\t2025-03')" "the total, the county's code"
a=安宁村
same "$(cell "$tmp/dudao" $a "Services: Care for the elderly and the young")" 2 "care services in March"
same "$(cell "$tmp/dudao" $a "Services: Needs assessment")" 1 "assessments in March"
same "$(cell "$tmp/dudao" $a "Services: All services")" 3 "all services in March"
same "$(cell "$tmp/dudao" $a "Volunteer hours")" 6.5 "volunteer hours: 2 + 1.5 + 3"
same "$(cell "$tmp/dudao" $a "Volunteers active")" 2 "volunteers active: two, the one in two services once"
same "$(cell "$tmp/dudao" $a "Needs opened")" 2 "needs opened in March"
same "$(cell "$tmp/dudao" 挂榜村 "Services: All services")" 0 "another village: none"
same "$(cell "$tmp/dudao" Total "Services: All services")" 3 "the total's services"
same "$(cell "$tmp/dudao" Total "Volunteers active")" 2 "the total's volunteers active"
sg --as dudao report --supervision --quarter 2025-Q2 >"$tmp/q2"
same "$(cell "$tmp/q2" $a "Volunteers active")" 1 "April's one volunteer, in 2025-Q2"
same "$(cell "$tmp/q2" $a "Volunteer hours")" 4 "April's hours, in 2025-Q2"

# organisations being cultivated: against the organisations find lists
sg --as admin find org "" --limit 100000 >"$tmp/orgs"
same "$(cell "$tmp/dudao" Total "Organisations being cultivated")" \
  "$(grep -c '	Being cultivated	' "$tmp/orgs")" "organisations being cultivated: as find lists them"

# --- referrals: each sent, each answered, and the days between ---------------------------
sg --as dudao referral list --all >"$tmp/refs"
for p in $(cut -f3 "$tmp/refs" | cut -c1-7 | sort -u); do
  sg --as dudao report --supervision --month "$p" >"$tmp/m"
  same "$(cell "$tmp/m" Total "Referrals made")" "$(cut -f3 "$tmp/refs" | grep -c "^$p-")" \
    "referrals made in $p"
done
# the answered ones: their dates from referral show, the days worked out here
: >"$tmp/days"
for id in $(cut -f1 "$tmp/refs"); do
  sg --as dudao referral show "$id" >"$tmp/show"
  s=$(sed -n 's/^Submitted on: //p' "$tmp/show")
  r=$(sed -n 's/^Resolved on: //p' "$tmp/show")
  [ -n "$s" ] && [ -n "$r" ] || continue
  echo "$(printf '%s' "$r" | cut -c1-7) $(( ($(date -u -d "$r" +%s) - $(date -u -d "$s" +%s)) / 86400 ))" >>"$tmp/days"
done
[ -s "$tmp/days" ] && ok "the demo has answered referrals" || no "no answered referral"
for p in $(cut -d' ' -f1 "$tmp/days" | sort -u); do
  sg --as dudao report --supervision --month "$p" >"$tmp/m"
  same "$(cell "$tmp/m" Total "Referrals resolved")" "$(grep -c "^$p " "$tmp/days")" "referrals answered in $p"
  want=$(awk -v p="$p" '$1 == p { s += $2; n++ } END { printf "%g", s / n }' "$tmp/days")
  same "$(cell "$tmp/m" Total "Days to resolve, mean")" "$want" "the mean days in $p"
  want=$(awk -v p="$p" '$1 == p { print $2 }' "$tmp/days" | sort -n |
    awk '{ v[NR] = $1 } END { if (NR % 2) printf "%g", v[(NR + 1) / 2]; else printf "%g", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  same "$(cell "$tmp/m" Total "Days to resolve, median")" "$want" "the median days in $p"
done
same "$(cell "$tmp/dudao" $a "Days to resolve, median")" "-" "no referral answered: no days"

# --- the sites each worker sees ----------------------------------------------------------
sg --as panlian report --supervision --month 2025-03 >"$tmp/panlian"
same "$(cut -f1 "$tmp/panlian" | tr '\n' ' ')" "Site 安宁村 挂榜村 龙华社区 Total " "a township worker: its villages and its total"
same "$(sed -n 2p "$tmp/panlian")" "$(sed -n 2p "$tmp/dudao")" "the same village's row as the supervisor's"
sg --as anning report --supervision --month 2025-03 >"$tmp/anning"
same "$(cut -f1 "$tmp/anning" | tr '\n' ' ')" "Site 安宁村 " "a village worker: their village alone"
same "$(sed -n 2p "$tmp/anning")" "$(sed -n 2p "$tmp/dudao")" "the village worker's row as the supervisor's"
run 0 "a village worker asks for another village's" --demo --db "$demo" --as anning report --supervision
same "$(cut -f1 "$tmp/out" | tr '\n' ' ')" "Site 安宁村 " "still their village alone"

# --- refusals ------------------------------------------------------------------------------
run 2 "a month that is not one" --demo --db "$demo" --as dudao report --supervision --month 2025-13
grep -q "2025-13" "$tmp/err" && ok "it names the bad month" || no "the bad month not named"
run 2 "a quarter that is not one" --demo --db "$demo" --as dudao report --supervision --quarter 2025-Q5
run 2 "with --xlsx" --demo --db "$demo" --as dudao report --supervision --xlsx "$tmp/x.xlsx"
[ ! -e "$tmp/x.xlsx" ] && ok "no file written" || no "a file written"
LC_ALL=zh_CN.UTF-8 LANG=zh_CN.UTF-8 "$bin" --demo --db "$demo" --as dudao report --supervision \
  --month 2025-13 >"$tmp/out" 2>"$tmp/err"
grep -q "月份" "$tmp/err" && ok "the bad month said in Chinese" || no "not said in Chinese"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
