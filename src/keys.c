/* keys.c: the key table, and looking a key up in it. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "keys.h"

#define REFERRAL (KS_REFLIST | KS_REFVIEW | KS_REFSEND | KS_REFRECV)
#define BACKABLE (KS_HELP | KS_LIST | KS_VIEW | KS_EDIT | KS_PICK | KS_ASK | KS_NEEDS | KS_TEXT | \
                  KS_CASE | REFERRAL | KS_AUDIT | KS_REPORT | KS_SYNC | KS_NOTICES)
#define MOVING (KS_HOME | KS_HELP | KS_LIST | KS_VIEW | KS_EDIT | KS_PICK | KS_NEEDS | KS_TEXT | \
                KS_CASE | REFERRAL | KS_AUDIT | KS_NEWS | KS_REPORT | KS_SYNC | KS_NOTICES)
/* screens that take no typing: q goes back */
#define READING (KS_HELP | KS_VIEW | KS_NEEDS | KS_TEXT | KS_CASE | REFERRAL | KS_AUDIT | \
                 KS_REPORT | KS_SYNC | KS_NOTICES)

/* Plain characters (ch) act only where the screen is not taking text:
 * in a search box or a form field they are typed. */
static const struct key_binding table[] = {
	{ACT_HELP, KS_ALL & ~KS_HELP, 1, 'G', 0, L'?', N_("Help"), N_("Show the keys of this screen")},
	{ACT_HELP, KS_HELP, 1, 'G', 0, 0, NULL, NULL},
	{ACT_QUIT, KS_HOME, 10, 'Q', 0, L'q', N_("Quit"), N_("Leave the program")},
	{ACT_BACK, BACKABLE, 10, 'Q', 0, 0, N_("Back"), N_("Go back (asks first if a form has changes)")},
	{ACT_BACK, BACKABLE | KS_NEWS, 0, 0, 0, 27, NULL, N_("Go back")},
	{ACT_BACK, READING, 0, 0, 0, L'q', NULL, NULL},
	{ACT_SAVE, KS_EDIT, 2, 'S', 0, 0, N_("Save"), N_("Save the form")},
	{ACT_NEW, KS_LIST, 3, 'A', 0, 0, N_("New"), N_("Register a new record")},
	{ACT_NEW, KS_NEEDS, 3, 'A', 0, 0, N_("Project"), N_("Design a project for the chosen service's needs")},
	{ACT_EDIT, KS_VIEW | KS_REFSEND, 4, 'E', 0, 0, N_("Edit"), N_("Edit this record")},
	{ACT_PICK, KS_EDIT, 4, 'T', 0, 0, N_("Choose"), N_("Choose from a list: choices, a resident, a village")},
	{ACT_FILTER, KS_LIST, 5, 'F', 0, 0, N_("Filter"), N_("Show one village or one status only")},
	{ACT_SORT, KS_LIST, 6, 'O', 0, 0, N_("Order"), N_("Order by name, or newest first")},
	{ACT_NEED, KS_VIEW | KS_CASE, 7, 'W', 0, 0, N_("Need"), N_("Take a need for this resident")},
	{ACT_NEW, KS_CASE, 3, 'A', 0, 0, N_("Service"), N_("Record a service for this resident")},
	{ACT_CASE, KS_VIEW, 9, 'K', 0, 0, N_("Related"), N_("A resident's case file; a volunteer's certificate; an organisation's or a resource's services")},
	{ACT_SUMMARY, KS_LIST, 8, 'Y', 0, 0, N_("Summary"), N_("The needs list: needs by service and status")},
	{ACT_REFER, KS_VIEW | KS_CASE, 6, 'R', 0, 0, N_("Refer"),
	 N_("Refer this resident (and this need) to the unit above: a new referral")},
	{ACT_AUDIT, KS_HOME, 8, 'T', 0, 0, N_("Audit"),
	 N_("The audit trail: who changed what, when (supervisors and administrators)")},
	{ACT_IMPORT, KS_HOME, 7, 'O', 0, 0, N_("Import"),
	 N_("Import records from a spreadsheet's CSV file, with a bar showing how far it is")},
	/* the referral lists and a referral's steps: the bar shows only the
	 * steps open to this worker on this referral now */
	{ACT_NEW, KS_REFLIST, 3, 'A', 0, 0, N_("New"), N_("A new referral: choose the resident first")},
	{ACT_SWITCH, KS_REFLIST, 5, 'T', 0, L'\t', N_("Switch"),
	 N_("The next list: received, sent, overdue")},
	{ACT_REF_SUBMIT, KS_REFSEND, 2, 'S', 0, 0, N_("Submit"),
	 N_("Send the referral to the unit it is addressed to")},
	{ACT_REF_CLOSE, KS_REFSEND, 5, 'X', 0, 0, N_("Close"),
	 N_("Close the referral after following it up")},
	{ACT_REF_WITHDRAW, KS_REFSEND, 6, 'W', 0, 0, N_("Withdraw"),
	 N_("Take the referral back before it is accepted")},
	{ACT_REF_ACCEPT, KS_REFRECV, 2, 'A', 0, 0, N_("Accept"), N_("Accept the referral")},
	{ACT_REF_RETURN, KS_REFRECV, 3, 'R', 0, 0, N_("Return"),
	 N_("Send the referral back to the village, saying why")},
	{ACT_REF_START, KS_REFRECV, 4, 'T', 0, 0, N_("Start"), N_("Start work on the referral")},
	{ACT_REF_RESOLVE, KS_REFRECV, 5, 'V', 0, 0, N_("Resolve"),
	 N_("Record the outcome and the feedback for the village")},
	{ACT_REF_ESCALATE, KS_REFRECV, 6, 'U', 0, 0, N_("Escalate"),
	 N_("Refer it further up, saying why")},
	{ACT_SLIP, KS_REFVIEW, 9, 'Y', 0, 0, N_("Slip"),
	 N_("The referral slip (转介单) with its stub and return slip, to print")},
	/* the audit trail's filters */
	{ACT_BY_WORKER, KS_AUDIT, 3, 'W', 0, 0, N_("Worker"), N_("Only one worker's entries (a login)")},
	{ACT_BY_RECORD, KS_AUDIT, 4, 'R', 0, 0, N_("Record"), N_("Only one record's entries (its id)")},
	{ACT_BY_DATE, KS_AUDIT, 5, 'D', 0, 0, N_("Dates"),
	 N_("Only the entries from one day to another")},
	{ACT_CLEAR, KS_AUDIT, 6, 'X', 0, 0, N_("All"), N_("Clear the filters: every entry again")},
	/* the report: its period, and the village whose trend the chart shows */
	{ACT_PERIOD_KIND, KS_REPORT, 5, 'T', 0, 0, N_("Month/quarter"),
	 N_("Switch between the month and its quarter")},
	{ACT_PERIOD_PREV, KS_REPORT, 7, 'E', 0, L'[', N_("Earlier"),
	 N_("The month (or quarter) before")},
	{ACT_PERIOD_NEXT, KS_REPORT, 8, 'R', 0, L']', N_("Later"), N_("The month (or quarter) after")},
	{ACT_LEFT, KS_REPORT, 0, 'B', KEY_LEFT, 0, NULL,
	 N_("The village before: its figures marked, its trend in the chart")},
	{ACT_RIGHT, KS_REPORT, 0, 'F', KEY_RIGHT, 0, NULL,
	 N_("The next village (the total last): its trend in the chart")},
	/* the exchange with the township: a village PC's ssh exchange (F2, F5),
	 * files for the USB stick either way (F3, F4), the notices (F6) */
	{ACT_SYNC_NOW, KS_SYNC, 2, 'E', 0, 0, N_("Exchange"),
	 N_("Exchange with the township server now, over the network (ssh)")},
	{ACT_SYNC_TOFILE, KS_SYNC, 3, 'W', 0, 0, N_("Write file"),
	 N_("Write an exchange file to carry on a USB stick (a township: for one village)")},
	{ACT_SYNC_FROMFILE, KS_SYNC, 4, 'R', 0, 0, N_("Take file"),
	 N_("Take an exchange file the other side wrote")},
	{ACT_SYNC_HOST, KS_SYNC, 5, 'O', 0, 0, N_("Other host"),
	 N_("Exchange over ssh with a host typed now (it is remembered)")},
	{ACT_NOTICES, KS_SYNC, 6, 'T', 0, 0, N_("Notices"),
	 N_("What an exchange could not merge, to read and settle")},
	{ACT_SETTLE, KS_NOTICES, 2, 'S', 0, 0, N_("Settled"),
	 N_("Mark the notice settled, with a note of what was decided")},
	{ACT_UP, MOVING, 0, 'P', KEY_UP, L'k', NULL, N_("Move up")},
	{ACT_DOWN, MOVING, 0, 'N', KEY_DOWN, L'j', NULL, N_("Move down")},
	{ACT_PREV, KS_EDIT, 0, 0, KEY_BTAB, 0, NULL, N_("Previous field (Shift-Tab)")},
	{ACT_NEXT, KS_EDIT, 0, 0, 0, L'\t', NULL, N_("Next field (Tab)")},
	{ACT_NEXT, KS_EDIT, 0, 0, KEY_ENTER, L'\r', NULL, NULL},
	{ACT_PGUP, MOVING, 0, 0, KEY_PPAGE, 0, NULL, N_("Page up")},
	{ACT_PGDN, MOVING, 0, 0, KEY_NPAGE, 0, NULL, N_("Page down")},
	{ACT_HOME, MOVING, 0, 0, KEY_HOME, 0, NULL, N_("To the start")},
	{ACT_END, MOVING, 0, 0, KEY_END, 0, NULL, N_("To the end")},
	{ACT_LEFT, KS_EDIT | KS_LIST, 0, 'B', KEY_LEFT, 0, NULL, N_("Cursor left")},
	{ACT_RIGHT, KS_EDIT | KS_LIST, 0, 0, KEY_RIGHT, 0, NULL, N_("Cursor right")},
	{ACT_BACKSPACE, KS_EDIT | KS_LIST, 0, 'H', KEY_BACKSPACE, 127, NULL, N_("Delete the character before the cursor")},
	{ACT_DELETE, KS_EDIT | KS_LIST, 0, 'D', KEY_DC, 0, NULL, N_("Delete the character under the cursor")},
	{ACT_KILL, KS_EDIT | KS_LIST, 0, 'U', 0, 0, NULL, N_("Clear the whole value")},
	{ACT_NEWLINE, KS_EDIT, 0, 'J', 0, 0, NULL, N_("A new line inside a note")},
	{ACT_OPEN, KS_HOME | KS_LIST | KS_PICK | KS_VIEW | KS_NEEDS | KS_CASE | KS_REFLIST | KS_NEWS |
	 KS_NOTICES, 0,
	 0, KEY_ENTER, L'\r', NULL, N_("Open, or choose")},
	{ACT_TOGGLE, KS_PICK, 0, 0, 0, L' ', NULL, N_("Tick or untick (lists of several)")},
	{ACT_REDRAW, KS_ALL, 0, 'L', 0, 0, NULL, N_("Redraw the screen")},
	{ACT_NONE, 0, 0, 0, 0, 0, NULL, NULL},
};

const struct key_binding *
keys_table(void)
{
	return table;
}

enum action
keys_lookup(unsigned scope, bool is_key, wint_t key, bool escaped)
{
	int fkey = 0;
	if (is_key && key >= (wint_t)KEY_F(1) && key <= (wint_t)KEY_F(12))
		fkey = (int)(key - KEY_F0);
	else if (escaped && !is_key && key >= L'0' && key <= L'9')
		fkey = key == L'0' ? 10 : (int)(key - L'0');
	for (const struct key_binding *b = table; b->action != ACT_NONE; b++) {
		if (!(b->scope & scope))
			continue;
		if (fkey) {
			if (b->fkey == fkey)
				return b->action;
			continue;
		}
		if (is_key && b->curses_key && (wint_t)b->curses_key == key)
			return b->action;
		if (!is_key && b->ctrl && key == (wint_t)(b->ctrl & 0x1f))
			return b->action;
		if (!is_key && b->ch && key == (wint_t)b->ch)
			return b->action;
	}
	/* ^H arrives as KEY_BACKSPACE from some terminals and as 8 from others */
	if (!is_key && key == 8 && (scope & (KS_EDIT | KS_LIST)))
		return ACT_BACKSPACE;
	return ACT_NONE;
}

static const char *
curses_key_name(int k)
{
	static const struct {
		int key;
		const char *name;
	} names[] = {
		{KEY_UP, N_("Up")},       {KEY_DOWN, N_("Down")},
		{KEY_PPAGE, N_("PgUp")},  {KEY_NPAGE, N_("PgDn")},
		{KEY_HOME, N_("Home")},   {KEY_END, N_("End")},
		{KEY_ENTER, N_("Enter")},  {KEY_LEFT, N_("Left")},
		{KEY_RIGHT, N_("Right")}, {KEY_BACKSPACE, N_("Backspace")},
		{KEY_DC, N_("Delete")},   {KEY_BTAB, N_("Shift-Tab")},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].key == k)
			return _(names[i].name);
	return "?";
}

void
keys_describe(const struct key_binding *b, char *buf, size_t size, bool plain)
{
	size_t n = 0;
	buf[0] = '\0';
#define ADD(...)                                                     \
	do {                                                         \
		if (n < size)                                        \
			n += (size_t)snprintf(buf + n, size - n, "%s", n ? ", " : ""); \
		if (n < size)                                        \
			n += (size_t)snprintf(buf + n, size - n, __VA_ARGS__); \
	} while (0)
	if (b->fkey)
		ADD("F%d", b->fkey);
	if (b->curses_key)
		ADD("%s", curses_key_name(b->curses_key));
	if (b->ctrl)
		ADD("Ctrl-%c", b->ctrl);
	if (b->fkey && b->fkey <= 10)
		ADD("Esc %d", b->fkey % 10);
	if (b->ch == 27)
		ADD("Esc");
	else if (b->ch == L'\r' && !b->curses_key)
		ADD("%s", _("Enter"));
	else if (b->ch == L'\t')
		ADD("Tab");
	else if (b->ch == L' ' && plain)
		ADD("%s", _("Space"));
	else if (b->ch > 32 && b->ch < 127 && plain)
		ADD("%c", (char)b->ch);
#undef ADD
}
