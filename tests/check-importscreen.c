/* check-importscreen.c: importing a spreadsheet's CSV file from the
 * full-screen program (ui-import.c), the real program in a
 * pseudo-terminal read through libvterm, on a UTF-8 and on a GB18030
 * terminal: a GB18030 file with a Chinese name (typed in the terminal's
 * encoding, found on disk in the locale's) imported into the demo's
 * village and its residents found in the list; a bad file: every fault
 * with its row and column, and nothing imported; a file of 3000 rows
 * showing the bar; Esc at the path, and a file that is not there; a
 * supervisor not offered the import; the worker's files folder: its
 * spreadsheets listed newest first, one picked and imported, its bad rows
 * written into the folder; an Excel workbook picked there and its first
 * sheet imported. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testdb.h"
#include "text.h"
#include "screen.h"

#define WAIT_MS 20000

/* The demo database in dir/db as the one running the test (a village
 * worker of 安宁村), or as login. */
static vt *
start(const char *dir, int term, const char *login)
{
	/* the database in dir/db, so that the worker's files folder the
	 * import screen opens, dir/files/LOGIN, is the test's too */
	char db[600];
	snprintf(db, sizeof db, "%s/db", dir);
	mkdir(db, 0700);
	return screen_start(db, term, true, login, NULL);
}

/* An ID number of 安宁村's county born on date (YYYYMMDD), with its
 * GB 11643 check character. */
static void
idnum(char out[19], const char *date, int seq)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	snprintf(out, 19, "510421%.8s%03d", date, seq % 1000);
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

/* The name the file system has for the UTF-8 name in the terminal's
 * locale: GB18030 bytes under zh_CN.GB18030, as a Chinese Windows or a
 * GBK server keeps them. */
static char *
fs_name(int term, const char *utf8)
{
	if (strcmp(screen_terms[term].encoding, "UTF-8") == 0)
		return strdup(utf8);
	char *out;
	size_t len;
	ck_assert_int_eq(text_conv("GB18030", "UTF-8", utf8, strlen(utf8), &out, &len, NULL),
	                 TEXT_CONV_OK);
	return out;
}

/* Write utf8 to path (a name in UTF-8, made the file system's for term)
 * in GB18030, as Excel on a Chinese Windows saves CSV. */
static void
write_gb18030(int term, const char *path, const char *utf8)
{
	char *data, *name = fs_name(term, path);
	size_t len;
	ck_assert_int_eq(text_conv("GB18030", "UTF-8", utf8, strlen(utf8), &data, &len, NULL),
	                 TEXT_CONV_OK);
	FILE *f = fopen(name, "wb");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	free(data);
	free(name);
}

/* From the files folder's list to typing a path: its last row. */
static void
to_path(vt *t)
{
	expect(t, "选择要导入的文件");
	keys(t, KEY_END);
	keys(t, KEY_ENTER);
}

/* i on the home screen, the residents' form, the two answers and the
 * path. */
static void
import_file(vt *t, const char *path, const char *skip_bad, const char *update)
{
	expect(t, "主菜单");
	expect(t, "i 导入");
	keys(t, "i");
	expect(t, "从表格导入：哪个表单");
	type(t, "1");                      /* residents come first */
	expect(t, "有错的行");
	type(t, skip_bad);
	expect(t, "身份证号已登记的行");
	type(t, update);
	to_path(t);
	expect(t, "要导入的文件，CSV");
	type(t, path);
	/* not keys(): its pause would read the bar's frames unseen */
	ck_assert_int_eq(vt_send_raw(t, KEY_ENTER, strlen(KEY_ENTER)), 0);
}

/* Search the residents' list for an ID number's first digits. */
static void
find_resident(vt *t, const char *idprefix)
{
	keys(t, KEY_ESC);                  /* from the result to the home screen */
	expect(t, "主菜单");
	type(t, "1");
	expect(t, "查找");
	type(t, idprefix);
}

START_TEST(test_import_residents)
{
	char *dir = testdb_dir("impscr");
	char *files = testdb_dir("impcsv");
	char path[4096], csv[1024], id[3][19];
	for (int i = 0; i < 3; i++)
		idnum(id[i], "19900101", 11 + i);
	snprintf(csv, sizeof csv,
	         "姓名,身份证号,性别,住址\r\n"
	         "王𠈌导,%s,男,\"安宁村3组, 5号\"\r\n"
	         "李导入,%s,女,安宁村3组\r\n"
	         "张导入,%s,男,\r\n",   /* the ID number a man's */
	         id[0], id[1], id[2]);
	snprintf(path, sizeof path, "%s/安宁村居民𠈌.csv", files);
	write_gb18030(_i, path, csv);

	vt *t = start(dir, _i, NULL);
	import_file(t, path, "n", "n");
	expect(t, "导入结果");
	expect(t, "全部行都已导入");
	expect(t, "导入 3 条，更新 0 条，有错 0 行，重复 0 行（共 3 行，按 GB18030 读取）");
	expect(t, "安宁村居民𠈌.csv");      /* the name as typed */
	/* in the list, with the name outside the BMP */
	find_resident(t, "5104211990010101");
	expect(t, "王𠈌导");
	expect(t, "李导入");

	/* the same file again: every row a duplicate, nothing saved */
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	import_file(t, path, "n", "n");
	expect(t, "没有导入任何内容");
	expect(t, "重复 3 行");
	expect(t, "第 2 行");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(files);
	testdb_rm(dir);
}
END_TEST

START_TEST(test_bad_file)
{
	char *dir = testdb_dir("impscr");
	char *files = testdb_dir("impcsv");
	char path[4096], csv[1024], good[19], bad[19];
	idnum(good, "19910202", 21);
	idnum(bad, "19910202", 22);
	bad[17] = bad[17] == '1' ? '2' : '1';   /* a wrong check character */
	snprintf(csv, sizeof csv,
	         "姓名,身份证号,性别\r\n"
	         "赵好行,%s,男\r\n"
	         "钱错行,%s,女\r\n"
	         ",%.17s0,男\r\n",
	         good, bad, good);
	snprintf(path, sizeof path, "%s/有错的表.csv", files);
	write_gb18030(_i, path, csv);

	vt *t = start(dir, _i, NULL);
	import_file(t, path, "n", "n");
	expect(t, "导入结果");
	expect(t, "没有导入任何内容");
	expect(t, "导入 0 条");
	/* each fault with its row and column */
	expect(t, "第 3 行，“身份证号”列");
	expect(t, "第 4 行");
	/* and the good row was not saved either */
	find_resident(t, "5104211991020202");
	expect(t, "没有找到");
	ck_assert_msg(strstr(vt_screen(t), "赵好行") == NULL, "a row of a bad file was imported");
	quit_f10(t, 4);
	vt_free(t);

	/* the good rows alone: the bad ones written beside the file */
	t = start(dir, _i, NULL);
	import_file(t, path, "y", "n");
	expect(t, "导入结果");
	expect(t, "导入 1 条，更新 0 条，有错 2 行");
	expect(t, "有错的表.bad.csv");
	find_resident(t, "5104211991020202");
	expect(t, "赵好行");
	quit_f10(t, 4);
	vt_free(t);
	char badpath[4096];
	snprintf(badpath, sizeof badpath, "%s/有错的表.bad.csv", files);
	char *name = fs_name(_i, badpath);
	ck_assert_msg(access(name, R_OK) == 0, "no file of bad rows");
	free(name);
	testdb_rm(files);
	testdb_rm(dir);
}
END_TEST

/* 3000 rows: the bar shows while they are checked and saved. */
START_TEST(test_progress_bar)
{
	char *dir = testdb_dir("impscr");
	char *files = testdb_dir("impcsv");
	enum { ROWS = 3000 };
	size_t cap = 64 + ROWS * 48;
	char *csv = malloc(cap);
	ck_assert_ptr_nonnull(csv);
	size_t n = (size_t)snprintf(csv, cap, "姓名,身份证号\r\n");
	for (int i = 0; i < ROWS; i++) {
		char id[19], date[9];
		/* born 2000 to 2002: none of the demo's residents */
		snprintf(date, sizeof date, "%04d01%02d", 2000 + i / 1000, 1 + i % 28);
		idnum(id, date, i / 28 % 1000);
		n += (size_t)snprintf(csv + n, cap - n, "批量%d,%s\r\n", i, id);
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/三千人.csv", files);
	write_gb18030(_i, path, csv);
	free(csv);

	vt *t = start(dir, _i, NULL);
	import_file(t, path, "n", "n");
	/* the bar (drawn below the count, so the count of its frame is on
	 * the screen when it is), and rows done / total */
	expect(t, _i == 0 ? "[█" : "[#");
	const char *screen = vt_screen(t);
	ck_assert_msg(strstr(screen, "/3000") != NULL, "no rows done / total");
	ck_assert_msg(strstr(screen, "正在检查") || strstr(screen, "正在保存"), "no stage shown");
	expect(t, "导入 3000 条，更新 0 条，有错 0 行，重复 0 行（共 3000 行");
	find_resident(t, "批量2999");
	expect(t, "51042120020104");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(files);
	testdb_rm(dir);
}
END_TEST

/* Esc at the path, the last step, leaves without importing. */
START_TEST(test_cancel)
{
	char *dir = testdb_dir("impscr");
	vt *t = start(dir, _i, NULL);
	expect(t, "主菜单");
	keys(t, KEY_ESC);                   /* what is new, if anything */
	keys(t, "\033" "i");               /* Esc i: the letter, as in a box */
	expect(t, "从表格导入：哪个表单");
	type(t, "1");
	expect(t, "有错的行");
	type(t, "y");
	expect(t, "身份证号已登记的行");
	type(t, "y");
	to_path(t);
	expect(t, "要导入的文件，CSV");
	type(t, "/nowhere.csv");
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	ck_assert_msg(strstr(vt_screen(t), "导入结果") == NULL, "an import ran after Esc");
	/* a file that is not there: refused, said with its name */
	keys(t, "i");
	expect(t, "从表格导入：哪个表单");
	type(t, "1");
	expect(t, "有错的行");
	type(t, "n");
	expect(t, "身份证号已登记的行");
	type(t, "n");
	to_path(t);
	expect(t, "要导入的文件，CSV");
	type(t, "/没有这个文件.csv");
	keys(t, KEY_ENTER);
	expect(t, "导入结果");
	expect(t, "没有导入任何内容");
	expect(t, "无法读取 /没有这个文件.csv");
	/* a file import.c refuses: its name in the message as typed, not in
	 * the file system's GB18030 */
	char *files = testdb_dir("impcsv");
	char path[4096];
	snprintf(path, sizeof path, "%s/空表𠈌.csv", files);
	write_gb18030(_i, path, "");
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	keys(t, "i");
	expect(t, "从表格导入：哪个表单");
	type(t, "1");
	expect(t, "有错的行");
	type(t, "n");
	expect(t, "身份证号已登记的行");
	type(t, "n");
	to_path(t);
	expect(t, "要导入的文件，CSV");
	type(t, path);
	keys(t, KEY_ENTER);
	expect(t, "导入结果");
	expect(t, "空表𠈌.csv 是空的");
	quit_f10(t, 4);
	testdb_rm(files);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* The worker's files folder (files/LOGIN beside the database's folder,
 * where SFTP puts a file): its CSV and XLSX files listed newest first
 * with size and date, other files not; Enter imports the chosen one, its
 * bad rows written into the folder and named so. */
START_TEST(test_pick_from_folder)
{
	char *top = testdb_dir("impscr"), files[600], path[900], csv[1024];
	snprintf(files, sizeof files, "%s/files", top);
	ck_assert_int_eq(mkdir(files, 0700), 0);
	snprintf(files, sizeof files, "%s/files/anning", top);
	ck_assert_int_eq(mkdir(files, 0700), 0);
	char good[19], bad[19];
	idnum(good, "19920303", 31);
	idnum(bad, "19920303", 32);
	bad[17] = bad[17] == '1' ? '2' : '1';
	snprintf(csv, sizeof csv, "姓名,身份证号,性别\r\n孙取件,%s,男\r\n周错件,%s,女\r\n", good, bad);
	/* WinSCP's names are UTF-8, whatever the terminal */
	snprintf(path, sizeof path, "%s/新居民𠈌.csv", files);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fputs(csv, f);
	fclose(f);
	const char *others[] = {"older.csv", "book.xlsx", "notes.txt"};
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", files, others[i]);
		f = fopen(path, "wb");
		ck_assert_ptr_nonnull(f);
		fputs("x", f);
		fclose(f);
		/* older than the new file */
		struct timespec ts[2] = {{time(NULL) - 3600 * (i + 1), 0}, {time(NULL) - 3600 * (i + 1), 0}};
		ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
	}
	vt *t = start(top, _i, "anning");
	expect(t, "主菜单");
	keys(t, KEY_ESC);                   /* what is new, if anything */
	keys(t, "\033" "i");
	expect(t, "从表格导入：哪个表单");
	type(t, "1");
	expect(t, "有错的行");
	type(t, "y");
	expect(t, "身份证号已登记的行");
	type(t, "n");
	expect(t, "选择要导入的文件（您的文件夹 files/anning）");
	expect(t, "book.xlsx");
	/* newest first, each with its size and date; the .txt not offered */
	int at[3] = {-1, -1, -1};
	const char *order[] = {"新居民𠈌.csv", "older.csv", "book.xlsx"};
	for (int y = 0; y < 24; y++)
		for (int i = 0; i < 3; i++)
			if (strstr(vt_row(t, y), order[i]))
				at[i] = y;
	ck_assert_msg(at[0] > 0 && at[1] > at[0] && at[2] > at[1], "not newest first:\n%s",
	              vt_screen(t));
	ck_assert_msg(strstr(vt_row(t, at[1]), "1 字节"), "no size: %s", vt_row(t, at[1]));
	ck_assert_msg(strstr(vt_row(t, at[0]), "20"), "no date: %s", vt_row(t, at[0]));
	ck_assert_ptr_null(strstr(vt_screen(t), "notes.txt"));
	expect(t, "改为输入文件的路径");
	keys(t, KEY_ENTER);                 /* the newest */
	expect(t, "导入结果");
	expect(t, "导入 1 条，更新 0 条，有错 1 行");
	expect(t, "files/anning/新居民𠈌.bad.csv");
	snprintf(path, sizeof path, "%s/新居民𠈌.bad.csv", files);
	ck_assert_msg(access(path, R_OK) == 0, "no file of bad rows in the folder");
	find_resident(t, "5104211992030303");
	expect(t, "孙取件");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(top);
}
END_TEST

/* An Excel workbook picked from the folder: its first sheet imported
 * (a name outside the BMP, a date cell), the row whose ID number Excel
 * turned into a number refused with what to do, and its bad rows written
 * beside it as CSV. */
START_TEST(test_pick_xlsx)
{
	char *top = testdb_dir("impscr"), files[600], path[900], cmd[2048];
	snprintf(files, sizeof files, "%s/files", top);
	ck_assert_int_eq(mkdir(files, 0700), 0);
	snprintf(files, sizeof files, "%s/files/anning", top);
	ck_assert_int_eq(mkdir(files, 0700), 0);
	char good[19];
	idnum(good, "19930404", 41);
	/* made by openpyxl (Debian's python3; a pyenv one first on PATH
	 * without it is passed over, as tests/check-lists.c does) */
	snprintf(cmd, sizeof cmd,
	         "for p in ${PYTHON:-} python3 /usr/bin/python3; do "
	         "\"$p\" -c 'import openpyxl' 2>/dev/null && break; done; "
	         "\"$p\" -c 'import sys, datetime, openpyxl\n"
	         "wb = openpyxl.Workbook(); ws = wb.active\n"
	         "ws.append([\"姓名\", \"身份证号\", \"性别\", \"出生日期\"])\n"
	         "ws.append([\"钱表格𠈌\", sys.argv[2], \"男\", datetime.date(1993, 4, 4)])\n"
	         "ws.append([\"吴数字\", 5.10421199304044e17, \"女\", None])\n"
	         "wb.save(sys.argv[1])' '%s/花名册.xlsx' '%s'",
	         files, good);
	ck_assert_int_eq(system(cmd), 0);
	vt *t = start(top, _i, "anning");
	expect(t, "主菜单");
	keys(t, KEY_ESC);                   /* what is new, if anything */
	keys(t, "\033" "i");
	expect(t, "从表格导入：哪个表单");
	type(t, "1");
	expect(t, "有错的行");
	type(t, "y");
	expect(t, "身份证号已登记的行");
	type(t, "n");
	expect(t, "选择要导入的文件（您的文件夹 files/anning）");
	expect(t, "花名册.xlsx");
	keys(t, KEY_ENTER);                 /* the workbook, the only file */
	expect(t, "导入结果");
	expect(t, "导入 1 条，更新 0 条，有错 1 行");
	expect(t, "files/anning/花名册.bad.csv");
	expect(t, "第 3 行");
	expect(t, "文本");
	snprintf(path, sizeof path, "%s/花名册.bad.csv", files);
	ck_assert_msg(access(path, R_OK) == 0, "no file of bad rows in the folder");
	find_resident(t, "5104211993040404");
	expect(t, "钱表格𠈌");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(top);
}
END_TEST

/* A supervisor saves nothing: no F7 on the bar, and F7 says why. */
START_TEST(test_supervisor)
{
	char *dir = testdb_dir("impscr");
	vt *t = start(dir, _i, "dudao");
	expect(t, "主菜单");
	keys(t, KEY_ESC);                   /* what is new, if anything */
	expect(t, "a 审计");
	ck_assert_msg(strstr(vt_screen(t), "i 导入") == NULL, "a supervisor is offered the import");
	keys(t, "i");
	expect(t, "督导只查看记录、不保存记录");
	ck_assert_msg(strstr(vt_screen(t), "哪个表单") == NULL, "a supervisor chooses a form");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("importscreen");
	TCase *tc = tcase_create("importscreen");
	tcase_set_timeout(tc, 180);
	tcase_add_loop_test(tc, test_import_residents, 0, 2);
	tcase_add_loop_test(tc, test_bad_file, 0, 2);
	tcase_add_loop_test(tc, test_progress_bar, 0, 2);
	tcase_add_loop_test(tc, test_cancel, 0, 2);
	tcase_add_loop_test(tc, test_supervisor, 0, 2);
	tcase_add_loop_test(tc, test_pick_from_folder, 0, 2);
	tcase_add_loop_test(tc, test_pick_xlsx, 0, 2);
	suite_add_tcase(s, tc);
	screen_wait_ms = WAIT_MS;
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
