/* check-house.c: households through the real program in a pseudo-terminal
 * at 80x24, on a UTF-8 and a GB18030 terminal, as the demo's village
 * worker (anning), with a household of three written beside the demo's
 * people: a family member registered from a resident (m) takes the
 * household number, village, group and address, with the relation asked
 * first (Esc there opens nothing); the household view (f) opened from any
 * member shows every member with relation, age, sex and categories, their
 * open needs and recent services, and opens a member, a need and a case
 * file; the case file numbers the other members and a digit opens one;
 * a resident with no household number is told how to give one; a
 * township's worker reads the household but adds no one to it. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "orgunit.h"
#include "screen.h"
#include "testdb.h"

#define KEY_HOME "\033OH"   /* as xterm sends it in keypad mode */

/* The household written beside the demo's residents. */
#define HOUSEHOLD "HT-7"
#define ADDRESS "安宁村3组7号"
#define GROUP "3组"
#define NEED "放学后没人照看，想找课后托管"
#define VISIT "上门探访，了解老人和孩子的情况"

/* --- the database -------------------------------------------------------------- */

struct setup {
	char village[REC_ID_TEXTMAX];
	rec_id head, spouse, son;
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

static int
setup_txn(store_txn *t, void *ctx)
{
	struct setup *s = ctx;
	record *w;
	ck_assert_int_eq(worker_by_login(t, "anning", &w), STORE_OK);
	const char *unit = record_get(w, "unit");
	ck_assert_ptr_nonnull(unit);
	snprintf(s->village, sizeof s->village, "%s", unit);
	record_free(w);
	const char *v = s->village;
	s->head = put(t, REC_RESIDENT,
	              (const char *[]){"name", "石大山", "idnum", "510421197002031317", "sex", "m", "birth", "1970-02-03",
	                               "village", v, "group", GROUP, "address", ADDRESS, "household",
	                               HOUSEHOLD, "relation", "head", "categories", "dibao",
	                               "status", "active", NULL});
	s->spouse = put(t, REC_RESIDENT,
	                (const char *[]){"name", "陈秀兰", "idnum", "510421197205061428", "sex", "f", "birth", "1972-05-06",
	                                 "village", v, "group", GROUP, "address", ADDRESS,
	                                 "household", HOUSEHOLD, "relation", "spouse", "status",
	                                 "active", NULL});
	s->son = put(t, REC_RESIDENT,
	             (const char *[]){"name", "石小军", "idnum", "510421201509011314", "sex", "m", "birth", "2015-09-01",
	                              "village", v, "group", GROUP, "address", ADDRESS, "household",
	                              HOUSEHOLD, "relation", "child", "categories", "left_behind",
	                              "status", "active", NULL});
	put(t, REC_RESIDENT,
	    (const char *[]){"name", "何淑芬", "idnum", "51042119500101142X", "sex", "f", "birth", "1950-01-01", "village", v,
	                     "status", "active", NULL});
	char son[REC_ID_TEXTMAX], spouse[REC_ID_TEXTMAX];
	rec_id_format(&s->son, son);
	rec_id_format(&s->spouse, spouse);
	put(t, REC_NEED,
	    (const char *[]){"who", "resident", "resident", son, "village", v, "date", "2026-11-02",
	                     "channel", "visit", "service", "care", "description", NEED, "urgency",
	                     "normal", "status", "open", NULL});
	put(t, REC_NEED,
	    (const char *[]){"who", "resident", "resident", son, "village", v, "date", "2026-06-02",
	                     "channel", "visit", "service", "care", "description", "已经满足的需求",
	                     "urgency", "normal", "status", "met", NULL});
	put(t, REC_SERVICE,
	    (const char *[]){"_form", "service_care", "function", "care", "date", "2026-11-20",
	                     "village", v, "beneficiaries", spouse, "work_kind", "visit", "content",
	                     VISIT, NULL});
	/* four for the head: the newest three shown, all four counted */
	char head[REC_ID_TEXTMAX];
	rec_id_format(&s->head, head);
	static const char *const dates[] = {"2026-05-01", "2026-10-01", "2026-08-01", "2026-09-01"};
	for (size_t i = 0; i < 4; i++) {
		char content[64];
		snprintf(content, sizeof content, "低保复核走访%s", dates[i]);
		put(t, REC_SERVICE,
		    (const char *[]){"_form", "service_assistance", "function", "assistance", "date",
		                     dates[i], "village", v, "beneficiaries", head, "work_kind", "visit",
		                     "content", content, NULL});
	}
	return 0;
}

/* The demo in a new folder, and the household beside it. */
static char *
make_db(struct setup *s)
{
	char *dir = testdb_dir("house");
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "'%s' --demo --db '%s' find unit </dev/null >/dev/null 2>&1",
	         screen_bin(), dir);
	ck_assert_int_eq(system(cmd), 0);
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	store_set_user(st, "anning");
	ck_assert_int_eq(store_write(st, setup_txn, s), STORE_OK);
	store_close(st);
	return dir;
}

/* The resident named name as the database has it now (the caller frees),
 * or NULL. */
struct by_name {
	const char *name;
	record *found;
};

static int
by_name_one(const record *r, void *ctx)
{
	struct by_name *b = ctx;
	const char *n = record_get(r, "name");
	if (n && strcmp(n, b->name) == 0) {
		b->found = record_dup(r);
		return 1;
	}
	return 0;
}

static int
by_name_txn(store_txn *t, void *ctx)
{
	store_scan(t, REC_RESIDENT, NULL, by_name_one, ctx);
	return store_txn_error(t);
}

static record *
resident_named(const char *dir, const char *name)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	struct by_name b = {name, NULL};
	ck_assert_int_eq(store_read(st, by_name_txn, &b), STORE_OK);
	store_close(st);
	return b.found;
}

/* --- the screen ---------------------------------------------------------------- */

/* How old someone born on y-m-d is today. */
static int
age_on_today(int y, int m, int d)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	int age = tm.tm_year + 1900 - y;
	if (tm.tm_mon + 1 < m || (tm.tm_mon + 1 == m && tm.tm_mday < d))
		age--;
	return age;
}

static int
row_with(vt *t, const char *text, int from)
{
	for (int y = from; y < 24; y++) {
		const char *r = vt_row(t, y);
		if (r && strstr(r, text))
			return y;
	}
	return -1;
}

/* Whether the row that holds a also holds b. */
static void
same_row(vt *t, const char *a, const char *b)
{
	int y = row_with(t, a, 0);
	if (y < 0 || !strstr(vt_row(t, y), b)) {
		vt_dump(t);
		ck_abort_msg("no row holds both \"%s\" and \"%s\"", a, b);
	}
}

/* Nothing cut at 80 columns: text_pad leaves ~ where it cuts. */
static void
no_cut(vt *t)
{
	if (strchr(vt_screen(t), '~')) {
		vt_dump(t);
		ck_abort_msg("a text is cut at 80 columns");
	}
}

/* a's row above b's */
static void
above(vt *t, const char *a, const char *b)
{
	int ya = row_with(t, a, 1), yb = row_with(t, b, 1);
	if (ya < 0 || yb < 0 || ya >= yb) {
		vt_dump(t);
		ck_abort_msg("\"%s\" is not above \"%s\"", a, b);
	}
}

/* From the home screen, back screens deep (F10 each), the resident list,
 * the resident found by name, opened. */
static void
open_resident(vt *t, int back, const char *name)
{
	for (int i = 0; i < back; i++)
		keys(t, KEY_F10);
	expect(t, "主菜单");
	type(t, "1");
	expect(t, "查找");
	type(t, name);
	expect(t, name);
	keys(t, KEY_ENTER);
	char title[128];
	snprintf(title, sizeof title, "居民: %s", name);
	expect(t, title);
}

/* In a choice list, the choice labelled label, by the digit or letter
 * shown before it. */
static void
choose(vt *t, const char *label)
{
	expect(t, label);
	int y = row_with(t, label, 0);
	const char *r = vt_row(t, y);
	const char *at = strstr(r, label);
	/* "   3  子女": the last key before the label */
	const char *k = NULL;
	for (const char *p = r; p < at; p++)
		if (*p != ' ')
			k = p;
	ck_assert_msg(k != NULL, "no key before %s", label);
	char key[2] = {*k, 0};
	type(t, key);
}

static void
quit(vt *t)
{
	quit_f10(t, 8);
}

/* m on a resident: the relation asked (Esc: nothing), then a new resident
 * with the household's number, village, group and address, saved as a
 * resident of that household. */
START_TEST(test_add_member)
{
	struct setup s;
	char *dir = make_db(&s);
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	open_resident(t, 0, "石大山");
	expect(t, "m 添家人");
	keys(t, "m");
	expect(t, "与户主关系");
	expect(t, "子女");
	keys(t, KEY_ESC);                /* not now: nothing opens */
	vt_pump(t, 300);
	expect(t, "居民: 石大山");
	ck_assert_ptr_null(strstr(vt_screen(t), "新建"));

	keys(t, "m");
	choose(t, "子女");
	expect(t, "新建");
	expect(t, "石大山的家庭成员");
	same_row(t, "户号", HOUSEHOLD);
	same_row(t, "住址", ADDRESS);
	same_row(t, "组 ", GROUP);
	same_row(t, "村(社区)", "安宁村");
	same_row(t, "与户主关系", "子女");
	type(t, "石小花");
	keys(t, KEY_F2);
	expect(t, "已登记");
	/* saved, back on the head, where the worker started */
	expect(t, "居民: 石大山");

	/* saved as a resident of the household, its fields the head's */
	record *r = resident_named(dir, "石小花");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(record_get(r, "household"), HOUSEHOLD);
	ck_assert_str_eq(record_get(r, "village"), s.village);
	ck_assert_str_eq(record_get(r, "group"), GROUP);
	ck_assert_str_eq(record_get(r, "address"), ADDRESS);
	ck_assert_str_eq(record_get(r, "relation"), "child");
	ck_assert_ptr_null(record_get(r, "categories"));  /* what is personal is not carried */
	ck_assert_uint_eq(r->version, 1);
	record_free(r);

	/* the household has her */
	keys(t, "f");
	expect(t, "户号 " HOUSEHOLD " 全户");
	expect(t, "共 4 人");
	same_row(t, "石小花", "子女");
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* f from a member: every member, their relation, age, sex, categories,
 * open needs and recent services; Enter opens the chosen row's record
 * (a member, a need); F9 a member's case file. */
START_TEST(test_household_view)
{
	struct setup s;
	char *dir = make_db(&s);
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	open_resident(t, 0, "石小军");
	keys(t, "f");
	expect(t, "户号 " HOUSEHOLD " 全户");
	expect(t, "共 3 人");
	expect(t, ADDRESS);
	expect(t, "未办结需求：1");
	same_row(t, "石大山", "户主");
	same_row(t, "石大山", "低保");
	same_row(t, "石大山", "男");
	same_row(t, "陈秀兰", "配偶");
	same_row(t, "陈秀兰", "女");
	same_row(t, "石小军", "子女");
	same_row(t, "石小军", "留守儿童");
	/* the head first, then spouse, then the child; each item under
	 * its member */
	above(t, "石大山", "陈秀兰");
	above(t, "陈秀兰", VISIT);
	above(t, VISIT, "石小军");
	above(t, "石小军", "课后托管");
	same_row(t, "课后托管", "待处理");
	same_row(t, "课后托管", "2026-11-02");
	same_row(t, VISIT, "老幼关爱");
	ck_assert_ptr_null(strstr(vt_screen(t), "已经满足"));   /* a met need is not open */
	/* the head's newest three services, newest first, and how many in all */
	above(t, "石大山", "走访2026-10-01");
	above(t, "走访2026-10-01", "走访2026-09-01");
	above(t, "走访2026-09-01", "走访2026-08-01");
	above(t, "走访2026-08-01", "共 4 次服务");
	above(t, "共 4 次服务", "陈秀兰");
	same_row(t, "走访2026-10-01", "社会救助");
	ck_assert_ptr_null(strstr(vt_screen(t), "走访2026-05-01"));
	no_cut(t);
	/* the ages: worked out from the birth dates, whatever today is */
	char age[16];
	snprintf(age, sizeof age, " %d ", age_on_today(1970, 2, 3));
	same_row(t, "石大山", age);
	snprintf(age, sizeof age, " %d ", age_on_today(2015, 9, 1));
	same_row(t, "石小军", age);

	/* the chosen row is the member it was opened from */
	keys(t, KEY_ENTER);
	expect(t, "居民: 石小军");
	keys(t, KEY_F10);
	expect(t, "全户");
	keys(t, KEY_DOWN);               /* the need under him */
	keys(t, KEY_ENTER);
	expect(t, "需求");
	expect(t, "课后托管");
	keys(t, KEY_F10);
	expect(t, "全户");
	keys(t, KEY_HOME);               /* the head */
	keys(t, KEY_ENTER);
	expect(t, "居民: 石大山");
	keys(t, KEY_F10);
	expect(t, "全户");
	keys(t, KEY_DOWN);               /* his newest service */
	keys(t, KEY_ENTER);
	expect(t, "走访2026-10-01");
	expect(t, "社会救助");
	keys(t, KEY_F10);
	expect(t, "全户");
	keys(t, KEY_HOME);
	keys(t, KEY_F9);                 /* the head's case file */
	expect(t, "档案：石大山");
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* The case file numbers the other members on its household line; a digit
 * opens one; f and m work there too; a resident without a household
 * number is told what to do. */
START_TEST(test_case_members)
{
	struct setup s;
	char *dir = make_db(&s);
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	open_resident(t, 0, "石大山");
	keys(t, KEY_F9);
	expect(t, "档案：石大山");
	expect(t, "1 陈秀兰(配偶)");
	expect(t, "2 石小军(子女)");
	no_cut(t);
	keys(t, "2");
	expect(t, "居民: 石小军");
	keys(t, KEY_F10);
	expect(t, "档案：石大山");
	keys(t, "1");
	expect(t, "居民: 陈秀兰");
	keys(t, KEY_F10);
	expect(t, "档案：石大山");
	keys(t, "9");
	expect(t, "没有这个编号的家庭成员");
	keys(t, "f");
	expect(t, "户号 " HOUSEHOLD " 全户");
	keys(t, KEY_F10);
	expect(t, "档案：石大山");
	keys(t, "m");
	expect(t, "与户主关系");
	keys(t, KEY_ESC);
	vt_wait_gone(t, "与户主关系", 5000);

	/* no household number: say how to give one */
	open_resident(t, 3, "何淑芬");
	keys(t, "m");
	expect(t, "还没有户号");
	keys(t, "f");
	expect(t, "全户（没有户号）");
	expect(t, "共 1 人");
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* A township's worker reads a village's household but registers no one
 * in it: told before the relation is asked. */
START_TEST(test_township_reads)
{
	struct setup s;
	char *dir = make_db(&s);
	vt *t = screen_start(dir, _i, true, "panlian", NULL);
	open_resident(t, 0, "石大山");
	keys(t, "f");
	expect(t, "共 3 人");
	keys(t, "m");
	expect(t, "您的账号不能查看或修改这条记录");
	vt_pump(t, 300);
	ck_assert_ptr_null(strstr(vt_screen(t), "与户主关系"));
	ck_assert_ptr_null(resident_named(dir, "石小花"));
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("house");
	TCase *tc = tcase_create("house");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_add_member, 0, 2);
	tcase_add_loop_test(tc, test_household_view, 0, 2);
	tcase_add_loop_test(tc, test_case_members, 0, 2);
	tcase_add_loop_test(tc, test_township_reads, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
