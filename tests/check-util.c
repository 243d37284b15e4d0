/* check-util.c: unit tests for the shared small helpers (util.h, mo.h). */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mo.h"
#include "util.h"

START_TEST(test_nelem)
{
	int a[7];
	const char *b[] = {"x", "y", "z"};
	ck_assert_uint_eq(NELEM(a), 7);
	ck_assert_uint_eq(NELEM(b), 3);
	(void)a;
}
END_TEST

START_TEST(test_strbuf)
{
	struct strbuf b = {0};
	char *empty = sb_detach(&b);
	ck_assert_str_eq(empty, "");
	free(empty);

	sb_str(&b, "张三");
	sb_add(&b, "、abc", 4);   /* 、 is 3 bytes, then 'a' */
	sb_addf(&b, " %d/%s", 42, "x");
	ck_assert(!b.failed);
	ck_assert_str_eq(b.p, "张三、a 42/x");
	ck_assert_uint_eq(b.len, strlen("张三、a 42/x"));
	sb_add(&b, "", 0);
	ck_assert_str_eq(b.p, "张三、a 42/x");
	/* growing past the first capacity keeps what was there */
	for (int i = 0; i < 1000; i++)
		sb_str(&b, "0123456789");
	ck_assert_uint_eq(b.len, strlen("张三、a 42/x") + 10000);
	ck_assert(memcmp(b.p, "张三、a 42/x0123", strlen("张三、a 42/x0123")) == 0);
	ck_assert_int_eq(b.p[b.len], '\0');
	char *s = sb_detach(&b);
	ck_assert_ptr_null(b.p);
	ck_assert_uint_eq(b.len, 0);
	free(s);

	/* a failed buffer stays failed, and gives nothing */
	sb_str(&b, "kept");
	ck_assert(!sb_grow(&b, SIZE_MAX - 2));
	ck_assert(b.failed);
	sb_str(&b, "more");
	ck_assert_ptr_null(sb_detach(&b));
	ck_assert(!b.failed);
	sb_free(&b);
}
END_TEST

START_TEST(test_sb_read)
{
	FILE *f = tmpfile();
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 5000; i++)
		fputs("村民", f);
	fputc('\0', f);   /* bytes as they are, a NUL too */
	rewind(f);
	struct strbuf b = {0};
	sb_str(&b, ">");
	ck_assert(sb_read(&b, f, 1 << 20));
	ck_assert_uint_eq(b.len, 1 + 5000 * strlen("村民") + 1);
	ck_assert_int_eq(b.p[b.len - 1], '\0');
	ck_assert(memcmp(b.p, ">村民村民", strlen(">村民村民")) == 0);
	sb_free(&b);
	/* more than allowed fails the buffer */
	rewind(f);
	ck_assert(!sb_read(&b, f, 100));
	ck_assert_ptr_null(sb_detach(&b));
	fclose(f);
	/* an empty stream gives "" */
	f = tmpfile();
	ck_assert(sb_read(&b, f, 100));
	char *s = sb_detach(&b);
	ck_assert_str_eq(s, "");
	free(s);
	fclose(f);
}
END_TEST

START_TEST(test_grow)
{
	int *v = NULL;
	size_t cap = 0;
	ck_assert(util_grow((void **)&v, &cap, 0, sizeof *v));
	ck_assert_ptr_null(v);
	for (size_t n = 0; n < 1000; n++) {
		ck_assert(util_grow((void **)&v, &cap, n + 1, sizeof *v));
		ck_assert_uint_ge(cap, n + 1);
		v[n] = (int)n;
	}
	for (size_t n = 0; n < 1000; n++)
		ck_assert_int_eq(v[n], (int)n);
	size_t before = cap;
	ck_assert(util_grow((void **)&v, &cap, 10, sizeof *v));   /* room already */
	ck_assert_uint_eq(cap, before);
	/* too big to count: refused, the array as it was */
	ck_assert(!util_grow((void **)&v, &cap, SIZE_MAX / 2, sizeof *v));
	ck_assert_uint_eq(cap, before);
	ck_assert_int_eq(v[999], 999);
	free(v);
}
END_TEST

START_TEST(test_big_endian)
{
	unsigned char p[8];
	be_put64(p, 0x0102030405060708ull);
	static const unsigned char want[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	ck_assert(memcmp(p, want, 8) == 0);
	ck_assert_uint_eq(be_get64(p), 0x0102030405060708ull);
	be_put32(p, 0xdeadbeefu);
	ck_assert_uint_eq(p[0], 0xde);
	ck_assert_uint_eq(p[3], 0xef);
	ck_assert_uint_eq(be_get32(p), 0xdeadbeefu);
	be_put(p, 0x1234, 2);
	ck_assert_uint_eq(p[0], 0x12);
	ck_assert_uint_eq(p[1], 0x34);
	ck_assert_uint_eq(be_get(p, 2), 0x1234);
	/* byte order is numeric order */
	unsigned char a[8], b[8];
	be_put64(a, 255);
	be_put64(b, 256);
	ck_assert_int_lt(memcmp(a, b, 8), 0);
}
END_TEST

START_TEST(test_dates)
{
	ck_assert_int_eq(date_days_from_civil(1970, 1, 1), 0);
	ck_assert_int_eq(date_days_from_civil(2000, 3, 1), 11017);
	ck_assert_int_eq(date_days_from_civil(1969, 12, 31), -1);
	int y, m, d;
	date_civil_from_days(11017 - 1, &y, &m, &d);   /* 2000 is a leap year */
	ck_assert_int_eq(y, 2000);
	ck_assert_int_eq(m, 2);
	ck_assert_int_eq(d, 29);
	date_civil_from_days(date_days_from_civil(2100, 2, 28) + 1, &y, &m, &d);   /* 2100 is not */
	ck_assert_int_eq(m, 3);
	ck_assert_int_eq(d, 1);
	/* every day of four centuries goes there and back */
	for (int64_t z = date_days_from_civil(1900, 1, 1); z < date_days_from_civil(2300, 1, 1); z++) {
		date_civil_from_days(z, &y, &m, &d);
		ck_assert_int_eq(date_days_from_civil(y, m, d), z);
	}
	int64_t n;
	ck_assert(date_day_number("2026-12-02", &n));
	ck_assert_int_eq(n, date_days_from_civil(2026, 12, 2));
	ck_assert(date_day_number("2026-12-02 more", &n));
	ck_assert(!date_day_number("2026-13-02", &n));
	ck_assert(!date_day_number("2026-1-02", &n));
	ck_assert(!date_day_number("20x6-01-02", &n));
	ck_assert(!date_day_number(NULL, &n));
}
END_TEST

static char *
wrapped(int col, int indent, int width, const char *text)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(f);
	util_put_wrapped(f, col, indent, width, text);
	fclose(f);
	return out;
}

START_TEST(test_wrap)
{
	char *s = wrapped(0, 0, 10, "short");
	ck_assert_str_eq(s, "short\n");
	free(s);
	/* no blank at a wrapped line's start; continuation indented */
	s = wrapped(4, 2, 10, "abcdef ghij");
	ck_assert_str_eq(s, "abcdef\n  ghij\n");
	free(s);
	/* wide characters count two columns each */
	s = wrapped(0, 0, 6, "张三李四王五");
	ck_assert_str_eq(s, "张三李\n四王五\n");
	free(s);
	/* the text's own line ends start a new indented line */
	s = wrapped(3, 3, 20, "one\ntwo");
	ck_assert_str_eq(s, "one\n   two\n");
	free(s);
	/* no room at all: one character a line, so it always ends */
	s = wrapped(9, 9, 10, "张三");
	ck_assert_str_eq(s, "张\n         三\n");
	free(s);
}
END_TEST

/* A tiny little-endian .mo with one translation, written by hand. */
START_TEST(test_mo)
{
	char path[] = "/tmp/check-util-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "wb");
	const char *id = "Name", *tr = "姓名";
	uint32_t hdr[7] = {0x950412deu, 0, 1, 28, 36, 0, 0};
	uint32_t orig[2] = {(uint32_t)strlen(id), 44};
	uint32_t trans[2] = {(uint32_t)strlen(tr), 44 + (uint32_t)strlen(id) + 1};
	fwrite(hdr, 4, 7, f);   /* the test machine is little-endian or big: the reader takes both */
	fwrite(orig, 4, 2, f);
	fwrite(trans, 4, 2, f);
	fwrite(id, 1, strlen(id) + 1, f);
	fwrite(tr, 1, strlen(tr) + 1, f);
	fclose(f);
	struct mo m;
	mo_load(&m, path);
	ck_assert_ptr_nonnull(mo_get(&m, "Name"));
	ck_assert_str_eq(mo_get(&m, "Name"), "姓名");
	ck_assert_ptr_null(mo_get(&m, "Nam"));
	ck_assert_ptr_null(mo_get(&m, "Age"));
	mo_free(&m);
	/* not a catalogue: nothing found, nothing held */
	f = fopen(path, "wb");
	fputs("this is not a .mo file at all, just words", f);
	fclose(f);
	mo_load(&m, path);
	ck_assert_ptr_null(m.data);
	ck_assert_ptr_null(mo_get(&m, "Name"));
	mo_free(&m);
	mo_load(&m, "/nonexistent/shegong.mo");
	ck_assert_ptr_null(mo_get(&m, "Name"));
	unlink(path);
}
END_TEST

/* The old reader: every entry from the first, as mo_get did before it
 * used the catalogue's hash table.  The reference the new lookups must
 * agree with. */
static uint32_t
ref_u32(const struct mo *m, size_t off)
{
	const unsigned char *p = m->data + off;
	return m->big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
	              : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static const char *
ref_get(const struct mo *m, const char *msgid)
{
	size_t want = strlen(msgid);
	for (uint32_t i = 0; m->data && i < m->n; i++) {
		uint32_t len = ref_u32(m, m->orig + 8 * (size_t)i);
		uint32_t off = ref_u32(m, m->orig + 8 * (size_t)i + 4);
		if (len != want || memcmp(m->data + off, msgid, len) != 0)
			continue;
		uint32_t tlen = ref_u32(m, m->trans + 8 * (size_t)i);
		uint32_t toff = ref_u32(m, m->trans + 8 * (size_t)i + 4);
		return tlen ? (const char *)m->data + toff : NULL;
	}
	return NULL;
}

/* mo_get by the hash table and (hash_n cleared) by binary search, both
 * against the old linear scan. */
static void
same_as_ref(const struct mo *m, const char *msgid)
{
	struct mo nohash = *m;
	nohash.hash_n = 0;
	const char *want = ref_get(m, msgid), *got = mo_get(m, msgid), *bs = mo_get(&nohash, msgid);
	ck_assert_msg(got == want, "hash: %s: %s, not %s", msgid, got ? got : "NULL",
	              want ? want : "NULL");
	ck_assert_msg(bs == want, "binary search: %s: %s, not %s", msgid, bs ? bs : "NULL",
	              want ? want : "NULL");
}

/* Every msgid of the program's own zh_CN catalogue, and near misses of
 * each (one byte short, one more), found as the linear scan finds them. */
START_TEST(test_mo_catalogue)
{
	const char *dir = getenv("SHEGONG_LOCALEDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/zh_CN/LC_MESSAGES/shegong.mo", dir ? dir : "locale");
	struct mo m;
	mo_load(&m, path);
	ck_assert_msg(m.data != NULL, "no catalogue at %s", path);
	ck_assert_uint_gt(m.n, 1000);
	ck_assert_uint_gt(m.hash_n, m.n);   /* msgfmt writes a hash table */
	size_t found = 0;
	for (uint32_t i = 0; i < m.n; i++) {
		uint32_t len = ref_u32(&m, m.orig + 8 * (size_t)i);
		const char *id = (const char *)m.data + ref_u32(&m, m.orig + 8 * (size_t)i + 4);
		ck_assert_uint_eq(strlen(id), len);   /* no plurals in this catalogue */
		same_as_ref(&m, id);
		found += mo_get(&m, id) != NULL;
		char near[4096];
		if (len > 0 && len < sizeof near - 2) {
			memcpy(near, id, len - 1);
			near[len - 1] = '\0';
			same_as_ref(&m, near);
			memcpy(near, id, len);
			memcpy(near + len, "x", 2);
			same_as_ref(&m, near);
		}
	}
	/* all but the header (msgid "") are translated */
	ck_assert_uint_ge(found, m.n - 1);
	ck_assert_ptr_null(mo_get(&m, "no such message in the catalogue"));
	ck_assert_str_eq(mo_get(&m, "Name"), "姓名");
	mo_free(&m);
}
END_TEST

/* A catalogue with a context, a plural and an untranslated message,
 * compiled by msgfmt with its hash table and without (binary search). */
START_TEST(test_mo_msgfmt)
{
	char dir[] = "/tmp/check-util-mo-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char po[64], mo1[64], mo2[64], cmd[512];
	snprintf(po, sizeof po, "%s/t.po", dir);
	snprintf(mo1, sizeof mo1, "%s/hash.mo", dir);
	snprintf(mo2, sizeof mo2, "%s/nohash.mo", dir);
	FILE *f = fopen(po, "w");
	ck_assert_ptr_nonnull(f);
	fputs("msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n"
	      "\"Plural-Forms: nplurals=1; plural=0;\\n\"\n\n"
	      "msgid \"Name\"\nmsgstr \"姓名\"\n\n"
	      "msgctxt \"menu\"\nmsgid \"Open\"\nmsgstr \"打开\"\n\n"
	      "msgid \"Open\"\nmsgstr \"开启\"\n\n"
	      "msgid \"%d row\"\nmsgid_plural \"%d rows\"\nmsgstr[0] \"%d 行\"\n\n"
	      "msgid \"Untranslated\"\nmsgstr \"\"\n\n"
	      "msgid \"𠮷 outside the BMP\"\nmsgstr \"𠮷字\"\n",
	      f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "msgfmt -o '%s' '%s' && msgfmt --no-hash -o '%s' '%s'", mo1, po, mo2,
	         po);
	ck_assert_int_eq(system(cmd), 0);
	const char *const ids[] = {"Name", "menu\004Open", "Open", "%d row", "%d rows", "Untranslated",
	                           "𠮷 outside the BMP", "Nam", "Names", "zzz", "menu"};
	const char *const want[] = {"姓名", "打开", "开启", NULL, NULL, NULL, "𠮷字",
	                            NULL, NULL, NULL, NULL};
	for (int k = 0; k < 2; k++) {
		struct mo m;
		mo_load(&m, k ? mo2 : mo1);
		ck_assert_ptr_nonnull(m.data);
		if (k)
			ck_assert_uint_eq(m.hash_n, 0);
		else
			ck_assert_uint_gt(m.hash_n, 2);
		for (size_t i = 0; i < NELEM(ids); i++) {
			const char *got = mo_get(&m, ids[i]);
			ck_assert_msg(want[i] ? got && strcmp(got, want[i]) == 0 : !got, "%s: %s: %s",
			              k ? "no hash" : "hash", ids[i], got ? got : "NULL");
			same_as_ref(&m, ids[i]);
		}
		/* the header is the translation of "" */
		ck_assert_ptr_nonnull(strstr(mo_get(&m, ""), "charset=UTF-8"));
		same_as_ref(&m, "");
		mo_free(&m);
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static Suite *
util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	tcase_add_test(tc, test_nelem);
	tcase_add_test(tc, test_strbuf);
	tcase_add_test(tc, test_sb_read);
	tcase_add_test(tc, test_grow);
	tcase_add_test(tc, test_big_endian);
	tcase_add_test(tc, test_dates);
	tcase_add_test(tc, test_wrap);
	tcase_add_test(tc, test_mo);
	tcase_add_test(tc, test_mo_catalogue);
	tcase_add_test(tc, test_mo_msgfmt);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(util_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
