/* sync-notice.c: what an exchange could not merge, kept for a worker
 * (meta "sync/notice/ID/TAG": open or settled, when, what, the text): a
 * step the merge could not take, a change made here that the owner's
 * version replaces or that the other side made to our record; listed,
 * and settled with a note. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "i18n.h"
#include "paths.h"
#include "scope.h"
#include "sha256.h"
#include "shown.h"
#include "sync-internal.h"

static const char *
now_text(char *out, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M", &tm);
	return out;
}

/* Keep a notice (once: a notice already there, settled or not, stays as
 * it is). */
static int
notice_add(store_txn *t, struct sync_stats *stats, const rec_id *id, const char *what,
           const char *tag, const char *text)
{
	char name[112], idt[REC_ID_TEXTMAX];
	snprintf(name, sizeof name, "sync/notice/%s/%s", rec_id_format(id, idt), tag);
	void *d;
	size_t n;
	int err = store_meta_get(t, name, &d, &n);
	if (err == 0) {
		free(d);
		return 0;
	}
	if (err != STORE_NOTFOUND)
		return err;
	char *v = NULL;
	int len = asprintf(&v, "open\t%lld\t%s\t%s", (long long)time(NULL), what, text);
	if (len < 0)
		return store_txn_fail(t, STORE_NOMEM);
	err = store_meta_put(t, name, v, (size_t)len);
	free(v);
	if (!err) {
		stats->notices++;
		err = audit_log(t, "sync-notice", id, 0, 0, what);
	}
	return err;
}

/* "2026-11-29 10:15 anning submit note" from a history line. */
static void
line_text(const char *line, char *out, size_t size)
{
	snprintf(out, size, "%s", line);
	for (char *p = out; *p; p++)
		if (*p == '\t')
			*p = ' ';
}

int
sync_notice_steps(store_txn *t, struct sync_stats *stats, const rec_id *id,
                  const struct refer_merge *m)
{
	int err = 0;
	for (size_t i = 0; i < m->nrefused && !err; i++) {
		char tag[20], text[600], line[400];
		unsigned char h[SHA256_LEN];
		sha256(m->refused[i], strlen(m->refused[i]), h);
		snprintf(tag, sizeof tag, "s%02x%02x%02x%02x", h[0], h[1], h[2], h[3]);
		line_text(m->refused[i], line, sizeof line);
		snprintf(text, sizeof text,
		         _("Referral %s: the two sides took steps on it between exchanges, and once "
		           "they were put together in time order the step \"%s\" could no longer be "
		           "taken: the referral had moved on before it. It is kept in the history, not "
		           "applied; the referral is now \"%s\". Agree with the other side what "
		           "should happen, take a step again if one is still needed, then mark this "
		           "notice settled."),
		         record_get(m->merged, "number") ? record_get(m->merged, "number") : "", line,
		         referral_state_label(m->state));
		err = notice_add(t, stats, id, "step", tag, text);
	}
	return err;
}

int
sync_notice_diff(store_txn *t, struct sync_stats *stats, const record *local, const record *in,
                 bool theirs)
{
	struct strbuf b = {0};
	char head[600], idt[REC_ID_TEXTMAX];
	if (theirs)
		snprintf(head, sizeof head,
		         _("%s, a record made here, was changed by the other side (by %s). This "
		           "side's version stays; if their change is right, make it here too. What "
		           "this side has, beside what they sent:"),
		         rec_id_format(&local->id, idt), in->updated_by ? in->updated_by : "?");
	else
		snprintf(head, sizeof head,
		         _("%s changed here (version %u, by %s) was replaced by the version of the "
		           "site that made it. What the change here had, beside what came:"),
		         rec_id_format(&local->id, idt), (unsigned)local->version,
		         local->updated_by ? local->updated_by : "?");
	sb_str(&b, head);
	for (size_t i = 0; i < local->nfields; i++) {
		const rec_field *f = &local->fields[i];
		const char *v = record_get(in, f->name);
		if (v && strcmp(v, f->value) == 0)
			continue;
		char *line = shown_change_line(f->name, f->value, v);
		if (!line) {
			sb_free(&b);
			return store_txn_fail(t, STORE_NOMEM);
		}
		sb_str(&b, line);
		free(line);
	}
	for (size_t i = 0; i < in->nfields; i++) {
		if (record_get(local, in->fields[i].name))
			continue;
		char *line = shown_change_line(in->fields[i].name, "", in->fields[i].value);
		if (!line) {
			sb_free(&b);
			return store_txn_fail(t, STORE_NOMEM);
		}
		sb_str(&b, line);
		free(line);
	}
	if (b.failed) {
		sb_free(&b);
		return store_txn_fail(t, STORE_NOMEM);
	}
	char tag[20];
	snprintf(tag, sizeof tag, "%s%u", theirs ? "t" : "r",
	         (unsigned)(theirs ? in->version : local->version));
	int err = notice_add(t, stats, &local->id, theirs ? "theirs" : "replaced", tag, b.p);
	sb_free(&b);
	return err;
}

/* (Visible: its record is one they may read; one since deleted stays
 * shown.) */
bool
sync_notice_visible(store_txn *t, const char *name)
{
	const char *rest = name + strlen("sync/notice/");
	char idt[REC_ID_TEXTMAX];
	size_t k = strcspn(rest, "/");
	rec_id id;
	record *r = NULL;
	if (k >= sizeof idt)
		return false;
	snprintf(idt, sizeof idt, "%.*s", (int)k, rest);
	if (rec_id_parse(idt, &id) < 0)
		return false;
	int err = store_get(t, &id, &r);
	record_free(r);
	return err == 0 || err == STORE_NOTFOUND;
}

struct notices_ctx {
	bool all;
	struct sync_notice *v;
	size_t n, cap;
	store_txn *t;   /* when set, only the notices the worker may see */
	const struct scope *sc;   /* the reader, whose scope masks what they may not see */
	struct formset *fs;
};

/* A notice of a change (sync_notice_diff) as the reader may see it: the
 * values of the fields the record's form marks sensitive masked for a
 * reader who may not see them (every value when the record or its form
 * is not found).  A step's notice is a history line, which the referral
 * shows them too. */
static int
notice_mask(struct notices_ctx *c, struct sync_notice *x)
{
	if (scope_may_see_sensitive(c->sc) || strcmp(x->what, "step") == 0)
		return 0;
	struct form_error fe = {0};
	if (!c->fs)
		c->fs = formset_load(paths_forms(), &fe);
	rec_id id;
	record *r = NULL;
	if (rec_id_parse(x->record, &id) < 0 || store_get(c->t, &id, &r) != 0)
		r = NULL;
	const struct form *f = c->fs && r ? formset_for_record(c->fs, r) : NULL;
	record_free(r);
	char *m = shown_change_masked(f, x->text, !x->open);
	if (!m)
		return STORE_NOMEM;
	free(x->text);
	x->text = m;
	return 0;
}

static int
notice_fn(const char *name, const void *data, size_t len, void *ctx)
{
	struct notices_ctx *c = ctx;
	bool open = len >= 5 && memcmp(data, "open\t", 5) == 0;
	if ((!open && !c->all) || (c->t && !sync_notice_visible(c->t, name)))
		return 0;
	if (!util_grow((void **)&c->v, &c->cap, c->n + 1, sizeof *c->v))
		return STORE_NOMEM;
	struct sync_notice *x = &c->v[c->n];
	memset(x, 0, sizeof *x);
	snprintf(x->key, sizeof x->key, "%s", name);
	x->open = open;
	const char *rest = name + strlen("sync/notice/");
	size_t k = strcspn(rest, "/");
	snprintf(x->record, sizeof x->record, "%.*s", (int)(k < sizeof x->record ? k : 0), rest);
	char *s = strndup(data, len);
	if (!s)
		return STORE_NOMEM;
	char *f[4] = {s, NULL, NULL, NULL};
	for (int i = 1; i < 4 && f[i - 1]; i++) {
		char *tab = strchr(f[i - 1], '\t');
		if (tab) {
			*tab = '\0';
			f[i] = tab + 1;
		}
	}
	x->at = f[1] ? strtoll(f[1], NULL, 10) : 0;
	snprintf(x->what, sizeof x->what, "%s", f[2] ? f[2] : "");
	x->text = strdup(f[3] ? f[3] : "");
	free(s);
	if (!x->text)
		return STORE_NOMEM;
	c->n++;
	return c->sc ? notice_mask(c, x) : 0;
}

static int
notices_txn(store_txn *t, void *ctx)
{
	struct notices_ctx *c = ctx;
	c->t = t;
	return store_meta_each(t, "sync/notice/", notice_fn, ctx);
}

int
sync_notices(store *st, const struct scope *sc, bool all, struct sync_notice **out, size_t *n)
{
	struct notices_ctx c = {all, NULL, 0, 0, NULL, sc, NULL};
	int err = store_read(st, notices_txn, &c);
	formset_free(c.fs);
	if (err) {
		sync_notices_free(c.v, c.n);
		c.v = NULL;
		c.n = 0;
	}
	*out = c.v;
	*n = c.n;
	return err;
}

void
sync_notices_free(struct sync_notice *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}

struct settle_ctx {
	const char *key;
	const char *note;
};

/* The notice under key settled, read and written in one transaction, so
 * that two workers settling at once cannot both take it. */
static int
settle_txn(store_txn *t, void *ctx)
{
	struct settle_ctx *sc = ctx;
	struct notices_ctx nc = {false, NULL, 0, 0, NULL, NULL, NULL};
	void *d;
	size_t n;
	int err = store_meta_get(t, sc->key, &d, &n);
	if (err)
		return err;
	if (!sync_notice_visible(t, sc->key)) {
		free(d);
		return STORE_DENIED;   /* another village's: as if not there */
	}
	err = notice_fn(sc->key, d, n, &nc);
	free(d);
	if (!err && nc.n == 0)
		err = STORE_NOTFOUND;   /* settled already */
	if (err) {
		sync_notices_free(nc.v, nc.n);
		return err;
	}
	const struct sync_notice *x = &nc.v[0];
	char *v = NULL, when[20];
	int len = asprintf(&v, "settled\t%lld\t%s\t%s\n%s %s %s: %s", (long long)x->at, x->what,
	                   x->text, now_text(when, sizeof when), store_user(store_txn_store(t)),
	                   _("settled it"), sc->note ? sc->note : "");
	if (len < 0) {
		sync_notices_free(nc.v, nc.n);
		return store_txn_fail(t, STORE_NOMEM);
	}
	err = store_meta_put(t, sc->key, v, (size_t)len);
	free(v);
	rec_id id;
	bool have = rec_id_parse(x->record, &id) == 0;
	if (!err)
		err = audit_log(t, "sync-settle", have ? &id : NULL, 0, 0, sc->note ? sc->note : "");
	sync_notices_free(nc.v, nc.n);
	return err;
}

int
sync_notice_settle_key(store *st, const char *key, const char *note, char *why, size_t whysize)
{
	if (why && whysize)
		*why = '\0';
	if (!key || strncmp(key, "sync/notice/", 12) != 0)
		return STORE_INVALID;
	struct settle_ctx c = {key, note};
	int err = store_write(st, settle_txn, &c);
	if (err == STORE_NOTFOUND && why && whysize)
		snprintf(why, whysize, "%s", _("This notice is settled already (someone settled it "
		                               "meanwhile)."));
	else if (err == STORE_DENIED && why && whysize)
		snprintf(why, whysize, "%s", _("This notice is about a record you do not look after: "
		                               "a worker of its village or township settles it."));
	return err;
}

int
sync_notice_settle(store *st, size_t i, const char *note, char *why, size_t whysize)
{
	struct sync_notice *v;
	size_t n;
	if (why && whysize)
		*why = '\0';
	int err = sync_notices(st, NULL, false, &v, &n);
	if (err)
		return err;
	if (i < 1 || i > n) {
		sync_notices_free(v, n);
		if (why && whysize)
			snprintf(why, whysize, _("There is no open notice number %zu."), i);
		return STORE_NOTFOUND;
	}
	err = sync_notice_settle_key(st, v[i - 1].key, note, why, whysize);
	sync_notices_free(v, n);
	return err;
}

