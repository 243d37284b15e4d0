/* store-change.c: the change log ("chg"): each record's newest change,
 * numbered in the order they were made, so the exchange with other sites
 * (sync.c) sends what changed since the other side last confirmed. */
#include "config.h"

#include <lmdb.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

#define CHG_LAST "chgseq"

int
store_change_note(store_txn *t, const unsigned char key[REC_KEYLEN])
{
	store *st = t->st;
	if (t->err || !st->have_chg)
		return t->err;
	MDB_val rk = {REC_KEYLEN, (void *)key}, d;
	int rc = store_bulk_get(t, STORE_BC_CHGREC, st->chg, &rk, &d);
	if (rc == 0 && d.mv_size == 8) {
		unsigned char old[8];
		memcpy(old, d.mv_data, 8);
		MDB_val ok = {8, old};
		rc = mdb_del(t->txn, st->chg, &ok, NULL);
		if (rc == MDB_NOTFOUND)
			rc = 0;
	} else if (rc == MDB_NOTFOUND) {
		rc = 0;
	}
	if (rc)
		return store_txn_rc(t, rc);
	uint64_t n;
	if (store_meta_get_u64(t, CHG_LAST, &n) || store_meta_put_u64(t, CHG_LAST, n + 1))
		return t->err;
	unsigned char nb[8];
	be_put64(nb, n + 1);
	MDB_val nk = {8, nb}, nd = {REC_KEYLEN, (void *)key}, rd = {8, nb};
	if (store_txn_rc(t, store_bulk_put(t, STORE_BC_CHGNUM, st->chg, &nk, &nd, 0)))
		return t->err;
	return store_txn_rc(t, store_bulk_put(t, STORE_BC_CHGREC, st->chg, &rk, &rd, 0));
}

int
store_change_backfill(store *st, MDB_txn *txn)
{
	store_txn t = {.st = st, .txn = txn, .write = true};
	MDB_cursor *c;
	int rc = mdb_cursor_open(txn, st->rec, &c);
	if (rc)
		return store_map_error(rc);
	MDB_val k, d;
	st->have_chg = true;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc && !t.err;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
		if (k.mv_size == REC_KEYLEN) {
			unsigned char key[REC_KEYLEN];
			memcpy(key, k.mv_data, REC_KEYLEN);
			store_change_note(&t, key);
		}
	mdb_cursor_close(c);
	st->have_chg = false;
	if (t.err)
		return t.err;
	return rc == MDB_NOTFOUND ? 0 : store_map_error(rc);
}

int
store_changes(store_txn *t, uint64_t after,
              int (*fn)(uint64_t n, const rec_id *id, void *ctx), void *ctx)
{
	if (t->err)
		return t->err;
	if (!t->st->have_chg)
		return 0;
	MDB_cursor *c;
	if (store_txn_rc(t, mdb_cursor_open(t->txn, t->st->chg, &c)))
		return t->err;
	unsigned char from[8];
	be_put64(from, after + 1);
	MDB_val k = {8, from}, d;
	int rc, stop = 0;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	     !rc && k.mv_size == 8 && d.mv_size == REC_KEYLEN;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		rec_id id;
		rec_id_from_key(d.mv_data, &id);
		if ((stop = fn(be_get64(k.mv_data), &id, ctx)))
			break;
	}
	int err = store_cursor_end(t, c, rc);
	return stop ? stop : err;
}

int
store_change_last(store_txn *t, uint64_t *n)
{
	*n = 0;
	if (t->err)
		return t->err;
	return store_meta_get_u64(t, CHG_LAST, n);
}

int
store_change_of(store_txn *t, const rec_id *id, uint64_t *n)
{
	*n = 0;
	if (t->err || !t->st->have_chg)
		return t->err;
	unsigned char key[REC_KEYLEN];
	rec_id_to_key(id, key);
	MDB_val k = {REC_KEYLEN, key}, d;
	int rc = mdb_get(t->txn, t->st->chg, &k, &d);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return store_txn_rc(t, rc);
	if (d.mv_size == 8)
		*n = be_get64(d.mv_data);
	return 0;
}
