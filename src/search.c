/* search.c: a page of records matching what a worker typed, walked along
 * one index at a time and resumed from where the last page stopped. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pinyin.h"
#include "search.h"
#include "util.h"

/* The typed text without blanks at either end: a stray space after a
 * name must not hide the person.  Longer text than an index key can hold
 * is cut there, as index_prefix would cut it anyway. */
static size_t
trimmed(const char *text, char out[IDX_KEYMAX])
{
	if (!text)
		text = "";
	while (*text == ' ' || *text == '\t')
		text++;
	size_t n = strlen(text);
	while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	if (n > IDX_KEYMAX - 1)
		n = IDX_KEYMAX - 1;
	memcpy(out, text, n);
	out[n] = '\0';
	return n;
}

static enum search_by
classify_trimmed(const char *s)
{
	size_t n = strlen(s), digits = 0, letters = 0;
	if (n == 0)
		return SEARCH_ALL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= '0' && c <= '9')
			digits++;
		else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			letters++;
	}
	if (letters == n)
		return SEARCH_PINYIN;
	/* an ID number's check character may be X, and only at the end */
	bool x_end = s[n - 1] == 'x' || s[n - 1] == 'X';
	size_t need = x_end ? n - 1 : n;
	if (digits == need && digits >= 4 && (x_end ? letters == 1 : letters == 0))
		return SEARCH_IDNUM;
	return SEARCH_NAME;
}

enum search_by
search_classify(const char *text)
{
	char s[IDX_KEYMAX];
	trimmed(text, s);
	return classify_trimmed(s);
}

/* One walk along one index: which index, and what the query becomes. */
struct phase {
	int idx;
	bool pinyin;    /* entries are pinyin variants: emit each record once */
	bool skip_py;   /* skip records the pinyin phase has emitted already */
};

static const struct phase phase_all[] = {{IDX_NAME, false, false}};
/* Kinds without a name (needs, services, referrals) list by date. */
static const struct phase phase_all_dated[] = {{IDX_DATE, false, false}};
static const int dated_kinds[] = {REC_NEED, REC_SERVICE, REC_REFERRAL};
static const struct phase phase_name[] = {{IDX_NAME, false, false}};
static const struct phase phase_idnum[] = {{IDX_IDNUM, false, false}};
/* Units have no ID number: their digits are a division code. */
static const struct phase phase_code[] = {{IDX_CODE, false, false}};
/* Initials first, then names typed in Latin letters ("Ali", "Tashi"). */
static const struct phase phase_pinyin[] = {{IDX_PINYIN, true, false}, {IDX_NAME, false, true}};

static const struct {
	const struct phase *phases;
	int n;
	bool lower, upper;  /* how the query is normalised */
} plans[] = {
	[SEARCH_ALL] = {phase_all, 1, false, false},
	[SEARCH_NAME] = {phase_name, 1, false, false},
	[SEARCH_PINYIN] = {phase_pinyin, 2, true, false},
	[SEARCH_IDNUM] = {phase_idnum, 1, false, true},
};

struct page {
	const struct search_query *q;
	const struct phase *ph;
	const char *text;    /* the normalised query */
	size_t textlen;
	struct search_pos *pos;
	store_txn *t;
	record **out;
	size_t max, n;
	int err;
	/* for the pinyin dedupe: the smallest variant that starts with text */
	char best[PINYIN_MAXLEN + 1];
	bool have_best;
	bool sorted;         /* IDX_SORT is there */
};

/* Does an indexed pinyin variant of name start with the query?  If so,
 * p->best is the smallest such one, the entry the walk meets first.
 * Computed from the capped variants the index holds rather than with
 * pinyin_matches_prefix, which covers the full product: a name whose
 * only matching variant was dropped by the cap is not in the pinyin
 * index, so the name phase must not skip it. */
static bool
pinyin_indexed(struct page *p, const char *name)
{
	return p->have_best = pinyin_first_variant(name, p->text, IDX_PINYIN_VARIANTS, p->best);
}

bool
search_value_has_any(const char *value, const char *any_of)
{
	if (!any_of || !*any_of)
		return true;
	if (!value)
		return false;
	for (const char *a = any_of; *a;) {
		size_t al = strcspn(a, ",");
		for (const char *v = value; *v;) {
			size_t vl = strcspn(v, ",");
			if (vl == al && al && strncmp(v, a, al) == 0)
				return true;
			v += vl;
			if (*v)
				v++;
		}
		a += al;
		if (*a)
			a++;
	}
	return false;
}

/* The filters of q every kind of search applies alike. */
static bool
filters_pass(const struct search_query *q, const record *r)
{
	const char *v;
	if (q->village && (!(v = record_get(r, "village")) || strcmp(v, q->village) != 0))
		return false;
	if (q->status && (!(v = record_get(r, "status")) || strcmp(v, q->status) != 0))
		return false;
	if (q->level && (!(v = record_get(r, "level")) || strcmp(v, q->level) != 0))
		return false;
	if (q->field && !search_value_has_any(record_get(r, q->field), q->any_of))
		return false;
	return true;
}

static bool
wanted(struct page *p, const record *r, const unsigned char *key, size_t keylen)
{
	const struct search_query *q = p->q;
	const char *name = record_get(r, "name");
	if (p->ph->pinyin) {
		/* only on the record's first matching variant in index order */
		size_t vlen = keylen - 2;
		if (!name || !pinyin_indexed(p, name) || strlen(p->best) != vlen ||
		    memcmp(p->best, key + 2, vlen) != 0)
			return false;
	}
	if (p->ph->skip_py && name && pinyin_indexed(p, name))
		return false;  /* found by its initials already */
	return filters_pass(q, r);
}

static int
page_entry(const rec_id *id, const unsigned char *key, size_t keylen, void *ctx)
{
	struct page *p = ctx;
	struct search_pos *pos = p->pos;
	/* the resume point moves past every entry looked at, kept or not */
	if (keylen > sizeof pos->key)
		return p->err = STORE_CORRUPT;
	memcpy(pos->key, key, keylen);
	pos->keylen = keylen;
	rec_id_to_key(id, pos->data);
	pos->started = true;

	/* The name phase's skip can be told from the entry (the name,
	 * lowercased, gives the same initials), so records found already are
	 * not fetched a second time; but not from a value index.c may have
	 * cut (it backs up at most 3 bytes to a character boundary). */
	if (p->ph->skip_py && keylen + 4 <= IDX_KEYMAX) {
		char name[IDX_KEYMAX];
		memcpy(name, key + 2, keylen - 2);
		name[keylen - 2] = '\0';
		if (pinyin_indexed(p, name))
			return 0;
	}
	record *r;
	int err = store_get(p->t, id, &r);
	if (err == STORE_NOTFOUND || err == STORE_DENIED)
		return 0;  /* an entry without its record (verify reports it), or out of reach */
	if (err)
		return p->err = err;
	if (!wanted(p, r, key, keylen)) {
		record_free(r);
		return 0;
	}
	p->out[p->n++] = r;
	return p->n == p->max ? STORE_STOP : 0;
}

static int
page_txn(store_txn *t, void *ctx)
{
	struct page *p = ctx;
	struct search_pos *pos = p->pos;
	enum search_by by = classify_trimmed(p->text);
	p->t = t;
	while (!pos->done && p->n < p->max) {
		if (pos->phase >= plans[by].n) {
			pos->done = true;
			break;
		}
		p->ph = &plans[by].phases[pos->phase];
		for (size_t k = 0; by == SEARCH_ALL && k < NELEM(dated_kinds); k++)
			if (p->q->kind == dated_kinds[k])
				p->ph = &phase_all_dated[0];
		if (by == SEARCH_IDNUM && p->q->kind == REC_UNIT)
			p->ph = &phase_code[0];
		/* names in pinyin order, where the database has that index (a
		 * database an older program made and nothing has written since
		 * has only the names in character order) */
		int idx = p->ph->idx;
		if (idx == IDX_NAME && !p->ph->skip_py && p->sorted)
			idx = IDX_SORT;
		int rc = store_walk(t, idx, p->q->kind, p->text,
		                    pos->started ? pos->key : NULL, pos->keylen,
		                    pos->started ? pos->data : NULL, page_entry, p);
		if (p->err)
			return p->err;
		if (rc == STORE_STOP)
			break;
		if (rc)
			return rc;
		/* this index is walked to its end: on to the next */
		pos->phase++;
		pos->started = false;
		pos->keylen = 0;
	}
	return STORE_OK;
}

int
search_page(store *st, const struct search_query *q, struct search_pos *pos, record **out,
            size_t max, size_t *n)
{
	*n = 0;
	if (!st || !q || !pos || (max && !out))
		return STORE_INVALID;
	if (pos->done || max == 0)
		return STORE_OK;
	char text[IDX_KEYMAX];
	size_t len = trimmed(q->text, text);
	enum search_by by = classify_trimmed(text);
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (plans[by].lower && c >= 'A' && c <= 'Z')
			text[i] = (char)(c - 'A' + 'a');
		else if (plans[by].upper && c >= 'a' && c <= 'z')
			text[i] = (char)(c - 'a' + 'A');
	}
	struct search_pos saved = *pos;
	struct page p = {.q = q, .text = text, .textlen = len, .pos = pos, .out = out, .max = max,
	                 .sorted = store_index_version(st) >= 2};
	int err = store_read(st, page_txn, &p);
	if (err) {
		/* nothing half-done: the caller may try the same page again */
		for (size_t i = 0; i < p.n; i++)
			record_free(out[i]);
		*pos = saved;
		return err;
	}
	*n = p.n;
	return STORE_OK;
}

struct get {
	rec_id id;
	record *r;
};

static int
get_txn(store_txn *t, void *ctx)
{
	struct get *g = ctx;
	record_free(g->r);
	g->r = NULL;
	return store_get(t, &g->id, &g->r);
}

int
search_get(store *st, const rec_id *id, record **out)
{
	struct get g = {*id, NULL};
	int err = store_read(st, get_txn, &g);
	if (err) {
		record_free(g.r);
		g.r = NULL;
	}
	*out = g.r;
	return err;
}

struct refname {
	rec_id id;
	char *name;
};

static int
refname_txn(store_txn *t, void *ctx)
{
	struct refname *rn = ctx;
	record *r;
	if (store_get(t, &rn->id, &r) != STORE_OK)
		return 0;
	const char *name = record_get(r, "name");
	rn->name = name ? strdup(name) : NULL;
	record_free(r);
	return 0;
}

char *
search_ref_name(store *st, const char *idtext)
{
	struct refname rn = {{0}, NULL};
	if (idtext && rec_id_parse(idtext, &rn.id) == 0)
		store_read(st, refname_txn, &rn);
	return rn.name;
}

bool
search_kind_is_dated(int kind)
{
	for (size_t k = 0; k < NELEM(dated_kinds); k++)
		if (dated_kinds[k] == kind)
			return true;
	return false;
}

struct linked {
	const struct search_query *q;
	record **out;
	size_t max, n;
	char idtext[REC_ID_TEXTMAX];
	store_txn *t;
};

/* A record of the wanted kind that names the resident (the link index
 * gives candidates by exact id text). */
static int
linked_entry(const rec_id *id, const char *value, void *ctx)
{
	struct linked *l = ctx;
	if (strcmp(value, l->idtext) != 0)
		return 1;  /* past the exact id */
	for (size_t i = 0; i < l->n; i++)
		if (rec_id_equal(&l->out[i]->id, id))
			return 0;  /* named twice (a need of two residents) */
	record *r;
	if (store_get(l->t, id, &r) != STORE_OK)
		return 0;
	if (!filters_pass(l->q, r)) {
		record_free(r);
		return 0;
	}
	l->out[l->n++] = r;
	return l->n == l->max ? 1 : 0;
}

struct linked_args {
	struct linked *l;
	record **residents;
	size_t nres;
};

static int
linked_txn(store_txn *t, void *ctx)
{
	struct linked_args *a = ctx;
	a->l->t = t;
	for (size_t i = 0; i < a->nres && a->l->n < a->l->max; i++) {
		rec_id_format(&a->residents[i]->id, a->l->idtext);
		int rc = store_find(t, IDX_LINK, a->l->q->kind, a->l->idtext, linked_entry, a->l);
		if (rc < 0 || store_txn_error(t))
			return store_txn_error(t);
	}
	return 0;
}

/* Does a field named in fields (comma-separated) hold text? */
static bool
content_holds(const record *r, const char *fields, const char *text)
{
	for (const char *f = fields; *f;) {
		size_t fl = strcspn(f, ",");
		char name[64];
		if (fl && fl < sizeof name) {
			memcpy(name, f, fl);
			name[fl] = '\0';
			const char *v = record_get(r, name);
			if (v && strstr(v, text))
				return true;
		}
		f += fl;
		if (*f)
			f++;
	}
	return false;
}

struct content {
	struct linked *l;
	const char *text;
	size_t before;   /* the records found through residents */
	int err;
};

static int
content_entry(const rec_id *id, const unsigned char *key, size_t keylen, void *ctx)
{
	(void)key;
	(void)keylen;
	struct content *c = ctx;
	struct linked *l = c->l;
	for (size_t i = 0; i < c->before; i++)
		if (rec_id_equal(&l->out[i]->id, id))
			return 0;  /* found through the resident already */
	record *r;
	int err = store_get(l->t, id, &r);
	if (err == STORE_NOTFOUND || err == STORE_DENIED)
		return 0;
	if (err)
		return c->err = err;
	if (!filters_pass(l->q, r) || !content_holds(r, l->q->content_fields, c->text)) {
		record_free(r);
		return 0;
	}
	l->out[l->n++] = r;
	return l->n == l->max ? STORE_STOP : 0;
}

static int
content_txn(store_txn *t, void *ctx)
{
	struct content *c = ctx;
	c->l->t = t;
	int rc = store_walk(t, IDX_DATE, c->l->q->kind, "", NULL, 0, NULL, content_entry, c);
	if (c->err)
		return c->err;
	return rc == STORE_STOP ? 0 : rc;
}

int
search_linked(store *st, const struct search_query *q, record **out, size_t max, size_t *n)
{
	*n = 0;
	struct search_query rq = {.kind = REC_RESIDENT, .text = q->text};
	struct search_pos pos;
	memset(&pos, 0, sizeof pos);
	record *res[16];
	size_t seen = 0;
	struct linked l = {q, out, max, 0, "", NULL};
	int err = 0;
	while (!err && !pos.done && l.n < max && seen < SEARCH_LINKED_RESIDENTS) {
		size_t got = 0;
		err = search_page(st, &rq, &pos, res, 16, &got);
		if (err)
			break;
		struct linked_args a = {&l, res, got};
		err = store_read(st, linked_txn, &a);
		for (size_t i = 0; i < got; i++)
			record_free(res[i]);
		seen += got;
		if (got < 16)
			break;
	}
	char text[IDX_KEYMAX];
	trimmed(q->text, text);
	if (!err && l.n < max && q->content_fields && classify_trimmed(text) == SEARCH_NAME) {
		struct content c = {&l, text, l.n, 0};
		err = store_read(st, content_txn, &c);
	}
	if (err) {
		for (size_t i = 0; i < l.n; i++)
			record_free(out[i]);
		l.n = 0;
	}
	*n = l.n;
	return err;
}
