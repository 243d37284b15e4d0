/* check-reportscreen.c: the report screen through the real program in a
 * pseudo-terminal, read through libvterm, on a UTF-8 and on a GB18030
 * terminal: the demo database as its supervisor (dudao), with services
 * added in two villages this month and in the months before; "Reports"
 * from the home menu shows this month's figures by village and the chart
 * of the last six months, a village chosen shows its own trend, F7 goes
 * to the month before (its figures), F5 to the quarter, Esc back home.
 * And the demo as it is made, as the one trying it: every count of the
 * home menu above zero, the report's services and a bar in each of the
 * last six months (issue 17: the demo was empty where it matters).  And
 * a county's database that took 攀莲镇's figures file (the demo's, sync
 * --figures-to, then sync --from-file): the screen shows the township's
 * subtotal, marked with the day it was made, and the total of the
 * figures received, the same numbers as `shegong report`. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "orgunit.h"
#include "report.h"

#include "testdb.h"
#include "screen.h"

#define WAIT_MS 15000
#define KEY_LEFT "\033OD"   /* xterm in keypad mode */

/* Services this month (3 in 安宁村, 2 in 挂榜村), the month before (5 in
 * 安宁村) and three months before (1 in 挂榜村), in place of the demo's. */
struct services {
	struct report_period month;
	rec_id *ids;
	uint32_t *versions;
	size_t n;
};

static int
each_service(const record *r, void *ctx)
{
	struct services *s = ctx;
	s->ids = realloc(s->ids, (s->n + 1) * sizeof *s->ids);
	s->versions = realloc(s->versions, (s->n + 1) * sizeof *s->versions);
	ck_assert(s->ids && s->versions);
	s->ids[s->n] = r->id;
	s->versions[s->n++] = r->version;
	return 0;
}

static int
add_txn(store_txn *t, void *ctx)
{
	struct services *s = ctx;
	int rc = store_scan(t, REC_SERVICE, NULL, each_service, s);
	for (size_t i = 0; i < s->n && !rc; i++)
		rc = store_del(t, &s->ids[i], s->versions[i]);
	free(s->ids);
	free(s->versions);
	if (rc)
		return rc;
	static const struct {
		const char *village;
		int back, n;
	} plan[] = {{"510421100001", 0, 3}, {"510421100002", 0, 2}, {"510421100001", 1, 5},
	            {"510421100002", 3, 1}};
	for (size_t i = 0; i < sizeof plan / sizeof plan[0]; i++) {
		record *u;
		int err = orgunit_by_code(t, plan[i].village, &u);
		if (err)
			return err;
		char vid[REC_ID_TEXTMAX], date[32], ym[16];
		rec_id_format(&u->id, vid);
		record_free(u);
		struct report_period p = s->month;
		report_period_step(&p, -plan[i].back);
		snprintf(date, sizeof date, "%s-%02d", report_period_format(&p, ym), 10 + (int)i);
		for (int k = 0; k < plan[i].n; k++) {
			record *r = record_new(REC_SERVICE);
			record_set(r, "village", vid);
			record_set(r, "function", k % 2 ? "care" : "assessment");
			record_set(r, "date", date);
			record_set(r, "content", "入户探访");
			record_set(r, "_form", k % 2 ? "service_care" : "service_assessment");
			err = store_put(t, r);
			record_free(r);
			if (err)
				return err;
		}
	}
	return 0;
}

static char *
prepare(struct report_period *month)
{
	char *dir = testdb_dir("reportscreen");
	screen_demo(dir);
	time_t now = time(NULL);
	struct tm tm;
	char today[16];
	ck_assert_ptr_nonnull(localtime_r(&now, &tm));
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	ck_assert_int_eq(report_period_month_of(today, month), 0);
	store *st = testdb_open(dir);
	struct services s = {*month, NULL, NULL, 0};
	ck_assert_int_eq(store_write(st, add_txn, &s), STORE_OK);
	store_close(st);
	return dir;
}

/* The screen row holding text, waiting for it; a copy. */
static char *
row_with(vt *t, const char *text)
{
	expect(t, text);
	for (int y = 0; y < 24; y++) {
		const char *r = vt_row(t, y);
		if (r && strstr(r, text))
			return strdup(r);
	}
	ck_abort_msg("no row holds \"%s\"", text);
	return NULL;
}

/* The chart's row of a month ("2026-11  ████ 5"): the row that begins
 * with it; a copy. */
static char *
bar_row(vt *t, const char *ym)
{
	for (int i = 0; i < WAIT_MS / 100; i++) {
		for (int y = 0; y < 24; y++) {
			const char *r = vt_row(t, y);
			if (r && strncmp(r, " ", 1) == 0 && strncmp(r + 1, ym, strlen(ym)) == 0)
				return strdup(r);
		}
		vt_pump(t, 100);
	}
	vt_dump(t);
	ck_abort_msg("no bar for %s", ym);
	return NULL;
}

/* Whether the chart's bar of the month ym ends with the count want. */
static void
bar_ends(vt *t, const char *ym, const char *want)
{
	char *r = NULL;
	for (int i = 0; i < WAIT_MS / 100; i++) {
		free(r);
		r = bar_row(t, ym);
		const char *sp = strrchr(r, ' ');
		if (sp && strcmp(sp + 1, want) == 0) {
			free(r);
			return;
		}
		vt_pump(t, 100);
	}
	vt_dump(t);
	ck_abort_msg("the bar \"%s\" does not end with %s", r, want);
}

/* Whether the row holding text ends with the number want (its last
 * column: the total, or the count after a bar), waiting for it. */
static void
row_ends(vt *t, const char *text, const char *want)
{
	char *r = NULL;
	for (int i = 0; i < WAIT_MS / 100; i++) {
		free(r);
		r = row_with(t, text);
		const char *sp = strrchr(r, ' ');
		if (sp && strcmp(sp + 1, want) == 0) {
			free(r);
			return;
		}
		vt_pump(t, 100);
	}
	vt_dump(t);
	ck_abort_msg("the row \"%s\" does not end with %s", r, want);
}

START_TEST(test_report_screen)
{
	struct report_period month;
	char *dir = prepare(&month);
	vt *t = screen_start(dir, _i, true, "dudao", NULL);
	bool utf8 = _i == 0;
	char ym[16], before[16], chart[128], line[64];
	report_period_format(&month, ym);
	struct report_period prev = month;
	report_period_step(&prev, -1);
	report_period_format(&prev, before);

	expect(t, "统计报表");   /* the menu's entry */
	keys(t, "7");
	expect(t, "分村数据");
	expect(t, ym);
	/* the villages of the county as columns, the total at the right */
	char *head = row_with(t, "安宁村");
	ck_assert_ptr_nonnull(strstr(head, "挂榜村"));
	ck_assert_ptr_nonnull(strstr(head, "合计"));
	free(head);
	/* the figures: five services this month, two of them care */
	row_ends(t, "服务：全部服务", "5");
	row_ends(t, "服务：老幼关爱", "2");
	char *r = row_with(t, "服务：全部服务");
	ck_assert_msg(strstr(r, " 3 ") && strstr(r, " 2 "), "3 in 安宁村, 2 in 挂榜村: %s", r);
	free(r);
	/* the chart of the total: this month 5, the month before 5, three
	 * months before 1; bars of blocks, or # on a GB18030 terminal */
	snprintf(chart, sizeof chart, "近6个月每月服务次数：合计");
	expect(t, chart);
	bar_ends(t, ym, "5");
	r = bar_row(t, before);
	ck_assert_ptr_nonnull(strstr(r, utf8 ? "█" : "#"));
	ck_assert_ptr_null(strstr(r, utf8 ? "#" : "█"));
	free(r);

	/* choose 安宁村 (the first column): its trend, 3 now and 5 before */
	keys(t, KEY_LEFT);
	for (int i = 0; i < 8; i++)
		keys(t, KEY_CTRL_B);
	expect(t, "近6个月每月服务次数：安宁村");
	bar_ends(t, before, "5");
	bar_ends(t, ym, "3");

	/* F7: the month before, its figures: five services, all in 安宁村 */
	keys(t, "[");
	snprintf(line, sizeof line, "月份 %s", before);
	expect(t, line);
	row_ends(t, "服务：全部服务", "5");
	/* Ctrl-R: back to this month; F5: its quarter */
	keys(t, "]");
	snprintf(line, sizeof line, "月份 %s", ym);
	expect(t, line);
	keys(t, KEY_F5);
	snprintf(line, sizeof line, "季度 %04d-Q%d", month.year, (month.month - 1) / 3 + 1);
	expect(t, line);
	/* the month before is in the quarter unless this month begins it */
	row_ends(t, "服务：全部服务", (month.month - 1) % 3 ? "10" : "5");

	/* Esc: home again, F10 quits */
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	quit_f10(t, 1);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* The number at the end of the row holding text (0 when none). */
static long
row_number(vt *t, const char *text)
{
	char *r = row_with(t, text);
	char *end = r + strlen(r);
	while (end > r && end[-1] == ' ')
		*--end = '\0';
	const char *sp = strrchr(r, ' ');
	long n = sp ? strtol(sp + 1, NULL, 10) : 0;
	free(r);
	return n;
}

/* The demo as it is made, as the one trying it (a worker of 安宁村). */
START_TEST(test_demo_lives)
{
	char *dir = testdb_dir("reportscreen");
	screen_demo(dir);
	vt *t = screen_start(dir, _i, true, NULL, NULL);
	bool utf8 = _i == 0;
	static const char *const entries[] = {"居民", "需求登记", "六项服务", "志愿者与社会组织",
	                                      "资源", "转介"};
	expect(t, "统计报表");
	for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
		long n = row_number(t, entries[i]);
		ck_assert_msg(n > 0, "the home menu's %s counts %ld", entries[i], n);
	}
	keys(t, "7");
	expect(t, "分村数据");
	expect(t, "近6个月每月服务次数");
	ck_assert_int_gt(row_number(t, "服务：全部服务"), 0);
	struct report_period p;
	char today[16], ym[16];
	time_t now = time(NULL);
	struct tm tm;
	ck_assert_ptr_nonnull(localtime_r(&now, &tm));
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	ck_assert_int_eq(report_period_month_of(today, &p), 0);
	for (int m = 0; m < 6; m++) {
		report_period_format(&p, ym);
		char *r = bar_row(t, ym);
		ck_assert_msg(strstr(r, utf8 ? "█" : "#"), "no bar for %s: %s", ym, r);
		const char *sp = strrchr(r, ' ');
		ck_assert_msg(sp && atoi(sp + 1) > 0, "no services in %s: %s", ym, r);
		free(r);
		report_period_step(&p, -1);
	}
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	quit_f10(t, 1);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* Run the program with a shell command's arguments (paths of mktemp
 * directories, no quotes needed); exit status 0. */
static void
run(const char *fmt, const char *a, const char *b)
{
	char cmd[4608], args[4096];
	snprintf(args, sizeof args, fmt, a, b);
	snprintf(cmd, sizeof cmd, "LC_ALL=C.UTF-8 LANG=C.UTF-8 LANGUAGE= '%s' %s", screen_bin(), args);
	int rc = system(cmd);
	ck_assert_msg(rc == 0, "%s: %d", cmd, rc);
}

/* The cell of the row whose first cell is row under the header cell
 * beginning with col, in the tab-separated table of file. */
static char *
table_cell(const char *file, const char *row, const char *col)
{
	FILE *f = fopen(file, "r");
	ck_assert_ptr_nonnull(f);
	char line[8192], *res = NULL;
	int want = -1;
	for (int n = 0; fgets(line, sizeof line, f); n++) {
		line[strcspn(line, "\n")] = '\0';
		char *save = NULL;
		int i = 0;
		bool hit = false;
		for (char *c = strtok_r(line, "\t", &save); c; c = strtok_r(NULL, "\t", &save), i++) {
			if (n == 0 && strncmp(c, col, strlen(col)) == 0)
				want = i;
			if (n > 0 && i == 0)
				hit = strcmp(c, row) == 0;
			if (n > 0 && hit && i == want)
				res = strdup(c);
		}
	}
	fclose(f);
	ck_assert_msg(res, "no cell %s / %s in %s", row, col, file);
	return res;
}

/* The number-like words of a screen row after its label, in order. */
static size_t
row_words(const char *row, char words[][32], size_t max)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", row);
	size_t n = 0;
	char *save = NULL;
	for (char *w = strtok_r(buf, " ", &save); w && n < max; w = strtok_r(NULL, " ", &save))
		if ((w[0] >= '0' && w[0] <= '9') || strcmp(w, "—") == 0)
			snprintf(words[n++], 32, "%s", w);
	return n;
}

START_TEST(test_county_rollup)
{
	char *town = testdb_dir("reportscreen"), *county = testdb_dir("reportscreen");
	char fig[1024], out[1024];
	screen_demo(town);
	snprintf(fig, sizeof fig, "%s/fig.sgx", town);
	snprintf(out, sizeof out, "%s/report.tsv", town);
	run("--db %s --demo --as panlian sync --figures-to %s >/dev/null", town, fig);
	run("--db %s init --county 510421 米易县 --township 510421101 丙谷镇 >/dev/null%s", county, "");
	run("--db %s unit add 510421100 攀莲镇 >/dev/null%s", county, "");
	run("--db %s sync --from-file %s >/dev/null", county, fig);
	/* what `shegong report` says of this month */
	struct report_period month;
	char ym[16], today[16];
	time_t now = time(NULL);
	struct tm tm;
	ck_assert_ptr_nonnull(localtime_r(&now, &tm));
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	ck_assert_int_eq(report_period_month_of(today, &month), 0);
	report_period_format(&month, ym);
	char args[1200];
	snprintf(args, sizeof args, "report --month %s >%s", ym, out);
	run("--db %s %s", county, args);
	char *sub = table_cell(out, "Services: All services", "攀莲镇 subtotal");
	char *subcare =
		table_cell(out, "Services: Care for the elderly and the young", "攀莲镇 subtotal");
	char *all = table_cell(out, "Services: All services", "Total of the figures received");
	char *subpeople = table_cell(out, "People served: Needs assessment", "攀莲镇 subtotal");
	snprintf(args, sizeof args, "report --month %s --by total >%s", ym, out);
	run("--db %s --demo --as panlian %s", town, args);
	char *ownpeople = table_cell(out, "People served: Needs assessment", "Total");
	ck_assert_msg(atoi(sub) > 0, "the demo's township served none this month: %s", sub);
	ck_assert_str_eq(all, sub);

	vt *t = screen_start(county, _i, false, NULL, NULL);
	expect(t, "统计报表");
	keys(t, "7");
	expect(t, "分村数据");
	/* the subtotal, marked with the day 攀莲镇 made it, its figures
	 * beside the county's own total (none of its own) */
	char mark[128];
	snprintf(mark, sizeof mark, "攀莲镇小计 (%s 报送数据)", today);
	expect(t, mark);
	char words[8][32];
	char *r = row_with(t, "服务：全部服务");
	ck_assert_msg(row_words(r, words, 8) == 2, "the subtotal and the total: %s", r);
	ck_assert_str_eq(words[0], sub);
	ck_assert_str_eq(words[1], "0");
	free(r);
	r = row_with(t, "服务：老幼关爱");
	ck_assert_msg(row_words(r, words, 8) == 2, "care: %s", r);
	ck_assert_str_eq(words[0], subcare);
	free(r);
	/* people served, carried too: the township's own report's */
	r = row_with(t, "服务人数：需求评估");
	ck_assert_msg(row_words(r, words, 8) == 2, "people served: %s", r);
	ck_assert_str_eq(words[0], subpeople);
	ck_assert_str_eq(words[0], ownpeople);
	free(r);
	/* the total chosen; Left: the total of the figures received, in
	 * view, the same; its chart: none */
	keys(t, KEY_LEFT);
	expect(t, "下级报送数据合计");
	expect(t, "没有逐月数字");
	r = row_with(t, "服务：全部服务");
	ck_assert_msg(row_words(r, words, 8) >= 2, "%s", r);
	ck_assert_str_eq(words[row_words(r, words, 8) - 2], all);
	free(r);
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	quit_f10(t, 1);
	vt_free(t);
	free(sub);
	free(subcare);
	free(subpeople);
	free(ownpeople);
	free(all);
	testdb_rm(town);
	testdb_rm(county);
}
END_TEST

static Suite *
reportscreen_suite(void)
{
	Suite *s = suite_create("reportscreen");
	TCase *tc = tcase_create("screen");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_report_screen, 0, 2);
	tcase_add_loop_test(tc, test_demo_lives, 0, 2);
	tcase_add_loop_test(tc, test_county_rollup, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(reportscreen_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
