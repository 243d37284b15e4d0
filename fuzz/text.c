/* fuzz/text.c: libFuzzer target for text.h: the sanitiser (text_sanitize,
 * text_is_clean), conversion between UTF-8, GB18030 and GBK with the
 * offset of a fault (text_conv), and measuring and fitting (text_width,
 * text_fit, text_pad), on any bytes.  Beside the sanitizers it checks
 * what the header promises: sanitised text is valid UTF-8 and clean, clean
 * text comes back unchanged, a fault's offset lies inside the input, and
 * UTF-8 converted to GB18030 and back is the same text. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "common.h"
#include "text.h"

static void
sanitize(const char *s, size_t len, unsigned flags)
{
	char *out = text_sanitize(s, len, flags);
	FUZZ_CHECK(out != NULL);
	size_t olen = strlen(out);
	FUZZ_CHECK(olen <= len * 3);
	FUZZ_CHECK(text_utf8_valid(out, olen, NULL));
	FUZZ_CHECK(text_is_clean(out, olen, flags));
	/* clean text comes out as it went in (a NUL inside is a C0 control) */
	if (text_is_clean(s, len, flags))
		FUZZ_CHECK(olen == len && memcmp(out, s, len) == 0);
	FUZZ_CHECK(text_width(s, len) == text_width(out, olen));
	free(out);
}

static void
convert(const char *to, const char *from, const char *s, size_t len)
{
	char *out = NULL;
	size_t outlen = 0, bad = (size_t)-1;
	int e = text_conv(to, from, s, len, &out, &outlen, &bad);
	if (e != TEXT_CONV_OK) {
		FUZZ_CHECK(out == NULL);
		FUZZ_CHECK(e == TEXT_CONV_ILLEGAL || e == TEXT_CONV_INCOMPLETE ||
		           e == TEXT_CONV_UNMAPPABLE);
		FUZZ_CHECK(bad < len);
		FUZZ_CHECK(text_conv_strerror(e) != NULL);
		return;
	}
	FUZZ_CHECK(out != NULL && out[outlen] == '\0');
	if (strcmp(to, "UTF-8") == 0)
		FUZZ_CHECK(text_utf8_valid(out, outlen, NULL));
	/* UTF-8 into GB18030 (which holds every character) and back: the same */
	if (strcmp(from, "UTF-8") == 0 && strcmp(to, "GB18030") == 0) {
		char *back = NULL;
		size_t blen = 0;
		FUZZ_CHECK(text_conv("UTF-8", "GB18030", out, outlen, &back, &blen, NULL) ==
		           TEXT_CONV_OK);
		FUZZ_CHECK(blen == len && memcmp(back, s, len) == 0);
		free(back);
	}
	free(out);
}

static void
fit(const char *s, size_t len, int cols)
{
	int used = -1;
	size_t n = text_fit(s, len, cols, &used);
	FUZZ_CHECK(n <= len);
	FUZZ_CHECK(used >= 0 && used <= (cols < 0 ? 0 : cols));
	char out[1024];
	int w = text_pad(out, sizeof out, s, len, cols, cols & 1);
	if (w >= 0) {
		FUZZ_CHECK((size_t)w < sizeof out && out[w] == '\0');
		FUZZ_CHECK(text_utf8_valid(out, (size_t)w, NULL));
		FUZZ_CHECK(text_width(out, (size_t)w) == (cols < 0 ? 0 : cols));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	sanitize(s, size, 0);
	sanitize(s, size, TEXT_ALLOW_TAB | TEXT_ALLOW_NEWLINE);
	convert("GB18030", "UTF-8", s, size);
	convert("UTF-8", "GB18030", s, size);
	convert("UTF-8", "GBK", s, size);
	convert("GBK", "UTF-8", s, size);
	if (size > 0)
		fit(s + 1, size - 1, data[0] % 80);
	return 0;
}
