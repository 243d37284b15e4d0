/* feed.h: the warehouse on PostgreSQL (`shegong feed CONNINFO`): what a
 * site's database holds, written into a schema of a PostgreSQL database
 * where a county, a city or the province reads every site it is fed by.
 *
 * - One table per kind (units, residents, needs, services, volunteers,
 *   orgs, resources, referrals, projects), its columns the forms' fields
 *   typed (dates as date, whole numbers as bigint, numbers as numeric,
 *   yes/no as boolean, a choice as its stored value, several choices and
 *   references as text[], amounts as jsonb), beside the program's own
 *   columns, each starting with '_' as a record's own fields do, so that
 *   no form's field can take one: _site (the database fed, 12 hex digits),
 *   _id, _unit (the unit the record belongs to: its "village"), _form,
 *   _version, _created_at, _updated_at, _changed_on (the day of
 *   _updated_at on the feeding server's clock), _created_by, _updated_by,
 *   _void, _void_reason, _change (its number in the site's change log),
 *   _extra (jsonb: fields the forms do not list, values that are not of
 *   their field's type).  The key is (_site, _id).
 * - De-identified by the feeding worker's role with the screens' own
 *   rule (form_hidden, form_mask): for a worker who may not see sensitive
 *   fields (a supervisor), an ID number is fed as 510421********1234 and
 *   every other sensitive field as NULL; fields no form describes are then
 *   left out (nothing says they are not sensitive).
 * - Incremental from the store's change log: the table feed_mark keeps,
 *   per site, the last change number fed, written in the same PostgreSQL
 *   transaction as the rows of each batch, so a second feed writes
 *   nothing and a feed cut anywhere (kill -9, the link) goes on from the
 *   last batch that committed.  A record that is gone, or no longer in
 *   the worker's reach, when its change is read is deleted from the
 *   warehouse; a voided one stays, with _void true, out of the figures.
 * - Views give `shegong report`'s figures by site, month and unit:
 *   report_services, report_needs, report_referrals, report_orgs, and all
 *   of them as rows in report_figures (feed-schema.c says how each
 *   counts).
 * No curses. */
#ifndef SHEGONG_FEED_H
#define SHEGONG_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "form.h"
#include "scope.h"
#include "store.h"

#define FEED_SCHEMA "shegong"
#define FEED_BATCH 500

struct feed_opts {
	const char *conninfo;          /* libpq's: postgresql://... or "service=..." */
	const char *schema;            /* NULL: FEED_SCHEMA */
	const struct formset *forms;
	const struct scope *sc;        /* the worker's (masking and reach); NULL: all, unmasked */
	const char *login;             /* who feeds (the audit trail, feed_mark) */
	size_t batch;                  /* records a transaction; 0: FEED_BATCH */
	bool full;                     /* the site's rows thrown away and fed again from change 0 */
	/* after each batch committed (may be NULL) */
	void (*progress)(uint64_t done, uint64_t top, size_t rows, void *ctx);
	void *ctx;
};

struct feed_result {
	char site[17];                 /* the database fed, hex */
	char where[256];               /* the warehouse: host, port, database, user */
	uint64_t from, to;             /* change numbers fed: after from, up to to */
	size_t rows;                   /* rows written (records fed) */
	size_t removed;                /* rows deleted (records gone or out of reach) */
	size_t skipped;                /* changes of kinds the warehouse has no table for */
	size_t batches;
	bool masked;                   /* sensitive fields masked */
};

/* Whether this program was built with libpq (configure found libpq-dev). */
bool feed_available(void);

/* Feed st's records into the warehouse (st: a handle the audit trail is
 * attached to, with o->sc's policy in force).  One `feed` audit entry is
 * written before the first batch goes; nothing when there is nothing new.
 * 0, or -1 with msg a sentence a worker can act on (translated). */
int feed_run(store *st, const struct feed_opts *o, struct feed_result *res, char *msg,
             size_t msgsize);

#endif
