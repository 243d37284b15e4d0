/* ui-report.c: the report screen: a month's or a quarter's figures
 * (report.c) for each village in the worker's reach and their total, in a
 * table fitted to the terminal, and below it a bar chart of the services
 * of the last six months for the chosen village, so that a supervisor
 * sees the trend at a glance.  p prints the report, or (d in the print
 * box) the chosen village's service ledger of the month (on the total,
 * the township's). */
#include "config.h"

#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "print.h"
#include "report.h"
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
	size_t sel;        /* the chosen column: a village, or ncols for the total */
	size_t left;       /* the first village column shown */
};

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
	if (rs->err) {
		report_free(&rs->r);
		ui_message(u, "%s", store_strerror(rs->err));
	}
	if (rs->sel > rs->r.ncols)
		rs->sel = rs->r.ncols;
	/* another period may have fewer rows (no "other functions") */
	size_t total = report_rows(&rs->r);
	if (rs->top >= total)
		rs->top = total ? total - 1 : 0;
}

static const char *column_name(const struct rscreen *rs, size_t c);

/* A column's width, the space before it included: CELL_COLS, or more
 * when a village's name is longer, so that every name is read whole. */
static int
cell_cols(const struct rscreen *rs)
{
	int w = CELL_COLS;
	for (size_t c = 0; c <= rs->r.ncols; c++) {
		const char *n = column_name(rs, c);
		int nw = text_width(n, strlen(n)) + 1;
		if (nw > w)
			w = nw;
	}
	return w;
}

/* How many village columns fit beside the labels and the total. */
static size_t
fitting(const struct ui *u, const struct rscreen *rs)
{
	int n = (u->cols - 1 - LABEL_COLS) / cell_cols(rs) - 1;
	return n > 0 ? (size_t)n : 0;
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

static const char *
column_name(const struct rscreen *rs, size_t c)
{
	return c < rs->r.ncols ? rs->r.cols[c].name : _("Total");
}

static void
draw_chart(struct ui *u, struct rscreen *rs, int y)
{
	char line[512];
	snprintf(line, sizeof line, _("Services a month, the last %d months: %s"), TREND_MONTHS,
	         column_name(rs, rs->sel));
	ui_text(y, 1, u->cols - 2, line, A_BOLD);
	if (!rs->trend)
		return;
	const size_t *v = rs->trend + rs->sel * TREND_MONTHS;
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

	/* the columns shown: villages from left, then the total */
	size_t nv = rs->r.ncols, fit = fitting(u, rs), shown[64], ns = 0;
	int cw = cell_cols(rs);
	for (size_t c = rs->left; c < nv && ns < fit && ns < 63; c++)
		shown[ns++] = c;
	shown[ns++] = nv;
	ui_text(2, 1, LABEL_COLS, nv > fit ? _("Figure (Left/Right: more)") : _("Figure"),
	        A_BOLD | A_UNDERLINE);
	for (size_t i = 0; i < ns; i++) {
		int x = 1 + LABEL_COLS + (int)i * cw;
		int attr = shown[i] == rs->sel ? A_REVERSE | A_BOLD : A_BOLD | A_UNDERLINE;
		cell(2, x, cw - 1, column_name(rs, shown[i]), attr);
	}
	size_t nr = table_rows(u), total = report_rows(&rs->r);
	for (size_t k = 0; k < nr && rs->top + k < total; k++) {
		size_t row = rs->top + k;
		int y = 3 + (int)k;
		ui_text(y, 1, LABEL_COLS - 1, report_row_label(&rs->r, row, label, sizeof label), A_NORMAL);
		for (size_t i = 0; i < ns && !rs->err; i++) {
			const struct report_figures *f =
				shown[i] < nv ? &rs->r.cols[shown[i]].f : &rs->r.total;
			cell(y, 1 + LABEL_COLS + (int)i * cw, cw - 1, report_row_value(&rs->r, f, row, val, NULL),
			     shown[i] == rs->sel ? A_BOLD : A_NORMAL);
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
	size_t last = total > nr ? total - nr : 0, fit = fitting(u, rs);
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
		if (rs->sel < rs->r.ncols)
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
	/* keep the chosen village in view (the total is always shown) */
	if (rs->sel < rs->r.ncols) {
		if (rs->sel < rs->left)
			rs->left = rs->sel;
		else if (fit && rs->sel >= rs->left + fit)
			rs->left = rs->sel - fit + 1;
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
	rs->sel = rs->r.ncols == 1 ? 0 : rs->r.ncols;
	ui_push(u, &report_screen, rs);
}

int
ui_report_open(struct ui *u, const struct ui_args *a)
{
	(void)a;
	report_open(u);
	return UI_REDRAW;
}
