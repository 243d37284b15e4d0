/* check-tiers.c: a township server's figures reaching its county server
 * (sync-tier.c) between real LMDB databases, through files: the counts
 * by village and month made on the township, kept on the county and
 * listed there in reach; the same file twice and an older file after a
 * newer changing nothing; the file cut short at every length and altered
 * at every byte refused whole; a file of a township the county does not
 * have, a row of another township's village, a supervisor, the file
 * brought back to its own maker, all refused.  One level up: a county
 * server's figures (its own counts, and its townships' newest in their
 * place) reaching its city server, kept and listed there, the same file
 * twice and an older one changing nothing; cut at every length, altered
 * at every byte, a row of a township of another county, a county the city
 * lacks, a county outside the worker's reach, a township's file brought
 * to the city and a county's to a county, all refused whole.  The
 * report's rows ride beside the counts (check-rollup.c reads them): a
 * county's file says it carries them ("more") and which township's file
 * it forwards ("held"). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "orgunit.h"
#include "scope.h"
#include "sha256.h"
#include "sync.h"
#include "testdb.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct db town, county, other, city;
static struct scope *panlian, *county_admin, *county_sup, *other_t, *city_admin, *city_sup,
	*city_yanbian;
static char anning[REC_ID_TEXTMAX], guabang[REC_ID_TEXTMAX], xinhe[REC_ID_TEXTMAX];

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
	rec_id id;
	for (size_t i = 0; i < s->nu; i++) {
		int err = orgunit_add(t, s->u[i].code, s->u[i].name, &id);
		if (err)
			return err;
		if (strcmp(s->u[i].code, "510421100001") == 0)
			rec_id_format(&id, anning);
		if (strcmp(s->u[i].code, "510421100002") == 0)
			rec_id_format(&id, guabang);
		if (strcmp(s->u[i].code, "510421101001") == 0)
			rec_id_format(&id, xinhe);
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

static void
add_on(struct db *d, int kind, const char *village, const char *date, const char *fn,
       const char *hours)
{
	record *r = record_new(kind);
	record_set(r, "village", village);
	record_set(r, "date", date);
	if (fn)
		record_set(r, "function", fn);
	if (hours)
		record_set(r, "hours", hours);
	scope_attach(d->st, NULL);
	ck_assert_int_eq(store_write(d->st, put_txn, r), STORE_OK);
	record_free(r);
}

static void
add(int kind, const char *village, const char *date, const char *fn, const char *hours)
{
	add_on(&town, kind, village, date, fn, hours);
}

static void
setup(void)
{
	town = testdb_new("tier-town");
	county = testdb_new("tier-county");
	other = testdb_new("tier-other");
	city = testdb_new("tier-city");
	audit_attach(city.st);
	audit_attach(town.st);
	audit_attach(county.st);
	static const struct unit_def tu[] = {
		{"510421", "米易县"}, {"510421100", "攀莲镇"}, {"510421100001", "安宁村"},
		{"510421100002", "挂榜村"},
	};
	static const struct worker_def tw[] = {
		{"panlian", "杨社工", ROLE_TOWNSHIP, "510421100"},
	};
	struct setup_ctx s = {tu, NELEM(tu), tw, NELEM(tw)};
	ck_assert_int_eq(store_write(town.st, units_txn, &s), STORE_OK);
	static const struct unit_def cu[] = {
		{"510421", "米易县"}, {"510421100", "攀莲镇"}, {"510421101", "丙谷镇"},
	};
	static const struct worker_def cw[] = {
		{"xian", "县管理员", ROLE_ADMIN, "510421"},
		{"dudao", "周督导", ROLE_SUPERVISOR, "510421"},
	};
	struct setup_ctx c = {cu, NELEM(cu), cw, NELEM(cw)};
	ck_assert_int_eq(store_write(county.st, units_txn, &c), STORE_OK);
	/* another township's server, of a township the county has */
	static const struct unit_def ou[] = {
		{"510421", "米易县"}, {"510421101", "丙谷镇"}, {"510421101001", "新河村"},
	};
	static const struct worker_def ow[] = {
		{"binggu", "王社工", ROLE_TOWNSHIP, "510421101"},
	};
	struct setup_ctx o = {ou, NELEM(ou), ow, NELEM(ow)};
	ck_assert_int_eq(store_write(other.st, units_txn, &o), STORE_OK);
	/* the city's server: 攀枝花市 with two of its counties */
	static const struct unit_def yu[] = {
		{"5104", "攀枝花市"}, {"510421", "米易县"}, {"510422", "盐边县"},
	};
	static const struct worker_def yw[] = {
		{"shi", "市管理员", ROLE_ADMIN, "5104"},
		{"shidudao", "市督导", ROLE_SUPERVISOR, "5104"},
		{"yanbian", "盐边县站", ROLE_TOWNSHIP, "510422"},
	};
	struct setup_ctx y = {yu, NELEM(yu), yw, NELEM(yw)};
	ck_assert_int_eq(store_write(city.st, units_txn, &y), STORE_OK);
	ck_assert_int_eq(scope_load_now(city.st, "shi", &city_admin), 0);
	ck_assert_int_eq(scope_load_now(city.st, "shidudao", &city_sup), 0);
	ck_assert_int_eq(scope_load_now(city.st, "yanbian", &city_yanbian), 0);
	ck_assert_int_eq(scope_load_now(town.st, "panlian", &panlian), 0);
	ck_assert_int_eq(scope_load_now(county.st, "xian", &county_admin), 0);
	ck_assert_int_eq(scope_load_now(county.st, "dudao", &county_sup), 0);
	ck_assert_int_eq(scope_load_now(other.st, "binggu", &other_t), 0);

	add(REC_NEED, anning, "2026-11-03", NULL, NULL);
	add(REC_NEED, anning, "2026-11-20", NULL, NULL);
	add(REC_NEED, guabang, "2026-12-01", NULL, NULL);
	add(REC_SERVICE, anning, "2026-11-05", "探访", "1.5");
	add(REC_SERVICE, anning, "2026-11-06", "探访", "2");
	add(REC_SERVICE, guabang, "2026-11-06", "助餐", NULL);
	add(REC_VOLUNTEER, guabang, "2026-10-01", NULL, NULL);
}

static void
teardown(void)
{
	struct scope **all[] = {&panlian, &county_admin, &county_sup, &other_t,
	                        &city_admin,  &city_sup,   &city_yanbian};
	for (size_t i = 0; i < NELEM(all); i++) {
		scope_free(*all[i]);
		*all[i] = NULL;
	}
	testdb_free(&town);
	testdb_free(&county);
	testdb_free(&other);
	testdb_free(&city);
}

static void
make_fig(struct db *d, const struct scope *sc, unsigned char **buf, size_t *len)
{
	char why[300] = "";
	size_t rows;
	scope_attach(d->st, sc);
	ck_assert_int_eq(sync_figures_make(d->st, sc, buf, len, &rows, why, sizeof why), 0);
	scope_attach(d->st, NULL);
}

static int
apply_on(struct db *d, const struct scope *sc, const unsigned char *buf, size_t len,
         bool *already, char *why, size_t whysize)
{
	struct sync_figures got;
	scope_attach(d->st, sc);
	int err = sync_figures_apply(d->st, sc, buf, len, &got, already, why, whysize);
	scope_attach(d->st, NULL);
	if (!err)
		free(got.rows);
	return err;
}

static int
apply(const struct scope *sc, const unsigned char *buf, size_t len, bool *already)
{
	return apply_on(&county, sc, buf, len, already, NULL, 0);
}

/* The value the county lists for unit, month, what (-1: no such row). */
static long long
figure(const char *unit, const char *month, const char *what)
{
	struct sync_figure *v;
	size_t n;
	long long found = -1;
	ck_assert_int_eq(sync_figures_list(county.st, county_admin, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].unit, unit) && !strcmp(v[i].month, month) && !strcmp(v[i].what, what))
			found = (long long)v[i].value;
	free(v);
	return found;
}

/* The rows of counts in v (not the report's: r/, p/, o/, and the
 * "more" and "held" that say a file carries them; check-rollup.c reads
 * those), freed. */
static size_t
counts_of(struct sync_figure *v, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += strncmp(v[i].what, "r/", 2) && strncmp(v[i].what, "p/", 2) &&
		     strncmp(v[i].what, "o/", 2) && strcmp(v[i].what, "more") &&
		     strcmp(v[i].what, "held");
	free(v);
	return c;
}

/* The rows of a report's figure, and "more"/"held", in v (freed). */
static size_t
report_rows_of(struct sync_figure *v, size_t n)
{
	size_t all = n;
	return all - counts_of(v, n);
}

static size_t
nfigures(void)
{
	struct sync_figure *v;
	size_t n;
	ck_assert_int_eq(sync_figures_list(county.st, county_admin, &v, &n), 0);
	return counts_of(v, n);
}

/* The county's count of the report's rows. */
static size_t
nreport(void)
{
	struct sync_figure *v;
	size_t n;
	ck_assert_int_eq(sync_figures_list(county.st, county_admin, &v, &n), 0);
	return report_rows_of(v, n);
}

static size_t
audit_count(store *st)
{
	size_t n;
	uint64_t bad;
	char why[200];
	ck_assert_int_eq(audit_verify(st, &n, &bad, why, sizeof why), 0);
	return n;
}

START_TEST(test_figures_up)
{
	unsigned char *buf;
	size_t len;
	bool already;
	make_fig(&town, panlian, &buf, &len);
	ck_assert(sync_is_figures(buf, len));
	ck_assert_uint_eq(nfigures(), 0);
	size_t a0 = audit_count(county.st);
	ck_assert_int_eq(apply(county_admin, buf, len, &already), 0);
	ck_assert(!already);
	ck_assert_int_eq(figure("510421100001", "2026-11", "need"), 2);
	ck_assert_int_eq(figure("510421100002", "2026-12", "need"), 1);
	ck_assert_int_eq(figure("510421100001", "2026-11", "service/探访"), 2);
	ck_assert_int_eq(figure("510421100001", "2026-11", "hours/探访"), 35);
	ck_assert_int_eq(figure("510421100002", "2026-11", "service/助餐"), 1);
	ck_assert_int_eq(figure("510421100002", "2026-11", "hours/助餐"), -1);
	ck_assert_int_eq(figure("510421100002", "2026-10", "volunteer"), 1);
	ck_assert_uint_eq(nfigures(), 6);
	/* the report's figures beside them, and the row that says so */
	ck_assert_uint_gt(nreport(), 0);
	ck_assert_uint_eq(audit_count(county.st), a0 + 1);
	/* the same file twice changes nothing */
	ck_assert_int_eq(apply(county_admin, buf, len, &already), 0);
	ck_assert(already);
	ck_assert_uint_eq(audit_count(county.st), a0 + 1);
	ck_assert_uint_eq(nfigures(), 6);
	/* a newer file replaces the township's figures; the older after it
	 * changes nothing */
	sleep(1);
	add(REC_NEED, anning, "2026-11-25", NULL, NULL);
	unsigned char *buf2;
	size_t len2;
	make_fig(&town, panlian, &buf2, &len2);
	ck_assert_int_eq(apply(county_admin, buf2, len2, &already), 0);
	ck_assert(!already);
	ck_assert_int_eq(figure("510421100001", "2026-11", "need"), 3);
	ck_assert_int_eq(apply(county_admin, buf, len, &already), 0);
	ck_assert(already);
	ck_assert_int_eq(figure("510421100001", "2026-11", "need"), 3);
	/* the file brought back to the township that made it */
	bool a2;
	struct sync_figures got;
	scope_attach(town.st, panlian);
	ck_assert_int_eq(sync_figures_apply(town.st, panlian, buf, len, &got, &a2, NULL, 0), SYNC_ERR_OWN);
	scope_attach(town.st, NULL);
	/* a supervisor keeps nothing */
	ck_assert_int_eq(apply(county_sup, buf2, len2, &already), SYNC_ERR_ROLE);
	/* an ordinary exchange file's reader does not take it for its own */
	struct sync_header h;
	ck_assert_int_eq(sync_read_header(buf, len, &h), SYNC_ERR_NEWER);
	free(buf);
	free(buf2);
}
END_TEST

START_TEST(test_damaged_refused_whole)
{
	unsigned char *buf;
	size_t len;
	bool already;
	make_fig(&town, panlian, &buf, &len);
	size_t a0 = audit_count(county.st);
	/* cut short at every length */
	for (size_t cut = 0; cut < len; cut++)
		ck_assert_int_eq(apply(county_admin, buf, cut, &already), SYNC_ERR_DAMAGED);
	/* one byte altered anywhere */
	for (size_t i = 0; i < len; i++) {
		buf[i] ^= 0x20;
		int err = apply(county_admin, buf, len, &already);
		ck_assert_msg(err == SYNC_ERR_DAMAGED || err == SYNC_ERR_NEWER,
		              "byte %zu altered: %d", i, err);
		buf[i] ^= 0x20;
	}
	ck_assert_uint_eq(nfigures(), 0);
	ck_assert_uint_eq(audit_count(county.st), a0);
	/* whole again, it is taken */
	ck_assert_int_eq(apply(county_admin, buf, len, &already), 0);
	ck_assert_uint_eq(nfigures(), 6);
	free(buf);
}
END_TEST

/* A row under another township, its checksum made right: refused. */
START_TEST(test_row_of_another_township)
{
	unsigned char *buf;
	size_t len;
	bool already;
	make_fig(&town, panlian, &buf, &len);
	/* the first row's unit code is "5104211000.."; make it 510421101... */
	const char *needle = "51042110000";
	unsigned char *p = memmem(buf + 40, len - 40, needle, strlen(needle));
	ck_assert_ptr_nonnull(p);
	p[8] = '1';
	p[9] = '0';
	p[10] = '1';
	sha256(buf, len - SHA256_LEN, buf + len - SHA256_LEN);
	ck_assert_int_eq(apply(county_admin, buf, len, &already), SYNC_ERR_DAMAGED);
	ck_assert_uint_eq(nfigures(), 0);
	free(buf);
}
END_TEST

/* A township the county does not have, and one it has. */
START_TEST(test_township_known)
{
	unsigned char *buf;
	size_t len;
	bool already;
	/* drop 攀莲镇 from what the county knows: a fresh county without it */
	struct db bare = testdb_new("tier-bare");
	static const struct unit_def bu[] = {{"510421", "米易县"}};
	static const struct worker_def bw[] = {{"xian", "县管理员", ROLE_ADMIN, "510421"}};
	struct setup_ctx s = {bu, NELEM(bu), bw, NELEM(bw)};
	ck_assert_int_eq(store_write(bare.st, units_txn, &s), STORE_OK);
	struct scope *bx;
	ck_assert_int_eq(scope_load_now(bare.st, "xian", &bx), 0);
	make_fig(&town, panlian, &buf, &len);
	struct sync_figures got;
	scope_attach(bare.st, bx);
	char why[300] = "";
	ck_assert_int_eq(sync_figures_apply(bare.st, bx, buf, len, &got, &already, why, sizeof why),
	                 SYNC_ERR_UNIT);
	ck_assert_ptr_nonnull(strstr(why, "510421100"));
	scope_attach(bare.st, NULL);
	scope_free(bx);
	testdb_free(&bare);
	free(buf);
	/* two townships' figures side by side on the county */
	make_fig(&town, panlian, &buf, &len);
	ck_assert_int_eq(apply(county_admin, buf, len, &already), 0);
	free(buf);
	add_on(&other, REC_NEED, xinhe, "2026-11-09", NULL, NULL);
	make_fig(&other, other_t, &buf, &len);
	ck_assert_int_eq(apply(county_admin, buf, len, &already), 0);
	ck_assert_uint_eq(nfigures(), 7);
	ck_assert_int_eq(figure("510421101001", "2026-11", "need"), 1);
	ck_assert_int_eq(figure("510421100001", "2026-11", "need"), 2);
	free(buf);
}
END_TEST

/* --- one level up: the county's figures to its city ---------------------- */

struct code_ctx {
	const char *code;
	char id[REC_ID_TEXTMAX];
};

static int
code_txn(store_txn *t, void *ctx)
{
	struct code_ctx *c = ctx;
	record *u;
	int err = orgunit_by_code(t, c->code, &u);
	if (!err) {
		rec_id_format(&u->id, c->id);
		record_free(u);
	}
	return err;
}

/* The id text of the unit of code in d. */
static const char *
unit_id(struct db *d, const char *code)
{
	static struct code_ctx c;
	c.code = code;
	scope_attach(d->st, NULL);
	ck_assert_int_eq(store_read(d->st, code_txn, &c), 0);
	return c.id;
}

/* The value the city lists for sender, unit, month, what (-1: none). */
static long long
city_figure(const struct scope *sc, const char *unit, const char *month, const char *what)
{
	struct sync_figure *v;
	size_t n;
	long long found = -1;
	ck_assert_int_eq(sync_figures_list(city.st, sc, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].unit, unit) && !strcmp(v[i].month, month) &&
		    !strcmp(v[i].what, what)) {
			ck_assert_str_eq(v[i].town, "510421");
			found = (long long)v[i].value;
		}
	free(v);
	return found;
}

static size_t
city_nfigures(void)
{
	struct sync_figure *v;
	size_t n;
	ck_assert_int_eq(sync_figures_list(city.st, city_admin, &v, &n), 0);
	return counts_of(v, n);
}

/* The township's figures kept on the county, and the county's own
 * records: one at the county, one copy of 安宁村's (which 攀莲镇's figures
 * count already), one at 丙谷镇, which sends none. */
static void
county_ready(void)
{
	unsigned char *buf;
	size_t len;
	bool already;
	make_fig(&town, panlian, &buf, &len);
	ck_assert_int_eq(apply(county_admin, buf, len, &already), 0);
	free(buf);
	/* the county's own 安宁村 (units_txn sets anning: the township's is kept) */
	static const struct unit_def an[] = {{"510421100001", "安宁村"}};
	struct setup_ctx s = {an, NELEM(an), NULL, 0};
	char keep[REC_ID_TEXTMAX];
	snprintf(keep, sizeof keep, "%s", anning);
	ck_assert_int_eq(store_write(county.st, units_txn, &s), STORE_OK);
	char county_anning[REC_ID_TEXTMAX];
	snprintf(county_anning, sizeof county_anning, "%s", anning);
	snprintf(anning, sizeof anning, "%s", keep);
	add_on(&county, REC_NEED, unit_id(&county, "510421"), "2026-11-02", NULL, NULL);
	add_on(&county, REC_NEED, county_anning, "2026-11-04", NULL, NULL);
	add_on(&county, REC_SERVICE, unit_id(&county, "510421101"), "2026-11-08", "探访", "1");
}

START_TEST(test_county_to_city)
{
	unsigned char *buf, *buf2;
	size_t len, len2;
	bool already;
	char why[300] = "";
	county_ready();
	make_fig(&county, county_admin, &buf, &len);
	ck_assert(sync_is_figures(buf, len));
	ck_assert_uint_eq(city_nfigures(), 0);
	size_t a0 = audit_count(city.st);
	ck_assert_int_eq(apply_on(&city, city_admin, buf, len, &already, why, sizeof why), 0);
	ck_assert(!already);
	/* the township's figures, the county's copy of 安宁村's need left out */
	ck_assert_int_eq(city_figure(city_admin, "510421100001", "2026-11", "need"), 2);
	ck_assert_int_eq(city_figure(city_admin, "510421100001", "2026-11", "hours/探访"), 35);
	ck_assert_int_eq(city_figure(city_admin, "510421100002", "2026-10", "volunteer"), 1);
	/* the county's own */
	ck_assert_int_eq(city_figure(city_admin, "510421", "2026-11", "need"), 1);
	ck_assert_int_eq(city_figure(city_admin, "510421101", "2026-11", "service/探访"), 1);
	ck_assert_int_eq(city_figure(city_admin, "510421101", "2026-11", "hours/探访"), 10);
	ck_assert_uint_eq(city_nfigures(), 6 + 3);
	/* the county's file says it carries the report's figures, and that
	 * it forwards 攀莲镇's file, which says so too */
	char ym[8];
	time_t now = time(NULL);
	struct tm lt;
	ck_assert_ptr_nonnull(localtime_r(&now, &lt));
	strftime(ym, sizeof ym, "%Y-%m", &lt);
	ck_assert_int_eq(city_figure(city_admin, "510421", ym, "more"), 1);
	ck_assert_int_eq(city_figure(city_admin, "510421100", ym, "held"), 1);
	ck_assert_int_eq(city_figure(city_admin, "510421100", ym, "more"), 1);
	ck_assert_int_eq(city_figure(city_admin, "510421101", ym, "held"), -1);
	ck_assert_uint_eq(audit_count(city.st), a0 + 1);
	/* the city's supervisor reads them; the worker of another county not */
	ck_assert_int_eq(city_figure(city_sup, "510421", "2026-11", "need"), 1);
	ck_assert_int_eq(city_figure(city_yanbian, "510421", "2026-11", "need"), -1);
	/* the same file twice changes nothing */
	ck_assert_int_eq(apply_on(&city, city_admin, buf, len, &already, NULL, 0), 0);
	ck_assert(already);
	ck_assert_uint_eq(audit_count(city.st), a0 + 1);
	ck_assert_uint_eq(city_nfigures(), 9);
	/* a newer township file reaches the city through the county's next
	 * one, which replaces the county's figures; the older after it
	 * changes nothing */
	sleep(1);
	add(REC_NEED, anning, "2026-11-25", NULL, NULL);
	make_fig(&town, panlian, &buf2, &len2);
	ck_assert_int_eq(apply(county_admin, buf2, len2, &already), 0);
	free(buf2);
	make_fig(&county, county_admin, &buf2, &len2);
	ck_assert_int_eq(apply_on(&city, city_admin, buf2, len2, &already, NULL, 0), 0);
	ck_assert(!already);
	ck_assert_int_eq(city_figure(city_admin, "510421100001", "2026-11", "need"), 3);
	ck_assert_int_eq(apply_on(&city, city_admin, buf, len, &already, NULL, 0), 0);
	ck_assert(already);
	ck_assert_int_eq(city_figure(city_admin, "510421100001", "2026-11", "need"), 3);
	ck_assert_uint_eq(city_nfigures(), 9);
	ck_assert_uint_eq(audit_count(city.st), a0 + 2);
	/* the county's file brought back to the county that made it */
	ck_assert_int_eq(apply(county_admin, buf, len, &already), SYNC_ERR_OWN);
	/* a county's file on another county's (or a township's) server */
	why[0] = '\0';
	ck_assert_int_eq(apply_on(&other, other_t, buf, len, &already, why, sizeof why),
	                 SYNC_ERR_UNIT);
	ck_assert_ptr_nonnull(strstr(why, "city"));
	/* a township's own file at the city, not passed off as a county's */
	unsigned char *tbuf;
	size_t tlen;
	make_fig(&town, panlian, &tbuf, &tlen);
	why[0] = '\0';
	ck_assert_int_eq(apply_on(&city, city_admin, tbuf, tlen, &already, why, sizeof why),
	                 SYNC_ERR_UNIT);
	ck_assert_ptr_nonnull(strstr(why, "510421100"));
	ck_assert_ptr_nonnull(strstr(why, "county's server"));
	free(tbuf);
	/* a supervisor keeps nothing; a worker of another county neither */
	ck_assert_int_eq(apply_on(&city, city_sup, buf2, len2, &already, NULL, 0), SYNC_ERR_ROLE);
	why[0] = '\0';
	ck_assert_int_eq(apply_on(&city, city_yanbian, buf2, len2, &already, why, sizeof why),
	                 SYNC_ERR_UNIT);
	ck_assert_ptr_nonnull(strstr(why, "510421"));
	/* the city makes no figures of its own to send; a county's
	 * supervisor neither */
	size_t rows;
	unsigned char *x;
	size_t xlen;
	ck_assert_int_eq(sync_figures_make(city.st, city_admin, &x, &xlen, &rows, NULL, 0),
	                 SYNC_ERR_ROLE);
	ck_assert_int_eq(sync_figures_make(county.st, county_sup, &x, &xlen, &rows, NULL, 0),
	                 SYNC_ERR_ROLE);
	ck_assert_uint_eq(audit_count(city.st), a0 + 2);
	free(buf);
	free(buf2);
}
END_TEST

START_TEST(test_city_damaged_refused_whole)
{
	unsigned char *buf;
	size_t len;
	bool already;
	county_ready();
	make_fig(&county, county_admin, &buf, &len);
	size_t a0 = audit_count(city.st);
	for (size_t cut = 0; cut < len; cut++)
		ck_assert_int_eq(apply_on(&city, city_admin, buf, cut, &already, NULL, 0),
		                 SYNC_ERR_DAMAGED);
	for (size_t i = 0; i < len; i++) {
		buf[i] ^= 0x20;
		int err = apply_on(&city, city_admin, buf, len, &already, NULL, 0);
		ck_assert_msg(err == SYNC_ERR_DAMAGED || err == SYNC_ERR_NEWER,
		              "byte %zu altered: %d", i, err);
		buf[i] ^= 0x20;
	}
	ck_assert_uint_eq(city_nfigures(), 0);
	ck_assert_uint_eq(audit_count(city.st), a0);
	ck_assert_int_eq(apply_on(&city, city_admin, buf, len, &already, NULL, 0), 0);
	ck_assert_uint_eq(city_nfigures(), 9);
	free(buf);
}
END_TEST

/* A row of a township of another county, its checksum made right; the
 * county's code in the header changed to a county the city lacks. */
START_TEST(test_city_foreign_county)
{
	unsigned char *buf;
	size_t len;
	bool already;
	county_ready();
	make_fig(&county, county_admin, &buf, &len);
	unsigned char *p = memmem(buf + 40, len - 40, "510421100001", 12);
	ck_assert_ptr_nonnull(p);
	p[5] = '2'; /* 510422100001: a village of 盐边县 */
	sha256(buf, len - SHA256_LEN, buf + len - SHA256_LEN);
	ck_assert_int_eq(apply_on(&city, city_admin, buf, len, &already, NULL, 0),
	                 SYNC_ERR_DAMAGED);
	ck_assert_uint_eq(city_nfigures(), 0);
	free(buf);
	/* a county the city does not have (盐边县's code on a city lacking it) */
	struct db bare = testdb_new("tier-barecity");
	static const struct unit_def bu[] = {{"5104", "攀枝花市"}};
	static const struct worker_def bw[] = {{"shi", "市管理员", ROLE_ADMIN, "5104"}};
	struct setup_ctx s = {bu, NELEM(bu), bw, NELEM(bw)};
	ck_assert_int_eq(store_write(bare.st, units_txn, &s), STORE_OK);
	struct scope *bx;
	ck_assert_int_eq(scope_load_now(bare.st, "shi", &bx), 0);
	make_fig(&county, county_admin, &buf, &len);
	char why[300] = "";
	ck_assert_int_eq(apply_on(&bare, bx, buf, len, &already, why, sizeof why), SYNC_ERR_UNIT);
	ck_assert_ptr_nonnull(strstr(why, "510421"));
	ck_assert_ptr_nonnull(strstr(why, "unit add"));
	scope_free(bx);
	testdb_free(&bare);
	free(buf);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("tiers");
	TCase *tc = tcase_create("figures");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_figures_up);
	tcase_add_test(tc, test_damaged_refused_whole);
	tcase_add_test(tc, test_row_of_another_township);
	tcase_add_test(tc, test_township_known);
	tcase_add_test(tc, test_county_to_city);
	tcase_add_test(tc, test_city_damaged_refused_whole);
	tcase_add_test(tc, test_city_foreign_county);
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
