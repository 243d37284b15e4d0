/* check-entry.c: entry that helps (issue 17, item 6), through the real
 * program at 80x24 on a UTF-8 and a GB18030 terminal, as 安宁村's worker
 * 李红梅 (login anning) in the demo: sex and birth date filled from the ID
 * number and a contradiction refused; Tab passing over computed and fixed
 * fields; 组 from the village's list; Chinese typed in a choice list
 * filtering it; a need carrying the resident's phone; the worker shown by
 * name; a yes/no field's list on F4; a volunteer's hours asked in plain
 * words and shown with their unit; a resource's amount in its unit;
 * 参加人数 once on 社区治理; resources and organisations not named 姓名. */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testdb.h"
#include "valid.h"
#include "screen.h"

static vt *
start(const char *dir, int term)
{
	return screen_start(dir, term, true, "anning", NULL);
}

/* A man's ID number born 1956-03-12 (the 17th digit odd), or a woman's. */
static void
make_id(char out[19], bool man, int n)
{
	snprintf(out, 19, "51042119560312%02d%d", n % 100, man ? 1 : 2);
	out[17] = valid_id_checkchar(out);
	out[18] = '\0';
	ck_assert_int_eq(valid_idnum(out, NULL), VALID_OK);
}

/* In a chooser of forms, press the key on the line of label: the order
 * of the six functions is not this test's business. */
static void
choose(vt *t, const char *label)
{
	expect(t, label);
	for (int row = 0; row < 24; row++) {
		/* a choice's line: " K  服务记录：社会救助" */
		const char *line = vt_row(t, row), *at = strstr(line, label), *key = NULL;
		for (const char *c = line; at && c + 3 < at; c++)
			if (c[0] == ' ' && isalnum((unsigned char)c[1]) && c[2] == ' ' && c[3] == ' ')
				key = c + 1;
		if (key) {
			char k[2] = {*key, '\0'};
			type(t, k);
			return;
		}
	}
	vt_dump(t);
	ck_abort_msg("no choice \"%s\"", label);
}

/* The residents' list, a new resident, the name typed. */
static void
new_resident(vt *t, const char *name)
{
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, name);
}

static void
assert_absent(vt *t, const char *text)
{
	if (strstr(vt_screen(t), text)) {
		vt_dump(t);
		ck_abort_msg("\"%s\" is on the screen", text);
	}
}

/* The ID number fills sex and birth; a male ID saved as 女 is refused
 * and says why; Tab goes from the birth date to the phone past 年龄 and
 * 性别(身份证). */
START_TEST(test_id_fills_and_refuses)
{
	char *dir = testdb_dir("entry");
	vt *t = start(dir, _i);
	char id[19];
	make_id(id, true, 11 + _i);
	new_resident(t, "江明远");
	keys(t, KEY_TAB);
	type(t, id);
	keys(t, KEY_TAB);                  /* to sex: both filled from the ID number */
	expect(t, "1956-03-12");
	expect(t, "已按身份证号填好");
	keys(t, KEY_F4);                   /* the worker says 女 all the same */
	expect(t, "女");
	type(t, "2");
	keys(t, KEY_TAB);                  /* birth */
	keys(t, KEY_TAB);                  /* the phone: 年龄 and 性别(身份证) passed over */
	type(t, "13912345678");
	keys(t, KEY_F2);
	expect(t, "与身份证号不符");
	expect(t, "应为男");
	keys(t, KEY_F4);                   /* the cursor is on sex again */
	type(t, "1");
	keys(t, KEY_F2);
	expect(t, "已登记");
	expect(t, "13912345678");
	expect(t, "1956-03-12");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* 组 is chosen from 安宁村's list (village passed over: it is the
 * worker's own); Chinese typed in 与户主关系 narrows its list. */
START_TEST(test_group_and_chinese_filter)
{
	char *dir = testdb_dir("entry");
	vt *t = start(dir, _i);
	new_resident(t, "江小雨");
	for (int i = 0; i < 5; i++)        /* ID, sex, birth, phone, (village) group */
		keys(t, KEY_TAB);
	type(t, "3");                      /* the third group of the list */
	expect(t, "3组");
	for (int i = 0; i < 3; i++)        /* address, household, relation */
		keys(t, KEY_TAB);
	type(t, "子女");                   /* typed: the list narrows to it */
	expect(t, "查找");
	expect(t, "子女");
	assert_absent(t, "配偶");
	keys(t, KEY_ENTER);
	keys(t, KEY_F2);
	expect(t, "已登记");
	expect(t, "3组");
	expect(t, "子女");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* A need and a referral taken from the resident's record carry their
 * phone. */
START_TEST(test_need_carries_phone)
{
	char *dir = testdb_dir("entry");
	vt *t = start(dir, _i);
	char id[19];
	make_id(id, false, 21 + _i);
	new_resident(t, "江秀兰");
	keys(t, KEY_TAB);
	type(t, id);
	keys(t, KEY_TAB);
	keys(t, KEY_TAB);
	keys(t, KEY_TAB);
	type(t, "13887654321");
	keys(t, KEY_F2);
	expect(t, "已登记");
	keys(t, KEY_F7);
	expect(t, "需求");
	expect(t, "新建");
	expect(t, "13887654321");
	keys(t, KEY_F10);                  /* nothing typed: back to her record */
	expect(t, "已登记");
	keys(t, KEY_F6);                   /* a referral: how to reach her, filled */
	expect(t, "转介");
	expect(t, "新建");
	expect(t, "13887654321");
	quit_f10(t, 6);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* A new 社会救助 record: it starts on the date (服务类别 fixed), shows the
 * worker as 李红梅, and its yes/no field opens a list of 是/否 on F4. */
START_TEST(test_worker_name_and_yesno)
{
	char *dir = testdb_dir("entry");
	vt *t = start(dir, _i);
	expect(t, "居民");
	type(t, "3");
	expect(t, "查找");
	keys(t, KEY_F3);
	choose(t, "社会救助");
	expect(t, "新建");
	expect(t, "李红梅");
	for (int row = 0; row < 22; row++)   /* the status line names the login, the form not */
		ck_assert_msg(!strstr(vt_row(t, row), "anning"), "row %d: %s", row, vt_row(t, row));
	/* from the date: needs, beneficiaries, headcount, kind of work, what
	 * was done, hours, volunteers, resources, outcome, follow-up, kind of
	 * assistance, help, applied for */
	for (int i = 0; i < 13; i++)
		keys(t, KEY_TAB);
	keys(t, KEY_F4);
	expect(t, "是");
	expect(t, "否");
	type(t, "1");
	expect(t, "是");
	keys(t, KEY_ESC);
	keys(t, "y");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* A volunteer registered, then named on a service: the hours are asked
 * in plain words and shown as 2 小时. */
START_TEST(test_volunteer_hours)
{
	char *dir = testdb_dir("entry");
	vt *t = start(dir, _i);
	char id[19];
	make_id(id, false, 31 + _i);
	expect(t, "居民");
	type(t, "4");
	choose(t, "志愿者");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, "江丽娟");
	keys(t, KEY_TAB);
	type(t, id);
	keys(t, KEY_TAB);                  /* sex, filled */
	keys(t, KEY_TAB);                  /* phone */
	type(t, "13711112222");
	keys(t, KEY_F2);
	expect(t, "已登记");
	keys(t, KEY_F10);
	keys(t, KEY_F10);
	expect(t, "居民");
	type(t, "3");
	expect(t, "查找");
	keys(t, KEY_F3);
	choose(t, "老幼关爱");
	expect(t, "新建");
	for (int i = 0; i < 3; i++)        /* from the needs (the first empty field), */
		keys(t, KEY_TAB);              /* kind of work, content, to the volunteers */
	keys(t, KEY_F4);
	expect(t, "查找");
	type(t, "江丽娟");
	expect(t, "江丽娟");
	keys(t, KEY_ENTER);
	expect(t, "服务了几个小时");
	type(t, "2");
	keys(t, KEY_ENTER);
	expect(t, "江丽娟 2 小时");
	keys(t, KEY_ESC);
	keys(t, "y");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* A resource named as one (资源名称, not 姓名), counted in 斤: a service
 * asks how much was used in 斤 and shows 大米 50 斤. */
START_TEST(test_resource_amount)
{
	char *dir = testdb_dir("entry");
	vt *t = start(dir, _i);
	expect(t, "居民");
	type(t, "5");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	expect(t, "资源名称");
	assert_absent(t, "姓名");
	type(t, "江家大米");
	keys(t, KEY_TAB);
	type(t, "3");                      /* goods */
	keys(t, KEY_TAB);
	type(t, "米易县粮油公司");
	for (int i = 0; i < 3; i++)        /* contact, what exactly, quantity */
		keys(t, KEY_TAB);
	type(t, "100");
	keys(t, KEY_TAB);
	type(t, "斤");
	keys(t, KEY_F2);
	expect(t, "已登记");
	keys(t, KEY_F10);
	keys(t, KEY_F10);
	expect(t, "居民");
	type(t, "3");
	expect(t, "查找");
	keys(t, KEY_F3);
	choose(t, "资源链接");
	expect(t, "新建");
	expect(t, "折合金额");
	for (int i = 0; i < 4; i++)        /* from the needs (the first empty field) */
		keys(t, KEY_TAB);              /* past kind, content, volunteers, to the resources */
	keys(t, KEY_F4);
	expect(t, "查找");
	type(t, "江家");
	expect(t, "江家大米");
	keys(t, KEY_ENTER);
	expect(t, "单位：斤");
	type(t, "50");
	keys(t, KEY_ENTER);
	expect(t, "江家大米 50 斤");
	keys(t, KEY_ESC);
	keys(t, "y");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

static int
occurrences(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* 社区治理 asks 参加人数 once; an organisation is named as one, not 姓名. */
START_TEST(test_labels)
{
	char *dir = testdb_dir("entry");
	vt *t = start(dir, _i);
	expect(t, "居民");
	type(t, "3");
	expect(t, "查找");
	keys(t, KEY_F3);
	choose(t, "社区治理");
	expect(t, "新建");
	expect(t, "参加人数");
	ck_assert_int_eq(occurrences(vt_screen(t), "参加人数"), 1);
	keys(t, KEY_F10);                  /* nothing typed: it closes */
	keys(t, KEY_F10);
	expect(t, "主菜单");
	type(t, "4");
	choose(t, "社会组织");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	expect(t, "组织名称");
	assert_absent(t, "姓名");
	keys(t, KEY_F10);
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("entry");
	TCase *tc = tcase_create("entry");
	tcase_set_timeout(tc, 240);
	tcase_add_loop_test(tc, test_id_fills_and_refuses, 0, 2);
	tcase_add_loop_test(tc, test_group_and_chinese_filter, 0, 2);
	tcase_add_loop_test(tc, test_need_carries_phone, 0, 2);
	tcase_add_loop_test(tc, test_worker_name_and_yesno, 0, 2);
	tcase_add_loop_test(tc, test_volunteer_hours, 0, 2);
	tcase_add_loop_test(tc, test_resource_amount, 0, 2);
	tcase_add_loop_test(tc, test_labels, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
