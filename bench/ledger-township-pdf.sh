#!/bin/sh
# bench/ledger-township-pdf.sh: how long a township's monthly service
# ledger (服务台账, every village under a heading with its subtotal) of
# 3,000 services across 20 villages takes to make as an A4 PDF.
#
#   bench/ledger-township-pdf.sh [RUNS]   (or: make bench-ledger-township-pdf)
#
# Makes the demo database in a temporary folder, adds 17 villages to
# 攀莲镇 (which has 3: 20 in all), imports SERVICES (3000) care services
# spread evenly over the 20 villages, dated in one month a year back (a
# month the demo has no services in), each with a content that wraps to
# two lines, and checks the ledger's total says so.  Then runs, as whole
# processes, RUNS times (3) after one warm-up, as the township worker
# panlian:
#   shegong print ledger MONTH --pdf FILE   (the PDF)
#   shegong print ledger MONTH --out FILE   (the same ledger as text)
# and prints each run's wall and CPU seconds and peak memory, the
# medians, the PDF's pages and size.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${SHEGONG_BIN:-$here/../src/shegong}
runs=${1:-3}
n=${SERVICES:-3000}
: "${SHEGONG_FORMSDIR:=$here/../forms}"
: "${SHEGONG_LOCALEDIR:=$here/../locale}"
export SHEGONG_FORMSDIR SHEGONG_LOCALEDIR
LC_ALL=zh_CN.UTF-8
export LC_ALL
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-ledger-township-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
sg() { who=$1; shift; "$bin" --demo --db "$tmp/db" --as "$who" "$@"; }

month=$(date -d '1 year ago' +%Y-%m)
sg admin today >/dev/null 2>&1 </dev/null
villages="安宁村 挂榜村 龙华社区"
v=4
while [ "$v" -le 20 ]; do
  sg admin unit add "5104211000$(printf %02d "$v")" "测试${v}村" >/dev/null </dev/null
  villages="$villages 测试${v}村"
  v=$((v + 1))
done
{
  echo "日期,村(社区),服务方式,服务内容,社工时长,关爱对象,风险程度,走访情况"
  i=1
  while [ "$i" -le "$n" ]; do
    vil=$(echo $villages | cut -d' ' -f$((1 + i % 20)))
    printf '%s-%02d,%s,入户走访,第%d次上门探望独居老人，帮忙打扫卫生、买药，了解近期身体情况,1.5,独居老人,低,"已回访, 情况稳定"\n' \
      "$month" $((1 + i % 28)) "$vil" "$i"
    i=$((i + 1))
  done
} >"$tmp/s.csv"
sg admin import service "$tmp/s.csv" --form service_care >"$tmp/import.out" 2>&1 </dev/null || {
  tail "$tmp/import.out"
  exit 1
}
sg panlian print ledger "$month" --out "$tmp/check.txt" </dev/null
if ! grep -q "合计：服务 $n 次" "$tmp/check.txt"; then
  echo "ledger-township-pdf: the ledger of $month does not hold $n services:" >&2
  grep "合计" "$tmp/check.txt" >&2 || true
  exit 1
fi
subs=$(grep -c "小计：服务" "$tmp/check.txt")

one() {
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$bin" --demo --db "$tmp/db" --as panlian \
    print ledger "$month" "$@" </dev/null >/dev/null 2>"$tmp/err" || {
    cat "$tmp/err" >&2
    exit 1
  }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$tmp/time"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "ledger-township-pdf: $n services of 20 villages of 攀莲镇 ($subs subtotals) in $month, $runs runs after a warm-up; $(uname -srm), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
one --pdf "$tmp/l.pdf" >/dev/null
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
