/* index.h: which secondary index entries a record has.  An entry's key is
 * idx(1) kind(1) value; its data is the record's key.  The store writes
 * them in the same transaction as the record.  No curses, no LMDB. */
#ifndef SHEGONG_INDEX_H
#define SHEGONG_INDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"

/* Index numbers are stored in the database: never renumber. */
enum idx {
	IDX_NAME = 1,     /* field "name", ASCII lowercased */
	IDX_PINYIN = 2,   /* pinyin initials of "name", every reading */
	IDX_IDNUM = 3,    /* field "idnum", x made X */
	IDX_VILLAGE = 4,  /* field "village": the id of the village (org unit) */
	IDX_STATUS = 5,   /* field "status" */
	IDX_DATE = 6,     /* field "date", YYYY-MM-DD sorts as dates */
	IDX_CODE = 7,     /* field "code": org unit division code */
	IDX_LOGIN = 8,    /* field "login": a worker's account name */
	IDX_PARENT = 9,   /* field "parent": the unit (or record) above this one */
	IDX_RESIDENT = 10, /* field "resident": the resident a record is about */
	IDX_HOUSEHOLD = 12, /* field "household": one household's members */
	IDX_LINK = 11,    /* every record id named in any field ("id" or "id:amount"
	                   * items of a comma-separated list): who points to whom */
	IDX_TO = 13,      /* field "to_unit": the unit a referral is addressed to */
	IDX_VOID = 14,    /* field "_void" (record.h): a voided record's only entry */
	IDX_SORT = 15,    /* field "name" as it sorts: pinyin (pinyin_sort_key) */
	IDX_FOLLOWBY = 16, /* field "followup" (回访日期), YYYY-MM-DD: what is due by
	                    * a day, walked by today.c instead of every record */
};

/* The index set a database's entries are made with (meta "idxver"): a
 * database opened for writing with an older one gets the entries it
 * lacks (store_index_upgrade).  2: IDX_SORT.  3: IDX_FOLLOWBY.  4: no
 * new entries; the count of each IDX_VILLAGE key's entries kept beside
 * them in the meta table (store_count_value).  5: IDX_STATUS for needs
 * alone (index_in_set), the others' removed: nothing looks up a
 * resident, referral or volunteer by its status, and every resident's
 * "active" was one key of them all, rewritten on each save. */
#define INDEX_VERSION 5
/* The last INDEX_VERSION that brought entries: an older database's
 * records are indexed again when it is upgraded; a newer one only has
 * its village counts made. */
#define INDEX_ENTRIES_VERSION 3
/* The INDEX_VERSION from which the village counts are kept. */
#define INDEX_VILLAGE_COUNTS 4
/* The INDEX_VERSION from which IDX_STATUS holds needs alone (whose
 * "met" the reports count, report.c). */
#define INDEX_STATUS_NEEDS 5

/* Whether the index set of version ver has entries of index idx for
 * records of kind: index_each makes those of INDEX_VERSION; store_verify
 * reads a database's own set, and its upgrade removes what the current
 * one no longer makes. */
bool index_in_set(int idx, int kind, uint64_t ver);

/* Whether records of kind have names of people (a surname first). */
int index_kind_is_person(int kind);

/* Keys are at most this long (LMDB's default limit is 511). */
#define IDX_KEYMAX 400
/* How many pinyin variants one name may add (polyphonic characters). */
#define IDX_PINYIN_VARIANTS 16

/* Call fn with every index key of r (deduplicated).  fn returning
 * nonzero stops the walk and is returned; 0 otherwise, or -1 when out of
 * memory. */
int index_each(const record *r,
               int (*fn)(const unsigned char *key, size_t len, void *ctx),
               void *ctx);

/* The key prefix that finds records of kind whose idx value starts with
 * query, normalised as the values are.  Returns its length (at least 2). */
size_t index_prefix(int idx, int kind, const char *query,
                    unsigned char key[IDX_KEYMAX]);

/* "name", "pinyin", ...; and back (0 when unknown). */
const char *index_name(int idx);
int index_from_name(const char *name);

#endif
