/* sync-peer.c: what the exchange keeps between runs, in meta: each
 * peer's bookkeeping (sync/peer/SITE: its village, the change numbers
 * taken and confirmed, the last exchange), the owners' versions taken
 * (sync/sv/ID), and the status the screen and `sync --status` show. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orgunit.h"
#include "sync-internal.h"

/* --- small named values, the peers, owners' versions ------------------------ */

int
sync_meta_fixed(store_txn *t, const char *name, void *out, size_t size, bool *have)
{
	void *d;
	size_t n;
	*have = false;
	int err = store_meta_get(t, name, &d, &n);
	if (err == STORE_NOTFOUND)
		return 0;
	if (err)
		return err;
	if (n == size) {
		memcpy(out, d, size);
		*have = true;
	}
	free(d);
	return 0;
}

int
sync_meta_u64(store_txn *t, const char *name, uint64_t *v)
{
	unsigned char b[8];
	bool have;
	int err = sync_meta_fixed(t, name, b, sizeof b, &have);
	*v = have ? be_get64(b) : 0;
	return err;
}

int
sync_meta_put_u64(store_txn *t, const char *name, uint64_t v)
{
	unsigned char b[8];
	be_put64(b, v);
	return store_meta_put(t, name, b, 8);
}

static void
peer_name(char *out, size_t size, uint64_t site)
{
	snprintf(out, size, "sync/peer/%012" PRIx64, site);
}

static void
peer_parse(struct sync_peer *p, const char *d, size_t n)
{
	char *s = strndup(d, n), *save = NULL;
	if (!s)
		return;
	for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(l, '=');
		if (!eq)
			continue;
		*eq++ = '\0';
		unsigned long long v = strtoull(eq, NULL, 10);
		if (strcmp(l, "unit") == 0)
			snprintf(p->unit, sizeof p->unit, "%s", eq);
		else if (strcmp(l, "recv") == 0)
			p->recv = v;
		else if (strcmp(l, "acked") == 0)
			p->acked = v;
		else if (strcmp(l, "last") == 0)
			p->last = (int64_t)v;
		else if (strcmp(l, "in") == 0)
			p->last_in = (size_t)v;
		else if (strcmp(l, "out") == 0)
			p->last_out = (size_t)v;
		else if (strcmp(l, "forms") == 0)
			snprintf(p->forms, sizeof p->forms, "%s", eq);
	}
	free(s);
}

int
sync_peer_get(store_txn *t, uint64_t site, struct sync_peer *p)
{
	char name[64];
	memset(p, 0, sizeof *p);
	p->site = site;
	if (!site)
		return 0;
	peer_name(name, sizeof name, site);
	void *d;
	size_t n;
	int err = store_meta_get(t, name, &d, &n);
	if (err == STORE_NOTFOUND)
		return 0;
	if (err)
		return err;
	peer_parse(p, d, n);
	free(d);
	return 0;
}

int
sync_peer_put(store_txn *t, const struct sync_peer *p)
{
	char name[64], v[500];
	peer_name(name, sizeof name, p->site);
	int n = snprintf(v, sizeof v,
	                 "unit=%s\nrecv=%" PRIu64 "\nacked=%" PRIu64 "\nlast=%lld\nin=%zu\nout=%zu\nforms=%s\n",
	                 p->unit, p->recv, p->acked, (long long)p->last, p->last_in, p->last_out,
	                 p->forms);
	return store_meta_put(t, name, v, (size_t)n);
}

struct find_peer {
	const char *unit;
	struct sync_peer best;
};

static int
find_peer_fn(const char *name, const void *data, size_t len, void *ctx)
{
	struct find_peer *fp = ctx;
	struct sync_peer p = {0};
	peer_parse(&p, data, len);
	p.site = strtoull(name + strlen("sync/peer/"), NULL, 16);
	if (strcmp(p.unit, fp->unit) == 0 && p.last >= fp->best.last)
		fp->best = p;
	return 0;
}

int
sync_peer_find(store_txn *t, const char *unit, struct sync_peer *best)
{
	struct find_peer fp = {unit, {0}};
	int err = store_meta_each(t, "sync/peer/", find_peer_fn, &fp);
	*best = fp.best;
	return err;
}

/* Owners' versions: u32 BE each. */
int
sync_sv_get(store_txn *t, const rec_id *id, uint32_t *owner, uint32_t *here, bool *have)
{
	char name[96], idt[REC_ID_TEXTMAX];
	snprintf(name, sizeof name, "sync/sv/%s", rec_id_format(id, idt));
	unsigned char b[8];
	int err = sync_meta_fixed(t, name, b, sizeof b, have);
	*owner = *have ? be_get32(b) : 0;
	*here = *have ? be_get32(b + 4) : 0;
	return err;
}

int
sync_sv_put(store_txn *t, const rec_id *id, uint32_t owner, uint32_t here)
{
	char name[96], idt[REC_ID_TEXTMAX];
	snprintf(name, sizeof name, "sync/sv/%s", rec_id_format(id, idt));
	unsigned char b[8];
	be_put32(b, owner);
	be_put32(b + 4, here);
	return store_meta_put(t, name, b, 8);
}

/* --- the status --------------------------------------------------------------- */

struct status_ctx {
	const struct scope *sc;
	struct sync_status *s;
	store_txn *t;
};

static int
status_peer(const char *name, const void *data, size_t len, void *ctx)
{
	struct status_ctx *c = ctx;
	struct sync_status *s = c->s;
	struct sync_peer q = {0};
	peer_parse(&q, data, len);
	/* a township shows a worker the villages in their reach only */
	if (!s->upstream && c->sc && c->sc->role != ROLE_ADMIN && !scope_in_reach(c->sc, q.unit))
		return 0;
	struct sync_peer *np = realloc(s->peers, (s->npeers + 1) * sizeof *np);
	if (!np)
		return STORE_NOMEM;
	s->peers = np;
	struct sync_peer *p = &np[s->npeers++];
	memset(p, 0, sizeof *p);
	peer_parse(p, data, len);
	p->site = strtoull(name + strlen("sync/peer/"), NULL, 16);
	return 0;
}

static int
status_notice(const char *name, const void *data, size_t len, void *ctx)
{
	struct status_ctx *c = ctx;
	if (len >= 5 && memcmp(data, "open\t", 5) == 0 && sync_notice_visible(c->t, name))
		c->s->open_notices++;
	return 0;
}

static int
status_txn(store_txn *t, void *ctx)
{
	struct status_ctx *c = ctx;
	struct sync_status *s = c->s;
	s->site = store_site(store_txn_store(t));
	int err = sync_meta_u64(t, "sync/upstream", &s->upstream);
	void *d;
	size_t n;
	if (!err && (err = store_meta_get(t, "sync/host", &d, &n)) == 0) {
		snprintf(s->host, sizeof s->host, "%.*s", (int)n, (const char *)d);
		free(d);
	}
	if (err == STORE_NOTFOUND)
		err = 0;
	c->t = t;
	if (!err)
		err = store_meta_each(t, "sync/peer/", status_peer, c);
	if (!err)
		err = store_meta_each(t, "sync/notice/", status_notice, c);
	return err;
}

int
sync_status(store *st, const struct scope *sc, struct sync_status *out)
{
	memset(out, 0, sizeof *out);
	struct status_ctx c = {sc, out, NULL};
	int err = store_read(st, status_txn, &c);
	if (!err && out->upstream && sc && sc->role != ROLE_SUPERVISOR) {
		/* what would go up now: the same walk as the file, counting */
		err = sync_make_pending(st, sc, &out->pending, &out->pending_referrals);
	}
	if (err)
		sync_status_free(out);
	return err;
}

void
sync_status_free(struct sync_status *s)
{
	free(s->peers);
	s->peers = NULL;
	s->npeers = 0;
}
