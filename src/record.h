/* record.h: one record design for every kind of thing the program keeps
 * (residents, needs, services, volunteers, organisations, resources,
 * referrals, workers, org units ...): an id, a kind, a version number,
 * who created and last changed it and when, and its fields as name/value
 * pairs of UTF-8 text.  Encoding is versioned and keyed by field name, so
 * a field added later never needs old records rewritten.  No curses, no
 * storage: records/store.c puts them in LMDB. */
#ifndef SHEGONG_RECORD_H
#define SHEGONG_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Record kinds.  The numbers are stored in the database: never renumber. */
enum rec_kind {
	REC_UNIT = 1,       /* org unit: county, township, village */
	REC_USER = 2,       /* a worker's account */
	REC_RESIDENT = 3,
	REC_NEED = 4,
	REC_SERVICE = 5,
	REC_VOLUNTEER = 6,
	REC_ORG = 7,        /* community organisation, volunteer team */
	REC_RESOURCE = 8,
	REC_REFERRAL = 9,
	REC_PROJECT = 10,
};

/* The short code used in textual ids ("res"), or NULL for an unknown kind. */
const char *rec_kind_code(int kind);
/* A translated human name ("resident"). */
const char *rec_kind_label(int kind);
/* The kind for a code or English name ("res", "resident"), or 0. */
int rec_kind_from_name(const char *name);

/* A record id: unique across machines.  site is the database's own
 * random 48-bit site number (fixed at init), seq a counter of that site.
 * As an LMDB key it is kind(1) site(8) seq(8), big-endian, so keys of one
 * kind sort together and in creation order. */
typedef struct rec_id {
	uint8_t kind;
	uint64_t site;
	uint64_t seq;
} rec_id;

#define REC_KEYLEN 17
#define REC_ID_TEXTMAX 48
void rec_id_to_key(const rec_id *id, unsigned char key[REC_KEYLEN]);
void rec_id_from_key(const unsigned char key[REC_KEYLEN], rec_id *id);
/* "res-3f9a2c71d0e4-42".  buf must hold REC_ID_TEXTMAX bytes. */
char *rec_id_format(const rec_id *id, char *buf);
/* Parse the form above; 0 on success, -1 when it is not an id. */
int rec_id_parse(const char *s, rec_id *id);
bool rec_id_equal(const rec_id *a, const rec_id *b);

typedef struct rec_field {
	char *name;
	char *value;
} rec_field;

typedef struct record {
	rec_id id;
	uint32_t version;       /* 0 = never saved; each save adds one */
	uint32_t form_version;  /* the form's version it was last saved under */
	int64_t created_at, updated_at;  /* seconds since the epoch, UTC */
	char *created_by, *updated_by;   /* login names */
	size_t nfields, cap;
	rec_field *fields;
	/* record_decode makes a record in one allocation: the struct, its
	 * fields and their names and values; blk is its size (0 for a record
	 * of record_new).  record_set and record_free leave what lies in it
	 * to record_free's one free. */
	size_t blk;
} record;

/* A new empty record of kind; NULL when out of memory. */
record *record_new(int kind);
void record_free(record *r);
/* A deep copy; NULL when out of memory. */
record *record_dup(const record *r);
/* The value of a field, or NULL when the record has no such field. */
const char *record_get(const record *r, const char *name);

/* A record made by mistake is voided (作废), never deleted: these
 * internal fields (no form has them) mark it, with the worker's reason.
 * A voided record is kept and read by its id, but has no index entry
 * but IDX_VOID (index.c), so lists, searches, the case file, reports,
 * tallies and exports leave it out; kind_void writes them. */
#define REC_VOID "_void"                /* REC_VOID_YES when voided */
#define REC_VOID_YES "yes"
#define REC_VOID_REASON "_void_reason"  /* why, as the worker typed it */
/* Whether r is voided. */
bool record_voided(const record *r);
/* Set (or add) a field; an empty or NULL value removes it.  0, or -1
 * when out of memory. */
int record_set(record *r, const char *name, const char *value);
/* The same, value (malloc'd, or NULL) taken over: the record frees it,
 * on failure too, so the caller never does.  A row built from values
 * made for it (import's checked cells) saves a copy and a free each. */
int record_take(record *r, const char *name, char *value);

/* Encoding.  record_encode returns a malloc'd buffer and its length, or
 * NULL when out of memory.  record_decode returns 0 and a new record, or
 * -1 when the bytes are not a record this version can read (damaged, or
 * written by a newer encoding). */
#define RECORD_FORMAT 1
unsigned char *record_encode(const record *r, size_t *len);
int record_decode(const unsigned char *p, size_t len, const rec_id *id, record **out);
/* Fields read in place from an encoding (a record as stored, in the
 * database's map), none copied: for each of names[0..n), out[i] is its
 * value, p pointing into the bytes and not NUL-terminated, or p NULL
 * when the record has no such field, as record_decode would have read
 * it (a repeated name's last value; an empty one, none).  0, or -1 when
 * record_decode would refuse the bytes. */
struct rec_span {
	const char *p;
	size_t n;
};
int record_view(const unsigned char *p, size_t len, const rec_id *id, const char *const *names,
                size_t n, struct rec_span *out);
/* Whether a span holds exactly the text s. */
bool rec_span_is(const struct rec_span *v, const char *s);

#endif
