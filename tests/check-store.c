/* check-store.c: unit tests of records, the LMDB store, its indexes, map
 * growth, concurrent writers, org units and the demo data. */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <time.h>
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo.h"
#include "index.h"
#include "orgunit.h"
#include "paths.h"
#include "record.h"
#include "store.h"
#include "testdb.h"

/* --- helpers ---------------------------------------------------------- */

static int
save(store *st, record *r)
{
	return store_save(st, r);
}

struct get_ctx {
	rec_id id;
	record *r;
	int err;
};

static int
get_one(store_txn *t, void *ctx)
{
	struct get_ctx *g = ctx;
	g->err = store_get(t, &g->id, &g->r);
	return 0;
}

static record *
load(store *st, const rec_id *id)
{
	struct get_ctx g = {*id, NULL, 0};
	ck_assert_int_eq(store_read(st, get_one, &g), STORE_OK);
	return g.r;
}

static record *
resident(const char *name, const char *idnum)
{
	record *r = record_new(REC_RESIDENT);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(record_set(r, "name", name), 0);
	if (idnum)
		ck_assert_int_eq(record_set(r, "idnum", idnum), 0);
	return r;
}

struct find_ctx {
	rec_id ids[64];
	size_t n;
};

static int
collect(const rec_id *id, const char *value, void *ctx)
{
	(void)value;
	struct find_ctx *f = ctx;
	for (size_t i = 0; i < f->n; i++)
		if (rec_id_equal(&f->ids[i], id))
			return 0;
	if (f->n < 64)
		f->ids[f->n++] = *id;
	return 0;
}

struct find_args {
	int idx, kind;
	const char *q;
	struct find_ctx *f;
};

static int
find_txn(store_txn *t, void *ctx)
{
	struct find_args *a = ctx;
	return store_find(t, a->idx, a->kind, a->q, collect, a->f);
}

static size_t
find(store *st, int idx, const char *q, rec_id *first)
{
	struct find_ctx f = {.n = 0};
	struct find_args a = {idx, REC_RESIDENT, q, &f};
	ck_assert_int_eq(store_read(st, find_txn, &a), STORE_OK);
	if (first && f.n)
		*first = f.ids[0];
	return f.n;
}

static int
count_txn(store_txn *t, void *ctx)
{
	return store_count(t, REC_RESIDENT, ctx);
}

static size_t
count(store *st)
{
	size_t n = 0;
	ck_assert_int_eq(store_read(st, count_txn, &n), STORE_OK);
	return n;
}

static size_t
verify(store *st)
{
	size_t faults = 99;
	ck_assert_int_eq(store_verify(st, false, &faults, NULL, NULL), STORE_OK);
	return faults;
}

/* A write transaction on dir's LMDB, behind the store's back, and its
 * commit: for a test to make what an older program or damage left. */
static MDB_txn *
raw_begin(const char *dir, MDB_env **env)
{
	MDB_txn *txn;
	ck_assert_int_eq(mdb_env_create(env), 0);
	mdb_env_set_maxdbs(*env, 8);
	ck_assert_int_eq(mdb_env_open(*env, dir, 0, 0660), 0);
	ck_assert_int_eq(mdb_txn_begin(*env, NULL, 0, &txn), 0);
	return txn;
}

static void
raw_commit(MDB_env *env, MDB_txn *txn)
{
	ck_assert_int_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* --- records ------------------------------------------------------------ */

START_TEST(test_record_roundtrip)
{
	record *r = resident("王𠈌", "11010519491231002X");
	r->id = (rec_id){REC_RESIDENT, 0xabcdef123456ULL, 42};
	r->version = 7;
	r->form_version = 3;
	r->created_at = -5;
	r->updated_at = 1790000000;
	r->created_by = strdup("anning");
	r->updated_by = strdup("bingu");
	record_set(r, "notes", "line one\nline two, \"quoted\"");
	size_t len;
	unsigned char *enc = record_encode(r, &len);
	ck_assert_ptr_nonnull(enc);
	record *d;
	ck_assert_int_eq(record_decode(enc, len, &r->id, &d), 0);
	ck_assert_uint_eq(d->version, 7);
	ck_assert_uint_eq(d->form_version, 3);
	ck_assert_int_eq(d->created_at, -5);
	ck_assert_int_eq(d->updated_at, 1790000000);
	ck_assert_str_eq(d->created_by, "anning");
	ck_assert_str_eq(d->updated_by, "bingu");
	ck_assert_str_eq(record_get(d, "name"), "王𠈌");
	ck_assert_str_eq(record_get(d, "notes"), "line one\nline two, \"quoted\"");
	ck_assert_ptr_null(record_get(d, "phone"));
	/* every truncation is refused, never read past the end */
	for (size_t cut = 0; cut < len; cut++) {
		record *x = NULL;
		ck_assert_int_eq(record_decode(enc, cut, &r->id, &x), -1);
		ck_assert_ptr_null(x);
	}
	/* a newer encoding is refused rather than guessed at */
	record *e;
	enc[0] = RECORD_FORMAT + 1;
	ck_assert_int_eq(record_decode(enc, len, &r->id, &e), -1);
	free(enc);
	record_free(d);
	record_free(r);
}
END_TEST

/* A record never saved has no stamps: encoding it (a draft does) must not
 * hand memcpy a NULL, which the sanitizer build stops on. */
START_TEST(test_record_unsaved_encodes)
{
	record *r = record_new(REC_RESIDENT);
	record_set(r, "name", "王𠈌明");
	size_t len;
	unsigned char *enc = record_encode(r, &len);
	ck_assert_ptr_nonnull(enc);
	record *d;
	ck_assert_int_eq(record_decode(enc, len, NULL, &d), 0);
	ck_assert_str_eq(record_get(d, "name"), "王𠈌明");
	ck_assert_str_eq(d->created_by, "");
	free(enc);
	record_free(d);
	record_free(r);
}
END_TEST

/* A hand-made encoding (as record_encode lays it out) of fields given as
 * name, value pairs: a damaged or foreign one may repeat a name or carry
 * an empty value, which record_encode never writes. */
static unsigned char *
encode_pairs(const char *const *pairs, size_t n, size_t *len)
{
	unsigned char *b = malloc(4096), *p = b;
	*p++ = RECORD_FORMAT;
	*p++ = REC_RESIDENT;
	*p++ = 2;   /* version */
	*p++ = 1;   /* form_version */
	*p++ = 0;   /* created_at */
	*p++ = 0;   /* updated_at */
	*p++ = 1;
	*p++ = 'a';  /* created_by */
	*p++ = 0;    /* updated_by: empty */
	*p++ = (unsigned char)n;
	for (size_t i = 0; i < 2 * n; i++) {
		size_t k = strlen(pairs[i]);
		*p++ = (unsigned char)k;
		memcpy(p, pairs[i], k);
		p += k;
	}
	*len = (size_t)(p - b);
	return b;
}

/* record_decode makes one allocation; the record it gives still takes
 * record_set (a value replaced, fields added past the ones decoded, one
 * removed), record_dup and a round trip, with text outside the BMP and
 * values set empty. */
START_TEST(test_record_decode_one_block)
{
	record *r = record_new(REC_RESIDENT);
	r->created_by = strdup("𠮷tester");
	r->updated_by = strdup("");
	record_set(r, "name", "𠮷𠈌明");
	record_set(r, "empty", "");
	record_set(r, "notes", "第一行\n🙂 second, \"quoted\"");
	record_set(r, "𡃁", "key outside the BMP");
	record_set(r, "phone", "13900000000");
	record_set(r, "phone", "");   /* removed: not encoded */
	size_t len;
	unsigned char *enc = record_encode(r, &len);
	record *d;
	ck_assert_int_eq(record_decode(enc, len, NULL, &d), 0);
	ck_assert_uint_eq(d->nfields, 3);
	ck_assert_str_eq(d->fields[0].name, "name");
	ck_assert_str_eq(d->fields[2].name, "𡃁");
	ck_assert_str_eq(record_get(d, "name"), "𠮷𠈌明");
	ck_assert_str_eq(record_get(d, "notes"), "第一行\n🙂 second, \"quoted\"");
	ck_assert_str_eq(record_get(d, "𡃁"), "key outside the BMP");
	ck_assert_ptr_null(record_get(d, "empty"));
	ck_assert_ptr_null(record_get(d, "phone"));
	ck_assert_str_eq(d->created_by, "𠮷tester");
	ck_assert_str_eq(d->updated_by, "");
	/* the decoded record re-encodes to the same bytes */
	size_t len2;
	unsigned char *enc2 = record_encode(d, &len2);
	ck_assert_uint_eq(len2, len);
	ck_assert_int_eq(memcmp(enc, enc2, len), 0);
	free(enc2);
	/* changed as any record: the one allocation is never freed alone
	 * (the sanitizer build and valgrind would say) */
	ck_assert_int_eq(record_set(d, "name", "王𠈌"), 0);
	ck_assert_int_eq(record_set(d, "notes", ""), 0);
	for (int i = 0; i < 20; i++) {
		char k[16], v[32];
		snprintf(k, sizeof k, "f%d", i);
		snprintf(v, sizeof v, "𠀀%d", i);
		ck_assert_int_eq(record_set(d, k, v), 0);
	}
	ck_assert_uint_eq(d->nfields, 22);
	ck_assert_str_eq(record_get(d, "name"), "王𠈌");
	ck_assert_ptr_null(record_get(d, "notes"));
	ck_assert_str_eq(record_get(d, "𡃁"), "key outside the BMP");
	ck_assert_str_eq(record_get(d, "f19"), "𠀀19");
	record *c = record_dup(d);
	ck_assert_uint_eq(c->nfields, 22);
	ck_assert_str_eq(record_get(c, "f0"), "𠀀0");
	record_free(c);
	unsigned char *enc3 = record_encode(d, &len2);
	record *d2;
	ck_assert_int_eq(record_decode(enc3, len2, NULL, &d2), 0);
	ck_assert_uint_eq(d2->nfields, 22);
	ck_assert_str_eq(record_get(d2, "name"), "王𠈌");
	record_free(d2);
	free(enc3);
	record_free(d);
	free(enc);
	record_free(r);

	/* no fields at all: freed whole, and fields are added as to any record */
	r = record_new(REC_NEED);
	enc = record_encode(r, &len);
	record_free(r);
	ck_assert_int_eq(record_decode(enc, len, NULL, &d), 0);
	ck_assert_uint_eq(d->nfields, 0);
	ck_assert_ptr_null(record_get(d, "a"));
	record *d0;
	ck_assert_int_eq(record_decode(enc, len, NULL, &d0), 0);
	record_free(d0);
	ck_assert_int_eq(record_set(d, "a", "𠮷"), 0);
	ck_assert_str_eq(record_get(d, "a"), "𠮷");
	record_free(d);
	free(enc);

	/* bytes we never write: read as one record_set after another (a later
	 * value wins in the first one's place; an empty one removes it) */
	static const char *const rep[] = {"a", "1", "b", "2", "a", "3", "c", "𠮷"};
	enc = encode_pairs(rep, 4, &len);
	ck_assert_int_eq(record_decode(enc, len, NULL, &d), 0);
	ck_assert_uint_eq(d->nfields, 3);
	ck_assert_str_eq(d->fields[0].name, "a");
	ck_assert_str_eq(d->fields[0].value, "3");
	ck_assert_str_eq(record_get(d, "c"), "𠮷");
	ck_assert_str_eq(d->created_by, "a");
	record_free(d);
	free(enc);
	static const char *const gone[] = {"a", "1", "b", "", "a", "", "c", "x"};
	enc = encode_pairs(gone, 4, &len);
	ck_assert_int_eq(record_decode(enc, len, NULL, &d), 0);
	ck_assert_uint_eq(d->nfields, 1);
	ck_assert_str_eq(d->fields[0].name, "c");
	record_free(d);
	for (size_t cut = 0; cut < len; cut++) {
		record *x = NULL;
		ck_assert_int_eq(record_decode(enc, cut, NULL, &x), -1);
		ck_assert_ptr_null(x);
	}
	free(enc);
}
END_TEST

/* The decoder's quick ways: values of 128 bytes and more (a two-byte
 * length) among short ones, names that differ only where its hash does
 * not look (distinct fields, and a repeat among them still read the slow
 * way), and a NUL inside a value refused wherever it is. */
START_TEST(test_record_decode_long_and_alike)
{
	record *r = record_new(REC_RESIDENT);
	char longv[300];
	for (size_t i = 0; i < sizeof longv - 1; i++)
		longv[i] = (char)('a' + i % 26);
	longv[sizeof longv - 1] = '\0';
	record_set(r, "name", "王𠈌");
	record_set(r, "notes", longv);
	record_set(r, "axbc", "1");
	record_set(r, "aybc", "2");
	record_set(r, "k", "");
	record_set(r, "k", "𠮷");
	size_t len;
	unsigned char *enc = record_encode(r, &len);
	record *d;
	ck_assert_int_eq(record_decode(enc, len, NULL, &d), 0);
	ck_assert_uint_eq(d->nfields, 5);
	ck_assert_str_eq(record_get(d, "name"), "王𠈌");
	ck_assert_str_eq(record_get(d, "notes"), longv);
	ck_assert_str_eq(record_get(d, "axbc"), "1");
	ck_assert_str_eq(record_get(d, "aybc"), "2");
	ck_assert_str_eq(record_get(d, "k"), "𠮷");
	size_t len2;
	unsigned char *enc2 = record_encode(d, &len2);
	ck_assert_uint_eq(len2, len);
	ck_assert_int_eq(memcmp(enc, enc2, len), 0);
	free(enc2);
	record_free(d);
	/* a NUL inside a name or a value, short or long: refused */
	const char *in[] = {"notes", longv + 200, "aybc", "𠮷"};
	for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
		unsigned char *at = memmem(enc, len, in[i], strlen(in[i]));
		ck_assert_ptr_nonnull(at);
		unsigned char *bad = malloc(len);
		memcpy(bad, enc, len);
		bad[(at - enc) + 1] = 0;
		record *x = NULL;
		ck_assert_int_eq(record_decode(bad, len, NULL, &x), -1);
		ck_assert_ptr_null(x);
		free(bad);
	}
	free(enc);
	record_free(r);

	/* alike names repeated: the later value wins in the first one's place */
	static const char *const rep[] = {"axbc", "1", "aybc", "2", "axbc", "3"};
	enc = encode_pairs(rep, 3, &len);
	ck_assert_int_eq(record_decode(enc, len, NULL, &d), 0);
	ck_assert_uint_eq(d->nfields, 2);
	ck_assert_str_eq(d->fields[0].name, "axbc");
	ck_assert_str_eq(d->fields[0].value, "3");
	ck_assert_str_eq(record_get(d, "aybc"), "2");
	record_free(d);
	free(enc);
}
END_TEST

/* record_take keeps the value it is given (the record frees it): added,
 * replacing one, an empty one removing the field and freed, NULL, and on
 * a decoded record (one allocation); nothing leaks (the sanitizer build's
 * leak check would say). */
START_TEST(test_record_take)
{
	record *r = record_new(REC_RESIDENT);
	char *v = strdup("𠮷𠈌明");
	ck_assert_int_eq(record_take(r, "name", v), 0);
	ck_assert_ptr_eq(record_get(r, "name"), v);
	ck_assert_int_eq(record_take(r, "phone", strdup("13900000000")), 0);
	ck_assert_int_eq(record_take(r, "name", strdup("王")), 0);
	ck_assert_str_eq(record_get(r, "name"), "王");
	ck_assert_int_eq(record_take(r, "phone", strdup("")), 0);
	ck_assert_ptr_null(record_get(r, "phone"));
	ck_assert_int_eq(record_take(r, "notes", NULL), 0);
	ck_assert_uint_eq(r->nfields, 1);
	size_t len;
	unsigned char *enc = record_encode(r, &len);
	record *d;
	ck_assert_int_eq(record_decode(enc, len, NULL, &d), 0);
	free(enc);
	ck_assert_int_eq(record_take(d, "name", strdup("李")), 0);
	for (int i = 0; i < 12; i++) {
		char k[16];
		snprintf(k, sizeof k, "f%d", i);
		ck_assert_int_eq(record_take(d, k, strdup(k)), 0);
	}
	ck_assert_str_eq(record_get(d, "name"), "李");
	ck_assert_str_eq(record_get(d, "f11"), "f11");
	record_free(d);
	record_free(r);
}
END_TEST

/* record_encode's bytes as the database holds them, laid out by hand:
 * lengths and numbers of one byte and more, a negative stamp, a login
 * left NULL, text outside ASCII.  Records saved before and after any
 * change to the encoder must be the same bytes. */
START_TEST(test_record_encode_bytes)
{
	record *r = record_new(REC_RESIDENT);
	r->version = 300;
	r->form_version = 1;
	r->created_at = -5;
	r->updated_at = 1790000000;
	r->created_by = strdup("a");
	char longv[201];
	memset(longv, 'x', 200);
	longv[200] = '\0';
	record_set(r, "name", "王");
	record_set(r, "notes", longv);
	unsigned char want[300], *p = want;
	static const unsigned char head[] = {
		RECORD_FORMAT, REC_RESIDENT, 0xac, 0x02, 0x01, 0x09, 0x80, 0xee, 0x89, 0xab, 0x0d,
		0x01, 'a', 0x00, 0x02, 0x04, 'n', 'a', 'm', 'e', 0x03, 0xe7, 0x8e, 0x8b,
		0x05, 'n', 'o', 't', 'e', 's', 0xc8, 0x01};
	memcpy(p, head, sizeof head);
	p += sizeof head;
	memcpy(p, longv, 200);
	p += 200;
	size_t len;
	unsigned char *enc = record_encode(r, &len);
	ck_assert_ptr_nonnull(enc);
	ck_assert_uint_eq(len, (size_t)(p - want));
	ck_assert_int_eq(memcmp(enc, want, len), 0);
	free(enc);
	record_free(r);
}
END_TEST

/* record_dup makes one allocation, as record_decode does: the copy reads
 * and encodes as the original, takes record_set (a value replaced, one
 * removed, fields added past its room) without touching the original,
 * and is freed whole (the sanitizer build would say otherwise). */
START_TEST(test_record_dup_one_block)
{
	record *r = record_new(REC_RESIDENT);
	r->id = (rec_id){REC_RESIDENT, 0x123456ULL, 9};
	r->version = 4;
	r->created_by = strdup("𠮷tester");
	record_set(r, "name", "𠮷𠈌明");
	record_set(r, "notes", "第一行\n🙂");
	record_set(r, "phone", "13900000000");
	record *c = record_dup(r);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_gt(c->blk, 0);
	ck_assert(rec_id_equal(&c->id, &r->id));
	ck_assert_ptr_null(c->updated_by);
	size_t la, lb;
	unsigned char *a = record_encode(r, &la), *b = record_encode(c, &lb);
	ck_assert_uint_eq(la, lb);
	ck_assert_int_eq(memcmp(a, b, la), 0);
	free(a);
	free(b);
	ck_assert_int_eq(record_set(c, "name", "王𠈌"), 0);
	ck_assert_int_eq(record_set(c, "notes", ""), 0);
	for (int i = 0; i < 20; i++) {
		char k[16], v[32];
		snprintf(k, sizeof k, "f%d", i);
		snprintf(v, sizeof v, "𠀀%d", i);
		ck_assert_int_eq(record_set(c, k, v), 0);
	}
	ck_assert_uint_eq(c->nfields, 22);
	ck_assert_str_eq(record_get(c, "name"), "王𠈌");
	ck_assert_ptr_null(record_get(c, "notes"));
	ck_assert_str_eq(record_get(c, "phone"), "13900000000");
	ck_assert_str_eq(record_get(r, "name"), "𠮷𠈌明");
	ck_assert_str_eq(record_get(r, "notes"), "第一行\n🙂");
	ck_assert_uint_eq(r->nfields, 3);
	record *cc = record_dup(c);
	ck_assert_str_eq(record_get(cc, "f19"), "𠀀19");
	record_free(cc);
	record_free(c);
	record_free(r);
	r = record_new(REC_NEED);
	c = record_dup(r);
	ck_assert_uint_eq(c->nfields, 0);
	ck_assert_int_eq(record_set(c, "a", "1"), 0);
	ck_assert_str_eq(record_get(c, "a"), "1");
	record_free(c);
	record_free(r);
}
END_TEST

START_TEST(test_record_set_remove)
{
	record *r = record_new(REC_NEED);
	record_set(r, "a", "1");
	record_set(r, "b", "2");
	record_set(r, "a", "3");
	ck_assert_uint_eq(r->nfields, 2);
	ck_assert_str_eq(record_get(r, "a"), "3");
	record_set(r, "a", "");
	ck_assert_uint_eq(r->nfields, 1);
	ck_assert_ptr_null(record_get(r, "a"));
	ck_assert_str_eq(record_get(r, "b"), "2");
	record *c = record_dup(r);
	ck_assert_str_eq(record_get(c, "b"), "2");
	record_free(c);
	record_free(r);
}
END_TEST

START_TEST(test_rec_id_text)
{
	rec_id id = {REC_RESIDENT, 0x3f9a2c71d0e4ULL, 42}, back;
	char buf[REC_ID_TEXTMAX];
	ck_assert_str_eq(rec_id_format(&id, buf), "res-3f9a2c71d0e4-42");
	ck_assert_int_eq(rec_id_parse(buf, &back), 0);
	ck_assert(rec_id_equal(&id, &back));
	ck_assert_int_eq(rec_id_parse("resident-3f9a2c71d0e4-42", &back), 0);
	ck_assert_int_eq(rec_id_parse("xyz-3f9a2c71d0e4-42", &back), -1);
	ck_assert_int_eq(rec_id_parse("res-3g-42", &back), -1);
	ck_assert_int_eq(rec_id_parse("res-3f-", &back), -1);
	ck_assert_int_eq(rec_id_parse("res--42", &back), -1);
	ck_assert_int_eq(rec_id_parse("res-12-99999999999999999999", &back), -1);
	unsigned char key[REC_KEYLEN];
	rec_id_to_key(&id, key);
	ck_assert_uint_eq(key[0], REC_RESIDENT);
	ck_assert_uint_eq(key[16], 42);
	rec_id_from_key(key, &back);
	ck_assert(rec_id_equal(&id, &back));
}
END_TEST

/* rec_id_format writes what snprintf wrote before it was done by hand,
 * for every kind (with a code or without) and sites and sequence
 * numbers of every length, zero and the largest; an id of a known kind
 * reads back. */
START_TEST(test_rec_id_format_as_printf)
{
	uint64_t vals[64 + 6] = {0, 1, 9, 10, UINT64_MAX, UINT64_MAX - 1};
	size_t nv = 6;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	for (int bits = 1; bits <= 64; bits++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		vals[nv++] = bits == 64 ? x : x & ((UINT64_C(1) << bits) - 1);
	}
	size_t checked = 0;
	for (unsigned kind = 0; kind < 256; kind++)
		for (size_t i = 0; i < nv; i++) {
			rec_id id = {(uint8_t)kind, vals[i], vals[nv - 1 - i]}, back;
			char got[REC_ID_TEXTMAX], want[REC_ID_TEXTMAX];
			const char *code = rec_kind_code(id.kind);
			if (code)
				snprintf(want, sizeof want, "%s-%012" PRIx64 "-%" PRIu64, code, id.site,
				         id.seq);
			else
				snprintf(want, sizeof want, "k%u-%012" PRIx64 "-%" PRIu64, id.kind,
				         id.site, id.seq);
			ck_assert_str_eq(rec_id_format(&id, got), want);
			/* (rec_id_parse refuses some sequence numbers of twenty
			 * digits, as it always has) */
			if (code && id.seq < UINT64_C(10000000000000000000)) {
				ck_assert_int_eq(rec_id_parse(got, &back), 0);
				ck_assert(rec_id_equal(&id, &back));
			}
			checked++;
		}
	ck_assert_uint_eq(checked, 256 * nv);
}
END_TEST

/* --- store basics ------------------------------------------------------- */

START_TEST(test_open_missing)
{
	char *dir = testdb_dir("test");
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_NODB);
	char *sub;
	ck_assert_int_ge(asprintf(&sub, "%s/a/b", dir), 0);
	ck_assert_int_eq(store_open(&st, sub, 0), STORE_NODB);
	ck_assert_int_eq(store_open(&st, sub, STORE_CREATE), STORE_OK);
	uint64_t site = store_site(st);
	ck_assert_uint_ne(site, 0);
	ck_assert_uint_lt(site, 1ULL << 48);
	store_close(st);
	ck_assert_int_eq(store_open(&st, sub, 0), STORE_OK);
	ck_assert_uint_eq(store_site(st), site);
	store_close(st);
	free(sub);
	testdb_rm(dir);
}
END_TEST

/* store_hold (what a setgid run does before it gives the group up): the
 * handles of the held folder share its environment, each with its own
 * user and read-only flag, closing one leaves the others working; a
 * folder held while it could not be opened gives that error to every
 * later open; other folders and files are opened as ever. */
START_TEST(test_hold_shares)
{
	char *dir = testdb_dir("test");
	store *st = testdb_open(dir);
	record *r = resident("张三丰", "11010519491231002X");
	ck_assert_int_eq(save(st, r), STORE_OK);
	uint64_t site = store_site(st);
	store_close(st);

	ck_assert_int_eq(store_hold(dir, 0), STORE_OK);
	store *a, *b;
	ck_assert_int_eq(store_open(&a, dir, 0), STORE_OK);
	ck_assert_int_eq(store_open(&b, dir, STORE_RDONLY), STORE_OK);
	ck_assert_uint_eq(store_site(a), site);
	store_set_user(a, "a");
	ck_assert_str_eq(store_user(b), "?");
	record *r2 = resident("李四", NULL);
	ck_assert_int_eq(save(a, r2), STORE_OK);
	ck_assert_str_eq(r2->created_by, "a");
	store_close(a);                 /* b still reads, through the same environment */
	ck_assert_uint_eq(count(b), 2);
	ck_assert_int_ne(save(b, r2), STORE_OK);   /* read-only stays read-only */
	store_close(b);
	/* another folder is its own */
	char *other = testdb_dir("test");
	ck_assert_int_eq(store_open(&a, other, 0), STORE_NODB);
	store_release();
	/* held where there is nothing: every open gets that error, even
	 * once the folder appears; after release, opens are as ever */
	ck_assert_int_eq(store_hold(other, 0), STORE_NODB);
	char *same;   /* the same folder by another name: opened as ever */
	ck_assert_int_ge(asprintf(&same, "%s/.", other), 0);
	st = testdb_open(same);
	store_close(st);
	free(same);
	ck_assert_int_eq(store_open(&a, other, 0), STORE_NODB);
	store_release();
	ck_assert_int_eq(store_open(&a, other, 0), STORE_OK);
	store_close(a);
	record_free(r);
	record_free(r2);
	testdb_rm(other);
	testdb_rm(dir);
}
END_TEST

/* A lock.mdb that is not LMDB's while another program holds it (alone,
 * LMDB would make it anew) is told apart from a folder that is not a
 * database: STORE_BADLOCK, and the records are untouched. */
START_TEST(test_bad_lock_file)
{
	char *dir = testdb_dir("test");
	store *st = testdb_open(dir);
	record *r = resident("张三丰", "11010519491231002X");
	ck_assert_int_eq(save(st, r), STORE_OK);
	store_close(st);
	char *lock;
	ck_assert_int_ge(asprintf(&lock, "%s/lock.mdb", dir), 0);
	int fd = open(lock, O_RDWR | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	char junk[8192];
	memset(junk, 'x', sizeof junk);
	ck_assert_int_eq(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
	/* held by another process: the test's child, as a reader would */
	int ready[2];
	ck_assert_int_eq(pipe(ready), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
		char c = fcntl(fd, F_SETLK, &fl) == 0 ? 'y' : 'n';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char c = 0;
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	ck_assert_int_eq(c, 'y');
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_BADLOCK);
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_BADLOCK);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(fd);
	close(ready[0]);
	close(ready[1]);
	/* the records are whole: alone again, LMDB makes the lock anew */
	st = testdb_open(dir);
	ck_assert_uint_eq(count(st), 1);
	store_close(st);
	free(lock);
	record_free(r);
	testdb_rm(dir);
}
END_TEST

/* paths_drop_group in a run that is not setgid: all three groups are the
 * real one already, and stay so. */
START_TEST(test_drop_group_plain)
{
	ck_assert_int_eq(paths_drop_group(), 0);
	gid_t r, e, s;
	ck_assert_int_eq(getresgid(&r, &e, &s), 0);
	ck_assert_uint_eq(r, getgid());
	ck_assert_uint_eq(e, r);
	ck_assert_uint_eq(s, r);
	/* what was open is now closed on exec */
	int fd = open("/dev/null", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_eq(paths_drop_group(), 0);
	ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	close(fd);
}
END_TEST

/* store_view in a read transaction keeps a cursor and steps on from the
 * record it read last: whatever order the ids come in (key order, as an
 * index gives them, backwards, shuffled, the same twice), with gaps
 * (deleted records), ids before the first and after the last, and of
 * another kind, it reads what is stored and says STORE_NOTFOUND for
 * what is not, in a read transaction as in a write one (mdb_get). */
enum { VIEW_N = 150 };
struct view_case {
	rec_id ids[VIEW_N + 8];
	bool here[VIEW_N + 8];
	char names[VIEW_N + 8][32];
	size_t n;
	size_t order[4 * (VIEW_N + 8)];
	size_t norder;
	size_t found;
};

static int
view_txn(store_txn *t, void *ctx)
{
	struct view_case *v = ctx;
	for (size_t k = 0; k < v->norder; k++) {
		size_t i = v->order[k];
		const unsigned char *p = (const unsigned char *)"x";
		size_t len = 1;
		int rc = store_view(t, &v->ids[i], &p, &len);
		if (!v->here[i]) {
			ck_assert_msg(rc == STORE_NOTFOUND, "id %zu (step %zu): %d, not NOTFOUND", i, k, rc);
			ck_assert_ptr_null(p);
			ck_assert_uint_eq(len, 0);
			continue;
		}
		ck_assert_msg(rc == STORE_OK, "id %zu (step %zu): %d", i, k, rc);
		record *r = NULL;
		ck_assert_int_eq(record_decode(p, len, &v->ids[i], &r), 0);
		ck_assert_str_eq(record_get(r, "name"), v->names[i]);
		record_free(r);
		v->found++;
	}
	return store_txn_error(t);
}

static int
view_del_txn(store_txn *t, void *ctx)
{
	struct view_case *v = ctx;
	for (size_t i = 0; i < v->n; i++)
		if (!v->here[i] && v->ids[i].seq && store_del(t, &v->ids[i], 0))
			return store_txn_error(t);
	return 0;
}

START_TEST(test_view_any_order)
{
	struct db d = testdb_new("view");
	static struct view_case v;
	memset(&v, 0, sizeof v);
	char note[400];
	memset(note, 'n', sizeof note - 1);
	note[sizeof note - 1] = '\0';
	/* residents big enough to fill some thirty pages, a need among them */
	for (size_t i = 0; i < VIEW_N; i++) {
		snprintf(v.names[v.n], sizeof v.names[v.n], "居民%zu", i);
		record *r = resident(v.names[v.n], NULL);
		record_set(r, "note", note + i % 300);
		ck_assert_int_eq(save(d.st, r), STORE_OK);
		v.ids[v.n] = r->id;
		v.here[v.n++] = i % 7 != 3;   /* every seventh deleted below */
		record_free(r);
		if (i == VIEW_N / 2) {
			record *nd = record_new(REC_NEED);
			record_set(nd, "name", "需求");
			ck_assert_int_eq(save(d.st, nd), STORE_OK);
			record_free(nd);
		}
	}
	ck_assert_int_eq(store_write(d.st, view_del_txn, &v), STORE_OK);
	/* none before the first, none after the last, none of another kind */
	rec_id before = v.ids[0], after = v.ids[v.n - 1], other = v.ids[v.n - 1];
	before.seq = 0;
	after.seq += 1000;
	other.kind = REC_SERVICE;
	rec_id extra[] = {before, after, other};
	for (size_t e = 0; e < sizeof extra / sizeof extra[0]; e++) {
		v.ids[v.n] = extra[e];
		v.here[v.n++] = false;
	}
	size_t stored = 0;
	for (size_t i = 0; i < v.n; i++)
		stored += v.here[i];
	/* in key order (the residents' seqs grow), with the extras inside */
	size_t k = 0;
	v.order[k++] = v.n - 3;   /* before */
	for (size_t i = 0; i < VIEW_N; i++)
		v.order[k++] = i;
	v.order[k++] = v.n - 2;   /* after */
	v.order[k++] = v.n - 1;   /* another kind */
	v.norder = k;
	ck_assert_int_eq(store_read(d.st, view_txn, &v), STORE_OK);
	ck_assert_uint_eq(v.found, stored);
	ck_assert_int_eq(store_write(d.st, view_txn, &v), STORE_OK);   /* mdb_get */
	/* backwards, then each twice, then shuffled, all in one transaction */
	k = 0;
	for (size_t i = v.n; i-- > 0;)
		v.order[k++] = i;
	for (size_t i = 0; i < v.n; i++) {
		v.order[k++] = i;
		v.order[k++] = i;
	}
	uint32_t x = 12345;
	for (size_t i = 0; i < v.n; i++) {
		x = x * 1103515245u + 12345u;
		v.order[k++] = (x >> 8) % v.n;
	}
	v.norder = k;
	v.found = 0;
	ck_assert_int_eq(store_read(d.st, view_txn, &v), STORE_OK);
	size_t want = 3 * stored;
	for (size_t i = 3 * v.n; i < k; i++)
		want += v.here[v.order[i]];
	ck_assert_uint_eq(v.found, want);
	/* runs of ids in no order, whose steps miss (then read without the
	 * cursor for a while, the cursor left where it was), each followed
	 * by ids in key order again, the deleted and the extras among them */
	k = 0;
	for (size_t run = 0; run < 3; run++) {
		for (size_t i = run * 50; i < run * 50 + 30; i++)
			v.order[k++] = i;   /* in order: the cursor on */
		for (size_t i = run * 50 + 35; i < VIEW_N; i += 9)
			v.order[k++] = i;   /* after the last one read, but not next */
		for (size_t i = 0; i < 40; i++) {
			x = x * 1103515245u + 12345u;
			v.order[k++] = (x >> 8) % v.n;
		}
		for (size_t i = run * 50 + 30; i < VIEW_N; i++)
			v.order[k++] = i;   /* in order from before the cursor */
		v.order[k++] = v.n - 2;   /* after */
		v.order[k++] = v.n - 1;   /* another kind */
	}
	ck_assert_uint_le(k, sizeof v.order / sizeof v.order[0]);
	v.norder = k;
	v.found = 0;
	ck_assert_int_eq(store_read(d.st, view_txn, &v), STORE_OK);
	want = 0;
	for (size_t i = 0; i < k; i++)
		want += v.here[v.order[i]];
	ck_assert_uint_eq(v.found, want);
	testdb_free(&d);
}
END_TEST

START_TEST(test_put_get_update)
{
	char *dir = testdb_dir("test");
	store *st = testdb_open(dir);
	record *r = resident("张三丰", "11010519491231002X");
	ck_assert_int_eq(save(st, r), STORE_OK);
	ck_assert_uint_eq(r->version, 1);
	ck_assert_uint_eq(r->id.site, store_site(st));
	ck_assert_uint_ne(r->id.seq, 0);
	ck_assert_str_eq(r->created_by, "tester");
	record *g = load(st, &r->id);
	ck_assert_ptr_nonnull(g);
	ck_assert_str_eq(record_get(g, "name"), "张三丰");
	ck_assert_uint_eq(g->version, 1);

	/* update: version goes up, stamps follow the updater */
	store_set_user(st, "other");
	record_set(r, "name", "张三");
	ck_assert_int_eq(save(st, r), STORE_OK);
	ck_assert_uint_eq(r->version, 2);
	ck_assert_str_eq(r->created_by, "tester");
	ck_assert_str_eq(r->updated_by, "other");

	/* the stale copy g (version 1) is refused, and left as it was */
	record_set(g, "name", "李四");
	ck_assert_int_eq(save(st, g), STORE_CONFLICT);
	ck_assert_uint_eq(g->version, 1);
	ck_assert_str_eq(record_get(g, "name"), "李四");
	record *now = load(st, &r->id);
	ck_assert_str_eq(record_get(now, "name"), "张三");
	ck_assert_uint_eq(count(st), 1);

	/* two new records get different ids */
	record *r2 = resident("李四", NULL);
	ck_assert_int_eq(save(st, r2), STORE_OK);
	ck_assert(!rec_id_equal(&r->id, &r2->id));
	ck_assert_uint_eq(count(st), 2);
	record_free(now);
	record_free(g);
	record_free(r);
	record_free(r2);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

struct del_ctx {
	rec_id id;
	uint32_t v;
};

static int
del_one(store_txn *t, void *ctx)
{
	struct del_ctx *d = ctx;
	return store_del(t, &d->id, d->v);
}

START_TEST(test_indexes_follow_updates)
{
	char *dir = testdb_dir("test");
	store *st = testdb_open(dir);
	record *a = resident("张三丰", "11010519491231002X");
	record *b = resident("Zhang Wei", "510421198001010015");
	ck_assert_int_eq(save(st, a), STORE_OK);
	ck_assert_int_eq(save(st, b), STORE_OK);
	rec_id first;
	ck_assert_uint_eq(find(st, IDX_NAME, "张三", &first), 1);
	ck_assert(rec_id_equal(&first, &a->id));
	ck_assert_uint_eq(find(st, IDX_NAME, "zhang", &first), 1);  /* ASCII case folded */
	ck_assert(rec_id_equal(&first, &b->id));
	ck_assert_uint_eq(find(st, IDX_PINYIN, "zsf", &first), 1);
	ck_assert(rec_id_equal(&first, &a->id));
	ck_assert_uint_eq(find(st, IDX_PINYIN, "z", NULL), 2);
	ck_assert_uint_eq(find(st, IDX_IDNUM, "110105", NULL), 1);
	ck_assert_uint_eq(find(st, IDX_IDNUM, "11010519491231002x", NULL), 1);
	ck_assert_uint_eq(verify(st), 0);

	/* rename: the old entries go, the new ones come */
	record_set(a, "name", "李四");
	record_set(a, "idnum", "");
	ck_assert_int_eq(save(st, a), STORE_OK);
	ck_assert_uint_eq(find(st, IDX_NAME, "张三", NULL), 0);
	ck_assert_uint_eq(find(st, IDX_PINYIN, "zsf", NULL), 0);
	ck_assert_uint_eq(find(st, IDX_PINYIN, "ls", NULL), 1);
	ck_assert_uint_eq(find(st, IDX_IDNUM, "110105", NULL), 0);
	ck_assert_uint_eq(verify(st), 0);

	/* delete: wrong version refused, then gone with its entries */
	struct del_ctx d = {a->id, 1};
	ck_assert_int_eq(store_write(st, del_one, &d), STORE_CONFLICT);
	d.v = a->version;
	ck_assert_int_eq(store_write(st, del_one, &d), STORE_OK);
	ck_assert_uint_eq(find(st, IDX_PINYIN, "ls", NULL), 0);
	ck_assert_ptr_null(load(st, &a->id));
	ck_assert_int_eq(store_write(st, del_one, &d), STORE_NOTFOUND);
	ck_assert_uint_eq(count(st), 1);
	ck_assert_uint_eq(verify(st), 0);
	record_free(a);
	record_free(b);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* A failing step inside a transaction leaves nothing of it behind. */

START_TEST(test_all_or_nothing)
{
	char *dir = testdb_dir("test");
	store *st = testdb_open(dir);
	record *old = resident("旧", NULL);
	ck_assert_int_eq(save(st, old), STORE_OK);
	record *stale = record_dup(old);
	ck_assert_int_eq(save(st, old), STORE_OK);  /* now version 2 */
	record *fresh = resident("新人", NULL);
	record *both[2] = {fresh, stale};  /* the second fails: a stale version */
	ck_assert_int_eq(store_save_many(st, both, 2), STORE_CONFLICT);
	ck_assert_uint_eq(fresh->version, 0);    /* the caller's record is as before */
	ck_assert_uint_eq(fresh->id.seq, 0);
	ck_assert_uint_eq(count(st), 1);
	ck_assert_uint_eq(find(st, IDX_NAME, "新人", NULL), 0);
	ck_assert_int_eq(save(st, fresh), STORE_OK);  /* and can be saved again */
	ck_assert_uint_eq(count(st), 2);
	ck_assert_uint_eq(verify(st), 0);
	record_free(old);
	record_free(stale);
	record_free(fresh);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* Tamper with the index behind the store's back: verify finds it and
 * repair mends it. */
START_TEST(test_verify_and_repair)
{
	char *dir = testdb_dir("test");
	store *st = testdb_open(dir);
	record *a = resident("张三丰", "11010519491231002X");
	ck_assert_int_eq(save(st, a), STORE_OK);
	store_close(st);

	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi idx;
	txn = raw_begin(dir, &env);
	ck_assert_int_eq(mdb_dbi_open(txn, "idx", MDB_DUPSORT, &idx), 0);
	unsigned char key[IDX_KEYMAX], reckey[REC_KEYLEN];
	size_t n = index_prefix(IDX_IDNUM, REC_RESIDENT, "11010519491231002X", key);
	rec_id_to_key(&a->id, reckey);
	MDB_val k = {n, key}, d = {REC_KEYLEN, reckey};
	ck_assert_int_eq(mdb_del(txn, idx, &k, &d), 0);
	/* and a stray entry for a record that does not exist */
	rec_id ghost = {REC_RESIDENT, a->id.site, 999};
	rec_id_to_key(&ghost, reckey);
	n = index_prefix(IDX_NAME, REC_RESIDENT, "鬼", key);
	k = (MDB_val){n, key};
	ck_assert_int_eq(mdb_put(txn, idx, &k, &d, 0), 0);
	raw_commit(env, txn);

	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	ck_assert_uint_eq(verify(st), 2);
	size_t faults;
	ck_assert_int_eq(store_verify(st, true, &faults, NULL, NULL), STORE_OK);
	ck_assert_uint_eq(faults, 2);
	ck_assert_uint_eq(verify(st), 0);
	ck_assert_uint_eq(find(st, IDX_IDNUM, "110105", NULL), 1);
	record_free(a);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* The count of each village's records, kept beside the index
 * (store-record.c): right after saves, a move between villages, a
 * delete and a bulk write; found wrong by verify and mended by repair;
 * made when a database from before the counts is opened to write, and
 * read from the index itself until then. */
struct vcount_args {
	const char *village;
	size_t n;
};

static int
vcount_txn(store_txn *t, void *ctx)
{
	struct vcount_args *a = ctx;
	return store_count_value(t, IDX_VILLAGE, REC_RESIDENT, a->village, &a->n);
}

static size_t
vcount(store *st, const char *village)
{
	struct vcount_args a = {village, 99};
	ck_assert_int_eq(store_read(st, vcount_txn, &a), STORE_OK);
	return a.n;
}

static int
bulk_txn(store_txn *t, void *ctx)
{
	store_txn_bulk(t, NULL);
	for (int i = 0; i < 5 && !store_txn_error(t); i++) {
		record *r = resident("李四", NULL);
		record_set(r, "village", i < 3 ? "v-a" : (const char *)ctx);
		store_put(t, r);
		record_free(r);
	}
	return store_txn_error(t);
}

static int
del_txn(store_txn *t, void *ctx)
{
	record *r = ctx;
	return store_del(t, &r->id, r->version);
}

/* meta name (a village count's) set to v, or removed when v is -1, and
 * idxver to ver when not 0, behind the store's back */
static void
meta_poke(const char *dir, const char *name, long long v, unsigned ver)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi meta;
	txn = raw_begin(dir, &env);
	ck_assert_int_eq(mdb_dbi_open(txn, "meta", 0, &meta), 0);
	unsigned char b[8];
	MDB_val k = {strlen(name), (void *)name}, d = {8, b};
	if (name[0] && v < 0) {
		ck_assert_int_eq(mdb_del(txn, meta, &k, NULL), 0);
	} else if (name[0]) {
		for (int i = 0; i < 8; i++)
			b[i] = (unsigned char)((unsigned long long)v >> (56 - 8 * i));
		ck_assert_int_eq(mdb_put(txn, meta, &k, &d, 0), 0);
	}
	if (ver) {
		k = (MDB_val){6, "idxver"};
		for (int i = 0; i < 8; i++)
			b[i] = (unsigned char)((unsigned long long)ver >> (56 - 8 * i));
		ck_assert_int_eq(mdb_put(txn, meta, &k, &d, 0), 0);
	}
	raw_commit(env, txn);
}

START_TEST(test_village_counts)
{
	ck_assert_int_eq(REC_RESIDENT, 3);   /* the names poked below: "vcount/3/..." */
	char *dir = testdb_dir("test");
	store *st = testdb_open(dir);
	ck_assert_uint_eq(store_index_version(st), INDEX_VERSION);
	record *a = resident("张三", NULL), *b = resident("王五", NULL);
	record_set(a, "village", "v-a");
	record_set(b, "village", "v-a");
	ck_assert_int_eq(save(st, a), STORE_OK);
	ck_assert_int_eq(save(st, b), STORE_OK);
	ck_assert_uint_eq(vcount(st, "v-a"), 2);
	ck_assert_uint_eq(vcount(st, "v-b"), 0);
	/* moved to another village; saved again unchanged */
	record_set(b, "village", "v-b");
	ck_assert_int_eq(save(st, b), STORE_OK);
	ck_assert_int_eq(save(st, b), STORE_OK);
	ck_assert_uint_eq(vcount(st, "v-a"), 1);
	ck_assert_uint_eq(vcount(st, "v-b"), 1);
	/* five in one bulk write, three of them to v-a */
	ck_assert_int_eq(store_write(st, bulk_txn, "v-b"), STORE_OK);
	ck_assert_uint_eq(vcount(st, "v-a"), 4);
	ck_assert_uint_eq(vcount(st, "v-b"), 3);
	ck_assert_int_eq(store_write(st, del_txn, a), STORE_OK);
	ck_assert_uint_eq(vcount(st, "v-a"), 3);
	ck_assert_uint_eq(verify(st), 0);
	store_close(st);

	/* a count made wrong, and one left for a village with no records */
	meta_poke(dir, "vcount/3/v-a", 7, 0);
	meta_poke(dir, "vcount/3/v-gone", 2, 0);
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	ck_assert_uint_eq(vcount(st, "v-a"), 7);
	ck_assert_uint_eq(verify(st), 2);
	size_t faults;
	ck_assert_int_eq(store_verify(st, true, &faults, NULL, NULL), STORE_OK);
	ck_assert_uint_eq(verify(st), 0);
	ck_assert_uint_eq(vcount(st, "v-a"), 3);
	ck_assert_uint_eq(vcount(st, "v-gone"), 0);
	store_close(st);

	/* a database from before the counts: read from the index while only
	 * read, the counts made by the first writer */
	meta_poke(dir, "vcount/3/v-a", -1, INDEX_VILLAGE_COUNTS - 1);
	meta_poke(dir, "vcount/3/v-b", -1, 0);
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	ck_assert_uint_eq(store_index_version(st), INDEX_VILLAGE_COUNTS - 1);
	ck_assert_uint_eq(vcount(st, "v-a"), 3);
	ck_assert_uint_eq(vcount(st, "v-b"), 3);
	store_close(st);
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	ck_assert_uint_eq(store_index_version(st), INDEX_VERSION);
	ck_assert_uint_eq(vcount(st, "v-a"), 3);
	ck_assert_uint_eq(vcount(st, "v-b"), 3);
	ck_assert_uint_eq(verify(st), 0);
	store_close(st);
	/* the counts are what is read now: one poked is what a count says */
	meta_poke(dir, "vcount/3/v-b", 5, 0);
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	ck_assert_uint_eq(vcount(st, "v-b"), 5);
	store_close(st);
	record_free(a);
	record_free(b);
	testdb_rm(dir);
}
END_TEST

/* The index table's flags as LMDB keeps them in dir. */
static unsigned
idx_flags(const char *dir, unsigned make)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi idx;
	unsigned flags = 0;
	txn = raw_begin(dir, &env);
	ck_assert_int_eq(mdb_dbi_open(txn, "idx", make, &idx), 0);
	ck_assert_int_eq(mdb_dbi_flags(txn, idx, &flags), 0);
	raw_commit(env, txn);
	return flags & (MDB_DUPSORT | MDB_DUPFIXED);
}

/* seqs from..to (step) of this store's site, all in village v-a, in
 * one bulk write: the index entries go in sorted, each key's records
 * on its end where they are past the others and in their place where
 * they are not (store_index_flush) */
struct seqs {
	uint64_t from, to, step, site;
};

static int
bulk_seqs_txn(store_txn *t, void *ctx)
{
	struct seqs *q = ctx;
	store_txn_bulk(t, NULL);
	for (uint64_t s = q->from; s <= q->to && !store_txn_error(t); s += q->step) {
		record *r = resident("李四", NULL);
		record_set(r, "village", "v-a");
		r->id.site = q->site;
		r->id.seq = s;
		store_put(t, r);
		record_free(r);
	}
	return store_txn_error(t);
}

/* The index keeps a key's records as a bare array of record keys
 * (MDB_DUPFIXED); a database made before keeps its own flags and is
 * read and written as before. */
START_TEST(test_index_layout)
{
	char *dir = testdb_dir("test");
	store *st = testdb_open(dir);
	/* 300 after the others, then 150 in among them and before them */
	struct seqs late = {1000, 1598, 2, store_site(st)}, early = {1, 1299, 9, store_site(st)};
	ck_assert_int_eq(store_write(st, bulk_seqs_txn, &late), STORE_OK);
	ck_assert_int_eq(store_write(st, bulk_seqs_txn, &early), STORE_EXISTS);
	early.to = 999;
	ck_assert_int_eq(store_write(st, bulk_seqs_txn, &early), STORE_OK);
	ck_assert_uint_eq(vcount(st, "v-a"), 300 + 111);
	ck_assert_uint_eq(count(st), 411);
	ck_assert_uint_eq(find(st, IDX_NAME, "李四", NULL), 64);  /* (the most collect keeps) */
	ck_assert_uint_eq(verify(st), 0);
	store_close(st);
	ck_assert_uint_eq(idx_flags(dir, 0), MDB_DUPSORT | MDB_DUPFIXED);
	testdb_rm(dir);

	/* a database whose index was made without MDB_DUPFIXED */
	dir = testdb_dir("test");
	ck_assert_uint_eq(idx_flags(dir, MDB_CREATE | MDB_DUPSORT), MDB_DUPSORT);
	st = testdb_open(dir);
	late.to = 1200;
	late.site = early.site = store_site(st);
	ck_assert_int_eq(store_write(st, bulk_seqs_txn, &late), STORE_OK);
	ck_assert_int_eq(store_write(st, bulk_seqs_txn, &early), STORE_OK);
	record *a = resident("张三", "11010519491231002X");
	ck_assert_int_eq(save(st, a), STORE_OK);
	ck_assert_uint_eq(vcount(st, "v-a"), 101 + 111);
	ck_assert_uint_eq(find(st, IDX_IDNUM, "110105", NULL), 1);
	ck_assert_uint_eq(verify(st), 0);
	store_close(st);
	ck_assert_uint_eq(idx_flags(dir, 0), MDB_DUPSORT);
	record_free(a);
	testdb_rm(dir);
}
END_TEST

/* The records under the IDX_STATUS key of kind and value in dir, counted
 * by LMDB itself; with add, one more put there first (as a program
 * before INDEX_STATUS_NEEDS did) for id. */
static size_t
status_entries(const char *dir, int kind, const char *value, const rec_id *add)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi idx;
	MDB_cursor *c;
	size_t n = 0;
	unsigned char key[IDX_KEYMAX], reckey[REC_KEYLEN];
	MDB_val k = {index_prefix(IDX_STATUS, kind, value, key), key}, d;
	txn = raw_begin(dir, &env);
	ck_assert_int_eq(mdb_dbi_open(txn, "idx", 0, &idx), 0);
	if (add) {
		rec_id_to_key(add, reckey);
		d = (MDB_val){REC_KEYLEN, reckey};
		ck_assert_int_eq(mdb_put(txn, idx, &k, &d, 0), 0);
	}
	ck_assert_int_eq(mdb_cursor_open(txn, idx, &c), 0);
	if (mdb_cursor_get(c, &k, &d, MDB_SET) == 0)
		ck_assert_int_eq(mdb_cursor_count(c, &n), 0);
	mdb_cursor_close(c);
	raw_commit(env, txn);
	return n;
}

/* Only needs have IDX_STATUS entries (the reports count the met ones);
 * a database from before keeps its others, read as sound, until the
 * first writer removes them. */
START_TEST(test_status_entries)
{
	char *dir = testdb_dir("test");
	store *st = testdb_open(dir);
	record *a = resident("张三", NULL), *b = resident("王五", NULL);
	record *need = record_new(REC_NEED);
	record_set(a, "status", "active");
	record_set(b, "status", "active");
	record_set(need, "status", "met");
	ck_assert_int_eq(save(st, a), STORE_OK);
	ck_assert_int_eq(save(st, need), STORE_OK);
	store_close(st);
	ck_assert_uint_eq(status_entries(dir, REC_RESIDENT, "active", NULL), 0);
	ck_assert_uint_eq(status_entries(dir, REC_NEED, "met", NULL), 1);

	/* as a program before them left it: the resident's entry, and the
	 * index set before INDEX_STATUS_NEEDS */
	ck_assert_uint_eq(status_entries(dir, REC_RESIDENT, "active", &a->id), 1);
	meta_poke(dir, "", 0, INDEX_STATUS_NEEDS - 1);
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	ck_assert_uint_eq(store_index_version(st), INDEX_STATUS_NEEDS - 1);
	ck_assert_uint_eq(verify(st), 0);
	store_close(st);
	ck_assert_uint_eq(status_entries(dir, REC_RESIDENT, "active", NULL), 1);
	/* the first writer: gone, the need's kept, and sound */
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	store_set_user(st, "tester");
	ck_assert_uint_eq(store_index_version(st), INDEX_VERSION);
	ck_assert_uint_eq(verify(st), 0);
	ck_assert_int_eq(save(st, b), STORE_OK);
	ck_assert_uint_eq(verify(st), 0);
	store_close(st);
	ck_assert_uint_eq(status_entries(dir, REC_RESIDENT, "active", NULL), 0);
	ck_assert_uint_eq(status_entries(dir, REC_NEED, "met", NULL), 1);
	/* now such an entry is stale, and repair takes it away */
	ck_assert_uint_eq(status_entries(dir, REC_RESIDENT, "active", &b->id), 1);
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	ck_assert_uint_eq(verify(st), 1);
	size_t faults;
	ck_assert_int_eq(store_verify(st, true, &faults, NULL, NULL), STORE_OK);
	ck_assert_uint_eq(verify(st), 0);
	store_close(st);
	ck_assert_uint_eq(status_entries(dir, REC_RESIDENT, "active", NULL), 0);
	ck_assert_uint_eq(status_entries(dir, REC_NEED, "met", NULL), 1);
	record_free(a);
	record_free(b);
	record_free(need);
	testdb_rm(dir);
}
END_TEST

/* A database from a newer program is refused at open. */
START_TEST(test_newer_schema)
{
	char *dir = testdb_dir("test");
	store_close(testdb_open(dir));
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi meta;
	txn = raw_begin(dir, &env);
	ck_assert_int_eq(mdb_dbi_open(txn, "meta", 0, &meta), 0);
	unsigned char v[8] = {0, 0, 0, 0, 0, 0, 0, 99};
	MDB_val k = {6, "schema"}, d = {8, v};
	ck_assert_int_eq(mdb_put(txn, meta, &k, &d, 0), 0);
	raw_commit(env, txn);
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_NEWER);
	ck_assert_int_eq(store_open(&st, dir, STORE_CREATE), STORE_NEWER);
	ck_assert_ptr_nonnull(strstr(store_strerror(STORE_NEWER), "newer"));
	testdb_rm(dir);
}
END_TEST

START_TEST(test_error_mapping)
{
	ck_assert_int_eq(store_map_error(0), STORE_OK);
	ck_assert_int_eq(store_map_error(ENOSPC), STORE_DISKFULL);
	ck_assert_int_eq(store_map_error(EACCES), STORE_PERM);
	ck_assert_int_eq(store_map_error(MDB_MAP_FULL), STORE_MAPFULL);
	ck_assert_int_eq(store_map_error(MDB_VERSION_MISMATCH), STORE_NOTDB);
	ck_assert_int_eq(store_map_error(MDB_CORRUPTED), STORE_CORRUPT);
	ck_assert_int_eq(store_map_error(MDB_READERS_FULL), STORE_BUSY);
	ck_assert_int_eq(store_map_error(12345), STORE_IO);
	for (int e = STORE_OK; e <= STORE_MAPFULL; e++)
		ck_assert(strlen(store_strerror(e)) > 4);
	ck_assert_ptr_nonnull(strstr(store_strerror(STORE_DISKFULL), "disk is full"));
}
END_TEST

START_TEST(test_no_permission)
{
	if (geteuid() == 0)
		return;  /* root reads anything; the mapping is tested above */
	char *dir = testdb_dir("test");
	store_close(testdb_open(dir));
	ck_assert_int_eq(chmod(dir, 0), 0);
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_PERM);
	chmod(dir, 0700);
	testdb_rm(dir);
}
END_TEST

/* --- map growth --------------------------------------------------------- */

struct bulk {
	int from, n;
	size_t size;
};

static int
put_bulk(store_txn *t, void *ctx)
{
	struct bulk *b = ctx;
	char *big = malloc(b->size + 1);
	memset(big, 'x', b->size);
	big[b->size] = '\0';
	for (int i = 0; i < b->n && !store_txn_error(t); i++) {
		char name[32];
		snprintf(name, sizeof name, "居民%06d", b->from + i);
		record *r = record_new(REC_RESIDENT);
		record_set(r, "name", name);
		record_set(r, "notes", big);
		store_put(t, r);
		record_free(r);
	}
	free(big);
	return store_txn_error(t);
}

START_TEST(test_map_grows)
{
	char *dir = testdb_dir("test");
	store *st = testdb_open(dir);
	size_t start = store_mapsize(st);
	/* well past the starting map, in transactions of 2 MB */
	size_t total = start + start / 2;
	int per = 200, size = 10000, rounds = (int)(total / ((size_t)per * size)) + 1;
	for (int i = 0; i < rounds; i++) {
		struct bulk b = {i * per, per, (size_t)size};
		ck_assert_int_eq(store_write(st, put_bulk, &b), STORE_OK);
	}
	ck_assert_uint_gt(store_mapsize(st), start);
	ck_assert_uint_eq(count(st), (size_t)rounds * per);
	ck_assert_uint_eq(find(st, IDX_NAME, "居民000000", NULL), 1);
	store_close(st);

	/* a fresh open sees the grown map and all the data */
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	ck_assert_uint_gt(store_mapsize(st), start);
	ck_assert_uint_eq(count(st), (size_t)rounds * per);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* Where the map may not grow (a 32-bit system's bound), a clear error,
 * nothing half-written, and work goes on once there is room. */
START_TEST(test_map_limit)
{
	char *dir = testdb_dir("test");
	store *st = testdb_open(dir);
	size_t limit = store_maplimit(st);
	store_set_maplimit(st, store_mapsize(st));
	int saved = 0, err = STORE_OK;
	for (int i = 0; i < 1000 && err == STORE_OK; i++) {
		struct bulk b = {i * 100, 100, 10000};
		err = store_write(st, put_bulk, &b);
		if (err == STORE_OK)
			saved += 100;
	}
	ck_assert_int_eq(err, STORE_MAPLIMIT);
	ck_assert_uint_eq(count(st), (size_t)saved);
	ck_assert_uint_eq(verify(st), 0);
	store_set_maplimit(st, limit);
	struct bulk b = {900000, 100, 10000};
	ck_assert_int_eq(store_write(st, put_bulk, &b), STORE_OK);
	ck_assert_uint_eq(count(st), (size_t)saved + 100);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* The map's own bound, not one set for a test: 1 GiB in a 32-bit
 * process (its address space is about 3 GiB for everything), 1 TiB in a
 * 64-bit one.  In a 32-bit build the map is filled to that gigabyte, in
 * transactions of 32 MiB: it grows there, stops with STORE_MAPLIMIT and
 * its message, the transaction that did not fit leaves nothing, and the
 * database opens again whole. */
START_TEST(test_map_limit_32bit)
{
	char *dir = testdb_dir("test");
	store *st = testdb_open(dir);
	size_t gib = (size_t)1 << 30;
	if (sizeof(size_t) > 4) {
		ck_assert_uint_eq(store_maplimit(st) >> 30, 1024);
		store_close(st);
		testdb_rm(dir);
		return;
	}
	ck_assert_uint_eq(store_maplimit(st), gib);
	int saved = 0, err = STORE_OK, per = 128;
	for (int i = 0; i < 64 && err == STORE_OK; i++) {
		struct bulk b = {i * per, per, (size_t)256 << 10};
		err = store_write(st, put_bulk, &b);
		if (err == STORE_OK)
			saved += per;
	}
	ck_assert_int_eq(err, STORE_MAPLIMIT);
	ck_assert_uint_eq(store_mapsize(st), gib);
	ck_assert_uint_gt((size_t)saved, 3000);  /* most of the gigabyte is records */
	ck_assert_ptr_nonnull(strstr(store_strerror(err), "nothing was saved"));
	ck_assert_ptr_nonnull(strstr(store_strerror(err), "64-bit"));
	ck_assert_uint_eq(count(st), (size_t)saved);
	/* smaller saves fill what is left, then are refused the same way */
	struct bulk one = {900000, 1, (size_t)256 << 10};
	while ((err = store_write(st, put_bulk, &one)) == STORE_OK && one.from < 901000) {
		saved++;
		one.from++;
	}
	ck_assert_int_eq(err, STORE_MAPLIMIT);
	char name[32];
	snprintf(name, sizeof name, "居民%06d", one.from);
	ck_assert_uint_eq(find(st, IDX_NAME, name, NULL), 0);
	ck_assert_uint_eq(store_mapsize(st), gib);
	ck_assert_uint_eq(count(st), (size_t)saved);
	store_close(st);
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	ck_assert_uint_eq(store_mapsize(st), gib);
	ck_assert_uint_eq(count(st), (size_t)saved);
	ck_assert_uint_eq(verify(st), 0);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* Another process keeps the database open and reading while this one
 * grows the map: it adopts the new size and sees everything. */
START_TEST(test_map_grows_under_reader)
{
	char *dir = testdb_dir("test");
	store_close(testdb_open(dir));
	int go[2], done[2];
	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(done), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		store *cst;
		if (store_open(&cst, dir, 0))
			_exit(10);
		char c;
		if (write(done[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(11);
		size_t n = 0;
		int err = store_read(cst, count_txn, &n);
		struct find_ctx f = {.n = 0};
		struct find_args a = {IDX_NAME, REC_RESIDENT, "居民000000", &f};
		if (!err)
			err = store_read(cst, find_txn, &a);
		/* and write after the other grew the map */
		record *r = record_new(REC_RESIDENT);
		record_set(r, "name", "子进程");
		if (!err)
			err = save(cst, r);
		store_close(cst);
		_exit(err ? 12 : n == 0 ? 13 : f.n != 1 ? 14 : 0);
	}
	char c;
	ck_assert_int_eq(read(done[0], &c, 1), 1);
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	size_t start = store_mapsize(st);
	for (int i = 0; store_mapsize(st) <= start && i < 100; i++) {
		struct bulk b = {i * 200, 200, 10000};
		ck_assert_int_eq(store_write(st, put_bulk, &b), STORE_OK);
	}
	ck_assert_uint_gt(store_mapsize(st), start);
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_uint_eq(find(st, IDX_NAME, "子进程", NULL), 1);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* A worker's program opening the database to work in it does not wait
 * for the write transaction another holds (a save's synced commit):
 * the open looks at the tables in a read transaction.  The child holds
 * a write transaction until told; the parent's open must end first. */
struct hold {
	int ready, go;
};
static int
hold_txn(store_txn *t, void *ctx)
{
	(void)t;
	struct hold *h = ctx;
	char c;
	if (write(h->ready, "w", 1) != 1 || read(h->go, &c, 1) != 1)
		return STORE_IO;
	return 0;
}

START_TEST(test_open_not_behind_writer)
{
	char *dir = testdb_dir("test");
	store_close(testdb_open(dir));
	int ready[2], go[2];
	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(go), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		store *cst;
		if (store_open(&cst, dir, 0))
			_exit(10);
		struct hold h = {ready[1], go[0]};
		int err = store_write(cst, hold_txn, &h);
		store_close(cst);
		_exit(err ? 11 : 0);
	}
	char c;
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	/* the child is inside its write transaction now; if the open below
	 * waited for it, it would wait forever: the alarm ends the test */
	alarm(20);
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	size_t n = 0;
	ck_assert_int_eq(store_read(st, count_txn, &n), STORE_OK);
	alarm(0);
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	/* and it still writes, once the other has finished */
	record *r = record_new(REC_RESIDENT);
	record_set(r, "name", "后来的");
	ck_assert_int_eq(save(st, r), STORE_OK);
	record_free(r);
	ck_assert_uint_eq(find(st, IDX_NAME, "后来的", NULL), 1);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* --- many processes ----------------------------------------------------- */

START_TEST(test_concurrent_writers)
{
	char *dir = testdb_dir("test");
	store_close(testdb_open(dir));
	enum { WRITERS = 4, EACH = 150 };
	pid_t pids[WRITERS];
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		ck_assert_int_ge(pids[w], 0);
		if (pids[w] == 0) {
			store *cst;
			if (store_open(&cst, dir, 0))
				_exit(10);
			for (int i = 0; i < EACH; i++) {
				char name[32];
				snprintf(name, sizeof name, "写%d号%03d", w, i);
				record *r = record_new(REC_RESIDENT);
				record_set(r, "name", name);
				if (save(cst, r) != STORE_OK)
					_exit(11);
				/* and edit it once, as a worker would */
				record_set(r, "phone", "13800000000");
				if (save(cst, r) != STORE_OK)
					_exit(12);
				record_free(r);
			}
			store_close(cst);
			_exit(0);
		}
	}
	for (int w = 0; w < WRITERS; w++) {
		int status;
		ck_assert_int_eq(waitpid(pids[w], &status, 0), pids[w]);
		ck_assert(WIFEXITED(status));
		ck_assert_int_eq(WEXITSTATUS(status), 0);
	}
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	ck_assert_uint_eq(count(st), WRITERS * EACH);
	ck_assert_uint_eq(find(st, IDX_NAME, "写3号149", NULL), 1);
	ck_assert_uint_eq(verify(st), 0);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* A process killed in the middle of a read leaves a reader slot behind;
 * the next open clears it. */
static int
hold_read(store_txn *t, void *ctx)
{
	(void)t;
	int fd = *(int *)ctx;
	if (write(fd, "r", 1) != 1)
		return 1;
	for (;;)
		pause();
}

START_TEST(test_stale_readers_cleared)
{
	char *dir = testdb_dir("test");
	store_close(testdb_open(dir));
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		store *cst;
		if (store_open(&cst, dir, 0))
			_exit(10);
		store_read(cst, hold_read, &p[1]);
		_exit(11);
	}
	char c;
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	/* our open already cleared the dead slot: LMDB finds none left */
	MDB_env *env;
	ck_assert_int_eq(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, 8);
	ck_assert_int_eq(mdb_env_open(env, dir, MDB_RDONLY, 0660), 0);
	int dead = -1;
	ck_assert_int_eq(mdb_reader_check(env, &dead), 0);
	ck_assert_int_eq(dead, 0);
	mdb_env_close(env);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* --- org units, workers, demo ------------------------------------------- */

struct unit_case {
	const char *code, *name;
	int want;
};

static int
add_units(store_txn *t, void *ctx)
{
	struct unit_case *c = ctx;
	for (; c->code; c++) {
		int err = orgunit_add(t, c->code, c->name, NULL);
		ck_assert_int_eq(err, c->want);
	}
	return 0;
}

static int
check_units(store_txn *t, void *ctx)
{
	(void)ctx;
	record *u;
	ck_assert_int_eq(orgunit_by_code(t, "510421", &u), STORE_OK);
	ck_assert_str_eq(record_get(u, "name"), "米易县");
	ck_assert_str_eq(record_get(u, "level"), "county");
	char cid[REC_ID_TEXTMAX];
	rec_id_format(&u->id, cid);
	record_free(u);
	ck_assert_int_eq(orgunit_by_code(t, "510421100", &u), STORE_OK);
	ck_assert_str_eq(record_get(u, "parent"), cid);
	record_free(u);
	ck_assert_int_eq(orgunit_by_code(t, "51042110", &u), STORE_NOTFOUND);
	ck_assert_int_eq(orgunit_by_code(t, "510421101", &u), STORE_NOTFOUND);
	/* the city: no parent; the county added before it keeps none, the
	 * one added after has it */
	ck_assert_int_eq(orgunit_by_code(t, "5104", &u), STORE_OK);
	ck_assert_str_eq(record_get(u, "level"), "city");
	ck_assert_ptr_null(record_get(u, "parent"));
	rec_id_format(&u->id, cid);
	record_free(u);
	ck_assert_int_eq(orgunit_by_code(t, "510421", &u), STORE_OK);
	ck_assert_ptr_null(record_get(u, "parent"));
	record_free(u);
	ck_assert_int_eq(orgunit_by_code(t, "510422", &u), STORE_OK);
	ck_assert_str_eq(record_get(u, "parent"), cid);
	record_free(u);
	return 0;
}

START_TEST(test_orgunits)
{
	char *dir = testdb_dir("test");
	store *st = testdb_open(dir);
	struct unit_case cases[] = {
		{"510421100", "攀莲镇", ORGUNIT_NOPARENT},
		{"510421", "米易县", 0},
		{"510421100", "攀莲镇", 0},
		{"510421100001", "安宁村", 0},
		{"510421100001", "安宁村", ORGUNIT_DUPLICATE},
		{"5104211", "错", ORGUNIT_BADCODE},
		{"51042110000a", "错", ORGUNIT_BADCODE},
		{"510421100002", "", ORGUNIT_NONAME},
		{"510421100002", "挂榜\x1b]0;x\x07村", ORGUNIT_BADNAME},
		{"510421100002", "挂榜\xc2\x9b村", ORGUNIT_BADNAME},
		/* a city (4 digits) after its county, which has none; the
		 * next county has it for its parent */
		{"5104", "攀枝花市", 0},
		{"510422", "盐边县", 0},
		{"51042", "错", ORGUNIT_BADCODE},
		{NULL, NULL, 0},
	};
	ck_assert_int_eq(store_write(st, add_units, cases), STORE_OK);
	ck_assert_int_eq(store_read(st, check_units, NULL), STORE_OK);
	char line[] = "  510421100002\t挂榜村 \r\n";
	char *code, *name;
	const char *why;
	ck_assert_int_eq(orgunit_parse_line(line, &code, &name, &why), 0);
	ck_assert_str_eq(code, "510421100002");
	ck_assert_str_eq(name, "挂榜村");
	char comment[] = "# a comment";
	ck_assert_int_eq(orgunit_parse_line(comment, &code, &name, &why), 1);
	char bad[] = "51042 某地";
	ck_assert_int_eq(orgunit_parse_line(bad, &code, &name, &why), -1);
	ck_assert_ptr_nonnull(strstr(why, "6 (county)"));
	char esc[] = "510421100002 挂榜\x1b村";
	ck_assert_int_eq(orgunit_parse_line(esc, &code, &name, &why), -1);
	ck_assert_ptr_nonnull(strstr(why, "control characters"));
	store_close(st);
	testdb_rm(dir);
}
END_TEST

static int
check_demo(store_txn *t, void *ctx)
{
	(void)ctx;
	record *w;
	ck_assert_int_eq(worker_by_login(t, "visitor", &w), STORE_OK);
	ck_assert_str_eq(record_get(w, "role"), "village");
	record_free(w);
	ck_assert_int_eq(worker_by_login(t, "dudao", &w), STORE_OK);
	ck_assert_str_eq(record_get(w, "role"), "supervisor");
	record_free(w);
	return 0;
}

static int
rare_name(const record *r, void *ctx)
{
	const char *name = record_get(r, "name");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p >= 0xF0)
			(*(size_t *)ctx)++;
	return 0;
}

static int
scan_rare(store_txn *t, void *ctx)
{
	return store_scan(t, REC_RESIDENT, NULL, rare_name, ctx);
}

START_TEST(test_demo)
{
	char *dir = testdb_dir("test");
	store *st = testdb_open(dir);
	struct demo_counts dc;
	ck_assert_int_eq(demo_fill(st, "visitor", 7, &dc), STORE_OK);
	ck_assert_uint_eq(dc.units, 13);
	ck_assert_uint_gt(dc.residents, 100);
	ck_assert_uint_gt(dc.needs, 10);
	ck_assert_uint_eq(count(st), dc.residents);
	ck_assert_int_eq(store_read(st, check_demo, NULL), STORE_OK);
	size_t rare = 0;
	ck_assert_int_eq(store_read(st, scan_rare, &rare), STORE_OK);
	ck_assert_uint_gt(rare, 0);
	ck_assert_uint_eq(verify(st), 0);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* --- the hook and the audit table --------------------------------------------- */

struct seen {
	int what[8];
	uint32_t before_v[8], after_v[8];
	int n;
	int fail_on;  /* fail the n-th call (1-based), 0 never */
};

static int
hook(store_txn *t, int what, const record *before, const record *after, void *ctx)
{
	struct seen *s = ctx;
	if (s->n < 8) {
		s->what[s->n] = what;
		s->before_v[s->n] = before ? before->version : 0;
		s->after_v[s->n] = after ? after->version : 0;
	}
	s->n++;
	/* what a hook writes goes in the same transaction */
	char entry[32];
	int len = snprintf(entry, sizeof entry, "entry %d", s->n);
	store_audit_append(t, entry, (size_t)len, NULL);
	return s->n == s->fail_on ? STORE_IO : 0;
}

struct walked {
	uint64_t seqs[16];
	char text[16][32];
	int n;
};

static int
walk_one(uint64_t seq, const void *data, size_t len, void *ctx)
{
	struct walked *w = ctx;
	if (w->n < 16) {
		w->seqs[w->n] = seq;
		snprintf(w->text[w->n], sizeof w->text[0], "%.*s", (int)len, (const char *)data);
	}
	w->n++;
	return 0;
}

static int
walk_txn(store_txn *t, void *ctx)
{
	return store_audit_walk(t, 1, walk_one, ctx);
}

START_TEST(test_hook_and_audit)
{
	char *dir = testdb_dir("test");
	store *st = testdb_open(dir);
	struct seen s = {.fail_on = 0};
	store_set_hook(st, hook, &s);
	record *r = resident("张三", NULL);
	ck_assert_int_eq(save(st, r), STORE_OK);
	record_set(r, "phone", "13800138000");
	ck_assert_int_eq(save(st, r), STORE_OK);
	struct del_ctx d = {r->id, r->version};
	ck_assert_int_eq(store_write(st, del_one, &d), STORE_OK);
	ck_assert_int_eq(s.n, 3);
	ck_assert_int_eq(s.what[0], STORE_HOOK_CREATE);
	ck_assert_uint_eq(s.before_v[0], 0);
	ck_assert_uint_eq(s.after_v[0], 1);
	ck_assert_int_eq(s.what[1], STORE_HOOK_UPDATE);
	ck_assert_uint_eq(s.before_v[1], 1);
	ck_assert_uint_eq(s.after_v[1], 2);
	ck_assert_int_eq(s.what[2], STORE_HOOK_DELETE);
	ck_assert_uint_eq(s.before_v[2], 2);

	/* a failing hook undoes the change and its entry together */
	s.fail_on = 4;
	record *r2 = resident("李四", NULL);
	ck_assert_int_eq(save(st, r2), STORE_IO);
	ck_assert_uint_eq(r2->version, 0);
	ck_assert_uint_eq(count(st), 0);
	ck_assert_uint_eq(find(st, IDX_NAME, "李四", NULL), 0);

	struct walked w = {.n = 0};
	ck_assert_int_eq(store_read(st, walk_txn, &w), STORE_OK);
	ck_assert_int_eq(w.n, 3);
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(w.seqs[i], (uint64_t)i + 1);
	ck_assert_str_eq(w.text[2], "entry 3");
	store_close(st);

	/* the table survives a reopen, and entries go on after the last */
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	s.fail_on = 0;
	store_set_hook(st, hook, &s);
	ck_assert_int_eq(save(st, r2), STORE_OK);
	w.n = 0;
	ck_assert_int_eq(store_read(st, walk_txn, &w), STORE_OK);
	ck_assert_int_eq(w.n, 4);
	ck_assert_uint_eq(w.seqs[3], 4);
	record_free(r);
	record_free(r2);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* Stamps after 2038 survive the store and the C library's calendar, also
 * in the 32-bit build (64-bit time_t there: _TIME_BITS=64). */
START_TEST(test_after_2038)
{
	ck_assert_uint_ge(sizeof(time_t), 8);
	record *r = record_new(REC_RESIDENT);
	record_set(r, "name", "二〇四一");
	r->id = (rec_id){REC_RESIDENT, 0x3f9a2c71d0e4u, 7};
	r->version = 1;
	r->created_at = r->updated_at = INT64_C(2240611200);   /* 2041-01-01 00:00 UTC */
	size_t len;
	unsigned char *enc = record_encode(r, &len);
	record *back;
	ck_assert_int_eq(record_decode(enc, len, &r->id, &back), 0);
	ck_assert(back->created_at == INT64_C(2240611200));
	time_t tt = (time_t)back->created_at;
	struct tm tm;
	ck_assert_ptr_nonnull(gmtime_r(&tt, &tm));
	ck_assert_int_eq(tm.tm_year + 1900, 2041);
	ck_assert_int_eq(tm.tm_mon, 0);
	ck_assert_int_eq(tm.tm_mday, 1);
	free(enc);
	record_free(r);
	record_free(back);
}
END_TEST

/* --- drafts: one writer's, until taken back or thrown away ------------ */

static char *
draft_text(store *st, const char *login)
{
	void *data;
	size_t len;
	int err = store_draft_get(st, login, &data, &len);
	if (err == STORE_NOTFOUND)
		return NULL;
	ck_assert_int_eq(err, STORE_OK);
	char *s = strndup(data, len);
	free(data);
	return s;
}

static void
draft_is(store *st, const char *login, const char *want)
{
	char *got = draft_text(st, login);
	if (!want)
		ck_assert_msg(got == NULL, "a draft \"%s\" where none should be", got);
	else
		ck_assert_msg(got && strcmp(got, want) == 0, "draft \"%s\", not \"%s\"",
		              got ? got : "(none)", want);
	free(got);
}

static int
put_text(store *st, const char *login, struct store_draft_mark *m, const char *text)
{
	return store_draft_put(st, login, m, text, strlen(text));
}

START_TEST(test_draft_generation)
{
	struct db d = testdb_new("draft");
	store *st = d.st;
	struct store_draft_mark a, b, c, e, f;
	store_draft_mark_init(&a);
	store_draft_mark_init(&b);
	store_draft_mark_init(&c);
	store_draft_mark_init(&e);
	store_draft_mark_init(&f);
	ck_assert(a.owner && b.owner && a.owner != b.owner);
	draft_is(st, "wang", NULL);

	/* a writer keeps writing its own draft */
	ck_assert_int_eq(put_text(st, "wang", &a, "a1"), STORE_OK);
	ck_assert(a.held);
	ck_assert_int_eq(put_text(st, "wang", &a, "a2"), STORE_OK);
	draft_is(st, "wang", "a2");

	/* another session takes it back: the draft is its own now */
	void *data;
	size_t len;
	ck_assert_int_eq(store_draft_take(st, "wang", &b, &data, &len), STORE_OK);
	ck_assert_uint_eq(len, 2);
	ck_assert(memcmp(data, "a2", 2) == 0);
	free(data);
	ck_assert(b.held);
	ck_assert(b.gen != a.gen);
	/* the writer that wrote it first cannot write again, and its refused
	 * write commits nothing */
	uint64_t txn = store_last_txn(st);
	ck_assert_int_eq(put_text(st, "wang", &a, "a3"), STORE_CONFLICT);
	ck_assert_uint_eq(store_last_txn(st), txn);
	draft_is(st, "wang", "a2");
	/* a drop by one who does not own it leaves it */
	ck_assert_int_eq(store_draft_drop(st, "wang", &a), STORE_OK);
	draft_is(st, "wang", "a2");
	/* the taker writes on; saved, it is gone, and the old writer still
	 * cannot bring it back */
	ck_assert_int_eq(put_text(st, "wang", &b, "b1"), STORE_OK);
	ck_assert_int_eq(store_draft_drop(st, "wang", &b), STORE_OK);
	draft_is(st, "wang", NULL);
	ck_assert_int_eq(put_text(st, "wang", &a, "a4"), STORE_CONFLICT);
	draft_is(st, "wang", NULL);
	/* nothing left to take */
	ck_assert_int_eq(store_draft_take(st, "wang", &f, &data, &len), STORE_NOTFOUND);
	ck_assert_ptr_null(data);
	ck_assert(!f.held);

	/* a writer that had not written yet (a form begun since, or one whose
	 * link froze before its first draft) writes under the generation as
	 * it is */
	ck_assert_int_eq(put_text(st, "wang", &c, "c1"), STORE_OK);
	draft_is(st, "wang", "c1");
	ck_assert_int_eq(put_text(st, "wang", &a, "a5"), STORE_CONFLICT);
	/* thrown away: nobody who wrote before writes it again */
	ck_assert_int_eq(store_draft_discard(st, "wang"), STORE_OK);
	draft_is(st, "wang", NULL);
	ck_assert_int_eq(put_text(st, "wang", &c, "c2"), STORE_CONFLICT);
	ck_assert_int_eq(put_text(st, "wang", &b, "b2"), STORE_CONFLICT);
	draft_is(st, "wang", NULL);

	/* removed on a save elsewhere (store_draft_del): the generation stays,
	 * so its writer may keep it again */
	ck_assert_int_eq(put_text(st, "wang", &e, "e1"), STORE_OK);
	ck_assert_int_eq(store_draft_del(st, "wang"), STORE_OK);
	draft_is(st, "wang", NULL);
	ck_assert_int_eq(put_text(st, "wang", &e, "e2"), STORE_OK);
	draft_is(st, "wang", "e2");

	/* each login its own */
	struct store_draft_mark l;
	store_draft_mark_init(&l);
	ck_assert_int_eq(put_text(st, "li", &l, "l1"), STORE_OK);
	ck_assert_int_eq(store_draft_discard(st, "wang"), STORE_OK);
	draft_is(st, "li", "l1");
	ck_assert_int_eq(put_text(st, "li", &l, "l2"), STORE_OK);
	/* an empty draft is a draft */
	ck_assert_int_eq(put_text(st, "li", &l, ""), STORE_OK);
	draft_is(st, "li", "");
	testdb_free(&d);
}
END_TEST

/* A draft written by a program from before generations (its bytes alone,
 * the form's name first) is still offered, taken and thrown away. */
START_TEST(test_draft_old_format)
{
	char *dir = testdb_dir("draftold");
	store_close(testdb_open(dir));
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	ck_assert_int_eq(mdb_env_create(&env), 0);
	ck_assert_int_eq(mdb_env_set_maxdbs(env, 16), 0);
	ck_assert_int_eq(mdb_env_open(env, dir, 0, 0660), 0);
	ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, "draft", MDB_CREATE, &dbi), 0);
	static const char old[] = "resident\0\0" "0\0" "xyz";
	MDB_val k = {4, "wang"}, v = {sizeof old - 1, (void *)old};
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	ck_assert_int_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);

	store *st = testdb_open(dir);
	void *data;
	size_t len;
	ck_assert_int_eq(store_draft_get(st, "wang", &data, &len), STORE_OK);
	ck_assert_uint_eq(len, sizeof old - 1);
	ck_assert(memcmp(data, old, len) == 0);
	free(data);
	struct store_draft_mark m, w;
	store_draft_mark_init(&m);
	store_draft_mark_init(&w);
	ck_assert_int_eq(store_draft_take(st, "wang", &m, &data, &len), STORE_OK);
	ck_assert_uint_eq(len, sizeof old - 1);
	ck_assert(memcmp(data, old, len) == 0);
	free(data);
	ck_assert_int_eq(store_draft_discard(st, "wang"), STORE_OK);
	ck_assert_int_eq(store_draft_get(st, "wang", &data, &len), STORE_NOTFOUND);
	ck_assert_int_eq(put_text(st, "wang", &m, "m1"), STORE_CONFLICT);
	ck_assert_int_eq(put_text(st, "wang", &w, "w1"), STORE_OK);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* The rule between processes, as between two SSH sessions: a program
 * keeps its draft; another program takes it back and saves; the first
 * cannot write it again. */
START_TEST(test_draft_two_processes)
{
	char *dir = testdb_dir("draftproc");
	store_close(testdb_open(dir));
	int up[2], down[2];
	ck_assert_int_eq(pipe(up), 0);
	ck_assert_int_eq(pipe(down), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		store *st;
		int code = 10;
		struct store_draft_mark m;
		store_draft_mark_init(&m);
		char c = 0;
		if (store_open(&st, dir, 0) == STORE_OK) {
			code = put_text(st, "wang", &m, "first") == STORE_OK ? 0 : 11;
			if (write(up[1], "w", 1) != 1 || read(down[0], &c, 1) != 1)
				code = 12;
			else if (!code && put_text(st, "wang", &m, "first, more") != STORE_CONFLICT)
				code = 13;   /* wrote it again */
			store_close(st);
		}
		_exit(code);
	}
	close(up[1]);
	close(down[0]);
	char c;
	ck_assert_int_eq(read(up[0], &c, 1), 1);
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	struct store_draft_mark m;
	store_draft_mark_init(&m);
	void *data;
	size_t len;
	ck_assert_int_eq(store_draft_take(st, "wang", &m, &data, &len), STORE_OK);
	free(data);
	ck_assert_int_eq(store_draft_drop(st, "wang", &m), STORE_OK);
	ck_assert_int_eq(write(down[1], "t", 1), 1);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the first program: status %d",
	              status);
	draft_is(st, "wang", NULL);
	store_close(st);
	close(up[0]);
	close(down[1]);
	testdb_rm(dir);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("records");
	tcase_add_test(tc, test_record_roundtrip);
	tcase_add_test(tc, test_after_2038);
	tcase_add_test(tc, test_record_set_remove);
	tcase_add_test(tc, test_record_encode_bytes);
	tcase_add_test(tc, test_record_take);
	tcase_add_test(tc, test_record_dup_one_block);
	tcase_add_test(tc, test_record_decode_one_block);
	tcase_add_test(tc, test_record_decode_long_and_alike);
	tcase_add_test(tc, test_record_unsaved_encodes);
	tcase_add_test(tc, test_rec_id_text);
	tcase_add_test(tc, test_rec_id_format_as_printf);
	suite_add_tcase(s, tc);
	tc = tcase_create("store");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_open_missing);
	tcase_add_test(tc, test_hold_shares);
	tcase_add_test(tc, test_bad_lock_file);
	tcase_add_test(tc, test_drop_group_plain);
	tcase_add_test(tc, test_put_get_update);
	tcase_add_test(tc, test_view_any_order);
	tcase_add_test(tc, test_indexes_follow_updates);
	tcase_add_test(tc, test_all_or_nothing);
	tcase_add_test(tc, test_verify_and_repair);
	tcase_add_test(tc, test_village_counts);
	tcase_add_test(tc, test_index_layout);
	tcase_add_test(tc, test_status_entries);
	tcase_add_test(tc, test_newer_schema);
	tcase_add_test(tc, test_error_mapping);
	tcase_add_test(tc, test_no_permission);
	tcase_add_test(tc, test_map_grows);
	tcase_add_test(tc, test_map_limit);
	tcase_add_test(tc, test_map_limit_32bit);
	tcase_add_test(tc, test_map_grows_under_reader);
	tcase_add_test(tc, test_open_not_behind_writer);
	tcase_add_test(tc, test_concurrent_writers);
	tcase_add_test(tc, test_stale_readers_cleared);
	tcase_add_test(tc, test_orgunits);
	tcase_add_test(tc, test_demo);
	tcase_add_test(tc, test_hook_and_audit);
	tcase_add_test(tc, test_draft_generation);
	tcase_add_test(tc, test_draft_old_format);
	tcase_add_test(tc, test_draft_two_processes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(store_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
