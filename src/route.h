/* route.h: routing by category (分类转介): which specialised stations (a
 * minors' protection centre, a mental-health rehabilitation base ...: units
 * of level UNIT_STATION, orgunit.h) may receive a referral of a category
 * from a unit.  A station's unit record says in its field "takes" the
 * referral categories it takes (the referral form's values, comma-
 * separated).  A station serves the city, county or township it is
 * registered under: a unit may address one under its own township, its
 * county or its city (the level that has it), never one elsewhere; a
 * city's station only from its counties (or the city).  No curses. */
#ifndef SHEGONG_ROUTE_H
#define SHEGONG_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"
#include "store.h"

/* Errors of route_* beside the store's. */
enum route_err {
	ROUTE_OK = 0,
	ROUTE_NOTSTATION = 400,   /* the unit is no specialised station */
	ROUTE_NOTAKE,             /* the station does not take the category */
	ROUTE_AWAY,               /* the station serves another township or county */
	ROUTE_BADTAKES,           /* a takes list empty, or a category twice */
};
const char *route_strerror(int err);

/* Whether the comma-separated list takes names category. */
bool route_list_has(const char *takes, const char *category);
/* Whether the station unit (a unit record) takes category. */
bool route_takes(const record *unit, const char *category);
/* Whether a unit of code from may address the station of code station:
 * the station's parent code begins from's (from is that county or
 * township, or below it; for a city's station, the city or one of its
 * counties), and from is not the station. */
bool route_within(const char *from, const char *station);
/* Whether a referral of category from the unit of code from may go to
 * the unit to: ROUTE_OK when to is no station (the ordinary way up) or
 * a station within reach that takes it, else ROUTE_NOTAKE or ROUTE_AWAY. */
int route_check(const record *to, const char *from, const char *category);

/* Set the categories the station of code takes (takes: comma-separated,
 * each already checked against the referral form).  ROUTE_NOTSTATION,
 * ROUTE_BADTAKES, STORE_NOTFOUND or a store error. */
int route_set_takes(store_txn *t, const char *code, const char *takes);

/* A station that may receive a referral. */
struct route_station {
	char id[REC_ID_TEXTMAX];
	char code[16];
	char *name, *takes;
};
/* The stations a unit of code from may address a referral of category
 * to (category NULL: of any category), by code: those nearest first
 * (its township's before the county's).  One scan of the unit records
 * (a county has a few hundred). */
int route_stations(store_txn *t, const char *from, const char *category,
                   struct route_station **out, size_t *n);
void route_stations_free(struct route_station *v, size_t n);

#endif
