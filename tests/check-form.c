/* check-form.c: the form parser (every good construct, every kind of
 * broken file with its message), each field type's validation, defaults
 * and calculations, old records read under a changed form, and the forms
 * shipped in forms/ against the demo data. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"
#include "form.h"
#include "store.h"

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
	{"form x\nfield a\n  required maybe\n", 3, "yes or no"},
	{"form x\nfield a\n  pattern ([a-z\n", 3, "not a valid regular expression"},
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

START_TEST(test_record_rules)
{
	struct form *f = parse_ok(good);
	record *r = record_new(REC_RESIDENT);
	struct form_env env = {"anning", "unit-3f9a2c71d0e4-7", "2026-11-29"};
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
	struct form_env before = {"anning", NULL, "2026-12-30"};
	v = form_calculate(form_field(f, "age"), r, &before);
	ck_assert_str_eq(v, "76");
	free(v);
	struct form_env birthday = {"anning", NULL, "2026-12-31"};
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
	ck_assert_uint_eq(cat->choices->n, 10);
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
	const char *names[] = {"resident", "need"};
	for (int i = 0; i < 2; i++) {
		struct demo_check c = {formset_find(fs, names[i]), 0, 0, ""};
		ck_assert_int_eq(store_read(st, demo_scan, &c), STORE_OK);
		ck_assert_uint_gt(c.n, 10);
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
	tcase_add_loop_test(tc, test_broken_forms, 0, (int)(sizeof broken / sizeof broken[0]));
	tcase_add_loop_test(tc, test_values, 0, (int)(sizeof values / sizeof values[0]));
	tcase_add_test(tc, test_record_rules);
	tcase_add_test(tc, test_changed_form);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_test(tc, test_shipped_forms);
	tcase_add_test(tc, test_broken_folder);
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
