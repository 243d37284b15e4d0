/* check-folder.c: the worker's files folder against the worker: on a
 * township server they reach it with SFTP and may put anything there,
 * symbolic links (sftp's ln -s) and names of any bytes among it.  Through
 * the real program in a pseudo-terminal, UTF-8 and GB18030, 80x24, as
 * 安宁村's worker: under the names the program picks for a certificate
 * (text and PDF) and a list's export (CSV and XLSX) wait a symbolic link
 * to a file outside the folder and a FIFO; the file outside is left as
 * it was, nothing waits on the FIFO, and each file goes under the next
 * free name.  The import screen lists regular files alone, shows a name
 * holding ESC [ 2 J escaped (never sent raw), refuses a file swapped for
 * a symbolic link after the list was read and a FIFO typed as a path,
 * at once; and 5,000 files in the folder list without a wait.  Every
 * name of the day taken: the export refused, saying what to do. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "pdf.h"
#include "screen.h"
#include "testdb.h"

#define OUTSIDE_TEXT "姓名,身份证号,性别\r\n外面的,510421199203030317,男\r\n"

struct folder {
	char *top;
	char db[600], files[700], outside[700], today[16];
};

/* A test's folders: TOP/db (the demo, made by the program), the worker's
 * files folder TOP/files/anning (the worker's own, 0700, as add-worker
 * makes it), and a file outside it, TOP/outside.csv. */
static void
folder_make(struct folder *f)
{
	f->top = testdb_dir("folder");
	snprintf(f->db, sizeof f->db, "%s/db", f->top);
	snprintf(f->files, sizeof f->files, "%s/files", f->top);
	ck_assert_int_eq(mkdir(f->files, 0700), 0);
	snprintf(f->files, sizeof f->files, "%s/files/anning", f->top);
	ck_assert_int_eq(mkdir(f->files, 0700), 0);
	snprintf(f->outside, sizeof f->outside, "%s/outside.csv", f->top);
	FILE *o = fopen(f->outside, "w");
	ck_assert_ptr_nonnull(o);
	fputs(OUTSIDE_TEXT, o);
	fclose(o);
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(f->today, sizeof f->today, "%Y-%m-%d", &tm);
}

/* What the worker put in their folder: name a symbolic link to the file
 * outside, or a FIFO. */
static void
plant_link(const struct folder *f, const char *name)
{
	char p[1000];
	snprintf(p, sizeof p, "%s/%s", f->files, name);
	ck_assert_msg(symlink(f->outside, p) == 0, "cannot plant %s", p);
}

static void
plant_fifo(const struct folder *f, const char *name)
{
	char p[1000];
	snprintf(p, sizeof p, "%s/%s", f->files, name);
	ck_assert_msg(mkfifo(p, 0600) == 0, "cannot plant %s", p);
}

/* NAME-TODAY[-k].ext in the folder is of kind (S_IFLNK, S_IFIFO, S_IFREG). */
static void
is_kind(const struct folder *f, const char *stem, int k, const char *ext, mode_t kind)
{
	char p[1000];
	if (k == 1)
		snprintf(p, sizeof p, "%s/%s-%s.%s", f->files, stem, f->today, ext);
	else
		snprintf(p, sizeof p, "%s/%s-%s-%d.%s", f->files, stem, f->today, k, ext);
	struct stat sb;
	ck_assert_msg(lstat(p, &sb) == 0, "%s is gone", p);
	ck_assert_msg((sb.st_mode & S_IFMT) == kind, "%s is of kind %o, not %o", p,
	              sb.st_mode & S_IFMT, kind);
	if (kind == S_IFREG)
		ck_assert_msg(sb.st_size > 0, "%s is empty", p);
}

static void
outside_untouched(const struct folder *f)
{
	char buf[256] = {0};
	FILE *o = fopen(f->outside, "r");
	ck_assert_ptr_nonnull(o);
	size_t n = fread(buf, 1, sizeof buf - 1, o);
	fclose(o);
	ck_assert_msg(n == strlen(OUTSIDE_TEXT) && strcmp(buf, OUTSIDE_TEXT) == 0,
	              "the file outside the folder was written: %s", buf);
}

/* The digit the print dialog gives the way labelled label. */
static char *
way_key(vt *t, const char *label)
{
	static char k[2];
	for (int y = 0; y < 24; y++) {
		const char *row = vt_row(t, y), *at = strstr(row, label);
		if (!at)
			continue;
		for (const char *c = at; c > row; c--)
			if (c[-1] >= '1' && c[-1] <= '9') {
				k[0] = c[-1];
				k[1] = '\0';
				return k;
			}
	}
	ck_abort_msg("no way %s in the dialog:\n%s", label, vt_screen(t));
	return NULL;
}

static void
quit(vt *t)
{
	for (int i = 0; i < 8; i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");
	quit_f10(t, 1);
}

/* A certificate as a text file and as a PDF, a list as CSV and XLSX:
 * each skips what waits under its first names. */
START_TEST(test_save_past_planted)
{
	struct folder f;
	folder_make(&f);
	char name[200];
	snprintf(name, sizeof name, "certificate-%s.txt", f.today);
	plant_link(&f, name);
	snprintf(name, sizeof name, "certificate-%s-2.txt", f.today);
	plant_fifo(&f, name);
	snprintf(name, sizeof name, "certificate-%s.pdf", f.today);
	plant_fifo(&f, name);
	snprintf(name, sizeof name, "list-resident-%s.csv", f.today);
	plant_link(&f, name);
	snprintf(name, sizeof name, "list-resident-%s-2.csv", f.today);
	plant_fifo(&f, name);
	snprintf(name, sizeof name, "list-resident-%s.xlsx", f.today);
	plant_link(&f, name);

	vt *t = screen_start(f.db, _i, true, "anning", NULL);
	expect(t, "上次查看以来的新消息");
	type(t, "4");
	expect(t, "志愿者");
	keys(t, KEY_ENTER);
	expect(t, "F3 新建");
	keys(t, KEY_ENTER);
	expect(t, "p 打印");
	type(t, "p");
	expect(t, "存为文本文件");
	keys(t, way_key(t, "存为文本文件"));
	/* past the link and the FIFO, at once */
	snprintf(name, sizeof name, "已存进您的文件夹：files/anning/certificate-%s-3.txt", f.today);
	expect(t, name);
	is_kind(&f, "certificate", 1, "txt", S_IFLNK);
	is_kind(&f, "certificate", 2, "txt", S_IFIFO);
	is_kind(&f, "certificate", 3, "txt", S_IFREG);
	if (pdf_available()) {
		type(t, "p");
		expect(t, "存为 A4 PDF 文件");
		keys(t, way_key(t, "存为 A4 PDF 文件"));
		snprintf(name, sizeof name, "files/anning/certificate-%s-2.pdf", f.today);
		expect(t, name);
		is_kind(&f, "certificate", 1, "pdf", S_IFIFO);
		is_kind(&f, "certificate", 2, "pdf", S_IFREG);
	}

	/* the residents' list: CSV past a link and a FIFO, XLSX past a link */
	for (int i = 0; i < 8; i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");
	type(t, "1");
	expect(t, "F3 新建");
	keys(t, "\033x");
	expect(t, "CSV 文件");
	keys(t, "2");
	snprintf(name, sizeof name, "files/anning/list-resident-%s-3.csv", f.today);
	expect(t, name);
	is_kind(&f, "list-resident", 1, "csv", S_IFLNK);
	is_kind(&f, "list-resident", 2, "csv", S_IFIFO);
	is_kind(&f, "list-resident", 3, "csv", S_IFREG);
	keys(t, "\033x");
	expect(t, "Excel 表格（XLSX）");
	keys(t, "1");
	snprintf(name, sizeof name, "files/anning/list-resident-%s-2.xlsx", f.today);
	expect(t, name);
	is_kind(&f, "list-resident", 1, "xlsx", S_IFLNK);
	is_kind(&f, "list-resident", 2, "xlsx", S_IFREG);
	char p[1000];
	snprintf(p, sizeof p, "%s/list-resident-%s-2.xlsx", f.files, f.today);
	FILE *x = fopen(p, "rb");
	ck_assert_ptr_nonnull(x);
	char magic[4];
	ck_assert_uint_eq(fread(magic, 1, 4, x), 4);
	fclose(x);
	ck_assert_msg(memcmp(magic, "PK\3\4", 4) == 0, "the XLSX is not a workbook");
	outside_untouched(&f);
	/* every name of the day taken: refused, saying what to do */
	for (int k = 4; k < 1000; k++) {
		snprintf(name, sizeof name, "list-resident-%s-%d.csv", f.today, k);
		plant_link(&f, name);
	}
	keys(t, "\033x");
	expect(t, "CSV 文件");
	keys(t, "2");
	expect(t, "今天这个名字的文件已有 999 个");
	outside_untouched(&f);
	quit(t);
	vt_free(t);
	testdb_rm(f.top);
}
END_TEST

/* i on the home screen, the residents' form, the two answers: the files
 * folder's list. */
static void
to_list(vt *t)
{
	expect(t, "主菜单");
	keys(t, "i");
	expect(t, "从表格导入：哪个表单");
	type(t, "1");
	expect(t, "有错的行");
	type(t, "y");
	expect(t, "身份证号已登记的行");
	type(t, "n");
	expect(t, "选择要导入的文件");
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

static void
put_file(const struct folder *f, const char *name, const char *text, int age)
{
	char p[1000];
	snprintf(p, sizeof p, "%s/%s", f->files, name);
	FILE *o = fopen(p, "wb");
	ck_assert_msg(o != NULL, "cannot write %s", p);
	fputs(text, o);
	fclose(o);
	struct timespec ts[2] = {{time(NULL) - age, 0}, {time(NULL) - age, 0}};
	ck_assert_int_eq(utimensat(AT_FDCWD, p, ts, 0), 0);
}

#define ESCAPED_NAME "x\033[2Jx.csv"

START_TEST(test_import_list)
{
	struct folder f;
	folder_make(&f);
	char id[19], csv[256];
	idnum(id, "19920303", 41);
	snprintf(csv, sizeof csv, "姓名,身份证号,性别\r\n孙转义,%s,男\r\n", id);
	put_file(&f, ESCAPED_NAME, csv, 600);
	/* newest: first on the list, then swapped for a link */
	put_file(&f, "swap.csv", csv, 0);
	plant_link(&f, "link.csv");
	plant_fifo(&f, "pipe.csv");
	char p[1000];
	snprintf(p, sizeof p, "%s/dir.csv", f.files);
	ck_assert_int_eq(mkdir(p, 0700), 0);

	vt *t = screen_start(f.db, _i, true, "anning", NULL);
	expect(t, "主菜单");
	keys(t, KEY_ESC);                   /* what is new, if anything */
	to_list(t);
	/* the name escaped on the screen, and never sent raw */
	expect(t, "x\\x1B[2Jx.csv");
	expect(t, "swap.csv");
	const char *s = vt_screen(t);
	ck_assert_msg(!strstr(s, "link.csv") && !strstr(s, "pipe.csv") && !strstr(s, "dir.csv"),
	              "not a regular file, offered:\n%s", s);
	size_t len;
	const char *raw = vt_raw(t, &len);
	ck_assert_msg(!memmem(raw, len, "x\033[2J", 5), "the name's ESC [ 2 J was sent raw");

	/* swapped for a symbolic link after the list was read: not followed */
	snprintf(p, sizeof p, "%s/swap.csv", f.files);
	ck_assert_int_eq(unlink(p), 0);
	plant_link(&f, "swap.csv");
	keys(t, KEY_ENTER);                 /* the newest: swap.csv */
	expect(t, "导入结果");
	expect(t, "files/anning/swap.csv 不是文件");
	expect(t, "没有导入任何内容");
	outside_untouched(&f);

	/* a FIFO typed as a path: refused at once, not waited on */
	keys(t, KEY_ESC);
	to_list(t);
	keys(t, KEY_END);
	keys(t, KEY_ENTER);
	expect(t, "要导入的文件，CSV");
	snprintf(p, sizeof p, "%s/pipe.csv", f.files);
	type(t, p);
	keys(t, KEY_ENTER);
	expect(t, "导入结果");
	expect(t, "pipe.csv 不是文件");

	/* the escaped name chosen: imported, said escaped */
	keys(t, KEY_ESC);
	to_list(t);
	expect(t, "x\\x1B[2Jx.csv");
	keys(t, KEY_ENTER);                 /* the newest: the escaped one */
	expect(t, "导入结果");
	expect(t, "导入 1 条，更新 0 条，有错 0 行");
	expect(t, "files/anning/x\\x1B[2Jx.csv");
	raw = vt_raw(t, &len);
	ck_assert_msg(!memmem(raw, len, "x\033[2J", 5), "the name's ESC [ 2 J was sent raw");
	outside_untouched(&f);
	quit(t);
	vt_free(t);
	testdb_rm(f.top);
}
END_TEST

/* 5,000 files in the folder: the list opens and pages without a wait. */
START_TEST(test_many_files)
{
	struct folder f;
	folder_make(&f);
	for (int i = 0; i < 5000; i++) {
		char p[1000];
		snprintf(p, sizeof p, "%s/file-%04d.csv", f.files, i);
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, "x", 1), 1);
		close(fd);
	}
	vt *t = screen_start(f.db, _i, true, "anning", NULL);
	expect(t, "主菜单");
	keys(t, KEY_ESC);                   /* what is new, if anything */
	struct timeval a, b;
	gettimeofday(&a, NULL);
	to_list(t);
	expect(t, "file-");
	gettimeofday(&b, NULL);
	double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_usec - a.tv_usec) / 1e6;
	ck_assert_msg(secs < 10, "the list of 5,000 files took %.1f s", secs);
	keys(t, KEY_END);
	expect(t, "改为输入文件的路径");
	keys(t, KEY_ESC);
	quit(t);
	vt_free(t);
	testdb_rm(f.top);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("folder");
	TCase *tc = tcase_create("folder");
	tcase_set_timeout(tc, 180);
	tcase_add_loop_test(tc, test_save_past_planted, 0, 2);
	tcase_add_loop_test(tc, test_import_list, 0, 2);
	tcase_add_loop_test(tc, test_many_files, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
