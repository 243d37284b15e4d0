/* check-demo.c: the demo database makes sense (issue 17, item 9): people
 * whose ages and sexes agree with their ID numbers, households whose
 * relations agree with their ages, categories that fit the age, needs
 * that fit the person, services of each of the six functions spread over
 * the last six months, volunteers with hours and a certificate, a
 * registered organisation and an unregistered dance team with members,
 * resources used, a project, referrals in every state with histories
 * dated in the past and in order, follow-ups due, an elder not visited
 * this month, every count on the home menu above zero; and every record
 * obeys its form. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demo.h"
#include "form.h"
#include "record.h"
#include "refer.h"
#include "referral.h"
#include "report.h"
#include "scope.h"
#include "tally.h"
#include "valid.h"

#include "testdb.h"

static const char *
formsdir(void)
{
	const char *d = getenv("SHEGONG_FORMSDIR");
	return d && *d ? d : "../forms";
}

static struct db db;
static struct formset *fs;
static char today[11];
static struct tm now;

static void
setup(void)
{
	time_t t = time(NULL);
	localtime_r(&t, &now);
	strftime(today, sizeof today, "%Y-%m-%d", &now);
	struct form_error err;
	fs = formset_load(formsdir(), &err);
	ck_assert_ptr_nonnull(fs);
	db = testdb_new("demo");
}

/* The demo of the program's seed, and of the seeds other tests use. */
static const unsigned seeds[] = {20261129, 7, 11};
#define NSEEDS ((int)(sizeof seeds / sizeof seeds[0]))

static void
fill(int i)
{
	ck_assert_int_eq(demo_fill(db.st, "visitor", seeds[i], NULL), STORE_OK);
}

static void
teardown(void)
{
	testdb_free(&db);
	formset_free(fs);
}

/* Every record of a kind, copied. */
struct recs {
	record **v;
	size_t n;
};

static int
keep(const record *r, void *ctx)
{
	struct recs *rs = ctx;
	rs->v = realloc(rs->v, (rs->n + 1) * sizeof *rs->v);
	ck_assert_ptr_nonnull(rs->v);
	rs->v[rs->n++] = record_dup(r);
	return 0;
}

struct scan {
	int kind;
	struct recs *out;
};

static int
scan_txn(store_txn *t, void *ctx)
{
	struct scan *s = ctx;
	return store_scan(t, s->kind, NULL, keep, s->out);
}

static struct recs
all(int kind)
{
	struct recs rs = {NULL, 0};
	struct scan s = {kind, &rs};
	ck_assert_int_eq(store_read(db.st, scan_txn, &s), STORE_OK);
	return rs;
}

static void
drop(struct recs *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		record_free(rs->v[i]);
	free(rs->v);
}

static const char *
get(const record *r, const char *f)
{
	const char *v = record_get(r, f);
	return v ? v : "";
}

/* The age today of someone born on the day the ID number says. */
static int
age_of(const record *r)
{
	struct valid_idinfo info;
	ck_assert_msg(valid_idnum(get(r, "idnum"), &info) == VALID_OK, "%s: ID %s", get(r, "name"),
	              get(r, "idnum"));
	int age = now.tm_year + 1900 - info.year;
	if (now.tm_mon + 1 < info.month || (now.tm_mon + 1 == info.month && now.tm_mday < info.day))
		age--;
	return age;
}

static bool
has_cat(const record *r, const char *cat)
{
	char buf[256];
	snprintf(buf, sizeof buf, ",%s,", get(r, "categories"));
	char want[64];
	snprintf(want, sizeof want, ",%s,", cat);
	return strstr(buf, want) != NULL;
}

static const record *
by_id(const struct recs *rs, const char *id)
{
	for (size_t i = 0; i < rs->n; i++) {
		char t[REC_ID_TEXTMAX];
		if (strcmp(rec_id_format(&rs->v[i]->id, t), id) == 0)
			return rs->v[i];
	}
	return NULL;
}

/* Every record obeys the form it was made with. */
START_TEST(test_forms)
{
	fill(_i);
	static const struct {
		int kind;
		const char *form;
	} kinds[] = {{REC_RESIDENT, "resident"}, {REC_NEED, "need"},     {REC_SERVICE, NULL},
	             {REC_VOLUNTEER, "volunteer"}, {REC_ORG, "org"},     {REC_RESOURCE, "resource"},
	             {REC_PROJECT, "project"},   {REC_REFERRAL, "referral"}};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		struct recs rs = all(kinds[k].kind);
		ck_assert_msg(rs.n > 0, "the demo has no %s", kinds[k].form ? kinds[k].form : "service");
		for (size_t i = 0; i < rs.n; i++) {
			const char *name = kinds[k].form ? kinds[k].form : get(rs.v[i], "_form");
			struct form *f = formset_find(fs, name);
			ck_assert_msg(f != NULL, "no form %s", name);
			size_t bad;
			char why[256];
			const char *extra[4];
			const char *w = form_check_record(f, rs.v[i], &bad, why, sizeof why);
			ck_assert_msg(w == NULL, "a %s breaks its form: %s", name, w);
			ck_assert_msg(form_extra_fields(f, rs.v[i], extra, 4) == 0, "a %s has the field %s",
			              name, extra[0]);
		}
		drop(&rs);
	}
}
END_TEST

/* People: the sex and birth of their ID numbers, categories fitting the age. */
START_TEST(test_people)
{
	fill(_i);
	struct recs rs = all(REC_RESIDENT);
	ck_assert_uint_gt(rs.n, 100);
	size_t elders = 0, children = 0;
	for (size_t i = 0; i < rs.n; i++) {
		const record *r = rs.v[i];
		const char *name = get(r, "name");
		struct valid_idinfo info;
		ck_assert_int_eq(valid_idnum(get(r, "idnum"), &info), VALID_OK);
		ck_assert_msg(strcmp(get(r, "sex"), info.sex == 'F' ? "f" : "m") == 0,
		              "%s: sex %s, ID %s", name, get(r, "sex"), get(r, "idnum"));
		char birth[16];
		snprintf(birth, sizeof birth, "%04d-%02d-%02d", info.year, info.month, info.day);
		ck_assert_str_eq(get(r, "birth"), birth);
		int age = age_of(r);
		ck_assert_msg(age >= 0 && age < 100, "%s is %d", name, age);
		if (has_cat(r, "elder_alone") || has_cat(r, "empty_nest")) {
			ck_assert_msg(age >= 60, "%s, %d, is an elder (%s)", name, age, get(r, "categories"));
			elders++;
		}
		if (has_cat(r, "left_behind") || has_cat(r, "child_difficulty")) {
			ck_assert_msg(age < 18, "%s, %d, is a child (%s)", name, age, get(r, "categories"));
			children++;
		}
		if (age < 16)
			ck_assert_msg(!has_cat(r, "veteran") && !has_cat(r, "empty_nest"), "%s, %d: %s", name,
			              age, get(r, "categories"));
	}
	ck_assert_uint_gt(elders, 10);
	ck_assert_uint_gt(children, 10);
	drop(&rs);
}
END_TEST

/* Households: one head; a spouse of the other sex and a similar age;
 * children younger than the head, grandchildren younger still, parents
 * older; the same village, group and address. */
START_TEST(test_households)
{
	fill(_i);
	struct recs rs = all(REC_RESIDENT);
	size_t spouses = 0, grandchildren = 0, parents = 0;
	for (size_t i = 0; i < rs.n; i++) {
		const record *r = rs.v[i];
		if (strcmp(get(r, "relation"), "head") != 0)
			continue;
		int head_age = age_of(r);
		int youngest_child = 200;
		size_t members = 0;
		for (size_t j = 0; j < rs.n; j++) {
			const record *m = rs.v[j];
			if (strcmp(get(m, "household"), get(r, "household")) != 0 ||
			    strcmp(get(m, "village"), get(r, "village")) != 0)
				continue;
			members++;
			ck_assert_str_eq(get(m, "group"), get(r, "group"));
			ck_assert_str_eq(get(m, "address"), get(r, "address"));
			const char *rel = get(m, "relation");
			int age = age_of(m);
			const char *name = get(m, "name");
			if (strcmp(rel, "spouse") == 0) {
				ck_assert_msg(strcmp(get(m, "sex"), get(r, "sex")) != 0, "%s and %s: one sex",
				              name, get(r, "name"));
				ck_assert_msg(abs(age - head_age) <= 10, "%s %d, %s %d", name, age,
				              get(r, "name"), head_age);
				spouses++;
			} else if (strcmp(rel, "child") == 0) {
				ck_assert_msg(age <= head_age - 18, "child %s %d, head %d", name, age, head_age);
				if (age < youngest_child)
					youngest_child = age;
			} else if (strcmp(rel, "grandchild") == 0) {
				ck_assert_msg(age <= head_age - 36, "grandchild %s %d, head %d", name, age,
				              head_age);
				grandchildren++;
			} else if (strcmp(rel, "parent") == 0) {
				ck_assert_msg(age >= head_age + 18, "parent %s %d, head %d", name, age, head_age);
				parents++;
			} else {
				ck_assert_msg(strcmp(rel, "head") == 0 && m == r, "%s: %s", name, rel);
			}
		}
		ck_assert_uint_ge(members, 1);
	}
	ck_assert_uint_gt(spouses, 10);
	ck_assert_uint_gt(grandchildren, 5);
	ck_assert_uint_gt(parents, 5);
	drop(&rs);
}
END_TEST

/* Needs fit the person they are about. */
START_TEST(test_needs)
{
	fill(_i);
	struct recs rs = all(REC_RESIDENT), ns = all(REC_NEED);
	ck_assert_uint_gt(ns.n, 20);
	size_t due = 0;
	for (size_t i = 0; i < ns.n; i++) {
		const record *n = ns.v[i];
		const record *r = by_id(&rs, get(n, "resident"));
		ck_assert_ptr_nonnull(r);
		const char *d = get(n, "description");
		int age = age_of(r);
		if (strstr(d, "留守儿童"))
			ck_assert_msg(age < 18 && has_cat(r, "left_behind"), "%d: %s", age, d);
		if (strstr(d, "独居老人"))
			ck_assert_msg(age >= 60 && has_cat(r, "elder_alone"), "%d: %s", age, d);
		if (strstr(d, "老人"))
			ck_assert_msg(age >= 60, "%d: %s", age, d);
		if (strstr(d, "残疾人"))
			ck_assert_msg(has_cat(r, "disabled"), "%s: %s", get(r, "categories"), d);
		if (strstr(d, "精神障碍"))
			ck_assert_msg(has_cat(r, "mental"), "%s: %s", get(r, "categories"), d);
		ck_assert_msg(strcmp(get(n, "date"), today) <= 0, "a need dated %s", get(n, "date"));
		const char *f = get(n, "followup");
		const char *st = get(n, "status");
		due += *f && strcmp(f, today) <= 0 && strcmp(st, "met") != 0 && strcmp(st, "closed") != 0;
	}
	ck_assert_uint_gt(due, 0);
	drop(&rs);
	drop(&ns);
}
END_TEST

/* The months back from this one of a date (0 this month), or -1. */
static int
months_back(const char *date)
{
	int y, m, d;
	if (valid_date(date, &y, &m, &d) != VALID_OK)
		return -1;
	return (now.tm_year + 1900 - y) * 12 + now.tm_mon + 1 - m;
}

/* Services of each of the six functions in at least three of the last six
 * months; follow-ups due; an elder living alone not visited this month. */
START_TEST(test_services)
{
	fill(_i);
	const struct form_choices *fc = report_functions(fs);
	ck_assert_ptr_nonnull(fc);
	ck_assert_uint_eq(fc->n, 6);
	struct recs ss = all(REC_SERVICE), rs = all(REC_RESIDENT);
	size_t due = 0;
	for (size_t c = 0; c < fc->n; c++) {
		unsigned months = 0;
		for (size_t i = 0; i < ss.n; i++) {
			int back = months_back(get(ss.v[i], "date"));
			ck_assert_msg(back >= 0, "a service dated %s", get(ss.v[i], "date"));
			ck_assert(strcmp(get(ss.v[i], "date"), today) <= 0);
			if (strcmp(get(ss.v[i], "function"), fc->items[c].value) == 0 && back < 6)
				months |= 1u << back;
		}
		ck_assert_msg(__builtin_popcount(months) >= 3, "%s: months %x", fc->items[c].value,
		              months);
	}
	for (size_t i = 0; i < ss.n; i++) {
		const char *f = get(ss.v[i], "followup");
		due += *f && strcmp(f, today) <= 0;
	}
	ck_assert_uint_gt(due, 0);
	/* an elder living alone whom no service of this month names */
	size_t unvisited = 0;
	for (size_t i = 0; i < rs.n; i++) {
		if (!has_cat(rs.v[i], "elder_alone"))
			continue;
		char id[REC_ID_TEXTMAX];
		rec_id_format(&rs.v[i]->id, id);
		bool seen = false;
		for (size_t j = 0; j < ss.n && !seen; j++)
			seen = months_back(get(ss.v[j], "date")) == 0 &&
			       strstr(get(ss.v[j], "beneficiaries"), id);
		unvisited += !seen;
	}
	ck_assert_uint_gt(unvisited, 0);
	drop(&ss);
	drop(&rs);
}
END_TEST

struct partners {
	struct recs vols, res;
	double hours, used;
	size_t with_hours;
};

static int
tally_txn(store_txn *t, void *ctx)
{
	struct partners *p = ctx;
	for (size_t i = 0; i < p->vols.n; i++) {
		double h;
		size_t n;
		int err = tally_volunteer_hours(t, &p->vols.v[i]->id, &h, &n);
		if (err)
			return err;
		p->hours += h;
		p->with_hours += h > 0;
	}
	for (size_t i = 0; i < p->res.n; i++) {
		double used, left;
		bool has;
		int err = tally_resource(t, &p->res.v[i]->id, &used, &left, &has);
		if (err)
			return err;
		p->used += used;
	}
	return 0;
}

/* Volunteers with hours and a certificate; the organisations; resources
 * used; a project. */
START_TEST(test_partners)
{
	fill(_i);
	struct partners p = {all(REC_VOLUNTEER), all(REC_RESOURCE), 0, 0, 0};
	ck_assert_int_eq(store_read(db.st, tally_txn, &p), STORE_OK);
	ck_assert_uint_eq(p.with_hours, p.vols.n);
	ck_assert(p.hours > 0);
	ck_assert(p.used > 0);
	int err = 0;
	char *cert = tally_certificate(db.st, &p.vols.v[0]->id, "安宁村", today, &err);
	ck_assert_ptr_nonnull(cert);
	ck_assert_ptr_nonnull(strstr(cert, get(p.vols.v[0], "name")));
	free(cert);
	drop(&p.vols);
	drop(&p.res);
	struct recs os = all(REC_ORG);
	size_t registered = 0, dance = 0;
	for (size_t i = 0; i < os.n; i++) {
		const record *o = os.v[i];
		ck_assert_msg(*get(o, "members"), "%s has no members", get(o, "name"));
		registered += strcmp(get(o, "registered"), "registered") == 0;
		dance += strcmp(get(o, "registered"), "unregistered") == 0 &&
		         strstr(get(o, "name"), "坝坝舞队") != NULL;
	}
	ck_assert_uint_gt(registered, 0);
	ck_assert_uint_gt(dance, 0);
	drop(&os);
	struct recs ps = all(REC_PROJECT);
	ck_assert_uint_gt(ps.n, 0);
	drop(&ps);
}
END_TEST

/* The day of a history line "YYYY-MM-DD HH:MM\t...". */
static void
stamp_of(const char *line, char out[17])
{
	snprintf(out, 17, "%.16s", line);
}

/* Referrals in every state; their histories in the past, in order, the
 * submit on the day the referral says. */
START_TEST(test_referrals)
{
	fill(_i);
	struct recs rs = all(REC_REFERRAL);
	bool state[REF_ESCALATED + 1] = {false};
	for (size_t i = 0; i < rs.n; i++) {
		const record *r = rs.v[i];
		state[refer_state(r)] = true;
		char *h = strdup(get(r, "_history"));
		ck_assert_ptr_nonnull(h);
		char prev[17] = "", stamp[17];
		size_t lines = 0;
		for (char *save, *l = strtok_r(h, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			stamp_of(l, stamp);
			int y, m, d;
			char day[11];
			snprintf(day, sizeof day, "%.10s", stamp);
			ck_assert_int_eq(valid_date(day, &y, &m, &d), VALID_OK);
			ck_assert_msg(strcmp(day, today) < 0, "%s: a step today or later: %s",
			              get(r, "number"), l);
			ck_assert_msg(strcmp(prev, stamp) <= 0, "%s: %s after %s", get(r, "number"), stamp,
			              prev);
			if (strstr(l, "\tsubmit"))
				ck_assert_str_eq(day, get(r, "submitted"));
			snprintf(prev, sizeof prev, "%s", stamp);
			lines++;
		}
		ck_assert_uint_gt(lines, 0);
		free(h);
	}
	for (int s = REF_DRAFT; s <= REF_ESCALATED; s++)
		ck_assert_msg(state[s], "no referral %s", referral_state_name(s));
	drop(&rs);
}
END_TEST

struct counts {
	const struct scope *sc;
	size_t n[REC_PROJECT + 1];
};

static int
count_txn(store_txn *t, void *ctx)
{
	struct counts *c = ctx;
	for (int k = REC_RESIDENT; k <= REC_PROJECT; k++) {
		int err = scope_count(t, c->sc, k, &c->n[k]);
		if (err)
			return err;
	}
	return 0;
}

/* Every count on the home menu above zero, for the one trying the demo
 * (a worker of 安宁村), the village's worker, the station and the
 * supervisor; this month's report and the six months' chart filled. */
START_TEST(test_counts)
{
	fill(_i);
	static const char *const logins[] = {"visitor", "anning", "panlian", "dudao"};
	for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
		struct scope *sc = NULL;
		ck_assert_int_eq(scope_load_now(db.st, logins[i], &sc), STORE_OK);
		struct counts c = {sc, {0}};
		ck_assert_int_eq(store_read(db.st, count_txn, &c), STORE_OK);
		for (int k = REC_RESIDENT; k <= REC_PROJECT; k++)
			if (k != REC_ORG && k != REC_PROJECT)
				ck_assert_msg(c.n[k] > 0, "%s: no records of kind %d", logins[i], k);
		scope_free(sc);
	}
}
END_TEST

struct rep {
	struct report_opts o;
	struct report r;
	size_t *trend;
};

static int
report_txn(store_txn *t, void *ctx)
{
	struct rep *rp = ctx;
	int err = report_compute(t, &rp->o, &rp->r);
	return err ? err : report_trend(t, &rp->o, &rp->r, 6, &rp->trend);
}

START_TEST(test_report)
{
	fill(_i);
	struct rep rp;
	memset(&rp, 0, sizeof rp);
	rp.o.functions = report_functions(fs);
	ck_assert_int_eq(report_period_month_of(today, &rp.o.period), 0);
	ck_assert_int_eq(store_read(db.st, report_txn, &rp), STORE_OK);
	ck_assert_uint_gt(rp.r.total.services[REPORT_ALL(&rp.r)], 0);
	ck_assert(rp.r.total.volunteer_hours > 0);
	for (size_t c = 0; c < rp.r.ncols; c++)
		for (int m = 0; m < 6; m++)
			ck_assert_msg(rp.trend[c * 6 + m] > 0, "%s: no services %d months ago",
			              rp.r.cols[c].name, 5 - m);
	free(rp.trend);
	report_free(&rp.r);
}
END_TEST

static Suite *
demo_suite(void)
{
	Suite *s = suite_create("demo");
	TCase *tc = tcase_create("village");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_forms, 0, NSEEDS);
	tcase_add_loop_test(tc, test_people, 0, NSEEDS);
	tcase_add_loop_test(tc, test_households, 0, NSEEDS);
	tcase_add_loop_test(tc, test_needs, 0, NSEEDS);
	tcase_add_loop_test(tc, test_services, 0, NSEEDS);
	tcase_add_loop_test(tc, test_partners, 0, NSEEDS);
	tcase_add_loop_test(tc, test_referrals, 0, NSEEDS);
	tcase_add_loop_test(tc, test_counts, 0, NSEEDS);
	tcase_add_loop_test(tc, test_report, 0, NSEEDS);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(demo_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
