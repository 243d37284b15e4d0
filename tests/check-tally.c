/* check-tally.c: what adds up from service records: a volunteer's hours
 * and services across several services and after services are edited or
 * deleted, a resource's use and what is left, the records that point to
 * a resident (and not to another), and the volunteer certificate. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tally.h"
#include "text.h"

#include "testdb.h"

/* --- helpers ---------------------------------------------------------- */

/* A record to save: kind and up to 8 name/value pairs, NULL-ended. */
struct put {
	int kind;
	const char *kv[17];
	rec_id id;  /* out */
};

static int
put_txn(store_txn *t, void *ctx)
{
	struct put *p = ctx;
	record *r = record_new(p->kind);
	ck_assert_ptr_nonnull(r);
	for (size_t i = 0; p->kv[i]; i += 2)
		ck_assert_int_eq(record_set(r, p->kv[i], p->kv[i + 1]), 0);
	int err = store_put(t, r);
	p->id = r->id;
	record_free(r);
	return err;
}

#define ADD(st, k, ...) add(st, &(struct put){k, {__VA_ARGS__, NULL}, {0}})

static rec_id
add(store *st, struct put *p)
{
	ck_assert_int_eq(store_write(st, put_txn, p), STORE_OK);
	return p->id;
}

/* Change one field of a saved record (NULL removes it). */
struct edit {
	rec_id id;
	const char *field, *value;
};

static int
edit_txn(store_txn *t, void *ctx)
{
	struct edit *e = ctx;
	record *r;
	int err = store_get(t, &e->id, &r);
	if (err)
		return err;
	ck_assert_int_eq(record_set(r, e->field, e->value), 0);
	err = store_put(t, r);
	record_free(r);
	return err;
}

static void
edit(store *st, rec_id id, const char *field, const char *value)
{
	struct edit e = {id, field, value};
	ck_assert_int_eq(store_write(st, edit_txn, &e), STORE_OK);
}

static int
del_txn(store_txn *t, void *ctx)
{
	return store_del(t, ctx, 0);
}

static void
del(store *st, rec_id id)
{
	ck_assert_int_eq(store_write(st, del_txn, &id), STORE_OK);
}

static char *
idtext(rec_id id)
{
	static char bufs[8][REC_ID_TEXTMAX];
	static int next;
	char *b = bufs[next++ % 8];
	return rec_id_format(&id, b);
}

/* "vol-…:2.5,vol-…:1" from ids and amounts. */
static char *
pairs(char *buf, size_t cap, rec_id a, const char *ha, const rec_id *b, const char *hb)
{
	if (b)
		snprintf(buf, cap, "%s:%s,%s:%s", idtext(a), ha, idtext(*b), hb);
	else
		snprintf(buf, cap, "%s:%s", idtext(a), ha);
	return buf;
}

struct hours_q {
	rec_id who;
	double hours;
	size_t services;
};

static int
hours_txn(store_txn *t, void *ctx)
{
	struct hours_q *q = ctx;
	return tally_volunteer_hours(t, &q->who, &q->hours, &q->services);
}

static void
check_hours(store *st, rec_id who, double want, size_t services)
{
	struct hours_q q = {who, -1, 99};
	ck_assert_int_eq(store_read(st, hours_txn, &q), STORE_OK);
	ck_assert_double_eq_tol(q.hours, want, 1e-9);
	ck_assert_uint_eq(q.services, services);
}

struct res_q {
	rec_id what;
	double used, left;
	bool has;
};

static int
res_txn(store_txn *t, void *ctx)
{
	struct res_q *q = ctx;
	return tally_resource(t, &q->what, &q->used, &q->left, &q->has);
}

/* --- tests ------------------------------------------------------------- */

START_TEST(test_hours)
{
	struct db d = testdb_new("tally");
	rec_id a = ADD(d.st, REC_VOLUNTEER, "name", "王小红", "idnum", "51042119900101123X");
	rec_id b = ADD(d.st, REC_VOLUNTEER, "name", "李明", "idnum", "510421198505054321");
	char v1[200], v2[200], v3[200];
	rec_id s1 = ADD(d.st, REC_SERVICE, "date", "2026-03-01", "hours", "8", "content", "探访独居老人",
	                "volunteers", pairs(v1, sizeof v1, a, "2.5", &b, "1"));
	rec_id s2 = ADD(d.st, REC_SERVICE, "date", "2026-03-08", "hours", "4", "content", "助餐",
	                "volunteers", pairs(v2, sizeof v2, a, "3", NULL, NULL));
	rec_id s3 = ADD(d.st, REC_SERVICE, "date", "2026-03-15", "hours", "6", "content", "义诊",
	                "volunteers", pairs(v3, sizeof v3, b, "4.25", &a, "0.5"));
	(void)s2;
	/* the worker's own hours ("hours") never count as a volunteer's */
	check_hours(d.st, a, 6.0, 3);
	check_hours(d.st, b, 5.25, 2);

	/* a volunteer's hours changed in one service */
	edit(d.st, s1, "volunteers", pairs(v1, sizeof v1, a, "4", &b, "1"));
	check_hours(d.st, a, 7.5, 3);
	check_hours(d.st, b, 5.25, 2);
	/* a volunteer taken off a service */
	edit(d.st, s3, "volunteers", pairs(v3, sizeof v3, b, "4.25", NULL, NULL));
	check_hours(d.st, a, 7.0, 2);
	check_hours(d.st, b, 5.25, 2);
	/* a service deleted */
	del(d.st, s1);
	check_hours(d.st, a, 3.0, 1);
	check_hours(d.st, b, 4.25, 1);
	/* a volunteer on no service */
	rec_id c = ADD(d.st, REC_VOLUNTEER, "name", "张三");
	check_hours(d.st, c, 0, 0);
	testdb_free(&d);
}
END_TEST

/* Ids differing only by a last digit (vol-…-4 is a prefix of vol-…-42) are
 * different volunteers; malformed items are left out. */
START_TEST(test_hours_exact_and_malformed)
{
	struct db d = testdb_new("tally");
	rec_id vs[4];
	for (int i = 0; i < 4; i++)
		vs[i] = ADD(d.st, REC_VOLUNTEER, "name", "志愿者");
	/* seq n and seq n*10+1: the one's id text begins the other's */
	rec_id shorter = vs[0], longer = vs[0];
	longer.seq = shorter.seq * 10 + 1;
	char v[400];
	snprintf(v, sizeof v, "%s:2", idtext(longer));
	ADD(d.st, REC_SERVICE, "date", "2026-04-01", "volunteers", v);
	check_hours(d.st, shorter, 0, 0);
	check_hours(d.st, longer, 2, 1);

	/* no hours, bad hours, negative hours, words: left out */
	snprintf(v, sizeof v, "%s,%s:abc,%s:-3,%s:1.2.3,%s:,%s: 1.5 ", idtext(vs[1]), idtext(vs[1]),
	         idtext(vs[1]), idtext(vs[1]), idtext(vs[1]), idtext(vs[1]));
	ADD(d.st, REC_SERVICE, "date", "2026-04-02", "volunteers", v);
	check_hours(d.st, vs[1], 1.5, 1);
	snprintf(v, sizeof v, "%s:x", idtext(vs[2]));
	ADD(d.st, REC_SERVICE, "date", "2026-04-03", "volunteers", v);
	check_hours(d.st, vs[2], 0, 0);
	/* only "volunteers" counts: a volunteer named elsewhere served no hours */
	snprintf(v, sizeof v, "%s:3", idtext(vs[3]));
	ADD(d.st, REC_SERVICE, "date", "2026-04-04", "resources", v);
	check_hours(d.st, vs[3], 0, 0);
	/* a need naming a volunteer is no service */
	ADD(d.st, REC_NEED, "volunteers", v);
	check_hours(d.st, vs[3], 0, 0);
	/* not a volunteer's id */
	struct hours_q q = {ADD(d.st, REC_RESIDENT, "name", "x"), 0, 0};
	ck_assert_int_eq(store_read(d.st, hours_txn, &q), STORE_INVALID);
	testdb_free(&d);
}
END_TEST

START_TEST(test_resource)
{
	struct db d = testdb_new("tally");
	rec_id rice = ADD(d.st, REC_RESOURCE, "name", "大米", "quantity", "100", "unit", "斤");
	rec_id oil = ADD(d.st, REC_RESOURCE, "name", "食用油", "quantity", "20.5", "unit", "升");
	rec_id room = ADD(d.st, REC_RESOURCE, "name", "活动室", "unit", "间");
	char r1[300], r2[300];
	snprintf(r1, sizeof r1, "%s:10,%s:2.5,%s:1", idtext(rice), idtext(oil), idtext(room));
	rec_id s1 = ADD(d.st, REC_SERVICE, "date", "2026-05-01", "resources", r1);
	snprintf(r2, sizeof r2, "%s:15", idtext(rice));
	rec_id s2 = ADD(d.st, REC_SERVICE, "date", "2026-05-02", "resources", r2);
	(void)s2;

	struct res_q q = {rice, 0, 0, false};
	ck_assert_int_eq(store_read(d.st, res_txn, &q), STORE_OK);
	ck_assert(q.has);
	ck_assert_double_eq_tol(q.used, 25, 1e-9);
	ck_assert_double_eq_tol(q.left, 75, 1e-9);
	q = (struct res_q){oil, 0, 0, false};
	ck_assert_int_eq(store_read(d.st, res_txn, &q), STORE_OK);
	ck_assert(q.has);
	ck_assert_double_eq_tol(q.used, 2.5, 1e-9);
	ck_assert_double_eq_tol(q.left, 18, 1e-9);
	q = (struct res_q){room, 0, 0, true};
	ck_assert_int_eq(store_read(d.st, res_txn, &q), STORE_OK);
	ck_assert(!q.has);
	ck_assert_double_eq_tol(q.used, 1, 1e-9);

	/* edit: less rice, the oil taken off */
	snprintf(r1, sizeof r1, "%s:4,%s:1", idtext(rice), idtext(room));
	edit(d.st, s1, "resources", r1);
	q = (struct res_q){rice, 0, 0, false};
	ck_assert_int_eq(store_read(d.st, res_txn, &q), STORE_OK);
	ck_assert_double_eq_tol(q.used, 19, 1e-9);
	ck_assert_double_eq_tol(q.left, 81, 1e-9);
	q = (struct res_q){oil, 0, 0, false};
	ck_assert_int_eq(store_read(d.st, res_txn, &q), STORE_OK);
	ck_assert_double_eq_tol(q.used, 0, 1e-9);
	ck_assert_double_eq_tol(q.left, 20.5, 1e-9);
	/* delete */
	del(d.st, s1);
	q = (struct res_q){rice, 0, 0, false};
	ck_assert_int_eq(store_read(d.st, res_txn, &q), STORE_OK);
	ck_assert_double_eq_tol(q.used, 15, 1e-9);
	ck_assert_double_eq_tol(q.left, 85, 1e-9);
	/* more used than there was: left goes below zero, as it is */
	snprintf(r2, sizeof r2, "%s:120", idtext(rice));
	ADD(d.st, REC_SERVICE, "date", "2026-05-03", "resources", r2);
	q = (struct res_q){rice, 0, 0, false};
	ck_assert_int_eq(store_read(d.st, res_txn, &q), STORE_OK);
	ck_assert_double_eq_tol(q.left, -35, 1e-9);
	/* a quantity that is not a number states none */
	edit(d.st, oil, "quantity", "很多");
	q = (struct res_q){oil, 0, 0, true};
	ck_assert_int_eq(store_read(d.st, res_txn, &q), STORE_OK);
	ck_assert(!q.has);
	/* a resource that is not there, and an id of another kind */
	rec_id gone = rice;
	gone.seq += 1000;
	q = (struct res_q){gone, 0, 0, false};
	ck_assert_int_eq(store_read(d.st, res_txn, &q), STORE_NOTFOUND);
	q = (struct res_q){s2, 0, 0, false};
	ck_assert_int_eq(store_read(d.st, res_txn, &q), STORE_INVALID);
	testdb_free(&d);
}
END_TEST

#define MAXLINKS 16

struct links_q {
	rec_id target;
	int kind;
	rec_id got[MAXLINKS];
	size_t n;
	size_t stop_after;  /* 0: never */
};

static int
link_seen(const record *r, void *ctx)
{
	struct links_q *q = ctx;
	ck_assert_uint_lt(q->n, MAXLINKS);
	q->got[q->n++] = r->id;
	return q->stop_after && q->n == q->stop_after ? 7 : 0;
}

static int
links_txn(store_txn *t, void *ctx)
{
	struct links_q *q = ctx;
	return tally_links(t, &q->target, q->kind, link_seen, q);
}

static bool
has_id(const struct links_q *q, rec_id id)
{
	for (size_t i = 0; i < q->n; i++)
		if (rec_id_equal(&q->got[i], &id))
			return true;
	return false;
}

START_TEST(test_links)
{
	struct db d = testdb_new("tally");
	rec_id r1 = ADD(d.st, REC_RESIDENT, "name", "赵大爷");
	rec_id r2 = ADD(d.st, REC_RESIDENT, "name", "钱奶奶");
	rec_id r3 = ADD(d.st, REC_RESIDENT, "name", "孙小妹");
	char ben[200];
	snprintf(ben, sizeof ben, "%s,%s", idtext(r1), idtext(r2));
	rec_id svc = ADD(d.st, REC_SERVICE, "date", "2026-06-01", "beneficiaries", ben, "content", "送餐");
	rec_id need = ADD(d.st, REC_NEED, "resident", idtext(r1), "status", "open");
	rec_id other = ADD(d.st, REC_NEED, "resident", idtext(r3), "status", "open");
	/* the same resident named twice in one record: the record once */
	char twice[200];
	snprintf(twice, sizeof twice, "%s,%s", idtext(r2), idtext(r2));
	rec_id svc2 = ADD(d.st, REC_SERVICE, "date", "2026-06-02", "beneficiaries", twice,
	                  "note", idtext(r2));

	struct links_q q = {.target = r1};
	ck_assert_int_eq(store_read(d.st, links_txn, &q), 0);
	ck_assert_uint_eq(q.n, 2);
	ck_assert(has_id(&q, svc));
	ck_assert(has_id(&q, need));
	ck_assert(!has_id(&q, other));
	/* one kind only */
	q = (struct links_q){.target = r1, .kind = REC_NEED};
	ck_assert_int_eq(store_read(d.st, links_txn, &q), 0);
	ck_assert_uint_eq(q.n, 1);
	ck_assert(rec_id_equal(&q.got[0], &need));
	q = (struct links_q){.target = r2};
	ck_assert_int_eq(store_read(d.st, links_txn, &q), 0);
	ck_assert_uint_eq(q.n, 2);
	ck_assert(has_id(&q, svc));
	ck_assert(has_id(&q, svc2));
	q = (struct links_q){.target = r3};
	ck_assert_int_eq(store_read(d.st, links_txn, &q), 0);
	ck_assert_uint_eq(q.n, 1);
	ck_assert(rec_id_equal(&q.got[0], &other));
	/* fn stops the walk, and its value comes back */
	q = (struct links_q){.target = r1, .stop_after = 1};
	ck_assert_int_eq(store_read(d.st, links_txn, &q), 7);
	ck_assert_uint_eq(q.n, 1);
	/* after an edit the link goes */
	edit(d.st, svc, "beneficiaries", idtext(r2));
	q = (struct links_q){.target = r1};
	ck_assert_int_eq(store_read(d.st, links_txn, &q), 0);
	ck_assert_uint_eq(q.n, 1);
	ck_assert(rec_id_equal(&q.got[0], &need));
	/* nothing names this one */
	rec_id lonely = ADD(d.st, REC_RESIDENT, "name", "周");
	q = (struct links_q){.target = lonely};
	ck_assert_int_eq(store_read(d.st, links_txn, &q), 0);
	ck_assert_uint_eq(q.n, 0);
	testdb_free(&d);
}
END_TEST

static int
max_width(const char *text)
{
	int w = 0;
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		int lw = text_width(p, n);
		if (lw > w)
			w = lw;
		p += n;
		if (*p)
			p++;
	}
	return w;
}

START_TEST(test_certificate)
{
	struct db d = testdb_new("tally");
	rec_id a = ADD(d.st, REC_VOLUNTEER, "name", "王小红", "idnum", "51042119900101123X");
	rec_id b = ADD(d.st, REC_VOLUNTEER, "name", "李明", "idnum", "510421198505054321");
	char v[200];
	ADD(d.st, REC_SERVICE, "date", "2026-03-15", "hours", "9", "content",
	    "为独居老人上门打扫卫生、陪伴聊天、检查家中用电安全，并登记下次需要的帮助，内容很长很长",
	    "volunteers", pairs(v, sizeof v, a, "2.5", &b, "1"));
	ADD(d.st, REC_SERVICE, "date", "2026-01-05", "content", "助餐\n送到家\x1b[2J",
	    "volunteers", pairs(v, sizeof v, a, "3", NULL, NULL));
	ADD(d.st, REC_SERVICE, "date", "2026-02-20", "content", "义诊",
	    "volunteers", pairs(v, sizeof v, b, "4", NULL, NULL));

	int err = -1;
	char *c = tally_certificate(d.st, &a, "安宁村社工室", "2026-11-29", &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(err, STORE_OK);
	ck_assert_ptr_nonnull(strstr(c, "王小红"));
	ck_assert_ptr_nonnull(strstr(c, "510421********123X"));
	ck_assert_ptr_null(strstr(c, "19900101"));
	ck_assert_ptr_nonnull(strstr(c, "5.5"));
	ck_assert_ptr_nonnull(strstr(c, "2026-03-15"));
	ck_assert_ptr_nonnull(strstr(c, "2026-01-05"));
	ck_assert_ptr_null(strstr(c, "2026-02-20"));  /* not theirs */
	ck_assert_ptr_null(strstr(c, "李明"));
	ck_assert_ptr_nonnull(strstr(c, "安宁村社工室"));
	ck_assert_ptr_nonnull(strstr(c, "2026-11-29"));
	ck_assert_ptr_nonnull(strstr(c, "20261129-"));
	/* services in date order */
	ck_assert(strstr(c, "2026-01-05") < strstr(c, "2026-03-15"));
	/* the content is quoted up to 30 characters, and data cannot drive the terminal */
	ck_assert_ptr_nonnull(strstr(c, "为独居老人"));
	ck_assert_ptr_null(strstr(c, "内容很长很长"));
	ck_assert_ptr_null(strchr(c, '\x1b'));
	ck_assert_int_le(max_width(c), 72);
	free(c);

	/* bad arguments */
	c = tally_certificate(d.st, &a, "room", "2026-13-01", &err);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(err, STORE_INVALID);
	rec_id svc = a;
	svc.kind = REC_SERVICE;
	c = tally_certificate(d.st, &svc, "room", "2026-11-29", &err);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(err, STORE_INVALID);
	rec_id gone = a;
	gone.seq += 1000;
	c = tally_certificate(d.st, &gone, "room", "2026-11-29", &err);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(err, STORE_NOTFOUND);

	/* no ID number, no services, a long room name: still fits */
	rec_id e = ADD(d.st, REC_VOLUNTEER, "name", "𠀀𠀁");
	c = tally_certificate(d.st, &e,
	                      "攀枝花市米易县攀莲镇安宁村社区社会工作服务室（村社区社工室）"
	                      "和另外一个很长的名字",
	                      "2026-11-29", &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(strstr(c, "𠀀𠀁"));
	ck_assert_ptr_nonnull(strstr(c, "0.0"));
	ck_assert_int_le(max_width(c), 72);
	free(c);
	testdb_free(&d);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tally");
	TCase *tc = tcase_create("tally");
	tcase_add_test(tc, test_hours);
	tcase_add_test(tc, test_hours_exact_and_malformed);
	tcase_add_test(tc, test_resource);
	tcase_add_test(tc, test_links);
	tcase_add_test(tc, test_certificate);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
