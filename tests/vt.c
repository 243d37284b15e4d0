/* vt.c: the screen test harness: a program in a pseudo-terminal, its screen read through libvterm, optionally as a GB18030 terminal. */
#include "config.h"

#include "vt.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

/* How long a write may wait for the program to read before we give up:
 * a program that stopped reading is a failed test, not a hung one. */
#define VT_WRITE_MS 5000
/* vt_pump returns once the program has been quiet this long. */
#define VT_QUIET_MS 50

struct vt {
	pid_t pid;
	int fd;               /* pty master; -1 after a hang-up */
	bool eof;             /* the slave side is gone: reads give EIO */
	bool reaped;
	int status;           /* wait status, once reaped */

	VTerm *term;
	VTermScreen *screen;
	int rows, cols;
	bool altscreen;
	bool cursor_visible;

	/* GB18030 terminal: both directions through iconv.  (iconv_t)-1 on a
	 * UTF-8 terminal. */
	iconv_t from_term;    /* terminal encoding -> UTF-8 */
	iconv_t to_term;      /* UTF-8 -> terminal encoding */
	char tail[8];         /* an incomplete multibyte sequence held back */
	size_t tail_len;

	size_t received;
	/* Everything the program wrote, as it came (before any decoding),
	 * for tests that look for bytes that must never be sent; what the
	 * title was set to (OSC 0/2) and how many other OSC strings (52: the
	 * clipboard) arrived. */
	char *raw;
	size_t raw_len, raw_cap;
	char *title;
	size_t osc_other;

	/* Looking for REP (see vt_emit): where the scanner is in the
	 * output, and an ESC or CSI held back until the next bytes say
	 * whether it is a REP. */
	enum { VT_GROUND, VT_ESC, VT_ESC_INTER, VT_CSI, VT_STRING } scan;
	char csi[32];
	size_t csi_len;

	/* Answers libvterm gives to the program's queries, waiting to be
	 * written to the pty; kept here rather than written from the
	 * callback so that writing never re-enters the parser. */
	char *reply;
	size_t reply_len, reply_cap;

	char *screen_text;
	char *row_text;
};

static long long
vt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- libvterm callbacks -------------------------------------------------- */

static void
vt_on_output(const char *s, size_t len, void *user)
{
	vt *t = user;

	if (t->reply_len + len > t->reply_cap) {
		size_t cap = t->reply_cap ? t->reply_cap * 2 : 64;
		while (cap < t->reply_len + len)
			cap *= 2;
		char *p = realloc(t->reply, cap);
		if (p == NULL)
			return;   /* a lost answer shows up as a failed test */
		t->reply = p;
		t->reply_cap = cap;
	}
	memcpy(t->reply + t->reply_len, s, len);
	t->reply_len += len;
}

static int
vt_on_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	vt *t = user;

	if (prop == VTERM_PROP_ALTSCREEN)
		t->altscreen = val->boolean;
	else if (prop == VTERM_PROP_CURSORVISIBLE)
		t->cursor_visible = val->boolean;
	else if (prop == VTERM_PROP_TITLE && val->string != NULL) {
		char *p = strdup(val->string);
		if (p != NULL) {
			free(t->title);
			t->title = p;
		}
	}
	return 1;
}

static const VTermScreenCallbacks vt_screen_callbacks = {
	.settermprop = vt_on_settermprop,
};

/* OSC strings libvterm does not handle itself (52, the clipboard, and
 * any other): counted, never obeyed. */
static int
vt_on_osc(const char *command, size_t cmdlen, void *user)
{
	vt *t = user;

	(void)command;
	(void)cmdlen;
	t->osc_other++;
	return 1;
}

static const VTermParserCallbacks vt_fallbacks = {
	.osc = vt_on_osc,
};

/* Send libvterm's pending answers.  Non-blocking and best effort: what
 * does not fit now goes with the next flush. */
static void
vt_flush_reply(vt *t)
{
	while (t->reply_len > 0 && t->fd >= 0) {
		ssize_t n = write(t->fd, t->reply, t->reply_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		memmove(t->reply, t->reply + n, t->reply_len - (size_t)n);
		t->reply_len -= (size_t)n;
	}
}

/* --- feeding the emulator ----------------------------------------------- */

/* The terminal the tests are does not know REP (CSI n b, "repeat the
 * last character n times"), as PuTTY before 0.71 did not, though its TERM
 * (xterm-256color) says rep: the program must never send it (ui-term.c).
 * ncurses would, for runs of blanks in a GB18030 locale.  A REP fails
 * the test there and then, whichever test it is, with the screen: the
 * process aborts, which Check reports as the test's error.  Only the
 * little of the escape syntax needed to find REP is followed. */
static void
vt_rep_received(vt *t, const char *params, size_t len)
{
	fprintf(stderr, "vt: the program sent REP (CSI %.*sb) to a terminal that does not know it "
	        "(PuTTY before 0.71): its screen would be misdrawn\n", (int)len, params);
	vt_dump(t);
	abort();
}

/* Hand UTF-8 to libvterm, failing on a REP (above). */
static void
vt_emit(vt *t, const char *data, size_t len)
{
	size_t from = 0;   /* start of the bytes not yet handed on or held */

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		if (t->scan == VT_ESC) {
			if (c == '[') {
				from = i + 1;
				t->csi_len = 0;
				t->scan = VT_CSI;
				continue;
			}
			/* not a CSI: the held ESC goes on, this byte with the rest */
			vterm_input_write(t->term, "\033", 1);
			from = i;
			if (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X')
				t->scan = VT_STRING;
			else if (c >= 0x20 && c <= 0x2f)
				t->scan = VT_ESC_INTER;
			else
				t->scan = VT_GROUND;
			if (c != 0x1b)
				continue;
			/* ESC ESC: hold the second as the first was held */
		}

		switch (t->scan) {
		case VT_GROUND:
		case VT_ESC_INTER:
		case VT_STRING:
			if (c == 0x1b) {
				vterm_input_write(t->term, data + from, i - from);
				from = i + 1;
				t->scan = VT_ESC;
			} else if (t->scan == VT_STRING) {
				if (c == 0x07)   /* OSC, DCS and the like end at BEL or ESC \ */
					t->scan = VT_GROUND;
			} else if (t->scan == VT_ESC_INTER) {
				/* ESC ( B and the like: not characters on the screen */
				if (c < 0x20 || c > 0x2f)
					t->scan = VT_GROUND;
			}
			break;
		case VT_CSI:
			from = i + 1;
			if (c >= 0x40 && c <= 0x7e) {
				bool rep = c == 'b';
				for (size_t k = 0; k < t->csi_len; k++)
					if (t->csi[k] < '0' || t->csi[k] > '9')
						rep = false;   /* a private or other form */
				if (rep) {
					vt_rep_received(t, t->csi, t->csi_len);
				} else {
					vterm_input_write(t->term, "\033[", 2);
					vterm_input_write(t->term, t->csi, t->csi_len);
					vterm_input_write(t->term, data + i, 1);
				}
				t->scan = VT_GROUND;
			} else if (t->csi_len < sizeof t->csi) {
				t->csi[t->csi_len++] = (char)c;
			} else {
				/* too long to be a REP: let it through as it is */
				vterm_input_write(t->term, "\033[", 2);
				vterm_input_write(t->term, t->csi, t->csi_len);
				vterm_input_write(t->term, data + i, 1);
				t->scan = VT_GROUND;
			}
			break;
		case VT_ESC:
			break;   /* handled above */
		}
	}
	vterm_input_write(t->term, data + from, len - from);
}

/* Decode GB18030 bytes to UTF-8 for libvterm.  An incomplete sequence at
 * the end waits in t->tail for the next read, since a read can split a
 * character anywhere; an illegal byte becomes U+FFFD, as a terminal shows
 * it. */
static void
vt_feed_gb18030(vt *t, const char *data, size_t len)
{
	char in[4096 + sizeof t->tail];
	char out[4 * sizeof in];   /* a byte never becomes more than 3 */

	while (len > 0) {
		size_t take = sizeof in - t->tail_len;
		if (take > len)
			take = len;
		memcpy(in, t->tail, t->tail_len);
		memcpy(in + t->tail_len, data, take);
		data += take;
		len -= take;

		char *ip = in, *op = out;
		size_t il = t->tail_len + take, ol = sizeof out;
		t->tail_len = 0;
		while (il > 0 && iconv(t->from_term, &ip, &il, &op, &ol) == (size_t)-1) {
			if (errno == EINVAL && il < sizeof t->tail) {
				memcpy(t->tail, ip, il);
				t->tail_len = il;
				break;
			}
			/* EILSEQ (or anything odd): one byte shown as U+FFFD */
			memcpy(op, "\xef\xbf\xbd", 3);
			op += 3;
			ol -= 3;
			ip++;
			il--;
		}
		vt_emit(t, out, (size_t)(op - out));
	}
}

static void
vt_feed(vt *t, const char *data, size_t len)
{
	t->received += len;
	if (t->raw_len + len > t->raw_cap) {
		size_t cap = t->raw_cap ? t->raw_cap * 2 : 65536;
		while (cap < t->raw_len + len)
			cap *= 2;
		char *p = realloc(t->raw, cap);
		if (p != NULL) {
			t->raw = p;
			t->raw_cap = cap;
		}
	}
	if (t->raw_len + len <= t->raw_cap) {
		memcpy(t->raw + t->raw_len, data, len);
		t->raw_len += len;
	}
	if (t->from_term == (iconv_t)-1)
		vt_emit(t, data, len);
	else
		vt_feed_gb18030(t, data, len);
	vt_flush_reply(t);
}

/* Read whatever is there now.  Returns bytes read, 0 when nothing was
 * waiting, -1 once the slave side is gone. */
static ssize_t
vt_read_some(vt *t)
{
	char buf[4096];
	ssize_t total = 0;

	if (t->fd < 0 || t->eof)
		return -1;
	for (;;) {
		ssize_t n = read(t->fd, buf, sizeof buf);
		if (n > 0) {
			vt_feed(t, buf, (size_t)n);
			total += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return total;
		/* EIO (Linux) or 0: every slave descriptor is closed */
		t->eof = true;
		return total > 0 ? total : -1;
	}
}

/* Wait up to ms for output and read it.  Returns as vt_read_some, or 0 on
 * a timeout. */
static ssize_t
vt_poll_read(vt *t, int ms)
{
	if (t->fd < 0 || t->eof)
		return -1;
	vt_flush_reply(t);
	struct pollfd p = {.fd = t->fd, .events = POLLIN};
	if (t->reply_len > 0)
		p.events |= POLLOUT;
	int r = poll(&p, 1, ms < 0 ? 0 : ms);
	if (r < 0 && errno != EINTR)
		return -1;
	if (r <= 0)
		return 0;
	if (p.revents & POLLOUT)
		vt_flush_reply(t);
	if (p.revents & (POLLIN | POLLHUP | POLLERR))
		return vt_read_some(t);
	return 0;
}

/* --- starting ------------------------------------------------------------ */

/* In the child, between fork and exec: only async-signal-safe work
 * matters in principle, but the test process is single-threaded, so
 * setenv is safe here. */
static void
vt_child_env(char *const env[])
{
	/* LINES and COLUMNS from the test's shell would pin curses to their
	 * size and defeat the resize test. */
	unsetenv("LINES");
	unsetenv("COLUMNS");
	setenv("TERM", "xterm-256color", 1);
	for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
		const char *eq = strchr(env[i], '=');
		if (eq == NULL) {
			unsetenv(env[i]);
			continue;
		}
		size_t n = (size_t)(eq - env[i]);
		char name[256];
		if (n == 0 || n >= sizeof name)
			continue;
		memcpy(name, env[i], n);
		name[n] = '\0';
		setenv(name, eq + 1, 1);
	}
}

/* A test run under nohup, or from a runner that blocks signals, must not
 * hand that on: the hang-up and termination tests depend on the program's
 * own handling. */
static void
vt_child_signals(void)
{
	static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE,
				   SIGWINCH, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU,
				   SIGALRM};
	sigset_t none;

	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	alarm(0);   /* Check's test timeout alarm is the runner's, not ours */
}

static void
vt_set_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);
	if (fl >= 0)
		fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

vt *
vt_spawn(char *const argv[], char *const env[], int rows, int cols,
	 const char *encoding)
{
	bool gb = false;

	if (argv == NULL || argv[0] == NULL || rows <= 0 || cols <= 0) {
		fprintf(stderr, "vt_spawn: bad arguments\n");
		return NULL;
	}
	if (encoding == NULL || strcmp(encoding, "UTF-8") == 0)
		gb = false;
	else if (strcmp(encoding, "GB18030") == 0)
		gb = true;
	else {
		fprintf(stderr, "vt_spawn: unsupported terminal encoding %s\n", encoding);
		return NULL;
	}

	vt *t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	t->fd = -1;
	t->pid = -1;
	t->rows = rows;
	t->cols = cols;
	t->cursor_visible = true;
	t->from_term = t->to_term = (iconv_t)-1;
	if (gb) {
		t->from_term = iconv_open("UTF-8", "GB18030");
		t->to_term = iconv_open("GB18030", "UTF-8");
		if (t->from_term == (iconv_t)-1 || t->to_term == (iconv_t)-1) {
			fprintf(stderr, "vt_spawn: iconv GB18030: %s\n", strerror(errno));
			vt_free(t);
			return NULL;
		}
	}

	t->term = vterm_new(rows, cols);
	if (t->term == NULL) {
		vt_free(t);
		return NULL;
	}
	vterm_set_utf8(t->term, 1);
	vterm_output_set_callback(t->term, vt_on_output, t);
	t->screen = vterm_obtain_screen(t->term);
	vterm_screen_set_callbacks(t->screen, &vt_screen_callbacks, t);
	vterm_screen_set_unrecognised_fallbacks(t->screen, &vt_fallbacks, t);
	/* Without this the screen layer refuses the switch and a program's
	 * alternate screen would overwrite the normal one. */
	vterm_screen_enable_altscreen(t->screen, 1);
	vterm_screen_reset(t->screen, 1);

	/* exec failures come back through this pipe, closed by a successful
	 * exec, so that a missing program fails vt_spawn rather than showing
	 * up later as an empty screen */
	int ep[2];
	if (pipe(ep) < 0) {
		fprintf(stderr, "vt_spawn: pipe: %s\n", strerror(errno));
		vt_free(t);
		return NULL;
	}
	vt_set_cloexec(ep[0]);
	vt_set_cloexec(ep[1]);

	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
	pid_t pid = forkpty(&t->fd, NULL, NULL, &ws);
	if (pid < 0) {
		fprintf(stderr, "vt_spawn: forkpty: %s\n", strerror(errno));
		close(ep[0]);
		close(ep[1]);
		vt_free(t);
		return NULL;
	}
	if (pid == 0) {
		close(ep[0]);
		vt_child_signals();
		vt_child_env(env);
		execv(argv[0], argv);
		int e = errno;
		ssize_t w = write(ep[1], &e, sizeof e);
		(void)w;
		_exit(127);
	}
	t->pid = pid;
	close(ep[1]);
	vt_set_cloexec(t->fd);

	int e = 0;
	ssize_t n;
	do
		n = read(ep[0], &e, sizeof e);
	while (n < 0 && errno == EINTR);
	close(ep[0]);
	if (n == (ssize_t)sizeof e) {
		fprintf(stderr, "vt_spawn: cannot run %s: %s\n", argv[0], strerror(e));
		vt_free(t);
		return NULL;
	}

	int fl = fcntl(t->fd, F_GETFL);
	if (fl < 0 || fcntl(t->fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		fprintf(stderr, "vt_spawn: O_NONBLOCK: %s\n", strerror(errno));
		vt_free(t);
		return NULL;
	}
	return t;
}

/* --- typing ------------------------------------------------------------- */

int
vt_send_raw(vt *t, const char *bytes, size_t len)
{
	long long deadline = vt_now_ms() + VT_WRITE_MS;

	while (len > 0) {
		if (t->fd < 0)
			return -1;
		ssize_t n = write(t->fd, bytes, len);
		if (n > 0) {
			bytes += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		/* The pty's input queue is full: keep reading the program's
		 * output meanwhile, or it may block writing and never read. */
		long long left = deadline - vt_now_ms();
		if (left <= 0)
			return -1;
		struct pollfd p = {.fd = t->fd, .events = POLLIN | POLLOUT};
		if (poll(&p, 1, (int)(left < 50 ? left : 50)) < 0 && errno != EINTR)
			return -1;
		if (p.revents & POLLIN)
			vt_read_some(t);
		if (t->eof)
			return -1;
	}
	return 0;
}

int
vt_type(vt *t, const char *utf8)
{
	size_t len = strlen(utf8);

	if (t->to_term == (iconv_t)-1)
		return vt_send_raw(t, utf8, len);

	size_t cap = len * 2 + 4;   /* GB18030 is at most 4 bytes where UTF-8 has 2..4 */
	char *out = malloc(cap);
	if (out == NULL)
		return -1;
	char *ip = (char *)utf8, *op = out;
	size_t il = len, ol = cap;
	iconv(t->to_term, NULL, NULL, NULL, NULL);
	if (iconv(t->to_term, &ip, &il, &op, &ol) == (size_t)-1) {
		free(out);
		return -1;
	}
	int r = vt_send_raw(t, out, (size_t)(op - out));
	free(out);
	return r;
}

/* --- reading the screen -------------------------------------------------- */

void
vt_pump(vt *t, int ms)
{
	long long deadline = vt_now_ms() + ms;
	bool got = false;

	for (;;) {
		long long left = deadline - vt_now_ms();
		if (left <= 0)
			return;
		int wait = (int)left;
		if (got && wait > VT_QUIET_MS)
			wait = VT_QUIET_MS;
		ssize_t n = vt_poll_read(t, wait);
		if (n < 0)
			return;
		if (n == 0) {
			if (got)
				return;
			continue;
		}
		got = true;
	}
}

/* Append one cell's characters as UTF-8; returns the new end. */
static char *
vt_put_utf8(char *p, uint32_t c)
{
	if (c < 0x80) {
		*p++ = (char)c;
	} else if (c < 0x800) {
		*p++ = (char)(0xC0 | (c >> 6));
		*p++ = (char)(0x80 | (c & 0x3F));
	} else if (c < 0x10000) {
		*p++ = (char)(0xE0 | (c >> 12));
		*p++ = (char)(0x80 | ((c >> 6) & 0x3F));
		*p++ = (char)(0x80 | (c & 0x3F));
	} else if (c < 0x110000) {
		*p++ = (char)(0xF0 | (c >> 18));
		*p++ = (char)(0x80 | ((c >> 12) & 0x3F));
		*p++ = (char)(0x80 | ((c >> 6) & 0x3F));
		*p++ = (char)(0x80 | (c & 0x3F));
	} else {
		p = vt_put_utf8(p, 0xFFFD);
	}
	return p;
}

/* Bytes one row can take: every cell full of combining characters. */
static size_t
vt_row_cap(const vt *t)
{
	return (size_t)t->cols * VTERM_MAX_CHARS_PER_CELL * 4 + 1;
}

/* Write row into p (not terminated); returns the new end.  Trailing
 * blanks go whether the program wrote them or never touched the cells:
 * a test cares about what a worker sees. */
static char *
vt_render_row(vt *t, int row, char *p)
{
	char *start = p;

	for (int col = 0; col < t->cols; col++) {
		VTermScreenCell cell;
		VTermPos pos = {.row = row, .col = col};

		if (!vterm_screen_get_cell(t->screen, pos, &cell))
			continue;
		/* the right half of a wide character */
		if (cell.chars[0] == (uint32_t)-1)
			continue;
		if (cell.chars[0] == 0) {
			*p++ = ' ';
			continue;
		}
		for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i] != 0; i++)
			p = vt_put_utf8(p, cell.chars[i]);
	}
	while (p > start && p[-1] == ' ')
		p--;
	return p;
}

const char *
vt_screen(vt *t)
{
	size_t cap = vt_row_cap(t) * (size_t)t->rows + 1;
	char *buf = realloc(t->screen_text, cap);
	if (buf == NULL)
		return "";
	t->screen_text = buf;

	char *p = buf;
	for (int row = 0; row < t->rows; row++) {
		if (row > 0)
			*p++ = '\n';
		p = vt_render_row(t, row, p);
	}
	*p = '\0';
	return buf;
}

const char *
vt_row(vt *t, int row)
{
	if (row < 0 || row >= t->rows)
		return NULL;
	char *buf = realloc(t->row_text, vt_row_cap(t));
	if (buf == NULL)
		return "";
	t->row_text = buf;
	*vt_render_row(t, row, buf) = '\0';
	return buf;
}

static bool
vt_wait_for(vt *t, const char *utf8, int ms, bool want)
{
	long long deadline = vt_now_ms() + ms;

	vt_poll_read(t, 0);
	for (;;) {
		if ((strstr(vt_screen(t), utf8) != NULL) == want)
			return true;
		long long left = deadline - vt_now_ms();
		if (left <= 0)
			return false;
		if (vt_poll_read(t, (int)(left < 20 ? left : 20)) < 0) {
			/* nothing more will come: the screen is final */
			return (strstr(vt_screen(t), utf8) != NULL) == want;
		}
	}
}

bool
vt_wait_text(vt *t, const char *utf8, int ms)
{
	return vt_wait_for(t, utf8, ms, true);
}

bool
vt_wait_gone(vt *t, const char *utf8, int ms)
{
	return vt_wait_for(t, utf8, ms, false);
}

void
vt_cursor(vt *t, int *row, int *col)
{
	VTermPos pos;

	vterm_state_get_cursorpos(vterm_obtain_state(t->term), &pos);
	if (row != NULL)
		*row = pos.row;
	if (col != NULL)
		*col = pos.col;
}

bool
vt_reverse(vt *t, int row, int col)
{
	VTermScreenCell cell;
	VTermPos pos = {.row = row, .col = col};

	if (row < 0 || row >= t->rows || col < 0 || col >= t->cols)
		return false;
	if (!vterm_screen_get_cell(t->screen, pos, &cell))
		return false;
	return cell.attrs.reverse;
}

bool
vt_altscreen(vt *t)
{
	return t->altscreen;
}

bool
vt_cursor_visible(vt *t)
{
	return t->cursor_visible;
}

int
vt_resize(vt *t, int rows, int cols)
{
	if (rows <= 0 || cols <= 0)
		return -1;
	/* Output already written was laid out for the old size: let the
	 * emulator see it at that size before changing. */
	vt_poll_read(t, 0);
	vterm_set_size(t->term, rows, cols);
	t->rows = rows;
	t->cols = cols;
	if (t->fd < 0)
		return -1;
	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
	return ioctl(t->fd, TIOCSWINSZ, &ws) < 0 ? -1 : 0;
}

size_t
vt_bytes_received(vt *t)
{
	return t->received;
}

const char *
vt_raw(vt *t, size_t *len)
{
	*len = t->raw_len;
	return t->raw != NULL ? t->raw : "";
}

const char *
vt_title(vt *t)
{
	return t->title;
}

size_t
vt_osc_count(vt *t)
{
	return t->osc_other;
}

/* --- ending -------------------------------------------------------------- */

int
vt_kill(vt *t, int sig)
{
	if (t->reaped || t->pid <= 0)
		return -1;
	return kill(t->pid, sig);
}

void
vt_hangup(vt *t)
{
	if (t->fd >= 0) {
		vt_poll_read(t, 0);
		close(t->fd);
		t->fd = -1;
	}
}

bool
vt_wait_exit(vt *t, int ms, int *status)
{
	long long deadline = vt_now_ms() + ms;

	while (!t->reaped) {
		pid_t r = waitpid(t->pid, &t->status, WNOHANG);
		if (r == t->pid) {
			t->reaped = true;
			break;
		}
		if (r < 0 && errno != EINTR)
			return false;
		long long left = deadline - vt_now_ms();
		if (left <= 0)
			return false;
		int wait = (int)(left < 10 ? left : 10);
		/* keep reading, so that a program writing its last screen
		 * never blocks on a full pty */
		if (vt_poll_read(t, wait) < 0)
			poll(NULL, 0, wait);
	}
	/* What the program wrote before it exited is still in the pty: read it
	 * all, so the screen is the one it left behind. */
	while (vt_poll_read(t, 20) > 0)
		;
	if (status != NULL)
		*status = t->status;
	return true;
}

void
vt_free(vt *t)
{
	if (t == NULL)
		return;
	if (t->pid > 0 && !t->reaped) {
		kill(t->pid, SIGKILL);
		while (waitpid(t->pid, &t->status, 0) < 0 && errno == EINTR)
			;
	}
	if (t->fd >= 0)
		close(t->fd);
	if (t->term != NULL)
		vterm_free(t->term);
	if (t->from_term != (iconv_t)-1)
		iconv_close(t->from_term);
	if (t->to_term != (iconv_t)-1)
		iconv_close(t->to_term);
	free(t->reply);
	free(t->raw);
	free(t->title);
	free(t->screen_text);
	free(t->row_text);
	free(t);
}

void
vt_dump(vt *t)
{
	int crow, ccol;

	vt_cursor(t, &crow, &ccol);
	fprintf(stderr, "--- screen %dx%d, cursor %d,%d%s%s, %zu bytes received%s ---\n",
		t->rows, t->cols, crow, ccol,
		t->cursor_visible ? "" : " (hidden)",
		t->altscreen ? ", alternate screen" : "",
		t->received, t->eof || t->fd < 0 ? ", closed" : "");
	for (int row = 0; row < t->rows; row++)
		fprintf(stderr, "%2d|%s\n", row, vt_row(t, row));
	fprintf(stderr, "---\n");
}
