/* ui-today.c: the worker's day (今日待办): what today.c finds due, grouped
 * overdue, today, this week and regular visits; Enter opens the record
 * the item is about, and the list is read again when the worker comes
 * back, so what was done leaves it. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "paths.h"
#include "text.h"
#include "today.h"
#include "ui.h"

struct todayscr {
	struct today_list l;
	struct today_visits vis;
	size_t sel, top;    /* the chosen item; the first display row shown */
	bool failed;
};

static void
today_load(struct ui *u, struct todayscr *t)
{
	today_list_free(&t->l);
	t->failed = today_list(u->st, u->scope, u->forms, &t->vis, u->today, &t->l) != 0;
	if (t->failed)
		ui_message(u, "%s", _("The list of what is due could not be read; press F10 and try again."));
	if (t->sel >= t->l.n)
		t->sel = t->l.n ? t->l.n - 1 : 0;
}

/* The display row of item i: the items before it and a heading for
 * each group up to its own. */
static size_t
row_of(const struct today_list *l, size_t i)
{
	size_t heads = 0;
	for (size_t k = 0; k <= i && k < l->n; k++)
		if (k == 0 || l->items[k].group != l->items[k - 1].group)
			heads++;
	return i + heads;
}

static void
today_draw(struct ui *u, struct screen *s)
{
	struct todayscr *t = s->data;
	erase();
	ui_title(u, _("Today's work"));
	char head[128];
	snprintf(head, sizeof head, _("To do: %zu (overdue %zu)"), t->l.n, t->l.overdue);
	ui_text(2, 2, u->cols - 4, head, A_BOLD);
	int first = 4, rows = u->rows - 3 - first - 1;
	if (rows < 1)
		rows = 1;
	if (!t->l.n)
		ui_text(first, 2, u->cols - 4, _("Nothing is due. Well done."), A_NORMAL);
	size_t selrow = t->l.n ? row_of(&t->l, t->sel) : 0;
	if (selrow < t->top + 1 && t->sel == 0)
		t->top = 0;   /* the first group's heading stays in sight */
	else if (selrow < t->top)
		t->top = selrow;
	else if (selrow >= t->top + (size_t)rows)
		t->top = selrow - (size_t)rows + 1;
	size_t row = 0;
	for (size_t i = 0; i < t->l.n; i++) {
		const struct today_item *it = &t->l.items[i];
		if (i == 0 || it->group != t->l.items[i - 1].group) {
			if (row >= t->top && row < t->top + (size_t)rows)
				ui_text(first + (int)(row - t->top), 1, u->cols - 2,
				        today_group_label(it->group), A_BOLD | A_UNDERLINE);
			row++;
		}
		if (row >= t->top && row < t->top + (size_t)rows) {
			char line[600];
			/* MM-DD: the year is this one's or the last's, the worker knows */
			snprintf(line, sizeof line, " %s  %s", it->date + 5, it->line);
			int y = first + (int)(row - t->top);
			/* the chosen item marked in reverse, and by a sign that
			 * needs no colour (a screen reader, a dim monitor) */
			ui_text(y, 1, 1, i == t->sel ? ">" : " ", A_BOLD);
			ui_text(y, 2, u->cols - 3, line, i == t->sel ? A_REVERSE : A_NORMAL);
		}
		row++;
	}
	ui_text(u->rows - 4, 1, u->cols - 2,
	        _("Enter opens the record; what you have done leaves the list."), A_DIM);
	ui_footer(u, KS_TODAY);
}

struct fetch {
	rec_id id;
	record *r;
};

static int
fetch_txn(store_txn *txn, void *ctx)
{
	struct fetch *f = ctx;
	return store_get(txn, &f->id, &f->r);
}

static int
today_open(struct ui *u, struct todayscr *t)
{
	if (!t->l.n)
		return 0;
	const struct today_item *it = &t->l.items[t->sel];
	if (it->id.kind == REC_REFERRAL) {
		rec_id id = it->id;
		ui_open(u, "referral", &(struct ui_args){.id = &id});
		return UI_REDRAW;
	}
	struct fetch f = {it->id, NULL};
	if (store_read(u->st, fetch_txn, &f) || !f.r) {
		ui_message(u, "%s", _("This record can no longer be read; the list is read again."));
		today_load(u, t);
		return UI_REDRAW;
	}
	if (it->what == TODAY_VISIT_DUE) {
		/* a visit: the person's case file, from which the service is recorded */
		ui_open(u, "case", &(struct ui_args){.record = f.r});
		record_free(f.r);
		return UI_REDRAW;
	}
	struct form *fm = formset_for_record(u->forms, f.r);
	if (!fm) {
		record_free(f.r);
		return 0;
	}
	ui_open(u, "form", &(struct ui_args){.form = fm, .r = f.r, .editing = false});
	return UI_REDRAW;
}

/* The list as shown, every item under its group, to print or export. */
static void
today_out(struct ui *u, struct todayscr *t, bool print, int format)
{
	enum { NC = 3 };
	/* TRANSLATORS: the heads of printed today's work: 分组 / 日期 / 事项 */
	const char *heads[NC] = {_("When due"), _("Date"), _("What to do")};
	const char **cells = calloc(t->l.n * NC + 1, sizeof *cells);
	rec_id *ids = calloc(t->l.n + 1, sizeof *ids);
	if (!cells || !ids) {
		free(cells);
		free(ids);
		ui_message(u, "%s", store_strerror(STORE_NOMEM));
		return;
	}
	for (size_t i = 0; i < t->l.n; i++) {
		const struct today_item *it = &t->l.items[i];
		cells[i * NC] = today_group_label(it->group);
		cells[i * NC + 1] = it->date;
		cells[i * NC + 2] = it->line;
		ids[i] = it->id;
	}
	char filter[128];
	snprintf(filter, sizeof filter, _("To do: %zu (overdue %zu)"), t->l.n, t->l.overdue);
	struct ui_table tb = {.heading = _("Today's work"), .filter = filter, .name = "today",
	                      .ncols = NC, .nrows = t->l.n, .heads = heads, .cells = cells,
	                      .ids = ids, .nids = t->l.n};
	if (print)
		ui_table_print(u, &tb);
	else
		ui_table_export(u, &tb, format);
	free(cells);
	free(ids);
}

static void
today_export(struct ui *u, void *data, int format)
{
	today_out(u, data, false, format);
}

static int
today_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct todayscr *t = s->data;
	struct ui_rows r = {t->sel, 0};
	switch (a) {
	case ACT_BACK:
		return UI_POP;
	case ACT_UP:
	case ACT_DOWN:
	case ACT_PGUP:
	case ACT_PGDN:
	case ACT_HOME:
	case ACT_END: {
		int rc = ui_rows_key(&r, t->l.n, a, 10);
		t->sel = r.sel;
		return rc & UI_REDRAW;
	}
	case ACT_OPEN:
		return today_open(u, t);
	case ACT_PRINT:
		today_out(u, t, true, 0);
		return UI_REDRAW;
	case ACT_EXPORT:
		ui_table_export_ask(u, today_export, t);
		return UI_REDRAW;
	default:
		return 0;
	}
}

static void
today_resume(struct ui *u, struct screen *s)
{
	today_load(u, s->data);
}

static void
today_free(struct screen *s)
{
	struct todayscr *t = s->data;
	today_list_free(&t->l);
	today_visits_free(&t->vis);
	free(t);
}

static const struct screen_ops today_screen = {
	.scope = KS_TODAY, .draw = today_draw, .key = today_key, .resume = today_resume,
	.free = today_free,
};

int
ui_today_open(struct ui *u, const struct ui_args *a)
{
	(void)a;
	struct todayscr *t = calloc(1, sizeof *t);
	if (!t)
		return 0;
	char why[512];
	if (today_visits_load(paths_forms(), &t->vis, why, sizeof why) < 0)
		ui_message(u, "%s", why);   /* the rest of the list is still worth showing */
	today_load(u, t);
	ui_push(u, &today_screen, t);
	return UI_REDRAW;
}
