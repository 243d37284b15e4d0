/* today.h: the worker's day (今日待办): what is due for the worker's unit
 * now, gathered from the records.  The command line (`shegong today`)
 * and the screen ("today") share it.  No curses.
 *
 * - follow-ups: needs and services whose "followup" date (回访日期) falls
 *   in the next seven days or before.  A need's follow-up is done when
 *   the need is met or closed, or a service answering it (its "needs")
 *   is dated no more than seven days before the follow-up date or later;
 *   a service's when a later service names one of its beneficiaries or
 *   needs.
 * - referrals waiting for this worker's step (refer_list and
 *   refer_actions): received ones to accept, returned ones to revise,
 *   resolved ones whose feedback is to be closed, and the overdue ones
 *   the worker can act on.
 * - regular visits: residents on the register whose category (人员类别,
 *   the field "categories") has a visit interval in forms/visits, and no
 *   service naming them within that interval.
 * Only the records of the worker's own unit count (all for an
 * administrator or without a scope). */
#ifndef SHEGONG_TODAY_H
#define SHEGONG_TODAY_H

#include <stdbool.h>
#include <stddef.h>

#include "form.h"
#include "record.h"
#include "scope.h"
#include "store.h"

/* How often the residents of a category are visited (forms/visits):
 * every months months, or every days days when months is 0. */
struct today_visit {
	char category[32];
	int months, days;
};
struct today_visits {
	struct today_visit *v;
	size_t n;
};
/* Read DIR/visits: lines "CATEGORY EVERY", EVERY one of week, month,
 * quarter, halfyear, year, or a number of days; # comments and blank
 * lines.  A missing file is no visits (0).  -1 with a sentence naming the
 * line in why when a line is wrong. */
int today_visits_load(const char *dir, struct today_visits *out, char *why, size_t whysize);
void today_visits_free(struct today_visits *v);

/* Where an item is shown, in this order. */
enum today_group {
	TODAY_OVERDUE = 1,   /* 逾期: its date is past */
	TODAY_TODAY,         /* 今天 */
	TODAY_WEEK,          /* 本周: within the next six days */
	TODAY_VISIT,         /* 定期走访 */
};
/* What the step is. */
enum today_what {
	TODAY_NEED_FOLLOWUP = 1,
	TODAY_SERVICE_FOLLOWUP,
	TODAY_REF_ACCEPT,     /* received: accept (or return) it */
	TODAY_REF_REVISE,     /* sent and returned: revise and submit again */
	TODAY_REF_CLOSE,      /* sent and resolved: read the feedback and close */
	TODAY_REF_OVERDUE,    /* past its due date unanswered: answer it */
	TODAY_VISIT_DUE,
};
struct today_item {
	enum today_group group;
	enum today_what what;
	rec_id id;                    /* the record to open */
	char idtext[REC_ID_TEXTMAX];
	char date[16];                /* YYYY-MM-DD: due (a visit never made: today) */
	char *line;                   /* a short line, translated, UTF-8 */
};
struct today_list {
	struct today_item *items;     /* by group, then date, then line */
	size_t n;
	size_t overdue;               /* items in TODAY_OVERDUE */
};

/* The worker's list for the day today (YYYY-MM-DD; NULL: the local
 * date).  fs gives the categories' labels (may be NULL: the stored
 * values), vis the visit intervals (may be NULL: none).  Returns a
 * store_err; on failure *out is empty. */
int today_list(store *st, const struct scope *sc, const struct formset *fs,
               const struct today_visits *vis, const char *today, struct today_list *out);
void today_list_free(struct today_list *l);
/* How many items today_list would list (*n) and how many of them are in
 * TODAY_OVERDUE (*overdue), found the same way but without making the
 * lines (the residents' names, the labels, the sorting): the home
 * screen's count.  Returns a store_err; on failure both are 0. */
int today_count(store *st, const struct scope *sc, const struct today_visits *vis,
                const char *today, size_t *n, size_t *overdue);
/* Follow-ups are found through their dates' index (IDX_FOLLOWBY), or,
 * in a database whose index predates it (opened read-only), by reading
 * every need and service.  true: always the latter, as before the index
 * was there, and today_count looks up each resident's services one
 * resident at a time, never in one walk of the link index (for the
 * tests and the bench to compare with). */
extern bool today_scan;

/* The group's heading, translated ("逾期"). */
const char *today_group_label(enum today_group g);

#endif
