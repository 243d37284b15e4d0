#!/bin/sh
# cli-escalate.sh: a referral escalated across servers, through files,
# between three real databases: 安宁村's own PC, 攀莲镇's server (the demo
# database) and 米易县's server (made with init, its units' ids its own).
# The village makes a referral on its PC; it goes up; the township
# accepts and escalates it; `sync --referrals-to` carries it with its
# person and need to the county, which works it (accept, resolve) and
# writes its answer back (--for the township); the township sees the
# county's steps, resolves the original with the county's feedback, and
# the village's PC takes that at its next exchange.  At each step a file
# cut short or altered is refused whole and the same file twice changes
# nothing; a county lacking the village, a village worker, a supervisor,
# a township's file brought back to it and a township's file carrying
# the county's steps to a county that never took them are refused.
# Then a referral escalated (--to) to a county station, registered on
# both servers, is worked by the station's worker on the county server
# and its answer comes back to the township.
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

# --- the village makes a referral on its PC; the township escalates it -----------------
run 0 "the township's first file for 安宁村" $town --as panlian sync --to-file "$tmp/first.sgx" --for 510421100001
run 0 "安宁村's PC joins" $pc sync --from-file "$tmp/first.sgx"
run 0 "the PC's open needs" $pc find need
need=$(grep "	Open$" "$tmp/out" | head -n 1 | cut -f1)
run 0 "one of them" $pc show "$need"
res=$(sed -n 's/^Resident: .*(\(res-[^)]*\))$/\1/p' "$tmp/out")
resname=$(sed -n 's/^Resident: \(.*\) (res-.*$/\1/p' "$tmp/out")
[ -n "$res" ] && ok "the need of $resname ($res)" || no "no open need of a resident"
run 0 "a referral on the PC" $pc referral new --resident "$res" --need "$need" --category elderly --reason "独居老人需日间照料" --consent yes --submit
ref=$(cat "$tmp/out")
run 0 "the PC's file" $pc sync --to-file "$tmp/v1.sgx"
run 0 "the township takes it" $town --as panlian sync --from-file "$tmp/v1.sgx"
run 0 "the township accepts" $town --as panlian referral accept "$ref"
run 0 "and escalates to the county" $town --as panlian referral escalate "$ref" --reason "需县级日间照料中心"
child=$(sed -n 's/^Sent on as the new referral \([^ .]*\)\.$/\1/p' "$tmp/out")
[ -n "$child" ] && ok "the referral to the county is $child" || no "no referral sent on"

# --- up to the county ----------------------------------------------------------------
run 1 "a village worker writes no referrals file" $town --as anning sync --referrals-to "$tmp/x.sgx"
run 1 "nor a supervisor" $town --as dudao sync --referrals-to "$tmp/x.sgx"
run 1 "a township's file has no --for" $town --as panlian sync --referrals-to "$tmp/x.sgx" --for 510421100
run 0 "the township writes its referrals for the county" $town --as panlian sync --referrals-to "$tmp/t1.sgx"
has out "for the county's server: [1-9][0-9]* referrals, [1-9][0-9]* people and needs they carry" "it says how many"
run 0 "a county server" $county init --county 510421 "米易县" --township 510421100 "攀莲镇"
run 1 "it lacks 安宁村: refused" $county sync --from-file "$tmp/t1.sgx"
has err "code 510421100001, which this database does not have" "it names the unit to add"
run 0 "the county adds the village" $county unit add 510421100001 "安宁村"
damage "$tmp/t1.sgx"
run 1 "a file cut short is refused" $county sync --from-file "$tmp/t1.sgx.cut"
has err "damaged or cut short" "it says so"
run 1 "an altered file is refused" $county sync --from-file "$tmp/t1.sgx.bad"
# cut at 24 lengths and altered at 24 bytes spread over the file: each refused
python3 - "$tmp/t1.sgx" "$tmp/many" <<'PY'
import sys
b = open(sys.argv[1], 'rb').read()
n = len(b)
for k in range(24):
    at = k * (n - 1) // 23
    open('%s.cut%d' % (sys.argv[2], k), 'wb').write(b[:at])
    x = bytearray(b)
    x[at] ^= 0x20
    open('%s.bad%d' % (sys.argv[2], k), 'wb').write(bytes(x))
PY
taken=0
k=0
while [ $k -lt 24 ]; do
  for f in "$tmp/many.cut$k" "$tmp/many.bad$k"; do
    "$bin" $county sync --from-file "$f" >/dev/null 2>&1 </dev/null && taken=$((taken + 1))
  done
  k=$((k + 1))
done
[ "$taken" -eq 0 ] && ok "48 files cut or altered all refused" || no "$taken damaged files taken"
run 0 "nothing came" $county referral list --all
hasnt out "$child" "the referral is not on the county yet"
# over ssh (sync --up) only a county's account takes it; here a township's
"$bin" $town --as panlian sync --serve <"$tmp/t1.sgx" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && ok "sync --serve as a township's worker refuses it (exit 1)" || no "sync --serve took a referrals file"
has err "logged in as a worker of the county" "it says whose account takes it"
run 0 "the county takes the file" $county sync --from-file "$tmp/t1.sgx"
has out "from 攀莲镇 (510421100): [0-9]* records: [1-9][0-9]* new or newer saved" "what it took"
run 0 "the county's inbox" $county referral list
has out "^$child	" "the escalated referral is in the county's inbox"
run 0 "the referral on the county" $county referral show "$child"
has out "^Resident: $resname (" "with its person"
has out "^Needs referred: $need" "and its need"
has out "^Reason for referral: 需县级日间照料中心" "and the township's reason"
has out "^Referred by: 攀莲镇 (unit-" "from the township, as the county knows it"
has out "^Referred to: 米易县 (unit-" "to the county"
has out "^Steps open to you: accept" "the county may accept it"
run 0 "the county reads the person" $county show "$res"
has out "$resname" "the person is on the county"
run 0 "the county reads the need" $county show "$need"
has out "^Resident: $resname ($res)" "the need is on the county, its person named"
has out "^Village: 安宁村 (unit-" "in 安宁村 as the county knows it"
before=$(snap $county)
run 0 "the same file twice" $county sync --from-file "$tmp/t1.sgx"
has out "nothing new" "changes nothing"
[ "$(snap $county)" = "$before" ] && ok "the county's referrals as they were" || no "the second file changed the county"
run 1 "the township's own file back to it" $town --as panlian sync --from-file "$tmp/t1.sgx"

# --- the county works it and answers ----------------------------------------------------
run 0 "the county accepts" $county referral accept "$child"
run 0 "and resolves it" $county referral resolve "$child" --outcome success --feedback "县日间照料中心每周接送三次"
run 1 "the county names the township" $county sync --referrals-to "$tmp/x.sgx"
run 0 "the county writes its answer for 攀莲镇" $county sync --referrals-to "$tmp/c1.sgx" --for 510421100
has out "for the township's server: [1-9][0-9]* referrals" "it says how many"
damage "$tmp/c1.sgx"
run 1 "cut short: refused on the township" $town --as panlian sync --from-file "$tmp/c1.sgx.cut"
run 1 "altered: refused on the township" $town --as panlian sync --from-file "$tmp/c1.sgx.bad"
run 0 "the referral on the township" $town --as panlian referral show "$child"
has out "^Status: Submitted" "not answered yet"
run 0 "the township takes the answer" $town --as panlian sync --from-file "$tmp/c1.sgx"
has out "1 referrals merged" "merged"
run 0 "the township sees it" $town --as panlian referral show "$child"
has out "^Status: Resolved" "resolved on the township"
has out "^Feedback to the village: 县日间照料中心每周接送三次" "the county's feedback"
awk '/^History:/ {h = 1; next} h' "$tmp/out" | awk '{print $4}' >"$tmp/steps"
[ "$(tr '\n' ' ' <"$tmp/steps")" = "Created Submit Accept Resolve " ] && ok "the history whole and in order" ||
  no "history: $(tr '\n' ' ' <"$tmp/steps")"
before=$(snap $town --as panlian)
run 0 "the same answer twice" $town --as panlian sync --from-file "$tmp/c1.sgx"
has out "nothing new" "changes nothing"
[ "$(snap $town --as panlian)" = "$before" ] && ok "the township's referrals as they were" || no "the second answer changed the township"
run 0 "the township closes it" $town --as panlian referral close "$child"
run 0 "and tells the county" $town --as panlian sync --referrals-to "$tmp/t2.sgx"
run 0 "the county takes it" $county sync --from-file "$tmp/t2.sgx"
run 0 "the county sees it closed" $county referral show "$child"
has out "^Status: Closed" "closed on the county"
run 0 "another county server" --db "$tmp/county2" init --county 510421 "米易县" --township 510421100 "攀莲镇"
run 0 "with 安宁村" --db "$tmp/county2" unit add 510421100001 "安宁村"
run 1 "a township's file with the county's steps in it is refused there" --db "$tmp/county2" sync --from-file "$tmp/t2.sgx"
has err "a step its side may not take (.* accept" "it names the step"
run 0 "nothing came" --db "$tmp/county2" referral list --all
[ ! -s "$tmp/out" ] && ok "no referral on that county" || no "a referral was taken"
run 0 "the county's answer once more" $county sync --referrals-to "$tmp/c2.sgx" --for 510421100
run 0 "the township takes it" $town --as panlian sync --from-file "$tmp/c2.sgx"
has out "nothing new" "nothing new for the township"
run 0 "the county's audit trail" $county audit
n=$(grep -c "sync-out" "$tmp/out")
[ "$n" -eq 2 ] && ok "two files written there, logged" || no "sync-out entries: $n"

# --- on to the village ---------------------------------------------------------------------
run 0 "the township resolves the original with the county's answer" $town --as panlian referral resolve "$ref" --outcome success --feedback "县日间照料中心每周接送三次"
run 0 "the township's file for the PC" $town --as panlian sync --to-file "$tmp/d1.sgx" --for 510421100001
run 0 "the PC takes it" $pc sync --from-file "$tmp/d1.sgx"
run 0 "the referral on the PC" $pc referral show "$ref"
has out "^Status: Resolved" "resolved on the village's PC"
has out "^Feedback to the village: 县日间照料中心每周接送三次" "with the county's answer"
awk '/^History:/ {h = 1; next} h' "$tmp/out" | awk '{print $4}' >"$tmp/steps"
[ "$(tr '\n' ' ' <"$tmp/steps")" = "Created Submit Accept Escalate Resolve " ] && ok "the village's history whole and in order" ||
  no "history: $(tr '\n' ' ' <"$tmp/steps")"
run 0 "the same file twice on the PC" $pc sync --from-file "$tmp/d1.sgx"
has out "nothing new" "changes nothing"

# --- escalated to a county station, worked by its worker on the county ----------------
run 0 "the township registers the county's elderly-care centre" $town --as admin unit add 510421-01 米易县养老服务中心 --takes elderly
run 0 "and a youth centre" $town --as admin unit add 510421-02 米易县未成年人保护中心 --takes youth
sres=$("$bin" $town --as anning find resident "" --limit 5 </dev/null | cut -f1 | sed -n 2p)
[ -n "$sres" ] && ok "another resident of 安宁村 ($sres)" || no "no second resident"
run 0 "安宁村 refers on the township's server" $town --as anning referral new --resident "$sres" --category elderly --reason "失能老人需机构照护" --consent yes --submit
sref=$(cat "$tmp/out")
run 0 "the township accepts" $town --as panlian referral accept "$sref"
run 1 "a station no unit has" $town --as panlian referral escalate "$sref" --reason 需县级照护 --to 510421-09
has err "no unit has the code 510421-09" "it names the code"
run 1 "a station that takes no elderly case" $town --as panlian referral escalate "$sref" --reason 需县级照护 --to 510421-02
has err "does not take referrals of this category" "it says why"
run 1 "a village is no station" $town --as panlian referral escalate "$sref" --reason 需县级照护 --to 510421100001
has err "or to a specialised station" "it says where to escalate"
run 0 "still accepted, nothing sent" $town --as panlian referral show "$sref"
has out "^Status: Accepted" "the referral as it was"
run 0 "escalated to the centre" $town --as panlian referral escalate "$sref" --reason "需县养老服务中心评估入住" --to 510421-01
schild=$(sed -n 's/^Sent on as the new referral \([^ .]*\)\.$/\1/p' "$tmp/out")
[ -n "$schild" ] && ok "the referral to the centre is $schild" || no "no referral sent on"
run 0 "on the township" $town --as panlian referral show "$schild"
has out "^Referred to: 米易县养老服务中心 (unit-" "addressed to the centre"
run 0 "the township writes its referrals again" $town --as panlian sync --referrals-to "$tmp/t3.sgx"
run 1 "a county without the centre refuses it" $county sync --from-file "$tmp/t3.sgx"
has err "code 510421-01, which this database does not have" "it names the station to add"
run 0 "the county registers the centre" $county unit add 510421-01 米易县养老服务中心 --takes elderly
run 0 "and its worker" $county user add yanglao --role township --unit 510421-01 --name 养老社工
run 0 "the county takes the file" $county sync --from-file "$tmp/t3.sgx"
run 0 "the centre's inbox" $county --as yanglao referral list
has out "^$schild	.*	米易县养老服务中心	" "the escalated referral is in the centre's inbox"
[ "$(wc -l <"$tmp/out")" -eq 1 ] && ok "and only it" || no "inbox lines: $(wc -l <"$tmp/out")"
run 0 "the centre reads the person it carries" $county --as yanglao show "$sres"
run 0 "the centre accepts" $county --as yanglao referral accept "$schild"
run 0 "and resolves it" $county --as yanglao referral resolve "$schild" --outcome success --feedback "已评估，下月入住县养老服务中心"
run 0 "the county's answer for 攀莲镇" $county sync --referrals-to "$tmp/c3.sgx" --for 510421100
run 0 "the township takes it" $town --as panlian sync --from-file "$tmp/c3.sgx"
run 0 "the township sees the centre's answer" $town --as panlian referral show "$schild"
has out "^Status: Resolved" "resolved on the township"
has out "^Feedback to the village: 已评估，下月入住县养老服务中心" "the centre's feedback"
awk '/^History:/ {h = 1; next} h' "$tmp/out" | awk '{print $4}' >"$tmp/steps"
[ "$(tr '\n' ' ' <"$tmp/steps")" = "Created Submit Accept Resolve " ] && ok "its history whole and in order" ||
  no "history: $(tr '\n' ' ' <"$tmp/steps")"
run 0 "the township resolves the original" $town --as panlian referral resolve "$sref" --outcome success --feedback "已评估，下月入住县养老服务中心"
run 0 "安宁村 reads the answer" $town --as anning referral show "$sref"
has out "^Feedback to the village: 已评估，下月入住县养老服务中心" "the village has the centre's answer"

echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
