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
#include "orgunit.h"
#include "text.h"

struct unit_row {
	char *code, *name, *level;
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
		return usage_error("%s", _("unit needs one of list, add CODE NAME, rename CODE NAME"));
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
			say(stdout, "\t%s\n", l.rows[i].level);
		}
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
};

static int
unit_change_txn(store_txn *t, void *ctx)
{
	struct unit_change *uc = ctx;
	if (!uc->rename)
		return orgunit_add(t, uc->code, uc->name, NULL);
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

/* add and rename */
static int
unit_change(struct cli *c, const struct args *a)
{
	bool rename = strcmp(c->step, "rename") == 0;
	if (a->noperands != 2)
		return usage_error(_("unit %s needs a code and a name"), c->step);
	struct unit_change uc = {a->operands[0], a->operands[1], rename, ""};
	if (!orgunit_level_of_code(uc.code))
		return usage_error(_("unit: \"%s\" is not a division code (6, 9 or 12 digits)"),
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
	store *st;
	int rc = open_db_write(c, &st);
	if (rc)
		return rc;
	int err = store_write(st, unit_change_txn, &uc);
	store_close(st);
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

static const struct cli_command unit_steps[] = {
	{"list", unit_list, NULL, 0, NULL, NULL, NULL},
	{"add", unit_change, NULL, 0, NULL, NULL, NULL},
	{"rename", unit_change, NULL, 0, NULL, NULL, NULL},
};

static const struct cli_family unit_family = {
	unit_steps, NELEM(unit_steps), N_("unit needs one of list, add CODE NAME, rename CODE NAME"),
	N_("unit needs one of list, add CODE NAME, rename CODE NAME"),
};

const struct cli_command cli_cmd_unit = {
	"unit", NULL, NULL, CMD_DB | CMD_ACCOUNT | CMD_WRITES,
	N_("unit list | unit add CODE NAME | unit rename CODE NAME"),
	N_("Org units. list prints code, name and level, one a line, each township followed "
	    "by its villages. An administrator adds a township (9 digits) or village (12 "
	    "digits) under one already registered, or renames a unit; its records stay "
	    "with it."),
	&unit_family,
};
