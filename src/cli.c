/* cli.c: global options, the table of commands (each defined in its own
 * cli-*.c), the one way their arguments are parsed (args.h), help and
 * version, the worker's account at start; with no command, the
 * full-screen program.  What the verbs share is in cli-common.c, so the
 * verbs' files never call back into this one.  Every handle that may
 * write has the audit trail attached as soon as it is open (open_db_write),
 * so nothing the program writes escapes the log. */
#include "config.h"

#include <langinfo.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cli.h"
#include "cli-internal.h"
#include "demo.h"
#include "i18n.h"
#include "orgunit.h"
#include "paths.h"
#include "text.h"
#include "util.h"
#include "ui.h"

#include <lmdb.h>

/* An argument as the terminal typed it (GB18030 on a GBK terminal) in the
 * program's UTF-8.  malloc'd, or NULL when it cannot be read. */
static char *
arg_utf8(const char *arg)
{
	const char *cs = nl_langinfo(CODESET);
	size_t len = strlen(arg), outlen;
	char *out = NULL;
	if (!cs || strcmp(cs, "UTF-8") == 0 || strcmp(cs, "ANSI_X3.4-1968") == 0)
		return text_utf8_valid(arg, len, NULL) ? strdup(arg) : NULL;
	if (text_conv("UTF-8", cs, arg, len, &out, &outlen, NULL) != TEXT_CONV_OK)
		return NULL;
	return out;
}

/* --- the account: --as, its terminal settings ------------------------------ */

struct account_ctx {
	const char *real, *as;
	record *me, *other;
};

static int
account_txn(store_txn *t, void *ctx)
{
	struct account_ctx *a = ctx;
	int err = worker_by_login(t, a->real, &a->me);
	if (!err && a->as)
		err = worker_by_login(t, a->as, &a->other);
	return err == STORE_NOTFOUND ? 0 : err;
}

/* The terminal settings of the account, in force from here on for the
 * screen and the commands' output alike (i18n_apply_account). */
static void
account_locale(const record *w)
{
	const char *enc = record_get(w, "encoding"), *lang = record_get(w, "lang");
	const char *missing;
	if (!worker_encoding_valid(enc))
		enc = NULL;
	if (!worker_lang_valid(lang))
		lang = NULL;
	if ((enc || lang) && i18n_apply_account(enc, lang, &missing) < 0)
		say(stderr, _("shegong: your account asks for the language setting %s, which this "
		              "computer does not have; the environment's is used instead. An "
		              "administrator adds it (Debian): uncomment \"%s\" in /etc/locale.gen, then "
		              "run locale-gen as root (or: dpkg-reconfigure locales).\n"),
		    missing, missing);
}

/* The database will not open (a damaged lock.mdb, most often): its
 * data file read alone, without the lock, may still name the worker's
 * language and encoding, so that what went wrong reaches them in it. */
static void
account_peek_locale(struct cli *c)
{
	char *path = NULL;
	store *st;
	if (asprintf(&path, "%s/data.mdb", c->dbdir) < 0)
		return;
	if (store_open(&st, path, STORE_FILE) == 0) {
		struct account_ctx a = {c->real_login, NULL, NULL, NULL};
		if (store_read(st, account_txn, &a) == 0 && a.me)
			account_locale(a.me);
		record_free(a.me);
		store_close(st);
	}
	free(path);
}

/* Before the work starts: the real login's terminal settings, then
 * --as (only an administrator's, except in the demo, logged), then
 * whether the one working may use the database: a registered account,
 * not disabled (registered false for init, which makes the first), and
 * their scope. */
static int
account_start(struct cli *c, bool registered)
{
	store *st;
	struct account_ctx a = {c->real_login, c->as_opt, NULL, NULL};
	int err = store_open(&st, c->dbdir, STORE_RDONLY);
	if (err && !c->as_opt) {
		/* no database yet (init): the command says what it needs; one
		 * that will not open says so in the worker's own settings */
		account_peek_locale(c);
		return 0;
	}
	if (err)
		return store_error(c, err);
	err = store_read(st, account_txn, &a);
	if (err || c->as_opt) {
		/* --as writes its note through a handle of its own: LMDB wants
		 * one environment on a database in a process at a time */
		store_close(st);
		st = NULL;
	}
	if (err)
		return store_error(c, err);
	if (a.me)
		account_locale(a.me);
	int rc = 0;
	if (c->as_opt && !c->demo && !(a.me && worker_is_admin(a.me))) {
		say(stderr, _("shegong: --as is for administrators, and %s is not one.\n"),
		    c->real_login);
		rc = 1;
	} else if (c->as_opt && !a.other) {
		say(stderr, _("shegong: --as %s: no worker has this login.\n"), c->as_opt);
		rc = 1;
	} else if (c->as_opt) {
		char *note = NULL;
		store *wst;
		if (asprintf(&note, "%s acts as %s", c->real_login, c->as_opt) < 0 ||
		    (err = store_open(&wst, c->dbdir, 0))) {
			rc = store_error(c, err ? err : STORE_NOMEM);
		} else {
			audit_attach(wst);
			store_set_user(wst, c->real_login);
			if ((err = audit_log_now(wst, "as", NULL, note)))
				rc = store_error(c, err);
			store_close(wst);
		}
		free(note);
		if (!rc)
			c->login = c->as_opt;
	}
	record *w = c->as_opt ? a.other : a.me;
	if (!rc && w && worker_disabled(w)) {
		say(stderr, _("shegong: the account %s is disabled; an administrator can tell you "
		              "why.\n"), c->login);
		rc = 1;
	} else if (!rc && !w && registered) {
		say(stderr, _("shegong: the account %s is not registered in this database, so it may "
		              "not use it. The administrator adds it with \"shegong user add %s "
		              "--role ROLE --unit CODE\".\n"), c->login, c->login);
		rc = 1;
	}
	record_free(a.me);
	record_free(a.other);
	/* the scope read through the handle the account was read through */
	if (!rc && w && (st || (err = store_open(&st, c->dbdir, STORE_RDONLY)) == 0))
		err = scope_load_now(st, c->login, &c->scope);
	if (st)
		store_close(st);
	if (!rc && err)
		rc = store_error(c, err);
	return rc;
}

/* sync runs without a registered account only on a database with no org
 * units yet: a village PC taking its township's first exchange. */
static bool
sync_may_start(struct cli *c)
{
	store *st;
	size_t units = 0;
	if (store_open(&st, c->dbdir, STORE_RDONLY))
		return true;
	store_read(st, cli_count_units, &units);
	store_close(st);
	if (units == 0)
		return true;
	say(stderr, _("shegong: the account %s is not registered in this database, so it may "
	              "not use it. The administrator adds it with \"shegong user add %s "
	              "--role ROLE --unit CODE\".\n"), c->login, c->login);
	return false;
}

/* Under sshd's ForceCommand (a township server, tools/township-setup.sh)
 * the command the client asked for is in SSH_ORIGINAL_COMMAND; the one a
 * worker may ask for is the other end of an exchange, "shegong sync
 * --serve" (a --db in it is not taken: the forced one counts). */
static bool
ssh_asks_sync(void)
{
	const char *o = getenv("SSH_ORIGINAL_COMMAND");
	if (!o || !*o)
		return false;
	char *s = strdup(o), *save = NULL;
	if (!s)
		return false;
	char *w[8];
	int n = 0;
	for (char *p = strtok_r(s, " \t", &save); p && n < 8; p = strtok_r(NULL, " \t", &save))
		w[n++] = p;
	bool ok = false;
	if (n >= 3) {
		const char *base = strrchr(w[0], '/');
		base = base ? base + 1 : w[0];
		ok = strcmp(base, "shegong") == 0 && strcmp(w[n - 2], "sync") == 0 &&
		     strcmp(w[n - 1], "--serve") == 0 &&
		     (n == 3 || (n == 5 && strcmp(w[1], "--db") == 0));
	}
	free(s);
	return ok;
}

/* --- help and version ---------------------------------------------------- */

static int
cmd_version(struct cli *c, const struct args *a)
{
	(void)c;
	(void)a;
	say(stdout, "shegong %s\n", PACKAGE_VERSION);
	say(stdout, _("Database schema %d. Records are kept in LMDB %s.\n"), STORE_SCHEMA,
	    MDB_VERSION_STRING);
	return 0;
}

static int cmd_help(struct cli *c, const struct args *a);

static const struct cli_command cli_cmd_help = {
	"help", cmd_help, NULL, 0, N_("help [COMMAND]"),
	N_("Show this help; with COMMAND, that command's alone (so does \"shegong COMMAND --help\")."),
	NULL,
};
static const struct cli_command cli_cmd_version = {
	"version", cmd_version, NULL, 0, N_("version"), N_("Show the version."), NULL,
};

/* Every command, in the order --help and the man page list them. */
static const struct cli_command *const commands[] = {
	&cli_cmd_init,   &cli_cmd_today,  &cli_cmd_find,   &cli_cmd_show,    &cli_cmd_void,     &cli_cmd_hours,    &cli_cmd_certificate, &cli_cmd_print,
	&cli_cmd_balance, &cli_cmd_audit, &cli_cmd_export,  &cli_cmd_import,   &cli_cmd_report,
	&cli_cmd_feed,
	&cli_cmd_check,  &cli_cmd_backup, &cli_cmd_restore, &cli_cmd_sync,     &cli_cmd_unit,
	&cli_cmd_user,   &cli_cmd_referral, &cli_cmd_check_forms, &cli_cmd_help, &cli_cmd_version,
};

/* One command's help: what "shegong CMD --help" and "shegong help CMD"
 * print, with nothing opened (no database, no account). */
static int
command_help(const struct cli_command *cmd)
{
	say(stdout, _("Usage: shegong [OPTIONS] %s\n\n"), _(cmd->synopsis));
	say(stdout, "%s\n\n", _(cmd->about));
	say(stdout, "%s\n", _("See shegong(1) for more."));
	return 0;
}

static const struct cli_command *
command_named(const char *name)
{
	for (size_t k = 0; k < NELEM(commands); k++)
		if (strcmp(name, commands[k]->name) == 0)
			return commands[k];
	return NULL;
}

/* Whether a command's arguments ask for its help (-h or --help before
 * any "--"). */
static bool
asks_help(int argc, char **argv)
{
	for (int k = 1; k < argc && strcmp(argv[k], "--") != 0; k++)
		if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0)
			return true;
	return false;
}

static int
cmd_help(struct cli *c, const struct args *a)
{
	(void)c;
	if (a && a->noperands > 0) {
		const struct cli_command *cmd = command_named(a->operands[0]);
		if (!cmd)
			return usage_error(_("unknown command \"%s\""), a->operands[0]);
		return command_help(cmd);
	}
	say(stdout, "%s\n\n", _("Usage: shegong [OPTIONS] [COMMAND [ARGUMENTS]]"));
	say(stdout, "%s\n\n", _("shegong keeps the records of a village social-work room: residents, "
	                        "needs, services, volunteers, organisations, resources and referrals. "
	                        "Without a command it opens the full-screen program."));
	say(stdout, "%s\n", _("Options:"));
	say(stdout, "  --db DIR     %s\n", _("the database folder (default: $SHEGONG_DB, else "
	                                     "~/.local/share/shegong/db)"));
	say(stdout, "  --demo       %s\n", _("use the demo database, made with sample data on first "
	                                     "use (in --db DIR if given, else "
	                                     "~/.local/share/shegong/demo)"));
	say(stdout, "  --as LOGIN   %s\n", _("work as the worker LOGIN (administrators only, and "
	                                     "anyone in the demo); logged in the audit trail"));
	say(stdout, "  -h, --help   %s\n", _("show this help"));
	say(stdout, "  -V, --version %s\n\n", _("show the version"));
	say(stdout, "%s\n", _("Commands:"));
	for (size_t i = 0; i < NELEM(commands); i++)
		say(stdout, "  %s\n      %s\n", _(commands[i]->synopsis), _(commands[i]->about));
	say(stdout, "\n%s\n", _("Keys in the full-screen program: arrows and Enter to choose, "
	                        "F1 help, F10 quit; without F-keys, Ctrl-G help and Ctrl-Q quit, "
	                        "or Esc then a digit within a second (Alt+digit): "
	                        "Esc 1 = F1 ... Esc 0 = F10, Esc - = F11, Esc = = F12."));
	say(stdout, "%s\n", _("See shegong(1) for more."));
	return 0;
}

/* Parse a command's arguments against its template; a fault is a usage
 * error named after the verb ("referral list: unknown option ..."). */
static int
parse_args(const char *verb, const struct args_opt *opts, int argc, char **argv, int first,
           struct args *a)
{
	const char *bad;
	int err = args_parse(opts, argc, argv, first, a, &bad);
	if (err == ARGS_UNKNOWN)
		return usage_errorf(_("%s: unknown option \"%s\""), verb, bad);
	if (err == ARGS_NOVALUE) {
		for (const struct args_opt *o = opts; o->name; o++)
			if (strcmp(o->name, bad) == 0 && o->nvalues == 2)   /* init's units */
				return usage_error(_("%s needs a code and a name"), bad);
		return usage_errorf(_("%s: %s needs a value"), verb, bad);
	}
	return err ? 1 : 0;
}

/* Run cmd (a family: the step its first operand names) on argv[0..argc-1],
 * argv[0] being the command's name. */
static int
run_command(struct cli *c, const struct cli_command *cmd, int argc, char **argv)
{
	char verb[64];
	int first = 1;
	snprintf(verb, sizeof verb, "%s", cmd->name);
	if (cmd->family) {
		const struct cli_family *f = cmd->family;
		if (argc < 2)
			return usage_error("%s", _(f->missing));
		const struct cli_command *step = NULL;
		for (size_t k = 0; k < f->nsteps && !step; k++)
			if (strcmp(argv[1], f->steps[k].name) == 0)
				step = &f->steps[k];
		if (!step)
			return usage_error(_(f->unknown), argv[1]);
		snprintf(verb, sizeof verb, "%s %s", cmd->name, step->name);
		c->step = step->name;
		cmd = step;
		first = 2;
	}
	struct args a;
	int rc = parse_args(verb, cmd->opts, argc, argv, first, &a);
	if (rc)
		return rc;
	rc = cmd->run(c, &a);
	args_free(&a);
	return rc;
}

/* Make the demo database on first use. */
static int
ensure_demo(struct cli *c)
{
	store *st;
	int err = store_open(&st, c->dbdir, STORE_CREATE);
	if (err)
		return store_error(c, err);
	audit_attach(st);
	size_t have = 0;
	store_set_user(st, "demo");
	err = store_read(st, cli_count_units, &have);
	if (!err && have == 0) {
		struct demo_counts dc;
		say(stderr, _("Making the demo database in %s ...\n"), c->dbdir);
		err = demo_fill(st, c->login, 20261129, &dc);
		if (!err)
			say(stderr, _("%zu org units, %zu workers, %zu residents, %zu needs.\n"), dc.units,
			    dc.workers, dc.residents, dc.needs);
	}
	store_close(st);
	if (err) {
		say(stderr, "shegong: %s\n", orgunit_strerror(err));
		return 1;
	}
	return 0;
}

static int
run_screen(struct cli *c, struct formset *fs)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		say(stderr, "%s\n", _("shegong: the full-screen program needs a terminal. "
		                      "See \"shegong --help\" for the commands."));
		return 2;
	}
	/* the database first: when it will not open, that is what the
	 * worker must hear (in English when nothing says their language),
	 * not that the terminal cannot show Chinese */
	store *st;
	int err = store_open(&st, c->dbdir, 0);
	if (err)
		return store_error(c, err);
	const char *cs = nl_langinfo(CODESET);
	static const char *const ok_sets[] = {"UTF-8", "GB18030", "GBK", "GB2312"};
	bool ok = false;
	for (size_t i = 0; i < NELEM(ok_sets); i++)
		ok = ok || (cs && strcmp(cs, ok_sets[i]) == 0);
	if (!ok) {
		fprintf(stderr, "shegong: this terminal's language setting (%s) cannot show Chinese.\n"
		                "Set it first, for example:\n"
		                "  export LANG=zh_CN.UTF-8      (a UTF-8 terminal, e.g. PuTTY set to UTF-8)\n"
		                "  export LANG=zh_CN.GB18030    (a GBK/GB18030 terminal)\n",
		        cs ? cs : "?");
		store_close(st);
		return 2;
	}
	audit_attach(st);
	store_set_user(st, c->login);
	scope_attach(st, c->scope);
	int status = ui_run(st, fs, c->dbdir, c->login, c->scope);
	store_close(st);
	return status;
}

/* The forms are loaded before anything else (the demo, the terminal
 * check), so that a broken form is reported even where there is no
 * terminal (scripts, tests), and nobody saves data against a form the
 * program cannot read. */
static struct formset *
screen_forms(void)
{
	struct formset *fs = load_forms(paths_forms());
	if (!fs)
		say(stderr, "%s\n", _("shegong: the forms above have a fault, so the program will not "
		                      "open. Fix the file (\"shegong check-forms\" checks it) and start "
		                      "again."));
	return fs;
}

/* Whether sync's arguments may make a database: only taking a first
 * file or running a first exchange over ssh does (cli-sync.c). */
static bool
sync_may_create(int argc, char **argv)
{
	static const char *const no[] = {"--serve", "--status", "--notices", "--settle", "--to-file"};
	for (int i = 1; i < argc; i++)
		for (size_t k = 0; k < NELEM(no); k++)
			if (strcmp(argv[i], no[k]) == 0 || (strncmp(argv[i], no[k], strlen(no[k])) == 0 &&
			                                    argv[i][strlen(no[k])] == '='))
				return false;
	return true;
}

/* A setgid run (a township server): the database is opened now with the
 * data group's rights and held for the whole run (store_hold), then the
 * group is given up for good before anything else happens, so every file
 * or folder a person names (on a screen or here) is opened with their own
 * rights alone, and ncurses starts without the group.  restore keeps
 * nothing open: it replaces the files (root only on such a server, who
 * keeps root's rights). */
static int
privileged_start(struct cli *c, const struct cli_command *cmd, int argc, char **argv)
{
	paths_scrub_env();
	bool is_restore = cmd && strcmp(cmd->name, "restore") == 0;
	bool db = (!cmd || (cmd->flags & CMD_DB)) && !is_restore;
	if (is_restore) {
		account_peek_locale(c);  /* restore: refused in the worker's words */
	} else if (!db && strcmp(cmd->name, "help") != 0 && strcmp(cmd->name, "version") != 0) {
		/* check-forms: the worker's language and encoding, from their
		 * account, for what it says */
		store *st;
		if (store_hold(c->dbdir, 0) == 0 && store_open(&st, c->dbdir, STORE_RDONLY) == 0) {
			struct account_ctx a = {c->real_login, NULL, NULL, NULL};
			if (store_read(st, account_txn, &a) == 0 && a.me)
				account_locale(a.me);
			record_free(a.me);
			store_close(st);
		}
	}
	if (db) {
		bool create = c->demo || (cmd && strcmp(cmd->name, "init") == 0) ||
		              (cmd && strcmp(cmd->name, "sync") == 0 && sync_may_create(argc, argv));
		if (store_hold(c->dbdir, create ? STORE_CREATE : 0))
			account_peek_locale(c);
	}
	int e = paths_drop_group();
	if (e) {
		say(stderr, _("shegong: the program could not give up the data group's rights (%s), "
		              "so it stops. Tell the administrator.\n"), strerror(e));
		return 1;
	}
	return 0;
}

static int
cli_run(int argc, char **argv)
{
	struct cli c = {0};
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--db") == 0 && i + 1 < argc)
			c.db_opt = argv[++i];
		else if (strncmp(a, "--db=", 5) == 0)
			c.db_opt = a + 5;
		else if (strcmp(a, "--demo") == 0)
			c.demo = true;
		else if (strcmp(a, "--as") == 0 && i + 1 < argc)
			c.as_opt = argv[++i];
		else if (strncmp(a, "--as=", 5) == 0)
			c.as_opt = a + 5;
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			return cmd_help(&c, NULL);
		else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0)
			return cmd_version(&c, NULL);
		else if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else
			return usage_error(_("unknown option \"%s\""), a);
	}
	const struct cli_command *cmd = NULL;
	static char w_sync[] = "sync", w_serve[] = "--serve";
	static char *serve_argv[] = {w_sync, w_serve, NULL};
	if (i == argc && ssh_asks_sync()) {
		argv = serve_argv;
		argc = 2;
		i = 0;
	}
	if (i < argc) {
		cmd = command_named(argv[i]);
		if (!cmd)
			return usage_error(_("unknown command \"%s\""), argv[i]);
		/* "shegong import --help": that command's help, before anything
		 * is opened or any privilege used */
		if (asks_help(argc - i, argv + i))
			return command_help(cmd);
	}
	c.login = c.real_login = paths_login();
	c.dbdir = c.demo ? paths_demo_db(c.db_opt) : paths_db(c.db_opt);
	paths_use_db_forms(c.dbdir);
	int rc = !c.login || !c.dbdir;
	if (!rc && paths_privileged())
		rc = privileged_start(&c, cmd, argc - i, argv + i);
	if (!rc && c.as_opt && !*c.as_opt)
		rc = usage_error("%s", _("--as needs a login"));
	bool needs_db = !cmd || (cmd->flags & CMD_DB);
	if (!rc && c.as_opt && !needs_db)
		rc = usage_error(_("--as has no meaning for \"%s\""), cmd->name);
	struct formset *fs = NULL;
	if (!rc && !cmd && !(fs = screen_forms()))
		rc = 1;
	if (!rc && c.demo && needs_db)
		rc = ensure_demo(&c);
	/* the full-screen program: one environment on the database for the
	 * whole run, as a setgid run has (privileged_start), so the account,
	 * the scope and the screens do not each open and map it (a start's
	 * opening costs some 0.2 ms: bench/RESULTS.md, "Start-up"); when it
	 * will not open, each opening below says why, as before */
	if (!rc && !cmd && !paths_privileged() && store_hold(c.dbdir, 0))
		store_release();
	/* the program itself needs an account; a command, when it says so */
	if (!rc && needs_db)
		rc = account_start(&c, !cmd || (cmd->flags & CMD_ACCOUNT));
	if (!rc && cmd && (cmd->flags & CMD_JOINS) && !c.scope && !sync_may_start(&c))
		rc = 1;
	if (!rc)
		rc = cmd ? run_command(&c, cmd, argc - i, argv + i) : run_screen(&c, fs);
	formset_free(fs);
	scope_free(c.scope);
	store_release();
	free(c.real_login);
	free(c.dbdir);
	return rc;
}

/* Arguments arrive in the terminal's encoding (GB18030 on a GBK
 * terminal); inside, everything is UTF-8: convert them all here, once. */
int
cli_main(int argc, char **argv)
{
	char **u = calloc((size_t)argc + 1, sizeof *u);
	if (!u)
		return 1;
	int rc = 0;
	for (int i = 0; i < argc && !rc; i++)
		if (!(u[i] = arg_utf8(argv[i])))
			rc = usage_error(_("the argument \"%s\" cannot be read in this terminal's language "
			                   "setting"), argv[i]);
	if (!rc)
		rc = cli_run(argc, u);
	for (int i = 0; i < argc; i++)
		free(u[i]);
	free(u);
	return rc;
}
