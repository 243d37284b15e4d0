/* ui.c: the screen loop: terminal set-up, signals, reading keys, and the
 * drawing helpers every screen uses. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "edit.h"
#include "i18n.h"
#include "orgunit.h"
#include "text.h"
#include "ui.h"

#define TICK_MS 1000

/* Signal flags.  The only writable file-scope state in the program: a
 * signal handler can reach nothing else. */
static volatile sig_atomic_t got_hup, got_term;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

static void
catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a blocked read must return so the loop sees the flag */
	sa.sa_flags = 0;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

#define TEXT_MAXCOLS 512

void
ui_text(int y, int x, int cols, const char *s, int attr)
{
	if (cols <= 0)
		return;
	if (cols > TEXT_MAXCOLS)
		cols = TEXT_MAXCOLS;
	if (!s)
		s = "";
	/* room for the padding, and for sanitized text, which can grow: a
	 * control byte becomes a 3-byte picture, and many combining marks
	 * take bytes but no columns */
	size_t len = strlen(s);
	size_t cap = len * 3 + (size_t)cols * 4 + 8;
	char stackbuf[TEXT_MAXCOLS * 4 + 8];
	char *buf = cap <= sizeof stackbuf ? stackbuf : malloc(cap);
	wchar_t w[TEXT_MAXCOLS * 2 + 1];
	if (!buf)
		return;
	int n = text_pad(buf, cap, s, len, cols, true);
	size_t nw = 0;
	for (size_t i = 0; n > 0 && i < (size_t)n && nw < sizeof w / sizeof w[0] - 1;) {
		uint32_t cp;
		i += text_utf8_decode(buf + i, (size_t)n - i, &cp);
		w[nw++] = (wchar_t)cp;
	}
	w[nw] = L'\0';
	if (buf != stackbuf)
		free(buf);
	attr_t old;
	short pair;
	attr_get(&old, &pair, NULL);
	attrset((attr_t)attr);
	mvaddnwstr(y, x, w, (int)nw);
	attr_set(old, pair, NULL);
}

void
ui_box(struct ui *u, int y, const struct ui_box_line *box, size_t n)
{
	int w = u->cols - 4, x = 2;
	ui_text(y++, x, w, "", A_REVERSE);
	for (size_t i = 0; i < n; i++)
		ui_text(y++, x, w, box[i].text ? box[i].text : "", box[i].attr);
	ui_text(y, x, w, "", A_REVERSE);
}

void
ui_files_error(struct ui *u, int err)
{
	if (err == ENOENT) {
		/* a township server where add-worker made no folder for this
		 * login: running it again makes one (one line of the screen) */
		ui_message(u, "%s", _("Not saved: you have no files folder on this server. Ask "
		                      "the administrator to add you as a worker once more."));
		return;
	}
	if (err == EEXIST) {
		/* printout_create found every name of the day taken */
		ui_message(u, "%s", _("Not saved: your files folder already has 999 files of this "
		                      "name for today. Move some out of it (WinSCP or FileZilla), "
		                      "then try again."));
		return;
	}
	char *why = ui_locale_text(strerror(err));
	ui_message(u, _("The file could not be written in your files folder: %s. Tell "
	                "the administrator."), why ? why : "?");
	free(why);
}

void
ui_message(struct ui *u, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof u->msg, fmt, ap);
	va_end(ap);
}

/* Read the worker record of the login and the names of the units above
 * it, for the status line. */
static int
load_worker(store_txn *t, void *ctx)
{
	struct ui *u = ctx;
	record *w;
	if (worker_by_login(t, u->login, &w) != STORE_OK)
		return 0;
	const char *name = record_get(w, "name");
	const char *rolename = record_get(w, "role");
	int role = worker_role_from_name(rolename ? rolename : "");
	u->worker = strdup(name ? name : u->login);
	u->role = role ? strdup(worker_role_label(role)) : NULL;

	/* walk up from the worker's unit; the county is left out, it is the
	 * same for everyone on one server */
	record *chain[4] = {0};
	int depth = 0;
	const char *unit = record_get(w, "unit");
	rec_id id;
	while (unit && depth < 4 && rec_id_parse(unit, &id) == 0 &&
	       store_get(t, &id, &chain[depth]) == STORE_OK) {
		unit = record_get(chain[depth], "parent");
		depth++;
	}
	char place[256] = "";
	for (int i = depth - 1; i >= 0; i--) {
		const char *n = record_get(chain[i], "name");
		size_t len = strlen(place);
		if (n && (i < depth - 1 || depth == 1))
			snprintf(place + len, sizeof place - len, "%s%s", len ? " " : "", n);
	}
	if (depth > 0) {
		char idbuf[REC_ID_TEXTMAX];
		u->village = strdup(rec_id_format(&chain[0]->id, idbuf));
		u->village_level = orgunit_level_of(chain[0]);
	}
	for (int i = 0; i < depth; i++)
		record_free(chain[i]);
	u->place = strdup(place);
	record_free(w);
	return 0;
}

struct form_env
ui_form_env(struct ui *u)
{
	return (struct form_env){u->login, u->village, u->today, !scope_may_see_sensitive(u->scope),
	                         u->village_level, u->forms};
}

/* --- the stack ---------------------------------------------------------- */

bool
ui_push(struct ui *u, const struct screen_ops *ops, void *data)
{
	struct screen *s = calloc(1, sizeof *s);
	if (!s) {
		if (ops->free) {
			struct screen tmp = {ops, NULL, data};
			ops->free(&tmp);
		}
		ui_message(u, "%s", _("The computer ran out of memory."));
		return false;
	}
	s->ops = ops;
	s->data = data;
	s->below = u->top;
	u->top = s;
	u->cursor = false;
	return true;
}

void
ui_type(struct ui *u, wint_t ch)
{
	if (u->top && u->top->ops->text)
		u->top->ops->text(u, u->top, ch);
}

void
ui_pop(struct ui *u)
{
	struct screen *s = u->top;
	if (!s || !s->below)
		return;
	u->top = s->below;
	u->cursor = false;
	/* an overlay may have cut a wide character in two on the terminal;
	 * repaint everything rather than trust the difference */
	if (s->ops->overlay && stdscr)
		clearok(curscr, TRUE);
	if (s->ops->free)
		s->ops->free(s);
	free(s);
	if (u->top->ops->resume)
		u->top->ops->resume(u, u->top);
}

/* --- shared pieces of the screen -------------------------------------------- */

void
ui_title(struct ui *u, const char *title)
{
	char line[512];
	snprintf(line, sizeof line, " %s", title);
	/* the title, then the place at the right in the columns left to
	 * it: drawn side by side, never one over the other, so no wide
	 * character is cut in half on the terminal */
	int w = u->place && *u->place ? text_width(u->place, strlen(u->place)) : 0;
	int tw = text_width(line, strlen(line));
	if (w && w < u->cols - tw - 2) {
		ui_text(0, 0, u->cols - w - 1, line, A_REVERSE | A_BOLD);
		ui_text(0, u->cols - w - 1, w + 1, u->place, A_REVERSE | A_BOLD);
	} else {
		ui_text(0, 0, u->cols, line, A_REVERSE | A_BOLD);
	}
}

void
ui_footer(struct ui *u, unsigned scope)
{
	ui_footer_hiding(u, scope, 0);
}

void
ui_footer_hiding(struct ui *u, unsigned scope, unsigned long long hide)
{
	char line[512];
	ui_text(u->rows - 3, 0, 1, "", A_NORMAL);
	ui_text(u->rows - 3, 1, u->cols - 1, u->msg, A_BOLD);
	if (u->worker)
		snprintf(line, sizeof line, " %s %s (%s) %s  |  %s  |  %s", _("Worker:"), u->worker,
		         u->login, u->role ? u->role : "", u->place ? u->place : "", u->today);
	else
		snprintf(line, sizeof line, " %s %s (%s)  |  %s", _("Worker:"), u->login,
		         _("not registered"), u->today);
	ui_text(u->rows - 2, 0, u->cols, line, A_REVERSE);
	/* the F-key bar, from the key table; the keys one blank apart when
	 * two would not leave room for them all (a resident's view at 80),
	 * or for the F-keys' stand-in (a list at 80, with its Esc letters) */
	char bars[2][512];
	size_t lens[2];
	for (int g = 0; g < 2; g++) {
		size_t n = 0;
		char *b = bars[g];
		b[0] = '\0';
		for (const struct key_binding *k = keys_table(); k->action != ACT_NONE; k++) {
			char name[8];
			keys_bar_name(k, name, sizeof name);
			/* a letter where typing goes to a search box (a list): after Esc */
			if ((scope & KS_LIST) && !k->fkey && !k->ctrl && k->ch > 32 && k->ch < 127)
				snprintf(name, sizeof name, "Esc %c", (char)k->ch);
			if (!k->bar || !*name || !(k->scope & scope) || (hide & (1ULL << k->action)))
				continue;
			n += (size_t)snprintf(b + n, sizeof bars[g] - n, "%s%s %s",
			                      n ? (g == 0 ? "  " : " ") : " ", name, _(k->bar));
			if (n >= sizeof bars[g]) {
				n = sizeof bars[g] - 1;
				break;
			}
		}
		lens[g] = n;
	}
	/* the F-keys' stand-in, where the bar has room for it */
	const char *esc = _("Esc+digit = F-key");
	int ew = 2 + text_width(esc, strlen(esc)), w0 = text_width(bars[0], lens[0]),
	    w1 = text_width(bars[1], lens[1]);
	int g = w0 + ew < u->cols ? 0 : w1 + ew < u->cols ? 1 : w0 <= u->cols ? 0 : 1;
	if ((g ? w1 : w0) + ew < u->cols)
		snprintf(bars[g] + lens[g], sizeof bars[g] - lens[g], "  %s", esc);
	ui_text(u->rows - 1, 0, u->cols, bars[g], A_REVERSE);
}

/* The length of the first row of s[0..len) wrapped at cols columns:
 * what fits, less its last character when a closing mark (，。、) would
 * start the next row; never 0 while there is text. */
static size_t
wrap_fit(const char *s, size_t len, int cols)
{
	size_t part = cols > 0 ? text_fit(s, len, cols, NULL) : len;
	if (part < len && part > 0) {
		uint32_t next;
		text_utf8_decode(s + part, len - part, &next);
		if (wcschr(L"，。、；：！？）」』”》", (wchar_t)next)) {
			size_t back = part - 1;
			while (back > 0 && ((unsigned char)s[back] & 0xC0) == 0x80)
				back--;
			if (back > 0)
				part = back;
		}
	}
	if (part == 0 && len > 0) {
		uint32_t cp;
		part = text_utf8_decode(s, len, &cp);
	}
	return part;
}

/* --- help ------------------------------------------------------------------- */

#define HELP_MAXROWS 160

struct help {
	unsigned scope;  /* of the screen it explains */
	char last[48];   /* the last key read here, named: a terminal's check */
	int top;         /* the first row shown, of all the help's rows */
	int last_top;    /* the largest top, as the last drawing found it */
	char keys[HELP_MAXROWS][128];   /* the keys' texts the rows point to */
};

/* One row of the help: the keys (NULL on the rows a long explanation
 * wraps onto) and what they do, or a whole-width line. */
struct help_row {
	const char *keys;
	const char *text;
	size_t len;
	bool whole;
};

#define HELP_KEYCOLS 30

/* The help's rows for scope at cols columns, each explanation wrapped
 * under itself, so that nothing is cut at 80 columns; keybuf holds the
 * keys' texts.  Returns the number of rows. */
static int
help_rows(unsigned scope, int cols, struct help_row *out, char (*keybuf)[128])
{
	int n = 0, nk = 0;
	int textw = cols - HELP_KEYCOLS - 4;
	const struct key_binding *t = keys_table();
	for (const struct key_binding *b = t; b->action != ACT_NONE; b++) {
		if (!b->help || !(b->scope & scope) || b->scope == KS_HELP)
			continue;
		/* one line per action: the first binding that has help */
		bool seen = false;
		for (const struct key_binding *c = t; c < b; c++)
			if (c->action == b->action && c->help && (c->scope & scope))
				seen = true;
		if (seen)
			continue;
		if (nk == HELP_MAXROWS)
			break;
		char *keys = keybuf[nk++];
		bool plain = !(scope & (KS_LIST | KS_EDIT | KS_ASK));
		keys_describe(b, keys, 128, plain);
		for (const struct key_binding *c = b + 1; c->action != ACT_NONE; c++)
			if (c->action == b->action && (c->scope & scope) && !c->help) {
				size_t k = strlen(keys);
				snprintf(keys + k, 128 - k, ", ");
				keys_describe(c, keys + k + 2, 128 - k - 2, plain);
			}
		const char *h = _(b->help);
		size_t len = strlen(h);
		do {
			size_t part = wrap_fit(h, len, textw);
			if (n < HELP_MAXROWS)
				out[n++] = (struct help_row){keys, h, part, false};
			keys = NULL;
			h += part;
			len -= part;
		} while (len > 0);
	}
	static const char *const tail[] = {
		"", N_("Without F-keys: the Ctrl key, or Esc then the digit within a second"),
		N_("(or Alt+digit): Esc 1 = F1 ... Esc 0 = F10, Esc - = F11, Esc = = F12."),
	};
	for (size_t i = 0; i < sizeof tail / sizeof tail[0] && n < HELP_MAXROWS; i++)
		out[n++] = (struct help_row){NULL, *tail[i] ? _(tail[i]) : "",
		                             *tail[i] ? strlen(_(tail[i])) : 0, true};
	return n;
}

static void
help_draw(struct ui *u, struct screen *s)
{
	struct help *h = s->data;
	struct help_row rows[HELP_MAXROWS];
	erase();
	ui_title(u, _("Help: keys"));
	int n = help_rows(h->scope, u->cols, rows, h->keys);
	int area = u->rows - 7;   /* rows 2 .. rows-6 */
	h->last_top = n > area ? n - area : 0;
	if (h->top > h->last_top)
		h->top = h->last_top;
	if (h->top < 0)
		h->top = 0;
	for (int i = 0; i < area && h->top + i < n; i++) {
		const struct help_row *r = &rows[h->top + i];
		char line[512];
		snprintf(line, sizeof line, "%.*s", (int)r->len, r->text);
		if (r->whole) {
			ui_text(2 + i, 2, u->cols - 4, line, A_NORMAL);
			continue;
		}
		if (r->keys)
			ui_text(2 + i, 2, HELP_KEYCOLS, r->keys, A_BOLD);
		ui_text(2 + i, HELP_KEYCOLS + 3, u->cols - HELP_KEYCOLS - 4, line, A_NORMAL);
	}
	if (n > area)
		ui_text(u->rows - 5, 1, u->cols - 2, _("Up/Down, PgUp/PgDn: the rest of the help"),
		        A_DIM);
	char line[128];
	snprintf(line, sizeof line, _("Press a key to see how it is read: %s"), h->last);
	ui_text(u->rows - 4, 2, u->cols - 4, line, A_NORMAL);
	ui_footer(u, KS_HELP);
}

static int
help_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	struct help *h = s->data;
	keys_name(is_key, key, h->last, sizeof h->last);
	int page = u->rows > 7 ? u->rows - 7 : 1;
	switch (a) {
	case ACT_BACK:
	case ACT_HELP:
		return UI_POP;
	case ACT_UP:
		h->top -= h->top > 0;
		return UI_REDRAW;
	case ACT_DOWN:
		h->top += h->top < h->last_top;
		return UI_REDRAW;
	case ACT_PGUP:
		h->top = h->top > page ? h->top - page : 0;
		return UI_REDRAW;
	case ACT_PGDN:
		h->top = h->top + page < h->last_top ? h->top + page : h->last_top;
		return UI_REDRAW;
	case ACT_HOME:
		h->top = 0;
		return UI_REDRAW;
	case ACT_END:
		h->top = h->last_top;
		return UI_REDRAW;
	default:
		return UI_REDRAW;   /* the key read, named */
	}
}

static void
help_free(struct screen *s)
{
	free(s->data);
}

static const struct screen_ops help_screen = {
	.scope = KS_HELP, .draw = help_draw, .key = help_key, .free = help_free,
};

/* --- a yes/no question ------------------------------------------------------- */

struct ask {
	char *question;
	void (*done)(struct ui *u, void *data, bool yes);
	/* ui_ask_later's: Esc is neither yes nor no */
	void (*done3)(struct ui *u, void *data, int answer);
	char *legend;
	void *data;
};

static void
ask_draw(struct ui *u, struct screen *s)
{
	struct ask *a = s->data;
	int w = u->cols - 10, y = u->rows / 2 - 3;
	ui_text(y, 5, w, "", A_REVERSE);
	/* the question, wrapped on up to three lines */
	const char *q = a->question;
	int line = 0;
	for (; line < 3; line++) {
		size_t len = strlen(q);
		size_t n = text_fit(q, len, w - 4, NULL);
		char part[512];
		snprintf(part, sizeof part, "  %.*s", (int)n, q);
		ui_text(y + 1 + line, 5, w, part, A_REVERSE | A_BOLD);
		q += n;
		if (!*q)
			break;
	}
	ui_text(y + 2 + line, 5, w, a->legend ? a->legend : _("  y = yes    n = no"), A_REVERSE);
	ui_text(y + 3 + line, 5, w, "", A_REVERSE);
}

/* answer: 1 yes, 0 no, -1 Esc (no, unless the question was ui_ask_later's) */
static int
ask_answer(struct ui *u, struct screen *s, int answer)
{
	struct ask *a = s->data;
	void (*done)(struct ui *, void *, bool) = a->done;
	void (*done3)(struct ui *, void *, int) = a->done3;
	void *data = a->data;
	a->done = NULL;
	a->done3 = NULL;
	ui_pop(u);
	if (done3)
		done3(u, data, answer);
	else if (done)
		done(u, data, answer > 0);
	return UI_REDRAW;
}

static int
ask_text(struct ui *u, struct screen *s, wint_t ch)
{
	if (ch == L'y' || ch == L'Y' || ch == L'是')
		return ask_answer(u, s, 1);
	if (ch == L'n' || ch == L'N' || ch == L'否')
		return ask_answer(u, s, 0);
	return 0;
}

static int
ask_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	if (a == ACT_BACK)
		return ask_answer(u, s, -1);
	return 0;
}

static void
ask_free(struct screen *s)
{
	struct ask *a = s->data;
	free(a->question);
	free(a->legend);
	free(a);
}

static const struct screen_ops ask_screen = {
	.scope = KS_ASK, .draw = ask_draw, .key = ask_key, .text = ask_text,
	.free = ask_free, .overlay = true,
};

void
ui_ask(struct ui *u, const char *question, void (*done)(struct ui *u, void *data, bool yes),
       void *data)
{
	struct ask *a = calloc(1, sizeof *a);
	if (!a || !(a->question = strdup(question))) {
		free(a);
		return;
	}
	a->done = done;
	a->data = data;
	ui_push(u, &ask_screen, a);
}

void
ui_ask_later(struct ui *u, const char *question, const char *legend,
             void (*done)(struct ui *u, void *data, int answer), void *data)
{
	struct ask *a = calloc(1, sizeof *a);
	if (!a || !(a->question = strdup(question)) || !(a->legend = strdup(legend))) {
		if (a)
			free(a->question);
		free(a);
		return;
	}
	a->done3 = done;
	a->data = data;
	ui_push(u, &ask_screen, a);
}

/* --- a line of text ------------------------------------------------------------- */

struct prompt {
	char *question;
	struct edit ed;
	void (*done)(struct ui *u, void *data, const char *text);
	void *data;
};

static void
prompt_draw(struct ui *u, struct screen *s)
{
	struct prompt *p = s->data;
	int w = u->cols - 10, y = u->rows / 2 - 2;
	ui_text(y, 5, w, "", A_REVERSE);
	ui_text(y + 1, 5, w, p->question, A_REVERSE | A_BOLD);
	ui_text(y + 2, 5, 2, "", A_REVERSE);
	size_t first;
	int col = edit_view(&p->ed, w - 4, &first);
	ui_text(y + 2, 7, w - 4, p->ed.buf + first, A_UNDERLINE);
	ui_text(y + 2, 5 + w - 2, 2, "", A_REVERSE);
	ui_text(y + 3, 5, w, _("  Enter: done    Esc: back"), A_REVERSE);
	ui_cursor(u, y + 2, 7 + col);
}

static int
prompt_finish(struct ui *u, struct screen *s, bool ok)
{
	struct prompt *p = s->data;
	void (*done)(struct ui *, void *, const char *) = p->done;
	void *data = p->data;
	char *text = ok ? strdup(p->ed.buf) : NULL;
	p->done = NULL;
	ui_pop(u);
	if (done)
		done(u, data, text);
	free(text);
	return UI_REDRAW;
}

static int
prompt_text(struct ui *u, struct screen *s, wint_t ch)
{
	(void)u;
	struct prompt *p = s->data;
	if (p->ed.len < 200)
		edit_insert_cp(&p->ed, (uint32_t)ch);
	return UI_REDRAW;
}

static int
prompt_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct prompt *p = s->data;
	switch (a) {
	case ACT_BACK:
		return prompt_finish(u, s, false);
	case ACT_NEXT:
	case ACT_OPEN:
	case ACT_SAVE:
		return prompt_finish(u, s, true);
	case ACT_BACKSPACE:
		edit_backspace(&p->ed);
		return UI_REDRAW;
	case ACT_DELETE:
		edit_delete(&p->ed);
		return UI_REDRAW;
	case ACT_LEFT:
		edit_left(&p->ed);
		return UI_REDRAW;
	case ACT_RIGHT:
		edit_right(&p->ed);
		return UI_REDRAW;
	case ACT_KILL:
		edit_clear(&p->ed);
		return UI_REDRAW;
	default:
		return 0;
	}
}

static void
prompt_free(struct screen *s)
{
	struct prompt *p = s->data;
	free(p->question);
	edit_free(&p->ed);
	free(p);
}

static const struct screen_ops prompt_screen = {
	.scope = KS_EDIT, .draw = prompt_draw, .key = prompt_key, .text = prompt_text,
	.free = prompt_free, .overlay = true,
};

void
ui_prompt(struct ui *u, const char *question, const char *initial,
          void (*done)(struct ui *u, void *data, const char *text), void *data)
{
	struct prompt *p = calloc(1, sizeof *p);
	if (!p || !(p->question = strdup(question)) || edit_init(&p->ed, initial) < 0) {
		if (p)
			free(p->question);
		free(p);
		return;
	}
	p->done = done;
	p->data = data;
	ui_push(u, &prompt_screen, p);
}

/* --- a text to read ------------------------------------------------------------ */

struct textview {
	char *title;
	char **lines;
	size_t n, top;   /* top: the first screen row shown, of the wrapped text */
	size_t nrows;    /* the wrapped text's rows, as the last drawing found them */
	char *text;      /* a document to print (ui_show_doc), else NULL */
	char *doc;
	rec_id id;
};

/* The text's lines wrapped at cols columns: calls row(i, s, len) for
 * each screen row from the first (rows before skip are counted, not
 * drawn, and drawing stops after max); returns the rows there are. */
static size_t
textview_wrap(const struct textview *tv, int cols, size_t skip, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < tv->n; i++) {
		const char *p = tv->lines[i];
		size_t len = strlen(p);
		do {
			size_t part = wrap_fit(p, len, cols);
			if (k >= skip && k - skip < max) {
				char line[2048];
				snprintf(line, sizeof line, "%.*s", (int)part, p);
				ui_text(2 + (int)(k - skip), 1, cols, line, A_NORMAL);
			}
			k++;
			p += part;
			len -= part;
		} while (len > 0);
	}
	return k;
}

static void
textview_draw(struct ui *u, struct screen *s)
{
	struct textview *tv = s->data;
	erase();
	ui_title(u, tv->title);
	int area = u->rows - 5;
	/* long lines (a file's path, a fault) wrap rather than end cut */
	tv->nrows = textview_wrap(tv, u->cols - 2, tv->top, area > 0 ? (size_t)area : 0);
	if (tv->top >= tv->nrows && tv->nrows) {
		tv->top = tv->nrows - 1;
		erase();
		ui_title(u, tv->title);
		textview_wrap(tv, u->cols - 2, tv->top, (size_t)area);
	}
	ui_footer_hiding(u, KS_TEXT, tv->doc ? 0 : 1ULL << ACT_PRINT);
}

static int
textview_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct textview *tv = s->data;
	size_t page = u->rows > 6 ? (size_t)(u->rows - 6) : 1;
	switch (a) {
	case ACT_BACK:
		return UI_POP;
	case ACT_UP:
		if (tv->top)
			tv->top--;
		return UI_REDRAW;
	case ACT_DOWN:
		if (tv->top + 1 < tv->nrows)
			tv->top++;
		return UI_REDRAW;
	case ACT_PGUP:
		tv->top = tv->top > page ? tv->top - page : 0;
		return UI_REDRAW;
	case ACT_PGDN:
		if (tv->top + page < tv->nrows)
			tv->top += page;
		return UI_REDRAW;
	case ACT_PRINT:
		if (!tv->doc)
			return 0;
		return ui_open(u, "print", &(struct ui_args){.text = tv->text, .doc = tv->doc,
		                                             .id = &tv->id, .title = tv->title});
	default:
		return 0;
	}
}

static void
textview_free(struct screen *s)
{
	struct textview *tv = s->data;
	free(tv->text);
	free(tv->doc);
	for (size_t i = 0; i < tv->n; i++)
		free(tv->lines[i]);
	free(tv->lines);
	free(tv->title);
	free(tv);
}

static const struct screen_ops textview_screen = {
	.scope = KS_TEXT, .draw = textview_draw, .key = textview_key, .free = textview_free,
};

static struct textview *
textview_new(const char *title, const char *text)
{
	struct textview *tv = calloc(1, sizeof *tv);
	if (!tv)
		return NULL;
	tv->title = strdup(title);
	for (const char *p = text; p && *p;) {
		size_t l = strcspn(p, "\n");
		char **nl = realloc(tv->lines, (tv->n + 1) * sizeof *nl);
		if (!nl)
			break;
		tv->lines = nl;
		tv->lines[tv->n++] = strndup(p, l);
		p += l;
		if (*p)
			p++;
	}
	return tv;
}

void
ui_show_text(struct ui *u, const char *title, const char *text)
{
	struct textview *tv = textview_new(title, text);
	if (tv)
		ui_push(u, &textview_screen, tv);
}

void
ui_show_doc(struct ui *u, const char *title, const char *text, const char *doc, const rec_id *id)
{
	struct textview *tv = textview_new(title, text);
	if (!tv)
		return;
	tv->text = strdup(text);
	tv->doc = strdup(doc);
	tv->id = *id;
	if (!tv->text || !tv->doc) {
		free(tv->doc);
		tv->doc = NULL;
	}
	ui_push(u, &textview_screen, tv);
}

/* --- the loop ----------------------------------------------------------------- */

static void
draw_small(struct ui *u)
{
	char msg[160];
	erase();
	snprintf(msg, sizeof msg, _("The window is too small (%dx%d): shegong needs at least 80x24."),
	         u->cols, u->rows);
	for (int y = 0; y < u->rows && y < 3; y++)
		ui_text(y, 0, u->cols, y == 0 ? msg : y == 1 ? _("Make it larger, or press F10 to go back.") : "",
		        A_NORMAL);
	/* a question (leave a changed form?) is read and answered here too */
	if (u->top && u->top->ops == &ask_screen) {
		struct ask *a = u->top->data;
		const char *q = a->question;
		int y = 3;
		for (; *q && y < u->rows - 1; y++) {
			size_t n = text_fit(q, strlen(q), u->cols, NULL);
			if (!n)
				break;
			char part[512];
			snprintf(part, sizeof part, "%.*s", (int)n, q);
			ui_text(y, 0, u->cols, part, A_BOLD);
			q += n;
		}
		if (y < u->rows)
			ui_text(y, 0, u->cols, a->legend ? a->legend : _("  y = yes    n = no"), A_NORMAL);
	}
}

static void
draw_screen(struct ui *u, struct screen *s)
{
	if (s->ops->overlay && s->below)
		draw_screen(u, s->below);
	s->ops->draw(u, s);
}

void
ui_cursor(struct ui *u, int y, int x)
{
	move(y, x);
	curs_set(1);
	u->cursor = true;
}

static void
draw(struct ui *u)
{
	/* The cursor is hidden before a screen draws, and shown by the screen
	 * where it wants it; but when the same screen showed it last time
	 * with ui_cursor it is left shown, and hidden after only if the
	 * screen no longer wants it: hiding and showing it again with every
	 * key typed was half the bytes sent (curs_set writes at once). */
	bool shown = u->cursor;
	u->cursor = false;
	u->free_row = 0;
	getmaxyx(stdscr, u->rows, u->cols);
	if (u->rows < 24 || u->cols < 80) {
		draw_small(u);
		curs_set(0);
	} else {
		if (!shown)
			curs_set(0);
		draw_screen(u, u->top);
		if (shown && !u->cursor)
			curs_set(0);
	}
	refresh();
}

void
ui_draw_now(struct ui *u)
{
	draw(u);
}

/* True when the terminal is gone (hung up, or closed under us). */
static bool
input_dead(void)
{
	struct pollfd p = {STDIN_FILENO, POLLIN, 0};
	if (poll(&p, 1, 0) < 0)
		return errno != EINTR;
	return (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static int
handle(struct ui *u, bool is_key, wint_t key, bool escaped)
{
	struct screen *s = u->top;
	unsigned scope = s->ops->scope;
	/* typing goes to the screen's text box, if it has one */
	if (!is_key && !escaped && s->ops->text && key >= 0x20 && key != 0x7F)
		return s->ops->text(u, s, key);
	enum action a = keys_lookup(scope, is_key, key, escaped);
	if (u->rows < 24 || u->cols < 80) {
		/* quitting asks as at full size (ui-home.c) */
		if (a == ACT_QUIT)
			return s->ops->key(u, s, a, is_key, key);
		/* Esc and F10 go back as at full size: a form with changes
		 * asks first (the question shows on this screen), and nothing
		 * typed is closed unasked */
		return a == ACT_BACK && s->below ? s->ops->key(u, s, a, is_key, key) : 0;
	}
	if (a == ACT_HELP && scope != KS_HELP && scope != KS_ASK) {
		struct help *h = calloc(1, sizeof *h);
		if (h) {
			h->scope = scope;
			ui_push(u, &help_screen, h);
		}
		return UI_REDRAW;
	}
	if (a == ACT_REDRAW) {
		clearok(curscr, TRUE);
		return UI_REDRAW;
	}
	if (!s->ops->text && !is_key && !escaped && key >= 0x20 && a == ACT_NONE) {
		/* a plain key the screen might still want (digits in a menu) */
		return s->ops->key(u, s, ACT_NONE, false, key);
	}
	return s->ops->key(u, s, a, is_key, key);
}

static void
tick_all(struct ui *u, bool final)
{
	for (struct screen *s = u->top; s; s = s->below)
		if (s->ops->tick)
			s->ops->tick(u, s, final);
}

static void
set_today(struct ui *u)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(u->today, sizeof u->today, "%Y-%m-%d", &tm);
}

int
ui_open(struct ui *u, const char *name, const struct ui_args *a)
{
	static const struct ui_args none;
	for (const struct ui_entry *e = u->screens; e && e->name; e++)
		if (strcmp(e->name, name) == 0)
			return e->open(u, a ? a : &none);
	return 0;
}

/* After a lone Esc: what follows within KEYS_ESC_WAIT_MS.  A digit, -, =
 * or a letter makes Esc-digit (an F-key) or Esc-letter: returns 1 with
 * *key set.  The rest of a terminal's sequence that curses did not
 * take whole (it came in pieces, or is one curses does not know): its key
 * in *key and *is_key, returning 0, or -1 when it is no key of ours, so
 * that it is dropped rather than read as Esc and typing.  Anything else
 * is left to be read next: a plain Esc (0). */
static int
read_escaped(wint_t *key, bool *is_key)
{
	wint_t next;
	timeout(KEYS_ESC_WAIT_MS);
	int r = get_wch(&next);
	timeout(TICK_MS);
	if (r == KEY_CODE_YES) {
		ungetch((int)next);
		return 0;
	}
	if (r != OK)
		return 0;
	if (next == L'[' || next == L'O') {
		/* a sequence's bytes come together; a person is slower */
		char seq[16];
		size_t n = 0;
		seq[n++] = (char)next;
		bool csi = next == L'[';
		timeout(50);
		for (;;) {
			wint_t c;
			if (get_wch(&c) != OK || c < 0x20 || c > 0x7e) {
				timeout(TICK_MS);
				if (n == 1) {
					*key = next;  /* Esc then [ or O, typed */
					return 1;
				}
				return -1;
			}
			seq[n++] = (char)c;
			seq[n] = '\0';
			bool final = csi ? (c >= 0x40 && c <= 0x7e && !(n == 2 && c == L'[')) : true;
			if (final || n >= sizeof seq - 1)
				break;
		}
		timeout(TICK_MS);
		int k = keys_sequence_key(seq);
		if (!k)
			return -1;
		*key = (wint_t)k;
		*is_key = true;
		return 0;
	}
	if (keys_esc_fkey(next) || (next > 0x20 && next < 0x7f)) {
		*key = next;
		return 1;
	}
	unget_wch(next);
	return 0;
}

int
ui_loop(store *st, struct formset *forms, const char *dbdir, const char *login,
        const struct scope *scope, const struct ui_entry *screens, const char *const *start)
{
	struct ui u = {.st = st, .forms = forms, .scope = scope, .screens = screens};
	u.dbdir = strdup(dbdir);
	u.login = strdup(login);
	set_today(&u);
	store_read(st, load_worker, &u);
	if (!u.worker)
		ui_message(&u, _("Your account \"%s\" is not registered as a worker: ask the "
		                 "administrator to add it."), login);

	catch_signals();
	if (!ui_term_start()) {
		fprintf(stderr, "shegong: cannot start the screen\n");
		return 1;
	}
	raw();  /* Ctrl-S, Ctrl-Q, Ctrl-C reach us as keys */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	keys_teach();
	/* curses gives up on a sequence 25 ms after its Esc; then the loop
	 * waits for a person (read_escaped) */
	set_escdelay(25);
	curs_set(0);
	timeout(TICK_MS);
	for (const char *const *p = start; p && *p; p++)
		ui_open(&u, *p, NULL);
	if (!u.top) {
		endwin();
		fprintf(stderr, "shegong: no screen to start with\n");
		return 1;
	}

	int status = 0;
	bool dirty = true;
	for (;;) {
		if (got_hup || got_term) {
			/* keep what was being typed before anything else */
			tick_all(&u, true);
			status = 128 + (got_hup ? SIGHUP : SIGTERM);
			break;
		}
		if (dirty)
			draw(&u);
		dirty = false;
		wint_t key;
		int r = get_wch(&key);
		if (r == ERR) {
			if (!got_hup && !got_term && input_dead())
				got_hup = 1;
			if (!got_hup && !got_term) {
				tick_all(&u, false);
				set_today(&u);
			}
			continue;
		}
		bool is_key = r == KEY_CODE_YES;
		if (is_key && key == KEY_RESIZE) {
			dirty = true;
			continue;
		}
		bool escaped = false;
		if (!is_key && key == 27) {
			int e = read_escaped(&key, &is_key);
			if (e < 0)
				continue;  /* a sequence no key of ours: nothing */
			escaped = e > 0;
			/* Esc and a key that means nothing together here (Esc 9
			 * on a text, then 9 on the menu below it): Esc, then
			 * the key by itself */
			if (escaped && keys_lookup(u.top->ops->scope, false, key, true) == ACT_NONE) {
				unget_wch(key);
				key = 27;
				escaped = false;
			}
		}
		int f = handle(&u, is_key, key, escaped);
		while ((f & UI_PASS) && u.top->below) {
			ui_pop(&u);
			f = handle(&u, is_key, key, escaped) | UI_REDRAW;
		}
		if ((f & UI_QUIT) || u.quit)
			break;
		if (f & UI_POP)
			ui_pop(&u);
		if (f & (UI_REDRAW | UI_POP | UI_HANDLED))
			dirty = true;
	}
	/* after a hang-up the terminal is gone and endwin's writes just fail */
	endwin();
	while (u.top) {
		struct screen *s = u.top;
		u.top = s->below;
		if (s->ops->free)
			s->ops->free(s);
		free(s);
	}
	free(u.dbdir);
	free(u.login);
	free(u.worker);
	free(u.role);
	free(u.place);
	free(u.village);
	return status;
}

/* --- text for results, the locale's words, paths ---------------------------------- */

void
ui_out_add(struct ui_out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || o->failed)
		return;
	if (o->len + (size_t)n + 1 > o->cap) {
		size_t cap = (o->cap ? o->cap * 2 : 1024) + (size_t)n;
		char *p = realloc(o->p, cap);
		if (!p) {
			o->failed = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

void
ui_bar(int y, int x, int width, size_t done, size_t total)
{
	size_t fill = !total || done >= total ? (size_t)width : (size_t)width * done / total;
	const char *full = ui_locale_utf8() ? "█" : "#";
	char bar[1024 * 3 + 8], pct[8];
	size_t n = 0;
	bar[n++] = '[';
	for (int i = 0; i < width && n + 4 < sizeof bar - 2; i++) {
		const char *c = (size_t)i < fill ? full : ".";
		size_t cl = strlen(c);
		memcpy(bar + n, c, cl);
		n += cl;
	}
	bar[n++] = ']';
	bar[n] = '\0';
	ui_text(y, x, width + 2, bar, A_NORMAL);
	snprintf(pct, sizeof pct, "%3zu%%", total ? (done >= total ? 100 : done * 100 / total) : 100);
	ui_text(y, x + 3 + width, 5, pct, A_BOLD);
}

bool
ui_locale_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return !cs || strcmp(cs, "UTF-8") == 0 || strcmp(cs, "ANSI_X3.4-1968") == 0;
}

char *
ui_locale_text(const char *s)
{
	char *out = NULL;
	size_t outlen;
	if (ui_locale_utf8() || text_utf8_valid(s, strlen(s), NULL))
		return strdup(s);
	if (text_conv("UTF-8", nl_langinfo(CODESET), s, strlen(s), &out, &outlen, NULL) !=
	    TEXT_CONV_OK)
		return strdup("?");
	return out;
}

char *
ui_path_for_fs(const char *typed)
{
	char *full = NULL;
	const char *home = getenv("HOME");
	if (typed[0] == '~' && (typed[1] == '/' || !typed[1]) && home && *home) {
		if (asprintf(&full, "%s%s", home, typed + 1) < 0)
			return NULL;
	} else if (!(full = strdup(typed))) {
		return NULL;
	}
	if (ui_locale_utf8())
		return full;
	char *out = NULL;
	size_t outlen;
	int err = text_conv(nl_langinfo(CODESET), "UTF-8", full, strlen(full), &out, &outlen, NULL);
	free(full);
	return err == TEXT_CONV_OK ? out : NULL;
}
