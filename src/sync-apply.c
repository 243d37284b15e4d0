/* sync-apply.c: taking an exchange file: checked whole first, then
 * applied in one write transaction as the village's room (on a
 * township) or whole (on a village PC): each record passes
 * sync-check.c, the owner's newest version wins, referrals are merged
 * (refer_merge), what cannot merge becomes a notice; the peer's
 * bookkeeping and one "sync" audit entry with it. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "form.h"
#include "i18n.h"
#include "orgunit.h"
#include "sync-internal.h"

/* Whether a and b say the same (their fields; ids, versions and stamps
 * aside), leaving out the field skip when not NULL. */
static bool
same_fields(const record *a, const record *b, const char *skip)
{
	size_t na = 0, nb = 0;
	for (size_t i = 0; i < a->nfields; i++) {
		if (skip && strcmp(a->fields[i].name, skip) == 0)
			continue;
		na++;
		const char *v = record_get(b, a->fields[i].name);
		if (!v || strcmp(v, a->fields[i].value) != 0)
			return false;
	}
	for (size_t i = 0; i < b->nfields; i++)
		nb += !(skip && strcmp(b->fields[i].name, skip) == 0);
	return na == nb;
}

/* A referral's number ZJ-CODE-YEAR-NNNN taken here: this database's
 * count for that unit and year (refer.c, meta "refno/CODE/YEAR") is kept
 * at least as high, so a slip numbered here next follows it. */
static int
follow_number(store_txn *t, const record *r)
{
	const char *num = record_get(r, "number");
	char code[16], year[8];
	unsigned long n;
	if (!num || sscanf(num, "ZJ-%15[0-9]-%4[0-9]-%lu", code, year, &n) != 3)
		return 0;
	char name[64];
	snprintf(name, sizeof name, "refno/%s/%s", code, year);
	uint64_t have;
	int err = sync_meta_u64(t, name, &have);
	if (!err && n > have)
		err = sync_meta_put_u64(t, name, n);
	return err;
}

/* The time a referral's copy came here (refer.c's news reads it). */
int
sync_mark_arrival(store_txn *t, const rec_id *id)
{
	char name[96], idt[REC_ID_TEXTMAX];
	snprintf(name, sizeof name, "sync/arrived/%s", rec_id_format(id, idt));
	return sync_meta_put_u64(t, name, (uint64_t)(int64_t)time(NULL));
}

static int
take_referral(store_txn *t, struct sync_apply *ac, record *in, record *local)
{
	bool owner_here = local->id.site == ac->local;
	struct refer_merge m;
	if (refer_merge(owner_here ? local : in, owner_here ? in : local, &m))
		return store_txn_fail(t, STORE_NOMEM);
	int err = 0;
	enum ref_state before = refer_state(local);
	if (same_fields(m.merged, local, NULL)) {
		ac->stats->same++;
	} else {
		m.merged->version = local->version;
		err = store_put(t, m.merged);
		if (!err)
			err = sync_mark_arrival(t, &m.merged->id);
		if (!err && m.state != before)
			err = refer_follow_needs(t, m.merged, m.state, m.outcome);
		ac->stats->merged++;
	}
	/* when the copy here had nothing the other side lacks, the other side
	 * has it all: it need not go back (unless it changes here again) */
	bool had_more = owner_here ? m.changed_other : m.changed_owner;
	if (!err && !had_more)
		err = sync_sv_put(t, &local->id, in->version, m.merged->version);
	if (!err)
		err = sync_notice_steps(t, ac->stats, &in->id, &m);
	refer_merge_free(&m);
	return err;
}

/* On a township, a village's record is stamped as taken here, by the
 * worker taking it, now (its own stamps are the village PC's word, which
 * a forged file can make anything); the file's are kept beside it as
 * information, meta "sync/from/ID". */
static int
restamp(store_txn *t, struct sync_apply *ac, record *in, const record *local)
{
	if (ac->upstream_mode || !ac->vs)
		return 0;
	char name[96], idt[REC_ID_TEXTMAX], *v = NULL;
	snprintf(name, sizeof name, "sync/from/%s", rec_id_format(&in->id, idt));
	int n = asprintf(&v, "site=%012" PRIx64 "\ncreated_by=%s\ncreated_at=%lld\nupdated_by=%s\n"
	                 "updated_at=%lld\n",
	                 ac->h.from_site, in->created_by ? in->created_by : "",
	                 (long long)in->created_at, in->updated_by ? in->updated_by : "",
	                 (long long)in->updated_at);
	if (n < 0)
		return store_txn_fail(t, STORE_NOMEM);
	int err = store_meta_put(t, name, v, (size_t)n);
	free(v);
	if (err)
		return err;
	int64_t now = (int64_t)time(NULL);
	char *cb = strdup(local && local->created_by ? local->created_by : ac->sc->login);
	char *ub = strdup(ac->sc->login);
	if (!cb || !ub) {
		free(cb);
		free(ub);
		return store_txn_fail(t, STORE_NOMEM);
	}
	free(in->created_by);
	free(in->updated_by);
	in->created_by = cb;
	in->updated_by = ub;
	in->created_at = local ? local->created_at : now;
	in->updated_at = now;
	return 0;
}

static int
take_record(store_txn *t, struct sync_apply *ac, record *in)
{
	char idt[REC_ID_TEXTMAX];
	record *local = NULL;
	store_txn_trust(t, true);
	int err = store_get(t, &in->id, &local);
	store_txn_trust(t, false);
	if (err == STORE_NOTFOUND)
		err = 0;
	if (err)
		return err;
	if (!ac->upstream_mode && ac->vs) {
		/* a village's file on its township: only what that room may write */
		if (!scope_may_write(ac->vs, local, in)) {
			sync_why(ac->why, ac->whysize,
			        _("The exchange file carries a record its village may not change (%s). "
			          "Nothing was taken from it."),
			        rec_id_format(&in->id, idt));
			record_free(local);
			return store_txn_fail(t, STORE_DENIED);
		}
	}
	if ((err = sync_check_taken(t, ac, in, local))) {
		record_free(local);
		return err;
	}
	ac->stats->received++;
	if (in->id.kind == REC_REFERRAL) {
		if ((err = follow_number(t, in))) {
			record_free(local);
			return err;
		}
		if (local) {
			err = take_referral(t, ac, in, local);
		} else {
			/* its state is what its steps make it, replayed */
			struct refer_merge m;
			if (refer_merge(in, in, &m))
				return store_txn_fail(t, STORE_NOMEM);
			/* (a step the merge kept but could not take stays in the
			 * history: the replay passes over it as the merge did) */
			if (m.state != refer_state(in)) {
				char what[600];
				snprintf(what, sizeof what,
				         _("its state does not follow from its steps (%s)"),
				         referral_state_label(refer_state(in)));
				refer_merge_free(&m);
				return sync_check_refuse(t, ac, &in->id, what);
			}
			refer_merge_free(&m);
			if ((err = restamp(t, ac, in, NULL))) {
				record_free(local);
				return err;
			}
			store_txn_trust(t, true);
			err = store_put_copy(t, in);
			store_txn_trust(t, false);
			if (!err)
				err = sync_sv_put(t, &in->id, in->version, in->version);
			if (!err)
				err = sync_mark_arrival(t, &in->id);
			ac->stats->applied++;
		}
		record_free(local);
		return err;
	}
	if (in->id.site == ac->local) {
		/* ours: this site's version is the one that counts; a change the
		 * other side made to it is shown to a worker */
		ac->stats->kept_ours++;
		if (local && !same_fields(local, in, "status"))
			err = sync_notice_diff(t, ac->stats, local, in, true);
		record_free(local);
		return err;
	}
	uint32_t owner = 0, here = 0;
	bool have = false;
	if ((err = sync_sv_get(t, &in->id, &owner, &here, &have))) {
		record_free(local);
		return err;
	}
	if (local && ((have && in->version <= owner) || (!have && in->version <= local->version))) {
		ac->stats->same++;
		record_free(local);
		return 0;
	}
	bool same = local && same_fields(local, in, NULL);
	if (local && have && local->version != here && !same_fields(local, in, "status"))
		err = sync_notice_diff(t, ac->stats, local, in, false);
	if (!err)
		err = restamp(t, ac, in, local);
	if (!err) {
		store_txn_trust(t, true);
		err = store_put_copy(t, in);
		store_txn_trust(t, false);
	}
	if (!err)
		err = sync_sv_put(t, &in->id, in->version, in->version);
	if (same)
		ac->stats->same++;
	else
		ac->stats->applied++;
	record_free(local);
	return err;
}

/* A village's file on its township: sealed with the village's key, or
 * brought by the village's own worker (an ssh login sshd checked);
 * a good seal tells the township the PC has its key. */
static int
check_seal(store_txn *t, struct sync_apply *ac, const char *unit)
{
	unsigned char k[SYNC_KEYLEN];
	bool have, confirmed;
	int err = sync_key_get(t, unit, k, &have, &confirmed);
	if (err)
		return err;
	if (have && ac->h.sealed) {
		if (!sync_file_sealed_with(ac->buf, &ac->h, k))
			return SYNC_ERR_SEAL;
		return confirmed ? 0 : sync_key_put(t, unit, k, true);
	}
	bool own = ac->sc->level == UNIT_VILLAGE && strcmp(ac->sc->unit, unit) == 0;
	return own ? 0 : SYNC_ERR_SEAL;
}

static int
apply_txn(store_txn *t, void *ctx)
{
	struct sync_apply *ac = ctx;
	struct sync_stats *s = ac->stats;
	memset(s, 0, sizeof *s);
	s->bytes = ac->len;
	s->peer_site = ac->h.from_site;
	snprintf(s->peer_unit, sizeof s->peer_unit, "%s", ac->h.from_unit);
	if (ac->why && ac->whysize)
		*ac->why = '\0';
	scope_free(ac->vs);
	ac->vs = NULL;
	store *st = store_txn_store(t);
	ac->local = store_site(st);
	if (ac->h.from_site == ac->local)
		return SYNC_ERR_OWN;
	if (ac->h.to_site && ac->h.to_site != ac->local)
		return SYNC_ERR_NOTFORUS;
	uint64_t upstream;
	size_t units;
	int err = sync_meta_u64(t, "sync/upstream", &upstream);
	if (!err)
		err = store_count(t, REC_UNIT, &units);
	if (err)
		return err;
	char unit[REC_ID_TEXTMAX];
	snprintf(unit, sizeof unit, "%s", ac->h.from_unit);
	ac->upstream_mode = upstream || units == 0;
	if (upstream) {
		if (ac->h.from_site != upstream)
			return SYNC_ERR_STRANGER;
		if (ac->sc && ac->sc->role == ROLE_SUPERVISOR)
			return SYNC_ERR_ROLE;
		void *u = NULL;
		size_t ulen = 0;
		err = store_meta_get(t, "sync/unit", &u, &ulen);
		if (err == 0 && ulen < sizeof ac->own_unit)
			snprintf(ac->own_unit, sizeof ac->own_unit, "%.*s", (int)ulen, (const char *)u);
		free(u);
		if (err && err != STORE_NOTFOUND)
			return err;
		err = 0;
		/* the township's file is sealed with this PC's key once it has one */
		unsigned char k[SYNC_KEYLEN];
		bool have;
		if ((err = sync_own_key_get(t, k, &have)))
			return err;
		if (ac->h.has_key) {
			if (!sync_file_sealed_with(ac->buf, &ac->h, ac->h.key))
				return SYNC_ERR_SEAL;
			if (!have || memcmp(k, ac->h.key, SYNC_KEYLEN) != 0)
				err = sync_own_key_put(t, ac->h.key);
		} else if (have && ac->h.sealed && !sync_file_sealed_with(ac->buf, &ac->h, k)) {
			return SYNC_ERR_SEAL;
		}
		if (err)
			return err;
	} else if (units == 0) {
		if (ac->h.count == 0)
			return SYNC_ERR_NOPEER;   /* two empty databases */
		if (ac->h.has_key &&
		    (!sync_file_sealed_with(ac->buf, &ac->h, ac->h.key) ||
		     (err = sync_own_key_put(t, ac->h.key))))
			return err ? err : SYNC_ERR_SEAL;
		if ((err = sync_meta_put_u64(t, "sync/upstream", ac->h.from_site)) ||
		    (*ac->h.to_unit &&
		     (err = store_meta_put(t, "sync/unit", ac->h.to_unit, strlen(ac->h.to_unit)))))
			return err;
	} else {
		if (!ac->sc)
			return SYNC_ERR_NOPEER;
		if (ac->sc->role == ROLE_SUPERVISOR)
			return SYNC_ERR_ROLE;
		if (!*unit) {
			/* a village PC's first word: its room is the worker's */
			if (ac->sc->level != UNIT_VILLAGE || ac->h.count)
				return SYNC_ERR_UNIT;
			snprintf(unit, sizeof unit, "%s", ac->sc->unit);
		}
		rec_id uid;
		if (rec_id_parse(unit, &uid) < 0 || uid.kind != REC_UNIT || !sync_may_reach(ac->sc, unit))
			return SYNC_ERR_UNIT;
		store_txn_trust(t, true);
		err = scope_for_unit(t, ac->sc->login, unit, &ac->vs);
		store_txn_trust(t, false);
		if (err)
			return err == STORE_INVALID || err == STORE_NOTFOUND ? SYNC_ERR_UNIT : err;
		snprintf(s->peer_unit, sizeof s->peer_unit, "%s", unit);
		if ((err = check_seal(t, ac, unit)))
			return err;
	}
	struct sync_peer p;
	if ((err = sync_peer_get(t, ac->h.from_site, &p)))
		return err;
	if (!ac->upstream_mode && *p.unit && strcmp(p.unit, unit) != 0)
		return SYNC_ERR_UNIT;   /* a PC known here as another village's */
	if (ac->h.base > p.recv)
		return SYNC_ERR_GAP;
	s->already = ac->h.count == 0 ? false : ac->h.top <= p.recv;
	/* units and accounts first, then the rest: the steps in a referral's
	 * history are checked against the workers this database knows, and
	 * an account the file brings may come after the referral in it */
	for (int pass = 0; pass < 2 && !err && !s->already; pass++) {
		struct sync_rd r;
		sync_file_entries(ac->buf, ac->len, &ac->h, &r);
		for (uint32_t i = 0; i < ac->h.count && !err; i++) {
			const unsigned char *key, *enc;
			size_t n;
			sync_file_entry(&r, &key, &enc, &n);
			rec_id id;
			record *in;
			rec_id_from_key(key, &id);
			if ((id.kind == REC_UNIT || id.kind == REC_USER) != (pass == 0))
				continue;
			in = NULL;
			if (sync_check_nfields(enc, n) > SYNC_MAX_FIELDS)
				return sync_check_refuse(t, ac, &id, _("it has more fields than any form"));
			if (rec_kind_code(id.kind) == NULL || id.seq == 0 || id.site == 0 ||
			    record_decode(enc, n, &id, &in) < 0 || in->version == 0) {
				record_free(in);   /* decoded, yet version 0 */
				sync_why(ac->why, ac->whysize, "%s", sync_strerror(SYNC_ERR_DAMAGED));
				return SYNC_ERR_DAMAGED;
			}
			err = take_record(t, ac, in);
			record_free(in);
			if (ac->progress && pass == 1 && (i & 255) == 255)
				ac->progress(2, i + 1, ac->h.count, ac->pctx);
		}
	}
	if (err)
		return err;
	uint64_t ours;
	if ((err = store_change_last(t, &ours)))
		return err;
	if (ac->h.top > p.recv)
		p.recv = ac->h.top;
	if (ac->h.ack > p.acked)
		p.acked = ac->h.ack > ours ? ours : ac->h.ack;
	p.last = (int64_t)time(NULL);
	p.last_in = s->received;
	snprintf(p.unit, sizeof p.unit, "%s", unit);
	snprintf(p.forms, sizeof p.forms, "%s", ac->h.forms_hash);
	if (ac->upstream_mode)
		s->forms = ac->h.nforms;
	if ((err = sync_peer_put(t, &p)))
		return err;
	char note[256];
	if (s->already || !ac->h.count)
		snprintf(note, sizeof note, "from %s %012" PRIx64 ": nothing new", unit, ac->h.from_site);
	else
		snprintf(note, sizeof note,
		         "from %s %012" PRIx64 ": %zu records, %zu taken, %zu merged, %zu already here, "
		         "%zu ours kept, %zu notices",
		         unit, ac->h.from_site, s->received, s->applied, s->merged, s->same,
		         s->kept_ours, s->notices);
	return audit_log(t, "sync", NULL, 0, 0, note);
}

int
sync_apply(store *st, const struct scope *sc, const unsigned char *buf, size_t len,
           struct sync_stats *stats, sync_progress_fn progress, void *pctx, char *why,
           size_t whysize)
{
	struct sync_stats dummy;
	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof *stats);
	if (why && whysize)
		*why = '\0';
	struct sync_apply ac = {.st = st,         .sc = sc,           .buf = buf,
	                       .len = len,       .stats = stats,     .progress = progress,
	                       .pctx = pctx,     .why = why,         .whysize = whysize};
	int err = sync_read_header(buf, len, &ac.h);
	if (!err && ac.h.format == SYNC_FORMAT_REFER) {
		/* referrals between a township and its county (sync-refer.c) */
		err = sync_refer_apply(st, sc, buf, len, &ac.h, stats, why, whysize);
		if (err)
			sync_why(why, whysize, "%s", sync_strerror(err));
		return err;
	}
	if (progress)
		progress(1, len, len, pctx);
	struct sync_forms_stage fs = {0};
	if (!err && ac.h.nforms)
		err = sync_forms_stage(st, buf, len, &ac.h, &fs, why, whysize);
	if (!err)
		err = store_write(st, apply_txn, &ac);
	scope_free(ac.vs);
	formset_free(ac.fs);
	int ferr = sync_forms_finish(st, &fs, !err && ac.upstream_mode);
	if (!err)
		err = ferr;
	if (err)
		sync_why(why, whysize, "%s", sync_strerror(err));
	else if (progress)
		progress(2, ac.h.count, ac.h.count, pctx);
	return err;
}

