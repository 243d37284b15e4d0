/* ui-audit.c: the audit trail on the screen, for supervisors and
 * administrators: who changed what and when, newest first, a page at a
 * time, narrowed to one worker, one record or some days. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "i18n.h"
#include "text.h"
#include "ui.h"
#include "valid.h"
#include "util.h"

/* The newest entries kept for the screen; older ones are reached by
 * narrowing the filter (the command line `shegong audit` has them all). */
#define KEEP 5000

struct trail {
	char who[64], record[REC_ID_TEXTMAX], since[11], until[11];
	struct audit_entry *ring;   /* the newest KEEP entries that pass, in order */
	size_t n, start;            /* how many are kept; where the oldest is */
	size_t total;               /* how many passed the filter */
	struct ui_rows at;   /* the chosen entry, the first shown */
	int err;
};

/* Entry i, 0 being the newest. */
static const struct audit_entry *
newest(const struct trail *tr, size_t i)
{
	return &tr->ring[(tr->start + tr->n - 1 - i) % KEEP];
}

static int
keep_one(const struct audit_entry *e, void *ctx)
{
	struct trail *tr = ctx;
	tr->total++;
	if (tr->n < KEEP) {
		tr->ring[(tr->start + tr->n) % KEEP] = *e;
		tr->n++;
	} else {
		tr->ring[tr->start] = *e;
		tr->start = (tr->start + 1) % KEEP;
	}
	return 0;
}

static void
trail_load(struct ui *u, struct trail *tr)
{
	struct audit_filter f = {
		tr->who[0] ? tr->who : NULL, tr->record[0] ? tr->record : NULL,
		tr->since[0] ? tr->since : NULL, tr->until[0] ? tr->until : NULL,
	};
	tr->n = tr->start = tr->total = 0;
	tr->at.sel = tr->at.top = 0;
	tr->err = audit_each(u->st, &f, keep_one, tr);
}

/* What an action is called on the screen: the referral steps by their
 * labels, the plain changes by theirs, anything else as logged. */
static const char *
action_label(const char *name)
{
	static const struct {
		const char *name, *label;
	} plain[] = {
		/* TRANSLATORS: the audit trail's actions */
		{"create", N_("created")}, {"edit", N_("changed")}, {"delete", N_("deleted")},
		{"export", N_("handed out")}, {"as", N_("acted as")},
	};
	for (size_t i = 0; i < NELEM(plain); i++)
		if (strcmp(plain[i].name, name) == 0)
			return _(plain[i].label);
	enum ref_action a = referral_action_from_name(name);
	return a ? referral_action_label(a) : name;
}

/* The filters in force, as words; their length (0: none). */
static size_t
filter_line(const struct trail *tr, char *line, size_t size)
{
	size_t n = 0;
	line[0] = '\0';
	if (tr->who[0])
		n += (size_t)snprintf(line + n, size - n, "%s %s  ", _("Worker:"), tr->who);
	if (tr->record[0] && n < size)
		n += (size_t)snprintf(line + n, size - n, "%s %s  ", _("Record:"), tr->record);
	if ((tr->since[0] || tr->until[0]) && n < size)
		n += (size_t)snprintf(line + n, size - n, "%s %s .. %s", _("Days:"),
		                      tr->since[0] ? tr->since : "", tr->until[0] ? tr->until : "");
	return n < size ? n : size - 1;
}

static void
trail_draw(struct ui *u, struct screen *s)
{
	struct trail *tr = s->data;
	erase();
	char line[512];
	snprintf(line, sizeof line, _("Audit trail (%zu entries)"), tr->total);
	ui_title(u, line);
	/* the filters in force */
	size_t n = filter_line(tr, line, sizeof line);
	ui_text(1, 1, u->cols - 2,
	        n ? line : _("Every entry, newest first (w worker, r record, d days)"),
	        n ? A_BOLD : A_DIM);
	/* the columns: the date shows whole from 100 columns */
	bool wide = u->cols >= 100;
	int tw = wide ? 16 : 11, ww = 10, aw = 8, rw = wide ? 24 : 20, vw = 7;
	int nx = 1 + tw + 1 + ww + 1 + aw + 1 + rw + 1 + vw + 1;
	int x = 1;
	const char *heads[] = {_("Time"), _("Who"), _("Action"), _("Record"), _("Versions"),
	                       _("Note")};
	int widths[] = {tw, ww, aw, rw, vw, u->cols - nx - 1};
	for (size_t c = 0; c < NELEM(heads); c++) {
		ui_text(2, x, widths[c], heads[c], A_BOLD | A_UNDERLINE);
		x += widths[c] + 1;
	}
	int area = u->rows - 8;   /* rows 3 .. rows-6; the chosen entry whole below */
	ui_rows_fit(&tr->at, tr->n, area);
	for (int i = 0; i < area && tr->at.top + (size_t)i < tr->n; i++) {
		size_t k = tr->at.top + (size_t)i;
		const struct audit_entry *e = newest(tr, k);
		int attr = k == tr->at.sel ? A_REVERSE : A_NORMAL;
		char when[32], vers[32];
		time_t at = (time_t)e->at;
		struct tm tm;
		localtime_r(&at, &tm);
		strftime(when, sizeof when, wide ? "%Y-%m-%d %H:%M" : "%m-%d %H:%M", &tm);
		if (e->v_before || e->v_after)
			snprintf(vers, sizeof vers, "%u->%u", e->v_before, e->v_after);
		else
			vers[0] = '\0';
		const char *cells[] = {when, e->who, action_label(e->action), e->record, vers, e->note};
		x = 1;
		ui_text(3 + i, 0, 1, "", attr);
		for (size_t c = 0; c < NELEM(cells); c++) {
			ui_text(3 + i, x, widths[c] + 1, cells[c], attr);
			x += widths[c] + 1;
		}
	}
	/* the columns cut a long record id or note: the chosen entry's
	 * record, versions and note whole, under the rows */
	if (tr->n && tr->at.sel < tr->n) {
		const struct audit_entry *e = newest(tr, tr->at.sel);
		char vers[32] = "";
		if (e->v_before || e->v_after)
			snprintf(vers, sizeof vers, "  %u->%u", e->v_before, e->v_after);
		snprintf(line, sizeof line, "%s%s  %s", e->record, vers, e->note);
		ui_text(u->rows - 5, 1, u->cols - 2, line, A_BOLD);
	}
	if (tr->err)
		ui_text(4, 2, u->cols - 4, store_strerror(tr->err), A_BOLD);
	else if (!tr->n)
		ui_text(4, 2, u->cols - 4, _("No entry passes the filter."), A_NORMAL);
	if (tr->total > tr->n)
		snprintf(line, sizeof line, _("the newest %zu of %zu: narrow the filter for older ones"),
		         tr->n, tr->total);
	else
		snprintf(line, sizeof line, "%zu-%zu / %zu", tr->n ? tr->at.top + 1 : 0,
		         tr->at.top + (size_t)area < tr->n ? tr->at.top + (size_t)area : tr->n, tr->n);
	ui_text(u->rows - 4, 1, u->cols - 2, line, A_DIM);
	ui_footer(u, KS_AUDIT);
}

/* The entries kept (the newest KEEP that pass the filter), newest first,
 * as the screen shows them, the time whole, to print or export; the
 * records they name for the audit. */
static void
trail_out(struct ui *u, struct trail *tr, bool print, int format)
{
	enum { NC = 6 };
	const char *heads[NC] = {_("Time"), _("Who"), _("Action"), _("Record"), _("Versions"),
	                         _("Note")};
	const char **cells = calloc(tr->n * NC + 1, sizeof *cells);
	char (*when)[2][32] = calloc(tr->n + 1, sizeof *when);
	rec_id *ids = calloc(tr->n + 1, sizeof *ids);
	if (!cells || !when || !ids) {
		free(cells);
		free(when);
		free(ids);
		ui_message(u, "%s", store_strerror(STORE_NOMEM));
		return;
	}
	size_t nids = 0;
	for (size_t k = 0; k < tr->n; k++) {
		const struct audit_entry *e = newest(tr, k);
		time_t at = (time_t)e->at;
		struct tm tm;
		localtime_r(&at, &tm);
		strftime(when[k][0], sizeof when[k][0], "%Y-%m-%d %H:%M", &tm);
		if (e->v_before || e->v_after)
			snprintf(when[k][1], sizeof when[k][1], "%u->%u", e->v_before, e->v_after);
		const char *row[NC] = {when[k][0], e->who, action_label(e->action), e->record,
		                       when[k][1], e->note};
		memcpy(cells + k * NC, row, sizeof row);
		if (e->record[0] && rec_id_parse(e->record, &ids[nids]) == 0)
			nids++;
	}
	char title[128], filter[512];
	snprintf(title, sizeof title, _("Audit trail (%zu entries)"), tr->total);
	filter_line(tr, filter, sizeof filter);
	struct ui_table tb = {.heading = title, .filter = filter, .name = "audit", .ncols = NC,
	                      .nrows = tr->n, .heads = heads, .cells = cells, .ids = ids,
	                      .nids = nids,
	                      .cut_why = tr->total > tr->n ? _("narrow the filter for older ones")
	                                                   : NULL};
	if (print)
		ui_table_print(u, &tb);
	else
		ui_table_export(u, &tb, format);
	free(cells);
	free(when);
	free(ids);
}

static void
trail_export(struct ui *u, void *data, int format)
{
	trail_out(u, data, false, format);
}

/* A day typed as 2026-03-15 or 20260315, made 2026-03-15; false when it
 * is not a date. */
static bool
day_of(const char *typed, char out[11])
{
	int y, m, d;
	if (valid_date(typed, &y, &m, &d) != VALID_OK)
		return false;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return true;
}

/* Where a filter's answer goes. */
static void
set_who(struct ui *u, void *data, const char *text)
{
	struct trail *tr = data;
	if (!text)
		return;
	snprintf(tr->who, sizeof tr->who, "%s", text);
	trail_load(u, tr);
}

static void
set_record(struct ui *u, void *data, const char *text)
{
	struct trail *tr = data;
	rec_id id;
	if (!text)
		return;
	if (*text && rec_id_parse(text, &id) < 0) {
		ui_message(u, _("\"%s\" is not a record id: they look like res-3f9a2c71d0e4-42."), text);
		return;
	}
	snprintf(tr->record, sizeof tr->record, "%s", text);
	trail_load(u, tr);
}

static void
set_until(struct ui *u, void *data, const char *text)
{
	struct trail *tr = data;
	char day[11] = "";
	if (!text)
		return;
	if (*text && !day_of(text, day)) {
		ui_message(u, _("\"%s\" is not a date: type it as 2026-03-15 or 20260315."), text);
		return;
	}
	snprintf(tr->until, sizeof tr->until, "%s", day);
	trail_load(u, tr);
}

static void
set_since(struct ui *u, void *data, const char *text)
{
	struct trail *tr = data;
	char day[11] = "";
	if (!text)
		return;
	if (*text && !day_of(text, day)) {
		ui_message(u, _("\"%s\" is not a date: type it as 2026-03-15 or 20260315."), text);
		return;
	}
	snprintf(tr->since, sizeof tr->since, "%s", day);
	ui_prompt(u, _("To which day (2026-03-15; empty: up to today)?"), tr->until, set_until, tr);
}

static int
trail_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct trail *tr = s->data;
	size_t page = u->rows > 9 ? (size_t)(u->rows - 8) : 1;
	switch (a) {
	case ACT_BACK:
		return UI_POP;
	case ACT_UP:
	case ACT_DOWN:
	case ACT_PGUP:
	case ACT_PGDN:
	case ACT_HOME:
	case ACT_END:
		return ui_rows_key(&tr->at, tr->n, a, page);
	case ACT_BY_WORKER:
		ui_prompt(u, _("Whose entries (a login; empty: everyone's)?"), tr->who, set_who, tr);
		return UI_REDRAW;
	case ACT_BY_RECORD:
		ui_prompt(u, _("Which record's entries (its id; empty: every record's)?"), tr->record,
		          set_record, tr);
		return UI_REDRAW;
	case ACT_BY_DATE:
		ui_prompt(u, _("From which day (2026-03-15; empty: from the start)?"), tr->since,
		          set_since, tr);
		return UI_REDRAW;
	case ACT_CLEAR:
		tr->who[0] = tr->record[0] = tr->since[0] = tr->until[0] = '\0';
		trail_load(u, tr);
		ui_message(u, "%s", _("Every entry again."));
		return UI_REDRAW;
	case ACT_PRINT:
		trail_out(u, tr, true, 0);
		return UI_REDRAW;
	case ACT_EXPORT:
		ui_table_export_ask(u, trail_export, tr);
		return UI_REDRAW;
	default:
		return 0;
	}
}

static void
trail_free(struct screen *s)
{
	struct trail *tr = s->data;
	free(tr->ring);
	free(tr);
}

static const struct screen_ops trail_screen = {
	.scope = KS_AUDIT, .draw = trail_draw, .key = trail_key, .free = trail_free,
};

static void
audit_open(struct ui *u)
{
	if (!scope_may_audit(u->scope)) {
		ui_message(u, "%s", _("The audit trail is for supervisors and administrators: ask "
		                      "them if you need to know who changed a record."));
		return;
	}
	struct trail *tr = calloc(1, sizeof *tr);
	if (!tr || !(tr->ring = calloc(KEEP, sizeof *tr->ring))) {
		free(tr);
		ui_message(u, "%s", _("The computer ran out of memory."));
		return;
	}
	u->msg[0] = '\0';
	trail_load(u, tr);
	ui_push(u, &trail_screen, tr);
}

int
ui_audit_open(struct ui *u, const struct ui_args *a)
{
	(void)a;
	audit_open(u);
	return UI_REDRAW;
}
