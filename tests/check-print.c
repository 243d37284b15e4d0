/* check-print.c: the documents laid out for paper (print.c) from a real
 * LMDB database (the demo's data): every line at most PRINT_COLS display
 * columns, pages of at most PRINT_PAGE_LINES lines between form feeds, the
 * ledger's head on each page with its number, voided services left out,
 * ID numbers masked for a supervisor and whole for the village's worker,
 * the numbers a worker sees taken for the records, and the audit entry. */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "demo.h"
#include "form.h"
#include "kind.h"
#include "orgunit.h"
#include "print.h"
#include "record.h"
#include "scope.h"
#include "store.h"
#include "text.h"
#include "util.h"

#include "testdb.h"

static const char *
formsdir(void)
{
	const char *d = getenv("SHEGONG_FORMSDIR");
	return d && *d ? d : "../forms";
}

static struct db db;
static struct formset *fs;
static struct scope *worker, *supervisor;
static char today[11], month[8];

static void
setup(void)
{
	time_t t = time(NULL);
	struct tm now;
	localtime_r(&t, &now);
	strftime(today, sizeof today, "%Y-%m-%d", &now);
	strftime(month, sizeof month, "%Y-%m", &now);
	struct form_error err;
	fs = formset_load(formsdir(), &err);
	ck_assert_ptr_nonnull(fs);
	db = testdb_new("print");
	ck_assert_int_eq(demo_fill(db.st, "visitor", 20261129, NULL), STORE_OK);
	ck_assert_int_eq(scope_load_now(db.st, "anning", &worker), STORE_OK);
	ck_assert_int_eq(scope_load_now(db.st, "dudao", &supervisor), STORE_OK);
}

static void
teardown(void)
{
	scope_free(worker);
	scope_free(supervisor);
	testdb_free(&db);
	formset_free(fs);
}

/* Columns as a GB18030 printer prints them: every character beyond ASCII
 * two (the box-drawing ones too), combining marks none. */
static int
gb_width(const char *s, size_t len)
{
	int w = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += text_utf8_decode(s + i, len - i, &cp);
		int cw = text_cp_width(cp);
		w += cw == 0 ? 0 : cp >= 0x80 ? 2 : 1;
	}
	return w;
}

static bool wide;   /* the documents are made for GB18030 (print_req.wide) */

/* Every line fits the paper; every page the A4 sheet.  Returns the
 * number of pages. */
static size_t
check_layout(const char *text)
{
	ck_assert_ptr_nonnull(text);
	ck_assert(text_utf8_valid(text, strlen(text), NULL));
	size_t pages = 1, lines = 0;
	const char *p = text;
	while (*p) {
		if (*p == '\f') {
			ck_assert_uint_le(lines, PRINT_PAGE_LINES);
			pages++;
			lines = 0;
			p++;
			continue;
		}
		size_t k = strcspn(p, "\n\f");
		int w = wide ? gb_width(p, k) : text_width(p, k);
		if (w > PRINT_COLS)
			ck_abort_msg("a line of %d columns: %.*s", w, (int)k, p);
		for (size_t i = 0; i < k; i++)
			ck_assert_msg((unsigned char)p[i] >= 0x20, "a control character in a line");
		lines++;
		p += k;
		if (*p == '\n')
			p++;
	}
	ck_assert_uint_le(lines, PRINT_PAGE_LINES);
	return pages;
}

/* The first record of kind (in id order) for which want says yes. */
struct first {
	bool (*want)(const record *r);
	record *r;
};

static int
first_one(const record *r, void *ctx)
{
	struct first *f = ctx;
	if (f->want && !f->want(r))
		return 0;
	f->r = record_dup(r);
	return 1;
}

struct scan {
	int kind;
	struct first f;
};

static int
scan_txn(store_txn *t, void *ctx)
{
	struct scan *s = ctx;
	int rc = store_scan(t, s->kind, NULL, first_one, &s->f);
	return rc == 1 ? 0 : rc;
}

static record *
first_of(int kind, bool (*want)(const record *r))
{
	struct scan s = {kind, {want, NULL}};
	ck_assert_int_eq(store_read(db.st, scan_txn, &s), STORE_OK);
	ck_assert_ptr_nonnull(s.f.r);
	return s.f.r;
}

static bool
numbered(const record *r)
{
	const char *n = record_get(r, "number");
	return n && *n;
}

static bool
with_idnum_in_household(const record *r)
{
	const char *n = record_get(r, "idnum"), *h = record_get(r, "household");
	return n && strlen(n) == 18 && h && *h;
}

static char *
print(const struct scope *sc, struct print_req q, char *title, char **records)
{
	int err = -1;
	char tbuf[256];
	q.wide = wide;
	char *text = print_text_records(db.st, fs, sc, &q, title ? title : tbuf, 256, records, &err);
	ck_assert_msg(text != NULL, "print_text failed: %d", err);
	ck_assert_int_eq(err, 0);
	return text;
}

START_TEST(test_slip)
{
	record *r = first_of(REC_REFERRAL, numbered);
	const char *num = record_get(r, "number");
	char idtext[REC_ID_TEXTMAX], got[REC_ID_TEXTMAX];
	rec_id_format(&r->id, idtext);
	/* the number on the slip stands for the referral */
	ck_assert_int_eq(print_resolve(db.st, REC_REFERRAL, num, got), STORE_OK);
	ck_assert_str_eq(got, idtext);
	ck_assert_int_eq(print_resolve(db.st, REC_REFERRAL, "ZJ-000000000000-1999-9999", got),
	                 STORE_NOTFOUND);
	char title[256], *records;
	char *text = print(worker, (struct print_req){.doc = PRINT_SLIP, .id = num}, title, &records);
	check_layout(text);
	ck_assert_ptr_nonnull(strstr(text, num));
	ck_assert_ptr_nonnull(strstr(title, num));
	ck_assert_str_eq(records, idtext);
	free(records);
	free(text);
	record_free(r);
}
END_TEST

START_TEST(test_certificate)
{
	record *v = first_of(REC_VOLUNTEER, NULL);
	char idtext[REC_ID_TEXTMAX], got[REC_ID_TEXTMAX], number[80];
	rec_id_format(&v->id, idtext);
	/* the certificate's number: the date of issue, then the id without its kind */
	snprintf(number, sizeof number, "20261202-%s", strchr(idtext, '-') + 1);
	ck_assert_int_eq(print_resolve(db.st, REC_VOLUNTEER, number, got), STORE_OK);
	ck_assert_str_eq(got, idtext);
	ck_assert_int_eq(print_resolve(db.st, REC_VOLUNTEER, "2026-12-02", got), STORE_INVALID);
	ck_assert_int_eq(print_resolve(db.st, REC_VOLUNTEER, "res-3f9a2c71d0e4-42", got),
	                 STORE_INVALID);
	char *text = print(worker, (struct print_req){.doc = PRINT_CERTIFICATE, .id = number,
	                                              .today = "2026-12-02"}, NULL, NULL);
	check_layout(text);
	/* the number printed is the one typed */
	ck_assert_ptr_nonnull(strstr(text, number));
	const char *name = record_get(v, "name");
	ck_assert_ptr_nonnull(strstr(text, name));
	free(text);
	record_free(v);
}
END_TEST

START_TEST(test_casefile_masked)
{
	record *r = first_of(REC_RESIDENT, with_idnum_in_household);
	char idtext[REC_ID_TEXTMAX];
	rec_id_format(&r->id, idtext);
	const char *idnum = record_get(r, "idnum");
	/* the ID number a screen shows stands for the resident */
	char got[REC_ID_TEXTMAX];
	ck_assert_int_eq(print_resolve(db.st, REC_RESIDENT, idnum, got), STORE_OK);
	ck_assert_str_eq(got, idtext);
	ck_assert_int_eq(print_resolve(db.st, REC_RESIDENT, "110101190001010000", got),
	                 STORE_NOTFOUND);
	struct print_req q = {.doc = PRINT_CASEFILE, .id = idtext};
	char *records;
	char *mine = print(worker, q, NULL, &records);
	check_layout(mine);
	/* the village's worker sees the ID number whole */
	ck_assert_ptr_nonnull(strstr(mine, idnum));
	ck_assert_ptr_nonnull(strstr(mine, record_get(r, "name")));
	ck_assert_ptr_nonnull(strstr(mine, "┌"));
	ck_assert(strncmp(records, idtext, strlen(idtext)) == 0);
	free(records);
	/* a supervisor: masked, in the fields and the household table */
	char *theirs = print(supervisor, q, NULL, NULL);
	check_layout(theirs);
	ck_assert_ptr_null(strstr(theirs, idnum));
	char head[7];
	memcpy(head, idnum, 6);
	head[6] = '\0';
	ck_assert_ptr_nonnull(strstr(theirs, head));
	ck_assert_ptr_nonnull(strstr(theirs, "********"));
	/* no other ID number of the household whole either */
	for (const char *p = theirs; *p; p++) {
		size_t k = strspn(p, "0123456789X");
		ck_assert_uint_lt(k, 18);
		p += k ? k - 1 : 0;
	}
	free(mine);
	free(theirs);
	record_free(r);
}
END_TEST

/* A household too big for a page: its table closed at the page's foot
 * and opened again on the next with its heads (as the ledger's), a rule
 * between the members; lines and pages in bounds. */
START_TEST(test_casefile_household_pages)
{
	record *r = first_of(REC_RESIDENT, with_idnum_in_household);
	for (int i = 0; i < 40; i++) {
		record *m = record_new(REC_RESIDENT);
		char name[32];
		snprintf(name, sizeof name, "成员%02d", i);
		ck_assert_int_eq(record_set(m, "_form", record_get(r, "_form")), 0);
		ck_assert_int_eq(record_set(m, "name", name), 0);
		ck_assert_int_eq(record_set(m, "village", record_get(r, "village")), 0);
		ck_assert_int_eq(record_set(m, "household", record_get(r, "household")), 0);
		ck_assert_int_eq(store_save(db.st, m), STORE_OK);
		record_free(m);
	}
	char idtext[REC_ID_TEXTMAX];
	rec_id_format(&r->id, idtext);
	char *text = print(worker, (struct print_req){.doc = PRINT_CASEFILE, .id = idtext}, NULL, NULL);
	size_t pages = check_layout(text);
	ck_assert_uint_ge(pages, 2);
	size_t tops = 0, heads = 0, bottoms = 0, mids = 0;
	for (const char *p = text; (p = strstr(p, "┌")); p++)
		tops++;
	for (const char *p = text; (p = strstr(p, "│Name")); p++)
		heads++;
	for (const char *p = text; (p = strstr(p, "└")); p++)
		bottoms++;
	for (const char *p = text; (p = strstr(p, "├")); p++)
		mids++;
	ck_assert_msg(tops >= 2 && heads == tops && bottoms == tops,
	              "%zu tops, %zu heads, %zu bottoms:\n%.4000s", tops, heads, bottoms, text);
	/* a rule under each table's heads and between the members: 41 members */
	ck_assert_uint_eq(mids, 41);
	ck_assert_ptr_nonnull(strstr(text, "成员39"));
	free(text);
	record_free(r);
}
END_TEST

/* A service of this month in the worker's village. */
static rec_id
add_service(const char *content, const char *date)
{
	struct form *f = formset_find(fs, "service_care");
	ck_assert_ptr_nonnull(f);
	record *r = record_new(REC_SERVICE);
	ck_assert_int_eq(record_set(r, "_form", "service_care"), 0);
	ck_assert_int_eq(record_set(r, "function", "care"), 0);
	ck_assert_int_eq(record_set(r, "date", date), 0);
	ck_assert_int_eq(record_set(r, "village", worker->unit), 0);
	ck_assert_int_eq(record_set(r, "worker", "anning"), 0);
	ck_assert_int_eq(record_set(r, "work_kind", "visit"), 0);
	ck_assert_int_eq(record_set(r, "content", content), 0);
	ck_assert_int_eq(store_save(db.st, r), STORE_OK);
	rec_id id = r->id;
	record_free(r);
	return id;
}

static int
get_txn(store_txn *t, void *ctx)
{
	record **r = ctx;
	rec_id id = (*r)->id;
	record_free(*r);
	*r = NULL;
	return store_get(t, &id, r);
}

static int
unit_id_txn(store_txn *t, void *ctx)
{
	char *io = ctx;   /* in: a code; out: the unit's id text */
	record *u;
	int err = orgunit_by_code(t, io, &u);
	if (!err) {
		rec_id_format(&u->id, io);
		record_free(u);
	}
	return err;
}

/* the "%zu" after each occurrence of what, summed; *n how many */
static size_t
sum_after(const char *text, const char *what, size_t *n)
{
	size_t sum = 0;
	*n = 0;
	for (const char *p = text; (p = strstr(p, what)); p++) {
		sum += strtoul(p + strlen(what), NULL, 10);
		(*n)++;
	}
	return sum;
}

/* A township's ledger (a township worker's own): each village of the
 * township under its heading, in the order of their codes; a village
 * carried over a page break again under its heading "(continued)" with
 * the table's heads; a subtotal each, which add up to the total, and
 * the village's subtotal what its own ledger totals; lines and pages in
 * bounds; a village worker refused it. */
START_TEST(test_ledger_township)
{
	char date[16], gb[REC_ID_TEXTMAX] = "510421100002", tid[REC_ID_TEXTMAX] = "510421100";
	snprintf(date, sizeof date, "%s-02", month);
	ck_assert_int_eq(store_read(db.st, unit_id_txn, gb), STORE_OK);
	ck_assert_int_eq(store_read(db.st, unit_id_txn, tid), STORE_OK);
	for (int i = 0; i < 30; i++) {
		char content[256];
		snprintf(content, sizeof content, "第%d次为村里的独居老人送餐并检查用电安全，记录身体情况", i);
		rec_id id = add_service(content, date);
		if (i % 3 == 0) {   /* a third of them in 挂榜村 */
			record *r = record_new(REC_SERVICE);
			r->id = id;
			ck_assert_int_eq(store_read(db.st, get_txn, &r), STORE_OK);
			ck_assert_int_eq(record_set(r, "village", gb), 0);
			ck_assert_int_eq(store_save(db.st, r), STORE_OK);
			record_free(r);
		}
	}
	struct scope *tw;
	ck_assert_int_eq(scope_load_now(db.st, "panlian", &tw), STORE_OK);
	char *text = print(tw, (struct print_req){.doc = PRINT_LEDGER, .period = month}, NULL, NULL);
	size_t pages = check_layout(text);
	ck_assert_uint_ge(pages, 2);
	const char *h1 = strstr(text, "[安宁村]\n"), *h2 = strstr(text, "[挂榜村]"),
	           *h3 = strstr(text, "[龙华社区]");
	ck_assert_msg(h1 && h2 && h3 && h1 < h2 && h2 < h3, "the headings:\n%.3000s", text);
	ck_assert_ptr_null(strstr(text, "[新山村]"));
	ck_assert_msg(strstr(text, "[安宁村] (continued)"), "not carried over:\n%.3000s", text);
	/* every page's table has the heads */
	const char *page = text;
	for (size_t p = 1; p <= pages; p++) {
		const char *end = strchr(page, '\f');
		size_t len = end ? (size_t)(end - page) : strlen(page);
		char *one = strndup(page, len);
		size_t tops, heads;
		sum_after(one, "┌", &tops);
		sum_after(one, "Service content", &heads);
		ck_assert_msg(tops == heads, "page %zu: %zu tables, %zu heads", p, tops, heads);
		free(one);
		page = end ? end + 1 : page + len;
	}
	size_t nsub, ntot;
	size_t subs = sum_after(text, "Subtotal: ", &nsub);
	size_t total = sum_after(text, "Totals: ", &ntot);
	ck_assert_uint_eq(nsub, 3);
	ck_assert_uint_eq(ntot, 1);
	ck_assert_uint_eq(subs, total);
	/* 安宁村's subtotal is what its own ledger totals */
	char *own = print(worker, (struct print_req){.doc = PRINT_LEDGER, .period = month}, NULL, NULL);
	size_t n1;
	size_t anning = sum_after(own, "Totals: ", &n1);
	ck_assert_uint_eq(strtoul(strstr(h1, "Subtotal: ") + 10, NULL, 10), anning);
	ck_assert_uint_ge(anning, 20);
	free(own);
	free(text);
	scope_free(tw);
	/* a village worker asking for it: refused */
	int err = 0;
	ck_assert_ptr_null(print_text(db.st, fs, worker,
	                              &(struct print_req){.doc = PRINT_LEDGER, .period = month,
	                                                  .village = tid},
	                              NULL, 0, &err));
	ck_assert_int_eq(err, STORE_DENIED);
}
END_TEST

START_TEST(test_ledger)
{
	char date[16];
	snprintf(date, sizeof date, "%s-01", month);
	/* enough services for several pages, each with a long content to wrap */
	for (int i = 0; i < 40; i++) {
		char content[256];
		snprintf(content, sizeof content,
		         "第%d次上门探望独居老人，帮忙打扫卫生、买药，了解近期身体和生活情况", i);
		add_service(content, date);
	}
	rec_id gone = add_service("这条记录录错了作废测试", date);
	record *r = record_new(REC_SERVICE);
	r->id = gone;
	ck_assert_int_eq(store_read(db.st, get_txn, &r), STORE_OK);
	rec_id blocker;
	ck_assert_int_eq(kind_void(db.st, r, "录错了", &blocker), STORE_OK);
	record_free(r);

	char title[256], *records;
	char *text = print(worker, (struct print_req){.doc = PRINT_LEDGER, .period = month}, title,
	                   &records);
	size_t pages = check_layout(text);
	ck_assert_uint_ge(pages, 3);
	/* the voided service is not in it, the others are */
	ck_assert_ptr_null(strstr(text, "作废测试"));
	char gid[REC_ID_TEXTMAX];
	ck_assert_ptr_null(strstr(records, rec_id_format(&gone, gid)));
	ck_assert_ptr_nonnull(strstr(text, "第39次上门探望"));
	/* each page: the title, its number of all, the headings */
	char want[64];
	const char *page = text;
	for (size_t p = 1; p <= pages; p++) {
		const char *end = strchr(page, '\f');
		size_t len = end ? (size_t)(end - page) : strlen(page);
		char *one = strndup(page, len);
		snprintf(want, sizeof want, "Page %zu of %zu", p, pages);
		ck_assert_msg(strstr(one, want) != NULL, "page %zu lacks its number", p);
		ck_assert_ptr_nonnull(strstr(one, "Service ledger"));
		ck_assert_ptr_nonnull(strstr(one, month));
		if (p < pages || strstr(one, "┌"))
			ck_assert_ptr_nonnull(strstr(one, "Service content"));
		free(one);
		page = end ? end + 1 : page + len;
	}
	/* the totals at the end */
	ck_assert_ptr_nonnull(strstr(strrchr(text, '\f'), "Totals: "));
	free(records);
	free(text);
}
END_TEST

/* print_chart_read on text's lines from its chart's heading: the bars
 * found (-1: no heading) */
static long
chart_of(char *text, struct print_chart_bar *bar, size_t maxbar, size_t *first)
{
	const char *line[256];
	size_t len[256], n = 0;
	for (char *p = text; *p && n < NELEM(line);) {
		size_t k = strcspn(p, "\n\f");
		line[n] = p;
		len[n++] = k;
		p += k;
		if (*p)
			p++;
	}
	for (size_t i = 0; i < n; i++)
		if (len[i] == strlen(print_chart_heading()) &&
		    memcmp(line[i], print_chart_heading(), len[i]) == 0) {
			size_t nb = print_chart_read(line + i, len + i, n - i, first, bar, maxbar);
			if (nb)
				*first += i;
			for (size_t b = 0; b < nb; b++) {
				/* the label starts the line, the number ends it */
				const char *l = line[*first + b];
				size_t ll = len[*first + b];
				ck_assert_uint_gt(bar[b].label_len, 0);
				ck_assert(l[bar[b].label_len] == ' ' && l[bar[b].label_len - 1] != ' ');
				char num[24];
				int nl = snprintf(num, sizeof num, " %zu", bar[b].value);
				ck_assert(ll > (size_t)nl && memcmp(l + ll - nl, num, (size_t)nl) == 0);
			}
			return (long)nb;
		}
	return -1;
}

START_TEST(test_report)
{
	char title[256];
	char *text = print(worker, (struct print_req){.doc = PRINT_REPORT, .period = month}, title,
	                   NULL);
	check_layout(text);
	ck_assert_ptr_nonnull(strstr(text, "█"));
	ck_assert_ptr_nonnull(strstr(title, month));
	/* the chart read back (pdf.c draws it so): a bar a line, every line
	 * with █ among them, the longest as long as the report makes it */
	struct print_chart_bar bar[64];
	size_t first;
	long nb = chart_of(text, bar, NELEM(bar), &first);
	ck_assert_int_ge(nb, 2);
	size_t blocks = 0, most = 0;
	for (const char *p = text; (p = strstr(p, "█")); p += strlen("█"))
		blocks++;
	size_t sum = 0;
	for (long b = 0; b < nb; b++) {
		sum += bar[b].cols;
		most = bar[b].cols > most ? bar[b].cols : most;
	}
	ck_assert_uint_eq(sum, blocks);
	ck_assert_uint_eq(most, wide ? 24 : 48);
	/* a bar one █ short is no chart of the report's */
	char *longest = strstr(text, "████████████████████████");
	ck_assert_ptr_nonnull(longest);
	memmove(longest, longest + strlen("█"), strlen(longest + strlen("█")) + 1);
	ck_assert_int_eq(chart_of(text, bar, NELEM(bar), &first), 0);
	free(text);
	/* a quarter, for the supervisor's reach */
	char quarter[32];
	snprintf(quarter, sizeof quarter, "%.4s-Q%d", month, (atoi(month + 5) - 1) / 3 + 1);
	text = print(supervisor, (struct print_req){.doc = PRINT_REPORT, .period = quarter}, NULL,
	             NULL);
	check_layout(text);
	ck_assert_ptr_nonnull(strstr(text, quarter));
	free(text);
}
END_TEST

START_TEST(test_blank)
{
	for (size_t i = 0; i < fs->nforms; i++) {
		char *text = print(worker, (struct print_req){.doc = PRINT_BLANK,
		                                              .form = fs->forms[i]->name}, NULL, NULL);
		check_layout(text);
		free(text);
	}
	char *text = print(worker, (struct print_req){.doc = PRINT_BLANK, .form = "need"}, NULL,
	                   NULL);
	/* every choice of a list with a box to tick */
	const struct form_field *fd = form_field(formset_find(fs, "need"), "urgency");
	ck_assert_ptr_nonnull(fd);
	ck_assert_ptr_nonnull(fd->choices);
	for (size_t k = 0; k < fd->choices->n; k++) {
		char box[128];
		snprintf(box, sizeof box, "□%s", fd->choices->items[k].label);
		ck_assert_msg(strstr(text, box) != NULL, "no %s", box);
	}
	free(text);
	int err = 0;
	struct print_req q = {.doc = PRINT_BLANK, .form = "nosuchform"};
	ck_assert_ptr_null(print_text(db.st, fs, worker, &q, NULL, 0, &err));
	ck_assert_int_eq(err, STORE_NOTFOUND);
}
END_TEST

struct found {
	const char *want;
	int n;
	char record[REC_ID_TEXTMAX];
};

static int
found_one(const struct audit_entry *e, void *ctx)
{
	struct found *f = ctx;
	if (strcmp(e->action, "print") == 0 && strncmp(e->note, f->want, strlen(f->want)) == 0) {
		f->n++;
		snprintf(f->record, sizeof f->record, "%s", e->record);
	}
	return 0;
}

static char note[256];

static int
last_note(const struct audit_entry *e, void *ctx)
{
	int rc = found_one(e, ctx);
	if (((struct found *)ctx)->n && !*note)
		snprintf(note, sizeof note, "%s", e->note);
	return rc;
}

START_TEST(test_audit)
{
	ck_assert_int_eq(print_audit(db.st, "slip", "lp", "ref-3f9a2c71d0e4-42"), STORE_OK);
	struct found f = {"doc=slip way=lp records=ref-3f9a2c71d0e4-42", 0, ""};
	ck_assert_int_eq(audit_each(db.st, &(struct audit_filter){0}, found_one, &f), STORE_OK);
	ck_assert_int_eq(f.n, 1);
	ck_assert_str_eq(f.record, "ref-3f9a2c71d0e4-42");
	/* many records: whole ids only, then "..." */
	char many[2048] = "";
	for (int i = 0; i < 60; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "%ssvc-3f9a2c71d0e4-%d",
		         i ? "," : "", 100 + i);
	ck_assert_int_eq(print_audit(db.st, "ledger", "file", many), STORE_OK);
	struct found g = {"doc=ledger way=file records=svc-3f9a2c71d0e4-100,", 0, ""};
	ck_assert_int_eq(audit_each(db.st, &(struct audit_filter){0}, last_note, &g), STORE_OK);
	ck_assert_int_eq(g.n, 1);
	ck_assert_str_eq(g.record, "svc-3f9a2c71d0e4-100");
	size_t nl = strlen(note);
	ck_assert_uint_le(nl, 255);
	ck_assert_str_eq(note + nl - 4, ",...");
	ck_assert(note[nl - 5] >= '0' && note[nl - 5] <= '9');   /* a whole id before it */
	size_t entries;
	uint64_t bad;
	char why[256];
	ck_assert_int_eq(audit_verify(db.st, &entries, &bad, why, sizeof why), STORE_OK);
	ck_assert_uint_eq(bad, 0);
}
END_TEST

/* A list as a screen shows it: every row once, in columns fitted to the
 * paper (a long cell wrapped in its column), the heads and the filter on
 * every page, a row never split across pages; the ids for the audit
 * trail, the first 50 then "...". */
START_TEST(test_list)
{
	enum { N = 150 };
	static char cells[N][3][256];
	const char *cp[N * 3];
	rec_id ids[N];
	for (int i = 0; i < N; i++) {
		snprintf(cells[i][0], sizeof cells[i][0], "居民%03d𠈌", i);
		snprintf(cells[i][1], sizeof cells[i][1], "%s", i % 2 ? "独居老人、低保" : "");
		if (i % 10 == 0)
			snprintf(cells[i][2], sizeof cells[i][2],
			         "这是一段很长的备注，说明这位居民的家庭情况、需要和上次探访的结果，"
			         "要在它的一列里折成几行 %d", i);
		else
			snprintf(cells[i][2], sizeof cells[i][2], "安宁村%d组", i % 7);
		for (int c = 0; c < 3; c++)
			cp[i * 3 + c] = cells[i][c];
		ids[i] = (rec_id){.kind = REC_RESIDENT, .site = 0x3f9a2c71d0e4ULL, .seq = (uint64_t)i + 1};
	}
	const char *heads[] = {"姓名", "人员类别", "住址"};
	struct print_list l = {.title = "居民", .filter = "筛选：安宁村", .today = "2026-12-03",
	                       .ncols = 3, .nrows = N, .heads = heads, .cells = cp, .ids = ids,
	                       .wide = wide};
	char title[256], *records = NULL;
	char *text = print_list_text(&l, title, sizeof title, &records);
	size_t pages = check_layout(text);
	ck_assert_uint_ge(pages, 3);
	/* the heads and the filter on every page */
	size_t heads_seen = 0, filters = 0;
	for (const char *p = text; (p = strstr(p, "姓名")); p++)
		heads_seen++;
	for (const char *p = text; (p = strstr(p, "筛选：安宁村")); p++)
		filters++;
	ck_assert_uint_eq(heads_seen, pages);
	ck_assert_uint_eq(filters, pages);
	/* ruled as a paper ledger: a table on each page, a rule under the
	 * heads and between the rows (so one a row in all) */
	size_t tops = 0, mids = 0;
	for (const char *p = text; (p = strstr(p, "\n┌")); p++)
		tops++;
	for (const char *p = text; (p = strstr(p, "\n├")); p++)
		mids++;
	ck_assert_uint_eq(tops, pages);
	ck_assert_uint_eq(mids, N);
	/* every row once */
	for (int i = 0; i < N; i++) {
		const char *at = strstr(text, cells[i][0]);
		ck_assert_msg(at, "row %d missing", i);
		ck_assert_msg(!strstr(at + 1, cells[i][0]), "row %d twice", i);
	}
	/* the long notes wrapped in their column: more lines than rows */
	size_t nl = 0;
	for (const char *p = text; *p; p++)
		nl += *p == '\n';
	ck_assert_uint_gt(nl, N + N / 10 + pages * 5);
	ck_assert_ptr_nonnull(records);
	ck_assert(strncmp(records, "res-3f9a2c71d0e4-1,res-3f9a2c71d0e4-2,", 38) == 0);
	size_t commas = 0;
	for (const char *p = records; *p; p++)
		commas += *p == ',';
	ck_assert_uint_eq(commas, 50);
	ck_assert(strcmp(records + strlen(records) - 4, ",...") == 0);
	free(records);
	free(text);
	/* no rows: the heading and a word saying so */
	l.nrows = 0;
	text = print_list_text(&l, title, sizeof title, NULL);
	ck_assert_uint_eq(check_layout(text), 1);
	ck_assert_ptr_nonnull(strstr(text, "姓名"));
	free(text);
	/* a heading whole (a referral list's, the audit trail's): the title,
	 * on every page, and the document's name */
	l.nrows = N;
	l.heading = "收到的转介清单";
	text = print_list_text(&l, title, sizeof title, NULL);
	ck_assert_str_eq(title, "收到的转介清单");
	pages = check_layout(text);
	size_t headings = 0;
	for (const char *p = text; (p = strstr(p, "收到的转介清单")); p++)
		headings++;
	ck_assert_uint_ge(headings, pages);
	ck_assert_ptr_null(strstr(text, "居民名单"));
	free(text);
}
END_TEST

static void
setup_wide(void)
{
	setup();
	wide = true;
}

static void
teardown_wide(void)
{
	wide = false;
	teardown();
}

static Suite *
print_suite(void)
{
	Suite *s = suite_create("print");
	/* the same for a GB18030 printer, where a rule's characters are two columns */
	TCase *tw = tcase_create("gb18030");
	tcase_add_checked_fixture(tw, setup_wide, teardown_wide);
	tcase_set_timeout(tw, 120);
	tcase_add_test(tw, test_slip);
	tcase_add_test(tw, test_certificate);
	tcase_add_test(tw, test_casefile_masked);
	tcase_add_test(tw, test_casefile_household_pages);
	tcase_add_test(tw, test_ledger);
	tcase_add_test(tw, test_ledger_township);
	tcase_add_test(tw, test_report);
	tcase_add_test(tw, test_blank);
	tcase_add_test(tw, test_list);
	suite_add_tcase(s, tw);
	TCase *tc = tcase_create("documents");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_slip);
	tcase_add_test(tc, test_certificate);
	tcase_add_test(tc, test_casefile_masked);
	tcase_add_test(tc, test_casefile_household_pages);
	tcase_add_test(tc, test_ledger);
	tcase_add_test(tc, test_ledger_township);
	tcase_add_test(tc, test_report);
	tcase_add_test(tc, test_blank);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_audit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(print_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
