/* ui-form.c: one record on the screen, to read or to edit, for any form:
 * moving between fields, editing text by characters and columns, picking
 * choices, checking each value as the worker leaves it, saving, and
 * keeping a draft so that a dropped link loses nothing. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "edit.h"
#include "i18n.h"
#include "print.h"
#include "text.h"
#include "kind.h"
#include "search.h"
#include "shown.h"
#include "ui.h"

struct fstate;
static struct fstate *form_open(struct ui *u, struct form *f, record *r, bool editing);

#define DRAFT_EVERY 5   /* seconds between drafts while typing */
#define MAXROWS 256

struct fstate {
	struct form *f;
	record *r;
	bool editing, changed, draft_dirty;
	bool back;                 /* a new record: closes once saved (ui_args.back) */
	size_t cur;                /* index into the shown rows */
	int top;                   /* first shown row on the screen */
	struct edit ed;            /* the current field's text, while editing */
	bool ed_live;              /* ed holds a field being typed into */
	time_t last_draft;
	/* the draft: this form's claim on the login's draft, the form as
	 * last written there (or as it opened: nothing is written until it
	 * changes), and whether another session has taken it over since */
	struct store_draft_mark mark;
	unsigned char *drafted;
	size_t drafted_len;
	bool superseded;
	char summary[256];         /* what adds up for this record (hours, what is left) */
	char *void_reason;         /* F8: why the worker voids it, between asking and yes */
	struct form_field asked;   /* a yes/no field as a list of two, or a group
	                            * field as its village's list, while it shows */
	struct ui *u;
	/* the rows shown: a form field, or (field == NULL) a kept old field */
	size_t nrows;
	const struct form_field *rows[MAXROWS];
	const char *extra[MAXROWS];
};

static void sum_up(struct ui *u, struct fstate *fs);

/* Which fields show, in form order: relevant ones, then old fields. */
static void
layout(struct fstate *fs)
{
	fs->nrows = 0;
	for (size_t i = 0; i < fs->f->nfields && fs->nrows < MAXROWS; i++) {
		const struct form_field *fd = &fs->f->fields[i];
		if (!form_relevant(fd, fs->r))
			continue;
		fs->rows[fs->nrows] = fd;
		fs->extra[fs->nrows++] = NULL;
	}
	const char *names[64];
	size_t n = form_extra_fields(fs->f, fs->r, names, 64);
	for (size_t i = 0; i < n && i < 64 && fs->nrows < MAXROWS; i++) {
		fs->rows[fs->nrows] = NULL;
		fs->extra[fs->nrows++] = names[i];
	}
	if (fs->cur >= fs->nrows)
		fs->cur = fs->nrows ? fs->nrows - 1 : 0;
}

static const struct form_field *
cur_field(struct fstate *fs)
{
	return fs->nrows ? fs->rows[fs->cur] : NULL;
}

/* The choices of a field whose list follows the village chosen (组):
 * NULL when it has none or the village has no list (then it is typed). */
static const struct form_choices *
list_by_unit(struct fstate *fs, const struct form_field *fd)
{
	const char *by = fd && fd->choices_by ? record_get(fs->r, fd->choices_by) : NULL;
	if (!by || !*by)
		return NULL;
	char *code = ui_ref_field(fs->u, by, "code");
	const struct form_choices *c = form_choices_by(fs->f, fs->u->forms, fd, code);
	free(code);
	return c;
}

static bool
typed_into(struct fstate *fs, const struct form_field *fd)
{
	static const enum field_type typed[] = {
		FT_TEXT, FT_NOTE, FT_INTEGER, FT_DECIMAL, FT_DATE, FT_IDNUM, FT_PHONE,
	};
	if (!fd || fd->readonly || list_by_unit(fs, fd))
		return false;
	for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++)
		if (fd->type == typed[i])
			return true;
	return false;
}

/* Start typing into the current field. */
static void
enter_field(struct fstate *fs)
{
	const struct form_field *fd = cur_field(fs);
	fs->ed_live = fs->editing && typed_into(fs, fd);
	if (fs->ed_live) {
		const char *v = record_get(fs->r, fd->name);
		edit_set(&fs->ed, v ? v : "");
	}
}

/* Leave the current field: check what was typed and keep it.  A value
 * that breaks a rule is kept as typed (nothing typed is lost) and the
 * message says what is wrong; saving refuses until it is mended. */
static void
leave_field(struct ui *u, struct fstate *fs)
{
	const struct form_field *fd = cur_field(fs);
	if (!fs->ed_live || !fd)
		return;
	fs->ed_live = false;
	const char *old = record_get(fs->r, fd->name);
	char *was = old ? strdup(old) : NULL;
	if (strcmp(old ? old : "", fs->ed.buf) != 0) {
		fs->changed = fs->draft_dirty = true;
	}
	char *norm = NULL, buf[256];
	const char *why = form_check_value(fd, fs->ed.buf, &norm, buf, sizeof buf);
	if (why) {
		record_set(fs->r, fd->name, fs->ed.buf);
		ui_message(u, "%s: %s", _(fd->label), why);
	} else {
		record_set(fs->r, fd->name, norm);
		u->msg[0] = '\0';
	}
	free(norm);
	/* sex and birth date read from an ID number as it is typed */
	if (fd->type == FT_IDNUM && !why && form_fill_from_id(fs->f, fs->r, was) > 0) {
		fs->changed = fs->draft_dirty = true;
		ui_message(u, "%s", _("Filled from the ID number: check the sex and birth date."));
	}
	free(was);
	layout(fs);  /* a value may show or hide other fields */
}

/* Whether Tab and Down pass over the row: an old field, or one there is
 * nothing to type into (calculated, read-only, the village's worker's own
 * village and name). */
static bool
row_fixed(struct ui *u, struct fstate *fs, size_t row)
{
	const struct form_field *fd = fs->rows[row];
	struct form_env env = ui_form_env(u);
	return !fd || form_field_fixed(fd, fs->r, &env);
}

/* The next row to stop on from row, by step (+1/-1), passing fixed ones;
 * row itself when there is none. */
static size_t
next_open_row(struct ui *u, struct fstate *fs, size_t row, int step)
{
	for (size_t k = row; step > 0 ? k + 1 < fs->nrows : k > 0;) {
		k = step > 0 ? k + 1 : k - 1;
		if (!row_fixed(u, fs, k))
			return k;
	}
	return row;
}

static void
move_to(struct ui *u, struct fstate *fs, size_t to)
{
	leave_field(u, fs);
	layout(fs);
	if (to < fs->nrows)
		fs->cur = to;
	enter_field(fs);
}

/* --- drafts ------------------------------------------------------------------- */

/* The form as a draft holds it: the record, with what is in the edit
 * box as typed.  malloc'd; NULL when out of memory. */
static unsigned char *
draft_record(struct fstate *fs, size_t *len)
{
	record *copy = record_dup(fs->r);
	const struct form_field *fd = cur_field(fs);
	if (!copy)
		return NULL;
	if (fs->ed_live && fd)
		record_set(copy, fd->name, fs->ed.buf);
	unsigned char *enc = record_encode(copy, len);
	record_free(copy);
	return enc;
}

/* What the form holds now counts as kept: a draft is written only when
 * it changes from here. */
static void
draft_baseline(struct fstate *fs)
{
	free(fs->drafted);
	fs->drafted = draft_record(fs, &fs->drafted_len);
	fs->draft_dirty = false;
}

/* form name NUL id-text NUL field-index NUL record-encoding; written
 * only when the record differs from the last one written (or the one the
 * form opened with), and never once another session took the draft back
 * or threw it away (the store refuses it: the generation moved on). */
static void
save_draft(struct ui *u, struct fstate *fs)
{
	fs->last_draft = time(NULL);
	size_t elen;
	unsigned char *enc = draft_record(fs, &elen);
	if (!enc)
		return;
	if (fs->drafted && elen == fs->drafted_len && memcmp(enc, fs->drafted, elen) == 0) {
		free(enc);
		fs->draft_dirty = false;
		return;
	}
	char head[160], idbuf[REC_ID_TEXTMAX];
	int hl = snprintf(head, sizeof head, "%s%c%s%c%zu%c", fs->f->name, 0,
	                  fs->r->id.seq ? rec_id_format(&fs->r->id, idbuf) : "", 0, fs->cur, 0);
	unsigned char *buf = hl > 0 ? malloc((size_t)hl + elen) : NULL;
	if (buf) {
		memcpy(buf, head, (size_t)hl);
		memcpy(buf + hl, enc, elen);
		int err = store_draft_put(u->st, u->login, &fs->mark, buf, (size_t)hl + elen);
		if (err == STORE_OK) {
			free(fs->drafted);
			fs->drafted = enc;
			fs->drafted_len = elen;
			enc = NULL;
			fs->draft_dirty = false;
		} else if (err == STORE_CONFLICT) {
			fs->superseded = true;
			fs->draft_dirty = false;
			ui_message(u, "%s", _("This form's draft was brought back or thrown away in another "
			                      "session: it is no longer kept from here."));
		}
	}
	free(buf);
	free(enc);
}

static void
form_tick(struct ui *u, struct screen *s, bool final)
{
	struct fstate *fs = s->data;
	if (!fs->editing || fs->superseded || !fs->draft_dirty)
		return;
	if (final || time(NULL) - fs->last_draft >= DRAFT_EVERY)
		save_draft(u, fs);
}

/* --- drawing ------------------------------------------------------------------ */

static char *
row_text(struct ui *u, struct fstate *fs, size_t row)
{
	const struct form_field *fd = fs->rows[row];
	if (!fd) {
		const char *v = record_get(fs->r, fs->extra[row]);
		return strdup(v ? v : "");
	}
	return ui_field_text(u, fd, fs->r);
}

/* The labels' column: as wide as the form's longest label ("* " and
 * the label), from 18 columns (22 from 100) up to a third of the
 * screen, so that a long label (已记录居民的知情同意) is read whole. */
static int
label_cols(const struct ui *u, const struct fstate *fs)
{
	int labw = u->cols >= 100 ? 22 : 18, most = u->cols / 3;
	for (size_t row = 0; row < fs->nrows; row++) {
		const char *l = fs->rows[row] ? _(fs->rows[row]->label)
		                              : _(form_extra_label(fs->f, fs->extra[row]));
		int w = 2 + (l ? text_width(l, strlen(l)) : 0);
		if (w > labw)
			labw = w < most ? w : most;
	}
	return labw;
}

static void
form_draw(struct ui *u, struct screen *s)
{
	struct fstate *fs = s->data;
	erase();
	char title[512];
	if (fs->r->version == 0) {
		snprintf(title, sizeof title, "%s: %s", _(fs->f->title), _("new"));
	} else {
		const char *state = fs->editing            ? _(" (editing)")
		                    : record_voided(fs->r) ? _(" (voided)")
		                                           : "";
		/* the record by its name; a need or a service, which has none,
		 * by its summary line (date, service, description), cut to the
		 * columns the place at the right leaves */
		const char *name = record_get(fs->r, "name");
		char *sum = NULL;
		if (!name || !*name) {
			int room = u->cols - 4 - text_width(_(fs->f->title), strlen(_(fs->f->title))) -
			           text_width(state, strlen(state)) -
			           (u->place ? text_width(u->place, strlen(u->place)) + 2 : 0);
			if (room > SHOWN_SUMMARY_COLS)
				room = SHOWN_SUMMARY_COLS;
			if (room >= 8)
				sum = shown_summary(u->forms, fs->r, room);
		}
		snprintf(title, sizeof title, "%s: %s%s", _(fs->f->title),
		         name && *name ? name : sum ? sum : "", state);
		free(sum);
	}
	ui_title(u, title);
	int labw = label_cols(u, fs);
	int valx = labw + 3, valw = u->cols - valx - 1;
	int area = u->rows - 6;  /* rows 2 .. rows-5 */
	if ((int)fs->cur < fs->top)
		fs->top = (int)fs->cur;
	if ((int)fs->cur >= fs->top + area)
		fs->top = (int)fs->cur - area + 1;
	int cy = -1, cx = 0;
	for (int i = 0; i < area && (size_t)(fs->top + i) < fs->nrows; i++) {
		size_t row = (size_t)(fs->top + i);
		const struct form_field *fd = fs->rows[row];
		bool here = row == fs->cur;
		char label[128];
		if (fd)
			snprintf(label, sizeof label, "%s%s", fd->required ? "* " : "  ", _(fd->label));
		else
			snprintf(label, sizeof label, "  %s", _(form_extra_label(fs->f, fs->extra[row])));
		ui_text(2 + i, 1, labw, label, here ? A_REVERSE : (fd && fd->required ? A_BOLD : A_NORMAL));
		if (here && fs->ed_live) {
			/* what is typed plain, the room left underlined: a
			 * character typed is then the character alone on the
			 * wire, with no attribute switched on and off for it */
			size_t first;
			int col = edit_view(&fs->ed, valw, &first);
			const char *shown = fs->ed.buf + first;
			int w = text_width(shown, strlen(shown));
			if (w > valw)
				w = valw;
			ui_text(2 + i, valx, w, shown, A_NORMAL);
			ui_text(2 + i, valx + w, valw - w, "", A_UNDERLINE);
			cy = 2 + i;
			cx = valx + col;
			continue;
		}
		char *v = row_text(u, fs, row);
		int attr = !fd ? A_DIM : fd->type == FT_CALCULATE || fd->readonly ? A_DIM : A_NORMAL;
		if (!fd)
			attr |= A_ITALIC;
		ui_text(2 + i, valx, valw, v ? v : "", here && fs->editing ? (int)(attr | A_UNDERLINE) : attr);
		free(v);
	}
	/* the current field's hint, or why a field is read-only */
	const struct form_field *fd = cur_field(fs);
	const char *hint = "";
	if (fd && fd->type == FT_CALCULATE)
		hint = _("Worked out from other fields; cannot be typed.");
	else if (!fd && fs->nrows)
		hint = _("Kept from an older version of the form; shown, not edited.");
	else if (fd && fs->editing && (fd->type == FT_REFERENCES || fd->type == FT_AMOUNTS))
		hint = _("F4 (or any key) adds one from a list; Backspace takes the last one off.");
	else if (fd && fs->editing && (fd->type == FT_SELECT_ONE || fd->type == FT_SELECT_MULTIPLE ||
	                               fd->type == FT_REFERENCE))
		hint = fd->hint ? _(fd->hint) : _("F4 (or any key) opens the list to choose from.");
	else if (fd && fs->editing && fd->type == FT_YESNO)
		hint = _("y = yes, n = no");
	else if (fd && fd->hint)
		hint = _(fd->hint);
	if (!fs->editing && fs->summary[0])
		hint = fs->summary;
	char voided[512];
	if (!fs->editing && record_voided(fs->r)) {
		const char *why = record_get(fs->r, REC_VOID_REASON);
		snprintf(voided, sizeof voided, _("Voided: %s (kept, read only)"), why ? why : "");
		hint = voided;
	}
	ui_text(u->rows - 4, 1, u->cols - 2, hint, record_voided(fs->r) ? A_BOLD : A_DIM);
	unsigned long long hide = 0;
	const struct kind_rules *kr = kind_rules(fs->f->kind);
	bool saved = fs->r->version != 0;
	if (!kr->starts_need || !saved)
		hide |= 1ULL << ACT_NEED;
	if (kr->related == KIND_REL_NONE || !saved)
		hide |= 1ULL << ACT_CASE;
	if (!kr->starts_referral || !saved)
		hide |= 1ULL << ACT_REFER;
	if (!kind_voidable(fs->f->kind) || !saved || !scope_may_write(u->scope, fs->r, fs->r))
		hide |= 1ULL << ACT_VOID;
	if (record_voided(fs->r))
		hide |= 1ULL << ACT_VOID | 1ULL << ACT_EDIT | 1ULL << ACT_NEED | 1ULL << ACT_REFER;
	if (!kr->household || !saved)
		hide |= 1ULL << ACT_MEMBER | 1ULL << ACT_HOUSEHOLD;
	if ((kr->related != KIND_REL_CERTIFICATE && kr->related != KIND_REL_CASE) || !saved)
		hide |= 1ULL << ACT_PRINT;
	ui_footer_hiding(u, fs->editing ? KS_EDIT : KS_VIEW, hide);
	if (cy >= 0)
		ui_cursor(u, cy, cx);
}

/* --- picking ------------------------------------------------------------------- */

static void
picked(struct ui *u, void *data, const char *value)
{
	struct fstate *fs = data;
	const struct form_field *fd = cur_field(fs);
	if (!fd || !value)
		return;
	const char *old = record_get(fs->r, fd->name);
	if (strcmp(old ? old : "", value) != 0)
		fs->changed = fs->draft_dirty = true;
	record_set(fs->r, fd->name, value);
	layout(fs);
	u->msg[0] = '\0';
}

/* Lists of records: a picked record is added (once); an amount is asked
 * for where the field pairs each record with a number.  Whether it was
 * added (false: there already, or out of memory). */
static bool
append_item(struct fstate *fs, const struct form_field *fd, const char *item, const char *id)
{
	const char *old = record_get(fs->r, fd->name);
	size_t idl = strlen(id);
	for (const char *p = old; p && *p;) {
		size_t n = strcspn(p, ",");
		size_t k = strcspn(p, ",:");
		if (k == idl && strncmp(p, id, idl) == 0)
			return false;  /* there already */
		p += n;
		if (*p)
			p++;
	}
	char *nv;
	if (asprintf(&nv, "%s%s%s", old ? old : "", old && *old ? "," : "", item) < 0)
		return false;
	record_set(fs->r, fd->name, nv);
	free(nv);
	fs->changed = fs->draft_dirty = true;
	layout(fs);
	return true;
}

struct amount_ask {
	struct fstate *fs;
	char id[REC_ID_TEXTMAX];
};

static void
amount_given(struct ui *u, void *data, const char *text)
{
	struct amount_ask *aa = data;
	const struct form_field *fd = cur_field(aa->fs);
	char *end;
	double d = text ? strtod(text, &end) : -1;
	if (text && fd && *text && !*end && d >= 0) {
		char item[REC_ID_TEXTMAX + 32];
		snprintf(item, sizeof item, "%s:%g", aa->id, d);
		append_item(aa->fs, fd, item, aa->id);
		u->msg[0] = '\0';
	} else if (text) {
		ui_message(u, "%s", _("Type a number, like 2 or 2.5"));
	}
	free(aa);
}

/* A need picked into a record that lists the residents it served (a
 * service's beneficiaries, below the needs on the form): the need's
 * resident joins that list, said on the message line, so the service
 * counts the person it answered (the report's people served) without
 * being picked a second time. */
static void
add_need_resident(struct ui *u, struct fstate *fs, const char *need)
{
	const struct form_field *to = NULL;
	for (size_t i = 0; i < fs->f->nfields && !to; i++) {
		const struct form_field *f = &fs->f->fields[i];
		if (f->type == FT_REFERENCES && f->ref_kind == REC_RESIDENT && !f->readonly &&
		    form_relevant(f, fs->r))
			to = f;
	}
	char *res = to ? ui_ref_field(u, need, "resident") : NULL;
	if (res && *res && append_item(fs, to, res, res)) {
		char *name = ui_ref_name(u, res);
		ui_message(u, _("%s is added to %s too."), name ? name : res, _(to->label));
		free(name);
	}
	free(res);
}

static void
picked_more(struct ui *u, void *data, const char *value)
{
	struct fstate *fs = data;
	const struct form_field *fd = cur_field(fs);
	if (!fd || !value || !*value)
		return;
	if (fd->type == FT_REFERENCES) {
		append_item(fs, fd, value, value);
		if (fd->ref_kind == REC_NEED)
			add_need_resident(u, fs, value);
		return;
	}
	struct amount_ask *aa = calloc(1, sizeof *aa);
	if (!aa)
		return;
	aa->fs = fs;
	snprintf(aa->id, sizeof aa->id, "%s", value);
	char *name = ui_ref_name(u, value);
	char q[256];
	if (fd->ref_kind == REC_VOLUNTEER)
		snprintf(q, sizeof q, _("How many hours did %s serve? (like 2 or 1.5)"),
		         name ? name : value);
	else {
		char *unit = ui_ref_field(u, value, "unit");
		snprintf(q, sizeof q, _("How much of %s was used, in %s? (a number, like 2 or 1.5)"),
		         name ? name : value, unit && *unit ? unit : _("its unit"));
		free(unit);
	}
	free(name);
	ui_prompt(u, q, "", amount_given, aa);
}

/* Take the last item off a list of records. */
static void
drop_last(struct fstate *fs, const struct form_field *fd)
{
	const char *old = record_get(fs->r, fd->name);
	if (!old)
		return;
	const char *comma = strrchr(old, ',');
	char *nv = comma ? strndup(old, (size_t)(comma - old)) : NULL;
	record_set(fs->r, fd->name, nv);
	free(nv);
	fs->changed = fs->draft_dirty = true;
	layout(fs);
}

static int
open_picker(struct ui *u, struct fstate *fs, wint_t first)
{
	const struct form_field *fd = cur_field(fs);
	if (!fd)
		return 0;
	if (fd->type == FT_SELECT_ONE || fd->type == FT_SELECT_MULTIPLE) {
		ui_pick_choice(u, fd, record_get(fs->r, fd->name), picked, fs);
		if (first)
			ui_type(u, first);
		return UI_REDRAW;
	}
	if (fd->type == FT_REFERENCES && search_kind_is_dated(fd->ref_kind)) {
		char title[160];
		snprintf(title, sizeof title, _("Add to: %s"), _(fd->label));
		/* the residents this record names: their needs first; a record
		 * about one person (a referral) offers only theirs */
		const char *own[16];
		size_t nown = 0;
		bool one = false;
		for (size_t i = 0; i < fs->f->nfields; i++) {
			const struct form_field *rf = &fs->f->fields[i];
			const char *v = record_get(fs->r, rf->name);
			if (rf->ref_kind != REC_RESIDENT || !v || !*v)
				continue;
			if (rf->type == FT_REFERENCE) {
				one = true;
				if (nown < 16)
					own[nown++] = v;
			}
		}
		char *copy = NULL;
		if (!one) {
			for (size_t i = 0; i < fs->f->nfields && !copy; i++) {
				const struct form_field *rf = &fs->f->fields[i];
				const char *v = record_get(fs->r, rf->name);
				if (rf->ref_kind == REC_RESIDENT && rf->type == FT_REFERENCES && v && *v &&
				    (copy = strdup(v)))
					for (char *c = copy; c && *c && nown < 16;) {
						own[nown++] = c;
						c = strchr(c, ',');
						if (c)
							*c++ = '\0';
					}
			}
		}
		ui_pick_linked(u, fd->ref_kind, title, own, nown, one, picked_more, fs);
		free(copy);
		if (first)
			ui_type(u, first);
		return UI_REDRAW;
	}
	const struct form_choices *by = fd->readonly ? NULL : list_by_unit(fs, fd);
	if (by) {
		fs->asked = *fd;
		fs->asked.type = FT_SELECT_ONE;
		fs->asked.choices = by;
		ui_pick_choice(u, &fs->asked, record_get(fs->r, fd->name), picked, fs);
		if (first)
			ui_type(u, first);
		return UI_REDRAW;
	}
	if (fd->type == FT_YESNO && !fd->readonly) {
		/* the same two answers y and n give, as a list */
		static struct form_choice yn[] = {{"yes", "yes"}, {"no", "no"}};
		static const struct form_choices ynlist = {"yesno", 2, yn, 0};
		struct form_field *copy = &fs->asked;
		*copy = *fd;
		copy->type = FT_SELECT_ONE;
		copy->choices = &ynlist;
		ui_pick_choice(u, copy, record_get(fs->r, fd->name), picked, fs);
		return UI_REDRAW;
	}
	if (fd->type == FT_REFERENCES || fd->type == FT_AMOUNTS) {
		char title[160];
		snprintf(title, sizeof title, _("Add to: %s"), _(fd->label));
		ui_pick_record(u, fd->ref_kind, title, picked_more, fs);
		if (first)
			ui_type(u, first);
		return UI_REDRAW;
	}
	if (fd->type == FT_REFERENCE && fd->ref_kind == REC_UNIT && fs->r->id.kind == REC_REFERRAL &&
	    !fd->readonly) {
		/* where it goes: up, or a station that takes its category */
		const char *cat = record_get(fs->r, "category");
		const char *title =
		        cat && *cat ? _("Refer to: a unit above, or a station taking the category")
		                    : _("Refer to (choose the category to see the stations)");
		ui_pick_destination(u, title, cat, record_get(fs->r, fd->name), picked, fs);
		if (first)
			ui_type(u, first);
		return UI_REDRAW;
	}
	if (fd->type == FT_REFERENCE) {
		char title[160];
		snprintf(title, sizeof title, _("Choose: %s"), _(fd->label));
		ui_pick_unit(u, fd->ref_kind, fd->ref_level, title, picked, fs);
		if (first)
			ui_type(u, first);
		return UI_REDRAW;
	}
	return 0;
}

/* --- saving --------------------------------------------------------------------- */

static void
left_ok(struct ui *u, void *data, bool yes)
{
	struct fstate *fs = data;
	if (!yes)
		return;
	store_draft_drop(u->st, u->login, &fs->mark);
	ui_pop(u);
}

/* --- needs a saved service answers ----------------------------------------------- */

/* One question a need: in progress, met, or as it is; the next need's
 * question when this one is answered. */
struct answered {
	char **ids;
	size_t n, at;
	struct form_field fd;
	struct form_choices ch;
	struct form_choice items[3];
	char title[320];
};

static void ask_answered(struct ui *u, struct answered *a);

static void
answered_free(struct answered *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->ids[i]);
	free(a->ids);
	free(a);
}

static void
answered_chosen(struct ui *u, void *data, const char *value)
{
	struct answered *a = data;
	if (!value) {   /* Esc: the rest stay as they are */
		answered_free(a);
		return;
	}
	if (strcmp(value, "keep") != 0) {
		bool changed;
		int err = kind_need_mark(u->st, a->ids[a->at], value, &changed);
		if (err) {
			ui_message(u, "%s", store_strerror(err));
			answered_free(a);
			return;
		}
		if (changed)
			ui_message(u, "%s", strcmp(value, "met") == 0 ? _("The need is marked met.")
			                                               : _("The need is marked in progress."));
	}
	a->at++;
	ask_answered(u, a);
}

static void
ask_answered(struct ui *u, struct answered *a)
{
	for (; a->at < a->n; a->at++) {
		rec_id id;
		record *need = NULL;
		if (rec_id_parse(a->ids[a->at], &id) != 0 || search_get(u->st, &id, &need) != STORE_OK)
			continue;
		const char *st = record_get(need, "status");
		bool ask = !st || (strcmp(st, "met") != 0 && strcmp(st, "closed") != 0);
		if (ask) {
			char *sum = ui_summary(u, need);
			snprintf(a->title, sizeof a->title, _("Mark the need this service answers: %s"),
			         sum ? sum : "");
			free(sum);
		}
		record_free(need);
		if (!ask)
			continue;
		a->fd.label = a->title;
		ui_pick_choice(u, &a->fd, NULL, answered_chosen, a);
		return;
	}
	answered_free(a);
}

/* A saved record that answers needs (a service) asks of each still open
 * whether it is now in progress or met: the questions to ask (given to
 * ask_answered), or NULL when it answers none. */
static struct answered *
answered_for(struct fstate *fs)
{
	const char *field = kind_rules(fs->f->kind)->answers;
	const char *v = field ? record_get(fs->r, field) : NULL;
	if (!v || !*v)
		return NULL;
	struct answered *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	static const struct {
		const char *value, *label;
	} choice[] = {
		{"in_progress", N_("In progress: the work on it goes on")},
		{"met", N_("Met: nothing more is needed")},
		{"keep", N_("Leave its status as it is")},
	};
	for (size_t i = 0; i < 3; i++) {
		a->items[i].value = (char *)choice[i].value;
		a->items[i].label = (char *)choice[i].label;
	}
	a->ch.items = a->items;
	a->ch.n = 3;
	a->fd.type = FT_SELECT_ONE;
	a->fd.choices = &a->ch;
	for (const char *p = v; *p;) {
		size_t n = strcspn(p, ",");
		size_t k = strcspn(p, ",:");
		char **more = realloc(a->ids, (a->n + 1) * sizeof *more);
		if (!more)
			break;
		a->ids = more;
		if (!(a->ids[a->n] = strndup(p, k)))
			break;
		a->n++;
		p += n;
		if (*p)
			p++;
	}
	return a;
}

static int
save(struct ui *u, struct fstate *fs)
{
	leave_field(u, fs);
	form_fill_from_id(fs->f, fs->r, NULL);
	layout(fs);
	size_t bad;
	char buf[256];
	const char *why = form_check_record(fs->f, fs->r, &bad, buf, sizeof buf);
	if (!why)
		why = form_check_units_read(fs->f, fs->r, u->st, &bad, buf, sizeof buf);
	if (why) {
		for (size_t i = 0; i < fs->nrows; i++)
			if (fs->rows[i] == &fs->f->fields[bad])
				fs->cur = i;
		enter_field(fs);
		ui_message(u, "%s", why);
		return UI_REDRAW;
	}
	/* a referral's content is saved as a step of its own (refer.c: its
	 * history, the sender's unit, the checks); taken, this editor closes
	 * and a new referral opens on its own screen */
	if (kind_rules(fs->f->kind)->save == KIND_SAVE_REFER) {
		rec_id id;
		bool fresh = fs->r->version == 0;
		if (!(ui_open(u, "referral-save", &(struct ui_args){.record = fs->r, .saved = &id}) &
		      UI_POP))
			return UI_REDRAW;   /* refused: the editor stays, with what was typed */
		ui_pop(u);   /* this editor, fs with it */
		if (fresh)
			ui_open(u, "referral", &(struct ui_args){.id = &id});
		return UI_REDRAW;
	}
	bool was_new = fs->r->version == 0;
	/* one resident, one ID number: checked in the saving transaction */
	rec_id dup;
	int err = kind_save(u->st, fs->f, fs->r, &dup);
	if (err == STORE_EXISTS) {
		char idbuf[REC_ID_TEXTMAX];
		char *who = ui_ref_name(u, rec_id_format(&dup, idbuf));
		ui_message(u, _("The ID number %s is registered already, for %s: find that record "
		                "instead of registering it twice."),
		           record_get(fs->r, kind_rules(fs->f->kind)->unique), who ? who : idbuf);
		free(who);
		enter_field(fs);
		return UI_REDRAW;
	}
	if (err) {
		ui_message(u, "%s", store_strerror(err));
		enter_field(fs);
		return UI_REDRAW;
	}
	store_draft_drop(u->st, u->login, &fs->mark);
	fs->changed = fs->draft_dirty = false;
	fs->editing = false;
	fs->ed_live = false;
	sum_up(u, fs);
	ui_message(u, was_new ? _("Registered.") : _("Saved."));
	struct answered *a = answered_for(fs);
	/* opened from a case file (ui_args.back): the new record is there now,
	 * and the worker back where they started; the questions on the needs
	 * it answers are asked over it */
	if (was_new && fs->back)
		ui_pop(u);   /* this editor, fs with it */
	if (a)
		ask_answered(u, a);
	return UI_REDRAW;
}

/* --- keys ------------------------------------------------------------------------ */

static int
form_text(struct ui *u, struct screen *s, wint_t ch)
{
	struct fstate *fs = s->data;
	const struct form_field *fd = cur_field(fs);
	if (fs->ed_live) {
		if (fs->ed.len < 4000)
			edit_insert_cp(&fs->ed, (uint32_t)ch);
		fs->changed = fs->draft_dirty = true;
		return UI_REDRAW;
	}
	if (!fd || fd->readonly || fd->type == FT_CALCULATE) {
		ui_message(u, "%s", _("This field cannot be typed into."));
		return UI_REDRAW;
	}
	if (fd->type == FT_YESNO) {
		const char *v = NULL;
		if (ch == L'y' || ch == L'Y' || ch == L'1' || ch == L'是')
			v = "yes";
		else if (ch == L'n' || ch == L'N' || ch == L'0' || ch == L'否')
			v = "no";
		if (v)
			picked(u, fs, v);
		else
			ui_message(u, "%s", _("y = yes, n = no"));
		return UI_REDRAW;
	}
	return open_picker(u, fs, ch);
}

static void
start_need(struct ui *u, struct fstate *fs)
{
	struct form *nf = formset_for_kind(u->forms, REC_NEED);
	if (!nf || !kind_rules(fs->f->kind)->starts_need || fs->r->version == 0) {
		ui_message(u, "%s", _("A need is taken for a saved resident."));
		return;
	}
	record *n = record_new(REC_NEED);
	if (!n)
		return;
	struct form_env env = ui_form_env(u);
	char idbuf[REC_ID_TEXTMAX];
	record_set(n, "who", "resident");
	record_set(n, "resident", rec_id_format(&fs->r->id, idbuf));
	if (record_get(fs->r, "village"))
		record_set(n, "village", record_get(fs->r, "village"));
	form_carry(nf, n, fs->r);
	form_apply_defaults(nf, n, &env);
	form_open(u, nf, n, true);
}

/* Reading: Enter on a reference opens the record it names. */
static int
open_reference(struct ui *u, struct fstate *fs)
{
	const struct form_field *fd = cur_field(fs);
	const char *v = fd && fd->type == FT_REFERENCE ? record_get(fs->r, fd->name) : NULL;
	rec_id id;
	record *r;
	if (!v || rec_id_parse(v, &id) < 0)
		return 0;
	search_get(u->st, &id, &r);
	if (!r) {
		ui_message(u, "%s", store_strerror(STORE_NOTFOUND));
		return UI_REDRAW;
	}
	struct form *rf = formset_for_record(u->forms, r);
	if (!rf) {
		record_free(r);
		return 0;
	}
	form_open(u, rf, r, false);
	return UI_REDRAW;
}

/* What adds up for the record shown: a volunteer's hours, what is left
 * of a resource.  Worked out when the record is opened or saved, not on
 * every key. */
static int
sum_txn(store_txn *t, void *ctx)
{
	struct fstate *fs = ctx;
	return kind_summary_text(t, fs->r, fs->summary, sizeof fs->summary);
}

static void
sum_up(struct ui *u, struct fstate *fs)
{
	store_read(u->st, sum_txn, fs);
}

/* F9: what goes with the record; print: p, the certificate (a resident:
 * the case file) straight to the print dialog. */
static int
case_or_certificate(struct ui *u, struct fstate *fs, bool print)
{
	if (fs->r->version == 0) {
		ui_message(u, "%s", _("Save the record first."));
		return UI_REDRAW;
	}
	switch (kind_rules(fs->f->kind)->related) {
	case KIND_REL_CASE: {
		if (!print) {
			ui_open(u, "case", &(struct ui_args){.record = fs->r});
			return UI_REDRAW;
		}
		/* p on a resident: their case file, as the case file's p prints it */
		char idtext[REC_ID_TEXTMAX];
		struct print_req q = {.doc = PRINT_CASEFILE, .id = rec_id_format(&fs->r->id, idtext)};
		return ui_open(u, "print", &(struct ui_args){.req = &q});
	}
	case KIND_REL_CERTIFICATE:
	case KIND_REL_ACTIVITY: {
		int err = 0;
		char *title = NULL;
		char *text = kind_related_text(u->st, u->forms, fs->r,
		                               u->place && *u->place ? u->place : "?", u->today,
		                               &title, &err);
		if (!text) {
			ui_message(u, "%s", store_strerror(err));
			return UI_REDRAW;
		}
		if (kind_rules(fs->f->kind)->related == KIND_REL_CERTIFICATE) {
			if (print)
				ui_open(u, "print", &(struct ui_args){.text = text, .doc = "certificate",
				                                      .id = &fs->r->id, .title = title});
			else {
				ui_show_doc(u, title, text, "certificate", &fs->r->id);
				ui_message(u, "%s", _("To print it: press p."));
			}
		} else
			ui_show_text(u, title, text);
		free(title);
		free(text);
		return UI_REDRAW;
	}
	case KIND_REL_NONE:
		break;
	}
	ui_message(u, "%s", _("F9 opens a resident's case file, a volunteer's certificate, "
	                      "or the services of an organisation or a resource."));
	return UI_REDRAW;
}

/* A referral of the resident shown, or of the need shown and its
 * resident. */
static int
refer_this(struct ui *u, struct fstate *fs)
{
	char idbuf[REC_ID_TEXTMAX];
	const struct kind_rules *kr = kind_rules(fs->f->kind);
	if (!kr->starts_referral || fs->r->version == 0) {
		ui_message(u, "%s", _("A referral is made for a saved resident or need."));
		return UI_REDRAW;
	}
	if (kr->related == KIND_REL_CASE) {   /* the resident themself */
		ui_open(u, "refer", &(struct ui_args){.resident = rec_id_format(&fs->r->id, idbuf), .need = NULL});
		return UI_REDRAW;
	}
	const char *who = record_get(fs->r, "resident");
	if (!who || !*who) {
		ui_message(u, "%s", _("This need names no resident to refer."));
		return UI_REDRAW;
	}
	ui_open(u, "refer", &(struct ui_args){.resident = who, .need = rec_id_format(&fs->r->id, idbuf)});
	return UI_REDRAW;
}

/* --- voiding a record made by mistake (F8) ------------------------------------- */

/* How a worker knows a record: its name, else its number (a referral)
 * or its date (a need, a service). */
static const char *
known_as(const record *r)
{
	static const char *const fields[] = {"name", "number", "date"};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		const char *v = record_get(r, fields[i]);
		if (v && *v)
			return v;
	}
	return "";
}

static void
void_confirmed(struct ui *u, void *data, bool yes)
{
	struct fstate *fs = data;
	char *why = fs->void_reason;
	fs->void_reason = NULL;
	if (!yes || !why) {
		free(why);
		ui_message(u, "%s", _("Nothing was changed."));
		return;
	}
	rec_id blocker;
	int err = kind_void(u->st, fs->r, why, &blocker);
	free(why);
	if (err == STORE_EXISTS) {
		record *b = NULL;
		search_get(u->st, &blocker, &b);
		ui_message(u, _("A %s (%s) still names this record: void that first; a referral is "
		                "withdrawn or closed first."),
		           rec_kind_label(blocker.kind), b ? known_as(b) : "?");
		record_free(b);
	} else if (err) {
		ui_message(u, "%s", store_strerror(err));
	} else {
		fs->summary[0] = '\0';
		ui_message(u, "%s", _("Voided. It is kept, with your reason, in the audit trail, and "
		                      "left out of lists and reports."));
	}
}

static void
void_reason_given(struct ui *u, void *data, const char *text)
{
	struct fstate *fs = data;
	if (!text) {
		ui_message(u, "%s", _("Nothing was changed."));
		return;
	}
	while (*text == ' ')
		text++;
	if (!*text) {
		ui_message(u, "%s", _("A reason is needed to void a record: say why it was a mistake."));
		return;
	}
	free(fs->void_reason);
	if (!(fs->void_reason = strdup(text))) {
		ui_message(u, "%s", store_strerror(STORE_NOMEM));
		return;
	}
	char q[512];
	snprintf(q, sizeof q, _("Void %s %s? It is kept, but left out of lists and reports."),
	         _(fs->f->title), known_as(fs->r));
	ui_ask(u, q, void_confirmed, fs);
}

static int
void_this(struct ui *u, struct fstate *fs)
{
	if (fs->r->version == 0 || !kind_voidable(fs->f->kind)) {
		ui_message(u, "%s", kind_rules(fs->f->kind)->save == KIND_SAVE_REFER
		                        ? _("A referral is not voided: withdraw it (F8 on the referral).")
		                        : _("Only a saved record can be voided."));
		return UI_REDRAW;
	}
	if (record_voided(fs->r)) {
		ui_message(u, "%s", _("This record is voided already."));
		return UI_REDRAW;
	}
	if (!scope_may_write(u->scope, fs->r, fs->r)) {
		ui_message(u, "%s", store_strerror(STORE_DENIED));
		return UI_REDRAW;
	}
	ui_prompt(u, _("Why void this record? (required; it goes in the audit trail)"), "",
	          void_reason_given, fs);
	return UI_REDRAW;
}

static int
form_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct fstate *fs = s->data;
	if (record_voided(fs->r) && (a == ACT_EDIT || a == ACT_NEED || a == ACT_REFER)) {
		ui_message(u, "%s", _("This record is voided: it can be read, not changed."));
		return UI_REDRAW;
	}
	switch (a) {
	case ACT_BACK:
		if (fs->editing) {
			leave_field(u, fs);
			if (fs->changed) {
				ui_ask(u, _("Leave without saving? What you typed here will be lost."),
				       left_ok, fs);
				return UI_REDRAW;
			}
		}
		store_draft_drop(u->st, u->login, &fs->mark);
		return UI_POP;
	case ACT_UP:
	case ACT_PREV:
		if (fs->cur > 0)
			move_to(u, fs, fs->editing && a == ACT_PREV ? next_open_row(u, fs, fs->cur, -1)
			                                            : fs->cur - 1);
		return UI_REDRAW;
	case ACT_DOWN:
	case ACT_NEXT:
		if (fs->editing && next_open_row(u, fs, fs->cur, 1) != fs->cur)
			move_to(u, fs, next_open_row(u, fs, fs->cur, 1));
		else if (!fs->editing && fs->cur + 1 < fs->nrows)
			move_to(u, fs, fs->cur + 1);
		else {
			leave_field(u, fs);
			enter_field(fs);
		}
		return UI_REDRAW;
	case ACT_PGUP:
		move_to(u, fs, fs->cur > 10 ? fs->cur - 10 : 0);
		return UI_REDRAW;
	case ACT_PGDN:
		move_to(u, fs, fs->cur + 10 < fs->nrows ? fs->cur + 10 : fs->nrows - 1);
		return UI_REDRAW;
	case ACT_HOME:
		if (fs->ed_live)
			edit_home(&fs->ed);
		else
			move_to(u, fs, 0);
		return UI_REDRAW;
	case ACT_END:
		if (fs->ed_live)
			edit_end(&fs->ed);
		else if (fs->nrows)
			move_to(u, fs, fs->nrows - 1);
		return UI_REDRAW;
	case ACT_LEFT:
		if (fs->ed_live)
			edit_left(&fs->ed);
		return UI_REDRAW;
	case ACT_RIGHT:
		if (fs->ed_live)
			edit_right(&fs->ed);
		return UI_REDRAW;
	case ACT_BACKSPACE:
	case ACT_DELETE:
	case ACT_KILL:
		if (fs->ed_live) {
			if (a == ACT_BACKSPACE)
				edit_backspace(&fs->ed);
			else if (a == ACT_DELETE)
				edit_delete(&fs->ed);
			else
				edit_clear(&fs->ed);
			fs->changed = fs->draft_dirty = true;
		} else if (fs->editing && cur_field(fs) && a == ACT_BACKSPACE &&
		           (cur_field(fs)->type == FT_REFERENCES || cur_field(fs)->type == FT_AMOUNTS)) {
			drop_last(fs, cur_field(fs));
		} else if (fs->editing && cur_field(fs) && !cur_field(fs)->readonly &&
		           a != ACT_DELETE) {
			picked(u, fs, "");
			record_set(fs->r, cur_field(fs)->name, NULL);
			layout(fs);
		}
		return UI_REDRAW;
	case ACT_NEWLINE:
		if (fs->ed_live && cur_field(fs)->type == FT_NOTE) {
			edit_insert_cp(&fs->ed, '\n');
			fs->changed = fs->draft_dirty = true;
		}
		return UI_REDRAW;
	case ACT_PICK:
		return open_picker(u, fs, 0);
	case ACT_SAVE:
		return save(u, fs);
	case ACT_EDIT:
		if (!scope_may_write(u->scope, fs->r, fs->r)) {
			ui_message(u, "%s", store_strerror(STORE_DENIED));
			return UI_REDRAW;
		}
		fs->editing = true;
		enter_field(fs);
		draft_baseline(fs);
		return UI_REDRAW;
	case ACT_CASE:
		return case_or_certificate(u, fs, false);
	case ACT_PRINT:
		if (kind_rules(fs->f->kind)->related != KIND_REL_CERTIFICATE &&
		    kind_rules(fs->f->kind)->related != KIND_REL_CASE) {
			ui_message(u, "%s", _("p prints a resident's case file or a volunteer's certificate "
			                      "here; a referral slip prints from its referral."));
			return UI_REDRAW;
		}
		return case_or_certificate(u, fs, true);
	case ACT_NEED:
		start_need(u, fs);
		return UI_REDRAW;
	case ACT_REFER:
		return refer_this(u, fs);
	case ACT_VOID:
		return void_this(u, fs);
	case ACT_MEMBER:
	case ACT_HOUSEHOLD:
		/* a resident's household (ui-house.c) */
		if (!kind_rules(fs->f->kind)->household || fs->r->version == 0) {
			ui_message(u, "%s", _("A household is shown, and a member added, from a saved "
			                      "resident."));
			return UI_REDRAW;
		}
		ui_open(u, a == ACT_MEMBER ? "house-member" : "household",
		        &(struct ui_args){.record = fs->r});
		return UI_REDRAW;
	case ACT_OPEN:
		return open_reference(u, fs);
	default:
		return 0;
	}
}

static void
form_free_state(struct screen *s)
{
	struct fstate *fs = s->data;
	edit_free(&fs->ed);
	free(fs->void_reason);
	record_free(fs->r);
	free(fs->drafted);
	free(fs);
}

/* The view and the editor are one screen whose key scope follows its
 * mode: the draw function switches the ops. */
static const struct screen_ops view_screen, edit_screen;

static void
form_switch_draw(struct ui *u, struct screen *s)
{
	struct fstate *fs = s->data;
	s->ops = fs->editing ? &edit_screen : &view_screen;
	form_draw(u, s);
}

static const struct screen_ops view_screen = {
	.scope = KS_VIEW, .draw = form_switch_draw, .key = form_key,
	.tick = form_tick, .free = form_free_state,
};

static const struct screen_ops edit_screen = {
	.scope = KS_EDIT, .draw = form_switch_draw, .key = form_key, .text = form_text,
	.tick = form_tick, .free = form_free_state,
};

/* The record on the screen; its state, or NULL when it did not open
 * here (memory ran out; a saved referral opens on its own screen). */
static struct fstate *
form_open(struct ui *u, struct form *f, record *r, bool editing)
{
	/* a saved referral is read on its own screen, with its history and steps */
	if (!editing && r && kind_rules(r->id.kind)->own_view && r->version) {
		rec_id id = r->id;
		record_free(r);
		ui_open(u, "referral", &(struct ui_args){.id = &id});
		return NULL;
	}
	struct fstate *fs = calloc(1, sizeof *fs);
	if (!fs || edit_init(&fs->ed, "") < 0) {
		free(fs);
		record_free(r);
		return NULL;
	}
	fs->f = f;
	fs->r = r;
	fs->u = u;
	fs->editing = editing;
	fs->last_draft = time(NULL);
	store_draft_mark_init(&fs->mark);
	layout(fs);
	/* a new record starts where there is something to type: the first
	 * field still empty that the worker can fill (what was filled in for
	 * them, from the person or the case file, is passed) */
	if (editing && r->version == 0 && fs->nrows) {
		size_t k = 0;
		while (k < fs->nrows) {
			const char *v = fs->rows[k] ? record_get(r, fs->rows[k]->name) : NULL;
			if (!row_fixed(u, fs, k) && (!v || !*v))
				break;
			k++;
		}
		if (k < fs->nrows)
			fs->cur = k;
		else if (row_fixed(u, fs, 0))
			fs->cur = next_open_row(u, fs, 0, 1);
	}
	enter_field(fs);
	if (editing)
		draft_baseline(fs);
	sum_up(u, fs);
	return ui_push(u, editing ? &edit_screen : &view_screen, fs) ? fs : NULL;
}

/* --- bringing a draft back ------------------------------------------------------ */

/* A draft's bytes: its form, its record (with its id, if saved before) and
 * the field the worker was in.  False when it cannot be read (its form is
 * gone, or it is damaged). */
static bool
draft_parse(struct ui *u, const void *data, size_t len, struct form **fp, record **rp,
            size_t *cur)
{
	/* form NUL id NUL field NUL encoding */
	const char *p = data, *end = p + len;
	const char *parts[3];
	for (int i = 0; i < 3; i++) {
		parts[i] = p;
		p = memchr(p, '\0', (size_t)(end - p));
		if (!p)
			return false;
		p++;
	}
	struct form *f = formset_find(u->forms, parts[0]);
	rec_id id;
	record *r = NULL;
	if (!f || record_decode((const unsigned char *)p, (size_t)(end - p), NULL, &r) != 0)
		return false;
	if (*parts[1] && rec_id_parse(parts[1], &id) == 0)
		r->id = id;
	*fp = f;
	*rp = r;
	*cur = (size_t)strtoul(parts[2], NULL, 10);
	return true;
}

/* Taken back: the draft is this session's from now on, in one
 * transaction, so that the session that wrote it (a frozen link still
 * running) can never write it again. */
static void
draft_take(struct ui *u)
{
	struct store_draft_mark m;
	store_draft_mark_init(&m);
	void *data;
	size_t len, cur;
	struct form *f;
	record *r;
	int err = store_draft_take(u->st, u->login, &m, &data, &len);
	if (err == STORE_NOTFOUND) {
		ui_message(u, "%s", _("The draft is no longer there: it was brought back or thrown away "
		                      "in another session."));
		return;
	}
	if (err) {
		ui_message(u, "%s", store_strerror(err));
		return;
	}
	bool ok = draft_parse(u, data, len, &f, &r, &cur);
	free(data);
	if (!ok) {
		ui_message(u, "%s", _("The draft cannot be read: its form has changed or is gone."));
		return;
	}
	struct fstate *fs = form_open(u, f, r, true);
	if (!fs)
		return;   /* out of memory: the draft stays, offered next time */
	fs->mark = m;
	fs->changed = true;
	if (cur < fs->nrows) {
		fs->cur = cur;
		enter_field(fs);
	}
	draft_baseline(fs);   /* what was taken is in the store already */
	ui_message(u, "%s", _("Your draft is back: check it and press F2 to save."));
}

static void
discard_answer(struct ui *u, void *data, bool yes)
{
	(void)data;
	if (!yes) {
		ui_message(u, "%s", _("The draft is kept: you will be asked again the next time you start."));
		return;
	}
	int err = store_draft_discard(u->st, u->login);
	ui_message(u, "%s", err ? store_strerror(err) : _("The draft was thrown away."));
}

/* y takes it back; n throws it away once the worker confirms; Esc or
 * F10 leaves it for later (asked again at the next start). */
static void
offer_answer(struct ui *u, void *data, int answer)
{
	(void)data;
	if (answer > 0)
		draft_take(u);
	else if (answer == 0)
		ui_ask(u, _("Throw the draft away? What was typed in it cannot be brought back."),
		       discard_answer, NULL);
	else
		ui_message(u, "%s", _("The draft is kept: you will be asked again the next time you start."));
}

static void
form_offer_draft(struct ui *u)
{
	void *data;
	size_t len, cur;
	struct form *f;
	record *r;
	if (store_draft_get(u->st, u->login, &data, &len) != STORE_OK)
		return;
	bool ok = draft_parse(u, data, len, &f, &r, &cur);
	free(data);
	if (!ok)
		return;
	char q[512];
	const char *name = record_get(r, "name");
	snprintf(q, sizeof q, _("You were filling in a %s form (%s) that was not saved. Bring it back?"),
	         _(f->title), name ? name : _("no name yet"));
	record_free(r);
	ui_ask_later(u, q, _("  y = bring it back    n = throw it away    Esc = decide later"),
	             offer_answer, NULL);
}

int
ui_form_open(struct ui *u, const struct ui_args *a)
{
	if (a->form) {
		struct fstate *fs = form_open(u, a->form, a->r, a->editing);
		if (fs && a->editing && fs->r->version == 0)
			fs->back = a->back;
	} else
		record_free(a->r);
	return UI_REDRAW;
}

int
ui_form_offer_draft(struct ui *u, const struct ui_args *a)
{
	(void)a;
	form_offer_draft(u);
	return UI_REDRAW;
}
