/* check-today.c: the worker's day (today.c) through a real LMDB
 * database: follow-ups of needs and services due today, this week and
 * overdue, and leaving the list once followed up or met; referrals
 * waiting for the village's or the station's step, leaving as the step is
 * taken; residents due a regular visit by category (forms/visits read
 * from a file), and not once visited within the interval; other villages'
 * records left out. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "orgunit.h"
#include "refer.h"
#include "scope.h"
#include "testdb.h"
#include "today.h"

enum who { ANNING, GUABANG, PANLIAN, NWHO };
static const struct {
	const char *login, *name;
	int role;
	const char *unit;
} workers[NWHO] = {
	{"anning", "李红梅", ROLE_VILLAGE, "510421100001"},
	{"guabang", "张建国", ROLE_VILLAGE, "510421100002"},
	{"panlian", "杨社工", ROLE_TOWNSHIP, "510421100"},
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
	db = testdb_new("today");
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

static const struct scope *
as(enum who w)
{
	scope_attach(db.st, sc[w]);
	store_set_user(db.st, workers[w].login);
	return sc[w];
}

/* The list of worker w on day, with the visits (or none). */
static void
list(enum who w, const char *day, bool visits, struct today_list *l)
{
	ck_assert_int_eq(today_list(db.st, as(w), NULL, visits ? &vis : NULL, day, l), STORE_OK);
	size_t overdue = 0;
	for (size_t i = 0; i < l->n; i++) {
		ck_assert_ptr_nonnull(l->items[i].line);
		if (l->items[i].group == TODAY_OVERDUE)
			overdue++;
		if (i)
			ck_assert_int_le(l->items[i - 1].group, l->items[i].group);
	}
	ck_assert_uint_eq(overdue, l->overdue);
	/* the home screen's count: the same, without the lines */
	size_t cn = 99, co = 99;
	ck_assert_int_eq(today_count(db.st, as(w), visits ? &vis : NULL, day, &cn, &co), STORE_OK);
	ck_assert_uint_eq(cn, l->n);
	ck_assert_uint_eq(co, l->overdue);
}

/* The item about idtext, or NULL. */
static const struct today_item *
item(const struct today_list *l, const char *idtext)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].idtext, idtext) == 0)
			return &l->items[i];
	return NULL;
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
service(const char *who, const char *needs, const char *date, const char *followup,
        char id[REC_ID_TEXTMAX])
{
	record *r = record_new(REC_SERVICE);
	record_set(r, "function", "care");
	record_set(r, "village", anning_unit);
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

START_TEST(test_followups)
{
	char due_today[REC_ID_TEXTMAX], late[REC_ID_TEXTMAX], soon[REC_ID_TEXTMAX],
		later[REC_ID_TEXTMAX], met[REC_ID_TEXTMAX], theirs[REC_ID_TEXTMAX],
		svc[REC_ID_TEXTMAX];
	need(elder, anning_unit, TODAY, "open", due_today);
	need(elder, anning_unit, "2026-03-07", "in_progress", late);
	need(child, anning_unit, "2026-03-14", "open", soon);
	need(child, anning_unit, "2026-03-20", "open", later);
	need(child, anning_unit, "2026-03-01", "met", met);
	need(other, guabang_unit, TODAY, "open", theirs);
	service(child, NULL, "2026-03-02", "2026-03-09", svc);

	struct today_list l;
	list(ANNING, TODAY, false, &l);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_uint_eq(l.overdue, 2);
	const struct today_item *it = item(&l, due_today);
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(it->group, TODAY_TODAY);
	ck_assert_int_eq(it->what, TODAY_NEED_FOLLOWUP);
	ck_assert_str_eq(it->date, TODAY);
	ck_assert_ptr_nonnull(strstr(it->line, "王秀英"));
	ck_assert_int_eq(item(&l, late)->group, TODAY_OVERDUE);
	ck_assert_int_eq(item(&l, soon)->group, TODAY_WEEK);
	ck_assert_int_eq(item(&l, svc)->group, TODAY_OVERDUE);
	ck_assert_int_eq(item(&l, svc)->what, TODAY_SERVICE_FOLLOWUP);
	ck_assert_ptr_nonnull(strstr(item(&l, svc)->line, "李小军"));
	ck_assert_ptr_null(item(&l, later));    /* beyond the week */
	ck_assert_ptr_null(item(&l, met));      /* met: nothing to follow up */
	ck_assert_ptr_null(item(&l, theirs));   /* another village's */
	/* overdue first, by date: the service (03-09) after the need (03-07) */
	ck_assert_str_eq(l.items[0].idtext, late);
	ck_assert_str_eq(l.items[1].idtext, svc);
	today_list_free(&l);

	/* the other village sees its own */
	list(GUABANG, TODAY, false, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.items[0].idtext, theirs);
	today_list_free(&l);

	/* followed up: a service answering the late need, a later service
	 * for the child */
	service(elder, late, TODAY, NULL, NULL);
	service(child, NULL, TODAY, NULL, NULL);
	need(elder, anning_unit, TODAY, "met", NULL);   /* a new one, met at once */
	list(ANNING, TODAY, false, &l);
	ck_assert_ptr_null(item(&l, late));
	ck_assert_ptr_null(item(&l, svc));
	ck_assert_ptr_nonnull(item(&l, due_today));
	ck_assert_ptr_nonnull(item(&l, soon));
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(l.overdue, 0);
	today_list_free(&l);

	/* a service long before the follow-up date does not count as it */
	char old[REC_ID_TEXTMAX];
	need(child, anning_unit, "2026-03-09", "open", old);
	service(child, old, "2026-02-10", NULL, NULL);
	list(ANNING, TODAY, false, &l);
	ck_assert_ptr_nonnull(item(&l, old));
	today_list_free(&l);
}
END_TEST

static struct refer_new
referral_of(const char *who, const char *day)
{
	return (struct refer_new){.resident = who, .category = "elderly", .urgency = "normal",
	                          .reason = "需要上级协调养老床位", .done = "已上门探访",
	                          .consent = true, .contact = "13800000000", .today = day};
}

static void
act(enum who w, const rec_id *id, enum ref_action a, const char *day)
{
	char why[256];
	struct refer_act_in in = {.note = "材料不全", .outcome = REFO_SUCCESS,
	                          .feedback = "已安排床位", .today = day};
	int rc = refer_act(db.st, as(w), id, a, &in, NULL, why, sizeof why);
	ck_assert_msg(rc == 0, "%s", why);
}

START_TEST(test_referrals)
{
	rec_id a, b;
	char at[REC_ID_TEXTMAX], bt[REC_ID_TEXTMAX], why[256];
	struct refer_new in = referral_of(elder, TODAY);
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, true, &a, why, sizeof why), 0);
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, true, &b, why, sizeof why), 0);
	rec_id_format(&a, at);
	rec_id_format(&b, bt);

	/* the station: two to accept; the village: nothing waits for it */
	struct today_list l;
	list(PANLIAN, TODAY, false, &l);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_int_eq(item(&l, at)->what, TODAY_REF_ACCEPT);
	ck_assert_int_eq(item(&l, at)->group, TODAY_TODAY);
	ck_assert_ptr_nonnull(strstr(item(&l, at)->line, "王秀英"));
	today_list_free(&l);
	list(ANNING, TODAY, false, &l);
	ck_assert_uint_eq(l.n, 0);
	today_list_free(&l);

	/* accepted leaves the station's list; returned comes to the village's */
	act(PANLIAN, &a, REFA_ACCEPT, TODAY);
	act(PANLIAN, &b, REFA_RETURN, TODAY);
	list(PANLIAN, TODAY, false, &l);
	ck_assert_uint_eq(l.n, 0);
	today_list_free(&l);
	list(ANNING, TODAY, false, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(item(&l, bt)->what, TODAY_REF_REVISE);
	today_list_free(&l);

	/* resolved: feedback for the village to close; closed: gone */
	act(PANLIAN, &a, REFA_RESOLVE, TODAY);
	act(ANNING, &b, REFA_WITHDRAW, TODAY);
	list(ANNING, TODAY, false, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(item(&l, at)->what, TODAY_REF_CLOSE);
	today_list_free(&l);
	act(ANNING, &a, REFA_CLOSE, TODAY);
	list(ANNING, TODAY, false, &l);
	ck_assert_uint_eq(l.n, 0);
	today_list_free(&l);

	/* unanswered past its due date: overdue for the station */
	rec_id c;
	char ct[REC_ID_TEXTMAX];
	in = referral_of(child, "2026-01-05");
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, true, &c, why, sizeof why), 0);
	rec_id_format(&c, ct);
	list(PANLIAN, TODAY, false, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(item(&l, ct)->what, TODAY_REF_OVERDUE);
	ck_assert_int_eq(item(&l, ct)->group, TODAY_OVERDUE);
	ck_assert_uint_eq(l.overdue, 1);
	ck_assert_str_lt(item(&l, ct)->date, TODAY);
	ck_assert_ptr_nonnull(strstr(item(&l, ct)->line, "answer"));
	today_list_free(&l);
	/* and for the village that sent it, to ask after */
	list(ANNING, TODAY, false, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(item(&l, ct)->what, TODAY_REF_OVERDUE);
	ck_assert_ptr_nonnull(strstr(item(&l, ct)->line, "ask the station"));
	today_list_free(&l);
}
END_TEST

START_TEST(test_visits)
{
	struct today_list l;
	char moved[REC_ID_TEXTMAX];
	resident("刘大爷", anning_unit, "elder_alone", "moved", moved);
	list(ANNING, TODAY, true, &l);
	/* never visited: both due today; not the one moved away, not the
	 * other village's */
	ck_assert_uint_eq(l.n, 2);
	ck_assert_int_eq(item(&l, elder)->group, TODAY_VISIT);
	ck_assert_int_eq(item(&l, elder)->what, TODAY_VISIT_DUE);
	ck_assert_str_eq(item(&l, elder)->date, TODAY);
	ck_assert_ptr_nonnull(strstr(item(&l, elder)->line, "王秀英"));
	ck_assert_ptr_nonnull(item(&l, child));
	ck_assert_ptr_null(item(&l, moved));
	ck_assert_ptr_null(item(&l, other));
	today_list_free(&l);
	/* without visit data, no visits */
	list(ANNING, TODAY, false, &l);
	ck_assert_uint_eq(l.n, 0);
	today_list_free(&l);

	/* the elder visited 10 days ago (monthly: not due); the child 31
	 * days ago (every 30 days: due since 03-09) */
	service(elder, NULL, "2026-02-28", NULL, NULL);
	service(child, NULL, "2026-02-07", NULL, NULL);
	list(ANNING, TODAY, true, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.items[0].idtext, child);
	ck_assert_str_eq(l.items[0].date, "2026-03-09");
	ck_assert_ptr_nonnull(strstr(l.items[0].line, "2026-02-07"));
	today_list_free(&l);
	/* a month on: the elder is due on 03-28 (the same day next month) */
	list(ANNING, "2026-03-28", true, &l);
	ck_assert_ptr_nonnull(item(&l, elder));
	ck_assert_str_eq(item(&l, elder)->date, "2026-03-28");
	today_list_free(&l);
	list(ANNING, "2026-03-27", true, &l);
	ck_assert_ptr_null(item(&l, elder));
	today_list_free(&l);
}
END_TEST

START_TEST(test_visits_file)
{
	char path[4096], why[512];
	struct today_visits v;
	/* no file: no visits, no fault */
	ck_assert_int_eq(today_visits_load("/nonexistent-dir", &v, why, sizeof why), 0);
	ck_assert_uint_eq(v.n, 0);
	snprintf(path, sizeof path, "%s/visits", db.dir);
	FILE *f = fopen(path, "w");
	fputs("elder_alone month\nleft_behind fortnightly\n", f);
	fclose(f);
	ck_assert_int_eq(today_visits_load(db.dir, &v, why, sizeof why), -1);
	ck_assert_ptr_nonnull(strstr(why, "line 2"));
	ck_assert_uint_eq(v.n, 0);
	f = fopen(path, "w");
	fputs("elder_alone\n", f);
	fclose(f);
	ck_assert_int_eq(today_visits_load(db.dir, &v, why, sizeof why), -1);
	ck_assert_ptr_nonnull(strstr(why, "line 1"));
	/* the shipped file reads */
	ck_assert_ptr_nonnull(getenv("SHEGONG_FORMSDIR"));
	ck_assert_int_eq(today_visits_load(getenv("SHEGONG_FORMSDIR"), &v, why, sizeof why), 0);
	ck_assert_uint_ge(v.n, 3);
	today_visits_free(&v);
}
END_TEST

/* A service another village keeps (a township's activity for people of
 * several villages) that names a resident of this village: the worker
 * may not read it, and their day is still listed and counted, the
 * resident's visit not taken as done by what they cannot see. */
START_TEST(test_unreadable_link)
{
	record *r = record_new(REC_SERVICE);
	record_set(r, "function", "care");
	record_set(r, "village", guabang_unit);
	record_set(r, "date", "2026-03-09");
	record_set(r, "work_kind", "visit");
	record_set(r, "content", "镇上组织的集体活动");
	char both[2 * REC_ID_TEXTMAX + 2];
	snprintf(both, sizeof both, "%s,%s", other, elder);
	record_set(r, "beneficiaries", both);
	put(r, NULL);
	struct today_list l;
	list(ANNING, TODAY, true, &l);
	ck_assert_ptr_nonnull(item(&l, elder));   /* still due a visit, as far as anning sees */
	today_list_free(&l);
	/* the other village's worker sees the visit done */
	list(GUABANG, TODAY, true, &l);
	ck_assert_ptr_null(item(&l, other));
	today_list_free(&l);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("today");
	TCase *tc = tcase_create("today");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_followups);
	tcase_add_test(tc, test_referrals);
	tcase_add_test(tc, test_visits);
	tcase_add_test(tc, test_visits_file);
	tcase_add_test(tc, test_unreadable_link);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
