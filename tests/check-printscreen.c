/* check-printscreen.c: printing from the screens (ui-print.c) through
 * the real program in a pseudo-terminal, on a UTF-8 and a GB18030
 * terminal, on the demo database as its village worker: p on a referral
 * slip opens the print dialog, which offers the terminal's printer only
 * once the worker says their terminal has one (t); the bytes the program
 * wrote between ESC [ 5 i and ESC [ 4 i, read back from the terminal's
 * encoding, hold the slip; the file way writes files/LOGIN/ and says the
 * file's name; the volunteer certificate prints the same way; so do a
 * case file, the report, a village's ledger and a blank form, each with
 * p from its screen; a township worker on the report's total prints the
 * township's ledger (each village's heading and subtotal, the total) to
 * the files folder and through the terminal's printer; every print is
 * in the audit trail. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "pdf.h"
#include "screen.h"
#include "testdb.h"

#define TERMINAL_WAY "终端的打印机"

/* The last media copy the program wrote: the bytes between the last
 * ESC [ 5 i and the ESC [ 4 i after it, in UTF-8 (from GB18030 on the
 * GB18030 terminal); NULL when there is none.  *raw_len: its length as
 * sent. */
static char *
media_copy(vt *t, int term)
{
	size_t len;
	const char *raw = vt_raw(t, &len);
	const char *start = NULL;
	for (size_t i = 0; i + 4 <= len; i++)
		if (memcmp(raw + i, "\033[5i", 4) == 0)
			start = raw + i + 4;
	if (!start)
		return NULL;
	const char *end = NULL;
	for (const char *p = start; p + 4 <= raw + len; p++)
		if (memcmp(p, "\033[4i", 4) == 0) {
			end = p;
			break;
		}
	if (!end)
		return NULL;
	size_t n = (size_t)(end - start);
	/* nothing of curses in between: no other escape sequence */
	ck_assert_msg(memchr(start, 033, n) == NULL, "an escape sequence inside the media copy");
	size_t cap = n * 2 + 1, ol = cap;
	char *out = calloc(1, cap), *op = out;
	ck_assert_ptr_nonnull(out);
	iconv_t cd = iconv_open("UTF-8", term ? "GB18030" : "UTF-8");
	ck_assert(cd != (iconv_t)-1);
	char *ip = (char *)start;
	size_t il = n;
	ck_assert_msg(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1,
	              "the media copy is not in the terminal's encoding");
	iconv_close(cd);
	return out;
}

/* The audit trail's newest entry of action in the database in dir, its
 * note into note (empty when none). */
struct last_note {
	const char *action;
	char note[256];
	char login[64];
};

static int
last_note_one(const struct audit_entry *e, void *ctx)
{
	struct last_note *l = ctx;
	if (strcmp(e->action, l->action) == 0) {
		snprintf(l->note, sizeof l->note, "%s", e->note);
		snprintf(l->login, sizeof l->login, "%s", e->who);
	}
	return 0;
}

static void
audit_last(const char *db, struct last_note *l)
{
	store *st;
	ck_assert_int_eq(store_open(&st, db, STORE_RDONLY), STORE_OK);
	l->note[0] = l->login[0] = '\0';
	ck_assert_int_eq(audit_each(st, NULL, last_note_one, l), 0);
	store_close(st);
}

/* Every referral's "what the village did" with a character outside the
 * BMP (𠈌, U+2020C: four bytes in GB18030 too). */
#define DONE "已家访𠈌家，与祖父母沟通"

struct ids {
	rec_id id[64];
	size_t n;
};

static int
collect(const record *r, void *ctx)
{
	struct ids *l = ctx;
	if (l->n < 64)
		l->id[l->n++] = r->id;
	return 0;
}

static int
set_done_txn(store_txn *t, void *ctx)
{
	struct ids l = {.n = 0};
	(void)ctx;
	int err = store_scan(t, REC_REFERRAL, NULL, collect, &l);
	for (size_t i = 0; !err && i < l.n; i++) {
		record *r;
		if ((err = store_get(t, &l.id[i], &r)))
			break;
		ck_assert_int_eq(record_set(r, "done", DONE), 0);
		err = store_put(t, r);
		record_free(r);
	}
	ck_assert_uint_gt(l.n, 0);
	return err;
}

static void
quit(vt *t)
{
	for (int i = 0; i < 8; i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");
	quit_f10(t, 1);
}

START_TEST(test_slip_to_terminal_and_file)
{
	char *dir = testdb_dir("printscr");
	char db[512], files[600];
	snprintf(db, sizeof db, "%s/db", dir);
	snprintf(files, sizeof files, "%s/files/anning", dir);
	screen_demo(db);
	store *st = testdb_open(db);
	ck_assert_int_eq(store_write(st, set_done_txn, NULL), 0);
	store_close(st);
	vt *t = screen_start(db, _i, true, "anning", NULL);
	expect(t, "上次查看以来的新消息");
	type(t, "6");
	expect(t, "转出的转介");
	keys(t, KEY_ENTER);
	expect(t, "F9 转介单");
	expect(t, "p 打印");
	keys(t, KEY_F9);
	expect(t, "沿此线剪开");
	expect(t, "要打印：请按 p 键");
	/* the worker has not said their terminal prints: not offered */
	type(t, "p");
	expect(t, "存为文本文件");
	ck_assert_msg(strstr(vt_screen(t), TERMINAL_WAY) == NULL,
	              "the terminal's printer offered to a worker without one");
	expect(t, "您的终端有打印机：没有");
	/* the file way: one key, the name said, the file there */
	keys(t, "1");
	expect(t, "已存进您的文件夹：files/anning/slip-");
	char path[800];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	char today[16];
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	snprintf(path, sizeof path, "%s/slip-%s.txt", files, today);
	struct stat sb;
	ck_assert_msg(stat(path, &sb) == 0, "no file %s", path);
	ck_assert_uint_eq(sb.st_mode & 0777, 0660);
	ck_assert_int_eq(stat(files, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 02770, 02770);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char buf[8192];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	ck_assert_msg(strstr(buf, "存根（转出社工室留存）\r\n"), "the file lacks the stub: %s", buf);
	struct last_note l = {.action = "print"};
	audit_last(db, &l);
	ck_assert_msg(strncmp(l.note, "doc=slip way=file records=ref-", 30) == 0, "note %s", l.note);
	ck_assert_str_eq(l.login, "anning");

	/* the PDF way, where the program has PDF output: an A4 PDF beside it,
	 * read back by pdftotext, logged with its way */
	if (pdf_available() && system("command -v pdftotext >/dev/null 2>&1") == 0) {
		type(t, "p");
		expect(t, "存为 A4 PDF 文件");
		keys(t, "2");
		char pdfname[64], pdfpath[800], cmd[1800];
		snprintf(pdfname, sizeof pdfname, "slip-%s.pdf", today);
		expect(t, pdfname);
		snprintf(pdfpath, sizeof pdfpath, "%s/%s", files, pdfname);
		ck_assert_msg(stat(pdfpath, &sb) == 0, "no PDF %s", pdfpath);
		snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' - 2>/dev/null", pdfpath);
		FILE *pp = popen(cmd, "r");
		ck_assert_ptr_nonnull(pp);
		char pdftext[16384];
		size_t pn = fread(pdftext, 1, sizeof pdftext - 1, pp);
		pdftext[pn] = '\0';
		pclose(pp);
		ck_assert_msg(strstr(pdftext, "存根") && strstr(pdftext, "回执"),
		              "the PDF lacks the slip: %s", pdftext);
		struct last_note lp = {.action = "print"};
		audit_last(db, &lp);
		ck_assert_msg(strncmp(lp.note, "doc=slip way=pdf records=ref-", 29) == 0, "note %s",
		              lp.note);
	}

	/* the worker says their terminal has a printer: offered, first */
	type(t, "p");
	expect(t, "存为文本文件");
	type(t, "t");
	expect(t, "您的终端有打印机：有");
	expect(t, TERMINAL_WAY);
	/* all four ways offered, each read whole at 80 columns: no row of the
	 * dialog cut with the '~' mark */
	int top = -1, end = -1;
	for (int y = 0; y < 24; y++) {
		if (top < 0 && strstr(vt_row(t, y), "打印: "))
			top = y;
		if (top >= 0 && strstr(vt_row(t, y), "回车 = 打印"))
			end = y;
	}
	ck_assert_msg(top >= 0 && end > top, "no print dialog on the screen");
	for (int y = top; y <= end; y++)
		ck_assert_msg(!strchr(vt_row(t, y), '~'), "the print dialog's row %d is cut: %s", y,
		              vt_row(t, y));
	size_t before;
	vt_raw(t, &before);
	keys(t, KEY_ENTER);
	expect(t, "已发送到您终端的打印机");
	char *mc = media_copy(t, _i);
	ck_assert_msg(mc, "no media copy was sent");
	ck_assert_msg(strstr(mc, "存根（转出社工室留存）\r\n"), "the stub is not in the copy");
	ck_assert_msg(strstr(mc, "回执（请寄回转出社工室）"), "the return slip is not in the copy");
	ck_assert_msg(strstr(mc, DONE), "the character outside the BMP did not come through");
	/* the same text as the file: one document, two ways */
	ck_assert_str_eq(mc, buf);
	free(mc);
	audit_last(db, &l);
	ck_assert_msg(strncmp(l.note, "doc=slip way=terminal records=ref-", 34) == 0, "note %s",
	              l.note);
	/* the screen is painted again after the copy */
	expect(t, "沿此线剪开");

	/* remembered: the dialog opens on the terminal's printer again, and
	 * from the referral itself p prints the slip straight away */
	keys(t, KEY_ESC);
	expect(t, "F9 转介单");
	type(t, "p");
	expect(t, "> 1  您终端的打印机");
	keys(t, KEY_ESC);
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* A volunteer's record: p prints the certificate straight away; F9 shows
 * it, saying p prints it, and p there opens the same dialog. */
START_TEST(test_certificate)
{
	char *dir = testdb_dir("printscr");
	char db[512];
	snprintf(db, sizeof db, "%s/db", dir);
	vt *t = screen_start(db, _i, true, "anning", NULL);
	expect(t, "上次查看以来的新消息");
	type(t, "4");
	expect(t, "志愿者");
	keys(t, KEY_ENTER);
	expect(t, "F3 新建");
	keys(t, KEY_ENTER);
	expect(t, "p 打印");
	/* p on the record: the dialog over the certificate; the worker's
	 * terminal prints */
	type(t, "p");
	expect(t, "志愿服务记录证明");
	expect(t, "存为文本文件");
	type(t, "t");
	expect(t, TERMINAL_WAY);
	type(t, "1");
	expect(t, "已发送到您终端的打印机");
	char *mc = media_copy(t, _i);
	ck_assert_msg(mc, "no media copy was sent");
	ck_assert_msg(strstr(mc, "志愿服务记录证明"), "the certificate is not in the copy: %s", mc);
	ck_assert_msg(strstr(mc, "\r\n"), "no CR LF in the copy");
	free(mc);
	struct last_note l = {.action = "print"};
	audit_last(db, &l);
	ck_assert_msg(strncmp(l.note, "doc=certificate way=terminal records=vol-", 41) == 0,
	              "note %s", l.note);
	/* F9 shows it and names the key */
	keys(t, KEY_F9);
	expect(t, "要打印：请按 p 键");
	ck_assert_msg(strstr(vt_screen(t), "shegong certificate") == NULL,
	              "the screen still sends the worker to the command line");
	type(t, "p");
	expect(t, "> 1  您终端的打印机");
	type(t, "2");
	expect(t, "已存进您的文件夹：files/anning/certificate-");
	audit_last(db, &l);
	ck_assert_msg(strncmp(l.note, "doc=certificate way=file records=vol-", 37) == 0, "note %s",
	              l.note);
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* The file the file way wrote today as doc in files, whole (malloc'd). */
static char *
printed_file(const char *files, const char *doc)
{
	char path[800], today[16];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	snprintf(path, sizeof path, "%s/%s-%s.txt", files, doc, today);
	FILE *f = fopen(path, "r");
	ck_assert_msg(f, "no file %s", path);
	char *buf = calloc(1, 1 << 17);
	ck_assert_ptr_nonnull(buf);
	fread(buf, 1, (1 << 17) - 1, f);
	fclose(f);
	return buf;
}

struct got {
	const rec_id *id;
	record *r;
};

static int
got_txn(store_txn *t, void *ctx)
{
	struct got *g = ctx;
	return store_get(t, g->id, &g->r);
}

/* The name of the record whose id text opens the note's records=. */
static char *
first_record_name(const char *db, const char *note)
{
	const char *r = strstr(note, "records=");
	ck_assert_ptr_nonnull(r);
	char idtext[REC_ID_TEXTMAX];
	snprintf(idtext, sizeof idtext, "%.*s", (int)strcspn(r + 8, ","), r + 8);
	rec_id id;
	ck_assert_msg(rec_id_parse(idtext, &id) == 0, "no record in %s", note);
	store *st;
	ck_assert_int_eq(store_open(&st, db, STORE_RDONLY), STORE_OK);
	struct got g = {&id, NULL};
	ck_assert_int_eq(store_read(st, got_txn, &g), STORE_OK);
	record *rec = g.r;
	const char *n = record_get(rec, "name");
	char *name = strdup(n ? n : "");
	record_free(rec);
	store_close(st);
	return name;
}

/* One key from the screens: p on the home menu prints the chosen entry's
 * form blank, on a case file the resident's case file, on the report the
 * report shown, and d in the box the village's service ledger instead;
 * each written, logged with the records it shows. */
START_TEST(test_casefile_report_ledger_blank)
{
	char *dir = testdb_dir("printscr");
	char db[512], files[600];
	snprintf(db, sizeof db, "%s/db", dir);
	snprintf(files, sizeof files, "%s/files/anning", dir);
	vt *t = screen_start(db, _i, true, "anning", NULL);
	expect(t, "上次查看以来的新消息");
	/* the home menu: the needs intake form, blank */
	keys(t, KEY_DOWN);
	type(t, "p");
	expect(t, "空白表");
	expect(t, "存为文本文件");
	type(t, "1");
	expect(t, "已存进您的文件夹：files/anning/blank-");
	char *buf = printed_file(files, "blank");
	ck_assert_msg(strstr(buf, "服务对象签字："), "not a blank form: %s", buf);
	free(buf);
	struct last_note l = {.action = "print"};
	audit_last(db, &l);
	ck_assert_msg(strncmp(l.note, "doc=blank way=file records=", 27) == 0, "note %s", l.note);

	/* a resident's case file: p there */
	type(t, "1");
	expect(t, "F3 新建");
	keys(t, KEY_ENTER);
	expect(t, "F9 ");
	keys(t, KEY_F9);
	expect(t, "档案：");
	expect(t, "p 打印");
	type(t, "p");
	expect(t, "存为文本文件");
	type(t, "1");
	expect(t, "files/anning/casefile-");
	audit_last(db, &l);
	ck_assert_msg(strncmp(l.note, "doc=casefile way=file records=res-", 34) == 0, "note %s",
	              l.note);
	char *name = first_record_name(db, l.note);
	buf = printed_file(files, "casefile");
	ck_assert_msg(strstr(buf, "个人档案") && *name && strstr(buf, name),
	              "the case file lacks its heading or %s: %s", name, buf);
	free(buf);
	free(name);
	/* the resident's record: p prints the same case file */
	keys(t, KEY_ESC);
	expect(t, "p 打印");
	type(t, "p");
	expect(t, "打印: 个人档案");
	keys(t, KEY_ESC);

	/* the report: p prints it, d in the box the village's ledger */
	for (int i = 0; i < 4; i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");
	type(t, "7");
	expect(t, "统计报表：分村数据");
	type(t, "p");
	expect(t, "改为打印：服务台账");
	type(t, "1");
	expect(t, "files/anning/report-");
	buf = printed_file(files, "report");
	ck_assert_msg(strstr(buf, "社会工作服务统计报表") && strstr(buf, "各项服务次数"),
	              "not the report: %s", buf);
	free(buf);
	type(t, "p");
	expect(t, "改为打印：服务台账");
	type(t, "d");
	expect(t, "改为打印：工作报表");
	type(t, "1");
	expect(t, "files/anning/ledger-");
	audit_last(db, &l);
	ck_assert_msg(strncmp(l.note, "doc=ledger way=file records=svc-", 32) == 0, "note %s",
	              l.note);
	buf = printed_file(files, "ledger");
	ck_assert_msg(strstr(buf, "服务台账") && strstr(buf, "安宁"), "not the ledger: %s", buf);
	/* the file is UTF-8 for any terminal, so the narrow layout: its top
	 * rule as many characters as columns, not the GB18030 printer's half */
	const char *rule = strstr(buf, "┌");
	ck_assert_msg(rule, "the ledger has no table: %s", buf);
	int chars = 0;
	for (const char *c = rule; *c && *c != '\n' && *c != '\r'; c++)
		chars += ((unsigned char)*c & 0xC0) != 0x80;
	ck_assert_msg(chars > 60, "the ledger's rule is %d characters: laid out for a GB18030 printer",
	              chars);
	free(buf);
	/* a quarter has no one ledger: the box says how to get one */
	keys(t, KEY_F5);
	expect(t, "季度");
	type(t, "p");
	expect(t, "服务台账按月打印");
	keys(t, KEY_ESC);
	quit(t);
	vt_free(t);

	/* a township worker: the report is the township's; on the total
	 * the box offers the township's ledger (each village under its
	 * heading with its subtotal, the total at the end), on a village
	 * that village's */
	t = screen_start(db, _i, true, "panlian", NULL);
	expect(t, "主菜单");
	keys(t, KEY_ESC);   /* what is new, if anything */
	type(t, "7");
	expect(t, "统计报表：分村数据");
	type(t, "p");
	expect(t, "改为打印：服务台账 攀莲镇");
	type(t, "d");
	expect(t, "改为打印：工作报表");
	type(t, "1");
	expect(t, "files/panlian/ledger-");
	audit_last(db, &l);
	ck_assert_msg(strncmp(l.note, "doc=ledger way=file records=svc-", 32) == 0, "note %s",
	              l.note);
	snprintf(files, sizeof files, "%s/files/panlian", dir);
	buf = printed_file(files, "ledger");
	ck_assert_msg(strstr(buf, "单位：攀莲镇"), "not the township's ledger: %.3000s", buf);
	const char *h1 = strstr(buf, "【安宁村】"), *h2 = strstr(buf, "【挂榜村】"),
	           *h3 = strstr(buf, "【龙华社区】");
	ck_assert_msg(h1 && h2 && h3 && h1 < h2 && h2 < h3, "the villages' headings: %.3000s", buf);
	int subs = 0;
	for (const char *p = buf; (p = strstr(p, "小计：服务")); p++)
		subs++;
	ck_assert_msg(subs == 3, "%d subtotals, not one per village: %.3000s", subs, buf);
	ck_assert_msg(strstr(buf, "合计：服务") > strstr(h3, "小计：服务"),
	              "the total after the last village: %.3000s", buf);
	/* every village's table (and each page's part of one) has the heads */
	int tables = 0, heads = 0;
	for (const char *p = buf; (p = strstr(p, "┌")); p++)
		tables++;
	for (const char *p = buf; (p = strstr(p, "│日期")); p++)
		heads++;
	ck_assert_msg(tables >= 3 && heads == tables, "%d tables, %d with heads: %.3000s", tables,
	              heads, buf);
	ck_assert_msg(!strstr(buf, "新山村"), "another township's village: %.3000s", buf);
	free(buf);
	/* the same through the terminal's printer: the media copy in the
	 * terminal's encoding, the villages, their subtotals, the total */
	type(t, "p");
	expect(t, "改为打印：服务台账 攀莲镇");
	type(t, "d");
	expect(t, "改为打印：工作报表");
	type(t, "t");
	expect(t, "您的终端有打印机：有");
	expect(t, TERMINAL_WAY);
	keys(t, KEY_ENTER);
	expect(t, "已发送到您终端的打印机");
	char *mc = media_copy(t, _i);
	ck_assert_msg(mc, "no media copy was sent");
	ck_assert_msg(strstr(mc, "【安宁村】") && strstr(mc, "【龙华社区】") && strstr(mc, "刘𠈌"),
	              "the township's ledger is not in the copy: %.3000s", mc);
	subs = 0;
	for (const char *p = mc; (p = strstr(p, "小计：服务")); p++)
		subs++;
	ck_assert_msg(subs == 3 && strstr(mc, "合计：服务"), "the copy's subtotals, total: %.3000s", mc);
	free(mc);
	audit_last(db, &l);
	ck_assert_msg(strncmp(l.note, "doc=ledger way=terminal records=svc-", 36) == 0, "note %s",
	              l.note);
	expect(t, "统计报表：分村数据");   /* the screen painted again */
	keys(t, "\033[D");   /* Left: the last village */
	type(t, "p");
	expect(t, "改为打印：服务台账 龙华社区");
	keys(t, KEY_ESC);
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("printscreen");
	TCase *tc = tcase_create("printscreen");
	tcase_set_timeout(tc, 180);
	tcase_add_loop_test(tc, test_slip_to_terminal_and_file, 0, 2);
	tcase_add_loop_test(tc, test_certificate, 0, 2);
	tcase_add_loop_test(tc, test_casefile_report_ledger_blank, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
