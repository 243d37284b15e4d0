/* store.h: the record store, an LMDB environment in a data directory that
 * many processes (one per SSH session on a township server) use at once.
 *
 * Every read and write goes through a transaction callback: store_read
 * and store_write open the transaction, call fn, and commit or abort.
 * Inside, calls take a store_txn and keep the first error ("sticky"):
 * after one fails the rest do nothing, and the error comes back from
 * store_write, which then commits nothing.  A write that finds the map
 * full grows the map and runs fn again from the start, so fn must not
 * depend on what an earlier, aborted run did: it builds the records it
 * puts afresh each time.  To save records the caller keeps (a form on
 * the screen), use store_save, which puts them back as they were when
 * the save fails, so the worker's input stays to redo.
 *
 * No curses here. */
#ifndef SHEGONG_STORE_H
#define SHEGONG_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

/* The store's errors: LMDB's and the system's codes are mapped to these in
 * one place (store_map_error), and each has a message a village worker
 * can act on (store_strerror). */
enum store_err {
	STORE_OK = 0,
	STORE_NOTFOUND,   /* no such record */
	STORE_EXISTS,     /* a record with that id is already there */
	STORE_CONFLICT,   /* someone else saved the record after it was read */
	STORE_NODB,       /* no database in that directory */
	STORE_NEWER,      /* the database was made by a newer version */
	STORE_NOTDB,      /* the files are not a shegong database */
	STORE_CORRUPT,    /* damaged */
	STORE_DISKFULL,   /* no space left on the disk */
	STORE_MAPLIMIT,   /* the database reached the largest size this system allows */
	STORE_PERM,       /* no permission */
	STORE_BUSY,       /* too many programs have it open */
	STORE_TOOBIG,     /* one value or transaction too large */
	STORE_NOMEM,
	STORE_IO,         /* an input/output error from the disk */
	STORE_INVALID,    /* a bad argument: a programming error */
	STORE_STOP,       /* a callback asked to stop early: not an error */
	STORE_DENIED,     /* the worker's scope does not reach this record */
	STORE_MAPFULL,    /* internal: the map must grow (never returned) */
	STORE_BADBACKUP,  /* not a whole shegong backup (cut short, damaged, another file) */
	STORE_INUSE,      /* other programs have the database open */
	STORE_BADPATH,    /* a backup may not be written into the database folder */
	STORE_BADLOCK,    /* lock.mdb is damaged; data.mdb opens without it */
};

const char *store_strerror(int err);
/* Map an LMDB return code or errno value to a store_err. */
int store_map_error(int rc);

/* The schema version this program writes and reads.  Opening a database
 * with a newer schema fails with STORE_NEWER. */
#define STORE_SCHEMA 1

typedef struct store store;
typedef struct store_txn store_txn;

/* A hook every change goes through, inside its transaction: the audit
 * trail hangs here.  before is NULL for a new record, after NULL for a
 * deletion.  A nonzero return fails the transaction, so a change and its
 * audit entry are saved together or not at all. */
enum { STORE_HOOK_CREATE = 1, STORE_HOOK_UPDATE, STORE_HOOK_DELETE };
typedef int (*store_hook_fn)(store_txn *t, int what, const record *before,
                             const record *after, void *ctx);

enum {
	STORE_CREATE = 1 << 0,  /* create the directory and database if missing */
	STORE_RDONLY = 1 << 1,
	/* dir names one file in LMDB's MDB_NOSUBDIR layout (a backup, or a
	 * restore being checked): read-only, no lock file, never written */
	STORE_FILE = 1 << 2,
};

/* Open the database in directory dir.  Clears reader slots left by
 * processes that were killed.  Returns a store_err; *out is set on
 * STORE_OK. */
int store_open(store **out, const char *dir, unsigned flags);
void store_close(store *st);
/* Open the database in dir once, now, for the whole run (a setgid run
 * does, then gives the group up for good: cli.c): from here on every
 * store_open of the same dir (not STORE_FILE) shares that environment, or
 * returns the error this open had.  Read-write, created when flags has
 * STORE_CREATE; read-only when only that is allowed.  The handles keep
 * their own user, hooks and rdonly. */
int store_hold(const char *dir, unsigned flags);
/* Close the held environment (after the last handle on it is closed). */
void store_release(void);

/* The login name recorded as creator/updater of what this handle saves. */
int store_set_user(store *st, const char *login);
const char *store_user(const store *st);
/* The database folder. */
const char *store_dir(const store *st);
/* This database's site number (part of every record id it creates). */
uint64_t store_site(const store *st);
/* The current map size in bytes (grows by itself). */
size_t store_mapsize(store *st);
/* Let go of the database's pages this process has read through the map
 * (the kernel keeps them in its page cache, and a later read finds them
 * there).  A long write that goes through much of the database (an
 * import) calls it now and then, so that what the process holds is its
 * own memory, not the database it went through. */
void store_release_map(store *st);
/* The most the map may grow to (bounded on 32-bit systems). */
size_t store_maplimit(const store *st);
/* For tests: start growing from this size, and never beyond limit. */
void store_set_maplimit(store *st, size_t limit);

int store_read(store *st, int (*fn)(store_txn *t, void *ctx), void *ctx);
int store_write(store *st, int (*fn)(store_txn *t, void *ctx), void *ctx);

/* The sticky error of t (STORE_OK while all went well). */
int store_txn_error(const store_txn *t);
/* Set t's error (if it has none yet) and return it; for callbacks. */
int store_txn_fail(store_txn *t, int err);
store *store_txn_store(store_txn *t);

/* Read one record.  STORE_NOTFOUND is returned but does not make the
 * transaction fail. */
int store_get(store_txn *t, const rec_id *id, record **out);
/* The stored encoding of the record id in *p, *len, in the database's
 * map, not copied or decoded (record_view reads fields from it): valid
 * until t ends (or, in a write transaction, until the next write).
 * STORE_NOTFOUND (the transaction goes on) or another store error.  No
 * policy is applied: the caller keeps to the worker's scope itself, as
 * the home screen's to-do count (today.c) does. */
int store_view(store_txn *t, const rec_id *id, const unsigned char **p, size_t *len);

/* Save r.  A record with version 0 is new: it gets an id (unless r->id
 * already names one, as records from another site do), version 1 and its
 * created/updated stamps.  Otherwise r->version must equal the stored
 * version (STORE_CONFLICT if someone saved in between); it becomes
 * version + 1.  Index entries are rewritten in the same transaction.
 * r is updated in place even if the transaction later fails. */
int store_put(store_txn *t, record *r);
/* Save r exactly as it is (its id, version, stamps and who made it): a
 * version of a record received from another site (sync.c).  The policy
 * applies as to store_put; index entries are rewritten; the hook sees it
 * as a creation or an update. */
int store_put_copy(store_txn *t, const record *r);
/* The change log: every store_put and store_put_copy gives the record the
 * next change number of this database (its older number is forgotten),
 * so the records changed since number `after` are found without a scan.
 * store_changes calls fn for each, in change order (fn returns nonzero to
 * stop: that value is returned); store_change_last gives the last number
 * handed out (0: none); store_change_of a record's number (0: none). */
int store_changes(store_txn *t, uint64_t after,
                  int (*fn)(uint64_t n, const rec_id *id, void *ctx), void *ctx);
int store_change_last(store_txn *t, uint64_t *n);
int store_change_of(store_txn *t, const rec_id *id, uint64_t *n);
/* Save records the caller keeps, in one transaction: on success their
 * ids, versions and stamps are updated; on any failure (STORE_CONFLICT,
 * a full disk ...) they are left exactly as they were. */
int store_save(store *st, record *r);
int store_save_many(store *st, record **rs, size_t n);
/* The same, calling check for each record inside the write transaction,
 * just before it is put (after a retry, again): a nonzero return (a
 * store error) fails the save, nothing written, the records as they
 * were.  A rule no two records may break (one ID number, one resident)
 * is checked here, so two processes saving at once cannot both pass. */
int store_save_checked(store *st, record **rs, size_t n,
                       int (*check)(store_txn *t, const record *r, void *ctx), void *ctx);
/* Delete a record and its index entries; expect_version 0 skips the
 * version check. */
int store_del(store_txn *t, const rec_id *id, uint32_t expect_version);

/* Call fn for each record of kind, in id order, starting after `after`
 * (NULL = from the first).  fn returns 0 to go on, nonzero to stop
 * (that value is returned, and does not fail the transaction). */
int store_scan(store_txn *t, int kind, const rec_id *after,
               int (*fn)(const record *r, void *ctx), void *ctx);
/* Call fn for the id of each record of kind whose index idx has a value
 * beginning with prefix (normalised like the values), in value order.
 * Several entries of one record (pinyin variants) may each call fn. */
int store_find(store_txn *t, int idx, int kind, const char *prefix,
               int (*fn)(const rec_id *id, const char *value, void *ctx), void *ctx);
/* Like store_find, but resumable, for paging: starts just after the
 * entry (after_key, after_data) when after_key is not NULL (an entry as
 * fn saw it), and hands fn the entry's key too.  after_data is the
 * REC_KEYLEN-byte record key. */
int store_walk(store_txn *t, int idx, int kind, const char *prefix,
               const unsigned char *after_key, size_t after_len,
               const unsigned char *after_data,
               int (*fn)(const rec_id *id, const unsigned char *key, size_t keylen,
                         void *ctx),
               void *ctx);
/* Count the records of kind. */
int store_count(store_txn *t, int kind, size_t *n);
/* Count the records of kind whose index idx has exactly the value value
 * (the residents of one village), from the index alone: one lookup, not
 * a walk, whatever the number.  On the village index (index version 4)
 * the count kept in meta, which touches no page of the index. */
int store_count_value(store_txn *t, int idx, int kind, const char *value, size_t *n);

/* Install the hook (NULL to remove). */
void store_set_hook(store *st, store_hook_fn fn, void *ctx);

/* The policy every record goes through (scope.c installs the worker's):
 * store_get of a record it does not let read returns STORE_DENIED (which,
 * like STORE_NOTFOUND, does not fail the transaction), store_scan skips
 * such records, and store_put or store_del of one it does not let write
 * fails the transaction with STORE_DENIED before anything changes.
 * op is STORE_POLICY_READ (before is the record) or STORE_POLICY_WRITE
 * (before NULL for a new record, after NULL for a deletion). */
enum { STORE_POLICY_READ = 1, STORE_POLICY_WRITE };
typedef bool (*store_policy_fn)(int op, const record *before, const record *after, void *ctx);
void store_set_policy(store *st, store_policy_fn fn, void *ctx);
/* Within t, from now on, the policy is not asked: for the consequences
 * the rules themselves make (a need's status following its referral),
 * never for what a worker asked directly. */
void store_txn_trust(store_txn *t, bool on);
/* Within t (a write), the index entries of the records saved are
 * gathered and put sorted by key through one cursor (consecutive entries
 * then mostly land on the page the last one did), at the commit or as
 * soon as anything reads or removes index entries; the ID number's
 * entries are put at once, so a duplicate check finds them without that.
 * The store's counters (the last record number, the count of each kind,
 * the last change number) are read once, kept in t, and written once at
 * the commit; the records and the change log are read and written
 * through cursors t keeps.  What is written is the same.  For a transaction saving many records
 * (the import's batches).  pace (or NULL) is called every
 * STORE_BULK_PACE entries put, for the caller to let go of the map's
 * pages (store_release_map) as it does while saving the rows. */
#define STORE_BULK_PACE 400
void store_txn_bulk(store_txn *t, void (*pace)(store *st));

/* The audit table: an append-only run of entries numbered from 1, kept
 * in the database beside the records.  The bytes are the caller's
 * (audit.c).  store_audit_last returns STORE_NOTFOUND when it is empty. */
int store_audit_append(store_txn *t, const void *data, size_t len, uint64_t *seq);
int store_audit_last(store_txn *t, uint64_t *seq, void **data, size_t *len);
/* The last entry's number alone (STORE_NOTFOUND: none), and an entry put
 * under number seq, which must come after the last (else STORE_CORRUPT,
 * the transaction failed). */
int store_audit_last_seq(store_txn *t, uint64_t *seq);
int store_audit_put(store_txn *t, uint64_t seq, const void *data, size_t len);
/* Call fn for each entry from number from on, in order; fn returns
 * nonzero to stop. */
int store_audit_walk(store_txn *t, uint64_t from,
                     int (*fn)(uint64_t seq, const void *data, size_t len, void *ctx),
                     void *ctx);

/* Small named values of other modules beside the store's own (the audit
 * trail's head).  Names are prefixed "x/" inside, so they never meet the
 * store's keys.  store_meta_get returns STORE_NOTFOUND when unset; *data
 * is malloc'd. */
int store_meta_put(store_txn *t, const char *name, const void *data, size_t len);
int store_meta_get(store_txn *t, const char *name, void **data, size_t *len);
/* Call fn for each named value whose name begins with prefix, in name
 * order (fn returns nonzero to stop: that value is returned). */
int store_meta_each(store_txn *t, const char *prefix,
                    int (*fn)(const char *name, const void *data, size_t len, void *ctx),
                    void *ctx);

/* Drafts: what a worker was typing into a form, kept so that a dropped
 * link loses nothing.  One draft per login; bytes are the caller's.
 *
 * A draft belongs to one writer (a form on one screen): each writer has
 * a mark, made by store_draft_mark_init, holding an owner number of its
 * own and, from its first write on, the login's draft generation.
 * Taking a draft back (store_draft_take) or throwing it away
 * (store_draft_discard) moves the generation on, in the same
 * transaction, so that no writer that wrote before can write again: its
 * store_draft_put is refused with STORE_CONFLICT and nothing is written.
 * A writer's first put takes the generation as it is.
 *
 * store_draft_get: the draft, without taking it (STORE_NOTFOUND when
 * there is none; *data is malloc'd).  store_draft_take: the draft, which
 * is m's from now on.  store_draft_drop: the draft saved or left on
 * purpose: removed when it is m's own (another writer's is left).
 * store_draft_del: removed whoever wrote it, the generation kept. */
struct store_draft_mark {
	uint64_t owner;   /* the writer: random, never 0 */
	uint64_t gen;     /* the generation it holds, when held */
	bool held;        /* it has written or taken a draft */
};
void store_draft_mark_init(struct store_draft_mark *m);
int store_draft_put(store *st, const char *login, struct store_draft_mark *m,
                    const void *data, size_t len);
int store_draft_get(store *st, const char *login, void **data, size_t *len);
int store_draft_take(store *st, const char *login, struct store_draft_mark *m, void **data,
                     size_t *len);
int store_draft_discard(store *st, const char *login);
int store_draft_drop(store *st, const char *login, const struct store_draft_mark *m);
int store_draft_del(store *st, const char *login);

/* The number of the last write transaction committed to the database
 * (by any process): unchanged means nothing was written. */
uint64_t store_last_txn(store *st);

/* Check that every index entry matches its record and every record has
 * all its entries, and each village count its entries.  Calls report
 * (if not NULL) for each fault with a sentence; *faults receives their
 * number.  With repair, rebuilds the indexes (and the counts) from the
 * records (in one write transaction). */
/* The index set the database's entries follow (index.h's INDEX_VERSION
 * once a writer has opened it; an older number when only read since it
 * was made by an older program: search then walks the indexes it has). */
unsigned store_index_version(const store *st);
/* Add the index entries an older program did not make, for every record,
 * in one write transaction, and note INDEX_VERSION (store_open does this
 * when it may write). */
int store_index_upgrade(store *st);
int store_verify(store *st, bool repair, size_t *faults,
                 void (*report)(const char *msg, void *ctx), void *ctx);

/* --- backups ------------------------------------------------------------
 *
 * A backup is one file: the database as LMDB's compacting copy
 * (mdb_env_copyfd2 with MDB_CP_COMPACT) writes it, in the one-file
 * MDB_NOSUBDIR layout, then a trailer of STORE_TRAILER_LEN bytes:
 *
 *   "SHEGONG-BACKUP\n" and a NUL (16) | trailer format u32 BE (1) |
 *   schema u32 BE | data length u64 BE | SHA-256 of the data (32)
 *
 * The trailer lets restore recognise a file cut short, damaged or of
 * another kind before LMDB maps it (a mapped page beyond the end of a
 * truncated file would kill the program).  LMDB's tools read a backup as
 * it is (mdb_stat -n FILE: the bytes after the last page are ignored). */
#define STORE_TRAILER_LEN 64

/* What a database or a backup holds, counted from its own tables. */
struct store_census {
	size_t records;             /* records of every kind */
	size_t by_kind[256];        /* records of each kind */
	size_t miscounted;          /* kinds whose kept count (meta) is wrong */
	uint64_t audit_entries;     /* the audit trail's last entry number */
	uint64_t schema;
};
int store_census(store *st, struct store_census *c);

struct store_backup_info {
	struct store_census census; /* of the backup file, read back */
	uint64_t bytes;             /* the backup file's size */
	uint64_t live_bytes;        /* the database's data.mdb when it was taken */
};
/* A consistent copy of st (one read transaction's snapshot, while others
 * keep writing), compacted, sealed with the trailer, written to
 * path.tmp in path's folder, flushed to the disk (fsync), read back
 * (opened and counted: *info), then renamed to path, so that a backup
 * cut short never has the final name.  The file is made 0600: it holds
 * everyone's personal data.  STORE_BADPATH when path's folder is the
 * database folder. */
int store_backup(store *st, const char *path, struct store_backup_info *info);
/* Add the trailer to a file that holds only LMDB data (store_backup does;
 * tests use it to seal a doctored copy).  Flushes the file. */
int store_backup_seal(const char *path);

/* Whether a program (this one too) has the database in dir open: LMDB
 * holds a shared lock on dir/lock.mdb for as long as an environment is
 * open.  false when there is no lock file. */
int store_in_use(const char *dir, bool *in_use);
/* Check the backup at path (its trailer and the SHA-256 of its data) and
 * copy the data into the database folder dir (made, 0770, when missing:
 * *made_dir true) as dir/data.mdb.restoring, hashing the copy as it is
 * written.  *staged receives the copy's path (malloc'd), to open with
 * STORE_FILE and check, then hand to store_restore_commit or remove.
 * STORE_BADBACKUP when path is not a whole backup; nothing is left behind
 * on failure. */
int store_restore_stage(const char *path, const char *dir, char **staged, bool *made_dir);
/* Put the staged copy in place of dir/data.mdb, holding LMDB's lock file
 * exclusively meanwhile, so that it happens only when no program has the
 * database open (STORE_INUSE otherwise, nothing changed).  The old
 * data.mdb is kept beside it as data.mdb.before-restore-YYYYMMDD-HHMMSS
 * (*kept: that name, malloc'd; NULL when there was none), and the lock
 * file, which describes the old data, is removed: the next program to
 * open the database makes a new one. */
int store_restore_commit(const char *dir, const char *staged, char **kept);

#endif
