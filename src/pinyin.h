/* pinyin.h: pinyin initials of Han characters, from Unihan readings, so
 * that typing "zsf" finds 张三丰.  No curses. */
#ifndef SHEGONG_PINYIN_H
#define SHEGONG_PINYIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The set of initials of cp's readings as a bit mask, bit 0 = 'a' ...
 * bit 25 = 'z'; 0 when cp has no Mandarin reading in the table. */
uint32_t pinyin_initials_mask(uint32_t cp);

/* Call fn once for each distinct initials string of the UTF-8 text s:
 * Han characters give their initials (a character with several readings
 * gives one variant for each), ASCII letters give themselves lowercased,
 * digits give themselves, everything else is skipped.  At most
 * max_variants strings are produced (the rest are dropped, earliest
 * characters' variants first in order).  Each string is at most
 * PINYIN_MAXLEN bytes.  fn returning nonzero stops the walk and is
 * returned.  Returns 0 otherwise. */
#define PINYIN_MAXLEN 64
int pinyin_each(const char *s, size_t max_variants,
                int (*fn)(const char *initials, void *ctx), void *ctx);

/* The smallest (by strcmp) of the strings pinyin_each(s, max_variants)
 * makes that begin with prefix, into out; false when none does.  What a
 * search walking the pinyin index needs for each record it meets (is
 * this entry the record's first?), without making every variant when
 * their product is within max_variants. */
bool pinyin_first_variant(const char *s, const char *prefix, size_t max_variants,
                          char out[PINYIN_MAXLEN + 1]);

/* True when the ASCII query q (lowercase letters) is a prefix of some
 * initials variant of s. */
int pinyin_matches_prefix(const char *s, const char *q);

/* The key names sort by in lists and exports: pinyin order, as a
 * Chinese list is read (何 he, 刘 liu, 吴 wu, 于 yu), not by character
 * code.  Each character gives 8 ASCII bytes: its reading (3 hex digits:
 * the syllable's place in alphabetical order, then the tone; digits
 * before everything, a Latin letter just before the syllables it begins,
 * a Han character without a reading after all) and its code point (5 hex
 * digits, so that homophones keep apart); punctuation and blanks give
 * nothing.  The key of a prefix is the prefix of the key, so a typed name
 * finds by it.  person: the first character is a surname and read as one
 * (单 shan, 曾 zeng, 区 ou).  Writes at most size-1 bytes (whole
 * characters) and a NUL; returns the length. */
#define PINYIN_SORT_CHAR 8
size_t pinyin_sort_key(const char *s, bool person, char *out, size_t size);

/* The reading a name sorts by of cp as "liu2" (syllable, tone), or ""
 * when the table has none; person: read as a surname.  For tests and
 * messages. */
const char *pinyin_reading_of(uint32_t cp, bool person, char out[16]);

#endif
