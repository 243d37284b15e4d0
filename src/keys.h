/* keys.h: the one key table.  It dispatches keys to actions, draws the
 * F-key bar, writes the help screen and the key map of README.md and the
 * man page (tools/keymap), so they never disagree.  A key means one thing
 * wherever it acts.  Every F-key has an Esc-digit (or Alt-digit) stand-in
 * for terminals and SSH clients that lose the F-keys, at a person's pace,
 * and most a Ctrl key; the sequences terminals really send are taught to
 * curses (keys_teach). */
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
	ACT_VOID,        /* a record made by mistake: void it, with a reason */
	ACT_TODAY,       /* the home screen: today's work (ui-today.c) */
	ACT_MEMBER,      /* a resident: register a family member of their household */
	ACT_HOUSEHOLD,   /* a resident: their household's members, needs, services */
	ACT_MEMBER_OPEN, /* the case file: open a member of the household by number */
	ACT_PRINT,       /* the document shown (a slip, a certificate): the print dialog */
	ACT_EXPORT,      /* a list: every row of its filter to an XLSX or CSV file */
};
/* ui_footer_hiding takes actions as bits of an unsigned long long */
_Static_assert(ACT_EXPORT < 64, "too many actions for the F-key bar's hide mask");

/* Which screens a binding is for: one line here per kind of screen.
 * The bits and KS_ALL follow from this list, so a new screen is one more
 * line and nothing to widen by hand. */
#define KEY_SCOPES(X)                                                       \
	X(HOME)                                                             \
	X(HELP)                                                             \
	X(LIST)                                                             \
	X(VIEW)                                                             \
	X(EDIT)                                                             \
	X(PICK)                                                             \
	X(ASK)                                                              \
	X(NEEDS)                                                            \
	X(TEXT)    /* a text to read */                                     \
	X(CASE)    /* a resident's case file */                             \
	X(REFLIST) /* the referral lists */                                 \
	X(REFVIEW) /* a referral, as anyone who reads it sees it */         \
	X(REFSEND) /* ... and its steps for the unit that sent it */        \
	X(REFRECV) /* ... and for the unit it was sent to */                \
	X(AUDIT)   /* the audit trail */                                    \
	X(NEWS)    /* what is new since the worker last looked */           \
	X(REPORT)  /* the report: figures by village, a chart */            \
	X(SYNC)    /* the exchange with the township (ui-sync.c) */         \
	X(NOTICES) /* its notices to settle */                              \
	X(TODAY)   /* today's work: what is due */          \
	X(HOUSE)   /* a household's members (ui-house.c) */

enum key_scope_bit {
#define KEY_SCOPE_BIT(name) KSB_##name,
	KEY_SCOPES(KEY_SCOPE_BIT)
#undef KEY_SCOPE_BIT
	KSB_COUNT
};
_Static_assert(KSB_COUNT <= 31, "too many key scopes for an unsigned mask");

enum key_scope {
#define KEY_SCOPE_MASK(name) KS_##name = 1 << KSB_##name,
	KEY_SCOPES(KEY_SCOPE_MASK)
#undef KEY_SCOPE_MASK
	KS_ALL = (1 << KSB_COUNT) - 1,
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
	/* What the key means wherever it is bound (translatable), when one
	 * key serves several actions on different screens: they must share
	 * it (keys_check holds the table to that).  NULL: the key is this
	 * action's alone. */
	const char *meaning;
};

/* A key as terminals send it: the bytes after ESC, and the curses key
 * code it stands for. */
struct key_sequence {
	const char *seq;   /* after the ESC: "[1~", "OH", "[[A" ... */
	int curses_key;    /* KEY_HOME, KEY_F(1) ... */
};
/* The sequences PuTTY (its xterm, ESC[n~, Linux and VT100+ modes),
 * Xshell, SecureCRT, xterm (both cursor modes), rxvt, the Linux console
 * and tmux/screen send for the arrows, Home, End, PgUp, PgDn, Insert,
 * Delete and F1-F12, terminated by {NULL, 0}. */
const struct key_sequence *keys_sequences(void);
/* Teach curses every sequence of keys_sequences (define_key), over what
 * terminfo says for the terminal: PuTTY sends ESC[1~ for Home with
 * TERM=xterm, whose terminfo calls it Find.  After initscr and keypad. */
void keys_teach(void);
/* The curses key for ESC followed by seq (as keys_sequences has it), or
 * 0: the loop's fallback when a sequence reaches it in pieces. */
int keys_sequence_key(const char *seq);

/* How long after a lone Esc a digit (or letter) still counts as Esc-digit,
 * the F-keys' stand-in: a person's pace, not a terminal's. */
#define KEYS_ESC_WAIT_MS 1000

/* The F-key that Esc followed by ch stands for: 1-9, 0 = F10, - = F11,
 * = = F12 (the keyboard's top row); 0 when ch is none of them. */
int keys_esc_fkey(wint_t ch);

/* Empty when the table keeps its promises: an action has the same keys
 * on every screen where it is bound, and a key bound to several actions
 * gives them all one meaning.  Else a line naming the first fault. */
void keys_check(char *buf, size_t size);

/* The table, terminated by an entry with action ACT_NONE. */
const struct key_binding *keys_table(void);

/* The action for a key read with get_wch in a screen of scope.  is_key
 * tells a KEY_* code from a character.  escaped says the key came after
 * Esc (within KEYS_ESC_WAIT_MS): Esc-digit and Alt-digit mean F-digit
 * (keys_esc_fkey), Esc-letter the letter's action even where the screen
 * takes typing. */
enum action keys_lookup(unsigned scope, bool is_key, wint_t key, bool escaped);

/* A key read with get_wch named for a person: "F5", "Home", "Ctrl-R",
 * "x".  The help screen shows the last one, to check a terminal by. */
void keys_name(bool is_key, wint_t key, char *buf, size_t size);

/* The key the bar shows for b: "F3", "^O" or "i"; empty when none. */
void keys_bar_name(const struct key_binding *b, char *buf, size_t size);

/* "F1", "Ctrl-Q", "Esc 1" ... for the help screen: writes the names of
 * all keys of b into buf; plain characters only when plain is true (where
 * a screen takes typing they are typed, not commands). */
void keys_describe(const struct key_binding *b, char *buf, size_t size, bool plain);

#endif
