/* check-household.c: a household read through the household index
 * (household.c): its members by the exact number in one village (not a
 * longer number, not another village's same number), the head first and
 * then by relation and age, each with their open needs (oldest first,
 * not met or closed ones, not another's) and their newest services
 * (newest first, at most as many as asked, all counted); a resident
 * without a number alone; a member the store's policy hides left out;
 * what a family member takes from the resident. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "household.h"

#include "testdb.h"

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

static char *
idtext(rec_id id)
{
	static char bufs[8][REC_ID_TEXTMAX];
	static int next;
	char *b = bufs[next++ % 8];
	return rec_id_format(&id, b);
}

static const char *
name_of(const record *r)
{
	const char *n = record_get(r, "name");
	return n ? n : "";
}

/* The members' names in order, joined by spaces. */
static void
names(const struct household *h, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < h->n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " " : "", name_of(h->m[i].r));
}

static const struct household_member *
member(const struct household *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(name_of(h->m[i].r), name) == 0)
			return &h->m[i];
	ck_abort_msg("%s is not a member", name);
	return NULL;
}

/* A household of three generations in village V1, with a neighbour
 * whose number begins with theirs and a family in village V2 with the
 * same number. */
struct family {
	rec_id head, spouse, son, daughter, grandma, cousin, longer, other_village, alone;
};

static struct family
family(store *st)
{
	struct family f;
	f.son = ADD(st, REC_RESIDENT, "name", "石小军", "household", "HT-7", "village", "V1",
	            "relation", "child", "idnum", "510421201003281915");
	f.head = ADD(st, REC_RESIDENT, "name", "石大山", "household", "HT-7", "village", "V1",
	             "relation", "head", "birth", "1970-02-03", "group", "3组", "address",
	             "安宁村3组7号");
	f.daughter = ADD(st, REC_RESIDENT, "name", "石小花", "household", "HT-7", "village", "V1",
	                 "relation", "child", "birth", "2005-06-01");
	f.grandma = ADD(st, REC_RESIDENT, "name", "李桂英", "household", "HT-7", "village", "V1",
	                "relation", "parent", "birth", "1941-01-01");
	f.spouse = ADD(st, REC_RESIDENT, "name", "陈秀兰", "household", "HT-7", "village", "V1",
	               "relation", "spouse");
	f.cousin = ADD(st, REC_RESIDENT, "name", "石表弟", "household", "HT-7", "relation", "other");
	f.longer = ADD(st, REC_RESIDENT, "name", "邻居甲", "household", "HT-70", "village", "V1",
	               "relation", "head");
	f.other_village = ADD(st, REC_RESIDENT, "name", "外村人", "household", "HT-7", "village",
	                      "V2", "relation", "head");
	f.alone = ADD(st, REC_RESIDENT, "name", "独居者", "household", "  ", "village", "V1");
	return f;
}

START_TEST(test_members)
{
	struct db d = testdb_new("household");
	struct family f = family(d.st);
	struct household h;
	char buf[512];
	/* from any member, the same household in the same order */
	const rec_id from[] = {f.son, f.head, f.grandma};
	for (size_t k = 0; k < sizeof from / sizeof from[0]; k++) {
		ck_assert_int_eq(household_read_now(d.st, &from[k], 3, &h), STORE_OK);
		names(&h, buf, sizeof buf);
		ck_assert_str_eq(buf, "石大山 陈秀兰 李桂英 石小花 石小军 石表弟");
		ck_assert_uint_lt(h.self, h.n);
		ck_assert(rec_id_equal(&h.m[h.self].r->id, &from[k]));
		household_free(&h);
		ck_assert_uint_eq(h.n, 0);
	}
	/* the longer number and the other village's family are others */
	ck_assert_int_eq(household_read_now(d.st, &f.longer, 3, &h), STORE_OK);
	names(&h, buf, sizeof buf);
	ck_assert_str_eq(buf, "邻居甲");
	household_free(&h);
	ck_assert_int_eq(household_read_now(d.st, &f.other_village, 3, &h), STORE_OK);
	names(&h, buf, sizeof buf);
	ck_assert_str_eq(buf, "外村人 石表弟");   /* no village: counted in either */
	household_free(&h);
	/* blanks are no number: the resident alone */
	ck_assert_int_eq(household_read_now(d.st, &f.alone, 3, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_uint_eq(h.self, 0);
	household_free(&h);
	/* a resident that is not there */
	rec_id gone = f.alone;
	gone.seq += 1000;
	ck_assert_int_eq(household_read_now(d.st, &gone, 3, &h), STORE_NOTFOUND);
	ck_assert_uint_eq(h.n, 0);
	testdb_free(&d);
}
END_TEST

START_TEST(test_needs_and_services)
{
	struct db d = testdb_new("household");
	struct family f = family(d.st);
	char son[REC_ID_TEXTMAX], head[REC_ID_TEXTMAX], sp[REC_ID_TEXTMAX];
	snprintf(son, sizeof son, "%s", idtext(f.son));
	snprintf(head, sizeof head, "%s", idtext(f.head));
	snprintf(sp, sizeof sp, "%s", idtext(f.spouse));
	ADD(d.st, REC_NEED, "resident", son, "date", "2026-09-01", "status", "in_progress",
	    "description", "second");
	ADD(d.st, REC_NEED, "resident", son, "date", "2026-03-01", "status", "open",
	    "description", "first");
	ADD(d.st, REC_NEED, "resident", son, "date", "2026-10-01", "status", "met", "description",
	    "met");
	ADD(d.st, REC_NEED, "resident", son, "date", "2026-10-02", "status", "closed",
	    "description", "closed");
	ADD(d.st, REC_NEED, "resident", son, "date", "2026-11-01", "status", "referred",
	    "description", "third");
	ADD(d.st, REC_NEED, "resident", head, "date", "2026-11-02", "description", "no status");
	/* services: five for the head (one with his wife), one for the wife */
	char both[2 * REC_ID_TEXTMAX + 1];
	snprintf(both, sizeof both, "%s,%s", sp, head);
	const char *dates[] = {"2026-07-01", "2026-11-20", "2026-01-05", "2026-09-09", "2026-10-10"};
	for (size_t i = 0; i < 5; i++)
		ADD(d.st, REC_SERVICE, "date", dates[i], "beneficiaries", i == 3 ? both : head,
		    "content", dates[i]);
	ADD(d.st, REC_SERVICE, "date", "2026-02-02", "beneficiaries", sp, "content", "wife");

	struct household h;
	ck_assert_int_eq(household_read_now(d.st, &f.daughter, 3, &h), STORE_OK);
	const struct household_member *m = member(&h, "石小军");
	ck_assert_uint_eq(m->nneeds, 3);
	ck_assert_str_eq(record_get(m->needs[0], "description"), "first");
	ck_assert_str_eq(record_get(m->needs[1], "description"), "second");
	ck_assert_str_eq(record_get(m->needs[2], "description"), "third");
	ck_assert_uint_eq(m->nservices, 0);
	ck_assert_uint_eq(m->services_all, 0);
	m = member(&h, "石大山");
	ck_assert_uint_eq(m->nneeds, 1);   /* no status yet: open */
	ck_assert_uint_eq(m->services_all, 5);
	ck_assert_uint_eq(m->nservices, 3);
	ck_assert_str_eq(record_get(m->services[0], "date"), "2026-11-20");
	ck_assert_str_eq(record_get(m->services[1], "date"), "2026-10-10");
	ck_assert_str_eq(record_get(m->services[2], "date"), "2026-09-09");
	m = member(&h, "陈秀兰");
	ck_assert_uint_eq(m->nneeds, 0);
	ck_assert_uint_eq(m->services_all, 2);
	ck_assert_uint_eq(m->nservices, 2);
	ck_assert_str_eq(record_get(m->services[0], "date"), "2026-09-09");
	ck_assert_str_eq(record_get(m->services[1], "content"), "wife");
	household_free(&h);
	/* none asked: counted, none kept */
	ck_assert_int_eq(household_read_now(d.st, &f.head, 0, &h), STORE_OK);
	m = member(&h, "石大山");
	ck_assert_uint_eq(m->services_all, 5);
	ck_assert_uint_eq(m->nservices, 0);
	household_free(&h);
	testdb_free(&d);
}
END_TEST

/* The worker may not read 李桂英 (another unit's, say). */
static bool
hide_grandma(int op, const record *before, const record *after, void *ctx)
{
	(void)after;
	(void)ctx;
	return op != STORE_POLICY_READ || !before || strcmp(name_of(before), "李桂英") != 0;
}

START_TEST(test_policy)
{
	struct db d = testdb_new("household");
	struct family f = family(d.st);
	store_set_policy(d.st, hide_grandma, NULL);
	struct household h;
	char buf[512];
	ck_assert_int_eq(household_read_now(d.st, &f.head, 3, &h), STORE_OK);
	names(&h, buf, sizeof buf);
	ck_assert_str_eq(buf, "石大山 陈秀兰 石小花 石小军 石表弟");
	household_free(&h);
	/* her own household is not to be read */
	ck_assert_int_eq(household_read_now(d.st, &f.grandma, 3, &h), STORE_DENIED);
	ck_assert_uint_eq(h.n, 0);
	store_set_policy(d.st, NULL, NULL);
	testdb_free(&d);
}
END_TEST

/* The case file's entries (household_case): every record naming the
 * resident and their volunteer registration (same ID number), by date
 * (a record without one by the day it was made), nothing of another. */
static int
case_txn(store_txn *t, void *ctx)
{
	void **a = ctx;
	record *r;
	int err = store_get(t, a[0], &r);
	if (err)
		return err;
	err = household_case(t, NULL, r, a[1], a[2]);
	record_free(r);
	return err;
}

START_TEST(test_case_entries)
{
	struct db d = testdb_new("household");
	struct family f = family(d.st);
	char son[REC_ID_TEXTMAX], head[REC_ID_TEXTMAX];
	snprintf(son, sizeof son, "%s", idtext(f.son));
	snprintf(head, sizeof head, "%s", idtext(f.head));
	ADD(d.st, REC_NEED, "resident", son, "date", "2026-09-01", "description", "later");
	ADD(d.st, REC_SERVICE, "beneficiaries", son, "date", "2026-03-01", "content", "earlier");
	ADD(d.st, REC_NEED, "resident", head, "date", "2026-01-01", "description", "the head's");
	ADD(d.st, REC_VOLUNTEER, "name", "石小军", "idnum", "510421201003281915");
	ADD(d.st, REC_VOLUNTEER, "name", "别人", "idnum", "510421201003281916");
	struct case_entry *e;
	size_t n;
	void *a[] = {&f.son, &e, &n};
	ck_assert_int_eq(store_read(d.st, case_txn, a), STORE_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(e[0].date, "2026-03-01");
	ck_assert_str_eq(record_get(e[0].r, "content"), "earlier");
	ck_assert_str_eq(e[1].date, "2026-09-01");
	ck_assert_str_eq(record_get(e[1].r, "description"), "later");
	/* the volunteer registration, by the day it was made (today) */
	ck_assert_int_eq(e[2].r->id.kind, REC_VOLUNTEER);
	ck_assert_str_eq(record_get(e[2].r, "name"), "石小军");
	ck_assert_uint_eq(strlen(e[2].date), 10);
	household_case_free(e, n);
	testdb_free(&d);
}
END_TEST

START_TEST(test_carried)
{
	/* the fields a family member takes, and nothing personal */
	const char *want[] = {"household", "village", "group", "address"};
	size_t n = 0;
	for (; household_carried[n]; n++) {
		ck_assert_uint_lt(n, 4);
		ck_assert_str_eq(household_carried[n], want[n]);
	}
	ck_assert_uint_eq(n, 4);
	record *r = record_new(REC_RESIDENT);
	ck_assert_ptr_null(household_number(r));
	record_set(r, "household", " \t");
	ck_assert_ptr_null(household_number(r));
	record_set(r, "household", "001-009");
	ck_assert_str_eq(household_number(r), "001-009");
	record_free(r);
	record *need = record_new(REC_NEED);
	const char *open[] = {"open", "in_progress", "referred"}, *shut[] = {"met", "closed", "void"};
	for (size_t i = 0; i < 3; i++) {
		record_set(need, "status", open[i]);
		ck_assert(household_need_open(need));
		record_set(need, "status", shut[i]);
		ck_assert(!household_need_open(need));
	}
	record_free(need);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("household");
	TCase *tc = tcase_create("household");
	tcase_add_test(tc, test_members);
	tcase_add_test(tc, test_needs_and_services);
	tcase_add_test(tc, test_policy);
	tcase_add_test(tc, test_carried);
	tcase_add_test(tc, test_case_entries);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
