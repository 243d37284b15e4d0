/* cli-today.c: `today`: the worker's day as text (today.c), the list the
 * screen "today" shows. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli-internal.h"
#include "i18n.h"
#include "paths.h"
#include "today.h"

static int
cmd_today(struct cli *c, const struct args *a)
{
	const char *date = args_value(a, "--date");
	if (a->noperands)
		return usage_error(_("today takes no operand: \"%s\""), a->operands[0]);
	if (date && !is_date(date))
		return usage_error(_("today: --date takes a date like 2026-12-03, not \"%s\""), date);
	struct formset *fs = load_forms(paths_forms());
	if (!fs)
		return 1;
	struct today_visits vis;
	char why[512];
	if (today_visits_load(paths_forms(), &vis, why, sizeof why) < 0) {
		say(stderr, "shegong: %s\n", why);
		formset_free(fs);
		return 1;
	}
	store *st;
	int rc = open_db(c, &st);
	struct today_list l = {0};
	if (!rc) {
		int err = today_list(st, c->scope, fs, &vis, date, &l);
		if (err)
			rc = store_error(c, err);
		store_close(st);
	}
	if (!rc) {
		say(stdout, _("To do today: %zu (overdue %zu)\n"), l.n, l.overdue);
		int last = 0;
		for (size_t i = 0; i < l.n; i++) {
			const struct today_item *it = &l.items[i];
			if ((int)it->group != last) {
				say(stdout, "\n%s\n", today_group_label(it->group));
				last = (int)it->group;
			}
			say(stdout, "%s\t%s\t", it->date, it->idtext);
			say_value(stdout, it->line, 0);
			say(stdout, "\n");
		}
	}
	today_list_free(&l);
	today_visits_free(&vis);
	formset_free(fs);
	return rc;
}

static const struct args_opt today_opts[] = {
	{"--date", 1}, {NULL, 0},
};

const struct cli_command cli_cmd_today = {
	"today", cmd_today, today_opts, CMD_DB | CMD_ACCOUNT,
	N_("today [--date YYYY-MM-DD]"),
	N_("What is due for your unit (今日待办): follow-ups due this week or overdue (needs and "
	   "services), referrals waiting for your step, residents due a regular visit by their "
	   "category (forms/visits). Grouped overdue, today, this week, regular visits; one item "
	   "a line: its date, the record id to open, what to do, separated by tabs."),
	NULL,
};
