/* check-roles.c: the scope refusals from the screens, through the real
 * program in a pseudo-terminal on a UTF-8 and a GB18030 terminal: a
 * supervisor reads every village with ID numbers masked and cannot start
 * or edit a record; a township worker reads a village's resident but
 * cannot edit it; a village worker's list keeps to their village even
 * when the filter is cleared.  The refusals come before any typing. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "testdb.h"
#include "screen.h"

#define WAIT_MS 15000
#define DENIED "不能查看或修改"

/* The demo database as the worker login (NULL: the one running). */
static vt *
start(const char *dir, int term, const char *login)
{
	return screen_start(dir, term, true, login, NULL);
}

/* The residents list, then the first resident. */
static void
first_resident(vt *t)
{
	expect(t, "居民");
	keys(t, "1");
	expect(t, "查找");
}

START_TEST(test_supervisor)
{
	char *dir = testdb_dir("roles");
	vt *t = start(dir, _i, "dudao");
	first_resident(t);
	expect(t, "********");            /* ID numbers masked in the list */
	ck_assert_msg(strstr(vt_screen(t), "挂榜村") || strstr(vt_screen(t), "新山村") ||
	              strstr(vt_screen(t), "草场村") || strstr(vt_screen(t), "龙华社区"),
	              "the supervisor sees only one village");
	keys(t, KEY_F3);                   /* a new record: refused at once */
	expect(t, DENIED);
	ck_assert_msg(strstr(vt_row(t, 1), "查找") != NULL, "an editor opened for the supervisor");
	keys(t, "\r");
	expect(t, "F4");
	expect(t, "********");            /* and in the record */
	keys(t, KEY_F4);                   /* edit: refused before any typing */
	expect(t, DENIED);
	ck_assert_msg(!strstr(vt_screen(t), "F2"), "the editor opened for the supervisor");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

START_TEST(test_township_reads_only)
{
	char *dir = testdb_dir("roles");
	vt *t = start(dir, _i, "panlian");
	first_resident(t);
	ck_assert_msg(!strstr(vt_screen(t), "********"), "the township worker sees masked ID numbers");
	ck_assert_msg(!strstr(vt_screen(t), "新山村"), "another township's village is listed");
	keys(t, "\r");
	expect(t, "F4");
	keys(t, KEY_F4);
	expect(t, DENIED);
	ck_assert_msg(!strstr(vt_screen(t), "F2"), "the editor opened for the township worker");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* Wait until row shows text (the row as it was before), and say so. */
static void
row_back(vt *t, int row, const char *text)
{
	for (int waited = 0; !vt_row(t, row) || strcmp(vt_row(t, row), text); waited += 50) {
		if (waited > 15000) {
			vt_dump(t);
			ck_abort_msg("row %d never came back to \"%s\"", row, text);
		}
		vt_pump(t, 50);
	}
}

/* A copy of a row once it shows something. */
static char *
row_shown(vt *t, int row)
{
	for (int waited = 0; !vt_row(t, row) || !*vt_row(t, row); waited += 50) {
		if (waited > 15000) {
			vt_dump(t);
			ck_abort_msg("row %d stays empty", row);
		}
		vt_pump(t, 50);
	}
	char *copy = strdup(vt_row(t, row));
	ck_assert_ptr_nonnull(copy);
	return copy;
}

START_TEST(test_village_keeps_to_village)
{
	char *dir = testdb_dir("roles");
	vt *t = start(dir, _i, NULL);
	first_resident(t);
	ck_assert_msg(strstr(vt_row(t, 1), "[安") != NULL, "no village filter shown");
	char *title = row_shown(t, 0), *first = row_shown(t, 3);
	keys(t, KEY_F5);                   /* the filter: for them the status alone */
	expect(t, "在册");
	keys(t, "1");
	expect(t, "[ ]");                  /* then the categories: none ticked, all */
	keys(t, KEY_ENTER);
	vt_pump(t, 300);
	keys(t, KEY_F5);                   /* cleared: the village stays */
	expect(t, "只显示本村");           /* "your lists keep to your own village" */
	ck_assert_msg(strstr(vt_row(t, 1), "[安") != NULL, "the village filter went");
	/* the list as it opened: its count and first row back */
	row_back(t, 0, title);
	row_back(t, 3, first);
	free(title);
	free(first);
	const char *s = vt_screen(t);
	ck_assert_msg(!strstr(s, "挂榜村") && !strstr(s, "新山村") && !strstr(s, "龙华社区"),
	              "another village's residents are listed");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("roles");
	TCase *tc = tcase_create("roles");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_supervisor, 0, 2);
	tcase_add_loop_test(tc, test_township_reads_only, 0, 2);
	tcase_add_loop_test(tc, test_village_keeps_to_village, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
