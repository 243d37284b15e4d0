/* check-wire.c: the bytes a search keystroke sends to the terminal, on a
 * UTF-8 and a GB18030 terminal (TERM=xterm, 80x24), as the demo's village
 * worker (anning) with residents added to 安宁村, every column of the list
 * filled.  "o" shows 欧爱华 (ou ai) above the 欧建 (ou jian) residents;
 * "j" takes it away and shifts the rest up: six whose given names begin
 * with g (刚 高 功 国 光 贵), then 欧建华 and 欧建军.  "g" changes the query
 * line and clears the two rows below the six.  What each key sends is
 * held to what changed on the screen, row by row (each changed row's new
 * text from its first changed character, in the terminal's encoding, and
 * 24 bytes for its cursor move, attributes and clearing; 16 for the
 * cursor's return): a repaint of the list's rows (wredrawln, clearok)
 * sends every row again and fails.  Afterwards the screen shows the
 * query, the six in the order "oj" showed them, whole, the first in
 * reverse, nothing below them, the cursor back in the search box. */
#include "config.h"

#include <check.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "testdb.h"
#include "util.h"
#include "screen.h"

/* the names of 安宁村's added residents; the first six match "ojg" */
static const char *const gnames[] = {"欧建刚", "欧建高", "欧建功", "欧建国", "欧建光", "欧建贵"};
static const char *const others[] = {"欧爱华", "欧建华", "欧建军", "吴芳芳", "李秀兰"};

static void
put_one(store_txn *t, const char *village, const char *name, size_t i)
{
	record *r = record_new(REC_RESIDENT);
	char idn[32];
	snprintf(idn, sizeof idn, "5104211960%02zu%02zu123X", i % 12 + 1, i % 28 + 1);
	record_set(r, "name", name);
	record_set(r, "village", village);
	record_set(r, "status", "active");
	record_set(r, "sex", i % 2 ? "f" : "m");
	record_set(r, "idnum", idn);
	record_set(r, "group", "3");
	record_set(r, "categories", i % 2 ? "dibao" : "elder_alone");
	store_put(t, r);
	record_free(r);
}

static int
fill_txn(store_txn *t, void *ctx)
{
	const char *village = ctx;
	for (size_t i = 0; i < NELEM(gnames); i++)
		put_one(t, village, gnames[i], i);
	for (size_t i = 0; i < NELEM(others); i++)
		put_one(t, village, others[i], NELEM(gnames) + i);
	return store_txn_error(t);
}

/* The demo database in a new folder, with the residents above in 安宁村. */
static char *
make_db(void)
{
	char *dir = testdb_dir("wire");
	vt *t = screen_start(dir, 0, true, "anning", NULL);
	expect(t, "主菜单");
	quit_f10(t, 1);
	vt_free(t);
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	record *unit[4];
	size_t n;
	struct search_pos pos = {0};
	struct search_query q = {.kind = REC_UNIT, .text = "安宁村"};
	ck_assert_int_eq(search_page(st, &q, &pos, unit, 4, &n), STORE_OK);
	ck_assert_uint_ge(n, 1);
	char village[REC_ID_TEXTMAX];
	rec_id_format(&unit[0]->id, village);
	for (size_t i = 0; i < n; i++)
		record_free(unit[i]);
	ck_assert_int_eq(store_write(st, fill_txn, village), STORE_OK);
	store_close(st);
	return dir;
}

/* The 24 rows of the screen, each malloc'd. */
static void
snap(vt *t, char *rows[24])
{
	for (int y = 0; y < 24; y++) {
		const char *r = vt_row(t, y);
		rows[y] = strdup(r ? r : "");
	}
}

static void
snap_free(char *rows[24])
{
	for (int y = 0; y < 24; y++)
		free(rows[y]);
}

/* Bytes of UTF-8 text s in the terminal's encoding. */
static size_t
encoded(const char *s, const char *encoding)
{
	if (strcmp(encoding, "UTF-8") == 0)
		return strlen(s);
	iconv_t cd = iconv_open(encoding, "UTF-8");
	ck_assert(cd != (iconv_t)-1);
	char out[1024], *ip = (char *)s, *op = out;
	size_t il = strlen(s), ol = sizeof out;
	ck_assert(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	iconv_close(cd);
	return sizeof out - ol;
}

/* What a keystroke may send, given the screen before and after: each row
 * that changed, its new text from its first changed character on in the
 * terminal's encoding and 24 bytes (the cursor moved there, attributes
 * set and reset, the rest of the row cleared); 16 for the cursor's
 * return to the search box.  *changed: how many rows changed. */
static size_t
what_changed(char *before[24], char *after[24], const char *encoding, int *changed)
{
	size_t bound = 16;
	*changed = 0;
	for (int y = 0; y < 24; y++) {
		if (strcmp(before[y], after[y]) == 0)
			continue;
		(*changed)++;
		/* from the first character that differs (the row's screen
		 * text: UTF-8, its characters whole) */
		const char *a = before[y], *b = after[y], *from = b;
		while (*a && *a == *b) {
			a++;
			b++;
			if (((unsigned char)*b & 0xC0) != 0x80)
				from = b;
		}
		bound += encoded(from, encoding) + 24;
	}
	return bound;
}

/* Wait until the search box shows typed, whole. */
static void
expect_query(vt *t, const char *typed)
{
	char want[64];
	snprintf(want, sizeof want, "查找： %s ", typed);
	expect(t, want);
	vt_pump(t, 300);   /* and whatever the same draw still sends */
}

/* One search keystroke: its bytes against what changed. */
static size_t
keystroke(vt *t, const char *key, const char *typed, int term, int *changed, size_t *bound)
{
	char *before[24], *after[24];
	snap(t, before);
	size_t b0 = vt_bytes_received(t);
	type(t, key);
	expect_query(t, typed);
	size_t sent = vt_bytes_received(t) - b0;
	snap(t, after);
	*bound = what_changed(before, after, screen_terms[term].encoding, changed);
	snap_free(before);
	snap_free(after);
	return sent;
}

/* The row (from 3 on) whose first word is name, or -1. */
static int
row_of(vt *t, const char *name)
{
	for (int y = 3; y < 20; y++) {
		const char *r = vt_row(t, y);
		while (r && *r == ' ')
			r++;
		if (r && strncmp(r, name, strlen(name)) == 0 && r[strlen(name)] == ' ')
			return y;
	}
	return -1;
}

START_TEST(test_search_keystroke_bytes)
{
	char *dir = make_db();
	vt *t = screen_start(dir, _i, true, "anning", "TERM=xterm");
	expect(t, "主菜单");
	keys(t, "1");
	expect(t, "查找");
	vt_pump(t, 500);
	int changed;
	size_t bound;
	type(t, "o");
	expect_query(t, "o");
	/* j: rows shift */
	size_t sent = keystroke(t, "j", "oj", _i, &changed, &bound);
	fprintf(stderr, "%s: \"j\" sent %zu bytes; %d rows changed, at most %zu\n",
	        screen_terms[_i].encoding, sent, changed, bound);
	if (sent > bound) {
		vt_dump(t);
		ck_abort_msg("\"j\" sent %zu bytes, more than what changed (%zu)", sent, bound);
	}
	/* the rows "oj" shows, in its order: 欧爱华 (ou ai) gone */
	ck_assert_int_eq(row_of(t, "欧爱华"), -1);
	char *shown[17];
	size_t nshown = 0;
	for (int y = 3; y < 20; y++) {
		const char *r = vt_row(t, y);
		while (*r == ' ')
			r++;
		if (*r)
			shown[nshown++] = strndup(r, strcspn(r, " "));
	}
	ck_assert_uint_eq(nshown, NELEM(gnames) + 2);   /* and 欧建华, 欧建军 */
	/* g: the query line, the rows below the six cleared */
	sent = keystroke(t, "g", "ojg", _i, &changed, &bound);
	fprintf(stderr, "%s: \"g\" sent %zu bytes; %d rows changed, at most %zu\n",
	        screen_terms[_i].encoding, sent, changed, bound);
	if (sent > bound) {
		vt_dump(t);
		ck_abort_msg("\"g\" sent %zu bytes, more than what changed (%zu)", sent, bound);
	}
	ck_assert_int_le(changed, 6);   /* the query and a few rows: not the list */
	/* the screen as it should be: the six of "oj"'s rows that match, in
	 * the same order, whole, the first chosen, nothing under them */
	int y = 3;
	for (size_t i = 0; i < nshown; i++) {
		bool g = false;
		for (size_t k = 0; k < NELEM(gnames); k++)
			g = g || strcmp(shown[i], gnames[k]) == 0;
		if (!g)
			continue;
		/* vt_row's buffer is reused by the next call (row_of's): a copy */
		char *r = strdup(vt_row(t, y));
		ck_assert_ptr_nonnull(r);
		ck_assert_msg(row_of(t, shown[i]) == y, "row %d: \"%s\", not %s", y, r, shown[i]);
		ck_assert_msg(strstr(r, "5104211960") && strstr(r, " 3 "), "row %d not whole: \"%s\"", y, r);
		free(r);
		y++;
	}
	ck_assert_int_eq(y, 3 + (int)NELEM(gnames));
	for (size_t i = 0; i < nshown; i++)
		free(shown[i]);
	ck_assert(vt_reverse(t, 3, 2));
	ck_assert(!vt_reverse(t, 4, 2));
	for (y = 3 + (int)NELEM(gnames); y < 20; y++)
		ck_assert_msg(*vt_row(t, y) == '\0', "row %d not empty: \"%s\"", y, vt_row(t, y));
	ck_assert_ptr_nonnull(strstr(vt_row(t, 2), "身份证号"));
	ck_assert_ptr_nonnull(strstr(vt_screen(t), "F10 返回"));
	int cy, cx;
	vt_cursor(t, &cy, &cx);
	ck_assert_int_eq(cy, 1);   /* back in the search box */
	quit_f10(t, 3);
	vt_free(t);
	testdb_rm(dir);
}
END_TEST

static Suite *
wire_suite(void)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("wire");
	tcase_set_timeout(tc, 180);
	tcase_add_loop_test(tc, test_search_keystroke_bytes, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(wire_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
