/* check-account.c: the terminal settings of a worker's account, through
 * the real program in a pseudo-terminal read by libvterm.  PuTTY often
 * sends no LANG: a worker whose account says gb18030 (or utf-8) must get
 * a home screen their terminal shows right all the same, and with
 * neither an account setting nor a LANG the program must say how to set
 * the locale and stop, not draw garbage. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testdb.h"
#include "vt.h"

#define WAIT_MS 15000
#define KEY_F10 "\033[21~"

static const char *
bin(void)
{
	const char *b = getenv("SHEGONG_BIN");
	return b && *b ? b : "../src/shegong";
}

/* Make the demo database in dir; with enc, the running login's account
 * (a village worker of the demo) gets that encoding. */
static void
prepare(const char *dir, const char *enc)
{
	struct passwd *pw = getpwuid(getuid());
	ck_assert_ptr_nonnull(pw);
	char *cmd;
	if (enc)
		ck_assert_int_ge(asprintf(&cmd, "LANG=C.UTF-8 LC_ALL=C.UTF-8 '%s' --demo --db '%s' "
		                                "user set '%s' --encoding %s >/dev/null 2>&1",
		                          bin(), dir, pw->pw_name, enc), 0);
	else
		ck_assert_int_ge(asprintf(&cmd, "LANG=C.UTF-8 LC_ALL=C.UTF-8 '%s' --demo --db '%s' "
		                                "user list >/dev/null 2>&1", bin(), dir), 0);
	int st = system(cmd);
	free(cmd);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "setting up the demo failed");
}

static const struct {
	const char *account;   /* the encoding the account says */
	const char *terminal;  /* the terminal's own */
	char *env[7];          /* what the SSH session brings */
} cases[] = {
	/* PuTTY with no LANG at all */
	{"gb18030", "GB18030", {"LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LANGUAGE", NULL}},
	{"utf-8", "UTF-8", {"LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LANGUAGE", NULL}},
	/* an environment that says otherwise: the account wins */
	{"gb18030", "GB18030", {"LANG=zh_CN.UTF-8", "LC_ALL=zh_CN.UTF-8", "LANGUAGE", NULL}},
};

START_TEST(test_account_encoding)
{
	char *dir = testdb_dir("account");
	prepare(dir, cases[_i].account);
	char *argv[] = {(char *)bin(), "--db", dir, "--demo", NULL};
	vt *t = vt_spawn(argv, cases[_i].env, 24, 80, cases[_i].terminal);
	ck_assert_msg(t != NULL, "cannot start %s", bin());
	if (!vt_wait_text(t, "居民", WAIT_MS)) {
		vt_dump(t);
		ck_abort_msg("account %s on a %s terminal: the home screen did not come out right",
		             cases[_i].account, cases[_i].terminal);
	}
	ck_assert_int_eq(vt_send_raw(t, KEY_F10, strlen(KEY_F10)), 0);
	if (!vt_wait_text(t, "退出程序吗", WAIT_MS)) {
		vt_dump(t);
		ck_abort_msg("F10 on the home screen did not ask before leaving");
	}
	ck_assert_int_eq(vt_send_raw(t, "y", 1), 0);
	int status;
	if (!vt_wait_exit(t, WAIT_MS, &status)) {
		vt_dump(t);
		ck_abort_msg("the program did not quit");
	}
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

START_TEST(test_no_setting_no_lang)
{
	char *dir = testdb_dir("account");
	prepare(dir, NULL);
	char *argv[] = {(char *)bin(), "--db", dir, "--demo", NULL};
	char *env[] = {"LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LANGUAGE", NULL};
	vt *t = vt_spawn(argv, env, 24, 80, "UTF-8");
	ck_assert_msg(t != NULL, "cannot start %s", bin());
	int status;
	if (!vt_wait_exit(t, WAIT_MS, &status)) {
		vt_dump(t);
		ck_abort_msg("the program did not stop");
	}
	const char *screen = vt_screen(t);
	ck_assert_msg(strstr(screen, "export LANG=zh_CN.UTF-8") != NULL,
	              "the program did not say how to set the locale:\n%s", screen);
	ck_assert_msg(strstr(screen, "居民") == NULL, "the home screen was drawn");
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 2);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* The database will not open: lock.mdb damaged while another program
 * holds it (a fcntl read lock on its first byte, as LMDB's readers take;
 * alone, LMDB would make the file anew), or the folder missing.  What the
 * worker is told is that, in their account's encoding and language when
 * the data file still names them (read without the lock), in English when
 * nothing does; never that the terminal's language cannot show Chinese,
 * which is not the cause. */
static const struct {
	const char *account, *terminal, *want;
	bool missing;
} wont_open[] = {
	{"gb18030", "GB18030", "锁文件（lock.mdb）已损坏", false},
	{"utf-8", "UTF-8", "锁文件（lock.mdb）已损坏", false},
	{"utf-8", "UTF-8", "There is no database here", true},
};

START_TEST(test_db_will_not_open)
{
	char *dir = testdb_dir("account");
	prepare(dir, wont_open[_i].account);
	char lock[4200], db[4200];
	snprintf(lock, sizeof lock, "%s/lock.mdb", dir);
	snprintf(db, sizeof db, "%s%s", dir, wont_open[_i].missing ? "/nothing-here" : "");
	int fd = -1;
	if (!wont_open[_i].missing) {
		fd = open(lock, O_RDWR | O_TRUNC);
		ck_assert_int_ge(fd, 0);
		char junk[8192];
		memset(junk, 'x', sizeof junk);
		ck_assert_int_eq(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
		struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
		ck_assert_int_eq(fcntl(fd, F_SETLK, &fl), 0);
	}
	char *argv[] = {(char *)bin(), "--db", db, NULL};
	char *env[] = {"LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LANGUAGE", NULL};
	vt *t = vt_spawn(argv, env, 24, 80, wont_open[_i].terminal);
	ck_assert_msg(t != NULL, "cannot start %s", bin());
	int status;
	if (!vt_wait_exit(t, WAIT_MS, &status)) {
		vt_dump(t);
		ck_abort_msg("the program did not stop");
	}
	const char *screen = vt_screen(t);
	ck_assert_msg(strstr(screen, wont_open[_i].want) != NULL,
	              "the program did not say \"%s\":\n%s", wont_open[_i].want, screen);
	ck_assert_msg(strstr(screen, "export LANG") == NULL && strstr(screen, "cannot show") == NULL,
	              "the locale was blamed:\n%s", screen);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 1);
	vt_free(t);
	if (fd >= 0)
		close(fd);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("account");
	TCase *tc = tcase_create("account");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_account_encoding, 0, sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, test_no_setting_no_lang);
	tcase_add_loop_test(tc, test_db_will_not_open, 0, sizeof wont_open / sizeof wont_open[0]);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
