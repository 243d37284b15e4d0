/* demo.h: a demo database with realistic sample data: a county, its
 * townships and villages, workers of each role, residents (some with
 * rare characters outside the BMP in their names), and their needs.
 * The same seed gives the same data.  No curses. */
#ifndef SHEGONG_DEMO_H
#define SHEGONG_DEMO_H

#include "store.h"

struct demo_counts {
	size_t units, workers, residents, needs;
};

/* Fill an empty store.  login (the person trying the demo) becomes a
 * village worker of the first village.  Returns a store_err (or an
 * orgunit_err). */
int demo_fill(store *st, const char *login, unsigned seed, struct demo_counts *counts);

#endif
