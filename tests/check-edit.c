/* check-edit.c: editing a value by characters and columns: CJK, characters
 * outside the BMP and combining marks keep the cursor right. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"

START_TEST(test_insert_and_move)
{
	struct edit e;
	ck_assert_int_eq(edit_init(&e, ""), 0);
	const char *name = "王𠈌明";
	for (const char *p = name; *p;) {
		/* typed one character at a time, as from the keyboard */
		uint32_t cp;
		size_t n = (unsigned char)*p >= 0xF0 ? 4 : (unsigned char)*p >= 0xE0 ? 3 : 1;
		cp = n == 4 ? ((uint32_t)(p[0] & 7) << 18) | ((uint32_t)(p[1] & 63) << 12) |
		                  ((uint32_t)(p[2] & 63) << 6) | (uint32_t)(p[3] & 63)
		            : ((uint32_t)(p[0] & 15) << 12) | ((uint32_t)(p[1] & 63) << 6) | (uint32_t)(p[2] & 63);
		ck_assert_int_eq(edit_insert_cp(&e, cp), 0);
		p += n;
	}
	ck_assert_str_eq(e.buf, name);
	ck_assert_int_eq(edit_cursor_col(&e), 6);
	edit_left(&e);
	ck_assert_int_eq(edit_cursor_col(&e), 4);
	edit_left(&e);                           /* over the 4-byte character */
	ck_assert_int_eq(edit_cursor_col(&e), 2);
	ck_assert_uint_eq(e.cur, 3);
	edit_delete(&e);                         /* removes 𠈌, all four bytes */
	ck_assert_str_eq(e.buf, "王明");
	edit_insert_cp(&e, 0x210C1);             /* 𡃁 */
	ck_assert_str_eq(e.buf, "王𡃁明");
	ck_assert_int_eq(edit_cursor_col(&e), 4);
	edit_end(&e);
	edit_backspace(&e);
	ck_assert_str_eq(e.buf, "王𡃁");
	edit_home(&e);
	ck_assert_int_eq(edit_cursor_col(&e), 0);
	edit_backspace(&e);                      /* nothing before the start */
	ck_assert_str_eq(e.buf, "王𡃁");
	edit_right(&e);
	edit_kill_end(&e);
	ck_assert_str_eq(e.buf, "王");
	edit_clear(&e);
	ck_assert_str_eq(e.buf, "");
	ck_assert_uint_eq(e.cur, 0);
	edit_free(&e);
}
END_TEST

START_TEST(test_combining_and_controls)
{
	struct edit e;
	edit_init(&e, "e\xcc\x81x");  /* e + combining acute, x */
	edit_home(&e);
	edit_right(&e);                /* the mark rides with its base */
	ck_assert_uint_eq(e.cur, 3);
	ck_assert_int_eq(edit_cursor_col(&e), 1);
	edit_left(&e);
	ck_assert_uint_eq(e.cur, 0);
	edit_right(&e);
	edit_backspace(&e);            /* takes base and mark together */
	ck_assert_str_eq(e.buf, "x");
	ck_assert_int_eq(edit_insert_cp(&e, 0x1B), -1);   /* ESC is never typed in */
	ck_assert_int_eq(edit_insert_cp(&e, 0x9B), -1);   /* nor C1 */
	ck_assert_int_eq(edit_insert_cp(&e, '\n'), 0);    /* a note's new line is */
	/* pasted text: bad bytes and controls dropped, the rest kept */
	edit_set(&e, "");
	ck_assert_int_eq(edit_insert(&e, "a\x1b[2J\xff张", 9), 0);
	ck_assert_str_eq(e.buf, "a[2J张");
	edit_free(&e);
}
END_TEST

START_TEST(test_view_scrolls)
{
	struct edit e;
	edit_init(&e, "张三丰张三丰张三丰张三丰");  /* 24 columns */
	size_t first;
	int col = edit_view(&e, 10, &first);  /* cursor at the end */
	ck_assert_int_le(col, 8);
	ck_assert_int_ge(col, 7);
	/* the view starts on a character boundary */
	ck_assert_uint_eq(first % 3, 0);
	edit_home(&e);
	col = edit_view(&e, 10, &first);
	ck_assert_int_eq(col, 0);
	ck_assert_uint_eq(first, 0);
	edit_free(&e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("edit");
	TCase *tc = tcase_create("edit");
	tcase_add_test(tc, test_insert_and_move);
	tcase_add_test(tc, test_combining_and_controls);
	tcase_add_test(tc, test_view_scrolls);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
