/* check-sync.c: the store-and-forward exchange (sync.c) between two real
 * LMDB databases in one test, a township server's and a village PC's
 * that joins it, through exchange files: the change log below it; the
 * join (units and accounts come down); a referral made on the village PC
 * reaching the township, accepted and resolved there, the feedback and
 * the need's status coming back; the same file twice; files damaged, cut
 * short, from a stranger, leaving a gap, carrying another village's
 * records; two sides stepping one referral at once (merged the same way
 * on both, a notice for the step that cannot stand, settled); the owner's
 * version winning, with what was changed elsewhere kept in a notice. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "orgunit.h"
#include "paths.h"
#include "refer.h"
#include "scope.h"
#include "sha256.h"
#include "shown.h"
#include "sync.h"
#include "testdb.h"
#include "valid.h"
#include "xfile.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct db town, vpc;
static struct scope *panlian, *admin_t, *anning_t, *guabang_t, *dudao_t, *anning_v;
static char anning_unit[REC_ID_TEXTMAX], guabang_unit[REC_ID_TEXTMAX];

static int
units_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	static const struct {
		const char *code, *name;
	} units[] = {
		{"510421", "米易县"}, {"510421100", "攀莲镇"}, {"510421100001", "安宁村"},
		{"510421100002", "挂榜村"},
	};
	static const struct {
		const char *login, *name;
		int role;
		const char *unit;
	} workers[] = {
		{"anning", "李红梅", ROLE_VILLAGE, "510421100001"},
		{"guabang", "张建国", ROLE_VILLAGE, "510421100002"},
		{"panlian", "杨社工", ROLE_TOWNSHIP, "510421100"},
		{"dudao", "周督导", ROLE_SUPERVISOR, "510421"},
		{"admin", "管理员", ROLE_ADMIN, "510421"},
	};
	rec_id id;
	for (size_t i = 0; i < NELEM(units); i++) {
		int err = orgunit_add(t, units[i].code, units[i].name, &id);
		if (err)
			return err;
		if (i == 2)
			rec_id_format(&id, anning_unit);
		if (i == 3)
			rec_id_format(&id, guabang_unit);
	}
	for (size_t i = 0; i < NELEM(workers); i++) {
		int err = worker_add(t, workers[i].login, workers[i].name, workers[i].role,
		                     workers[i].unit, NULL);
		if (err)
			return err;
	}
	return 0;
}

/* Work on d as sc. */
static store *
on(struct db *d, const struct scope *sc)
{
	scope_attach(d->st, sc);
	store_set_user(d->st, sc ? sc->login : "tester");
	return d->st;
}

/* Write the file for the other side on from (as sc, for unit) and apply
 * it on to (as tsc); returns the apply's error. */
static int
pass(struct db *from, const struct scope *sc, const char *unit, struct db *to,
     const struct scope *tsc, struct sync_stats *got, char *why, size_t whysize)
{
	unsigned char *buf;
	size_t len;
	struct sync_stats out;
	char w[512];
	int err = sync_make(on(from, sc), sc, unit, 0, &buf, &len, &out, NULL, NULL, w, sizeof w);
	ck_assert_msg(err == 0, "the file could not be made: %s", w);
	struct sync_stats dummy;
	char w2[512];
	err = sync_apply(on(to, tsc), tsc, buf, len, got ? got : &dummy, NULL, NULL,
	                 why ? why : w2, why ? whysize : sizeof w2);
	if (err && !why && getenv("XCHG_DEBUG"))
		fprintf(stderr, "apply: %s\n", w2);
	free(buf);
	return err;
}

static void
setup(void)
{
	town = testdb_new("sync-town");
	vpc = testdb_new("sync-vpc");
	audit_attach(town.st);
	audit_attach(vpc.st);
	ck_assert_int_eq(store_write(town.st, units_txn, NULL), STORE_OK);
	ck_assert_int_eq(scope_load_now(town.st, "panlian", &panlian), 0);
	ck_assert_int_eq(scope_load_now(town.st, "admin", &admin_t), 0);
	ck_assert_int_eq(scope_load_now(town.st, "anning", &anning_t), 0);
	ck_assert_int_eq(scope_load_now(town.st, "guabang", &guabang_t), 0);
	ck_assert_int_eq(scope_load_now(town.st, "dudao", &dudao_t), 0);
	/* the village PC joins: an empty database takes the township's file */
	struct sync_stats s;
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &vpc, NULL, &s, NULL, 0), 0);
	ck_assert_uint_eq(s.applied, 4 + 5);
	ck_assert_int_eq(scope_load_now(vpc.st, "anning", &anning_v), 0);
}

static void
teardown(void)
{
	struct scope **all[] = {&panlian, &admin_t, &anning_t, &guabang_t, &dudao_t, &anning_v};
	for (size_t i = 0; i < NELEM(all); i++) {
		scope_free(*all[i]);
		*all[i] = NULL;
	}
	scope_attach(town.st, NULL);
	scope_attach(vpc.st, NULL);
	testdb_free(&town);
	testdb_free(&vpc);
}

static int
put_txn(store_txn *t, void *ctx)
{
	return store_put(t, ctx);
}

/* A new record of kind on d as sc with the fields given in pairs. */
static rec_id
make(struct db *d, const struct scope *sc, int kind, const char *const *kv)
{
	record *r = record_new(kind);
	for (; *kv; kv += 2)
		record_set(r, kv[0], kv[1]);
	ck_assert_int_eq(store_write(on(d, sc), put_txn, r), STORE_OK);
	rec_id id = r->id;
	record_free(r);
	return id;
}

struct get_ctx {
	rec_id id;
	record *r;
};

static int
get_txn(store_txn *t, void *ctx)
{
	struct get_ctx *g = ctx;
	store_txn_trust(t, true);
	return store_get(t, &g->id, &g->r);
}

/* The record on d, or NULL. */
static record *
fetch(struct db *d, const rec_id *id)
{
	struct get_ctx g = {*id, NULL};
	int err = store_read(d->st, get_txn, &g);
	ck_assert(err == 0 || err == STORE_NOTFOUND);
	return g.r;
}

static void
assert_field(struct db *d, const rec_id *id, const char *field, const char *want)
{
	record *r = fetch(d, id);
	ck_assert_msg(r != NULL, "the record is not there");
	const char *v = record_get(r, field);
	ck_assert_msg(v && strcmp(v, want) == 0, "%s is \"%s\", wanted \"%s\"", field,
	              v ? v : "(none)", want);
	record_free(r);
}

static int
census_txn(store_txn *t, void *ctx)
{
	size_t *n = ctx;
	*n = 0;
	for (int k = 1; k <= REC_PROJECT; k++) {
		size_t c;
		int err = store_count(t, k, &c);
		if (err)
			return err;
		*n += c;
	}
	return 0;
}

static size_t
records(struct db *d)
{
	size_t n;
	ck_assert_int_eq(store_read(d->st, census_txn, &n), 0);
	return n;
}

static size_t
open_notices(struct db *d)
{
	struct sync_notice *v;
	size_t n;
	ck_assert_int_eq(sync_notices(d->st, NULL, false, &v, &n), 0);
	sync_notices_free(v, n);
	return n;
}

struct key_ctx {
	unsigned char key[SYNC_KEYLEN];
	bool have;
};

static int
key_txn(store_txn *t, void *ctx)
{
	struct key_ctx *k = ctx;
	void *d;
	size_t n;
	int err = store_meta_get(t, "sync/key", &d, &n);
	if (err)
		return err;
	if (n == SYNC_KEYLEN) {
		memcpy(k->key, d, n);
		k->have = true;
	}
	free(d);
	return 0;
}

/* The village PC's exchange key, which its worker can read. */
static void
pc_key(struct db *d, unsigned char key[SYNC_KEYLEN])
{
	struct key_ctx k = {{0}, false};
	ck_assert_int_eq(store_read(d->st, key_txn, &k), 0);
	ck_assert(k.have);
	memcpy(key, k.key, SYNC_KEYLEN);
}

/* The village PC's next file to the township, taken apart. */
static void
vpc_file(struct xfile *x)
{
	unsigned char *buf;
	size_t len;
	ck_assert_int_eq(sync_make(on(&vpc, anning_v), anning_v, NULL, 0, &buf, &len, NULL, NULL,
	                           NULL, NULL, 0), 0);
	xfile_parse(buf, len, x);
	free(buf);
}

/* x put together sealed with 安宁村's key and applied on the township as
 * its worker. */
static int
forge_apply(struct xfile *x, char *why, size_t whysize)
{
	unsigned char key[SYNC_KEYLEN];
	pc_key(&vpc, key);
	size_t len;
	unsigned char *buf = xfile_build(x, key, &len);
	struct sync_stats s;
	int err = sync_apply(on(&town, panlian), panlian, buf, len, &s, NULL, NULL, why, whysize);
	free(buf);
	return err;
}

/* A resident and a need of 安宁村 made on the village PC, and a referral
 * of them submitted there. */
static void
village_case(rec_id *res, rec_id *need, rec_id *ref)
{
	const char *r[] = {"name", "王𠈌明", "sex", "m", "village", anning_unit, NULL};
	*res = make(&vpc, anning_v, REC_RESIDENT, r);
	char rid[REC_ID_TEXTMAX];
	rec_id_format(res, rid);
	const char *n[] = {"who", "resident", "resident", rid, "village", anning_unit,
	                   "date", "2026-11-20", "description", "独居，需要上门照护",
	                   "status", "open", NULL};
	*need = make(&vpc, anning_v, REC_NEED, n);
	char nid[REC_ID_TEXTMAX];
	rec_id_format(need, nid);
	const char *needs[] = {nid};
	struct refer_new in = {rid, needs, 1, "elderly", "urgent", "独居老人无人照料", "已走访两次",
	                       "13800000000", true, NULL, NULL};
	char why[256];
	ck_assert_msg(refer_create(on(&vpc, anning_v), anning_v, &in, true, ref, why, sizeof why) == 0,
	              "%s", why);
}

START_TEST(test_change_log)
{
	const char *a[] = {"name", "甲", "village", anning_unit, NULL};
	const char *b[] = {"name", "乙", "village", anning_unit, NULL};
	rec_id ida = make(&vpc, anning_v, REC_RESIDENT, a);
	rec_id idb = make(&vpc, anning_v, REC_RESIDENT, b);
	record *r = fetch(&vpc, &ida);
	record_set(r, "name", "甲二");
	ck_assert_int_eq(store_write(on(&vpc, anning_v), put_txn, r), 0);
	record_free(r);
	struct sync_status s;
	ck_assert_int_eq(sync_status(vpc.st, anning_v, &s), 0);
	ck_assert_uint_eq(s.pending, 2);   /* two records, however often changed */
	ck_assert(s.upstream != 0);
	sync_status_free(&s);
	(void)idb;
}
END_TEST

START_TEST(test_round_trip)
{
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	struct sync_stats s;
	size_t before = records(&town);
	/* up: the resident, the need and the referral */
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	ck_assert_uint_eq(s.received, 3);
	ck_assert_uint_eq(s.applied, 3);
	ck_assert_uint_eq(records(&town), before + 3);
	assert_field(&town, &res, "name", "王𠈌明");
	assert_field(&town, &ref, "status", "submitted");
	struct refer_row *rows;
	size_t n;
	ck_assert_int_eq(refer_list(on(&town, panlian), panlian, REFER_INBOX, "2026-11-29", &rows, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(rec_id_equal(&rows[0].r->id, &ref));
	refer_rows_free(rows, n);
	/* the township answers */
	char why[512];
	ck_assert_msg(refer_act(on(&town, panlian), panlian, &ref, REFA_ACCEPT, NULL, NULL, why,
	                        sizeof why) == 0, "%s", why);
	struct refer_act_in ri = {"", REFO_SUCCESS, "已安排志愿者每周上门两次", 0, NULL};
	ck_assert_msg(refer_act(on(&town, panlian), panlian, &ref, REFA_RESOLVE, &ri, NULL, why,
	                        sizeof why) == 0, "%s", why);
	/* down: the feedback, and the need follows on the village PC */
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &vpc, anning_v, &s, NULL, 0), 0);
	ck_assert_uint_eq(s.merged, 1);
	assert_field(&vpc, &ref, "status", "resolved");
	assert_field(&vpc, &ref, "feedback", "已安排志愿者每周上门两次");
	assert_field(&vpc, &need, "status", "met");
	/* up again: the need's new version; the township's copy (which its
	 * own step changed) takes it without a notice */
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	assert_field(&town, &need, "status", "met");
	ck_assert_uint_eq(open_notices(&town), 0);
	ck_assert_uint_eq(open_notices(&vpc), 0);
	/* the village closes it; the township sees it closed */
	ck_assert_msg(refer_act(on(&vpc, anning_v), anning_v, &ref, REFA_CLOSE, NULL, NULL, why,
	                        sizeof why) == 0, "%s", why);
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	assert_field(&town, &ref, "status", "closed");
	/* both histories the same */
	record *a = fetch(&town, &ref), *b = fetch(&vpc, &ref);
	ck_assert_str_eq(record_get(a, "_history"), record_get(b, "_history"));
	record_free(a);
	record_free(b);
	/* and then nothing is waiting either way */
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &vpc, anning_v, &s, NULL, 0), 0);
	struct sync_status st;
	ck_assert_int_eq(sync_status(vpc.st, anning_v, &st), 0);
	ck_assert_uint_eq(st.pending, 0);
	ck_assert_uint_eq(st.npeers, 1);
	ck_assert(st.peers[0].last > 0);
	sync_status_free(&st);
}
END_TEST

static int
count_action(const struct audit_entry *e, void *ctx)
{
	void **c = ctx;
	if (strcmp(e->action, c[0]) == 0)
		(*(size_t *)c[1])++;
	return 0;
}

static size_t
audited(struct db *d, const char *action)
{
	size_t n = 0;
	void *c[2] = {(void *)action, &n};
	ck_assert_int_eq(audit_each(d->st, NULL, count_action, c), 0);
	return n;
}

START_TEST(test_same_file_twice)
{
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	unsigned char *buf;
	size_t len;
	ck_assert_int_eq(sync_make(on(&vpc, anning_v), anning_v, NULL, 0, &buf, &len, NULL, NULL,
	                           NULL, NULL, 0), 0);
	struct sync_stats s;
	char why[256];
	ck_assert_int_eq(sync_apply(on(&town, panlian), panlian, buf, len, &s, NULL, NULL, why,
	                            sizeof why), 0);
	ck_assert_uint_eq(s.applied, 3);
	size_t n = records(&town), syncs = audited(&town, "sync");
	ck_assert_int_eq(sync_apply(town.st, panlian, buf, len, &s, NULL, NULL, why, sizeof why), 0);
	ck_assert(s.already);
	ck_assert_uint_eq(s.applied, 0);
	ck_assert_uint_eq(records(&town), n);
	ck_assert_uint_eq(audited(&town, "sync"), syncs + 1);   /* logged, nothing else */
	/* a later file carrying the same records again: all already here */
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	ck_assert_uint_eq(s.applied, 0);
	ck_assert_uint_eq(records(&town), n);
	ck_assert_uint_ge(audited(&vpc, "sync-out"), 2);
	free(buf);
}
END_TEST

START_TEST(test_damaged_refused)
{
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	unsigned char *buf;
	size_t len;
	ck_assert_int_eq(sync_make(on(&vpc, anning_v), anning_v, NULL, 0, &buf, &len, NULL, NULL,
	                           NULL, NULL, 0), 0);
	size_t n = records(&town), entries = audited(&town, "sync");
	char why[512];
	struct sync_stats s;
	/* one byte changed in the middle */
	buf[len / 2] ^= 0x20;
	ck_assert_int_eq(sync_apply(on(&town, panlian), panlian, buf, len, &s, NULL, NULL, why,
	                            sizeof why), SYNC_ERR_DAMAGED);
	ck_assert_msg(strstr(why, "damaged") != NULL, "the message: %s", why);
	buf[len / 2] ^= 0x20;
	/* cut short, at any length */
	for (size_t cut = 0; cut < len; cut += len / 7 + 1)
		ck_assert_int_eq(sync_apply(town.st, panlian, buf, cut, &s, NULL, NULL, why, sizeof why),
		                 SYNC_ERR_DAMAGED);
	ck_assert_uint_eq(records(&town), n);
	ck_assert_uint_eq(audited(&town, "sync"), entries);
	/* whole again, it is taken */
	ck_assert_int_eq(sync_apply(town.st, panlian, buf, len, &s, NULL, NULL, why, sizeof why), 0);
	ck_assert_uint_eq(records(&town), n + 3);
	free(buf);
}
END_TEST

START_TEST(test_refusals)
{
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	unsigned char *buf;
	size_t len;
	char why[512];
	struct sync_stats s;
	ck_assert_int_eq(sync_make(on(&vpc, anning_v), anning_v, NULL, 0, &buf, &len, NULL, NULL,
	                           NULL, NULL, 0), 0);
	size_t n = records(&town);
	/* its own file back */
	ck_assert_int_eq(sync_apply(vpc.st, anning_v, buf, len, &s, NULL, NULL, why, sizeof why),
	                 SYNC_ERR_OWN);
	/* another village's worker, a supervisor */
	ck_assert_int_eq(sync_apply(on(&town, guabang_t), guabang_t, buf, len, &s, NULL, NULL, why,
	                            sizeof why), SYNC_ERR_UNIT);
	ck_assert_int_eq(sync_apply(on(&town, dudao_t), dudao_t, buf, len, &s, NULL, NULL, why,
	                            sizeof why), SYNC_ERR_ROLE);
	ck_assert_uint_eq(records(&town), n);
	free(buf);
	/* a file made on the township for the village, taken by a database
	 * that is not that village's PC: a stranger's file */
	struct db other = testdb_new("sync-other");
	audit_attach(other.st);
	ck_assert_int_eq(pass(&town, panlian, "510421100002", &other, NULL, &s, NULL, 0), 0);
	struct scope *guabang_o;
	ck_assert_int_eq(scope_load_now(other.st, "guabang", &guabang_o), 0);
	ck_assert_int_eq(pass(&other, guabang_o, NULL, &vpc, anning_v, &s, why, sizeof why),
	                 SYNC_ERR_NOTFORUS);
	scope_attach(other.st, NULL);
	scope_free(guabang_o);
	testdb_free(&other);
	/* a village PC's file whose records were made another village's (a
	 * file tampered with, its checksum made again): refused whole, with
	 * the record named */
	ck_assert_int_eq(sync_make(on(&vpc, anning_v), anning_v, NULL, 0, &buf, &len, NULL, NULL,
	                           NULL, NULL, 0), 0);
	ck_assert_uint_eq(strlen(anning_unit), strlen(guabang_unit));
	size_t swapped = 0;
	/* the records' village, not the header's (the first) */
	unsigned char *p = memmem(buf, len, anning_unit, strlen(anning_unit));
	ck_assert_ptr_nonnull(p);
	for (p++; (p = memmem(p, len - (size_t)(p - buf), anning_unit, strlen(anning_unit))) != NULL;
	     p++, swapped++)
		memcpy(p, guabang_unit, strlen(guabang_unit));
	ck_assert_uint_ge(swapped, 3);
	/* sealed again with 安宁村's key, which its worker can read */
	struct xfile x;
	sha256(buf, len - SHA256_LEN, buf + len - SHA256_LEN);
	xfile_parse(buf, len, &x);
	free(buf);
	buf = NULL;
	ck_assert_int_eq(forge_apply(&x, why, sizeof why), STORE_DENIED);
	xfile_free(&x);
	ck_assert_msg(strstr(why, "may not change") != NULL, "the message names the record: %s", why);
	free(buf);
	ck_assert_uint_eq(records(&town), n);
}
END_TEST

/* A record of version 0 in a file is damage: refused, and nothing of it
 * kept (it leaked before: run under valgrind or LeakSanitizer). */
START_TEST(test_version0_refused)
{
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	struct xfile x;
	vpc_file(&x);
	ck_assert_uint_eq(x.n, 3);
	x.recs[0]->version = 0;
	size_t n = records(&town);
	char why[512];
	ck_assert_int_eq(forge_apply(&x, why, sizeof why), SYNC_ERR_DAMAGED);
	ck_assert_msg(strstr(why, "damaged") != NULL, "the message: %s", why);
	ck_assert_uint_eq(records(&town), n);
	xfile_free(&x);
}
END_TEST

static int
unkey_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	return store_meta_put(t, "sync/key", "", 0);
}

/* A file is bound to the village whose PC wrote it: 安宁村's worker, who
 * holds 安宁村's key and can read every site in every record id, cannot
 * write a file the township takes as 挂榜村's, sealed or not; 挂榜村's
 * PC goes on exchanging.  A PC without a key (joined before the seal) is
 * taken from its own worker (the ssh login), and seals once it has taken
 * the township's next file. */
START_TEST(test_forged_village)
{
	struct sync_stats s;
	char why[512];
	struct db gpc = testdb_new("sync-gpc");
	audit_attach(gpc.st);
	ck_assert_int_eq(pass(&town, panlian, "510421100002", &gpc, NULL, &s, NULL, 0), 0);
	struct scope *guabang_g;
	ck_assert_int_eq(scope_load_now(gpc.st, "guabang", &guabang_g), 0);
	ck_assert_int_eq(pass(&gpc, guabang_g, NULL, &town, panlian, &s, NULL, 0), 0);
	const char *g[] = {"name", "赵桂兰", "sex", "f", "village", guabang_unit, NULL};
	rec_id gres = make(&gpc, guabang_g, REC_RESIDENT, g);
	/* 安宁村's worker writes a file that says it is 挂榜村's PC's, with a
	 * resident of 挂榜村 and a far-off change number */
	unsigned char *gbuf;
	size_t glen;
	ck_assert_int_eq(sync_make(on(&gpc, guabang_g), guabang_g, NULL, 0, &gbuf, &glen, NULL, NULL,
	                           NULL, NULL, 0), 0);
	struct sync_header gh;
	ck_assert_int_eq(sync_read_header(gbuf, glen, &gh), 0);
	struct xfile x;
	vpc_file(&x);
	memcpy(x.fixed + 20, gbuf + 20, 8);   /* 挂榜村's PC's site */
	for (int i = 0; i < 8; i++)
		x.fixed[20 + 8 + 8 + 8 + i] = 0xff;   /* top: every change number */
	snprintf(x.text[0], sizeof x.text[0], "%s", guabang_unit);
	const char *f[] = {"name", "赵桂兰", "sex", "m", "village", guabang_unit, NULL};
	record *fr = record_new(REC_RESIDENT);
	for (const char *const *kv = f; *kv; kv += 2)
		record_set(fr, kv[0], kv[1]);
	fr->id = gres;
	fr->version = 9;
	xfile_add(&x, fr);
	size_t n = records(&town), syncs = audited(&town, "sync");
	ck_assert_int_eq(forge_apply(&x, why, sizeof why), SYNC_ERR_SEAL);
	ck_assert_msg(strstr(why, "not sealed with the key") != NULL, "the message: %s", why);
	size_t len;
	unsigned char *buf = xfile_build(&x, NULL, &len);
	ck_assert_int_eq(sync_apply(on(&town, panlian), panlian, buf, len, &s, NULL, NULL, why,
	                            sizeof why), SYNC_ERR_SEAL);
	free(buf);
	/* nor as 安宁村's worker over ssh: not their village */
	buf = xfile_build(&x, NULL, &len);
	ck_assert_int_eq(sync_apply(on(&town, anning_t), anning_t, buf, len, &s, NULL, NULL, why,
	                            sizeof why), SYNC_ERR_UNIT);
	free(buf);
	xfile_free(&x);
	ck_assert_uint_eq(records(&town), n);
	ck_assert_uint_eq(audited(&town, "sync"), syncs);
	/* 挂榜村's real file is taken whole afterwards */
	ck_assert_int_eq(sync_apply(on(&town, panlian), panlian, gbuf, glen, &s, NULL, NULL, why,
	                            sizeof why), 0);
	ck_assert(!s.already);
	ck_assert_uint_eq(s.applied, 1);
	assert_field(&town, &gres, "sex", "f");
	free(gbuf);
	scope_attach(gpc.st, NULL);
	scope_free(guabang_g);
	testdb_free(&gpc);
	paths_use_db_forms(vpc.dir);   /* the forms gpc's join put in force went with it */
	/* a PC without a key: its file only from its own worker's login */
	ck_assert_int_eq(store_write(vpc.st, unkey_txn, NULL), 0);
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, why, sizeof why),
	                 SYNC_ERR_SEAL);
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, anning_t, &s, why, sizeof why), 0);
	ck_assert_uint_eq(s.applied, 3);
	/* the township's next file gives the key again; then sealed files */
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &vpc, anning_v, &s, NULL, 0), 0);
	const char *a[] = {"name", "钱多多", "sex", "m", "village", anning_unit, NULL};
	make(&vpc, anning_v, REC_RESIDENT, a);
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, why, sizeof why), 0);
}
END_TEST

/* The entry of x for id. */
static record *
xfile_rec(struct xfile *x, const rec_id *id)
{
	for (size_t i = 0; i < x->n; i++)
		if (rec_id_equal(&x->ids[i], id))
			return x->recs[i];
	ck_assert_msg(0, "the record is not in the file");
	return NULL;
}

/* Forge one change on 安宁村's next file (sealed with its own key, as its
 * worker can) and check the township refuses it whole, naming why. */
static void
refused_because(void (*change)(struct xfile *, void *), void *ctx, const char *want)
{
	struct xfile x;
	vpc_file(&x);
	change(&x, ctx);
	size_t n = records(&town), syncs = audited(&town, "sync");
	char why[1024];
	int err = forge_apply(&x, why, sizeof why);
	xfile_free(&x);
	ck_assert_msg(err == SYNC_ERR_FORGED, "taken (%d): %s, wanted \"%s\"", err, why, want);
	ck_assert_msg(strstr(why, want) != NULL, "the message: %s, wanted \"%s\"", why, want);
	ck_assert_uint_eq(records(&town), n);
	ck_assert_uint_eq(audited(&town, "sync"), syncs);
}

struct forgery {
	rec_id id;
	const char *field, *value;
};

static void
set_field(struct xfile *x, void *ctx)
{
	struct forgery *f = ctx;
	record_set(xfile_rec(x, &f->id), f->field, f->value);
}

static void
add_steps(struct xfile *x, void *ctx)
{
	struct forgery *f = ctx;
	record *r = xfile_rec(x, &f->id);
	char *h = NULL;
	ck_assert(asprintf(&h, "%s\n%s", record_get(r, "_history"), f->value) > 0);
	record_set(r, "_history", h);
	if (f->field)
		record_set(r, "status", f->field);
	free(h);
}

static void
set_version(struct xfile *x, void *ctx)
{
	struct forgery *f = ctx;
	xfile_rec(x, &f->id)->version = UINT32_MAX;
}

/* a new record whose id names the township's own site, at the top seq */
static void
add_township_id(struct xfile *x, void *ctx)
{
	(void)ctx;
	record *r = record_dup(x->recs[0]);
	r->id.site = store_site(town.st);
	r->id.seq = UINT64_MAX;
	xfile_add(x, r);
}

/* a new record made (it says) on another database than the PC */
static void
add_other_site(struct xfile *x, void *ctx)
{
	(void)ctx;
	record *r = record_dup(x->recs[0]);
	r->id.site ^= 0x5a5a;
	xfile_add(x, r);
}

static void
many_fields(struct xfile *x, void *ctx)
{
	(void)ctx;
	record *r = x->recs[0];
	for (int i = 0; i < 40000; i++) {
		char name[16];
		snprintf(name, sizeof name, "f%d", i);
		record_set(r, name, "x");
	}
}

static void
long_history(struct xfile *x, void *ctx)
{
	struct forgery *f = ctx;
	record *r = xfile_rec(x, &f->id);
	size_t len = 0;
	char *h = NULL;
	FILE *m = open_memstream(&h, &len);
	fputs(record_get(r, "_history"), m);
	for (int i = 0; i < 2000; i++)
		fprintf(m, "\n2026-11-20 09:%02d\tanning\tedit\t%d", i % 60, i);
	fclose(m);
	record_set(r, "_history", h);
	free(h);
}

/* What 安宁村's worker can write into a file sealed with their own key
 * but could not type: each refused whole, the record and the reason
 * named, nothing taken; the real file is taken afterwards. */
START_TEST(test_forged_content)
{
	struct sync_stats s;
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	/* a resident and a need of 挂榜村 on the township */
	char idnum[19] = "51042119500315002";
	idnum[17] = valid_id_checkchar(idnum);
	idnum[18] = '\0';
	const char *g[] = {"name", "赵桂兰", "sex", "f", "idnum", idnum, "village", guabang_unit,
	                   NULL};
	rec_id gres = make(&town, admin_t, REC_RESIDENT, g);
	char gid[REC_ID_TEXTMAX];
	rec_id_format(&gres, gid);
	const char *gn[] = {"who", "resident", "resident", gid, "village", guabang_unit,
	                    "date", "2026-11-20", "description", "行动不便", "status", "open", NULL};
	rec_id gneed = make(&town, admin_t, REC_NEED, gn);
	char gnid[REC_ID_TEXTMAX], nid[REC_ID_TEXTMAX];
	rec_id_format(&gneed, gnid);
	rec_id_format(&need, nid);
	char both[2 * REC_ID_TEXTMAX + 2];
	snprintf(both, sizeof both, "%s,%s", nid, gnid);
	/* 挂榜村's need on 安宁村's referral (its steps would change it) */
	struct forgery f1 = {ref, "needs", both};
	refused_because(set_field, &f1, "which is not its village's");
	/* the referral arriving closed, through station steps */
	struct forgery f2 = {ref, "closed",
	                     "2026-11-21 09:00\tpanlian\taccept\t\n"
	                     "2026-11-21 09:10\tpanlian\tresolve\tsuccess: 已解决\n"
	                     "2026-11-21 09:20\tanning\tclose\t"};
	refused_because(add_steps, &f2, "a step the village may not take");
	/* a state its steps do not make */
	struct forgery f3 = {ref, "status", "closed"};
	refused_because(set_field, &f3, "does not follow from its steps");
	/* counters: a version, a slip number and an id at their top */
	struct forgery f4 = {ref, NULL, NULL};
	refused_because(set_version, &f4, "version number is out of range");
	struct forgery f5 = {ref, "number", "ZJ-510421100001-2026-18446744073709551615"};
	refused_because(set_field, &f5, "slip number");
	struct forgery f5b = {ref, "number", "ZJ-510421100-2026-999999"};
	refused_because(set_field, &f5b, "slip number is not its village's");
	refused_because(add_township_id, NULL, "made on this database");
	refused_because(add_other_site, NULL, "another database");
	/* the form's checks: an ID number that is not one, one of another
	 * village's residents, control characters */
	struct forgery f6 = {res, "idnum", "123"};
	refused_because(set_field, &f6, "idnum:");
	struct forgery f7 = {res, "idnum", idnum};
	refused_because(set_field, &f7, "registered already");
	struct forgery f8 = {res, "name", "王\x1b[2J明"};
	refused_because(set_field, &f8, "name:");
	/* bounds: fields and history lines */
	refused_because(many_fields, NULL, "more fields than any form");
	struct forgery f9 = {ref, NULL, NULL};
	refused_because(long_history, &f9, "history is longer");
	/* the real file is taken */
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	ck_assert_uint_eq(s.applied, 3);
	assert_field(&town, &gneed, "status", "open");
	/* once the referral is at the township, the village's copy cannot
	 * take the station's steps for it either */
	char why[512];
	struct refer_act_in wi = {"补充材料", 0, NULL, 0, NULL};
	(void)wi;
	struct forgery f10 = {ref, NULL,
	                      "2026-11-22 09:00\tpanlian\taccept\t\n"
	                      "2026-11-22 09:10\tpanlian\tresolve\tsuccess: 已解决"};
	ck_assert_msg(refer_act(on(&vpc, anning_v), anning_v, &ref, REFA_WITHDRAW, &wi, NULL, why,
	                        sizeof why) == 0, "%s", why);
	refused_because(add_steps, &f10, "a step the village may not take");
	assert_field(&town, &ref, "status", "submitted");
}
END_TEST

struct notice_put {
	const rec_id *id;
	const char *text;
	const char *tag;   /* NULL: "r1" */
};

static int
notice_put_txn(store_txn *t, void *ctx)
{
	const struct notice_put *np = ctx;
	char name[112], idt[REC_ID_TEXTMAX], *v = NULL;
	snprintf(name, sizeof name, "sync/notice/%s/%s", rec_id_format(np->id, idt),
	         np->tag ? np->tag : "r1");
	int n = asprintf(&v, "open\t1764000000\treplaced\t%s", np->text);
	ck_assert_int_gt(n, 0);
	int err = store_meta_put(t, name, v, (size_t)n);
	free(v);
	return err;
}

/* Notices and the peers of `sync --status` are shown to a worker only as
 * far as their scope reaches: 安宁村's worker on the township neither
 * reads nor settles a notice about 挂榜村's resident, nor sees 挂榜村's
 * PC. */
START_TEST(test_notices_in_scope)
{
	struct sync_stats s;
	char why[512];
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	const char *g[] = {"name", "赵桂兰", "sex", "f", "village", guabang_unit, NULL};
	rec_id gres = make(&town, admin_t, REC_RESIDENT, g);
	struct notice_put a = {&res, "phone: 13800000000", NULL},
	                  b = {&gres, "phone: 13900000000", NULL};
	ck_assert_int_eq(store_write(town.st, notice_put_txn, &a), 0);
	ck_assert_int_eq(store_write(town.st, notice_put_txn, &b), 0);
	struct sync_notice *v;
	size_t n;
	ck_assert_int_eq(sync_notices(on(&town, anning_t), NULL, false, &v, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(strstr(v[0].text, "13800000000") != NULL);
	char gkey[sizeof v[0].key];
	sync_notices_free(v, n);
	ck_assert_int_eq(sync_notices(on(&town, panlian), NULL, true, &v, &n), 0);
	ck_assert_uint_eq(n, 2);
	snprintf(gkey, sizeof gkey, "%s", strstr(v[0].text, "139") ? v[0].key : v[1].key);
	sync_notices_free(v, n);
	/* settling 挂榜村's by its name: refused, and it stays open */
	ck_assert_int_eq(sync_notice_settle_key(on(&town, anning_t), gkey, "看过了", why, sizeof why),
	                 STORE_DENIED);
	ck_assert_msg(strstr(why, "do not look after") != NULL, "the message: %s", why);
	/* by number: 1 is 安宁村's own */
	ck_assert_int_eq(sync_notice_settle(on(&town, anning_t), 1, "已核实", why, sizeof why), 0);
	ck_assert_int_eq(sync_notice_settle(on(&town, anning_t), 1, "", why, sizeof why),
	                 STORE_NOTFOUND);
	ck_assert_int_eq(sync_notices(on(&town, panlian), NULL, false, &v, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].key, gkey);
	sync_notices_free(v, n);
	/* the status: 安宁村's PC to its worker, to 挂榜村's none */
	struct sync_status st;
	ck_assert_int_eq(sync_status(on(&town, guabang_t), guabang_t, &st), 0);
	ck_assert_uint_eq(st.npeers, 0);
	ck_assert_uint_eq(st.open_notices, 1);
	sync_status_free(&st);
	ck_assert_int_eq(sync_status(on(&town, anning_t), anning_t, &st), 0);
	ck_assert_uint_eq(st.npeers, 1);
	ck_assert_uint_eq(st.open_notices, 0);
	sync_status_free(&st);
	ck_assert_int_eq(sync_status(on(&town, panlian), panlian, &st), 0);
	ck_assert_uint_eq(st.npeers, 1);
	ck_assert_uint_eq(st.open_notices, 1);
	sync_status_free(&st);
}
END_TEST

/* Input is bounded: a file past SYNC_MAX_BYTES is refused before it is
 * read, and an endless stdin to `sync --serve` (1 GiB was held before)
 * is read no further than the bound. */
START_TEST(test_too_big)
{
	char *dir = testdb_dir("sync-big"), *path = NULL;
	ck_assert(asprintf(&path, "%s/big.exchange", dir) > 0);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ftruncate(fileno(f), (off_t)SYNC_MAX_BYTES + 1), 0);
	fclose(f);
	unsigned char *buf = NULL;
	size_t len = 0;
	ck_assert_int_eq(sync_file_read(path, &buf, &len), EFBIG);
	ck_assert_ptr_null(buf);
	free(path);
	testdb_rm(dir);
	int in = open("/dev/zero", O_RDONLY), out = open("/dev/null", O_WRONLY);
	ck_assert(in >= 0 && out >= 0);
	struct sync_stats a, b;
	char why[512];
	size_t n = records(&town);
	ck_assert_int_eq(sync_serve(on(&town, anning_t), anning_t, in, out, &a, &b, why, sizeof why),
	                 SYNC_ERR_TOOBIG);
	ck_assert_msg(strstr(why, "larger than any exchange file") != NULL, "the message: %s", why);
	ck_assert_uint_eq(records(&town), n);
	close(in);
	close(out);
}
END_TEST

static void
set_stamps(struct xfile *x, void *ctx)
{
	(void)ctx;
	for (size_t i = 0; i < x->n; i++) {
		free(x->recs[i]->created_by);
		free(x->recs[i]->updated_by);
		x->recs[i]->created_by = strdup("admin");
		x->recs[i]->updated_by = strdup("admin");
		x->recs[i]->created_at = x->recs[i]->updated_at = 1;
	}
}

struct from_ctx {
	const rec_id *id;
	char *v;
};

static int
from_txn(store_txn *t, void *ctx)
{
	struct from_ctx *f = ctx;
	char name[96], idt[REC_ID_TEXTMAX];
	snprintf(name, sizeof name, "sync/from/%s", rec_id_format(f->id, idt));
	void *d;
	size_t n;
	int err = store_meta_get(t, name, &d, &n);
	if (!err) {
		f->v = strndup(d, n);
		free(d);
	}
	return err;
}

/* Stamps and authors on the township are its own (the worker who took
 * the file, then): a file saying the administrator made a record in 1970
 * is taken with the taker's, and what the file said is kept beside. */
START_TEST(test_stamps_taker)
{
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	struct xfile x;
	vpc_file(&x);
	set_stamps(&x, NULL);
	char why[512];
	ck_assert_msg(forge_apply(&x, why, sizeof why) == 0, "%s", why);
	xfile_free(&x);
	record *r = fetch(&town, &res);
	ck_assert_str_eq(r->created_by, "panlian");
	ck_assert_str_eq(r->updated_by, "panlian");
	ck_assert(r->created_at > 1000000000 && r->updated_at > 1000000000);
	record_free(r);
	r = fetch(&town, &ref);
	ck_assert_str_eq(r->created_by, "panlian");
	record_free(r);
	struct from_ctx f = {&res, NULL};
	ck_assert_int_eq(store_read(town.st, from_txn, &f), 0);
	ck_assert_msg(strstr(f.v, "created_by=admin\ncreated_at=1\n") != NULL, "kept: %s", f.v);
	free(f.v);
}
END_TEST

static int
slip_txn(store_txn *t, void *ctx)
{
	store_txn_trust(t, true);
	int err = store_put_copy(t, ctx);
	store_txn_trust(t, false);
	return err;
}

static void
count_report(const char *msg, void *ctx)
{
	(void)msg;
	(*(size_t *)ctx)++;
}

/* `shegong check` finds what a file might have slipped past the checks:
 * a referral closed without the steps, naming another village's need,
 * with a slip number at the top, and a record at the top version. */
START_TEST(test_verify_finds)
{
	struct sync_stats s;
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	size_t faults = 1, lines = 0;
	ck_assert_int_eq(sync_verify(on(&town, panlian), &faults, count_report, &lines), 0);
	ck_assert_uint_eq(faults, 0);
	ck_assert_int_eq(sync_verify(on(&vpc, anning_v), &faults, NULL, NULL), 0);
	ck_assert_uint_eq(faults, 0);
	const char *g[] = {"name", "赵桂兰", "sex", "f", "village", guabang_unit, NULL};
	rec_id gres = make(&town, admin_t, REC_RESIDENT, g);
	char gid[REC_ID_TEXTMAX], nid[REC_ID_TEXTMAX], both[2 * REC_ID_TEXTMAX + 2];
	rec_id_format(&gres, gid);
	const char *gn[] = {"who", "resident", "resident", gid, "village", guabang_unit,
	                    "date", "2026-11-20", "description", "行动不便", "status", "open", NULL};
	rec_id gneed = make(&town, admin_t, REC_NEED, gn);
	rec_id_format(&need, nid);
	rec_id_format(&gneed, both);
	snprintf(both + strlen(both), sizeof both - strlen(both), ",%s", nid);
	record *r = fetch(&town, &ref);
	record_set(r, "needs", both);
	record_set(r, "status", "closed");
	record_set(r, "number", "ZJ-510421100001-2026-18446744073709551615");
	r->version = UINT32_MAX;
	ck_assert_int_eq(store_write(town.st, slip_txn, r), 0);
	record_free(r);
	lines = 0;
	ck_assert_int_eq(sync_verify(on(&town, panlian), &faults, count_report, &lines), 0);
	ck_assert_uint_eq(faults, 4);
	ck_assert_uint_eq(lines, 4);
	/* 安宁村's worker sees the referral, and the need they may not read */
	ck_assert_int_eq(sync_verify(on(&town, anning_t), &faults, NULL, NULL), 0);
	ck_assert_uint_eq(faults, 4);
	/* 挂榜村's sees none of it */
	ck_assert_int_eq(sync_verify(on(&town, guabang_t), &faults, NULL, NULL), 0);
	ck_assert_uint_eq(faults, 0);
}
END_TEST

/* The other way: a township's file on the village PC takes only the
 * station's steps on the village's referral (a "close", the village's
 * step, written into it is refused). */
START_TEST(test_forged_township_steps)
{
	struct sync_stats s;
	char why[1024];
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	ck_assert_msg(refer_act(on(&town, panlian), panlian, &ref, REFA_ACCEPT, NULL, NULL, why,
	                        sizeof why) == 0, "%s", why);
	unsigned char *buf;
	size_t len;
	ck_assert_int_eq(sync_make(on(&town, panlian), panlian, "510421100001", 0, &buf, &len, NULL,
	                           NULL, NULL, NULL, 0), 0);
	struct xfile x;
	xfile_parse(buf, len, &x);
	free(buf);
	record *r = NULL;
	for (size_t i = 0; i < x.n; i++)
		if (rec_id_equal(&x.ids[i], &ref))
			r = x.recs[i];
	ck_assert_ptr_nonnull(r);
	char *h = NULL;
	ck_assert(asprintf(&h, "%s\n2026-12-01 10:00\tpanlian\tclose\t", record_get(r, "_history")) > 0);
	record_set(r, "_history", h);
	free(h);
	unsigned char key[SYNC_KEYLEN];
	pc_key(&vpc, key);
	buf = xfile_build(&x, key, &len);
	xfile_free(&x);
	ck_assert_int_eq(sync_apply(on(&vpc, anning_v), anning_v, buf, len, &s, NULL, NULL, why,
	                            sizeof why), SYNC_ERR_FORGED);
	ck_assert_msg(strstr(why, "a step the township may not take") != NULL, "the message: %s",
	              why);
	free(buf);
	assert_field(&vpc, &ref, "status", "submitted");
	/* the real one is taken */
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &vpc, anning_v, &s, NULL, 0), 0);
	assert_field(&vpc, &ref, "status", "accepted");
}
END_TEST

/* every history line of the referral f->id taken, it says, by f->value */
static void
set_login(struct xfile *x, void *ctx)
{
	struct forgery *f = ctx;
	record *r = xfile_rec(x, &f->id);
	const char *h = record_get(r, "_history");
	char *out = malloc(strlen(h) * 4 + 64), *p = out;
	for (const char *q = h; *q;) {
		const char *tab = strstr(q, "\tanning\t");
		size_t k = tab ? (size_t)(tab - q) : strlen(q);
		memcpy(p, q, k);
		p += k;
		q += k;
		if (tab) {
			p += sprintf(p, "\t%s\t", f->value);
			q += strlen("\tanning\t");
		}
	}
	*p = '\0';
	record_set(r, "_history", out);
	free(out);
}

/* h with the first from made "\tLOGIN\taccept". */
static char *
replaced(const char *h, const char *from, const char *login)
{
	const char *at = strstr(h, from);
	ck_assert_ptr_nonnull(at);
	char *out = NULL;
	ck_assert(asprintf(&out, "%.*s\t%s\taccept%s", (int)(at - h), h, login, at + strlen(from)) > 0);
	return out;
}

static int
rename_txn(store_txn *t, void *ctx)
{
	record *w = NULL;
	int err = worker_by_login(t, ctx, &w);
	if (!err && !(err = record_set(w, "name", "杨新社工") ? STORE_NOMEM : 0))
		err = store_put(t, w);
	record_free(w);
	return err;
}

static int
add_worker_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	return worker_add(t, "panlian2", "新社工", ROLE_TOWNSHIP, "510421100", NULL);
}

/* The steps in a file are taken by the workers of the side that sends
 * it, as the database taking it knows its accounts: a step of 安宁村's
 * in the name of 挂榜村's worker, the township's, the supervisor, the
 * administrator or nobody known is refused, naming the line; the other
 * way, a station step in the name of a village worker.  A station
 * worker whose account came down in the same file (after the referral,
 * since it changed later) is known; the administrator acting for the
 * station is the station's side. */
START_TEST(test_forged_logins)
{
	struct sync_stats s;
	char why[1024];
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	static const char *const logins[] = {"guabang", "panlian", "dudao", "admin", "nobody",
	                                     "anning2"};
	for (size_t i = 0; i < NELEM(logins); i++) {
		struct forgery f = {ref, NULL, logins[i]};
		refused_because(set_login, &f, "not a worker of the village");
	}
	struct forgery f = {ref, NULL, "guabang"};
	refused_because(set_login, &f, "guabang create");
	/* its own worker's steps are taken */
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	assert_field(&town, &ref, "status", "submitted");
	/* a new station worker accepts it, then their account changes: the
	 * account comes down after the referral, and is known all the same */
	ck_assert_int_eq(store_write(on(&town, NULL), add_worker_txn, NULL), 0);
	struct scope *p2;
	ck_assert_int_eq(scope_load_now(town.st, "panlian2", &p2), 0);
	ck_assert_msg(refer_act(on(&town, p2), p2, &ref, REFA_ACCEPT, NULL, NULL, why,
	                        sizeof why) == 0, "%s", why);
	ck_assert_int_eq(store_write(on(&town, NULL), rename_txn, "panlian2"), 0);
	/* first a forged one: the station's step in 安宁村's worker's name */
	unsigned char *buf;
	size_t len;
	ck_assert_int_eq(sync_make(on(&town, panlian), panlian, "510421100001", 0, &buf, &len, NULL,
	                           NULL, NULL, NULL, 0), 0);
	struct xfile x;
	xfile_parse(buf, len, &x);
	free(buf);
	record *r = xfile_rec(&x, &ref);
	char *real = strdup(record_get(r, "_history"));
	unsigned char key[SYNC_KEYLEN];
	pc_key(&vpc, key);
	static const char *const steppers[] = {"anning", "guabang", "dudao", "nobody"};
	for (size_t i = 0; i < NELEM(steppers); i++) {
		char *h = replaced(real, "\tpanlian2\taccept", steppers[i]);
		record_set(r, "_history", h);
		free(h);
		buf = xfile_build(&x, key, &len);
		ck_assert_int_eq(sync_apply(on(&vpc, anning_v), anning_v, buf, len, &s, NULL, NULL, why,
		                            sizeof why), SYNC_ERR_FORGED);
		char line[64];
		snprintf(line, sizeof line, " %s accept", steppers[i]);
		ck_assert_msg(strstr(why, "not a worker of the township's side") != NULL &&
		                  strstr(why, line) != NULL,
		              "the message: %s", why);
		free(buf);
	}
	free(real);
	xfile_free(&x);
	assert_field(&vpc, &ref, "status", "submitted");
	/* the real file: panlian2's account comes after the referral in it */
	ck_assert_msg(pass(&town, panlian, "510421100001", &vpc, anning_v, &s, why, sizeof why) == 0,
	              "refused: %s", why);
	assert_field(&vpc, &ref, "status", "accepted");
	/* the administrator starts it for the station: taken on the PC */
	ck_assert_msg(refer_act(on(&town, admin_t), admin_t, &ref, REFA_START, NULL, NULL, why,
	                        sizeof why) == 0, "%s", why);
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &vpc, anning_v, &s, why, sizeof why),
	                 0);
	assert_field(&vpc, &ref, "status", "in_progress");
	scope_attach(town.st, NULL);
	scope_free(p2);
}
END_TEST

START_TEST(test_gap_refused)
{
	struct sync_stats s;
	char why[512];
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	/* a backup of the village PC now */
	char *bdir = testdb_dir("sync-backup"), *bfile = NULL, *rdir = NULL;
	ck_assert(asprintf(&bfile, "%s/vpc.backup", bdir) > 0 && asprintf(&rdir, "%s/db", bdir) > 0);
	struct store_backup_info bi;
	ck_assert_int_eq(store_backup(vpc.st, bfile, &bi), 0);
	/* then the two sides go on exchanging */
	ck_assert_msg(refer_act(on(&town, panlian), panlian, &ref, REFA_ACCEPT, NULL, NULL, why,
	                        sizeof why) == 0, "%s", why);
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &vpc, anning_v, &s, NULL, 0), 0);
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	ck_assert_msg(refer_act(on(&town, panlian), panlian, &ref, REFA_START, NULL, NULL, why,
	                        sizeof why) == 0, "%s", why);
	/* the PC, restored from that backup, never had the file in between:
	 * the next one would leave a gap */
	char *staged = NULL, *kept = NULL;
	bool made;
	ck_assert_int_eq(store_restore_stage(bfile, rdir, &staged, &made), 0);
	ck_assert_int_eq(store_restore_commit(rdir, staged, &kept), 0);
	free(staged);
	free(kept);
	struct db old = {rdir, NULL};
	ck_assert_int_eq(store_open(&old.st, rdir, 0), 0);
	audit_attach(old.st);
	struct scope *anning_o;
	ck_assert_int_eq(scope_load_now(old.st, "anning", &anning_o), 0);
	size_t n = records(&old);
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &old, anning_o, &s, why, sizeof why),
	                 SYNC_ERR_GAP);
	ck_assert_msg(strstr(why, "earlier") != NULL, "the message: %s", why);
	ck_assert_uint_eq(records(&old), n);
	assert_field(&old, &ref, "status", "submitted");
	scope_attach(old.st, NULL);
	scope_free(anning_o);
	store_close(old.st);
	free(rdir);
	free(bfile);
	testdb_rm(bdir);
	/* the village PC, which had it, takes it */
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &vpc, anning_v, &s, NULL, 0), 0);
	assert_field(&vpc, &ref, "status", "in_progress");
}
END_TEST

START_TEST(test_steps_at_once)
{
	struct sync_stats s;
	char why[512];
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	/* offline, the village withdraws while the township accepts */
	struct refer_act_in wi = {"家属已自行安排", 0, NULL, 0, NULL};
	ck_assert_msg(refer_act(on(&vpc, anning_v), anning_v, &ref, REFA_WITHDRAW, &wi, NULL, why,
	                        sizeof why) == 0, "%s", why);
	ck_assert_msg(refer_act(on(&town, panlian), panlian, &ref, REFA_ACCEPT, NULL, NULL, why,
	                        sizeof why) == 0, "%s", why);
	/* the exchange, both ways */
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	ck_assert_uint_eq(s.merged, 1);
	ck_assert_uint_eq(s.notices, 1);
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &vpc, anning_v, &s, NULL, 0), 0);
	ck_assert_uint_eq(s.notices, 1);
	/* the same referral on both sides: one of the two steps stands */
	record *a = fetch(&town, &ref), *b = fetch(&vpc, &ref);
	ck_assert_str_eq(record_get(a, "status"), record_get(b, "status"));
	ck_assert_str_eq(record_get(a, "_history"), record_get(b, "_history"));
	const char *st = record_get(a, "status");
	ck_assert_msg(strcmp(st, "withdrawn") == 0 || strcmp(st, "accepted") == 0, "status %s", st);
	/* the fields of the step that stands, not of the one refused */
	if (strcmp(st, "withdrawn") == 0)
		ck_assert_msg(!record_get(a, "accepted") && !record_get(b, "accepted"),
		              "withdrawn, yet an acceptance date");
	else
		ck_assert(record_get(a, "accepted") && record_get(b, "accepted"));
	ck_assert(strstr(record_get(a, "_history"), "\twithdraw\t") != NULL);
	ck_assert(strstr(record_get(a, "_history"), "\taccept\t") != NULL);
	record_free(a);
	record_free(b);
	/* the notice, on each side, until a worker settles it */
	ck_assert_uint_eq(open_notices(&vpc), 1);
	ck_assert_uint_eq(open_notices(&town), 1);
	struct sync_notice *v;
	size_t n;
	ck_assert_int_eq(sync_notices(vpc.st, NULL, false, &v, &n), 0);
	ck_assert_str_eq(v[0].what, "step");
	ck_assert(strstr(v[0].text, "could no longer be taken") != NULL);
	sync_notices_free(v, n);
	ck_assert_int_eq(sync_notice_settle(on(&vpc, anning_v), 1, "已电话联系镇社工站", why, sizeof why), 0);
	ck_assert_uint_eq(open_notices(&vpc), 0);
	ck_assert_uint_eq(audited(&vpc, "sync-settle"), 1);
	ck_assert_int_eq(sync_notices(vpc.st, NULL, true, &v, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(!v[0].open);
	ck_assert(strstr(v[0].text, "已电话联系镇社工站") != NULL);
	sync_notices_free(v, n);
	/* exchanging again brings no new notice */
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &vpc, anning_v, &s, NULL, 0), 0);
	ck_assert_uint_eq(open_notices(&vpc), 0);
	ck_assert_int_eq(sync_notice_settle(vpc.st, 1, "", why, sizeof why), STORE_NOTFOUND);
	/* settled by its name: once only, the second worker is told */
	ck_assert_int_eq(sync_notices(town.st, NULL, false, &v, &n), 0);
	ck_assert_uint_eq(n, 1);
	char key[sizeof v[0].key];
	snprintf(key, sizeof key, "%s", v[0].key);
	sync_notices_free(v, n);
	ck_assert_int_eq(sync_notice_settle_key(on(&town, panlian), key, "镇里已处理", why, sizeof why), 0);
	ck_assert_int_eq(sync_notice_settle_key(town.st, key, "又一次", why, sizeof why), STORE_NOTFOUND);
	ck_assert_msg(strstr(why, "settled already") != NULL, "the message: %s", why);
	ck_assert_uint_eq(open_notices(&town), 0);
	ck_assert_uint_eq(audited(&town, "sync-settle"), 1);
	/* a step kept in the history but not taken is no fault for check */
	size_t faults = 1;
	ck_assert_int_eq(sync_verify(on(&town, panlian), &faults, NULL, NULL), 0);
	ck_assert_uint_eq(faults, 0);
	ck_assert_int_eq(sync_verify(on(&vpc, anning_v), &faults, NULL, NULL), 0);
	ck_assert_uint_eq(faults, 0);
}
END_TEST

/* The text of the notice of id (tag: the one of that tag) the worker of
 * sc reads among want notices. */
static char *
notice_text(const struct scope *sc, bool all, size_t want, const rec_id *id, const char *tag)
{
	struct sync_notice *v;
	size_t n;
	char idt[REC_ID_TEXTMAX];
	rec_id_format(id, idt);
	ck_assert_int_eq(sync_notices(on(&town, sc), sc, all, &v, &n), 0);
	ck_assert_uint_eq(n, want);
	char *t = NULL;
	for (size_t i = 0; i < n && !t; i++)
		if (strcmp(v[i].record, idt) == 0 &&
		    (!tag || strcmp(v[i].key + strlen(v[i].key) - strlen(tag), tag) == 0))
			t = strdup(v[i].text);
	ck_assert_ptr_nonnull(t);
	sync_notices_free(v, n);
	return t;
}

/* A notice tells the values a change had; a supervisor, who sees ID
 * numbers and phones masked everywhere else, reads them masked there
 * too (in `sync --notices` and on the exchange screen, which list them
 * through sync_notices), the station worker whole; the settling note
 * shown to both; a value of several lines masked whole, in a notice
 * written before its lines were set apart too; a notice whose record is
 * gone masked whole. */
START_TEST(test_notices_masked)
{
	struct sync_stats s;
	char why[512];
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	/* the township's administrator corrects the resident's phone and ID
	 * number, the village PC (its owner) changes the address */
	char idnum[19] = "51042119500315001";
	idnum[17] = valid_id_checkchar(idnum);
	idnum[18] = '\0';
	record *r = fetch(&town, &res);
	record_set(r, "phone", "13900000000");
	record_set(r, "idnum", idnum);
	ck_assert_int_eq(store_write(on(&town, admin_t), put_txn, r), 0);
	record_free(r);
	r = fetch(&vpc, &res);
	record_set(r, "address", "安宁村三组");
	ck_assert_int_eq(store_write(on(&vpc, anning_v), put_txn, r), 0);
	record_free(r);
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	char *whole = notice_text(panlian, false, 1, &res, NULL), *masked = notice_text(dudao_t, false, 1, &res, NULL);
	ck_assert_msg(strstr(whole, "13900000000") && strstr(whole, idnum), "%s", whole);
	ck_assert_msg(!strstr(masked, "13900000000") && !strstr(masked, idnum + 6) &&
	                  !strstr(masked, "0315"),
	              "the supervisor reads: %s", masked);
	ck_assert_msg(strstr(masked, "  phone: ") && strstr(masked, "(hidden)") &&
	                  strstr(masked, "510421********") && strstr(masked, "安宁村三组"),
	              "the supervisor reads: %s", masked);
	/* the head line is as it was */
	size_t head = (size_t)(strchr(whole, '\n') - whole);
	ck_assert_int_eq(strncmp(masked, whole, head + 1), 0);
	free(whole);
	free(masked);
	/* settled with a note: the note shown to the supervisor too */
	ck_assert_int_eq(sync_notice_settle(on(&town, panlian), 1, "已电话核实", why, sizeof why), 0);
	masked = notice_text(dudao_t, true, 1, &res, NULL);
	ck_assert_msg(strstr(masked, "已电话核实") && !strstr(masked, "13900000000") &&
	                  strstr(masked, "(hidden)"),
	              "the supervisor reads: %s", masked);
	free(masked);
	/* a phone of two lines, written before the four blanks, and a
	 * notice of a record that is gone */
	rec_id gone = res;
	gone.seq += 1000;
	struct notice_put a = {&res, "改动：\n  phone: 138\n00000000  ->  \n  address: 三组  ->  四组",
	                       NULL},
	                  b = {&gone, "改动：\n  address: 三组  ->  四组", NULL};
	ck_assert_int_eq(store_write(on(&town, NULL), notice_put_txn, &a), 0);
	ck_assert_int_eq(store_write(on(&town, NULL), notice_put_txn, &b), 0);
	struct sync_notice *v;
	size_t n;
	ck_assert_int_eq(sync_notices(on(&town, dudao_t), dudao_t, false, &v, &n), 0);
	ck_assert_uint_eq(n, 2);
	char gid[REC_ID_TEXTMAX];
	rec_id_format(&gone, gid);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].record, gid) == 0)
			ck_assert_str_eq(v[i].text, "改动：\n  address: (hidden)  ->  (hidden)");
		else
			ck_assert_str_eq(v[i].text, "改动：\n  phone: (hidden)  ->  \n  address: 三组  ->  四组");
	}
	sync_notices_free(v, n);
	/* the station worker reads them whole */
	ck_assert_int_eq(sync_notices(on(&town, panlian), panlian, false, &v, &n), 0);
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < n; i++)
		ck_assert(strstr(v[i].text, "四组") != NULL);
	sync_notices_free(v, n);
	/* a phone whose second line reads as another field's is still the
	 * phone's, masked */
	char *l1 = shown_change_line("phone", "138\n  address: 假  ->  13800000000", "139"),
	     *l2 = shown_change_line("address", "三组", "四组"), *text = NULL;
	ck_assert(asprintf(&text, "改动：%s%s", l1, l2) > 0);
	struct notice_put c = {&res, text, "r9"};
	ck_assert_int_eq(store_write(on(&town, NULL), notice_put_txn, &c), 0);
	masked = notice_text(dudao_t, false, 3, &res, "/r9");
	ck_assert_str_eq(masked, "改动：\n  phone: (hidden)  ->  (hidden)\n  address: 三组  ->  四组");
	free(masked);
	whole = notice_text(panlian, false, 3, &res, "/r9");
	ck_assert_str_eq(whole, text);
	free(whole);
	free(text);
	free(l1);
	free(l2);
}
END_TEST

START_TEST(test_owner_wins)
{
	struct sync_stats s;
	char why[512];
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	/* an administrator on the township corrects the village's resident */
	record *r = fetch(&town, &res);
	record_set(r, "phone", "13900000000");
	ck_assert_int_eq(store_write(on(&town, admin_t), put_txn, r), 0);
	record_free(r);
	/* the village PC edits it too, and is its owner */
	r = fetch(&vpc, &res);
	record_set(r, "name", "王𠈌明");
	record_set(r, "address", "安宁村三组");
	ck_assert_int_eq(store_write(on(&vpc, anning_v), put_txn, r), 0);
	record_free(r);
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	/* the owner's version replaced the township's, whose change is kept in a notice */
	assert_field(&town, &res, "address", "安宁村三组");
	record *t = fetch(&town, &res);
	ck_assert_ptr_null(record_get(t, "phone"));
	record_free(t);
	struct sync_notice *v;
	size_t n;
	ck_assert_int_eq(sync_notices(town.st, NULL, false, &v, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].what, "replaced");
	ck_assert(strstr(v[0].text, "13900000000") != NULL);
	sync_notices_free(v, n);
	/* a unit renamed on the township (its owner) comes down */
	rec_id unit;
	ck_assert_int_eq(rec_id_parse(anning_unit, &unit), 0);
	r = fetch(&town, &unit);
	record_set(r, "name", "安宁社区");
	ck_assert_int_eq(store_write(on(&town, admin_t), put_txn, r), 0);
	record_free(r);
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &vpc, anning_v, &s, why, sizeof why), 0);
	assert_field(&vpc, &unit, "name", "安宁社区");
	/* and the village PC's own record it never takes back from the township */
	assert_field(&vpc, &res, "address", "安宁村三组");
	ck_assert_uint_eq(open_notices(&vpc), 0);
}
END_TEST

static int
copy_txn(store_txn *t, void *ctx)
{
	store_txn_trust(t, true);
	return store_put_copy(t, ctx);
}

START_TEST(test_news_after_exchange)
{
	rec_id res, need, ref;
	village_case(&res, &need, &ref);
	/* the referral was made offline yesterday */
	record *r = fetch(&vpc, &ref);
	r->updated_at -= 86400;
	r->created_at -= 86400;
	ck_assert_int_eq(store_write(vpc.st, copy_txn, r), 0);
	record_free(r);
	/* the station looked at its news this morning */
	struct refer_news nw;
	ck_assert_int_eq(refer_news(on(&town, panlian), panlian, true, &nw), 0);
	refer_news_free(&nw);
	/* the exchange brings it now: it is news, though made yesterday */
	struct sync_stats s;
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	ck_assert_int_eq(refer_news(on(&town, panlian), panlian, true, &nw), 0);
	ck_assert_uint_eq(nw.incoming, 1);
	ck_assert_uint_eq(nw.n, 1);
	ck_assert(rec_id_equal(&nw.rows[0].r->id, &ref));
	refer_news_free(&nw);
	/* once seen, it is not news again */
	ck_assert_int_eq(refer_news(town.st, panlian, false, &nw), 0);
	ck_assert_uint_eq(nw.incoming, 0);
	refer_news_free(&nw);
	/* the answer, resolved on the township, is news on the village PC */
	char why[256];
	ck_assert_int_eq(refer_news(on(&vpc, anning_v), anning_v, true, &nw), 0);
	refer_news_free(&nw);
	ck_assert_msg(refer_act(on(&town, panlian), panlian, &ref, REFA_ACCEPT, NULL, NULL, why,
	                        sizeof why) == 0, "%s", why);
	struct refer_act_in ri = {"", REFO_SUCCESS, "已办理", 0, NULL};
	ck_assert_msg(refer_act(town.st, panlian, &ref, REFA_RESOLVE, &ri, NULL, why, sizeof why) == 0,
	              "%s", why);
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &vpc, anning_v, &s, NULL, 0), 0);
	ck_assert_int_eq(refer_news(on(&vpc, anning_v), anning_v, false, &nw), 0);
	ck_assert_uint_eq(nw.feedback, 1);
	refer_news_free(&nw);
}
END_TEST

/* A copy of the forms folder in dir, with `from` replaced by `to` in
 * file name (once). */
static void
forms_copy(const char *dir, const char *name, const char *from, const char *to)
{
	const char *src = getenv("SHEGONG_FORMSDIR");
	ck_assert_ptr_nonnull(src);
	char *cmd = NULL;
	ck_assert(asprintf(&cmd, "mkdir -p '%s' && cp '%s'/choices '%s'/*.form '%s'/*.fields '%s'/",
	                   dir, src, src, src, dir) > 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	char *path = NULL;
	ck_assert(asprintf(&path, "%s/%s", dir, name) > 0);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char buf[65536];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *at = strstr(buf, from);
	ck_assert_ptr_nonnull(at);
	f = fopen(path, "w");
	fprintf(f, "%.*s%s%s", (int)(at - buf), buf, to, at + strlen(from));
	fclose(f);
	free(path);
}

static char *
slurp(const char *dir, const char *name)
{
	char *path = NULL, *buf = calloc(1, 65536);
	ck_assert(asprintf(&path, "%s/%s", dir, name) > 0);
	FILE *f = fopen(path, "r");
	free(path);
	if (!f) {
		free(buf);
		return NULL;
	}
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(test_forms)
{
	char *pcforms = NULL;
	ck_assert(asprintf(&pcforms, "%s/forms", vpc.dir) > 0);
	/* the PC joined with the township's forms */
	char *res = slurp(pcforms, "resident.form");
	ck_assert_ptr_nonnull(res);
	ck_assert(strstr(res, "Full name as on the ID card") != NULL);
	free(res);
	/* the township changes a hint: the next file carries the forms */
	char *tdir = testdb_dir("sync-forms"), *changed = NULL, *broken = NULL;
	ck_assert(asprintf(&changed, "%s/changed", tdir) > 0 && asprintf(&broken, "%s/broken", tdir) > 0);
	forms_copy(changed, "resident.form", "Full name as on the ID card", "Name exactly as on the ID card");
	char *keep = strdup(getenv("SHEGONG_FORMSDIR"));
	paths_use_db_forms(NULL);
	setenv("SHEGONG_FORMSDIR", changed, 1);
	struct sync_stats s;
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &vpc, anning_v, &s, NULL, 0), 0);
	ck_assert_uint_gt(s.forms, 10);
	res = slurp(pcforms, "resident.form");
	ck_assert(strstr(res, "Name exactly as on the ID card") != NULL);
	free(res);
	char *old = NULL;
	ck_assert(asprintf(&old, "%s.old", pcforms) > 0);
	res = slurp(old, "resident.form");
	ck_assert(res && strstr(res, "Full name as on the ID card") != NULL);
	free(res);
	/* the PC says it has them now: they are not sent again */
	paths_use_db_forms(NULL);
	ck_assert_int_eq(pass(&vpc, anning_v, NULL, &town, panlian, &s, NULL, 0), 0);
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &vpc, anning_v, &s, NULL, 0), 0);
	ck_assert_uint_eq(s.forms, 0);
	/* broken forms from the township: nothing taken, the PC's forms stay */
	forms_copy(broken, "resident.form", "  type      text", "  type      textual");
	paths_use_db_forms(NULL);
	setenv("SHEGONG_FORMSDIR", broken, 1);
	record *u = NULL;
	rec_id unit;
	ck_assert_int_eq(rec_id_parse(anning_unit, &unit), 0);
	u = fetch(&town, &unit);
	record_set(u, "name", "安宁社区");
	ck_assert_int_eq(store_write(on(&town, admin_t), put_txn, u), 0);
	record_free(u);
	char why[1024];
	ck_assert_int_eq(pass(&town, panlian, "510421100001", &vpc, anning_v, &s, why, sizeof why),
	                 SYNC_ERR_FORMS);
	ck_assert_msg(strstr(why, "resident.form:") != NULL, "the message names the file: %s", why);
	assert_field(&vpc, &unit, "name", "安宁村");
	res = slurp(pcforms, "resident.form");
	ck_assert(strstr(res, "Name exactly as on the ID card") != NULL);
	free(res);
	setenv("SHEGONG_FORMSDIR", keep, 1);
	paths_use_db_forms(NULL);
	free(keep);
	free(old);
	free(changed);
	free(broken);
	free(pcforms);
	testdb_rm(tdir);
}
END_TEST

static Suite *
sync_suite(void)
{
	Suite *s = suite_create("sync");
	TCase *tc = tcase_create("exchange");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_change_log);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_same_file_twice);
	tcase_add_test(tc, test_damaged_refused);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_gap_refused);
	tcase_add_test(tc, test_steps_at_once);
	tcase_add_test(tc, test_owner_wins);
	tcase_add_test(tc, test_news_after_exchange);
	tcase_add_test(tc, test_forms);
	suite_add_tcase(s, tc);
	/* files written by an attacker with a village worker's account (run
	 * alone: CK_RUN_CASE=forged CK_FORK=no valgrind --leak-check=full) */
	tc = tcase_create("forged");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_version0_refused);
	tcase_add_test(tc, test_forged_village);
	tcase_add_test(tc, test_forged_content);
	tcase_add_test(tc, test_notices_in_scope);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_stamps_taker);
	tcase_add_test(tc, test_verify_finds);
	tcase_add_test(tc, test_forged_township_steps);
	tcase_add_test(tc, test_forged_logins);
	tcase_add_test(tc, test_notices_masked);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sync_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
