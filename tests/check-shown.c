/* check-shown.c: one rule for a field's value as shown (shown.h): what
 * `show` prints, what `export` writes and what the screen shows for the
 * same record agree with shown_value.  Runs the real program
 * ($SHEGONG_BIN) on the demo, on the command line and in a terminal. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "search.h"
#include "shown.h"
#include "store.h"
#include "screen.h"
#include "testdb.h"
#include "util.h"

static char *dir;
static struct formset *fs;

static void
setup(void)
{
	dir = testdb_dir("shown");
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "'%s' --demo --db '%s' </dev/null >/dev/null 2>&1",
	         getenv("SHEGONG_BIN"), dir);
	ck_assert_int_ne(system(cmd), -1);
	struct form_error fe;
	fs = formset_load(getenv("SHEGONG_FORMSDIR"), &fe);
	ck_assert_ptr_nonnull(fs);
}

static void
teardown(void)
{
	formset_free(fs);
	testdb_rm(dir);
}

/* The program's whole output; malloc'd. */
static char *
run(const char *args)
{
	char cmd[16384];
	snprintf(cmd, sizeof cmd, "LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE= '%s' --demo --db '%s' --as admin %s 2>&1",
	         getenv("SHEGONG_BIN"), dir, args);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	struct strbuf b = {0};
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		sb_add(&b, chunk, n);
	ck_assert_int_eq(pclose(p), 0);
	return sb_detach(&b);
}

/* The CSV's cells of the row whose first cell is id, by the header's
 * labels (RFC 4180, ="..." for digit strings). */
static char **
csv_split(const char *line, size_t *n)
{
	char **cells = calloc(256, sizeof *cells);
	*n = 0;
	const char *p = line;
	for (;;) {
		struct strbuf c = {0};
		sb_str(&c, "");
		if (p[0] == '=' && p[1] == '"')
			p++;
		if (*p == '"') {
			for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
				if (*p == '"')
					p++;
				sb_add(&c, p, 1);
			}
			if (*p)
				p++;
		} else {
			size_t k = strcspn(p, ",\r\n");
			sb_add(&c, p, k);
			p += k;
		}
		cells[(*n)++] = sb_detach(&c);
		if (*p != ',' || *n == 256)
			break;
		p++;
	}
	return cells;
}

/* The first record of the kind with a value in a field of type `type`. */
struct first {
	int type;
	record *r;
	const struct form *f;
};

static int
first_one(const record *r, void *ctx)
{
	struct first *fi = ctx;
	const struct form *f = formset_for_record(fs, r);
	for (size_t i = 0; f && i < f->nfields; i++) {
		const char *v = record_get(r, f->fields[i].name);
		if ((int)f->fields[i].type == fi->type && v && *v && form_relevant(&f->fields[i], r)) {
			fi->r = record_dup(r);
			fi->f = f;
			return 1;
		}
	}
	return 0;
}

struct first_txn {
	int kind;
	struct first *fi;
};

static int
first_txn(store_txn *t, void *ctx)
{
	struct first_txn *ft = ctx;
	int err = store_scan(t, ft->kind, NULL, first_one, ft->fi);
	return err > 0 ? 0 : err;
}

/* Every field of the first record of kind with a field of type `type`:
 * show's line and export's cell are shown_value's. */
static void
agree(int kind, const char *kindname, int type)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	struct first fi = {type, NULL, NULL};
	struct first_txn ft = {kind, &fi};
	ck_assert_int_eq(store_read(st, first_txn, &ft), STORE_OK);
	ck_assert_msg(fi.r != NULL, "the demo has a %s with such a field", kindname);
	char idt[REC_ID_TEXTMAX];
	rec_id_format(&fi.r->id, idt);

	char args[8192];
	snprintf(args, sizeof args, "show %s", idt);
	char *shown = run(args);
	char csv[4096];
	snprintf(csv, sizeof csv, "%s/out.csv", dir);
	snprintf(args, sizeof args, "export %s --form %s --encoding utf-8 '%s'", kindname, fi.f->name, csv);
	free(run(args));
	FILE *f = fopen(csv, "r");
	ck_assert_ptr_nonnull(f);
	char *line = NULL, *header = NULL;
	size_t cap = 0, nh = 0, nc = 0;
	char **hcells = NULL, **cells = NULL;
	while (getline(&line, &cap, f) > 0) {
		if (!header) {
			header = strdup(line + (strncmp(line, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0));
			hcells = csv_split(header, &nh);
			continue;
		}
		size_t n;
		char **c = csv_split(line, &n);
		bool mine = false;
		for (size_t i = 0; i < n; i++)
			mine |= strcmp(c[i], idt) == 0;
		if (mine) {
			cells = c;
			nc = n;
			break;
		}
		for (size_t i = 0; i < n; i++)
			free(c[i]);
		free(c);
	}
	fclose(f);
	ck_assert_msg(cells != NULL, "export wrote %s", idt);

	struct form_env env = {"admin", NULL, "2026-01-01", false, 0, NULL};
	size_t compared = 0;
	for (size_t i = 0; i < fi.f->nfields; i++) {
		const struct form_field *fd = &fi.f->fields[i];
		if (fd->type == FT_CALCULATE || !form_relevant(fd, fi.r))
			continue;   /* calculated against today: the day may differ */
		char *plain = shown_value_read(st, fd, fi.r, &env, 0);
		char *withid = shown_value_read(st, fd, fi.r, &env, SHOWN_IDS);
		ck_assert_ptr_nonnull(plain);
		ck_assert_ptr_nonnull(withid);
		/* the command line adds the ids, and only them */
		if (fd->type != FT_REFERENCES && fd->type != FT_AMOUNTS)
			ck_assert_msg(strncmp(withid, plain, strlen(plain)) == 0,
			              "%s: \"%s\" / \"%s\"", fd->name, plain, withid);
		/* show: "Label: value" (a note's later lines indented) */
		if (!strchr(withid, '\n')) {
			char want[2048];
			snprintf(want, sizeof want, "\n%s: %s\n", fd->label, withid);
			ck_assert_msg(strstr(shown, want), "show's %s is \"%s\"", fd->name, withid);
		}
		/* export: the column labelled with the field */
		for (size_t c = 0; c < nh && c < nc; c++) {
			char *h = hcells[c];
			h[strcspn(h, "\r\n")] = '\0';
			if (strcmp(h, fd->label) == 0) {
				ck_assert_msg(strcmp(cells[c], plain) == 0, "export's %s is \"%s\", shown \"%s\"",
				              fd->name, cells[c], plain);
				compared++;
			}
		}
		if (fd->type == (unsigned)type) {
			ck_assert_msg(strcmp(plain, record_get(fi.r, fd->name)) != 0,
			              "%s names its record, not the id", fd->name);
			ck_assert(strstr(withid, record_get(fi.r, fd->name)) ||
			          type == FT_REFERENCES);
		}
		free(plain);
		free(withid);
	}
	ck_assert_uint_gt(compared, 2);
	for (size_t i = 0; i < nh; i++)
		free(hcells[i]);
	for (size_t i = 0; i < nc; i++)
		free(cells[i]);
	free(hcells);
	free(cells);
	free(header);
	free(line);
	free(shown);
	record_free(fi.r);
	store_close(st);
}

START_TEST(test_reference)
{
	agree(REC_NEED, "need", FT_REFERENCE);
}
END_TEST

/* A list of records: "张三、李四", and with their ids on the command line. */
struct two {
	record *r[2];
};

static int
two_one(const record *r, void *ctx)
{
	struct two *tw = ctx;
	tw->r[tw->r[0] ? 1 : 0] = record_dup(r);
	return tw->r[1] ? 1 : 0;
}

static int
two_txn(store_txn *t, void *ctx)
{
	int err = store_scan(t, REC_RESIDENT, NULL, two_one, ctx);
	return err > 0 ? 0 : err;
}

START_TEST(test_references)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	struct two tw = {{NULL, NULL}};
	ck_assert_int_eq(store_read(st, two_txn, &tw), STORE_OK);
	ck_assert_ptr_nonnull(tw.r[1]);
	char a[REC_ID_TEXTMAX], b[REC_ID_TEXTMAX], list[128], want[512];
	rec_id_format(&tw.r[0]->id, a);
	rec_id_format(&tw.r[1]->id, b);
	const struct form *f = formset_for_kind(fs, REC_ORG);
	const struct form_field *fd = NULL;
	for (size_t i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].name, "members") == 0)
			fd = &f->fields[i];
	ck_assert_ptr_nonnull(fd);
	record *org = record_new(REC_ORG);
	snprintf(list, sizeof list, "%s,%s", a, b);
	record_set(org, "members", list);
	struct form_env env = {"admin", NULL, "2026-01-01", false, 0, NULL};
	char *plain = shown_value_read(st, fd, org, &env, 0);
	snprintf(want, sizeof want, "%s、%s", record_get(tw.r[0], "name"), record_get(tw.r[1], "name"));
	ck_assert_str_eq(plain, want);
	char *withid = shown_value_read(st, fd, org, &env, SHOWN_IDS);
	snprintf(want, sizeof want, "%s (%s)、%s (%s)", record_get(tw.r[0], "name"), a,
	         record_get(tw.r[1], "name"), b);
	ck_assert_str_eq(withid, want);
	free(plain);
	free(withid);
	/* a record gone: its id */
	snprintf(list, sizeof list, "%s-999999", "res-000000000001");
	record_set(org, "members", list);
	plain = shown_value_read(st, fd, org, &env, 0);
	ck_assert_str_eq(plain, list);
	free(plain);
	record_free(org);
	record_free(tw.r[0]);
	record_free(tw.r[1]);
	store_close(st);
}
END_TEST

/* The screens: a resident opened from the list shows its village as
 * shown_value gives it (ui_field_text), never the village's id. */
START_TEST(test_screen)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	struct two tw = {{NULL, NULL}};
	ck_assert_int_eq(store_read(st, two_txn, &tw), STORE_OK);
	record *r = tw.r[0];
	const struct form *f = formset_for_kind(fs, REC_RESIDENT);
	const struct form_field *fd = NULL;
	for (size_t i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].name, "village") == 0)
			fd = &f->fields[i];
	ck_assert_ptr_nonnull(fd);
	const char *idnum = record_get(r, "idnum"), *village = record_get(r, "village");
	ck_assert_ptr_nonnull(idnum);
	ck_assert_ptr_nonnull(village);
	struct form_env env = {"admin", NULL, "2026-01-01", false, 0, NULL};
	char *want = shown_value_read(st, fd, r, &env, 0);
	ck_assert_str_ne(want, village);
	store_close(st);

	vt *t = screen_start(dir, 0, true, "admin", NULL);
	expect(t, "居民");
	keys(t, "1");
	expect(t, "查找");
	type(t, idnum);   /* one resident has it */
	expect(t, record_get(r, "name"));
	keys(t, KEY_ENTER);
	expect(t, "F4");
	expect(t, want);
	ck_assert_msg(!strstr(vt_screen(t), village), "the screen shows the village's id");
	quit_f10(t, 4);
	vt_free(t);
	free(want);
	record_free(tw.r[0]);
	record_free(tw.r[1]);
}
END_TEST

/* A community-governance service as version 1 of its form saved it, with
 * "participants", a field version 2 took out. */
struct old_service {
	const char *village;
	char id[REC_ID_TEXTMAX];
};

static int
old_service_txn(store_txn *t, void *ctx)
{
	struct old_service *os = ctx;
	record *r = record_new(REC_SERVICE);
	record_set(r, "_form", "service_governance");
	record_set(r, "function", "governance");
	record_set(r, "content", "旧表议事会，商量修渠");
	record_set(r, "date", "2026-11-02");
	record_set(r, "village", os->village);
	record_set(r, "work_kind", "group");
	record_set(r, "participants", "37");
	r->form_version = 1;
	store_put(t, r);
	rec_id_format(&r->id, os->id);
	record_free(r);
	return store_txn_error(t);
}

/* An old record's retired field is shown by the label its form keeps for
 * it (参加人数（旧表）), never by its field name, with its value kept. */
START_TEST(test_retired_field)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
	record *unit[1];
	size_t n;
	struct search_pos pos = {0};
	struct search_query q = {.kind = REC_UNIT, .text = "安宁村"};
	ck_assert_int_eq(search_page(st, &q, &pos, unit, 1, &n), STORE_OK);
	ck_assert_uint_eq(n, 1);
	char village[REC_ID_TEXTMAX];
	rec_id_format(&unit[0]->id, village);
	record_free(unit[0]);
	struct old_service os = {village, ""};
	ck_assert_int_eq(store_write(st, old_service_txn, &os), STORE_OK);
	store_close(st);
	/* show: by the label too, marked as kept */
	char args[64];
	snprintf(args, sizeof args, "show %s", os.id);
	char *shown = run(args);
	ck_assert_msg(strstr(shown, "\nParticipants (old form): 37"), "%s", shown);
	ck_assert_msg(!strstr(shown, "\nparticipants:"), "%s", shown);
	free(shown);

	vt *t = screen_start(dir, _i, true, "anning", NULL);
	expect(t, "主菜单");
	type(t, "3");
	expect(t, "查找");
	type(t, "修渠");
	expect(t, "旧表议事会");
	keys(t, KEY_ENTER);
	expect(t, "F4");
	keys(t, KEY_END);          /* the kept field is the last row */
	expect(t, "参加人数（旧表）");
	int y = -1;
	for (int k = 2; k < 24; k++)
		if (strstr(vt_row(t, k), "参加人数（旧表）"))
			y = k;
	ck_assert_msg(y >= 0 && strstr(vt_row(t, y), "37"), "the old value is not beside its label:\n%s",
	              vt_screen(t));
	ck_assert_msg(!strstr(vt_screen(t), "participants"), "the screen shows the field's name:\n%s",
	              vt_screen(t));
	quit_f10(t, 4);
	vt_free(t);
}
END_TEST

static Suite *
shown_suite(void)
{
	Suite *s = suite_create("shown");
	TCase *tc = tcase_create("agree");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_reference);
	tcase_add_test(tc, test_references);
	tcase_add_test(tc, test_screen);
	tcase_add_loop_test(tc, test_retired_field, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(shown_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
