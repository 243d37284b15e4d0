/* text-sanitize.c: make stored text safe to show, so no record can send escape sequences to the terminal. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "i18n.h"
#include "text.h"

#define PICTURE_DEL 0x2421u  /* ␡ SYMBOL FOR DELETE */
#define PICTURE_C0 0x2400u   /* ␀; U+2400 + c is the picture of C0 control c */

/* What one decoded character becomes: itself (returns false) or the
 * visible stand-in stored in *rep (returns true).  An ESC shown as ␛
 * cannot start a sequence, so OSC 52 (clipboard), OSC 0 (title) and CSI
 * all arrive on screen as plain text.  C1 controls have no pictures of
 * their own; some terminals obey 0x9B as CSI, so they must go too. */
static bool
replacement(uint32_t cp, bool bad_byte, unsigned flags, uint32_t *rep)
{
	if (bad_byte) {
		*rep = TEXT_REPLACEMENT;
		return true;
	}
	if (cp < 0x20) {
		if ((cp == '\t' && (flags & TEXT_ALLOW_TAB)) ||
		    (cp == '\n' && (flags & TEXT_ALLOW_NEWLINE)))
			return false;
		*rep = PICTURE_C0 + cp;
		return true;
	}
	if (cp == 0x7F) {
		*rep = PICTURE_DEL;
		return true;
	}
	if (cp >= 0x80 && cp <= 0x9F) {
		*rep = TEXT_REPLACEMENT;
		return true;
	}
	return false;
}

/* Decode one step; a bad byte is told from a genuine U+FFFD by its
 * length (one byte against three). */
static size_t
step(const char *s, size_t len, unsigned flags, uint32_t *rep, bool *replaced)
{
	uint32_t cp;
	size_t n = text_utf8_decode(s, len, &cp);
	*replaced = replacement(cp, cp == TEXT_REPLACEMENT && n == 1, flags, rep);
	return n;
}

char *
text_sanitize(const char *s, size_t len, unsigned flags)
{
	/* Every input byte yields at most three output bytes: a one-byte
	 * control or bad byte becomes a three-byte picture or U+FFFD, and a
	 * two-byte C1 control a three-byte U+FFFD. */
	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	char *out = malloc(len * 3 + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		uint32_t rep;
		bool replaced;
		size_t n = step(s + i, len - i, flags, &rep, &replaced);
		if (replaced) {
			o += text_utf8_encode(rep, out + o);
		} else {
			for (size_t k = 0; k < n; k++)
				out[o++] = s[i + k];
		}
		i += n;
	}
	out[o] = '\0';
	return out;
}

bool
text_is_clean(const char *s, size_t len, unsigned flags)
{
	for (size_t i = 0; i < len;) {
		uint32_t rep;
		bool replaced;
		i += step(s + i, len - i, flags, &rep, &replaced);
		if (replaced)
			return false;
	}
	return true;
}

const char *
text_check_typed(const char *s, size_t len, unsigned flags)
{
	if (!text_utf8_valid(s, len, NULL))
		return _("The text holds bytes that are not characters: type it again");
	if (text_is_clean(s, len, flags))
		return NULL;
	return flags & TEXT_ALLOW_NEWLINE ? _("The text holds control characters: remove them")
	                                  : _("Only one line, without control characters, fits here");
}
