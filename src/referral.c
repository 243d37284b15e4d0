/* referral.c: the rules of a referral (转介) from a village room to the
 * township station: one transition table says who may take which step from
 * which state and what it must carry; then due dates, overdue and the
 * status of the linked need. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "i18n.h"
#include "referral.h"
#include "text.h"
#include "valid.h"
#include "util.h"

#define BIT(s) (1u << (s))

/* --- names and labels ------------------------------------------------------ */

/* Stored names never change (they are in the database); labels are what
 * the worker reads, so they are short enough for an 80-column list. */
static const struct {
	enum ref_state state;
	const char *name;
	const char *label;
} states[] = {
	/* TRANSLATORS: 草稿 */
	{REF_DRAFT, "draft", N_("Draft")},
	/* TRANSLATORS: 已提交 */
	{REF_SUBMITTED, "submitted", N_("Submitted")},
	/* TRANSLATORS: 已受理 */
	{REF_ACCEPTED, "accepted", N_("Accepted")},
	/* TRANSLATORS: 已退回 */
	{REF_RETURNED, "returned", N_("Returned")},
	/* TRANSLATORS: 处理中 */
	{REF_IN_PROGRESS, "in_progress", N_("In progress")},
	/* TRANSLATORS: 已办结 */
	{REF_RESOLVED, "resolved", N_("Resolved")},
	/* TRANSLATORS: 已结案 */
	{REF_CLOSED, "closed", N_("Closed")},
	/* TRANSLATORS: 已撤回 */
	{REF_WITHDRAWN, "withdrawn", N_("Withdrawn")},
	/* TRANSLATORS: 已上转 (referred further up, to the county) */
	{REF_ESCALATED, "escalated", N_("Escalated")},
};

static const struct {
	enum ref_action action;
	const char *name;
	const char *label;
} actions[] = {
	/* TRANSLATORS: 提交 */
	{REFA_SUBMIT, "submit", N_("Submit")},
	/* TRANSLATORS: 受理 */
	{REFA_ACCEPT, "accept", N_("Accept")},
	/* TRANSLATORS: 退回 (send the referral back to the village, with a reason) */
	{REFA_RETURN, "return", N_("Return")},
	/* TRANSLATORS: 开始处理 */
	{REFA_START, "start", N_("Start")},
	/* TRANSLATORS: 办结 */
	{REFA_RESOLVE, "resolve", N_("Resolve")},
	/* TRANSLATORS: 结案 */
	{REFA_CLOSE, "close", N_("Close")},
	/* TRANSLATORS: 撤回 */
	{REFA_WITHDRAW, "withdraw", N_("Withdraw")},
	/* TRANSLATORS: 上转 (refer further up, to the county) */
	{REFA_ESCALATE, "escalate", N_("Escalate")},
};

static const struct {
	enum ref_outcome outcome;
	const char *name;
} outcomes[] = {
	{REFO_SUCCESS, "success"},
	{REFO_REFUSED, "refused"},
	{REFO_NO_CAPACITY, "no_capacity"},
	{REFO_NOT_NEEDED, "not_needed"},
	{REFO_UNREACHABLE, "unreachable"},
	{REFO_OTHER, "other"},
};

const char *
referral_state_name(enum ref_state s)
{
	for (size_t i = 0; i < NELEM(states); i++)
		if (states[i].state == s)
			return states[i].name;
	return NULL;
}

const char *
referral_state_label(enum ref_state s)
{
	for (size_t i = 0; i < NELEM(states); i++)
		if (states[i].state == s)
			return _(states[i].label);
	return NULL;
}

enum ref_state
referral_state_from_name(const char *name)
{
	if (name)
		for (size_t i = 0; i < NELEM(states); i++)
			if (strcmp(states[i].name, name) == 0)
				return states[i].state;
	return 0;
}

const char *
referral_action_name(enum ref_action a)
{
	for (size_t i = 0; i < NELEM(actions); i++)
		if (actions[i].action == a)
			return actions[i].name;
	return NULL;
}

const char *
referral_action_label(enum ref_action a)
{
	for (size_t i = 0; i < NELEM(actions); i++)
		if (actions[i].action == a)
			return _(actions[i].label);
	return NULL;
}

enum ref_action
referral_action_from_name(const char *name)
{
	if (name)
		for (size_t i = 0; i < NELEM(actions); i++)
			if (strcmp(actions[i].name, name) == 0)
				return actions[i].action;
	return 0;
}

const char *
referral_outcome_name(enum ref_outcome o)
{
	for (size_t i = 0; i < NELEM(outcomes); i++)
		if (outcomes[i].outcome == o)
			return outcomes[i].name;
	return NULL;
}

enum ref_outcome
referral_outcome_from_name(const char *name)
{
	if (name)
		for (size_t i = 0; i < NELEM(outcomes); i++)
			if (strcmp(outcomes[i].name, name) == 0)
				return outcomes[i].outcome;
	return 0;
}

/* --- errors ---------------------------------------------------------------- */

static const char *const messages[] = {
	/* TRANSLATORS: 转介已变更，此步骤现在不能进行：请从列出的可用步骤中选择 */
	[REF_ERR_STATE - REF_ERR_STATE] =
		N_("This step cannot be taken at this stage of the referral: choose one of the steps offered for it"),
	/* TRANSLATORS: 此步骤由转介的另一方（转出的村社工室或接收的乡镇社工站）进行 */
	[REF_ERR_SIDE - REF_ERR_STATE] =
		N_("This step is for the other side of the referral (the village room that sent it or the station that received it)"),
	/* TRANSLATORS: 请填写原因：对方需要知道为什么 */
	[REF_ERR_REASON - REF_ERR_STATE] =
		N_("Write the reason: the other side needs to know why"),
	/* TRANSLATORS: 请选择办结结果；如果未能成功解决，请写明原因 */
	[REF_ERR_OUTCOME - REF_ERR_STATE] =
		N_("Choose the outcome; unless it was a success, write a note saying why"),
	/* TRANSLATORS: 提交前请先记录居民的知情同意：转介会把居民的个人信息交给乡镇社工站 */
	[REF_ERR_CONSENT - REF_ERR_STATE] =
		N_("Record the resident's consent first: the referral passes their personal data to the township station"),
};

/* The date errors of referral_due_date are valid.h's, so one call here
 * gives every code a referral function returns its sentence. */
const char *
referral_strerror(int err)
{
	if (err >= REF_ERR_STATE && err < REF_ERR_STATE + (int)NELEM(messages))
		return _(messages[err - REF_ERR_STATE]);
	return valid_strerror(err);
}

/* --- the transition table -------------------------------------------------- */

/* One row per action: every rule of the machine is here, so a change to
 * the process is a change to this table and to nothing else. */
static const struct transition {
	enum ref_action action;
	unsigned from;            /* BIT(state) for each state it may start from */
	enum ref_side side;
	enum ref_state to;
	bool needs_reason;        /* a note with something in it */
	bool needs_outcome;       /* an outcome, and a note unless it is success */
	bool needs_consent;
} transitions[] = {
	{REFA_SUBMIT, BIT(REF_DRAFT) | BIT(REF_RETURNED), REF_SENDER, REF_SUBMITTED,
	 false, false, true},
	{REFA_ACCEPT, BIT(REF_SUBMITTED), REF_RECEIVER, REF_ACCEPTED, false, false, false},
	{REFA_RETURN, BIT(REF_SUBMITTED), REF_RECEIVER, REF_RETURNED, true, false, false},
	{REFA_START, BIT(REF_ACCEPTED), REF_RECEIVER, REF_IN_PROGRESS, false, false, false},
	/* from escalated too: the township answers the village once the county
	 * has answered the referral it sent up */
	{REFA_RESOLVE, BIT(REF_ACCEPTED) | BIT(REF_IN_PROGRESS) | BIT(REF_ESCALATED), REF_RECEIVER,
	 REF_RESOLVED, false, true, false},
	{REFA_CLOSE, BIT(REF_RESOLVED), REF_SENDER, REF_CLOSED, false, false, false},
	{REFA_WITHDRAW, BIT(REF_DRAFT) | BIT(REF_SUBMITTED) | BIT(REF_RETURNED), REF_SENDER,
	 REF_WITHDRAWN, false, false, false},
	{REFA_ESCALATE, BIT(REF_ACCEPTED) | BIT(REF_IN_PROGRESS), REF_RECEIVER, REF_ESCALATED,
	 true, false, false},
};

/* Guards the shift in BIT(): a state outside the enum is in no set. */
static bool
state_in(enum ref_state s, unsigned set)
{
	return s >= REF_DRAFT && s <= REF_ESCALATED && (set & BIT(s));
}

static const struct transition *
transition_of(enum ref_action a)
{
	for (size_t i = 0; i < NELEM(transitions); i++)
		if (transitions[i].action == a)
			return &transitions[i];
	return NULL;
}

/* Something typed, not only spaces: the full-width space (U+3000) that a
 * Chinese input method types, and the no-break space, count as blank. */
static const uint32_t blanks[] = {' ', '\t', '\n', '\r', '\v', '\f', 0xA0, 0x3000};

static bool
note_given(const char *note)
{
	if (!note)
		return false;
	size_t len = strlen(note);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		bool blank = false;
		i += text_utf8_decode(note + i, len - i, &cp);
		for (size_t k = 0; k < NELEM(blanks); k++)
			blank |= cp == blanks[k];
		if (!blank)
			return true;
	}
	return false;
}

static bool
outcome_known(enum ref_outcome o)
{
	return referral_outcome_name(o) != NULL;
}

/* The side is checked before the state: a step the worker's side can never
 * take is better told as such than as "not at this stage". */
int
referral_check(enum ref_state from, enum ref_action a, enum ref_side side,
               const struct ref_input *in, enum ref_state *to)
{
	static const struct ref_input nothing = {NULL, 0, false};
	const struct transition *t = transition_of(a);

	if (!in)
		in = &nothing;
	if (!t)
		return REF_ERR_STATE;
	if (side != t->side)
		return REF_ERR_SIDE;
	if (!state_in(from, t->from))
		return REF_ERR_STATE;
	if (t->needs_reason && !note_given(in->note))
		return REF_ERR_REASON;
	if (t->needs_outcome &&
	    (!outcome_known(in->outcome) ||
	     (in->outcome != REFO_SUCCESS && !note_given(in->note))))
		return REF_ERR_OUTCOME;
	if (t->needs_consent && !in->consent)
		return REF_ERR_CONSENT;
	if (to)
		*to = t->to;
	return REF_OK;
}

int
referral_actions(enum ref_state from, enum ref_side side, enum ref_action *out, int max)
{
	int n = 0;

	if (!out)
		return 0;
	for (size_t i = 0; i < NELEM(transitions) && n < max; i++)
		if (transitions[i].side == side && state_in(from, transitions[i].from))
			out[n++] = transitions[i].action;
	return n;
}

/* --- due dates ------------------------------------------------------------- */

static const struct {
	const char *urgency;
	int days;
} due_days[] = {
	{"urgent", 3},
	{"soon", 7},
	{"normal", 15},
};
#define DUE_DEFAULT 15   /* an unknown or missing urgency is normal */

int
referral_due_days(const char *urgency)
{
	if (urgency)
		for (size_t i = 0; i < NELEM(due_days); i++)
			if (strcmp(due_days[i].urgency, urgency) == 0)
				return due_days[i].days;
	return DUE_DEFAULT;
}

/* Exactly YYYY-MM-DD and a real day: the stored form, which is what makes
 * strcmp order dates. */
static int
parse_date(const char *s, int *y, int *m, int *d)
{
	static const char shape[] = "9999-99-99";

	if (!s || !*s)
		return VALID_EMPTY;
	if (strlen(s) != sizeof shape - 1)
		return VALID_DATE_FORMAT;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == '9' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return VALID_DATE_FORMAT;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	return valid_is_real_date(*y, *m, *d) ? VALID_OK : VALID_DATE_RANGE;
}

int
referral_due_date(const char *submitted, const char *urgency, char out[11])
{
	int y, m, d;
	int err = parse_date(submitted, &y, &m, &d);

	out[0] = '\0';
	if (err != VALID_OK)
		return err;
	date_civil_from_days(date_days_from_civil(y, m, d) + referral_due_days(urgency), &y, &m, &d);
	if (y > 9999)   /* would not fit YYYY */
		return VALID_DATE_RANGE;
	date_write(out, y, m, d);
	return VALID_OK;
}

/* Only a referral someone still owes work on can be late. */
static const unsigned overdue_states = BIT(REF_SUBMITTED) | BIT(REF_ACCEPTED) | BIT(REF_IN_PROGRESS);

/* A missing or malformed date never makes a referral overdue: we cannot
 * tell, and a false alarm in a report is worse than none. */
bool
referral_overdue(enum ref_state s, const char *due, const char *today)
{
	int y, m, d;

	if (!state_in(s, overdue_states))
		return false;
	if (parse_date(due, &y, &m, &d) != VALID_OK || parse_date(today, &y, &m, &d) != VALID_OK)
		return false;
	return strcmp(today, due) > 0;
}

/* --- the linked need ------------------------------------------------------- */

/* The values are names of the "need_status" choice list in forms/choices.
 * An outcome of 0 matches any outcome. */
static const struct {
	enum ref_state state;
	enum ref_outcome outcome;
	const char *status;
} need_statuses[] = {
	{REF_SUBMITTED, 0, "referred"},
	{REF_RESOLVED, REFO_SUCCESS, "met"},
	{REF_RETURNED, 0, "open"},
	{REF_WITHDRAWN, 0, "open"},
};

const char *
referral_need_status(enum ref_state s, enum ref_outcome o)
{
	for (size_t i = 0; i < NELEM(need_statuses); i++)
		if (need_statuses[i].state == s &&
		    (need_statuses[i].outcome == 0 || need_statuses[i].outcome == o))
			return need_statuses[i].status;
	return NULL;
}
