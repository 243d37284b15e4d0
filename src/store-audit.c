/* store-audit.c: the audit table's storage: entries numbered from 1 that
 * only ever go on the end.  What an entry holds, and the chain that
 * proves none was changed, are audit.c's. */
#include "config.h"

#include <lmdb.h>

#include "store-internal.h"
#include "util.h"

int
store_audit_last_key(store_txn *t, MDB_val *k, MDB_val *d)
{
	MDB_cursor *c;
	int rc = mdb_cursor_open(t->txn, t->st->audit, &c);
	if (rc)
		return rc;
	rc = mdb_cursor_get(c, k, d, MDB_LAST);
	mdb_cursor_close(c);
	return rc;
}

/* The last entry: its number in *seq, its bytes in *d (in the map);
 * STORE_NOTFOUND when there is none. */
static int
last_entry(store_txn *t, uint64_t *seq, MDB_val *d)
{
	*seq = 0;
	if (t->err)
		return t->err;
	if (!t->st->have_audit)
		return STORE_NOTFOUND;
	MDB_val k;
	int rc = store_audit_last_key(t, &k, d);
	if (rc == MDB_NOTFOUND)
		return STORE_NOTFOUND;
	if (rc)
		return store_txn_rc(t, rc);
	if (k.mv_size != 8)
		return store_txn_fail(t, STORE_CORRUPT);
	*seq = be_get64(k.mv_data);
	return 0;
}

int
store_audit_append(store_txn *t, const void *data, size_t len, uint64_t *seq)
{
	uint64_t last;
	int err = store_audit_last_seq(t, &last);
	if (err && err != STORE_NOTFOUND)
		return err;
	if ((err = store_audit_put(t, last + 1, data, len)) == 0 && seq)
		*seq = last + 1;
	return err;
}

int
store_audit_put(store_txn *t, uint64_t seq, const void *data, size_t len)
{
	if (t->err)
		return t->err;
	if (!t->write || !t->st->have_audit)
		return store_txn_fail(t, STORE_INVALID);
	unsigned char kb[8];
	be_put64(kb, seq);
	MDB_val k = {8, kb}, d = {len, (void *)data};
	/* MDB_APPEND: entries only ever go on the end (a number not after
	 * the last one is refused) */
	int rc = store_bulk_put(t, STORE_BC_AUDIT, t->st->audit, &k, &d, MDB_APPEND);
	return rc == MDB_KEYEXIST ? store_txn_fail(t, STORE_CORRUPT) : store_txn_rc(t, rc);
}

int
store_audit_last_seq(store_txn *t, uint64_t *seq)
{
	MDB_val d;
	return last_entry(t, seq, &d);
}

int
store_audit_last(store_txn *t, uint64_t *seq, void **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	MDB_val d;
	int err = last_entry(t, seq, &d);
	return err ? err : store_copy_out(t, &d, data, len);
}

int
store_audit_walk(store_txn *t, uint64_t from,
                 int (*fn)(uint64_t seq, const void *data, size_t len, void *ctx), void *ctx)
{
	if (t->err)
		return t->err;
	if (!t->st->have_audit)
		return 0;
	MDB_cursor *c;
	if (store_txn_rc(t, mdb_cursor_open(t->txn, t->st->audit, &c)))
		return t->err;
	unsigned char kb[8];
	be_put64(kb, from ? from : 1);
	MDB_val k = {8, kb}, d;
	int rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	int ret = 0;
	for (; rc == 0; rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size != 8) {
			ret = store_txn_fail(t, STORE_CORRUPT);
			break;
		}
		ret = fn(be_get64(k.mv_data), d.mv_data, d.mv_size, ctx);
		if (ret)
			break;
	}
	int err = store_cursor_end(t, c, rc);
	return err ? err : ret;
}
