/* pinyin.h: pinyin initials of Han characters, from Unihan readings, so
 * that typing "zsf" finds 张三丰.  No curses. */
#ifndef SHEGONG_PINYIN_H
#define SHEGONG_PINYIN_H

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

/* True when the ASCII query q (lowercase letters) is a prefix of some
 * initials variant of s. */
int pinyin_matches_prefix(const char *s, const char *q);

#endif
