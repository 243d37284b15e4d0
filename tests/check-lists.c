/* check-lists.c: the lists a worker's rounds go by, through the real
 * program in a pseudo-terminal at 80x24, on a UTF-8 and a GB18030
 * terminal, as the demo's village worker (anning), with residents,
 * services and a project added beside the demo's: residents filtered by
 * a status and two categories (each row one of them, the category column
 * shown at 80, the rows exactly those the database holds, in pinyin
 * order: 何 he, 刘 liu, 区 ou, 吴 wu, 于 yu), and the category column at 80
 * for the township's worker too, beside the village; the services list with its
 * function column, filtered by one function, and found by a word of its
 * content (院坝); its summary key opening the month's figures; the
 * projects list from the home menu (0). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pinyin.h"
#include "search.h"
#include "testdb.h"
#include "util.h"
#include "screen.h"

#define KEY_HOME "\033OH"

/* --- the database ------------------------------------------------------- */

static const struct person {
	const char *name, *status, *categories;
	bool shown;   /* in the list filtered by 已迁出 and 退役军人/独居老人 */
} people[] = {
	{"于海清", "moved", "veteran", true},
	{"何建国", "moved", "elder_alone,dibao", true},
	{"吴芳芳", "moved", "veteran,elder_alone", true},
	{"区小明", "moved", "veteran", true},
	{"刘桂兰", "moved", "elder_alone", true},
	{"安德明", "moved", "dibao", false},       /* another category */
	{"白玉兰", "active", "veteran", false},     /* on the register */
};

#define WORD "院坝"

struct fill {
	const char *village;
	char first[REC_ID_TEXTMAX];
};

static int
put(store_txn *t, record *r)
{
	store_put(t, r);
	record_free(r);
	return store_txn_error(t);
}

static int
fill_txn(store_txn *t, void *ctx)
{
	struct fill *f = ctx;
	for (size_t i = 0; i < NELEM(people); i++) {
		record *r = record_new(REC_RESIDENT);
		record_set(r, "name", people[i].name);
		record_set(r, "village", f->village);
		record_set(r, "status", people[i].status);
		record_set(r, "categories", people[i].categories);
		record_set(r, "sex", "m");
		if (i == 0) {
			store_put(t, r);
			rec_id_format(&r->id, f->first);
			record_free(r);
		} else if (put(t, r)) {
			return store_txn_error(t);
		}
	}
	static const struct {
		const char *form, *function, *content, *date;
	} services[] = {
		{"service_governance", "governance", "在" WORD "召开议事会，商量修路", "2026-11-02"},
		{"service_care", "care", "在" WORD "教老人用手机视频", "2026-11-03"},
		{"service_care", "care", "上门探访，送米送油", "2026-11-04"},
	};
	for (size_t i = 0; i < NELEM(services); i++) {
		record *r = record_new(REC_SERVICE);
		record_set(r, "_form", services[i].form);
		record_set(r, "function", services[i].function);
		record_set(r, "content", services[i].content);
		record_set(r, "date", services[i].date);
		record_set(r, "village", f->village);
		record_set(r, "work_kind", "group");
		record_set(r, "beneficiaries", f->first);
		if (put(t, r))
			return store_txn_error(t);
	}
	record *p = record_new(REC_PROJECT);
	record_set(p, "name", "坝坝舞队培育计划");
	record_set(p, "service", "governance");
	record_set(p, "village", f->village);
	record_set(p, "status", "planned");
	return put(t, p);
}

/* The demo database in a new folder, with the records above in 安宁村. */
static char *
make_db(void)
{
	char *dir = testdb_dir("lists");
	vt *t = screen_start(dir, 0, true, "anning", NULL);
	expect(t, "主菜单");
	quit_f10(t, 1);
	vt_free(t);
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	record *unit[4];
	size_t n;
	struct search_pos pos = {0};
	struct search_query q = {.kind = REC_UNIT, .text = "安宁村"};
	ck_assert_int_eq(search_page(st, &q, &pos, unit, 4, &n), STORE_OK);
	ck_assert_uint_ge(n, 1);
	char village[REC_ID_TEXTMAX];
	rec_id_format(&unit[0]->id, village);
	for (size_t i = 0; i < n; i++)
		record_free(unit[i]);
	struct fill f = {village, ""};
	ck_assert_int_eq(store_write(st, fill_txn, &f), STORE_OK);
	store_close(st);
	return dir;
}

/* --- what the database says the list must show ------------------------- */

struct oracle {
	const char *village;
	char *names[256];
	size_t n;
};

static int
oracle_one(const record *r, void *ctx)
{
	struct oracle *o = ctx;
	const char *v = record_get(r, "village"), *s = record_get(r, "status");
	const char *c = record_get(r, "categories");
	if (!v || strcmp(v, o->village) != 0 || !s || strcmp(s, "moved") != 0 || !c)
		return 0;
	if (!strstr(c, "veteran") && !strstr(c, "elder_alone"))
		return 0;
	ck_assert_uint_lt(o->n, 256);
	o->names[o->n++] = strdup(record_get(r, "name"));
	return 0;
}

static int
oracle_txn(store_txn *t, void *ctx)
{
	return store_scan(t, REC_RESIDENT, NULL, oracle_one, ctx);
}

static int
by_pinyin(const void *a, const void *b)
{
	char x[256], y[256];
	pinyin_sort_key(*(char *const *)a, true, x, sizeof x);
	pinyin_sort_key(*(char *const *)b, true, y, sizeof y);
	return strcmp(x, y);
}

/* The moved veterans and elders of 安宁村, every record read (not through
 * an index), in pinyin order. */
static void
oracle(const char *dir, struct oracle *o)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	record *unit[2];
	size_t n;
	struct search_pos pos = {0};
	struct search_query q = {.kind = REC_UNIT, .text = "安宁村"};
	ck_assert_int_eq(search_page(st, &q, &pos, unit, 1, &n), STORE_OK);
	static char village[REC_ID_TEXTMAX];
	rec_id_format(&unit[0]->id, village);
	record_free(unit[0]);
	o->village = village;
	o->n = 0;
	ck_assert_int_eq(store_read(st, oracle_txn, o), STORE_OK);
	store_close(st);
	qsort(o->names, o->n, sizeof *o->names, by_pinyin);
}

/* --- the screen --------------------------------------------------------- */

/* The row (from row 2 on) that holds text, or -1. */
static int
row_with(vt *t, const char *text)
{
	for (int y = 2; y < 24; y++) {
		const char *r = vt_row(t, y);
		if (r && strstr(r, text))
			return y;
	}
	return -1;
}

/* In a choice picker, the key that picks the choice labelled label (the
 * character before it: " 7 [ ] 独居老人"; the list beside the pop-up may
 * show the label too, but not after "] "). */
static void
pick(vt *t, const char *label)
{
	char ticked[128];
	snprintf(ticked, sizeof ticked, "] %s", label);  /* a choice to tick */
	expect(t, label);
	int y = row_with(t, ticked);
	if (y < 0)
		y = row_with(t, label);
	const char *r = vt_row(t, y);
	const char *at = strstr(r, ticked) ? strstr(r, ticked) : strstr(r, label);
	char key[2] = {0, 0};
	for (const char *p = r; p < at; p++)
		if ((*p >= '1' && *p <= '9') || (*p >= 'a' && *p <= 'z'))
			key[0] = *p;   /* the last digit or letter before the label */
	ck_assert_msg(key[0], "no key before \"%s\" in \"%s\"", label, r);
	keys(t, key);
}

/* The first word of a list's row (the name), malloc'd, or NULL. */
static char *
first_word(const char *row)
{
	while (*row == ' ')
		row++;
	size_t n = strcspn(row, " ");
	return n ? strndup(row, n) : NULL;
}

START_TEST(test_rounds_by_category)
{
	char *dir = make_db();
	struct oracle o;
	oracle(dir, &o);
	ck_assert_uint_ge(o.n, 5);
	ck_assert_uint_le(o.n, 14);   /* one page at 80x24 */
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "主菜单");
	type(t, "1");
	expect(t, "查找");
	/* the category column at 80 columns */
	expect(t, "人员类别");
	ck_assert_msg(strstr(vt_row(t, 2), "人员类别"), "no category column: %s", vt_row(t, 2));
	/* the first page in pinyin order */
	char prev[256] = "";
	for (int y = 3; y < 19; y++) {
		char *w = first_word(vt_row(t, y));
		if (!w)
			break;
		char k[256];
		pinyin_sort_key(w, true, k, sizeof k);
		ck_assert_msg(strcmp(prev, k) <= 0, "row %d: %s out of pinyin order", y, w);
		snprintf(prev, sizeof prev, "%s", k);
		free(w);
	}
	/* F5: a status, then two categories ticked */
	keys(t, KEY_F5);
	pick(t, "已迁出");
	expect(t, "[ ]");
	pick(t, "退役军人");
	pick(t, "独居老人");
	keys(t, KEY_ENTER);
	expect(t, "独居老人、退役军人]");
	ck_assert_msg(strstr(vt_row(t, 1), "[安宁村 已迁出 独居老人、退役军人]"), "the filter: %s",
	              vt_row(t, 1));
	vt_pump(t, 300);
	size_t rows = 0;
	for (int y = 3; y < 19; y++) {
		const char *r = vt_row(t, y);
		char *w = first_word(r);
		if (!w)
			break;
		ck_assert_msg(rows < o.n, "more rows than the database holds: %s", w);
		ck_assert_msg(strcmp(w, o.names[rows]) == 0, "row %d: %s, the database says %s", y, w,
		              o.names[rows]);
		ck_assert_msg(strstr(r, "退役军人") || strstr(r, "独居老人"), "row %d without its category: %s",
		              y, r);
		free(w);
		rows++;
	}
	ck_assert_uint_eq(rows, o.n);
	/* the names added, in pinyin order: he liu ou wu yu */
	int at[5];
	const char *order[] = {"何建国", "刘桂兰", "区小明", "吴芳芳", "于海清"};
	for (int i = 0; i < 5; i++) {
		at[i] = row_with(t, order[i]);
		ck_assert_msg(at[i] > 2, "%s not listed", order[i]);
		ck_assert(i == 0 || at[i] > at[i - 1]);
	}
	ck_assert_int_lt(row_with(t, "安德明"), 0);
	ck_assert_int_lt(row_with(t, "白玉兰"), 0);
	/* F5 again: every record again, the village kept */
	keys(t, KEY_F5);
	expect(t, "只显示本村");
	ck_assert_ptr_null(strstr(vt_row(t, 1), "退役军人"));
	for (size_t i = 0; i < o.n; i++)
		free(o.names[i]);
	quit_f10(t, 3);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

START_TEST(test_services_by_function)
{
	char *dir = make_db();
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "主菜单");
	type(t, "3");
	expect(t, "查找");
	/* the function column, second */
	expect(t, "服务类别");
	const char *head = vt_row(t, 2);
	ck_assert_msg(strstr(head, "日期") && strstr(head, "服务类别") &&
	              strstr(head, "日期") < strstr(head, "服务类别"), "the heads: %s", head);
	/* one function */
	keys(t, KEY_F5);
	pick(t, "老幼关爱");
	keys(t, KEY_ENTER);
	expect(t, "[安宁村 老幼关爱]");
	vt_pump(t, 300);
	int rows = 0;
	for (int y = 3; y < 19 && vt_row(t, y) && *vt_row(t, y) && vt_row(t, y)[0] != '\0'; y++) {
		const char *r = vt_row(t, y);
		if (!strstr(r, "20"))
			break;   /* past the rows */
		ck_assert_msg(strstr(r, "老幼关爱"), "row %d of another function: %s", y, r);
		rows++;
	}
	ck_assert_int_ge(rows, 2);
	ck_assert_int_lt(row_with(t, "社区治理"), 0);
	/* a word of the content, with the filter: the care service alone */
	type(t, WORD);
	expect(t, "教老人用手机");
	ck_assert_int_lt(row_with(t, "议事会"), 0);
	ck_assert_int_lt(row_with(t, "送米送油"), 0);
	/* without the filter: both that hold the word */
	keys(t, KEY_F5);
	expect(t, "只显示本村");
	expect(t, "议事会");
	expect(t, "教老人用手机");
	ck_assert_int_lt(row_with(t, "送米送油"), 0);
	/* the summary on the bar, and it opens the month's figures */
	const char *bar = vt_row(t, 23);
	ck_assert_msg(bar && strstr(bar, "汇总"), "no summary on the bar: %s", bar ? bar : "");
	keys(t, KEY_F9);
	expect(t, "统计报表");
	keys(t, KEY_ESC);
	expect(t, "查找");
	quit_f10(t, 3);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

START_TEST(test_projects_list)
{
	char *dir = make_db();
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "主菜单");
	expect(t, " 0 ");
	expect(t, "项目");
	type(t, "0");
	expect(t, "项目名称");
	expect(t, "坝坝舞队培育计划");
	/* found by its pinyin initials too */
	type(t, "bbw");
	expect(t, "坝坝舞队培育计划");
	/* no summary for projects: not on the bar */
	ck_assert_ptr_null(strstr(vt_row(t, 23), "汇总"));
	/* a new one in the project form */
	keys(t, KEY_F3);
	expect(t, "预算");
	keys(t, KEY_F10);
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* The township's worker sees every village's residents: the village
 * column, and still the categories at 80 columns (a group gives way). */
START_TEST(test_township_columns)
{
	char *dir = make_db();
	vt *t = screen_start(dir, _i, true, "panlian", NULL);
	expect(t, "主菜单");
	type(t, "1");
	expect(t, "查找");
	expect(t, "人员类别");
	const char *head = vt_row(t, 2);
	ck_assert_msg(strstr(head, "姓名") && strstr(head, "身份证号") && strstr(head, "村") &&
	              strstr(head, "人员类别"), "the heads: %s", head);
	/* a category shown whole in its column */
	type(t, "吴芳芳");
	expect(t, "独居老人、退役军人");
	quit_f10(t, 3);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

static Suite *
lists_suite(void)
{
	Suite *s = suite_create("lists");
	TCase *tc = tcase_create("screens");
	tcase_set_timeout(tc, 240);
	tcase_add_loop_test(tc, test_rounds_by_category, 0, 2);
	tcase_add_loop_test(tc, test_services_by_function, 0, 2);
	tcase_add_loop_test(tc, test_projects_list, 0, 2);
	tcase_add_loop_test(tc, test_township_columns, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(lists_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
