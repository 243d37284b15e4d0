/* report.h: the figures of a month or a quarter, by village: services by
 * function (as the forms list them) and the people they served, volunteer
 * hours, needs opened and met, referrals made and how long they took, and the
 * organisations being cultivated.  Worked out when asked, never stored,
 * through the store's policy (so a worker's figures are those of their
 * reach), as numbers in a struct that the command line, the screen and
 * the spreadsheet share.  No curses.
 *
 * What each figure counts (the README says it for the workers too):
 * - services: service records whose "date" is in the period, by their
 *   "function": one row for each function the forms list (the service
 *   forms' choice list, report_functions), one for a function they do not
 *   list (shown only when there is one), one for all.
 * - people served: the residents named in the "beneficiaries" of those
 *   services, each once however many services reached them, plus, for a
 *   service with a "headcount" (a community activity), the people it
 *   counts beyond those it names (headcount minus named, when more).
 *   Counted apart in each column and in each function's row, so the total
 *   column (or row) may be less than the sum of the others: a resident
 *   served in two villages, or by two functions, is one person.
 * - volunteer hours: the sum of the hours in the "volunteers" field
 *   (id:hours items) of those services.
 * - volunteers active: the volunteers named in that field, each once
 *   however many services they took part in (like people served, counted
 *   apart in each column).  Shown by the supervision table alone
 *   (report --supervision), not a row of report_rows.
 * - needs opened: need records whose "date" is in the period.
 * - needs met: need records whose status is "met" now and that were last
 *   changed in the period (local time): the need form keeps no date of
 *   its own for it, so a need edited again later moves to that month.
 * - referrals made: referral records whose "submitted" date is in the
 *   period, counted with the unit that sent them ("village").
 * - referrals resolved, and the turnaround: referrals whose "resolved"
 *   date is in the period, and the days from "submitted" to "resolved"
 *   (median and mean) over them.
 * - a specialised station's report (the worker's unit a station, route.h;
 *   report.received): a station makes no referral, it receives them, so
 *   its referral figures count the referrals addressed to it ("to_unit")
 *   instead: received (row "Referrals received", in referrals_made) by
 *   "submitted", resolved and the turnaround as above.  Every other
 *   report (a township's, a county's, whose reach holds a station) counts
 *   by the sender as before.
 * - organisations being cultivated: organisation records whose "stage"
 *   is "cultivating" now (the form keeps no date of the stage, so this
 *   is the same for every period).
 * A column is a village in the worker's reach; the total is every record
 * the worker reads, so records of a township's own (its "village" field
 * naming the township) are in the total alone. */
#ifndef SHEGONG_REPORT_H
#define SHEGONG_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "form.h"
#include "record.h"
#include "scope.h"
#include "store.h"

/* A month (months 1) or a quarter (months 3, month its first). */
struct report_period {
	int year, month, months;
};

/* "2026-03" or "2026-Q1" (also "2026-q1"); 0, or -1 when it is neither. */
int report_period_parse(const char *s, struct report_period *p);
/* The month of a date "YYYY-MM-DD" (today); -1 when it is not one. */
int report_period_month_of(const char *date, struct report_period *p);
/* The period just before (n = -1) or after (n = 1), n periods away. */
void report_period_step(struct report_period *p, int n);
/* The quarter holding a month, or the first month of a quarter. */
void report_period_toggle(struct report_period *p);
/* "2026-03" or "2026-Q1"; buf holds 16 bytes. */
char *report_period_format(const struct report_period *p, char *buf);
/* Whether the date "YYYY-MM-DD..." falls in the period. */
bool report_period_has(const struct report_period *p, const char *date);

/* The functions of the service records come from the forms: the choice
 * list of the service forms' "function" field ("choices service" in
 * forms/choices), in its order, so a new service form and its choice line
 * are a new row of the report with no change here.  NULL when the forms
 * have no service form or its "function" no list. */
const struct form_choices *report_functions(const struct formset *fs);

/* By function (services and people): one slot per function of the
 * report's list, then REPORT_OTHER(r) for a function the list does not
 * hold (a choice line taken away, a record imported or received with
 * another value), then REPORT_ALL(r) for every service. */
#define REPORT_OTHER(r) ((r)->nfunctions)
#define REPORT_ALL(r) ((r)->nfunctions + 1)

struct report_figures {
	/* by function: REPORT_ALL(r) + 1 slots each, inside the report's
	 * own block (never freed apart) */
	size_t *services, *people;
	double volunteer_hours;
	/* the volunteers named in those services, each once */
	size_t volunteers_active;
	size_t needs_opened, needs_met;
	size_t referrals_made, referrals_resolved;
	/* days from submitted to resolved, of the referrals resolved (0 when
	 * none was) */
	double turnaround_median, turnaround_mean;
	size_t orgs_cultivating;
};

/* A function of the report: the choice's value and label (untranslated,
 * as in the forms), copied so that the report outlives the forms. */
struct report_function {
	char *value, *label;
};

struct report_column {
	char unit[REC_ID_TEXTMAX];   /* the village's record id text */
	char code[16];               /* its division code */
	char *name;                  /* its name, malloc'd */
	struct report_figures f;
};

struct report {
	struct report_period period;
	size_t nfunctions;
	struct report_function *functions;
	size_t *slots;               /* every column's and the total's by-function counts */
	size_t ncols;
	struct report_column *cols;  /* the villages, in code order */
	struct report_figures total;
	/* a station's report: referrals_made counts those it received */
	bool received;
};

struct report_opts {
	struct report_period period;
	/* the worker's scope (the one attached to the store): which villages
	 * are columns.  NULL: every village */
	const struct scope *sc;
	/* one village only (its record id text), or NULL */
	const char *village;
	/* the functions (report_functions of the forms); NULL: none, every
	 * service counts under "other" */
	const struct form_choices *functions;
};

/* Work the figures out in t (a read transaction) into *out (zeroed first;
 * report_free it after).  Services and needs are read through the date
 * index, month by month; referrals and organisations through the village
 * index, unit by unit.  Returns a store_err. */
int report_compute(store_txn *t, const struct report_opts *o, struct report *out);
void report_free(struct report *r);

/* The services of each of months months ending with the period's last
 * month (oldest first), for each column and the total: counts[c * months +
 * m], the total's at c = ncols.  *counts is malloc'd, (ncols + 1) * months
 * entries; the columns are r's.  Returns a store_err. */
int report_trend(store_txn *t, const struct report_opts *o, const struct report *r,
                 int months, size_t **counts);

/* The figures of r as rows of a table, for whoever draws or writes them:
 * a label (translated, written into buf) and the value as text ("12",
 * "3.5"; "-" for a turnaround of no referral).  The first rows are the
 * services of each function, then of other functions (only when the
 * total has some: the row tells that records name a function the forms
 * no longer list), then all; the next the people served the same way.
 * The number of rows depends on r for that reason. */
size_t report_rows(const struct report *r);
const char *report_row_label(const struct report *r, size_t row, char *buf, size_t size);
/* The value of row in f (r's total or one of its columns), written into
 * buf (16 bytes); also its number. */
char *report_row_value(const struct report *r, const struct report_figures *f, size_t row,
                       char *buf, double *num);

/* Which figure a row of report_rows shows (its slot of services[] or
 * people[] aside): the order of the table's rows. */
enum report_figure {
	REPORT_SERVICES, REPORT_PEOPLE, REPORT_HOURS, REPORT_NEEDS_OPENED, REPORT_NEEDS_MET,
	REPORT_REFERRALS_MADE, REPORT_REFERRALS_RESOLVED, REPORT_DAYS_MEDIAN, REPORT_DAYS_MEAN,
	REPORT_ORGS,
};
enum report_figure report_row_figure(const struct report *r, size_t row);

/* Find a village by its 12-digit code in t: its record id text into id
 * (REC_ID_TEXTMAX bytes).  STORE_NOTFOUND when no village has the code. */
int report_village_by_code(store_txn *t, const char *code, char *id);

#endif
