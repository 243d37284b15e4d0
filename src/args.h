/* args.h: one parser for the command line's options: each verb gives a
 * template of its long options (--name, taking 0, 1 or 2 values), and
 * gets back its operands and the options in the order they were given.
 * "--name value" and "--name=value" (one value) are the same; "--" ends
 * the options; anything not starting with "--" is an operand, wherever
 * it stands; names match whole, never by abbreviation. */
#ifndef SHEGONG_ARGS_H
#define SHEGONG_ARGS_H

#include <stdbool.h>
#include <stddef.h>

struct args_opt {
	const char *name;   /* "--village" */
	int nvalues;        /* 0 (a switch), 1, or 2 ("--county CODE NAME") */
};

struct args_item {
	const struct args_opt *opt;
	const char *v[2];
};

struct args {
	struct args_item *items;   /* the options, in order */
	size_t nitems;
	const char **operands;
	size_t noperands;
};

enum {
	ARGS_OK = 0,
	ARGS_UNKNOWN,    /* an option the template does not have */
	ARGS_NOVALUE,    /* an option without the value(s) it takes */
	ARGS_NOMEM,
};

/* Parse argv[first..argc-1] against tmpl (ended by a {NULL} entry; NULL
 * for no options).  On an error *bad is the argument at fault and a is
 * empty.  The strings stay argv's. */
int args_parse(const struct args_opt *tmpl, int argc, char **argv, int first, struct args *a,
               const char **bad);
/* The last value given to name, or NULL. */
const char *args_value(const struct args *a, const char *name);
/* How many times name was given. */
size_t args_count(const struct args *a, const char *name);
void args_free(struct args *a);

#endif
