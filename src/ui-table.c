/* ui-table.c: a table a screen shows (the records lists, the referral
 * lists, the needs table, today's work, a household's members, the
 * audit trail), every row of its filter, printed through the print
 * dialog (laid out by print_list_text) or exported to XLSX or CSV in the
 * worker's files folder, logged first with the records it shows.  The
 * cells are the screen's own, so masked as the screen masks them.  A
 * widget every list screen uses directly: it opens only the print
 * dialog, by name. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "i18n.h"
#include "print.h"
#include "printout.h"
#include "ui.h"

void
ui_table_print(struct ui *u, const struct ui_table *t)
{
	struct print_list pl = {.title = t->title, .heading = t->heading, .filter = t->filter,
	                        .today = u->today, .ncols = t->ncols, .nrows = t->nrows,
	                        .heads = t->heads, .cells = t->cells, .ids = NULL, .wide = false};
	char title[256];
	char *records = print_records(t->ids, t->ids ? t->nids : 0), *text_wide = NULL;
	char *text = records ? print_list_text(&pl, title, sizeof title, NULL) : NULL;
	/* a GB18030 terminal's printer takes the wide layout; the PDF and the
	 * files (UTF-8) the narrow one */
	if (text && !ui_locale_utf8()) {
		char t2[256];
		pl.wide = true;
		text_wide = print_list_text(&pl, t2, sizeof t2, NULL);
		if (!text_wide) {
			free(text);
			text = NULL;
		}
	}
	if (!text)
		ui_message(u, "%s", store_strerror(STORE_NOMEM));
	else
		ui_open(u, "print", &(struct ui_args){.text = text, .text_wide = text_wide,
		                                      .doc = PRINT_DOC_LIST, .records = records,
		                                      .title = title});
	free(text_wide);
	if (text && t->cut_why)
		ui_message(u, _("Only the first %zu rows: %s."), t->nrows, t->cut_why);
	free(text);
	free(records);
}

/* The file made in the folder (printout_create): list-resident-2026-12-03.xlsx,
 * then -2, -3 ... when taken (or anything else stands under the name:
 * a link, a FIFO a worker put there over SFTP); 0 with *fd, or an errno. */
static int
out_name(struct ui *u, const char *what, const char *dir, const char *ext, char *name,
         size_t size, int *fd)
{
	char stem[300];
	snprintf(stem, sizeof stem, "list-%s-%s", what, u->today);
	return printout_create(dir, stem, ext, name, size, fd);
}

static int
out_rows(export_writer *w, const struct ui_table *t, char *msg, size_t msgsize)
{
	if (export_writer_row(w, t->heads, t->ncols, msg, msgsize) != 0)
		return -1;
	for (size_t r = 0; r < t->nrows; r++)
		if (export_writer_row(w, t->cells + r * t->ncols, t->ncols, msg, msgsize) != 0)
			return -1;
	return 0;
}

/* XLSX, or CSV in UTF-8 with a byte-order mark (Excel 2007 and later and
 * WPS read it so on any Windows; without the mark Excel reads a CSV in
 * the system's code page, GBK on a Chinese Windows, which holds no
 * character outside it, as some names have, 𠈌; a GB18030 file would lose
 * those in Excel too). */
void
ui_table_export(struct ui *u, const struct ui_table *t, int format)
{
	char dir[PATH_MAX], name[256], msg[512] = "";
	const char *way = format == EXPORT_XLSX ? "xlsx" : "csv";
	int err = printout_files_dir(u->dbdir, u->login, dir, sizeof dir);
	if (err) {
		ui_files_error(u, err);
		return;
	}
	/* the file hands personal data out: logged first */
	char *records = print_records(t->ids, t->ids ? t->nids : 0);
	err = records ? print_audit_as(u->st, "export", PRINT_DOC_LIST, way, records) : STORE_NOMEM;
	free(records);
	if (err) {
		ui_message(u, "%s", store_strerror(err));
		return;
	}
	int fd;
	if ((err = out_name(u, t->name, dir, way, name, sizeof name, &fd)) != 0) {
		ui_files_error(u, err);
		return;
	}
	char title[256];
	if (t->heading)
		snprintf(title, sizeof title, "%s", t->heading);
	else
		snprintf(title, sizeof title, "%s", t->title ? t->title : "");
	export_writer *w = NULL;
	bool ok = false;
	if (export_writer_open_fd(&w, fd, name, format, EXPORT_UTF8, title, msg, sizeof msg) != 0) {
		ui_message(u, "%s", msg);
	} else if (out_rows(w, t, msg, sizeof msg) != 0) {
		export_writer_abort(w);
		ui_message(u, "%s", msg);
	} else if (export_writer_finish(w, msg, sizeof msg) != 0) {
		ui_message(u, "%s", msg);
	} else
		ok = true;
	/* a failure leaves no half file */
	if ((err = printout_close(dir, name, fd, ok)) != 0 && ok) {
		ui_files_error(u, err);
	} else if (ok) {
		char shown[PATH_MAX];
		snprintf(shown, sizeof shown, "files/%s/%s", u->login, name);
		/* TRANSLATORS: 已导出 120 行，在您的文件夹里：files/wang/list-resident-2026-12-03.xlsx */
		if (t->cut_why)
			ui_message(u, _("Only the first %zu rows exported (%s), in your files folder: %s"),
			           t->nrows, t->cut_why, shown);
		else
			ui_message(u, _("%zu rows exported, in your files folder: %s"), t->nrows, shown);
	}
}

/* --- the small choice of the file's kind: 1 XLSX, 2 CSV ---------------------- */

struct xchoice {
	void (*chosen)(struct ui *u, void *data, int format);
	void *data;
};

static void
xchoice_draw(struct ui *u, struct screen *s)
{
	(void)s;
	char title[512], one[512], two[512], legend[512];
	snprintf(title, sizeof title, "  %s", _("Export the list to your files folder as:"));
	snprintf(one, sizeof one, "  1  %s", _("An Excel workbook (XLSX)"));
	snprintf(two, sizeof two, "  2  %s", _("A CSV file (opens in Excel and WPS)"));
	snprintf(legend, sizeof legend, "  %s", _("1 or 2 = export    Esc = cancel"));
	const struct ui_box_line lines[] = {
		{title, A_REVERSE | A_BOLD}, {NULL, A_REVERSE}, {one, A_REVERSE},
		{two, A_REVERSE},            {NULL, A_REVERSE}, {legend, A_REVERSE},
	};
	ui_box(u, u->rows / 2 - 3, lines, sizeof lines / sizeof lines[0]);
}

static int
xchoice_key(struct ui *u, struct screen *s, enum action a, bool is_key, wint_t key)
{
	struct xchoice c = *(struct xchoice *)s->data;
	if (a == ACT_BACK)
		return UI_POP | UI_REDRAW;
	if (is_key || (key != L'1' && key != L'2'))
		return 0;
	/* the box goes first, so that the message shows on the list (the
	 * screen below has read itself again: its rows are today's) */
	ui_pop(u);
	c.chosen(u, c.data, key == L'1' ? EXPORT_XLSX : EXPORT_CSV);
	return UI_REDRAW;
}

static void
xchoice_free(struct screen *s)
{
	free(s->data);
}

static const struct screen_ops xchoice_screen = {
	.scope = KS_ASK, .draw = xchoice_draw, .key = xchoice_key, .free = xchoice_free,
	.overlay = true,
};

void
ui_table_export_ask(struct ui *u, void (*chosen)(struct ui *u, void *data, int format),
                    void *data)
{
	struct xchoice *c = malloc(sizeof *c);
	if (!c) {
		ui_message(u, "%s", store_strerror(STORE_NOMEM));
		return;
	}
	*c = (struct xchoice){chosen, data};
	ui_push(u, &xchoice_screen, c);
}
