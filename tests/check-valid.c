/* check-valid.c: unit tests for the resident ID, mobile number and date validators. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "valid.h"

/* --- ID numbers -------------------------------------------------------- */

START_TEST(test_id_valid_x)
{
	struct valid_idinfo info;

	memset(&info, 0, sizeof info);
	ck_assert_int_eq(valid_idnum("11010519491231002X", &info), VALID_OK);
	ck_assert_str_eq(info.division, "110105");
	ck_assert_int_eq(info.year, 1949);
	ck_assert_int_eq(info.month, 12);
	ck_assert_int_eq(info.day, 31);
	ck_assert_int_eq(info.sex, 'F');
	ck_assert_int_eq(info.check, 'X');
	/* lower-case x is what people type */
	ck_assert_int_eq(valid_idnum("11010519491231002x", &info), VALID_OK);
	ck_assert_int_eq(info.check, 'X');
	ck_assert_int_eq(valid_idnum("11010519491231002X", NULL), VALID_OK);
}
END_TEST

START_TEST(test_id_valid_others)
{
	struct valid_idinfo info;

	ck_assert_int_eq(valid_idnum("510122198001010017", &info), VALID_OK);
	ck_assert_str_eq(info.division, "510122");
	ck_assert_int_eq(info.sex, 'M');
	ck_assert_int_eq(info.check, '7');
	ck_assert_int_eq(info.year, 1980);
	ck_assert_int_eq(info.month, 1);
	ck_assert_int_eq(info.day, 1);

	ck_assert_int_eq(valid_idnum("513422197506150036", &info), VALID_OK);
	ck_assert_int_eq(info.sex, 'M');
	ck_assert_int_eq(info.month, 6);
	ck_assert_int_eq(info.day, 15);
	/* 1900 itself is allowed */
	ck_assert_int_eq(valid_idnum("11010519000101001X", &info), VALID_OK);
	ck_assert_int_eq(info.year, 1900);
	/* Taiwan, Hong Kong and Macau codes */
	ck_assert_int_eq(valid_idnum("710105194912310021", NULL), VALID_OK);
	ck_assert_int_eq(valid_idnum("810105194912310025", NULL), VALID_OK);
	ck_assert_int_eq(valid_idnum("820105194912310027", NULL), VALID_OK);
}
END_TEST

START_TEST(test_id_checkchar)
{
	ck_assert_int_eq(valid_id_checkchar("11010519491231002"), 'X');
	ck_assert_int_eq(valid_id_checkchar("51012219800101001"), '7');
	ck_assert_int_eq(valid_id_checkchar("51342219750615003"), '6');
	ck_assert_int_eq(valid_id_checkchar("11010519490230001"), '2');
	ck_assert_int_eq(valid_id_checkchar("1101051949123100A"), '\0');
	ck_assert_int_eq(valid_id_checkchar("110105"), '\0');
}
END_TEST

START_TEST(test_id_checksum)
{
	ck_assert_int_eq(valid_idnum("110105194912310021", NULL), VALID_ID_CHECKSUM);
	ck_assert_int_eq(valid_idnum("510122198001010018", NULL), VALID_ID_CHECKSUM);
	/* two digits swapped: caught by the weights */
	ck_assert_int_eq(valid_idnum("510122198001010107", NULL), VALID_ID_CHECKSUM);
	ck_assert_int_eq(valid_idnum("51012219800101001X", NULL), VALID_ID_CHECKSUM);
}
END_TEST

START_TEST(test_id_birth)
{
	/* 30 February 1949, with a check digit that matches */
	ck_assert_int_eq(valid_idnum("110105194902300012", NULL), VALID_ID_BIRTH);
	/* month 13 */
	ck_assert_int_eq(valid_idnum("110105190013010017", NULL), VALID_ID_BIRTH);
	/* before 1900 */
	ck_assert_int_eq(valid_idnum("110105189912310015", NULL), VALID_ID_BIRTH);
	/* in 2099 */
	ck_assert_int_eq(valid_idnum("110105209901010012", NULL), VALID_ID_BIRTH);
}
END_TEST

/* An ID born on the day `days` from today, with a correct check digit. */
static void
id_born(int days, char out[19])
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	ck_assert_ptr_nonnull(localtime_r(&t, &tm));
	memcpy(out, "510122", 6);
	ck_assert_uint_eq(strftime(out + 6, 9, "%Y%m%d", &tm), 8);
	memcpy(out + 14, "001", 3);
	out[17] = valid_id_checkchar(out);
	out[18] = '\0';
}

START_TEST(test_id_birth_today_tomorrow)
{
	char id[19];

	id_born(0, id);
	ck_assert_int_eq(valid_idnum(id, NULL), VALID_OK);
	id_born(-1, id);
	ck_assert_int_eq(valid_idnum(id, NULL), VALID_OK);
	id_born(1, id);
	ck_assert_int_eq(valid_idnum(id, NULL), VALID_ID_BIRTH);
	id_born(400, id);
	ck_assert_int_eq(valid_idnum(id, NULL), VALID_ID_BIRTH);
}
END_TEST

START_TEST(test_id_length_chars)
{
	ck_assert_int_eq(valid_idnum(NULL, NULL), VALID_EMPTY);
	ck_assert_int_eq(valid_idnum("", NULL), VALID_EMPTY);
	ck_assert_int_eq(valid_idnum("11010519491231002", NULL), VALID_ID_LENGTH);
	ck_assert_int_eq(valid_idnum("11010519491231002X1", NULL), VALID_ID_LENGTH);
	ck_assert_int_eq(valid_idnum("110105491231002", NULL), VALID_ID_LENGTH);  /* old 15-digit form */
	ck_assert_int_eq(valid_idnum("11010519491231002Y", NULL), VALID_ID_CHARS);
	ck_assert_int_eq(valid_idnum("1101051949123100X2", NULL), VALID_ID_CHARS);
	ck_assert_int_eq(valid_idnum(" 1010519491231002X", NULL), VALID_ID_CHARS);
	/* full-width digits: 18 characters, but not the right ones */
	ck_assert_int_eq(valid_idnum("１１０１０５１９４９１２３１００２Ｘ", NULL), VALID_ID_CHARS);
}
END_TEST

START_TEST(test_id_region)
{
	ck_assert_int_eq(valid_idnum("990105194912310023", NULL), VALID_ID_REGION);
	ck_assert_int_eq(valid_idnum("160105194912310029", NULL), VALID_ID_REGION);
}
END_TEST

/* --- mobiles ------------------------------------------------------------ */

START_TEST(test_mobile)
{
	static const char *const good[] = {
		"13800138000", "19912345678", "15000000000",
		"138 0013 8000", "138-0013-8000", " 13800138000 ",
		"+86 138 0013 8000", "+8613800138000", "8613800138000", "+86-138-0013-8000",
	};
	static const char *const bad[] = {
		"12800138000",    /* 12 is not a mobile prefix */
		"10800138000",
		"23800138000",
		"1380013800",     /* 10 digits */
		"138001380000",   /* 12 digits */
		"+13800138000",   /* + without a country code */
		"+85213800138000",
		"+8612800138000",
		"0086 13800138000",
		"1380013800a",
		"138/0013/8000",
		"138+00138000",
		"86138001380001",
	};

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(valid_mobile(good[i]) == VALID_OK, "%s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(valid_mobile(bad[i]) == VALID_PHONE, "%s", bad[i]);
	ck_assert_int_eq(valid_mobile(""), VALID_EMPTY);
	ck_assert_int_eq(valid_mobile("   "), VALID_EMPTY);
	ck_assert_int_eq(valid_mobile(NULL), VALID_EMPTY);
}
END_TEST

/* --- dates ------------------------------------------------------------------ */

static void
check_date(const char *s, int y, int m, int d)
{
	int gy = 0, gm = 0, gd = 0;

	ck_assert_msg(valid_date(s, &gy, &gm, &gd) == VALID_OK, "%s", s);
	ck_assert_int_eq(gy, y);
	ck_assert_int_eq(gm, m);
	ck_assert_int_eq(gd, d);
}

START_TEST(test_date_good)
{
	check_date("20260315", 2026, 3, 15);
	check_date("2026-03-15", 2026, 3, 15);
	check_date("2026/3/15", 2026, 3, 15);
	check_date("2026.3.15", 2026, 3, 15);
	check_date("2026-3-5", 2026, 3, 5);
	check_date("2024-02-29", 2024, 2, 29);
	check_date("2000-02-29", 2000, 2, 29);
	check_date("20241231", 2024, 12, 31);
	check_date("2026年3月15日", 2026, 3, 15);
	check_date("2026年03月05日", 2026, 3, 5);
	check_date("2026年3月5", 2026, 3, 5);
	ck_assert_int_eq(valid_date("2026-03-15", NULL, NULL, NULL), VALID_OK);
}
END_TEST

START_TEST(test_date_bad)
{
	static const struct {
		const char *s;
		int err;
	} cases[] = {
		{"", VALID_EMPTY},
		{"2023-02-29", VALID_DATE_RANGE},
		{"1900-02-29", VALID_DATE_RANGE},
		{"19490230", VALID_DATE_RANGE},
		{"2026-13-01", VALID_DATE_RANGE},
		{"2026-00-10", VALID_DATE_RANGE},
		{"2026-04-31", VALID_DATE_RANGE},
		{"2026-04-00", VALID_DATE_RANGE},
		{"0000-01-01", VALID_DATE_RANGE},
		{"2026-3/15", VALID_DATE_FORMAT},
		{"26-3-15", VALID_DATE_FORMAT},
		{"2026315", VALID_DATE_FORMAT},
		{"202603150", VALID_DATE_FORMAT},
		{"2026-03-15x", VALID_DATE_FORMAT},
		{"2026--15", VALID_DATE_FORMAT},
		{"2026-003-15", VALID_DATE_FORMAT},
		{"2026-03-", VALID_DATE_FORMAT},
		{"2026 03 15", VALID_DATE_FORMAT},
		{"15/03/2026", VALID_DATE_FORMAT},
		{"三月", VALID_DATE_FORMAT},
		{"2026年3月", VALID_DATE_FORMAT},
		{"2026年3月15日上午", VALID_DATE_FORMAT},
		{"2026年315日", VALID_DATE_FORMAT},
		{"2026年三月十五日", VALID_DATE_FORMAT},
		{"2026年2月30日", VALID_DATE_RANGE},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int y = -1, m = -1, d = -1;
		int rc = valid_date(cases[i].s, &y, &m, &d);
		ck_assert_msg(rc == cases[i].err, "\"%s\": got %d, want %d", cases[i].s, rc, cases[i].err);
		ck_assert_int_eq(y, -1);
	}
	ck_assert_int_eq(valid_date(NULL, NULL, NULL, NULL), VALID_EMPTY);
}
END_TEST

START_TEST(test_real_date)
{
	ck_assert(valid_is_real_date(2024, 2, 29));
	ck_assert(!valid_is_real_date(2023, 2, 29));
	ck_assert(!valid_is_real_date(2100, 2, 29));
	ck_assert(valid_is_real_date(2000, 2, 29));
	ck_assert(valid_is_real_date(2026, 1, 31));
	ck_assert(!valid_is_real_date(2026, 6, 31));
	ck_assert(valid_is_real_date(2026, 12, 31));
	ck_assert(!valid_is_real_date(2026, 12, 32));
	ck_assert(!valid_is_real_date(2026, 0, 1));
	ck_assert(!valid_is_real_date(2026, 1, 0));
}
END_TEST

START_TEST(test_idnum_mask)
{
	static const char *const cases[][2] = {
		{"11010519491231002X", "110105********002X"},
		{"510421198012170972", "510421********0972"},
		{"510421801217097", "510421*****7097"},      /* 15 digits, the old kind */
		{"5104211980", "**********"},                /* too short to show any */
		{"510421<b>1217097", "****************"},   /* not an ID number at all */
		{"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *m = valid_idnum_mask(cases[i][0]);
		ck_assert_ptr_nonnull(m);
		ck_assert_str_eq(m, cases[i][1]);
		free(m);
	}
}
END_TEST

START_TEST(test_strerror)
{
	ck_assert_str_eq(valid_strerror(VALID_ID_LENGTH), "The ID number must have 18 characters");
	for (int e = VALID_EMPTY; e <= VALID_DATE_RANGE; e++) {
		const char *m = valid_strerror(e);
		ck_assert_ptr_nonnull(m);
		ck_assert_uint_gt(strlen(m), 10);
		for (int f = VALID_EMPTY; f < e; f++)
			ck_assert_str_ne(m, valid_strerror(f));
	}
	ck_assert_ptr_nonnull(valid_strerror(-1));
	ck_assert_ptr_nonnull(valid_strerror(1000));
}
END_TEST

static Suite *
valid_suite(void)
{
	Suite *s = suite_create("valid");
	TCase *tc;

	tc = tcase_create("idnum");
	tcase_add_test(tc, test_id_valid_x);
	tcase_add_test(tc, test_id_valid_others);
	tcase_add_test(tc, test_id_checkchar);
	tcase_add_test(tc, test_id_checksum);
	tcase_add_test(tc, test_id_birth);
	tcase_add_test(tc, test_id_birth_today_tomorrow);
	tcase_add_test(tc, test_id_length_chars);
	tcase_add_test(tc, test_id_region);
	suite_add_tcase(s, tc);

	tc = tcase_create("mobile");
	tcase_add_test(tc, test_mobile);
	suite_add_tcase(s, tc);

	tc = tcase_create("date");
	tcase_add_test(tc, test_date_good);
	tcase_add_test(tc, test_date_bad);
	tcase_add_test(tc, test_real_date);
	tcase_add_test(tc, test_idnum_mask);
	tcase_add_test(tc, test_strerror);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(valid_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
