/* kind.h: each kind of record's behaviour, as one table: the line that
 * sums a record up, what "related" (F9) opens, how a record is saved,
 * what no two records of the kind may share, and what starts from one.
 * The screens read it instead of asking a record's kind; the saving and
 * the uniqueness rule are here so that the screens, the command line and
 * import keep one rule.  No curses. */
#ifndef SHEGONG_KIND_H
#define SHEGONG_KIND_H

#include <stdbool.h>
#include <stddef.h>

#include "form.h"
#include "record.h"
#include "store.h"

/* The line under a record shown (worked out when it is opened or saved). */
enum kind_summary {
	KIND_SUM_NONE,
	KIND_SUM_HOURS,     /* a volunteer's service hours */
	KIND_SUM_BALANCE,   /* what is used and left of a resource */
};

/* What "related" (F9 on a record) opens. */
enum kind_related {
	KIND_REL_NONE,
	KIND_REL_CASE,         /* the resident's case file (a screen) */
	KIND_REL_CERTIFICATE,  /* the volunteer service certificate (a text) */
	KIND_REL_ACTIVITY,     /* the service records that name it (a text) */
};

/* How a record of the kind is saved. */
enum kind_save {
	KIND_SAVE_STORE,    /* kind_save: one write transaction with the unique check */
	KIND_SAVE_REFER,    /* as a referral step (refer.c: history, checks) */
};

struct kind_rules {
	int kind;
	const char *unique;         /* a field no two records of the kind share, when
	                             * the form has it (the ID number), or NULL */
	enum kind_summary summary;
	enum kind_related related;
	enum kind_save save;
	bool starts_need;           /* a need is taken for a saved one (F7) */
	bool starts_referral;       /* a referral is made for a saved one (F6) */
	bool own_view;              /* a saved one is read on a screen of its own */
	bool counts_table;          /* its list sums up (F8) as counts by service and status */
	const char *answers;        /* its field naming the needs a saved one answers:
	                             * each may then be marked (kind_need_mark) */
	const char *ref_line[4];    /* a record without a name of its own is named, where
	                             * a field or a picker shows it, by these fields' values
	                             * (shown.h: shown_summary); NULL-ended */
	bool household;             /* a saved one has a household (household.h): its
	                             * family members are registered from it (m) and
	                             * shown with it (f) */
};

/* The rules of kind; a kind the table does not name gets plain ones
 * (never NULL). */
const struct kind_rules *kind_rules(int kind);

/* Whether another record of r's kind already has r's value of the
 * kind's unique field (f: the form r is filled in, which must have the
 * field): *hit set and *found the other record.  In any transaction;
 * returns the transaction's error. */
int kind_find_duplicate(store_txn *t, const struct form *f, const record *r, rec_id *found,
                        bool *hit);

/* Save r, a record the caller keeps (a form on the screen), in one write
 * transaction that checks the kind's unique field first: two workers
 * saving the same ID number at once, one saves and the other gets
 * STORE_EXISTS with *dup the record that has it (dup may be NULL).  On
 * any failure r is as it was, the worker's typing kept. */
int kind_save(store *st, const struct form *f, record *r, rec_id *dup);

/* Whether a record of kind can be voided (作废) when made by mistake:
 * the records workers keep (residents, needs, services, volunteers,
 * organisations, resources, projects); not a referral (withdrawn through
 * its own steps), not a unit or an account. */
bool kind_voidable(int kind);

/* Void r, a saved record made by mistake, saying why (reason: one line,
 * required): it is kept, marked (REC_VOID, REC_VOID_REASON in record.h)
 * and left out of every list, search, report, tally and export from then
 * on, in one write transaction through the store's policy (only who may
 * change it may void it) with an audit entry "void" whose note is the
 * reason, beside the store's "edit".  Refused (r as it was):
 * STORE_INVALID for a record not saved, already voided, of a kind not
 * voidable, or an empty or multi-line reason; STORE_EXISTS with *blocker
 * (may be NULL) the first record that still names r and is not voided
 * (a need or a service of a resident to void, a referral not closed or
 * withdrawn): that one goes first. */
int kind_void(store *st, record *r, const char *reason, rec_id *blocker);
/* Mark the need idtext names as status (a value of the need form's
 * status choices: "in_progress", "met"), in one write transaction whose
 * change goes to the audit trail like any other; nothing is written when
 * it has that status already (*changed false).  Returns a store_err
 * (STORE_NOTFOUND: not a need, or gone). */
int kind_need_mark(store *st, const char *idtext, const char *status, bool *changed);

/* The summary line of a saved record into buf ("" when none). */
int kind_summary_text(store_txn *t, const record *r, char *buf, size_t size);

/* What F9 shows as a text (KIND_REL_CERTIFICATE, KIND_REL_ACTIVITY) for
 * the saved record r: malloc'd, with *title (malloc'd); NULL and *err set
 * when it cannot be made.  room: the worker's place, for the certificate;
 * a certificate is logged (export) before it is handed out. */
char *kind_related_text(store *st, const struct formset *forms, const record *r,
                        const char *room, const char *today, char **title, int *err);

#endif
