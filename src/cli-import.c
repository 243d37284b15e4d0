/* cli-import.c: the verb `import`: a CSV file's or an .xlsx sheet's rows into records of a kind
 * (import.c does the work), every fault said with its row and column, a
 * line of progress on a terminal, and the counts at the end. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli-internal.h"
#include "util.h"
#include "i18n.h"
#include "import.h"
#include "orgunit.h"
#include "paths.h"
#include "text.h"

/* How many faults are printed; the rest are counted (and all of them go
 * into the file of bad rows with --skip-bad). */
#define IMPORT_SAY_MAX 500

struct import_say {
	const char *file;
	size_t said, left;
	bool progress_shown;
};

static void
import_report(const struct import_problem *p, void *ctx)
{
	struct import_say *s = ctx;
	if (s->progress_shown) {
		fprintf(stderr, "\r\033[K");
		s->progress_shown = false;
	}
	if (s->said >= IMPORT_SAY_MAX && !p->warning) {
		s->left++;
		return;
	}
	s->said++;
	const char *what = p->warning ? _("note") : _("error");
	/* the header and the message (which may quote a cell) are the file's
	 * text: never raw to the terminal */
	char *column = p->column ? text_sanitize(p->column, strlen(p->column), 0) : NULL;
	char *msg = text_sanitize(p->msg, strlen(p->msg), 0);
	if (!msg || (p->column && !column)) {
		free(column);
		free(msg);
		return;
	}
	if (p->row && column)
		say(stderr, _("%s: row %zu, column \"%s\": %s: %s\n"), s->file, p->row, column,
		    what, msg);
	else if (p->row)
		say(stderr, _("%s: row %zu: %s: %s\n"), s->file, p->row, what, msg);
	else
		say(stderr, "%s: %s: %s\n", s->file, what, msg);
	free(column);
	free(msg);
}

/* "checking 1200/100000", then "saving ...", rewritten in place on a
 * terminal; nothing otherwise, so that a script's log stays clean. */
static void
import_progress(bool saving, size_t done, size_t total, void *ctx)
{
	struct import_say *s = ctx;
	say(stderr, "\r%s %zu/%zu", saving ? _("saving") : _("checking"), done, total);
	s->progress_shown = true;
	if (saving && done == total) {
		fprintf(stderr, "\r\033[K");
		s->progress_shown = false;
	}
	fflush(stderr);
}

struct import_args {
	const char *kind, *file, *encoding, *form;
	bool skip_bad, update;
};

static int
import_parse(const struct args *in, struct import_args *a)
{
	a->kind = in->noperands > 0 ? in->operands[0] : NULL;
	a->file = in->noperands > 1 ? in->operands[1] : NULL;
	if (in->noperands > 2)
		return usage_error(_("import: one kind and one file, not also \"%s\""), in->operands[2]);
	a->encoding = args_value(in, "--encoding");
	a->form = args_value(in, "--form");
	a->skip_bad = args_count(in, "--skip-bad") > 0;
	a->update = args_count(in, "--update") > 0;
	if (!a->kind || !a->file)
		return usage_error("%s", _("import needs a kind and a file: import resident "
		                           "residents.csv"));
	return 0;
}

static int
cmd_import(struct cli *c, const struct args *in)
{
	struct import_args a = {0};
	int rc = import_parse(in, &a);
	if (rc)
		return rc;
	int kind = rec_kind_from_name(a.kind);
	if (!kind)
		return usage_error(_("import: no kind of record is called \"%s\""), a.kind);
	int encoding = IMPORT_AUTO;
	if (a.encoding) {
		if (strcasecmp(a.encoding, "gb18030") == 0)
			encoding = IMPORT_GB18030;
		else if (strcasecmp(a.encoding, "gbk") == 0)
			encoding = IMPORT_GBK;
		else if (strcasecmp(a.encoding, "utf-8") == 0 || strcasecmp(a.encoding, "utf8") == 0)
			encoding = IMPORT_UTF8;
		else
			return usage_error(_("import: --encoding is gb18030, gbk or utf-8, not \"%s\""),
			                   a.encoding);
	}

	struct form_error ferr;
	struct formset *fs = formset_load_cached(paths_forms(), &ferr);
	if (!fs) {
		say(stderr, "%s:%d: %s\n", ferr.file, ferr.line, ferr.msg);
		return 1;
	}
	const struct form *form = NULL;
	if (a.form) {
		form = formset_find(fs, a.form);
		if (!form || form->kind != kind) {
			formset_free(fs);
			return usage_error(_("import: no form of this kind is called \"%s\""), a.form);
		}
	} else {
		size_t n = 0;
		for (size_t i = 0; i < fs->nforms; i++)
			if (fs->forms[i]->kind == kind && n++ == 0)
				form = fs->forms[i];
		if (n > 1) {
			formset_free(fs);
			return usage_error(_("import: records of kind \"%s\" have several forms: say "
			                     "which with --form NAME"),
			                   a.kind);
		}
		if (!form) {
			formset_free(fs);
			return usage_error(_("import: records of kind \"%s\" have no form to import "
			                     "with"),
			                   a.kind);
		}
	}

	store *st;
	if ((rc = open_db_write(c, &st))) {
		formset_free(fs);
		return rc;
	}
	char today[16];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	/* a village worker's rows are their village's unless a column says */
	struct form_env env = {c->login, scope_village(c->scope), today,
	                       !scope_may_see_sensitive(c->scope),
	                       scope_village(c->scope) ? UNIT_VILLAGE : 0, fs};
	struct import_say s = {a.file, 0, 0, false};
	struct import_opts o = {
		.kind = kind,
		.fs = fs,
		.form = form,
		.encoding = encoding,
		.skip_bad = a.skip_bad,
		.update = a.update,
		.scope = c->scope,
		.env = &env,
		.report = import_report,
		.progress = isatty(STDERR_FILENO) ? import_progress : NULL,
		.ctx = &s,
	};
	struct import_result res;
	char msg[1024];
	int status = import_file(st, a.file, &o, &res, msg, sizeof msg);
	store_close(st);
	formset_free(fs);
	if (s.progress_shown)
		fprintf(stderr, "\r\033[K");
	if (s.left)
		say(stderr, _("%s: ... and %zu more errors.\n"), a.file, s.left);
	/* msg may name a header or a cell of the file */
	char *clean = text_sanitize(msg, strlen(msg), 0);
	if (clean) {
		snprintf(msg, sizeof msg, "%s", clean);
		free(clean);
	}
	if (status == IMPORT_REFUSED) {
		say(stderr, _("shegong: import: %s\n"), msg);
		say(stderr, "%s\n", _("Nothing was imported."));
		return 1;
	}
	if (status == IMPORT_FAILED)
		say(stderr, _("shegong: import: %s\n"), msg);
	say(stdout, _("%zu imported, %zu updated, %zu bad, %zu duplicates (of %zu rows, read as "
	              "%s).\n"),
	    res.imported, res.updated, res.bad, res.duplicates, res.rows,
	    res.workbook                ? _("an Excel workbook (.xlsx)")
	    : res.encoding == IMPORT_UTF8 ? "UTF-8"
	    : res.encoding == IMPORT_GBK  ? "GBK"
	                                  : "GB18030");
	if (res.unchanged)
		say(stdout, _("%zu unchanged: those rows are the same as their records already, "
		              "so nothing was saved for them.\n"),
		    res.unchanged);
	if (status == IMPORT_BAD_ROWS && !a.skip_bad) {
		say(stderr, "%s\n",
		    _("Nothing was imported: mend the rows above in the spreadsheet and import the "
		      "file again, or import the good rows alone with --skip-bad."));
	} else if (res.bad_written) {
		char *bad = import_bad_path(a.file);
		say(stderr, _("The bad rows are in %s, with a column saying what is wrong in each: "
		              "mend them there and import that file.\n"),
		    bad ? bad : "?");
		free(bad);
	}
	return status == IMPORT_OK ? 0 : 1;
}

static const struct args_opt import_opts[] = {
	{"--encoding", 1}, {"--form", 1}, {"--skip-bad", 0}, {"--update", 0}, {NULL, 0},
};

const struct cli_command cli_cmd_import = {
	"import", cmd_import, import_opts, CMD_DB | CMD_ACCOUNT | CMD_WRITES,
	N_("import KIND FILE [--encoding gb18030|gbk|utf-8] [--skip-bad] [--update] [--form NAME]"),
	N_("Read records of a kind from a CSV file a spreadsheet saved, or from the first sheet of "
	    "an Excel workbook (.xlsx; an old .xls is refused with the way to save it again). A CSV "
	    "file is GB18030 (what Excel on a "
	    "Chinese Windows writes) unless the file is UTF-8 (a byte-order mark, or UTF-8 text). "
	    "The header names the form's fields, in Chinese or English. Every row is checked as "
	    "the form checks it (required fields, choices, ID numbers, dates, numbers mangled by "
	    "the spreadsheet, the villages in your reach, ID numbers already registered); each "
	    "fault is said with its row and column, and nothing is imported while a row is bad. "
	    "--skip-bad imports the good rows and writes the bad ones beside FILE (x.csv or x.xlsx: x.bad.csv) with what "
	    "is wrong; --update updates the record already registered with a row's ID number "
	    "(empty cells leave its values). Exit status 1 when a row was bad or the file refused."),
	NULL,
};
