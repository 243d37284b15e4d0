/* check-fit80.c: every screen at 80x24 in Chinese, on a UTF-8 and on a
 * GB18030 terminal, through the real program in a pseudo-terminal read
 * through libvterm: the home menu, each form's list (a filter shown
 * whole), a record in view and in the editor (the resident form, its
 * consent field), the needs table, a case file, the referral lists and a
 * referral, the audit trail, the import screen with a long message, the
 * report, the exchange screen and its notices, and each screen's help,
 * scrolled to its end.  The text-fitting code (text_pad) marks a cut with
 * '~' in the last column: no screen may show one (the program's own
 * texts hold no '~' but in "~/" and "（~ 表示", a home folder).  The report's figures
 * must end in the column their village's header ends in. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "record.h"
#include "refer.h"
#include "search.h"
#include "text.h"

#include "screen.h"
#include "testdb.h"

#define KEY_PGDN "\033[6~"
#define KEY_HOME "\033OH"
#define KEY_LEFT "\033OD"
#define KEY_DOWN_KP "\033OB"   /* xterm in keypad mode */

/* A cut on the screen: a '~' that is not a home folder's "~/".  NULL
 * when there is none, else the row (a static copy). */
static const char *
cut_row(vt *t, int *at, int data_from, int data_to)
{
	for (int y = 0; y < 24; y++) {
		if (y >= data_from && y <= data_to)
			continue;
		const char *r = vt_row(t, y);
		for (const char *p = r ? strchr(r, '~') : NULL; p; p = strchr(p + 1, '~'))
			if (p[1] != '/' && !(p - r >= 3 && strncmp(p - 3, "（", 3) == 0)) {
				*at = y;
				return r;
			}
	}
	return NULL;
}

/* The screen now (drawn once more) holds no cut but in rows data_from
 * to data_to (a list's rows, each a record's summary the worker opens
 * whole with Enter; -1: none); what names the step. */
static void
fits_but(vt *t, const char *what, int data_from, int data_to)
{
	vt_pump(t, 100);
	int y;
	const char *r = cut_row(t, &y, data_from, data_to);
	if (r) {
		char *row = strdup(r);
		vt_dump(t);
		ck_abort_msg("%s: row %d is cut: \"%s\"", what, y, row);
	}
	if (getenv("FIT80_DUMP")) {
		fprintf(stderr, "=== %s\n", what);
		vt_dump(t);
	}
}

/* The screen holds no cut at all. */
static void
fits(vt *t, const char *what)
{
	fits_but(t, what, -1, -1);
}

/* Each page of a screen that scrolls, Page Down from its top until the
 * text last shows (it must, within pages), each page fitting. */
static void
fits_paged(vt *t, const char *what, const char *last, int pages)
{
	char name[200];
	for (int p = 0; p < pages; p++) {
		snprintf(name, sizeof name, "%.160s, page %d", what, p + 1);
		fits(t, name);
		if (strstr(vt_screen(t), last))
			return;
		keys(t, KEY_PGDN);
	}
	vt_dump(t);
	ck_abort_msg("%s: \"%s\" never showed in %d pages", what, last, pages);
}

/* The help of the screen shown: F1, every page fits and its last line
 * shows, then back. */
static void
help_fits(vt *t, const char *what)
{
	char name[160];
	snprintf(name, sizeof name, "help of %s", what);
	keys(t, KEY_F1);
	expect(t, "帮助：按键");
	fits_paged(t, name, "Esc 0 = F10", 4);
	keys(t, KEY_ESC);
	vt_wait_gone(t, "帮助：按键", 5000);
}

/* Where each word of a row ends (its last column, 0-based), for words
 * that start at or after column from; the count. */
static int
word_ends(const char *row, int from, int *ends, int max)
{
	int col = 0, n = 0, start = -1;
	size_t len = strlen(row);
	for (size_t i = 0; i <= len;) {
		uint32_t cp = ' ';
		size_t k = i < len ? text_utf8_decode(row + i, len - i, &cp) : 1;
		int w = i < len ? text_cp_width(cp) : 1;
		if (cp == ' ' || cp == 0x3000) {
			if (start >= from && n < max)
				ends[n++] = col - 1;
			start = -1;
		} else if (start < 0) {
			start = col;
		}
		col += w;
		i += k;
	}
	return n;
}

/* The report: each row of figures ends its numbers in the columns its
 * header row (the villages and the total) ends its names in. */
static void
figures_under_headers(vt *t)
{
	vt_pump(t, 200);
	int head = -1;
	for (int y = 0; y < 24 && head < 0; y++) {
		const char *r = vt_row(t, y);
		if (r && strstr(r, "合计") && strstr(r, "安宁村"))
			head = y;
	}
	if (head < 0) {
		vt_dump(t);
		ck_abort_msg("the report's header row is not there");
	}
	int hend[16], fend[16];
	/* the figures start where the first village's name does */
	const char *h = vt_row(t, head);
	const char *an = strstr(h, "安宁村");
	int from = text_width(h, (size_t)(an - h));
	int nh = word_ends(h, from, hend, 16);
	ck_assert_int_ge(nh, 2);
	int rows = 0;
	for (int y = head + 1; y < 24; y++) {
		const char *r = vt_row(t, y);
		if (!r || !*r || strcmp(r, " v") == 0)
			break;   /* the figures end with an empty row, or "v": more below */
		int nf = word_ends(r, from, fend, 16);
		if (nf != nh) {
			vt_dump(t);
			ck_abort_msg("row %d has %d figures under %d headers: \"%s\"", y, nf, nh, r);
		}
		for (int i = 0; i < nh; i++)
			if (fend[i] != hend[i]) {
				vt_dump(t);
				ck_abort_msg("row %d: figure %d ends in column %d, its header in %d", y,
				             i + 1, fend[i], hend[i]);
			}
		rows++;
	}
	ck_assert_int_ge(rows, 5);
}

/* A notice an exchange left for the first referral of the demo, kept as
 * sync.c keeps one (open, when, what, the text). */
static int
first_referral(const record *r, void *ctx)
{
	rec_id *id = ctx;
	*id = r->id;
	return 1;
}

static int
notice_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	rec_id id = {0};
	int err = store_scan(t, REC_REFERRAL, NULL, first_referral, &id);
	if (err < 0 || err > 1)
		return err;
	char name[160], idt[REC_ID_TEXTMAX], v[1024];
	snprintf(name, sizeof name, "sync/notice/%s/replaced-1", rec_id_format(&id, idt));
	int n = snprintf(v, sizeof v,
	                 "open\t%lld\treplaced\t攀莲镇社工站在同一时间也改了这条转介：这里改的原因和联系"
	                 "人没有被采用，以乡镇的为准，请核对后告诉乡镇社工站是否还要修改。\n"
	                 "这里写的：独居老人，近来行动不便，子女在外务工，需要链接居家照护服务。",
	                 (long long)time(NULL));
	return store_meta_put(t, name, v, (size_t)n);
}

/* A resident of 安宁村 with a need and a referral: the person of the
 * demo's first referral, their name and ID number (the demo's people are
 * made each time with ages counted from today). */
static char who_name[64], who_idnum[32];

static int
who_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	rec_id id = {0}, rid;
	int err = store_scan(t, REC_REFERRAL, NULL, first_referral, &id);
	if (err < 0 || err > 1)
		return err;
	record *r;
	if ((err = store_get(t, &id, &r)))
		return err;
	err = rec_id_parse(record_get(r, "resident"), &rid) ? STORE_NOTFOUND : 0;
	record_free(r);
	if (err || (err = store_get(t, &rid, &r)))
		return err;
	snprintf(who_name, sizeof who_name, "%s", record_get(r, "name"));
	snprintf(who_idnum, sizeof who_idnum, "%s", record_get(r, "idnum"));
	record_free(r);
	return 0;
}

/* The demo database, made by the program, with a notice to settle; a
 * CSV file beside it whose import says a long message. */
static char *
prepare(int term, char *csv, size_t cap, char *dir, size_t dirsize)
{
	/* the database in TOP/db: the import screen's files folder is
	 * TOP/files/anning, the test's own; TOP returned */
	char *top = testdb_dir("fit80");
	snprintf(dir, dirsize, "%s/db", top);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	vt *t = screen_start(dir, 0, true, "anning", NULL);
	expect(t, "主菜单");
	quit_f10(t, 1);
	vt_free(t);
	store *st = testdb_open(dir);
	ck_assert_int_eq(store_write(st, notice_txn, NULL), STORE_OK);
	ck_assert_int_eq(store_read(st, who_txn, NULL), STORE_OK);
	store_close(st);
	/* a long file name, and rows with long faults */
	snprintf(csv, cap, "%s/安宁村二〇二六年十一月入户走访登记的居民名单（第三组和第四组合并）.csv",
	         dir);
	/* the name as the file system has it in the terminal's locale */
	char *fsname = strdup(csv);
	size_t fslen;
	if (strcmp(screen_terms[term].encoding, "UTF-8") != 0) {
		free(fsname);
		ck_assert_int_eq(text_conv("GB18030", "UTF-8", csv, strlen(csv), &fsname, &fslen, NULL),
		                 TEXT_CONV_OK);
	}
	FILE *f = fopen(fsname, "w");
	free(fsname);
	ck_assert_ptr_nonnull(f);
	fputs("姓名,身份证号,性别,住址,知情同意,不认识的一列,另一个不认识的列\n"
	      "王大明,51042119900101001,男,安宁村三组二十五号，靠近村委会的那一排新房子的第二家,是,,\n"
	      "李小红,5.10421E+17,女,安宁村四组,否,,\n",
	      f);
	ck_assert_int_eq(fclose(f), 0);
	return top;
}

/* F5 on a list: the pickers of the filter (a village, a status, then the
 * categories or functions to tick: the first of each, none ticked), then
 * the list, its filter whole beside the box. */
static void
filter_fits(vt *t, const char *what)
{
	char name[200];
	/* F5 clears a filter set (the row beside the box changes) or opens
	 * a picker of the village or status (the row stays as it was) */
	char *before = strdup(vt_row(t, 1));
	keys(t, KEY_F5);
	vt_pump(t, 300);
	for (int i = 0; i < 3 && (strcmp(vt_row(t, 1), before) == 0 || strstr(vt_screen(t), "回车：选定"));
	     i++) {
		snprintf(name, sizeof name, "%.160s, a filter's picker", what);
		fits(t, name);
		keys(t, KEY_ENTER);
		vt_pump(t, 300);
	}
	free(before);
	expect(t, "查找");
	snprintf(name, sizeof name, "%.160s, filtered", what);
	fits(t, name);
	const char *r = vt_row(t, 1);
	if (!r || !strchr(r, '[') || !strchr(r, ']')) {
		vt_dump(t);
		ck_abort_msg("%s: the filter is not whole: \"%s\"", what, r ? r : "");
	}
}

/* Tab through a form in the editor, each field's screen fitting. */
static void
editor_fits(vt *t, const char *what, int fields)
{
	for (int i = 0; i < fields; i++) {
		char name[200];
		snprintf(name, sizeof name, "%.160s, field %d", what, i + 1);
		fits(t, name);
		keys(t, KEY_TAB);
	}
}

/* Esc out of the editor, leaving what was typed. */
static void
leave_editor(vt *t)
{
	keys(t, KEY_ESC);
	vt_pump(t, 300);
	if (strstr(vt_screen(t), "不保存就离开吗"))
		type(t, "y");
	vt_wait_gone(t, "不保存就离开吗", 3000);
}

/* The home menu as login, each screen it opens, and their help. */
static void
walk_village(vt *t, const char *csv)
{
	expect(t, "主菜单");
	fits(t, "home");
	help_fits(t, "home");

	/* the residents: the list, its help, a filter shown whole */
	type(t, "1");
	expect(t, "查找");
	fits(t, "residents list");
	help_fits(t, "the list");
	filter_fits(t, "residents list");
	/* a resident with needs and a referral: in view, its help, in the
	 * editor field by field */
	type(t, who_name);
	expect(t, who_idnum);
	keys(t, KEY_ENTER);
	expect(t, "居民: ");
	fits(t, "a resident in view");
	help_fits(t, "a record in view");
	keys(t, KEY_F4);
	expect(t, "修改中");
	editor_fits(t, "a resident in the editor", 20);
	help_fits(t, "the editor");
	leave_editor(t);
	if (!strstr(vt_screen(t), "居民: ")) {   /* the editor closed the view too */
		keys(t, KEY_ENTER);
		expect(t, "居民: ");
	}
	/* a new referral for them: the editor with the consent field */
	keys(t, KEY_F6);
	expect(t, "转介: ");
	editor_fits(t, "a new referral in the editor", 20);
	expect(t, "已记录居民的知情同意");
	leave_editor(t);
	if (!strstr(vt_screen(t), "居民: ")) {
		keys(t, KEY_ENTER);
		expect(t, "居民: ");
	}
	/* the case file */
	keys(t, KEY_F9);
	expect(t, "档案");
	fits(t, "a case file");
	help_fits(t, "a case file");
	keys(t, KEY_ESC);
	keys(t, KEY_ESC);
	expect(t, "查找");
	keys(t, KEY_ESC);
	expect(t, "主菜单");

	/* the other lists: needs (filtered), services, volunteers, resources */
	type(t, "2");
	expect(t, "查找");
	fits(t, "needs list");
	filter_fits(t, "needs list");
	keys(t, KEY_ENTER);
	vt_pump(t, 300);
	fits(t, "a need in view");
	keys(t, KEY_ESC);
	expect(t, "查找");
	/* the needs table */
	keys(t, KEY_F9);
	expect(t, "需求清单");
	fits(t, "the needs table");
	help_fits(t, "the needs table");
	keys(t, KEY_ESC);
	expect(t, "查找");
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	for (int m = 3; m <= 5; m++) {
		char d[2] = {(char)('0' + m), 0}, name[64];
		type(t, d);
		vt_pump(t, 300);
		snprintf(name, sizeof name, "menu %d", m);
		fits(t, name);
		if (!strstr(vt_screen(t), "查找")) {   /* a choice of forms first */
			keys(t, KEY_ENTER);
			expect(t, "查找");
			snprintf(name, sizeof name, "menu %d, its first form's list", m);
			fits(t, name);
		}
		keys(t, KEY_ENTER);
		vt_pump(t, 300);
		snprintf(name, sizeof name, "menu %d, a record", m);
		fits(t, name);
		keys(t, KEY_ESC);
		keys(t, KEY_ESC);
		vt_pump(t, 200);
		if (!strstr(vt_screen(t), "主菜单"))
			keys(t, KEY_ESC);
		expect(t, "主菜单");
	}

	/* the referrals: the lists, one referral, its slip */
	type(t, "6");
	expect(t, "转介编号");
	fits(t, "the referral lists");
	help_fits(t, "the referral lists");
	keys(t, KEY_ENTER);
	vt_pump(t, 300);
	fits_paged(t, "a referral", "现在可以", 4);
	help_fits(t, "a referral");
	keys(t, KEY_F9);
	vt_pump(t, 300);
	fits_paged(t, "the referral slip", "回执", 6);
	keys(t, KEY_ESC);
	keys(t, KEY_ESC);
	keys(t, KEY_ESC);
	expect(t, "主菜单");

	/* the exchange screen and its notices */
	type(t, "9");
	expect(t, "待处理的提示");
	fits(t, "the exchange screen");
	help_fits(t, "the exchange screen");
	type(t, "n");
	expect(t, "交换产生的待处理提示");
	fits_but(t, "the notices", 3, 19);
	help_fits(t, "the notices");
	keys(t, KEY_ENTER);
	expect(t, "这里写的");
	fits_paged(t, "a notice", "这里写的", 3);
	keys(t, KEY_ESC);
	keys(t, KEY_ESC);
	keys(t, KEY_ESC);
	expect(t, "主菜单");

	/* the import screen, a file with faults: the result pages */
	type(t, "i");
	expect(t, "从表格导入：哪个表单");
	fits(t, "import: the form");
	type(t, "1");
	expect(t, "有错的行");
	fits(t, "import: the first question");
	type(t, "y");
	expect(t, "身份证号已登记的行");
	type(t, "n");
	expect(t, "选择要导入的文件");
	fits(t, "import: the files folder");
	keys(t, KEY_END);
	keys(t, KEY_ENTER);
	expect(t, "要导入的文件，CSV");
	type(t, csv);
	fits(t, "import: the path typed");
	ck_assert_int_eq(vt_send_raw(t, KEY_ENTER, 1), 0);
	expect(t, "导入结果");
	fits_paged(t, "the import's result", "F10", 1);
	for (int p = 0; p < 4; p++) {
		char name[64];
		snprintf(name, sizeof name, "the import's result, page %d", p + 2);
		keys(t, KEY_PGDN);
		fits(t, name);
	}
	help_fits(t, "the import's result");
	keys(t, KEY_ESC);
	expect(t, "主菜单");
}

/* A supervisor's screens: the audit trail, the report of the county. */
static void
walk_supervisor(vt *t)
{
	expect(t, "主菜单");
	fits(t, "home (supervisor)");
	type(t, "a");
	expect(t, "审计日志");
	/* the rows are a summary (a long record id or note cut); the chosen
	 * entry's record and note whole under them */
	fits_but(t, "the audit trail", 3, 18);
	int down = 0;
	while (!strstr(vt_row(t, 19), "ZJ-") && down++ < 30)
		keys(t, KEY_DOWN_KP);
	if (!strstr(vt_row(t, 19), "ZJ-")) {
		vt_dump(t);
		ck_abort_msg("no referral's step with its number under the audit trail");
	}
	fits_but(t, "the audit trail, a step chosen", 3, 18);
	help_fits(t, "the audit trail");
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	type(t, "7");
	expect(t, "统计报表");
	fits(t, "the report");
	figures_under_headers(t);
	help_fits(t, "the report");
	for (int i = 0; i < 12; i++)
		keys(t, KEY_PGDN);
	fits(t, "the report, its last figures");
	figures_under_headers(t);
	keys(t, KEY_F5);
	expect(t, "季度");
	fits(t, "the report, a quarter");
	figures_under_headers(t);
	keys(t, KEY_ESC);
	expect(t, "主菜单");
}

/* A township station: the referrals it received, one of them. */
static void
walk_station(vt *t)
{
	expect(t, "主菜单");
	type(t, "6");
	expect(t, "转介编号");
	fits(t, "the station's referral lists");
	for (int i = 0; i < 4; i++) {
		keys(t, KEY_TAB);
		fits(t, "the station's next list");
		if (strstr(vt_row(t, 3), "2026-0001"))
			break;
	}
	keys(t, KEY_ENTER);
	expect(t, "办理记录");
	fits_paged(t, "a received referral", "现在可以", 4);
	help_fits(t, "a received referral");
	keys(t, KEY_ESC);
	keys(t, KEY_ESC);
	expect(t, "主菜单");
}

START_TEST(test_fit80)
{
	char csv[4096], dir[600];
	char *top = prepare(_i, csv, sizeof csv, dir, sizeof dir);

	vt *t = screen_start(dir, _i, true, "anning", NULL);
	walk_village(t, csv);
	quit_f10(t, 1);
	vt_free(t);

	t = screen_start(dir, _i, true, "dudao", NULL);
	walk_supervisor(t);
	quit_f10(t, 1);
	vt_free(t);

	t = screen_start(dir, _i, true, "panlian", NULL);
	walk_station(t);
	quit_f10(t, 1);
	vt_free(t);
	testdb_rm(top);
}
END_TEST

static Suite *
fit80_suite(void)
{
	Suite *s = suite_create("fit80");
	TCase *tc = tcase_create("screens");
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_fit80, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(fit80_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
