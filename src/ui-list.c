/* ui-list.c: the list of a form's records: search as you type (name,
 * pinyin initials, ID number; for needs and services also the words of
 * their content), a page at a time, filter by village, status and the
 * choices of a visit round (residents' categories, services' and needs'
 * functions), order by name (pinyin) or by registration; the list as
 * shown, every row of its filter, printed (Esc p, the print dialog) or
 * exported to XLSX or CSV in the worker's files folder (Esc x). */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edit.h"
#include "export.h"
#include "i18n.h"
#include "print.h"
#include "printout.h"
#include "search.h"
#include "text.h"
#include "kind.h"
#include "pickfind.h"
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
	/* filter by any of some choices of one field (categories, function) */
	struct form_field any_fd;   /* the field, as a several-choice list to tick */
	const char *any_field;      /* its name, or NULL when the form has none */
	char *any_of;               /* the ticked values, comma-separated, or NULL */
	char *content_fields;       /* needs and services: the fields typing finds words in */
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
	if (record_voided(r))
		return 0;   /* kept, read by its id alone */
	if (c->l->village && (!(v = record_get(r, "village")) || strcmp(v, c->l->village) != 0))
		return 0;
	if (c->l->status && (!(v = record_get(r, "status")) || strcmp(v, c->l->status) != 0))
		return 0;
	if (c->l->any_of && !search_value_has_any(record_get(r, c->l->any_field), c->l->any_of))
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

/* How many forms the list's kind has (the six service records: 6). */
static size_t
forms_of_kind(struct ui *u, const struct list *l)
{
	size_t n = 0;
	for (size_t i = 0; i < u->forms->nforms; i++)
		n += u->forms->forms[i]->kind == l->f->kind;
	return n;
}

/* Whether every form of the list's kind has the field. */
static bool
every_form_has(struct ui *u, const struct list *l, const char *name)
{
	for (size_t i = 0; i < u->forms->nforms; i++)
		if (u->forms->forms[i]->kind == l->f->kind && !form_field(u->forms->forms[i], name))
			return false;
	return true;
}

/* The columns the list may show, in order (indexes of l->f's fields):
 * the form's list, but where the kind has several forms (the six service
 * records) only the fields they share, with the one that tells them apart
 * (the function) second; the village not when the filter fixes it. */
static size_t
list_columns(struct ui *u, const struct list *l, size_t out[MAXCOLS + 1])
{
	size_t n = 0;
	bool several = forms_of_kind(u, l) > 1;
	const struct form_field *fn = several ? form_field(l->f, "function") : NULL;
	if (fn && !every_form_has(u, l, "function"))
		fn = NULL;
	for (size_t i = 0; i < l->f->nlist && n < MAXCOLS; i++) {
		const struct form_field *fd = &l->f->fields[l->f->list[i]];
		if (fd == fn)
			continue;
		if (several && !every_form_has(u, l, fd->name))
			continue;
		if (l->village && strcmp(fd->name, "village") == 0)
			continue;
		out[n++] = l->f->list[i];
		if (fn && n == 1)
			out[n++] = (size_t)(fn - l->f->fields);
	}
	return n;
}

/* A column's width: its type's, a one-choice field's longest choice
 * (男, 女: 2) when narrower, never narrower than its head. */
struct type_width {
	enum field_type type;
	int width;
};

static int
column_width(const struct form_field *fd, const struct type_width *widths, size_t n)
{
	int w = 10;
	for (size_t k = 0; k < n; k++)
		if (widths[k].type == fd->type)
			w = widths[k].width;
	if (fd->type == FT_SELECT_ONE && fd->choices) {
		int cw = 0;
		for (size_t k = 0; k < fd->choices->n; k++) {
			const char *lb = _(fd->choices->items[k].label);
			int lw = text_width(lb, strlen(lb));
			if (lw > cw)
				cw = lw;
		}
		if (cw < w)
			w = cw;
	}
	int lw = text_width(_(fd->label), strlen(_(fd->label)));
	return lw > w ? lw : w;
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
		struct search_query q = {.kind = l->f->kind, .text = text, .village = l->village,
		                         .status = l->status, .field = l->any_field, .any_of = l->any_of,
		                         .content_fields = l->content_fields};
		l->err = search_linked(u->st, &q, l->rows, l->page, &n);
		l->more = false;
	} else {
		struct search_query q = {.kind = l->f->kind, .text = text, .village = l->village,
		                         .status = l->status, .field = l->any_field, .any_of = l->any_of};
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
	static const struct type_width widths[] = {
		{FT_TEXT, 12}, {FT_NOTE, 20}, {FT_INTEGER, 6}, {FT_DECIMAL, 8}, {FT_DATE, 10},
		{FT_SELECT_ONE, 10}, {FT_SELECT_MULTIPLE, 16}, {FT_YESNO, 4}, {FT_IDNUM, 18},
		{FT_PHONE, 12}, {FT_REFERENCE, 12}, {FT_CALCULATE, 6}, {FT_REFERENCES, 16},
		{FT_AMOUNTS, 16},
	};
	int room = u->cols - 2;
	size_t cols[MAXCOLS + 1];
	size_t ncand = list_columns(u, l, cols);
	int want[MAXCOLS + 1];
	bool drop[MAXCOLS + 1];
	int total = 0;
	for (size_t i = 0; i < ncand; i++) {
		want[i] = column_width(&l->f->fields[cols[i]], widths, NELEM(widths));
		drop[i] = false;
		total += want[i] + 1;
	}
	/* too wide: free text after the first column (a group, an address)
	 * gives way first, the last of it first, so that a resident's
	 * categories show at 80 columns; then what does not fit, from the end */
	for (size_t i = ncand; i-- > 1 && total > room;) {
		enum field_type ty = l->f->fields[cols[i]].type;
		if (ty == FT_TEXT && i + 1 < ncand) {
			drop[i] = true;
			total -= want[i] + 1;
		}
	}
	l->ncols = 0;
	for (size_t i = 0; i < ncand && l->ncols < MAXCOLS; i++) {
		if (drop[i])
			continue;
		int w = want[i];
		if (w + 1 > room)
			continue;  /* a narrower one after it may fit */
		l->widths[l->ncols] = w;
		l->colfield[l->ncols++] = cols[i];
		room -= w + 1;
	}
	l->cells = calloc(n * l->ncols + 1, sizeof *l->cells);
	for (size_t r = 0; l->cells && r < n; r++)
		for (size_t c = 0; c < l->ncols; c++)
			l->cells[r * l->ncols + c] = ui_field_text(u, &l->f->fields[l->colfield[c]], l->rows[r]);
	/* what is left widens, in order, the columns whose text this page
	 * would cut (a project's name, two categories), then the last */
	for (size_t c = 0; l->cells && c + 1 < l->ncols && room > 0; c++) {
		int need = 0;
		for (size_t r = 0; r < n; r++) {
			const char *v = l->cells[r * l->ncols + c];
			int w = v ? text_width(v, strlen(v)) : 0;
			if (w > need)
				need = w;
		}
		int more = need - l->widths[c];
		if (more > room)
			more = room;
		if (more > 0) {
			l->widths[c] += more;
			room -= more;
		}
	}
	if (l->ncols)
		l->widths[l->ncols - 1] += room;  /* the last column takes what is left */
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

/* The ticked choices of the filter as the worker reads them, "独居老人、
 * 留守儿童", or "独居老人等3项" when they would take more than room. */
static void
any_label(const struct list *l, char *out, size_t size, int room)
{
	out[0] = '\0';
	if (!l->any_of)
		return;
	size_t n = 0, used = 0;
	const char *first = NULL;
	for (const char *v = l->any_of; *v;) {
		size_t vl = strcspn(v, ",");
		char val[64];
		snprintf(val, sizeof val, "%.*s", (int)(vl < 63 ? vl : 63), v);
		const char *lb = form_choice_label(&l->any_fd, val);
		if (!first)
			first = lb;
		int w = snprintf(out + used, size - used, "%s%s", n ? _(", ") : "", lb);
		if (w > 0 && (size_t)w < size - used)
			used += (size_t)w;
		n++;
		v += vl;
		if (*v)
			v++;
	}
	if (n > 1 && text_width(out, strlen(out)) > room)
		snprintf(out, size, _("%s and others, %zu in all"), first ? first : "", n);
}

/* What the summary key opens on this list: "needs" (the needs table),
 * "report" (the services' figures by function), or NULL. */
static const char *
summary_of(struct ui *u, const struct list *l)
{
	if (kind_rules(l->f->kind)->counts_table)
		return "needs";
	if (l->f->kind == REC_SERVICE && forms_of_kind(u, l) > 1)
		return "report";
	return NULL;
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
	const char *title = forms_of_kind(u, l) > 1 ? rec_kind_label(l->f->kind) : _(l->f->title);
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
	char filt[256] = "", any[160] = "";
	int px = 3 + pw + boxw, room = u->cols - 1 - px;
	any_label(l, any, sizeof any, room - 20);
	if (l->village_name || l->status || *any)
		snprintf(filt, sizeof filt, "[%s%s%s%s%s]", l->village_name ? l->village_name : "",
		         l->village_name && l->status ? " " : "",
		         l->status_label ? l->status_label : l->status ? l->status : "",
		         (l->village_name || l->status) && *any ? " " : "", any);
	const char *parts[] = {filt, l->by_registration && !l->query.len ? _("(order: as registered)") : "",
	                       l->content_fields ? _("name, pinyin initials, ID number or words")
	                                         : _("name, pinyin initials (zsf) or ID number")};
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
	/* the summary where the kind has one (the needs table, the month's
	 * figures of the services), else not on the bar */
	ui_footer_hiding(u, KS_LIST, summary_of(u, l) ? 0 : 1ULL << ACT_SUMMARY);
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
set_any(struct ui *u, void *data, const char *value)
{
	struct list *l = data;
	free(l->any_of);
	l->any_of = value && *value ? strdup(value) : NULL;
	reload(u, l, true);
}

/* The last of the filter's questions: which categories (functions) to
 * show, several ticked at once; none ticked, or Esc: all. */
static void
ask_any(struct ui *u, struct list *l)
{
	if (l->any_field)
		ui_pick_choice(u, &l->any_fd, l->any_of, set_any, l);
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
	ask_any(u, l);
}

/* The status question where the form has a status, then the choices';
 * false when there is neither. */
static bool
ask_status(struct ui *u, struct list *l)
{
	const struct form_field *fd = form_field(l->f, "status");
	if (fd && fd->choices)
		ui_pick_choice(u, fd, NULL, set_status, l);
	else if (l->any_field)
		ask_any(u, l);
	else
		return false;
	return true;
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
	/* then, where the form has them, which status and which choices */
	ask_status(u, l);
}

/* --- the list as shown, every row of its filter: printed or exported ------------ */

/* At most this many rows go to paper or a file at once. */
#define LIST_OUT_MAX 100000
#define LIST_CHUNK 256

/* Every row of the filter, as cells of the columns shown. */
struct list_out {
	char **cells;    /* n x ncols */
	rec_id *ids;
	size_t n, cap, ncols;
	bool cut;        /* LIST_OUT_MAX reached */
	int err;
};

static void
out_free(struct list_out *o)
{
	for (size_t i = 0; o->cells && i < o->n * o->ncols; i++)
		free(o->cells[i]);
	free(o->cells);
	free(o->ids);
}

/* The records of a chunk as rows (the records freed). */
static void
out_take(struct ui *u, struct list *l, struct list_out *o, record **rs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (o->n >= LIST_OUT_MAX)
			o->cut = true;
		if (!o->err && !o->cut &&
		    (!util_grow((void **)&o->ids, &o->cap, o->n + 1, sizeof *o->ids) ||
		     !(o->cells = realloc(o->cells, o->cap * o->ncols * sizeof *o->cells + 1))))
			o->err = STORE_NOMEM;
		if (!o->err && !o->cut) {
			o->ids[o->n] = rs[i]->id;
			for (size_t c = 0; c < o->ncols; c++)
				o->cells[o->n * o->ncols + c] =
					ui_field_text(u, &l->f->fields[l->colfield[c]], rs[i]);
			o->n++;
		}
		record_free(rs[i]);
		rs[i] = NULL;
	}
}

/* Every row the list's filter and search find, in the order shown. */
static void
out_collect(struct ui *u, struct list *l, struct list_out *o)
{
	o->ncols = l->ncols;
	const char *text = l->query.buf;
	if (*text && search_kind_is_dated(l->f->kind)) {
		/* found through their residents: one bounded page, as on screen */
		size_t max = 10000, n = 0;
		record **rs = calloc(max, sizeof *rs);
		struct search_query q = {.kind = l->f->kind, .text = text, .village = l->village,
		                         .status = l->status, .field = l->any_field, .any_of = l->any_of,
		                         .content_fields = l->content_fields};
		o->err = rs ? search_linked(u->st, &q, rs, max, &n) : STORE_NOMEM;
		out_take(u, l, o, rs, n);
		free(rs);
		return;
	}
	record *rs[LIST_CHUNK + 1];
	if (l->by_registration && !*text) {
		rec_id after;
		for (bool first = true; !o->err && !o->cut; first = false) {
			struct reg_ctx c = {l, rs, 0, LIST_CHUNK};
			struct reg_scan sc = {&c, first ? NULL : &after, l->f->kind};
			int err = store_read(u->st, reg_txn, &sc);
			if (err)
				o->err = err;
			size_t n = c.n;
			if (n)
				after = rs[n - 1]->id;
			out_take(u, l, o, rs, n);
			if (n < LIST_CHUNK)
				break;
		}
		return;
	}
	struct search_query q = {.kind = l->f->kind, .text = text, .village = l->village,
	                         .status = l->status, .field = l->any_field, .any_of = l->any_of};
	struct search_pos pos;
	memset(&pos, 0, sizeof pos);
	while (!o->err && !o->cut && !pos.done) {
		size_t n = 0;
		int err = search_page(u->st, &q, &pos, rs, LIST_CHUNK, &n);
		if (err)
			o->err = err;
		out_take(u, l, o, rs, n);
		if (n < LIST_CHUNK)
			break;
	}
}

/* What the list shows, as words: 筛选：安宁村、在册；查找：zs；按登记先后. */
static void
out_filter(const struct list *l, char *out, size_t size)
{
	char any[256] = "";
	struct strbuf b = {0};
	any_label(l, any, sizeof any, 1000);
	if (l->village_name || l->status || *any) {
		struct strbuf f = {0};
		const char *parts[] = {l->village_name,
		                       l->status_label ? l->status_label : l->status, any};
		for (size_t i = 0; i < NELEM(parts); i++)
			if (parts[i] && *parts[i])
				sb_addf(&f, "%s%s", f.len ? _(", ") : "", parts[i]);
		/* TRANSLATORS: a printed list's filter: 筛选：安宁村、在册 */
		sb_addf(&b, _("Filter: %s"), f.p ? f.p : "");
		sb_free(&f);
	}
	if (l->query.len) {
		if (b.len)
			sb_str(&b, _("; "));
		/* TRANSLATORS: what was typed in a printed list's search box: 查找：zs */
		sb_addf(&b, _("Searched for: %s"), l->query.buf);
	}
	if (l->by_registration && !l->query.len)
		sb_addf(&b, "%s%s", b.len ? _("; ") : "", _("(order: as registered)"));
	snprintf(out, size, "%s", b.p ? b.p : "");
	sb_free(&b);
}

static const char *
out_title(struct ui *u, const struct list *l)
{
	return forms_of_kind(u, l) > 1 ? rec_kind_label(l->f->kind) : _(l->f->title);
}

/* Collected, or said why not: false then. */
static bool
out_ready(struct ui *u, struct list *l, struct list_out *o)
{
	out_collect(u, l, o);
	if (o->err) {
		ui_message(u, "%s", store_strerror(o->err));
		return false;
	}
	return true;
}

static void
list_print(struct ui *u, struct list *l)
{
	struct list_out o = {0};
	if (!out_ready(u, l, &o)) {
		out_free(&o);
		return;
	}
	const char *heads[MAXCOLS];
	for (size_t c = 0; c < l->ncols; c++)
		heads[c] = _(l->f->fields[l->colfield[c]].label);
	char filter[1024], title[256];
	out_filter(l, filter, sizeof filter);
	struct print_list pl = {.title = out_title(u, l), .filter = filter, .today = u->today,
	                        .ncols = l->ncols, .nrows = o.n, .heads = heads,
	                        .cells = (const char *const *)o.cells, .ids = o.ids,
	                        .wide = false};
	char *records = NULL, *text_wide = NULL;
	char *text = print_list_text(&pl, title, sizeof title, &records);
	/* a GB18030 terminal's printer takes the wide layout; the PDF and the
	 * files (UTF-8) the narrow one */
	if (text && !ui_locale_utf8()) {
		char t2[256];
		pl.wide = true;
		text_wide = print_list_text(&pl, t2, sizeof t2, NULL);
		if (!text_wide) {
			free(text);
			text = NULL;
		}
	}
	if (!text)
		ui_message(u, "%s", store_strerror(STORE_NOMEM));
	else
		ui_open(u, "print", &(struct ui_args){.text = text, .text_wide = text_wide,
		                                      .doc = PRINT_DOC_LIST, .records = records,
		                                      .title = title});
	free(text_wide);
	if (text && o.cut)
		ui_message(u, _("Only the first %d rows: narrow the list with F5 or the search box."),
		           LIST_OUT_MAX);
	free(text);
	free(records);
	out_free(&o);
}

/* The file made in the folder (printout_create): list-resident-2026-12-03.xlsx,
 * then -2, -3 ... when taken; 0 with *fd, or an errno. */
static int
out_name(struct ui *u, const struct list *l, const char *dir, const char *ext, char *name,
         size_t size, int *fd)
{
	const char *what = forms_of_kind(u, l) > 1 ? rec_kind_code(l->f->kind) : l->f->name;
	char stem[300];
	snprintf(stem, sizeof stem, "list-%s-%s", what, u->today);
	return printout_create(dir, stem, ext, name, size, fd);
}

static int
out_rows(export_writer *w, const struct list *l, const struct list_out *o, char *msg,
         size_t msgsize)
{
	const char *heads[MAXCOLS];
	for (size_t c = 0; c < l->ncols; c++)
		heads[c] = _(l->f->fields[l->colfield[c]].label);
	if (export_writer_row(w, heads, l->ncols, msg, msgsize) != 0)
		return -1;
	for (size_t r = 0; r < o->n; r++)
		if (export_writer_row(w, (const char *const *)o->cells + r * o->ncols, o->ncols, msg,
		                      msgsize) != 0)
			return -1;
	return 0;
}

/* The list as shown, every row of its filter, to a file in the worker's
 * files folder: XLSX, or CSV in UTF-8 with a byte-order mark (Excel 2007
 * and later and WPS read it so on any Windows; without the mark Excel
 * reads a CSV in the system's code page, GBK on a Chinese Windows, which
 * holds no character outside it, as some names have, 𠈌; a GB18030 file
 * would lose those in Excel too). */
static void
list_export(struct ui *u, struct list *l, int format)
{
	struct list_out o = {0};
	char dir[PATH_MAX], name[256], msg[512] = "";
	const char *way = format == EXPORT_XLSX ? "xlsx" : "csv";
	int err = printout_files_dir(u->dbdir, u->login, dir, sizeof dir);
	if (err) {
		ui_files_error(u, err);
		return;
	}
	if (!out_ready(u, l, &o)) {
		out_free(&o);
		return;
	}
	/* the file hands personal data out: logged first */
	char *records = print_records(o.ids, o.n);
	err = records ? print_audit_as(u->st, "export", PRINT_DOC_LIST, way, records) : STORE_NOMEM;
	free(records);
	if (err) {
		ui_message(u, "%s", store_strerror(err));
		out_free(&o);
		return;
	}
	int fd;
	if ((err = out_name(u, l, dir, way, name, sizeof name, &fd)) != 0) {
		ui_files_error(u, err);
		out_free(&o);
		return;
	}
	export_writer *w = NULL;
	bool ok = false;
	if (export_writer_open_fd(&w, fd, name, format, EXPORT_UTF8, out_title(u, l), msg,
	                          sizeof msg) != 0) {
		ui_message(u, "%s", msg);
	} else if (out_rows(w, l, &o, msg, sizeof msg) != 0) {
		export_writer_abort(w);
		ui_message(u, "%s", msg);
	} else if (export_writer_finish(w, msg, sizeof msg) != 0) {
		ui_message(u, "%s", msg);
	} else
		ok = true;
	/* a failure leaves no half file */
	if ((err = printout_close(dir, name, fd, ok)) != 0 && ok) {
		ui_files_error(u, err);
	} else if (ok) {
		char shown[PATH_MAX];
		snprintf(shown, sizeof shown, "files/%s/%s", u->login, name);
		/* TRANSLATORS: 已导出 120 行，在您的文件夹里：files/wang/list-resident-2026-12-03.xlsx */
		if (o.cut)
			ui_message(u, _("Only the first %zu rows exported (narrow the list with F5 or the "
			                "search box), in your files folder: %s"), o.n, shown);
		else
			ui_message(u, _("%zu rows exported, in your files folder: %s"), o.n, shown);
	}
	out_free(&o);
}

/* The small choice of the file's kind: 1 XLSX, 2 CSV. */
static void
xchoice_draw(struct ui *u, struct screen *s)
{
	(void)s;
	char title[512], one[512], two[512], legend[512];
	snprintf(title, sizeof title, "  %s", _("Export the list to your files folder as:"));
	snprintf(one, sizeof one, "  1  %s", _("An Excel workbook (XLSX)"));
	snprintf(two, sizeof two, "  2  %s", _("A CSV file (opens in Excel and WPS)"));
	snprintf(legend, sizeof legend, "  %s", _("1 or 2 = export    Esc = cancel"));
	const struct ui_box_line lines[] = {
		{title, A_REVERSE | A_BOLD}, {NULL, A_REVERSE}, {one, A_REVERSE},
		{two, A_REVERSE},            {NULL, A_REVERSE}, {legend, A_REVERSE},
	};
	ui_box(u, u->rows / 2 - 3, lines, sizeof lines / sizeof lines[0]);
}

static int
xchoice_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	struct list *l = s->data;
	if (a == ACT_BACK)
		return UI_POP | UI_REDRAW;
	if (is_key || (key != L'1' && key != L'2'))
		return 0;
	/* the box goes first, so that the message shows on the list */
	ui_pop(u);
	list_export(u, l, key == L'1' ? EXPORT_XLSX : EXPORT_CSV);
	return UI_REDRAW;
}

static const struct screen_ops xchoice_screen = {
	.scope = KS_ASK, .draw = xchoice_draw, .key = xchoice_key, .overlay = true,
};

/* A new record of a kind; where the kind has several forms (the six
 * service records) the worker first chooses which.  prefill (may be NULL)
 * gives fields to set, "name=value" pairs. */
struct newrec {
	int kind;
	char *prefill[UI_PREFILL_MAX];
	record *from;   /* the resident it starts from: what the form carries */
	bool back;      /* saved, the editor closes (ui_args.back) */
};

static void
newrec_free(struct newrec *nr)
{
	for (int i = 0; i < UI_PREFILL_MAX; i++)
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
	for (int i = 0; nr && i < UI_PREFILL_MAX && nr->prefill[i]; i++) {
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
	/* a service for a person with one open need of its function answers
	 * that need, unless the worker says otherwise */
	const char *answers = kind_rules(f->kind)->answers;
	const char *fn = record_get(r, "function");
	const char *had = answers ? record_get(r, answers) : NULL;
	if (answers && nr && nr->from && fn && (!had || !*had)) {
		char idbuf[REC_ID_TEXTMAX], need[REC_ID_TEXTMAX];
		if (pickfind_only_open_need(u->st, u->forms, rec_id_format(&nr->from->id, idbuf), fn,
		                            need, sizeof need))
			record_set(r, answers, need);
	}
	/* refused before any typing, not at the save */
	if (!scope_may_write(u->scope, NULL, r)) {
		ui_message(u, "%s", store_strerror(STORE_DENIED));
		record_free(r);
		return;
	}
	ui_open(u, "form", &(struct ui_args){.form = f, .r = r, .editing = true,
	                                      .back = nr && nr->back});
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
list_new_record(struct ui *u, int kind, const char *const *prefill, const record *from,
                bool back)
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
	for (int i = 0; prefill && i < UI_PREFILL_MAX && prefill[i]; i++)
		nr->prefill[i] = strdup(prefill[i]);
	nr->from = from ? record_dup(from) : NULL;
	nr->back = back;
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
		list_new_record(u, l->f->kind, NULL, NULL, false);
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
		if (l->status || l->any_of || (l->village && !own)) {
			free(l->status);
			free(l->status_label);
			free(l->any_of);
			l->status = l->status_label = l->any_of = NULL;
			if (!own) {
				free(l->village);
				free(l->village_name);
				l->village = l->village_name = NULL;
			}
			reload(u, l, true);
			ui_message(u, "%s", own ? _("Showing every record again; your lists keep to "
			                            "your own village.")
			                        : _("Showing every village and status again."));
		} else if (own) {
			if (!ask_status(u, l))
				ui_message(u, "%s", _("Your lists keep to your own village."));
		} else {
			ui_pick_record(u, REC_UNIT, _("Show which village?"), set_village, l);
		}
		return UI_REDRAW;
	}
	case ACT_PRINT:
		list_print(u, l);
		return UI_REDRAW;
	case ACT_EXPORT:
		ui_push(u, &xchoice_screen, l);
		return UI_REDRAW;
	case ACT_SUMMARY: {
		const char *to = summary_of(u, l);
		if (to)
			ui_open(u, to, &(struct ui_args){.form = l->f});
		return UI_REDRAW;
	}
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
	free(l->any_of);
	free(l->content_fields);
	free(l->starts);
	free(l->reg_starts);
	free(l);
}

static const struct screen_ops list_screen = {
	.scope = KS_LIST, .draw = list_draw, .key = list_key, .text = list_text,
	.free = list_free, .resume = list_resume,
};

/* What the list filters by beyond village and status, and where typing
 * finds words: a resident's categories (visit rounds), a service's or a
 * need's function (the field "function" or "service"), a volunteer's
 * services of interest, an organisation's field, ticked several at a
 * time; needs' and services' text and notes the worker may read. */
static void
list_filters(struct ui *u, struct list *l)
{
	static const char *const any_fields[] = {"categories", "function", "service", "interests",
	                                         "field"};
	for (size_t i = 0; i < NELEM(any_fields) && !l->any_field; i++) {
		const struct form_field *fd = form_field(l->f, any_fields[i]);
		if (fd && fd->choices && (fd->type == FT_SELECT_ONE || fd->type == FT_SELECT_MULTIPLE)) {
			l->any_fd = *fd;
			l->any_fd.type = FT_SELECT_MULTIPLE;
			l->any_field = fd->name;
		}
	}
	if (!search_kind_is_dated(l->f->kind) || l->f->kind == REC_REFERRAL)
		return;
	struct form_env env = ui_form_env(u);
	struct strbuf sb = {0};
	for (size_t i = 0; i < u->forms->nforms; i++) {
		const struct form *f = u->forms->forms[i];
		if (f->kind != l->f->kind)
			continue;
		for (size_t k = 0; k < f->nfields; k++) {
			const struct form_field *fd = &f->fields[k];
			if ((fd->type != FT_TEXT && fd->type != FT_NOTE) || (fd->sensitive && env.masked))
				continue;
			if (search_value_has_any(sb.len ? sb.p : NULL, fd->name))
				continue;  /* named by an earlier form */
			sb_addf(&sb, "%s%s", sb.len ? "," : "", fd->name);
		}
	}
	bool any = sb.len > 0;
	l->content_fields = sb_detach(&sb);
	if (!any) {
		free(l->content_fields);
		l->content_fields = NULL;
	}
}

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
	list_filters(u, l);
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
	list_new_record(u, a->kind, a->prefill, a->from, a->back);
	return UI_REDRAW;
}
