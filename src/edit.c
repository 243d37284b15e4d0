/* edit.c: editing one value by characters and columns (see edit.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "text.h"

static int
reserve(struct edit *e, size_t more)
{
	if (e->len + more + 1 <= e->cap)
		return 0;
	size_t ncap = e->cap ? e->cap : 32;
	while (ncap < e->len + more + 1)
		ncap *= 2;
	char *nb = realloc(e->buf, ncap);
	if (!nb)
		return -1;
	e->buf = nb;
	e->cap = ncap;
	return 0;
}

int
edit_init(struct edit *e, const char *text)
{
	memset(e, 0, sizeof *e);
	return edit_set(e, text);
}

void
edit_free(struct edit *e)
{
	free(e->buf);
	memset(e, 0, sizeof *e);
}

int
edit_set(struct edit *e, const char *text)
{
	e->len = e->cur = 0;
	if (reserve(e, 0) < 0)
		return -1;
	e->buf[0] = '\0';
	if (!text)
		return 0;
	int rc = edit_insert(e, text, strlen(text));
	e->cur = e->len;
	return rc;
}

static size_t
next_cp(const struct edit *e, size_t at, uint32_t *cp)
{
	return text_utf8_decode(e->buf + at, e->len - at, cp);
}

/* The start of the character before byte offset at. */
static size_t
prev_start(const struct edit *e, size_t at)
{
	if (at == 0)
		return 0;
	size_t p = at - 1;
	while (p > 0 && ((unsigned char)e->buf[p] & 0xC0) == 0x80 && at - p < 4)
		p--;
	return p;
}

int
edit_insert_cp(struct edit *e, uint32_t cp)
{
	if ((cp < 0x20 && cp != '\n') || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
		return -1;
	char b[4];
	size_t n = text_utf8_encode(cp, b);
	if (!n || reserve(e, n) < 0)
		return -1;
	memmove(e->buf + e->cur + n, e->buf + e->cur, e->len - e->cur + 1);
	memcpy(e->buf + e->cur, b, n);
	e->len += n;
	e->cur += n;
	return 0;
}

int
edit_insert(struct edit *e, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = text_utf8_decode(s + i, n - i, &cp);
		/* U+FFFD from a bad byte is dropped; a real U+FFFD is 3 bytes */
		bool bad = cp == TEXT_REPLACEMENT && k != 3;
		if (!bad && (cp >= 0x20 || cp == '\n') && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) &&
		    edit_insert_cp(e, cp) < 0)
			return -1;
		i += k;
	}
	return 0;
}

void
edit_right(struct edit *e)
{
	uint32_t cp;
	if (e->cur >= e->len)
		return;
	e->cur += next_cp(e, e->cur, &cp);
	/* combining marks ride with their base */
	while (e->cur < e->len) {
		size_t k = next_cp(e, e->cur, &cp);
		if (text_cp_width(cp) != 0)
			break;
		e->cur += k;
	}
}

void
edit_left(struct edit *e)
{
	uint32_t cp;
	while (e->cur > 0) {
		e->cur = prev_start(e, e->cur);
		next_cp(e, e->cur, &cp);
		if (text_cp_width(cp) != 0)
			break;
	}
}

void
edit_home(struct edit *e)
{
	e->cur = 0;
}

void
edit_end(struct edit *e)
{
	e->cur = e->len;
}

static void
cut(struct edit *e, size_t from, size_t to)
{
	memmove(e->buf + from, e->buf + to, e->len - to + 1);
	e->len -= to - from;
	if (e->cur > to)
		e->cur -= to - from;
	else if (e->cur > from)
		e->cur = from;
}

void
edit_backspace(struct edit *e)
{
	size_t end = e->cur;
	if (end == 0)
		return;
	edit_left(e);
	cut(e, e->cur, end);
}

void
edit_delete(struct edit *e)
{
	size_t start = e->cur;
	if (start >= e->len)
		return;
	edit_right(e);
	size_t end = e->cur;
	e->cur = start;
	cut(e, start, end);
}

void
edit_kill_end(struct edit *e)
{
	cut(e, e->cur, e->len);
}

void
edit_clear(struct edit *e)
{
	cut(e, 0, e->len);
}

int
edit_cursor_col(const struct edit *e)
{
	return text_width(e->buf, e->cur);
}

int
edit_view(const struct edit *e, int width, size_t *first)
{
	*first = 0;
	if (width < 2)
		return 0;
	int col = edit_cursor_col(e);
	/* keep one column free after the cursor for it to sit in */
	while (col > width - 2 && *first < e->cur) {
		uint32_t cp;
		size_t k = text_utf8_decode(e->buf + *first, e->len - *first, &cp);
		int w = text_cp_width(cp);
		col -= w < 0 ? 1 : w;
		*first += k;
		/* never start on a combining mark */
		while (*first < e->cur) {
			k = text_utf8_decode(e->buf + *first, e->len - *first, &cp);
			if (text_cp_width(cp) != 0)
				break;
			*first += k;
		}
	}
	return col;
}
