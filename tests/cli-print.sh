#!/bin/sh
# cli-print.sh: `shegong print` on the demo database: each document (the
# referral slip by the number on it, the volunteer certificate by the
# number on it, a case file, the month's service ledger, the report with
# its chart, a blank form) written in GB18030 to a file and to the
# terminal, read back with iconv -f GB18030, its lines at most 80 columns
# as a GB18030 printer prints them (every character beyond ASCII two:
# the box-drawing characters too), form feeds between pages; the names outside
# the BMP kept; ID numbers masked for a supervisor; each print in the
# audit trail with its way; --lp without lp said in Chinese; --lp through a
# real CUPS scheduler (tests/cupsd.sh) to a queue's file; refusals.
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-print-XXXXXX")
trap 'cups_stop 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "FAIL - $1"; sed 's/^/    /' "$tmp/out" "$tmp/err" 2>/dev/null | head -20; }
run() { # run EXPECTED-STATUS NAME ARGS...
  want=$1 name=$2
  shift 2
  "$bin" --demo --db "$demo" --as "$who" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  got=$?
  if [ "$got" -eq "$want" ]; then ok "$name (exit $got)"; else no "$name: exit $got, wanted $want"; fi
}
has() { # has FILE TEXT NAME
  if grep -qF -- "$2" "$1"; then ok "$3"; else no "$3: no \"$2\" in it"; fi
}
hasnt() {
  if grep -qF -- "$2" "$1"; then no "$3: \"$2\" in it"; else ok "$3"; fi
}
# paper FILE NAME: GB18030 that iconv reads, lines of at most 80 columns
# (every character beyond ASCII two, as a GB18030 printer prints it),
# pages of at most 64 lines
paper() {
  if iconv -f GB18030 -t UTF-8 "$1" >"$1.utf8" 2>"$tmp/iconv"; then
    ok "$2: GB18030 that iconv reads"
  else
    no "$2: iconv -f GB18030 refused it: $(cat "$tmp/iconv")"
    return
  fi
  if python3 - "$1.utf8" <<'PY'
import sys, unicodedata
t = open(sys.argv[1], encoding="utf-8").read()
bad = 0
for page in t.split("\f"):
    lines = page.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) > 64:
        print("a page of %d lines" % len(lines)); bad = 1
    for l in lines:
        # a GB18030 printer prints every character beyond ASCII two columns
        # wide (the box-drawing ones, the blocks and the boxes too)
        w = sum(0 if unicodedata.combining(c) else 2 if ord(c) >= 0x80 else 1 for c in l)
        if w > 80:
            print("%d columns: %s" % (w, l)); bad = 1
sys.exit(bad)
PY
  then ok "$2: lines of at most 80 columns, pages of at most 64"
  else no "$2: too wide or too long"
  fi
}

export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=zh_CN
unset SHEGONG_DB
demo="$tmp/demo"
who=anning
"$bin" --demo --db "$demo" --as anning today >/dev/null 2>&1 </dev/null
sg() { "$bin" --demo --db "$demo" --as anning "$@"; }
month=$(date +%Y-%m)

# the numbers a worker sees: the slip's, the certificate's
slipno=$(sg referral list </dev/null | awk -F '\t' '$2 ~ /^ZJ-/ { print $2; exit }')
refid=$(sg referral list </dev/null | awk -F '\t' -v n="$slipno" '$2 == n { print $1 }')
vol=$(sg find volunteer 朱 </dev/null | awk -F '\t' '{ print $1; exit }')
certno="$(date +%Y%m%d)-${vol#vol-}"
res=$(sg find resident 刘𠈌 </dev/null | awk -F '\t' '{ print $1; exit }')
idnum=$(sg find resident 刘𠈌 </dev/null | awk -F '\t' '{ print $5; exit }')
[ -n "$slipno" ] && [ -n "$vol" ] && [ -n "$res" ] && [ ${#idnum} -eq 18 ] &&
  ok "the demo's numbers ($slipno, $certno, $res)" || no "the demo's numbers: \"$slipno\" \"$vol\" \"$res\" \"$idnum\""

run 0 "slip by its number, to a file" print slip "$slipno" --encoding gb18030 --out "$tmp/slip.txt"
paper "$tmp/slip.txt" slip
has "$tmp/slip.txt.utf8" "转介单" "the slip's title"
has "$tmp/slip.txt.utf8" "$slipno" "the slip's number"
has "$tmp/slip.txt.utf8" "存根" "the stub"
has "$tmp/slip.txt.utf8" "回执" "the return slip"
run 0 "slip by its id, to the terminal" print slip "$refid" --encoding gb18030
paper "$tmp/out" "slip on the terminal"

run 0 "certificate by its number" print certificate "$certno" --encoding gb18030 --out "$tmp/cert.txt"
paper "$tmp/cert.txt" certificate
has "$tmp/cert.txt.utf8" "志愿服务记录证明" "the certificate's title"
has "$tmp/cert.txt.utf8" "$certno" "the certificate's number as typed"
has "$tmp/cert.txt.utf8" "朱𤭢梅" "a name outside the BMP"

run 0 "case file" print casefile "$res" --encoding gb18030 --out "$tmp/case.txt"
paper "$tmp/case.txt" "case file"
has "$tmp/case.txt.utf8" "个人档案" "the case file's title"
has "$tmp/case.txt.utf8" "刘𠈌" "the resident's name outside the BMP"
has "$tmp/case.txt.utf8" "$idnum" "the ID number whole for the village's worker"
has "$tmp/case.txt.utf8" "家庭成员" "the household"
run 0 "case file by the ID number" print casefile "$idnum" --encoding utf-8
has "$tmp/out" "刘𠈌" "case file by the ID number: the resident"
"$bin" --demo --db "$demo" --as dudao print casefile "$res" --encoding utf-8 >"$tmp/sup.txt" 2>"$tmp/err" </dev/null
hasnt "$tmp/sup.txt" "$idnum" "the ID number masked for a supervisor"
has "$tmp/sup.txt" "********" "the mask"

run 0 "ledger" print ledger "$month" --encoding gb18030 --out "$tmp/ledger.txt"
paper "$tmp/ledger.txt" ledger
has "$tmp/ledger.txt.utf8" "服务台账" "the ledger's title"
has "$tmp/ledger.txt.utf8" "第 1 页" "the page number"
has "$tmp/ledger.txt.utf8" "┌" "ruled"
has "$tmp/ledger.txt.utf8" "合计" "the totals"

run 0 "report" print report "$month" --encoding gb18030 --out "$tmp/report.txt"
paper "$tmp/report.txt" report
has "$tmp/report.txt.utf8" "█" "the chart"
run 0 "report of a quarter, by a village's code" print report "$(date +%Y)-Q1" --village 510421100001 --encoding gb18030 --out "$tmp/q.txt"
paper "$tmp/q.txt" "quarter report"

run 0 "blank form" print blank need --encoding gb18030 --out "$tmp/blank.txt"
paper "$tmp/blank.txt" "blank form"
has "$tmp/blank.txt.utf8" "□紧急" "a choice with a box"

# the audit trail: each print, with its way
"$bin" --demo --db "$demo" --as dudao audit >"$tmp/audit" 2>&1 </dev/null
for d in "doc=slip way=file" "doc=slip way=stdout" "doc=certificate way=file" \
         "doc=casefile way=file" "doc=ledger way=file" "doc=report way=file" "doc=blank way=file"; do
  has "$tmp/audit" "$d" "audit: $d"
done
has "$tmp/audit" "records=$refid" "audit: the slip's referral"

# --lp where there is no lp: said in Chinese, nothing printed, nothing logged
mkdir "$tmp/nolp"
n0=$(grep -c 'way=lp' "$tmp/audit")
PATH="$tmp/nolp" run 1 "--lp without lp" print blank need --lp
has "$tmp/err" "没有 lp" "--lp without lp, in Chinese"
# a real CUPS scheduler (tests/cupsd.sh: private, one queue writing its
# jobs to a file): the document reaches the printer's file byte for byte
# as --out writes it, GB18030 and 𠈌 kept; a printer CUPS does not have
# is said in Chinese
. "$(dirname "$0")/cupsd.sh"
if cups_start "$tmp/cups"; then
  run 0 "--lp to a CUPS printer" print slip "$slipno" --lp --printer village --encoding gb18030
  has "$tmp/err" "已送到打印机" "lp's taking said"
  cups_wait || no "the CUPS queue never emptied"
  run 0 "the same slip to a file" print slip "$slipno" --out "$tmp/slip-lp.txt" --encoding gb18030
  if cmp -s "$tmp/cups/village.prn" "$tmp/slip-lp.txt"; then
    ok "the printer got the slip byte for byte"
  else
    no "the printer's bytes differ from the file's: $(wc -c <"$tmp/cups/village.prn") against $(wc -c <"$tmp/slip-lp.txt")"
  fi
  iconv -f GB18030 -t UTF-8 "$tmp/cups/village.prn" >"$tmp/lp.utf8" 2>/dev/null
  has "$tmp/lp.utf8" "存根" "the printed slip has its stub"
  : >"$tmp/cups/village.prn"
  lpadmin -d village >/dev/null 2>&1
  run 0 "--lp to the default printer" print blank need --lp --encoding gb18030
  cups_wait || no "the CUPS queue never emptied"
  iconv -f GB18030 -t UTF-8 "$tmp/cups/village.prn" >"$tmp/lp.utf8" 2>/dev/null
  has "$tmp/lp.utf8" "需求" "the default printer got the blank form"
  run 1 "--printer CUPS does not have" print blank need --printer nosuch
  has "$tmp/err" "lpstat -p" "a printer CUPS lacks, said with what to check"
  "$bin" --demo --db "$demo" --as dudao audit >"$tmp/audit" 2>&1 </dev/null
  n1=$(grep -c 'way=lp' "$tmp/audit")
  [ "$n1" -eq $((n0 + 3)) ] && ok "each lp print logged" || no "lp prints logged: $n0 then $n1"
  cups_stop
else
  echo "# SKIP: no private CUPS scheduler here (it needs root and cups-daemon)"
fi

# --pdf: an A4 PDF read back with poppler-utils, logged with its way
# (a build without Pango and Cairo refuses --pdf with exit 2, saying so)
"$bin" --demo --db "$demo" --as anning print blank need --pdf "$tmp/probe.pdf" >/dev/null 2>&1 </dev/null
if [ $? -ne 2 ] && command -v pdftotext >/dev/null; then
  "$bin" --demo --db "$demo" --as dudao audit >"$tmp/audit" 2>&1 </dev/null
  p0=$(grep -c 'way=pdf' "$tmp/audit")
  run 0 "the ledger as a PDF" print ledger --pdf "$tmp/ledger.pdf"
  pdfinfo "$tmp/ledger.pdf" >"$tmp/pdfinfo" 2>&1
  has "$tmp/pdfinfo" "595.276 x 841.89" "the PDF is A4"
  pdftotext -layout "$tmp/ledger.pdf" "$tmp/ledger.pdf.txt" 2>/dev/null
  has "$tmp/ledger.pdf.txt" "服务台账" "the PDF holds the ledger"
  has "$tmp/ledger.pdf.txt" "第 1 页" "the PDF's pages numbered"
  pdffonts "$tmp/ledger.pdf" >"$tmp/pdffonts" 2>&1
  hasnt "$tmp/pdffonts" " no " "every font in the PDF embedded"
  "$bin" --demo --db "$demo" --as dudao audit >"$tmp/audit" 2>&1 </dev/null
  p1=$(grep -c 'way=pdf' "$tmp/audit")
  [ "$p1" -eq $((p0 + 1)) ] && ok "one PDF print logged" || no "PDF prints logged: $p0 then $p1"
  run 1 "a PDF into a folder that is not there" print blank need --pdf "$tmp/none/x.pdf"
  has "$tmp/err" "PDF" "the missing folder, said"
  [ ! -e "$tmp/none/x.pdf" ] && ok "no PDF left behind" || no "a PDF was left"
  run 2 "--pdf with --out refused" print blank need --pdf "$tmp/x.pdf" --out "$tmp/x.txt"
  has "$tmp/err" "--pdf" "--pdf with --out, said why"
else
  echo "skip - no PDF output in this build, or no poppler-utils"
fi

# a township's ledger: a township worker's own, and by the township's code
who=panlian
run 0 "the township's ledger" print ledger "$month" --encoding gb18030 --out "$tmp/tledger.txt"
paper "$tmp/tledger.txt" "township ledger"
has "$tmp/tledger.txt.utf8" "单位：攀莲镇" "the township's ledger: the township"
has "$tmp/tledger.txt.utf8" "【安宁村】" "the township's ledger: a village's heading"
has "$tmp/tledger.txt.utf8" "【龙华社区】" "the township's ledger: another village's heading"
has "$tmp/tledger.txt.utf8" "小计：服务" "the township's ledger: a subtotal"
has "$tmp/tledger.txt.utf8" "合计：服务" "the township's ledger: the total"
has "$tmp/tledger.txt.utf8" "刘𠈌" "the township's ledger: a name outside the BMP"
hasnt "$tmp/tledger.txt.utf8" "新山村" "the township's ledger: no other township's village"
subs=$(grep -c "小计：服务" "$tmp/tledger.txt.utf8")
[ "$subs" -eq 3 ] && ok "a subtotal for each of the three villages" || no "$subs subtotals, not 3"
who=dudao
run 0 "the township's ledger by its code (a supervisor)" print ledger "$month" --village 510421100 --encoding utf-8
has "$tmp/out" "【挂榜村】" "by its code: the villages"
run 0 "the county's ledger" print ledger "$month" --village 510421 --encoding utf-8
has "$tmp/out" "【新山村】" "the county's ledger: another township's village"
who=panlian
run 1 "another township's ledger" print ledger --village 510421101
has "$tmp/err" "不在您的管辖范围内" "another township: not in reach, in Chinese"
who=anning
run 1 "a village worker asking for the township's ledger" print ledger --village 510421100
has "$tmp/err" "村社工只能打印本村的台账" "a village worker refused, told what they may print"
[ ! -s "$tmp/out" ] && ok "a village worker refused: nothing printed" || no "a village worker refused: printed"
run 2 "a code of 8 digits" print ledger --village 51042110
has "$tmp/err" "乡镇的 9 位代码" "a bad code, said what to give"
who=anning

# refusals
run 2 "no document" print
run 2 "an unknown document" print poster
has "$tmp/err" "不是可打印" "an unknown document, in Chinese"
run 2 "a certificate by a wrong number" print certificate 2026-12-02
has "$tmp/err" "证明上的编号" "a wrong number, said what to give"
run 1 "a slip number no referral has" print slip ZJ-510421100001-2099-0099
run 2 "a bad month" print ledger 2026-13
run 1 "a form there is not" print blank nosuch
run 2 "a bad encoding" print blank need --encoding latin1
# the old command takes the certificate's number too
run 0 "certificate by its number (shegong certificate)" certificate "$certno"
has "$tmp/out" "$certno" "shegong certificate: the number"

# the old slip command takes the slip's number too
run 0 "referral slip by its number" referral slip "$slipno"
has "$tmp/out" "$slipno" "referral slip: the number"

echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
