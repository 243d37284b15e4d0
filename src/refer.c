/* refer.c: referrals as records (refer.h): the rules of referral.c applied
 * to REC_REFERRAL records under the worker's scope, one write transaction
 * per step (the referral, its history line, the linked needs' status, the
 * audit entry); the inbox, outbox and overdue lists through the indexes;
 * what is new since the worker last looked; the printed referral slip. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "i18n.h"
#include "index.h"
#include "orgunit.h"
#include "refer.h"
#include "refer-internal.h"
#include "route.h"
#include "text.h"
#include "valid.h"
#include "util.h"


/* --- labels ------------------------------------------------------------ */

/* The same labels as forms/choices (so one translation serves both): the
 * slip and the lists name categories without loading the forms. */
static const struct label {
	const char *value, *label;
} categories[] = {
	{"hardship", N_("Special hardship (tekun)")},
	{"youth", N_("Troubled youth")},
	{"disability", N_("Disability")},
	{"mental", N_("Mental health")},
	{"elderly", N_("Elderly")},
	{"child", N_("Child protection")},
	{"other", N_("Other")},
}, urgencies[] = {
	{"normal", N_("Normal")},
	{"soon", N_("Soon")},
	{"urgent", N_("Urgent")},
}, outcomes[] = {
	{"success", N_("Successful")},
	{"refused", N_("The person refused services")},
	{"no_capacity", N_("No capacity to help")},
	{"not_needed", N_("No longer needed")},
	{"unreachable", N_("Could not reach the person")},
	{"other", N_("Other")},
};

static const char *
label_of(const struct label *t, size_t n, const char *v)
{
	if (!v)
		return "";
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].value, v) == 0)
			return _(t[i].label);
	return v;
}

const char *
refer_category_label(const char *v)
{
	return label_of(categories, NELEM(categories), v);
}

const char *
refer_urgency_label(const char *v)
{
	return label_of(urgencies, NELEM(urgencies), v);
}

const char *
refer_outcome_label(const char *v)
{
	return label_of(outcomes, NELEM(outcomes), v);
}

const char *
refer_strerror(int err)
{
	switch (err) {
	case REFER_ERR_INPUT:
		return _("The referral is missing something it must carry: see the message above");
	case REFER_ERR_NOSIDE:
		/* TRANSLATORS: 只有转出的村社工室和接收的社工站可以办理此转介 */
		return _("Only the room that sent this referral and the station it was sent to may act "
		         "on it");
	}
	if (err >= REF_ERR_STATE && err < REFER_ERR_INPUT)
		return referral_strerror(err);
	return store_strerror(err);
}

/* --- small helpers ------------------------------------------------------- */

static void
local_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static void
local_stamp(char out[17])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, 17, "%Y-%m-%d %H:%M", &tm);
}

static bool
is_day(const char *s)
{
	int y, m, d;
	return s && strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	       valid_date(s, &y, &m, &d) == VALID_OK;
}

/* Something typed, not only blanks (ASCII or the full-width space). */
static bool
given(const char *s)
{
	if (!s)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			continue;
		if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {   /* U+3000 */
			p += 2;
			continue;
		}
		return true;
	}
	return false;
}

static void
set_why(char *why, size_t size, const char *msg)
{
	if (why && size)
		snprintf(why, size, "%s", msg);
}

enum ref_state
refer_state(const record *r)
{
	enum ref_state s = referral_state_from_name(record_get(r, "status"));
	return s ? s : REF_DRAFT;
}

static bool
same(const char *a, const char *b)
{
	return a && b && *a && strcmp(a, b) == 0;
}

int
refer_side(const struct scope *sc, const record *r)
{
	if (!sc || sc->role == ROLE_SUPERVISOR)
		return 0;
	return scope_referral_side(sc, r);
}

int
refer_actions(const struct scope *sc, const record *r, enum ref_action *out, int max)
{
	int side = refer_side(sc, r);
	if (!side)
		return 0;
	return referral_actions(refer_state(r), (enum ref_side)side, out, max);
}

bool
refer_editable(const struct scope *sc, const record *r)
{
	enum ref_state s = refer_state(r);
	return refer_side(sc, r) == REF_SENDER && (s == REF_DRAFT || s == REF_RETURNED);
}

/* A line of text safe inside one history field: tabs and line ends become
 * spaces.  malloc'd. */
static char *
one_line(const char *s)
{
	char *c = strdup(s ? s : "");
	if (!c)
		return NULL;
	for (char *p = c; *p; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	return c;
}

/* Append "stamp<TAB>login<TAB>action<TAB>note" to r's _history. */
static int
add_history(record *r, const char *login, const char *action, const char *note)
{
	char stamp[17];
	local_stamp(stamp);
	char *n = one_line(note), *line = NULL;
	const char *old = record_get(r, "_history");
	int rc = -1;
	if (n && asprintf(&line, "%s%s%s\t%s\t%s\t%s", old ? old : "", old ? "\n" : "", stamp,
	                  login, action, n) >= 0)
		rc = record_set(r, "_history", line);
	free(n);
	free(line);
	return rc;
}

/* The next number of the slips of unit code in the year of date,
 * ZJ-CODE-YEAR-NNNN, counted in meta "refno/CODE/YEAR" (8 bytes BE). */
static int
next_number(store_txn *t, const char *code, const char *date, char *out, size_t size)
{
	char name[64];
	snprintf(name, sizeof name, "refno/%s/%.4s", code, date);
	void *data;
	size_t len;
	uint64_t n = 0;
	int err = store_meta_get(t, name, &data, &len);
	if (err == STORE_OK && len == 8) {
		n = be_get64(data);
	}
	free(data);
	if (err && err != STORE_NOTFOUND)
		return err;
	n++;
	unsigned char be[8];
	be_put64(be, n);
	if ((err = store_meta_put(t, name, be, sizeof be)))
		return err;
	snprintf(out, size, "ZJ-%s-%.4s-%04llu", code, date, (unsigned long long)n);
	return 0;
}

/* The division code of the unit idtext ("" when it cannot be read). */
static void
unit_code(store_txn *t, const char *idtext, char *out, size_t size)
{
	rec_id id;
	record *u = NULL;
	out[0] = '\0';
	if (idtext && rec_id_parse(idtext, &id) == 0 && id.kind == REC_UNIT &&
	    store_get(t, &id, &u) == STORE_OK) {
		const char *c = record_get(u, "code");
		snprintf(out, size, "%s", c ? c : "");
	}
	record_free(u);
}

/* Set the linked needs' status for r reaching state s.  The receiving
 * station may not write the village's records, but this is the rules'
 * consequence, not the worker's wish, so it runs trusted. */
int
refer_follow_needs(store_txn *t, const record *r, enum ref_state s, enum ref_outcome o)
{
	const char *status = referral_need_status(s, o);
	const char *needs = record_get(r, "needs");
	if (!status || !needs || !*needs)
		return 0;
	char *list = strdup(needs);
	if (!list)
		return store_txn_fail(t, STORE_NOMEM);
	int err = 0;
	store_txn_trust(t, true);
	char *save = NULL;
	for (char *item = strtok_r(list, ", ", &save); item && !err;
	     item = strtok_r(NULL, ", ", &save)) {
		rec_id id;
		record *n;
		if (rec_id_parse(item, &id) < 0 || id.kind != REC_NEED)
			continue;
		int rc = store_get(t, &id, &n);
		if (rc == STORE_NOTFOUND)
			continue;   /* a need deleted since: nothing to follow */
		if (rc) {
			err = rc;
			break;
		}
		const char *cur = record_get(n, "status");
		if (!cur || strcmp(cur, status) != 0) {
			if (record_set(n, "status", status))
				err = store_txn_fail(t, STORE_NOMEM);
			else
				err = store_put(t, n);
		}
		record_free(n);
	}
	store_txn_trust(t, false);
	free(list);
	return err;
}

/* Submit r (draft or returned) on date today: the number the first time,
 * the dates, the state. */
static int
mark_submitted(store_txn *t, record *r, const char *today)
{
	char due[11];
	int err = referral_due_date(today, record_get(r, "urgency"), due);
	if (err)
		return store_txn_fail(t, STORE_INVALID);
	const char *num = record_get(r, "number");
	if (!num || !*num) {
		char code[16], number[64];
		unit_code(t, record_get(r, "village"), code, sizeof code);
		if ((err = next_number(t, *code ? code : "0", today, number, sizeof number)))
			return err;
		if (record_set(r, "number", number))
			return store_txn_fail(t, STORE_NOMEM);
	}
	if (record_set(r, "status", referral_state_name(REF_SUBMITTED)) ||
	    record_set(r, "submitted", today) || record_set(r, "due", due) ||
	    record_set(r, "return_reason", NULL))
		return store_txn_fail(t, STORE_NOMEM);
	return 0;
}

/* --- creating and editing ------------------------------------------------- */

/* The fields of a referral's content from in; why on a refusal. */
static int
check_content(store_txn *t, const struct refer_new *in, char *why, size_t whysize)
{
	rec_id id;
	record *r = NULL;
	if (!given(in->resident) || rec_id_parse(in->resident, &id) < 0 || id.kind != REC_RESIDENT) {
		set_why(why, whysize, _("Say whom the referral is for: the resident's record id."));
		return REFER_ERR_INPUT;
	}
	int err = store_get(t, &id, &r);
	record_free(r);
	if (err == STORE_NOTFOUND || err == STORE_DENIED) {
		set_why(why, whysize, err == STORE_DENIED
		                          ? _("The resident is not one of your unit's: you may refer only "
		                              "the people you look after.")
		                          : _("There is no such resident."));
		return err;
	}
	if (err)
		return err;
	for (size_t i = 0; i < in->nneeds; i++) {
		if (rec_id_parse(in->needs[i], &id) < 0 || id.kind != REC_NEED) {
			set_why(why, whysize, _("A need referred is not a need's record id."));
			return REFER_ERR_INPUT;
		}
		err = store_get(t, &id, &r);
		const char *who = r ? record_get(r, "resident") : NULL;
		bool theirs = who && strcmp(who, in->resident) == 0;
		record_free(r);
		if (err) {
			set_why(why, whysize, err == STORE_DENIED ? _("A need referred is not one of your "
			                                              "unit's.")
			                                          : _("A need referred is not there."));
			return err;
		}
		if (!theirs) {
			set_why(why, whysize, _("A need referred is not this resident's."));
			return REFER_ERR_INPUT;
		}
	}
	if (!given(in->category)) {
		set_why(why, whysize, _("Choose the referral's category."));
		return REFER_ERR_INPUT;
	}
	if (!given(in->reason)) {
		set_why(why, whysize, _("Write the reason for the referral: what the person needs that "
		                        "the village cannot give."));
		return REFER_ERR_INPUT;
	}
	return 0;
}

/* Put the content of in on r (and the receiving unit). */
static int
set_content(store_txn *t, record *r, const struct scope *sc, const struct refer_new *in,
            char *why, size_t whysize)
{
	char *needs = NULL;
	size_t len = 0;
	for (size_t i = 0; i < in->nneeds; i++)
		len += strlen(in->needs[i]) + 1;
	if (in->nneeds) {
		if (!(needs = malloc(len)))
			return store_txn_fail(t, STORE_NOMEM);
		needs[0] = '\0';
		for (size_t i = 0; i < in->nneeds; i++) {
			if (i)
				strcat(needs, ",");
			strcat(needs, in->needs[i]);
		}
	}
	const char *to = in->to && *in->to ? in->to : sc->above;
	rec_id tid;
	record *u = NULL;
	int err = 0;
	if (!*to || rec_id_parse(to, &tid) < 0 || tid.kind != REC_UNIT ||
	    store_get(t, &tid, &u) != STORE_OK || same(to, record_get(r, "village"))) {
		set_why(why, whysize, _("Say which unit the referral goes to: a township or the county, "
		                        "not your own."));
		err = REFER_ERR_INPUT;
	} else {
		/* a specialised station: one within reach that takes the category */
		int rerr = route_check(u, sc->unit_code, in->category);
		if (rerr) {
			set_why(why, whysize, route_strerror(rerr));
			err = REFER_ERR_INPUT;
		}
	}
	record_free(u);
	if (!err && (record_set(r, "resident", in->resident) | record_set(r, "needs", needs) |
	             record_set(r, "category", in->category) |
	             record_set(r, "urgency", given(in->urgency) ? in->urgency : "normal") |
	             record_set(r, "reason", in->reason) | record_set(r, "done", in->done) |
	             record_set(r, "consent", in->consent ? "yes" : "no") |
	             record_set(r, "contact", in->contact) | record_set(r, "to_unit", to)))
		err = store_txn_fail(t, STORE_NOMEM);
	free(needs);
	return err;
}

struct create_ctx {
	const struct scope *sc;
	const struct refer_new *in;
	bool submit;
	char today[11];
	rec_id id;
	char *why;
	size_t whysize;
};

static int
create_txn(store_txn *t, void *ctx)
{
	struct create_ctx *cc = ctx;
	int err = check_content(t, cc->in, cc->why, cc->whysize);
	if (err)
		return err;
	record *r = record_new(REC_REFERRAL);
	if (!r)
		return store_txn_fail(t, STORE_NOMEM);
	if (record_set(r, "village", cc->sc->unit) ||
	    record_set(r, "status", referral_state_name(REF_DRAFT)))
		err = store_txn_fail(t, STORE_NOMEM);
	if (!err)
		err = set_content(t, r, cc->sc, cc->in, cc->why, cc->whysize);
	if (!err && add_history(r, cc->sc->login, "create", NULL))
		err = store_txn_fail(t, STORE_NOMEM);
	if (!err && cc->submit) {
		struct ref_input ri = {NULL, 0, cc->in->consent};
		enum ref_state to;
		if ((err = referral_check(REF_DRAFT, REFA_SUBMIT, REF_SENDER, &ri, &to)))
			set_why(cc->why, cc->whysize, referral_strerror(err));
		else if (!(err = mark_submitted(t, r, cc->today)) &&
		         add_history(r, cc->sc->login, "submit", NULL))
			err = store_txn_fail(t, STORE_NOMEM);
	}
	if (!err)
		err = store_put(t, r);
	if (!err && cc->submit) {
		err = audit_log(t, "submit", &r->id, 0, r->version, record_get(r, "number"));
		if (!err)
			err = refer_follow_needs(t, r, REF_SUBMITTED, 0);
	}
	if (!err)
		cc->id = r->id;
	record_free(r);
	return err;
}

/* A sentence for err in why unless one is there already. */
static int
finish(int err, char *why, size_t whysize)
{
	if (err && why && whysize && !*why)
		set_why(why, whysize, refer_strerror(err));
	return err;
}

int
refer_create(store *st, const struct scope *sc, const struct refer_new *in, bool submit,
             rec_id *out, char *why, size_t whysize)
{
	if (why && whysize)
		*why = '\0';
	if (!sc || !in)
		return finish(STORE_INVALID, why, whysize);
	if (sc->role != ROLE_VILLAGE && sc->role != ROLE_TOWNSHIP && sc->role != ROLE_ADMIN) {
		set_why(why, whysize, _("Referrals are made by village rooms and stations; your role "
		                        "reads them."));
		return REFER_ERR_NOSIDE;
	}
	struct create_ctx cc = {sc, in, submit, "", {0, 0, 0}, why, whysize};
	if (in->today && !is_day(in->today))
		return finish(STORE_INVALID, why, whysize);
	if (in->today)
		snprintf(cc.today, sizeof cc.today, "%s", in->today);
	else
		local_today(cc.today);
	int err = store_write(st, create_txn, &cc);
	if (!err && out)
		*out = cc.id;
	return finish(err, why, whysize);
}

/* --- acting ---------------------------------------------------------------- */

struct act_ctx {
	const struct scope *sc;
	const rec_id *id;
	enum ref_action a;
	const struct refer_act_in *in;
	const struct refer_new *content;   /* refer_update */
	char today[11];
	rec_id child;
	bool made_child;
	char *why;
	size_t whysize;
	const char *to;   /* escalate: the unit's id text, NULL: the unit above */
};

/* The referral, readable and at the version the worker saw. */
static int
load_for_change(store_txn *t, struct act_ctx *ac, uint32_t version, record **out)
{
	int err = store_get(t, ac->id, out);
	if (err == STORE_DENIED)
		set_why(ac->why, ac->whysize, _("This referral is not within your reach: it was neither "
		                                "sent by your unit nor sent to it."));
	else if (err == STORE_NOTFOUND)
		set_why(ac->why, ac->whysize, _("There is no such referral."));
	if (err)
		return err;
	if (version && (*out)->version != version) {
		set_why(ac->why, ac->whysize, _("Someone else changed this referral after you opened it: "
		                                "look at it again, then take the step."));
		record_free(*out);
		*out = NULL;
		return STORE_CONFLICT;
	}
	return 0;
}

/* The referral sent up from r by the worker of ac (escalate). */
static int
make_child(store_txn *t, struct act_ctx *ac, const record *r)
{
	const struct scope *sc = ac->sc;
	const char *to = given(ac->to) ? ac->to : sc->above;
	if (!*to) {
		set_why(ac->why, ac->whysize, _("There is no unit above yours to refer this to."));
		return REFER_ERR_INPUT;
	}
	if (strcmp(to, sc->above) != 0) {
		/* else a specialised station within reach that takes the category */
		rec_id tid;
		record *u = NULL;
		int rerr = ROUTE_NOTSTATION;
		if (rec_id_parse(to, &tid) == 0 && tid.kind == REC_UNIT &&
		    store_get(t, &tid, &u) == STORE_OK && orgunit_level_of(u) == UNIT_STATION)
			rerr = route_check(u, sc->unit_code, record_get(r, "category"));
		record_free(u);
		if (rerr) {
			set_why(ac->why, ac->whysize,
			        rerr == ROUTE_NOTSTATION
			                ? _("A referral is escalated to the unit above yours, or to a "
			                    "specialised station that takes its category.")
			                : route_strerror(rerr));
			return REFER_ERR_INPUT;
		}
	}
	record *c = record_new(REC_REFERRAL);
	if (!c)
		return store_txn_fail(t, STORE_NOMEM);
	char pid[REC_ID_TEXTMAX];
	static const char *const carried[] = {"resident", "needs", "category", "urgency",
	                                      "done", "consent", "contact"};
	int bad = record_set(c, "village", sc->unit) | record_set(c, "to_unit", to) |
	          record_set(c, "status", referral_state_name(REF_DRAFT)) |
	          record_set(c, "reason", ac->in->note) |
	          record_set(c, "parent", rec_id_format(&r->id, pid));
	for (size_t i = 0; i < NELEM(carried); i++)
		bad |= record_set(c, carried[i], record_get(r, carried[i]));
	bad |= add_history(c, sc->login, "create", record_get(r, "number"));
	bad |= add_history(c, sc->login, "submit", NULL);
	int err = bad ? store_txn_fail(t, STORE_NOMEM) : 0;
	if (!err)
		err = mark_submitted(t, c, ac->today);
	if (!err)
		err = store_put(t, c);
	if (!err)
		err = audit_log(t, "submit", &c->id, 0, c->version, record_get(c, "number"));
	if (!err) {
		ac->child = c->id;
		ac->made_child = true;
	}
	record_free(c);
	return err;
}

static int
act_txn(store_txn *t, void *ctx)
{
	struct act_ctx *ac = ctx;
	const struct refer_act_in *in = ac->in;
	ac->made_child = false;
	if (ac->why && ac->whysize)
		*ac->why = '\0';
	record *r;
	int err = load_for_change(t, ac, in->version, &r);
	if (err)
		return err;
	uint32_t before = r->version;
	int side = refer_side(ac->sc, r);
	enum ref_state from = refer_state(r), to;
	const char *consent = record_get(r, "consent");
	struct ref_input ri = {in->note, in->outcome, consent && strcmp(consent, "yes") == 0};
	if (!side) {
		err = REFER_ERR_NOSIDE;
	} else if ((err = referral_check(from, ac->a, (enum ref_side)side, &ri, &to))) {
		set_why(ac->why, ac->whysize, referral_strerror(err));
	} else if (ac->a == REFA_RESOLVE && !given(in->feedback)) {
		set_why(ac->why, ac->whysize, _("Write the feedback for the village: what was done and "
		                                "what happens next."));
		err = REFER_ERR_INPUT;
	}
	if (err) {
		record_free(r);
		return err;
	}
	const char *today = ac->today;
	char note[320];
	snprintf(note, sizeof note, "%s", in->note ? in->note : "");
	int bad = record_set(r, "status", referral_state_name(to));
	switch (ac->a) {
	case REFA_SUBMIT:
		err = mark_submitted(t, r, today);
		break;
	case REFA_ACCEPT:
		bad |= record_set(r, "accepted", today);
		break;
	case REFA_RETURN:
		bad |= record_set(r, "return_reason", in->note);
		break;
	case REFA_RESOLVE:
		bad |= record_set(r, "resolved", today) |
		       record_set(r, "outcome", referral_outcome_name(in->outcome)) |
		       record_set(r, "outcome_reason", in->note) |
		       record_set(r, "feedback", in->feedback);
		snprintf(note, sizeof note, "%s%s%s", referral_outcome_name(in->outcome),
		         given(in->note) ? ": " : "", given(in->note) ? in->note : "");
		break;
	case REFA_CLOSE:
		bad |= record_set(r, "closed", today);
		break;
	case REFA_ESCALATE:
		if (!(err = make_child(t, ac, r))) {
			char cid[REC_ID_TEXTMAX];
			snprintf(note, sizeof note, "%s (%s)", in->note, rec_id_format(&ac->child, cid));
		}
		break;
	default:
		break;
	}
	if (!err && (bad || add_history(r, ac->sc->login, referral_action_name(ac->a), note)))
		err = store_txn_fail(t, STORE_NOMEM);
	if (!err)
		err = store_put(t, r);
	if (!err)
		err = audit_log(t, referral_action_name(ac->a), &r->id, before, r->version, note);
	if (!err)
		err = refer_follow_needs(t, r, to, in->outcome);
	record_free(r);
	return err;
}

int
refer_act(store *st, const struct scope *sc, const rec_id *id, enum ref_action a,
          const struct refer_act_in *in, rec_id *child, char *why, size_t whysize)
{
	return refer_act_to(st, sc, id, a, in, NULL, child, why, whysize);
}

int
refer_act_to(store *st, const struct scope *sc, const rec_id *id, enum ref_action a,
             const struct refer_act_in *in, const char *to, rec_id *child, char *why,
             size_t whysize)
{
	static const struct refer_act_in nothing = {NULL, 0, NULL, 0, NULL};
	if (why && whysize)
		*why = '\0';
	if (!in)
		in = &nothing;
	if (!sc || !id || id->kind != REC_REFERRAL || (in->today && !is_day(in->today)))
		return finish(STORE_INVALID, why, whysize);
	struct act_ctx ac = {sc, id, a, in, NULL, "", {0, 0, 0}, false, why, whysize, to};
	if (in->today)
		snprintf(ac.today, sizeof ac.today, "%s", in->today);
	else
		local_today(ac.today);
	int err = store_write(st, act_txn, &ac);
	if (!err && child && ac.made_child)
		*child = ac.child;
	return finish(err, why, whysize);
}

static int
update_txn(store_txn *t, void *ctx)
{
	struct act_ctx *ac = ctx;
	if (ac->why && ac->whysize)
		*ac->why = '\0';
	record *r;
	int err = load_for_change(t, ac, ac->in->version, &r);
	if (err)
		return err;
	if (!refer_editable(ac->sc, r)) {
		set_why(ac->why, ac->whysize, refer_side(ac->sc, r) == REF_SENDER
		                                  ? _("A referral can be changed only while it is a draft "
		                                      "or after it came back returned.")
		                                  : _("Only the room that sent a referral may change it."));
		err = refer_side(ac->sc, r) == REF_SENDER ? REF_ERR_STATE : REFER_ERR_NOSIDE;
	}
	if (!err)
		err = check_content(t, ac->content, ac->why, ac->whysize);
	if (!err)
		err = set_content(t, r, ac->sc, ac->content, ac->why, ac->whysize);
	if (!err && add_history(r, ac->sc->login, "edit", NULL))
		err = store_txn_fail(t, STORE_NOMEM);
	if (!err)
		err = store_put(t, r);
	record_free(r);
	return err;
}

int
refer_update(store *st, const struct scope *sc, const rec_id *id, const struct refer_new *in,
             uint32_t version, char *why, size_t whysize)
{
	if (why && whysize)
		*why = '\0';
	if (!sc || !id || !in || id->kind != REC_REFERRAL)
		return finish(STORE_INVALID, why, whysize);
	struct refer_act_in ai = {NULL, 0, NULL, version, NULL};
	struct act_ctx ac = {sc, id, 0, &ai, in, "", {0, 0, 0}, false, why, whysize, NULL};
	return finish(store_write(st, update_txn, &ac), why, whysize);
}

/* --- lists ---------------------------------------------------------------- */

struct rows {
	struct refer_row *v;
	size_t n, cap;
	const struct scope *sc;
	enum refer_box box;
	const char *today;
	const char *want;    /* the exact index value (a unit's id) */
	int64_t since;       /* news */
	/* news: the referrals (key and version, SEEN_ENTRY bytes each) already
	 * shown that were saved in the very second `since`: times are whole
	 * seconds, and another step may come later in that same second */
	unsigned char *seen;
	size_t nseen;
	size_t counts[3];    /* news: incoming, returned, feedback */
	int err;
};

static int
days_between(const char *from, const char *to)
{
	int y1, m1, d1, y2, m2, d2;
	if (!is_day(from) || !is_day(to))
		return 0;
	valid_date(from, &y1, &m1, &d1);
	valid_date(to, &y2, &m2, &d2);
	struct tm a = {.tm_year = y1 - 1900, .tm_mon = m1 - 1, .tm_mday = d1, .tm_hour = 12};
	struct tm b = {.tm_year = y2 - 1900, .tm_mon = m2 - 1, .tm_mday = d2, .tm_hour = 12};
	time_t ta = timegm(&a), tb = timegm(&b);
	return (int)((tb - ta) / 86400);
}

static int
push_row(struct rows *rs, record *r)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 16;
		void *p = realloc(rs->v, cap * sizeof *rs->v);
		if (!p) {
			record_free(r);
			return rs->err = STORE_NOMEM;
		}
		rs->v = p;
		rs->cap = cap;
	}
	struct refer_row *row = &rs->v[rs->n++];
	row->r = r;
	row->overdue = referral_overdue(refer_state(r), record_get(r, "due"), rs->today);
	const char *sub = record_get(r, "submitted");
	row->age_days = sub ? days_between(sub, rs->today) : 0;
	return 0;
}

/* Whether r belongs in the list rs builds. */
static bool
wanted(struct rows *rs, const record *r)
{
	const struct scope *sc = rs->sc;
	enum ref_state s = refer_state(r);
	bool mine = same(record_get(r, "village"), sc->unit);
	switch (rs->box) {
	case REFER_INBOX:
		return s != REF_DRAFT;   /* a draft is not sent yet */
	case REFER_OUTBOX:
		return true;
	case REFER_OVERDUE:
		return referral_overdue(s, record_get(r, "due"), rs->today) &&
		       scope_in_reach(sc, record_get(r, "to_unit"));
	case REFER_ALL:
		return s != REF_DRAFT || mine || sc->role == ROLE_ADMIN;
	}
	return false;
}

static int
row_of_record(store_txn *t, struct rows *rs, const rec_id *id)
{
	record *r;
	int err = store_get(t, id, &r);
	if (err == STORE_DENIED || err == STORE_NOTFOUND)
		return 0;
	if (err)
		return rs->err = err;
	if (!wanted(rs, r)) {
		record_free(r);
		return 0;
	}
	return push_row(rs, r);
}

struct find_ctx {
	store_txn *t;
	struct rows *rs;
};

static int
found_one(const rec_id *id, const char *value, void *ctx)
{
	struct find_ctx *fc = ctx;
	/* "unit-x-1" is a prefix of "unit-x-12": only the exact unit */
	if (strcmp(value, fc->rs->want) != 0)
		return 0;
	return row_of_record(fc->t, fc->rs, id);
}

static int
scanned_one(const record *r, void *ctx)
{
	struct rows *rs = ctx;
	if (!wanted(rs, r))
		return 0;
	record *copy = record_dup(r);
	if (!copy)
		return rs->err = STORE_NOMEM;
	return push_row(rs, copy);
}

static int
list_txn(store_txn *t, void *ctx)
{
	struct rows *rs = ctx;
	struct find_ctx fc = {t, rs};
	int rc;
	switch (rs->box) {
	case REFER_INBOX:
		rs->want = rs->sc->unit;
		rc = store_find(t, IDX_TO, REC_REFERRAL, rs->want, found_one, &fc);
		break;
	case REFER_OUTBOX:
		rs->want = rs->sc->unit;
		rc = store_find(t, IDX_VILLAGE, REC_REFERRAL, rs->want, found_one, &fc);
		break;
	default:
		rc = store_scan(t, REC_REFERRAL, NULL, scanned_one, rs);
		break;
	}
	return rs->err ? rs->err : rc;
}

static int
urgency_rank(const char *u)
{
	static const char *const order[] = {"urgent", "soon", "normal"};
	for (int i = 0; i < (int)NELEM(order); i++)
		if (u && strcmp(u, order[i]) == 0)
			return i;
	return (int)NELEM(order);
}

/* The receiver still owes work on these. */
static bool
open_state(enum ref_state s)
{
	return s == REF_SUBMITTED || s == REF_ACCEPTED || s == REF_IN_PROGRESS ||
	       s == REF_ESCALATED;
}

static int
cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int
cmp_ids(const record *a, const record *b)
{
	if (a->id.site != b->id.site)
		return a->id.site < b->id.site ? -1 : 1;
	return a->id.seq < b->id.seq ? -1 : a->id.seq > b->id.seq;
}

/* Open ones first, then the most urgent, then the oldest. */
static int
inbox_order(const void *x, const void *y)
{
	const record *a = ((const struct refer_row *)x)->r, *b = ((const struct refer_row *)y)->r;
	bool oa = open_state(refer_state(a)), ob = open_state(refer_state(b));
	if (oa != ob)
		return oa ? -1 : 1;
	int c = urgency_rank(record_get(a, "urgency")) - urgency_rank(record_get(b, "urgency"));
	if (c)
		return c;
	if ((c = cmp_str(record_get(a, "submitted"), record_get(b, "submitted"))))
		return c;
	return cmp_ids(a, b);
}

/* Newest first: drafts (not sent yet), then by the day submitted, then
 * by when they were made. */
static int
newest_order(const void *x, const void *y)
{
	const record *a = ((const struct refer_row *)x)->r, *b = ((const struct refer_row *)y)->r;
	const char *sa = record_get(a, "submitted"), *sb = record_get(b, "submitted");
	int c = cmp_str(sa ? sa : "9999", sb ? sb : "9999");
	if (c)
		return -c;
	if (a->created_at != b->created_at)
		return a->created_at > b->created_at ? -1 : 1;
	return -cmp_ids(a, b);
}

/* The longest overdue first. */
static int
due_order(const void *x, const void *y)
{
	const record *a = ((const struct refer_row *)x)->r, *b = ((const struct refer_row *)y)->r;
	int c = cmp_str(record_get(a, "due"), record_get(b, "due"));
	return c ? c : cmp_ids(a, b);
}

int
refer_list(store *st, const struct scope *sc, enum refer_box box, const char *today,
           struct refer_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	if (!sc || box < REFER_INBOX || box > REFER_ALL || (today && !is_day(today)))
		return STORE_INVALID;
	char day[11];
	if (today)
		snprintf(day, sizeof day, "%s", today);
	else
		local_today(day);
	struct rows rs = {.sc = sc, .box = box, .today = day};
	int err = store_read(st, list_txn, &rs);
	if (err) {
		refer_rows_free(rs.v, rs.n);
		return err;
	}
	if (rs.n > 1)
		qsort(rs.v, rs.n, sizeof *rs.v,
		      box == REFER_INBOX ? inbox_order : box == REFER_OVERDUE ? due_order : newest_order);
	*rows = rs.v;
	*n = rs.n;
	return 0;
}

void
refer_rows_free(struct refer_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		record_free(rows[i].r);
	free(rows);
}

/* --- news -------------------------------------------------------------------- */

#define SEEN_ENTRY (REC_KEYLEN + 4)

/* When the worker last looked, and what of that very second they saw:
 * time (8 bytes BE), then key and version of each referral shown that was
 * saved in that second.  The list goes to rs->seen (malloc'd). */
static int64_t
seen_get(store_txn *t, const char *login, struct rows *rs)
{
	char name[96];
	snprintf(name, sizeof name, "seen/%s", login);
	void *data;
	size_t len;
	int64_t v = 0;
	free(rs->seen);
	rs->seen = NULL;
	rs->nseen = 0;
	if (store_meta_get(t, name, &data, &len) != STORE_OK)
		return 0;
	if (len >= 8 && (len - 8) % SEEN_ENTRY == 0) {
		const unsigned char *p = data;
		v = (int64_t)be_get64(p);
		if (len > 8 && (rs->seen = malloc(len - 8))) {
			memcpy(rs->seen, p + 8, len - 8);
			rs->nseen = (len - 8) / SEEN_ENTRY;
		}
	}
	free(data);
	return v;
}

static void
seen_entry(const record *r, unsigned char out[SEEN_ENTRY])
{
	rec_id_to_key(&r->id, out);
	be_put32(out + REC_KEYLEN, r->version);
}

/* When r, as it is now, came to this database: its last change, or,
 * for a copy an exchange brought later (sync.c keeps the time in meta
 * "sync/arrived/ID"), its arrival: news is what arrived since the worker
 * last looked, whenever it was made elsewhere. */
static int64_t
changed_here(store_txn *t, const record *r)
{
	char name[96], idt[REC_ID_TEXTMAX];
	snprintf(name, sizeof name, "sync/arrived/%s", rec_id_format(&r->id, idt));
	void *data;
	size_t len;
	int64_t at = r->updated_at;
	if (store_meta_get(t, name, &data, &len) != STORE_OK)
		return at;
	if (len == 8) {
		uint64_t u = be_get64(data);
		if ((int64_t)u > at)
			at = (int64_t)u;
	}
	free(data);
	return at;
}

/* Was r, as it is now (changed here at `at`), shown to the worker already? */
static bool
seen_already(const struct rows *rs, const record *r, int64_t at)
{
	if (at < rs->since)
		return true;
	if (at > rs->since)
		return false;
	unsigned char e[SEEN_ENTRY];
	seen_entry(r, e);
	for (size_t i = 0; i < rs->nseen; i++)
		if (memcmp(rs->seen + i * SEEN_ENTRY, e, SEEN_ENTRY) == 0)
			return true;
	return false;
}

/* Which news r is for the worker (0 incoming, 1 returned, 2 feedback), or -1. */
static int
news_kind(const struct scope *sc, const record *r, const struct rows *rs, int64_t at)
{
	if (seen_already(rs, r, at))
		return -1;
	enum ref_state s = refer_state(r);
	if (s == REF_SUBMITTED && same(record_get(r, "to_unit"), sc->unit))
		return 0;
	if (s == REF_RETURNED && same(record_get(r, "village"), sc->unit))
		return 1;
	if (s == REF_RESOLVED && same(record_get(r, "village"), sc->unit))
		return 2;
	return -1;
}

static int
news_found(const rec_id *id, const char *value, void *ctx)
{
	struct find_ctx *fc = ctx;
	struct rows *rs = fc->rs;
	if (strcmp(value, rs->want) != 0)
		return 0;
	record *r;
	int err = store_get(fc->t, id, &r);
	if (err == STORE_DENIED || err == STORE_NOTFOUND)
		return 0;
	if (err)
		return rs->err = err;
	int k = news_kind(rs->sc, r, rs, changed_here(fc->t, r));
	if (k < 0) {
		record_free(r);
		return 0;
	}
	rs->counts[k]++;
	return push_row(rs, r);
}

struct news_ctx {
	struct rows rs;
	bool mark;
	int64_t now;
};

static int
news_txn(store_txn *t, void *ctx)
{
	struct news_ctx *nc = ctx;
	struct rows *rs = &nc->rs;
	/* a rerun after the map grew starts over */
	refer_rows_free(rs->v, rs->n);
	rs->v = NULL;
	rs->n = rs->cap = 0;
	memset(rs->counts, 0, sizeof rs->counts);
	nc->now = (int64_t)time(NULL);  /* inside the transaction: nothing later is seen */
	rs->since = seen_get(t, rs->sc->login, rs);
	struct find_ctx fc = {t, rs};
	rs->want = rs->sc->unit;
	int rc = store_find(t, IDX_TO, REC_REFERRAL, rs->want, news_found, &fc);
	if (!rc && !rs->err)
		rc = store_find(t, IDX_VILLAGE, REC_REFERRAL, rs->want, news_found, &fc);
	if (rs->err || rc)
		return rs->err ? rs->err : rc;
	if (nc->mark) {
		char name[96];
		size_t n = 0;
		for (size_t i = 0; i < rs->n; i++)
			n += changed_here(t, rs->v[i].r) >= nc->now;
		unsigned char *be = malloc(8 + n * SEEN_ENTRY);
		if (!be)
			return STORE_NOMEM;
		uint64_t u = (uint64_t)nc->now;
		snprintf(name, sizeof name, "seen/%s", rs->sc->login);
		be_put64(be, u);
		n = 0;
		for (size_t i = 0; i < rs->n; i++)
			if (changed_here(t, rs->v[i].r) >= nc->now)
				seen_entry(rs->v[i].r, be + 8 + SEEN_ENTRY * n++);
		int err = store_meta_put(t, name, be, 8 + n * SEEN_ENTRY);
		free(be);
		return err;
	}
	return 0;
}

int
refer_news(store *st, const struct scope *sc, bool mark, struct refer_news *out)
{
	memset(out, 0, sizeof *out);
	if (!sc)
		return STORE_INVALID;
	char day[11];
	local_today(day);
	struct news_ctx nc = {.rs = {.sc = sc, .box = REFER_INBOX, .today = day}, .mark = mark,
	                      .now = (int64_t)time(NULL)};
	int err = mark ? store_write(st, news_txn, &nc) : store_read(st, news_txn, &nc);
	free(nc.rs.seen);
	if (err) {
		refer_rows_free(nc.rs.v, nc.rs.n);
		return err;
	}
	if (nc.rs.n > 1)
		qsort(nc.rs.v, nc.rs.n, sizeof *nc.rs.v, newest_order);
	out->incoming = nc.rs.counts[0];
	out->returned = nc.rs.counts[1];
	out->feedback = nc.rs.counts[2];
	out->rows = nc.rs.v;
	out->n = nc.rs.n;
	return 0;
}

void
refer_news_free(struct refer_news *nw)
{
	if (!nw)
		return;
	refer_rows_free(nw->rows, nw->n);
	nw->rows = NULL;
	nw->n = 0;
}

/* --- history --------------------------------------------------------------- */

struct names_ctx {
	char **logins;
	char **names;
	size_t n;
};

static int
names_txn(store_txn *t, void *ctx)
{
	struct names_ctx *nc = ctx;
	for (size_t i = 0; i < nc->n; i++) {
		free(nc->names[i]);
		nc->names[i] = NULL;
		record *w;
		if (worker_by_login(t, nc->logins[i], &w) == STORE_OK) {
			const char *name = record_get(w, "name");
			if (name && *name)
				nc->names[i] = strdup(name);
			record_free(w);
		}
	}
	return 0;
}

static const char *
action_label(const char *name)
{
	enum ref_action a = referral_action_from_name(name);
	if (a)
		return referral_action_label(a);
	if (strcmp(name, "create") == 0)
		/* TRANSLATORS: a referral's history: it was made (as a draft) */
		return _("Created");
	if (strcmp(name, "edit") == 0)
		/* TRANSLATORS: a referral's history: it was changed */
		return _("Changed");
	return name;
}

/* A step's note as a worker reads it: a resolution's note starts with
 * its outcome's code ("success: ..."), shown by its label; an escalation's
 * ends with the new referral's record id in brackets, which says nothing
 * to a worker (its number is on the new referral's own history).  Returns
 * a new string, or NULL. */
static char *
note_shown(const char *action, const char *note)
{
	if (!note)
		return strdup("");
	if (strcmp(action, "resolve") == 0) {
		size_t l = strcspn(note, ":");
		char code[32];
		if (l < sizeof code) {
			memcpy(code, note, l);
			code[l] = '\0';
			if (referral_outcome_from_name(code)) {
				const char *rest = note[l] ? note + l + 1 : "";
				rest += strspn(rest, " ");
				char *out = NULL;
				/* TRANSLATORS: a resolution in a referral's history:
				 * the outcome, then the reason given */
				if (asprintf(&out, *rest ? _("%s: %s") : "%s", refer_outcome_label(code),
				             rest) < 0)
					out = NULL;
				return out;
			}
		}
	}
	if (strcmp(action, "escalate") == 0) {
		const char *open = strrchr(note, '(');
		size_t l = open ? strlen(open) : 0;
		rec_id id;
		if (open && l > 2 && open[l - 1] == ')') {
			char buf[REC_ID_TEXTMAX + 2];
			if (l - 2 < sizeof buf) {
				memcpy(buf, open + 1, l - 2);
				buf[l - 2] = '\0';
				if (rec_id_parse(buf, &id) == 0) {
					size_t keep = (size_t)(open - note);
					while (keep && note[keep - 1] == ' ')
						keep--;
					return strndup(note, keep);
				}
			}
		}
	}
	return strdup(note);
}

char **
refer_history(store *st, const record *r, size_t *n)
{
	*n = 0;
	const char *h = record_get(r, "_history");
	size_t lines = 0;
	for (const char *p = h; p && *p; p++)
		lines += *p == '\n';
	lines += h && *h;
	char **out = calloc(lines + 1, sizeof *out);
	char *copy = h ? strdup(h) : NULL;
	struct names_ctx nc = {calloc(lines + 1, sizeof(char *)), calloc(lines + 1, sizeof(char *)), 0};
	char **fields = calloc(lines + 1, 4 * sizeof(char *));
	if (!out || (h && !copy) || !nc.logins || !nc.names || !fields) {
		free(out);
		out = NULL;
		goto done;
	}
	char *save = NULL;
	for (char *line = copy ? strtok_r(copy, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char **f = &fields[4 * nc.n];
		f[0] = line;
		for (int k = 1; k < 4; k++) {
			char *tab = f[k - 1] ? strchr(f[k - 1], '\t') : NULL;
			if (tab)
				*tab = '\0';
			f[k] = tab ? tab + 1 : NULL;
		}
		nc.logins[nc.n++] = f[1] ? f[1] : "";
	}
	if (st)
		store_read(st, names_txn, &nc);
	for (size_t i = 0; i < nc.n; i++) {
		char **f = &fields[4 * i];
		char *line = NULL;
		char *note = note_shown(f[2] ? f[2] : "?", f[3]);
		/* the worker by name as forms show them (李红梅, not anning);
		 * the login only for an account without a name */
		const char *who = nc.names[i] ? nc.names[i] : nc.logins[i];
		if (!note || asprintf(&line, "%s  %s  %s%s%s", f[0], who,
		                      action_label(f[2] ? f[2] : "?"), *note ? "  " : "", note) < 0)
			line = NULL;
		free(note);
		if (!line) {
			for (size_t k = 0; k < *n; k++)
				free(out[k]);
			free(out);
			out = NULL;
			*n = 0;
			break;
		}
		out[(*n)++] = line;
	}
done:
	for (size_t i = 0; nc.names && i < nc.n; i++)
		free(nc.names[i]);
	free(nc.names);
	free(nc.logins);
	free(fields);
	free(copy);
	return out;
}

/* --- the slip -------------------------------------------------------------- */

/* Printed and signed: fits a narrow page and an 80-column terminal. */
#define SLIP_COLS 76

/* Text from the database made fit for printed lines: tabs become spaces,
 * line ends stay (put_field wraps them), control characters pictures. */
static char *
clean_text(const char *s)
{
	char *c = strdup(s ? s : "");
	if (!c)
		return NULL;
	for (char *p = c; *p; p++)
		if (*p == '\t' || *p == '\r')
			*p = ' ';
	char *out = text_sanitize(c, strlen(c), TEXT_ALLOW_NEWLINE);
	free(c);
	return out;
}

static int
width(const char *s)
{
	return text_width(s, strlen(s));
}

/* "Label value", the value wrapped under itself (or under the label
 * when the label is wide). */
static void
put_field(FILE *f, const char *label, const char *value)
{
	char *v = clean_text(value);
	int col = width(label) + 1;
	int indent = col <= SLIP_COLS / 3 ? col : 4;
	if (v && *v) {
		fprintf(f, "%s ", label);
		util_put_wrapped(f, col, indent, SLIP_COLS, v);
	} else {
		fprintf(f, "%s\n", label);
	}
	free(v);
}

/* Two short fields on one line when they fit, else one a line. */
static void
put_pair(FILE *f, const char *l1, const char *v1, const char *l2, const char *v2)
{
	char *a = clean_text(v1), *b = clean_text(v2);
	if (a && b && !strchr(a, '\n') && !strchr(b, '\n')) {
		int w1 = width(l1) + 1 + width(a), w2 = width(l2) + 1 + width(b);
		int half = SLIP_COLS / 2;
		if (w1 < half && w2 <= SLIP_COLS - half) {
			fprintf(f, "%s %s%*s%s %s\n", l1, a, half - w1, "", l2, b);
			free(a);
			free(b);
			return;
		}
	}
	free(a);
	free(b);
	put_field(f, l1, v1);
	put_field(f, l2, v2);
}

static void
put_title(FILE *f, const char *title)
{
	int w = width(title);
	fprintf(f, "%*s%s\n\n", w < SLIP_COLS ? (SLIP_COLS - w) / 2 : 0, "", title);
}

/* A dotted line with a word in the middle, to cut along. */
static void
put_cut(FILE *f)
{
	/* TRANSLATORS: printed in the middle of the dotted line to cut along */
	const char *word = _("cut here");
	int w = width(word) + 2;
	int left = (SLIP_COLS - w) / 2, right = SLIP_COLS - w - left;
	fputc('\n', f);
	for (int i = 0; i < left; i++)
		fputc(i % 2 ? ' ' : '-', f);
	fprintf(f, " %s ", word);
	for (int i = 0; i < right; i++)
		fputc(i % 2 ? ' ' : '-', f);
	fputs("\n\n", f);
}

struct slip_ctx {
	const record *r;
	record *person, *from, *to, *parent;
	char *needs;      /* one line each */
	char sender[128]; /* the worker who submitted: name */
};

static record *
get_ref(store_txn *t, const char *idtext, int kind)
{
	rec_id id;
	record *out = NULL;
	if (idtext && rec_id_parse(idtext, &id) == 0 && id.kind == kind &&
	    store_get(t, &id, &out) != STORE_OK)
		out = NULL;
	return out;
}

static int
slip_txn(store_txn *t, void *ctx)
{
	struct slip_ctx *sc = ctx;
	const record *r = sc->r;
	sc->person = get_ref(t, record_get(r, "resident"), REC_RESIDENT);
	sc->from = get_ref(t, record_get(r, "village"), REC_UNIT);
	sc->to = get_ref(t, record_get(r, "to_unit"), REC_UNIT);
	sc->parent = get_ref(t, record_get(r, "parent"), REC_REFERRAL);
	const char *needs = record_get(r, "needs");
	char *list = needs ? strdup(needs) : NULL, *save = NULL;
	size_t len = 0;
	FILE *f = list ? open_memstream(&sc->needs, &len) : NULL;
	for (char *item = f ? strtok_r(list, ", ", &save) : NULL; item;
	     item = strtok_r(NULL, ", ", &save)) {
		record *n = get_ref(t, item, REC_NEED);
		const char *d = n ? record_get(n, "description") : NULL;
		const char *date = n ? record_get(n, "date") : NULL;
		if (d) {
			char *one = strdup(d);
			for (char *p = one; p && *p; p++)
				if (*p == '\n')
					*p = ' ';
			fprintf(f, "%s%s%s\n", date ? date : "", date ? " " : "", one ? one : "");
			free(one);
		}
		record_free(n);
	}
	if (f)
		fclose(f);
	free(list);
	/* the worker who first submitted it */
	const char *h = record_get(r, "_history");
	for (const char *line = h; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t l = end ? (size_t)(end - line) : strlen(line);
		char buf[512];
		snprintf(buf, sizeof buf, "%.*s", (int)(l < sizeof buf ? l : sizeof buf - 1), line);
		char *login = strchr(buf, '\t'), *action = login ? strchr(login + 1, '\t') : NULL;
		if (action) {
			*action++ = '\0';
			char *tab = strchr(action, '\t');
			if (tab)
				*tab = '\0';
			if (strcmp(action, "submit") == 0) {
				record *w;
				if (worker_by_login(t, login + 1, &w) == STORE_OK) {
					const char *name = record_get(w, "name");
					snprintf(sc->sender, sizeof sc->sender, "%s", name ? name : login + 1);
					record_free(w);
				}
				break;
			}
		}
		line = end ? end + 1 : line + l;
	}
	return 0;
}

static const char *
val(const record *r, const char *field)
{
	const char *v = r ? record_get(r, field) : NULL;
	return v ? v : "";
}

/* The person's sex and age (from the ID number, else the birth date) on
 * day today, as "Female, 67". */
static void
sex_age(const record *p, const char *today, char *out, size_t size)
{
	const char *sex = val(p, "sex");
	/* TRANSLATORS: the choice labels of sex in forms/choices */
	const char *sl = strcmp(sex, "m") == 0 ? _("Male") : strcmp(sex, "f") == 0 ? _("Female") : "";
	struct valid_idinfo info;
	int y = 0, m = 0, d = 0, ty, tm, td;
	if (valid_idnum(val(p, "idnum"), &info) == VALID_OK) {
		y = info.year;
		m = info.month;
		d = info.day;
	} else if (valid_date(val(p, "birth"), &y, &m, &d) != VALID_OK) {
		y = 0;
	}
	if (y && valid_date(today, &ty, &tm, &td) == VALID_OK) {
		int age = ty - y - (tm < m || (tm == m && td < d));
		snprintf(out, size, "%s%s%d", sl, *sl ? ", " : "", age);
	} else {
		snprintf(out, size, "%s", sl);
	}
}

static void
write_slip(FILE *f, const struct slip_ctx *sc, const char *today)
{
	const record *r = sc->r;
	const char *number = *val(r, "number") ? val(r, "number") : "____________";
	const char *date = *val(r, "submitted") ? val(r, "submitted") : "____________";
	const char *from = *val(sc->from, "name") ? val(sc->from, "name") : "?";
	const char *to = *val(sc->to, "name") ? val(sc->to, "name") : "?";
	const char *name = *val(sc->person, "name") ? val(sc->person, "name") : "?";
	const char *line = "____________________";
	char sa[64];
	sex_age(sc->person, today, sa, sizeof sa);
	char *masked = valid_idnum_mask(val(sc->person, "idnum"));

	/* TRANSLATORS: 转介单 (the title of the printed referral slip) */
	put_title(f, _("Referral slip"));
	/* TRANSLATORS: 转介编号： */
	put_pair(f, _("No.:"), number, _("Date:"), date);
	/* TRANSLATORS: 转出单位：  /  接收单位： */
	put_pair(f, _("From:"), from, _("To:"), to);
	fputc('\n', f);
	/* TRANSLATORS: 服务对象： (the person referred) */
	put_pair(f, _("Person:"), name, _("Sex, age:"), sa);
	if (masked && *masked)
		/* TRANSLATORS: 身份证号码： (shown masked in the middle) */
		put_field(f, _("ID number:"), masked);
	if (sc->needs && *sc->needs)
		/* TRANSLATORS: 转介的需求： */
		put_field(f, _("Needs referred:"), sc->needs);
	/* TRANSLATORS: 转介类别：  /  紧急程度： */
	put_pair(f, _("Category:"), refer_category_label(val(r, "category")), _("Urgency:"),
	         refer_urgency_label(val(r, "urgency")));
	if (*val(r, "due"))
		/* TRANSLATORS: 答复期限： */
		put_field(f, _("Answer due by:"), val(r, "due"));
	/* TRANSLATORS: 转介原因： */
	put_field(f, _("Reason:"), val(r, "reason"));
	/* TRANSLATORS: 村里已做的工作： */
	put_field(f, _("Already done:"), val(r, "done"));
	/* TRANSLATORS: 知情同意： (whether the resident's consent is recorded) */
	put_field(f, _("Informed consent:"), strcmp(val(r, "consent"), "yes") == 0
	                                         ? _("Recorded") : _("Not recorded"));
	/* TRANSLATORS: 联系方式： */
	put_field(f, _("Contact:"), val(r, "contact"));
	if (sc->parent)
		/* TRANSLATORS: 原转介单编号： (the referral this one was sent up from) */
		put_field(f, _("Referred on from:"), val(sc->parent, "number"));
	fputc('\n', f);
	/* TRANSLATORS: 转出经办人（签字）：  /  日期： */
	put_pair(f, _("Referred by (signature):"), *sc->sender ? sc->sender : line, _("Date:"),
	         date);
	put_field(f, _("Signature:"), line);

	put_cut(f);
	/* TRANSLATORS: 存根 (the part the sending room keeps) */
	put_title(f, _("Stub (kept by the sending room)"));
	put_pair(f, _("No.:"), number, _("Date:"), date);
	put_pair(f, _("Person:"), name, _("To:"), to);
	/* TRANSLATORS: 经办人： */
	put_field(f, _("Signed by:"), *sc->sender ? sc->sender : line);

	put_cut(f);
	/* TRANSLATORS: 回执 (the part the receiving station fills in and sends back) */
	put_title(f, _("Return slip (to be sent back to the sending room)"));
	put_pair(f, _("No.:"), number, _("Person:"), name);
	/* TRANSLATORS: 接收单位： */
	put_field(f, _("Received by:"), to);
	/* TRANSLATORS: 接收日期： */
	put_field(f, _("Date received:"), *val(r, "accepted") ? val(r, "accepted") : line);
	enum ref_state s = refer_state(r);
	/* TRANSLATORS: 处理意见：[ ] 受理  [ ] 退回 */
	char decision[160];
	bool acc = *val(r, "accepted") != '\0', ret = s == REF_RETURNED;
	snprintf(decision, sizeof decision, "[%s] %s   [%s] %s", acc ? "x" : " ", _("Accepted"),
	         ret ? "x" : " ", _("Returned"));
	put_field(f, _("Decision:"), decision);
	if (ret)
		put_field(f, _("Why it was returned:"), val(r, "return_reason"));
	/* TRANSLATORS: 办理结果： */
	put_field(f, _("Outcome:"), *val(r, "outcome") ? refer_outcome_label(val(r, "outcome")) : line);
	if (*val(r, "outcome_reason"))
		put_field(f, _("Why not successful:"), val(r, "outcome_reason"));
	/* TRANSLATORS: 反馈意见： */
	put_field(f, _("Feedback:"), *val(r, "feedback") ? val(r, "feedback") : line);
	fputc('\n', f);
	put_pair(f, _("Signature:"), line, _("Date:"),
	         *val(r, "resolved") ? val(r, "resolved") : "____________");
	/* TRANSLATORS: 盖章 */
	put_field(f, _("Seal:"), "");
	free(masked);
}

char *
refer_slip(store *st, const record *r)
{
	if (!r || r->id.kind != REC_REFERRAL)
		return NULL;
	struct slip_ctx sc = {.r = r};
	int err = store_read(st, slip_txn, &sc);
	char *text = NULL;
	size_t len;
	if (!err) {
		char today[11];
		local_today(today);
		FILE *f = open_memstream(&text, &len);
		if (f) {
			write_slip(f, &sc, today);
			if (fclose(f) != 0) {
				free(text);
				text = NULL;
			}
		}
	}
	record_free(sc.person);
	record_free(sc.from);
	record_free(sc.to);
	record_free(sc.parent);
	free(sc.needs);
	return text;
}

/* --- two copies of one referral (sync.c) ----------------------------------- */

/* The lines of a _history field; *n receives their number.  The array
 * points into a copy kept in *buf. */
static char **
split_lines(const char *h, char **buf, size_t *n)
{
	*n = 0;
	*buf = strdup(h ? h : "");
	if (!*buf)
		return NULL;
	size_t cap = 1;
	for (const char *p = *buf; *p; p++)
		cap += *p == '\n';
	char **v = calloc(cap, sizeof *v);
	if (!v) {
		free(*buf);
		*buf = NULL;
		return NULL;
	}
	char *save = NULL;
	for (char *l = strtok_r(*buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		v[(*n)++] = l;
	return v;
}

static int
cmp_line(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The lines v sorted (a new array pointing to the same strings), for
 * has_line: a lookup is log n, so a merge of long histories is not
 * cubic. */
static char **
sorted_lines(char *const *v, size_t n)
{
	char **s = malloc((n ? n : 1) * sizeof *s);
	if (s) {
		memcpy(s, v, n * sizeof *s);
		qsort(s, n, sizeof *s, cmp_line);
	}
	return s;
}

/* Whether l is among the sorted lines v. */
static bool
has_line(char *const *v, size_t n, const char *l)
{
	return n && bsearch(&l, v, n, sizeof *v, cmp_line) != NULL;
}

/* The action word of a history line (the third column), into out. */
static void
line_action(const char *l, char *out, size_t size)
{
	*out = '\0';
	const char *a = strchr(l, '\t');
	a = a ? strchr(a + 1, '\t') : NULL;
	if (!a)
		return;
	a++;
	size_t k = strcspn(a, "\t");
	snprintf(out, size, "%.*s", (int)(k < size ? k : size - 1), a);
}

static const char *
line_note(const char *l)
{
	const char *p = l;
	for (int i = 0; i < 3 && p; i++) {
		p = strchr(p, '\t');
		if (p)
			p++;
	}
	return p ? p : "";
}

/* Which side takes an action named by a history line: sender 1,
 * receiver 2, none 0 (create and edit are the sender's too). */
static int
line_side(const char *l)
{
	char a[24];
	line_action(l, a, sizeof a);
	if (strcmp(a, "create") == 0 || strcmp(a, "edit") == 0)
		return REF_SENDER;
	switch (referral_action_from_name(a)) {
	case REFA_SUBMIT:
	case REFA_CLOSE:
	case REFA_WITHDRAW:
		return REF_SENDER;
	case REFA_ACCEPT:
	case REFA_RETURN:
	case REFA_START:
	case REFA_RESOLVE:
	case REFA_ESCALATE:
		return REF_RECEIVER;
	default:
		return 0;
	}
}

static bool
field_is(const char *name, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(name, *set) == 0)
			return true;
	return false;
}

/* The login of a history line (its second column) into out; false when
 * it does not fit (no account has so long a login). */
static bool
line_login(const char *l, char *out, size_t size)
{
	const char *p = strchr(l, '\t');
	size_t k = p ? strcspn(p + 1, "\t") : 0;
	snprintf(out, size, "%.*s", (int)(k < size ? k : 0), p ? p + 1 : "");
	return k < size;
}

/* Whether the worker login could have taken a step of side on r as the
 * screens let a worker take one (refer_side): as t knows their account,
 * of the unit that is that side (r's village for the sender, its to_unit
 * for the receiver), or an administrator the side falls to; never a
 * supervisor, nor a login t has no account of.  1 yes, 0 no, -1 the
 * store failed. */
static int
login_takes(store_txn *t, const char *login, const record *r, int side)
{
	record *w = NULL;
	int err = worker_by_login(t, login, &w);
	if (err == STORE_NOTFOUND)
		return 0;
	if (err)
		return -1;
	const char *role = record_get(w, "role"), *unit = record_get(w, "unit");
	struct scope sc = {.role = role ? worker_role_from_name(role) : 0};
	snprintf(sc.login, sizeof sc.login, "%s", login);
	snprintf(sc.unit, sizeof sc.unit, "%s", unit ? unit : "");
	record_free(w);
	return sc.role && refer_side(&sc, r) == side;
}

int
refer_foreign_step(store_txn *t, const record *in, const record *local, int side, char *line,
                   size_t size)
{
	char *ba = NULL, *bl = NULL;
	size_t na = 0, nl = 0;
	char **a = split_lines(record_get(in, "_history"), &ba, &na);
	char **l = split_lines(local ? record_get(local, "_history") : NULL, &bl, &nl);
	char **sl = l ? sorted_lines(l, nl) : NULL;
	int rc = a && sl ? 0 : -1;
	char known[64] = "";   /* the last login found side's, asked once */
	for (size_t i = 0; !rc && i < na; i++) {
		if (has_line(sl, nl, a[i]))
			continue;
		if (line_side(a[i]) != side) {
			rc = REFER_STEP_SIDE;
		} else if (t) {
			char login[64];
			bool fits = line_login(a[i], login, sizeof login);
			if (!*known || !fits || strcmp(login, known) != 0) {
				int ok = fits ? login_takes(t, login, local ? local : in, side) : 0;
				if (ok < 0)
					rc = -1;
				else if (!ok)
					rc = REFER_STEP_LOGIN;
				else
					snprintf(known, sizeof known, "%s", login);
			}
		}
		if (rc > 0) {
			snprintf(line, size, "%s", a[i]);
			for (char *p = line; *p; p++)
				if (*p == '\t')
					*p = ' ';
		}
	}
	free(sl);
	free(a);
	free(l);
	free(ba);
	free(bl);
	return rc;
}

void
refer_merge_free(struct refer_merge *m)
{
	if (!m)
		return;
	record_free(m->merged);
	for (size_t i = 0; i < m->nrefused; i++)
		free(m->refused[i]);
	free(m->refused);
	memset(m, 0, sizeof *m);
}

/* --- joining two histories in n log n -------------------------------------- */

/* What the join counts (refer-internal.h): each comparison of two lines
 * and each step of a loop over lines, so a test can hold the join to
 * n log n without a clock. */
#define OP(ops) ((ops) ? (void)++*(ops) : (void)0)

static int
cmp_counted(const char *x, const char *y, size_t *ops)
{
	OP(ops);
	return strcmp(x, y);
}

/* Whether line x is stamped no later than y: their first 16 bytes (the
 * stamp "YYYY-MM-DD HH:MM"), compared as strncmp does. */
static bool
stamped_by(const char *x, const char *y, size_t *ops)
{
	OP(ops);
	return strncmp(x, y, 16) <= 0;
}

/* Sort idx[0..n) by the lines v[idx[k]], equal lines in the order of
 * their indexes (a merge sort: n log n comparisons at worst). */
static void
sort_by_line(char *const *v, size_t *idx, size_t *tmp, size_t n, size_t *ops)
{
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi) {
				OP(ops);
				tmp[k++] = cmp_counted(v[idx[j]], v[idx[i]], ops) < 0 ? idx[j++] : idx[i++];
			}
			while (i < mid)
				tmp[k++] = idx[i++];
			while (j < hi)
				tmp[k++] = idx[j++];
		}
		memcpy(idx, tmp, n * sizeof *idx);
	}
}

#define NONE ((size_t)-1)

/* The owner's lines a and the other copy's b joined as refer.h says,
 * into out (room for na + nb) and their number *n; from[k] says whose
 * out[k] is: 1 the owner's alone, 2 the other's alone, 0 both copies';
 * *new_b whether b has a line a lacks.  -1 when out of memory.
 *
 * Each line of b the join has already (the owner's last equal line, or
 * b's own earlier copy of it) is where the next one goes after; a line
 * only b has goes after the owner's last line stamped no later than it,
 * if that line is not before where the previous line of b went, else
 * just after the previous line of b.  The owner's lines never move, so
 * each line of b is placed by a binary search over the minimum stamp of
 * every suffix of a (the last owner line stamped no later is the last
 * suffix whose minimum is no later), and put in a linked list. */
static int
join_lines(char *const *a, size_t na, char *const *b, size_t nb, char **out, unsigned char *from,
           size_t *n, bool *new_b, size_t *ops)
{
	size_t tot = na + nb;
	size_t *sa = malloc((na ? na : 1) * sizeof *sa), *sb = malloc((nb ? nb : 1) * sizeof *sb);
	size_t *tmp = malloc((tot ? tot : 1) * sizeof *tmp);
	size_t *last_a = malloc((nb ? nb : 1) * sizeof *last_a);    /* b[j]'s last equal in a */
	size_t *first_b = malloc((nb ? nb : 1) * sizeof *first_b);  /* b[j]'s first equal in b */
	bool *in_b = calloc(na ? na : 1, sizeof *in_b);             /* a[i] is in b too */
	size_t *sufmin = malloc((na ? na : 1) * sizeof *sufmin);    /* a[i..]'s earliest stamp */
	size_t *next = malloc((tot ? tot : 1) * sizeof *next);      /* the list: a's, then b's */
	size_t *after = malloc((tot ? tot : 1) * sizeof *after);    /* owner lines up to a node */
	int err = sa && sb && tmp && last_a && first_b && in_b && sufmin && next && after ? 0 : -1;
	if (!err) {
		for (size_t i = 0; i < na; i++)
			sa[i] = i;
		for (size_t j = 0; j < nb; j++)
			sb[j] = j;
		sort_by_line(a, sa, tmp, na, ops);
		sort_by_line(b, sb, tmp, nb, ops);
		/* walk both sorted: a's lines equal to a group of b's meet it */
		size_t i = 0, j = 0;
		while (j < nb) {
			while (i < na && cmp_counted(a[sa[i]], b[sb[j]], ops) < 0)
				i++;
			size_t g = sb[j], la = NONE;   /* the group's first in b, last in a */
			while (i < na && cmp_counted(a[sa[i]], b[g], ops) == 0) {
				in_b[sa[i]] = true;
				la = sa[i++];
			}
			do {
				last_a[sb[j]] = la;
				first_b[sb[j]] = g;
				j++;
			} while (j < nb && cmp_counted(b[sb[j]], b[g], ops) == 0);
		}
		for (size_t k = na; k-- > 0;) {
			OP(ops);
			sufmin[k] = k + 1 < na && !stamped_by(a[k], a[sufmin[k + 1]], ops) ? sufmin[k + 1]
			                                                                  : k;
		}
	}
	size_t head = NONE, prev = NONE;   /* the node where the previous line of b is */
	*new_b = false;
	for (size_t k = 0; !err && k < na; k++) {
		next[k] = k + 1 < na ? k + 1 : NONE;
		after[k] = k + 1;
	}
	if (!err && na)
		head = 0;
	for (size_t j = 0; !err && j < nb; j++) {
		OP(ops);
		if (last_a[j] != NONE) {
			prev = last_a[j];
			continue;
		}
		if (first_b[j] != j) {
			prev = na + first_b[j];   /* put in already, by its first copy */
			continue;
		}
		*new_b = true;
		/* the last owner line stamped no later than b[j] */
		size_t lo = 0, hi = na;   /* sufmin's stamp is no later below lo, later from hi */
		while (lo < hi) {
			OP(ops);
			size_t mid = lo + (hi - lo) / 2;
			if (stamped_by(a[sufmin[mid]], b[j], ops))
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t t = prev == NONE ? 0 : after[prev], node = na + j, at;
		if (lo > 0 && lo - 1 >= t) {
			at = lo - 1;
			after[node] = lo;
		} else {
			at = prev;
			after[node] = t;
		}
		if (at == NONE) {
			next[node] = head;
			head = node;
		} else {
			next[node] = next[at];
			next[at] = node;
		}
		prev = node;
	}
	*n = 0;
	for (size_t k = head; !err && k != NONE; k = next[k]) {
		OP(ops);
		out[*n] = k < na ? a[k] : b[k - na];
		from[(*n)++] = k < na ? (in_b[k] ? 0 : 1) : 2;
	}
	free(sa);
	free(sb);
	free(tmp);
	free(last_a);
	free(first_b);
	free(in_b);
	free(sufmin);
	free(next);
	free(after);
	return err;
}

int
refer_merge_ops(const record *owner, const record *other, struct refer_merge *m, size_t *ops)
{
	static const char *const receiver_fields[] = {
		"accepted", "return_reason", "resolved", "outcome", "outcome_reason", "feedback", NULL,
	};
	memset(m, 0, sizeof *m);
	char *ba = NULL, *bb = NULL;
	size_t na, nb;
	char **a = split_lines(record_get(owner, "_history"), &ba, &na);
	char **b = split_lines(record_get(other, "_history"), &bb, &nb);
	char **out = a && b ? calloc(na + nb + 1, sizeof *out) : NULL;
	unsigned char *from = out ? malloc(na + nb + 1) : NULL;
	int err = out && from ? 0 : -1;
	size_t n = 0, cap = 0;
	/* the owner's lines in their order; each line only the other copy
	 * has goes after the line before it there and after every owner line
	 * stamped no later than it (the stamp is the first 16 bytes) */
	bool new_b = false;
	if (!err)
		err = join_lines(a, na, b, nb, out, from, &n, &new_b, ops);
	bool new_a = false;
	for (size_t i = 0; !err && i < n; i++)
		new_a |= from[i] == 1;
	const char *last_a[3] = {NULL, NULL, NULL}, *last_b[3] = {NULL, NULL, NULL};
	m->changed_owner = new_b;
	m->changed_other = new_a;
	/* replay the merged steps through the state machine; the last step
	 * applied of each side that only one copy has says which copy holds
	 * that side's fields */
	enum ref_state st = REF_DRAFT;
	enum ref_outcome oc = 0;
	for (size_t i = 0; i < n && !err; i++) {
		OP(ops);
		char an[24];
		line_action(out[i], an, sizeof an);
		enum ref_action act = referral_action_from_name(an);
		bool only_a = from[i] == 1, only_b = from[i] == 2;
		if (!act) {
			if (only_a)
				last_a[line_side(out[i])] = out[i];
			if (only_b)
				last_b[line_side(out[i])] = out[i];
			continue;
		}
		struct ref_input ri = {"-", REFO_SUCCESS, true};
		enum ref_outcome o = 0;
		if (act == REFA_RESOLVE) {
			const char *note = line_note(out[i]);
			char on[24];
			size_t k = strcspn(note, ":");
			snprintf(on, sizeof on, "%.*s", (int)(k < sizeof on ? k : sizeof on - 1), note);
			o = referral_outcome_from_name(on);
			ri.outcome = o ? o : REFO_OTHER;
		}
		enum ref_state to;
		if (referral_check(st, act, (enum ref_side)line_side(out[i]), &ri, &to) == REF_OK) {
			st = to;
			if (act == REFA_RESOLVE)
				oc = ri.outcome;
			if (only_a)
				last_a[line_side(out[i])] = out[i];
			if (only_b)
				last_b[line_side(out[i])] = out[i];
		} else {
			if (m->nrefused == cap) {
				/* grown by half again, so a history of refusals is linear */
				size_t nc = cap ? cap + cap / 2 + 1 : 4;
				char **nr = realloc(m->refused, nc * sizeof *nr);
				if (!nr) {
					err = -1;
					break;
				}
				m->refused = nr;
				cap = nc;
			}
			char *c = strdup(out[i]);
			if (!c) {
				err = -1;
				break;
			}
			m->refused[m->nrefused++] = c;
		}
	}
	m->state = st;
	m->outcome = oc;
	/* the fields: the sender's from the copy with the later sender step
	 * applied that the other has not, the receiver's likewise (a copy
	 * whose new steps were all refused gives none of its fields), the
	 * rest the owner's */
	const record *snd = owner, *rcv = owner;
	if (last_b[REF_SENDER] && (!last_a[REF_SENDER] ||
	                           strncmp(last_b[REF_SENDER], last_a[REF_SENDER], 16) > 0))
		snd = other;
	if (last_b[REF_RECEIVER] && (!last_a[REF_RECEIVER] ||
	                             strncmp(last_b[REF_RECEIVER], last_a[REF_RECEIVER], 16) >= 0))
		rcv = other;
	record *r = err ? NULL : record_dup(owner);
	if (!r)
		err = -1;
	for (size_t i = 0; !err && i < other->nfields; i++) {
		const rec_field *f = &other->fields[i];
		bool recv = field_is(f->name, receiver_fields);
		if (!record_get(r, f->name) && !recv)
			err = record_set(r, f->name, f->value);
	}
	const record *srcs[2] = {snd, rcv};
	for (int w = 0; w < 2 && !err; w++) {
		const record *src = srcs[w];
		if (src == owner && w == 0)
			continue;
		for (size_t i = 0; i < src->nfields && !err; i++) {
			const rec_field *f = &src->fields[i];
			if (f->name[0] == '_' || strcmp(f->name, "status") == 0)
				continue;
			if (field_is(f->name, receiver_fields) == (w == 1))
				err = record_set(r, f->name, f->value);
		}
		/* a receiver's field the chosen copy does not have is empty */
		if (w == 1)
			for (const char *const *fn = receiver_fields; *fn && !err; fn++)
				if (!record_get(src, *fn))
					err = record_set(r, *fn, NULL);
	}
	char *hist = NULL;
	size_t hl = 1;
	for (size_t i = 0; i < n; i++)
		hl += strlen(out[i]) + 1;
	if (!err && !(hist = malloc(hl)))
		err = -1;
	if (!err) {
		char *p = hist;
		for (size_t i = 0; i < n; i++)
			p += sprintf(p, "%s%s", i ? "\n" : "", out[i]);
		*p = '\0';
		err = record_set(r, "_history", n ? hist : NULL) ||
		      record_set(r, "status", referral_state_name(st));
	}
	free(hist);
	free(out);
	free(from);
	free(a);
	free(b);
	free(ba);
	free(bb);
	if (err) {
		record_free(r);
		refer_merge_free(m);
		return STORE_NOMEM;
	}
	m->merged = r;
	return 0;
}

int
refer_merge(const record *owner, const record *other, struct refer_merge *m)
{
	return refer_merge_ops(owner, other, m, NULL);
}
