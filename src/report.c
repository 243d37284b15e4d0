/* report.c: the figures of a month or a quarter by village, worked out
 * from the records through the date and village indexes (report.h says
 * what each figure counts). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "index.h"
#include "orgunit.h"
#include "report.h"
#include "util.h"


/* --- periods --------------------------------------------------------------- */

static int
digits(const char *s, size_t n)
{
	int v = 0;
	if (n > 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
report_period_parse(const char *s, struct report_period *p)
{
	if (!s || strlen(s) != 7 || s[4] != '-')
		return -1;
	int year = digits(s, 4);
	if (year < 1900)
		return -1;
	if (s[5] == 'Q' || s[5] == 'q') {
		int q = digits(s + 6, 1);
		if (q < 1 || q > 4)
			return -1;
		*p = (struct report_period){year, (q - 1) * 3 + 1, 3};
		return 0;
	}
	int month = digits(s + 5, 2);
	if (month < 1 || month > 12)
		return -1;
	*p = (struct report_period){year, month, 1};
	return 0;
}

int
report_period_month_of(const char *date, struct report_period *p)
{
	if (!date || strlen(date) < 7)
		return -1;
	char ym[8];
	memcpy(ym, date, 7);
	ym[7] = '\0';
	return report_period_parse(ym, p);
}

void
report_period_step(struct report_period *p, int n)
{
	int m = p->year * 12 + (p->month - 1) + n * p->months;
	p->year = m / 12;
	p->month = m % 12 + 1;
}

void
report_period_toggle(struct report_period *p)
{
	if (p->months == 1) {
		p->month = (p->month - 1) / 3 * 3 + 1;
		p->months = 3;
	} else {
		p->months = 1;
	}
}

char *
report_period_format(const struct report_period *p, char *buf)
{
	/* the remainders only tell the compiler how long they can be */
	int year = p->year % 10000, month = p->month % 100;
	if (p->months == 3)
		snprintf(buf, 16, "%04d-Q%d", year, (month - 1) / 3 + 1);
	else
		snprintf(buf, 16, "%04d-%02d", year, month);
	return buf;
}

/* The i-th month of the period as the prefix its dates start with. */
static void
month_prefix(const struct report_period *p, int i, char buf[16])
{
	struct report_period m = {p->year, p->month, 1};
	report_period_step(&m, i);
	report_period_format(&m, buf);
}

bool
report_period_has(const struct report_period *p, const char *date)
{
	if (!date)
		return false;
	for (int i = 0; i < p->months; i++) {
		char pre[16];
		month_prefix(p, i, pre);
		if (strncmp(date, pre, 7) == 0 && (date[7] == '-' || date[7] == '\0'))
			return true;
	}
	return false;
}

/* --- the functions and the rows ---------------------------------------------- */

const struct form_choices *
report_functions(const struct formset *fs)
{
	const struct form *f = fs ? formset_for_kind(fs, REC_SERVICE) : NULL;
	const struct form_field *fd = f ? form_field(f, "function") : NULL;
	return fd ? fd->choices : NULL;
}

/* The label of a slot of services[] and people[] (translated as the
 * forms' choice labels are). */
static const char *
function_label(const struct report *r, size_t slot)
{
	if (slot < r->nfunctions)
		return _(r->functions[slot].label);
	return slot == REPORT_OTHER(r) ? _("Other functions") : _("All services");
}

/* The slot of a function's value: its place in the list, or "other". */
static size_t
function_slot(const struct report *r, const char *v)
{
	for (size_t i = 0; v && i < r->nfunctions; i++)
		if (strcmp(v, r->functions[i].value) == 0)
			return i;
	return REPORT_OTHER(r);
}

enum row_kind { ROW_SERVICES, ROW_PEOPLE, ROW_COUNT, ROW_HOURS, ROW_DAYS };

/* in the order of enum report_figure (report.h) */
static const struct {
	int kind;
	const char *label;   /* for ROW_SERVICES and ROW_PEOPLE: "...: %s" */
	size_t offset;       /* a size_t or double of struct report_figures */
} rows[] = {
	{ROW_SERVICES, N_("Services: %s"), 0},
	{ROW_PEOPLE, N_("People served: %s"), 0},
	{ROW_HOURS, N_("Volunteer hours"), offsetof(struct report_figures, volunteer_hours)},
	{ROW_COUNT, N_("Needs opened"), offsetof(struct report_figures, needs_opened)},
	{ROW_COUNT, N_("Needs met"), offsetof(struct report_figures, needs_met)},
	{ROW_COUNT, N_("Referrals made"), offsetof(struct report_figures, referrals_made)},
	{ROW_COUNT, N_("Referrals resolved"), offsetof(struct report_figures, referrals_resolved)},
	{ROW_DAYS, N_("Days to resolve, median"), offsetof(struct report_figures, turnaround_median)},
	{ROW_DAYS, N_("Days to resolve, mean"), offsetof(struct report_figures, turnaround_mean)},
	{ROW_COUNT, N_("Organisations being cultivated"),
	 offsetof(struct report_figures, orgs_cultivating)},
};

/* Whether the "other functions" rows are shown: when some service
 * counted there (the total holds every column's). */
static bool
other_shown(const struct report *r)
{
	return r->total.services && r->total.services[REPORT_OTHER(r)] > 0;
}

/* The by-function rows of each of services and people: the functions,
 * other (when shown), all. */
static size_t
function_rows(const struct report *r)
{
	return r->nfunctions + (other_shown(r) ? 1 : 0) + 1;
}

/* The services and people rows stand for one row per function row. */
size_t
report_rows(const struct report *r)
{
	return NELEM(rows) - 2 + 2 * function_rows(r);
}

/* The table row of a report row, and for the first two which slot of
 * services[] or people[]. */
static size_t
row_of(const struct report *r, size_t row, size_t *slot)
{
	size_t k = function_rows(r);
	*slot = 0;
	if (row >= 2 * k)
		return row - 2 * k + 2;
	size_t i = row % k;
	*slot = i < r->nfunctions ? i : i == k - 1 ? REPORT_ALL(r) : REPORT_OTHER(r);
	return row / k;
}

enum report_figure
report_row_figure(const struct report *r, size_t row)
{
	size_t slot;
	return (enum report_figure)row_of(r, row, &slot);
}

const char *
report_row_label(const struct report *r, size_t row, char *buf, size_t size)
{
	size_t slot, t = row_of(r, row, &slot);
	if (t >= NELEM(rows))
		return "";
	if (rows[t].kind == ROW_SERVICES || rows[t].kind == ROW_PEOPLE)
		snprintf(buf, size, _(rows[t].label), function_label(r, slot));
	else if (r->received && t == REPORT_REFERRALS_MADE)
		snprintf(buf, size, "%s", _("Referrals received"));
	else
		snprintf(buf, size, "%s", _(rows[t].label));
	return buf;
}

/* A number with at most two decimals, trailing zeros dropped, always
 * with '.' whatever the locale. */
static void
format_number(double v, char *buf)
{
	/* beyond any count a village keeps: said as such, not overflowed */
	if (v > 1e10 || v < -1e10) {
		snprintf(buf, 16, "%s", v < 0 ? "-inf" : "inf");
		return;
	}
	bool neg = v < 0;
	/* the remainder only tells the compiler how long it can be */
	unsigned long long h = (unsigned long long)((neg ? -v : v) * 100 + 0.5) % 10000000000000ULL;
	const char *sign = neg && h ? "-" : "";
	if (h % 100 == 0)
		snprintf(buf, 16, "%s%llu", sign, h / 100);
	else if (h % 10 == 0)
		snprintf(buf, 16, "%s%llu.%llu", sign, h / 100, h % 100 / 10);
	else
		snprintf(buf, 16, "%s%llu.%02llu", sign, h / 100, h % 100);
}

char *
report_row_value(const struct report *r, const struct report_figures *f, size_t row, char *buf,
                 double *num)
{
	size_t slot, t = row_of(r, row, &slot);
	double v = 0;
	const char *p = (const char *)f;
	if (t < NELEM(rows)) {
		switch (rows[t].kind) {
		case ROW_SERVICES:
			v = f->services ? (double)f->services[slot] : 0;
			break;
		case ROW_PEOPLE:
			v = f->people ? (double)f->people[slot] : 0;
			break;
		case ROW_COUNT:
			v = (double)*(const size_t *)(const void *)(p + rows[t].offset);
			break;
		default:
			v = *(const double *)(const void *)(p + rows[t].offset);
			break;
		}
	}
	if (num)
		*num = v;
	if (t < NELEM(rows) && rows[t].kind == ROW_DAYS && f->referrals_resolved == 0)
		snprintf(buf, 16, "-");
	else
		format_number(v, buf);
	return buf;
}

/* --- reading through the indexes -------------------------------------------- */

struct ids {
	const char *exact;   /* keep only entries whose value is exactly this */
	rec_id *v;
	size_t n, cap;
	int err;
};

static int
ids_add(const rec_id *id, const char *value, void *ctx)
{
	struct ids *l = ctx;
	if (l->exact && strcmp(value, l->exact) != 0)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		rec_id *nv = realloc(l->v, cap * sizeof *nv);
		if (!nv)
			return l->err = STORE_NOMEM;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = *id;
	return 0;
}

/* The ids first, the records after: no cursor stays open on the index
 * while the records are read.  fn sees each record the policy lets the
 * worker read. */
static int
each_found(store_txn *t, int idx, int kind, const char *value, bool exact,
           int (*fn)(const record *r, void *ctx), void *ctx)
{
	struct ids l = {exact ? value : NULL, NULL, 0, 0, 0};
	int rc = store_find(t, idx, kind, value, ids_add, &l);
	if (l.err)
		rc = store_txn_fail(t, l.err);
	for (size_t i = 0; i < l.n && !rc; i++) {
		record *r;
		int err = store_get(t, &l.v[i], &r);
		if (err == STORE_NOTFOUND || err == STORE_DENIED)
			continue;   /* out of reach, or an index entry without its record */
		if (err) {
			rc = err;
			break;
		}
		rc = fn(r, ctx);
		record_free(r);
	}
	free(l.v);
	return rc;
}

/* --- the columns -------------------------------------------------------------- */

struct unit_ref {
	char id[REC_ID_TEXTMAX];
};

struct build {
	const struct report_opts *o;
	struct report *r;
	struct unit_ref *units;   /* every unit whose records count (any level) */
	size_t nunits, capunits, capcols;
	int err;
};

static int
unit_one(const record *u, void *ctx)
{
	struct build *b = ctx;
	char id[REC_ID_TEXTMAX];
	rec_id_format(&u->id, id);
	if (b->o->sc && !scope_in_reach(b->o->sc, id))
		return 0;
	if (b->o->village && strcmp(id, b->o->village) != 0)
		return 0;
	if (!util_grow((void **)&b->units, &b->capunits, b->nunits + 1, sizeof *b->units))
		return b->err = STORE_NOMEM;
	memcpy(b->units[b->nunits++].id, id, sizeof id);
	const char *code = record_get(u, "code"), *name = record_get(u, "name");
	if (orgunit_level_of_code(code ? code : "") != UNIT_VILLAGE)
		return 0;
	struct report *r = b->r;
	void *cols = r->cols;
	if (!util_grow(&cols, &b->capcols, r->ncols + 1, sizeof *r->cols))
		return b->err = STORE_NOMEM;
	r->cols = cols;
	struct report_column *c = &r->cols[r->ncols];
	memset(c, 0, sizeof *c);
	memcpy(c->unit, id, sizeof id);
	snprintf(c->code, sizeof c->code, "%s", code);
	c->name = strdup(name ? name : code);
	if (!c->name)
		return b->err = STORE_NOMEM;
	r->ncols++;
	return 0;
}

static int
col_cmp(const void *a, const void *b)
{
	return strcmp(((const struct report_column *)a)->code,
	              ((const struct report_column *)b)->code);
}

/* The column of a record's village: its index, or ncols when it is no
 * village column (the township's own), or -1 when the report leaves the
 * record out (another village than the one asked for). */
static long
column_of(const struct report *r, const struct report_opts *o, const record *rec)
{
	const char *v = record_get(rec, "village");
	if (o->village && (!v || strcmp(v, o->village) != 0))
		return -1;
	for (size_t i = 0; v && i < r->ncols; i++)
		if (strcmp(r->cols[i].unit, v) == 0)
			return (long)i;
	return (long)r->ncols;
}

static struct report_figures *
figures(struct report *r, long col)
{
	return (size_t)col < r->ncols ? &r->cols[col].f : NULL;
}

/* --- services ------------------------------------------------------------------ */

/* One beneficiary of one service, for counting people once per cell. */
struct served {
	long col;    /* a column, or ncols for the total */
	size_t slot; /* of services[] and people[]: a function, other, or all */
	rec_id who;
};

/* The slot of served for a volunteer: past people[]'s last. */
#define VOLUNTEER_SLOT(r) (REPORT_ALL(r) + 1)

struct services {
	struct build *b;
	struct served *v;
	size_t n, cap;
};

static int
served_add(struct services *s, long col, size_t slot, const rec_id *who)
{
	if (!util_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v))
		return STORE_NOMEM;
	s->v[s->n++] = (struct served){col, slot, *who};
	return 0;
}

/* The hours of an "id:hours,id:hours" list; items that are not an id, a
 * colon and a number are left out (as tally.c leaves them out).  Read by
 * hand: stored numbers use '.' whatever the locale. */
static double
hours_of(const char *list)
{
	double sum = 0;
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ",");
		const char *colon = memchr(p, ':', n), *end = p + n;
		p = *end ? end + 1 : end;
		if (!colon)
			continue;
		const char *s = colon + 1;
		while (s < end && *s == ' ')
			s++;
		double v = 0, scale = 1;
		bool point = false, any = false, bad = false;
		for (; s < end && *s != ' '; s++) {
			if (*s >= '0' && *s <= '9') {
				any = true;
				if (point)
					v += (*s - '0') * (scale /= 10);
				else
					v = v * 10 + (*s - '0');
			} else if (*s == '.' && !point) {
				point = true;
			} else {
				bad = true;
				break;
			}
		}
		while (s < end && *s == ' ')
			s++;
		if (any && !bad && s == end)
			sum += v;
	}
	return sum;
}

static int
service_one(const record *rec, void *ctx)
{
	struct services *s = ctx;
	struct report *r = s->b->r;
	long col = column_of(r, s->b->o, rec);
	if (col < 0)
		return 0;
	size_t fn = function_slot(r, record_get(rec, "function")), all = REPORT_ALL(r);
	struct report_figures *cells[2] = {figures(r, col), &r->total};
	double hours = hours_of(record_get(rec, "volunteers"));
	/* the residents it names, each once (a list may name one twice) */
	size_t named = 0;
	const char *list = record_get(rec, "beneficiaries");
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ",");
		char idtext[REC_ID_TEXTMAX];
		rec_id who;
		const char *item = p;
		p += n;
		if (*p)
			p++;
		while (n && *item == ' ')
			item++, n--;
		while (n && item[n - 1] == ' ')
			n--;
		if (n == 0 || n >= sizeof idtext)
			continue;
		memcpy(idtext, item, n);
		idtext[n] = '\0';
		if (rec_id_parse(idtext, &who) < 0)
			continue;
		named++;
		long cols[2] = {col, (long)r->ncols};
		for (int c = 0; c < 2; c++) {
			if (c == 0 && !cells[0])
				continue;
			if (served_add(s, cols[c], fn, &who) || served_add(s, cols[c], all, &who))
				return STORE_NOMEM;
		}
	}
	/* the volunteers it names ("id:hours" items), each once per cell:
	 * counted as people are, in a slot of their own */
	for (const char *p = record_get(rec, "volunteers"); p && *p;) {
		size_t n = strcspn(p, ",:");
		char idtext[REC_ID_TEXTMAX];
		rec_id who;
		const char *item = p;
		p += strcspn(p, ",");
		if (*p)
			p++;
		while (n && *item == ' ')
			item++, n--;
		while (n && item[n - 1] == ' ')
			n--;
		if (n == 0 || n >= sizeof idtext)
			continue;
		memcpy(idtext, item, n);
		idtext[n] = '\0';
		if (rec_id_parse(idtext, &who) < 0)
			continue;
		long cols[2] = {col, (long)r->ncols};
		for (int c = 0; c < 2; c++)
			if ((c || cells[0]) && served_add(s, cols[c], VOLUNTEER_SLOT(r), &who))
				return STORE_NOMEM;
	}
	/* a community activity: the people beyond those it names */
	const char *hc = record_get(rec, "headcount");
	int head = hc ? digits(hc, strlen(hc)) : -1;
	size_t extra = head > 0 && (size_t)head > named ? (size_t)head - named : 0;
	for (int c = 0; c < 2; c++) {
		struct report_figures *f = cells[c];
		if (!f)
			continue;
		f->services[fn]++;
		f->people[fn] += extra;
		f->services[all]++;
		f->people[all] += extra;
		f->volunteer_hours += hours;
	}
	return 0;
}

static int
served_cmp(const void *a, const void *b)
{
	const struct served *x = a, *y = b;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	if (x->who.kind != y->who.kind)
		return x->who.kind < y->who.kind ? -1 : 1;
	if (x->who.site != y->who.site)
		return x->who.site < y->who.site ? -1 : 1;
	if (x->who.seq != y->who.seq)
		return x->who.seq < y->who.seq ? -1 : 1;
	return 0;
}

/* Each distinct (cell, function, resident) is one person served, each
 * distinct (cell, volunteer) one volunteer active. */
static void
count_people(struct report *r, struct services *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof *s->v, served_cmp);
	for (size_t i = 0; i < s->n; i++) {
		if (i && served_cmp(&s->v[i - 1], &s->v[i]) == 0)
			continue;
		struct report_figures *f = (size_t)s->v[i].col < r->ncols ? &r->cols[s->v[i].col].f
		                                                         : &r->total;
		if (s->v[i].slot == VOLUNTEER_SLOT(r))
			f->volunteers_active++;
		else
			f->people[s->v[i].slot]++;
	}
}

/* --- needs ------------------------------------------------------------------------ */

static int
need_opened(const record *rec, void *ctx)
{
	struct build *b = ctx;
	long col = column_of(b->r, b->o, rec);
	if (col < 0)
		return 0;
	if (figures(b->r, col))
		figures(b->r, col)->needs_opened++;
	b->r->total.needs_opened++;
	return 0;
}

static int
need_met(const record *rec, void *ctx)
{
	struct build *b = ctx;
	long col = column_of(b->r, b->o, rec);
	if (col < 0)
		return 0;
	/* the day it was last changed, as the worker's clock has it */
	time_t at = (time_t)rec->updated_at;
	struct tm tm;
	char day[16];
	if (!localtime_r(&at, &tm) || !strftime(day, sizeof day, "%Y-%m-%d", &tm))
		return 0;
	if (!report_period_has(&b->r->period, day))
		return 0;
	if (figures(b->r, col))
		figures(b->r, col)->needs_met++;
	b->r->total.needs_met++;
	return 0;
}

/* --- referrals and organisations ------------------------------------------------------ */

struct days {
	long *v;
	size_t n, cap;
};

struct referrals {
	struct build *b;
	struct days *days;   /* per column, the total's last */
};

static int
referral_one(const record *rec, void *ctx)
{
	struct referrals *rf = ctx;
	struct report *r = rf->b->r;
	/* a station's: its own, whoever sent them (the total alone) */
	long col = r->received ? (long)r->ncols : column_of(r, rf->b->o, rec);
	if (col < 0)
		return 0;
	const char *sub = record_get(rec, "submitted"), *res = record_get(rec, "resolved");
	struct report_figures *cells[2] = {figures(r, col), &r->total};
	size_t slots[2] = {(size_t)col, r->ncols};
	int64_t from, to;
	bool resolved = report_period_has(&r->period, res) && date_day_number(sub, &from) &&
	                date_day_number(res, &to) && to >= from;
	for (int c = 0; c < 2; c++) {
		if (!cells[c])
			continue;
		if (report_period_has(&r->period, sub))
			cells[c]->referrals_made++;
		if (!resolved)
			continue;
		struct days *d = &rf->days[slots[c]];
		if (!util_grow((void **)&d->v, &d->cap, d->n + 1, sizeof *d->v))
			return STORE_NOMEM;
		d->v[d->n++] = (long)(to - from);
		cells[c]->referrals_resolved++;
	}
	return 0;
}

static int
long_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

static void
turnaround(struct report_figures *f, struct days *d)
{
	if (!d->n)
		return;
	qsort(d->v, d->n, sizeof *d->v, long_cmp);
	double sum = 0;
	for (size_t i = 0; i < d->n; i++)
		sum += (double)d->v[i];
	f->turnaround_mean = sum / (double)d->n;
	f->turnaround_median = d->n % 2 ? (double)d->v[d->n / 2]
	                                : ((double)d->v[d->n / 2 - 1] + (double)d->v[d->n / 2]) / 2;
}

static int
org_one(const record *rec, void *ctx)
{
	struct build *b = ctx;
	const char *stage = record_get(rec, "stage");
	long col = column_of(b->r, b->o, rec);
	if (col < 0 || !stage || strcmp(stage, "cultivating") != 0)
		return 0;
	if (figures(b->r, col))
		figures(b->r, col)->orgs_cultivating++;
	b->r->total.orgs_cultivating++;
	return 0;
}

/* --- the report ------------------------------------------------------------------------- */

static int
load_columns(store_txn *t, struct build *b)
{
	int rc = store_scan(t, REC_UNIT, NULL, unit_one, b);
	if (!rc && b->err)
		rc = store_txn_fail(t, b->err);
	if (!rc && b->r->ncols)
		qsort(b->r->cols, b->r->ncols, sizeof *b->r->cols, col_cmp);
	return rc;
}

/* The functions of the forms, copied into the report. */
static int
copy_functions(struct report *r, const struct form_choices *fc)
{
	size_t n = fc ? fc->n : 0;
	r->functions = calloc(n ? n : 1, sizeof *r->functions);
	if (!r->functions)
		return -1;
	for (size_t i = 0; i < n; i++) {
		r->functions[i].value = strdup(fc->items[i].value);
		r->functions[i].label = strdup(fc->items[i].label);
		r->nfunctions = i + 1;
		if (!r->functions[i].value || !r->functions[i].label)
			return -1;
	}
	return 0;
}

/* Each column's and the total's services[] and people[], in one block
 * (after the columns are known: they move while they are gathered). */
static int
place_slots(struct report *r)
{
	size_t per = REPORT_ALL(r) + 1;
	r->slots = calloc((r->ncols + 1) * 2 * per, sizeof *r->slots);
	if (!r->slots)
		return -1;
	for (size_t i = 0; i <= r->ncols; i++) {
		struct report_figures *f = i < r->ncols ? &r->cols[i].f : &r->total;
		f->services = r->slots + i * 2 * per;
		f->people = f->services + per;
	}
	return 0;
}

int
report_compute(store_txn *t, const struct report_opts *o, struct report *out)
{
	memset(out, 0, sizeof *out);
	out->period = o->period;
	out->received = o->sc && o->sc->level == UNIT_STATION && !o->village;
	struct build b = {o, out, NULL, 0, 0, 0, 0};
	int rc = copy_functions(out, o->functions) < 0 ? store_txn_fail(t, STORE_NOMEM) : 0;
	if (!rc)
		rc = load_columns(t, &b);
	if (!rc && place_slots(out) < 0)
		rc = store_txn_fail(t, STORE_NOMEM);

	/* services and needs opened: the date index, a month at a time */
	struct services s = {&b, NULL, 0, 0};
	for (int m = 0; m < o->period.months && !rc; m++) {
		char pre[16];
		month_prefix(&o->period, m, pre);
		rc = each_found(t, IDX_DATE, REC_SERVICE, pre, false, service_one, &s);
		if (!rc)
			rc = each_found(t, IDX_DATE, REC_NEED, pre, false, need_opened, &b);
	}
	if (!rc)
		count_people(out, &s);
	free(s.v);
	/* needs met: the status index */
	if (!rc)
		rc = each_found(t, IDX_STATUS, REC_NEED, "met", true, need_met, &b);

	/* referrals and organisations: the village index, unit by unit (no
	 * index holds a referral's dates) */
	struct referrals rf = {&b, calloc(out->ncols + 1, sizeof *rf.days)};
	if (!rf.days && !rc)
		rc = store_txn_fail(t, STORE_NOMEM);
	for (size_t i = 0; i < b.nunits && !rc; i++) {
		rc = each_found(t, out->received ? IDX_TO : IDX_VILLAGE, REC_REFERRAL, b.units[i].id,
		                true, referral_one, &rf);
		if (!rc)
			rc = each_found(t, IDX_VILLAGE, REC_ORG, b.units[i].id, true, org_one, &b);
	}
	for (size_t i = 0; rf.days && i <= out->ncols; i++) {
		if (!rc)
			turnaround(i < out->ncols ? &out->cols[i].f : &out->total, &rf.days[i]);
		free(rf.days[i].v);
	}
	free(rf.days);
	free(b.units);
	if (rc)
		report_free(out);
	return rc;
}

void
report_free(struct report *r)
{
	for (size_t i = 0; i < r->ncols; i++)
		free(r->cols[i].name);
	free(r->cols);
	r->cols = NULL;
	r->ncols = 0;
	for (size_t i = 0; i < r->nfunctions; i++) {
		free(r->functions[i].value);
		free(r->functions[i].label);
	}
	free(r->functions);
	r->functions = NULL;
	r->nfunctions = 0;
	free(r->slots);
	r->slots = NULL;
	r->total.services = r->total.people = NULL;
}

struct trend {
	const struct report_opts *o;
	const struct report *r;
	size_t *counts;
	int months, m;
};

static int
trend_one(const record *rec, void *ctx)
{
	struct trend *tr = ctx;
	long col = column_of(tr->r, tr->o, rec);
	if (col < 0)
		return 0;
	if ((size_t)col < tr->r->ncols)
		tr->counts[(size_t)col * (size_t)tr->months + (size_t)tr->m]++;
	tr->counts[tr->r->ncols * (size_t)tr->months + (size_t)tr->m]++;
	return 0;
}

int
report_trend(store_txn *t, const struct report_opts *o, const struct report *r, int months,
             size_t **counts)
{
	*counts = calloc((r->ncols + 1) * (size_t)months, sizeof **counts);
	if (!*counts)
		return store_txn_fail(t, STORE_NOMEM);
	struct trend tr = {o, r, *counts, months, 0};
	/* the last month of the period, and the months before it */
	struct report_period last = {o->period.year, o->period.month, 1};
	report_period_step(&last, o->period.months - 1);
	int rc = 0;
	for (tr.m = 0; tr.m < months && !rc; tr.m++) {
		char pre[16];
		month_prefix(&last, tr.m - (months - 1), pre);
		rc = each_found(t, IDX_DATE, REC_SERVICE, pre, false, trend_one, &tr);
	}
	if (rc) {
		free(*counts);
		*counts = NULL;
	}
	return rc;
}

int
report_village_by_code(store_txn *t, const char *code, char *id)
{
	record *u;
	int err = orgunit_by_code(t, code, &u);
	if (err)
		return err;
	bool village = orgunit_level_of_code(code) == UNIT_VILLAGE;
	rec_id_format(&u->id, id);
	record_free(u);
	return village ? STORE_OK : STORE_NOTFOUND;
}
