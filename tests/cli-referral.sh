#!/bin/sh
# cli-referral.sh: `shegong referral` end to end, as each worker (--as)
# on the demo database and on one made with init: the demo's referrals
# seen from both ends, a new referral from a village (consent required),
# returned with a reason and submitted again, accepted, started,
# resolved with feedback, closed; withdrawing; escalating to the county
# station and answering back down; the slip; news and --mark; and the
# refusals with their exit codes (another village, the wrong side, the
# wrong stage, a missing reason, a supervisor, usage mistakes).
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-ref-XXXXXX")
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
field() { # field NAME: a field of the last `referral show`
  sed -n "s/^$1: //p" "$tmp/out" | head -n 1
}

export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB
export SHEGONG_FORMSDIR=${SHEGONG_FORMSDIR:-$(dirname "$0")/../forms}

# --- the demo's referrals, from both ends ----------------------------------------
demo="$tmp/demo"
D="--demo --db $demo"
run 0 "the village's outbox" $D --as anning referral list
# one in each state: draft, submitted, accepted, returned, in progress,
# resolved, closed, withdrawn, escalated
[ "$(wc -l <"$tmp/out")" -eq 9 ] && ok "nine sample referrals" || no "outbox lines: $(wc -l <"$tmp/out")"
for s in draft submitted accepted returned in_progress resolved closed withdrawn escalated; do
  has out "	$s	" "one $s"
done
has out "	submitted	urgent	.*	安宁村	攀莲镇	" "a submitted one, from 安宁村 to 攀莲镇"
has out "	accepted	" "an accepted one"
has out "	resolved	" "a resolved one"
[ "$(awk -F'\t' '{print NF}' "$tmp/out" | sort -u)" = 10 ] && ok "ten columns" || no "columns"
run 0 "the township's inbox" $D --as panlian referral list
[ "$(wc -l <"$tmp/out")" -eq 8 ] && ok "the station sees the eight sent (not the draft)" || no "inbox lines: $(wc -l <"$tmp/out")"
head -n 1 "$tmp/out" | grep -q "	submitted	urgent	" && ok "open and urgent first" || no "inbox order"
resolved=$(grep "	resolved	" "$tmp/out" | cut -f1)
submitted=$(grep "	submitted	" "$tmp/out" | cut -f1)
run 0 "the township lists by state" $D --as panlian referral list --all --state resolved
[ "$(cut -f1 "$tmp/out")" = "$resolved" ] && ok "--state keeps the resolved one" || no "--state"
run 0 "another village sees none" $D --as guabang referral list --all
[ ! -s "$tmp/out" ] && ok "guabang's list is empty" || no "guabang sees referrals"
run 1 "another village cannot read one" $D --as guabang referral show "$resolved"
has err "not within your reach" "the refusal says why"
run 0 "the feedback reaches the village" $D --as anning referral show "$resolved"
has out "^Feedback to the village: 已纳入特困供养" "the feedback is shown"
has out "^Steps open to you: close" "the village may close it"
has out "杨社工  Resolve" "the history names who resolved it, by name"
hasnt out "(panlian)" "the history shows no login"
run 0 "the demo user is a village worker of 安宁村" $D referral list
[ "$(wc -l <"$tmp/out")" -eq 9 ] && ok "and sees the same outbox" || no "demo user's outbox: $(wc -l <"$tmp/out")"
run 0 "the supervisor reads all" $D --as dudao referral list --all
[ "$(wc -l <"$tmp/out")" -eq 9 ] && ok "the eight sent and the one sent up, for the supervisor" || no "supervisor lines: $(wc -l <"$tmp/out")"
run 1 "the supervisor cannot accept" $D --as dudao referral accept "$submitted"
has err "Only the room that sent" "the supervisor is told who acts"
run 1 "the village cannot accept" $D --as anning referral accept "$submitted"
has err "other side" "the side refusal"
run 0 "news for the station" $D --as panlian referral news
has out "^incoming	1" "one incoming"
run 0 "the station marks it seen" $D --as panlian referral news --mark
run 0 "news again" $D --as panlian referral news
has out "^incoming	0" "nothing new after --mark"

# --- a database made with init: its workers ------------------------------------------
db="$tmp/db"
run 0 "init" --db "$db" init --county 510421 "米易县" --township 510421100 "攀莲镇" \
  --village 510421100001 "安宁村" --village 510421100002 "挂榜村"
run 0 "a village worker" --db "$db" user add anning --role village --unit 510421100001 --name 李红梅
run 0 "the station" --db "$db" user add panlian --role township --unit 510421100 --name 杨社工
run 0 "the county station" --db "$db" user add xian --role township --unit 510421
A="--db $db --as"

# --- the round trip on the demo, with one of 安宁村's needs --------------------------
need=$("$bin" $D --as anning find need "" --limit 200 | cut -f1 | head -n 1)
run 0 "show the need" $D --as anning show "$need"
needres=$(sed -n 's/^Resident: .*(\(res-[0-9a-f]*-[0-9]*\))$/\1/p' "$tmp/out")
[ -n "$needres" ] && ok "the need names its resident" || no "no resident on the need"

run 2 "new without consent" $D --as anning referral new --resident "$needres" --category elderly --reason "需要照护"
run 2 "consent must be yes or no" $D --as anning referral new --resident "$needres" --category elderly --reason x --consent maybe
run 2 "a resident id that is not one" $D --as anning referral new --resident "$need" --category elderly --reason x --consent yes
run 1 "an unknown category" $D --as anning referral new --resident "$needres" --category frob --reason x --consent yes
has err "Kind of case" "the field is named"
run 1 "submitting without consent" $D --as anning referral new --resident "$needres" --need "$need" \
  --category elderly --reason "需要照护" --consent no --submit
has err "consent" "consent is asked for"
run 1 "another village cannot refer this resident" $D --as guabang referral new --resident "$needres" \
  --category elderly --reason x --consent yes
has err "not one of your unit" "the resident is out of reach"

run 0 "a new draft" $D --as anning referral new --resident "$needres" --need "$need" --category elderly \
  --urgency soon --reason "独居，需要上门照护" --done "已走访" --consent yes --contact 13800000000
ref=$(cat "$tmp/out")
case $ref in ref-*) ok "the new id is printed";; *) no "new printed $ref";; esac
run 0 "show the draft" $D --as anning referral show "$ref"
[ "$(field Status)" = "Draft" ] && ok "a draft" || no "status $(field Status)"
has out "^Steps open to you: submit (Submit) withdraw (Withdraw)" "submit and withdraw offered"
run 1 "the station does not act on a draft" $D --as panlian referral accept "$ref"
run 0 "submit" $D --as anning referral submit "$ref"
has out "Submitted" "submitted"
has out "due by" "the due date is said"
run 0 "show the need now" $D --as anning show "$need"
has out "^Status: Referred" "the need is referred"
run 1 "return without a reason" $D --as panlian referral return "$ref"
has err "reason" "the reason is asked for"
run 0 "the village has seen the demo's news" $D --as anning referral news --mark
run 0 "return with a reason" $D --as panlian referral return "$ref" --reason "请补充家属联系方式"
run 0 "the village hears it came back" $D --as anning referral news
has out "^returned	1" "one returned"
run 0 "show the need again" $D --as anning show "$need"
has out "^Status: Open" "the need is open again"
run 0 "submit again" $D --as anning referral submit "$ref" --note "已补充"
run 0 "accept" $D --as panlian referral accept "$ref"
run 1 "accept twice" $D --as panlian referral accept "$ref"
has err "stage" "the stage refusal"
run 0 "start" $D --as panlian referral start "$ref"
run 2 "resolve with an unknown outcome" $D --as panlian referral resolve "$ref" --outcome frob --feedback x
run 1 "resolve without an outcome" $D --as panlian referral resolve "$ref" --feedback x
run 1 "resolve refused without a reason" $D --as panlian referral resolve "$ref" --outcome refused --feedback x
run 1 "resolve without feedback" $D --as panlian referral resolve "$ref" --outcome success
has err "feedback" "the feedback is asked for"
run 0 "resolve" $D --as panlian referral resolve "$ref" --outcome success --feedback "已安排每周上门两次"
run 0 "show the need resolved" $D --as anning show "$need"
has out "^Status: Met" "the need is met"
run 1 "the station cannot close" $D --as panlian referral close "$ref"
run 0 "the village closes" $D --as anning referral close "$ref" --note "回访满意"
run 0 "show it closed" $D --as anning referral show "$ref"
[ "$(field Status)" = "Closed" ] && ok "closed" || no "status $(field Status)"
for step in Created Submit Return Accept Start Resolve Close; do
  has out "  $step" "history: $step"
done
run 0 "the audit trail" $D --as admin audit --record "$ref"
for step in submit return accept start resolve close; do
  has out "	$step	" "audit: $step"
done
run 0 "the slip" $D --as anning referral slip "$ref"
has out "Referral slip" "the slip's title"
has out "Stub" "the stub"
has out "Return slip" "the return slip"
has out "\*\*\*\*\*\*\*\*" "the ID number is masked"
[ "$(grep -c 'cut here' "$tmp/out")" = 2 ] && ok "two cut lines" || no "cut lines"
[ "$(wc -L <"$tmp/out")" -le 80 ] && ok "no line over 80 columns" || no "a line of $(wc -L <"$tmp/out") columns"
run 0 "the slip is logged" $D --as admin audit --record "$ref"
has out "export" "as an export"

# escalate: the station sends it on to the county, the county answers
run 0 "another referral" $D --as anning referral new --resident "$needres" --need "$need" --category mental \
  --urgency urgent --reason "疑似精神障碍，需要专业评估" --consent yes --submit
ref2=$(cat "$tmp/out")
run 0 "accept it" $D --as panlian referral accept "$ref2"
run 1 "escalate without a reason" $D --as panlian referral escalate "$ref2"
run 0 "escalate" $D --as panlian referral escalate "$ref2" --reason "需县精神卫生中心评估"
has out "Sent on as the new referral ref-" "the new referral is named"
child=$(sed -n 's/^Sent on as the new referral \(ref-[^.]*\)\.$/\1/p' "$tmp/out")
run 0 "the county's inbox" $D --as xian referral list
has out "^$child	" "the county station sees it"
run 1 "the village cannot see the county's" $D --as anning referral show "$child"
run 0 "the county accepts" $D --as xian referral accept "$child"
run 0 "the county resolves" $D --as xian referral resolve "$child" --outcome success --feedback "已接收评估"
run 0 "the station resolves the village's" $D --as panlian referral resolve "$ref2" --outcome no_capacity \
  --reason "县里接手" --feedback "已转县精神卫生中心"
run 0 "the village sees the answer" $D --as anning referral show "$ref2"
[ "$(field Status)" = "Resolved" ] && ok "resolved after escalation" || no "status $(field Status)"

# withdraw
run 0 "a third" $D --as anning referral new --resident "$needres" --category other --reason "测试" --consent yes --submit
ref3=$(cat "$tmp/out")
run 1 "the station cannot withdraw" $D --as panlian referral withdraw "$ref3"
run 0 "withdraw" $D --as anning referral withdraw "$ref3" --note "家属已解决"
run 0 "show it withdrawn" $D --as anning referral show "$ref3"
[ "$(field Status)" = "Withdrawn" ] && ok "withdrawn" || no "status $(field Status)"

# usage
run 2 "referral alone" $D --as anning referral
run 2 "an unknown step" $D --as anning referral frobnicate
run 2 "not an id" $D --as anning referral show nonsense
run 1 "an id of another kind" $D --as anning referral show "$need"
run 2 "two boxes" $D --as anning referral list --inbox --outbox
run 2 "an unknown state" $D --as anning referral list --state frob
run 2 "news with an unknown option" $D --as anning referral news --frob
run 0 "help lists referral" --help
has out "referral list" "referral in the help"

# the init'd database: a worker without residents still lists, empty
run 0 "an empty inbox" $A panlian referral list
[ ! -s "$tmp/out" ] && ok "nothing in a new database" || no "a new database has referrals"
run 0 "news in a new database" $A anning referral news
has out "^incoming	0" "no news"
run 1 "no account, no referrals" --db "$db" --as nobody referral list

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
