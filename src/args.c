/* args.c: the command line's one option parser (args.h). */
#include <stdlib.h>
#include <string.h>

#include "args.h"

static const struct args_opt *
find_opt(const struct args_opt *tmpl, const char *a, size_t len)
{
	for (const struct args_opt *o = tmpl; o && o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, a, len) == 0)
			return o;
	return NULL;
}

static int
add_item(struct args *a, const struct args_opt *o, const char *v0, const char *v1)
{
	struct args_item *ni = realloc(a->items, (a->nitems + 1) * sizeof *ni);
	if (!ni)
		return ARGS_NOMEM;
	a->items = ni;
	a->items[a->nitems++] = (struct args_item){o, {v0, v1}};
	return ARGS_OK;
}

static int
add_operand(struct args *a, const char *v)
{
	const char **no = realloc(a->operands, (a->noperands + 1) * sizeof *no);
	if (!no)
		return ARGS_NOMEM;
	a->operands = no;
	a->operands[a->noperands++] = v;
	return ARGS_OK;
}

int
args_parse(const struct args_opt *tmpl, int argc, char **argv, int first, struct args *a,
           const char **bad)
{
	memset(a, 0, sizeof *a);
	*bad = NULL;
	bool options = true;
	int err = ARGS_OK;
	for (int i = first; i < argc && !err; i++) {
		const char *s = argv[i];
		if (!options || s[0] != '-' || s[1] != '-') {
			err = add_operand(a, s);
			continue;
		}
		if (s[2] == '\0') {
			options = false;
			continue;
		}
		const char *eq = strchr(s, '=');
		const struct args_opt *o = find_opt(tmpl, s, eq ? (size_t)(eq - s) : strlen(s));
		if (!o || (eq && o->nvalues != 1)) {
			*bad = s;
			err = ARGS_UNKNOWN;
		} else if (eq) {
			err = add_item(a, o, eq + 1, NULL);
		} else if (i + o->nvalues >= argc) {
			*bad = s;
			err = ARGS_NOVALUE;
		} else {
			err = add_item(a, o, o->nvalues > 0 ? argv[i + 1] : NULL,
			               o->nvalues > 1 ? argv[i + 2] : NULL);
			i += o->nvalues;
		}
	}
	if (err) {
		if (err == ARGS_NOMEM)
			*bad = NULL;
		args_free(a);
	}
	return err;
}

const char *
args_value(const struct args *a, const char *name)
{
	for (size_t i = a->nitems; i-- > 0;)
		if (strcmp(a->items[i].opt->name, name) == 0)
			return a->items[i].v[0];
	return NULL;
}

size_t
args_count(const struct args *a, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < a->nitems; i++)
		n += strcmp(a->items[i].opt->name, name) == 0;
	return n;
}

void
args_free(struct args *a)
{
	free(a->items);
	free(a->operands);
	memset(a, 0, sizeof *a);
}
