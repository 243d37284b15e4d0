/* ui-home.c: the home screen: the menu of what a social-work room does,
 * the status line and the F-key bar. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "record.h"
#include "text.h"
#include "ui.h"

static const struct {
	const char *label;
	int kind;           /* what its count counts, 0 for none */
	const char *about;
} menu[UI_MENU_MAX] = {
	{N_("Residents"), REC_RESIDENT,
	 N_("Register residents; find them by name, pinyin initials or ID number.")},
	{N_("Needs intake"), REC_NEED,
	 N_("Take residents' needs, assess them, and keep the needs list.")},
	{N_("Six services"), REC_SERVICE,
	 N_("Record the services given: assessment, assistance, care for the old and young, "
	    "governance, resource linking, livelihood.")},
	{N_("Volunteers and organisations"), REC_VOLUNTEER,
	 N_("Register volunteers, volunteer teams and community organisations.")},
	{N_("Resources"), REC_RESOURCE,
	 N_("People, money, goods and services the room can link to residents.")},
	{N_("Referrals"), REC_REFERRAL,
	 N_("Refer hard cases to the township station and follow its answer.")},
	{N_("Reports"), 0,
	 N_("Monthly figures by village: services, people served, volunteer hours.")},
	{N_("Settings"), 0,
	 N_("Workers, villages, forms and backups.")},
};

struct counts_ctx {
	struct ui *u;
};

static int
count_all(store_txn *t, void *ctx)
{
	struct ui *u = ctx;
	for (int i = 0; i < UI_MENU_MAX; i++) {
		u->counts[i] = 0;
		if (menu[i].kind)
			store_count(t, menu[i].kind, &u->counts[i]);
	}
	return 0;
}

void
home_refresh_counts(struct ui *u)
{
	/* counts are kept per kind in the database: no scan, whatever the size */
	store_read(u->st, count_all, u);
}

/* The F-key bar, from the key table. */
static void
draw_bar(struct ui *u)
{
	char bar[512] = "";
	size_t n = 0;
	for (const struct key_binding *b = keys_table(); b->action != ACT_NONE; b++) {
		if (!b->bar || !b->fkey || !(b->scope & KS_HOME))
			continue;
		n += (size_t)snprintf(bar + n, sizeof bar - n, "%sF%d %s", n ? "  " : " ",
		                      b->fkey, _(b->bar));
		if (n >= sizeof bar)
			break;
	}
	ui_text(u->rows - 1, 0, u->cols, bar, A_REVERSE);
}

void
home_draw(struct ui *u)
{
	erase();
	/* title */
	char line[512];
	snprintf(line, sizeof line, " %s", _("shegong: village social-work room"));
	ui_text(0, 0, u->cols, line, A_REVERSE | A_BOLD);
	if (u->place && *u->place) {
		int w = text_width(u->place, strlen(u->place));
		if (w < u->cols / 2)
			ui_text(0, u->cols - w - 1, w, u->place, A_REVERSE | A_BOLD);
	}

	ui_text(2, 2, 40, _("Main menu"), A_BOLD);
	int labelw = u->cols >= 100 ? 40 : 32;
	for (int i = 0; i < UI_MENU_MAX; i++) {
		int y = 4 + i;
		int attr = i == u->sel ? A_REVERSE : A_NORMAL;
		char num[8];
		snprintf(num, sizeof num, " %d ", i + 1);
		ui_text(y, 2, 4, num, attr | A_BOLD);
		ui_text(y, 6, labelw, _(menu[i].label), attr);
		if (menu[i].kind) {
			char cnt[32];
			snprintf(cnt, sizeof cnt, "%zu", u->counts[i]);
			ui_text(y, 6 + labelw, 10, cnt, attr);
		} else {
			ui_text(y, 6 + labelw, 10, "", attr);
		}
	}
	/* what the chosen entry is for */
	ui_text(4 + UI_MENU_MAX + 1, 2, u->cols - 4, _(menu[u->sel].about), A_NORMAL);

	/* message line, status line, F-key bar */
	ui_text(u->rows - 3, 1, u->cols - 2, u->msg, A_BOLD);
	char date[16];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(date, sizeof date, "%Y-%m-%d", &tm);
	if (u->worker)
		snprintf(line, sizeof line, " %s %s (%s) %s  |  %s  |  %s", _("Worker:"), u->worker,
		         u->login, u->role ? u->role : "", u->place ? u->place : "", date);
	else
		snprintf(line, sizeof line, " %s %s (%s)  |  %s", _("Worker:"), u->login,
		         _("not registered"), date);
	ui_text(u->rows - 2, 0, u->cols, line, A_REVERSE);
	draw_bar(u);
}

int
home_key(struct ui *u, enum action a, bool is_key, wint_t key)
{
	if (!is_key && key >= L'1' && key < L'1' + UI_MENU_MAX) {
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
		/* the screens behind the menu come with the next releases */
		ui_message(u, _("%s: this part is not in this version of shegong yet."),
		           _(menu[u->sel].label));
		return UI_REDRAW;
	default:
		return 0;
	}
}
