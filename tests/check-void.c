/* check-void.c: a record made by mistake voided (kind_void): kept and
 * read by its id with its reason, an audit entry "void", and from then on
 * left out of searches, the report's figures, a volunteer's hours, exports
 * and counts; refused while a live record names it, to a worker of
 * another village and to a supervisor, for a referral and without a
 * reason.  Every figure is asserted before the void too, so the test
 * fails if the record was never counted. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "export.h"
#include "kind.h"
#include "orgunit.h"
#include "report.h"
#include "scope.h"
#include "search.h"
#include "tally.h"

#include "testdb.h"

static const char *
formsdir(void)
{
	const char *d = getenv("SHEGONG_FORMSDIR");
	return d && *d ? d : "../forms";
}

struct world {
	struct db d;
	struct formset *fs;
	char today[16];
	char v1[REC_ID_TEXTMAX], v2[REC_ID_TEXTMAX];
	rec_id res, vol, svc, ref;
};

static rec_id
put(store_txn *t, int kind, const char *const *kv)
{
	record *r = record_new(kind);
	ck_assert_ptr_nonnull(r);
	for (size_t i = 0; kv[i]; i += 2)
		ck_assert_int_eq(record_set(r, kv[i], kv[i + 1]), 0);
	ck_assert_int_eq(store_put(t, r), STORE_OK);
	rec_id id = r->id;
	record_free(r);
	return id;
}
#define PUT(k, ...) put(t, k, (const char *const[]){__VA_ARGS__, NULL})

static void
unit_id(store_txn *t, const char *code, char *out)
{
	record *u;
	ck_assert_int_eq(orgunit_by_code(t, code, &u), STORE_OK);
	rec_id_format(&u->id, out);
	record_free(u);
}

static int
setup_txn(store_txn *t, void *ctx)
{
	struct world *w = ctx;
	static const char *const units[][2] = {
		{"510421", "米易县"}, {"510421100", "攀莲镇"},
		{"510421100001", "安宁村"}, {"510421100002", "挂榜村"},
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		ck_assert_int_eq(orgunit_add(t, units[i][0], units[i][1], NULL), STORE_OK);
	ck_assert_int_eq(worker_add(t, "cun", "李红梅", ROLE_VILLAGE, "510421100001", NULL), 0);
	ck_assert_int_eq(worker_add(t, "cun2", "张建国", ROLE_VILLAGE, "510421100002", NULL), 0);
	ck_assert_int_eq(worker_add(t, "dudao", "周督导", ROLE_SUPERVISOR, "510421", NULL), 0);
	unit_id(t, "510421100001", w->v1);
	unit_id(t, "510421100002", w->v2);
	w->res = PUT(REC_RESIDENT, "name", "王错录", "idnum", "510421198001011239", "village", w->v1);
	w->vol = PUT(REC_VOLUNTEER, "name", "张志愿", "village", w->v1);
	char idt[REC_ID_TEXTMAX], vols[REC_ID_TEXTMAX + 8];
	snprintf(vols, sizeof vols, "%s:3", rec_id_format(&w->vol, idt));
	rec_id_format(&w->res, idt);
	w->svc = PUT(REC_SERVICE, "_form", "service_care", "function", "care", "date", w->today,
	             "village", w->v1, "beneficiaries", idt, "volunteers", vols, "content",
	             "入户探访");
	w->ref = PUT(REC_REFERRAL, "village", w->v1, "resident", idt, "status", "closed");
	return 0;
}

static struct world *
world_new(void)
{
	struct world *w = calloc(1, sizeof *w);
	ck_assert_ptr_nonnull(w);
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(w->today, sizeof w->today, "%Y-%m-%d", &tm);
	w->d = testdb_new("void");
	audit_attach(w->d.st);
	struct form_error fe;
	w->fs = formset_load(formsdir(), &fe);
	ck_assert_msg(w->fs != NULL, "%s:%d: %s", fe.file, fe.line, fe.msg);
	ck_assert_int_eq(store_write(w->d.st, setup_txn, w), STORE_OK);
	return w;
}

static void
world_free(struct world *w)
{
	formset_free(w->fs);
	testdb_free(&w->d);
	free(w);
}

/* Work as login from now on (NULL: no scope, as the tests set up). */
static struct scope *
as(struct world *w, const char *login)
{
	struct scope *sc = NULL;
	if (login)
		ck_assert_int_eq(scope_load_now(w->d.st, login, &sc), STORE_OK);
	scope_attach(w->d.st, sc);
	return sc;
}

static record *
get(struct world *w, rec_id id)
{
	record *r;
	ck_assert_int_eq(search_get(w->d.st, &id, &r), STORE_OK);
	return r;
}

/* --- what counts it ----------------------------------------------------------- */

/* How many of kind a search lists (text "" or as given), and whether id is one. */
static size_t
listed(struct world *w, int kind, const char *text, rec_id id, bool *has)
{
	struct search_query q = {.kind = kind, .text = text};
	struct search_pos pos = {0};
	record *out[64];
	size_t n = 0;
	ck_assert_int_eq(search_page(w->d.st, &q, &pos, out, 64, &n), STORE_OK);
	*has = false;
	for (size_t i = 0; i < n; i++) {
		*has |= rec_id_equal(&out[i]->id, &id);
		record_free(out[i]);
	}
	return n;
}

/* How many of kind name the resident found by text (the case file's way). */
static size_t
linked(struct world *w, int kind, const char *text)
{
	struct search_query q = {.kind = kind, .text = text};
	record *out[16];
	size_t n = 0;
	ck_assert_int_eq(search_linked(w->d.st, &q, out, 16, &n), STORE_OK);
	for (size_t i = 0; i < n; i++)
		record_free(out[i]);
	return n;
}

/* How many records name id (the case file reads a resident's so). */
static int
naming_one(const record *r, void *ctx)
{
	(void)r;
	++*(size_t *)ctx;
	return 0;
}

struct naming {
	rec_id id;
	size_t n;
};

static int
naming_txn(store_txn *t, void *ctx)
{
	struct naming *nm = ctx;
	return tally_links(t, &nm->id, 0, naming_one, &nm->n);
}

static size_t
naming(struct world *w, rec_id id)
{
	struct naming nm = {id, 0};
	ck_assert_int_eq(store_read(w->d.st, naming_txn, &nm), STORE_OK);
	return nm.n;
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

/* The report's services of every function, and its volunteer hours. */
static void
report_now(struct world *w, size_t *services, double *hours)
{
	struct run ru;
	memset(&ru, 0, sizeof ru);
	ru.o.functions = report_functions(w->fs);
	ck_assert_int_eq(report_period_month_of(w->today, &ru.o.period), 0);
	ck_assert_int_eq(store_read(w->d.st, run_txn, &ru), STORE_OK);
	*services = ru.r.total.services[REPORT_ALL(&ru.r)];
	*hours = ru.r.total.volunteer_hours;
	report_free(&ru.r);
}

struct hours {
	rec_id vol;
	double h;
	size_t n;
};

static int
hours_txn(store_txn *t, void *ctx)
{
	struct hours *h = ctx;
	return tally_volunteer_hours(t, &h->vol, &h->h, &h->n);
}

static size_t
exported(struct world *w, int kind)
{
	char path[4096], msg[512];
	snprintf(path, sizeof path, "%s/out.csv", w->d.dir);
	struct form_env env = {"tester", NULL, w->today, false, 0, NULL};
	struct export_opts o = {.kind = kind, .fs = w->fs, .format = EXPORT_CSV,
	                        .encoding = EXPORT_UTF8, .env = &env};
	size_t n = 0;
	ck_assert_msg(export_records(w->d.st, path, &o, &n, msg, sizeof msg) == 0, "%s", msg);
	return n;
}

struct count {
	const struct scope *sc;
	int kind;
	size_t n;
};

static int
count_txn(store_txn *t, void *ctx)
{
	struct count *c = ctx;
	return scope_count(t, c->sc, c->kind, &c->n);
}

static size_t
counted(struct world *w, const struct scope *sc, int kind)
{
	struct count c = {sc, kind, 0};
	ck_assert_int_eq(store_read(w->d.st, count_txn, &c), STORE_OK);
	return c.n;
}

struct audit_find {
	const char *action, *note;
	bool hit;
};

static int
audit_one(const struct audit_entry *e, void *ctx)
{
	struct audit_find *a = ctx;
	if (strcmp(e->action, a->action) == 0 && strcmp(e->note, a->note) == 0)
		a->hit = true;
	return 0;
}

static bool
audited(struct world *w, rec_id id, const char *action, const char *note)
{
	char idt[REC_ID_TEXTMAX];
	struct audit_filter f = {.record = rec_id_format(&id, idt)};
	struct audit_find a = {action, note, false};
	ck_assert_int_eq(audit_each(w->d.st, &f, audit_one, &a), STORE_OK);
	return a.hit;
}

/* --- the tests ------------------------------------------------------------------ */

START_TEST(test_void_leaves_out)
{
	struct world *w = world_new();
	bool has;
	size_t services;
	double hours;
	struct hours h = {w->vol, 0, 0};
	/* before: it counts everywhere */
	ck_assert_uint_eq(listed(w, REC_SERVICE, "", w->svc, &has), 1);
	ck_assert(has);
	ck_assert_uint_eq(linked(w, REC_SERVICE, "王错录"), 1);
	ck_assert_uint_eq(naming(w, w->res), 2);   /* the service, the referral */
	report_now(w, &services, &hours);
	ck_assert_uint_eq(services, 1);
	ck_assert_double_eq_tol(hours, 3, 1e-9);
	ck_assert_int_eq(store_read(w->d.st, hours_txn, &h), STORE_OK);
	ck_assert_double_eq_tol(h.h, 3, 1e-9);
	ck_assert_uint_eq(exported(w, REC_SERVICE), 1);
	ck_assert_uint_eq(counted(w, NULL, REC_SERVICE), 1);

	struct scope *sc = as(w, "cun");
	ck_assert_uint_eq(counted(w, sc, REC_SERVICE), 1);
	record *r = get(w, w->svc);
	uint32_t v = r->version;
	ck_assert_int_eq(kind_void(w->d.st, r, "录错了人，重复登记", NULL), STORE_OK);
	ck_assert(record_voided(r));
	ck_assert_uint_eq(r->version, v + 1);
	record_free(r);

	/* kept, read by its id, with its reason and an audit entry "void" */
	r = get(w, w->svc);
	ck_assert(record_voided(r));
	ck_assert_str_eq(record_get(r, REC_VOID_REASON), "录错了人，重复登记");
	ck_assert_str_eq(record_get(r, "content"), "入户探访");
	record_free(r);
	ck_assert(audited(w, w->svc, "void", "录错了人，重复登记"));

	/* left out of everything */
	ck_assert_uint_eq(counted(w, sc, REC_SERVICE), 0);
	ck_assert_uint_eq(listed(w, REC_SERVICE, "", w->svc, &has), 0);
	ck_assert_uint_eq(linked(w, REC_SERVICE, "王错录"), 0);
	ck_assert_uint_eq(naming(w, w->res), 1);
	ck_assert_uint_eq(exported(w, REC_SERVICE), 0);
	as(w, NULL);
	scope_free(sc);
	ck_assert_uint_eq(listed(w, REC_SERVICE, "", w->svc, &has), 0);
	report_now(w, &services, &hours);
	ck_assert_uint_eq(services, 0);
	ck_assert_double_eq_tol(hours, 0, 1e-9);
	ck_assert_int_eq(store_read(w->d.st, hours_txn, &h), STORE_OK);
	ck_assert_double_eq_tol(h.h, 0, 1e-9);
	ck_assert_uint_eq(h.n, 0);
	ck_assert_uint_eq(counted(w, NULL, REC_SERVICE), 0);
	ck_assert_uint_eq(counted(w, NULL, REC_RESIDENT), 1);
	/* the store keeps it and its indexes agree */
	size_t faults = 9;
	ck_assert_int_eq(store_verify(w->d.st, false, &faults, NULL, NULL), STORE_OK);
	ck_assert_uint_eq(faults, 0);
	world_free(w);
}
END_TEST

START_TEST(test_void_resident_after_its_service)
{
	struct world *w = world_new();
	bool has;
	struct scope *sc = as(w, "cun");
	/* the service still names the resident: that goes first */
	record *r = get(w, w->res);
	rec_id blocker = {0};
	ck_assert_int_eq(kind_void(w->d.st, r, "录重了", &blocker), STORE_EXISTS);
	ck_assert(rec_id_equal(&blocker, &w->svc));
	ck_assert(!record_voided(r));
	ck_assert_ptr_null(record_get(r, REC_VOID_REASON));
	record_free(r);
	ck_assert(!audited(w, w->res, "void", "录重了"));
	r = get(w, w->svc);
	ck_assert_int_eq(kind_void(w->d.st, r, "录错了", NULL), STORE_OK);
	record_free(r);
	/* the closed referral does not hold it back */
	ck_assert_uint_eq(listed(w, REC_RESIDENT, "wcl", w->res, &has), 1);
	ck_assert(has);
	ck_assert_uint_eq(listed(w, REC_RESIDENT, "510421198001011239", w->res, &has), 1);
	r = get(w, w->res);
	ck_assert_int_eq(kind_void(w->d.st, r, "录重了", NULL), STORE_OK);
	record_free(r);
	ck_assert_uint_eq(listed(w, REC_RESIDENT, "wcl", w->res, &has), 0);
	ck_assert_uint_eq(listed(w, REC_RESIDENT, "王", w->res, &has), 0);
	ck_assert_uint_eq(listed(w, REC_RESIDENT, "510421198001011239", w->res, &has), 0);
	/* its ID number is free for the right record */
	struct form *f = formset_find(w->fs, "resident");
	ck_assert_ptr_nonnull(f);
	r = record_new(REC_RESIDENT);
	record_set(r, "name", "王对录");
	record_set(r, "idnum", "510421198001011239");
	record_set(r, "village", w->v1);
	ck_assert_int_eq(kind_save(w->d.st, f, r, NULL), STORE_OK);
	record_free(r);
	ck_assert_uint_eq(exported(w, REC_RESIDENT), 1);
	as(w, NULL);
	scope_free(sc);
	world_free(w);
}
END_TEST

START_TEST(test_void_refused)
{
	struct world *w = world_new();
	/* a worker of another village, a supervisor: may not change it */
	static const char *const outsiders[] = {"cun2", "dudao"};
	for (size_t i = 0; i < 2; i++) {
		record *r = get(w, w->svc);
		struct scope *sc = as(w, outsiders[i]);
		int err = kind_void(w->d.st, r, "不是我村的", NULL);
		ck_assert_msg(err == STORE_DENIED, "%s: %d", outsiders[i], err);
		ck_assert(!record_voided(r));
		record_free(r);
		as(w, NULL);
		scope_free(sc);
	}
	record *r = get(w, w->svc);
	ck_assert(!record_voided(r));
	/* no reason, a reason of two lines */
	ck_assert_int_eq(kind_void(w->d.st, r, "", NULL), STORE_INVALID);
	ck_assert_int_eq(kind_void(w->d.st, r, NULL, NULL), STORE_INVALID);
	ck_assert_int_eq(kind_void(w->d.st, r, "一\n二", NULL), STORE_INVALID);
	ck_assert(!record_voided(r));
	/* twice */
	ck_assert_int_eq(kind_void(w->d.st, r, "录错了", NULL), STORE_OK);
	ck_assert_int_eq(kind_void(w->d.st, r, "又一次", NULL), STORE_INVALID);
	record_free(r);
	/* a referral is withdrawn, never voided; units and accounts neither */
	r = get(w, w->ref);
	ck_assert_int_eq(kind_void(w->d.st, r, "录错了", NULL), STORE_INVALID);
	ck_assert(!record_voided(r));
	record_free(r);
	ck_assert(!kind_voidable(REC_REFERRAL));
	ck_assert(!kind_voidable(REC_UNIT));
	ck_assert(!kind_voidable(REC_USER));
	for (int k = REC_RESIDENT; k <= REC_PROJECT; k++)
		ck_assert_msg(kind_voidable(k) == (k != REC_REFERRAL), "%s", rec_kind_label(k));
	world_free(w);
}
END_TEST

static Suite *
void_suite(void)
{
	Suite *s = suite_create("void");
	TCase *tc = tcase_create("void");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_void_leaves_out);
	tcase_add_test(tc, test_void_resident_after_its_service);
	tcase_add_test(tc, test_void_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(void_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
