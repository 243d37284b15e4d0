/* check-lists.c: the lists a worker's rounds go by, through the real
 * program in a pseudo-terminal at 80x24, on a UTF-8 and a GB18030
 * terminal, as the demo's village worker (anning), with residents,
 * services and a project added beside the demo's: residents filtered by
 * a status and two categories (each row one of them, the category column
 * shown at 80, the rows exactly those the database holds, in pinyin
 * order: 何 he, 刘 liu, 区 ou, 吴 wu, 于 yu), and the category column at 80
 * for the township's worker too, beside the village; the services list with its
 * function column, filtered by one function, and found by a word of its
 * content (院坝); its summary key opening the month's figures; the
 * projects list from the home menu (0). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "pinyin.h"
#include "search.h"
#include "testdb.h"
#include "util.h"
#include "screen.h"

#define KEY_HOME "\033OH"

/* --- the database ------------------------------------------------------- */

static const struct person {
	const char *name, *status, *categories;
	bool shown;   /* in the list filtered by 已迁出 and 退役军人/独居老人 */
} people[] = {
	{"于海清", "moved", "veteran", true},
	{"何建国", "moved", "elder_alone,dibao", true},
	{"吴芳芳", "moved", "veteran,elder_alone", true},
	{"区小明", "moved", "veteran", true},
	{"刘桂兰", "moved", "elder_alone", true},
	{"安德明", "moved", "dibao", false},       /* another category */
	{"白玉兰", "active", "veteran", false},     /* on the register */
};

#define WORD "院坝"

struct fill {
	const char *village;
	char first[REC_ID_TEXTMAX];
};

static int
put(store_txn *t, record *r)
{
	store_put(t, r);
	record_free(r);
	return store_txn_error(t);
}

static int
fill_txn(store_txn *t, void *ctx)
{
	struct fill *f = ctx;
	for (size_t i = 0; i < NELEM(people); i++) {
		record *r = record_new(REC_RESIDENT);
		record_set(r, "name", people[i].name);
		record_set(r, "village", f->village);
		record_set(r, "status", people[i].status);
		record_set(r, "categories", people[i].categories);
		record_set(r, "sex", "m");
		if (i == 0) {
			store_put(t, r);
			rec_id_format(&r->id, f->first);
			record_free(r);
		} else if (put(t, r)) {
			return store_txn_error(t);
		}
	}
	static const struct {
		const char *form, *function, *content, *date;
	} services[] = {
		{"service_governance", "governance", "在" WORD "召开议事会，商量修路", "2026-11-02"},
		{"service_care", "care", "在" WORD "教老人用手机视频", "2026-11-03"},
		{"service_care", "care", "上门探访，送米送油", "2026-11-04"},
	};
	for (size_t i = 0; i < NELEM(services); i++) {
		record *r = record_new(REC_SERVICE);
		record_set(r, "_form", services[i].form);
		record_set(r, "function", services[i].function);
		record_set(r, "content", services[i].content);
		record_set(r, "date", services[i].date);
		record_set(r, "village", f->village);
		record_set(r, "work_kind", "group");
		record_set(r, "beneficiaries", f->first);
		if (put(t, r))
			return store_txn_error(t);
	}
	record *p = record_new(REC_PROJECT);
	record_set(p, "name", "坝坝舞队培育计划");
	record_set(p, "service", "governance");
	record_set(p, "village", f->village);
	record_set(p, "status", "planned");
	return put(t, p);
}

/* The demo database in the folder dir, with the records above in 安宁村. */
static void
make_db_at(const char *dir)
{
	vt *t = screen_start(dir, 0, true, "anning", NULL);
	expect(t, "主菜单");
	quit_f10(t, 1);
	vt_free(t);
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	record *unit[4];
	size_t n;
	struct search_pos pos = {0};
	struct search_query q = {.kind = REC_UNIT, .text = "安宁村"};
	ck_assert_int_eq(search_page(st, &q, &pos, unit, 4, &n), STORE_OK);
	ck_assert_uint_ge(n, 1);
	char village[REC_ID_TEXTMAX];
	rec_id_format(&unit[0]->id, village);
	for (size_t i = 0; i < n; i++)
		record_free(unit[i]);
	struct fill f = {village, ""};
	ck_assert_int_eq(store_write(st, fill_txn, &f), STORE_OK);
	store_close(st);
}

/* The same in a new folder. */
static char *
make_db(void)
{
	char *dir = testdb_dir("lists");
	make_db_at(dir);
	return dir;
}

/* --- what the database says the list must show ------------------------- */

struct oracle {
	const char *village;
	char *names[256];
	size_t n;
};

static int
oracle_one(const record *r, void *ctx)
{
	struct oracle *o = ctx;
	const char *v = record_get(r, "village"), *s = record_get(r, "status");
	const char *c = record_get(r, "categories");
	if (!v || strcmp(v, o->village) != 0 || !s || strcmp(s, "moved") != 0 || !c)
		return 0;
	if (!strstr(c, "veteran") && !strstr(c, "elder_alone"))
		return 0;
	ck_assert_uint_lt(o->n, 256);
	o->names[o->n++] = strdup(record_get(r, "name"));
	return 0;
}

static int
oracle_txn(store_txn *t, void *ctx)
{
	return store_scan(t, REC_RESIDENT, NULL, oracle_one, ctx);
}

static int
by_pinyin(const void *a, const void *b)
{
	char x[256], y[256];
	pinyin_sort_key(*(char *const *)a, true, x, sizeof x);
	pinyin_sort_key(*(char *const *)b, true, y, sizeof y);
	return strcmp(x, y);
}

/* The moved veterans and elders of 安宁村, every record read (not through
 * an index), in pinyin order. */
static void
oracle(const char *dir, struct oracle *o)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	record *unit[2];
	size_t n;
	struct search_pos pos = {0};
	struct search_query q = {.kind = REC_UNIT, .text = "安宁村"};
	ck_assert_int_eq(search_page(st, &q, &pos, unit, 1, &n), STORE_OK);
	static char village[REC_ID_TEXTMAX];
	rec_id_format(&unit[0]->id, village);
	record_free(unit[0]);
	o->village = village;
	o->n = 0;
	ck_assert_int_eq(store_read(st, oracle_txn, o), STORE_OK);
	store_close(st);
	qsort(o->names, o->n, sizeof *o->names, by_pinyin);
}

/* --- the screen --------------------------------------------------------- */

/* The row (from row 2 on) that holds text, or -1. */
static int
row_with(vt *t, const char *text)
{
	for (int y = 2; y < 24; y++) {
		const char *r = vt_row(t, y);
		if (r && strstr(r, text))
			return y;
	}
	return -1;
}

/* In a choice picker, the key that picks the choice labelled label (the
 * character before it: " 7 [ ] 独居老人"; the list beside the pop-up may
 * show the label too, but not after "] "). */
static void
pick(vt *t, const char *label)
{
	char ticked[128];
	snprintf(ticked, sizeof ticked, "] %s", label);  /* a choice to tick */
	expect(t, label);
	int y = row_with(t, ticked);
	if (y < 0)
		y = row_with(t, label);
	const char *r = vt_row(t, y);
	const char *at = strstr(r, ticked) ? strstr(r, ticked) : strstr(r, label);
	char key[2] = {0, 0};
	for (const char *p = r; p < at; p++)
		if ((*p >= '1' && *p <= '9') || (*p >= 'a' && *p <= 'z'))
			key[0] = *p;   /* the last digit or letter before the label */
	ck_assert_msg(key[0], "no key before \"%s\" in \"%s\"", label, r);
	keys(t, key);
}

/* The first word of a list's row (the name), malloc'd, or NULL. */
static char *
first_word(const char *row)
{
	while (*row == ' ')
		row++;
	size_t n = strcspn(row, " ");
	return n ? strndup(row, n) : NULL;
}

/* --- the list printed and exported ----------------------------------------- */

/* The whole of a file (NUL-ended), or NULL; *len its length. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf b = {0};
	sb_read(&b, f, 1 << 24);
	fclose(f);
	*len = b.len;
	return sb_detach(&b);
}

/* The one file in folder whose name begins with prefix and ends with
 * suffix, newest, into path; false when none. */
static bool
find_file(const char *folder, const char *prefix, const char *suffix, char *path, size_t size)
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
	if (!got || !*name)
		return false;
	snprintf(path, size, "%s/%s", folder, name);
	return true;
}

/* The newest audit entry of action: its note. */
struct last_note {
	const char *action;
	char note[256];
};

static int
last_one(const struct audit_entry *e, void *ctx)
{
	struct last_note *l = ctx;
	if (strcmp(e->action, l->action) == 0)
		snprintf(l->note, sizeof l->note, "%s", e->note);
	return 0;
}

static void
audit_last(const char *db, struct last_note *l)
{
	store *st;
	ck_assert_int_eq(store_open(&st, db, STORE_RDONLY), STORE_OK);
	l->note[0] = '\0';
	ck_assert_int_eq(audit_each(st, NULL, last_one, l), 0);
	store_close(st);
}

/* How many lines s has that hold text. */
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

/* The rows of an XLSX file as openpyxl reads them: a line a row, cells
 * by tabs.  malloc'd. */
static char *
xlsx_rows(const char *path)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
	         /* python3 with openpyxl (Debian's; a pyenv one first on PATH
	          * without it is passed over, as tests/cli-export.sh does) */
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

/* The filtered list (the moved veterans and elders): Esc p prints every
 * row with the filter in the heading, into the files folder; Esc x 1 an
 * XLSX and Esc x 2 a CSV of the same rows, the message naming the file;
 * each in the audit trail with the rows' records. */
static void
list_out(vt *t, const char *top, const char *db, const struct oracle *o)
{
	char files[600], path[900];
	snprintf(files, sizeof files, "%s/files/anning", top);
	expect(t, "Esc p 打印");
	keys(t, "\033p");
	expect(t, "存为文本文件");
	keys(t, "1");
	expect(t, "已存进您的文件夹：files/anning/list-");
	ck_assert(find_file(files, "list-", ".txt", path, sizeof path));
	size_t len;
	char *txt = slurp(path, &len);
	ck_assert_ptr_nonnull(txt);
	ck_assert_msg(strstr(txt, "筛选：安宁村、已迁出、独居老人、退役军人；共"), "no filter: %s", txt);
	ck_assert_msg(strstr(txt, "居民名单"), "no heading: %s", txt);
	char count[64];
	snprintf(count, sizeof count, "共 %zu 条", o->n);
	ck_assert_msg(strstr(txt, count), "no count %s: %s", count, txt);
	ck_assert_msg(strstr(txt, "姓名") && strstr(txt, "人员类别"), "no heads: %s", txt);
	for (size_t i = 0; i < o->n; i++)
		ck_assert_msg(lines_with(txt, o->names[i]) == 1, "%s not once: %s", o->names[i], txt);
	ck_assert_ptr_null(strstr(txt, "安德明"));
	ck_assert_ptr_null(strstr(txt, "白玉兰"));
	free(txt);
	struct last_note l = {.action = "print"};
	audit_last(db, &l);
	ck_assert_msg(strncmp(l.note, "doc=list way=file records=res-", 30) == 0, "note %s", l.note);
	/* XLSX */
	keys(t, "\033x");
	expect(t, "Excel 表格（XLSX）");
	keys(t, "1");
	expect(t, "行，在您的文件夹里：files/anning/list-resident-");
	ck_assert(find_file(files, "list-resident-", ".xlsx", path, sizeof path));
	char *rows = xlsx_rows(path);
	ck_assert_msg(lines_with(rows, "姓名") == 1, "no heads: %s", rows);
	ck_assert_uint_eq(lines_with(rows, ""), o->n + 1);
	for (size_t i = 0; i < o->n; i++)
		ck_assert_msg(lines_with(rows, o->names[i]) == 1, "%s: %s", o->names[i], rows);
	ck_assert_ptr_null(strstr(rows, "安德明"));
	free(rows);
	struct last_note x = {.action = "export"};
	audit_last(db, &x);
	ck_assert_msg(strncmp(x.note, "doc=list way=xlsx records=res-", 30) == 0, "note %s", x.note);
	/* CSV, UTF-8 with a byte-order mark */
	keys(t, "\033x");
	expect(t, "CSV 文件");
	keys(t, "2");
	expect(t, ".csv");
	ck_assert(find_file(files, "list-resident-", ".csv", path, sizeof path));
	char *csv = slurp(path, &len);
	ck_assert_ptr_nonnull(csv);
	ck_assert_msg(memcmp(csv, "\xef\xbb\xbf", 3) == 0, "no byte-order mark");
	ck_assert_uint_eq(lines_with(csv, ","), o->n + 1);
	for (size_t i = 0; i < o->n; i++)
		ck_assert_msg(lines_with(csv, o->names[i]) == 1, "%s: %s", o->names[i], csv);
	free(csv);
	audit_last(db, &x);
	ck_assert_msg(strncmp(x.note, "doc=list way=csv records=res-", 29) == 0, "note %s", x.note);
}

static int
count_one(const record *r, void *ctx)
{
	struct oracle *o = ctx;
	const char *v = record_get(r, "village");
	if (!record_voided(r) && v && strcmp(v, o->village) == 0)
		o->n++;
	return 0;
}

static int
count_txn(store_txn *t, void *ctx)
{
	return store_scan(t, REC_RESIDENT, NULL, count_one, ctx);
}

/* The village's whole list, more rows than a page: every one in the CSV. */
static void
list_out_all(vt *t, const char *top, const char *db)
{
	struct oracle o;
	oracle(db, &o);
	for (size_t i = 0; i < o.n; i++)
		free(o.names[i]);
	o.n = 0;
	store *st;
	ck_assert_int_eq(store_open(&st, db, STORE_RDONLY), STORE_OK);
	ck_assert_int_eq(store_read(st, count_txn, &o), STORE_OK);
	store_close(st);
	ck_assert_uint_gt(o.n, 16);   /* more than a page at 80x24 */
	keys(t, "\033x");
	expect(t, "CSV 文件");
	keys(t, "2");
	char said[64];
	snprintf(said, sizeof said, "已导出 %zu 行", o.n);
	expect(t, said);
	char files[600], path[900];
	snprintf(files, sizeof files, "%s/files/anning", top);
	ck_assert(find_file(files, "list-resident-", ".csv", path, sizeof path));
	size_t len;
	char *csv = slurp(path, &len);
	ck_assert_ptr_nonnull(csv);
	ck_assert_uint_eq(lines_with(csv, ","), o.n + 1);
	free(csv);
}

START_TEST(test_rounds_by_category)
{
	/* the database in top/db: the worker's files folder is top/files/anning */
	char *top = testdb_dir("lists"), dir[512];
	snprintf(dir, sizeof dir, "%s/db", top);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	make_db_at(dir);
	struct oracle o;
	oracle(dir, &o);
	ck_assert_uint_ge(o.n, 5);
	ck_assert_uint_le(o.n, 14);   /* one page at 80x24 */
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "主菜单");
	type(t, "1");
	expect(t, "查找");
	/* the category column at 80 columns */
	expect(t, "人员类别");
	ck_assert_msg(strstr(vt_row(t, 2), "人员类别"), "no category column: %s", vt_row(t, 2));
	/* the first page in pinyin order */
	char prev[256] = "";
	for (int y = 3; y < 19; y++) {
		char *w = first_word(vt_row(t, y));
		if (!w)
			break;
		char k[256];
		pinyin_sort_key(w, true, k, sizeof k);
		ck_assert_msg(strcmp(prev, k) <= 0, "row %d: %s out of pinyin order", y, w);
		snprintf(prev, sizeof prev, "%s", k);
		free(w);
	}
	/* F5: a status, then two categories ticked */
	keys(t, KEY_F5);
	pick(t, "已迁出");
	expect(t, "[ ]");
	pick(t, "退役军人");
	pick(t, "独居老人");
	keys(t, KEY_ENTER);
	expect(t, "独居老人、退役军人]");
	ck_assert_msg(strstr(vt_row(t, 1), "[安宁村 已迁出 独居老人、退役军人]"), "the filter: %s",
	              vt_row(t, 1));
	vt_pump(t, 300);
	size_t rows = 0;
	for (int y = 3; y < 19; y++) {
		const char *r = vt_row(t, y);
		char *w = first_word(r);
		if (!w)
			break;
		ck_assert_msg(rows < o.n, "more rows than the database holds: %s", w);
		ck_assert_msg(strcmp(w, o.names[rows]) == 0, "row %d: %s, the database says %s", y, w,
		              o.names[rows]);
		ck_assert_msg(strstr(r, "退役军人") || strstr(r, "独居老人"), "row %d without its category: %s",
		              y, r);
		free(w);
		rows++;
	}
	ck_assert_uint_eq(rows, o.n);
	/* the names added, in pinyin order: he liu ou wu yu */
	int at[5];
	const char *order[] = {"何建国", "刘桂兰", "区小明", "吴芳芳", "于海清"};
	for (int i = 0; i < 5; i++) {
		at[i] = row_with(t, order[i]);
		ck_assert_msg(at[i] > 2, "%s not listed", order[i]);
		ck_assert(i == 0 || at[i] > at[i - 1]);
	}
	ck_assert_int_lt(row_with(t, "安德明"), 0);
	ck_assert_int_lt(row_with(t, "白玉兰"), 0);
	list_out(t, top, dir, &o);
	/* F5 again: every record again, the village kept */
	keys(t, KEY_F5);
	expect(t, "只显示本村");
	ck_assert_ptr_null(strstr(vt_row(t, 1), "退役军人"));
	list_out_all(t, top, dir);
	for (size_t i = 0; i < o.n; i++)
		free(o.names[i]);
	quit_f10(t, 3);
	vt_free(t);
	testdb_rm(top);
}
END_TEST

START_TEST(test_services_by_function)
{
	char *dir = make_db();
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "主菜单");
	type(t, "3");
	expect(t, "查找");
	/* the function column, second */
	expect(t, "服务类别");
	const char *head = vt_row(t, 2);
	ck_assert_msg(strstr(head, "日期") && strstr(head, "服务类别") &&
	              strstr(head, "日期") < strstr(head, "服务类别"), "the heads: %s", head);
	/* one function */
	keys(t, KEY_F5);
	pick(t, "老幼关爱");
	keys(t, KEY_ENTER);
	expect(t, "[安宁村 老幼关爱]");
	vt_pump(t, 300);
	int rows = 0;
	for (int y = 3; y < 19 && vt_row(t, y) && *vt_row(t, y) && vt_row(t, y)[0] != '\0'; y++) {
		const char *r = vt_row(t, y);
		if (!strstr(r, "20"))
			break;   /* past the rows */
		ck_assert_msg(strstr(r, "老幼关爱"), "row %d of another function: %s", y, r);
		rows++;
	}
	ck_assert_int_ge(rows, 2);
	ck_assert_int_lt(row_with(t, "社区治理"), 0);
	/* a word of the content, with the filter: the care service alone */
	type(t, WORD);
	expect(t, "教老人用手机");
	ck_assert_int_lt(row_with(t, "议事会"), 0);
	ck_assert_int_lt(row_with(t, "送米送油"), 0);
	/* without the filter: both that hold the word */
	keys(t, KEY_F5);
	expect(t, "只显示本村");
	expect(t, "议事会");
	expect(t, "教老人用手机");
	ck_assert_int_lt(row_with(t, "送米送油"), 0);
	/* the summary on the bar, and it opens the month's figures */
	const char *bar = vt_row(t, 23);
	ck_assert_msg(bar && strstr(bar, "汇总"), "no summary on the bar: %s", bar ? bar : "");
	keys(t, KEY_F9);
	expect(t, "统计报表");
	keys(t, KEY_ESC);
	expect(t, "查找");
	quit_f10(t, 3);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

START_TEST(test_projects_list)
{
	char *dir = make_db();
	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "主菜单");
	expect(t, " 0 ");
	expect(t, "项目");
	type(t, "0");
	expect(t, "项目名称");
	expect(t, "坝坝舞队培育计划");
	/* found by its pinyin initials too */
	type(t, "bbw");
	expect(t, "坝坝舞队培育计划");
	/* no summary for projects: not on the bar */
	ck_assert_ptr_null(strstr(vt_row(t, 23), "汇总"));
	/* a new one in the project form */
	keys(t, KEY_F3);
	expect(t, "预算");
	keys(t, KEY_F10);
	quit_f10(t, 4);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* The township's worker sees every village's residents: the village
 * column, and still the categories at 80 columns (a group gives way). */
START_TEST(test_township_columns)
{
	char *dir = make_db();
	vt *t = screen_start(dir, _i, true, "panlian", NULL);
	expect(t, "主菜单");
	type(t, "1");
	expect(t, "查找");
	expect(t, "人员类别");
	const char *head = vt_row(t, 2);
	ck_assert_msg(strstr(head, "姓名") && strstr(head, "身份证号") && strstr(head, "村") &&
	              strstr(head, "人员类别"), "the heads: %s", head);
	/* a category shown whole in its column */
	type(t, "吴芳芳");
	expect(t, "独居老人、退役军人");
	quit_f10(t, 3);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

static Suite *
lists_suite(void)
{
	Suite *s = suite_create("lists");
	TCase *tc = tcase_create("screens");
	tcase_set_timeout(tc, 240);
	tcase_add_loop_test(tc, test_rounds_by_category, 0, 2);
	tcase_add_loop_test(tc, test_services_by_function, 0, 2);
	tcase_add_loop_test(tc, test_projects_list, 0, 2);
	tcase_add_loop_test(tc, test_township_columns, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(lists_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
