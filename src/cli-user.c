/* cli-user.c: `shegong user`: workers' accounts (add, list, disable, set). */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-internal.h"
#include "i18n.h"
#include "orgunit.h"
#include "text.h"
#include "util.h"

/* --- user ------------------------------------------------------------------ */

/* Refusals of the user verbs, beside the store's and orgunit's errors. */
enum {
	USER_NOTADMIN = 200,  /* the one acting is not an administrator */
	USER_NOTSELF,         /* a non-administrator may only set their own encoding, language */
	USER_UNREGISTERED,    /* the one acting has no worker account */
	USER_NOWORKER,        /* the login named has no worker account */
	USER_NOUNIT,          /* no unit has the code */
	USER_SELFDISABLE,     /* an administrator disabling their own account */
	USER_DISABLED_ALREADY,
	USER_ACTOR_DISABLED,  /* the one acting has a disabled account */
};

struct user_ctx {
	const char *actor;  /* c->login */
	const char *login;  /* the account worked on */
	const char *name, *unit, *encoding, *lang, *printer;
	int role;
	char unit_name[256];
};

static int
user_refused(struct cli *c, const struct user_ctx *u, int err)
{
	switch (err) {
	case USER_NOTADMIN:
		say(stderr, _("shegong: only an administrator may do this, and %s is not one.\n"),
		    u->actor);
		return 1;
	case USER_NOTSELF:
		say(stderr, _("shegong: %s may change only their own encoding and language; other "
		              "changes are an administrator's.\n"), u->actor);
		return 1;
	case USER_UNREGISTERED:
		say(stderr, _("shegong: %s is not a registered worker of this database; an "
		              "administrator registers workers with \"shegong user add\".\n"), u->actor);
		return 1;
	case USER_NOWORKER:
		say(stderr, _("shegong: no worker has the login %s.\n"), u->login);
		return 1;
	case USER_NOUNIT:
		say(stderr, _("shegong: no org unit has the code %s.\n"), u->unit);
		return 1;
	case USER_SELFDISABLE:
		say(stderr, "%s\n", _("shegong: an administrator cannot disable their own account."));
		return 1;
	case USER_ACTOR_DISABLED:
		say(stderr, _("shegong: the account %s is disabled; an administrator can tell you "
		              "why.\n"), u->actor);
		return 1;
	case USER_DISABLED_ALREADY:
		say(stdout, _("%s is disabled already.\n"), u->login);
		return 0;
	case STORE_EXISTS:
		say(stderr, _("shegong: a worker with the login %s is registered already.\n"), u->login);
		return 1;
	case ORGUNIT_ROLELEVEL:
	case ORGUNIT_BADNAME:
		say(stderr, "shegong: %s\n", orgunit_strerror(err));
		return 1;
	default:
		return store_error(c, err);
	}
}

/* The account of the one acting: must exist; admin says whether it must
 * be an administrator's. */
static int
user_actor(store_txn *t, const struct user_ctx *u, bool admin, bool *is_admin)
{
	record *me;
	int err = worker_by_login(t, u->actor, &me);
	if (err)
		return err == STORE_NOTFOUND ? USER_UNREGISTERED : err;
	*is_admin = worker_is_admin(me);
	bool disabled = worker_disabled(me);
	record_free(me);
	if (disabled)
		return USER_ACTOR_DISABLED;
	return admin && !*is_admin ? USER_NOTADMIN : 0;
}

static int
user_add_txn(store_txn *t, void *ctx)
{
	struct user_ctx *u = ctx;
	bool admin;
	int err = user_actor(t, u, true, &admin);
	if (err)
		return err;
	record *unit;
	if ((err = orgunit_by_code(t, u->unit, &unit)))
		return err == STORE_NOTFOUND ? USER_NOUNIT : err;
	snprintf(u->unit_name, sizeof u->unit_name, "%s",
	         record_get(unit, "name") ? record_get(unit, "name") : "");
	record_free(unit);
	return worker_add_prefs(t, u->login, u->name, u->role, u->unit, u->encoding, u->lang, NULL);
}

static int
user_change_txn(store_txn *t, void *ctx, bool disable)
{
	struct user_ctx *u = ctx;
	bool self = strcmp(u->actor, u->login) == 0;
	bool admin;
	/* anyone may set their own encoding and language */
	int err = user_actor(t, u, disable || !self || u->name, &admin);
	if (err)
		return err == USER_NOTADMIN && !disable && self ? USER_NOTSELF : err;
	if (disable && self)
		return USER_SELFDISABLE;
	record *w;
	if ((err = worker_by_login(t, u->login, &w)))
		return err == STORE_NOTFOUND ? USER_NOWORKER : err;
	if (disable && worker_disabled(w)) {
		record_free(w);
		return USER_DISABLED_ALREADY;
	}
	if ((disable && record_set(w, "status", "disabled")) ||
	    (u->name && record_set(w, "name", u->name)) ||
	    (u->encoding && record_set(w, "encoding", u->encoding)) ||
	    (u->lang && record_set(w, "lang", u->lang)) ||
	    (u->printer && record_set(w, WORKER_TERMINAL_PRINTER, u->printer)))
		err = store_txn_fail(t, STORE_NOMEM);
	if (!err)
		err = store_put(t, w);
	record_free(w);
	return err;
}

static int
user_disable_txn(store_txn *t, void *ctx)
{
	return user_change_txn(t, ctx, true);
}

static int
user_set_txn(store_txn *t, void *ctx)
{
	return user_change_txn(t, ctx, false);
}

struct user_row {
	char *f[7];  /* login, name, role, unit (its id, then its name), status, encoding, lang */
};

struct user_list {
	struct user_row *rows;
	size_t n, cap;
};

static int
user_list_one(const record *r, void *ctx)
{
	struct user_list *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct user_row *nr = realloc(l->rows, cap * sizeof *nr);
		if (!nr)
			return STORE_NOMEM;
		l->rows = nr;
		l->cap = cap;
	}
	static const char *const fields[7] = {"login", "name", "role", "unit", "status",
	                                      "encoding", "lang"};
	struct user_row *row = &l->rows[l->n++];
	for (size_t i = 0; i < 7; i++) {
		const char *v = record_get(r, fields[i]);
		row->f[i] = strdup(v && *v ? v : "-");
		if (!row->f[i])
			return STORE_NOMEM;
	}
	return 0;
}

static int
user_list_txn(store_txn *t, void *ctx)
{
	struct user_list *l = ctx;
	int err = store_scan(t, REC_USER, NULL, user_list_one, l);
	if (err)
		return err;
	for (size_t i = 0; i < l->n; i++) {
		rec_id id;
		record *unit;
		if (rec_id_parse(l->rows[i].f[3], &id) < 0 || store_get(t, &id, &unit))
			continue;
		const char *name = record_get(unit, "name");
		char *copy = strdup(name && *name ? name : "-");
		if (copy) {
			free(l->rows[i].f[3]);
			l->rows[i].f[3] = copy;
		}
		record_free(unit);
	}
	return store_txn_error(t);
}

static int
user_list(struct cli *c, const struct args *a)
{
	if (a->noperands)
		return usage_errorf(_("%s: unknown option \"%s\""), "user list", a->operands[0]);
	store *st;
	int rc = open_db(c, &st);
	if (rc)
		return rc;
	struct user_list l = {0};
	int err = store_read(st, user_list_txn, &l);
	store_close(st);
	if (err)
		rc = store_error(c, err);
	for (size_t i = 0; i < l.n; i++) {
		for (size_t k = 0; k < 7; k++) {
			if (!rc) {
				say(stdout, k ? "\t" : "");
				say_value(stdout, l.rows[i].f[k], 0);
			}
			free(l.rows[i].f[k]);
		}
		if (!rc)
			say(stdout, "\n");
	}
	free(l.rows);
	return rc;
}

/* user add|list|disable|set: workers' accounts. */
static int
user_step(struct cli *c, const struct args *a)
{
	static const char *const subs[] = {"add", "list", "disable", "set"};
	size_t sub = 0;
	while (sub < NELEM(subs) && strcmp(c->step, subs[sub]) != 0)
		sub++;
	if (a->noperands < 1 || a->operands[0][0] == '-')
		return usage_error(_("user %s needs a login"), subs[sub]);
	if (a->noperands > 1)
		return usage_errorf(_("%s: unknown option \"%s\""), "user", a->operands[1]);
	struct user_ctx u = {.actor = c->login, .login = a->operands[0]};
	const char *role = args_value(a, "--role");
	u.unit = args_value(a, "--unit");
	u.name = args_value(a, "--name");
	u.encoding = args_value(a, "--encoding");
	u.lang = args_value(a, "--lang");
	u.printer = args_value(a, "--terminal-printer");
	if (u.printer && strcmp(u.printer, "yes") != 0 && strcmp(u.printer, "no") != 0)
		return usage_error(_("user: --terminal-printer is yes or no, not \"%s\""), u.printer);
	if (u.encoding && !worker_encoding_valid(u.encoding))
		return usage_error(_("user: --encoding is utf-8 or gb18030, not \"%s\""), u.encoding);
	if (u.lang && !worker_lang_valid(u.lang))
		return usage_error(_("user: --lang is zh_CN or en, not \"%s\""), u.lang);
	if (u.name && !*u.name)
		return usage_error("%s", _("user: --name needs a name"));
	const char *bad = u.name ? text_check_typed(u.name, strlen(u.name), 0) : NULL;
	if (bad)
		return usage_error(_("user: --name: %s"), bad);
	int (*fn)(store_txn *, void *) = user_disable_txn;
	if (sub == 0) {
		if (!role || !u.unit)
			return usage_error("%s", _("user add needs --role and --unit"));
		if (!(u.role = worker_role_from_name(role)))
			return usage_error(_("user: --role is village, township, supervisor or admin, "
			                     "not \"%s\""), role);
		if (!orgunit_level_of_code(u.unit))
			return usage_error(_("user: \"%s\" is not a division code (6, 9 or 12 digits)"),
			                   u.unit);
		fn = user_add_txn;
	} else if (sub == 3) {
		if (!u.name && !u.encoding && !u.lang && !u.printer)
			return usage_error("%s", _("user set needs --encoding, --lang, --terminal-printer "
			                           "or --name"));
		fn = user_set_txn;
	}
	store *st;
	int rc = open_db_write(c, &st);
	if (rc)
		return rc;
	int err = store_write(st, fn, &u);
	store_close(st);
	if (err)
		return user_refused(c, &u, err);
	if (sub == 0)
		say(stdout, _("%s is registered: %s of %s.\n"), u.login, worker_role_label(u.role),
		    u.unit_name);
	else if (sub == 2)
		say(stdout, _("%s is disabled: they can no longer open the program.\n"), u.login);
	else
		say(stdout, _("%s is changed; it takes effect the next time they start shegong.\n"),
		    u.login);
	return 0;
}

static const struct args_opt user_add_opts[] = {
	{"--role", 1}, {"--unit", 1}, {"--name", 1}, {"--encoding", 1}, {"--lang", 1}, {NULL, 0},
};
static const struct args_opt user_set_opts[] = {
	{"--name", 1}, {"--encoding", 1}, {"--lang", 1}, {"--terminal-printer", 1}, {NULL, 0},
};

static const struct cli_command user_steps[] = {
	{"add", user_step, user_add_opts, 0, NULL, NULL, NULL},
	{"list", user_list, NULL, 0, NULL, NULL, NULL},
	{"disable", user_step, NULL, 0, NULL, NULL, NULL},
	{"set", user_step, user_set_opts, 0, NULL, NULL, NULL},
};

static const struct cli_family user_family = {
	user_steps, NELEM(user_steps), N_("user needs one of add, list, disable, set"),
	N_("user needs one of add, list, disable, set"),
};

const struct cli_command cli_cmd_user = {
	"user", NULL, NULL, CMD_DB | CMD_ACCOUNT | CMD_WRITES,
	N_("user add LOGIN --role ROLE --unit CODE [--name NAME] [--encoding ENC] [--lang LANG] | "
	    "user list | user disable LOGIN | user set LOGIN [--encoding ENC] [--lang LANG] "
	    "[--terminal-printer yes|no] [--name NAME]"),
	N_("Workers' accounts. ROLE is village, township, supervisor or admin, and must fit "
	    "the unit (a village worker in a village, a township worker in a township, a "
	    "supervisor in the county or a township). ENC is the worker's terminal, utf-8 or "
	    "gb18030, LANG the language of the messages, zh_CN or en: both are put in force "
	    "at start whatever the terminal's LANG says. list prints login, name, role, unit, "
	    "status, encoding and language, separated by tabs. Only an administrator adds, "
	    "disables or changes others; anyone sets their own encoding, language and "
	    "--terminal-printer (yes: their terminal, PuTTY, Xshell, SecureCRT or xterm, "
	    "hands media copy to a printer of their PC, and the print dialog offers it). A "
	    "disabled worker cannot open the program."),
	&user_family,
};
