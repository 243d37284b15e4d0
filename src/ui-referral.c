/* ui-referral.c: the referral screens: the lists (received, sent, and
 * for supervisors the overdue ones in reach), one referral with its
 * history and the steps open to the worker as keys, starting a referral
 * from a resident or a need, and what is new since the worker last
 * looked.  The rules and the records are refer.c's; this file asks and
 * shows. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "i18n.h"
#include "orgunit.h"
#include "refer.h"
#include "route.h"
#include "text.h"
#include "search.h"
#include "ui.h"
#include "util.h"

static void referral_view_open(struct ui *u, const rec_id *id);
static void referral_start(struct ui *u, const char *resident, const char *need);

#define MAXTABS 3
#define MAXSTEPS 12

/* --- helpers --------------------------------------------------------------- */

/* The referral id as the worker may read it now, or NULL (the message
 * line says why). */
static record *
read_referral(struct ui *u, const rec_id *id)
{
	record *r;
	int err = search_get(u->st, id, &r);
	if (err) {
		ui_message(u, "%s", refer_strerror(err));
		return NULL;
	}
	return r;
}

static struct form *
referral_form(struct ui *u)
{
	return formset_for_kind(u->forms, REC_REFERRAL);
}

/* A referral's number as it fits in cols: the whole, or its end (the year
 * and the count) where the column is narrow; "-" for a draft. */
static const char *
short_number(const record *r, int cols)
{
	const char *n = record_get(r, "number");
	if (!n || !*n)
		return "-";
	size_t len = strlen(n);
	return (int)len > cols && len > 9 ? n + len - 9 : n;
}

/* --- the lists -------------------------------------------------------------- */

static const struct {
	enum refer_box box;
	const char *tab;     /* the tab's name */
	const char *other;   /* the head of the last column */
	const char *empty;   /* what an empty list says */
} boxes[] = {
	{REFER_INBOX, N_("Received"), N_("Referred by"), N_("Nothing has been referred to your unit.")},
	{REFER_OUTBOX, N_("Sent"), N_("Referred to"),
	 N_("Your unit has referred no one yet: F6 in a resident's case file or on a need starts "
	    "a referral.")},
	{REFER_OVERDUE, N_("Overdue"), N_("From -> to"),
	 N_("No referral in your reach is overdue.")},
	{REFER_ALL, N_("All in reach"), N_("From -> to"), N_("No referral in your reach yet.")},
};

static int
box_index(enum refer_box b)
{
	for (size_t i = 0; i < NELEM(boxes); i++)
		if (boxes[i].box == b)
			return (int)i;
	return 0;
}

struct tab {
	enum refer_box box;
	struct refer_row *rows;
	size_t n;
	char **resident;   /* per row: the person's name */
	char **other;      /* per row: the unit it came from or went to */
	int err;
};

struct rlist {
	struct tab tabs[MAXTABS];
	int ntabs, cur;
	struct ui_rows at;   /* in the tab shown: the chosen row, the first shown */
};

static void
tab_clear(struct tab *t)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->resident)
			free(t->resident[i]);
		if (t->other)
			free(t->other[i]);
	}
	free(t->resident);
	free(t->other);
	refer_rows_free(t->rows, t->n);
	t->rows = NULL;
	t->resident = t->other = NULL;
	t->n = 0;
}

static char *
unit_name(struct ui *u, const record *r, const char *field)
{
	const char *v = record_get(r, field);
	return v && *v ? ui_ref_name(u, v) : strdup("?");
}

static void
tab_load(struct ui *u, struct tab *t)
{
	tab_clear(t);
	t->err = refer_list(u->st, u->scope, t->box, u->today, &t->rows, &t->n);
	if (t->err)
		return;
	t->resident = calloc(t->n + 1, sizeof *t->resident);
	t->other = calloc(t->n + 1, sizeof *t->other);
	if (!t->resident || !t->other) {
		t->err = STORE_NOMEM;
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		const record *r = t->rows[i].r;
		const char *res = record_get(r, "resident");
		t->resident[i] = res ? ui_ref_name(u, res) : strdup("?");
		if (t->box == REFER_INBOX) {
			t->other[i] = unit_name(u, r, "village");
		} else if (t->box == REFER_OUTBOX) {
			t->other[i] = unit_name(u, r, "to_unit");
		} else {
			char *from = unit_name(u, r, "village"), *to = unit_name(u, r, "to_unit");
			if (asprintf(&t->other[i], "%s -> %s", from ? from : "?", to ? to : "?") < 0)
				t->other[i] = NULL;
			free(from);
			free(to);
		}
	}
}

static void
rlist_load(struct ui *u, struct rlist *l)
{
	for (int i = 0; i < l->ntabs; i++)
		tab_load(u, &l->tabs[i]);
	struct tab *t = &l->tabs[l->cur];
	if (l->at.sel >= t->n)
		l->at.sel = t->n ? t->n - 1 : 0;
}

/* The columns, fitted to the width: at 80 columns a referral's number
 * shows its end, from 100 the whole. */
enum col { COL_NUMBER, COL_SUBMITTED, COL_DUE, COL_STATE, COL_URGENCY, COL_RESIDENT, COL_OTHER };
static const struct {
	const char *head;
	int narrow, wide;   /* widths below and from 100 columns; 0: what is left */
} columns[] = {
	[COL_NUMBER] = {N_("Referral number"), 9, 25},
	[COL_SUBMITTED] = {N_("Submitted on"), 10, 10},
	[COL_DUE] = {N_("Answer due by"), 10, 10},
	[COL_STATE] = {N_("Status"), 8, 8},
	[COL_URGENCY] = {N_("Urgency"), 4, 8},
	[COL_RESIDENT] = {N_("Resident"), 10, 14},
	[COL_OTHER] = {NULL, 0, 0},
};

static const char *
cell(const struct tab *t, size_t i, enum col c, int width)
{
	const record *r = t->rows[i].r;
	const char *v;
	switch (c) {
	case COL_NUMBER:
		return short_number(r, width);
	case COL_SUBMITTED:
		return (v = record_get(r, "submitted")) ? v : "";
	case COL_DUE:
		return (v = record_get(r, "due")) ? v : "";
	case COL_STATE:
		return referral_state_label(refer_state(r));
	case COL_URGENCY:
		return refer_urgency_label(record_get(r, "urgency"));
	case COL_RESIDENT:
		return t->resident && t->resident[i] ? t->resident[i] : "";
	case COL_OTHER:
		return t->other && t->other[i] ? t->other[i] : "";
	}
	return "";
}

static void
rlist_draw(struct ui *u, struct screen *s)
{
	struct rlist *l = s->data;
	struct tab *t = &l->tabs[l->cur];
	erase();
	ui_title(u, _("Referrals"));
	/* the tabs, the current one marked */
	int x = 1;
	for (int i = 0; i < l->ntabs; i++) {
		char name[128];
		snprintf(name, sizeof name, " %s (%zu) ", _(boxes[box_index(l->tabs[i].box)].tab),
		         l->tabs[i].n);
		int w = text_width(name, strlen(name));
		if (x + w >= u->cols)
			break;
		ui_text(1, x, w, name, i == l->cur ? A_REVERSE | A_BOLD : A_NORMAL);
		x += w + 1;
	}
	if (l->ntabs > 1 && x + 2 < u->cols)
		ui_text(1, x + 1, u->cols - x - 2, _("(Tab or F5: the next list)"), A_DIM);
	/* column heads */
	bool wide = u->cols >= 100;
	int widths[NELEM(columns)], used = 2;
	for (size_t c = 0; c < NELEM(columns); c++) {
		widths[c] = wide ? columns[c].wide : columns[c].narrow;
		/* a head is read whole (紧急程度 over 紧急); the last column,
		 * the units, takes what is left */
		int hw = columns[c].head ? text_width(_(columns[c].head), strlen(_(columns[c].head))) : 0;
		if (widths[c] && hw > widths[c])
			widths[c] = hw;
		used += widths[c] + (widths[c] ? 1 : 0);
	}
	widths[COL_OTHER] = u->cols - used - 1;
	x = 2;
	for (size_t c = 0; c < NELEM(columns); c++) {
		const char *head = columns[c].head ? _(columns[c].head)
		                                   : _(boxes[box_index(t->box)].other);
		ui_text(2, x, widths[c], head, A_BOLD | A_UNDERLINE);
		x += widths[c] + 1;
	}
	int area = u->rows - 7;   /* rows 3 .. rows-5 */
	ui_rows_fit(&l->at, t->n, area);
	bool any_overdue = false;
	for (int i = 0; i < area && l->at.top + (size_t)i < t->n; i++) {
		size_t k = l->at.top + (size_t)i;
		bool over = t->rows[k].overdue;
		any_overdue |= over;
		int attr = (k == l->at.sel ? A_REVERSE : A_NORMAL) | (over ? A_BOLD : 0);
		ui_text(3 + i, 0, 2, over ? "!" : "", attr);
		x = 2;
		for (size_t c = 0; c < NELEM(columns); c++) {
			ui_text(3 + i, x, widths[c] + 1, cell(t, k, (enum col)c, widths[c]), attr);
			x += widths[c] + 1;
		}
	}
	for (size_t k = 0; k < t->n && !any_overdue; k++)
		any_overdue = t->rows[k].overdue;
	if (t->err)
		ui_text(4, 2, u->cols - 4, refer_strerror(t->err), A_BOLD);
	else if (!t->n)
		ui_text(4, 2, u->cols - 4, _(boxes[box_index(t->box)].empty), A_NORMAL);
	if (any_overdue)
		ui_text(u->rows - 4, 1, u->cols - 2,
		        _("! = overdue: no answer by the day it was due"), A_BOLD);
	ui_footer(u, KS_REFLIST);
}

/* The list shown, every row, as a table to print or export: the columns
 * of the screen, the number whole. */
static void
rlist_out(struct ui *u, struct rlist *l, bool print, int format)
{
	static const char *const names[] = {
		[REFER_INBOX] = "referrals-received", [REFER_OUTBOX] = "referrals-sent",
		[REFER_OVERDUE] = "referrals-overdue", [REFER_ALL] = "referrals-all",
	};
	struct tab *t = &l->tabs[l->cur];
	if (t->err) {
		ui_message(u, "%s", refer_strerror(t->err));
		return;
	}
	enum { NC = NELEM(columns) };
	const char *heads[NC];
	for (size_t c = 0; c < NC; c++)
		heads[c] = columns[c].head ? _(columns[c].head) : _(boxes[box_index(t->box)].other);
	const char **cells = calloc(t->n * NC + 1, sizeof *cells);
	rec_id *ids = calloc(t->n + 1, sizeof *ids);
	if (!cells || !ids) {
		free(cells);
		free(ids);
		ui_message(u, "%s", store_strerror(STORE_NOMEM));
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		for (size_t c = 0; c < NC; c++)
			cells[i * NC + c] = cell(t, i, (enum col)c, 1000);
		ids[i] = t->rows[i].r->id;
	}
	char heading[256];
	/* TRANSLATORS: a printed list of referrals: 收到的转介清单 */
	snprintf(heading, sizeof heading, _("Referrals: %s"), _(boxes[box_index(t->box)].tab));
	size_t nover = 0;
	for (size_t i = 0; i < t->n; i++)
		nover += t->rows[i].overdue;
	char filter[256] = "";
	if (nover)
		/* TRANSLATORS: a printed list of referrals: 其中逾期 2 件 */
		snprintf(filter, sizeof filter, _("%zu of them overdue"), nover);
	struct ui_table tb = {.heading = heading, .filter = filter, .name = names[t->box],
	                      .ncols = NC, .nrows = t->n, .heads = heads, .cells = cells,
	                      .ids = ids, .nids = t->n};
	if (print)
		ui_table_print(u, &tb);
	else
		ui_table_export(u, &tb, format);
	free(cells);
	free(ids);
}

static void
rlist_export(struct ui *u, void *data, int format)
{
	rlist_out(u, data, false, format);
}

/* Whether the worker may not start a referral (the message line says
 * why): before they choose or type anything. */
static bool
referral_refused(struct ui *u)
{
	const struct scope *sc = u->scope;
	if (!sc || (sc->role != ROLE_VILLAGE && sc->role != ROLE_TOWNSHIP && sc->role != ROLE_ADMIN)) {
		ui_message(u, "%s", _("Referrals are made by village rooms and stations; your role "
		                      "reads them."));
		return true;
	}
	if (!*sc->above) {
		ui_message(u, "%s", _("There is no unit above yours to refer this to."));
		return true;
	}
	return false;
}

static void
resident_chosen(struct ui *u, void *data, const char *value)
{
	(void)data;
	if (value && *value)
		referral_start(u, value, NULL);
}

static int
rlist_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct rlist *l = s->data;
	struct tab *t = &l->tabs[l->cur];
	size_t page = u->rows > 8 ? (size_t)(u->rows - 7) : 1;
	switch (a) {
	case ACT_BACK:
		return UI_POP;
	case ACT_UP:
	case ACT_DOWN:
	case ACT_PGUP:
	case ACT_PGDN:
	case ACT_HOME:
	case ACT_END:
		return ui_rows_key(&l->at, t->n, a, page);
	case ACT_SWITCH:
		if (l->ntabs < 2) {
			ui_message(u, "%s", _("Your unit has only this list of referrals."));
			return UI_REDRAW;
		}
		l->cur = (l->cur + 1) % l->ntabs;
		l->at.sel = l->at.top = 0;
		u->msg[0] = '\0';
		return UI_REDRAW;
	case ACT_OPEN:
		if (t->n)
			referral_view_open(u, &t->rows[l->at.sel].r->id);
		return UI_REDRAW;
	case ACT_NEW:
		if (referral_refused(u))
			return UI_REDRAW;
		ui_pick_record(u, REC_RESIDENT, _("Refer whom?"), resident_chosen, NULL);
		return UI_REDRAW;
	case ACT_PRINT:
		rlist_out(u, l, true, 0);
		return UI_REDRAW;
	case ACT_EXPORT:
		ui_table_export_ask(u, rlist_export, l);
		return UI_REDRAW;
	default:
		return 0;
	}
}

static void
rlist_resume(struct ui *u, struct screen *s)
{
	/* a step may have moved a referral from one place to another */
	rlist_load(u, s->data);
}

static void
rlist_free(struct screen *s)
{
	struct rlist *l = s->data;
	for (int i = 0; i < l->ntabs; i++)
		tab_clear(&l->tabs[i]);
	free(l);
}

static const struct screen_ops rlist_screen = {
	.scope = KS_REFLIST, .draw = rlist_draw, .key = rlist_key, .free = rlist_free,
	.resume = rlist_resume,
};

/* Which lists a worker has: a village room sends, a station receives
 * and sends further up, a supervisor watches what is overdue. */
static int
lists_for(const struct scope *sc, enum refer_box out[MAXTABS])
{
	int role = sc ? sc->role : ROLE_ADMIN;
	int n = 0;
	switch (role) {
	case ROLE_VILLAGE:
		out[n++] = REFER_OUTBOX;
		break;
	case ROLE_TOWNSHIP:
		out[n++] = REFER_INBOX;
		out[n++] = REFER_OUTBOX;
		break;
	default:
		out[n++] = REFER_OVERDUE;
		out[n++] = REFER_ALL;
		break;
	}
	return n;
}

/* Open the lists at box (0: the worker's first); returns the screen's state. */
static struct rlist *
rlist_open(struct ui *u, enum refer_box box)
{
	if (!u->scope) {
		ui_message(u, "%s", _("Your account is not registered as a worker: ask the "
		                      "administrator to add it."));
		return NULL;
	}
	struct rlist *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	enum refer_box which[MAXTABS];
	l->ntabs = lists_for(u->scope, which);
	for (int i = 0; i < l->ntabs; i++) {
		l->tabs[i].box = which[i];
		if (which[i] == box)
			l->cur = i;
	}
	rlist_load(u, l);
	ui_push(u, &rlist_screen, l);
	return l;
}

static void
referrals_open(struct ui *u)
{
	u->msg[0] = '\0';
	rlist_open(u, 0);
}

/* --- one referral ------------------------------------------------------------- */

/* A row of the view: a label (on the first line of a value) and text. */
struct vline {
	char *label;
	char *text;
	int attr;
	bool wide;   /* from the left edge (the history), not in the value column */
};

struct rview {
	rec_id id;
	record *r;              /* as last read; NULL when it could not be */
	char **hist;
	size_t nhist;
	enum ref_action acts[MAXSTEPS];
	int nacts;
	int side;
	struct vline *lines;
	size_t nlines, cap, top;
	int laid_cols;          /* the width lines were laid out for */
	int labw;               /* the labels' column, as laid out */
	char *who;              /* the person's name */
	/* the step being asked for (reason, outcome, feedback) */
	enum ref_action step;
	uint32_t step_version;  /* the version the worker saw when they chose it */
	enum ref_outcome outcome;
	char *note;
	char *to;               /* escalate: a station chosen, NULL: the unit above */
};

static void
lines_clear(struct rview *v)
{
	for (size_t i = 0; i < v->nlines; i++) {
		free(v->lines[i].label);
		free(v->lines[i].text);
	}
	v->nlines = 0;
}

static void
add_line(struct rview *v, const char *label, const char *text, size_t len, int attr, bool wide)
{
	if (v->nlines == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct vline *nl = realloc(v->lines, cap * sizeof *nl);
		if (!nl)
			return;
		v->lines = nl;
		v->cap = cap;
	}
	struct vline *l = &v->lines[v->nlines];
	l->label = label ? strdup(label) : NULL;
	l->text = strndup(text ? text : "", text ? len : 0);
	l->attr = attr;
	l->wide = wide;
	if (l->text)
		v->nlines++;
	else
		free(l->label);
}

/* text wrapped to cols, its lines kept; the label goes on the first. */
static void
add_wrapped(struct rview *v, const char *label, const char *text, int cols, int attr, bool wide)
{
	bool first = true;
	if (cols < 8)
		cols = 8;
	for (const char *p = text ? text : ""; first || *p;) {
		size_t para = strcspn(p, "\n");
		size_t n = para ? text_fit(p, para, cols, NULL) : 0;
		if (para && n == 0)
			n = para;   /* a character wider than the column: show it anyway */
		add_line(v, first ? label : NULL, p, n, attr, wide);
		first = false;
		p += n;
		if (*p == '\n')
			p++;
		else if (!*p)
			break;
	}
}

static bool
side_may(const struct rview *v, enum ref_action a)
{
	for (int i = 0; i < v->nacts; i++)
		if (v->acts[i] == a)
			return true;
	return false;
}

/* The needs of a referral, one a line (its date, service and
 * description as the need's form shows them, masked where the worker may
 * not see them); a need out of reach or gone shows its id.  malloc'd. */
static char *
needs_text(struct ui *u, const char *list)
{
	char *copy = strdup(list), *save = NULL, *out = NULL;
	size_t len = 0;
	for (char *w = copy ? strtok_r(copy, ", ", &save) : NULL; w; w = strtok_r(NULL, ", ", &save)) {
		rec_id id;
		record *r = NULL;
		char *line = NULL;
		if (rec_id_parse(w, &id) == 0 && search_get(u->st, &id, &r) == STORE_OK) {
			struct form *f = formset_for_record(u->forms, r);
			const struct form_field *sf = f ? form_field(f, "service") : NULL;
			const struct form_field *df = f ? form_field(f, "description") : NULL;
			char *svc = sf ? ui_field_text(u, sf, r) : NULL;
			char *desc = df ? ui_field_text(u, df, r) : NULL;
			const char *date = record_get(r, "date");
			if (asprintf(&line, "%s%s%s%s%s", date ? date : "", date ? " " : "", svc ? svc : "",
			             desc && *desc ? ": " : "", desc ? desc : "") < 0)
				line = NULL;
			free(svc);
			free(desc);
		}
		record_free(r);
		const char *shown = line ? line : w;
		char *grown = realloc(out, len + strlen(shown) + 2);
		if (grown) {
			out = grown;
			len += (size_t)sprintf(out + len, "%s%s", len ? "\n" : "", shown);
		}
		free(line);
	}
	free(copy);
	return out ? out : strdup(list);
}

/* What the view shows, for cols columns. */
static void
layout(struct ui *u, struct rview *v, int cols)
{
	lines_clear(v);
	v->laid_cols = cols;
	v->labw = cols >= 100 ? 22 : 18;
	if (!v->r)
		return;
	/* the labels' column as wide as the longest label shown, up to a
	 * third of the screen (已记录居民的知情同意 whole at 80 columns) */
	int labw = cols >= 100 ? 22 : 18;
	struct form *f = referral_form(u);
	for (size_t i = 0; f && i < f->nfields; i++) {
		const char *raw = record_get(v->r, f->fields[i].name);
		const char *l = _(f->fields[i].label);
		int w = text_width(l, strlen(l));
		if (raw && *raw && w > labw)
			labw = w < cols / 3 ? w : cols / 3;
	}
	v->labw = labw;
	int textw = cols - labw - 4;
	for (size_t i = 0; f && i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		const char *raw = record_get(v->r, fd->name);
		if (!raw || !*raw)
			continue;
		char *shown = ui_field_text(u, fd, v->r);
		int attr = A_NORMAL;
		char *extra = NULL;
		/* a note keeps its lines on the screen */
		if (fd->type == FT_NOTE && scope_may_see_sensitive(u->scope)) {
			free(shown);
			shown = strdup(raw);
		}
		if (strcmp(fd->name, "needs") == 0) {
			/* the needs by what they say, not by their ids */
			free(shown);
			shown = needs_text(u, raw);
		}
		if (strcmp(fd->name, "due") == 0 &&
		    referral_overdue(refer_state(v->r), raw, u->today)) {
			attr = A_BOLD;
			if (asprintf(&extra, "%s  %s", raw, _("(overdue: no answer yet)")) < 0)
				extra = NULL;
		}
		add_wrapped(v, _(fd->label), extra ? extra : shown ? shown : raw, textw, attr, false);
		free(extra);
		free(shown);
	}
	add_line(v, NULL, "", 0, A_NORMAL, false);
	add_line(v, _("History"), "", 0, A_BOLD, false);
	for (size_t i = 0; i < v->nhist; i++)
		add_wrapped(v, NULL, v->hist[i], cols - 6, A_NORMAL, true);
	add_line(v, NULL, "", 0, A_NORMAL, false);
	if (v->nacts) {
		char steps[512] = "";
		size_t n = 0;
		for (int i = 0; i < v->nacts && n < sizeof steps; i++)
			n += (size_t)snprintf(steps + n, sizeof steps - n, "%s%s", n ? "  " : "",
			                      referral_action_label(v->acts[i]));
		add_wrapped(v, _("You may now"), steps, textw, A_BOLD, false);
	} else {
		add_wrapped(v, _("You may now"),
		            refer_side(u->scope, v->r)
		                ? _("nothing: no step is open to your unit in this state")
		                : _("read it: only the unit that sent it and the one it was sent to "
		                    "take its steps"),
		            textw, A_NORMAL, false);
	}
}

static void
view_load(struct ui *u, struct rview *v)
{
	record *r = read_referral(u, &v->id);
	if (r) {
		record_free(v->r);
		v->r = r;
	}
	for (size_t i = 0; i < v->nhist; i++)
		free(v->hist[i]);
	free(v->hist);
	v->hist = NULL;
	v->nhist = 0;
	v->nacts = 0;
	v->side = 0;
	if (v->r) {
		v->hist = refer_history(u->st, v->r, &v->nhist);
		if (!v->hist)
			v->nhist = 0;
		v->nacts = refer_actions(u->scope, v->r, v->acts, MAXSTEPS);
		v->side = refer_side(u->scope, v->r);
		const char *res = record_get(v->r, "resident");
		free(v->who);
		v->who = res ? ui_ref_name(u, res) : NULL;
	}
	layout(u, v, u->cols);
}

/* Each step's key, the question that names it before anything is
 * written (no step can be undone), and what it asks next.  The question
 * comes first, so that "no" loses nothing typed.  other: the field naming
 * the unit on the other side (NULL: the unit above the worker's). */
enum ask { ASK_NONE, ASK_REASON, ASK_OUTCOME };
static const struct step {
	enum action key;
	enum ref_action a;
	enum ask ask;
	const char *confirm;    /* the referral %1$s, the other unit %2$s */
	const char *other;
	const char *question;   /* the reason asked for */
} steps[] = {
	{ACT_REF_SUBMIT, REFA_SUBMIT, ASK_NONE, N_("Submit referral %1$s to %2$s?"), "to_unit", NULL},
	{ACT_REF_ACCEPT, REFA_ACCEPT, ASK_NONE, N_("Accept referral %1$s from %2$s?"), "village",
	 NULL},
	{ACT_REF_RETURN, REFA_RETURN, ASK_REASON,
	 N_("Return referral %1$s to %2$s? You say why next."), "village",
	 N_("Why is it returned? The village reads this and can mend the referral.")},
	{ACT_REF_START, REFA_START, ASK_NONE, N_("Start work on referral %1$s from %2$s?"),
	 "village", NULL},
	{ACT_REF_RESOLVE, REFA_RESOLVE, ASK_OUTCOME,
	 N_("Resolve referral %1$s and send the outcome to %2$s? You choose the outcome next."),
	 "village", NULL},
	{ACT_REF_CLOSE, REFA_CLOSE, ASK_NONE,
	 N_("Close referral %1$s (sent to %2$s)? Close it once the village has followed up the "
	    "feedback."),
	 "to_unit", NULL},
	{ACT_REF_WITHDRAW, REFA_WITHDRAW, ASK_NONE,
	 N_("Withdraw referral %1$s from %2$s? It will no longer be open there."), "to_unit", NULL},
	{ACT_REF_ESCALATE, REFA_ESCALATE, ASK_REASON,
	 N_("Refer %1$s further up to %2$s? You say why next."), NULL,
	 N_("Why is it referred further up? The unit above reads this.")},
};

static const struct step *
step_for_key(enum action a)
{
	for (size_t i = 0; i < NELEM(steps); i++)
		if (steps[i].key == a)
			return &steps[i];
	return NULL;
}

/* The key's binding for action a on a referral's screens, or NULL. */
static const struct key_binding *
step_binding(enum action a)
{
	for (const struct key_binding *b = keys_table(); b->action != ACT_NONE; b++)
		if (b->action == a && (b->scope & (KS_REFSEND | KS_REFRECV)) && b->fkey)
			return b;
	return NULL;
}

/* One key serves steps that never are open together (F11: accept, then
 * start; the key map's "take on"): the step of st's key that is open now,
 * or st itself when none is, which is then refused with the reason. */
static const struct step *
step_same_key(const struct rview *v, const struct step *st)
{
	const struct key_binding *b = step_binding(st->key);
	for (size_t i = 0; b && i < NELEM(steps); i++) {
		const struct key_binding *o = step_binding(steps[i].key);
		if (&steps[i] != st && o && o->fkey == b->fkey && (o->scope & b->scope) &&
		    side_may(v, steps[i].a))
			return &steps[i];
	}
	return st;
}

/* Take the step chosen, with what was asked; a refusal leaves all as it
 * was and says why. */
static void
take_step(struct ui *u, struct rview *v, const char *feedback)
{
	char why[512] = "";
	rec_id child = {0, 0, 0};
	struct refer_act_in in = {v->note, v->outcome, feedback, v->step_version, NULL};
	int err = refer_act_to(u->st, u->scope, &v->id, v->step, &in, v->to, &child, why, sizeof why);
	free(v->note);
	v->note = NULL;
	free(v->to);
	v->to = NULL;
	if (err) {
		ui_message(u, "%s", *why ? why : refer_strerror(err));
		return;
	}
	enum ref_action done = v->step;
	view_load(u, v);
	if (done == REFA_ESCALATE && child.seq) {
		char idbuf[REC_ID_TEXTMAX];
		record *c = read_referral(u, &child);
		const char *num = c ? record_get(c, "number") : NULL;
		ui_message(u, _("Referred further up as %s."), num ? num : rec_id_format(&child, idbuf));
		record_free(c);
	} else if (done == REFA_SUBMIT) {
		const char *due = v->r ? record_get(v->r, "due") : NULL;
		ui_message(u, _("Submitted: the answer is due by %s."), due ? due : "?");
	} else {
		ui_message(u, _("Done: %s."), referral_action_label(done));
	}
}

static void
feedback_given(struct ui *u, void *data, const char *text)
{
	struct rview *v = data;
	if (!text) {
		free(v->note);
		v->note = NULL;
		ui_message(u, "%s", _("Nothing was changed."));
		return;
	}
	take_step(u, v, text);
}

static void
ask_feedback(struct ui *u, struct rview *v)
{
	ui_prompt(u, _("Feedback for the village: what was done, and what happens next."), "",
	          feedback_given, v);
}

static void
dest_chosen(struct ui *u, void *data, const char *value)
{
	struct rview *v = data;
	if (!value) {
		free(v->note);
		v->note = NULL;
		ui_message(u, "%s", _("Nothing was changed."));
		return;
	}
	free(v->to);
	v->to = u->scope && strcmp(value, u->scope->above) == 0 ? NULL : strdup(value);
	take_step(u, v, NULL);
}

struct any_station {
	const char *from, *category;
	size_t n;
};

static int
any_station_txn(store_txn *t, void *ctx)
{
	struct any_station *as = ctx;
	struct route_station *v = NULL;
	int err = route_stations(t, as->from, as->category, &v, &as->n);
	route_stations_free(v, as->n);
	return err;
}

/* Escalating a referral whose category some station in reach takes: the
 * worker chooses between the unit above and those stations. */
static bool
ask_destination(struct ui *u, struct rview *v)
{
	const char *cat = v->r ? record_get(v->r, "category") : NULL;
	if (!u->scope || !cat || !*cat)
		return false;
	struct any_station as = {u->scope->unit_code, cat, 0};
	if (store_read(u->st, any_station_txn, &as) != STORE_OK || !as.n)
		return false;
	ui_pick_destination(u, _("Refer to: a unit above, or a station taking the category"), cat,
	                    u->scope->above, dest_chosen, v);
	return true;
}

static void
reason_given(struct ui *u, void *data, const char *text)
{
	struct rview *v = data;
	if (!text) {
		ui_message(u, "%s", _("Nothing was changed."));
		return;
	}
	free(v->note);
	v->note = strdup(text);
	if (v->step == REFA_RESOLVE)
		ask_feedback(u, v);
	else if (v->step != REFA_ESCALATE || !ask_destination(u, v))
		take_step(u, v, NULL);
}

static void
outcome_chosen(struct ui *u, void *data, const char *value)
{
	struct rview *v = data;
	enum ref_outcome o = value ? referral_outcome_from_name(value) : 0;
	if (!o) {
		ui_message(u, "%s", _("Nothing was changed."));
		return;
	}
	v->outcome = o;
	free(v->note);
	v->note = NULL;
	if (o == REFO_SUCCESS)
		ask_feedback(u, v);
	else
		ui_prompt(u, _("Why was it not successful?"), "", reason_given, v);
}

/* The worker said yes to the step named: ask what it needs, or take it. */
static void
step_confirmed(struct ui *u, void *data, bool yes)
{
	struct rview *v = data;
	const struct step *st = NULL;
	for (size_t i = 0; i < NELEM(steps); i++)
		if (steps[i].a == v->step)
			st = &steps[i];
	if (!yes || !st) {
		ui_message(u, "%s", _("Nothing was changed."));
		return;
	}
	switch (st->ask) {
	case ASK_NONE:
		take_step(u, v, NULL);
		break;
	case ASK_REASON:
		ui_prompt(u, _(st->question), "", reason_given, v);
		break;
	case ASK_OUTCOME: {
		struct form *f = referral_form(u);
		const struct form_field *fd = f ? form_field(f, "outcome") : NULL;
		if (!fd || !fd->choices) {
			ui_message(u, "%s", _("The referral form has no outcome list: check the forms "
			                      "folder (shegong check-forms)."));
			break;
		}
		ui_pick_choice(u, fd, NULL, outcome_chosen, v);
		break;
	}
	}
}

/* The question naming the step, the referral (its number and person, or
 * the person alone before its first submission) and the other unit. */
static void
ask_step(struct ui *u, struct rview *v, const struct step *st)
{
	const char *num = record_get(v->r, "number");
	char *label = NULL, *other = NULL, *q = NULL;
	if (num && *num) {
		if (asprintf(&label, _("%s (%s)"), num, v->who ? v->who : "?") < 0)
			label = NULL;
	} else if (asprintf(&label, _("(%s, no number yet)"), v->who ? v->who : "?") < 0) {
		label = NULL;
	}
	if (st->other)
		other = unit_name(u, v->r, st->other);
	else
		other = u->scope && *u->scope->above ? ui_ref_name(u, u->scope->above)
		                                     : strdup(_("the unit above"));
	if (label && other && asprintf(&q, _(st->confirm), label, other) < 0)
		q = NULL;
	if (q)
		ui_ask(u, q, step_confirmed, v);
	else
		ui_message(u, "%s", store_strerror(STORE_NOMEM));
	free(q);
	free(label);
	free(other);
}

static int
begin_step(struct ui *u, struct rview *v, const struct step *st)
{
	if (!v->r)
		return UI_REDRAW;
	if (!side_may(v, st->a)) {
		/* the key is not on the bar; say why rather than do nothing */
		ui_message(u, "%s", !v->side ? refer_strerror(REFER_ERR_NOSIDE)
		                             : referral_strerror(REF_ERR_STATE));
		return UI_REDRAW;
	}
	v->step = st->a;
	v->step_version = v->r->version;
	v->outcome = 0;
	free(v->note);
	v->note = NULL;
	free(v->to);
	v->to = NULL;
	u->msg[0] = '\0';
	ask_step(u, v, st);
	return UI_REDRAW;
}

static const struct screen_ops view_read, view_send, view_recv;

static void
view_draw(struct ui *u, struct screen *s)
{
	struct rview *v = s->data;
	/* the keys follow the worker's side on this referral */
	s->ops = v->side == REF_SENDER ? &view_send : v->side == REF_RECEIVER ? &view_recv : &view_read;
	if (v->laid_cols != u->cols)
		layout(u, v, u->cols);
	erase();
	char title[256];
	const char *num = v->r ? record_get(v->r, "number") : NULL;
	snprintf(title, sizeof title, "%s %s  %s  [%s]", _("Referral"),
	         num && *num ? num : _("(not submitted)"), v->who ? v->who : "",
	         v->r ? referral_state_label(refer_state(v->r)) : "?");
	ui_title(u, title);
	int labw = v->labw;
	int area = u->rows - 6;   /* rows 2 .. rows-5 */
	if (v->nlines > (size_t)area && v->top > v->nlines - (size_t)area)
		v->top = v->nlines - (size_t)area;
	for (int i = 0; i < area && v->top + (size_t)i < v->nlines; i++) {
		const struct vline *l = &v->lines[v->top + (size_t)i];
		if (l->label) {
			ui_text(2 + i, 1, labw, l->label, A_BOLD);
			ui_text(2 + i, labw + 2, u->cols - labw - 3, l->text, l->attr);
		} else if (l->wide) {
			ui_text(2 + i, 3, u->cols - 4, l->text, l->attr);
		} else {
			ui_text(2 + i, labw + 2, u->cols - labw - 3, l->text, l->attr);
		}
	}
	if (v->nlines > (size_t)area)
		ui_text(u->rows - 4, 1, u->cols - 2, _("Up/Down, PgUp/PgDn: the rest of the referral"),
		        A_DIM);
	/* the steps not open now are left off the bar */
	unsigned long long hide = 0;
	for (size_t i = 0; i < NELEM(steps); i++)
		if (!side_may(v, steps[i].a))
			hide |= 1ULL << steps[i].key;
	if (!v->r || !refer_editable(u->scope, v->r))
		hide |= 1ULL << ACT_EDIT;
	ui_footer_hiding(u, s->ops->scope, hide);
}

static int
view_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct rview *v = s->data;
	size_t page = u->rows > 8 ? (size_t)(u->rows - 7) : 1;
	const struct step *st = step_for_key(a);
	if (st && v->r && !side_may(v, st->a))
		st = step_same_key(v, st);
	if (st)
		return begin_step(u, v, st);
	switch (a) {
	case ACT_BACK:
		return UI_POP;
	case ACT_UP:
		if (v->top)
			v->top--;
		return UI_REDRAW;
	case ACT_DOWN:
		if (v->top + 1 < v->nlines)
			v->top++;
		return UI_REDRAW;
	case ACT_PGUP:
		v->top = v->top > page ? v->top - page : 0;
		return UI_REDRAW;
	case ACT_PGDN:
		if (v->top + page < v->nlines)
			v->top += page;
		return UI_REDRAW;
	case ACT_HOME:
		v->top = 0;
		return UI_REDRAW;
	case ACT_END:
		v->top = v->nlines;
		return UI_REDRAW;
	case ACT_EDIT: {
		struct form *f = referral_form(u);
		if (!v->r || !f)
			return UI_REDRAW;
		if (!refer_editable(u->scope, v->r)) {
			ui_message(u, "%s", _("A referral can be changed only while it is a draft or after "
			                      "it came back returned, by the room that sent it."));
			return UI_REDRAW;
		}
		record *copy = record_dup(v->r);
		if (copy)
			ui_open(u, "form", &(struct ui_args){.form = f, .r = copy, .editing = true});
		return UI_REDRAW;
	}
	case ACT_SLIP:
	case ACT_PRINT: {
		if (!v->r)
			return UI_REDRAW;
		char *text = refer_slip(u->st, v->r);
		/* a slip hands personal data out: logged first, as the command line
		 * does (a print is logged by the dialog) */
		int err = !text ? STORE_NOMEM
		          : a == ACT_SLIP ? audit_log_now(u->st, "export", &v->id, "referral slip") : 0;
		if (err) {
			free(text);
			ui_message(u, "%s", store_strerror(err));
			return UI_REDRAW;
		}
		if (a == ACT_SLIP) {
			ui_show_doc(u, _("Referral slip (转介单)"), text, "slip", &v->id);
			ui_message(u, "%s", _("To print it: press p."));
		} else
			ui_open(u, "print", &(struct ui_args){.text = text, .doc = "slip", .id = &v->id,
			                                      .title = _("Referral slip (转介单)")});
		free(text);
		return UI_REDRAW;
	}
	default:
		return 0;
	}
}

static void
view_resume(struct ui *u, struct screen *s)
{
	view_load(u, s->data);
}

static void
view_free(struct screen *s)
{
	struct rview *v = s->data;
	lines_clear(v);
	free(v->lines);
	for (size_t i = 0; i < v->nhist; i++)
		free(v->hist[i]);
	free(v->hist);
	free(v->note);
	free(v->to);
	free(v->who);
	record_free(v->r);
	free(v);
}

static const struct screen_ops view_read = {
	.scope = KS_REFVIEW, .draw = view_draw, .key = view_key, .free = view_free,
	.resume = view_resume,
};
static const struct screen_ops view_send = {
	.scope = KS_REFVIEW | KS_REFSEND, .draw = view_draw, .key = view_key, .free = view_free,
	.resume = view_resume,
};
static const struct screen_ops view_recv = {
	.scope = KS_REFVIEW | KS_REFRECV, .draw = view_draw, .key = view_key, .free = view_free,
	.resume = view_resume,
};

static void
referral_view_open(struct ui *u, const rec_id *id)
{
	struct rview *v = calloc(1, sizeof *v);
	if (!v)
		return;
	v->id = *id;
	view_load(u, v);
	if (!v->r) {
		view_free(&(struct screen){NULL, NULL, v});
		return;
	}
	ui_push(u, v->side == REF_SENDER ? &view_send : v->side == REF_RECEIVER ? &view_recv : &view_read,
	        v);
}

/* --- starting and saving --------------------------------------------------------- */

static void
referral_start(struct ui *u, const char *resident, const char *need)
{
	if (referral_refused(u))
		return;
	char res[REC_ID_TEXTMAX + 16], nd[REC_ID_TEXTMAX + 16], to[REC_ID_TEXTMAX + 16];
	snprintf(res, sizeof res, "resident=%s", resident);
	snprintf(nd, sizeof nd, "needs=%s", need ? need : "");
	snprintf(to, sizeof to, "to_unit=%s", u->scope->above);
	const char *pre[4] = {res, to, NULL, NULL};
	if (need && *need)
		pre[2] = nd;
	/* what the form carries from the person (their phone to reach them) */
	rec_id rid;
	record *person = NULL;
	if (rec_id_parse(resident, &rid) == 0)
		search_get(u->st, &rid, &person);
	ui_open(u, "new-record",
	        &(struct ui_args){.kind = REC_REFERRAL, .prefill = pre, .from = person});
	record_free(person);
}

/* Split a comma-separated list in place; returns how many. */
static size_t
split_list(char *s, const char **out, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *w = s ? strtok_r(s, ", ", &save) : NULL; w && n < max;
	     w = strtok_r(NULL, ", ", &save))
		out[n++] = w;
	return n;
}

static int
referral_form_save(struct ui *u, const record *r, rec_id *saved)
{
	const char *needs_v = record_get(r, "needs");
	char *needs_copy = needs_v ? strdup(needs_v) : NULL;
	const char *needs[64];
	size_t nneeds = split_list(needs_copy, needs, NELEM(needs));
	const char *consent = record_get(r, "consent");
	struct refer_new in = {
		record_get(r, "resident"), nneeds ? needs : NULL, nneeds, record_get(r, "category"),
		record_get(r, "urgency"), record_get(r, "reason"), record_get(r, "done"),
		record_get(r, "contact"), consent && strcmp(consent, "yes") == 0,
		record_get(r, "to_unit"), NULL,
	};
	char why[512] = "";
	rec_id id = r->id;
	bool fresh = r->version == 0;
	int err;
	if (!u->scope)
		err = REFER_ERR_NOSIDE;
	else if (fresh)
		err = refer_create(u->st, u->scope, &in, false, &id, why, sizeof why);
	else
		err = refer_update(u->st, u->scope, &r->id, &in, r->version, why, sizeof why);
	free(needs_copy);
	if (err) {
		/* the editor stays, with what was typed */
		ui_message(u, "%s", *why ? why : refer_strerror(err));
		return UI_REDRAW;
	}
	store_draft_del(u->st, u->login);
	*saved = id;
	ui_message(u, "%s", fresh ? _("Saved as a draft: check it, then F6 submits it.") : _("Saved."));
	return UI_POP;   /* taken: the editor closes */
}

/* --- what is new ------------------------------------------------------------------ */

struct news {
	struct refer_news nw;
	char **lines;
	struct ui_rows at;
};

/* Which list a row of the news belongs to. */
static enum refer_box
news_box(struct ui *u, const record *r)
{
	const char *to = record_get(r, "to_unit");
	return refer_state(r) == REF_SUBMITTED && to && u->scope && strcmp(to, u->scope->unit) == 0
	           ? REFER_INBOX
	           : REFER_OUTBOX;
}

static char *
news_line(struct ui *u, const record *r)
{
	const char *kind;
	enum ref_state s = refer_state(r);
	if (news_box(u, r) == REFER_INBOX)
		kind = _("Incoming");
	else if (s == REF_RETURNED)
		kind = _("Returned");
	else
		kind = _("Feedback");
	const char *res = record_get(r, "resident");
	char *who = res ? ui_ref_name(u, res) : NULL;
	char *from = unit_name(u, r, news_box(u, r) == REFER_INBOX ? "village" : "to_unit");
	char *line = NULL;
	if (asprintf(&line, "[%s] %s  %s  %s  %s", kind, short_number(r, 9), who ? who : "?",
	             from ? from : "?", refer_urgency_label(record_get(r, "urgency"))) < 0)
		line = NULL;
	free(who);
	free(from);
	return line;
}

static void
news_draw(struct ui *u, struct screen *s)
{
	struct news *n = s->data;
	/* under the home menu and what its entry is for, which stay in sight */
	int w = u->cols > 100 ? 96 : u->cols - 4, x = 2, y = u->free_row > 0 ? u->free_row : 4;
	int rows = u->rows - 4 - y - 3;
	if (rows > (int)n->nw.n)
		rows = (int)n->nw.n;
	if (rows < 1)
		rows = 1;
	ui_text(y, x, w, _(" What is new since you last looked"), A_REVERSE | A_BOLD);
	char counts[256];
	snprintf(counts, sizeof counts, _(" Referred to you: %zu   Returned to you: %zu   Feedback: %zu"),
	         n->nw.incoming, n->nw.returned, n->nw.feedback);
	ui_text(y + 1, x, w, counts, A_REVERSE);
	ui_rows_fit(&n->at, n->nw.n, rows);
	for (int i = 0; i < rows; i++) {
		size_t k = n->at.top + (size_t)i;
		char line[512];
		snprintf(line, sizeof line, " %s", k < n->nw.n && n->lines && n->lines[k] ? n->lines[k] : "");
		ui_text(y + 2 + i, x, w, line, k == n->at.sel ? A_BOLD | A_UNDERLINE : A_REVERSE);
	}
	ui_text(y + 2 + rows, x, w, _(" Enter: open it   Esc: close   (or go on with the menu)"), A_REVERSE);
}

static int
news_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct news *n = s->data;
	switch (a) {
	case ACT_BACK:
		return UI_POP;
	case ACT_UP:
	case ACT_DOWN:
		return ui_rows_key(&n->at, n->nw.n, a, 0);
	case ACT_OPEN: {
		if (!n->nw.n)
			return UI_POP;
		rec_id id = n->nw.rows[n->at.sel].r->id;
		enum refer_box box = news_box(u, n->nw.rows[n->at.sel].r);
		ui_pop(u);   /* this box, n with it */
		/* the list it is in, and the referral over it */
		struct rlist *l = rlist_open(u, box);
		if (l) {
			struct tab *t = &l->tabs[l->cur];
			for (size_t i = 0; i < t->n; i++)
				if (rec_id_equal(&t->rows[i].r->id, &id))
					l->at.sel = i;
		}
		referral_view_open(u, &id);
		return UI_REDRAW;
	}
	default:
		/* the box only tells: any other key closes it and does what it
		 * does on the screen below (a menu digit, F10 to leave) */
		return a == ACT_NONE ? UI_PASS : 0;
	}
}

static void
news_free(struct screen *s)
{
	struct news *n = s->data;
	for (size_t i = 0; n->lines && i < n->nw.n; i++)
		free(n->lines[i]);
	free(n->lines);
	refer_news_free(&n->nw);
	free(n);
}

static const struct screen_ops news_screen = {
	.scope = KS_NEWS, .draw = news_draw, .key = news_key, .free = news_free, .overlay = true,
};

static void
referral_news_show(struct ui *u)
{
	if (!u->scope)
		return;
	struct refer_news peek;
	if (refer_news(u->st, u->scope, false, &peek) != 0)
		return;
	size_t any = peek.n;
	refer_news_free(&peek);
	if (!any)
		return;   /* nothing to show: nothing marked seen */
	struct news *n = calloc(1, sizeof *n);
	if (!n)
		return;
	/* read and marked seen in one transaction: what is shown is exactly
	 * what counts as seen */
	if (refer_news(u->st, u->scope, true, &n->nw) != 0 || !n->nw.n) {
		refer_news_free(&n->nw);
		free(n);
		return;
	}
	n->lines = calloc(n->nw.n, sizeof *n->lines);
	for (size_t i = 0; n->lines && i < n->nw.n; i++)
		n->lines[i] = news_line(u, n->nw.rows[i].r);
	ui_push(u, &news_screen, n);
}

int
ui_referral_lists(struct ui *u, const struct ui_args *a)
{
	(void)a;
	referrals_open(u);
	return UI_REDRAW;
}

int
ui_referral_view(struct ui *u, const struct ui_args *a)
{
	if (a->id)
		referral_view_open(u, a->id);
	return UI_REDRAW;
}

int
ui_referral_start(struct ui *u, const struct ui_args *a)
{
	if (a->resident)
		referral_start(u, a->resident, a->need);
	return UI_REDRAW;
}

int
ui_referral_save(struct ui *u, const struct ui_args *a)
{
	return a->record && a->saved ? referral_form_save(u, a->record, a->saved) : 0;
}

int
ui_referral_news(struct ui *u, const struct ui_args *a)
{
	(void)a;
	referral_news_show(u);
	return UI_REDRAW;
}
