/* cli-init.c: `shegong init`: a new database with its org units. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli-internal.h"
#include "i18n.h"
#include "orgunit.h"
#include "text.h"
#include "util.h"

/* --- init -------------------------------------------------------------- */

struct unit_arg {
	const char *code, *name;
	int level;  /* the level the option named, 0 from a file */
	long line;  /* in the units file, 0 from an option */
};

struct init_ctx {
	struct unit_arg *units;
	size_t n;
	const char *login;
	size_t failed_at;
};

static int
init_txn(store_txn *t, void *ctx)
{
	struct init_ctx *ic = ctx;
	const char *county = NULL;
	for (size_t i = 0; i < ic->n; i++) {
		ic->failed_at = i;
		int err = orgunit_add(t, ic->units[i].code, ic->units[i].name, NULL);
		if (err)
			return err;
		int level = orgunit_level_of_code(ic->units[i].code);
		if (!county && (level == UNIT_CITY || level == UNIT_COUNTY))
			county = ic->units[i].code; /* a city's server: its city */
	}
	ic->failed_at = ic->n;
	/* whoever made the database administers it */
	return worker_add(t, ic->login, ic->login, ROLE_ADMIN, county, NULL);
}

static int
read_units_file(const char *path, struct unit_arg **units, size_t *n, size_t *cap,
                char **keep)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		say(stderr, "shegong: %s: %s\n", path, strerror(errno));
		return 1;
	}
	struct strbuf b = {0};
	bool read = sb_read(&b, f, SIZE_MAX / 4);
	fclose(f);
	size_t len = b.len;
	char *buf = sb_detach(&b);
	if (!read || !buf) {
		free(buf);
		return 1;
	}
	/* files from Windows offices are often GB18030: take them as they come */
	size_t bad;
	if (!text_utf8_valid(buf, len, &bad)) {
		char *conv;
		size_t convlen, bad2;
		if (text_conv("UTF-8", "GB18030", buf, len, &conv, &convlen, &bad2) != TEXT_CONV_OK) {
			say(stderr, _("shegong: %s: the file is neither UTF-8 nor GB18030 "
			              "(bad bytes at byte %zu).\n"), path, bad);
			free(buf);
			return 1;
		}
		free(buf);
		buf = conv;
	}
	*keep = buf;
	long lineno = 0;
	for (char *line = buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *code, *name;
		const char *why;
		int r = orgunit_parse_line(line, &code, &name, &why);
		if (r == 1)
			continue;
		if (r < 0) {
			say(stderr, _("shegong: %s, line %ld: %s\n"), path, lineno, why);
			return 1;
		}
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			struct unit_arg *nu = realloc(*units, *cap * sizeof **units);
			if (!nu)
				return 1;
			*units = nu;
		}
		(*units)[(*n)++] = (struct unit_arg){code, name, 0, lineno};
	}
	return 0;
}

static int
cmd_init(struct cli *c, const struct args *a)
{
	struct unit_arg *units = NULL;
	size_t n = 0, cap = 0;
	char *files[8];
	size_t nfiles = 0;
	int rc = 0;
	static const struct {
		const char *opt;
		int level;
	} unit_opts[] = {
		{"--city", UNIT_CITY},          {"--county", UNIT_COUNTY},
		{"--township", UNIT_TOWNSHIP},  {"--village", UNIT_VILLAGE},
	};
	if (a->noperands)
		rc = usage_errorf(_("%s: unknown option \"%s\""), "init", a->operands[0]);
	/* the units in the order given: the county first */
	for (size_t i = 0; i < a->nitems && !rc; i++) {
		const struct args_item *it = &a->items[i];
		int level = 0;
		for (size_t k = 0; k < NELEM(unit_opts); k++)
			if (strcmp(it->opt->name, unit_opts[k].opt) == 0)
				level = unit_opts[k].level;
		if (level) {
			if (orgunit_level_of_code(it->v[0]) != level) {
				say(stderr, _("shegong: %s %s: a %s has a code of %d digits.\n"), it->opt->name,
				    it->v[0], orgunit_level_label(level),
				    level == UNIT_CITY ? 4 : 3 + 3 * level);
				rc = 2;
				break;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				struct unit_arg *nu = realloc(units, cap * sizeof *units);
				if (!nu) {
					rc = 1;
					break;
				}
				units = nu;
			}
			units[n++] = (struct unit_arg){it->v[0], it->v[1], level, 0};
		} else {   /* --units FILE */
			char *keep = NULL;
			if (nfiles == NELEM(files) || read_units_file(it->v[0], &units, &n, &cap, &keep))
				rc = 1;
			if (keep)
				files[nfiles++] = keep;
		}
	}
	if (!rc && n == 0)
		rc = usage_error("%s", _("init needs the org units: at least --county CODE NAME, "
		                         "or --units FILE"));
	if (!rc && orgunit_level_of_code(units[0].code) != UNIT_COUNTY &&
	    orgunit_level_of_code(units[0].code) != UNIT_CITY)
		rc = usage_error("%s", _("init: the first unit must be the county (or, on a city's "
		                         "server, the city)"));
	store *st = NULL;
	if (!rc) {
		int err = store_open(&st, c->dbdir, STORE_CREATE);
		if (err)
			rc = store_error(c, err);
		else
			audit_attach(st);
	}
	if (!rc) {
		size_t have = 0;
		store_set_user(st, c->login);
		int err = store_read(st, cli_count_units, &have);
		if (!err && have) {
			say(stderr, _("shegong: there is a database in %s already (%zu org units). "
			              "Nothing was changed.\n"), c->dbdir, have);
			rc = 1;
		}
	}
	if (!rc) {
		struct init_ctx ic = {units, n, c->login, 0};
		int err = store_write(st, init_txn, &ic);
		if (err) {
			if (ic.failed_at < n) {
				const struct unit_arg *u = &units[ic.failed_at];
				if (u->line)
					say(stderr, _("shegong: line %ld, unit %s %s: %s\n"), u->line, u->code,
					    u->name, orgunit_strerror(err));
				else
					say(stderr, "shegong: %s %s: %s\n", u->code, u->name,
					    orgunit_strerror(err));
			} else {
				say(stderr, "shegong: %s\n", orgunit_strerror(err));
			}
			say(stderr, "%s\n", _("Nothing was saved."));
			rc = 1;
		} else {
			say(stdout, _("Database created in %s with %zu org units; %s is its "
			              "administrator.\n"), c->dbdir, n, c->login);
		}
	}
	store_close(st);
	free(units);
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	return rc;
}

static const struct args_opt init_opts[] = {
	{"--city", 2},  {"--county", 2}, {"--township", 2},
	{"--village", 2}, {"--units", 1}, {NULL, 0},
};

const struct cli_command cli_cmd_init = {
	"init", cmd_init, init_opts, CMD_DB | CMD_WRITES,
	N_("init --county CODE NAME [--township CODE NAME]... [--village CODE NAME]... "
	    "[--units FILE] | init --city CODE NAME [--county CODE NAME]... [--units FILE]"),
	N_("Create a database with its org units. Codes: city 4 digits, county 6, township 9, "
	    "village 12. A city's server starts with --city (its counties after it). A units file "
	    "has one \"CODE NAME\" a line (UTF-8 or GB18030). Whoever runs init becomes the "
	    "administrator (of the city, or else of the county)."),
	NULL,
};
