/* household.c: a household's members, found through the household index,
 * with their open needs and newest services (household.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "household.h"
#include "index.h"
#include "tally.h"

const char *const household_carried[] = {"household", "village", "group", "address", NULL};

const char *
household_number(const record *r)
{
	const char *v = record_get(r, "household");
	if (!v)
		return NULL;
	for (const char *p = v; *p; p++)
		if (*p != ' ' && *p != '\t')
			return v;
	return NULL;
}

bool
household_need_open(const record *need)
{
	static const char *const open[] = {"open", "in_progress", "referred"};
	const char *st = record_get(need, "status");
	if (!st)
		return true;   /* the form's default: taken, not yet looked at */
	for (size_t i = 0; i < sizeof open / sizeof open[0]; i++)
		if (strcmp(st, open[i]) == 0)
			return true;
	return false;
}

/* --- growing arrays ------------------------------------------------------------ */

static bool
grow(void *pp, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return true;
	size_t ncap = *cap ? *cap * 2 : 8;
	void *np = realloc(*(void **)pp, ncap * size);
	if (!np)
		return false;
	*(void **)pp = np;
	*cap = ncap;
	return true;
}

/* --- the members ---------------------------------------------------------------- */

struct ids {
	const char *want;
	rec_id *id;
	size_t n, cap;
	bool oom;
};

static int
member_id(const rec_id *id, const char *value, void *ctx)
{
	struct ids *s = ctx;
	if (strcmp(value, s->want) != 0)
		return 0;   /* a longer number that begins with this one */
	for (size_t i = 0; i < s->n; i++)
		if (rec_id_equal(&s->id[i], id))
			return 0;
	if (!grow(&s->id, s->n, &s->cap, sizeof *s->id)) {
		s->oom = true;
		return 1;
	}
	s->id[s->n++] = *id;
	return 0;
}

/* The order of the relations to the head (forms/choices "relation"). */
static int
relation_rank(const record *r)
{
	static const char *const order[] = {"head", "spouse", "parent", "child", "grandchild",
	                                    "sibling", "other"};
	const char *rel = record_get(r, "relation");
	for (size_t i = 0; rel && i < sizeof order / sizeof order[0]; i++)
		if (strcmp(rel, order[i]) == 0)
			return (int)i;
	return (int)(sizeof order / sizeof order[0]);
}

/* The birth date as YYYYMMDD: the field, else the ID number's; "" when
 * neither says. */
static void
birth_key(const record *r, char out[9])
{
	out[0] = '\0';
	const char *b = record_get(r, "birth");
	size_t n = 0;
	for (const char *p = b ? b : ""; *p && n < 8; p++)
		if (*p >= '0' && *p <= '9')
			out[n++] = *p;
	if (n == 8) {
		out[8] = '\0';
		return;
	}
	const char *id = record_get(r, "idnum");
	if (id && strlen(id) == 18) {
		memcpy(out, id + 6, 8);
		out[8] = '\0';
	} else {
		out[0] = '\0';
	}
}

static int
by_relation_age(const void *a, const void *b)
{
	const struct household_member *x = a, *y = b;
	int rx = relation_rank(x->r), ry = relation_rank(y->r);
	if (rx != ry)
		return rx < ry ? -1 : 1;
	char bx[9], by[9];
	birth_key(x->r, bx);
	birth_key(y->r, by);
	if (*bx && *by && strcmp(bx, by) != 0)
		return strcmp(bx, by);
	if (!*bx != !*by)
		return *bx ? -1 : 1;   /* the unknown last */
	const char *nx = record_get(x->r, "name"), *ny = record_get(y->r, "name");
	return strcmp(nx ? nx : "", ny ? ny : "");
}

/* --- each member's needs and services ------------------------------------------- */

struct gather {
	struct household_member *m;
	const char *self;   /* the member's id text */
	size_t recent;
	size_t needcap, servcap;
	bool oom;
};

static const char *
date_of(const record *r)
{
	const char *d = record_get(r, "date");
	return d ? d : "";
}

static int
need_one(const record *r, void *ctx)
{
	struct gather *g = ctx;
	const char *who = record_get(r, "resident");
	if (!who || strcmp(who, g->self) != 0 || !household_need_open(r))
		return 0;
	record *c = record_dup(r);
	if (!c || !grow(&g->m->needs, g->m->nneeds, &g->needcap, sizeof *g->m->needs)) {
		record_free(c);
		g->oom = true;
		return 1;
	}
	g->m->needs[g->m->nneeds++] = c;
	return 0;
}

/* newest first: the date, then when it was made */
static int
newer_first(const record *x, const record *y)
{
	int c = strcmp(date_of(y), date_of(x));
	if (c)
		return c;
	return x->created_at > y->created_at ? -1 : x->created_at < y->created_at;
}

static int
service_one(const record *r, void *ctx)
{
	struct gather *g = ctx;
	struct household_member *m = g->m;
	m->services_all++;
	if (!g->recent)
		return 0;
	/* keep the newest g->recent, in order: insert, dropping the oldest */
	size_t at = m->nservices;
	while (at > 0 && newer_first(r, m->services[at - 1]) < 0)
		at--;
	if (at >= g->recent)
		return 0;
	record *c = record_dup(r);
	if (!c) {
		g->oom = true;
		return 1;
	}
	if (m->nservices == g->recent) {
		record_free(m->services[m->nservices - 1]);
		m->nservices--;
	} else if (!grow(&m->services, m->nservices, &g->servcap, sizeof *m->services)) {
		record_free(c);
		g->oom = true;
		return 1;
	}
	memmove(&m->services[at + 1], &m->services[at], (m->nservices - at) * sizeof *m->services);
	m->services[at] = c;
	m->nservices++;
	return 0;
}

static int
by_date_asc(const void *a, const void *b)
{
	const record *const *x = a, *const *y = b;
	return -newer_first(*x, *y);
}

static int
member_items(store_txn *t, struct household_member *m, size_t recent)
{
	char self[REC_ID_TEXTMAX];
	struct gather g = {.m = m, .self = rec_id_format(&m->r->id, self), .recent = recent};
	int rc = tally_links(t, &m->r->id, REC_NEED, need_one, &g);
	if (!rc && !g.oom)
		rc = tally_links(t, &m->r->id, REC_SERVICE, service_one, &g);
	if (g.oom)
		return STORE_NOMEM;
	if (store_txn_error(t))
		return store_txn_error(t);
	if (rc)
		return rc;   /* a record named there the store refused (tally_links) */
	if (m->nneeds > 1)
		qsort(m->needs, m->nneeds, sizeof *m->needs, by_date_asc);
	return 0;
}

/* --- the household ------------------------------------------------------------- */

static bool
same_village(const record *a, const record *b)
{
	const char *va = record_get(a, "village"), *vb = record_get(b, "village");
	return !va || !vb || strcmp(va, vb) == 0;
}

static int
add_member(struct household *h, size_t *cap, record *r)
{
	if (!grow(&h->m, h->n, cap, sizeof *h->m))
		return STORE_NOMEM;
	h->m[h->n++] = (struct household_member){.r = r};
	return 0;
}

int
household_read(store_txn *t, const rec_id *id, size_t recent, struct household *h)
{
	memset(h, 0, sizeof *h);
	record *self;
	int err = store_get(t, id, &self);
	if (err)
		return err;
	size_t cap = 0;
	const char *number = household_number(self);
	struct ids s = {.want = number};
	if (number) {
		store_find(t, IDX_HOUSEHOLD, REC_RESIDENT, number, member_id, &s);
		err = store_txn_error(t);
	}
	if (!err && s.oom)
		err = STORE_NOMEM;
	if (!err)
		err = add_member(h, &cap, self);
	if (err)
		record_free(self);   /* not held in h */
	for (size_t i = 0; !err && i < s.n; i++) {
		if (rec_id_equal(&s.id[i], id))
			continue;
		record *m;
		int e = store_get(t, &s.id[i], &m);
		if (e == STORE_NOTFOUND || e == STORE_DENIED)
			continue;   /* out of the worker's reach, or an index entry astray */
		if (e) {
			err = e;
			break;
		}
		/* the same number in another village is another household */
		if (!same_village(h->m[0].r, m) || (err = add_member(h, &cap, m)))
			record_free(m);
	}
	free(s.id);
	for (size_t i = 0; !err && i < h->n; i++)
		err = member_items(t, &h->m[i], recent);
	if (err) {
		household_free(h);
		return err == STORE_NOMEM ? store_txn_fail(t, STORE_NOMEM) : err;
	}
	qsort(h->m, h->n, sizeof *h->m, by_relation_age);
	for (size_t i = 0; i < h->n; i++)
		if (rec_id_equal(&h->m[i].r->id, id))
			h->self = i;
	return 0;
}

struct read_ctx {
	const rec_id *id;
	size_t recent;
	struct household *h;
	int rc;
};

static int
read_txn(store_txn *t, void *ctx)
{
	struct read_ctx *c = ctx;
	household_free(c->h);
	c->rc = household_read(t, c->id, c->recent, c->h);
	/* a record not found or denied does not fail the transaction */
	return c->rc == STORE_NOTFOUND || c->rc == STORE_DENIED ? 0 : c->rc;
}

int
household_read_now(store *st, const rec_id *id, size_t recent, struct household *h)
{
	memset(h, 0, sizeof *h);
	struct read_ctx c = {id, recent, h, 0};
	int err = store_read(st, read_txn, &c);
	return err ? err : c.rc;
}

void
household_free(struct household *h)
{
	for (size_t i = 0; i < h->n; i++) {
		struct household_member *m = &h->m[i];
		record_free(m->r);
		for (size_t k = 0; k < m->nneeds; k++)
			record_free(m->needs[k]);
		for (size_t k = 0; k < m->nservices; k++)
			record_free(m->services[k]);
		free(m->needs);
		free(m->services);
	}
	free(h->m);
	memset(h, 0, sizeof *h);
}

/* --- the case file ---------------------------------------------------------------- */

struct casefile {
	const struct formset *forms;
	store_txn *t;
	const char *idnum;
	struct case_entry *e;
	size_t n, cap;
	int err;
};

static int
case_add(const record *r, void *ctx)
{
	struct casefile *c = ctx;
	if (!grow(&c->e, c->n, &c->cap, sizeof *c->e))
		return c->err = STORE_NOMEM;
	struct case_entry *e = &c->e[c->n];
	/* the record's date: its "date", else its "registered" when that is a
	 * date (a volunteer's; an organisation's says whether it is
	 * registered, a choice, never to be shown as a date) */
	struct form *f = c->forms ? formset_for_record(c->forms, r) : NULL;
	const struct form_field *df = f ? form_field(f, "date") : NULL;
	if (!df && f)
		df = form_field(f, "registered");
	const char *d = df && df->type == FT_DATE ? record_get(r, df->name)
	                : !c->forms ? record_get(r, "date") : NULL;
	if (d) {
		snprintf(e->date, sizeof e->date, "%s", d);
	} else {
		time_t at = (time_t)r->created_at;
		struct tm tm;
		localtime_r(&at, &tm);
		strftime(e->date, sizeof e->date, "%Y-%m-%d", &tm);
	}
	if (!(e->r = record_dup(r)))
		return c->err = STORE_NOMEM;
	c->n++;
	return 0;
}

static int
case_volunteer(const rec_id *id, const char *value, void *ctx)
{
	struct casefile *c = ctx;
	if (strcmp(value, c->idnum) != 0)
		return 0;
	record *r;
	if (store_get(c->t, id, &r) == STORE_OK) {
		int rc = case_add(r, c);
		record_free(r);
		return rc;
	}
	return 0;
}

static int
case_by_date(const void *a, const void *b)
{
	const struct case_entry *x = a, *y = b;
	return strcmp(x->date, y->date);
}

void
household_case_free(struct case_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		record_free(e[i].r);
	free(e);
}

int
household_case(store_txn *t, const struct formset *forms, const record *resident,
               struct case_entry **out, size_t *n)
{
	struct casefile c = {forms, t, NULL, NULL, 0, 0, 0};
	*out = NULL;
	*n = 0;
	int rc = tally_links(t, &resident->id, 0, case_add, &c);
	const char *idnum = record_get(resident, "idnum");
	if (!rc && !c.err && idnum && *idnum) {
		c.idnum = idnum;
		rc = store_find(t, IDX_IDNUM, REC_VOLUNTEER, idnum, case_volunteer, &c);
		if (rc < 0 || store_txn_error(t))
			rc = store_txn_error(t);
	}
	if (c.err)
		rc = c.err;
	if (rc) {
		household_case_free(c.e, c.n);
		return rc;
	}
	if (c.n)  /* qsort must not see a NULL array, even empty */
		qsort(c.e, c.n, sizeof *c.e, case_by_date);
	*out = c.e;
	*n = c.n;
	return 0;
}
