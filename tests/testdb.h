/* testdb.h: temporary databases for the unit tests, made under $TMPDIR
 * (or /tmp) and removed after. */
#ifndef SHEGONG_TESTDB_H
#define SHEGONG_TESTDB_H

#include "store.h"

/* A new empty folder $TMPDIR/shegong-TAG-XXXXXX; malloc'd. */
char *testdb_dir(const char *tag);
/* Remove the folder and all in it, and free dir. */
void testdb_rm(char *dir);
/* Create (or open) a database in dir, saving as "tester". */
store *testdb_open(const char *dir);

/* A folder and its open database together. */
struct db {
	char *dir;
	store *st;
};
struct db testdb_new(const char *tag);
void testdb_free(struct db *d);

#endif
