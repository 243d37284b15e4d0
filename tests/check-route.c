/* check-route.c: routing by category (route.c) through a real LMDB
 * database: station codes and their parents, the categories a station
 * takes (and the lists refused), which stations a village or township may
 * address (its township's first, then its county's; none elsewhere), a
 * referral refused by a station that does not take its category or serves
 * another township, and one the county's minors' protection centre
 * receives: its worker's inbox with the due date, news, the person the
 * referral carries and nothing else of the village's, the steps up to
 * feedback, which the village then reads; the township cannot act on it. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "orgunit.h"
#include "refer.h"
#include "route.h"
#include "scope.h"
#include "testdb.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

enum who { ANNING, XINSHAN, PANLIAN, WEIBAO, NWHO };
static const struct {
	const char *login, *name;
	int role;
	const char *unit;
} workers[NWHO] = {
	{"anning", "李红梅", ROLE_VILLAGE, "510421100001"},
	{"xinshan", "王秀英", ROLE_VILLAGE, "510421101001"},
	{"panlian", "杨社工", ROLE_TOWNSHIP, "510421100"},
	{"weibao", "未保社工", ROLE_TOWNSHIP, "510421-01"},
};

static struct db db;
static struct scope *sc[NWHO];
static char res_anning[REC_ID_TEXTMAX], res_other[REC_ID_TEXTMAX], res_xinshan[REC_ID_TEXTMAX];
static char need_anning[REC_ID_TEXTMAX];
static char unit_anning[REC_ID_TEXTMAX], unit_xinshan[REC_ID_TEXTMAX];

static int
units_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	static const struct {
		const char *code, *name, *takes;
	} units[] = {
		{"510421", "米易县", NULL},
		{"510421100", "攀莲镇", NULL},
		{"510421100001", "安宁村", NULL},
		{"510421101", "丙谷镇", NULL},
		{"510421101001", "新山村", NULL},
		{"510421-01", "米易县未成年人保护中心", "youth,child"},
		{"510421-02", "米易县精神康复基地", "mental"},
		{"510421100-01", "攀莲镇青少年之家", "youth"},
	};
	for (size_t i = 0; i < NELEM(units); i++) {
		rec_id id;
		int err = orgunit_add(t, units[i].code, units[i].name, &id);
		if (!err && units[i].takes)
			err = route_set_takes(t, units[i].code, units[i].takes);
		if (err)
			return err;
		if (i == 2)
			rec_id_format(&id, unit_anning);
		if (i == 4)
			rec_id_format(&id, unit_xinshan);
	}
	for (int i = 0; i < NWHO; i++) {
		int err = worker_add(t, workers[i].login, workers[i].name, workers[i].role,
		                     workers[i].unit, NULL);
		if (err)
			return err;
	}
	return 0;
}

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
	rec_id_format(&r->id, idtext);
	record_free(r);
}

static void
resident(const char *name, const char *village, char idtext[REC_ID_TEXTMAX])
{
	record *r = record_new(REC_RESIDENT);
	record_set(r, "name", name);
	record_set(r, "village", village);
	put(r, idtext);
}

static void
load_scopes(void)
{
	for (int i = 0; i < NWHO; i++) {
		scope_free(sc[i]);
		sc[i] = NULL;
		ck_assert_int_eq(scope_load_now(db.st, workers[i].login, &sc[i]), STORE_OK);
	}
}

static void
setup(void)
{
	db = testdb_new("route");
	audit_attach(db.st);
	ck_assert_int_eq(store_write(db.st, units_txn, NULL), STORE_OK);
	resident("小明", unit_anning, res_anning);
	resident("王秀英", unit_anning, res_other);
	resident("小刚", unit_xinshan, res_xinshan);
	record *r = record_new(REC_NEED);
	record_set(r, "who", "resident");
	record_set(r, "resident", res_anning);
	record_set(r, "village", unit_anning);
	record_set(r, "date", "2026-11-20");
	record_set(r, "description", "辍学，与家人冲突");
	record_set(r, "status", "open");
	put(r, need_anning);
	load_scopes();
}

static void
teardown(void)
{
	for (int i = 0; i < NWHO; i++) {
		scope_free(sc[i]);
		sc[i] = NULL;
	}
	testdb_free(&db);
}

static const struct scope *
as(enum who w)
{
	scope_attach(db.st, sc[w]);
	store_set_user(db.st, workers[w].login);
	return sc[w];
}

struct lookup {
	const char *code;
	record *r;
	const char *from, *category;
	struct route_station *v;
	size_t n;
	const char *takes;
};

static int
by_code_txn(store_txn *t, void *ctx)
{
	struct lookup *l = ctx;
	return orgunit_by_code(t, l->code, &l->r);
}

static record *
unit(const char *code)
{
	struct lookup l = {code, NULL, NULL, NULL, NULL, 0, NULL};
	scope_attach(db.st, NULL);
	ck_assert_int_eq(store_read(db.st, by_code_txn, &l), STORE_OK);
	return l.r;
}

static int
stations_txn(store_txn *t, void *ctx)
{
	struct lookup *l = ctx;
	return route_stations(t, l->from, l->category, &l->v, &l->n);
}

/* The codes of the stations from may address for category, joined by spaces. */
static void
stations(const char *from, const char *category, char *out, size_t size)
{
	struct lookup l = {NULL, NULL, from, category, NULL, 0, NULL};
	ck_assert_int_eq(store_read(db.st, stations_txn, &l), STORE_OK);
	out[0] = '\0';
	for (size_t i = 0; i < l.n; i++) {
		ck_assert_ptr_nonnull(l.v[i].name);
		snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "", l.v[i].code);
	}
	route_stations_free(l.v, l.n);
}

static int
takes_txn(store_txn *t, void *ctx)
{
	struct lookup *l = ctx;
	return route_set_takes(t, l->code, l->takes);
}

static int
set_takes(const char *code, const char *takes)
{
	struct lookup l = {code, NULL, NULL, NULL, NULL, 0, takes};
	scope_attach(db.st, NULL);
	return store_write(db.st, takes_txn, &l);
}

static int
add_txn(store_txn *t, void *ctx)
{
	return orgunit_add(t, ctx, "某站", NULL);
}

START_TEST(test_codes)
{
	scope_attach(db.st, NULL);
	ck_assert_int_eq(store_write(db.st, add_txn, "510422-01"), ORGUNIT_NOPARENT);
	ck_assert_int_eq(store_write(db.st, add_txn, "510421101-01"), STORE_OK);
	ck_assert_int_eq(store_write(db.st, add_txn, "510421101-01"), ORGUNIT_DUPLICATE);
	ck_assert_int_eq(store_write(db.st, add_txn, "510421100001-01"), ORGUNIT_BADCODE);
	record *p = unit("510421101-01"), *q = unit("510421101");
	char qid[REC_ID_TEXTMAX];
	ck_assert_str_eq(record_get(p, "parent"), rec_id_format(&q->id, qid));
	record_free(p);
	record_free(q);
	ck_assert_int_eq(orgunit_level_of_code("510421-01"), UNIT_STATION);
	ck_assert_int_eq(orgunit_level_of_code("510421100-02"), UNIT_STATION);
	ck_assert_int_eq(orgunit_level_of_code("510421100001-01"), 0);
	ck_assert_int_eq(orgunit_level_of_code("510421-1"), 0);
	ck_assert_int_eq(orgunit_level_of_code("510421-001"), 0);
	ck_assert_int_eq(orgunit_level_of_code("51042a-01"), 0);
	ck_assert_int_eq(orgunit_level_of_code("510421-0a"), 0);
	ck_assert_int_eq(orgunit_level_of_code("-01"), 0);
	ck_assert_int_eq(orgunit_level_of_code(""), 0);
	ck_assert_int_eq(orgunit_level_of_code("510421"), UNIT_COUNTY);
	ck_assert_int_eq(orgunit_level_of_code("510421100001"), UNIT_VILLAGE);
	ck_assert(worker_role_fits(ROLE_TOWNSHIP, UNIT_STATION));
	ck_assert(!worker_role_fits(ROLE_VILLAGE, UNIT_STATION));
	ck_assert(!worker_role_fits(ROLE_SUPERVISOR, UNIT_STATION));
	record *u = unit("510421-01");
	ck_assert_str_eq(record_get(u, "level"), "station");
	ck_assert_str_eq(record_get(u, "takes"), "youth,child");
	ck_assert(route_takes(u, "child"));
	ck_assert(!route_takes(u, "mental"));
	ck_assert(!route_takes(u, "you"));
	ck_assert_int_eq(route_check(u, "510421100001", "youth"), ROUTE_OK);
	ck_assert_int_eq(route_check(u, "510421100001", "mental"), ROUTE_NOTAKE);
	ck_assert_int_eq(route_check(u, "510422100001", "youth"), ROUTE_AWAY);
	record_free(u);
	u = unit("510421100-01");
	ck_assert_int_eq(route_check(u, "510421101001", "youth"), ROUTE_AWAY);
	ck_assert_int_eq(route_check(u, "510421100", "youth"), ROUTE_OK);
	ck_assert_int_eq(route_check(u, "510421", "youth"), ROUTE_AWAY);
	ck_assert_int_eq(route_check(u, "510421100-01", "youth"), ROUTE_AWAY);
	record_free(u);
	u = unit("510421100");
	ck_assert_int_eq(route_check(u, "510421100001", "youth"), ROUTE_OK);  /* the way up */
	record_free(u);
	ck_assert(route_within("510421100001", "510421-01"));
	ck_assert(!route_within("510421100001", "510421101-01"));
	ck_assert(!route_within("510421100001", "510421100"));
}
END_TEST

struct above_ctx {
	const char *code;
	char out[REC_ID_TEXTMAX];
};

static int
above_txn(store_txn *t, void *ctx)
{
	struct above_ctx *a = ctx;
	record *u = NULL;
	int err = orgunit_by_code(t, a->code, &u);
	if (!err)
		err = orgunit_above(t, u, a->out);
	record_free(u);
	return err;
}

/* A city's station (5104-01), and a county registered before its city
 * finding the city above it once the city is there. */
START_TEST(test_city_station)
{
	scope_attach(db.st, NULL);
	ck_assert_int_eq(orgunit_level_of_code("5104-01"), UNIT_STATION);
	ck_assert_int_eq(orgunit_level_of_code("510-01"), 0);
	ck_assert_int_eq(orgunit_level_of_code("5104-1"), 0);
	ck_assert_int_eq(orgunit_level_of_code("51042-01"), 0);
	struct above_ctx a = {"510421", ""};
	ck_assert_int_eq(store_read(db.st, above_txn, &a), STORE_OK);
	ck_assert_str_eq(a.out, "");
	ck_assert_int_eq(store_write(db.st, add_txn, "5104-01"), ORGUNIT_NOPARENT);
	ck_assert_int_eq(store_write(db.st, add_txn, "5104"), STORE_OK);
	ck_assert_int_eq(store_write(db.st, add_txn, "5104-01"), STORE_OK);
	record *city = unit("5104"), *st = unit("5104-01"), *county = unit("510421");
	char cid[REC_ID_TEXTMAX];
	rec_id_format(&city->id, cid);
	ck_assert_str_eq(record_get(st, "parent"), cid);
	ck_assert_ptr_null(record_get(county, "parent"));
	ck_assert_int_eq(store_read(db.st, above_txn, &a), STORE_OK);
	ck_assert_str_eq(a.out, cid);
	a.code = "5104-01";
	ck_assert_int_eq(store_read(db.st, above_txn, &a), STORE_OK);
	ck_assert_str_eq(a.out, cid);
	a.code = "5104";
	ck_assert_int_eq(store_read(db.st, above_txn, &a), STORE_OK);
	ck_assert_str_eq(a.out, "");
	ck_assert(route_within("510421", "5104-01"));
	ck_assert(!route_within("510421100001", "5104-01"));   /* past its county */
	ck_assert(!route_within("510421100", "5104-01"));
	ck_assert(!route_within("510521", "5104-01"));
	ck_assert(route_within("5104", "5104-01"));   /* the city its own */
	ck_assert(!route_within("5104-01", "5104-01"));
	record_free(city);
	record_free(st);
	record_free(county);
}
END_TEST

START_TEST(test_takes)
{
	ck_assert_int_eq(set_takes("510421100", "youth"), ROUTE_NOTSTATION);
	ck_assert_int_eq(set_takes("510421-01", ""), ROUTE_BADTAKES);
	ck_assert_int_eq(set_takes("510421-01", "youth,,child"), ROUTE_BADTAKES);
	ck_assert_int_eq(set_takes("510421-01", "youth,"), ROUTE_BADTAKES);
	ck_assert_int_eq(set_takes("510421-01", ",youth"), ROUTE_BADTAKES);
	ck_assert_int_eq(set_takes("510421-01", "youth,child,youth"), ROUTE_BADTAKES);
	ck_assert_int_eq(set_takes("510421-09", "youth"), STORE_NOTFOUND);
	record *u = unit("510421-01");
	ck_assert_str_eq(record_get(u, "takes"), "youth,child");   /* nothing half saved */
	record_free(u);
	ck_assert_int_eq(set_takes("510421-01", "youth,child,disability"), STORE_OK);
	u = unit("510421-01");
	ck_assert_str_eq(record_get(u, "takes"), "youth,child,disability");
	record_free(u);
	ck_assert(route_list_has("youth,child", "child"));
	ck_assert(!route_list_has("youth,child", "chil"));
	ck_assert(!route_list_has("youth,children", "child"));
	ck_assert(!route_list_has(NULL, "child"));
	ck_assert(!route_list_has("youth", ""));
}
END_TEST

START_TEST(test_stations)
{
	char got[256];
	stations("510421100001", "youth", got, sizeof got);
	ck_assert_str_eq(got, "510421100-01 510421-01");
	stations("510421100001", "mental", got, sizeof got);
	ck_assert_str_eq(got, "510421-02");
	stations("510421100001", "elderly", got, sizeof got);
	ck_assert_str_eq(got, "");
	stations("510421101001", "youth", got, sizeof got);
	ck_assert_str_eq(got, "510421-01");
	stations("510421100001", NULL, got, sizeof got);
	ck_assert_str_eq(got, "510421100-01 510421-01 510421-02");
	stations("510421100", "youth", got, sizeof got);
	ck_assert_str_eq(got, "510421100-01 510421-01");
	stations("510422100001", NULL, got, sizeof got);
	ck_assert_str_eq(got, "");
	/* a county's station: not itself, nor a township's */
	stations("510421-01", NULL, got, sizeof got);
	ck_assert_str_eq(got, "510421-02");
}
END_TEST

static char *
unit_id(const char *code, char id[REC_ID_TEXTMAX])
{
	record *u = unit(code);
	rec_id_format(&u->id, id);
	record_free(u);
	return id;
}

static int
read_txn(store_txn *t, void *ctx)
{
	struct lookup *l = ctx;
	rec_id id;
	if (rec_id_parse(l->code, &id) < 0)
		return STORE_INVALID;
	return store_get(t, &id, &l->r);
}

/* Whether worker w may read the record idtext (through the policy). */
static int
try_read(enum who w, const char *idtext)
{
	as(w);
	struct lookup l = {idtext, NULL, NULL, NULL, NULL, 0, NULL};
	int err = store_read(db.st, read_txn, &l);
	record_free(l.r);
	return err;
}

START_TEST(test_referral_to_station)
{
	char centre[REC_ID_TEXTMAX], youth_home[REC_ID_TEXTMAX], why[512];
	unit_id("510421-01", centre);
	unit_id("510421100-01", youth_home);
	const char *needs[] = {need_anning};
	struct refer_new in = {res_anning, needs, 1, "mental", "soon", "辍学，与家人冲突", "已走访",
	                       "13800000000", true, centre, "2026-12-01"};
	rec_id id;
	/* the centre takes no mental-health case: refused, nothing saved */
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, true, &id, why, sizeof why),
	                 REFER_ERR_INPUT);
	ck_assert_str_eq(why, route_strerror(ROUTE_NOTAKE));
	/* 攀莲镇's station does not serve 丙谷镇's 新山村 */
	struct refer_new far = {res_xinshan, NULL, 0, "youth", "normal", "x", NULL, NULL, true,
	                        youth_home, "2026-12-01"};
	ck_assert_int_eq(refer_create(db.st, as(XINSHAN), &far, true, &id, why, sizeof why),
	                 REFER_ERR_INPUT);
	ck_assert_str_eq(why, route_strerror(ROUTE_AWAY));
	struct refer_row *rows;
	size_t n;
	ck_assert_int_eq(refer_list(db.st, as(ANNING), REFER_OUTBOX, "2026-12-01", &rows, &n), 0);
	ck_assert_uint_eq(n, 0);
	refer_rows_free(rows, n);

	in.category = "youth";
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, true, &id, why, sizeof why), STORE_OK);
	char idtext[REC_ID_TEXTMAX];
	rec_id_format(&id, idtext);
	/* before the centre's worker starts again, the person is not theirs */
	ck_assert_int_eq(try_read(WEIBAO, res_anning), STORE_DENIED);
	load_scopes();

	/* the centre's inbox: the one referral, due in 15 days */
	ck_assert_int_eq(refer_list(db.st, as(WEIBAO), REFER_INBOX, "2026-12-01", &rows, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(record_get(rows[0].r, "status"), "submitted");
	ck_assert_str_eq(record_get(rows[0].r, "to_unit"), centre);
	ck_assert_ptr_nonnull(record_get(rows[0].r, "due"));
	ck_assert_str_gt(record_get(rows[0].r, "due"), "2026-12-01");
	ck_assert_int_eq(refer_side(sc[WEIBAO], rows[0].r), REF_RECEIVER);
	refer_rows_free(rows, n);
	ck_assert_int_eq(refer_list(db.st, as(WEIBAO), REFER_OVERDUE, "2027-01-30", &rows, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(rows[0].overdue);
	refer_rows_free(rows, n);
	/* the township's inbox does not hold it */
	ck_assert_int_eq(refer_list(db.st, as(PANLIAN), REFER_INBOX, "2026-12-01", &rows, &n), 0);
	ck_assert_uint_eq(n, 0);
	refer_rows_free(rows, n);
	struct refer_news nw;
	ck_assert_int_eq(refer_news(db.st, as(WEIBAO), false, &nw), 0);
	ck_assert_uint_eq(nw.incoming, 1);
	refer_news_free(&nw);

	/* what the referral carries, and nothing else of the village's */
	ck_assert_int_eq(try_read(WEIBAO, idtext), STORE_OK);
	ck_assert_int_eq(try_read(WEIBAO, res_anning), STORE_OK);
	ck_assert_int_eq(try_read(WEIBAO, need_anning), STORE_OK);
	ck_assert_int_eq(try_read(WEIBAO, res_other), STORE_DENIED);
	ck_assert_int_eq(try_read(WEIBAO, res_xinshan), STORE_DENIED);
	ck_assert_int_eq(try_read(XINSHAN, idtext), STORE_DENIED);

	/* the township cannot act on it; the centre answers */
	struct refer_act_in act = {NULL, 0, NULL, 0, "2026-12-02"};
	ck_assert_int_ne(refer_act(db.st, as(PANLIAN), &id, REFA_ACCEPT, &act, NULL, why, sizeof why),
	                 STORE_OK);
	ck_assert_int_eq(refer_act(db.st, as(WEIBAO), &id, REFA_ACCEPT, &act, NULL, why, sizeof why),
	                 STORE_OK);
	ck_assert_int_eq(refer_act(db.st, as(WEIBAO), &id, REFA_START, &act, NULL, why, sizeof why),
	                 STORE_OK);
	struct refer_act_in res = {NULL, REFO_SUCCESS, "已安排心理辅导和复学帮扶", 0, "2026-12-05"};
	ck_assert_int_eq(refer_act(db.st, as(WEIBAO), &id, REFA_RESOLVE, &res, NULL, why, sizeof why),
	                 STORE_OK);
	ck_assert_int_eq(refer_news(db.st, as(ANNING), false, &nw), 0);
	ck_assert_uint_eq(nw.feedback, 1);
	ck_assert_str_eq(record_get(nw.rows[0].r, "feedback"), "已安排心理辅导和复学帮扶");
	refer_news_free(&nw);
	ck_assert_int_eq(refer_act(db.st, as(ANNING), &id, REFA_CLOSE, &act, NULL, why, sizeof why),
	                 STORE_OK);
}
END_TEST

static Suite *
route_suite(void)
{
	Suite *s = suite_create("route");
	TCase *tc = tcase_create("route");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_codes);
	tcase_add_test(tc, test_city_station);
	tcase_add_test(tc, test_takes);
	tcase_add_test(tc, test_stations);
	tcase_add_test(tc, test_referral_to_station);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(route_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
