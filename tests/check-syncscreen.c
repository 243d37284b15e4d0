/* check-syncscreen.c: the exchange screen (ui-sync.c), the real program
 * in a pseudo-terminal read through libvterm, on a UTF-8 and on a GB18030
 * terminal.  A demo database acts as the township server; a village PC's
 * database is made by taking the file the township wrote for 安宁村 (its
 * worker is the demo's one: the account running the test).  On the
 * village PC: the status (the township, the last exchange, nothing
 * waiting), a referral made by the command line waiting to go up, a file
 * written from the screen and taken by the township (the referral
 * arrives); a referral withdrawn on one side and accepted on the other,
 * the files exchanged, the notice taken from the screen, read and
 * settled.  Over "ssh" (a stand-in on PATH that asks for a password on
 * the terminal, as ssh does, then runs the township's `sync --serve`):
 * the host asked for, the password typed outside curses, the result and
 * the bar; a wrong password said.  On the township server: a file for a
 * village chosen by its name into a folder; a supervisor sees the status
 * only.  No database number, no code asked for. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testdb.h"
#include "screen.h"

#define WAIT_MS 20000

/* The two databases and the files between them. */
struct sides {
	char *root;
	char town[4096], village[4096];
};

/* Run the command line with argv (after the program's name); its
 * standard output into out (NUL-terminated, cut at size), its error
 * output to the test's.  Returns the exit status. */
static int
cli(char *out, size_t size, const char *const *args)
{
	char *argv[32];
	int n = 0;
	argv[n++] = (char *)screen_bin();
	for (; *args && n < 31; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		dup2(in, 0);
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		setenv("LANG", "C.UTF-8", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	size_t got = 0;
	char sink[4096];
	for (;;) {
		char *dst = out && got + 1 < size ? out + got : sink;
		size_t room = out && got + 1 < size ? size - 1 - got : sizeof sink;
		ssize_t r = read(p[0], dst, room);
		if (r <= 0)
			break;
		if (dst != sink)
			got += (size_t)r;
	}
	close(p[0]);
	if (out && size)
		out[got] = '\0';
	int status;
	while (waitpid(pid, &status, 0) < 0)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* CLI(OUT(out), args...): out an array, or NOOUT */
#define NOOUT noout_, 0
#define CLI(...) CLI_(__VA_ARGS__)
#define CLI_(out, size, ...)                                                            \
	do {                                                                            \
		const char *a_[] = {__VA_ARGS__, NULL};                                 \
		int rc_ = cli(out, size, a_);                                           \
		ck_assert_msg(rc_ == 0, "shegong %s %s %s: exit %d", a_[0], a_[1], a_[2], rc_); \
	} while (0)
#define OUT(b) b, sizeof b
static char noout_[1];

/* The township (the demo, worked as panlian) writes 安宁村's first file;
 * an empty database takes it and is its village PC. */
static struct sides
sides_make(void)
{
	struct sides s;
	s.root = testdb_dir("syncscr");
	snprintf(s.town, sizeof s.town, "%s/town", s.root);
	snprintf(s.village, sizeof s.village, "%s/village", s.root);
	char f[4200];
	snprintf(f, sizeof f, "%s/first.sync", s.root);
	CLI(NOOUT, "--demo", "--db", s.town, "--as", "panlian", "sync", "--to-file", f, "--for",
	    "510421100001");
	CLI(NOOUT, "--db", s.village, "sync", "--from-file", f);
	return s;
}

static void
sides_free(struct sides *s)
{
	testdb_rm(s->root);
}

/* The first resident of 安宁村 the village PC finds. */
static void
first_resident(const struct sides *s, char id[64])
{
	char out[8192];
	CLI(OUT(out), "--db", s->village, "find", "resident");
	size_t n = strcspn(out, "\t\n");
	ck_assert_msg(n > 0 && n < 64, "no resident on the village PC");
	snprintf(id, 64, "%.*s", (int)n, out);
}

/* A new referral on the village PC, submitted; its id. */
static void
new_referral(const struct sides *s, char id[64])
{
	char res[64], out[256];
	first_resident(s, res);
	CLI(OUT(out), "--db", s->village, "referral", "new", "--resident", res, "--category", "elderly",
	    "--reason", "需要照护", "--consent", "yes", "--submit");
	out[strcspn(out, "\n")] = '\0';
	ck_assert_msg(strncmp(out, "ref-", 4) == 0, "no referral id: %s", out);
	snprintf(id, 64, "%.63s", out);
}

/* From the home screen (what is new closed first) to the exchange screen. */
static void
open_sync(vt *t)
{
	expect(t, "主菜单");
	expect(t, "数据交换");
	keys(t, KEY_ESC);
	type(t, "9");
	expect(t, "上次交换：对方、时间");
}

/* Back to the home screen and into the exchange screen again: its status
 * read afresh. */
static void
reopen_sync(vt *t)
{
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	type(t, "9");
	expect(t, "上次交换：对方、时间");
}

static void
today(char out[16])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* A prompt's answer typed and sent. */
static void
answer(vt *t, const char *question, const char *text)
{
	expect(t, question);
	type(t, text);
	keys(t, KEY_ENTER);
}

START_TEST(test_village_files)
{
	struct sides s = sides_make();
	char day[16], ref[64], path[4200], out[16384];
	today(day);
	vt *t = screen_start(s.village, _i, false, NULL, NULL);
	open_sync(t);
	/* the status: a village PC with its township, the last exchange */
	expect(t, "本机：村(社区)社工室的电脑，与攀莲镇交换数据");
	expect(t, "乡镇服务器地址：还不知道");
	expect(t, "等待上传：0 条记录，其中 0 条转介");
	expect(t, "待处理的提示：0 条");
	expect(t, day);
	ck_assert_msg(strstr(vt_screen(t), "发出 0 条") != NULL, "no records sent then");
	expect(t, "o 写出文件");
	expect(t, "e 立即交换");

	/* a referral made meanwhile waits to go up */
	new_referral(&s, ref);
	reopen_sync(t);
	expect(t, "等待上传：1 条记录，其中 1 条转介");

	/* a file for the township from the screen, taken there */
	snprintf(path, sizeof path, "%s/up1.sync", s.root);
	keys(t, "o");
	answer(t, "写到哪里", path);
	expect(t, "已完成：");
	expect(t, "up1.sync，给攀莲镇");
	expect(t, "上传：1 条记录（1 条转介，0 条服务记录）");
	ck_assert_msg(access(path, R_OK) == 0, "no file written");
	char tmp[4300];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	ck_assert_msg(access(tmp, F_OK) != 0, "the .tmp file was left");
	CLI(NOOUT, "--demo", "--db", s.town, "--as", "panlian", "sync", "--from-file", path);
	CLI(OUT(out), "--demo", "--db", s.town, "--as", "panlian", "referral", "list");
	ck_assert_msg(strstr(out, ref) != NULL, "the referral did not reach the township:\n%s", out);
	/* a file that is not there: said, nothing taken */
	keys(t, "t");
	answer(t, "要读入的交换文件", "/没有这个文件.sync");
	expect(t, "没有成功：");
	expect(t, "无法读取 /没有这个文件.sync");

	/* the same referral stepped on both sides: withdrawn here, accepted
	 * there; the files exchanged, the notice comes back to the village */
	char demo_ref[64] = "", demo_no[64] = "";
	CLI(OUT(out), "--db", s.village, "referral", "list");
	char *save = NULL;
	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, ref, strlen(ref)) != 0 && strstr(line, "\tsubmitted\t")) {
			snprintf(demo_ref, sizeof demo_ref, "%.*s", (int)strcspn(line, "\t"), line);
			const char *no = line + strcspn(line, "\t") + 1;   /* the number */
			snprintf(demo_no, sizeof demo_no, "%.*s", (int)strcspn(no, "\t"), no);
			break;
		}
	ck_assert_msg(demo_ref[0], "no submitted referral of the demo:\n%s", out);
	CLI(NOOUT, "--db", s.village, "referral", "withdraw", demo_ref, "--note", "家属已接走");
	CLI(NOOUT, "--demo", "--db", s.town, "--as", "panlian", "referral", "accept", demo_ref);
	snprintf(path, sizeof path, "%s/up2.sync", s.root);
	reopen_sync(t);
	keys(t, "o");
	answer(t, "写到哪里", path);
	expect(t, "up2.sync，给攀莲镇");
	CLI(NOOUT, "--demo", "--db", s.town, "--as", "panlian", "sync", "--from-file", path);
	snprintf(path, sizeof path, "%s/down2.sync", s.root);
	CLI(NOOUT, "--demo", "--db", s.town, "--as", "panlian", "sync", "--to-file", path, "--for",
	    "510421100001");
	keys(t, "t");
	answer(t, "要读入的交换文件", path);
	expect(t, "已读入");
	expect(t, "来自攀莲镇");
	expect(t, "合并了 1 条转介");
	expect(t, "有 1 条新的待处理提示");
	expect(t, "待处理的提示：1 条");
	/* the same file again: nothing new */
	keys(t, "t");
	answer(t, "要读入的交换文件", path);
	expect(t, "下载：没有新的数据");

	/* the notice: listed, read, settled with a note */
	keys(t, "n");
	expect(t, "交换产生的待处理提示");
	expect(t, "1. ");
	keys(t, KEY_ENTER);
	expect(t, "提示 1");
	expect(t, "家属已接走");
	/* the referral by its number, not its record id */
	expect(t, "涉及：转介");
	expect(t, demo_no);
	ck_assert_msg(strstr(vt_screen(t), demo_ref) == NULL, "the notice shows a record id:\n%s",
	              vt_screen(t));
	keys(t, KEY_ESC);
	expect(t, "交换产生的待处理提示");
	expect(t, "F2 已处理");
	keys(t, KEY_F2);
	answer(t, "是怎么决定的", "已与镇上商量，按已受理办理");
	expect(t, "没有待处理的提示");
	expect(t, "已标记为已处理");
	keys(t, KEY_ESC);
	expect(t, "待处理的提示：0 条");
	quit_f10(t, 5);
	vt_free(t);
	CLI(OUT(out), "--db", s.village, "sync", "--notices", "--all");
	ck_assert_msg(strstr(out, "已与镇上商量，按已受理办理") != NULL, "the note is not kept:\n%s", out);
	sides_free(&s);
}
END_TEST

/* A stand-in for ssh: asks for a password on the terminal as ssh does,
 * then runs the township's side. */
static void
fake_ssh(const struct sides *s, char *dir, size_t size)
{
	snprintf(dir, size, "%s/bin", s->root);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	char path[4400];
	snprintf(path, sizeof path, "%s/ssh", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
	        "#!/bin/sh\n"
	        "for a; do host=$prev; prev=$a; done\n"
	        "printf '%%s password: ' \"$host\" >/dev/tty\n"
	        "read -r pw </dev/tty\n"
	        "[ \"$pw\" = secret ] || { echo 'Permission denied, please try again.' >&2; exit 255; }\n"
	        "exec '%s' --demo --db '%s' --as panlian sync --serve\n",
	        screen_bin(), s->town);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0700), 0);
}

START_TEST(test_village_ssh)
{
	struct sides s = sides_make();
	char ref[64], dir[4200], out[16384];
	fake_ssh(&s, dir, sizeof dir);
	char *path_env = NULL;
	ck_assert_int_ge(asprintf(&path_env, "PATH=%s:%s", dir, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin"), 0);
	new_referral(&s, ref);
	vt *t = screen_start(s.village, _i, false, NULL, path_env);
	open_sync(t);
	expect(t, "等待上传：1 条记录，其中 1 条转介");
	/* no host yet: asked for */
	keys(t, "e");
	answer(t, "乡镇服务器地址（照乡镇给的输入", "anning@township");
	/* outside curses: what to do, and ssh's own question */
	expect(t, "如果 ssh 要求输入密码");
	expect(t, "anning@township password:");
	ck_assert_msg(!vt_altscreen(t), "curses was not left for ssh's question");
	type(t, "secret");
	keys(t, KEY_ENTER);
	expect(t, "已完成：");
	ck_assert_msg(vt_altscreen(t), "the screen did not come back");
	expect(t, "与 anning@township 交换数据");
	expect(t, "上传：1 条记录（1 条转介，0 条服务记录）");
	expect(t, "乡镇服务器地址：anning@township");
	expect(t, "等待上传：0 条记录");
	/* the bar was drawn while the answer was applied */
	size_t n;
	const char *raw = vt_raw(t, &n);
	const char *barstart = _i == 0 ? "[\xe2\x96\x88" : "[#";
	ck_assert_msg(memmem(raw, n, barstart, strlen(barstart)) != NULL, "no bar");
	ck_assert_msg(memmem(raw, n, "100%", 4) != NULL, "no bar at 100%%");
	CLI(OUT(out), "--demo", "--db", s.town, "--as", "panlian", "referral", "list");
	ck_assert_msg(strstr(out, ref) != NULL, "the referral did not reach the township:\n%s", out);

	/* the host is remembered; a wrong password is said, the screen back */
	keys(t, "e");
	expect(t, "anning@township password:");
	type(t, "wrong");
	keys(t, KEY_ENTER);
	expect(t, "没有成功：");
	expect(t, "与 anning@township 的交换没有完成");
	expect(t, "Permission denied");
	quit_f10(t, 5);
	vt_free(t);
	free(path_env);
	sides_free(&s);
}
END_TEST

START_TEST(test_township)
{
	struct sides s = sides_make();
	char ref[64], out[16384];
	/* the village's file taken, so the township has exchanged with it */
	new_referral(&s, ref);
	char up[4200];
	snprintf(up, sizeof up, "%s/up.sync", s.root);
	CLI(NOOUT, "--db", s.village, "sync", "--to-file", up);
	CLI(NOOUT, "--demo", "--db", s.town, "--as", "panlian", "sync", "--from-file", up);
	CLI(NOOUT, "--demo", "--db", s.town, "--as", "panlian", "referral", "accept", ref);

	vt *t = screen_start(s.town, _i, true, "panlian", NULL);
	open_sync(t);
	expect(t, "本数据库：乡镇服务器，各村的电脑与它交换数据");
	expect(t, "安宁村");
	expect(t, "收到 1 条");
	ck_assert_msg(strstr(vt_screen(t), "e 立即交换") == NULL, "a township offered ssh");
	ck_assert_msg(strstr(vt_screen(t), "数据库 0") == NULL, "a database's number is shown");
	/* a file for 安宁村, by its code, into a folder: a name is made */
	char folder[4200];
	snprintf(folder, sizeof folder, "%s/U盘", s.root);
	ck_assert_int_eq(mkdir(folder, 0700), 0);
	if (_i == 1) {
		/* the folder's name as a GB18030 file system has it */
		rmdir(folder);
		snprintf(folder, sizeof folder, "%s/U\xc5\xcc", s.root);
		ck_assert_int_eq(mkdir(folder, 0700), 0);
		snprintf(folder, sizeof folder, "%s/U盘", s.root);
	}
	/* the village is chosen by its name from the township's villages,
	 * never typed as a 12-digit code */
	keys(t, "o");
	expect(t, "这个文件给哪个村");
	expect(t, "安宁村");
	ck_assert_msg(strstr(vt_screen(t), "代码") == NULL, "the village is asked as a code");
	/* the villages offered by name (their code beside, as a help) */
	ck_assert_msg(strstr(vt_screen(t), "挂榜村") != NULL, "not every village is offered");
	type(t, "anc");                  /* 安宁村 by its pinyin initials */
	vt_pump(t, 300);
	keys(t, KEY_ENTER);
	answer(t, "写到哪里", folder);
	expect(t, "已完成：");
	expect(t, "shegong-510421100001-");
	expect(t, "给安宁村");
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	quit_f10(t, 5);
	vt_free(t);
	/* the village takes it: the referral accepted there */
	char fsfolder[4200], file[8400] = "";
	snprintf(fsfolder, sizeof fsfolder, _i == 1 ? "%s/U\xc5\xcc" : "%s/U盘", s.root);
	DIR *d = opendir(fsfolder);
	ck_assert_ptr_nonnull(d);
	for (struct dirent *e; (e = readdir(d));)
		if (strncmp(e->d_name, "shegong-510421100001-", 21) == 0 &&
		    strstr(e->d_name, ".tmp") == NULL)
			snprintf(file, sizeof file, "%s/%s", fsfolder, e->d_name);
	closedir(d);
	ck_assert_msg(file[0], "no file in the folder");
	/* the command line here reads its arguments as UTF-8 */
	char plain[4300];
	snprintf(plain, sizeof plain, "%s/from-folder.sync", s.root);
	ck_assert_int_eq(rename(file, plain), 0);
	snprintf(file, sizeof file, "%s", plain);
	CLI(NOOUT, "--db", s.village, "sync", "--from-file", file);
	CLI(OUT(out), "--db", s.village, "referral", "show", ref);
	ck_assert_msg(strstr(out, "accepted") || strstr(out, "Accepted"),
	              "the answer did not reach the village:\n%s", out);

	/* a supervisor: the status, no exchange */
	t = screen_start(s.town, _i, true, "dudao", NULL);
	open_sync(t);
	expect(t, "督导只能查看交换情况");
	expect(t, "n 待处理");
	const char *screen = vt_screen(t);
	ck_assert_msg(strstr(screen, "o 写出文件") == NULL, "a supervisor offered a file");
	ck_assert_msg(strstr(screen, "t 读入文件") == NULL, "a supervisor offered to take a file");
	keys(t, "o");
	vt_pump(t, 300);
	ck_assert_msg(strstr(vt_screen(t), "写到哪里") == NULL, "a supervisor asked for a path");
	ck_assert_msg(strstr(vt_screen(t), "这个文件给哪个村") == NULL, "a supervisor asked for a village");
	quit_f10(t, 5);
	vt_free(t);
	sides_free(&s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("syncscreen");
	TCase *tc = tcase_create("syncscreen");
	tcase_set_timeout(tc, 240);
	tcase_add_loop_test(tc, test_village_files, 0, 2);
	tcase_add_loop_test(tc, test_village_ssh, 0, 2);
	tcase_add_loop_test(tc, test_township, 0, 2);
	suite_add_tcase(s, tc);
	screen_wait_ms = WAIT_MS;
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
