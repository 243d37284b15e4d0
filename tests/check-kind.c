/* check-kind.c: the kinds' table (kind.c): the rules the screens read,
 * and one ID number, one resident, when two processes save at once. */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kind.h"
#include "valid.h"
#include "testdb.h"

#define ROUNDS 50

static struct formset *
forms(void)
{
	const char *d = getenv("SHEGONG_FORMSDIR");
	struct form_error err;
	struct formset *fs = formset_load(d && *d ? d : "../forms", &err);
	ck_assert_msg(fs != NULL, "%s:%d: %s", err.file, err.line, err.msg);
	return fs;
}

static void
idnum(char out[19], int seq)
{
	char first[18];
	snprintf(first, sizeof first, "51042119800101%03d", seq);
	snprintf(out, 19, "%s%c", first, valid_id_checkchar(first));
}

START_TEST(test_rules)
{
	ck_assert_str_eq(kind_rules(REC_RESIDENT)->unique, "idnum");
	ck_assert_int_eq(kind_rules(REC_RESIDENT)->related, KIND_REL_CASE);
	ck_assert_int_eq(kind_rules(REC_VOLUNTEER)->summary, KIND_SUM_HOURS);
	ck_assert_int_eq(kind_rules(REC_REFERRAL)->save, KIND_SAVE_REFER);
	ck_assert(kind_rules(REC_REFERRAL)->own_view);
	ck_assert_ptr_null(kind_rules(REC_NEED)->unique);
	ck_assert(kind_rules(REC_NEED)->counts_table);
	ck_assert(!kind_rules(REC_RESIDENT)->counts_table);
	ck_assert_ptr_nonnull(kind_rules(200));      /* a kind the table does not name */
	ck_assert_int_eq(kind_rules(200)->save, KIND_SAVE_STORE);
}
END_TEST

/* A saved resident's ID number: a second one is refused, the record as
 * it was; the first saved again (the same number, itself) is not. */
START_TEST(test_unique_one_process)
{
	struct db d = testdb_new("kind");
	struct formset *fs = forms();
	struct form *f = formset_for_kind(fs, REC_RESIDENT);
	char id[19];
	idnum(id, 1);
	record *a = record_new(REC_RESIDENT), *b = record_new(REC_RESIDENT);
	record_set(a, "name", "张三");
	record_set(a, "idnum", id);
	record_set(b, "name", "张三二");
	record_set(b, "idnum", id);
	ck_assert_int_eq(kind_save(d.st, f, a, NULL), STORE_OK);
	rec_id dup;
	ck_assert_int_eq(kind_save(d.st, f, b, &dup), STORE_EXISTS);
	ck_assert(rec_id_equal(&dup, &a->id));
	ck_assert_int_eq(b->version, 0);
	ck_assert_str_eq(record_get(b, "name"), "张三二");
	record_set(a, "name", "张三丰");
	ck_assert_int_eq(kind_save(d.st, f, a, NULL), STORE_OK);
	ck_assert_int_eq(a->version, 2);
	record_free(a);
	record_free(b);
	formset_free(fs);
	testdb_free(&d);
}
END_TEST

/* One worker's save: waits for the go (the pipe closed), saves, and
 * says how it went in its exit status: 0 saved, 1 refused as a
 * duplicate with the record as it was, 2 anything else. */
static void
child_save(const char *dir, const char *id, const char *name, int go)
{
	store *st;
	if (store_open(&st, dir, 0) != STORE_OK)
		_exit(2);
	store_set_user(st, name);
	struct formset *fs = forms();
	struct form *f = formset_for_kind(fs, REC_RESIDENT);
	record *r = record_new(REC_RESIDENT);
	if (!f || !r || record_set(r, "name", name) < 0 || record_set(r, "idnum", id) < 0)
		_exit(2);
	char c;
	if (read(go, &c, 1) != 0)
		_exit(2);
	rec_id dup;
	int err = kind_save(st, f, r, &dup);
	int status = 2;
	if (err == STORE_OK)
		status = 0;
	else if (err == STORE_EXISTS && r->version == 0 && r->id.seq == 0 &&
	         strcmp(record_get(r, "name"), name) == 0 && strcmp(record_get(r, "idnum"), id) == 0)
		status = 1;
	record_free(r);
	formset_free(fs);
	store_close(st);
	_exit(status);
}

struct count {
	const char *id;
	size_t n;
};

static int
count_one(const record *r, void *ctx)
{
	struct count *c = ctx;
	const char *v = record_get(r, "idnum");
	if (v && strcmp(v, c->id) == 0)
		c->n++;
	return 0;
}

static int
count_txn(store_txn *t, void *ctx)
{
	return store_scan(t, REC_RESIDENT, NULL, count_one, ctx);
}

START_TEST(test_unique_two_processes)
{
	struct db d = testdb_new("kindrace");
	for (int round = 0; round < ROUNDS; round++) {
		char id[19];
		idnum(id, 100 + round);
		int go[2];
		ck_assert_int_eq(pipe(go), 0);
		pid_t pid[2];
		for (int i = 0; i < 2; i++) {
			pid[i] = fork();
			ck_assert_int_ge(pid[i], 0);
			if (pid[i] == 0) {
				close(go[1]);
				child_save(d.dir, id, i ? "乙" : "甲", go[0]);
			}
		}
		close(go[0]);
		usleep(20000);      /* both ready, the forms read */
		close(go[1]);       /* go */
		int saved = 0, refused = 0;
		for (int i = 0; i < 2; i++) {
			int status;
			ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
			ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) < 2,
			              "round %d: a worker's save failed otherwise (status %d)", round, status);
			if (WEXITSTATUS(status) == 0)
				saved++;
			else
				refused++;
		}
		ck_assert_msg(saved == 1 && refused == 1, "round %d: %d saved, %d refused", round, saved,
		              refused);
		struct count c = {id, 0};
		ck_assert_int_eq(store_read(d.st, count_txn, &c), STORE_OK);
		ck_assert_msg(c.n == 1, "round %d: %zu residents with %s", round, c.n, id);
	}
	testdb_free(&d);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("kind");
	TCase *tc = tcase_create("kind");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_rules);
	tcase_add_test(tc, test_unique_one_process);
	tcase_add_test(tc, test_unique_two_processes);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
