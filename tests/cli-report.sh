#!/bin/sh
# cli-report.sh: `shegong report` on the demo database: the table's shape
# (a header row, one row a figure, a column a village and the total, tabs),
# by village for a supervisor and a township worker and the total alone for
# a village worker; the needs figures against what `find` lists (opened in
# a month, met now), a quarter as the sum of its months, the referrals made
# against `referral list`; one village; the XLSX file read back (openpyxl)
# with the same figures; Chinese labels and a GB18030 terminal; refusals.
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-report-XXXXXX")
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
python=python3
for p in ${PYTHON:-} python3 /usr/bin/python3; do
  if "$p" -c 'import openpyxl' 2>/dev/null; then python=$p; break; fi
done

export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB
demo="$tmp/demo"
"$bin" --demo --db "$demo" >/dev/null 2>&1 </dev/null
sg() { "$bin" --demo --db "$demo" "$@"; }
# fig FILE LABEL COLUMN: the cell of a figure's row (column 1 is the label)
fig() { awk -F '\t' -v l="$2" -v c="$3" '$1 == l { print $c }' "$1"; }
month=$(date +%Y-%m)
year=$(date +%Y)

# --- the supervisor: every village of the county, by village ---------------------
run 0 "the supervisor's report for 2026-05" --demo --db "$demo" --as dudao report --month 2026-05
cp "$tmp/out" "$tmp/dudao"
same "$(wc -l <"$tmp/dudao" | tr -d ' ')" 23 "a header row and 22 figures"
same "$(awk -F '\t' '{ print NF }' "$tmp/dudao" | sort -u)" 11 "every row: the label, 9 villages, the total"
same "$(head -1 "$tmp/dudao")" "$(printf '2026-05\t安宁村\t挂榜村\t龙华社区\t新山村\t双沟村\t芭蕉箐村\t草场村\t丰收村\t麻陇村\tTotal')" \
  "the header: the period, the villages in code order, Total"
same "$(sed -n 2p "$tmp/dudao" | cut -f1)" "Services: Needs assessment" "the first figure"
same "$(tail -1 "$tmp/dudao" | cut -f1)" "Organisations being cultivated" "the last figure"

# needs opened in May, against the needs find lists with a May date
sg --as admin find need "" --limit 100000 >"$tmp/needs"
want=$(cut -f2 "$tmp/needs" | grep -c '^2026-05-')
same "$(fig "$tmp/dudao" "Needs opened" 11)" "$want" "needs opened in May: the total is what find lists"
sum=$(awk -F '\t' '$1 == "Needs opened" { s = 0; for (i = 2; i <= 10; i++) s += $i; print s }' "$tmp/dudao")
same "$sum" "$want" "needs opened: the villages add up to the total"

# the quarter is the sum of its months
sg --as dudao report --quarter 2026-Q2 >"$tmp/q2"
q=0
for m in 04 05 06; do
  sg --as dudao report --month 2026-$m >"$tmp/m$m"
  q=$((q + $(fig "$tmp/m$m" "Needs opened" 11)))
done
same "$(fig "$tmp/q2" "Needs opened" 11)" "$q" "needs opened in 2026-Q2: April, May and June"
same "$(head -1 "$tmp/q2" | cut -f1)" "2026-Q2" "the quarter names itself"

# needs met: the demo's needs were all saved now, so the met ones count this month
run 0 "this month unless told" --demo --db "$demo" --as dudao report
cp "$tmp/out" "$tmp/now"
same "$(head -1 "$tmp/now" | cut -f1)" "$month" "the period is this month"
want=$(sg --as admin find need "" --status met --limit 100000 | wc -l | tr -d ' ')
same "$(fig "$tmp/now" "Needs met" 11)" "$want" "needs met this month: every need find lists as met"

# referrals made: the demo's submitted dates, from referral list --all
sg --as dudao referral list --all >"$tmp/refs"
for p in $(cut -f3 "$tmp/refs" | cut -c1-7 | sort -u | grep "^$year-"); do
  want=$(cut -f3 "$tmp/refs" | grep -c "^$p-")
  got=$(sg --as dudao report --month "$p" | awk -F '\t' '$1 == "Referrals made" { print $NF }')
  same "$got" "$want" "referrals made in $p"
done

# --- a township worker: the township's villages ----------------------------------------
sg --as panlian report --month 2026-05 >"$tmp/panlian"
same "$(head -1 "$tmp/panlian")" "$(printf '2026-05\t安宁村\t挂榜村\t龙华社区\tTotal')" \
  "a township worker: its three villages and the total"
same "$(fig "$tmp/panlian" "Needs opened" 2)" "$(fig "$tmp/dudao" "Needs opened" 2)" \
  "the same village, the same figure for the township and the supervisor"
run 0 "--by total" --demo --db "$demo" --as panlian report --month 2026-05 --by total
same "$(head -1 "$tmp/out")" "$(printf '2026-05\tTotal')" "--by total: the total alone"

# --- a village worker: their village ---------------------------------------------------
sg --as anning report --month 2026-05 >"$tmp/anning"
same "$(head -1 "$tmp/anning")" "$(printf '2026-05\tTotal')" "a village worker: the total (one village)"
same "$(fig "$tmp/anning" "Needs opened" 2)" "$(fig "$tmp/dudao" "Needs opened" 2)" \
  "the village worker's total is their village's column"
sg --as anning report --month 2026-05 --by village >"$tmp/anning2"
same "$(head -1 "$tmp/anning2")" "$(printf '2026-05\t安宁村\tTotal')" "--by village: their village and the total"
run 1 "a village outside one's reach" --demo --db "$demo" --as anning report --village 510421100002
grep -q "not in your reach" "$tmp/err" && ok "it says so" || no "no reason given"
run 0 "one village in reach" --demo --db "$demo" --as dudao report --month 2026-05 --village 510421100002
same "$(head -1 "$tmp/out")" "$(printf '2026-05\tTotal')" "--village: the one village's figures"
same "$(fig "$tmp/out" "Needs opened" 2)" "$(fig "$tmp/dudao" "Needs opened" 3)" "the figure of its column"

# --- XLSX ----------------------------------------------------------------------------
run 0 "--xlsx" --demo --db "$demo" --as dudao report --month 2026-05 --xlsx "$tmp/r.xlsx"
grep -q "r.xlsx" "$tmp/out" && ok "the file is named" || no "the file is not named"
if "$python" -c '
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
rows = [[c if c is not None else "" for c in r] for r in ws.iter_rows(values_only=True)]
tsv = [l.rstrip("\n").split("\t") for l in open(sys.argv[2], encoding="utf-8")]
assert rows == tsv, (rows[:3], tsv[:3])
' "$tmp/r.xlsx" "$tmp/dudao" >"$tmp/out" 2>"$tmp/err"; then
  ok "the XLSX file holds the table, cell for cell"
else
  no "the XLSX file differs from the table"
fi
[ ! -e "$tmp/r.xlsx.tmp" ] && ok "no temporary file left" || no "r.xlsx.tmp left"

# --- Chinese, and a GB18030 terminal -------------------------------------------------------
LC_ALL=zh_CN.UTF-8 LANG=zh_CN.UTF-8 sg --as dudao report --month 2026-05 >"$tmp/zh"
grep -q "需求评估" "$tmp/zh" && ok "the labels in Chinese" || no "no Chinese label"
same "$(fig "$tmp/zh" "$(sed -n 17p "$tmp/zh" | cut -f1)" 11)" "$(fig "$tmp/dudao" "Needs opened" 11)" \
  "the same figures in Chinese"
LC_ALL=zh_CN.GB18030 LANG=zh_CN.GB18030 sg --as dudao report --month 2026-05 >"$tmp/gb"
iconv -f GB18030 -t UTF-8 "$tmp/gb" >"$tmp/gb8" && ok "GB18030 output decodes" || no "not GB18030"
cmp -s "$tmp/gb8" "$tmp/zh" && ok "the GB18030 table is the UTF-8 one" || no "the GB18030 table differs"

# --- a seventh service form: its file and its choice line, nothing else ---------------
forms=${SHEGONG_FORMSDIR:-$(dirname "$0")/../forms}
forms7="$tmp/forms7"
mkdir "$forms7"
cp "$forms"/* "$forms7/"
awk '{ print } /^  livelihood / { print "  mediation    Mediation" }' "$forms/choices" >"$forms7/choices"
cat >"$forms7/service_mediation.form" <<'EOF'
form     service_mediation
title    Service: mediation
kind     service
version  1
list     date beneficiaries content

include  service

field function
  default   mediation
  readonly  yes
EOF
demo7="$tmp/demo7"
"$bin" --demo --db "$demo7" >/dev/null 2>&1 </dev/null
printf 'date,work_kind,content\n2026-05-10,visit,调解邻里纠纷\n2026-05-12,visit,调解宅基地纠纷\n2026-05-20,community,调解会\n' >"$tmp/mediation.csv"
printf 'date,work_kind,content,target\n2026-05-11,visit,上门探访,elder_alone\n2026-05-13,visit,陪同就医,elder_alone\n' >"$tmp/care.csv"
export SHEGONG_FORMSDIR="$forms7"
run 0 "mediation services imported with the seventh form" \
  --demo --db "$demo7" --as anning import service "$tmp/mediation.csv" --form service_mediation --encoding utf-8
run 0 "care services imported beside them" \
  --demo --db "$demo7" --as anning import service "$tmp/care.csv" --form service_care --encoding utf-8
run 0 "the report with the seventh form" --demo --db "$demo7" --as dudao report --month 2026-05
cp "$tmp/out" "$tmp/seven"
export SHEGONG_FORMSDIR="$forms"
same "$(fig "$tmp/seven" "Services: Mediation" 2)" 3 "the seventh function's row: its village"
same "$(fig "$tmp/seven" "Services: Mediation" 11)" 3 "the seventh function's row: the total"
same "$(grep -n '^Services: Mediation' "$tmp/seven" | cut -d: -f1)" 8 "after the six, as in choices"
same "$(fig "$tmp/seven" "People served: Mediation" 11)" 0 "its people served (none named)"
same "$(fig "$tmp/seven" "Services: All services" 11)" 5 "in all services"
same "$(fig "$tmp/seven" "Services: Care for the elderly and the young" 11)" 2 "care beside it"
same "$(grep -c 'Other functions' "$tmp/seven")" 0 "no other function"
same "$(wc -l <"$tmp/seven" | tr -d ' ')" 25 "a header row and 24 figures"
run 0 "the report with the six forms" --demo --db "$demo7" --as dudao report --month 2026-05
cp "$tmp/out" "$tmp/six"
same "$(fig "$tmp/six" "Services: Other functions" 11)" 3 "the six forms alone: the mediations are another function"
same "$(sed -n 2,7p "$tmp/six")" "$(sed -n 2,7p "$tmp/seven")" "the six functions' rows the same either way"

# --- refusals --------------------------------------------------------------------------
run 2 "a month that is not one" --demo --db "$demo" --as dudao report --month 2026-13
run 2 "a quarter given as a month" --demo --db "$demo" --as dudao report --month 2026-Q1
run 2 "a quarter that is not one" --demo --db "$demo" --as dudao report --quarter 2026-Q5
run 2 "two periods" --demo --db "$demo" --as dudao report --month 2026-01 --quarter 2026-Q1
run 2 "--by something else" --demo --db "$demo" --as dudao report --by worker
run 2 "--village not a village's code" --demo --db "$demo" --as dudao report --village 510421100
run 1 "--village no village has" --demo --db "$demo" --as dudao report --village 510421100009
run 2 "an unknown option" --demo --db "$demo" --as dudao report --year 2026

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
