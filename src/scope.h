/* scope.h: what a worker may read and change, enforced below the screens
 * and the commands: a policy installed on the store handle (store_set_policy)
 * that every store_get, store_put, store_del and store_scan goes through.
 *
 * A record belongs to a unit: its "village" field (a unit's record id:
 * a village's, or a township's own records).  Referrals have a sender
 * (their "village" field) and a receiver ("to_unit").
 *
 * - village worker: reads and writes the records of their village;
 *   referrals their village sent.
 * - township worker: reads the records of the township and its villages;
 *   writes the township's own records and the referrals addressed to the
 *   township (or sent by it further up).
 * - supervisor: reads everything in reach (their unit and below), writes
 *   nothing but their own account's settings.
 * - administrator: everything, and alone manages workers, units and forms.
 * Everyone reads units and workers' accounts (names on the screen), and
 * changes their own account's encoding, language and name.
 * Sensitive fields (ID numbers, health ...) are shown masked to
 * supervisors.  No curses. */
#ifndef SHEGONG_SCOPE_H
#define SHEGONG_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"
#include "referral.h"
#include "store.h"

struct scope {
	char login[64];
	int role;                        /* ROLE_* (orgunit.h) */
	int level;                       /* the worker's unit's level, UNIT_* */
	char unit[REC_ID_TEXTMAX];       /* the worker's unit's record id text */
	char unit_code[16];              /* its division code */
	char above[REC_ID_TEXTMAX];      /* the unit above it (orgunit_above), "" for none */
	/* The units in reach: the worker's own and every unit below it, id
	 * texts, sorted (strcmp) for bsearch. */
	char (*reach)[REC_ID_TEXTMAX];
	size_t nreach;
	/* A specialised station's (route.h): the people and needs the
	 * referrals addressed to it carry, which its workers read, id texts
	 * sorted likewise; as they were when the scope was made. */
	char (*carried)[REC_ID_TEXTMAX];
	size_t ncarried;
};

/* The scope of the worker login, read in t.  STORE_NOTFOUND when the
 * login has no account; STORE_DENIED when the account is disabled. */
int scope_load(store_txn *t, const char *login, struct scope **out);
/* The same in a read transaction of its own. */
int scope_load_now(store *st, const char *login, struct scope **out);
void scope_free(struct scope *sc);
/* The scope of a village worker of the village unit (id text), acting as
 * login: what a village room's own PC may bring to its township and take
 * back (sync.c).  STORE_INVALID when unit is not a village. */
int scope_for_unit(store_txn *t, const char *login, const char *unit, struct scope **out);

/* Install sc as st's policy (NULL removes it).  sc must outlive its use. */
void scope_attach(store *st, const struct scope *sc);

/* The unit a record belongs to (its "village" field), or NULL. */
const char *scope_record_unit(const record *r);
/* Whether the unit (id text) is the worker's or below it. */
bool scope_in_reach(const struct scope *sc, const char *unit);

bool scope_may_read(const struct scope *sc, const record *r);
/* before NULL: a new record; after NULL: a deletion. */
bool scope_may_write(const struct scope *sc, const record *before, const record *after);
/* Whether the worker sees sensitive fields unmasked. */
bool scope_may_see_sensitive(const struct scope *sc);
/* Whether the worker manages accounts, units and forms (administrators). */
bool scope_is_admin(const struct scope *sc);
/* Whether the worker may read the audit trail (supervisors, administrators). */
bool scope_may_audit(const struct scope *sc);
/* The one village a village worker's lists are limited to (their unit's
 * id text), NULL for other roles. */
const char *scope_village(const struct scope *sc);

/* How many records of kind are in the worker's reach (all for an
 * administrator or without a scope): the counts by unit, from the village
 * index, one lookup per unit in reach, never a scan. */
int scope_count(store_txn *t, const struct scope *sc, int kind, size_t *n);

/* Which side of referral r the worker is on: REF_SENDER when r's
 * "village" is their unit, REF_RECEIVER when r's "to_unit" is; an
 * administrator is the receiver of what is addressed to any unit and the
 * sender otherwise; 0 when neither. */
int scope_referral_side(const struct scope *sc, const record *r);

#endif
