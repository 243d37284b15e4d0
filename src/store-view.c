/* store-view.c: a record's bytes in the map (store-view.h). */
#include "config.h"

#include <lmdb.h>

#include "store-internal.h"
#include "store-view.h"

int
store_view(store_txn *t, const rec_id *id, const unsigned char **p, size_t *len)
{
	*p = NULL;
	*len = 0;
	if (t->err)
		return t->err;
	unsigned char key[REC_KEYLEN];
	rec_id_to_key(id, key);
	MDB_val k = {REC_KEYLEN, key}, d;
	int rc = mdb_get(t->txn, t->st->rec, &k, &d);
	if (rc == MDB_NOTFOUND)
		return STORE_NOTFOUND;
	if (rc)
		return store_txn_rc(t, rc);
	*p = d.mv_data;
	*len = d.mv_size;
	return STORE_OK;
}
