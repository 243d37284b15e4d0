/* check-ssh.c: the dropped link for real: the program reached through a
 * real OpenSSH server on 127.0.0.1, as a village worker reaches the
 * township's server, on a UTF-8 and on a GB18030 terminal.  Half a form is
 * typed, the client side of the link drops (ssh dies, sshd hangs up the
 * session's terminal), the program on the server must end and keep the
 * draft, and the next login must offer it back with nothing lost.  A
 * client frozen while another session takes its draft back never brings
 * that draft back. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sshd.h"
#include "screen.h"

#define PACKAGES "openssh-server and openssh-client (Debian: apt-get install openssh-server openssh-client)"

#define WAIT_MS 15000      /* a screen text to show */
#define GONE_MS 10000      /* the server's program to end after the hang-up */

/* The account the test logs in as: the one running it. */
static char user[256];

/* The server, started once per test case by the unchecked fixture in
 * Check's parent process and inherited by every forked test (sshd.h).
 * No ck_assert here: a fault is kept in sshd.error for each test. */
static void
server_setup(void)
{
	const char *tools[] = {SSHD, SSH, SSH_KEYGEN};
	if (!sshd_have(tools, sizeof tools / sizeof tools[0], PACKAGES))
		return;
	struct passwd *pw = getpwuid(getuid());
	if (pw == NULL || strlen(pw->pw_name) >= sizeof user) {
		sshd_error("no user name for uid %ld", (long)getuid());
		return;
	}
	strcpy(user, pw->pw_name);
	if (!sshd_make_dir("shegong-ssh", false) || !sshd_keys())
		return;
	char auth[PATH_MAX + 32];
	snprintf(auth, sizeof auth, "%s/authorized_keys", sshd.dir);
	char *cp[] = {"/bin/cp", sshd.pub, auth, NULL};
	if (sshd_run(NULL, NULL, cp, NULL) != 0) {
		sshd_error("cannot copy %s to %s", sshd.pub, auth);
		return;
	}
	sshd_start(NULL, auth,
		   "AcceptEnv LANG LC_*\n"
		   "X11Forwarding no\n"
		   "AllowTcpForwarding no\n"
		   "AllowAgentForwarding no\n",
		   20022);
}

/* --- the client --------------------------------------------------------- */

/* Append word to f quoted for the remote shell. */
static void
shell_word(FILE *f, const char *word)
{
	fputs(" '", f);
	for (const char *p = word; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", f);
		else
			fputc(*p, f);
	}
	fputc('\'', f);
}

static void
shell_assign(FILE *f, const char *name, const char *value)
{
	char *w;
	ck_assert_int_ge(asprintf(&w, "%s=%s", name, value), 0);
	shell_word(f, w);
	free(w);
}

/* An absolute path for what the environment names, or NULL when unset. */
static char *
abs_env(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	if (v == NULL || *v == '\0')
		v = fallback;
	if (v == NULL)
		return NULL;
	char *p = realpath(v, NULL);
	ck_assert_msg(p != NULL, "%s: %s: %s", name, v, strerror(errno));
	return p;
}

static vt *
login(const char *db, int term)
{
	char *bin = abs_env("SHEGONG_BIN", "../src/shegong");
	char *localedir = abs_env("SHEGONG_LOCALEDIR", NULL);
	char *formsdir = abs_env("SHEGONG_FORMSDIR", NULL);

	/* sshd gives the session a fresh environment: all the program needs
	 * travels in the command, with the sanitizers' options of make check */
	char *cmd = NULL;
	size_t cmdlen = 0;
	FILE *f = open_memstream(&cmd, &cmdlen);
	ck_assert_ptr_nonnull(f);
	fputs("exec env -u LANGUAGE", f);
	shell_assign(f, "LANG", screen_terms[term].locale);
	shell_assign(f, "LC_ALL", screen_terms[term].locale);
	if (localedir != NULL)
		shell_assign(f, "SHEGONG_LOCALEDIR", localedir);
	if (formsdir != NULL)
		shell_assign(f, "SHEGONG_FORMSDIR", formsdir);
	static const char *const pass[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"};
	for (size_t i = 0; i < sizeof pass / sizeof pass[0]; i++) {
		const char *v = getenv(pass[i]);
		if (v != NULL)
			shell_assign(f, pass[i], v);
	}
	shell_word(f, bin);
	fputs(" --db", f);
	shell_word(f, db);
	fputs(" --demo", f);
	ck_assert_int_eq(fclose(f), 0);

	char *argv[SSHD_ARGV], port[16], dest[300];
	sshd_ssh_argv(argv, port, dest, user, true, "SendEnv=LANG LC_*", cmd);
	vt *t = vt_spawn(argv, screen_terms[term].env, 24, 80, screen_terms[term].encoding);
	ck_assert_msg(t != NULL, "cannot start %s", SSH);
	free(cmd);
	free(bin);
	free(localedir);
	free(formsdir);
	return t;
}

/* The pid of a process with an argument exactly arg (the database folder,
 * unique to one test), or 0.  Zombies have no arguments: a program that
 * has exited but is not yet reaped counts as ended. */
static pid_t
process_with_arg(const char *arg)
{
	DIR *d = opendir("/proc");
	ck_assert_msg(d != NULL, "/proc: %s", strerror(errno));
	pid_t found = 0;
	struct dirent *e;
	static char buf[65536];

	while (found == 0 && (e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end != '\0' || pid <= 0 || pid == (long)getpid())
			continue;
		char path[64];
		snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;   /* gone meanwhile */
		size_t len = 0;
		ssize_t n;
		while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
			len += (size_t)n;
		close(fd);
		buf[len] = '\0';
		for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
			if (strcmp(buf + i, arg) == 0) {
				found = (pid_t)pid;
				break;
			}
		}
	}
	closedir(d);
	return found;
}

/* --- the test ------------------------------------------------------------ */

START_TEST(test_draft_after_ssh_drop)
{
	sshd_need();
	char db[PATH_MAX + 16];
	snprintf(db, sizeof db, "%s/db-%d-XXXXXX", sshd.dir, _i);
	ck_assert_ptr_nonnull(mkdtemp(db));

	vt *t = login(db, _i);
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, "李𡃁花");                  /* 𡃁 U+210C1, outside the BMP */
	keys(t, KEY_TAB);
	type(t, "5104211980");             /* half an ID number, still in the box */
	expect(t, "5104211980");           /* echoed back over the link */
	vt_hangup(t);                      /* the village's link drops */
	int status;
	if (!vt_wait_exit(t, WAIT_MS, &status)) {
		sshd_show_log();
		ck_abort_msg("ssh did not end after its terminal hung up");
	}
	vt_free(t);

	/* sshd hangs up the session's terminal: the program must end, and
	 * keep the draft as it goes */
	long long deadline = sshd_now_ms() + GONE_MS;
	pid_t left;
	while ((left = process_with_arg(db)) != 0 && sshd_now_ms() < deadline)
		sshd_sleep_ms(50);
	if (left != 0) {
		sshd_show_log();
		kill(left, SIGKILL);
		ck_abort_msg("the program on the server (pid %ld) still runs %d s after the "
			     "link dropped", (long)left, GONE_MS / 1000);
	}

	/* the worker logs in again */
	t = login(db, _i);
	expect(t, "要恢复吗");
	expect(t, "李𡃁花");
	type(t, "y");
	expect(t, "草稿已恢复");
	expect(t, "李𡃁花");
	expect(t, "5104211980");
	quit_ssh(t);
	vt_free(t);
}
END_TEST

/* The client side freezes (ssh stopped: sshd never notices, and the
 * program on the server runs on, keys typed meanwhile waiting in the
 * client's terminal); the worker logs in again, takes the draft back and
 * saves it; the frozen client runs again and its link drops.  No draft
 * comes back at the next login, and the resident is there once. */
START_TEST(test_frozen_client_draft)
{
	static const char *const names[] = {"周𠀀梅", "吴𡃁兰"};
	sshd_need();
	char db[PATH_MAX + 16];
	snprintf(db, sizeof db, "%s/frozen-%d-XXXXXX", sshd.dir, _i);
	ck_assert_ptr_nonnull(mkdtemp(db));

	vt *a = login(db, _i);
	expect(a, "居民");
	type(a, "1");
	expect(a, "查找");
	keys(a, KEY_F3);
	expect(a, "新建");
	type(a, names[_i]);
	keys(a, KEY_TAB);
	type(a, "5104211980");
	expect(a, "5104211980");
	vt_pump(a, 7000);                  /* past the time between drafts: kept */
	ck_assert_int_eq(vt_kill(a, SIGSTOP), 0);
	ck_assert_int_eq(vt_type(a, "0101"), 0);

	vt *b = login(db, _i);
	expect(b, "要恢复吗");
	expect(b, names[_i]);
	type(b, "y");
	expect(b, "草稿已恢复");
	expect(b, "5104211980");
	keys(b, KEY_CTRL_U);
	type(b, "510421198001010017");
	keys(b, KEY_F2);
	expect(b, "已登记");
	quit_ssh(b);
	vt_free(b);

	/* the frozen client runs again, its keys reach the program, and
	 * then its link drops */
	ck_assert_int_eq(vt_kill(a, SIGCONT), 0);
	expect(a, "51042119800101");
	vt_pump(a, 6500);
	vt_hangup(a);
	int status;
	if (!vt_wait_exit(a, WAIT_MS, &status)) {
		sshd_show_log();
		ck_abort_msg("ssh did not end after its terminal hung up");
	}
	vt_free(a);
	long long deadline = sshd_now_ms() + GONE_MS;
	pid_t left;
	while ((left = process_with_arg(db)) != 0 && sshd_now_ms() < deadline)
		sshd_sleep_ms(50);
	if (left != 0) {
		sshd_show_log();
		kill(left, SIGKILL);
		ck_abort_msg("the frozen session's program (pid %ld) still runs", (long)left);
	}

	vt *c = login(db, _i);
	expect(c, "居民");
	vt_pump(c, 1000);
	ck_assert_msg(strstr(vt_screen(c), "要恢复吗") == NULL,
	              "the draft saved in another session was offered again");
	type(c, "1");
	expect(c, "查找");
	type(c, "510421198001010017");     /* by ID number: the box holds no name */
	expect(c, names[_i]);
	int n = 0;
	for (const char *p = vt_screen(c); (p = strstr(p, names[_i])) != NULL; p++)
		n++;
	ck_assert_msg(n == 1, "%d residents named %s", n, names[_i]);
	quit_ssh(c);
	vt_free(c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ssh");
	TCase *tc = tcase_create("ssh");
	tcase_add_unchecked_fixture(tc, server_setup, sshd_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_draft_after_ssh_drop, 0, 2);
	tcase_add_loop_test(tc, test_frozen_client_draft, 0, 2);
	suite_add_tcase(s, tc);
	screen_on_failure = sshd_show_log;
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
