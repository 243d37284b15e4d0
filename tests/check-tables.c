/* check-tables.c: the list screens other than the records lists print
 * and export what they show (ui-table.c), through the real program in a
 * pseudo-terminal at 80x24, on a UTF-8 and a GB18030 terminal, on the
 * demo database with names outside the BMP (𠈌): the township's received
 * referrals (p, then Esc x), the needs table and today's work (a village
 * room's), a household's members, the audit trail for the supervisor
 * narrowed to one worker.  Each print goes to a file through the print
 * dialog and each export to XLSX (read back with openpyxl) or CSV (its
 * byte-order mark), both in the worker's files folder, read back for the
 * heading, the filter, the names and numbers the database holds; the
 * household also on the terminal's printer (the media copy read back
 * from the terminal's encoding); each is in the audit trail with the
 * records shown. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "refer.h"
#include "scope.h"
#include "screen.h"
#include "testdb.h"
#include "util.h"

/* --- the database -------------------------------------------------------- */

static void
make_demo(const char *dir)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execl(screen_bin(), screen_bin(), "--db", dir, "--demo", "unit", "list", (char *)NULL);
		_exit(127);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The household renamed and the referrals' people: names with 𠈌. */
/* a household of 安宁村 with several members, chosen by names_txn */
static char household[32];
#define VILLAGE "510421100001"
#define MEMBER "单𠈌"
#define REFERRED "区𠈌"

struct ids {
	rec_id id[4096];
	size_t n;
};

static int
collect(const record *r, void *ctx)
{
	struct ids *l = ctx;
	if (l->n < NELEM(l->id))
		l->id[l->n++] = r->id;
	return 0;
}

static int
rename_one(store_txn *t, const rec_id *id, const char *name)
{
	record *r;
	int err = store_get(t, id, &r);
	if (err)
		return err;
	record_set(r, "name", name);
	err = store_put(t, r);
	record_free(r);
	return err;
}

static int
names_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	static struct ids l;
	l.n = 0;
	int err = store_scan(t, REC_REFERRAL, NULL, collect, &l);
	size_t nref = l.n;
	for (size_t i = 0; !err && i < nref; i++) {
		record *r;
		if ((err = store_get(t, &l.id[i], &r)))
			break;
		const char *res = record_get(r, "resident");
		rec_id rid;
		if (res && rec_id_parse(res, &rid) == 0)
			err = rename_one(t, &rid, REFERRED);
		record_free(r);
	}
	/* 安宁村 */
	char village[REC_ID_TEXTMAX] = "";
	l.n = 0;
	if (!err)
		err = store_scan(t, REC_UNIT, NULL, collect, &l);
	for (size_t i = 0; !err && i < l.n; i++) {
		record *r;
		if ((err = store_get(t, &l.id[i], &r)))
			break;
		const char *c = record_get(r, "code");
		if (c && strcmp(c, VILLAGE) == 0)
			rec_id_format(&r->id, village);
		record_free(r);
	}
	ck_assert(*village);
	/* the first household of several members, and its member to find
	 * it by */
	l.n = 0;
	if (!err)
		err = store_scan(t, REC_RESIDENT, NULL, collect, &l);
	for (int want = 1; want < 100 && !household[0]; want++) {
		char h[32];
		snprintf(h, sizeof h, "001-%03d", want);
		size_t n = 0;
		for (size_t i = 0; !err && i < l.n; i++) {
			record *r;
			if ((err = store_get(t, &l.id[i], &r)))
				break;
			const char *hh = record_get(r, "household"), *v = record_get(r, "village");
			n += hh && strcmp(hh, h) == 0 && v && strcmp(v, village) == 0;
			record_free(r);
		}
		if (n >= 2 && n <= 8)
			snprintf(household, sizeof household, "%s", h);
	}
	ck_assert(household[0]);
	for (size_t i = 0; !err && i < l.n; i++) {
		record *r;
		if ((err = store_get(t, &l.id[i], &r)))
			break;
		const char *h = record_get(r, "household"), *v = record_get(r, "village");
		bool ours = h && strcmp(h, household) == 0 && v && strcmp(v, village) == 0;
		record_free(r);
		if (ours) {
			err = rename_one(t, &l.id[i], MEMBER);
			break;
		}
	}
	return err;
}

static char *
make_db(char *db, size_t size)
{
	char *dir = testdb_dir("tables");
	snprintf(db, size, "%s/db", dir);
	make_demo(db);
	store *st = testdb_open(db);
	ck_assert_int_eq(store_write(st, names_txn, NULL), STORE_OK);
	store_close(st);
	return dir;
}

/* --- reading back -------------------------------------------------------- */

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot read %s", path);
	struct strbuf b = {0};
	sb_read(&b, f, 1 << 24);
	fclose(f);
	char *s = sb_detach(&b);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* The newest file in folder named prefix*suffix, into path. */
static void
newest_file(const char *folder, const char *prefix, const char *suffix, char *path, size_t size)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "ls -t '%s' 2>/dev/null | grep '^%s.*%s$' | head -1", folder,
	         prefix, suffix);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char name[256] = "";
	bool got = fgets(name, sizeof name, p) != NULL;
	pclose(p);
	name[strcspn(name, "\n")] = '\0';
	ck_assert_msg(got && *name, "no %s*%s in %s", prefix, suffix, folder);
	snprintf(path, size, "%s/%s", folder, name);
}

static size_t
lines_with(const char *s, const char *text)
{
	size_t n = 0;
	for (const char *p = s; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *line = strndup(p, len);
		n += strstr(line, text) != NULL;
		free(line);
		p = e ? e + 1 : NULL;
	}
	return n;
}

static char *
xlsx_rows(const char *path)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
	         "for p in ${PYTHON:-} python3 /usr/bin/python3; do "
	         "\"$p\" -c 'import openpyxl' 2>/dev/null && break; done; "
	         "PYTHONIOENCODING=utf-8 \"$p\" -c 'import openpyxl,sys; "
	         "ws=openpyxl.load_workbook(sys.argv[1]).active; "
	         "[print(\"\\t\".join(\"\" if c is None else str(c) for c in r)) "
	         "for r in ws.iter_rows(values_only=True)]' '%s'",
	         path);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	struct strbuf b = {0};
	sb_read(&b, p, 1 << 24);
	ck_assert_int_eq(pclose(p), 0);
	return sb_detach(&b);
}

/* The last media copy the program wrote (between ESC [ 5 i and ESC [ 4 i),
 * in UTF-8 from the terminal's encoding; NULL when there is none. */
static char *
media_copy(vt *t, int term)
{
	size_t len;
	const char *raw = vt_raw(t, &len);
	const char *start = NULL, *end = NULL;
	for (size_t i = 0; i + 4 <= len; i++)
		if (memcmp(raw + i, "\033[5i", 4) == 0)
			start = raw + i + 4;
	if (!start)
		return NULL;
	for (const char *p = start; p + 4 <= raw + len && !end; p++)
		if (memcmp(p, "\033[4i", 4) == 0)
			end = p;
	if (!end)
		return NULL;
	size_t n = (size_t)(end - start), cap = n * 2 + 1, ol = cap;
	char *out = calloc(1, cap), *op = out;
	ck_assert_ptr_nonnull(out);
	iconv_t cd = iconv_open("UTF-8", term ? "GB18030" : "UTF-8");
	ck_assert(cd != (iconv_t)-1);
	char *ip = (char *)start;
	size_t il = n;
	ck_assert_msg(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1,
	              "the media copy is not in the terminal's encoding");
	iconv_close(cd);
	return out;
}

struct last_note {
	const char *action;
	char note[256], who[64];
};

static int
last_one(const struct audit_entry *e, void *ctx)
{
	struct last_note *l = ctx;
	if (strcmp(e->action, l->action) == 0) {
		snprintf(l->note, sizeof l->note, "%s", e->note);
		snprintf(l->who, sizeof l->who, "%s", e->who);
	}
	return 0;
}

/* The newest entry of action: its note begins with want, by login. */
static void
audit_says(const char *db, const char *action, const char *login, const char *want)
{
	store *st;
	ck_assert_int_eq(store_open(&st, db, STORE_RDONLY), STORE_OK);
	struct last_note l = {.action = action};
	ck_assert_int_eq(audit_each(st, NULL, last_one, &l), 0);
	store_close(st);
	ck_assert_msg(strncmp(l.note, want, strlen(want)) == 0, "%s note: %s, not %s...", action,
	              l.note, want);
	ck_assert_str_eq(l.who, login);
}

/* p, the dialog's text file: the file's text. */
static char *
print_to_file(vt *t, const char *files)
{
	keys(t, "p");
	expect(t, "存为文本文件");
	keys(t, "1");
	expect(t, "已存进您的文件夹：files/");
	char path[900];
	newest_file(files, "list-", ".txt", path, sizeof path);
	char *txt = slurp(path);
	unlink(path);
	return txt;
}

/* Esc x (or x), then 1 (XLSX, its rows) or 2 (CSV, its text after the
 * byte-order mark). */
static char *
export_file(vt *t, const char *files, const char *key, const char *name, bool xlsx)
{
	keys(t, key);
	expect(t, "Excel 表格（XLSX）");
	keys(t, xlsx ? "1" : "2");
	char said[128];
	snprintf(said, sizeof said, "files/%s", strrchr(files, '/') + 1);
	expect(t, "行，在您的文件夹里：");
	expect(t, name);
	char path[900], prefix[64];
	snprintf(prefix, sizeof prefix, "list-%s-", name);
	newest_file(files, prefix, xlsx ? ".xlsx" : ".csv", path, sizeof path);
	if (xlsx)
		return xlsx_rows(path);
	char *csv = slurp(path);
	ck_assert_msg(memcmp(csv, "\xef\xbb\xbf", 3) == 0, "no byte-order mark");
	return csv;
}

static void
quit(vt *t)
{
	for (int i = 0; i < 8; i++)
		keys(t, KEY_ESC);
	expect(t, "主菜单");
	quit_f10(t, 1);
}

/* --- the referral lists -------------------------------------------------- */

START_TEST(test_referrals_received)
{
	char db[512], files[600];
	char *dir = make_db(db, sizeof db);
	snprintf(files, sizeof files, "%s/files/panlian", dir);
	/* what the station's received list holds */
	store *st;
	ck_assert_int_eq(store_open(&st, db, STORE_RDONLY), STORE_OK);
	struct scope *sc;
	ck_assert_int_eq(scope_load_now(st, "panlian", &sc), STORE_OK);
	struct refer_row *rows;
	size_t n;
	ck_assert_int_eq(refer_list(st, sc, REFER_INBOX, NULL, &rows, &n), STORE_OK);
	ck_assert_uint_gt(n, 0);
	vt *t = screen_start(db, _i, true, "panlian", NULL);
	vt_pump(t, 1500);
	keys(t, KEY_ESC);   /* what is new, where there is any */
	expect(t, "主菜单");
	type(t, "6");
	expect(t, "收到的转介 (");
	char *txt = print_to_file(t, files);
	ck_assert_msg(strstr(txt, "收到的转介清单"), "no heading: %s", txt);
	char count[64];
	snprintf(count, sizeof count, "共 %zu 条", n);
	ck_assert_msg(strstr(txt, count), "no %s: %s", count, txt);
	ck_assert_msg(strstr(txt, "转介编号") && strstr(txt, "转出单位"), "no heads: %s", txt);
	ck_assert_msg(strstr(txt, REFERRED), "no %s: %s", REFERRED, txt);
	for (size_t i = 0; i < n; i++) {
		const char *num = record_get(rows[i].r, "number");
		ck_assert_msg(num && strstr(txt, num), "no %s: %s", num ? num : "?", txt);
	}
	free(txt);
	audit_says(db, "print", "panlian", "doc=list way=file records=ref-");
	char *x = export_file(t, files, "\033x", "referrals-received", true);
	ck_assert_uint_eq(lines_with(x, ""), n + 1);
	ck_assert_uint_eq(lines_with(x, "转介编号"), 1);
	ck_assert_msg(strstr(x, REFERRED), "no %s: %s", REFERRED, x);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(lines_with(x, record_get(rows[i].r, "number")), 1);
	free(x);
	audit_says(db, "export", "panlian", "doc=list way=xlsx records=ref-");
	quit(t);
	vt_free(t);
	refer_rows_free(rows, n);
	scope_free(sc);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* --- the needs table, today's work, a household --------------------------- */

struct village_needs {
	const char *village;
	size_t n;
};

static int
need_one(const record *r, void *ctx)
{
	struct village_needs *v = ctx;
	const char *vil = record_get(r, "village");
	v->n += !record_voided(r) && vil && strcmp(vil, v->village) == 0;
	return 0;
}

static int
needs_txn(store_txn *t, void *ctx)
{
	return store_scan(t, REC_NEED, NULL, need_one, ctx);
}

struct members {
	const char *village;
	char *names[32];
	size_t n;
};

static int
member_one(const record *r, void *ctx)
{
	struct members *m = ctx;
	const char *h = record_get(r, "household"), *v = record_get(r, "village");
	if (h && strcmp(h, household) == 0 && v && strcmp(v, m->village) == 0 &&
	    !record_voided(r) && m->n < 32)
		m->names[m->n++] = strdup(record_get(r, "name"));
	return 0;
}

static int
members_txn(store_txn *t, void *ctx)
{
	return store_scan(t, REC_RESIDENT, NULL, member_one, ctx);
}

START_TEST(test_village_tables)
{
	char db[512], files[600];
	char *dir = make_db(db, sizeof db);
	snprintf(files, sizeof files, "%s/files/anning", dir);
	store *st;
	ck_assert_int_eq(store_open(&st, db, STORE_RDONLY), STORE_OK);
	struct scope *sc;
	ck_assert_int_eq(scope_load_now(st, "anning", &sc), STORE_OK);
	struct village_needs vn = {scope_village(sc), 0};
	ck_assert_int_eq(store_read(st, needs_txn, &vn), STORE_OK);
	ck_assert_uint_gt(vn.n, 0);
	struct members m = {.village = scope_village(sc), .n = 0};
	ck_assert_int_eq(store_read(st, members_txn, &m), STORE_OK);
	ck_assert_uint_gt(m.n, 1);
	ck_assert_uint_lt(m.n, 17);   /* they fit one screen */
	scope_free(sc);
	store_close(st);

	vt *t = screen_start(db, _i, true, "anning", NULL);
	expect(t, "上次查看以来的新消息");
	keys(t, KEY_ESC);
	expect(t, "主菜单");
	/* the needs table: the needs list's F9 */
	type(t, "2");
	expect(t, "查找");
	keys(t, KEY_F9);
	expect(t, "需求清单");
	expect(t, "x 导出");
	char *txt = print_to_file(t, files);
	ck_assert_msg(strstr(txt, "需求清单：按服务和状态统计"), "no heading: %s", txt);
	ck_assert_msg(strstr(txt, "筛选：安宁村"), "no filter: %s", txt);
	char total[64];
	snprintf(total, sizeof total, "%zu", vn.n);
	ck_assert_msg(lines_with(txt, "合计") >= 1, "no totals: %s", txt);
	free(txt);
	audit_says(db, "print", "anning", "doc=list way=file records=");
	char *csv = export_file(t, files, "x", "needs", false);
	/* the last row: the totals, the last cell all the village's needs */
	const char *last = csv + strlen(csv);
	while (last > csv && (last[-1] == '\n' || last[-1] == '\r'))
		last--;
	const char *end = last;
	while (last > csv && last[-1] != '\n')
		last--;
	char *row = strndup(last, (size_t)(end - last));
	ck_assert_msg(strncmp(row, "合计,", strlen("合计,")) == 0, "last row: %s", row);
	const char *cell = strrchr(row, ',') + 1;
	ck_assert_msg(strstr(cell, total), "the total %s, not %s", cell, total);
	free(row);
	free(csv);
	audit_says(db, "export", "anning", "doc=list way=csv records=");
	keys(t, KEY_ESC);
	keys(t, KEY_ESC);
	expect(t, "主菜单");

	/* today's work */
	keys(t, "b");
	expect(t, "今日待办");
	expect(t, "逾期 ");
	size_t due = 0;
	const char *head = vt_row(t, 2);
	ck_assert_msg(head && strstr(head, "待办 ") &&
	              sscanf(strstr(head, "待办 ") + strlen("待办 "), "%zu", &due) == 1,
	              "no count: %s", head ? head : "");
	ck_assert_uint_gt(due, 0);
	txt = print_to_file(t, files);
	ck_assert_msg(strstr(txt, "今日待办"), "no heading: %s", txt);
	char said[64];
	snprintf(said, sizeof said, "待办 %zu 项（", due);
	ck_assert_msg(strstr(txt, said), "no %s: %s", said, txt);
	snprintf(said, sizeof said, "共 %zu 条", due);
	ck_assert_msg(strstr(txt, said), "no %s: %s", said, txt);
	ck_assert_msg(strstr(txt, "分组") && strstr(txt, "事项"), "no heads: %s", txt);
	free(txt);
	audit_says(db, "print", "anning", "doc=list way=file records=");
	char *x = export_file(t, files, "\033x", "today", true);
	ck_assert_uint_eq(lines_with(x, ""), due + 1);
	ck_assert_uint_eq(lines_with(x, "事项"), 1);
	free(x);
	audit_says(db, "export", "anning", "doc=list way=xlsx records=");
	keys(t, KEY_ESC);
	expect(t, "主菜单");

	/* a household: found by the member's name, f on the resident */
	type(t, "1");
	expect(t, "查找");
	type(t, MEMBER);
	expect(t, MEMBER);
	keys(t, KEY_ENTER);
	expect(t, "F4 修改");
	keys(t, "f");
	char heading[64];
	snprintf(heading, sizeof heading, "户号 %s 全户", household);
	expect(t, heading);
	txt = print_to_file(t, files);
	ck_assert_msg(strstr(txt, heading), "no heading: %s", txt);
	ck_assert_msg(strstr(txt, "关系") && strstr(txt, "人员类别"), "no heads: %s", txt);
	snprintf(said, sizeof said, "共 %zu 条", m.n);
	ck_assert_msg(strstr(txt, said), "no %s: %s", said, txt);
	for (size_t i = 0; i < m.n; i++)
		ck_assert_msg(strstr(txt, m.names[i]), "no %s: %s", m.names[i], txt);
	free(txt);
	audit_says(db, "print", "anning", "doc=list way=file records=res-");
	csv = export_file(t, files, "\033x", "household", false);
	ck_assert_uint_eq(lines_with(csv, ","), m.n + 1);
	for (size_t i = 0; i < m.n; i++)
		ck_assert_uint_eq(lines_with(csv, m.names[i]), 1);
	ck_assert_uint_eq(lines_with(csv, MEMBER), 1);
	free(csv);
	audit_says(db, "export", "anning", "doc=list way=csv records=res-");
	/* on the terminal's printer (the worker says there is one): the same
	 * table in the terminal's encoding, 𠈌 whole */
	keys(t, "p");
	expect(t, "存为文本文件");
	type(t, "t");
	expect(t, "您的终端有打印机：有");
	keys(t, KEY_ENTER);
	expect(t, "已发送到您终端的打印机");
	char *mc = media_copy(t, _i);
	ck_assert_msg(mc, "no media copy was sent");
	ck_assert_msg(strstr(mc, heading), "no heading: %s", mc);
	for (size_t i = 0; i < m.n; i++)
		ck_assert_msg(strstr(mc, m.names[i]), "no %s: %s", m.names[i], mc);
	ck_assert_msg(strstr(mc, MEMBER), "no %s: %s", MEMBER, mc);
	free(mc);
	audit_says(db, "print", "anning", "doc=list way=terminal records=res-");
	for (size_t i = 0; i < m.n; i++)
		free(m.names[i]);
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* --- the audit trail ------------------------------------------------------- */

struct by_worker {
	size_t n;
};

static int
anning_one(const struct audit_entry *e, void *ctx)
{
	struct by_worker *b = ctx;
	b->n += strcmp(e->who, "anning") == 0;
	return 0;
}

START_TEST(test_audit_trail)
{
	char db[512], files[600];
	char *dir = make_db(db, sizeof db);
	snprintf(files, sizeof files, "%s/files/dudao", dir);
	store *st;
	ck_assert_int_eq(store_open(&st, db, STORE_RDONLY), STORE_OK);
	struct by_worker b = {0};
	ck_assert_int_eq(audit_each(st, NULL, anning_one, &b), 0);
	store_close(st);
	ck_assert_uint_gt(b.n, 0);
	ck_assert_uint_lt(b.n, 5000);
	vt *t = screen_start(db, _i, true, "dudao", NULL);
	vt_pump(t, 1500);
	keys(t, KEY_ESC);   /* what is new, where there is any */
	expect(t, "主菜单");
	keys(t, "a");
	expect(t, "审计日志");
	keys(t, "w");
	type(t, "anning");
	keys(t, KEY_ENTER);
	char title[64];
	snprintf(title, sizeof title, "审计日志（%zu 条）", b.n);
	expect(t, title);
	char *txt = print_to_file(t, files);
	ck_assert_msg(strstr(txt, title), "no heading %s: %s", title, txt);
	ck_assert_msg(strstr(txt, "社工： anning"), "no filter: %s", txt);
	ck_assert_msg(strstr(txt, "时间") && strstr(txt, "备注"), "no heads: %s", txt);
	free(txt);
	audit_says(db, "print", "dudao", "doc=list way=file records=");
	char *csv = export_file(t, files, "x", "audit", false);
	/* the heads, then a row an entry, each anning's (a note holds no line) */
	ck_assert_uint_eq(lines_with(csv, "anning"), b.n);
	ck_assert_uint_eq(lines_with(csv, "时间,"), 1);
	free(csv);
	audit_says(db, "export", "dudao", "doc=list way=csv records=");
	quit(t);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

static Suite *
tables_suite(void)
{
	Suite *s = suite_create("tables");
	TCase *tc = tcase_create("screens");
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_referrals_received, 0, 2);
	tcase_add_loop_test(tc, test_village_tables, 0, 2);
	tcase_add_loop_test(tc, test_audit_trail, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tables_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
