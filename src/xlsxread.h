/* xlsxread.h: the first worksheet of an Excel workbook (.xlsx, as Excel
 * and WPS save it) read as rows of text cells, handed out the way libcsv
 * hands out a CSV file's, so that import reads either with one path.
 *
 * The file is a zip (read here on zlib) of XML parts (read with expat):
 * xl/workbook.xml and its relationships name the first sheet,
 * xl/sharedStrings.xml holds most text, xl/styles.xml says which numbers
 * are dates.  The file may come from anyone (a worker uploads it by SFTP):
 * entries, sizes, ratios, names and XML depth are bounded, and a damaged
 * or hostile file is refused whole with a message a worker can act on.
 * No curses. */
#ifndef SHEGONG_XLSXREAD_H
#define SHEGONG_XLSXREAD_H

#include <stdbool.h>
#include <stddef.h>

/* The bounds: bytes one part of the file may unpack to, how many times
 * larger than packed a part may be (past the first MiB), the parts a
 * file may hold, and the text all the cells may come to. */
#define XLSX_MAX_ENTRY ((size_t)64 << 20)
#define XLSX_MAX_RATIO 200
#define XLSX_MAX_ENTRIES 10000
#define XLSX_MAX_TEXT ((size_t)128 << 20)
#define XLSX_MAX_DEPTH 64
#define XLSX_MAX_CELLS ((size_t)8 << 20)   /* cells and row ends */

enum xlsx_status {
	XLSX_OK = 0,
	XLSX_DAMAGED,     /* not a zip, cut short, broken XML, no sheet */
	XLSX_TOO_LARGE,   /* a part past the bounds: a zip bomb or a sheet too big */
	XLSX_NOMEM,
	XLSX_NOLIB,       /* zlib or expat cannot be loaded (msg says which package) */
};

/* Whether data starts as a zip does ("PK\3\4"), or as an old Excel
 * file (.xls) or a workbook with a password do (an OLE compound file). */
bool xlsx_is_zip(const char *data, size_t len);
bool xlsx_is_ole(const char *data, size_t len);

/* Read the first worksheet of the workbook data[0..len).  Each cell, left
 * to right, goes to cell (its text in UTF-8, NUL-terminated, which cell
 * may change), a column left out is an empty cell and a row left out an
 * empty row; each row's end goes to row (with 0).  A shared string is its
 * text, rich-text runs joined; a boolean TRUE or FALSE; a number in a
 * date format YYYY-MM-DD (in the 1900 or the 1904 date system, as the
 * workbook says); a whole number below 10^15 its digits ("3.0" is "3"); a larger one as Excel shows it, 5.10421199001011E+17 (its last
 * digits are lost); another number its shortest form.  Nothing is handed
 * out unless the whole file reads.  Returns an xlsx_status, and for any
 * but XLSX_OK a translated message in msg. */
int xlsx_read(const char *data, size_t len, void (*cell)(void *s, size_t len, void *ctx),
              void (*row)(int c, void *ctx), void *ctx, char *msg, size_t msgsize);

#endif
