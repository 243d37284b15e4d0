#!/bin/sh
# bench/today.sh [N] [OLD_SHEGONG]: `shegong today` (the home screen's
# list) on a township of N residents (20,000 unless told) made as
# bench-load makes it (bench-gen, init, import), median of 11 runs in ms,
# with and without forms/visits (the regular visits read every resident);
# beside it OLD_SHEGONG (another build, e.g. before the follow-up dates'
# index) on the same database, and whether both print the same list.
# Run from the build folder after `make src/shegong bench/bench-gen`.
set -e
N=${1:-20000}
OLD=$2
top=$(cd "$(dirname "$0")/.." && pwd)
S=$PWD/src/shegong
export SHEGONG_FORMSDIR="$top/forms" SHEGONG_LOCALEDIR="$PWD/locale" LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8
B=$(mktemp -d /tmp/bench-today-XXXXXX)
trap 'rm -rf "$B"' EXIT
./bench/bench-gen "$N" "$B/r.csv" "$B/n.csv" "$B/s.csv"
"$S" --db "$B/db" init --county 510421 米易县 --township 510421100 攀莲镇 \
  --village 510421100001 安宁村 --village 510421100002 龙华村 --village 510421100003 丙谷村 \
  --village 510421100004 垭口村 --village 510421100005 草场村 >/dev/null
"$S" --db "$B/db" import resident "$B/r.csv" >/dev/null
"$S" --db "$B/db" import need "$B/n.csv" >/dev/null
"$S" --db "$B/db" import service "$B/s.csv" --form service_care >/dev/null
mkdir "$B/novisits"
cp -r "$top/forms/." "$B/novisits/"
rm -f "$B/novisits/visits"
median() {   # median() BIN FORMSDIR
	for i in 1 2 3 4 5 6 7 8 9 10 11; do
		a=$(date +%s%N)
		SHEGONG_FORMSDIR=$2 "$1" --db "$B/db" today >/dev/null
		b=$(date +%s%N)
		echo $(((b - a) / 1000000))
	done | sort -n | sed -n 6p
}
echo "shegong today, $N residents: median of 11, ms"
for bin in "$S" $OLD; do
	echo "$bin: no visits $(median "$bin" "$B/novisits"); with forms/visits $(median "$bin" "$top/forms")"
done
if [ -n "$OLD" ]; then
	"$S" --db "$B/db" today >"$B/new.txt"
	"$OLD" --db "$B/db" today >"$B/old.txt"
	cmp -s "$B/new.txt" "$B/old.txt" && echo "the same list ($(wc -l <"$B/new.txt") lines)" ||
		echo "the lists differ"
fi
