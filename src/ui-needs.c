/* ui-needs.c: the needs list (需求清单): a village's needs counted by
 * service and status, from which a worker opens the needs of a status or
 * starts a project. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"
#include "ui.h"

#define MAXS 16

struct needs {
	struct form *f;
	const struct form_field *service, *status;
	size_t ns, nt;
	size_t count[MAXS + 1][MAXS + 1];   /* service x status; the last row/column: totals */
	struct ui_rows at;                   /* a service row (or the totals) */
	const char *village;
};

static size_t
index_of(const struct form_field *fd, const char *v, size_t n)
{
	for (size_t i = 0; v && fd->choices && i < fd->choices->n && i < n; i++)
		if (strcmp(fd->choices->items[i].value, v) == 0)
			return i;
	return n;  /* counted under the totals only */
}

static int
count_one(const record *r, void *ctx)
{
	struct needs *nd = ctx;
	const char *v = record_get(r, "village");
	if (record_voided(r) || (nd->village && (!v || strcmp(v, nd->village) != 0)))
		return 0;
	size_t s = index_of(nd->service, record_get(r, "service"), nd->ns);
	size_t t = index_of(nd->status, record_get(r, "status"), nd->nt);
	nd->count[s][t]++;
	if (t != nd->nt)
		nd->count[s][nd->nt]++;
	if (s != nd->ns)
		nd->count[nd->ns][t]++;
	if (s != nd->ns && t != nd->nt)
		nd->count[nd->ns][nd->nt]++;
	return 0;
}

static int
count_txn(store_txn *t, void *ctx)
{
	struct needs *nd = ctx;
	memset(nd->count, 0, sizeof nd->count);
	/* the whole list is read once, when the screen opens: not per key */
	return store_scan(t, REC_NEED, NULL, count_one, nd);
}

static void
needs_draw(struct ui *u, struct screen *s)
{
	struct needs *nd = s->data;
	erase();
	ui_title(u, _("Needs list: needs by service and status"));
	int labw = 24, cw = (u->cols - labw - 2) / (int)(nd->nt + 1);
	if (cw > 12)
		cw = 12;
	ui_text(2, 1, labw, _("Service"), A_BOLD | A_UNDERLINE);
	for (size_t t = 0; t <= nd->nt; t++)
		ui_text(2, 1 + labw + (int)t * cw, cw,
		        t < nd->nt ? _(nd->status->choices->items[t].label) : _("Total"),
		        A_BOLD | A_UNDERLINE);
	for (size_t r = 0; r <= nd->ns; r++) {
		int attr = r == nd->at.sel ? A_REVERSE : (r == nd->ns ? A_BOLD : A_NORMAL);
		ui_text(3 + (int)r, 1, labw,
		        r < nd->ns ? _(nd->service->choices->items[r].label) : _("Total"), attr);
		for (size_t t = 0; t <= nd->nt; t++) {
			char n[16];
			snprintf(n, sizeof n, "%zu", nd->count[r][t]);
			ui_text(3 + (int)r, 1 + labw + (int)t * cw, cw, n, attr);
		}
	}
	ui_text(5 + (int)nd->ns, 1, u->cols - 2,
	        _("Enter opens the needs; F3 designs a project for the chosen service."), A_DIM);
	ui_footer(u, KS_NEEDS);
}

/* The table as shown, to print or export: a row a service and the totals,
 * a column a status and the total; the counts alone, no record's data. */
static void
needs_out(struct ui *u, struct needs *nd, bool print, int format)
{
	size_t nc = nd->nt + 2, nr = nd->ns + 1;
	const char *heads[MAXS + 2];
	const char **cells = calloc(nr * nc, sizeof *cells);
	char (*num)[16] = calloc(nr * nc, sizeof *num);
	if (!cells || !num) {
		free(cells);
		free(num);
		ui_message(u, "%s", store_strerror(STORE_NOMEM));
		return;
	}
	heads[0] = _("Service");
	for (size_t t = 0; t <= nd->nt; t++)
		heads[1 + t] = t < nd->nt ? _(nd->status->choices->items[t].label) : _("Total");
	for (size_t r = 0; r < nr; r++) {
		cells[r * nc] = r < nd->ns ? _(nd->service->choices->items[r].label) : _("Total");
		for (size_t t = 0; t <= nd->nt; t++) {
			snprintf(num[r * nc + 1 + t], sizeof num[0], "%zu", nd->count[r][t]);
			cells[r * nc + 1 + t] = num[r * nc + 1 + t];
		}
	}
	char *village = nd->village ? ui_ref_name(u, nd->village) : NULL;
	char filter[256] = "";
	if (village)
		snprintf(filter, sizeof filter, _("Filter: %s"), village);
	struct ui_table tb = {.heading = _("Needs list: needs by service and status"),
	                      .filter = filter, .name = "needs", .ncols = nc, .nrows = nr,
	                      .heads = heads, .cells = cells};
	if (print)
		ui_table_print(u, &tb);
	else
		ui_table_export(u, &tb, format);
	free(village);
	free(cells);
	free(num);
}

static void
needs_export(struct ui *u, void *data, int format)
{
	needs_out(u, data, false, format);
}

static int
needs_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct needs *nd = s->data;
	switch (a) {
	case ACT_BACK:
		return UI_POP;
	case ACT_UP:
	case ACT_DOWN:
		return ui_rows_key(&nd->at, nd->ns + 1, a, 0);   /* the services and the totals */
	case ACT_OPEN:
		ui_open(u, "list", &(struct ui_args){.form = nd->f, .status = NULL});
		return UI_REDRAW;
	case ACT_NEW: {
		struct form *pf = formset_for_kind(u->forms, REC_PROJECT);
		record *r = pf ? record_new(REC_PROJECT) : NULL;
		if (!r)
			return 0;
		struct form_env env = ui_form_env(u);
		if (nd->at.sel < nd->ns)
			record_set(r, "service", nd->service->choices->items[nd->at.sel].value);
		form_apply_defaults(pf, r, &env);
		ui_open(u, "form", &(struct ui_args){.form = pf, .r = r, .editing = true});
		return UI_REDRAW;
	}
	case ACT_PRINT:
		needs_out(u, nd, true, 0);
		return UI_REDRAW;
	case ACT_EXPORT:
		ui_table_export_ask(u, needs_export, nd);
		return UI_REDRAW;
	default:
		return 0;
	}
}

static void
needs_resume(struct ui *u, struct screen *s)
{
	store_read(u->st, count_txn, s->data);
}

static void
needs_free(struct screen *s)
{
	free(s->data);
}

static const struct screen_ops needs_screen = {
	.scope = KS_NEEDS, .draw = needs_draw, .key = needs_key, .free = needs_free,
	.resume = needs_resume,
};

static void
needs_open(struct ui *u, struct form *need_form)
{
	const struct form_field *svc = form_field(need_form, "service");
	const struct form_field *st = form_field(need_form, "status");
	if (!svc || !st || !svc->choices || !st->choices) {
		ui_message(u, "%s", _("The need form has no service and status lists to count by."));
		return;
	}
	struct needs *nd = calloc(1, sizeof *nd);
	if (!nd)
		return;
	nd->f = need_form;
	nd->service = svc;
	nd->status = st;
	nd->ns = svc->choices->n < MAXS ? svc->choices->n : MAXS;
	nd->nt = st->choices->n < MAXS ? st->choices->n : MAXS;
	nd->village = scope_village(u->scope);
	store_read(u->st, count_txn, nd);
	ui_push(u, &needs_screen, nd);
}

int
ui_needs_open(struct ui *u, const struct ui_args *a)
{
	if (a->form)
		needs_open(u, a->form);
	return UI_REDRAW;
}
