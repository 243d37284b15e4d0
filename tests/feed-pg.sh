#!/bin/sh
# feed-pg.sh: `shegong feed` against a real PostgreSQL server (Debian's
# postgresql), started here on a private socket folder under a temporary
# folder (as nobody when the test runs as root: initdb refuses root).
# Two sites feed one warehouse: the demo database (a township server, fed
# by its supervisor: sensitive fields masked) and a village PC made from
# it by `shegong sync` files (fed unmasked). Checked with psql: a table a
# kind with typed columns, the site and the unit in each row, ID numbers
# masked or whole by role; a second feed writes nothing (every row's
# xmin the same); changes (a new resident, a voided service, a referral's
# step) go with the next feed and only they; a feed killed (kill -9)
# after its first batch committed, while the next waits on a lock the
# test holds, goes on where it stopped and ends with the same rows as a
# feed never cut; --full; the refusals; and the views' figures equal to
# `shegong report`'s, cell by cell, for seven months of both sites, by
# month and by report_figures_between's range of days; and a warehouse
# an earlier program made given its views and functions anew in place.
# Skipped (77) without PostgreSQL's server programs or a shegong built
# without libpq.
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
here=$(cd "$(dirname "$0")" && pwd)
forms=${SHEGONG_FORMSDIR:-$here/../forms}
export SHEGONG_FORMSDIR=$forms
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "FAIL - $1"; sed 's/^/    /' "$tmp/out" "$tmp/err" 2>/dev/null | head -40; }
same() { # same GOT WANT NAME
  if [ "$1" = "$2" ]; then ok "$3 ($1)"; else no "$3: got \"$1\", wanted \"$2\""; fi
}
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

# --- PostgreSQL's programs, and a shegong that feeds --------------------------------
pgbin=${PG_BINDIR:-}
if [ -z "$pgbin" ]; then
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { pgbin=$d; break; }
  done
fi
if [ -z "$pgbin" ] || ! command -v psql >/dev/null 2>&1; then
  echo "skip: PostgreSQL's server programs (initdb, pg_ctl) or psql are not installed (apt-get install postgresql)"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-feed-XXXXXX")
pgdir=$tmp/pg
sock=$pgdir/sock
as_pg=
cleanup() {
  [ -n "${lockpid:-}" ] && kill "$lockpid" 2>/dev/null
  [ -n "${feedpid:-}" ] && kill -9 "$feedpid" 2>/dev/null
  if [ -f "$pgdir/data/postmaster.pid" ]; then
    $as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate -w stop >/dev/null 2>&1
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE= TZ=Asia/Shanghai
unset SHEGONG_DB PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGPASSWORD

"$bin" --demo --db "$tmp/town" feed "postgresql:///none?host=$tmp/nowhere" >"$tmp/out" 2>"$tmp/err" </dev/null
if grep -q "built without PostgreSQL" "$tmp/err"; then
  echo "skip: this shegong was built without libpq (apt-get install libpq-dev, configure again)"
  exit 77
fi
has err "could not be reached" "an unreachable warehouse is said"

# --- a private server: initdb and postgres as nobody when root ----------------------
mkdir -p "$pgdir" "$sock"
if [ "$(id -u)" -eq 0 ]; then
  as_pg="setpriv --reuid=nobody --regid=nogroup --clear-groups"
  command -v setpriv >/dev/null 2>&1 || as_pg="runuser -u nobody --"
  chmod 755 "$tmp"
  chown nobody "$pgdir" "$sock"
fi
(cd "$pgdir" && $as_pg "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres -E UTF8 \
  --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1) || { echo "initdb failed:"; cat "$tmp/initdb.log"; exit 99; }
(cd "$pgdir" && $as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w -t 120 \
  -o "-k $sock -c listen_addresses='' -c fsync=off -c max_connections=20" start >/dev/null 2>&1) ||
  { echo "postgres did not start:"; cat "$pgdir/log"; exit 99; }
psql -X -q -h "$sock" -U postgres -d postgres -c "CREATE DATABASE warehouse" >/dev/null ||
  { echo "no database made"; exit 99; }
W="postgresql:///warehouse?host=$sock&user=postgres"
q() { psql -X -q -At -h "$sock" -U postgres -d warehouse -c "$1"; }
ok "a PostgreSQL server on $sock ($($pgbin/postgres --version | sed 's/.* //'))"

# --- two sites: the demo (a township server) and a village PC from its files -----
town="--demo --db $tmp/town"
pc="--db $tmp/pc"
run 0 "the township's file for 安宁村" $town --as panlian sync --to-file "$tmp/first.sgx" --for 510421100001
run 0 "an empty folder becomes 安宁村's PC" $pc sync --from-file "$tmp/first.sgx"
res=$("$bin" $pc find resident "" </dev/null | head -n 1 | cut -f1)
run 0 "a referral made on the PC" $pc referral new --resident "$res" --category elderly \
  --reason "独居老人无人照料" --consent yes --submit
ref=$(cat "$tmp/out")
run 0 "the PC's file up" $pc sync --to-file "$tmp/up.sgx"
run 0 "the township takes it" $town --as panlian sync --from-file "$tmp/up.sgx"
run 0 "accepted there" $town --as panlian referral accept "$ref"
run 0 "the township's answer down" $town --as panlian sync --to-file "$tmp/down.sgx" --for 510421100001
run 0 "the PC takes it" $pc sync --from-file "$tmp/down.sgx"
townsite=$(printf '%s' "$res" | cut -d- -f2)
pcsite=$(printf '%s' "$ref" | cut -d- -f2)
[ -n "$townsite" ] && [ -n "$pcsite" ] && [ "$townsite" != "$pcsite" ] && ok "two sites: $townsite and $pcsite" ||
  no "two sites: \"$townsite\" and \"$pcsite\""

# --- the first feeds --------------------------------------------------------------------
run 0 "the township fed by its supervisor" $town --as dudao feed "$W"
has out "Fed [0-9]* records of this database ($townsite)" "it says what it fed"
has out "sensitive fields masked" "masked, as a supervisor sees"
run 0 "the PC fed (no account: unmasked)" $pc feed "$W" --batch 40
has out "unmasked" "unmasked"
same "$(q "SELECT count(*) FROM shegong.feed_mark")" 2 "two sites in the marks"
same "$(q "SELECT string_agg(table_name, ' ' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'shegong' AND table_type = 'BASE TABLE'")" \
  "feed_mark feed_meta needs orgs projects referrals residents resources services units volunteers" "one table a kind, and the marks"
same "$(q "SELECT string_agg(column_name || ':' || data_type, ' ' ORDER BY column_name) FROM information_schema.columns WHERE table_schema = 'shegong' AND table_name = 'services' AND column_name IN ('_site', '_unit', '_created_at', '_void', 'date', 'headcount', 'hours', 'beneficiaries', 'volunteers', 'function')")" \
  "_created_at:timestamp with time zone _site:text _unit:text _void:boolean beneficiaries:ARRAY date:date function:text headcount:bigint hours:numeric volunteers:jsonb" \
  "typed columns: dates, numbers, lists, amounts, stamps"

# the rows against what the databases hold, kind by kind
for kind in resident need service volunteer organisation resource project; do
  case $kind in
    resident) t=residents ;; need) t=needs ;; service) t=services ;; volunteer) t=volunteers ;;
    organisation) t=orgs ;; resource) t=resources ;; project) t=projects ;;
  esac
  n=$("$bin" $town --as dudao find "$kind" "" --limit 1000000 </dev/null | wc -l | tr -d ' ')
  same "$(q "SELECT count(*) FROM shegong.$t WHERE _site = '$townsite' AND NOT _void")" "$n" "$t of the township: as many as find lists"
done
# referrals in every state (withdrawn, returned, closed ...) as the list has them
"$bin" $town --as dudao referral list --all </dev/null | cut -f5 | sort | uniq -c | awk '{ print $2 "|" $1 }' >"$tmp/states"
q "SELECT status, count(*) FROM shegong.referrals WHERE _site = '$townsite' AND status <> 'draft' GROUP BY status ORDER BY status" >"$tmp/fedstates"
if [ -s "$tmp/states" ] && cmp -s "$tmp/states" "$tmp/fedstates"; then ok "referrals by state as referral list --all has them ($(tr '\n' ' ' <"$tmp/fedstates"))"
else no "referrals by state"; diff "$tmp/states" "$tmp/fedstates"; fi
n=$("$bin" $pc find resident "" --limit 1000000 </dev/null | wc -l | tr -d ' ')
same "$(q "SELECT count(*) FROM shegong.residents WHERE _site = '$pcsite'")" "$n" "residents of the PC"
same "$(q "SELECT count(*) FROM shegong.referrals WHERE _site = '$pcsite' AND _id = '$ref'")" 1 "the PC's referral, in the PC's site"
same "$(q "SELECT status FROM shegong.referrals WHERE _site = '$townsite' AND _id = '$ref'")" \
  "$(q "SELECT status FROM shegong.referrals WHERE _site = '$pcsite' AND _id = '$ref'")" "and in the township's, in the same state"
same "$(q "SELECT count(DISTINCT _unit) FROM shegong.residents WHERE _site = '$pcsite'")" 1 "the PC's residents: one unit, its village"

# de-identified by role: the same people, masked for the supervisor, whole on the PC
same "$(q "SELECT count(*) FROM shegong.residents WHERE _site = '$townsite' AND idnum IS NOT NULL AND idnum !~ '^[0-9]{6}[*]{8}[0-9]{3}[0-9X]\$'")" 0 \
  "every ID number of the township's masked (510421********1234)"
same "$(q "SELECT count(*) > 0 FROM shegong.residents WHERE _site = '$townsite' AND idnum ~ '[*]'")" t "and there are some"
same "$(q "SELECT count(*) FROM shegong.residents WHERE _site = '$pcsite' AND idnum !~ '^[0-9]{17}[0-9X]\$'")" 0 \
  "the PC's whole"
same "$(q "SELECT count(*) FROM shegong.residents t JOIN shegong.residents p ON p._id = t._id AND p._site = '$pcsite' WHERE t._site = '$townsite' AND (left(t.idnum, 6) <> left(p.idnum, 6) OR right(t.idnum, 4) <> right(p.idnum, 4))")" 0 \
  "a masked number keeps the whole one's ends"
# every field a form marks sensitive: NULL in the supervisor's feed (an
# ID number masked), and in the PC's, unmasked, some of them there
for f in "$forms"/*.form; do
  awk '/^kind /{k=$2} /^field /{fl=$2} /^[ \t]+type[ \t]+idnum/{id[fl]=1}
       /^[ \t]+sensitive[ \t]+yes/{print k, fl, (fl in id)}' "$f"
done | sort -u >"$tmp/sensitive"
unmasked=0
while read -r kind field idnum; do
  case $kind in
    resident) t=residents ;; need) t=needs ;; service) t=services ;; volunteer) t=volunteers ;;
    organisation) t=orgs ;; resource) t=resources ;; referral) t=referrals ;; project) t=projects ;;
    *) no "a sensitive field of an unknown kind: $kind"; continue ;;
  esac
  if [ "$idnum" = 1 ]; then
    same "$(q "SELECT count(*) FROM shegong.$t WHERE _site = '$townsite' AND $field !~ '^[0-9]{6}[*]{8}[0-9]{3}[0-9X]\$'")" 0 \
      "the supervisor's feed: $t.$field masked"
  else
    same "$(q "SELECT count($field) FROM shegong.$t WHERE _site = '$townsite'")" 0 "the supervisor's feed: no $t.$field"
  fi
  unmasked=$((unmasked + $(q "SELECT count($field) FROM shegong.$t WHERE _site = '$pcsite'")))
done <"$tmp/sensitive"
same "$(wc -l <"$tmp/sensitive" | tr -d ' ')" 15 "the sensitive fields of the shipped forms"
[ "$unmasked" -gt 0 ] && ok "the PC's unmasked feed has $unmasked values of them" || no "the PC's feed has none of them"
same "$(q "SELECT count(disability_category) > 0 FROM shegong.residents WHERE _site = '$pcsite'") $(q "SELECT count(disability_category) > 0 FROM shegong.residents WHERE _site = '$townsite' AND _unit = (SELECT _unit FROM shegong.residents WHERE _site = '$pcsite' LIMIT 1)")" \
  "$(q "SELECT count(disability_category) > 0 FROM shegong.residents WHERE _site = '$pcsite'") f" "the PC's, unmasked, has what the supervisor's leaves out"
same "$(q "SELECT count(*) FROM shegong.residents WHERE _site = '$townsite' AND _extra IS NOT NULL")" 0 \
  "nothing of a masked feed in _extra"

# --- a second feed writes nothing -------------------------------------------------------
snap() {
  for t in units residents needs services volunteers orgs resources referrals projects feed_mark feed_meta; do
    q "SELECT '$t', xmin, * FROM shegong.$t ORDER BY 3, 4"
  done
}
snap >"$tmp/before"
run 0 "the township fed again" $town --as dudao feed "$W"
has out "Nothing new to feed" "nothing new"
run 0 "the PC fed again, --quiet" $pc feed "$W" --quiet
same "$(cat "$tmp/out" "$tmp/err")" "" "--quiet: not a word"
snap >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then ok "not a row written (each row's xmin the same), $(wc -l <"$tmp/after") rows"
else no "rows written by a feed with nothing new"; diff "$tmp/before" "$tmp/after" | head; fi
run 0 "the audit trail" $town --as admin audit --worker dudao
same "$(grep -c "	feed	" "$tmp/out")" 1 "one feed entry: the second, with nothing new, left none"

# --- changes go with the next feed, and only they --------------------------------------------
svc=$("$bin" $town --as anning find service "" </dev/null | head -n 1 | cut -f1)
run 0 "a service voided" $town --as anning void "$svc" --reason "录错了"
run 0 "a referral's step" $town --as panlian referral start "$ref"
maxchg=$(q "SELECT max(_change) FROM shegong.residents WHERE _site = '$townsite'")
run 0 "fed after the changes" $town --as dudao feed "$W"
has out "Fed 2 records" "the two records changed, no more"
same "$(q "SELECT _void, _void_reason IS NULL FROM shegong.services WHERE _site = '$townsite' AND _id = '$svc'")" "t|t" \
  "the voided service kept, voided, its reason left out of a masked feed"
same "$(q "SELECT status FROM shegong.referrals WHERE _site = '$townsite' AND _id = '$ref'")" "in_progress" "the referral's new state"
same "$(q "SELECT max(_change) FROM shegong.residents WHERE _site = '$townsite'")" "$maxchg" "the residents untouched"

# --- refusals -------------------------------------------------------------------------------
run 1 "another worker on the same site" $town --as panlian feed "$W"
has err "fed into the warehouse by dudao" "says who fed it"
has err "full" "and what to do"
run 2 "a bad batch" $town --as dudao feed "$W" --batch 0
run 1 "a schema SQL would take apart" $town --as dudao feed "$W" --schema 'x; DROP'
has err "lowercase letters" "the name's rule"
run 2 "no warehouse" $town --as dudao feed

# --- cut after the first batch, then resumed -----------------------------------------------
# the schema cut made by the PC's feed; then the township's feed in
# batches of 30 while this test holds a lock on cut.services, so the
# batches before the first with a service commit and that one waits;
# kill -9 then, the lock let go, and the feed run again
run 0 "the schema cut, by the PC's feed" $pc feed "$W" --schema cut
psql -X -q -h "$sock" -U postgres -d warehouse -c "BEGIN; LOCK TABLE cut.services IN SHARE MODE; SELECT pg_sleep(600); COMMIT" \
  >/dev/null 2>&1 &
lockpid=$!
i=0
until [ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'services' AND l.mode = 'ShareLock' AND l.granted")" = 1 ] || [ $i -ge 300 ]; do
  sleep 0.1; i=$((i + 1))
done
"$bin" $town --as dudao feed "$W" --schema cut --batch 30 >"$tmp/cut.out" 2>"$tmp/cut.err" </dev/null &
feedpid=$!
i=0
until [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'shegong feed' AND wait_event_type = 'Lock'")" = 1 ] || [ $i -ge 600 ]; do
  sleep 0.1; i=$((i + 1))
done
same "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'shegong feed' AND wait_event_type = 'Lock'")" 1 \
  "the feed waits on the lock"
kill -9 "$feedpid"
wait "$feedpid" 2>/dev/null
feedpid=
kill "$lockpid" 2>/dev/null
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%LOCK TABLE cut.services%' AND pid <> pg_backend_pid()" >/dev/null
wait "$lockpid" 2>/dev/null
lockpid=
i=0
until [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'shegong feed'")" = 0 ] || [ $i -ge 300 ]; do
  sleep 0.1; i=$((i + 1))
done
cutmark=$(q "SELECT last_change FROM cut.feed_mark WHERE site = '$townsite'")
top=$(q "SELECT last_change FROM shegong.feed_mark WHERE site = '$townsite'")
[ -n "$cutmark" ] && [ "$cutmark" -gt 0 ] && [ "$cutmark" -lt "$top" ] && ok "cut half-way: the mark at $cutmark of $top" ||
  no "cut half-way: the mark at \"$cutmark\" of $top"
same "$(q "SELECT count(*) FROM cut.services WHERE _site = '$townsite'")" 0 "the batch that waited left nothing"
same "$(q "SELECT count(*) FROM cut.residents WHERE _site = '$townsite' AND _change > $cutmark")" 0 "nothing past the mark"
run 0 "the cut feed again" $town --as dudao feed "$W" --schema cut --batch 30
has out "changes $cutmark to $top" "it goes on from the mark"
dump() { # dump SCHEMA: the township's rows, whatever the schema
  for t in units residents needs services volunteers orgs resources referrals projects; do
    q "SELECT '$t', * FROM $1.$t WHERE _site = '$townsite' ORDER BY _id"
  done
}
dump shegong >"$tmp/whole"
dump cut >"$tmp/resumed"
if cmp -s "$tmp/whole" "$tmp/resumed"; then ok "cut and resumed: the same $(wc -l <"$tmp/whole") rows as a feed never cut"
else no "cut and resumed differ from a whole feed"; diff "$tmp/whole" "$tmp/resumed" | head; fi
same "$(q "SELECT last_change FROM cut.feed_mark WHERE site = '$townsite'")" "$top" "the mark at the end"

# --full: the site's rows thrown away and fed again, the same
run 0 "--full" $town --as dudao feed "$W" --schema cut --full
dump cut >"$tmp/full"
if cmp -s "$tmp/whole" "$tmp/full"; then ok "--full: the same rows"; else no "--full differs"; diff "$tmp/whole" "$tmp/full" | head; fi

# --- a warehouse an earlier program made: its views made anew in place ------------------------
# as one made before the functions of a period were: the views' SQL
# another's (feed_meta), the functions missing, and service_lines as it
# was (no day); the next feed, with nothing new, makes them again and
# writes no row of the tables
q "DROP FUNCTION shegong.report_figures_between(date, date), shegong.report_services_between(date, date), shegong.report_needs_between(date, date), shegong.report_referrals_between(date, date); DROP VIEW shegong.report_figures, shegong.report_services, shegong.service_lines; CREATE VIEW shegong.service_lines AS SELECT s._site AS site, coalesce(s._unit, '') AS unit, to_char(s.date, 'YYYY-MM') AS month FROM shegong.services s; UPDATE shegong.feed_meta SET value = 'an earlier program' WHERE key = 'views'" >/dev/null
q "SELECT xmin, * FROM shegong.services ORDER BY 2, 3" >"$tmp/before"
run 0 "a feed into the earlier program's warehouse" $town --as dudao feed "$W"
has out "Nothing new" "nothing new to feed"
same "$(q "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'shegong' AND p.proname LIKE 'report_%_between'")" 4 \
  "the four functions of a period made"
same "$(q "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'shegong' AND table_name = 'service_lines' AND column_name = 'day'")" 1 \
  "service_lines made anew, with its day"
same "$(q "SELECT length(value) FROM shegong.feed_meta WHERE key = 'views'")" 64 "the views' SHA-256 noted again"
q "SELECT xmin, * FROM shegong.services ORDER BY 2, 3" >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then ok "the services' rows untouched"
else no "the upgrade wrote rows of services"; fi

# --- the views' figures equal the report's, cell by cell --------------------------------------
# by the month views (a month as 'YYYY-MM', read from every row), and by
# report_figures_between (a month as a range of days, which a table
# partitioned by the date can prune): both hold every cell
figures() { # figures SITE MONTH
  q "SELECT coalesce(unit_name, CASE WHEN unit IS NULL THEN '#TOTAL' ELSE '#' || unit END), figure, coalesce(function, ''), value FROM shegong.report_figures WHERE site = '$1' AND (month = '$2' OR month IS NULL)"
}
between() { # between SITE MONTH
  q "SELECT coalesce(unit_name, CASE WHEN unit IS NULL THEN '#TOTAL' ELSE '#' || unit END), figure, coalesce(function, ''), value FROM shegong.report_figures_between('$2-01', ('$2-01'::date + interval '1 month')::date) WHERE site = '$1'"
}
python=python3
m=$(date +%Y-%m)
months=$m
for k in 1 2 3 4 5 6; do
  m=$(date -d "$(date +%Y-%m-15) -$k month" +%Y-%m)
  months="$months $m"
done
for m in $months; do
  "$bin" $town --as dudao report --month "$m" >"$tmp/report" 2>"$tmp/err" </dev/null
  figures "$townsite" "$m" >"$tmp/view"
  if "$python" "$here/feed-compare.py" "$forms/choices" "$tmp/report" "$tmp/view" >"$tmp/out" 2>&1; then
    ok "the township's $m: $(tail -1 "$tmp/out")"
  else no "the township's $m"; fi
  between "$townsite" "$m" >"$tmp/view"
  if "$python" "$here/feed-compare.py" "$forms/choices" "$tmp/report" "$tmp/view" >"$tmp/out" 2>&1; then
    ok "the township's $m, by its days: $(tail -1 "$tmp/out")"
  else no "the township's $m, by its days"; fi
  "$bin" $pc report --month "$m" >"$tmp/report" 2>"$tmp/err" </dev/null
  figures "$pcsite" "$m" >"$tmp/view"
  if "$python" "$here/feed-compare.py" "$forms/choices" "$tmp/report" "$tmp/view" >"$tmp/out" 2>&1; then
    ok "the PC's $m: $(tail -1 "$tmp/out")"
  else no "the PC's $m"; fi
  between "$pcsite" "$m" >"$tmp/view"
  if "$python" "$here/feed-compare.py" "$forms/choices" "$tmp/report" "$tmp/view" >"$tmp/out" 2>&1; then
    ok "the PC's $m, by its days: $(tail -1 "$tmp/out")"
  else no "the PC's $m, by its days"; fi
done
same "$(q "SELECT count(*) > 0 FROM shegong.report_figures WHERE site = '$townsite' AND figure = 'days_median'")" t \
  "some month with referrals resolved compared"

# --- a record out of the feeding worker's reach leaves the warehouse ---------------------------
# 安宁村's worker feeds the schema village; an administrator moves one of
# 安宁村's residents to 挂榜村 (import --update); the next feed of 安宁村's
# worker removes the row, the supervisor's moves it
mov=$("$bin" $town --as anning find resident "" </dev/null | tail -n 1 | cut -f1)
run 0 "安宁村's worker feeds the schema village" $town --as anning feed "$W" --schema village
has out "0 removed there" "nothing removed the first time"
same "$(q "SELECT count(DISTINCT _unit) FROM village.residents")" 1 "only 安宁村's residents"
same "$(q "SELECT count(*) FROM village.residents WHERE _id = '$mov'")" 1 "the resident there"
line=$(q "SELECT name || ',' || (SELECT idnum FROM village.residents p WHERE p._id = r._id) || ',' || CASE sex WHEN 'm' THEN 'Male' ELSE 'Female' END || ',' || birth || ',挂榜村,1组,On the register' FROM shegong.residents r WHERE _site = '$townsite' AND _id = '$mov'")
printf '\357\273\277Name,ID number,Sex,Birth date,Village,Group (组),Status\n%s\n' "$line" >"$tmp/move.csv"
run 0 "the resident moved to 挂榜村" $town --as admin import resident "$tmp/move.csv" --update
has out "1 updated" "updated"
run 0 "安宁村's worker feeds again" $town --as anning feed "$W" --schema village
has out "Fed 0 records" "nothing of 安宁村 changed"
has out "1 removed there" "one row removed"
same "$(q "SELECT count(*) FROM village.residents WHERE _id = '$mov'")" 0 "the resident is no longer in 安宁村's warehouse"
run 0 "the supervisor feeds again" $town --as dudao feed "$W"
same "$(q "SELECT u.code FROM shegong.residents r JOIN shegong.units u ON u._site = r._site AND u._id = r._unit WHERE r._site = '$townsite' AND r._id = '$mov'")" \
  510421100002 "in the supervisor's, the resident in 挂榜村"

# --- a database restored from an older backup: refused, then --full --------------------------
# fed after the backup was taken, and then some, its audit entry of that
# feed is not in the restored database: even with more changes there now
# than the warehouse's mark, the feed is refused (it would miss the
# changes the restored history numbered below the mark)
voidsome() { # voidsome N: void N of 安宁村's services
  k=0
  for s in $("$bin" $town --as anning find service "" --limit 100 </dev/null | cut -f1); do
    [ "$k" -ge "$1" ] && break
    "$bin" $town --as anning void "$s" --reason "测试" >/dev/null 2>&1 </dev/null && k=$((k + 1))
  done
  [ "$k" -eq "$1" ] && ok "$1 services voided" || no "only $k services voided"
}
run 0 "a backup" $town --as admin backup "$tmp/old.shegong"
voidsome 2
run 0 "fed after the backup" $town --as dudao feed "$W"
has out "Fed 2 records" "the two"
run 0 "the backup restored" $town --as admin restore "$tmp/old.shegong"
voidsome 5
run 1 "fed from the restored database" $town --as dudao feed "$W"
has err "no longer has as it was" "refused: the history the warehouse has is not this one"
has err "full" "and what to do"
run 0 "--full" $town --as dudao feed "$W" --full
voided=$("$bin" $town --as admin find service "" --limit 100000 </dev/null | wc -l | tr -d ' ')
same "$(q "SELECT count(*) FROM shegong.services WHERE _site = '$townsite' AND NOT _void")" "$voided" \
  "the warehouse holds the restored database's services, as they are now"
run 0 "and on from there" $town --as dudao feed "$W"
has out "Nothing new" "nothing new"

echo "feed-pg: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
