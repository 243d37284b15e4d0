/* store-verify.c: checking that every record has its index entries and
 * every entry its record (store_verify), and mending them: the indexes
 * made again from the records, the counts recounted; and the count of
 * each village's entries (store-record.c) made and checked. */
#include "config.h"

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "index.h"
#include "store-internal.h"
#include "util.h"

struct verify {
	bool repair;
	size_t faults;
	void (*report)(const char *msg, void *ctx);
	void *rctx;
	MDB_cursor *c;
	MDB_val data;
	const record *r;
	store_txn *t;
	/* for the reverse check: does the record produce this key? */
	const unsigned char *want;
	size_t wantlen;
	bool found;
};

/* The name of the index an entry's key begins with, "?" when none. */
static const char *
index_label(int idx)
{
	const char *name = index_name(idx);
	return name ? name : "?";
}

static void
fault(struct verify *v, const char *fmt, const char *a, const char *b)
{
	v->faults++;
	if (v->report) {
		char msg[512];
		snprintf(msg, sizeof msg, fmt, a, b);
		v->report(msg, v->rctx);
	}
}

static int
check_entry(const unsigned char *key, size_t len, void *ctx)
{
	struct verify *v = ctx;
	if (!index_in_set(key[0], key[1], v->t->st->idxver))
		return 0;  /* not in the set the entries were made with (an
		            * old backup): the first writer adds it */
	MDB_val k = {len, (void *)key}, d = v->data;
	int rc = mdb_cursor_get(v->c, &k, &d, MDB_GET_BOTH);
	if (rc == MDB_NOTFOUND) {
		char idbuf[REC_ID_TEXTMAX];
		fault(v, _("record %s lacks its %s index entry"),
		      rec_id_format(&v->r->id, idbuf), index_label(key[0]));
		return 0;
	}
	return store_txn_rc(v->t, rc);
}

static int
verify_record(const record *r, void *ctx)
{
	struct verify *v = ctx;
	unsigned char key[REC_KEYLEN];
	rec_id_to_key(&r->id, key);
	v->r = r;
	v->data = (MDB_val){REC_KEYLEN, key};
	int rc = index_each(r, check_entry, v);
	return rc < 0 ? store_txn_fail(v->t, STORE_NOMEM) : rc;
}

static int
match_key(const unsigned char *key, size_t len, void *ctx)
{
	struct verify *v = ctx;
	if (len == v->wantlen && memcmp(key, v->want, len) == 0)
		v->found = true;
	return 0;
}

static void verify_village_counts(store_txn *t, struct verify *v);

static int
verify_txn(store_txn *t, void *ctx)
{
	struct verify *v = ctx;
	v->t = t;
	v->faults = 0;
	t->trusted = true;  /* integrity, not content: every record is checked */
	if (store_index_flush(t, 0))
		return t->err;
	if (store_txn_rc(t, mdb_cursor_open(t->txn, t->st->idx, &v->c)))
		return t->err;
	/* every record has its entries */
	for (int kind = 1; kind < 256 && !t->err; kind++)
		store_scan(t, kind, NULL, verify_record, v);
	/* every entry belongs to a record that makes it */
	MDB_val k, d;
	int rc;
	for (rc = mdb_cursor_get(v->c, &k, &d, MDB_FIRST); rc == 0 && !t->err;
	     rc = mdb_cursor_get(v->c, &k, &d, MDB_NEXT)) {
		char idbuf[REC_ID_TEXTMAX] = "?";
		rec_id id;
		record *r = NULL;
		const unsigned char *kb = k.mv_data;
		if (k.mv_size >= 2 && index_in_set(kb[0], kb[1], t->st->idxver) &&
		    !index_in_set(kb[0], kb[1], INDEX_VERSION))
			continue;  /* the older set's (an old backup): the first writer removes it */
		if (d.mv_size != REC_KEYLEN || k.mv_size < 2) {
			fault(v, _("a malformed index entry%s%s"), "", "");
		} else {
			rec_id_from_key(d.mv_data, &id);
			rec_id_format(&id, idbuf);
			int err = store_get(t, &id, &r);
			if (err == STORE_NOTFOUND) {
				fault(v, _("index entry for missing record %s (%s)"), idbuf,
				      index_label(((unsigned char *)k.mv_data)[0]));
			} else if (r) {
				v->want = k.mv_data;
				v->wantlen = k.mv_size;
				v->found = false;
				index_each(r, match_key, v);
				if (!v->found)
					fault(v, _("stale index entry for record %s (%s)"), idbuf,
					      index_label(((unsigned char *)k.mv_data)[0]));
				record_free(r);
			}
		}
	}
	if (rc == MDB_NOTFOUND && !t->err && t->st->idxver >= INDEX_VILLAGE_COUNTS)
		verify_village_counts(t, v);
	store_cursor_end(t, v->c, rc);
	return t->err;
}

/* --- the village counts (store-record.c) ----------------------------- */

#define VCOUNT_PREFIX "vcount/"

int
store_village_counts_make(store_txn *t)
{
	if (store_index_flush(t, 0) || store_meta_flush(t))
		return t->err;
	/* the old counts out (a count kept in t is written just above) */
	store_meta_pending_free(t);
	MDB_cursor *c;
	if (store_txn_rc(t, mdb_cursor_open(t->txn, t->st->meta, &c)))
		return t->err;
	MDB_val k = {strlen(VCOUNT_PREFIX), VCOUNT_PREFIX}, d;
	int rc;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	     rc == 0 && k.mv_size >= strlen(VCOUNT_PREFIX) &&
	     memcmp(k.mv_data, VCOUNT_PREFIX, strlen(VCOUNT_PREFIX)) == 0;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
		if ((rc = mdb_cursor_del(c, 0)))
			break;
	if (store_cursor_end(t, c, rc))
		return t->err;
	/* each IDX_VILLAGE key's entries counted */
	if (store_txn_rc(t, mdb_cursor_open(t->txn, t->st->idx, &c)))
		return t->err;
	unsigned char first = IDX_VILLAGE;
	k = (MDB_val){1, &first};
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	     rc == 0 && k.mv_size >= 2 && ((unsigned char *)k.mv_data)[0] == IDX_VILLAGE;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT_NODUP)) {
		size_t n = 0;
		char name[STORE_VCOUNT_NAME];
		if ((rc = mdb_cursor_count(c, &n)))
			break;
		store_village_count_name(name, k.mv_data, k.mv_size);
		if (store_meta_put_u64(t, name, (uint64_t)n))
			break;
	}
	store_cursor_end(t, c, rc);
	return t->err;
}

/* store_verify: each kept count against its key's entries, both ways (a
 * count with no entries left must read 0) */
static void
verify_village_counts(store_txn *t, struct verify *v)
{
	MDB_cursor *c;
	MDB_val k, d;
	int rc;
	unsigned char first = IDX_VILLAGE;
	k = (MDB_val){1, &first};
	for (rc = mdb_cursor_get(v->c, &k, &d, MDB_SET_RANGE);
	     rc == 0 && !t->err && k.mv_size >= 2 && ((unsigned char *)k.mv_data)[0] == IDX_VILLAGE;
	     rc = mdb_cursor_get(v->c, &k, &d, MDB_NEXT_NODUP)) {
		size_t n = 0;
		uint64_t kept;
		char name[STORE_VCOUNT_NAME];
		if ((rc = mdb_cursor_count(v->c, &n)))
			break;
		store_village_count_name(name, k.mv_data, k.mv_size);
		if (!store_meta_get_u64(t, name, &kept) && kept != (uint64_t)n)
			fault(v, _("the count kept for %s is wrong (%s)"), name + strlen(VCOUNT_PREFIX),
			      index_label(IDX_VILLAGE));
	}
	if (rc && rc != MDB_NOTFOUND)
		store_txn_rc(t, rc);
	if (t->err || store_txn_rc(t, mdb_cursor_open(t->txn, t->st->meta, &c)))
		return;
	k = (MDB_val){strlen(VCOUNT_PREFIX), VCOUNT_PREFIX};
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	     rc == 0 && k.mv_size >= strlen(VCOUNT_PREFIX) &&
	     memcmp(k.mv_data, VCOUNT_PREFIX, strlen(VCOUNT_PREFIX)) == 0;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		char name[STORE_VCOUNT_NAME];
		size_t nl = k.mv_size < sizeof name - 1 ? k.mv_size : sizeof name - 1;
		memcpy(name, k.mv_data, nl);
		name[nl] = '\0';
		uint64_t kept = d.mv_size == 8 ? be_get64(d.mv_data) : 1;
		if (kept == 0 && d.mv_size == 8)
			continue;
		/* its key: "vcount/KIND/VILLAGE" back to IDX_VILLAGE KIND VILLAGE */
		char *slash = strchr(name + strlen(VCOUNT_PREFIX), '/');
		unsigned kind = (unsigned)strtoul(name + strlen(VCOUNT_PREFIX), NULL, 10);
		bool found = false;
		if (slash && kind > 0 && kind < 256 && d.mv_size == 8) {
			unsigned char key[IDX_KEYMAX];
			size_t len = strlen(slash + 1);
			if (len + 2 <= IDX_KEYMAX) {
				key[0] = IDX_VILLAGE;
				key[1] = (unsigned char)kind;
				memcpy(key + 2, slash + 1, len);
				MDB_val ik = {len + 2, key}, id;
				found = mdb_cursor_get(v->c, &ik, &id, MDB_SET) == 0;
			}
		}
		if (!found)
			fault(v, _("the count kept for %s is wrong (%s)"), name + strlen(VCOUNT_PREFIX),
			      index_label(IDX_VILLAGE));
	}
	store_cursor_end(t, c, rc);
}

static int
reindex_record(const record *r, void *ctx)
{
	store_txn *t = ctx;
	unsigned char key[REC_KEYLEN];
	rec_id_to_key(&r->id, key);
	return store_index_write(t, r, key, false);
}

static int
repair_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	t->trusted = true;  /* every record is reindexed, whoever asks (an administrator) */
	if (store_index_flush(t, 0))
		return t->err;
	if (store_txn_rc(t, mdb_drop(t->txn, t->st->idx, 0)))
		return t->err;
	for (int kind = 1; kind < 256 && !t->err; kind++) {
		size_t n = 0;
		char name[STORE_COUNT_NAME];
		store_scan(t, kind, NULL, reindex_record, t);
		/* recount while we are here */
		MDB_cursor *c;
		if (store_txn_rc(t, mdb_cursor_open(t->txn, t->st->rec, &c)))
			break;
		unsigned char key[REC_KEYLEN] = {(unsigned char)kind};
		MDB_val k = {REC_KEYLEN, key}, d;
		for (int rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
		     rc == 0 && ((unsigned char *)k.mv_data)[0] == kind;
		     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
			n++;
		mdb_cursor_close(c);
		store_count_name(name, kind);
		if (n)
			store_meta_put_u64(t, name, n);
	}
	if (!t->err)
		store_village_counts_make(t);
	if (!t->err)
		store_meta_put_u64(t, "idxver", INDEX_VERSION);
	return t->err;
}

/* Remove the IDX_STATUS entries of every kind the current set has none
 * of (index_in_set): each key with all its records. */
static void
status_entries_drop(store_txn *t)
{
	MDB_cursor *c;
	if (store_txn_rc(t, mdb_cursor_open(t->txn, t->st->idx, &c)))
		return;
	unsigned char at[2] = {IDX_STATUS, 0};
	int rc = 0;
	while (!rc) {
		MDB_val k = {sizeof at, at}, d;
		rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
		if (rc)
			break;
		const unsigned char *kb = k.mv_data;
		if (k.mv_size < 2 || kb[0] != IDX_STATUS)
			break;
		at[1] = kb[1];
		if (index_in_set(IDX_STATUS, kb[1], INDEX_VERSION)) {
			if (at[1] == 255)
				break;
			at[1]++;   /* on to the next kind */
			continue;
		}
		rc = mdb_cursor_del(c, MDB_NODUPDATA);
	}
	store_cursor_end(t, c, rc);
}

static int
upgrade_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	t->trusted = true;  /* every record, whoever opens the database first */
	uint64_t v = 0;
	if (store_meta_get_u64(t, "idxver", &v))
		return t->err;
	if (v >= INDEX_VERSION)
		return 0;   /* another program did it meanwhile */
	if (v < INDEX_STATUS_NEEDS)
		status_entries_drop(t);
	/* a database whose entries are the current set (only the counts
	 * are new) is not indexed again: minutes at a million records */
	if (v < INDEX_ENTRIES_VERSION)
		for (int kind = 1; kind < 256 && !t->err; kind++)
			store_scan(t, kind, NULL, reindex_record, t);
	if (!t->err)
		store_village_counts_make(t);
	if (!t->err)
		store_meta_put_u64(t, "idxver", INDEX_VERSION);
	return t->err;
}

int
store_index_upgrade(store *st)
{
	int err = store_write(st, upgrade_txn, NULL);
	if (!err)
		st->idxver = INDEX_VERSION;
	return err;
}

unsigned
store_index_version(const store *st)
{
	return (unsigned)st->idxver;
}

int
store_verify(store *st, bool repair, size_t *faults,
             void (*report)(const char *msg, void *ctx), void *ctx)
{
	struct verify v = {.repair = repair, .report = report, .rctx = ctx};
	int err = store_read(st, verify_txn, &v);
	*faults = v.faults;
	if (err || !repair || v.faults == 0)
		return err;
	return store_write(st, repair_txn, NULL);
}
