/* check-import.c: import.c on files written here: GB18030 with a name
 * outside the BMP (𠈌 is four bytes in GB18030) and commas, quotes and line
 * breaks inside quoted cells, read back exactly; UTF-8 with and without a
 * BOM; a file with every kind of fault, each said with its row and column,
 * importing nothing; --skip-bad and the file of bad rows, mended and
 * imported again; duplicates in the file and in the database; --update;
 * a village worker's row for another village; a file read in the wrong
 * encoding; a write that stops part way; the heap an import holds, the
 * same for four times the rows (mallinfo2). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "audit.h"
#include "import.h"
#include "lazylib.h"
#include "index.h"
#include "orgunit.h"
#include "text.h"
#include "valid.h"

#include "testdb.h"

/* --- helpers ---------------------------------------------------------- */

static struct formset *
forms(void)
{
	const char *d = getenv("SHEGONG_FORMSDIR");
	struct form_error err;
	struct formset *fs = formset_load(d && *d ? d : "../forms", &err);
	ck_assert_msg(fs != NULL, "%s:%d: %s", err.file, err.line, err.msg);
	return fs;
}

/* A valid ID number: 510421, the birth date, a sequence, the check. */
static const char *
idnum(char out[19], const char *birth, int seq)
{
	char first[18];
	snprintf(first, sizeof first, "510421%s%03d", birth, seq);
	snprintf(out, 19, "%s%c", first, valid_id_checkchar(first));
	ck_assert_int_eq(valid_idnum(out, NULL), VALID_OK);
	return out;
}

static int
units_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	orgunit_add(t, "510421", "米易县", NULL);
	orgunit_add(t, "510421100", "攀莲镇", NULL);
	orgunit_add(t, "510421100001", "安宁村", NULL);
	orgunit_add(t, "510421100002", "挂榜村", NULL);
	worker_add(t, "anning", "李红梅", ROLE_VILLAGE, "510421100001", NULL);
	worker_add(t, "tester", "管理员", ROLE_ADMIN, "510421", NULL);
	return store_txn_error(t);
}

struct fixture {
	struct db d;
	struct formset *fs;
	char *dir;  /* for the files */
	struct scope *sc;
};

static struct problem_log {
	size_t n;
	struct {
		size_t row;
		char column[64];
		char msg[512];
		bool warning;
	} p[64];
} plog;

static void
log_problem(const struct import_problem *p, void *ctx)
{
	(void)ctx;
	if (plog.n < 64) {
		plog.p[plog.n].row = p->row;
		snprintf(plog.p[plog.n].column, sizeof plog.p[plog.n].column, "%s",
		         p->column ? p->column : "");
		snprintf(plog.p[plog.n].msg, sizeof plog.p[plog.n].msg, "%s", p->msg);
		plog.p[plog.n].warning = p->warning;
	}
	plog.n++;
}

/* Whether a fault was said at row and column, with text in its message. */
static bool
said(size_t row, const char *column, const char *text)
{
	for (size_t i = 0; i < plog.n && i < 64; i++)
		if (plog.p[i].row == row && strcmp(plog.p[i].column, column) == 0 &&
		    strstr(plog.p[i].msg, text))
			return true;
	return false;
}

static void
dump_log(void)
{
	for (size_t i = 0; i < plog.n && i < 64; i++)
		fprintf(stderr, "  row %zu [%s] %s%s\n", plog.p[i].row, plog.p[i].column,
		        plog.p[i].warning ? "(warning) " : "", plog.p[i].msg);
}

static void
fixture_make(struct fixture *x)
{
	x->d = testdb_new("import");
	ck_assert_int_eq(store_write(x->d.st, units_txn, NULL), STORE_OK);
	audit_attach(x->d.st);
	x->fs = forms();
	x->dir = testdb_dir("import-files");
	x->sc = NULL;
	plog.n = 0;
}

static void
fixture_free(struct fixture *x)
{
	if (x->sc) {
		scope_attach(x->d.st, NULL);
		scope_free(x->sc);
	}
	formset_free(x->fs);
	testdb_free(&x->d);
	testdb_rm(x->dir);
}

/* Write UTF-8 text to dir/name in enc ("GB18030", "UTF-8", "UTF-8-BOM"). */
static char *
write_file(struct fixture *x, const char *name, const char *utf8, const char *enc)
{
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/%s", x->dir, name), 0);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	if (strcmp(enc, "GB18030") == 0) {
		char *out;
		size_t len;
		ck_assert_int_eq(text_conv("GB18030", "UTF-8", utf8, strlen(utf8), &out, &len, NULL),
		                 TEXT_CONV_OK);
		fwrite(out, 1, len, f);
		free(out);
	} else {
		if (strcmp(enc, "UTF-8-BOM") == 0)
			fputs("\xEF\xBB\xBF", f);
		fputs(utf8, f);
	}
	fclose(f);
	return path;
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

static struct form_env env_admin = {"tester", NULL, "2026-03-15", false, 0, NULL};

static int
run(struct fixture *x, const char *path, struct import_opts *o, struct import_result *res,
    char *msg)
{
	o->kind = o->kind ? o->kind : REC_RESIDENT;
	o->fs = x->fs;
	o->env = o->env ? o->env : &env_admin;
	o->report = log_problem;
	o->scope = x->sc;
	plog.n = 0;
	return import_file(x->d.st, path, o, res, msg, 1024);
}

struct cnt {
	int kind;
	size_t n;
};

static int
count_txn(store_txn *t, void *ctx)
{
	struct cnt *c = ctx;
	return store_count(t, c->kind, &c->n);
}

static size_t
count(struct fixture *x, int kind)
{
	struct cnt c = {kind, 0};
	ck_assert_int_eq(store_read(x->d.st, count_txn, &c), STORE_OK);
	return c.n;
}

struct by_id {
	const char *idnum;
	rec_id id;
	size_t hits;
	record *r;
};

static int
by_id_one(const rec_id *id, const char *value, void *ctx)
{
	struct by_id *b = ctx;
	if (strcmp(value, b->idnum) == 0) {
		b->id = *id;
		b->hits++;
	}
	return 0;
}

static int
by_id_txn(store_txn *t, void *ctx)
{
	struct by_id *b = ctx;
	store_find(t, IDX_IDNUM, REC_RESIDENT, b->idnum, by_id_one, b);
	if (store_txn_error(t))
		return store_txn_error(t);
	if (b->hits != 1)
		return STORE_NOTFOUND;
	return store_get(t, &b->id, &b->r);
}

/* The one resident registered with an ID number (the caller frees it). */
static record *
resident(struct fixture *x, const char *id)
{
	struct by_id b = {id, {0}, 0, NULL};
	int err = store_read(x->d.st, by_id_txn, &b);
	ck_assert_msg(err == STORE_OK, "%s: %s (%zu records)", id, store_strerror(err), b.hits);
	return b.r;
}

static bool
registered(struct fixture *x, const char *id)
{
	struct by_id b = {id, {0}, 0, NULL};
	int err = store_read(x->d.st, by_id_txn, &b);
	record_free(b.r);
	return err == STORE_OK;
}

struct audit_find {
	const char *action;
	size_t n;
	char note[256];
};

static int
audit_one(const struct audit_entry *e, void *ctx)
{
	struct audit_find *a = ctx;
	if (strcmp(e->action, a->action) == 0) {
		a->n++;
		snprintf(a->note, sizeof a->note, "%s", e->note);
	}
	return 0;
}

static struct audit_find
audit_count(struct fixture *x, const char *action)
{
	struct audit_find a = {action, 0, ""};
	struct audit_filter f = {0};
	ck_assert_int_eq(audit_each(x->d.st, &f, audit_one, &a), STORE_OK);
	return a;
}

/* The store and its audit chain whole (store_verify, audit_verify);
 * the chain's number of entries. */
static size_t
whole(struct fixture *x)
{
	size_t faults = 99, entries = 0;
	ck_assert_int_eq(store_verify(x->d.st, false, &faults, NULL, NULL), STORE_OK);
	ck_assert_uint_eq(faults, 0);
	uint64_t bad = 1;
	char why[256] = "";
	ck_assert_int_eq(audit_verify(x->d.st, &entries, &bad, why, sizeof why), STORE_OK);
	ck_assert_msg(bad == 0, "%s", why);
	return entries;
}

/* Log in as login: their scope becomes the store's policy. */
static void
login(struct fixture *x, const char *who)
{
	ck_assert_int_eq(scope_load_now(x->d.st, who, &x->sc), STORE_OK);
	scope_attach(x->d.st, x->sc);
	store_set_user(x->d.st, who);
}

/* --- good files -------------------------------------------------------- */

/* libcsv is opened when a CSV file is first read (lazylib.h): missing,
 * the file is refused with the package to install, nothing saved; there,
 * the same bytes read. */
START_TEST(test_csv_library_missing)
{
	struct fixture x;
	fixture_make(&x);
	char a[19], text[512];
	idnum(a, "19800101", 123);
	snprintf(text, sizeof text, "姓名,身份证号,性别,村(社区)\r\n王五,%s,男,安宁村\r\n", a);
	struct import_opts o = {.kind = REC_RESIDENT, .fs = x.fs, .env = &env_admin};
	struct import_result res;
	char msg[1024];
	lazylib_test_missing = "libcsv";
	int rc = import_buffer(x.d.st, "r.csv", text, strlen(text), &o, &res, msg, sizeof msg);
	lazylib_test_missing = NULL;
	ck_assert_int_ne(rc, IMPORT_OK);
	ck_assert_msg(strstr(msg, "libcsv3") != NULL, "%s", msg);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 0);
	rc = import_buffer(x.d.st, "r.csv", text, strlen(text), &o, &res, msg, sizeof msg);
	ck_assert_msg(rc == IMPORT_OK, "%d: %s", rc, msg);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 1);
	fixture_free(&x);
}
END_TEST

START_TEST(test_gb18030_exact)
{
	struct fixture x;
	fixture_make(&x);
	char a[19], b[19], c[19], text[2048];
	idnum(a, "19800101", 123);
	idnum(b, "19750505", 456);
	idnum(c, "20100203", 8);   /* a woman: her 17th digit even */
	snprintf(text, sizeof text,
	         "姓名,身份证号,性别,出生日期,电话,村(社区),人员类别,住址,备注\r\n"
	         "𠈌小明,%s,男,1980-01-01,13800138000,安宁村,\"低保,独居老人\",\"安宁村3组, "
	         "12号\",\"他说\"\"你好\"\"\n第二行\"\r\n"
	         "王五,=\"%s\",f,19750505,'13912345678,510421100002,,,\r\n"
	         "李𠀀,%s,Female,2010/2/3,,安宁村,残疾人,,\r\n",
	         a, b, c);
	char *path = write_file(&x, "good.csv", text, "GB18030");
	struct import_opts o = {0};
	struct import_result res;
	char msg[1024];
	/* the same bytes from memory, check_only (as fuzz/csv.c runs it):
	 * every row checked and counted, nothing saved, nothing logged */
	size_t len;
	char *bytes = slurp(path, &len);
	struct import_opts oc = {.kind = REC_RESIDENT, .fs = x.fs, .env = &env_admin,
	                         .check_only = true};
	int rc = import_buffer(x.d.st, "good.csv", bytes, len, &oc, &res, msg, sizeof msg);
	ck_assert_msg(rc == IMPORT_OK, "%d: %s", rc, msg);
	ck_assert_int_eq(res.encoding, IMPORT_GB18030);
	ck_assert_uint_eq(res.rows, 3);
	ck_assert_uint_eq(res.imported + res.bad, 0);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 0);
	ck_assert_uint_eq(audit_count(&x, "import").n, 0);
	free(bytes);
	rc = run(&x, path, &o, &res, msg);
	if (rc)
		dump_log();
	ck_assert_msg(rc == IMPORT_OK, "%d: %s", rc, msg);
	ck_assert_int_eq(res.encoding, IMPORT_GB18030);
	ck_assert(!res.bom);
	ck_assert_uint_eq(res.rows, 3);
	ck_assert_uint_eq(res.imported, 3);
	ck_assert_uint_eq(res.bad + res.updated + res.duplicates, 0);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 3);

	record *r = resident(&x, a);
	ck_assert_str_eq(record_get(r, "name"), "𠈌小明");
	ck_assert_str_eq(record_get(r, "sex"), "m");
	ck_assert_str_eq(record_get(r, "birth"), "1980-01-01");
	ck_assert_str_eq(record_get(r, "categories"), "dibao,elder_alone");
	ck_assert_str_eq(record_get(r, "address"), "安宁村3组, 12号");
	ck_assert_str_eq(record_get(r, "notes"), "他说\"你好\"\n第二行");
	ck_assert_str_eq(r->created_by, "tester");
	const char *v1 = record_get(r, "village");
	ck_assert_ptr_nonnull(v1);
	record_free(r);
	r = resident(&x, b);
	ck_assert_str_eq(record_get(r, "name"), "王五");
	ck_assert_str_eq(record_get(r, "sex"), "f");
	ck_assert_str_eq(record_get(r, "birth"), "1975-05-05");
	ck_assert_str_eq(record_get(r, "phone"), "13912345678");
	ck_assert_ptr_null(record_get(r, "categories"));
	record_free(r);
	r = resident(&x, c);
	ck_assert_str_eq(record_get(r, "name"), "李𠀀");
	ck_assert_str_eq(record_get(r, "sex"), "f");
	ck_assert_str_eq(record_get(r, "birth"), "2010-02-03");
	record_free(r);

	/* each record logged by the hook, and the import once */
	ck_assert_uint_eq(audit_count(&x, "create").n, 3);
	struct audit_find imp = audit_count(&x, "import");
	ck_assert_uint_eq(imp.n, 1);
	ck_assert_msg(strstr(imp.note, "good.csv") && strstr(imp.note, "3 new"), "%s", imp.note);
	free(path);
	fixture_free(&x);
}
END_TEST

START_TEST(test_utf8_bom_and_plain)
{
	struct fixture x;
	fixture_make(&x);
	char a[19], b[19], text[512];
	idnum(a, "19600101", 11);
	idnum(b, "19610101", 12);
	/* English labels, with a BOM */
	snprintf(text, sizeof text, "Name,ID number,Sex,Village\r\n张三,%s,Male,安宁村\r\n", a);
	char *p1 = write_file(&x, "bom.csv", text, "UTF-8-BOM");
	struct import_opts o = {0};
	struct import_result res;
	char msg[1024];
	ck_assert_int_eq(run(&x, p1, &o, &res, msg), IMPORT_OK);
	ck_assert_int_eq(res.encoding, IMPORT_UTF8);
	ck_assert(res.bom);
	record *r = resident(&x, a);
	ck_assert_str_eq(record_get(r, "name"), "张三");
	ck_assert_str_eq(record_get(r, "sex"), "m");
	record_free(r);
	/* the fields' names, no BOM, LF line ends */
	snprintf(text, sizeof text, "name,idnum,village\n𠈌四,%s,安宁村\n", b);
	char *p2 = write_file(&x, "plain.csv", text, "UTF-8");
	ck_assert_int_eq(run(&x, p2, &o, &res, msg), IMPORT_OK);
	ck_assert_int_eq(res.encoding, IMPORT_UTF8);
	ck_assert(!res.bom);
	r = resident(&x, b);
	ck_assert_str_eq(record_get(r, "name"), "𠈌四");
	record_free(r);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 2);
	free(p1);
	free(p2);
	fixture_free(&x);
}
END_TEST

/* --- every kind of fault ------------------------------------------------ */

/* A GB18030 file with one cell's bytes in UTF-8 ("中文", which also reads
 * as GB18030) and one that does not read as GB18030 at all ("张大山"). */
static char *
bad_file(struct fixture *x, char good[19])
{
	char bad_check[19], zeros[19], ok2[19], ok3[19];
	idnum(good, "19800101", 1);
	idnum(bad_check, "19800101", 2);
	bad_check[17] = bad_check[17] == '1' ? '2' : '1';
	/* what Excel shows of an 18-digit number: 15 digits and 000 */
	idnum(zeros, "19800101", 3);
	memcpy(zeros + 15, "000", 3);
	if (valid_idnum(zeros, NULL) == VALID_OK) {
		idnum(zeros, "19800101", 4);
		memcpy(zeros + 15, "000", 3);
	}
	ck_assert_int_eq(valid_idnum(zeros, NULL), VALID_ID_CHECKSUM);
	idnum(ok2, "19800101", 5);
	idnum(ok3, "19800101", 6);
	char part1[2048], part2[512], part3[512];
	snprintf(part1, sizeof part1,
	         "姓名,身份证号,性别,出生日期,村(社区),微信\r\n"        /* 1 */
	         "好人,%s,男,1980-01-01,安宁村,\r\n"                     /* 2 */
	         "错号,%s,男,,安宁村,\r\n"                               /* 3 */
	         "科学,5.10421E+17,男,,安宁村,\r\n"                     /* 4 */
	         "零尾,%s,男,,安宁村,\r\n"                               /* 5 */
	         "序号,,女,45123,安宁村,\r\n"                            /* 6 */
	         ",%s,女,,安宁村,\r\n"                                   /* 7 */
	         "选错,,X,,安宁村,\r\n"                                  /* 8 */
	         "",
	         good, bad_check, zeros, ok2);
	snprintf(part2, sizeof part2, ",%s,男,,安宁村,\r\n", ok3);     /* 9: 中文 in UTF-8 */
	snprintf(part3, sizeof part3, ",,男,,安宁村,\r\n");             /* 10: 张大山 in UTF-8 */
	char *gb1, *gb2, *gb3;
	size_t l1, l2, l3;
	ck_assert_int_eq(text_conv("GB18030", "UTF-8", part1, strlen(part1), &gb1, &l1, NULL), 0);
	ck_assert_int_eq(text_conv("GB18030", "UTF-8", part2, strlen(part2), &gb2, &l2, NULL), 0);
	ck_assert_int_eq(text_conv("GB18030", "UTF-8", part3, strlen(part3), &gb3, &l3, NULL), 0);
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/bad.csv", x->dir), 0);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite(gb1, 1, l1, f);
	fputs("中文", f);  /* this source is UTF-8 */
	fwrite(gb2, 1, l2, f);
	fputs("张大山", f);
	fwrite(gb3, 1, l3, f);
	fclose(f);
	free(gb1);
	free(gb2);
	free(gb3);
	return path;
}

START_TEST(test_every_fault)
{
	struct fixture x;
	fixture_make(&x);
	char good[19];
	char *path = bad_file(&x, good);
	struct import_opts o = {0};
	struct import_result res;
	char msg[1024];
	ck_assert_int_eq(run(&x, path, &o, &res, msg), IMPORT_BAD_ROWS);
	ck_assert_int_eq(res.encoding, IMPORT_GB18030);
	ck_assert_uint_eq(res.rows, 9);
	ck_assert_uint_eq(res.bad, 8);
	ck_assert_uint_eq(res.imported, 0);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 0);
	ck_assert_uint_eq(audit_count(&x, "import").n, 0);
	/* the columns the form lacks: one note for all, with the form's title */
	ck_assert(said(1, "", "not fields of the form \"Resident\""));
	ck_assert(said(1, "", "微信"));
	ck_assert(said(3, "身份证号", "check"));
	ck_assert(said(4, "身份证号", "Excel turned this ID number into a number"));
	ck_assert(said(5, "身份证号", "Excel turned this ID number into a number"));
	ck_assert(said(6, "出生日期", "2023-07-16"));
	ck_assert(said(7, "姓名", "must be filled in"));
	ck_assert(said(8, "性别", "\"X\" is not one of the choices"));
	ck_assert(said(8, "性别", "男, 女"));
	ck_assert(said(9, "姓名", "seems to be UTF-8"));
	ck_assert(said(9, "姓名", "中文"));
	ck_assert(said(10, "姓名", "not GB18030 text"));
	free(path);
	fixture_free(&x);
}
END_TEST

static char *
replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	ck_assert_msg(at != NULL, "no \"%s\" in %s", from, s);
	char *out;
	ck_assert_int_ge(asprintf(&out, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from)), 0);
	return out;
}

START_TEST(test_skip_bad_and_mend)
{
	struct fixture x;
	fixture_make(&x);
	char a[19], b[19], c[19], text[1024];
	idnum(a, "19700101", 1);
	idnum(b, "19700101", 2);
	idnum(c, "19700101", 3);
	snprintf(text, sizeof text,
	         "姓名,身份证号,出生日期,村(社区)\r\n"
	         "甲,%s,1970-01-01,安宁村\r\n"
	         "乙,%s,45123,安宁村\r\n"
	         "\"丙,\"\"引\"\"\",5.10421E+17,1970-01-01,安宁村\r\n",
	         a, b);
	char *path = write_file(&x, "people.csv", text, "GB18030");
	struct import_opts o = {.skip_bad = true};
	struct import_result res;
	char msg[1024];
	ck_assert_int_eq(run(&x, path, &o, &res, msg), IMPORT_BAD_ROWS);
	ck_assert_uint_eq(res.imported, 1);
	ck_assert_uint_eq(res.bad, 2);
	ck_assert(res.bad_written);
	ck_assert(registered(&x, a));
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 1);

	char *bad = import_bad_path(path);
	ck_assert_ptr_nonnull(strstr(bad, "people.bad.csv"));
	size_t len;
	char *raw = slurp(bad, &len);
	char *u;
	size_t ulen;
	ck_assert_int_eq(text_conv("UTF-8", "GB18030", raw, len, &u, &ulen, NULL), 0);
	ck_assert_msg(strncmp(u, "姓名,身份证号,出生日期,村(社区),错误/error\r\n", 56) == 0, "%s", u);
	ck_assert_ptr_nonnull(strstr(u, "乙,"));
	ck_assert_ptr_nonnull(strstr(u, "\"丙,\"\"引\"\"\",5.10421E+17"));
	ck_assert_ptr_nonnull(strstr(u, "2023-07-16"));
	ck_assert_ptr_null(strstr(u, "甲"));
	struct stat sb;
	ck_assert_int_eq(stat(bad, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 077, 0);

	/* mend it where it is, import it again: its error column is left out */
	char *m1 = replace(u, "45123", "1970-01-01");
	char *m2 = replace(m1, "5.10421E+17", c);
	FILE *f = fopen(bad, "wb");
	char *gb;
	size_t gblen;
	ck_assert_int_eq(text_conv("GB18030", "UTF-8", m2, strlen(m2), &gb, &gblen, NULL), 0);
	fwrite(gb, 1, gblen, f);
	fclose(f);
	struct import_opts o2 = {0};
	int rc = run(&x, bad, &o2, &res, msg);
	if (rc)
		dump_log();
	ck_assert_int_eq(rc, IMPORT_OK);
	ck_assert_uint_eq(res.imported, 2);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 3);
	record *r = resident(&x, c);
	ck_assert_str_eq(record_get(r, "name"), "丙,\"引\"");
	record_free(r);
	free(gb);
	free(m1);
	free(m2);
	free(u);
	free(raw);
	free(bad);
	free(path);
	fixture_free(&x);
}
END_TEST

static int
village_without_groups_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	orgunit_add(t, "510421100003", "新河村", NULL);
	return store_txn_error(t);
}

/* 组 follows the village's list (forms/choices group_CODE): a group not on
 * it is refused, naming the list; one on it is taken; a village with no
 * list takes what is written, as the form does. */
START_TEST(test_group_by_village)
{
	struct fixture x;
	fixture_make(&x);
	ck_assert_int_eq(store_write(x.d.st, village_without_groups_txn, NULL), STORE_OK);
	char a[19], b[19], c[19], d[19], text[1024];
	idnum(a, "19700101", 1);
	idnum(b, "19700101", 2);
	idnum(c, "19700101", 3);
	idnum(d, "19700101", 4);
	snprintf(text, sizeof text,
	         "姓名,身份证号,村(社区),组\r\n"
	         "甲,%s,安宁村,3组\r\n"
	         "乙,%s,安宁村,3\r\n"
	         "丙,%s,挂榜村,九组\r\n"
	         "丁,%s,新河村,河湾组\r\n",
	         a, b, c, d);
	char *path = write_file(&x, "groups.csv", text, "GB18030");
	struct import_opts o = {.skip_bad = true};
	struct import_result res;
	char msg[1024];
	int rc = run(&x, path, &o, &res, msg);
	if (rc != IMPORT_BAD_ROWS)
		dump_log();
	ck_assert_int_eq(rc, IMPORT_BAD_ROWS);
	ck_assert_uint_eq(res.imported, 2);
	ck_assert_uint_eq(res.bad, 2);
	ck_assert(said(3, "组", "\"3\" is not one of the groups of 安宁村"));
	ck_assert(said(3, "组", "1组、2组、3组"));
	ck_assert(said(4, "组", "\"九组\" is not one of the groups of 挂榜村"));
	ck_assert(!registered(&x, b));
	ck_assert(!registered(&x, c));
	record *r = resident(&x, a);
	ck_assert_str_eq(record_get(r, "group"), "3组");
	record_free(r);
	r = resident(&x, d);
	ck_assert_str_eq(record_get(r, "group"), "河湾组");
	record_free(r);
	/* the refused rows are in the file of bad rows, with the reason */
	char *bad = import_bad_path(path);
	size_t len;
	char *raw = slurp(bad, &len);
	char *u;
	size_t ulen;
	ck_assert_int_eq(text_conv("UTF-8", "GB18030", raw, len, &u, &ulen, NULL), 0);
	ck_assert_msg(strstr(u, "乙,") && strstr(u, "丙,") && !strstr(u, "甲,") && !strstr(u, "丁,"),
	              "%s", u);
	ck_assert_msg(strstr(u, "is not one of the groups of 安宁村"), "%s", u);
	free(u);
	free(raw);
	free(bad);
	free(path);
	fixture_free(&x);
}
END_TEST

START_TEST(test_duplicates)
{
	struct fixture x;
	fixture_make(&x);
	char a[19], b[19], text[1024];
	idnum(a, "19500101", 1);
	idnum(b, "19500101", 2);
	snprintf(text, sizeof text, "姓名,身份证号,村(社区)\r\n老甲,%s,安宁村\r\n", a);
	char *p1 = write_file(&x, "first.csv", text, "GB18030");
	struct import_opts o = {0};
	struct import_result res;
	char msg[1024];
	ck_assert_int_eq(run(&x, p1, &o, &res, msg), IMPORT_OK);
	/* b twice in the file; a registered already (x in place of X is the same) */
	snprintf(text, sizeof text,
	         "姓名,身份证号,村(社区)\r\n新乙,%s,安宁村\r\n又乙,%s,安宁村\r\n老甲,%s,安宁村\r\n", b, b,
	         a);
	char *p2 = write_file(&x, "second.csv", text, "GB18030");
	ck_assert_int_eq(run(&x, p2, &o, &res, msg), IMPORT_BAD_ROWS);
	ck_assert_uint_eq(res.duplicates, 2);
	ck_assert_uint_eq(res.bad, 2);
	ck_assert(said(3, "身份证号", "the same ID number as row 2"));
	ck_assert(said(4, "身份证号", "registered already, for 老甲"));
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 1);
	struct import_opts o2 = {.skip_bad = true};
	ck_assert_int_eq(run(&x, p2, &o2, &res, msg), IMPORT_BAD_ROWS);
	ck_assert_uint_eq(res.imported, 1);
	ck_assert_uint_eq(res.duplicates, 2);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 2);
	record *r = resident(&x, b);
	ck_assert_str_eq(record_get(r, "name"), "新乙");
	record_free(r);
	free(p1);
	free(p2);
	fixture_free(&x);
}
END_TEST

START_TEST(test_update)
{
	struct fixture x;
	fixture_make(&x);
	char a[19], b[19], text[1024];
	idnum(a, "19500101", 1);
	idnum(b, "19500101", 2);
	snprintf(text, sizeof text,
	         "姓名,身份证号,电话,性别,村(社区)\r\n老甲,%s,13800000001,男,安宁村\r\n", a);
	char *p1 = write_file(&x, "first.csv", text, "GB18030");
	struct import_opts o = {0};
	struct import_result res;
	char msg[1024];
	ck_assert_int_eq(run(&x, p1, &o, &res, msg), IMPORT_OK);
	/* a new phone, the sex left empty (kept), and one new resident */
	snprintf(text, sizeof text,
	         "身份证号,电话,性别,姓名,村(社区)\r\n%s,13800000002,,老甲,安宁村\r\n%s,,,新乙,安宁村\r\n",
	         a, b);
	char *p2 = write_file(&x, "second.csv", text, "GB18030");
	struct import_opts o2 = {.update = true};
	int rc = run(&x, p2, &o2, &res, msg);
	if (rc)
		dump_log();
	ck_assert_int_eq(rc, IMPORT_OK);
	ck_assert_uint_eq(res.updated, 1);
	ck_assert_uint_eq(res.imported, 1);
	ck_assert_uint_eq(res.duplicates, 0);
	record *r = resident(&x, a);
	ck_assert_str_eq(record_get(r, "phone"), "13800000002");
	ck_assert_str_eq(record_get(r, "sex"), "m");
	ck_assert_uint_eq(r->version, 2);
	record_free(r);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 2);
	ck_assert_uint_eq(audit_count(&x, "edit").n + audit_count(&x, "update").n, 1);
	/* the same file again: nothing changes, no version, no audit entry */
	size_t imports = audit_count(&x, "import").n;
	ck_assert_int_eq(run(&x, p2, &o2, &res, msg), IMPORT_OK);
	ck_assert_uint_eq(res.updated, 0);
	ck_assert_uint_eq(res.imported, 0);
	ck_assert_uint_eq(res.unchanged, 2);
	r = resident(&x, a);
	ck_assert_uint_eq(r->version, 2);
	record_free(r);
	ck_assert_uint_eq(audit_count(&x, "edit").n + audit_count(&x, "update").n, 1);
	ck_assert_uint_eq(audit_count(&x, "import").n, imports);
	free(p1);
	free(p2);
	fixture_free(&x);
}
END_TEST

/* A resident's 村(社区) is a village: a county or a township, by name,
 * by code or by record id, is refused (issue 16). */
START_TEST(test_village_only)
{
	struct fixture x;
	fixture_make(&x);
	char a[19], b[19], c[19], d[19], text[1024];
	idnum(a, "19500101", 1);
	idnum(b, "19500101", 2);
	idnum(c, "19500101", 3);
	idnum(d, "19500101", 4);
	snprintf(text, sizeof text,
	         "姓名,身份证号,村(社区)\r\n老甲,%s,米易县\r\n老乙,%s,510421100\r\n"
	         "老丙,%s,unit-000000000000-1\r\n老丁,%s,安宁村\r\n",
	         a, b, c, d);
	char *p = write_file(&x, "levels.csv", text, "UTF-8");
	struct import_opts o = {.skip_bad = true};
	struct import_result res;
	char msg[1024];
	int rc = run(&x, p, &o, &res, msg);
	if (res.imported != 1)
		dump_log();
	ck_assert_int_eq(rc, IMPORT_BAD_ROWS);
	ck_assert_uint_eq(res.imported, 1);
	ck_assert(said(4, "村(社区)", "no such village"));
	ck_assert(said(2, "村(社区)", "米易县 is a county, not a village"));
	ck_assert(said(3, "村(社区)", "攀莲镇 is a township, not a village"));
	ck_assert(!registered(&x, a));
	ck_assert(!registered(&x, b));
	ck_assert(registered(&x, d));
	free(p);
	fixture_free(&x);
}
END_TEST

/* A line break inside a quoted cell as Excel on Windows writes it (CR
 * LF) is a line break, kept as LF, like a plain LF (issue 16). */
START_TEST(test_crlf_in_cell)
{
	struct fixture x;
	fixture_make(&x);
	char a[19], b[19], text[1024];
	idnum(a, "19500101", 1);
	idnum(b, "19500101", 2);
	snprintf(text, sizeof text,
	         "姓名,身份证号,村(社区),备注\r\n老甲,%s,安宁村,\"第一行\r\n第二行\"\r\n"
	         "老乙,%s,安宁村,\"一\n二\"\r\n",
	         a, b);
	char *p = write_file(&x, "crlf.csv", text, "GB18030");
	struct import_opts o = {0};
	struct import_result res;
	char msg[1024];
	int rc = run(&x, p, &o, &res, msg);
	if (rc)
		dump_log();
	ck_assert_int_eq(rc, IMPORT_OK);
	ck_assert_uint_eq(res.imported, 2);
	record *r = resident(&x, a);
	ck_assert_str_eq(record_get(r, "notes"), "第一行\n第二行");
	record_free(r);
	r = resident(&x, b);
	ck_assert_str_eq(record_get(r, "notes"), "一\n二");
	record_free(r);
	free(p);
	fixture_free(&x);
}
END_TEST

START_TEST(test_village_worker_reach)
{
	struct fixture x;
	fixture_make(&x);
	login(&x, "anning");
	struct form_env env = {"anning", scope_village(x.sc), "2026-03-15", false,
	                       scope_village(x.sc) ? UNIT_VILLAGE : 0, NULL};
	char a[19], b[19], c[19], text[1024];
	idnum(a, "19900101", 1);
	idnum(b, "19900101", 2);
	idnum(c, "19900101", 3);
	snprintf(text, sizeof text,
	         "姓名,身份证号,村(社区)\r\n本村,%s,安宁村\r\n外村,%s,挂榜村\r\n默认,%s,\r\n", a, b, c);
	char *path = write_file(&x, "reach.csv", text, "GB18030");
	struct import_opts o = {.env = &env};
	struct import_result res;
	char msg[1024];
	ck_assert_int_eq(run(&x, path, &o, &res, msg), IMPORT_BAD_ROWS);
	ck_assert_uint_eq(res.bad, 1);
	ck_assert(said(3, "村(社区)", "挂榜村 is not in your reach"));
	ck_assert(said(3, "村(社区)", "安宁村"));
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 0);
	struct import_opts o2 = {.env = &env, .skip_bad = true};
	ck_assert_int_eq(run(&x, path, &o2, &res, msg), IMPORT_BAD_ROWS);
	ck_assert_uint_eq(res.imported, 2);
	record *r = resident(&x, c);
	ck_assert_str_eq(record_get(r, "village"), scope_village(x.sc));
	record_free(r);
	ck_assert(!registered(&x, b));
	free(path);
	fixture_free(&x);
}
END_TEST

/* --- the file refused whole ------------------------------------------------ */

START_TEST(test_wrong_encoding)
{
	struct fixture x;
	fixture_make(&x);
	char a[19], text[512];
	idnum(a, "19800101", 9);
	snprintf(text, sizeof text, "姓名,身份证号,村(社区)\r\n张三,%s,安宁村\r\n", a);
	char *gb = write_file(&x, "gb.csv", text, "GB18030");
	char *u8 = write_file(&x, "u8.csv", text, "UTF-8");
	struct import_opts o = {.encoding = IMPORT_UTF8};
	struct import_result res;
	char msg[1024];
	ck_assert_int_eq(run(&x, gb, &o, &res, msg), IMPORT_REFUSED);
	ck_assert_msg(strstr(msg, "not UTF-8") && strstr(msg, "row 1, column A") &&
	                      strstr(msg, "GB18030"),
	              "%s", msg);
	struct import_opts o2 = {.encoding = IMPORT_GB18030};
	ck_assert_int_eq(run(&x, u8, &o2, &res, msg), IMPORT_REFUSED);
	ck_assert_msg(strstr(msg, "seems to be UTF-8") && strstr(msg, "姓名"), "%s", msg);
	struct import_opts o3 = {.encoding = IMPORT_GBK};
	ck_assert_int_eq(run(&x, u8, &o3, &res, msg), IMPORT_REFUSED);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 0);
	/* and each the right way */
	ck_assert_int_eq(run(&x, gb, &o2, &res, msg), IMPORT_OK);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 1);
	free(gb);
	free(u8);
	fixture_free(&x);
}
END_TEST

START_TEST(test_header_refused)
{
	struct fixture x;
	fixture_make(&x);
	struct import_opts o = {0};
	struct import_result res;
	char msg[1024];
	char *p = write_file(&x, "noname.csv", "身份证号,村(社区)\r\n", "GB18030");
	ck_assert_int_eq(run(&x, p, &o, &res, msg), IMPORT_REFUSED);
	ck_assert_msg(strstr(msg, "姓名 (Name)"), "%s", msg);
	free(p);
	p = write_file(&x, "noheader.csv", "张三,安宁村\r\n", "GB18030");
	ck_assert_int_eq(run(&x, p, &o, &res, msg), IMPORT_REFUSED);
	ck_assert_msg(strstr(msg, "header"), "%s", msg);
	free(p);
	p = write_file(&x, "twice.csv", "姓名,name,村(社区)\r\n", "GB18030");
	ck_assert_int_eq(run(&x, p, &o, &res, msg), IMPORT_REFUSED);
	ck_assert_msg(strstr(msg, "keep one"), "%s", msg);
	free(p);
	p = write_file(&x, "empty.csv", "", "GB18030");
	ck_assert_int_eq(run(&x, p, &o, &res, msg), IMPORT_REFUSED);
	free(p);
	/* a zip by its first bytes is read as a workbook, whatever its name:
	 * this one is no workbook */
	p = write_file(&x, "book.csv", "PK\3\4rest", "UTF-8");
	ck_assert_int_eq(run(&x, p, &o, &res, msg), IMPORT_REFUSED);
	ck_assert_msg(strstr(msg, "damaged or is not an Excel workbook (.xlsx)"), "%s", msg);
	free(p);
	p = write_file(&x, "open.csv", "姓名,村(社区)\r\n\"张三,安宁村\r\n", "GB18030");
	ck_assert_int_eq(run(&x, p, &o, &res, msg), IMPORT_REFUSED);
	ck_assert_msg(strstr(msg, "row 2"), "%s", msg);
	free(p);

	o.kind = REC_REFERRAL;
	p = write_file(&x, "ref.csv", "x\r\n", "UTF-8");
	ck_assert_int_eq(run(&x, p, &o, &res, msg), IMPORT_REFUSED);
	free(p);
	fixture_free(&x);
}
END_TEST

START_TEST(test_excel_dates)
{
	static const struct {
		double serial;
		const char *date;
	} cases[] = {
		{1, "1900-01-01"},      {59, "1900-02-28"}, {60, "1900-02-29"},
		{61, "1900-03-01"},     {45123, "2023-07-16"}, {45123.75, "2023-07-16"},
		{29221, "1980-01-01"},  {2958465, "9999-12-31"},
	};
	char out[11];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert(import_excel_date(cases[i].serial, out));
		ck_assert_str_eq(out, cases[i].date);
	}
	ck_assert(!import_excel_date(0, out));
	ck_assert(!import_excel_date(2958466, out));
}
END_TEST

/* --- saving ------------------------------------------------------------------ */

static char *
many_rows(struct fixture *x, const char *name, size_t n)
{
	size_t cap = 128 + n * 80;
	char *text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	size_t len = (size_t)snprintf(text, cap, "姓名,身份证号,村(社区)\r\n");
	for (size_t i = 0; i < n; i++) {
		char id[19];
		char birth[9];
		snprintf(birth, sizeof birth, "19%02zu%02zu%02zu", 40 + i / 336 % 50, 1 + i / 28 % 12,
		         1 + i % 28);
		idnum(id, birth, (int)(i % 997));
		len += (size_t)snprintf(text + len, cap - len, "居民%zu,%s,安宁村\r\n", i, id);
	}
	char *path = write_file(x, name, text, "GB18030");
	free(text);
	return path;
}

/* Duplicates among many rows, found as well with the ID numbers' table
 * made the file's size at once (not grown as it fills): the first and
 * the last of 5,000 rows and one between, repeated after them (one with
 * a small x for its X), each said with the row it repeats; nothing
 * else refused, nothing saved. */
START_TEST(test_duplicates_many)
{
	struct fixture x;
	fixture_make(&x);
	size_t n = 5000, cap = 256 + (n + 4) * 80;
	char *text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	size_t len = (size_t)snprintf(text, cap, "姓名,身份证号,村(社区)\r\n");
	char ids[3][19], withx[19] = "";
	size_t withx_row = 0;
	for (size_t i = 0; i < n; i++) {
		char id[19], birth[9];
		snprintf(birth, sizeof birth, "19%02zu%02zu%02zu", 40 + i / 336 % 50, 1 + i / 28 % 12,
		         1 + i % 28);
		idnum(id, birth, (int)(i % 997));
		if (i == 0 || i == n / 2 || i == n - 1)
			memcpy(ids[i == 0 ? 0 : i == n - 1 ? 2 : 1], id, sizeof id);
		if (!withx[0] && id[17] == 'X') {
			memcpy(withx, id, sizeof id);
			withx_row = i + 2;
		}
		len += (size_t)snprintf(text + len, cap - len, "居民%zu,%s,安宁村\r\n", i, id);
	}
	ck_assert(withx[0]);
	for (int k = 0; k < 3; k++)
		len += (size_t)snprintf(text + len, cap - len, "又%d,%s,安宁村\r\n", k, ids[k]);
	withx[17] = 'x';
	len += (size_t)snprintf(text + len, cap - len, "又x,%s,安宁村\r\n", withx);
	char *path = write_file(&x, "dups.csv", text, "GB18030");
	free(text);
	struct import_opts o = {0};
	struct import_result res;
	char msg[1024];
	ck_assert_int_eq(run(&x, path, &o, &res, msg), IMPORT_BAD_ROWS);
	ck_assert_uint_eq(res.duplicates, 4);
	ck_assert_uint_eq(res.bad, 4);
	char want[64];
	size_t first[3] = {2, n / 2 + 2, n + 1};
	for (int k = 0; k < 3; k++) {
		snprintf(want, sizeof want, "the same ID number as row %zu", first[k]);
		ck_assert_msg(said(n + 2 + (size_t)k, "身份证号", want), "row %zu", n + 2 + (size_t)k);
	}
	snprintf(want, sizeof want, "the same ID number as row %zu", withx_row);
	ck_assert(said(n + 5, "身份证号", want));
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 0);
	free(path);
	fixture_free(&x);
}
END_TEST

START_TEST(test_batches)
{
	struct fixture x;
	fixture_make(&x);
	char *path = many_rows(&x, "many.csv", 250);
	struct import_opts o = {.batch = 40};
	struct import_result res;
	char msg[1024];
	ck_assert_int_eq(run(&x, path, &o, &res, msg), IMPORT_OK);
	ck_assert_uint_eq(res.imported, 250);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 250);
	ck_assert_uint_eq(audit_count(&x, "create").n, 250);
	struct audit_find imp = audit_count(&x, "import");
	ck_assert_uint_eq(imp.n, 1);
	ck_assert_msg(strstr(imp.note, "250 new"), "%s", imp.note);
	free(path);
	fixture_free(&x);
}
END_TEST

struct name_hit {
	const char *name;
	rec_id id;
	bool hit;
};

static int
name_one(const rec_id *id, const char *value, void *ctx)
{
	struct name_hit *h = ctx;
	if (strcmp(value, h->name) == 0 && rec_id_equal(id, &h->id))
		h->hit = true;
	return 0;
}

static int
name_txn(store_txn *t, void *ctx)
{
	struct name_hit *h = ctx;
	return store_find(t, IDX_NAME, REC_RESIDENT, h->name, name_one, h);
}

/* Whether the name's index entry leads to id. */
static bool
found_by_name(struct fixture *x, const char *name, const rec_id *id)
{
	struct name_hit h = {name, *id, false};
	ck_assert_int_eq(store_read(x->d.st, name_txn, &h), STORE_OK);
	return h.hit;
}

/* A batch's index entries are put sorted at its commit (store_txn_bulk):
 * into a database that holds residents already, rows that change some
 * of them (their old entries removed, new ones put) between rows that
 * register new ones, a duplicate among them, in batches of 25; then
 * every index entry matches its record, the audit chain is whole, and
 * every row is found by its ID number and its name (a changed one no
 * longer by its old name). */
START_TEST(test_batches_over_residents)
{
	struct fixture x;
	fixture_make(&x);
	char *p1 = many_rows(&x, "first.csv", 120);
	struct import_opts o = {.batch = 40};
	struct import_result res;
	char msg[1024];
	ck_assert_int_eq(run(&x, p1, &o, &res, msg), IMPORT_OK);
	ck_assert_uint_eq(res.imported, 120);

	size_t cap = 128 + 200 * 80, len;
	char *text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	len = (size_t)snprintf(text, cap, "姓名,身份证号,村(社区)\r\n");
	char olds[60][19], news[90][19];
	for (size_t i = 0; i < 90; i++) {
		if (i < 60) {
			/* many_rows' resident 2i, renamed */
			size_t r = 2 * i;
			char birth[9];
			snprintf(birth, sizeof birth, "19%02zu%02zu%02zu", 40 + r / 336 % 50,
			         1 + r / 28 % 12, 1 + r % 28);
			idnum(olds[i], birth, (int)(r % 997));
			len += (size_t)snprintf(text + len, cap - len, "改名%zu,%s,安宁村\r\n", r, olds[i]);
		}
		idnum(news[i], "19950505", (int)i + 100);
		len += (size_t)snprintf(text + len, cap - len, "新人%zu,%s,挂榜村\r\n", i, news[i]);
	}
	/* new resident 7's ID number again: refused, the rest saved */
	len += (size_t)snprintf(text + len, cap - len, "又一个,%s,挂榜村\r\n", news[7]);
	char *p2 = write_file(&x, "second.csv", text, "GB18030");
	free(text);
	struct import_opts o2 = {.batch = 25, .update = true, .skip_bad = true};
	int rc = run(&x, p2, &o2, &res, msg);
	ck_assert_msg(rc == IMPORT_OK || rc == IMPORT_BAD_ROWS, "%d: %s", rc, msg);
	ck_assert_uint_eq(res.updated, 60);
	ck_assert_uint_eq(res.imported, 90);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 210);

	whole(&x);
	ck_assert_uint_eq(audit_count(&x, "create").n, 210);

	char name[32];
	for (size_t i = 0; i < 90; i++) {
		record *r = resident(&x, news[i]);
		snprintf(name, sizeof name, "新人%zu", i);
		ck_assert_str_eq(record_get(r, "name"), name);
		ck_assert_msg(found_by_name(&x, name, &r->id), "%s", name);
		record_free(r);
	}
	for (size_t i = 0; i < 120; i++) {
		char id[19], birth[9];
		snprintf(birth, sizeof birth, "19%02zu%02zu%02zu", 40 + i / 336 % 50, 1 + i / 28 % 12,
		         1 + i % 28);
		idnum(id, birth, (int)(i % 997));
		record *r = resident(&x, id);
		char old[32];
		snprintf(name, sizeof name, i % 2 ? "居民%zu" : "改名%zu", i);
		snprintf(old, sizeof old, "居民%zu", i);
		ck_assert_str_eq(record_get(r, "name"), name);
		ck_assert_msg(found_by_name(&x, name, &r->id), "%s", name);
		if (i % 2 == 0)
			ck_assert_msg(!found_by_name(&x, old, &r->id), "%s still found", old);
		record_free(r);
	}
	free(p1);
	free(p2);
	fixture_free(&x);
}
END_TEST

static int
filler_txn(store_txn *t, void *ctx)
{
	rec_id *id = ctx;
	record *r = record_new(REC_PROJECT);
	char *big = malloc(20001);
	memset(big, 'x', 20000);
	big[20000] = '\0';
	record_set(r, "notes", big);
	store_put(t, r);
	*id = r->id;
	free(big);
	record_free(r);
	return store_txn_error(t);
}

struct del {
	rec_id *ids;
	size_t n;
};

static int
del_txn(store_txn *t, void *ctx)
{
	struct del *d = ctx;
	for (size_t i = 0; i < d->n; i++)
		store_del(t, &d->ids[i], 0);
	return store_txn_error(t);
}

/* The store's counters against the records themselves: each kind's
 * count against a scan of its records, the last change number against
 * the one before the imports and the records written since (one change
 * each, as saving them one by one gives), the change log's two halves
 * against each other and every record in it, and the last record number
 * by a record saved now: it takes the number after the highest this
 * site's records have. */
struct tally {
	uint64_t site, maxseq;
	size_t n;
	store_txn *t;
	uint64_t chg, last;
};

static int
tally_rec(const record *r, void *ctx)
{
	struct tally *y = ctx;
	y->n++;
	if (r->id.site == y->site && r->id.seq > y->maxseq)
		y->maxseq = r->id.seq;
	/* its change is in the log */
	uint64_t n;
	ck_assert_int_eq(store_change_of(y->t, &r->id, &n), STORE_OK);
	ck_assert_uint_gt(n, 0);
	return 0;
}

/* each change's number and its record's point at each other */
static int
tally_change(uint64_t n, const rec_id *id, void *ctx)
{
	struct tally *y = ctx;
	uint64_t back;
	ck_assert_uint_gt(n, y->last);
	y->last = n;
	ck_assert_int_eq(store_change_of(y->t, id, &back), STORE_OK);
	ck_assert_uint_eq(back, n);
	return 0;
}

static int
tally_txn(store_txn *t, void *ctx)
{
	struct tally *y = ctx;
	store_txn_trust(t, true);
	y->t = t;
	ck_assert_int_eq(store_changes(t, 0, tally_change, y), STORE_OK);
	for (int kind = 1; kind < 256 && !store_txn_error(t); kind++) {
		size_t before = y->n, counted;
		store_scan(t, kind, NULL, tally_rec, y);
		ck_assert_int_eq(store_count(t, kind, &counted), STORE_OK);
		ck_assert_msg(counted == y->n - before, "kind %d: counted %zu, %zu records", kind,
		              counted, y->n - before);
	}
	return store_txn_error(t);
}

static int
chg_txn(store_txn *t, void *ctx)
{
	return store_change_last(t, ctx);
}

static uint64_t
chg_last(struct fixture *x)
{
	uint64_t n = 0;
	ck_assert_int_eq(store_read(x->d.st, chg_txn, &n), STORE_OK);
	return n;
}

static void
counters_agree(struct fixture *x, uint64_t chg_want, bool probe)
{
	struct tally y = {store_site(x->d.st), 0, 0, NULL, 0, 0};
	ck_assert_int_eq(store_read(x->d.st, tally_txn, &y), STORE_OK);
	ck_assert_uint_eq(chg_last(x), chg_want);
	ck_assert_uint_eq(y.last, chg_want);
	if (!probe)
		return;
	rec_id id;
	ck_assert_int_eq(store_write(x->d.st, filler_txn, &id), STORE_OK);
	ck_assert_uint_eq(id.seq, y.maxseq + 1);
	ck_assert_uint_eq(chg_last(x), chg_want + 1);
}

/* The counters a batch keeps and writes once at its commit are what
 * saving its records one by one writes: after an import into a new
 * database, one into a database holding residents (updates, new rows, a
 * row refused), one refused whole for a bad row, and batches stopped
 * part way by a full disk (test_stops_part_way). */
START_TEST(test_counters_after_batches)
{
	struct fixture x;
	fixture_make(&x);
	uint64_t chg = chg_last(&x);
	char *p1 = many_rows(&x, "first.csv", 120);
	struct import_opts o = {.batch = 40};
	struct import_result res;
	char msg[1024];
	ck_assert_int_eq(run(&x, p1, &o, &res, msg), IMPORT_OK);
	ck_assert_uint_eq(res.imported, 120);
	counters_agree(&x, chg += 120, false);

	size_t cap = 128 + 80 * 80, len;
	char *text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	len = (size_t)snprintf(text, cap, "姓名,身份证号,村(社区)\r\n");
	char news[30][19];
	for (size_t i = 0; i < 30; i++) {
		char old[19], birth[9];
		size_t r = 3 * i;
		snprintf(birth, sizeof birth, "19%02zu%02zu%02zu", 40 + r / 336 % 50, 1 + r / 28 % 12,
		         1 + r % 28);
		idnum(old, birth, (int)(r % 997));
		len += (size_t)snprintf(text + len, cap - len, "改名%zu,%s,安宁村\r\n", r, old);
		idnum(news[i], "19960606", (int)i + 300);
		len += (size_t)snprintf(text + len, cap - len, "新人%zu,%s,挂榜村\r\n", i, news[i]);
	}
	len += (size_t)snprintf(text + len, cap - len, "又一个,%s,挂榜村\r\n", news[3]);
	char *p2 = write_file(&x, "second.csv", text, "GB18030");
	struct import_opts o2 = {.batch = 7, .update = true, .skip_bad = true};
	int rc = run(&x, p2, &o2, &res, msg);
	ck_assert_msg(rc == IMPORT_OK || rc == IMPORT_BAD_ROWS, "%d: %s", rc, msg);
	ck_assert_uint_eq(res.updated, 30);
	ck_assert_uint_eq(res.imported, 30);
	counters_agree(&x, chg += 60, false);

	/* a bad row, no --skip-bad: nothing saved, nothing counted */
	len = (size_t)snprintf(text, cap, "姓名,身份证号,村(社区)\r\n");
	for (size_t i = 0; i < 20; i++) {
		char id[19];
		idnum(id, "19970707", (int)i + 500);
		len += (size_t)snprintf(text + len, cap - len, "又新%zu,%s,%s\r\n", i, id,
		                        i == 17 ? "没有这个村" : "挂榜村");
	}
	char *p3 = write_file(&x, "third.csv", text, "GB18030");
	struct import_opts o3 = {.batch = 5};
	ck_assert_int_eq(run(&x, p3, &o3, &res, msg), IMPORT_BAD_ROWS);
	ck_assert_uint_eq(res.imported, 0);
	counters_agree(&x, chg, true);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 150);

	/* the audit head a batch keeps, written at its commit: the chain
	 * whole, one entry a record written (the probe's too) and one an
	 * import */
	size_t entries = whole(&x);
	ck_assert_uint_eq(audit_count(&x, "create").n, 151);
	ck_assert_uint_eq(audit_count(&x, "edit").n, 30);
	ck_assert_uint_eq(audit_count(&x, "import").n, 2);
	ck_assert_uint_eq(entries, 183);
	free(text);
	free(p1);
	free(p2);
	free(p3);
	fixture_free(&x);
}
END_TEST

/* The disk fills part way: the batches saved stay, the message says how
 * many, and the same import again with update saves the rest once. */
START_TEST(test_stops_part_way)
{
	struct fixture x;
	fixture_make(&x);
	size_t limit = store_maplimit(x.d.st);
	store_set_maplimit(x.d.st, store_mapsize(x.d.st));
	rec_id *ids = calloc(4096, sizeof *ids);
	size_t n = 0;
	while (n < 4096 && store_write(x.d.st, filler_txn, &ids[n]) == STORE_OK)
		n++;
	ck_assert_uint_gt(n, 10);
	/* some room, not enough: one a transaction, as LMDB reuses the pages
	 * a transaction freed only once a later one has committed; a map
	 * filled to the last page may have none for a delete's copies (a
	 * 32-bit build's pages fill differently), so 256 KiB to delete in */
	store_set_maplimit(x.d.st, store_mapsize(x.d.st) + ((size_t)256 << 10));
	for (size_t i = 0; i < 40; i++) {
		struct del d = {ids + i, 1};
		ck_assert_int_eq(store_write(x.d.st, del_txn, &d), STORE_OK);
	}
	store_set_maplimit(x.d.st, store_mapsize(x.d.st));
	char *path = many_rows(&x, "big.csv", 3000);
	struct import_opts o = {.batch = 100};
	struct import_result res;
	char msg[1024];
	uint64_t chg = chg_last(&x);
	ck_assert_msg(run(&x, path, &o, &res, msg) == IMPORT_FAILED, "%s", msg);
	size_t saved = count(&x, REC_RESIDENT);
	counters_agree(&x, chg + saved, false);
	ck_assert_msg(saved > 0, "%s", msg);
	ck_assert_uint_lt(saved, 3000);
	ck_assert_uint_eq(res.imported, saved);
	char want[64];
	snprintf(want, sizeof want, "%zu rows were saved", saved);
	ck_assert_msg(strstr(msg, want) && strstr(msg, "--update"), "%s", msg);
	store_set_maplimit(x.d.st, limit);
	struct import_opts o2 = {.batch = 100, .update = true};
	ck_assert_int_eq(run(&x, path, &o2, &res, msg), IMPORT_OK);
	/* the rows saved before are the same: left as they are */
	ck_assert_uint_eq(res.updated, 0);
	ck_assert_uint_eq(res.unchanged, saved);
	ck_assert_uint_eq(res.imported, 3000 - saved);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 3000);
	counters_agree(&x, chg + 3000, true);
	free(ids);
	free(path);
	fixture_free(&x);
}
END_TEST

/* A file longer than the rows an import holds at once (1,000): a bad
 * row in the first window and in the last, a quoted cell with a line
 * break across the second, and an ID number in the last window that
 * row 12 had.  Nothing is saved while a row is bad, every fault is said
 * with its row as the spreadsheet numbers it, and --skip-bad saves the
 * rest and writes the bad rows, the header first. */
START_TEST(test_windows)
{
	struct fixture x;
	fixture_make(&x);
	size_t n = 2600, cap = 256 + n * 96;
	char *text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	size_t len = (size_t)snprintf(text, cap, "姓名,身份证号,村(社区),备注\r\n");
	char dup[19] = "";
	size_t row = 1;  /* the header */
	for (size_t i = 0; i < n; i++) {
		char id[19], birth[9];
		snprintf(birth, sizeof birth, "19%02zu%02zu%02zu", 40 + i / 336 % 50, 1 + i / 28 % 12,
		         1 + i % 28);
		idnum(id, birth, (int)(i % 997));
		if (i == 10)
			memcpy(dup, id, sizeof dup);
		const char *idc = i == 2500 ? dup : id;
		const char *village = i == 5 ? "无此村" : "安宁村";
		if (i == 1500)
			len += (size_t)snprintf(text + len, cap - len, "居民%zu,%s,%s,\"一组\r\n二号\"\r\n",
			                        i, idc, village);
		else if (i == 2550)
			len += (size_t)snprintf(text + len, cap - len, "居民%zu,5.10421E+17,%s,\r\n", i,
			                        village);
		else
			len += (size_t)snprintf(text + len, cap - len, "居民%zu,%s,%s,\r\n", i, idc, village);
		row++;
	}
	ck_assert_uint_eq(row, n + 1);
	char *path = write_file(&x, "long.csv", text, "GB18030");
	free(text);
	struct import_opts o = {0};
	struct import_result res;
	char msg[1024];
	ck_assert_int_eq(run(&x, path, &o, &res, msg), IMPORT_BAD_ROWS);
	ck_assert_uint_eq(res.rows, n);
	if (res.bad != 3)
		dump_log();
	ck_assert_uint_eq(res.bad, 3);
	ck_assert_uint_eq(res.duplicates, 1);
	ck_assert_uint_eq(res.imported, 0);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), 0);
	/* row i of the data is row i + 2 of the spreadsheet; the line break
	 * inside a cell (row 1502) does not add one */
	ck_assert_msg(said(7, "村(社区)", "无此村"), "row 7");
	ck_assert_msg(said(2502, "身份证号", "row 12"), "row 2502");
	ck_assert_msg(said(2552, "身份证号", "Excel"), "row 2552");
	ck_assert_uint_eq(plog.n, 3);
	ck_assert(!res.bad_written);
	char *bad = import_bad_path(path);
	struct stat sb;
	ck_assert_int_ne(stat(bad, &sb), 0);

	struct import_opts o2 = {.skip_bad = true, .batch = 700};
	ck_assert_int_eq(run(&x, path, &o2, &res, msg), IMPORT_BAD_ROWS);
	ck_assert_uint_eq(res.imported, n - 3);
	ck_assert_uint_eq(count(&x, REC_RESIDENT), n - 3);
	ck_assert(res.bad_written);
	record *r = resident(&x, dup);
	ck_assert_str_eq(record_get(r, "name"), "居民10");
	record_free(r);
	size_t blen;
	char *raw = slurp(bad, &blen);
	char *u;
	size_t ulen;
	ck_assert_int_eq(text_conv("UTF-8", "GB18030", raw, blen, &u, &ulen, NULL), 0);
	ck_assert_msg(strncmp(u, "姓名,身份证号,村(社区),备注,错误/error\r\n", 50) == 0, "%s", u);
	char *r5 = strstr(u, "居民5,"), *r2500 = strstr(u, "居民2500,"),
	     *r2550 = strstr(u, "居民2550,");
	ck_assert_msg(r5 && r2500 && r2550 && r5 < r2500 && r2500 < r2550, "%s", u);
	ck_assert_ptr_null(strstr(u, "居民6,"));
	/* no file of its own left beside it */
	char *cmd;
	ck_assert_int_ge(asprintf(&cmd, "ls '%s' | grep -q tmp-", x.dir), 0);
	ck_assert_int_ne(system(cmd), 0);
	free(cmd);
	free(u);
	free(raw);
	free(bad);
	free(path);
	fixture_free(&x);
}
END_TEST

/* --- memory ------------------------------------------------------------------ */

/* The heap in use (bytes): malloc's chunks and the large blocks it
 * maps by themselves; 0 where the C library does not say. */
static size_t
heap_now(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 m = mallinfo2();
	return m.uordblks + m.hblkhd;
#else
	return 0;
#endif
}

static size_t heap_peak;

static void
heap_sample(bool saving, size_t done, size_t total, void *ctx)
{
	(void)saving;
	(void)done;
	(void)total;
	(void)ctx;
	size_t h = heap_now();
	if (h > heap_peak)
		heap_peak = h;
}

struct peaks {
	size_t imported;    /* the most the heap held, above where it started */
	size_t duplicates;  /* the same, importing the file again: every row refused */
};

static struct peaks
import_peaks(size_t n)
{
	struct fixture x;
	fixture_make(&x);
	char name[32];
	snprintf(name, sizeof name, "rows-%zu.csv", n);
	char *path = many_rows(&x, name, n);
	struct import_result res;
	char msg[1024];
	struct peaks p;
	struct import_opts o = {.progress = heap_sample};
	size_t before = heap_peak = heap_now();
	ck_assert_msg(run(&x, path, &o, &res, msg) == IMPORT_OK, "%s", msg);
	ck_assert_uint_eq(res.imported, n);
	p.imported = heap_peak - before;
	struct import_opts o2 = {.progress = heap_sample};
	before = heap_peak = heap_now();
	ck_assert_int_eq(run(&x, path, &o2, &res, msg), IMPORT_BAD_ROWS);
	ck_assert_uint_eq(res.duplicates, n);
	p.duplicates = heap_peak - before;
	ck_assert_uint_eq(count(&x, REC_RESIDENT), n);
	free(path);
	fixture_free(&x);
	return p;
}

/* An import holds a window of rows, not the file: four times the rows,
 * about the same heap (what grows is the set of ID numbers, 12 bytes a
 * row and its table's room, and LMDB's pages of a batch as the
 * database grows).  Holding every row, as imports once did, takes some
 * 800 bytes a row: 7 MB more for the 9,000 more rows here. */
START_TEST(test_memory_bounded)
{
	if (heap_now() == 0)
		return;  /* no mallinfo2: nothing to measure by */
	size_t n = 3000;
	struct peaks small = import_peaks(n), big = import_peaks(4 * n);
	printf("import: heap peak %zu KiB at %zu rows, %zu KiB at %zu; importing again (all "
	       "duplicates) %zu KiB, %zu KiB\n",
	       small.imported >> 10, n, big.imported >> 10, 4 * n, small.duplicates >> 10,
	       big.duplicates >> 10);
	size_t margin = ((size_t)1 << 20) + 3 * n * 64;
	ck_assert_msg(big.imported <= small.imported + margin,
	              "the heap grows with the file: %zu bytes at %zu rows, %zu at %zu",
	              small.imported, n, big.imported, 4 * n);
	ck_assert_msg(big.duplicates <= small.duplicates + margin,
	              "checking alone, the heap grows with the file: %zu bytes at %zu rows, %zu "
	              "at %zu", small.duplicates, n, big.duplicates, 4 * n);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("import");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_gb18030_exact);
	tcase_add_test(tc, test_csv_library_missing);
	tcase_add_test(tc, test_utf8_bom_and_plain);
	tcase_add_test(tc, test_every_fault);
	tcase_add_test(tc, test_skip_bad_and_mend);
	tcase_add_test(tc, test_group_by_village);
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_duplicates_many);
	tcase_add_test(tc, test_update);
	tcase_add_test(tc, test_village_only);
	tcase_add_test(tc, test_crlf_in_cell);
	tcase_add_test(tc, test_village_worker_reach);
	tcase_add_test(tc, test_wrong_encoding);
	tcase_add_test(tc, test_header_refused);
	tcase_add_test(tc, test_excel_dates);
	tcase_add_test(tc, test_batches);
	tcase_add_test(tc, test_batches_over_residents);
	tcase_add_test(tc, test_counters_after_batches);
	tcase_add_test(tc, test_stops_part_way);
	tcase_add_test(tc, test_windows);
	tcase_add_test(tc, test_memory_bounded);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
