/* text.h: UTF-8 text as the program keeps it, measured in terminal columns,
 * converted to and from GB18030/GBK only at the edges, and made safe to show.
 * No curses here: everything is testable without a terminal. */
#ifndef SHEGONG_TEXT_H
#define SHEGONG_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define TEXT_REPLACEMENT 0xFFFDu

/* Decode one scalar value from s (len > 0 bytes available).  Returns the
 * number of bytes consumed (1..4).  An invalid or truncated sequence,
 * an overlong form or a surrogate yields *cp = TEXT_REPLACEMENT and
 * consumes exactly one byte, so a caller always makes progress. */
size_t text_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encode cp (<= 0x10FFFF, not a surrogate) into out; returns 1..4, or 0
 * for a value that is not a Unicode scalar. */
size_t text_utf8_encode(uint32_t cp, char out[4]);

/* True when s[0..len) is well-formed UTF-8; otherwise *bad_at (if not
 * NULL) receives the byte offset of the first bad sequence. */
bool text_utf8_valid(const char *s, size_t len, size_t *bad_at);

/* Columns one code point takes on a terminal: 2 for East Asian wide and
 * fullwidth (CJK, including the supplementary ideographic planes), 0 for
 * combining marks and other zero-width characters, 1 otherwise.  Control
 * characters return -1: they are never sent as they are (see
 * text_sanitize). */
int text_cp_width(uint32_t cp);

/* Columns the UTF-8 string s[0..len) takes once sanitized. */
int text_width(const char *s, size_t len);

/* The longest prefix of s[0..len) that fits in cols columns without
 * splitting a character (a combining mark stays with its base).  Returns
 * its length in bytes; *used (if not NULL) receives its width. */
size_t text_fit(const char *s, size_t len, int cols, int *used);

/* Write into out (cap bytes, NUL-terminated) the sanitized s[0..len)
 * truncated and padded with spaces to exactly cols columns.  A wide
 * character that would straddle the edge is replaced by a space.  When
 * ellipsis is true and s had to be cut, the last column shows '~'.
 * Returns the number of bytes written (without the NUL), or -1 when cap
 * is too small. */
int text_pad(char *out, size_t cap, const char *s, size_t len, int cols, bool ellipsis);

/* Sanitizing: data never reaches the terminal as control characters.
 * C0 controls (except those allowed by flags), DEL and C1 controls are
 * shown as visible replacements (U+2400 block pictures for C0, "^?" style
 * is not used: ␛ for ESC, ␡ for DEL, and U+FFFD for C1); invalid UTF-8
 * bytes become U+FFFD. */
enum {
	TEXT_ALLOW_TAB = 1 << 0,
	TEXT_ALLOW_NEWLINE = 1 << 1,
};
/* Returns a malloc'd NUL-terminated UTF-8 string (NULL only when out of
 * memory). */
char *text_sanitize(const char *s, size_t len, unsigned flags);
/* True when s[0..len) would come out of text_sanitize unchanged. */
bool text_is_clean(const char *s, size_t len, unsigned flags);
/* The one rule for text a person enters (a form's field, a cell of an
 * imported file, a unit's name, a worker's name): well-formed UTF-8
 * without control characters (ESC, BEL, C1 ...), tab and newline only
 * where flags allow them.  NULL when s[0..len) is fine, else a message a
 * worker can act on (translated, static). */
const char *text_check_typed(const char *s, size_t len, unsigned flags);

/* Conversion between encodings through iconv. */
enum text_conv_err {
	TEXT_CONV_OK = 0,
	TEXT_CONV_ILLEGAL,     /* bytes that are not valid in the source encoding */
	TEXT_CONV_INCOMPLETE,  /* the input ends in the middle of a character */
	TEXT_CONV_UNMAPPABLE,  /* a character the target encoding cannot hold */
	TEXT_CONV_UNSUPPORTED, /* iconv does not know one of the encodings */
	TEXT_CONV_NOMEM,
};
/* Convert in[0..inlen) from encoding `from` to encoding `to` (iconv
 * names: "UTF-8", "GB18030", "GBK").  On success *out is a malloc'd
 * buffer, NUL-terminated, of *outlen bytes.  On failure *out is NULL and
 * *bad_at (if not NULL) receives the byte offset in the input where the
 * fault lies.  Never substitutes '?' silently. */
int text_conv(const char *to, const char *from, const char *in, size_t inlen,
              char **out, size_t *outlen, size_t *bad_at);
/* A message for a text_conv error, for a village worker. */
const char *text_conv_strerror(int err);

/* ASCII-lowercase copy helper used by search keys: lowercases A-Z in
 * place and returns s. */
char *text_ascii_lower(char *s);

#endif
