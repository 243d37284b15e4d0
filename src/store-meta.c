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

/* store_txn_bulk's meta values: each small one read once from LMDB, then
 * kept and changed here, and written once at the commit
 * (store_meta_flush).  By the whole LMDB key ("seq", "x/audit_head"). */
enum { META_PENDING = 8, META_VALMAX = 48 };
struct meta_pending {
	struct {
		char key[STORE_COUNT_NAME];
		unsigned char v[META_VALMAX];
		size_t len;
		bool absent, dirty;
	} e[META_PENDING];
	size_t n;
};

void
store_meta_bulk(store_txn *t)
{
	if (t->write && !t->mpend)
		t->mpend = calloc(1, sizeof *t->mpend);
}

static int
meta_write(store_txn *t, const char *key, const void *v, size_t len)
{
	MDB_val k = {strlen(key), (void *)key}, d = {len, (void *)v};
	return store_txn_rc(t, mdb_put(t->txn, t->st->meta, &k, &d, 0));
}

/* key's place among t's kept values, -1 when it has none */
static int
meta_find(store_txn *t, const char *key)
{
	struct meta_pending *m = t->mpend;
	for (size_t i = 0; m && i < m->n; i++)
		if (strcmp(m->e[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* key's value, *v (len bytes; *found false when there is none), from
 * t's kept values, else from LMDB, then kept when it is small and there
 * is room.  t's error. */
static int
meta_read(store_txn *t, const char *key, const void **v, size_t *len, bool *found)
{
	struct meta_pending *m = t->mpend;
	int i = meta_find(t, key);
	if (i >= 0) {
		*found = !m->e[i].absent;
		*v = m->e[i].v;
		*len = m->e[i].len;
		return 0;
	}
	MDB_val k = {strlen(key), (void *)key}, d = {0, NULL};
	int rc = mdb_get(t->txn, t->st->meta, &k, &d);
	if (rc && rc != MDB_NOTFOUND)
		return store_txn_rc(t, rc);
	*found = rc == 0;
	*v = d.mv_data;
	*len = d.mv_size;
	if (m && m->n < META_PENDING && strlen(key) < STORE_COUNT_NAME && d.mv_size <= META_VALMAX) {
		size_t j = m->n++;
		memcpy(m->e[j].key, key, strlen(key) + 1);
		m->e[j].absent = !*found;
		m->e[j].len = d.mv_size;
		m->e[j].dirty = false;
		if (d.mv_size)
			memcpy(m->e[j].v, d.mv_data, d.mv_size);
	}
	return 0;
}

/* key's value put: kept in t (written at the commit) when it is small
 * and there is room, else written now.  t's error. */
static int
meta_put(store_txn *t, const char *key, const void *v, size_t len)
{
	struct meta_pending *m = t->mpend;
	if (t->err)
		return t->err;
	int i = meta_find(t, key);
	if (m && len <= META_VALMAX && (i >= 0 || (m->n < META_PENDING && strlen(key) < STORE_COUNT_NAME))) {
		if (i < 0) {
			i = (int)m->n++;
			memcpy(m->e[i].key, key, strlen(key) + 1);
		}
		memcpy(m->e[i].v, v, len);
		m->e[i].len = len;
		m->e[i].absent = false;
		m->e[i].dirty = true;
		return 0;
	}
	if (i >= 0)   /* too large to keep: written now, no longer kept */
		m->e[i] = m->e[--m->n];
	return meta_write(t, key, v, len);
}

int
store_meta_get_u64(store_txn *t, const char *name, uint64_t *v)
{
	const void *d;
	size_t len;
	bool found;
	*v = 0;
	if (meta_read(t, name, &d, &len, &found))
		return t->err;
	if (!found)
		return 0;
	if (len != 8)
		return store_txn_fail(t, STORE_CORRUPT);
	*v = be_get64(d);
	return 0;
}

int
store_meta_put_u64(store_txn *t, const char *name, uint64_t v)
{
	unsigned char b[8];
	be_put64(b, v);
	return meta_put(t, name, b, sizeof b);
}

int
store_meta_flush(store_txn *t)
{
	struct meta_pending *m = t->mpend;
	for (size_t i = 0; m && !t->err && i < m->n; i++)
		if (m->e[i].dirty && !meta_write(t, m->e[i].key, m->e[i].v, m->e[i].len))
			m->e[i].dirty = false;
	return t->err;
}

void
store_meta_pending_free(store_txn *t)
{
	free(t->mpend);
	t->mpend = NULL;
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
	return meta_put(t, key, data, len);
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
	const void *v;
	size_t n;
	bool found;
	if (meta_read(t, key, &v, &n, &found))
		return t->err;
	if (!found)
		return STORE_NOTFOUND;
	MDB_val d = {n, (void *)v};
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
	/* the values t keeps written first, for the walk to see them */
	if (store_meta_flush(t))
		return t->err;
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
