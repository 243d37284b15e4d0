/* audit.h: the audit trail.  Every write (a record created, edited or
 * deleted, a referral's state changed, personal data exported) is logged:
 * who, when, which record, version before and after, and a note.  The log
 * is append-only and hash-chained (SHA-256 over the previous entry's hash
 * and this entry's bytes), and its head (count and last hash) is kept in
 * the store's meta table in the same transaction, so that `shegong check`
 * finds an entry changed, removed or cut off the end.  No curses. */
#ifndef SHEGONG_AUDIT_H
#define SHEGONG_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "store.h"

struct audit_entry {
	uint64_t seq;
	int64_t at;                    /* seconds since the epoch, UTC */
	char who[64];                  /* login */
	char action[24];               /* "create", "edit", "delete", "export", "submit" ... */
	char record[REC_ID_TEXTMAX];   /* the record's id text, or "" */
	uint32_t v_before, v_after;    /* record versions (0 = none) */
	char note[256];
	unsigned char prev[32], hash[32];
};

/* From now on every store_put and store_del on st is logged in its own
 * transaction (through store_set_hook). */
void audit_attach(store *st);

/* Log an event that is not a plain record change, inside t. */
int audit_log(store_txn *t, const char *action, const rec_id *id, uint32_t v_before,
              uint32_t v_after, const char *note);
/* The same in a transaction of its own (an export). */
int audit_log_now(store *st, const char *action, const rec_id *id, const char *note);

/* Check the chain.  *entries receives the number of entries; *bad 0 when
 * all is whole, else the number of the first entry found wrong, with why
 * (a sentence) in why.  Returns a store_err for failures to read. */
int audit_verify(store *st, size_t *entries, uint64_t *bad, char *why, size_t whysize);

struct audit_filter {
	const char *who;       /* login, or NULL */
	const char *record;    /* id text, or NULL */
	const char *since;     /* YYYY-MM-DD (local date), or NULL */
	const char *until;     /* YYYY-MM-DD inclusive, or NULL */
};
/* Call fn for each entry the filter lets through, oldest first. */
int audit_each(store *st, const struct audit_filter *f,
               int (*fn)(const struct audit_entry *e, void *ctx), void *ctx);

#endif
