/* household.h: a household: the residents of one village who share a
 * household number (户号), found through the store's household index
 * under the worker's scope, each with their open needs and newest
 * services; and what a family member registered from a resident takes
 * from them; a resident's case file entries (household_case).  The
 * household screen, the case file and the printed case file (print.c)
 * share it.  No curses. */
#ifndef SHEGONG_HOUSEHOLD_H
#define SHEGONG_HOUSEHOLD_H

#include <stdbool.h>
#include <stddef.h>

#include "form.h"
#include "record.h"
#include "store.h"

/* The fields a new family member takes from the resident they are
 * registered from: household number, village, group, address.
 * NULL-ended. */
extern const char *const household_carried[];

/* r's household number, NULL when it has none (or only blanks). */
const char *household_number(const record *r);

/* Whether a need is still to be answered: open, in progress or referred
 * (not met, closed, or any other status). */
bool household_need_open(const record *need);

struct household_member {
	record *r;              /* the resident */
	record **needs;         /* their open needs, oldest first */
	size_t nneeds;
	record **services;      /* the newest services that name them, newest first */
	size_t nservices;
	size_t services_all;    /* how many services name them in all */
};

struct household {
	struct household_member *m;
	size_t n;
	size_t self;            /* the member household_read started from */
};

/* The household of the resident id as the store's policy lets it be
 * read: every resident with its household number in its village (one
 * with no village set counts as in it), the resident alone when it has
 * no number; the head first, then spouse, parents, children,
 * grandchildren, siblings, others, each by age (oldest first); with each
 * member their open needs and up to recent of their newest services.
 * In any transaction; returns its error (STORE_NOTFOUND or STORE_DENIED
 * for id itself), h empty on failure.  household_free frees it. */
int household_read(store_txn *t, const rec_id *id, size_t recent, struct household *h);
/* The same in its own read transaction. */
int household_read_now(store *st, const rec_id *id, size_t recent, struct household *h);
void household_free(struct household *h);

/* A resident's case file (档案): every record that names them (through
 * the link index, as the store's policy lets it be read) and their
 * volunteer registration (a volunteer with the same ID number), each with
 * its date: its "date" field, else a "registered" date field (a
 * volunteer's), else the day it was made (local time); by date, oldest
 * first.  forms gives the fields' types (may be NULL: "date" only).  The
 * case file screen and the printed case file (print.c) share it.  In any
 * transaction; returns a store_err.  household_case_free frees it. */
struct case_entry {
	char date[16];
	record *r;
};
int household_case(store_txn *t, const struct formset *forms, const record *resident,
                   struct case_entry **out, size_t *n);
void household_case_free(struct case_entry *e, size_t n);

#endif
