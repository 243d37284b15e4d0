#!/bin/sh
# cli-sync.sh: `shegong sync` through files, as a village room with its
# own PC and its township would use a USB stick: the demo database is the
# township server; an empty folder becomes 安宁村's PC by taking the
# township's first file; a referral made on the PC goes up, is answered
# on the township and the answer comes down; --status before and after;
# the same file twice; a damaged, a cut-short and a foreign file refused
# with nothing taken; a step taken on both sides at once becomes a notice
# that a worker settles; and the usage mistakes, with their exit codes.
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-sync-XXXXXX")
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
count() { # count FILE: lines
  wc -l <"$tmp/$1" | tr -d ' '
}

export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB
export SHEGONG_FORMSDIR=${SHEGONG_FORMSDIR:-$(dirname "$0")/../forms}

town="--demo --db $tmp/town"
pc="--db $tmp/pc"

# --- the village PC joins its township ------------------------------------------
run 0 "the township writes a file for 安宁村" $town --as panlian sync --to-file "$tmp/first.sgx" --for 510421100001
has out "for 安宁村 (510421100001): [0-9]* records" "it says for whom and how many"
[ -f "$tmp/first.sgx" ] && [ ! -f "$tmp/first.sgx.tmp" ] && ok "the file is there, no .tmp left" || no "the file"
has out "With the forms (1[0-9] files)" "the forms go with the first file"
run 0 "an empty folder takes it" $pc sync --from-file "$tmp/first.sgx"
has out "from 攀莲镇 (510421100): [0-9]* records: [0-9]* new or newer saved" "what was taken"
has out "The township's forms (1[0-9] files) are in use here" "the forms are taken"
[ -f "$tmp/pc/forms/resident.form" ] && ok "the PC keeps them in its database folder" || no "no forms in the PC's folder"
[ -f "$tmp/pc/forms/visits" ] && ok "and the visits by category (forms/visits)" || no "no visits file in the PC's folder"
run 0 "the PC checks the forms it uses" $pc check-forms
has out "resident" "check-forms reads the PC's forms"
run 0 "the PC's status" $pc sync --status
has out "A village PC" "it is a village PC now"
has out "Waiting to go up: 0 records" "nothing waits"
has out "攀莲镇 (510421100), database [0-9a-f]*: last exchange 20" "the last exchange with the township"
run 0 "the PC knows the villages' referrals" $pc referral list
[ "$(count out)" -eq 9 ] && ok "the nine of 安宁村, one in each state" || no "referrals on the PC: $(count out)"
run 0 "and the residents" $pc find resident ""
pcres=$(count out)
run 0 "the township's residents of 安宁村" $town --as anning find resident ""
[ "$(count out)" -eq "$pcres" ] && ok "the same $pcres residents" || no "residents: $pcres on the PC"
res=$(head -n 1 "$tmp/out" | cut -f1)

# --- a referral made on the PC goes up ------------------------------------------------
run 0 "a referral made offline" $pc referral new --resident "$res" --category elderly --reason "独居老人无人照料" --consent yes --submit
ref=$(cat "$tmp/out")
run 0 "status again" $pc sync --status
has out "Waiting to go up: 1 records (1 referrals)" "the referral waits to go up"
run 0 "the PC writes its file" $pc sync --to-file "$tmp/up1.sgx"
has out "for 攀莲镇 (510421100): 1 records (1 referrals, 0 service records)" "one referral in it"
run 0 "the township takes it" $town --as panlian sync --from-file "$tmp/up1.sgx"
has out "1 new or newer saved" "one new record"
run 0 "the township's inbox" $town --as panlian referral list
grep -q "^$ref	" "$tmp/out" && ok "the referral is in the inbox" || no "not in the inbox"
run 0 "the same file again" $town --as panlian sync --from-file "$tmp/up1.sgx"
has out "nothing new" "nothing new the second time"
run 0 "the inbox again" $town --as panlian referral list
[ "$(grep -c "^$ref	" "$tmp/out")" -eq 1 ] && ok "not doubled" || no "doubled"

# --- the township answers, the answer comes down --------------------------------------
run 0 "accepted" $town --as panlian referral accept "$ref"
run 0 "resolved" $town --as panlian referral resolve "$ref" --outcome success --feedback "已安排志愿者每周上门"
run 0 "the township's file for the PC" $town --as panlian sync --to-file "$tmp/down1.sgx" --for 510421100001
if grep -q "With the forms" "$tmp/out"; then no "the forms sent again"; else ok "the forms are not sent again"; fi
run 0 "the PC takes it" $pc sync --from-file "$tmp/down1.sgx"
has out "1 referrals merged" "the referral merged"
run 0 "the referral on the PC" $pc referral show "$ref"
has out "^Status: Resolved" "resolved on the PC"
has out "^Feedback to the village: 已安排志愿者每周上门" "the feedback reached the village"
has out "^Steps open to you: close" "the village may close it"
run 0 "closed on the PC" $pc referral close "$ref"
run 0 "up again" $pc sync --to-file "$tmp/up2.sgx"
run 0 "the township takes it" $town --as panlian sync --from-file "$tmp/up2.sgx"
run 0 "the township sees it closed" $town --as panlian referral show "$ref"
has out "^Status: Closed" "closed on the township"

# --- refused files: nothing taken -----------------------------------------------------
cp "$tmp/up2.sgx" "$tmp/bad.sgx"
size=$(wc -c <"$tmp/bad.sgx")
printf 'X' | dd of="$tmp/bad.sgx" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
run 1 "a damaged file" $town --as panlian sync --from-file "$tmp/bad.sgx"
has err "damaged or cut short" "the damage is named"
head -c $((size - 40)) "$tmp/up2.sgx" >"$tmp/short.sgx"
run 1 "a file cut short" $town --as panlian sync --from-file "$tmp/short.sgx"
has err "Nothing was taken" "nothing taken"
echo "not an exchange file" >"$tmp/text.sgx"
run 1 "not an exchange file at all" $town --as panlian sync --from-file "$tmp/text.sgx"
run 1 "a missing file" $town --as panlian sync --from-file "$tmp/none.sgx"
has err "none.sgx" "the missing file is named"
run 1 "the PC's own file back to it" $pc sync --from-file "$tmp/up2.sgx"
has err "made by this same database" "its own file"
run 1 "another village's worker on the township" $town --as guabang sync --from-file "$tmp/up2.sgx"
has err "not one you look after" "another village"
run 1 "a supervisor" $town --as dudao sync --from-file "$tmp/up2.sgx"
has err "Supervisors do not exchange" "the supervisor"
run 1 "a file for another village, without --for" $town --as panlian sync --to-file "$tmp/x.sgx"
has err "say which" "a township names the village"
run 1 "a village that is not in reach" $town --as anning sync --to-file "$tmp/x.sgx" --for 510421100002
run 0 "the audit trail on the township" $town --as admin audit --worker panlian
has out "	sync	" "the exchanges are logged"
has out "	sync-out	" "the files written are logged"

# --- both sides step at once: a notice -----------------------------------------------
run 0 "another referral" $pc referral new --resident "$res" --category elderly --reason "需要助餐" --consent yes --submit
ref2=$(cat "$tmp/out")
run 0 "up" $pc sync --to-file "$tmp/up3.sgx"
run 0 "taken" $town --as panlian sync --from-file "$tmp/up3.sgx"
run 0 "the village withdraws it offline" $pc referral withdraw "$ref2" --note "家属已安排"
run 0 "while the township accepts it" $town --as panlian referral accept "$ref2"
run 0 "up" $pc sync --to-file "$tmp/up4.sgx"
run 0 "taken" $town --as panlian sync --from-file "$tmp/up4.sgx"
has out "1 notices for a worker to settle" "the township is told of a notice"
run 0 "down" $town --as panlian sync --to-file "$tmp/down4.sgx" --for 510421100001
run 0 "taken" $pc sync --from-file "$tmp/down4.sgx"
run 0 "the two sides agree" $pc referral show "$ref2"
pcstate=$(sed -n 's/^Status: //p' "$tmp/out")
run 0 "the township's" $town --as panlian referral show "$ref2"
[ "$(sed -n 's/^Status: //p' "$tmp/out")" = "$pcstate" ] && ok "both say $pcstate" || no "states differ"
run 0 "the PC's notices" $pc sync --notices
[ "$(count out)" -eq 1 ] && ok "one open notice" || no "notices: $(count out)"
has out "could no longer be taken" "it says what could not be taken"
run 2 "settle needs a number" $pc sync --settle x
run 1 "no such notice" $pc sync --settle 9
run 0 "settled" $pc sync --settle 1 --note "已与镇社工站电话确认"
run 0 "no notices left" $pc sync --notices
has out "No notices to settle" "none open"
run 0 "all of them" $pc sync --notices --all
has out "已与镇社工站电话确认" "the settled one keeps the note"

# --- usage ---------------------------------------------------------------------------------
run 2 "two things at once" $pc sync --status --notices
run 2 "--for without --to-file" $town --as panlian sync --for 510421100001
run 2 "an unknown option" $pc sync --frob
run 2 "a value missing" $pc sync --to-file
run 2 "no host remembered" $pc sync
has err "needs the township server's host" "the first time needs a host"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
