/* keys.c: the key table, and looking a key up in it. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "keys.h"

#define REFERRAL (KS_REFLIST | KS_REFVIEW | KS_REFSEND | KS_REFRECV)
#define BACKABLE (KS_HELP | KS_LIST | KS_VIEW | KS_EDIT | KS_PICK | KS_ASK | KS_NEEDS | KS_TEXT | \
                  KS_CASE | REFERRAL | KS_AUDIT | KS_REPORT | KS_SYNC | KS_NOTICES | KS_TODAY | KS_HOUSE)
#define MOVING (KS_HOME | KS_HELP | KS_LIST | KS_VIEW | KS_EDIT | KS_PICK | KS_NEEDS | KS_TEXT | \
                KS_CASE | REFERRAL | KS_AUDIT | KS_NEWS | KS_REPORT | KS_SYNC | KS_NOTICES | \
                KS_TODAY | KS_HOUSE)
/* screens that take no typing: q goes back */
#define READING (KS_HELP | KS_VIEW | KS_NEEDS | KS_TEXT | KS_CASE | REFERRAL | KS_AUDIT | \
                 KS_REPORT | KS_SYNC | KS_NOTICES | KS_TODAY | KS_HOUSE)

/* What a key shared by several actions means, the same wherever it acts. */
#define M_BACK N_("Back; on the home screen, quit")
#define M_SAVE N_("Save: a form, or a notice as settled")
#define M_NEW N_("New: a record, a project, a service, a referral")
#define M_EDIT N_("Change: edit the record; in a form, choose the field's value")
#define M_SHOW N_("Show: what the screen lists (a filter, the other list, month or quarter)")
#define M_REFER N_("Refer: send to the unit above (a new referral, submit it, refer it further up)")
#define M_GIVEBACK N_("Give back: return a referral to its sender, withdraw it, or void a record made by mistake")
#define M_RELATED N_("Related: what goes with it (case file, certificate, slip, needs summary)")
#define M_TAKE N_("Take on: accept a referral, then start work on it")
#define M_FINISH N_("Finish: resolve a referral, then close it")
#define M_ENTER N_("Enter: open or choose; in a form, the next field")
#define M_TAB N_("Tab: the next field, or the next list")

/* One row a binding: action, screens, F-key, Ctrl letter, curses key,
 * plain character, bar label, help line, what a shared key means.  An
 * action has the same keys on every screen, and a key shared by several
 * actions has one meaning for all of them (keys_check, tests/check-keys.c).
 * Plain characters (ch) act only where the screen is not taking text: in
 * a search box or a form field they are typed (Esc and the letter still
 * work there).  Actions with neither an F-key nor a Ctrl key are letters
 * on screens that take no typing. */
static const struct key_binding table[] = {
	{ACT_HELP, KS_ALL & ~KS_HELP, 1, 'G', 0, L'?', N_("Help"), N_("Show the keys of this screen"), NULL},
	{ACT_HELP, KS_HELP, 1, 'G', 0, 0, NULL, NULL, NULL},
	{ACT_QUIT, KS_HOME, 10, 'Q', 0, L'q', N_("Quit"), N_("Leave the program"), M_BACK},
	{ACT_BACK, BACKABLE, 10, 'Q', 0, 0, N_("Back"), N_("Go back (asks first if a form has changes)"), M_BACK},
	{ACT_BACK, BACKABLE | KS_NEWS, 0, 0, 0, 27, NULL, N_("Go back"), M_BACK},
	{ACT_BACK, READING, 0, 0, 0, L'q', NULL, NULL, M_BACK},
	{ACT_SAVE, KS_EDIT, 2, 'S', 0, 0, N_("Save"), N_("Save the form"), M_SAVE},
	{ACT_SETTLE, KS_NOTICES, 2, 'S', 0, 0, N_("Settled"),
	 N_("Mark the notice settled, with a note of what was decided"), M_SAVE},
	{ACT_NEW, KS_LIST, 3, 'A', 0, 0, N_("New"), N_("Register a new record"), M_NEW},
	{ACT_NEW, KS_NEEDS, 3, 'A', 0, 0, N_("Project"), N_("Design a project for the chosen service's needs"), M_NEW},
	{ACT_NEW, KS_CASE, 3, 'A', 0, 0, N_("Service"), N_("Record a service for this resident"), M_NEW},
	{ACT_NEW, KS_REFLIST, 3, 'A', 0, 0, N_("New"), N_("A new referral: choose the resident first"), M_NEW},
	{ACT_EDIT, KS_VIEW | KS_REFSEND, 4, 'E', 0, 0, N_("Edit"), N_("Edit this record"), M_EDIT},
	{ACT_PICK, KS_EDIT, 4, 'E', 0, 0, N_("Choose"), N_("Choose from a list: choices, a resident, a village"), M_EDIT},
	{ACT_FILTER, KS_LIST, 5, 'T', 0, 0, N_("Filter"), N_("Show one village, one status, or some categories of people or functions only"), M_SHOW},
	{ACT_SWITCH, KS_REFLIST, 5, 'T', 0, 0, N_("Switch"),
	 N_("The next list: received, sent, overdue"), M_SHOW},
	{ACT_SWITCH, KS_REFLIST, 0, 0, 0, L'\t', NULL, NULL, M_TAB},
	{ACT_PERIOD_KIND, KS_REPORT, 5, 'T', 0, 0, N_("Month/quarter"),
	 N_("Switch between the month and its quarter"), M_SHOW},
	{ACT_REFER, KS_VIEW | KS_CASE, 6, 'R', 0, 0, N_("Refer"),
	 N_("Refer this resident (and this need) to the unit above: a new referral"), M_REFER},
	{ACT_REF_SUBMIT, KS_REFSEND, 6, 'R', 0, 0, N_("Submit"),
	 N_("Send the referral to the unit it is addressed to"), M_REFER},
	{ACT_REF_ESCALATE, KS_REFRECV, 6, 'R', 0, 0, N_("Escalate"),
	 N_("Refer it further up, saying why"), M_REFER},
	{ACT_NEED, KS_VIEW | KS_CASE, 7, 'W', 0, 0, N_("Need"), N_("Take a need for this resident"), NULL},
	{ACT_REF_RETURN, KS_REFRECV, 8, 'Y', 0, 0, N_("Return"),
	 N_("Send the referral back to the village, saying why"), M_GIVEBACK},
	{ACT_REF_WITHDRAW, KS_REFSEND, 8, 'Y', 0, 0, N_("Withdraw"),
	 N_("Take the referral back before it is accepted"), M_GIVEBACK},
	{ACT_VOID, KS_VIEW, 8, 'Y', 0, 0, N_("Void"),
	 N_("Void a record made by mistake, saying why: it is kept, but left out of lists and reports"),
	 M_GIVEBACK},
	{ACT_CASE, KS_VIEW | KS_HOUSE, 9, 'K', 0, 0, N_("Related"), N_("A resident's case file; a volunteer's certificate; an organisation's or a resource's services"), M_RELATED},
	{ACT_SLIP, KS_REFVIEW, 9, 'K', 0, 0, N_("Slip"),
	 N_("The referral slip (转介单) with its stub and return slip, to print"), M_RELATED},
	{ACT_SUMMARY, KS_LIST, 9, 'K', 0, 0, N_("Summary"), N_("Needs: the table by service and status; services: the month's figures by function"), M_RELATED},
	{ACT_REF_ACCEPT, KS_REFRECV, 11, 'X', 0, 0, N_("Accept"), N_("Accept the referral"), M_TAKE},
	{ACT_REF_START, KS_REFRECV, 11, 'X', 0, 0, N_("Start"), N_("Start work on the referral"), M_TAKE},
	{ACT_REF_RESOLVE, KS_REFRECV, 12, 'V', 0, 0, N_("Resolve"),
	 N_("Record the outcome and the feedback for the village"), M_FINISH},
	{ACT_REF_CLOSE, KS_REFSEND, 12, 'V', 0, 0, N_("Close"),
	 N_("Close the referral after following it up"), M_FINISH},
	{ACT_SORT, KS_LIST, 0, 'O', 0, 0, N_("Order"), N_("Order by name, or newest first"), NULL},
	/* a resident's household: letters on the screens that show a resident */
	{ACT_MEMBER, KS_VIEW | KS_CASE | KS_HOUSE, 0, 0, 0, L'm', N_("Member"),
	 N_("Register a family member: a new resident with this household's number, village, "
	    "group and address"), NULL},
	{ACT_HOUSEHOLD, KS_VIEW | KS_CASE, 0, 0, 0, L'f', N_("Family"),
	 N_("The household: its members with their categories, open needs and recent services"),
	 NULL},
	{ACT_MEMBER_OPEN, KS_CASE, 0, 0, 0, L'1', NULL,
	 N_("1 to 9: open the household member with that number on the household line"), NULL},
	/* a document to print: a letter, on screens that take no typing */
	{ACT_PRINT, KS_TEXT | KS_REFVIEW | KS_VIEW, 0, 0, 0, L'p', N_("Print"),
	 N_("Print the document (a referral slip, a volunteer's certificate, a resident's case "
	    "file): on your terminal's printer, into your files folder, or on this PC's printer"),
	 NULL},
	{ACT_PRINT, KS_CASE, 0, 0, 0, L'p', N_("Print"),
	 N_("Print this resident's case file (个人档案), masked as your role sees it"), NULL},
	{ACT_PRINT, KS_REPORT, 0, 0, 0, L'p', N_("Print"),
	 N_("Print the report shown (the village chosen, or all with the total); d in the print "
	    "box: the chosen village's service ledger (服务台账) of the month instead"), NULL},
	{ACT_PRINT, KS_HOME, 0, 0, 0, L'p', N_("Blank form"),
	 N_("Print the chosen entry's form blank, for paper use on home visits"), NULL},
	/* a list takes typing (its search box): Esc p, Esc x there */
	{ACT_PRINT, KS_LIST, 0, 0, 0, L'p', N_("Print"),
	 N_("Print the list as shown, every row of its filter (Esc p: the search box takes "
	    "letters)"), NULL},
	{ACT_EXPORT, KS_LIST, 0, 0, 0, L'x', N_("Export"),
	 N_("Export the list as shown, every row of its filter, to an Excel (XLSX) or CSV file in "
	    "your files folder (Esc x)"), NULL},
	/* the other lists take no typing: p and x, and Esc p, Esc x as on a list */
	{ACT_PRINT, KS_REFLIST | KS_NEEDS | KS_TODAY | KS_HOUSE | KS_AUDIT, 0, 0, 0, L'p',
	 N_("Print"), N_("Print the list as shown, every row of it, with what it is filtered by"),
	 NULL},
	{ACT_EXPORT, KS_REFLIST | KS_NEEDS | KS_TODAY | KS_HOUSE | KS_AUDIT, 0, 0, 0, L'x',
	 N_("Export"),
	 N_("Export the list as shown, every row of it, to an Excel (XLSX) or CSV file in your "
	    "files folder"), NULL},
	/* the home screen's own: letters (it takes no typing but digits) */
	{ACT_IMPORT, KS_HOME, 0, 0, 0, L'i', N_("Import"),
	 N_("Import records from a spreadsheet (CSV or Excel .xlsx), with a bar showing how far it is"), NULL},
	{ACT_AUDIT, KS_HOME, 0, 0, 0, L'a', N_("Audit"),
	 N_("The audit trail: who changed what, when (supervisors and administrators)"), NULL},
	{ACT_TODAY, KS_HOME, 0, 0, 0, L'b', N_("To do"),
	 N_("Today's work: follow-ups due, referrals waiting for you, regular visits"), NULL},
	/* the audit trail's filters */
	{ACT_BY_WORKER, KS_AUDIT, 0, 0, 0, L'w', N_("Worker"), N_("Only one worker's entries (a login)"), NULL},
	{ACT_BY_RECORD, KS_AUDIT, 0, 0, 0, L'r', N_("Record"), N_("Only one record's entries (its id)"), NULL},
	{ACT_BY_DATE, KS_AUDIT, 0, 0, 0, L'd', N_("Dates"),
	 N_("Only the entries from one day to another"), NULL},
	{ACT_CLEAR, KS_AUDIT, 0, 0, 0, L'c', N_("All"), N_("Clear the filters: every entry again"), NULL},
	/* the report: its period, and the village whose trend the chart shows */
	{ACT_PERIOD_PREV, KS_REPORT, 0, 0, 0, L'[', N_("Earlier"),
	 N_("The month (or quarter) before"), NULL},
	{ACT_PERIOD_NEXT, KS_REPORT, 0, 0, 0, L']', N_("Later"), N_("The month (or quarter) after"), NULL},
	{ACT_LEFT, KS_REPORT, 0, 'B', KEY_LEFT, 0, NULL,
	 N_("The village before: its figures marked, its trend in the chart"), NULL},
	{ACT_RIGHT, KS_REPORT, 0, 'F', KEY_RIGHT, 0, NULL,
	 N_("The next village (the total last): its trend in the chart"), NULL},
	/* the exchange with the township: a village PC's ssh exchange (e, h),
	 * files for the USB stick either way (o, t), the notices (n) */
	{ACT_SYNC_NOW, KS_SYNC, 0, 0, 0, L'e', N_("Exchange"),
	 N_("Exchange with the township server now, over the network (ssh)"), NULL},
	{ACT_SYNC_TOFILE, KS_SYNC, 0, 0, 0, L'o', N_("Write file"),
	 N_("Write an exchange file to carry on a USB stick (a township: for one village)"), NULL},
	{ACT_SYNC_FROMFILE, KS_SYNC, 0, 0, 0, L't', N_("Take file"),
	 N_("Take an exchange file the other side wrote"), NULL},
	{ACT_SYNC_HOST, KS_SYNC, 0, 0, 0, L'h', N_("Other host"),
	 N_("Exchange over ssh with a host typed now (it is remembered)"), NULL},
	{ACT_NOTICES, KS_SYNC, 0, 0, 0, L'n', N_("Notices"),
	 N_("What an exchange could not merge, to read and settle"), NULL},
	{ACT_UP, MOVING, 0, 'P', KEY_UP, L'k', NULL, N_("Move up"), NULL},
	{ACT_DOWN, MOVING, 0, 'N', KEY_DOWN, L'j', NULL, N_("Move down"), NULL},
	{ACT_PREV, KS_EDIT, 0, 0, KEY_BTAB, 0, NULL, N_("Previous field (Shift-Tab)"), NULL},
	{ACT_NEXT, KS_EDIT, 0, 0, 0, L'\t', NULL, N_("Next field (Tab)"), M_TAB},
	{ACT_NEXT, KS_EDIT, 0, 0, KEY_ENTER, L'\r', NULL, NULL, M_ENTER},
	{ACT_PGUP, MOVING, 0, 0, KEY_PPAGE, 0, NULL, N_("Page up"), NULL},
	{ACT_PGDN, MOVING, 0, 0, KEY_NPAGE, 0, NULL, N_("Page down"), NULL},
	{ACT_HOME, MOVING, 0, 0, KEY_HOME, 0, NULL, N_("To the start"), NULL},
	{ACT_END, MOVING, 0, 0, KEY_END, 0, NULL, N_("To the end"), NULL},
	{ACT_LEFT, KS_EDIT | KS_LIST, 0, 'B', KEY_LEFT, 0, NULL, N_("Cursor left"), NULL},
	{ACT_RIGHT, KS_EDIT | KS_LIST, 0, 'F', KEY_RIGHT, 0, NULL, N_("Cursor right"), NULL},
	{ACT_BACKSPACE, KS_EDIT | KS_LIST | KS_PICK, 0, 'H', KEY_BACKSPACE, 127, NULL, N_("Delete the character before the cursor"), NULL},
	{ACT_DELETE, KS_EDIT | KS_LIST, 0, 'D', KEY_DC, 0, NULL, N_("Delete the character under the cursor"), NULL},
	{ACT_KILL, KS_EDIT | KS_LIST | KS_PICK, 0, 'U', 0, 0, NULL, N_("Clear the whole value"), NULL},
	{ACT_NEWLINE, KS_EDIT, 0, 'J', 0, 0, NULL, N_("A new line inside a note"), NULL},
	{ACT_OPEN, KS_HOME | KS_LIST | KS_PICK | KS_VIEW | KS_NEEDS | KS_CASE | KS_REFLIST | KS_NEWS |
	 KS_NOTICES | KS_TODAY | KS_HOUSE, 0,
	 0, KEY_ENTER, L'\r', NULL, N_("Open, or choose"), M_ENTER},
	{ACT_TOGGLE, KS_PICK, 0, 0, 0, L' ', NULL, N_("Tick or untick (lists of several)"), NULL},
	{ACT_REDRAW, KS_ALL, 0, 'L', 0, 0, NULL, N_("Redraw the screen"), NULL},
	{ACT_NONE, 0, 0, 0, 0, 0, NULL, NULL, NULL},
};

/* The sequences terminals send, after the ESC.  terminfo knows one set
 * for the TERM a session claims; the others arrive anyway (PuTTY says
 * xterm and sends ESC[1~ for Home), so curses learns them all. */
static const struct key_sequence sequences[] = {
	/* arrows: normal cursor mode (CSI) and application mode (SS3) */
	{"[A", KEY_UP}, {"[B", KEY_DOWN}, {"[C", KEY_RIGHT}, {"[D", KEY_LEFT},
	{"OA", KEY_UP}, {"OB", KEY_DOWN}, {"OC", KEY_RIGHT}, {"OD", KEY_LEFT},
	/* Home, End: VT220 style (PuTTY, Xshell, SecureCRT, the Linux
	 * console, tmux and screen), rxvt, xterm's CSI and SS3 */
	{"[1~", KEY_HOME}, {"[7~", KEY_HOME}, {"[H", KEY_HOME}, {"OH", KEY_HOME},
	{"[4~", KEY_END}, {"[8~", KEY_END}, {"[F", KEY_END}, {"OF", KEY_END},
	{"[2~", KEY_IC}, {"[3~", KEY_DC}, {"[5~", KEY_PPAGE}, {"[6~", KEY_NPAGE},
	/* F1-F4: xterm and VT100 (SS3), PuTTY's default ESC[n~ mode, the
	 * Linux console and PuTTY's Linux mode (ESC[[A .. ESC[[E for F1-F5) */
	{"OP", KEY_F(1)}, {"OQ", KEY_F(2)}, {"OR", KEY_F(3)}, {"OS", KEY_F(4)},
	{"[11~", KEY_F(1)}, {"[12~", KEY_F(2)}, {"[13~", KEY_F(3)}, {"[14~", KEY_F(4)},
	{"[[A", KEY_F(1)}, {"[[B", KEY_F(2)}, {"[[C", KEY_F(3)}, {"[[D", KEY_F(4)},
	{"[[E", KEY_F(5)},
	/* F5-F12: everyone's ESC[n~; PuTTY's VT100+ mode SS3 P .. [ */
	{"[15~", KEY_F(5)}, {"[17~", KEY_F(6)}, {"[18~", KEY_F(7)}, {"[19~", KEY_F(8)},
	{"[20~", KEY_F(9)}, {"[21~", KEY_F(10)}, {"[23~", KEY_F(11)}, {"[24~", KEY_F(12)},
	{"OT", KEY_F(5)}, {"OU", KEY_F(6)}, {"OV", KEY_F(7)}, {"OW", KEY_F(8)},
	{"OX", KEY_F(9)}, {"OY", KEY_F(10)}, {"OZ", KEY_F(11)}, {"O[", KEY_F(12)},
	{NULL, 0},
};

const struct key_sequence *
keys_sequences(void)
{
	return sequences;
}

void
keys_teach(void)
{
	for (const struct key_sequence *k = sequences; k->seq; k++) {
		char s[16];
		size_t n = strlen(k->seq);
		if (n > sizeof s - 2)
			continue;
		s[0] = '\033';   /* no snprintf: some fifty of these at every start */
		memcpy(s + 1, k->seq, n + 1);
		int had = key_defined(s);
		if (had == k->curses_key)
			continue;
		/* terminfo gave the string another key (xterm's ESC[1~ is
		 * Find): drop that meaning first; a prefix of a longer
		 * definition (-1) cannot be one itself */
		if (had > 0)
			define_key(s, 0);
		define_key(s, k->curses_key);
	}
}

int
keys_sequence_key(const char *seq)
{
	for (const struct key_sequence *k = sequences; k->seq; k++)
		if (strcmp(k->seq, seq) == 0)
			return k->curses_key;
	return 0;
}

int
keys_esc_fkey(wint_t ch)
{
	if (ch >= L'1' && ch <= L'9')
		return (int)(ch - L'0');
	return ch == L'0' ? 10 : ch == L'-' ? 11 : ch == L'=' ? 12 : 0;
}

static bool
same_meaning(const struct key_binding *a, const struct key_binding *b)
{
	return a->action == b->action ||
	       (a->meaning && b->meaning && strcmp(a->meaning, b->meaning) == 0);
}

void
keys_check(char *buf, size_t size)
{
	buf[0] = '\0';
	for (const struct key_binding *a = table; a->action != ACT_NONE; a++)
		for (const struct key_binding *b = a + 1; b->action != ACT_NONE; b++) {
			if (a->action == b->action) {
				if ((a->fkey && b->fkey && a->fkey != b->fkey) ||
				    (a->ctrl && b->ctrl && a->ctrl != b->ctrl)) {
					snprintf(buf, size, "action %d has two keys: rows %td and %td",
					         (int)a->action, a - table, b - table);
					return;
				}
				continue;
			}
			bool shared = (a->fkey && a->fkey == b->fkey) || (a->ctrl && a->ctrl == b->ctrl) ||
			              (a->ch && a->ch == b->ch) ||
			              (a->curses_key && a->curses_key == b->curses_key);
			if (shared && !same_meaning(a, b)) {
				snprintf(buf, size, "rows %td and %td share a key but not a meaning",
				         a - table, b - table);
				return;
			}
		}
}

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
	else if (escaped && !is_key)
		fkey = keys_esc_fkey(key);
	/* a letter action answers to capitals too (Caps Lock) */
	if (!is_key && key >= L'A' && key <= L'Z' && !fkey)
		key = key - L'A' + L'a';
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
		/* after Esc, only a command letter (one with a bar label) */
		if (!is_key && b->ch && key == (wint_t)b->ch && (!escaped || b->bar))
			return b->action;
	}
	/* ^H arrives as KEY_BACKSPACE from some terminals and as 8 from others */
	if (!is_key && key == 8 && (scope & (KS_EDIT | KS_LIST | KS_PICK)))
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
		{KEY_IC, N_("Insert")},
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
	else if (b->fkey)
		ADD("Esc %c", b->fkey == 11 ? '-' : '=');
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
	else if (b->ch > 32 && b->ch < 127 && b->bar)
		ADD("Esc %c", (char)b->ch);
#undef ADD
}

void
keys_name(bool is_key, wint_t key, char *buf, size_t size)
{
	if (is_key && key >= (wint_t)KEY_F(1) && key <= (wint_t)KEY_F(12))
		snprintf(buf, size, "F%d", (int)(key - KEY_F0));
	else if (is_key)
		snprintf(buf, size, "%s", curses_key_name((int)key));
	else if (key == 27)
		snprintf(buf, size, "Esc");
	else if (key == L'\t')
		snprintf(buf, size, "Tab");
	else if (key == L'\r')
		snprintf(buf, size, "%s", _("Enter"));
	else if (key == 127)
		snprintf(buf, size, "%s", _("Backspace"));
	else if (key < 0x20)
		snprintf(buf, size, "Ctrl-%c", (char)(key + '@'));
	else if (key < 0x7f)
		snprintf(buf, size, "%c", (char)key);
	else
		snprintf(buf, size, "U+%04X", (unsigned)key);
}

void
keys_bar_name(const struct key_binding *b, char *buf, size_t size)
{
	/* written by hand: the bar asks for every binding of the screen on
	 * every draw, and snprintf cost more than the rest of the footer */
	char n[4];
	size_t len = 0;
	if (b->fkey > 0 && b->fkey < 100) {
		n[len++] = 'F';
		if (b->fkey >= 10)
			n[len++] = (char)('0' + b->fkey / 10);
		n[len++] = (char)('0' + b->fkey % 10);
	} else if (b->fkey) {
		snprintf(buf, size, "F%d", b->fkey);
		return;
	} else if (b->ctrl) {
		n[len++] = '^';
		n[len++] = (char)b->ctrl;
	} else if (b->ch > 32 && b->ch < 127)
		n[len++] = (char)b->ch;
	if (!size)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(buf, n, len);
	buf[len] = '\0';
}
