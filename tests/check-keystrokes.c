/* check-keystrokes.c: how many keys each daily task takes (issue 17,
 * item 10), counted on the real program in a pseudo-terminal at 80x24 on
 * a UTF-8 and a GB18030 terminal.  Every F-key, Tab, Enter, Esc, arrow,
 * letter command and digit choosing from a list counts one; the
 * characters of a name or description typed do not.  Fields are found
 * by what the screen shows (the current field's label is drawn in
 * reverse), not by fixed Tab counts, so the counts follow the forms.
 * Tasks 2 to 5 start and end on the person's case file (the Esc back
 * to it counts); the station's and the closing start on the home menu
 * (b, today's work).  Choosing from a list is counted as the digit a
 * worker types on the field (the test opens the list, uncounted, only to
 * read which digit it is).  The table goes to the log
 * (bench/keystrokes.md); the targets are asserted: no task above
 * 15 keys, a service from the case file at most 12. */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "scope.h"
#include "search.h"
#include "screen.h"
#include "testdb.h"

#define NAME "钱𠀀福"   /* 𠀀 is U+20000: four bytes in GB18030 too */
#define IDNUM "510421194503052016"
#define MEMBER "钱小梅"
#define VOLUNTEER "柏志勇"
#define RESOURCE "爱心米面油"
#define NEED "腿脚不便需要陪同就医"
#define FEEDBACK "已安排镇卫生院上门"

enum { T_FIND, T_MEMBER, T_NEED, T_SERVICE, T_REFER, T_STATION, T_CLOSE, T_N };
static const char *const task_names[T_N] = {
	"find a person, open the case file", "register a family member", "take a need",
	"record a service from the case file", "refer",
	"station: accept, start, resolve", "village: close the referral"};
static int counts[2][T_N];
static int *count;   /* the task being counted */

/* One key, counted. */
static const char *
key_name(const char *k)
{
	static const struct { const char *k, *name; } names[] = {
		{KEY_F2, "F2"}, {KEY_F3, "F3"}, {KEY_F4, "F4"}, {KEY_F6, "F6"}, {KEY_F7, "F7"},
		{KEY_F9, "F9"}, {KEY_F11, "F11"}, {KEY_F12, "F12"}, {KEY_ESC, "Esc"},
		{KEY_ENTER, "Enter"}, {KEY_TAB, "Tab"}, {KEY_DOWN, "Down"}};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(k, names[i].k) == 0)
			return names[i].name;
	return k;
}

/* One key, counted (and named in the log, after the task's count). */
static void
press(vt *t, const char *k)
{
	(*count)++;
	printf(" %s", key_name(k));
	keys(t, k);
}

/* Start counting task i (the log line of its keys). */
static void
task(int term, int i)
{
	count = &counts[term][i];
	printf("\n%s (%s):", task_names[i], screen_terms[term].encoding);
}

/* The row of a form's current field (its label in reverse), or -1. */
static int
current_row(vt *t)
{
	for (int y = 2; y < 20; y++)
		if (vt_reverse(t, y, 3))
			return y;
	return -1;
}

/* Tab (each counted) until the current field's label is label. */
static void
to_field(vt *t, const char *label)
{
	for (int i = 0; i < 40; i++) {
		vt_pump(t, 50);
		int y = current_row(t);
		const char *r = y >= 0 ? vt_row(t, y) : "";
		size_t n = strlen(label);
		/* " * 服务 ..." or "   服务 ...": the label, whole */
		if (strlen(r) >= 3 && strncmp(r + 3, label, n) == 0 && (r[3 + n] == ' ' || !r[3 + n]))
			return;
		press(t, KEY_TAB);
	}
	vt_dump(t);
	ck_abort_msg("Tab never reached the field \"%s\"", label);
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

/* In a chooser, the key in front of the entry that says text ("3  子女"):
 * pressed, counted. */
static void
choose_digit(vt *t, const char *text)
{
	expect(t, text);
	for (int tries = 0; tries < 50; tries++) {
		for (int y = 1; y < 22; y++) {
			const char *r = vt_row(t, y);
			for (const char *p = r ? strstr(r, text) : NULL; p; p = strstr(p + 1, text)) {
				if (p - r < 4 || p[-1] != ' ' || p[-2] != ' ')
					continue;
				const char *k = p - 2;
				while (k > r && k[-1] != ' ')
					k--;
				size_t n = (size_t)(p - 2 - k);
				if (n < 1 || n > 2 || !((k[0] >= '0' && k[0] <= '9') || (k[0] >= 'a' && k[0] <= 'z')))
					continue;
				char key[4] = {0};
				memcpy(key, k, n);
				press(t, key);
				return;
			}
		}
		vt_pump(t, 100);
	}
	vt_dump(t);
	ck_abort_msg("no entry \"%s\" to choose", text);
}

/* The row of the chosen item of a list (marked ">" in column 1), or -1. */
static int
chosen_row(vt *t)
{
	for (int y = 2; y < 21; y++) {
		const char *r = vt_row(t, y);
		if (r && r[0] == ' ' && r[1] == '>')
			return y;
	}
	return -1;
}

/* Down (each counted) until the chosen item of a list holds text. */
static void
choose_row(vt *t, const char *text)
{
	for (int i = 0; i < 60; i++) {
		vt_pump(t, 50);
		int y = chosen_row(t);
		if (y >= 0 && strstr(vt_row(t, y), text))
			return;
		press(t, KEY_DOWN);
	}
	vt_dump(t);
	ck_abort_msg("no item holds \"%s\"", text);
}

/* A choice field: its list opened (not counted: a worker who knows the
 * list types the digit on the field, which opens and chooses at once),
 * the digit of the entry text (counted). */
static void
choose_field(vt *t, const char *label, const char *text)
{
	to_field(t, label);
	keys(t, KEY_F4);
	choose_digit(t, text);
}

struct seed {
	const char *unit;
};

static int
seed_txn(store_txn *t, void *ctx)
{
	struct seed *s = ctx;
	record *r = record_new(REC_RESIDENT);
	record_set(r, "name", NAME);
	record_set(r, "idnum", IDNUM);
	record_set(r, "sex", "m");
	record_set(r, "village", s->unit);
	record_set(r, "household", "009-001");
	record_set(r, "relation", "head");
	record_set(r, "address", "安宁村9组1号");
	record_set(r, "status", "active");
	int err = store_put(t, r);
	record_free(r);
	if (err)
		return err;
	r = record_new(REC_VOLUNTEER);
	record_set(r, "name", VOLUNTEER);
	record_set(r, "idnum", "510421198807070019");
	record_set(r, "sex", "m");
	record_set(r, "phone", "13900000001");
	record_set(r, "village", s->unit);
	record_set(r, "status", "active");
	err = store_put(t, r);
	record_free(r);
	if (err)
		return err;
	r = record_new(REC_RESOURCE);
	record_set(r, "name", RESOURCE);
	record_set(r, "category", "goods");
	record_set(r, "provider", "攀莲镇超市");
	record_set(r, "village", s->unit);
	record_set(r, "quantity", "100");
	err = store_put(t, r);
	record_free(r);
	return err;
}

static void
seed(const char *dir)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "'%s' --demo --db '%s' --as anning today >/dev/null 2>&1", screen_bin(),
	         dir);
	ck_assert_int_eq(system(cmd), 0);
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	audit_attach(st);
	store_set_user(st, "anning");
	struct scope *sc;
	ck_assert_int_eq(scope_load_now(st, "anning", &sc), STORE_OK);
	struct seed s = {sc->unit};
	ck_assert_int_eq(store_write(st, seed_txn, &s), STORE_OK);
	scope_free(sc);
	store_close(st);
}

/* The service task 4 saved, read back from the database: it answers the
 * need, and names the volunteer with 2 hours and the resource with 1. */
static void
saved_service(const char *dir)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	record *out[32];
	size_t n = 0;
	struct search_query q = {.kind = REC_SERVICE, .text = NAME};
	ck_assert_int_eq(search_linked(st, &q, out, 32, &n), STORE_OK);
	int found = 0;
	for (size_t i = 0; i < n; i++) {
		const char *c = record_get(out[i], "content");
		if (c && strcmp(c, "陪同就医") == 0) {
			found++;
			const char *need = record_get(out[i], "needs");
			const char *vol = record_get(out[i], "volunteers");
			const char *res = record_get(out[i], "resources");
			ck_assert_msg(need && strncmp(need, "need-", 5) == 0, "needs: %s", need ? need : "");
			ck_assert_msg(vol && strstr(vol, ":2") && !strchr(vol, ','), "volunteers: %s",
			              vol ? vol : "");
			ck_assert_msg(res && strstr(res, ":1") && !strchr(res, ','), "resources: %s",
			              res ? res : "");
		}
		record_free(out[i]);
	}
	ck_assert_int_eq(found, 1);
	store_close(st);
}

static void
home(vt *t)
{
	for (int i = 0; i < 8 && !strstr(vt_screen(t), "主菜单"); i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");
}

static void
quit(vt *t)
{
	home(t);
	quit_f10(t, 1);
	vt_free(t);
}

START_TEST(test_keystrokes)
{
	char *dir = testdb_dir("keys");
	seed(dir);
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "主菜单");

	/* 1. find the person from the home menu, open their case file */
	task(_i, T_FIND);
	press(t, "1");
	expect(t, "查找");
	type(t, NAME);
	expect(t, "510421194503052");
	press(t, KEY_ENTER);
	expect(t, "居民: " NAME);
	press(t, KEY_F9);
	expect(t, "档案：" NAME);

	/* 2. a family member, from the case file: saved, back to it */
	task(_i, T_MEMBER);
	press(t, "m");
	choose_digit(t, "子女");
	expect(t, "居民: 新建");
	to_field(t, "姓名");
	type(t, MEMBER);
	to_field(t, "身份证号");
	type(t, "510421198003042020");
	press(t, KEY_F2);
	expect(t, "已登记");
	expect(t, "档案：" NAME);
	expect(t, MEMBER "(子女)");

	/* 3. a need, F7 from the case file: saved, back to it */
	task(_i, T_NEED);
	press(t, KEY_F7);
	expect(t, "需求: 新建");
	choose_field(t, "需求来源", "入户走访");
	choose_field(t, "服务", "老幼关爱");
	to_field(t, "需求描述");
	type(t, NEED);
	press(t, KEY_F2);
	expect(t, "已登记");
	expect(t, "档案：" NAME);
	expect(t, NEED);

	/* 4. a service from the case file: the need (their only open need of
	 * the function, filled in), a volunteer and a resource, each found by
	 * typing a name on the field */
	task(_i, T_SERVICE);
	press(t, KEY_F3);
	choose_digit(t, "服务记录：老幼关爱");
	expect(t, "服务记录：老幼关爱: 新建");
	ck_assert_msg(row_with(t, "回应的需求", 2) >= 0 &&
	                  strstr(vt_row(t, row_with(t, "回应的需求", 2)), "陪同就医"),
	              "the person's open need is not filled in");
	choose_field(t, "服务方式", "入户走访");
	to_field(t, "服务内容");
	type(t, "陪同就医");
	to_field(t, "志愿者");
	type(t, VOLUNTEER);
	press(t, KEY_ENTER);
	type(t, "2");
	press(t, KEY_ENTER);
	to_field(t, "用到的资源");
	type(t, RESOURCE);
	press(t, KEY_ENTER);
	type(t, "1");
	press(t, KEY_ENTER);
	press(t, KEY_F2);
	expect(t, "已登记");
	/* asked what became of the need, over the case file: still followed up */
	expect(t, "这项服务回应的需求");
	choose_digit(t, "处理中");
	vt_wait_gone(t, "这项服务回应的需求", 5000);
	expect(t, "档案：" NAME);
	saved_service(dir);
	/* 5. refer, F6 from the case file: saved, then submitted */
	task(_i, T_REFER);
	press(t, KEY_F6);
	expect(t, "转介: 新建");
	choose_field(t, "案情类别", "老年人");
	choose_field(t, "紧急程度", "紧急");
	to_field(t, "转介原因");
	type(t, "独居老人，行动不便，需要陪同就医");
	to_field(t, "已记录居民的知情同意");
	press(t, "y");
	press(t, KEY_F2);
	expect(t, "已存为草稿");
	press(t, KEY_F6);
	expect(t, "提交转介");
	press(t, "y");
	expect(t, "[已提交]");
	press(t, KEY_ESC);
	expect(t, "档案：" NAME);
	quit(t);

	/* 6. the township station: accept, start, resolve, from its list of
	 * today's work */
	t = screen_start(dir, _i, true, "panlian", NULL);
	expect(t, "主菜单");
	task(_i, T_STATION);
	press(t, "b");
	expect(t, "回车打开记录");
	char line[128];
	snprintf(line, sizeof line, "（%s）：待接收", NAME);
	choose_row(t, line);
	press(t, KEY_ENTER);
	expect(t, "F11 受理");
	press(t, KEY_F11);
	expect(t, "受理安宁村");
	press(t, "y");
	expect(t, "[已受理]");
	expect(t, "F11 开始处理");
	press(t, KEY_F11);
	expect(t, "开始处理安宁村");
	press(t, "y");
	if (!vt_wait_gone(t, "开始处理安宁村", 5000)) {
		vt_dump(t);
		ck_abort_msg("the referral was not started");
	}
	press(t, KEY_F12);
	expect(t, "办结转介");
	press(t, "y");
	choose_digit(t, "成功解决");
	expect(t, "给村里的反馈");
	type(t, FEEDBACK);
	press(t, KEY_ENTER);
	expect(t, "[已办结]");
	quit(t);

	/* 7. the village closes it, from the answer on its list */
	t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "主菜单");
	task(_i, T_CLOSE);
	press(t, "b");
	expect(t, "回车打开记录");
	snprintf(line, sizeof line, "（%s）", NAME);
	choose_row(t, line);
	press(t, KEY_ENTER);
	expect(t, FEEDBACK);
	press(t, KEY_F12);
	expect(t, "结案转介");
	press(t, "y");
	expect(t, "[已结案]");
	quit(t);
	testdb_rm(dir);

	printf("\n");
	/* the targets: no task above 15 keys, a service from the case
	 * file at most 12 */
	for (int i = 0; i < T_N; i++) {
		int max = i == T_SERVICE ? 12 : 15;
		ck_assert_msg(counts[_i][i] > 0, "%s: no keys counted", task_names[i]);
		ck_assert_msg(counts[_i][i] <= max, "%s takes %d keys; the target is at most %d",
		              task_names[i], counts[_i][i], max);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("keystrokes");
	TCase *tc = tcase_create("keystrokes");
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_keystrokes, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	printf("%-40s %8s %8s\n", "task", "UTF-8", "GB18030");
	for (int i = 0; i < T_N; i++)
		printf("%-40s %8d %8d\n", task_names[i], counts[0][i], counts[1][i]);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
