/* ui-list.c: the list of a form's records: search as you type (name,
 * pinyin initials, ID number), a page at a time, filter by village, order
 * by name or by registration. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "i18n.h"
#include "search.h"
#include "text.h"
#include "kind.h"
#include "util.h"
#include "ui.h"

#define MAXCOLS 12
#define MAXPAGES 1024

struct list {
	struct form *f;
	struct edit query;
	char *status;          /* filter by status, or NULL */
	char *status_label;
	char *village;         /* filter by village (record id text), or NULL */
	char *village_name;
	bool by_registration;  /* order: as registered, instead of by name */
	const struct scope *scope;  /* the worker's: what the count counts */
	size_t page;           /* rows a page */
	record **rows;
	char **cells;          /* page x ncols, what each cell shows */
	size_t nrows, ncols;
	struct ui_rows at;   /* the chosen row of the page (a page fits the screen) */
	int widths[MAXCOLS];
	size_t colfield[MAXCOLS];
	/* paging: where each page seen so far began, to go back */
	struct search_pos *starts;
	rec_id *reg_starts;    /* the same for the registration order */
	size_t npage;          /* index of the current page */
	bool more;
	size_t total;
	int err;
};

static void
clear_page(struct list *l)
{
	for (size_t i = 0; i < l->nrows; i++)
		record_free(l->rows[i]);
	for (size_t i = 0; i < l->nrows * l->ncols; i++)
		free(l->cells[i]);
	free(l->rows);
	free(l->cells);
	l->rows = NULL;
	l->cells = NULL;
	l->nrows = 0;
}

struct reg_ctx {
	struct list *l;
	record **out;
	size_t n, max;
};

static int
reg_one(const record *r, void *ctx)
{
	struct reg_ctx *c = ctx;
	const char *v;
	if (c->l->village && (!(v = record_get(r, "village")) || strcmp(v, c->l->village) != 0))
		return 0;
	if (c->l->status && (!(v = record_get(r, "status")) || strcmp(v, c->l->status) != 0))
		return 0;
	if (c->n == c->max)
		return 1;
	c->out[c->n] = record_dup(r);
	if (!c->out[c->n])
		return STORE_NOMEM;
	c->n++;
	return 0;
}

struct reg_scan {
	struct reg_ctx *c;
	const rec_id *after;
	int kind;
};

static int
reg_txn(store_txn *t, void *ctx)
{
	struct reg_scan *rs = ctx;
	int rc = store_scan(t, rs->kind, rs->after, reg_one, rs->c);
	return rc == 1 ? 0 : rc;
}

static void
load(struct ui *u, struct list *l)
{
	clear_page(l);
	l->page = u->rows > 10 ? (size_t)(u->rows - 8) : 2;
	l->rows = calloc(l->page + 1, sizeof *l->rows);
	if (!l->rows)
		return;
	size_t n = 0;
	const char *text = l->query.buf;
	if (l->by_registration && !*text) {
		struct reg_ctx c = {l, l->rows, 0, l->page + 1};
		struct reg_scan rs = {&c, l->npage ? &l->reg_starts[l->npage] : NULL, l->f->kind};
		l->err = store_read(u->st, reg_txn, &rs);
		n = c.n;
		l->more = n > l->page;
		if (l->more && l->npage + 1 < MAXPAGES)
			l->reg_starts[l->npage + 1] = l->rows[l->page - 1]->id;
	} else if (*text && search_kind_is_dated(l->f->kind)) {
		/* needs and services have no name: found through their residents */
		struct search_query q = {l->f->kind, text, l->village, l->status, NULL};
		l->err = search_linked(u->st, &q, l->rows, l->page, &n);
		l->more = false;
	} else {
		struct search_query q = {l->f->kind, text, l->village, l->status, NULL};
		struct search_pos pos = l->starts[l->npage];
		l->err = search_page(u->st, &q, &pos, l->rows, l->page, &n);
		l->more = !pos.done && n == l->page;
		if (l->more && l->npage + 1 < MAXPAGES)
			l->starts[l->npage + 1] = pos;
	}
	if (n > l->page) {
		record_free(l->rows[l->page]);
		n = l->page;
	}
	l->nrows = n;
	if (l->at.sel >= n)
		l->at.sel = n ? n - 1 : 0;
	/* the columns that fit */
	static const struct {
		enum field_type type;
		int width;
	} widths[] = {
		{FT_TEXT, 12}, {FT_NOTE, 20}, {FT_INTEGER, 6}, {FT_DECIMAL, 8}, {FT_DATE, 10},
		{FT_SELECT_ONE, 10}, {FT_SELECT_MULTIPLE, 16}, {FT_YESNO, 4}, {FT_IDNUM, 18},
		{FT_PHONE, 12}, {FT_REFERENCE, 12}, {FT_CALCULATE, 6}, {FT_REFERENCES, 16},
		{FT_AMOUNTS, 16},
	};
	int room = u->cols - 2;
	l->ncols = 0;
	for (size_t i = 0; i < l->f->nlist && l->ncols < MAXCOLS; i++) {
		const struct form_field *fd = &l->f->fields[l->f->list[i]];
		int w = 10;
		for (size_t k = 0; k < sizeof widths / sizeof widths[0]; k++)
			if (widths[k].type == fd->type)
				w = widths[k].width;
		int lw = text_width(_(fd->label), strlen(_(fd->label)));
		if (lw > w)
			w = lw;
		if (w + 1 > room)
			break;
		l->widths[l->ncols] = w;
		l->colfield[l->ncols++] = l->f->list[i];
		room -= w + 1;
	}
	if (l->ncols)
		l->widths[l->ncols - 1] += room;  /* the last column takes what is left */
	l->cells = calloc(n * l->ncols + 1, sizeof *l->cells);
	for (size_t r = 0; l->cells && r < n; r++)
		for (size_t c = 0; c < l->ncols; c++)
			l->cells[r * l->ncols + c] = ui_field_text(u, &l->f->fields[l->colfield[c]], l->rows[r]);
}

static int
count_txn(store_txn *t, void *ctx)
{
	struct list *l = ctx;
	return scope_count(t, l->scope, l->f->kind, &l->total);
}

static void
reload(struct ui *u, struct list *l, bool from_start)
{
	if (from_start) {
		l->npage = 0;
		l->at.sel = 0;
		memset(&l->starts[0], 0, sizeof l->starts[0]);
	}
	store_read(u->st, count_txn, l);
	load(u, l);
}

static void
list_draw(struct ui *u, struct screen *s)
{
	struct list *l = s->data;
	if ((size_t)(u->rows > 10 ? u->rows - 8 : 2) != l->page)
		reload(u, l, true);  /* the terminal was resized */
	erase();
	char line[512];
	/* a kind with several forms (the six service records) is named by its
	 * kind, not by the first of its forms */
	size_t forms_of_kind = 0;
	for (size_t i = 0; i < u->forms->nforms; i++)
		forms_of_kind += u->forms->forms[i]->kind == l->f->kind;
	const char *title = forms_of_kind > 1 ? rec_kind_label(l->f->kind) : _(l->f->title);
	snprintf(line, sizeof line, "%s  (%zu)", title, l->total);
	ui_title(u, line);
	/* the search box */
	const char *prompt = _("Find:");
	int pw = text_width(prompt, strlen(prompt));
	ui_text(1, 1, pw, prompt, A_BOLD);
	int boxw = 28;
	size_t first;
	int ccol = edit_view(&l->query, boxw, &first);
	ui_text(1, 2 + pw, boxw, l->query.buf + first, A_UNDERLINE);
	/* beside the box, each whole or not at all: the filter (what hides
	 * rows), the order, then how to search, as far as they fit */
	char filt[256] = "";
	if (l->village_name || l->status)
		snprintf(filt, sizeof filt, "[%s%s%s]", l->village_name ? l->village_name : "",
		         l->village_name && l->status ? " " : "",
		         l->status_label ? l->status_label : l->status ? l->status : "");
	const char *parts[] = {filt, l->by_registration && !l->query.len ? _("(order: as registered)") : "",
	                       _("name, pinyin initials (zsf) or ID number")};
	int px = 3 + pw + boxw, room = u->cols - 1 - px;
	for (size_t i = 0; i < NELEM(parts); i++) {
		int w = text_width(parts[i], strlen(parts[i]));
		if (w == 0 || w > room)
			continue;
		ui_text(1, px, w, parts[i], i == 0 ? A_BOLD : A_NORMAL);
		px += w + 2;
		room -= w + 2;
	}
	/* column heads */
	int x = 1;
	for (size_t c = 0; c < l->ncols; c++) {
		ui_text(2, x, l->widths[c], _(l->f->fields[l->colfield[c]].label), A_BOLD | A_UNDERLINE);
		x += l->widths[c] + 1;
	}
	for (size_t r = 0; r < l->nrows; r++) {
		int attr = r == l->at.sel ? A_REVERSE : A_NORMAL;
		x = 1;
		ui_text(3 + (int)r, 0, 1, "", attr);
		for (size_t c = 0; c < l->ncols; c++) {
			ui_text(3 + (int)r, x, l->widths[c] + 1,
			        l->cells ? l->cells[r * l->ncols + c] : "", attr);
			x += l->widths[c] + 1;
		}
	}
	if (l->nrows == 0)
		ui_text(4, 2, u->cols - 4, l->query.len ? _("Nothing found.") : _("No records yet: F3 registers one."),
		        A_NORMAL);
	snprintf(line, sizeof line, _("page %zu%s"), l->npage + 1, l->more ? " ..." : "");
	ui_text(u->rows - 4, u->cols - 16, 15, line, A_NORMAL);
	if (l->err)
		ui_message(u, "%s", store_strerror(l->err));
	ui_footer(u, KS_LIST);
	/* the cursor sits in the search box */
	ui_cursor(u, 1, 2 + pw + ccol);
}

static int
list_text(struct ui *u, struct screen *s, wint_t ch)
{
	struct list *l = s->data;
	if (l->query.len >= 64)
		return 0;
	edit_insert_cp(&l->query, (uint32_t)ch);
	reload(u, l, true);
	return UI_REDRAW;
}

static void
set_status(struct ui *u, void *data, const char *value)
{
	struct list *l = data;
	const struct form_field *fd = form_field(l->f, "status");
	free(l->status);
	free(l->status_label);
	l->status = value && *value ? strdup(value) : NULL;
	l->status_label = l->status && fd ? strdup(form_choice_label(fd, value)) : NULL;
	reload(u, l, true);
}

static void
set_village(struct ui *u, void *data, const char *value)
{
	struct list *l = data;
	if (!value)
		return;  /* Esc: the filter stays as it was */
	free(l->village);
	free(l->village_name);
	l->village = value ? strdup(value) : NULL;
	l->village_name = value ? ui_ref_name(u, value) : NULL;
	reload(u, l, true);
	/* then, where the form has a status, which status */
	const struct form_field *fd = form_field(l->f, "status");
	if (fd && fd->choices)
		ui_pick_choice(u, fd, NULL, set_status, l);
}

/* A new record of a kind; where the kind has several forms (the six
 * service records) the worker first chooses which.  prefill (may be NULL)
 * gives fields to set, "name=value" pairs. */
struct newrec {
	int kind;
	char *prefill[4];
	record *from;   /* the resident it starts from: what the form carries */
};

static void
newrec_free(struct newrec *nr)
{
	for (int i = 0; i < 4; i++)
		free(nr->prefill[i]);
	record_free(nr->from);
	free(nr);
}

static void
newrec_open(struct ui *u, struct form *f, struct newrec *nr)
{
	record *r = record_new(f->kind);
	if (!r)
		return;
	size_t nforms = 0;
	for (size_t i = 0; i < u->forms->nforms; i++)
		nforms += u->forms->forms[i]->kind == f->kind;
	if (nforms > 1)
		record_set(r, "_form", f->name);
	for (int i = 0; nr && i < 4 && nr->prefill[i]; i++) {
		char *eq = strchr(nr->prefill[i], '=');
		if (eq) {
			*eq = '\0';
			record_set(r, nr->prefill[i], eq + 1);
			*eq = '=';
		}
	}
	if (nr)
		form_carry(f, r, nr->from);
	struct form_env env = ui_form_env(u);
	form_apply_defaults(f, r, &env);
	/* refused before any typing, not at the save */
	if (!scope_may_write(u->scope, NULL, r)) {
		ui_message(u, "%s", store_strerror(STORE_DENIED));
		record_free(r);
		return;
	}
	ui_open(u, "form", &(struct ui_args){.form = f, .r = r, .editing = true});
}

static void
newrec_chosen(struct ui *u, void *data, const char *value)
{
	struct newrec *nr = data;
	struct form *f = value ? formset_find(u->forms, value) : NULL;
	if (f)
		newrec_open(u, f, nr);
	newrec_free(nr);
}

static void
list_new_record(struct ui *u, int kind, const char *const *prefill, const record *from)
{
	struct form *choice[16];
	size_t n = 0;
	for (size_t i = 0; i < u->forms->nforms && n < 16; i++)
		if (u->forms->forms[i]->kind == kind)
			choice[n++] = u->forms->forms[i];
	if (n == 0)
		return;
	struct newrec *nr = calloc(1, sizeof *nr);
	if (!nr)
		return;
	nr->kind = kind;
	for (int i = 0; prefill && i < 4 && prefill[i]; i++)
		nr->prefill[i] = strdup(prefill[i]);
	nr->from = from ? record_dup(from) : NULL;
	if (n == 1) {
		newrec_open(u, choice[0], nr);
		newrec_free(nr);
		return;
	}
	ui_pick_form(u, _("Which kind of record?"), choice, n, newrec_chosen, nr);
}

static int
list_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct list *l = s->data;
	switch (a) {
	case ACT_BACK:
		return UI_POP;
	case ACT_UP:
	case ACT_DOWN: {
		/* past the page's edge: the page before or after */
		int f = ui_rows_key(&l->at, l->nrows, a, 0);
		if ((f & UI_ROWS_BEFORE) && l->npage > 0) {
			l->npage--;
			load(u, l);
			l->at.sel = l->nrows ? l->nrows - 1 : 0;
		} else if ((f & UI_ROWS_AFTER) && l->more && l->npage + 1 < MAXPAGES) {
			l->npage++;
			load(u, l);
			l->at.sel = 0;
		}
		return UI_REDRAW;
	}
	case ACT_PGDN:
		if (l->more && l->npage + 1 < MAXPAGES) {
			l->npage++;
			load(u, l);
		} else if (l->nrows) {
			l->at.sel = l->nrows - 1;
		}
		return UI_REDRAW;
	case ACT_PGUP:
		if (l->npage > 0) {
			l->npage--;
			load(u, l);
		} else {
			l->at.sel = 0;
		}
		return UI_REDRAW;
	case ACT_HOME:
		reload(u, l, true);
		return UI_REDRAW;
	case ACT_BACKSPACE:
		edit_backspace(&l->query);
		reload(u, l, true);
		return UI_REDRAW;
	case ACT_KILL:
		edit_clear(&l->query);
		reload(u, l, true);
		return UI_REDRAW;
	case ACT_LEFT:
		edit_left(&l->query);
		return UI_REDRAW;
	case ACT_RIGHT:
		edit_right(&l->query);
		return UI_REDRAW;
	case ACT_DELETE:
		edit_delete(&l->query);
		reload(u, l, true);
		return UI_REDRAW;
	case ACT_OPEN:
		if (l->nrows) {
			record *r = record_dup(l->rows[l->at.sel]);
			struct form *rf = r ? formset_for_record(u->forms, r) : NULL;
			if (r)
				ui_open(u, "form", &(struct ui_args){.form = rf ? rf : l->f, .r = r, .editing = false});
		}
		return UI_REDRAW;
	case ACT_NEW:
		list_new_record(u, l->f->kind, NULL, NULL);
		return UI_REDRAW;
	case ACT_SORT:
		l->by_registration = !l->by_registration;
		reload(u, l, true);
		return UI_REDRAW;
	case ACT_FILTER: {
		/* a village worker's lists keep to their village: the others are
		 * out of reach, and walking past them costs time; so for them
		 * the filter is the status alone */
		const char *own = scope_village(u->scope);
		if (l->status || (l->village && !own)) {
			free(l->status);
			free(l->status_label);
			l->status = l->status_label = NULL;
			if (!own) {
				free(l->village);
				free(l->village_name);
				l->village = l->village_name = NULL;
			}
			reload(u, l, true);
			ui_message(u, "%s", own ? _("Showing every status again; your lists keep to "
			                            "your own village.")
			                        : _("Showing every village and status again."));
		} else if (own) {
			const struct form_field *fd = form_field(l->f, "status");
			if (fd && fd->choices)
				ui_pick_choice(u, fd, NULL, set_status, l);
			else
				ui_message(u, "%s", _("Your lists keep to your own village."));
		} else {
			ui_pick_record(u, REC_UNIT, _("Show which village?"), set_village, l);
		}
		return UI_REDRAW;
	}
	case ACT_SUMMARY:
		if (kind_rules(l->f->kind)->counts_table)
			ui_open(u, "needs", &(struct ui_args){.form = l->f});
		return UI_REDRAW;
	default:
		return 0;
	}
}

static void
list_resume(struct ui *u, struct screen *s)
{
	struct list *l = s->data;
	/* a record may have been saved or changed: read the page again */
	size_t sel = l->at.sel;
	store_read(u->st, count_txn, l);
	load(u, l);
	if (sel < l->nrows)
		l->at.sel = sel;
}

static void
list_free(struct screen *s)
{
	struct list *l = s->data;
	clear_page(l);
	edit_free(&l->query);
	free(l->status);
	free(l->status_label);
	free(l->village);
	free(l->village_name);
	free(l->starts);
	free(l->reg_starts);
	free(l);
}

static const struct screen_ops list_screen = {
	.scope = KS_LIST, .draw = list_draw, .key = list_key, .text = list_text,
	.free = list_free, .resume = list_resume,
};

static void
list_open(struct ui *u, struct form *f, const char *status_filter)
{
	struct list *l = calloc(1, sizeof *l);
	if (!l)
		return;
	l->f = f;
	l->starts = calloc(MAXPAGES, sizeof *l->starts);
	l->reg_starts = calloc(MAXPAGES, sizeof *l->reg_starts);
	if (!l->starts || !l->reg_starts || edit_init(&l->query, "") < 0) {
		free(l->starts);
		free(l->reg_starts);
		free(l);
		return;
	}
	if (status_filter) {
		const struct form_field *fd = form_field(f, "status");
		l->status = strdup(status_filter);
		l->status_label = fd ? strdup(form_choice_label(fd, status_filter)) : NULL;
	}
	l->scope = u->scope;
	/* a village worker sees their own village (the only one in reach) */
	const char *own = scope_village(u->scope);
	if (own) {
		l->village = strdup(own);
		l->village_name = ui_ref_name(u, own);
	}
	ui_push(u, &list_screen, l);
	reload(u, l, true);
}

int
ui_list_open(struct ui *u, const struct ui_args *a)
{
	if (a->form)
		list_open(u, a->form, a->status);
	return UI_REDRAW;
}

int
ui_list_new(struct ui *u, const struct ui_args *a)
{
	list_new_record(u, a->kind, a->prefill, a->from);
	return UI_REDRAW;
}
