/* ui.h: the full-screen program: the screen loop, the stack of screens,
 * and the drawing helpers that turn UTF-8 into columns on the terminal.
 * A screen is a draw function and a key function (and a text function
 * when it takes typing); key functions change state and return flags, and
 * only the loop draws. */
#ifndef SHEGONG_UI_H
#define SHEGONG_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "form.h"
#include "keys.h"
#include "scope.h"
#include "store.h"

/* What a handler asks of the loop. */
enum {
	UI_HANDLED = 1 << 0,
	UI_REDRAW = 1 << 1,
	UI_QUIT = 1 << 2,
	UI_POP = 1 << 3,     /* close this screen */
};

struct ui;
struct screen;

struct screen_ops {
	unsigned scope;                      /* which key table entries apply */
	void (*draw)(struct ui *u, struct screen *s);
	int (*key)(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key);
	/* typing, for screens with a text box (NULL: none) */
	int (*text)(struct ui *u, struct screen *s, wint_t ch);
	/* once a second, and on a hang-up: e.g. to keep a draft */
	void (*tick)(struct ui *u, struct screen *s, bool final);
	void (*free)(struct screen *s);
	/* a screen below this one is told when it comes back on top */
	void (*resume)(struct ui *u, struct screen *s);
	bool overlay;                        /* drawn over the screen below */
};

struct screen {
	const struct screen_ops *ops;
	struct screen *below;
	void *data;
};

#define UI_MENU_MAX 9

struct ui {
	store *st;
	struct formset *forms;
	char *dbdir;
	char *login;
	char *worker;     /* the worker's name, NULL when the login is not registered */
	char *role;       /* translated role, or NULL */
	char *place;      /* "攀莲镇 安宁村": where the worker works, or NULL */
	char *village;    /* the worker's unit's record id text (a village's, or a
	                   * township's own records), or NULL */
	int village_level;  /* that unit's level (enum unit_level) */
	const struct scope *scope;  /* what the worker may read and change (also
	                             * the store's policy); NULL: no limits */
	char today[16];   /* YYYY-MM-DD */
	int rows, cols;
	int sel;          /* home menu: the chosen entry */
	struct screen *top;
	char msg[512];    /* the message line */
	bool cursor;      /* the screen drawn last showed the cursor with ui_cursor */
	size_t counts[UI_MENU_MAX];
};

/* Run the full-screen program until the worker quits, the link drops or
 * the program is told to stop.  Returns the exit status. */
int ui_run(store *st, struct formset *forms, const char *dbdir, const char *login,
           const struct scope *scope);

/* The screen stack. */
void ui_push(struct ui *u, const struct screen_ops *ops, void *data);
void ui_pop(struct ui *u);

/* Drawing helpers (curses must be up).  Write the UTF-8 text s at row y,
 * column x, sanitized, cut or padded to exactly cols columns. */
void ui_text(int y, int x, int cols, const char *s, int attr);
/* Show the cursor at row y, column x when the screen is drawn.  A screen
 * that shows it this way keeps it shown from one drawing to the next
 * (curs_set(1) after the loop hid it costs 18 bytes a key). */
void ui_cursor(struct ui *u, int y, int x);
/* Set the message line (printf-style, UTF-8). */
void ui_message(struct ui *u, const char *fmt, ...);
/* The bottom three rows every screen shares: message, status, F-key bar
 * for the key scope. */
void ui_footer(struct ui *u, unsigned scope);
/* The same, leaving out of the F-key bar the actions whose bits are set in
 * hide (1ULL << action): keys that do nothing for this record. */
void ui_footer_hiding(struct ui *u, unsigned scope, unsigned long long hide);
/* A title row. */
void ui_title(struct ui *u, const char *title);
/* The environment forms use for defaults. */
struct form_env ui_form_env(struct ui *u);
/* Ask a yes/no question in a box; then calls done(u, data, yes). */
void ui_ask(struct ui *u, const char *question,
            void (*done)(struct ui *u, void *data, bool yes), void *data);
/* A question where Esc (or F10) is neither yes nor no: the worker decides
 * later.  legend replaces "y = yes  n = no"; done gets 1 (y), 0 (n) or
 * -1 (Esc). */
void ui_ask_later(struct ui *u, const char *question, const char *legend,
                  void (*done)(struct ui *u, void *data, int answer), void *data);

/* Ask for one line of text in a box (a number, a short answer); then
 * calls done(u, data, text), text NULL when the worker pressed Esc. */
void ui_prompt(struct ui *u, const char *question, const char *initial,
               void (*done)(struct ui *u, void *data, const char *text), void *data);
/* Show a text (a certificate, a slip) on a screen of its own, to read
 * and scroll; it is also written to file when file is not NULL. */
void ui_show_text(struct ui *u, const char *title, const char *text);

/* A growing UTF-8 text (a result to show): ui_out_add appends like
 * printf; failed is set when memory ran out (what was added stays). */
struct ui_out {
	char *p;
	size_t len, cap;
	bool failed;
};
void ui_out_add(struct ui_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A progress bar at row y, from column x, width cells between its
 * brackets, done of total filled (█, or # where the locale is not UTF-8:
 * a GB18030 terminal gives the block two columns), the percentage after. */
void ui_bar(int y, int x, int width, size_t done, size_t total);
/* Whether the terminal's locale is UTF-8 (or plain ASCII). */
bool ui_locale_utf8(void);
/* What the locale's C library says (strerror) in the program's UTF-8
 * (malloc'd; "?" when it cannot be read). */
char *ui_locale_text(const char *s);
/* A path typed on the screen (UTF-8) as the file system has it: the
 * locale's encoding, as the command line's arguments are (GB18030 bytes
 * on a GB18030 terminal); a leading "~/" is the worker's home folder.
 * malloc'd; NULL when it cannot be written in the locale's encoding. */
char *ui_path_for_fs(const char *typed);

/* The screens. */
extern const struct screen_ops home_screen;
void home_refresh_counts(struct ui *u);
/* The list of the records of a form. */
void list_open(struct ui *u, struct form *f, const char *status_filter);
/* A new record of kind, in its form (the worker chooses when the kind has
 * several); prefill: up to four "field=value" strings, NULL-terminated. */
void list_new_record(struct ui *u, int kind, const char *const *prefill);
/* A record in view (editing = false) or in the editor; r is taken over.
 * A new record has version 0. */
void form_open(struct ui *u, struct form *f, record *r, bool editing);
/* Restore a draft if the worker has one (asks first). */
void form_offer_draft(struct ui *u);
/* Pop-up pickers: a choice list for a field, or a record of a kind. */
void pick_choice(struct ui *u, const struct form_field *fd, const char *current,
                 void (*done)(struct ui *u, void *data, const char *value), void *data);
void pick_record(struct ui *u, int kind, const char *title,
                 void (*done)(struct ui *u, void *data, const char *value), void *data);
/* The same, only units of level (enum unit_level; 0: any record of kind). */
void pick_unit(struct ui *u, int kind, int level, const char *title,
               void (*done)(struct ui *u, void *data, const char *value), void *data);
/* Choose one of several forms (the six service records, volunteers or
 * organisations); done gets the form's name. */
void pick_form(struct ui *u, const char *title, struct form *const *forms, size_t n,
               void (*done)(struct ui *u, void *data, const char *value), void *data);
/* A resident's case file: their history in time order, their household. */
void case_open(struct ui *u, const record *resident);
/* The needs list: counts by service and status. */
void needs_open(struct ui *u, struct form *need_form);
/* Referrals (ui-referral.c): the lists of the worker's unit; one
 * referral, its history and the steps open to the worker; a new one for
 * a resident (need: one of their needs, or NULL) in the editor, whose
 * save (referral_form_save, called by the editor for referrals: it pops
 * the editor when the save is taken) goes through refer.c; and, at
 * start, what is new since the worker last looked. */
void referrals_open(struct ui *u);
void referral_view_open(struct ui *u, const rec_id *id);
void referral_start(struct ui *u, const char *resident, const char *need);
int referral_form_save(struct ui *u, const record *r);
void referral_news_show(struct ui *u);
/* The audit trail (ui-audit.c); others are told it is not theirs. */
void audit_screen_open(struct ui *u);
/* Importing a CSV file (ui-import.c): the form, the file, two questions,
 * a bar while it runs, then the result to read.  Not for supervisors. */
void import_screen_open(struct ui *u);
/* The report (ui-report.c): a month's or a quarter's figures by village
 * in the worker's reach, and the services of the last six months as bars. */
void report_screen_open(struct ui *u);
/* The exchange with the township (ui-sync.c): what this database is, the
 * last exchanges, what waits to go up, the notices; the exchange over ssh
 * (a village PC) or through a file for the USB stick, with a bar while it
 * runs; the notices to read and settle.  Supervisors see the status. */
void sync_screen_open(struct ui *u);
/* A record's name for showing a reference ("张三 (安宁村)"), malloc'd. */
char *ui_ref_name(struct ui *u, const char *idtext);
/* The names of a list of records, with their amounts: "张三 2.5、李四". */
char *ui_refs_names(struct ui *u, const char *list);
/* A field's value as the screens show it on one row: worked out for a
 * calculated field, names for references, labels for choices.  malloc'd. */
char *ui_field_text(struct ui *u, const struct form_field *fd, const record *r);

#endif
