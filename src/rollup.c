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

/* The rows that say what a file carries: "more" (unit: the township, or
 * the county, whose figures hold the report's), "held" (a county's: a
 * township whose own file it forwards). */
struct marks {
	const struct sync_figure **v;
	size_t n;
};

static bool
marked(const struct marks *mk, const char *what, const char *town, const char *unit)
{
	for (size_t i = 0; i < mk->n; i++)
		if (!strcmp(mk->v[i]->what, what) && !strcmp(mk->v[i]->town, town) &&
		    !strcmp(mk->v[i]->unit, unit))
			return true;
	return false;
}

/* Whether the file of town carries the report's figures of unit (a
 * village, or a township's own): those of the township whose file it
 * forwards when a county's, else of the sender itself. */
static bool
carried(const struct marks *mk, const char *town, const char *unit)
{
	char t9[10];
	snprintf(t9, sizeof t9, "%.9s", unit);
	if (strlen(unit) >= 9 && strcmp(t9, town) != 0 && marked(mk, "held", town, t9))
		return marked(mk, "more", town, t9);
	return marked(mk, "more", town, town);
}

/* Whether a village's figures counted once per period are in its
 * file's subtotal apart: not when a township's whole (its report's
 * total) is there for them, as for every village of a township. */
static bool
village_apart(const struct marks *mk, const char *town, const char *unit)
{
	char t9[10];
	snprintf(t9, sizeof t9, "%.9s", unit);
	return strcmp(t9, town) != 0 && !marked(mk, "held", town, t9);
}

/* A report figure of the files (sync-tier.c) into f. */
static void
add_figure(const struct report *r, struct report_figures *f, unsigned *medians,
           const struct sync_figure *x, bool period_row)
{
	uint64_t v = x->value;
	const char *w = x->what;
	if (!period_row) {
		if (!strcmp(w, "r/hours"))
			f->volunteer_hours += (double)v / 100;
		else if (!strcmp(w, "r/met"))
			f->needs_met += (size_t)v;
		else if (!strcmp(w, "r/made"))
			f->referrals_made += (size_t)v;
		else if (!strcmp(w, "r/resolved"))
			f->referrals_resolved += (size_t)v;
		else if (!strcmp(w, "r/days"))
			f->turnaround_mean += (double)v; /* the sum, divided at the end */
		else if (!strcmp(w, "o/orgs"))
			f->orgs_cultivating += (size_t)v;
		return;
	}
	if (!strcmp(w, "p/people"))
		f->people[REPORT_ALL(r)] += (size_t)v;
	else if (!strncmp(w, "p/people/", 9))
		f->people[function_slot(r, w + 9)] += (size_t)v;
	else if (!strcmp(w, "p/active"))
		f->volunteers_active += (size_t)v;
	else if (!strcmp(w, "p/median") && v) {
		f->turnaround_median = (double)(v - 1) / 100;
		(*medians)++;
	}
}

/* A figure into its village's column (when a village's), its
 * township's subtotal and the total. */
static void
count(const struct report *r, struct rollup *ro, const struct marks *mk,
      const struct sync_figure *x)
{
	struct report_figures *cells[3] = {NULL, NULL, &ro->total};
	unsigned *medians[3] = {NULL, NULL, &ro->total_medians};
	struct rollup_column *c = find_column(ro, x->town, x->town, true);
	if (c)
		cells[1] = &c->f, medians[1] = &c->medians;
	bool village = orgunit_level_of_code(x->unit) == UNIT_VILLAGE;
	if (village && (c = find_column(ro, x->town, x->unit, false)))
		cells[0] = &c->f, medians[0] = &c->medians;
	char period[16];
	report_period_format(&r->period, period);
	if (!strncmp(x->what, "p/", 2)) {
		/* counted once per period: the row of the period itself */
		if (strcmp(x->month, period) != 0)
			return;
		if (village && !village_apart(mk, x->town, x->unit))
			cells[1] = cells[2] = NULL;
		if (!village && orgunit_level_of_code(x->unit) != UNIT_TOWNSHIP)
			return;
		for (int i = 0; i < 3; i++)
			if (cells[i])
				add_figure(r, cells[i], medians[i], x, true);
		return;
	}
	bool orgs = strcmp(x->what, "o/orgs") == 0;
	if (!orgs && !report_period_has(&r->period, x->month))
		return;
	if (orgs || !strncmp(x->what, "r/", 2)) {
		for (int i = 0; i < 3; i++)
			if (cells[i])
				add_figure(r, cells[i], medians[i], x, false);
		return;
	}
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

/* Whether each column's file carries the report's figures, the days'
 * sums made means. */
static void
finish(struct rollup *ro, const struct marks *mk)
{
	ro->total_carried = ro->ncols > 0;
	for (size_t i = 0; i < ro->ncols; i++) {
		struct rollup_column *c = &ro->cols[i];
		c->carried = carried(mk, c->town, c->code);
		for (size_t k = 0; c->subtotal && k < mk->n; k++)
			if (!strcmp(mk->v[k]->what, "held") && !strcmp(mk->v[k]->town, c->town) &&
			    !marked(mk, "more", c->town, mk->v[k]->unit))
				c->carried = false;
		if (c->subtotal && !c->carried)
			ro->total_carried = false;
		struct report_figures *f = &c->f;
		f->turnaround_mean = f->referrals_resolved ? f->turnaround_mean / (double)f->referrals_resolved : 0;
	}
	struct report_figures *f = &ro->total;
	f->turnaround_mean = f->referrals_resolved ? f->turnaround_mean / (double)f->referrals_resolved : 0;
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
	struct marks mk = {calloc(n ? n : 1, sizeof *mk.v), 0};
	if (!mk.v && !err)
		err = STORE_NOMEM;
	for (size_t i = 0; i < n && !err; i++)
		if (!strcmp(v[i].what, "more") || !strcmp(v[i].what, "held"))
			mk.v[mk.n++] = &v[i];
	for (size_t i = 0; i < n && !err && out->ncols; i++)
		count(r, out, &mk, &v[i]);
	if (!err)
		finish(out, &mk);
	free(mk.v);
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

const char *
rollup_value(const struct report *r, const struct rollup *ro, size_t col, size_t row, char *buf)
{
	const struct report_figures *f = col < ro->ncols ? &ro->cols[col].f : &ro->total;
	bool more = col < ro->ncols ? ro->cols[col].carried : ro->total_carried;
	unsigned medians = col < ro->ncols ? ro->cols[col].medians : ro->total_medians;
	enum report_figure fig = report_row_figure(r, row);
	bool counts = fig == REPORT_SERVICES || fig == REPORT_NEEDS_OPENED;
	/* a median is of one list of days: not of several townships' */
	if (!f->services || (!counts && !more) ||
	    (fig == REPORT_DAYS_MEDIAN && f->referrals_resolved && medians != 1)) {
		snprintf(buf, 16, "%s", ROLLUP_NA);
		return buf;
	}
	return report_row_value(r, f, row, buf, NULL);
}

const char *
rollup_active(const struct rollup *ro, size_t col, char *buf)
{
	const struct report_figures *f = col < ro->ncols ? &ro->cols[col].f : &ro->total;
	bool more = col < ro->ncols ? ro->cols[col].carried : ro->total_carried;
	if (more)
		snprintf(buf, 16, "%zu", f->volunteers_active);
	else
		snprintf(buf, 16, "%s", ROLLUP_NA);
	return buf;
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
