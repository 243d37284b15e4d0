/* print.h: the documents a room prints, laid out as text for paper: an A4
 * page of PRINT_PAGE_LINES lines and PRINT_COLS columns (a Chinese
 * character counts two, as on a Chinese dot-matrix printer), pages
 * separated by form feeds, tables ruled with box-drawing characters
 * (they exist in GB18030, where they print two columns wide: wide).  The referral slip (refer_slip), the volunteer
 * certificate (tally_certificate), a resident's case file (个人档案), a
 * village's monthly service ledger (服务台账), the month's or quarter's
 * report with its chart (report.c's figures) and a blank form for home
 * visits.  Sensitive fields are masked as the screens mask them.  The
 * command line (`shegong print`) and the screens share it; every print is
 * logged (print_audit).  No curses. */
#ifndef SHEGONG_PRINT_H
#define SHEGONG_PRINT_H

#include <stdbool.h>
#include <stddef.h>

#include "form.h"
#include "scope.h"
#include "store.h"

enum print_doc { PRINT_SLIP, PRINT_CERTIFICATE, PRINT_CASEFILE, PRINT_LEDGER, PRINT_REPORT, PRINT_BLANK };

struct print_req {
	enum print_doc doc;
	const char *id;       /* a record id text: the referral (slip), the volunteer
	                       * (certificate), the resident (case file); or the
	                       * number a worker sees (print_resolve) */
	const char *village;  /* ledger, report: a unit id text (NULL: the worker's own unit) */
	const char *period;   /* ledger: "2026-11"; report: "2026-11" or "2026-Q4" */
	const char *form;     /* blank: a form name ("need", "service_care", ...) */
	const char *room;     /* certificate: the issuing room (NULL: the worker's unit's name) */
	const char *today;    /* YYYY-MM-DD (NULL: the local date) */
	bool wide;            /* for GB18030 (a Chinese printer, a GB18030 terminal):
	                       * every character beyond ASCII counts two columns,
	                       * the box-drawing ones, █ and □ too */
};

#define PRINT_COLS 80       /* display columns of a line (CJK = 2) */
#define PRINT_PAGE_LINES 64 /* lines on an A4 page */

/* The document's short name as print_audit's note says it ("slip",
 * "certificate", ...); NULL for an unknown one. */
const char *print_doc_name(enum print_doc d);
/* The document named so; -1 when no document is. */
int print_doc_parse(const char *name);

/* The record id a number a worker sees stands for, into idtext
 * (REC_ID_TEXTMAX bytes): a record id text as it is; for kind
 * REC_REFERRAL a slip number (ZJ-510421100001-2026-0003); for
 * REC_VOLUNTEER a certificate number (20261202-a5074270ee0b-416, the
 * date of issue and the volunteer's id without its kind); for
 * REC_RESIDENT an ID number (身份证号) of one resident.  STORE_NOTFOUND
 * when no record of kind has it, STORE_INVALID when it is no number of
 * that kind.  st may be NULL for REC_VOLUNTEER (the number holds the id). */
int print_resolve(store *st, int kind, const char *text, char *idtext);

/* The document as UTF-8 text, lines at most PRINT_COLS display columns,
 * pages separated by '\f', sensitive fields masked unless the scope may see
 * them (as the screens mask). malloc'd; NULL with *err a store_err. title:
 * a short name for the document (for the audit trail and file names).
 * records (may be NULL): the ids the document shows, comma-separated, at
 * most 50 then "...", malloc'd, for print_audit. */
char *print_text_records(store *st, const struct formset *forms, const struct scope *scope,
                         const struct print_req *q, char *title, size_t titlesz,
                         char **records, int *err);
char *print_text(store *st, const struct formset *forms, const struct scope *scope,
                 const struct print_req *q, char *title, size_t titlesz, int *err);

/* The report's chart, read back from the text print_text made of a
 * report, for pdf.c to draw it as a chart (bars, an axis) rather than its
 * characters; the text itself stays as it is for terminals and printers.
 * line[0..n) are the document's lines (without '\n', across its pages).
 * When line[0] is the chart's heading (print_chart_heading) and the lines
 * after it (blank lines between) are its bars, each a label, a bar of █
 * as long as the report makes it for its number among the others, and the
 * number: each bar's label length in bytes (the label starts its line),
 * number and the █ the text has go into bar[] (at most maxbar), *first is
 * the index of the first bar's line, and the count is returned (the bars
 * are the lines first, first+1, ...).  0 when line[0] starts no chart. */
struct print_chart_bar {
	size_t label_len; /* bytes of the label at the line's start */
	size_t value;     /* the number */
	size_t cols;      /* the █ of the text's bar */
};
const char *print_chart_heading(void);
size_t print_chart_read(const char *const *line, const size_t *len, size_t n, size_t *first,
                        struct print_chart_bar *bar, size_t maxbar);

/* --- a list as a screen shows it ------------------------------------------------- */

/* The document name of a printed or exported list, as print_audit says it. */
#define PRINT_DOC_LIST "list"

/* A list as the screen shows it (ui-list.c): what it lists, what filters
 * it, the heads of the columns shown and every row of the filter (not only
 * the page on screen), each cell as the screen shows it (choice labels,
 * names, sensitive fields masked for a worker who may not see them). */
struct print_list {
	const char *title;          /* what is listed: 居民 (the heading: 居民名单) */
	const char *heading;        /* the heading whole instead (转介：收到的), or NULL */
	const char *filter;         /* the filter, the search, the order, as words; or NULL */
	const char *today;          /* YYYY-MM-DD (NULL: the local date) */
	size_t ncols, nrows;        /* ncols at most PRINT_LIST_MAXCOLS */
	const char *const *heads;   /* ncols */
	const char *const *cells;   /* nrows x ncols, row by row (NULL cells: empty) */
	const rec_id *ids;          /* nrows: the record of each row (may be NULL) */
	bool wide;                  /* as print_req.wide */
};
#define PRINT_LIST_MAXCOLS 16

/* The list as pages of text, as print_text makes the other documents: a
 * title and the filter over the columns' heads on every page, the cells
 * wrapped in columns fitted to PRINT_COLS, ruled as a table (a rule
 * between rows, as the other documents' tables), page numbers at the foot.
 * title: the document's short name; records (may be NULL): the ids of the
 * rows for print_audit (print_records).  malloc'd; NULL when memory ran out. */
char *print_list_text(const struct print_list *l, char *title, size_t titlesz, char **records);

/* The ids comma-separated, at most 50 then ",...": print_audit's records.
 * malloc'd (NULL when memory ran out). */
char *print_records(const rec_id *ids, size_t n);

/* The audit entry of a print or export: action "print", note
 * "doc=<slip|certificate|casefile|ledger|report|blank|list> way=<terminal|pdf|lp|file|stdout> records=<id,id,...>"
 * (records: the ids the document shows, at most 50 then "..."). */
int print_audit(store *st, const char *doc, const char *way, const char *records);
/* The same with another action: "export" for a list written to a
 * spreadsheet (way "xlsx" or "csv"). */
int print_audit_as(store *st, const char *action, const char *doc, const char *way,
                   const char *records);

#endif
