/* cli-unit.c: the verb `unit`: list the org units, and for an
 * administrator add a township or village after init, or rename one
 * (a village renamed or merged by the county keeps its records). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli-internal.h"
#include "util.h"
#include "i18n.h"
#include "index.h"
#include "form.h"
#include "orgunit.h"
#include "paths.h"
#include "route.h"
#include "text.h"

struct unit_row {
	char *code, *name, *level, *takes;
};

struct unit_list {
	struct unit_row *rows;
	size_t n, cap;
	int err;
};

static int
unit_list_one(const record *r, void *ctx)
{
	struct unit_list *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		void *p = realloc(l->rows, cap * sizeof *l->rows);
		if (!p)
			return l->err = STORE_NOMEM;
		l->rows = p;
		l->cap = cap;
	}
	const char *code = record_get(r, "code"), *name = record_get(r, "name");
	struct unit_row *u = &l->rows[l->n++];
	u->code = strdup(code ? code : "");
	u->name = strdup(name ? name : "");
	u->level = strdup(orgunit_level_label(orgunit_level_of_code(code ? code : "")));
	const char *takes = record_get(r, "takes");
	u->takes = takes ? strdup(takes) : NULL;
	return 0;
}

static int
unit_cmp(const void *a, const void *b)
{
	return strcmp(((const struct unit_row *)a)->code, ((const struct unit_row *)b)->code);
}

static int
unit_list_txn(store_txn *t, void *ctx)
{
	struct unit_list *l = ctx;
	int err = store_scan(t, REC_UNIT, NULL, unit_list_one, l);
	return err ? err : l->err;
}

/* One unit a line, in code order (so each township is followed by its
 * villages): code, name, level. */
static int
unit_list(struct cli *c, const struct args *a)
{
	if (a->noperands)
		return usage_error("%s", _("unit needs one of list, add CODE NAME, rename CODE NAME, "
		                           "edit CODE --takes LIST, stations"));
	store *st;
	int rc = open_db(c, &st);
	if (rc)
		return rc;
	struct unit_list l = {0};
	int err = store_read(st, unit_list_txn, &l);
	store_close(st);
	if (err)
		rc = store_error(c, err);
	qsort(l.rows, l.n, sizeof *l.rows, unit_cmp);
	for (size_t i = 0; i < l.n; i++) {
		if (!rc) {
			say_value(stdout, l.rows[i].code, 0);
			say(stdout, "\t");
			say_value(stdout, l.rows[i].name, 0);
			say(stdout, "\t%s", l.rows[i].level);
			if (l.rows[i].takes) {   /* a station: the categories it takes */
				say(stdout, "\t");
				say_value(stdout, l.rows[i].takes, 0);
			}
			say(stdout, "\n");
		}
		free(l.rows[i].takes);
		free(l.rows[i].code);
		free(l.rows[i].name);
		free(l.rows[i].level);
	}
	free(l.rows);
	return rc;
}

struct unit_change {
	const char *code, *name;
	bool rename;
	char old[256];
	const char *takes;   /* a station's categories, checked */
};

static int
unit_change_txn(store_txn *t, void *ctx)
{
	struct unit_change *uc = ctx;
	if (!uc->rename) {
		int err = orgunit_add(t, uc->code, uc->name, NULL);
		return err || !uc->takes ? err : route_set_takes(t, uc->code, uc->takes);
	}
	record *u;
	int err = orgunit_by_code(t, uc->code, &u);
	if (err)
		return err == STORE_NOTFOUND ? ORGUNIT_NOPARENT : err;
	const char *old = record_get(u, "name");
	snprintf(uc->old, sizeof uc->old, "%s", old ? old : "");
	if (record_set(u, "name", uc->name) < 0)
		err = STORE_NOMEM;
	else
		err = store_put(t, u);
	record_free(u);
	return err;
}

/* A station's --takes: each category checked against the referral form's
 * choices (a label becomes its value), joined by commas.  malloc'd, or
 * NULL after saying why. */
static char *
checked_takes(const char *typed)
{
	struct form_error fe;
	struct formset *fs = formset_load(paths_forms(), &fe);
	const struct form *f = fs ? formset_find(fs, "referral") : NULL;
	const struct form_field *fd = f ? form_field(f, "category") : NULL;
	if (!fd) {
		say(stderr, "%s\n", _("shegong: the forms have no referral form (referral.form) "
		                      "with its categories."));
		formset_free(fs);
		return NULL;
	}
	char *copy = strdup(typed), *out = calloc(1, strlen(typed) * 4 + 2);
	bool ok = copy && out;
	char *save = NULL;
	for (char *p = ok ? strtok_r(copy, ",", &save) : NULL; p && ok;
	     p = strtok_r(NULL, ",", &save)) {
		char msg[256], *v = NULL;
		const char *bad = form_check_value(fd, p, &v, msg, sizeof msg);
		if (bad || !v || !*v) {
			say(stderr, _("shegong: --takes: \"%s\": %s\n"), p,
			    bad ? bad : _("not a referral category"));
			ok = false;
		} else if (route_list_has(out, v)) {
			say(stderr, _("shegong: --takes: \"%s\" is named twice.\n"), p);
			ok = false;
		} else if (strlen(out) + strlen(v) + 2 <= strlen(typed) * 4 + 2) {
			if (*out)
				strcat(out, ",");
			strcat(out, v);
		} else {
			ok = false;
		}
		free(v);
	}
	if (ok && !*out) {
		say(stderr, "shegong: %s\n", route_strerror(ROUTE_BADTAKES));
		ok = false;
	}
	free(copy);
	formset_free(fs);
	if (!ok) {
		free(out);
		return NULL;
	}
	return out;
}

/* add and rename */
static int
unit_change(struct cli *c, const struct args *a)
{
	bool rename = strcmp(c->step, "rename") == 0;
	if (a->noperands != 2)
		return usage_error(_("unit %s needs a code and a name"), c->step);
	struct unit_change uc = {a->operands[0], a->operands[1], rename, "", NULL};
	for (size_t i = 0; i < a->nitems; i++)
		if (strcmp(a->items[i].opt->name, "--takes") == 0)
			uc.takes = a->items[i].v[0];
	int level = orgunit_level_of_code(uc.code);
	if (!level)
		return usage_error(_("unit: \"%s\" is not a division code (6, 9 or 12 digits, or a "
		                     "station's like 510421-01)"),
		                   uc.code);
	if (!rename && level == UNIT_STATION && !uc.takes)
		return usage_error("%s", _("unit add: a specialised station needs --takes CATEGORY,... "
		                           "(the referral categories it receives, like youth,mental)"));
	if (uc.takes && level != UNIT_STATION)
		return usage_error(_("unit add: --takes is for a specialised station (a code like "
		                     "510421-01), not for %s"),
		                   uc.code);
	if (!*uc.name)
		return usage_error("%s", _("unit: the name is empty"));
	const char *bad = text_check_typed(uc.name, strlen(uc.name), 0);
	if (bad)
		return usage_error(_("unit: the name: %s"), bad);
	if (!scope_is_admin(c->scope)) {
		say(stderr, _("shegong: only an administrator adds or renames units; %s is not "
		              "one.\n"), c->login);
		return 1;
	}
	char *takes = NULL;
	if (uc.takes && !(takes = checked_takes(uc.takes)))
		return 1;
	uc.takes = takes;
	store *st;
	int rc = open_db_write(c, &st);
	if (rc) {
		free(takes);
		return rc;
	}
	int err = store_write(st, unit_change_txn, &uc);
	free(takes);
	uc.takes = NULL;
	store_close(st);
	if (err >= ROUTE_NOTSTATION && err <= ROUTE_BADTAKES) {
		say(stderr, "shegong: %s (%s)\n", route_strerror(err), uc.code);
		return 1;
	}
	if (err == ORGUNIT_NOPARENT && rename) {
		say(stderr, _("shegong: there is no unit with the code %s.\n"), uc.code);
		return 1;
	}
	if (err >= ORGUNIT_BADCODE) {
		say(stderr, "shegong: %s (%s)\n", orgunit_strerror(err), uc.code);
		return 1;
	}
	if (err)
		return store_error(c, err);
	if (rename)
		say(stdout, _("%s is now called %s (was %s).\n"), uc.code, uc.name, uc.old);
	else
		say(stdout, _("%s %s is registered (%s).\n"), uc.code, uc.name,
		    orgunit_level_label(orgunit_level_of_code(uc.code)));
	return 0;
}

struct unit_takes {
	const char *code, *takes;
	char old[256];
};

static int
unit_takes_txn(store_txn *t, void *ctx)
{
	struct unit_takes *ut = ctx;
	record *u;
	int err = orgunit_by_code(t, ut->code, &u);
	if (err)
		return err;
	const char *old = record_get(u, "takes");
	snprintf(ut->old, sizeof ut->old, "%s", old ? old : "");
	record_free(u);
	return route_set_takes(t, ut->code, ut->takes);
}

/* edit CODE --takes CATEGORY,...: the categories a station takes, changed
 * (referrals already addressed to it stay there). */
static int
unit_edit(struct cli *c, const struct args *a)
{
	if (a->noperands != 1)
		return usage_error("%s", _("unit edit needs a station's code and --takes "
		                           "CATEGORY,... (unit edit 510421-01 --takes youth,child)"));
	const char *code = a->operands[0], *typed = NULL;
	for (size_t i = 0; i < a->nitems; i++)
		if (strcmp(a->items[i].opt->name, "--takes") == 0)
			typed = a->items[i].v[0];
	if (orgunit_level_of_code(code) != UNIT_STATION)
		return usage_error(_("unit edit: %s is no specialised station: only a station (a code "
		                     "like 510421-01) takes referral categories"),
		                   code);
	if (!typed)
		return usage_error("%s", _("unit edit needs a station's code and --takes "
		                           "CATEGORY,... (unit edit 510421-01 --takes youth,child)"));
	if (!scope_is_admin(c->scope)) {
		say(stderr, _("shegong: only an administrator changes what a station takes; %s is "
		              "not one.\n"), c->login);
		return 1;
	}
	char *takes = checked_takes(typed);
	if (!takes)
		return 1;
	store *st;
	int rc = open_db_write(c, &st);
	if (rc) {
		free(takes);
		return rc;
	}
	struct unit_takes ut = {code, takes, ""};
	int err = store_write(st, unit_takes_txn, &ut);
	store_close(st);
	if (err == STORE_NOTFOUND)
		say(stderr, _("shegong: there is no unit with the code %s.\n"), code);
	else if (err >= ROUTE_NOTSTATION && err <= ROUTE_BADTAKES)
		say(stderr, "shegong: %s (%s)\n", route_strerror(err), code);
	else if (err)
		rc = store_error(c, err);
	else
		say(stdout, _("%s now takes %s (took %s).\n"), code, takes, ut.old);
	free(takes);
	return err && !rc ? 1 : rc;
}

struct station_list {
	const char *from, *category;
	struct route_station *v;
	size_t n;
};

static int
station_list_txn(store_txn *t, void *ctx)
{
	struct station_list *sl = ctx;
	return route_stations(t, sl->from, sl->category, &sl->v, &sl->n);
}

/* stations [CATEGORY]: the specialised stations the worker's unit may
 * address a referral (of the category) to: code, name, what they take. */
static int
unit_stations(struct cli *c, const struct args *a)
{
	if (a->noperands > 1)
		return usage_error("%s", _("unit stations takes at most one referral category"));
	if (!c->scope) {
		say(stderr, _("shegong: the account %s is not registered in this database.\n"),
		    c->login);
		return 1;
	}
	char *cat = NULL;
	if (a->noperands) {
		cat = checked_takes(a->operands[0]);
		if (!cat)
			return 1;
		if (strchr(cat, ',')) {
			free(cat);
			return usage_error("%s", _("unit stations takes at most one referral category"));
		}
	}
	store *st;
	int rc = open_db(c, &st);
	if (rc) {
		free(cat);
		return rc;
	}
	struct station_list sl = {c->scope->unit_code, cat, NULL, 0};
	int err = store_read(st, station_list_txn, &sl);
	store_close(st);
	if (err)
		rc = store_error(c, err);
	for (size_t i = 0; i < sl.n && !rc; i++) {
		say(stdout, "%s\t", sl.v[i].code);
		say_value(stdout, sl.v[i].name, 0);
		say(stdout, "\t");
		say_value(stdout, sl.v[i].takes, 0);
		say(stdout, "\n");
	}
	route_stations_free(sl.v, sl.n);
	free(cat);
	return rc;
}

static const struct args_opt add_opts[] = {
	{"--takes", 1}, {NULL, 0},
};

static const struct cli_command unit_steps[] = {
	{"list", unit_list, NULL, 0, NULL, NULL, NULL},
	{"add", unit_change, add_opts, 0, NULL, NULL, NULL},
	{"stations", unit_stations, NULL, 0, NULL, NULL, NULL},
	{"rename", unit_change, NULL, 0, NULL, NULL, NULL},
	{"edit", unit_edit, add_opts, 0, NULL, NULL, NULL},
};

static const struct cli_family unit_family = {
	unit_steps, NELEM(unit_steps),
	N_("unit needs one of list, add CODE NAME, rename CODE NAME, edit CODE --takes LIST, "
	   "stations"),
	N_("unit needs one of list, add CODE NAME, rename CODE NAME, edit CODE --takes LIST, "
	   "stations"),
};

const struct cli_command cli_cmd_unit = {
	"unit", NULL, NULL, CMD_DB | CMD_ACCOUNT | CMD_WRITES,
	N_("unit list | unit add CODE NAME [--takes CATEGORY,...] | unit rename CODE NAME | "
	    "unit edit CODE --takes CATEGORY,... | unit stations [CATEGORY]"),
	N_("Org units. list prints code, name and level, one a line, each township followed "
	    "by its villages (a specialised station also with the referral categories it "
	    "takes). An administrator adds a township (9 digits) or village (12 digits) under "
	    "one already registered, or a specialised station (a minors' protection centre, a "
	    "mental-health rehabilitation base: the county's or township's code, a dash and two "
	    "digits, 510421-01) with --takes, the referral categories it receives; or renames "
	    "a unit; its records stay with it; or changes with edit the categories a station "
	    "takes (referrals already addressed to it stay). stations lists the stations your unit may "
	    "address a referral (of the category) to: those under your township or county."),
	&unit_family,
};
