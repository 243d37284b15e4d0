/* ui-home.c: the home screen: the menu of what a social-work room does,
 * the status line and the F-key bar. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "orgunit.h"
#include "record.h"
#include "text.h"
#include "ui.h"

static const struct {
	const char *label;
	int kind;           /* what its count counts, 0 for none */
	const char *about;
	const char *form;   /* the form whose list it opens, or NULL */
	void (*open)(struct ui *u);   /* or the screen it opens */
} menu[UI_MENU_MAX] = {
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
	 referrals_open},
	{N_("Reports"), 0,
	 N_("Monthly figures by village: services, people served, volunteer hours."), NULL,
	 report_screen_open},
	{N_("Settings"), 0,
	 N_("The audit trail (supervisors and administrators); workers, villages, forms and "
	    "backups are kept with the shegong command."), NULL, audit_screen_open},
	{N_("Data exchange"), 0,
	 N_("A village PC and its township server: send what changed and take the answers, over "
	    "the network or on a USB stick; the last exchange and what waits to go up."), NULL,
	 sync_screen_open},
};

static int
count_all(store_txn *t, void *ctx)
{
	struct ui *u = ctx;
	for (int i = 0; i < UI_MENU_MAX; i++) {
		u->counts[i] = 0;
		/* in the worker's reach, from counts and indexes: no scan */
		if (menu[i].kind)
			scope_count(t, u->scope, menu[i].kind, &u->counts[i]);
	}
	return 0;
}

void
home_refresh_counts(struct ui *u)
{
	/* counts are kept per kind in the database: no scan, whatever the size */
	store_read(u->st, count_all, u);
}

static void
home_draw(struct ui *u, struct screen *s)
{
	(void)s;
	erase();
	ui_title(u, _("shegong: village social-work room"));
	ui_text(2, 2, 40, _("Main menu"), A_BOLD);
	int labelw = u->cols >= 100 ? 40 : 32;
	for (int i = 0; i < UI_MENU_MAX; i++) {
		int y = 4 + i;
		int attr = i == u->sel ? A_REVERSE : A_NORMAL;
		char num[8];
		snprintf(num, sizeof num, " %d ", i + 1);
		ui_text(y, 2, 4, num, attr | A_BOLD);
		ui_text(y, 6, labelw, _(menu[i].label), attr);
		char cnt[32] = "";
		if (menu[i].kind)
			snprintf(cnt, sizeof cnt, "%zu", u->counts[i]);
		ui_text(y, 6 + labelw, 10, cnt, attr);
	}
	/* what the chosen entry is for */
	ui_text(4 + UI_MENU_MAX + 1, 2, u->cols - 4, _(menu[u->sel].about), A_NORMAL);
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
		list_open(u, f, NULL);
}

/* An entry opens the list of its form; "service" stands for every form of
 * that kind; "a|b" lets the worker choose between two lists. */
static int
home_open(struct ui *u)
{
	const char *spec = menu[u->sel].form;
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
			pick_form(u, _(menu[u->sel].label), two, n, home_list_chosen, NULL);
			return UI_REDRAW;
		}
	}
	struct form *f = spec ? formset_find(u->forms, spec) : NULL;
	if (!f && spec && rec_kind_from_name(spec))
		f = formset_for_kind(u->forms, rec_kind_from_name(spec));
	if (f) {
		list_open(u, f, NULL);
		return UI_REDRAW;
	}
	if (menu[u->sel].open) {
		menu[u->sel].open(u);
		return UI_REDRAW;
	}
	/* the screens behind the other entries come with the next releases */
	ui_message(u, _("%s: this part is not in this version of shegong yet."),
	           _(menu[u->sel].label));
	return UI_REDRAW;
}

static int
home_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)s;
	/* a digit chooses an entry; Esc and a digit is an F-key (Esc 7: F7) */
	if (a == ACT_NONE && !is_key && key >= L'1' && key < L'1' + UI_MENU_MAX) {
		u->sel = (int)(key - L'1');
		a = ACT_OPEN;
	}
	switch (a) {
	case ACT_QUIT:
		return UI_QUIT;
	case ACT_UP:
		u->sel = (u->sel + UI_MENU_MAX - 1) % UI_MENU_MAX;
		return UI_REDRAW;
	case ACT_DOWN:
		u->sel = (u->sel + 1) % UI_MENU_MAX;
		return UI_REDRAW;
	case ACT_HOME:
	case ACT_PGUP:
		u->sel = 0;
		return UI_REDRAW;
	case ACT_END:
	case ACT_PGDN:
		u->sel = UI_MENU_MAX - 1;
		return UI_REDRAW;
	case ACT_OPEN:
		return home_open(u);
	case ACT_AUDIT:
		audit_screen_open(u);
		return UI_REDRAW;
	case ACT_IMPORT:
		u->msg[0] = '\0';
		import_screen_open(u);
		return UI_REDRAW;
	default:
		return 0;
	}
}

static void
home_resume(struct ui *u, struct screen *s)
{
	(void)s;
	home_refresh_counts(u);
}

const struct screen_ops home_screen = {
	.scope = KS_HOME, .draw = home_draw, .key = home_key, .resume = home_resume,
};
