/* check-pinyin.c: unit tests of pinyin initials: the Unihan table, every
 * reading of a polyphonic character, mixed text, prefix search, the cap. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "pinyin.h"
#include "util.h"
/* Included here too, to check the lookup against every entry. */
#include "pinyin-table.h"

#define BIT(c) (UINT32_C(1) << ((c) - 'a'))

/* --- helpers ---------------------------------------------------------- */

#define MAXV 64

struct variants {
	size_t n;
	char v[MAXV][PINYIN_MAXLEN + 1];
};

static int
collect(const char *initials, void *ctx)
{
	struct variants *vs = ctx;
	ck_assert_uint_le(strlen(initials), PINYIN_MAXLEN);
	ck_assert_uint_lt(vs->n, MAXV);
	strcpy(vs->v[vs->n++], initials);
	return 0;
}

static struct variants
each(const char *s, size_t max)
{
	struct variants vs = {0};
	ck_assert_int_eq(pinyin_each(s, max, collect, &vs), 0);
	return vs;
}

/* The variants of s, in the order produced, joined by spaces into buf. */
#define JOINED (MAXV * (PINYIN_MAXLEN + 1) + 1)
static char *
joined(char buf[JOINED], const char *s, size_t max)
{
	struct variants vs = each(s, max);
	buf[0] = '\0';
	for (size_t i = 0; i < vs.n; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, vs.v[i]);
	}
	return buf;
}

/* --- the table -------------------------------------------------------- */

START_TEST(test_table_lookup_every_entry)
{
	size_t n = sizeof pinyin_table / sizeof pinyin_table[0];
	ck_assert_uint_gt(n, 40000);
	for (size_t i = 0; i < n; i++) {
		uint32_t cp = pinyin_table[i].cp;
		if (i)
			ck_assert_uint_gt(cp, pinyin_table[i - 1].cp);
		ck_assert_uint_ne(pinyin_table[i].mask, 0);
		ck_assert_uint_lt(pinyin_table[i].mask, UINT32_C(1) << 26);
		ck_assert_uint_eq(pinyin_initials_mask(cp), pinyin_table[i].mask);
		/* a gap between entries has no initials */
		if (i + 1 < n && pinyin_table[i + 1].cp > cp + 1)
			ck_assert_uint_eq(pinyin_initials_mask(cp + 1), 0);
	}
}
END_TEST

START_TEST(test_mask_common)
{
	ck_assert_uint_eq(pinyin_initials_mask(0x5F20), BIT('z'));  /* 张 zhāng */
	ck_assert_uint_eq(pinyin_initials_mask(0x4E09), BIT('s'));  /* 三 */
	ck_assert_uint_eq(pinyin_initials_mask(0x4E30), BIT('f'));  /* 丰 */
	ck_assert_uint_eq(pinyin_initials_mask(0x674E), BIT('l'));  /* 李 */
	ck_assert_uint_eq(pinyin_initials_mask(0x6734), BIT('p'));  /* 朴 pǔ/piáo */
}
END_TEST

START_TEST(test_mask_polyphonic)
{
	/* 单 dān/shàn/chán */
	ck_assert_uint_eq(pinyin_initials_mask(0x5355), BIT('c') | BIT('d') | BIT('s'));
	/* 曾 zēng/céng */
	ck_assert_uint_eq(pinyin_initials_mask(0x66FE), BIT('c') | BIT('z'));
	/* 长 cháng/zhǎng */
	ck_assert_uint_eq(pinyin_initials_mask(0x957F), BIT('c') | BIT('z'));
	/* 解 jiě/xiè */
	ck_assert_uint_eq(pinyin_initials_mask(0x89E3), BIT('j') | BIT('x'));
	/* 区 qū/ōu */
	ck_assert_uint_eq(pinyin_initials_mask(0x533A), BIT('o') | BIT('q'));
	/* 仇 chóu/qiú (and jū in kHanyuPinyin) */
	uint32_t qiu = pinyin_initials_mask(0x4EC7);
	ck_assert_uint_eq(qiu & (BIT('c') | BIT('q')), BIT('c') | BIT('q'));
}
END_TEST

START_TEST(test_mask_supplementary)
{
	ck_assert_uint_eq(pinyin_initials_mask(0x20000), BIT('h'));  /* 𠀀 hē, Ext B */
	ck_assert_uint_eq(pinyin_initials_mask(0x2B5AE), BIT('y'));  /* 𫖮 yǐ, Ext C */
	ck_assert_uint_eq(pinyin_initials_mask(0x2CB2D), BIT('l'));  /* 𬬭 lún, Ext E */
	/* 𠈌 has only a Cantonese reading in Unihan 15.0 */
	ck_assert_uint_eq(pinyin_initials_mask(0x2020C), 0);
}
END_TEST

START_TEST(test_mask_none)
{
	ck_assert_uint_eq(pinyin_initials_mask('a'), 0);
	ck_assert_uint_eq(pinyin_initials_mask(0x3002), 0);  /* 。 */
	ck_assert_uint_eq(pinyin_initials_mask(0xAC00), 0);  /* 가 */
	ck_assert_uint_eq(pinyin_initials_mask(0), 0);
	ck_assert_uint_eq(pinyin_initials_mask(0x10FFFF), 0);
	ck_assert_uint_eq(pinyin_initials_mask(UINT32_MAX), 0);
}
END_TEST

/* --- pinyin_each ------------------------------------------------------ */

START_TEST(test_each_names)
{
	char b[JOINED];
	ck_assert_str_eq(joined(b, "张三丰", 16), "zsf");
	ck_assert_str_eq(joined(b, "李四", 16), "ls");
	/* 王 is also read yù in kHanyuPinyin */
	ck_assert_str_eq(joined(b, "王小明", 16), "wxm yxm");
}
END_TEST

START_TEST(test_each_polyphonic)
{
	char b[JOINED];
	ck_assert_str_eq(joined(b, "单", 16), "c d s");
	ck_assert_str_eq(joined(b, "单志刚", 16), "czg dzg szg");
	ck_assert_str_eq(joined(b, "曾", 16), "c z");
	ck_assert_str_eq(joined(b, "长", 16), "c z");
	/* the first character turns fastest */
	ck_assert_str_eq(joined(b, "曾长", 16), "cc zc cz zz");
}
END_TEST

START_TEST(test_each_supplementary)
{
	char b[JOINED];
	ck_assert_str_eq(joined(b, "陈𫖮", 16), "cy");
	ck_assert_str_eq(joined(b, "𠀀李", 16), "hl");
	/* no Mandarin reading: skipped, not a hole */
	ck_assert_str_eq(joined(b, "李𠈌四", 16), "ls");
}
END_TEST

START_TEST(test_each_mixed)
{
	char b[JOINED];
	/* 号 háo/hào/xiāo */
	ck_assert_str_eq(joined(b, "张San 3号", 16), "zsan3h zsan3x");
	ck_assert_str_eq(joined(b, "阿依·木沙", 1), "ayms");
	ck_assert_str_eq(joined(b, "A-12", 16), "a12");
	/* invalid bytes are skipped */
	ck_assert_str_eq(joined(b, "\xff张\xe5\xbc", 16), "z");
}
END_TEST

START_TEST(test_each_empty)
{
	/* nothing with initials: the one, empty, initials string */
	struct variants vs = each("，。!", 16);
	ck_assert_uint_eq(vs.n, 1);
	ck_assert_str_eq(vs.v[0], "");
	vs = each("", 16);
	ck_assert_uint_eq(vs.n, 1);
	ck_assert_str_eq(vs.v[0], "");
}
END_TEST

START_TEST(test_each_cap)
{
	/* 单单单 has 27 variants */
	struct variants vs = each("单单单", 100);
	ck_assert_uint_eq(vs.n, 27);
	for (size_t i = 0; i < vs.n; i++)
		for (size_t j = i + 1; j < vs.n; j++)
			ck_assert_str_ne(vs.v[i], vs.v[j]);

	vs = each("单单单", 5);
	ck_assert_uint_eq(vs.n, 5);
	ck_assert_str_eq(vs.v[0], "ccc");
	ck_assert_str_eq(vs.v[1], "dcc");
	ck_assert_str_eq(vs.v[2], "scc");
	ck_assert_str_eq(vs.v[3], "cdc");
	ck_assert_str_eq(vs.v[4], "ddc");

	ck_assert_uint_eq(each("单单单", 0).n, 0);
	ck_assert_uint_eq(each("张三丰", 0).n, 0);
	ck_assert_uint_eq(each("张三丰", 1).n, 1);
}
END_TEST

START_TEST(test_each_truncates)
{
	char b[JOINED];
	char s[3 * 70 + 64 + 8] = "";
	char want[PINYIN_MAXLEN + 1];

	for (int i = 0; i < 70; i++)
		strcat(s, "张");
	memset(want, 'z', PINYIN_MAXLEN);
	want[PINYIN_MAXLEN] = '\0';
	ck_assert_str_eq(joined(b, s, 16), want);

	/* a polyphonic character past the limit must not double a variant */
	memset(s, 'a', PINYIN_MAXLEN);
	strcpy(s + PINYIN_MAXLEN, "单");
	memset(want, 'a', PINYIN_MAXLEN);
	ck_assert_str_eq(joined(b, s, 16), want);
}
END_TEST

static int
stop_at_second(const char *initials, void *ctx)
{
	int *calls = ctx;
	(void)initials;
	return ++*calls == 2 ? 42 : 0;
}

START_TEST(test_each_stops)
{
	int calls = 0;
	ck_assert_int_eq(pinyin_each("单", 16, stop_at_second, &calls), 42);
	ck_assert_int_eq(calls, 2);
}
END_TEST

/* --- pinyin_matches_prefix -------------------------------------------- */

START_TEST(test_prefix_true)
{
	ck_assert(pinyin_matches_prefix("张三丰", "zsf"));
	ck_assert(pinyin_matches_prefix("张三丰", "zs"));
	ck_assert(pinyin_matches_prefix("张三丰", "z"));
	ck_assert(pinyin_matches_prefix("张三丰", ""));
	ck_assert(pinyin_matches_prefix("单志刚", "szg"));
	ck_assert(pinyin_matches_prefix("单志刚", "dz"));
	ck_assert(pinyin_matches_prefix("单志刚", "c"));
	ck_assert(pinyin_matches_prefix("曾长", "zc"));
	ck_assert(pinyin_matches_prefix("曾长", "cz"));
	ck_assert(pinyin_matches_prefix("陈𫖮", "cy"));
	ck_assert(pinyin_matches_prefix("张San 3号", "zsan3x"));
}
END_TEST

START_TEST(test_prefix_false)
{
	ck_assert(!pinyin_matches_prefix("张三丰", "zsfx"));
	ck_assert(!pinyin_matches_prefix("张三丰", "sf"));
	ck_assert(!pinyin_matches_prefix("张三丰", "zhang"));
	ck_assert(!pinyin_matches_prefix("单志刚", "xzg"));
	ck_assert(!pinyin_matches_prefix("长", "x"));
	ck_assert(!pinyin_matches_prefix("李𠈌四", "lx"));
	ck_assert(!pinyin_matches_prefix("", "a"));
	ck_assert(!pinyin_matches_prefix("张三", "z s"));
}
END_TEST

START_TEST(test_prefix_beyond_cap)
{
	/* the prefix test covers every variant, not only the first 16 */
	const char *s = "单单单单";  /* 81 variants */
	ck_assert_uint_eq(each(s, 16).n, 16);
	ck_assert(pinyin_matches_prefix(s, "sssd"));
}
END_TEST

/* --- sorting ---------------------------------------------------------- */

static int
by_key(const void *a, const void *b)
{
	char x[512], y[512];
	pinyin_sort_key(*(const char *const *)a, true, x, sizeof x);
	pinyin_sort_key(*(const char *const *)b, true, y, sizeof y);
	return strcmp(x, y);
}

/* The names the issue lists, in the order a Chinese list has them. */
START_TEST(test_sort_order)
{
	static const char *const want[] = {
		"alice", "阿依·木呷", "Bob", "丁一", "何平", "李明", "林芳", "刘国华",
		"罗军", "区小明", "单志刚", "王𠀀", "吴芳", "于海", "曾强", "张三", "张三丰",
	};
	const char *got[NELEM(want)];
	for (size_t i = 0; i < NELEM(want); i++)
		got[i] = want[NELEM(want) - 1 - i];
	qsort(got, NELEM(got), sizeof *got, by_key);
	for (size_t i = 0; i < NELEM(want); i++)
		ck_assert_msg(strcmp(got[i], want[i]) == 0, "place %zu: %s, not %s", i, got[i], want[i]);
}
END_TEST

/* Tone orders homophones' syllables, then the code point: keys differ. */
START_TEST(test_sort_tones)
{
	char a[64], b[64], r[16];
	ck_assert_str_eq(pinyin_reading_of(0x5218, false, r), "liu2");   /* 刘 */
	ck_assert_str_eq(pinyin_reading_of(0x674E, false, r), "li3");    /* 李 */
	ck_assert_str_eq(pinyin_reading_of(0x5355, false, r), "dan1");   /* 单 */
	ck_assert_str_eq(pinyin_reading_of(0x5355, true, r), "shan4");   /* 单, the surname */
	ck_assert_str_eq(pinyin_reading_of(0x533A, true, r), "ou1");     /* 区, the surname */
	ck_assert_str_eq(pinyin_reading_of(0x7EFF, false, r), "lv4");    /* 绿: u-umlaut */
	ck_assert_str_eq(pinyin_reading_of('a', false, r), "");
	pinyin_sort_key("妈", false, a, sizeof a);   /* ma1 */
	pinyin_sort_key("马", false, b, sizeof b);   /* ma3 */
	ck_assert_str_lt(a, b);
	pinyin_sort_key("刘", false, a, sizeof a);
	pinyin_sort_key("流", false, b, sizeof b);   /* both liu2: by code */
	ck_assert_str_ne(a, b);
	ck_assert_uint_eq(strlen(a), PINYIN_SORT_CHAR);
}
END_TEST

/* The key of a prefix is the prefix of the key (a typed name finds by
 * it); punctuation gives nothing; a small buffer takes whole characters;
 * the surname reading is the first character's alone. */
START_TEST(test_sort_prefix)
{
	char whole[128], part[128];
	size_t n = pinyin_sort_key("张三丰", true, whole, sizeof whole);
	ck_assert_uint_eq(n, 3 * PINYIN_SORT_CHAR);
	pinyin_sort_key("张三", true, part, sizeof part);
	ck_assert(strncmp(whole, part, strlen(part)) == 0);
	pinyin_sort_key("张·三", true, part, sizeof part);
	ck_assert(strncmp(whole, part, strlen(part)) == 0);
	ck_assert_uint_eq(pinyin_sort_key("·　 ", true, part, sizeof part), 0);
	ck_assert_str_eq(part, "");
	ck_assert_uint_eq(pinyin_sort_key("张三丰", true, part, 2 * PINYIN_SORT_CHAR + 5),
	                  2 * PINYIN_SORT_CHAR);
	ck_assert_uint_eq(pinyin_sort_key("张三丰", true, part, 0), 0);
	/* 单 in the second place is dan, as a word is read */
	char a[64], b[64];
	pinyin_sort_key("单单", true, a, sizeof a);
	pinyin_sort_key("单", false, b, sizeof b);
	ck_assert(strncmp(a + PINYIN_SORT_CHAR, b, PINYIN_SORT_CHAR) == 0);
	ck_assert(strncmp(a, b, PINYIN_SORT_CHAR) != 0);
	/* Latin letters sort alike in either case */
	pinyin_sort_key("BOB", true, a, sizeof a);
	pinyin_sort_key("bob", true, b, sizeof b);
	ck_assert_str_eq(a, b);
}
END_TEST

/* --- pinyin_first_variant --------------------------------------------- */

/* The answer made the long way: every variant pinyin_each gives, the
 * smallest that begins with prefix. */
static bool
first_by_each(const char *s, const char *prefix, size_t max, char out[PINYIN_MAXLEN + 1])
{
	struct variants vs = each(s, max);
	bool found = false;
	for (size_t i = 0; i < vs.n; i++)
		if (strncmp(vs.v[i], prefix, strlen(prefix)) == 0 && (!found || strcmp(vs.v[i], out) < 0)) {
			strcpy(out, vs.v[i]);
			found = true;
		}
	return found;
}

/* The same answer as every variant made and compared, for every prefix of
 * every variant and prefixes no variant has, with and without the cap
 * biting, digits, Latin letters and characters outside the BMP. */
START_TEST(test_first_variant)
{
	static const char *const names[] = {
		"王建国", "单志刚", "曾乐", "长行重", "单单单单单", "𠮷秀", "Ali王", "张3丰",
		"区乐单曾长", "", "···", "bob", "行行行行行行",
	};
	static const char *const other[] = {"", "q", "zz9", "w", "3", "a1", "wjgx"};
	static const size_t caps[] = {1, 4, 16, 64};
	int checked = 0;
	for (size_t c = 0; c < sizeof caps / sizeof *caps; c++)
		for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
			struct variants vs = each(names[i], MAXV);
			char prefixes[MAXV * 4 + 8][PINYIN_MAXLEN + 1];
			size_t np = 0;
			for (size_t v = 0; v < vs.n; v++)
				for (size_t l = 0; l <= strlen(vs.v[v]) && l < 4; l++) {
					memcpy(prefixes[np], vs.v[v], l);
					prefixes[np++][l] = '\0';
				}
			for (size_t o = 0; o < sizeof other / sizeof *other; o++)
				strcpy(prefixes[np++], other[o]);
			for (size_t k = 0; k < np; k++) {
				char want[PINYIN_MAXLEN + 1] = "", got[PINYIN_MAXLEN + 1] = "";
				bool w = first_by_each(names[i], prefixes[k], caps[c], want);
				bool g = pinyin_first_variant(names[i], prefixes[k], caps[c], got);
				ck_assert_msg(w == g, "%s / %s / %zu: %d, want %d", names[i], prefixes[k],
				              caps[c], g, w);
				if (w)
					ck_assert_str_eq(got, want);
				checked += w;
			}
		}
	ck_assert_int_gt(checked, 100);
	/* plainly: 单志刚 reads c, d or s first; "s" finds szg, "" the smallest */
	char out[PINYIN_MAXLEN + 1];
	ck_assert(pinyin_first_variant("单志刚", "s", 16, out));
	ck_assert_str_eq(out, "szg");
	ck_assert(pinyin_first_variant("单志刚", "", 16, out));
	ck_assert_str_eq(out, "czg");
	ck_assert(!pinyin_first_variant("单志刚", "w", 16, out));
}
END_TEST

static Suite *
pinyin_suite(void)
{
	Suite *s = suite_create("pinyin");
	TCase *tc = tcase_create("table");
	tcase_add_test(tc, test_table_lookup_every_entry);
	tcase_add_test(tc, test_mask_common);
	tcase_add_test(tc, test_mask_polyphonic);
	tcase_add_test(tc, test_mask_supplementary);
	tcase_add_test(tc, test_mask_none);
	suite_add_tcase(s, tc);

	tc = tcase_create("each");
	tcase_add_test(tc, test_each_names);
	tcase_add_test(tc, test_each_polyphonic);
	tcase_add_test(tc, test_each_supplementary);
	tcase_add_test(tc, test_each_mixed);
	tcase_add_test(tc, test_each_empty);
	tcase_add_test(tc, test_each_cap);
	tcase_add_test(tc, test_first_variant);
	tcase_add_test(tc, test_each_truncates);
	tcase_add_test(tc, test_each_stops);
	suite_add_tcase(s, tc);

	tc = tcase_create("prefix");
	tcase_add_test(tc, test_prefix_true);
	tcase_add_test(tc, test_prefix_false);
	tcase_add_test(tc, test_prefix_beyond_cap);
	suite_add_tcase(s, tc);

	tc = tcase_create("sort");
	tcase_add_test(tc, test_sort_order);
	tcase_add_test(tc, test_sort_tones);
	tcase_add_test(tc, test_sort_prefix);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pinyin_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
