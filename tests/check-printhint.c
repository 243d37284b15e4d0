/* check-printhint.c: the number a screen tells a worker to print with is
 * one `shegong print` takes: the volunteer certificate (F9 on a
 * volunteer) names `shegong print certificate NUMBER`, the referral slip
 * (F9 on a referral) `shegong print slip NUMBER`, and the command, run as
 * the screen says, prints that certificate or slip with that number.
 * Both encodings at 80x24. */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "testdb.h"

#define HINT "shegong print certificate "

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
	char number[64] = "";
	for (int row = 0; row < 24; row++) {
		const char *at = strstr(vt_row(t, row), HINT);
		if (at) {
			at += strlen(HINT);
			size_t k = strspn(at, "0123456789abcdef-");
			snprintf(number, sizeof number, "%.*s", (int)k, at);
		}
	}
	ck_assert_msg(strlen(number) > 12 && number[8] == '-', "no number in the hint: %s", number);
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

/* The referral slip (F9 on a referral) names `shegong print slip N`:
 * its number once it has one, and the command prints that slip. */
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
	expect(t, "shegong print slip ");
	char number[64] = "";
	for (int row = 0; row < 24; row++) {
		const char *at = strstr(vt_row(t, row), "shegong print slip ");
		if (at) {
			at += strlen("shegong print slip ");
			size_t k = strcspn(at, " ");
			snprintf(number, sizeof number, "%.*s", (int)k, at);
		}
	}
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

int
main(void)
{
	Suite *s = suite_create("printhint");
	TCase *tc = tcase_create("hint");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_certificate_hint, 0, 2);
	tcase_add_loop_test(tc, test_slip_hint, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
