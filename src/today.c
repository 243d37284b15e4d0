/* today.c: the worker's day: follow-ups due, referrals waiting for the
 * worker's step, and residents due a regular visit (today.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "index.h"
#include "refer.h"
#include "referral.h"
#include "tally.h"
#include "today.h"
#include "util.h"

/* --- forms/visits ---------------------------------------------------------- */

static const struct {
	const char *word;
	int months, days;
} everies[] = {
	{"week", 0, 7}, {"month", 1, 0}, {"quarter", 3, 0}, {"halfyear", 6, 0}, {"year", 12, 0},
};

static int
visit_line(char *line, struct today_visit *v)
{
	char *save = NULL;
	char *cat = strtok_r(line, " \t", &save), *every = strtok_r(NULL, " \t", &save);
	if (!cat || !every || strtok_r(NULL, " \t", &save) || strlen(cat) >= sizeof v->category)
		return -1;
	memset(v, 0, sizeof *v);
	strcpy(v->category, cat);
	for (size_t i = 0; i < NELEM(everies); i++)
		if (strcmp(every, everies[i].word) == 0) {
			v->months = everies[i].months;
			v->days = everies[i].days;
			return 0;
		}
	char *end;
	errno = 0;
	long d = strtol(every, &end, 10);
	if (errno || *end || end == every || d < 1 || d > 3660)
		return -1;
	v->days = (int)d;
	return 0;
}

int
today_visits_load(const char *dir, struct today_visits *out, char *why, size_t whysize)
{
	memset(out, 0, sizeof *out);
	char path[4096];
	snprintf(path, sizeof path, "%s/visits", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;   /* no file: no regular visits */
	char buf[512];
	int lineno = 0, rc = 0;
	size_t cap = 0;
	while (fgets(buf, sizeof buf, f)) {
		lineno++;
		buf[strcspn(buf, "\r\n")] = '\0';
		char *p = buf;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		struct today_visit v;
		if (visit_line(p, &v) < 0) {
			snprintf(why, whysize,
			         _("%s, line %d: write a category and how often, like "
			           "\"elder_alone month\" (week, month, quarter, halfyear, year or a "
			           "number of days)."),
			         path, lineno);
			rc = -1;
			break;
		}
		if (!util_grow((void **)&out->v, &cap, out->n + 1, sizeof *out->v)) {
			snprintf(why, whysize, "%s", _("Out of memory."));
			rc = -1;
			break;
		}
		out->v[out->n++] = v;
	}
	fclose(f);
	if (rc)
		today_visits_free(out);
	return rc;
}

void
today_visits_free(struct today_visits *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

/* --- gathering ---------------------------------------------------------- */

struct gather {
	const struct scope *sc;
	const struct formset *fs;
	const struct today_visits *vis;
	char today[16];
	int64_t day;            /* today's day number */
	bool indexed;           /* IDX_FOLLOWBY is there (index version 3) */
	store_txn *t;
	struct today_list *out;
	size_t cap;
	bool oom;
	/* today_count: items counted in out->n and out->overdue, no line
	 * made and none kept but the referrals' ids (ids, for the boxes that
	 * list one referral twice) */
	bool count_only;
	rec_id *ids;
	size_t nids, capids;
	/* each visit line's category and interval labels and the two line
	 * formats, translated once (gettext per resident was most of the
	 * regular visits' cost); NULL: worked out each time */
	const char **vcat, **vevery;
	const char *fmt_never, *fmt_last;
	/* each visit line's visit_len, worked out once; NULL: each time */
	size_t *vlen;
	/* count_only: the residents with a visit line, their services read
	 * after (visits_count) */
	struct cand *cands;
	size_t ncands, capcands;
	/* count_only: the visit line of the last few category lists met
	 * (residents share a few: each split and matched once) */
	struct {
		char cats[64];
		size_t n;
		const struct today_visit *best;
	} seen[4];
	size_t nseen, nextseen;
};

/* A resident due a visit unless a service names it within the interval
 * of its visit line vi; last: the latest service's day, -1 none. */
struct cand {
	rec_id id;
	size_t vi;
	int64_t last;
};

static void
day_text(int64_t day, char out[16])
{
	int y, m, d;
	date_civil_from_days(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

/* Whether records of r's unit are the worker's to follow up. */
static bool
ours(const struct gather *g, const record *r)
{
	if (record_voided(r))
		return false;   /* a scan reads them; the indexes leave them out */
	if (!g->sc || scope_is_admin(g->sc))
		return true;
	const char *u = scope_record_unit(r);
	return u && strcmp(u, g->sc->unit) == 0;
}

static enum today_group
group_of(const struct gather *g, int64_t due)
{
	if (due < g->day)
		return TODAY_OVERDUE;
	return due == g->day ? TODAY_TODAY : TODAY_WEEK;
}

/* In count_only: one more item of group grp (true); false otherwise,
 * when the item is to be made and added. */
static bool
counted(struct gather *g, enum today_group grp)
{
	if (!g->count_only)
		return false;
	g->out->n++;
	if (grp == TODAY_OVERDUE)
		g->out->overdue++;
	return true;
}

static void
add(struct gather *g, enum today_group grp, enum today_what what, const record *r, const char *date,
    char *line)
{
	if (!line || !util_grow((void **)&g->out->items, &g->cap, g->out->n + 1, sizeof *g->out->items)) {
		free(line);
		g->oom = true;
		return;
	}
	struct today_item *it = &g->out->items[g->out->n++];
	memset(it, 0, sizeof *it);
	it->group = grp;
	it->what = what;
	it->id = r->id;
	rec_id_format(&r->id, it->idtext);
	snprintf(it->date, sizeof it->date, "%s", date ? date : g->today);
	it->line = line;
	if (grp == TODAY_OVERDUE)
		g->out->overdue++;
}

static char *
fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *
fmt(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	char *s = NULL;
	if (vasprintf(&s, f, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/* The first characters of a long text, on one line: up to n bytes,
 * never cutting a UTF-8 character. */
static void
gist(const char *s, char *out, size_t n)
{
	size_t i = 0;
	for (; s && s[i] && i + 1 < n; i++)
		out[i] = (s[i] == '\n' || s[i] == '\t') ? ' ' : s[i];
	while (i > 0 && s && s[i] && ((unsigned char)out[i] & 0xC0) == 0x80)
		i--;   /* back to the start of a cut character */
	out[i] = '\0';
}

/* The name of the record the id text names ("" when none or unreadable). */
static void
name_of(store_txn *t, const char *idtext, char *out, size_t n)
{
	out[0] = '\0';
	rec_id id;
	record *r;
	if (!idtext || rec_id_parse(idtext, &id) < 0 || store_get(t, &id, &r) != STORE_OK)
		return;
	const char *v = record_get(r, "name");
	snprintf(out, n, "%s", v ? v : "");
	record_free(r);
}

/* The first id of a comma-separated list of "id" or "id:amount". */
static void
first_id(const char *list, char *out, size_t n)
{
	out[0] = '\0';
	if (!list)
		return;
	size_t k = strcspn(list, ",:");
	if (k < n)
		snprintf(out, n, "%.*s", (int)k, list);
}

/* Whether the comma-separated list holds the id text (items "id" or "id:amount").
 * Compared in place (strcspn per item was a tenth of the regular visits'
 * cost); an id text holding ',' or ':' is in no such list. */
static bool
list_has(const char *list, const char *idtext)
{
	if (strpbrk(idtext, ",:"))
		return false;
	size_t k = strlen(idtext);
	for (const char *p = list; p && *p;) {
		if (strncmp(p, idtext, k) == 0 && (p[k] == ',' || p[k] == ':' || p[k] == '\0'))
			return true;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return false;
}

/* A service later than (or, with on_or_after, no earlier than) since. */
struct later {
	int64_t since;
	bool on_or_after;
	const rec_id *not;
	bool found;
	int64_t last;   /* the latest date seen, -1 none */
};

static int
later_one(const record *r, void *ctx)
{
	struct later *l = ctx;
	int64_t d;
	if (l->not && rec_id_equal(&r->id, l->not))
		return 0;
	if (!date_day_number(record_get(r, "date"), &d))
		return 0;
	if (d > l->last)
		l->last = d;
	if (d > l->since || (l->on_or_after && d == l->since))
		l->found = true;
	return 0;
}

static int
need_one(const record *r, void *ctx)
{
	struct gather *g = ctx;
	int64_t due;
	const char *st = record_get(r, "status");
	if (!ours(g, r) || !date_day_number(record_get(r, "followup"), &due) || due > g->day + 6 ||
	    (st && (strcmp(st, "met") == 0 || strcmp(st, "closed") == 0)))
		return 0;
	/* a service answering the need in the week before the date or after */
	struct later l = {due - 7, true, NULL, false, -1};
	int rc = tally_links_seen(g->t, &r->id, REC_SERVICE, later_one, &l);
	if (rc || l.found || counted(g, group_of(g, due)))
		return rc;
	char who[128], what[64];
	name_of(g->t, record_get(r, "resident"), who, sizeof who);
	gist(record_get(r, "description"), what, sizeof what);
	add(g, group_of(g, due), TODAY_NEED_FOLLOWUP, r, record_get(r, "followup"),
	    who[0] ? fmt(_("Follow up %s's need: %s"), who, what)
	           : fmt(_("Follow up the need: %s"), what));
	return 0;
}

static int
service_one(const record *r, void *ctx)
{
	struct gather *g = ctx;
	int64_t due, date;
	if (!ours(g, r) || !date_day_number(record_get(r, "followup"), &due) || due > g->day + 6)
		return 0;
	if (!date_day_number(record_get(r, "date"), &date))
		date = due - 1;
	/* followed up: a later service for one of its people or needs */
	char idt[REC_ID_TEXTMAX];
	const char *lists[] = {record_get(r, "beneficiaries"), record_get(r, "needs")};
	for (size_t i = 0; i < NELEM(lists); i++)
		for (const char *p = lists[i]; p && *p;) {
			size_t len = strcspn(p, ",");
			first_id(p, idt, sizeof idt);
			rec_id target;
			if (idt[0] && rec_id_parse(idt, &target) == 0) {
				struct later l = {date, false, &r->id, false, -1};
				int rc = tally_links_seen(g->t, &target, REC_SERVICE, later_one, &l);
				if (rc)
					return rc;
				if (l.found)
					return 0;
			}
			p += len;
			if (*p == ',')
				p++;
		}
	if (counted(g, group_of(g, due)))
		return 0;
	char who[128], what[64];
	first_id(record_get(r, "beneficiaries"), idt, sizeof idt);
	name_of(g->t, idt, who, sizeof who);
	gist(record_get(r, "content"), what, sizeof what);
	add(g, group_of(g, due), TODAY_SERVICE_FOLLOWUP, r, record_get(r, "followup"),
	    who[0] ? fmt(_("Follow up the service for %s: %s"), who, what)
	           : fmt(_("Follow up the service: %s"), what));
	return 0;
}

/* A resident's categories ("dibao,elder_alone"), each item's text up to
 * its first ':' (list_has compares a category with that), found once
 * for all the visit lines: list_has per line (strpbrk, strlen, strncmp
 * and strchr each) was a sixth of the home screen's count. */
#define CAT_ITEMS 16
struct cat_items {
	const char *p[CAT_ITEMS];
	size_t len[CAT_ITEMS];
	size_t n;
};

/* false: more items than CAT_ITEMS (list_has instead) */
static bool
cat_items_split(const char *list, struct cat_items *ci)
{
	ci->n = 0;
	for (const char *p = list;;) {
		if (ci->n == CAT_ITEMS)
			return false;
		ci->p[ci->n] = p;
		ci->len[ci->n++] = strcspn(p, ",:");
		p = strchr(p, ',');
		if (!p)
			return true;
		p++;
	}
}

/* A visit line's category as list_has would look for it: its length, or
 * SIZE_MAX when it holds ',' or ':' (then in no list). */
static size_t
visit_len(const struct today_visit *v)
{
	return strpbrk(v->category, ",:") ? SIZE_MAX : strlen(v->category);
}

/* Whether an item of ci is cat, k bytes (visit_len), as list_has finds it. */
static bool
cat_items_has(const struct cat_items *ci, size_t k, const char *cat)
{
	for (size_t i = 0; i < ci->n; i++)
		if (ci->len[i] == k && memcmp(ci->p[i], cat, k) == 0)
			return true;
	return false;
}

/* The label of a category, as the resident form lists it. */
static const char *
category_label(const struct gather *g, const char *v)
{
	const struct form *f = g->fs ? formset_for_kind(g->fs, REC_RESIDENT) : NULL;
	const struct form_field *fd = f ? form_field(f, "categories") : NULL;
	for (size_t i = 0; fd && fd->choices && i < fd->choices->n; i++)
		if (strcmp(fd->choices->items[i].value, v) == 0)
			return _(fd->choices->items[i].label);
	return v;
}

static const char *
every_label(const struct today_visit *v)
{
	switch (v->months) {
	case 1: return _("monthly");
	case 3: return _("quarterly");
	case 6: return _("every half year");
	case 12: return _("yearly");
	default: return v->days == 7 ? _("weekly") : _("regularly");
	}
}

/* The day the interval v after day falls on (a month on: the same day of
 * the next month, or its last day). */
static int64_t
after_interval(int64_t day, const struct today_visit *v)
{
	if (!v->months)
		return day + v->days;
	int y, m, d;
	date_civil_from_days(day, &y, &m, &d);
	m += v->months;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	return date_days_from_civil(y, m, d > last ? last : d);
}

/* The visit line that rules for a resident of status st and categories
 * cats (the shortest interval of its categories; the first line of the
 * shortest on a tie), or NULL: none, or not on the register. */
static const struct today_visit *
visit_of(const struct gather *g, const char *st, const char *cats)
{
	if (!g->vis || !g->vis->n || !cats || !*cats || (st && *st && strcmp(st, "active") != 0))
		return NULL;
	const struct today_visit *best = NULL;
	struct cat_items ci;
	bool split = cat_items_split(cats, &ci);
	for (size_t i = 0; i < g->vis->n; i++) {
		const struct today_visit *v = &g->vis->v[i];
		if ((split ? cat_items_has(&ci, g->vlen ? g->vlen[i] : visit_len(v), v->category)
		           : list_has(cats, v->category)) &&
		    (!best || v->months * 31 + v->days < best->months * 31 + best->days))
			best = v;
	}
	return best;
}

/* In count_only: one more resident whose services visits_count reads. */
static int
cand_add(struct gather *g, const rec_id *id, const struct today_visit *best)
{
	if (!util_grow((void **)&g->cands, &g->capcands, g->ncands + 1, sizeof *g->cands)) {
		g->oom = true;
		return STORE_NOMEM;
	}
	g->cands[g->ncands++] = (struct cand){*id, (size_t)(best - g->vis->v), -1};
	return 0;
}

static int
resident_one(const record *r, void *ctx)
{
	struct gather *g = ctx;
	if (!g->vis || !g->vis->n || !ours(g, r))
		return 0;
	const struct today_visit *best =
	    visit_of(g, record_get(r, "status"), record_get(r, "categories"));
	if (!best)
		return 0;
	if (g->count_only)
		return cand_add(g, &r->id, best);   /* its services read after */
	struct later l = {0, false, NULL, false, -1};
	int rc = tally_links_seen(g->t, &r->id, REC_SERVICE, later_one, &l);
	if (rc)
		return rc;
	int64_t due = l.last < 0 ? g->day : after_interval(l.last, best);
	if (due > g->day || counted(g, TODAY_VISIT))
		return 0;
	char date[16], lastd[16];
	day_text(due, date);
	const char *name = record_get(r, "name");
	name = name ? name : "";
	size_t bi = (size_t)(best - g->vis->v);
	const char *cat = g->vcat ? g->vcat[bi] : category_label(g, best->category);
	const char *every = g->vevery ? g->vevery[bi] : every_label(best);
	char *line;
	if (l.last < 0) {
		line = fmt(g->fmt_never, name, cat, every);
	} else {
		day_text(l.last, lastd);
		line = fmt(g->fmt_last, name, cat, every, lastd);
	}
	add(g, TODAY_VISIT, TODAY_VISIT_DUE, r, date, line);
	return 0;
}

/* --- the regular visits counted -------------------------------------------
 * today_count reads the residents first, keeping those with a visit line
 * (cands), then their services: each resident's through the link index
 * as tally_links_seen reads them (a cursor and a search of the index each,
 * most of the count's cost on a village), or, when the database holds
 * few services beside them, every service's link to a resident in one
 * walk of the index, matched to the residents by id.  Either way the
 * same services are read (an exact link of kind service; store_get, its
 * errors as tally_links_seen returns them) and the same dates kept. */

static int
cand_cmp(const void *a, const void *b)
{
	const rec_id *x = &((const struct cand *)a)->id, *y = &((const struct cand *)b)->id;
	if (x->site != y->site)
		return x->site < y->site ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A service's link to a resident: kept when the resident is a candidate
 * (the service read after, with no cursor open on the index). */
struct link_walk {
	struct gather *g;
	struct { size_t ci; rec_id svc; } *hits;
	size_t n, cap;
};

static int
link_entry(const rec_id *id, const char *value, void *ctx)
{
	struct link_walk *w = ctx;
	struct cand key;
	char back[REC_ID_TEXTMAX];
	/* an id as tally_links formats it: parsed and formatted back the same */
	if (rec_id_parse(value, &key.id) < 0 || key.id.kind != REC_RESIDENT ||
	    strcmp(rec_id_format(&key.id, back), value) != 0)
		return 0;
	const struct cand *c = bsearch(&key, w->g->cands, w->g->ncands, sizeof key, cand_cmp);
	if (!c)
		return 0;
	if (!util_grow((void **)&w->hits, &w->cap, w->n + 1, sizeof *w->hits)) {
		w->g->oom = true;
		return STORE_NOMEM;
	}
	w->hits[w->n].ci = (size_t)(c - w->g->cands);
	w->hits[w->n++].svc = *id;
	return 0;
}

static int
visits_walk(struct gather *g)
{
	bool sorted = true;
	for (size_t i = 1; i < g->ncands && sorted; i++)
		sorted = cand_cmp(&g->cands[i - 1], &g->cands[i]) < 0;
	if (!sorted)
		qsort(g->cands, g->ncands, sizeof *g->cands, cand_cmp);
	struct link_walk w = {g, NULL, 0, 0};
	char pre[16];
	snprintf(pre, sizeof pre, "%s-", rec_kind_code(REC_RESIDENT));
	int rc = store_find(g->t, IDX_LINK, REC_SERVICE, pre, link_entry, &w);
	for (size_t i = 0; i < w.n && !rc; i++) {
		record *r;
		int err = store_get(g->t, &w.hits[i].svc, &r);
		if (err == STORE_NOTFOUND || err == STORE_DENIED)
			continue;   /* as tally_links_seen */
		if (err) {
			rc = err;
			break;
		}
		struct cand *c = &g->cands[w.hits[i].ci];
		struct later l = {0, false, NULL, false, c->last};
		later_one(r, &l);
		c->last = l.last;
		record_free(r);
	}
	free(w.hits);
	return rc;
}

static int
visits_count(struct gather *g)
{
	size_t services = SIZE_MAX;
	int rc = 0;
	/* the walk reads every service's links to residents, the lookups a
	 * search of the index each (about ten times a link's step) */
	if (!today_scan && g->ncands && store_count(g->t, REC_SERVICE, &services) == 0 &&
	    services <= g->ncands * 4) {
		rc = visits_walk(g);
	} else {
		for (size_t i = 0; i < g->ncands && !rc; i++) {
			struct later l = {0, false, NULL, false, -1};
			rc = tally_links_seen(g->t, &g->cands[i].id, REC_SERVICE, later_one, &l);
			g->cands[i].last = l.last;
		}
	}
	for (size_t i = 0; i < g->ncands && !rc; i++) {
		const struct cand *c = &g->cands[i];
		int64_t due = c->last < 0 ? g->day : after_interval(c->last, &g->vis->v[c->vi]);
		if (due <= g->day)
			counted(g, TODAY_VISIT);
	}
	return rc;
}

/* Each record of kind of the worker's unit, through the village index
 * (a township server holds every village's: a scan would read them all);
 * every record for an administrator or without a scope. */
struct each_unit {
	struct gather *g;
	int (*fn)(const record *r, void *ctx);
};

/* A resident of the worker's unit (count_only, resident_one's work)
 * read in place from the map: its village, status, categories and void
 * mark, none copied but the categories.  Not the worker's village: left
 * out, as ours() leaves it out (and as the scope's policy, which lets a
 * worker read their own unit's records, would let store_get read it).
 * 1: categories too long for the buffer, to be read the usual way. */
static int
resident_view(struct gather *g, const rec_id *id)
{
	const unsigned char *p;
	size_t len;
	int err = store_view(g->t, id, &p, &len);
	if (err == STORE_NOTFOUND)
		return 0;
	if (err)
		return err;
	static const char *const names[] = {"village", "status", "categories", REC_VOID};
	struct rec_span f[NELEM(names)];
	if (record_view(p, len, id, names, NELEM(names), f) < 0)
		return store_txn_fail(g->t, STORE_CORRUPT);   /* as store_get */
	if (rec_span_is(&f[3], REC_VOID_YES) || !rec_span_is(&f[0], g->sc->unit) ||
	    (f[1].p && !rec_span_is(&f[1], "active")) || !f[2].p)
		return 0;
	char cats[512];
	if (f[2].n >= sizeof cats)
		return 1;
	for (size_t i = 0; i < g->nseen; i++)
		if (g->seen[i].n == f[2].n && memcmp(g->seen[i].cats, f[2].p, f[2].n) == 0)
			return g->seen[i].best ? cand_add(g, id, g->seen[i].best) : 0;
	memcpy(cats, f[2].p, f[2].n);
	cats[f[2].n] = '\0';
	const struct today_visit *best = visit_of(g, NULL, cats);
	if (f[2].n < sizeof g->seen[0].cats) {
		size_t k = g->nextseen++ % NELEM(g->seen);
		memcpy(g->seen[k].cats, f[2].p, f[2].n);
		g->seen[k].n = f[2].n;
		g->seen[k].best = best;
		if (g->nseen < NELEM(g->seen))
			g->nseen++;
	}
	return best ? cand_add(g, id, best) : 0;
}

static int
unit_entry(const rec_id *id, const char *value, void *ctx)
{
	struct each_unit *e = ctx;
	if (strcmp(value, e->g->sc->unit) != 0)
		return 0;   /* a unit whose id begins with this one's ("-3", "-30") */
	if (e->g->count_only && e->fn == resident_one) {
		int rc = resident_view(e->g, id);
		if (rc <= 0)
			return rc;
	}
	record *r;
	int err = store_get(e->g->t, id, &r);
	if (err == STORE_NOTFOUND || err == STORE_DENIED)
		return 0;
	if (err)
		return err;
	err = e->fn(r, e->g);
	record_free(r);
	return err;
}

static int
each_of_unit(struct gather *g, int kind, int (*fn)(const record *r, void *ctx))
{
	if (!g->sc || scope_is_admin(g->sc))
		return store_scan(g->t, kind, NULL, fn, g);
	struct each_unit e = {g, fn};
	return store_find(g->t, IDX_VILLAGE, kind, g->sc->unit, unit_entry, &e);
}

/* Each record of kind whose follow-up date (IDX_FOLLOWBY) falls on
 * g->day + 6 or before, in date order: the only ones need_one and
 * service_one list (they apply the worker's unit as before).  Keys are
 * "YYYY-MM-DD" first, so once one sorts after the last day none later is
 * due (one that is no date is not due either). */
struct each_due {
	struct gather *g;
	int (*fn)(const record *r, void *ctx);
	char last[16];
	bool past;
};

static int
due_entry(const rec_id *id, const char *value, void *ctx)
{
	struct each_due *e = ctx;
	if (strncmp(value, e->last, 10) > 0) {
		e->past = true;
		return 1;
	}
	int64_t d;
	if (!date_day_number(value, &d) || d > e->g->day + 6)
		return 0;
	record *r;
	int err = store_get(e->g->t, id, &r);
	if (err == STORE_NOTFOUND || err == STORE_DENIED)
		return 0;
	if (err)
		return err;
	err = e->fn(r, e->g);
	record_free(r);
	return err;
}

static int
each_due(struct gather *g, int kind, int (*fn)(const record *r, void *ctx))
{
	if (!g->indexed)
		return each_of_unit(g, kind, fn);   /* an old database opened read-only */
	struct each_due e = {g, fn, "", false};
	day_text(g->day + 6, e.last);
	int rc = store_find(g->t, IDX_FOLLOWBY, kind, "", due_entry, &e);
	return e.past ? 0 : rc;
}

bool today_scan = false;

static int
records_txn(store_txn *t, void *ctx)
{
	struct gather *g = ctx;
	g->t = t;
	int rc = each_due(g, REC_NEED, need_one);
	if (!rc)
		rc = each_due(g, REC_SERVICE, service_one);
	if (g->vis && g->vis->n) {
		g->vlen = malloc(g->vis->n * sizeof *g->vlen);
		for (size_t i = 0; g->vlen && i < g->vis->n; i++)
			g->vlen[i] = visit_len(&g->vis->v[i]);
	}
	if (!rc && g->vis && g->vis->n && g->count_only) {
		rc = each_of_unit(g, REC_RESIDENT, resident_one);   /* no labels */
		if (!rc)
			rc = visits_count(g);
		free(g->cands);
		g->cands = NULL;
		g->ncands = g->capcands = 0;
	} else if (!rc && g->vis && g->vis->n) {
		g->fmt_never = _("Visit %s (%s, %s): never visited");
		g->fmt_last = _("Visit %s (%s, %s): last service %s");
		g->vcat = malloc(g->vis->n * sizeof *g->vcat);
		g->vevery = malloc(g->vis->n * sizeof *g->vevery);
		if (!g->vcat || !g->vevery) {
			free(g->vcat);
			free(g->vevery);
			g->vcat = g->vevery = NULL;   /* worked out each time instead */
		}
		for (size_t i = 0; g->vcat && i < g->vis->n; i++) {
			g->vcat[i] = category_label(g, g->vis->v[i].category);
			g->vevery[i] = every_label(&g->vis->v[i]);
		}
		rc = each_of_unit(g, REC_RESIDENT, resident_one);
		free(g->vcat);
		free(g->vevery);
		g->vcat = g->vevery = NULL;
	}
	free(g->vlen);
	g->vlen = NULL;
	return rc;
}

/* The referrals of one box, read by refer_list, then looked at in a
 * read transaction of their own (for the residents' names). */
struct refbox {
	struct gather *g;
	enum refer_box box;
	struct refer_row *rows;
	size_t n;
};

static void
referral_one(struct gather *g, enum refer_box box, const struct refer_row *row)
{
	const record *r = row->r;
	enum ref_action acts[16];
	if (refer_actions(g->sc, r, acts, (int)NELEM(acts)) <= 0)
		return;   /* nothing for this worker to do */
	if (g->count_only) {
		for (size_t k = 0; k < g->nids; k++)
			if (rec_id_equal(&g->ids[k], &r->id))
				return;   /* counted from another box */
	} else {
		for (size_t k = 0; k < g->out->n; k++)
			if (rec_id_equal(&g->out->items[k].id, &r->id))
				return;   /* listed from another box */
	}
	enum ref_state s = refer_state(r);
	int side = refer_side(g->sc, r);
	enum today_what what;
	const char *date = record_get(r, "due");
	if (box == REFER_OVERDUE || row->overdue)
		what = TODAY_REF_OVERDUE;
	else if (side == REF_RECEIVER && s == REF_SUBMITTED)
		what = TODAY_REF_ACCEPT;
	else if (side == REF_SENDER && s == REF_RETURNED)
		what = TODAY_REF_REVISE;
	else if (side == REF_SENDER && s == REF_RESOLVED)
		what = TODAY_REF_CLOSE;
	else
		return;
	enum today_group grp = what == TODAY_REF_OVERDUE ? TODAY_OVERDUE : TODAY_TODAY;
	if (g->count_only) {
		if (!util_grow((void **)&g->ids, &g->capids, g->nids + 1, sizeof *g->ids))
			g->oom = true;
		else
			g->ids[g->nids++] = r->id;
		counted(g, grp);
		return;
	}
	char who[128];
	name_of(g->t, record_get(r, "resident"), who, sizeof who);
	/* the slip number's year and count ("2026-0003"): the rest is the
	 * worker's own unit's code, the same on every line */
	const char *num = record_get(r, "number");
	num = num ? num : "";
	if (strlen(num) > 9)
		num += strlen(num) - 9;
	char *line;
	switch (what) {
	case TODAY_REF_ACCEPT: line = fmt(_("Referral %s for %s: accept it"), num, who); break;
	case TODAY_REF_REVISE:
		line = fmt(_("Referral %s for %s came back: revise and submit"), num, who);
		break;
	case TODAY_REF_CLOSE:
		line = fmt(_("Referral %s for %s answered: read the feedback and close"), num, who);
		break;
	default:
		/* the station answers; the village asks after it */
		line = side == REF_RECEIVER
		           ? fmt(_("Referral %s for %s is overdue: answer it"), num, who)
		           : fmt(_("Referral %s for %s is past its due date: ask the station"), num, who);
		break;
	}
	add(g, grp, what, r, grp == TODAY_OVERDUE ? date : NULL, line);
}

static int
refbox_txn(store_txn *t, void *ctx)
{
	struct refbox *b = ctx;
	b->g->t = t;
	for (size_t i = 0; i < b->n && !b->g->oom; i++)
		referral_one(b->g, b->box, &b->rows[i]);
	return 0;
}

static int
referrals(store *st, struct gather *g, enum refer_box box)
{
	struct refbox b = {g, box, NULL, 0};
	int rc = refer_list(st, g->sc, box, g->today, &b.rows, &b.n);
	if (rc)
		return rc;
	rc = store_read(st, refbox_txn, &b);
	refer_rows_free(b.rows, b.n);
	return rc;
}

static int
item_cmp(const void *a, const void *b)
{
	const struct today_item *x = a, *y = b;
	if (x->group != y->group)
		return (int)x->group - (int)y->group;
	int c = strcmp(x->date, y->date);
	return c ? c : strcmp(x->line, y->line);
}

static int
gather_day(store *st, const struct scope *sc, const struct formset *fs,
           const struct today_visits *vis, const char *today, struct today_list *out,
           bool count_only)
{
	memset(out, 0, sizeof *out);
	struct gather g = {.sc = sc, .fs = fs, .vis = vis, .out = out, .count_only = count_only,
	                   .indexed = !today_scan && store_index_version(st) >= 3};
	if (today) {
		snprintf(g.today, sizeof g.today, "%s", today);
	} else {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		strftime(g.today, sizeof g.today, "%Y-%m-%d", &tm);
	}
	if (!date_day_number(g.today, &g.day))
		return STORE_INVALID;
	int rc = store_read(st, records_txn, &g);
	/* a supervisor reads, never acts: no referral waits for them */
	for (int box = REFER_INBOX; !rc && !g.oom && box <= REFER_OVERDUE; box++)
		rc = referrals(st, &g, (enum refer_box)box);
	if (!rc && g.oom)
		rc = STORE_NOMEM;
	free(g.ids);
	if (rc) {
		if (count_only)
			memset(out, 0, sizeof *out);
		else
			today_list_free(out);
		return rc;
	}
	if (out->n && !count_only)
		qsort(out->items, out->n, sizeof *out->items, item_cmp);
	return 0;
}

int
today_list(store *st, const struct scope *sc, const struct formset *fs,
           const struct today_visits *vis, const char *today, struct today_list *out)
{
	return gather_day(st, sc, fs, vis, today, out, false);
}

int
today_count(store *st, const struct scope *sc, const struct today_visits *vis, const char *today,
            size_t *n, size_t *overdue)
{
	struct today_list l;
	int rc = gather_day(st, sc, NULL, vis, today, &l, true);
	*n = l.n;
	*overdue = l.overdue;
	return rc;
}

void
today_list_free(struct today_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i].line);
	free(l->items);
	memset(l, 0, sizeof *l);
}

const char *
today_group_label(enum today_group g)
{
	switch (g) {
	case TODAY_OVERDUE: return _("Overdue");
	case TODAY_TODAY: return _("Today");
	case TODAY_WEEK: return _("This week");
	case TODAY_VISIT: return _("Regular visits");
	}
	return "";
}
