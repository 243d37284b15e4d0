/* ui.c: the screen loop: terminal set-up, signals, reading keys, and the
 * drawing helpers every screen uses. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "orgunit.h"
#include "text.h"
#include "ui.h"

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
	for (int i = 0; i < depth; i++)
		record_free(chain[i]);
	u->place = strdup(place);
	record_free(w);
	return 0;
}

static void
draw_small(struct ui *u)
{
	char msg[160];
	erase();
	snprintf(msg, sizeof msg, _("The window is too small (%dx%d): shegong needs at least 80x24."),
	         u->cols, u->rows);
	for (int y = 0; y < u->rows && y < 3; y++)
		ui_text(y, 0, u->cols, y == 0 ? msg : y == 1 ? _("Make it larger, or press q to quit.") : "",
		        A_NORMAL);
}

/* The help screen, written from the key table. */
static void
draw_help(struct ui *u)
{
	erase();
	ui_text(0, 0, u->cols, _(" Help: keys"), A_REVERSE);
	int y = 2;
	for (const struct key_binding *b = keys_table(); b->action != ACT_NONE && y < u->rows - 2; b++) {
		if (!b->help || !(b->scope & (KS_HOME | KS_ALL)) || b->scope == KS_HELP)
			continue;
		char keys[96];
		keys_describe(b, keys, sizeof keys);
		ui_text(y, 2, 28, keys, A_BOLD);
		ui_text(y, 31, u->cols - 32, _(b->help), A_NORMAL);
		y++;
	}
	ui_text(y + 1, 2, u->cols - 4, _("Without F-keys: hold Ctrl, or press Esc and the digit"),
	        A_NORMAL);
	ui_text(y + 2, 2, u->cols - 4, _("at once (Alt+digit): Esc 1 = F1, Esc 0 = F10."), A_NORMAL);
	ui_text(u->rows - 1, 0, u->cols, _(" F10 / q / Esc  Back"), A_REVERSE);
}

static void
draw(struct ui *u)
{
	getmaxyx(stdscr, u->rows, u->cols);
	if (u->rows < 24 || u->cols < 80)
		draw_small(u);
	else if (u->help)
		draw_help(u);
	else
		home_draw(u);
	refresh();
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
	if (u->help) {
		enum action a = keys_lookup(KS_HELP, is_key, key, escaped);
		if (a == ACT_BACK || a == ACT_HELP) {
			u->help = false;
			return UI_REDRAW;
		}
		return a == ACT_REDRAW ? UI_REDRAW : 0;
	}
	enum action a = keys_lookup(KS_HOME, is_key, key, escaped);
	if (u->rows < 24 || u->cols < 80)
		return a == ACT_QUIT ? UI_QUIT : 0;
	switch (a) {
	case ACT_HELP:
		u->help = true;
		return UI_REDRAW;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		return UI_REDRAW;
	default:
		return home_key(u, a, is_key, key);
	}
}

int
ui_run(store *st, const char *dbdir, const char *login)
{
	struct ui u = {.st = st};
	u.dbdir = strdup(dbdir);
	u.login = strdup(login);
	store_read(st, load_worker, &u);
	if (!u.worker)
		ui_message(&u, _("Your account \"%s\" is not registered as a worker: ask the "
		                 "administrator to add it."), login);
	home_refresh_counts(&u);

	catch_signals();
	if (!initscr()) {
		fprintf(stderr, "shegong: cannot start the screen\n");
		return 1;
	}
	raw();  /* Ctrl-S, Ctrl-Q, Ctrl-C reach us as keys */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);  /* Esc answers at once, even over SSH */
	curs_set(0);
	timeout(1000);

	int status = 0;
	bool dirty = true;
	for (;;) {
		if (got_hup) {
			status = 128 + SIGHUP;
			break;
		}
		if (got_term) {
			status = 128 + SIGTERM;
			break;
		}
		if (dirty)
			draw(&u);
		dirty = false;
		wint_t key;
		int r = get_wch(&key);
		if (r == ERR) {
			if (got_hup || got_term)
				continue;
			if (input_dead())
				got_hup = 1;
			continue;
		}
		bool is_key = r == KEY_CODE_YES;
		if (is_key && key == KEY_RESIZE) {
			dirty = true;
			continue;
		}
		bool escaped = false;
		if (!is_key && key == 27) {
			/* Esc and a digit that arrived with it (Alt+digit, or Esc
			 * typed quickly) stand for an F-key */
			wint_t next;
			timeout(0);
			int r2 = get_wch(&next);
			timeout(1000);
			if (r2 == OK && next >= L'0' && next <= L'9') {
				key = next;
				escaped = true;
			} else if (r2 == OK) {
				unget_wch(next);
			} else if (r2 == KEY_CODE_YES) {
				ungetch((int)next);
			}
		}
		int f = handle(&u, is_key, key, escaped);
		if (f & UI_QUIT)
			break;
		if (f & UI_REDRAW)
			dirty = true;
	}
	/* after a hang-up the terminal is gone and endwin's writes just fail */
	endwin();
	free(u.dbdir);
	free(u.login);
	free(u.worker);
	free(u.role);
	free(u.place);
	return status;
}
