/* screen.h: what the screen tests do with vt.h's terminal again and
 * again: start the program on a UTF-8 or GB18030 terminal, wait for a
 * text (the screen dumped when it never shows), send keys, type, quit and
 * wait for a clean exit. */
#ifndef SHEGONG_TEST_SCREEN_H
#define SHEGONG_TEST_SCREEN_H

#include <stdbool.h>

#include "vt.h"

/* Keys, as xterm sends them. */
#define KEY_F1 "\033OP"
#define KEY_F2 "\033OQ"
#define KEY_F3 "\033OR"
#define KEY_F4 "\033OS"
#define KEY_F5 "\033[15~"
#define KEY_F6 "\033[17~"
#define KEY_F7 "\033[18~"
#define KEY_F8 "\033[19~"
#define KEY_F9 "\033[20~"
#define KEY_F10 "\033[21~"
#define KEY_F11 "\033[23~"
#define KEY_F12 "\033[24~"
#define KEY_ESC "\033"
#define KEY_ENTER "\r"
#define KEY_TAB "\t"
#define KEY_DOWN "\033[B"
#define KEY_END "\033OF"
#define KEY_CTRL_A "\001"
#define KEY_CTRL_B "\002"
#define KEY_CTRL_O "\017"
#define KEY_CTRL_R "\022"
#define KEY_CTRL_U "\025"
#define KEY_CTRL_W "\027"
#define KEY_CTRL_X "\030"

/* The two terminals a village room has: UTF-8, and GBK/GB18030 (0 and 1:
 * a loop test's _i).  env: LANG and LC_ALL its locale, no LANGUAGE. */
struct screen_term {
	const char *encoding;
	const char *locale;
	char *env[4];
};
extern const struct screen_term screen_terms[2];

/* How long expect and the quits wait (ms; 15000 unless the test sets
 * it), how long keys and type let the program draw after (150). */
extern int screen_wait_ms;
extern int screen_pump_ms;
/* Called after the screen is dumped for a failure (the SSH tests show
 * sshd's log); NULL: nothing more. */
extern void (*screen_on_failure)(void);

/* $SHEGONG_BIN, else the build's ../src/shegong. */
const char *screen_bin(void);
/* The demo database in db, made by the program itself (--demo). */
void screen_demo(const char *db);
/* The program on db in a 24x80 terminal term (screen_terms), with
 * --demo when demo, --as login when login is not NULL; extra_env (when
 * not NULL) added to the terminal's environment. */
vt *screen_start(const char *db, int term, bool demo, const char *login, char *extra_env);

/* Wait for text on the screen; fail ("never showed") with the screen. */
void expect(vt *t, const char *text);
/* Send the keys k (bytes as they are), then let the program draw; a
 * lone Esc waits out the second in which a digit would make it an F-key. */
void keys(vt *t, const char *k);
/* Type UTF-8 text (in the terminal's encoding), then let it draw. */
void type(vt *t, const char *text);
/* The home screen's question before the program ends (F10, q). */
#define SCREEN_LEAVE_Q "退出程序吗"
/* F10 up to f10s times, until the home screen asks whether to leave; y;
 * then screen_exited. */
void quit_f10(vt *t, int f10s);
/* Wait for the program to exit, with status 0. */
void screen_exited(vt *t);
/* F10 until the program (behind ssh) leaves, saying yes when it asks
 * whether to leave a changed form; ssh hands on the program's exit
 * status, which must be 0. */
void quit_ssh(vt *t);

#endif
