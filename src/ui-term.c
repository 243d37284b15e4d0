/* ui-term.c: starting curses on the worker's terminal description with
 * its REP capability ("repeat the last character", CSI n b) taken out.
 *
 * Outside UTF-8, ncurses 6 writes a run of the same character (spaces
 * most of all) as the character and REP whenever the terminfo entry has
 * `rep`, and xterm's has it.  What the worker really runs behind
 * TERM=xterm may not know REP: PuTTY learnt it only in 0.71 (2019), and a
 * PuTTY before that, set to GBK, leaves the runs undrawn, so old text
 * stays on the screen and the columns slip.  No terminal says whether it
 * knows REP, and all it saves is a few bytes a screen, so the program
 * never sends it, whatever the locale.
 *
 * Clearing `repeat_char` through <term.h> after initscr does not do it:
 * ncurses 6 keeps its own copy of the description (with wide numbers)
 * apart from the one <term.h> shows, and reads REP from its own.  So
 * curses starts on a copy of the compiled entry whose offset for `rep`
 * says "absent", in a folder of our own named by $TERMINFO for that one
 * reading; the copy is checked, capability by capability, to describe
 * the same terminal as the entry ncurses found, and when anything
 * differs (the entry came from elsewhere, a format we do not know)
 * curses starts as it would have, on the entry as it is.
 *
 * In a UTF-8 locale none of this is done: ncurses 6.2 and later send REP
 * only when the locale is not UTF-8 (EmitRange in tty_update.c asks
 * that the screen not be "unicode", decided by nl_langinfo(CODESET) as
 * below), so curses starts on the entry as it is, read once, and a
 * start costs no copy written and removed. */
#include "config.h"

#include <curses.h>
#include <term.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ui.h"

#define ENTRY_MAX 65536   /* a compiled entry is 4 KiB or so; 32 KiB in the format's limits */

static int
cap_index(const char *name)
{
	for (int i = 0; i < STRCOUNT && strnames[i]; i++)
		if (strcmp(strnames[i], name) == 0)
			return i;
	return -1;
}

static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* Read path whole into buf (at most ENTRY_MAX); its length, or -1. */
static long
read_entry(const char *path, unsigned char *buf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	long n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, (size_t)(ENTRY_MAX - n));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
		if (n == ENTRY_MAX)
			break;
	}
	close(fd);
	return n > 12 && n < ENTRY_MAX ? n : -1;
}

/* The compiled entry of term where ncurses looks first: $TERMINFO,
 * ~/.terminfo, $TERMINFO_DIRS (an empty part: the system's), the
 * system's folders; read into buf.  Its length, or -1. */
static long
find_entry(const char *term, unsigned char *buf)
{
	static const char *const system_dirs[] = {"/etc/terminfo", "/lib/terminfo",
	                                          "/usr/share/terminfo", "/usr/lib/terminfo", NULL};
	char dirs[4096] = "";
	const char *ti = getenv("TERMINFO"), *home = getenv("HOME"), *tid = getenv("TERMINFO_DIRS");
	size_t n = 0;
	if (ti && *ti)
		n += (size_t)snprintf(dirs + n, sizeof dirs - n, "%s:", ti);
	if (home && *home && n < sizeof dirs)
		n += (size_t)snprintf(dirs + n, sizeof dirs - n, "%s/.terminfo:", home);
	if (tid && *tid && n < sizeof dirs)
		n += (size_t)snprintf(dirs + n, sizeof dirs - n, "%s:", tid);
	for (int i = 0; system_dirs[i] && n < sizeof dirs; i++)
		n += (size_t)snprintf(dirs + n, sizeof dirs - n, "%s:", system_dirs[i]);
	if (n >= sizeof dirs)
		return -1;
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char path[4200];
		long len;
		snprintf(path, sizeof path, "%s/%c/%s", d, term[0], term);
		if ((len = read_entry(path, buf)) > 0)
			return len;
		snprintf(path, sizeof path, "%s/%02x/%s", d, (unsigned char)term[0], term);
		if ((len = read_entry(path, buf)) > 0)
			return len;
	}
	return -1;
}

/* Mark string capability idx absent in the compiled entry buf (term(5):
 * a header of six little-endian shorts, the names, the booleans, a pad
 * to an even offset, the numbers of 2 or 4 bytes, then the strings'
 * offsets, -1 for absent).  False when the entry is not in that form or
 * does not hold idx. */
static bool
mark_absent(unsigned char *buf, long len, int idx)
{
	unsigned magic = le16(buf), numsize = magic == 0432 ? 2 : magic == 01036 ? 4 : 0;
	if (!numsize)
		return false;
	unsigned long off = 12 + (unsigned long)le16(buf + 2) + le16(buf + 4);
	off += off & 1;
	off += (unsigned long)le16(buf + 6) * numsize;
	if ((unsigned)idx >= le16(buf + 8))
		return false;
	off += 2 * (unsigned long)idx;
	if (off + 2 > (unsigned long)len)
		return false;
	buf[off] = buf[off + 1] = 0xFF;
	return true;
}

/* Whether the descriptions a and b say the same, rep apart (absent in b).
 * Read through the TERMTYPE that starts a TERMINAL, which <term.h>'s
 * capability macros read too (read-only use is what it is there for):
 * asking tigetstr and set_curterm for each of some 500 capabilities of
 * both took more instructions than the rest of drawing the home screen.
 * The same comparisons as those calls give: booleans, numbers (absent
 * -1, cancelled -2) and strings (absent NULL, cancelled (char *)-1). */
static bool
same_terminal(TERMINAL *a, TERMINAL *b)
{
	const TERMTYPE *x = (const TERMTYPE *)a, *y = (const TERMTYPE *)b;
	for (int i = 0; i < BOOLCOUNT && boolnames[i]; i++)
		if (x->Booleans[i] != y->Booleans[i])
			return false;
	for (int i = 0; i < NUMCOUNT && numnames[i]; i++)
		if (x->Numbers[i] != y->Numbers[i])
			return false;
	int rep = cap_index("rep");
	for (int i = 0; i < STRCOUNT && strnames[i]; i++) {
		const char *s = x->Strings[i], *t = y->Strings[i];
		bool same;
		if (i == rep)
			same = t == NULL;
		else if (s == NULL || s == (char *)-1 || t == NULL || t == (char *)-1)
			same = s == t;
		else
			same = strcmp(s, t) == 0;
		if (!same)
			return false;
	}
	return true;
}

/* Write the entry into a new folder of ours as DIR/c/term; DIR, malloc'd,
 * or NULL. */
static char *
write_entry(const char *term, const unsigned char *buf, long len)
{
	/* $TMPDIR when it is set (a setgid run has none), else /dev/shm, a
	 * folder in memory where Linux has one: on a disk the folder, the
	 * file and their removal cost a start some tenths of a millisecond
	 * (bench/RESULTS.md, "Start-up"), in memory a twentieth of that */
	const char *tmp = getenv("TMPDIR");
	const char *const place[] = {tmp && *tmp == '/' ? tmp : NULL, "/dev/shm", "/tmp"};
	char *dir = NULL;
	for (size_t i = 0; i < sizeof place / sizeof place[0] && !dir; i++) {
		if (!place[i] || asprintf(&dir, "%s/shegong-term-XXXXXX", place[i]) < 0) {
			dir = NULL;
			continue;
		}
		if (!mkdtemp(dir)) {
			free(dir);
			dir = NULL;
		}
	}
	if (!dir)
		return NULL;
	char sub[4200], path[4400];
	snprintf(sub, sizeof sub, "%s/%c", dir, term[0]);
	snprintf(path, sizeof path, "%s/%s", sub, term);
	int fd = -1;
	bool ok = mkdir(sub, 0700) == 0 &&
	          (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0 &&
	          write(fd, buf, (size_t)len) == (ssize_t)len;
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (!ok) {
		unlink(path);
		rmdir(sub);
		rmdir(dir);
		free(dir);
		return NULL;
	}
	return dir;
}

static void
remove_entry(char *dir, const char *term)
{
	char sub[4200], path[4400];
	snprintf(sub, sizeof sub, "%s/%c", dir, term[0]);
	snprintf(path, sizeof path, "%s/%s", sub, term);
	unlink(path);
	rmdir(sub);
	rmdir(dir);
	free(dir);
}

/* The folder holding the terminal's entry without rep, with $TERMINFO
 * naming it; NULL when the entry has no rep or cannot be made (then
 * $TERMINFO is as it was).  *found: the description ncurses found as
 * the environment was, for the check once curses has read the copy
 * (NULL when none). */
static char *
entry_without_rep(const char *term, TERMINAL **found)
{
	int err, idx = cap_index("rep");
	*found = NULL;
	if (idx < 0 || setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return NULL;
	*found = cur_term;
	/* rep straight from the description (tigetstr looks its name up
	 * among some 400 with strcmp) */
	const char *rep = ((const TERMTYPE *)cur_term)->Strings[idx];
	unsigned char *buf = NULL;
	char *dir = NULL;
	long len = -1;
	if (rep && rep != (char *)-1 && (buf = malloc(ENTRY_MAX)) &&
	    (len = find_entry(term, buf)) > 0 && mark_absent(buf, len, idx))
		dir = write_entry(term, buf, len);
	free(buf);
	if (dir && setenv("TERMINFO", dir, 1) != 0) {
		remove_entry(dir, term);
		dir = NULL;
	}
	return dir;
}

/* The terminfo is read twice: once as the environment finds it (the
 * reference), once by initscr from the copy.  The check that the copy
 * describes the same terminal is made on what initscr read, so it costs
 * no third reading; when it fails, curses starts again on the entry as
 * it is (newterm, the first screen let go). */
bool
ui_term_start(void)
{
#if NCURSES_VERSION_MAJOR > 6 || (NCURSES_VERSION_MAJOR == 6 && NCURSES_VERSION_MINOR >= 2)
	const char *cs = nl_langinfo(CODESET);
	if (cs && strcmp(cs, "UTF-8") == 0)
		return initscr() != NULL;
#endif
	const char *term = getenv("TERM");
	char *old = getenv("TERMINFO") ? strdup(getenv("TERMINFO")) : NULL;
	char *dir = NULL;
	TERMINAL *found = NULL;
	/* a name that is a file name (ncurses refuses others too) */
	if (term && *term && !strchr(term, '/') && strcmp(term, ".") && strcmp(term, "..") &&
	    strlen(term) < 256)
		dir = entry_without_rep(term, &found);
	WINDOW *w = initscr();
	bool same = true;
	if (dir) {
		/* read once, by initscr: the environment goes back as it was
		 * for the programs started later (ssh) */
		if (old)
			setenv("TERMINFO", old, 1);
		else
			unsetenv("TERMINFO");
		remove_entry(dir, term);
		same = w && found && same_terminal(found, cur_term);
	}
	if (found)
		del_curterm(found);
	if (!same) {
		/* not the terminal the environment names: as it is, rep and all */
		endwin();
		SCREEN *s = newterm(NULL, stdout, stdin);
		if (s) {
			SCREEN *first = set_term(s);
			if (first)
				delscreen(first);
		}
		w = s ? stdscr : NULL;
	}
	free(old);
	return w != NULL;
}
