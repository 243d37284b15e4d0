/* check-keys.c: the key table keeps its promises (one meaning a key, one
 * key an action, every scope inside KS_ALL), and the keys that real
 * terminals send reach the program as those keys: each terminal's
 * sequences fed through a pseudo-terminal, on a UTF-8 and a GB18030
 * terminal, to the help screen (which names the key it read), a list, a
 * form, a tick list and a picker (where none may leave the screen or type
 * junk); Esc then a digit at a person's pace (500 ms) is the F-key. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "keys.h"
#include "testdb.h"
#include "screen.h"

/* What terminals send, as each names it.  TERM is xterm-256color for all
 * of them here: the point is that terminfo's word is not the terminal's. */
static const struct term_seq {
	const char *terminal;
	const char *name;   /* as the help screen names it (zh_CN) */
	const char *bytes;
} seqs[] = {
	/* PuTTY's defaults (TERM=xterm, function keys "ESC[n~") */
	{"PuTTY", "Home", "\033[1~"},
	{"PuTTY", "End", "\033[4~"},
	{"PuTTY", "Insert", "\033[2~"},
	{"PuTTY", "Delete", "\033[3~"},
	{"PuTTY", "PgUp", "\033[5~"},
	{"PuTTY", "PgDn", "\033[6~"},
	{"PuTTY", "上键", "\033[A"},
	{"PuTTY", "下键", "\033[B"},
	{"PuTTY", "右键", "\033[C"},
	{"PuTTY", "左键", "\033[D"},
	{"PuTTY", "F1", "\033[11~"},
	{"PuTTY", "F2", "\033[12~"},
	{"PuTTY", "F3", "\033[13~"},
	{"PuTTY", "F4", "\033[14~"},
	{"PuTTY", "F5", "\033[15~"},
	{"PuTTY", "F6", "\033[17~"},
	{"PuTTY", "F7", "\033[18~"},
	{"PuTTY", "F8", "\033[19~"},
	{"PuTTY", "F9", "\033[20~"},
	{"PuTTY", "F10", "\033[21~"},
	{"PuTTY", "F11", "\033[23~"},
	{"PuTTY", "F12", "\033[24~"},
	/* PuTTY's "Linux" function keys, the Linux console's too */
	{"PuTTY Linux, Linux console", "F1", "\033[[A"},
	{"PuTTY Linux, Linux console", "F2", "\033[[B"},
	{"PuTTY Linux, Linux console", "F3", "\033[[C"},
	{"PuTTY Linux, Linux console", "F4", "\033[[D"},
	{"PuTTY Linux, Linux console", "F5", "\033[[E"},
	/* PuTTY's "VT100+" function keys */
	{"PuTTY VT100+", "F5", "\033OT"},
	{"PuTTY VT100+", "F6", "\033OU"},
	{"PuTTY VT100+", "F7", "\033OV"},
	{"PuTTY VT100+", "F8", "\033OW"},
	{"PuTTY VT100+", "F9", "\033OX"},
	{"PuTTY VT100+", "F10", "\033OY"},
	{"PuTTY VT100+", "F11", "\033OZ"},
	{"PuTTY VT100+", "F12", "\033O["},
	/* xterm (also Xshell, SecureCRT in xterm mode): SS3 F1-F4, both
	 * cursor modes, Home/End CSI and SS3 */
	{"xterm, Xshell, SecureCRT, tmux", "F1", "\033OP"},
	{"xterm, Xshell, SecureCRT, tmux", "F2", "\033OQ"},
	{"xterm, Xshell, SecureCRT, tmux", "F3", "\033OR"},
	{"xterm, Xshell, SecureCRT, tmux", "F4", "\033OS"},
	{"xterm application cursor", "上键", "\033OA"},
	{"xterm application cursor", "下键", "\033OB"},
	{"xterm application cursor", "右键", "\033OC"},
	{"xterm application cursor", "左键", "\033OD"},
	{"xterm", "Home", "\033[H"},
	{"xterm", "End", "\033[F"},
	{"xterm application cursor", "Home", "\033OH"},
	{"xterm application cursor", "End", "\033OF"},
	/* Xshell and SecureCRT (VT220 keys), the Linux console, tmux and
	 * screen: Home ESC[1~, End ESC[4~, as PuTTY above */
	{"rxvt", "Home", "\033[7~"},
	{"rxvt", "End", "\033[8~"},
};
#define NSEQ (sizeof seqs / sizeof seqs[0])

static void
sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void
send(vt *t, const char *bytes)
{
	ck_assert_int_eq(vt_send_raw(t, bytes, strlen(bytes)), 0);
	vt_pump(t, 60);
}

static bool
is_f(const struct term_seq *q, const char *f)
{
	return strcmp(q->name, f) == 0;
}

/* --- the table ------------------------------------------------------------ */

START_TEST(test_table)
{
	char why[200];
	keys_check(why, sizeof why);
	ck_assert_msg(why[0] == '\0', "%s", why);
	ck_assert_uint_eq(KS_ALL, (1u << KSB_COUNT) - 1);
	for (const struct key_binding *b = keys_table(); b->action != ACT_NONE; b++)
		ck_assert_msg(b->scope && (b->scope & ~(unsigned)KS_ALL) == 0,
		              "binding %td outside the scopes", b - keys_table());
	/* the program knows every sequence of the tests' table */
	for (size_t i = 0; i < NSEQ; i++)
		ck_assert_msg(keys_sequence_key(seqs[i].bytes + 1) != 0, "%s's %s unknown",
		              seqs[i].terminal, seqs[i].name);
	/* Esc and the top row of the keyboard */
	ck_assert_int_eq(keys_esc_fkey(L'1'), 1);
	ck_assert_int_eq(keys_esc_fkey(L'0'), 10);
	ck_assert_int_eq(keys_esc_fkey(L'-'), 11);
	ck_assert_int_eq(keys_esc_fkey(L'='), 12);
	ck_assert_int_eq(keys_esc_fkey(L'a'), 0);
}
END_TEST

/* The issue's own example: save and returning a referral share no key;
 * save and a notice settled share F2 and one meaning. */
START_TEST(test_save_apart_from_giving_back)
{
	const struct key_binding *t = keys_table();
	const struct key_binding *save = NULL, *settle = NULL, *withdraw = NULL;
	for (const struct key_binding *b = t; b->action != ACT_NONE; b++) {
		if (b->action == ACT_SAVE)
			save = b;
		if (b->action == ACT_SETTLE)
			settle = b;
		if (b->action == ACT_REF_WITHDRAW)
			withdraw = b;
	}
	ck_assert_ptr_nonnull(save);
	ck_assert_ptr_nonnull(settle);
	ck_assert_ptr_nonnull(withdraw);
	/* save and settled share F2 and one meaning; save and withdraw
	 * share no key */
	ck_assert_int_eq(save->fkey, settle->fkey);
	ck_assert_str_eq(save->meaning, settle->meaning);
	ck_assert_int_ne(save->fkey, withdraw->fkey);
	ck_assert_int_ne(save->ctrl, withdraw->ctrl);
}
END_TEST

/* --- through the terminal -------------------------------------------------- */

static vt *
start(const char *dir, int term)
{
	vt *t = screen_start(dir, term, true, NULL, NULL);
	expect(t, "主菜单");
	return t;
}

/* Something else first, so that the same name twice is seen twice. */
static void
reset_read(vt *t)
{
	send(t, "x");
	expect(t, "看程序读到的是什么：x");
}

START_TEST(test_help_names_each_key)
{
	char *dir = testdb_dir("keys");
	vt *t = start(dir, _i);
	const char *f10[] = {"\033[21~", "\033OY"};
	size_t nf10 = 0;
	/* F1 from any terminal opens help; F10 from any closes it */
	for (size_t i = 0; i < NSEQ; i++) {
		if (!is_f(&seqs[i], "F1"))
			continue;
		send(t, seqs[i].bytes);
		expect(t, "帮助：按键");
		send(t, f10[nf10++ % 2]);
		ck_assert_msg(vt_wait_gone(t, "帮助：按键", 15000), "%s's F10 did not close help",
		              seqs[i].terminal);
	}
	keys(t, KEY_F1);
	expect(t, "帮助：按键");
	for (size_t i = 0; i < NSEQ; i++) {
		if (is_f(&seqs[i], "F1") || is_f(&seqs[i], "F10"))
			continue;
		char want[128];
		reset_read(t);
		send(t, seqs[i].bytes);
		snprintf(want, sizeof want, "看程序读到的是什么：%s", seqs[i].name);
		if (!vt_wait_text(t, want, 15000)) {
			vt_dump(t);
			ck_abort_msg("%s's %s was not read as %s", seqs[i].terminal, seqs[i].name,
			             seqs[i].name);
		}
	}
	keys(t, KEY_F1);
	ck_assert(vt_wait_gone(t, "帮助：按键", 15000));
	quit_f10(t, 3);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* A text box (the list's search, a form's field): "zqx" typed, the
 * cursor put where prep says (Ctrl-B: one left), the key, then W. */
static void
box_key(vt *t, const struct term_seq *q, const char *marker, bool home_end)
{
	struct {
		const char *name, *prep, *want;
	} effect[] = {
		/* Home and End edit a form's value; in a list they move the
		 * rows, and the search box keeps its text and its cursor */
		{"Home", "", home_end ? "Wzqx" : "zqxW"},
		{"End", "\002\002", home_end ? "zqxW" : "zWqx"},
		{"左键", "", "zqWx"},        {"右键", "\002\002", "zqWx"},
		{"Delete", "\002\002\002", "Wqx"}, {"Insert", "", "zqxW"},
	};
	keys(t, KEY_CTRL_U);
	type(t, "zqx");
	expect(t, "zqx");
	for (size_t k = 0; k < sizeof effect / sizeof effect[0]; k++) {
		if (strcmp(effect[k].name, q->name) != 0)
			continue;
		send(t, effect[k].prep);
		send(t, q->bytes);
		type(t, "W");
		if (!vt_wait_text(t, effect[k].want, 15000)) {
			vt_dump(t);
			ck_abort_msg("%s's %s: not %s", q->terminal, q->name, effect[k].want);
		}
		return;
	}
	/* up, down, a page: the screen stays, nothing typed */
	send(t, q->bytes);
	vt_pump(t, 100);
	if (!strstr(vt_screen(t), marker) || strstr(vt_screen(t), "不保存就离开吗")) {
		vt_dump(t);
		ck_abort_msg("%s's %s left the screen", q->terminal, q->name);
	}
}

static bool
is_nav(const struct term_seq *q)
{
	return q->name[0] != 'F';
}

static void
no_junk(vt *t, const char *where)
{
	/* what a sequence read as Esc and typing leaves in a box (a label
	 * cut with ~ is not it) */
	static const char *const junk[] = {"1~", "2~", "3~", "4~", "5~", "6~", "7~", "8~",
	                                   "[H", "[F", "[A", "[B", "[C", "[D", "OA", "OB",
	                                   "OC", "OD", "OH", "OF"};
	const char *s = vt_screen(t);
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
		if (strstr(s, junk[i])) {
			vt_dump(t);
			ck_abort_msg("junk typed in %s: %s", where, junk[i]);
		}
}

START_TEST(test_list_and_form)
{
	char *dir = testdb_dir("keys");
	vt *t = start(dir, _i);
	type(t, "1");
	expect(t, "查找");
	for (size_t i = 0; i < NSEQ; i++)
		if (is_nav(&seqs[i]))
			box_key(t, &seqs[i], "查找", false);
	keys(t, KEY_CTRL_U);
	no_junk(t, "the list");
	/* a form: its first field, the name */
	keys(t, KEY_F3);
	expect(t, "居民: 新建");
	for (size_t i = 0; i < NSEQ; i++) {
		if (!is_nav(&seqs[i]))
			continue;
		if (strstr(seqs[i].name, "键") && (strstr(seqs[i].name, "上") || strstr(seqs[i].name, "下")))
			continue;  /* up and down change fields: below */
		if (strcmp(seqs[i].name, "PgUp") == 0 || strcmp(seqs[i].name, "PgDn") == 0)
			continue;
		box_key(t, &seqs[i], "居民: 新建", true);
	}
	/* up, down and the pages move between fields; the form stays */
	for (size_t i = 0; i < NSEQ; i++)
		if (is_nav(&seqs[i]))
			send(t, seqs[i].bytes);
	vt_pump(t, 300);
	ck_assert_msg(strstr(vt_screen(t), "居民: 新建") != NULL, "a key left the form");
	ck_assert_msg(strstr(vt_screen(t), "不保存就离开吗") == NULL, "a key asked to leave");
	no_junk(t, "the form");
	quit_ssh(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

static int
count(const char *s, const char *what)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/* The form's fields down to the one labelled label (Tab at most 20
 * times), then F4: its list. */
/* The form's fields down to one whose list is a tick list (Tab at most
 * 20 times), then F4: that list. */
static void
open_tick_list(vt *t)
{
	for (int i = 0; i < 20; i++) {
		keys(t, KEY_F4);
		if (vt_wait_text(t, "按数字或字母勾选", 400))
			return;
		if (strstr(vt_screen(t), "Esc：返回"))
			keys(t, KEY_ESC);   /* another kind of list */
		keys(t, KEY_TAB);
	}
	vt_dump(t);
	ck_abort_msg("no tick list in the form");
}

START_TEST(test_tick_list_and_picker)
{
	char *dir = testdb_dir("keys");
	vt *t = start(dir, _i);
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "居民: 新建");
	type(t, "王小明");
	keys(t, KEY_TAB);
	keys(t, KEY_TAB);   /* the sex: a list to pick one from */
	keys(t, KEY_F4);
	expect(t, "按所选项前面的数字或字母");
	for (size_t i = 0; i < NSEQ; i++)
		if (is_nav(&seqs[i])) {
			send(t, seqs[i].bytes);
			if (!strstr(vt_screen(t), "按所选项前面的数字或字母")) {
				vt_dump(t);
				ck_abort_msg("%s's %s closed the picker", seqs[i].terminal, seqs[i].name);
			}
		}
	keys(t, KEY_ESC);
	ck_assert(vt_wait_gone(t, "按所选项前面的数字或字母", 15000));
	/* the categories: a tick list; no key ticks or unticks */
	open_tick_list(t);
	int ticked = count(vt_screen(t), "[x]");
	int boxes = count(vt_screen(t), "[ ]") + ticked;
	ck_assert_int_gt(boxes, 2);
	for (size_t i = 0; i < NSEQ; i++)
		if (is_nav(&seqs[i])) {
			send(t, seqs[i].bytes);
			const char *s = vt_screen(t);
			if (!strstr(s, "按数字或字母勾选") || count(s, "[x]") != ticked) {
				vt_dump(t);
				ck_abort_msg("%s's %s changed the tick list", seqs[i].terminal,
				             seqs[i].name);
			}
		}
	keys(t, KEY_ESC);
	quit_ssh(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* Esc, then the digit half a second later: the F-key. */
START_TEST(test_esc_digit_at_a_persons_pace)
{
	char *dir = testdb_dir("keys");
	vt *t = start(dir, _i);
	keys(t, KEY_ESC);   /* what is new, if anything */
	vt_pump(t, 1500);
	/* Esc 1 on the home menu is help, not menu entry 1 */
	send(t, KEY_ESC);
	sleep_ms(500);
	send(t, "1");
	expect(t, "帮助：按键");
	/* the home menu's keys fill more than a page at 80x24: its end says it */
	keys(t, KEY_END);
	expect(t, "Esc 1 = F1");
	keys(t, KEY_F1);
	ck_assert(vt_wait_gone(t, "帮助：按键", 15000));
	/* Esc 3 in a list: a new record; Esc 0 leaves it unchanged */
	type(t, "1");
	expect(t, "查找");
	ck_assert_msg(strstr(vt_screen(t), "Esc+数字=F键") != NULL, "the bar does not say Esc");
	send(t, KEY_ESC);
	sleep_ms(500);
	send(t, "3");
	expect(t, "居民: 新建");
	send(t, KEY_ESC);
	sleep_ms(500);
	send(t, "0");
	ck_assert(vt_wait_gone(t, "居民: 新建", 15000));
	expect(t, "查找");
	/* Esc alone, nothing after: back, then a digit by itself is the menu's */
	send(t, KEY_ESC);
	expect(t, "主菜单");
	sleep_ms(1200);
	send(t, "1");
	expect(t, "查找");
	/* Esc then a key that means nothing with it (no F7 in a list): both
	 * keys, Esc back and 7 the menu's seventh */
	send(t, KEY_ESC);
	sleep_ms(300);
	send(t, "7");
	expect(t, "统计报表");
	keys(t, KEY_F10);
	quit_f10(t, 3);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("keys");
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_save_apart_from_giving_back);
	tcase_add_loop_test(tc, test_help_names_each_key, 0, 2);
	tcase_add_loop_test(tc, test_list_and_form, 0, 2);
	tcase_add_loop_test(tc, test_tick_list_and_picker, 0, 2);
	tcase_add_loop_test(tc, test_esc_digit_at_a_persons_pace, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
