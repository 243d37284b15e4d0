/* check-todaydue.c: the worker's day found through the follow-up dates'
 * index (IDX_FOLLOWBY, today.c) equals the old reading of every need and
 * service, on a real LMDB database: for every role, on days before,
 * among and after the dates; after edits that move or remove a date,
 * deletes and a voided need; in a database made before the index (read
 * read-only as it is, then upgraded by a writer); and `check`
 * (store_verify) holding the new entries to account. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "audit.h"
#include "index.h"
#include "kind.h"
#include "orgunit.h"
#include "refer.h"
#include "scope.h"
#include "testdb.h"
#include "today.h"
#include "util.h"

enum who { ANNING, GUABANG, PANLIAN, ADMIN, NWHO };
static const struct {
	const char *login, *name;
	int role;
	const char *unit;
} workers[NWHO] = {
	{"anning", "李红梅", ROLE_VILLAGE, "510421100001"},
	{"guabang", "张建国", ROLE_VILLAGE, "510421100002"},
	{"panlian", "杨社工", ROLE_TOWNSHIP, "510421100"},
	{"admin2", "王管理", ROLE_ADMIN, "510421"},
};

#define TODAY "2026-03-10"

static struct db db;
static struct scope *sc[NWHO];
static char anning_unit[REC_ID_TEXTMAX], guabang_unit[REC_ID_TEXTMAX];
static char elder[REC_ID_TEXTMAX], child[REC_ID_TEXTMAX], other[REC_ID_TEXTMAX];
static struct today_visits vis;

static int
put_txn(store_txn *t, void *ctx)
{
	return store_put(t, ctx);
}

static void
put(record *r, char idtext[REC_ID_TEXTMAX])
{
	scope_attach(db.st, NULL);
	ck_assert_int_eq(store_write(db.st, put_txn, r), STORE_OK);
	if (idtext)
		rec_id_format(&r->id, idtext);
	record_free(r);
}

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
	rec_id id;
	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		int err = orgunit_add(t, units[i].code, units[i].name, &id);
		if (err)
			return err;
		if (i == 2)
			rec_id_format(&id, anning_unit);
		if (i == 3)
			rec_id_format(&id, guabang_unit);
	}
	for (int i = 0; i < NWHO; i++) {
		int err = worker_add(t, workers[i].login, workers[i].name, workers[i].role,
		                     workers[i].unit, NULL);
		if (err)
			return err;
	}
	return 0;
}

static void
resident(const char *name, const char *village, const char *cats, const char *status,
         char id[REC_ID_TEXTMAX])
{
	record *r = record_new(REC_RESIDENT);
	record_set(r, "name", name);
	record_set(r, "village", village);
	if (cats)
		record_set(r, "categories", cats);
	if (status)
		record_set(r, "status", status);
	put(r, id);
}

static void
setup(void)
{
	db = testdb_new("todaydue");
	audit_attach(db.st);
	ck_assert_int_eq(store_write(db.st, units_txn, NULL), STORE_OK);
	for (int i = 0; i < NWHO; i++)
		ck_assert_int_eq(scope_load_now(db.st, workers[i].login, &sc[i]), STORE_OK);
	resident("王秀英", anning_unit, "elder_alone,dibao", "active", elder);
	resident("李小军", anning_unit, "left_behind", NULL, child);
	resident("张三", guabang_unit, "elder_alone", "active", other);
	/* the visits as forms/visits says them, read from a file */
	char path[4096];
	snprintf(path, sizeof path, "%s/visits", db.dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# how often\nelder_alone  month\n\nleft_behind  30\ndibao quarter\n", f);
	fclose(f);
	char why[256];
	ck_assert_int_eq(today_visits_load(db.dir, &vis, why, sizeof why), 0);
	ck_assert_uint_eq(vis.n, 3);
}

static void
teardown(void)
{
	for (int i = 0; i < NWHO; i++) {
		scope_free(sc[i]);
		sc[i] = NULL;
	}
	today_visits_free(&vis);
	testdb_free(&db);
}


static void
need(const char *who, const char *village, const char *followup, const char *status,
     char id[REC_ID_TEXTMAX])
{
	record *r = record_new(REC_NEED);
	record_set(r, "who", "resident");
	record_set(r, "resident", who);
	record_set(r, "village", village);
	record_set(r, "date", "2026-02-01");
	record_set(r, "description", "独居，需要上门照护");
	record_set(r, "status", status);
	if (followup)
		record_set(r, "followup", followup);
	put(r, id);
}

static void
service(const char *who, const char *village, const char *needs, const char *date,
        const char *followup, char id[REC_ID_TEXTMAX])
{
	record *r = record_new(REC_SERVICE);
	record_set(r, "function", "care");
	record_set(r, "village", village);
	record_set(r, "date", date);
	record_set(r, "work_kind", "visit");
	record_set(r, "content", "上门探访，了解近况");
	if (who)
		record_set(r, "beneficiaries", who);
	if (needs)
		record_set(r, "needs", needs);
	if (followup)
		record_set(r, "followup", followup);
	put(r, id);
}

/* Follow-up dates: before, on and after the days asked, and values that
 * are no date (a day past the month's end, a word, text after the date). */
static const char *const dates[] = {
	"2026-02-20", "2026-03-01", "2026-03-07", "2026-03-09", "2026-03-10", "2026-03-10",
	"2026-03-12", "2026-03-16", "2026-03-16x", "2026-03-17", "2026-03-20", "2026-04-02",
	"2026-02-30", "下周", NULL, "2026-3-5", "2026-03-31", "2025-12-31",
};
static const char *const statuses[] = {"open", "in_progress", "met", "closed", "open"};
static const char *const days[] = {"2026-01-01", "2026-03-01", TODAY, "2026-03-16",
                                   "2026-03-25", "2026-04-30"};

#define NNEED 54
static char needs[NNEED][REC_ID_TEXTMAX], svcs[NNEED][REC_ID_TEXTMAX];

static void
village_data(void)
{
	for (int i = 0; i < NNEED; i++) {
		const char *v = i % 3 == 2 ? guabang_unit : anning_unit;
		const char *who = i % 3 == 2 ? other : (i % 2 ? child : elder);
		need(who, v, dates[i % NELEM(dates)], statuses[i % NELEM(statuses)], needs[i]);
		/* services: some answering a need, some followed up by a later one */
		service(who, v, i % 4 == 0 ? needs[i] : NULL, dates[(i + 5) % NELEM(dates)],
		        dates[(i + 3) % NELEM(dates)], svcs[i]);
	}
}

static int
item_cmp(const void *a, const void *b)
{
	const struct today_item *x = a, *y = b;
	if (x->group != y->group)
		return (int)x->group - (int)y->group;
	int c = strcmp(x->date, y->date);
	if (!c)
		c = strcmp(x->idtext, y->idtext);
	return c ? c : strcmp(x->line, y->line);
}

/* The list of w on day through the index and by the old scan are the
 * same items; returns how many. */
static size_t
same_lists(store *st, enum who w, const char *day)
{
	scope_attach(st, sc[w]);
	store_set_user(st, workers[w].login);
	struct today_list a, b;
	today_scan = false;
	ck_assert_int_eq(today_list(st, sc[w], NULL, &vis, day, &a), STORE_OK);
	today_scan = true;
	ck_assert_int_eq(today_list(st, sc[w], NULL, &vis, day, &b), STORE_OK);
	today_scan = false;
	ck_assert_msg(a.n == b.n, "%s on %s: %zu items through the index, %zu by the scan",
	              workers[w].login, day, a.n, b.n);
	ck_assert_uint_eq(a.overdue, b.overdue);
	/* the home screen's count, through the index and by the scan */
	for (int scan = 0; scan < 2; scan++) {
		size_t cn = 99, co = 99;
		today_scan = scan;
		ck_assert_int_eq(today_count(st, sc[w], &vis, day, &cn, &co), STORE_OK);
		ck_assert_uint_eq(cn, a.n);
		ck_assert_uint_eq(co, a.overdue);
	}
	today_scan = false;
	if (a.n) {
		qsort(a.items, a.n, sizeof *a.items, item_cmp);
		qsort(b.items, b.n, sizeof *b.items, item_cmp);
	}
	for (size_t i = 0; i < a.n; i++) {
		ck_assert_int_eq(a.items[i].group, b.items[i].group);
		ck_assert_int_eq(a.items[i].what, b.items[i].what);
		ck_assert_str_eq(a.items[i].idtext, b.items[i].idtext);
		ck_assert_str_eq(a.items[i].date, b.items[i].date);
		ck_assert_str_eq(a.items[i].line, b.items[i].line);
	}
	size_t n = a.n;
	today_list_free(&a);
	today_list_free(&b);
	return n;
}

/* Every role on every day; returns the items of all. */
static size_t
all_same(store *st)
{
	size_t n = 0;
	for (int w = 0; w < NWHO; w++)
		for (size_t d = 0; d < NELEM(days); d++)
			n += same_lists(st, (enum who)w, days[d]);
	return n;
}

/* How often idtext is on w's list of day. */
static size_t
has(store *st, enum who w, const char *day, const char *idtext)
{
	scope_attach(st, sc[w]);
	store_set_user(st, workers[w].login);
	struct today_list l;
	ck_assert_int_eq(today_list(st, sc[w], NULL, NULL, day, &l), STORE_OK);
	size_t k = 0;
	for (size_t i = 0; i < l.n; i++)
		k += strcmp(l.items[i].idtext, idtext) == 0;
	today_list_free(&l);
	return k;
}

struct edit {
	const char *idtext, *followup;
	bool del;
	record *got;
};

static int
edit_txn(store_txn *t, void *ctx)
{
	struct edit *e = ctx;
	rec_id id;
	record *r;
	ck_assert_int_eq(rec_id_parse(e->idtext, &id), 0);
	int err = store_get(t, &id, &r);
	if (err)
		return err;
	if (e->del) {
		err = store_del(t, &id, r->version);
	} else {
		record_set(r, "followup", e->followup);
		err = store_put(t, r);
	}
	record_free(r);
	return err;
}

static void
edit(const char *idtext, const char *followup, bool del)
{
	scope_attach(db.st, NULL);
	struct edit e = {idtext, followup, del, NULL};
	ck_assert_int_eq(store_write(db.st, edit_txn, &e), STORE_OK);
}

static int
get_txn(store_txn *t, void *ctx)
{
	struct edit *e = ctx;
	rec_id id;
	ck_assert_int_eq(rec_id_parse(e->idtext, &id), 0);
	return store_get(t, &id, &e->got);
}

static size_t
faults_of(store *st)
{
	size_t faults = 99;
	scope_attach(st, NULL);
	ck_assert_int_eq(store_verify(st, false, &faults, NULL, NULL), STORE_OK);
	return faults;
}

START_TEST(test_same_as_scan)
{
	village_data();
	ck_assert_uint_eq(store_index_version(db.st), INDEX_VERSION);
	ck_assert_uint_ge(INDEX_VERSION, 3);
	size_t n = all_same(db.st);
	ck_assert_uint_gt(n, 50);   /* the lists are not empty: the test can fail */
	/* the village sees its own only, the administrator everyone's */
	ck_assert_uint_eq(has(db.st, ANNING, TODAY, needs[6]), 1);   /* 03-12, in progress */
	ck_assert_uint_eq(has(db.st, GUABANG, TODAY, needs[6]), 0);
	ck_assert_uint_eq(has(db.st, ADMIN, TODAY, needs[6]), 1);
	ck_assert_uint_eq(has(db.st, ANNING, TODAY, needs[4]), 0);   /* answered by a service */
	ck_assert_uint_eq(faults_of(db.st), 0);
}
END_TEST

START_TEST(test_edits)
{
	village_data();
	/* needs[6] is due today: moved past the week, it leaves; brought back
	 * into it, it comes back; without a date, it leaves */
	ck_assert_uint_eq(has(db.st, ANNING, TODAY, needs[6]), 1);
	edit(needs[6], "2026-05-01", false);
	ck_assert_uint_eq(has(db.st, ANNING, TODAY, needs[6]), 0);
	ck_assert_uint_eq(has(db.st, ANNING, "2026-05-01", needs[6]), 1);
	edit(needs[6], "2026-03-08", false);
	ck_assert_uint_eq(has(db.st, ANNING, TODAY, needs[6]), 1);
	edit(needs[6], NULL, false);
	ck_assert_uint_eq(has(db.st, ANNING, TODAY, needs[6]), 0);
	ck_assert_uint_eq(has(db.st, ANNING, "2026-12-31", needs[6]), 0);
	/* a date from nowhere into the week; a service's date moved, one removed */
	edit(needs[14], TODAY, false);
	edit(svcs[0], "2026-03-11", false);
	edit(svcs[1], "", false);
	ck_assert_uint_gt(all_same(db.st), 50);
	/* deleted: gone from both */
	ck_assert_uint_eq(has(db.st, GUABANG, TODAY, needs[5]), 1);   /* 03-10, open */
	edit(needs[5], NULL, true);
	edit(svcs[6], NULL, true);
	ck_assert_uint_eq(has(db.st, GUABANG, TODAY, needs[5]), 0);
	ck_assert_uint_eq(has(db.st, ADMIN, TODAY, needs[5]), 0);
	all_same(db.st);
	/* voided: left out for every role, by the scan too */
	ck_assert_uint_eq(has(db.st, ADMIN, "2026-03-11", needs[9]), 1);   /* 03-17 */
	scope_attach(db.st, NULL);
	store_set_user(db.st, workers[ADMIN].login);
	struct edit e = {needs[9], NULL, false, NULL};
	ck_assert_int_eq(store_read(db.st, get_txn, &e), STORE_OK);
	ck_assert_int_eq(kind_void(db.st, e.got, "录错了", NULL), STORE_OK);
	record_free(e.got);
	ck_assert_uint_eq(has(db.st, ADMIN, "2026-03-11", needs[9]), 0);
	ck_assert_uint_eq(has(db.st, ANNING, "2026-03-11", needs[9]), 0);
	all_same(db.st);
	ck_assert_uint_eq(faults_of(db.st), 0);
}
END_TEST

/* The database as a program before IDX_FOLLOWBY left it: no such
 * entries, no index version (1, the first set). */
static void
make_old(const char *dir)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi idx, meta;
	ck_assert_int_eq(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, 16);
	ck_assert_int_eq(mdb_env_open(env, dir, 0, 0600), 0);
	ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, "idx", MDB_DUPSORT, &idx), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, "meta", 0, &meta), 0);
	unsigned char first = IDX_FOLLOWBY;
	MDB_val k = {1, &first}, v;
	MDB_cursor *c;
	ck_assert_int_eq(mdb_cursor_open(txn, idx, &c), 0);
	size_t gone = 0;
	for (int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	     rc == 0 && ((unsigned char *)k.mv_data)[0] == IDX_FOLLOWBY;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		ck_assert_int_eq(mdb_cursor_del(c, 0), 0);
		gone++;
	}
	ck_assert_uint_gt(gone, 50);
	mdb_cursor_close(c);
	MDB_val name = {6, "idxver"};
	ck_assert_int_eq(mdb_del(txn, meta, &name, NULL), 0);
	ck_assert_int_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* One IDX_FOLLOWBY entry taken away behind the program's back. */
static void
lose_one(const char *dir)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi idx;
	ck_assert_int_eq(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, 16);
	ck_assert_int_eq(mdb_env_open(env, dir, 0, 0600), 0);
	ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, "idx", MDB_DUPSORT, &idx), 0);
	unsigned char first = IDX_FOLLOWBY;
	MDB_val k = {1, &first}, v;
	MDB_cursor *c;
	ck_assert_int_eq(mdb_cursor_open(txn, idx, &c), 0);
	ck_assert_int_eq(mdb_cursor_get(c, &k, &v, MDB_SET_RANGE), 0);
	ck_assert_int_eq(((unsigned char *)k.mv_data)[0], IDX_FOLLOWBY);
	ck_assert_int_eq(mdb_cursor_del(c, 0), 0);
	mdb_cursor_close(c);
	ck_assert_int_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

START_TEST(test_old_database)
{
	village_data();
	size_t before = all_same(db.st);
	store_close(db.st);
	make_old(db.dir);
	/* read-only (a setgid reader, a backup looked at): the version stays,
	 * the lists are read the old way, and check owes no entries */
	ck_assert_int_eq(store_open(&db.st, db.dir, STORE_RDONLY), STORE_OK);
	ck_assert_uint_eq(store_index_version(db.st), 1);
	ck_assert_uint_eq(all_same(db.st), before);
	ck_assert_uint_eq(faults_of(db.st), 0);
	store_close(db.st);
	/* the first writer adds the entries */
	ck_assert_int_eq(store_open(&db.st, db.dir, 0), STORE_OK);
	audit_attach(db.st);
	ck_assert_uint_eq(store_index_version(db.st), INDEX_VERSION);
	ck_assert_uint_eq(faults_of(db.st), 0);
	ck_assert_uint_eq(all_same(db.st), before);
	store_close(db.st);
	/* check sees an entry missing, and puts it back */
	lose_one(db.dir);
	ck_assert_int_eq(store_open(&db.st, db.dir, 0), STORE_OK);
	audit_attach(db.st);
	ck_assert_uint_eq(faults_of(db.st), 1);
	size_t faults = 0;
	ck_assert_int_eq(store_verify(db.st, true, &faults, NULL, NULL), STORE_OK);
	ck_assert_uint_eq(faults_of(db.st), 0);
	ck_assert_uint_eq(all_same(db.st), before);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("todaydue");
	TCase *tc = tcase_create("todaydue");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_same_as_scan);
	tcase_add_test(tc, test_edits);
	tcase_add_test(tc, test_old_database);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
