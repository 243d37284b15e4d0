/* util.c: the small shared helpers of util.h (buffer, big-endian bytes,
 * civil dates, wrapping). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

/* --- strbuf ------------------------------------------------------------------ */

bool
sb_grow(struct strbuf *b, size_t n)
{
	if (b->failed)
		return false;
	if (n > SIZE_MAX / 2 - b->len - 1) {
		b->failed = true;
		return false;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return false;
		}
		b->p = p;
		b->cap = cap;
	}
	return true;
}

void
sb_add(struct strbuf *b, const void *s, size_t n)
{
	if (!sb_grow(b, n))
		return;
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
sb_str(struct strbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void
sb_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if (!sb_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

bool
sb_read(struct strbuf *b, FILE *f, size_t max)
{
	char chunk[8192];
	size_t got, start = b->len;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b->len - start + got > max) {
			b->failed = true;
			break;
		}
		sb_add(b, chunk, got);
	}
	if (ferror(f))
		b->failed = true;
	return !b->failed;
}

char *
sb_detach(struct strbuf *b)
{
	char *p = b->p;
	if (b->failed) {
		free(p);
		p = NULL;
	} else if (!p) {
		p = strdup("");
	}
	b->p = NULL;
	b->len = b->cap = 0;
	b->failed = false;
	return p;
}

void
sb_free(struct strbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

bool
util_grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t c = *cap ? *cap : 16;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			return false;
		c *= 2;
	}
	if (size && c > SIZE_MAX / size)
		return false;
	void *q = realloc(*p, c * size);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

/* --- big-endian ------------------------------------------------------------------ */

void
be_put(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
}

uint64_t
be_get(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

void
be_put64(unsigned char p[8], uint64_t v)
{
	/* spelt out byte by byte: the compiler makes it one byte swap and
	 * store, not a loop (ids become keys for every record a search lists) */
	p[0] = (unsigned char)(v >> 56);
	p[1] = (unsigned char)(v >> 48);
	p[2] = (unsigned char)(v >> 40);
	p[3] = (unsigned char)(v >> 32);
	p[4] = (unsigned char)(v >> 24);
	p[5] = (unsigned char)(v >> 16);
	p[6] = (unsigned char)(v >> 8);
	p[7] = (unsigned char)v;
}

uint64_t
be_get64(const unsigned char p[8])
{
	return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
	       (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
	       (uint64_t)p[6] << 8 | (uint64_t)p[7];
}

void
be_put32(unsigned char p[4], uint32_t v)
{
	be_put(p, v, 4);
}

uint32_t
be_get32(const unsigned char p[4])
{
	return (uint32_t)be_get(p, 4);
}

/* --- civil dates ----------------------------------------------------------------- */

int64_t
date_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
date_write(char out[11], int y, int m, int d)
{
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

void
date_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool
date_day_number(const char *s, int64_t *out)
{
	if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return false;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	*out = date_days_from_civil(y, m, d);
	return true;
}

/* --- wrapping --------------------------------------------------------------------- */

void
util_put_wrapped(FILE *f, int col, int indent, int width, const char *text)
{
	size_t len = strlen(text);
	for (;;) {
		size_t seg = strcspn(text, "\n");
		int used;
		size_t n = text_fit(text, seg, width - col, &used);
		if (n == 0 && seg > 0) {
			uint32_t cp;
			n = text_utf8_decode(text, seg, &cp);   /* nothing fits: take one to move on */
		}
		fwrite(text, 1, n, f);
		fputc('\n', f);
		text += n;
		len -= n;
		if (n == seg && len > 0) {   /* the text's own line end */
			text++;
			len--;
		}
		while (len > 0 && *text == ' ' && n != seg) {   /* no blank at a wrapped line's start */
			text++;
			len--;
		}
		if (len == 0)
			return;
		fprintf(f, "%*s", indent, "");
		col = indent;
	}
}
