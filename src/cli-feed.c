/* cli-feed.c: the verb `feed`: what this database holds into the
 * PostgreSQL warehouse (feed.c), from cron or the systemd timer of a
 * county or city server, or by hand. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli-internal.h"
#include "feed.h"
#include "i18n.h"
#include "paths.h"

static void
feed_progress(uint64_t done, uint64_t top, size_t rows, void *ctx)
{
	(void)ctx;
	say(stderr, "\r");
	say(stderr, _("Fed up to change %llu of %llu: %zu records ..."), (unsigned long long)done,
	    (unsigned long long)top, rows);
}

/* --batch N: a whole number from 1 to 100000. */
static bool
batch_of(const char *v, size_t *n)
{
	if (!v || !*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 6)
		return false;
	*n = (size_t)strtoul(v, NULL, 10);
	return *n >= 1 && *n <= 100000;
}

static int
cmd_feed(struct cli *c, const struct args *a)
{
	if (a->noperands != 1 || !a->operands[0][0])
		return usage_error("%s", _("feed: give the warehouse, as postgresql://HOST/DATABASE or "
		                           "service=NAME"));
	struct feed_opts o = {
		.conninfo = a->operands[0],
		.schema = args_value(a, "--schema"),
		.sc = c->scope,
		.login = c->login,
		.full = args_count(a, "--full") > 0,
		.progress = isatty(STDERR_FILENO) && !args_count(a, "--quiet") ? feed_progress : NULL,
	};
	const char *b = args_value(a, "--batch");
	if (b && !batch_of(b, &o.batch))
		return usage_error(_("feed: --batch takes a number of records from 1 to 100000, not "
		                     "\"%s\""),
		                   b);
	if (!feed_available()) {
		say(stderr, "shegong: %s\n",
		    _("This shegong was built without PostgreSQL, so it cannot feed a warehouse: ask "
		      "the administrator to install the package libpq-dev and build it again."));
		return 1;
	}
	struct formset *fs = load_forms(paths_forms());
	if (!fs)
		return 1;
	o.forms = fs;
	store *st;
	int rc = open_db_write(c, &st);
	if (rc) {
		formset_free(fs);
		return rc;
	}
	bool quiet = args_count(a, "--quiet") > 0;
	struct feed_result res;
	char msg[1024];
	rc = feed_run(st, &o, &res, msg, sizeof msg);
	if (o.progress && res.batches)
		say(stderr, "\n");
	if (rc < 0) {
		if (res.batches)
			say(stderr, _("shegong: feed: the warehouse has this database up to change %llu "
			              "(%zu records in %zu batches); the rest waits for the next feed.\n"),
			    (unsigned long long)res.to, res.rows, res.batches);
		say(stderr, _("shegong: feed: %s\n"), msg);
		rc = 1;
	} else if (quiet) {
		/* cron's run: a line only when something went wrong */
	} else if (res.batches == 0) {
		say(stdout, _("Nothing new to feed: the warehouse %s has this database (%s) up to "
		              "change %llu.\n"),
		    res.where, res.site, (unsigned long long)res.to);
	} else {
		say(stdout, _("Fed %zu records of this database (%s) into the warehouse %s, changes %llu "
		              "to %llu in %zu batches; %zu removed there; %s.\n"),
		    res.rows, res.site, res.where, (unsigned long long)res.from,
		    (unsigned long long)res.to, res.batches, res.removed,
		    res.masked ? _("sensitive fields masked") : _("unmasked"));
	}
	store_close(st);
	formset_free(fs);
	return rc;
}

static const struct args_opt feed_opts[] = {
	{"--schema", 1}, {"--batch", 1}, {"--full", 0}, {"--quiet", 0}, {NULL, 0},
};

const struct cli_command cli_cmd_feed = {
	"feed", cmd_feed, feed_opts, CMD_DB | CMD_ACCOUNT | CMD_WRITES,
	N_("feed CONNINFO [--schema NAME] [--batch N] [--full] [--quiet]"),
	N_("Write what this database holds into a PostgreSQL warehouse (CONNINFO: "
	    "postgresql://HOST/DATABASE, or service=NAME of pg_service.conf; a password goes in "
	    "~/.pgpass, never here): one table a kind in the schema shegong (--schema says "
	    "another), typed columns, the site and the unit in each row, ID numbers and other "
	    "sensitive fields masked unless your role sees them; views give the report's figures "
	    "by site, month and unit. Only what changed since the last feed goes, --batch records "
	    "(500) a transaction, so a second feed writes nothing and a feed cut short goes on "
	    "where it stopped; --full feeds the whole database again; --quiet says nothing unless "
	    "something went wrong (cron). Every feed is in the audit trail. Built when configure "
	    "finds libpq."),
	NULL,
};
