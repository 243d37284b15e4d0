/* pdf.h: a printed document (the layouts' UTF-8 text of 80 columns) as
 * an A4 PDF, set with Pango on a Cairo PDF surface, fonts embedded. */
#ifndef SHEGONG_PDF_H
#define SHEGONG_PDF_H

#include <stdbool.h>
#include <stddef.h>

/* Write the document (UTF-8 text, pages separated by '\f', lines of at
 * most 80 display columns) to path as an A4 PDF, fonts embedded; title
 * goes in the PDF's metadata and each page's footer with "第 N 页 / 共 M 页".
 * Box-drawing characters are drawn as joined rules, a line of '-' (with
 * '✂' or words) as a dashed cut line, █ and the left eighth blocks as bars;
 * the report's chart (print_chart_read finds it in the text) as a chart:
 * filled bars scaled to the page's width from an axis, a scale under
 * them, each bar's number after it.
 * The file is written under a temporary name beside path and renamed,
 * so a failure leaves no half file.  Returns 0, or a store_err with why
 * (Chinese, via gettext) in why.  On success why is empty, or says that
 * some characters have no font here (they print as empty boxes), for the
 * worker to see. */
int pdf_write(const char *text, const char *title, const char *path, char *why, size_t whysize);

/* The same written into fd (a file printout_create made in the worker's
 * files folder), named name in a message; the caller closes fd and, on a
 * failure, removes the file (printout_close). */
int pdf_write_fd(const char *text, const char *title, int fd, const char *name, char *why,
                 size_t whysize);

/* True when built with Pango and Cairo (configure found pangocairo). */
bool pdf_available(void);

/* How many characters of text (as pdf_write would set it) no font on
 * this machine has a glyph for (they would print as empty boxes); -1
 * when not built with PDF.  Drawn characters (rules, bars) count not. */
long pdf_missing_glyphs(const char *text);

#endif
