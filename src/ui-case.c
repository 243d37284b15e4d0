/* ui-case.c: a resident's case file: their needs, services, organisations
 * and volunteer registration in time order, the other members of their
 * household numbered above them (a digit opens one, f shows the household,
 * m registers a family member); any entry opens, and a new need, service
 * or referral (F6) starts with them filled in; p prints the case file
 * (print.c's, masked as the worker's role sees it). */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "household.h"
#include "i18n.h"
#include "print.h"
#include "search.h"
#include "text.h"
#include "ui.h"
#include "util.h"

struct entry {
	char date[16];
	record *r;
	char *what;
};

struct casefile {
	record *resident;
	struct entry *e;
	size_t n, cap;
	struct ui_rows at;          /* the chosen entry, the first shown */
	char household[512];
	rec_id member[9];           /* the others on the household line, by number */
	size_t nmembers;
	struct ui *u;
};

static void
clear_entries(struct casefile *c)
{
	for (size_t i = 0; i < c->n; i++) {
		record_free(c->e[i].r);
		free(c->e[i].what);
	}
	c->n = 0;
}

/* What an entry says: its form's title, then its gist. */
static char *
gist(struct ui *u, const record *r)
{
	struct form *f = formset_for_record(u->forms, r);
	const char *title = f ? _(f->title) : rec_kind_label(r->id.kind);
	static const char *const fields[] = {"content", "description", "name", "help", "findings"};
	const char *text = "";
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const char *v = record_get(r, fields[i]);
		if (v && *v) {
			text = v;
			break;
		}
	}
	const char *st = record_get(r, "status");
	const struct form_field *sf = f && st ? form_field(f, "status") : NULL;
	char *out;
	/* TRANSLATORS: a case file's entry: the form's title, then what it
	 * says ("社会组织：安宁村坝坝舞队") */
	if (asprintf(&out, "%s%s%s%s%s%s", title, *text ? _(": ") : "", text, sf ? " [" : "",
	             sf ? form_choice_label(sf, st) : "", sf ? "]" : "") < 0)
		return NULL;
	for (char *p = out; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return out;
}

/* Take the entries household_case gathered (their records now c's). */
static void
take_entries(struct casefile *c, struct case_entry *got, size_t n)
{
	if (n > c->cap) {
		struct entry *ne = realloc(c->e, n * sizeof *ne);
		if (!ne) {
			household_case_free(got, n);
			return;
		}
		c->e = ne;
		c->cap = n;
	}
	for (size_t i = 0; i < n; i++) {
		struct entry *e = &c->e[c->n++];
		snprintf(e->date, sizeof e->date, "%s", got[i].date);
		e->r = got[i].r;
		e->what = gist(c->u, e->r);
	}
	free(got);
}

/* The household line: the other members, numbered 1 to 9 for opening
 * (ACT_MEMBER_OPEN), each with their relation to the head. */
static int
household_line(store_txn *t, struct casefile *c)
{
	struct household h;
	int rc = household_read(t, &c->resident->id, 0, &h);
	if (rc)
		return rc;
	size_t len = 0, size = sizeof c->household;
	for (size_t i = 0; i < h.n; i++) {
		const record *m = h.m[i].r;
		if (i == h.self)
			continue;
		struct form *f = formset_for_record(c->u->forms, m);
		const struct form_field *rf = f ? form_field(f, "relation") : NULL;
		const char *rel = record_get(m, "relation");
		const char *name = record_get(m, "name");
		char num[8] = "";
		if (c->nmembers < NELEM(c->member)) {
			c->member[c->nmembers++] = m->id;
			snprintf(num, sizeof num, "%zu ", c->nmembers);
		}
		len += (size_t)snprintf(c->household + len, size - len, "%s%s%s%s%s%s",
		                        len ? "  " : "", num, name ? name : "?", rel && rf ? "(" : "",
		                        rel && rf ? form_choice_label(rf, rel) : "", rel && rf ? ")" : "");
		if (len >= size)
			len = size - 1;
	}
	household_free(&h);
	return 0;
}

static int
gather_txn(store_txn *t, void *ctx)
{
	struct casefile *c = ctx;
	clear_entries(c);
	c->household[0] = '\0';
	c->nmembers = 0;
	record *fresh;
	if (store_get(t, &c->resident->id, &fresh) == STORE_OK) {
		record_free(c->resident);
		c->resident = fresh;
	}
	struct case_entry *got;
	size_t n;
	int rc = household_case(t, c->u->forms, c->resident, &got, &n);
	if (rc)
		return rc;
	take_entries(c, got, n);
	rc = household_line(t, c);
	if (rc)
		return rc;
	return 0;
}

static void
gather(struct ui *u, struct casefile *c)
{
	int err = store_read(u->st, gather_txn, c);
	if (err)
		ui_message(u, "%s", store_strerror(err));
	if (c->at.sel >= c->n)
		c->at.sel = c->n ? c->n - 1 : 0;
}

static void
case_draw(struct ui *u, struct screen *s)
{
	struct casefile *c = s->data;
	erase();
	char line[640];  /* room for the whole household line */
	const char *name = record_get(c->resident, "name");
	snprintf(line, sizeof line, _("Case file: %s"), name ? name : "?");
	ui_title(u, line);
	snprintf(line, sizeof line, "%s %s", _("Household:"),
	         c->household[0] ? c->household : _("(no one else registered)"));
	ui_text(1, 1, u->cols - 2, line, A_NORMAL);
	ui_text(2, 1, 11, _("Date"), A_BOLD | A_UNDERLINE);
	ui_text(2, 13, u->cols - 14, _("What"), A_BOLD | A_UNDERLINE);
	int area = u->rows - 7;
	ui_rows_fit(&c->at, c->n, area);
	for (int i = 0; i < area && c->at.top + (size_t)i < c->n; i++) {
		size_t k = c->at.top + (size_t)i;
		int attr = k == c->at.sel ? A_REVERSE : A_NORMAL;
		ui_text(3 + i, 0, 1, "", attr);
		ui_text(3 + i, 1, 12, c->e[k].date, attr);
		ui_text(3 + i, 13, u->cols - 14, c->e[k].what ? c->e[k].what : "", attr);
	}
	if (!c->n)
		ui_text(4, 2, u->cols - 4, _("Nothing yet: F7 takes a need, F3 records a service."), A_NORMAL);
	ui_footer(u, KS_CASE);
}

/* The member numbered k+1 on the household line, in view. */
static int
open_member(struct ui *u, struct casefile *c, size_t k)
{
	if (k >= c->nmembers) {
		ui_message(u, "%s", c->nmembers ? _("No household member has that number.")
		                                 : _("No one else is registered in this household."));
		return UI_REDRAW;
	}
	record *r = NULL;
	int err = search_get(u->st, &c->member[k], &r);
	struct form *f = r ? formset_for_record(u->forms, r) : NULL;
	if (!f) {
		record_free(r);
		ui_message(u, "%s", store_strerror(err ? err : STORE_NOTFOUND));
		return UI_REDRAW;
	}
	ui_open(u, "form", &(struct ui_args){.form = f, .r = r, .editing = false});
	return UI_REDRAW;
}

static int
case_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	struct casefile *c = s->data;
	char idbuf[REC_ID_TEXTMAX];
	switch (a) {
	case ACT_BACK:
		return UI_POP;
	case ACT_UP:
	case ACT_DOWN:
	case ACT_PGUP:
	case ACT_PGDN:
		return ui_rows_key(&c->at, c->n, a, 10);
	case ACT_OPEN:
		if (c->n) {
			record *r = record_dup(c->e[c->at.sel].r);
			struct form *f = r ? formset_for_record(u->forms, r) : NULL;
			if (f)
				ui_open(u, "form", &(struct ui_args){.form = f, .r = r, .editing = false});
			else
				record_free(r);
		}
		return UI_REDRAW;
	case ACT_NEED: {
		char who[64], res[96], vil[96];
		const char *v = record_get(c->resident, "village");
		snprintf(who, sizeof who, "who=resident");
		snprintf(res, sizeof res, "resident=%s", rec_id_format(&c->resident->id, idbuf));
		snprintf(vil, sizeof vil, "village=%s", v ? v : "");
		const char *pre[] = {who, res, v ? vil : NULL, NULL};
		ui_open(u, "new-record",
		        &(struct ui_args){.kind = REC_NEED, .prefill = pre, .from = c->resident,
		                          .back = true});
		return UI_REDRAW;
	}
	case ACT_MEMBER:
		ui_open(u, "house-member", &(struct ui_args){.record = c->resident});
		return UI_REDRAW;
	case ACT_HOUSEHOLD:
		ui_open(u, "household", &(struct ui_args){.record = c->resident});
		return UI_REDRAW;
	case ACT_MEMBER_OPEN:
	case ACT_NONE:
		/* a digit: the member with that number on the household line */
		if (!is_key && key >= L'1' && key <= L'9')
			return open_member(u, c, (size_t)(key - L'1'));
		return 0;
	case ACT_PRINT: {
		/* the case file as print.c lays it out, masked by the worker's scope */
		struct print_req q = {.doc = PRINT_CASEFILE,
		                      .id = rec_id_format(&c->resident->id, idbuf)};
		return ui_open(u, "print", &(struct ui_args){.req = &q});
	}
	case ACT_REFER:
		ui_open(u, "refer", &(struct ui_args){.resident = rec_id_format(&c->resident->id, idbuf), .need = NULL});
		return UI_REDRAW;
	case ACT_NEW: {
		char ben[96], vil[96];
		const char *v = record_get(c->resident, "village");
		snprintf(ben, sizeof ben, "beneficiaries=%s", rec_id_format(&c->resident->id, idbuf));
		snprintf(vil, sizeof vil, "village=%s", v ? v : "");
		const char *pre[] = {ben, v ? vil : NULL, NULL};
		ui_open(u, "new-record",
		        &(struct ui_args){.kind = REC_SERVICE, .prefill = pre, .from = c->resident,
		                          .back = true});
		return UI_REDRAW;
	}
	default:
		return 0;
	}
}

static void
case_resume(struct ui *u, struct screen *s)
{
	gather(u, s->data);
}

static void
case_free(struct screen *s)
{
	struct casefile *c = s->data;
	clear_entries(c);
	free(c->e);
	record_free(c->resident);
	free(c);
}

static const struct screen_ops case_screen = {
	.scope = KS_CASE, .draw = case_draw, .key = case_key, .free = case_free,
	.resume = case_resume,
};

static void
case_open(struct ui *u, const record *resident)
{
	struct casefile *c = calloc(1, sizeof *c);
	if (!c || !(c->resident = record_dup(resident))) {
		free(c);
		return;
	}
	c->u = u;
	gather(u, c);
	ui_push(u, &case_screen, c);
}

int
ui_case_open(struct ui *u, const struct ui_args *a)
{
	if (a->record)
		case_open(u, a->record);
	return UI_REDRAW;
}
