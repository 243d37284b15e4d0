/* check-form.c: the form parser (every good construct, every kind of
 * broken file with its message), each field type's validation, defaults
 * and calculations, several records and records with amounts, include,
 * the form a record was made with, old records read under a changed
 * form, and the forms shipped in forms/ against the demo data. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"
#include "form.h"
#include "orgunit.h"
#include "referral.h"
#include "store.h"
#include "util.h"

static const char *good =
	"# a form with every construct\n"
	"form     sample\n"
	"title    Sample\n"
	"kind     resident\n"
	"version  3\n"
	"list     name, idnum level\n"
	"\n"
	"choices level\n"
	"  low    Low\n"
	"  high   High level\n"
	"\n"
	"field name\n"
	"  type      text\n"
	"  label     Name\n"
	"  hint      As on the ID card\n"
	"  required  yes\n"
	"  length    1..4\n"
	"field notes\n"
	"\ttype note\n"
	"\tlabel Notes\n"
	"field count\n"
	"  type integer\n"
	"  label Count\n"
	"  range 0..120\n"
	"field money\n"
	"  type decimal\n"
	"  label Money\n"
	"  range 0..\n"
	"field day\n"
	"  type date\n"
	"  label Day\n"
	"  default today\n"
	"field level\n"
	"  type select_one level\n"
	"  label Level\n"
	"  default low\n"
	"field cats\n"
	"  type select_multiple category\n"
	"  label Categories\n"
	"field grade\n"
	"  type text\n"
	"  label Grade\n"
	"  relevant cats contains disabled\n"
	"field alive\n"
	"  type yesno\n"
	"  label Alive\n"
	"field idnum\n"
	"  type idnum\n"
	"  label ID\n"
	"  sensitive yes\n"
	"field phone\n"
	"  type phone\n"
	"  label Phone\n"
	"field village\n"
	"  type reference unit\n"
	"  label Village\n"
	"  default village\n"
	"field who\n"
	"  type text\n"
	"  label Worker\n"
	"  default worker\n"
	"  readonly yes\n"
	"field code\n"
	"  type text\n"
	"  label Code\n"
	"  pattern [A-Z]{2}[0-9]+\n"
	"field age\n"
	"  type calculate\n"
	"  label Age\n"
	"  calculation age(idnum)\n"
	"field sexid\n"
	"  type calculate\n"
	"  label Sex\n"
	"  calculation sex(idnum)\n"
	"field born\n"
	"  type calculate\n"
	"  label Born\n"
	"  calculation birth(idnum)\n"
	"field other\n"
	"  type text\n"
	"  label Other\n"
	"  relevant level != high\n"
	"field more\n"
	"  type text\n"
	"  label More\n"
	"  relevant level = high\n"
	"field since\n"
	"  type text\n"
	"  label Since\n"
	"  relevant phone set\n";

static const char *shared_text = "choices category\n  disabled Disabled\n  dibao Dibao\n";

static struct form *shared;

static void
setup(void)
{
	struct form_error err;
	struct formset *fs = NULL;
	(void)fs;
	/* shared lists are parsed the way formset_load does: through a file */
	char dir[] = "/tmp/shegong-forms-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%s/choices", dir);
	FILE *f = fopen(path, "w");
	fputs(shared_text, f);
	fclose(f);
	fs = formset_load(dir, &err);
	ck_assert_msg(fs != NULL, "%s:%d: %s", err.file, err.line, err.msg);
	shared = fs->shared;
	fs->shared = NULL;
	formset_free(fs);
	unlink(path);
	rmdir(dir);
}

static void
teardown(void)
{
	form_free(shared);
	shared = NULL;
}

static struct form *
parse_ok(const char *text)
{
	struct form_error err;
	struct form *f = form_parse(text, "t.form", shared, &err);
	ck_assert_msg(f != NULL, "%s:%d: %s", err.file, err.line, err.msg);
	return f;
}

START_TEST(test_good_form)
{
	struct form *f = parse_ok(good);
	ck_assert_str_eq(f->name, "sample");
	ck_assert_str_eq(f->title, "Sample");
	ck_assert_int_eq(f->kind, REC_RESIDENT);
	ck_assert_uint_eq(f->version, 3);
	ck_assert_uint_eq(f->nfields, 20);
	ck_assert_uint_eq(f->nlist, 3);
	ck_assert_str_eq(f->fields[f->list[2]].name, "level");
	const struct form_field *fd = form_field(f, "name");
	ck_assert_int_eq(fd->type, FT_TEXT);
	ck_assert(fd->required);
	ck_assert_str_eq(fd->hint, "As on the ID card");
	ck_assert_int_eq(fd->minlen, 1);
	ck_assert_int_eq(fd->maxlen, 4);
	ck_assert_int_eq(form_field(f, "notes")->type, FT_NOTE);
	ck_assert_int_eq(form_field(f, "level")->choices->n, 2);
	ck_assert_str_eq(form_field(f, "cats")->choices->items[0].value, "disabled");
	ck_assert_int_eq(form_field(f, "village")->ref_kind, REC_UNIT);
	ck_assert(form_field(f, "idnum")->sensitive);
	ck_assert(form_field(f, "who")->readonly);
	ck_assert_int_eq(form_field(f, "grade")->rel_op, REL_CONTAINS);
	ck_assert_str_eq(form_field(f, "age")->calc, "age");
	ck_assert_str_eq(form_field(f, "age")->calc_arg, "idnum");
	ck_assert_str_eq(form_choice_label(form_field(f, "level"), "high"), "High level");
	ck_assert_str_eq(form_choice_label(form_field(f, "level"), "zzz"), "zzz");
	form_free(f);
}
END_TEST

/* Every day from 1900 to 2099, typed as 1980/1/5 and as 19800105, is
 * kept as "%04d-%02d-%02d" writes it; and the birth date filled from an
 * ID number (a date field's calculation, a calculate field's value) is
 * the same text, for a day of each month of 1900 to 2025. */
START_TEST(test_date_text)
{
	struct form *f = parse_ok("form x\nkind resident\nversion 1\ntitle T\n"
	                          "field idnum\n  type idnum\n  label ID\n"
	                          "field birth\n  type date\n  label Birth\n"
	                          "  calculation birth(idnum)\n"
	                          "field born\n  type calculate\n  label Born\n"
	                          "  calculation birth(idnum)\n");
	const struct form_field *fd = form_field(f, "birth"), *born = form_field(f, "born");
	ck_assert_ptr_nonnull(fd);
	ck_assert_ptr_nonnull(born);
	int64_t first = date_days_from_civil(1900, 1, 1), last = date_days_from_civil(2099, 12, 31);
	size_t days = 0, ids = 0;
	for (int64_t z = first; z <= last; z++) {
		int y, m, d;
		date_civil_from_days(z, &y, &m, &d);
		char want[16], typed[32], msg[160];
		snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
		for (int k = 0; k < 2; k++) {
			if (k)
				snprintf(typed, sizeof typed, "%04d%02d%02d", y, m, d);
			else
				snprintf(typed, sizeof typed, "%d/%d/%d", y, m, d);
			char *norm = NULL;
			ck_assert_ptr_null(form_check_value(fd, typed, &norm, msg, sizeof msg));
			ck_assert_ptr_nonnull(norm);
			ck_assert_str_eq(norm, want);
			free(norm);
		}
		days++;
		if (y > 2025 || d != 1 + (y % 28))
			continue;
		/* an ID number of that birth day (none in the future), with its
		 * check character */
		char id[40];
		snprintf(id, sizeof id, "510421%04d%02d%02d%03d", y, m, d, 100 + m);
		static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
		int sum = 0;
		for (int i = 0; i < 17; i++)
			sum += (id[i] - '0') * w[i];
		id[17] = "10X98765432"[sum % 11];
		id[18] = '\0';
		record *r = record_new(REC_RESIDENT);
		ck_assert_ptr_nonnull(r);
		ck_assert_int_eq(record_set(r, "idnum", id), 0);
		ck_assert_int_eq(form_fill_from_id(f, r, NULL), 1);
		ck_assert_str_eq(record_get(r, "birth"), want);
		char *calc = form_calculate(born, r, NULL);
		ck_assert_ptr_nonnull(calc);
		ck_assert_str_eq(calc, want);
		free(calc);
		record_free(r);
		ids++;
	}
	ck_assert_uint_eq(days, (size_t)(last - first + 1));
	ck_assert_uint_eq(ids, 126 * 12);
	form_free(f);
}
END_TEST

/* A field given a pattern twice keeps the last, and the first one's
 * compiled form is freed (the leak fuzz/form.c found: run under
 * AddressSanitizer, LeakSanitizer failed this test; fuzz/corpus/form/
 * leak-pattern-twice). */
START_TEST(test_pattern_twice)
{
	struct form *f = parse_ok("form x\nkind resident\nversion 1\ntitle T\n"
	                          "field a\n  type text\n  label A\n  pattern [a-z]+\n"
	                          "  pattern [0-9]+\n");
	const struct form_field *fd = form_field(f, "a");
	ck_assert_ptr_nonnull(fd);
	ck_assert_str_eq(fd->pattern, "[0-9]+");
	char *out = NULL, msg[160];
	ck_assert_ptr_null(form_check_value(fd, "123", &out, msg, sizeof msg));
	free(out);
	out = NULL;
	ck_assert_ptr_nonnull(form_check_value(fd, "abc", &out, msg, sizeof msg));
	free(out);
	form_free(f);
	/* a length past what a long holds is no limit (it was undefined
	 * behaviour: (long)1e30; UndefinedBehaviorSanitizer stopped here) */
	f = parse_ok("form x\nkind resident\nversion 1\ntitle T\nfield a\n  type text\n"
	             "  label A\n  length 1e30..\nfield b\n  type text\n  label B\n"
	             "  length ..1e30\n");
	ck_assert_int_eq(form_field(f, "a")->minlen, 1000000000L);
	ck_assert_int_eq(form_field(f, "b")->minlen, 0);
	ck_assert_int_eq(form_field(f, "b")->maxlen, 1000000000L);
	form_free(f);
	/* patterns as forms write them are not taken for too much */
	f = parse_ok("form x\nkind resident\nversion 1\ntitle T\nfield a\n  type text\n"
	             "  label A\n  pattern ([0-9]{6}(19|20)[0-9]{9}[0-9Xx]|[A-Z]{1,3}[0-9]{6,10}"
	             "|[[:alpha:]]+[]a-z]*(-[a-z]+)*)\n");
	form_free(f);
	/* nor these: what repeats takes a character; a ')' in brackets or
	 * after a backslash closes nothing */
	static const char *fine[] = {"(a*b)+", "(a?b?c)*", "(a|b)*", "(ab)*a*(b)+",
	                             "(a?){3}", "(ab?)?", "x{0,3}y{2,2}", "[)]+", "a\\)+", "(-[a-z]+)*",
	                             "([0-9]{3}-?)+", "(a*b)?c", "[A-Z]{8,20}", "[0-9]{1000}",
	                             "[a-z]{0,1000}"};
	for (size_t i = 0; i < sizeof fine / sizeof *fine; i++) {
		char *text;
		ck_assert_int_ge(asprintf(&text, "form x\nkind resident\nversion 1\ntitle T\nfield a\n"
		                                 "  type text\n  label A\n  pattern %s\n", fine[i]), 0);
		f = parse_ok(text);
		free(text);
		form_free(f);
	}
	/* a broken second pattern: refused, and nothing of the first kept */
	struct form_error err;
	ck_assert_ptr_null(form_parse("form x\nfield a\n  pattern [a-z]+\n  pattern ([a-z\n",
	                              "bad.form", shared, &err));
	ck_assert_int_eq(err.line, 4);
}
END_TEST

/* Every kind of broken file: the line and the words of its message. */
static const struct {
	const char *text;
	int line;
	const char *msg;
} broken[] = {
	{"form x\nwidget y\n", 2, "unknown directive \"widget\""},
	{"form x\nfield a\n  colour red\n", 3, "unknown property \"colour\""},
	{"form x\nfield a\n  type gizmo\n", 3, "unknown field type \"gizmo\""},
	{"form x\nfield a\n  type select_one\n", 3, "needs the name of its choice list"},
	{"form x\nkind resident\nversion 1\ntitle T\nfield a\n  type select_one nolist\n  label A\n", 5,
	 "\"nolist\", which is not defined"},
	{"form x\nfield a\n  type text\nfield a\n", 4, "defined twice"},
	{"choices c\n  v One\n  v Two\n", 3, "\"v\" is in the list twice"},
	{"choices c\n  v\n", 2, "needs a label"},
	{"choices c\n  a,b Both\n", 2, "may not contain a comma"},
	{"form x\nkind resident\nversion 1\ntitle T\nchoices c\nfield a\n  type text\n  label A\n", 5,
	 "has no choices"},
	{"kind resident\nversion 1\ntitle T\nfield a\n  type text\n  label A\n", 1, "no \"form NAME\""},
	{"form x\nversion 1\ntitle T\nfield a\n  type text\n  label A\n", 1, "no \"kind\""},
	{"form x\nkind resident\ntitle T\nfield a\n  type text\n  label A\n", 1, "no \"version\""},
	{"form x\nkind resident\nversion 1\nfield a\n  type text\n  label A\n", 1, "no \"title\""},
	{"form x\nkind resident\nversion 1\ntitle T\n", 1, "no fields"},
	{"form x\nkind people\n", 2, "unknown kind of record \"people\""},
	{"form x\nversion 0\n", 2, "whole number"},
	{"form x\nversion two\n", 2, "whole number"},
	{"form X-1\n", 1, "lowercase"},
	{"form x\nfield Name\n", 2, "lowercase"},
	{"form x\nfield a\n  length 1-5\n", 3, "MIN..MAX"},
	{"form x\nfield a\n  range 9..1\n", 3, "is empty"},
	{"form x\nfield a\n  range a..b\n", 3, "not a number range"},
	/* strtod reads nan: it made (long)NaN of a length (undefined behaviour) */
	{"form x\nfield a\n  length nan..5\n", 3, "not a number range"},
	{"form x\nfield a\n  range 1..nan\n", 3, "not a number range"},
	{"form x\nfield a\n  length -5..-3\n", 3, "a length counts characters"},
	{"form x\nfield a\n  required maybe\n", 3, "yes or no"},
	{"form x\nfield a\n  pattern ([a-z\n", 3, "not a valid regular expression"},
	/* regcomp copies what a repetition repeats: these took gigabytes (the
	 * first, found by fuzz/form.c, is fuzz/corpus/form/oom-stacked-plus) */
	{"form x\nfield a\n  pattern ID ++++++++++++++++++++++++++d\n", 3, "repeats too much"},
	{"form x\nfield a\n  pattern ((x{99}){99}){99}\n", 3, "repeats too much"},
	{"form x\nfield a\n  pattern [0-9]{5000}\n", 3, "repeats too much"},
	/* pieces that may match nothing: closures the square of their number,
	 * kept while the form is loaded (255 MB for these) */
	{"form x\nfield a\n  pattern [a-z]{0,4000}\n", 3, "repeats too much"},
	{"form x\nfield a\n  pattern a*{4000}\n", 3, "repeats too much"},
	/* repetitions of repetitions: regcomp's closures took hours (fuzz/corpus/form/hang-stacked-star) */
	{"form x\nfield a\n  pattern a****************************************\n", 3,
	 "can match nothing"},
	{"form x\nfield a\n  pattern ((((((((((a)*)*)*)*)*)*)*)*)*)*\n", 3, "can match nothing"},
	{"form x\nfield a\n  pattern a++++++++++\n", 3, "repeats too much"},
	{"form x\nfield a\n  pattern ((((((((((a)+)+)+)+)+)+)+)+)+)+\n", 3, "repeats too much"},
	/* a loop over what can match nothing: regcomp walks every path of
	 * empty moves again and again, exponentially (fuzz/corpus/form/
	 * hang-empty-loop: 13 s for a*+++++, minutes for the rest) */
	{"form x\nfield a\n  pattern (Full na the ID +++++)*+++++++ist\n", 3, "can match nothing"},
	{"form x\nfield a\n  pattern a*+++++\n", 3, "can match nothing"},
	{"form x\nfield a\n  pattern a?+++++\n", 3, "can match nothing"},
	{"form x\nfield a\n  pattern (a|b)*+++++\n", 3, "can match nothing"},
	{"form x\nfield a\n  pattern (a*){2000,}\n", 3, "can match nothing"},
	{"form x\nfield a\n  pattern (((a*b*)*(a*b*)*)*)*\n", 3, "can match nothing"},
	{"form x\nfield a\n  pattern ((((bb)*(bb)*)*)*)*\n", 3, "can match nothing"},
	{"form x\nfield a\n  pattern (a|)+\n", 3, "can match nothing"},
	{"form x\nfield a\n  pattern (a{0,2}b?)*\n", 3, "can match nothing"},
	{"form x\nfield a\n  pattern (^|x)*\n", 3, "can match nothing"},
	{"form x\nfield a\n  pattern (a*)\\1+\n", 3, "can match nothing"},
	/* an optional over what can match nothing doubles the empty paths
	 * (fuzz/corpus/form/slow-stacked-optional: over 6 s under ASan) */
	{"form x\nfield a\n  pattern u???????" ">??????{99}?teFu????????4???????Fu????????e\n", 3,
	 "can match nothing"},
	{"form x\nfield a\n  pattern a??????{99}\n", 3, "can match nothing"},
	{"form x\nfield a\n  pattern (a?)?\n", 3, "can match nothing"},
	{"form x\nfield a\n  pattern (a*){1,5}\n", 3, "can match nothing"},
	{"form x\nfield a\n  pattern x{0,3}{0,3}\n", 3, "can match nothing"},
	/* a ')' closing no '(' closed the "^(" put around the pattern: the
	 * fuzzer's Full na the ID +++++)*+++++++ist repeated that group
	 * (fuzz/corpus/form/hang-stray-paren), and a)|(b matched anything
	 * starting with a */
	{"form x\nfield a\n  pattern Full na the ID +++++)*+++++++ist\n", 3,
	 "not a valid regular expression"},
	{"form x\nfield a\n  pattern a)|(b\n", 3, "not a valid regular expression"},
	{"form x\nfield a\n  pattern (a))\n", 3, "not a valid regular expression"},
	{"form x\nfield a\n  calculation weight(b)\n", 3, "unknown calculation"},
	{"form x\nfield a\n  calculation age\n", 3, "written like age(idnum)"},
	{"form x\nkind resident\nversion 1\ntitle T\nfield n\n  type text\n  label N\n"
	 "field a\n  type calculate\n  label A\n  calculation age(n)\n", 8, "needs an ID number"},
	{"form x\nkind resident\nversion 1\ntitle T\nfield a\n  type calculate\n  label A\n", 5,
	 "has no calculation"},
	{"form x\nfield a\n  relevant b\n", 3, "FIELD = VALUE"},
	{"form x\nfield a\n  relevant b ~ c\n", 3, "unknown comparison"},
	{"form x\nfield a\n  relevant b =\n", 3, "needs a value"},
	{"form x\nfield a\n  relevant b set c\n", 3, "takes no value"},
	{"form x\nkind resident\nversion 1\ntitle T\nfield a\n  type text\n  label A\n"
	 "  relevant zz = 1\n", 5, "\"zz\", which is not in the form"},
	{"form x\n  type text\n", 2, "must belong to a \"field\""},
	{"form x\nkind resident\nversion 1\ntitle T\nlist a b\nfield a\n  type text\n  label A\n", 5,
	 "the field \"b\", which is not in the form"},
	{"form x\nkind resident\nversion 1\ntitle T\nfield a\n  type integer\n  label A\n"
	 "  range 0..10\n  default 11\n", 5, "breaks its own rule"},
	{"form x\nkind resident\nversion 1\ntitle T\nfield a\n  label A\n", 5, "has no type"},
	{"form x\nkind resident\nversion 1\ntitle T\nfield a\n  type text\n", 5, "has no label"},
	{"form x\nfield a\n  type reference person\n", 3, "needs a kind of record"},
	{"form x\nfield a\n  type date extra\n", 3, "takes nothing after it"},
	{"form x\ntitle \xff\xfe\n", 2, "not UTF-8"},
	{"form x\nfield a\n  type references person\n", 3, "needs a kind of record"},
	{"form x\nfield a\n  type amounts\n", 3, "needs a kind of record"},
	{"form x\nfield _form\n", 2, "lowercase"},
	{"form x\ninclude Common\n", 2, "lowercase"},
	{"form x\n\ninclude no_such_fields_file\n", 3, "no_such_fields_file.fields"},
	{"form x\nretired hobby\n", 2, "retired NAME LABEL"},
	{"form x\nretired Hobby Old hobby\n", 2, "retired NAME LABEL"},
	{"form x\nretired hobby A\nretired hobby B\n", 3, "named twice"},
	{"form x\nkind resident\nversion 1\ntitle T\nretired a Old A\nfield a\n  type text\n"
	 "  label A\n", 5, "is retired but is a field"},
};

START_TEST(test_broken_forms)
{
	struct form_error err;
	struct form *f = form_parse(broken[_i].text, "bad.form", shared, &err);
	ck_assert_msg(f == NULL, "case %d parsed", _i);
	ck_assert_str_eq(err.file, "bad.form");
	ck_assert_msg(err.line == broken[_i].line, "case %d: line %d, wanted %d (%s)", _i, err.line,
	              broken[_i].line, err.msg);
	ck_assert_msg(strstr(err.msg, broken[_i].msg) != NULL, "case %d: \"%s\" lacks \"%s\"", _i,
	              err.msg, broken[_i].msg);
}
END_TEST

/* value checks: field, typed, expected normal form (NULL = refused) */
static const struct {
	const char *field, *typed, *want;
} values[] = {
	{"name", "  王𠈌 ", "王𠈌"},
	{"name", "王小明明明", NULL},          /* 5 characters, at most 4 */
	{"name", "a\033[2Jb", NULL},            /* control characters */
	{"name", "两行\n文字", NULL},
	{"notes", "两行\n文字", "两行\n文字"},
	{"count", "42", "42"},
	{"count", "121", NULL},
	{"count", "4.5", NULL},
	{"count", "abc", NULL},
	{"money", "12.50", "12.50"},
	{"money", "-1", NULL},
	{"day", "20260315", "2026-03-15"},
	{"day", "2026-3-5", "2026-03-05"},
	{"day", "20260230", NULL},
	{"day", "yesterday", NULL},
	{"level", "high", "high"},
	{"level", "High level", "high"},
	{"level", "medium", NULL},
	{"cats", "dibao，disabled", "disabled,dibao"},
	{"cats", "Dibao", "dibao"},
	{"cats", "dibao,nothing", NULL},
	{"alive", "y", "yes"},
	{"alive", "否", "no"},
	{"alive", "perhaps", NULL},
	{"idnum", "11010519491231002x", "11010519491231002X"},
	{"idnum", "110105194912310021", NULL},
	{"idnum", "1101051949", NULL},
	{"phone", "+86 138-0013-8000", "13800138000"},
	{"phone", "0812-8123456", "0812-8123456"},
	{"phone", "12345", NULL},
	{"village", "unit-3f9a2c71d0e4-7", "unit-3f9a2c71d0e4-7"},
	{"village", "res-3f9a2c71d0e4-7", NULL},
	{"village", "安宁村", NULL},
	{"code", "AB12", "AB12"},
	{"code", "ab12", NULL},
	{"name", "", ""},
};

START_TEST(test_values)
{
	struct form *f = parse_ok(good);
	const struct form_field *fd = form_field(f, values[_i].field);
	ck_assert_ptr_nonnull(fd);
	char *out = NULL, buf[256];
	const char *why = form_check_value(fd, values[_i].typed, &out, buf, sizeof buf);
	if (values[_i].want && !*values[_i].want) {
		ck_assert_ptr_null(why);
		ck_assert_ptr_null(out);
	} else if (values[_i].want) {
		ck_assert_msg(why == NULL, "%s \"%s\": %s", values[_i].field, values[_i].typed, why);
		ck_assert_str_eq(out, values[_i].want);
	} else {
		ck_assert_msg(why != NULL, "%s \"%s\" was accepted as \"%s\"", values[_i].field,
		              values[_i].typed, out);
		ck_assert(strlen(why) > 5);
		ck_assert_ptr_null(out);
	}
	free(out);
	form_free(f);
}
END_TEST

/* several records, and records with amounts: the ids are checked one by
 * one (kind, no id twice), each amount is a plain number from 0 */
static const char *multi =
	"form multi\ntitle Multi\nkind service\nversion 1\n"
	"field who\n  type references resident\n  label Who\n"
	"field vols\n  type amounts volunteer\n  label Volunteers\n  range 0..24\n"
	"field used\n  type amounts rsc\n  label Used\n";

#define R1 "res-3f9a2c71d0e4-7"
#define R2 "res-3f9a2c71d0e4-8"
#define V1 "vol-3f9a2c71d0e4-1"
#define V2 "vol-3f9a2c71d0e4-2"

/* field, typed, normal form (NULL = refused, "" = empty), words of the refusal */
static const struct {
	const char *field, *typed, *want, *msg;
} item_values[] = {
	{"who", R1, R1, NULL},
	{"who", " " R1 " , " R2 " ", R1 "," R2, NULL},
	{"who", R2 "," R1, R2 "," R1, NULL},                 /* order kept */
	{"who", "  ", "", NULL},
	{"who", R1 "," V1, NULL, "not a resident"},           /* wrong kind */
	{"who", "unit-3f9a2c71d0e4-7", NULL, "not a resident"},
	{"who", R1 "," R1, NULL, "twice"},
	{"who", R1 ",res-3F9A2C71D0E4-7", NULL, "twice"},     /* the same id in capitals */
	{"who", R1 ",," R2, NULL, "Item 2 is empty"},
	{"who", R1 ",", NULL, "Item 2 is empty"},
	{"who", ",", NULL, "Item 1 is empty"},
	{"who", "张三", NULL, "not a resident"},
	{"who", R1 ":2", NULL, "not a resident"},
	{"who", "res-3f9a2c71d0e4-7-1", NULL, "not a resident"},
	{"who", "res-3f9a2c71d0e4-999999999999999999999999999999999999999999999999999", NULL,
	 "not a resident"},
	{"vols", V1 ":2.5, " V2 " : 1", V1 ":2.5," V2 ":1", NULL},
	{"vols", V1 ":0", V1 ":0", NULL},
	{"vols", V1 ":24", V1 ":24", NULL},
	{"vols", V1 ":.5", V1 ":.5", NULL},
	{"vols", V1, NULL, "Item 1 is not written"},          /* no amount */
	{"vols", V2 ":1," V1 ":", NULL, "Item 2 is not written"},
	{"vols", V1 ":-1", NULL, "Item 1"},
	{"vols", V1 ":abc", NULL, "Item 1"},
	{"vols", V1 ":1e3", NULL, "Item 1"},
	{"vols", V1 ":nan", NULL, "Item 1"},
	{"vols", V1 ":inf", NULL, "Item 1"},
	{"vols", V1 ":0x10", NULL, "Item 1"},
	{"vols", V1 ":1.2.3", NULL, "Item 1"},
	{"vols", V1 ":2:3", NULL, "Item 1"},
	{"vols", ":2", NULL, "Item 1"},
	{"vols", V1 ":25", NULL, "from 0 to 24"},            /* the field's range, per amount */
	{"vols", V1 ":1," V1 ":2", NULL, "twice"},
	{"vols", "res-3f9a2c71d0e4-1:2", NULL, "not a volunteer"},
	{"used", "rsc-3f9a2c71d0e4-9:1000000", "rsc-3f9a2c71d0e4-9:1000000", NULL},
	{"used", V1 ":1", NULL, "not a resource"},
};

START_TEST(test_item_values)
{
	struct form *f = parse_ok(multi);
	const struct form_field *fd = form_field(f, item_values[_i].field);
	ck_assert_ptr_nonnull(fd);
	char *out = NULL, buf[256];
	const char *why = form_check_value(fd, item_values[_i].typed, &out, buf, sizeof buf);
	if (item_values[_i].want && !*item_values[_i].want) {
		ck_assert_ptr_null(why);
		ck_assert_ptr_null(out);
	} else if (item_values[_i].want) {
		ck_assert_msg(why == NULL, "%s \"%s\": %s", item_values[_i].field, item_values[_i].typed,
		              why);
		ck_assert_str_eq(out, item_values[_i].want);
	} else {
		ck_assert_msg(why != NULL, "%s \"%s\" was accepted as \"%s\"", item_values[_i].field,
		              item_values[_i].typed, out);
		ck_assert_msg(strstr(why, item_values[_i].msg) != NULL, "case %d: \"%s\" lacks \"%s\"",
		              _i, why, item_values[_i].msg);
		ck_assert_ptr_null(out);
	}
	free(out);
	form_free(f);
}
END_TEST

START_TEST(test_item_fields)
{
	struct form *f = parse_ok(multi);
	const struct form_field *who = form_field(f, "who"), *vols = form_field(f, "vols");
	ck_assert_int_eq(who->type, FT_REFERENCES);
	ck_assert_int_eq(who->ref_kind, REC_RESIDENT);
	ck_assert_int_eq(vols->type, FT_AMOUNTS);
	ck_assert_int_eq(vols->ref_kind, REC_VOLUNTEER);
	ck_assert_int_eq(form_field(f, "used")->ref_kind, REC_RESOURCE);
	ck_assert_str_eq(form_type_name(FT_REFERENCES), "references");
	ck_assert_str_eq(form_type_name(FT_AMOUNTS), "amounts");
	/* shown as they are: the screens put names to the ids */
	char *v = form_display(who, R1 "," R2, true);
	ck_assert_str_eq(v, R1 "," R2);
	free(v);
	v = form_display(vols, V1 ":2.5", true);
	ck_assert_str_eq(v, V1 ":2.5");
	free(v);
	/* a whole record: a bad item stops it, on its field */
	record *r = record_new(REC_SERVICE);
	record_set(r, "who", R1 "," R2);
	record_set(r, "vols", V1 ":3," V2 ":4.5");
	size_t bad;
	char buf[256];
	ck_assert_ptr_null(form_check_record(f, r, &bad, buf, sizeof buf));
	record_set(r, "vols", V1 ":3," V1 ":4.5");
	const char *why = form_check_record(f, r, &bad, buf, sizeof buf);
	ck_assert_ptr_nonnull(why);
	ck_assert_str_eq(f->fields[bad].name, "vols");
	ck_assert_ptr_nonnull(strstr(why, "Volunteers: "));
	ck_assert_ptr_nonnull(strstr(why, "twice"));
	/* a value known to have passed is not checked again, but only that
	 * same text: another value of the field still is */
	size_t vi = (size_t)(form_field(f, "vols") - f->fields);
	const char *known[16] = {0};
	ck_assert_uint_lt(vi, 16);
	known[vi] = V1 ":3," V1 ":4.5";
	ck_assert_ptr_null(form_check_record_known(f, r, known, &bad, buf, sizeof buf));
	known[vi] = V1 ":3," V2 ":4.5";
	ck_assert_ptr_nonnull(form_check_record_known(f, r, known, &bad, buf, sizeof buf));
	ck_assert_str_eq(f->fields[bad].name, "vols");
	ck_assert_ptr_nonnull(form_check_record_known(f, r, NULL, &bad, buf, sizeof buf));
	/* "contains" works on several records as on several choices */
	struct form *g = parse_ok("form g\ntitle G\nkind service\nversion 1\n"
	                          "field who\n  type references resident\n  label Who\n"
	                          "field note\n  type text\n  label Note\n  relevant who contains " R2 "\n");
	ck_assert(form_relevant(form_field(g, "note"), r));
	record_set(r, "who", R1);
	ck_assert(!form_relevant(form_field(g, "note"), r));
	form_free(g);
	record_free(r);
	form_free(f);
}
END_TEST

struct sum {
	double total;
	int calls;
	char ids[4][REC_ID_TEXTMAX];
};

static void
add_amount(const char *id, double amount, void *ctx)
{
	struct sum *s = ctx;
	if (s->calls < 4)
		snprintf(s->ids[s->calls], sizeof s->ids[0], "%s", id);
	s->calls++;
	s->total += amount;
}

START_TEST(test_amounts_each)
{
	struct sum s = {0};
	ck_assert_int_eq(form_amounts_each(V1 ":2.5," V2 ":1", add_amount, &s), 2);
	ck_assert_int_eq(s.calls, 2);
	ck_assert(s.total > 3.49 && s.total < 3.51);
	ck_assert_str_eq(s.ids[0], V1);
	ck_assert_str_eq(s.ids[1], V2);
	/* blanks around the parts, as typed before normalising */
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(form_amounts_each(" " V1 " : 4 ", add_amount, &s), 1);
	ck_assert_str_eq(s.ids[0], V1);
	ck_assert(s.total == 4);
	/* nothing */
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(form_amounts_each(NULL, add_amount, &s), 0);
	ck_assert_int_eq(form_amounts_each("", add_amount, &s), 0);
	ck_assert_int_eq(form_amounts_each("  ", add_amount, &s), 0);
	ck_assert_int_eq(s.calls, 0);
	/* malformed: -1, and fn is never called, not even for the good items first */
	static const char *const broken_amounts[] = {
		V1, V1 ":", V1 ":-2", V1 ":x", V1 ":1,", V1 ":1,,", ":3", V1 ":1," V2, V1 ":1e2",
	};
	for (size_t i = 0; i < sizeof broken_amounts / sizeof broken_amounts[0]; i++) {
		ck_assert_msg(form_amounts_each(broken_amounts[i], add_amount, &s) == -1, "\"%s\"",
		              broken_amounts[i]);
		ck_assert_int_eq(s.calls, 0);
	}
	/* counting only */
	ck_assert_int_eq(form_amounts_each(V1 ":1," V2 ":2", NULL, NULL), 2);
}
END_TEST

/* "reference village": a unit, only a village; the worker's unit is its
 * default only when it is a village (issue 16). */
START_TEST(test_reference_village)
{
	struct form *f = parse_ok("form h\nkind resident\ntitle H\nversion 1\n\nfield village\n"
	                          "  type reference village\n  label Village\n"
	                          "  default village\n");
	const struct form_field *fd = form_field(f, "village");
	ck_assert_int_eq(fd->ref_kind, REC_UNIT);
	ck_assert_int_eq(fd->ref_level, UNIT_VILLAGE);
	record *r = record_new(REC_RESIDENT);
	struct form_env county = {"tester", "unit-3f9a2c71d0e4-1", "2026-11-29", false, UNIT_COUNTY, NULL};
	ck_assert_int_eq(form_apply_defaults(f, r, &county), 0);
	ck_assert_ptr_null(record_get(r, "village"));
	struct form_env village = {"anning", "unit-3f9a2c71d0e4-7", "2026-11-29", false,
	                           UNIT_VILLAGE, NULL};
	ck_assert_int_eq(form_apply_defaults(f, r, &village), 0);
	ck_assert_str_eq(record_get(r, "village"), "unit-3f9a2c71d0e4-7");
	record_free(r);
	record *u = record_new(REC_UNIT);
	char msg[256];
	ck_assert_int_eq(record_set(u, "code", "510421"), 0);
	ck_assert_int_eq(record_set(u, "name", "米易县"), 0);
	const char *why = form_check_unit(fd, u, msg, sizeof msg);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, "米易县 is a county, not a village") != NULL, "%s", why);
	ck_assert_int_eq(record_set(u, "code", "510421100"), 0);
	ck_assert_ptr_nonnull(form_check_unit(fd, u, msg, sizeof msg));
	ck_assert_int_eq(record_set(u, "code", "510421100001"), 0);
	ck_assert_ptr_null(form_check_unit(fd, u, msg, sizeof msg));
	ck_assert_ptr_nonnull(form_check_unit(fd, NULL, msg, sizeof msg));
	record_free(u);
	form_free(f);
	/* a list of records takes no level */
	struct form_error err;
	ck_assert_ptr_null(form_parse("form h\nkind resident\ntitle H\nversion 1\n\nfield v\n"
	                              "  type references village\n  label V\n",
	                              "t.form", shared, &err));
}
END_TEST

START_TEST(test_record_rules)
{
	struct form *f = parse_ok(good);
	record *r = record_new(REC_RESIDENT);
	struct form_env env = {"anning", "unit-3f9a2c71d0e4-7", "2026-11-29", false, UNIT_VILLAGE, NULL};
	ck_assert_int_eq(form_apply_defaults(f, r, &env), 0);
	ck_assert_str_eq(record_get(r, "day"), "2026-11-29");
	ck_assert_str_eq(record_get(r, "who"), "anning");
	ck_assert_str_eq(record_get(r, "village"), "unit-3f9a2c71d0e4-7");
	ck_assert_str_eq(record_get(r, "level"), "low");
	size_t bad;
	char buf[256];
	const char *why = form_check_record(f, r, &bad, buf, sizeof buf);
	ck_assert_ptr_nonnull(why);                 /* the name is required */
	ck_assert_str_eq(f->fields[bad].name, "name");
	ck_assert_ptr_nonnull(strstr(why, "Name"));
	record_set(r, "name", "张三");
	ck_assert_ptr_null(form_check_record(f, r, &bad, buf, sizeof buf));
	record_set(r, "count", "999");
	ck_assert_ptr_nonnull(form_check_record(f, r, &bad, buf, sizeof buf));
	ck_assert_str_eq(f->fields[bad].name, "count");
	record_set(r, "count", "");

	/* shown only when: grade with the disabled category, more when high */
	const struct form_field *grade = form_field(f, "grade");
	ck_assert(!form_relevant(grade, r));
	record_set(r, "cats", "dibao,disabled");
	ck_assert(form_relevant(grade, r));
	record_set(r, "cats", "dibao");
	ck_assert(!form_relevant(grade, r));
	ck_assert(form_relevant(form_field(f, "other"), r));
	ck_assert(!form_relevant(form_field(f, "more"), r));
	record_set(r, "level", "high");
	ck_assert(!form_relevant(form_field(f, "other"), r));
	ck_assert(form_relevant(form_field(f, "more"), r));
	ck_assert(!form_relevant(form_field(f, "since"), r));
	record_set(r, "phone", "13800138000");
	ck_assert(form_relevant(form_field(f, "since"), r));

	/* calculations from the ID number, on a given day */
	record_set(r, "idnum", "11010519491231002X");
	char *v = form_calculate(form_field(f, "age"), r, &env);
	ck_assert_str_eq(v, "76");
	free(v);
	struct form_env before = {"anning", NULL, "2026-12-30", false, 0, NULL};
	v = form_calculate(form_field(f, "age"), r, &before);
	ck_assert_str_eq(v, "76");
	free(v);
	struct form_env birthday = {"anning", NULL, "2026-12-31", false, 0, NULL};
	v = form_calculate(form_field(f, "age"), r, &birthday);
	ck_assert_str_eq(v, "77");
	free(v);
	v = form_calculate(form_field(f, "born"), r, &env);
	ck_assert_str_eq(v, "1949-12-31");
	free(v);
	v = form_calculate(form_field(f, "sexid"), r, &env);
	ck_assert_str_eq(v, "female");
	free(v);
	record_set(r, "idnum", "");
	ck_assert_ptr_null(form_calculate(form_field(f, "age"), r, &env));

	/* how values show */
	v = form_display(form_field(f, "idnum"), "11010519491231002X", false);
	ck_assert_str_eq(v, "110105********002X");
	free(v);
	v = form_display(form_field(f, "idnum"), "11010519491231002X", true);
	ck_assert_str_eq(v, "11010519491231002X");
	free(v);
	v = form_display(form_field(f, "cats"), "disabled,dibao", true);
	ck_assert_str_eq(v, "Disabled、Dibao");
	free(v);
	v = form_display(form_field(f, "alive"), "no", true);
	ck_assert_str_eq(v, "no");
	free(v);
	record_free(r);
	form_free(f);
}
END_TEST

/* A record saved under version 1 read under version 2: the field that
 * was dropped is kept (and listed), the new field starts empty. */
START_TEST(test_changed_form)
{
	const char *v1 = "form p\nkind resident\nversion 1\ntitle P\n"
	                 "field name\n  type text\n  label Name\n"
	                 "field hobby\n  type text\n  label Hobby\n";
	const char *v2 = "form p\nkind resident\nversion 2\ntitle P\n"
	                 "field name\n  type text\n  label Name\n"
	                 "field phone\n  type phone\n  label Phone\n";
	struct form *f1 = parse_ok(v1), *f2 = parse_ok(v2);
	record *r = record_new(REC_RESIDENT);
	record_set(r, "name", "李四");
	record_set(r, "hobby", "下棋");
	r->form_version = f1->version;
	size_t len;
	unsigned char *enc = record_encode(r, &len);
	record *back;
	ck_assert_int_eq(record_decode(enc, len, NULL, &back), 0);
	const char *extra[4];
	ck_assert_uint_eq(form_extra_fields(f2, back, extra, 4), 1);
	ck_assert_str_eq(extra[0], "hobby");
	ck_assert_str_eq(record_get(back, "hobby"), "下棋");
	ck_assert_ptr_null(record_get(back, "phone"));
	ck_assert_uint_eq(back->form_version, 1);
	size_t bad;
	char buf[256];
	ck_assert_ptr_null(form_check_record(f2, back, &bad, buf, sizeof buf));
	ck_assert_uint_eq(form_extra_fields(f1, back, extra, 4), 0);
	/* the program's own fields ("_form") are never taken for old ones */
	record_set(back, "_form", "p");
	record_set(back, "_other", "x");
	ck_assert_uint_eq(form_extra_fields(f1, back, extra, 4), 0);
	ck_assert_uint_eq(form_extra_fields(f2, back, extra, 4), 1);
	ck_assert_str_eq(extra[0], "hobby");
	/* without a retired line, by its name; with one, by its label */
	ck_assert_str_eq(form_extra_label(f2, "hobby"), "hobby");
	struct form *f3 = parse_ok("form p\nkind resident\nversion 2\ntitle P\n"
	                           "field name\n  type text\n  label Name\n"
	                           "retired  hobby   Hobby (old form)\n");
	ck_assert_uint_eq(form_extra_fields(f3, back, extra, 4), 1);
	ck_assert_str_eq(form_extra_label(f3, "hobby"), "Hobby (old form)");
	ck_assert_str_eq(form_extra_label(f3, "name"), "name");
	form_free(f3);
	free(enc);
	record_free(r);
	record_free(back);
	form_free(f1);
	form_free(f2);
}
END_TEST

static const char *
formsdir(void)
{
	const char *d = getenv("SHEGONG_FORMSDIR");
	return d && *d ? d : "../forms";
}

START_TEST(test_shipped_forms)
{
	struct form_error err;
	struct formset *fs = formset_load(formsdir(), &err);
	ck_assert_msg(fs != NULL, "%s:%d: %s", err.file, err.line, err.msg);
	ck_assert_ptr_nonnull(formset_find(fs, "resident"));
	ck_assert_ptr_nonnull(formset_find(fs, "need"));
	ck_assert_ptr_nonnull(formset_find(fs, "project"));
	ck_assert_ptr_eq(formset_for_kind(fs, REC_RESIDENT), formset_find(fs, "resident"));
	const struct form_field *cat = form_field(formset_find(fs, "resident"), "categories");
	ck_assert_int_eq(cat->type, FT_SELECT_MULTIPLE);
	ck_assert_uint_eq(cat->choices->n, 13);

	/* the six service forms: the common fields of service.fields, then
	 * their own; each fixes its function */
	static const struct {
		const char *form, *function, *own;
	} services[] = {
		{"service_assessment", "assessment", "findings"},
		{"service_assistance", "assistance", "assistance_kind"},
		{"service_care", "care", "risk"},
		{"service_governance", "governance", "activity"},
		{"service_resources", "resources", "value"},
		{"service_livelihood", "livelihood", "households"},
	};
	static const char *const common[] = {
		/* what a service is made of first (the order the worker fills it) */
		"function", "date", "worker", "village", "needs", "work_kind", "content",
		"volunteers", "resources", "beneficiaries", "headcount", "hours", "outcome", "followup",
	};
	struct form_env env = {"anning", "unit-3f9a2c71d0e4-7", "2026-11-29", false, UNIT_VILLAGE, NULL};
	for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
		struct form *f = formset_find(fs, services[i].form);
		ck_assert_msg(f != NULL, "no form %s", services[i].form);
		ck_assert_int_eq(f->kind, REC_SERVICE);
		ck_assert_uint_ge(f->version, 2);   /* raised with the choices added */
		ck_assert_uint_gt(f->nfields, 14);
		for (size_t k = 0; k < sizeof common / sizeof common[0]; k++)
			ck_assert_msg(strcmp(f->fields[k].name, common[k]) == 0, "%s: field %zu is %s, not %s",
			              f->name, k, f->fields[k].name, common[k]);
		ck_assert_ptr_nonnull(form_field(f, services[i].own));
		ck_assert_uint_ge(f->nlist, 4);
		const struct form_field *fn = form_field(f, "function");
		ck_assert(fn->required && fn->readonly);
		ck_assert_int_eq(form_field(f, "needs")->type, FT_REFERENCES);
		ck_assert_int_eq(form_field(f, "needs")->ref_kind, REC_NEED);
		ck_assert_int_eq(form_field(f, "beneficiaries")->ref_kind, REC_RESIDENT);
		ck_assert_int_eq(form_field(f, "volunteers")->type, FT_AMOUNTS);
		ck_assert_int_eq(form_field(f, "volunteers")->ref_kind, REC_VOLUNTEER);
		ck_assert_int_eq(form_field(f, "resources")->type, FT_AMOUNTS);
		ck_assert_int_eq(form_field(f, "resources")->ref_kind, REC_RESOURCE);
		ck_assert_ptr_null(form_field(f, "_form"));
		/* a new record: the defaults, then what a worker must add */
		record *r = record_new(REC_SERVICE);
		ck_assert_int_eq(form_apply_defaults(f, r, &env), 0);
		ck_assert_str_eq(record_get(r, "function"), services[i].function);
		ck_assert_str_eq(record_get(r, "date"), "2026-11-29");
		ck_assert_str_eq(record_get(r, "worker"), "anning");
		size_t bad;
		char buf[256];
		ck_assert_ptr_nonnull(form_check_record(f, r, &bad, buf, sizeof buf));
		record_set(r, "work_kind", "visit");
		record_set(r, "content", "入户走访");
		record_set(r, "volunteers", "vol-3f9a2c71d0e4-1:2,vol-3f9a2c71d0e4-2:1.5");
		record_set(r, "beneficiaries", "res-3f9a2c71d0e4-5");
		record_set(r, "_form", f->name);
		ck_assert_msg(form_check_record(f, r, &bad, buf, sizeof buf) == NULL, "%s: %s", f->name,
		              buf);
		ck_assert_ptr_eq(formset_for_record(fs, r), f);
		const char *extra[2];
		ck_assert_uint_eq(form_extra_fields(f, r, extra, 2), 0);
		record_free(r);
	}

	/* volunteers, organisations, resources */
	static const struct {
		const char *form;
		int kind;
		const char *required;
	} others[] = {
		{"volunteer", REC_VOLUNTEER, "idnum"},
		{"org", REC_ORG, "name"},
		{"resource", REC_RESOURCE, "provider"},
	};
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		struct form *f = formset_find(fs, others[i].form);
		ck_assert_msg(f != NULL, "no form %s", others[i].form);
		ck_assert_int_eq(f->kind, others[i].kind);
		ck_assert_ptr_eq(formset_for_kind(fs, others[i].kind), f);
		ck_assert(form_field(f, others[i].required)->required);
	}
	struct form *vol = formset_find(fs, "volunteer");
	ck_assert(form_field(vol, "idnum")->sensitive);
	ck_assert_ptr_null(form_field(vol, "hours"));     /* they add up from services */
	ck_assert_int_eq(form_field(vol, "team")->ref_kind, REC_ORG);
	ck_assert_str_eq(form_field(vol, "status")->dflt, "active");
	struct form *org = formset_find(fs, "org");
	ck_assert_int_eq(form_field(org, "members")->type, FT_REFERENCES);
	ck_assert_int_eq(form_field(org, "volunteer_members")->ref_kind, REC_VOLUNTEER);
	ck_assert_str_eq(form_field(org, "stage")->dflt, "cultivating");
	struct form *rsc = formset_find(fs, "resource");
	ck_assert_int_eq(form_field(rsc, "quantity")->type, FT_DECIMAL);
	ck_assert_uint_eq(form_field(rsc, "category")->choices->n, 4);
	ck_assert_str_eq(form_field(rsc, "status")->dflt, "available");
	ck_assert_uint_ge(fs->nforms, 13);

	/* referrals: the steps set the state and dates, never the worker */
	struct form *ref = formset_find(fs, "referral");
	ck_assert_ptr_nonnull(ref);
	ck_assert_int_eq(ref->kind, REC_REFERRAL);
	ck_assert_ptr_eq(formset_for_kind(fs, REC_REFERRAL), ref);
	static const char *const required[] = {"resident", "category", "urgency", "reason",
	                                       "consent", "village", "status"};
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
		ck_assert_msg(form_field(ref, required[i])->required, "%s not required", required[i]);
	static const char *const fixed[] = {"village", "status", "number", "submitted", "due",
	                                    "accepted", "resolved", "closed", "outcome",
	                                    "outcome_reason", "feedback", "return_reason", "parent"};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		ck_assert_msg(form_field(ref, fixed[i])->readonly, "%s not read-only", fixed[i]);
	ck_assert_int_eq(form_field(ref, "needs")->ref_kind, REC_NEED);
	ck_assert_int_eq(form_field(ref, "parent")->ref_kind, REC_REFERRAL);
	ck_assert_int_eq(form_field(ref, "consent")->type, FT_YESNO);
	ck_assert(form_field(ref, "category")->sensitive);
	ck_assert_uint_eq(form_field(ref, "category")->choices->n, 7);
	/* the stored states and outcomes are referral.c's names */
	const struct form_choices *states = form_field(ref, "status")->choices;
	ck_assert_uint_eq(states->n, 9);
	for (size_t i = 0; i < states->n; i++)
		ck_assert_int_eq(referral_state_from_name(states->items[i].value), (int)i + 1);
	const struct form_choices *outs = form_field(ref, "outcome")->choices;
	ck_assert_uint_eq(outs->n, 6);
	for (size_t i = 0; i < outs->n; i++)
		ck_assert_int_eq(referral_outcome_from_name(outs->items[i].value), (int)i + 1);
	struct form_env renv = {"anning", "unit-3f9a2c71d0e4-7", "2026-11-29", false, UNIT_VILLAGE, NULL};
	record *rr = record_new(REC_REFERRAL);
	ck_assert_int_eq(form_apply_defaults(ref, rr, &renv), 0);
	ck_assert_str_eq(record_get(rr, "status"), "draft");
	ck_assert_str_eq(record_get(rr, "urgency"), "normal");
	ck_assert_str_eq(record_get(rr, "village"), "unit-3f9a2c71d0e4-7");
	record_free(rr);
	formset_free(fs);
}
END_TEST

/* A folder with a broken form: the file and line are named, and nothing loads. */
START_TEST(test_broken_folder)
{
	char dir[] = "/tmp/shegong-forms-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char a[96], b[96];
	snprintf(a, sizeof a, "%s/a.form", dir);
	snprintf(b, sizeof b, "%s/b.form", dir);
	FILE *f = fopen(a, "w");
	fputs("form a\nkind need\nversion 1\ntitle A\nfield x\n  type text\n  label X\n", f);
	fclose(f);
	f = fopen(b, "w");
	fputs("form b\nkind need\nversion 1\ntitle B\nfield x\n  type txet\n  label X\n", f);
	fclose(f);
	struct form_error err;
	ck_assert_ptr_null(formset_load(dir, &err));
	ck_assert_str_eq(err.file, b);
	ck_assert_int_eq(err.line, 6);
	ck_assert_ptr_nonnull(strstr(err.msg, "txet"));
	/* a file whose name is not its form's */
	f = fopen(b, "w");
	fputs("form c\nkind need\nversion 1\ntitle B\nfield x\n  type text\n  label X\n", f);
	fclose(f);
	ck_assert_ptr_null(formset_load(dir, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "\"c\""));
	unlink(b);
	struct formset *fs = formset_load(dir, &err);
	ck_assert_ptr_nonnull(fs);
	ck_assert_uint_eq(fs->nforms, 1);
	formset_free(fs);
	unlink(a);
	rmdir(dir);
}
END_TEST

/* --- include -------------------------------------------------------------- */

static void
put_file(const char *dir, const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void
remove_dir(const char *dir)
{
	char cmd[96];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *common_fields =
	"# shared fields\n"                       /* 1 */
	"choices mood\n"                          /* 2 */
	"  good  Good\n"                          /* 3 */
	"  bad   Bad\n"                           /* 4 */
	"\n"                                      /* 5 */
	"field kind\n"                            /* 6 */
	"  type      select_one service\n"        /* 7 */
	"  label     Kind\n"                      /* 8 */
	"  required  yes\n"                       /* 9 */
	"field mood\n"                            /* 10 */
	"  type      select_one mood\n"           /* 11 */
	"  label     Mood\n"                      /* 12 */
	"field helpers\n"                         /* 13 */
	"  type      amounts volunteer\n"         /* 14 */
	"  label     Helpers\n";                  /* 15 */

static const char *including_form =
	"form a\n"                                /* 1 */
	"title A\n"                               /* 2 */
	"kind service\n"                          /* 3 */
	"version 1\n"                             /* 4 */
	"list date kind helpers\n"                /* 5 */
	"field date\n"                            /* 6 */
	"  type date\n"                           /* 7 */
	"  label Date\n"                          /* 8 */
	"include common\n"                        /* 9 */
	"field kind\n"                            /* 10 */
	"  default care\n"                        /* 11 */
	"  readonly yes\n"                        /* 12 */
	"field own\n"                             /* 13 */
	"  type text\n"                           /* 14 */
	"  label Own\n"                           /* 15 */
	"  relevant mood = bad\n";                /* 16 */

START_TEST(test_include)
{
	char dir[] = "/tmp/shegong-forms-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	put_file(dir, "choices", "choices service\n  care Care\n  governance Governance\n");
	put_file(dir, "common.fields", common_fields);
	put_file(dir, "a.form", including_form);
	put_file(dir, "b.form", "form b\ntitle B\nkind service\nversion 1\ninclude common\n");
	struct form_error err;
	struct formset *fs = formset_load(dir, &err);
	ck_assert_msg(fs != NULL, "%s:%d: %s", err.file, err.line, err.msg);
	ck_assert_uint_eq(fs->nforms, 2);   /* a .fields file is not a form */
	struct form *a = formset_find(fs, "a");
	ck_assert_uint_eq(a->nfields, 5);
	/* in the place of the include, in the included file's order */
	static const char *const order[] = {"date", "kind", "mood", "helpers", "own"};
	for (size_t i = 0; i < 5; i++)
		ck_assert_str_eq(a->fields[i].name, order[i]);
	const struct form_field *kind = form_field(a, "kind");
	ck_assert_int_eq(kind->type, FT_SELECT_ONE);
	ck_assert_str_eq(kind->label, "Kind");
	ck_assert(kind->required);
	ck_assert(kind->readonly);                 /* the form's own block changed it */
	ck_assert_str_eq(kind->dflt, "care");
	ck_assert_uint_eq(kind->choices->n, 2);    /* from the shared lists */
	ck_assert_uint_eq(form_field(a, "mood")->choices->n, 2);  /* from the included file */
	ck_assert_int_eq(form_field(a, "helpers")->type, FT_AMOUNTS);
	ck_assert_uint_eq(a->nlist, 3);
	ck_assert_str_eq(a->fields[a->list[2]].name, "helpers");
	struct form *b = formset_find(fs, "b");
	ck_assert_uint_eq(b->nfields, 3);
	ck_assert_ptr_null(form_field(b, "kind")->dflt);
	ck_assert(!form_field(b, "kind")->readonly);
	record *r = record_new(REC_SERVICE);
	struct form_env env = {"anning", NULL, "2026-11-29", false, 0, NULL};
	ck_assert_int_eq(form_apply_defaults(a, r, &env), 0);
	ck_assert_str_eq(record_get(r, "kind"), "care");
	record_free(r);
	formset_free(fs);

	/* form_parse finds the file beside the path it is given */
	char path[96];
	snprintf(path, sizeof path, "%s/a.form", dir);
	struct form *f = form_parse(including_form, path, NULL, &err);
	ck_assert_ptr_null(f);     /* without the shared lists, "service" is unknown ... */
	snprintf(path, sizeof path, "%s/common.fields", dir);
	ck_assert_str_eq(err.file, path);   /* ... and the fault is in the included file */
	ck_assert_int_eq(err.line, 6);
	ck_assert_ptr_nonnull(strstr(err.msg, "\"service\""));
	remove_dir(dir);
}
END_TEST

/* Faults with include: which file, which line, what words. */
static const struct {
	const char *fields;   /* common.fields, or NULL for none */
	const char *form;     /* a.form */
	const char *file;     /* the file named: "common.fields" or "a.form" */
	int line;
	const char *msg;
} include_faults[] = {
	/* the included file is not there: the form's line names it */
	{NULL, "form a\ntitle A\nkind service\nversion 1\n\ninclude common\n", "a.form", 6,
	 "common.fields"},
	/* a fault inside it: its own name and line */
	{"field x\n  type text\n  label X\nfield y\n  type txet\n  label Y\n",
	 "form a\ntitle A\nkind service\nversion 1\ninclude common\n", "common.fields", 5, "txet"},
	{"field x\n  type text\n\nfield y\n  type text\n  label Y\n",
	 "form a\ntitle A\nkind service\nversion 1\ninclude common\n", "common.fields", 1,
	 "has no label"},
	{"field x\n  label X\n", "form a\ntitle A\nkind service\nversion 1\ninclude common\n",
	 "common.fields", 1, "has no type"},
	{"choices c\nfield x\n  type text\n  label X\n",
	 "form a\ntitle A\nkind service\nversion 1\ninclude common\n", "common.fields", 1,
	 "has no choices"},
	{"field x\n  type text\n  label X\nform z\n",
	 "form a\ntitle A\nkind service\nversion 1\ninclude common\n", "common.fields", 4,
	 "does not belong here"},
	{"field x\n  type text\n  label X\ninclude common\n",
	 "form a\ntitle A\nkind service\nversion 1\ninclude common\n", "common.fields", 4,
	 "does not belong here"},
	{"\n\nfield x\n  type select_one nolist\n  label X\n",
	 "form a\ntitle A\nkind service\nversion 1\ninclude common\n", "common.fields", 3,
	 "\"nolist\", which is not defined"},
	{"field x\n  type text\n  label \xff\n",
	 "form a\ntitle A\nkind service\nversion 1\ninclude common\n", "common.fields", 3,
	 "not UTF-8"},
	/* a field the form has already */
	{"field x\n  type text\n  label X\n",
	 "form a\ntitle A\nkind service\nversion 1\nfield x\n  type text\n  label X\ninclude common\n",
	 "common.fields", 1, "defined twice"},
	/* the same file twice */
	{"field x\n  type text\n  label X\n",
	 "form a\ntitle A\nkind service\nversion 1\ninclude common\ninclude common\n",
	 "common.fields", 1, "defined twice"},
	/* the form changes an included field once, not twice */
	{"field x\n  type text\n  label X\n",
	 "form a\ntitle A\nkind service\nversion 1\ninclude common\nfield x\n  hint H\n"
	 "field x\n  hint I\n", "a.form", 8, "defined twice"},
	/* a default the form gives an included field must pass its rules: the form's line */
	{"field x\n  type integer\n  label X\n  range 0..9\n",
	 "form a\ntitle A\nkind service\nversion 1\ninclude common\n\nfield x\n  default 10\n",
	 "a.form", 7, "breaks its own rule"},
	/* after the include, the form's own faults are the form's again */
	{"field x\n  type text\n  label X\n",
	 "form a\ntitle A\nkind service\nversion 1\ninclude common\nlist x y\n", "a.form", 6,
	 "the field \"y\""},
	{"field x\n  type text\n  label X\n",
	 "form a\ntitle A\nkind service\nversion 1\ninclude common\n  type text\n", "a.form", 6,
	 "must belong to a \"field\""},
	/* an included field's "relevant" names a field no one has */
	{"field x\n  type text\n  label X\n  relevant zz set\n",
	 "form a\ntitle A\nkind service\nversion 1\ninclude common\n", "common.fields", 1,
	 "\"zz\", which is not in the form"},
};

START_TEST(test_include_faults)
{
	char dir[] = "/tmp/shegong-forms-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	if (include_faults[_i].fields)
		put_file(dir, "common.fields", include_faults[_i].fields);
	put_file(dir, "a.form", include_faults[_i].form);
	struct form_error err;
	struct formset *fs = formset_load(dir, &err);
	ck_assert_msg(fs == NULL, "case %d loaded", _i);
	char want[128];
	snprintf(want, sizeof want, "%s/%s", dir, include_faults[_i].file);
	ck_assert_msg(strcmp(err.file, want) == 0, "case %d: file %s, wanted %s (%s)", _i, err.file,
	              want, err.msg);
	ck_assert_msg(err.line == include_faults[_i].line, "case %d: line %d, wanted %d (%s)", _i,
	              err.line, include_faults[_i].line, err.msg);
	ck_assert_msg(strstr(err.msg, include_faults[_i].msg) != NULL, "case %d: \"%s\" lacks \"%s\"",
	              _i, err.msg, include_faults[_i].msg);
	remove_dir(dir);
}
END_TEST

/* formset_load reads an included file once: the forms after the first
 * that include it get copies of what it brought.  Each copy is the
 * form's own (its changes stay in it, its pattern is compiled for it),
 * and a fault that depends on the including form is found in every form
 * at the same file and line as when the file is read for it alone. */
static const char *kept_fields =
	"field code\n"                            /* 1 */
	"  type text\n"                           /* 2 */
	"  label Code\n"                          /* 3 */
	"  pattern [0-9]{3}\n"                    /* 4 */
	"field why\n"                             /* 5 */
	"  type text\n"                           /* 6 */
	"  label Why\n"                           /* 7 */
	"  relevant own set\n"                    /* 8 */
	"choices mood\n"                          /* 9 */
	"  good Good\n";                          /* 10 */

#define KEPT_HEAD(name) "form " name "\ntitle T\nkind service\nversion 1\n"
#define KEPT_OWN "field own\n  type text\n  label Own\n"

static const struct {
	const char *form;   /* c.form, read after a.form and b.form */
	int line;           /* of the fault in kept.fields */
	const char *msg;
} kept_faults[] = {
	/* c has no field "own", which the included "why" names */
	{KEPT_HEAD("c") "include kept\n", 5, "\"own\""},
	/* c has "why" itself before the include */
	{KEPT_HEAD("c") KEPT_OWN "field why\n  type text\n  label W\ninclude kept\n", 5,
	 "defined twice"},
	/* c has the list "mood" itself */
	{KEPT_HEAD("c") KEPT_OWN "choices mood\n  bad Bad\ninclude kept\n", 9, "defined twice"},
};

START_TEST(test_include_read_once)
{
	char dir[] = "/tmp/shegong-forms-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	put_file(dir, "kept.fields", kept_fields);
	put_file(dir, "a.form", KEPT_HEAD("a") "include kept\n" KEPT_OWN
	                        "field code\n  hint Three digits\n");
	put_file(dir, "b.form", KEPT_HEAD("b") KEPT_OWN "include kept\n");
	struct form_error err;
	struct formset *fs = formset_load(dir, &err);
	ck_assert_msg(fs != NULL, "%s:%d: %s", err.file, err.line, err.msg);
	struct form *a = formset_find(fs, "a"), *b = formset_find(fs, "b");
	ck_assert_str_eq(form_field(a, "code")->hint, "Three digits");
	ck_assert_ptr_null(form_field(b, "code")->hint);    /* a's change is a's */
	ck_assert_str_eq(b->fields[1].name, "code");        /* after b's own field */
	ck_assert_str_eq(b->fields[2].name, "why");
	ck_assert_int_eq(b->fields[2].rel_op, REL_SET);
	ck_assert_uint_eq(b->nchoices, 1);
	ck_assert_str_eq(b->choices[0].items[0].label, "Good");
	ck_assert_ptr_eq(form_field(b, "why")->choices, NULL);
	struct form *both[] = {a, b};
	for (int i = 0; i < 2; i++) {
		char *norm = NULL, buf[160];
		const struct form_field *code = form_field(both[i], "code");
		ck_assert_ptr_nonnull(form_check_value(code, "12a", &norm, buf, sizeof buf));
		ck_assert_ptr_null(form_check_value(code, "123", &norm, buf, sizeof buf));
		free(norm);
	}
	formset_free(fs);

	char want[128];
	snprintf(want, sizeof want, "%s/kept.fields", dir);
	for (size_t k = 0; k < sizeof kept_faults / sizeof kept_faults[0]; k++) {
		/* alone, then after a and b have read the file */
		char alone[] = "/tmp/shegong-forms-XXXXXX";
		ck_assert_ptr_nonnull(mkdtemp(alone));
		put_file(alone, "kept.fields", kept_fields);
		put_file(alone, "c.form", kept_faults[k].form);
		ck_assert_ptr_null(formset_load(alone, &err));
		ck_assert_int_eq(err.line, kept_faults[k].line);
		ck_assert_ptr_nonnull(strstr(err.msg, kept_faults[k].msg));
		remove_dir(alone);
		put_file(dir, "c.form", kept_faults[k].form);
		ck_assert_ptr_null(formset_load(dir, &err));
		ck_assert_msg(strcmp(err.file, want) == 0, "case %zu: file %s (%s)", k, err.file,
		              err.msg);
		ck_assert_msg(err.line == kept_faults[k].line, "case %zu: line %d, wanted %d (%s)", k,
		              err.line, kept_faults[k].line, err.msg);
		ck_assert_msg(strstr(err.msg, kept_faults[k].msg) != NULL, "case %zu: \"%s\"", k,
		              err.msg);
	}
	remove_dir(dir);
}
END_TEST

/* The form a record was made with: "_form" when it names a form of the
 * record's kind, else the kind's first form. */
/* The notice's order of the six functions, numbered from 1 on every
 * screen that offers them. */
static const char *const six[] = {"assessment", "assistance", "care",
                                  "governance", "resources", "livelihood"};

/* Whether list holds the six, and if so that they come in the notice's
 * order (other choices may stand among them: an organisation's 文体). */
static bool
has_six(const struct form_choices *c)
{
	size_t found = 0;
	for (size_t k = 0; k < 6; k++)
		for (size_t i = 0; i < c->n; i++)
			found += strcmp(c->items[i].value, six[k]) == 0;
	return found == 6;
}

static void
six_in_order(const struct form_choices *c, const char *where)
{
	size_t at = 0;
	for (size_t i = 0; i < c->n && at < 6; i++)
		if (strcmp(c->items[i].value, six[at]) == 0)
			at++;
	ck_assert_msg(at == 6, "%s: the list \"%s\" has the six functions out of the notice's order "
	              "(%s is out of place)", where, c->name, six[at]);
	/* the first six are the functions themselves: numbered 1 to 6 alike */
	for (size_t k = 0; k < 6; k++)
		ck_assert_msg(strcmp(c->items[k].value, six[k]) == 0, "%s: %s is not number %zu",
		              where, six[k], k + 1);
}

/* One order and one number for the six functions everywhere: every
 * choice list that holds them (shared or a form's own: the need's
 * service, the volunteer's interests, the organisation's fields, the
 * project's, the reports' "choices service"), and the service forms as
 * the chooser of a new service offers them. */
START_TEST(test_six_functions_one_order)
{
	struct form_error err;
	struct formset *fs = formset_load(formsdir(), &err);
	ck_assert_msg(fs != NULL, "%s:%d: %s", err.file, err.line, err.msg);
	size_t lists = 0;
	for (size_t i = 0; i < fs->shared->nchoices; i++)
		if (has_six(&fs->shared->choices[i])) {
			six_in_order(&fs->shared->choices[i], "forms/choices");
			lists++;
		}
	ck_assert_uint_ge(lists, 2);    /* service, org_field */
	size_t fields = 0;
	for (size_t f = 0; f < fs->nforms; f++) {
		for (size_t i = 0; i < fs->forms[f]->nchoices; i++)
			if (has_six(&fs->forms[f]->choices[i]))
				six_in_order(&fs->forms[f]->choices[i], fs->forms[f]->name);
		for (size_t i = 0; i < fs->forms[f]->nfields; i++) {
			const struct form_field *fd = &fs->forms[f]->fields[i];
			if (fd->choices && has_six(fd->choices)) {
				six_in_order(fd->choices, fs->forms[f]->name);
				fields++;
			}
		}
	}
	/* need, project, volunteer, org and the six services' function */
	ck_assert_uint_ge(fields, 10);
	/* the service forms, in the order every chooser offers them */
	size_t n = 0;
	for (size_t f = 0; f < fs->nforms; f++) {
		if (fs->forms[f]->kind != REC_SERVICE)
			continue;
		ck_assert_msg(n < 6, "more than six service forms");
		const struct form_field *fn = form_field(fs->forms[f], "function");
		ck_assert_msg(strcmp(fn->dflt, six[n]) == 0, "service form %zu is %s, not the one for %s",
		              n + 1, fs->forms[f]->name, six[n]);
		n++;
	}
	ck_assert_uint_eq(n, 6);
	formset_free(fs);
}
END_TEST

/* The order of the service forms follows the list, not the file names:
 * a folder whose list puts livelihood first offers its form first. */
START_TEST(test_service_forms_follow_the_list)
{
	char dir[] = "/tmp/shegong-forms-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	put_file(dir, "choices", "choices service\n  b_second  B\n  a_first  A\n");
	static const char *const names[] = {"svc_a", "svc_b", "other"};
	static const char *const fixed[] = {"a_first", "b_second", NULL};
	for (int i = 0; i < 3; i++) {
		char name[32], text[512];
		snprintf(name, sizeof name, "%s.form", names[i]);
		if (fixed[i])
			snprintf(text, sizeof text,
			         "form %s\ntitle T\nkind service\nversion 1\nfield function\n"
			         "  type select_one service\n  label F\n  default %s\n  readonly yes\n",
			         names[i], fixed[i]);
		else
			snprintf(text, sizeof text, "form %s\ntitle T\nkind resident\nversion 1\n"
			         "field a\n  type text\n  label A\n", names[i]);
		put_file(dir, name, text);
	}
	struct form_error err;
	struct formset *fs = formset_load(dir, &err);
	ck_assert_msg(fs != NULL, "%s:%d: %s", err.file, err.line, err.msg);
	ck_assert_uint_eq(fs->nforms, 3);
	ck_assert_str_eq(fs->forms[0]->name, "other");   /* by name, untouched */
	ck_assert_str_eq(fs->forms[1]->name, "svc_b");   /* b_second is first in the list */
	ck_assert_str_eq(fs->forms[2]->name, "svc_a");
	ck_assert_str_eq(formset_for_kind(fs, REC_SERVICE)->name, "svc_b");
	formset_free(fs);
	remove_dir(dir);
}
END_TEST

START_TEST(test_form_for_record)
{
	struct form_error err;
	struct formset *fs = formset_load(formsdir(), &err);
	ck_assert_msg(fs != NULL, "%s:%d: %s", err.file, err.line, err.msg);
	struct form *first = formset_for_kind(fs, REC_SERVICE);
	ck_assert_ptr_nonnull(first);
	ck_assert_str_eq(first->name, "service_assessment");   /* the first by file name */
	record *r = record_new(REC_SERVICE);
	ck_assert_ptr_eq(formset_for_record(fs, r), first);
	record_set(r, "_form", "service_care");
	ck_assert_ptr_eq(formset_for_record(fs, r), formset_find(fs, "service_care"));
	record_set(r, "_form", "service_livelihood");
	ck_assert_ptr_eq(formset_for_record(fs, r), formset_find(fs, "service_livelihood"));
	record_set(r, "_form", "no_such_form");
	ck_assert_ptr_eq(formset_for_record(fs, r), first);
	record_set(r, "_form", "resident");     /* a form of another kind */
	ck_assert_ptr_eq(formset_for_record(fs, r), first);
	record_free(r);
	r = record_new(REC_RESIDENT);
	ck_assert_ptr_eq(formset_for_record(fs, r), formset_find(fs, "resident"));
	record_set(r, "_form", "resident");
	ck_assert_ptr_eq(formset_for_record(fs, r), formset_find(fs, "resident"));
	/* "_form" is the program's: never an old field of the form */
	const char *extra[2];
	ck_assert_uint_eq(form_extra_fields(formset_find(fs, "resident"), r, extra, 2), 0);
	record_free(r);
	r = record_new(REC_UNIT);                /* a kind without a form */
	ck_assert_ptr_null(formset_for_record(fs, r));
	record_free(r);
	formset_free(fs);
}
END_TEST

/* The demo database's records obey the shipped forms. */
struct demo_check {
	struct form *f;
	size_t n, bad;
	char why[256];
};

static int
demo_rec(const record *r, void *ctx)
{
	struct demo_check *c = ctx;
	size_t bad;
	char buf[256];
	const char *why = form_check_record(c->f, r, &bad, buf, sizeof buf);
	const char *extra[8];
	c->n++;
	if (why || form_extra_fields(c->f, r, extra, 8)) {
		if (!c->bad++)
			snprintf(c->why, sizeof c->why, "%s %s", why ? why : "extra field",
			         why ? "" : extra[0]);
	}
	return 0;
}

static int
demo_scan(store_txn *t, void *ctx)
{
	struct demo_check *c = ctx;
	return store_scan(t, c->f->kind, NULL, demo_rec, c);
}

START_TEST(test_demo_obeys_forms)
{
	struct form_error err;
	struct formset *fs = formset_load(formsdir(), &err);
	ck_assert_ptr_nonnull(fs);
	char dir[] = "/tmp/shegong-demo-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_CREATE), STORE_OK);
	ck_assert_int_eq(demo_fill(st, "visitor", 11, NULL), STORE_OK);
	const char *names[] = {"resident", "need", "referral"};
	const size_t least[] = {11, 11, 3};
	for (int i = 0; i < 3; i++) {
		struct demo_check c = {formset_find(fs, names[i]), 0, 0, ""};
		ck_assert_int_eq(store_read(st, demo_scan, &c), STORE_OK);
		ck_assert_uint_ge(c.n, least[i]);
		ck_assert_msg(c.bad == 0, "%zu %s records break the form: %s", c.bad, names[i], c.why);
	}
	store_close(st);
	formset_free(fs);
	char cmd[96];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static Suite *
form_suite(void)
{
	Suite *s = suite_create("form");
	TCase *tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_good_form);
	tcase_add_test(tc, test_pattern_twice);
	tcase_add_test(tc, test_date_text);
	tcase_add_loop_test(tc, test_broken_forms, 0, (int)(sizeof broken / sizeof broken[0]));
	tcase_add_loop_test(tc, test_values, 0, (int)(sizeof values / sizeof values[0]));
	tcase_add_loop_test(tc, test_item_values, 0, (int)(sizeof item_values / sizeof item_values[0]));
	tcase_add_test(tc, test_item_fields);
	tcase_add_test(tc, test_amounts_each);
	tcase_add_test(tc, test_reference_village);
	tcase_add_test(tc, test_record_rules);
	tcase_add_test(tc, test_changed_form);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_test(tc, test_shipped_forms);
	tcase_add_test(tc, test_broken_folder);
	tcase_add_test(tc, test_include);
	tcase_add_loop_test(tc, test_include_faults, 0,
	                    (int)(sizeof include_faults / sizeof include_faults[0]));
	tcase_add_test(tc, test_include_read_once);
	tcase_add_test(tc, test_form_for_record);
	tcase_add_test(tc, test_six_functions_one_order);
	tcase_add_test(tc, test_service_forms_follow_the_list);
	tcase_add_test(tc, test_demo_obeys_forms);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(form_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
