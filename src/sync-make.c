/* sync-make.c: making an exchange file for the other side: the records
 * changed since it last confirmed (the store's change log) that its
 * village's room may see, as the owner's versions, with this side's
 * forms when the village PC has others, sealed with the village's key;
 * the peer's bookkeeping and a "sync-out" audit entry after. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "audit.h"
#include "orgunit.h"
#include "paths.h"
#include "sync-internal.h"

/* The unit (id text) a unit argument names: an id text or a division code. */
static int
unit_of(store_txn *t, const char *arg, char out[REC_ID_TEXTMAX])
{
	rec_id id;
	record *u = NULL;
	*out = '\0';
	if (rec_id_parse(arg, &id) == 0) {
		if (id.kind != REC_UNIT)
			return SYNC_ERR_UNIT;
		int err = store_get(t, &id, &u);
		if (err)
			return err == STORE_NOTFOUND || err == STORE_DENIED ? SYNC_ERR_UNIT : err;
		record_free(u);
		snprintf(out, REC_ID_TEXTMAX, "%s", arg);
		return 0;
	}
	int err = orgunit_by_code(t, arg, &u);
	if (err)
		return err == STORE_NOTFOUND ? SYNC_ERR_UNIT : err;
	rec_id_format(&u->id, out);
	record_free(u);
	return 0;
}

struct make_ctx {
	store *st;
	const struct scope *sc;
	const char *for_unit;
	uint64_t peer_site;
	struct sync_stats *stats;
	sync_progress_fn progress;
	void *pctx;
	char *why;
	size_t whysize;
	bool count_only;
	/* out */
	struct strbuf b;
	size_t count, countpos, pending_refs;
	struct sync_peer peer;
	char unit[REC_ID_TEXTMAX];
	struct scope *view;
	uint64_t local;
	size_t nchanges, seen;
	struct sync_forms fm; /* this side's forms */
	size_t nforms_sent;
	bool have_key;       /* the file is sealed with key */
	bool send_key;       /* and carries it (the village has not shown it has it) */
	bool new_key;        /* made now: kept in sync/key/UNIT when the file is */
	unsigned char key[SYNC_KEYLEN];
	char key_unit[REC_ID_TEXTMAX];
};

/* Whether r goes to the peer. */
static int
goes(store_txn *t, struct make_ctx *mc, const record *r, bool *yes)
{
	*yes = false;
	if (!scope_may_read(mc->view, r))
		return 0;
	if (r->id.site == mc->local && r->id.kind != REC_REFERRAL) {
		*yes = true;
		return 0;
	}
	uint32_t owner, here;
	bool have;
	int err = sync_sv_get(t, &r->id, &owner, &here, &have);
	if (r->id.kind == REC_REFERRAL) {
		/* another's referral goes whenever it changed here since it came */
		*yes = !err && (!have || here != r->version);
		return err;
	}
	if (mc->peer.site && r->id.site == mc->peer.site) {
		/* theirs: they have the owner's newest, unless it was changed
		 * here, which they are shown */
		*yes = !err && have && here != r->version;
		return err;
	}
	/* a copy changed here (a need's status following a referral) is not
	 * the owner's version: it is not passed on */
	*yes = !err && (!have || here == r->version);
	return err;
}

static int
add_change(uint64_t n, const rec_id *id, void *ctx)
{
	(void)n;
	store_txn **tp = ctx;
	store_txn *t = tp[0];
	struct make_ctx *mc = (struct make_ctx *)tp[1];
	record *r;
	int err = store_get(t, id, &r);
	if (err == STORE_NOTFOUND)
		return 0;
	if (err)
		return err;
	bool yes;
	err = goes(t, mc, r, &yes);
	if (!err && yes) {
		mc->count++;
		if (r->id.kind == REC_REFERRAL)
			mc->pending_refs++;
		if (!mc->count_only) {
			if ((err = sync_file_put_record(&mc->b, r)) && !mc->b.failed) {
				record_free(r);
				return err;   /* the record would not encode */
			}
			if (r->id.kind == REC_REFERRAL)
				mc->stats->sent_referrals++;
			else if (r->id.kind == REC_SERVICE)
				mc->stats->sent_services++;
		}
	}
	record_free(r);
	mc->seen++;
	if (mc->progress && !mc->count_only && (mc->seen & 255) == 0)
		mc->progress(0, mc->seen, mc->nchanges, mc->pctx);
	return err;
}

static int
count_changes(uint64_t n, const rec_id *id, void *ctx)
{
	(void)n;
	(void)id;
	(*(size_t *)ctx)++;
	return 0;
}

static int
make_txn(store_txn *t, void *ctx)
{
	struct make_ctx *mc = ctx;
	store *st = store_txn_store(t);
	mc->local = store_site(st);
	uint64_t upstream;
	size_t units = 0;
	int err = sync_meta_u64(t, "sync/upstream", &upstream);
	if (!err)
		err = store_count(t, REC_UNIT, &units);
	if (err)
		return err;
	store_txn_trust(t, true);
	if (upstream) {
		/* a village PC: for its township, as its room sees it */
		if (!mc->sc || mc->sc->role == ROLE_SUPERVISOR)
			return mc->sc ? SYNC_ERR_ROLE : SYNC_ERR_NOPEER;
		/* the village this PC serves (from the township's first file);
		 * what goes up is what that village's room may see, whoever
		 * runs the exchange */
		void *u = NULL;
		size_t ulen = 0;
		err = sync_peer_get(t, upstream, &mc->peer);
		if (!err && (err = store_meta_get(t, "sync/unit", &u, &ulen)) == STORE_NOTFOUND) {
			err = 0;
			snprintf(mc->unit, sizeof mc->unit, "%s", mc->sc->unit);
		} else if (!err) {
			snprintf(mc->unit, sizeof mc->unit, "%.*s", (int)ulen, (const char *)u);
		}
		free(u);
		if (!err && !sync_may_reach(mc->sc, mc->unit))
			err = SYNC_ERR_UNIT;
		if (!err)
			err = sync_own_key_get(t, mc->key, &mc->have_key);
		if (!err)
			err = scope_for_unit(t, mc->sc->login, mc->unit, &mc->view);
		if (err == STORE_INVALID || err == STORE_NOTFOUND)
			err = SYNC_ERR_UNIT;
	} else if (units == 0) {
		/* an empty database asking to join: an empty file */
		mc->view = NULL;
		mc->unit[0] = '\0';
	} else {
		if (!mc->sc)
			return SYNC_ERR_NOPEER;
		if (mc->sc->role == ROLE_SUPERVISOR)
			return SYNC_ERR_ROLE;
		if (!mc->for_unit || !*mc->for_unit)
			return SYNC_ERR_NOPEER;
		char unit[REC_ID_TEXTMAX];
		if ((err = unit_of(t, mc->for_unit, unit)))
			return err;
		if (!sync_may_reach(mc->sc, unit))
			return SYNC_ERR_UNIT;
		err = scope_for_unit(t, mc->sc->login, unit, &mc->view);
		if (err == STORE_INVALID)
			return SYNC_ERR_UNIT;
		if (err)
			return err;
		if (mc->peer_site) {
			err = sync_peer_get(t, mc->peer_site, &mc->peer);
		} else {
			err = sync_peer_find(t, unit, &mc->peer);
		}
		snprintf(mc->peer.unit, sizeof mc->peer.unit, "%s", unit);
		snprintf(mc->unit, sizeof mc->unit, "%s", mc->sc->unit);
		/* the village's key: made the first time, carried until its PC
		 * has sealed a file with it */
		bool confirmed = false;
		if (!err)
			err = sync_key_get(t, unit, mc->key, &mc->have_key, &confirmed);
		if (!err && !mc->have_key && !mc->count_only) {
			if (getrandom(mc->key, SYNC_KEYLEN, 0) != SYNC_KEYLEN)
				err = STORE_IO;
			mc->have_key = mc->new_key = true;
		}
		mc->send_key = mc->have_key && !confirmed;
		snprintf(mc->key_unit, sizeof mc->key_unit, "%s", unit);
		/* the village's own worker answered over ssh (sync --serve): the
		 * file still comes from the township above the village */
		rec_id vid;
		record *vu;
		if (!err && strcmp(unit, mc->sc->unit) == 0 && rec_id_parse(unit, &vid) == 0 &&
		    store_get(t, &vid, &vu) == 0) {
			const char *parent = record_get(vu, "parent");
			if (parent && *parent)
				snprintf(mc->unit, sizeof mc->unit, "%s", parent);
			record_free(vu);
		}
	}
	if (err)
		return err;
	uint64_t top = 0;
	if ((err = store_change_last(t, &top)))
		return err;
	mc->count = 0;
	mc->pending_refs = 0;
	mc->seen = 0;
	mc->b.len = 0;
	if (!mc->count_only) {
		mc->nchanges = 0;
		store_changes(t, mc->peer.acked, count_changes, &mc->nchanges);
		struct sync_file_head head = {
			.from_site = mc->local,
			.to_site = mc->peer.site,
			.base = mc->peer.acked,
			.top = units ? top : 0,
			.ack = mc->peer.recv,
			.made = (int64_t)time(NULL),
			.from_unit = mc->unit,
			.from_login = mc->sc ? mc->sc->login : store_user(st),
			.to_unit = upstream ? "" : mc->peer.unit,
			.forms_hash = mc->fm.hash,
			.key = mc->send_key ? mc->key : NULL,
		};
		mc->countpos = sync_file_put_head(&mc->b, &head);
	}
	if (units) {
		store_txn *tp[2] = {t, (store_txn *)(void *)mc};
		err = store_changes(t, mc->peer.acked, add_change, tp);
	}
	store_txn_trust(t, false);
	/* a township's forms go to a village PC that said it has others */
	mc->nforms_sent = 0;
	if (!err && !mc->count_only) {
		bool send = !upstream && units && mc->fm.n && strcmp(mc->peer.forms, mc->fm.hash) != 0;
		sync_file_put_forms(&mc->b, send ? &mc->fm : NULL);
		mc->nforms_sent = send ? mc->fm.n : 0;
	}
	if (err)
		return err;
	if (mc->b.failed)
		return STORE_NOMEM;
	return 0;
}

struct out_log {
	struct sync_peer *peer;
	size_t count;
	char note[256];
	const struct make_ctx *mc;
};

static int
log_out_txn(store_txn *t, void *ctx)
{
	struct out_log *ol = ctx;
	if (ol->mc->new_key) {
		/* the key the file carries, unless another exchange made one
		 * meanwhile (then this file's would never match: made again) */
		unsigned char k[SYNC_KEYLEN];
		bool have, confirmed;
		int err = sync_key_get(t, ol->mc->key_unit, k, &have, &confirmed);
		if (!err && have)
			err = STORE_CONFLICT;
		if (!err)
			err = sync_key_put(t, ol->mc->key_unit, ol->mc->key, false);
		if (err)
			return err;
	}
	if (ol->peer->site) {
		struct sync_peer p;
		int err = sync_peer_get(t, ol->peer->site, &p);
		if (err)
			return err;
		snprintf(p.unit, sizeof p.unit, "%s", ol->peer->unit);
		p.last_out = ol->count;
		if ((err = sync_peer_put(t, &p)))
			return err;
	}
	return audit_log(t, "sync-out", NULL, 0, 0, ol->note);
}

int
sync_make(store *st, const struct scope *sc, const char *for_unit, uint64_t peer_site,
          unsigned char **buf, size_t *len, struct sync_stats *stats, sync_progress_fn progress,
          void *pctx, char *why, size_t whysize)
{
	struct sync_stats dummy;
	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof *stats);
	*buf = NULL;
	*len = 0;
	if (why && whysize)
		*why = '\0';
	struct make_ctx mc = {.st = st, .sc = sc, .for_unit = for_unit, .peer_site = peer_site,
	                      .stats = stats, .progress = progress, .pctx = pctx, .why = why,
	                      .whysize = whysize};
	int err = sync_forms_read(paths_forms(), &mc.fm);
	if (!err)
		err = store_read(st, make_txn, &mc);
	scope_free(mc.view);
	sync_forms_free(&mc.fm);
	stats->forms = mc.nforms_sent;
	if (err) {
		sb_free(&mc.b);
		return err;
	}
	sync_file_end(&mc.b, mc.countpos, mc.count, mc.have_key ? mc.key : NULL);
	if (mc.b.failed) {
		sb_free(&mc.b);
		return STORE_NOMEM;
	}
	stats->sent = mc.count;
	stats->bytes = mc.b.len;
	stats->peer_site = mc.peer.site;
	snprintf(stats->peer_unit, sizeof stats->peer_unit, "%s", mc.peer.unit);
	if (progress)
		progress(0, mc.nchanges, mc.nchanges, pctx);
	struct out_log ol = {&mc.peer, mc.count, "", &mc};
	snprintf(ol.note, sizeof ol.note, "to %s%s%012" PRIx64 ": %zu records (%zu referrals), %zu bytes",
	         mc.peer.unit, *mc.peer.unit ? " " : "", mc.peer.site, mc.count, stats->sent_referrals,
	         mc.b.len);
	err = store_write(st, log_out_txn, &ol);
	if (err) {
		sb_free(&mc.b);
		return err;
	}
	*len = mc.b.len;
	*buf = (unsigned char *)sb_detach(&mc.b);
	return 0;
}

int
sync_make_pending(store *st, const struct scope *sc, size_t *count, size_t *referrals)
{
	struct sync_stats stats;
	struct make_ctx mc = {.st = st, .sc = sc, .stats = &stats, .count_only = true};
	memset(&stats, 0, sizeof stats);
	int err = store_read(st, make_txn, &mc);
	scope_free(mc.view);
	sb_free(&mc.b);
	*count = mc.count;
	*referrals = mc.pending_refs;
	return err;
}
