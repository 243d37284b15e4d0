#!/bin/sh
# bench/feed.sh [SCALE]: a province's tree of sites (bench-province, SCALE
# of 3,000 townships, default 0.01) fed into a private PostgreSQL started
# here as tests/feed-pg.sh starts one (fsync on: a real server's cost),
# and the exchange between a village PC and its township by `shegong
# sync` files.  Prints each step's command, its time and the time per
# record, in Markdown, for bench/RESULTS-feed.md:
#  - the first feed of every site, a second that changes nothing, and an
#    incremental feed after `bench-province --change 100` in every site;
#  - the exchange: the township's file for one village (its records down
#    to an empty PC), and 40 changes on the PC up to the township;
#  - where one PostgreSQL stops being enough: the services table grown
#    by copies (other sites) to 8 and 32 times, and the views' query for
#    one site and month, and for the whole province's month, timed by
#    EXPLAIN ANALYZE with jit off and on;
#  - the same services in a table partitioned by year (schema byyear, a
#    bench-only copy that `shegong feed --schema byyear` gives its views
#    and functions), the month selected by 'YYYY-MM' (report_services)
#    and by its days (report_services_between), each on the plain table
#    and on the partitioned one, with the EXPLAIN that shows which
#    partitions a month's query reads.
# Not a test: run by `make bench-feed`.
set -u
scale=${1:-0.01}
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
gen=${BENCH_PROVINCE:-$(dirname "$0")/bench-province}
pgbin=${PG_BINDIR:-}
if [ -z "$pgbin" ]; then
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { pgbin=$d; break; }
  done
fi
[ -n "$pgbin" ] && command -v psql >/dev/null 2>&1 || { echo "bench-feed: PostgreSQL is not installed"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-benchfeed-XXXXXX")
pgdir=$tmp/pg
sock=$pgdir/sock
as_pg=
cleanup() {
  [ -f "$pgdir/data/postmaster.pid" ] && $as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE= TZ=Asia/Shanghai
unset SHEGONG_DB PGHOST PGPORT PGDATABASE PGUSER PGSERVICE PGPASSWORD
mkdir -p "$pgdir" "$sock"
if [ "$(id -u)" -eq 0 ]; then
  as_pg="setpriv --reuid=nobody --regid=nogroup --clear-groups"
  command -v setpriv >/dev/null 2>&1 || as_pg="runuser -u nobody --"
  chmod 755 "$tmp"
  chown nobody "$pgdir" "$sock"
fi
(cd "$pgdir" && $as_pg "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres -E UTF8 \
  --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1) || { cat "$tmp/initdb.log"; exit 1; }
(cd "$pgdir" && $as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w -t 120 \
  -o "-k $sock -c listen_addresses='' -c max_connections=20" start >/dev/null 2>&1) ||
  { cat "$pgdir/log"; exit 1; }
psql -X -q -h "$sock" -U postgres -d postgres -c "CREATE DATABASE warehouse" >/dev/null || exit 1
W="postgresql:///warehouse?host=$sock&user=postgres"
q() { psql -X -q -At -h "$sock" -U postgres -d warehouse -c "$1"; }
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l | xargs printf '%.2f'; }
per() { [ "$2" -gt 0 ] && echo "$1 * 1000000 / $2" | bc -l | xargs printf '%.0f' || echo -; }
row() { echo "| $1 | $2 | $3 s | $4 | $(per "$3" "$4") µs |"; }
rows() { q "SELECT (SELECT count(*) FROM shegong.units) + (SELECT count(*) FROM shegong.residents) + (SELECT count(*) FROM shegong.needs) + (SELECT count(*) FROM shegong.services) + (SELECT count(*) FROM shegong.referrals) + (SELECT count(*) FROM shegong.volunteers)"; }

echo "PostgreSQL $($pgbin/postgres --version | sed 's/.*) //'), jit available: $(q 'SELECT pg_jit_available()'), $(nproc) cores, $(uname -m)"
echo
t0=$(now)
nice -n 19 "$gen" "$scale" "$tmp/prov" >"$tmp/gen.out" || { cat "$tmp/gen.out"; exit 1; }
t1=$(now)
tail -n 1 "$tmp/gen.out"
echo "made in $(secs "$t0" "$t1") s: bench-province $scale DIR"
sites=$(ls -d "$tmp"/prov/5* | wc -l)
echo
echo "| step | command | time | records | per record |"
echo "| --- | --- | ---: | ---: | ---: |"
feedall() { for d in "$tmp"/prov/5*; do "$bin" --db "$d" feed "$W" >/dev/null </dev/null || { echo "feed failed: $d"; exit 1; }; done; }
t0=$(now); feedall; t1=$(now)
n=$(rows)
row "first feed, $sites sites" "shegong --db SITE feed URL (each site)" "$(secs "$t0" "$t1")" "$n"
t0=$(now); feedall; t1=$(now)
row "second feed, nothing new" "the same" "$(secs "$t0" "$t1")" "$n"
for d in "$tmp"/prov/5*; do "$gen" --change 100 "$d" >/dev/null || exit 1; done
t0=$(now); feedall; t1=$(now)
row "incremental feed after 100 changes a site" "bench-province --change 100 SITE; the same" "$(secs "$t0" "$t1")" "$((sites * 100))"

# the exchange: one village of the first site
site=$(ls -d "$tmp"/prov/5* | head -n 1)
town=$(basename "$site")
v=${town}001
t0=$(now)
"$bin" --db "$site" --as "t$town" sync --to-file "$tmp/down.sgx" --for "$v" >"$tmp/out" 2>&1 </dev/null || { cat "$tmp/out"; exit 1; }
t1=$(now)
"$bin" --db "$tmp/pc" sync --from-file "$tmp/down.sgx" >"$tmp/out" 2>&1 </dev/null || { cat "$tmp/out"; exit 1; }
t2=$(now)
# a village's records as bench-province makes them: 100 residents, 30
# needs, 150 services, 5 referrals, 6 volunteers; and its site's 12 units
nrec=303
row "exchange down: the township's file for a village ($(wc -c <"$tmp/down.sgx") bytes)" "shegong --as LOGIN sync --to-file F --for VILLAGE" "$(secs "$t0" "$t1")" "$nrec"
row "exchange down: an empty PC takes it" "shegong --db PC sync --from-file F" "$(secs "$t1" "$t2")" "$nrec"
"$gen" --change 40 "$tmp/pc" >/dev/null || exit 1
t0=$(now)
"$bin" --db "$tmp/pc" sync --to-file "$tmp/up.sgx" >"$tmp/out" 2>&1 </dev/null || { cat "$tmp/out"; exit 1; }
t1=$(now)
"$bin" --db "$site" --as "t$town" sync --from-file "$tmp/up.sgx" >"$tmp/out" 2>&1 </dev/null || { cat "$tmp/out"; exit 1; }
t2=$(now)
row "exchange up: 40 changes on the PC ($(wc -c <"$tmp/up.sgx") bytes)" "bench-province --change 40 PC; shegong --db PC sync --to-file F" "$(secs "$t0" "$t1")" 40
row "exchange up: the township takes them" "shegong --as LOGIN sync --from-file F" "$(secs "$t1" "$t2")" 40

# where one PostgreSQL stops being enough
one=$(q "SELECT _site FROM shegong.services LIMIT 1")
ex() { # ex JIT SQL: execution time in ms
  q "SET jit = $1; SET max_parallel_workers_per_gather = 2; EXPLAIN (ANALYZE, FORMAT TEXT) $2" |
    sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p'
}
s1="SELECT * FROM shegong.report_services WHERE site = '$one' AND month = '2026-06'"
s2="SELECT month, sum(services) FROM shegong.report_services WHERE unit IS NULL AND function IS NULL AND month = '2026-06' GROUP BY month"
echo
echo "| services rows | one site's month, jit off / on (ms) | the province's month, jit off / on (ms) | table size |"
echo "| ---: | ---: | ---: | ---: |"
base=$(q "SELECT count(*) FROM shegong.services")
q "CREATE TABLE copy AS SELECT * FROM shegong.services" >/dev/null
k=1
for times in 1 8 32; do
  while [ "$k" -lt "$times" ]; do
    # copy k: another site, and its services (k mod 4) years earlier,
    # as a warehouse holds after four years
    if [ $((k % 4)) -eq 0 ]; then shift="+ interval '3 years'"; else shift="- interval '1 year'"; fi
    q "UPDATE copy SET _site = lpad(to_hex($k), 4, '0') || substr(_site, 5), date = (date $shift)::date; INSERT INTO shegong.services SELECT * FROM copy" >/dev/null
    k=$((k + 1))
  done
  q "VACUUM ANALYZE shegong.services" >/dev/null
  n=$(q "SELECT count(*) FROM shegong.services")
  echo "| $n | $(ex off "$s1") / $(ex on "$s1") | $(ex off "$s2") / $(ex on "$s2") | $(q "SELECT pg_size_pretty(pg_total_relation_size('shegong.services'))") |"
done
echo
echo "EXPLAIN of the province's month at $n rows (jit on):"
echo
q "SET jit = on; EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) $s2" | grep -E 'Scan|Gather|Aggregate|JIT|Functions|Timing|Execution' | head -20 | sed 's/^/    /'

# a month by its days, on a table partitioned by year (bench only: the
# warehouse's tables keep their primary key (_site, _id), which a table
# partitioned by the date cannot have)
"$bin" --db "$site" feed "$W" >/dev/null </dev/null || exit 1   # the exchange's changes
q "CREATE SCHEMA byyear" >/dev/null
for t in units needs referrals orgs feed_mark; do
  q "CREATE TABLE byyear.$t (LIKE shegong.$t INCLUDING ALL); INSERT INTO byyear.$t SELECT * FROM shegong.$t" >/dev/null || exit 1
done
q "CREATE TABLE byyear.services (LIKE shegong.services INCLUDING DEFAULTS) PARTITION BY RANGE (date)" >/dev/null || exit 1
for y in 2023 2024 2025 2026 2027; do
  q "CREATE TABLE byyear.services_$y PARTITION OF byyear.services FOR VALUES FROM ('$y-01-01') TO ('$((y + 1))-01-01')" >/dev/null || exit 1
done
q "CREATE TABLE byyear.services_other PARTITION OF byyear.services DEFAULT; CREATE INDEX ON byyear.services (_site, _id); INSERT INTO byyear.services SELECT * FROM shegong.services" >/dev/null || exit 1
q "VACUUM ANALYZE byyear.services" >/dev/null || exit 1
"$bin" --db "$site" feed "$W" --schema byyear >"$tmp/out" 2>&1 </dev/null || { echo "feed into byyear failed:"; cat "$tmp/out"; exit 1; }
q "SELECT 'services by year: ' || string_agg(tableoid::regclass::text || ' ' || n, ', ' ORDER BY 1) FROM (SELECT tableoid, count(*) AS n FROM byyear.services GROUP BY tableoid) c" | sed 's/^/    /'
echo
ms() { # ms SQL: execution time in ms, jit off, the median of three
  for i in 1 2 3; do
    q "SET jit = off; SET max_parallel_workers_per_gather = 2; EXPLAIN (ANALYZE, FORMAT TEXT) $1" |
      sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p'
  done | sort -n | sed -n 2p
}
pm="SELECT sum(services) FROM @.report_services WHERE unit IS NULL AND function IS NULL AND month = '2026-06'"
pd="SELECT sum(services) FROM @.report_services_between('2026-06-01', '2026-07-01') WHERE unit IS NULL AND function IS NULL"
sm="SELECT site, unit, function, services, people, volunteer_hours FROM @.report_services WHERE site = '$one' AND month = '2026-06'"
sd="SELECT * FROM @.report_services_between('2026-06-01', '2026-07-01') WHERE site = '$one'"
sch() { echo "$2" | sed "s/@/$1/g"; }
same() { [ "$(q "$(sch shegong "$1")")" = "$(q "$(sch byyear "$1")")" ] && [ "$(q "$(sch shegong "$1")")" = "$(q "$(sch shegong "$2")")" ] && echo same || echo DIFFERENT; }
echo "| query (jit off, median of 3), $n services rows | plain table (ms) | partitioned by year (ms) | results |"
echo "| --- | ---: | ---: | --- |"
echo "| the province's month by 'YYYY-MM' (before) | $(ms "$(sch shegong "$pm")") | $(ms "$(sch byyear "$pm")") | |"
echo "| the province's month by its days (after) | $(ms "$(sch shegong "$pd")") | $(ms "$(sch byyear "$pd")") | $(same "$pm" "$pd") |"
echo "| one site's month by 'YYYY-MM' (before) | $(ms "$(sch shegong "$sm")") | $(ms "$(sch byyear "$sm")") | |"
echo "| one site's month by its days (after) | $(ms "$(sch shegong "$sd")") | $(ms "$(sch byyear "$sd")") | $(same "$sm ORDER BY 1, 2, 3" "$sd ORDER BY 1, 2, 3") |"
echo
echo "The partitions of services each query reads (EXPLAIN, COSTS OFF):"
echo
for x in "$pm" "$pd"; do
  echo "    $(sch byyear "$x")"
  q "SET jit = off; EXPLAIN (COSTS OFF) $(sch byyear "$x")" | sed -n 's/.*Scan on \(services_[a-z0-9]*\).*/\1/p' | sort | uniq -c |
    awk '{ printf "%s%s ×%s", (NR > 1 ? ", " : "      scans: "), $2, $1 } END { print "" }'
done
