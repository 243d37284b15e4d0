/* cli-sync.c: `shegong sync`, the exchange between a village room's own
 * PC and its township server (sync.[ch]): over ssh, through files on a
 * USB stick, the other end of an ssh exchange (--serve), what is waiting
 * and what was exchanged (--status), and the notices a worker settles. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli-internal.h"
#include "util.h"
#include "i18n.h"
#include "orgunit.h"
#include "sync.h"

struct name_ctx {
	const char *id;
	char name[160];
};

static int
name_txn(store_txn *t, void *ctx)
{
	struct name_ctx *nc = ctx;
	rec_id id;
	record *u;
	store_txn_trust(t, true);
	if (rec_id_parse(nc->id, &id) == 0 && store_get(t, &id, &u) == 0) {
		const char *n = record_get(u, "name"), *code = record_get(u, "code");
		snprintf(nc->name, sizeof nc->name, "%s (%s)", n ? n : "?", code ? code : "?");
		record_free(u);
	}
	store_txn_trust(t, false);
	return 0;
}

/* "安宁村 (510421100001)" for a unit's id text, or the site number. */
static void
peer_label(store *st, const char *unit, uint64_t site, char *out, size_t size)
{
	struct name_ctx nc = {unit, ""};
	if (unit && *unit)
		store_read(st, name_txn, &nc);
	if (*nc.name)
		snprintf(out, size, "%s", nc.name);
	else
		snprintf(out, size, _("database %012llx"), (unsigned long long)site);
}

static int
sync_fail(int err, const char *why)
{
	say(stderr, "shegong: %s\n", why && *why ? why : sync_strerror(err));
	return 1;
}

static void
say_taken(store *st, const struct sync_stats *s, const char *what)
{
	char who[200];
	peer_label(st, s->peer_unit, s->peer_site, who, sizeof who);
	if ((s->already || s->received == 0) && !s->forms) {
		say(stdout, _("%s from %s: nothing new.\n"), what, who);
		return;
	}
	say(stdout,
	    _("%s from %s: %zu records: %zu new or newer saved, %zu referrals merged, %zu already "
	      "here, %zu of this side's own kept.\n"),
	    what, who, s->received, s->applied, s->merged, s->same, s->kept_ours);
	if (s->forms)
		say(stdout, _("The township's forms (%zu files) are in use here from now on.\n"),
		    s->forms);
	if (s->notices)
		say(stdout, _("%zu notices for a worker to settle: see \"shegong sync --notices\".\n"),
		    s->notices);
}

static int
sync_status_cmd(store *st, struct cli *c)
{
	struct sync_status s;
	int err = sync_status(st, c->scope, &s);
	if (err)
		return store_error(c, err);
	say(stdout, _("This database: %012llx.\n"), (unsigned long long)s.site);
	if (s.upstream) {
		say(stdout, _("A village PC: it exchanges with its township server (database %012llx)%s%s.\n"),
		    (unsigned long long)s.upstream, *s.host ? _(", host ") : "", s.host);
		say(stdout, _("Waiting to go up: %zu records (%zu referrals).\n"), s.pending,
		    s.pending_referrals);
	} else {
		say(stdout, "%s\n", _("A township server (or a database that has not exchanged yet)."));
	}
	for (size_t i = 0; i < s.npeers; i++) {
		const struct sync_peer *p = &s.peers[i];
		char who[200], when[40] = "-";
		peer_label(st, p->unit, p->site, who, sizeof who);
		if (p->last) {
			time_t tt = (time_t)p->last;
			struct tm tm;
			localtime_r(&tt, &tm);
			strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		}
		say(stdout, _("  %s, database %012llx: last exchange %s, %zu records taken then, %zu sent.\n"),
		    who, (unsigned long long)p->site, when, p->last_in, p->last_out);
	}
	if (s.open_notices)
		say(stdout, _("%zu notices to settle: \"shegong sync --notices\".\n"), s.open_notices);
	sync_status_free(&s);
	return 0;
}

static int
sync_notices_cmd(store *st, struct cli *c, bool all)
{
	struct sync_notice *v;
	size_t n;
	int err = sync_notices(st, c->scope, all, &v, &n);
	if (err)
		return store_error(c, err);
	if (n == 0)
		say(stdout, "%s\n", all ? _("No notices.") : _("No notices to settle."));
	for (size_t i = 0; i < n; i++) {
		char when[40];
		time_t tt = (time_t)v[i].at;
		struct tm tm;
		localtime_r(&tt, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		say(stdout, "%zu\t%s\t%s\t%s\t", i + 1, when, v[i].open ? _("open") : _("settled"),
		    v[i].record);
		say_value(stdout, v[i].text, 0);
		say(stdout, "\n");
	}
	sync_notices_free(v, n);
	return 0;
}

/* The figures kept here (sync-tier.c): a county's of its townships, a
 * city's of its counties (and through them their townships), one line
 * each, hours in hours and the median in days. */
static int
sync_figures_cmd(store *st, struct cli *c)
{
	struct sync_figure *v;
	size_t n;
	int err = sync_figures_list(st, c->scope, &v, &n);
	if (err)
		return store_error(c, err);
	if (n == 0)
		say(stdout, "%s\n", c->scope && c->scope->level == UNIT_CITY
		                        ? _("No county's figures have come here yet.")
		                        : _("No township's figures have come here yet."));
	for (size_t i = 0; i < n; i++) {
		char when[40];
		time_t tt = (time_t)v[i].made;
		struct tm tm;
		localtime_r(&tt, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		/* the file's fixed-point figures as the report shows them:
		 * hours/ in tenths, r/hours in hundredths, p/median in
		 * hundredths of a day plus one (0: none) */
		unsigned long long val = (unsigned long long)v[i].value;
		if (strcmp(v[i].what, "p/median") == 0 && val > 0)
			val--;
		if (strncmp(v[i].what, "hours/", 6) == 0)
			say(stdout, "%s\t%s\t%s\t%s\t%llu.%llu\t%s\n", v[i].town, v[i].unit, v[i].month,
			    v[i].what, val / 10, val % 10, when);
		else if (strcmp(v[i].what, "r/hours") == 0 || strcmp(v[i].what, "p/median") == 0)
			say(stdout, "%s\t%s\t%s\t%s\t%llu.%02llu\t%s\n", v[i].town, v[i].unit,
			    v[i].month, v[i].what, val / 100, val % 100, when);
		else
			say(stdout, "%s\t%s\t%s\t%s\t%llu\t%s\n", v[i].town, v[i].unit, v[i].month,
			    v[i].what, (unsigned long long)v[i].value, when);
	}
	free(v);
	return 0;
}

/* sync --referrals-to FILE [--for CODE] (sync-refer.c): a store or
 * sync error, or -1 when the file could not be written (said). */
static int
sync_referrals_to(store *st, struct cli *c, const char *path, const char *forv, char *why,
                  size_t whysize)
{
	unsigned char *buf = NULL;
	size_t len = 0, nref = 0, ncarried = 0;
	int err = sync_refer_make(st, c->scope, forv, &buf, &len, &nref, &ncarried, why, whysize);
	if (err)
		return err;
	int e = sync_file_write(path, buf, len);
	free(buf);
	if (e) {
		say(stderr, _("shegong: %s: %s\n"), path, strerror(e));
		return -1;
	}
	bool city = c->scope->level == UNIT_CITY, county = c->scope->level == UNIT_COUNTY;
	if (forv && city)
		say(stdout, _("Wrote %s for the county's server: %zu referrals, %zu bytes.\n"), path,
		    nref, len);
	else if (forv)
		say(stdout, _("Wrote %s for the township's server: %zu referrals, %zu bytes.\n"), path,
		    nref, len);
	else if (county)
		say(stdout, _("Wrote %s for the city's server: %zu referrals, %zu people and needs "
		              "they carry, %zu bytes.\n"),
		    path, nref, ncarried, len);
	else
		say(stdout, _("Wrote %s for the county's server: %zu referrals, %zu people and needs "
		              "they carry, %zu bytes.\n"),
		    path, nref, ncarried, len);
	return 0;
}

static int
cmd_sync(struct cli *c, const struct args *args)
{
	const char *host = NULL, *to = NULL, *from = NULL, *forv = NULL, *ssh = NULL, *rdb = NULL,
	           *note = NULL, *figto = NULL, *county = NULL, *uphost = NULL, *refto = NULL;
	bool figures = false, serve = false, status = false, notices = false, all = false, quiet = false;
	long settle = 0;
	if (args->noperands > 1)
		return usage_error(_("sync: one host only (\"%s\")"), args->operands[1]);
	if (args->noperands == 1 && args->operands[0][0] == '-')
		return usage_errorf(_("%s: unknown option \"%s\""), "sync", args->operands[0]);
	host = args->noperands ? args->operands[0] : NULL;
	const struct {
		const char *opt;
		const char **dst;
	} vals[] = {
		{"--to-file", &to}, {"--from-file", &from}, {"--for", &forv},
		{"--ssh", &ssh},    {"--remote-db", &rdb},  {"--note", &note},
		{"--figures-to", &figto}, {"--county", &county}, {"--up", &uphost},
		{"--referrals-to", &refto},
	};
	for (size_t i = 0; i < args->nitems; i++) {
		const char *o = args->items[i].opt->name, *v = args->items[i].v[0];
		for (size_t k = 0; k < NELEM(vals); k++)
			if (strcmp(o, vals[k].opt) == 0) {
				if (!*v)
					return usage_error(_("sync: %s needs a value"), o);
				*vals[k].dst = v;
			}
		if (strcmp(o, "--settle") == 0) {
			char *end;
			settle = strtol(v, &end, 10);
			if (*end || settle < 1)
				return usage_error(_("sync --settle: \"%s\" is not a notice number"), v);
		}
	}
	serve = args_count(args, "--serve") > 0;
	status = args_count(args, "--status") > 0;
	notices = args_count(args, "--notices") > 0;
	all = args_count(args, "--all") > 0;
	quiet = args_count(args, "--quiet") > 0;
	figures = args_count(args, "--figures") > 0;
	if (county && uphost)
		return usage_error("%s", _("sync: --county is --up for a township: one of them"));
	if (county)
		uphost = county;
	int modes = (host != NULL) + (to != NULL) + (from != NULL) + serve + status + notices +
	            (settle > 0) + (figto != NULL) + figures + (uphost != NULL) + (refto != NULL);
	if (modes > 1)
		return usage_error("%s", _("sync: one thing at a time: HOST, --to-file, --from-file, "
		                           "--figures-to, --up, --figures, --serve, --status, "
		                           "--notices or --settle"));
	if (forv && !to && !refto)
		return usage_error("%s", _("sync: --for goes with --to-file"));
	if ((ssh || rdb) &&
	    (to || from || serve || status || notices || settle || figto || figures || refto))
		return usage_error("%s", _("sync: --ssh and --remote-db go with a HOST"));

	store *st;
	int rc;
	if (status || notices || figures) {
		if ((rc = open_db(c, &st)))
			return rc;
		rc = status ? sync_status_cmd(st, c)
		     : figures ? sync_figures_cmd(st, c)
		               : sync_notices_cmd(st, c, all);
		store_close(st);
		return rc;
	}
	/* an empty database may take its township's first file (or run its
	 * first exchange over ssh) before any account is here */
	struct stat sb;
	char *data = NULL;
	bool fresh = asprintf(&data, "%s/data.mdb", c->dbdir) >= 0 && stat(data, &sb) < 0;
	free(data);
	if (fresh && (from || host)) {
		int err = store_open(&st, c->dbdir, STORE_CREATE);
		if (err)
			return store_error(c, err);
		store_close(st);
	}
	if ((rc = open_db_write(c, &st)))
		return rc;
	char why[1024] = "";
	int err = 0;
	if (settle) {
		err = sync_notice_settle(st, (size_t)settle, note, why, sizeof why);
		if (!err)
			say(stdout, _("Notice %ld settled.\n"), settle);
	} else if (serve) {
		struct sync_stats in, out;
		err = sync_serve(st, c->scope, STDIN_FILENO, STDOUT_FILENO, &in, &out, why, sizeof why);
	} else if (uphost) {
		size_t rows = 0, nref = 0;
		bool already = false, cty = c->scope && c->scope->level == UNIT_COUNTY;
		struct sync_stats down;
		memset(&down, 0, sizeof down);
		/* a township's server (or a county's, its city registered): first
		 * the referrals it escalated, with the answers back, then its
		 * figures */
		if (c->scope && (c->scope->level == UNIT_TOWNSHIP || (cty && *c->scope->above)))
			err = sync_refer_ssh(st, c->scope, uphost, ssh, rdb, &nref, &down, why,
			                     sizeof why);
		if (!err && nref && !quiet && cty) {
			say(stdout, _("Sent the %zu referrals escalated to the city.\n"), nref);
			say_taken(st, &down, _("The city's answers"));
		} else if (!err && nref && !quiet) {
			say(stdout, _("Sent the %zu referrals escalated to the county.\n"), nref);
			say_taken(st, &down, _("The county's answers"));
		} else if (!err && down.notices) {
			say(stdout, _("%zu notices for a worker to settle: see \"shegong sync "
			              "--notices\".\n"),
			    down.notices);
		}
		if (!err)
			err = sync_figures_ssh(st, c->scope, uphost, ssh, rdb, &rows, &already, why,
			                       sizeof why);
		if (!err && !quiet && already)
			say(stdout, "%s\n", cty ? _("The city server has these figures already.")
			                        : _("The county server has these figures already."));
		else if (!err && !quiet && cty)
			say(stdout, _("The city server keeps the county's figures: %zu lines.\n"), rows);
		else if (!err && !quiet)
			say(stdout, _("The county server keeps the township's figures: %zu lines.\n"),
			    rows);
	} else if (figto) {
		unsigned char *buf = NULL;
		size_t len = 0, rows = 0;
		err = sync_figures_make(st, c->scope, &buf, &len, &rows, why, sizeof why);
		if (!err) {
			int e = sync_file_write(figto, buf, len);
			free(buf);
			if (e) {
				say(stderr, _("shegong: %s: %s\n"), figto, strerror(e));
				store_close(st);
				return 1;
			}
			if (c->scope && c->scope->level == UNIT_COUNTY)
				say(stdout, _("Wrote %s for the city server: the county's figures with its "
				              "townships', %zu lines (counts only, no names), %zu bytes.\n"),
				    figto, rows, len);
			else
				say(stdout, _("Wrote %s for the county server: the township's figures, %zu "
				              "lines (counts only, no names), %zu bytes.\n"),
				    figto, rows, len);
		}
	} else if (refto) {
		err = sync_referrals_to(st, c, refto, forv, why, sizeof why);
		if (err < 0) {
			store_close(st);
			return 1;
		}
	} else if (to) {
		unsigned char *buf = NULL;
		size_t len = 0;
		struct sync_stats s;
		err = sync_make(st, c->scope, forv, 0, &buf, &len, &s, NULL, NULL, why, sizeof why);
		if (!err) {
			int e = sync_file_write(to, buf, len);
			free(buf);
			if (e) {
				say(stderr, _("shegong: %s: %s\n"), to, strerror(e));
				store_close(st);
				return 1;
			}
			char who[200];
			peer_label(st, s.peer_unit, s.peer_site, who, sizeof who);
			if (!s.peer_site && !*s.peer_unit)
				snprintf(who, sizeof who, "%s", _("the township server"));
			say(stdout, _("Wrote %s for %s: %zu records (%zu referrals, %zu service records), "
			              "%zu bytes.\n"),
			    to, who, s.sent, s.sent_referrals, s.sent_services, s.bytes);
			if (s.forms)
				say(stdout, _("With the forms (%zu files): the village PC has other ones.\n"),
				    s.forms);
		}
	} else if (from) {
		unsigned char *buf = NULL;
		size_t len = 0;
		int e = sync_file_read(from, &buf, &len);
		if (e) {
			say(stderr, _("shegong: %s: %s\n"), from, strerror(e));
			store_close(st);
			return 1;
		}
		struct sync_stats s;
		if (sync_is_figures(buf, len)) {
			struct sync_figures got;
			bool already = false;
			err = sync_figures_apply(st, c->scope, buf, len, &got, &already, why,
			                         sizeof why);
			free(buf);
			bool cty = !err && orgunit_level_of_code(got.town) == UNIT_COUNTY;
			if (!err && already)
				say(stdout, cty ? _("%s: the figures of county %s: nothing new.\n")
				                : _("%s: the figures of township %s: nothing new.\n"),
				    from, got.town);
			else if (!err && cty)
				say(stdout, _("%s: the figures of county %s kept: %zu lines (\"shegong "
				              "sync --figures\" shows them).\n"),
				    from, got.town, got.n);
			else if (!err)
				say(stdout, _("%s: the figures of township %s kept: %zu lines (\"shegong "
				              "sync --figures\" shows them).\n"),
				    from, got.town, got.n);
			if (!err)
				free(got.rows);
		} else {
			err = sync_apply(st, c->scope, buf, len, &s, NULL, NULL, why, sizeof why);
			free(buf);
			if (!err)
				say_taken(st, &s, from);
		}
	} else {
		struct sync_status ss;
		char *kept = NULL;
		if (!host && !(err = sync_status(st, c->scope, &ss))) {
			if (*ss.host)
				host = kept = strdup(ss.host);
			sync_status_free(&ss);
			if (!host) {
				store_close(st);
				return usage_error("%s", _("sync needs the township server's host the first "
				                           "time, e.g. \"shegong sync worker@township\""));
			}
		}
		struct sync_stats up, down;
		if (!err)
			err = sync_ssh(st, c->scope, host, ssh, rdb, &up, &down, NULL, NULL, why, sizeof why);
		if (!err && !quiet) {
			say(stdout, _("Sent %zu records (%zu referrals, %zu service records), %zu bytes.\n"),
			    up.sent, up.sent_referrals, up.sent_services, up.bytes);
			say_taken(st, &down, _("Received"));
		} else if (!err && down.notices) {
			say(stdout, _("%zu notices for a worker to settle: see \"shegong sync --notices\".\n"),
			    down.notices);
		}
		free(kept);
	}
	store_close(st);
	if (err)
		return sync_fail(err, why);
	return 0;
}

static const struct args_opt sync_opts[] = {
	{"--to-file", 1}, {"--from-file", 1}, {"--for", 1},    {"--ssh", 1},     {"--remote-db", 1},
	{"--note", 1},    {"--settle", 1},    {"--serve", 0},  {"--status", 0},  {"--notices", 0},
	{"--all", 0},     {"--quiet", 0},     {"--figures-to", 1}, {"--figures", 0}, {"--county", 1},
	{"--up", 1},      {"--referrals-to", 1}, {NULL, 0},
};

/* An empty database may join its township through an exchange, before
 * the worker has an account in it. */
const struct cli_command cli_cmd_sync = {
	"sync", cmd_sync, sync_opts, CMD_DB | CMD_JOINS | CMD_WRITES,
	N_("sync [HOST] [--ssh CMD] [--remote-db DIR] [--quiet] | sync --to-file FILE [--for VILLAGE] | "
	    "sync --from-file FILE | sync --status | sync --notices [--all] | "
	    "sync --settle N [--note TEXT] | sync --serve | sync --figures-to FILE | "
	    "sync --up HOST [--ssh CMD] [--remote-db DIR] | sync --county HOST | sync --figures | "
	    "sync --referrals-to FILE [--for CODE]"),
	N_("Exchange with the township server: a village PC sends what changed since the last "
	    "exchange (its referrals, residents, needs, services, volunteers, organisations) and "
	    "takes back the township's answers, org units and accounts. HOST: over ssh (the other "
	    "side runs \"shegong sync --serve\"; without HOST, the host of the last exchange), "
	    "for cron. --to-file and --from-file: through a file (a USB stick); on a township "
	    "server --for names the village the file is for. An empty database joins the "
	    "township whose file it takes first. A damaged file is refused whole; the same file "
	    "twice changes nothing more. --status: what waits to go up and the last exchanges; "
	    "--notices: what an exchange could not merge, for a worker to settle (--settle N). "
	    "Every exchange is logged on both sides. --figures-to: a township server writes its "
	    "figures (counts by village and month, no names) for its county server, which takes "
	    "them with --from-file and lists them with --figures; a county server's worker writes "
	    "the county's (its own counts and its townships' newest) for its city server the "
	    "same way. --up HOST sends them over ssh to the level above (it runs \"shegong sync "
	    "--serve\"); --county HOST is its old name on a township. --referrals-to: the "
	    "referrals a township escalated to its county (or a county to its city), with the "
	    "people and needs they carry, written by the lower server for the upper one's, and "
	    "the upper one's steps on them written back (--for the township's or the county's "
	    "code); each side takes the other's file with --from-file. On a township's or a "
	    "county's server --up HOST carries them over ssh first, both ways at once, logged in "
	    "as a worker of the level above."),
	NULL,
};
