/* rollup.c: the townships' figures kept here (sync-tier.c) added up by
 * village, township and in all for a report's period (rollup.h says
 * which figures the files carry). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "orgunit.h"
#include "rollup.h"
#include "sync.h"
#include "util.h"

/* The column of a village, or of a township's subtotal (code = town):
 * a township's villages in code order, then its subtotal. */
static int
col_cmp(const void *a, const void *b)
{
	const struct rollup_column *x = a, *y = b;
	int c = strcmp(x->town, y->town);
	if (c)
		return c;
	if (x->subtotal != y->subtotal)
		return x->subtotal ? 1 : -1;
	return strcmp(x->code, y->code);
}

static int
add_column(struct rollup *ro, size_t *cap, const char *town, const char *code, bool subtotal,
           int64_t made)
{
	for (size_t i = 0; i < ro->ncols; i++)
		if (ro->cols[i].subtotal == subtotal && !strcmp(ro->cols[i].town, town) &&
		    !strcmp(ro->cols[i].code, code))
			return 0;
	if (!util_grow((void **)&ro->cols, cap, ro->ncols + 1, sizeof *ro->cols))
		return STORE_NOMEM;
	struct rollup_column *c = &ro->cols[ro->ncols++];
	memset(c, 0, sizeof *c);
	snprintf(c->town, sizeof c->town, "%s", town);
	snprintf(c->code, sizeof c->code, "%s", code);
	c->subtotal = subtotal;
	c->made = made;
	return 0;
}

static struct rollup_column *
find_column(struct rollup *ro, const char *town, const char *code, bool subtotal)
{
	struct rollup_column key = {.subtotal = subtotal};
	snprintf(key.town, sizeof key.town, "%s", town);
	snprintf(key.code, sizeof key.code, "%s", code);
	return bsearch(&key, ro->cols, ro->ncols, sizeof *ro->cols, col_cmp);
}

/* The slot of a function's value in r's list, or "other". */
static size_t
function_slot(const struct report *r, const char *v)
{
	for (size_t i = 0; i < r->nfunctions; i++)
		if (strcmp(v, r->functions[i].value) == 0)
			return i;
	return REPORT_OTHER(r);
}

/* A figure into its village's column (when a village's), its
 * township's subtotal and the total. */
static void
count(const struct report *r, struct rollup *ro, const struct sync_figure *x)
{
	struct report_figures *cells[3] = {NULL, NULL, &ro->total};
	struct rollup_column *c = find_column(ro, x->town, x->town, true);
	cells[1] = c ? &c->f : NULL;
	if (orgunit_level_of_code(x->unit) == UNIT_VILLAGE && (c = find_column(ro, x->town, x->unit, false)))
		cells[0] = &c->f;
	bool need = strcmp(x->what, "need") == 0;
	bool service = strncmp(x->what, "service/", 8) == 0;
	size_t slot = service ? function_slot(r, x->what + 8) : 0;
	size_t v = (size_t)x->value;
	for (int i = 0; i < 3; i++) {
		struct report_figures *f = cells[i];
		if (!f)
			continue;
		if (need)
			f->needs_opened += v;
		if (service) {
			f->services[slot] += v;
			f->services[REPORT_ALL(r)] += v;
		}
	}
}

/* Each column's and the total's services[] and people[], in one block. */
static int
place_slots(const struct report *r, struct rollup *ro)
{
	size_t per = REPORT_ALL(r) + 1;
	ro->slots = calloc((ro->ncols + 1) * 2 * per, sizeof *ro->slots);
	if (!ro->slots)
		return STORE_NOMEM;
	for (size_t i = 0; i <= ro->ncols; i++) {
		struct report_figures *f = i < ro->ncols ? &ro->cols[i].f : &ro->total;
		f->services = ro->slots + i * 2 * per;
		f->people = f->services + per;
	}
	return 0;
}

/* The names this database gives the units; a unit it lacks (or does
 * not let the worker read) is named by its code. */
static int
names_txn(store_txn *t, void *ctx)
{
	struct rollup *ro = ctx;
	for (size_t i = 0; i < ro->ncols; i++) {
		struct rollup_column *c = &ro->cols[i];
		record *u = NULL;
		int err = orgunit_by_code(t, c->code, &u);
		if (err && err != STORE_NOTFOUND && err != STORE_DENIED)
			return err;
		const char *name = u ? record_get(u, "name") : NULL;
		c->name = strdup(name && *name ? name : c->code);
		record_free(u);
		if (!c->name)
			return store_txn_fail(t, STORE_NOMEM);
	}
	return 0;
}

int
rollup_compute(store *st, const struct scope *sc, const struct report *r, struct rollup *out)
{
	memset(out, 0, sizeof *out);
	if (!sc)
		return 0;
	struct sync_figure *v;
	size_t n, cap = 0;
	int err = sync_figures_list(st, sc, &v, &n);
	if (err)
		return err;
	for (size_t i = 0; i < n && !err; i++) {
		err = add_column(out, &cap, v[i].town, v[i].town, true, v[i].made);
		if (!err && orgunit_level_of_code(v[i].unit) == UNIT_VILLAGE)
			err = add_column(out, &cap, v[i].town, v[i].unit, false, v[i].made);
	}
	if (!err && out->ncols)
		qsort(out->cols, out->ncols, sizeof *out->cols, col_cmp);
	if (!err && out->ncols)
		err = place_slots(r, out);
	for (size_t i = 0; i < n && !err && out->ncols; i++)
		if (report_period_has(&r->period, v[i].month))
			count(r, out, &v[i]);
	free(v);
	if (!err && out->ncols)
		err = store_read(st, names_txn, out);
	if (err)
		rollup_free(out);
	return err;
}

void
rollup_free(struct rollup *ro)
{
	for (size_t i = 0; i < ro->ncols; i++)
		free(ro->cols[i].name);
	free(ro->cols);
	free(ro->slots);
	memset(ro, 0, sizeof *ro);
}

bool
rollup_row_carried(const struct report *r, size_t row)
{
	enum report_figure fig = report_row_figure(r, row);
	return fig == REPORT_SERVICES || fig == REPORT_NEEDS_OPENED;
}

const char *
rollup_row_value(const struct report *r, const struct report_figures *f, size_t row, char *buf)
{
	if (!rollup_row_carried(r, row) || !f->services) {
		snprintf(buf, 16, "%s", ROLLUP_NA);
		return buf;
	}
	return report_row_value(r, f, row, buf, NULL);
}

char *
rollup_source(int64_t made, char *buf, size_t size)
{
	time_t tt = (time_t)made;
	struct tm tm;
	char day[16] = "?";
	if (localtime_r(&tt, &tm))
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
	snprintf(buf, size, _("figures of %s"), day);
	return buf;
}

char *
rollup_column_label(const struct rollup_column *c, char *buf, size_t size)
{
	char src[64], name[128];
	if (c->subtotal)
		snprintf(name, sizeof name, _("%s subtotal"), c->name ? c->name : c->code);
	else
		snprintf(name, sizeof name, "%s", c->name ? c->name : c->code);
	snprintf(buf, size, "%s (%s)", name, rollup_source(c->made, src, sizeof src));
	return buf;
}
