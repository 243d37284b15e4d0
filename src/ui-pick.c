/* ui-pick.c: pop-up lists to choose from: a field's choices (picked by
 * number or letter), or a record of some kind (found as in the lists). */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "i18n.h"
#include "orgunit.h"
#include "pickfind.h"
#include "route.h"
#include "search.h"
#include "text.h"
#include "shown.h"
#include "ui.h"
#include "util.h"

#define PICK_ROWS 14
/* records without a name (needs) come in one bounded batch to scroll in */
#define PICK_MAX 100

struct pick {
	const struct form_field *fd;     /* choices; NULL when picking records */
	int kind;                        /* records */
	int level;                       /* units of this level only, or 0 */
	char *title;
	bool multiple;
	bool *on;                        /* ticks, for several choices */
	size_t n;
	/* choices: those whose label has what was typed (Chinese filters,
	 * digits and letters pick), as indexes into the list */
	size_t *vis;
	size_t nvis;
	struct ui_rows at;   /* the chosen row, the first shown */
	/* records */
	struct edit query;
	record *found[PICK_MAX];
	char *line[PICK_MAX];            /* how each is shown (dated kinds) */
	size_t nfound;
	/* dated kinds (needs): the residents the record being edited names */
	char **own;
	size_t nown;
	bool only_own;
	bool dated;
	void (*done)(struct ui *u, void *data, const char *value);
	void *data;
	/* a list made here (ui_pick_destination), which fd points at */
	struct form_field made_fd;
	struct form_choices made;
};

static void
made_free(struct form_choices *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].value);
		free(c->items[i].label);
	}
	free(c->items);
	c->items = NULL;
	c->n = 0;
}

static const char keys[] = "123456789abcdefghijklmnopqrstuvwxyz";

/* The choices whose label (as shown) or value holds the typed text. */
static void
filter_choices(struct pick *p)
{
	p->nvis = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct form_choice *c = &p->fd->choices->items[i];
		if (!*p->query.buf || strstr(_(c->label), p->query.buf) || strstr(c->value, p->query.buf))
			p->vis[p->nvis++] = i;
	}
	p->at.sel = p->at.top = 0;
}

/* The box's width: 56 columns, less on a narrow terminal (the screens
 * need 80, so the dated lines are cut to it when they are found). */
static int
pick_width(const struct ui *u)
{
	return u->cols > 70 ? 56 : u->cols - 8;
}

static void
pick_draw(struct ui *u, struct screen *s)
{
	struct pick *p = s->data;
	int w = pick_width(u), x = (u->cols - w) / 2, y = 2;
	size_t shown = p->fd ? p->nvis : p->nfound;
	int h = (int)(shown < PICK_ROWS ? shown : PICK_ROWS) + 4;
	if (p->fd && !shown)
		h = 5;   /* room to say nothing fits */
	if (h > u->rows - 6)
		h = u->rows - 6;
	/* a title longer than the box (a question naming a record by its
	 * summary) is cut with an ellipsis, never with the cut mark */
	char cut[512];
	const char *title = p->title;
	size_t tl = strlen(title);
	if (text_width(title, tl) > w && w > 4) {
		size_t keep = text_fit(title, tl, w - 2, NULL);
		snprintf(cut, sizeof cut, "%.*s…", (int)keep, title);
		title = cut;
	}
	ui_text(y, x, w, title, A_REVERSE | A_BOLD);
	int cy = -1, cx = 0;
	if (!p->fd || *p->query.buf) {
		const char *prompt = _("Find:");
		int pw = text_width(prompt, strlen(prompt));
		ui_text(y + 1, x, pw + 1, prompt, A_REVERSE);
		size_t first;
		int col = edit_view(&p->query, w - pw - 1, &first);
		ui_text(y + 1, x + pw + 1, w - pw - 1, p->query.buf + first, A_UNDERLINE);
		cy = y + 1;
		cx = x + pw + 1 + col;
	} else {
		ui_text(y + 1, x, w, p->multiple ? _(" Number or letter ticks; Enter takes the ticked ones")
		                                 : _(" Press the number or letter of your choice"), A_REVERSE);
	}
	int rows = h - 3;
	ui_rows_fit(&p->at, shown, rows);
	for (int i = 0; i < rows; i++) {
		size_t k = p->at.top + (size_t)i;
		char line[256] = "";
		if (k < shown) {
			if (p->fd) {
				char tick[8] = "";
				size_t c = p->vis[k];
				if (p->multiple)
					snprintf(tick, sizeof tick, "[%s]", p->on[c] ? "x" : " ");
				snprintf(line, sizeof line, " %c %s %s", k < sizeof keys - 1 ? keys[k] : ' ',
				         tick, _(p->fd->choices->items[c].label));
			} else if (p->line[k]) {
				snprintf(line, sizeof line, " %s", p->line[k]);
			} else {
				const record *r = p->found[k];
				const char *nm = record_get(r, "name");
				const char *code = record_get(r, "code");
				const char *idn = record_get(r, "idnum");
				snprintf(line, sizeof line, " %s  %s", nm ? nm : "?",
				         code ? code : idn ? idn : "");
			}
		}
		if (p->fd && !shown && i == 0)
			snprintf(line, sizeof line, " %s", _("No choice has these words: Backspace to change them"));
		ui_text(y + 2 + i, x, w, line, k == p->at.sel && k < shown ? A_BOLD | A_UNDERLINE : A_REVERSE);
	}
	ui_text(y + 2 + rows, x, w, _(" Enter: take   Esc: back"), A_REVERSE);
	if (cy >= 0)
		ui_cursor(u, cy, cx);
}

static int
finish(struct ui *u, struct pick *p, const char *value)
{
	void (*done)(struct ui *, void *, const char *) = p->done;
	void *data = p->data;
	char *v = value ? strdup(value) : NULL;
	p->done = NULL;
	ui_pop(u);
	/* done hears of a cancel too (value NULL), so it can let go of its data */
	if (done)
		done(u, data, v);
	free(v);
	return UI_REDRAW;
}

static int
take(struct ui *u, struct pick *p)
{
	if (!p->fd) {
		if (p->at.sel >= p->nfound)
			return 0;
		char idbuf[REC_ID_TEXTMAX];
		return finish(u, p, rec_id_format(&p->found[p->at.sel]->id, idbuf));
	}
	if (!p->multiple)
		return p->at.sel < p->nvis ? finish(u, p, p->fd->choices->items[p->vis[p->at.sel]].value)
		                           : 0;
	size_t len = 1;
	for (size_t i = 0; i < p->n; i++)
		len += strlen(p->fd->choices->items[i].value) + 1;
	char *v = calloc(1, len);
	if (!v)
		return 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->on[i]) {
			if (*v)
				strcat(v, ",");
			strcat(v, p->fd->choices->items[i].value);
		}
	int rc = finish(u, p, v);
	free(v);
	return rc;
}

static void
clear_found(struct pick *p)
{
	for (size_t i = 0; i < p->nfound; i++) {
		record_free(p->found[i]);
		free(p->line[i]);
		p->line[i] = NULL;
	}
	p->nfound = 0;
}

/* A dated record's line in cols columns: its summary; another
 * resident's with their name before it; a need's status after it when
 * it is no longer open.  The summary is cut (with "…") to leave the
 * name and the status whole. */
static char *
dated_line(struct ui *u, const record *r, bool own, int cols)
{
	const char *res = own ? NULL : record_get(r, "resident");
	char *who = res && *res ? ui_ref_name(u, res) : NULL;
	const struct form *f = formset_for_record(u->forms, r);
	const struct form_field *sfd = f ? form_field(f, "status") : NULL;
	const char *st = record_get(r, "status");
	bool open = !sfd || !st || !sfd->choices || !sfd->choices->n ||
	            strcmp(st, sfd->choices->items[0].value) == 0;
	const char *stl = open ? "" : form_choice_label(sfd, st);
	int room = cols - (who ? text_width(who, strlen(who)) + 1 : 0) -
	           (open ? 0 : text_width(stl, strlen(stl)) + 3);
	char *sum = shown_summary(u->forms, r, room >= 12 ? room : 0);
	char *out = NULL;
	if (asprintf(&out, "%s%s%s%s%s%s", who ? who : "", who ? " " : "", sum ? sum : "?",
	             open ? "" : " (", stl, open ? "" : ")") < 0)
		out = NULL;
	free(sum);
	free(who);
	return out;
}

static void
find_records(struct ui *u, struct pick *p)
{
	clear_found(p);
	p->at.sel = p->at.top = 0;
	if (p->dated) {
		struct pickfind_query q = {p->kind, p->query.buf, (const char *const *)p->own, p->nown,
		                           p->only_own};
		size_t nown = 0;
		if (pickfind(u->st, u->forms, &q, p->found, PICK_MAX, &p->nfound, &nown) != 0)
			ui_message(u, "%s", _("The list could not be read; please try again."));
		/* cut to the box: a blank before each, the last column free */
		int cols = pick_width(u) - 2;
		for (size_t i = 0; i < p->nfound; i++)
			p->line[i] = dated_line(u, p->found[i], i < nown, cols);
		return;
	}
	struct search_query q = {.kind = p->kind, .text = p->query.buf,
	                         .level = p->level ? orgunit_level_name(p->level) : NULL};
	struct search_pos pos;
	memset(&pos, 0, sizeof pos);
	if (p->kind == REC_UNIT && !*p->query.buf) {
		/* villages first: a unit list is short, so show them all by name */
		q.text = NULL;
	}
	search_page(u->st, &q, &pos, p->found, PICK_ROWS, &p->nfound);
}

static int
pick_text(struct ui *u, struct screen *s, wint_t ch)
{
	struct pick *p = s->data;
	if (!p->fd) {
		if (p->query.len < 64)
			edit_insert_cp(&p->query, (uint32_t)ch);
		find_records(u, p);
		return UI_REDRAW;
	}
	if (ch == L' ' && p->multiple) {
		if (p->at.sel < p->nvis)
			p->on[p->vis[p->at.sel]] = !p->on[p->vis[p->at.sel]];
		return UI_REDRAW;
	}
	if (ch >= 128) {   /* Chinese: what the labels are searched for */
		if (p->query.len < 64)
			edit_insert_cp(&p->query, (uint32_t)ch);
		filter_choices(p);
		return UI_REDRAW;
	}
	const char *at = ch < 128 ? strchr(keys, (int)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch)) : NULL;
	if (!at || ch == 0)
		return 0;
	size_t k = (size_t)(at - keys);
	if (k >= p->nvis)
		return 0;
	p->at.sel = k;
	if (!p->multiple)
		return take(u, p);
	p->on[p->vis[k]] = !p->on[p->vis[k]];
	return UI_REDRAW;
}

static int
pick_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct pick *p = s->data;
	size_t shown = p->fd ? p->nvis : p->nfound;
	switch (a) {
	case ACT_BACK:
		return finish(u, p, NULL);
	case ACT_UP:
	case ACT_DOWN:
		return ui_rows_key(&p->at, shown, a, 0);
	case ACT_TOGGLE:
		if (p->multiple && p->at.sel < p->nvis)
			p->on[p->vis[p->at.sel]] = !p->on[p->vis[p->at.sel]];
		return UI_REDRAW;
	case ACT_OPEN:
		return take(u, p);
	case ACT_BACKSPACE:
		edit_backspace(&p->query);
		if (!p->fd)
			find_records(u, p);
		else
			filter_choices(p);
		return UI_REDRAW;
	case ACT_KILL:
		edit_clear(&p->query);
		if (!p->fd)
			find_records(u, p);
		else
			filter_choices(p);
		return UI_REDRAW;
	default:
		return 0;
	}
}

static void
pick_free(struct screen *s)
{
	struct pick *p = s->data;
	clear_found(p);
	for (size_t i = 0; i < p->nown; i++)
		free(p->own[i]);
	free(p->own);
	edit_free(&p->query);
	made_free(&p->made);
	free(p->on);
	free(p->vis);
	free(p->title);
	free(p);
}

/* Choices take digits and letters as picks; records take typing. */
static const struct screen_ops pick_screen = {
	.scope = KS_PICK, .draw = pick_draw, .key = pick_key, .text = pick_text,
	.free = pick_free, .overlay = true,
};

void
ui_pick_choice(struct ui *u, const struct form_field *fd, const char *current,
            void (*done)(struct ui *u, void *data, const char *value), void *data)
{
	struct pick *p = calloc(1, sizeof *p);
	if (!p || !fd->choices) {
		free(p);
		return;
	}
	p->fd = fd;
	p->n = fd->choices->n;
	p->multiple = fd->type == FT_SELECT_MULTIPLE;
	p->on = calloc(p->n + 1, sizeof *p->on);
	p->vis = calloc(p->n + 1, sizeof *p->vis);
	if (!p->on || !p->vis) {
		free(p->on);
		free(p->vis);
		free(p);
		return;
	}
	p->title = strdup(_(fd->label));
	p->done = done;
	p->data = data;
	edit_init(&p->query, "");
	for (size_t i = 0; current && i < p->n; i++) {
		const char *v = fd->choices->items[i].value;
		size_t l = strlen(v);
		for (const char *c = current; *c;) {
			size_t cl = strcspn(c, ",");
			if (cl == l && strncmp(c, v, l) == 0) {
				p->on[i] = true;
			}
			c += cl;
			if (*c)
				c++;
		}
	}
	filter_choices(p);
	for (size_t i = 0; !p->multiple && i < p->n; i++)
		if (p->on[i])
			p->at.sel = i;
	ui_push(u, &pick_screen, p);
}

void
ui_pick_record(struct ui *u, int kind, const char *title,
            void (*done)(struct ui *u, void *data, const char *value), void *data)
{
	ui_pick_unit(u, kind, 0, title, done, data);
}

void
ui_pick_unit(struct ui *u, int kind, int level, const char *title,
          void (*done)(struct ui *u, void *data, const char *value), void *data)
{
	struct pick *p = calloc(1, sizeof *p);
	if (!p)
		return;
	p->kind = kind;
	p->level = level;
	p->title = strdup(title);
	p->done = done;
	p->data = data;
	edit_init(&p->query, "");
	find_records(u, p);
	ui_push(u, &pick_screen, p);
}

void
ui_pick_linked(struct ui *u, int kind, const char *title, const char *const *own, size_t nown,
               bool only_own, void (*done)(struct ui *u, void *data, const char *value),
               void *data)
{
	if (!search_kind_is_dated(kind)) {
		ui_pick_record(u, kind, title, done, data);
		return;
	}
	struct pick *p = calloc(1, sizeof *p);
	if (!p)
		return;
	p->kind = kind;
	p->dated = true;
	p->only_own = only_own;
	p->title = strdup(title);
	p->done = done;
	p->data = data;
	if (nown && (p->own = calloc(nown, sizeof *p->own)))
		for (size_t i = 0; i < nown; i++)
			if (own[i] && (p->own[p->nown] = strdup(own[i])))
				p->nown++;
	edit_init(&p->query, "");
	find_records(u, p);
	ui_push(u, &pick_screen, p);
}

/* --- where a referral goes ------------------------------------------------ */

struct dests {
	const struct scope *sc;
	const char *category;
	struct form_choices *out;
	size_t cap;
};

/* The code of the unit above code ("" for a county). */
static void
parent_code(const char *code, char out[16])
{
	size_t len = strlen(code), keep = 0;
	switch (orgunit_level_of_code(code)) {
	case UNIT_STATION:
		keep = len - 3;
		break;
	case UNIT_VILLAGE:
		keep = 9;
		break;
	case UNIT_TOWNSHIP:
		keep = 6;
		break;
	default:
		break;
	}
	snprintf(out, 16, "%.*s", (int)keep, code);
}

/* A county worker's city (orgunit_above: its city once registered on
 * this server), whose unit and stations (route_within) the county may
 * address: its code, "" for none or for any other worker. */
static int
city_code(store_txn *t, const struct scope *sc, char out[16])
{
	*out = '\0';
	record *r = NULL, *c = NULL;
	char above[REC_ID_TEXTMAX];
	rec_id id;
	int err = orgunit_by_code(t, sc->unit_code, &r);
	if (err == STORE_NOTFOUND)
		return 0;
	if (!err && orgunit_level_of(r) == UNIT_COUNTY && !(err = orgunit_above(t, r, above)) &&
	    *above && rec_id_parse(above, &id) == 0 && (err = store_get(t, &id, &c)) == STORE_OK) {
		const char *code = record_get(c, "code");
		if (orgunit_level_of(c) == UNIT_CITY && code)
			snprintf(out, 16, "%s", code);
	}
	if (err == STORE_NOTFOUND)
		err = 0;
	record_free(r);
	record_free(c);
	return err;
}

static int
dest_add(struct dests *d, const char *id, const char *name, int level)
{
	struct form_choices *c = d->out;
	if (!util_grow((void **)&c->items, &d->cap, c->n + 1, sizeof *c->items))
		return STORE_NOMEM;
	struct form_choice *it = &c->items[c->n];
	it->value = strdup(id);
	if (asprintf(&it->label, "%s（%s）", name, orgunit_level_label(level)) < 0)
		it->label = NULL;
	c->n++;
	return it->value && it->label ? 0 : STORE_NOMEM;
}

static int
dests_txn(store_txn *t, void *ctx)
{
	struct dests *d = ctx;
	struct route_station *v = NULL;
	size_t n = 0;
	int err = d->category && *d->category
	                  ? route_stations(t, d->sc->unit_code, d->category, &v, &n)
	                  : 0;
	/* the worker's unit and each above it: the unit (not the worker's
	 * own), then the stations it has that take the category */
	char code[16];
	snprintf(code, sizeof code, "%s", d->sc->unit_code);
	while (!err && *code) {
		if (strcmp(code, d->sc->unit_code) != 0) {
			record *r = NULL;
			if (orgunit_by_code(t, code, &r) == STORE_OK) {
				char idbuf[REC_ID_TEXTMAX];
				const char *nm = record_get(r, "name");
				err = dest_add(d, rec_id_format(&r->id, idbuf), nm ? nm : code,
				               orgunit_level_of(r));
			}
			record_free(r);
		}
		for (size_t i = 0; !err && i < n; i++) {
			size_t pl = strlen(v[i].code) - 3;
			if (strlen(code) == pl && strncmp(code, v[i].code, pl) == 0)
				err = dest_add(d, v[i].id, v[i].name, UNIT_STATION);
		}
		char up[16];
		parent_code(code, up);
		if (!*up && !err && strcmp(code, d->sc->unit_code) == 0)
			err = city_code(t, d->sc, up);
		memcpy(code, up, sizeof code);
	}
	route_stations_free(v, n);
	return err;
}

void
ui_pick_destination(struct ui *u, const char *title, const char *category, const char *current,
                    void (*done)(struct ui *u, void *data, const char *value), void *data)
{
	struct pick *p = calloc(1, sizeof *p);
	if (!p)
		return;
	struct dests d = {u->scope, category, &p->made, 0};
	if (!u->scope || store_read(u->st, dests_txn, &d) != STORE_OK || !p->made.n) {
		/* nothing to choose from here: find a unit as any reference */
		made_free(&p->made);
		free(p);
		ui_pick_unit(u, REC_UNIT, 0, title, done, data);
		return;
	}
	p->made.name = "destination";
	p->made_fd.type = FT_SELECT_ONE;
	p->made_fd.choices = &p->made;
	p->fd = &p->made_fd;
	p->n = p->made.n;
	p->on = calloc(p->n + 1, sizeof *p->on);
	p->vis = calloc(p->n + 1, sizeof *p->vis);
	p->title = strdup(title);
	if (!p->on || !p->vis || !p->title) {
		free(p->on);
		free(p->vis);
		free(p->title);
		made_free(&p->made);
		free(p);
		return;
	}
	p->made_fd.label = p->title;
	p->done = done;
	p->data = data;
	edit_init(&p->query, "");
	filter_choices(p);
	for (size_t i = 0; current && i < p->n; i++)
		if (strcmp(current, p->made.items[i].value) == 0)
			p->at.sel = i;
	ui_push(u, &pick_screen, p);
}

/* --- names of referenced records --------------------------------------------- */

struct refname {
	const struct formset *forms;
	const char *idtext;
	char *out;
};

static int
refname_txn(store_txn *t, void *ctx)
{
	struct refname *rn = ctx;
	free(rn->out);
	rn->out = shown_ref(t, rn->forms, rn->idtext, 0);
	return 0;
}

char *
ui_ref_name(struct ui *u, const char *idtext)
{
	struct refname rn = {u->forms, idtext, NULL};
	if (store_read(u->st, refname_txn, &rn) != STORE_OK || !rn.out) {
		free(rn.out);
		return strdup(idtext);
	}
	return rn.out;
}

char *
ui_summary(struct ui *u, const record *r)
{
	return shown_summary(u->forms, r, SHOWN_SUMMARY_COLS);
}

char *
ui_ref_field(struct ui *u, const char *idtext, const char *field)
{
	rec_id id;
	record *r = NULL;
	if (rec_id_parse(idtext, &id) < 0)
		return NULL;
	search_get(u->st, &id, &r);
	const char *v = r ? record_get(r, field) : NULL;
	char *out = v ? strdup(v) : NULL;
	record_free(r);
	return out;
}

char *
ui_refs_names(struct ui *u, const char *list)
{
	size_t cap = 64, len = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		size_t k = strcspn(p, ",:");
		char *id = strndup(p, k);
		char *name = id ? ui_ref_name(u, id) : NULL;
		char part[256];
		snprintf(part, sizeof part, "%s%s%s%.*s", len ? "、" : "", name ? name : "?",
		         k < n ? " " : "", k < n ? (int)(n - k - 1) : 0, k < n ? p + k + 1 : "");
		free(id);
		free(name);
		size_t pl = strlen(part);
		if (len + pl + 1 > cap) {
			cap = (len + pl + 1) * 2;
			char *no = realloc(out, cap);
			if (!no)
				break;
			out = no;
		}
		memcpy(out + len, part, pl + 1);
		len += pl;
		p += n;
		if (*p)
			p++;
	}
	return out;
}

/* --- choosing a form ------------------------------------------------------------- */

/* A pick over forms reuses the choice picker with a made-up field. */
struct formpick {
	struct form_field fd;
	struct form_choices ch;
	void (*done)(struct ui *u, void *data, const char *value);
	void *data;
};

static void
formpick_done(struct ui *u, void *data, const char *value)
{
	struct formpick *fp = data;
	if (value && fp->done)
		fp->done(u, fp->data, value);
	for (size_t i = 0; i < fp->ch.n; i++) {
		free(fp->ch.items[i].value);
		free(fp->ch.items[i].label);
	}
	free(fp->ch.items);
	free(fp);
}

void
ui_pick_form(struct ui *u, const char *title, struct form *const *forms, size_t n,
          void (*done)(struct ui *u, void *data, const char *value), void *data)
{
	struct formpick *fp = calloc(1, sizeof *fp);
	if (!fp || !(fp->ch.items = calloc(n ? n : 1, sizeof *fp->ch.items))) {
		free(fp);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		fp->ch.items[i].value = strdup(forms[i]->name);
		fp->ch.items[i].label = strdup(_(forms[i]->title));
	}
	fp->ch.n = n;
	fp->fd.type = FT_SELECT_ONE;
	fp->fd.label = (char *)title;
	fp->fd.choices = &fp->ch;
	fp->done = done;
	fp->data = data;
	ui_pick_choice(u, &fp->fd, NULL, formpick_done, fp);
}

char *
ui_field_text(struct ui *u, const struct form_field *fd, const record *r)
{
	struct form_env env = ui_form_env(u);
	char *out = shown_value_read(u->st, fd, r, &env, 0);
	/* a note's lines, on one row */
	for (char *p = out; p && *p; p++)
		if (*p == '\n')
			*p = ' ';
	return out ? out : strdup("");
}
