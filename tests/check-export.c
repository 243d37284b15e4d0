/* check-export.c: export.c on records saved through the library: CSV cells
 * quoted per RFC 4180 and digit strings kept as text, UTF-8 with its BOM
 * and GB18030 that decodes to the same text (a character outside the BMP
 * included), values as shown (choice labels, a reference by name, a
 * calculated age) and masked for a worker who may not see them, the
 * filters by village, date and form, the audit entry, and failures that
 * leave no file behind; libxlsxwriter opened only when an XLSX is written,
 * and a clear message when it cannot be. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "export.h"
#include "lazylib.h"
#include "text.h"

#include "testdb.h"

/* --- helpers ---------------------------------------------------------- */

struct put {
	int kind;
	const char *kv[25];
	rec_id id;  /* out */
};

static int
put_txn(store_txn *t, void *ctx)
{
	struct put *p = ctx;
	record *r = record_new(p->kind);
	ck_assert_ptr_nonnull(r);
	for (size_t i = 0; p->kv[i]; i += 2)
		ck_assert_int_eq(record_set(r, p->kv[i], p->kv[i + 1]), 0);
	int err = store_put(t, r);
	p->id = r->id;
	record_free(r);
	return err;
}

#define ADD(st, k, ...) add(st, &(struct put){k, {__VA_ARGS__, NULL}, {0}})

static rec_id
add(store *st, struct put *p)
{
	ck_assert_int_eq(store_write(st, put_txn, p), STORE_OK);
	return p->id;
}

static struct formset *
forms(void)
{
	const char *d = getenv("SHEGONG_FORMSDIR");
	struct form_error err;
	struct formset *fs = formset_load(d && *d ? d : "../forms", &err);
	ck_assert_msg(fs != NULL, "%s:%d: %s", err.file, err.line, err.msg);
	return fs;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	char *buf = malloc(1 << 20);
	ck_assert_ptr_nonnull(buf);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static bool
exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* A database with two villages, three residents in the first (one with
 * a comma, quotes and a line break in their values, one with a rare
 * character) and one in the second. */
struct fixture {
	struct db d;
	struct formset *fs;
	char v1[REC_ID_TEXTMAX], v2[REC_ID_TEXTMAX];
	char r1[REC_ID_TEXTMAX];
};

static void
fixture_make(struct fixture *x)
{
	x->d = testdb_new("export");
	x->fs = forms();
	rec_id v1 = ADD(x->d.st, REC_UNIT, "code", "510421100001", "name", "安宁村", "level", "village");
	rec_id v2 = ADD(x->d.st, REC_UNIT, "code", "510421100002", "name", "挂榜村", "level", "village");
	rec_id_format(&v1, x->v1);
	rec_id_format(&v2, x->v2);
	rec_id r1 = ADD(x->d.st, REC_RESIDENT, "name", "张\"三\",老", "idnum", "510421198001011239",
	                "sex", "m", "phone", "13912345678", "village", x->v1, "group", "007",
	                "notes", "第一行\n第二行, \"引\"", "categories", "dibao");
	rec_id_format(&r1, x->r1);
	ADD(x->d.st, REC_RESIDENT, "name", "𠈌明", "idnum", "51042119900101002X", "village", x->v1);
	ADD(x->d.st, REC_RESIDENT, "name", "=HYPERLINK(\"x\")", "village", x->v1);
	ADD(x->d.st, REC_RESIDENT, "name", "李四", "village", x->v2);
}

static void
fixture_free(struct fixture *x)
{
	formset_free(x->fs);
	testdb_free(&x->d);
}

static int
run(struct fixture *x, const char *path, struct export_opts *o, size_t *n, char *msg)
{
	o->fs = x->fs;
	return export_records(x->d.st, path, o, n, msg, 512);
}

static struct form_env env_open = {"tester", NULL, "2026-03-15", false, 0, NULL};
static struct form_env env_masked = {"tester", NULL, "2026-03-15", true, 0, NULL};

/* --- CSV cells -------------------------------------------------------- */

START_TEST(test_csv_cells)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"", ""},
		{"张三", "张三"},
		{"a,b", "\"a,b\""},
		{"say \"hi\"", "\"say \"\"hi\"\"\""},
		{"line 1\nline 2", "\"line 1\nline 2\""},
		{"a\r\nb", "\"a\r\nb\""},
		{"510421198001011239", "\"=\"\"510421198001011239\"\"\""},
		{"51042119900101002X", "\"=\"\"51042119900101002X\"\"\""},
		{"13912345678", "\"=\"\"13912345678\"\"\""},
		{"007", "\"=\"\"007\"\"\""},
		{"12345", "12345"},
		{"0", "0"},
		{"2.5", "2.5"},
		{"-5", "-5"},
		{"=1+1", "\"'=1+1\""},
		{"@SUM(A1)", "\"'@SUM(A1)\""},
		{"+86 139", "\"'+86 139\""},
		{"510421********1239", "510421********1239"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = export_csv_cell(cases[i].in);
		ck_assert_ptr_nonnull(got);
		ck_assert_msg(strcmp(got, cases[i].out) == 0, "cell [%s]: got [%s], wanted [%s]",
		              cases[i].in, got, cases[i].out);
		free(got);
	}
}
END_TEST

START_TEST(test_format_of_path)
{
	ck_assert_int_eq(export_format_of_path("a.xlsx"), EXPORT_XLSX);
	ck_assert_int_eq(export_format_of_path("dir.x/A.XLSX"), EXPORT_XLSX);
	ck_assert_int_eq(export_format_of_path("a.csv"), EXPORT_CSV);
	ck_assert_int_eq(export_format_of_path("a.txt"), 0);
	ck_assert_int_eq(export_format_of_path("dir.csv/a"), 0);
	ck_assert_int_eq(export_format_of_path("noext"), 0);
}
END_TEST

/* --- whole exports ---------------------------------------------------- */

START_TEST(test_csv_utf8)
{
	struct fixture x;
	fixture_make(&x);
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/r.csv", x.d.dir), 0);
	struct export_opts o = {.kind = REC_RESIDENT, .format = EXPORT_CSV,
	                        .encoding = EXPORT_UTF8, .env = &env_open};
	size_t n;
	char msg[512];
	ck_assert_msg(run(&x, path, &o, &n, msg) == 0, "%s", msg);
	ck_assert_uint_eq(n, 4);
	size_t len;
	char *csv = slurp(path, &len);
	ck_assert_mem_eq(csv, "\xEF\xBB\xBF" "ID,Name,ID number,", 3 + 18);
	/* the header's labels, then one row a record, CRLF */
	ck_assert_ptr_nonnull(strstr(csv, "Categories"));
	char row[1024];
	snprintf(row, sizeof row, "\r\n%s,\"张\"\"三\"\",老\",\"=\"\"510421198001011239\"\"\",Male,,46,male,"
	         "\"=\"\"13912345678\"\"\",", x.r1);
	ck_assert_msg(strstr(csv, row) != NULL, "no row [%s] in\n%s", row, csv);
	/* the village by name, the group kept with its zeros, the note whole */
	ck_assert_ptr_nonnull(strstr(csv, ",安宁村,\"=\"\"007\"\"\","));
	ck_assert_ptr_nonnull(strstr(csv, "\"第一行\n第二行, \"\"引\"\"\""));
	ck_assert_ptr_nonnull(strstr(csv, ",\"=\"\"13912345678\"\"\","));
	ck_assert_ptr_nonnull(strstr(csv, ",𠈌明,\"=\"\"51042119900101002X\"\"\","));
	ck_assert_ptr_nonnull(strstr(csv, ",\"'=HYPERLINK(\"\"x\"\")\","));
	ck_assert_ptr_nonnull(strstr(csv, ",Minimum living allowance (dibao),"));
	/* the calculated age is there (born 1980) */
	ck_assert_ptr_nonnull(strstr(csv, "Age"));
	/* four data rows: five lines outside quotes */
	size_t lines = 0;
	bool inq = false;
	for (const char *p = csv; *p; p++) {
		if (*p == '"')
			inq = !inq;
		else if (*p == '\n' && !inq)
			lines++;
	}
	ck_assert_uint_eq(lines, 5);
	ck_assert(!exists(strcat(strcpy(row, path), ".tmp")));
	/* personal data: readable by the worker alone */
	struct stat sb;
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 077, 0);
	free(csv);

	free(path);
	fixture_free(&x);
}
END_TEST

static int
find_export(const struct audit_entry *e, void *ctx)
{
	const char *want = ctx;
	return strcmp(e->action, "export") == 0 && strcmp(e->note, want) == 0;
}

START_TEST(test_audit_entry)
{
	struct fixture x;
	fixture_make(&x);
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/r.xlsx", x.d.dir), 0);
	struct export_opts o = {.kind = REC_RESIDENT, .format = EXPORT_XLSX, .env = &env_open,
	                        .village = x.v1};
	size_t n;
	char msg[512], want[600];
	ck_assert_msg(run(&x, path, &o, &n, msg) == 0, "%s", msg);
	ck_assert_uint_eq(n, 3);
	snprintf(want, sizeof want, "res: 3 records to %s", path);
	struct audit_filter f = {0};
	ck_assert_int_eq(audit_each(x.d.st, &f, find_export, want), 1);
	size_t len;
	char *xl = slurp(path, &len);
	ck_assert_mem_eq(xl, "PK", 2);
	free(xl);
	free(path);
	fixture_free(&x);
}
END_TEST

START_TEST(test_gb18030_same_text)
{
	struct fixture x;
	fixture_make(&x);
	char *pu, *pg;
	ck_assert_int_ge(asprintf(&pu, "%s/u.csv", x.d.dir), 0);
	ck_assert_int_ge(asprintf(&pg, "%s/g.csv", x.d.dir), 0);
	struct export_opts o = {.kind = REC_RESIDENT, .format = EXPORT_CSV,
	                        .encoding = EXPORT_UTF8, .env = &env_open};
	size_t n;
	char msg[512];
	ck_assert_msg(run(&x, pu, &o, &n, msg) == 0, "%s", msg);
	o.encoding = EXPORT_GB18030;
	ck_assert_msg(run(&x, pg, &o, &n, msg) == 0, "%s", msg);
	size_t ul, gl, cl;
	char *u = slurp(pu, &ul), *g = slurp(pg, &gl), *conv;
	ck_assert_int_eq(text_conv("UTF-8", "GB18030", g, gl, &conv, &cl, NULL), TEXT_CONV_OK);
	ck_assert_uint_eq(cl, ul - 3);
	ck_assert_mem_eq(conv, u + 3, cl);
	/* 𠈌 (U+2020C) is four bytes in GB18030: 0x95 0x32 0xB7 0x30 */
	ck_assert_ptr_nonnull(memmem(g, gl, "\x95\x32\xB7\x30", 4));
	free(conv);
	free(u);
	free(g);
	free(pu);
	free(pg);
	fixture_free(&x);
}
END_TEST

START_TEST(test_masked)
{
	struct fixture x;
	fixture_make(&x);
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/m.csv", x.d.dir), 0);
	struct export_opts o = {.kind = REC_RESIDENT, .format = EXPORT_CSV,
	                        .encoding = EXPORT_UTF8, .env = &env_masked};
	size_t n;
	char msg[512];
	ck_assert_msg(run(&x, path, &o, &n, msg) == 0, "%s", msg);
	size_t len;
	char *csv = slurp(path, &len);
	ck_assert_ptr_null(strstr(csv, "510421198001011239"));
	ck_assert_ptr_null(strstr(csv, "13912345678"));
	ck_assert_ptr_nonnull(strstr(csv, ",510421********1239,"));
	ck_assert_ptr_nonnull(strstr(csv, "(hidden)"));
	free(csv);
	free(path);
	fixture_free(&x);
}
END_TEST

START_TEST(test_filters)
{
	struct fixture x;
	fixture_make(&x);
	rec_id res = {0};
	ck_assert_int_eq(rec_id_parse(x.r1, &res), 0);
	ADD(x.d.st, REC_NEED, "resident", x.r1, "village", x.v1, "date", "2026-01-10");
	ADD(x.d.st, REC_NEED, "resident", x.r1, "village", x.v1, "date", "2026-02-10");
	ADD(x.d.st, REC_NEED, "resident", x.r1, "village", x.v2, "date", "2026-03-10");
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/n.csv", x.d.dir), 0);
	struct export_opts o = {.kind = REC_NEED, .format = EXPORT_CSV, .encoding = EXPORT_UTF8,
	                        .env = &env_open, .since = "2026-02-01"};
	size_t n;
	char msg[512];
	ck_assert_msg(run(&x, path, &o, &n, msg) == 0, "%s", msg);
	ck_assert_uint_eq(n, 2);
	o.until = "2026-02-28";
	ck_assert_msg(run(&x, path, &o, &n, msg) == 0, "%s", msg);
	ck_assert_uint_eq(n, 1);
	o.since = o.until = NULL;
	o.village = x.v2;
	ck_assert_msg(run(&x, path, &o, &n, msg) == 0, "%s", msg);
	ck_assert_uint_eq(n, 1);
	/* the resident a need is about, by name */
	size_t len;
	char *csv = slurp(path, &len);
	ck_assert_ptr_nonnull(strstr(csv, "\"张\"\"三\"\",老\""));
	free(csv);
	/* records without a date field count by the day they were made:
	 * today, so a range in the past keeps none of the residents */
	o = (struct export_opts){.kind = REC_RESIDENT, .format = EXPORT_CSV,
	                         .env = &env_open, .until = "2000-01-01"};
	ck_assert_msg(run(&x, path, &o, &n, msg) == 0, "%s", msg);
	ck_assert_uint_eq(n, 0);
	o.until = NULL;
	o.since = "2000-01-01";
	ck_assert_msg(run(&x, path, &o, &n, msg) == 0, "%s", msg);
	ck_assert_uint_eq(n, 4);
	free(path);
	fixture_free(&x);
}
END_TEST

START_TEST(test_service_forms)
{
	struct fixture x;
	fixture_make(&x);
	ADD(x.d.st, REC_SERVICE, "_form", "service_care", "village", x.v1, "date", "2026-01-02",
	    "residents", x.r1);
	ADD(x.d.st, REC_SERVICE, "_form", "service_assistance", "village", x.v1, "date",
	    "2026-01-03", "residents", x.r1);
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/s.csv", x.d.dir), 0);
	struct export_opts o = {.kind = REC_SERVICE, .format = EXPORT_CSV, .encoding = EXPORT_UTF8,
	                        .env = &env_open};
	size_t n;
	char msg[512];
	ck_assert_msg(run(&x, path, &o, &n, msg) == 0, "%s", msg);
	ck_assert_uint_eq(n, 2);
	size_t len;
	char *csv = slurp(path, &len);
	/* every service form in one table: a column names each row's form */
	ck_assert_mem_eq(csv + 3, "ID,Form,", 8);
	free(csv);
	o.form = formset_find(x.fs, "service_care");
	ck_assert_ptr_nonnull(o.form);
	ck_assert_msg(run(&x, path, &o, &n, msg) == 0, "%s", msg);
	ck_assert_uint_eq(n, 1);
	csv = slurp(path, &len);
	ck_assert_ptr_null(strstr(csv, "ID,Form,"));
	free(csv);
	free(path);
	fixture_free(&x);
}
END_TEST

/* --- libxlsxwriter opened when first needed ---------------------------- */

/* whether the process has a library whose file name holds NAME mapped */
static int
mapped(const char *name)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		return -1;
	char line[4096];
	int found = 0;
	while (fgets(line, sizeof line, f))
		if (strstr(line, name))
			found = 1;
	fclose(f);
	return found;
}

START_TEST(test_xlsx_on_demand)
{
	struct fixture x;
	fixture_make(&x);
	/* each test runs in a process of its own: nothing written yet */
	int before = mapped("libxlsxwriter");
	if (before < 0) {
		fixture_free(&x);
		return; /* no /proc: nothing to look at */
	}
	ck_assert_int_eq(before, 0);
	ck_assert_int_eq(mapped("libpango"), 0);
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/r.csv", x.d.dir), 0);
	struct export_opts o = {.kind = REC_RESIDENT, .format = EXPORT_CSV, .env = &env_open};
	size_t n;
	char msg[512];
	ck_assert_msg(run(&x, path, &o, &n, msg) == 0, "%s", msg);
	ck_assert_int_eq(mapped("libxlsxwriter"), 0);
	free(path);
	ck_assert_int_ge(asprintf(&path, "%s/r.xlsx", x.d.dir), 0);
	o.format = EXPORT_XLSX;
	ck_assert_msg(run(&x, path, &o, &n, msg) == 0, "%s", msg);
	ck_assert_int_eq(mapped("libxlsxwriter"), 1);
	free(path);
	fixture_free(&x);
}
END_TEST

START_TEST(test_xlsx_library_missing)
{
	struct fixture x;
	fixture_make(&x);
	lazylib_test_missing = "libxlsxwriter";
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/r.xlsx", x.d.dir), 0);
	struct export_opts o = {.kind = REC_RESIDENT, .format = EXPORT_XLSX, .env = &env_open};
	size_t n;
	char msg[512];
	ck_assert_int_eq(run(&x, path, &o, &n, msg), -1);
	/* what to install, said */
	ck_assert_msg(strstr(msg, "libxlsxwriter") != NULL, "%s", msg);
	/* no file, no temporary file, no export in the audit trail */
	struct stat sb;
	ck_assert_int_ne(stat(path, &sb), 0);
	char *tmp;
	ck_assert_int_ge(asprintf(&tmp, "%s.tmp", path), 0);
	ck_assert_int_ne(stat(tmp, &sb), 0);
	char want[600];
	snprintf(want, sizeof want, "res: 4 records to %s", path);
	struct audit_filter f = {0};
	ck_assert_int_eq(audit_each(x.d.st, &f, find_export, want), 0);
	lazylib_test_missing = NULL;
	free(tmp);
	free(path);
	fixture_free(&x);
}
END_TEST

/* --- failures leave nothing ------------------------------------------- */

START_TEST(test_unwritable)
{
	struct fixture x;
	fixture_make(&x);
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/no/such/folder/r.csv", x.d.dir), 0);
	struct export_opts o = {.kind = REC_RESIDENT, .format = EXPORT_CSV, .env = &env_open};
	size_t n;
	char msg[512];
	ck_assert_int_eq(run(&x, path, &o, &n, msg), -1);
	ck_assert_ptr_nonnull(strstr(msg, "r.csv.tmp"));
	/* nothing left in the audit trail either: no file, no export */
	char want[600];
	snprintf(want, sizeof want, "res: 4 records to %s", path);
	struct audit_filter f = {0};
	ck_assert_int_eq(audit_each(x.d.st, &f, find_export, want), 0);
	free(path);
	fixture_free(&x);
}
END_TEST

START_TEST(test_audit_first)
{
	/* a handle that cannot write the audit trail writes no file */
	struct fixture x;
	fixture_make(&x);
	store_close(x.d.st);
	ck_assert_int_eq(store_open(&x.d.st, x.d.dir, STORE_RDONLY), STORE_OK);
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/r.xlsx", x.d.dir), 0);
	struct export_opts o = {.kind = REC_RESIDENT, .format = EXPORT_XLSX, .env = &env_open};
	size_t n;
	char msg[512];
	ck_assert_int_eq(run(&x, path, &o, &n, msg), -1);
	ck_assert_ptr_nonnull(strstr(msg, "audit trail"));
	ck_assert(!exists(path));
	char tmp[600];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	ck_assert(!exists(tmp));
	free(path);
	fixture_free(&x);
}
END_TEST

START_TEST(test_unencodable)
{
	/* bytes that are no character cannot go into GB18030: an error that
	 * names the record and the column, and no file */
	char *dir = testdb_dir("export-bad");
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/bad.csv", dir), 0);
	export_writer *w;
	char msg[512];
	ck_assert_int_eq(export_writer_open(&w, path, EXPORT_CSV, EXPORT_GB18030, NULL, msg,
	                                    sizeof msg), 0);
	const char *head[] = {"ID", "Name"}, *row[] = {"res-1-1", "ab\xff"};
	ck_assert_int_eq(export_writer_row(w, head, 2, msg, sizeof msg), 0);
	ck_assert_int_eq(export_writer_row(w, row, 2, msg, sizeof msg), -1);
	ck_assert_msg(strstr(msg, "res-1-1") && strstr(msg, "\"Name\""), "message: %s", msg);
	export_writer_abort(w);
	ck_assert(!exists(path));
	char tmp[600];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	ck_assert(!exists(tmp));
	free(path);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("export");
	tcase_add_test(tc, test_csv_cells);
	tcase_add_test(tc, test_format_of_path);
	tcase_add_test(tc, test_csv_utf8);
	tcase_add_test(tc, test_audit_entry);
	tcase_add_test(tc, test_gb18030_same_text);
	tcase_add_test(tc, test_masked);
	tcase_add_test(tc, test_filters);
	tcase_add_test(tc, test_service_forms);
	tcase_add_test(tc, test_unwritable);
	tcase_add_test(tc, test_audit_first);
	tcase_add_test(tc, test_unencodable);
	tcase_add_test(tc, test_xlsx_on_demand);
	tcase_add_test(tc, test_xlsx_library_missing);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
