/* sync-refer.c: the referrals a unit escalated to the unit above it
 * carried between their two servers, up with the people and needs they
 * are about and down with the upper unit's steps, in an exchange file of
 * format 4 (sync.h says what it holds).  Two pairs of levels exchange so,
 * a child and its parent: a township and its county, a county and its
 * city (and the stations under the parent).  The two servers were set up
 * apart, so a unit's id differs between them: the file carries the units
 * its records name, and the taker puts its own unit of the same division
 * code in each unit field. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "i18n.h"
#include "orgunit.h"
#include "sync-internal.h"

/* The unit fields of what the file carries. */
static const char *const unit_fields[] = {"village", "to_unit"};

/* A set of id texts. */
struct idset {
	char (*v)[REC_ID_TEXTMAX];
	size_t n, cap;
	bool nomem;
};

static bool
idset_has(const struct idset *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], id) == 0)
			return true;
	return false;
}

/* Add id (when not there): whether it is new. */
static bool
idset_add(struct idset *s, const char *id)
{
	if (!id || !*id || idset_has(s, id))
		return false;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		void *v = realloc(s->v, cap * sizeof *s->v);
		if (!v) {
			s->nomem = true;
			return false;
		}
		s->v = v;
		s->cap = cap;
	}
	snprintf(s->v[s->n++], REC_ID_TEXTMAX, "%s", id);
	return true;
}

/* The unit (id text) of the division code, here: false when none. */
static bool
unit_here(store_txn *t, const char *code, char out[REC_ID_TEXTMAX], record **u)
{
	record *r = NULL;
	*out = '\0';
	if (!code || !*code || orgunit_by_code(t, code, &r))
		return false;
	rec_id_format(&r->id, out);
	if (u)
		*u = r;
	else
		record_free(r);
	return true;
}

/* Whether a unit of level child sends its referrals across servers to
 * one of level parent: a township to its county, a county to its city. */
static bool
levels_pair(int child, int parent)
{
	return (child == UNIT_TOWNSHIP && parent == UNIT_COUNTY) ||
	       (child == UNIT_COUNTY && parent == UNIT_CITY);
}

/* Whether the unit id to is the parent p or a station under it. */
static bool
to_parent(store_txn *t, const char *to, const char *p)
{
	if (!to || !*to)
		return false;
	if (strcmp(to, p) == 0)
		return true;
	rec_id id;
	record *u;
	if (rec_id_parse(to, &id) < 0 || id.kind != REC_UNIT || store_get(t, &id, &u))
		return false;
	const char *parent = record_get(u, "parent");
	bool yes = orgunit_level_of(u) == UNIT_STATION && parent && strcmp(parent, p) == 0;
	record_free(u);
	return yes;
}

/* Whether the unit (id text) u is the unit c or below it (at most a
 * village two levels under a county). */
static bool
unit_under(store_txn *t, const char *u, const char *c)
{
	char at[REC_ID_TEXTMAX];
	snprintf(at, sizeof at, "%s", u ? u : "");
	for (int k = 0; k < 4 && *at; k++) {
		if (strcmp(at, c) == 0)
			return true;
		rec_id id;
		record *r;
		if (rec_id_parse(at, &id) < 0 || id.kind != REC_UNIT || store_get(t, &id, &r))
			return false;
		int err = orgunit_above(t, r, at);
		record_free(r);
		if (err)
			return false;
	}
	return false;
}

/* --- making ------------------------------------------------------------- */

struct rmk {
	const struct scope *sc;
	const char *for_code;
	char child[REC_ID_TEXTMAX], parent[REC_ID_TEXTMAX];
	char from_code[16], to_code[16];
	bool up;
	struct idset refs, carried, units;
	char *why;
	size_t whysize;
	struct strbuf b;
	size_t count, nref, ncarried;
	store_txn *t;
};

static int
pick_referral(const record *r, void *ctx)
{
	struct rmk *m = ctx;
	const char *v = record_get(r, "village"), *to = record_get(r, "to_unit");
	if (!v || strcmp(v, m->child) != 0 || refer_state(r) == REF_DRAFT ||
	    !to_parent(m->t, to, m->parent))
		return 0;
	char idt[REC_ID_TEXTMAX];
	idset_add(&m->refs, rec_id_format(&r->id, idt));
	return m->refs.nomem;
}

/* The record id text into the file, and its unit fields' units into the
 * set of units the file carries. */
static int
put_one(struct rmk *m, const char *idt, bool carried)
{
	rec_id id;
	record *r = NULL;
	if (rec_id_parse(idt, &id) < 0)
		return 0;
	store_txn_trust(m->t, true);
	int err = store_get(m->t, &id, &r);
	store_txn_trust(m->t, false);
	if (err == STORE_NOTFOUND)
		return 0;   /* a need deleted since */
	if (err)
		return err;
	for (size_t k = 0; k < sizeof unit_fields / sizeof *unit_fields; k++)
		idset_add(&m->units, record_get(r, unit_fields[k]));
	if (m->up && !carried) {
		idset_add(&m->carried, record_get(r, "resident"));
		const char *needs = record_get(r, "needs");
		char *list = needs ? strdup(needs) : NULL, *save = NULL;
		if (needs && !list)
			err = STORE_NOMEM;
		for (char *it = list ? strtok_r(list, ", ", &save) : NULL; it;
		     it = strtok_r(NULL, ", ", &save))
			idset_add(&m->carried, it);
		free(list);
	}
	if (!err)
		err = sync_file_put_record(&m->b, r);
	record_free(r);
	if (!err) {
		m->count++;
		if (carried)
			m->ncarried++;
		else
			m->nref++;
	}
	return err;
}

static int
refer_make_txn(store_txn *t, void *ctx)
{
	struct rmk *m = ctx;
	const struct scope *sc = m->sc;
	m->t = t;
	m->b.len = 0;
	m->count = m->nref = m->ncarried = 0;
	m->refs.n = m->carried.n = m->units.n = 0;
	record *u = NULL;
	if ((sc->level == UNIT_TOWNSHIP || sc->level == UNIT_COUNTY) && !m->for_code && *sc->above) {
		/* a township's server for its county, a county's for its city */
		m->up = true;
		snprintf(m->child, sizeof m->child, "%s", sc->unit);
		snprintf(m->parent, sizeof m->parent, "%s", sc->above);
		snprintf(m->from_code, sizeof m->from_code, "%s", sc->unit_code);
		rec_id pid;
		if (rec_id_parse(m->parent, &pid) < 0 || store_get(t, &pid, &u))
			return SYNC_ERR_NOPEER;
		const char *code = record_get(u, "code");
		snprintf(m->to_code, sizeof m->to_code, "%s", code ? code : "");
		bool ok = levels_pair(sc->level, orgunit_level_of(u));
		record_free(u);
		if (!ok)
			return SYNC_ERR_NOPEER;
	} else if ((sc->level == UNIT_COUNTY || sc->level == UNIT_CITY) && m->for_code) {
		/* a county's server for one of its townships, a city's for one
		 * of its counties */
		m->up = false;
		if (!unit_here(t, m->for_code, m->child, &u))
			return SYNC_ERR_UNIT;
		char above[REC_ID_TEXTMAX];
		int err = orgunit_above(t, u, above);
		bool ok = !err && levels_pair(orgunit_level_of(u), sc->level) &&
		          strcmp(above, sc->unit) == 0;
		record_free(u);
		if (err)
			return err;
		if (!ok || !sync_may_reach(sc, m->child))
			return SYNC_ERR_UNIT;
		snprintf(m->parent, sizeof m->parent, "%s", sc->unit);
		snprintf(m->from_code, sizeof m->from_code, "%s", sc->unit_code);
		snprintf(m->to_code, sizeof m->to_code, "%s", m->for_code);
	} else {
		const char *w;
		if (sc->level == UNIT_TOWNSHIP && m->for_code)
			w = _("A township's server writes its referrals for its county only: leave "
			      "out --for.");
		else if (sc->level == UNIT_COUNTY)
			w = _("A county's worker names the township with --for CODE; without --for "
			      "the county's referrals go to its city, which this database does not "
			      "have: add it (\"shegong unit add CODE NAME\") first.");
		else if (sc->level == UNIT_CITY)
			w = _("A city's worker names the county the file is for with --for CODE.");
		else
			w = _("Referrals cross servers between a township's worker and a county's, or "
			      "a county's worker and a city's; a county's or a city's worker names the "
			      "unit below with --for CODE.");
		sync_why(m->why, m->whysize, "%s", w);
		return SYNC_ERR_NOPEER;
	}
	struct sync_file_head head = {
		.from_site = store_site(store_txn_store(t)),
		.made = (int64_t)time(NULL),
		.from_unit = m->from_code,
		.from_login = sc->login,
		.to_unit = m->to_code,
		.forms_hash = "",
		.format = SYNC_FORMAT_REFER,
	};
	size_t countpos = sync_file_put_head(&m->b, &head);
	store_txn_trust(t, true);
	int err = store_scan(t, REC_REFERRAL, NULL, pick_referral, m);
	store_txn_trust(t, false);
	if (!err && m->refs.nomem)
		err = STORE_NOMEM;
	/* the referrals, then what they carry, then the units all of them name */
	struct strbuf body = m->b;
	m->b = (struct strbuf){0};
	for (size_t i = 0; i < m->refs.n && !err; i++)
		err = put_one(m, m->refs.v[i], false);
	for (size_t i = 0; i < m->carried.n && !err; i++)
		err = put_one(m, m->carried.v[i], true);
	idset_add(&m->units, m->child);
	idset_add(&m->units, m->parent);
	for (size_t i = 0; i < m->units.n && !err; i++) {
		rec_id id;
		record *r;
		if (rec_id_parse(m->units.v[i], &id) < 0 || id.kind != REC_UNIT || store_get(t, &id, &r))
			continue;
		err = sync_file_put_record(&body, r);
		record_free(r);
		m->count++;
	}
	sb_add(&body, m->b.p, m->b.len);
	sb_free(&m->b);
	m->b = body;
	if (!err && (m->carried.nomem || m->units.nomem || m->b.failed))
		err = STORE_NOMEM;
	if (err)
		return err;
	sync_file_put_forms(&m->b, NULL);
	sync_file_end(&m->b, countpos, m->count, NULL);
	return m->b.failed ? STORE_NOMEM : 0;
}

struct rlog {
	const char *note;
};

static int
refer_log_txn(store_txn *t, void *ctx)
{
	return audit_log(t, "sync-out", NULL, 0, 0, ((struct rlog *)ctx)->note);
}

int
sync_refer_make(store *st, const struct scope *sc, const char *for_code, unsigned char **buf,
                size_t *len, size_t *nref, size_t *ncarried, char *why, size_t whysize)
{
	*buf = NULL;
	*len = 0;
	*nref = *ncarried = 0;
	if (why && whysize)
		*why = '\0';
	if (!sc)
		return SYNC_ERR_NOPEER;
	if (sc->role == ROLE_SUPERVISOR)
		return SYNC_ERR_ROLE;
	struct rmk m = {.sc = sc, .for_code = for_code, .why = why, .whysize = whysize};
	int err = store_read(st, refer_make_txn, &m);
	free(m.refs.v);
	free(m.carried.v);
	free(m.units.v);
	if (err) {
		sb_free(&m.b);
		return err;
	}
	char note[200];
	snprintf(note, sizeof note, "referrals to %s: %zu referrals, %zu people and needs, %zu bytes",
	         m.to_code, m.nref, m.ncarried, m.b.len);
	struct rlog rl = {note};
	if ((err = store_write(st, refer_log_txn, &rl))) {
		sb_free(&m.b);
		return err;
	}
	*nref = m.nref;
	*ncarried = m.ncarried;
	*len = m.b.len;
	*buf = (unsigned char *)sb_detach(&m.b);
	return 0;
}

/* --- taking --------------------------------------------------------------- */

struct rap {
	const struct scope *sc;
	const unsigned char *buf;
	size_t len;
	const struct sync_header *h;
	struct sync_stats *stats;
	char *why;
	size_t whysize;
	uint64_t local;
	bool up;                 /* a child's file on its parent (a township's on its county) */
	char child[REC_ID_TEXTMAX], parent[REC_ID_TEXTMAX];
	struct idset fid, fcode; /* the file's units: id text and code, side by side */
	struct idset carried;    /* what the file's referrals carry */
};

static int
refuse(store_txn *t, struct rap *a, const rec_id *id, const char *what)
{
	char idt[REC_ID_TEXTMAX];
	if (a->why && a->whysize && !*a->why)
		snprintf(a->why, a->whysize,
		         _("The exchange file carries a record the side that wrote it could not have "
		           "typed (%s): %s. Nothing was taken from it."),
		         rec_id_format(id, idt), what);
	return store_txn_fail(t, SYNC_ERR_FORGED);
}

/* Each unit field of r: the file's unit put as this database's unit of
 * the same code. */
static int
remap(store_txn *t, struct rap *a, record *r)
{
	for (size_t k = 0; k < sizeof unit_fields / sizeof *unit_fields; k++) {
		const char *v = record_get(r, unit_fields[k]);
		if (!v || !*v)
			continue;
		size_t i = 0;
		while (i < a->fid.n && strcmp(a->fid.v[i], v) != 0)
			i++;
		if (i == a->fid.n)
			return refuse(t, a, &r->id, _("it names a unit the file does not describe"));
		char here[REC_ID_TEXTMAX];
		if (!unit_here(t, a->fcode.v[i], here, NULL)) {
			if (a->why && a->whysize && !*a->why)
				snprintf(a->why, a->whysize,
				         _("The exchange file names the unit with code %s, which this database "
				           "does not have: add it (\"shegong unit add\"), then take the file "
				           "again. Nothing was taken from it."),
				         a->fcode.v[i]);
			return store_txn_fail(t, SYNC_ERR_UNIT);
		}
		if (record_set(r, unit_fields[k], here))
			return store_txn_fail(t, STORE_NOMEM);
	}
	return 0;
}

static int
take_ref(store_txn *t, struct rap *a, record *in)
{
	int err = remap(t, a, in);
	if (err)
		return err;
	const char *v = record_get(in, "village");
	if (!v || strcmp(v, a->child) != 0 || !to_parent(t, record_get(in, "to_unit"), a->parent))
		return refuse(t, a, &in->id,
		              _("it is not a referral from the unit that wrote the file to the unit "
		                "above it or its station"));
	record *local = NULL;
	store_txn_trust(t, true);
	err = store_get(t, &in->id, &local);
	store_txn_trust(t, false);
	if (err == STORE_NOTFOUND)
		err = 0;
	if (err)
		return err;
	char line[400];
	int side = a->up ? REF_SENDER : REF_RECEIVER;
	int bad = refer_foreign_step(NULL, in, local, side, line, sizeof line);
	if (bad < 0)
		err = store_txn_fail(t, STORE_NOMEM);
	else if (bad) {
		char what[600];
		snprintf(what, sizeof what, _("a step its side may not take (%s)"), line);
		err = refuse(t, a, &in->id, what);
	}
	if (!err && (!local || local->id.site != a->local)) {
		/* what it carries goes with it (only the referral's owner adds) */
		idset_add(&a->carried, record_get(in, "resident"));
		const char *needs = record_get(in, "needs");
		char *list = needs ? strdup(needs) : NULL, *save = NULL;
		for (char *it = list ? strtok_r(list, ", ", &save) : NULL; it;
		     it = strtok_r(NULL, ", ", &save))
			idset_add(&a->carried, it);
		free(list);
		if ((needs && !list) || a->carried.nomem)
			err = store_txn_fail(t, STORE_NOMEM);
	}
	if (err) {
		record_free(local);
		return err;
	}
	a->stats->received++;
	struct refer_merge m;
	if (!local) {
		if (refer_merge(in, in, &m))
			return store_txn_fail(t, STORE_NOMEM);
		bool follows = m.state == refer_state(in);
		refer_merge_free(&m);
		if (!follows) {
			char what[600];
			snprintf(what, sizeof what, _("its state does not follow from its steps (%s)"),
			         referral_state_label(refer_state(in)));
			return refuse(t, a, &in->id, what);
		}
		store_txn_trust(t, true);
		err = store_put_copy(t, in);
		store_txn_trust(t, false);
		if (!err)
			err = sync_mark_arrival(t, &in->id);
		a->stats->applied++;
		return err;
	}
	bool owner_here = local->id.site == a->local;
	if (refer_merge(owner_here ? local : in, owner_here ? in : local, &m)) {
		record_free(local);
		return store_txn_fail(t, STORE_NOMEM);
	}
	enum ref_state before = refer_state(local);
	bool had_new = owner_here ? m.changed_owner : m.changed_other;
	if (!had_new) {
		a->stats->same++;   /* nothing the copy here lacks */
	} else {
		m.merged->version = local->version;
		store_txn_trust(t, true);
		err = store_put(t, m.merged);
		store_txn_trust(t, false);
		if (!err)
			err = sync_mark_arrival(t, &m.merged->id);
		if (!err && m.state != before)
			err = refer_follow_needs(t, m.merged, m.state, m.outcome);
		if (!err)
			err = sync_notice_steps(t, a->stats, &in->id, &m);
		a->stats->merged++;
	}
	refer_merge_free(&m);
	record_free(local);
	return err;
}

/* A person or need a referral of a child's file carries: the owner's
 * newer version replaces the copy here. */
static int
take_carried(store_txn *t, struct rap *a, record *in)
{
	char idt[REC_ID_TEXTMAX];
	if (!a->up || (in->id.kind != REC_RESIDENT && in->id.kind != REC_NEED) ||
	    !idset_has(&a->carried, rec_id_format(&in->id, idt)))
		return refuse(t, a, &in->id, _("no referral of the file carries it"));
	int err = remap(t, a, in);
	if (err)
		return err;
	if (!unit_under(t, record_get(in, "village"), a->child))
		return refuse(t, a, &in->id,
		              _("it is not of the unit that wrote the file or of a unit below it"));
	a->stats->received++;
	if (in->id.site == a->local) {
		a->stats->kept_ours++;
		return 0;
	}
	record *local = NULL;
	store_txn_trust(t, true);
	err = store_get(t, &in->id, &local);
	store_txn_trust(t, false);
	if (err == STORE_NOTFOUND)
		err = 0;
	uint32_t owner = 0, here = 0;
	bool have = false;
	if (!err)
		err = sync_sv_get(t, &in->id, &owner, &here, &have);
	if (!err && local &&
	    ((have && in->version <= owner) || (!have && in->version <= local->version))) {
		a->stats->same++;
		record_free(local);
		return 0;
	}
	record_free(local);
	if (!err) {
		store_txn_trust(t, true);
		err = store_put_copy(t, in);
		store_txn_trust(t, false);
	}
	if (!err)
		err = sync_sv_put(t, &in->id, in->version, in->version);
	a->stats->applied++;
	return err;
}

static int
refer_apply_txn(store_txn *t, void *ctx)
{
	struct rap *a = ctx;
	const struct sync_header *h = a->h;
	struct sync_stats *s = a->stats;
	memset(s, 0, sizeof *s);
	s->bytes = a->len;
	s->peer_site = h->from_site;
	a->fid.n = a->fcode.n = a->carried.n = 0;
	if (a->why && a->whysize)
		*a->why = '\0';
	a->local = store_site(store_txn_store(t));
	if (h->from_site == a->local)
		return SYNC_ERR_OWN;
	char from[REC_ID_TEXTMAX], to[REC_ID_TEXTMAX];
	record *fu = NULL, *tu = NULL;
	bool have_from = unit_here(t, h->from_unit, from, &fu);
	bool have_to = unit_here(t, h->to_unit, to, &tu);
	int lf = have_from ? orgunit_level_of(fu) : 0, lt = have_to ? orgunit_level_of(tu) : 0;
	char fabove[REC_ID_TEXTMAX] = "", tabove[REC_ID_TEXTMAX] = "";
	int err = 0;
	if (have_from)
		err = orgunit_above(t, fu, fabove);
	if (have_to && !err)
		err = orgunit_above(t, tu, tabove);
	bool ok = false;
	if (levels_pair(lf, lt)) {
		a->up = true;
		ok = strcmp(fabove, to) == 0;
		snprintf(a->child, sizeof a->child, "%s", from);
		snprintf(a->parent, sizeof a->parent, "%s", to);
	} else if (levels_pair(lt, lf)) {
		a->up = false;
		ok = strcmp(tabove, from) == 0;
		snprintf(a->child, sizeof a->child, "%s", to);
		snprintf(a->parent, sizeof a->parent, "%s", from);
	}
	record_free(fu);
	record_free(tu);
	if (err)
		return err;
	if (!ok || !sync_may_reach(a->sc, to)) {
		if (a->why && a->whysize)
			snprintf(a->why, a->whysize,
			         _("The referrals in this file go between %s and %s, a township and its "
			           "county or a county and its city: this database has not both of them "
			           "with one under the other, or they are out of your reach. Nothing was "
			           "taken from it."),
			         h->from_unit, h->to_unit);
		return SYNC_ERR_UNIT;
	}
	snprintf(s->peer_unit, sizeof s->peer_unit, "%s", from);
	/* units first (for their codes), then the referrals, then what they carry */
	for (int pass = 0; pass < 3 && !err; pass++) {
		struct sync_rd r;
		sync_file_entries(a->buf, a->len, h, &r);
		for (uint32_t i = 0; i < h->count && !err; i++) {
			const unsigned char *key, *enc;
			size_t n;
			sync_file_entry(&r, &key, &enc, &n);
			rec_id id;
			rec_id_from_key(key, &id);
			int want = id.kind == REC_UNIT ? 0 : id.kind == REC_REFERRAL ? 1 : 2;
			if (want != pass)
				continue;
			if (sync_check_nfields(enc, n) > SYNC_MAX_FIELDS)
				return refuse(t, a, &id, _("it has more fields than any form"));
			record *in = NULL;
			if (rec_kind_code(id.kind) == NULL || id.seq == 0 || id.site == 0 ||
			    record_decode(enc, n, &id, &in) < 0 || in->version == 0 ||
			    in->version > SYNC_MAX_VERSION) {
				record_free(in);
				return SYNC_ERR_DAMAGED;
			}
			char idt[REC_ID_TEXTMAX];
			const char *code = record_get(in, "code");
			if (pass == 0) {
				idset_add(&a->fid, rec_id_format(&id, idt));
				idset_add(&a->fcode, code && *code ? code : "-");
				if (a->fid.n != a->fcode.n || a->fid.nomem || a->fcode.nomem)
					err = a->fid.nomem || a->fcode.nomem
					          ? store_txn_fail(t, STORE_NOMEM)
					          : refuse(t, a, &id, _("a unit twice, or two units of one code"));
			} else if (pass == 1) {
				err = take_ref(t, a, in);
			} else {
				err = take_carried(t, a, in);
			}
			record_free(in);
		}
	}
	if (err)
		return err;
	s->already = s->applied + s->merged == 0;
	char note[256];
	if (s->already)
		snprintf(note, sizeof note, "referrals from %s %012" PRIx64 ": nothing new",
		         h->from_unit, h->from_site);
	else
		snprintf(note, sizeof note,
		         "referrals from %s %012" PRIx64 ": %zu records, %zu taken, %zu merged, "
		         "%zu already here, %zu notices",
		         h->from_unit, h->from_site, s->received, s->applied, s->merged, s->same,
		         s->notices);
	return audit_log(t, "sync", NULL, 0, 0, note);
}

int
sync_refer_apply(store *st, const struct scope *sc, const unsigned char *buf, size_t len,
                 const struct sync_header *h, struct sync_stats *stats, char *why,
                 size_t whysize)
{
	if (!sc)
		return SYNC_ERR_NOPEER;
	if (sc->role == ROLE_SUPERVISOR)
		return SYNC_ERR_ROLE;
	struct rap a = {.sc = sc, .buf = buf, .len = len, .h = h, .stats = stats, .why = why,
	                .whysize = whysize};
	int err = store_write(st, refer_apply_txn, &a);
	free(a.fid.v);
	free(a.fcode.v);
	free(a.carried.v);
	return err;
}
