#!/bin/sh
# cli-escalate-city.sh: a referral escalated one level further than
# cli-escalate.sh, across four real databases by files: 安宁村's PC,
# 攀莲镇's server (the demo database), 米易县's server and 攀枝花市's
# server (made with init, their units' ids their own).  The village
# refers; the township escalates to the county, the county (its city
# registered after it) escalates on to the city; `sync --referrals-to`
# carries it with its person and need to the city, which accepts and
# resolves and writes its answer back (--for the county); the county
# resolves the township's referral with it, and the township and the
# village see the answer, each history whole and in order.  A city
# lacking the units named, files cut or altered, the same file twice, a
# county's file brought back to it or carrying the city's steps to a
# city that never took them, a city's file on a township, and
# supervisors are refused.  Then a youth case escalated by the county
# to the city's minors' protection centre (5104-01) is worked by the
# centre's worker on the city server and its answer comes back.
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-escalate-XXXXXX")
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
hasnt() { # hasnt FILE TEXT NAME
  if grep -q -- "$2" "$tmp/$1"; then no "$3: \"$2\" in $1"; else ok "$3"; fi
}
# damage FILE: FILE.cut (its last 9 bytes gone) and FILE.bad (one bit
# flipped in the middle)
damage() {
  size=$(wc -c <"$1")
  head -c $((size - 9)) "$1" >"$1.cut"
  python3 - "$1" "$1.bad" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[len(b) // 2] ^= 1
open(sys.argv[2], 'wb').write(b)
PY
}
# snap DB-ARGS...: the referrals as the database lists them, to compare
snap() {
  "$bin" "$@" referral list --all >"$tmp/snap" 2>&1 </dev/null
  cat "$tmp/snap"
}

export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB
export SHEGONG_FORMSDIR=${SHEGONG_FORMSDIR:-$(dirname "$0")/../forms}

town="--demo --db $tmp/town"
pc="--db $tmp/pc"
county="--db $tmp/county"
city="--db $tmp/city"
# history FILE: the steps of the history in the show output FILE, one line
history() { awk '/^History:/ {h = 1; next} h' "$tmp/$1" | awk '{print $4}' | tr '\n' ' '; }

# --- village -> township -> county ---------------------------------------------------------
run 0 "the township's first file for 安宁村" $town --as panlian sync --to-file "$tmp/first.sgx" --for 510421100001
run 0 "安宁村's PC joins" $pc sync --from-file "$tmp/first.sgx"
run 0 "the PC's open needs" $pc find need
need=$(grep "	Open$" "$tmp/out" | head -n 1 | cut -f1)
run 0 "one of them" $pc show "$need"
res=$(sed -n 's/^Resident: .*(\(res-[^)]*\))$/\1/p' "$tmp/out")
resname=$(sed -n 's/^Resident: \(.*\) (res-.*$/\1/p' "$tmp/out")
[ -n "$res" ] && ok "the need of $resname ($res)" || no "no open need of a resident"
run 0 "a referral on the PC" $pc referral new --resident "$res" --need "$need" --category elderly --reason "失能老人需长期照护" --consent yes --submit
ref=$(cat "$tmp/out")
run 0 "the PC's file" $pc sync --to-file "$tmp/v1.sgx"
run 0 "the township takes it" $town --as panlian sync --from-file "$tmp/v1.sgx"
run 0 "the township accepts" $town --as panlian referral accept "$ref"
run 0 "and escalates to the county" $town --as panlian referral escalate "$ref" --reason "需县级评估"
child=$(sed -n 's/^Sent on as the new referral \([^ .]*\)\.$/\1/p' "$tmp/out")
[ -n "$child" ] && ok "the referral to the county is $child" || no "no referral sent on"
run 0 "the township's file for the county" $town --as panlian sync --referrals-to "$tmp/t1.sgx"
run 0 "a county server" $county init --county 510421 "米易县" --township 510421100 "攀莲镇"
run 0 "with 安宁村" $county unit add 510421100001 "安宁村"
run 0 "the county takes the township's file" $county sync --from-file "$tmp/t1.sgx"
run 0 "the county accepts" $county referral accept "$child"

# --- the county escalates to its city --------------------------------------------------------
run 1 "no city registered: nothing above the county" $county referral escalate "$child" --reason "需市级机构"
has err "no unit above yours" "it says so"
run 1 "nor a file for a city" $county sync --referrals-to "$tmp/x.sgx"
has err "shegong unit add CODE NAME" "it says to add the city"
run 0 "the county registers its city" $county unit add 5104 "攀枝花市"
run 0 "the county escalates to the city" $county referral escalate "$child" --reason "需市级精神康复评估"
gchild=$(sed -n 's/^Sent on as the new referral \([^ .]*\)\.$/\1/p' "$tmp/out")
[ -n "$gchild" ] && ok "the referral to the city is $gchild" || no "no referral sent on"
run 0 "on the county" $county referral show "$gchild"
has out "^Referred by: 米易县 (unit-" "from the county"
has out "^Referred to: 攀枝花市 (unit-" "to the city"
run 0 "a supervisor on the county" $county user add xdudao --role supervisor --unit 510421 --name 县督导
run 1 "a supervisor writes no referrals file" $county --as xdudao sync --referrals-to "$tmp/x.sgx"
run 0 "the county writes its referrals for the city" $county sync --referrals-to "$tmp/k1.sgx"
has out "for the city's server: 1 referrals, [1-9][0-9]* people and needs they carry" "it says how many"

# --- the city takes it --------------------------------------------------------------------
run 0 "a city server" $city init --city 5104 "攀枝花市" --county 510421 "米易县"
run 1 "it lacks 安宁村's township: refused" $city sync --from-file "$tmp/k1.sgx"
has err "which this database does not have" "it names the unit to add"
run 0 "the city adds the township" $city unit add 510421100 "攀莲镇"
run 0 "and the village" $city unit add 510421100001 "安宁村"
run 0 "a supervisor on the city" $city user add sdudao --role supervisor --unit 5104 --name 市督导
run 1 "a supervisor takes no referrals file" $city --as sdudao sync --from-file "$tmp/k1.sgx"
damage "$tmp/k1.sgx"
run 1 "a file cut short is refused" $city sync --from-file "$tmp/k1.sgx.cut"
has err "damaged or cut short" "it says so"
run 1 "an altered file is refused" $city sync --from-file "$tmp/k1.sgx.bad"
python3 - "$tmp/k1.sgx" "$tmp/many" <<'PY'
import sys
b = open(sys.argv[1], 'rb').read()
n = len(b)
for k in range(16):
    at = k * (n - 1) // 15
    open('%s.cut%d' % (sys.argv[2], k), 'wb').write(b[:at])
    x = bytearray(b)
    x[at] ^= 0x20
    open('%s.bad%d' % (sys.argv[2], k), 'wb').write(bytes(x))
PY
taken=0
k=0
while [ $k -lt 16 ]; do
  for f in "$tmp/many.cut$k" "$tmp/many.bad$k"; do
    "$bin" $city sync --from-file "$f" >/dev/null 2>&1 </dev/null && taken=$((taken + 1))
  done
  k=$((k + 1))
done
[ "$taken" -eq 0 ] && ok "32 files cut or altered all refused" || no "$taken damaged files taken"
run 0 "nothing came" $city referral list --all
[ ! -s "$tmp/out" ] && ok "no referral on the city yet" || no "a referral was taken"
run 1 "the county's own file back to it" $county sync --from-file "$tmp/k1.sgx"
run 0 "the city takes the file" $city sync --from-file "$tmp/k1.sgx"
has out "from 米易县 (510421): [0-9]* records: [1-9][0-9]* new or newer saved" "what it took"
run 0 "the city's inbox" $city referral list
has out "^$gchild	" "the county's referral is in the city's inbox"
run 0 "the referral on the city" $city referral show "$gchild"
has out "^Resident: $resname (" "with its person"
has out "^Needs referred: $need" "and its need"
has out "^Reason for referral: 需市级精神康复评估" "and the county's reason"
has out "^Referred by: 米易县 (unit-" "from the county, as the city knows it"
has out "^Referred to: 攀枝花市 (unit-" "to the city"
run 0 "the city reads the person" $city show "$res"
has out "$resname" "the person is on the city"
run 0 "the city reads the need" $city show "$need"
has out "^Village: 安宁村 (unit-" "in 安宁村 as the city knows it"
before=$(snap $city)
run 0 "the same file twice" $city sync --from-file "$tmp/k1.sgx"
has out "nothing new" "changes nothing"
[ "$(snap $city)" = "$before" ] && ok "the city's referrals as they were" || no "the second file changed the city"

# --- the city answers; the county takes it -------------------------------------------------
run 0 "the city accepts" $city referral accept "$gchild"
run 0 "and resolves it" $city referral resolve "$gchild" --outcome success --feedback "市精神康复中心已接收评估"
run 1 "the city names the county" $city sync --referrals-to "$tmp/x.sgx"
has err "with --for CODE" "it says how"
run 1 "a village is no county" $city sync --referrals-to "$tmp/x.sgx" --for 510421100001
run 1 "nor is a township" $city sync --referrals-to "$tmp/x.sgx" --for 510421100
run 1 "nor a supervisor's file" $city --as sdudao sync --referrals-to "$tmp/x.sgx" --for 510421
run 0 "the city writes its answer for 米易县" $city sync --referrals-to "$tmp/s1.sgx" --for 510421
has out "for the county's server: 1 referrals" "it says how many"
damage "$tmp/s1.sgx"
run 1 "cut short: refused on the county" $county sync --from-file "$tmp/s1.sgx.cut"
run 1 "altered: refused on the county" $county sync --from-file "$tmp/s1.sgx.bad"
run 1 "the township takes no city's file" $town --as panlian sync --from-file "$tmp/s1.sgx"
run 0 "the county takes the answer" $county sync --from-file "$tmp/s1.sgx"
has out "1 referrals merged" "merged"
run 0 "the county sees it" $county referral show "$gchild"
has out "^Status: Resolved" "resolved on the county"
has out "^Feedback to the village: 市精神康复中心已接收评估" "the city's feedback"
[ "$(history out)" = "Created Submit Accept Resolve " ] && ok "the history whole and in order" ||
  no "history: $(history out)"
before=$(snap $county)
run 0 "the same answer twice" $county sync --from-file "$tmp/s1.sgx"
has out "nothing new" "changes nothing"
[ "$(snap $county)" = "$before" ] && ok "the county's referrals as they were" || no "the second answer changed the county"
run 0 "the county closes it" $county referral close "$gchild"
run 0 "and tells the city" $county sync --referrals-to "$tmp/k2.sgx"
run 0 "the city takes it" $city sync --from-file "$tmp/k2.sgx"
run 0 "the city sees it closed" $city referral show "$gchild"
has out "^Status: Closed" "closed on the city"
before=$(snap $city)
run 0 "the county's older file on the city" $city sync --from-file "$tmp/k1.sgx"
has out "nothing new" "changes nothing"
[ "$(snap $city)" = "$before" ] && ok "still closed on the city" || no "the older file changed the city"
run 0 "the city's older answer on the county" $county sync --from-file "$tmp/s1.sgx"
has out "nothing new" "changes nothing there either"
run 0 "another city server" --db "$tmp/city2" init --city 5104 "攀枝花市" --county 510421 "米易县"
run 0 "with 攀莲镇" --db "$tmp/city2" unit add 510421100 "攀莲镇"
run 0 "and 安宁村" --db "$tmp/city2" unit add 510421100001 "安宁村"
run 1 "a county's file with the city's steps in it is refused there" --db "$tmp/city2" sync --from-file "$tmp/k2.sgx"
has err "a step its side may not take (.* accept" "it names the step"
run 0 "nothing came" --db "$tmp/city2" referral list --all
[ ! -s "$tmp/out" ] && ok "no referral on that city" || no "a referral was taken"

# --- back down: county -> township -> village -----------------------------------------------
run 0 "the county resolves the township's referral with the city's answer" $county referral resolve "$child" --outcome success --feedback "市精神康复中心已接收评估"
run 0 "the county's answer for 攀莲镇" $county sync --referrals-to "$tmp/c1.sgx" --for 510421100
run 0 "the township takes it" $town --as panlian sync --from-file "$tmp/c1.sgx"
run 0 "the township sees it" $town --as panlian referral show "$child"
has out "^Status: Resolved" "resolved on the township"
has out "^Feedback to the village: 市精神康复中心已接收评估" "with the city's answer"
[ "$(history out)" = "Created Submit Accept Escalate Resolve " ] && ok "the township sees the county's escalation, in order" ||
  no "history: $(history out)"
hasnt out "$gchild" "the city's referral stays between county and city"
run 0 "the township resolves the original" $town --as panlian referral resolve "$ref" --outcome success --feedback "市精神康复中心已接收评估"
run 0 "the township's file for the PC" $town --as panlian sync --to-file "$tmp/d1.sgx" --for 510421100001
run 0 "the PC takes it" $pc sync --from-file "$tmp/d1.sgx"
run 0 "the referral on the PC" $pc referral show "$ref"
has out "^Status: Resolved" "resolved on the village's PC"
has out "^Feedback to the village: 市精神康复中心已接收评估" "with the city's answer"
[ "$(history out)" = "Created Submit Accept Escalate Resolve " ] && ok "the village's history whole and in order" ||
  no "history: $(history out)"

# --- a city station ------------------------------------------------------------------------
run 0 "the city registers its minors' protection centre" $city unit add 5104-01 攀枝花市未成年人保护中心 --takes youth
run 0 "and its worker" $city user add weibao --role township --unit 5104-01 --name 未保社工
run 0 "the county registers the centre too" $county unit add 5104-01 攀枝花市未成年人保护中心 --takes youth
run 0 "and a county centre for the elderly" $county unit add 510421-01 米易县养老服务中心 --takes elderly
sres=$("$bin" $town --as anning find resident "" --limit 5 </dev/null | cut -f1 | sed -n 2p)
[ -n "$sres" ] && ok "another resident of 安宁村 ($sres)" || no "no second resident"
run 0 "安宁村 refers a youth case" $town --as anning referral new --resident "$sres" --category youth --reason "留守儿童需心理干预" --consent yes --submit
sref=$(cat "$tmp/out")
run 0 "the township accepts" $town --as panlian referral accept "$sref"
run 0 "and escalates to the county" $town --as panlian referral escalate "$sref" --reason "需县级评估"
schild=$(sed -n 's/^Sent on as the new referral \([^ .]*\)\.$/\1/p' "$tmp/out")
run 0 "the township's file" $town --as panlian sync --referrals-to "$tmp/t2.sgx"
run 0 "the county takes it" $county sync --from-file "$tmp/t2.sgx"
run 0 "the county accepts" $county referral accept "$schild"
run 1 "a county station that takes no youth case" $county referral escalate "$schild" --reason 需专门机构 --to 510421-01
has err "does not take referrals of this category" "it says why"
run 0 "escalated to the city's centre" $county referral escalate "$schild" --reason "需市未成年人保护中心干预" --to 5104-01
sg=$(sed -n 's/^Sent on as the new referral \([^ .]*\)\.$/\1/p' "$tmp/out")
[ -n "$sg" ] && ok "the referral to the centre is $sg" || no "no referral sent on"
run 0 "the county's file for the city" $county sync --referrals-to "$tmp/k3.sgx"
run 0 "the city takes it" $city sync --from-file "$tmp/k3.sgx"
run 0 "the centre's inbox" $city --as weibao referral list
has out "^$sg	.*	攀枝花市未成年人保护中心	" "the referral is in the centre's inbox"
[ "$(wc -l <"$tmp/out")" -eq 1 ] && ok "and only it" || no "inbox lines: $(wc -l <"$tmp/out")"
run 0 "the centre reads the person it carries" $city --as weibao show "$sres"
run 0 "the centre accepts" $city --as weibao referral accept "$sg"
run 0 "and resolves it" $city --as weibao referral resolve "$sg" --outcome success --feedback "市未保中心每周心理辅导一次"
run 0 "the city's answer for 米易县" $city sync --referrals-to "$tmp/s2.sgx" --for 510421
run 0 "the county takes it" $county sync --from-file "$tmp/s2.sgx"
run 0 "the county sees the centre's answer" $county referral show "$sg"
has out "^Status: Resolved" "resolved on the county"
has out "^Feedback to the village: 市未保中心每周心理辅导一次" "the centre's feedback"
[ "$(history out)" = "Created Submit Accept Resolve " ] && ok "its history whole and in order" ||
  no "history: $(history out)"
run 0 "the county answers the township" $county referral resolve "$schild" --outcome success --feedback "市未保中心每周心理辅导一次"
run 0 "its file for 攀莲镇" $county sync --referrals-to "$tmp/c2.sgx" --for 510421100
run 0 "the township takes it" $town --as panlian sync --from-file "$tmp/c2.sgx"
run 0 "the township resolves the original" $town --as panlian referral resolve "$sref" --outcome success --feedback "市未保中心每周心理辅导一次"
run 0 "安宁村 reads the answer" $town --as anning referral show "$sref"
has out "^Feedback to the village: 市未保中心每周心理辅导一次" "the village has the city centre's answer"

# --- the same over ssh: the county's `sync --up` carries it to the city ---------------------
# The stand-in for ssh runs what sshd's forced command would run on the
# city's server (check-syncssh.c does it over a real sshd); the cut one
# passes only the first 400 bytes, as a link dropped on the way up.
printf '#!/bin/sh\nexec "%s" --db "%s" sync --serve\n' "$bin" "$tmp/city" >"$tmp/to-city"
printf '#!/bin/sh\nhead -c 400 | "%s" --db "%s" sync --serve\n' "$bin" "$tmp/city" >"$tmp/to-city-cut"
chmod +x "$tmp/to-city" "$tmp/to-city-cut"
xres=$("$bin" $town --as anning find resident "" --limit 5 </dev/null | cut -f1 | sed -n 3p)
[ -n "$xres" ] && ok "a third resident of 安宁村 ($xres)" || no "no third resident"
run 0 "安宁村 refers an elderly case" $town --as anning referral new --resident "$xres" --category elderly --reason "独居老人需机构照护" --consent yes --submit
xref=$(cat "$tmp/out")
run 0 "the township accepts" $town --as panlian referral accept "$xref"
run 0 "and escalates to the county" $town --as panlian referral escalate "$xref" --reason "需县级评估"
xchild=$(sed -n 's/^Sent on as the new referral \([^ .]*\)\.$/\1/p' "$tmp/out")
run 0 "the township's file" $town --as panlian sync --referrals-to "$tmp/t3.sgx"
run 0 "the county takes it" $county sync --from-file "$tmp/t3.sgx"
run 0 "the county accepts" $county referral accept "$xchild"
run 0 "and escalates to the city" $county referral escalate "$xchild" --reason "需市级养老机构"
xg=$(sed -n 's/^Sent on as the new referral \([^ .]*\)\.$/\1/p' "$tmp/out")
[ -n "$xg" ] && ok "the referral to the city is $xg" || no "no referral sent on"
run 1 "sync --up cut on the way up" $county sync --up city.example --ssh "$tmp/to-city-cut"
run 0 "the city's referrals" $city referral list --all
hasnt out "^$xg	" "the city took nothing of it"
run 0 "sync --up over ssh" $county sync --up city.example --ssh "$tmp/to-city"
has out "referrals escalated to the city" "it says the referrals went"
has out "The city server keeps the county's figures" "and the figures after them"
run 0 "the city has it" $city referral show "$xg"
has out "^Status: Submitted" "submitted at the city"
run 0 "the city accepts" $city referral accept "$xg"
run 0 "and resolves it" $city referral resolve "$xg" --outcome success --feedback "市养老院接收入住"
run 0 "the county's next sync --up" $county sync --up city.example --ssh "$tmp/to-city"
run 0 "the county sees the city's answer" $county referral show "$xg"
has out "^Status: Resolved" "resolved on the county"
has out "^Feedback to the village: 市养老院接收入住" "with the city's feedback"
[ "$(history out)" = "Created Submit Accept Resolve " ] && ok "its history whole and in order" ||
  no "history: $(history out)"
c1=$(snap $city); k1=$(snap $county)
run 0 "a run more" $county sync --up city.example --ssh "$tmp/to-city"
[ "$(snap $city)" = "$c1" ] && ok "changes nothing at the city" || no "the city changed"
[ "$(snap $county)" = "$k1" ] && ok "nor at the county" || no "the county changed"
printf '#!/bin/sh\nexec "%s" --demo --db "%s" --as panlian sync --serve\n' "$bin" "$tmp/town" >"$tmp/to-town"
chmod +x "$tmp/to-town"
run 1 "the township's server does not take the county's referrals the county's file" $county sync --up city.example --ssh "$tmp/to-town"
has err "Nothing was taken" "it says nothing was taken"

echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
