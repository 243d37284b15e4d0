/* pickfind.c: what a picker offers for records without a name of their
 * own (pickfind.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "pickfind.h"
#include "search.h"
#include "shown.h"
#include "util.h"

static bool
has_word(const char *hay, const char *w, size_t n)
{
	size_t hl = strlen(hay);
	for (size_t i = 0; i + n <= hl; i++) {
		size_t k = 0;
		while (k < n) {
			unsigned char a = (unsigned char)hay[i + k], b = (unsigned char)w[k];
			if (a >= 'A' && a <= 'Z')
				a = (unsigned char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (unsigned char)(b - 'A' + 'a');
			if (a != b)
				break;
			k++;
		}
		if (k == n)
			return true;
	}
	return false;
}

bool
pickfind_match(const struct formset *forms, const record *r, const char *text)
{
	if (!text)
		return true;
	char *line = NULL;
	bool ok = true;
	for (const char *p = text; *p && ok;) {
		p += strspn(p, " \t");
		size_t n = strcspn(p, " \t");
		if (!n)
			break;
		if (!line && !(line = shown_summary(forms, r, 0)))
			return false;
		ok = has_word(line, p, n);
		p += n;
	}
	free(line);
	return ok;
}

struct ids {
	rec_id *v;
	size_t n, cap;
};

static bool
ids_has(const struct ids *s, const rec_id *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (rec_id_equal(&s->v[i], id))
			return true;
	return false;
}

static int
ids_add(struct ids *s, const rec_id *id)
{
	if (!util_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v))
		return -1;
	s->v[s->n++] = *id;
	return 0;
}

struct exact {
	const char *value;
	struct ids *into;
};

static int
exact_one(const rec_id *id, const char *value, void *ctx)
{
	struct exact *e = ctx;
	if (strcmp(value, e->value) != 0)
		return 1;  /* past the exact id */
	if (!ids_has(e->into, id) && ids_add(e->into, id) < 0)
		return -1;
	return 0;
}

static int
all_one(const rec_id *id, const char *value, void *ctx)
{
	(void)value;
	return ids_add(ctx, id) < 0 ? -1 : 0;
}

struct run {
	const struct formset *forms;
	const struct pickfind_query *q;
	struct ids own, byres, dated;
	record **out;
	size_t max, n, nown;
};

static int
date_cmp(const void *a, const void *b)
{
	const record *ra = *(record *const *)a, *rb = *(record *const *)b;
	const char *x = record_get(ra, "date"), *y = record_get(rb, "date");
	int c = strcmp(y ? y : "", x ? x : "");   /* newest first */
	if (c)
		return c;
	/* the same day: the one taken last first */
	if (ra->id.site != rb->id.site)
		return ra->id.site < rb->id.site ? 1 : -1;
	return ra->id.seq < rb->id.seq ? 1 : ra->id.seq > rb->id.seq ? -1 : 0;
}

/* r is offered: its words match, or its resident is who was typed */
static bool
wanted(struct run *ru, const record *r)
{
	return ids_has(&ru->byres, &r->id) || pickfind_match(ru->forms, r, ru->q->text);
}

static int
run_txn(store_txn *t, void *ctx)
{
	struct run *ru = ctx;
	const struct pickfind_query *q = ru->q;
	/* the own: every record that names one of them */
	for (size_t i = 0; i < q->nown; i++) {
		struct exact e = {q->own[i], &ru->own};
		if (q->own[i] && *q->own[i] && store_find(t, IDX_LINK, q->kind, q->own[i], exact_one, &e) < 0)
			return store_txn_error(t) ? store_txn_error(t) : STORE_NOMEM;
	}
	for (size_t i = 0; i < ru->own.n && ru->n < ru->max; i++) {
		record *r;
		if (store_get(t, &ru->own.v[i], &r) != STORE_OK)
			continue;
		if (wanted(ru, r))
			ru->out[ru->n++] = r;
		else
			record_free(r);
	}
	qsort(ru->out, ru->n, sizeof *ru->out, date_cmp);
	ru->nown = ru->n;
	if (q->only_own && q->nown > 0)
		return 0;
	/* the others, newest first (the date index, walked backwards) */
	if (store_find(t, IDX_DATE, q->kind, "", all_one, &ru->dated) < 0)
		return store_txn_error(t) ? store_txn_error(t) : STORE_NOMEM;
	bool typed = q->text && q->text[strspn(q->text, " \t")];
	size_t looked = 0;
	for (size_t i = ru->dated.n; i-- > 0 && ru->n < ru->max;) {
		if (typed && looked++ >= PICKFIND_SCAN)
			break;
		if (ids_has(&ru->own, &ru->dated.v[i]))
			continue;
		record *r;
		if (store_get(t, &ru->dated.v[i], &r) != STORE_OK)
			continue;
		if (!typed || wanted(ru, r))
			ru->out[ru->n++] = r;
		else
			record_free(r);
	}
	return 0;
}

int
pickfind(store *st, const struct formset *forms, const struct pickfind_query *q,
         record **out, size_t max, size_t *n, size_t *nown_found)
{
	struct run ru = {forms, q, {0}, {0}, {0}, out, max, 0, 0};
	*n = 0;
	if (nown_found)
		*nown_found = 0;
	int err = 0;
	if (q->text && q->text[strspn(q->text, " \t")]) {
		/* records whose resident is the one typed (by name, pinyin, ID) */
		record *hit[64];
		size_t got = 0;
		struct search_query sq = {.kind = q->kind, .text = q->text};
		err = search_linked(st, &sq, hit, 64, &got);
		for (size_t i = 0; i < got; i++) {
			if (!err && ids_add(&ru.byres, &hit[i]->id) < 0)
				err = STORE_NOMEM;
			record_free(hit[i]);
		}
	}
	if (!err)
		err = store_read(st, run_txn, &ru);
	if (err) {
		for (size_t i = 0; i < ru.n; i++)
			record_free(out[i]);
		ru.n = ru.nown = 0;
	}
	free(ru.own.v);
	free(ru.byres.v);
	free(ru.dated.v);
	*n = ru.n;
	if (nown_found)
		*nown_found = ru.nown;
	return err;
}

bool
pickfind_only_open_need(store *st, const struct formset *forms, const char *resident,
                        const char *function, char *out, size_t size)
{
	if (!resident || !*resident || !function || !*function)
		return false;
	const char *own[] = {resident};
	struct pickfind_query q = {REC_NEED, NULL, own, 1, true};
	record *got[64];
	size_t n = 0, nown = 0;
	if (pickfind(st, forms, &q, got, 64, &n, &nown) != STORE_OK)
		return false;
	size_t found = 0;
	char idbuf[REC_ID_TEXTMAX];
	for (size_t i = 0; i < n; i++) {
		const char *fn = record_get(got[i], "service");
		const char *status = record_get(got[i], "status");
		bool open = !status || !*status || strcmp(status, "open") == 0 ||
		            strcmp(status, "in_progress") == 0;
		if (open && !record_voided(got[i]) && fn && strcmp(fn, function) == 0 &&
		    found++ == 0)
			snprintf(out, size, "%s", rec_id_format(&got[i]->id, idbuf));
		record_free(got[i]);
	}
	/* 64 or more of theirs: too many to say which */
	return found == 1 && n < 64;
}
