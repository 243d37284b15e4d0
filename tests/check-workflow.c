/* check-workflow.c: a village worker's day through the real program in a
 * pseudo-terminal, read through libvterm, on a UTF-8 and on a GB18030
 * terminal: register a resident whose name has a character outside the
 * BMP, take a need for them, find them again by pinyin initials and by ID
 * number, and get a form back after the link drops mid-form. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testdb.h"
#include "valid.h"
#include "screen.h"

#define WAIT_MS 15000

static vt *
start(const char *dir, int term)
{
	return screen_start(dir, term, true, NULL, NULL);
}

/* The name on the list's first row (row 3), once the list shows one:
 * malloc'd. */
static char *
first_listed(vt *t)
{
	for (int waited = 0;; waited += 50) {
		const char *row = vt_row(t, 3);
		while (row && *row == ' ')
			row++;
		if (row && *row) {
			size_t n = strcspn(row, " ");
			const char *wide = strstr(row, "\xe3\x80\x80");   /* a wide space */
			if (wide && (size_t)(wide - row) < n)
				n = (size_t)(wide - row);
			char *name = strndup(row, n);
			ck_assert_ptr_nonnull(name);
			return name;
		}
		if (waited > WAIT_MS) {
			vt_dump(t);
			ck_abort_msg("the list shows no record");
		}
		vt_pump(t, 50);
	}
}

START_TEST(test_register_need_find)
{
	char *dir = testdb_dir("flow");
	vt *t = start(dir, _i);
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	/* the first resident of the whole list, which "wm" below leaves out */
	char *first = first_listed(t);

	/* a new resident, with 𠈌 (U+2020C) in the name */
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, "王𠈌明");
	keys(t, KEY_TAB);
	type(t, "11010519491231002x");
	keys(t, KEY_F2);
	expect(t, "已登记");
	expect(t, "王𠈌明");
	expect(t, "11010519491231002X");   /* x made X */
	expect(t, "76");                   /* the age, worked out from the ID number */

	/* a need for them, the resident filled in */
	keys(t, KEY_F7);
	expect(t, "新建");
	expect(t, "需求");
	for (int i = 0; i < 4; i++)        /* who, resident, village, date, then channel */
		keys(t, KEY_TAB);
	type(t, "1");                      /* the first channel: a home visit */
	expect(t, "入户走访");
	keys(t, KEY_TAB);
	type(t, "3");                      /* the third service */
	expect(t, "老幼关爱");
	keys(t, KEY_TAB);
	type(t, "独居，需要每周探访");
	keys(t, KEY_F2);
	expect(t, "已登记");
	expect(t, "王𠈌明");               /* the resident, shown by name */

	/* back to the list: find by pinyin initials (𠈌 has none: 王明 -> wm) */
	keys(t, KEY_ESC);
	keys(t, KEY_ESC);
	expect(t, "查找");
	type(t, "wm");
	expect(t, "王𠈌明");
	ck_assert_msg(!strstr(vt_screen(t), first), "\"wm\" still lists %s", first);
	/* an empty search lists everyone again, from the first */
	keys(t, KEY_CTRL_U);
	expect(t, first);
	free(first);
	/* and by the start of the ID number */
	type(t, "1101051949");
	expect(t, "王𠈌明");
	type(t, "9");                      /* no such ID: nothing */
	expect(t, "没有找到");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* Typing into a field sends little more than the characters: the cursor
 * stays shown and the text is plain (the loop hid the cursor and the form
 * showed it again, and every character came wrapped in an underline
 * switched on and off: 36 bytes a character, 12 times the characters).
 * The cursor still follows the field, and hides on one that is chosen. */
START_TEST(test_typing_bytes)
{
	static const char *name[] = {"司", "马", "诸", "葛", "欧", "阳", "上", "官", "建", "国"};
	char *dir = testdb_dir("typing");
	vt *t = start(dir, _i);
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	vt_pump(t, 300);
	size_t before = vt_bytes_received(t);
	for (size_t i = 0; i < sizeof name / sizeof *name; i++)
		type(t, name[i]);
	expect(t, "司马诸葛欧阳上官建国");
	size_t sent = vt_bytes_received(t) - before;
	size_t chars = _i == 0 ? 30 : 20;   /* UTF-8 3 bytes a character, GB18030 2 */
	ck_assert_msg(sent <= 2 * chars, "%zu bytes sent for %zu bytes of characters", sent, chars);
	int row, col;
	vt_cursor(t, &row, &col);
	ck_assert(vt_cursor_visible(t));
	ck_assert_int_eq(row, 2);
	ck_assert_int_eq(col, 21 + 20);
	/* the next field: the cursor goes with it */
	keys(t, KEY_TAB);
	vt_cursor(t, &row, &col);
	ck_assert(vt_cursor_visible(t));
	ck_assert_int_eq(row, 3);
	ck_assert_int_eq(col, 21);
	/* a field whose value is chosen from a list: no cursor; then back */
	keys(t, KEY_TAB);                  /* sex: chosen from a list */
	ck_assert(!vt_cursor_visible(t));
	keys(t, KEY_TAB);                  /* the date of birth: typed again */
	vt_cursor(t, &row, &col);
	ck_assert(vt_cursor_visible(t));
	ck_assert_int_eq(row, 5);
	ck_assert_int_eq(col, 21);
	keys(t, KEY_ESC);
	keys(t, "y");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

START_TEST(test_draft_after_hangup)
{
	char *dir = testdb_dir("flow");
	vt *t = start(dir, _i);
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, "李𡃁花");
	keys(t, KEY_TAB);
	type(t, "5104211980");             /* half an ID number, still in the box */
	vt_pump(t, 300);
	vt_hangup(t);                      /* the SSH link drops */
	int status;
	ck_assert_msg(vt_wait_exit(t, WAIT_MS, &status), "no exit after the hang-up");
	vt_free(t);

	t = start(dir, _i);
	expect(t, "要恢复吗");
	expect(t, "李𡃁花");
	type(t, "y");
	expect(t, "草稿已恢复");
	expect(t, "李𡃁花");
	expect(t, "5104211980");
	/* mend the ID number and save: the draft is gone after */
	type(t, "01010017");
	keys(t, KEY_F2);
	if (!vt_wait_text(t, "已登记", WAIT_MS)) {
		vt_dump(t);
		ck_abort_msg("the restored form was not saved");
	}
	quit_f10(t, 4);
	vt_free(t);

	t = start(dir, _i);
	expect(t, "居民");
	/* the home menu takes the key: no question came up in front of it */
	type(t, "1");
	expect(t, "查找");
	ck_assert_msg(strstr(vt_screen(t), "要恢复吗") == NULL, "the draft came back after saving");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* A service recorded from a resident's case file shows in that file. */
START_TEST(test_service_in_case_file)
{
	char *dir = testdb_dir("flow");
	vt *t = start(dir, _i);
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	type(t, "1101051949");           /* nobody: register one to be sure who it is */
	expect(t, "没有找到");
	keys(t, KEY_CTRL_U);
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, "赵𠀀");                  /* 𠀀 U+20000 */
	keys(t, KEY_TAB);
	type(t, "11010519491231002X");
	keys(t, KEY_F2);
	expect(t, "已登记");

	keys(t, KEY_F9);                 /* the case file */
	expect(t, "F7");
	keys(t, KEY_F3);                 /* a service for this resident: which one? */
	expect(t, "1 ");
	type(t, "1");                    /* the first: needs assessment */
	expect(t, "赵𠀀");                /* the beneficiary is filled in */
	for (int i = 0; i < 7; i++)      /* to the kind of work */
		keys(t, KEY_TAB);
	type(t, "1");                    /* case work */
	keys(t, KEY_TAB);
	type(t, "入户评估，了解家庭情况");
	keys(t, KEY_F2);
	expect(t, "已登记");
	keys(t, KEY_ESC);                /* back to the case file */
	expect(t, "入户评估");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* Two workers edit the same record in two programs at once: the second
 * save is refused with a message, and what the second typed stays on the
 * screen to redo; nothing is silently overwritten. */
START_TEST(test_two_workers_same_record)
{
	char *dir = testdb_dir("flow");
	vt *a = start(dir, _i);
	expect(a, "居民");
	vt *b = start(dir, _i);
	expect(b, "居民");
	vt *both[2] = {a, b};
	const char *mark[2] = {"甲", "乙"};
	for (int k = 0; k < 2; k++) {
		type(both[k], "1");
		expect(both[k], "查找");
		keys(both[k], "\r");          /* the first resident */
		expect(both[k], "F4");
		keys(both[k], "\033OS");      /* F4: edit; the cursor is in the name */
		expect(both[k], "F2");
		keys(both[k], "\033OF");      /* End: to the end of the name */
		type(both[k], mark[k]);
	}
	keys(a, KEY_F2);
	expect(a, "已保存");
	keys(b, KEY_F2);
	expect(b, "别人已保存过它");
	/* B's typing is still there to redo */
	ck_assert_msg(strstr(vt_screen(b), "乙") != NULL, "the second worker's input was lost");
	/* still in the editor (F2 Save on the bar), not back in the view */
	ck_assert_msg(strstr(vt_screen(b), "F2") != NULL, "the second save went through");
	/* and the first worker's change is what the database holds */
	keys(a, KEY_ESC);
	expect(a, "查找");
	ck_assert_msg(strstr(vt_screen(a), "甲") != NULL, "the first save is not in the list");
	ck_assert_msg(strstr(vt_screen(a), "乙") == NULL, "the refused save reached the list");
	vt_free(b);
	quit_f10(a, 4);
	vt_free(a);
	testdb_rm(dir);
}
END_TEST

/* Two workers register the same new person at once: the one who saves
 * second is told the ID number is registered already, for whom, and
 * keeps what they typed, still in the editor (the check is made in the
 * transaction that saves: kind_save; check-kind races two processes). */
START_TEST(test_two_workers_same_idnum)
{
	char first[18], id[19];
	snprintf(first, sizeof first, "51042119850505%03d", 7);
	snprintf(id, sizeof id, "%s%c", first, valid_id_checkchar(first));
	char *dir = testdb_dir("flow");
	vt *a = start(dir, _i);
	expect(a, "居民");
	vt *b = start(dir, _i);
	expect(b, "居民");
	vt *both[2] = {a, b};
	const char *name[2] = {"赵甲", "赵乙"};
	for (int k = 0; k < 2; k++) {
		type(both[k], "1");
		expect(both[k], "查找");
		keys(both[k], KEY_F3);
		expect(both[k], "新建");
		type(both[k], name[k]);
		keys(both[k], KEY_TAB);
		type(both[k], id);
		expect(both[k], id);
	}
	keys(a, KEY_F2);
	expect(a, "已登记");
	keys(b, KEY_F2);
	expect(b, "已经登记过了（赵甲");
	ck_assert_msg(strstr(vt_screen(b), "赵乙") != NULL, "the second worker's name was lost");
	ck_assert_msg(strstr(vt_screen(b), id) != NULL, "the second worker's ID number was lost");
	ck_assert_msg(strstr(vt_screen(b), "F2") != NULL, "the second save went through");
	/* the number mended, it saves */
	keys(b, KEY_CTRL_U);
	char other[19];
	snprintf(first, sizeof first, "51042119850505%03d", 8);
	snprintf(other, sizeof other, "%s%c", first, valid_id_checkchar(first));
	type(b, other);
	keys(b, KEY_F2);
	expect(b, "已登记");
	quit_f10(b, 4);
	vt_free(b);
	quit_f10(a, 4);
	vt_free(a);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("workflow");
	TCase *tc = tcase_create("workflow");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_register_need_find, 0, 2);
	tcase_add_loop_test(tc, test_typing_bytes, 0, 2);
	tcase_add_loop_test(tc, test_draft_after_hangup, 0, 2);
	tcase_add_loop_test(tc, test_service_in_case_file, 0, 2);
	tcase_add_loop_test(tc, test_two_workers_same_record, 0, 2);
	tcase_add_loop_test(tc, test_two_workers_same_idnum, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
