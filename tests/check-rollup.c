/* check-rollup.c: a county's report of its townships' figures (rollup.c)
 * against the townships' own reports.  Two township servers (攀莲镇 with
 * two villages, 丙谷镇 with one) make their figures files
 * (sync_figures_make); a county server keeps them (sync_figures_apply);
 * for a month, another month, the quarter, a month before and one after,
 * every village column of the county's rollup equals the township's own
 * report column of that village, every figure as the report writes it
 * (services and people served by function, other, all; volunteer hours;
 * needs opened and met; referrals made and resolved, their median and
 * mean days; organisations; volunteers active), each township's subtotal
 * equals its township's total (its own records with its villages'), the
 * total is the sum of the subtotals; November by hand (a resident served
 * in two villages one person in the subtotal, the mean of two townships'
 * days, their median not available); an older file (no report rows) of
 * one township, kept after its newer one: "—" for all but its services
 * and needs; a township worker on the county server sees their own
 * township alone; the names come from the county's units, else codes. */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "form.h"
#include "orgunit.h"
#include "report.h"
#include "rollup.h"
#include "scope.h"
#include "sha256.h"
#include "sync.h"
#include "testdb.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct db town, other, county;
static struct scope *panlian, *binggu, *xian, *dudao, *binggu_county;
static struct formset *fs;
static char anning[REC_ID_TEXTMAX], guabang[REC_ID_TEXTMAX], xinhe[REC_ID_TEXTMAX];
static char town_id[REC_ID_TEXTMAX], other_id[REC_ID_TEXTMAX];

struct unit_def {
	const char *code, *name;
};
struct worker_def {
	const char *login, *name;
	int role;
	const char *unit;
};
struct setup_ctx {
	const struct unit_def *u;
	size_t nu;
	const struct worker_def *w;
	size_t nw;
};

static int
units_txn(store_txn *t, void *ctx)
{
	struct setup_ctx *s = ctx;
	struct {
		const char *code;
		char *id;
	} keep[] = {{"510421100001", anning}, {"510421100002", guabang}, {"510421101001", xinhe},
	            {"510421100", town_id},   {"510421101", other_id}};
	for (size_t i = 0; i < s->nu; i++) {
		rec_id id;
		int err = orgunit_add(t, s->u[i].code, s->u[i].name, &id);
		if (err)
			return err;
		for (size_t k = 0; k < NELEM(keep); k++)
			if (strcmp(s->u[i].code, keep[k].code) == 0)
				rec_id_format(&id, keep[k].id);
	}
	for (size_t i = 0; i < s->nw; i++) {
		int err = worker_add(t, s->w[i].login, s->w[i].name, s->w[i].role, s->w[i].unit, NULL);
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

/* A record on d: its unit, then field, value pairs (NULL ends them). */
static void
put(struct db *d, int kind, const char *unit, ...)
{
	record *r = record_new(kind);
	ck_assert_int_eq(record_set(r, "village", unit), 0);
	va_list ap;
	va_start(ap, unit);
	for (const char *k; (k = va_arg(ap, const char *));)
		ck_assert_int_eq(record_set(r, k, va_arg(ap, const char *)), 0);
	va_end(ap);
	ck_assert_int_eq(store_write(d->st, put_txn, r), STORE_OK);
	record_free(r);
}

static void
service(struct db *d, const char *unit, const char *date, const char *fn)
{
	if (fn)
		put(d, REC_SERVICE, unit, "date", date, "function", fn, "hours", "2",
		    (const char *)NULL);
	else
		put(d, REC_SERVICE, unit, "date", date, (const char *)NULL);
}

static void
need(struct db *d, const char *unit, const char *date)
{
	put(d, REC_NEED, unit, "date", date, "status", "open", (const char *)NULL);
}

static void
setup(void)
{
	const char *dir = getenv("SHEGONG_FORMSDIR");
	struct form_error ferr;
	fs = formset_load(dir && *dir ? dir : "../forms", &ferr);
	ck_assert_msg(fs != NULL, "%s:%d: %s", ferr.file, ferr.line, ferr.msg);
	town = testdb_new("rollup-town");
	other = testdb_new("rollup-other");
	county = testdb_new("rollup-county");
	static const struct unit_def tu[] = {
		{"510421", "米易县"}, {"510421100", "攀莲镇"}, {"510421100001", "安宁村"},
		{"510421100002", "挂榜村"},
	};
	static const struct worker_def tw[] = {{"panlian", "杨社工", ROLE_TOWNSHIP, "510421100"}};
	struct setup_ctx s = {tu, NELEM(tu), tw, NELEM(tw)};
	ck_assert_int_eq(store_write(town.st, units_txn, &s), STORE_OK);
	static const struct unit_def ou[] = {
		{"510421", "米易县"}, {"510421101", "丙谷镇"}, {"510421101001", "新河村"},
	};
	static const struct worker_def ow[] = {{"binggu", "王社工", ROLE_TOWNSHIP, "510421101"}};
	struct setup_ctx o = {ou, NELEM(ou), ow, NELEM(ow)};
	ck_assert_int_eq(store_write(other.st, units_txn, &o), STORE_OK);
	ck_assert_int_eq(scope_load_now(town.st, "panlian", &panlian), 0);
	ck_assert_int_eq(scope_load_now(other.st, "binggu", &binggu), 0);

	/* 攀莲镇: November, December, October (the quarter), September */
	char two[2 * REC_ID_TEXTMAX + 2], vols[2 * REC_ID_TEXTMAX + 16], vol[REC_ID_TEXTMAX + 8];
	/* people served: 挂榜村's resident served in 安宁村 and in 挂榜村
	 * (and with four more at an activity), one person in the township */
	snprintf(two, sizeof two, "%s,%s", guabang, xinhe);
	snprintf(vols, sizeof vols, "%s:2.5,%s:1", town_id, other_id);
	put(&town, REC_SERVICE, anning, "date", "2026-11-02", "function", "care", "hours", "2",
	    "beneficiaries", two, "volunteers", vols, (const char *)NULL);
	service(&town, anning, "2026-11-15", "care");
	service(&town, anning, "2026-11-20", "探访");     /* a function the forms lack */
	service(&town, anning, "2026-11-21", NULL);       /* none at all */
	snprintf(vol, sizeof vol, "%s:1.25", town_id);
	put(&town, REC_SERVICE, guabang, "date", "2026-11-03", "function", "assessment",
	    "beneficiaries", guabang, "volunteers", vol, "headcount", "5", (const char *)NULL);
	put(&town, REC_SERVICE, guabang, "date", "2026-12-01", "function", "livelihood",
	    "beneficiaries", guabang, (const char *)NULL);
	service(&town, guabang, "2026-10-30", "care");
	service(&town, town_id, "2026-11-09", "governance"); /* the township's own */
	service(&town, anning, "2026-09-30", "care");
	need(&town, anning, "2026-11-01");
	need(&town, anning, "2026-11-30");
	need(&town, guabang, "2026-12-31");
	need(&town, town_id, "2026-11-11");
	need(&town, anning, "2026-09-01");
	put(&town, REC_REFERRAL, anning, "submitted", "2026-11-04", "resolved", "2026-11-10",
	    "status", "resolved", (const char *)NULL);
	/* made in October, resolved in November: the township's own */
	put(&town, REC_REFERRAL, town_id, "submitted", "2026-10-20", "resolved", "2026-11-02",
	    "status", "resolved", (const char *)NULL);
	/* met now (the month it was last changed) */
	put(&town, REC_NEED, guabang, "date", "2026-08-01", "status", "met", (const char *)NULL);
	put(&town, REC_ORG, anning, "stage", "cultivating", (const char *)NULL);
	put(&town, REC_ORG, town_id, "stage", "cultivating", (const char *)NULL);
	/* 丙谷镇 */
	snprintf(vol, sizeof vol, "%s:3", other_id);
	put(&other, REC_SERVICE, xinhe, "date", "2026-11-05", "function", "resources",
	    "beneficiaries", xinhe, "volunteers", vol, (const char *)NULL);
	put(&other, REC_REFERRAL, xinhe, "submitted", "2026-11-01", "resolved", "2026-11-05",
	    "status", "resolved", (const char *)NULL);
	service(&other, xinhe, "2026-12-05", "care");
	need(&other, xinhe, "2026-11-06");
	need(&other, other_id, "2026-10-06");

	/* the county knows both townships and one village by name (made
	 * after the records: its ids are not the townships') */
	static const struct unit_def cu[] = {
		{"510421", "米易县"}, {"510421100", "攀莲镇"}, {"510421101", "丙谷镇"},
		{"510421100001", "安宁村"},
	};
	static const struct worker_def cw[] = {
		{"xian", "县管理员", ROLE_ADMIN, "510421"},
		{"dudao", "周督导", ROLE_SUPERVISOR, "510421"},
		{"binggu", "王社工", ROLE_TOWNSHIP, "510421101"},
	};
	struct setup_ctx c = {cu, NELEM(cu), cw, NELEM(cw)};
	ck_assert_int_eq(store_write(county.st, units_txn, &c), STORE_OK);
	ck_assert_int_eq(scope_load_now(county.st, "xian", &xian), 0);
	ck_assert_int_eq(scope_load_now(county.st, "dudao", &dudao), 0);
	ck_assert_int_eq(scope_load_now(county.st, "binggu", &binggu_county), 0);

	/* the figures go up */
	struct {
		struct db *d;
		const struct scope *sc;
	} up[] = {{&town, panlian}, {&other, binggu}};
	for (size_t i = 0; i < NELEM(up); i++) {
		unsigned char *buf;
		size_t len, rows;
		char why[300] = "";
		scope_attach(up[i].d->st, up[i].sc);
		ck_assert_int_eq(sync_figures_make(up[i].d->st, up[i].sc, &buf, &len, &rows, why,
		                                   sizeof why),
		                 0);
		scope_attach(up[i].d->st, NULL);
		struct sync_figures got;
		bool already;
		scope_attach(county.st, xian);
		ck_assert_int_eq(sync_figures_apply(county.st, xian, buf, len, &got, &already, why,
		                                    sizeof why),
		                 0);
		scope_attach(county.st, NULL);
		free(got.rows);
		free(buf);
	}
}

static void
teardown(void)
{
	struct scope **all[] = {&panlian, &binggu, &xian, &dudao, &binggu_county};
	for (size_t i = 0; i < NELEM(all); i++) {
		scope_free(*all[i]);
		*all[i] = NULL;
	}
	formset_free(fs);
	testdb_free(&town);
	testdb_free(&other);
	testdb_free(&county);
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
report_of(struct db *d, const struct scope *sc, const char *period)
{
	struct run ru = {.o = {.sc = sc, .functions = report_functions(fs)}};
	ck_assert_int_eq(report_period_parse(period, &ru.o.period), 0);
	scope_attach(d->st, sc);
	ck_assert_int_eq(store_read(d->st, run_txn, &ru), STORE_OK);
	scope_attach(d->st, NULL);
	return ru.r;
}

static struct rollup
rollup_of(const struct scope *sc, const struct report *r)
{
	struct rollup ro;
	scope_attach(county.st, sc);
	ck_assert_int_eq(rollup_compute(county.st, sc, r, &ro), STORE_OK);
	scope_attach(county.st, NULL);
	return ro;
}

static const struct rollup_column *
column(const struct rollup *ro, const char *code, bool subtotal)
{
	for (size_t i = 0; i < ro->ncols; i++)
		if (!strcmp(ro->cols[i].code, code) && ro->cols[i].subtotal == subtotal)
			return &ro->cols[i];
	ck_abort_msg("no column %s%s", code, subtotal ? " (subtotal)" : "");
	return NULL;
}

/* Every figure of the report: the same in a and in column col of ro
 * (the total at ro->ncols), as the rows of r write them, and the
 * volunteers active. */
static void
same(const struct report *r, const struct report_figures *a, const struct rollup *ro, size_t col,
     const char *what, const char *period)
{
	const struct report_figures *b = col < ro->ncols ? &ro->cols[col].f : &ro->total;
	for (size_t s = 0; s <= REPORT_ALL(r); s++)
		ck_assert_msg(a->services[s] == b->services[s], "%s %s: services of slot %zu: %zu, %zu",
		              period, what, s, a->services[s], b->services[s]);
	ck_assert_msg(a->needs_opened == b->needs_opened, "%s %s: needs opened: %zu, %zu", period,
	              what, a->needs_opened, b->needs_opened);
	for (size_t row = 0; row < report_rows(r); row++) {
		char x[16], y[16], label[256];
		ck_assert_msg(strcmp(report_row_value(r, a, row, x, NULL), rollup_value(r, ro, col, row, y)) ==
		                  0,
		              "%s %s: %s: %s, %s", period, what, report_row_label(r, row, label, sizeof label),
		              x, y);
	}
	char n[16], v[16];
	snprintf(n, sizeof n, "%zu", a->volunteers_active);
	ck_assert_msg(strcmp(n, rollup_active(ro, col, v)) == 0, "%s %s: volunteers active: %s, %s",
	              period, what, n, v);
}

static size_t
index_of(const struct rollup *ro, const struct rollup_column *c)
{
	return (size_t)(c - ro->cols);
}

/* The township's report and the county's rollup of it, period by period. */
static void
check_township(const struct report *rc, const struct rollup *ro, struct db *d,
               const struct scope *sc, const char *code, const char *period)
{
	struct report rt = report_of(d, sc, period);
	ck_assert_uint_eq(rt.nfunctions, rc->nfunctions);
	const struct rollup_column *sub = column(ro, code, true);
	struct report_figures sum = {.services = calloc(REPORT_ALL(rc) + 1, sizeof(size_t))};
	for (size_t i = 0; i < rt.ncols; i++) {
		const struct rollup_column *c = column(ro, rt.cols[i].code, false);
		ck_assert_str_eq(c->town, code);
		same(&rt, &rt.cols[i].f, ro, index_of(ro, c), rt.cols[i].code, period);
		for (size_t s = 0; s <= REPORT_ALL(rc); s++)
			sum.services[s] += c->f.services[s];
		sum.needs_opened += c->f.needs_opened;
	}
	/* the subtotal: the township's total */
	same(&rt, &rt.total, ro, index_of(ro, sub), code, period);
	ck_assert_uint_ge(sub->f.services[REPORT_ALL(rc)], sum.services[REPORT_ALL(rc)]);
	free(sum.services);
	report_free(&rt);
}

START_TEST(test_county_equals_townships)
{
	const char *periods[] = {"2026-11", "2026-12", "2026-Q4", "2026-09", "2027-01"};
	/* the township's own records, beyond its villages', by hand */
	const size_t own_services[] = {1, 0, 1, 0, 0}, own_needs[] = {1, 0, 1, 0, 0};
	for (size_t p = 0; p < NELEM(periods); p++) {
		struct report rc = report_of(&county, xian, periods[p]);
		struct rollup ro = rollup_of(xian, &rc);
		/* 安宁村 挂榜村 攀莲镇, 新河村 丙谷镇: in every period, zero or not */
		ck_assert_uint_eq(ro.ncols, 5);
		check_township(&rc, &ro, &town, panlian, "510421100", periods[p]);
		check_township(&rc, &ro, &other, binggu, "510421101", periods[p]);
		/* subtotal = its villages + its own; total = the subtotals */
		const struct rollup_column *sub = column(&ro, "510421100", true),
		                           *a = column(&ro, "510421100001", false),
		                           *g = column(&ro, "510421100002", false),
		                           *s2 = column(&ro, "510421101", true);
		size_t all = REPORT_ALL(&rc);
		ck_assert_uint_eq(sub->f.services[all],
		                  a->f.services[all] + g->f.services[all] + own_services[p]);
		ck_assert_uint_eq(sub->f.needs_opened, a->f.needs_opened + g->f.needs_opened + own_needs[p]);
		for (size_t s = 0; s <= all; s++)
			ck_assert_uint_eq(ro.total.services[s], sub->f.services[s] + s2->f.services[s]);
		ck_assert_uint_eq(ro.total.needs_opened, sub->f.needs_opened + s2->f.needs_opened);
		rollup_free(&ro);
		report_free(&rc);
	}
}
END_TEST

/* November by hand, and what the files do not carry. */
START_TEST(test_november_by_hand)
{
	struct report rc = report_of(&county, dudao, "2026-11");
	struct rollup ro = rollup_of(dudao, &rc);
	ck_assert_uint_eq(ro.ncols, 5);
	const struct rollup_column *a = column(&ro, "510421100001", false);
	size_t care = 0;
	while (strcmp(rc.functions[care].value, "care") != 0)
		care++;
	ck_assert_uint_eq(a->f.services[care], 2);
	ck_assert_uint_eq(a->f.services[REPORT_OTHER(&rc)], 2);
	ck_assert_uint_eq(a->f.services[REPORT_ALL(&rc)], 4);
	ck_assert_uint_eq(a->f.needs_opened, 2);
	ck_assert_uint_eq(ro.total.services[REPORT_ALL(&rc)], 7);
	ck_assert_uint_eq(ro.total.needs_opened, 4);
	/* the names: the county's for 安宁村, the code for 挂榜村 it lacks */
	ck_assert_str_eq(a->name, "安宁村");
	ck_assert_str_eq(column(&ro, "510421100002", false)->name, "510421100002");
	ck_assert_str_eq(column(&ro, "510421100", true)->name, "攀莲镇");
	/* the order: a township's villages, then its subtotal */
	ck_assert_str_eq(ro.cols[0].code, "510421100001");
	ck_assert(ro.cols[2].subtotal && ro.cols[4].subtotal && !ro.cols[3].subtotal);
	/* the report's other figures, by hand */
	char buf[16];
	size_t ia = index_of(&ro, a), isub = index_of(&ro, column(&ro, "510421100", true)),
	       ig = index_of(&ro, column(&ro, "510421100002", false));
	ck_assert_uint_eq(a->f.people[REPORT_ALL(&rc)], 2);
	ck_assert_uint_eq(ro.cols[ig].f.people[REPORT_ALL(&rc)], 5);
	/* 挂榜村's resident once in the township: 2 + 4 at the activity */
	ck_assert_uint_eq(ro.cols[isub].f.people[REPORT_ALL(&rc)], 6);
	ck_assert(a->f.volunteer_hours == 2.5 + 1);
	ck_assert_str_eq(rollup_active(&ro, ia, buf), "2");
	ck_assert_str_eq(rollup_active(&ro, isub, buf), "2");
	ck_assert_uint_eq(a->f.referrals_made, 1);
	ck_assert_uint_eq(ro.cols[isub].f.referrals_made, 1);
	ck_assert_uint_eq(ro.cols[isub].f.referrals_resolved, 2);
	ck_assert(ro.cols[isub].f.turnaround_mean == 9.5 && ro.cols[isub].f.turnaround_median == 9.5);
	ck_assert_uint_eq(ro.total.referrals_resolved, 3);
	ck_assert_uint_eq(ro.cols[isub].f.orgs_cultivating, 2);
	ck_assert_uint_eq(a->f.orgs_cultivating, 1);
	for (size_t row = 0; row < report_rows(&rc); row++) {
		enum report_figure f = report_row_figure(&rc, row);
		const char *t = rollup_value(&rc, &ro, ro.ncols, row, buf);
		/* the mean of both townships' days; no median of two lists */
		if (f == REPORT_DAYS_MEAN)
			ck_assert_str_eq(t, "7.67");
		else if (f == REPORT_DAYS_MEDIAN)
			ck_assert_str_eq(t, ROLLUP_NA);
		else
			ck_assert_str_ne(t, ROLLUP_NA);
	}
	char label[192];
	ck_assert_ptr_nonnull(strstr(rollup_column_label(column(&ro, "510421100", true), label,
	                                                 sizeof label),
	                             "攀莲镇 subtotal (figures of 20"));
	rollup_free(&ro);
	report_free(&rc);
}
END_TEST

/* A township worker on the county server: their township alone; a
 * county with no figures kept: no column. */
START_TEST(test_scope)
{
	struct report rc = report_of(&county, binggu_county, "2026-11");
	struct rollup ro = rollup_of(binggu_county, &rc);
	ck_assert_uint_eq(ro.ncols, 2);
	ck_assert_str_eq(ro.cols[0].code, "510421101001");
	ck_assert_str_eq(ro.cols[1].code, "510421101");
	ck_assert_uint_eq(ro.total.services[REPORT_ALL(&rc)], 1);
	rollup_free(&ro);
	report_free(&rc);
	/* the township's own server keeps none from below */
	rc = report_of(&town, panlian, "2026-11");
	scope_attach(town.st, panlian);
	ck_assert_int_eq(rollup_compute(town.st, panlian, &rc, &ro), STORE_OK);
	scope_attach(town.st, NULL);
	ck_assert_uint_eq(ro.ncols, 0);
	rollup_free(&ro);
	report_free(&rc);
}
END_TEST

/* A file of the older kind (counts alone: no "more" row), newer than
 * the one kept, for 丙谷镇: its columns show the counts it has and "—"
 * for the rest, never 0; 攀莲镇's keep theirs; the total is "—" for
 * what one township does not carry. */
static void
put_be(unsigned char *b, size_t *at, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--)
		b[(*at)++] = (unsigned char)(v >> (8 * i));
}

static void
put_str(unsigned char *b, size_t *at, const char *s)
{
	put_be(b, at, strlen(s), 2);
	memcpy(b + *at, s, strlen(s));
	*at += strlen(s);
}

START_TEST(test_older_file)
{
	unsigned char b[512];
	size_t at = 0;
	memcpy(b, "SHEGONG-EXCHANGE", 16);
	at = 16;
	put_be(b, &at, 3, 4);
	put_be(b, &at, 999, 8);
	put_be(b, &at, (uint64_t)(time(NULL) + 60), 8);
	put_str(b, &at, "510421101");
	put_be(b, &at, 2, 4);
	put_str(b, &at, "510421101001");
	put_str(b, &at, "2026-11");
	put_str(b, &at, "need");
	put_be(b, &at, 3, 8);
	put_str(b, &at, "510421101001");
	put_str(b, &at, "2026-11");
	put_str(b, &at, "service/care");
	put_be(b, &at, 2, 8);
	sha256(b, at, b + at);
	at += SHA256_LEN;
	struct sync_figures got;
	bool already;
	char why[300] = "";
	scope_attach(county.st, xian);
	ck_assert_int_eq(sync_figures_apply(county.st, xian, b, at, &got, &already, why, sizeof why),
	                 0);
	scope_attach(county.st, NULL);
	ck_assert(!already);
	free(got.rows);
	struct report rc = report_of(&county, xian, "2026-11");
	struct rollup ro = rollup_of(xian, &rc);
	size_t ix = index_of(&ro, column(&ro, "510421101001", false)),
	       is = index_of(&ro, column(&ro, "510421101", true)),
	       ia = index_of(&ro, column(&ro, "510421100001", false));
	char buf[16];
	for (size_t row = 0; row < report_rows(&rc); row++) {
		enum report_figure f = report_row_figure(&rc, row);
		bool counts = f == REPORT_SERVICES || f == REPORT_NEEDS_OPENED;
		for (size_t k = 0; k < 3; k++) {
			size_t col = k == 0 ? ix : k == 1 ? is : ro.ncols;
			const char *v = rollup_value(&rc, &ro, col, row, buf);
			if (counts)
				ck_assert_str_ne(v, ROLLUP_NA);
			else
				ck_assert_str_eq(v, ROLLUP_NA);
		}
		if (!counts)
			ck_assert_str_ne(rollup_value(&rc, &ro, ia, row, buf), ROLLUP_NA);
	}
	ck_assert_uint_eq(ro.cols[ix].f.needs_opened, 3);
	ck_assert_uint_eq(ro.cols[ix].f.services[REPORT_ALL(&rc)], 2);
	ck_assert_str_eq(rollup_active(&ro, ix, buf), ROLLUP_NA);
	ck_assert_str_eq(rollup_active(&ro, ro.ncols, buf), ROLLUP_NA);
	ck_assert_str_eq(rollup_active(&ro, ia, buf), "2");
	rollup_free(&ro);
	report_free(&rc);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rollup");
	TCase *tc = tcase_create("rollup");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_county_equals_townships);
	tcase_add_test(tc, test_november_by_hand);
	tcase_add_test(tc, test_scope);
	tcase_add_test(tc, test_older_file);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
