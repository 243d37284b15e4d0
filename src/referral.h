/* referral.h: the referral state machine (转介): which action takes a
 * referral from which state to which, who may take it, what it must
 * carry (a reason, an outcome), when it falls due, and what the linked
 * need's status becomes.  Pure rules: no storage, no curses; the command
 * line and the screens apply them to records.
 *
 * States: draft -> submitted -> accepted | returned; accepted -> in
 * progress -> resolved -> closed (by the referring village after
 * follow-up); the sender may withdraw a referral not yet accepted; the
 * township may refer further up to the county (escalated), where the
 * same machine runs again. */
#ifndef SHEGONG_REFERRAL_H
#define SHEGONG_REFERRAL_H

#include <stdbool.h>
#include <time.h>

enum ref_state {
	REF_DRAFT = 1,
	REF_SUBMITTED,
	REF_ACCEPTED,
	REF_RETURNED,
	REF_IN_PROGRESS,
	REF_RESOLVED,
	REF_CLOSED,
	REF_WITHDRAWN,
	REF_ESCALATED,   /* referred further up; the level above now holds it */
};

enum ref_action {
	REFA_SUBMIT = 1,  /* draft or returned -> submitted (sender) */
	REFA_ACCEPT,      /* submitted -> accepted (receiver) */
	REFA_RETURN,      /* submitted -> returned, reason required (receiver) */
	REFA_START,       /* accepted -> in progress (receiver) */
	REFA_RESOLVE,     /* accepted, in progress or escalated -> resolved, outcome required (receiver) */
	REFA_CLOSE,       /* resolved -> closed (sender, after follow-up) */
	REFA_WITHDRAW,    /* draft, submitted or returned -> withdrawn (sender) */
	REFA_ESCALATE,    /* accepted or in progress -> escalated (receiver), reason required */
};

/* Which side of a referral a worker is on. */
enum ref_side { REF_SENDER = 1, REF_RECEIVER };

/* Stored names ("submitted", "accept" ...) and back (0 when unknown). */
const char *referral_state_name(enum ref_state s);
const char *referral_state_label(enum ref_state s);   /* translated */
enum ref_state referral_state_from_name(const char *name);
const char *referral_action_name(enum ref_action a);
const char *referral_action_label(enum ref_action a); /* translated */
enum ref_action referral_action_from_name(const char *name);

/* Outcomes of resolving: successful, or why not. */
enum ref_outcome {
	REFO_SUCCESS = 1,
	REFO_REFUSED,       /* the person refused services */
	REFO_NO_CAPACITY,
	REFO_NOT_NEEDED,    /* no longer needed */
	REFO_UNREACHABLE,   /* could not reach the person */
	REFO_OTHER,
};
const char *referral_outcome_name(enum ref_outcome o);
enum ref_outcome referral_outcome_from_name(const char *name);

/* Errors of referral_check. */
enum ref_err {
	REF_OK = 0,
	REF_ERR_STATE = 200,   /* not allowed from this state */
	REF_ERR_SIDE,          /* this side may not take this action */
	REF_ERR_REASON,        /* a reason (or note) is required */
	REF_ERR_OUTCOME,       /* resolving needs an outcome, and a reason when not successful */
	REF_ERR_CONSENT,       /* submitting needs the resident's recorded consent */
};
const char *referral_strerror(int err);

/* What an action needs besides the state and side. */
struct ref_input {
	const char *note;       /* the reason / note typed */
	enum ref_outcome outcome;
	bool consent;           /* the resident's consent is recorded (for submit) */
};

/* May side take action on a referral in state from?  On REF_OK *to is the
 * new state.  Checks the reason, outcome and consent rules too. */
int referral_check(enum ref_state from, enum ref_action a, enum ref_side side,
                   const struct ref_input *in, enum ref_state *to);

/* The actions side may take now, in a fixed order; returns how many were
 * written to out (at most max). */
int referral_actions(enum ref_state from, enum ref_side side, enum ref_action *out, int max);

/* Urgency -> days allowed before a referral is overdue: urgent 3,
 * soon 7, normal 15 (values of the shared "urgency" choice list). */
int referral_due_days(const char *urgency);
/* The due date (YYYY-MM-DD) of a referral submitted on date submitted. */
int referral_due_date(const char *submitted, const char *urgency, char out[11]);
/* Overdue on day today: submitted or accepted/in progress past its due
 * date (resolved, closed, withdrawn and returned ones never are). */
bool referral_overdue(enum ref_state s, const char *due, const char *today);

/* The status the linked need takes after a referral reaches state s, or
 * NULL to leave it: submitted -> "referred", resolved with success ->
 * "met", returned or withdrawn -> "open". */
const char *referral_need_status(enum ref_state s, enum ref_outcome o);

#endif
