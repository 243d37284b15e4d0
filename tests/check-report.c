/* check-report.c: the report's figures against a hand count.  A county
 * with two townships and three villages; services of several functions,
 * needs, referrals and organisations on dates inside the month, inside
 * its quarter only, and outside both; every figure of every column and
 * the total asserted for the month and for the quarter, with no scope, as
 * a village worker (their village alone) and as a township worker (its
 * villages, and its own records in the total).  The month is the current
 * one, because a need counts as met in the month it was last changed. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "orgunit.h"
#include "report.h"
#include "route.h"
#include "scope.h"

#include "testdb.h"

/* --- the fixture ----------------------------------------------------------- */

static const char *
formsdir(void)
{
	const char *d = getenv("SHEGONG_FORMSDIR");
	return d && *d ? d : "../forms";
}

static struct formset *
load_forms(const char *dir)
{
	struct form_error err;
	struct formset *fs = formset_load(dir, &err);
	ck_assert_msg(fs != NULL, "%s:%d: %s", err.file, err.line, err.msg);
	return fs;
}

struct world {
	struct db d;
	struct formset *fs;   /* the shipped forms: the report's functions */
	char v1[REC_ID_TEXTMAX], v2[REC_ID_TEXTMAX], v3[REC_ID_TEXTMAX], t1[REC_ID_TEXTMAX];
	char res[6][REC_ID_TEXTMAX];    /* residents r1..r5 (index 1..5) */
	char vol[5][REC_ID_TEXTMAX];    /* volunteers a..d (index 1..4) */
	struct report_period month, quarter, outside;
	/* months: M (the month), O (another month of its quarter), X (three
	 * months before M: outside both) */
	int my, mm, oy, om, xy, xm;
	long d2;   /* the days from X-20 to M-10 (a referral resolved in M) */
};

/* "YYYY-MM-DD" of a month and a day, in a rotating buffer. */
static const char *
day(int y, int m, int d)
{
	static char bufs[16][16];
	static int next;
	char *b = bufs[next++ % 16];
	snprintf(b, 16, "%04d-%02d-%02d", y, m, d);
	return b;
}
#define M(d) day(w->my, w->mm, d)
#define O(d) day(w->oy, w->om, d)
#define X(d) day(w->xy, w->xm, d)

static long
days_between(const char *a, const char *b)
{
	struct tm ta = {0}, tb = {0};
	ck_assert_ptr_nonnull(strptime(a, "%Y-%m-%d", &ta));
	ck_assert_ptr_nonnull(strptime(b, "%Y-%m-%d", &tb));
	return (long)((timegm(&tb) - timegm(&ta)) / 86400);
}

/* A record of kind with up to 8 name/value pairs, NULL-ended; its id text
 * into out (if not NULL). */
struct put {
	int kind;
	const char *kv[17];
};

static void
put(store_txn *t, struct put p, char *out)
{
	record *r = record_new(p.kind);
	ck_assert_ptr_nonnull(r);
	for (size_t i = 0; p.kv[i]; i += 2)
		ck_assert_int_eq(record_set(r, p.kv[i], p.kv[i + 1]), 0);
	ck_assert_int_eq(store_put(t, r), STORE_OK);
	if (out)
		rec_id_format(&r->id, out);
	record_free(r);
}
#define PUT(out, k, ...) put(t, (struct put){k, {__VA_ARGS__, NULL}}, out)

static void
unit_id(store_txn *t, const char *code, char *out)
{
	record *u;
	ck_assert_int_eq(orgunit_by_code(t, code, &u), STORE_OK);
	rec_id_format(&u->id, out);
	record_free(u);
}

static char *
list2(char *buf, const char *a, const char *b)
{
	snprintf(buf, 256, "%s%s%s", a, b ? "," : "", b ? b : "");
	return buf;
}

static int
setup_txn(store_txn *t, void *ctx)
{
	struct world *w = ctx;
	static const char *const units[][2] = {
		{"510421", "米易县"},       {"510421100", "攀莲镇"},    {"510421101", "丙谷镇"},
		{"510421100001", "安宁村"}, {"510421100002", "挂榜村"}, {"510421101001", "新山村"},
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		ck_assert_int_eq(orgunit_add(t, units[i][0], units[i][1], NULL), STORE_OK);
	ck_assert_int_eq(worker_add(t, "cun", "村社工", ROLE_VILLAGE, "510421100001", NULL), 0);
	ck_assert_int_eq(worker_add(t, "zhen", "镇社工", ROLE_TOWNSHIP, "510421100", NULL), 0);
	unit_id(t, "510421100001", w->v1);
	unit_id(t, "510421100002", w->v2);
	unit_id(t, "510421101001", w->v3);
	unit_id(t, "510421100", w->t1);
	const char *home[6] = {NULL, w->v1, w->v1, w->v1, w->v2, w->v3};
	for (int i = 1; i <= 5; i++)
		PUT(w->res[i], REC_RESIDENT, "name", "居民", "village", home[i]);
	for (int i = 1; i <= 4; i++)
		PUT(w->vol[i], REC_VOLUNTEER, "name", "志愿者", "village", w->v1);
	char **r = (char *[]){NULL, w->res[1], w->res[2], w->res[3], w->res[4], w->res[5]};
	char **v = (char *[]){NULL, w->vol[1], w->vol[2], w->vol[3], w->vol[4]};
	char b[256], h[256];

	/* services: village, function, date, beneficiaries, headcount, volunteers */
	snprintf(h, sizeof h, "%s:2.5", v[1]);
	PUT(NULL, REC_SERVICE, "village", w->v1, "function", "assessment", "date", M(5),
	    "beneficiaries", list2(b, r[1], r[2]), "volunteers", h);                     /* S1 */
	snprintf(h, sizeof h, "%s:1, %s:1.5", v[1], v[2]);
	PUT(NULL, REC_SERVICE, "village", w->v1, "function", "care", "date", M(10),
	    "beneficiaries", r[1], "volunteers", h);                                      /* S2 */
	snprintf(h, sizeof h, "%s:3", v[2]);
	PUT(NULL, REC_SERVICE, "village", w->v1, "function", "governance", "date", M(12),
	    "beneficiaries", r[3], "headcount", "20", "volunteers", h);                  /* S3 */
	snprintf(h, sizeof h, "%s:4", v[3]);
	PUT(NULL, REC_SERVICE, "village", w->v2, "function", "care", "date", M(15),
	    "beneficiaries", list2(b, r[4], r[1]), "volunteers", h);                     /* S4 */
	snprintf(h, sizeof h, "%s:2", v[3]);
	PUT(NULL, REC_SERVICE, "village", w->v2, "function", "livelihood", "date", O(3),
	    "beneficiaries", r[4], "volunteers", h);                                      /* S5 */
	snprintf(h, sizeof h, "%s:1.25", v[4]);
	PUT(NULL, REC_SERVICE, "village", w->v3, "function", "assistance", "date", M(20),
	    "beneficiaries", r[5], "volunteers", h);                                      /* S6 */
	snprintf(h, sizeof h, "%s:10", v[1]);
	PUT(NULL, REC_SERVICE, "village", w->v1, "function", "assessment", "date", X(8),
	    "beneficiaries", r[2], "volunteers", h);                                      /* S7 */
	snprintf(h, sizeof h, "%s:0.5", v[1]);
	PUT(NULL, REC_SERVICE, "village", w->t1, "function", "resources", "date", M(2),
	    "beneficiaries", r[1], "headcount", "5", "volunteers", h);                   /* S8 */
	PUT(NULL, REC_SERVICE, "village", w->v1, "function", "festival", "date", M(25),
	    "headcount", "3");                                                            /* S9 */
	snprintf(h, sizeof h, "%s:x,%s:2", v[1], v[2]);
	PUT(NULL, REC_SERVICE, "village", w->v1, "function", "assistance", "date", O(28),
	    "beneficiaries", r[2], "headcount", "abc", "volunteers", h);                 /* S10 */

	/* needs: village, date taken, status (met ones: changed now, in M) */
	PUT(NULL, REC_NEED, "village", w->v1, "date", M(3), "status", "open");          /* N1 */
	PUT(NULL, REC_NEED, "village", w->v1, "date", M(4), "status", "met");           /* N2 */
	PUT(NULL, REC_NEED, "village", w->v1, "date", X(1), "status", "met");           /* N3 */
	PUT(NULL, REC_NEED, "village", w->v2, "date", O(5), "status", "met");           /* N4 */
	PUT(NULL, REC_NEED, "village", w->v3, "date", M(9), "status", "in_progress");   /* N5 */
	PUT(NULL, REC_NEED, "village", w->v2, "date", X(2), "status", "open");          /* N6 */
	PUT(NULL, REC_NEED, "village", w->v3, "date", X(2), "status", "metered");       /* N7 */

	/* referrals: sender, submitted, resolved */
	PUT(NULL, REC_REFERRAL, "village", w->v1, "to_unit", w->t1, "submitted", M(2),
	    "resolved", M(6));                                                            /* F1: 4 */
	PUT(NULL, REC_REFERRAL, "village", w->v1, "to_unit", w->t1, "submitted", X(20),
	    "resolved", M(10));                                                           /* F2: d2 */
	PUT(NULL, REC_REFERRAL, "village", w->v2, "to_unit", w->t1, "submitted", M(5));  /* F3 */
	PUT(NULL, REC_REFERRAL, "village", w->v2, "to_unit", w->t1, "submitted", M(1),
	    "resolved", M(21));                                                           /* F4: 20 */
	PUT(NULL, REC_REFERRAL, "village", w->v3, "submitted", X(1), "resolved", X(11)); /* F5 */
	PUT(NULL, REC_REFERRAL, "village", w->t1, "submitted", M(7), "resolved", M(8));  /* F6: 1 */
	PUT(NULL, REC_REFERRAL, "village", w->v1, "to_unit", w->t1, "submitted", O(4),
	    "resolved", O(9));                                                            /* F7: 5 */
	PUT(NULL, REC_REFERRAL, "village", w->v1, "to_unit", w->t1, "status", "draft");  /* F8 */

	/* organisations: stage now */
	PUT(NULL, REC_ORG, "village", w->v1, "name", "O1", "stage", "cultivating");
	PUT(NULL, REC_ORG, "village", w->v1, "name", "O2", "stage", "active");
	PUT(NULL, REC_ORG, "village", w->v2, "name", "O3", "stage", "cultivating");
	PUT(NULL, REC_ORG, "village", w->t1, "name", "O4", "stage", "cultivating");
	PUT(NULL, REC_ORG, "village", w->v3, "name", "O5", "stage", "dormant");
	return 0;
}

static struct world *
world_new(void)
{
	struct world *w = calloc(1, sizeof *w);
	ck_assert_ptr_nonnull(w);
	time_t now = time(NULL);
	struct tm tm;
	ck_assert_ptr_nonnull(localtime_r(&now, &tm));
	char today[16];
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	ck_assert_int_eq(report_period_month_of(today, &w->month), 0);
	w->quarter = w->month;
	report_period_toggle(&w->quarter);
	w->my = w->month.year;
	w->mm = w->month.month;
	/* another month of the quarter: the next when M is its first */
	struct report_period o = w->month;
	report_period_step(&o, w->mm == w->quarter.month ? 1 : -1);
	w->oy = o.year;
	w->om = o.month;
	w->outside = w->month;
	report_period_step(&w->outside, -3);
	w->xy = w->outside.year;
	w->xm = w->outside.month;
	w->d2 = days_between(X(20), M(10));
	w->fs = load_forms(formsdir());
	w->d = testdb_new("report");
	ck_assert_int_eq(store_write(w->d.st, setup_txn, w), STORE_OK);
	return w;
}

static void
world_free(struct world *w)
{
	store_set_policy(w->d.st, NULL, NULL);
	testdb_free(&w->d);
	formset_free(w->fs);
	free(w);
}

struct run {
	struct report_opts o;
	struct report r;
};

static int
run_txn(store_txn *t, void *ctx)
{
	struct run *ru = ctx;
	return report_compute(t, &ru->o, &ru->r);
}

static struct report
compute(struct world *w, struct report_period p, const struct scope *sc, const char *village)
{
	struct run ru = {.o = {p, sc, village, report_functions(w->fs)}};
	ck_assert_int_eq(store_read(w->d.st, run_txn, &ru), STORE_OK);
	return ru.r;
}

/* What a column should hold; services and people by function in the
 * order of forms/choices, then other functions, then all. */
struct want {
	size_t svc[8], ppl[8];
	double hours;
	size_t opened, met, made, resolved;
	double median, mean;
	size_t orgs;
};

static void
expect(const struct report_figures *f, const struct want *x, const char *what)
{
	for (int i = 0; i < 8; i++) {
		ck_assert_msg(f->services[i] == x->svc[i], "%s: services[%d] %zu, want %zu", what, i,
		              f->services[i], x->svc[i]);
		ck_assert_msg(f->people[i] == x->ppl[i], "%s: people[%d] %zu, want %zu", what, i,
		              f->people[i], x->ppl[i]);
	}
	ck_assert_msg(f->volunteer_hours > x->hours - 1e-9 && f->volunteer_hours < x->hours + 1e-9,
	              "%s: hours %g, want %g", what, f->volunteer_hours, x->hours);
	ck_assert_msg(f->needs_opened == x->opened, "%s: needs opened %zu, want %zu", what,
	              f->needs_opened, x->opened);
	ck_assert_msg(f->needs_met == x->met, "%s: needs met %zu, want %zu", what, f->needs_met,
	              x->met);
	ck_assert_msg(f->referrals_made == x->made, "%s: referrals made %zu, want %zu", what,
	              f->referrals_made, x->made);
	ck_assert_msg(f->referrals_resolved == x->resolved, "%s: resolved %zu, want %zu", what,
	              f->referrals_resolved, x->resolved);
	ck_assert_msg(f->turnaround_median > x->median - 1e-9 &&
	                  f->turnaround_median < x->median + 1e-9,
	              "%s: median %g, want %g", what, f->turnaround_median, x->median);
	ck_assert_msg(f->turnaround_mean > x->mean - 1e-9 && f->turnaround_mean < x->mean + 1e-9,
	              "%s: mean %g, want %g", what, f->turnaround_mean, x->mean);
	ck_assert_msg(f->orgs_cultivating == x->orgs, "%s: orgs %zu, want %zu", what,
	              f->orgs_cultivating, x->orgs);
}

/* The hand counts.  Functions: assessment, assistance, care, governance,
 * resources, livelihood, other (S9's "festival"), all. */
static struct want
month_v1(void)
{
	/* S1 S2 S3 S9; people: {r1 r2} {r1} {r3}+19, all {r1 r2 r3}+19+3;
	 * hours 2.5+2.5+3; needs N1 N2 opened, N2 N3 met; F1 made, F1 (4) and
	 * F2 resolved; O1 */
	return (struct want){{1, 0, 1, 1, 0, 0, 1, 4}, {2, 0, 1, 20, 0, 0, 3, 25}, 8, 2, 2, 1, 2, 0,
	                     0, 1};
}

static struct want
month_v2(void)
{
	/* S4 {r4 r1}; N4 met; F3 F4 made, F4 (20) resolved; O3 */
	return (struct want){{0, 0, 1, 0, 0, 0, 0, 1}, {0, 0, 2, 0, 0, 0, 0, 2}, 4, 0, 1, 2, 1, 20, 20,
	                     1};
}

static struct want
month_v3(void)
{
	/* S6 {r5}; N5 opened */
	return (struct want){{0, 1, 0, 0, 0, 0, 0, 1}, {0, 1, 0, 0, 0, 0, 0, 1}, 1.25, 1, 0, 0, 0, 0, 0,
	                     0};
}

START_TEST(test_month)
{
	struct world *w = world_new();
	struct report r = compute(w, w->month, NULL, NULL);
	ck_assert_uint_eq(r.ncols, 3);
	ck_assert_str_eq(r.cols[0].code, "510421100001");
	ck_assert_str_eq(r.cols[0].name, "安宁村");
	ck_assert_str_eq(r.cols[1].code, "510421100002");
	ck_assert_str_eq(r.cols[2].code, "510421101001");
	struct want v1 = month_v1();
	v1.median = v1.mean = (4.0 + (double)w->d2) / 2;
	expect(&r.cols[0].f, &v1, "month V1");
	struct want v2 = month_v2(), v3 = month_v3();
	expect(&r.cols[1].f, &v2, "month V2");
	expect(&r.cols[2].f, &v3, "month V3");
	/* the total: the villages and the township's own S8 (r1 + 4), F6 (1
	 * day), O4; people once each: {r1..r5} + 19 + 4 + 3 */
	struct want tot = {{1, 1, 2, 1, 1, 0, 1, 7}, {2, 1, 2, 20, 5, 0, 3, 31}, 13.75, 3, 3, 4, 4,
	                   /* 1 4 20 d2 */ 12, (25.0 + (double)w->d2) / 4, 3};
	expect(&r.total, &tot, "month total");
	/* volunteers active, each once: V1 a (S1 S2) b (S2 S3); V2 c; V3 d;
	 * the total a b c d (a again in S8) */
	ck_assert_uint_eq(r.cols[0].f.volunteers_active, 2);
	ck_assert_uint_eq(r.cols[1].f.volunteers_active, 1);
	ck_assert_uint_eq(r.cols[2].f.volunteers_active, 1);
	ck_assert_uint_eq(r.total.volunteers_active, 4);
	report_free(&r);
	world_free(w);
}
END_TEST

START_TEST(test_quarter)
{
	struct world *w = world_new();
	struct report r = compute(w, w->quarter, NULL, NULL);
	ck_assert_uint_eq(r.ncols, 3);
	/* V1 adds S10 (assistance, r2, hours 2 of "a:x,b:2") and F7 (5 days) */
	struct want v1 = {{1, 1, 1, 1, 0, 0, 1, 5}, {2, 1, 1, 20, 0, 0, 3, 25}, 10, 2, 2, 2, 3,
	                  5, (9.0 + (double)w->d2) / 3, 1};
	expect(&r.cols[0].f, &v1, "quarter V1");
	/* V2 adds S5 (livelihood, r4, 2 hours) and N4 opened */
	struct want v2 = {{0, 0, 1, 0, 0, 1, 0, 2}, {0, 0, 2, 0, 0, 1, 0, 2}, 6, 1, 1, 2, 1, 20, 20,
	                  1};
	expect(&r.cols[1].f, &v2, "quarter V2");
	struct want v3 = month_v3();
	expect(&r.cols[2].f, &v3, "quarter V3");
	struct want tot = {{1, 2, 2, 1, 1, 1, 1, 9}, {2, 2, 2, 20, 5, 1, 3, 31}, 17.75, 4, 3, 5, 5,
	                   /* 1 4 5 20 d2 */ 5, (30.0 + (double)w->d2) / 5, 3};
	expect(&r.total, &tot, "quarter total");
	/* S10's a and b, S5's c: no one new */
	ck_assert_uint_eq(r.cols[0].f.volunteers_active, 2);
	ck_assert_uint_eq(r.cols[1].f.volunteers_active, 1);
	ck_assert_uint_eq(r.total.volunteers_active, 4);
	report_free(&r);

	/* three months before: S7, N3 N6 N7 opened, F2 and F5 made; nothing met then */
	r = compute(w, w->outside, NULL, NULL);
	struct want xv1 = {{1, 0, 0, 0, 0, 0, 0, 1}, {1, 0, 0, 0, 0, 0, 0, 1}, 10, 1, 0, 1, 0, 0, 0,
	                   1};
	expect(&r.cols[0].f, &xv1, "outside V1");
	struct want xv3 = {{0}, {0}, 0, 1, 0, 1, 1, 10, 10, 0};
	expect(&r.cols[2].f, &xv3, "outside V3");
	ck_assert_uint_eq(r.cols[0].f.volunteers_active, 1);   /* S7's a */
	ck_assert_uint_eq(r.cols[2].f.volunteers_active, 0);
	report_free(&r);
	world_free(w);
}
END_TEST

/* A village worker: their village alone, in the column and the total;
 * the others' records (S4 names r1 too) are not read. */
START_TEST(test_village_worker)
{
	struct world *w = world_new();
	struct scope *sc;
	ck_assert_int_eq(scope_load_now(w->d.st, "cun", &sc), STORE_OK);
	scope_attach(w->d.st, sc);
	struct report r = compute(w, w->month, sc, NULL);
	ck_assert_uint_eq(r.ncols, 1);
	ck_assert_str_eq(r.cols[0].unit, w->v1);
	struct want v1 = month_v1();
	v1.median = v1.mean = (4.0 + (double)w->d2) / 2;
	expect(&r.cols[0].f, &v1, "village worker V1");
	expect(&r.total, &v1, "village worker total");
	report_free(&r);
	scope_attach(w->d.st, NULL);
	scope_free(sc);
	world_free(w);
}
END_TEST

/* A township worker: each village of the township and the total, which
 * holds the township's own records too, and nothing of the other
 * township's village. */
START_TEST(test_township_worker)
{
	struct world *w = world_new();
	struct scope *sc;
	ck_assert_int_eq(scope_load_now(w->d.st, "zhen", &sc), STORE_OK);
	scope_attach(w->d.st, sc);
	struct report r = compute(w, w->month, sc, NULL);
	ck_assert_uint_eq(r.ncols, 2);
	ck_assert_str_eq(r.cols[0].unit, w->v1);
	ck_assert_str_eq(r.cols[1].unit, w->v2);
	struct want v1 = month_v1(), v2 = month_v2();
	v1.median = v1.mean = (4.0 + (double)w->d2) / 2;
	expect(&r.cols[0].f, &v1, "township V1");
	expect(&r.cols[1].f, &v2, "township V2");
	/* S1 S2 S3 S4 S8 S9; people {r1 r2 r3 r4} + 19 + 4 + 3; F1 F3 F4 F6
	 * made, 1 4 20 d2 resolved */
	struct want tot = {{1, 0, 2, 1, 1, 0, 1, 6}, {2, 0, 2, 20, 5, 0, 3, 30}, 12.5, 2, 3, 4, 4,
	                   12, (25.0 + (double)w->d2) / 4, 3};
	expect(&r.total, &tot, "township total");
	report_free(&r);

	/* one village asked for: that column and the total are the same */
	r = compute(w, w->quarter, sc, w->v2);
	ck_assert_uint_eq(r.ncols, 1);
	struct want qv2 = {{0, 0, 1, 0, 0, 1, 0, 2}, {0, 0, 2, 0, 0, 1, 0, 2}, 6, 1, 1, 2, 1, 20, 20,
	                   1};
	expect(&r.cols[0].f, &qv2, "township, V2 alone");
	expect(&r.total, &qv2, "township, V2 alone: total");
	report_free(&r);
	scope_attach(w->d.st, NULL);
	scope_free(sc);
	world_free(w);
}
END_TEST

/* The services of the last six months, oldest first. */
struct trend_run {
	struct report_opts o;
	struct report r;
	size_t *counts;
};

static int
trend_run_txn(store_txn *t, void *ctx)
{
	struct trend_run *tr = ctx;
	int err = report_compute(t, &tr->o, &tr->r);
	return err ? err : report_trend(t, &tr->o, &tr->r, 6, &tr->counts);
}

START_TEST(test_trend)
{
	struct world *w = world_new();
	struct trend_run tr = {.o = {w->month, NULL, NULL, report_functions(w->fs)}};
	ck_assert_int_eq(store_read(w->d.st, trend_run_txn, &tr), STORE_OK);
	/* months M-5 .. M: S7 in M-3 (V1); M: S1 S2 S3 S9 (V1), S4 (V2), S6
	 * (V3), S8 (total); S5 and S10 are in O, M-1 when M is not the
	 * quarter's first month */
	size_t *c = tr.counts;
	bool o_before = w->mm != w->quarter.month;
	size_t v1[6] = {0, 0, 1, 0, o_before ? 1 : 0, 4};
	size_t v2[6] = {0, 0, 0, 0, o_before ? 1 : 0, 1};
	size_t tot[6] = {0, 0, 1, 0, o_before ? 2 : 0, 7};
	for (int m = 0; m < 6; m++) {
		ck_assert_uint_eq(c[0 * 6 + m], v1[m]);
		ck_assert_uint_eq(c[1 * 6 + m], v2[m]);
		ck_assert_uint_eq(c[2 * 6 + m], m == 5 ? 1 : 0);
		ck_assert_uint_eq(c[3 * 6 + m], tot[m]);
	}
	free(tr.counts);
	report_free(&tr.r);
	world_free(w);
}
END_TEST

START_TEST(test_periods)
{
	struct report_period p;
	char buf[16];
	ck_assert_int_eq(report_period_parse("2026-03", &p), 0);
	ck_assert_int_eq(p.year, 2026);
	ck_assert_int_eq(p.month, 3);
	ck_assert_int_eq(p.months, 1);
	ck_assert(report_period_has(&p, "2026-03-31"));
	ck_assert(!report_period_has(&p, "2026-04-01"));
	ck_assert(!report_period_has(&p, "2026-030"));
	ck_assert(!report_period_has(&p, NULL));
	report_period_step(&p, -3);
	ck_assert_str_eq(report_period_format(&p, buf), "2025-12");
	report_period_toggle(&p);
	ck_assert_str_eq(report_period_format(&p, buf), "2025-Q4");
	ck_assert_int_eq(p.month, 10);
	report_period_step(&p, 1);
	ck_assert_str_eq(report_period_format(&p, buf), "2026-Q1");
	ck_assert(report_period_has(&p, "2026-02-10"));
	ck_assert(!report_period_has(&p, "2026-04-01"));
	report_period_toggle(&p);
	ck_assert_str_eq(report_period_format(&p, buf), "2026-01");
	ck_assert_int_eq(report_period_parse("2026-q4", &p), 0);
	ck_assert_int_eq(p.month, 10);
	ck_assert_int_eq(p.months, 3);
	const char *bad[] = {"2026-13", "2026-00", "2026-Q5", "2026-Q0", "26-03", "2026-3",
	                     "2026/03", "", "2026-03-01"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_int_eq(report_period_parse(bad[i], &p), -1);
	ck_assert_int_eq(report_period_month_of("2026-11-29", &p), 0);
	ck_assert_str_eq(report_period_format(&p, buf), "2026-11");
}
END_TEST

/* The rows of a report: the functions of the forms, "other functions"
 * only when a service counted there (S9's "festival" in the month, none
 * three months before), all, then the other figures. */
START_TEST(test_rows)
{
	struct world *w = world_new();
	struct report r = compute(w, w->month, NULL, NULL);
	char label[256], val[16];
	double n;
	ck_assert_uint_eq(r.nfunctions, 6);
	ck_assert_uint_eq(report_rows(&r), 24);
	ck_assert_str_eq(report_row_label(&r, 0, label, sizeof label), "Services: Needs assessment");
	ck_assert_str_eq(report_row_value(&r, &r.total, 0, val, &n), "1");
	ck_assert_str_eq(report_row_label(&r, 5, label, sizeof label),
	                 "Services: Livelihood development");
	ck_assert_str_eq(report_row_label(&r, 6, label, sizeof label), "Services: Other functions");
	ck_assert_str_eq(report_row_value(&r, &r.total, 6, val, NULL), "1");
	ck_assert_str_eq(report_row_value(&r, &r.cols[1].f, 6, val, NULL), "0");
	ck_assert_str_eq(report_row_label(&r, 7, label, sizeof label), "Services: All services");
	ck_assert_str_eq(report_row_value(&r, &r.total, 7, val, NULL), "7");
	ck_assert_str_eq(report_row_label(&r, 8, label, sizeof label),
	                 "People served: Needs assessment");
	ck_assert_str_eq(report_row_label(&r, 14, label, sizeof label),
	                 "People served: Other functions");
	ck_assert_str_eq(report_row_value(&r, &r.total, 14, val, NULL), "3");
	ck_assert_str_eq(report_row_label(&r, 15, label, sizeof label), "People served: All services");
	ck_assert_str_eq(report_row_value(&r, &r.total, 15, val, NULL), "31");
	ck_assert_str_eq(report_row_label(&r, 16, label, sizeof label), "Volunteer hours");
	ck_assert_str_eq(report_row_value(&r, &r.total, 16, val, &n), "13.75");
	ck_assert_double_eq_tol(n, 13.75, 1e-9);
	ck_assert_str_eq(report_row_label(&r, 23, label, sizeof label),
	                 "Organisations being cultivated");
	ck_assert_str_eq(report_row_label(&r, 24, label, sizeof label), "");

	/* the figures of a column as they are written */
	struct report_figures f = r.cols[2].f;
	f.volunteer_hours = 17.75;
	f.referrals_resolved = 0;
	ck_assert_str_eq(report_row_value(&r, &f, 16, val, NULL), "17.75");
	/* no referral resolved: no turnaround, not 0 days */
	ck_assert_str_eq(report_row_label(&r, 21, label, sizeof label), "Days to resolve, median");
	ck_assert_str_eq(report_row_value(&r, &f, 21, val, NULL), "-");
	f.referrals_resolved = 3;
	f.turnaround_mean = 31.0 / 3;
	ck_assert_str_eq(report_row_value(&r, &f, 22, val, NULL), "10.33");
	f.turnaround_median = 2.5;
	ck_assert_str_eq(report_row_value(&r, &f, 21, val, NULL), "2.5");
	report_free(&r);

	/* no other function three months before: the six and all */
	r = compute(w, w->outside, NULL, NULL);
	ck_assert_uint_eq(report_rows(&r), 22);
	ck_assert_str_eq(report_row_label(&r, 6, label, sizeof label), "Services: All services");
	ck_assert_str_eq(report_row_value(&r, &r.total, 6, val, NULL), "1");
	ck_assert_str_eq(report_row_label(&r, 13, label, sizeof label), "People served: All services");
	ck_assert_str_eq(report_row_label(&r, 21, label, sizeof label),
	                 "Organisations being cultivated");
	report_free(&r);
	world_free(w);
}
END_TEST

/* --- a seventh service form ------------------------------------------------ */

/* The text of a file, malloc'd. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	char *buf = calloc(1, 1 << 16);
	ck_assert_ptr_nonnull(buf);
	size_t n = fread(buf, 1, (1 << 16) - 1, f);
	ck_assert(n > 0 && n < (1 << 16) - 1);
	fclose(f);
	return buf;
}

/* Write a file of dir: the texts a, b and c one after the other. */
static void
spill(const char *dir, const char *name, const char *a, const char *b, const char *c)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	ck_assert_int_ge(fputs(a, f), 0);
	ck_assert_int_ge(fputs(b, f), 0);
	ck_assert_int_ge(fputs(c, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

#define MEDIATION_LINE "  mediation    Mediation\n"

/* The shipped forms in a folder of their own, with a seventh service
 * form and its line in "choices service": all a seventh service takes. */
static char *
forms_with_mediation(void)
{
	char *dir = testdb_dir("forms7"), *cmd;
	ck_assert_int_ge(asprintf(&cmd, "cp '%s'/* '%s'/", formsdir(), dir), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	spill(dir, "service_mediation.form",
	      "# Service record: mediation of disputes, a seventh function.\n"
	      "form     service_mediation\n"
	      "title    Service: mediation\n"
	      "kind     service\n"
	      "version  1\n"
	      "list     date beneficiaries content\n"
	      "\n"
	      "include  service\n"
	      "\n"
	      "field function\n"
	      "  default   mediation\n"
	      "  readonly  yes\n",
	      "", "");
	/* the line goes last in the list, after livelihood */
	char path[512];
	snprintf(path, sizeof path, "%s/choices", dir);
	char *text = slurp(path);
	const char *last = "  livelihood   Livelihood development\n";
	char *at = strstr(text, last);
	ck_assert_msg(at != NULL, "forms/choices: no livelihood line in \"choices service\"");
	at += strlen(last);
	char *tail = strdup(at);
	ck_assert_ptr_nonnull(tail);
	*at = '\0';
	spill(dir, "choices", text, MEDIATION_LINE, tail);
	free(tail);
	free(text);
	return dir;
}

struct seventh {
	struct formset *fs;
	const char *today;
	char village[REC_ID_TEXTMAX], res[3][REC_ID_TEXTMAX];
};

/* A service saved as a worker saves it: its form's defaults (the
 * function a service form fixes), its beneficiaries, the form's check. */
static void
save_service(store_txn *t, struct seventh *sv, const char *form, const char *who)
{
	const struct form *f = formset_find(sv->fs, form);
	ck_assert_msg(f != NULL, "no form %s", form);
	record *r = record_new(REC_SERVICE);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(record_set(r, "_form", form), 0);
	struct form_env env = {"tester", sv->village, sv->today, false, UNIT_VILLAGE, NULL};
	ck_assert_int_eq(form_apply_defaults(f, r, &env), 0);
	ck_assert_int_eq(record_set(r, "beneficiaries", who), 0);
	ck_assert_int_eq(record_set(r, "work_kind", "visit"), 0);
	ck_assert_int_eq(record_set(r, "content", "入户走访"), 0);
	char msg[256];
	size_t bad;
	const char *why = form_check_record(f, r, &bad, msg, sizeof msg);
	ck_assert_msg(why == NULL, "%s: %s", form, why);
	ck_assert_int_eq(store_put(t, r), STORE_OK);
	record_free(r);
}

static int
seventh_txn(store_txn *t, void *ctx)
{
	struct seventh *sv = ctx;
	ck_assert_int_eq(orgunit_add(t, "510421", "米易县", NULL), STORE_OK);
	ck_assert_int_eq(orgunit_add(t, "510421100", "攀莲镇", NULL), STORE_OK);
	ck_assert_int_eq(orgunit_add(t, "510421100001", "安宁村", NULL), STORE_OK);
	unit_id(t, "510421100001", sv->village);
	for (int i = 0; i < 3; i++)
		PUT(sv->res[i], REC_RESIDENT, "name", "居民", "village", sv->village);
	char two[256];
	save_service(t, sv, "service_mediation", sv->res[0]);
	save_service(t, sv, "service_mediation", list2(two, sv->res[0], sv->res[1]));
	save_service(t, sv, "service_care", sv->res[0]);
	save_service(t, sv, "service_assessment", sv->res[2]);
	save_service(t, sv, "service_livelihood", list2(two, sv->res[1], sv->res[2]));
	return 0;
}

/* The figures of the month with the functions of fs. */
static struct report
compute_with(store *st, const struct report_period *p, const struct formset *fs)
{
	struct run ru = {.o = {*p, NULL, NULL, report_functions(fs)}};
	ck_assert_int_eq(store_read(st, run_txn, &ru), STORE_OK);
	return ru.r;
}

/* The value of the row labelled label in the total, or -1 when no row is. */
static long
row_named(const struct report *r, const char *label)
{
	char buf[256], val[16];
	double n;
	for (size_t row = 0; row < report_rows(r); row++)
		if (strcmp(report_row_label(r, row, buf, sizeof buf), label) == 0) {
			report_row_value(r, &r->total, row, val, &n);
			return (long)n;
		}
	return -1;
}

/* A seventh service form: its file and its choice line are all it takes
 * for the report to count it in a row of its own, in the column and the
 * total, leaving the six rows as they were. */
START_TEST(test_seventh_function)
{
	char *dir = forms_with_mediation();
	struct seventh sv = {load_forms(dir), NULL, "", {""}};
	struct formset *six = load_forms(formsdir());
	const struct form_choices *fc = report_functions(sv.fs);
	ck_assert_ptr_nonnull(fc);
	ck_assert_uint_eq(fc->n, 7);
	ck_assert_str_eq(fc->items[6].value, "mediation");
	ck_assert_uint_eq(report_functions(six)->n, 6);
	/* a function the list does not hold is refused when saved (and a
	 * form fixing one does not load: below) */
	char msg[256], *norm = NULL;
	const struct form_field *fn = form_field(formset_for_kind(six, REC_SERVICE), "function");
	ck_assert_ptr_nonnull(form_check_value(fn, "mediation", &norm, msg, sizeof msg));
	ck_assert_ptr_null(norm);

	time_t now = time(NULL);
	struct tm tm;
	char today[16];
	ck_assert_ptr_nonnull(localtime_r(&now, &tm));
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	sv.today = today;
	struct report_period month;
	ck_assert_int_eq(report_period_month_of(today, &month), 0);
	struct db d = testdb_new("report7");
	ck_assert_int_eq(store_write(d.st, seventh_txn, &sv), STORE_OK);

	/* with the seventh form: its own row, in the column and the total */
	struct report r7 = compute_with(d.st, &month, sv.fs);
	ck_assert_uint_eq(r7.nfunctions, 7);
	ck_assert_uint_eq(r7.ncols, 1);
	ck_assert_uint_eq(report_rows(&r7), 24);
	char label[256], label6[256], val[16];
	ck_assert_str_eq(report_row_label(&r7, 6, label, sizeof label), "Services: Mediation");
	ck_assert_str_eq(report_row_value(&r7, &r7.cols[0].f, 6, val, NULL), "2");
	ck_assert_str_eq(report_row_value(&r7, &r7.total, 6, val, NULL), "2");
	ck_assert_int_eq(row_named(&r7, "People served: Mediation"), 2);
	ck_assert_int_eq(row_named(&r7, "Services: All services"), 5);
	ck_assert_int_eq(row_named(&r7, "People served: All services"), 3);
	ck_assert_int_eq(row_named(&r7, "Services: Other functions"), -1);
	ck_assert_uint_eq(r7.total.services[REPORT_OTHER(&r7)], 0);

	/* the six rows are what the six forms alone give, where the
	 * mediation services are another function */
	struct report r6 = compute_with(d.st, &month, six);
	ck_assert_uint_eq(r6.nfunctions, 6);
	ck_assert_int_eq(row_named(&r6, "Services: Other functions"), 2);
	ck_assert_int_eq(row_named(&r6, "People served: Other functions"), 2);
	ck_assert_int_eq(row_named(&r6, "Services: All services"), 5);
	size_t want[6] = {1, 0, 1, 0, 0, 1}, wantp[6] = {1, 0, 1, 0, 0, 2};
	for (size_t i = 0; i < 6; i++) {
		ck_assert_str_eq(r7.functions[i].value, r6.functions[i].value);
		ck_assert_uint_eq(r7.total.services[i], want[i]);
		ck_assert_uint_eq(r6.total.services[i], want[i]);
		ck_assert_uint_eq(r7.total.people[i], wantp[i]);
		ck_assert_uint_eq(r6.total.people[i], wantp[i]);
		ck_assert_uint_eq(r7.cols[0].f.services[i], want[i]);
		ck_assert_str_eq(report_row_label(&r7, i, label, sizeof label),
		                 report_row_label(&r6, i, label6, sizeof label6));
	}
	report_free(&r7);
	report_free(&r6);

	/* no service form at all: every service is another function */
	struct report r0 = compute_with(d.st, &month, NULL);
	ck_assert_uint_eq(r0.nfunctions, 0);
	ck_assert_uint_eq(report_rows(&r0), 12);
	ck_assert_int_eq(row_named(&r0, "Services: Other functions"), 5);
	ck_assert_int_eq(row_named(&r0, "Services: All services"), 5);
	report_free(&r0);

	/* the form without its choice line: the forms do not load, at it */
	char *choices;
	ck_assert_int_ge(asprintf(&choices, "%s/choices", dir), 0);
	char *text = slurp(choices);
	char *line = strstr(text, MEDIATION_LINE);
	ck_assert_ptr_nonnull(line);
	size_t len = strlen(MEDIATION_LINE);
	memmove(line, line + len, strlen(line + len) + 1);
	spill(dir, "choices", text, "", "");
	struct form_error err;
	ck_assert_ptr_null(formset_load(dir, &err));
	ck_assert_msg(strstr(err.file, "service_mediation.form") != NULL, "%s:%d: %s", err.file,
	              err.line, err.msg);
	free(text);
	free(choices);

	testdb_free(&d);
	formset_free(six);
	formset_free(sv.fs);
	testdb_rm(dir);
}
END_TEST

/* --- a specialised station's report --------------------------------------- */

struct station_world {
	struct world *w;
	char st[REC_ID_TEXTMAX], county[REC_ID_TEXTMAX];
	long e;   /* the days from X-5 to M-12 (G2) */
};

/* The county's minors' protection centre (510421-01) and its worker, and
 * referrals addressed to it: from 新山村 (丙谷镇's, outside 攀莲镇) and
 * from the county itself, in M, in O and across from X, one a draft; and
 * one of 新山村's to its township, which is not the centre's. */
static int
station_txn(store_txn *t, void *ctx)
{
	struct station_world *sw = ctx;
	struct world *w = sw->w;
	ck_assert_int_eq(orgunit_add(t, "510421-01", "米易县未成年人保护中心", NULL), STORE_OK);
	ck_assert_int_eq(route_set_takes(t, "510421-01", "youth,child"), 0);
	ck_assert_int_eq(worker_add(t, "zhan", "站社工", ROLE_TOWNSHIP, "510421-01", NULL), 0);
	unit_id(t, "510421-01", sw->st);
	unit_id(t, "510421", sw->county);
	char t2[REC_ID_TEXTMAX];
	unit_id(t, "510421101", t2);
	PUT(NULL, REC_REFERRAL, "village", w->v3, "to_unit", sw->st, "status", "resolved",
	    "submitted", M(3), "accepted", M(4), "resolved", M(9));                      /* G1: 6 */
	PUT(NULL, REC_REFERRAL, "village", w->v3, "to_unit", sw->st, "status", "resolved",
	    "submitted", X(5), "accepted", X(6), "resolved", M(12));                     /* G2: e */
	PUT(NULL, REC_REFERRAL, "village", sw->county, "to_unit", sw->st, "status",
	    "in_progress", "submitted", M(4), "accepted", M(5));                          /* G3 */
	PUT(NULL, REC_REFERRAL, "village", w->v3, "to_unit", sw->st, "status", "closed",
	    "submitted", O(2), "accepted", O(3), "resolved", O(20));                     /* G4: 18 */
	PUT(NULL, REC_REFERRAL, "village", sw->county, "to_unit", sw->st, "status", "resolved",
	    "submitted", M(1), "accepted", M(1), "resolved", M(2));                      /* G5: 1 */
	PUT(NULL, REC_REFERRAL, "village", w->v3, "to_unit", sw->st, "status", "draft"); /* G6 */
	PUT(NULL, REC_REFERRAL, "village", w->v3, "to_unit", t2, "status", "resolved",
	    "submitted", M(6), "resolved", M(7));                                         /* G7 */
	return 0;
}

static void
same_referrals(const struct report_figures *a, const struct report_figures *b, const char *what)
{
	ck_assert_msg(a->referrals_made == b->referrals_made &&
	                  a->referrals_resolved == b->referrals_resolved &&
	                  a->turnaround_median == b->turnaround_median &&
	                  a->turnaround_mean == b->turnaround_mean,
	              "%s: referrals changed", what);
}

/* The row of report_rows showing a figure. */
static size_t
row_showing(const struct report *r, enum report_figure fig)
{
	for (size_t row = 0; row < report_rows(r); row++)
		if (report_row_figure(r, row) == fig)
			return row;
	ck_abort_msg("no row shows figure %d", (int)fig);
	return 0;
}

/* A station makes no referral, it receives them: its report counts the
 * referrals addressed to it, received by "submitted", resolved and the
 * days by "resolved", as a township's counts those its villages made;
 * the township's report and the county's (by sender) are as they were. */
START_TEST(test_station_worker)
{
	struct station_world sw = {world_new(), "", "", 0};
	struct world *w = sw.w;
	struct scope *zs;
	ck_assert_int_eq(scope_load_now(w->d.st, "zhen", &zs), STORE_OK);
	scope_attach(w->d.st, zs);
	struct report zm0 = compute(w, w->month, zs, NULL), zq0 = compute(w, w->quarter, zs, NULL);
	scope_attach(w->d.st, NULL);
	struct report am0 = compute(w, w->month, NULL, NULL);
	ck_assert_int_eq(store_write(w->d.st, station_txn, &sw), STORE_OK);
	sw.e = days_between(X(5), M(12));

	struct scope *sc;
	ck_assert_int_eq(scope_load_now(w->d.st, "zhan", &sc), STORE_OK);
	ck_assert_int_eq(sc->level, UNIT_STATION);
	scope_attach(w->d.st, sc);
	/* the month: G1 G3 G5 received; G1 G2 G5 resolved, 6 e 1 days */
	struct report r = compute(w, w->month, sc, NULL);
	ck_assert(r.received);
	ck_assert_uint_eq(r.ncols, 0);
	struct want m = {.made = 3, .resolved = 3, .median = 6, .mean = (7.0 + (double)sw.e) / 3};
	expect(&r.total, &m, "station month");
	char label[256], val[16];
	size_t row = row_showing(&r, REPORT_REFERRALS_MADE);
	ck_assert_str_eq(report_row_label(&r, row, label, sizeof label), "Referrals received");
	ck_assert_str_eq(report_row_value(&r, &r.total, row, val, NULL), "3");
	row = row_showing(&r, REPORT_DAYS_MEDIAN);
	ck_assert_str_eq(report_row_value(&r, &r.total, row, val, NULL), "6");
	report_free(&r);
	/* the quarter: G4 too (18 days); G2 received before it */
	r = compute(w, w->quarter, sc, NULL);
	struct want q = {.made = 4, .resolved = 4, .median = 12, .mean = (25.0 + (double)sw.e) / 4};
	expect(&r.total, &q, "station quarter");
	report_free(&r);
	/* three months before: G2 received, nothing resolved */
	r = compute(w, w->outside, sc, NULL);
	struct want x = {.made = 1};
	expect(&r.total, &x, "station outside");
	row = row_showing(&r, REPORT_DAYS_MEAN);
	ck_assert_str_eq(report_row_value(&r, &r.total, row, val, NULL), "-");
	report_free(&r);
	scope_attach(w->d.st, NULL);
	scope_free(sc);

	/* 攀莲镇's report: none of these is its villages' or its own */
	scope_attach(w->d.st, zs);
	struct report zm = compute(w, w->month, zs, NULL), zq = compute(w, w->quarter, zs, NULL);
	ck_assert(!zm.received);
	ck_assert_uint_eq(zm.ncols, zm0.ncols);
	for (size_t i = 0; i < zm.ncols; i++) {
		same_referrals(&zm.cols[i].f, &zm0.cols[i].f, "township month column");
		same_referrals(&zq.cols[i].f, &zq0.cols[i].f, "township quarter column");
	}
	same_referrals(&zm.total, &zm0.total, "township month total");
	same_referrals(&zq.total, &zq0.total, "township quarter total");
	row = row_showing(&zm, REPORT_REFERRALS_MADE);
	ck_assert_str_eq(report_row_label(&zm, row, label, sizeof label), "Referrals made");
	ck_assert_uint_eq(report_rows(&zm), report_rows(&zm0));
	scope_attach(w->d.st, NULL);
	scope_free(zs);

	/* the county's (no scope): counted with their senders as before:
	 * 新山村 made G1 G7 and resolved G1 G2 G7; the total G1 G3 G5 G7 made,
	 * G1 G2 G5 G7 resolved */
	struct report am = compute(w, w->month, NULL, NULL);
	ck_assert(!am.received);
	ck_assert_uint_eq(am.ncols, am0.ncols);
	ck_assert_str_eq(am.cols[2].unit, w->v3);
	ck_assert_uint_eq(am.cols[2].f.referrals_made, am0.cols[2].f.referrals_made + 2);
	ck_assert_uint_eq(am.cols[2].f.referrals_resolved, am0.cols[2].f.referrals_resolved + 3);
	ck_assert_uint_eq(am.total.referrals_made, am0.total.referrals_made + 4);
	ck_assert_uint_eq(am.total.referrals_resolved, am0.total.referrals_resolved + 4);
	same_referrals(&am.cols[0].f, &am0.cols[0].f, "county V1");
	same_referrals(&am.cols[1].f, &am0.cols[1].f, "county V2");
	report_free(&am);
	report_free(&am0);
	report_free(&zm);
	report_free(&zq);
	report_free(&zm0);
	report_free(&zq0);
	world_free(w);
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("figures");
	tcase_add_test(tc, test_month);
	tcase_add_test(tc, test_quarter);
	tcase_add_test(tc, test_village_worker);
	tcase_add_test(tc, test_township_worker);
	tcase_add_test(tc, test_trend);
	tcase_add_test(tc, test_periods);
	tcase_add_test(tc, test_rows);
	tcase_add_test(tc, test_seventh_function);
	tcase_add_test(tc, test_station_worker);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(report_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
