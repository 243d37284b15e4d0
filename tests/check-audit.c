/* check-audit.c: unit tests of SHA-256 (the FIPS 180-4 examples) and of
 * the audit trail: every save, edit and delete logged with its versions,
 * exports, filters, and tampering with the LMDB table found at the right
 * entry. */
#include "config.h"

#include <check.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "testdb.h"
#include "record.h"
#include "sha256.h"
#include "store.h"

/* --- helpers ---------------------------------------------------------- */

static store *
open_audited(const char *dir)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_CREATE), STORE_OK);
	store_set_user(st, "tester");
	audit_attach(st);
	return st;
}

static record *
resident(const char *name)
{
	record *r = record_new(REC_RESIDENT);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(record_set(r, "name", name), 0);
	return r;
}

struct del_ctx {
	rec_id id;
	uint32_t version;
};

static int
del_txn(store_txn *t, void *ctx)
{
	struct del_ctx *d = ctx;
	return store_del(t, &d->id, d->version);
}

/* The entries a filter lets through, copied. */
struct got {
	struct audit_entry e[64];
	size_t n;
};

static int
collect(const struct audit_entry *e, void *ctx)
{
	struct got *g = ctx;
	ck_assert_uint_lt(g->n, 64);
	g->e[g->n++] = *e;
	return 0;
}

static size_t
count_where(store *st, const struct audit_filter *f)
{
	struct got g = {.n = 0};
	ck_assert_int_eq(audit_each(st, f, collect, &g), STORE_OK);
	return g.n;
}

/* A database with n records created (n entries). */
static char *
db_with_entries(int n)
{
	char *dir = testdb_dir("audit");
	store *st = open_audited(dir);
	for (int i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof name, "人%d", i);
		record *r = resident(name);
		ck_assert_int_eq(store_save(st, r), STORE_OK);
		record_free(r);
	}
	store_close(st);
	return dir;
}

/* Open the LMDB environment behind the store's back, as someone with a
 * hex editor or mdb_load would. */
struct raw {
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
};

static void
raw_open(struct raw *r, const char *dir, const char *dbi)
{
	ck_assert_int_eq(mdb_env_create(&r->env), 0);
	ck_assert_int_eq(mdb_env_set_maxdbs(r->env, 8), 0);
	ck_assert_int_eq(mdb_env_open(r->env, dir, 0, 0664), 0);
	ck_assert_int_eq(mdb_txn_begin(r->env, NULL, 0, &r->txn), 0);
	ck_assert_int_eq(mdb_dbi_open(r->txn, dbi, 0, &r->dbi), 0);
}

static void
raw_close(struct raw *r)
{
	ck_assert_int_eq(mdb_txn_commit(r->txn), 0);
	mdb_env_close(r->env);
}

static void
key_of(unsigned char k[8], uint64_t n)
{
	for (int i = 0; i < 8; i++)
		k[i] = (unsigned char)(n >> (56 - 8 * i));
}

/* Rewrite entry n through edit(bytes, len). */
static void
raw_edit(const char *dir, uint64_t n, void (*edit)(unsigned char *p, size_t len))
{
	struct raw r;
	unsigned char kb[8];
	raw_open(&r, dir, "audit");
	key_of(kb, n);
	MDB_val k = {8, kb}, d;
	ck_assert_int_eq(mdb_get(r.txn, r.dbi, &k, &d), 0);
	unsigned char *copy = malloc(d.mv_size);
	memcpy(copy, d.mv_data, d.mv_size);
	edit(copy, d.mv_size);
	d.mv_data = copy;
	ck_assert_int_eq(mdb_put(r.txn, r.dbi, &k, &d, 0), 0);
	raw_close(&r);
	free(copy);
}

static void
raw_delete(const char *dir, uint64_t n)
{
	struct raw r;
	unsigned char kb[8];
	raw_open(&r, dir, "audit");
	key_of(kb, n);
	MDB_val k = {8, kb};
	ck_assert_int_eq(mdb_del(r.txn, r.dbi, &k, NULL), 0);
	raw_close(&r);
}

/* Verify and return the entry found wrong (0 = whole). */
static uint64_t
verify(const char *dir, size_t *entries, char *why, size_t whysize)
{
	store *st;
	uint64_t bad;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	ck_assert_int_eq(audit_verify(st, entries, &bad, why, whysize), STORE_OK);
	store_close(st);
	return bad;
}

static void
hexof(const unsigned char *h, char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* --- SHA-256 ------------------------------------------------------------ */

START_TEST(test_sha256_vectors)
{
	/* FIPS 180-2 appendix B / the NIST examples for SHA-256 */
	static const struct {
		const char *msg, *hex;
	} v[] = {
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
		{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
		 "klmnopqrlmnopqrsmnopqrstnopqrstu",
		 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
	};
	unsigned char h[32];
	char hex[65];
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		sha256(v[i].msg, strlen(v[i].msg), h);
		hexof(h, hex);
		ck_assert_str_eq(hex, v[i].hex);
	}
	/* a million "a", in pieces of uneven lengths: many blocks a piece
	 * (the SHA-NI path where the processor has it), part blocks between */
	static char a[1000000];
	memset(a, 'a', sizeof a);
	struct sha256 s;
	sha256_init(&s);
	for (size_t off = 0, step = 1; off < sizeof a; off += step, step = step * 3 % 9973 + 1)
		sha256_update(&s, a + off, step < sizeof a - off ? step : sizeof a - off);
	sha256_final(&s, h);
	hexof(h, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	sha256(a, sizeof a, h);
	hexof(h, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* RFC 4231 test cases 1, 2 and 6 (a key longer than a block) */
START_TEST(test_hmac_sha256_vectors)
{
	unsigned char k1[20], k6[131], h[32];
	memset(k1, 0x0b, sizeof k1);
	memset(k6, 0xaa, sizeof k6);
	char hex[65];
	hmac_sha256(k1, sizeof k1, "Hi There", 8, h);
	hexof(h, hex);
	ck_assert_str_eq(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, h);
	hexof(h, hex);
	ck_assert_str_eq(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
	hmac_sha256(k6, sizeof k6, m6, strlen(m6), h);
	hexof(h, hex);
	ck_assert_str_eq(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	unsigned char g[32];
	memcpy(g, h, sizeof g);
	ck_assert(sha256_equal(g, h));
	g[31] ^= 1;
	ck_assert(!sha256_equal(g, h));
}
END_TEST

START_TEST(test_sha256_million_a)
{
	static const char want[] =
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	char *a = malloc(1000000);
	memset(a, 'a', 1000000);
	unsigned char h[32];
	char hex[65];
	sha256(a, 1000000, h);
	hexof(h, hex);
	ck_assert_str_eq(hex, want);
	/* in pieces that straddle the 64-byte blocks: the same digest */
	struct sha256 s;
	sha256_init(&s);
	for (size_t off = 0, step = 1; off < 1000000; off += step, step = step % 97 + 1)
		sha256_update(&s, a + off, off + step > 1000000 ? 1000000 - off : step);
	sha256_final(&s, h);
	hexof(h, hex);
	ck_assert_str_eq(hex, want);
	free(a);
}
END_TEST

START_TEST(test_sha256_padding_edges)
{
	/* 55, 56, 63, 64 bytes: one block of padding or two; pieces or one
	 * call agree */
	char msg[130];
	memset(msg, 'x', sizeof msg);
	for (size_t n = 50; n < sizeof msg; n++) {
		unsigned char one[32], two[32];
		sha256(msg, n, one);
		struct sha256 s;
		sha256_init(&s);
		sha256_update(&s, msg, n / 3);
		sha256_update(&s, msg + n / 3, n - n / 3);
		sha256_final(&s, two);
		ck_assert_mem_eq(one, two, 32);
	}
	unsigned char h[32];
	char hex[65];
	/* 64 bytes of 'a' (a well-known digest) */
	memset(msg, 'a', 64);
	sha256(msg, 64, h);
	hexof(h, hex);
	ck_assert_str_eq(hex, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}
END_TEST

/* --- logging ------------------------------------------------------------ */

START_TEST(test_changes_logged)
{
	char *dir = testdb_dir("audit");
	store *st = open_audited(dir);
	record *r = resident("张三丰");
	char id[REC_ID_TEXTMAX];
	ck_assert_int_eq(store_save(st, r), STORE_OK);
	rec_id_format(&r->id, id);
	ck_assert_int_eq(record_set(r, "phone", "13800000000"), 0);
	ck_assert_int_eq(store_save(st, r), STORE_OK);
	ck_assert_int_eq(store_save(st, r), STORE_OK);
	/* a save that fails logs nothing */
	r->version = 1;
	ck_assert_int_eq(store_save(st, r), STORE_CONFLICT);
	struct del_ctx d = {r->id, 3};
	ck_assert_int_eq(store_write(st, del_txn, &d), STORE_OK);

	struct got g = {.n = 0};
	ck_assert_int_eq(audit_each(st, NULL, collect, &g), STORE_OK);
	ck_assert_uint_eq(g.n, 4);
	static const struct {
		const char *action;
		uint32_t before, after;
	} want[] = {{"create", 0, 1}, {"edit", 1, 2}, {"edit", 2, 3}, {"delete", 3, 0}};
	time_t now = time(NULL);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_uint_eq(g.e[i].seq, i + 1);
		ck_assert_str_eq(g.e[i].action, want[i].action);
		ck_assert_uint_eq(g.e[i].v_before, want[i].before);
		ck_assert_uint_eq(g.e[i].v_after, want[i].after);
		ck_assert_str_eq(g.e[i].who, "tester");
		ck_assert_str_eq(g.e[i].record, id);
		ck_assert_int_le(g.e[i].at, (int64_t)now);
		ck_assert_int_ge(g.e[i].at, (int64_t)now - 60);
	}
	/* the chain: each entry links to the one before */
	unsigned char zero[32] = {0};
	ck_assert_mem_eq(g.e[0].prev, zero, 32);
	for (size_t i = 1; i < 4; i++)
		ck_assert_mem_eq(g.e[i].prev, g.e[i - 1].hash, 32);
	record_free(r);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

START_TEST(test_unattached_not_logged)
{
	char *dir = testdb_dir("audit");
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_CREATE), STORE_OK);
	record *r = resident("李四");
	ck_assert_int_eq(store_save(st, r), STORE_OK);
	ck_assert_uint_eq(count_where(st, NULL), 0);
	audit_attach(st);
	ck_assert_int_eq(store_save(st, r), STORE_OK);
	ck_assert_uint_eq(count_where(st, NULL), 1);
	record_free(r);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

START_TEST(test_log_now)
{
	char *dir = testdb_dir("audit");
	store *st = open_audited(dir);
	record *r = resident("王五");
	ck_assert_int_eq(store_save(st, r), STORE_OK);
	ck_assert_int_eq(audit_log_now(st, "export", &r->id, "certificate"), STORE_OK);
	ck_assert_int_eq(audit_log_now(st, "export", NULL, NULL), STORE_OK);
	/* a note longer than an entry keeps is cut on a character boundary */
	char note[400] = "";
	for (int i = 0; i < 100; i++)
		strcat(note, "长");
	ck_assert_int_eq(audit_log_now(st, "export", NULL, note), STORE_OK);
	struct got g = {.n = 0};
	ck_assert_int_eq(audit_each(st, NULL, collect, &g), STORE_OK);
	ck_assert_uint_eq(g.n, 4);
	char id[REC_ID_TEXTMAX];
	ck_assert_str_eq(g.e[1].action, "export");
	ck_assert_str_eq(g.e[1].record, rec_id_format(&r->id, id));
	ck_assert_str_eq(g.e[1].note, "certificate");
	ck_assert_uint_eq(g.e[1].v_before, 0);
	ck_assert_uint_eq(g.e[1].v_after, 0);
	ck_assert_str_eq(g.e[2].record, "");
	ck_assert_str_eq(g.e[2].note, "");
	ck_assert_uint_eq(strlen(g.e[3].note), 255);  /* 85 characters of 3 bytes */
	ck_assert_int_eq(strncmp(g.e[3].note, note, 255), 0);
	/* a read-only handle cannot log */
	store *ro;
	ck_assert_int_eq(store_open(&ro, dir, STORE_RDONLY), STORE_OK);
	ck_assert_int_ne(audit_log_now(ro, "export", NULL, NULL), STORE_OK);
	store_close(ro);
	record_free(r);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

START_TEST(test_verify_whole)
{
	char *dir = db_with_entries(5);
	char why[512];
	size_t n;
	ck_assert_uint_eq(verify(dir, &n, why, sizeof why), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(why, "");
	testdb_rm(dir);
	/* an empty trail is whole */
	dir = testdb_dir("audit");
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_CREATE), STORE_OK);
	store_close(st);
	ck_assert_uint_eq(verify(dir, &n, why, sizeof why), 0);
	ck_assert_uint_eq(n, 0);
	testdb_rm(dir);
}
END_TEST

/* --- tampering ------------------------------------------------------------ */

/* a byte inside the entry (its time stamp), its hash left as it was */
static void
flip_time(unsigned char *p, size_t len)
{
	(void)len;
	p[15] ^= 0x01;
}

/* the time stamp changed, and the entry's hash made to match */
static void
flip_and_rehash(unsigned char *p, size_t len)
{
	flip_time(p, len);
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, p + len - 64, 32);
	sha256_update(&s, p, len - 32);
	sha256_final(&s, p + len - 32);
}

START_TEST(test_tamper_byte)
{
	char *dir = db_with_entries(5);
	char why[512];
	size_t n;
	raw_edit(dir, 3, flip_time);
	ck_assert_uint_eq(verify(dir, &n, why, sizeof why), 3);
	ck_assert_uint_eq(n, 5);
	ck_assert_ptr_nonnull(strstr(why, "entry 3 "));
	ck_assert_ptr_nonnull(strstr(why, "changed"));
	ck_assert_ptr_nonnull(strstr(why, "supervisor"));
	/* audit_each lists it as it now reads */
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	ck_assert_uint_eq(count_where(st, NULL), 5);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

START_TEST(test_tamper_rehashed)
{
	/* a forger who recomputes the hash breaks the next entry's link */
	char *dir = db_with_entries(5);
	char why[512];
	size_t n;
	raw_edit(dir, 2, flip_and_rehash);
	ck_assert_uint_eq(verify(dir, &n, why, sizeof why), 3);
	ck_assert_ptr_nonnull(strstr(why, "does not follow"));
	testdb_rm(dir);
	/* ... and the last entry's, the head */
	dir = db_with_entries(5);
	raw_edit(dir, 5, flip_and_rehash);
	ck_assert_uint_eq(verify(dir, &n, why, sizeof why), 5);
	ck_assert_ptr_nonnull(strstr(why, "replaced"));
	testdb_rm(dir);
}
END_TEST

START_TEST(test_tamper_remove_middle)
{
	char *dir = db_with_entries(5);
	char why[512];
	size_t n;
	raw_delete(dir, 3);
	ck_assert_uint_eq(verify(dir, &n, why, sizeof why), 3);
	ck_assert_uint_eq(n, 4);
	ck_assert_ptr_nonnull(strstr(why, "entry 3 is missing"));
	testdb_rm(dir);
	dir = db_with_entries(6);
	raw_delete(dir, 2);
	raw_delete(dir, 3);
	ck_assert_uint_eq(verify(dir, &n, why, sizeof why), 2);
	ck_assert_ptr_nonnull(strstr(why, "2 to 3"));
	testdb_rm(dir);
}
END_TEST

START_TEST(test_tamper_remove_last)
{
	char *dir = db_with_entries(5);
	char why[512];
	size_t n;
	raw_delete(dir, 5);
	ck_assert_uint_eq(verify(dir, &n, why, sizeof why), 5);
	ck_assert_uint_eq(n, 4);
	ck_assert_ptr_nonnull(strstr(why, "entry 5, the last one, is missing"));
	/* the next change does not hide the cut: its entry 5 follows no entry 4 */
	store *st = open_audited(dir);
	record *r = resident("赵六");
	ck_assert_int_eq(store_save(st, r), STORE_OK);
	record_free(r);
	store_close(st);
	ck_assert_uint_eq(verify(dir, &n, why, sizeof why), 5);
	ck_assert_uint_eq(n, 5);
	ck_assert_ptr_nonnull(strstr(why, "does not follow"));
	testdb_rm(dir);
}
END_TEST

START_TEST(test_tamper_head)
{
	char *dir = db_with_entries(3);
	char why[512];
	size_t n;
	struct raw r;
	raw_open(&r, dir, "meta");
	MDB_val k = {strlen("x/audit_head"), "x/audit_head"};
	ck_assert_int_eq(mdb_del(r.txn, r.dbi, &k, NULL), 0);
	raw_close(&r);
	ck_assert_uint_eq(verify(dir, &n, why, sizeof why), 3);
	ck_assert_ptr_nonnull(strstr(why, "head is missing"));
	testdb_rm(dir);
	/* all entries gone, the head left: the cut is found */
	dir = db_with_entries(2);
	raw_delete(dir, 1);
	raw_delete(dir, 2);
	ck_assert_uint_eq(verify(dir, &n, why, sizeof why), 1);
	ck_assert_uint_eq(n, 0);
	testdb_rm(dir);
}
END_TEST

/* --- filters ------------------------------------------------------------ */

START_TEST(test_filters)
{
	char *dir = testdb_dir("audit");
	store *st = open_audited(dir);
	record *a = resident("甲"), *b = resident("乙");
	ck_assert_int_eq(store_save(st, a), STORE_OK);
	store_set_user(st, "other");
	ck_assert_int_eq(store_save(st, b), STORE_OK);
	ck_assert_int_eq(store_save(st, a), STORE_OK);
	char ida[REC_ID_TEXTMAX], idb[REC_ID_TEXTMAX];
	rec_id_format(&a->id, ida);
	rec_id_format(&b->id, idb);

	ck_assert_uint_eq(count_where(st, &(struct audit_filter){.who = "tester"}), 1);
	ck_assert_uint_eq(count_where(st, &(struct audit_filter){.who = "other"}), 2);
	ck_assert_uint_eq(count_where(st, &(struct audit_filter){.who = "nobody"}), 0);
	ck_assert_uint_eq(count_where(st, &(struct audit_filter){.record = ida}), 2);
	ck_assert_uint_eq(count_where(st, &(struct audit_filter){.record = idb}), 1);
	ck_assert_uint_eq(count_where(st, &(struct audit_filter){.who = "other", .record = ida}), 1);

	char today[16], yesterday[16], tomorrow[16];
	time_t now = time(NULL), y = now - 86400, t = now + 86400;
	struct tm tm;
	strftime(today, sizeof today, "%Y-%m-%d", localtime_r(&now, &tm));
	strftime(yesterday, sizeof yesterday, "%Y-%m-%d", localtime_r(&y, &tm));
	strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", localtime_r(&t, &tm));
	ck_assert_uint_eq(count_where(st, &(struct audit_filter){.since = today, .until = today}), 3);
	ck_assert_uint_eq(count_where(st, &(struct audit_filter){.since = yesterday}), 3);
	ck_assert_uint_eq(count_where(st, &(struct audit_filter){.since = tomorrow}), 0);
	ck_assert_uint_eq(count_where(st, &(struct audit_filter){.until = yesterday}), 0);
	struct got g = {.n = 0};
	ck_assert_int_eq(audit_each(st, &(struct audit_filter){.since = "2026-1-1"}, collect, &g),
	                 STORE_INVALID);
	record_free(a);
	record_free(b);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

static int
stop_at_two(const struct audit_entry *e, void *ctx)
{
	(void)ctx;
	return e->seq == 2 ? STORE_STOP : 0;
}

START_TEST(test_each_stops)
{
	char *dir = db_with_entries(4);
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	ck_assert_int_eq(audit_each(st, NULL, stop_at_two, NULL), STORE_STOP);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

static Suite *
audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("sha256");
	tcase_add_test(tc, test_sha256_vectors);
	tcase_add_test(tc, test_hmac_sha256_vectors);
	tcase_add_test(tc, test_sha256_million_a);
	tcase_add_test(tc, test_sha256_padding_edges);
	suite_add_tcase(s, tc);
	tc = tcase_create("trail");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_changes_logged);
	tcase_add_test(tc, test_unattached_not_logged);
	tcase_add_test(tc, test_log_now);
	tcase_add_test(tc, test_verify_whole);
	tcase_add_test(tc, test_tamper_byte);
	tcase_add_test(tc, test_tamper_rehashed);
	tcase_add_test(tc, test_tamper_remove_middle);
	tcase_add_test(tc, test_tamper_remove_last);
	tcase_add_test(tc, test_tamper_head);
	tcase_add_test(tc, test_filters);
	tcase_add_test(tc, test_each_stops);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(audit_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
