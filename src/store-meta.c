/* store-meta.c: the "meta" table: the store's own numbers (the schema,
 * the site, the last sequence and change numbers, a count of records by
 * kind) and other modules' named values under "x/" (store_meta_put ...). */
#include "config.h"

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

/* --- the store's own numbers ------------------------------------------------------ */

int
store_meta_get_u64(store_txn *t, const char *name, uint64_t *v)
{
	MDB_val k = {strlen(name), (void *)name}, d;
	int rc = mdb_get(t->txn, t->st->meta, &k, &d);
	if (rc == MDB_NOTFOUND) {
		*v = 0;
		return 0;
	}
	if (rc)
		return store_txn_rc(t, rc);
	if (d.mv_size != 8)
		return store_txn_fail(t, STORE_CORRUPT);
	*v = be_get64(d.mv_data);
	return 0;
}

int
store_meta_put_u64(store_txn *t, const char *name, uint64_t v)
{
	unsigned char b[8];
	be_put64(b, v);
	MDB_val k = {strlen(name), (void *)name}, d = {8, b};
	return store_txn_rc(t, mdb_put(t->txn, t->st->meta, &k, &d, 0));
}

void
store_count_name(char name[STORE_COUNT_NAME], int kind)
{
	snprintf(name, STORE_COUNT_NAME, "count/%d", kind);
}

/* --- other modules' named values ---------------------------------------------------- */

static int
xname(char *buf, size_t size, const char *name)
{
	return (size_t)snprintf(buf, size, "x/%s", name) < size ? 0 : STORE_INVALID;
}

int
store_meta_put(store_txn *t, const char *name, const void *data, size_t len)
{
	char key[128];
	if (t->err)
		return t->err;
	if (!t->write || xname(key, sizeof key, name))
		return store_txn_fail(t, STORE_INVALID);
	MDB_val k = {strlen(key), key}, d = {len, (void *)data};
	return store_txn_rc(t, mdb_put(t->txn, t->st->meta, &k, &d, 0));
}

int
store_meta_get(store_txn *t, const char *name, void **data, size_t *len)
{
	char key[128];
	*data = NULL;
	*len = 0;
	if (t->err)
		return t->err;
	if (xname(key, sizeof key, name))
		return store_txn_fail(t, STORE_INVALID);
	MDB_val k = {strlen(key), key}, d;
	int rc = mdb_get(t->txn, t->st->meta, &k, &d);
	if (rc == MDB_NOTFOUND)
		return STORE_NOTFOUND;
	if (rc)
		return store_txn_rc(t, rc);
	return store_copy_out(t, &d, data, len);
}

int
store_meta_each(store_txn *t, const char *prefix,
                int (*fn)(const char *name, const void *data, size_t len, void *ctx), void *ctx)
{
	char key[128];
	if (t->err)
		return t->err;
	if (xname(key, sizeof key, prefix))
		return store_txn_fail(t, STORE_INVALID);
	size_t plen = strlen(key);
	MDB_cursor *c;
	if (store_txn_rc(t, mdb_cursor_open(t->txn, t->st->meta, &c)))
		return t->err;
	MDB_val k = {plen, key}, d;
	int rc, stop = 0;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	     !rc && k.mv_size >= plen && memcmp(k.mv_data, key, plen) == 0;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		char name[128];
		size_t nl = k.mv_size - 2 < sizeof name - 1 ? k.mv_size - 2 : sizeof name - 1;
		memcpy(name, (const char *)k.mv_data + 2, nl);
		name[nl] = '\0';
		if ((stop = fn(name, d.mv_data, d.mv_size, ctx)))
			break;
	}
	int err = store_cursor_end(t, c, rc);
	return stop ? stop : err;
}
