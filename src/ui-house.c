/* ui-house.c: a resident's household on a screen of its own
 * ("household"): the members with their relation, age, sex and
 * categories, under each their open needs and newest services; Enter
 * opens a row's record, F9 a member's case file, m registers a family
 * member.  And registering one ("house-member"): the relation to the head
 * asked, then a new resident with the household's number, village, group
 * and address (household.h) in the editor. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "household.h"
#include "i18n.h"
#include "search.h"
#include "ui.h"
#include "util.h"

/* The newest services shown under each member. */
#define HOUSE_RECENT 3

enum row_kind { ROW_MEMBER, ROW_NEED, ROW_SERVICE, ROW_MORE };

/* The member columns: name, relation, age, sex, categories. */
enum { COL_NAME, COL_REL, COL_AGE, COL_SEX, COL_CAT, NCOLS };

/* One row of the screen, its texts worked out when the household is read
 * (a shown value costs a read: not on every drawing). */
struct row {
	enum row_kind kind;
	size_t member;          /* the member it belongs to */
	const record *r;        /* the row's record (held in h), NULL for ROW_MORE */
	char *cols[NCOLS];      /* a member's columns; another row's line in cols[0] */
};

struct house {
	rec_id id;              /* the resident it was opened from */
	struct household h;
	struct row *rows;
	size_t n, cap;
	struct ui_rows at;
	char *where;            /* the household's address, or village and group */
	size_t needs, services; /* open needs, and services that name a member */
	bool oom;
};

static void
rows_free(struct house *hs)
{
	for (size_t i = 0; i < hs->n; i++)
		for (size_t k = 0; k < NCOLS; k++)
			free(hs->rows[i].cols[k]);
	free(hs->rows);
	hs->rows = NULL;
	hs->n = hs->cap = 0;
	free(hs->where);
	hs->where = NULL;
	household_free(&hs->h);
}

static struct row *
add_row(struct house *hs, enum row_kind kind, size_t member, const record *r)
{
	if (hs->n == hs->cap) {
		size_t ncap = hs->cap ? hs->cap * 2 : 16;
		struct row *nr = realloc(hs->rows, ncap * sizeof *nr);
		if (!nr) {
			hs->oom = true;
			return NULL;
		}
		hs->rows = nr;
		hs->cap = ncap;
	}
	struct row *w = &hs->rows[hs->n++];
	*w = (struct row){.kind = kind, .member = member, .r = r};
	return w;
}

/* A field of r as the screens show it; "" when its form lacks it. */
static char *
field_text(struct ui *u, const record *r, const char *name)
{
	struct form *f = formset_for_record(u->forms, r);
	const struct form_field *fd = f ? form_field(f, name) : NULL;
	return fd ? ui_field_text(u, fd, r) : strdup("");
}

static char *
joined(const char *a, const char *b, const char *c, const char *d)
{
	char *out;
	if (asprintf(&out, "%s%s%s%s", a, b, c, d) < 0)
		return NULL;
	return out;
}

static void
member_row(struct ui *u, struct house *hs, size_t k)
{
	const record *m = hs->h.m[k].r;
	struct row *w = add_row(hs, ROW_MEMBER, k, m);
	if (!w)
		return;
	char *name = field_text(u, m, "name");
	const char *st = record_get(m, "status");
	if (name && st && *st && strcmp(st, "active") != 0) {
		/* moved away, deceased ...: said beside the name */
		char *label = field_text(u, m, "status");
		char *both = label && *label ? joined(name, "(", label, ")") : NULL;
		if (both) {
			free(name);
			name = both;
		}
		free(label);
	}
	w->cols[COL_NAME] = name;
	w->cols[COL_REL] = field_text(u, m, "relation");
	w->cols[COL_AGE] = field_text(u, m, "age");
	w->cols[COL_SEX] = field_text(u, m, "sex");
	if (w->cols[COL_SEX] && !*w->cols[COL_SEX]) {
		free(w->cols[COL_SEX]);
		w->cols[COL_SEX] = field_text(u, m, "id_sex");
	}
	w->cols[COL_CAT] = field_text(u, m, "categories");
}

/* "需求  2026-10-02  社会救助：想学电脑 [处理中]" */
static void
item_row(struct ui *u, struct house *hs, size_t k, enum row_kind kind, const record *r)
{
	struct row *w = add_row(hs, kind, k, r);
	if (!w)
		return;
	char *what = field_text(u, r, kind == ROW_NEED ? "service" : "function");
	char *text = field_text(u, r, kind == ROW_NEED ? "description" : "content");
	char *status = kind == ROW_NEED ? field_text(u, r, "status") : NULL;
	const char *date = record_get(r, "date");
	if (asprintf(&w->cols[0], "%s  %s  %s%s%s%s%s%s", kind == ROW_NEED ? _("Need") : _("Service"),
	             date ? date : "", what ? what : "", what && *what && text && *text ? "：" : "",
	             text ? text : "", status && *status ? " [" : "", status ? status : "",
	             status && *status ? "]" : "") < 0)
		w->cols[0] = NULL;
	free(what);
	free(text);
	free(status);
}

static void
build_rows(struct ui *u, struct house *hs)
{
	hs->needs = hs->services = 0;
	for (size_t k = 0; k < hs->h.n; k++) {
		const struct household_member *m = &hs->h.m[k];
		member_row(u, hs, k);
		for (size_t i = 0; i < m->nneeds; i++)
			item_row(u, hs, k, ROW_NEED, m->needs[i]);
		for (size_t i = 0; i < m->nservices; i++)
			item_row(u, hs, k, ROW_SERVICE, m->services[i]);
		if (m->services_all > m->nservices) {
			struct row *w = add_row(hs, ROW_MORE, k, NULL);
			if (w && asprintf(&w->cols[0], _("%zu services in all: F9 opens the case file with every one"),
			                  m->services_all) < 0)
				w->cols[0] = NULL;
		}
		hs->needs += m->nneeds;
		hs->services += m->services_all;
	}
	/* where they live: the address, else the village and the group */
	const record *self = hs->h.m[hs->h.self].r;
	const char *addr = record_get(self, "address");
	if (addr && *addr) {
		hs->where = strdup(addr);
	} else {
		char *village = field_text(u, self, "village");
		const char *group = record_get(self, "group");
		hs->where = joined(village ? village : "", group && *group ? " " : "", group ? group : "", "");
		free(village);
	}
}

/* Read the household again (at opening, and when the screen is back on
 * top: a member added or changed).  False when it cannot be read. */
static bool
load(struct ui *u, struct house *hs)
{
	rows_free(hs);
	hs->oom = false;
	int err = household_read_now(u->st, &hs->id, HOUSE_RECENT, &hs->h);
	if (err) {
		ui_message(u, "%s", store_strerror(err));
		return false;
	}
	build_rows(u, hs);
	if (hs->oom)
		ui_message(u, "%s", store_strerror(STORE_NOMEM));
	if (hs->at.sel >= hs->n)
		hs->at.sel = hs->n ? hs->n - 1 : 0;
	return true;
}

/* --- the screen -------------------------------------------------------------- */

static const char *const heads[NCOLS] = {N_("Name"), N_("Relation"), N_("Age"), N_("Sex"),
                                         N_("Categories")};

/* the columns of a member row: where each starts, and how wide */
static const struct {
	int x, w;
} col[NCOLS] = {{1, 16}, {18, 10}, {29, 4}, {34, 4}, {39, 0}};

static void
house_heading(const struct house *hs, char *line, size_t size)
{
	const char *number = hs->h.n ? household_number(hs->h.m[hs->h.self].r) : NULL;
	if (number)
		snprintf(line, size, _("Household %s"), number);
	else
		snprintf(line, size, "%s", _("Household (no household number)"));
}

static void
house_line(const struct house *hs, char *line, size_t size)
{
	snprintf(line, size, _("%zu people  Address: %s  Open needs: %zu  Services: %zu"),
	         hs->h.n, hs->where ? hs->where : "", hs->needs, hs->services);
}

static void
house_draw(struct ui *u, struct screen *s)
{
	struct house *hs = s->data;
	erase();
	char line[256];
	const char *number = hs->h.n ? household_number(hs->h.m[hs->h.self].r) : NULL;
	house_heading(hs, line, sizeof line);
	ui_title(u, line);
	house_line(hs, line, sizeof line);
	ui_text(1, 1, u->cols - 2, line, A_NORMAL);
	for (int k = 0; k < NCOLS; k++)
		ui_text(2, col[k].x, col[k].w ? col[k].w : u->cols - col[k].x - 1, _(heads[k]),
		        A_BOLD | A_UNDERLINE);
	int area = u->rows - 7;
	ui_rows_fit(&hs->at, hs->n, area);
	for (int i = 0; i < area && hs->at.top + (size_t)i < hs->n; i++) {
		size_t k = hs->at.top + (size_t)i;
		const struct row *w = &hs->rows[k];
		int attr = k == hs->at.sel ? A_REVERSE : A_NORMAL;
		ui_text(3 + i, 0, 1, "", attr);
		if (w->kind != ROW_MEMBER) {
			ui_text(3 + i, 1, 2, "", attr);
			ui_text(3 + i, 3, u->cols - 4, w->cols[0] ? w->cols[0] : "", attr);
			continue;
		}
		int a = attr | (w->member == hs->h.self ? A_BOLD : 0);
		for (int c = 0; c < NCOLS; c++) {
			int x = col[c].x, wd = col[c].w ? col[c].w : u->cols - x - 1;
			ui_text(3 + i, x - 1, 1, "", a);
			ui_text(3 + i, x, wd, w->cols[c] ? w->cols[c] : "", a);
		}
	}
	if (hs->h.n == 1)
		ui_text(u->rows - 4, 1, u->cols - 2,
		        number ? _("No one else is registered in this household: m adds a family member.")
		               : _("No household number: F4 on the resident gives one."),
		        A_DIM);
	else
		ui_text(u->rows - 4, 1, u->cols - 2,
		        _("Enter opens the row; F9 a member's case file; m adds a family member."), A_DIM);
	ui_footer(u, KS_HOUSE);
}

/* The members as shown (their columns, masked as the screen masks), to
 * print or export; the household's line over them. */
static void
house_out(struct ui *u, struct house *hs, bool print, int format)
{
	const char *h[NCOLS];
	for (int k = 0; k < NCOLS; k++)
		h[k] = _(heads[k]);
	const char **cells = calloc(hs->n * NCOLS + 1, sizeof *cells);
	rec_id *ids = calloc(hs->n + 1, sizeof *ids);
	if (!cells || !ids) {
		free(cells);
		free(ids);
		ui_message(u, "%s", store_strerror(STORE_NOMEM));
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < hs->n; i++) {
		const struct row *w = &hs->rows[i];
		if (w->kind != ROW_MEMBER)
			continue;
		for (int k = 0; k < NCOLS; k++)
			cells[n * NCOLS + k] = w->cols[k];
		ids[n++] = w->r->id;
	}
	char heading[256], line[512];
	house_heading(hs, heading, sizeof heading);
	house_line(hs, line, sizeof line);
	struct ui_table tb = {.heading = heading, .filter = line, .name = "household",
	                      .ncols = NCOLS, .nrows = n, .heads = h, .cells = cells, .ids = ids,
	                      .nids = n};
	if (print)
		ui_table_print(u, &tb);
	else
		ui_table_export(u, &tb, format);
	free(cells);
	free(ids);
}

static void
house_export(struct ui *u, void *data, int format)
{
	house_out(u, data, false, format);
}

static int
house_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct house *hs = s->data;
	const struct row *w = hs->n ? &hs->rows[hs->at.sel] : NULL;
	switch (a) {
	case ACT_BACK:
		return UI_POP;
	case ACT_UP:
	case ACT_DOWN:
	case ACT_PGUP:
	case ACT_PGDN:
	case ACT_HOME:
	case ACT_END:
		return ui_rows_key(&hs->at, hs->n, a, 10);
	case ACT_OPEN: {
		const record *show = w ? (w->r ? w->r : hs->h.m[w->member].r) : NULL;
		record *r = show ? record_dup(show) : NULL;
		struct form *f = r ? formset_for_record(u->forms, r) : NULL;
		if (f)
			ui_open(u, "form", &(struct ui_args){.form = f, .r = r, .editing = false});
		else
			record_free(r);
		return UI_REDRAW;
	}
	case ACT_CASE:
		if (w)
			ui_open(u, "case", &(struct ui_args){.record = hs->h.m[w->member].r});
		return UI_REDRAW;
	case ACT_MEMBER:
		if (hs->h.n)
			ui_open(u, "house-member", &(struct ui_args){.record = hs->h.m[hs->h.self].r});
		return UI_REDRAW;
	case ACT_PRINT:
		house_out(u, hs, true, 0);
		return UI_REDRAW;
	case ACT_EXPORT:
		ui_table_export_ask(u, house_export, hs);
		return UI_REDRAW;
	default:
		return 0;
	}
}

static void
house_resume(struct ui *u, struct screen *s)
{
	load(u, s->data);
}

static void
house_free(struct screen *s)
{
	struct house *hs = s->data;
	rows_free(hs);
	free(hs);
}

static const struct screen_ops house_screen = {
	.scope = KS_HOUSE, .draw = house_draw, .key = house_key, .free = house_free,
	.resume = house_resume,
};

int
ui_house_open(struct ui *u, const struct ui_args *a)
{
	if (!a->record)
		return 0;
	struct house *hs = calloc(1, sizeof *hs);
	if (!hs)
		return 0;
	hs->id = a->record->id;
	if (!load(u, hs)) {
		house_free(&(struct screen){.data = hs});
		return UI_REDRAW;
	}
	/* the row of the resident it was opened from */
	for (size_t i = 0; i < hs->n; i++)
		if (hs->rows[i].kind == ROW_MEMBER && hs->rows[i].member == hs->h.self)
			hs->at.sel = i;
	ui_push(u, &house_screen, hs);
	return UI_REDRAW;
}

/* --- a family member --------------------------------------------------------- */

/* What the new member takes from the resident, "field=value" each. */
struct carry {
	char *pre[8];
	size_t n;
	char *from;             /* the resident's name */
};

static void
carry_free(struct carry *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->pre[i]);
	free(c->from);
	free(c);
}

static void
open_new_member(struct ui *u, struct carry *c)
{
	const char *pre[NELEM(c->pre) + 1];
	for (size_t i = 0; i < c->n; i++)
		pre[i] = c->pre[i];
	pre[c->n] = NULL;
	ui_open(u, "new-record", &(struct ui_args){.kind = REC_RESIDENT, .prefill = pre, .back = true});
	ui_message(u, _("A family member of %s: the household number, village, group and address "
	                "are theirs."),
	           c->from ? c->from : "?");
}

/* The relation to the head chosen (NULL: Esc, nothing opens). */
static void
relation_chosen(struct ui *u, void *data, const char *value)
{
	struct carry *c = data;
	if (value && *value && c->n < NELEM(c->pre) && (c->pre[c->n] = joined("relation=", value, "", ""))) {
		c->n++;
		open_new_member(u, c);
	}
	carry_free(c);
}

int
ui_house_member(struct ui *u, const struct ui_args *a)
{
	const record *r = a->record;
	if (!r)
		return 0;
	const char *name = record_get(r, "name");
	if (!household_number(r)) {
		ui_message(u, _("%s has no household number yet: F4 gives one (as on the household "
		                "register), then m adds a family member."),
		           name ? name : "?");
		return UI_REDRAW;
	}
	/* refused before the question when the worker may not register a
	 * resident there (a township's worker, a supervisor) */
	record *probe = record_new(REC_RESIDENT);
	struct carry *c = calloc(1, sizeof *c);
	if (!probe || !c) {
		record_free(probe);
		free(c);
		return UI_REDRAW;
	}
	c->from = name ? strdup(name) : NULL;
	for (size_t i = 0; household_carried[i] && c->n < NELEM(c->pre) - 1; i++) {
		const char *v = record_get(r, household_carried[i]);
		if (v && *v && (c->pre[c->n] = joined(household_carried[i], "=", v, ""))) {
			c->n++;
			record_set(probe, household_carried[i], v);
		}
	}
	bool may = scope_may_write(u->scope, NULL, probe);
	record_free(probe);
	if (!may) {
		ui_message(u, "%s", store_strerror(STORE_DENIED));
		carry_free(c);
		return UI_REDRAW;
	}
	struct form *f = formset_for_record(u->forms, r);
	const struct form_field *rel = f ? form_field(f, "relation") : NULL;
	if (!rel || !rel->choices) {
		/* a form without the relation: the new member all the same */
		open_new_member(u, c);
		carry_free(c);
		return UI_REDRAW;
	}
	ui_pick_choice(u, rel, NULL, relation_chosen, c);
	return UI_REDRAW;
}
