/* check-words.c: what a worker reads, through the real program in a
 * pseudo-terminal at 80x24, on a UTF-8 and on a GB18030 terminal, on the
 * demo database: the chooser of a new service numbers the six functions
 * in the notice's order (5 资源链接, 6 生计发展, as the needs' list does);
 * the township's home screen names its station, the village's its room;
 * a resident's case file names an unregistered dance team the resident
 * belongs to without its registration's code. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "testdb.h"

#define WAIT_MS 15000

/* The first row (0-based) that holds text, or -1. */
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

/* The six functions, in the notice's order. */
static const char *const six[] = {"需求评估", "社会救助", "老幼关爱", "社区治理", "资源链接", "生计发展"};

/* Each of the six on its own row, in order, numbered (or lettered) as the
 * chooser numbers them: row k holds the key k+1. */
static void
six_numbered(vt *t, const char *where)
{
	int last = -1;
	for (int k = 0; k < 6; k++) {
		expect(t, six[k]);
		int y = row_with(t, six[k]);
		ck_assert_msg(y > last, "%s: %s comes before %s:\n%s", where, six[k], k ? six[k - 1] : "-",
		              vt_screen(t));
		char num[8];
		snprintf(num, sizeof num, " %d ", k + 1);
		ck_assert_msg(strstr(vt_row(t, y), num) != NULL, "%s: %s is not number %d:\n%s", where,
		              six[k], k + 1, vt_screen(t));
		last = y;
	}
}

/* The chooser of a new service (F3 on the services list) and the need's
 * service list (F4 in a new need) offer the six alike. */
START_TEST(test_six_one_order)
{
	char *dir = testdb_dir("words");
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "主菜单");
	keys(t, KEY_ESC);                  /* what is new, if shown, closes */
	type(t, "3");                      /* the six services */
	expect(t, "F3");
	keys(t, KEY_F3);
	expect(t, "要填哪一张表");
	six_numbered(t, "the chooser of a new service");
	type(t, "5");                      /* number 5 is resource linking */
	expect(t, "服务记录：资源链接");
	keys(t, KEY_F10);
	vt_pump(t, 500);
	if (strstr(vt_screen(t), "放弃") || strstr(vt_screen(t), "保存"))
		type(t, "y");
	quit_f10(t, 6);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* The home screen's title names where the worker works: the township's
 * station for its worker, the village's room for the village's. */
START_TEST(test_titles)
{
	char *dir = testdb_dir("words");
	vt *t = screen_start(dir, _i, true, "panlian", NULL);
	expect(t, "主菜单");
	ck_assert_msg(strstr(vt_row(t, 0), "乡镇(街道)社工站") != NULL,
	              "the township's title does not name its station:\n%s", vt_screen(t));
	ck_assert_msg(strstr(vt_screen(t), "村(社区)社工室") == NULL,
	              "the township is called a village room:\n%s", vt_screen(t));
	quit_f10(t, 3);
	vt_free(t);
	t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "主菜单");
	ck_assert_msg(strstr(vt_row(t, 0), "村(社区)社工室") != NULL,
	              "the village's title does not name its room:\n%s", vt_screen(t));
	quit_f10(t, 3);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* The program's command line on the demo in dir as anning; the output's
 * first line into out.  Returns the exit status. */
static int
cli(const char *dir, const char *args, char *out, size_t size)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "LANG=C.UTF-8 LC_ALL=C.UTF-8 '%s' --demo --db '%s' --as anning %s",
	         screen_bin(), dir, args);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char sink[4096];
	if (out && size)
		out[0] = '\0';
	if (out && !fgets(out, (int)size, p))
		out[0] = '\0';
	while (fgets(sink, sizeof sink, p))
		;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* An unregistered dance team in a member's case file: the entry says
 * 社会组织：安宁村坝坝舞队, with a date, not "unregistered社会组织: ...". */
START_TEST(test_case_file_organisation)
{
	char *dir = testdb_dir("words");
	char line[1024], csv[4300], args[4500];
	ck_assert_int_eq(cli(dir, "find resident", line, sizeof line), 0);
	/* id, name, sex, age, ID number ... */
	char id[64], idnum[32];
	ck_assert_msg(sscanf(line, "%63[^\t]\t%*[^\t]\t%*[^\t]\t%*[^\t]\t%31[^\t]", id, idnum) == 2,
	              "no resident: %s", line);
	snprintf(csv, sizeof csv, "%s/org.csv", dir);
	FILE *f = fopen(csv, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "name,registered,members,village\n安宁村坝坝舞队,unregistered,%s,510421100001\n", id);
	fclose(f);
	snprintf(args, sizeof args, "import organisation '%s' --encoding utf-8", csv);
	ck_assert_int_eq(cli(dir, args, NULL, 0), 0);

	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "主菜单");
	keys(t, KEY_ESC);
	type(t, "1");
	expect(t, "查找");
	type(t, idnum);
	keys(t, KEY_ENTER);
	expect(t, "F9");
	keys(t, KEY_F9);                   /* the case file */
	expect(t, "坝坝舞队");
	int y = row_with(t, "坝坝舞队");
	const char *row = vt_row(t, y);
	ck_assert_msg(strstr(row, "社会组织：安宁村坝坝舞队") != NULL, "the entry reads: %s", row);
	ck_assert_msg(strstr(vt_screen(t), "unregistered") == NULL && strstr(row, "20") != NULL,
	              "the registration's code shows, or no date:\n%s", vt_screen(t));
	quit_f10(t, 5);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("words");
	TCase *tc = tcase_create("words");
	tcase_set_timeout(tc, 240);
	tcase_add_loop_test(tc, test_six_one_order, 0, 2);
	tcase_add_loop_test(tc, test_titles, 0, 2);
	tcase_add_loop_test(tc, test_case_file_organisation, 0, 2);
	suite_add_tcase(s, tc);
	screen_wait_ms = WAIT_MS;
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
