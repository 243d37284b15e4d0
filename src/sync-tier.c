/* sync-tier.c: a site's figures carried to the site above it (a township
 * server's to its county server, a county server's to its city server):
 * counts only, no personal data, in an exchange file of format 3:
 *
 *   "SHEGONG-EXCHANGE" (16) | format u32 (3) | from site u64 | made i64 |
 *   from unit code (u16 + text: the township, or the county) | rows u32 |
 *   each { unit code (u16 + text: a unit under the sender's or its own),
 *   month (u16 + "YYYY-MM"), what (u16 + text: "need", "referral",
 *   "volunteer", "service/FUNCTION", "hours/FUNCTION" in tenths), value
 *   u64 } | SHA-256 of everything before it (32)
 *
 * all integers big-endian.  Then, in the same format (older readers add
 * up only the rows they know, so nothing needs a new version and a city
 * takes a county's file whatever its townships run), the report's other
 * figures, worked out by report_compute as the sender's own report
 * does, for every month its records may count in and each quarter
 * holding one; a zero is left out:
 *
 *   what "r/hours" (hundredths), "r/met", "r/made", "r/resolved",
 *   "r/days" (the sum of the days of those resolved), month YYYY-MM,
 *   by village and the sender's own (its code: the total less its
 *   villages): they add up over months and units;
 *   "p/people/FN" ("-": a service with no function), "p/people" (all
 *   services), "p/active", "p/median" (hundredths, plus 1), month
 *   YYYY-MM or YYYY-Qn, by village and for a township its whole (its
 *   code: the report's total): counted once per period, they do not
 *   add up;
 *   "o/orgs", this month, by village and the sender's own;
 *   "more" (unit: the sender), saying the file carries them, and in a
 *   county's file "held" (unit: a township whose file it forwards,
 *   with that file's own "more" row or none, an older one).
 *
 * A county's file carries the counts of its own
 * records and the newest figures it keeps of each of its townships: a
 * township whose figures are kept counts by its file only (the county's
 * copies of its records, which escalated referrals carry, are left out,
 * so nothing is counted twice).
 *
 * The file is checked whole (length, checksum, format, every row under
 * the sender) before anything is kept.  A database holding the unit of a
 * city is that city's server: it takes the files of its counties, and no
 * township's (a township's figures go to its county); any other database
 * takes townships' files, and no county's.  The receiver keeps the newest
 * file of each sender whole (meta "sync/fig/CODE"), so the same file
 * twice, or an older one after a newer, changes nothing, and a file cut
 * short or damaged changes nothing at all.  One "sync-figures" audit
 * entry goes with each file kept. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "i18n.h"
#include "orgunit.h"
#include "report.h"
#include "sha256.h"
#include "sync-internal.h"

#define FIG_MAGIC_LEN 16
#define FIG_MAX_ROWS 1000000u

/* --- making: the counts of the records the worker reads -------------------- */

struct fig_row {
	char unit[16], month[8], what[64];
	uint64_t value;
};

struct units_map {
	char (*id)[REC_ID_TEXTMAX];
	char (*code)[16];
	size_t n;
};

struct mk {
	struct units_map u;
	const char *town; /* the sender's code: the township, or the county */
	struct fig_row *rows;
	size_t n, cap;
	/* a county: the townships whose kept figures count for them */
	char (*held)[16];
	size_t nheld;
	/* the report's figures: the worker, the months of the sender's own
	 * records, the functions their services name */
	const struct scope *sc;
	char (*months)[8];
	size_t nmonths;
	char (*fns)[48];
	size_t nfns;
};

/* A month (or a function) into a set of distinct texts. */
static int
set_add(void *setp, size_t *n, size_t width, const char *v)
{
	char **set = setp;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(*set + i * width, v) == 0)
			return 0;
	void *a = realloc(*set, (*n + 1) * width);
	if (!a)
		return STORE_NOMEM;
	*set = a;
	snprintf(*set + *n * width, width, "%s", v);
	(*n)++;
	return 0;
}

static int
month_add(struct mk *m, const char *date)
{
	if (!date || strlen(date) < 7 || date[4] != '-')
		return 0;
	char ym[8];
	memcpy(ym, date, 7);
	ym[7] = '\0';
	struct report_period p;
	return report_period_parse(ym, &p) == 0 ? set_add(&m->months, &m->nmonths, 8, ym) : 0;
}

static bool
held_under(const struct mk *m, const char *code)
{
	for (size_t i = 0; i < m->nheld; i++)
		if (strncmp(code, m->held[i], strlen(m->held[i])) == 0)
			return true;
	return false;
}

static int
unit_cb(const record *r, void *ctx)
{
	struct units_map *u = ctx;
	const char *code = record_get(r, "code");
	if (!code || strlen(code) >= 16)
		return 0;
	void *a = realloc(u->id, (u->n + 1) * sizeof *u->id);
	if (!a)
		return STORE_NOMEM;
	u->id = a;
	a = realloc(u->code, (u->n + 1) * sizeof *u->code);
	if (!a)
		return STORE_NOMEM;
	u->code = a;
	rec_id_format(&r->id, u->id[u->n]);
	snprintf(u->code[u->n], 16, "%s", code);
	u->n++;
	return 0;
}

static const char *
code_of(const struct units_map *u, const char *id)
{
	for (size_t i = 0; id && i < u->n; i++)
		if (strcmp(u->id[i], id) == 0)
			return u->code[i];
	return NULL;
}

/* A new row at the end. */
static int
append_row(struct mk *m, const char *unit, const char *month, const char *what, uint64_t v)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		void *a = realloc(m->rows, cap * sizeof *m->rows);
		if (!a)
			return STORE_NOMEM;
		m->rows = a;
		m->cap = cap;
	}
	struct fig_row *r = &m->rows[m->n++];
	snprintf(r->unit, sizeof r->unit, "%s", unit);
	snprintf(r->month, sizeof r->month, "%s", month);
	snprintf(r->what, sizeof r->what, "%s", what);
	r->value = v;
	return 0;
}

/* Add v to the row (unit, month, what), made when there is none. */
static int
add_row(struct mk *m, const char *unit, const char *month, const char *what, uint64_t v)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->rows[i].unit, unit) && !strcmp(m->rows[i].month, month) &&
		    !strcmp(m->rows[i].what, what)) {
			m->rows[i].value += v;
			return 0;
		}
	return append_row(m, unit, month, what, v);
}

static int
rec_cb(const record *r, void *ctx)
{
	struct mk *m = ctx;
	if (record_voided(r))
		return 0;
	const char *code = code_of(&m->u, record_get(r, "village"));
	if (!code || strncmp(code, m->town, strlen(m->town)) != 0 || held_under(m, code))
		return 0;
	char month[8];
	const char *d = record_get(r, "date");
	if (d && strlen(d) >= 7 && d[4] == '-') {
		memcpy(month, d, 7);
		month[7] = '\0';
	} else {
		time_t tt = (time_t)r->created_at;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(month, sizeof month, "%Y-%m", &tm);
	}
	/* the months the report may count it in */
	int err = month_add(m, month);
	if (!err && r->id.kind == REC_REFERRAL) {
		err = month_add(m, record_get(r, "submitted"));
		if (!err)
			err = month_add(m, record_get(r, "resolved"));
	}
	if (!err && r->id.kind == REC_NEED) {
		time_t at = (time_t)r->updated_at;
		struct tm lt;
		char day[16];
		if (localtime_r(&at, &lt) && strftime(day, sizeof day, "%Y-%m-%d", &lt))
			err = month_add(m, day);
	}
	if (!err && r->id.kind == REC_SERVICE) {
		const char *fn = record_get(r, "function");
		if (fn && *fn && strlen(fn) < 48)
			err = set_add(&m->fns, &m->nfns, 48, fn);
	}
	if (err)
		return err;
	switch (r->id.kind) {
	case REC_NEED:
		return add_row(m, code, month, "need", 1);
	case REC_REFERRAL:
		return add_row(m, code, month, "referral", 1);
	case REC_VOLUNTEER:
		return add_row(m, code, month, "volunteer", 1);
	case REC_SERVICE: {
		const char *fn = record_get(r, "function");
		char what[64];
		snprintf(what, sizeof what, "service/%.40s", fn && *fn ? fn : "-");
		err = add_row(m, code, month, what, 1);
		const char *h = record_get(r, "hours");
		if (err || !h || !*h)
			return err;
		double hours = strtod(h, NULL);
		if (!(hours > 0) || hours > 1e6)
			return 0;
		snprintf(what, sizeof what, "hours/%.40s", fn && *fn ? fn : "-");
		return add_row(m, code, month, what, (uint64_t)(hours * 10 + 0.5));
	}
	default:
		return 0;
	}
}

static int fig_parse(const unsigned char *buf, size_t len, struct sync_figures *f);

/* A county: the figures it keeps of a township under it, rows as they
 * are (one township's rows are unique, and no other row is under it). */
static int
held_meta(const char *name, const void *data, size_t len, void *ctx)
{
	(void)name;
	struct mk *m = ctx;
	struct sync_figures f;
	if (fig_parse(data, len, &f) != 0)
		return 0;
	int err = 0;
	if (orgunit_level_of_code(f.town) != UNIT_TOWNSHIP ||
	    strncmp(f.town, m->town, strlen(m->town)) != 0)
		goto out;
	void *a = realloc(m->held, (m->nheld + 1) * sizeof *m->held);
	if (!a) {
		err = STORE_NOMEM;
		goto out;
	}
	m->held = a;
	snprintf(m->held[m->nheld++], sizeof *m->held, "%s", f.town);
	if (m->n + f.n > m->cap) {
		size_t cap = m->n + f.n + 64;
		if (!(a = realloc(m->rows, cap * sizeof *m->rows))) {
			err = STORE_NOMEM;
			goto out;
		}
		m->rows = a;
		m->cap = cap;
	}
	for (size_t i = 0; i < f.n; i++) {
		struct fig_row *r = &m->rows[m->n++];
		snprintf(r->unit, sizeof r->unit, "%s", f.rows[i].unit);
		snprintf(r->month, sizeof r->month, "%s", f.rows[i].month);
		snprintf(r->what, sizeof r->what, "%s", f.rows[i].what);
		r->value = f.rows[i].value;
	}
out:
	free(f.rows);
	return err;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct fig_row *x = a, *y = b;
	int c = strcmp(x->unit, y->unit);
	if (!c)
		c = strcmp(x->month, y->month);
	return c ? c : strcmp(x->what, y->what);
}

/* A row of the report's figures: each (unit, period, figure) once, so
 * no search; a zero is left out. */
static int
push_row(struct mk *m, const char *unit, const char *period, const char *what, uint64_t v)
{
	return v ? append_row(m, unit, period, what, v) : 0;
}

static uint64_t
hundredths(double v)
{
	return v > 0 && v < 1e12 ? (uint64_t)(v * 100 + 0.5) : 0;
}

/* The figures that add up across months and villages, of f, as the
 * rows of unit for the month: volunteer hours (hundredths), needs met,
 * referrals made and resolved, and the days of those resolved (the
 * mean times their number: the sum, a whole number). */
static int
push_sums(struct mk *m, const char *unit, const char *month, const struct report_figures *f)
{
	int err = push_row(m, unit, month, "r/hours", hundredths(f->volunteer_hours));
	if (!err)
		err = push_row(m, unit, month, "r/met", f->needs_met);
	if (!err)
		err = push_row(m, unit, month, "r/made", f->referrals_made);
	if (!err)
		err = push_row(m, unit, month, "r/resolved", f->referrals_resolved);
	if (!err)
		err = push_row(m, unit, month, "r/days",
		              f->referrals_resolved
		                  ? (uint64_t)(f->turnaround_mean * (double)f->referrals_resolved + 0.5)
		                  : 0);
	return err;
}

/* The figures counted once per period (people served by function,
 * volunteers active) and the median days, of f, as the rows of unit for
 * the period ("YYYY-MM" or "YYYY-Qn"): they do not add up. */
static int
push_period(struct mk *m, const struct report *r, const char *unit, const char *period,
            const struct report_figures *f)
{
	int err = 0;
	for (size_t s = 0; s < REPORT_ALL(r) && !err; s++) {
		char what[64];
		snprintf(what, sizeof what, "p/people/%s",
		         s < r->nfunctions ? r->functions[s].value : "-");
		err = push_row(m, unit, period, what, f->people[s]);
	}
	if (!err)
		err = push_row(m, unit, period, "p/people", f->people[REPORT_ALL(r)]);
	if (!err)
		err = push_row(m, unit, period, "p/active", f->volunteers_active);
	if (!err && f->referrals_resolved)
		err = push_row(m, unit, period, "p/median", hundredths(f->turnaround_median) + 1);
	return err;
}

/* The sender's own records: the total less every village column. */
static void
own_of(const struct report *r, struct report_figures *own)
{
	*own = r->total;
	double days = r->total.turnaround_mean * (double)r->total.referrals_resolved;
	for (size_t i = 0; i < r->ncols; i++) {
		const struct report_figures *c = &r->cols[i].f;
		own->volunteer_hours -= c->volunteer_hours;
		own->needs_met -= c->needs_met;
		own->referrals_made -= c->referrals_made;
		own->referrals_resolved -= c->referrals_resolved;
		days -= c->turnaround_mean * (double)c->referrals_resolved;
		own->orgs_cultivating -= c->orgs_cultivating;
	}
	own->turnaround_mean = own->referrals_resolved ? days / (double)own->referrals_resolved : 0;
}

/* The report of one period, worked out by report_compute as the
 * worker's own report is, into rows: by village (those of a township
 * whose kept figures count for it left out) and the sender's own. */
static int
report_period_rows(store_txn *t, struct mk *m, const struct form_choices *fc,
                   const struct report_period *p, bool orgs)
{
	struct report_opts o = {.period = *p, .sc = m->sc, .functions = fc};
	struct report r;
	int err = report_compute(t, &o, &r);
	if (err)
		return err;
	char period[16];
	report_period_format(p, period);
	struct report_figures own;
	own_of(&r, &own);
	for (size_t i = 0; i < r.ncols && !err; i++) {
		const struct report_column *c = &r.cols[i];
		if (strncmp(c->code, m->town, strlen(m->town)) != 0 || held_under(m, c->code))
			continue;
		err = push_period(m, &r, c->code, period, &c->f);
		if (!err && p->months == 1)
			err = push_sums(m, c->code, period, &c->f);
		if (!err && orgs)
			err = push_row(m, c->code, period, "o/orgs", c->f.orgs_cultivating);
	}
	/* a township's whole: its report's total (a county's total holds
	 * its townships' villages too, whose files say them) */
	if (!err && orgunit_level_of_code(m->town) == UNIT_TOWNSHIP)
		err = push_period(m, &r, m->town, period, &r.total);
	if (!err && p->months == 1)
		err = push_sums(m, m->town, period, &own);
	if (!err && orgs)
		err = push_row(m, m->town, period, "o/orgs", own.orgs_cultivating);
	report_free(&r);
	return err;
}

static int
str8_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The report's figures of every month the sender's records may count
 * in and of the quarters holding them; the organisations being
 * cultivated (the same in every period) with this month; and the rows
 * saying that this file carries them ("more" of the sender, and of a
 * county's "held" townships, each their own "more" or not). */
static int
report_rows_of(store_txn *t, struct mk *m)
{
	time_t now = time(NULL);
	struct tm lt;
	char today[16] = "";
	if (localtime_r(&now, &lt))
		strftime(today, sizeof today, "%Y-%m-%d", &lt);
	int err = month_add(m, today);
	if (err)
		return err;
	struct form_choice *items = calloc(m->nfns ? m->nfns : 1, sizeof *items);
	if (!items)
		return STORE_NOMEM;
	for (size_t i = 0; i < m->nfns; i++)
		items[i].value = items[i].label = m->fns[i];
	struct form_choices fc = {.n = m->nfns, .items = items};
	qsort(m->months, m->nmonths, sizeof *m->months, str8_cmp);
	char lastq[16] = "";
	for (size_t i = 0; i < m->nmonths && !err; i++) {
		struct report_period p;
		report_period_parse(m->months[i], &p);
		err = report_period_rows(t, m, &fc, &p, strncmp(m->months[i], today, 7) == 0);
		report_period_toggle(&p);
		char q[16];
		report_period_format(&p, q);
		if (!err && strcmp(q, lastq) != 0) {
			snprintf(lastq, sizeof lastq, "%s", q);
			err = report_period_rows(t, m, &fc, &p, false);
		}
	}
	free(items);
	char month[8];
	snprintf(month, sizeof month, "%.7s", today);
	if (!err)
		err = push_row(m, m->town, month, "more", 1);
	for (size_t i = 0; i < m->nheld && !err; i++)
		err = push_row(m, m->held[i], month, "held", 1);
	return err;
}

static int
make_txn(store_txn *t, void *ctx)
{
	struct mk *m = ctx;
	int err = store_scan(t, REC_UNIT, NULL, unit_cb, &m->u);
	if (!err && orgunit_level_of_code(m->town) == UNIT_COUNTY)
		err = store_meta_each(t, "sync/fig/", held_meta, m);
	static const int kinds[] = {REC_NEED, REC_SERVICE, REC_VOLUNTEER, REC_REFERRAL};
	for (size_t i = 0; !err && i < sizeof kinds / sizeof kinds[0]; i++)
		err = store_scan(t, kinds[i], NULL, rec_cb, m);
	if (!err)
		err = report_rows_of(t, m);
	if (!err && m->n)
		qsort(m->rows, m->n, sizeof *m->rows, row_cmp);
	return err;
}

int
sync_figures_make(store *st, const struct scope *sc, unsigned char **buf, size_t *len,
                  size_t *rows, char *why, size_t whysize)
{
	*buf = NULL;
	*len = 0;
	if (rows)
		*rows = 0;
	if (!sc || sc->role == ROLE_SUPERVISOR ||
	    (sc->level != UNIT_TOWNSHIP && sc->level != UNIT_COUNTY)) {
		sync_why(why, whysize, "%s",
		         _("Figures go up from a township server, made by its township's worker, "
		           "and from a county server, made by a worker of the county."));
		return SYNC_ERR_ROLE;
	}
	struct mk m = {.town = sc->unit_code, .sc = sc};
	int err = store_read(st, make_txn, &m);
	if (!err) {
		struct strbuf b = {0};
		sb_add(&b, SYNC_MAGIC, FIG_MAGIC_LEN);
		sync_put_be(&b, SYNC_FORMAT_FIGURES, 4);
		sync_put_be(&b, store_site(st), 8);
		sync_put_be(&b, (uint64_t)(int64_t)time(NULL), 8);
		sync_put_str(&b, sc->unit_code);
		sync_put_be(&b, m.n, 4);
		for (size_t i = 0; i < m.n; i++) {
			sync_put_str(&b, m.rows[i].unit);
			sync_put_str(&b, m.rows[i].month);
			sync_put_str(&b, m.rows[i].what);
			sync_put_be(&b, m.rows[i].value, 8);
		}
		unsigned char h[SHA256_LEN];
		sha256(b.p, b.len, h);
		sb_add(&b, h, sizeof h);
		*len = b.len;
		*buf = (unsigned char *)sb_detach(&b);
		if (!*buf)
			err = STORE_NOMEM;
		if (rows)
			*rows = m.n;
	}
	free(m.u.id);
	free(m.u.code);
	free(m.rows);
	free(m.held);
	free(m.months);
	free(m.fns);
	return err;
}

/* --- reading and keeping ---------------------------------------------------- */

bool
sync_is_figures(const unsigned char *buf, size_t len)
{
	return len >= FIG_MAGIC_LEN + 4 && memcmp(buf, SYNC_MAGIC, FIG_MAGIC_LEN) == 0 &&
	       buf[16] == 0 && buf[17] == 0 && buf[18] == 0 && buf[19] == SYNC_FORMAT_FIGURES;
}

/* Check buf whole; rows into *out (malloc'd) when out is not NULL. */
static int
fig_parse(const unsigned char *buf, size_t len, struct sync_figures *f)
{
	memset(f, 0, sizeof *f);
	if (len < FIG_MAGIC_LEN + 4 + SHA256_LEN || memcmp(buf, SYNC_MAGIC, FIG_MAGIC_LEN) != 0)
		return SYNC_ERR_DAMAGED;
	unsigned char h[SHA256_LEN];
	sha256(buf, len - SHA256_LEN, h);
	if (memcmp(h, buf + len - SHA256_LEN, SHA256_LEN) != 0)
		return SYNC_ERR_DAMAGED;
	struct sync_rd r = {buf, len - SHA256_LEN, FIG_MAGIC_LEN, false};
	uint64_t format = sync_get_be(&r, 4);
	if (!r.bad && format != SYNC_FORMAT_FIGURES)
		return format > SYNC_FORMAT_FIGURES ? SYNC_ERR_NEWER : SYNC_ERR_DAMAGED;
	f->from_site = sync_get_be(&r, 8);
	f->made = (int64_t)sync_get_be(&r, 8);
	sync_get_str(&r, f->town, sizeof f->town);
	uint64_t n = sync_get_be(&r, 4);
	int level = orgunit_level_of_code(f->town);
	if (r.bad || n > FIG_MAX_ROWS || (level != UNIT_TOWNSHIP && level != UNIT_COUNTY))
		return SYNC_ERR_DAMAGED;
	f->rows = calloc(n ? n : 1, sizeof *f->rows);
	if (!f->rows)
		return STORE_NOMEM;
	for (size_t i = 0; i < n && !r.bad; i++) {
		struct sync_figure *x = &f->rows[i];
		sync_get_str(&r, x->unit, sizeof x->unit);
		sync_get_str(&r, x->month, sizeof x->month);
		sync_get_str(&r, x->what, sizeof x->what);
		x->value = sync_get_be(&r, 8);
		snprintf(x->town, sizeof x->town, "%s", f->town);
		x->made = f->made;
		/* every row the sender's own or one of a unit under it */
		if (strncmp(x->unit, f->town, strlen(f->town)) != 0)
			r.bad = true;
		f->n = i + 1;
	}
	if (r.bad || r.at != r.n) {
		free(f->rows);
		memset(f, 0, sizeof *f);
		return SYNC_ERR_DAMAGED;
	}
	return 0;
}

struct keep {
	const struct scope *sc;
	const unsigned char *buf;
	size_t len;
	struct sync_figures f;
	bool already;
	char *why;
	size_t whysize;
};

/* Whether this database holds the unit of the city of code (its first
 * four digits): a city's server. */
static int
city_here(store_txn *t, const char *code, bool *yes)
{
	char city[8];
	snprintf(city, sizeof city, "%.4s", code);
	record *c;
	int err = orgunit_by_code(t, city, &c);
	*yes = err == 0;
	if (!err)
		record_free(c);
	return err == STORE_NOTFOUND || err == STORE_DENIED ? 0 : err;
}

static int
keep_txn(store_txn *t, void *ctx)
{
	struct keep *k = ctx;
	bool county = orgunit_level_of_code(k->f.town) == UNIT_COUNTY, city;
	int err = city_here(t, k->f.town, &city);
	if (err)
		return err;
	if (county && !city) {
		sync_why(k->why, k->whysize,
		         _("These are the figures of the county %s: they go to its city's server "
		           "(a database with the city's unit), not here."),
		         k->f.town);
		return SYNC_ERR_UNIT;
	}
	if (!county && city) {
		sync_why(k->why, k->whysize,
		         _("These are the figures of the township %s: they go to its county's "
		           "server, which sends them on with the county's own."),
		         k->f.town);
		return SYNC_ERR_UNIT;
	}
	record *u;
	err = orgunit_by_code(t, k->f.town, &u);
	if ((err == STORE_NOTFOUND || err == STORE_DENIED) && county)
		sync_why(k->why, k->whysize,
		         _("The county %s of these figures is not a unit of this server: add it "
		           "first (shegong unit add CODE NAME), then take the file again."),
		         k->f.town);
	else if (err == STORE_NOTFOUND || err == STORE_DENIED)
		sync_why(k->why, k->whysize,
		         _("The township %s of these figures is not a unit of this server: add it "
		           "first (shegong unit add CODE NAME), then take the file again."),
		         k->f.town);
	if (err)
		return err == STORE_NOTFOUND || err == STORE_DENIED ? SYNC_ERR_UNIT : err;
	char id[REC_ID_TEXTMAX];
	rec_id_format(&u->id, id);
	record_free(u);
	if (!sync_may_reach(k->sc, id)) {
		sync_why(k->why, k->whysize,
		         county ? _("The county %s of these figures is not one you look after: a "
		                    "worker of its city takes them.")
		                : _("The township %s of these figures is not one you look after: a "
		                    "worker of its county takes them."),
		         k->f.town);
		return SYNC_ERR_UNIT;
	}
	char name[64];
	snprintf(name, sizeof name, "sync/fig/%s", k->f.town);
	void *old;
	size_t oldlen;
	err = store_meta_get(t, name, &old, &oldlen);
	if (err == 0) {
		struct sync_figures of;
		if (fig_parse(old, oldlen, &of) == 0) {
			k->already = of.made >= k->f.made;
			free(of.rows);
		}
		free(old);
		if (k->already)
			return 0;
	} else if (err != STORE_NOTFOUND) {
		return err;
	}
	if ((err = store_meta_put(t, name, k->buf, k->len)))
		return err;
	char note[160];
	snprintf(note, sizeof note, "figures of %s: %zu rows", k->f.town, k->f.n);
	return audit_log(t, "sync-figures", NULL, 0, 0, note);
}

int
sync_figures_apply(store *st, const struct scope *sc, const unsigned char *buf, size_t len,
                   struct sync_figures *got, bool *already, char *why, size_t whysize)
{
	struct keep k = {.sc = sc, .buf = buf, .len = len, .why = why, .whysize = whysize};
	*already = false;
	memset(got, 0, sizeof *got);
	if (len > SYNC_MAX_BYTES)
		return SYNC_ERR_TOOBIG;
	if (!sc || sc->role == ROLE_SUPERVISOR)
		return SYNC_ERR_ROLE;
	int err = fig_parse(buf, len, &k.f);
	if (err)
		return err;
	if (k.f.from_site == store_site(st)) {
		free(k.f.rows);
		return SYNC_ERR_OWN;
	}
	err = store_write(st, keep_txn, &k);
	*already = k.already;
	if (err)
		free(k.f.rows);
	else
		*got = k.f;
	return err;
}

struct list {
	const struct scope *sc;
	struct sync_figure *v;
	size_t n;
	struct units_map u;
};

static int
list_meta(const char *name, const void *data, size_t len, void *ctx)
{
	(void)name;
	struct list *l = ctx;
	struct sync_figures f;
	if (fig_parse(data, len, &f) != 0)
		return 0;
	/* only the townships the worker has in reach */
	const char *id = NULL;
	for (size_t i = 0; i < l->u.n; i++)
		if (strcmp(l->u.code[i], f.town) == 0)
			id = l->u.id[i];
	if (!id || !(l->sc->role == ROLE_ADMIN || scope_in_reach(l->sc, id))) {
		free(f.rows);
		return 0;
	}
	void *a = realloc(l->v, (l->n + f.n + 1) * sizeof *l->v);
	if (!a) {
		free(f.rows);
		return STORE_NOMEM;
	}
	l->v = a;
	memcpy(l->v + l->n, f.rows, f.n * sizeof *f.rows);
	l->n += f.n;
	free(f.rows);
	return 0;
}

static int
list_txn(store_txn *t, void *ctx)
{
	struct list *l = ctx;
	int err = store_scan(t, REC_UNIT, NULL, unit_cb, &l->u);
	return err ? err : store_meta_each(t, "sync/fig/", list_meta, l);
}

int
sync_figures_list(store *st, const struct scope *sc, struct sync_figure **out, size_t *n)
{
	struct list l = {.sc = sc};
	*out = NULL;
	*n = 0;
	if (!sc)
		return STORE_DENIED;
	int err = store_read(st, list_txn, &l);
	free(l.u.id);
	free(l.u.code);
	if (err) {
		free(l.v);
		return err;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}
