/* cli-internal.h: what the command line's files share (cli.c and the
 * verbs kept in files of their own, such as cli-referral.c). */
#ifndef SHEGONG_CLI_INTERNAL_H
#define SHEGONG_CLI_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

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
};

/* Print UTF-8 text in the terminal's encoding. */
void say(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A value from the database, sanitised (flags: text_sanitize's). */
void say_value(FILE *f, const char *v, unsigned flags);
/* "shegong: <fmt with arg>" and the help hint; returns 2. */
int usage_error(const char *fmt, const char *arg);
/* The store's message and the database folder; returns 1. */
int store_error(struct cli *c, int err);
/* Open the database to read, or to write (audit trail attached, the
 * worker's login stamped); either way with the worker's scope in force.
 * Returns 0, or the exit status after saying why. */
int open_db(struct cli *c, store **st);
int open_db_write(struct cli *c, store **st);

/* The verbs kept in their own files. */
int cmd_referral(struct cli *c, int argc, char **argv);
int cmd_unit(struct cli *c, int argc, char **argv);
int cmd_backup(struct cli *c, int argc, char **argv);
int cmd_restore(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
int cmd_import(struct cli *c, int argc, char **argv);
int cmd_report(struct cli *c, int argc, char **argv);
int cmd_sync(struct cli *c, int argc, char **argv);

#endif
