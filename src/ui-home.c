/* ui-home.c: the home screen: the menu of what a social-work room does,
 * the status line and the F-key bar; p prints the chosen entry's form
 * blank, for paper use. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "orgunit.h"
#include "print.h"
#include "record.h"
#include "paths.h"
#include "text.h"
#include "today.h"
#include "ui.h"

static const struct {
	const char *label;
	int kind;           /* what its count counts, 0 for none */
	const char *about;
	const char *form;   /* the form whose list it opens, or NULL */
	const char *open;   /* or the screen it opens (ui_open) */
} menu[] = {
	{N_("Residents"), REC_RESIDENT,
	 N_("Register residents; find them by name, pinyin initials or ID number."), "resident", NULL},
	{N_("Needs intake"), REC_NEED,
	 N_("Take residents' needs, assess them, and keep the needs list."), "need", NULL},
	{N_("Six services"), REC_SERVICE,
	 N_("Record the services given: assessment, assistance, care for the old and young, "
	    "governance, resource linking, livelihood."), "service", NULL},
	{N_("Volunteers and organisations"), REC_VOLUNTEER,
	 N_("Register volunteers, volunteer teams and community organisations."), "volunteer|org", NULL},
	{N_("Resources"), REC_RESOURCE,
	 N_("People, money, goods and services the room can link to residents."), "resource", NULL},
	{N_("Referrals"), REC_REFERRAL,
	 N_("Refer hard cases to the township station and follow its answer."), NULL,
	 "referrals"},
	{N_("Reports"), 0,
	 N_("Monthly figures by village: services, people served, volunteer hours."), NULL,
	 "report"},
	{N_("Settings"), 0,
	 N_("The audit trail (supervisors and administrators); workers, villages, forms and "
	    "backups are kept with the shegong command."), NULL, "audit"},
	{N_("Data exchange"), 0,
	 N_("A village PC and its township server: send what changed and take the answers, over "
	    "the network or on a USB stick; the last exchange and what waits to go up."), NULL,
	 "sync"},
	{N_("Projects"), REC_PROJECT,
	 N_("The projects designed from the needs list (F3 in the needs table): find one again, "
	    "follow its status and dates."), "project", NULL},
};

#define NMENU ((int)(sizeof menu / sizeof *menu))

/* The home screen's state: the chosen entry, the counts shown. */
struct home {
	int sel;
	size_t counts[NMENU];
	const struct scope *scope;
	size_t todo, overdue;   /* today's work (today.c) */
	bool todo_read;
};

static int
count_all(store_txn *t, void *ctx)
{
	struct home *h = ctx;
	for (int i = 0; i < NMENU; i++) {
		h->counts[i] = 0;
		/* in the worker's reach, from counts and indexes: no scan */
		if (menu[i].kind)
			scope_count(t, h->scope, menu[i].kind, &h->counts[i]);
	}
	return 0;
}

static void
home_refresh_counts(struct ui *u, struct home *h)
{
	/* counts are kept per kind in the database: no scan, whatever the size */
	h->scope = u->scope;
	store_read(u->st, count_all, h);
	/* today's work reads the needs, services and residents of the
	 * worker's unit: a scan, once when the menu comes back */
	struct today_visits vis = {0};
	char why[256];
	/* a wrong line in forms/visits leaves out the visits only; the
	 * screen says which line.  The count alone: the lines are made when
	 * the list is opened */
	today_visits_load(paths_forms(), &vis, why, sizeof why);
	h->todo_read = today_count(u->st, u->scope, &vis, u->today, &h->todo, &h->overdue) == 0;
	today_visits_free(&vis);
}

/* The title names the place the worker works in: a village's room, the
 * township's station, the county's total station (the notice's four
 * levels), not a village room for everyone. */
static const char *
home_title(const struct scope *sc)
{
	switch (sc ? sc->level : 0) {
	case UNIT_TOWNSHIP:
		return _("shegong: township social-work station");
	case UNIT_COUNTY:
		return _("shegong: county social-work station");
	case UNIT_CITY:
		return _("shegong: city social-work support centre");
	default:
		return _("shegong: village social-work room");
	}
}

static void
home_draw(struct ui *u, struct screen *s)
{
	struct home *h = s->data;
	erase();
	ui_title(u, home_title(u->scope));
	ui_text(2, 2, 40, _("Main menu"), A_BOLD);
	int labelw = u->cols >= 100 ? 40 : 32;
	for (int i = 0; i < NMENU; i++) {
		int y = 4 + i;
		int attr = i == h->sel ? A_REVERSE : A_NORMAL;
		char num[8];
		snprintf(num, sizeof num, " %d ", (i + 1) % 10);
		ui_text(y, 2, 4, num, attr | A_BOLD);
		ui_text(y, 6, labelw, _(menu[i].label), attr);
		char cnt[32] = "";
		if (menu[i].kind)
			snprintf(cnt, sizeof cnt, "%zu", h->counts[i]);
		ui_text(y, 6 + labelw, 10, cnt, attr);
	}
	/* today's work, the first thing under the counts, with its key */
	if (h->todo_read) {
		char todo[160];
		snprintf(todo, sizeof todo, _("b  To do today: %zu (overdue %zu)"), h->todo, h->overdue);
		ui_text(4 + NMENU, 2, u->cols - 4, todo, h->overdue ? A_BOLD : A_NORMAL);
	}
	/* what the chosen entry is for */
	ui_text(4 + NMENU + 1, 2, u->cols - 4, _(menu[h->sel].about), A_NORMAL);
	u->free_row = 4 + NMENU + 2;   /* the news box goes under the menu and the line */
	unsigned long long hide = scope_may_audit(u->scope) ? 0 : 1ULL << ACT_AUDIT;
	/* a supervisor saves nothing, so imports nothing */
	if (u->scope && u->scope->role == ROLE_SUPERVISOR)
		hide |= 1ULL << ACT_IMPORT;
	ui_footer_hiding(u, KS_HOME, hide);
}

static void
home_list_chosen(struct ui *u, void *data, const char *value)
{
	(void)data;
	struct form *f = value ? formset_find(u->forms, value) : NULL;
	if (f)
		ui_open(u, "list", &(struct ui_args){.form = f});
}

/* An entry opens the list of its form; "service" stands for every form of
 * that kind; "a|b" lets the worker choose between two lists. */
static int
home_open(struct ui *u, struct home *h)
{
	const char *spec = menu[h->sel].form;
	u->msg[0] = '\0';
	if (spec && strchr(spec, '|')) {
		struct form *two[2] = {NULL, NULL};
		size_t n = 0;
		char *copy = strdup(spec), *save = NULL;
		for (char *w = copy ? strtok_r(copy, "|", &save) : NULL; w && n < 2;
		     w = strtok_r(NULL, "|", &save))
			if ((two[n] = formset_find(u->forms, w)))
				n++;
		free(copy);
		if (n) {
			ui_pick_form(u, _(menu[h->sel].label), two, n, home_list_chosen, NULL);
			return UI_REDRAW;
		}
	}
	struct form *f = spec ? formset_find(u->forms, spec) : NULL;
	if (!f && spec && rec_kind_from_name(spec))
		f = formset_for_kind(u->forms, rec_kind_from_name(spec));
	if (f) {
		ui_open(u, "list", &(struct ui_args){.form = f});
		return UI_REDRAW;
	}
	if (menu[h->sel].open) {
		ui_open(u, menu[h->sel].open, NULL);
		return UI_REDRAW;
	}
	/* the screens behind the other entries come with the next releases */
	ui_message(u, _("%s: this part is not in this version of shegong yet."),
	           _(menu[h->sel].label));
	return UI_REDRAW;
}

/* p: the chosen entry's form printed blank, for paper use; where the
 * entry has several forms (the six services; volunteers and
 * organisations) the worker chooses one first. */
static void
blank_chosen(struct ui *u, void *data, const char *value)
{
	(void)data;
	if (!value)
		return;
	struct print_req q = {.doc = PRINT_BLANK, .form = value};
	ui_open(u, "print", &(struct ui_args){.req = &q});
}

static void
blank_add(struct form **v, size_t *n, struct form *f)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i] == f)
			return;
	if (*n < 16)
		v[(*n)++] = f;
}

static int
home_blank(struct ui *u, struct home *h)
{
	struct form *v[16];
	size_t n = 0;
	const char *spec = menu[h->sel].form;
	char *copy = spec ? strdup(spec) : NULL, *save = NULL;
	for (char *w = copy ? strtok_r(copy, "|", &save) : NULL; w; w = strtok_r(NULL, "|", &save)) {
		struct form *f = formset_find(u->forms, w);
		int kind = f ? 0 : rec_kind_from_name(w);
		if (f)
			blank_add(v, &n, f);
		for (size_t i = 0; kind && i < u->forms->nforms; i++)
			if (u->forms->forms[i]->kind == kind)
				blank_add(v, &n, u->forms->forms[i]);
	}
	free(copy);
	for (size_t i = 0; !spec && menu[h->sel].kind && i < u->forms->nforms; i++)
		if (u->forms->forms[i]->kind == menu[h->sel].kind)
			blank_add(v, &n, u->forms->forms[i]);
	u->msg[0] = '\0';
	if (n == 0) {
		ui_message(u, "%s", _("This entry has no form to print blank: choose one that records "
		                      "something (residents, needs, services ...), then press p."));
		return UI_REDRAW;
	}
	if (n == 1) {
		blank_chosen(u, NULL, v[0]->name);
		return UI_REDRAW;
	}
	ui_pick_form(u, _("Print which form blank?"), v, n, blank_chosen, NULL);
	return UI_REDRAW;
}

static void
leave_answered(struct ui *u, void *data, bool yes)
{
	(void)data;
	u->quit = yes;
}

static int
home_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	struct home *h = s->data;
	/* a digit chooses one of the first nine entries (the others by the
	 * arrows); Esc and a digit is an F-key (Esc 7: F7) */
	if (a == ACT_NONE && !is_key && key >= L'1' && key <= L'9' && key - L'1' < NMENU) {
		h->sel = (int)(key - L'1');
		a = ACT_OPEN;
	} else if (a == ACT_NONE && !is_key && key == L'0' && NMENU >= 10) {
		h->sel = 9;   /* the tenth: 0, as on a keyboard's row of digits */
		a = ACT_OPEN;
	}
	switch (a) {
	case ACT_QUIT:
		/* F10 pressed once too often while backing out of a screen
		 * must not end the session (over ssh: log out); the home
		 * screen is the bottom of the stack, so nothing typed is open
		 * above it and no exchange runs (it runs inside its key), and
		 * one question is all it takes.  F10 or Esc again says no. */
		ui_ask(u, _("Leave the program?"), leave_answered, NULL);
		return UI_REDRAW;
	case ACT_UP:
		h->sel = (h->sel + NMENU - 1) % NMENU;
		return UI_REDRAW;
	case ACT_DOWN:
		h->sel = (h->sel + 1) % NMENU;
		return UI_REDRAW;
	case ACT_HOME:
	case ACT_PGUP:
		h->sel = 0;
		return UI_REDRAW;
	case ACT_END:
	case ACT_PGDN:
		h->sel = NMENU - 1;
		return UI_REDRAW;
	case ACT_OPEN:
		return home_open(u, h);
	case ACT_AUDIT:
		return ui_open(u, "audit", NULL);
	case ACT_TODAY:
		u->msg[0] = '\0';
		return ui_open(u, "today", NULL);
	case ACT_IMPORT:
		u->msg[0] = '\0';
		return ui_open(u, "import", NULL);
	case ACT_PRINT:
		return home_blank(u, h);
	default:
		return 0;
	}
}

static void
home_resume(struct ui *u, struct screen *s)
{
	home_refresh_counts(u, s->data);
}

static void
home_free(struct screen *s)
{
	free(s->data);
}

static const struct screen_ops home_screen = {
	.scope = KS_HOME, .draw = home_draw, .key = home_key, .resume = home_resume,
	.free = home_free,
};

int
ui_home_open(struct ui *u, const struct ui_args *a)
{
	(void)a;
	struct home *h = calloc(1, sizeof *h);
	if (!h)
		return 0;
	home_refresh_counts(u, h);
	ui_push(u, &home_screen, h);
	return UI_REDRAW;
}
