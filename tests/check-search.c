/* check-search.c: finding records as typed: how text is classified, name,
 * pinyin and ID number prefixes, polyphonic and non-BMP names found once,
 * Latin-letter names, filters, and paging that neither repeats nor loses
 * a record, also when one is deleted between pages. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lmdb.h>
#include <unistd.h>

#include "demo.h"
#include "index.h"
#include "orgunit.h"
#include "pinyin.h"
#include "search.h"

#include "testdb.h"
#include "text.h"
#include "util.h"

/* --- helpers ---------------------------------------------------------- */

/* Save a resident; village and status may be NULL. */
static rec_id
add(store *st, const char *name, const char *idnum, const char *village, const char *status)
{
	record *r = record_new(REC_RESIDENT);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(record_set(r, "name", name), 0);
	if (idnum)
		ck_assert_int_eq(record_set(r, "idnum", idnum), 0);
	if (village)
		ck_assert_int_eq(record_set(r, "village", village), 0);
	if (status)
		ck_assert_int_eq(record_set(r, "status", status), 0);
	ck_assert_int_eq(store_save(st, r), STORE_OK);
	rec_id id = r->id;
	record_free(r);
	return id;
}

static int
del_txn(store_txn *t, void *ctx)
{
	return store_del(t, ctx, 0);
}

static void
del(store *st, const rec_id *id)
{
	ck_assert_int_eq(store_write(st, del_txn, (void *)id), STORE_OK);
}

#define MAXHITS 2000

struct hits {
	size_t n;
	rec_id ids[MAXHITS];
	char *names[MAXHITS];
	size_t pages;
};

static void
hits_free(struct hits *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->names[i]);
	h->n = 0;
}

/* Take one page into h; returns how many it held. */
static size_t
one_page(store *st, const struct search_query *q, struct search_pos *pos, size_t max,
         struct hits *h)
{
	record *out[64];
	size_t n = 99;
	ck_assert_uint_le(max, 64);
	ck_assert_int_eq(search_page(st, q, pos, out, max, &n), STORE_OK);
	ck_assert_uint_le(n, max);
	ck_assert(n == max || pos->done);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_lt(h->n, MAXHITS);
		h->ids[h->n] = out[i]->id;
		h->names[h->n] = strdup(record_get(out[i], "name"));
		h->n++;
		record_free(out[i]);
	}
	h->pages++;
	return n;
}

/* Every page of q, max records at a time. */
static void
search_all(store *st, const struct search_query *q, size_t max, struct hits *h)
{
	struct search_pos pos = {0};
	memset(h, 0, sizeof *h);
	while (!pos.done)
		one_page(st, q, &pos, max, h);
	/* a finished search stays finished */
	record *out[1];
	size_t n = 7;
	ck_assert_int_eq(search_page(st, q, &pos, out, 1, &n), STORE_OK);
	ck_assert_uint_eq(n, 0);
}

static struct hits *
find(store *st, const char *text, const char *village, const char *status, size_t max)
{
	struct hits *h = malloc(sizeof *h);
	ck_assert_ptr_nonnull(h);
	struct search_query q = {.kind = REC_RESIDENT, .text = text, .village = village, .status = status};
	search_all(st, &q, max, h);
	return h;
}

static void
drop(struct hits *h)
{
	hits_free(h);
	free(h);
}

static size_t
count_name(const struct hits *h, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < h->n; i++)
		n += strcmp(h->names[i], name) == 0;
	return n;
}

static void
assert_each_once(const struct hits *h)
{
	for (size_t i = 0; i < h->n; i++)
		for (size_t j = i + 1; j < h->n; j++)
			ck_assert_msg(!rec_id_equal(&h->ids[i], &h->ids[j]), "%s twice", h->names[i]);
}

static void
assert_same(const struct hits *a, const struct hits *b)
{
	ck_assert_uint_eq(a->n, b->n);
	for (size_t i = 0; i < a->n; i++)
		ck_assert_msg(rec_id_equal(&a->ids[i], &b->ids[i]), "hit %zu: %s vs %s", i, a->names[i],
		              b->names[i]);
}

/* What a search by initials must find: residents with an indexed
 * variant (capped as the index caps them) starting with q, by scan. */
struct brute {
	const char *q;
	const char *village;
	size_t n;
};

static int
starts(const char *initials, void *ctx)
{
	const char *q = ctx;
	return strncmp(initials, q, strlen(q)) == 0;
}

static int
brute_rec(const record *r, void *ctx)
{
	struct brute *b = ctx;
	const char *name = record_get(r, "name");
	const char *v = record_get(r, "village");
	if (b->village && (!v || strcmp(v, b->village) != 0))
		return 0;
	if (name && pinyin_each(name, IDX_PINYIN_VARIANTS, starts, (void *)b->q))
		b->n++;
	return 0;
}

static int
brute_txn(store_txn *t, void *ctx)
{
	return store_scan(t, REC_RESIDENT, NULL, brute_rec, ctx);
}

static size_t
brute_pinyin(store *st, const char *q, const char *village)
{
	struct brute b = {q, village, 0};
	ck_assert_int_eq(store_read(st, brute_txn, &b), STORE_OK);
	return b.n;
}

/* --- tests ------------------------------------------------------------- */

START_TEST(test_classify)
{
	static const struct {
		const char *text;
		enum search_by by;
	} cases[] = {
		{NULL, SEARCH_ALL},
		{"", SEARCH_ALL},
		{"  ", SEARCH_ALL},
		{"张", SEARCH_NAME},
		{"张三丰", SEARCH_NAME},
		{"王𠀀", SEARCH_NAME},
		{"zsf", SEARCH_PINYIN},
		{"ZSf", SEARCH_PINYIN},
		{" zsf ", SEARCH_PINYIN},
		{"x", SEARCH_PINYIN},
		{"Tashi", SEARCH_PINYIN},
		{"5104", SEARCH_IDNUM},
		{"51042119900101123X", SEARCH_IDNUM},
		{"51042119900101123x", SEARCH_IDNUM},
		{"5104x", SEARCH_IDNUM},
		{"510", SEARCH_NAME},
		{"510x", SEARCH_NAME},
		{"51x4", SEARCH_NAME},
		{"5104xx", SEARCH_NAME},
		{"zs1", SEARCH_NAME},
		{"张s", SEARCH_NAME},
		{"o'neil", SEARCH_NAME},
		{"a b", SEARCH_NAME},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(search_classify(cases[i].text) == cases[i].by, "\"%s\": %d, wanted %d",
		              cases[i].text ? cases[i].text : "(null)", search_classify(cases[i].text),
		              cases[i].by);
}
END_TEST

START_TEST(test_name_prefix)
{
	struct db d = testdb_new("search");
	add(d.st, "张三丰", NULL, NULL, NULL);
	add(d.st, "张三", NULL, NULL, NULL);
	add(d.st, "张无忌", NULL, NULL, NULL);
	add(d.st, "李四", NULL, NULL, NULL);
	struct hits *h = find(d.st, "张三", NULL, NULL, 10);
	ck_assert_uint_eq(h->n, 2);
	ck_assert_str_eq(h->names[0], "张三");
	ck_assert_str_eq(h->names[1], "张三丰");
	drop(h);
	h = find(d.st, "张", NULL, NULL, 10);
	ck_assert_uint_eq(h->n, 3);
	drop(h);
	h = find(d.st, " 李四 ", NULL, NULL, 10);
	ck_assert_uint_eq(h->n, 1);
	drop(h);
	h = find(d.st, "王", NULL, NULL, 10);
	ck_assert_uint_eq(h->n, 0);
	drop(h);
	/* another kind's records are not residents */
	struct search_query q = {.kind = REC_NEED, .text = "张"};
	struct hits other;
	search_all(d.st, &q, 10, &other);
	ck_assert_uint_eq(other.n, 0);
	testdb_free(&d);
}
END_TEST

START_TEST(test_pinyin)
{
	struct db d = testdb_new("search");
	add(d.st, "张三丰", NULL, NULL, NULL);
	add(d.st, "张三", NULL, NULL, NULL);
	add(d.st, "赵思", NULL, NULL, NULL);
	add(d.st, "李四", NULL, NULL, NULL);
	struct hits *h = find(d.st, "zsf", NULL, NULL, 10);
	ck_assert_uint_eq(h->n, 1);
	ck_assert_str_eq(h->names[0], "张三丰");
	drop(h);
	h = find(d.st, "ZS", NULL, NULL, 10);
	ck_assert_uint_eq(h->n, 3);
	ck_assert_uint_eq(count_name(h, "张三丰"), 1);
	ck_assert_uint_eq(count_name(h, "张三"), 1);
	ck_assert_uint_eq(count_name(h, "赵思"), 1);
	drop(h);
	h = find(d.st, "ls", NULL, NULL, 10);
	ck_assert_uint_eq(h->n, 1);
	ck_assert_str_eq(h->names[0], "李四");
	drop(h);
	testdb_free(&d);
}
END_TEST

START_TEST(test_polyphonic_once)
{
	/* 单 reads dan, shan, chan; 曾 zeng, ceng: several variants of each
	 * name begin with s, d or c, and the index holds them all */
	ck_assert(pinyin_initials_mask(0x5355) & 1u << ('d' - 'a'));
	ck_assert(pinyin_initials_mask(0x5355) & 1u << ('s' - 'a'));
	ck_assert(pinyin_initials_mask(0x66FE) & 1u << ('z' - 'a'));
	ck_assert(pinyin_initials_mask(0x66FE) & 1u << ('c' - 'a'));
	struct db d = testdb_new("search");
	add(d.st, "单曾", NULL, NULL, NULL);
	add(d.st, "单单单", NULL, NULL, NULL);
	add(d.st, "曾单", NULL, NULL, NULL);
	add(d.st, "孙德", NULL, NULL, NULL);
	static const struct {
		const char *q;
		size_t n;
	} cases[] = {
		{"s", 3}, {"d", 2}, {"c", 3}, {"z", 1}, {"sd", 2}, {"sz", 1}, {"dc", 2}, {"ds", 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (size_t max = 1; max <= 3; max++) {
			struct hits *h = find(d.st, cases[i].q, NULL, NULL, max);
			ck_assert_msg(h->n == cases[i].n, "%s: %zu hits, wanted %zu", cases[i].q, h->n,
			              cases[i].n);
			assert_each_once(h);
			ck_assert_uint_eq(h->n, brute_pinyin(d.st, cases[i].q, NULL));
			drop(h);
		}
	}
	testdb_free(&d);
}
END_TEST

START_TEST(test_idnum)
{
	struct db d = testdb_new("search");
	add(d.st, "甲", "51042119900101123X", NULL, NULL);
	add(d.st, "乙", "510421199001011246", NULL, NULL);
	add(d.st, "丙", "510422198001011234", NULL, NULL);
	struct hits *h = find(d.st, "51042119900101123x", NULL, NULL, 10);
	ck_assert_uint_eq(h->n, 1);
	ck_assert_str_eq(h->names[0], "甲");
	drop(h);
	h = find(d.st, "5104211990", NULL, NULL, 10);
	ck_assert_uint_eq(h->n, 2);
	drop(h);
	h = find(d.st, "5104", NULL, NULL, 2);
	ck_assert_uint_eq(h->n, 3);
	drop(h);
	h = find(d.st, "6104", NULL, NULL, 2);
	ck_assert_uint_eq(h->n, 0);
	drop(h);
	testdb_free(&d);
}
END_TEST

START_TEST(test_latin_names)
{
	struct db d = testdb_new("search");
	add(d.st, "Tashi", NULL, NULL, NULL);
	add(d.st, "ali", NULL, NULL, NULL);
	add(d.st, "唐安", NULL, NULL, NULL);
	add(d.st, "Ta扎西", NULL, NULL, NULL);
	struct hits *h = find(d.st, "tashi", NULL, NULL, 10);
	ck_assert_uint_eq(h->n, 1);
	ck_assert_str_eq(h->names[0], "Tashi");
	drop(h);
	h = find(d.st, "ALI", NULL, NULL, 10);
	ck_assert_uint_eq(h->n, 1);
	ck_assert_str_eq(h->names[0], "ali");
	drop(h);
	/* 唐安 by its initials, the Latin names by their letters, each once */
	for (size_t max = 1; max <= 4; max++) {
		h = find(d.st, "ta", NULL, NULL, max);
		ck_assert_uint_eq(h->n, 3);
		ck_assert_uint_eq(count_name(h, "Tashi"), 1);
		ck_assert_uint_eq(count_name(h, "唐安"), 1);
		ck_assert_uint_eq(count_name(h, "Ta扎西"), 1);
		drop(h);
	}
	h = find(d.st, "taz", NULL, NULL, 10);
	ck_assert_uint_eq(h->n, 1);
	ck_assert_str_eq(h->names[0], "Ta扎西");
	drop(h);
	/* by name too, as typed with a non-letter */
	h = find(d.st, "Ta扎", NULL, NULL, 10);
	ck_assert_uint_eq(h->n, 1);
	drop(h);
	testdb_free(&d);
}
END_TEST

START_TEST(test_filters)
{
	struct db d = testdb_new("search");
	add(d.st, "张一", NULL, "unit-a", "active");
	add(d.st, "张二", NULL, "unit-b", "active");
	add(d.st, "张三", NULL, "unit-a", "moved");
	add(d.st, "张四", NULL, NULL, "active");
	add(d.st, "张五", NULL, "unit-a", NULL);
	struct hits *h = find(d.st, "张", "unit-a", NULL, 10);
	ck_assert_uint_eq(h->n, 3);
	drop(h);
	h = find(d.st, "z", NULL, "active", 10);
	ck_assert_uint_eq(h->n, 3);
	drop(h);
	h = find(d.st, "zy", "unit-a", "active", 1);
	ck_assert_uint_eq(h->n, 1);
	ck_assert_str_eq(h->names[0], "张一");
	drop(h);
	h = find(d.st, NULL, "unit-b", "moved", 1);
	ck_assert_uint_eq(h->n, 0);
	drop(h);
	h = find(d.st, "", "unit-a", "moved", 2);
	ck_assert_uint_eq(h->n, 1);
	ck_assert_str_eq(h->names[0], "张三");
	drop(h);
	testdb_free(&d);
}
END_TEST

START_TEST(test_paging)
{
	struct db d = testdb_new("search");
	static const char *const given[] = {"一", "二", "三", "四", "五", "六", "七",
	                                    "八", "九", "十", "甲", "乙", "丙", "丁",
	                                    "戊", "己", "庚", "辛", "壬", "癸"};
	char name[32];
	for (size_t i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "单%s", given[i]);
		add(d.st, name, NULL, NULL, NULL);
		snprintf(name, sizeof name, "沈%s", given[i]);
		add(d.st, name, NULL, NULL, NULL);
	}
	static const char *const queries[] = {"单", "s", "d", ""};
	for (size_t k = 0; k < sizeof queries / sizeof queries[0]; k++) {
		struct hits *whole = find(d.st, queries[k], NULL, NULL, 64);
		struct hits *paged = find(d.st, queries[k], NULL, NULL, 3);
		ck_assert_uint_ge(whole->n, 20);
		assert_each_once(whole);
		assert_same(whole, paged);
		ck_assert_uint_ge(paged->pages, whole->n / 3);
		drop(whole);
		drop(paged);
	}

	/* deletions between pages: the record the last page ended on, and
	 * one further on; the rest still comes once each, in order */
	static const char *const again[] = {"s", "单"};
	for (size_t k = 0; k < sizeof again / sizeof again[0]; k++) {
		struct hits *whole = find(d.st, again[k], NULL, NULL, 64);
		ck_assert_uint_ge(whole->n, 12);
		struct search_query q = {.kind = REC_RESIDENT, .text = again[k]};
		struct search_pos pos = {0};
		struct hits *paged = calloc(1, sizeof *paged);
		ck_assert_ptr_nonnull(paged);
		one_page(d.st, &q, &pos, 3, paged);
		one_page(d.st, &q, &pos, 3, paged);
		ck_assert_uint_eq(paged->n, 6);
		rec_id last = paged->ids[5], later = whole->ids[9];
		del(d.st, &last);
		del(d.st, &later);
		while (!pos.done)
			one_page(d.st, &q, &pos, 3, paged);
		ck_assert_uint_eq(paged->n, whole->n - 1);
		for (size_t i = 0, j = 0; i < whole->n; i++) {
			if (rec_id_equal(&whole->ids[i], &later))
				continue;
			ck_assert_msg(rec_id_equal(&whole->ids[i], &paged->ids[j]), "hit %zu: %s vs %s", j,
			              whole->names[i], paged->names[j]);
			j++;
		}
		drop(whole);
		drop(paged);
	}
	testdb_free(&d);
}
END_TEST

/* The demo's residents, by initials a page at a time, against a scan. */
START_TEST(test_demo_paging)
{
	struct db d = testdb_new("search");
	ck_assert_int_eq(demo_fill(d.st, "visitor", 7, NULL), STORE_OK);
	static const char *const queries[] = {"z", "s", "d", "c", "w", "x", "zj", "q"};
	for (size_t k = 0; k < sizeof queries / sizeof queries[0]; k++) {
		struct hits *whole = find(d.st, queries[k], NULL, NULL, 64);
		struct hits *paged = find(d.st, queries[k], NULL, NULL, 3);
		ck_assert_uint_eq(whole->n, brute_pinyin(d.st, queries[k], NULL));
		assert_each_once(whole);
		assert_same(whole, paged);
		drop(whole);
		drop(paged);
	}
	testdb_free(&d);
}
END_TEST

static int
village_txn(store_txn *t, void *ctx)
{
	record *v;
	int err = orgunit_by_code(t, "510421100002", &v);
	if (!err) {
		rec_id_format(&v->id, ctx);
		record_free(v);
	}
	return err;
}

START_TEST(test_demo_village)
{
	struct db d = testdb_new("search");
	ck_assert_int_eq(demo_fill(d.st, "visitor", 7, NULL), STORE_OK);
	char vid[REC_ID_TEXTMAX];
	ck_assert_int_eq(store_read(d.st, village_txn, vid), STORE_OK);
	struct hits *h = find(d.st, "z", vid, NULL, 3);
	ck_assert_uint_eq(h->n, brute_pinyin(d.st, "z", vid));
	ck_assert_uint_gt(h->n, 0);
	ck_assert_uint_lt(h->n, brute_pinyin(d.st, "z", NULL));
	drop(h);
	testdb_free(&d);
}
END_TEST

/* The picker of a "reference village" field: units of one level only
 * (it offered the county and the townships too, issue 16). */
START_TEST(test_units_of_a_level)
{
	struct db d = testdb_new("search");
	ck_assert_int_eq(demo_fill(d.st, "visitor", 3, NULL), STORE_OK);
	struct search_query all = {.kind = REC_UNIT};
	struct search_query villages = {.kind = REC_UNIT, .level = "village"};
	struct hits *h = malloc(sizeof *h), *v = malloc(sizeof *v);
	ck_assert_ptr_nonnull(h);
	ck_assert_ptr_nonnull(v);
	search_all(d.st, &all, 5, h);
	search_all(d.st, &villages, 5, v);
	ck_assert_uint_gt(v->n, 0);
	ck_assert_uint_lt(v->n, h->n);
	ck_assert_uint_eq(count_name(v, "米易县"), 0);
	ck_assert_uint_eq(count_name(h, "米易县"), 1);
	ck_assert_uint_eq(count_name(v, "安宁村"), 1);
	/* digits find a unit by its division code (a unit has no ID
	 * number): the exchange screen's village list, typed into */
	struct search_query code = {.kind = REC_UNIT, .text = "510421100001", .level = "village"};
	struct hits *c = malloc(sizeof *c);
	ck_assert_ptr_nonnull(c);
	search_all(d.st, &code, 5, c);
	ck_assert_uint_eq(c->n, 1);
	ck_assert_uint_eq(count_name(c, "安宁村"), 1);
	drop(c);
	struct search_query prefix = {.kind = REC_UNIT, .text = "5104211000", .level = "village"};
	c = malloc(sizeof *c);
	ck_assert_ptr_nonnull(c);
	search_all(d.st, &prefix, 5, c);
	ck_assert_uint_ge(c->n, 2);     /* 安宁村, 挂榜村, 龙华社区: one township's */
	ck_assert_uint_eq(count_name(c, "安宁村"), 1);
	drop(c);
	drop(h);
	drop(v);
	testdb_free(&d);
}
END_TEST

static int
count_txn(store_txn *t, void *ctx)
{
	return store_count(t, REC_RESIDENT, ctx);
}

START_TEST(test_all_in_name_order)
{
	struct db d = testdb_new("search");
	ck_assert_int_eq(demo_fill(d.st, "visitor", 3, NULL), STORE_OK);
	add(d.st, "Bob", NULL, NULL, NULL);
	add(d.st, "alice", NULL, NULL, NULL);
	size_t total = 0;
	ck_assert_int_eq(store_read(d.st, count_txn, &total), STORE_OK);
	struct hits *h = find(d.st, NULL, NULL, NULL, 64);
	struct hits *paged = find(d.st, "", NULL, NULL, 5);
	ck_assert_uint_eq(h->n, total);
	assert_same(h, paged);
	/* pinyin order: a Latin letter just before the syllables it begins
	 * (alice before 阿 a, Bob after every a and before ba) */
	ck_assert_str_eq(h->names[0], "alice");
	bool bob = false;
	for (size_t i = 0; i < h->n; i++) {
		char k[IDX_KEYMAX], prev[IDX_KEYMAX] = "";
		pinyin_sort_key(h->names[i], true, k, sizeof k);
		if (i)
			pinyin_sort_key(h->names[i - 1], true, prev, sizeof prev);
		ck_assert_msg(strcmp(prev, k) <= 0, "%s before %s", h->names[i - 1], h->names[i]);
		char r[16];
		uint32_t cp = (unsigned char)h->names[i][0];
		if (cp >= 0x80)
			text_utf8_decode(h->names[i], strlen(h->names[i]), &cp);
		pinyin_reading_of(cp, true, r);
		if (strcmp(h->names[i], "Bob") == 0)
			bob = true;
		else if (cp >= 0x80)
			ck_assert_msg(bob == (r[0] != 'a'), "%s (%s) on the wrong side of Bob", h->names[i], r);
	}
	ck_assert(bob);
	drop(h);
	drop(paged);
	testdb_free(&d);
}
END_TEST

START_TEST(test_non_bmp)
{
	/* U+20000 𠀀 reads hē */
	ck_assert(pinyin_initials_mask(0x20000) & 1u << ('h' - 'a'));
	struct db d = testdb_new("search");
	add(d.st, "王𠀀", NULL, NULL, NULL);
	add(d.st, "王", NULL, NULL, NULL);
	add(d.st, "王海", NULL, NULL, NULL);
	struct hits *h = find(d.st, "王𠀀", NULL, NULL, 10);
	ck_assert_uint_eq(h->n, 1);
	ck_assert_str_eq(h->names[0], "王𠀀");
	drop(h);
	h = find(d.st, "wh", NULL, NULL, 10);
	ck_assert_uint_eq(h->n, 2);
	ck_assert_uint_eq(count_name(h, "王𠀀"), 1);
	ck_assert_uint_eq(count_name(h, "王海"), 1);
	drop(h);
	h = find(d.st, "王", NULL, NULL, 1);
	ck_assert_uint_eq(h->n, 3);
	drop(h);
	testdb_free(&d);
}
END_TEST

START_TEST(test_bad_args)
{
	struct db d = testdb_new("search");
	struct search_query q = {.kind = REC_RESIDENT, .text = "z"};
	struct search_pos pos = {0};
	record *out[1];
	size_t n = 5;
	ck_assert_int_eq(search_page(d.st, &q, &pos, out, 0, &n), STORE_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert(!pos.done);
	ck_assert_int_eq(search_page(d.st, &q, &pos, NULL, 1, &n), STORE_INVALID);
	ck_assert_int_eq(search_page(d.st, &q, &pos, out, 1, &n), STORE_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert(pos.done);
	testdb_free(&d);
}
END_TEST

/* Needs have no name: typed text finds them through their residents. */
struct need_add {
	rec_id who;
	const char *status;
};

static int
add_need_txn(store_txn *t, void *ctx)
{
	struct need_add *na = ctx;
	char idbuf[REC_ID_TEXTMAX];
	record *r = record_new(REC_NEED);
	record_set(r, "resident", rec_id_format(&na->who, idbuf));
	record_set(r, "date", "2026-03-15");
	record_set(r, "status", na->status);
	store_put(t, r);
	record_free(r);
	return store_txn_error(t);
}

START_TEST(test_needs_through_residents)
{
	struct db d = testdb_new("search");
	rec_id zsf = add(d.st, "张三丰", "11010519491231002X", NULL, NULL);
	rec_id ls = add(d.st, "李四", NULL, NULL, NULL);
	struct need_add n1 = {zsf, "open"}, n2 = {zsf, "met"}, n3 = {ls, "open"};
	ck_assert_int_eq(store_write(d.st, add_need_txn, &n1), STORE_OK);
	ck_assert_int_eq(store_write(d.st, add_need_txn, &n2), STORE_OK);
	ck_assert_int_eq(store_write(d.st, add_need_txn, &n3), STORE_OK);
	ck_assert(search_kind_is_dated(REC_NEED));
	ck_assert(!search_kind_is_dated(REC_RESIDENT));
	record *out[8];
	size_t n;
	struct search_query q = {.kind = REC_NEED, .text = "zsf"};
	ck_assert_int_eq(search_linked(d.st, &q, out, 8, &n), STORE_OK);
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < n; i++)
		record_free(out[i]);
	q.status = "met";
	ck_assert_int_eq(search_linked(d.st, &q, out, 8, &n), STORE_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(record_get(out[0], "status"), "met");
	record_free(out[0]);
	q = (struct search_query){.kind = REC_NEED, .text = "1101051949"};  /* by ID number */
	ck_assert_int_eq(search_linked(d.st, &q, out, 8, &n), STORE_OK);
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < n; i++)
		record_free(out[i]);
	q = (struct search_query){.kind = REC_NEED, .text = "李"};
	ck_assert_int_eq(search_linked(d.st, &q, out, 1, &n), STORE_OK);
	ck_assert_uint_eq(n, 1);
	record_free(out[0]);
	q = (struct search_query){.kind = REC_NEED, .text = "王"};
	ck_assert_int_eq(search_linked(d.st, &q, out, 8, &n), STORE_OK);
	ck_assert_uint_eq(n, 0);
	testdb_free(&d);
}
END_TEST

/* Residents of some categories (any of them), for a visit round: the
 * filter on a multiple-choice field, alone and with the others. */
START_TEST(test_any_of)
{
	ck_assert(search_value_has_any("dibao,elder_alone", "elder_alone"));
	ck_assert(search_value_has_any("dibao,elder_alone", "left_behind,dibao"));
	ck_assert(!search_value_has_any("dibao_edge", "dibao"));
	ck_assert(!search_value_has_any("dibao", "dibao_edge,tekun"));
	ck_assert(!search_value_has_any(NULL, "dibao"));
	ck_assert(!search_value_has_any("", "dibao"));
	ck_assert(search_value_has_any(NULL, NULL));
	ck_assert(search_value_has_any("x", ""));

	struct db d = testdb_new("search");
	static const struct {
		const char *name, *cats, *status;
	} people[] = {
		{"吴大爷", "elder_alone", "active"},  {"于小红", "left_behind,dibao", "active"},
		{"何平", "dibao", "active"},          {"刘奶奶", "elder_alone,disabled", "moved"},
		{"区明", "", "active"},               {"阿依", "dibao_edge", "active"},
	};
	for (size_t i = 0; i < NELEM(people); i++) {
		rec_id id = add(d.st, people[i].name, NULL, NULL, people[i].status);
		record *r;
		ck_assert_int_eq(search_get(d.st, &id, &r), STORE_OK);
		record_set(r, "categories", people[i].cats);
		ck_assert_int_eq(store_save(d.st, r), STORE_OK);
		record_free(r);
	}
	struct search_query q = {.kind = REC_RESIDENT, .field = "categories",
	                         .any_of = "elder_alone,left_behind"};
	struct hits h;
	search_all(d.st, &q, 2, &h);
	/* in pinyin order: liu, wu, yu */
	ck_assert_uint_eq(h.n, 3);
	ck_assert_str_eq(h.names[0], "刘奶奶");
	ck_assert_str_eq(h.names[1], "吴大爷");
	ck_assert_str_eq(h.names[2], "于小红");
	hits_free(&h);
	q.status = "active";
	search_all(d.st, &q, 10, &h);
	ck_assert_uint_eq(h.n, 2);
	hits_free(&h);
	q = (struct search_query){.kind = REC_RESIDENT, .field = "categories", .any_of = "dibao"};
	search_all(d.st, &q, 10, &h);
	ck_assert_uint_eq(h.n, 2);   /* not 阿依, near the line only */
	ck_assert_str_eq(h.names[0], "何平");
	ck_assert_str_eq(h.names[1], "于小红");
	hits_free(&h);
	/* typed and filtered: the pinyin initials of those in the categories */
	q = (struct search_query){.kind = REC_RESIDENT, .text = "wd", .field = "categories",
	                          .any_of = "elder_alone,dibao"};
	search_all(d.st, &q, 10, &h);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(h.names[0], "吴大爷");
	hits_free(&h);
	testdb_free(&d);
}
END_TEST

/* Every name in pinyin order, page by page, and a typed name's prefix
 * too: 何 he, 刘 liu, 区 ou (a surname), 吴 wu, 于 yu, not by code. */
START_TEST(test_pinyin_order)
{
	struct db d = testdb_new("search");
	static const char *const order[] = {"何平", "李明", "林芳", "刘国华", "区小明",
	                                    "单志刚", "吴芳", "于海", "张三", "张三丰", "张思"};
	for (size_t i = NELEM(order); i-- > 0;)
		add(d.st, order[i], NULL, NULL, NULL);
	struct hits *h = find(d.st, NULL, NULL, NULL, 3);
	ck_assert_uint_eq(h->n, NELEM(order));
	for (size_t i = 0; i < NELEM(order); i++)
		ck_assert_str_eq(h->names[i], order[i]);
	drop(h);
	h = find(d.st, "张", NULL, NULL, 2);
	ck_assert_uint_eq(h->n, 3);
	ck_assert_str_eq(h->names[0], "张三");
	ck_assert_str_eq(h->names[1], "张三丰");
	ck_assert_str_eq(h->names[2], "张思");
	drop(h);
	testdb_free(&d);
}
END_TEST

/* A database made before the sort index: read alone, lists still find
 * everyone (by the old name index); the first writer adds the entries. */
static void
make_old(const char *dir)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi idx, meta;
	ck_assert_int_eq(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, 16);
	ck_assert_int_eq(mdb_env_open(env, dir, 0, 0600), 0);
	ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, "idx", MDB_DUPSORT, &idx), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, "meta", 0, &meta), 0);
	unsigned char first = IDX_SORT;
	MDB_val k = {1, &first}, v;
	MDB_cursor *c;
	ck_assert_int_eq(mdb_cursor_open(txn, idx, &c), 0);
	size_t gone = 0;
	for (int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	     rc == 0 && ((unsigned char *)k.mv_data)[0] == IDX_SORT;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		ck_assert_int_eq(mdb_cursor_del(c, 0), 0);
		gone++;
	}
	ck_assert_uint_gt(gone, 0);
	mdb_cursor_close(c);
	MDB_val name = {6, "idxver"};
	ck_assert_int_eq(mdb_del(txn, meta, &name, NULL), 0);
	ck_assert_int_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

START_TEST(test_old_database)
{
	struct db d = testdb_new("search");
	add(d.st, "于海", NULL, NULL, NULL);
	add(d.st, "何平", NULL, NULL, NULL);
	ck_assert_uint_eq(store_index_version(d.st), INDEX_VERSION);
	store_close(d.st);
	make_old(d.dir);
	store *st;
	ck_assert_int_eq(store_open(&st, d.dir, STORE_RDONLY), STORE_OK);
	ck_assert_uint_eq(store_index_version(st), 1);
	struct hits *h = find(st, NULL, NULL, NULL, 5);
	ck_assert_uint_eq(h->n, 2);   /* in code order: 于 before 何 */
	ck_assert_str_eq(h->names[0], "于海");
	drop(h);
	h = find(st, "何", NULL, NULL, 5);
	ck_assert_uint_eq(h->n, 1);
	drop(h);
	size_t faults;
	ck_assert_int_eq(store_verify(st, false, &faults, NULL, NULL), STORE_OK);
	ck_assert_uint_eq(faults, 0);  /* no sort entries are owed yet (an old backup) */
	store_close(st);
	ck_assert_int_eq(store_open(&st, d.dir, 0), STORE_OK);
	ck_assert_uint_eq(store_index_version(st), INDEX_VERSION);
	ck_assert_int_eq(store_verify(st, false, &faults, NULL, NULL), STORE_OK);
	ck_assert_uint_eq(faults, 0);
	h = find(st, NULL, NULL, NULL, 5);
	ck_assert_uint_eq(h->n, 2);
	ck_assert_str_eq(h->names[0], "何平");
	ck_assert_str_eq(h->names[1], "于海");
	drop(h);
	d.st = st;
	testdb_free(&d);
}
END_TEST

/* Typing in the services list finds the people served and the words of
 * what was done (院坝), once each, with the function filter. */
static int
add_service_txn(store_txn *t, void *ctx)
{
	const char *const *v = ctx;  /* resident id, function, content, date */
	record *r = record_new(REC_SERVICE);
	record_set(r, "beneficiaries", v[0]);
	record_set(r, "function", v[1]);
	record_set(r, "content", v[2]);
	record_set(r, "date", v[3]);
	store_put(t, r);
	record_free(r);
	return store_txn_error(t);
}

START_TEST(test_content)
{
	struct db d = testdb_new("search");
	rec_id who = add(d.st, "院大妈", NULL, NULL, NULL);
	char idt[REC_ID_TEXTMAX];
	rec_id_format(&who, idt);
	const char *s1[] = {idt, "care", "上门探访，聊家常", "2026-03-01"};
	const char *s2[] = {"", "governance", "院坝会议：商量修路", "2026-03-02"};
	const char *s3[] = {"", "care", "院坝里教老人用手机", "2026-03-03"};
	const char *s4[] = {"", "care", "送米送油", "2026-03-04"};
	const char *const *all[] = {s1, s2, s3, s4};
	for (size_t i = 0; i < NELEM(all); i++)
		ck_assert_int_eq(store_write(d.st, add_service_txn, (void *)all[i]), STORE_OK);
	record *out[8];
	size_t n;
	struct search_query q = {.kind = REC_SERVICE, .text = "院坝", .content_fields = "content,outcome"};
	ck_assert_int_eq(search_linked(d.st, &q, out, 8, &n), STORE_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(record_get(out[0], "date"), "2026-03-02");
	ck_assert_str_eq(record_get(out[1], "date"), "2026-03-03");
	for (size_t i = 0; i < n; i++)
		record_free(out[i]);
	q.field = "function";
	q.any_of = "care";
	ck_assert_int_eq(search_linked(d.st, &q, out, 8, &n), STORE_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(record_get(out[0], "date"), "2026-03-03");
	record_free(out[0]);
	/* "院" names the resident and is in two contents: three, each once */
	q = (struct search_query){.kind = REC_SERVICE, .text = "院", .content_fields = "content"};
	ck_assert_int_eq(search_linked(d.st, &q, out, 8, &n), STORE_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(record_get(out[0], "date"), "2026-03-01");  /* through the resident */
	for (size_t i = 0; i < n; i++)
		record_free(out[i]);
	/* at most max */
	ck_assert_int_eq(search_linked(d.st, &q, out, 2, &n), STORE_OK);
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < n; i++)
		record_free(out[i]);
	/* without content fields, or typed as pinyin: through residents alone */
	q.content_fields = NULL;
	ck_assert_int_eq(search_linked(d.st, &q, out, 8, &n), STORE_OK);
	ck_assert_uint_eq(n, 1);
	record_free(out[0]);
	q = (struct search_query){.kind = REC_SERVICE, .text = "ydm", .content_fields = "content"};
	ck_assert_int_eq(search_linked(d.st, &q, out, 8, &n), STORE_OK);
	ck_assert_uint_eq(n, 1);
	record_free(out[0]);
	/* the function filter alone, nothing typed, in the list's order */
	struct search_query fq = {.kind = REC_SERVICE, .field = "function", .any_of = "care"};
	struct search_pos pos = {0};
	ck_assert_int_eq(search_page(d.st, &fq, &pos, out, 8, &n), STORE_OK);
	ck_assert_uint_eq(n, 3);
	for (size_t i = 0; i < n; i++) {
		ck_assert_str_eq(record_get(out[i], "function"), "care");
		record_free(out[i]);
	}
	testdb_free(&d);
}
END_TEST

/* One record by id: found, gone, and nothing handed back on a miss. */
START_TEST(test_get)
{
	struct db d = testdb_new("search");
	rec_id zs = add(d.st, "张三", NULL, NULL, NULL);
	record *r = (record *)1;
	ck_assert_int_eq(search_get(d.st, &zs, &r), STORE_OK);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(record_get(r, "name"), "张三");
	ck_assert(rec_id_equal(&r->id, &zs));
	record_free(r);
	del(d.st, &zs);
	r = (record *)1;
	ck_assert_int_eq(search_get(d.st, &zs, &r), STORE_NOTFOUND);
	ck_assert_ptr_null(r);
	testdb_free(&d);
}
END_TEST

static Suite *
search_suite(void)
{
	Suite *s = suite_create("search");
	TCase *tc = tcase_create("search");
	tcase_add_test(tc, test_classify);
	tcase_add_test(tc, test_get);
	tcase_add_test(tc, test_name_prefix);
	tcase_add_test(tc, test_pinyin);
	tcase_add_test(tc, test_polyphonic_once);
	tcase_add_test(tc, test_idnum);
	tcase_add_test(tc, test_latin_names);
	tcase_add_test(tc, test_filters);
	tcase_add_test(tc, test_paging);
	tcase_add_test(tc, test_non_bmp);
	tcase_add_test(tc, test_bad_args);
	suite_add_tcase(s, tc);
	tc = tcase_create("demo");
	tcase_add_test(tc, test_demo_paging);
	tcase_add_test(tc, test_demo_village);
	tcase_add_test(tc, test_units_of_a_level);
	tcase_add_test(tc, test_all_in_name_order);
	tcase_add_test(tc, test_needs_through_residents);
	tcase_add_test(tc, test_any_of);
	tcase_add_test(tc, test_pinyin_order);
	tcase_add_test(tc, test_old_database);
	tcase_add_test(tc, test_content);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(search_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
