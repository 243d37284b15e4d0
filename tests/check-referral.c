/* check-referral.c: the referral rules against an expectation written out
 * here on its own: every (state, action, side) combination, the reason,
 * outcome and consent rules, the actions offered, due dates across month
 * and year ends and leap days, overdue, the linked need's status, and the
 * stored names. */
#include "config.h"

#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "referral.h"
#include "valid.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define NSTATES 9
#define NACTIONS 8

/* Every allowed transition, copied from the process (DOMAIN.md and the
 * brief), not from the module: anything not listed must be refused. */
static const struct {
	enum ref_state from;
	enum ref_action action;
	enum ref_side side;
	enum ref_state to;
} allowed[] = {
	{REF_DRAFT, REFA_SUBMIT, REF_SENDER, REF_SUBMITTED},
	{REF_RETURNED, REFA_SUBMIT, REF_SENDER, REF_SUBMITTED},
	{REF_SUBMITTED, REFA_ACCEPT, REF_RECEIVER, REF_ACCEPTED},
	{REF_SUBMITTED, REFA_RETURN, REF_RECEIVER, REF_RETURNED},
	{REF_ACCEPTED, REFA_START, REF_RECEIVER, REF_IN_PROGRESS},
	{REF_ACCEPTED, REFA_RESOLVE, REF_RECEIVER, REF_RESOLVED},
	{REF_IN_PROGRESS, REFA_RESOLVE, REF_RECEIVER, REF_RESOLVED},
	/* the township answers the village once the county has answered */
	{REF_ESCALATED, REFA_RESOLVE, REF_RECEIVER, REF_RESOLVED},
	{REF_RESOLVED, REFA_CLOSE, REF_SENDER, REF_CLOSED},
	{REF_DRAFT, REFA_WITHDRAW, REF_SENDER, REF_WITHDRAWN},
	{REF_SUBMITTED, REFA_WITHDRAW, REF_SENDER, REF_WITHDRAWN},
	{REF_RETURNED, REFA_WITHDRAW, REF_SENDER, REF_WITHDRAWN},
	{REF_ACCEPTED, REFA_ESCALATE, REF_RECEIVER, REF_ESCALATED},
	{REF_IN_PROGRESS, REFA_ESCALATE, REF_RECEIVER, REF_ESCALATED},
};

/* Input that satisfies every rule, so only the state and side decide. */
static const struct ref_input full = {"因为需要乡镇社工站帮助", REFO_SUCCESS, true};

/* The allowed row for (from, a, side), or -1. */
static int
allowed_row(enum ref_state from, enum ref_action a, enum ref_side side)
{
	for (size_t i = 0; i < NELEM(allowed); i++)
		if (allowed[i].from == from && allowed[i].action == a && allowed[i].side == side)
			return (int)i;
	return -1;
}

/* Whether side takes action a from some state: if not, a refusal says
 * "the other side" rather than "not at this stage". */
static bool
side_takes(enum ref_action a, enum ref_side side)
{
	for (size_t i = 0; i < NELEM(allowed); i++)
		if (allowed[i].action == a && allowed[i].side == side)
			return true;
	return false;
}

/* _i runs over states 0..NSTATES+1 (two out of range), actions 1..8 and
 * both sides. */
START_TEST(test_every_transition)
{
	int nst = NSTATES + 2;
	enum ref_state from = (enum ref_state)(_i % nst);
	enum ref_action a = (enum ref_action)(_i / nst % NACTIONS + 1);
	enum ref_side side = (enum ref_side)(_i / nst / NACTIONS + 1);
	enum ref_state to = (enum ref_state)77;
	int row = allowed_row(from, a, side);
	int rc = referral_check(from, a, side, &full, &to);

	if (row >= 0) {
		ck_assert_msg(rc == REF_OK, "state %d action %d side %d: %d, expected allowed",
		              from, a, side, rc);
		ck_assert_int_eq(to, allowed[row].to);
	} else {
		int want = side_takes(a, side) ? REF_ERR_STATE : REF_ERR_SIDE;
		ck_assert_msg(rc == want, "state %d action %d side %d: %d, expected %d",
		              from, a, side, rc, want);
		ck_assert_int_eq(to, 77);   /* untouched when refused */
	}
}
END_TEST

START_TEST(test_odd_arguments)
{
	enum ref_state to;

	ck_assert_int_eq(referral_check(REF_SUBMITTED, 0, REF_RECEIVER, &full, &to), REF_ERR_STATE);
	ck_assert_int_eq(referral_check(REF_SUBMITTED, 99, REF_RECEIVER, &full, &to), REF_ERR_STATE);
	ck_assert_int_eq(referral_check(REF_SUBMITTED, REFA_ACCEPT, 0, &full, &to), REF_ERR_SIDE);
	ck_assert_int_eq(referral_check(REF_SUBMITTED, REFA_ACCEPT, 3, &full, &to), REF_ERR_SIDE);
	/* No input is no note, no outcome, no consent; steps needing none pass. */
	ck_assert_int_eq(referral_check(REF_SUBMITTED, REFA_ACCEPT, REF_RECEIVER, NULL, &to), REF_OK);
	ck_assert_int_eq(to, REF_ACCEPTED);
	ck_assert_int_eq(referral_check(REF_SUBMITTED, REFA_RETURN, REF_RECEIVER, NULL, &to),
	                 REF_ERR_REASON);
	ck_assert_int_eq(referral_check(REF_IN_PROGRESS, REFA_RESOLVE, REF_RECEIVER, NULL, &to),
	                 REF_ERR_OUTCOME);
	ck_assert_int_eq(referral_check(REF_DRAFT, REFA_SUBMIT, REF_SENDER, NULL, &to),
	                 REF_ERR_CONSENT);
	/* to may be NULL. */
	ck_assert_int_eq(referral_check(REF_RESOLVED, REFA_CLOSE, REF_SENDER, &full, NULL), REF_OK);
	/* Wrong side or state is told before a missing reason. */
	ck_assert_int_eq(referral_check(REF_SUBMITTED, REFA_RETURN, REF_SENDER, NULL, &to),
	                 REF_ERR_SIDE);
	ck_assert_int_eq(referral_check(REF_ACCEPTED, REFA_RETURN, REF_RECEIVER, NULL, &to),
	                 REF_ERR_STATE);
}
END_TEST

static const char *const blank_notes[] = {
	"", " ", "   ", "\t\n", "\r\n \t", "\xe3\x80\x80", /* U+3000 full-width space */
	" \xe3\x80\x80\xc2\xa0 ",                        /* with a no-break space */
};
static const char *const good_notes[] = {
	"x", " 不在家 ", "\xe3\x80\x80因为\xe3\x80\x80", "0", "\xf0\xa0\x80\x80", /* U+20000, 𠀀 */
};

/* Return and escalate need a reason; blank ones do not count. */
START_TEST(test_reasons)
{
	static const struct {
		enum ref_state from;
		enum ref_action a;
		enum ref_state to;
	} needing[] = {
		{REF_SUBMITTED, REFA_RETURN, REF_RETURNED},
		{REF_ACCEPTED, REFA_ESCALATE, REF_ESCALATED},
		{REF_IN_PROGRESS, REFA_ESCALATE, REF_ESCALATED},
	};
	for (size_t i = 0; i < NELEM(needing); i++) {
		struct ref_input in = {NULL, 0, false};
		enum ref_state to = (enum ref_state)77;

		ck_assert_int_eq(referral_check(needing[i].from, needing[i].a, REF_RECEIVER, &in, &to),
		                 REF_ERR_REASON);
		for (size_t k = 0; k < NELEM(blank_notes); k++) {
			in.note = blank_notes[k];
			ck_assert_msg(referral_check(needing[i].from, needing[i].a, REF_RECEIVER, &in,
			                             &to) == REF_ERR_REASON,
			              "blank note %zu accepted for action %d", k, needing[i].a);
		}
		ck_assert_int_eq(to, 77);
		for (size_t k = 0; k < NELEM(good_notes); k++) {
			in.note = good_notes[k];
			ck_assert_int_eq(referral_check(needing[i].from, needing[i].a, REF_RECEIVER,
			                                &in, &to), REF_OK);
			ck_assert_int_eq(to, needing[i].to);
		}
	}
	/* The other steps need none. */
	struct ref_input none = {"", REFO_SUCCESS, true};
	enum ref_state to;
	ck_assert_int_eq(referral_check(REF_SUBMITTED, REFA_ACCEPT, REF_RECEIVER, &none, &to), REF_OK);
	ck_assert_int_eq(referral_check(REF_ACCEPTED, REFA_START, REF_RECEIVER, &none, &to), REF_OK);
	ck_assert_int_eq(referral_check(REF_RESOLVED, REFA_CLOSE, REF_SENDER, &none, &to), REF_OK);
	ck_assert_int_eq(referral_check(REF_SUBMITTED, REFA_WITHDRAW, REF_SENDER, &none, &to), REF_OK);
	ck_assert_int_eq(referral_check(REF_DRAFT, REFA_SUBMIT, REF_SENDER, &none, &to), REF_OK);
}
END_TEST

/* Resolve needs an outcome; any but success needs a note saying why. */
START_TEST(test_outcomes)
{
	static const enum ref_state froms[] = {REF_ACCEPTED, REF_IN_PROGRESS, REF_ESCALATED};
	static const enum ref_outcome not_success[] = {
		REFO_REFUSED, REFO_NO_CAPACITY, REFO_NOT_NEEDED, REFO_UNREACHABLE, REFO_OTHER,
	};

	for (size_t f = 0; f < NELEM(froms); f++) {
		struct ref_input in = {"done", 0, false};
		enum ref_state to = (enum ref_state)77;

		ck_assert_int_eq(referral_check(froms[f], REFA_RESOLVE, REF_RECEIVER, &in, &to),
		                 REF_ERR_OUTCOME);
		in.outcome = (enum ref_outcome)99;
		ck_assert_int_eq(referral_check(froms[f], REFA_RESOLVE, REF_RECEIVER, &in, &to),
		                 REF_ERR_OUTCOME);
		ck_assert_int_eq(to, 77);

		in.outcome = REFO_SUCCESS;
		in.note = NULL;
		ck_assert_int_eq(referral_check(froms[f], REFA_RESOLVE, REF_RECEIVER, &in, &to), REF_OK);
		ck_assert_int_eq(to, REF_RESOLVED);
		in.note = "  ";
		ck_assert_int_eq(referral_check(froms[f], REFA_RESOLVE, REF_RECEIVER, &in, &to), REF_OK);

		for (size_t o = 0; o < NELEM(not_success); o++) {
			in.outcome = not_success[o];
			in.note = NULL;
			ck_assert_int_eq(referral_check(froms[f], REFA_RESOLVE, REF_RECEIVER, &in, &to),
			                 REF_ERR_OUTCOME);
			for (size_t k = 0; k < NELEM(blank_notes); k++) {
				in.note = blank_notes[k];
				ck_assert_int_eq(referral_check(froms[f], REFA_RESOLVE, REF_RECEIVER, &in,
				                                &to), REF_ERR_OUTCOME);
			}
			to = (enum ref_state)77;
			in.note = "本人拒绝服务";
			ck_assert_int_eq(referral_check(froms[f], REFA_RESOLVE, REF_RECEIVER, &in, &to),
			                 REF_OK);
			ck_assert_int_eq(to, REF_RESOLVED);
		}
	}
	/* No other step looks at the outcome. */
	struct ref_input in = {"why", 0, true};
	enum ref_state to;
	ck_assert_int_eq(referral_check(REF_SUBMITTED, REFA_RETURN, REF_RECEIVER, &in, &to), REF_OK);
	ck_assert_int_eq(referral_check(REF_ACCEPTED, REFA_ESCALATE, REF_RECEIVER, &in, &to), REF_OK);
}
END_TEST

/* Submitting passes personal data up: it needs the recorded consent. */
START_TEST(test_consent)
{
	static const enum ref_state froms[] = {REF_DRAFT, REF_RETURNED};

	for (size_t f = 0; f < NELEM(froms); f++) {
		struct ref_input in = {"note", REFO_SUCCESS, false};
		enum ref_state to = (enum ref_state)77;

		ck_assert_int_eq(referral_check(froms[f], REFA_SUBMIT, REF_SENDER, &in, &to),
		                 REF_ERR_CONSENT);
		ck_assert_int_eq(to, 77);
		in.consent = true;
		ck_assert_int_eq(referral_check(froms[f], REFA_SUBMIT, REF_SENDER, &in, &to), REF_OK);
		ck_assert_int_eq(to, REF_SUBMITTED);
	}
	/* Withdrawing or closing does not. */
	struct ref_input in = {NULL, 0, false};
	enum ref_state to;
	ck_assert_int_eq(referral_check(REF_DRAFT, REFA_WITHDRAW, REF_SENDER, &in, &to), REF_OK);
	ck_assert_int_eq(referral_check(REF_RESOLVED, REFA_CLOSE, REF_SENDER, &in, &to), REF_OK);
}
END_TEST

/* referral_actions lists exactly the allowed steps, in action order. */
START_TEST(test_actions)
{
	for (int s = 0; s <= NSTATES + 1; s++)
		for (int side = REF_SENDER; side <= REF_RECEIVER; side++) {
			enum ref_action want[NACTIONS], got[NACTIONS + 1];
			int nwant = 0;

			for (int a = 1; a <= NACTIONS; a++)
				if (allowed_row((enum ref_state)s, (enum ref_action)a,
				                (enum ref_side)side) >= 0)
					want[nwant++] = (enum ref_action)a;
			got[nwant] = (enum ref_action)77;
			int n = referral_actions((enum ref_state)s, (enum ref_side)side, got, NACTIONS);
			ck_assert_msg(n == nwant, "state %d side %d: %d actions, expected %d", s, side,
			              n, nwant);
			for (int i = 0; i < n; i++)
				ck_assert_int_eq(got[i], want[i]);
		}

	/* max caps what is written. */
	enum ref_action out[3] = {77, 77, 77};
	ck_assert_int_eq(referral_actions(REF_SUBMITTED, REF_RECEIVER, out, 1), 1);
	ck_assert_int_eq(out[0], REFA_ACCEPT);
	ck_assert_int_eq(out[1], 77);
	ck_assert_int_eq(referral_actions(REF_SUBMITTED, REF_RECEIVER, out, 0), 0);
	ck_assert_int_eq(referral_actions(REF_SUBMITTED, REF_RECEIVER, out, -1), 0);
	ck_assert_int_eq(referral_actions(REF_SUBMITTED, REF_RECEIVER, NULL, 8), 0);
	ck_assert_int_eq(referral_actions(REF_SUBMITTED, REF_SENDER, out, 3), 1);
	ck_assert_int_eq(out[0], REFA_WITHDRAW);
}
END_TEST

START_TEST(test_due_days)
{
	ck_assert_int_eq(referral_due_days("urgent"), 3);
	ck_assert_int_eq(referral_due_days("soon"), 7);
	ck_assert_int_eq(referral_due_days("normal"), 15);
	ck_assert_int_eq(referral_due_days("whenever"), 15);
	ck_assert_int_eq(referral_due_days("Urgent"), 15);
	ck_assert_int_eq(referral_due_days(""), 15);
	ck_assert_int_eq(referral_due_days(NULL), 15);
}
END_TEST

static const struct {
	const char *submitted, *urgency, *due;
} dues[] = {
	{"2026-03-01", "normal", "2026-03-16"},
	{"2026-01-31", "urgent", "2026-02-03"},   /* 31-day month */
	{"2026-04-28", "soon", "2026-05-05"},     /* 30-day month */
	{"2026-06-30", "normal", "2026-07-15"},
	{"2026-02-27", "urgent", "2026-03-02"},   /* February, not a leap year */
	{"2026-02-20", "soon", "2026-02-27"},
	{"2024-02-27", "urgent", "2024-03-01"},   /* leap year: 28, 29, 1 */
	{"2024-02-26", "urgent", "2024-02-29"},
	{"2024-02-29", "normal", "2024-03-15"},   /* from the leap day */
	{"2024-02-28", "soon", "2024-03-06"},
	{"2000-02-27", "urgent", "2000-03-01"},   /* 2000 is a leap year */
	{"2100-02-27", "urgent", "2100-03-02"},   /* 2100 is not */
	{"2100-02-26", "urgent", "2100-03-01"},
	{"2025-12-30", "urgent", "2026-01-02"},   /* year end */
	{"2025-12-20", "normal", "2026-01-04"},
	{"2025-12-31", "soon", "2026-01-07"},
	{"2026-03-15", "bogus", "2026-03-30"},    /* unknown urgency: normal */
	{"2026-03-15", NULL, "2026-03-30"},
	{"1999-12-29", "urgent", "2000-01-01"},
	{"9999-12-28", "urgent", "9999-12-31"},
};

START_TEST(test_due_date)
{
	char out[11];

	memset(out, 'z', sizeof out);
	ck_assert_int_eq(referral_due_date(dues[_i].submitted, dues[_i].urgency, out), 0);
	ck_assert_str_eq(out, dues[_i].due);
}
END_TEST

static const struct {
	const char *submitted;
	int err;
} bad_dates[] = {
	{NULL, VALID_EMPTY},
	{"", VALID_EMPTY},
	{"2026-3-15", VALID_DATE_FORMAT},
	{"20260315", VALID_DATE_FORMAT},
	{"2026/03/15", VALID_DATE_FORMAT},
	{"2026-03-15 ", VALID_DATE_FORMAT},
	{"2026-03-1x", VALID_DATE_FORMAT},
	{"+026-03-15", VALID_DATE_FORMAT},
	{"2026-02-29", VALID_DATE_RANGE},
	{"2100-02-29", VALID_DATE_RANGE},
	{"2026-13-01", VALID_DATE_RANGE},
	{"2026-04-31", VALID_DATE_RANGE},
	{"2026-00-10", VALID_DATE_RANGE},
	{"0000-01-01", VALID_DATE_RANGE},
	{"9999-12-31", VALID_DATE_RANGE},   /* the due date would be in year 10000 */
};

START_TEST(test_due_date_bad)
{
	char out[11];

	memset(out, 'z', sizeof out);
	ck_assert_int_eq(referral_due_date(bad_dates[_i].submitted, "urgent", out), bad_dates[_i].err);
	ck_assert_str_eq(out, "");
	ck_assert_ptr_nonnull(referral_strerror(bad_dates[_i].err));
}
END_TEST

START_TEST(test_overdue)
{
	static const enum ref_state open[] = {REF_SUBMITTED, REF_ACCEPTED, REF_IN_PROGRESS};
	static const enum ref_state done[] = {
		REF_DRAFT, REF_RETURNED, REF_RESOLVED, REF_CLOSED, REF_WITHDRAWN, REF_ESCALATED, 0, 99,
	};

	for (size_t i = 0; i < NELEM(open); i++) {
		ck_assert(referral_overdue(open[i], "2026-03-10", "2026-03-11"));
		ck_assert(referral_overdue(open[i], "2026-03-10", "2027-01-01"));
		ck_assert(referral_overdue(open[i], "2025-12-31", "2026-01-01"));
		ck_assert(referral_overdue(open[i], "2024-02-28", "2024-02-29"));
		ck_assert(!referral_overdue(open[i], "2026-03-10", "2026-03-10"));   /* due today */
		ck_assert(!referral_overdue(open[i], "2026-03-10", "2026-03-09"));
		ck_assert(!referral_overdue(open[i], "2026-01-01", "2025-12-31"));
		/* A date we cannot read says nothing. */
		ck_assert(!referral_overdue(open[i], "", "2026-03-11"));
		ck_assert(!referral_overdue(open[i], NULL, "2026-03-11"));
		ck_assert(!referral_overdue(open[i], "2026-03-10", NULL));
		ck_assert(!referral_overdue(open[i], "2026-3-10", "2026-03-11"));
		ck_assert(!referral_overdue(open[i], "2026-03-10", "2026-3-9"));
		ck_assert(!referral_overdue(open[i], "2026-02-30", "2026-03-11"));
	}
	for (size_t i = 0; i < NELEM(done); i++)
		ck_assert(!referral_overdue(done[i], "2026-03-10", "2027-03-11"));
}
END_TEST

START_TEST(test_need_status)
{
	static const enum ref_state quiet[] = {
		REF_DRAFT, REF_ACCEPTED, REF_IN_PROGRESS, REF_CLOSED, REF_ESCALATED, 0, 99,
	};
	static const enum ref_outcome others[] = {
		0, REFO_REFUSED, REFO_NO_CAPACITY, REFO_NOT_NEEDED, REFO_UNREACHABLE, REFO_OTHER,
	};

	for (int o = 0; o <= 6; o++) {
		ck_assert_str_eq(referral_need_status(REF_SUBMITTED, (enum ref_outcome)o), "referred");
		ck_assert_str_eq(referral_need_status(REF_RETURNED, (enum ref_outcome)o), "open");
		ck_assert_str_eq(referral_need_status(REF_WITHDRAWN, (enum ref_outcome)o), "open");
		for (size_t i = 0; i < NELEM(quiet); i++)
			ck_assert_ptr_null(referral_need_status(quiet[i], (enum ref_outcome)o));
	}
	ck_assert_str_eq(referral_need_status(REF_RESOLVED, REFO_SUCCESS), "met");
	for (size_t i = 0; i < NELEM(others); i++)
		ck_assert_ptr_null(referral_need_status(REF_RESOLVED, others[i]));
}
END_TEST

START_TEST(test_names)
{
	static const char *const states[NSTATES + 1] = {
		NULL, "draft", "submitted", "accepted", "returned", "in_progress",
		"resolved", "closed", "withdrawn", "escalated",
	};
	static const char *const actions[NACTIONS + 1] = {
		NULL, "submit", "accept", "return", "start", "resolve", "close", "withdraw", "escalate",
	};
	static const char *const outcomes[] = {
		NULL, "success", "refused", "no_capacity", "not_needed", "unreachable", "other",
	};
	static const char *const unknown[] = {
		"", "Draft", "in progress", "submitted ", "提交", "close\n", "x",
	};

	for (int s = 1; s <= NSTATES; s++) {
		ck_assert_str_eq(referral_state_name((enum ref_state)s), states[s]);
		ck_assert_int_eq(referral_state_from_name(states[s]), s);
		ck_assert_ptr_nonnull(referral_state_label((enum ref_state)s));
	}
	for (int a = 1; a <= NACTIONS; a++) {
		ck_assert_str_eq(referral_action_name((enum ref_action)a), actions[a]);
		ck_assert_int_eq(referral_action_from_name(actions[a]), a);
		ck_assert_ptr_nonnull(referral_action_label((enum ref_action)a));
	}
	for (int o = 1; o < (int)NELEM(outcomes); o++) {
		ck_assert_str_eq(referral_outcome_name((enum ref_outcome)o), outcomes[o]);
		ck_assert_int_eq(referral_outcome_from_name(outcomes[o]), o);
	}
	for (size_t i = 0; i < NELEM(unknown); i++) {
		ck_assert_int_eq(referral_state_from_name(unknown[i]), 0);
		ck_assert_int_eq(referral_action_from_name(unknown[i]), 0);
		ck_assert_int_eq(referral_outcome_from_name(unknown[i]), 0);
	}
	ck_assert_int_eq(referral_state_from_name(NULL), 0);
	ck_assert_int_eq(referral_action_from_name(NULL), 0);
	ck_assert_int_eq(referral_outcome_from_name(NULL), 0);
	/* A state's name is not an action's, nor the other way round. */
	ck_assert_int_eq(referral_action_from_name("submitted"), 0);
	ck_assert_int_eq(referral_state_from_name("submit"), 0);

	static const int bad[] = {0, 10, 99, -1};
	for (size_t i = 0; i < NELEM(bad); i++) {
		ck_assert_ptr_null(referral_state_name((enum ref_state)bad[i]));
		ck_assert_ptr_null(referral_state_label((enum ref_state)bad[i]));
		ck_assert_ptr_null(referral_action_name((enum ref_action)bad[i]));
		ck_assert_ptr_null(referral_action_label((enum ref_action)bad[i]));
		ck_assert_ptr_null(referral_outcome_name((enum ref_outcome)bad[i]));
	}
}
END_TEST

/* Without a catalogue the labels are the English msgids. */
START_TEST(test_labels_english)
{
	setlocale(LC_ALL, "C");
	ck_assert_str_eq(referral_state_label(REF_SUBMITTED), "Submitted");
	ck_assert_str_eq(referral_state_label(REF_IN_PROGRESS), "In progress");
	ck_assert_str_eq(referral_action_label(REFA_RETURN), "Return");
}
END_TEST

/* With the zh_CN catalogue (make check sets SHEGONG_LOCALEDIR), labels
 * and messages come back translated where the catalogue has them. */
START_TEST(test_labels_chinese)
{
	if (!getenv("SHEGONG_LOCALEDIR") || !setlocale(LC_ALL, "zh_CN.UTF-8"))
		return;   /* no catalogue or no locale here: nothing to see */
	i18n_init();
	ck_assert_str_eq(referral_state_label(REF_CLOSED), "已结案");
	ck_assert_str_eq(referral_state_label(REF_IN_PROGRESS), "处理中");
	setlocale(LC_ALL, "C");
}
END_TEST

START_TEST(test_strerror)
{
	static const int errs[] = {
		REF_ERR_STATE, REF_ERR_SIDE, REF_ERR_REASON, REF_ERR_OUTCOME, REF_ERR_CONSENT,
	};

	setlocale(LC_ALL, "C");
	for (size_t i = 0; i < NELEM(errs); i++) {
		const char *m = referral_strerror(errs[i]);
		ck_assert_ptr_nonnull(m);
		ck_assert_uint_gt(strlen(m), 20);
		for (size_t k = 0; k < i; k++)   /* each says something different */
			ck_assert_str_ne(m, referral_strerror(errs[k]));
	}
	ck_assert_ptr_nonnull(strstr(referral_strerror(REF_ERR_CONSENT), "consent"));
	ck_assert_ptr_nonnull(strstr(referral_strerror(REF_ERR_REASON), "reason"));
	ck_assert_ptr_nonnull(strstr(referral_strerror(REF_ERR_OUTCOME), "outcome"));
	/* The date errors of referral_due_date read as valid.h's. */
	ck_assert_str_eq(referral_strerror(VALID_DATE_RANGE), valid_strerror(VALID_DATE_RANGE));
	ck_assert_ptr_nonnull(referral_strerror(REF_ERR_CONSENT + 1));
	ck_assert_ptr_nonnull(referral_strerror(-5));
	ck_assert_ptr_nonnull(referral_strerror(REF_OK));
}
END_TEST

static Suite *
referral_suite(void)
{
	Suite *s = suite_create("referral");
	TCase *tc = tcase_create("machine");
	tcase_add_loop_test(tc, test_every_transition, 0, (NSTATES + 2) * NACTIONS * 2);
	tcase_add_test(tc, test_odd_arguments);
	tcase_add_test(tc, test_reasons);
	tcase_add_test(tc, test_outcomes);
	tcase_add_test(tc, test_consent);
	tcase_add_test(tc, test_actions);
	suite_add_tcase(s, tc);
	tc = tcase_create("dates");
	tcase_add_test(tc, test_due_days);
	tcase_add_loop_test(tc, test_due_date, 0, (int)NELEM(dues));
	tcase_add_loop_test(tc, test_due_date_bad, 0, (int)NELEM(bad_dates));
	tcase_add_test(tc, test_overdue);
	suite_add_tcase(s, tc);
	tc = tcase_create("names");
	tcase_add_test(tc, test_need_status);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_labels_english);
	tcase_add_test(tc, test_labels_chinese);
	tcase_add_test(tc, test_strerror);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(referral_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
