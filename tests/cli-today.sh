#!/bin/sh
# cli-today.sh: `shegong today` on the demo database: the count line, the
# groups, one item a line (date, record id, what to do), a referral
# waiting for the station; a bad --date refused with status 2.
set -u
bin=${SHEGONG_BIN:-src/shegong}
dir=$(mktemp -d "${TMPDIR:-/tmp}/shegong-clitoday-XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB
"$bin" --demo --db "$dir" --as anning today >"$dir/out" 2>"$dir/err" || fail "today exited $?: $(cat "$dir/err")"
head -1 "$dir/out" | grep -q '^To do today: [0-9][0-9]* (overdue [0-9][0-9]*)$' || fail "no count line: $(head -1 "$dir/out")"
n=$(head -1 "$dir/out" | sed 's/^To do today: \([0-9]*\).*/\1/')
items=$(grep -c '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]	[a-z]*-[0-9a-f]*-[0-9]*	.' "$dir/out")
[ "$n" = "$items" ] || fail "count $n, but $items item lines"
# an item's id is a record the worker can show
id=$(grep -m1 '^[0-9]\{4\}-' "$dir/out" | cut -f2)
if [ -n "$id" ]; then
  "$bin" --demo --db "$dir" --as anning show "$id" >/dev/null 2>&1 || fail "show $id failed"
fi
# in Chinese, the groups' headings
LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 "$bin" --demo --db "$dir" --as anning today >"$dir/zh" 2>&1 ||
  fail "today in Chinese exited $?"
grep -q '^今日待办 [0-9]* 项（逾期 [0-9]*）$' "$dir/zh" || fail "no Chinese count: $(head -1 "$dir/zh")"
# the station, a long time ahead
"$bin" --demo --db "$dir" --as panlian today --date 2099-01-01 >"$dir/late" 2>&1 || fail "today --date exited $?"
# far ahead every open referral is overdue: none is listed as today's
grep -q '^Overdue$' "$dir/late" || grep -q '^To do today: 0 ' "$dir/late" || fail "no overdue group in 2099: $(cat "$dir/late")"
# a bad date, an operand: usage errors
"$bin" --demo --db "$dir" --as anning today --date 2026-02-30 >/dev/null 2>&1
[ $? -eq 2 ] || fail "a bad --date was not refused with 2"
"$bin" --demo --db "$dir" --as anning today now >/dev/null 2>&1
[ $? -eq 2 ] || fail "an operand was not refused with 2"
# check-forms reads the visits file: a wrong line and an unknown category
forms=${SHEGONG_FORMSDIR:-$(dirname "$0")/../forms}
mkdir "$dir/forms" && cp "$forms"/choices "$forms"/*.form "$forms"/*.fields "$dir/forms/"
"$bin" check-forms "$forms" >"$dir/out" 2>&1 || fail "check-forms on the shipped forms: $(cat "$dir/out")"
grep -q '^visits: [0-9]* categories' "$dir/out" || fail "check-forms says nothing of the visits"
printf 'elder_alone month\nleft_behind fortnightly\n' >"$dir/forms/visits"
"$bin" check-forms "$dir/forms" >"$dir/out" 2>"$dir/err"
[ $? -eq 1 ] || fail "a wrong visits line was not refused"
grep -q 'visits, line 2' "$dir/err" || fail "the wrong line is not named: $(cat "$dir/err")"
printf 'elder_alone month\nelder_alon quarter\n' >"$dir/forms/visits"
"$bin" check-forms "$dir/forms" >"$dir/out" 2>"$dir/err"
[ $? -eq 1 ] || fail "an unknown category was not refused"
grep -q '"elder_alon"' "$dir/err" || fail "the unknown category is not named: $(cat "$dir/err")"
# today says which line of the visits file is wrong
printf 'elder_alone month\nleft_behind\n' >"$dir/forms/visits"
SHEGONG_FORMSDIR="$dir/forms" "$bin" --demo --db "$dir" --as anning today >"$dir/out" 2>"$dir/err"
[ $? -eq 1 ] || fail "today with a wrong visits line did not fail"
grep -q 'visits, line 2' "$dir/err" || fail "today does not name the line: $(cat "$dir/err")"
echo "PASS: cli-today"
