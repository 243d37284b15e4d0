/* store-record.c: records and their index entries: get, put (a new record
 * numbered, a changed one checked against the version read), a copy from
 * another site, delete, count, scan by kind and walk an index; who may
 * read and write them (the policy) and what hears of each change (the
 * hook); and saving records the caller keeps, which are left as they were
 * when the save fails (store_save_checked). */
#include "config.h"

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index.h"
#include "store-internal.h"
#include "util.h"

/* --- records ------------------------------------------------------------ */

static int
count_add(store_txn *t, int kind, int delta)
{
	char name[STORE_COUNT_NAME];
	uint64_t n;
	store_count_name(name, kind);
	if (store_meta_get_u64(t, name, &n))
		return t->err;
	if (delta < 0 && n == 0)
		return 0;
	return store_meta_put_u64(t, name, delta < 0 ? n - 1 : n + 1);
}

/* The number of entries under each IDX_VILLAGE key (a kind and a
 * village), kept in meta "vcount/KIND/VILLAGE" by the writes that add
 * and remove them, in the same transaction: a count is then one read
 * of the meta table, where MDB_SET and mdb_cursor_count walk down the
 * key's own tree of duplicates.  The home screen counts every kind in
 * each village of the worker's reach at each start; on a big
 * database those walks touched a hundred pages of the file, a
 * millisecond of a start (bench/RESULTS.md, start-up).  Trusted from
 * INDEX_VILLAGE_COUNTS on (store_count_value); made afresh by the
 * upgrade and the repair (store_village_counts_make), compared by
 * store_verify. */
_Static_assert(STORE_VCOUNT_NAME >= IDX_KEYMAX + 16, "a village count's name holds its key");

void
store_village_count_name(char name[STORE_VCOUNT_NAME], const unsigned char *key, size_t len)
{
	snprintf(name, STORE_VCOUNT_NAME, "vcount/%u/%.*s", key[1], (int)(len - 2),
	         (const char *)key + 2);
}

static int
village_count_add(store_txn *t, const unsigned char *key, size_t len, long delta)
{
	char name[STORE_VCOUNT_NAME];
	uint64_t n;
	store_village_count_name(name, key, len);
	if (store_meta_get_u64(t, name, &n))
		return t->err;
	if (delta < 0 && n < (uint64_t)-delta)
		n = 0;   /* counts made wrong by hand: store_verify says so */
	else
		n += (uint64_t)delta;
	return store_meta_put_u64(t, name, n);
}

/* Ids in no order (a search page's, in its index's order) make steps
 * that miss: after VIEW_CREDIT misses in a row, and after the first when
 * none has landed yet, store_view reads the next VIEW_SKIP ids without
 * the cursor, then tries the step again (callgrind, bench/RESULTS.md
 * "Instructions per keystroke") */
enum { VIEW_CREDIT = 8, VIEW_SKIP = 16 };

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
	if (t->may_view && !t->view && mdb_cursor_open(t->txn, t->st->rec, &t->view))
		t->view = NULL;   /* mdb_get, as in a write transaction */
	int rc = 0;
	bool get = !t->view || t->view_skip, search = !get;
	if (get) {
		/* no cursor (a write transaction), or steps that missed not
		 * long ago: a search from the root, cheaper than the cursor's
		 * (which first looks on the page it is on); the cursor is set
		 * again after these (view_on false) */
		if (t->view) {
			t->view_skip--;
			t->view_on = false;
		}
		rc = mdb_get(t->txn, t->st->rec, &k, &d);
	} else if (t->view_on && memcmp(key, t->view_key, REC_KEYLEN) > 0) {
		/* after the last one read: the next record, most often */
		MDB_val nk;
		rc = mdb_cursor_get(t->view, &nk, &d, MDB_NEXT);
		int c = rc ? 0 : nk.mv_size == REC_KEYLEN ? memcmp(nk.mv_data, key, REC_KEYLEN) : -1;
		if (rc == 0 && c > 0) {
			/* the next record is past it: there is none */
			memcpy(t->view_key, nk.mv_data, REC_KEYLEN);
			return STORE_NOTFOUND;
		}
		search = rc == 0 && c < 0;   /* further on */
		if (!search)
			t->view_credit = VIEW_CREDIT;   /* it landed, or the end */
		else if (t->view_credit)
			t->view_credit--;
		else
			t->view_skip = VIEW_SKIP;   /* ids in no order, most likely */
	}
	if (search)
		rc = mdb_cursor_get(t->view, &k, &d, MDB_SET);
	if (!get) {
		t->view_on = rc == 0;
		if (rc == 0)
			memcpy(t->view_key, key, REC_KEYLEN);
	}
	if (rc == MDB_NOTFOUND)
		return STORE_NOTFOUND;
	if (rc)
		return store_txn_rc(t, rc);
	*p = d.mv_data;
	*len = d.mv_size;
	return STORE_OK;
}

/* A record as stored, whatever the policy says. */
static int
get_raw(store_txn *t, const rec_id *id, record **out)
{
	*out = NULL;
	const unsigned char *p;
	size_t len;
	int rc = store_view(t, id, &p, &len);
	if (rc)
		return rc;
	if (record_decode(p, len, id, out) < 0)
		return store_txn_fail(t, STORE_CORRUPT);
	return STORE_OK;
}

static bool
may(store_txn *t, int op, const record *before, const record *after)
{
	store *st = t->st;
	return !st->policy || t->trusted || st->policy(op, before, after, st->policy_ctx);
}

int
store_get(store_txn *t, const rec_id *id, record **out)
{
	int err = get_raw(t, id, out);
	if (err || may(t, STORE_POLICY_READ, *out, NULL))
		return err;
	record_free(*out);
	*out = NULL;
	return STORE_DENIED;
}

struct idx_op {
	store_txn *t;
	MDB_val data;
	bool del;
};

/* store_txn_bulk's gathering: each entry in buf as its key's length (2
 * bytes), the key, the record key; off[] where each starts. */
struct idx_pending {
	unsigned char *buf;
	size_t len, cap;
	size_t *off;
	size_t n, capoff;
	const unsigned char **sorted;  /* the entries, sorted (twice n: the */
	size_t capsorted;              /* second half the merge's room) */
	void (*pace)(store *st);
};

void
store_txn_bulk(store_txn *t, void (*pace)(store *st))
{
	if (t->write && !t->pend)
		t->pend = calloc(1, sizeof *t->pend);
	if (t->pend)
		t->pend->pace = pace;
	store_meta_bulk(t);
}

void
store_index_pending_free(store_txn *t)
{
	if (!t->pend)
		return;
	free(t->pend->buf);
	free(t->pend->off);
	free(t->pend->sorted);
	free(t->pend);
	t->pend = NULL;
}

static int
pend_add(store_txn *t, const unsigned char *key, size_t len, const unsigned char *rec)
{
	struct idx_pending *p = t->pend;
	size_t need = p->len + 2 + len + REC_KEYLEN;
	if (!util_grow((void **)&p->buf, &p->cap, need, 1) ||
	    !util_grow((void **)&p->off, &p->capoff, p->n + 1, sizeof *p->off))
		return store_txn_fail(t, STORE_NOMEM);
	unsigned char *e = p->buf + p->len;
	e[0] = (unsigned char)(len >> 8);
	e[1] = (unsigned char)len;
	memcpy(e + 2, key, len);
	memcpy(e + 2 + len, rec, REC_KEYLEN);
	p->off[p->n++] = p->len;
	p->len = need;
	return 0;
}

/* LMDB's order for the index: the keys' bytes, a shorter key first when
 * one begins the other, then the record keys' bytes. */
static inline int
pend_cmp(const unsigned char *x, const unsigned char *y)
{
	size_t lx = (size_t)x[0] << 8 | x[1], ly = (size_t)y[0] << 8 | y[1];
	int c = memcmp(x + 2, y + 2, lx < ly ? lx : ly);
	if (c)
		return c;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return memcmp(x + 2 + lx, y + 2 + ly, REC_KEYLEN);
}

/* Sort a[0..n) (tmp as long), a merge sort: runs of 2, 4, ... merged
 * back and forth; the result in a. */
static void
pend_sort(const unsigned char **a, const unsigned char **tmp, size_t n)
{
	const unsigned char **src = a, **dst = tmp;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				dst[k++] = pend_cmp(src[j], src[i]) < 0 ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		const unsigned char **s = src;
		src = dst;
		dst = s;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

int
store_index_flush(store_txn *t, int idx)
{
	struct idx_pending *p = t->pend;
	if (!p || !p->n || idx == IDX_IDNUM)
		return t->err;
	if (!t->err && !util_grow((void **)&p->sorted, &p->capsorted, 2 * p->n, sizeof *p->sorted))
		store_txn_fail(t, STORE_NOMEM);
	if (!t->err) {
		for (size_t i = 0; i < p->n; i++)
			p->sorted[i] = p->buf + p->off[i];
		pend_sort(p->sorted, p->sorted + p->n, p->n);
		MDB_cursor *c = NULL;
		int rc = mdb_cursor_open(t->txn, t->st->idx, &c);
		/* the entries added under the IDX_VILLAGE key met last (sorted:
		 * each key's entries come together), counted once a key */
		const unsigned char *vkey = NULL;
		size_t vlen = 0;
		long vadded = 0;
		for (size_t i = 0; !rc && i < p->n; i++) {
			const unsigned char *e = p->sorted[i];
			size_t len = (size_t)e[0] << 8 | e[1];
			MDB_val k = {len, (void *)(e + 2)}, d = {REC_KEYLEN, (void *)(e + 2 + len)};
			/* a new record's key is mostly past the key's others: put
			 * on the end, the page it fills is left full, not split
			 * in half; where it is not past them LMDB declines and
			 * changes nothing, and the entry goes in its place */
			rc = mdb_cursor_put(c, &k, &d, MDB_APPENDDUP | MDB_NODUPDATA);
			if (rc == MDB_KEYEXIST)
				rc = mdb_cursor_put(c, &k, &d, MDB_NODUPDATA);
			if (rc == MDB_KEYEXIST)
				rc = 0;
			else if (rc == 0 && e[2] == IDX_VILLAGE) {
				if (vkey && (vlen != len || memcmp(vkey, e + 2, len) != 0)) {
					village_count_add(t, vkey, vlen, vadded);
					vadded = 0;
				}
				vkey = e + 2;
				vlen = len;
				vadded++;
			}
			if (p->pace && i % STORE_BULK_PACE == STORE_BULK_PACE - 1)
				p->pace(t->st);
		}
		if (c)
			mdb_cursor_close(c);
		if (!rc && vadded)
			village_count_add(t, vkey, vlen, vadded);
		store_txn_rc(t, rc);
	}
	p->n = p->len = 0;
	return t->err;
}

static int
idx_apply(const unsigned char *key, size_t len, void *ctx)
{
	struct idx_op *op = ctx;
	MDB_val k = {len, (void *)key};
	int rc;
	if (op->del) {
		rc = mdb_del(op->t->txn, op->t->st->idx, &k, &op->data);
		if (rc == MDB_NOTFOUND)
			rc = 0;
		else if (rc == 0 && key[0] == IDX_VILLAGE)
			return village_count_add(op->t, key, len, -1);
	} else if (op->t->pend && key[0] != IDX_IDNUM) {
		return pend_add(op->t, key, len, op->data.mv_data);
	} else {
		rc = mdb_put(op->t->txn, op->t->st->idx, &k, &op->data, MDB_NODUPDATA);
		if (rc == MDB_KEYEXIST)
			rc = 0;
		else if (rc == 0 && key[0] == IDX_VILLAGE)
			return village_count_add(op->t, key, len, 1);
	}
	return store_txn_rc(op->t, rc);
}

int
store_index_write(store_txn *t, const record *r, const unsigned char reckey[REC_KEYLEN], bool del)
{
	/* an entry gathered and not yet put goes before one removed */
	if (del && store_index_flush(t, 0))
		return t->err;
	struct idx_op op = {t, {REC_KEYLEN, (void *)reckey}, del};
	int rc = index_each(r, idx_apply, &op);
	if (rc < 0)
		return store_txn_fail(t, STORE_NOMEM);
	return t->err;
}

static int
next_seq(store_txn *t, uint64_t *seq)
{
	uint64_t n;
	if (store_meta_get_u64(t, "seq", &n))
		return t->err;
	*seq = n + 1;
	return store_meta_put_u64(t, "seq", n + 1);
}

/* The end of a save: r's encoding under key, its index entries, its
 * change number, the hook (old: the version before, or NULL; freed). */
static int
write_record(store_txn *t, const record *r, record *old, const unsigned char key[REC_KEYLEN])
{
	store *st = t->st;
	size_t len;
	unsigned char *enc = record_encode(r, &len);
	if (!enc) {
		record_free(old);
		return store_txn_fail(t, STORE_NOMEM);
	}
	MDB_val k = {REC_KEYLEN, (void *)key}, d = {len, enc};
	int rc = store_bulk_put(t, STORE_BC_REC, st->rec, &k, &d, 0);
	free(enc);
	if (rc) {
		record_free(old);
		return store_txn_rc(t, rc);
	}
	if (!store_index_write(t, r, key, false) && !store_change_note(t, key) && st->hook) {
		int h = st->hook(t, old ? STORE_HOOK_UPDATE : STORE_HOOK_CREATE, old, r, st->hook_ctx);
		if (h)
			store_txn_fail(t, h);
	}
	record_free(old);
	return t->err;
}

int
store_put(store_txn *t, record *r)
{
	if (t->err)
		return t->err;
	if (!t->write)
		return store_txn_fail(t, STORE_INVALID);
	store *st = t->st;
	int64_t now = (int64_t)time(NULL);
	record *old = NULL;
	unsigned char key[REC_KEYLEN];

	if (r->version == 0) {
		if (!may(t, STORE_POLICY_WRITE, NULL, r))
			return store_txn_fail(t, STORE_DENIED);
		if (r->id.seq == 0) {
			r->id.site = st->site;
			if (next_seq(t, &r->id.seq))
				return t->err;
		} else if (r->id.site == st->site) {
			uint64_t n;
			if (store_meta_get_u64(t, "seq", &n) ||
			    (r->id.seq > n && store_meta_put_u64(t, "seq", r->id.seq)))
				return t->err;
		}
		rec_id_to_key(&r->id, key);
		MDB_val k = {REC_KEYLEN, key}, d;
		int rc = store_bulk_get(t, STORE_BC_REC, st->rec, &k, &d);
		if (rc == 0)
			return store_txn_fail(t, STORE_EXISTS);
		if (rc != MDB_NOTFOUND)
			return store_txn_rc(t, rc);
		char *by = strdup(st->user);
		char *by2 = strdup(st->user);
		if (!by || !by2) {
			free(by);
			free(by2);
			return store_txn_fail(t, STORE_NOMEM);
		}
		free(r->created_by);
		free(r->updated_by);
		r->created_by = by;
		r->updated_by = by2;
		r->created_at = r->updated_at = now;
		r->version = 1;
		if (count_add(t, r->id.kind, +1))
			return t->err;
	} else {
		int err = get_raw(t, &r->id, &old);
		if (err == STORE_NOTFOUND)
			return store_txn_fail(t, STORE_NOTFOUND);
		if (err)
			return err;
		if (!may(t, STORE_POLICY_WRITE, old, r)) {
			record_free(old);
			return store_txn_fail(t, STORE_DENIED);
		}
		if (old->version != r->version) {
			record_free(old);
			return store_txn_fail(t, STORE_CONFLICT);
		}
		rec_id_to_key(&r->id, key);
		/* old lives on until the hook has seen it */
		store_index_write(t, old, key, true);
		if (t->err) {
			record_free(old);
			return t->err;
		}
		char *by = strdup(st->user);
		if (!by) {
			record_free(old);
			return store_txn_fail(t, STORE_NOMEM);
		}
		free(r->updated_by);
		r->updated_by = by;
		r->updated_at = now;
		r->version++;
	}
	return write_record(t, r, old, key);
}

int
store_put_copy(store_txn *t, const record *r)
{
	if (t->err)
		return t->err;
	if (!t->write || r->version == 0 || r->id.seq == 0 || r->id.site == 0)
		return store_txn_fail(t, STORE_INVALID);
	store *st = t->st;
	record *old = NULL;
	int err = get_raw(t, &r->id, &old);
	if (err && err != STORE_NOTFOUND)
		return err;
	if (!may(t, STORE_POLICY_WRITE, old, r)) {
		record_free(old);
		return store_txn_fail(t, STORE_DENIED);
	}
	unsigned char key[REC_KEYLEN];
	rec_id_to_key(&r->id, key);
	if (old)
		store_index_write(t, old, key, true);
	else if (r->id.site == st->site) {
		uint64_t n;
		if (!store_meta_get_u64(t, "seq", &n) && r->id.seq > n)
			store_meta_put_u64(t, "seq", r->id.seq);
	}
	if (!old)
		count_add(t, r->id.kind, +1);
	if (t->err) {
		record_free(old);
		return t->err;
	}
	return write_record(t, r, old, key);
}

int
store_del(store_txn *t, const rec_id *id, uint32_t expect_version)
{
	if (t->err)
		return t->err;
	if (!t->write)
		return store_txn_fail(t, STORE_INVALID);
	record *old;
	int err = get_raw(t, id, &old);
	if (err)
		return store_txn_fail(t, err);
	if (!may(t, STORE_POLICY_WRITE, old, NULL)) {
		record_free(old);
		return store_txn_fail(t, STORE_DENIED);
	}
	if (expect_version && old->version != expect_version) {
		record_free(old);
		return store_txn_fail(t, STORE_CONFLICT);
	}
	unsigned char key[REC_KEYLEN];
	rec_id_to_key(id, key);
	store_index_write(t, old, key, true);
	MDB_val k = {REC_KEYLEN, key};
	if (!t->err)
		store_txn_rc(t, mdb_del(t->txn, t->st->rec, &k, NULL));
	if (!t->err)
		count_add(t, id->kind, -1);
	if (!t->err && t->st->hook) {
		int h = t->st->hook(t, STORE_HOOK_DELETE, old, NULL, t->st->hook_ctx);
		if (h)
			store_txn_fail(t, h);
	}
	record_free(old);
	return t->err;
}

int
store_count(store_txn *t, int kind, size_t *n)
{
	char name[STORE_COUNT_NAME];
	uint64_t v;
	store_count_name(name, kind);
	if (store_meta_get_u64(t, name, &v))
		return t->err;
	*n = (size_t)v;
	return 0;
}

int
store_count_value(store_txn *t, int idx, int kind, const char *value, size_t *n)
{
	*n = 0;
	if (t->err)
		return t->err;
	if (store_index_flush(t, idx))
		return t->err;
	unsigned char key[IDX_KEYMAX];
	size_t len = index_prefix(idx, kind, value, key);
	if (idx == IDX_VILLAGE && t->st->idxver >= INDEX_VILLAGE_COUNTS) {
		char name[STORE_VCOUNT_NAME];
		uint64_t v;
		store_village_count_name(name, key, len);
		if (store_meta_get_u64(t, name, &v))
			return t->err;
		*n = (size_t)v;
		return 0;
	}
	MDB_cursor *c;
	if (store_txn_rc(t, mdb_cursor_open(t->txn, t->st->idx, &c)))
		return t->err;
	MDB_val k = {len, key}, d;
	int rc = mdb_cursor_get(c, &k, &d, MDB_SET);
	size_t count = 0;
	if (rc == 0)
		rc = mdb_cursor_count(c, &count);
	mdb_cursor_close(c);
	if (rc && rc != MDB_NOTFOUND)
		return store_txn_rc(t, rc);
	*n = (size_t)count;
	return 0;
}

int
store_scan(store_txn *t, int kind, const rec_id *after,
           int (*fn)(const record *r, void *ctx), void *ctx)
{
	if (t->err)
		return t->err;
	MDB_cursor *c;
	if (store_txn_rc(t, mdb_cursor_open(t->txn, t->st->rec, &c)))
		return t->err;
	unsigned char key[REC_KEYLEN] = {(unsigned char)kind};
	if (after)
		rec_id_to_key(after, key);
	MDB_val k = {REC_KEYLEN, key}, d;
	int rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	if (rc == 0 && after && k.mv_size == REC_KEYLEN && memcmp(k.mv_data, key, REC_KEYLEN) == 0)
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	int ret = 0;
	for (; rc == 0; rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		const unsigned char *kp = k.mv_data;
		if (k.mv_size != REC_KEYLEN || kp[0] != (unsigned char)kind)
			break;
		rec_id id;
		record *r;
		rec_id_from_key(kp, &id);
		if (record_decode(d.mv_data, d.mv_size, &id, &r) < 0) {
			ret = store_txn_fail(t, STORE_CORRUPT);
			break;
		}
		ret = may(t, STORE_POLICY_READ, r, NULL) ? fn(r, ctx) : 0;
		record_free(r);
		if (ret)
			break;
	}
	int err = store_cursor_end(t, c, rc);
	return err ? err : ret;
}

int
store_walk(store_txn *t, int idx, int kind, const char *prefix,
           const unsigned char *after_key, size_t after_len, const unsigned char *after_data,
           int (*fn)(const rec_id *id, const unsigned char *key, size_t keylen, void *ctx),
           void *ctx)
{
	if (store_index_flush(t, idx))
		return t->err;
	unsigned char pre[IDX_KEYMAX];
	size_t plen = index_prefix(idx, kind, prefix, pre);
	MDB_cursor *c;
	if (store_txn_rc(t, mdb_cursor_open(t->txn, t->st->idx, &c)))
		return t->err;
	MDB_val k, d;
	int rc;
	if (after_key) {
		/* back to where the last page ended, then one step on */
		k = (MDB_val){after_len, (void *)after_key};
		d = (MDB_val){REC_KEYLEN, (void *)after_data};
		rc = mdb_cursor_get(c, &k, &d, MDB_GET_BOTH_RANGE);
		if (rc == 0 && d.mv_size == REC_KEYLEN && memcmp(d.mv_data, after_data, REC_KEYLEN) == 0)
			rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
		else if (rc == MDB_NOTFOUND) {
			/* that entry is gone: the next key on */
			k = (MDB_val){after_len, (void *)after_key};
			rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
			if (rc == 0 && k.mv_size == after_len && memcmp(k.mv_data, after_key, after_len) == 0)
				rc = mdb_cursor_get(c, &k, &d, MDB_NEXT_NODUP);
		}
	} else {
		k = (MDB_val){plen, pre};
		rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	}
	int ret = 0;
	for (; rc == 0; rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size < plen || memcmp(k.mv_data, pre, plen) != 0)
			break;
		if (d.mv_size != REC_KEYLEN) {
			ret = store_txn_fail(t, STORE_CORRUPT);
			break;
		}
		rec_id id;
		rec_id_from_key(d.mv_data, &id);
		ret = fn(&id, k.mv_data, k.mv_size, ctx);
		if (ret)
			break;
	}
	int err = store_cursor_end(t, c, rc);
	return err ? err : ret;
}

/* store_find is store_walk from the start, handing fn the value as text. */
struct find_adapter {
	int (*fn)(const rec_id *id, const char *value, void *ctx);
	void *ctx;
};

static int
find_entry(const rec_id *id, const unsigned char *key, size_t keylen, void *ctx)
{
	struct find_adapter *fa = ctx;
	char value[IDX_KEYMAX];
	memcpy(value, key + 2, keylen - 2);
	value[keylen - 2] = '\0';
	return fa->fn(id, value, fa->ctx);
}

int
store_find(store_txn *t, int idx, int kind, const char *prefix,
           int (*fn)(const rec_id *id, const char *value, void *ctx), void *ctx)
{
	struct find_adapter fa = {fn, ctx};
	return store_walk(t, idx, kind, prefix, NULL, 0, NULL, find_entry, &fa);
}

/* --- saving records the caller keeps -------------------------------------- */

/* What store_put changes in a record, so that it can be put back. */
struct stamp {
	rec_id id;
	uint32_t version;
	int64_t created_at, updated_at;
	char *created_by, *updated_by;
};

struct save_ctx {
	record **rs;
	size_t n;
	struct stamp *before;
	int (*check)(store_txn *t, const record *r, void *ctx);
	void *check_ctx;
};

static int
stamp_take(struct stamp *s, const record *r)
{
	*s = (struct stamp){r->id, r->version, r->created_at, r->updated_at, NULL, NULL};
	if ((r->created_by && !(s->created_by = strdup(r->created_by))) ||
	    (r->updated_by && !(s->updated_by = strdup(r->updated_by))))
		return STORE_NOMEM;
	return 0;
}

/* Put r back as it was; the stamp keeps its strings. */
static int
stamp_restore(const struct stamp *s, record *r)
{
	char *cb = s->created_by ? strdup(s->created_by) : NULL;
	char *ub = s->updated_by ? strdup(s->updated_by) : NULL;
	if ((s->created_by && !cb) || (s->updated_by && !ub)) {
		free(cb);
		free(ub);
		return STORE_NOMEM;
	}
	free(r->created_by);
	free(r->updated_by);
	r->id = s->id;
	r->version = s->version;
	r->created_at = s->created_at;
	r->updated_at = s->updated_at;
	r->created_by = cb;
	r->updated_by = ub;
	return 0;
}

static int
save_txn(store_txn *t, void *ctx)
{
	struct save_ctx *sc = ctx;
	for (size_t i = 0; i < sc->n && !t->err; i++) {
		/* a retry after the map grew starts from the records as given */
		if (stamp_restore(&sc->before[i], sc->rs[i]))
			return store_txn_fail(t, STORE_NOMEM);
		int err = sc->check ? sc->check(t, sc->rs[i], sc->check_ctx) : 0;
		if (err)
			return store_txn_fail(t, err);
		store_put(t, sc->rs[i]);
	}
	return t->err;
}

int
store_save_checked(store *st, record **rs, size_t n,
                   int (*check)(store_txn *t, const record *r, void *ctx), void *ctx)
{
	struct save_ctx sc = {rs, n, calloc(n ? n : 1, sizeof *sc.before), check, ctx};
	if (!sc.before)
		return STORE_NOMEM;
	int err = 0;
	for (size_t i = 0; i < n && !err; i++)
		err = stamp_take(&sc.before[i], rs[i]);
	if (!err)
		err = store_write(st, save_txn, &sc);
	for (size_t i = 0; i < n; i++) {
		if (err)
			stamp_restore(&sc.before[i], rs[i]);
		free(sc.before[i].created_by);
		free(sc.before[i].updated_by);
	}
	free(sc.before);
	return err;
}

int
store_save_many(store *st, record **rs, size_t n)
{
	return store_save_checked(st, rs, n, NULL, NULL);
}

int
store_save(store *st, record *r)
{
	return store_save_many(st, &r, 1);
}

/* --- the policy and the hook ---------------------------------------------------- */

void
store_set_policy(store *st, store_policy_fn fn, void *ctx)
{
	st->policy = fn;
	st->policy_ctx = ctx;
}

void
store_txn_trust(store_txn *t, bool on)
{
	t->trusted = on;
}

void
store_set_hook(store *st, store_hook_fn fn, void *ctx)
{
	st->hook = fn;
	st->hook_ctx = ctx;
}
