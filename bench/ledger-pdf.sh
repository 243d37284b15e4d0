#!/bin/sh
# bench/ledger-pdf.sh: how long a village's monthly service ledger (服务台账)
# of 300 services takes to make as an A4 PDF.
#
#   bench/ledger-pdf.sh [RUNS]        (or: make bench-ledger-pdf)
#
# Makes the demo database in a temporary folder, imports SERVICES (300)
# care services of 安宁村 (the demo worker anning's village) dated in one
# month a year back (a month the demo has no services in: the ledger then
# holds exactly these), each with a content that wraps to two lines, and
# checks the ledger's totals say so.  Then runs, as whole processes, RUNS
# times (5) after one warm-up each, in turn:
#   shegong print ledger MONTH --pdf FILE   (the PDF)
#   shegong print ledger MONTH --out FILE   (the same ledger as text)
# and prints each run's wall and CPU seconds and peak memory
# (/usr/bin/time), then the median of each, the PDF's pages and size.
# The text run is the reference: the PDF's own cost is the difference.
# SHEGONG_BIN chooses the program (default: src/shegong of this tree).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${SHEGONG_BIN:-$here/../src/shegong}
runs=${1:-5}
n=${SERVICES:-300}
: "${SHEGONG_FORMSDIR:=$here/../forms}"
: "${SHEGONG_LOCALEDIR:=$here/../locale}"
export SHEGONG_FORMSDIR SHEGONG_LOCALEDIR
LC_ALL=zh_CN.UTF-8
export LC_ALL
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-ledger-pdf-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
sg() { "$bin" --demo --db "$tmp/db" --as anning "$@"; }

month=$(date -d '1 year ago' +%Y-%m)
sg today >/dev/null 2>&1 </dev/null
# the services, as the import takes them (the service_care form's headers)
{
  echo "日期,村(社区),服务方式,服务内容,社工时长,关爱对象,风险程度,走访情况"
  i=1
  while [ "$i" -le "$n" ]; do
    printf '%s-%02d,安宁村,入户走访,第%d次上门探望独居老人，帮忙打扫卫生、买药，了解近期身体情况,1.5,独居老人,低,"已回访, 情况稳定"\n' \
      "$month" $((1 + i % 28)) "$i"
    i=$((i + 1))
  done
} >"$tmp/s.csv"
sg import service "$tmp/s.csv" --form service_care >"$tmp/import.out" 2>&1 </dev/null || {
  cat "$tmp/import.out"
  exit 1
}
sg print ledger "$month" --out "$tmp/check.txt" </dev/null
if ! grep -q "服务 $n 次" "$tmp/check.txt"; then
  echo "ledger-pdf: the ledger of $month does not hold $n services:" >&2
  grep "合计" "$tmp/check.txt" >&2 || true
  exit 1
fi

# one run: "wall cpu maxrss_kB" on a line
one() {
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$bin" --demo --db "$tmp/db" --as anning \
    print ledger "$month" "$@" </dev/null >/dev/null 2>"$tmp/err" || {
    cat "$tmp/err" >&2
    exit 1
  }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$tmp/time"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "ledger-pdf: $n services of 安宁村 in $month, $runs runs after a warm-up; $(uname -srm), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
one --pdf "$tmp/l.pdf" >/dev/null
one --out "$tmp/l.txt" >/dev/null
: >"$tmp/pdf.runs"
: >"$tmp/txt.runs"
i=1
while [ "$i" -le "$runs" ]; do
  one --pdf "$tmp/l.pdf" >>"$tmp/pdf.runs"
  one --out "$tmp/l.txt" >>"$tmp/txt.runs"
  i=$((i + 1))
done
for w in pdf txt; do
  sed "s/^/  $w run: wall s, cpu s, peak kB: /" "$tmp/$w.runs"
done
pages=$(pdfinfo "$tmp/l.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
printf 'PDF:  wall %s s (median), cpu %s s, peak %s kB; %s pages, %s bytes\n' \
  "$(cut -d' ' -f1 "$tmp/pdf.runs" | median)" "$(cut -d' ' -f2 "$tmp/pdf.runs" | median)" \
  "$(cut -d' ' -f3 "$tmp/pdf.runs" | median)" "${pages:-?}" "$(wc -c <"$tmp/l.pdf")"
printf 'text: wall %s s (median), cpu %s s, peak %s kB; %s form feeds, %s bytes\n' \
  "$(cut -d' ' -f1 "$tmp/txt.runs" | median)" "$(cut -d' ' -f2 "$tmp/txt.runs" | median)" \
  "$(cut -d' ' -f3 "$tmp/txt.runs" | median)" "$(tr -cd '\f' <"$tmp/l.txt" | wc -c)" \
  "$(wc -c <"$tmp/l.txt")"
