/* rollup.h: the figures of the sites below, as their exchanges brought
 * them (the townships' figures files, sync-tier.c), laid out as the
 * report's (report.h) for the same period, so that a county's report
 * shows its townships and their villages beside what its own database
 * holds: a column for each village of each township whose figures this
 * server keeps, a subtotal for each township (its villages and its own
 * records), a total of them all.  Counts only: the files carry no
 * personal data.  Only the townships in the worker's reach
 * (sync_figures_list).  No curses.
 *
 * The files carry services by function and needs opened by unit and
 * month, and (files with a "more" row, sync-tier.c) every other figure
 * of the report as the township's own report_compute worked it out:
 * those that add up (volunteer hours, needs met, referrals made and
 * resolved, their days, organisations) by unit and month, added here
 * over the period's months, the villages and the townships; those
 * counted once per period (people served by function, volunteers
 * active, the median days) by unit and period, month or quarter, the
 * row of the period itself: a village's its column's, a township's
 * whole (its report's total) its subtotal's, the subtotals added for
 * the total (a resident served by two townships is counted in each).
 * The median of several townships' days is not known: ROLLUP_NA there.
 * An older file, without them, shows ROLLUP_NA for them, never 0 nor a
 * figure worked out from something else; so does a county's subtotal
 * and the total when one township's file is older. */
#ifndef SHEGONG_ROLLUP_H
#define SHEGONG_ROLLUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"
#include "scope.h"
#include "store.h"

/* What a figure the files do not carry shows. */
#define ROLLUP_NA "—"

struct rollup_column {
	char code[16];      /* the village's code, or the township's for its subtotal */
	char town[16];      /* the township whose file brought it */
	char *name;         /* its name in this database, else its code; malloc'd */
	bool subtotal;      /* the township's subtotal: its villages and its own */
	int64_t made;       /* when the township made the file */
	struct report_figures f;
	bool carried;       /* its file carries the report's figures (below) */
	unsigned medians;   /* the medians of days it took: shown when one */
};

struct rollup {
	size_t ncols;
	struct rollup_column *cols; /* by township in code order: its villages, its subtotal */
	struct report_figures total; /* every township's */
	size_t *slots;              /* the by-function counts of every column and the total */
	bool total_carried;         /* every township's file carries them */
	unsigned total_medians;
};

/* The figures kept here of the townships in sc's reach, for r's period
 * and by r's functions, into *out (zeroed first; rollup_free it after;
 * no column when none is kept).  st is not in a transaction.  Returns a
 * store_err. */
int rollup_compute(store *st, const struct scope *sc, const struct report *r, struct rollup *out);
void rollup_free(struct rollup *ro);

/* The value of r's row in column col of ro (ro->ncols: the total) into
 * buf (16 bytes); ROLLUP_NA when its file does not carry it (an older
 * file), and for the median days of several townships together. */
const char *rollup_value(const struct report *r, const struct rollup *ro, size_t col, size_t row,
                         char *buf);
/* The volunteers active of column col (ro->ncols: the total), or
 * ROLLUP_NA. */
const char *rollup_active(const struct rollup *ro, size_t col, char *buf);
/* The name of a column as a header says it: the village's name, or
 * "NAME subtotal" for a township, with where it comes from: "(figures
 * of YYYY-MM-DD)", the day the township made them. */
char *rollup_column_label(const struct rollup_column *c, char *buf, size_t size);
/* "figures of YYYY-MM-DD" (local date of made) into buf. */
char *rollup_source(int64_t made, char *buf, size_t size);

#endif
