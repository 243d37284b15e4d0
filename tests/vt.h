/* vt.h: the screen test harness.  Runs a real program in a
 * pseudo-terminal and reads its screen through libvterm, a real terminal
 * emulator, as a worker's terminal would show it.  It can also be a
 * GB18030 terminal: the program's output is decoded from GB18030 and what
 * the test types is encoded to GB18030 before it is sent.  Either way it
 * is a terminal that does not know REP (CSI n b), though TERM says rep, as
 * PuTTY before 0.71: a REP from the program aborts the test, the screen
 * dumped, whichever test it is. */
#ifndef SHEGONG_VT_H
#define SHEGONG_VT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct vt vt;

/* Start argv[0] (a path) with argv in a new pseudo-terminal of rows x cols.
 * env is a NULL-terminated list of "NAME=value" strings added to (and
 * overriding) the test's own environment; a bare "NAME" removes NAME (so
 * a test can drop LANGUAGE or LC_ALL it inherited).  TERM is
 * xterm-256color unless env says otherwise; LINES and COLUMNS are
 * removed, since they would pin curses to one size.  encoding is "UTF-8"
 * or "GB18030": the terminal's own encoding.  Returns NULL (with a
 * message on stderr) on failure, including when argv[0] cannot be run. */
vt *vt_spawn(char *const argv[], char *const env[], int rows, int cols,
             const char *encoding);

/* Send UTF-8 text as typed keys (converted to the terminal encoding). */
int vt_type(vt *t, const char *utf8);
/* Send raw bytes as they are (escape sequences for keys). */
int vt_send_raw(vt *t, const char *bytes, size_t len);
/* Common keys, as xterm sends them. */
#define VT_KEY_F1 "\033OP"
#define VT_KEY_F2 "\033OQ"
#define VT_KEY_F10 "\033[21~"
#define VT_KEY_ENTER "\r"
#define VT_KEY_ESC "\033"
#define VT_KEY_TAB "\t"
#define VT_KEY_UP "\033[A"
#define VT_KEY_DOWN "\033[B"
#define VT_KEY_RIGHT "\033[C"
#define VT_KEY_LEFT "\033[D"
#define VT_KEY_BACKSPACE "\177"

/* Read what the program wrote for up to ms milliseconds (returns early
 * when the program is quiet for 50 ms after having written something). */
void vt_pump(vt *t, int ms);
/* Wait until utf8 appears anywhere on the screen, up to ms; true if seen. */
bool vt_wait_text(vt *t, const char *utf8, int ms);
/* Wait until utf8 is no longer on the screen, up to ms. */
bool vt_wait_gone(vt *t, const char *utf8, int ms);
/* The screen as UTF-8, rows separated by '\n', trailing spaces of each row
 * removed; a wide character is stored once (its second cell is skipped).
 * The string belongs to t and is valid until the next call on t. */
const char *vt_screen(vt *t);
/* One row (0-based), as above; NULL when row is off the screen.  Its own
 * buffer: a vt_screen string stays valid across it. */
const char *vt_row(vt *t, int row);
/* Cursor position. */
void vt_cursor(vt *t, int *row, int *col);
/* Whether the cell at row, col (0-based) is drawn in reverse video: a
 * form's current field has its label so, where the cursor may be hidden
 * (a choice field). */
bool vt_reverse(vt *t, int row, int col);
/* The terminal's modes, as the program last set them: whether it shows
 * the alternate screen (smcup/rmcup), and whether the cursor is visible
 * (civis/cnorm).  A program that exits cleanly leaves both false/true. */
bool vt_altscreen(vt *t);
bool vt_cursor_visible(vt *t);
/* Resize the terminal (sends SIGWINCH through the pty). */
int vt_resize(vt *t, int rows, int cols);
/* Total bytes the program has written to the terminal so far. */
size_t vt_bytes_received(vt *t);
/* Every byte the program has written so far, as written (before a
 * GB18030 terminal's decoding); belongs to t, valid until the next call
 * on t.  For tests that look for what must never be sent. */
const char *vt_raw(vt *t, size_t *len);
/* The window title the program set (OSC 0 or 2), or NULL if it never
 * set one. */
const char *vt_title(vt *t);
/* How many other OSC strings (52: the clipboard) the terminal received. */
size_t vt_osc_count(vt *t);

/* Send a signal to the program. */
int vt_kill(vt *t, int sig);
/* Hang up: close the terminal's side, as a dropped SSH link does (the
 * program gets SIGHUP and reads fail). */
void vt_hangup(vt *t);
/* Wait for the program to exit, up to ms.  Returns true when it exited;
 * *status receives the wait status.  What it wrote before exiting is read,
 * so the screen afterwards is the one it left. */
bool vt_wait_exit(vt *t, int ms, int *status);
/* Kill (if needed) and free everything. */
void vt_free(vt *t);
/* Dump the screen to stderr, for a failing test. */
void vt_dump(vt *t);

#endif
