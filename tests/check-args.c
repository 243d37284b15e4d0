/* check-args.c: the command line's option parser (args.h). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "util.h"

static const struct args_opt tmpl[] = {
	{"--village", 1}, {"--county", 2}, {"--repair", 0}, {"--note", 1}, {NULL, 0},
};

static int
parse(struct args *a, const char **bad, int n, char **argv)
{
	return args_parse(tmpl, n, argv, 1, a, bad);
}

START_TEST(test_operands_and_options)
{
	char *argv[] = {"verb", "resident", "--village", "510000000001", "张", "--repair",
	                "--county", "510000", "某县", "--note=a=b"};
	struct args a;
	const char *bad;
	ck_assert_int_eq(parse(&a, &bad, (int)NELEM(argv), argv), ARGS_OK);
	ck_assert_uint_eq(a.noperands, 2);
	ck_assert_str_eq(a.operands[0], "resident");
	ck_assert_str_eq(a.operands[1], "张");
	ck_assert_uint_eq(a.nitems, 4);
	ck_assert_str_eq(args_value(&a, "--village"), "510000000001");
	ck_assert_uint_eq(args_count(&a, "--repair"), 1);
	ck_assert_str_eq(a.items[2].opt->name, "--county");
	ck_assert_str_eq(a.items[2].v[0], "510000");
	ck_assert_str_eq(a.items[2].v[1], "某县");
	ck_assert_str_eq(args_value(&a, "--note"), "a=b");
	ck_assert_ptr_null(args_value(&a, "--until"));
	ck_assert_uint_eq(args_count(&a, "--until"), 0);
	args_free(&a);
}
END_TEST

START_TEST(test_last_wins_and_values_as_given)
{
	/* a value is taken as it is, even when it looks like an option */
	char *argv[] = {"verb", "--note", "--repair", "--note", "two", "--", "--village", "-x"};
	struct args a;
	const char *bad;
	ck_assert_int_eq(parse(&a, &bad, (int)NELEM(argv), argv), ARGS_OK);
	ck_assert_uint_eq(args_count(&a, "--note"), 2);
	ck_assert_str_eq(a.items[0].v[0], "--repair");
	ck_assert_str_eq(args_value(&a, "--note"), "two");
	ck_assert_uint_eq(args_count(&a, "--repair"), 0);
	/* after "--", operands; a single dash is an operand anyway */
	ck_assert_uint_eq(a.noperands, 2);
	ck_assert_str_eq(a.operands[0], "--village");
	ck_assert_str_eq(a.operands[1], "-x");
	args_free(&a);
}
END_TEST

START_TEST(test_errors)
{
	struct args a;
	const char *bad;
	char *unknown[] = {"verb", "x", "--vill", "1"};
	ck_assert_int_eq(parse(&a, &bad, (int)NELEM(unknown), unknown), ARGS_UNKNOWN);
	ck_assert_str_eq(bad, "--vill");   /* no abbreviations */
	ck_assert_ptr_null(a.items);
	ck_assert_uint_eq(a.noperands, 0);
	char *novalue[] = {"verb", "--village"};
	ck_assert_int_eq(parse(&a, &bad, (int)NELEM(novalue), novalue), ARGS_NOVALUE);
	ck_assert_str_eq(bad, "--village");
	char *half[] = {"verb", "--county", "510000"};
	ck_assert_int_eq(parse(&a, &bad, (int)NELEM(half), half), ARGS_NOVALUE);
	ck_assert_str_eq(bad, "--county");
	char *eqswitch[] = {"verb", "--repair=yes"};
	ck_assert_int_eq(parse(&a, &bad, (int)NELEM(eqswitch), eqswitch), ARGS_UNKNOWN);
	char *none[] = {"verb", "--anything"};
	ck_assert_int_eq(args_parse(NULL, (int)NELEM(none), none, 1, &a, &bad), ARGS_UNKNOWN);
	char *empty[] = {"verb"};
	ck_assert_int_eq(args_parse(NULL, 1, empty, 1, &a, &bad), ARGS_OK);
	ck_assert_uint_eq(a.noperands + a.nitems, 0);
	args_free(&a);
}
END_TEST

static Suite *
args_suite(void)
{
	Suite *s = suite_create("args");
	TCase *tc = tcase_create("args");
	tcase_add_test(tc, test_operands_and_options);
	tcase_add_test(tc, test_last_wins_and_values_as_given);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(args_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
