/* ui-screens.c: the program's screens: the registry that ui_open looks
 * names up in, and what opens at start.  The one file that knows every
 * screen; the loop (ui.c) and the screens know none but themselves. */
#include "config.h"

#include "ui.h"

static const struct ui_entry screens[] = {
	{"home", ui_home_open},
	{"list", ui_list_open},
	{"new-record", ui_list_new},
	{"form", ui_form_open},
	{"draft", ui_form_offer_draft},
	{"case", ui_case_open},
	{"household", ui_house_open},
	{"house-member", ui_house_member},
	{"needs", ui_needs_open},
	{"referrals", ui_referral_lists},
	{"referral", ui_referral_view},
	{"refer", ui_referral_start},
	{"referral-save", ui_referral_save},
	{"news", ui_referral_news},
	{"audit", ui_audit_open},
	{"import", ui_import_open},
	{"report", ui_report_open},
	{"sync", ui_sync_open},
	{"today", ui_today_open},
	{"print", ui_print_open},
	{NULL, NULL},
};

/* the home menu first, the news over it, and a draft to bring back
 * over both: the draft is answered first, the news right after */
static const char *const start[] = {"home", "news", "draft", NULL};

int
ui_run(store *st, struct formset *forms, const char *dbdir, const char *login,
       const struct scope *scope)
{
	return ui_loop(st, forms, dbdir, login, scope, screens, start);
}
