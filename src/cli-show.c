/* cli-show.c: `shegong show`: one record, every field as shown. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli-internal.h"
#include "i18n.h"
#include "paths.h"
#include "shown.h"
#include "text.h"

/* --- show ------------------------------------------------------------------ */

struct show_ctx {
	rec_id id;
	record *r;
	const struct formset *fs;
	struct form_env env;
	/* the form it is shown with (its own, _form), and each field's value
	 * as shown (shown.h), in that form's field order */
	const struct form *f;
	char **vals;
};

static void
show_vals_free(struct show_ctx *sc)
{
	for (size_t i = 0; sc->vals && i < sc->f->nfields; i++)
		free(sc->vals[i]);
	free(sc->vals);
	sc->vals = NULL;
}

/* "安宁村 (unit-…)" reads better than the id alone, and the id is what
 * the next command takes. */
static int
show_txn(store_txn *t, void *ctx)
{
	struct show_ctx *sc = ctx;
	show_vals_free(sc);
	record_free(sc->r);
	sc->r = NULL;
	int err = store_get(t, &sc->id, &sc->r);
	if (err)
		return err;
	/* a kind with several forms: the one the record was made with */
	sc->f = formset_for_record(sc->fs, sc->r);
	if (!sc->f)
		return 0;
	if (!(sc->vals = calloc(sc->f->nfields + 1, sizeof *sc->vals)))
		return store_txn_fail(t, STORE_NOMEM);
	for (size_t i = 0; i < sc->f->nfields; i++)
		if (!(sc->vals[i] = shown_value(t, &sc->f->fields[i], sc->r, &sc->env, SHOWN_IDS)))
			return store_txn_fail(t, STORE_NOMEM);
	return store_txn_error(t);
}

static void
say_stamp(const char *label, int64_t at, const char *by)
{
	char when[32] = "?";
	time_t tt = (time_t)at;
	struct tm tm;
	if (gmtime_r(&tt, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	say(stdout, "%s: %s UTC, ", label, when);
	say_value(stdout, by ? by : "?", 0);
	say(stdout, "\n");
}

/* "Label: value"; the lines of a note after its first are indented under it. */
static void
say_field(const char *label, const char *v, const char *mark)
{
	say(stdout, "%s: ", label);
	char *clean = text_sanitize(v, strlen(v), TEXT_ALLOW_NEWLINE);
	for (char *p = clean, *nl; p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		say(stdout, "%s%s", p, nl ? "\n    " : "");
	}
	free(clean);
	if (mark)
		say(stdout, "  [%s]", mark);
	say(stdout, "\n");
}

static void
show_record(const struct form *f, const record *r, char **vals)
{
	char id[REC_ID_TEXTMAX];
	say(stdout, "%s: %s\n", _("ID"), rec_id_format(&r->id, id));
	if (f)
		say(stdout, "%s: %s\n", _("Form"), _(f->title));
	say(stdout, "%s: %u\n", _("Version"), r->version);
	say_stamp(_("Created"), r->created_at, r->created_by);
	say_stamp(_("Updated"), r->updated_at, r->updated_by);
	if (record_voided(r))
		say_field(_("Voided"), record_get(r, REC_VOID_REASON) ? record_get(r, REC_VOID_REASON) : "",
		          NULL);
	if (!f) {
		/* a kind without a form (units, workers): the fields as stored */
		for (size_t i = 0; i < r->nfields; i++)
			say_field(r->fields[i].name, r->fields[i].value, NULL);
		return;
	}
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		if (!form_relevant(fd, r))
			continue;
		say_field(_(fd->label), vals[i], NULL);
	}
	size_t nextra = form_extra_fields(f, r, NULL, 0);
	const char **extra = nextra ? calloc(nextra, sizeof *extra) : NULL;
	if (extra) {
		form_extra_fields(f, r, extra, nextra);
		for (size_t i = 0; i < nextra; i++)
			say_field(_(form_extra_label(f, extra[i])), record_get(r, extra[i]),
			          _("kept from an older form"));
	}
	free(extra);
}

static int
cmd_show(struct cli *c, const struct args *a)
{
	if (a->noperands != 1)
		return usage_error("%s", _("show needs one record id, e.g. res-3f9a2c71d0e4-42"));
	const char *arg = a->operands[0];
	struct show_ctx sc = {0};
	if (rec_id_parse(arg, &sc.id) < 0)
		return usage_error(_("show: \"%s\" is not a record id (like res-3f9a2c71d0e4-42)"),
		                   arg);
	struct formset *fs = load_forms(paths_forms());
	if (!fs)
		return 1;
	sc.fs = fs;
	char today[16];
	sc.env = local_env(c, today);
	sc.env.forms = fs;
	store *st;
	int rc = open_db(c, &st);
	if (!rc) {
		int err = store_read(st, show_txn, &sc);
		if (err == STORE_NOTFOUND) {
			say(stderr, _("shegong: there is no record %s.\n"), arg);
			rc = 1;
		} else if (err) {
			rc = store_error(c, err);
		} else {
			show_record(sc.f, sc.r, sc.vals);
		}
		store_close(st);
	}
	show_vals_free(&sc);
	record_free(sc.r);
	formset_free(fs);
	return rc;
}

const struct cli_command cli_cmd_show = {
	"show", cmd_show, NULL, CMD_DB | CMD_ACCOUNT,
	N_("show ID"),
	N_("Show one record: its id, version, who created and last changed it, and every field "
	    "of its form."),
	NULL,
};
