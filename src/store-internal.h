/* store-internal.h: what the store's own files (store*.c) share: the
 * handle and the transaction, and the small steps more than one of them
 * takes.  LMDB is seen here and in store*.c only; nothing else includes
 * this header.
 *
 * Key layout (see ARCHITECTURE.md):
 *   "meta"  text key -> value: "schema" u32 BE, "site" u64 BE,
 *           "seq" u64 BE (last sequence number this site gave out),
 *           "count/<kind>" u64 BE (records of that kind)
 *   "rec"   kind(1) site(8) seq(8) -> record encoding (record.c)
 *   "idx"   idx(1) kind(1) value -> record key, MDB_DUPSORT
 *   "draft" login -> a form being filled in (ui-form.c's encoding)
 *   "audit" seq u64 BE -> an audit entry (audit.c's encoding), append-only
 *   "chg"   change number u64 BE -> record key (17): the newest change of
 *           each record, numbered in the order they were made (meta
 *           "chgseq" holds the last number); and record key (17) -> its
 *           change number, so that a record's older entry is removed when it
 *           changes again.  Change numbers start with a zero byte and record
 *           keys with their kind (1 or more), so the numbered entries all
 *           sort first.  The exchange with other sites (sync.c) reads it. */
#ifndef SHEGONG_STORE_INTERNAL_H
#define SHEGONG_STORE_INTERNAL_H

#include <lmdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "store.h"

struct store {
	MDB_env *env;
	MDB_dbi meta, rec, idx, draft, audit, chg;
	bool have_draft, have_audit, have_chg;
	store_hook_fn hook;
	void *hook_ctx;
	store_policy_fn policy;
	void *policy_ctx;
	char *dir;
	char *user;
	uint64_t site;
	uint64_t schema;
	uint64_t idxver;       /* meta "idxver": the index set its entries follow */
	size_t maplimit;
	bool rdonly;
	bool shared;  /* a handle on the held environment (store_hold): env not ours */
};

/* The tables a bulk transaction reads and writes through a cursor of its
 * own (store_bulk_get, store_bulk_put). */
enum { STORE_BC_REC, STORE_BC_CHGNUM, STORE_BC_CHGREC, STORE_BC_AUDIT, STORE_BULK_CURSORS };

struct store_txn {
	store *st;
	MDB_txn *txn;
	int err;
	bool write;
	bool trusted;  /* store_txn_trust */
	struct idx_pending *pend;  /* store_txn_bulk: index entries not yet put */
	/* store_read's: one cursor on the records for store_view, opened at
	 * the first read and closed by store_read.  Ids read in key order (an
	 * index's entries are) are mostly the record after the last one read
	 * (view_key, when view_on): one step on, not a search from the root.
	 * Ids in no order (a search page's) mostly miss: a step that misses
	 * spends one of view_credit (full again when one lands); one that
	 * misses with none left has the next view_skip ids read without the
	 * cursor (mdb_get), which is set again after them */
	MDB_cursor *view;
	bool may_view, view_on;
	unsigned view_credit, view_skip;
	unsigned char view_key[REC_KEYLEN];
	struct meta_pending *mpend;  /* store_txn_bulk: counters not yet written */
	MDB_cursor *bulk_cur[STORE_BULK_CURSORS];  /* store_txn_bulk: store_bulk_get/put's */
};

/* --- store.c ---------------------------------------------------------------- */

/* Record an LMDB failure in t, unless it already failed; t's error (0
 * when rc is 0). */
int store_txn_rc(store_txn *t, int rc);
/* Close a cursor whose walk ended with rc: 0 when it ran out of entries
 * (MDB_NOTFOUND) or was left early, else the failure recorded in t. */
int store_cursor_end(store_txn *t, MDB_cursor *c, int rc);
/* A copy of the value d, malloc'd (at least one byte), for the caller. */
int store_copy_out(store_txn *t, const MDB_val *d, void **data, size_t *len);
/* mdb_get and mdb_put, but within a store_txn_bulk transaction through
 * its cursor which (STORE_BC_...) on dbi, opened at the first use and
 * kept: LMDB then looks first in the leaf page the cursor is on, where
 * keys made in order (the records' and the change log's) mostly fall,
 * before it searches the tree from its root.  The same results; an LMDB
 * code, nothing recorded in t. */
int store_bulk_get(store_txn *t, int which, MDB_dbi dbi, MDB_val *k, MDB_val *d);
int store_bulk_put(store_txn *t, int which, MDB_dbi dbi, MDB_val *k, MDB_val *d,
                   unsigned flags);
/* Close t's cursors (before its commit or abort). */
void store_bulk_end(store_txn *t);
/* mkdir -p with the database folder's mode; 0 or an errno value. */
int store_mkdir_p(const char *dir);

/* --- store-meta.c: the store's own counters in "meta" ------------------------- */

/* An absent name reads as 0. */
int store_meta_get_u64(store_txn *t, const char *name, uint64_t *v);
int store_meta_put_u64(store_txn *t, const char *name, uint64_t v);
/* Within t (a write; store_txn_bulk), the meta values (the counters
 * above, store_meta_get and _put's of up to 48 bytes) are read from LMDB
 * once and then kept in t: what they read within t is what was last
 * put, and store_meta_flush writes the ones changed (before the commit,
 * and before store_meta_each walks them; nothing is written when t
 * aborts).  t's error. */
void store_meta_bulk(store_txn *t);
int store_meta_flush(store_txn *t);
void store_meta_pending_free(store_txn *t);
/* The meta name of the count of records of a kind ("count/KIND"). */
#define STORE_COUNT_NAME 24
void store_count_name(char name[STORE_COUNT_NAME], int kind);
/* The meta name of the count of an IDX_VILLAGE key's entries (key, len:
 * the index key), "vcount/KIND/VILLAGE" (store-record.c). */
#define STORE_VCOUNT_NAME 416   /* index.h's IDX_KEYMAX and the name's start */
void store_village_count_name(char name[STORE_VCOUNT_NAME], const unsigned char *key, size_t len);
/* store-verify.c: the village counts made again from the index, in t
 * (the old ones removed first).  t's error. */
int store_village_counts_make(store_txn *t);

/* --- store-record.c ------------------------------------------------------------ */

/* Add (del false) or remove r's index entries pointing to reckey. */
int store_index_write(store_txn *t, const record *r, const unsigned char reckey[REC_KEYLEN],
                      bool del);
/* The index entries t gathered (store_txn_bulk) put now, sorted, through
 * one cursor: before the index is read for idx (0: any) or changed
 * otherwise, and before the commit.  t's error. */
int store_index_flush(store_txn *t, int idx);
/* Let go of what t gathered and did not put (its commit or abort). */
void store_index_pending_free(store_txn *t);

/* --- store-audit.c ---------------------------------------------------------------- */

/* The audit table's last entry: an LMDB code (MDB_NOTFOUND when it is
 * empty), nothing recorded in t. */
int store_audit_last_key(store_txn *t, MDB_val *k, MDB_val *d);

/* --- store-change.c: the change log ("chg") -------------------------------------- */

/* The record under key changed: it gets the next change number, and its
 * older entry (if any) goes. */
int store_change_note(store_txn *t, const unsigned char key[REC_KEYLEN]);
/* Fill a new change log from the records there, in key order (a
 * database made before the log: each record counts as changed once). */
int store_change_backfill(store *st, MDB_txn *txn);

#endif
