/* check-refscreen.c: the referral and audit screens through the real
 * program in a pseudo-terminal, on a UTF-8 and a GB18030 terminal, on the
 * demo database as its sample workers: a village worker refers a resident
 * from their case file and submits; the township worker sees it in what
 * is new and in the inbox, accepts it and resolves it with feedback; the
 * village worker sees the feedback in what is new, opens it and closes
 * it, and the history shows every step (the outcome in Chinese, no
 * English code).  Also: the sender has no
 * receiver's step, a step on a referral changed meanwhile is refused,
 * a supervisor reads the overdue list and the audit trail (filtered),
 * and a village worker is refused the audit trail.  Every step asks
 * first, naming the step, the referral and the other unit: n, Esc and
 * F10 leave the database as it was (its last transaction the same), y
 * takes it. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testdb.h"
#include "screen.h"

#define WAIT_MS 15000
#define KEY_HOME "\033OH"   /* as xterm sends it in keypad mode */

#define NAME "钱𠀀福"   /* 𠀀 is U+20000: four bytes in GB18030 too */
#define FEEDBACK "已链接居家照护服务，每周上门两次"

/* The demo database in dir (made on first use) as the worker login. */
static vt *
start(const char *dir, int term, const char *login)
{
	return screen_start(dir, term, true, login, NULL);
}

/* The first row (0-based) from row from on that holds text, or -1. */
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

/* Whether text is in rows from..to (the list, not the title or status). */
static bool
in_rows(vt *t, const char *text, int from, int to)
{
	int y = row_with(t, text, from);
	return y >= 0 && y <= to;
}

/* Move the selection of a list down to the row that holds text; the
 * list's first row is the first that holds first_text (on or after row
 * from), or row from when first_text is NULL.  Both are waited for. */
static void
select_row(vt *t, const char *text, const char *first_text, int from)
{
	expect(t, text);
	if (first_text)
		expect(t, first_text);
	int first = first_text ? row_with(t, first_text, from) : from;
	int y = first < 0 ? -1 : row_with(t, text, first);
	if (y < 0) {
		vt_dump(t);
		ck_abort_msg("no row holds \"%s\"", text);
	}
	for (int i = first; i < y; i++)
		keys(t, KEY_DOWN);
}

/* Back to the home screen (Esc leaves every screen but home), then quit. */
static void
quit(vt *t)
{
	for (int i = 0; i < 8; i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");
	quit_f10(t, 1);
}

/* The number of the last transaction written to the database in dir,
 * by any program: unchanged means nothing was written. */
static uint64_t
db_txn(const char *dir)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	uint64_t n = store_last_txn(st);
	store_close(st);
	return n;
}

/* A step's key: the question that names it shows and nothing is written;
 * each of the keys in no (n, Esc, F10) then leaves everything as it was,
 * the state shown still state; the key again and y takes the step.  The
 * question holds every string of names. */
static void
step_asks(vt *t, const char *dir, const char *key, const char *const *names, const char *state,
          const char *const *no)
{
	for (int k = 0; no[k]; k++) {
		uint64_t before = db_txn(dir);
		keys(t, key);
		for (int i = 0; names[i]; i++)
			expect(t, names[i]);
		vt_pump(t, 300);
		ck_assert_msg(db_txn(dir) == before, "the step was taken before the answer");
		keys(t, no[k]);
		if (!vt_wait_gone(t, names[0], WAIT_MS)) {
			vt_dump(t);
			ck_abort_msg("the question stayed after the answer");
		}
		expect(t, "没有做任何改动");
		expect(t, state);
		vt_pump(t, 300);
		ck_assert_msg(db_txn(dir) == before, "answered no, the step was taken anyway");
	}
	keys(t, key);
	expect(t, names[0]);
	type(t, "y");
}

static const char *const no_keys[] = {"n", KEY_ESC, KEY_F10, NULL};

/* What is new is marked seen to the second: wait until the clock has
 * passed the second it was marked in, so that a step taken next is
 * later than it whatever the machine's speed. */
static void
next_second(time_t marked)
{
	while (time(NULL) <= marked)
		usleep(20000);
}

START_TEST(test_round_trip)
{
	char *dir = testdb_dir("refscr");

	/* 1. anning (安宁村): the demo's feedback is new to her */
	vt *t = start(dir, _i, "anning");
	expect(t, "上次查看以来的新消息");
	expect(t, "反馈：1");
	time_t marked = time(NULL);
	keys(t, KEY_ESC);
	expect(t, "主菜单");

	/* a new resident, their case file, and a referral from it */
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, NAME);
	keys(t, KEY_TAB);
	type(t, "11010519491231002X");
	keys(t, KEY_F2);
	expect(t, "已登记");
	keys(t, KEY_F9);                 /* the case file */
	expect(t, "F6 转介");
	keys(t, KEY_F6);                 /* refer them */
	expect(t, "转介: 新建");
	expect(t, NAME);                 /* the resident is filled in */
	/* and the township above, as the receiver */
	ck_assert_msg(row_with(t, "接收单位", 0) >= 0 &&
	                  strstr(vt_row(t, row_with(t, "接收单位", 0)), "攀莲镇"),
	              "the receiver is not the township above");
	/* the cursor on the first field still empty, the needs */
	keys(t, KEY_TAB);                /* category */
	type(t, "5");                    /* the fifth: elderly */
	expect(t, "老年人");
	keys(t, KEY_TAB);                /* urgency */
	type(t, "3");                    /* urgent */
	expect(t, "紧急");
	keys(t, KEY_TAB);                /* the reason */
	type(t, "独居老人，行动不便，需要居家照护");
	keys(t, KEY_TAB);                /* what was done */
	keys(t, KEY_TAB);                /* consent */
	type(t, "y");
	keys(t, KEY_F2);
	expect(t, "已存为草稿");
	expect(t, "[草稿]");
	expect(t, "F6 提交");
	/* submit: asked first, naming the person and the station; no number
	 * before the first submission */
	step_asks(t, dir, KEY_F6, (const char *const[]){"提交转介", NAME, "还没有编号", "攀莲镇", NULL},
	          "[草稿]", no_keys);
	expect(t, "已提交：答复期限为");
	expect(t, "[已提交]");
	expect(t, "ZJ-510421100001-");   /* the number, given at the submit */
	expect(t, "F8 撤回");            /* the bar, drawn last: withdraw is open now */
	ck_assert_msg(strstr(vt_screen(t), "F6 提交") == NULL, "submit is still offered");
	quit(t);
	vt_free(t);
	next_second(marked);

	/* 2. panlian (攀莲镇): the new referral in what is new, then accepted
	 * and resolved from there */
	t = start(dir, _i, "panlian");
	expect(t, "上次查看以来的新消息");
	expect(t, NAME);
	select_row(t, NAME, "[新转入]", 0);
	keys(t, KEY_ENTER);
	expect(t, "[已提交]");
	expect(t, "独居老人，行动不便");
	expect(t, "F11 受理");
	ck_assert_msg(strstr(vt_screen(t), "F8 撤回") == NULL, "the receiver may withdraw");
	keys(t, KEY_F11);                 /* accept, after asking */
	expect(t, "受理安宁村");
	type(t, "y");
	expect(t, "已办理：受理");
	expect(t, "[已受理]");
	keys(t, KEY_F12);                 /* resolve: asked, then the outcome */
	expect(t, "办结转介");
	type(t, "y");
	expect(t, "成功解决");
	type(t, "1");
	expect(t, "给村里的反馈");
	type(t, FEEDBACK);
	keys(t, KEY_ENTER);
	expect(t, "已办理：办结");
	expect(t, "[已办结]");
	/* the inbox under it shows where it stands now; an overdue demo
	 * referral is marked */
	keys(t, KEY_ESC);
	expect(t, "收到的转介");
	expect(t, "! = 逾期");           /* under the rows */
	ck_assert_msg(row_with(t, NAME, 3) >= 0 && strstr(vt_row(t, row_with(t, NAME, 3)), "已办结"),
	              "the inbox does not show the referral resolved");
	quit(t);
	vt_free(t);

	/* 3. anning again: the feedback is new; she opens it and closes it */
	t = start(dir, _i, "anning");
	expect(t, "上次查看以来的新消息");
	expect(t, "反馈：1");
	expect(t, NAME);
	select_row(t, NAME, "[反馈]", 0);
	keys(t, KEY_ENTER);
	expect(t, "[已办结]");
	expect(t, FEEDBACK);
	expect(t, "F12 结案");
	keys(t, KEY_F12);                 /* close, after asking */
	expect(t, "结案转介 ZJ-");
	type(t, "y");
	expect(t, "已办理：结案");
	expect(t, "[已结案]");
	/* the history, at the end of the view: every step, by whom */
	keys(t, KEY_END);
	expect(t, "办理记录");
	const char *steps[] = {"李红梅  创建", "李红梅  提交",
	                       "杨社工  受理", "杨社工  办结  成功解决",
	                       "李红梅  结案"};
	int last = -1;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		expect(t, steps[i]);
		int y = row_with(t, steps[i], 0);
		ck_assert_msg(y > last, "the history is out of order at \"%s\"", steps[i]);
		last = y;
	}
	/* the outcome in Chinese: no English code in the history; the
	 * workers by name, not by login */
	ck_assert_msg(strstr(vt_screen(t), "success") == NULL, "the history shows an English code:\n%s",
	              vt_screen(t));
	int hfrom = row_with(t, "办理记录", 0), hto = row_with(t, "现在可以", 0);
	ck_assert_msg(hfrom >= 0 && hto > hfrom, "the history's rows:\n%s", vt_screen(t));
	for (int y = hfrom; y < hto; y++)
		ck_assert_msg(!strstr(vt_row(t, y), "anning") && !strstr(vt_row(t, y), "panlian"),
		              "the history shows a login:\n%s", vt_screen(t));
	quit(t);
	vt_free(t);

	/* 4. nothing is new the next time */
	t = start(dir, _i, "anning");
	expect(t, "主菜单");
	expect(t, "F10 退出");           /* the bottom row: the first screen is whole */
	ck_assert_msg(strstr(vt_screen(t), "上次查看以来") == NULL, "what is new came back");
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* The sender has none of the receiver's steps: no accept key on the bar,
 * the receiver's Ctrl key does nothing, and the sender's own step that
 * does not fit the state is refused with the reason; nothing changes. */
START_TEST(test_sender_cannot_receive)
{
	char *dir = testdb_dir("refscr");
	vt *t = start(dir, _i, "anning");
	expect(t, "上次查看以来的新消息");
	type(t, "6");                    /* a menu key closes what is new and goes on */
	expect(t, "转出的转介");
	select_row(t, "已提交", NULL, 3);      /* the demo's referral not yet answered */
	keys(t, KEY_ENTER);
	expect(t, "[已提交]");
	expect(t, "F8 撤回");            /* the sender may still withdraw it */
	ck_assert_msg(strstr(vt_screen(t), "受理") == NULL, "the sender is offered to accept");
	keys(t, KEY_CTRL_X);             /* the receiver's accept key */
	keys(t, KEY_F6);                 /* submit: not at this stage */
	expect(t, "不能做这个操作");
	ck_assert_msg(strstr(vt_screen(t), "[已提交]") != NULL, "the refused step changed the state");
	ck_assert_msg(strstr(vt_screen(t), "已受理") == NULL, "the sender accepted it");
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* The station returns a referral with a reason; the village sees it in
 * what is new, mends it in the editor and submits it again. */
START_TEST(test_return_mend_resubmit)
{
	char *dir = testdb_dir("refscr");
	/* the village has seen the demo's news, its own returned one among them */
	vt *t = start(dir, _i, "anning");
	expect(t, "上次查看以来的新消息");
	time_t seen = time(NULL);
	quit(t);
	vt_free(t);
	next_second(seen);
	t = start(dir, _i, "panlian");
	expect(t, "上次查看以来的新消息");
	type(t, "6");
	expect(t, "收到的转介");
	select_row(t, "已提交", NULL, 3);
	keys(t, KEY_ENTER);
	expect(t, "F8 退回");
	keys(t, KEY_F8);                 /* return: asked, then the reason */
	expect(t, "退回安宁村");
	type(t, "y");
	expect(t, "退回原因");
	keys(t, KEY_ESC);                /* not yet: nothing changes */
	expect(t, "没有做任何改动");
	ck_assert_msg(strstr(vt_screen(t), "[已提交]") != NULL, "a cancelled return changed it");
	keys(t, KEY_F8);
	expect(t, "退回安宁村");
	type(t, "y");
	expect(t, "退回原因");
	type(t, "请补充家庭收入证明");
	keys(t, KEY_ENTER);
	expect(t, "已办理：退回");
	expect(t, "[已退回]");
	time_t marked = time(NULL);
	quit(t);
	vt_free(t);
	next_second(marked);

	t = start(dir, _i, "anning");
	expect(t, "上次查看以来的新消息");
	expect(t, "被退回：1");
	select_row(t, "[已退回]", "] ", 0);
	keys(t, KEY_ENTER);
	expect(t, "[已退回]");
	expect(t, "请补充家庭收入证明");   /* why it came back */
	expect(t, "F4 修改");
	expect(t, "F6 提交");
	keys(t, KEY_F4);                 /* mend it */
	expect(t, "F2 保存");
	for (int i = 0; i < 4; i++)      /* resident, needs, category, urgency: the reason */
		keys(t, KEY_TAB);
	keys(t, KEY_END);
	type(t, "（已补充收入证明）");
	keys(t, KEY_F2);
	expect(t, "已保存");
	expect(t, "（已补充收入证明）");
	expect(t, "[已退回]");
	keys(t, KEY_F6);                 /* and again to the station */
	expect(t, "提交转介 ZJ-");
	type(t, "y");
	expect(t, "已提交：答复期限为");
	expect(t, "[已提交]");
	keys(t, KEY_END);
	expect(t, "杨社工  退回  请补充家庭收入证明");
	expect(t, "李红梅  修改");
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* F6 on a need refers its resident with the need filled in; the
 * referral shows the need by what it says. */
START_TEST(test_refer_from_need)
{
	char *dir = testdb_dir("refscr");
	vt *t = start(dir, _i, "anning");
	expect(t, "上次查看以来的新消息");
	type(t, "2");                    /* the needs */
	expect(t, "查找");
	keys(t, KEY_ENTER);              /* the first one */
	expect(t, "F6 转介");
	keys(t, KEY_F6);
	expect(t, "转介: 新建");
	/* the need, filled in, named by what it says, never by its id */
	expect(t, "转介的需求");
	{
		int ny = row_with(t, "转介的需求", 0);
		ck_assert_msg(strstr(vt_row(t, ny), "20") && !strstr(vt_screen(t), "need-"),
		              "the need is not shown by its summary: %s", vt_row(t, ny));
	}
	/* the cursor on the first field still empty: the category (the
	 * resident and the need filled in) */
	type(t, "1");
	keys(t, KEY_TAB);                /* urgency: normal, as it is */
	keys(t, KEY_TAB);                /* the reason */
	type(t, "需要乡镇审核");
	keys(t, KEY_TAB);
	keys(t, KEY_TAB);                /* consent */
	type(t, "y");
	keys(t, KEY_F2);
	expect(t, "已存为草稿");
	expect(t, "F6 提交");            /* the bar: the view is whole */
	int y = row_with(t, "转介的需求", 0);
	ck_assert_msg(y >= 0 && strstr(vt_row(t, y), "need-") == NULL && strstr(vt_row(t, y), ": "),
	              "the need is not shown by what it says");
	keys(t, KEY_F6);
	expect(t, "提交转介");
	type(t, "y");
	expect(t, "已提交：答复期限为");
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* A draft left by a dropped link is offered back first; what is new
 * comes after the worker has answered. */
START_TEST(test_news_after_draft_offer)
{
	char *dir = testdb_dir("refscr");
	vt *t = start(dir, _i, "anning");
	expect(t, "上次查看以来的新消息");
	time_t marked = time(NULL);
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, "孙𠀀兰");
	vt_pump(t, 300);
	vt_hangup(t);                    /* the link drops mid-form: a draft is kept */
	int status;
	ck_assert_msg(vt_wait_exit(t, WAIT_MS, &status), "no exit after the hang-up");
	vt_free(t);
	next_second(marked);

	t = start(dir, _i, "panlian");   /* something new for anning: a return */
	expect(t, "上次查看以来的新消息");
	type(t, "6");
	select_row(t, "已提交", NULL, 3);
	keys(t, KEY_ENTER);
	expect(t, "F8 退回");
	keys(t, KEY_F8);
	expect(t, "退回安宁村");
	type(t, "y");
	expect(t, "退回原因");
	type(t, "请写明联系人");
	keys(t, KEY_ENTER);
	expect(t, "[已退回]");
	quit(t);
	vt_free(t);

	t = start(dir, _i, "anning");
	expect(t, "要恢复吗");           /* the draft first */
	expect(t, "孙𠀀兰");
	type(t, "n");
	expect(t, "丢弃这份草稿吗");      /* asked once more */
	type(t, "y");
	expect(t, "草稿已丢弃");
	expect(t, "被退回：1");          /* then what is new */
	select_row(t, "[已退回]", "] ", 0);
	keys(t, KEY_ENTER);
	expect(t, "请写明联系人");
	expect(t, "F6 提交");
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* Two station workers on one referral: the second, who saw it before the
 * first accepted it, is refused with the reason and the state stays. */
START_TEST(test_step_on_changed_referral)
{
	char *dir = testdb_dir("refscr");
	vt *a = start(dir, _i, "panlian");
	expect(a, "上次查看以来的新消息");
	vt *b = start(dir, _i, "panlian");
	expect(b, "主菜单");
	vt *both[2] = {a, b};
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < 2; i++)
			keys(both[k], KEY_ESC);
		expect(both[k], "主菜单");
		type(both[k], "6");
		expect(both[k], "收到的转介");
		select_row(both[k], "已提交", NULL, 3);
		keys(both[k], KEY_ENTER);
		expect(both[k], "F11 受理");
	}
	keys(a, KEY_F11);
	expect(a, "受理安宁村");
	keys(b, KEY_F11);                 /* b asks on what it saw */
	expect(b, "受理安宁村");
	type(a, "y");
	expect(a, "已办理：受理");
	type(b, "y");
	expect(b, "别人修改了这条转介");
	expect(b, "[已受理]");           /* the view shows what the other did */
	vt_free(b);
	quit(a);
	vt_free(a);
	testdb_rm(dir);
}
END_TEST

/* A supervisor: the overdue referrals of the units in reach, no steps;
 * the audit trail, filtered by worker and by days, and every entry again.
 * A village worker is refused the audit trail. */
START_TEST(test_supervisor_and_audit)
{
	char *dir = testdb_dir("refscr");
	vt *t = start(dir, _i, "dudao");
	expect(t, "主菜单");
	expect(t, "a 审计");
	type(t, "6");
	expect(t, "逾期 (");
	expect(t, "! = 逾期");
	select_row(t, "已受理", NULL, 3);   /* the accepted one among the overdue */
	keys(t, KEY_ENTER);
	expect(t, "[已受理]");
	keys(t, KEY_END);
	expect(t, "查看：只有转出单位和接收单位可以办理");
	/* the steps' keys: F6 refer, F8 give back, F11 take on, F12 finish */
	static const char *const steps[] = {"F6 ", "F8 ", "F11 ", "F12 "};
	for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++)
		ck_assert_msg(strstr(vt_screen(t), steps[k]) == NULL, "a supervisor is offered %s",
		              steps[k]);
	keys(t, KEY_ESC);
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	/* a supervisor reads a case file but does not refer: refused at once */
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_ENTER);
	expect(t, "F9");
	keys(t, KEY_F9);
	expect(t, "F6 转介");
	keys(t, KEY_F6);
	expect(t, "您的角色只能查看");
	ck_assert_msg(strstr(vt_screen(t), "转介: 新建") == NULL, "a supervisor started a referral");
	for (int i = 0; i < 3; i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");

	keys(t, "a");
	expect(t, "审计日志（");
	expect(t, "panlian");
	keys(t, "w");                 /* one worker's entries */
	expect(t, "看谁的条目");
	type(t, "panlian");
	keys(t, KEY_ENTER);
	expect(t, "社工： panlian");
	ck_assert_msg(vt_wait_gone(t, "anning", WAIT_MS), "another worker's entry passed the filter");
	expect(t, "受理");
	ck_assert_msg(in_rows(t, "panlian", 3, 19), "the worker's entries are not listed");
	keys(t, "d");                 /* and some days long ago: nothing */
	expect(t, "从哪一天开始");
	type(t, "20200101");
	keys(t, KEY_ENTER);
	expect(t, "截止到哪一天");
	type(t, "2020-01-02");
	keys(t, KEY_ENTER);
	expect(t, "没有符合筛选条件的条目");
	expect(t, "2020-01-01 .. 2020-01-02");
	keys(t, "c");                 /* every entry again */
	expect(t, "已显示全部条目");
	expect(t, "anning");
	quit(t);
	vt_free(t);

	t = start(dir, _i, "anning");
	expect(t, "上次查看以来的新消息");
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	ck_assert_msg(strstr(vt_screen(t), "a 审计") == NULL, "a village worker is offered the audit");
	keys(t, "a");
	expect(t, "审计日志只供督导和管理员查看");
	type(t, "8");                    /* the settings entry says the same */
	expect(t, "审计日志只供督导和管理员查看");
	ck_assert_msg(strstr(vt_row(t, 0), "审计日志") == NULL, "a village worker reads the audit");
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* Every step of the station's asks first, naming the step, the referral
 * (its number) and the village: n, Esc and F10 leave the database as it
 * was; y takes it.  The demo's submitted referral: return declined,
 * accepted, escalate declined, started, resolved. */
START_TEST(test_receiver_steps_ask)
{
	char *dir = testdb_dir("refscr");
	vt *t = start(dir, _i, "panlian");
	expect(t, "上次查看以来的新消息");
	type(t, "6");
	expect(t, "F5 切换");            /* the list's bar: what is new has gone */
	expect(t, "收到的转介");
	select_row(t, "已提交", NULL, 3);
	keys(t, KEY_ENTER);
	expect(t, "F11 受理");
	static const char *const only_n[] = {"n", NULL};
	step_asks(t, dir, KEY_F8, (const char *const[]){"退回安宁村", "ZJ-510421", NULL}, "[已提交]",
	          no_keys);
	expect(t, "退回原因");           /* y: the reason next, Esc there: nothing */
	keys(t, KEY_ESC);
	expect(t, "没有做任何改动");
	step_asks(t, dir, KEY_F11, (const char *const[]){"受理安宁村的转介", "ZJ-510421", NULL},
	          "[已提交]", no_keys);
	expect(t, "已办理：受理");
	expect(t, "[已受理]");
	step_asks(t, dir, KEY_F6, (const char *const[]){"上转给", "ZJ-510421", NULL}, "[已受理]",
	          no_keys);
	expect(t, "上转原因");
	keys(t, KEY_ESC);
	expect(t, "没有做任何改动");
	step_asks(t, dir, KEY_F11, (const char *const[]){"开始处理安宁村的转介", "ZJ-510421", NULL},
	          "[已受理]", only_n);
	expect(t, "[处理中]");
	step_asks(t, dir, KEY_F12, (const char *const[]){"办结转介", "反馈给安宁村", NULL},
	          "[处理中]", no_keys);
	expect(t, "成功解决");           /* the outcome next */
	type(t, "1");
	expect(t, "给村里的反馈");
	type(t, FEEDBACK);
	keys(t, KEY_ENTER);
	expect(t, "已办理：办结");
	expect(t, "[已办结]");
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* The village room's steps ask the same way: closing the demo's resolved
 * referral, withdrawing its submitted one. */
START_TEST(test_sender_steps_ask)
{
	char *dir = testdb_dir("refscr");
	vt *t = start(dir, _i, "anning");
	expect(t, "上次查看以来的新消息");
	type(t, "6");
	expect(t, "F5 切换");
	expect(t, "转出的转介");
	expect(t, "已办结");
	select_row(t, "已办结", NULL, 3);   /* the resolved one */
	keys(t, KEY_ENTER);
	expect(t, "F12 结案");
	step_asks(t, dir, KEY_F12, (const char *const[]){"结案转介 ZJ-510421", "转给攀莲镇", NULL},
	          "[已办结]", no_keys);
	expect(t, "已办理：结案");
	expect(t, "[已结案]");
	keys(t, KEY_ESC);
	expect(t, "转出的转介");
	keys(t, KEY_HOME);               /* the first row: the submitted one */
	select_row(t, "已提交", NULL, 3);
	keys(t, KEY_ENTER);
	expect(t, "F8 撤回");
	step_asks(t, dir, KEY_F8, (const char *const[]){"从攀莲镇", "撤回转介 ZJ-510421", NULL},
	          "[已提交]", no_keys);
	expect(t, "已办理：撤回");
	expect(t, "[已撤回]");
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("refscreen");
	TCase *tc = tcase_create("refscreen");
	tcase_set_timeout(tc, 180);
	tcase_add_loop_test(tc, test_round_trip, 0, 2);
	tcase_add_loop_test(tc, test_sender_cannot_receive, 0, 2);
	tcase_add_loop_test(tc, test_return_mend_resubmit, 0, 2);
	tcase_add_loop_test(tc, test_step_on_changed_referral, 0, 2);
	tcase_add_loop_test(tc, test_news_after_draft_offer, 0, 2);
	tcase_add_loop_test(tc, test_refer_from_need, 0, 2);
	tcase_add_loop_test(tc, test_supervisor_and_audit, 0, 2);
	suite_add_tcase(s, tc);
	TCase *steps = tcase_create("steps");
	tcase_set_timeout(steps, 180);
	tcase_add_loop_test(steps, test_receiver_steps_ask, 0, 2);
	tcase_add_loop_test(steps, test_sender_steps_ask, 0, 2);
	suite_add_tcase(s, steps);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
