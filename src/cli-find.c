/* cli-find.c: `shegong find`: records of a kind as the screen finds them. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli-internal.h"
#include "i18n.h"
#include "orgunit.h"
#include "paths.h"
#include "search.h"

/* A field's value as shown: calculated or stored, then through the form's
 * display rules (choice labels, yes/no).  malloc'd, "" when empty. */
static char *
field_text(const struct form_field *fd, const record *r, const struct form_env *env)
{
	if (fd->type == FT_CALCULATE) {
		char *v = form_calculate(fd, r, env);
		char *out = form_display(fd, v, !env->masked);
		free(v);
		return out;
	}
	return form_display(fd, record_get(r, fd->name), !env->masked);
}

/* --- find ------------------------------------------------------------------ */

struct village_lookup {
	const char *code;
	char id[REC_ID_TEXTMAX];
};

static int
village_txn(store_txn *t, void *ctx)
{
	struct village_lookup *vl = ctx;
	record *u;
	int err = orgunit_by_code(t, vl->code, &u);
	if (!err) {
		rec_id_format(&u->id, vl->id);
		record_free(u);
	}
	return err;
}

static void
print_line(store *st, const struct form *f, const record *r, const struct form_env *env)
{
	char id[REC_ID_TEXTMAX];
	say(stdout, "%s", rec_id_format(&r->id, id));
	for (size_t i = 0; f && i < f->nlist; i++) {
		const struct form_field *fd = &f->fields[f->list[i]];
		const char *rv = record_get(r, fd->name);
		/* a reference shows the name of what it points to, as on the screen */
		char *name = fd->type == FT_REFERENCE ? search_ref_name(st, rv) : NULL;
		char *v = name ? name : field_text(fd, r, env);
		say(stdout, "\t");
		say_value(stdout, v, 0);
		free(v);
	}
	say(stdout, "\n");
}

/* Pages of the search the screens use, so that the command line finds
 * exactly what a worker would find by typing the same text. */
#define FIND_PAGE 64

static int
run_find(struct cli *c, store *st, const struct form *f, struct search_query *q,
         unsigned long limit)
{
	char today[16];
	struct form_env env = local_env(c, today);
	struct search_pos pos = {0};
	record *out[FIND_PAGE];
	if (q->text && *q->text && search_kind_is_dated(q->kind)) {
		/* needs and services: through the residents the text finds */
		size_t n;
		int err = search_linked(st, q, out, limit < FIND_PAGE ? (size_t)limit : FIND_PAGE, &n);
		if (err)
			return store_error(c, err);
		for (size_t i = 0; i < n; i++) {
			print_line(st, f, out[i], &env);
			record_free(out[i]);
		}
		return 0;
	}
	while (limit > 0 && !pos.done) {
		size_t n, want = limit < FIND_PAGE ? (size_t)limit : FIND_PAGE;
		int err = search_page(st, q, &pos, out, want, &n);
		if (err)
			return store_error(c, err);
		for (size_t i = 0; i < n; i++) {
			print_line(st, f, out[i], &env);
			record_free(out[i]);
		}
		limit -= n;
		if (n < want)
			break;
	}
	return 0;
}

static int
cmd_find(struct cli *c, const struct args *a)
{
	const char *kind_name = a->noperands > 0 ? a->operands[0] : NULL;
	const char *text = a->noperands > 1 ? a->operands[1] : NULL;
	const char *village = args_value(a, "--village"), *status = args_value(a, "--status");
	unsigned long limit = 50;
	if (a->noperands > 2)
		return usage_error(_("find: one search text, in quotes if it has spaces: \"%s\""),
		                   a->operands[2]);
	const char *v = args_value(a, "--limit");
	if (v) {
		char *end;
		errno = 0;
		limit = strtoul(v, &end, 10);
		if (errno || end == v || *end || *v == '-' || limit == 0)
			return usage_error(_("find: --limit needs a number above 0, not \"%s\""), v);
	}
	if (!kind_name)
		return usage_error("%s", _("find needs a kind: resident, need, volunteer ..."));
	int kind = rec_kind_from_name(kind_name);
	if (!kind)
		return usage_error(_("find: no kind of record is called \"%s\""), kind_name);
	if (village && orgunit_level_of_code(village) != UNIT_VILLAGE)
		return usage_error(_("find: --village takes a village's code of 12 digits, not \"%s\""),
		                   village);
	struct formset *fs = load_forms(paths_forms());
	if (!fs)
		return 1;
	store *st;
	int rc = open_db(c, &st);
	if (rc) {
		formset_free(fs);
		return rc;
	}
	struct search_query q = {.kind = kind, .text = text, .status = status};
	struct village_lookup vl = {village, ""};
	if (village) {
		int err = store_read(st, village_txn, &vl);
		if (err == STORE_NOTFOUND) {
			say(stderr, _("shegong: no village has the code %s.\n"), village);
			rc = 1;
		} else if (err) {
			rc = store_error(c, err);
		}
		q.village = vl.id;
	} else {
		/* a village worker's finds keep to their village, the only one in
		 * reach: walking past the others' entries would only cost time */
		if (kind != REC_UNIT && kind != REC_USER)
			q.village = scope_village(c->scope);
	}
	if (!rc)
		rc = run_find(c, st, formset_for_kind(fs, kind), &q, limit);
	store_close(st);
	formset_free(fs);
	return rc;
}

static const struct args_opt find_opts[] = {
	{"--village", 1}, {"--status", 1}, {"--limit", 1}, {NULL, 0},
};

const struct cli_command cli_cmd_find = {
	"find", cmd_find, find_opts, CMD_DB | CMD_ACCOUNT,
	N_("find KIND [TEXT] [--village CODE] [--status VALUE] [--limit N]"),
	N_("Find records of a kind (resident, need, volunteer ...) as the screen does: TEXT is a "
	    "name, pinyin initials (zsf finds 张三丰) or the start of an ID number; nothing lists "
	    "all (by name; needs by date). One record a line: its id, then the columns of its list, separated by "
	    "tabs. --village takes the village's 12-digit code; at most 50 lines unless --limit."),
	NULL,
};
