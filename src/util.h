/* util.h: the small things every module needs once: a growable buffer,
 * big-endian bytes, civil-date arithmetic, wrapping text for paper, and
 * NELEM.  No curses, no store: any file may include it. */
#ifndef SHEGONG_UTIL_H
#define SHEGONG_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* How many elements a fixed array has (not a pointer). */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* --- a growable buffer (git's strbuf shape) ------------------------------
 *
 * Zero-initialise ({0}) to start.  After the first add, p is always
 * NUL-terminated.  A failed allocation makes the buffer sticky-failed:
 * later adds do nothing, and the caller checks `failed` once at the end
 * (sb_detach returns NULL then). */
struct strbuf {
	char *p;
	size_t len, cap;
	bool failed;
};

void sb_add(struct strbuf *b, const void *s, size_t n);
void sb_str(struct strbuf *b, const char *s);
void sb_addf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Make room for n more bytes without adding them; false when it failed. */
bool sb_grow(struct strbuf *b, size_t n);
/* Add all that is left of the stream f (at most max bytes; more fails
 * the buffer); false when reading or growing failed. */
bool sb_read(struct strbuf *b, FILE *f, size_t max);
/* The text, now the caller's (malloc'd, "" when nothing was added);
 * NULL when an add failed.  The buffer is empty again. */
char *sb_detach(struct strbuf *b);
void sb_free(struct strbuf *b);

/* Make the array *p (of elements of size bytes, room for *cap) hold at
 * least need elements, doubling; false (the array as it was) when it
 * cannot. */
bool util_grow(void **p, size_t *cap, size_t need, size_t size);

/* --- big-endian bytes: byte order is numeric order in keys ---------------- */

/* The n bytes (1..8) of v, most significant first. */
void be_put(unsigned char *p, uint64_t v, int n);
uint64_t be_get(const unsigned char *p, int n);
void be_put64(unsigned char p[8], uint64_t v);
uint64_t be_get64(const unsigned char p[8]);
void be_put32(unsigned char p[4], uint32_t v);
uint32_t be_get32(const unsigned char p[4]);

/* --- civil dates (proleptic Gregorian, H. Hinnant's algorithms) ----------
 *
 * Plain integers: no time zone or DST can shift a day, and a 32-bit
 * time_t does not matter. */

/* Days since 1970-01-01 of y-m-d (m 1..12, d 1..31). */
int64_t date_days_from_civil(int64_t y, int m, int d);
void date_civil_from_days(int64_t z, int *y, int *m, int *d);
/* y-m-d as "YYYY-MM-DD" and a NUL in out[0..10] (y 0..9999, m and d
 * 0..99: what "%04d-%02d-%02d" writes, without its cost). */
void date_write(char out[11], int y, int m, int d);
/* Days since 1970-01-01 of "YYYY-MM-DD" (digits and dashes, month 1..12,
 * day 1..31: not checked against the month); false when it is not one. */
bool date_day_number(const char *s, int64_t *out);

/* --- text on paper ---------------------------------------------------------- */

/* Write text after a prefix already `col` columns wide, wrapping at
 * `width` columns; continuation lines (and the text's own lines) start
 * at column `indent`.  A wrapped line does not start with a blank; a
 * character too wide for the room left is written anyway, alone. */
void util_put_wrapped(FILE *f, int col, int indent, int width, const char *text);

#endif
