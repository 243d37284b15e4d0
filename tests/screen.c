/* screen.c: the screen tests' shared steps (screen.h). */
#include "config.h"

#include "screen.h"

#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const struct screen_term screen_terms[2] = {
	{"UTF-8", "zh_CN.UTF-8", {"LANG=zh_CN.UTF-8", "LC_ALL=zh_CN.UTF-8", "LANGUAGE", NULL}},
	{"GB18030", "zh_CN.GB18030",
	 {"LANG=zh_CN.GB18030", "LC_ALL=zh_CN.GB18030", "LANGUAGE", NULL}},
};

int screen_wait_ms = 15000;
int screen_pump_ms = 150;
void (*screen_on_failure)(void);

static void
failed(vt *t)
{
	vt_dump(t);
	if (screen_on_failure != NULL)
		screen_on_failure();
}

const char *
screen_bin(void)
{
	const char *b = getenv("SHEGONG_BIN");
	return b && *b ? b : "../src/shegong";
}

vt *
screen_start(const char *db, int term, bool demo, const char *login, char *extra_env)
{
	char *argv[8];
	int n = 0;
	argv[n++] = (char *)screen_bin();
	argv[n++] = "--db";
	argv[n++] = (char *)db;
	if (demo)
		argv[n++] = "--demo";
	if (login) {
		argv[n++] = "--as";
		argv[n++] = (char *)login;
	}
	argv[n] = NULL;
	const struct screen_term *st = &screen_terms[term];
	char *env[] = {st->env[0], st->env[1], st->env[2], extra_env, NULL};
	vt *t = vt_spawn(argv, env, 24, 80, st->encoding);
	ck_assert_msg(t != NULL, "cannot start %s", screen_bin());
	return t;
}

void
expect(vt *t, const char *text)
{
	if (!vt_wait_text(t, text, screen_wait_ms)) {
		failed(t);
		ck_abort_msg("\"%s\" never showed", text);
	}
}

void
keys(vt *t, const char *k)
{
	ck_assert_int_eq(vt_send_raw(t, k, strlen(k)), 0);
	/* a lone Esc waits a second for a digit (Esc 2 = F2): let it pass,
	 * so that what the test sends next is a key by itself */
	if (strcmp(k, KEY_ESC) == 0) {
		struct timespec ts = {1, 100 * 1000000L};
		nanosleep(&ts, NULL);
	}
	vt_pump(t, screen_pump_ms);
}

void
type(vt *t, const char *text)
{
	ck_assert_int_eq(vt_type(t, text), 0);
	vt_pump(t, screen_pump_ms);
}

void
screen_exited(vt *t)
{
	int status;
	if (!vt_wait_exit(t, screen_wait_ms, &status)) {
		failed(t);
		ck_abort_msg("the program did not quit");
	}
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}

void
quit_f10(vt *t, int f10s)
{
	/* no F10 after the question shows: the next would say no */
	for (int i = 0; i < f10s && !strstr(vt_screen(t), SCREEN_LEAVE_Q); i++)
		keys(t, KEY_F10);
	expect(t, SCREEN_LEAVE_Q);
	keys(t, "y");
	screen_exited(t);
}

static long long
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
quit_ssh(vt *t)
{
	int status;

	for (int i = 0; i < 8; i++) {
		if (strstr(vt_screen(t), "不保存就离开吗") != NULL ||
		    strstr(vt_screen(t), SCREEN_LEAVE_Q) != NULL)
			type(t, "y");
		else
			keys(t, KEY_F10);
		long long deadline = now_ms() + 3000;
		while (now_ms() < deadline) {
			if (vt_wait_exit(t, 100, &status)) {
				if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
					failed(t);
				ck_assert_msg(WIFEXITED(status), "ssh ended by signal %d",
					      WIFSIGNALED(status) ? WTERMSIG(status) : 0);
				ck_assert_msg(WEXITSTATUS(status) == 0,
					      "the session ended with status %d", WEXITSTATUS(status));
				return;
			}
			if (strstr(vt_screen(t), "不保存就离开吗") != NULL ||
			    strstr(vt_screen(t), SCREEN_LEAVE_Q) != NULL)
				break;
		}
	}
	failed(t);
	ck_abort_msg("the program did not quit over SSH");
}

void
screen_demo(const char *db)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execl(screen_bin(), screen_bin(), "--db", db, "--demo", "unit", "list", (char *)NULL);
		_exit(127);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
