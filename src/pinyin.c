/* pinyin.c: the pinyin initials of a name, every reading of every
 * character, so that a worker typing "zsf" or "szg" finds 张三丰 or 单志刚. */
#include "config.h"

#include <string.h>

#include "pinyin.h"
#include "pinyin-table.h"
#include "text.h"
#include "util.h"

#define NTABLE (NELEM(pinyin_table))

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
