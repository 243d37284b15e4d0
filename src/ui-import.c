/* ui-import.c: importing a spreadsheet (CSV, or an Excel workbook's first
 * sheet) from the full-screen
 * program (i on the home screen): the worker chooses the form, answers
 * two questions and picks a file from their files folder (files/LOGIN,
 * where WinSCP or FileZilla put it: the .csv and .xlsx files there,
 * newest first), or types a path; import.c checks and saves the rows
 * while a bar shows how far it is, and the result (the counts, every
 * fault with its row and column, where the bad rows went: beside the
 * file, so in the folder for a file picked there) opens to read. */
#include "config.h"

#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "import.h"
#include "orgunit.h"
#include "printout.h"
#include "text.h"
#include "util.h"
#include "ui.h"

/* How many faults the result lists one by one; the rest are counted (with
 * "skip bad rows" every one of them is in the file of bad rows). */
#define SHOW_MAX 1000

/* The order the forms are offered in: the home menu's. */
static const int kind_order[] = {
	REC_RESIDENT, REC_NEED, REC_SERVICE, REC_VOLUNTEER, REC_ORG, REC_RESOURCE, REC_PROJECT,
};

/* One import, from the choice of form to the result. */
struct job {
	struct ui *u;
	const struct form *form;
	char *path;          /* as typed: UTF-8 */
	char *fspath;        /* as the file system names it: the locale's encoding */
	bool picked;         /* from the files folder's list, not typed */
	bool skip_bad, update;
	/* while it runs */
	bool running, saving;
	size_t done, total;
	struct ui_out faults;
	size_t shown, left;
};

static void
job_free(struct job *j)
{
	if (!j)
		return;
	free(j->path);
	free(j->fspath);
	free(j->faults.p);
	free(j);
}

/* msg with every fspath in it said as typed, so that a GB18030 name does
 * not reach the screen as bytes of another encoding. */
static char *
said_with_path(const char *msg, const struct job *j)
{
	struct ui_out o = {0};
	size_t flen = strlen(j->fspath);
	const char *p = msg;
	for (const char *hit; flen && strcmp(j->fspath, j->path) != 0 && (hit = strstr(p, j->fspath));
	     p = hit + flen)
		ui_out_add(&o, "%.*s%s", (int)(hit - p), p, j->path);
	ui_out_add(&o, "%s", p);
	if (o.failed) {
		free(o.p);
		return strdup(msg);
	}
	return o.p;
}

/* --- the bar, while it runs ---------------------------------------------------------- */

static void
progress_draw(struct ui *u, struct screen *s)
{
	struct job *j = s->data;
	erase();
	ui_title(u, _("Import from a spreadsheet"));
	char line[1024];
	snprintf(line, sizeof line, "%s %s", _("File:"), j->path);
	ui_text(2, 2, u->cols - 4, line, A_NORMAL);
	snprintf(line, sizeof line, "%s %s", _("Form:"), _(j->form->title));
	ui_text(3, 2, u->cols - 4, line, A_NORMAL);
	if (!j->total) {
		ui_text(5, 2, u->cols - 4, _("Reading the file ..."), A_BOLD);
	} else {
		/* each stage, checking then saving, fills the bar once */
		snprintf(line, sizeof line, "%s %zu/%zu", j->saving ? _("saving") : _("checking"),
		         j->done, j->total);
		ui_text(5, 2, u->cols - 4, line, A_BOLD);
		ui_bar(7, 2, u->cols - 14, j->done, j->total);
	}
	ui_text(9, 2, u->cols - 4, _("Rows with faults are listed when it ends."), A_NORMAL);
	ui_footer_hiding(u, KS_TEXT, ~0ULL);
}

static const struct screen_ops progress_screen = {
	.scope = KS_TEXT, .draw = progress_draw,
};

/* The import runs inside a key handler, so the loop cannot draw until it
 * ends: the bar is drawn from here, by the screen's own draw function. */
static void
on_progress(bool saving, size_t done, size_t total, void *ctx)
{
	struct job *j = ctx;
	struct ui *u = j->u;
	j->saving = saving;
	j->done = done;
	j->total = total;
	ui_draw_now(u);
}

static void
on_problem(const struct import_problem *p, void *ctx)
{
	struct job *j = ctx;
	if (j->shown >= SHOW_MAX) {
		j->left++;
		return;
	}
	j->shown++;
	const char *what = p->warning ? _("note") : _("error");
	if (p->row && p->column)
		ui_out_add(&j->faults, _("row %zu, column \"%s\": %s: %s\n"), p->row, p->column, what,
		        p->msg);
	else if (p->row)
		ui_out_add(&j->faults, _("row %zu: %s: %s\n"), p->row, what, p->msg);
	else
		ui_out_add(&j->faults, "%s: %s\n", what, p->msg);
}

/* --- running it ------------------------------------------------------------------------ */

static const char *
encoding_name(int e)
{
	return e == IMPORT_UTF8 ? "UTF-8" : e == IMPORT_GBK ? "GBK" : "GB18030";
}

static void
job_run(struct ui *u, struct job *j)
{
	struct import_result res;
	memset(&res, 0, sizeof res);
	char msg[1024] = "";
	int status;
	/* opened once, and what was opened is read (import_fd), not the name
	 * again: never waiting on a FIFO (O_NONBLOCK), and a file picked from
	 * the files folder, where the worker may put anything over SFTP, not
	 * followed when it is a symbolic link (O_NOFOLLOW); import_fd takes
	 * a regular file alone (fstat) */
	int fd = open(j->fspath, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (j->picked ? O_NOFOLLOW : 0));
	struct stat sb;
	if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
		close(fd);
		fd = -1;
		errno = EINVAL;
	}
	if (fd < 0 && (errno == ELOOP || errno == EINVAL || errno == ENXIO || errno == EISDIR)) {
		snprintf(msg, sizeof msg, _("%s is not a file"), j->path);
		status = IMPORT_REFUSED;
	} else if (fd < 0) {
		/* said here, so that the C library's words come in UTF-8 */
		char *why = ui_locale_text(strerror(errno));
		snprintf(msg, sizeof msg, _("cannot read %s: %s"), j->path, why ? why : "?");
		free(why);
		status = IMPORT_REFUSED;
	} else {
		struct form_env env = ui_form_env(u);
		struct import_opts o = {
			.kind = j->form->kind,
			.fs = u->forms,
			.form = j->form,
			.encoding = IMPORT_AUTO,
			.skip_bad = j->skip_bad,
			.update = j->update,
			.scope = u->scope,
			.env = &env,
			.report = on_problem,
			.progress = on_progress,
			.ctx = j,
		};
		u->msg[0] = '\0';
		if (ui_push(u, &progress_screen, j)) {
			on_progress(false, 0, 0, j);
			status = import_fd(u->st, fd, j->fspath, &o, &res, msg, sizeof msg);
			ui_pop(u);
		} else {
			close(fd);
			snprintf(msg, sizeof msg, "%s", _("The computer ran out of memory."));
			status = IMPORT_REFUSED;
		}
	}

	struct ui_out r = {0};
	char *said = msg[0] ? said_with_path(msg, j) : NULL;
	ui_out_add(&r, "%s %s\n", _("File:"), j->path);
	ui_out_add(&r, "%s %s\n\n", _("Form:"), _(j->form->title));
	if (status == IMPORT_REFUSED) {
		ui_out_add(&r, "%s\n%s\n", _("Nothing was imported."), said ? said : "");
	} else if (status == IMPORT_FAILED) {
		ui_out_add(&r, "%s\n", said ? said : "");
		if (form_field(j->form, "idnum"))
			ui_out_add(&r, "%s\n",
			        _("Here: import the same file again and answer y to updating the records "
			          "registered already."));
	} else if (status == IMPORT_BAD_ROWS && !j->skip_bad) {
		ui_out_add(&r, "%s\n",
		        _("Nothing was imported: mend the rows below in the spreadsheet and import the "
		          "file again, or import it again answering yes to importing the good rows "
		          "alone."));
	} else if (status == IMPORT_BAD_ROWS) {
		ui_out_add(&r, "%s\n", _("The good rows were imported; the bad rows below were not."));
	} else {
		ui_out_add(&r, "%s\n", _("Every row was imported."));
	}
	if (status != IMPORT_REFUSED)
		ui_out_add(&r, _("%zu imported, %zu updated, %zu bad, %zu duplicates (of %zu rows, read "
		              "as %s).\n"),
		        res.imported, res.updated, res.bad, res.duplicates, res.rows,
		        res.workbook ? _("an Excel workbook (.xlsx)") : encoding_name(res.encoding));
	if (status != IMPORT_REFUSED && res.unchanged)
		ui_out_add(&r, _("%zu unchanged: those rows are the same as their records already, "
		              "so nothing was saved for them.\n"),
		        res.unchanged);
	if (res.bad_written) {
		char *bad = import_bad_path(j->path);
		ui_out_add(&r, _("The bad rows are in %s, with a column saying what is wrong in each: "
		              "mend them there and import that file.\n"),
		        bad ? bad : "?");
		free(bad);
	}
	free(said);
	if (j->faults.len) {
		ui_out_add(&r, "\n%s\n", _("Faults, by row and column (the header is row 1):"));
		ui_out_add(&r, "%s", j->faults.p);
	}
	if (j->left)
		ui_out_add(&r, _("... and %zu more.\n"), j->left);

	if (status == IMPORT_OK)
		ui_message(u, _("Imported: %zu new, %zu updated."), res.imported, res.updated);
	else if (status == IMPORT_BAD_ROWS && j->skip_bad)
		ui_message(u, _("Imported: %zu new, %zu updated; %zu rows were bad."), res.imported,
		           res.updated, res.bad);
	else if (status == IMPORT_FAILED)
		ui_message(u, "%s", _("The import stopped part way: read the result."));
	else
		ui_message(u, "%s", _("Nothing was imported."));
	if (r.failed)
		ui_message(u, "%s", _("The computer ran out of memory."));
	else
		ui_show_text(u, _("Import: the result"), r.p);
	free(r.p);
	job_free(j);
}

/* --- the files folder: a file picked ----------------------------------------------- */

struct ffile {
	char *name;      /* as on disk */
	char *shown;     /* UTF-8 */
	off_t size;
	time_t mtime;
};

struct fpick {
	struct job *j;
	char dir[PATH_MAX];
	struct ffile *v;
	size_t n;
	struct ui_rows at;   /* n: the row that types a path */
};

static void
fpick_free_data(struct fpick *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].shown);
	}
	free(p->v);
	free(p);
}

static int
newest_first(const void *a, const void *b)
{
	const struct ffile *x = a, *y = b;
	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? 1 : -1;
	return strcmp(x->name, y->name);
}

static bool
spreadsheet_name(const char *name)
{
	size_t n = strlen(name);
	return (n > 4 && strcasecmp(name + n - 4, ".csv") == 0) ||
	       (n > 5 && strcasecmp(name + n - 5, ".xlsx") == 0);
}

/* The .csv and .xlsx files of the folder, newest first: regular files
 * alone, as they are (lstat: a symbolic link, a FIFO, a device or a
 * folder a worker put there over SFTP is not offered). */
static void
fpick_read(struct fpick *p)
{
	DIR *d = opendir(p->dir);
	size_t cap = 0;
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] == '.' || !spreadsheet_name(e->d_name))
			continue;
		struct stat sb;
		if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(sb.st_mode))
			continue;
		if (!util_grow((void **)&p->v, &cap, p->n + 1, sizeof *p->v))
			break;
		struct ffile *f = &p->v[p->n];
		f->name = strdup(e->d_name);
		/* a name in UTF-8 (WinSCP's) as it is, else from the locale's;
		 * controls and stray bytes as \xHH */
		f->shown = printout_name_shown(e->d_name, nl_langinfo(CODESET));
		f->size = sb.st_size;
		f->mtime = sb.st_mtime;
		if (!f->name || !f->shown) {
			free(f->name);
			free(f->shown);
			break;
		}
		p->n++;
	}
	if (d)
		closedir(d);
	if (p->n)
		qsort(p->v, p->n, sizeof *p->v, newest_first);
}

static void
fpick_draw(struct ui *u, struct screen *s)
{
	struct fpick *p = s->data;
	erase();
	ui_title(u, _("Import from a spreadsheet"));
	char line[1024];
	char folder[300];
	snprintf(folder, sizeof folder, "files/%s", u->login);
	snprintf(line, sizeof line, _("%s: choose the file (your files folder, %s):"),
	         _(p->j->form->title), folder);
	ui_text(1, 1, u->cols - 2, line, A_BOLD);
	int rows = u->rows - 8;
	ui_rows_fit(&p->at, p->n + 1, rows);
	for (size_t i = p->at.top; i < p->n + 1 && (int)(i - p->at.top) < rows; i++) {
		int y = 3 + (int)(i - p->at.top), attr = i == p->at.sel ? A_REVERSE : A_NORMAL;
		if (i == p->n) {
			snprintf(line, sizeof line, "  %s", _("Type the path of a file instead ..."));
			ui_text(y, 1, u->cols - 2, line, attr);
			continue;
		}
		const struct ffile *f = &p->v[i];
		char when[32], size[32];
		struct tm tm;
		localtime_r(&f->mtime, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		if (f->size < 1024)
			snprintf(size, sizeof size, _("%lld bytes"), (long long)f->size);
		else
			snprintf(size, sizeof size, "%.1f KB", (double)f->size / 1024);
		int nw = u->cols - 2 - 2 - 12 - 2 - 16 - 1;
		ui_text(y, 1, u->cols - 2, "", attr);
		ui_text(y, 3, nw, f->shown, attr);
		ui_text(y, 3 + nw + 1, 12, size, attr);
		ui_text(y, 3 + nw + 1 + 13, 16, when, attr);
	}
	if (!p->n) {
		ui_text(5, 3, u->cols - 4, _("Your files folder has no CSV or XLSX file yet."),
		        A_NORMAL);
		ui_text(6, 3, u->cols - 4,
		        _("Put one there with WinSCP or FileZilla, or type a path (the row above)."),
		        A_NORMAL);
	}
	ui_footer(u, KS_PICK);
}

static void path_typed(struct ui *u, void *data, const char *text);
static void ask_path(struct ui *u, struct job *j);

static int
fpick_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	(void)is_key;
	(void)key;
	struct fpick *p = s->data;
	if (a == ACT_BACK) {
		job_free(p->j);
		p->j = NULL;
		return UI_POP | UI_REDRAW;
	}
	if (a != ACT_OPEN) {
		ui_rows_key(&p->at, p->n + 1, a, (size_t)(u->rows > 8 ? u->rows - 8 : 1));
		return UI_REDRAW;
	}
	struct job *j = p->j;
	p->j = NULL;
	if (p->at.sel >= p->n) {
		ui_pop(u);
		ask_path(u, j);
		return UI_REDRAW;
	}
	const struct ffile *f = &p->v[p->at.sel];
	/* said as files/LOGIN/NAME: the name the worker's SFTP shows */
	if (asprintf(&j->path, "files/%s/%s", u->login, f->shown) < 0)
		j->path = NULL;
	if (asprintf(&j->fspath, "%s/%s", p->dir, f->name) < 0)
		j->fspath = NULL;
	j->picked = true;
	ui_pop(u);
	if (!j->path || !j->fspath) {
		ui_message(u, "%s", _("The computer ran out of memory."));
		job_free(j);
		return UI_REDRAW;
	}
	job_run(u, j);
	return UI_REDRAW;
}

static void
fpick_free(struct screen *s)
{
	struct fpick *p = s->data;
	job_free(p->j);
	fpick_free_data(p);
}

static const struct screen_ops fpick_screen = {
	.scope = KS_PICK, .draw = fpick_draw, .key = fpick_key, .free = fpick_free,
};

/* The files of the worker's folder to pick from; where there is no
 * folder, the path typed. */
static void
ask_file(struct ui *u, struct job *j)
{
	struct fpick *p = calloc(1, sizeof *p);
	if (!p || printout_files_dir(u->dbdir, u->login, p->dir, sizeof p->dir) != 0) {
		free(p);
		ask_path(u, j);
		return;
	}
	p->j = j;
	fpick_read(p);
	if (!ui_push(u, &fpick_screen, p)) {
		p->j = NULL;
		fpick_free_data(p);
		ask_path(u, j);
	}
}

/* --- the questions --------------------------------------------------------------------- */

/* The questions come first and the file last, so that Esc at the file,
 * the last step, leaves without importing (a question's Esc means no). */
static void
path_typed(struct ui *u, void *data, const char *text)
{
	struct job *j = data;
	size_t len = text ? strlen(text) : 0;
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (!len) {
		if (text)
			ui_message(u, "%s", _("No file was given: nothing was imported."));
		job_free(j);
		return;
	}
	if (!(j->path = strndup(text, len))) {
		job_free(j);
		return;
	}
	if (!(j->fspath = ui_path_for_fs(j->path))) {
		ui_message(u, _("The name %s cannot be written in this terminal's encoding (%s): "
		                "rename the file with letters and digits."),
		           j->path, nl_langinfo(CODESET));
		job_free(j);
		return;
	}
	job_run(u, j);
}

static void
ask_path(struct ui *u, struct job *j)
{
	char question[512];
	snprintf(question, sizeof question, _("%s: the file to import, CSV or Excel .xlsx (~ is your home folder):"),
	         _(j->form->title));
	ui_prompt(u, question, "", path_typed, j);
}

static void
update_answered(struct ui *u, void *data, bool yes)
{
	struct job *j = data;
	j->update = yes;
	ask_file(u, j);
}

static void
skip_answered(struct ui *u, void *data, bool yes)
{
	struct job *j = data;
	j->skip_bad = yes;
	/* only records with an ID number are matched to those registered */
	if (form_field(j->form, "idnum"))
		ui_ask(u,
		       _("A row whose ID number is registered already: update that record with the "
		         "row's values? (n: the row is counted as a duplicate)"),
		       update_answered, j);
	else
		ask_file(u, j);
}

static void
form_chosen(struct ui *u, void *data, const char *value)
{
	struct job *j = data;
	j->form = value ? formset_find(u->forms, value) : NULL;
	if (!j->form) {
		job_free(j);
		return;
	}
	ui_ask(u,
	       _("Rows with faults: import the good rows and write the bad ones to a file beside "
	         "it? (n: nothing is imported while a row is bad)"),
	       skip_answered, j);
}

static void
import_open(struct ui *u)
{
	if (u->scope && u->scope->role == ROLE_SUPERVISOR) {
		ui_message(u, "%s",
		           _("a supervisor reads records and saves none: importing is for the workers "
		             "of a village or township, or an administrator"));
		return;
	}
	struct form *forms[64];
	size_t n = 0;
	bool taken[64] = {false};
	size_t nf = u->forms->nforms < 64 ? u->forms->nforms : 64;
	/* the menu's order first, then any other form a folder of forms adds */
	for (size_t k = 0; k <= sizeof kind_order / sizeof kind_order[0]; k++)
		for (size_t i = 0; i < nf; i++) {
			struct form *f = u->forms->forms[i];
			if (taken[i] || !import_kind_importable(f->kind) ||
			    (k < sizeof kind_order / sizeof kind_order[0] && f->kind != kind_order[k]))
				continue;
			taken[i] = true;
			forms[n++] = f;
		}
	if (!n) {
		ui_message(u, "%s", _("No form here has records to import."));
		return;
	}
	struct job *j = calloc(1, sizeof *j);
	if (!j) {
		ui_message(u, "%s", _("The computer ran out of memory."));
		return;
	}
	j->u = u;
	ui_pick_form(u, _("Import from a spreadsheet: which form?"), forms, n, form_chosen, j);
}

int
ui_import_open(struct ui *u, const struct ui_args *a)
{
	(void)a;
	import_open(u);
	return UI_REDRAW;
}
