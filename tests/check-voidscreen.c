/* check-voidscreen.c: voiding a record made by mistake from its view, on
 * a UTF-8 and a GB18030 terminal at 80x24, on the demo database as its
 * village worker: the person a service names is refused (the service
 * first, named by its date); a service recorded by mistake is opened from the
 * services list, F8 asks why (Esc, an empty reason and n change nothing),
 * y voids it; the view says 已作废 with the reason and refuses F4; the
 * service leaves the list and the report's count of 老幼关爱 services; the
 * audit trail has the step.  A supervisor's view offers no F8. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "scope.h"
#include "search.h"
#include "testdb.h"
#include "screen.h"

#define CONTENT "坝坝宴误录"
#define REASON "重复录入，应为上周那次"
#define PERSON "卜错录"

/* The demo database in dir, with a care service of the worker anning's
 * village dated today; its id into id. */
static void
make_db(const char *dir, rec_id *id)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "'%s' --demo --db '%s' --as anning find unit >/dev/null",
	         screen_bin(), dir);
	ck_assert_int_eq(system(cmd), 0);
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	struct scope *sc;
	ck_assert_int_eq(scope_load_now(st, "anning", &sc), STORE_OK);
	char today[16];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	audit_attach(st);
	store_set_user(st, "anning");
	record *p = record_new(REC_RESIDENT);
	ck_assert_ptr_nonnull(p);
	record_set(p, "name", PERSON);
	record_set(p, "village", scope_village(sc));
	ck_assert_int_eq(store_save(st, p), STORE_OK);
	char pid[REC_ID_TEXTMAX];
	rec_id_format(&p->id, pid);
	record_free(p);
	record *r = record_new(REC_SERVICE);
	ck_assert_ptr_nonnull(r);
	record_set(r, "beneficiaries", pid);
	record_set(r, "_form", "service_care");
	record_set(r, "function", "care");
	record_set(r, "date", today);
	record_set(r, "village", scope_village(sc));
	record_set(r, "content", CONTENT);
	ck_assert_int_eq(store_save(st, r), STORE_OK);
	*id = r->id;
	record_free(r);
	scope_free(sc);
	store_close(st);
}

/* The row (0-based) that holds text, or -1. */
static int
row_with(vt *t, const char *text)
{
	for (int y = 0; y < 24; y++) {
		const char *r = vt_row(t, y);
		if (r && strstr(r, text))
			return y;
	}
	return -1;
}

/* The report's row of care services for the village, as shown. */
static char *
care_row(vt *t)
{
	expect(t, "统计报表");
	keys(t, "7");
	expect(t, "分村数据");
	int y = row_with(t, "老幼关爱");
	if (y < 0) {
		vt_dump(t);
		ck_abort_msg("the report shows no row of 老幼关爱");
	}
	char *row = strdup(vt_row(t, y));
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	return row;
}

static int
void_entry(const struct audit_entry *e, void *ctx)
{
	if (strcmp(e->action, "void") == 0 && strcmp(e->note, REASON) == 0)
		*(bool *)ctx = true;
	return 0;
}

/* The services list, the mistaken service selected. */
static void
open_services(vt *t)
{
	keys(t, "3");
	expect(t, "查找");
	type(t, CONTENT);   /* the demo's own services fill the first page */
	expect(t, CONTENT);
}

/* The first figure on the report's row of care services. */
static long
first_count(const char *row)
{
	const char *p = strstr(row, "老幼关爱");
	ck_assert_ptr_nonnull(p);
	p += strlen("老幼关爱");
	while (*p && (*p < '0' || *p > '9'))
		p++;
	ck_assert_msg(*p, "no figure on [%s]", row);
	return strtol(p, NULL, 10);
}

START_TEST(test_void_service)
{
	char *dir = testdb_dir("voidscreen");
	rec_id id;
	make_db(dir, &id);
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "主菜单");
	char *before = care_row(t);
	long nbefore = first_count(before);
	ck_assert_msg(nbefore >= 1, "[%s]", before);

	/* the person the service names is not voided before it */
	keys(t, "1");
	expect(t, "查找");
	type(t, PERSON);
	expect(t, PERSON);
	keys(t, KEY_ENTER);
	expect(t, "F8 作废");
	keys(t, KEY_F8);
	expect(t, "作废原因");
	type(t, "录重了");
	keys(t, KEY_ENTER);
	expect(t, "记录会保留");
	keys(t, "y");
	expect(t, "还有服务（");
	expect(t, "请先作废它");
	ck_assert_int_lt(row_with(t, "已作废"), 0);
	keys(t, KEY_ESC);
	expect(t, "查找");
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	open_services(t);
	keys(t, KEY_ENTER);
	expect(t, "F8 作废");   /* on the bar */

	/* Esc at the reason, an empty reason, n at the question: nothing */
	keys(t, KEY_F8);
	expect(t, "作废原因");
	keys(t, KEY_ESC);
	expect(t, "没有做任何改动");
	keys(t, KEY_F8);
	expect(t, "作废原因");
	keys(t, KEY_ENTER);
	expect(t, "作废须写明原因");
	keys(t, KEY_F8);
	expect(t, "作废原因");
	type(t, REASON);
	keys(t, KEY_ENTER);
	expect(t, "记录会保留");
	keys(t, "n");
	expect(t, "没有做任何改动");
	ck_assert_int_lt(row_with(t, "已作废"), 0);

	/* and y voids it: marked, with the reason, read only */
	keys(t, KEY_F8);
	expect(t, "作废原因");
	type(t, REASON);
	keys(t, KEY_ENTER);
	expect(t, "记录会保留");
	keys(t, "y");
	expect(t, "记录和原因保留在审计日志中");
	expect(t, "（已作废）");
	expect(t, "已作废：" REASON);
	ck_assert_int_lt(row_with(t, "F8 作废"), 0);
	ck_assert_int_lt(row_with(t, "F4 修改"), 0);
	keys(t, KEY_F4);
	expect(t, "只能查看，不能修改");
	keys(t, KEY_F8);
	expect(t, "已经作废");

	/* it leaves the list, and the report's count */
	keys(t, KEY_ESC);
	expect(t, "服务对象");
	/* the search for its words, run again, finds nothing now */
	expect(t, "没有找到");
	keys(t, KEY_CTRL_U);
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	char *after = care_row(t);
	ck_assert_msg(first_count(after) == nbefore - 1, "[%s] after [%s]", after, before);
	free(after);
	free(before);
	quit_f10(t, 1);
	vt_free(t);

	/* kept, with the step in the audit trail */
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	record *r;
	ck_assert_int_eq(search_get(st, &id, &r), STORE_OK);
	ck_assert(record_voided(r));
	ck_assert_str_eq(record_get(r, REC_VOID_REASON), REASON);
	record_free(r);
	char idt[REC_ID_TEXTMAX];
	struct audit_filter f = {.who = "anning", .record = rec_id_format(&id, idt)};
	bool hit = false;
	ck_assert_int_eq(audit_each(st, &f, void_entry, &hit), STORE_OK);
	ck_assert_msg(hit, "no audit entry void with the reason");
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* A supervisor reads the service but is offered no F8. */
START_TEST(test_supervisor_no_void)
{
	char *dir = testdb_dir("voidscreen");
	rec_id id;
	make_db(dir, &id);
	vt *t = screen_start(dir, _i, true, "dudao", NULL);
	expect(t, "主菜单");
	open_services(t);
	keys(t, KEY_ENTER);
	expect(t, "F10 返回");
	expect(t, CONTENT);
	ck_assert_int_lt(row_with(t, "F8 作废"), 0);
	keys(t, KEY_F8);
	vt_pump(t, 300);
	ck_assert_int_lt(row_with(t, "作废原因"), 0);
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

static Suite *
voidscreen_suite(void)
{
	Suite *s = suite_create("voidscreen");
	TCase *tc = tcase_create("void");
	tcase_set_timeout(tc, 240);
	tcase_add_loop_test(tc, test_void_service, 0, 2);
	tcase_add_loop_test(tc, test_supervisor_no_void, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(voidscreen_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
