/* scope.c: what a worker may read and change (scope.h), as the store's
 * policy.  The reach (the worker's unit and the units below it) is worked
 * out once from the unit records, which are few (a county has a few
 * hundred villages at most), so each check is a binary search. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "orgunit.h"
#include "scope.h"
#include "util.h"

struct units_ctx {
	const char *code;      /* the worker's unit's code ("" for all) */
	struct scope *sc;
	size_t cap;
	int err;
};

static int
add_reach(const record *u, void *ctx)
{
	struct units_ctx *uc = ctx;
	const char *code = record_get(u, "code");
	if (!code || strncmp(code, uc->code, strlen(uc->code)) != 0)
		return 0;
	struct scope *sc = uc->sc;
	if (sc->nreach == uc->cap) {
		size_t cap = uc->cap ? uc->cap * 2 : 16;
		void *p = realloc(sc->reach, cap * sizeof *sc->reach);
		if (!p)
			return uc->err = STORE_NOMEM;
		sc->reach = p;
		uc->cap = cap;
	}
	rec_id_format(&u->id, sc->reach[sc->nreach++]);
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* --- what the referrals to a station carry ----------------------------- */

struct carried_ctx {
	store_txn *t;
	struct scope *sc;
	size_t cap;
	int err;
};

static int
carry_one(struct carried_ctx *cc, const char *id, size_t len)
{
	struct scope *sc = cc->sc;
	if (!len || len >= REC_ID_TEXTMAX)
		return 0;
	if (!util_grow((void **)&sc->carried, &cc->cap, sc->ncarried + 1, sizeof *sc->carried))
		return cc->err = STORE_NOMEM;
	memcpy(sc->carried[sc->ncarried], id, len);
	sc->carried[sc->ncarried++][len] = '\0';
	return 0;
}

static int
carried_found(const rec_id *id, const char *value, void *ctx)
{
	struct carried_ctx *cc = ctx;
	if (!value || strcmp(value, cc->sc->unit) != 0)
		return 0;   /* a longer id the prefix also met */
	record *r;
	if (store_get(cc->t, id, &r) != STORE_OK)
		return 0;
	const char *res = record_get(r, "resident"), *needs = record_get(r, "needs");
	if (res)
		carry_one(cc, res, strlen(res));
	for (const char *p = needs; p && *p && !cc->err;) {
		const char *e = strchr(p, ',');
		carry_one(cc, p, e ? (size_t)(e - p) : strlen(p));
		p = e ? e + 1 : NULL;
	}
	record_free(r);
	return cc->err ? 1 : 0;
}

static int
carried_load(store_txn *t, struct scope *sc)
{
	struct carried_ctx cc = {t, sc, 0, 0};
	int rc = store_find(t, IDX_TO, REC_REFERRAL, sc->unit, carried_found, &cc);
	if (cc.err)
		return cc.err;
	if (rc < 0 || store_txn_error(t))
		return store_txn_error(t) ? store_txn_error(t) : STORE_IO;
	if (sc->ncarried)
		qsort(sc->carried, sc->ncarried, sizeof *sc->carried, cmp_id);
	return 0;
}

/* The scope of role at the unit uid (id text) for login, read in t. */
static int
scope_build(store_txn *t, const char *login, int role, const char *uid, struct scope **out)
{
	*out = NULL;
	record *unit = NULL;
	struct scope *sc = calloc(1, sizeof *sc);
	if (!sc)
		return STORE_NOMEM;
	snprintf(sc->login, sizeof sc->login, "%s", login);
	sc->role = role;
	rec_id id;
	int err;
	if (!uid || rec_id_parse(uid, &id) < 0 || id.kind != REC_UNIT) {
		err = STORE_NOTFOUND;
	} else if (!(err = store_get(t, &id, &unit))) {
		snprintf(sc->unit, sizeof sc->unit, "%s", uid);
		const char *code = record_get(unit, "code");
		snprintf(sc->unit_code, sizeof sc->unit_code, "%s", code ? code : "");
		err = orgunit_above(t, unit, sc->above);
		sc->level = orgunit_level_of_code(sc->unit_code);
		struct units_ctx uc = {sc->role == ROLE_ADMIN ? "" : sc->unit_code, sc, 0, 0};
		if (!err)
			err = store_scan(t, REC_UNIT, NULL, add_reach, &uc);
		if (!err)
			err = uc.err;
		if (!err)
			qsort(sc->reach, sc->nreach, sizeof *sc->reach, cmp_id);
		if (!err && sc->level == UNIT_STATION)
			err = carried_load(t, sc);
	}
	record_free(unit);
	if (err) {
		scope_free(sc);
		return err;
	}
	*out = sc;
	return 0;
}

int
scope_load(store_txn *t, const char *login, struct scope **out)
{
	*out = NULL;
	record *w = NULL;
	int err = worker_by_login(t, login, &w);
	if (err)
		return err;
	const char *role = record_get(w, "role");
	if (worker_disabled(w))
		err = STORE_DENIED;
	else
		err = scope_build(t, login, worker_role_from_name(role ? role : ""),
		                  record_get(w, "unit"), out);
	record_free(w);
	return err;
}

int
scope_for_unit(store_txn *t, const char *login, const char *unit, struct scope **out)
{
	int err = scope_build(t, login, ROLE_VILLAGE, unit, out);
	if (!err && (*out)->level != UNIT_VILLAGE) {
		scope_free(*out);
		*out = NULL;
		err = STORE_INVALID;
	}
	return err;
}

struct load_ctx {
	const char *login;
	struct scope *sc;
};

static int
load_txn(store_txn *t, void *ctx)
{
	struct load_ctx *lc = ctx;
	/* whatever policy the handle has (an earlier scope's, maybe freed):
	 * the account and the units are read as they are */
	store_txn_trust(t, true);
	return scope_load(t, lc->login, &lc->sc);
}

int
scope_load_now(store *st, const char *login, struct scope **out)
{
	struct load_ctx lc = {login, NULL};
	int err = store_read(st, load_txn, &lc);
	*out = lc.sc;
	return err;
}

void
scope_free(struct scope *sc)
{
	if (!sc)
		return;
	free(sc->reach);
	free(sc->carried);
	free(sc);
}

const char *
scope_record_unit(const record *r)
{
	return r ? record_get(r, "village") : NULL;
}

bool
scope_in_reach(const struct scope *sc, const char *unit)
{
	if (!unit || !*unit)
		return false;
	return bsearch(unit, sc->reach, sc->nreach, sizeof *sc->reach, cmp_id) != NULL;
}

static bool
same(const char *a, const char *b)
{
	return a && b && *a && strcmp(a, b) == 0;
}

bool
scope_is_admin(const struct scope *sc)
{
	return sc && sc->role == ROLE_ADMIN;
}

bool
scope_may_audit(const struct scope *sc)
{
	return sc && (sc->role == ROLE_ADMIN || sc->role == ROLE_SUPERVISOR);
}

bool
scope_may_see_sensitive(const struct scope *sc)
{
	return !sc || sc->role != ROLE_SUPERVISOR;
}

const char *
scope_village(const struct scope *sc)
{
	return sc && sc->role == ROLE_VILLAGE ? sc->unit : NULL;
}

int
scope_referral_side(const struct scope *sc, const record *r)
{
	const char *from = record_get(r, "village"), *to = record_get(r, "to_unit");
	if (same(from, sc->unit))
		return REF_SENDER;
	if (same(to, sc->unit))
		return REF_RECEIVER;
	if (sc->role == ROLE_ADMIN)
		return to && *to ? REF_RECEIVER : REF_SENDER;
	return 0;
}

bool
scope_may_read(const struct scope *sc, const record *r)
{
	if (!sc || sc->role == ROLE_ADMIN)
		return true;
	switch (r->id.kind) {
	case REC_UNIT:
	case REC_USER:
		return true;  /* names on the screen */
	case REC_REFERRAL:
		if (sc->role == ROLE_VILLAGE)
			return same(record_get(r, "village"), sc->unit);
		return scope_in_reach(sc, record_get(r, "village")) ||
		       scope_in_reach(sc, record_get(r, "to_unit"));
	default:
		if (sc->role == ROLE_VILLAGE)
			return same(scope_record_unit(r), sc->unit);
		if (sc->ncarried) {   /* a station: what its referrals carry */
			char id[REC_ID_TEXTMAX];
			rec_id_format(&r->id, id);
			if (bsearch(id, sc->carried, sc->ncarried, sizeof *sc->carried, cmp_id))
				return true;
		}
		return scope_in_reach(sc, scope_record_unit(r));
	}
}

/* The fields of one's own account only an administrator changes. */
static bool
own_account_change(const struct scope *sc, const record *before, const record *after)
{
	static const char *const fixed[] = {"login", "role", "unit", "status"};
	if (!before || !after || !same(record_get(before, "login"), sc->login))
		return false;
	for (size_t i = 0; i < NELEM(fixed); i++) {
		const char *a = record_get(before, fixed[i]), *b = record_get(after, fixed[i]);
		if ((a || b) && !(a && b && strcmp(a, b) == 0))
			return false;
	}
	return true;
}

/* May the worker write r as it is (before or after the change)? */
static bool
may_write_one(const struct scope *sc, const record *r)
{
	const char *unit = scope_record_unit(r);
	switch (sc->role) {
	case ROLE_VILLAGE:
		return same(unit, sc->unit);
	case ROLE_TOWNSHIP:
		if (r->id.kind == REC_REFERRAL)
			return same(unit, sc->unit) || same(record_get(r, "to_unit"), sc->unit);
		return same(unit, sc->unit);
	default:
		return false;
	}
}

bool
scope_may_write(const struct scope *sc, const record *before, const record *after)
{
	if (!sc || sc->role == ROLE_ADMIN)
		return true;
	const record *any = after ? after : before;
	if (!any)
		return false;
	if (any->id.kind == REC_UNIT)
		return false;
	if (any->id.kind == REC_USER)
		return own_account_change(sc, before, after);
	return (!before || may_write_one(sc, before)) && (!after || may_write_one(sc, after));
}

static bool
policy(int op, const record *before, const record *after, void *ctx)
{
	const struct scope *sc = ctx;
	if (op == STORE_POLICY_READ)
		return scope_may_read(sc, before);
	return scope_may_write(sc, before, after);
}

void
scope_attach(store *st, const struct scope *sc)
{
	store_set_policy(st, sc ? policy : NULL, (void *)sc);
}

int
scope_count(store_txn *t, const struct scope *sc, int kind, size_t *n)
{
	*n = 0;
	if (kind == REC_UNIT || kind == REC_USER)
		return store_count(t, kind, n);
	if (!sc || sc->role == ROLE_ADMIN) {
		/* the voided are kept but not counted (record.h) */
		size_t voided = 0;
		int err = store_count(t, kind, n);
		if (!err)
			err = store_count_value(t, IDX_VOID, kind, REC_VOID_YES, &voided);
		*n = !err && *n > voided ? *n - voided : 0;
		return err;
	}
	const char *own = scope_village(sc);
	for (size_t k = 0; k < sc->nreach; k++) {
		if (own && strcmp(sc->reach[k], own) != 0)
			continue;
		size_t one = 0;
		int err = store_count_value(t, IDX_VILLAGE, kind, sc->reach[k], &one);
		if (err)
			return err;
		*n += one;
	}
	return 0;
}
