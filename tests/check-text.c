/* check-text.c: unit tests for UTF-8 handling, column widths, fitting and padding, sanitizing and encoding conversion. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* --- UTF-8 -------------------------------------------------------------- */

START_TEST(test_decode)
{
	uint32_t cp;

	ck_assert_uint_eq(text_utf8_decode("A", 1, &cp), 1);
	ck_assert_uint_eq(cp, 'A');
	ck_assert_uint_eq(text_utf8_decode("\xc2\xb7", 2, &cp), 2);
	ck_assert_uint_eq(cp, 0xB7);
	ck_assert_uint_eq(text_utf8_decode("张", 3, &cp), 3);
	ck_assert_uint_eq(cp, 0x5F20);
	ck_assert_uint_eq(text_utf8_decode("𠈌", 4, &cp), 4);
	ck_assert_uint_eq(cp, 0x2020C);
	ck_assert_uint_eq(text_utf8_decode("𡃁", 4, &cp), 4);
	ck_assert_uint_eq(cp, 0x210C1);
	/* a genuine U+FFFD is three bytes */
	ck_assert_uint_eq(text_utf8_decode("\xef\xbf\xbd", 3, &cp), 3);
	ck_assert_uint_eq(cp, 0xFFFD);
}
END_TEST

START_TEST(test_decode_bad)
{
	static const struct {
		const char *s;
		size_t len;
	} bad[] = {
		{"\x80", 1},                 /* lone continuation */
		{"\xc0\x80", 2},             /* overlong NUL */
		{"\xc1\xbf", 2},             /* overlong */
		{"\xe0\x80\xaf", 3},         /* overlong '/' */
		{"\xf0\x80\x80\xaf", 4},     /* overlong '/' */
		{"\xed\xa0\x80", 3},         /* surrogate U+D800 */
		{"\xf4\x90\x80\x80", 4},     /* U+110000 */
		{"\xf5\x80\x80\x80", 4},     /* lead byte past U+10FFFF */
		{"\xff", 1},
		{"\xe5\xbc", 2},             /* truncated 张 */
		{"\xe5\xbc\xa0", 2},         /* complete bytes but len says 2 */
		{"\xe5\x41\xa0", 3},         /* ASCII inside a sequence */
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint32_t cp = 0;
		ck_assert_msg(text_utf8_decode(bad[i].s, bad[i].len, &cp) == 1, "case %zu", i);
		ck_assert_msg(cp == TEXT_REPLACEMENT, "case %zu gave U+%04X", i, (unsigned)cp);
	}
}
END_TEST

START_TEST(test_encode)
{
	char b[4];

	ck_assert_uint_eq(text_utf8_encode('A', b), 1);
	ck_assert_int_eq(b[0], 'A');
	ck_assert_uint_eq(text_utf8_encode(0x5F20, b), 3);
	ck_assert_mem_eq(b, "张", 3);
	ck_assert_uint_eq(text_utf8_encode(0x2020C, b), 4);
	ck_assert_mem_eq(b, "\xf0\xa0\x88\x8c", 4);
	ck_assert_uint_eq(text_utf8_encode(0x10FFFF, b), 4);
	ck_assert_mem_eq(b, "\xf4\x8f\xbf\xbf", 4);
	ck_assert_uint_eq(text_utf8_encode(0xD800, b), 0);
	ck_assert_uint_eq(text_utf8_encode(0xDFFF, b), 0);
	ck_assert_uint_eq(text_utf8_encode(0x110000, b), 0);
}
END_TEST

START_TEST(test_roundtrip_all_scalars)
{
	/* Plain comparisons in the loop, one assertion per failure: a
	 * million ck_assert calls are slow under the sanitizers. */
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		char b[4];
		uint32_t back = 0;
		size_t n = text_utf8_encode(cp, b);
		size_t expect = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (n != expect || text_utf8_decode(b, n, &back) != n || back != cp ||
		    !text_utf8_valid(b, n, NULL))
			ck_abort_msg("U+%04X: %zu bytes, decoded as U+%04X", (unsigned)cp, n,
			             (unsigned)back);
	}
}
END_TEST

START_TEST(test_valid)
{
	size_t at = 99;

	ck_assert(text_utf8_valid("", 0, &at));
	ck_assert(text_utf8_valid("张三丰 𠈌 abc", strlen("张三丰 𠈌 abc"), &at));
	ck_assert_uint_eq(at, 99);
	ck_assert(!text_utf8_valid("ab\xff" "cd", 5, &at));
	ck_assert_uint_eq(at, 2);
	ck_assert(!text_utf8_valid("张\xe4\xb8", 5, &at));
	ck_assert_uint_eq(at, 3);
	ck_assert(!text_utf8_valid("a\xed\xa0\x80", 4, &at));
	ck_assert_uint_eq(at, 1);
	ck_assert(!text_utf8_valid("\xc0\x80", 2, NULL));
	/* ASCII is checked eight bytes at a time: a bad byte at every place
	 * of a long ASCII run, and one cut short at its end, still found */
	char buf[40];
	for (size_t bad = 0; bad < 24; bad++) {
		memset(buf, 'a', sizeof buf);
		buf[bad] = '\x80';
		ck_assert_msg(!text_utf8_valid(buf, sizeof buf, &at), "byte %zu", bad);
		ck_assert_uint_eq(at, bad);
		memcpy(buf + bad, "张", 3);
		ck_assert_msg(text_utf8_valid(buf, sizeof buf, NULL), "byte %zu", bad);
		ck_assert(!text_utf8_valid(buf, bad + 2, &at));
		ck_assert_uint_eq(at, bad);
	}
}
END_TEST

/* --- widths --------------------------------------------------------------- */

START_TEST(test_cp_width)
{
	static const struct {
		uint32_t cp;
		int width;
	} cases[] = {
		{'A', 1}, {' ', 1}, {'~', 1},
		{0x00A0, 1},   /* no-break space */
		{0x00B7, 1},   /* middle dot: ambiguous, narrow */
		{0x2460, 1},   /* circled digit one: ambiguous */
		{0x00AD, 1},   /* soft hyphen: drawn */
		{0x5F20, 2},   /* 张 */
		{0x4E00, 2}, {0x9FFF, 2},
		{0x3001, 2},   /* ideographic comma */
		{0x3000, 2},   /* ideographic space (F) */
		{0xFF21, 2},   /* fullwidth A */
		{0xFF0C, 2},   /* fullwidth comma */
		{0xFF71, 1},   /* halfwidth katakana */
		{0xAC00, 2},   /* Hangul syllable */
		{0x1100, 2},   /* Hangul leading jamo */
		{0x1160, 0}, {0x11FF, 0}, /* Hangul medial and final jamo */
		{0x0301, 0},   /* combining acute */
		{0x20DD, 0},   /* combining enclosing circle (Me) */
		{0x302A, 0},   /* ideographic tone mark: Mn and W, zero wins */
		{0x200B, 0},   /* zero width space */
		{0x200D, 0},   /* zero width joiner (Cf) */
		{0xFEFF, 0},   /* BOM (Cf) */
		{0x2020C, 2},  /* 𠈌 */
		{0x210C1, 2},  /* 𡃁 */
		{0x2A6E0, 2},  /* unassigned in plane 2 */
		{0x3FFFD, 2},  /* last default-wide in plane 3 */
		{0x3FFFE, 1},  /* noncharacter, not wide */
		{0xFA6E, 2},   /* unassigned CJK compatibility ideograph */
		{0x1F600, 2},  /* emoji */
		{0x2400, 1}, {0x241B, 1}, {0x2421, 1}, {0xFFFD, 1},
		{0x00, -1}, {0x09, -1}, {0x0A, -1}, {0x1B, -1}, {0x1F, -1},
		{0x7F, -1}, {0x80, -1}, {0x85, -1}, {0x9B, -1}, {0x9F, -1},
		{0xD800, -1}, {0x110000, -1},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(text_cp_width(cases[i].cp) == cases[i].width,
		              "U+%04X: got %d, want %d", (unsigned)cases[i].cp,
		              text_cp_width(cases[i].cp), cases[i].width);
}
END_TEST

#define W(s) text_width((s), strlen(s))

START_TEST(test_width)
{
	ck_assert_int_eq(W(""), 0);
	ck_assert_int_eq(W("abc"), 3);
	ck_assert_int_eq(W("张三丰"), 6);
	ck_assert_int_eq(W("ＡＢ"), 4);
	ck_assert_int_eq(W("e\xcc\x81"), 1);          /* e + U+0301 */
	ck_assert_int_eq(W("𠈌𡃁"), 4);
	ck_assert_int_eq(W("Li 张 𠈌"), 8);
	/* as sanitized: each control and bad byte is one column */
	ck_assert_int_eq(W("a\x1b" "b"), 3);
	ck_assert_int_eq(W("\xff\xfe"), 2);
	ck_assert_int_eq(W("\xc2\x9b"), 1);
}
END_TEST

/* --- fit and pad ------------------------------------------------------ */

START_TEST(test_fit)
{
	int used = -1;
	const char *s = "张三丰";

	ck_assert_uint_eq(text_fit(s, 9, 5, &used), 6);
	ck_assert_int_eq(used, 4);
	ck_assert_uint_eq(text_fit(s, 9, 6, &used), 9);
	ck_assert_int_eq(used, 6);
	ck_assert_uint_eq(text_fit(s, 9, 100, &used), 9);
	ck_assert_int_eq(used, 6);
	ck_assert_uint_eq(text_fit(s, 9, 1, &used), 0);
	ck_assert_int_eq(used, 0);
	ck_assert_uint_eq(text_fit(s, 9, 0, &used), 0);
	ck_assert_uint_eq(text_fit(s, 9, -3, &used), 0);
	ck_assert_int_eq(used, 0);
	ck_assert_uint_eq(text_fit("a张", 4, 2, &used), 1);
	ck_assert_int_eq(used, 1);
	/* the combining mark stays with its base ... */
	ck_assert_uint_eq(text_fit("e\xcc\x81x", 4, 1, &used), 3);
	ck_assert_int_eq(used, 1);
	/* ... and does not come without it */
	ck_assert_uint_eq(text_fit("a张\xcc\x81", 6, 2, &used), 1);
	ck_assert_int_eq(used, 1);
	/* non-BMP: four bytes, two columns */
	ck_assert_uint_eq(text_fit("𠈌a", 5, 1, &used), 0);
	ck_assert_uint_eq(text_fit("𠈌a", 5, 2, &used), 4);
	ck_assert_int_eq(used, 2);
	ck_assert_uint_eq(text_fit("a𡃁", 5, 2, NULL), 1);
}
END_TEST

/* Pads s to cols into a buffer and checks bytes and width. */
static void
check_pad(const char *s, int cols, bool ellipsis, const char *want)
{
	char out[256];
	int n = text_pad(out, sizeof out, s, strlen(s), cols, ellipsis);

	ck_assert_int_eq(n, (int)strlen(want));
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(text_width(out, (size_t)n), cols < 0 ? 0 : cols);
}

START_TEST(test_pad)
{
	check_pad("ab", 5, false, "ab   ");
	check_pad("ab", 5, true, "ab   ");
	check_pad("abc", 3, true, "abc");
	check_pad("abcd", 3, true, "ab~");
	check_pad("abcd", 3, false, "abc");
	check_pad("ab", 1, true, "~");
	check_pad("ab", 0, true, "");
	check_pad("", 4, true, "    ");
	check_pad("张三丰", 6, true, "张三丰");
	/* the wide 丰 would straddle the edge: a space instead */
	check_pad("张三丰", 5, false, "张三 ");
	check_pad("张三丰", 5, true, "张三~");
	check_pad("张三丰", 4, true, "张 ~");
	check_pad("张三丰", 1, false, " ");
	check_pad("𠈌𡃁", 3, false, "𠈌 ");
	check_pad("𠈌𡃁", 4, false, "𠈌𡃁");
	check_pad("𠈌𡃁x", 4, true, "𠈌 ~");
	check_pad("e\xcc\x81" "e\xcc\x81" "e", 2, true, "e\xcc\x81~");
	/* sanitized on the way */
	check_pad("a\x1b[31m", 8, false, "a␛[31m  ");
	check_pad("a\tb\n", 4, false, "a␉b␊");
	check_pad("\xff" "ab", 2, false, "\xef\xbf\xbd" "a");
}
END_TEST

START_TEST(test_pad_small_cap)
{
	char out[8];

	/* "张三 " is 7 bytes: fits in 8 with the NUL, not in 7 */
	ck_assert_int_eq(text_pad(out, 8, "张三丰", 9, 5, false), 7);
	ck_assert_int_eq(text_pad(out, 7, "张三丰", 9, 5, false), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(text_pad(out, 4, "abc", 3, 4, false), -1);
	ck_assert_int_eq(text_pad(out, 5, "abc", 3, 4, false), 4);
	ck_assert_str_eq(out, "abc ");
}
END_TEST

/* --- sanitizing ---------------------------------------------------------- */

static void
check_sanitize(const char *s, size_t len, unsigned flags, const char *want)
{
	char *got = text_sanitize(s, len, flags);

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	ck_assert(text_is_clean(got, strlen(got), flags));
	ck_assert(text_is_clean(s, len, flags) == (strlen(want) == len && memcmp(s, want, len) == 0));
	free(got);
}

#define S(s, flags, want) check_sanitize((s), sizeof(s) - 1, (flags), (want))

START_TEST(test_sanitize_escapes)
{
	/* OSC 52 would set the clipboard, OSC 0 the window title */
	S("\x1b]52;c;cm0gLXJmIH4K\x07", 0, "␛]52;c;cm0gLXJmIH4K␇");
	S("\x1b]0;pwned\x1b\\", 0, "␛]0;pwned␛\\");
	S("\x1b[2J\x1b[H", 0, "␛[2J␛[H");
	/* C1 CSI and OSC, in their two-byte UTF-8 form */
	S("a\xc2\x9b" "31m", 0, "a\xef\xbf\xbd" "31m");
	S("\xc2\x9d" "0;x\xc2\x9c", 0, "\xef\xbf\xbd" "0;x\xef\xbf\xbd");
	S("\xc2\x85", 0, "\xef\xbf\xbd");
	/* C1 as raw bytes are not UTF-8 at all */
	S("\x9b" "31m", 0, "\xef\xbf\xbd" "31m");
	S("del\x7f", 0, "del␡");
}
END_TEST

START_TEST(test_sanitize_controls)
{
	S("a\0b", 0, "a␀b");
	S("\x01\x07\x08\x0d\x1f", 0, "␁␇␈␍␟");
	S("a\tb\nc", 0, "a␉b␊c");
	S("a\tb\nc", TEXT_ALLOW_TAB, "a\tb␊c");
	S("a\tb\nc", TEXT_ALLOW_NEWLINE, "a␉b\nc");
	S("a\tb\r\nc", TEXT_ALLOW_TAB | TEXT_ALLOW_NEWLINE, "a\tb␍\nc");
}
END_TEST

START_TEST(test_sanitize_invalid)
{
	S("a\xff" "b", 0, "a\xef\xbf\xbd" "b");
	S("张\xe4\xb8", 0, "张\xef\xbf\xbd\xef\xbf\xbd");
	S("\xc0\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd");
	S("\xed\xa0\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* clean text passes untouched, including a genuine U+FFFD */
	S("张三丰 𠈌𡃁 e\xcc\x81 \xef\xbf\xbd", 0, "张三丰 𠈌𡃁 e\xcc\x81 \xef\xbf\xbd");
	S("", 0, "");
}
END_TEST

START_TEST(test_is_clean)
{
	ck_assert(text_is_clean("张三", 6, 0));
	ck_assert(!text_is_clean("a\tb", 3, 0));
	ck_assert(text_is_clean("a\tb", 3, TEXT_ALLOW_TAB));
	ck_assert(!text_is_clean("a\nb", 3, TEXT_ALLOW_TAB));
	ck_assert(!text_is_clean("\xff", 1, 0));
	ck_assert(!text_is_clean("\x1b", 1, TEXT_ALLOW_TAB | TEXT_ALLOW_NEWLINE));
	/* the length counts, not the NUL */
	ck_assert(!text_is_clean("a\0", 2, 0));
	ck_assert(text_is_clean("a\0", 1, 0));
}
END_TEST

/* The one rule for typed text: what it refuses, with a message. */
START_TEST(test_check_typed)
{
	ck_assert_ptr_null(text_check_typed("张三", 6, 0));
	ck_assert_ptr_nonnull(text_check_typed("a\x1b[2J", 5, 0));
	ck_assert_ptr_nonnull(text_check_typed("a\x07", 2, 0));
	ck_assert_ptr_nonnull(text_check_typed("a\xc2\x9b", 3, 0));
	ck_assert_ptr_nonnull(text_check_typed("a\xff", 2, 0));
	ck_assert_ptr_nonnull(text_check_typed("a\nb", 3, 0));
	ck_assert_ptr_null(text_check_typed("a\nb\tc", 5, TEXT_ALLOW_NEWLINE | TEXT_ALLOW_TAB));
	ck_assert_ptr_nonnull(text_check_typed("a\rb", 3, TEXT_ALLOW_NEWLINE | TEXT_ALLOW_TAB));
	ck_assert_ptr_nonnull(strstr(text_check_typed("a\x1b", 2, 0), "control characters"));
}
END_TEST

/* --- conversion ------------------------------------------------------------ */

static void
check_conv(const char *to, const char *from, const char *in, size_t inlen,
           const char *want, size_t wantlen)
{
	char *out = NULL;
	size_t outlen = 0, bad = 12345;
	int rc = text_conv(to, from, in, inlen, &out, &outlen, &bad);

	ck_assert_msg(rc == TEXT_CONV_OK, "%s→%s: error %d at %zu", from, to, rc, bad);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(outlen, wantlen);
	ck_assert_mem_eq(out, want, wantlen);
	ck_assert_int_eq(out[outlen], '\0');
	free(out);
}

static void
check_roundtrip(const char *utf8, size_t len, const char *gb, size_t gblen)
{
	check_conv("GB18030", "UTF-8", utf8, len, gb, gblen);
	check_conv("UTF-8", "GB18030", gb, gblen, utf8, len);
}

#define RT(u, g) check_roundtrip((u), sizeof(u) - 1, (g), sizeof(g) - 1)

START_TEST(test_conv_gb18030_roundtrip)
{
	RT("张三丰", "\xd5\xc5\xc8\xfd\xb7\xe1");
	RT("𠈌", "\x95\x32\xb7\x30");
	RT("𡃁", "\x95\x35\xb5\x35");
	RT("Li 张 𠈌 x", "Li \xd5\xc5 \x95\x32\xb7\x30 x");
	RT("·€", "\xa1\xa4\xa2\xe3");
	RT("", "");
}
END_TEST

START_TEST(test_conv_gbk)
{
	check_conv("GBK", "UTF-8", "张三丰", 9, "\xd5\xc5\xc8\xfd\xb7\xe1", 6);
	check_conv("UTF-8", "GBK", "\xd5\xc5\xc8\xfd\xb7\xe1", 6, "张三丰", 9);
}
END_TEST

static void
check_conv_err(const char *to, const char *from, const char *in, size_t inlen,
               int want, size_t want_at)
{
	char *out = (char *)"untouched";
	size_t outlen = 7, bad = 12345;
	int rc = text_conv(to, from, in, inlen, &out, &outlen, &bad);

	ck_assert_int_eq(rc, want);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(bad, want_at);
}

#define ERR(to, from, in, want, at) check_conv_err((to), (from), (in), sizeof(in) - 1, (want), (at))

START_TEST(test_conv_illegal)
{
	ERR("UTF-8", "GB18030", "ab\x81\x20" "cd", TEXT_CONV_ILLEGAL, 2);
	ERR("UTF-8", "GB18030", "\xd5\xc5\xff", TEXT_CONV_ILLEGAL, 2);
	ERR("UTF-8", "GB18030", "\xd5\xc5\x81\x30\x81\x20", TEXT_CONV_ILLEGAL, 2);
	ERR("GB18030", "UTF-8", "张\xff三", TEXT_CONV_ILLEGAL, 3);
	ERR("GB18030", "UTF-8", "a\xed\xa0\x80", TEXT_CONV_ILLEGAL, 1);
	ERR("GBK", "UTF-8", "ab\xe5\x41", TEXT_CONV_ILLEGAL, 2);
}
END_TEST

START_TEST(test_conv_incomplete)
{
	ERR("UTF-8", "GB18030", "\xd5\xc5\xc8", TEXT_CONV_INCOMPLETE, 2);
	ERR("UTF-8", "GB18030", "x\x95\x32\xb7", TEXT_CONV_INCOMPLETE, 1);
	ERR("GB18030", "UTF-8", "张\xe4\xb8", TEXT_CONV_INCOMPLETE, 3);
	ERR("GB18030", "UTF-8", "ab\xf0\xa0\x88", TEXT_CONV_INCOMPLETE, 2);
}
END_TEST

START_TEST(test_conv_unmappable)
{
	/* GBK has no supplementary-plane characters */
	ERR("GBK", "UTF-8", "张𠈌", TEXT_CONV_UNMAPPABLE, 3);
	ERR("GBK", "UTF-8", "ab𡃁", TEXT_CONV_UNMAPPABLE, 2);
	/* the same through a non-UTF-8 source */
	ERR("GBK", "GB18030", "\xd5\xc5\x95\x32\xb7\x30", TEXT_CONV_UNMAPPABLE, 2);
	ERR("ASCII", "UTF-8", "abc张", TEXT_CONV_UNMAPPABLE, 3);
}
END_TEST

START_TEST(test_conv_unsupported)
{
	char *out = (char *)"x";
	size_t outlen;

	ck_assert_int_eq(text_conv("NO-SUCH-CHARSET", "UTF-8", "a", 1, &out, &outlen, NULL),
	                 TEXT_CONV_UNSUPPORTED);
	ck_assert_ptr_null(out);
}
END_TEST

START_TEST(test_conv_grows)
{
	/* UTF-32 is four times ASCII: the output buffer must grow */
	enum { N = 10000 };
	char *in = malloc(N);
	char *out = NULL;
	size_t outlen = 0;

	ck_assert_ptr_nonnull(in);
	memset(in, 'a', N);
	ck_assert_int_eq(text_conv("UTF-32LE", "UTF-8", in, N, &out, &outlen, NULL), TEXT_CONV_OK);
	ck_assert_uint_eq(outlen, 4 * N);
	ck_assert_mem_eq(out + 4 * (N - 1), "a\0\0\0", 4);
	free(out);
	free(in);
}
END_TEST

START_TEST(test_conv_strerror)
{
	static const int errs[] = {
		TEXT_CONV_ILLEGAL, TEXT_CONV_INCOMPLETE, TEXT_CONV_UNMAPPABLE,
		TEXT_CONV_UNSUPPORTED, TEXT_CONV_NOMEM,
	};

	for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
		const char *m = text_conv_strerror(errs[i]);
		ck_assert_ptr_nonnull(m);
		ck_assert_uint_gt(strlen(m), 10);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(m, text_conv_strerror(errs[j]));
	}
	ck_assert_ptr_nonnull(text_conv_strerror(-1));
	ck_assert_ptr_nonnull(text_conv_strerror(999));
}
END_TEST

START_TEST(test_ascii_lower)
{
	char s[] = "ABC张Xyz-Q9";

	ck_assert_ptr_eq(text_ascii_lower(s), s);
	ck_assert_str_eq(s, "abc张xyz-q9");
}
END_TEST

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc;

	tc = tcase_create("utf8");
	tcase_add_test(tc, test_decode);
	tcase_add_test(tc, test_decode_bad);
	tcase_add_test(tc, test_encode);
	tcase_add_test(tc, test_roundtrip_all_scalars);
	tcase_add_test(tc, test_valid);
	suite_add_tcase(s, tc);

	tc = tcase_create("width");
	tcase_add_test(tc, test_cp_width);
	tcase_add_test(tc, test_width);
	tcase_add_test(tc, test_fit);
	tcase_add_test(tc, test_pad);
	tcase_add_test(tc, test_pad_small_cap);
	suite_add_tcase(s, tc);

	tc = tcase_create("sanitize");
	tcase_add_test(tc, test_sanitize_escapes);
	tcase_add_test(tc, test_sanitize_controls);
	tcase_add_test(tc, test_sanitize_invalid);
	tcase_add_test(tc, test_is_clean);
	tcase_add_test(tc, test_check_typed);
	suite_add_tcase(s, tc);

	tc = tcase_create("conv");
	tcase_add_test(tc, test_conv_gb18030_roundtrip);
	tcase_add_test(tc, test_conv_gbk);
	tcase_add_test(tc, test_conv_illegal);
	tcase_add_test(tc, test_conv_incomplete);
	tcase_add_test(tc, test_conv_unmappable);
	tcase_add_test(tc, test_conv_unsupported);
	tcase_add_test(tc, test_conv_grows);
	tcase_add_test(tc, test_conv_strerror);
	suite_add_tcase(s, tc);

	tc = tcase_create("misc");
	tcase_add_test(tc, test_ascii_lower);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(text_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
