/* ui.h: the full-screen program: the screen loop, what the screens share,
 * and the drawing helpers that turn UTF-8 into columns on the terminal.
 * Screens are a draw function and a key function; key functions change
 * state and return flags, and only the loop draws. */
#ifndef SHEGONG_UI_H
#define SHEGONG_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "keys.h"
#include "store.h"

/* What a key handler asks of the loop. */
enum {
	UI_HANDLED = 1 << 0,
	UI_REDRAW = 1 << 1,
	UI_QUIT = 1 << 2,
};

#define UI_MENU_MAX 8

struct ui {
	store *st;
	char *dbdir;
	char *login;
	char *worker;     /* the worker's name, NULL when the login is not registered */
	char *role;       /* translated role, or NULL */
	char *place;      /* "攀莲镇 安宁村": where the worker works, or NULL */
	int rows, cols;
	int sel;          /* home menu: the chosen entry */
	bool help;        /* the help screen is up */
	char msg[512];    /* the message line */
	size_t counts[UI_MENU_MAX];
};

/* Run the full-screen program until the worker quits, the link drops or
 * the program is told to stop.  Returns the exit status. */
int ui_run(store *st, const char *dbdir, const char *login);

/* Drawing helpers (curses must be up).  Write the UTF-8 text s at row y,
 * column x, sanitized, cut or padded to exactly cols columns. */
void ui_text(int y, int x, int cols, const char *s, int attr);
/* Set the message line (printf-style, UTF-8). */
void ui_message(struct ui *u, const char *fmt, ...);

/* The home screen. */
void home_draw(struct ui *u);
int home_key(struct ui *u, enum action a, bool is_key, wint_t key);
void home_refresh_counts(struct ui *u);

#endif
