/* cli-internal.h: what the command line's files share (cli.c and the
 * verbs kept in files of their own, such as cli-referral.c).  The
 * functions declared here are defined in cli-common.c, never in cli.c:
 * cli.c names every verb, and a verb calling back into it would make a
 * circle (tests/layers.py). */
#ifndef SHEGONG_CLI_INTERNAL_H
#define SHEGONG_CLI_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "args.h"
#include "form.h"
#include "scope.h"
#include "store.h"

struct cli {
	const char *db_opt;  /* --db */
	bool demo;           /* --demo */
	const char *as_opt;  /* --as */
	char *dbdir;         /* resolved */
	char *real_login;    /* the operating-system account */
	const char *login;   /* who the work is done as: real_login, or --as */
	struct scope *scope; /* what login may read and change; NULL before init */
	const char *step;    /* a family's step being run ("resolve"), or NULL */
};

/* What a command needs before it runs (its entry's flags). */
enum {
	CMD_DB = 1 << 0,       /* the database folder is resolved, --as has a meaning,
	                        * the demo is made on first use */
	CMD_ACCOUNT = 1 << 1,  /* the worker must have an account in the database */
	CMD_JOINS = 1 << 2,    /* without an account, only where an empty database
	                        * may join its township (sync_may_start) */
	CMD_WRITES = 1 << 3,   /* may change the database (said in the man page) */
};

struct cli_family;

/* One command: the table in cli.c lists them, each file defines its own.
 * run gets the operands and the options parsed against opts (ended by a
 * {NULL} entry; NULL: none).  A family (referral, user, unit) has steps
 * instead of run: its first operand names the step, which has its own
 * options. */
struct cli_command {
	const char *name;
	int (*run)(struct cli *c, const struct args *a);
	const struct args_opt *opts;
	unsigned flags;
	const char *synopsis;   /* for --help and the man page (N_) */
	const char *about;
	const struct cli_family *family;
};

struct cli_family {
	const struct cli_command *steps;
	size_t nsteps;
	const char *missing;   /* no step given (N_) */
	const char *unknown;   /* an unknown step, with %s (N_) */
};

/* Print UTF-8 text in the terminal's encoding. */
void say(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A value from the database, sanitised (flags: text_sanitize's). */
void say_value(FILE *f, const char *v, unsigned flags);
/* "shegong: <fmt with arg>" and the help hint; returns 2. */
int usage_error(const char *fmt, const char *arg);
int usage_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The store's message and the database folder; returns 1. */
int store_error(struct cli *c, int err);
/* Open the database to read, or to write (audit trail attached, the
 * worker's login stamped); either way with the worker's scope in force.
 * Returns 0, or the exit status after saying why. */
int open_db(struct cli *c, store **st);
int open_db_write(struct cli *c, store **st);

/* Shared by several verbs. */
/* The forms in dir, or NULL after saying what is wrong. */
struct formset *load_forms(const char *dir);
/* What calculations (an age) are counted from: today, where the worker is. */
struct form_env local_env(struct cli *c, char today[16]);
/* store_read callback: how many org units (a size_t *). */
int cli_count_units(store_txn *t, void *ctx);
/* A date as options take it: YYYY-MM-DD, and a day that exists. */
bool is_date(const char *v);

/* The commands, each defined in its own file (cli-VERB.c). */
extern const struct cli_command cli_cmd_init, cli_cmd_find, cli_cmd_show, cli_cmd_hours,
	cli_cmd_certificate, cli_cmd_balance, cli_cmd_audit, cli_cmd_export, cli_cmd_import,
	cli_cmd_report, cli_cmd_check, cli_cmd_backup, cli_cmd_restore, cli_cmd_sync, cli_cmd_unit,
	cli_cmd_user, cli_cmd_referral, cli_cmd_check_forms, cli_cmd_void, cli_cmd_today, cli_cmd_print,
	cli_cmd_feed;

#endif
