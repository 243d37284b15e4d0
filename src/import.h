/* import.h: records of one kind read from a CSV file a spreadsheet wrote
 * (Excel or WPS on a Chinese Windows: GB18030; or UTF-8, with or without a
 * byte-order mark), or from the first sheet of an Excel workbook (.xlsx,
 * read by xlsxread; its bad rows go to a UTF-8 CSV file), checked row by row by the same rules as the form on
 * the screen, and saved in batches.
 *
 * Columns are matched by their header to the form's fields: the Chinese
 * label (from the zh_CN catalogue), the English label or the field's
 * name.  Every fault is reported with the row as the spreadsheet shows it
 * (the header is row 1), the column (the header's text) and what to do
 * about it, including the damage a spreadsheet does (ID numbers and phone
 * numbers turned into numbers, dates into serial numbers) and a file read
 * in the wrong encoding.  Nothing is saved while any row is bad, unless
 * skip_bad: then the good rows are saved and the bad ones written, with a
 * column saying what is wrong, to a file to mend and import again.
 * No curses. */
#ifndef SHEGONG_IMPORT_H
#define SHEGONG_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "form.h"
#include "scope.h"
#include "store.h"

enum import_encoding {
	IMPORT_AUTO = 0,   /* a BOM: UTF-8; else valid UTF-8 with Chinese in it: UTF-8;
	                    * else GB18030 */
	IMPORT_GB18030,
	IMPORT_GBK,
	IMPORT_UTF8,
};

/* The name of the column import_bad_path's file adds. */
#define IMPORT_ERROR_COLUMN "错误/error"

/* One fault found. */
struct import_problem {
	size_t row;          /* as the spreadsheet numbers it (the header is 1); 0: the file */
	const char *column;  /* the column's header as written in the file, or NULL */
	const char *msg;     /* what is wrong and what to do, translated */
	bool warning;        /* told, but it does not stop the import (a column ignored) */
};

struct import_opts {
	int kind;
	const struct formset *fs;
	const struct form *form;      /* NULL: the kind's only form */
	int encoding;                 /* enum import_encoding */
	bool skip_bad;                /* save the good rows, write the bad ones aside */
	bool update;                  /* a row whose ID number is registered updates it */
	const struct scope *scope;    /* whose reach the rows must be in; NULL: anyone's */
	const struct form_env *env;   /* defaults: the worker, their village, today */
	size_t batch;                 /* rows a transaction; 0: 1000 */
	bool check_only;              /* check every row, save nothing, write no file of
	                               * bad rows: res says what a real import would do */
	/* The zh_CN catalogue (a .mo file) the Chinese headers and labels come
	 * from; NULL: paths_locale()/zh_CN/LC_MESSAGES/shegong.mo. */
	const char *catalogue;
	/* Each fault, in row order (may be NULL). */
	void (*report)(const struct import_problem *p, void *ctx);
	/* Now and then: saving false while rows are checked, true while they
	 * are saved (may be NULL). */
	void (*progress)(bool saving, size_t done, size_t total, void *ctx);
	void *ctx;
};

struct import_result {
	size_t rows;         /* rows under the header (blank rows not counted) */
	size_t imported;     /* new records saved */
	size_t updated;      /* records updated (update) */
	size_t unchanged;    /* rows the same as their record already (update): not
	                      * saved again, no new version, no audit entry */
	size_t bad;          /* rows not saved because of a fault (duplicates too) */
	size_t duplicates;   /* rows whose ID number came earlier in the file, or is
	                      * registered already (and not updated) */
	size_t warnings;
	int encoding;        /* the encoding the file was read in (never IMPORT_AUTO) */
	bool bom;
	bool workbook;       /* the file was an Excel workbook (.xlsx): encoding is UTF-8 */
	bool bad_written;    /* the bad rows are in import_bad_path(path) */
};

enum import_status {
	IMPORT_OK = 0,       /* every row saved */
	IMPORT_BAD_ROWS,     /* some rows were bad: nothing saved, or (skip_bad) the good
	                      * ones saved and the bad ones written aside */
	IMPORT_REFUSED,      /* the whole file is refused (msg): unreadable, the wrong
	                      * encoding, a column missing, a kind not imported */
	IMPORT_FAILED,       /* saving failed part way (msg says how many were saved) */
};

/* Import path.  st must be open to write, with the audit trail attached
 * (every record created or updated is logged by the store's hook) and the
 * worker's scope as its policy; one more audit entry, "import", names the
 * file and the counts.  Returns an import_status; *res is filled in every
 * case, msg for IMPORT_REFUSED and IMPORT_FAILED. */
int import_file(store *st, const char *path, const struct import_opts *o,
                struct import_result *res, char *msg, size_t msgsize);

/* The same on a file already open: fd (closed here) must be a regular
 * file (fstat; a FIFO, a device or a folder is refused); name stands for
 * it in messages and says where the bad rows go (import_bad_path(name)).
 * The import screen opens the file it picked with O_NOFOLLOW|O_NONBLOCK
 * and reads what it opened, not the name again. */
int import_fd(store *st, int fd, const char *name, const struct import_opts *o,
              struct import_result *res, char *msg, size_t msgsize);

/* The same on a file already in memory: data[0..len) are its bytes as
 * they are on disk; name stands for the path in messages (and, with
 * skip_bad, is where the bad rows go: import_bad_path(name)). */
int import_buffer(store *st, const char *name, const char *data, size_t len,
                  const struct import_opts *o, struct import_result *res, char *msg,
                  size_t msgsize);

/* Whether records of kind are imported from files (units, accounts and
 * referrals are not: they have commands and steps of their own). */
bool import_kind_importable(int kind);

/* Where the bad rows of path go: "x.csv" and "x.xlsx" give "x.bad.csv", any other
 * name gets ".bad.csv" added.  malloc'd. */
char *import_bad_path(const char *path);

/* The date an Excel serial number stands for in its 1900 date system
 * (1 is 1900-01-01; Excel counts a 1900-02-29 that never was, serial 60),
 * YYYY-MM-DD into out (11 bytes); false when serial is not one.  */
bool import_excel_date(double serial, char out[11]);

#endif
