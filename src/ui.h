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
	UI_PASS = 1 << 4,    /* close this screen and hand the key to the one below */
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
	struct screen *top;
	const struct ui_entry *screens;   /* the registry: ui_open */
	char msg[512];    /* the message line */
	bool cursor;      /* the screen drawn last showed the cursor with ui_cursor */
	int free_row;     /* set by a screen as it draws: the first row an overlay
	                   * over it may take without hiding what it keeps in
	                   * sight (0: any) */
	bool quit;        /* set by a question's answer: the loop ends after
	                   * this key, as on UI_QUIT */
};

/* Run the full-screen program until the worker quits, the link drops or
 * the program is told to stop, with the program's screens (ui-screens.c).
 * Returns the exit status. */
int ui_run(store *st, struct formset *forms, const char *dbdir, const char *login,
           const struct scope *scope);

/* The screen stack. */
/* ui_push: false when memory ran out (data freed through ops->free, the
 * worker told). */
bool ui_push(struct ui *u, const struct screen_ops *ops, void *data);
void ui_pop(struct ui *u);
/* Draw the screens now, as the loop does between keys: for a screen
 * whose work runs inside a key handler (a progress bar while importing
 * or exchanging). */
void ui_draw_now(struct ui *u);
/* Hand a typed character to the screen on top, as if typed there (the
 * first letter that opened a picker goes on into its search). */
void ui_type(struct ui *u, wint_t ch);

/* The list widget every list screen shares (ui-rows.c): the chosen row
 * and the first shown of n rows.  ui_rows_key moves the choice for the
 * moving keys (up, down, page rows up or down, the start, the end) and
 * returns UI_REDRAW, 0 for any other action; ui_rows_fit, before the
 * rows are drawn, keeps the choice among the n rows and in the rows
 * shown. */
struct ui_rows {
	size_t sel, top;
};
int ui_rows_key(struct ui_rows *r, size_t n, enum action a, size_t page);
/* Also returned by ui_rows_key: up from the first row, down from the
 * last (a list that pages through the database loads the next page). */
enum { UI_ROWS_BEFORE = 1 << 8, UI_ROWS_AFTER = 1 << 9 };
void ui_rows_fit(struct ui_rows *r, size_t n, int rows);

/* Drawing helpers (curses must be up).  Write the UTF-8 text s at row y,
 * column x, sanitized, cut or padded to exactly cols columns. */
void ui_text(int y, int x, int cols, const char *s, int attr);
/* A small dialog's box over the screen (the export's choice of format,
 * the print dialog): n lines two columns in from either side, with a
 * blank line of the box above them (row y) and below; a line's text NULL
 * is blank.  attr is each line's own (A_REVERSE for the box's, A_BOLD
 * added for its title, A_NORMAL for a line chosen). */
struct ui_box_line {
	const char *text;
	int attr;
};
void ui_box(struct ui *u, int y, const struct ui_box_line *box, size_t n);
/* Show the cursor at row y, column x when the screen is drawn.  A screen
 * that shows it this way keeps it shown from one drawing to the next
 * (curs_set(1) after the loop hid it costs 18 bytes a key). */
void ui_cursor(struct ui *u, int y, int x);
/* Why nothing was saved in the worker's files folder (printout.h's errno:
 * the folder missing on a township server, every name of the day taken,
 * or the system's words), and whom to ask, on the message line. */
void ui_files_error(struct ui *u, int err);
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
/* The same for a document that can be printed: p there opens the print
 * dialog ("print") on it; doc and id as ui_args has them. */
void ui_show_doc(struct ui *u, const char *title, const char *text, const char *doc,
                 const rec_id *id);

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

/* A table a screen shows, every row of its filter (ui-table.c, a widget
 * the list screens use directly): printed through the print dialog, laid
 * out by print_list_text (document "list"), or exported to XLSX or CSV in
 * the worker's files folder as list-NAME-DATE.EXT, the message naming the
 * file.  Each is logged first (print_audit: doc=list, the ids, at most 50).
 * The cells are what the screen shows (masked as it masks). */
struct ui_table {
	const char *title;          /* what is listed: 居民 (printed: 居民名单) */
	const char *heading;        /* the heading whole instead, or NULL */
	const char *filter;         /* the filter, as words, or NULL */
	const char *name;           /* in the file's name: list-NAME-2026-12-03.xlsx */
	size_t ncols, nrows;        /* ncols at most PRINT_LIST_MAXCOLS */
	const char *const *heads;   /* ncols */
	const char *const *cells;   /* nrows x ncols, row by row (NULL: empty) */
	const rec_id *ids;          /* the records the rows show, or NULL */
	size_t nids;
	const char *cut_why;        /* rows were left out: how to narrow (said), or NULL */
};
void ui_table_print(struct ui *u, const struct ui_table *t);
/* format: EXPORT_XLSX or EXPORT_CSV (export.h) */
void ui_table_export(struct ui *u, const struct ui_table *t, int format);
/* The box asking which kind of file (1 XLSX, 2 CSV); when one is chosen,
 * the box gone, chosen(u, data, format). */
void ui_table_export_ask(struct ui *u, void (*chosen)(struct ui *u, void *data, int format),
                         void *data);

/* One registry of screens.  A screen opens another by name through
 * ui_open, never by calling it; the program hands ui_loop the table of
 * names and what opens each (ui-screens.c), and the names to open at
 * start, in order (the home menu first).  An entry takes the members of
 * ui_args it names; its return is the handler flags for the caller (0
 * when there are none); "referral-save" returns UI_POP when the save is
 * taken (the editor then closes itself), 0 when refused. */
struct print_req;
struct ui_args {
	struct form *form;
	record *r;                    /* taken over ("form") */
	const record *record;         /* shown ("case"), or saved ("referral-save") */
	const rec_id *id;             /* "referral" */
	rec_id *saved;                /* "referral-save": the id it was saved under */
	int kind;                     /* "new-record" */
	const char *const *prefill;   /* "new-record": up to UI_PREFILL_MAX "field=value",
	                               * NULL-ended */
	const record *from;           /* "new-record": the resident it starts from (carry) */
	const char *status;           /* "list": a status filter, or NULL */
	const char *resident, *need;  /* "refer": record id texts (need may be NULL) */
	bool editing;                 /* "form" */
	const char *text;             /* "print": the document (UTF-8, pages by '\f') */
	const char *text_wide;        /* "print": the same laid out for a GB18030
	                               * printer (print_req.wide), or NULL: text */
	const char *doc;              /* "print": what it is, "slip", "casefile" ...
	                               * (print_doc_name: the audit note, the file's
	                               * name); id: its record (may be NULL) */
	const char *title;            /* "print": its title, for the dialog */
	const char *records;          /* "print": the ids it shows (print_text_records),
	                               * for the audit; NULL: id's */
	const struct print_req *req;  /* "print": the document to make (print.h), in
	                               * place of text, doc, records; title: NULL for
	                               * the document's own */
	const struct ui_args *also;   /* "print": another document the dialog offers
	                               * instead (d switches), or NULL */
	const char *note;             /* "print": a line the dialog says (why no other
	                               * document is offered), or NULL */
	bool back;                    /* "new-record", "form": once the new record is
	                               * saved (and any question on it answered), the
	                               * editor closes, back to the screen that opened it */
};
/* How many fields a new record may be given ("new-record": prefill). */
#define UI_PREFILL_MAX 8
struct ui_entry {
	const char *name;
	int (*open)(struct ui *u, const struct ui_args *a);
};
/* Open the screen registered as name (a=NULL: no arguments). */
int ui_open(struct ui *u, const char *name, const struct ui_args *a);
/* Start curses (initscr) on the terminal's description without REP
 * (ui-term.c): false when the screen cannot start. */
bool ui_term_start(void);
/* The loop itself: screens, a table ending with a NULL name; start, the
 * names opened once the terminal is up, NULL-ended. */
int ui_loop(store *st, struct formset *forms, const char *dbdir, const char *login,
            const struct scope *scope, const struct ui_entry *screens, const char *const *start);

/* The screens' entry points, each named by its file; the program's
 * table (ui-screens.c) registers them, and nothing else calls them.
 * ui-home.c: the home menu ("home"). */
int ui_home_open(struct ui *u, const struct ui_args *a);
/* ui-list.c: the list of the records of a form ("list": form, status);
 * a new record of kind, in its form, the worker choosing when the kind
 * has several ("new-record": kind, prefill). */
int ui_list_open(struct ui *u, const struct ui_args *a);
int ui_list_new(struct ui *u, const struct ui_args *a);
/* ui-form.c: a record in view or in the editor, r taken over, a new
 * record with version 0 ("form": form, r, editing); a draft brought back
 * if the worker has one, asking first ("draft"). */
int ui_form_open(struct ui *u, const struct ui_args *a);
int ui_form_offer_draft(struct ui *u, const struct ui_args *a);
/* Pop-up pickers (ui-pick.c, used directly: they open nothing): a choice
 * list for a field, or a record of a kind. */
void ui_pick_choice(struct ui *u, const struct form_field *fd, const char *current,
                    void (*done)(struct ui *u, void *data, const char *value), void *data);
void ui_pick_record(struct ui *u, int kind, const char *title,
                    void (*done)(struct ui *u, void *data, const char *value), void *data);
/* The same, only units of level (enum unit_level; 0: any record of kind). */
void ui_pick_unit(struct ui *u, int kind, int level, const char *title,
                  void (*done)(struct ui *u, void *data, const char *value), void *data);
/* Where a referral of category (NULL or "": none chosen yet) from the
 * worker's unit may go: each unit above it (its township, its county),
 * each followed by the specialised stations it has that take the
 * category (route.h; none when no category is chosen); done gets the
 * unit's id text.  Without a scope or such units: ui_pick_unit. */
void ui_pick_destination(struct ui *u, const char *title, const char *category,
                         const char *current,
                         void (*done)(struct ui *u, void *data, const char *value), void *data);
/* Records without a name of their own (needs) for a field of the record
 * being edited: each by its summary, those that name one of own (the
 * residents that record names) first, the others after them (with their
 * resident's name) unless only_own; typing filters by the summary's
 * words or the resident's name.  Other kinds: ui_pick_record. */
void ui_pick_linked(struct ui *u, int kind, const char *title, const char *const *own,
                    size_t nown, bool only_own,
                    void (*done)(struct ui *u, void *data, const char *value), void *data);
/* Choose one of several forms (the six service records, volunteers or
 * organisations); done gets the form's name. */
void ui_pick_form(struct ui *u, const char *title, struct form *const *forms, size_t n,
                  void (*done)(struct ui *u, void *data, const char *value), void *data);
/* ui-case.c: a resident's case file ("case": record). */
int ui_case_open(struct ui *u, const struct ui_args *a);
/* ui-house.c: a resident's household, its members with their open needs
 * and newest services ("household": record); a family member of the
 * resident's household registered, the relation asked first
 * ("house-member": record). */
int ui_house_open(struct ui *u, const struct ui_args *a);
int ui_house_member(struct ui *u, const struct ui_args *a);
/* ui-needs.c: the needs list, counts by service and status ("needs": form). */
int ui_needs_open(struct ui *u, const struct ui_args *a);
/* ui-referral.c: the lists of the worker's unit ("referrals"); one
 * referral, its history and the steps open to the worker ("referral":
 * id); a new one for a resident, need one of their needs or NULL, in the
 * editor ("refer": resident, need), whose save for referrals comes back
 * here ("referral-save": record, saved; UI_POP when taken); at
 * start, what is new since the worker last looked ("news"). */
int ui_referral_lists(struct ui *u, const struct ui_args *a);
int ui_referral_view(struct ui *u, const struct ui_args *a);
int ui_referral_start(struct ui *u, const struct ui_args *a);
int ui_referral_save(struct ui *u, const struct ui_args *a);
int ui_referral_news(struct ui *u, const struct ui_args *a);
/* ui-audit.c: the audit trail ("audit"); others are told it is not theirs. */
int ui_audit_open(struct ui *u, const struct ui_args *a);
/* ui-import.c: importing a CSV file ("import"): the form, the file, two
 * questions, a bar while it runs, then the result.  Not for supervisors. */
int ui_import_open(struct ui *u, const struct ui_args *a);
/* ui-report.c: a month's or a quarter's figures by village in the
 * worker's reach, and the services of the last six months as bars
 * ("report"). */
int ui_report_open(struct ui *u, const struct ui_args *a);
/* ui-sync.c: the exchange with the township ("sync"): what this database
 * is, the last exchanges, what waits to go up, the notices; the exchange
 * over ssh or through a file, with a bar while it runs; the notices to
 * read and settle.  Supervisors see the status. */
int ui_sync_open(struct ui *u, const struct ui_args *a);
/* ui-today.c: today's work (今日待办): follow-ups, referrals and visits
 * due, each opening its record ("today"). */
int ui_today_open(struct ui *u, const struct ui_args *a);
/* ui-print.c: the print dialog over a document ("print": text, doc, id,
 * title, records; or req, made there; also, a second one d switches to;
 * note). */
int ui_print_open(struct ui *u, const struct ui_args *a);
/* A record's name for showing a reference ("张三 (安宁村)"), malloc'd. */
char *ui_ref_name(struct ui *u, const char *idtext);
/* How a record is named on a screen: its name, or a need's "date
 * function description" line (shown_summary), malloc'd; NULL when none. */
char *ui_summary(struct ui *u, const record *r);
/* A field of the record idtext names (a resource's unit), malloc'd, or
 * NULL when it has none or cannot be read. */
char *ui_ref_field(struct ui *u, const char *idtext, const char *field);
/* The names of a list of records, with their amounts: "张三 2.5、李四". */
char *ui_refs_names(struct ui *u, const char *list);
/* A field's value as the screens show it on one row: worked out for a
 * calculated field, names for references, labels for choices.  malloc'd. */
char *ui_field_text(struct ui *u, const struct form_field *fd, const record *r);

#endif
