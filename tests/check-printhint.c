/* check-printhint.c: the number a worker sees on a document is one
 * `shegong print` takes: the volunteer certificate (F9 on a volunteer)
 * shows its 证明编号, the referral slip (F9 on a referral) its 编号 ZJ-...;
 * each screen says p prints it; and the command, given the number as
 * shown, prints that certificate or slip with that number.  Both
 * encodings at 80x24. */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "testdb.h"

#define HINT "要打印：请按 p 键"

/* The text after label on the screen, up to a blank: the number shown. */
static void
shown_after(vt *t, const char *label, const char *first, char *out, size_t size)
{
	out[0] = '\0';
	for (int row = 0; row < 24 && !out[0]; row++) {
		const char *at = strstr(vt_row(t, row), label);
		if (!at)
			continue;
		at += strlen(label);
		at += strspn(at, " ");
		if (first && strncmp(at, first, strlen(first)) != 0)
			continue;
		snprintf(out, size, "%.*s", (int)strcspn(at, " "), at);
	}
}

START_TEST(test_certificate_hint)
{
	char *dir = testdb_dir("printhint");
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "居民");
	type(t, "4");
	expect(t, "志愿者");
	/* the entry of volunteers: the key before its label */
	bool chosen = false;
	for (int row = 0; row < 24 && !chosen; row++) {
		const char *line = vt_row(t, row), *at = strstr(line, "志愿者");
		for (const char *c = line; at && c + 3 < at && !chosen; c++)
			if (c[0] == ' ' && isalnum((unsigned char)c[1]) && c[2] == ' ' && c[3] == ' ') {
				char k[2] = {c[1], '\0'};
				type(t, k);
				chosen = true;
			}
	}
	ck_assert_msg(chosen, "no volunteers entry");
	expect(t, "查找");
	type(t, "于洋");
	expect(t, "于洋");
	keys(t, KEY_ENTER);
	keys(t, KEY_F9);
	expect(t, HINT);
	expect(t, "证明编号：");
	char number[64];
	shown_after(t, "证明编号：", NULL, number, sizeof number);
	ck_assert_msg(strlen(number) > 12 && number[8] == '-', "no number on the certificate: %s", number);
	quit_f10(t, 6);
	vt_free(t);

	/* the command as the screen says it */
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
	         "LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=zh_CN '%s' --demo --db '%s' --as anning "
	         "print certificate %s --encoding utf-8 2>&1",
	         screen_bin(), dir, number);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char out[16384];
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_msg(strstr(out, "志愿服务记录证明") != NULL, "not a certificate: %s", out);
	ck_assert_msg(strstr(out, number) != NULL, "not the number shown: %s", out);
	ck_assert_msg(strstr(out, "于洋") != NULL, "not the volunteer: %s", out);
	testdb_rm(dir);
}
END_TEST

/* The referral slip (F9 on a referral) shows its number once it has
 * one, and `shegong print slip N` prints that slip. */
START_TEST(test_slip_hint)
{
	char *dir = testdb_dir("printhint");
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "居民");
	type(t, "6");
	expect(t, "转介编号");
	keys(t, KEY_DOWN);   /* the second: the first may be a draft without a number */
	keys(t, KEY_ENTER);
	vt_pump(t, 300);
	keys(t, KEY_F9);
	expect(t, HINT);
	expect(t, "编号：");
	char number[64];
	shown_after(t, "编号：", "ZJ-", number, sizeof number);
	ck_assert_msg(strncmp(number, "ZJ-", 3) == 0, "not the slip's number: %s", number);
	quit_f10(t, 6);
	vt_free(t);

	char cmd[1024];
	snprintf(cmd, sizeof cmd,
	         "LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=zh_CN '%s' --demo --db '%s' --as anning "
	         "print slip %s --encoding utf-8 2>&1",
	         screen_bin(), dir, number);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char out[16384];
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_msg(strstr(out, "转介单") != NULL, "not a slip: %s", out);
	ck_assert_msg(strstr(out, number) != NULL, "not the number shown: %s", out);
	testdb_rm(dir);
}
END_TEST

/* p on a record with nothing of its own to print (a need) says what p
 * prints and where a slip is printed, whole on the message line at 80
 * columns: not cut with the '~' mark. */
START_TEST(test_nothing_to_print)
{
	char *dir = testdb_dir("printhint");
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "居民");
	type(t, "2");
	expect(t, "查找");
	keys(t, KEY_ENTER);
	expect(t, "F4");
	type(t, "p");
	expect(t, "转介里打印");
	const char *row = vt_row(t, 21);
	ck_assert_msg(row && strstr(row, "转介里打印") && !strchr(row, '~'),
	              "the message is not whole on its row: %s", row ? row : "");
	quit_f10(t, 6);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("printhint");
	TCase *tc = tcase_create("hint");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_certificate_hint, 0, 2);
	tcase_add_loop_test(tc, test_slip_hint, 0, 2);
	tcase_add_loop_test(tc, test_nothing_to_print, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
