/* check-screen.c: the full-screen program driven through a real terminal emulator, and the harness proven on its own first. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <iconv.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vt.h"

/* Generous, for a sanitizer build on a slow machine: the demo database is
 * made before the first screen. */
#define HOME_MS 20000
#define EXIT_MS 5000
/* The brief: a dropped link must end the program within 3 s. */
#define HANGUP_MS 3000

/* --- helpers ------------------------------------------------------------ */

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
rm_tree(const char *dir)
{
	if (dir[0] != '\0')
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A directory that holds every test's database, made before the tests
 * fork and removed after them, so a test that fails half-way (and so
 * never reaches its own cleanup) leaves nothing behind.  Check's fixtures
 * take no argument: this file-level variable is the only way to hand the
 * path over. */
static char tmp_root[PATH_MAX];

static void
tmp_root_setup(void)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	snprintf(tmp_root, sizeof tmp_root, "%s/shegong-screen-XXXXXX", tmp);
	if (mkdtemp(tmp_root) == NULL) {
		fprintf(stderr, "mkdtemp %s: %s\n", tmp_root, strerror(errno));
		tmp_root[0] = '\0';
	}
}

static void
tmp_root_teardown(void)
{
	rm_tree(tmp_root);
	tmp_root[0] = '\0';
}

/* The program under test: $SHEGONG_BIN (make check sets it), else
 * ../src/shegong beside this test program. */
static void
shegong_bin(char *buf, size_t cap)
{
	const char *env = getenv("SHEGONG_BIN");
	int n;

	if (env != NULL && env[0] != '\0') {
		n = snprintf(buf, cap, "%s", env);
	} else {
		char self[PATH_MAX];
		ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
		if (len < 0)
			len = 0;
		self[len] = '\0';
		char *slash = strrchr(self, '/');
		if (slash != NULL)
			*slash = '\0';
		n = snprintf(buf, cap, "%s/../src/shegong", slash != NULL ? self : ".");
	}
	/* checked, so that a too-long path is refused rather than cut */
	ck_assert_msg(n > 0 && (size_t)n < cap, "the program's path is too long");
}

/* One run of the program on its own demo database. */
struct session {
	vt *t;
	char dir[PATH_MAX];
};

static void
session_start(struct session *s, char *const env[], const char *encoding,
	      int rows, int cols)
{
	char bin[PATH_MAX];

	shegong_bin(bin, sizeof bin);
	ck_assert_msg(access(bin, X_OK) == 0, "the program %s is not there (%s)",
		      bin, strerror(errno));
	int n = snprintf(s->dir, sizeof s->dir, "%s/db-XXXXXX",
			 tmp_root[0] != '\0' ? tmp_root : "/tmp");
	ck_assert(n > 0 && (size_t)n < sizeof s->dir);
	ck_assert_msg(mkdtemp(s->dir) != NULL, "mkdtemp: %s", strerror(errno));

	char *argv[] = {bin, "--db", s->dir, "--demo", NULL};
	s->t = vt_spawn(argv, env, rows, cols, encoding);
	ck_assert_msg(s->t != NULL, "cannot start %s", bin);
}

static void
session_end(struct session *s)
{
	vt_free(s->t);
	s->t = NULL;
	rm_tree(s->dir);
}

/* Wait until row shows text. */
static bool
wait_row(vt *t, int row, const char *text, int ms)
{
	for (int waited = 0;; waited += 20) {
		const char *r = vt_row(t, row);
		if (r != NULL && strstr(r, text) != NULL)
			return true;
		if (waited >= ms)
			return false;
		vt_pump(t, 20);
	}
}

#define assert_screen(t, cond, ...) \
	do { \
		if (!(cond)) \
			vt_dump(t); \
		ck_assert_msg(cond, __VA_ARGS__); \
	} while (0)

/* Wait for the home screen: the menu entry, then the F-key bar on the
 * bottom row. */
static void
home_wait(vt *t, const char *entry, const char *quit, int bottom)
{
	assert_screen(t, vt_wait_text(t, entry, HOME_MS), "no \"%s\" on the home screen", entry);
	assert_screen(t, wait_row(t, bottom, "F10", HOME_MS), "no F10 on row %d", bottom);
	assert_screen(t, wait_row(t, bottom, quit, HOME_MS), "no \"%s\" on row %d", quit, bottom);
}

/* The program must end with status 0 and leave the terminal as it found
 * it: normal screen, cursor shown. */
static void
assert_clean_exit(vt *t)
{
	int status = -1;

	assert_screen(t, vt_wait_exit(t, EXIT_MS, &status), "the program did not exit");
	assert_screen(t, WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "exit status 0x%x, wanted a plain exit 0", (unsigned)status);
	assert_screen(t, !vt_altscreen(t), "still on the alternate screen after exit");
	assert_screen(t, vt_cursor_visible(t), "cursor left hidden after exit");
}

/* q on the home screen, which asks before the program ends; y. */
static void
quit_home(vt *t, const char *question)
{
	ck_assert_int_eq(vt_type(t, "q"), 0);
	assert_screen(t, vt_wait_text(t, question, HOME_MS), "no \"%s\" after q", question);
	ck_assert_int_eq(vt_type(t, "y"), 0);
}

static char *env_zh_utf8[] = {
	"LANG=zh_CN.UTF-8", "LC_ALL=zh_CN.UTF-8", "LANGUAGE", NULL,
};
static char *env_zh_gb18030[] = {
	"LANG=zh_CN.GB18030", "LC_ALL=zh_CN.GB18030", "LANGUAGE", NULL,
};
static char *env_en[] = {
	"LANG=C.UTF-8", "LC_ALL=C.UTF-8", "LANGUAGE", NULL,
};

/* --- the harness on its own ---------------------------------------------- */

/* Turn bytes into a printf(1) format: every byte outside printable ASCII
 * as an octal escape, since a GB18030 trail byte can be '\\' or '%'. */
static void
printf_octal(char *out, size_t cap, const char *bytes, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 5 < cap; i++) {
		unsigned char c = (unsigned char)bytes[i];
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '%' && c != '\'')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, cap - o, "\\%03o", c);
	}
	out[o] = '\0';
}

/* What a program would write in a GB18030 locale. */
static size_t
to_gb18030(const char *utf8, char *out, size_t cap)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	ck_assert(cd != (iconv_t)-1);
	char *ip = (char *)utf8, *op = out;
	size_t il = strlen(utf8), ol = cap;
	ck_assert(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	iconv_close(cd);
	return (size_t)(op - out);
}

static vt *
sh_spawn(const char *script, char *const env[], const char *encoding)
{
	char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
	vt *t = vt_spawn(argv, env, 24, 80, encoding);

	ck_assert_msg(t != NULL, "cannot start /bin/sh");
	return t;
}

static void
sh_finish(vt *t, int want_status)
{
	int status = -1;

	assert_screen(t, vt_wait_exit(t, EXIT_MS, &status), "sh did not exit");
	assert_screen(t, WIFEXITED(status) && WEXITSTATUS(status) == want_status,
		      "sh status 0x%x", (unsigned)status);
}

/* Wide characters, one from a supplementary plane, placed by a cursor
 * move: each is one character in the text and two columns on screen. */
static void
check_wide_text(vt *t, size_t want_bytes)
{
	int row, col;

	sh_finish(t, 0);
	ck_assert_str_eq(vt_row(t, 4), "  张三𠈌");
	ck_assert_str_eq(vt_row(t, 0), "");
	ck_assert_ptr_null(vt_row(t, 24));
	ck_assert_ptr_null(vt_row(t, -1));
	ck_assert_str_eq(vt_screen(t), "\n\n\n\n  张三𠈌\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n");
	vt_cursor(t, &row, &col);
	ck_assert_int_eq(row, 4);
	ck_assert_int_eq(col, 8);
	ck_assert_uint_eq(vt_bytes_received(t), want_bytes);
	ck_assert(!vt_altscreen(t));
	ck_assert(vt_cursor_visible(t));
}

START_TEST(test_vt_utf8_text)
{
	vt *t = sh_spawn("printf '\\033[2J\\033[5;3H张三\\360\\240\\210\\214'", NULL, "UTF-8");

	check_wide_text(t, 4 + 6 + 6 + 4);
	vt_free(t);
}
END_TEST

START_TEST(test_vt_gb18030_text)
{
	char gb[32], fmt[128], script[256];
	size_t n = to_gb18030("张三𠈌", gb, sizeof gb);

	ck_assert_uint_eq(n, 2 + 2 + 4);
	printf_octal(fmt, sizeof fmt, gb, n);
	snprintf(script, sizeof script, "printf '\\033[2J\\033[5;3H%s'", fmt);
	vt *t = sh_spawn(script, NULL, "GB18030");
	check_wide_text(t, 4 + 6 + n);
	vt_free(t);
}
END_TEST

/* A read can end in the middle of a character: the harness must hold the
 * first bytes back until the rest arrives. */
START_TEST(test_vt_gb18030_split)
{
	/* 张 = d5 c5, 𠈌 = 95 32 b7 30 */
	vt *t = sh_spawn("printf '\\033[2J\\033[H\\325'; sleep 0.2; printf '\\305\\225\\062';"
			 " sleep 0.2; printf '\\267\\060!'", NULL, "GB18030");

	sh_finish(t, 0);
	ck_assert_str_eq(vt_row(t, 0), "张𠈌!");
	ck_assert_uint_eq(vt_bytes_received(t), (4 + 3 + 1) + (1 + 2) + (2 + 1));
	vt_free(t);
}
END_TEST

/* REP (repeat the last character), which ncurses sends in non-UTF-8
 * locales, behaves as in xterm: here filling the bottom row up to the
 * last column and then the corner with autowrap off, as ncurses does,
 * must not scroll (libvterm 0.1.4 alone scrolls). */
/* The terminal does not know REP: one from the program aborts the test
 * (Check sees SIGABRT), in either encoding, and when the sequence is
 * split between two reads. */
START_TEST(test_vt_rep_fails)
{
	vt *t = sh_spawn("printf '\\033[1;1HTOP\\033[24;1Hx\\033[78b'", NULL, "UTF-8");
	sh_finish(t, 0);
	vt_free(t);
}
END_TEST

START_TEST(test_vt_rep_split_fails)
{
	vt *t = sh_spawn("printf '\\271\\372\\033'; sleep 0.2; printf '[2b!'", NULL, "GB18030");
	sh_finish(t, 0);
	vt_free(t);
}
END_TEST

/* What only looks like a REP goes through: other CSI forms and finals,
 * ESC ( B, an OSC, a sequence split between reads. */
START_TEST(test_vt_rep_forms)
{
	vt *t = sh_spawn("printf '\\345\\261\\205\\033'; sleep 0.2; printf '[1m!\\033[0m\\n\\r';"
			 " printf 'q\\033(B\\033[?25h\\033]0;zz\\007\\033[2;2H.\\n\\r';"
			 " printf 'a\\033['; sleep 0.2; printf '1mb\\033[0m'",
			 NULL, "UTF-8");

	sh_finish(t, 0);
	ck_assert_str_eq(vt_row(t, 0), "居!");
	ck_assert_str_eq(vt_row(t, 1), "q.");
	ck_assert_str_eq(vt_row(t, 2), "ab");
	vt_free(t);
}
END_TEST

/* Spaces the program wrote are trailing spaces too. */
START_TEST(test_vt_trim)
{
	vt *t = sh_spawn("printf 'a b   \\033[K   '", NULL, "UTF-8");

	sh_finish(t, 0);
	ck_assert_str_eq(vt_row(t, 0), "a b");
	vt_free(t);
}
END_TEST

/* What the test types reaches the program in the terminal's encoding, and
 * the terminal's echo comes back decoded. */
static void
check_typing(const char *encoding, const char *want_hex)
{
	vt *t = sh_spawn("read line; printf '%s' \"$line\" | od -An -tx1", NULL, encoding);

	ck_assert_int_eq(vt_type(t, "张三\r"), 0);
	assert_screen(t, vt_wait_text(t, want_hex, EXIT_MS), "typed bytes %s not seen", want_hex);
	ck_assert_str_eq(vt_row(t, 0), "张三");
	sh_finish(t, 0);
	vt_free(t);
}

START_TEST(test_vt_type_utf8)
{
	check_typing("UTF-8", "e5 bc a0 e4 b8 89");
}
END_TEST

START_TEST(test_vt_type_gb18030)
{
	check_typing("GB18030", "d5 c5 c8 fd");
}
END_TEST

START_TEST(test_vt_resize)
{
	vt *t = sh_spawn("stty size; read x; stty size", NULL, "UTF-8");

	assert_screen(t, vt_wait_text(t, "24 80", EXIT_MS), "no initial size");
	ck_assert_int_eq(vt_resize(t, 30, 100), 0);
	ck_assert_int_eq(vt_send_raw(t, VT_KEY_ENTER, 1), 0);
	assert_screen(t, vt_wait_text(t, "30 100", EXIT_MS), "no new size");
	ck_assert_ptr_nonnull(vt_row(t, 29));
	ck_assert_ptr_null(vt_row(t, 30));
	sh_finish(t, 0);
	vt_free(t);
}
END_TEST

/* The emulator answers a device attributes query as a terminal would, so
 * a program that asks does not hang. */
START_TEST(test_vt_query_answered)
{
	vt *t = sh_spawn("stty raw -echo; printf '\\033[c'; head -c 7 | od -An -tx1", NULL, "UTF-8");

	assert_screen(t, vt_wait_text(t, "1b 5b 3f 31 3b 32 63", EXIT_MS), "no DA answer");
	sh_finish(t, 0);
	vt_free(t);
}
END_TEST

START_TEST(test_vt_modes)
{
	vt *t = sh_spawn("printf '\\033[?1049h\\033[?25lALT'; read x; printf '\\033[?1049l\\033[?25h'",
			 NULL, "UTF-8");

	assert_screen(t, vt_wait_text(t, "ALT", EXIT_MS), "no ALT");
	ck_assert(vt_altscreen(t));
	ck_assert(!vt_cursor_visible(t));
	ck_assert_int_eq(vt_type(t, "\r"), 0);
	sh_finish(t, 0);
	ck_assert(!vt_altscreen(t));
	ck_assert(vt_cursor_visible(t));
	ck_assert_ptr_null(strstr(vt_screen(t), "ALT"));
	vt_free(t);
}
END_TEST

START_TEST(test_vt_env)
{
	char *env[] = {"FOO=bar", "LANGUAGE", "LINES=5", NULL};
	vt *t = sh_spawn("printf '%s|%s|%s|%s' \"$TERM\" \"${LANGUAGE-unset}\" \"$FOO\" \"${COLUMNS-none}\"",
			 env, "UTF-8");

	sh_finish(t, 0);
	ck_assert_str_eq(vt_row(t, 0), "xterm-256color|unset|bar|none");
	vt_free(t);
}
END_TEST

START_TEST(test_vt_hangup)
{
	vt *t = sh_spawn("exec sleep 100", NULL, "UTF-8");
	int status = -1;

	vt_pump(t, 100);
	vt_hangup(t);
	ck_assert(vt_wait_exit(t, HANGUP_MS, &status));
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP, "status 0x%x",
		      (unsigned)status);
	ck_assert_int_eq(vt_type(t, "x"), -1);
	vt_free(t);
}
END_TEST

START_TEST(test_vt_kill_and_free)
{
	vt *t = sh_spawn("exec sleep 100", NULL, "UTF-8");
	int status = -1;

	ck_assert(!vt_wait_exit(t, 100, &status));
	ck_assert_int_eq(vt_kill(t, SIGTERM), 0);
	ck_assert(vt_wait_exit(t, EXIT_MS, &status));
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	vt_free(t);
	/* and one still running when freed */
	vt_free(sh_spawn("exec sleep 100", NULL, "UTF-8"));
}
END_TEST

START_TEST(test_vt_spawn_missing)
{
	char *argv[] = {"/nonexistent/shegong", NULL};

	ck_assert_ptr_null(vt_spawn(argv, NULL, 24, 80, "UTF-8"));
	ck_assert_ptr_null(vt_spawn(argv, NULL, 24, 80, "KOI8-R"));
}
END_TEST

/* --- the program ---------------------------------------------------------- */

START_TEST(test_home_zh_utf8)
{
	struct session s;

	session_start(&s, env_zh_utf8, "UTF-8", 24, 80);
	home_wait(s.t, "居民", "退出", 23);
	quit_home(s.t, "退出程序吗");
	assert_clean_exit(s.t);
	session_end(&s);
}
END_TEST

/* On a GB18030 terminal only GB18030 output decodes to 居民: UTF-8 bytes
 * would come out as other characters. */
START_TEST(test_home_zh_gb18030)
{
	struct session s;

	session_start(&s, env_zh_gb18030, "GB18030", 24, 80);
	home_wait(s.t, "居民", "退出", 23);
	quit_home(s.t, "退出程序吗");
	assert_clean_exit(s.t);
	session_end(&s);
}
END_TEST

START_TEST(test_f10_quits)
{
	struct session s;

	session_start(&s, env_zh_utf8, "UTF-8", 24, 80);
	home_wait(s.t, "居民", "退出", 23);
	/* F10 twice by accident (backing out of a screen): it asks, and
	 * the second F10 says no; Esc says no too */
	int status;
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(vt_send_raw(s.t, VT_KEY_F10, strlen(VT_KEY_F10)), 0);
		assert_screen(s.t, vt_wait_text(s.t, "退出程序吗", HOME_MS), "F10 did not ask");
		const char *no = i ? VT_KEY_ESC : VT_KEY_F10;
		ck_assert_int_eq(vt_send_raw(s.t, no, strlen(no)), 0);
		assert_screen(s.t, vt_wait_gone(s.t, "退出程序吗", HOME_MS), "the question stayed");
		assert_screen(s.t, !vt_wait_exit(s.t, 300, &status), "it quit on the second key");
		assert_screen(s.t, strstr(vt_screen(s.t), "居民") != NULL, "not on the home screen");
	}
	ck_assert_int_eq(vt_send_raw(s.t, VT_KEY_F10, strlen(VT_KEY_F10)), 0);
	assert_screen(s.t, vt_wait_text(s.t, "退出程序吗", HOME_MS), "F10 did not ask");
	ck_assert_int_eq(vt_type(s.t, "y"), 0);
	assert_clean_exit(s.t);
	session_end(&s);
}
END_TEST

/* A dropped SSH link: the program must notice and end by itself, not sit
 * on a dead terminal (or spin on failing reads). */
START_TEST(test_hangup_exits)
{
	struct session s;
	int status = -1;

	session_start(&s, env_zh_utf8, "UTF-8", 24, 80);
	home_wait(s.t, "居民", "退出", 23);
	vt_hangup(s.t);
	ck_assert_msg(vt_wait_exit(s.t, HANGUP_MS, &status),
		      "still running %d ms after the hang-up", HANGUP_MS);
	ck_assert_msg(WIFEXITED(status) || (WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP),
		      "status 0x%x", (unsigned)status);
	session_end(&s);
}
END_TEST

START_TEST(test_sigterm_restores)
{
	struct session s;
	int status = -1;

	session_start(&s, env_zh_utf8, "UTF-8", 24, 80);
	home_wait(s.t, "居民", "退出", 23);
	/* otherwise leaving it proves nothing */
	assert_screen(s.t, vt_altscreen(s.t), "the home screen is not on the alternate screen");
	ck_assert_int_eq(vt_kill(s.t, SIGTERM), 0);
	assert_screen(s.t, vt_wait_exit(s.t, EXIT_MS, &status), "no exit after SIGTERM");
	assert_screen(s.t, WIFEXITED(status) || (WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM),
		      "status 0x%x", (unsigned)status);
	assert_screen(s.t, !vt_altscreen(s.t), "still on the alternate screen after SIGTERM");
	assert_screen(s.t, vt_cursor_visible(s.t), "cursor left hidden after SIGTERM");
	session_end(&s);
}
END_TEST

START_TEST(test_resize_redraws)
{
	struct session s;

	session_start(&s, env_zh_utf8, "UTF-8", 24, 80);
	home_wait(s.t, "居民", "退出", 23);
	ck_assert_int_eq(vt_resize(s.t, 30, 100), 0);
	assert_screen(s.t, wait_row(s.t, 29, "F10", HOME_MS), "no F10 on row 29 after resize");
	assert_screen(s.t, wait_row(s.t, 29, "退出", HOME_MS), "no 退出 on row 29 after resize");
	assert_screen(s.t, strstr(vt_row(s.t, 23), "F10") == NULL, "old bar left on row 23");
	assert_screen(s.t, strstr(vt_screen(s.t), "居民") != NULL, "menu gone after resize");
	quit_home(s.t, "退出程序吗");
	assert_clean_exit(s.t);
	session_end(&s);
}
END_TEST

START_TEST(test_home_english)
{
	struct session s;

	session_start(&s, env_en, "UTF-8", 24, 80);
	home_wait(s.t, "Residents", "Quit", 23);
	assert_screen(s.t, strstr(vt_screen(s.t), "居民") == NULL, "Chinese in the C locale");
	quit_home(s.t, "Leave the program?");
	assert_clean_exit(s.t);
	session_end(&s);
}
END_TEST

static Suite *
screen_suite(void)
{
	Suite *s = suite_create("screen");
	TCase *tc;

	tc = tcase_create("harness");
	tcase_add_test(tc, test_vt_utf8_text);
	tcase_add_test(tc, test_vt_gb18030_text);
	tcase_add_test(tc, test_vt_gb18030_split);
	tcase_add_test_raise_signal(tc, test_vt_rep_fails, SIGABRT);
	tcase_add_test_raise_signal(tc, test_vt_rep_split_fails, SIGABRT);
	tcase_add_test(tc, test_vt_rep_forms);
	tcase_add_test(tc, test_vt_trim);
	tcase_add_test(tc, test_vt_type_utf8);
	tcase_add_test(tc, test_vt_type_gb18030);
	tcase_add_test(tc, test_vt_resize);
	tcase_add_test(tc, test_vt_query_answered);
	tcase_add_test(tc, test_vt_modes);
	tcase_add_test(tc, test_vt_env);
	tcase_add_test(tc, test_vt_hangup);
	tcase_add_test(tc, test_vt_kill_and_free);
	tcase_add_test(tc, test_vt_spawn_missing);
	suite_add_tcase(s, tc);

	tc = tcase_create("home");
	tcase_add_unchecked_fixture(tc, tmp_root_setup, tmp_root_teardown);
	tcase_add_test(tc, test_home_zh_utf8);
	tcase_add_test(tc, test_home_zh_gb18030);
	tcase_add_test(tc, test_f10_quits);
	tcase_add_test(tc, test_hangup_exits);
	tcase_add_test(tc, test_sigterm_restores);
	tcase_add_test(tc, test_resize_redraws);
	tcase_add_test(tc, test_home_english);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(screen_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
