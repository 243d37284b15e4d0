/* check-workflow.c: a village worker's day through the real program in a
 * pseudo-terminal, read through libvterm, on a UTF-8 and on a GB18030
 * terminal: register a resident whose name has a character outside the
 * BMP, take a need for them, find them again by pinyin initials and by ID
 * number, and get a form back after the link drops mid-form; a draft
 * taken back in one session never comes back from another, and an idle
 * form writes nothing. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "index.h"
#include "paths.h"
#include "testdb.h"
#include "valid.h"
#include "screen.h"

#define WAIT_MS 15000

static vt *
start(const char *dir, int term)
{
	return screen_start(dir, term, true, NULL, NULL);
}

/* --- the database as the program left it, read beside it ------------------- */

static store *
db_open(const char *dir)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	return st;
}

/* The number of the last transaction written, by any program. */
static uint64_t
db_txn(const char *dir)
{
	store *st = db_open(dir);
	uint64_t n = store_last_txn(st);
	store_close(st);
	return n;
}

/* The worker's draft (its bytes, malloc'd, NUL added), or NULL. */
static char *
db_draft(const char *dir, size_t *len)
{
	store *st = db_open(dir);
	char *login = paths_login();
	void *data;
	int err = store_draft_get(st, login, &data, len);
	free(login);
	store_close(st);
	if (err == STORE_NOTFOUND)
		return NULL;
	ck_assert_int_eq(err, STORE_OK);
	char *s = malloc(*len + 1);
	memcpy(s, data, *len);
	s[*len] = '\0';
	free(data);
	return s;
}

static bool
draft_has(const char *dir, const char *text)
{
	size_t len;
	char *d = db_draft(dir, &len);
	bool has = d && memmem(d, len, text, strlen(text)) != NULL;
	free(d);
	return has;
}

/* Wait (up to ms) for the program to keep a draft holding text. */
static void
wait_draft(vt *t, const char *dir, const char *text, int ms)
{
	for (int waited = 0; !draft_has(dir, text); waited += 250) {
		if (waited >= ms) {
			vt_dump(t);
			ck_abort_msg("no draft with \"%s\" after %d ms", text, ms);
		}
		vt_pump(t, 250);
	}
}

struct named {
	const char *name;
	size_t n;
};

static int
named_one(const rec_id *id, const char *value, void *ctx)
{
	(void)id;
	struct named *nm = ctx;
	if (strcmp(value, nm->name) != 0)
		return 1;
	nm->n++;
	return 0;
}

static int
named_txn(store_txn *t, void *ctx)
{
	int rc = store_find(t, IDX_NAME, REC_RESIDENT, ((struct named *)ctx)->name, named_one, ctx);
	return rc == 1 ? 0 : rc;
}

/* How many residents have exactly this name. */
static size_t
residents_named(const char *dir, const char *name)
{
	store *st = db_open(dir);
	struct named nm = {name, 0};
	ck_assert_int_eq(store_read(st, named_txn, &nm), STORE_OK);
	store_close(st);
	return nm.n;
}

/* A new resident form with a name typed and half an ID number still in
 * its box, kept as a draft. */
static vt *
half_typed(const char *dir, int term, const char *name, const char *idpart)
{
	vt *t = start(dir, term);
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, name);
	keys(t, KEY_TAB);
	type(t, idpart);
	wait_draft(t, dir, idpart, 15000);
	return t;
}

/* The name on the list's first row (row 3), once the list shows one:
 * malloc'd. */
static char *
first_listed(vt *t)
{
	for (int waited = 0;; waited += 50) {
		const char *row = vt_row(t, 3);
		while (row && *row == ' ')
			row++;
		if (row && *row) {
			size_t n = strcspn(row, " ");
			const char *wide = strstr(row, "\xe3\x80\x80");   /* a wide space */
			if (wide && (size_t)(wide - row) < n)
				n = (size_t)(wide - row);
			char *name = strndup(row, n);
			ck_assert_ptr_nonnull(name);
			return name;
		}
		if (waited > WAIT_MS) {
			vt_dump(t);
			ck_abort_msg("the list shows no record");
		}
		vt_pump(t, 50);
	}
}

START_TEST(test_register_need_find)
{
	char *dir = testdb_dir("flow");
	vt *t = start(dir, _i);
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	/* the first resident of the whole list, which "wm" below leaves out */
	char *first = first_listed(t);

	/* a new resident, with 𠈌 (U+2020C) in the name */
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, "王𠈌明");
	keys(t, KEY_TAB);
	type(t, "11010519491231002x");
	keys(t, KEY_F2);
	expect(t, "已登记");
	expect(t, "王𠈌明");
	expect(t, "11010519491231002X");   /* x made X */
	expect(t, "76");                   /* the age, worked out from the ID number */

	/* a need for them, the resident filled in */
	keys(t, KEY_F7);
	expect(t, "新建");
	expect(t, "需求");
	/* the cursor starts on the first field still empty, their phone
	 * (they gave none); then categories, date, channel (the village,
	 * the worker's own, passed over) */
	for (int i = 0; i < 3; i++)
		keys(t, KEY_TAB);
	type(t, "1");                      /* the first channel: a home visit */
	expect(t, "入户走访");
	keys(t, KEY_TAB);
	type(t, "3");                      /* the third service */
	expect(t, "老幼关爱");
	keys(t, KEY_TAB);
	type(t, "独居，需要每周探访");
	keys(t, KEY_F2);
	expect(t, "已登记");
	expect(t, "王𠈌明");               /* the resident, shown by name */

	/* back to the list: find by pinyin initials (𠈌 has none: 王明 -> wm) */
	keys(t, KEY_ESC);
	keys(t, KEY_ESC);
	expect(t, "查找");
	type(t, "wm");
	expect(t, "王𠈌明");
	ck_assert_msg(!strstr(vt_screen(t), first), "\"wm\" still lists %s", first);
	/* an empty search lists everyone again, from the first */
	keys(t, KEY_CTRL_U);
	expect(t, first);
	free(first);
	/* and by the start of the ID number */
	type(t, "1101051949");
	expect(t, "王𠈌明");
	type(t, "9");                      /* no such ID: nothing */
	expect(t, "没有找到");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* Typing into a field sends little more than the characters: the cursor
 * stays shown and the text is plain (the loop hid the cursor and the form
 * showed it again, and every character came wrapped in an underline
 * switched on and off: 36 bytes a character, 12 times the characters).
 * The cursor still follows the field, and hides on one that is chosen. */
START_TEST(test_typing_bytes)
{
	static const char *name[] = {"司", "马", "诸", "葛", "欧", "阳", "上", "官", "建", "国"};
	char *dir = testdb_dir("typing");
	vt *t = start(dir, _i);
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	vt_pump(t, 300);
	size_t before = vt_bytes_received(t);
	for (size_t i = 0; i < sizeof name / sizeof *name; i++)
		type(t, name[i]);
	expect(t, "司马诸葛欧阳上官建国");
	size_t sent = vt_bytes_received(t) - before;
	size_t chars = _i == 0 ? 30 : 20;   /* UTF-8 3 bytes a character, GB18030 2 */
	ck_assert_msg(sent <= 2 * chars, "%zu bytes sent for %zu bytes of characters", sent, chars);
	int row, col;
	vt_cursor(t, &row, &col);
	ck_assert(vt_cursor_visible(t));
	ck_assert_int_eq(row, 2);
	ck_assert_int_eq(col, 21 + 20);
	/* the next field: the cursor goes with it */
	keys(t, KEY_TAB);
	vt_cursor(t, &row, &col);
	ck_assert(vt_cursor_visible(t));
	ck_assert_int_eq(row, 3);
	ck_assert_int_eq(col, 21);
	/* a field whose value is chosen from a list: no cursor; then back */
	keys(t, KEY_TAB);                  /* sex: chosen from a list */
	ck_assert(!vt_cursor_visible(t));
	keys(t, KEY_TAB);                  /* the date of birth: typed again */
	vt_cursor(t, &row, &col);
	ck_assert(vt_cursor_visible(t));
	ck_assert_int_eq(row, 5);
	ck_assert_int_eq(col, 21);
	keys(t, KEY_ESC);
	keys(t, "y");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

START_TEST(test_draft_after_hangup)
{
	char *dir = testdb_dir("flow");
	vt *t = start(dir, _i);
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, "李𡃁花");
	keys(t, KEY_TAB);
	type(t, "5104211980");             /* half an ID number, still in the box */
	vt_pump(t, 300);
	vt_hangup(t);                      /* the SSH link drops */
	int status;
	ck_assert_msg(vt_wait_exit(t, WAIT_MS, &status), "no exit after the hang-up");
	vt_free(t);

	t = start(dir, _i);
	expect(t, "要恢复吗");
	expect(t, "李𡃁花");
	type(t, "y");
	expect(t, "草稿已恢复");
	expect(t, "李𡃁花");
	expect(t, "5104211980");
	/* mend the ID number and save: the draft is gone after */
	type(t, "01010017");
	keys(t, KEY_F2);
	if (!vt_wait_text(t, "已登记", WAIT_MS)) {
		vt_dump(t);
		ck_abort_msg("the restored form was not saved");
	}
	quit_f10(t, 4);
	vt_free(t);

	t = start(dir, _i);
	expect(t, "居民");
	/* the home menu takes the key: no question came up in front of it */
	type(t, "1");
	expect(t, "查找");
	ck_assert_msg(strstr(vt_screen(t), "要恢复吗") == NULL, "the draft came back after saving");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* The link freezes (the program stopped, as behind an ssh client that
 * was stopped: sshd never notices); the worker logs in again, takes the
 * draft back and saves it.  The frozen session then runs again, with the
 * keys typed into it meanwhile, and dies: it writes nothing, no draft is
 * offered again, and the resident is registered once. */
START_TEST(test_frozen_session_draft)
{
	static const char *const names[] = {"周𠀀梅", "吴𡃁兰"};
	const char *name = names[_i];
	char *dir = testdb_dir("frozen");
	vt *a = half_typed(dir, _i, name, "5104211980");
	ck_assert_int_eq(vt_kill(a, SIGSTOP), 0);
	/* keys typed at the frozen terminal wait in it */
	ck_assert_int_eq(vt_type(a, "0101"), 0);

	vt *b = start(dir, _i);
	expect(b, "要恢复吗");
	expect(b, name);
	type(b, "y");
	expect(b, "草稿已恢复");
	expect(b, "5104211980");
	keys(b, KEY_CTRL_U);               /* the ID number whole */
	type(b, "510421198001010017");
	keys(b, KEY_F2);
	expect(b, "已登记");
	quit_f10(b, 4);
	vt_free(b);
	ck_assert_uint_eq(residents_named(dir, name), 1);
	size_t len;
	char *d = db_draft(dir, &len);
	ck_assert_msg(d == NULL, "a draft is left after saving: %.*s", (int)len, d);
	uint64_t txn = db_txn(dir);

	/* the frozen session runs again: its form has changed (the keys that
	 * waited), past the time between drafts */
	ck_assert_int_eq(vt_kill(a, SIGCONT), 0);
	expect(a, "51042119800101");
	vt_pump(a, 6500);
	d = db_draft(dir, &len);
	ck_assert_msg(d == NULL, "the old session brought the draft back: %.*s", (int)len, d);
	ck_assert_msg(db_txn(dir) == txn, "the old session wrote to the database (transaction %llu, "
	              "then %llu)", (unsigned long long)txn, (unsigned long long)db_txn(dir));
	keys(a, KEY_END);                  /* a key: the screen shows why */
	expect(a, "另一个会话");
	/* and dies: the hang-up writes nothing either */
	vt_hangup(a);
	int status;
	ck_assert_msg(vt_wait_exit(a, WAIT_MS, &status), "no exit after the hang-up");
	vt_free(a);
	d = db_draft(dir, &len);
	ck_assert_msg(d == NULL, "the old session's hang-up brought the draft back: %.*s", (int)len, d);
	ck_assert_msg(db_txn(dir) == txn, "the old session's hang-up wrote to the database");

	vt *c = start(dir, _i);
	expect(c, "居民");
	vt_pump(c, 1000);
	ck_assert_msg(strstr(vt_screen(c), "要恢复吗") == NULL, "the saved draft was offered again");
	quit_f10(c, 1);
	vt_free(c);
	ck_assert_uint_eq(residents_named(dir, name), 1);
	testdb_rm(dir);
}
END_TEST

/* A form left alone with half an ID number in its box writes its draft
 * once, then nothing: not every few seconds, not at the hang-up. */
START_TEST(test_idle_form_writes_nothing)
{
	char *dir = testdb_dir("idle");
	vt *t = half_typed(dir, _i, "郑𠀀", "5104211980");
	uint64_t txn = db_txn(dir);
	size_t len0, len1;
	char *before = db_draft(dir, &len0);
	vt_pump(t, 12000);                 /* more than twice the time between drafts */
	ck_assert_msg(db_txn(dir) == txn, "an idle form wrote %llu transactions in 12 s",
	              (unsigned long long)(db_txn(dir) - txn));
	vt_hangup(t);
	int status;
	ck_assert_msg(vt_wait_exit(t, WAIT_MS, &status), "no exit after the hang-up");
	vt_free(t);
	ck_assert_msg(db_txn(dir) == txn, "the hang-up wrote an unchanged draft again");
	char *after = db_draft(dir, &len1);
	ck_assert(before && after && len0 == len1 && memcmp(before, after, len0) == 0);
	free(before);
	free(after);

	/* and it is there to take back */
	t = start(dir, _i);
	expect(t, "要恢复吗");
	expect(t, "郑𠀀");
	type(t, "y");
	expect(t, "5104211980");
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* At the question, Esc and F10 leave the draft for later: nothing is
 * thrown away, and it is offered at the next start.  n throws it away
 * only once the worker says so again. */
START_TEST(test_draft_later)
{
	char *dir = testdb_dir("later");
	vt *t = half_typed(dir, _i, "冯𠀀", "5104211980");
	vt_hangup(t);
	int status;
	ck_assert_msg(vt_wait_exit(t, WAIT_MS, &status), "no exit after the hang-up");
	vt_free(t);
	static const char *const later[] = {KEY_ESC, KEY_F10};
	for (int k = 0; k < 2; k++) {
		t = start(dir, _i);
		expect(t, "要恢复吗");
		expect(t, "Esc = 以后再说");
		keys(t, later[k]);
		expect(t, "草稿留着");
		ck_assert(draft_has(dir, "5104211980"));
		quit_f10(t, 1);
		vt_free(t);
	}
	/* n, then no: still kept */
	t = start(dir, _i);
	expect(t, "要恢复吗");
	type(t, "n");
	expect(t, "丢弃这份草稿吗");
	type(t, "n");
	expect(t, "草稿留着");
	ck_assert(draft_has(dir, "5104211980"));
	quit_f10(t, 1);
	vt_free(t);
	/* n, then yes: gone */
	t = start(dir, _i);
	expect(t, "要恢复吗");
	expect(t, "冯𠀀");
	type(t, "n");
	expect(t, "丢弃这份草稿吗");
	type(t, "y");
	expect(t, "草稿已丢弃");
	size_t len;
	char *d = db_draft(dir, &len);
	ck_assert_msg(d == NULL, "the draft thrown away is still there");
	quit_f10(t, 1);
	vt_free(t);
	t = start(dir, _i);
	expect(t, "居民");
	vt_pump(t, 500);
	ck_assert_msg(strstr(vt_screen(t), "要恢复吗") == NULL, "the draft thrown away came back");
	quit_f10(t, 1);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* On the "window too small" screen, F10 and Esc do not close a form
 * with typing in it unasked: the question shows there, and answered no,
 * the form is back whole when the window is large again. */
START_TEST(test_small_window_keeps_form)
{
	char *dir = testdb_dir("small");
	vt *t = start(dir, _i);
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, "褚𠀀");
	ck_assert_int_eq(vt_resize(t, 20, 60), 0);
	expect(t, "窗口太小");
	static const char *const back[] = {KEY_F10, KEY_ESC};
	for (int k = 0; k < 2; k++) {
		keys(t, back[k]);
		expect(t, "不保存就离开吗");
		expect(t, "窗口太小");
		if (k == 0)
			keys(t, KEY_ESC);      /* Esc at the question: no */
		else
			type(t, "n");
		if (!vt_wait_gone(t, "不保存就离开吗", WAIT_MS)) {
			vt_dump(t);
			ck_abort_msg("the question stayed after the answer");
		}
		expect(t, "窗口太小");
	}
	ck_assert_int_eq(vt_resize(t, 24, 80), 0);
	expect(t, "新建");
	expect(t, "褚𠀀");
	/* at full size the form leaves as ever, when the worker says so */
	keys(t, KEY_F10);
	expect(t, "不保存就离开吗");
	type(t, "y");
	expect(t, "查找");
	/* the home screen, too small: F10 asks there too, and n stays */
	keys(t, KEY_F10);
	expect(t, "主菜单");
	ck_assert_int_eq(vt_resize(t, 20, 60), 0);
	expect(t, "窗口太小");
	keys(t, KEY_F10);
	expect(t, SCREEN_LEAVE_Q);
	type(t, "n");
	if (!vt_wait_gone(t, SCREEN_LEAVE_Q, WAIT_MS)) {
		vt_dump(t);
		ck_abort_msg("the question stayed after n");
	}
	int status;
	ck_assert_msg(!vt_wait_exit(t, 300, &status), "F10 on the small home screen quit unasked");
	ck_assert_int_eq(vt_resize(t, 24, 80), 0);
	expect(t, "主菜单");
	quit_f10(t, 1);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* A service recorded from a resident's case file shows in that file. */
START_TEST(test_service_in_case_file)
{
	char *dir = testdb_dir("flow");
	vt *t = start(dir, _i);
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	type(t, "1101051949");           /* nobody: register one to be sure who it is */
	expect(t, "没有找到");
	keys(t, KEY_CTRL_U);
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, "赵𠀀");                  /* 𠀀 U+20000 */
	keys(t, KEY_TAB);
	type(t, "11010519491231002X");
	keys(t, KEY_F2);
	expect(t, "已登记");

	keys(t, KEY_F9);                 /* the case file */
	expect(t, "F7");
	keys(t, KEY_F3);                 /* a service for this resident: which one? */
	expect(t, "1 ");
	type(t, "1");                    /* the first: needs assessment */
	expect(t, "赵𠀀");                /* the beneficiary is filled in */
	/* the cursor starts on the first field still empty: the needs it
	 * answers (they have none); one Tab to the kind of work */
	keys(t, KEY_TAB);
	type(t, "1");                    /* case work */
	keys(t, KEY_TAB);
	type(t, "入户评估，了解家庭情况");
	keys(t, KEY_F2);
	expect(t, "已登记");
	expect(t, "档案：");             /* saved, back to the case file by itself */
	expect(t, "入户评估");
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* Two workers edit the same record in two programs at once: the second
 * save is refused with a message, and what the second typed stays on the
 * screen to redo; nothing is silently overwritten. */
START_TEST(test_two_workers_same_record)
{
	char *dir = testdb_dir("flow");
	vt *a = start(dir, _i);
	expect(a, "居民");
	vt *b = start(dir, _i);
	expect(b, "居民");
	vt *both[2] = {a, b};
	const char *mark[2] = {"甲", "乙"};
	for (int k = 0; k < 2; k++) {
		type(both[k], "1");
		expect(both[k], "查找");
		keys(both[k], "\r");          /* the first resident */
		expect(both[k], "F4");
		keys(both[k], "\033OS");      /* F4: edit; the cursor is in the name */
		expect(both[k], "F2");
		keys(both[k], "\033OF");      /* End: to the end of the name */
		type(both[k], mark[k]);
	}
	keys(a, KEY_F2);
	expect(a, "已保存");
	keys(b, KEY_F2);
	expect(b, "别人已保存过它");
	/* B's typing is still there to redo */
	ck_assert_msg(strstr(vt_screen(b), "乙") != NULL, "the second worker's input was lost");
	/* still in the editor (F2 Save on the bar), not back in the view */
	ck_assert_msg(strstr(vt_screen(b), "F2") != NULL, "the second save went through");
	/* and the first worker's change is what the database holds */
	keys(a, KEY_ESC);
	expect(a, "查找");
	ck_assert_msg(strstr(vt_screen(a), "甲") != NULL, "the first save is not in the list");
	ck_assert_msg(strstr(vt_screen(a), "乙") == NULL, "the refused save reached the list");
	vt_free(b);
	quit_f10(a, 4);
	vt_free(a);
	testdb_rm(dir);
}
END_TEST

/* Two workers register the same new person at once: the one who saves
 * second is told the ID number is registered already, for whom, and
 * keeps what they typed, still in the editor (the check is made in the
 * transaction that saves: kind_save; check-kind races two processes). */
START_TEST(test_two_workers_same_idnum)
{
	char first[18], id[19];
	snprintf(first, sizeof first, "51042119850505%03d", 7);
	snprintf(id, sizeof id, "%s%c", first, valid_id_checkchar(first));
	char *dir = testdb_dir("flow");
	vt *a = start(dir, _i);
	expect(a, "居民");
	vt *b = start(dir, _i);
	expect(b, "居民");
	vt *both[2] = {a, b};
	const char *name[2] = {"赵甲", "赵乙"};
	for (int k = 0; k < 2; k++) {
		type(both[k], "1");
		expect(both[k], "查找");
		keys(both[k], KEY_F3);
		expect(both[k], "新建");
		type(both[k], name[k]);
		keys(both[k], KEY_TAB);
		type(both[k], id);
		expect(both[k], id);
	}
	keys(a, KEY_F2);
	expect(a, "已登记");
	keys(b, KEY_F2);
	expect(b, "已经登记过了（赵甲");
	ck_assert_msg(strstr(vt_screen(b), "赵乙") != NULL, "the second worker's name was lost");
	ck_assert_msg(strstr(vt_screen(b), id) != NULL, "the second worker's ID number was lost");
	ck_assert_msg(strstr(vt_screen(b), "F2") != NULL, "the second save went through");
	/* the number mended, it saves */
	keys(b, KEY_CTRL_U);
	char other[19];
	snprintf(first, sizeof first, "51042119850505%03d", 8);
	snprintf(other, sizeof other, "%s%c", first, valid_id_checkchar(first));
	type(b, other);
	keys(b, KEY_F2);
	expect(b, "已登记");
	quit_f10(b, 4);
	vt_free(b);
	quit_f10(a, 4);
	vt_free(a);
	testdb_rm(dir);
}
END_TEST

/* The screens as a GBK terminal without REP (PuTTY before 0.71) shows
 * them: the harness's terminal aborts on a REP (vt.c), so walking the
 * home menu, a list, a record, a case file and a referral is the test
 * that none is sent; the title's place is whole at the right, and no
 * ideographic space stands in for blanks (one half overwritten showed
 * "  易县" for "米易县" until Ctrl-L). */
START_TEST(test_screens_without_rep)
{
	char *dir = testdb_dir("rep");
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "上次查看以来的新消息");
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	static const struct {
		const char *keys, *shows;
	} walk[] = {
		{"1", "查找"}, {KEY_ENTER, "F9"}, {KEY_F9, "档案"}, {KEY_ESC, "F9"},
		{KEY_ESC, "查找"}, {KEY_ESC, "主菜单"}, {"6", "转出的转介"}, {KEY_ENTER, "办理记录"},
		{KEY_ESC, "转出的转介"}, {KEY_ESC, "主菜单"}, {"2", "查找"}, {KEY_ESC, "主菜单"},
	};
	for (size_t i = 0; i < sizeof walk / sizeof walk[0]; i++) {
		keys(t, walk[i].keys);
		expect(t, walk[i].shows);
		vt_pump(t, 300);
		const char *top = vt_row(t, 0);
		size_t n = strlen(top), p = strlen("攀莲镇 安宁村");
		if (n < p || strcmp(top + n - p, "攀莲镇 安宁村") != 0 || strstr(vt_screen(t), "　")) {
			vt_dump(t);
			ck_abort_msg("step %zu: the place is not whole at the right of the title, or an "
			             "ideographic space stands for blanks", i);
		}
	}
	quit_f10(t, 1);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("workflow");
	TCase *tc = tcase_create("workflow");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_register_need_find, 0, 2);
	tcase_add_loop_test(tc, test_typing_bytes, 0, 2);
	tcase_add_loop_test(tc, test_draft_after_hangup, 0, 2);
	tcase_add_loop_test(tc, test_frozen_session_draft, 0, 2);
	tcase_add_loop_test(tc, test_idle_form_writes_nothing, 0, 2);
	tcase_add_loop_test(tc, test_draft_later, 0, 2);
	tcase_add_loop_test(tc, test_small_window_keeps_form, 0, 2);
	tcase_add_loop_test(tc, test_service_in_case_file, 0, 2);
	tcase_add_loop_test(tc, test_two_workers_same_record, 0, 2);
	tcase_add_loop_test(tc, test_two_workers_same_idnum, 0, 2);
	suite_add_tcase(s, tc);
	TCase *rep = tcase_create("rep");
	tcase_set_timeout(rep, 120);
	tcase_add_loop_test(rep, test_screens_without_rep, 0, 2);
	suite_add_tcase(s, rep);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
