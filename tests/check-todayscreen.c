/* check-todayscreen.c: today's work (ui-today.c) through the real
 * program in a pseudo-terminal at 80x24, on a UTF-8 and a GB18030
 * terminal.  On the demo database, a resident of 安宁村 gets a need whose
 * follow-up was due three days ago and one due today, and 安宁村 refers
 * them to the 攀莲镇 station.  The village worker sees the count on the
 * home screen under the menu, opens the list with b, finds the needs under
 * 逾期 and 今天, and opens one with Enter; the resident, an elder living
 * alone never visited, is due a visit, which opens their case file.  The station's worker finds the
 * referral to accept, opens it with Enter, accepts it, and on coming back
 * the referral has left the list. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "refer.h"
#include "scope.h"
#include "screen.h"
#include "testdb.h"
#include "util.h"

#define WAIT_MS 15000
#define KEY_HOME "\033OH"   /* as xterm sends it in keypad mode */
#define NAME "钱𠀀福"   /* 𠀀 is U+20000: four bytes in GB18030 too */
#define LATE "腿脚不便需要陪同就医"
#define DUE "申请临时救助"

/* The day n days from today, as the program reckons it (local time). */
static void
day_from_today(int n, char out[16])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	int64_t d = date_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) + n;
	int y, m, dd;
	date_civil_from_days(d, &y, &m, &dd);
	snprintf(out, 16, "%04d-%02d-%02d", y, m, dd);
}

struct seed {
	const char *unit;
	char resident[REC_ID_TEXTMAX];
};

static int
seed_txn(store_txn *t, void *ctx)
{
	struct seed *s = ctx;
	record *r = record_new(REC_RESIDENT);
	record_set(r, "name", NAME);
	record_set(r, "sex", "m");
	record_set(r, "village", s->unit);
	record_set(r, "status", "active");
	record_set(r, "categories", "elder_alone");   /* visited monthly (forms/visits) */
	int err = store_put(t, r);
	rec_id_format(&r->id, s->resident);
	record_free(r);
	const char *desc[] = {LATE, DUE};
	for (int i = 0; i < 2 && !err; i++) {
		char date[16], followup[16];
		day_from_today(-20, date);
		day_from_today(i == 0 ? -3 : 0, followup);
		r = record_new(REC_NEED);
		record_set(r, "who", "resident");
		record_set(r, "resident", s->resident);
		record_set(r, "village", s->unit);
		record_set(r, "date", date);
		record_set(r, "channel", "visit");
		record_set(r, "service", "care");
		record_set(r, "description", desc[i]);
		record_set(r, "urgency", "normal");
		record_set(r, "status", "open");
		record_set(r, "followup", followup);
		err = store_put(t, r);
		record_free(r);
	}
	return err;
}

struct number {
	rec_id id;
	char text[64];
};

static int
number_txn(store_txn *t, void *ctx)
{
	struct number *n = ctx;
	record *r;
	int err = store_get(t, &n->id, &r);
	if (err)
		return err;
	snprintf(n->text, sizeof n->text, "%s", record_get(r, "number"));
	record_free(r);
	return 0;
}

/* The demo database in dir, with the needs and the referral; the
 * referral's number in number. */
static void
seed(const char *dir, char number[64])
{
	char cmd[4096];
	/* the program makes the demo on first use */
	snprintf(cmd, sizeof cmd, "'%s' --demo --db '%s' --as anning today >/dev/null 2>&1", screen_bin(),
	         dir);
	ck_assert_int_eq(system(cmd), 0);
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	audit_attach(st);
	store_set_user(st, "anning");
	struct scope *sc;
	ck_assert_int_eq(scope_load_now(st, "anning", &sc), STORE_OK);
	struct seed s = {sc->unit, ""};
	ck_assert_int_eq(store_write(st, seed_txn, &s), STORE_OK);
	scope_attach(st, sc);
	struct refer_new in = {.resident = s.resident, .category = "elderly", .urgency = "normal",
	                       .reason = "需要协调陪同就医", .done = "已上门探访",
	                       .consent = true,
	                       .contact = "13800000000"};
	struct number n;
	char why[256];
	ck_assert_int_eq(refer_create(st, sc, &in, true, &n.id, why, sizeof why), 0);
	ck_assert_int_eq(store_read(st, number_txn, &n), STORE_OK);
	snprintf(number, 64, "%s", n.text);
	scope_attach(st, NULL);
	scope_free(sc);
	store_close(st);
}

static int
row_with(vt *t, const char *text, int from)
{
	for (int y = from; y < 24; y++) {
		const char *r = vt_row(t, y);
		if (r && strstr(r, text))
			return y;
	}
	return -1;
}

/* The row of the chosen item (marked ">" in column 1), or -1. */
static int
chosen_row(vt *t)
{
	for (int y = 4; y < 21; y++) {
		const char *r = vt_row(t, y);
		if (r && r[0] == ' ' && r[1] == '>')
			return y;
	}
	return -1;
}

/* Choose the item whose row holds text: from the first item down, until
 * the chosen row holds it (the list scrolls). */
static void
choose(vt *t, const char *text)
{
	keys(t, KEY_HOME);
	for (int i = 0; i < 200; i++) {
		vt_pump(t, 50);
		int y = chosen_row(t);
		if (y >= 0 && strstr(vt_row(t, y), text))
			return;
		keys(t, KEY_DOWN);
	}
	vt_dump(t);
	ck_abort_msg("no item holds \"%s\"", text);
}

static void
quit(vt *t)
{
	for (int i = 0; i < 8; i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");
	quit_f10(t, 1);
}

START_TEST(test_village_followups)
{
	char *dir = testdb_dir("todayscr");
	char number[64];
	seed(dir, number);
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "主菜单");
	/* under the menu, the count and its key */
	expect(t, "b  今日待办");
	int y = row_with(t, "b  今日待办", 0);
	/* right under the menu's last entry ("   0  项目") */
	const char *above = vt_row(t, y - 1);
	ck_assert_msg(above && strncmp(above, "   ", 3) == 0 && above[3] >= '0' && above[3] <= '9',
	              "the count is not right under the menu: row %d, above it \"%s\"", y, above);
	ck_assert_ptr_nonnull(strstr(vt_row(t, y), "逾期 "));
	ck_assert_ptr_null(strstr(vt_row(t, y), "逾期 0）"));
	type(t, "b");
	expect(t, "回车打开记录");
	expect(t, "逾期");
	expect(t, "今天");
	expect(t, "回访 " NAME " 的需求：" LATE);
	expect(t, "回访 " NAME " 的需求：" DUE);
	/* overdue above today */
	ck_assert_int_lt(row_with(t, LATE, 3), row_with(t, DUE, 3));
	ck_assert_int_lt(row_with(t, "逾期", 3), row_with(t, LATE, 3));
	ck_assert_int_lt(row_with(t, "今天", 3), row_with(t, DUE, 3));
	/* the referral the village sent waits for the station, not for it */
	ck_assert_int_eq(row_with(t, number, 3), -1);
	/* Enter on the overdue need: its view */
	choose(t, LATE);
	keys(t, KEY_ENTER);
	if (!vt_wait_gone(t, "回车打开记录", WAIT_MS)) {
		vt_dump(t);
		ck_abort_msg("Enter did not open the need");
	}
	expect(t, LATE);
	expect(t, "F4");
	/* a need has no name: its title names it by its date, service and
	 * description, not by a colon and nothing */
	{
		char late_date[16];
		day_from_today(-20, late_date);
		char want[96];
		snprintf(want, sizeof want, " 需求: %s 老幼关爱 %s", late_date, LATE);
		const char *top = vt_row(t, 0);
		ck_assert_msg(top && strncmp(top, want, strlen(want)) == 0,
		              "the need's title is \"%s\", not \"%s...\"", top ? top : "", want);
	}
	keys(t, KEY_ESC);
	expect(t, "回车打开记录");
	/* never visited, an elder living alone: a visit due, Enter opens
	 * the person's case file */
	choose(t, "走访 " NAME "（独居老人，每月）");
	keys(t, KEY_ENTER);
	expect(t, "档案：" NAME);
	keys(t, KEY_ESC);
	expect(t, "回车打开记录");
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

START_TEST(test_station_accepts)
{
	char *dir = testdb_dir("todayscr");
	char number[64];
	seed(dir, number);
	vt *t = screen_start(dir, _i, true, "panlian", NULL);
	expect(t, "主菜单");
	expect(t, "b  今日待办");
	type(t, "b");
	expect(t, "回车打开记录");
	/* the slip number is long: its last part shows on the row */
	const char *tail = number + strlen(number) - 9;   /* "2026-0004" */
	char line[128];
	snprintf(line, sizeof line, "%s（%s）：待接收", tail, NAME);
	expect(t, line);
	choose(t, line);
	keys(t, KEY_ENTER);
	expect(t, "F11 受理");
	expect(t, NAME);
	keys(t, KEY_F11);
	expect(t, "受理安宁村的转介");
	type(t, "y");
	expect(t, "[已受理]");
	keys(t, KEY_ESC);
	expect(t, "回车打开记录");
	/* accepted: it has left the list */
	if (!vt_wait_gone(t, line, WAIT_MS)) {
		vt_dump(t);
		ck_abort_msg("the accepted referral stayed in the list");
	}
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("todayscreen");
	TCase *tc = tcase_create("todayscreen");
	tcase_set_timeout(tc, 180);
	tcase_add_loop_test(tc, test_village_followups, 0, 2);
	tcase_add_loop_test(tc, test_station_accepts, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
