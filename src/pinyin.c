/* pinyin.c: the pinyin initials of a name, every reading of every
 * character, so that a worker typing "zsf" or "szg" finds 张三丰 or 单志刚. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pinyin.h"
#include "pinyin-reading.h"
#include "pinyin-table.h"
#include "text.h"
#include "util.h"

#define NTABLE (NELEM(pinyin_table))
_Static_assert(NELEM(pinyin_reading) == NELEM(pinyin_table),
               "pinyin-reading.h and pinyin-table.h come from different Unihan files");

uint32_t
pinyin_initials_mask(uint32_t cp)
{
	size_t lo = 0, hi = NTABLE;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pinyin_table[mid].cp < cp)
			lo = mid + 1;
		else if (pinyin_table[mid].cp > cp)
			hi = mid;
		else
			return pinyin_table[mid].mask;
	}
	return 0;
}

/* One position of an initials string is the set of bytes it may hold:
 * bits 0-25 the letters a-z, bits 26-35 the digits 0-9.  Letters and
 * digits share one set so that a Han character, an ASCII letter and a
 * digit are walked the same way. */
#define SET_DIGIT0 26
#define SET_BITS 36

static uint64_t
ascii_set(uint32_t c)
{
	if (c >= 'a' && c <= 'z')
		return UINT64_C(1) << (c - 'a');
	if (c >= 'A' && c <= 'Z')
		return UINT64_C(1) << (c - 'A');
	if (c >= '0' && c <= '9')
		return UINT64_C(1) << (SET_DIGIT0 + c - '0');
	return 0;
}

static uint64_t
char_set(uint32_t cp)
{
	return cp < 0x80 ? ascii_set(cp) : pinyin_initials_mask(cp);
}

static char
set_char(unsigned bit)
{
	return bit < SET_DIGIT0 ? (char)('a' + bit) : (char)('0' + bit - SET_DIGIT0);
}

/* The position sets of s, at most PINYIN_MAXLEN of them: a longer name is
 * cut there, before the product is taken, so that cutting can never make
 * two variants equal. */
static size_t
positions(const char *s, uint64_t sets[PINYIN_MAXLEN])
{
	size_t len = strlen(s), i = 0, n = 0;

	while (i < len && n < PINYIN_MAXLEN) {
		uint32_t cp;
		i += text_utf8_decode(s + i, len - i, &cp);
		uint64_t set = char_set(cp);
		if (set)
			sets[n++] = set;
	}
	return n;
}

/* Text with no initials at all gives one empty string, the product of no
 * sets, so that matching "" stays true for every text (index.c does not
 * index it).  A character's letters come in alphabetical order: the table
 * keeps which initials a character has, not which reading is commonest. */
int
pinyin_each(const char *s, size_t max_variants,
            int (*fn)(const char *initials, void *ctx), void *ctx)
{
	uint64_t sets[PINYIN_MAXLEN];
	char cand[PINYIN_MAXLEN][SET_BITS];  /* each position's bytes */
	unsigned ncand[PINYIN_MAXLEN];
	unsigned pick[PINYIN_MAXLEN];        /* the odometer */
	char out[PINYIN_MAXLEN + 1];
	size_t n = positions(s, sets);

	for (size_t j = 0; j < n; j++) {
		ncand[j] = 0;
		for (unsigned b = 0; b < SET_BITS; b++)
			if (sets[j] >> b & 1)
				cand[j][ncand[j]++] = set_char(b);
		pick[j] = 0;
	}
	/* The first character turns fastest, so that when the cap bites it is
	 * the later characters' alternatives that are lost: a search types
	 * the surname first, and 单 must be found by d, s and c alike.  Each
	 * position holds distinct bytes, so the variants are distinct without
	 * a separate deduplication pass. */
	for (size_t made = 0; made < max_variants; made++) {
		for (size_t j = 0; j < n; j++)
			out[j] = cand[j][pick[j]];
		out[n] = '\0';
		int rc = fn(out, ctx);
		if (rc)
			return rc;
		size_t j = 0;
		while (j < n && ++pick[j] == ncand[j])
			pick[j++] = 0;
		if (j == n)
			break;  /* every combination made */
	}
	return 0;
}

struct first {
	const char *prefix;
	size_t plen;
	char *out;
	bool found;
};

static int
first_each(const char *initials, void *ctx)
{
	struct first *f = ctx;
	if (strncmp(initials, f->prefix, f->plen) != 0)
		return 0;
	if (!f->found || strcmp(initials, f->out) < 0) {
		size_t n = strlen(initials);
		memcpy(f->out, initials, n + 1);
		f->found = true;
	}
	return 0;
}

/* The byte of set a position of prefix must hold, or -1 for a byte no
 * variant holds. */
static int
set_bit_of(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '0' && c <= '9')
		return SET_DIGIT0 + (c - '0');
	return -1;
}

bool
pinyin_first_variant(const char *s, const char *prefix, size_t max_variants,
                     char out[PINYIN_MAXLEN + 1])
{
	uint64_t sets[PINYIN_MAXLEN];
	size_t n = positions(s, sets), plen = strlen(prefix);
	/* how many variants there are, as far as max_variants */
	size_t product = 1;
	for (size_t j = 0; j < n && product <= max_variants; j++)
		product *= (size_t)__builtin_popcountll(sets[j]);
	if (product > max_variants) {
		/* the cap bites: only the variants it keeps count */
		struct first f = {prefix, plen, out, false};
		pinyin_each(s, max_variants, first_each, &f);
		return f.found;
	}
	/* every combination is made: the prefix's bytes where it reaches,
	 * then each position's smallest byte (digits before letters) */
	if (plen > n)
		return false;
	for (size_t j = 0; j < plen; j++) {
		int b = set_bit_of((unsigned char)prefix[j]);
		if (b < 0 || !(sets[j] >> b & 1))
			return false;
		out[j] = prefix[j];
	}
	for (size_t j = plen; j < n; j++) {
		uint64_t digits = sets[j] >> SET_DIGIT0;
		out[j] = digits ? set_char(SET_DIGIT0 + (unsigned)__builtin_ctzll(digits))
		                : set_char((unsigned)__builtin_ctzll(sets[j]));
	}
	out[n] = '\0';
	return true;
}

int
pinyin_matches_prefix(const char *s, const char *q)
{
	uint64_t sets[PINYIN_MAXLEN];
	size_t n = positions(s, sets);
	size_t qlen = strlen(q);

	/* Checked position by position rather than through pinyin_each, so
	 * the answer covers the whole product, not only the capped variants
	 * an index holds. */
	if (qlen > n)
		return 0;
	for (size_t j = 0; j < qlen; j++) {
		if (!(sets[j] & ascii_set((unsigned char)q[j])))
			return 0;
	}
	return 1;
}

/* --- sorting ------------------------------------------------------------------ */

/* Surnames read otherwise than the commonest reading of their character
 * (the 百家姓's polyphones): a list of residents reads 单 as shan, not dan. */
static const struct {
	uint32_t cp;
	const char *syllable;
	unsigned tone;
} surnames[] = {
	{0x4E50, "yue", 4},   /* 乐 */
	{0x4EC7, "qiu", 2},   /* 仇 */
	{0x533A, "ou", 1},    /* 区 */
	{0x5355, "shan", 4},  /* 单 */
	{0x535C, "bu", 3},    /* 卜 */
	{0x53EC, "shao", 4},  /* 召 */
	{0x53E5, "gou", 1},   /* 句 */
	{0x5458, "yun", 4},   /* 员 */
	{0x5BBF, "su", 4},    /* 宿 */
	{0x6298, "she", 2},   /* 折 */
	{0x6734, "piao", 2},  /* 朴 */
	{0x67E5, "zha", 1},   /* 查 */
	{0x66FE, "zeng", 1},  /* 曾 */
	{0x6C88, "shen", 3},  /* 沈 */
	{0x71D5, "yan", 1},   /* 燕 */
	{0x76D6, "ge", 3},    /* 盖 */
	{0x79D8, "bi", 4},    /* 秘 */
	{0x79CD, "chong", 2}, /* 种 */
	{0x7E41, "po", 2},    /* 繁 */
	{0x7F2A, "miao", 4},  /* 缪 */
	{0x7FDF, "zhai", 2},  /* 翟 */
	{0x8983, "qin", 2},   /* 覃 */
	{0x89E3, "xie", 4},   /* 解 */
	{0x8D3E, "jia", 3},   /* 贾 */
	{0x8FC7, "guo", 1},   /* 过 */
	{0x90A3, "na", 1},    /* 那 */
	{0x90FD, "du", 1},    /* 都 */
	{0x91CD, "chong", 2}, /* 重 */
	{0x9601, "yan", 2},   /* 阎 */
	{0x9B4F, "wei", 4},   /* 魏 */
	{0x534E, "hua", 4},   /* 华 */
	{0x7EAA, "ji", 3},    /* 纪 */
	{0x8584, "bo", 2},    /* 薄 */
	{0x9E7F, "lu", 4},    /* 鹿 */
	{0x9ED1, "he", 4},    /* 黑 */
};

/* The place of the first syllable not before s (the number of syllables
 * when none). */
static size_t
syllable_place(const char *s)
{
	size_t lo = 0, hi = NELEM(pinyin_syllables);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(pinyin_syllables[mid], s) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#define SORT_DIGIT 1u
#define SORT_NONE 0xFFEu   /* a Han character the table reads nothing for */
#define SORT_SKIP 0u

/* The syllable number and tone a character sorts by (code below 8: the
 * tone alone), or -1. */
static int
sort_reading(uint32_t cp, bool surname)
{
	if (surname)
		for (size_t i = 0; i < NELEM(surnames); i++)
			if (surnames[i].cp == cp) {
				size_t at = syllable_place(surnames[i].syllable);
				if (at < NELEM(pinyin_syllables) &&
				    strcmp(pinyin_syllables[at], surnames[i].syllable) == 0)
					return (int)(at << 3 | surnames[i].tone);
			}
	size_t lo = 0, hi = NTABLE;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pinyin_table[mid].cp < cp)
			lo = mid + 1;
		else if (pinyin_table[mid].cp > cp)
			hi = mid;
		else
			return pinyin_reading[mid];
	}
	return -1;
}

/* A character's 3-hex-digit weight: 0 leaves it out. */
static unsigned
sort_weight(uint32_t *cp, bool surname)
{
	if (*cp >= 0xFF01 && *cp <= 0xFF5E)
		*cp -= 0xFEE0;   /* a full-width letter or digit as the ASCII one */
	if (*cp >= '0' && *cp <= '9')
		return SORT_DIGIT;
	if (*cp >= 'A' && *cp <= 'Z')
		*cp += 'a' - 'A';
	if (*cp >= 'a' && *cp <= 'z') {
		/* just before the syllables the letter begins: "Li" by 李 */
		char one[2] = {(char)*cp, '\0'};
		return 2u + (unsigned)syllable_place(one) * 6u;
	}
	int r = sort_reading(*cp, surname);
	if (r >= 0)
		return 2u + (unsigned)(r >> 3) * 6u + (unsigned)(r & 7);
	/* CJK and beyond without a reading: last; punctuation, blanks and
	 * other scripts' signs: left out */
	if ((*cp >= 0x3000 && *cp <= 0x303F) || (*cp >= 0xFE30 && *cp <= 0xFE4F) ||
	    (*cp >= 0xFF00 && *cp <= 0xFFEF))
		return SORT_SKIP;   /* CJK blanks and punctuation */
	return *cp >= 0x2E80 ? SORT_NONE : SORT_SKIP;
}

size_t
pinyin_sort_key(const char *s, bool person, char *out, size_t size)
{
	size_t len = strlen(s), i = 0, n = 0;
	bool first = true;
	if (size == 0)
		return 0;
	while (i < len) {
		uint32_t cp;
		i += text_utf8_decode(s + i, len - i, &cp);
		unsigned w = sort_weight(&cp, person && first);
		if (w == SORT_SKIP)
			continue;
		first = false;
		if (n + PINYIN_SORT_CHAR + 1 > size)
			break;
		if (cp > 0xFFFFF)
			cp = 0xFFFFF;
		/* 3 hex digits of the weight, 5 of the code point */
		uint32_t both = (uint32_t)w << 20 | cp;
		for (int d = PINYIN_SORT_CHAR - 1; d >= 0; d--, both >>= 4)
			out[n + (size_t)d] = "0123456789ABCDEF"[both & 0xF];
		n += PINYIN_SORT_CHAR;
	}
	out[n] = '\0';
	return n;
}

const char *
pinyin_reading_of(uint32_t cp, bool person, char out[16])
{
	int r = sort_reading(cp, person);
	if (r < 0)
		out[0] = '\0';
	else
		snprintf(out, 16, "%s%d", pinyin_syllables[r >> 3], r & 7);
	return out;
}
