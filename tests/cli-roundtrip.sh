#!/bin/sh
# cli-roundtrip.sh: export, then import into a new database, then export
# again: the two files hold the same records, cell for cell (the record
# ids aside, which each database gives its own).  Residents of the demo
# plus ones made to be hard: names outside the BMP, commas, quotes and
# line breaks inside fields; in GB18030 (what Excel on a Chinese Windows
# writes) and in UTF-8 with a BOM.
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-roundtrip-XXXXXX")
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

export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB
demo="$tmp/demo"
"$bin" --demo --db "$demo" >/dev/null 2>&1 </dev/null

# Hard residents, imported into the demo by 安宁村's worker (ID numbers get
# their GB 11643 check character).
python3 - "$tmp/hard.csv" <<'PY'
import sys, csv
def idnum(birth, seq):
    s = "510421" + birth + "%03d" % seq
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return s + "10X98765432"[sum(int(a) * b for a, b in zip(s, w)) % 11]
rows = [["姓名", "身份证号", "村(社区)", "住址", "备注"],
        ["𠈌来回", idnum("19800101", 611), "安宁村", "安宁村1组, 3号", ""],
        ["王\U0002A6A5明", idnum("19810202", 612), "安宁村", '他说"老屋"，后院', '"引号"'],
        ["李 两行", idnum("19820303", 613), "安宁村", "", "第一行\n第二行, 有逗号"]]
with open(sys.argv[1], "w", encoding="gb18030", newline="") as f:
    csv.writer(f, lineterminator="\r\n").writerows(rows)
PY
run 0 "the hard residents go into the demo" --demo --db "$demo" --as anning import resident "$tmp/hard.csv"

# A new database with the demo's units (their codes and names).
run 0 "the demo's units" --demo --db "$demo" --as admin unit list
cut -f1,2 "$tmp/out" | tr '\t' ' ' >"$tmp/units.txt"
[ "$(wc -l <"$tmp/units.txt")" -gt 5 ] && ok "units listed" || no "no units"

# same A B NAME: the two CSV files hold the same rows, the first column
# (the record id) aside, whatever their encodings
same() {
  python3 - "$1" "$2" <<'PY'
import sys, csv
def rows(path):
    raw = open(path, "rb").read()
    text = raw[3:].decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("gb18030")
    return [r[1:] for r in csv.reader(text.splitlines(keepends=True))]
a, b = rows(sys.argv[1]), rows(sys.argv[2])
if a != b:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print("row", i + 1, x, y)
            break
    print(len(a), "rows against", len(b))
    sys.exit(1)
print(len(a), "rows")
PY
}

for enc in gb18030 utf-8; do
  db="$tmp/new-$enc"
  run 0 "$enc: a new database with the same units" --db "$db" init --units "$tmp/units.txt"
  run 0 "$enc: export every resident" --demo --db "$demo" --as admin export resident "$tmp/a-$enc.csv" \
    --encoding "$enc"
  n=$(sed -n 's/^[^0-9]*\([0-9][0-9]*\).*/\1/p' "$tmp/out" | head -1)
  [ "${n:-0}" -gt 280 ] && ok "$enc: $n residents exported" || no "$enc: exported ${n:-none}"
  if [ "$enc" = utf-8 ]; then
    head -c 3 "$tmp/a-$enc.csv" | od -An -tx1 | grep -q "ef bb bf" && ok "utf-8: the BOM is there" ||
      no "utf-8: no BOM"
  fi
  run 0 "$enc: import it into the new database" --db "$db" import resident "$tmp/a-$enc.csv"
  run 0 "$enc: export it again" --db "$db" export resident "$tmp/b-$enc.csv" --encoding "$enc"
  if same "$tmp/a-$enc.csv" "$tmp/b-$enc.csv" >"$tmp/out" 2>"$tmp/err"; then
    ok "$enc: the same records, cell for cell ($(cat "$tmp/out"))"
  else
    no "$enc: the records changed on the way"
  fi
  run 0 "$enc: the name outside the BMP is found in the new database" --db "$db" find resident "𠈌来回"
  grep -q "𠈌来回" "$tmp/out" && ok "$enc: 𠈌来回 found" || no "$enc: 𠈌来回 not found"
  run 0 "$enc: the new database checks whole" --db "$db" check
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
