/* check-pick.c: picking the needs a record answers.  The library: a
 * need is named by its date, function and description (shown_summary),
 * never by its id, in a field as in a picker; pickfind offers the needs
 * of the resident the record names first, newest first, only theirs when
 * asked, and filters by the summary's words and by the resident typed;
 * kind_need_mark writes a need's status once.  The screen, in UTF-8 and
 * GB18030 at 80x24: a service recorded from a resident's case file
 * offers that resident's needs first, each by its summary; typing
 * filters and Backspace takes typing back; the form shows the picked
 * need by its summary; saved, it asks whether the need is in progress or
 * met, and the need's status is what was answered. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "form.h"
#include "kind.h"
#include "pickfind.h"
#include "search.h"
#include "shown.h"
#include "store.h"
#include "text.h"
#include "screen.h"
#include "testdb.h"

/* --- the library ------------------------------------------------------------------ */

static struct db d;
static struct formset *fs;
static record *resa, *resb, *a1, *a2, *b1;
static char ida[REC_ID_TEXTMAX], idb[REC_ID_TEXTMAX];

static record *
saved(int kind, const char *const *kv)
{
	record *r = record_new(kind);
	ck_assert_ptr_nonnull(r);
	for (size_t i = 0; kv[i]; i += 2)
		ck_assert_int_eq(record_set(r, kv[i], kv[i + 1]), 0);
	ck_assert_int_eq(store_save(d.st, r), STORE_OK);
	return r;
}

static void
need(record **out, const char *res, const char *date, const char *service, const char *text)
{
	*out = saved(REC_NEED, (const char *const[]){"who", "resident", "resident", res, "date", date,
	                                             "service", service, "description", text,
	                                             "status", "open", NULL});
}

static void
setup(void)
{
	d = testdb_new("pick");
	struct form_error fe;
	fs = formset_load(getenv("SHEGONG_FORMSDIR"), &fe);
	ck_assert_ptr_nonnull(fs);
	resa = saved(REC_RESIDENT, (const char *const[]){"name", "张𠀀英", NULL});
	resb = saved(REC_RESIDENT, (const char *const[]){"name", "王小军", NULL});
	rec_id_format(&resa->id, ida);
	rec_id_format(&resb->id, idb);
	need(&a1, ida, "2026-11-01", "care", "每周探访，\n陪同就医");
	need(&a2, ida, "2026-11-20", "assistance", "代购药品");
	need(&b1, idb, "2026-11-25", "care", "院坝 探访");
}

static void
teardown(void)
{
	record *all[] = {resa, resb, a1, a2, b1};
	for (size_t i = 0; i < 5; i++)
		record_free(all[i]);
	formset_free(fs);
	testdb_free(&d);
}

START_TEST(test_summary)
{
	char *s = shown_summary(fs, a1, 0);
	ck_assert_str_eq(s, "2026-11-01 Care for the elderly and the young 每周探访， 陪同就医");
	free(s);
	/* without the forms: the choice's code */
	s = shown_summary(NULL, a2, 0);
	ck_assert_str_eq(s, "2026-11-20 assistance 代购药品");
	free(s);
	/* cut to the columns, the cut marked */
	s = shown_summary(fs, a1, 20);
	ck_assert_int_le(text_width(s, strlen(s)), 20);
	ck_assert_ptr_nonnull(strstr(s, "…"));
	ck_assert(strncmp(s, "2026-11-01 Care", 15) == 0);
	free(s);
	/* a record with a name: the name */
	s = shown_summary(fs, resa, 0);
	ck_assert_str_eq(s, "张𠀀英");
	free(s);
	record *empty = record_new(REC_NEED);
	ck_assert_ptr_null(shown_summary(fs, empty, 0));
	record_free(empty);
}
END_TEST

START_TEST(test_field_shows_summary)
{
	char n1[REC_ID_TEXTMAX], n2[REC_ID_TEXTMAX], list[2 * REC_ID_TEXTMAX + 2];
	snprintf(list, sizeof list, "%s,%s", rec_id_format(&a2->id, n1), rec_id_format(&b1->id, n2));
	record *svc = record_new(REC_SERVICE);
	record_set(svc, "needs", list);
	const struct form *f = formset_find(fs, "service_care");
	ck_assert_ptr_nonnull(f);
	struct form_env env = {"tester", NULL, "2026-12-01", false, 0, fs};
	char *v = shown_value_read(d.st, form_field(f, "needs"), svc, &env, 0);
	/* each cut to SHOWN_SUMMARY_COLS (40) columns */
	ck_assert_str_eq(v, "2026-11-20 Social assistance 代购药品、2026-11-25 Care for the elderly and the…");
	free(v);
	/* the command line adds the id, to type next */
	v = shown_value_read(d.st, form_field(f, "needs"), svc, &env, SHOWN_IDS);
	ck_assert_ptr_nonnull(strstr(v, n1));
	free(v);
	record_free(svc);
}
END_TEST

/* pickfind's answer as the descriptions of what it found, "|" between */
static void
found(const char *text, const char *const *own, size_t nown, bool only, const char *want,
      size_t want_own)
{
	struct pickfind_query q = {REC_NEED, text, own, nown, only};
	record *out[16];
	size_t n, no;
	ck_assert_int_eq(pickfind(d.st, fs, &q, out, 16, &n, &no), STORE_OK);
	char got[512] = "";
	for (size_t i = 0; i < n; i++) {
		const char *v = record_get(out[i], "description");
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%.6s", i ? "|" : "", v);
		record_free(out[i]);
	}
	ck_assert_msg(strcmp(got, want) == 0, "\"%s\": found %s, not %s", text ? text : "", got, want);
	ck_assert_uint_eq(no, want_own);
}

START_TEST(test_pickfind)
{
	const char *own[] = {ida};
	/* the resident's own first, newest first; then the others */
	found("", own, 1, false, "代购|每周|院坝", 2);
	found(NULL, own, 1, false, "代购|每周|院坝", 2);   /* NULL text too */
	found("", own, 1, true, "代购|每周", 2);
	found("", NULL, 0, false, "院坝|代购|每周", 0);
	found("", NULL, 0, true, "院坝|代购|每周", 0);      /* nobody named: all */
	/* typing: words of the description, the function's label, the date */
	found("探访", own, 1, false, "每周|院坝", 1);
	found("探访", own, 1, true, "每周", 1);
	found("代购", own, 1, false, "代购", 1);
	found("care 探访", own, 1, false, "每周|院坝", 1);
	found("CARE 就医", own, 1, false, "每周", 1);
	found("2026-11-2", own, 1, false, "代购|院坝", 1);
	/* the same day: the one taken last first */
	record *a3;
	need(&a3, ida, "2026-11-20", "care", "后登记的");
	found("2026-11-20", own, 1, false, "后登|代购", 2);
	record_free(a3);
	found("没有这个词", own, 1, false, "", 0);
	/* the resident typed: by name and by pinyin initials */
	found("王小军", own, 1, false, "院坝", 0);
	found("wxj", own, 1, false, "院坝", 0);
}
END_TEST

static int
audit_one(const struct audit_entry *e, void *ctx)
{
	char *what = ctx;
	snprintf(what + strlen(what), 256 - strlen(what), "%s %u>%u;", e->action, e->v_before,
	         e->v_after);
	return 0;
}

START_TEST(test_need_mark)
{
	char id[REC_ID_TEXTMAX];
	rec_id_format(&a1->id, id);
	audit_attach(d.st);
	uint64_t before = store_last_txn(d.st);
	bool changed;
	ck_assert_int_eq(kind_need_mark(d.st, id, "in_progress", &changed), STORE_OK);
	ck_assert(changed);
	ck_assert_int_eq(kind_need_mark(d.st, id, "met", &changed), STORE_OK);
	ck_assert(changed);
	uint64_t after = store_last_txn(d.st);
	ck_assert_uint_gt(after, before);
	/* already met: nothing written */
	ck_assert_int_eq(kind_need_mark(d.st, id, "met", &changed), STORE_OK);
	ck_assert(!changed);
	ck_assert_uint_eq(store_last_txn(d.st), after);
	record *r;
	ck_assert_int_eq(search_get(d.st, &a1->id, &r), STORE_OK);
	ck_assert_str_eq(record_get(r, "status"), "met");
	ck_assert_str_eq(record_get(r, "description"), "每周探访，\n陪同就医");   /* the rest kept */
	ck_assert_uint_eq(r->version, a1->version + 2);
	record_free(r);
	/* each change in the audit trail, the one not made not */
	char what[256] = "";
	struct audit_filter af = {NULL, id, NULL, NULL};
	ck_assert_int_eq(audit_each(d.st, &af, audit_one, what), STORE_OK);
	char want[64];
	snprintf(want, sizeof want, "edit %u>%u;edit %u>%u;", a1->version, a1->version + 1,
	         a1->version + 1, a1->version + 2);
	ck_assert_str_eq(what, want);
	/* not a need */
	ck_assert_int_eq(kind_need_mark(d.st, ida, "met", &changed), STORE_NOTFOUND);
	ck_assert_int_eq(kind_need_mark(d.st, "nonsense", "met", &changed), STORE_NOTFOUND);
}
END_TEST

/* The need a new service for a person answers without asking: their only
 * open one of the service's function, never another's, a met or a voided
 * one; none when there are two to choose from. */
START_TEST(test_only_open_need)
{
	char out[REC_ID_TEXTMAX], id[REC_ID_TEXTMAX];
	ck_assert(pickfind_only_open_need(d.st, fs, ida, "care", out, sizeof out));
	ck_assert_str_eq(out, rec_id_format(&a1->id, id));
	ck_assert(pickfind_only_open_need(d.st, fs, ida, "assistance", out, sizeof out));
	ck_assert_str_eq(out, rec_id_format(&a2->id, id));
	ck_assert(pickfind_only_open_need(d.st, fs, idb, "care", out, sizeof out));
	ck_assert_str_eq(out, rec_id_format(&b1->id, id));
	ck_assert(!pickfind_only_open_need(d.st, fs, idb, "assistance", out, sizeof out));
	ck_assert(!pickfind_only_open_need(d.st, fs, ida, "governance", out, sizeof out));
	ck_assert(!pickfind_only_open_need(d.st, fs, ida, NULL, out, sizeof out));
	/* a second open need of the function: the worker chooses */
	record *a3;
	need(&a3, ida, "2026-11-28", "care", "理发");
	ck_assert(!pickfind_only_open_need(d.st, fs, ida, "care", out, sizeof out));
	/* met, or in progress: only what still needs work counts */
	bool changed;
	ck_assert_int_eq(kind_need_mark(d.st, rec_id_format(&a1->id, id), "met", &changed), STORE_OK);
	ck_assert(pickfind_only_open_need(d.st, fs, ida, "care", out, sizeof out));
	ck_assert_str_eq(out, rec_id_format(&a3->id, id));
	ck_assert_int_eq(kind_need_mark(d.st, id, "in_progress", &changed), STORE_OK);
	ck_assert(pickfind_only_open_need(d.st, fs, ida, "care", out, sizeof out));
	/* voided: none left */
	record *r;
	ck_assert_int_eq(search_get(d.st, &a3->id, &r), STORE_OK);
	ck_assert_int_eq(kind_void(d.st, r, "登记错了", NULL), STORE_OK);
	record_free(r);
	ck_assert(!pickfind_only_open_need(d.st, fs, ida, "care", out, sizeof out));
	record_free(a3);
}
END_TEST

/* --- the screen ------------------------------------------------------------------- */

#define NAME "钱𠀀秀"                  /* 𠀀 U+20000: four bytes in GB18030 too */
#define IDNUM "110105195001010020"
#define NEED1 "甲每周探访陪同就医"
#define NEED2 "乙代购药品"
#define HINT_REFS "从列表里再加一个"
#define HINT_LIST "打开列表来选"

/* The row (0-based) from row from on that holds text, or -1. */
static int
row_with(vt *t, const char *text, int from)
{
	for (int y = from; y < 24; y++) {
		const char *r = vt_row(t, y);
		if (r && strstr(r, text))
			return y;
	}
	return -1;
}

/* Tab until the hint row (21) holds hint (none when the current field
 * shows it already); fail after tries. */
static void
tab_to_hint(vt *t, const char *hint, int tries)
{
	for (int i = 0; i <= tries; i++) {
		vt_pump(t, 100);
		const char *r = vt_row(t, 20);
		if (r && strstr(r, hint))
			return;
		if (i < tries)
			keys(t, KEY_TAB);
	}
	vt_dump(t);
	ck_abort_msg("no field shows the hint \"%s\"", hint);
}

/* From the home menu: NAME registered with IDNUM, left in its view. */
static void
register_resident(vt *t)
{
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, NAME);
	keys(t, KEY_TAB);
	type(t, IDNUM);
	keys(t, KEY_F2);
	expect(t, "已登记");
}

static void
take_need(vt *t, const char *service, const char *label, const char *text)
{
	keys(t, KEY_F7);
	expect(t, "新建");
	/* the cursor starts on the first field still empty, the phone (none
	 * given); then categories, date, channel (the village, the worker's
	 * own, passed over) */
	for (int i = 0; i < 3; i++)
		keys(t, KEY_TAB);
	type(t, "1");                      /* a home visit */
	keys(t, KEY_TAB);
	type(t, service);
	expect(t, label);
	keys(t, KEY_TAB);
	type(t, text);
	keys(t, KEY_F2);
	expect(t, "已登记");
	keys(t, KEY_ESC);                  /* back to the resident */
	expect(t, "F7");
}

struct status_of {
	const char *text;
	char status[32];
};

static int
status_one(const record *r, void *ctx)
{
	struct status_of *s = ctx;
	const char *v = record_get(r, "description"), *st = record_get(r, "status");
	if (v && strcmp(v, s->text) == 0)
		snprintf(s->status, sizeof s->status, "%s", st ? st : "");
	return 0;
}

static int
status_txn(store_txn *t, void *ctx)
{
	return store_scan(t, REC_NEED, NULL, status_one, ctx);
}

/* The status of the need whose description is text, in the database. */
static void
need_status(const char *dir, const char *text, const char *want)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	struct status_of s = {text, ""};
	ck_assert_int_eq(store_read(st, status_txn, &s), STORE_OK);
	store_close(st);
	ck_assert_msg(strcmp(s.status, want) == 0, "the need %s is \"%s\", not \"%s\"", text, s.status,
	              want);
}

START_TEST(test_pick_screen)
{
	char *dir = testdb_dir("pick");
	vt *t = screen_start(dir, _i, true, NULL, NULL);
	register_resident(t);
	take_need(t, "3", "老幼关爱", NEED1);
	take_need(t, "2", "社会救助", NEED2);

	keys(t, KEY_F9);                   /* the case file */
	expect(t, NEED2);
	keys(t, KEY_F3);                   /* a service for this resident */
	expect(t, "1 ");
	type(t, "1");
	expect(t, NAME);                   /* the beneficiary, filled in */
	tab_to_hint(t, HINT_REFS, 12);     /* the needs it answers */
	keys(t, KEY_F4);
	expect(t, "添加到：回应的需求");
	expect(t, NEED1);
	/* the resident's two first, each by date, function and what it says */
	int y = row_with(t, "查找", 0);
	ck_assert_int_ge(y, 0);
	for (int i = 1; i <= 2; i++) {
		const char *r = vt_row(t, y + i);
		ck_assert_msg(strstr(r, NEED1) || strstr(r, NEED2), "row %d is not the resident's need: %s",
		              i, r);
		ck_assert_msg(strstr(r, "20") && (strstr(r, "老幼关爱") || strstr(r, "社会救助")),
		              "no date or function: %s", r);
		ck_assert_msg(!strstr(r, NAME), "the resident's own need names them: %s", r);
	}
	ck_assert_msg(!strstr(vt_screen(t), " ? "), "a need shown as ?");
	/* the demo's other needs after them, with their resident's name */
	const char *r3 = vt_row(t, y + 3);
	ck_assert_msg(r3 && !strstr(r3, NEED1) && !strstr(r3, NEED2) && strstr(r3, "20"),
	              "no other need after the resident's: %s", r3 ? r3 : "");

	/* typing filters by the words; Backspace takes them back */
	type(t, "代购");
	if (!vt_wait_gone(t, NEED1, 15000)) {
		vt_dump(t);
		ck_abort_msg("typing did not filter");
	}
	ck_assert_msg(strstr(vt_row(t, y + 1), NEED2), "the need typed for is not first");
	keys(t, "\177");
	keys(t, "\177");
	expect(t, NEED1);
	ck_assert_msg(!strstr(vt_row(t, y), "代"), "Backspace left the typing");
	type(t, "代购");
	if (!vt_wait_gone(t, NEED1, 15000)) {
		vt_dump(t);
		ck_abort_msg("typing again did not filter");
	}
	keys(t, KEY_ENTER);
	if (!vt_wait_gone(t, "添加到", 15000)) {
		vt_dump(t);
		ck_abort_msg("the picker stayed");
	}
	/* the form names the need by its summary, never by its id */
	int f = row_with(t, "回应的需求", 0);
	ck_assert_int_ge(f, 0);
	ck_assert_msg(strstr(vt_row(t, f), NEED2) && strstr(vt_row(t, f), "社会救助") &&
	                  !strstr(vt_screen(t), "need-"),
	              "the picked need is not shown by its summary: %s", vt_row(t, f));

	tab_to_hint(t, HINT_LIST, 10);     /* the kind of work */
	type(t, "1");
	keys(t, KEY_TAB);
	type(t, "送药上门");
	keys(t, KEY_F2);
	expect(t, "已登记");
	/* asked about the need it answers */
	expect(t, "这项服务回应的需求");
	expect(t, "已满足");
	need_status(dir, NEED2, "open");   /* nothing written before the answer */
	type(t, "2");                      /* met */
	expect(t, "已把这项需求标记为已满足");
	need_status(dir, NEED2, "met");
	need_status(dir, NEED1, "open");   /* the need not named: as it was */

	/* a referral is about one person: its needs are theirs alone */
	expect(t, "档案：");               /* saved, back on the case file */
	keys(t, KEY_ESC);                  /* the resident */
	expect(t, "F6");
	keys(t, KEY_F6);
	expect(t, "转介: 新建");
	tab_to_hint(t, HINT_REFS, 6);
	keys(t, KEY_F4);
	expect(t, "添加到：转介的需求");
	expect(t, NEED1);
	y = row_with(t, "查找", 0);
	ck_assert_int_ge(y, 0);
	ck_assert_msg(strstr(vt_row(t, y + 1), NEED2) && strstr(vt_row(t, y + 1), "已满足") &&
	                  strstr(vt_row(t, y + 2), NEED1) && !strstr(vt_row(t, y + 2), "已满足"),
	              "not the resident's needs, newest first, the met one marked");
	ck_assert_msg(!strstr(vt_row(t, y + 3), "20"), "another's need offered: %s", vt_row(t, y + 3));
	keys(t, KEY_ESC);
	if (!vt_wait_gone(t, "添加到", 15000)) {
		vt_dump(t);
		ck_abort_msg("the picker stayed");
	}
	quit_f10(t, 5);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* A service begun from the services list names nobody yet: a need picked
 * into it brings its resident among those served (said on the message
 * line), and the picker shows each need's line whole, its status kept,
 * a long description cut with "…" and never with the cut mark '~'; so
 * is the question after the save that names the need. */
START_TEST(test_need_brings_resident)
{
	char *dir = testdb_dir("pick");
	vt *t = screen_start(dir, _i, true, NULL, NULL);
	register_resident(t);
	take_need(t, "3", "老幼关爱", NEED1);
	for (int i = 0; i < 4 && !strstr(vt_screen(t), "主菜单"); i++) {
		keys(t, KEY_ESC);
		vt_pump(t, 300);
	}
	expect(t, "主菜单");
	type(t, "3");                      /* the services */
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "1 ");
	type(t, "1");
	expect(t, "新建");
	int b = row_with(t, "服务对象", 0);
	ck_assert_int_ge(b, 0);
	ck_assert_msg(!strstr(vt_row(t, b), NAME), "a beneficiary before any was picked: %s",
	              vt_row(t, b));
	tab_to_hint(t, HINT_REFS, 12);     /* the needs it answers */
	keys(t, KEY_F4);
	expect(t, "添加到：回应的需求");
	expect(t, NEED1);
	int y = row_with(t, "查找", 0);
	ck_assert_int_ge(y, 0);
	int with_status = 0;
	for (int i = 1; i <= 14; i++) {
		const char *r = vt_row(t, y + i);
		if (!r || !strstr(r, "20"))
			continue;
		ck_assert_msg(!strchr(r, '~'), "a need's line is cut with '~': %s", r);
		const char *st = strstr(r, " (");
		if (st) {
			with_status++;
			ck_assert_msg(strchr(st, ')'), "a need's status is cut: %s", r);
		}
	}
	ck_assert_msg(with_status > 0, "no need in the picker shows its status");
	type(t, "甲每周");
	keys(t, KEY_ENTER);
	if (!vt_wait_gone(t, "添加到", 15000)) {
		vt_dump(t);
		ck_abort_msg("the picker stayed");
	}
	expect(t, "已同时把" NAME "加入服务对象");
	b = row_with(t, "服务对象", 0);
	ck_assert_int_ge(b, 0);
	ck_assert_msg(strstr(vt_row(t, b), NAME), "the need's resident is not among those served: %s",
	              vt_row(t, b));
	/* saved, it asks after the need, naming it in a title longer than
	 * the box: cut with an ellipsis */
	tab_to_hint(t, HINT_LIST, 10);     /* the kind of work */
	type(t, "1");
	keys(t, KEY_TAB);
	type(t, "陪同就医");
	keys(t, KEY_F2);
	expect(t, "已登记");
	expect(t, "这项服务回应的需求");
	int q = row_with(t, "这项服务回应的需求", 0);
	ck_assert_int_ge(q, 0);
	ck_assert_msg(!strchr(vt_row(t, q), '~') && strstr(vt_row(t, q), "…"),
	              "the question's title is not cut with an ellipsis: %s", vt_row(t, q));
	type(t, "3");                      /* its status as it is */
	if (!vt_wait_gone(t, "这项服务回应的需求", 15000)) {
		vt_dump(t);
		ck_abort_msg("the question stayed");
	}
	need_status(dir, NEED1, "open");
	quit_f10(t, 5);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pick");
	TCase *lib = tcase_create("library");
	tcase_add_checked_fixture(lib, setup, teardown);
	tcase_add_test(lib, test_summary);
	tcase_add_test(lib, test_field_shows_summary);
	tcase_add_test(lib, test_pickfind);
	tcase_add_test(lib, test_need_mark);
	tcase_add_test(lib, test_only_open_need);
	suite_add_tcase(s, lib);
	TCase *scr = tcase_create("screen");
	tcase_set_timeout(scr, 240);
	tcase_add_loop_test(scr, test_pick_screen, 0, 2);
	tcase_add_loop_test(scr, test_need_brings_resident, 0, 2);
	suite_add_tcase(s, scr);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
