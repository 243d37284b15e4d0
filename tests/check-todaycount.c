/* check-todaycount.c: the home screen's count (today_count) is the
 * number of items today_list makes, and of its overdue ones, on a real
 * LMDB database whose residents are due, overdue or not due a regular
 * visit, voided, off the register, of another village, with categories
 * a shortcut could mistake (a prefix, a longer name, an item with an
 * amount, empty items, more items than today.c splits at once, longer
 * than it reads in place; more lists than it keeps the visit line of,
 * lists of one length); for
 * every role (the administrator's read by a scan, the others' through
 * the village index), several days, with the visits and without; and
 * which residents the visits list on known days; and record_view, which
 * the count reads residents with, reading what record_decode reads. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "orgunit.h"
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

static struct db db;
static struct scope *sc[NWHO];
static char anning[REC_ID_TEXTMAX], guabang[REC_ID_TEXTMAX];
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
	for (size_t i = 0; i < NELEM(units); i++) {
		int err = orgunit_add(t, units[i].code, units[i].name, &id);
		if (err)
			return err;
		if (i == 2)
			rec_id_format(&id, anning);
		if (i == 3)
			rec_id_format(&id, guabang);
	}
	for (int i = 0; i < NWHO; i++) {
		int err = worker_add(t, workers[i].login, workers[i].name, workers[i].role,
		                     workers[i].unit, NULL);
		if (err)
			return err;
	}
	return 0;
}

/* A resident; voided: marked as kind_void marks one. */
static void
resident(const char *name, const char *village, const char *cats, const char *status, bool voided,
         char id[REC_ID_TEXTMAX])
{
	record *r = record_new(REC_RESIDENT);
	record_set(r, "name", name);
	record_set(r, "village", village);
	record_set(r, "categories", cats);
	record_set(r, "status", status);
	if (voided) {
		record_set(r, REC_VOID, REC_VOID_YES);
		record_set(r, REC_VOID_REASON, "录重了");
	}
	put(r, id);
}

static void
service(const char *who, const char *village, const char *date, const char *followup)
{
	record *r = record_new(REC_SERVICE);
	record_set(r, "function", "care");
	record_set(r, "village", village);
	record_set(r, "date", date);
	record_set(r, "work_kind", "visit");
	record_set(r, "content", "上门探访");
	record_set(r, "beneficiaries", who);
	record_set(r, "followup", followup);
	put(r, NULL);
}

static void
need(const char *who, const char *village, const char *followup)
{
	record *r = record_new(REC_NEED);
	record_set(r, "who", "resident");
	record_set(r, "resident", who);
	record_set(r, "village", village);
	record_set(r, "date", "2026-02-01");
	record_set(r, "description", "独居");
	record_set(r, "status", "open");
	record_set(r, "followup", followup);
	put(r, NULL);
}

/* The residents the visits list for anning, by what they are. */
enum res {
	R_NEVER,      /* elder_alone, never visited: due */
	R_RECENT,     /* elder_alone, served 03-01: due 04-01 */
	R_BOTH,       /* dibao,elder_alone, served 01-05: due 02-05 (the month rules) */
	R_QUARTER,    /* dibao, served 01-05: due 04-05 */
	R_EDGE,       /* dibao_edge (not dibao), served 2025-12-01: due 06-01 */
	R_AMOUNT,     /* "dibao:2": the item's text before ':' is dibao; never: due */
	R_NOLINE,     /* veteran: no visit line */
	R_EMPTYITEMS, /* ",elder_alone,": due */
	R_MOVED,      /* elder_alone, status moved: not on the register */
	R_VOIDED,     /* elder_alone, voided */
	R_NOSTATUS,   /* left_behind (30 days), no status: due */
	R_MANY,       /* twenty items, very_old (a week) last, served 03-05: due 03-12 */
	R_PREFIX,     /* "elder": a prefix of elder_alone */
	R_LONGER,     /* "elder_alone_x" */
	R_CASE,       /* "Elder_alone" */
	R_SHORTEST,   /* dibao,dibao_edge, served 2025-12-01: due 2026-03-01 */
	R_LONG,       /* 150 items, elder_alone last (longer than today.c reads in
	               * place): never visited, due */
	NRES
};
static char res[NRES][REC_ID_TEXTMAX];
static char other_due[REC_ID_TEXTMAX], other_voided[REC_ID_TEXTMAX];

static void
setup(void)
{
	db = testdb_new("todaycount");
	audit_attach(db.st);
	ck_assert_int_eq(store_write(db.st, units_txn, NULL), STORE_OK);
	for (int i = 0; i < NWHO; i++)
		ck_assert_int_eq(scope_load_now(db.st, workers[i].login, &sc[i]), STORE_OK);
	static const struct {
		const char *cats, *status;
		bool voided;
		const char *served;
	} rs[NRES] = {
		[R_NEVER] = {"elder_alone", "active", false, NULL},
		[R_RECENT] = {"elder_alone", "active", false, "2026-03-01"},
		[R_BOTH] = {"dibao,elder_alone", "active", false, "2026-01-05"},
		[R_QUARTER] = {"dibao", "active", false, "2026-01-05"},
		[R_EDGE] = {"dibao_edge", "active", false, "2025-12-01"},
		[R_AMOUNT] = {"dibao:2", "active", false, NULL},
		[R_NOLINE] = {"veteran", "active", false, NULL},
		[R_EMPTYITEMS] = {",elder_alone,", "active", false, NULL},
		[R_MOVED] = {"elder_alone", "moved", false, NULL},
		[R_VOIDED] = {"elder_alone", "active", true, NULL},
		[R_NOSTATUS] = {"left_behind", NULL, false, NULL},
		[R_MANY] = {"x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,x11,x12,x13,x14,x15,x16,x17,x18,x19,very_old",
		            "active", false, "2026-03-05"},
		[R_PREFIX] = {"elder", "active", false, NULL},
		[R_LONGER] = {"elder_alone_x", "active", false, NULL},
		[R_CASE] = {"Elder_alone", "active", false, NULL},
		[R_SHORTEST] = {"dibao,dibao_edge", "active", false, "2025-12-01"},
		[R_LONG] = {NULL, "active", false, NULL},
	};
	char longcats[1200] = "";
	for (int i = 0; i < 150; i++)
		snprintf(longcats + strlen(longcats), sizeof longcats - strlen(longcats), "c%03d,", i);
	strcat(longcats, "elder_alone");
	for (int i = 0; i < NRES; i++) {
		char name[32];
		snprintf(name, sizeof name, "居民%02d", i);
		resident(name, anning, i == R_LONG ? longcats : rs[i].cats, rs[i].status, rs[i].voided,
		         res[i]);
		if (rs[i].served)
			service(res[i], anning, rs[i].served, NULL);
	}
	resident("张三", guabang, "elder_alone", "active", false, other_due);
	resident("张四", guabang, "elder_alone", "active", true, other_voided);
	/* follow-ups besides: overdue, today, this week, later */
	need(res[R_NEVER], anning, "2026-03-01");
	need(res[R_RECENT], anning, "2026-03-10");
	need(other_due, guabang, "2026-03-12");
	service(res[R_NOLINE], anning, "2026-02-01", "2026-02-20");
	service(other_due, guabang, "2026-02-01", "2026-03-20");
	char path[4096];
	snprintf(path, sizeof path, "%s/visits", db.dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("elder_alone month\nleft_behind 30\ndibao quarter\ndibao_edge halfyear\n"
	      "very_old week\nx,y month\n",
	      f);
	fclose(f);
	char why[256];
	ck_assert_int_eq(today_visits_load(db.dir, &vis, why, sizeof why), 0);
	ck_assert_uint_eq(vis.n, 6);
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

static const char *const days[] = {"2025-06-01", "2026-01-01", "2026-03-10", "2026-03-16",
                                   "2026-04-30", "2027-01-01"};

/* today_count of s on day equals today_list's
 * items and overdue ones, through the dates' index and by the scan;
 * returns the list's regular visits. */
static size_t
count_is_list(struct scope *s, const char *login, const struct today_visits *v, const char *day)
{
	scope_attach(db.st, s);
	store_set_user(db.st, login);
	size_t visits = 0;
	for (int scan = 0; scan < 2; scan++) {
		today_scan = scan;
		struct today_list l;
		ck_assert_int_eq(today_list(db.st, s, NULL, v, day, &l), STORE_OK);
		size_t n = 99, o = 99;
		ck_assert_int_eq(today_count(db.st, s, v, day, &n, &o), STORE_OK);
		ck_assert_msg(n == l.n, "%s on %s (scan %d): counted %zu, listed %zu", login, day, scan, n,
		              l.n);
		ck_assert_uint_eq(o, l.overdue);
		size_t k = 0;
		for (size_t i = 0; i < l.n; i++)
			k += l.items[i].group == TODAY_VISIT;
		if (scan)
			ck_assert_uint_eq(k, visits);
		visits = k;
		today_list_free(&l);
	}
	today_scan = false;
	return visits;
}

START_TEST(test_count_is_list)
{
	size_t total = 0;
	for (size_t d = 0; d < NELEM(days); d++) {
		for (int w = 0; w < NWHO; w++) {
			total += count_is_list(sc[w], workers[w].login, &vis, days[d]);
			count_is_list(sc[w], workers[w].login, NULL, days[d]);
		}
	}
	ck_assert_uint_gt(total, 0);
}
END_TEST

/* Whether idtext is among w's regular visits on day. */
static bool
listed(enum who w, const char *day, const char *idtext)
{
	scope_attach(db.st, sc[w]);
	store_set_user(db.st, workers[w].login);
	struct today_list l;
	ck_assert_int_eq(today_list(db.st, sc[w], NULL, &vis, day, &l), STORE_OK);
	bool found = false;
	for (size_t i = 0; i < l.n; i++)
		found |= l.items[i].group == TODAY_VISIT && strcmp(l.items[i].idtext, idtext) == 0;
	today_list_free(&l);
	return found;
}

START_TEST(test_which_are_due)
{
	static const int due_0310[] = {R_NEVER,    R_BOTH,     R_AMOUNT, R_EMPTYITEMS,
	                               R_NOSTATUS, R_SHORTEST, R_LONG};
	static const int due_0316[] = {R_NEVER,    R_BOTH, R_AMOUNT,   R_EMPTYITEMS,
	                               R_NOSTATUS, R_MANY, R_SHORTEST, R_LONG};
	static const int due_0430[] = {R_NEVER,    R_RECENT, R_BOTH,     R_QUARTER, R_AMOUNT, R_EMPTYITEMS,
	                               R_NOSTATUS, R_MANY,   R_SHORTEST, R_LONG};
	static const struct {
		const char *day;
		const int *due;
		size_t n;
	} cases[] = {
		{"2026-03-10", due_0310, NELEM(due_0310)},
		{"2026-03-16", due_0316, NELEM(due_0316)},
		{"2026-04-30", due_0430, NELEM(due_0430)},
	};
	for (size_t c = 0; c < NELEM(cases); c++) {
		for (int r = 0; r < NRES; r++) {
			bool want = false;
			for (size_t k = 0; k < cases[c].n; k++)
				want |= cases[c].due[k] == r;
			ck_assert_msg(listed(ANNING, cases[c].day, res[r]) == want,
			              "resident %d on %s: %s", r, cases[c].day, want ? "not listed" : "listed");
		}
		ck_assert(count_is_list(sc[ANNING], "anning", &vis, cases[c].day) == cases[c].n);
		/* the other village's due resident is its own, and the administrator's */
		ck_assert(!listed(ANNING, cases[c].day, other_due));
		ck_assert(listed(GUABANG, cases[c].day, other_due));
		ck_assert(listed(ADMIN, cases[c].day, other_due));
		ck_assert(!listed(ADMIN, cases[c].day, other_voided));
		ck_assert(!listed(PANLIAN, cases[c].day, res[R_NEVER]));
	}
}
END_TEST

/* An encoding made by hand (record.c's format 1), fields name/value
 * pairs as given, one-byte lengths: n bytes into b. */
static size_t
encode(unsigned char *b, int kind, const char *const *f, size_t nf)
{
	size_t n = 0;
	b[n++] = RECORD_FORMAT;
	b[n++] = (unsigned char)kind;
	b[n++] = 3;   /* version */
	b[n++] = 1;   /* form version */
	b[n++] = 0;   /* created_at */
	b[n++] = 0;   /* updated_at */
	b[n++] = 2;
	memcpy(b + n, "me", 2);
	n += 2;
	b[n++] = 0;   /* updated_by: none */
	b[n++] = (unsigned char)(nf / 2);
	for (size_t i = 0; i < nf; i++) {
		size_t k = strlen(f[i]);
		b[n++] = (unsigned char)k;
		memcpy(b + n, f[i], k);
		n += k;
	}
	return n;
}

/* record_view reads what record_decode reads, and refuses what it refuses. */
static void
view_is_decode(const unsigned char *b, size_t len, const rec_id *id)
{
	static const char *const names[] = {"village", "status", "categories", REC_VOID, "x"};
	struct rec_span v[NELEM(names)];
	record *r = NULL;
	int dr = record_decode(b, len, id, &r), vr = record_view(b, len, id, names, NELEM(names), v);
	ck_assert_int_eq(dr, vr);
	for (size_t i = 0; r && i < NELEM(names); i++) {
		const char *want = record_get(r, names[i]);
		ck_assert_msg(want ? rec_span_is(&v[i], want) : v[i].p == NULL, "%s", names[i]);
	}
	record_free(r);
}

START_TEST(test_view_is_decode)
{
	static const char *const plain[] = {"name", "王秀英", "village", "unit-1-3", "status",
	                                    "active", "categories", "dibao,elder_alone"};
	static const char *const repeated[] = {"status", "moved", "village", "unit-1-3",
	                                       "status", "active", "categories", "dibao"};
	static const char *const emptied[] = {"categories", "dibao", "status", "active",
	                                      "categories", "", "_void", "yes"};
	static const char *const nul[] = {"status", "active"};
	const struct {
		const char *const *f;
		size_t n;
	} cases[] = {{plain, NELEM(plain)}, {repeated, NELEM(repeated)}, {emptied, NELEM(emptied)},
	             {nul, NELEM(nul)}, {plain, 0}};
	rec_id id = {REC_RESIDENT, 1, 7}, other = {REC_NEED, 1, 7};
	for (size_t c = 0; c < NELEM(cases); c++) {
		unsigned char b[512];
		size_t len = encode(b, REC_RESIDENT, cases[c].f, cases[c].n);
		if (cases[c].f == nul)
			b[len - 3] = '\0';   /* "act?ve": a NUL inside a value */
		for (size_t cut = 0; cut <= len; cut++)
			view_is_decode(b, cut, &id);   /* cut short at every byte, then whole */
		view_is_decode(b, len, NULL);
		view_is_decode(b, len, &other);   /* not the kind asked for */
		b[len] = 'z';
		view_is_decode(b, len + 1, &id);   /* a byte more than the fields */
	}
	/* a record as the program writes it */
	record *r = record_new(REC_RESIDENT);
	record_set(r, "village", "unit-1-3");
	record_set(r, "categories", "elder_alone");
	size_t len;
	unsigned char *enc = record_encode(r, &len);
	ck_assert_ptr_nonnull(enc);
	view_is_decode(enc, len, &r->id);
	free(enc);
	record_free(r);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("todaycount");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_count_is_list);
	tcase_add_test(tc, test_which_are_due);
	tcase_add_test(tc, test_view_is_decode);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
