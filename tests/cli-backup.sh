#!/bin/sh
# cli-backup.sh: `shegong backup` and `shegong restore` from the command
# line on the demo database: a backup by an administrator (what it
# prints, the file's mode, no FILE.tmp left, its own audit entry inside),
# refusals for other workers and for a file in the database folder; a
# restore that brings back the records and keeps the old data, one onto a
# new computer's empty folder, and the refusals that change nothing (a
# file cut short, random bytes, a missing file, another worker, a
# database another program has open); exit status 0, 1 and 2.
set -u
bin=${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shegong-bak-XXXXXX")
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$tmp"' EXIT
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
same() { # same A B NAME: two files with the same bytes
  if cmp -s "$1" "$2"; then ok "$3"; else no "$3: $1 and $2 differ"; fi
}
recs() { # recs DIR: a digest of the records table (the audit trail grows with each --as)
  mdb_dump -s rec "$1" 2>/dev/null | cksum
}
entries() { # entries DIR DBI: records in a named database, read by LMDB's own tool
  mdb_stat -s "$2" "$1" 2>/dev/null | sed -n 's/^ *Entries: *//p'
}

export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=
unset SHEGONG_DB
export SHEGONG_FORMSDIR=${SHEGONG_FORMSDIR:-$(dirname "$0")/../forms}

demo="$tmp/demo"
D="--demo --db $demo"
mkdir "$tmp/bak"

# --- backup ------------------------------------------------------------------------
run 2 "a backup needs a file" $D --as admin backup
run 2 "a backup takes one file" $D --as admin backup "$tmp/bak/a" "$tmp/bak/b"
run 1 "a village worker may not make a backup" $D --as anning backup "$tmp/bak/x.shegong"
has err "only an administrator" "the refusal says who may"
[ ! -e "$tmp/bak/x.shegong" ] && ok "nothing written for the refusal" || no "a refused backup wrote a file"
run 1 "a supervisor may not either" $D --as dudao backup "$tmp/bak/x.shegong"
run 1 "not into the database folder" $D --as admin backup "$demo/copy.shegong"
has err "database folder" "the refusal says why"
[ ! -e "$demo/copy.shegong" ] && ok "nothing in the database folder" || no "a backup in the database folder"
run 1 "not into a folder that does not exist" $D --as admin backup "$tmp/nowhere/a.shegong"

n=$(entries "$demo" rec)
run 0 "an administrator makes a backup" $D --as admin backup "$tmp/bak/one.shegong"
has out "Backup written: $tmp/bak/one.shegong" "the file is named"
has out "  $n records:" "the records copied are counted ($n)"
has out "MiB" "and its size said"
[ -s "$tmp/bak/one.shegong" ] && ok "the backup is there" || no "no backup file"
[ ! -e "$tmp/bak/one.shegong.tmp" ] && ok "no FILE.tmp left" || no "FILE.tmp left behind"
mode=$(stat -c %a "$tmp/bak/one.shegong")
[ "$mode" = 600 ] && ok "the backup is readable by its owner alone" || no "backup mode $mode"
got=$(mdb_stat -n -s rec "$tmp/bak/one.shegong" 2>/dev/null | sed -n 's/^ *Entries: *//p')
[ "$got" = "$n" ] && ok "LMDB's own tool reads the backup: $got records" || no "mdb_stat -n reads $got records"
run 0 "the audit trail has the backup" $D --as admin audit
has out "backup	.*one.shegong" "logged with the file"

# --- restore: refusals that change nothing ---------------------------------------------
# work goes on after the backup: a record the backup does not have
run 0 "work after the backup" $D --as admin unit add 510421100099 "新村"
[ "$(entries "$demo" rec)" = $((n + 1)) ] && ok "one record more than the backup" || no "records: $(entries "$demo" rec)"
recs "$demo" >"$tmp/live-before"
run 2 "restore needs a file" $D --as admin restore
run 2 "--db after the command" $D --as admin restore "$tmp/bak/one.shegong" --db "$demo"
has err "goes before the command" "the usage error says where --db goes"
run 1 "a village worker may not restore" $D --as anning restore "$tmp/bak/one.shegong"
has err "only an administrator" "the refusal says who may"
run 1 "a missing file" $D --as admin restore "$tmp/bak/none.shegong"
has err "no backup file" "the missing file is named"
head -c 100000 "$tmp/bak/one.shegong" >"$tmp/bak/cut.shegong"
run 1 "a backup cut short" $D --as admin restore "$tmp/bak/cut.shegong"
has err "not a whole shegong backup" "the refusal says what is wrong"
head -c 65536 /dev/urandom >"$tmp/bak/random.shegong"
run 1 "random bytes" $D --as admin restore "$tmp/bak/random.shegong"
has err "not a whole shegong backup" "random bytes are no backup"
run 1 "a folder" $D --as admin restore "$tmp/bak"
recs "$demo" >"$tmp/live-now"
same "$tmp/live-now" "$tmp/live-before" "the records are unchanged after the refusals"
ls "$demo" >"$tmp/out"
if grep -q "before-restore\|restoring" "$tmp/out"; then no "files left in the database folder"; else ok "no files left in the database folder"; fi

# another program has the database open: LMDB's shared lock on lock.mdb,
# held here as LMDB holds it (fcntl, the first byte)
if command -v python3 >/dev/null 2>&1; then
  python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "r+")
fcntl.lockf(f, fcntl.LOCK_SH, 1, 0)
open(sys.argv[2], "w").close()
time.sleep(60)' "$demo/lock.mdb" "$tmp/held" &
  holder=$!
  i=0
  while [ ! -e "$tmp/held" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  run 1 "not while another program has it open" $D --as admin restore "$tmp/bak/one.shegong"
  has err "Other programs have the database open" "the refusal says why"
  has err "quit" "and what to do"
  recs "$demo" >"$tmp/live-now"
  same "$tmp/live-now" "$tmp/live-before" "the records are unchanged"
  kill "$holder"
  wait "$holder" 2>/dev/null
  holder=
else
  echo "ok - # SKIP no python3 to hold the lock"
fi

# --- restore ----------------------------------------------------------------------
run 0 "an administrator restores" $D --as admin restore "$tmp/bak/one.shegong"
has out "Every index entry matches its record" "the backup's indexes checked"
has out "Audit trail: [0-9]* entries, whole" "its audit trail checked"
has out "kept as $demo/data.mdb.before-restore-" "the old data's name said"
has out "The restored database is whole" "the restored database checked"
ls "$demo"/data.mdb.before-restore-* >/dev/null 2>&1 && ok "the old data is kept" || no "no data.mdb.before-restore-*"
kept=$(ls "$demo"/data.mdb.before-restore-* | head -n 1)
got=$(mdb_stat -n -s rec "$kept" 2>/dev/null | sed -n 's/^ *Entries: *//p')
[ "$got" = $((n + 1)) ] && ok "the kept data is the database from before the restore ($got records)" || no "the kept data: $got records"
[ "$(entries "$demo" rec)" = "$n" ] && ok "the records are back ($n)" || no "records after restore: $(entries "$demo" rec)"
run 0 "check after the restore" $D --as admin check
has out "whole" "check finds the audit trail whole"
run 0 "the audit trail has the restore" $D --as admin audit
has out "restore	.*one.shegong" "logged in the restored database"

# onto a new computer: no database, no account to ask
run 0 "restore into a folder that does not exist" --db "$tmp/new/db" restore "$tmp/bak/one.shegong"
[ "$(entries "$tmp/new/db" rec)" = "$n" ] && ok "all $n records there" || no "records: $(entries "$tmp/new/db" rec)"
run 0 "it opens, and checks whole" --db "$tmp/new/db" check
run 1 "a bad file onto a new computer" --db "$tmp/new2/db" restore "$tmp/bak/cut.shegong"
[ ! -e "$tmp/new2/db" ] && ok "no folder made for it" || no "a folder left for a refused restore"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
