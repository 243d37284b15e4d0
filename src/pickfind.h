/* pickfind.h: what a picker offers when a field names records without a
 * name of their own (the needs a service answers, the needs a referral
 * is about): found by the words of their summary (shown_summary: date,
 * function, description) and by their resident's name, pinyin initials
 * or ID number; the needs of the resident the record being edited names
 * first, the others after them, or not at all when the field means that
 * person's own.  No curses. */
#ifndef SHEGONG_PICKFIND_H
#define SHEGONG_PICKFIND_H

#include <stdbool.h>
#include <stddef.h>

#include "form.h"
#include "record.h"
#include "store.h"

/* How many records are looked at, newest first, for words typed: the
 * cost of a keystroke stays bounded (the worker types more to narrow). */
#define PICKFIND_SCAN 5000

struct pickfind_query {
	int kind;                   /* a kind search_kind_is_dated names */
	const char *text;           /* as typed; NULL or "" for all */
	const char *const *own;     /* the resident ids the record being edited names */
	size_t nown;
	bool only_own;              /* offer only records that name one of own (when
	                             * nown > 0) */
};

/* Does r's summary hold every blank-separated word of text (ASCII letters
 * in either case)?  True for empty text. */
bool pickfind_match(const struct formset *forms, const record *r, const char *text);

/* Fill out[0..max) (decoded; the caller frees them with record_free)
 * with what q offers: first the records naming one of q->own, newest
 * first (*nown_found how many), then, unless only_own, the others, newest
 * first.  *n how many in all.  Returns a store_err. */
int pickfind(store *st, const struct formset *forms, const struct pickfind_query *q,
             record **out, size_t max, size_t *n, size_t *nown_found);

/* The need a new service for the resident (id text) most likely answers:
 * their only need of that function (the service's "function") still
 * open or in progress, not voided.  Its id text into out (size bytes)
 * and true; false when they have none or several (the worker picks), or
 * on any error. */
bool pickfind_only_open_need(store *st, const struct formset *forms, const char *resident,
                             const char *function, char *out, size_t size);

#endif
