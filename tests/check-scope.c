/* check-scope.c: what each role may read and change, through the store's
 * policy on a real LMDB database: a county with two townships, their
 * villages, a worker of every role, residents in two villages of one
 * township and one of the other, and referrals between them.  Every
 * refusal the scope makes is tried once: a read (STORE_DENIED, the
 * transaction still usable), a scan (skipped), a save and a delete
 * (STORE_DENIED, nothing changed). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "orgunit.h"
#include "record.h"
#include "scope.h"
#include "store.h"
#include "testdb.h"

struct world {
	struct db d;
	char v1[REC_ID_TEXTMAX], v2[REC_ID_TEXTMAX], v3[REC_ID_TEXTMAX];  /* villages */
	char t1[REC_ID_TEXTMAX], t2[REC_ID_TEXTMAX], county[REC_ID_TEXTMAX];
	rec_id r1, r2, r3, rt1;   /* residents of v1, v2 (township 1), v3 (township 2);
	                           * a record of township 1 itself */
	rec_id ref12;             /* a referral from v1 to township 1 */
};

static const struct {
	const char *login;
	int role;
	const char *unit;
} staff[] = {
	{"admin", ROLE_ADMIN, "510421"},
	{"dudao", ROLE_SUPERVISOR, "510421"},
	{"tdudao", ROLE_SUPERVISOR, "510421100"},
	{"xian", ROLE_TOWNSHIP, "510421"},
	{"panlian", ROLE_TOWNSHIP, "510421100"},
	{"bingu", ROLE_TOWNSHIP, "510421101"},
	{"anning", ROLE_VILLAGE, "510421100001"},
	{"guabang", ROLE_VILLAGE, "510421100002"},
	{"xinshan", ROLE_VILLAGE, "510421101001"},
	{"gone", ROLE_VILLAGE, "510421100001"},
};

struct setup {
	struct world *w;
};

static int
unit_id(store_txn *t, const char *code, char out[REC_ID_TEXTMAX])
{
	record *u;
	int err = orgunit_by_code(t, code, &u);
	if (err)
		return err;
	rec_id_format(&u->id, out);
	record_free(u);
	return 0;
}

static int
put_new(store_txn *t, int kind, const char *name, const char *unit, const char *to, rec_id *id)
{
	record *r = record_new(kind);
	if (!r)
		return STORE_NOMEM;
	record_set(r, "name", name);
	record_set(r, "village", unit);
	record_set(r, "to_unit", to);
	int err = store_put(t, r);
	*id = r->id;
	record_free(r);
	return err;
}

static int
setup_txn(store_txn *t, void *ctx)
{
	struct world *w = ctx;
	static const char *const units[][2] = {
		{"510421", "米易县"},          {"510421100", "攀莲镇"},
		{"510421101", "丙谷镇"},       {"510421100001", "安宁村"},
		{"510421100002", "挂榜村"},    {"510421101001", "新山村"},
	};
	int err = 0;
	for (size_t i = 0; i < sizeof units / sizeof units[0] && !err; i++)
		err = orgunit_add(t, units[i][0], units[i][1], NULL);
	for (size_t i = 0; i < sizeof staff / sizeof staff[0] && !err; i++)
		err = worker_add(t, staff[i].login, staff[i].login, staff[i].role, staff[i].unit, NULL);
	if (!err) {
		record *g;
		err = worker_by_login(t, "gone", &g);
		if (!err) {
			record_set(g, "status", "disabled");
			err = store_put(t, g);
			record_free(g);
		}
	}
	err = err ? err : unit_id(t, "510421100001", w->v1);
	err = err ? err : unit_id(t, "510421100002", w->v2);
	err = err ? err : unit_id(t, "510421101001", w->v3);
	err = err ? err : unit_id(t, "510421100", w->t1);
	err = err ? err : unit_id(t, "510421101", w->t2);
	err = err ? err : unit_id(t, "510421", w->county);
	err = err ? err : put_new(t, REC_RESIDENT, "张一", w->v1, NULL, &w->r1);
	err = err ? err : put_new(t, REC_RESIDENT, "张二", w->v2, NULL, &w->r2);
	err = err ? err : put_new(t, REC_RESIDENT, "张三", w->v3, NULL, &w->r3);
	err = err ? err : put_new(t, REC_PROJECT, "镇项目", w->t1, NULL, &w->rt1);
	err = err ? err : put_new(t, REC_REFERRAL, "转介", w->v1, w->t1, &w->ref12);
	return err;
}

static struct world *
world_new(void)
{
	struct world *w = calloc(1, sizeof *w);
	ck_assert_ptr_nonnull(w);
	w->d = testdb_new("scope");
	ck_assert_int_eq(store_write(w->d.st, setup_txn, w), STORE_OK);
	return w;
}

static void
world_free(struct world *w)
{
	store_set_policy(w->d.st, NULL, NULL);
	testdb_free(&w->d);
	free(w);
}

static struct scope *
as(struct world *w, const char *login)
{
	struct scope *sc;
	ck_assert_int_eq(scope_load_now(w->d.st, login, &sc), STORE_OK);
	scope_attach(w->d.st, sc);
	return sc;
}

/* store_get of id under the attached scope, in its own transaction. */
struct get {
	rec_id id;
	int err;
	int after;   /* a second read in the same transaction: still usable? */
};

static int
get_txn(store_txn *t, void *ctx)
{
	struct get *g = ctx;
	record *r;
	g->err = store_get(t, &g->id, &r);
	record_free(r);
	g->after = store_txn_error(t);
	return 0;
}

static int
can_read(struct world *w, const rec_id *id)
{
	struct get g = {*id, -1, -1};
	ck_assert_int_eq(store_read(w->d.st, get_txn, &g), STORE_OK);
	ck_assert_int_eq(g.after, STORE_OK);  /* a refused read fails nothing */
	return g.err;
}

/* Change the name of id (read without the policy, saved with it). */
struct edit {
	rec_id id;
	const char *field, *value;
};

static int
edit_txn(store_txn *t, void *ctx)
{
	struct edit *e = ctx;
	record *r;
	store_txn_trust(t, true);
	int err = store_get(t, &e->id, &r);
	store_txn_trust(t, false);
	if (err)
		return err;
	record_set(r, e->field, e->value);
	err = store_put(t, r);
	record_free(r);
	return err;
}

static int
try_edit(struct world *w, const rec_id *id, const char *field, const char *value)
{
	struct edit e = {*id, field, value};
	return store_write(w->d.st, edit_txn, &e);
}

struct newrec {
	int kind;
	const char *unit, *to;
	rec_id id;
};

static int
new_txn(store_txn *t, void *ctx)
{
	struct newrec *n = ctx;
	return put_new(t, n->kind, "新", n->unit, n->to, &n->id);
}

static int
try_new(struct world *w, int kind, const char *unit, const char *to)
{
	struct newrec n = {kind, unit, to, {0}};
	return store_write(w->d.st, new_txn, &n);
}

struct del {
	rec_id id;
};

static int
del_txn(store_txn *t, void *ctx)
{
	return store_del(t, &((struct del *)ctx)->id, 0);
}

static int
try_del(struct world *w, const rec_id *id)
{
	struct del d = {*id};
	return store_write(w->d.st, del_txn, &d);
}

static int
count_one(const record *r, void *ctx)
{
	(void)r;
	(*(size_t *)ctx)++;
	return 0;
}

struct scan {
	int kind;
	size_t n;
};

static int
scan_txn(store_txn *t, void *ctx)
{
	struct scan *s = ctx;
	return store_scan(t, s->kind, NULL, count_one, &s->n);
}

static size_t
scanned(struct world *w, int kind)
{
	struct scan s = {kind, 0};
	ck_assert_int_eq(store_read(w->d.st, scan_txn, &s), STORE_OK);
	return s.n;
}

/* --- tests ------------------------------------------------------------------ */

START_TEST(test_village_worker)
{
	struct world *w = world_new();
	struct scope *sc = as(w, "anning");
	ck_assert_int_eq(sc->role, ROLE_VILLAGE);
	ck_assert_str_eq(sc->unit, w->v1);
	ck_assert_str_eq(sc->above, w->t1);
	ck_assert_str_eq(scope_village(sc), w->v1);
	ck_assert_int_eq(can_read(w, &w->r1), STORE_OK);
	ck_assert_int_eq(can_read(w, &w->r2), STORE_DENIED);   /* the next village */
	ck_assert_int_eq(can_read(w, &w->r3), STORE_DENIED);
	ck_assert_int_eq(can_read(w, &w->rt1), STORE_DENIED);  /* the township's own */
	ck_assert_int_eq(can_read(w, &w->ref12), STORE_OK);    /* it sent it */
	ck_assert_uint_eq(scanned(w, REC_RESIDENT), 1);
	ck_assert_uint_eq(scanned(w, REC_UNIT), 6);            /* names for everyone */
	ck_assert_int_eq(try_edit(w, &w->r1, "name", "张一一"), STORE_OK);
	ck_assert_int_eq(try_edit(w, &w->r2, "name", "改"), STORE_DENIED);
	/* moving one's own record to another village is a write there too */
	ck_assert_int_eq(try_edit(w, &w->r1, "village", w->v2), STORE_DENIED);
	ck_assert_int_eq(try_new(w, REC_RESIDENT, w->v1, NULL), STORE_OK);
	ck_assert_int_eq(try_new(w, REC_RESIDENT, w->v2, NULL), STORE_DENIED);
	ck_assert_int_eq(try_new(w, REC_RESIDENT, NULL, NULL), STORE_DENIED);
	ck_assert_int_eq(try_del(w, &w->r2), STORE_DENIED);
	ck_assert(scope_may_see_sensitive(sc));
	ck_assert(!scope_may_audit(sc));
	ck_assert(!scope_is_admin(sc));
	scope_free(sc);
	/* what was refused changed nothing */
	sc = as(w, "guabang");
	ck_assert_uint_eq(scanned(w, REC_RESIDENT), 1);
	ck_assert_int_eq(can_read(w, &w->r2), STORE_OK);
	ck_assert_int_eq(try_del(w, &w->r2), STORE_OK);
	scope_free(sc);
	world_free(w);
}
END_TEST

START_TEST(test_township_worker)
{
	struct world *w = world_new();
	struct scope *sc = as(w, "panlian");
	ck_assert_int_eq(can_read(w, &w->r1), STORE_OK);
	ck_assert_int_eq(can_read(w, &w->r2), STORE_OK);
	ck_assert_int_eq(can_read(w, &w->r3), STORE_DENIED);   /* another township's village */
	ck_assert_int_eq(can_read(w, &w->rt1), STORE_OK);
	ck_assert_uint_eq(scanned(w, REC_RESIDENT), 2);
	ck_assert_ptr_null(scope_village(sc));
	/* sees the villages' records, edits only its own and referrals to it */
	ck_assert_int_eq(try_edit(w, &w->r1, "name", "改"), STORE_DENIED);
	ck_assert_int_eq(try_new(w, REC_RESIDENT, w->v1, NULL), STORE_DENIED);
	ck_assert_int_eq(try_edit(w, &w->rt1, "name", "镇项目二"), STORE_OK);
	ck_assert_int_eq(try_edit(w, &w->ref12, "status", "accepted"), STORE_OK);
	ck_assert_int_eq(try_del(w, &w->r1), STORE_DENIED);
	ck_assert_int_eq(try_new(w, REC_REFERRAL, w->t1, w->county), STORE_OK);  /* further up */
	ck_assert_int_eq(try_new(w, REC_REFERRAL, w->v1, w->t2), STORE_DENIED);
	scope_free(sc);
	/* the other township sees neither the villages nor the referral */
	sc = as(w, "bingu");
	ck_assert_int_eq(can_read(w, &w->r1), STORE_DENIED);
	ck_assert_int_eq(can_read(w, &w->ref12), STORE_DENIED);
	ck_assert_int_eq(can_read(w, &w->r3), STORE_OK);
	ck_assert_int_eq(try_edit(w, &w->ref12, "status", "returned"), STORE_DENIED);
	scope_free(sc);
	/* the county station worker reads every village */
	sc = as(w, "xian");
	ck_assert_uint_eq(scanned(w, REC_RESIDENT), 3);
	ck_assert_int_eq(try_edit(w, &w->r3, "name", "改"), STORE_DENIED);
	scope_free(sc);
	world_free(w);
}
END_TEST

START_TEST(test_supervisor)
{
	struct world *w = world_new();
	struct scope *sc = as(w, "dudao");
	ck_assert_uint_eq(scanned(w, REC_RESIDENT), 3);
	ck_assert_int_eq(can_read(w, &w->ref12), STORE_OK);
	ck_assert_int_eq(try_edit(w, &w->r1, "name", "改"), STORE_DENIED);
	ck_assert_int_eq(try_edit(w, &w->ref12, "status", "closed"), STORE_DENIED);
	ck_assert_int_eq(try_new(w, REC_RESIDENT, w->v1, NULL), STORE_DENIED);
	ck_assert_int_eq(try_del(w, &w->r1), STORE_DENIED);
	ck_assert(!scope_may_see_sensitive(sc));
	ck_assert(scope_may_audit(sc));
	scope_free(sc);
	/* a township's supervisor reads that township only */
	sc = as(w, "tdudao");
	ck_assert_uint_eq(scanned(w, REC_RESIDENT), 2);
	ck_assert_int_eq(can_read(w, &w->r3), STORE_DENIED);
	scope_free(sc);
	world_free(w);
}
END_TEST

struct acct {
	const char *login, *field, *value;
};

static int
acct_txn(store_txn *t, void *ctx)
{
	struct acct *a = ctx;
	record *r;
	int err = worker_by_login(t, a->login, &r);
	if (err)
		return err;
	record_set(r, a->field, a->value);
	err = store_put(t, r);
	record_free(r);
	return err;
}

static int
try_acct(struct world *w, const char *login, const char *field, const char *value)
{
	struct acct a = {login, field, value};
	return store_write(w->d.st, acct_txn, &a);
}

START_TEST(test_accounts_and_units)
{
	struct world *w = world_new();
	struct scope *sc = as(w, "anning");
	/* one's own encoding, language and name; not one's role or unit */
	ck_assert_int_eq(try_acct(w, "anning", "encoding", "gb18030"), STORE_OK);
	ck_assert_int_eq(try_acct(w, "anning", "name", "李红梅"), STORE_OK);
	ck_assert_int_eq(try_acct(w, "anning", "role", "admin"), STORE_DENIED);
	ck_assert_int_eq(try_acct(w, "anning", "unit", w->v2), STORE_DENIED);
	ck_assert_int_eq(try_acct(w, "anning", "status", "active"), STORE_OK);  /* unchanged */
	ck_assert_int_eq(try_acct(w, "guabang", "encoding", "gb18030"), STORE_DENIED);
	ck_assert_int_eq(try_edit(w, &(rec_id){0}, "name", "x"), STORE_NOTFOUND);
	struct newrec n = {REC_UNIT, NULL, NULL, {0}};
	ck_assert_int_eq(store_write(w->d.st, new_txn, &n), STORE_DENIED);
	scope_free(sc);
	sc = as(w, "admin");
	ck_assert_int_eq(try_acct(w, "guabang", "status", "disabled"), STORE_OK);
	ck_assert_int_eq(try_edit(w, &w->r3, "name", "改"), STORE_OK);
	ck_assert_uint_eq(scanned(w, REC_RESIDENT), 3);
	ck_assert(scope_is_admin(sc));
	scope_free(sc);
	/* a disabled account has no scope at all; an unknown login neither */
	store_set_policy(w->d.st, NULL, NULL);
	ck_assert_int_eq(scope_load_now(w->d.st, "guabang", &sc), STORE_DENIED);
	ck_assert_ptr_null(sc);
	ck_assert_int_eq(scope_load_now(w->d.st, "gone", &sc), STORE_DENIED);
	ck_assert_int_eq(scope_load_now(w->d.st, "nobody", &sc), STORE_NOTFOUND);
	world_free(w);
}
END_TEST

struct cnt {
	const char *unit;
	size_t n;
};

static int
cnt_txn(store_txn *t, void *ctx)
{
	struct cnt *c = ctx;
	return store_count_value(t, IDX_VILLAGE, REC_RESIDENT, c->unit, &c->n);
}

START_TEST(test_count_value)
{
	struct world *w = world_new();
	ck_assert_int_eq(try_new(w, REC_RESIDENT, w->v1, NULL), STORE_OK);
	struct cnt c = {w->v1, 0};
	ck_assert_int_eq(store_read(w->d.st, cnt_txn, &c), STORE_OK);
	ck_assert_uint_eq(c.n, 2);
	c = (struct cnt){w->v3, 0};
	ck_assert_int_eq(store_read(w->d.st, cnt_txn, &c), STORE_OK);
	ck_assert_uint_eq(c.n, 1);
	c = (struct cnt){w->t2, 7};
	ck_assert_int_eq(store_read(w->d.st, cnt_txn, &c), STORE_OK);
	ck_assert_uint_eq(c.n, 0);
	world_free(w);
}
END_TEST

START_TEST(test_referral_sides)
{
	struct world *w = world_new();
	record *r = record_new(REC_REFERRAL);
	record_set(r, "village", w->v1);
	record_set(r, "to_unit", w->t1);
	struct scope *sc = as(w, "anning");
	ck_assert_int_eq(scope_referral_side(sc, r), REF_SENDER);
	scope_free(sc);
	sc = as(w, "panlian");
	ck_assert_int_eq(scope_referral_side(sc, r), REF_RECEIVER);
	scope_free(sc);
	sc = as(w, "guabang");
	ck_assert_int_eq(scope_referral_side(sc, r), 0);
	scope_free(sc);
	sc = as(w, "dudao");
	ck_assert_int_eq(scope_referral_side(sc, r), 0);
	scope_free(sc);
	sc = as(w, "admin");
	ck_assert_int_eq(scope_referral_side(sc, r), REF_RECEIVER);
	scope_free(sc);
	record_free(r);
	world_free(w);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("scope");
	TCase *tc = tcase_create("scope");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_village_worker);
	tcase_add_test(tc, test_township_worker);
	tcase_add_test(tc, test_supervisor);
	tcase_add_test(tc, test_accounts_and_units);
	tcase_add_test(tc, test_count_value);
	tcase_add_test(tc, test_referral_sides);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
