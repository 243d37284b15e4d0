/* cli-report.c: the verb `report`: the figures of a month or a quarter
 * (report.c) as a table of tab-separated rows, one figure a row and one
 * village a column, or into an XLSX file. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli-internal.h"
#include "util.h"
#include "export.h"
#include "i18n.h"
#include "form.h"
#include "orgunit.h"
#include "paths.h"
#include "report.h"

struct report_run {
	struct report_opts o;
	const char *code;              /* --village */
	char village[REC_ID_TEXTMAX];
	struct report r;
};

static int
report_txn(store_txn *t, void *ctx)
{
	struct report_run *rr = ctx;
	if (rr->code) {
		int err = report_village_by_code(t, rr->code, rr->village);
		if (err)
			return err;
		if (rr->o.sc && !scope_in_reach(rr->o.sc, rr->village))
			return STORE_DENIED;
		rr->o.village = rr->village;
	}
	return report_compute(t, &rr->o, &rr->r);
}

/* The cells of one row: the first, then each column (when by village),
 * then the total.  cells has room for ncols + 2. */
static size_t
row_cells(const struct report *r, bool by_village, size_t row, const char **cells,
          char (*vals)[16], char *label, size_t labelsize)
{
	size_t n = 0;
	cells[n++] = report_row_label(r, row, label, labelsize);
	for (size_t i = 0; by_village && i < r->ncols; i++, n++)
		cells[n] = report_row_value(r, &r->cols[i].f, row, vals[n], NULL);
	cells[n] = report_row_value(r, &r->total, row, vals[n], NULL);
	return n + 1;
}

static size_t
header_cells(const struct report *r, bool by_village, const char **cells, char *period)
{
	size_t n = 0;
	cells[n++] = report_period_format(&r->period, period);
	for (size_t i = 0; by_village && i < r->ncols; i++)
		cells[n++] = r->cols[i].name;
	cells[n++] = _("Total");
	return n;
}

static void
print_table(const struct report *r, bool by_village, const char **cells, char (*vals)[16])
{
	char period[16], label[256];
	size_t n = header_cells(r, by_village, cells, period);
	for (size_t row = 0;; row++) {
		for (size_t i = 0; i < n; i++) {
			if (i)
				say(stdout, "\t");
			say_value(stdout, cells[i], 0);
		}
		say(stdout, "\n");
		if (row == report_rows(r))
			break;
		n = row_cells(r, by_village, row, cells, vals, label, sizeof label);
	}
}

static int
write_xlsx(const struct report *r, bool by_village, const char *path, const char **cells,
           char (*vals)[16])
{
	char msg[512], period[16], label[256];
	export_writer *w;
	size_t n = header_cells(r, by_village, cells, period);
	if (export_writer_open(&w, path, EXPORT_XLSX, EXPORT_UTF8, period, msg, sizeof msg) < 0)
		goto fail;
	for (size_t row = 0;; row++) {
		if (export_writer_row(w, cells, n, msg, sizeof msg) < 0) {
			export_writer_abort(w);
			goto fail;
		}
		if (row == report_rows(r))
			break;
		n = row_cells(r, by_village, row, cells, vals, label, sizeof label);
	}
	if (export_writer_finish(w, msg, sizeof msg) < 0)
		goto fail;
	say(stdout, _("The report for %s is in %s.\n"), period, path);
	return 0;
fail:
	say(stderr, "shegong: %s\n", msg);
	return 1;
}

static int
cmd_report(struct cli *c, const struct args *a)
{
	struct report_run rr = {0};
	const char *by = NULL, *xlsx = NULL;
	bool have_period = false;
	if (a->noperands)
		return usage_errorf(_("%s: unknown option \"%s\""), "report", a->operands[0]);
	for (size_t i = 0; i < a->nitems; i++) {
		const char *o = a->items[i].opt->name, *v = a->items[i].v[0];
		bool month = strcmp(o, "--month") == 0;
		if (month || strcmp(o, "--quarter") == 0) {
			if (have_period)
				return usage_error("%s", _("report: one period, --month or --quarter"));
			if (report_period_parse(v, &rr.o.period) < 0 ||
			    (rr.o.period.months == 1) != month)
				return usage_error(month ? _("report: --month takes a month like 2026-03, "
				                             "not \"%s\"")
				                         : _("report: --quarter takes a quarter like "
				                             "2026-Q1, not \"%s\""),
				                   v);
			have_period = true;
		}
	}
	rr.code = args_value(a, "--village");
	by = args_value(a, "--by");
	xlsx = args_value(a, "--xlsx");
	if (by && strcmp(by, "village") != 0 && strcmp(by, "total") != 0)
		return usage_error(_("report: --by is village or total, not \"%s\""), by);
	if (rr.code && orgunit_level_of_code(rr.code) != UNIT_VILLAGE)
		return usage_error(_("report: --village takes a village's code of 12 digits, not "
		                     "\"%s\""),
		                   rr.code);
	if (!have_period) {
		/* this month, on the worker's clock */
		time_t now = time(NULL);
		struct tm tm;
		char today[16] = "";
		if (localtime_r(&now, &tm))
			strftime(today, sizeof today, "%Y-%m-%d", &tm);
		if (report_period_month_of(today, &rr.o.period) < 0)
			return usage_error("%s", _("report: give the period, --month or --quarter"));
	}
	rr.o.sc = c->scope;
	/* the functions are the forms' (report_functions): a service form
	 * added to the folder is a row of its own */
	struct form_error ferr;
	struct formset *fs = formset_load_cached(paths_forms(), &ferr);
	if (!fs) {
		if (ferr.line > 0)
			say(stderr, "%s:%d: %s\n", ferr.file, ferr.line, ferr.msg);
		else
			say(stderr, "%s: %s\n", ferr.file, ferr.msg);
		return 1;
	}
	rr.o.functions = report_functions(fs);
	store *st;
	int rc = open_db(c, &st);
	if (rc) {
		formset_free(fs);
		return rc;
	}
	int err = store_read(st, report_txn, &rr);
	store_close(st);
	formset_free(fs);
	if (err == STORE_NOTFOUND && rr.code) {
		say(stderr, _("shegong: no village has the code %s.\n"), rr.code);
		return 1;
	}
	if (err == STORE_DENIED && rr.code) {
		say(stderr, _("shegong: the village %s is not in your reach.\n"), rr.code);
		return 1;
	}
	if (err)
		return store_error(c, err);
	/* by village when the worker reaches several, unless told */
	bool by_village = by ? strcmp(by, "village") == 0 : rr.r.ncols > 1;
	const char **cells = calloc(rr.r.ncols + 2, sizeof *cells);
	char (*vals)[16] = calloc(rr.r.ncols + 2, sizeof *vals);
	if (!cells || !vals) {
		rc = store_error(c, STORE_NOMEM);
	} else if (xlsx) {
		rc = write_xlsx(&rr.r, by_village, xlsx, cells, vals);
	} else {
		print_table(&rr.r, by_village, cells, vals);
	}
	free(cells);
	free(vals);
	report_free(&rr.r);
	return rc;
}

static const struct args_opt report_opts[] = {
	{"--month", 1}, {"--quarter", 1}, {"--village", 1}, {"--by", 1}, {"--xlsx", 1}, {NULL, 0},
};

const struct cli_command cli_cmd_report = {
	"report", cmd_report, report_opts, CMD_DB | CMD_ACCOUNT,
	N_("report [--month YYYY-MM | --quarter YYYY-Qn] [--village CODE] [--by village|total] "
	    "[--xlsx FILE]"),
	N_("The figures of a month (this month unless told) or a quarter, of the villages in "
	    "your reach: services of each of the six functions and the people they served, "
	    "volunteer hours, needs opened and met, referrals made and resolved with the days "
	    "they took (median and mean), organisations being cultivated. A table: a header row "
	    "(the period, each village, Total), then one figure a row, separated by tabs; by "
	    "village when you reach several, else the total alone (--by says which). --village "
	    "keeps one village (12-digit code); --xlsx writes the table to an XLSX file instead."),
	NULL,
};
