/* cli-referral.c: `shegong referral ...`: the referral steps, lists, slip
 * and news of refer.h from the command line, as the worker of c->scope.
 * Exit status 0 when done, 1 when refused or failed (with a sentence the
 * worker can act on), 2 for a command typed wrong. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "cli-internal.h"
#include "form.h"
#include "i18n.h"
#include "orgunit.h"
#include "paths.h"
#include "print.h"
#include "refer.h"
#include "search.h"
#include "text.h"
#include "util.h"


/* --- helpers --------------------------------------------------------------- */

static int
refused(int err, const char *why)
{
	say(stderr, "shegong: %s\n", why && *why ? why : refer_strerror(err));
	return 1;
}

/* Every verb but these needs the worker's account. */
static int
need_scope(struct cli *c)
{
	if (c->scope)
		return 0;
	say(stderr, _("shegong: the account %s is not registered in this database, so it may "
	              "not use referrals.\n"), c->login);
	return 1;
}

/* The referral id a verb takes: not an id is a usage error (2), an id of
 * another kind a mistake about the record (1). */
static int
referral_arg(const char *arg, rec_id *id)
{
	if (rec_id_parse(arg, id) < 0)
		return usage_error(_("\"%s\" is not a record id (like ref-3f9a2c71d0e4-42)"), arg);
	if (id->kind != REC_REFERRAL) {
		say(stderr, _("shegong: %s is not a referral: it is a %s.\n"), arg,
		    rec_kind_label(id->kind));
		return 1;
	}
	return 0;
}

static void
today_local(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The referral form, for checking and showing values. */
static struct formset *
referral_forms(const struct form **f)
{
	struct form_error err;
	struct formset *fs = formset_load_cached(paths_forms(), &err);
	*f = fs ? formset_find(fs, "referral") : NULL;
	if (!fs) {
		if (err.line > 0)
			say(stderr, "%s:%d: %s\n", err.file, err.line, err.msg);
		else
			say(stderr, "%s: %s\n", err.file, err.msg);
	} else if (!*f) {
		say(stderr, "%s\n", _("shegong: the forms have no referral form (referral.form)."));
		formset_free(fs);
		fs = NULL;
	}
	return fs;
}

/* A value typed for a field of the referral form, checked and normalised
 * (a choice's label becomes its value).  malloc'd, or NULL after saying why. */
static char *
checked(const struct form *f, const char *field, const char *typed)
{
	const struct form_field *fd = form_field(f, field);
	char msg[256], *out = NULL;
	if (!fd)
		return strdup(typed);
	const char *bad = form_check_value(fd, typed, &out, msg, sizeof msg);
	if (bad) {
		say(stderr, "shegong: %s: %s\n", _(fd->label), bad);
		free(out);
		return NULL;
	}
	return out ? out : strdup("");
}

struct unit_lookup {
	const char *code;
	char id[REC_ID_TEXTMAX];
};

static int
unit_txn(store_txn *t, void *ctx)
{
	struct unit_lookup *ul = ctx;
	record *u;
	int err = orgunit_by_code(t, ul->code, &u);
	if (err)
		return err;
	rec_id_format(&u->id, ul->id);
	record_free(u);
	return 0;
}

/* The name of the record idtext names, "?" when unknown.  malloc'd. */
static char *
name_of(store *st, const char *idtext)
{
	char *n = idtext && *idtext ? search_ref_name(st, idtext) : NULL;
	return n ? n : strdup(idtext && *idtext ? "?" : "");
}

/* --- list ---------------------------------------------------------------------- */

static void
say_row(store *st, const struct refer_row *row)
{
	const record *r = row->r;
	char id[REC_ID_TEXTMAX];
	char *who = name_of(st, record_get(r, "resident"));
	char *from = name_of(st, record_get(r, "village"));
	char *to = name_of(st, record_get(r, "to_unit"));
	const char *cols[] = {
		rec_id_format(&r->id, id), record_get(r, "number"), record_get(r, "submitted"),
		record_get(r, "due"), referral_state_name(refer_state(r)), record_get(r, "urgency"),
		who, from, to, row->overdue ? "overdue" : "",
	};
	for (size_t i = 0; i < NELEM(cols); i++) {
		if (i)
			say(stdout, "\t");
		say_value(stdout, cols[i] ? cols[i] : "", 0);
	}
	say(stdout, "\n");
	free(who);
	free(from);
	free(to);
}

static int
referral_list(struct cli *c, const struct args *a)
{
	int box = 0;
	enum ref_state only = 0;
	static const struct {
		const char *opt;
		enum refer_box box;
	} boxes[] = {
		{"--inbox", REFER_INBOX}, {"--outbox", REFER_OUTBOX},
		{"--overdue", REFER_OVERDUE}, {"--all", REFER_ALL},
	};
	if (a->noperands)
		return usage_errorf(_("%s: unknown option \"%s\""), "referral list", a->operands[0]);
	for (size_t i = 0; i < a->nitems; i++) {
		const char *o = a->items[i].opt->name;
		for (size_t k = 0; k < NELEM(boxes); k++)
			if (strcmp(o, boxes[k].opt) == 0) {
				if (box)
					return usage_error("%s", _("referral list: one of --inbox, --outbox, "
					                           "--overdue and --all"));
				box = boxes[k].box;
			}
		if (strcmp(o, "--state") == 0 && !(only = referral_state_from_name(a->items[i].v[0])))
			return usage_error(_("referral list: \"%s\" is not a state (draft, submitted, "
			                     "accepted, returned, in_progress, resolved, closed, "
			                     "withdrawn, escalated)"), a->items[i].v[0]);
	}
	int rc = need_scope(c);
	if (rc)
		return rc;
	if (!box)   /* what the worker's side mostly wants */
		box = c->scope->role == ROLE_VILLAGE    ? REFER_OUTBOX
		      : c->scope->role == ROLE_TOWNSHIP ? REFER_INBOX
		                                        : REFER_ALL;
	store *st;
	if ((rc = open_db(c, &st)))
		return rc;
	struct refer_row *rows;
	size_t n;
	int err = refer_list(st, c->scope, (enum refer_box)box, NULL, &rows, &n);
	if (err) {
		rc = store_error(c, err);
	} else {
		for (size_t i = 0; i < n; i++)
			if (!only || refer_state(rows[i].r) == only)
				say_row(st, &rows[i]);
		refer_rows_free(rows, n);
	}
	store_close(st);
	return rc;
}

/* --- new --------------------------------------------------------------------- */

static int
referral_new(struct cli *c, const struct args *a)
{
	const char *resident = NULL, *category = NULL, *urgency = NULL, *reason = NULL,
		   *done = NULL, *consent = NULL, *contact = NULL, *to = NULL;
	bool submit = false;
	const char **needs = calloc(a->nitems + 1, sizeof *needs);
	size_t nneeds = 0;
	if (!needs)
		return 1;
	struct {
		const char *opt;
		const char **val;
	} opts[] = {
		{"--resident", &resident}, {"--category", &category}, {"--urgency", &urgency},
		{"--reason", &reason},     {"--done", &done},         {"--consent", &consent},
		{"--contact", &contact},   {"--to", &to},
	};
	int rc = 0;
	if (a->noperands)
		rc = usage_errorf(_("%s: unknown option \"%s\""), "referral new", a->operands[0]);
	for (size_t i = 0; i < a->nitems && !rc; i++) {
		const char *o = a->items[i].opt->name;
		if (strcmp(o, "--submit") == 0)
			submit = true;
		else if (strcmp(o, "--need") == 0)
			needs[nneeds++] = a->items[i].v[0];
		for (size_t k = 0; k < NELEM(opts); k++)
			if (strcmp(o, opts[k].opt) == 0)
				*opts[k].val = a->items[i].v[0];
	}
	if (!rc && (!resident || !category || !reason || !consent))
		rc = usage_error("%s", _("referral new needs --resident ID, --category, --reason and "
		                         "--consent yes|no"));
	if (!rc && strcmp(consent, "yes") != 0 && strcmp(consent, "no") != 0)
		rc = usage_error(_("referral new: --consent takes yes or no, not \"%s\""), consent);
	rec_id rid;
	if (!rc && (rec_id_parse(resident, &rid) < 0 || rid.kind != REC_RESIDENT))
		rc = usage_error(_("referral new: --resident takes a resident's id (like "
		                   "res-3f9a2c71d0e4-42), not \"%s\""), resident);
	for (size_t i = 0; i < nneeds && !rc; i++)
		if (rec_id_parse(needs[i], &rid) < 0 || rid.kind != REC_NEED)
			rc = usage_error(_("referral new: --need takes a need's id (like "
			                   "need-3f9a2c71d0e4-42), not \"%s\""), needs[i]);
	if (!rc)
		rc = need_scope(c);
	const struct form *f = NULL;
	struct formset *fs = rc ? NULL : referral_forms(&f);
	if (!rc && !fs)
		rc = 1;
	char *cat = NULL, *urg = NULL;
	if (!rc && (!(cat = checked(f, "category", category)) ||
	            !(urg = checked(f, "urgency", urgency ? urgency : "normal"))))
		rc = 1;
	store *st = NULL;
	if (!rc)
		rc = open_db_write(c, &st);
	struct unit_lookup ul = {to, ""};
	if (!rc && to) {
		int err = store_read(st, unit_txn, &ul);
		if (err == STORE_NOTFOUND) {
			say(stderr, _("shegong: no unit has the code %s.\n"), to);
			rc = 1;
		} else if (err) {
			rc = store_error(c, err);
		}
	}
	if (!rc) {
		struct refer_new in = {resident, needs, nneeds, cat, urg, reason, done, contact,
		                       strcmp(consent, "yes") == 0, to ? ul.id : NULL, NULL};
		rec_id id;
		char why[512], idtext[REC_ID_TEXTMAX];
		int err = refer_create(st, c->scope, &in, submit, &id, why, sizeof why);
		if (err)
			rc = refused(err, why);
		else
			say(stdout, "%s\n", rec_id_format(&id, idtext));
	}
	if (st)
		store_close(st);
	free(cat);
	free(urg);
	formset_free(fs);
	free(needs);
	return rc;
}

/* --- show ---------------------------------------------------------------------- */

/* Read the referral the worker names; says why not. */
static int
read_referral(struct cli *c, store *st, const rec_id *id, const char *arg, record **out)
{
	int err = search_get(st, id, out);
	if (err == STORE_NOTFOUND) {
		say(stderr, _("shegong: there is no referral %s.\n"), arg);
		return 1;
	}
	if (err == STORE_DENIED)
		return refused(err, _("This referral is not within your reach: it was neither sent by "
		                      "your unit nor sent to it."));
	return err ? store_error(c, err) : 0;
}

static void
say_line(const char *label, const char *v)
{
	say(stdout, "%s: ", label);
	say_value(stdout, v ? v : "", TEXT_ALLOW_NEWLINE);
	say(stdout, "\n");
}

static int
referral_show(struct cli *c, const struct args *a)
{
	if (a->noperands != 1)
		return usage_error("%s", _("referral show needs one referral id"));
	rec_id id;
	int rc = referral_arg(a->operands[0], &id);
	if (rc || (rc = need_scope(c)))
		return rc;
	const struct form *f;
	struct formset *fs = referral_forms(&f);
	if (!fs)
		return 1;
	store *st;
	record *r = NULL;
	if ((rc = open_db(c, &st))) {
		formset_free(fs);
		return rc;
	}
	if (!(rc = read_referral(c, st, &id, a->operands[0], &r))) {
		char idtext[REC_ID_TEXTMAX], today[11];
		today_local(today);
		bool see = scope_may_see_sensitive(c->scope);
		say_line(_("ID"), rec_id_format(&r->id, idtext));
		for (size_t i = 0; i < f->nfields; i++) {
			const struct form_field *fd = &f->fields[i];
			const char *v = record_get(r, fd->name);
			if (!v || !*v)
				continue;
			char *shown = NULL;
			if (fd->type == FT_REFERENCE && (see || !fd->sensitive)) {
				char *name = search_ref_name(st, v);
				if (name && asprintf(&shown, "%s (%s)", name, v) < 0)
					shown = NULL;
				free(name);
			}
			if (!shown)
				shown = form_display(fd, v, see);
			say_line(_(fd->label), shown ? shown : v);
			free(shown);
		}
		if (referral_overdue(refer_state(r), record_get(r, "due"), today))
			say(stdout, _("Overdue: the answer was due by %s.\n"), record_get(r, "due"));
		enum ref_action acts[8];
		int na = refer_actions(c->scope, r, acts, 8);
		say(stdout, "%s:", _("Steps open to you"));
		for (int i = 0; i < na; i++)
			say(stdout, " %s (%s)", referral_action_name(acts[i]),
			    referral_action_label(acts[i]));
		if (!na)
			say(stdout, " %s", _("none"));
		say(stdout, "\n%s:\n", _("History"));
		size_t nh = 0;
		char **h = refer_history(st, r, &nh);
		for (size_t i = 0; h && i < nh; i++) {
			say(stdout, "  ");
			say_value(stdout, h[i], 0);
			say(stdout, "\n");
			free(h[i]);
		}
		free(h);
	}
	record_free(r);
	store_close(st);
	formset_free(fs);
	return rc;
}

/* --- the steps ---------------------------------------------------------------- */

static int
referral_step(struct cli *c, const struct args *args)
{
	enum ref_action a = referral_action_from_name(c->step);
	const char *idarg = args->noperands ? args->operands[0] : NULL, *note = NULL;
	/* return and escalate say --reason, the others --note: one text either way */
	for (size_t i = 0; i < args->nitems; i++)
		if (strcmp(args->items[i].opt->name, "--note") == 0 ||
		    strcmp(args->items[i].opt->name, "--reason") == 0)
			note = args->items[i].v[0];
	const char *outcome = args_value(args, "--outcome"), *feedback = args_value(args, "--feedback");
	if (args->noperands > 1)
		return usage_error(_("referral: one referral id, not also \"%s\""), args->operands[1]);
	if (!idarg)
		return usage_error(_("referral %s needs a referral id"), c->step);
	enum ref_outcome o = 0;
	if (outcome && !(o = referral_outcome_from_name(outcome)))
		return usage_error(_("referral resolve: --outcome is success, refused, no_capacity, "
		                     "not_needed, unreachable or other, not \"%s\""), outcome);
	rec_id id;
	int rc = referral_arg(idarg, &id);
	if (rc || (rc = need_scope(c)))
		return rc;
	store *st;
	if ((rc = open_db_write(c, &st)))
		return rc;
	/* escalate --to CODE: a specialised station instead of the unit above */
	const char *to = args_value(args, "--to");
	struct unit_lookup ul = {to, ""};
	if (to) {
		int err = store_read(st, unit_txn, &ul);
		if (err) {
			if (err == STORE_NOTFOUND)
				say(stderr, _("shegong: no unit has the code %s.\n"), to);
			rc = err == STORE_NOTFOUND ? 1 : store_error(c, err);
			store_close(st);
			return rc;
		}
	}
	struct refer_act_in in = {note, o, feedback, 0, NULL};
	rec_id child;
	char why[512];
	int err = refer_act_to(st, c->scope, &id, a, &in, to ? ul.id : NULL, &child, why, sizeof why);
	if (err) {
		rc = refused(err, why);
	} else {
		record *r = NULL;
		if (!read_referral(c, st, &id, idarg, &r)) {
			const char *num = record_get(r, "number");
			say(stdout, _("%s is now: %s.\n"), num && *num ? num : idarg,
			    referral_state_label(refer_state(r)));
			if (a == REFA_SUBMIT)
				say(stdout, _("The answer is due by %s.\n"), record_get(r, "due"));
		}
		record_free(r);
		if (a == REFA_ESCALATE) {
			char cid[REC_ID_TEXTMAX];
			say(stdout, _("Sent on as the new referral %s.\n"), rec_id_format(&child, cid));
		}
	}
	store_close(st);
	return rc;
}

/* --- slip and news -------------------------------------------------------------- */

static int
referral_slip(struct cli *c, const struct args *a)
{
	if (a->noperands != 1)
		return usage_error("%s", _("referral slip needs one referral id"));
	rec_id id;
	const char *arg = a->operands[0];
	bool number = strncmp(arg, "ZJ-", 3) == 0;   /* the number on the slip */
	int rc = number ? 0 : referral_arg(arg, &id);
	if (rc || (rc = need_scope(c)))
		return rc;
	store *st;
	/* read-write: a slip hands personal data out, so it is logged */
	if ((rc = open_db_write(c, &st)))
		return rc;
	char idtext[REC_ID_TEXTMAX];
	if (number) {
		int err = print_resolve(st, REC_REFERRAL, arg, idtext);
		if (err == STORE_NOTFOUND) {
			say(stderr, _("shegong: there is no record %s.\n"), arg);
			store_close(st);
			return 1;
		}
		if (err || rec_id_parse(idtext, &id) < 0) {
			store_close(st);
			return store_error(c, err ? err : STORE_INVALID);
		}
	}
	record *r = NULL;
	if (!(rc = read_referral(c, st, &id, a->operands[0], &r))) {
		char *text = refer_slip(st, r);
		int err = text ? audit_log_now(st, "export", &id, "referral slip") : STORE_NOMEM;
		if (err) {
			free(text);
			text = NULL;
			rc = refused(err, _("The slip was not printed, because handing it out could not "
			                    "be written to the audit trail."));
		}
		if (text)
			say(stdout, "%s", text);
		free(text);
	}
	record_free(r);
	store_close(st);
	return rc;
}

static int
referral_news(struct cli *c, const struct args *a)
{
	if (a->noperands)
		return usage_errorf(_("%s: unknown option \"%s\""), "referral news", a->operands[0]);
	bool mark = args_count(a, "--mark") > 0;
	int rc = need_scope(c);
	store *st;
	if (rc || (rc = mark ? open_db_write(c, &st) : open_db(c, &st)))
		return rc;
	struct refer_news nw;
	int err = refer_news(st, c->scope, mark, &nw);
	if (err) {
		rc = store_error(c, err);
	} else {
		/* TRANSLATORS: the three counts of `referral news`, one a line:
		 * newly received, returned to you, answered (feedback) */
		say(stdout, "%s\t%zu\n", _("incoming"), nw.incoming);
		say(stdout, "%s\t%zu\n", _("returned"), nw.returned);
		say(stdout, "%s\t%zu\n", _("feedback"), nw.feedback);
		for (size_t i = 0; i < nw.n; i++)
			say_row(st, &nw.rows[i]);
		refer_news_free(&nw);
	}
	store_close(st);
	return rc;
}

/* --- the steps' table ------------------------------------------------------------ */

static const struct args_opt list_opts[] = {
	{"--inbox", 0}, {"--outbox", 0}, {"--overdue", 0}, {"--all", 0}, {"--state", 1}, {NULL, 0},
};
static const struct args_opt new_opts[] = {
	{"--resident", 1}, {"--need", 1},    {"--category", 1}, {"--urgency", 1}, {"--reason", 1},
	{"--done", 1},     {"--consent", 1}, {"--contact", 1},  {"--to", 1},      {"--submit", 0},
	{NULL, 0},
};
static const struct args_opt step_opts[] = {
	{"--note", 1}, {"--reason", 1}, {NULL, 0},
};
static const struct args_opt escalate_opts[] = {
	{"--note", 1}, {"--reason", 1}, {"--to", 1}, {NULL, 0},
};
static const struct args_opt resolve_opts[] = {
	{"--note", 1}, {"--reason", 1}, {"--outcome", 1}, {"--feedback", 1}, {NULL, 0},
};
static const struct args_opt news_opts[] = {
	{"--mark", 0}, {NULL, 0},
};

static const struct cli_command steps[] = {
	{"list", referral_list, list_opts, 0, NULL, NULL, NULL},
	{"new", referral_new, new_opts, 0, NULL, NULL, NULL},
	{"show", referral_show, NULL, 0, NULL, NULL, NULL},
	{"submit", referral_step, step_opts, 0, NULL, NULL, NULL},
	{"accept", referral_step, step_opts, 0, NULL, NULL, NULL},
	{"return", referral_step, step_opts, 0, NULL, NULL, NULL},
	{"start", referral_step, step_opts, 0, NULL, NULL, NULL},
	{"resolve", referral_step, resolve_opts, 0, NULL, NULL, NULL},
	{"close", referral_step, step_opts, 0, NULL, NULL, NULL},
	{"withdraw", referral_step, step_opts, 0, NULL, NULL, NULL},
	{"escalate", referral_step, escalate_opts, 0, NULL, NULL, NULL},
	{"slip", referral_slip, NULL, 0, NULL, NULL, NULL},
	{"news", referral_news, news_opts, 0, NULL, NULL, NULL},
};

static const struct cli_family family = {
	steps, NELEM(steps),
	N_("referral needs a step: list, new, show, submit, accept, return, start, resolve, close, "
	   "withdraw, escalate, slip or news"),
	N_("referral: unknown step \"%s\""),
};

const struct cli_command cli_cmd_referral = {
	"referral", NULL, NULL, CMD_DB | CMD_ACCOUNT | CMD_WRITES,
	N_("referral list [--inbox|--outbox|--overdue|--all] [--state S] | referral new --resident ID "
	    "[--need ID]... --category C [--urgency U] --reason TEXT [--done TEXT] --consent yes|no "
	    "[--contact TEXT] [--to CODE] [--submit] | referral show ID | referral "
	    "submit|accept|start|close|withdraw ID [--note TEXT] | referral return ID --reason TEXT | "
	    "referral resolve ID --outcome O [--reason TEXT] --feedback TEXT | referral escalate ID "
	    "--reason TEXT [--to CODE] | referral slip ID|NUMBER | referral news [--mark]"),
	N_("Referrals (转介) from a village room to the township station, and on to the county. "
	    "list prints id, number, date submitted, due date, state, urgency, resident, from, to "
	    "and \"overdue\", separated by tabs (village workers see their outbox, stations their "
	    "inbox unless told). new prints the new referral's id (a draft; --submit sends it; "
	    "the resident's consent must be recorded). The steps are taken by the side they belong "
	    "to: the village submits, withdraws and closes; the station accepts, returns (with a "
	    "reason), starts, resolves (outcome success, refused, no_capacity, not_needed, "
	    "unreachable or other; a reason unless success; feedback for the village) and "
	    "escalates to the unit above (--to: to a specialised station that takes the "
	    "category). slip prints the referral slip with its stub and return "
	    "slip. news counts what came in, came back and was answered since you last looked; "
	    "--mark marks it seen."),
	&family,
};
