/* check-stationscreen.c: routing by category (分类转介) on the screen,
 * through the real program in a pseudo-terminal (UTF-8 and GB18030), on
 * the demo database with specialised stations registered by the real
 * command line (`unit add 510421-01 ... --takes youth,child` ...).  A
 * village worker refers a resident from their case file: with no
 * category chosen the destination list (F4 on 接收单位) offers only the
 * township and the county; with the category 困境青少年 it offers the
 * township's youth station after the township and the county's minors'
 * protection centre after the county, and not the mental-health base nor
 * another township's station; the worker picks the centre.  Changed to
 * 精神卫生, the list offers the mental-health base and neither youth
 * station, and saving with the centre still chosen is refused with the
 * reason (nothing written); changed back to youth it saves, and the
 * database holds the referral addressed to the centre.  The township
 * escalating a youth referral is offered, after the reason, the county,
 * its own youth station and the county's centre (not the mental-health
 * base, nor itself); the centre picked, the new referral goes there.
 * The county's worker, the city and its stations registered, is offered
 * the city and the city's youth centre (not its mental-health centre);
 * the referral saved to it is so in the command line's referral show. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "orgunit.h"
#include "record.h"
#include "testdb.h"
#include "screen.h"

#define NAME "赵小军"

/* The real command line on the database in dir as login; exit 0. */
static void
cli_as(const char *dir, const char *login, const char *const *args)
{
	const char *argv[24] = {screen_bin(), "--db", dir, "--demo", "--as", login};
	size_t n = 6;
	for (size_t i = 0; args[i] && n < 23; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s %s failed", args[0],
	              args[1]);
}

static void
cli(const char *dir, const char *const *args)
{
	cli_as(dir, "admin", args);
}

/* The demo database in dir with the stations: the county's minors'
 * protection centre (youth, child) and mental-health base, 攀莲镇's and
 * 丙谷镇's youth stations. */
static void
stations(const char *dir)
{
	screen_demo(dir);
	cli(dir, (const char *const[]){"unit", "add", "510421-01", "米易县未成年人保护中心", "--takes",
	                               "youth,child", NULL});
	cli(dir, (const char *const[]){"unit", "add", "510421-02", "米易县精神康复基地", "--takes",
	                               "mental", NULL});
	cli(dir, (const char *const[]){"unit", "add", "510421100-01", "攀莲镇青少年之家", "--takes",
	                               "youth", NULL});
	cli(dir, (const char *const[]){"unit", "add", "510421101-01", "丙谷镇青少年之家", "--takes",
	                               "youth", NULL});
}

/* Text is not on the screen (once it has drawn); else fail with why. */
static void
absent(vt *t, const char *text, const char *why)
{
	vt_pump(t, 200);
	if (strstr(vt_screen(t), text)) {
		vt_dump(t);
		ck_abort_msg("%s", why);
	}
}

struct count {
	char to[REC_ID_TEXTMAX];
	int to_station, youth;
};

static int
count_one(const record *r, void *ctx)
{
	struct count *c = ctx;
	const char *to = record_get(r, "to_unit"), *cat = record_get(r, "category");
	if (to && strcmp(to, c->to) == 0) {
		c->to_station++;
		if (cat && strcmp(cat, "youth") == 0)
			c->youth++;
	}
	return 0;
}

static int
count_txn(store_txn *t, void *ctx)
{
	struct count *c = ctx;
	record *u;
	int err = orgunit_by_code(t, "510421-01", &u);
	if (err)
		return err;
	rec_id_format(&u->id, c->to);
	record_free(u);
	return store_scan(t, REC_REFERRAL, NULL, count_one, c);
}

/* The referrals addressed to the county's minors' protection centre, and
 * of them those of the category youth, as the database in dir holds them. */
static struct count
to_centre(const char *dir)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	struct count c = {"", 0, 0};
	ck_assert_int_eq(store_read(st, count_txn, &c), STORE_OK);
	store_close(st);
	return c;
}

/* The form's current field: the row whose label is in reverse video. */
static int
current_row(vt *t)
{
	for (int y = 2; y < 20; y++)
		if (vt_reverse(t, y, 3))
			return y;
	return -1;
}

/* Move (Up and Down) to the field whose label is label. */
static void
to_field(vt *t, const char *label)
{
	for (int tries = 0; tries < 24; tries++) {
		vt_pump(t, 100);
		int want = -1, at = current_row(t);
		for (int y = 2; y < 20 && want < 0; y++)
			if (strncmp(vt_row(t, y) + 3, label, strlen(label)) == 0)
				want = y;
		if (want < 0 || at < 0)
			break;
		if (want == at)
			return;
		keys(t, want < at ? VT_KEY_UP : KEY_DOWN);
	}
	vt_dump(t);
	ck_abort_msg("could not move to the field %s", label);
}

/* F4 on the destination, the list's title shown. */
static void
open_destinations(vt *t, const char *title)
{
	keys(t, KEY_F4);
	expect(t, title);
}

START_TEST(test_station_by_category)
{
	char *dir = testdb_dir("stscr");
	stations(dir);
	ck_assert_int_eq(to_centre(dir).to_station, 0);

	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "上次查看以来的新消息");
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	/* a new resident, their case file, and a referral from it */
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, NAME);
	keys(t, KEY_TAB);
	type(t, "510421200801010015");
	keys(t, KEY_F2);
	expect(t, "已登记");
	keys(t, KEY_F9);
	expect(t, "F6 转介");
	keys(t, KEY_F6);
	expect(t, "转介: 新建");
	expect(t, NAME);

	/* down to the destination: no category yet, only the units above */
	to_field(t, "接收单位");
	open_destinations(t, "先选类别");
	expect(t, "攀莲镇（乡镇）");
	expect(t, "米易县（县）");
	absent(t, "（专门机构）", "a station offered before the category");
	keys(t, KEY_ESC);
	expect(t, "接收单位");

	/* the category: troubled youth (the second) */
	to_field(t, "案情类别");
	type(t, "2");
	expect(t, "困境青少年");
	to_field(t, "转介原因");
	type(t, "父母外出务工，辍学在家，需要专业帮扶");
	to_field(t, "已记录居民的知情同意");
	type(t, "y");
	to_field(t, "接收单位");
	open_destinations(t, "接收此类别的专门机构");
	expect(t, "攀莲镇青少年之家（专门机构）");
	expect(t, "米易县未成年人保护中心（专门机构）");
	absent(t, "精神康复基地", "a station not taking youth is offered");
	absent(t, "丙谷镇", "another township's station is offered");
	/* the township, its station, the county, the county's centre */
	const char *scr = vt_screen(t);
	const char *a = strstr(scr, "1  攀莲镇（乡镇）"), *b = strstr(scr, "2  攀莲镇青少年之家"),
	           *c = strstr(scr, "3  米易县（县）"), *d = strstr(scr, "4  米易县未成年人保护中心");
	if (!a || !b || !c || !d) {
		vt_dump(t);
		ck_abort_msg("the destinations are not township, its station, county, its centre");
	}
	type(t, "4");
	if (!vt_wait_gone(t, "接收此类别的专门机构", 15000)) {
		vt_dump(t);
		ck_abort_msg("the list stayed after the pick");
	}
	expect(t, "米易县未成年人保护中心");

	/* mental health: the base, not the youth stations; saving with the
	 * centre still chosen is refused, nothing written */
	to_field(t, "案情类别");
	type(t, "4");
	expect(t, "精神卫生");
	to_field(t, "接收单位");
	open_destinations(t, "接收此类别的专门机构");
	expect(t, "米易县精神康复基地（专门机构）");
	absent(t, "青少年之家", "the youth station is offered for mental health");
	absent(t, "未成年人保护中心（", "the centre is offered for mental health");
	keys(t, KEY_ESC);
	expect(t, "接收单位");
	keys(t, KEY_F2);
	expect(t, "不接收这一类别");
	ck_assert_int_eq(to_centre(dir).to_station, 0);

	/* back to youth: saved, addressed to the centre */
	to_field(t, "案情类别");
	type(t, "2");
	expect(t, "困境青少年");
	keys(t, KEY_F2);
	expect(t, "已存为草稿");
	struct count n = to_centre(dir);
	ck_assert_int_eq(n.to_station, 1);
	ck_assert_int_eq(n.youth, 1);
	for (int i = 0; i < 8; i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");
	quit_f10(t, 1);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* The first of 安宁村's residents (as the command line finds them): id
 * and name. */
static void
first_resident(const char *dir, char id[REC_ID_TEXTMAX], char name[64])
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "'%s' --db '%s' --demo --as anning find resident '' --limit 1",
	         screen_bin(), dir);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char line[512] = "";
	ck_assert_ptr_nonnull(fgets(line, sizeof line, p));
	pclose(p);
	char *tab = strchr(line, '\t'), *tab2 = tab ? strchr(tab + 1, '\t') : NULL;
	ck_assert_ptr_nonnull(tab2);
	snprintf(id, REC_ID_TEXTMAX, "%.*s", (int)(tab - line), line);
	snprintf(name, 64, "%.*s", (int)(tab2 - tab - 1), tab + 1);
}

/* 攀莲镇 escalates a troubled youth's referral: after the reason, the
 * county (chosen already), the township's youth station and the county's
 * centre are offered, not the mental-health base; the centre picked, the
 * new referral is addressed to it. */
START_TEST(test_escalate_to_station)
{
	char *dir = testdb_dir("stscr");
	stations(dir);
	char res[REC_ID_TEXTMAX], name[64];
	first_resident(dir, res, name);
	cli_as(dir, "anning",
	       (const char *const[]){"referral", "new", "--resident", res, "--category", "youth",
	                             "--reason", "长期逃学，与家人冲突", "--consent", "yes", "--submit",
	                             NULL});
	ck_assert_int_eq(to_centre(dir).to_station, 0);

	vt *t = screen_start(dir, _i, true, "panlian", NULL);
	expect(t, "上次查看以来的新消息");
	expect(t, "[新转入]");
	const char *scr = vt_screen(t);
	const char *at = strstr(scr, "[新转入]");
	int from = 0;
	for (const char *c = scr; c < at; c++)
		from += *c == '\n';
	int y = -1;
	for (int r = from; r < 24 && y < 0; r++)
		if (strstr(vt_row(t, r), name))
			y = r;
	if (y < 0) {
		vt_dump(t);
		ck_abort_msg("the new referral of %s is not in what is new", name);
	}
	for (int r = from; r < y; r++)
		keys(t, KEY_DOWN);
	keys(t, KEY_ENTER);
	expect(t, "F11 受理");
	keys(t, KEY_F11);
	expect(t, "受理安宁村");
	type(t, "y");
	expect(t, "[已受理]");
	keys(t, KEY_F6);                 /* escalate: asked, the reason, then where */
	expect(t, "上转给");
	type(t, "y");
	expect(t, "上转原因");
	type(t, "需要专业的未成年人保护服务");
	keys(t, KEY_ENTER);
	expect(t, "接收此类别的专门机构");
	expect(t, "攀莲镇青少年之家（专门机构）");
	expect(t, "米易县（县）");
	expect(t, "米易县未成年人保护中心（专门机构）");
	absent(t, "精神康复基地", "a station not taking youth is offered");
	absent(t, "攀莲镇（乡镇）", "the worker's own township is offered");
	scr = vt_screen(t);
	if (!strstr(scr, "3  米易县未成年人保护中心")) {
		vt_dump(t);
		ck_abort_msg("the centre is not the third");
	}
	type(t, "3");
	expect(t, "已上转");
	struct count n = to_centre(dir);
	ck_assert_int_eq(n.to_station, 1);
	ck_assert_int_eq(n.youth, 1);
	for (int i = 0; i < 8; i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");
	quit_f10(t, 1);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* The id text of the unit of code (in id) and of the one referral
 * addressed to it (in ref, "" for none; more than one fails). */
struct to_code {
	const char *code;
	char id[REC_ID_TEXTMAX], ref[REC_ID_TEXTMAX];
	int n;
};

static int
to_code_one(const record *r, void *ctx)
{
	struct to_code *c = ctx;
	const char *to = record_get(r, "to_unit");
	if (to && strcmp(to, c->id) == 0 && !c->n++)
		rec_id_format(&r->id, c->ref);
	return 0;
}

static int
to_code_txn(store_txn *t, void *ctx)
{
	struct to_code *c = ctx;
	record *u;
	int err = orgunit_by_code(t, c->code, &u);
	if (err)
		return err;
	rec_id_format(&u->id, c->id);
	record_free(u);
	return store_scan(t, REC_REFERRAL, NULL, to_code_one, c);
}

static struct to_code
to_code(const char *dir, const char *code)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	struct to_code c = {code, "", "", 0};
	ck_assert_int_eq(store_read(st, to_code_txn, &c), STORE_OK);
	store_close(st);
	return c;
}

/* The county's worker refers a youth from a case file, the city (5104)
 * and its stations registered on the county server: F4 on 接收单位
 * offers the county's centre, the city and the city's minors' protection
 * centre (5104-01), not the city's mental-health centre nor a township's
 * station; the city's centre picked and saved, the command line shows
 * the referral addressed to it. */
START_TEST(test_county_to_city_station)
{
	char *dir = testdb_dir("stscr");
	stations(dir);
	cli(dir, (const char *const[]){"unit", "add", "5104", "攀枝花市", NULL});
	cli(dir, (const char *const[]){"unit", "add", "5104-01", "攀枝花市未成年人保护中心", "--takes",
	                               "youth", NULL});
	cli(dir, (const char *const[]){"unit", "add", "5104-02", "攀枝花市精神卫生中心", "--takes",
	                               "mental", NULL});
	ck_assert_int_eq(to_code(dir, "5104-01").n, 0);

	vt *t = screen_start(dir, _i, true, "xian", NULL);
	for (int i = 0; i < 50 && !strstr(vt_screen(t), "主菜单"); i++) {
		vt_pump(t, 100);
		if (strstr(vt_screen(t), "上次查看以来的新消息"))
			keys(t, KEY_ESC);
	}
	expect(t, "主菜单");
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_ENTER);
	expect(t, "F9");
	keys(t, KEY_F9);
	expect(t, "F6 转介");
	keys(t, KEY_F6);
	expect(t, "转介: 新建");

	to_field(t, "案情类别");
	type(t, "2");
	expect(t, "困境青少年");
	to_field(t, "转介原因");
	type(t, "长期辍学，县内无对口服务，需市级保护中心");
	to_field(t, "已记录居民的知情同意");
	type(t, "y");
	to_field(t, "接收单位");
	open_destinations(t, "接收此类别的专门机构");
	expect(t, "攀枝花市（市）");
	expect(t, "攀枝花市未成年人保护中心（专门机构）");
	absent(t, "精神卫生中心", "a city station not taking youth is offered");
	absent(t, "青少年之家", "a township's station is offered to the county");
	absent(t, "米易县（县）", "the worker's own county is offered");
	const char *scr = vt_screen(t);
	const char *a = strstr(scr, "1  米易县未成年人保护中心"), *b = strstr(scr, "2  攀枝花市（市）"),
	           *c = strstr(scr, "3  攀枝花市未成年人保护中心");
	if (!a || !b || !c) {
		vt_dump(t);
		ck_abort_msg("the destinations are not the county's centre, the city, its centre");
	}
	type(t, "3");
	if (!vt_wait_gone(t, "接收此类别的专门机构", 15000)) {
		vt_dump(t);
		ck_abort_msg("the list stayed after the pick");
	}
	expect(t, "攀枝花市未成年人保护中心");
	keys(t, KEY_F2);
	expect(t, "已存为草稿");

	struct to_code n = to_code(dir, "5104-01");
	ck_assert_int_eq(n.n, 1);
	char cmd[1024], want[256], line[512];
	snprintf(cmd, sizeof cmd,
	         "LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE= '%s' --db '%s' --demo --as xian referral show %s",
	         screen_bin(), dir, n.ref);
	snprintf(want, sizeof want, "攀枝花市未成年人保护中心 (%s)", n.id);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	bool shown = false;
	while (fgets(line, sizeof line, p))
		shown |= strstr(line, want) != NULL;
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_msg(shown, "referral show does not name %s", want);
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
	Suite *s = suite_create("stationscreen");
	TCase *tc = tcase_create("stationscreen");
	tcase_set_timeout(tc, 180);
	tcase_add_loop_test(tc, test_station_by_category, 0, 2);
	tcase_add_loop_test(tc, test_escalate_to_station, 0, 2);
	tcase_add_loop_test(tc, test_county_to_city_station, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
