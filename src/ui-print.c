/* ui-print.c: the print dialog ("print"), a small box over the document
 * shown (a referral slip, a volunteer certificate, a case file, a report,
 * a blank form), or one of two (the report or the village's service
 * ledger: d switches): the ways out the
 * worker has, the last one chosen first (meta "print/way/LOGIN").  The
 * terminal's printer (media copy, printout.h) only where the worker's
 * account says their terminal has one (they switch it here with t); a
 * text file in their files folder, the dialog saying its name; on a PC
 * running the program itself (no SSH_CONNECTION) CUPS's lp when there is
 * one.  Every print is in the audit trail ("print"). */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"
#include "orgunit.h"
#include "pdf.h"
#include "print.h"
#include "printout.h"
#include "ui.h"

/* one document the dialog may print */
struct pdoc {
	char *text, *doc, *title;
	char *text_wide;   /* laid out for a GB18030 terminal's printer, or NULL:
	                    * the PDF and the files (UTF-8) take text */
	char *records;     /* the ids it shows, for the audit trail */
};

struct pdialog {
	struct pdoc docs[2];
	int ndocs, cur;
	char *note;        /* a line to say, or NULL */
	bool printer;      /* the account says the terminal has a printer */
	bool lp;           /* lp can be run here */
	int ways[PRINTOUT_NWAYS];
	int nways;
	int sel;
};

/* --- the worker's settings ----------------------------------------------- */

struct pd_txn {
	const char *login;
	bool printer;
	int way;          /* the last way, -1 none */
	bool set_printer; /* write: the account's setting to printer */
	int set_way;      /* write: the way to remember, -1 none */
};

static int
pd_read_txn(store_txn *t, void *ctx)
{
	struct pd_txn *p = ctx;
	record *w;
	if (worker_by_login(t, p->login, &w) == 0) {
		p->printer = worker_terminal_printer(w);
		record_free(w);
	}
	char key[160];
	snprintf(key, sizeof key, "print/way/%s", p->login);
	void *v;
	size_t len;
	if (store_meta_get(t, key, &v, &len) == 0) {
		char s[16];
		snprintf(s, sizeof s, "%.*s", (int)(len < 15 ? len : 15), (const char *)v);
		p->way = printout_way_parse(s);
		free(v);
	}
	return 0;
}

static int
pd_printer_txn(store_txn *t, void *ctx)
{
	struct pd_txn *p = ctx;
	record *w;
	int err = worker_by_login(t, p->login, &w);
	if (err)
		return err;
	if (record_set(w, WORKER_TERMINAL_PRINTER, p->set_printer ? "yes" : "no"))
		err = store_txn_fail(t, STORE_NOMEM);
	if (!err)
		err = store_put(t, w);
	record_free(w);
	return err;
}

static int
pd_way_txn(store_txn *t, void *ctx)
{
	struct pd_txn *p = ctx;
	char key[160];
	snprintf(key, sizeof key, "print/way/%s", p->login);
	const char *name = printout_way_name(p->set_way);
	return store_meta_put(t, key, name, strlen(name));
}

/* Whether lp may print here: a PC running the program itself, not a
 * session over SSH, with lp on the PATH. */
static bool
lp_here(void)
{
	if (getenv("SSH_CONNECTION"))
		return false;
	const char *path = getenv("PATH");
	if (!path)
		return false;
	while (*path) {
		size_t n = strcspn(path, ":");
		char f[PATH_MAX];
		if (n && snprintf(f, sizeof f, "%.*s/lp", (int)n, path) < (int)sizeof f &&
		    access(f, X_OK) == 0)
			return true;
		path += n;
		if (*path)
			path++;
	}
	return false;
}

static void
pd_ways(struct pdialog *d, int prefer)
{
	d->nways = 0;
	if (d->printer)
		d->ways[d->nways++] = PRINTOUT_TERMINAL;
	d->ways[d->nways++] = PRINTOUT_FILE;
	if (pdf_available())
		d->ways[d->nways++] = PRINTOUT_PDF;
	if (d->lp)
		d->ways[d->nways++] = PRINTOUT_LP;
	d->sel = 0;
	for (int i = 0; i < d->nways; i++)
		if (d->ways[i] == prefer)
			d->sel = i;
}

/* --- the ways out ----------------------------------------------------------- */

static const char *
way_label(int w)
{
	switch (w) {
	case PRINTOUT_TERMINAL:
		return _("Your terminal's printer (the printer of the PC in front of you)");
	case PRINTOUT_FILE:
		return _("A text file in your files folder (fetch it with WinSCP or FileZilla)");
	default:
		return _("This PC's printer (lp)");
	case PRINTOUT_PDF:
		return _("An A4 PDF in your files folder (fetch it with WinSCP or FileZilla)");
	}
}

/* Write all of buf to the terminal, curses' output flushed before and
 * the screen painted again after: nothing of curses comes between. */
static bool
send_to_terminal(const char *buf, size_t len)
{
	refresh();
	fflush(stdout);
	bool ok = true;
	for (size_t done = 0; done < len;) {
		ssize_t w = write(STDOUT_FILENO, buf + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			ok = false;
			break;
		}
		done += (size_t)w;
	}
	clearok(curscr, TRUE);
	return ok;
}

static bool
run_lp(const char *buf, size_t len)
{
	FILE *p = popen("lp -s >/dev/null 2>&1", "w");
	if (!p)
		return false;
	bool ok = fwrite(buf, 1, len, p) == len;
	int st = pclose(p);
	return ok && st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int
pd_print(struct ui *u, struct pdialog *d)
{
	int way = d->ways[d->sel];
	const struct pdoc *doc = &d->docs[d->cur];
	/* the paper hands personal data out: logged first, with the records
	 * it shows (the case file's resident, the ledger's services) */
	int err = print_audit(u->st, doc->doc, printout_way_name(way), doc->records);
	if (err) {
		ui_message(u, "%s", store_strerror(err));
		return UI_REDRAW;
	}
	struct pd_txn p = {.login = u->login, .set_way = way};
	store_write(u->st, pd_way_txn, &p);
	const char *codeset = way == PRINTOUT_TERMINAL ? nl_langinfo(CODESET) : "UTF-8";
	char *buf;
	size_t len;
	const char *text = way == PRINTOUT_TERMINAL && doc->text_wide ? doc->text_wide : doc->text;
	err = printout_bytes(text, codeset, way == PRINTOUT_TERMINAL, &buf, &len);
	if (err) {
		ui_message(u, "%s", _("The document could not be made ready for printing: memory "
		                      "ran out. Close other screens and try again."));
		return UI_REDRAW;
	}
	char dir[PATH_MAX], name[256];
	switch (way) {
	case PRINTOUT_PDF: {
		char stem[300], why[512] = "";
		int fd = -1;
		err = printout_files_dir(u->dbdir, u->login, dir, sizeof dir);
		/* the first name not taken: slip-2026-12-03.pdf, then -2, -3 ... */
		snprintf(stem, sizeof stem, "%s-%s", doc->doc, u->today);
		if (!err)
			err = printout_create(dir, stem, "pdf", name, sizeof name, &fd);
		if (err)
			ui_files_error(u, err);
		else if (pdf_write_fd(doc->text, doc->title, fd, name, why, sizeof why) != 0) {
			printout_close(dir, name, fd, false);
			ui_message(u, "%s", why);
		} else if ((err = printout_close(dir, name, fd, true)) != 0) {
			ui_files_error(u, err);
		} else {
			char shown[PATH_MAX];
			snprintf(shown, sizeof shown, "files/%s/%s", u->login, name);
			ui_message(u, _("Saved in your files folder as %s."), shown);
		}
		break;
	}
	case PRINTOUT_TERMINAL:
		if (send_to_terminal(buf, len))
			ui_message(u, "%s", _("Sent to your terminal's printer. If nothing printed, check "
			                      "the terminal's printer setting (in PuTTY: Printing, under "
			                      "Terminal)."));
		else
			ui_message(u, "%s", _("The document could not be sent to the terminal."));
		break;
	case PRINTOUT_FILE:
		err = printout_files_dir(u->dbdir, u->login, dir, sizeof dir);
		if (!err)
			err = printout_save(dir, doc->doc, u->today, buf, len, name, sizeof name);
		if (err)
			ui_files_error(u, err);
		else {
			char shown[PATH_MAX];
			snprintf(shown, sizeof shown, "files/%s/%s", u->login, name);
			ui_message(u, _("Saved in your files folder as %s."), shown);
		}
		break;
	default:
		if (run_lp(buf, len))
			ui_message(u, "%s", _("Sent to this PC's printer."));
		else
			ui_message(u, "%s", _("The printer of this PC did not take the document: check "
			                      "that it is on and set up."));
		break;
	}
	free(buf);
	return UI_POP | UI_REDRAW;
}

/* --- the box ----------------------------------------------------------------- */

static void
pd_draw(struct ui *u, struct screen *s)
{
	struct pdialog *d = s->data;
	char title[512], other[512], ways[PRINTOUT_NWAYS][512], printer[512], legend[160];
	struct ui_box_line lines[PRINTOUT_NWAYS + 6];
	size_t n = 0;
	snprintf(title, sizeof title, "  %s: %s", _("Print"), d->docs[d->cur].title);
	lines[n++] = (struct ui_box_line){title, A_REVERSE | A_BOLD};
	if (d->ndocs > 1) {
		/* TRANSLATORS: the print dialog's other document: d  改为打印：服务台账 ... */
		snprintf(other, sizeof other, _("  d  Print instead: %s"), d->docs[!d->cur].title);
		lines[n++] = (struct ui_box_line){other, A_REVERSE};
	} else if (d->note) {
		snprintf(other, sizeof other, "  %s", d->note);
		lines[n++] = (struct ui_box_line){other, A_REVERSE};
	}
	lines[n++] = (struct ui_box_line){NULL, A_REVERSE};
	for (int i = 0; i < d->nways; i++) {
		snprintf(ways[i], sizeof ways[i], "  %s %d  %s", i == d->sel ? ">" : " ", i + 1,
		         way_label(d->ways[i]));
		lines[n++] = (struct ui_box_line){ways[i], i == d->sel ? A_NORMAL | A_BOLD : A_REVERSE};
	}
	lines[n++] = (struct ui_box_line){NULL, A_REVERSE};
	snprintf(printer, sizeof printer, "  %s",
	         d->printer ? _("t  Your terminal has a printer: yes (t: change to no)")
	                    : _("t  Your terminal has a printer: no (t: change to yes)"));
	lines[n++] = (struct ui_box_line){printer, A_REVERSE};
	snprintf(legend, sizeof legend, _("  Enter = print    1-%d = that way    Esc = cancel"),
	         d->nways);
	lines[n++] = (struct ui_box_line){legend, A_REVERSE};
	ui_box(u, u->rows / 2 - 5, lines, n);
}

static int
pd_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	struct pdialog *d = s->data;
	if (a == ACT_BACK)
		return UI_POP | UI_REDRAW;
	if (is_key && key == KEY_UP) {
		d->sel = d->sel ? d->sel - 1 : d->nways - 1;
		return UI_REDRAW;
	}
	if (is_key && key == KEY_DOWN) {
		d->sel = (d->sel + 1) % d->nways;
		return UI_REDRAW;
	}
	if (is_key && key == KEY_ENTER)
		return pd_print(u, d);
	if (is_key)
		return 0;
	if (key == L'\r' || key == L'\n')
		return pd_print(u, d);
	if (key >= L'1' && key < (wint_t)(L'1' + d->nways)) {
		d->sel = (int)(key - L'1');
		return pd_print(u, d);
	}
	if ((key == L'd' || key == L'D') && d->ndocs > 1) {
		d->cur = !d->cur;
		return UI_REDRAW;
	}
	if (key == L't' || key == L'T') {
		struct pd_txn p = {.login = u->login, .set_printer = !d->printer};
		int err = store_write(u->st, pd_printer_txn, &p);
		if (err == STORE_NOTFOUND)
			ui_message(u, "%s", _("Your login has no worker account here: ask an administrator "
			                      "to register you."));
		else if (err)
			ui_message(u, "%s", store_strerror(err));
		else {
			int was = d->ways[d->sel];
			d->printer = !d->printer;
			pd_ways(d, d->printer ? PRINTOUT_TERMINAL : was);
		}
		return UI_REDRAW;
	}
	return 0;
}

static void
pd_free(struct screen *s)
{
	struct pdialog *d = s->data;
	for (int i = 0; i < 2; i++) {
		free(d->docs[i].text);
		free(d->docs[i].text_wide);
		free(d->docs[i].doc);
		free(d->docs[i].title);
		free(d->docs[i].records);
	}
	free(d->note);
	free(d);
}

static const struct screen_ops print_screen = {
	.scope = KS_ASK, .draw = pd_draw, .key = pd_key, .free = pd_free, .overlay = true,
};

/* A document of the dialog from its arguments: given, or made by print.c
 * (laid out for the terminal's encoding: a GB18030 terminal's printer
 * counts the rules two columns); 0, or a store_err. */
static int
pd_doc(struct ui *u, struct pdoc *p, const struct ui_args *a)
{
	char title[256] = "";
	if (a->req) {
		struct print_req q = *a->req;
		if (!q.today)
			q.today = u->today;
		int err = 0;
		p->text = print_text_records(u->st, u->forms, u->scope, &q, title, sizeof title,
		                             &p->records, &err);
		if (!p->text)
			return err ? err : STORE_NOMEM;
		/* a Chinese printer behind a GB18030 terminal prints rules two
		 * columns wide; the PDF and the UTF-8 files keep the narrow layout */
		if (!ui_locale_utf8()) {
			char t2[256];
			q.wide = true;
			p->text_wide = print_text(u->st, u->forms, u->scope, &q, t2, sizeof t2, &err);
			if (!p->text_wide)
				return err ? err : STORE_NOMEM;
		}
		p->doc = strdup(print_doc_name(q.doc));
	} else {
		if (a->id)
			rec_id_format(a->id, title);
		p->records = strdup(a->records ? a->records : title);
		p->text = strdup(a->text);
		if (a->text_wide && !(p->text_wide = strdup(a->text_wide)))
			return STORE_NOMEM;
		p->doc = strdup(a->doc);
		snprintf(title, sizeof title, "%s", a->doc);
	}
	p->title = strdup(a->title ? a->title : title);
	return p->text && p->doc && p->title && p->records ? 0 : STORE_NOMEM;
}

int
ui_print_open(struct ui *u, const struct ui_args *a)
{
	if (!a || !(a->req || (a->text && a->doc)))
		return 0;
	struct pdialog *d = calloc(1, sizeof *d);
	if (!d)
		return UI_REDRAW;
	int err = pd_doc(u, &d->docs[0], a);
	d->ndocs = 1;
	if (!err && a->also) {
		err = pd_doc(u, &d->docs[1], a->also);
		d->ndocs = 2;
	}
	d->note = a->note ? strdup(a->note) : NULL;
	if (err || (a->note && !d->note)) {
		ui_message(u, "%s", err == STORE_NOMEM || !err
		                         ? _("The document could not be made ready for printing: memory "
		                             "ran out. Close other screens and try again.")
		                         : store_strerror(err));
		pd_free(&(struct screen){.data = d});
		return UI_REDRAW;
	}
	struct pd_txn p = {.login = u->login, .way = -1};
	store_read(u->st, pd_read_txn, &p);
	d->printer = p.printer;
	d->lp = lp_here();
	pd_ways(d, p.way);
	ui_push(u, &print_screen, d);
	return UI_REDRAW;
}
