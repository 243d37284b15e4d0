/* ui-sync.c: the exchange with the township from the full-screen program
 * (home menu "Data exchange"): what this database is (a village room's
 * own PC with its township, or a township server), the host and time of
 * the last exchanges and what was taken and sent then, what waits to go
 * up, and the notices to settle; the exchange itself over ssh or through
 * a file on a USB stick (sync.[ch]), with a bar while it runs and what
 * went up and came down afterwards; and the notices, to read and settle. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "orgunit.h"
#include "search.h"
#include "sync.h"
#include "text.h"
#include "ui.h"

/* Rows of the screen: the status above, the last exchanges, the result. */
#define PEERS_Y 8
#define PEERS_ROWS 4
#define RESULT_Y (PEERS_Y + PEERS_ROWS + 2)

struct sview {
	struct ui *u;
	struct sync_status s;
	int err;                 /* of sync_status */
	char township[200];      /* a village PC's township, by name */
	char **peer_names;       /* one for each of s.peers */
	size_t top;              /* the first exchange shown */
	char *result;            /* what the last action did (UTF-8 lines), or NULL */
	bool result_bad;
	/* while an exchange runs */
	const char *doing;       /* its title */
	char host[256];
	bool ssh, away;          /* over ssh; curses left for ssh's questions */
	struct sigaction old_int;
	int phase;
	size_t done, total;
};

static void
set_result(struct sview *sv, struct ui_out *o, bool bad)
{
	free(sv->result);
	sv->result = o->failed ? strdup(_("The computer ran out of memory.")) : o->p;
	sv->result_bad = bad || o->failed;
	if (o->failed)
		free(o->p);
	o->p = NULL;
}

/* "2026-11-29 09:53" */
static void
when_text(int64_t t, char *out, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!t || !localtime_r(&tt, &tm) || !strftime(out, size, "%Y-%m-%d %H:%M", &tm))
		snprintf(out, size, "-");
}

/* A unit's name for its id text; for a peer whose unit is not known, the
 * township above (a village PC's peer is its township's server) or words
 * that say what it is: never the database's number, which says nothing
 * to a worker. */
static char *
peer_name(struct ui *u, const char *unit, uint64_t site)
{
	(void)site;
	char *name = unit && *unit ? search_ref_name(u->st, unit) : NULL;
	if (name)
		return name;
	if (u->scope && u->scope->level == UNIT_VILLAGE && *u->scope->above &&
	    (name = search_ref_name(u->st, u->scope->above)))
		return name;
	return strdup(u->scope && u->scope->level == UNIT_VILLAGE ? _("the township's server")
	                                                         : _("a computer not registered here"));
}

static void
names_free(struct sview *sv)
{
	for (size_t i = 0; sv->peer_names && i < sv->s.npeers; i++)
		free(sv->peer_names[i]);
	free(sv->peer_names);
	sv->peer_names = NULL;
}

static void
load(struct ui *u, struct sview *sv)
{
	names_free(sv);
	sync_status_free(&sv->s);
	sv->township[0] = '\0';
	sv->err = sync_status(u->st, u->scope, &sv->s);
	if (sv->err) {
		ui_message(u, "%s", sync_strerror(sv->err));
		return;
	}
	sv->peer_names = calloc(sv->s.npeers ? sv->s.npeers : 1, sizeof *sv->peer_names);
	for (size_t i = 0; sv->peer_names && i < sv->s.npeers; i++) {
		const struct sync_peer *p = &sv->s.peers[i];
		sv->peer_names[i] = peer_name(u, p->unit, p->site);
		if (sv->s.upstream && p->site == sv->s.upstream && sv->peer_names[i])
			snprintf(sv->township, sizeof sv->township, "%s", sv->peer_names[i]);
	}
	if (sv->s.upstream && !sv->township[0]) {
		char *name = peer_name(u, NULL, sv->s.upstream);
		snprintf(sv->township, sizeof sv->township, "%s", name ? name : "");
		free(name);
	}
	if (sv->top >= sv->s.npeers)
		sv->top = 0;
}

static bool
supervisor(const struct ui *u)
{
	return u->scope && u->scope->role == ROLE_SUPERVISOR;
}

/* How many bytes of q..end fit on a row of cols columns: broken at a
 * space when there is one in the row's second half (English), else
 * anywhere (Chinese).  At least one character. */
static size_t
wrap_at(const char *q, const char *end, int cols)
{
	size_t n = text_fit(q, (size_t)(end - q), cols, NULL);
	if (n == 0 && q < end)
		n = 1;
	if (q + n < end)
		for (size_t k = n; k > n / 2; k--)
			if (q[k - 1] == ' ')
				return k;
	return n;
}

/* Draw text from row y on, at most to row last, wrapped at cols columns;
 * returns the row after it. */
static int
draw_wrapped(int y, int last, int x, int cols, const char *text, int attr)
{
	for (const char *p = text; p && *p && y <= last;) {
		size_t l = strcspn(p, "\n");
		const char *q = p, *end = p + l;
		do {
			size_t n = wrap_at(q, end, cols);
			char part[1024];
			snprintf(part, sizeof part, "%.*s", (int)n, q);
			ui_text(y++, x, cols, part, attr);
			q += n;
		} while (q < end && y <= last);
		p = end;
		if (*p)
			p++;
	}
	return y;
}

/* text into o with its lines broken at cols columns: ui_show_text cuts
 * a line at the screen's edge, and a notice is one long sentence. */
static void
add_wrapped(struct ui_out *o, const char *text, int cols)
{
	for (const char *p = text; p && *p;) {
		size_t l = strcspn(p, "\n");
		const char *q = p, *end = p + l;
		do {
			size_t n = wrap_at(q, end, cols);
			ui_out_add(o, "%.*s\n", (int)n, q);
			q += n;
		} while (q < end);
		if (l == 0)
			ui_out_add(o, "\n");
		p = end;
		if (*p)
			p++;
	}
}

/* --- the screen ----------------------------------------------------------------------- */

static unsigned long long
hidden(const struct ui *u, const struct sview *sv)
{
	unsigned long long hide = 0;
	if (supervisor(u))
		return 1ULL << ACT_SYNC_NOW | 1ULL << ACT_SYNC_HOST | 1ULL << ACT_SYNC_TOFILE |
		       1ULL << ACT_SYNC_FROMFILE;
	if (!sv->s.upstream)
		hide |= 1ULL << ACT_SYNC_NOW | 1ULL << ACT_SYNC_HOST;
	return hide;
}

static void
sync_draw(struct ui *u, struct screen *s)
{
	struct sview *sv = s->data;
	char line[1024];
	int w = u->cols - 4;
	erase();
	ui_title(u, sv->s.upstream ? _("Data exchange with the township")
	                           : _("Data exchange with the village PCs"));
	if (sv->err) {
		ui_footer_hiding(u, KS_SYNC, hidden(u, sv));
		return;
	}
	/* what this database is */
	if (sv->s.upstream)
		snprintf(line, sizeof line, _("This PC: a village room's own PC; it exchanges with %s."),
		         sv->township);
	else if (sv->s.npeers)
		snprintf(line, sizeof line, "%s",
		         _("This database: a township server; village PCs exchange with it."));
	else
		snprintf(line, sizeof line, "%s",
		         _("This database: a township server (no village PC has exchanged with it yet)."));
	ui_text(2, 2, w, line, A_BOLD);
	int y = 3;
	if (sv->s.upstream) {
		if (sv->s.host[0])
			snprintf(line, sizeof line, _("The township server's host: %s"), sv->s.host);
		else
			snprintf(line, sizeof line, "%s",
			         _("The township server's host: not known yet (e asks for it)."));
		ui_text(y++, 2, w, line, A_NORMAL);
		if (supervisor(u))
			snprintf(line, sizeof line, "%s", _("Waiting to go up: counted for the room's workers."));
		else
			snprintf(line, sizeof line, _("Waiting to go up: %zu records, %zu of them referrals (until the township's "
			                   "answer confirms them)."),
			         sv->s.pending, sv->s.pending_referrals);
		ui_text(y++, 2, w, line, sv->s.pending ? A_BOLD : A_NORMAL);
	} else {
		ui_text(y++, 2, w,
		        _("A village's file is written for it when asked (o): what changed since its "
		          "last file."),
		        A_NORMAL);
	}
	snprintf(line, sizeof line, _("Notices to settle: %zu (n shows them)."), sv->s.open_notices);
	ui_text(y++, 2, w, line, sv->s.open_notices ? A_BOLD : A_NORMAL);
	if (supervisor(u))
		ui_text(y, 2, w, _("Supervisors see the exchanges; the rooms make them."), A_NORMAL);

	/* the last exchange with each side */
	ui_text(PEERS_Y - 1, 2, w, _("Last exchanges: with whom, when, records taken and sent then"),
	        A_BOLD | A_UNDERLINE);
	if (!sv->s.npeers)
		ui_text(PEERS_Y, 4, w - 2, _("None yet."), A_NORMAL);
	for (int i = 0; i < PEERS_ROWS && sv->top + (size_t)i < sv->s.npeers; i++) {
		size_t k = sv->top + (size_t)i;
		const struct sync_peer *p = &sv->s.peers[k];
		char when[40], counts[128];
		when_text(p->last, when, sizeof when);
		ui_text(PEERS_Y + i, 4, 28, sv->peer_names && sv->peer_names[k] ? sv->peer_names[k] : "?",
		        A_NORMAL);
		ui_text(PEERS_Y + i, 33, 17, when, A_NORMAL);
		snprintf(counts, sizeof counts, _("taken %zu, sent %zu"), p->last_in, p->last_out);
		ui_text(PEERS_Y + i, 51, u->cols - 53, counts, A_NORMAL);
	}
	if (sv->top + PEERS_ROWS < sv->s.npeers)
		ui_text(PEERS_Y + PEERS_ROWS, 4, w - 2, _("(more: Up/Down)"), A_NORMAL);

	/* what the last action did */
	if (sv->result) {
		ui_text(RESULT_Y, 2, w, sv->result_bad ? _("It did not work:") : _("Done:"),
		        A_BOLD | A_UNDERLINE);
		draw_wrapped(RESULT_Y + 1, u->rows - 4, 2, w, sv->result, A_NORMAL);
	}
	ui_footer_hiding(u, KS_SYNC, hidden(u, sv));
}

/* --- the bar, while it runs ------------------------------------------------------------ */

static void
progress_draw(struct ui *u, struct screen *s)
{
	struct sview *sv = s->data;
	char line[1024];
	erase();
	ui_title(u, sv->doing);
	const char *stage = sv->phase == 0   ? _("Preparing what goes up")
	                    : sv->phase == 1 ? _("Checking what came")
	                    : sv->phase == 2 ? _("Saving what came")
	                                     : _("Sending");
	snprintf(line, sizeof line, "%s %zu/%zu", stage, sv->done, sv->total);
	ui_text(3, 2, u->cols - 4, line, A_BOLD);
	ui_bar(5, 2, u->cols - 14, sv->done, sv->total);
	ui_text(7, 2, u->cols - 4,
	        _("A link cut off part way loses nothing: run the exchange again later."), A_NORMAL);
	ui_footer_hiding(u, KS_TEXT, ~0ULL);
}

static const struct screen_ops progress_screen = {
	.scope = KS_TEXT, .draw = progress_draw,
};

/* Ctrl-C while ssh runs stops ssh, not this program (whose SIGINT
 * handler would end it after the exchange). */
static void
ignore_signal(int sig)
{
	(void)sig;
}

/* The terminal as the locale writes it, for the lines said outside
 * curses. */
static void
say_plain(const char *utf8)
{
	char *conv = NULL;
	size_t len;
	if (!ui_locale_utf8() &&
	    text_conv(nl_langinfo(CODESET), "UTF-8", utf8, strlen(utf8), &conv, &len, NULL) ==
	            TEXT_CONV_OK) {
		fputs(conv, stdout);
		free(conv);
	} else {
		fputs(utf8, stdout);
	}
}

/* Leave curses while ssh runs: ssh asks on the terminal for a password
 * (or, the first time, whether to trust the server's key), and the
 * worker answers it as on a command line. */
static void
go_away(struct sview *sv)
{
	def_prog_mode();
	endwin();
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ignore_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &sv->old_int);
	sv->away = true;
	struct ui_out o = {0};
	ui_out_add(&o, "\n%s\n", sv->doing);
	ui_out_add(&o, _("Connecting to %s and exchanging ..."), sv->host);
	ui_out_add(&o, "\n%s\n%s\n%s\n\n",
	        _("If ssh asks for a password, type your password on the township server and press "
	          "Enter (nothing shows while you type)."),
	        _("The first time it may ask whether to go on connecting: answer yes if the "
	          "township gave you this address."),
	        _("Ctrl-C stops the exchange; nothing is lost."));
	if (!o.failed)
		say_plain(o.p);
	free(o.p);
	fflush(stdout);
}

static void
come_back(struct ui *u, struct sview *sv)
{
	if (!sv->away)
		return;
	sigaction(SIGINT, &sv->old_int, NULL);
	sv->away = false;
	reset_prog_mode();
	clearok(curscr, TRUE);
	(void)u;
}

/* The exchange runs inside a key handler, so the loop cannot draw until
 * it ends: the bar is drawn from here, by its screen's own draw function. */
static void
on_progress(int phase, size_t done, size_t total, void *ctx)
{
	struct sview *sv = ctx;
	struct ui *u = sv->u;
	if (phase == 3)
		return;   /* ssh's part: curses is left (and the bytes go to a pipe) */
	if (sv->away)
		come_back(u, sv);
	sv->phase = phase;
	sv->done = done;
	sv->total = total;
	ui_draw_now(u);
	/* the file for the township is made: ssh comes next */
	if (sv->ssh && phase == 0 && done >= total && !sv->away)
		go_away(sv);
}

/* --- files ------------------------------------------------------------------------------ */

/* --- what an action did ------------------------------------------------------------------ */

static void
add_sent(struct ui_out *o, const struct sync_stats *s)
{
	ui_out_add(o, _("Went up: %zu records (%zu referrals, %zu service records), %zu bytes.\n"),
	        s->sent, s->sent_referrals, s->sent_services, s->bytes);
}

static void
add_taken(struct ui_out *o, const struct sync_stats *s)
{
	if (s->already || s->received == 0)
		ui_out_add(o, "%s\n", _("Came down: nothing new."));
	else
		ui_out_add(o,
		        _("Came down: %zu records: %zu new or newer saved, %zu referrals merged, %zu "
		          "already here, %zu of this side's own kept.\n"),
		        s->received, s->applied, s->merged, s->same, s->kept_ours);
	if (s->notices)
		ui_out_add(o, _("%zu new notices to settle: n shows them.\n"), s->notices);
}

/* The sentence for a failure: why when sync.c wrote one. */
static void
add_why(struct ui_out *o, int err, const char *why)
{
	ui_out_add(o, "%s\n", why && *why ? why : sync_strerror(err));
}

/* --- exchanging over ssh ----------------------------------------------------------------- */

static void
run_ssh(struct ui *u, struct sview *sv, const char *host)
{
	snprintf(sv->host, sizeof sv->host, "%s", host);
	sv->doing = _("Exchanging with the township server");
	sv->ssh = true;
	sv->away = false;
	struct sync_stats up, down;
	memset(&up, 0, sizeof up);
	memset(&down, 0, sizeof down);
	char why[1024] = "";
	int err;
	u->msg[0] = '\0';
	if (ui_push(u, &progress_screen, sv)) {
		on_progress(0, 0, 1, sv);
		err = sync_ssh(u->st, u->scope, host, NULL, NULL, &up, &down, on_progress, sv, why,
		               sizeof why);
		come_back(u, sv);
		ui_pop(u);   /* the bar's screen (it frees nothing of sv) */
	} else {
		err = STORE_NOMEM;
	}
	sv->ssh = false;
	struct ui_out o = {0};
	if (err) {
		ui_out_add(&o, _("The exchange with %s did not happen.\n"), host);
		add_why(&o, err, why);
		ui_message(u, "%s", _("The exchange did not work: read why below."));
	} else {
		char when[40];
		when_text((int64_t)time(NULL), when, sizeof when);
		ui_out_add(&o, _("Exchanged with %s at %s.\n"), host, when);
		add_sent(&o, &up);
		add_taken(&o, &down);
		ui_message(u, _("Exchanged: %zu records went up, %zu came down."), up.sent,
		           down.already ? (size_t)0 : down.received);
	}
	set_result(sv, &o, err != 0);
	load(u, sv);
}

static void
host_typed(struct ui *u, void *data, const char *text)
{
	struct sview *sv = data;
	if (!text)
		return;
	while (*text == ' ')
		text++;
	size_t len = strlen(text);
	while (len && text[len - 1] == ' ')
		len--;
	if (!len) {
		ui_message(u, "%s", _("No host was given: nothing was exchanged."));
		return;
	}
	char host[256];
	snprintf(host, sizeof host, "%.*s", (int)len, text);
	if (host[0] == '-' || strchr(host, ' ')) {
		ui_message(u, _("\"%s\" is not a host: type it as the township gave it, e.g. "
		                "anning@192.168.1.10"),
		           host);
		return;
	}
	run_ssh(u, sv, host);
}

static void
ask_host(struct ui *u, struct sview *sv)
{
	ui_prompt(u, _("The township server for ssh (as the township gave it, e.g. anning@192.168.1.10):"),
	          sv->s.host, host_typed, sv);
}

/* --- files for the USB stick --------------------------------------------------------------- */

struct filejob {
	struct sview *sv;
	char *for_unit;   /* a township's file: the village's code */
};

/* "shegong-510421100001-20261129-1005.sync": the name a file gets when a
 * folder (the stick itself) is typed. */
static char *
in_folder(const char *fspath, const char *code)
{
	char stamp[32], *full = NULL;
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M", &tm);
	size_t l = strlen(fspath);
	if (asprintf(&full, "%s%sshegong-%s%s%s.sync", fspath, l && fspath[l - 1] == '/' ? "" : "/",
	             code && *code ? code : "", code && *code ? "-" : "", stamp) < 0)
		return NULL;
	return full;
}

static void
write_path_typed(struct ui *u, void *data, const char *text)
{
	struct filejob *fj = data;
	struct sview *sv = fj->sv;
	size_t len = text ? strlen(text) : 0;
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (!len) {
		if (text)
			ui_message(u, "%s", _("No file was given: nothing was written."));
		free(fj->for_unit);
		free(fj);
		return;
	}
	char *typed = strndup(text, len);
	char *fspath = typed ? ui_path_for_fs(typed) : NULL;
	struct ui_out o = {0};
	bool bad = true;
	if (!fspath) {
		ui_out_add(&o, _("The name %s cannot be written in this terminal's encoding (%s): use "
		              "letters and digits.\n"),
		        typed ? typed : "?", nl_langinfo(CODESET));
		goto done;
	}
	struct stat sb;
	if (stat(fspath, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		/* the stick's folder: a name is made for the file, said in UTF-8 */
		char code[64] = "";
		if (fj->for_unit)
			snprintf(code, sizeof code, "%s", fj->for_unit);
		char *f = in_folder(fspath, code), *t = in_folder(typed, code);
		free(fspath);
		free(typed);
		fspath = f;
		typed = t;
		if (!fspath || !typed) {
			ui_out_add(&o, "%s\n", _("The computer ran out of memory."));
			goto done;
		}
	}
	sv->doing = fj->for_unit ? _("Writing a file for a village") : _("Writing a file for the township");
	sv->ssh = false;
	unsigned char *buf = NULL;
	size_t blen = 0;
	struct sync_stats st;
	memset(&st, 0, sizeof st);
	char why[1024] = "";
	int err;
	u->msg[0] = '\0';
	if (ui_push(u, &progress_screen, sv)) {
		on_progress(0, 0, 1, sv);
		err = sync_make(u->st, u->scope, fj->for_unit, 0, &buf, &blen, &st, on_progress, sv, why,
		                sizeof why);
		ui_pop(u);
	} else {
		err = STORE_NOMEM;
	}
	if (err) {
		ui_out_add(&o, "%s\n", _("No file was written."));
		add_why(&o, err, why);
		goto done;
	}
	int e = sync_file_write(fspath, buf, blen);
	free(buf);
	if (e) {
		char *said = ui_locale_text(strerror(e));
		ui_out_add(&o, _("Cannot write %s: %s.\n"), typed, said ? said : "?");
		if (e == EACCES || e == EPERM)
			ui_out_add(&o, "%s\n",
			        _("Your account may not write there: give a folder of your own (~ is your "
			          "home folder) or a USB stick. Nothing is lost: write the file again."));
		else
			ui_out_add(&o, "%s\n",
			        _("Is the USB stick in, and not full or locked? Nothing is lost: write the "
			          "file again."));
		free(said);
		goto done;
	}
	char *who = peer_name(u, st.peer_unit, st.peer_site);
	if (!st.peer_site && !*st.peer_unit) {
		free(who);
		who = strdup(_("the township's server"));
	}
	ui_out_add(&o, _("Wrote %s for %s.\n"), typed, who ? who : "?");
	add_sent(&o, &st);
	ui_out_add(&o, "%s\n",
	        fj->for_unit ? _("Take it to the village PC and take it there (t on its exchange screen).")
	                     : _("Take it to the township and have it taken there; bring back the "
	                         "file it writes for this village and take it here (t)."));
	ui_message(u, _("The file is written: %zu records."), st.sent);
	free(who);
	bad = false;
done:
	if (bad)
		ui_message(u, "%s", _("No file was written: read why below."));
	set_result(sv, &o, bad);
	free(typed);
	free(fspath);
	free(fj->for_unit);
	free(fj);
	load(u, sv);
}

static void
ask_write_path(struct ui *u, struct filejob *fj)
{
	ui_prompt(u, _("Write the file to (a USB stick's folder or a file name; ~ is your home folder):"),
	          "", write_path_typed, fj);
}

/* The village chosen from the list of the township's villages (by name:
 * nobody knows a 12-digit code by heart); the file is named by its code. */
static void
village_picked(struct ui *u, void *data, const char *value)
{
	struct filejob *fj = data;
	rec_id id;
	record *r = NULL;
	if (!value || !*value) {
		ui_message(u, "%s", _("No village was chosen: nothing was written."));
		free(fj);
		return;
	}
	const char *code = NULL;
	if (rec_id_parse(value, &id) == 0 && search_get(u->st, &id, &r) == STORE_OK)
		code = record_get(r, "code");
	fj->for_unit = strdup(code && *code ? code : value);
	record_free(r);
	if (!fj->for_unit) {
		free(fj);
		return;
	}
	ask_write_path(u, fj);
}

static void
write_file_start(struct ui *u, struct sview *sv)
{
	struct filejob *fj = calloc(1, sizeof *fj);
	if (!fj) {
		ui_message(u, "%s", _("The computer ran out of memory."));
		return;
	}
	fj->sv = sv;
	if (sv->s.upstream)
		ask_write_path(u, fj);
	else
		ui_pick_unit(u, REC_UNIT, UNIT_VILLAGE, _("The file is for which village?"),
		             village_picked, fj);
}

static void
read_path_typed(struct ui *u, void *data, const char *text)
{
	struct sview *sv = data;
	size_t len = text ? strlen(text) : 0;
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (!len) {
		if (text)
			ui_message(u, "%s", _("No file was given: nothing was taken."));
		return;
	}
	char *typed = strndup(text, len);
	char *fspath = typed ? ui_path_for_fs(typed) : NULL;
	struct ui_out o = {0};
	bool bad = true;
	unsigned char *buf = NULL;
	size_t blen = 0;
	int e;
	if (!fspath) {
		ui_out_add(&o, _("The name %s cannot be written in this terminal's encoding (%s): use "
		              "letters and digits.\n"),
		        typed ? typed : "?", nl_langinfo(CODESET));
	} else if ((e = sync_file_read(fspath, &buf, &blen))) {
		char *said = ui_locale_text(strerror(e));
		ui_out_add(&o, _("Cannot read %s: %s.\n"), typed, said ? said : "?");
		free(said);
	} else {
		sv->doing = _("Taking an exchange file");
		sv->ssh = false;
		struct sync_stats st;
		memset(&st, 0, sizeof st);
		char why[1024] = "";
		int err;
		u->msg[0] = '\0';
		if (ui_push(u, &progress_screen, sv)) {
			on_progress(1, 0, 1, sv);
			err = sync_apply(u->st, u->scope, buf, blen, &st, on_progress, sv, why, sizeof why);
			ui_pop(u);
		} else {
			err = STORE_NOMEM;
		}
		if (err) {
			ui_out_add(&o, _("Nothing was taken from %s.\n"), typed);
			add_why(&o, err, why);
		} else {
			char *who = peer_name(u, st.peer_unit, st.peer_site);
			ui_out_add(&o, _("Took %s, from %s.\n"), typed, who ? who : "?");
			add_taken(&o, &st);
			ui_message(u, _("The file is taken: %zu records came down."),
			           st.already ? (size_t)0 : st.received);
			free(who);
			bad = false;
		}
	}
	free(buf);
	if (bad)
		ui_message(u, "%s", _("Nothing was taken: read why below."));
	set_result(sv, &o, bad);
	free(typed);
	free(fspath);
	load(u, sv);
}

/* --- the notices ----------------------------------------------------------------------------- */

struct nview {
	struct sync_notice *v;
	size_t n;
	struct ui_rows at;   /* the chosen notice, the first shown */
};

static void
notices_load(struct ui *u, struct nview *nv)
{
	sync_notices_free(nv->v, nv->n);
	nv->v = NULL;
	nv->n = 0;
	int err = sync_notices(u->st, u->scope, false, &nv->v, &nv->n);
	if (err)
		ui_message(u, "%s", sync_strerror(err));
	if (nv->at.sel >= nv->n)
		nv->at.sel = nv->n ? nv->n - 1 : 0;
}

static int
notice_rows(const struct ui *u)
{
	return u->rows - 4 - 5;
}

static void
notices_draw(struct ui *u, struct screen *s)
{
	struct nview *nv = s->data;
	erase();
	ui_title(u, _("Notices from exchanges: to settle"));
	ui_text(1, 2, u->cols - 4,
	        _("What an exchange could not merge. Enter: read it; F2: mark it settled, with a note."),
	        A_NORMAL);
	if (!nv->n)
		ui_text(3, 2, u->cols - 4, _("No notices to settle."), A_BOLD);
	int rows = notice_rows(u);
	ui_rows_fit(&nv->at, nv->n, rows);
	for (int i = 0; i < rows && nv->at.top + (size_t)i < nv->n; i++) {
		size_t k = nv->at.top + (size_t)i;
		char when[40], line[1024];
		when_text(nv->v[k].at, when, sizeof when);
		const char *t = nv->v[k].text ? nv->v[k].text : "";
		snprintf(line, sizeof line, "%zu. %s  %.*s", k + 1, when, (int)strcspn(t, "\n"), t);
		ui_text(3 + i, 1, u->cols - 2, line, k == nv->at.sel ? A_REVERSE : A_NORMAL);
	}
	ui_footer_hiding(u, KS_NOTICES, supervisor(u) ? 1ULL << ACT_SETTLE : 0);
}

struct settle {
	struct nview *nv;
	char key[112];
};

static void
note_typed(struct ui *u, void *data, const char *text)
{
	struct settle *st = data;
	struct nview *nv = st->nv;
	if (!text) {
		free(st);
		return;
	}
	char why[512] = "";
	int err = sync_notice_settle_key(u->st, st->key, text, why, sizeof why);
	if (err)
		ui_message(u, "%s", why[0] ? why : sync_strerror(err));
	else
		ui_message(u, "%s", _("The notice is marked settled (your note is in the audit trail)."));
	notices_load(u, nv);
	free(st);
}

static int
notices_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct nview *nv = s->data;
	size_t page = notice_rows(u) > 1 ? (size_t)notice_rows(u) : 1;
	switch (a) {
	case ACT_BACK:
		return UI_POP;
	case ACT_UP:
	case ACT_DOWN:
	case ACT_PGUP:
	case ACT_PGDN:
	case ACT_HOME:
	case ACT_END:
		return ui_rows_key(&nv->at, nv->n, a, page);
	case ACT_OPEN: {
		if (!nv->n)
			return UI_REDRAW;
		const struct sync_notice *x = &nv->v[nv->at.sel];
		char when[40], title[160];
		when_text(x->at, when, sizeof when);
		struct ui_out o = {0};
		add_wrapped(&o, x->text ? x->text : "", u->cols - 2);
		ui_out_add(&o, "\n");
		/* the record by its kind and name (a referral by its number),
		 * never by its id, which says nothing to a worker */
		rec_id rid;
		record *r = NULL;
		const char *kind = "", *name = NULL;
		if (rec_id_parse(x->record, &rid) == 0) {
			kind = rec_kind_label(rid.kind);
			if (search_get(u->st, &rid, &r) == STORE_OK) {
				static const char *const named[] = {"name", "number", "date"};
				for (size_t k = 0; k < 3 && !(name && *name); k++)
					name = record_get(r, named[k]);
			}
		}
		ui_out_add(&o, _("Came in an exchange on %s; about: %s %s.\n"), when, kind,
		           name ? name : "");
		record_free(r);
		ui_out_add(&o, "%s\n", _("Esc: back to the notices, where F2 marks it settled."));
		snprintf(title, sizeof title, _("Notice %zu"), nv->at.sel + 1);
		if (!o.failed)
			ui_show_text(u, title, o.p);
		free(o.p);
		return UI_REDRAW;
	}
	case ACT_SETTLE: {
		if (supervisor(u)) {
			ui_message(u, "%s", _("Supervisors read the notices; the room settles them."));
			return UI_REDRAW;
		}
		if (!nv->n)
			return UI_REDRAW;
		struct settle *st = calloc(1, sizeof *st);
		if (!st)
			return UI_REDRAW;
		st->nv = nv;
		snprintf(st->key, sizeof st->key, "%s", nv->v[nv->at.sel].key);
		u->msg[0] = '\0';
		ui_prompt(u, _("Settled: what was decided (kept in the audit trail)?"), "", note_typed, st);
		return UI_REDRAW;
	}
	default:
		return 0;
	}
}

static void
notices_free(struct screen *s)
{
	struct nview *nv = s->data;
	sync_notices_free(nv->v, nv->n);
	free(nv);
}

static const struct screen_ops notices_screen = {
	.scope = KS_NOTICES, .draw = notices_draw, .key = notices_key, .free = notices_free,
};

static void
notices_open(struct ui *u)
{
	struct nview *nv = calloc(1, sizeof *nv);
	if (!nv) {
		ui_message(u, "%s", _("The computer ran out of memory."));
		return;
	}
	u->msg[0] = '\0';
	notices_load(u, nv);
	ui_push(u, &notices_screen, nv);
}

/* --- keys ------------------------------------------------------------------------------------ */

static int
sync_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct sview *sv = s->data;
	bool acting = a == ACT_SYNC_NOW || a == ACT_SYNC_HOST || a == ACT_SYNC_TOFILE ||
	              a == ACT_SYNC_FROMFILE;
	if (acting && supervisor(u)) {
		ui_message(u, "%s", sync_strerror(SYNC_ERR_ROLE));
		return UI_REDRAW;
	}
	if (acting && sv->err)
		return UI_REDRAW;
	switch (a) {
	case ACT_BACK:
		return UI_POP;
	case ACT_UP:
		if (sv->top)
			sv->top--;
		return UI_REDRAW;
	case ACT_DOWN:
		if (sv->top + PEERS_ROWS < sv->s.npeers)
			sv->top++;
		return UI_REDRAW;
	case ACT_PGUP:
	case ACT_HOME:
		sv->top = a == ACT_PGUP && sv->top > PEERS_ROWS ? sv->top - PEERS_ROWS : 0;
		return UI_REDRAW;
	case ACT_PGDN:
	case ACT_END: {
		size_t last = sv->s.npeers > PEERS_ROWS ? sv->s.npeers - PEERS_ROWS : 0;
		sv->top = a == ACT_PGDN && sv->top + PEERS_ROWS < last ? sv->top + PEERS_ROWS : last;
		return UI_REDRAW;
	}
	case ACT_SYNC_NOW:
	case ACT_SYNC_HOST:
		if (!sv->s.upstream) {
			ui_message(u, "%s",
			           _("This is a township server: village PCs exchange with it over ssh; "
			             "for a village without a link write a file (o)."));
			return UI_REDRAW;
		}
		u->msg[0] = '\0';
		if (a == ACT_SYNC_NOW && sv->s.host[0])
			run_ssh(u, sv, sv->s.host);
		else
			ask_host(u, sv);
		return UI_REDRAW;
	case ACT_SYNC_TOFILE:
		u->msg[0] = '\0';
		write_file_start(u, sv);
		return UI_REDRAW;
	case ACT_SYNC_FROMFILE:
		u->msg[0] = '\0';
		ui_prompt(u, _("The exchange file to take (on the USB stick; ~ is your home folder):"), "",
		          read_path_typed, sv);
		return UI_REDRAW;
	case ACT_NOTICES:
		notices_open(u);
		return UI_REDRAW;
	default:
		return 0;
	}
}

static void
sync_resume(struct ui *u, struct screen *s)
{
	load(u, s->data);
}

static void
sync_free(struct screen *s)
{
	struct sview *sv = s->data;
	if (!sv)
		return;
	names_free(sv);
	sync_status_free(&sv->s);
	free(sv->result);
	free(sv);
}

static const struct screen_ops sync_screen = {
	.scope = KS_SYNC, .draw = sync_draw, .key = sync_key, .free = sync_free,
	.resume = sync_resume,
};

static void
sync_open(struct ui *u)
{
	struct sview *sv = calloc(1, sizeof *sv);
	if (!sv) {
		ui_message(u, "%s", _("The computer ran out of memory."));
		return;
	}
	sv->u = u;
	u->msg[0] = '\0';
	load(u, sv);
	ui_push(u, &sync_screen, sv);
}

int
ui_sync_open(struct ui *u, const struct ui_args *a)
{
	(void)a;
	sync_open(u);
	return UI_REDRAW;
}
