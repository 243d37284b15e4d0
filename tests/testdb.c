/* testdb.c: temporary databases for the unit tests. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "testdb.h"

char *
testdb_dir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char *dir;
	ck_assert_int_ge(asprintf(&dir, "%s/shegong-%s-XXXXXX", base && *base ? base : "/tmp", tag), 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

void
testdb_rm(char *dir)
{
	char *cmd;
	ck_assert_int_ge(asprintf(&cmd, "rm -rf '%s'", dir), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(dir);
}

store *
testdb_open(const char *dir)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_CREATE), STORE_OK);
	store_set_user(st, "tester");
	return st;
}

struct db
testdb_new(const char *tag)
{
	struct db d;
	d.dir = testdb_dir(tag);
	d.st = testdb_open(d.dir);
	return d;
}

void
testdb_free(struct db *d)
{
	store_close(d->st);
	testdb_rm(d->dir);
	d->dir = NULL;
	d->st = NULL;
}
