/* keys.h: the one key table.  It dispatches keys to actions, draws the
 * F-key bar and writes the help screen, so the three never disagree.
 * Every action that has an F-key also has a Ctrl key and an Esc-digit
 * (or Alt-digit) fallback for terminals and SSH clients that lose the
 * F-keys. */
#ifndef SHEGONG_KEYS_H
#define SHEGONG_KEYS_H

#include <stdbool.h>
#include <wchar.h>

enum action {
	ACT_NONE = 0,
	ACT_HELP,
	ACT_QUIT,
	ACT_UP,
	ACT_DOWN,
	ACT_PGUP,
	ACT_PGDN,
	ACT_HOME,
	ACT_END,
	ACT_OPEN,
	ACT_BACK,
	ACT_REDRAW,
	ACT_NEW,        /* a new record */
	ACT_SAVE,
	ACT_EDIT,       /* edit the record shown */
	ACT_PICK,       /* choose from a list (choices, a resident ...) */
	ACT_FILTER,
	ACT_SORT,
	ACT_NEED,       /* a new need for this resident */
	ACT_SUMMARY,    /* the needs list grouped by service and status */
	ACT_NEXT,       /* next field */
	ACT_PREV,       /* previous field */
	ACT_LEFT,
	ACT_RIGHT,
	ACT_BACKSPACE,
	ACT_DELETE,
	ACT_KILL,       /* clear the value */
	ACT_NEWLINE,    /* a new line inside a note */
	ACT_TOGGLE,     /* tick a choice in a list of several */
	ACT_CASE,       /* a resident's case file, a volunteer's certificate */
	ACT_SWITCH,     /* the next of a screen's lists (received, sent, overdue) */
	ACT_REFER,      /* a new referral for this resident or need */
	ACT_REF_SUBMIT, /* a referral's steps (referral.h), one action each */
	ACT_REF_ACCEPT,
	ACT_REF_RETURN,
	ACT_REF_START,
	ACT_REF_RESOLVE,
	ACT_REF_CLOSE,
	ACT_REF_WITHDRAW,
	ACT_REF_ESCALATE,
	ACT_SLIP,       /* the referral slip, to print */
	ACT_AUDIT,      /* the audit trail */
	ACT_BY_WORKER,  /* the audit trail: one worker's entries */
	ACT_BY_RECORD,  /* ... one record's */
	ACT_BY_DATE,    /* ... from one day to another */
	ACT_CLEAR,      /* ... every entry again */
	ACT_IMPORT,     /* a spreadsheet's CSV file into records (ui-import.c) */
	ACT_PERIOD_PREV, /* the report: the month or quarter before */
	ACT_PERIOD_NEXT, /* ... after */
	ACT_PERIOD_KIND, /* ... a month or its quarter */
	ACT_SYNC_NOW,    /* the exchange screen: with the township over ssh now */
	ACT_SYNC_HOST,   /* ... over ssh with a host typed now */
	ACT_SYNC_TOFILE, /* ... a file for the other side (a USB stick) */
	ACT_SYNC_FROMFILE, /* ... a file from the other side taken */
	ACT_NOTICES,     /* ... what an exchange could not merge */
	ACT_SETTLE,      /* a notice: mark it settled, with a note */
};
/* ui_footer_hiding takes actions as bits of an unsigned long long */
_Static_assert(ACT_SETTLE < 64, "too many actions for the F-key bar's hide mask");

/* Which screens a binding is for. */
enum key_scope {
	KS_HOME = 1 << 0,
	KS_HELP = 1 << 1,
	KS_LIST = 1 << 2,
	KS_VIEW = 1 << 3,
	KS_EDIT = 1 << 4,
	KS_PICK = 1 << 5,
	KS_ASK = 1 << 6,
	KS_NEEDS = 1 << 7,
	KS_TEXT = 1 << 8,   /* a text to read */
	KS_CASE = 1 << 9,   /* a resident's case file */
	KS_REFLIST = 1 << 10,  /* the referral lists */
	KS_REFVIEW = 1 << 11,  /* a referral, as anyone who reads it sees it */
	KS_REFSEND = 1 << 12,  /* ... and its steps for the unit that sent it */
	KS_REFRECV = 1 << 13,  /* ... and for the unit it was sent to */
	KS_AUDIT = 1 << 14,    /* the audit trail */
	KS_NEWS = 1 << 15,     /* what is new since the worker last looked */
	KS_REPORT = 1 << 16,   /* the report: figures by village, a chart */
	KS_SYNC = 1 << 17,     /* the exchange with the township (ui-sync.c) */
	KS_NOTICES = 1 << 18,  /* its notices to settle */
	KS_ALL = 0x7ffff,
};

struct key_binding {
	enum action action;
	unsigned scope;
	int fkey;         /* 1..12 for F1..F12, 0 for none */
	int ctrl;         /* 'A'..'Z' for Ctrl-A..Ctrl-Z, 0 for none */
	int curses_key;   /* a KEY_* code, 0 for none */
	wchar_t ch;       /* a plain character, 0 for none */
	const char *bar;  /* label in the F-key bar (translatable), or NULL */
	const char *help; /* line in the help screen (translatable) */
};

/* The table, terminated by an entry with action ACT_NONE. */
const struct key_binding *keys_table(void);

/* The action for a key read with get_wch in a screen of scope.  is_key
 * tells a KEY_* code from a character.  escaped says the key came right
 * after Esc (Esc-digit and Alt-digit mean F-digit, 0 meaning F10). */
enum action keys_lookup(unsigned scope, bool is_key, wint_t key, bool escaped);

/* "F1", "Ctrl-Q", "Esc 1" ... for the help screen: writes the names of
 * all keys of b into buf; plain characters only when plain is true (where
 * a screen takes typing they are typed, not commands). */
void keys_describe(const struct key_binding *b, char *buf, size_t size, bool plain);

#endif
