/* cli-audit.c: `shegong audit`: the audit trail, filtered. */
#include "config.h"

#include <string.h>

#include "audit.h"
#include "cli-internal.h"
#include "i18n.h"

/* --- audit and check ------------------------------------------------------ */

static int
say_entry(const struct audit_entry *e, void *ctx)
{
	(void)ctx;
	char when[32] = "?";
	time_t tt = (time_t)e->at;
	struct tm tm;
	if (localtime_r(&tt, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	say(stdout, "%llu\t%s\t", (unsigned long long)e->seq, when);
	say_value(stdout, e->who, 0);
	say(stdout, "\t");
	say_value(stdout, e->action, 0);
	say(stdout, "\t");
	say_value(stdout, e->record, 0);
	if (e->v_before || e->v_after)
		say(stdout, "\t%u->%u\t", e->v_before, e->v_after);
	else
		say(stdout, "\t-\t");
	say_value(stdout, e->note, 0);
	say(stdout, "\n");
	return 0;
}

static int
cmd_audit(struct cli *c, const struct args *a)
{
	struct audit_filter f = {0};
	char idtext[REC_ID_TEXTMAX];
	enum { ARG_TEXT, ARG_ID, ARG_DATE };
	const struct {
		const char *opt;
		const char **dst;
		int type;
	} opts[] = {
		{"--worker", &f.who, ARG_TEXT},
		{"--record", &f.record, ARG_ID},
		{"--since", &f.since, ARG_DATE},
		{"--until", &f.until, ARG_DATE},
	};
	if (a->noperands)
		return usage_errorf(_("%s: unknown option \"%s\""), "audit", a->operands[0]);
	for (size_t i = 0; i < a->nitems; i++) {
		size_t k = 0;
		while (strcmp(a->items[i].opt->name, opts[k].opt) != 0)
			k++;   /* the template is these options */
		const char *v = a->items[i].v[0];
		rec_id id;
		if (opts[k].type == ARG_DATE && !is_date(v))
			return usage_error(_("audit: a date looks like 2026-03-15, not \"%s\""), v);
		if (opts[k].type == ARG_ID) {
			if (rec_id_parse(v, &id) < 0)
				return usage_error(_("audit: \"%s\" is not a record id (like "
				                     "res-3f9a2c71d0e4-42)"), v);
			/* the log keeps ids as they print */
			v = rec_id_format(&id, idtext);
		}
		*opts[k].dst = v;
	}
	if (!scope_may_audit(c->scope)) {
		say(stderr, _("shegong: the audit trail is read by supervisors and administrators; "
		              "%s is neither.\n"), c->login);
		return 1;
	}
	store *st;
	int rc = open_db(c, &st);
	if (rc)
		return rc;
	int err = audit_each(st, &f, say_entry, NULL);
	if (err == STORE_CORRUPT) {
		say(stderr, "%s\n", _("shegong: an audit entry cannot be read; \"shegong check\" says "
		                      "which, and what to do."));
		rc = 1;
	} else if (err) {
		rc = store_error(c, err);
	}
	store_close(st);
	return rc;
}

static const struct args_opt audit_opts[] = {
	{"--worker", 1}, {"--record", 1}, {"--since", 1}, {"--until", 1}, {NULL, 0},
};

const struct cli_command cli_cmd_audit = {
	"audit", cmd_audit, audit_opts, CMD_DB | CMD_ACCOUNT,
	N_("audit [--worker LOGIN] [--record ID] [--since YYYY-MM-DD] [--until YYYY-MM-DD]"),
	N_("The audit trail: every record created, edited or deleted and every certificate "
	    "handed out, oldest first, one a line: number, local time, who, what, the record, "
	    "its versions before and after, and a note, separated by tabs. The options keep "
	    "one worker's, one record's, or the days from --since to --until."),
	NULL,
};
