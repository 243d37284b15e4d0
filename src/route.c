/* route.c: routing by category (route.h): which specialised stations may
 * receive a referral of a category from a unit. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "orgunit.h"
#include "route.h"
#include "util.h"

const char *
route_strerror(int err)
{
	switch (err) {
	case ROUTE_NOTSTATION:
		return _("This unit is no specialised station: only a station (a code like "
		         "510421-01) takes referral categories.");
	case ROUTE_NOTAKE:
		return _("This station does not take referrals of this category: choose one that "
		         "does, or send it to the township.");
	case ROUTE_AWAY:
		return _("This station serves another township or county: choose one under your "
		         "own township or county.");
	case ROUTE_BADTAKES:
		return _("Say which referral categories the station takes, each once, separated by "
		         "commas (youth,mental).");
	default:
		return store_strerror(err);
	}
}

bool
route_list_has(const char *takes, const char *category)
{
	if (!takes || !category || !*category)
		return false;
	size_t n = strlen(category);
	for (const char *p = takes; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && memcmp(p, category, n) == 0)
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

bool
route_takes(const record *unit, const char *category)
{
	return orgunit_level_of(unit) == UNIT_STATION &&
	       route_list_has(record_get(unit, "takes"), category);
}

bool
route_within(const char *from, const char *station)
{
	if (!from || !station || orgunit_level_of_code(station) != UNIT_STATION)
		return false;
	size_t plen = strlen(station) - 3;
	/* a city's station takes what its counties (or the city) send up,
	 * not a township's or a village's straight past their county */
	if (plen == 4 && strlen(from) > 6)
		return false;
	return strcmp(from, station) != 0 && strlen(from) >= plen &&
	       strncmp(from, station, plen) == 0;
}

int
route_check(const record *to, const char *from, const char *category)
{
	if (orgunit_level_of(to) != UNIT_STATION)
		return ROUTE_OK;
	if (!route_within(from, record_get(to, "code")))
		return ROUTE_AWAY;
	return route_takes(to, category) ? ROUTE_OK : ROUTE_NOTAKE;
}

/* A takes list: non-empty items, none twice. */
static bool
takes_ok(const char *takes)
{
	if (!takes || !*takes)
		return false;
	for (const char *p = takes; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (!len)
			return false;
		for (const char *q = e ? e + 1 : NULL; q && *q;) {
			const char *qe = strchr(q, ',');
			size_t qlen = qe ? (size_t)(qe - q) : strlen(q);
			if (qlen == len && memcmp(p, q, len) == 0)
				return false;
			q = qe ? qe + 1 : NULL;
		}
		if (!e)
			return true;
		p = e + 1;
	}
	return false;   /* a trailing comma */
}

int
route_set_takes(store_txn *t, const char *code, const char *takes)
{
	if (orgunit_level_of_code(code) != UNIT_STATION)
		return ROUTE_NOTSTATION;
	if (!takes_ok(takes))
		return ROUTE_BADTAKES;
	record *u;
	int err = orgunit_by_code(t, code, &u);
	if (err)
		return err;
	err = record_set(u, "takes", takes) ? store_txn_fail(t, STORE_NOMEM) : store_put(t, u);
	record_free(u);
	return err;
}

struct stations {
	const char *from, *category;
	struct route_station *v;
	size_t n, cap;
	int err;
};

static int
station_one(const record *u, void *ctx)
{
	struct stations *s = ctx;
	const char *code = record_get(u, "code");
	if (!code || !route_within(s->from, code))
		return 0;
	if (s->category ? !route_takes(u, s->category) : orgunit_level_of(u) != UNIT_STATION)
		return 0;
	if (!util_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v))
		return s->err = STORE_NOMEM;
	struct route_station *st = &s->v[s->n];
	memset(st, 0, sizeof *st);
	rec_id_format(&u->id, st->id);
	snprintf(st->code, sizeof st->code, "%s", code);
	const char *name = record_get(u, "name"), *takes = record_get(u, "takes");
	st->name = strdup(name ? name : code);
	st->takes = strdup(takes ? takes : "");
	s->n++;
	if (!st->name || !st->takes)
		return s->err = STORE_NOMEM;
	return 0;
}

/* The nearest first (the longer parent code), then by code. */
static int
station_order(const void *a, const void *b)
{
	const struct route_station *x = a, *y = b;
	size_t lx = strlen(x->code), ly = strlen(y->code);
	if (lx != ly)
		return lx > ly ? -1 : 1;
	return strcmp(x->code, y->code);
}

int
route_stations(store_txn *t, const char *from, const char *category,
               struct route_station **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct stations s = {from, category, NULL, 0, 0, 0};
	int err = store_scan(t, REC_UNIT, NULL, station_one, &s);
	if (!err)
		err = s.err;
	if (err) {
		route_stations_free(s.v, s.n);
		return err;
	}
	if (s.n)
		qsort(s.v, s.n, sizeof *s.v, station_order);
	*out = s.v;
	*n = s.n;
	return 0;
}

void
route_stations_free(struct route_station *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].takes);
	}
	free(v);
}
