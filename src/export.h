/* export.h: records of one kind written to a file a spreadsheet opens, one
 * row a record: XLSX (through libxlsxwriter) or CSV (GB18030, what Excel on
 * a Chinese Windows reads, or UTF-8 with a byte-order mark).  Values are
 * what the screens show (choice labels, references by name, calculated
 * fields, sensitive fields masked for a worker who may not see them), and
 * every export is in the audit trail before its file is written.  The file
 * is written as FILE.tmp and renamed, so a failed export leaves no half
 * file.  No curses. */
#ifndef SHEGONG_EXPORT_H
#define SHEGONG_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "form.h"
#include "store.h"

enum export_format { EXPORT_CSV = 1, EXPORT_XLSX };
enum export_encoding { EXPORT_GB18030 = 1, EXPORT_UTF8 };

/* The format a file name's ending asks for (".xlsx", ".csv", any case),
 * or 0. */
int export_format_of_path(const char *path);

/* --- the writer of rows: one small interface, a back end per format ------- */

typedef struct export_writer export_writer;

/* Start writing path (as path.tmp until export_writer_finish).  sheet
 * names the XLSX worksheet (cut or dropped when Excel would refuse it);
 * encoding is for CSV only.  Returns 0, or -1 with a message in msg. */
int export_writer_open(export_writer **out, const char *path, int format, int encoding,
                       const char *sheet, char *msg, size_t msgsize);
/* The same written into fd (a file printout_create made in the worker's
 * files folder), name said in a message: nothing renamed, and the caller
 * closes fd and removes the file when this or a later step fails
 * (printout_close).  An XLSX book is made in a private folder of the
 * system's temporary folder (libxlsxwriter takes only a file name) and
 * copied into fd by export_writer_finish. */
int export_writer_open_fd(export_writer **out, int fd, const char *name, int format,
                          int encoding, const char *sheet, char *msg, size_t msgsize);
/* One row of n UTF-8 cells (the first row is the header).  Every cell is
 * text: XLSX cells are strings in a text format, and in CSV a value that
 * a spreadsheet would turn into a number and damage (an ID number, a long
 * digit string, a leading zero) is written as ="..." so it stays text.
 * A value the encoding cannot hold is an error naming the row's first
 * cell (the record id) and the column.  Returns 0, or -1 with msg. */
int export_writer_row(export_writer *w, const char *const *cells, size_t n, char *msg,
                      size_t msgsize);
/* Finish the file and rename it to path; frees w either way.  0, or -1
 * with msg (and no file left behind). */
int export_writer_finish(export_writer *w, char *msg, size_t msgsize);
/* Give up: remove the temporary file and free w. */
void export_writer_abort(export_writer *w);

/* The CSV text of one cell as written (quoted per RFC 4180, protected as
 * above), UTF-8, malloc'd; for the tests. */
char *export_csv_cell(const char *value);

/* --- records to a file ---------------------------------------------------- */

struct export_opts {
	int kind;
	const struct formset *fs;
	/* One form's records (its fields as columns); NULL for every form of
	 * the kind: the union of their fields, with a column naming each
	 * record's form (the six service forms in one table). */
	const struct form *form;
	const char *village;          /* a village's record id text, or NULL for all */
	const char *since, *until;    /* YYYY-MM-DD inclusive, or NULL */
	int format, encoding;
	const struct form_env *env;   /* the worker, today, and whether values are masked */
	/* Called now and then while rows are written (may be NULL). */
	void (*progress)(size_t done, size_t total, void *ctx);
	void *ctx;
};

/* Export the records of o->kind that the store's policy lets the worker
 * read and the filters keep, in the order they were registered.  The date
 * filters look at the field "date" when the record's form has one and it
 * is filled in, else at the day the record was created (local time).
 * st must be open to write: the export is logged (action "export", a note
 * naming the kind, the count and the file) before any row is written, and
 * nothing is written when that fails.  Returns 0 with *count rows written,
 * or -1 with a message a worker can act on in msg. */
int export_records(store *st, const char *path, const struct export_opts *o, size_t *count,
                   char *msg, size_t msgsize);

#endif
