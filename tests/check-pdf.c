/* check-pdf.c: pdf.c's A4 PDF read back with poppler-utils, tools that
 * share no code with Pango or Cairo: the text of both pages in order with
 * the rare name characters outside the BMP (pdftotext -layout), the fonts
 * embedded, a monospace CJK face and the Extension B one among them
 * (pdffonts), A4, two pages and the title (pdfinfo), every character
 * with a glyph (pdf_missing_glyphs, which does find a missing one), a
 * ruled table drawn as joined rules (pdftoppm's page image: one dark run
 * as wide and one as tall as the table); a bad path gives a Chinese
 * reason and leaves no file.  The documents print.c makes of the demo
 * database: the report's chart drawn as a chart (no █ in its text, a
 * filled dark band a bar in its page image, each label with its number);
 * a township's ledger (each village under a heading, a subtotal each,
 * the total; a village worker refused); the slip's, the ledgers' and
 * the report's first pages kept as PNG in tests/ for a person to look at.  Skipped (77) when built without PDF. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"
#include "form.h"
#include "i18n.h"
#include "kind.h"
#include "orgunit.h"
#include "pdf.h"
#include "print.h"
#include "record.h"
#include "scope.h"
#include "store.h"
#include "util.h"

#include "testdb.h"

static char dir[] = "/tmp/check-pdf-XXXXXX";

/* two pages: Chinese, 𠀀 (U+20000) and 𠈌 (U+2020C), a ruled table of 60
 * columns and 5 lines, and a slip's cut line */
static const char doc[] =
	"                          社区服务转介单（存根）\n"
	"\n"
	"  姓名：张𠀀明    编号：R-20261203-0042    村：红星村\n"
	"  事由：独居老人，需要上门探访。\n"
	"\n"
	"┌────────────┬──────────────────────────────────────────────┐\n"
	"│ 日期       │ 内容                                         │\n"
	"├────────────┼──────────────────────────────────────────────┤\n"
	"│ 2026-12-01 │ 上门探访，送米面油                           │\n"
	"└────────────┴──────────────────────────────────────────────┘\n"
	"\n"
	"- - - - - - - - - - - - - - ✂ 沿此线剪开 - - - - - - - - - - - - - -\n"
	"\n"
	"                              回执\n"
	"  接收单位：镇社工站    签收人：李𠈌华\n"
	"\f"
	"                          服务台账 第二页\n"
	"  受益人：王𠈌芳    志愿者：陈𠀀    时长：2.5 小时\n"
	"  █████████████████▌ 12\n"
	"  ------------------------------------------------------------------------------\n"
	"  结束\n";

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(dir, "/tmp/check-pdf-XXXXXX");
}

/* the whole output of a shell command */
static char *
run(const char *fmt, const char *arg)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, fmt, arg);
	FILE *p = popen(cmd, "r");
	ck_assert_msg(p != NULL, "cannot run %s", cmd);
	struct strbuf sb = {0};
	ck_assert(sb_read(&sb, p, 16 << 20));
	int rc = pclose(p);
	ck_assert_msg(rc == 0, "%s: exit %d", cmd, rc);
	return sb_detach(&sb);
}

static void
write_doc(const char *path)
{
	char why[512];
	ck_assert_msg(pdf_write(doc, "服务台账 红星村 2026年12月", path, why, sizeof why) == 0, "%s",
	              why);
	ck_assert_msg(why[0] == '\0', "%s", why);
}

/* a comes before b in page */
static void
before(const char *page, const char *a, const char *b)
{
	const char *pa = strstr(page, a), *pb = strstr(page, b);
	ck_assert_msg(pa && pb && pa < pb, "%s not before %s:\n%s", a, b, page);
}

START_TEST(test_text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/doc.pdf", dir);
	write_doc(path);
	char *t = run("pdftotext -layout -enc UTF-8 '%s' -", path);
	/* two pages, in order, each with its footer */
	char *ff = strchr(t, '\f');
	ck_assert_msg(ff != NULL, "one page only:\n%s", t);
	*ff = '\0';
	const char *p1 = t, *p2 = ff + 1;
	static const char *const one[] = {
		"社区服务转介单（存根）", "张𠀀明", "R-20261203-0042", "红星村", "日期", "2026-12-01",
		"上门探访，送米面油", "✂", "沿此线剪开", "回执", "李𠈌华", "第 1 页 / 共 2 页",
		"服务台账 红星村 2026年12月",
	};
	static const char *const two[] = {
		"服务台账 第二页", "王𠈌芳", "陈𠀀", "2.5 小时", "结束", "第 2 页 / 共 2 页",
	};
	for (size_t i = 0; i < NELEM(one); i++)
		ck_assert_msg(strstr(p1, one[i]) != NULL, "page 1 lacks %s:\n%s", one[i], p1);
	for (size_t i = 0; i < NELEM(two); i++)
		ck_assert_msg(strstr(p2, two[i]) != NULL, "page 2 lacks %s:\n%s", two[i], p2);
	ck_assert_ptr_null(strstr(p1, "王𠈌芳"));
	/* in order on the page */
	before(p1, "张𠀀明", "上门探访");
	before(p1, "上门探访", "沿此线剪开");
	before(p1, "沿此线剪开", "李𠈌华");
	/* the grid: 日期 and 2026-12-01 start in the same column */
	const char *a = strstr(p1, "日期"), *b = strstr(p1, "2026-12-01");
	const char *la = a, *lb = b;
	while (la > p1 && la[-1] != '\n')
		la--;
	while (lb > p1 && lb[-1] != '\n')
		lb--;
	ck_assert_msg(a - la == b - lb, "columns apart:\n%s", p1);
	free(t);
}
END_TEST

/* pdfinfo's "Name:   value" line */
static bool
has_field(const char *info, const char *name, const char *value)
{
	for (const char *l = info; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, name, strlen(name)) != 0)
			continue;
		const char *v = l + strlen(name);
		while (*v == ' ')
			v++;
		size_t n = strlen(value);
		return strncmp(v, value, n) == 0 && (v[n] == '\n' || v[n] == '\0');
	}
	return false;
}

START_TEST(test_fonts_info)
{
	char path[256];
	snprintf(path, sizeof path, "%s/doc.pdf", dir);
	write_doc(path);
	char *f = run("pdffonts '%s'", path);
	ck_assert_msg(strstr(f, "NotoSansMonoCJK") != NULL, "no monospace CJK face:\n%s", f);
	ck_assert_msg(strstr(f, "HanaMinB") != NULL, "no Extension B face:\n%s", f);
	/* every font line (after the two header lines) says emb yes */
	int fonts = 0;
	char *line = strchr(strchr(f, '\n') + 1, '\n') + 1;
	for (char *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = '\0';
		/* name type encoding emb sub uni object ID: emb is the 4th from the end but 3 */
		char name[128], type[64], enc[64], emb[8];
		ck_assert_int_ge(sscanf(line, "%127s %63s %63s %7s", name, type, enc, emb), 3);
		ck_assert_msg(strstr(line, " yes ") != NULL && strstr(line, " no ") == NULL,
		              "not embedded: %s", line);
		fonts++;
	}
	ck_assert_int_ge(fonts, 2);
	free(f);

	char *i = run("pdfinfo '%s'", path);
	ck_assert_msg(has_field(i, "Pages:", "2"), "%s", i);
	ck_assert_msg(strstr(i, "(A4)") != NULL, "%s", i);
	ck_assert_msg(has_field(i, "Title:", "服务台账 红星村 2026年12月"), "%s", i);
	free(i);
}
END_TEST

/* pdf_missing_glyphs finds none in the document, and does find one
 * where no font has the character (U+10FFFD, private use) */
START_TEST(test_glyphs)
{
	ck_assert_int_eq(pdf_missing_glyphs(doc), 0);
	ck_assert_int_eq(pdf_missing_glyphs("𠀀𠈌 张三"), 0);
	ck_assert_int_ge(pdf_missing_glyphs("张\xf4\x8f\xbf\xbd三"), 1);
	/* the PDF is written, and the worker told */
	char path[256], why[512];
	snprintf(path, sizeof path, "%s/tofu.pdf", dir);
	ck_assert_int_eq(pdf_write("张\xf4\x8f\xbf\xbd三\n", "t", path, why, sizeof why), 0);
	ck_assert_msg(strstr(why, "fonts-hanazono") != NULL && strstr(why, "空框") != NULL, "%s", why);
	ck_assert_int_eq(access(path, F_OK), 0);
	/* none: nothing said */
	write_doc(path);
}
END_TEST

/* a P5 (binary grey) image */
struct pgm {
	int w, h;
	unsigned char *px;
};

static struct pgm
read_pgm(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	struct pgm g = {0};
	int max;
	ck_assert_int_eq(fscanf(f, "P5 %d %d %d", &g.w, &g.h, &max), 3);
	fgetc(f);
	g.px = malloc((size_t)g.w * (size_t)g.h);
	ck_assert_ptr_nonnull(g.px);
	ck_assert_uint_eq(fread(g.px, 1, (size_t)g.w * (size_t)g.h, f), (size_t)g.w * (size_t)g.h);
	fclose(f);
	return g;
}

/* The table's rules join: at 72 dpi a column is 6.4 pixels, so the top
 * rule of 61 columns is one dark run of about 390 pixels, and the left
 * rule, 5 lines, one of about 60; glyphs set side by side never make a
 * run that long. */
START_TEST(test_rules_join)
{
	char path[256], cmd[1024];
	snprintf(path, sizeof path, "%s/doc.pdf", dir);
	write_doc(path);
	snprintf(cmd, sizeof cmd, "pdftoppm -r 72 -gray -f 1 -l 1 '%s' '%s/page'", path, dir);
	ck_assert_int_eq(system(cmd), 0);
	char img[256];
	snprintf(img, sizeof img, "%s/page-1.pgm", dir);
	struct pgm g = read_pgm(img);
	int best_h = 0, best_v = 0;
	for (int y = 0; y < g.h; y++)
		for (int x = 0, run = 0; x < g.w; x++) {
			run = g.px[y * g.w + x] < 160 ? run + 1 : 0;
			if (run > best_h)
				best_h = run;
		}
	for (int x = 0; x < g.w; x++)
		for (int y = 0, run = 0; y < g.h; y++) {
			run = g.px[y * g.w + x] < 160 ? run + 1 : 0;
			if (run > best_v)
				best_v = run;
		}
	free(g.px);
	ck_assert_msg(best_h >= 370 && best_h <= 420, "longest horizontal rule %d px", best_h);
	ck_assert_msg(best_v >= 45, "longest vertical rule %d px", best_v);
}
END_TEST

START_TEST(test_bad_path)
{
	char path[256], why[512];
	/* a folder that does not exist */
	snprintf(path, sizeof path, "%s/no-such-folder/doc.pdf", dir);
	int rc = pdf_write(doc, "t", path, why, sizeof why);
	ck_assert_int_ne(rc, 0);
	ck_assert_msg(strstr(why, "文件夹不存在") != NULL, "%s", why);
	/* a folder where the file should be: an error, and no temporary file */
	snprintf(path, sizeof path, "%s/sub", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	rc = pdf_write(doc, "t", path, why, sizeof why);
	ck_assert_int_ne(rc, 0);
	ck_assert_msg(strstr(why, "是一个文件夹") != NULL, "%s", why);
	/* a file name in a folder that is a file */
	char file[256];
	snprintf(file, sizeof file, "%s/plain", dir);
	FILE *f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	snprintf(path, sizeof path, "%s/plain/doc.pdf", dir);
	ck_assert_int_ne(pdf_write(doc, "t", path, why, sizeof why), 0);
	ck_assert_msg(strstr(why, "PDF 没有写成") != NULL, "%s", why);
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			ck_assert_msg(!strcmp(e->d_name, "sub") || !strcmp(e->d_name, "plain"),
			              "left behind: %s", e->d_name);
			n++;
		}
	closedir(d);
	ck_assert_int_eq(n, 2);
	/* an existing file is replaced whole */
	snprintf(path, sizeof path, "%s/doc.pdf", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("old", f);
	fclose(f);
	write_doc(path);
	char *i = run("pdfinfo '%s'", path);
	ck_assert(has_field(i, "Pages:", "2"));
	free(i);
}
END_TEST

/* --- the documents print.c makes ------------------------------------------ */

static struct db db;
static struct formset *fs;
static struct scope *worker;
static char month[8];
static char ddir[] = "/tmp/check-pdf-doc-XXXXXX";

static void
docs_setup(void)
{
	time_t t = time(NULL);
	struct tm now;
	localtime_r(&t, &now);
	strftime(month, sizeof month, "%Y-%m", &now);
	const char *fd = getenv("SHEGONG_FORMSDIR");
	struct form_error ferr;
	fs = formset_load(fd && *fd ? fd : "../forms", &ferr);
	ck_assert_ptr_nonnull(fs);
	db = testdb_new("pdf");
	ck_assert_int_eq(demo_fill(db.st, "visitor", 20261129, NULL), STORE_OK);
	ck_assert_int_eq(scope_load_now(db.st, "anning", &worker), STORE_OK);
	ck_assert_ptr_nonnull(mkdtemp(ddir));
}

static void
docs_teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", ddir);
	if (system(cmd) != 0)
		fprintf(stderr, "check-pdf: %s left behind\n", ddir);
	strcpy(ddir, "/tmp/check-pdf-doc-XXXXXX");
	scope_free(worker);
	testdb_free(&db);
	formset_free(fs);
}

/* The document as print.c makes it, its PDF at DDIR/name.pdf, its first
 * page kept as tests/check_pdf-NAME-1.png; the text is returned. */
static char *
make_pdf(struct print_req q, const char *name, char *path, size_t pathsz)
{
	char title[256], why[512], cmd[1024];
	int err = -1;
	char *text = print_text(db.st, fs, worker, &q, title, sizeof title, &err);
	ck_assert_msg(text != NULL, "print_text %s: %d", name, err);
	snprintf(path, pathsz, "%s/%s.pdf", ddir, name);
	ck_assert_msg(pdf_write(text, title, path, why, sizeof why) == 0, "%s", why);
	ck_assert_msg(why[0] == '\0', "%s", why);
	snprintf(cmd, sizeof cmd, "pdftoppm -r 100 -png -f 1 -l 1 '%s' tests/check_pdf-%s", path,
	         name);
	if (system(cmd) != 0)
		fprintf(stderr, "check-pdf: the page image of the %s was not kept\n", name);
	return text;
}

static int
numbered_one(const record *r, void *ctx)
{
	const char *n = record_get(r, "number");
	if (!n || !*n)
		return 0;
	snprintf(ctx, 64, "%s", n);
	return 1;
}

static int
slip_number_txn(store_txn *t, void *ctx)
{
	int rc = store_scan(t, REC_REFERRAL, NULL, numbered_one, ctx);
	return rc == 1 ? 0 : rc;
}

/* the slip and the month's ledger: their numbers and heads in the PDF's
 * text, their first pages kept */
static void
slip_ledger(void)
{
	char num[64] = "", path[256];
	ck_assert_int_eq(store_read(db.st, slip_number_txn, num), STORE_OK);
	ck_assert_msg(num[0], "no numbered referral in the demo");
	free(make_pdf((struct print_req){.doc = PRINT_SLIP, .id = num}, "slip", path, sizeof path));
	char *t = run("pdftotext -layout -enc UTF-8 '%s' -", path);
	ck_assert_msg(strstr(t, num) && strstr(t, "沿此线剪开"), "the slip:\n%s", t);
	free(t);
	free(make_pdf((struct print_req){.doc = PRINT_LEDGER, .period = month}, "ledger", path,
	              sizeof path));
	t = run("pdftotext -layout -enc UTF-8 '%s' -", path);
	ck_assert_msg(strstr(t, "服务台账") && strstr(t, month) && strstr(t, "合计"), "the ledger:\n%s",
	              t);
	free(t);
}

static int
township_id_txn(store_txn *t, void *ctx)
{
	record *u;
	int err = orgunit_by_code(t, "510421100", &u);
	if (!err) {
		rec_id_format(&u->id, ctx);
		record_free(u);
	}
	return err;
}

/* fonts embedded, every one (pdffonts) */
static void
fonts_embedded(const char *path)
{
	char *f = run("pdffonts '%s'", path);
	int fonts = 0;
	char *line = strchr(strchr(f, '\n') + 1, '\n') + 1;
	for (char *nl; *line && (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		ck_assert_msg(strstr(line, " yes ") != NULL && strstr(line, " no ") == NULL,
		              "not embedded: %s", line);
		fonts++;
	}
	ck_assert_int_ge(fonts, 2);
	free(f);
}

/* The township's ledger (a township worker's): each village of the
 * township under its heading, in the order of their codes, a subtotal
 * each, the total after the last; the names outside the BMP; the fonts
 * embedded; its first page kept.  A village worker asking for it is
 * refused. */
static void
township_ledger(void)
{
	char path[256], tid[REC_ID_TEXTMAX];
	struct scope *own = worker, *tw;
	ck_assert_int_eq(scope_load_now(db.st, "panlian", &tw), STORE_OK);
	worker = tw;
	char *text = make_pdf((struct print_req){.doc = PRINT_LEDGER, .period = month},
	                      "ledger-township", path, sizeof path);
	worker = own;
	scope_free(tw);
	free(text);
	char *t = run("pdftotext -layout -enc UTF-8 '%s' -", path);
	const char *h1 = strstr(t, "【安宁村】"), *h2 = strstr(t, "【挂榜村】"),
	           *h3 = strstr(t, "【龙华社区】");
	ck_assert_msg(h1 && h2 && h3 && h1 < h2 && h2 < h3, "the villages' headings:\n%.3000s", t);
	ck_assert_msg(strstr(t, "单位：攀莲镇"), "not the township's:\n%.3000s", t);
	int subs = 0;
	for (const char *p = t; (p = strstr(p, "小计：服务")); p++)
		subs++;
	ck_assert_int_eq(subs, 3);
	ck_assert_msg(strstr(t, "合计：服务") > strstr(h3, "小计："), "the total last:\n%.3000s", t);
	ck_assert_msg(strstr(t, "刘𠈌"), "a name outside the BMP:\n%.3000s", t);
	ck_assert_msg(!strstr(t, "新山村"), "another township's village:\n%.3000s", t);
	free(t);
	fonts_embedded(path);
	/* a village worker: refused, not given their own village's part */
	ck_assert_int_eq(store_read(db.st, township_id_txn, tid), STORE_OK);
	int err = 0;
	char *no = print_text(db.st, fs, worker,
	                      &(struct print_req){.doc = PRINT_LEDGER, .period = month, .village = tid},
	                      NULL, 0, &err);
	ck_assert_ptr_null(no);
	ck_assert_int_eq(err, STORE_DENIED);
}

/* The report's chart drawn: no █ in the PDF's text; after its heading a
 * line a bar with the label and, last, the number; in the page image
 * (72 dpi) a band at least 6 pixels tall of dark runs of 20 pixels or
 * more for each bar above zero (text and the 0.6 pt rules make none), the
 * longest as wide as the page allows (some 360 pixels). */
static void
report_chart(void)
{
	char path[256], cmd[1024];
	char *text = make_pdf((struct print_req){.doc = PRINT_REPORT, .period = month}, "report",
	                      path, sizeof path);
	/* the bars the text has, as print.c reads them */
	const char *line[256];
	size_t len[256], n = 0;
	for (char *p = text; *p && n < NELEM(line);) {
		size_t k = strcspn(p, "\n\f");
		line[n] = p;
		len[n++] = k;
		p += k;
		if (*p)
			p++;
	}
	struct print_chart_bar bar[64];
	size_t nb = 0, first = 0, head = 0;
	for (; head < n && !nb; head++)
		nb = print_chart_read(line + head, len + head, n - head, &first, bar, NELEM(bar));
	ck_assert_uint_ge(nb, 2);
	first += head - 1;

	char *t = run("pdftotext -layout -enc UTF-8 '%s' -", path);
	ck_assert_msg(strstr(t, "█") == NULL, "bars as characters:\n%s", t);
	const char *after = strstr(t, "各项服务次数");
	ck_assert_msg(after != NULL, "no chart heading:\n%s", t);
	size_t above = 0;
	for (size_t b = 0; b < nb; b++) {
		char label[128], want[160];
		snprintf(label, sizeof label, "%.*s", (int)bar[b].label_len, line[first + b]);
		const char *at = strstr(after, label);
		ck_assert_msg(at != NULL, "no label %s:\n%s", label, after);
		const char *eol = strchr(at, '\n');
		ck_assert_ptr_nonnull(eol);
		/* the number last on the label's line */
		snprintf(want, sizeof want, " %zu\n", bar[b].value);
		ck_assert_msg((size_t)(eol + 1 - at) >= strlen(want) &&
		                      strncmp(eol + 1 - strlen(want), want, strlen(want)) == 0,
		              "%s without %zu:\n%s", label, bar[b].value, after);
		after = eol;
		above += bar[b].value > 0;
	}
	free(t);

	snprintf(cmd, sizeof cmd, "pdftoppm -r 72 -gray -f 1 -l 1 '%s' '%s/report'", path, ddir);
	ck_assert_int_eq(system(cmd), 0);
	char img[256];
	snprintf(img, sizeof img, "%s/report-1.pgm", ddir);
	struct pgm g = read_pgm(img);
	size_t bands = 0, max = 0;
	int tall = 0, widest = 0, bandw = 0, width[64];
	for (int y = 0; y < g.h; y++) {
		int best = 0;
		for (int x = 0, r = 0; x < g.w; x++) {
			r = g.px[y * g.w + x] < 160 ? r + 1 : 0;
			best = r > best ? r : best;
		}
		if (best >= 20) {
			tall++;
			bandw = best > bandw ? best : bandw;
		} else {
			if (tall >= 6) {
				if (bands < NELEM(width))
					width[bands] = bandw;
				bands++;
				widest = bandw > widest ? bandw : widest;
			}
			tall = 0;
			bandw = 0;
		}
	}
	free(g.px);
	ck_assert_msg(bands == above, "%zu filled bands for %zu bars", bands, above);
	ck_assert_msg(widest >= 330 && widest <= 400, "the longest bar %d px", widest);
	/* each as long as its number's share of the longest (not in whole
	 * columns of 6.4 pixels, as characters would be) */
	for (size_t b = 0; b < nb; b++)
		max = bar[b].value > max ? bar[b].value : max;
	for (size_t b = 0, k = 0; b < nb; b++) {
		if (!bar[b].value)
			continue;
		double want = (double)widest * (double)bar[b].value / (double)max;
		ck_assert_msg(width[k] >= want - 2 && width[k] <= want + 2,
		              "bar %zu (%zu of %zu): %d px, not %.0f", b, bar[b].value, max, width[k],
		              want);
		k++;
	}
	free(text);
}

/* one demo database for the three documents (making it is the slow part) */
START_TEST(test_documents)
{
	slip_ledger();
	township_ledger();
	report_chart();
}
END_TEST

static Suite *
pdf_suite(void)
{
	Suite *s = suite_create("pdf");
	TCase *tc = tcase_create("pdf");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_fonts_info);
	tcase_add_test(tc, test_glyphs);
	tcase_add_test(tc, test_rules_join);
	tcase_add_test(tc, test_bad_path);
	suite_add_tcase(s, tc);
	TCase *td = tcase_create("documents");
	tcase_set_timeout(td, 120);
	tcase_add_checked_fixture(td, docs_setup, docs_teardown);
	tcase_add_test(td, test_documents);
	suite_add_tcase(s, td);
	return s;
}

int
main(void)
{
	if (!pdf_available()) {
		fprintf(stderr, "check-pdf: built without Pango and Cairo: skipped\n");
		return 77;
	}
	/* the footer and the reasons in Chinese, from the catalogue */
	if (!getenv("SHEGONG_LOCALEDIR") || !setlocale(LC_ALL, "zh_CN.UTF-8")) {
		fprintf(stderr, "check-pdf: needs SHEGONG_LOCALEDIR (make check) and zh_CN.UTF-8\n");
		return 1;
	}
	i18n_init();
	SRunner *sr = srunner_create(pdf_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
