/* cli-void.c: `shegong void`: a record made by mistake voided (作废) with
 * a reason, kept and logged (kind_void). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli-internal.h"
#include "i18n.h"
#include "kind.h"
#include "search.h"

static int
cmd_void(struct cli *c, const struct args *a)
{
	const char *reason = args_value(a, "--reason");
	if (a->noperands != 1)
		return usage_error("%s", _("void needs one record id, e.g. svc-3f9a2c71d0e4-42"));
	if (!reason || !*reason)
		return usage_error("%s", _("void needs --reason TEXT: why the record is voided"));
	const char *arg = a->operands[0];
	rec_id id;
	if (rec_id_parse(arg, &id) < 0)
		return usage_error(_("void: \"%s\" is not a record id (like svc-3f9a2c71d0e4-42)"), arg);
	if (!kind_voidable(id.kind))
		return usage_error(_("void: %s cannot be voided (a referral is withdrawn with "
		                     "shegong referral withdraw)"), arg);
	store *st;
	int rc = open_db_write(c, &st);
	if (rc)
		return rc;
	record *r = NULL;
	rec_id blocker;
	int err = search_get(st, &id, &r);
	if (!err && record_voided(r)) {
		say(stderr, _("shegong: %s is voided already.\n"), arg);
		rc = 1;
	} else if (!err && (err = kind_void(st, r, reason, &blocker)) == STORE_EXISTS) {
		char bt[REC_ID_TEXTMAX];
		say(stderr, _("shegong: %s is still named by %s: void that first (or, for a "
		              "referral, withdraw or close it).\n"),
		    arg, rec_id_format(&blocker, bt));
		rc = 1;
	} else if (err == STORE_INVALID) {
		say(stderr, "%s\n", _("shegong: the reason must be one line of text."));
		rc = 1;
	} else if (err == STORE_NOTFOUND) {
		say(stderr, _("shegong: there is no record %s.\n"), arg);
		rc = 1;
	} else if (err) {
		rc = store_error(c, err);
	} else {
		say(stdout, _("Voided: %s (kept, left out of lists and reports).\n"), arg);
	}
	record_free(r);
	store_close(st);
	return rc;
}

static const struct args_opt void_opts[] = {
	{"--reason", 1}, {NULL, 0},
};

const struct cli_command cli_cmd_void = {
	"void", cmd_void, void_opts, CMD_DB | CMD_ACCOUNT,
	N_("void ID --reason TEXT"),
	N_("Void a record made by mistake (a resident, need, service, volunteer, organisation, "
	   "resource or project): it is kept with the reason and logged, and left out of lists, "
	   "searches, reports, tallies and exports. Only who may change the record may void it."),
	NULL,
};
