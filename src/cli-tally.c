/* cli-tally.c: `hours`, `balance` and `certificate`: what adds up from
 * service records (tally.c). */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli-internal.h"
#include "i18n.h"
#include "orgunit.h"
#include "print.h"
#include "tally.h"

/* --- hours, balance, certificate ------------------------------------------ */

/* The one record id a tally verb takes: not an id is a usage error (2);
 * an id of another kind is a mistake about the record (1). */
static int
tally_arg(const char *arg, int kind, const char *wrong_kind, rec_id *id)
{
	if (rec_id_parse(arg, id) < 0)
		return usage_error(_("\"%s\" is not a record id (like vol-3f9a2c71d0e4-42)"), arg);
	if (id->kind != kind) {
		say(stderr, "shegong: ");
		say(stderr, wrong_kind, arg, rec_kind_label(id->kind));
		say(stderr, "\n");
		return 1;
	}
	return 0;
}

/* Amounts as people write them: 100, 2.5, never 1.000000e+02. */
static void
say_amount(double v)
{
	say(stdout, "%.12g", v);
}

struct hours_ctx {
	rec_id id;
	char *name;
	double hours;
	size_t services;
};

static int
hours_txn(store_txn *t, void *ctx)
{
	struct hours_ctx *hc = ctx;
	record *r;
	int err = store_get(t, &hc->id, &r);
	if (err)
		return err;
	const char *name = record_get(r, "name");
	hc->name = strdup(name ? name : "");
	record_free(r);
	if (!hc->name)
		return store_txn_fail(t, STORE_NOMEM);
	return tally_volunteer_hours(t, &hc->id, &hc->hours, &hc->services);
}

/* Say what went wrong reading the record arg names; returns the exit status. */
static int
record_error(struct cli *c, int err, const char *arg)
{
	if (err == STORE_NOTFOUND) {
		say(stderr, _("shegong: there is no record %s.\n"), arg);
		return 1;
	}
	return store_error(c, err);
}

static int
cmd_hours(struct cli *c, const struct args *a)
{
	if (a->noperands != 1)
		return usage_error("%s", _("hours needs one volunteer id, e.g. vol-3f9a2c71d0e4-42"));
	struct hours_ctx hc = {0};
	int rc = tally_arg(a->operands[0], REC_VOLUNTEER, _("%s is not a volunteer: it is a %s."), &hc.id);
	store *st;
	if (rc || (rc = open_db(c, &st)))
		return rc;
	int err = store_read(st, hours_txn, &hc);
	if (err) {
		rc = record_error(c, err, a->operands[0]);
	} else {
		say_value(stdout, hc.name, 0);
		say(stdout, "\t%.1f\t%zu\n", hc.hours, hc.services);
	}
	store_close(st);
	free(hc.name);
	return rc;
}

struct balance_ctx {
	rec_id id;
	char *name, *unit;
	double used, left;
	bool has_quantity;
};

static int
balance_txn(store_txn *t, void *ctx)
{
	struct balance_ctx *bc = ctx;
	record *r;
	int err = store_get(t, &bc->id, &r);
	if (err)
		return err;
	const char *name = record_get(r, "name"), *unit = record_get(r, "unit");
	bc->name = strdup(name ? name : "");
	bc->unit = strdup(unit ? unit : "");
	record_free(r);
	if (!bc->name || !bc->unit)
		return store_txn_fail(t, STORE_NOMEM);
	return tally_resource(t, &bc->id, &bc->used, &bc->left, &bc->has_quantity);
}

static int
cmd_balance(struct cli *c, const struct args *a)
{
	if (a->noperands != 1)
		return usage_error("%s", _("balance needs one resource id, e.g. rsc-3f9a2c71d0e4-42"));
	struct balance_ctx bc = {0};
	int rc = tally_arg(a->operands[0], REC_RESOURCE, _("%s is not a resource: it is a %s."), &bc.id);
	store *st;
	if (rc || (rc = open_db(c, &st)))
		return rc;
	int err = store_read(st, balance_txn, &bc);
	if (err) {
		rc = record_error(c, err, a->operands[0]);
	} else {
		say_value(stdout, bc.name, 0);
		say(stdout, "\t");
		if (bc.has_quantity)
			say_amount(bc.left + bc.used);
		else
			say(stdout, "-");
		say(stdout, "\t");
		say_amount(bc.used);
		say(stdout, "\t");
		if (bc.has_quantity)
			say_amount(bc.left);
		else
			say(stdout, "-");
		say(stdout, "\t");
		say_value(stdout, bc.unit, 0);
		say(stdout, "\n");
	}
	store_close(st);
	free(bc.name);
	free(bc.unit);
	return rc;
}

/* A certificate names the room that issues it: by default the unit of
 * the worker who prints it (NULL when the login is no registered worker). */
struct room_ctx {
	const char *login;
	char *room;
};

static int
room_txn(store_txn *t, void *ctx)
{
	struct room_ctx *rc = ctx;
	record *w, *u;
	rec_id uid;
	if (worker_by_login(t, rc->login, &w) != STORE_OK)
		return 0;
	const char *unit = record_get(w, "unit");
	if (unit && rec_id_parse(unit, &uid) == 0 && store_get(t, &uid, &u) == STORE_OK) {
		const char *name = record_get(u, "name");
		rc->room = name && *name ? strdup(name) : NULL;
		record_free(u);
	}
	record_free(w);
	return 0;
}

static int
cmd_certificate(struct cli *c, const struct args *a)
{
	const char *id_arg = a->noperands ? a->operands[0] : NULL;
	const char *room_arg = args_value(a, "--room"), *date = args_value(a, "--date");
	if (a->noperands > 1)
		return usage_error(_("certificate: one volunteer id, not also \"%s\""), a->operands[1]);
	if (!id_arg)
		return usage_error("%s", _("certificate needs one volunteer id, e.g. "
		                           "vol-3f9a2c71d0e4-42"));
	if (date && !is_date(date))
		return usage_error(_("certificate: --date takes a date like 2026-03-15, not \"%s\""),
		                   date);
	char *room = NULL;
	if (room_arg && !(room = strdup(room_arg)))
		return 1;
	rec_id id;
	/* the number printed on a certificate (20261202-a5074270ee0b-416) is
	 * taken too: the volunteer's, issued on that day */
	char fromnum[REC_ID_TEXTMAX], numdate[16];
	if (rec_id_parse(id_arg, &id) < 0 &&
	    print_resolve(NULL, REC_VOLUNTEER, id_arg, fromnum) == STORE_OK) {
		if (!date) {
			snprintf(numdate, sizeof numdate, "%.4s-%.2s-%.2s", id_arg, id_arg + 4, id_arg + 6);
			if (is_date(numdate))
				date = numdate;
		}
		id_arg = fromnum;
	}
	int rc = tally_arg(id_arg, REC_VOLUNTEER, _("%s is not a volunteer: it is a %s."), &id);
	store *st;
	/* read-write: handing out a volunteer's personal data is logged */
	if (rc || (rc = open_db_write(c, &st))) {
		free(room);
		return rc;
	}
	char today[16];
	local_env(c, today);
	if (!room) {
		struct room_ctx rx = {c->login, NULL};
		store_read(st, room_txn, &rx);
		room = rx.room;
	}
	int err;
	char *text = tally_certificate(st, &id, room ? room : "?", date ? date : today, &err);
	/* no certificate leaves the program unless the log says so */
	if (text && (err = audit_log_now(st, "export", &id, "certificate")) != STORE_OK) {
		free(text);
		text = NULL;
		say(stderr, "%s\n", _("shegong: the certificate was not printed, because handing it "
		                      "out could not be written to the audit trail."));
	}
	if (text)
		say(stdout, "%s", text);
	else
		rc = record_error(c, err, id_arg);
	free(text);
	free(room);
	store_close(st);
	return rc;
}

const struct cli_command cli_cmd_hours = {
	"hours", cmd_hours, NULL, CMD_DB | CMD_ACCOUNT,
	N_("hours VOLUNTEER-ID"),
	N_("A volunteer's service hours: their name, the hours of every service record that lists "
	    "them, and the number of those services, separated by tabs."),
	NULL,
};

static const struct args_opt certificate_opts[] = {
	{"--room", 1}, {"--date", 1}, {NULL, 0},
};

const struct cli_command cli_cmd_certificate = {
	"certificate", cmd_certificate, certificate_opts, CMD_DB | CMD_ACCOUNT | CMD_WRITES,
	N_("certificate VOLUNTEER-ID|NUMBER [--room TEXT] [--date YYYY-MM-DD]"),
	N_("Print a volunteer service certificate (志愿服务记录证明): name, ID number masked in "
	    "the middle, total hours and each service, with lines for a signature and a seal. "
	    "--room is the issuing room (default: the name of your unit), --date the date of "
	    "issue (default: today, or the day in the certificate's number YYYYMMDD-... when "
	    "given that). shegong print certificate lays it out for paper."),
	NULL,
};

const struct cli_command cli_cmd_balance = {
	"balance", cmd_balance, NULL, CMD_DB | CMD_ACCOUNT,
	N_("balance RESOURCE-ID"),
	N_("What is left of a resource: its name, the quantity it had, how much service records "
	    "used, what is left and the unit, separated by tabs (\"-\" when it states no "
	    "quantity)."),
	NULL,
};
