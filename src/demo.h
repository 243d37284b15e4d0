/* demo.h: a demo database with realistic sample data: a county, its
 * townships and villages, workers of each role; in each village
 * households whose members' ages, sexes (from their ID numbers),
 * relations and categories agree (some with rare characters outside the
 * BMP in their names), needs that fit them, services of each of the six
 * functions in each of the last six months (relative to today), with
 * volunteers' hours and resources used, a registered organisation and an
 * unregistered dance team, resources and a project; follow-ups due
 * today; and referrals from 安宁村 (worker anning) to 攀莲镇 (panlian)
 * in every state, their histories dated on the days of their steps.
 * The same seed gives the same data.  No curses. */
#ifndef SHEGONG_DEMO_H
#define SHEGONG_DEMO_H

#include "store.h"

struct demo_counts {
	size_t units, workers, residents, needs, referrals;
	size_t services, volunteers, orgs, resources, projects;
};

/* Fill an empty store.  login (the person trying the demo) becomes a
 * village worker of the first village.  Returns a store_err (or an
 * orgunit_err). */
int demo_fill(store *st, const char *login, unsigned seed, struct demo_counts *counts);

#endif
