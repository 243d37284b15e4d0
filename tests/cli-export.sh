#!/bin/sh
# cli-export.sh: `shegong export` on the demo database, each file read back
# by an independent reader (python3's openpyxl for XLSX, its csv module and
# iconv for CSV): headers, one row for each record `find` lists, ID numbers
# as text with all 18 characters, a name outside the BMP intact, masked for
# the supervisor, one village for a village worker; names in pinyin order
# (the order find lists them in); GB18030 that decodes to
# the UTF-8 export, the BOM, the filters by date, village and form; the
# audit entry; refusals (exit 2 for what was typed wrong, 1 for a file that
# cannot be written) that leave no file behind.
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-export-XXXXXX")
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
# The reader: python3 with openpyxl (Debian python3-openpyxl; a python3
# earlier on PATH without it, such as a pyenv one, is passed over).  No
# skipping: without it the XLSX checks fail.
python=python3
for p in ${PYTHON:-} python3 /usr/bin/python3; do
  if "$p" -c 'import openpyxl' 2>/dev/null; then python=$p; break; fi
done
# py NAME SCRIPT ARGS...: a check written in python3; it prints why when it fails
py() {
  name=$1 script=$2
  shift 2
  if "$python" -c "$script" "$@" >"$tmp/out" 2>"$tmp/err"; then ok "$name"; else no "$name"; fi
}

export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB
demo="$tmp/demo"
"$bin" --demo --db "$demo" >/dev/null 2>&1 </dev/null
sg() { "$bin" --demo --db "$demo" "$@"; }

# --- XLSX, as the administrator -----------------------------------------------
sg --as admin find resident "" --limit 100000 >"$tmp/find-admin"
n=$(wc -l <"$tmp/find-admin")
[ "$n" -gt 100 ] && ok "the demo has $n residents" || no "residents found: $n"
run 0 "export residents to XLSX" --demo --db "$demo" --as admin export resident "$tmp/r.xlsx"
has out "^$n records written to $tmp/r.xlsx" "the count of rows is said"
[ -s "$tmp/err" ] && no "nothing on stderr when it is not a terminal" || ok "no progress when stderr is not a terminal"
[ ! -e "$tmp/r.xlsx.tmp" ] && ok "no temporary file left" || no "r.xlsx.tmp left behind"

# read back: header, the rows of find (id and name), ID numbers as text
check_xlsx='
import sys, re, openpyxl
path, find = sys.argv[1], sys.argv[2]
ws = openpyxl.load_workbook(path).active
rows = list(ws.iter_rows())
head = [c.value for c in rows[0]]
assert head[:4] == ["ID", "Name", "ID number", "Sex"], head
assert "Age" in head and "Village" in head and "Categories" in head, head
want = {}
for line in open(find, encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    want[f[0]] = f[1]
got = {r[0].value: r[1].value for r in rows[1:]}
assert len(rows) - 1 == len(want), (len(rows) - 1, len(want))
assert got == want, [k for k in want if got.get(k) != want[k]][:5]
idcol = head.index("ID number")
ids = [r[idcol] for r in rows[1:] if r[idcol].value]
assert len(ids) * 2 > len(rows), len(ids)
for c in ids:
    assert c.data_type == "s", (c.coordinate, c.data_type)
    assert c.number_format == "@", c.number_format
    assert re.fullmatch(sys.argv[3], c.value), c.value
if len(sys.argv) > 4:  # the whole county: the demo has 𠈌 there
    assert any(ord(ch) > 0xFFFF for v in got.values() for ch in v), "no name outside the BMP"
    assert "\U0002020c" in "".join(got.values()), "no 𠈌"
vcol = head.index("Village")
print(sorted({r[vcol].value for r in rows[1:]}))
'
py "XLSX: header, every resident find lists, ID numbers as text, 𠈌 intact" "$check_xlsx" \
  "$tmp/r.xlsx" "$tmp/find-admin" '[0-9]{17}[0-9X]' rare
has out "挂榜村" "the administrator's export has other villages"

# --- the supervisor sees ID numbers masked --------------------------------------
run 0 "export residents as the supervisor" --demo --db "$demo" --as dudao export resident "$tmp/d.xlsx"
sg --as dudao find resident "" --limit 100000 >"$tmp/find-dudao"
py "supervisor: ID numbers masked, 𠈌 intact" "$check_xlsx" "$tmp/d.xlsx" "$tmp/find-dudao" \
  '[0-9]{6}\*{8}[0-9]{3}[0-9X]' rare
py "supervisor: no full ID number anywhere" '
import sys, re, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
head = [c.value for c in next(ws.iter_rows())]
for r in ws.iter_rows(min_row=2, values_only=True):
    for v in r:
        assert not (isinstance(v, str) and re.search(r"[0-9]{17}[0-9X]", v)), v
    p = r[head.index("Phone")]
    assert p in (None, "(hidden)"), p
' "$tmp/d.xlsx"

# --- a village worker: their village only ---------------------------------------
run 0 "export residents as a village worker" --demo --db "$demo" --as anning export resident "$tmp/a.xlsx"
sg --as anning find resident "" --limit 100000 >"$tmp/find-anning"
na=$(wc -l <"$tmp/find-anning")
has out "^$na records written" "the village worker's count is find's ($na)"
py "village worker: only 安宁村, full ID numbers" "$check_xlsx" "$tmp/a.xlsx" "$tmp/find-anning" \
  '[0-9]{17}[0-9X]'
has out "^\['安宁村'\]$" "every row is in 安宁村"
run 0 "--village keeps one village" --demo --db "$demo" --as admin export resident "$tmp/v.xlsx" \
  --village 510421100001
has out "^$na records written" "--village 510421100001 gives 安宁村's $na"

# --- CSV: GB18030 by default, UTF-8 with a BOM ----------------------------------
run 0 "export residents to CSV (GB18030)" --demo --db "$demo" --as admin export resident "$tmp/r.csv"
run 0 "export residents to CSV (UTF-8)" --demo --db "$demo" --as admin export resident "$tmp/u.csv" --encoding utf-8
[ "$(head -c 3 "$tmp/u.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] && ok "UTF-8 CSV starts with the BOM" ||
  no "no BOM: $(head -c 3 "$tmp/u.csv" | od -An -tx1)"
[ "$(head -c 3 "$tmp/r.csv" | od -An -tx1 | tr -d ' ')" != efbbbf ] && ok "GB18030 CSV has no BOM" || no "BOM in GB18030"
tail -c +4 "$tmp/u.csv" >"$tmp/u-nobom.csv"
if iconv -f GB18030 -t UTF-8 "$tmp/r.csv" >"$tmp/r-utf8.csv" && cmp -s "$tmp/r-utf8.csv" "$tmp/u-nobom.csv"; then
  ok "GB18030 CSV decoded by iconv is the UTF-8 export"
else
  no "GB18030 and UTF-8 exports differ"
fi
cmp -s "$tmp/r.csv" "$tmp/u-nobom.csv" && no "the GB18030 file is UTF-8" || ok "the GB18030 file is not UTF-8"
printf '\360\240\210\214' | iconv -f UTF-8 -t GB18030 >"$tmp/rare.gb"
grep -qF "$(cat "$tmp/rare.gb")" "$tmp/r.csv" && ok "𠈌 is in the GB18030 file, as GB18030" || no "𠈌 missing from the GB18030 file"
py "CSV: RFC 4180 rows, one a resident, ID numbers as =\"...\"" '
import sys, csv, re
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
want = [l.split("\t")[0] for l in open(sys.argv[2], encoding="utf-8")]
assert sorted(r[0] for r in rows[1:]) == sorted(want), "ids differ"
assert all(len(r) == len(rows[0]) for r in rows), "a row has a different number of cells"
i = rows[0].index("ID number")
for r in rows[1:]:
    assert r[i] == "" or re.fullmatch(r"=\"[0-9]{17}[0-9X]\"", r[i]), r[i]
' "$tmp/u.csv" "$tmp/find-admin"

# --- names in pinyin order, as the lists have them -----------------------------
# The reader knows the readings of common surnames itself (何 he, 刘 liu,
# 区 ou as a surname, 吴 wu, 于 yu ...): the rows whose surname it knows come
# in the order of those readings; and the rows come in the order `find`
# lists them (the program's sort index), in the CSV and the XLSX alike.
check_pinyin='
import sys, csv, openpyxl
chars = "安白蔡曹陈程崔邓丁董杜范方冯高郭韩何胡黄蒋金孔李梁林刘罗吕马毛孟潘彭钱秦区任沈史宋苏孙唐田万王魏吴夏肖谢徐许杨叶于袁曾张赵郑钟周朱"
syls = ("an bai cai cao chen cheng cui deng ding dong du fan fang feng gao guo han he hu huang jiang jin kong "
        "li liang lin liu luo lv ma mao meng pan peng qian qin ou ren shen shi song su sun tang tian wan wang "
        "wei wu xia xiao xie xu xu yang ye yu yuan zeng zhang zhao zheng zhong zhou zhu").split()
assert len(chars) == len(syls), (len(chars), len(syls))
readings = dict(zip(chars, syls))
xlsx = [[c.value for c in r] for r in openpyxl.load_workbook(sys.argv[1]).active.iter_rows()]
rows = list(csv.reader(open(sys.argv[2], encoding="utf-8-sig", newline="")))
order = [l.split("\t")[0] for l in open(sys.argv[3], encoding="utf-8")]
assert [r[0] for r in rows[1:]] == order, "the CSV is not in the order find lists"
assert [r[0] for r in xlsx[1:]] == order, "the XLSX is not in the order find lists"
known = [(readings[r[1][0]], r[1]) for r in rows[1:] if r[1] and r[1][0] in readings]
surnames = {n[0] for _, n in known}
assert len(surnames) >= 5, "too few known surnames to tell: %s" % sorted(surnames)
for (a, x), (b, y) in zip(known, known[1:]):
    assert a <= b, "%s (%s) before %s (%s)" % (x, a, y, b)
print(len(known), "names of", len(surnames), "surnames in pinyin order")
'
py "CSV and XLSX: names in pinyin order, as find lists them" "$check_pinyin" \
  "$tmp/r.xlsx" "$tmp/u.csv" "$tmp/find-admin"

# --- needs and services: dates, forms -----------------------------------------
run 0 "export needs" --demo --db "$demo" --as admin export need "$tmp/n.csv" --encoding utf-8
nn=$(sed -n 's/^\([0-9]*\) records.*/\1/p' "$tmp/out")
d=$("$python" -c '
import sys, csv
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
i = rows[0].index("Date taken")
days = sorted(r[i] for r in rows[1:])
lo, hi = days[len(days) // 4], days[len(days) // 2]
print(lo, hi, sum(lo <= x <= hi for x in days))
' "$tmp/n.csv")
set -- $d
run 0 "export needs --since $1 --until $2" --demo --db "$demo" --as admin export need "$tmp/n2.csv" \
  --since "$1" --until "$2"
has out "^$3 records written" "the date filter keeps the $3 needs taken in those days"
run 0 "a range before any record" --demo --db "$demo" --as admin export resident "$tmp/none.csv" --until 2000-01-01
has out "^0 records written" "nothing made before 2000"
# (the demo has no services: check-export.c exports them, one form and all)
run 0 "export all services" --demo --db "$demo" --as admin export service "$tmp/s.csv" --encoding utf-8
head -c 20 "$tmp/s.csv" | grep -q 'ID,Form,' && ok "services: a column names each row's form" || no "no Form column"
run 0 "export one service form" --demo --db "$demo" --as admin export service "$tmp/c.csv" --form service_care --encoding utf-8
head -c 20 "$tmp/c.csv" | grep -q 'ID,Function,' && ok "one form: its own fields, no Form column" || no "header of one form: $(head -c 40 "$tmp/c.csv")"

# --- the audit trail ---------------------------------------------------------
run 0 "the audit trail" --demo --db "$demo" --as dudao audit --worker admin
has out "	export	.*res: $n records to $tmp/r.xlsx" "the export is logged with kind, count and file"
run 0 "the supervisor's export too" --demo --db "$demo" --as dudao audit --worker dudao
has out "	export	.*res: .* records to $tmp/d.xlsx" "the supervisor's export is logged"

# --- refusals ------------------------------------------------------------------
run 2 "an unknown kind" --demo --db "$demo" --as admin export frobnicate "$tmp/x.csv"
has err "frobnicate" "the kind is named"
run 2 "a date that is no day" --demo --db "$demo" --as admin export resident "$tmp/x.csv" --since 2026-02-30
run 2 "a date in another shape" --demo --db "$demo" --as admin export resident "$tmp/x.csv" --until 15/03/2026
run 2 "an unknown option" --demo --db "$demo" --as admin export resident "$tmp/x.csv" --bogus 1
run 2 "an unknown format" --demo --db "$demo" --as admin export resident "$tmp/x.csv" --format ods
run 2 "a file without .xlsx or .csv and no --format" --demo --db "$demo" --as admin export resident "$tmp/x.txt"
run 2 "--encoding for XLSX" --demo --db "$demo" --as admin export resident "$tmp/x.xlsx" --encoding utf-8
run 2 "--form of another kind" --demo --db "$demo" --as admin export service "$tmp/x.csv" --form resident
run 2 "a bad village code" --demo --db "$demo" --as admin export resident "$tmp/x.csv" --village 5104
run 1 "a village that does not exist" --demo --db "$demo" --as admin export resident "$tmp/x.csv" --village 510421100099
run 0 "--format csv whatever the name" --demo --db "$demo" --as admin export resident "$tmp/x.txt" --format csv
[ ! -e "$tmp/x.csv" ] && [ ! -e "$tmp/x.xlsx" ] && ok "no file from a refusal" || no "a refusal left a file"
run 1 "a folder that does not exist" --demo --db "$demo" --as admin export resident "$tmp/nowhere/r.xlsx"
has err "No file was written" "the failure says no file was written"
[ ! -e "$tmp/nowhere" ] && ok "nothing made" || no "something made"
mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
if [ "$(id -u)" -ne 0 ]; then
  run 1 "a folder that cannot be written" --demo --db "$demo" --as admin export resident "$tmp/ro/r.csv"
else
  # root writes anywhere: a file in the way of FILE.tmp does it
  mkdir "$tmp/ro/r.csv.tmp"
  run 1 "a temporary file that cannot be made" --demo --db "$demo" --as admin export resident "$tmp/ro/r.csv"
  rmdir "$tmp/ro/r.csv.tmp"
fi
[ -z "$(ls "$tmp/ro")" ] && ok "no half file left" || no "left: $(ls "$tmp/ro")"
chmod 755 "$tmp/ro"

echo "cli-export.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
