/* demo.h: a demo database with realistic sample data: a county, its
 * townships and villages, workers of each role, residents (some with
 * rare characters outside the BMP in their names), their needs, and a
 * few referrals from 安宁村 (worker anning) to 攀莲镇 (panlian): one
 * submitted, one accepted, one resolved with feedback.
 * The same seed gives the same data.  No curses. */
#ifndef SHEGONG_DEMO_H
#define SHEGONG_DEMO_H

#include "store.h"

struct demo_counts {
	size_t units, workers, residents, needs, referrals;
};

/* Fill an empty store.  login (the person trying the demo) becomes a
 * village worker of the first village.  Returns a store_err (or an
 * orgunit_err). */
int demo_fill(store *st, const char *login, unsigned seed, struct demo_counts *counts);

#endif
