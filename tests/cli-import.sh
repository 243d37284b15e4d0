#!/bin/sh
# cli-import.sh: `shegong import` on the demo database, end to end: a
# GB18030 file as Excel on a Chinese Windows writes it, imported by the
# village worker of 安宁村 and found again; the same file again (every row
# a duplicate) and with --update; a row for another village refused; a bad
# file: nothing imported, each fault with its row and column, then
# --skip-bad and the file of bad rows (GB18030, with its error column);
# UTF-8 with a BOM; --encoding utf-8 on a GB18030 file refused; the audit
# entry; exit status 2 for what was typed wrong.
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-import-XXXXXX")
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
hasnt() { # hasnt FILE TEXT NAME
  if grep -q -- "$2" "$tmp/$1"; then no "$3: \"$2\" in $1"; else ok "$3"; fi
}
has() { # has FILE TEXT NAME
  if grep -Eq -- "$2" "$tmp/$1"; then ok "$3"; else no "$3: no \"$2\" in $1"; fi
}
# counts WANT NAME: the summary's first four numbers (imported, updated,
# bad, duplicates), whichever language the account speaks
counts() {
  got=$(sed -n 's/^[^0-9]*\([0-9][0-9]*\)[^0-9]*\([0-9][0-9]*\)[^0-9]*\([0-9][0-9]*\)[^0-9]*\([0-9][0-9]*\).*/\1 \2 \3 \4/p' "$tmp/out" | head -1)
  if [ "$got" = "$1" ]; then ok "$2"; else no "$2: counts \"$got\", wanted \"$1\""; fi
}
# row N: the row as a message names it (English or Chinese)
row() { echo "(row $1|第 $1 行)"; }
lacks() { # lacks FILE TEXT NAME
  if grep -q -- "$2" "$tmp/$1"; then no "$3: \"$2\" in $1"; else ok "$3"; fi
}

export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB
demo="$tmp/demo"
"$bin" --demo --db "$demo" >/dev/null 2>&1 </dev/null
sg() { "$bin" --demo --db "$demo" "$@"; }

# gen FILE ENCODING ROW...: a CSV (CR LF) from rows of fields separated by
# '|'; ID numbers written as ID(YYYYMMDD,SEQ) get their check character
gen() {
  file=$1 enc=$2
  shift 2
  python3 - "$file" "$enc" "$@" <<'PY'
import sys, csv, io, re
def idnum(m):
    s = "510421" + m.group(1) + "%03d" % int(m.group(2))
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return s + "10X98765432"[sum(int(a) * b for a, b in zip(s, w)) % 11]
out = io.StringIO()
wr = csv.writer(out, lineterminator="\r\n")
for row in sys.argv[3:]:
    wr.writerow([re.sub(r"ID\((\d{8}),(\d+)\)", idnum, c) for c in row.split("|")])
data = out.getvalue()
enc = sys.argv[2]
raw = ("\ufeff" + data).encode("utf-8") if enc == "utf-8-bom" else data.encode(enc)
open(sys.argv[1], "wb").write(raw)
PY
}

head='姓名|身份证号|性别|出生日期|电话|村(社区)|人员类别|住址'

# --- a good GB18030 file, by the village worker --------------------------------
gen "$tmp/good.csv" gb18030 "$head" \
  "𠈌导入甲|ID(19800101,501)|男|1980-01-01|13800138001|安宁村|低保,独居老人|安宁村1组, 3号" \
  "导入乙|ID(19810202,502)|女|1981/2/2||安宁村||\"老屋\", 后院"
run 0 "import a GB18030 file" --demo --db "$demo" --as anning import resident "$tmp/good.csv"
counts "2 0 0 0" "two imported"
[ -s "$tmp/err" ] && no "nothing on stderr when it is not a terminal" || ok "no progress when stderr is not a terminal"
sg --as anning find resident 𠈌导入 >"$tmp/out" 2>&1
sg --as anning find resident 导入乙 >>"$tmp/out" 2>&1
has out "𠈌导入甲" "the name outside the BMP is found"
has out "导入乙" "the second row is found"
sg --as admin audit >"$tmp/out" 2>&1
has out "import.*good.csv: 2 new" "the import is in the audit trail"

# --- the same again: duplicates; then --update --------------------------------
run 1 "the same file again is refused" --demo --db "$demo" --as anning import resident "$tmp/good.csv"
has err "$(row 2)" "row 2 said"
has err "$(row 3)" "row 3 said"
has err "身份证号" "the column said"
counts "0 0 2 2" "two bad, two duplicates"
gen "$tmp/upd.csv" gb18030 "身份证号|电话" "ID(19800101,501)|13800138009"
run 0 "--update updates" --demo --db "$demo" --as anning import resident "$tmp/upd.csv" --update
counts "0 1 0 0" "one updated"
id=$(sg --as anning find resident 𠈌导入甲 | cut -f1)
sg --as anning show "$id" >"$tmp/out" 2>&1
has out "13800138009" "the new phone is saved"
has out "1980-01-01" "the rest kept"
# an export imported again with --update changes nothing: no new version,
# no audit entry, every row counted unchanged (it used to rewrite them all)
sg --as admin export resident "$tmp/all.csv" >/dev/null 2>&1
sg --as admin show "$id" | grep -i '^version' >"$tmp/ver0" 2>&1
sg --as admin audit 2>/dev/null | grep -vc 'acts as' >"$tmp/aud0"
rows=$(($(wc -l <"$tmp/all.csv") - 1))
run 0 "an unchanged export with --update" --demo --db "$demo" --as admin import resident "$tmp/all.csv" --update
counts "0 0 0 0" "nothing imported or updated"
has out "$rows unchanged" "every row counted unchanged"
sg --as admin audit 2>/dev/null | grep -vc 'acts as' >"$tmp/aud1"
cmp -s "$tmp/aud0" "$tmp/aud1" && ok "no audit entry" || no "audit entries added: $(cat "$tmp/aud0") then $(cat "$tmp/aud1")"
sg --as admin show "$id" | grep -i '^version' >"$tmp/ver1" 2>&1
cmp -s "$tmp/ver0" "$tmp/ver1" && ok "no new version" || no "a new version: $(cat "$tmp/ver0" "$tmp/ver1")"

# --- another village's row, as the village worker -------------------------------
gen "$tmp/other.csv" gb18030 "$head" "外村人|ID(19900303,503)|男|||挂榜村||"
run 1 "a row for another village is refused" --demo --db "$demo" --as anning import resident "$tmp/other.csv"
has err "$(row 2)" "its row"
has err "挂榜村" "the village named"
sg --as admin find resident 外村人 >"$tmp/out" 2>&1
lacks out "外村人" "nothing imported"
run 0 "the administrator imports it" --demo --db "$demo" --as admin import resident "$tmp/other.csv"

# --- a bad file: nothing, then --skip-bad ------------------------------------------
gen "$tmp/bad.csv" gb18030 "$head" \
  "好人丙|ID(19700101,513)|男|||安宁村||" \
  "坏人丁|5.10421E+17|男|||安宁村||" \
  "坏人戊|ID(19700101,505)|男|45123||安宁村||" \
  "|ID(19700101,517)|X|||安宁村||"
run 1 "a bad file" --demo --db "$demo" --as anning import resident "$tmp/bad.csv"
has err "$(row 3).*身份证号.*Excel" "the Excel-number ID number, row 3"
has err "$(row 4).*出生日期.*2023-07-16" "the serial date, row 4, with its date"
has err "$(row 5).*性别" "the bad choice, row 5"
has err "$(row 5).*姓名" "the missing name, row 5"
sg --as anning find resident 好人丙 >"$tmp/out" 2>&1
lacks out "好人丙" "nothing imported while a row is bad"
run 1 "--skip-bad" --demo --db "$demo" --as anning import resident "$tmp/bad.csv" --skip-bad
counts "1 0 3 0" "one imported, three bad"
[ -f "$tmp/bad.bad.csv" ] && ok "bad.bad.csv written" || no "no bad.bad.csv"
iconv -f GB18030 -t UTF-8 "$tmp/bad.bad.csv" >"$tmp/badrows" 2>/dev/null && ok "the bad rows are GB18030" || no "bad rows not GB18030"
has badrows "错误/error" "the error column"
has badrows "坏人丁" "a bad row written"
lacks badrows "好人丙" "the good row not written"
# mend it and import it again
sed -e 's/5.10421E+17/510421197001015070/' -e 's/,45123,/,1970-01-01,/' -e 's/^,\(.*\),X,/无名,\1,男,/' "$tmp/badrows" >"$tmp/mended.u8"
python3 -c '
import sys, re
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def fix(m):
    s = m.group(0)[:17]
    return s + "10X98765432"[sum(int(a) * b for a, b in zip(s, w)) % 11]
t = open(sys.argv[1], encoding="utf-8").read()
t = re.sub(r"5104211970010150\d\d", fix, t)
open(sys.argv[2], "wb").write(t.encode("gb18030"))' "$tmp/mended.u8" "$tmp/mended.csv"
run 0 "the mended bad rows import" --demo --db "$demo" --as anning import resident "$tmp/mended.csv"
counts "3 0 0 0" "three imported"

# --- encodings ------------------------------------------------------------------------
gen "$tmp/bom.csv" utf-8-bom "Name|ID number|Village" "带标记|ID(19600606,507)|安宁村"
run 0 "UTF-8 with a BOM, English headers" --demo --db "$demo" --as anning import resident "$tmp/bom.csv"
has out "UTF-8" "read as UTF-8"
gen "$tmp/gb.csv" gb18030 "姓名|身份证号|村(社区)" "编码错|ID(19600606,508)|安宁村"
run 1 "--encoding utf-8 on a GB18030 file" --demo --db "$demo" --as anning import resident "$tmp/gb.csv" --encoding utf-8
has err "UTF-8" "the encoding is named"
has err "GB18030" "and what it seems to be"
gen "$tmp/u8.csv" utf-8 "姓名|身份证号|村(社区)" "编码错|ID(19600606,508)|安宁村"
run 1 "--encoding gb18030 on a UTF-8 file" --demo --db "$demo" --as anning import resident "$tmp/u8.csv" --encoding gb18030
has err "UTF-8" "it seems to be UTF-8"
run 0 "the UTF-8 file without --encoding" --demo --db "$demo" --as anning import resident "$tmp/u8.csv"

# --- columns the form does not have; another separator ----------------------------------
# 197 unknown columns: one line naming them, with the form's title as the
# worker sees it (it was a line for each, naming the form "resident")
python3 - "$tmp/extra.csv" <<'PY'
import sys
cols = ["姓名", "身份证号", "村(社区)"] + ["多余%d" % i for i in range(197)]
s = "51042119600606510"
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
row = ["多列人", s + "10X98765432"[sum(int(a) * b for a, b in zip(s, w)) % 11], "安宁村"] + [""] * 197
open(sys.argv[1], "wb").write((",".join(cols) + "\r\n" + ",".join(row) + "\r\n").encode("gb18030"))
PY
run 0 "a file with 197 unknown columns" --demo --db "$demo" --as anning import resident "$tmp/extra.csv"
[ "$(grep -c '多余' "$tmp/err")" = 1 ] && ok "one line names the unknown columns" || no "$(grep -c '多余' "$tmp/err") lines name unknown columns"
has err "多余0、多余1、多余2" "the columns named together"
has err "Resident" "the form's title"
has err "197" "how many"
lacks err "form resident" "not the form's internal name"
LANGUAGE=zh_CN sg --as anning import resident "$tmp/extra.csv" >"$tmp/out" 2>"$tmp/err"
has err "“居民”表里没有这些列" "in Chinese, the form's Chinese title"
# semicolons or tabs: a hint to save it as CSV
printf '姓名;身份证号;村(社区)\r\n分号人;510421196006065094;安宁村\r\n' >"$tmp/semi.csv"
run 1 "a semicolon-separated file" --demo --db "$demo" --as anning import resident "$tmp/semi.csv"
has err "separated by semicolons" "the semicolons said"
has err "CSV .comma-separated." "how to save it"
printf '姓名\t身份证号\t村(社区)\r\n制表人\t510421196006065094\t安宁村\r\n' >"$tmp/tab.csv"
run 1 "a tab-separated file" --demo --db "$demo" --as anning import resident "$tmp/tab.csv"
has err "separated by tabs" "the tabs said"
LANGUAGE=zh_CN sg --as anning import resident "$tmp/semi.csv" >"$tmp/out" 2>"$tmp/err"
has err "分号" "in Chinese: 分号"
# 组 from the village's list: a group not on it is refused, in Chinese,
# naming the groups, and the row goes to the file of bad rows
gen "$tmp/group.csv" gb18030 "姓名|身份证号|村(社区)|组" \
  "组对人|ID(19600607,511)|安宁村|3组" "组错人|ID(19600607,512)|安宁村|3"
LANGUAGE=zh_CN sg --as anning import resident "$tmp/group.csv" --skip-bad >"$tmp/out" 2>"$tmp/err"
has err "“3”不是安宁村的组；请写以下之一：1组、2组" "in Chinese, the village's groups"
iconv -f gb18030 -t utf-8 "$tmp/group.bad.csv" 2>/dev/null | grep -q "组错人.*安宁村的组" && ok "the row is in the bad rows" || no "no bad row for 组错人"
sg --as anning find resident 组对人 >"$tmp/out" 2>&1
has out "组对人" "the group on the list is taken"

# --- an Excel workbook (.xlsx), made by openpyxl ------------------------------------
# python3 with openpyxl (Debian's; a pyenv one first on PATH without it is
# passed over, as tests/cli-export.sh does)
py=
for p in ${PYTHON:-} python3 /usr/bin/python3; do
  if "$p" -c 'import openpyxl' 2>/dev/null; then py=$p; break; fi
done
"$py" - "$tmp" <<'PY'
import sys, datetime, zipfile, openpyxl
d = sys.argv[1]
def idnum(s):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return s + "10X98765432"[sum(int(a) * b for a, b in zip(s, w)) % 11]
wb = openpyxl.Workbook(); ws = wb.active
ws.append(["姓名", "身份证号", "性别", "出生日期", "电话", "村(社区)"])
ws.append(["𠈌表格甲", idnum("51042119850505701"), "男", datetime.date(1985, 5, 5), "13800138701", "安宁村"])
# typed into Excel as a number: 17 digits kept, the last lost
ws.append(["表格乙", 5.10421198606067e17, "女", None, None, "安宁村"])
wb.save(d + "/sheet.xlsx")
g = open(d + "/sheet.xlsx", "rb").read()
open(d + "/cut.xlsx", "wb").write(g[:len(g) // 2])
open(d + "/old.xls", "wb").write(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(4000))
z = zipfile.ZipFile(d + "/bomb.xlsx", "w", zipfile.ZIP_DEFLATED)
for n in zipfile.ZipFile(d + "/sheet.xlsx").namelist():
    z.writestr(n, zipfile.ZipFile(d + "/sheet.xlsx").read(n))
z.writestr("xl/media/image1.png", b"\0" * (80 << 20))
z.close()
PY
export LANGUAGE=zh_CN  # the messages as a village worker reads them
run 1 "an .xlsx with an ID number typed as a number" --demo --db "$demo" --as anning import resident "$tmp/sheet.xlsx"
has err "sheet.xlsx.*$(row 3).*身份证号.*文本" "its row refused: format the column as text"
sg --as anning find resident 𠈌表格甲 >"$tmp/out" 2>&1
lacks out "𠈌表格甲" "nothing imported while a row is bad"
run 1 "the .xlsx with --skip-bad" --demo --db "$demo" --as anning import resident "$tmp/sheet.xlsx" --skip-bad
counts "1 0 1 0" "one imported from the sheet, one bad"
has out "Excel 工作簿（.xlsx）" "the summary says it was read as a workbook"
id=$(sg --as anning find resident 𠈌表格甲 | cut -f1)
sg --as anning show "$id" >"$tmp/out" 2>&1
has out "1985-05-05" "the date cell read as a date"
has out "13800138701" "the phone read as text"
[ -f "$tmp/sheet.bad.csv" ] && ok "sheet.bad.csv beside the workbook" || no "no sheet.bad.csv"
head -c 3 "$tmp/sheet.bad.csv" | od -An -tx1 | grep -q "ef bb bf" && ok "the bad rows are UTF-8 with a BOM" || no "no BOM in sheet.bad.csv"
grep -q "表格乙.*文本" "$tmp/sheet.bad.csv" && ok "the bad row and its reason" || no "表格乙 not in sheet.bad.csv"
run 1 "a cut .xlsx" --demo --db "$demo" --as anning import resident "$tmp/cut.xlsx"
has err "文件损坏或不是 Excel 表格（.xlsx）" "a damaged workbook said so"
run 1 "an old .xls" --demo --db "$demo" --as anning import resident "$tmp/old.xls"
has err "旧版 Excel 文件（.xls）.*另存为" "an .xls: save it as .xlsx or CSV"
run 1 "a zip bomb" --demo --db "$demo" --as anning import resident "$tmp/bomb.xlsx"
has err "64 MB" "the bomb refused by its size"
export LANGUAGE=
# shegong's own XLSX export (libxlsxwriter: shared strings, text ID
# numbers) imported again with --update changes nothing
sg --as admin export resident "$tmp/all.xlsx" --format xlsx >/dev/null 2>&1
rows=$(sg --as admin find resident "" --limit 100000 2>/dev/null | wc -l)
run 0 "an XLSX export imported again with --update" --demo --db "$demo" --as admin import resident "$tmp/all.xlsx" --update
counts "0 0 0 0" "nothing imported or updated from the workbook"
has out "$rows unchanged" "every row of the workbook unchanged"

# --- refusals and usage -------------------------------------------------------------------
gen "$tmp/novillage.csv" gb18030 "姓名|身份证号" "无村|ID(19600606,509)"
run 1 "the administrator's file needs the village column" --demo --db "$demo" --as admin import resident "$tmp/novillage.csv"
run 0 "the village worker's rows take their village" --demo --db "$demo" --as anning import resident "$tmp/novillage.csv"
run 1 "a supervisor does not import" --demo --db "$demo" --as dudao import resident "$tmp/gb.csv"
run 1 "a missing file" --demo --db "$demo" --as admin import resident "$tmp/none.csv"
run 2 "no file" --demo --db "$demo" --as admin import resident
run 2 "an unknown kind" --demo --db "$demo" --as admin import person "$tmp/gb.csv"
run 2 "an unknown encoding" --demo --db "$demo" --as admin import resident "$tmp/gb.csv" --encoding latin1
run 2 "an unknown option" --demo --db "$demo" --as admin import resident "$tmp/gb.csv" --fast
run 2 "services need --form" --demo --db "$demo" --as admin import service "$tmp/gb.csv"
# a care service imported with its form is shown with that form, not the
# kind's first (show used to take the assessment form: every care field
# "kept from an older form")
gen "$tmp/care.csv" gb18030 "function|date|work_kind|content|target" "care|2026-11-20|visit|上门探访独居老人|elder_alone"
run 0 "care services with their form" --demo --db "$demo" --as anning import service "$tmp/care.csv" --form service_care
run 0 "the care service found" --demo --db "$demo" --as anning find service "" --limit 500
care=$(cut -f1 "$tmp/out" | while read -r id; do
  "$bin" --demo --db "$demo" --as anning show "$id" 2>/dev/null | grep -q "上门探访独居老人" && echo "$id" && break; done)
run 0 "shown" --demo --db "$demo" --as anning show "$care"
has out "^Who is cared for: " "the care form's own field, by its label"
hasnt out "kept from an older form" "no field taken for one of an older form"
sg --as admin check >"$tmp/out" 2>&1 && ok "the database checks whole" || no "check after the imports"

echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
