/* kind.c: each kind of record's behaviour as one table (kind.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "i18n.h"
#include "index.h"
#include "kind.h"
#include "referral.h"
#include "tally.h"
#include "text.h"

#define KIND_NELEM(a) (sizeof(a) / sizeof *(a))

static const struct kind_rules rules[] = {
	{.kind = REC_RESIDENT, .unique = "idnum", .related = KIND_REL_CASE, .starts_need = true,
	 .starts_referral = true, .household = true},
	{.kind = REC_NEED, .starts_referral = true, .counts_table = true,
	 .ref_line = {"date", "service", "description", NULL}},
	{.kind = REC_SERVICE, .answers = "needs", .ref_line = {"date", "function", "content", NULL}},
	{.kind = REC_VOLUNTEER, .unique = "idnum", .summary = KIND_SUM_HOURS,
	 .related = KIND_REL_CERTIFICATE},
	{.kind = REC_ORG, .related = KIND_REL_ACTIVITY},
	{.kind = REC_RESOURCE, .summary = KIND_SUM_BALANCE, .related = KIND_REL_ACTIVITY},
	{.kind = REC_REFERRAL, .save = KIND_SAVE_REFER, .own_view = true,
	 .ref_line = {"submitted", "status", NULL}},
};

/* the rest: nothing of their own (every enum's first value is "none") */
static const struct kind_rules plain = {.kind = 0};

const struct kind_rules *
kind_rules(int kind)
{
	for (size_t i = 0; i < KIND_NELEM(rules); i++)
		if (rules[i].kind == kind)
			return &rules[i];
	return &plain;
}

/* --- one value, one record -------------------------------------------------- */

struct dup {
	const char *value;
	rec_id self, found;
	bool hit;
};

static int
dup_one(const rec_id *id, const char *value, void *ctx)
{
	struct dup *d = ctx;
	if (strcmp(value, d->value) != 0)
		return 1;  /* past the exact value */
	if (d->self.seq && rec_id_equal(id, &d->self))
		return 0;
	d->found = *id;
	d->hit = true;
	return 1;
}

int
kind_find_duplicate(store_txn *t, const struct form *f, const record *r, rec_id *found,
                    bool *hit)
{
	*hit = false;
	const char *field = kind_rules(f->kind)->unique;
	const char *value = field && form_field(f, field) ? record_get(r, field) : NULL;
	/* a voided record keeps its ID number but holds it against no one */
	if (!value || !*value || record_voided(r))
		return store_txn_error(t);
	struct dup d = {value, r->id, {0}, false};
	d.self.kind = (uint8_t)f->kind;
	store_find(t, IDX_IDNUM, f->kind, value, dup_one, &d);
	*hit = d.hit;
	if (d.hit && found)
		*found = d.found;
	return store_txn_error(t);
}

struct save_check {
	const struct form *f;
	rec_id dup;
};

static int
unique_check(store_txn *t, const record *r, void *ctx)
{
	struct save_check *c = ctx;
	bool hit;
	int err = kind_find_duplicate(t, c->f, r, &c->dup, &hit);
	return err ? err : hit ? STORE_EXISTS : 0;
}

int
kind_save(store *st, const struct form *f, record *r, rec_id *dup)
{
	struct save_check c = {f, {0}};
	r->form_version = f->version;
	int err = store_save_checked(st, &r, 1, unique_check, &c);
	if (err == STORE_EXISTS && dup)
		*dup = c.dup;
	return err;
}

/* --- voiding a record made by mistake ------------------------------------------ */

bool
kind_voidable(int kind)
{
	return kind >= REC_RESIDENT && kind <= REC_PROJECT &&
	       kind_rules(kind)->save == KIND_SAVE_STORE;
}

struct void_check {
	const char *reason;
	rec_id blocker;
	bool blocked;
};

/* A record that still names the one voided and stands: anything kept
 * (voided ones have no link entries), a referral until closed or
 * withdrawn. */
static int
void_blocker(const record *r, void *ctx)
{
	struct void_check *c = ctx;
	if (r->id.kind == REC_REFERRAL) {
		enum ref_state s = referral_state_from_name(record_get(r, "status"));
		if (s == REF_CLOSED || s == REF_WITHDRAWN)
			return 0;
	}
	c->blocker = r->id;
	c->blocked = true;
	return 1;
}

static int
void_check(store_txn *t, const record *r, void *ctx)
{
	struct void_check *c = ctx;
	c->blocked = false;
	int rc = tally_links(t, &r->id, 0, void_blocker, c);
	if (rc && rc != 1)
		return rc;
	if (c->blocked)
		return STORE_EXISTS;
	/* the step named, with why, before the store's "edit" of the same change */
	return audit_log(t, "void", &r->id, r->version, r->version + 1, c->reason);
}

int
kind_void(store *st, record *r, const char *reason, rec_id *blocker)
{
	if (!r->version || record_voided(r) || !kind_voidable(r->id.kind) || !reason ||
	    !*reason || !text_is_clean(reason, strlen(reason), 0))
		return STORE_INVALID;
	struct void_check c = {reason, {0}, false};
	if (record_set(r, REC_VOID, REC_VOID_YES) || record_set(r, REC_VOID_REASON, reason)) {
		record_set(r, REC_VOID, NULL);
		record_set(r, REC_VOID_REASON, NULL);
		return STORE_NOMEM;
	}
	int err = store_save_checked(st, &r, 1, void_check, &c);
	if (err) {
		record_set(r, REC_VOID, NULL);
		record_set(r, REC_VOID_REASON, NULL);
	}
	if (err == STORE_EXISTS && blocker)
		*blocker = c.blocker;
	return err;
}

/* --- a need answered ---------------------------------------------------------- */

struct mark {
	rec_id id;
	const char *status;
	bool changed;
};

static int
mark_txn(store_txn *t, void *ctx)
{
	struct mark *m = ctx;
	record *r;
	int err = store_get(t, &m->id, &r);
	if (err)
		return err;
	const char *was = record_get(r, "status");
	if (!was || strcmp(was, m->status) != 0) {
		if (record_set(r, "status", m->status) != 0)
			err = STORE_NOMEM;
		else if (!(err = store_put(t, r)))
			m->changed = true;
	}
	record_free(r);
	return err;
}

int
kind_need_mark(store *st, const char *idtext, const char *status, bool *changed)
{
	struct mark m = {{0}, status, false};
	*changed = false;
	if (!idtext || rec_id_parse(idtext, &m.id) != 0 || m.id.kind != REC_NEED)
		return STORE_NOTFOUND;
	int err = store_write(st, mark_txn, &m);
	*changed = !err && m.changed;
	return err;
}

/* --- what sums a record up --------------------------------------------------- */

int
kind_summary_text(store_txn *t, const record *r, char *buf, size_t size)
{
	buf[0] = '\0';
	if (r->version == 0)
		return 0;
	switch (kind_rules(r->id.kind)->summary) {
	case KIND_SUM_HOURS: {
		double hours = 0;
		size_t n = 0;
		int err = tally_volunteer_hours(t, &r->id, &hours, &n);
		if (!err)
			snprintf(buf, size, _("Service hours: %.1f, in %zu services (F9: the certificate)"),
			         hours, n);
		return err;
	}
	case KIND_SUM_BALANCE: {
		double used = 0, left = 0;
		bool has = false;
		int err = tally_resource(t, &r->id, &used, &left, &has);
		const char *unit = record_get(r, "unit");
		if (!err && has)
			snprintf(buf, size, _("Used: %g %s, left: %g %s"), used, unit ? unit : "", left,
			         unit ? unit : "");
		else if (!err)
			snprintf(buf, size, _("Used: %g %s"), used, unit ? unit : "");
		return err;
	}
	case KIND_SUM_NONE:
		break;
	}
	return 0;
}

/* --- what F9 shows as a text ------------------------------------------------- */

/* An organisation's activities, a resource's uses: the service records
 * that name it, one line each. */
struct activity {
	const struct formset *forms;
	char *text;
	size_t len, cap;
};

struct activity_args {
	const rec_id *target;
	struct activity *a;
};

static int
activity_one(const record *r, void *ctx)
{
	struct activity *a = ctx;
	struct form *f = formset_for_record(a->forms, r);
	const char *date = record_get(r, "date");
	const char *content = record_get(r, "content");
	char line[512];
	int n = snprintf(line, sizeof line, "%s  %s: %s\n", date ? date : "?",
	                 f ? _(f->title) : rec_kind_label(r->id.kind), content ? content : "");
	if (n < 0)
		return 0;
	for (char *p = line; *p && p[1]; p++)
		if (*p == '\n')
			*p = ' ';
	size_t l = strlen(line);
	if (a->len + l + 1 > a->cap) {
		size_t ncap = (a->len + l + 1) * 2;
		char *nt = realloc(a->text, ncap);
		if (!nt)
			return 0;
		a->text = nt;
		a->cap = ncap;
	}
	memcpy(a->text + a->len, line, l + 1);
	a->len += l;
	return 0;
}

static int
activity_txn(store_txn *t, void *ctx)
{
	struct activity_args *aa = ctx;
	return tally_links(t, aa->target, REC_SERVICE, activity_one, aa->a);
}

static char *
activity_text(store *st, const struct formset *forms, const record *r, char **title, int *err)
{
	struct activity a = {forms, NULL, 0, 0};
	*err = store_read(st, activity_txn, &(struct activity_args){&r->id, &a});
	if (*err) {
		free(a.text);
		return NULL;
	}
	const char *name = record_get(r, "name");
	char buf[256];
	snprintf(buf, sizeof buf, _("Services that name %s"), name ? name : "?");
	if (!a.text || !*a.text) {
		free(a.text);
		a.text = strdup(_("No service record names it yet."));
	}
	if (!a.text || !(*title = strdup(buf))) {
		free(a.text);
		*err = STORE_NOMEM;
		return NULL;
	}
	return a.text;
}

static char *
certificate_text(store *st, const record *r, const char *room, const char *today, char **title,
                 int *err)
{
	*err = 0;
	char *text = tally_certificate(st, &r->id, room, today, err);
	/* personal data handed out: logged first, as the command line does */
	if (text && (*err = audit_log_now(st, "export", &r->id, "certificate shown")) != 0) {
		free(text);
		return NULL;
	}
	if (text && !(*title = strdup(_("Volunteer service record certificate")))) {
		free(text);
		*err = STORE_NOMEM;
		return NULL;
	}
	return text;
}

char *
kind_related_text(store *st, const struct formset *forms, const record *r, const char *room,
                  const char *today, char **title, int *err)
{
	*title = NULL;
	switch (kind_rules(r->id.kind)->related) {
	case KIND_REL_CERTIFICATE:
		return certificate_text(st, r, room, today, title, err);
	case KIND_REL_ACTIVITY:
		return activity_text(st, forms, r, title, err);
	case KIND_REL_NONE:
	case KIND_REL_CASE:
		break;
	}
	*err = STORE_NOTFOUND;
	return NULL;
}
