/* text.c: UTF-8 decoding and encoding, and measuring, cutting and padding text in terminal columns. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "text-width-table.h"
#include "util.h"

/* A lead byte gives the sequence length and the smallest value such a
 * sequence may carry (anything below is an overlong form); 0 marks a byte
 * that cannot start a sequence (a continuation byte, or 0xF5..0xFF). */
static size_t
utf8_seq_len(unsigned char b, uint32_t *min)
{
	static const struct {
		unsigned char lo, hi, len;
		uint32_t min;
	} leads[] = {
		{0x00, 0x7F, 1, 0},
		{0xC0, 0xDF, 2, 0x80},
		{0xE0, 0xEF, 3, 0x800},
		{0xF0, 0xF4, 4, 0x10000},
	};

	for (size_t i = 0; i < NELEM(leads); i++)
		if (b >= leads[i].lo && b <= leads[i].hi) {
			*min = leads[i].min;
			return leads[i].len;
		}
	return 0;
}

size_t
text_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t min = 0, v;
	size_t n = utf8_seq_len(u[0], &min);

	if (n == 1) {
		*cp = u[0];
		return 1;
	}
	if (n == 0 || n > len)
		goto bad;
	v = u[0] & (0x7Fu >> n);
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80)
			goto bad;
		v = (v << 6) | (u[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		goto bad;
	*cp = v;
	return n;
bad:
	*cp = TEXT_REPLACEMENT;
	return 1;
}

size_t
text_utf8_encode(uint32_t cp, char out[4])
{
	unsigned char *u = (unsigned char *)out;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp <= 0x10FFFF) {
		u[0] = (unsigned char)(0xF0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		u[3] = (unsigned char)(0x80 | (cp & 0x3F));
		return 4;
	}
	return 0;
}

/* One step of decoding that also says whether the bytes were good: a
 * genuine U+FFFD takes three bytes, a replaced bad byte only one. */
static size_t
decode_checked(const char *s, size_t len, uint32_t *cp, bool *ok)
{
	size_t n = text_utf8_decode(s, len, cp);
	*ok = !(*cp == TEXT_REPLACEMENT && n == 1);
	return n;
}

bool
text_utf8_valid(const char *s, size_t len, size_t *bad_at)
{
	for (size_t i = 0; i < len;) {
		/* ASCII, most of a form file: eight bytes at a time without
		 * decoding */
		uint64_t w;
		if (len - i >= sizeof w) {
			memcpy(&w, s + i, sizeof w);
			if (!(w & UINT64_C(0x8080808080808080))) {
				i += sizeof w;
				continue;
			}
		}
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		bool ok;
		i += decode_checked(s + i, len - i, &cp, &ok);
		if (!ok) {
			if (bad_at)
				*bad_at = i - 1;
			return false;
		}
	}
	return true;
}

static bool
in_ranges(const struct text_width_range *r, size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}


int
text_cp_width(uint32_t cp)
{
	/* Printable ASCII is by far the commonest case: skip the searches. */
	if (cp >= 0x20 && cp < 0x7F)
		return 1;
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return -1;
	/* Not a scalar value: nothing a terminal could draw either. */
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	if (in_ranges(text_width_zero, NELEM(text_width_zero), cp))
		return 0;
	if (in_ranges(text_width_wide, NELEM(text_width_wide), cp))
		return 2;
	return 1;
}

/* Width of a code point as text_sanitize shows it: a control character
 * becomes its U+2400 picture or U+FFFD, both one column, and so does a
 * bad byte (decoded as U+FFFD). */
static int
shown_width(uint32_t cp)
{
	int w = text_cp_width(cp);
	return w < 0 ? 1 : w;
}

int
text_width(const char *s, size_t len)
{
	int cols = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += text_utf8_decode(s + i, len - i, &cp);
		cols += shown_width(cp);
	}
	return cols;
}

size_t
text_fit(const char *s, size_t len, int cols, int *used)
{
	size_t i = 0;
	int w = 0;

	if (cols < 0)
		cols = 0;
	/* Stop at the first character that does not fit rather than skipping
	 * it, so the zero-width marks after it are not kept without it. */
	while (i < len) {
		uint32_t cp;
		size_t n = text_utf8_decode(s + i, len - i, &cp);
		int cw = shown_width(cp);
		if (w + cw > cols)
			break;
		w += cw;
		i += n;
	}
	if (used)
		*used = w;
	return i;
}

int
text_pad(char *out, size_t cap, const char *s, size_t len, int cols, bool ellipsis)
{
	int used;
	size_t keep;
	bool cut;

	if (cap > 0)
		out[0] = '\0';
	if (cols < 0)
		cols = 0;
	/* text_fit measures raw text the way text_sanitize will show it, so
	 * only the part that fits needs sanitizing. */
	keep = text_fit(s, len, cols, &used);
	cut = keep < len;
	int room = cols;
	if (cut && ellipsis && cols > 0) {
		room = cols - 1;
		keep = text_fit(s, len, room, &used);
	}

	/* Out of memory is reported like a short buffer: either way the
	 * caller has nothing to draw. */
	char *clean = text_sanitize(s, keep, 0);
	if (!clean)
		return -1;
	size_t n = strlen(clean);
	size_t total = n + (size_t)(cols - used);
	if (total + 1 > cap) {
		free(clean);
		return -1;
	}
	memcpy(out, clean, n);
	free(clean);
	/* Spaces fill the columns a straddling wide character would have
	 * half-covered, and the rest of the field. */
	memset(out + n, ' ', (size_t)(room - used));
	n += (size_t)(room - used);
	if (room < cols)
		out[n++] = '~';
	out[n] = '\0';
	return (int)n;
}

char *
text_ascii_lower(char *s)
{
	for (char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}
