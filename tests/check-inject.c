/* check-inject.c: data that tries to reach the terminal.  Names and notes
 * holding escape sequences (CSI clear screen and cursor moves, OSC 0
 * titles, OSC 52 clipboard writes), C1 controls (U+0080-U+009F, U+009B
 * as an 8-bit CSI) and a raw 0x9B byte, saved through the library, are
 * shown in the list, the record and the case file of the real program in
 * a pseudo-terminal, a UTF-8 and a GB18030 one: the screen is not cleared, the title not set,
 * nothing copied, and the bytes the program wrote hold no OSC and no C1
 * from the data.  `shegong find` and `show` print them sanitised, and
 * `shegong import` of a CSV holding them refuses the rows and says so in
 * clean text. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "record.h"
#include "store.h"
#include "testdb.h"
#include "text.h"
#include "screen.h"

#define WAIT_MS 15000
#define PICTURE_ESC "\xe2\x90\x9b"   /* ␛: how an ESC from the data shows */
#define REPLACEMENT "\xef\xbf\xbd"   /* �: how a C1 control or a stray byte shows */

/* The hostile residents: every name starts 注入 so one search finds them
 * all, and each carries a different way to reach the terminal. */
static const struct {
	const char *name, *notes;
} hostile[] = {
	{"注入甲\033[2J\033[H清屏", "备注\033[10;1H\033[K光标\033[?1049l"},
	{"注入乙\033]0;pwned\007标题", "\033]52;c;cHduZWQ=\007剪贴\033]2;pwned\033\\"},
	{"注入丙\xc2\x9b" "2J\xc2\x85" "丙", "\xc2\x9d" "0;pwned\xc2\x9c" "八位"},
	{"注入丁\x9b" "2J丁", "\x9d" "52;c;eA==\x07\x9b" "H"},
};
#define NHOSTILE (sizeof hostile / sizeof hostile[0])

/* --- the bytes a terminal must never get -------------------------------- */

/* Why buf is not safe for a UTF-8 terminal (NULL when it is): an OSC or
 * DCS introducer, a C1 control encoded as UTF-8, or a byte that is not
 * UTF-8 (a raw 0x9B is CSI to some terminals).  The program's own
 * escape sequences (CSI, ESC ( B ...) are ASCII and pass. */
static const char *
unsafe(const char *buf, size_t len, size_t *at)
{
	for (size_t i = 0; i < len;) {
		*at = i;
		if (buf[i] == '\033' && i + 1 < len && (buf[i + 1] == ']' || buf[i + 1] == 'P'))
			return "an OSC or DCS sequence";
		uint32_t cp;
		size_t n = text_utf8_decode(buf + i, len - i, &cp);
		if (cp == TEXT_REPLACEMENT && n == 1)
			return "a byte that is not UTF-8";
		if (cp >= 0x80 && cp <= 0x9F)
			return "a C1 control";
		i += n;
	}
	return NULL;
}

/* The terminal's encoding in the screen test: on a GB18030 terminal the
 * bytes are read as GB18030 (every byte of it must decode), then checked
 * as above. */
static const char *term_enc = "UTF-8";

static void
assert_safe(const char *what, const char *buf, size_t len)
{
	size_t at = 0;
	char *conv = NULL;
	if (strcmp(term_enc, "UTF-8") != 0) {
		size_t clen, bad = 0;
		if (text_conv("UTF-8", term_enc, buf, len, &conv, &clen, &bad) != 0) {
			size_t from = bad > 40 ? bad - 40 : 0;
			fprintf(stderr, "%s: ...%.*s...\n", what, (int)(bad + 20 < len ? bad + 20 - from : len - from),
			        buf + from);
			ck_abort_msg("%s sent a byte that is not %s at byte %zu", what, term_enc, bad);
		}
		buf = conv;
		len = clen;
	}
	const char *why = unsafe(buf, len, &at);
	if (why) {
		size_t from = at > 40 ? at - 40 : 0;
		fprintf(stderr, "%s: ...%.*s...\n", what, (int)(at + 20 < len ? at + 20 - from : len - from),
		        buf + from);
		ck_abort_msg("%s sent %s at byte %zu", what, why, at);
	}
	free(conv);
}

/* The checker itself must see each kind of attack. */
START_TEST(test_unsafe_detects)
{
	size_t at;
	/* CSI is the program's own language too: the first resident's clear
	 * screen and cursor moves are caught on the screen instead */
	for (size_t i = 1; i < NHOSTILE; i++) {
		ck_assert_ptr_nonnull(unsafe(hostile[i].name, strlen(hostile[i].name), &at));
		ck_assert_ptr_nonnull(unsafe(hostile[i].notes, strlen(hostile[i].notes), &at));
	}
	ck_assert_ptr_null(unsafe("\033[2J\033[1;1H中文\033(B", 16, &at));
}
END_TEST

/* --- a demo database with the hostile residents ------------------------------ */

static int
first_village(const record *r, void *ctx)
{
	const char *v = record_get(r, "village");
	if (!v || !*v)
		return 0;
	snprintf(ctx, REC_ID_TEXTMAX, "%s", v);
	return 1;
}

static int
scan_village(store_txn *t, void *ctx)
{
	store_scan(t, REC_RESIDENT, NULL, first_village, ctx);
	return 0;
}

static int
put_hostile(store_txn *t, void *ctx)
{
	const char *village = ctx;
	for (size_t i = 0; i < NHOSTILE && !store_txn_error(t); i++) {
		record *r = record_new(REC_RESIDENT);
		record_set(r, "name", hostile[i].name);
		record_set(r, "notes", hostile[i].notes);
		record_set(r, "village", village);
		/* a household name too: the case file shows the household */
		record_set(r, "household", hostile[i].name);
		store_put(t, r);
		record_free(r);
	}
	return store_txn_error(t);
}

static char *
make_db(void)
{
	char *dir = testdb_dir("inject");
	char *cmd;
	ck_assert_int_ge(asprintf(&cmd, "'%s' --demo --db '%s' --as admin find resident 无此人 "
	                          ">/dev/null 2>&1 </dev/null", screen_bin(), dir), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	audit_attach(st);
	store_set_user(st, "admin");
	char village[REC_ID_TEXTMAX] = "";
	ck_assert_int_eq(store_read(st, scan_village, village), STORE_OK);
	ck_assert_str_ne(village, "");
	ck_assert_int_eq(store_write(st, put_hostile, village), STORE_OK);
	store_close(st);
	return dir;
}

/* --- the screens ------------------------------------------------------------- */

/* Nothing from the data got through so far: no title, no clipboard, no
 * OSC or C1 bytes, the text drawn before still there (a clear screen or
 * a cursor move obeyed would have wiped or overwritten it). */
static void
assert_untouched(vt *t, const char *where, const char *top, const char *bottom)
{
	/* first what must show: the data's ␛ or �, the rows as they were */
	for (int waited = 0;; waited += 50) {
		const char *screen = vt_screen(t);
		if ((strstr(screen, PICTURE_ESC) || strstr(screen, REPLACEMENT)) &&
		    (!top || strstr(screen, top)) && (!bottom || strstr(screen, bottom)))
			break;
		if (waited > 15000) {
			vt_dump(t);
			ck_abort_msg("%s: the screen lost its text, or shows no ␛ or �", where);
		}
		vt_pump(t, 50);
	}
	/* then the help screen: the program writes it after all it wrote
	 * before, so once it shows nothing more of that screen is to come */
	keys(t, KEY_F1);
	expect(t, "帮助：按键");
	if (vt_title(t))
		ck_abort_msg("%s: the title was set to \"%s\"", where, vt_title(t));
	ck_assert_msg(vt_osc_count(t) == 0, "%s: %zu OSC strings reached the terminal", where,
	              vt_osc_count(t));
	size_t len;
	const char *raw = vt_raw(t, &len);
	assert_safe(where, raw, len);
	keys(t, KEY_ESC);
	if (top)
		expect(t, top);
}

static char *
row_copy(vt *t, int row)
{
	const char *r = vt_row(t, row);
	ck_assert_ptr_nonnull(r);
	char *s = strdup(r);
	ck_assert_ptr_nonnull(s);
	ck_assert_msg(*s, "row %d is empty", row);
	return s;
}

START_TEST(test_screens)
{
	char *dir = make_db();
	term_enc = screen_terms[_i].encoding;
	vt *t = screen_start(dir, _i, true, "admin", NULL);
	expect(t, "居民");
	keys(t, "1");
	expect(t, "查找");
	ck_assert_int_eq(vt_type(t, "注入"), 0);
	for (size_t i = 0; i < NHOSTILE; i++)
		expect(t, i == 0 ? "注入甲" : i == 1 ? "注入乙" : i == 2 ? "注入丙" : "注入丁");
	char *top = row_copy(t, 0), *bottom = row_copy(t, 23);
	assert_untouched(t, "the list", top, bottom);
	free(top);
	free(bottom);

	/* each record, then its case file: found by its own name, so the
	 * one match is the one opened */
	static const char *const prefix[NHOSTILE] = {"注入甲", "注入乙", "注入丙", "注入丁"};
	for (size_t i = 0; i < NHOSTILE; i++) {
		keys(t, "\025");   /* Ctrl-U: an empty search */
		ck_assert_int_eq(vt_type(t, prefix[i]), 0);
		char want[64];
		snprintf(want, sizeof want, "查找： %s", prefix[i]);
		expect(t, want);
		vt_pump(t, 300);
		const char *first = vt_row(t, 3);
		if (!first || !strstr(first, prefix[i])) {
			vt_dump(t);
			ck_abort_msg("%s is not the first in the list", prefix[i]);
		}
		keys(t, KEY_ENTER);
		snprintf(want, sizeof want, "居民: %s", prefix[i]);
		expect(t, want);
		vt_pump(t, 300);
		top = row_copy(t, 0);
		bottom = row_copy(t, 23);
		assert_untouched(t, "a record", top, bottom);
		free(top);
		free(bottom);

		keys(t, KEY_F9);
		snprintf(want, sizeof want, "档案：%s", prefix[i]);
		expect(t, want);
		vt_pump(t, 300);
		top = row_copy(t, 0);
		bottom = row_copy(t, 23);
		assert_untouched(t, "the case file", top, bottom);
		free(top);
		free(bottom);
		keys(t, KEY_ESC);
		snprintf(want, sizeof want, "居民: %s", prefix[i]);
		expect(t, want);
		keys(t, KEY_ESC);
		expect(t, "查找");
	}
	for (int i = 0; i < 4 && !strstr(vt_screen(t), SCREEN_LEAVE_Q); i++)
		keys(t, KEY_F10);
	expect(t, SCREEN_LEAVE_Q);
	keys(t, "y");
	int status;
	ck_assert(vt_wait_exit(t, WAIT_MS, &status));
	size_t len;
	const char *raw = vt_raw(t, &len);
	assert_safe("the whole session", raw, len);
	ck_assert_ptr_null(vt_title(t));
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

/* --- the command line ---------------------------------------------------------- */

/* Run the program with args (already quoted for sh); stdout and stderr
 * together into *out (malloc'd).  Returns the exit status. */
static int
run(const char *dir, const char *args, char **out, size_t *len)
{
	char *cmd;
	ck_assert_int_ge(asprintf(&cmd, "LANG=C.UTF-8 LC_ALL=C.UTF-8 '%s' --demo --db '%s' --as admin %s "
	                          "2>&1 </dev/null", screen_bin(), dir, args), 0);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	free(cmd);
	size_t cap = 4096;
	*out = malloc(cap);
	*len = 0;
	size_t n;
	while ((n = fread(*out + *len, 1, cap - *len - 1, p)) > 0) {
		*len += n;
		if (cap - *len < 1024) {
			cap *= 2;
			*out = realloc(*out, cap);
			ck_assert_ptr_nonnull(*out);
		}
	}
	(*out)[*len] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(test_find_show)
{
	char *dir = make_db();
	char *out;
	size_t len;
	ck_assert_int_eq(run(dir, "find resident 注入", &out, &len), 0);
	assert_safe("shegong find", out, len);
	ck_assert_msg(memchr(out, '\033', len) == NULL, "an ESC in find's output");
	ck_assert_ptr_nonnull(strstr(out, PICTURE_ESC));
	/* each line's first column is the id: show each */
	size_t shown = 0;
	for (char *line = out; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *tab = strchr(line, '\t');
		if (tab && strncmp(line, "res-", 4) == 0) {
			*tab = '\0';
			char args[128], *o2;
			size_t l2;
			snprintf(args, sizeof args, "show '%s'", line);
			ck_assert_int_eq(run(dir, args, &o2, &l2), 0);
			assert_safe("shegong show", o2, l2);
			ck_assert_msg(memchr(o2, '\033', l2) == NULL, "an ESC in show's output");
			ck_assert_ptr_nonnull(strstr(o2, "注入"));
			free(o2);
			shown++;
		}
		line = nl ? nl + 1 : NULL;
	}
	ck_assert_uint_eq(shown, NHOSTILE);
	free(out);
	testdb_rm(dir);
}
END_TEST

/* An ID number of 510421 (米易县), born on date, with its check character. */
static void
idnum(char out[19], const char *date, int seq)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	snprintf(out, 19, "510421%s%03d", date, seq);
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

START_TEST(test_import)
{
	char *dir = make_db();
	char *csv;
	ck_assert_int_ge(asprintf(&csv, "%s/hostile.csv", dir), 0);
	FILE *f = fopen(csv, "w");
	ck_assert_ptr_nonnull(f);
	/* a header of its own that tries too: an unknown column is reported */
	fputs("\xef\xbb\xbf姓名,身份证号,村(社区),备注,\033]0;pwned\007\xc2\x9b" "2J\r\n", f);
	for (size_t i = 0; i < NHOSTILE; i++) {
		char id[19];
		idnum(id, "19800101", 600 + (int)i);
		fprintf(f, "\"%s\",%s,安宁村,\"%s\",x\r\n", hostile[i].name, id, hostile[i].notes);
	}
	/* and one whose notes alone carry the attack */
	char id[19];
	idnum(id, "19800101", 650);
	fprintf(f, "注入戊,%s,安宁村,\"\033]52;c;cHduZWQ=\007\",x\r\n", id);
	ck_assert_int_eq(fclose(f), 0);

	char *out, args[512];
	size_t len;
	snprintf(args, sizeof args, "import resident '%s'", csv);
	int rc = run(dir, args, &out, &len);
	assert_safe("shegong import", out, len);
	ck_assert_msg(memchr(out, '\033', len) == NULL, "an ESC in import's output:\n%s", out);
	ck_assert_msg(rc == 1, "import exited %d:\n%s", rc, out);
	free(out);
	/* refused, every row: nothing of it saved */
	ck_assert_int_eq(run(dir, "find resident 注入戊", &out, &len), 0);
	ck_assert_ptr_null(strstr(out, "注入戊"));
	free(out);

	/* --skip-bad: the rows go aside, the file of bad rows holds them as
	 * they were (it is data, not the terminal), and the messages are clean */
	snprintf(args, sizeof args, "import resident '%s' --skip-bad", csv);
	rc = run(dir, args, &out, &len);
	assert_safe("shegong import --skip-bad", out, len);
	ck_assert_msg(memchr(out, '\033', len) == NULL, "an ESC in import's output:\n%s", out);
	free(out);
	ck_assert_int_eq(run(dir, "find resident 注入戊", &out, &len), 0);
	ck_assert_ptr_null(strstr(out, "注入戊"));
	free(out);
	free(csv);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("inject");
	TCase *tc = tcase_create("inject");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_unsafe_detects);
	tcase_add_test(tc, test_find_show);
	tcase_add_test(tc, test_import);
	tcase_add_loop_test(tc, test_screens, 0, 2);
	suite_add_tcase(s, tc);
	screen_pump_ms = 200;   /* keys: the program draws a while longer */
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
