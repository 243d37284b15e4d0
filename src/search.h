/* search.h: finding records as a worker types, the same way on the screen
 * and on the command line: by name, by pinyin initials (zsf finds
 * 张三丰) or by ID number, with optional filters by village and status,
 * a page at a time, so that it stays quick at 100,000 records and more.
 * No curses. */
#ifndef SHEGONG_SEARCH_H
#define SHEGONG_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "index.h"
#include "record.h"
#include "store.h"

/* How the typed text is read. */
enum search_by {
	SEARCH_ALL = 0,   /* nothing typed: every record, in name order (needs,
	                   * services and referrals: in date order) */
	SEARCH_NAME,      /* anything with a non-ASCII character, or ASCII that is not
	                   * letters only: a name prefix */
	SEARCH_PINYIN,    /* ASCII letters only: pinyin initials, and names that begin
	                   * with those letters too (a name typed in Latin letters) */
	SEARCH_IDNUM,     /* digits (at least 4), possibly ending in x/X: an ID number prefix */
};
enum search_by search_classify(const char *text);

struct search_query {
	int kind;
	const char *text;     /* as typed; NULL or "" for everything */
	const char *village;  /* only records whose "village" is this id text; NULL = all */
	const char *status;   /* only records whose "status" is this value; NULL = all */
	const char *level;    /* only units whose "level" is this ("village"); NULL = all */
	/* only records whose field (its value one or several comma-separated
	 * choices) holds any of any_of's comma-separated values: residents in
	 * the categories of a visit round, services of some functions; NULL
	 * or "" = all */
	const char *field;
	const char *any_of;
	/* needs and services (search_linked): also the records whose fields
	 * named here (comma-separated) hold the typed text, when it is not
	 * pinyin initials or an ID number; NULL = only through residents */
	const char *content_fields;
};

/* Whether a field's value (comma-separated choices) holds any of the
 * comma-separated values of any_of; an empty or NULL any_of: true. */
bool search_value_has_any(const char *value, const char *any_of);

/* Where a page ended, to continue from there.  Zero it to start. */
struct search_pos {
	int phase;            /* which index is being walked (pinyin, then name) */
	bool started;
	unsigned char key[IDX_KEYMAX];
	size_t keylen;
	unsigned char data[REC_KEYLEN];
	bool done;            /* nothing more to find */
};

/* Fill out[0..max) with the next records (decoded; the caller frees them
 * with record_free) matching q, after *pos, and move *pos on.  Every
 * record comes once, even when several pinyin readings of its name
 * match.  *n receives how many were found; fewer than max means the end
 * was reached (pos->done is then set).  Returns a store_err. */
int search_page(store *st, const struct search_query *q, struct search_pos *pos,
                record **out, size_t max, size_t *n);

/* Records of kind (needs, services: kinds without a name of their own)
 * that name a resident found by text (name, pinyin initials or ID
 * number), with the same filters: the needs of 张三 for "zs".  One page,
 * no resume: at most max records, from the first SEARCH_LINKED_RESIDENTS
 * residents found, so that a keystroke's cost stays bounded (the worker
 * types more to narrow it).  Then, while there is room and the text is
 * read as a name (Chinese: 院坝), the records whose content_fields hold
 * it, in date order, each once.  Returns a store_err; *n how many. */
#define SEARCH_LINKED_RESIDENTS 200
int search_linked(store *st, const struct search_query *q, record **out, size_t max, size_t *n);
/* True for the kinds that list by date and are found through residents. */
bool search_kind_is_dated(int kind);

/* One record by id, in its own read transaction (the store's policy
 * applies): STORE_OK and *out the caller's, or an error (STORE_NOTFOUND,
 * STORE_DENIED ...) and *out NULL. */
int search_get(store *st, const rec_id *id, record **out);

/* The "name" of the record idtext names (a resident, a village ...), for
 * showing references; malloc'd, or NULL when there is none. */
char *search_ref_name(store *st, const char *idtext);

#endif
