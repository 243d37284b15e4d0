/* sync-check.c: what an exchange file may carry: each record of a file
 * passes, before it is taken, what its writer would have met typing it
 * (the form's checks, one record per ID number, a referral's steps and
 * names the writer's side may have), and nothing brings a counter near
 * its wrap; sync_verify looks for the same in the records stored, for
 * `shegong check`. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "i18n.h"
#include "index.h"
#include "paths.h"
#include "sync-internal.h"
#include "text.h"

int
sync_check_refuse(store_txn *t, struct sync_apply *ac, const rec_id *id, const char *what)
{
	char idt[REC_ID_TEXTMAX];
	if (ac->why && ac->whysize && !*ac->why)
		snprintf(ac->why, ac->whysize,
		         _("The exchange file carries a record the side that wrote it could not have "
		           "typed (%s): %s. Nothing was taken from it."),
		         rec_id_format(id, idt), what);
	return store_txn_fail(t, SYNC_ERR_FORGED);
}

/* (record.c's encoding: format, kind, version, form version, two stamps,
 * two logins, count; decoding costs the square of the count.) */
uint64_t
sync_check_nfields(const unsigned char *p, size_t len)
{
	struct sync_rd r = {p, len, 2, len < 2};
	uint64_t v = 0;
	for (int k = 0; k < 7 && !r.bad; k++) {
		v = 0;
		for (int shift = 0;; shift += 7) {
			if (r.at >= r.n || shift > 63) {
				r.bad = true;
				break;
			}
			unsigned char b = r.p[r.at++];
			v |= (uint64_t)(b & 0x7f) << shift;
			if (!(b & 0x80))
				break;
		}
		if (k == 4 || k == 5) {   /* a login: its length, then its bytes */
			if (v > r.n - r.at)
				r.bad = true;
			else
				r.at += (size_t)v;
		}
	}
	return r.bad ? 0 : v;
}

struct idnum_dup {
	const char *idnum;
	rec_id self, found;
	bool hit;
};

static int
idnum_one(const rec_id *id, const char *value, void *ctx)
{
	struct idnum_dup *d = ctx;
	if (strcmp(value, d->idnum) != 0)
		return 1;
	if (rec_id_equal(id, &d->self))
		return 0;
	d->found = *id;
	d->hit = true;
	return 1;
}

/* The checks of the form the record would have been typed into, as the
 * screen makes them on saving: every value as the form would store it,
 * one line without control characters where the form has no such field,
 * and an ID number registered for nobody else.  Not the required fields:
 * a record saved before its form gained one would be refused forever. */
static int
check_form(store_txn *t, struct sync_apply *ac, const record *in)
{
	struct form_error fe = {0};
	if (!ac->fs && !(ac->fs = formset_load(paths_forms(), &fe))) {
		/* this side's own forms: the program would not have started */
		if (ac->why && ac->whysize)
			snprintf(ac->why, ac->whysize, "%s:%d: %s", fe.file, fe.line, fe.msg);
		return store_txn_fail(t, STORE_INVALID);
	}
	const struct form *f = formset_for_record(ac->fs, in);
	if (!f)
		return sync_check_refuse(t, ac, &in->id, _("no form makes such a record"));
	char msg[300], what[400];
	for (size_t i = 0; i < in->nfields; i++) {
		const rec_field *fl = &in->fields[i];
		const struct form_field *fd = form_field(f, fl->name);
		const char *m = NULL;
		char *norm = NULL;
		if (fd)
			m = form_check_value(fd, fl->value, &norm, msg, sizeof msg);
		else if (!text_is_clean(fl->value, strlen(fl->value), 0))
			m = _("Only one line, without control characters, fits here");
		/* as the form would have stored it */
		if (!m && fd && strcmp(norm ? norm : "", fl->value) != 0)
			m = _("not as the form stores it");
		free(norm);
		if (m) {
			snprintf(what, sizeof what, "%s: %s", fl->name, m);
			return sync_check_refuse(t, ac, &in->id, what);
		}
	}
	const char *idnum = record_get(in, "idnum");
	if (idnum && *idnum && !record_voided(in)) {   /* a voided one holds it against no one */
		struct idnum_dup d = {idnum, in->id, {0}, false};
		store_txn_trust(t, true);
		int rc = store_find(t, IDX_IDNUM, in->id.kind, idnum, idnum_one, &d);
		store_txn_trust(t, false);
		if (rc && rc != 1)
			return rc;
		if (d.hit) {
			char idt[REC_ID_TEXTMAX];
			snprintf(what, sizeof what, _("the ID number %s is registered already (%s)"),
			         idnum, rec_id_format(&d.found, idt));
			return sync_check_refuse(t, ac, &in->id, what);
		}
	}
	return 0;
}

/* The records a village's referral names (its person and needs) are
 * the village's: a referral cannot carry another's need, which its steps
 * would then change. */
static int
check_named(store_txn *t, struct sync_apply *ac, const record *in)
{
	const char *res = record_get(in, "resident"), *needs = record_get(in, "needs");
	char *list = NULL;
	if (asprintf(&list, "%s,%s", res ? res : "", needs ? needs : "") < 0)
		return store_txn_fail(t, STORE_NOMEM);
	int err = 0;
	char *save = NULL;
	for (char *item = strtok_r(list, ", ", &save); item && !err;
	     item = strtok_r(NULL, ", ", &save)) {
		rec_id id;
		record *r = NULL;
		if (rec_id_parse(item, &id) < 0)
			continue;
		store_txn_trust(t, true);
		int rc = store_get(t, &id, &r);
		store_txn_trust(t, false);
		if (rc == STORE_NOTFOUND) {
			/* not here yet: only the village PC's own, coming with it */
			if (id.site != ac->h.from_site) {
				char what[200];
				snprintf(what, sizeof what, _("it names %s, which is not here"), item);
				err = sync_check_refuse(t, ac, &in->id, what);
			}
			continue;
		}
		if (rc) {
			err = rc;
			break;
		}
		if (!scope_may_read(ac->vs, r)) {
			char what[200];
			snprintf(what, sizeof what, _("it names %s, which is not its village's"), item);
			err = sync_check_refuse(t, ac, &in->id, what);
		}
		record_free(r);
	}
	free(list);
	return err;
}

int
sync_check_taken(store_txn *t, struct sync_apply *ac, const record *in, const record *local)
{
	if (in->version > SYNC_MAX_VERSION)
		return sync_check_refuse(t, ac, &in->id, _("its version number is out of range"));
	if (!local && in->id.site == ac->local)
		return sync_check_refuse(t, ac, &in->id,
		              _("it says it was made on this database, which never made it"));
	if (in->id.kind == REC_REFERRAL) {
		const char *h = record_get(in, "_history");
		size_t lines = 0;
		for (const char *p = h; p && *p && lines <= SYNC_MAX_HISTORY; p++)
			lines += *p == '\n';
		if (lines >= SYNC_MAX_HISTORY)
			return sync_check_refuse(t, ac, &in->id,
			                         _("its history is longer than any referral's"));
		const char *num = record_get(in, "number");
		unsigned long n = 0;
		char code[16], year[8];
		if (num && (sscanf(num, "ZJ-%15[0-9]-%4[0-9]-%lu", code, year, &n) != 3 ||
		            n > SYNC_MAX_SLIP || n == 0))
			return sync_check_refuse(t, ac, &in->id,
			                         _("its slip number is not one a slip can have"));
	}
	if (ac->upstream_mode && in->id.kind == REC_REFERRAL && local && *ac->own_unit) {
		/* the township's file on its village PC: on the village's referral
		 * the township takes the receiver's steps, on one to the village
		 * the sender's */
		const char *v = record_get(local, "village"), *to = record_get(local, "to_unit");
		int side = v && strcmp(v, ac->own_unit) == 0    ? REF_RECEIVER
		           : to && strcmp(to, ac->own_unit) == 0 ? REF_SENDER
		                                                 : 0;
		char line[400];
		int rc = side ? refer_foreign_step(t, in, local, side, line, sizeof line) : 0;
		if (rc < 0)
			return store_txn_fail(t, STORE_NOMEM);
		if (rc > 0) {
			char what[600];
			if (rc == REFER_STEP_LOGIN)
				snprintf(what, sizeof what,
				         _("its history has a step in the name of someone who is not a "
				           "worker of the township's side (%s)"),
				         line);
			else
				snprintf(what, sizeof what,
				         _("its history has a step the township may not take (%s)"), line);
			return sync_check_refuse(t, ac, &in->id, what);
		}
	}
	if (ac->upstream_mode || !ac->vs)
		return 0;
	/* a village's file on its township */
	if (!local && in->id.site != ac->h.from_site)
		return sync_check_refuse(t, ac, &in->id,
		              _("it was made on another database than the village PC whose file it is"));
	if (in->id.kind != REC_REFERRAL)
		return check_form(t, ac, in);
	int err = check_named(t, ac, in);
	if (err)
		return err;
	char line[400];
	int side = refer_side(ac->vs, local ? local : in);
	/* the village numbers its own slips only: another unit's number would
	 * move that unit's count here */
	const char *num = record_get(in, "number");
	char code[16] = "";
	if (num && side == REF_SENDER &&
	    (sscanf(num, "ZJ-%15[0-9]-", code) != 1 || strcmp(code, ac->vs->unit_code) != 0))
		return sync_check_refuse(t, ac, &in->id, _("its slip number is not its village's"));
	int rc = refer_foreign_step(t, in, local, side, line, sizeof line);
	if (rc < 0)
		return store_txn_fail(t, STORE_NOMEM);
	if (rc > 0) {
		char what[600];
		if (rc == REFER_STEP_LOGIN)
			snprintf(what, sizeof what,
			         _("its history has a step in the name of someone who is not a worker of "
			           "the village (%s)"),
			         line);
		else
			snprintf(what, sizeof what,
			         _("its history has a step the village may not take (%s)"), line);
		return sync_check_refuse(t, ac, &in->id, what);
	}
	return 0;
}

/* --- what slipped past: shegong check ---------------------------------------- */

struct verify_ctx {
	store_txn *t;
	size_t *faults;
	void (*report)(const char *msg, void *ctx);
	void *rctx;
};

static void
verify_fault(struct verify_ctx *vc, const record *r, const char *what)
{
	char idt[REC_ID_TEXTMAX], msg[800];
	snprintf(msg, sizeof msg, "%s: %s", rec_id_format(&r->id, idt), what);
	(*vc->faults)++;
	if (vc->report)
		vc->report(msg, vc->rctx);
}

/* Whether unit (id text) is ancestor or below it (parents followed; the
 * units are few, the chain short). */
static bool
unit_under(store_txn *t, const char *unit, const char *ancestor)
{
	char cur[REC_ID_TEXTMAX];
	snprintf(cur, sizeof cur, "%s", unit ? unit : "");
	for (int depth = 0; *cur && depth < 8; depth++) {
		if (strcmp(cur, ancestor) == 0)
			return true;
		rec_id id;
		record *u = NULL;
		if (rec_id_parse(cur, &id) < 0 || store_get(t, &id, &u))
			return false;
		const char *parent = record_get(u, "parent");
		snprintf(cur, sizeof cur, "%s", parent ? parent : "");
		record_free(u);
	}
	return false;
}

static int
verify_record(const record *r, void *ctx)
{
	struct verify_ctx *vc = ctx;
	if (r->version > SYNC_MAX_VERSION)
		verify_fault(vc, r, _("its version number is out of range"));
	if (r->id.kind != REC_REFERRAL)
		return 0;
	const char *num = record_get(r, "number");
	unsigned long n = 0;
	char code[16], year[8];
	if (num && (sscanf(num, "ZJ-%15[0-9]-%4[0-9]-%lu", code, year, &n) != 3 ||
	            n > SYNC_MAX_SLIP || n == 0))
		verify_fault(vc, r, _("its slip number is not one a slip can have"));
	struct refer_merge m;
	if (refer_merge(r, r, &m))
		return STORE_NOMEM;
	if (m.state != refer_state(r)) {
		char what[600];
		snprintf(what, sizeof what, _("its state does not follow from its steps (%s)"),
		         referral_state_label(refer_state(r)));
		verify_fault(vc, r, what);
	}
	refer_merge_free(&m);
	/* the person and needs it names are its sender's */
	const char *from = record_get(r, "village");
	const char *res = record_get(r, "resident"), *needs = record_get(r, "needs");
	char *list = NULL;
	if (!from)
		return 0;
	if (asprintf(&list, "%s,%s", res ? res : "", needs ? needs : "") < 0)
		return STORE_NOMEM;
	char *save = NULL;
	for (char *item = strtok_r(list, ", ", &save); item; item = strtok_r(NULL, ", ", &save)) {
		rec_id id;
		record *x = NULL;
		if (rec_id_parse(item, &id) < 0)
			continue;
		int rc = store_get(vc->t, &id, &x);
		if (rc == STORE_NOTFOUND)
			continue;
		if (rc == 0 && unit_under(vc->t, record_get(x, "village"), from)) {
			record_free(x);
			continue;
		}
		record_free(x);
		if (rc && rc != STORE_DENIED) {
			free(list);
			return rc;
		}
		char what[200];
		snprintf(what, sizeof what, _("it names %s, which is not its village's"), item);
		verify_fault(vc, r, what);
	}
	free(list);
	return 0;
}

static int
verify_txn(store_txn *t, void *ctx)
{
	struct verify_ctx *vc = ctx;
	vc->t = t;
	int err = 0;
	for (int k = 1; k <= REC_PROJECT && !err; k++)
		err = store_scan(t, k, NULL, verify_record, vc);
	return err;
}

int
sync_verify(store *st, size_t *faults, void (*report)(const char *msg, void *ctx), void *ctx)
{
	struct verify_ctx vc = {NULL, faults, report, ctx};
	*faults = 0;
	return store_read(st, verify_txn, &vc);
}
