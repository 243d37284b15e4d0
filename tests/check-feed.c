/* check-feed.c: the warehouse's tables and rows without a server
 * (feed-schema.c, feed-row.c): the columns the shipped forms make and
 * their types, a record as a line of COPY's text format (escapes, lists,
 * amounts, values not of their type kept in _extra, bad UTF-8), and the
 * masking of a feed by a worker who may not see sensitive fields, by the
 * same rule as the screens (form_hidden, form_mask, form_display).
 * tests/feed-pg.sh writes them into a real PostgreSQL server. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed-internal.h"
#include "feed.h"
#include "form.h"
#include "valid.h"

static struct formset *fs;
static struct feed_table *tabs;
static size_t ntabs;

static void
setup(void)
{
	struct form_error fe;
	fs = formset_load(getenv("SHEGONG_FORMSDIR"), &fe);
	ck_assert_msg(fs != NULL, "%s:%d: %s", fe.file, fe.line, fe.msg);
	tabs = feed_tables_make(fs, &ntabs);
	ck_assert_ptr_nonnull(tabs);
}

static void
teardown(void)
{
	feed_tables_free(tabs, ntabs);
	formset_free(fs);
}

static const struct feed_col *
col(const struct feed_table *t, const char *name, size_t *at)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0) {
			if (at)
				*at = i;
			return &t->cols[i];
		}
	return NULL;
}

/* The cells of one COPY line (tabs in values are escaped, so a tab
 * parts cells); *n how many.  cells[] point into line, which is cut. */
static size_t
cells_of(char *line, char **cells, size_t max)
{
	size_t n = 0;
	ck_assert_int_eq(line[strlen(line) - 1], '\n');
	line[strlen(line) - 1] = '\0';
	for (char *p = line; n < max;) {
		cells[n++] = p;
		char *tab = strchr(p, '\t');
		if (!tab)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

/* The row of r for t, its cells in cells[] (from buf, which the caller
 * frees); asserts one line of as many cells as t has columns. */
static char *
row_of(const struct feed_table *t, const record *r, bool masked, char **cells)
{
	struct strbuf b = {0};
	struct feed_row_ctx c = {"00000000abcd", masked};
	ck_assert_int_eq(feed_row(&b, t, r, 77, &c), 0);
	char *buf = sb_detach(&b);
	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_eq(strchr(buf, '\n'), buf + strlen(buf) - 1);
	ck_assert_uint_eq(cells_of(buf, cells, 512), t->ncols);
	return buf;
}

static const char *
cell(const struct feed_table *t, char **cells, const char *name)
{
	size_t at = 0;
	ck_assert_msg(col(t, name, &at) != NULL, "no column %s in %s", name, t->name);
	return cells[at];
}

START_TEST(test_tables)
{
	static const char *const names[] = {"units", "residents", "needs", "services", "volunteers",
	                                    "orgs", "resources", "referrals", "projects"};
	ck_assert_uint_eq(ntabs, 9);
	for (size_t i = 0; i < ntabs; i++) {
		ck_assert_str_eq(tabs[i].name, names[i]);
		ck_assert_uint_gt(tabs[i].ncols, FC_COUNT);
		ck_assert_str_eq(tabs[i].cols[FC_SITE].name, "_site");
		ck_assert_str_eq(tabs[i].cols[FC_ID].name, "_id");
		ck_assert_str_eq(tabs[i].cols[FC_EXTRA].name, "_extra");
		for (size_t k = 0; k < tabs[i].ncols; k++) {
			ck_assert_msg(feed_name_ok(tabs[i].cols[k].name), "%s", tabs[i].cols[k].name);
			for (size_t j = 0; j < k; j++)
				ck_assert_str_ne(tabs[i].cols[j].name, tabs[i].cols[k].name);
		}
	}
	ck_assert_ptr_null(feed_table_of(tabs, ntabs, REC_USER));   /* accounts: not kept */
	const struct feed_table *s = feed_table_of(tabs, ntabs, REC_SERVICE);
	ck_assert_int_eq(col(s, "date", NULL)->type, FEED_DATE);
	ck_assert_int_eq(col(s, "function", NULL)->type, FEED_TEXT);
	ck_assert_int_eq(col(s, "beneficiaries", NULL)->type, FEED_TEXTS);
	ck_assert_int_eq(col(s, "volunteers", NULL)->type, FEED_JSONB);
	ck_assert_int_eq(col(s, "headcount", NULL)->type, FEED_BIGINT);
	ck_assert_int_eq(col(s, "hours", NULL)->type, FEED_NUMERIC);
	/* every service form's own fields, in the one table */
	ck_assert_ptr_nonnull(col(s, "findings", NULL));
	ck_assert_ptr_nonnull(col(s, "mental_followup", NULL));
	ck_assert_ptr_nonnull(col(s, "income", NULL));
	const struct feed_table *res = feed_table_of(tabs, ntabs, REC_RESIDENT);
	ck_assert(col(res, "idnum", NULL)->fd->sensitive);
	ck_assert(!col(res, "name", NULL)->fd->sensitive);
	ck_assert_ptr_null(col(res, "age", NULL));   /* calculated: not stored */
	const struct feed_table *u = feed_table_of(tabs, ntabs, REC_UNIT);
	ck_assert_ptr_nonnull(col(u, "code", NULL));
	ck_assert_ptr_nonnull(col(u, "parent", NULL));
	ck_assert(!feed_name_ok("x; drop"));
	ck_assert(!feed_name_ok("Shegong"));
	ck_assert(!feed_name_ok(""));
	ck_assert(feed_name_ok("county_510421"));
}
END_TEST

static record *
resident(void)
{
	record *r = record_new(REC_RESIDENT);
	r->id = (rec_id){REC_RESIDENT, 0xabcd, 12};
	r->version = 3;
	r->created_at = 1780000000;
	r->updated_at = 1780003600;
	ck_assert_int_eq(record_set(r, "name", "刘\t𠈌\\\n二"), 0);
	ck_assert_int_eq(record_set(r, "idnum", "11010519491231002X"), 0);
	ck_assert_int_eq(record_set(r, "categories", "dibao, disabled,,"), 0);
	ck_assert_int_eq(record_set(r, "disability_category", "physical"), 0);
	ck_assert_int_eq(record_set(r, "village", "unit-00000000abcd-3"), 0);
	ck_assert_int_eq(record_set(r, "oldfield", "kept \"as is\""), 0);
	ck_assert_int_eq(record_set(r, "_form", "resident"), 0);
	return r;
}

START_TEST(test_row_unmasked)
{
	const struct feed_table *t = feed_table_of(tabs, ntabs, REC_RESIDENT);
	record *r = resident();
	char *cells[512];
	char *buf = row_of(t, r, false, cells);
	ck_assert_str_eq(cell(t, cells, "_site"), "00000000abcd");
	ck_assert_str_eq(cell(t, cells, "_id"), "res-00000000abcd-12");
	ck_assert_str_eq(cell(t, cells, "_unit"), "unit-00000000abcd-3");
	ck_assert_str_eq(cell(t, cells, "_form"), "resident");
	ck_assert_str_eq(cell(t, cells, "_version"), "3");
	ck_assert_str_eq(cell(t, cells, "_created_at"), "2026-05-28 20:26:40+00");
	ck_assert_str_eq(cell(t, cells, "_change"), "77");
	ck_assert_str_eq(cell(t, cells, "_void"), "f");
	ck_assert_str_eq(cell(t, cells, "name"), "刘\\t𠈌\\\\\\n二");
	ck_assert_str_eq(cell(t, cells, "idnum"), "11010519491231002X");
	ck_assert_str_eq(cell(t, cells, "categories"), "{\"dibao\",\"disabled\"}");
	ck_assert_str_eq(cell(t, cells, "disability_category"), "physical");
	ck_assert_str_eq(cell(t, cells, "phone"), "\\N");
	/* a field no form lists, in _extra, as JSON in COPY's escapes */
	ck_assert_str_eq(cell(t, cells, "_extra"), "{\"oldfield\": \"kept \\\\\"as is\\\\\"\"}");
	free(buf);
	record_free(r);
}
END_TEST

START_TEST(test_row_masked)
{
	const struct feed_table *t = feed_table_of(tabs, ntabs, REC_RESIDENT);
	record *r = resident();
	ck_assert_int_eq(record_set(r, REC_VOID, REC_VOID_YES), 0);
	ck_assert_int_eq(record_set(r, REC_VOID_REASON, "张三的身份证号 110105..."), 0);
	char *cells[512];
	char *buf = row_of(t, r, true, cells);
	char *m = valid_idnum_mask("11010519491231002X");
	ck_assert_str_eq(cell(t, cells, "idnum"), m);
	ck_assert_str_eq(m, "110105********002X");
	free(m);
	ck_assert_str_eq(cell(t, cells, "disability_category"), "\\N");
	ck_assert_str_eq(cell(t, cells, "name"), "刘\\t𠈌\\\\\\n二");
	ck_assert_str_eq(cell(t, cells, "_void"), "t");
	ck_assert_str_eq(cell(t, cells, "_void_reason"), "\\N");
	ck_assert_str_eq(cell(t, cells, "_extra"), "\\N");   /* unknown: left out */
	free(buf);
	/* an ID number of the wrong length is hidden whole */
	ck_assert_int_eq(record_set(r, "idnum", "12345"), 0);
	buf = row_of(t, r, true, cells);
	ck_assert_str_eq(cell(t, cells, "idnum"), "\\N");
	free(buf);
	record_free(r);
}
END_TEST

START_TEST(test_row_types)
{
	const struct feed_table *t = feed_table_of(tabs, ntabs, REC_SERVICE);
	record *r = record_new(REC_SERVICE);
	r->id = (rec_id){REC_SERVICE, 0xabcd, 5};
	record_set(r, "date", "2026-02-30");   /* no such day */
	record_set(r, "headcount", "12a");
	record_set(r, "hours", "1.5");
	record_set(r, "volunteers", "vol-00000000abcd-1:2.5, vol-00000000abcd-2:1");
	record_set(r, "beneficiaries", "res-00000000abcd-1,res-00000000abcd-2");
	record_set(r, "function", "care");
	record_set(r, "content", "bad \xff byte");
	char *cells[512];
	char *buf = row_of(t, r, false, cells);
	ck_assert_str_eq(cell(t, cells, "date"), "\\N");
	ck_assert_str_eq(cell(t, cells, "headcount"), "\\N");
	ck_assert_str_eq(cell(t, cells, "hours"), "1.5");
	ck_assert_str_eq(cell(t, cells, "function"), "care");
	ck_assert_str_eq(cell(t, cells, "volunteers"),
	                 "[{\"id\": \"vol-00000000abcd-1\", \"amount\": 2.5}, "
	                 "{\"id\": \"vol-00000000abcd-2\", \"amount\": 1}]");
	ck_assert_str_eq(cell(t, cells, "beneficiaries"),
	                 "{\"res-00000000abcd-1\",\"res-00000000abcd-2\"}");
	ck_assert_str_eq(cell(t, cells, "content"), "bad \xEF\xBF\xBD byte");
	/* what is not of its type: kept as typed, in _extra */
	ck_assert_str_eq(cell(t, cells, "_extra"), "{\"date\": \"2026-02-30\", \"headcount\": \"12a\"}");
	free(buf);
	record_set(r, "date", "2026-02-28");
	record_set(r, "headcount", "-3");
	record_set(r, "volunteers", "not amounts");
	buf = row_of(t, r, false, cells);
	ck_assert_str_eq(cell(t, cells, "date"), "2026-02-28");
	ck_assert_str_eq(cell(t, cells, "headcount"), "-3");
	ck_assert_str_eq(cell(t, cells, "volunteers"), "\\N");
	ck_assert_str_eq(cell(t, cells, "_extra"), "{\"volunteers\": \"not amounts\"}");
	free(buf);
	record_free(r);
	/* yes/no as boolean */
	const struct feed_table *rf = feed_table_of(tabs, ntabs, REC_REFERRAL);
	ck_assert_int_eq(col(rf, "consent", NULL)->type, FEED_BOOL);
	r = record_new(REC_REFERRAL);
	record_set(r, "consent", "yes");
	buf = row_of(rf, r, false, cells);
	ck_assert_str_eq(cell(rf, cells, "consent"), "t");
	free(buf);
	record_free(r);
}
END_TEST

/* The feed hides what the screens hide, as they hide it: for each
 * sensitive field of each shipped form, form_display for one who may not
 * see it is form_mask's value or "(hidden)", and form_hidden says so. */
START_TEST(test_one_masking_rule)
{
	size_t sensitive = 0;
	for (size_t f = 0; f < fs->nforms; f++)
		for (size_t i = 0; i < fs->forms[f]->nfields; i++) {
			const struct form_field *fd = &fs->forms[f]->fields[i];
			const char *v = fd->type == FT_IDNUM ? "11010519491231002X" : "some value";
			ck_assert(!form_hidden(fd, true));
			ck_assert_int_eq(form_hidden(fd, false), fd->sensitive);
			if (!fd->sensitive)
				continue;
			sensitive++;
			char *shown = form_display(fd, v, false), *m = form_mask(fd, v);
			ck_assert_str_eq(shown, m ? m : "(hidden)");
			free(shown);
			free(m);
		}
	ck_assert_uint_ge(sensitive, 10);
}
END_TEST

START_TEST(test_not_built_said)
{
	/* a built feed: connecting to nothing says it could not reach it */
	struct pg *pg = NULL;
	char why[512] = "";
	ck_assert_int_eq(pg_connect(&pg, "postgresql:///none?host=/nonexistent-shegong", why,
	                            sizeof why),
	                 -1);
	ck_assert_ptr_null(pg);
	if (feed_available())
		ck_assert_msg(strstr(why, "could not be reached") != NULL, "%s", why);
	else
		ck_assert_msg(strstr(why, "built without PostgreSQL") != NULL, "%s", why);
}
END_TEST

static Suite *
feed_suite(void)
{
	Suite *s = suite_create("feed");
	TCase *tc = tcase_create("rows");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tables);
	tcase_add_test(tc, test_row_unmasked);
	tcase_add_test(tc, test_row_masked);
	tcase_add_test(tc, test_row_types);
	tcase_add_test(tc, test_one_masking_rule);
	tcase_add_test(tc, test_not_built_said);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	setenv("LANGUAGE", "", 1);
	SRunner *sr = srunner_create(feed_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
