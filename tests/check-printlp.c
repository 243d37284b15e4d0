/* check-printlp.c: on a PC that runs the program itself (no SSH), the
 * print dialog offers this PC's printer, through CUPS's lp, to a real
 * CUPS scheduler that tests/cupsd.sh starts on a private socket with one
 * queue writing its jobs to a file. With no default printer set, lp
 * refuses: the worker is told, and the program goes on; once the queue
 * is the default, the certificate reaches the queue's file in UTF-8, as
 * CUPS's text filters take it (and as `shegong print --lp` sends it
 * unless told --encoding gb18030), whatever the terminal's encoding, and
 * the print is in the audit trail. UTF-8 and
 * GB18030, 80x24. Skipped (77) where cupsd cannot start (not root, no
 * cups-daemon). */
#include "config.h"

#include <check.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "pdf.h"
#include "screen.h"
#include "testdb.h"

static char cups[600];
static char server_env[700];

/* Run the shell snippet with tests/cupsd.sh sourced and the scheduler's
 * folder as $D; its exit status. */
static int
cups_sh(const char *snippet)
{
	const char *srcdir = getenv("srcdir");
	char cmd[2400];
	snprintf(cmd, sizeof cmd,
	         "D='%s'; . '%s/tests/cupsd.sh' && CUPS_SERVER=\"$D/cups.sock\" && "
	         "export CUPS_SERVER && %s",
	         cups, srcdir && *srcdir ? srcdir : "..", snippet);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The queue's file, checked to be UTF-8 (malloc'd). */
static char *
printed(void)
{
	char path[700];
	snprintf(path, sizeof path, "%s/village.prn", cups);
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	static char raw[65536];
	size_t n = fread(raw, 1, sizeof raw - 1, f);
	fclose(f);
	size_t cap = n * 2 + 1, ol = cap;
	char *out = calloc(1, cap), *op = out, *ip = raw;
	ck_assert_ptr_nonnull(out);
	iconv_t cd = iconv_open("UTF-8", "UTF-8");
	ck_assert(cd != (iconv_t)-1);
	ck_assert_msg(iconv(cd, &ip, &n, &op, &ol) != (size_t)-1,
	              "the printer's file is not UTF-8");
	iconv_close(cd);
	return out;
}

/* The scheduler ends with the test, failed or not. It is not this
 * shell's child, so no wait: the end is waited for (up to 20 s) by
 * asking after the process, since cupsd writes its cache folder as it
 * goes, and a folder removed under it is left half removed. */
static void
cups_end(void)
{
	cups_sh("[ -f \"$D/pid\" ] || exit 0; p=$(cat \"$D/pid\"); kill $p 2>/dev/null; i=0; "
	        "while kill -0 $p 2>/dev/null && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done; "
	        "rm -f \"$D/pid\"");
}

struct last {
	char note[256];
};

static int
last_print(const struct audit_entry *e, void *ctx)
{
	struct last *l = ctx;
	if (strcmp(e->action, "print") == 0)
		snprintf(l->note, sizeof l->note, "%s", e->note);
	return 0;
}

START_TEST(test_pc_printer)
{
	char *dir = testdb_dir("printlp");
	char db[512];
	snprintf(db, sizeof db, "%s/db", dir);
	snprintf(cups, sizeof cups, "%s/cups", dir);
	snprintf(server_env, sizeof server_env, "CUPS_SERVER=%s/cups.sock", cups);
	if (cups_sh("cups_start \"$D\" && echo $cups_pid > \"$D/pid\"") != 0) {
		testdb_rm(dir);
		fprintf(stderr, "no private CUPS scheduler here (it needs root and cups-daemon)\n");
		exit(77);
	}
	atexit(cups_end);
	unsetenv("SSH_CONNECTION");
	vt *t = screen_start(db, _i, true, "anning", server_env);
	expect(t, "上次查看以来的新消息");
	type(t, "4");
	expect(t, "志愿者");
	keys(t, KEY_ENTER);
	expect(t, "F3 新建");
	keys(t, KEY_ENTER);
	expect(t, "p 打印");
	type(t, "p");
	expect(t, "本机的打印机");
	/* its number: after the file and, where built, the PDF; no default
	 * printer yet: lp refuses, the worker is told */
	const char *lp_key = pdf_available() ? "3" : "2";
	type(t, lp_key);
	expect(t, "本机的打印机没有接收文书");
	/* the queue made the default: the certificate is printed */
	ck_assert_int_eq(cups_sh("lpadmin -d village"), 0);
	type(t, "p");
	expect(t, "本机的打印机");
	type(t, lp_key);
	expect(t, "已发送到本机的打印机");
	ck_assert_int_eq(cups_sh("cups_wait"), 0);
	char *got = printed();
	ck_assert_msg(strstr(got, "志愿服务记录证明"), "the printer got no certificate: %s", got);
	free(got);
	store *st;
	ck_assert_int_eq(store_open(&st, db, STORE_RDONLY), STORE_OK);
	struct last l = {""};
	ck_assert_int_eq(audit_each(st, NULL, last_print, &l), 0);
	store_close(st);
	ck_assert_msg(strncmp(l.note, "doc=certificate way=lp records=vol-", 35) == 0, "note %s",
	              l.note);
	for (int i = 0; i < 8; i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");
	quit_f10(t, 1);
	vt_free(t);
	cups_end();
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("printlp");
	TCase *tc = tcase_create("printlp");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_pc_printer, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
