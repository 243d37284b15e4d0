/* check-entryform.c: the form engine's help with entry (issue 17, item
 * 6): sex and birth date filled from the ID number and a contradiction
 * refused, the fields Tab passes over, a village's list of groups, what a
 * new record carries from the resident, and the faults of those
 * properties in a form file. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "orgunit.h"
#include "shown.h"
#include "testdb.h"
#include "valid.h"

static const char *
formsdir(void)
{
	const char *d = getenv("SHEGONG_FORMSDIR");
	return d && *d ? d : "../forms";
}

static struct formset *
shipped(void)
{
	struct form_error err;
	struct formset *fs = formset_load(formsdir(), &err);
	ck_assert_msg(fs != NULL, "%s:%d: %s", err.file, err.line, err.msg);
	return fs;
}

/* An ID number of the division 510421 born on birth (YYYYMMDD) whose
 * 17th digit is seq's last: odd for a man, even for a woman. */
static void
make_id(char out[19], const char *birth, const char *seq)
{
	snprintf(out, 19, "510421%s%s", birth, seq);
	out[17] = valid_id_checkchar(out);
	out[18] = '\0';
	ck_assert_int_eq(valid_idnum(out, NULL), VALID_OK);
}

START_TEST(test_fill_from_id)
{
	struct formset *fs = shipped();
	static const char *const forms[] = {"resident", "volunteer"};
	for (size_t k = 0; k < 2; k++) {
		const struct form *f = formset_find(fs, forms[k]);
		char man[19], woman[19];
		make_id(man, "19560312", "013");
		make_id(woman, "19880930", "024");
		record *r = record_new(f->kind);
		/* nothing to read from yet: nothing filled */
		ck_assert_int_eq(form_fill_from_id(f, r, NULL), 0);
		record_set(r, "idnum", "51042119560312013");   /* 17 characters */
		ck_assert_int_eq(form_fill_from_id(f, r, NULL), 0);
		ck_assert_ptr_null(record_get(r, "sex"));
		record_set(r, "idnum", man);
		ck_assert_int_ge(form_fill_from_id(f, r, NULL), 1);
		ck_assert_str_eq(record_get(r, "sex"), "m");
		if (form_field(f, "birth"))
			ck_assert_str_eq(record_get(r, "birth"), "1956-03-12");
		/* what the worker set is left alone (and then checked) */
		record_set(r, "idnum", woman);
		ck_assert_int_eq(form_fill_from_id(f, r, NULL), 0);
		ck_assert_str_eq(record_get(r, "sex"), "m");
		/* but what the number before said follows the number mended */
		ck_assert_int_ge(form_fill_from_id(f, r, man), 1);
		ck_assert_str_eq(record_get(r, "sex"), "f");
		if (form_field(f, "birth"))
			ck_assert_str_eq(record_get(r, "birth"), "1988-09-30");
		/* a sex the worker chose against the old number stays theirs */
		char woman2[19];
		make_id(woman2, "19880930", "046");
		record_set(r, "sex", "m");
		record_set(r, "idnum", woman2);
		form_fill_from_id(f, r, woman);
		ck_assert_str_eq(record_get(r, "sex"), "m");
		record_free(r);
	}
	formset_free(fs);
}
END_TEST

/* A male ID number saved as 女, a birth date not the ID number's: the
 * save is refused naming the field and what the ID number says. */
START_TEST(test_contradiction_refused)
{
	struct formset *fs = shipped();
	const struct form *f = formset_find(fs, "resident");
	char man[19];
	make_id(man, "19560312", "013");
	record *r = record_new(REC_RESIDENT);
	record_set(r, "name", "王明");
	record_set(r, "village", "unit-3f9a2c71d0e4-7");
	record_set(r, "idnum", man);
	record_set(r, "sex", "f");
	size_t bad = 99;
	char buf[256];
	const char *why = form_check_record(f, r, &bad, buf, sizeof buf);
	ck_assert_ptr_nonnull(why);
	ck_assert_str_eq(f->fields[bad].name, "sex");
	ck_assert_msg(strstr(why, "ID number") && strstr(why, "Male"), "%s", why);
	record_set(r, "sex", "m");
	record_set(r, "birth", "1956-3-13");
	why = form_check_record(f, r, &bad, buf, sizeof buf);
	ck_assert_ptr_nonnull(why);
	ck_assert_str_eq(f->fields[bad].name, "birth");
	ck_assert_msg(strstr(why, "1956-03-12"), "%s", why);
	/* typed another way, the same day agrees */
	record_set(r, "birth", "19560312");
	ck_assert_ptr_null(form_check_record(f, r, &bad, buf, sizeof buf));
	/* no ID number, or a wrong one: nothing to disagree with */
	record_set(r, "sex", "f");
	record_set(r, "idnum", NULL);
	ck_assert_ptr_null(form_check_record(f, r, &bad, buf, sizeof buf));
	record_free(r);
	formset_free(fs);
}
END_TEST

/* Tab passes over what cannot be typed: calculated, read-only, and a
 * village worker's own village and name; a township's worker may change
 * the village, so stops there. */
START_TEST(test_fixed_fields)
{
	struct formset *fs = shipped();
	const struct form *res = formset_find(fs, "resident");
	const struct form *care = formset_find(fs, "service_care");
	struct form_env village = {"anning", "unit-3f9a2c71d0e4-7", "2026-11-29", false, UNIT_VILLAGE, NULL};
	struct form_env township = {"panlian", "unit-3f9a2c71d0e4-2", "2026-11-29", false,
	                            UNIT_TOWNSHIP, NULL};
	record *r = record_new(REC_SERVICE);
	ck_assert_int_eq(form_apply_defaults(care, r, &village), 0);
	ck_assert(form_field_fixed(form_field(care, "function"), r, &village));
	ck_assert(form_field_fixed(form_field(care, "worker"), r, &village));
	ck_assert(form_field_fixed(form_field(care, "village"), r, &village));
	ck_assert(!form_field_fixed(form_field(care, "date"), r, &village));
	ck_assert(!form_field_fixed(form_field(care, "content"), r, &village));
	/* another village in the field (an old record): it stops there */
	record_set(r, "village", "unit-3f9a2c71d0e4-8");
	ck_assert(!form_field_fixed(form_field(care, "village"), r, &village));
	record_free(r);
	r = record_new(REC_SERVICE);
	ck_assert_int_eq(form_apply_defaults(care, r, &township), 0);
	ck_assert(!form_field_fixed(form_field(care, "village"), r, &township));
	ck_assert(form_field_fixed(form_field(care, "function"), r, &township));
	record_free(r);
	r = record_new(REC_RESIDENT);
	ck_assert(form_field_fixed(form_field(res, "age"), r, &village));
	ck_assert(form_field_fixed(form_field(res, "id_sex"), r, &village));
	ck_assert(!form_field_fixed(form_field(res, "sex"), r, &village));
	ck_assert(!form_field_fixed(form_field(res, "name"), r, &village));
	record_free(r);
	formset_free(fs);
}
END_TEST

/* 组: the list of the village's code where there is one, else typed. */
START_TEST(test_groups_by_village)
{
	struct formset *fs = shipped();
	const struct form *res = formset_find(fs, "resident");
	const struct form_field *g = form_field(res, "group");
	ck_assert_str_eq(g->choices_by, "village");
	const struct form_choices *c = form_choices_by(res, fs, g, "510421100001");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_ge(c->n, 2);
	ck_assert_str_eq(c->items[2].value, "3组");
	ck_assert_ptr_null(form_choices_by(res, fs, g, "510421102003"));   /* none: typed */
	ck_assert_ptr_null(form_choices_by(res, fs, g, NULL));
	ck_assert_ptr_null(form_choices_by(res, fs, form_field(res, "name"), "510421100001"));
	formset_free(fs);
}
END_TEST

/* A need started from a resident takes their phone, categories and
 * village; what the need has already is kept. */
START_TEST(test_carry)
{
	struct formset *fs = shipped();
	const struct form *need = formset_find(fs, "need");
	record *person = record_new(REC_RESIDENT);
	record_set(person, "name", "张丽");
	record_set(person, "phone", "13912345678");
	record_set(person, "categories", "dibao,elder_alone");
	record_set(person, "village", "unit-3f9a2c71d0e4-7");
	record_set(person, "notes", "not for a need");
	record *n = record_new(REC_NEED);
	record_set(n, "village", "unit-3f9a2c71d0e4-9");
	ck_assert_int_eq(form_carry(need, n, person), 2);
	ck_assert_str_eq(record_get(n, "phone"), "13912345678");
	ck_assert_str_eq(record_get(n, "categories"), "dibao,elder_alone");
	ck_assert_str_eq(record_get(n, "village"), "unit-3f9a2c71d0e4-9");
	ck_assert_ptr_null(record_get(n, "notes"));
	ck_assert_ptr_null(record_get(n, "name"));
	ck_assert_int_eq(form_carry(need, n, NULL), 0);
	record_free(n);
	record_free(person);
	formset_free(fs);
}
END_TEST

/* A volunteer, a resource counted in 斤, and a village worker's account. */
struct named {
	char vol[REC_ID_TEXTMAX], rsc[REC_ID_TEXTMAX];
};

static int
put_named(store_txn *t, void *ctx)
{
	struct named *n = ctx;
	int err = orgunit_add(t, "510421", "米易县", NULL);
	if (!err)
		err = orgunit_add(t, "510421100", "攀莲镇", NULL);
	if (!err)
		err = orgunit_add(t, "510421100001", "安宁村", NULL);
	if (!err)
		err = worker_add(t, "anning", "李红梅", ROLE_VILLAGE, "510421100001", NULL);
	record *v = record_new(REC_VOLUNTEER), *r = record_new(REC_RESOURCE);
	record_set(v, "name", "张丽");
	record_set(r, "name", "大米");
	record_set(r, "unit", "斤");
	if (!err)
		err = store_put(t, v);
	if (!err)
		err = store_put(t, r);
	rec_id_format(&v->id, n->vol);
	rec_id_format(&r->id, n->rsc);
	record_free(v);
	record_free(r);
	return err;
}

/* Hours and amounts shown with their units; the worker by name. */
START_TEST(test_shown_units_and_worker)
{
	struct db d = testdb_new("entry");
	struct named n;
	ck_assert_int_eq(store_write(d.st, put_named, &n), STORE_OK);
	struct formset *fs = shipped();
	const struct form *care = formset_find(fs, "service_care");
	struct form_env env = {"anning", NULL, "2026-11-29", false, UNIT_VILLAGE, NULL};
	record *svc = record_new(REC_SERVICE);
	char item[64];
	snprintf(item, sizeof item, "%s:2", n.vol);
	record_set(svc, "volunteers", item);
	snprintf(item, sizeof item, "%s:50", n.rsc);
	record_set(svc, "resources", item);
	record_set(svc, "worker", "anning");
	char *v = shown_value_read(d.st, form_field(care, "volunteers"), svc, &env, 0);
	ck_assert_str_eq(v, "张丽 2 hours");
	free(v);
	v = shown_value_read(d.st, form_field(care, "resources"), svc, &env, 0);
	ck_assert_str_eq(v, "大米 50 斤");
	free(v);
	v = shown_value_read(d.st, form_field(care, "worker"), svc, &env, 0);
	ck_assert_str_eq(v, "李红梅");
	free(v);
	/* a login with no account is shown as it is */
	record_set(svc, "worker", "nobody");
	v = shown_value_read(d.st, form_field(care, "worker"), svc, &env, 0);
	ck_assert_str_eq(v, "nobody");
	free(v);
	record_free(svc);
	formset_free(fs);
	testdb_free(&d);
}
END_TEST

/* The properties' faults, at the field's line. */
static const struct {
	const char *text, *msg;
	int line;
} broken[] = {
	{"form b\ntitle B\nkind resident\nversion 1\n"
	 "field idnum\n  type idnum\n  label ID\n"
	 "field name\n  type text\n  label Name\n  calculation sex(idnum)\n",
	 "cannot be filled by sex()", 8},
	{"form b\ntitle B\nkind resident\nversion 1\n"
	 "field idnum\n  type idnum\n  label ID\n"
	 "field day\n  type date\n  label Day\n  calculation age(idnum)\n",
	 "cannot be filled by age()", 8},
	{"form b\ntitle B\nkind resident\nversion 1\n"
	 "field group\n  type text\n  label Group\n  choices_by village\n",
	 "not a village field", 5},
	{"form b\ntitle B\nkind resident\nversion 1\n"
	 "field village\n  type reference unit\n  label Village\n"
	 "field group\n  type integer\n  label Group\n  choices_by village\n",
	 "is for a text field", 8},
};

START_TEST(test_broken)
{
	struct form_error err;
	struct form *f = form_parse(broken[_i].text, "b.form", NULL, &err);
	ck_assert_msg(f == NULL, "case %d parsed", _i);
	ck_assert_msg(err.line == broken[_i].line, "case %d: line %d (%s)", _i, err.line, err.msg);
	ck_assert_msg(strstr(err.msg, broken[_i].msg), "case %d: %s", _i, err.msg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("entryform");
	TCase *tc = tcase_create("entry");
	tcase_add_test(tc, test_fill_from_id);
	tcase_add_test(tc, test_contradiction_refused);
	tcase_add_test(tc, test_fixed_fields);
	tcase_add_test(tc, test_groups_by_village);
	tcase_add_test(tc, test_carry);
	tcase_add_test(tc, test_shown_units_and_worker);
	tcase_add_loop_test(tc, test_broken, 0, sizeof broken / sizeof broken[0]);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
