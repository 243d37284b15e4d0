/* cli-export.c: the verb `export`: a kind's records to an XLSX or CSV file
 * a spreadsheet opens (export.c does the work), with a line of progress on
 * a terminal and the number of records written at the end. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli-internal.h"
#include "util.h"
#include "export.h"
#include "i18n.h"
#include "orgunit.h"
#include "paths.h"
#include "valid.h"

/* A date as options take it: YYYY-MM-DD, and a day that exists. */
static bool
export_is_date(const char *v)
{
	int y, m, d;
	return strlen(v) == 10 && v[4] == '-' && v[7] == '-' && valid_date(v, &y, &m, &d) == 0;
}

struct village_id {
	const char *code;
	char id[REC_ID_TEXTMAX];
};

static int
village_id_txn(store_txn *t, void *ctx)
{
	struct village_id *v = ctx;
	record *u;
	int err = orgunit_by_code(t, v->code, &u);
	if (!err) {
		rec_id_format(&u->id, v->id);
		record_free(u);
	}
	return err;
}

/* "12000/100000" rewritten in place on a terminal; nothing otherwise, so
 * that a script's log stays clean. */
static void
export_progress(size_t done, size_t total, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "\r%zu/%zu", done, total);
	if (done == total)
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

struct export_args {
	const char *kind, *file, *format, *encoding, *village, *since, *until, *form;
};

static int
export_parse(const struct args *in, struct export_args *a)
{
	a->kind = in->noperands > 0 ? in->operands[0] : NULL;
	a->file = in->noperands > 1 ? in->operands[1] : NULL;
	if (in->noperands > 2)
		return usage_error(_("export: one kind and one file, not also \"%s\""), in->operands[2]);
	a->format = args_value(in, "--format");
	a->encoding = args_value(in, "--encoding");
	a->village = args_value(in, "--village");
	a->since = args_value(in, "--since");
	a->until = args_value(in, "--until");
	a->form = args_value(in, "--form");
	if (!a->kind || !a->file)
		return usage_error("%s", _("export needs a kind and a file: export resident "
		                           "residents.xlsx"));
	return 0;
}

static int
cmd_export(struct cli *c, const struct args *in)
{
	struct export_args a = {0};
	int rc = export_parse(in, &a);
	if (rc)
		return rc;
	int kind = rec_kind_from_name(a.kind);
	if (!kind)
		return usage_error(_("export: no kind of record is called \"%s\""), a.kind);
	int format = 0;
	if (a.format && strcmp(a.format, "xlsx") == 0)
		format = EXPORT_XLSX;
	else if (a.format && strcmp(a.format, "csv") == 0)
		format = EXPORT_CSV;
	else if (a.format)
		return usage_error(_("export: --format is xlsx or csv, not \"%s\""), a.format);
	else if (!(format = export_format_of_path(a.file)))
		return usage_error(_("export: say --format xlsx or csv, or name the file .xlsx or "
		                     ".csv: \"%s\""), a.file);
	int encoding = EXPORT_GB18030;
	if (a.encoding && (strcmp(a.encoding, "utf-8") == 0 || strcmp(a.encoding, "UTF-8") == 0))
		encoding = EXPORT_UTF8;
	else if (a.encoding && strcasecmp(a.encoding, "gb18030") != 0)
		return usage_error(_("export: --encoding is gb18030 or utf-8, not \"%s\""), a.encoding);
	if (a.encoding && format == EXPORT_XLSX)
		return usage_error("%s", _("export: --encoding is for CSV files (XLSX is always "
		                           "Unicode)"));
	if (a.village && orgunit_level_of_code(a.village) != UNIT_VILLAGE)
		return usage_error(_("export: --village takes a village's code of 12 digits, not "
		                     "\"%s\""), a.village);
	if (a.since && !export_is_date(a.since))
		return usage_error(_("export: a date looks like 2026-03-15, not \"%s\""), a.since);
	if (a.until && !export_is_date(a.until))
		return usage_error(_("export: a date looks like 2026-03-15, not \"%s\""), a.until);

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
			return usage_error(_("export: no form of this kind is called \"%s\""), a.form);
		}
	} else if (!formset_for_kind(fs, kind)) {
		formset_free(fs);
		return usage_error(_("export: records of kind \"%s\" have no form to export"), a.kind);
	}

	store *st;
	if ((rc = open_db_write(c, &st))) {
		formset_free(fs);
		return rc;
	}
	struct village_id vi = {a.village, ""};
	if (a.village) {
		int err = store_read(st, village_id_txn, &vi);
		if (err == STORE_NOTFOUND) {
			say(stderr, _("shegong: no village has the code %s.\n"), a.village);
			rc = 1;
		} else if (err) {
			rc = store_error(c, err);
		}
	}
	if (!rc) {
		char today[16];
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		strftime(today, sizeof today, "%Y-%m-%d", &tm);
		struct form_env env = {c->login, NULL, today, !scope_may_see_sensitive(c->scope), 0, fs};
		struct export_opts o = {
			.kind = kind,
			.fs = fs,
			.form = form,
			.village = a.village ? vi.id : NULL,
			.since = a.since,
			.until = a.until,
			.format = format,
			.encoding = encoding,
			.env = &env,
			.progress = isatty(STDERR_FILENO) ? export_progress : NULL,
		};
		char msg[512];
		size_t n;
		if (export_records(st, a.file, &o, &n, msg, sizeof msg) < 0) {
			say(stderr, _("shegong: export: %s\n"), msg);
			say(stderr, "%s\n", _("No file was written."));
			rc = 1;
		} else {
			say(stdout, _("%zu records written to %s.\n"), n, a.file);
		}
	}
	store_close(st);
	formset_free(fs);
	return rc;
}

static const struct args_opt export_opts[] = {
	{"--format", 1}, {"--encoding", 1}, {"--village", 1}, {"--since", 1}, {"--until", 1},
	{"--form", 1},   {NULL, 0},
};

const struct cli_command cli_cmd_export = {
	"export", cmd_export, export_opts, CMD_DB | CMD_ACCOUNT | CMD_WRITES,
	N_("export KIND FILE [--format xlsx|csv] [--encoding gb18030|utf-8] [--village CODE] "
	    "[--since YYYY-MM-DD] [--until YYYY-MM-DD] [--form NAME]"),
	N_("Write the records of a kind to a spreadsheet file, one row a record: the record id, "
	    "then the form's fields as the screens show them (sensitive ones masked unless your "
	    "role sees them). XLSX, or CSV in GB18030 (what Excel on a Chinese Windows reads) or "
	    "UTF-8; the format follows the file's ending unless --format. --village keeps one "
	    "village (12-digit code), --since and --until the records of those days (their date, "
	    "else the day they were made), --form one form's records (services: one of the six; "
	    "without it, every service form in one table). Every export is in the audit trail."),
	NULL,
};
