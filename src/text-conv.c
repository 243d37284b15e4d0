/* text-conv.c: converting text between UTF-8 and the legacy encodings (GB18030, GBK) at the program's edges, failing loudly at the exact byte. */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

static const char *const conv_messages[] = {
	[TEXT_CONV_OK] = N_("The text was converted"),
	[TEXT_CONV_ILLEGAL] = N_("The text has bytes that are not valid in its encoding: check which encoding the file is in (UTF-8, GB18030 or GBK)"),
	[TEXT_CONV_INCOMPLETE] = N_("The text ends in the middle of a character: the file may have been cut short"),
	[TEXT_CONV_UNMAPPABLE] = N_("A character cannot be written in the chosen encoding: choose UTF-8 or GB18030 instead"),
	[TEXT_CONV_UNSUPPORTED] = N_("This computer cannot convert between these encodings"),
	[TEXT_CONV_NOMEM] = N_("Not enough memory to convert the text: close other programs and try again"),
};

const char *
text_conv_strerror(int err)
{
	if (err < 0 || (size_t)err >= NELEM(conv_messages) ||
	    !conv_messages[err])
		return _("Unknown text conversion error");
	return _(conv_messages[err]);
}

static bool
is_utf8_name(const char *enc)
{
	return strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0;
}

/* iconv says EILSEQ both for bytes the source encoding rejects and for a
 * character the target cannot hold, and a worker needs to know which:
 * "your file is damaged" and "pick another encoding" are different
 * fixes.  So look again at the input at that offset, on its own. */
static int
classify_eilseq(const char *from, const char *in, size_t inlen)
{
	if (is_utf8_name(from)) {
		uint32_t cp;
		size_t n = text_utf8_decode(in, inlen, &cp);
		/* (A sequence cut by the end of the input never gets here:
		 * iconv reports that as EINVAL.) */
		return cp == TEXT_REPLACEMENT && n == 1 ? TEXT_CONV_ILLEGAL
		                                        : TEXT_CONV_UNMAPPABLE;
	}
	/* Any other source: decode that character to UTF-8, which holds
	 * every character.  If that works, the source bytes were fine. */
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return TEXT_CONV_ILLEGAL;
	char buf[16];
	char *ip = (char *)in, *op = buf;
	size_t il = inlen, ol = sizeof buf;
	size_t r = iconv(cd, &ip, &il, &op, &ol);
	int e = errno;
	iconv_close(cd);
	if (ip > in || r != (size_t)-1)
		return TEXT_CONV_UNMAPPABLE;
	return e == EINVAL ? TEXT_CONV_INCOMPLETE : TEXT_CONV_ILLEGAL;
}

int
text_conv(const char *to, const char *from, const char *in, size_t inlen,
          char **out, size_t *outlen, size_t *bad_at)
{
	*out = NULL;
	if (outlen)
		*outlen = 0;

	iconv_t cd = iconv_open(to, from);
	if (cd == (iconv_t)-1)
		return errno == ENOMEM ? TEXT_CONV_NOMEM : TEXT_CONV_UNSUPPORTED;

	/* Room for the common case (CJK shrinks or grows by half between
	 * UTF-8 and GB18030); grown on E2BIG. */
	size_t cap = inlen + inlen / 2 + 16;
	char *buf = malloc(cap);
	int err = TEXT_CONV_OK;
	char *ip = (char *)in;
	size_t il = inlen;
	size_t used = 0;
	bool flushing = false;

	while (buf) {
		char *op = buf + used;
		size_t ol = cap - used - 1;  /* keep one byte for the NUL */
		size_t r = flushing ? iconv(cd, NULL, NULL, &op, &ol)
		                    : iconv(cd, &ip, &il, &op, &ol);
		int e = errno;
		used = (size_t)(op - buf);
		if (r != (size_t)-1) {
			if (flushing)
				break;
			/* All input taken: emit any closing shift sequence. */
			flushing = true;
			continue;
		}
		if (e == E2BIG) {
			if (cap > SIZE_MAX / 2) {
				err = TEXT_CONV_NOMEM;
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				err = TEXT_CONV_NOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
			continue;
		}
		size_t at = (size_t)(ip - in);
		if (e == EILSEQ)
			err = classify_eilseq(from, ip, il);
		else if (e == EINVAL)
			err = TEXT_CONV_INCOMPLETE;
		else
			err = TEXT_CONV_ILLEGAL;
		if (bad_at)
			*bad_at = at;
		break;
	}
	iconv_close(cd);
	if (!buf)
		return TEXT_CONV_NOMEM;
	if (err != TEXT_CONV_OK) {
		free(buf);
		return err;
	}
	buf[used] = '\0';
	*out = buf;
	if (outlen)
		*outlen = used;
	return TEXT_CONV_OK;
}
