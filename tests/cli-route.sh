#!/bin/sh
# cli-route.sh: routing by category (分类转介) end to end on the demo
# database: an administrator registers specialised stations under the
# county and a township with the referral categories they take (and is
# refused a bad code, no --takes, an unknown or doubled category, --takes
# on a township, a station elsewhere, a non-administrator); `unit
# stations` lists what each unit may address, nearest first; a village
# refers a troubled youth to the county's minors' protection centre,
# whose worker finds it in the inbox with its due date, reads the person
# it carries (and nothing else), accepts, resolves with feedback (its
# report counts it received and resolved: 接收转介), and the
# village reads the feedback and closes it; a station that does not take
# the category, or serves another township, is refused with the reason.
# A township escalates a youth case to the county's centre (refused to a
# station that does not take it, to another township, to no unit); an
# administrator changes what a station takes (`unit edit --takes`): new
# referrals follow, those addressed to it stay; bad lists are refused.
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-route-XXXXXX")
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

export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB
export SHEGONG_FORMSDIR=${SHEGONG_FORMSDIR:-$(dirname "$0")/../forms}

D="--demo --db $tmp/demo"
run 0 "the demo database" $D unit list

# --- registering stations --------------------------------------------------------
run 0 "the county's minors' protection centre" $D --as admin unit add 510421-01 米易县未成年人保护中心 --takes youth,child
has out "specialised station" "registered as a station"
run 0 "a mental-health base, by the category's label" $D --as admin unit add 510421-02 米易县精神康复基地 --takes "Mental health"
run 0 "攀莲镇's youth station" $D --as admin unit add 510421100-01 攀莲镇青少年之家 --takes youth
run 0 "the list shows what each takes" $D unit list
has out "^510421-01	米易县未成年人保护中心	specialised station	youth,child$" "the centre takes youth and child"
has out "^510421-02	米易县精神康复基地	specialised station	mental$" "the label became its value"
has out "^510421100	攀莲镇	township$" "a township has no fourth column"
run 2 "a station without --takes" $D --as admin unit add 510421-03 某站
has err "needs --takes" "--takes is asked for"
run 1 "an unknown category" $D --as admin unit add 510421-03 某站 --takes youth,frob
has err '"frob"' "the bad category is named"
run 1 "a category twice" $D --as admin unit add 510421-03 某站 --takes youth,youth
has err "twice" "the double is named"
run 2 "--takes on a township" $D --as admin unit add 510421103 新镇 --takes youth
has err "specialised station" "--takes is for stations"
run 2 "a station under a village" $D --as admin unit add 510421100001-01 某站 --takes youth
run 2 "three digits after the dash" $D --as admin unit add 510421-001 某站 --takes youth
run 1 "a station under a county not registered" $D --as admin unit add 510422-01 某站 --takes youth
has err "not registered" "the missing parent is said"
run 1 "a village worker adds no station" $D --as anning unit add 510421-03 某站 --takes youth
run 0 "nothing half registered" $D unit list
hasnt out "某站" "no 某站"

# --- which stations a unit may address ----------------------------------------------
run 0 "安宁村's stations for youth" $D --as anning unit stations youth
[ "$(cut -f1 "$tmp/out" | tr '\n' ' ')" = "510421100-01 510421-01 " ] &&
  ok "its township's first, then the county's" || no "stations: $(cut -f1 "$tmp/out" | tr '\n' ' ')"
run 0 "安宁村's stations for mental health" $D --as anning unit stations mental
[ "$(cut -f1 "$tmp/out")" = "510421-02" ] && ok "the county's base" || no "mental stations"
run 0 "新山村 (丙谷镇) for youth" $D --as xinshan unit stations youth
[ "$(cut -f1 "$tmp/out")" = "510421-01" ] && ok "not 攀莲镇's station" || no "xinshan stations"
run 0 "every station in reach" $D --as anning unit stations
[ "$(wc -l <"$tmp/out")" -eq 3 ] && ok "three stations" || no "all stations"
run 1 "an unknown category" $D --as anning unit stations frob
run 2 "two categories" $D --as anning unit stations youth,mental

# --- a referral to a station and its answer ------------------------------------------
run 0 "the centre's worker" $D --as admin user add weibao --role township --unit 510421-01 --name 未保社工
run 1 "a village worker is no station's" $D --as admin user add weibao2 --role village --unit 510421-01
res=$("$bin" $D --as anning find resident "" --limit 5 | cut -f1 | head -n 1)
other=$("$bin" $D --as anning find resident "" --limit 5 | cut -f1 | sed -n 2p)
far=$("$bin" $D --as xinshan find resident "" --limit 5 | cut -f1 | head -n 1)
run 1 "the centre takes no mental-health case" $D --as anning referral new --resident "$res" \
  --category mental --reason 测试 --consent yes --to 510421-01 --submit
has err "does not take referrals of this category" "the refusal says why"
run 1 "another township's station" $D --as xinshan referral new --resident "$far" \
  --category youth --reason 测试 --consent yes --to 510421100-01 --submit
has err "serves another township" "the refusal says why"
run 0 "a troubled youth to the centre" $D --as anning referral new --resident "$res" \
  --category youth --urgency soon --reason "辍学，与家人冲突" --consent yes --to 510421-01 --submit
ref=$(cat "$tmp/out")
case $ref in ref-*) ok "the id is printed";; *) no "new printed $ref";; esac
run 0 "the centre's inbox" $D --as weibao referral list
[ "$(wc -l <"$tmp/out")" -eq 1 ] && ok "one referral, its own" || no "inbox lines: $(wc -l <"$tmp/out")"
has out "^$ref	ZJ-510421100001-.*	20[0-9-]*	20[0-9-]*	submitted	soon	.*	安宁村	米易县未成年人保护中心	" "with its due date, from 安宁村"
run 0 "news for the centre" $D --as weibao referral news
has out "^incoming	1" "one incoming"
run 0 "the centre reads it" $D --as weibao referral show "$ref"
has out "^Steps open to you: accept (Accept) return (Return)" "accept and return offered"
run 0 "the centre reads the person it carries" $D --as weibao show "$res"
run 1 "but not another of 安宁村's people" $D --as weibao show "$other"
run 0 "the centre lists none of the township's referrals" $D --as weibao referral list --all
[ "$(wc -l <"$tmp/out")" -eq 1 ] && ok "only its own" || no "all lines: $(wc -l <"$tmp/out")"
run 1 "攀莲镇's station cannot accept it" $D --as panlian referral accept "$ref"
run 0 "accept" $D --as weibao referral accept "$ref"
run 0 "start" $D --as weibao referral start "$ref"
run 0 "resolve with feedback" $D --as weibao referral resolve "$ref" --outcome success --feedback 已安排心理辅导和复学帮扶
run 0 "the centre's report" $D --as weibao report
has out "^Referrals received	1$" "it counts the referral it received"
has out "^Referrals resolved	1$" "and resolved"
hasnt out "^Referrals made" "no row of referrals made"
run 0 "the village reads the feedback" $D --as anning referral show "$ref"
has out "^Feedback to the village: 已安排心理辅导和复学帮扶" "the feedback is shown"
has out "未保社工  Resolve" "the history names the centre's worker"
run 0 "the village closes it" $D --as anning referral close "$ref"
run 0 "the supervisor sees it" $D --as dudao referral list --all
has out "^$ref	" "in the county's reach"

# --- escalating from a township to a county station -------------------------------
run 0 "a troubled youth to 攀莲镇" $D --as anning referral new --resident "$other" \
  --category youth --reason "长期逃学" --consent yes --submit
up=$(cat "$tmp/out")
run 0 "攀莲镇 accepts" $D --as panlian referral accept "$up"
run 1 "not to the mental-health base" $D --as panlian referral escalate "$up" --reason 需要专业帮扶 --to 510421-02
has err "does not take referrals of this category" "the refusal says why"
run 1 "not to another township" $D --as panlian referral escalate "$up" --reason 需要专业帮扶 --to 510421101
has err "escalated to the unit above yours, or to a specialised station" "the refusal says where"
run 1 "not to a station not registered" $D --as panlian referral escalate "$up" --reason 需要专业帮扶 --to 510421-09
has err "no unit has the code 510421-09" "the code is named"
run 0 "攀莲镇's referral is as it was" $D --as panlian referral show "$up"
has out "^Status: Accepted" "still accepted"
run 0 "on to the county's centre" $D --as panlian referral escalate "$up" --reason 需要专业帮扶 --to 510421-01
has out "Sent on as the new referral ref-" "the new referral is named"
upchild=$(sed -n 's/^Sent on as the new referral \(ref-[^.]*\)\.$/\1/p' "$tmp/out")
run 0 "the centre's inbox" $D --as weibao referral list
has out "^$upchild	.*	submitted	.*	攀莲镇	米易县未成年人保护中心	" "from 攀莲镇 to the centre"
run 0 "the county's own inbox" $D --as xian referral list --inbox
hasnt out "^$upchild	" "not the county station's"
run 0 "the centre accepts it" $D --as weibao referral accept "$upchild"

# --- changing what a station takes ------------------------------------------------
run 0 "the centre takes mental health too" $D --as admin unit edit 510421-01 --takes "youth,child,Mental health"
has out "^510421-01 now takes youth,child,mental (took youth,child)" "old and new said"
run 0 "安宁村's stations for mental health now" $D --as anning unit stations mental
[ "$(cut -f1 "$tmp/out" | tr '\n' ' ')" = "510421-01 510421-02 " ] && ok "the centre and the base, by code" ||
  no "mental stations: $(cut -f1 "$tmp/out" | tr '\n' ' ')"
run 0 "a mental-health case to the centre now" $D --as anning referral new --resident "$other" \
  --category mental --reason 测试 --consent yes --to 510421-01
run 0 "the centre no longer takes youth" $D --as admin unit edit 510421-01 --takes mental
run 1 "a youth case refused there now" $D --as anning referral new --resident "$other" \
  --category youth --reason 测试 --consent yes --to 510421-01
has err "does not take referrals of this category" "the refusal says why"
run 0 "its referrals stay" $D --as weibao referral list --all
[ "$(wc -l <"$tmp/out")" -eq 2 ] && ok "its youth cases stay" || no "lines: $(wc -l <"$tmp/out")"
run 1 "an unknown category" $D --as admin unit edit 510421-01 --takes frob
has err '"frob"' "the bad category is named"
run 1 "a category twice" $D --as admin unit edit 510421-01 --takes mental,mental
run 2 "no --takes" $D --as admin unit edit 510421-01
has err "needs a station's code and --takes" "--takes is asked for"
run 2 "a township takes nothing" $D --as admin unit edit 510421100 --takes youth
has err "no specialised station" "only stations take"
run 1 "a station not registered" $D --as admin unit edit 510421-09 --takes youth
has err "no unit with the code 510421-09" "the missing station is named"
run 1 "a village worker changes nothing" $D --as anning unit edit 510421-01 --takes youth
has err "only an administrator" "who may is said"
run 0 "the list" $D unit list
has out "^510421-01	米易县未成年人保护中心	specialised station	mental$" "it takes mental only"

echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
