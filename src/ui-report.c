/* ui-report.c: the report screen: a month's or a quarter's figures
 * (report.c) for each village in the worker's reach and their total, in a
 * table fitted to the terminal, and below it a bar chart of the services
 * of the last six months for the chosen village, so that a supervisor
 * sees the trend at a glance.  p prints the report, or (d in the print
 * box) the chosen village's service ledger of the month (on the total,
 * the township's).  A county's server that keeps its townships' figures
 * (rollup.c) shows after its villages each township's subtotal, marked
 * with the day the township made it, and their total, as `shegong
 * report` does; they have no trend, the chart says so. */
#include "config.h"

#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "print.h"
#include "report.h"
#include "rollup.h"
#include "text.h"
#include "ui.h"

#define TREND_MONTHS 6
#define LABEL_COLS 24
#define CELL_COLS 9

struct rscreen {
	struct report_opts o;
	struct report r;
	size_t *trend;     /* report_trend's counts */
	int err;
	size_t top;        /* the first figure shown */
	size_t sel;        /* the chosen column: a village, a column of the
	                      townships' figures, or last_col for the total */
	size_t left;       /* the first column shown before the total */
	struct rollup ro;  /* the townships' figures kept here */
	size_t nro;        /* their columns: each subtotal, then their total */
	size_t *roi;       /* which of ro's columns, ro.ncols for their total */
	char (*rolabel)[192];
};

/* The columns before the total: the villages, then the townships'. */
static size_t
last_col(const struct rscreen *rs)
{
	return rs->r.ncols + rs->nro;
}

static void
rollup_clear(struct rscreen *rs)
{
	rollup_free(&rs->ro);
	free(rs->roi);
	free(rs->rolabel);
	rs->roi = NULL;
	rs->rolabel = NULL;
	rs->nro = 0;
}

/* The townships' figures of the period: the subtotals and their total,
 * as the plain report's columns. */
static int
load_rollup(struct ui *u, struct rscreen *rs)
{
	rollup_clear(rs);
	int err = rollup_compute(u->st, rs->o.sc, &rs->r, &rs->ro);
	if (err || !rs->ro.ncols)
		return err;
	rs->roi = calloc(rs->ro.ncols + 1, sizeof *rs->roi);
	rs->rolabel = calloc(rs->ro.ncols + 1, sizeof *rs->rolabel);
	if (!rs->roi || !rs->rolabel) {
		rollup_clear(rs);
		return STORE_NOMEM;
	}
	for (size_t i = 0; i < rs->ro.ncols; i++)
		if (rs->ro.cols[i].subtotal) {
			rollup_column_label(&rs->ro.cols[i], rs->rolabel[rs->nro], sizeof rs->rolabel[0]);
			rs->roi[rs->nro++] = i;
		}
	snprintf(rs->rolabel[rs->nro], sizeof rs->rolabel[0], "%s", _("Total of the figures received"));
	rs->roi[rs->nro++] = rs->ro.ncols;
	return 0;
}

static int
load_txn(store_txn *t, void *ctx)
{
	struct rscreen *rs = ctx;
	int err = report_compute(t, &rs->o, &rs->r);
	if (!err)
		err = report_trend(t, &rs->o, &rs->r, TREND_MONTHS, &rs->trend);
	return err;
}

static void
load(struct ui *u, struct rscreen *rs)
{
	report_free(&rs->r);
	free(rs->trend);
	rs->trend = NULL;
	rs->err = store_read(u->st, load_txn, rs);
	rollup_clear(rs);
	if (!rs->err)
		rs->err = load_rollup(u, rs);
	if (rs->err) {
		report_free(&rs->r);
		rollup_clear(rs);
		ui_message(u, "%s", store_strerror(rs->err));
	}
	if (rs->sel > last_col(rs))
		rs->sel = last_col(rs);
	if (rs->left > rs->sel)
		rs->left = rs->sel;
	/* another period may have fewer rows (no "other functions") */
	size_t total = report_rows(&rs->r);
	if (rs->top >= total)
		rs->top = total ? total - 1 : 0;
}

static const char *column_name(const struct rscreen *rs, size_t c);

/* A column's width, the space before it included: CELL_COLS, or more
 * when a village's name is longer, so that every name is read whole; a
 * column of the townships' figures as wide as its own header. */
static int
cell_cols(const struct rscreen *rs, size_t col)
{
	int w = CELL_COLS;
	if (col > rs->r.ncols && col <= last_col(rs)) {
		const char *n = column_name(rs, col);
		int nw = text_width(n, strlen(n)) + 1;
		return nw > w ? nw : w;
	}
	for (size_t c = 0; c <= rs->r.ncols; c++) {
		const char *n = column_name(rs, c);
		int nw = text_width(n, strlen(n)) + 1;
		if (nw > w)
			w = nw;
	}
	return w;
}

/* The column shown i-th of those before the total: the villages, then
 * the townships' (numbered after the total's r.ncols). */
static size_t
scroll_col(const struct rscreen *rs, size_t i)
{
	return i < rs->r.ncols ? i : i + 1;
}

/* How many columns from the first shown fit beside the labels and the
 * total (one at least when there is one). */
static size_t
fitting(const struct ui *u, const struct rscreen *rs, size_t left)
{
	int room = u->cols - 1 - LABEL_COLS - cell_cols(rs, rs->r.ncols);
	size_t n = 0;
	for (size_t i = left; i < last_col(rs); i++) {
		room -= cell_cols(rs, scroll_col(rs, i));
		if (room < 0 && n)
			break;
		n++;
		if (room < 0)
			break;
	}
	return n;
}

/* How many figures fit above the chart and the footer. */
static size_t
table_rows(const struct ui *u)
{
	int n = u->rows - 3 - 3 - (TREND_MONTHS + 2);
	return n > 1 ? (size_t)n : 1;
}

/* A figure, or a column's name, to the right of its w columns: each
 * figure ends under the last column of its village's name. */
static void
cell(int y, int x, int w, const char *v, int attr)
{
	char buf[256];
	int pad = w - text_width(v, strlen(v));
	snprintf(buf, sizeof buf, "%*s%s", pad > 0 ? pad : 0, "", v);
	ui_text(y, x, w, buf, attr);
}

/* A bar of len eighths of a column.  UTF-8: full blocks and the partial
 * one (U+258F one eighth ... U+2589 seven eighths).  Elsewhere '#' for
 * each whole column: a GB18030 terminal has the block characters, but the
 * locale gives them two columns (East Asian ambiguous width) while many
 * terminals draw them in one, so the rest of the row would drift. */
static void
bar(char *out, size_t cap, long eighths, bool utf8)
{
	size_t n = 0;
	out[0] = '\0';
	if (!utf8) {
		long cells = (eighths + 4) / 8;
		if (cells == 0 && eighths > 0)
			cells = 1;
		for (long i = 0; i < cells && n + 1 < cap; i++)
			out[n++] = '#';
		out[n] = '\0';
		return;
	}
	for (long i = 0; i < eighths / 8 && n + 4 < cap; i++)
		n += text_utf8_encode(0x2588, out + n);
	if (eighths % 8 && n + 4 < cap)
		n += text_utf8_encode(0x2590 - (uint32_t)(eighths % 8), out + n);
	out[n] = '\0';
}

/* c: a village, r.ncols the total, after it the townships' columns */
static const char *
column_name(const struct rscreen *rs, size_t c)
{
	if (c > rs->r.ncols && c <= last_col(rs))
		return rs->rolabel[c - rs->r.ncols - 1];
	return c < rs->r.ncols ? rs->r.cols[c].name : _("Total");
}

/* The column chosen in column_name's numbering. */
static size_t
sel_col(const struct rscreen *rs)
{
	return rs->sel == last_col(rs) ? rs->r.ncols : scroll_col(rs, rs->sel);
}

static void
draw_chart(struct ui *u, struct rscreen *rs, int y)
{
	char line[512];
	size_t col = sel_col(rs);
	snprintf(line, sizeof line, _("Services a month, the last %d months: %s"), TREND_MONTHS,
	         column_name(rs, col));
	ui_text(y, 1, u->cols - 2, line, A_BOLD);
	if (col > rs->r.ncols) {
		ui_text(y + 1, 1, u->cols - 2,
		        _("The figures received are of the period only: no months to chart."), A_NORMAL);
		return;
	}
	if (!rs->trend)
		return;
	const size_t *v = rs->trend + col * TREND_MONTHS;
	size_t max = 1;
	for (int m = 0; m < TREND_MONTHS; m++)
		if (v[m] > max)
			max = v[m];
	const char *cs = nl_langinfo(CODESET);
	bool utf8 = cs && strcmp(cs, "UTF-8") == 0;
	int width = u->cols - 2 - 9 - 8;
	if (width < 4)
		width = 4;
	struct report_period month = {rs->o.period.year, rs->o.period.month, 1};
	report_period_step(&month, rs->o.period.months - TREND_MONTHS);
	for (int m = 0; m < TREND_MONTHS; m++, report_period_step(&month, 1)) {
		char name[16], b[4 * 512], n[24];
		long eighths = (long)(v[m] * (size_t)width * 8 / max);
		if (eighths == 0 && v[m] > 0)
			eighths = 1;
		bar(b, sizeof b, eighths, utf8);
		bool in = report_period_has(&rs->o.period, report_period_format(&month, name));
		ui_text(y + 1 + m, 1, 8, name, in ? A_BOLD : A_NORMAL);
		int bw = text_width(b, strlen(b));
		ui_text(y + 1 + m, 10, bw, b, A_NORMAL);
		snprintf(n, sizeof n, "%zu", v[m]);
		ui_text(y + 1 + m, 10 + bw + 1, 7, n, A_NORMAL);
	}
}

static void
report_draw(struct ui *u, struct screen *s)
{
	struct rscreen *rs = s->data;
	char line[512], period[16], label[256], val[16];
	erase();
	ui_title(u, _("Reports: figures by village"));
	report_period_format(&rs->o.period, period);
	snprintf(line, sizeof line, "%s %s    %s", rs->o.period.months == 1 ? _("Month") : _("Quarter"),
	         period, _("Left/Right: a village and its trend; Up/Down: more figures"));
	ui_text(1, 1, u->cols - 2, line, A_NORMAL);

	/* the columns shown: villages and the townships' from left, then
	 * the total */
	size_t nv = rs->r.ncols, fit = fitting(u, rs, rs->left), shown[64], ns = 0;
	int xs[64], ws[64], x = 1 + LABEL_COLS;
	for (size_t i = rs->left; i < last_col(rs) && ns < fit && ns < 63; i++)
		shown[ns++] = scroll_col(rs, i);
	shown[ns++] = nv;
	size_t chosen = sel_col(rs);
	ui_text(2, 1, LABEL_COLS, last_col(rs) > fit ? _("Figure (Left/Right: more)") : _("Figure"),
	        A_BOLD | A_UNDERLINE);
	for (size_t i = 0; i < ns; i++) {
		xs[i] = x;
		ws[i] = cell_cols(rs, shown[i]);
		x += ws[i];
		int attr = shown[i] == chosen ? A_REVERSE | A_BOLD : A_BOLD | A_UNDERLINE;
		cell(2, xs[i], ws[i] - 1, column_name(rs, shown[i]), attr);
	}
	size_t nr = table_rows(u), total = report_rows(&rs->r);
	for (size_t k = 0; k < nr && rs->top + k < total; k++) {
		size_t row = rs->top + k;
		int y = 3 + (int)k;
		ui_text(y, 1, LABEL_COLS - 1, report_row_label(&rs->r, row, label, sizeof label), A_NORMAL);
		for (size_t i = 0; i < ns && !rs->err; i++) {
			const char *v;
			if (shown[i] > nv) {
				size_t ri = rs->roi[shown[i] - nv - 1];
				v = rollup_value(&rs->r, &rs->ro, ri < rs->ro.ncols ? ri : rs->ro.ncols, row,
				                 val);
			} else {
				const struct report_figures *f =
					shown[i] < nv ? &rs->r.cols[shown[i]].f : &rs->r.total;
				v = report_row_value(&rs->r, f, row, val, NULL);
			}
			cell(y, xs[i], ws[i] - 1, v, shown[i] == chosen ? A_BOLD : A_NORMAL);
		}
	}
	if (rs->top + nr < total)
		ui_text(3 + (int)nr, 1, 1, "v", A_BOLD);   /* more figures below */
	draw_chart(u, rs, 3 + (int)nr + 1);
	ui_footer(u, KS_REPORT);
}

/* p: the report shown, of the chosen village (the total: of every
 * village in reach), for its period; d in the print box: that village's
 * service ledger of the month, or on the total the ledger of the
 * worker's own unit (a township's: every village under it, each with its
 * subtotal; print.c keeps it to the worker's reach).  A ledger is one
 * month's: on a quarter the box says how to get one instead. */
static int
print_report(struct ui *u, struct rscreen *rs)
{
	char period[16];
	report_period_format(&rs->o.period, period);
	const char *village = rs->sel < rs->r.ncols ? rs->r.cols[rs->sel].unit
	                      : rs->r.ncols == 1  ? rs->r.cols[0].unit
	                                          : NULL;
	struct print_req rq = {.doc = PRINT_REPORT, .period = period,
	                       .village = rs->sel < rs->r.ncols ? village : NULL};
	struct print_req lq = {.doc = PRINT_LEDGER, .period = period, .village = village};
	struct ui_args ledger = {.req = &lq};
	/* none: the worker's own unit's (a township's: all its villages) */
	const char *note = NULL;
	if (rs->o.period.months != 1)
		note = _("The service ledger is printed by month: F5 shows a month, then press p.");
	u->msg[0] = '\0';
	return ui_open(u, "print", &(struct ui_args){.req = &rq, .also = note ? NULL : &ledger,
	                                             .note = note});
}

static void
change_period(struct ui *u, struct rscreen *rs, int step, bool toggle)
{
	if (toggle)
		report_period_toggle(&rs->o.period);
	else
		report_period_step(&rs->o.period, step);
	u->msg[0] = '\0';
	load(u, rs);
}

static int
report_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct rscreen *rs = s->data;
	size_t nr = table_rows(u), total = report_rows(&rs->r);
	size_t last = total > nr ? total - nr : 0;
	switch (a) {
	case ACT_BACK:
		return UI_POP;
	case ACT_UP:
		if (rs->top > 0)
			rs->top--;
		return UI_REDRAW;
	case ACT_DOWN:
		if (rs->top < last)
			rs->top++;
		return UI_REDRAW;
	case ACT_PGUP:
		rs->top = rs->top > nr ? rs->top - nr : 0;
		return UI_REDRAW;
	case ACT_PGDN:
		rs->top = rs->top + nr < last ? rs->top + nr : last;
		return UI_REDRAW;
	case ACT_HOME:
		rs->top = 0;
		return UI_REDRAW;
	case ACT_END:
		rs->top = last;
		return UI_REDRAW;
	case ACT_LEFT:
		if (rs->sel > 0)
			rs->sel--;
		break;
	case ACT_RIGHT:
		if (rs->sel < last_col(rs))
			rs->sel++;
		break;
	case ACT_PERIOD_PREV:
		change_period(u, rs, -1, false);
		return UI_REDRAW;
	case ACT_PERIOD_NEXT:
		change_period(u, rs, 1, false);
		return UI_REDRAW;
	case ACT_PERIOD_KIND:
		change_period(u, rs, 0, true);
		return UI_REDRAW;
	case ACT_PRINT:
		return print_report(u, rs);
	default:
		return 0;
	}
	/* keep the chosen column in view (the total is always shown) */
	if (rs->sel < last_col(rs)) {
		if (rs->sel < rs->left)
			rs->left = rs->sel;
		while (rs->left < rs->sel && rs->sel >= rs->left + fitting(u, rs, rs->left))
			rs->left++;
	}
	return UI_REDRAW;
}

static void
report_resume(struct ui *u, struct screen *s)
{
	load(u, s->data);
}

static void
report_screen_free(struct screen *s)
{
	struct rscreen *rs = s->data;
	report_free(&rs->r);
	rollup_clear(rs);
	free(rs->trend);
	free(rs);
}

static const struct screen_ops report_screen = {
	.scope = KS_REPORT, .draw = report_draw, .key = report_key, .free = report_screen_free,
	.resume = report_resume,
};

static void
report_open(struct ui *u)
{
	struct rscreen *rs = calloc(1, sizeof *rs);
	if (!rs)
		return;
	if (report_period_month_of(u->today, &rs->o.period) < 0)
		rs->o.period = (struct report_period){2026, 1, 1};
	rs->o.sc = u->scope;
	rs->o.functions = report_functions(u->forms);
	u->msg[0] = '\0';
	load(u, rs);
	/* a village worker's one village is the chart's; others start with the total */
	rs->sel = rs->r.ncols == 1 ? 0 : last_col(rs);
	ui_push(u, &report_screen, rs);
}

int
ui_report_open(struct ui *u, const struct ui_args *a)
{
	(void)a;
	report_open(u);
	return UI_REDRAW;
}
