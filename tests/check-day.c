/* check-day.c: a village worker's whole task, as PuTTY sends it: TERM=xterm,
 * F1-F4 as ESC [ 11~ .. 14~, Home and End as ESC [ 1~ and ESC [ 4~, and
 * for the keys a worker's PuTTY may not pass on (F5 and up) Esc then a
 * digit, on a UTF-8 and a GB18030 terminal at 80x24. The worker registers
 * a resident, mending the name with Home and End, takes their need,
 * refers it, prints the slip on the terminal's printer (media copy),
 * records a service from the case file, prints the case file to the files
 * folder; the township station takes the referral on and resolves it,
 * and the village reads the answer and closes it; the audit trail holds
 * the prints and the close. */
#include "config.h"

#include <check.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "screen.h"
#include "testdb.h"

/* PuTTY's default function keys (ESC [ n ~) and its Home and End. */
#define PUTTY_F2 "\033[12~"
#define PUTTY_F3 "\033[13~"
#define PUTTY_HOME "\033[1~"
#define PUTTY_END "\033[4~"
/* Esc then a digit: the F-key of that number, for a PuTTY that sends
 * no F5-F12 (keys() waits out the second after a lone Esc, so these go
 * as one write). */
#define ESC_F(d) "\033" d

#define NAME "王𠈌芳"
#define FEEDBACK "已安排每周探访𠈌"

/* The first row from row from on that holds text, or -1. */
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

/* Down from the first row holding first_text to the row holding text. */
static void
select_row(vt *t, const char *text, const char *first_text)
{
	expect(t, text);
	expect(t, first_text);
	int first = row_with(t, first_text, 0);
	int y = first < 0 ? -1 : row_with(t, text, first);
	if (y < 0) {
		vt_dump(t);
		ck_abort_msg("no row holds \"%s\"", text);
	}
	for (int i = first; i < y; i++)
		keys(t, KEY_DOWN);
}

/* The bytes between the last ESC [ 5 i and the ESC [ 4 i after it, in
 * UTF-8 (malloc'd), or NULL when there is no whole copy. */
static char *
media_copy(vt *t, int term)
{
	size_t len;
	const char *raw = vt_raw(t, &len), *start = NULL, *end = NULL;
	for (size_t i = 0; i + 4 <= len; i++)
		if (memcmp(raw + i, "\033[5i", 4) == 0)
			start = raw + i + 4;
	if (!start)
		return NULL;
	for (const char *p = start; p + 4 <= raw + len; p++)
		if (memcmp(p, "\033[4i", 4) == 0) {
			end = p;
			break;
		}
	if (!end)
		return NULL;
	size_t n = (size_t)(end - start), cap = n * 2 + 1, ol = cap;
	char *out = calloc(1, cap), *op = out, *ip = (char *)start;
	ck_assert_ptr_nonnull(out);
	iconv_t cd = iconv_open("UTF-8", term ? "GB18030" : "UTF-8");
	ck_assert(cd != (iconv_t)-1);
	ck_assert_msg(iconv(cd, &ip, &n, &op, &ol) != (size_t)-1,
	              "the media copy is not in the terminal's encoding");
	iconv_close(cd);
	return out;
}

/* The newest audit entry's action and note, for the record steps. */
struct last {
	char action[32];
	char note[512];
};

static int
last_cb(const struct audit_entry *e, void *ctx)
{
	struct last *l = ctx;
	snprintf(l->action, sizeof l->action, "%s", e->action);
	snprintf(l->note, sizeof l->note, "%s", e->note);
	return 0;
}

static void
audit_newest(const char *db, struct last *l)
{
	store *st;
	ck_assert_int_eq(store_open(&st, db, STORE_RDONLY), STORE_OK);
	l->action[0] = l->note[0] = '\0';
	ck_assert_int_eq(audit_each(st, NULL, last_cb, l), 0);
	store_close(st);
}

START_TEST(test_day_over_putty)
{
	char *dir = testdb_dir("day");
	char db[512];
	snprintf(db, sizeof db, "%s/db", dir);
	vt *t = screen_start(db, _i, true, "anning", "TERM=xterm");
	expect(t, "上次查看以来的新消息");
	keys(t, KEY_ESC);
	expect(t, "主菜单");

	/* a new resident; the name mended at its start with Home and its end
	 * with End: the form stays */
	type(t, "1");
	expect(t, "查找");
	keys(t, PUTTY_F3);
	expect(t, "新建");
	type(t, "𠈌芳");
	keys(t, PUTTY_HOME);
	type(t, "王");
	keys(t, PUTTY_END);
	expect(t, "新建");
	keys(t, KEY_TAB);
	type(t, "11010519491231002X");
	keys(t, ESC_F("2"));
	expect(t, "已登记");
	expect(t, NAME);

	/* their need, F7 as Esc 7 */
	keys(t, ESC_F("7"));
	expect(t, "需求");
	for (int i = 0; i < 3; i++)
		keys(t, KEY_TAB);
	type(t, "1");
	expect(t, "入户走访");
	keys(t, KEY_TAB);
	type(t, "3");
	keys(t, KEY_TAB);
	type(t, "独居，需要每周探访");
	keys(t, PUTTY_F2);
	expect(t, "已登记");
	expect(t, "F6 转介");

	/* referred up: Esc 6, the draft saved, Esc 6 again to send */
	keys(t, ESC_F("6"));
	expect(t, "转介: 新建");
	type(t, "1");
	keys(t, KEY_TAB);
	keys(t, KEY_TAB);
	type(t, "需要乡镇审核");
	keys(t, KEY_TAB);
	keys(t, KEY_TAB);
	type(t, "y");
	keys(t, ESC_F("2"));
	expect(t, "已存为草稿");
	keys(t, ESC_F("6"));
	expect(t, "提交转介");
	type(t, "y");
	expect(t, "已提交：答复期限为");

	/* the slip, Esc 9, printed on the PC's printer through PuTTY */
	keys(t, ESC_F("9"));
	expect(t, "沿此线剪开");
	type(t, "p");
	expect(t, "存为文本文件");
	type(t, "t");
	expect(t, "终端的打印机");
	type(t, "1");
	expect(t, "已发送到您终端的打印机");
	char *mc = media_copy(t, _i);
	ck_assert_msg(mc, "no media copy was sent");
	ck_assert_msg(strstr(mc, NAME), "the slip lacks the resident's name");
	ck_assert_msg(strstr(mc, "需要乡镇审核"), "the slip lacks the reason");
	ck_assert_msg(strstr(mc, "存根") && strstr(mc, "回执"), "the slip lacks stub or return");
	free(mc);
	struct last l;
	audit_newest(db, &l);
	ck_assert_str_eq(l.action, "print");
	ck_assert_msg(strncmp(l.note, "doc=slip way=terminal records=ref-", 34) == 0, "note %s",
	              l.note);

	/* back to the resident: a service from their case file */
	for (int i = 0; i < 8; i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");
	type(t, "1");
	expect(t, "查找");
	type(t, "1101051949");
	expect(t, NAME);
	keys(t, KEY_ENTER);
	expect(t, "11010519491231002X");
	keys(t, ESC_F("9"));
	expect(t, "档案：");
	keys(t, PUTTY_F3);
	expect(t, "1 ");
	type(t, "1");
	expect(t, NAME);
	keys(t, KEY_TAB);
	type(t, "1");
	keys(t, KEY_TAB);
	type(t, "入户评估，了解家庭情况");
	keys(t, ESC_F("2"));
	expect(t, "已登记");
	expect(t, "档案：");
	expect(t, "入户评估");

	/* the case file to the files folder, for the inspection */
	type(t, "p");
	expect(t, "存为文本文件");
	type(t, "2");
	expect(t, "files/anning/casefile-");
	audit_newest(db, &l);
	ck_assert_msg(strncmp(l.note, "doc=casefile way=file records=res-", 34) == 0, "note %s",
	              l.note);
	for (int i = 0; i < 8; i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");
	quit_f10(t, 1);
	vt_free(t);

	/* the township station takes it on (Esc -, F11) and resolves it
	 * (Esc =, F12), on the same kind of terminal */
	t = screen_start(db, _i, true, "panlian", "TERM=xterm");
	expect(t, "上次查看以来的新消息");
	select_row(t, NAME, "[新转入]");
	keys(t, KEY_ENTER);
	expect(t, "需要乡镇审核");
	keys(t, ESC_F("-"));
	expect(t, "受理安宁村");
	type(t, "y");
	expect(t, "[已受理]");
	keys(t, ESC_F("="));
	expect(t, "办结转介");
	type(t, "y");
	expect(t, "成功解决");
	type(t, "1");
	expect(t, "给村里的反馈");
	type(t, FEEDBACK);
	keys(t, KEY_ENTER);
	expect(t, "[已办结]");
	for (int i = 0; i < 8; i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");
	quit_f10(t, 1);
	vt_free(t);

	/* the village reads the answer and closes the referral (Esc =) */
	t = screen_start(db, _i, true, "anning", "TERM=xterm");
	expect(t, "上次查看以来的新消息");
	select_row(t, NAME, "[反馈]");
	keys(t, KEY_ENTER);
	expect(t, FEEDBACK);
	keys(t, ESC_F("="));
	expect(t, "结案转介 ZJ-");
	type(t, "y");
	expect(t, "[已结案]");
	audit_newest(db, &l);
	ck_assert_msg(strstr(l.action, "close") || strstr(l.note, "close"),
	              "the close is not the newest audit entry: %s %s", l.action, l.note);
	for (int i = 0; i < 8; i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");
	quit_f10(t, 1);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("day");
	TCase *tc = tcase_create("day");
	tcase_set_timeout(tc, 240);
	tcase_add_loop_test(tc, test_day_over_putty, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
