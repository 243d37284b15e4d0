#!/bin/sh
# cli.sh: the command line as a script would use it: help, version, init
# from options and from files (UTF-8 and GB18030), refusals that save
# nothing, the demo database, messages in Chinese and in GB18030, finding
# and showing records, checking the forms, the refusals of hours,
# balance and certificate, the audit trail (its listing and filters, a
# certificate logged as an export) and check (a tampered audit entry,
# missing index entries and their repair); workers' accounts (user add,
# list, disable, set; who may), --as and its audit entry, and the
# terminal settings an account puts in force.
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-cli-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "FAIL - $1"; sed 's/^/    /' "$tmp/out" "$tmp/err" 2>/dev/null; }
# run EXPECTED-STATUS NAME ARGS...: run the program, keep its output
run() {
  want=$1 name=$2
  shift 2
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  got=$?
  if [ "$got" -eq "$want" ]; then ok "$name (exit $got)"; else no "$name: exit $got, wanted $want"; fi
}
has() { # has FILE TEXT NAME
  if grep -q -- "$2" "$tmp/$1"; then ok "$3"; else no "$3: no \"$2\" in $1"; fi
}
entries() { # entries DIR DBI: records in a named database, read by LMDB's own tool
  mdb_stat -s "$2" "$1" 2>/dev/null | sed -n 's/^ *Entries: *//p'
}

export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB

run 0 "--help" --help
has out "init --county" "help lists init"
run 0 "--version" --version
has out "shegong [0-9]" "version printed"
run 2 "unknown option" --bogus
has err "unknown option" "unknown option named"
run 2 "unknown command" frobnicate
# one command's help: after the command, or through help; nothing opened
run 0 "a command's --help" --db "$tmp/h" import resident --help
has out "import KIND FILE" "import --help gives import's synopsis"
has out "nothing is imported while a row is bad" "and what it does"
grep -q "^  check" "$tmp/out" && no "import --help lists the other commands" || ok "import --help is import's alone"
[ -e "$tmp/h" ] && no "import --help made a database folder" || ok "import --help opens no database"
run 0 "-h after a family's step" referral new -h
has out "referral new --resident" "referral -h gives referral's synopsis"
run 0 "help COMMAND" help check
has out "check \[--repair\]" "help check gives check's synopsis"
run 2 "help of an unknown command" help frobnicate
has err "unknown command" "help names the unknown command"
run 2 "--help after -- is an operand" --db "$tmp/h" find -- --help
has err 'called "--help"' "after --, --help is find's operand, not a call for help"
run 2 "init with no units" --db "$tmp/a" init
has err "county" "init says what it needs"

run 0 "init from options" --db "$tmp/a" init --county 510421 "米易县" \
  --township 510421100 "攀莲镇" --village 510421100001 "安宁村"
has out "3 org units" "init reports what it made"
[ "$(entries "$tmp/a" rec)" = 4 ] && ok "3 units and 1 worker stored" || no "records after init: $(entries "$tmp/a" rec)"
run 1 "init twice is refused" --db "$tmp/a" init --county 510421 "米易县"
has err "already" "second init says the database is there"
[ "$(entries "$tmp/a" rec)" = 4 ] && ok "second init changed nothing" || no "records changed"

run 2 "a township code of the wrong length" --db "$tmp/b" init --county 510421 "米易县" --township 5104211 "错"
run 1 "a village whose township is missing" --db "$tmp/b" init --county 510421 "米易县" \
  --village 510421100001 "安宁村"
has err "not registered yet" "missing parent explained"
has err "Nothing was saved" "and nothing saved"
[ "$(entries "$tmp/b" rec)" = 0 ] && ok "no half-written units" || no "records after failed init: $(entries "$tmp/b" rec)"
run 0 "init after a failed init" --db "$tmp/b" init --county 510421 "米易县"

printf '# Miyi\n510421 米易县\n510421101 丙谷镇\n\n510421101001\t新山村\n' >"$tmp/units.txt"
iconv -f UTF-8 -t GB18030 "$tmp/units.txt" >"$tmp/units-gb.txt"
run 0 "init from a GB18030 units file" --db "$tmp/c" init --units "$tmp/units-gb.txt"
has out "3 org units" "all three units read"
printf '510421 米易县\n510421101 丙谷镇\n5104211010 新山村\n' >"$tmp/bad.txt"
run 1 "a units file with a bad line" --db "$tmp/d" init --units "$tmp/bad.txt"
has err "line 3" "the bad line is named"

run 2 "--demo without a terminal" --demo --db "$tmp/demo"
has err "residents" "the demo database was filled"
has err "needs a terminal" "and the screen asks for a terminal"
n=$(entries "$tmp/demo" rec)
[ "${n:-0}" -gt 200 ] && ok "demo has $n records" || no "demo records: $n"
run 2 "--demo a second time reuses it" --demo --db "$tmp/demo"
[ "$(entries "$tmp/demo" rec)" = "$n" ] && ok "demo not filled twice" || no "demo grew"

SHEGONG_DB="$tmp/a" run 1 "init honours SHEGONG_DB" init --county 510421 "米易县"
has err "$tmp/a" "SHEGONG_DB names the folder"

if locale -a 2>/dev/null | grep -qi '^zh_CN.utf8$'; then
  LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 run 0 "--help in Chinese" --help
  has out "用法" "help speaks Chinese"
  LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 run 1 "init refusal in Chinese" --db "$tmp/a" init --county 510421 "米易县"
  has err "已有" "refusal speaks Chinese"
else
  no "locale zh_CN.UTF-8 is missing (sh tools/install-deps.sh makes it)"
fi
if locale -a 2>/dev/null | grep -qi '^zh_CN.gb18030$'; then
  LANG=zh_CN.GB18030 LC_ALL=zh_CN.GB18030 run 0 "--help in a GB18030 locale" --help
  if iconv -f GB18030 -t UTF-8 "$tmp/out" 2>/dev/null | grep -q "用法" && ! grep -q "用法" "$tmp/out"; then
    ok "help is written in GB18030"
  else
    no "help is not GB18030"
  fi
else
  no "locale zh_CN.GB18030 is missing (sh tools/install-deps.sh makes it)"
fi

# --- find, show, check-forms, on the demo database ---------------------------
forms=${SHEGONG_FORMSDIR:-$(dirname "$0")/../forms}
export SHEGONG_FORMSDIR="$forms"
demo="$tmp/demo"
# The administrator sees every village (the demo login itself is a
# village worker of 安宁村: see the scope tests below).
# columns: id, then the resident form's list: name sex age idnum village group categories
run 0 "find by pinyin initials" --demo --db "$demo" --as admin find resident z --limit 500
has out "	张" "z finds the Zhangs"
[ "$(cut -f2 "$tmp/out" | grep -c '^李')" = 0 ] && ok "z finds no Lis" || no "z found a Li"
cp "$tmp/out" "$tmp/z"
line=$(head -n 1 "$tmp/z")
rid=$(printf '%s\n' "$line" | cut -f1)
rname=$(printf '%s\n' "$line" | cut -f2)
ridnum=$(printf '%s\n' "$line" | cut -f5)
run 0 "find by name" --demo --db "$demo" --as admin find resident "$rname"
has out "^$rid	" "the name finds the record"
[ "$(cut -f2 "$tmp/out" | grep -vc "^$rname")" = 0 ] && ok "only names starting so" || no "other names found"
pre=$(printf '%s' "$ridnum" | cut -c1-10)
run 0 "find by ID number prefix" --demo --db "$demo" --as admin find resident "$pre" --limit 500
has out "^$rid	" "the ID number prefix finds the record"
[ "$(cut -f5 "$tmp/out" | grep -vc "^$pre")" = 0 ] && ok "only ID numbers starting so" || no "other ID numbers found"
xid=$(cut -f5 "$tmp/z" | grep 'X$' | head -n 1)
if [ -n "$xid" ]; then
  run 0 "find an ID number typed with a small x" --demo --db "$demo" --as admin find resident "$(printf '%s' "$xid" | tr X x)"
  [ "$(cut -f5 "$tmp/out")" = "$xid" ] && ok "x found X" || no "x did not find $xid"
else
  no "the demo has no ID number ending in X among the Zs"
fi
run 0 "find with --limit" --demo --db "$demo" --as admin find resident z --limit 3
[ "$(wc -l <"$tmp/out")" = 3 ] && ok "--limit 3 gives 3 lines" || no "--limit 3: $(wc -l <"$tmp/out") lines"
run 0 "find all in one village" --demo --db "$demo" --as admin find resident "" --village 510421100002 --limit 500
nv=$(wc -l <"$tmp/out")
[ "$nv" -gt 0 ] && [ "$(cut -f6 "$tmp/out" | sort -u | wc -l)" = 1 ] && ok "$nv residents, one village" ||
  no "--village: $nv lines, villages: $(cut -f6 "$tmp/out" | sort -u | tr '\n' ' ')"
run 0 "find all" --demo --db "$demo" --as admin find resident "" --limit 5000
[ "$(wc -l <"$tmp/out")" -gt "$nv" ] && ok "more residents without --village" || no "--village filtered nothing"
run 0 "find with no hits" --demo --db "$demo" --as admin find resident qqqqqq
[ -s "$tmp/out" ] && no "lines for no hits" || ok "nothing printed for no hits"
run 1 "find in a village that does not exist" --demo --db "$demo" --as admin find resident z --village 510421100099
run 2 "find an unknown kind" --demo --db "$demo" --as admin find frobnicate z
has err "frobnicate" "the unknown kind is named"
run 2 "find with a bad --limit" --demo --db "$demo" --as admin find resident z --limit none

run 0 "show a found record" --demo --db "$demo" --as admin show "$rid"
has out "^ID: $rid" "show names the record"
has out "^Version: 1" "show gives the version"
has out "^Created: 20[0-9-]* [0-9:]* UTC" "show gives when it was made"
has out "^Name: $rname" "show labels the name"
has out "^ID number: $ridnum" "show gives the ID number"
has out "^Age: [0-9]" "show gives calculated fields"
has out "^Village: .*村" "show names the village"
run 1 "show a record that does not exist" --demo --db "$demo" --as admin show "${rid%-*}-999999"
has err "no record" "the missing record is named"
run 2 "show something that is not an id" --demo --db "$demo" --as admin show not-an-id

run 0 "check-forms on the shipped forms" check-forms "$forms"
has out "resident: version" "check-forms lists the resident form"
has out "need: version" "check-forms lists the need form"
mkdir "$tmp/badforms" && cp "$forms"/choices "$forms"/*.form "$tmp/badforms/"
badline=$(($(wc -l <"$tmp/badforms/resident.form") + 2))
printf 'field broken\n  type nosuch\n' >>"$tmp/badforms/resident.form"
run 1 "check-forms on a broken form" check-forms "$tmp/badforms"
has err "resident.form:$badline: " "the broken file and line are named"
SHEGONG_FORMSDIR="$tmp/badforms" run 1 "the screen will not open with a broken form" --db "$demo"
has err "resident.form:$badline: " "and says where the fault is"
[ -s "$tmp/out" ] && no "output on stdout" || ok "nothing else happens"

# hours, balance, certificate: no service records can be made from the
# command line yet, so the sums are tested in check-tally; here the
# refusals, against the database made by init above.
run 0 "help lists hours, balance and certificate" --help
has out "hours VOLUNTEER-ID" "help lists hours"
has out "balance RESOURCE-ID" "help lists balance"
has out "certificate VOLUNTEER-ID" "help lists certificate"
for verb in hours balance certificate; do
  run 2 "$verb without an id" --db "$tmp/a" $verb
  run 2 "$verb with something that is not an id" --db "$tmp/a" $verb not-an-id
  has err "not-an-id" "$verb names what is not an id"
done
run 1 "hours of a volunteer that does not exist" --db "$tmp/a" hours vol-0000000000aa-999
has err "no record vol-0000000000aa-999" "the missing volunteer is named"
run 1 "hours of a resident" --db "$tmp/a" hours res-0000000000aa-1
has err "not a volunteer" "hours says a resident is no volunteer"
run 1 "balance of a resource that does not exist" --db "$tmp/a" balance rsc-0000000000aa-999
has err "no record rsc-0000000000aa-999" "the missing resource is named"
run 1 "balance of a volunteer" --db "$tmp/a" balance vol-0000000000aa-1
has err "not a resource" "balance says a volunteer is no resource"
run 1 "certificate for a volunteer that does not exist" --db "$tmp/a" certificate vol-0000000000aa-999
has err "no record vol-0000000000aa-999" "the missing volunteer is named"
[ -s "$tmp/out" ] && no "a certificate printed for no one" || ok "no certificate for no one"
run 1 "certificate for a resident" --db "$tmp/a" certificate res-0000000000aa-1 --room "安宁村"
has err "not a volunteer" "certificate says a resident is no volunteer"
run 2 "certificate with a date that is no day" --db "$tmp/a" certificate vol-0000000000aa-1 --date 2026-02-30
has err "2026-02-30" "the bad date is named"
run 2 "certificate with a date in another form" --db "$tmp/a" certificate vol-0000000000aa-1 --date 20260215
run 2 "certificate with an unknown option" --db "$tmp/a" certificate vol-0000000000aa-1 --seal
run 2 "certificate with two ids" --db "$tmp/a" certificate vol-0000000000aa-1 vol-0000000000aa-2
run 1 "hours with no database" --db "$tmp/nodb" hours vol-0000000000aa-1

# Needs have no name: text finds them through their residents
run 0 "find needs by nothing: all, by date" --db "$tmp/demo" find need --limit 5
[ "$(wc -l <"$tmp/out")" -eq 5 ] && ok "five needs listed" || no "needs listed: $(wc -l <"$tmp/out")"
rname=$("$bin" --db "$tmp/demo" find need --limit 1 | cut -f3)
if [ -n "$rname" ]; then
  run 0 "find needs by their resident's name" --db "$tmp/demo" find need "$rname"
  has out "$rname" "the resident's needs are found by the name"
else
  no "a need's resident name"
fi

# A need taken by mistake is voided: kept, shown with its reason, logged,
# found no more; a supervisor may not, nor twice, nor without a reason
# (a demo of its own: the other demo's audit trail is counted below)
vneed=$("$bin" --demo --db "$tmp/vdemo" --as anning find need --limit 1 | cut -f1)
vres=$("$bin" --demo --db "$tmp/vdemo" --as anning show "$vneed" | grep -o 'res-[0-9a-f]*-[0-9]*' | head -1)
run 2 "void without --reason" --demo --db "$tmp/vdemo" --as anning void "$vneed"
run 2 "a referral is not voided" --demo --db "$tmp/vdemo" --as anning void ref-3f61cbf77a28-1 --reason x
run 1 "a supervisor may not void" --demo --db "$tmp/vdemo" --as dudao void "$vneed" --reason "录错了"
run 1 "a resident whose need stands is not voided" --demo --db "$tmp/vdemo" --as anning void "$vres" --reason "录重了"
has err "named by" "the record that names them is said"
# the demo's services answer its needs: each service the refusal names is
# voided first, then the need; a need a referral names is passed over
voided=no
for cand in $("$bin" --demo --db "$tmp/vdemo" --as anning find need --limit 500 | awk -F'\t' '$6 == "Open" {print $1}'); do
  for i in 1 2 3 4 5 6 7 8 9 10; do
    "$bin" --demo --db "$tmp/vdemo" --as anning void "$cand" --reason "录错了人" \
      >"$tmp/out" 2>"$tmp/err" </dev/null && { voided=yes; break; }
    b=$(grep -o 'svc-[0-9a-f]*-[0-9]*' "$tmp/err" | head -1)
    [ -n "$b" ] || break
    "$bin" --demo --db "$tmp/vdemo" --as anning void "$b" --reason "连带录错" >/dev/null 2>&1 || break
  done
  [ "$voided" = yes ] && { vneed=$cand; break; }
done
[ "$voided" = yes ] && ok "void a need, its services voided first" || no "void a need"
run 1 "void it twice" --demo --db "$tmp/vdemo" --as anning void "$vneed" --reason "再一次"
run 0 "a voided need is shown by its id" --demo --db "$tmp/vdemo" --as anning show "$vneed"
has out "录错了人" "with its reason"
run 0 "find need after the void" --demo --db "$tmp/vdemo" --as anning find need --limit 500
grep -q -- "$vneed" "$tmp/out" && no "the voided need is still found" || ok "the voided need is found no more"
run 0 "the audit trail" --demo --db "$tmp/vdemo" --as admin audit --record "$vneed"
grep -q "void.*录错了人" "$tmp/out" && ok "has the void with its reason" || no "no void entry"

# Arguments typed on a GBK/GB18030 terminal are stored as UTF-8
if locale -a 2>/dev/null | grep -qi '^zh_CN.gb18030$'; then
  gbname=$(printf '米易县' | iconv -f UTF-8 -t GB18030)
  LANG=zh_CN.GB18030 LC_ALL=zh_CN.GB18030 run 0 "init typed on a GB18030 terminal" \
    --db "$tmp/gb" init --county 510421 "$gbname"
  run 0 "the county's id" --db "$tmp/gb" find unit
  uid=$(cut -f1 "$tmp/out" | head -n 1)
  run 0 "the county read back" --db "$tmp/gb" show "$uid"
  has out "米易县" "the name was stored as UTF-8, not as GB18030 bytes"
  gbq=$(printf '米易' | iconv -f UTF-8 -t GB18030)
  LANG=zh_CN.GB18030 LC_ALL=zh_CN.GB18030 run 0 "find typed on a GB18030 terminal" \
    --db "$tmp/gb" find unit "$gbq"
  has out "$uid" "a name typed in GB18030 finds the unit"
fi

# --- audit and check ------------------------------------------------------------
# Every write is logged: init's units and worker, the demo fill.
run 0 "audit after init" --db "$tmp/a" audit
[ "$(grep -c '	create	' "$tmp/out")" = 4 ] && ok "init's 3 units and 1 worker logged" ||
  no "init's creations: $(grep -c '	create	' "$tmp/out")"
run 0 "audit lists the demo's creations" --demo --db "$demo" --as dudao audit
nd=$(entries "$demo" rec)
[ "$(grep -c '	create	' "$tmp/out")" = "$nd" ] && ok "one entry for each of the $nd demo records" ||
  no "$(grep -c '	create	' "$tmp/out") audit lines for $nd records"
has out "^1	20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]	demo	create	unit-[0-9a-f]*-1	0->1	$" \
  "an entry: number, local time, who, action, record, versions, note"
# the demo only made records, and took its sample referrals through their steps
[ "$(cut -f4 "$tmp/out" | grep -cv '^\(create\|edit\|as\|submit\|accept\|return\|start\|resolve\|close\|withdraw\|escalate\)$')" = 0 ] &&
  ok "the demo only created, and stepped referrals" || no "other actions in the demo: $(cut -f4 "$tmp/out" | sort -u | tr '\n' ' ')"
ndemo=$(cut -f3 "$tmp/out" | grep -c '^demo$')
aid=$(sed -n 5p "$tmp/out" | cut -f5)
run 0 "audit --worker" --demo --db "$demo" --as dudao audit --worker demo
[ "$(wc -l <"$tmp/out")" = "$ndemo" ] && ok "all the demo's entries are the demo's" || no "--worker demo: $(wc -l <"$tmp/out")"
run 0 "audit --worker of someone who did nothing" --demo --db "$demo" --as dudao audit --worker nobody
[ -s "$tmp/out" ] && no "entries for nobody" || ok "no entries for nobody"
run 0 "audit --record" --demo --db "$demo" --as dudao audit --record "$aid"
[ "$(wc -l <"$tmp/out")" = 1 ] && [ "$(cut -f5 "$tmp/out")" = "$aid" ] && ok "one entry for $aid" ||
  no "--record $aid: $(wc -l <"$tmp/out") lines"
today=$(date +%Y-%m-%d)
run 0 "audit --since and --until today" --demo --db "$demo" --as dudao audit --since "$today" --until "$today" --worker demo
# (the demo may have been made just before midnight: then nothing today)
n2=$(wc -l <"$tmp/out")
{ [ "$n2" = "$ndemo" ] || [ "$n2" = 0 ]; } && ok "the day filter takes the day whole" || no "--since/--until today: $n2"
run 0 "audit --until long ago" --demo --db "$demo" --as dudao audit --until 2000-01-01
[ -s "$tmp/out" ] && no "entries before 2000" || ok "no entries before 2000"
run 2 "audit with a date that is no day" --demo --db "$demo" --as dudao audit --since 2026-02-30
has err "2026-02-30" "the bad date is named"
run 2 "audit with something that is not an id" --demo --db "$demo" --as dudao audit --record not-an-id
run 2 "audit with an unknown option" --demo --db "$demo" --as dudao audit --who demo
run 2 "audit with an option missing its value" --demo --db "$demo" --as dudao audit --worker

run 0 "check on a fresh demo database" --db "$demo" check
has out "Forms: all" "check loads the forms"
has out "$(entries "$demo" audit) entries, whole" "check finds the audit trail whole"
has out "All is well" "check sums up"
run 2 "check with an unknown option" --db "$demo" check --fix
run 1 "check with no database" --db "$tmp/nodb" check

if command -v mdb_dump >/dev/null && command -v mdb_load >/dev/null; then
  # Someone edits entry 3 behind the program's back, with LMDB's own tools.
  cp -r "$demo" "$tmp/tampered"
  mdb_dump -s audit "$tmp/tampered" >"$tmp/audit.dump"
  sed '/^ 0000000000000003$/{n;s/64656d6f/64656d70/;}' "$tmp/audit.dump" >"$tmp/audit.forged"
  if ! cmp -s "$tmp/audit.dump" "$tmp/audit.forged" &&
    mdb_load -s audit "$tmp/tampered" <"$tmp/audit.forged" 2>/dev/null; then
    run 1 "check finds a tampered audit entry" --db "$tmp/tampered" check
    has out "Audit entry 3 was changed" "the changed entry is named"
    has out "supervisor" "and what to do is said"
    has out "Problems found" "the summary says so"
  else
    no "could not forge an audit entry with mdb_dump and mdb_load"
  fi
  # A record put in behind the program's back has no index entries:
  # check finds them missing, --repair rebuilds them, and the repair is
  # logged.  The record is a volunteer, whose certificate is then handed
  # out: logged as an export.
  cp -r "$demo" "$tmp/unindexed"
  printf 'VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n 0600000000000000aa0000000000000001\n 0106010100000464656d6f0464656d6f01046e616d6506e78e8be88ab3\nDATA=END\n' |
    mdb_load -s rec "$tmp/unindexed" 2>/dev/null
  run 1 "check finds a record without its index entries" --db "$tmp/unindexed" check
  has out "vol-0000000000aa-1 lacks its name index entry" "the record and index are named"
  has out "check --repair" "check says how to mend it"
  run 0 "check --repair mends the indexes" --demo --db "$tmp/unindexed" --as admin check --repair
  has out "Indexes rebuilt" "the repair is reported"
  run 0 "check after the repair" --db "$tmp/unindexed" check
  run 0 "the repair is in the audit trail" --demo --db "$tmp/unindexed" --as admin audit
  has out "	repair		-	indexes rebuilt" "the repair logged"
  run 0 "a certificate handed out" --demo --db "$tmp/unindexed" --as admin certificate vol-0000000000aa-1 --room "安宁村"
  has out "王芳" "the certificate names the volunteer"
  run 0 "the certificate is in the audit trail" --demo --db "$tmp/unindexed" --as admin audit --record vol-0000000000aa-1
  has out "	export	vol-0000000000aa-1	-	certificate$" "the certificate logged as an export"
  run 0 "the trail is whole after all that" --db "$tmp/unindexed" check
else
  no "mdb_dump and mdb_load are missing (apt-get install lmdb-utils)"
fi

# --- workers' accounts, --as ------------------------------------------------------
# init made the running login the administrator of $tmp/u.
me=$(id -un)
run 0 "init for accounts" --db "$tmp/u" init --county 510421 "米易县" \
  --township 510421100 "攀莲镇" --village 510421100001 "安宁村"
run 0 "an administrator adds a village worker" --db "$tmp/u" user add cun --role village \
  --unit 510421100001 --name "李四"
has out "安宁村" "the unit is named"
run 0 "an administrator adds a supervisor with settings" --db "$tmp/u" user add dd \
  --role supervisor --unit 510421100 --encoding gb18030 --lang en
run 1 "a village worker in a township is refused" --db "$tmp/u" user add cun2 --role village \
  --unit 510421100
has err "does not fit" "the role/unit mismatch is explained"
run 1 "a village worker in the county is refused" --db "$tmp/u" user add tw --role village \
  --unit 510421
run 1 "a unit that does not exist" --db "$tmp/u" user add tw --role township --unit 510421109
has err "510421109" "the missing unit is named"
run 1 "a login registered twice" --db "$tmp/u" user add cun --role village --unit 510421100001
run 2 "a bad role" --db "$tmp/u" user add tw --role boss --unit 510421100
run 2 "a bad encoding" --db "$tmp/u" user set cun --encoding latin1
run 0 "user list" --db "$tmp/u" user list
has out "^$me	$me	admin	米易县	active	-	-$" "the administrator listed"
has out "^cun	李四	village	安宁村	active	-	-$" "the village worker listed"
has out "^dd	dd	supervisor	攀莲镇	active	gb18030	en$" "the supervisor's settings listed"
[ "$(wc -l <"$tmp/out")" = 3 ] && ok "three workers" || no "user list has $(wc -l <"$tmp/out") lines"

run 1 "a village worker cannot add workers (--as)" --db "$tmp/u" --as cun user add x \
  --role village --unit 510421100001
has err "not one" "the refusal says why"
run 1 "a village worker cannot change another" --db "$tmp/u" --as cun user set dd --lang zh_CN
run 1 "a village worker cannot rename themselves" --db "$tmp/u" --as cun user set cun --name "王五"
run 0 "a village worker sets their own encoding" --db "$tmp/u" --as cun user set cun \
  --encoding utf-8 --lang zh_CN
run 0 "a village worker says their terminal has a printer" --db "$tmp/u" --as cun user set cun \
  --terminal-printer yes
run 2 "--terminal-printer is yes or no" --db "$tmp/u" --as cun user set cun --terminal-printer maybe
has err "yes or no" "the values are named"
run 1 "nor another's terminal printer" --db "$tmp/u" --as cun user set dd --terminal-printer yes
run 0 "the change made as cun" --db "$tmp/u" audit --worker cun
has out "	cun	edit	user-" "the edit is saved as cun"
run 0 "--as is in the audit trail" --db "$tmp/u" audit --worker "$me"
has out "	$me	as		-	$me acts as cun$" "--as logged with who acts as whom"
run 1 "--as a login nobody has" --db "$tmp/u" --as nobody user list
run 1 "an administrator cannot disable themselves" --db "$tmp/u" user disable "$me"
run 0 "an administrator disables a worker" --db "$tmp/u" user disable cun
run 0 "user list after disabling" --db "$tmp/u" user list
has out "^cun	李四	village	安宁村	disabled	utf-8	zh_CN$" "disabled and their settings listed"
run 1 "a disabled worker cannot open the program" --db "$tmp/u" --as cun
has err "disabled" "the disabled worker is told"
run 1 "a disabled worker cannot change their settings" --db "$tmp/u" --as cun user set cun --lang en
has err "disabled" "and is told why"

# The demo database without --demo is an ordinary one, where the running
# login is a village worker: not an administrator.
run 1 "a village worker cannot use --as" --db "$demo" --as admin user list
has err "for administrators" "--as refused with the reason"
run 1 "a village worker cannot add workers" --db "$demo" user add x --role village \
  --unit 510421100001
run 0 "in the demo anyone may act as a sample worker" --demo --demo --db "$demo" --as admin user list
run 0 "and as the administrator add a worker" --demo --demo --db "$demo" --as admin user add demo2 \
  --role township --unit 510421101
run 0 "the demo's --as logged" --demo --db "$demo" --as dudao audit --worker "$me"
has out "$me acts as admin" "the demo's --as in the trail"

# --- scope: what each role reads and changes (the store's policy) ------------------
# The demo login is a village worker of 安宁村 (510421100001); 挂榜村 is the
# next village of the same township 攀莲镇, 新山村 a village of 丙谷镇.
run 0 "the administrator finds a resident of 挂榜村" --demo --db "$demo" --as admin find resident "" \
  --village 510421100002 --limit 1
gid=$(cut -f1 "$tmp/out")
run 0 "and one of 新山村" --demo --demo --db "$demo" --as admin find resident "" --village 510421101001 --limit 1
xid=$(cut -f1 "$tmp/out")
run 0 "a village worker lists residents" --db "$demo" find resident "" --limit 5000
[ -s "$tmp/out" ] && [ "$(cut -f6 "$tmp/out" | sort -u)" = "安宁村" ] && ok "only their village's" ||
  no "villages listed: $(cut -f6 "$tmp/out" | sort -u | tr '\n' ' ')"
run 0 "asking for another village finds nothing" --db "$demo" find resident "" --village 510421100002
[ -s "$tmp/out" ] && no "another village's residents listed" || ok "none of 挂榜村 listed"
run 0 "a village worker finds units all the same" --db "$demo" find unit 丙谷
grep -q '^unit-' "$tmp/out" && ok "another township found" || no "find unit 丙谷 found nothing"
run 1 "a village worker cannot show the next village's resident" --db "$demo" show "$gid"
has err "may not see or change this record" "the refusal says why"
[ -s "$tmp/out" ] && no "something of the record printed" || ok "nothing of it printed"
run 0 "that village's worker can" --demo --db "$demo" --as guabang show "$gid"
run 0 "the township worker can" --demo --db "$demo" --as panlian show "$gid"
has out "^ID number: [0-9]\{17\}[0-9X]$" "the township worker sees the ID number"
run 1 "but not a resident of another township" --demo --db "$demo" --as panlian show "$xid"
has err "may not see or change" "refused the same way"
run 0 "the supervisor reads every village" --demo --db "$demo" --as dudao show "$xid"
has out "^ID number: [0-9]\{6\}\*\{8\}[0-9]\{3\}[0-9X]$" "ID numbers are masked for the supervisor"
run 0 "the supervisor's lists mask them too" --demo --db "$demo" --as dudao find resident "" --limit 3
[ "$(cut -f5 "$tmp/out" | grep -c '^[0-9]\{6\}\*\{8\}')" = 3 ] && ok "three masked ID numbers" ||
  no "unmasked: $(cut -f5 "$tmp/out" | head -n 3 | tr '\n' ' ')"
run 1 "a village worker cannot read the audit trail" --db "$demo" audit
has err "supervisors and administrators" "the refusal names who may"
run 1 "a township worker neither" --demo --db "$demo" --as panlian audit
run 1 "a supervisor cannot rebuild indexes" --demo --db "$demo" --as dudao check --repair
has err "only an administrator" "the refusal says who may"
run 1 "a village worker cannot change another's account" --db "$demo" user set guabang --lang en
run 0 "but sets their own" --db "$demo" user set "$me" --lang en
run 1 "a township worker cannot add units" --demo --db "$demo" --as panlian unit add 510421100009 "新村"
has err "only an administrator" "the unit refusal says who may"

# units: an administrator adds and renames; everyone lists
run 0 "unit list" --db "$tmp/u" unit list
has out "^510421100	攀莲镇	" "the township listed"
run 0 "an administrator adds a village" --db "$tmp/u" unit add 510421100002 "挂榜村"
has out "510421100002 挂榜村" "the new village named"
run 1 "a village under a township not registered" --db "$tmp/u" unit add 510421107001 "无镇村"
has err "510421107001" "the code named"
run 1 "a code registered twice" --db "$tmp/u" unit add 510421100002 "又一个"
run 2 "a code of the wrong length" --db "$tmp/u" unit add 5104211 "错"
run 0 "an administrator renames a village" --db "$tmp/u" unit rename 510421100002 "挂榜社区"
has out "was 挂榜村" "the old name said"
run 0 "the new name in the list" --db "$tmp/u" unit list
has out "^510421100002	挂榜社区	" "renamed in place"
run 1 "renaming a unit that is not there" --db "$tmp/u" unit rename 510421100008 "无"
has err "510421100008" "the missing code named"
# one rule for typed text: no ESC, BEL or C1 in a unit's or a worker's name
esc=$(printf 'X\033]0;t\007') bel=$(printf 'a\007b') c1=$(printf 'a\302\233b')
run 2 "a unit name with ESC and BEL" --db "$tmp/u" unit add 510421100003 "$esc"
has err "control characters" "the control characters said"
run 2 "a rename to a name with C1" --db "$tmp/u" unit rename 510421100002 "$c1"
run 2 "a worker's name with C1" --db "$tmp/u" user add cc --role village \
  --unit 510421100001 --name "$c1"
run 2 "a worker renamed with BEL" --db "$tmp/u" user set cun --name "$bel"
has err "control characters" "the control characters said"
run 0 "nothing stored" --db "$tmp/u" unit list
if grep -q "$(printf '\033\|\007\|\302\233')" "$tmp/out"; then no "a control character stored"; else ok "no unit with a control character"; fi
run 0 "nothing stored for workers" --db "$tmp/u" user list
if grep -q "$(printf '\007\|\302\233')" "$tmp/out" || grep -q "^cc	" "$tmp/out"; then no "a worker's name with a control character"; else ok "no worker with a control character"; fi

# an account that is not registered may not use a database at all
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
  chmod 755 "$tmp" && chmod -R a+rwX "$tmp/u"
  setpriv --reuid=nobody --regid=nogroup --clear-groups "$bin" --db "$tmp/u" unit list \
    >"$tmp/out" 2>"$tmp/err" </dev/null
  [ $? = 1 ] && ok "an unregistered account is refused (exit 1)" || no "an unregistered account got in"
  has err "not registered in this database" "and told to ask the administrator"
fi

# The account's terminal settings are in force whatever LANG says.
if locale -a 2>/dev/null | grep -qi '^zh_CN.gb18030$'; then
  run 0 "the administrator's account says gb18030" --db "$tmp/u" user set "$me" --encoding gb18030
  env -u LANG -u LC_ALL "$bin" --db "$tmp/u" user list >"$tmp/out" 2>"$tmp/err" </dev/null
  if iconv -f GB18030 -t UTF-8 "$tmp/out" 2>/dev/null | grep -q "米易县" && ! grep -q "米易县" "$tmp/out"; then
    ok "with no LANG the output comes in GB18030"
  else
    no "output not in GB18030"
  fi
  run 0 "the administrator's account says English" --db "$tmp/u" user set "$me" --encoding utf-8 --lang en
  LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 run 1 "a refusal under a Chinese LANG" --db "$tmp/u" user disable "$me"
  has err "cannot disable their own account" "comes in English as the account says"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
