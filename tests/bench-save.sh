#!/bin/sh
# bench-save.sh: bench/save.c, the profile of one synced save (issue 19),
# run small: its saves are real (audited, indexed, `shegong check` passes
# and `find` lists them), its figures are there, and a folder that is no
# database is refused.  The bench itself is not a test (make bench-save).
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
bs=$(dirname "$bin")/../bench/bench-save
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "FAIL - $1"; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-bsave-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB
"$bin" --db "$tmp/d" init --county 510421 "米易县" --township 510421100 "攀莲镇" \
  --village 510421100001 "安宁村" >"$tmp/init" 2>&1 </dev/null && ok "a database made" ||
  no "init: $(cat "$tmp/init")"
"$bs" "$tmp/d" 5 >"$tmp/out" 2>&1 && ok "5 saves" || no "bench-save: $(cat "$tmp/out")"
[ "$(sed -n 's/^saves //p' "$tmp/out")" = 5 ] && ok "says 5 saves" || no "saves: $(cat "$tmp/out")"
for k in save_ms cpu_ms wait_ms write_calls write_bytes; do
  v=$(sed -n "s/^$k //p" "$tmp/out")
  case $v in
  '' | *[!0-9.]*) no "$k: '$v'" ;;
  *) ok "$k $v" ;;
  esac
done
# a synced save writes its pages: more than nothing, fewer than a megabyte
wb=$(sed -n 's/^write_bytes //p' "$tmp/out")
[ "${wb:-0}" -gt 4096 ] && [ "$wb" -lt 1048576 ] && ok "a save writes pages ($wb bytes)" ||
  no "write_bytes $wb"
n=$("$bin" --db "$tmp/d" find resident 欧阳建国 </dev/null 2>&1 | grep -c 欧阳建国)
[ "$n" = 5 ] && ok "find lists the 5 saved" || no "find lists $n"
"$bin" --db "$tmp/d" check >"$tmp/chk" 2>&1 </dev/null && ok "check passes after the saves" ||
  no "check: $(cat "$tmp/chk")"
grep -q "Audit trail: 9 entries, whole" "$tmp/chk" && ok "each save audited (4 from init, 5 saves)" ||
  no "audit: $(grep -i audit "$tmp/chk")"
"$bs" "$tmp/none" 3 >"$tmp/out2" 2>&1
[ $? = 1 ] && grep -q "no database here" "$tmp/out2" && ok "a folder with no database refused" ||
  no "no database: $(cat "$tmp/out2")"
[ ! -e "$tmp/none" ] && ok "and not made" || no "bench-save made $tmp/none"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
