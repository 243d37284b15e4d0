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
#include "rollup.h"

struct report_run {
	struct report_opts o;
	const char *code;              /* --village */
	char village[REC_ID_TEXTMAX];
	struct report r;
	struct rollup ro;              /* the figures of the townships kept here */
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

/* Whether a column of the townships' figures is in the table: the
 * villages when by village, the townships' subtotals always. */
static bool
rollup_shown(const struct rollup_column *c, bool by_village)
{
	return by_village || c->subtotal;
}

/* The cells of one row: the first, then each column (when by village),
 * then the total, then the townships' figures kept here (their villages
 * when by village, each township's subtotal, their total).  cells has
 * room for r->ncols + ro->ncols + 3. */
static size_t
row_cells(const struct report *r, const struct rollup *ro, bool by_village, size_t row,
          const char **cells, char (*vals)[16], char *label, size_t labelsize)
{
	size_t n = 0;
	cells[n++] = report_row_label(r, row, label, labelsize);
	for (size_t i = 0; by_village && i < r->ncols; i++, n++)
		cells[n] = report_row_value(r, &r->cols[i].f, row, vals[n], NULL);
	cells[n] = report_row_value(r, &r->total, row, vals[n], NULL);
	n++;
	for (size_t i = 0; i < ro->ncols; i++)
		if (rollup_shown(&ro->cols[i], by_village)) {
			cells[n] = rollup_value(r, ro, i, row, vals[n]);
			n++;
		}
	if (ro->ncols) {
		cells[n] = rollup_value(r, ro, ro->ncols, row, vals[n]);
		n++;
	}
	return n;
}

/* labels: the rollup's column headers, ro->ncols of 192 bytes */
static size_t
header_cells(const struct report *r, const struct rollup *ro, bool by_village,
             const char **cells, char *period, char (*labels)[192])
{
	size_t n = 0;
	cells[n++] = report_period_format(&r->period, period);
	for (size_t i = 0; by_village && i < r->ncols; i++)
		cells[n++] = r->cols[i].name;
	cells[n++] = _("Total");
	for (size_t i = 0; i < ro->ncols; i++)
		if (rollup_shown(&ro->cols[i], by_village))
			cells[n++] = rollup_column_label(&ro->cols[i], labels[i], sizeof labels[i]);
	if (ro->ncols)
		cells[n++] = _("Total of the figures received");
	return n;
}

static void
print_table(const struct report *r, const struct rollup *ro, bool by_village,
            const char **cells, char (*vals)[16], char (*labels)[192])
{
	char period[16], label[256];
	size_t n = header_cells(r, ro, by_village, cells, period, labels);
	for (size_t row = 0;; row++) {
		for (size_t i = 0; i < n; i++) {
			if (i)
				say(stdout, "\t");
			say_value(stdout, cells[i], 0);
		}
		say(stdout, "\n");
		if (row == report_rows(r))
			break;
		n = row_cells(r, ro, by_village, row, cells, vals, label, sizeof label);
	}
}

/* The rows of the townships' figures kept here: each township's
 * villages, its subtotal, then the total of them all; the figures the
 * files do not carry are ROLLUP_NA, the last column says whose file. */
static void
print_rollup(const struct report *r, const struct rollup *ro, const struct scope *sc,
             const char *period)
{
	char val[16], name[160], src[64];
	for (size_t i = 0; i <= ro->ncols; i++) {
		const struct rollup_column *c = i < ro->ncols ? &ro->cols[i] : NULL;
		if (c && c->subtotal)
			snprintf(name, sizeof name, _("%s subtotal"), c->name);
		else
			snprintf(name, sizeof name, "%s", c ? c->name : _("Total of the figures received"));
		say_value(stdout, name, 0);
		say(stdout, "\t%s\t%s", c ? c->code : sc ? sc->unit_code : "", period);
		for (size_t row = 0; row < report_rows(r); row++)
			say(stdout, "\t%s", rollup_value(r, ro, i, row, val));
		say(stdout, "\t%s\t", rollup_active(ro, i, val));
		say_value(stdout, c ? rollup_source(c->made, src, sizeof src) : _("figures received"),
		          0);
		say(stdout, "\n");
	}
}

/* The supervision table: one site a row (each village, then the total
 * of the worker's reach, unless that is one village), one figure a
 * column: the report's rows, then the volunteers active.  With the
 * figures of townships kept here, their rows follow (print_rollup) and
 * a last column says where each row's figures come from. */
static void
print_supervision(const struct report *r, const struct rollup *ro, const struct scope *sc)
{
	char label[256], val[16], period[16];
	say(stdout, "%s\t%s\t%s", _("Site"), _("Code"), _("Period"));
	for (size_t row = 0; row < report_rows(r); row++) {
		say(stdout, "\t");
		say_value(stdout, report_row_label(r, row, label, sizeof label), 0);
	}
	say(stdout, "\t%s", _("Volunteers active"));
	if (ro->ncols)
		say(stdout, "\t%s", _("Source"));
	say(stdout, "\n");
	report_period_format(&r->period, period);
	bool total = !sc || sc->level != UNIT_VILLAGE;
	for (size_t i = 0; i <= r->ncols; i++) {
		if (i == r->ncols && !total)
			break;
		const struct report_figures *f = i < r->ncols ? &r->cols[i].f : &r->total;
		say_value(stdout, i < r->ncols ? r->cols[i].name : _("Total"), 0);
		say(stdout, "\t%s\t%s", i < r->ncols ? r->cols[i].code : sc ? sc->unit_code : "",
		    period);
		for (size_t row = 0; row < report_rows(r); row++)
			say(stdout, "\t%s", report_row_value(r, f, row, val, NULL));
		say(stdout, "\t%zu", f->volunteers_active);
		if (ro->ncols)
			say(stdout, "\t%s", _("this database"));
		say(stdout, "\n");
	}
	if (ro->ncols)
		print_rollup(r, ro, sc, period);
}

static int
write_xlsx(const struct report *r, const struct rollup *ro, bool by_village, const char *path,
           const char **cells, char (*vals)[16], char (*labels)[192])
{
	char msg[512], period[16], label[256];
	export_writer *w;
	size_t n = header_cells(r, ro, by_village, cells, period, labels);
	if (export_writer_open(&w, path, EXPORT_XLSX, EXPORT_UTF8, period, msg, sizeof msg) < 0)
		goto fail;
	for (size_t row = 0;; row++) {
		if (export_writer_row(w, cells, n, msg, sizeof msg) < 0) {
			export_writer_abort(w);
			goto fail;
		}
		if (row == report_rows(r))
			break;
		n = row_cells(r, ro, by_village, row, cells, vals, label, sizeof label);
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
	bool supervision = args_count(a, "--supervision") > 0;
	if (supervision && (by || xlsx))
		return usage_error("%s", _("report: --supervision is a table of its own, without "
		                           "--by or --xlsx"));
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
	/* the townships' figures kept here, unless one village is asked for */
	if (!err && !rr.code) {
		err = rollup_compute(st, c->scope, &rr.r, &rr.ro);
		if (err)
			report_free(&rr.r);
	}
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
	bool by_village = by ? strcmp(by, "village") == 0 : rr.r.ncols > 1 || rr.ro.ncols;
	size_t ncells = rr.r.ncols + rr.ro.ncols + 3;
	const char **cells = calloc(ncells, sizeof *cells);
	char (*vals)[16] = calloc(ncells, sizeof *vals);
	char (*labels)[192] = calloc(rr.ro.ncols + 1, sizeof *labels);
	if (!cells || !vals || !labels) {
		rc = store_error(c, STORE_NOMEM);
	} else if (supervision) {
		print_supervision(&rr.r, &rr.ro, c->scope);
	} else if (xlsx) {
		rc = write_xlsx(&rr.r, &rr.ro, by_village, xlsx, cells, vals, labels);
	} else {
		print_table(&rr.r, &rr.ro, by_village, cells, vals, labels);
	}
	free(cells);
	free(vals);
	free(labels);
	rollup_free(&rr.ro);
	report_free(&rr.r);
	return rc;
}

static const struct args_opt report_opts[] = {
	{"--month", 1}, {"--quarter", 1}, {"--village", 1}, {"--by", 1}, {"--xlsx", 1},
	{"--supervision", 0}, {NULL, 0},
};

const struct cli_command cli_cmd_report = {
	"report", cmd_report, report_opts, CMD_DB | CMD_ACCOUNT,
	N_("report [--month YYYY-MM | --quarter YYYY-Qn] [--village CODE] [--by village|total] "
	    "[--xlsx FILE | --supervision]"),
	N_("The figures of a month (this month unless told) or a quarter, of the villages in "
	    "your reach: services of each of the six functions and the people they served, "
	    "volunteer hours, needs opened and met, referrals made (for a specialised "
	    "station, received) and resolved with the days "
	    "they took (median and mean), organisations being cultivated. A table: a header row "
	    "(the period, each village, Total), then one figure a row, separated by tabs; by "
	    "village when you reach several, else the total alone (--by says which). --village "
	    "keeps one village (12-digit code); --xlsx writes the table to an XLSX file instead. "
	    "--supervision turns it for supervision: one site a row (each village, then the "
	    "total of your reach, its code; a village worker sees their village alone), one "
	    "figure a column after the site, its code and the period, the last the volunteers "
	    "active (each named once in the period's services). On a server that keeps "
	    "figures sent up from below (sync --from-file, sync --serve), the townships in your "
	    "reach follow: a column (a row with --supervision) for each of their villages, a "
	    "subtotal for each township, their total, marked with the day the township made "
	    "them; they carry services by function and needs opened, the other figures show "
	    "as \"—\"."),
	NULL,
};
