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

/* store_txn_bulk's counters: each one read once from LMDB, then kept and
 * changed here, and written once at the commit (store_meta_flush). */
enum { META_PENDING = 8 };
struct meta_pending {
	struct {
		char name[STORE_COUNT_NAME];
		uint64_t v;
		bool dirty;
	} e[META_PENDING];
	size_t n;
};

void
store_meta_bulk(store_txn *t)
{
	if (t->write && !t->mpend)
		t->mpend = calloc(1, sizeof *t->mpend);
}

/* name's place in t's counters: kept already (*fresh false), or a new
 * place for it (*fresh true); NULL when t keeps none or has no room (the
 * counter is then read and written in LMDB as without store_meta_bulk). */
static struct meta_pending *
meta_slot(store_txn *t, const char *name, size_t *i, bool *fresh)
{
	struct meta_pending *m = t->mpend;
	if (!m || strlen(name) >= STORE_COUNT_NAME)
		return NULL;
	for (*i = 0; *i < m->n; (*i)++)
		if (strcmp(m->e[*i].name, name) == 0) {
			*fresh = false;
			return m;
		}
	if (m->n == META_PENDING)
		return NULL;
	*fresh = true;
	return m;
}

static int
meta_read(store_txn *t, const char *name, uint64_t *v)
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

static int
meta_write(store_txn *t, const char *name, uint64_t v)
{
	unsigned char b[8];
	be_put64(b, v);
	MDB_val k = {strlen(name), (void *)name}, d = {8, b};
	return store_txn_rc(t, mdb_put(t->txn, t->st->meta, &k, &d, 0));
}

int
store_meta_get_u64(store_txn *t, const char *name, uint64_t *v)
{
	size_t i;
	bool fresh;
	struct meta_pending *m = meta_slot(t, name, &i, &fresh);
	if (!m)
		return meta_read(t, name, v);
	if (fresh) {
		if (meta_read(t, name, v))
			return t->err;
		memcpy(m->e[i].name, name, strlen(name) + 1);
		m->e[i].v = *v;
		m->e[i].dirty = false;
		m->n++;
	}
	*v = m->e[i].v;
	return 0;
}

int
store_meta_put_u64(store_txn *t, const char *name, uint64_t v)
{
	size_t i;
	bool fresh;
	struct meta_pending *m = meta_slot(t, name, &i, &fresh);
	if (!m)
		return meta_write(t, name, v);
	if (t->err)
		return t->err;
	if (fresh) {
		memcpy(m->e[i].name, name, strlen(name) + 1);
		m->n++;
	}
	m->e[i].v = v;
	m->e[i].dirty = true;
	return 0;
}

int
store_meta_flush(store_txn *t)
{
	struct meta_pending *m = t->mpend;
	for (size_t i = 0; m && !t->err && i < m->n; i++)
		if (m->e[i].dirty && !meta_write(t, m->e[i].name, m->e[i].v))
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
