/* refer.h: referrals as records: the rules of referral.h applied to
 * records of kind REC_REFERRAL in the store, under the worker's scope.
 * The command line (`shegong referral ...`) and the screens share it.
 * No curses.
 *
 * A referral record (forms/referral.form) has the fields
 *   resident   the person (record id text), required
 *   needs      the needs referred (id texts, comma-separated), may be empty
 *   category   hardship, youth, disability, mental, elderly, child, other
 *   urgency    urgent, soon, normal (the shared "urgency" list)
 *   reason     why it is referred
 *   done       what the village already did
 *   consent    "yes" when the resident's informed consent is recorded
 *   contact    how to reach the person or their family
 *   village    the sending unit (id text); to_unit the receiving unit
 *   status     the state's name (referral_state_name)
 *   number     the slip number, given at the first submit
 *   submitted, due, accepted, resolved, closed   dates YYYY-MM-DD
 *   outcome, outcome_reason, feedback            set by resolve
 *   return_reason                                set by return
 *   parent     for a referral sent further up: the one it came from
 *   _history   one line per change: "YYYY-MM-DD HH:MM<TAB>login<TAB>action<TAB>note"
 * Every change is one write transaction: the referral, the linked needs'
 * status (referral_need_status) and an audit entry named after the action
 * are saved together or not at all. */
#ifndef SHEGONG_REFER_H
#define SHEGONG_REFER_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"
#include "referral.h"
#include "scope.h"
#include "store.h"

/* What a new referral carries.  needs may be NULL when nneeds is 0. */
struct refer_new {
	const char *resident;
	const char *const *needs;
	size_t nneeds;
	const char *category, *urgency, *reason, *done, *contact;
	bool consent;
	const char *to;   /* the receiving unit's id text; NULL: the unit above the worker's */
	const char *today;   /* YYYY-MM-DD of submitting, NULL: the local date */
};

/* Errors of refer_* beside the store's and referral.h's. */
enum refer_err {
	REFER_ERR_INPUT = 300,   /* something the referral must carry is missing or wrong */
	REFER_ERR_NOSIDE,        /* the worker is on neither side (or a supervisor) */
};
/* A sentence for any code refer_* return (store, referral.h or refer_err). */
const char *refer_strerror(int err);

/* Make a referral in draft (submit: and submit it at once) from the
 * worker's unit.  On failure *why (if not NULL) receives a sentence a
 * worker can act on, and nothing is saved.  Returns a store_err, a
 * ref_err or a refer_err.  The resident and needs must be records the
 * worker may read; submitting gives the number ZJ-<unit code>-<year>-NNNN
 * (a count per unit and year kept in the store's meta, "refno/CODE/YEAR"),
 * the submitted and due dates, and the needs the status "referred". */
int refer_create(store *st, const struct scope *sc, const struct refer_new *in, bool submit,
                 rec_id *out, char *why, size_t whysize);

struct refer_act_in {
	const char *note;            /* the note, or the reason for return/escalate, or
	                              * resolve's reason when not successful */
	enum ref_outcome outcome;    /* resolve */
	const char *feedback;        /* resolve: what the village is told (required) */
	uint32_t version;            /* the version the worker saw (0: do not check) */
	const char *today;           /* YYYY-MM-DD, NULL: the local date */
};

/* Take action a on the referral id as the worker of sc.  Escalating makes
 * a new referral from the worker's unit to the one above it, carrying the
 * person, needs, category, urgency, consent and contact (its reason is
 * the note; parent names the original), submitted at once, whose id goes
 * to *child when not NULL.  The escalated original is later resolved by
 * the same worker once the level above has answered.  Returns a
 * store_err (STORE_DENIED out of reach, STORE_CONFLICT when version is
 * not the stored one, STORE_NOTFOUND), ref_err or refer_err, and a
 * sentence in why. */
int refer_act(store *st, const struct scope *sc, const rec_id *id, enum ref_action a,
              const struct refer_act_in *in, rec_id *child, char *why, size_t whysize);
/* The same, escalating to the unit of id text to instead (NULL: the unit
 * above): a specialised station within reach that takes the referral's
 * category (route_check), else REFER_ERR_INPUT with the reason. */
int refer_act_to(store *st, const struct scope *sc, const rec_id *id, enum ref_action a,
                 const struct refer_act_in *in, const char *to, rec_id *child, char *why,
                 size_t whysize);

/* The side of the worker on r: scope_referral_side, except that a
 * supervisor takes no side (they read, never act); 0 for none. */
int refer_side(const struct scope *sc, const record *r);
/* The side of the worker on r (refer_side) and the actions open
 * to them now, as referral_actions. */
int refer_actions(const struct scope *sc, const record *r, enum ref_action *out, int max);

/* Whether the worker may change what r says (the person, needs,
 * category, urgency, reason, what was done, consent, contact, to whom):
 * the sender, while it is a draft or came back returned. */
bool refer_editable(const struct scope *sc, const record *r);
/* Change what the referral id says to in (every field of in is taken,
 * NULL or "" empties an optional one; in->today is not used) when
 * refer_editable; version as in refer_act.  One transaction, logged
 * ("edit" and a history line).  Returns a store_err, ref_err or
 * refer_err, and a sentence in why. */
int refer_update(store *st, const struct scope *sc, const rec_id *id, const struct refer_new *in,
                 uint32_t version, char *why, size_t whysize);

/* The state of r (REF_DRAFT when its status is missing or unknown). */
enum ref_state refer_state(const record *r);
/* Labels of the stored values of category, urgency and outcome, as the
 * shared choice lists (forms/choices) give them, translated; the value
 * itself when it is not known. */
const char *refer_category_label(const char *v);
const char *refer_urgency_label(const char *v);
const char *refer_outcome_label(const char *v);

/* Lists. */
enum refer_box {
	REFER_INBOX = 1,   /* addressed to the worker's unit, open ones first, by urgency then age */
	REFER_OUTBOX,      /* sent by the worker's unit, newest first */
	REFER_OVERDUE,     /* unanswered past their due date, addressed to a unit in reach */
	REFER_ALL,         /* every referral in reach, newest first */
};
struct refer_row {
	record *r;
	bool overdue;
	int age_days;       /* days since submitted (0 when not submitted) */
};
int refer_list(store *st, const struct scope *sc, enum refer_box box, const char *today,
               struct refer_row **rows, size_t *n);
void refer_rows_free(struct refer_row *rows, size_t n);

/* What is new for the worker since they last looked (kept per login in
 * the store's meta, "seen/LOGIN", seconds since the epoch as 8 bytes
 * big-endian): referrals submitted to their unit, their own that came
 * back returned, and feedback (their own resolved), each changed after
 * that time.  With mark, the time of looking is saved (a write: st must
 * be writable).  The rows are in *rows as by refer_list. */
struct refer_news {
	size_t incoming, returned, feedback;
	struct refer_row *rows;
	size_t n;
};
int refer_news(store *st, const struct scope *sc, bool mark, struct refer_news *out);
void refer_news_free(struct refer_news *nw);

/* The history lines of r, oldest first: malloc'd array of malloc'd
 * strings "2026-11-29 10:15  李红梅(anning)  submit  note". */
char **refer_history(store *st, const record *r, size_t *n);

/* The referral slip (转介单) as plain text for printing and signatures:
 * the numbered slip, the stub the sending unit keeps (存根) and the
 * return slip (回执) the receiver sends back, each cut along a dotted
 * line.  malloc'd UTF-8. */
char *refer_slip(store *st, const record *r);

/* The linked needs of r take the status referral_need_status(s, o)
 * gives (written trusted, inside t): what a step does to them. */
int refer_follow_needs(store_txn *t, const record *r, enum ref_state s, enum ref_outcome o);

/* Two copies of one referral that changed on two sites (sync.c): owner's
 * (the site that made it) and other's.  Their history lines are joined
 * (each once: the owner's in their order, each line only the other copy
 * has after the line before it there and after the owner's lines stamped
 * no later), and replayed through the state machine from a draft: a step
 * the machine does not allow where it falls (the village withdrew what
 * the township had already accepted) is kept in the history but not
 * applied, and listed in refused for a worker to see.  The fields the
 * sender's steps set come from the copy that took the later sender's step
 * the other lacks, the receiver's (accepted, feedback ...) likewise; the
 * rest are the owner's.  Both sites, merging the same two copies, get the
 * same record.  merged keeps owner's id, version and stamps. */
struct refer_merge {
	record *merged;
	enum ref_state state;
	enum ref_outcome outcome;     /* of the last resolve applied, 0 if none */
	bool changed_owner;           /* other had lines the owner's copy lacked */
	bool changed_other;           /* and the other way round */
	char **refused;               /* history lines not applied */
	size_t nrefused;
};
int refer_merge(const record *owner, const record *other, struct refer_merge *m);

/* Whether in's history has a line local's lacks (local may be NULL)
 * that the side (REF_SENDER, REF_RECEIVER) sending in could not have
 * written: REFER_STEP_SIDE when it is not a step of side (a line of no
 * known action counts as no side's), REFER_STEP_LOGIN when it names as
 * the one who took it a login that, as t knows the accounts, could not
 * take side's steps on the referral (refer_side on local, or in when
 * local is NULL: a worker of the unit that is that side, or an
 * administrator the side falls to; not checked when t is NULL); that
 * line in line (tabs as blanks).  0 when every new line is side's, -1
 * out of memory or the store failed.  What a side sends in an exchange
 * file may hold only its own steps, taken by its own workers. */
enum { REFER_STEP_SIDE = 1, REFER_STEP_LOGIN = 2 };
int refer_foreign_step(store_txn *t, const record *in, const record *local, int side, char *line,
                       size_t size);
void refer_merge_free(struct refer_merge *m);

#endif
