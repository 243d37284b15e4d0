/* cli.c: global options, the verb table, and the verbs init, find, show,
 * hours, balance, certificate, audit, check, check-forms, help and
 * version; with no verb, the full-screen program.  Every handle that may
 * write has the audit trail attached as soon as it is open, so nothing
 * the program writes escapes the log. */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "cli.h"
#include "cli-internal.h"
#include "demo.h"
#include "form.h"
#include "i18n.h"
#include "orgunit.h"
#include "paths.h"
#include "scope.h"
#include "search.h"
#include "store.h"
#include "sync.h"
#include "tally.h"
#include "text.h"
#include "util.h"
#include "ui.h"
#include "valid.h"
#include "shown.h"

#include <lmdb.h>

/* Print UTF-8 text in the terminal's encoding (GB18030 terminals get
 * GB18030): the one place the command line meets the outside. */
void
say(FILE *f, const char *fmt, ...)
{
	char *s;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	const char *cs = nl_langinfo(CODESET);
	char *out = NULL;
	size_t outlen;
	if (cs && strcmp(cs, "UTF-8") != 0 && strcmp(cs, "ANSI_X3.4-1968") != 0 &&
	    text_conv(cs, "UTF-8", s, (size_t)n, &out, &outlen, NULL) == TEXT_CONV_OK) {
		fwrite(out, 1, outlen, f);
		free(out);
	} else {
		fputs(s, f);
	}
	free(s);
}

int
usage_error(const char *fmt, const char *arg)
{
	say(stderr, "shegong: ");
	say(stderr, fmt, arg);
	say(stderr, "\n%s\n", _("Try \"shegong --help\"."));
	return 2;
}

int
store_error(struct cli *c, int err)
{
	say(stderr, "shegong: %s\n  (%s: %s)\n", store_strerror(err), _("database"), c->dbdir);
	return 1;
}

/* --- init -------------------------------------------------------------- */

struct unit_arg {
	const char *code, *name;
	int level;  /* the level the option named, 0 from a file */
	long line;  /* in the units file, 0 from an option */
};

struct init_ctx {
	struct unit_arg *units;
	size_t n;
	const char *login;
	size_t failed_at;
};

static int
init_txn(store_txn *t, void *ctx)
{
	struct init_ctx *ic = ctx;
	const char *county = NULL;
	for (size_t i = 0; i < ic->n; i++) {
		ic->failed_at = i;
		int err = orgunit_add(t, ic->units[i].code, ic->units[i].name, NULL);
		if (err)
			return err;
		if (!county && orgunit_level_of_code(ic->units[i].code) == UNIT_COUNTY)
			county = ic->units[i].code;
	}
	ic->failed_at = ic->n;
	/* whoever made the database administers it */
	return worker_add(t, ic->login, ic->login, ROLE_ADMIN, county, NULL);
}

static int
read_units_file(const char *path, struct unit_arg **units, size_t *n, size_t *cap,
                char **keep)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		say(stderr, "shegong: %s: %s\n", path, strerror(errno));
		return 1;
	}
	struct strbuf b = {0};
	bool read = sb_read(&b, f, SIZE_MAX / 4);
	fclose(f);
	size_t len = b.len;
	char *buf = sb_detach(&b);
	if (!read || !buf) {
		free(buf);
		return 1;
	}
	/* files from Windows offices are often GB18030: take them as they come */
	size_t bad;
	if (!text_utf8_valid(buf, len, &bad)) {
		char *conv;
		size_t convlen, bad2;
		if (text_conv("UTF-8", "GB18030", buf, len, &conv, &convlen, &bad2) != TEXT_CONV_OK) {
			say(stderr, _("shegong: %s: the file is neither UTF-8 nor GB18030 "
			              "(bad bytes at byte %zu).\n"), path, bad);
			free(buf);
			return 1;
		}
		free(buf);
		buf = conv;
	}
	*keep = buf;
	long lineno = 0;
	for (char *line = buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *code, *name;
		const char *why;
		int r = orgunit_parse_line(line, &code, &name, &why);
		if (r == 1)
			continue;
		if (r < 0) {
			say(stderr, _("shegong: %s, line %ld: %s\n"), path, lineno, why);
			return 1;
		}
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			struct unit_arg *nu = realloc(*units, *cap * sizeof **units);
			if (!nu)
				return 1;
			*units = nu;
		}
		(*units)[(*n)++] = (struct unit_arg){code, name, 0, lineno};
	}
	return 0;
}

static int
count_units(store_txn *t, void *ctx)
{
	return store_count(t, REC_UNIT, ctx);
}

static int
cmd_init(struct cli *c, int argc, char **argv)
{
	struct unit_arg *units = NULL;
	size_t n = 0, cap = 0;
	char *files[8];
	size_t nfiles = 0;
	int rc = 0;
	static const struct {
		const char *opt;
		int level;
	} unit_opts[] = {
		{"--county", UNIT_COUNTY}, {"--township", UNIT_TOWNSHIP}, {"--village", UNIT_VILLAGE},
	};
	for (int i = 1; i < argc && !rc; i++) {
		int level = 0;
		for (size_t k = 0; k < sizeof unit_opts / sizeof unit_opts[0]; k++)
			if (strcmp(argv[i], unit_opts[k].opt) == 0)
				level = unit_opts[k].level;
		if (level) {
			if (i + 2 >= argc) {
				rc = usage_error(_("%s needs a code and a name"), argv[i]);
				break;
			}
			if (orgunit_level_of_code(argv[i + 1]) != level) {
				say(stderr, _("shegong: %s %s: a %s has a code of %d digits.\n"), argv[i],
				    argv[i + 1], orgunit_level_label(level), 3 + 3 * level);
				rc = 2;
				break;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				struct unit_arg *nu = realloc(units, cap * sizeof *units);
				if (!nu) {
					rc = 1;
					break;
				}
				units = nu;
			}
			units[n++] = (struct unit_arg){argv[i + 1], argv[i + 2], level, 0};
			i += 2;
		} else if (strcmp(argv[i], "--units") == 0 && i + 1 < argc) {
			char *keep = NULL;
			if (nfiles == sizeof files / sizeof files[0] ||
			    read_units_file(argv[++i], &units, &n, &cap, &keep))
				rc = 1;
			if (keep)
				files[nfiles++] = keep;
		} else {
			rc = usage_error(_("init: unknown option \"%s\""), argv[i]);
		}
	}
	if (!rc && n == 0)
		rc = usage_error("%s", _("init needs the org units: at least --county CODE NAME, "
		                         "or --units FILE"));
	if (!rc && orgunit_level_of_code(units[0].code) != UNIT_COUNTY)
		rc = usage_error("%s", _("init: the first unit must be the county"));
	store *st = NULL;
	if (!rc) {
		int err = store_open(&st, c->dbdir, STORE_CREATE);
		if (err)
			rc = store_error(c, err);
		else
			audit_attach(st);
	}
	if (!rc) {
		size_t have = 0;
		store_set_user(st, c->login);
		int err = store_read(st, count_units, &have);
		if (!err && have) {
			say(stderr, _("shegong: there is a database in %s already (%zu org units). "
			              "Nothing was changed.\n"), c->dbdir, have);
			rc = 1;
		}
	}
	if (!rc) {
		struct init_ctx ic = {units, n, c->login, 0};
		int err = store_write(st, init_txn, &ic);
		if (err) {
			if (ic.failed_at < n) {
				const struct unit_arg *u = &units[ic.failed_at];
				if (u->line)
					say(stderr, _("shegong: line %ld, unit %s %s: %s\n"), u->line, u->code,
					    u->name, orgunit_strerror(err));
				else
					say(stderr, "shegong: %s %s: %s\n", u->code, u->name,
					    orgunit_strerror(err));
			} else {
				say(stderr, "shegong: %s\n", orgunit_strerror(err));
			}
			say(stderr, "%s\n", _("Nothing was saved."));
			rc = 1;
		} else {
			say(stdout, _("Database created in %s with %zu org units; %s is its "
			              "administrator.\n"), c->dbdir, n, c->login);
		}
	}
	store_close(st);
	free(units);
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	return rc;
}

/* --- forms ----------------------------------------------------------------- */

/* Load the forms, or say where the first fault is as FILE:LINE: so that
 * an editor can jump there and the person who broke the file can fix it. */
static struct formset *
load_forms(const char *dir)
{
	struct form_error err;
	struct formset *fs = formset_load(dir, &err);
	if (fs)
		return fs;
	if (!err.file[0] && !err.msg[0])
		say(stderr, "shegong: %s: %s\n", dir, strerror(ENOMEM));
	else if (err.line > 0)
		say(stderr, "%s:%d: %s\n", err.file, err.line, err.msg);
	else
		say(stderr, "%s: %s\n", err.file, err.msg);
	return NULL;
}

static int
cmd_check_forms(struct cli *c, int argc, char **argv)
{
	(void)c;
	if (argc > 2)
		return usage_error(_("check-forms: one folder at most, not \"%s\""), argv[2]);
	const char *dir = argc == 2 ? argv[1] : paths_forms();
	struct formset *fs = load_forms(dir);
	if (!fs)
		return 1;
	for (size_t i = 0; i < fs->nforms; i++)
		say(stdout, _("%s: version %u, %zu fields\n"), fs->forms[i]->name, fs->forms[i]->version,
		    fs->forms[i]->nfields);
	formset_free(fs);
	return 0;
}

/* What calculations (an age) are counted from: today, where the worker is. */
static struct form_env
local_env(struct cli *c, char today[16])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, 16, "%Y-%m-%d", &tm);
	return (struct form_env){c->login, NULL, today, !scope_may_see_sensitive(c->scope)};
}

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

/* Data never reaches the terminal raw: control characters (and, for one
 * line a record, tabs and newlines) become visible pictures. */
void
say_value(FILE *f, const char *v, unsigned flags)
{
	char *clean = text_sanitize(v ? v : "", v ? strlen(v) : 0, flags);
	if (clean)
		say(f, "%s", clean);
	free(clean);
}

int
open_db(struct cli *c, store **st)
{
	int err = store_open(st, c->dbdir, STORE_RDONLY);
	if (err)
		return store_error(c, err);
	scope_attach(*st, c->scope);
	return 0;
}

/* A handle that may write, logged like every other (audit_attach). */
int
open_db_write(struct cli *c, store **st)
{
	int err = store_open(st, c->dbdir, 0);
	if (err)
		return store_error(c, err);
	audit_attach(*st);
	store_set_user(*st, c->login);
	scope_attach(*st, c->scope);
	return 0;
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
cmd_find(struct cli *c, int argc, char **argv)
{
	const char *kind_name = NULL, *text = NULL, *village = NULL, *status = NULL;
	unsigned long limit = 50;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_arg = i + 1 < argc;
		if (strcmp(a, "--village") == 0 && has_arg) {
			village = argv[++i];
		} else if (strcmp(a, "--status") == 0 && has_arg) {
			status = argv[++i];
		} else if (strcmp(a, "--limit") == 0 && has_arg) {
			char *end;
			const char *v = argv[++i];
			errno = 0;
			limit = strtoul(v, &end, 10);
			if (errno || end == v || *end || *v == '-' || limit == 0)
				return usage_error(_("find: --limit needs a number above 0, not \"%s\""), v);
		} else if (a[0] == '-' && a[1] == '-') {
			return usage_error(_("find: unknown option \"%s\""), a);
		} else if (!kind_name) {
			kind_name = a;
		} else if (!text) {
			text = a;
		} else {
			return usage_error(_("find: one search text, in quotes if it has spaces: \"%s\""), a);
		}
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
	struct search_query q = {kind, text, NULL, status};
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
			say_field(extra[i], record_get(r, extra[i]), _("kept from an older form"));
	}
	free(extra);
}

static int
cmd_show(struct cli *c, int argc, char **argv)
{
	if (argc != 2)
		return usage_error("%s", _("show needs one record id, e.g. res-3f9a2c71d0e4-42"));
	struct show_ctx sc = {0};
	if (rec_id_parse(argv[1], &sc.id) < 0)
		return usage_error(_("show: \"%s\" is not a record id (like res-3f9a2c71d0e4-42)"),
		                   argv[1]);
	struct formset *fs = load_forms(paths_forms());
	if (!fs)
		return 1;
	sc.fs = fs;
	char today[16];
	sc.env = local_env(c, today);
	store *st;
	int rc = open_db(c, &st);
	if (!rc) {
		int err = store_read(st, show_txn, &sc);
		if (err == STORE_NOTFOUND) {
			say(stderr, _("shegong: there is no record %s.\n"), argv[1]);
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

/* --- hours, balance, certificate ------------------------------------------ */

/* A date as options take it: YYYY-MM-DD, and a day that exists. */
static bool
is_date(const char *v)
{
	int y, m, d;
	return strlen(v) == 10 && v[4] == '-' && valid_date(v, &y, &m, &d) == 0;
}

/* The one record id a tally verb takes: not an id is a usage error (2);
 * an id of another kind is a mistake about the record (1). */
static int
tally_arg(const char *arg, int kind, const char *wrong_kind, rec_id *id)
{
	if (rec_id_parse(arg, id) < 0)
		return usage_error(_("\"%s\" is not a record id (like vol-3f9a2c71d0e4-42)"), arg);
	if (id->kind != kind) {
		say(stderr, "shegong: ");
		say(stderr, wrong_kind, arg, rec_kind_label(id->kind));
		say(stderr, "\n");
		return 1;
	}
	return 0;
}

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

/* Amounts as people write them: 100, 2.5, never 1.000000e+02. */
static void
say_amount(double v)
{
	say(stdout, "%.12g", v);
}

struct hours_ctx {
	rec_id id;
	char *name;
	double hours;
	size_t services;
};

static int
hours_txn(store_txn *t, void *ctx)
{
	struct hours_ctx *hc = ctx;
	record *r;
	int err = store_get(t, &hc->id, &r);
	if (err)
		return err;
	const char *name = record_get(r, "name");
	hc->name = strdup(name ? name : "");
	record_free(r);
	if (!hc->name)
		return store_txn_fail(t, STORE_NOMEM);
	return tally_volunteer_hours(t, &hc->id, &hc->hours, &hc->services);
}

/* Say what went wrong reading the record arg names; returns the exit status. */
static int
record_error(struct cli *c, int err, const char *arg)
{
	if (err == STORE_NOTFOUND) {
		say(stderr, _("shegong: there is no record %s.\n"), arg);
		return 1;
	}
	return store_error(c, err);
}

static int
cmd_hours(struct cli *c, int argc, char **argv)
{
	if (argc != 2)
		return usage_error("%s", _("hours needs one volunteer id, e.g. vol-3f9a2c71d0e4-42"));
	struct hours_ctx hc = {0};
	int rc = tally_arg(argv[1], REC_VOLUNTEER, _("%s is not a volunteer: it is a %s."), &hc.id);
	store *st;
	if (rc || (rc = open_db(c, &st)))
		return rc;
	int err = store_read(st, hours_txn, &hc);
	if (err) {
		rc = record_error(c, err, argv[1]);
	} else {
		say_value(stdout, hc.name, 0);
		say(stdout, "\t%.1f\t%zu\n", hc.hours, hc.services);
	}
	store_close(st);
	free(hc.name);
	return rc;
}

struct balance_ctx {
	rec_id id;
	char *name, *unit;
	double used, left;
	bool has_quantity;
};

static int
balance_txn(store_txn *t, void *ctx)
{
	struct balance_ctx *bc = ctx;
	record *r;
	int err = store_get(t, &bc->id, &r);
	if (err)
		return err;
	const char *name = record_get(r, "name"), *unit = record_get(r, "unit");
	bc->name = strdup(name ? name : "");
	bc->unit = strdup(unit ? unit : "");
	record_free(r);
	if (!bc->name || !bc->unit)
		return store_txn_fail(t, STORE_NOMEM);
	return tally_resource(t, &bc->id, &bc->used, &bc->left, &bc->has_quantity);
}

static int
cmd_balance(struct cli *c, int argc, char **argv)
{
	if (argc != 2)
		return usage_error("%s", _("balance needs one resource id, e.g. rsc-3f9a2c71d0e4-42"));
	struct balance_ctx bc = {0};
	int rc = tally_arg(argv[1], REC_RESOURCE, _("%s is not a resource: it is a %s."), &bc.id);
	store *st;
	if (rc || (rc = open_db(c, &st)))
		return rc;
	int err = store_read(st, balance_txn, &bc);
	if (err) {
		rc = record_error(c, err, argv[1]);
	} else {
		say_value(stdout, bc.name, 0);
		say(stdout, "\t");
		if (bc.has_quantity)
			say_amount(bc.left + bc.used);
		else
			say(stdout, "-");
		say(stdout, "\t");
		say_amount(bc.used);
		say(stdout, "\t");
		if (bc.has_quantity)
			say_amount(bc.left);
		else
			say(stdout, "-");
		say(stdout, "\t");
		say_value(stdout, bc.unit, 0);
		say(stdout, "\n");
	}
	store_close(st);
	free(bc.name);
	free(bc.unit);
	return rc;
}

/* A certificate names the room that issues it: by default the unit of
 * the worker who prints it (NULL when the login is no registered worker). */
struct room_ctx {
	const char *login;
	char *room;
};

static int
room_txn(store_txn *t, void *ctx)
{
	struct room_ctx *rc = ctx;
	record *w, *u;
	rec_id uid;
	if (worker_by_login(t, rc->login, &w) != STORE_OK)
		return 0;
	const char *unit = record_get(w, "unit");
	if (unit && rec_id_parse(unit, &uid) == 0 && store_get(t, &uid, &u) == STORE_OK) {
		const char *name = record_get(u, "name");
		rc->room = name && *name ? strdup(name) : NULL;
		record_free(u);
	}
	record_free(w);
	return 0;
}

static int
cmd_certificate(struct cli *c, int argc, char **argv)
{
	const char *id_arg = NULL, *room_arg = NULL, *date = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_arg = i + 1 < argc;
		if (strcmp(a, "--room") == 0 && has_arg)
			room_arg = argv[++i];
		else if (strcmp(a, "--date") == 0 && has_arg)
			date = argv[++i];
		else if (a[0] == '-' && a[1] == '-')
			return usage_error(_("certificate: unknown option \"%s\""), a);
		else if (!id_arg)
			id_arg = a;
		else
			return usage_error(_("certificate: one volunteer id, not also \"%s\""), a);
	}
	if (!id_arg)
		return usage_error("%s", _("certificate needs one volunteer id, e.g. "
		                           "vol-3f9a2c71d0e4-42"));
	if (date && !is_date(date))
		return usage_error(_("certificate: --date takes a date like 2026-03-15, not \"%s\""),
		                   date);
	char *room = NULL;
	if (room_arg && !(room = strdup(room_arg)))
		return 1;
	rec_id id;
	int rc = tally_arg(id_arg, REC_VOLUNTEER, _("%s is not a volunteer: it is a %s."), &id);
	store *st;
	/* read-write: handing out a volunteer's personal data is logged */
	if (rc || (rc = open_db_write(c, &st))) {
		free(room);
		return rc;
	}
	char today[16];
	local_env(c, today);
	if (!room) {
		struct room_ctx rx = {c->login, NULL};
		store_read(st, room_txn, &rx);
		room = rx.room;
	}
	int err;
	char *text = tally_certificate(st, &id, room ? room : "?", date ? date : today, &err);
	/* no certificate leaves the program unless the log says so */
	if (text && (err = audit_log_now(st, "export", &id, "certificate")) != STORE_OK) {
		free(text);
		text = NULL;
		say(stderr, "%s\n", _("shegong: the certificate was not printed, because handing it "
		                      "out could not be written to the audit trail."));
	}
	if (text)
		say(stdout, "%s", text);
	else
		rc = record_error(c, err, id_arg);
	free(text);
	free(room);
	store_close(st);
	return rc;
}

/* --- audit and check ------------------------------------------------------ */

static int
say_entry(const struct audit_entry *e, void *ctx)
{
	(void)ctx;
	char when[32] = "?";
	time_t tt = (time_t)e->at;
	struct tm tm;
	if (localtime_r(&tt, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	say(stdout, "%llu\t%s\t", (unsigned long long)e->seq, when);
	say_value(stdout, e->who, 0);
	say(stdout, "\t");
	say_value(stdout, e->action, 0);
	say(stdout, "\t");
	say_value(stdout, e->record, 0);
	if (e->v_before || e->v_after)
		say(stdout, "\t%u->%u\t", e->v_before, e->v_after);
	else
		say(stdout, "\t-\t");
	say_value(stdout, e->note, 0);
	say(stdout, "\n");
	return 0;
}

static int
cmd_audit(struct cli *c, int argc, char **argv)
{
	struct audit_filter f = {0};
	char idtext[REC_ID_TEXTMAX];
	enum { ARG_TEXT, ARG_ID, ARG_DATE };
	const struct {
		const char *opt;
		const char **dst;
		int type;
	} opts[] = {
		{"--worker", &f.who, ARG_TEXT},
		{"--record", &f.record, ARG_ID},
		{"--since", &f.since, ARG_DATE},
		{"--until", &f.until, ARG_DATE},
	};
	for (int i = 1; i < argc; i++) {
		size_t k = 0;
		while (k < sizeof opts / sizeof opts[0] && strcmp(argv[i], opts[k].opt) != 0)
			k++;
		if (k == sizeof opts / sizeof opts[0])
			return usage_error(_("audit: unknown argument \"%s\""), argv[i]);
		if (i + 1 >= argc)
			return usage_error(_("audit: %s needs a value"), argv[i]);
		const char *v = argv[++i];
		rec_id id;
		if (opts[k].type == ARG_DATE && !is_date(v))
			return usage_error(_("audit: a date looks like 2026-03-15, not \"%s\""), v);
		if (opts[k].type == ARG_ID) {
			if (rec_id_parse(v, &id) < 0)
				return usage_error(_("audit: \"%s\" is not a record id (like "
				                     "res-3f9a2c71d0e4-42)"), v);
			/* the log keeps ids as they print */
			v = rec_id_format(&id, idtext);
		}
		*opts[k].dst = v;
	}
	if (!scope_may_audit(c->scope)) {
		say(stderr, _("shegong: the audit trail is read by supervisors and administrators; "
		              "%s is neither.\n"), c->login);
		return 1;
	}
	store *st;
	int rc = open_db(c, &st);
	if (rc)
		return rc;
	int err = audit_each(st, &f, say_entry, NULL);
	if (err == STORE_CORRUPT) {
		say(stderr, "%s\n", _("shegong: an audit entry cannot be read; \"shegong check\" says "
		                      "which, and what to do."));
		rc = 1;
	} else if (err) {
		rc = store_error(c, err);
	}
	store_close(st);
	return rc;
}

struct check_ctx {
	size_t findings;
};

static void
check_report(const char *msg, void *ctx)
{
	struct check_ctx *cc = ctx;
	cc->findings++;
	say(stdout, "  %s\n", msg);
}

/* The forms, the records and their indexes, the audit trail: one line
 * for each finding, a summary, exit 1 when anything is wrong. */
static int
cmd_check(struct cli *c, int argc, char **argv)
{
	bool repair = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--repair") == 0)
			repair = true;
		else
			return usage_error(_("check: unknown argument \"%s\""), argv[i]);
	}
	if (repair && !scope_is_admin(c->scope)) {
		say(stderr, _("shegong: only an administrator rebuilds the indexes; %s may run "
		              "\"shegong check\" to see what is wrong.\n"), c->login);
		return 1;
	}
	size_t problems = 0;

	struct formset *fs = load_forms(paths_forms());
	if (fs)
		say(stdout, _("Forms: all %zu load.\n"), fs->nforms);
	else
		problems++;
	formset_free(fs);

	store *st;
	int rc = repair ? open_db_write(c, &st) : open_db(c, &st);
	if (rc)
		return rc;
	struct check_ctx cc = {0};
	size_t faults = 0;
	say(stdout, "%s\n", _("Records and indexes:"));
	int err = store_verify(st, repair, &faults, check_report, &cc);
	if (!err && repair && faults) {
		/* mended only if a second look finds nothing */
		size_t left = 0;
		err = store_verify(st, false, &left, check_report, &cc);
		if (!err && left == 0) {
			say(stdout, _("  Indexes rebuilt: %zu faults mended.\n"), faults);
			char note[64];
			snprintf(note, sizeof note, "indexes rebuilt: %zu faults", faults);
			err = audit_log_now(st, "repair", NULL, note);
		}
		faults = left;
	}
	if (err) {
		store_close(st);
		return store_error(c, err);
	}
	if (faults)
		problems += faults;
	else if (!cc.findings || repair)
		say(stdout, "  %s\n", _("Every index entry matches its record and every record is "
		                         "indexed."));
	if (faults && !repair)
		say(stdout, "  %s\n", _("\"shegong check --repair\" rebuilds the indexes from the "
		                         "records."));

	size_t entries;
	uint64_t bad;
	char why[512];
	err = audit_verify(st, &entries, &bad, why, sizeof why);
	store_close(st);
	if (err)
		return store_error(c, err);
	if (bad) {
		say(stdout, _("Audit trail: %zu entries.\n  %s\n"), entries, why);
		problems++;
	} else {
		say(stdout, _("Audit trail: %zu entries, whole.\n"), entries);
	}

	if (problems) {
		say(stdout, _("Problems found: %zu.\n"), problems);
		return 1;
	}
	say(stdout, "%s\n", _("All is well."));
	return 0;
}

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
	const char *name, *unit, *encoding, *lang;
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
	    (u->lang && record_set(w, "lang", u->lang)))
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
user_list(struct cli *c)
{
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
cmd_user(struct cli *c, int argc, char **argv)
{
	static const char *const subs[] = {"add", "list", "disable", "set"};
	size_t sub = 0;
	while (argc >= 2 && sub < sizeof subs / sizeof subs[0] && strcmp(argv[1], subs[sub]) != 0)
		sub++;
	if (argc < 2 || sub == sizeof subs / sizeof subs[0])
		return usage_error("%s", _("user needs one of add, list, disable, set"));
	if (sub == 1) {
		if (argc > 2)
			return usage_error(_("user list: unknown argument \"%s\""), argv[2]);
		return user_list(c);
	}
	if (argc < 3 || argv[2][0] == '-')
		return usage_error(_("user %s needs a login"), subs[sub]);
	struct user_ctx u = {.actor = c->login, .login = argv[2]};
	const char *role = NULL;
	const struct {
		const char *opt;
		const char **dst;
		bool on_add, on_set;
	} opts[] = {
		{"--role", &role, true, false},    {"--unit", &u.unit, true, false},
		{"--name", &u.name, true, true},   {"--encoding", &u.encoding, true, true},
		{"--lang", &u.lang, true, true},
	};
	for (int i = 3; i < argc; i++) {
		size_t k = 0;
		while (k < sizeof opts / sizeof opts[0] &&
		       (strcmp(argv[i], opts[k].opt) != 0 || !(sub == 0 ? opts[k].on_add
		                                               : sub == 3 ? opts[k].on_set
		                                                          : false)))
			k++;
		if (k == sizeof opts / sizeof opts[0])
			return usage_error(_("user: unknown argument \"%s\""), argv[i]);
		if (i + 1 >= argc)
			return usage_error(_("user: %s needs a value"), argv[i]);
		*opts[k].dst = argv[++i];
	}
	if (u.encoding && !worker_encoding_valid(u.encoding))
		return usage_error(_("user: --encoding is utf-8 or gb18030, not \"%s\""), u.encoding);
	if (u.lang && !worker_lang_valid(u.lang))
		return usage_error(_("user: --lang is zh_CN or en, not \"%s\""), u.lang);
	if (u.name && !*u.name)
		return usage_error("%s", _("user: --name needs a name"));
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
		if (!u.name && !u.encoding && !u.lang)
			return usage_error("%s", _("user set needs --encoding, --lang or --name"));
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
	if (err && !c->as_opt)
		return 0;  /* no database yet (init): the command says what it needs */
	if (err)
		return store_error(c, err);
	err = store_read(st, account_txn, &a);
	store_close(st);
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
		if (asprintf(&note, "%s acts as %s", c->real_login, c->as_opt) < 0 ||
		    (err = store_open(&st, c->dbdir, 0))) {
			rc = store_error(c, err ? err : STORE_NOMEM);
		} else {
			audit_attach(st);
			store_set_user(st, c->real_login);
			if ((err = audit_log_now(st, "as", NULL, note)))
				rc = store_error(c, err);
			store_close(st);
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
	if (!rc && w && (err = store_open(&st, c->dbdir, STORE_RDONLY)) == 0) {
		err = scope_load_now(st, c->login, &c->scope);
		store_close(st);
	}
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
	store_read(st, count_units, &units);
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

static int cmd_help(struct cli *c, int argc, char **argv);

static int
cmd_version(struct cli *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	say(stdout, "shegong %s\n", PACKAGE_VERSION);
	say(stdout, _("Database schema %d. Records are kept in LMDB %s.\n"), STORE_SCHEMA,
	    MDB_VERSION_STRING);
	return 0;
}

static const struct command {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	bool needs_db;  /* resolve the database folder first */
	const char *synopsis;
	const char *about;
} commands[] = {
	{"init", cmd_init, true,
	 N_("init --county CODE NAME [--township CODE NAME]... [--village CODE NAME]... [--units FILE]"),
	 N_("Create a database with its org units. Codes: county 6 digits, township 9, village 12. "
	    "A units file has one \"CODE NAME\" a line (UTF-8 or GB18030). Whoever runs init "
	    "becomes the administrator.")},
	{"find", cmd_find, true, N_("find KIND [TEXT] [--village CODE] [--status VALUE] [--limit N]"),
	 N_("Find records of a kind (resident, need, volunteer ...) as the screen does: TEXT is a "
	    "name, pinyin initials (zsf finds 张三丰) or the start of an ID number; nothing lists "
	    "all (by name; needs by date). One record a line: its id, then the columns of its list, separated by "
	    "tabs. --village takes the village's 12-digit code; at most 50 lines unless --limit.")},
	{"show", cmd_show, true, N_("show ID"),
	 N_("Show one record: its id, version, who created and last changed it, and every field "
	    "of its form.")},
	{"hours", cmd_hours, true, N_("hours VOLUNTEER-ID"),
	 N_("A volunteer's service hours: their name, the hours of every service record that lists "
	    "them, and the number of those services, separated by tabs.")},
	{"certificate", cmd_certificate, true,
	 N_("certificate VOLUNTEER-ID [--room TEXT] [--date YYYY-MM-DD]"),
	 N_("Print a volunteer service certificate (志愿服务记录证明): name, ID number masked in "
	    "the middle, total hours and each service, with lines for a signature and a seal. "
	    "--room is the issuing room (default: the name of your unit), --date the date of "
	    "issue (default: today).")},
	{"balance", cmd_balance, true, N_("balance RESOURCE-ID"),
	 N_("What is left of a resource: its name, the quantity it had, how much service records "
	    "used, what is left and the unit, separated by tabs (\"-\" when it states no "
	    "quantity).")},
	{"audit", cmd_audit, true,
	 N_("audit [--worker LOGIN] [--record ID] [--since YYYY-MM-DD] [--until YYYY-MM-DD]"),
	 N_("The audit trail: every record created, edited or deleted and every certificate "
	    "handed out, oldest first, one a line: number, local time, who, what, the record, "
	    "its versions before and after, and a note, separated by tabs. The options keep "
	    "one worker's, one record's, or the days from --since to --until.")},
	{"export", cmd_export, true,
	 N_("export KIND FILE [--format xlsx|csv] [--encoding gb18030|utf-8] [--village CODE] "
	    "[--since YYYY-MM-DD] [--until YYYY-MM-DD] [--form NAME]"),
	 N_("Write the records of a kind to a spreadsheet file, one row a record: the record id, "
	    "then the form's fields as the screens show them (sensitive ones masked unless your "
	    "role sees them). XLSX, or CSV in GB18030 (what Excel on a Chinese Windows reads) or "
	    "UTF-8; the format follows the file's ending unless --format. --village keeps one "
	    "village (12-digit code), --since and --until the records of those days (their date, "
	    "else the day they were made), --form one form's records (services: one of the six; "
	    "without it, every service form in one table). Every export is in the audit trail.")},
	{"import", cmd_import, true,
	 N_("import KIND FILE [--encoding gb18030|gbk|utf-8] [--skip-bad] [--update] [--form NAME]"),
	 N_("Read records of a kind from a CSV file a spreadsheet saved: GB18030 (what Excel on a "
	    "Chinese Windows writes) unless the file is UTF-8 (a byte-order mark, or UTF-8 text). "
	    "The header names the form's fields, in Chinese or English. Every row is checked as "
	    "the form checks it (required fields, choices, ID numbers, dates, numbers mangled by "
	    "the spreadsheet, the villages in your reach, ID numbers already registered); each "
	    "fault is said with its row and column, and nothing is imported while a row is bad. "
	    "--skip-bad imports the good rows and writes the bad ones beside FILE (x.csv: x.bad.csv) with what "
	    "is wrong; --update updates the record already registered with a row's ID number "
	    "(empty cells leave its values). Exit status 1 when a row was bad or the file refused.")},
	{"report", cmd_report, true,
	 N_("report [--month YYYY-MM | --quarter YYYY-Qn] [--village CODE] [--by village|total] "
	    "[--xlsx FILE]"),
	 N_("The figures of a month (this month unless told) or a quarter, of the villages in "
	    "your reach: services of each of the six functions and the people they served, "
	    "volunteer hours, needs opened and met, referrals made and resolved with the days "
	    "they took (median and mean), organisations being cultivated. A table: a header row "
	    "(the period, each village, Total), then one figure a row, separated by tabs; by "
	    "village when you reach several, else the total alone (--by says which). --village "
	    "keeps one village (12-digit code); --xlsx writes the table to an XLSX file instead.")},
	{"check", cmd_check, true, N_("check [--repair]"),
	 N_("Check the database: that the forms load, that every index entry matches its record "
	    "and every record is indexed, and that the audit trail is whole (no entry changed or "
	    "removed). One line for each finding, then a summary; exit status 1 when anything is "
	    "wrong. --repair rebuilds the indexes from the records.")},
	{"backup", cmd_backup, true, N_("backup FILE"),
	 N_("Administrators: copy the database into one file while others keep working: a "
	    "consistent, compacted copy, written as FILE.tmp, flushed to the disk, then renamed "
	    "to FILE, so a backup cut short never has the final name. Prints the records copied "
	    "and the size. Logged in the audit trail (the copy holds its own entry).")},
	{"restore", cmd_restore, true, N_("restore FILE"),
	 N_("Administrators (root on a computer with no database yet): check the backup FILE "
	    "(whole, not of a newer version, indexes and audit trail whole), then put it in place "
	    "of the database, only when no program has the database open; the data before is "
	    "kept beside it as data.mdb.before-restore-DATE. The restored database is checked "
	    "as \"shegong check\" does. A damaged or cut short file is refused and nothing is "
	    "changed.")},
	{"sync", cmd_sync, true,
	 N_("sync [HOST] [--ssh CMD] [--remote-db DIR] | sync --to-file FILE [--for VILLAGE] | "
	    "sync --from-file FILE | sync --status | sync --notices [--all] | "
	    "sync --settle N [--note TEXT] | sync --serve"),
	 N_("Exchange with the township server: a village PC sends what changed since the last "
	    "exchange (its referrals, residents, needs, services, volunteers, organisations) and "
	    "takes back the township's answers, org units and accounts. HOST: over ssh (the other "
	    "side runs \"shegong sync --serve\"; without HOST, the host of the last exchange), "
	    "for cron. --to-file and --from-file: through a file (a USB stick); on a township "
	    "server --for names the village the file is for. An empty database joins the "
	    "township whose file it takes first. A damaged file is refused whole; the same file "
	    "twice changes nothing more. --status: what waits to go up and the last exchanges; "
	    "--notices: what an exchange could not merge, for a worker to settle (--settle N). "
	    "Every exchange is logged on both sides.")},
	{"unit", cmd_unit, true, N_("unit list | unit add CODE NAME | unit rename CODE NAME"),
	 N_("Org units. list prints code, name and level, one a line, each township followed "
	    "by its villages. An administrator adds a township (9 digits) or village (12 "
	    "digits) under one already registered, or renames a unit; its records stay "
	    "with it.")},
	{"user", cmd_user, true,
	 N_("user add LOGIN --role ROLE --unit CODE [--name NAME] [--encoding ENC] [--lang LANG] | "
	    "user list | user disable LOGIN | user set LOGIN [--encoding ENC] [--lang LANG] "
	    "[--name NAME]"),
	 N_("Workers' accounts. ROLE is village, township, supervisor or admin, and must fit "
	    "the unit (a village worker in a village, a township worker in a township, a "
	    "supervisor in the county or a township). ENC is the worker's terminal, utf-8 or "
	    "gb18030, LANG the language of the messages, zh_CN or en: both are put in force "
	    "at start whatever the terminal's LANG says. list prints login, name, role, unit, "
	    "status, encoding and language, separated by tabs. Only an administrator adds, "
	    "disables or changes others; anyone sets their own encoding and language. A "
	    "disabled worker cannot open the program.")},
	{"referral", cmd_referral, true,
	 N_("referral list [--inbox|--outbox|--overdue|--all] [--state S] | referral new --resident ID "
	    "[--need ID]... --category C [--urgency U] --reason TEXT [--done TEXT] --consent yes|no "
	    "[--contact TEXT] [--to CODE] [--submit] | referral show ID | referral "
	    "submit|accept|start|close|withdraw ID [--note TEXT] | referral return ID --reason TEXT | "
	    "referral resolve ID --outcome O [--reason TEXT] --feedback TEXT | referral escalate ID "
	    "--reason TEXT | referral slip ID | referral news [--mark]"),
	 N_("Referrals (转介) from a village room to the township station, and on to the county. "
	    "list prints id, number, date submitted, due date, state, urgency, resident, from, to "
	    "and \"overdue\", separated by tabs (village workers see their outbox, stations their "
	    "inbox unless told). new prints the new referral's id (a draft; --submit sends it; "
	    "the resident's consent must be recorded). The steps are taken by the side they belong "
	    "to: the village submits, withdraws and closes; the station accepts, returns (with a "
	    "reason), starts, resolves (outcome success, refused, no_capacity, not_needed, "
	    "unreachable or other; a reason unless success; feedback for the village) and "
	    "escalates to the unit above. slip prints the referral slip with its stub and return "
	    "slip. news counts what came in, came back and was answered since you last looked; "
	    "--mark marks it seen.")},
	{"check-forms", cmd_check_forms, false, N_("check-forms [DIR]"),
	 N_("Check the form files (in DIR, else the installed ones): each form's name, version and "
	    "number of fields, or the file and line of the first fault.")},
	{"help", cmd_help, false, N_("help"), N_("Show this help.")},
	{"version", cmd_version, false, N_("version"), N_("Show the version.")},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static int
cmd_help(struct cli *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
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
	for (size_t i = 0; i < NCOMMANDS; i++)
		say(stdout, "  %s\n      %s\n", _(commands[i].synopsis), _(commands[i].about));
	say(stdout, "\n%s\n", _("Keys in the full-screen program: arrows and Enter to choose, "
	                        "F1 help, F10 quit; without F-keys, Ctrl-G help and Ctrl-Q quit, "
	                        "or Esc followed at once by a digit (Alt+digit)."));
	say(stdout, "%s\n", _("See shegong(1) for more."));
	return 0;
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
	err = store_read(st, count_units, &have);
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
	const char *cs = nl_langinfo(CODESET);
	static const char *const ok_sets[] = {"UTF-8", "GB18030", "GBK", "GB2312"};
	bool ok = false;
	for (size_t i = 0; i < sizeof ok_sets / sizeof ok_sets[0]; i++)
		ok = ok || (cs && strcmp(cs, ok_sets[i]) == 0);
	if (!ok) {
		fprintf(stderr, "shegong: this terminal's language setting (%s) cannot show Chinese.\n"
		                "Set it first, for example:\n"
		                "  export LANG=zh_CN.UTF-8      (a UTF-8 terminal, e.g. PuTTY set to UTF-8)\n"
		                "  export LANG=zh_CN.GB18030    (a GBK/GB18030 terminal)\n",
		        cs ? cs : "?");
		return 2;
	}
	store *st;
	int err = store_open(&st, c->dbdir, 0);
	if (err)
		return store_error(c, err);
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
			return cmd_help(&c, 0, NULL);
		else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0)
			return cmd_version(&c, 0, NULL);
		else if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else
			return usage_error(_("unknown option \"%s\""), a);
	}
	const struct command *cmd = NULL;
	static char w_sync[] = "sync", w_serve[] = "--serve";
	static char *serve_argv[] = {w_sync, w_serve, NULL};
	if (i == argc && ssh_asks_sync()) {
		argv = serve_argv;
		argc = 2;
		i = 0;
	}
	if (i < argc) {
		for (size_t k = 0; k < NCOMMANDS; k++)
			if (strcmp(argv[i], commands[k].name) == 0)
				cmd = &commands[k];
		if (!cmd)
			return usage_error(_("unknown command \"%s\""), argv[i]);
	}
	c.login = c.real_login = paths_login();
	c.dbdir = c.demo ? paths_demo_db(c.db_opt) : paths_db(c.db_opt);
	paths_use_db_forms(c.dbdir);
	int rc = !c.login || !c.dbdir;
	if (!rc && c.as_opt && !*c.as_opt)
		rc = usage_error("%s", _("--as needs a login"));
	if (!rc && c.as_opt && cmd && !cmd->needs_db)
		rc = usage_error(_("--as has no meaning for \"%s\""), cmd->name);
	struct formset *fs = NULL;
	if (!rc && !cmd && !(fs = screen_forms()))
		rc = 1;
	if (!rc && c.demo && (!cmd || cmd->needs_db))
		rc = ensure_demo(&c);
	if (!rc && (!cmd || cmd->needs_db))
		rc = account_start(&c, !(cmd && (cmd->run == cmd_init || cmd->run == cmd_sync)));
	if (!rc && cmd && cmd->run == cmd_sync && !c.scope && !sync_may_start(&c))
		rc = 1;
	if (!rc)
		rc = cmd ? cmd->run(&c, argc - i, argv + i) : run_screen(&c, fs);
	formset_free(fs);
	scope_free(c.scope);
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
