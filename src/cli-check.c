/* cli-check.c: `check` (indexes and audit trail, --repair) and
 * `check-forms`. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>


#include "audit.h"
#include "cli-internal.h"
#include "i18n.h"
#include "paths.h"
#include "sync.h"
#include "today.h"

/* The visits file beside the forms (today.c): its lines, and each
 * category one the resident form's list has.  0, or 1 after saying what
 * is wrong. */
static int
check_visits(const char *dir, const struct formset *fs)
{
	struct today_visits v;
	char why[512];
	if (today_visits_load(dir, &v, why, sizeof why) < 0) {
		say(stderr, "%s\n", why);
		return 1;
	}
	const struct form *rf = formset_for_kind(fs, REC_RESIDENT);
	const struct form_field *fd = rf ? form_field(rf, "categories") : NULL;
	int rc = 0;
	for (size_t i = 0; i < v.n; i++) {
		bool known = false;
		for (size_t k = 0; fd && fd->choices && k < fd->choices->n && !known; k++)
			known = strcmp(fd->choices->items[k].value, v.v[i].category) == 0;
		if (!known) {
			say(stderr, _("%s/visits: \"%s\" is not a category of the resident form's list.\n"),
			    dir, v.v[i].category);
			rc = 1;
		}
	}
	if (!rc && v.n)
		say(stdout, _("visits: %zu categories visited regularly\n"), v.n);
	today_visits_free(&v);
	return rc;
}

static int
cmd_check_forms(struct cli *c, const struct args *a)
{
	(void)c;
	if (a->noperands > 1)
		return usage_error(_("check-forms: one folder at most, not \"%s\""), a->operands[1]);
	const char *dir = a->noperands == 1 ? a->operands[0] : paths_forms();
	struct formset *fs = load_forms(dir);
	if (!fs)
		return 1;
	for (size_t i = 0; i < fs->nforms; i++)
		say(stdout, _("%s: version %u, %zu fields\n"), fs->forms[i]->name, fs->forms[i]->version,
		    fs->forms[i]->nfields);
	int rc = check_visits(dir, fs);
	formset_free(fs);
	return rc;
}

struct check_ctx {
	size_t findings;
};

static void
check_report(const char *msg, void *ctx)
{
	struct check_ctx *cc = ctx;
	cc->findings++;
	say(stdout, "  %s\n", msg);
}

/* The forms, the records and their indexes, the audit trail: one line
 * for each finding, a summary, exit 1 when anything is wrong. */
static int
cmd_check(struct cli *c, const struct args *a)
{
	if (a->noperands)
		return usage_errorf(_("%s: unknown option \"%s\""), "check", a->operands[0]);
	bool repair = args_count(a, "--repair") > 0;
	if (repair && !scope_is_admin(c->scope)) {
		say(stderr, _("shegong: only an administrator rebuilds the indexes; %s may run "
		              "\"shegong check\" to see what is wrong.\n"), c->login);
		return 1;
	}
	size_t problems = 0;

	struct formset *fs = load_forms(paths_forms());
	if (fs)
		say(stdout, _("Forms: all %zu load.\n"), fs->nforms);
	else
		problems++;
	formset_free(fs);

	store *st;
	int rc = repair ? open_db_write(c, &st) : open_db(c, &st);
	if (rc)
		return rc;
	struct check_ctx cc = {0};
	size_t faults = 0;
	say(stdout, "%s\n", _("Records and indexes:"));
	int err = store_verify(st, repair, &faults, check_report, &cc);
	if (!err && repair && faults) {
		/* mended only if a second look finds nothing */
		size_t left = 0;
		err = store_verify(st, false, &left, check_report, &cc);
		if (!err && left == 0) {
			say(stdout, _("  Indexes rebuilt: %zu faults mended.\n"), faults);
			char note[64];
			snprintf(note, sizeof note, "indexes rebuilt: %zu faults", faults);
			err = audit_log_now(st, "repair", NULL, note);
		}
		faults = left;
	}
	if (err) {
		store_close(st);
		return store_error(c, err);
	}
	if (faults)
		problems += faults;
	else if (!cc.findings || repair)
		say(stdout, "  %s\n", _("Every index entry matches its record and every record is "
		                         "indexed."));
	if (faults && !repair)
		say(stdout, "  %s\n", _("\"shegong check --repair\" rebuilds the indexes from the "
		                         "records."));
	/* what no exchange may bring, should a file have slipped it past */
	size_t odd = 0;
	if ((err = sync_verify(st, &odd, check_report, &cc))) {
		store_close(st);
		return store_error(c, err);
	}
	problems += odd;

	size_t entries;
	uint64_t bad;
	char why[512];
	err = audit_verify(st, &entries, &bad, why, sizeof why);
	store_close(st);
	if (err)
		return store_error(c, err);
	if (bad) {
		say(stdout, _("Audit trail: %zu entries.\n  %s\n"), entries, why);
		problems++;
	} else {
		say(stdout, _("Audit trail: %zu entries, whole.\n"), entries);
	}

	if (problems) {
		say(stdout, _("Problems found: %zu.\n"), problems);
		return 1;
	}
	say(stdout, "%s\n", _("All is well."));
	return 0;
}

static const struct args_opt check_opts[] = {
	{"--repair", 0}, {NULL, 0},
};

const struct cli_command cli_cmd_check = {
	"check", cmd_check, check_opts, CMD_DB | CMD_ACCOUNT | CMD_WRITES,
	N_("check [--repair]"),
	N_("Check the database: that the forms load, that every index entry matches its record "
	    "and every record is indexed, that the counts kept for each village agree with the "
	    "index, and that the audit trail is whole (no entry changed or removed). One line for "
	    "each finding, then a summary; exit status 1 when anything is wrong. --repair rebuilds "
	    "the indexes and the counts from the records."),
	NULL,
};

const struct cli_command cli_cmd_check_forms = {
	"check-forms", cmd_check_forms, NULL, 0,
	N_("check-forms [DIR]"),
	N_("Check the form files (in DIR, else the installed ones): each form's name, version and "
	    "number of fields, or the file and line of the first fault."),
	NULL,
};
