/* store-draft.c: drafts: a form being filled in, kept by login, so that
 * work cut off (a dropped connection, a closed window) comes back; a
 * generation and an owner in each, so that a writer whose draft was taken
 * back elsewhere cannot overwrite the one who took it. */
#include "config.h"

#include <lmdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "store-internal.h"
#include "util.h"

/* A draft's value: 0xFF 'D' flags(1) generation(8 BE) owner(8 BE) then the
 * caller's bytes; flags bit 0 set when there is a draft (clear: only the
 * generation is kept, once the draft was taken back, saved or thrown
 * away).  A value from before generations (a form name first: never
 * 0xFF) is a draft of generation 0 and owner 0. */
#define DRAFT_HEAD 19
#define DRAFT_HAS 1

struct draft_op {
	const char *login;
	const void *data;
	size_t len;
	enum { DRAFT_GET, DRAFT_PUT, DRAFT_TAKE, DRAFT_DISCARD, DRAFT_DROP, DRAFT_DEL } op;
	const struct store_draft_mark *mark;  /* the caller's (put, take, drop) */
	void *out;
	size_t outlen;
	uint64_t gen;                         /* the generation it now holds */
};

static int
draft_write(store_txn *t, MDB_val *k, bool has, uint64_t gen, uint64_t owner,
            const void *data, size_t len)
{
	MDB_val v = {DRAFT_HEAD + (has ? len : 0), NULL};
	int rc = mdb_put(t->txn, t->st->draft, k, &v, MDB_RESERVE);
	if (store_txn_rc(t, rc))
		return t->err;
	unsigned char *p = v.mv_data;
	p[0] = 0xFF;
	p[1] = 'D';
	p[2] = has ? DRAFT_HAS : 0;
	be_put64(p + 3, gen);
	be_put64(p + 11, owner);
	if (has && len)
		memcpy(p + DRAFT_HEAD, data, len);
	return 0;
}

static int
draft_txn(store_txn *t, void *ctx)
{
	struct draft_op *d = ctx;
	store *st = t->st;
	free(d->out);   /* a run before the map grew */
	d->out = NULL;
	d->outlen = 0;
	if (!st->have_draft) {
		/* made on first use, so older databases need no migration */
		int rc = mdb_dbi_open(t->txn, "draft", t->write ? MDB_CREATE : 0, &st->draft);
		if (rc == MDB_NOTFOUND)
			return STORE_NOTFOUND;
		if (store_txn_rc(t, rc))
			return t->err;
	}
	MDB_val k = {strlen(d->login), (void *)d->login}, v;
	int rc = mdb_get(t->txn, st->draft, &k, &v);
	if (rc != MDB_NOTFOUND && store_txn_rc(t, rc))
		return t->err;
	/* what is there: a draft or not, its generation and owner, its bytes */
	bool there = rc == 0, has = there;
	uint64_t gen = 0, owner = 0;
	const unsigned char *body = there ? v.mv_data : NULL;
	size_t blen = there ? v.mv_size : 0;
	if (there && blen >= 2 && body[0] == 0xFF && body[1] == 'D') {
		if (blen < DRAFT_HEAD)
			return store_txn_fail(t, STORE_CORRUPT);
		has = body[2] & DRAFT_HAS;
		gen = be_get64(body + 3);
		owner = be_get64(body + 11);
		body += DRAFT_HEAD;
		blen -= DRAFT_HEAD;
	}
	d->gen = gen;
	const struct store_draft_mark *m = d->mark;
	switch (d->op) {
	case DRAFT_GET:
	case DRAFT_TAKE:
		if (!has)
			return STORE_NOTFOUND;
		d->out = malloc(blen ? blen : 1);
		if (!d->out)
			return store_txn_fail(t, STORE_NOMEM);
		memcpy(d->out, body, blen);
		d->outlen = blen;
		if (d->op == DRAFT_GET)
			return 0;
		/* the taker owns it now, under a generation no older writer holds */
		d->gen = gen + 1;
		return draft_write(t, &k, true, gen + 1, m->owner, d->out, blen);
	case DRAFT_PUT:
		if (m->held && m->gen != gen)
			return STORE_CONFLICT;   /* taken back or thrown away since */
		return draft_write(t, &k, true, gen, m->owner, d->data, d->len);
	case DRAFT_DISCARD:
		if (!there)
			return 0;
		d->gen = gen + 1;
		return draft_write(t, &k, false, gen + 1, 0, NULL, 0);
	case DRAFT_DROP:
		if (!has || !m->held || m->gen != gen || m->owner != owner)
			return 0;   /* not this writer's draft: left alone */
		return draft_write(t, &k, false, gen, 0, NULL, 0);
	default:
		if (!has)
			return 0;
		return draft_write(t, &k, false, gen, 0, NULL, 0);
	}
}

static int
draft_run(store *st, struct draft_op *d)
{
	int err = store_write(st, draft_txn, d);
	/* a table made in a transaction that did not commit is gone again */
	if (!err)
		st->have_draft = true;
	return err;
}

void
store_draft_mark_init(struct store_draft_mark *m)
{
	memset(m, 0, sizeof *m);
	/* unique to the writer among the sessions that may meet: the pid
	 * and a random number, never 0 (a draft of no owner) */
	unsigned char b[8] = {0};
	if (getrandom(b, sizeof b, GRND_NONBLOCK) != (ssize_t)sizeof b) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30);
		be_put64(b, x);
	}
	m->owner = be_get64(b) ^ ((uint64_t)getpid() << 40);
	if (!m->owner)
		m->owner = 1;
}

int
store_draft_put(store *st, const char *login, struct store_draft_mark *m, const void *data,
                size_t len)
{
	struct draft_op d = {login, data, len, DRAFT_PUT, m, NULL, 0, 0};
	int err = draft_run(st, &d);
	if (!err) {
		m->gen = d.gen;
		m->held = true;
	}
	return err;
}

int
store_draft_get(store *st, const char *login, void **data, size_t *len)
{
	struct draft_op d = {login, NULL, 0, DRAFT_GET, NULL, NULL, 0, 0};
	/* the first look may have to create the table, so it writes */
	int err = st->have_draft || st->rdonly ? store_read(st, draft_txn, &d)
	                                       : store_write(st, draft_txn, &d);
	if (!err && !st->rdonly)
		st->have_draft = true;
	*data = d.out;
	*len = d.outlen;
	return err;
}

int
store_draft_take(store *st, const char *login, struct store_draft_mark *m, void **data,
                 size_t *len)
{
	struct draft_op d = {login, NULL, 0, DRAFT_TAKE, m, NULL, 0, 0};
	int err = draft_run(st, &d);
	if (!err) {
		m->gen = d.gen;
		m->held = true;
	} else {
		free(d.out);
		d.out = NULL;
		d.outlen = 0;
	}
	*data = d.out;
	*len = d.outlen;
	return err;
}

int
store_draft_discard(store *st, const char *login)
{
	struct draft_op d = {login, NULL, 0, DRAFT_DISCARD, NULL, NULL, 0, 0};
	return draft_run(st, &d);
}

int
store_draft_drop(store *st, const char *login, const struct store_draft_mark *m)
{
	struct draft_op d = {login, NULL, 0, DRAFT_DROP, m, NULL, 0, 0};
	return draft_run(st, &d);
}

int
store_draft_del(store *st, const char *login)
{
	struct draft_op d = {login, NULL, 0, DRAFT_DEL, NULL, NULL, 0, 0};
	return draft_run(st, &d);
}
