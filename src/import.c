/* import.c: a spreadsheet's CSV file or Excel workbook read into records:
 * the cells parsed (libcsv, or xlsxread for a workbook's first sheet), the encoding decided and checked, the header matched to the
 * form, every row checked by the form's rules and the worker's scope,
 * then the good rows saved in batches and the bad ones written aside.
 * A CSV file streams: read a chunk at a time, its rows checked a window
 * at a time, the good ones spooled to a file until all are checked. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "audit.h"
#include "i18n.h"
#include "kind.h"
#include "import.h"
#include "lazylib.h"
#include "index.h"
#include "mo.h"
#include "orgunit.h"
#include "paths.h"
#include "text.h"
#include "util.h"
#include "valid.h"
#include "xlsxread.h"

#define IMPORT_BATCH 1000
#define IMPORT_MAX_FILE ((size_t)1 << 30)
/* Rows of a CSV file held at once: checked, their good records spooled
 * to a file of their own, their bad ones written aside, then let go. */
#define IMPORT_WINDOW 1000
/* ... or fewer, once their cells hold this many bytes (long notes) */
#define IMPORT_WINDOW_BYTES ((size_t)8 << 20)
/* The database's pages kept mapped while importing (release_map). */
#define IMPORT_MAP_KEEP ((uint64_t)24 << 20)
/* ... asked every so many rows: a row goes through a dozen index
 * leaves scattered over the file, and a read fault maps the pages
 * around the one read as well (up to 64 KiB), so at 1,000,000 rows
 * 100 rows could map some 50 MB between two askings.  Each letting go
 * costs the faults that map again what every row reads (the indexes'
 * upper levels), 64 KiB a fault: at 100,000 rows, 24 MB kept and asked
 * every 40 rows fault a fifth more than 32 MB and 100 rows (about 10 %
 * more CPU), for a peak at 1,000,000 rows of 83 MB, not 133 (16 MB and
 * 20 rows: 62 MB, 16 % more CPU; bench/RESULTS-1m.md). */
#define IMPORT_MAP_EVERY 40
/* Bytes read from the file at a time. */
#define IMPORT_CHUNK 65536

static void
setmsg(char *msg, size_t msgsize, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void
setmsg(char *msg, size_t msgsize, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, msgsize, fmt, ap);
	va_end(ap);
}

/* ASCII letters compared without case; other bytes as they are. */
static bool
same_text(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return *a == *b;
}

/* --- the cells of the file ---------------------------------------------------------- */

struct cell {
	size_t off, len;   /* in the arena; the byte after is NUL */
};

struct trow {
	size_t first, n;   /* its cells */
	size_t num;        /* the row's number as the spreadsheet shows it */
};

struct table {
	struct strbuf arena;
	struct cell *cells;
	size_t ncells, capcells;
	struct trow *rows;
	size_t nrows, caprows;
	size_t row_first, num;
	bool last_cr, nomem;
	/* called at the end of a row once window rows, or their cells
	 * IMPORT_WINDOW_BYTES, are held (0: never): it checks them and
	 * empties the table (table_clear) */
	size_t window;
	void (*flush)(void *ctx);
	void *flush_ctx;
};

static void
table_cell(void *s, size_t len, void *ctx)
{
	struct table *t = ctx;
	if (t->nomem)
		return;
	if (!util_grow((void **)&t->cells, &t->capcells, t->ncells + 1, sizeof *t->cells)) {
		t->nomem = true;
		return;
	}
	/* a line break inside a quoted cell as Excel on Windows writes it
	 * (CR LF), or a lone CR, is kept as one LF */
	char *c = s;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (c[i] == '\r') {
			c[n++] = '\n';
			if (i + 1 < len && c[i + 1] == '\n')
				i++;
		} else {
			c[n++] = c[i];
		}
	}
	len = n;
	t->cells[t->ncells++] = (struct cell){t->arena.len, len};
	sb_add(&t->arena, s, len);
	sb_add(&t->arena, "", 1);
	t->nomem = t->arena.failed;
}

/* The end of a row.  An empty report after a row ended by CR is the LF of
 * its CR LF; any other is a blank line, which Excel counts as a row. */
static void
table_row(int c, void *ctx)
{
	struct table *t = ctx;
	size_t n = t->ncells - t->row_first;
	if (n == 0) {
		if (!(c == '\n' && t->last_cr))
			t->num++;
	} else if (!t->nomem) {
		if (!util_grow((void **)&t->rows, &t->caprows, t->nrows + 1, sizeof *t->rows))
			t->nomem = true;
		else
			t->rows[t->nrows++] = (struct trow){t->row_first, n, t->num};
		t->num++;
	}
	t->row_first = t->ncells;
	t->last_cr = c == '\r';
	if (t->window && (t->nrows >= t->window || t->arena.len >= IMPORT_WINDOW_BYTES) &&
	    !t->nomem)
		t->flush(t->flush_ctx);
}

/* The rows held let go, their memory kept for the next ones; the row
 * numbers go on. */
static void
table_clear(struct table *t)
{
	t->arena.len = 0;
	t->ncells = t->nrows = t->row_first = 0;
}

static void
table_free(struct table *t)
{
	free(t->arena.p);
	free(t->cells);
	free(t->rows);
}

/* The index of the cell holding arena byte off. */
static size_t
cell_at(const struct table *t, size_t off)
{
	size_t lo = 0, hi = t->ncells;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->cells[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* "A", "B" ... "Z", "AA": a column as the spreadsheet names it. */
static const char *
column_letters(size_t col, char out[8])
{
	char tmp[8];
	size_t n = 0;
	col++;
	while (col > 0 && n < 7) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return out;
}

/* --- the encoding ---------------------------------------------------------------- */

enum cell_state { CELL_OK = 0, CELL_NOT_ENCODING, CELL_UTF8_IN_GB };

static bool
has_high(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

/* Does valid UTF-8 text s read as Chinese, the way a name or an address
 * does?  Every character beyond ASCII a CJK ideograph or punctuation, and
 * at least min ideographs of the basic block (three bytes each: text in
 * GB18030 hardly ever chains into such runs by chance). */
static bool
reads_as_chinese(const char *s, size_t len, int min)
{
	int ideographs = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += text_utf8_decode(s + i, len - i, &cp);
		if (cp < 0x80)
			continue;
		if (cp >= 0x4E00 && cp <= 0x9FFF)
			ideographs++;
		else if (!((cp >= 0x3000 && cp <= 0x303F) || (cp >= 0x3400 && cp <= 0x4DBF) ||
		           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFFEF) ||
		           (cp >= 0x20000 && cp <= 0x3134F) || cp == 0xB7 ||
		           (cp >= 0x2014 && cp <= 0x201D) || cp == 0x2026))
			return false;
	}
	return ideographs >= min;
}

static const char *
iconv_name(int enc)
{
	return enc == IMPORT_GBK ? "GBK" : enc == IMPORT_UTF8 ? "UTF-8" : "GB18030";
}

static const char *
encoding_label(int enc)
{
	return enc == IMPORT_GBK ? "GBK" : enc == IMPORT_UTF8 ? "UTF-8" : "GB18030";
}

/* s as GB18030 would read it (malloc'd; a cell's bad bytes end it with
 * "..."), to show what a wrong decoding makes of it. */
static char *
as_gb18030(const char *s, size_t len)
{
	char *out;
	size_t outlen, bad = 0;
	if (text_conv("UTF-8", "GB18030", s, len, &out, &outlen, &bad) == TEXT_CONV_OK)
		return out;
	if (bad > 0 && text_conv("UTF-8", "GB18030", s, bad, &out, &outlen, NULL) == TEXT_CONV_OK) {
		char *r = malloc(outlen + 4);
		if (r)
			snprintf(r, outlen + 4, "%s...", out);
		free(out);
		return r;
	}
	return strdup("?");
}

/* --- the import's state --------------------------------------------------------- */

enum col_role { COL_IGNORE = 0, COL_FIELD, COL_UNKNOWN };

struct column {
	int role;
	const struct form_field *fd;
	char *header;     /* as written (decoded), for messages */
};

struct unit_entry {
	char id[REC_ID_TEXTMAX];
	char *code, *name;
};

/* One row to save: a new record, or the changes to a registered one. */
struct plan {
	record *r;
	rec_id target;
	bool update;
	size_t num;
};

/* ID numbers seen in the file, each with the row it was first in: the
 * one thing an import keeps for every row, so kept small.  An ID number
 * as the form checks it (17 digits and a digit or X) is packed into 8
 * bytes and its row into 4 (about 24 bytes a row at most, with the
 * table's room); anything else, by its text (open addressing both). */
struct idset {
	uint64_t *keys;     /* idset_pack's number; 0: free */
	uint32_t *rows;
	size_t cap, n;
	char (*tkeys)[20];  /* the ones that do not pack */
	size_t *trows;
	size_t tcap, tn;
};

/* A choice list's labels as a file may write them, translated once per
 * import (not for every item of every cell): in Chinese, from the
 * catalogue, and in the language the program runs in. */
struct choice_labels {
	const struct form_choices *list;
	const char **zh;    /* per item: the Chinese label, or NULL */
	const char **loc;   /* per item: the label as the program shows it */
};

struct imp {
	const struct import_opts *o;
	const struct form *form;
	const char *path;
	struct import_result *res;
	store *st;
	store_txn *txn;             /* the checks' read transaction */
	struct table tab;           /* the rows held: a window of a CSV file, a whole sheet */
	struct strbuf dec;             /* the cells as UTF-8 (GB18030 and GBK files) */
	bool dec_same;              /* UTF-8 already: the cells' text is the table's */
	struct cell *dcells;        /* where each cell is in dec */
	size_t capdcells;
	unsigned char *state;       /* enum cell_state of each cell */
	size_t capstate;
	bool header_done;           /* the header is mapped (the first window's first row) */
	bool refused;               /* the whole file refused while its rows were read (msg) */
	size_t done, total;         /* data rows gone through, and in the file (progress) */
	/* the good rows, spooled as encoded records to an unnamed file of
	 * their own (beside the database), saved from there once every row
	 * is checked; the batch being saved in plans */
	FILE *spool;
	int spool_errno;
	size_t nspooled;
	/* the bad rows (skip_bad): written as they are found to a file of
	 * its own name, renamed to import_bad_path's once the import goes on */
	struct strbuf badhead;      /* the header's line in that file */
	struct strbuf line;
	FILE *bad;
	char *badtmp;
	int bad_errno;
	struct mo mo;
	struct choice_labels *labels;   /* the form's choice lists, translated */
	size_t nlabels;
	struct column *cols;
	size_t ncols;
	const struct column **by_field;  /* the column of each field of the form, or NULL */
	/* a row's cells that passed form_check_value as they were: their
	 * text in known, at known_off of each field (SIZE_MAX: none), so
	 * form_check_record_known need not check them again */
	struct strbuf known;
	size_t *known_off;
	const char **known_at;
	struct unit_entry *units;
	size_t nunits, capunits;
	struct plan *plans;
	size_t nplans, capplans;
	struct idset ids;
	bool multi_form;            /* the kind has several forms: records say which */
	char *msg;
	size_t msgsize;
	int fatal;                  /* a store error while checking */
};

static void
problem(struct imp *im, size_t row, const char *column, bool warning, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void
problem(struct imp *im, size_t row, const char *column, bool warning, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (warning)
		im->res->warnings++;
	if (im->o->report) {
		struct import_problem p = {row, column, text, warning};
		im->o->report(&p, im->o->ctx);
	}
}

static const char *
cell_text(const struct imp *im, size_t cell)
{
	return (im->dec_same ? im->tab.arena.p : im->dec.p) + im->dcells[cell].off;
}

/* --- reading and decoding ---------------------------------------------------------- */

/* Where the file's bytes are: in memory, or in a regular file read a
 * chunk at a time, twice for a CSV file (once to decide its encoding,
 * once to check its rows), so that an import holds a window of rows,
 * never the file. */
struct source {
	const char *mem;    /* the bytes, or NULL: read from fd */
	size_t len;         /* how many (a file: its size when it was opened) */
	size_t start;       /* past a byte-order mark */
	int fd;
};

/* fd, a regular file (path names it in a message), as a source. */
static int
source_fd(struct source *src, int fd, const char *path, char *msg, size_t msgsize)
{
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		setmsg(msg, msgsize, _("%s is not a file"), path);
		return -1;
	}
	if ((uint64_t)sb.st_size > IMPORT_MAX_FILE) {
		setmsg(msg, msgsize, _("%s is larger than 1 GiB: import it in parts"), path);
		return -1;
	}
	/* opened not to wait (on a FIFO); a file's reads never do */
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && (fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	*src = (struct source){NULL, (size_t)sb.st_size, 0, fd};
	return 0;
}

/* Up to size bytes of the file at off into buf: how many (0 at its end,
 * as it was when opened), or -1 (errno). */
static ssize_t
source_pread(const struct source *src, size_t off, char *buf, size_t size)
{
	if (off >= src->len)
		return 0;
	if (size > src->len - off)
		size = src->len - off;
	for (;;) {
		ssize_t k = pread(src->fd, buf, size, (off_t)off);
		if (k >= 0 || errno != EINTR)
			return k;
	}
}

/* The whole file into b (an .xlsx workbook, which is read whole). */
static int
source_all(const struct source *src, const char *path, struct strbuf *b, char *msg,
           size_t msgsize)
{
	if (src->mem) {
		sb_add(b, src->mem, src->len);
	} else if (sb_grow(b, src->len + 1)) {
		size_t off = 0;
		ssize_t k;
		while ((k = source_pread(src, off, b->p + off, src->len - off)) > 0)
			off += (size_t)k;
		if (k < 0) {
			setmsg(msg, msgsize, _("cannot read %s: %s"), path, strerror(errno));
			return -1;
		}
		b->len = off;
	}
	if (b->failed) {
		setmsg(msg, msgsize, "%s", _("out of memory"));
		return -1;
	}
	return 0;
}

/* libcsv is opened when a CSV file is first read (see lazylib.h), not
 * at every start-up. */
#define CSV_FUNCS(X) X(csv_init) X(csv_parse) X(csv_error) X(csv_fini) X(csv_free)

static struct {
#define CSV_SLOT(f) __typeof__(&f) f;
	CSV_FUNCS(CSV_SLOT)
#undef CSV_SLOT
} csv;

static bool
csv_load(char *msg, size_t msgsize)
{
	static void *handle;
	static const struct lazylib_sym syms[] = {
#define CSV_SYM(f) {#f, &csv.f, sizeof csv.f},
		CSV_FUNCS(CSV_SYM)
#undef CSV_SYM
	};
	return lazylib_load(&handle, CSV_SONAME, syms, sizeof syms / sizeof syms[0],
	                    _("Import from CSV"), "libcsv3", msg, msgsize);
}

/* The source's bytes from its start through libcsv, a chunk at a time.
 * No byte of a multi-byte GB18030, GBK or UTF-8 character is a comma,
 * quote, CR, LF, space or tab (GB18030's second bytes may be ASCII
 * letters or digits, never these), so the cells can be cut before they
 * are decoded.  Stops early once *stop.  Returns 0; 1 when strict and a
 * quote stands inside a cell not quoted (="0123", as some programs
 * write: then read leniently); 2 when strict and the file ends inside a
 * quoted cell; -1 (msg) out of memory or unreadable. */
static int
source_parse(const struct source *src, const char *path, bool strict,
             void (*cell)(void *, size_t, void *), void (*row)(int, void *), void *ctx,
             const bool *stop, char *msg, size_t msgsize)
{
	if (!csv_load(msg, msgsize))
		return -1;
	struct csv_parser cp;
	if (csv.csv_init(&cp, (strict ? CSV_STRICT | CSV_STRICT_FINI : 0) | CSV_REPALL_NL) != 0) {
		setmsg(msg, msgsize, "%s", _("out of memory"));
		return -1;
	}
	char *buf = src->mem ? NULL : malloc(IMPORT_CHUNK);
	int rc = 0;
	if (!src->mem && !buf) {
		setmsg(msg, msgsize, "%s", _("out of memory"));
		rc = -1;
	}
	for (size_t off = src->start; rc == 0 && !*stop;) {
		const char *p = src->mem ? src->mem + off : buf;
		size_t n;
		if (src->mem) {
			n = off < src->len ? src->len - off : 0;
		} else {
			ssize_t k = source_pread(src, off, buf, IMPORT_CHUNK);
			if (k < 0) {
				setmsg(msg, msgsize, _("cannot read %s: %s"), path, strerror(errno));
				rc = -1;
				break;
			}
			n = (size_t)k;
		}
		if (n == 0)
			break;
		if (csv.csv_parse(&cp, p, n, cell, row, ctx) != n) {
			rc = csv.csv_error(&cp) == CSV_EPARSE ? 1 : -1;
			if (rc < 0)
				setmsg(msg, msgsize, "%s", _("out of memory"));
			break;
		}
		off += n;
	}
	if (rc == 0 && !*stop && csv.csv_fini(&cp, cell, row, ctx) != 0) {
		rc = csv.csv_error(&cp) == CSV_EPARSE ? 2 : -1;
		if (rc < 0)
			setmsg(msg, msgsize, "%s", _("out of memory"));
	}
	csv.csv_free(&cp);
	free(buf);
	return rc;
}

/* The first reading of a CSV file: what its cells say of its encoding,
 * and how many rows it has, nothing kept of them.  Rows are numbered as
 * table_row numbers them. */
struct scan {
	int forced;              /* the encoding the worker said, or IMPORT_AUTO */
	bool gb_only;            /* only ask whether the cells read as GB18030 */
	size_t num, col, rows;
	bool last_cr, stop;
	bool nul, all_utf8, any_high, reads_gb;
	bool bad_seen;           /* the first cell not UTF-8 */
	size_t bad_num, bad_col;
	char *zh;                /* the first cell of UTF-8 Chinese */
	size_t zh_num, zh_col;
};

static void
scan_cell(void *s, size_t len, void *ctx)
{
	struct scan *sc = ctx;
	const char *c = s;
	size_t col = sc->col++;
	if (!has_high(c, len)) {
		if (memchr(c, '\0', len))
			sc->nul = true;
		return;
	}
	if (sc->gb_only) {
		char *out;
		size_t outlen, bad;
		if (sc->reads_gb &&
		    text_conv("UTF-8", "GB18030", c, len, &out, &outlen, &bad) == TEXT_CONV_OK)
			free(out);
		else
			sc->reads_gb = false;
		return;
	}
	if (memchr(c, '\0', len))
		sc->nul = true;
	sc->any_high = true;
	if (!text_utf8_valid(c, len, NULL)) {
		sc->all_utf8 = false;
		if (!sc->bad_seen) {
			sc->bad_seen = true;
			sc->bad_num = sc->num;
			sc->bad_col = col;
		}
	} else if (!sc->zh && reads_as_chinese(c, len, 1)) {
		sc->zh = strndup(c, len);
		sc->zh_num = sc->num;
		sc->zh_col = col;
		if (!sc->zh)
			sc->stop = true;
	}
}

static void
scan_row(int c, void *ctx)
{
	struct scan *sc = ctx;
	if (sc->col == 0) {
		if (!(c == '\n' && sc->last_cr))
			sc->num++;
	} else {
		sc->rows++;
		sc->num++;
	}
	sc->col = 0;
	sc->last_cr = c == '\r';
}

/* Read the file once through: strictly, or (a quote inside a cell not
 * quoted) leniently, *strict saying which.  Returns 0 or -1 (msg). */
static int
scan_csv(const struct source *src, const char *path, struct scan *sc, bool *strict, char *msg,
         size_t msgsize)
{
	for (int pass = 0; pass < 2; pass++) {
		*strict = pass == 0;
		free(sc->zh);
		int forced = sc->forced;
		*sc = (struct scan){.forced = forced, .num = 1, .all_utf8 = true, .reads_gb = true};
		int rc = source_parse(src, path, *strict, scan_cell, scan_row, sc, &sc->stop, msg,
		                      msgsize);
		if (sc->stop) {
			setmsg(msg, msgsize, "%s", _("out of memory"));
			return -1;
		}
		if (rc == 1)
			continue;
		if (rc == 2) {
			setmsg(msg, msgsize,
			       _("The file ends inside a quoted cell that starts in row %zu: a closing "
			         "quote (\") is missing. Open the file in the spreadsheet, check that "
			         "row, and save it as CSV again."),
			       sc->num);
			return -1;
		}
		if (rc < 0)
			return -1;
		if (sc->forced == IMPORT_UTF8 && !sc->all_utf8) {
			/* the advice: would GB18030 read it? */
			struct scan gb = {.gb_only = true, .num = 1, .reads_gb = true};
			if (source_parse(src, path, *strict, scan_cell, scan_row, &gb, &gb.stop, msg,
			                 msgsize) < 0)
				return -1;
			sc->reads_gb = gb.reads_gb;
		}
		return 0;
	}
	setmsg(msg, msgsize, "%s", _("out of memory"));  /* cannot happen: lenient reads all */
	return -1;
}

/* Decide the encoding from the first reading.  Returns -1 when the whole
 * file is refused (im->msg). */
static int
decide_encoding(struct imp *im, const struct scan *sc)
{
	if (sc->nul) {
		setmsg(im->msg, im->msgsize, "%s",
		       _("The file holds NUL bytes: it is not a CSV text file. In the "
		         "spreadsheet, save it as \"CSV (comma delimited)\"."));
		return -1;
	}
	int enc = im->o->encoding;
	if (enc == IMPORT_AUTO)
		enc = im->res->bom || (sc->all_utf8 && sc->any_high) ? IMPORT_UTF8 : IMPORT_GB18030;
	im->res->encoding = enc;
	char letters[8];
	if (enc == IMPORT_UTF8) {
		if (im->o->encoding == IMPORT_UTF8 && !sc->all_utf8) {
			setmsg(im->msg, im->msgsize,
			       _("The file is not UTF-8: row %zu, column %s holds bytes that are not "
			         "UTF-8 text.%s"),
			       sc->bad_num, column_letters(sc->bad_col, letters),
			       sc->reads_gb ? _(" It reads as GB18030, as Excel on a Chinese Windows saves "
			                        "CSV: leave out --encoding utf-8.")
			                    : "");
			return -1;
		}
		return 0;
	}
	if (im->o->encoding != IMPORT_AUTO && im->res->bom) {
		setmsg(im->msg, im->msgsize,
		       _("The file starts with a UTF-8 byte-order mark: it is UTF-8, not %s. Leave "
		         "out --encoding, or say --encoding utf-8."),
		       encoding_label(enc));
		return -1;
	}
	if (im->o->encoding != IMPORT_AUTO && sc->all_utf8 && sc->zh) {
		char *gb = as_gb18030(sc->zh, strlen(sc->zh));
		setmsg(im->msg, im->msgsize,
		       _("The file seems to be UTF-8, not %s: row %zu, column %s reads \"%s\" as %s "
		         "but \"%s\" as UTF-8. Leave out --encoding, or say --encoding utf-8."),
		       encoding_label(enc), sc->zh_num, column_letters(sc->zh_col, letters),
		       gb ? gb : "?", encoding_label(enc), sc->zh);
		free(gb);
		return -1;
	}
	return 0;
}

/* Decode the cells the table holds, in the encoding decided.  Returns -1
 * when the whole file is refused (im->msg). */
static int
decode_window(struct imp *im)
{
	struct table *t = &im->tab;
	size_t n = t->ncells;
	if (!util_grow((void **)&im->dcells, &im->capdcells, n ? n : 1, sizeof *im->dcells) ||
	    !util_grow((void **)&im->state, &im->capstate, n ? n : 1, 1)) {
		setmsg(im->msg, im->msgsize, "%s", _("out of memory"));
		return -1;
	}
	memset(im->state, 0, n);
	int enc = im->res->encoding;
	if (enc == IMPORT_UTF8) {
		/* the cells are already UTF-8: decoded is the same bytes */
		im->dec_same = true;
		memcpy(im->dcells, t->cells, n * sizeof *t->cells);
		for (size_t i = 0; i < n; i++) {
			const char *s = t->arena.p + t->cells[i].off;
			if (has_high(s, t->cells[i].len) && !text_utf8_valid(s, t->cells[i].len, NULL))
				im->state[i] = CELL_NOT_ENCODING;
		}
		return 0;
	}
	/* GB18030 or GBK: all the cells held at once; a cell that will not
	 * decode is marked and left empty, and the rest decoded around it */
	im->dec_same = false;
	im->dec.len = 0;
	const char *a = t->arena.p;
	size_t alen = t->arena.len, pos = 0;
	while (pos < alen) {
		size_t end = alen;
		char *out = NULL;
		size_t outlen = 0;
		for (;;) {
			if (end == pos)
				break;
			size_t bad = 0;
			int e = text_conv("UTF-8", iconv_name(enc), a + pos, end - pos, &out, &outlen, &bad);
			if (e == TEXT_CONV_OK)
				break;
			if (e != TEXT_CONV_ILLEGAL && e != TEXT_CONV_INCOMPLETE) {
				setmsg(im->msg, im->msgsize, "%s", text_conv_strerror(e));
				return -1;
			}
			size_t k = cell_at(t, pos + bad);
			im->state[k] = CELL_NOT_ENCODING;
			end = t->cells[k].off;
		}
		if (out)
			sb_add(&im->dec, out, outlen);
		free(out);
		if (end == alen)
			break;
		size_t k = cell_at(t, end);
		sb_add(&im->dec, "", 1);
		pos = t->cells[k].off + t->cells[k].len + 1;
	}
	if (im->dec.failed) {
		setmsg(im->msg, im->msgsize, "%s", _("out of memory"));
		return -1;
	}
	/* the NULs between cells survive the conversion: cut there again */
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		if (at >= im->dec.len) {
			/* cannot happen: a NUL for every cell */
			setmsg(im->msg, im->msgsize, "%s", _("out of memory"));
			return -1;
		}
		size_t len = strlen(im->dec.p + at);
		im->dcells[i] = (struct cell){at, len};
		at += len + 1;
		/* a cell of UTF-8 Chinese in a GB18030 file reads as rare
		 * characters (鍙, 鐨, 锛 ...): typed or pasted from elsewhere */
		const char *raw = t->arena.p + t->cells[i].off;
		size_t rlen = t->cells[i].len;
		if (im->o->encoding == IMPORT_AUTO && im->state[i] == CELL_OK && has_high(raw, rlen) &&
		    text_utf8_valid(raw, rlen, NULL) && reads_as_chinese(raw, rlen, 2))
			im->state[i] = CELL_UTF8_IN_GB;
	}
	return 0;
}

/* The first sheet of an Excel workbook into the table, its cells fed as
 * a CSV file's are.  Returns 0 or -1 (im->msg: the whole file refused). */
static int
parse_xlsx(struct imp *im, const char *p, size_t len)
{
	struct table *t = &im->tab;
	t->num = 1;
	char why[1024];
	int rc = xlsx_read(p, len, table_cell, table_row, t, why, sizeof why);
	if (rc == XLSX_OK && (t->nomem || t->arena.failed)) {
		rc = XLSX_NOMEM;
		snprintf(why, sizeof why, "%s", _("out of memory"));
	}
	if (rc != XLSX_OK) {
		setmsg(im->msg, im->msgsize, "%s: %s", im->path, why);
		return -1;
	}
	/* a workbook's cells are UTF-8 already (its XML is); its bad rows
	 * are written in UTF-8 with a byte-order mark, which Excel and WPS
	 * open as such */
	im->res->encoding = IMPORT_UTF8;
	im->res->workbook = true;
	im->res->bom = true;
	return 0;
}

/* What is wrong with a cell that did not decode, in msg. */
static void
cell_encoding_message(const struct imp *im, size_t cell, char *msg, size_t msgsize)
{
	const char *raw = im->tab.arena.p + im->tab.cells[cell].off;
	size_t rlen = im->tab.cells[cell].len;
	int enc = im->res->encoding;
	if (im->state[cell] == CELL_UTF8_IN_GB) {
		char *gb = as_gb18030(raw, rlen);
		setmsg(msg, msgsize,
		       _("this cell seems to be UTF-8 text in a %s file: read as %s it is \"%s\", as "
		         "UTF-8 \"%s\". Type it again in the spreadsheet, or save the whole file in one "
		         "encoding (if the file really is %s, say --encoding %s)."),
		       encoding_label(enc), encoding_label(enc), gb ? gb : "?", raw, encoding_label(enc),
		       enc == IMPORT_GBK ? "gbk" : "gb18030");
		free(gb);
	} else if (enc == IMPORT_UTF8) {
		char *gb = as_gb18030(raw, rlen);
		setmsg(msg, msgsize,
		       _("this cell holds bytes that are not UTF-8 text, though the file is UTF-8 (as "
		         "GB18030 it would read \"%s\"): type it again, or save the whole file in one "
		         "encoding"),
		       gb ? gb : "?");
		free(gb);
	} else {
		setmsg(msg, msgsize,
		       _("this cell holds bytes that are not %s text (the file is read as %s, as Excel "
		         "on a Chinese Windows saves CSV): type it again, or save the whole file in one "
		         "encoding"),
		       encoding_label(enc), encoding_label(enc));
	}
}

/* The raw bytes of a cell (for the file of bad rows). */
static const char *
cell_raw(const struct imp *im, size_t cell, size_t *len)
{
	*len = im->tab.cells[cell].len;
	if (im->tab.arena.p)
		return im->tab.arena.p + im->tab.cells[cell].off;
	return im->dec.p + im->dcells[cell].off;  /* UTF-8: the same bytes */
}

/* --- the header ------------------------------------------------------------------ */

/* A header cell trimmed, without a mark of "required" at its end. */
static char *
header_clean(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	if (strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	size_t len = strlen(s);
	for (;;) {
		while (len > 0 && strchr(" \t\r\n", s[len - 1]))
			len--;
		if (len >= 1 && s[len - 1] == '*')
			len--;
		else if (len >= 3 && memcmp(s + len - 3, "＊", 3) == 0)
			len -= 3;
		else
			break;
	}
	return strndup(s, len);
}

static bool
header_is(const struct imp *im, const char *h, const char *msgid)
{
	const char *zh = mo_get(&im->mo, msgid);
	return same_text(h, msgid) || same_text(h, _(msgid)) || (zh && same_text(h, zh));
}

static const struct form_field *
header_field(const struct imp *im, const char *h)
{
	for (size_t i = 0; i < im->form->nfields; i++) {
		const struct form_field *fd = &im->form->fields[i];
		if (same_text(h, fd->name) || (fd->label && header_is(im, h, fd->label)))
			return fd;
	}
	return NULL;
}

/* The label of a field in both languages, "姓名 (Name)". */
static void
field_names(const struct imp *im, const struct form_field *fd, char *out, size_t size)
{
	const char *zh = fd->label ? mo_get(&im->mo, fd->label) : NULL;
	if (zh && strcmp(zh, fd->label) != 0)
		snprintf(out, size, "%s (%s)", zh, fd->label);
	else
		snprintf(out, size, "%s", fd->label ? fd->label : fd->name);
}

/* Whether a field's value comes by itself when the file leaves it out. */
static bool
has_default(const struct imp *im, const struct form_field *fd)
{
	if (!fd->dflt)
		return false;
	if (strcmp(fd->dflt, "village") == 0)
		return im->o->env && im->o->env->village &&
		       (!fd->ref_level || im->o->env->village_level == fd->ref_level);
	if (strcmp(fd->dflt, "worker") == 0)
		return im->o->env && im->o->env->worker;
	if (strcmp(fd->dflt, "today") == 0)
		return im->o->env && im->o->env->today;
	return true;
}

static int
map_header(struct imp *im)
{
	const struct trow *h = &im->tab.rows[0];
	im->ncols = h->n;
	im->cols = calloc(h->n, sizeof *im->cols);
	im->by_field = calloc(im->form->nfields ? im->form->nfields : 1, sizeof *im->by_field);
	im->known_off = calloc(im->form->nfields ? im->form->nfields : 1, sizeof *im->known_off);
	im->known_at = calloc(im->form->nfields ? im->form->nfields : 1, sizeof *im->known_at);
	if (!im->cols || !im->by_field || !im->known_off || !im->known_at) {
		setmsg(im->msg, im->msgsize, "%s", _("out of memory"));
		return -1;
	}
	size_t fields = 0, unknown = 0, unlisted = 0;
	struct strbuf unknowns = {0};
	for (size_t j = 0; j < h->n; j++) {
		struct column *c = &im->cols[j];
		size_t cell = h->first + j;
		if (im->state[cell] != CELL_OK) {
			char why[512], letters[8];
			cell_encoding_message(im, cell, why, sizeof why);
			setmsg(im->msg, im->msgsize, _("The header, column %s: %s"),
			       column_letters(j, letters), why);
			sb_free(&unknowns);
			return -1;
		}
		c->header = header_clean(cell_text(im, cell));
		if (!c->header) {
			setmsg(im->msg, im->msgsize, "%s", _("out of memory"));
			sb_free(&unknowns);
			return -1;
		}
		if (!*c->header || same_text(c->header, IMPORT_ERROR_COLUMN) ||
		    header_is(im, c->header, "ID") || header_is(im, c->header, "Form")) {
			c->role = COL_IGNORE;  /* export's columns, and the bad rows' reasons */
			continue;
		}
		const struct form_field *fd = header_field(im, c->header);
		if (!fd) {
			/* said once, all of them, after the header */
			c->role = COL_UNKNOWN;
			unknown++;
			if (unknowns.len + strlen(c->header) > 600) {
				unlisted++;
				continue;
			}
			if (unknowns.len)
				sb_str(&unknowns, "、");
			sb_str(&unknowns, c->header);
			continue;
		}
		if (fd->type == FT_CALCULATE) {
			c->role = COL_IGNORE;  /* worked out, never stored */
			continue;
		}
		size_t fi = (size_t)(fd - im->form->fields);
		if (im->by_field[fi]) {
			char names[256];
			field_names(im, fd, names, sizeof names);
			setmsg(im->msg, im->msgsize,
			       _("The columns \"%s\" and \"%s\" are both %s: keep one of them."),
			       im->by_field[fi]->header, c->header, names);
			sb_free(&unknowns);
			return -1;
		}
		c->role = COL_FIELD;
		c->fd = fd;
		im->by_field[fi] = c;
		fields++;
	}
	if (unknown && fields) {
		char more[64] = "";
		if (unlisted)
			snprintf(more, sizeof more, _(" and %zu more"), unlisted);
		problem(im, h->num, NULL, true,
		        _("Columns that are not fields of the form \"%s\" are left out (%zu): %s%s"),
		        _(im->form->title), unknown, unknowns.p ? unknowns.p : "", more);
	}
	sb_free(&unknowns);
	if (fields == 0) {
		/* Excel in some languages, or "text (tab-delimited)", writes
		 * another separator: the whole header is then one cell.  Said
		 * rather than guessed: a Chinese Excel or WPS writes commas for
		 * CSV, and a file saved another way may differ in more than that
		 * (Unicode text is UTF-16), so the worker saves it as CSV again. */
		size_t semis = 0, tabs = 0;
		for (size_t j = 0; j < h->n; j++)
			for (const char *q = im->cols[j].header; q && *q; q++) {
				semis += *q == ';';
				tabs += *q == '\t';
			}
		if (tabs || semis) {
			setmsg(im->msg, im->msgsize, "%s",
			       tabs >= semis ? _("This file is separated by tabs, not commas: open it in "
			                         "Excel or WPS, save it as \"CSV (comma-separated)\", and "
			                         "import that file.")
			                     : _("This file is separated by semicolons, not commas: open it "
			                         "in Excel or WPS, save it as \"CSV (comma-separated)\", "
			                         "and import that file."));
			return -1;
		}
		setmsg(im->msg, im->msgsize,
		       _("No column of the first row (row %zu) is a field of the form %s: the first "
		         "row must be the header, with the fields' names as the form shows them "
		         "(such as %s)."),
		       h->num, _(im->form->title),
		       im->form->nfields && im->form->fields[0].label
		               ? (mo_get(&im->mo, im->form->fields[0].label)
		                          ? mo_get(&im->mo, im->form->fields[0].label)
		                          : im->form->fields[0].label)
		               : "?");
		return -1;
	}
	/* a column every new record needs and nothing fills in by itself */
	struct strbuf missing = {0};
	for (size_t i = 0; i < im->form->nfields; i++) {
		const struct form_field *fd = &im->form->fields[i];
		if (!fd->required || fd->type == FT_CALCULATE || fd->rel_op != REL_NONE ||
		    im->by_field[i] || has_default(im, fd))
			continue;
		char names[256];
		field_names(im, fd, names, sizeof names);
		if (missing.len)
			sb_str(&missing, ", ");
		sb_str(&missing, names);
	}
	if (missing.len && !im->o->update) {
		setmsg(im->msg, im->msgsize,
		       _("The file has no column for %s, which every record must have: add the "
		         "column, headed as the form names it, and fill it in."),
		       missing.p);
		free(missing.p);
		return -1;
	}
	free(missing.p);
	return 0;
}

/* --- one value ------------------------------------------------------------------------ */

static bool
digits_only(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* 5.10421E+17, 5.10421198012E17, 1.38001E+10: a number a spreadsheet
 * wrote in scientific notation. */
static bool
is_scientific(const char *s)
{
	if (*s == '+')
		s++;
	size_t d = strspn(s, "0123456789");
	if (d == 0)
		return false;
	s += d;
	if (*s == '.' || *s == ',') {
		s++;
		d = strspn(s, "0123456789");
		if (d == 0)
			return false;
		s += d;
	}
	if (*s != 'e' && *s != 'E')
		return false;
	s++;
	if (*s == '+')
		s++;
	return digits_only(s);
}

bool
import_excel_date(double serial, char out[11])
{
	if (!(serial >= 1 && serial < 2958466))
		return false;
	int64_t n = (int64_t)serial;  /* serial >= 1: the whole days */
	if (n == 60) {
		/* Lotus 1-2-3's leap day, which Excel keeps */
		memcpy(out, "1900-02-29", 11);
		return true;
	}
	/* serial 1 is 1900-01-01; past the false leap day, one day less */
	int64_t base = date_days_from_civil(1899, 12, n < 60 ? 31 : 30);
	int y, m, d;
	date_civil_from_days(base + n, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return true;
}

/* 45123 or 45123.5 in a date column: the serial number a spreadsheet
 * keeps a date as. */
static bool
is_date_serial(const char *s, double *serial)
{
	size_t d = strspn(s, "0123456789");
	if (d == 0 || d > 7)
		return false;
	if (s[d] == '.' && digits_only(s + d + 1))
		d += 1 + strlen(s + d + 1);
	if (s[d])
		return false;
	*serial = strtod(s, NULL);
	return *serial >= 1;
}

struct ref_find {
	const char *value;
	rec_id found;
	size_t hits;
	store_txn *t;
};

static int
ref_find_one(const rec_id *id, const char *value, void *ctx)
{
	struct ref_find *f = ctx;
	if (strcmp(value, f->value) != 0)
		return 0;
	/* only what the worker may read counts */
	record *r;
	if (store_get(f->t, id, &r) != STORE_OK)
		return 0;
	record_free(r);
	if (f->hits == 0 || !rec_id_equal(&f->found, id)) {
		if (f->hits == 0)
			f->found = *id;
		f->hits++;
	}
	return f->hits > 1;
}

/* A reference written as a record id, a unit's code or name, or the ID
 * number or name of a resident (or volunteer ...): the id text in out. */
static const char *
resolve_reference(struct imp *im, store_txn *t, const struct form_field *fd, const char *v,
                  char *out, char *msg, size_t msgsize)
{
	rec_id id;
	if (rec_id_parse(v, &id) == 0 && id.kind == fd->ref_kind) {
		snprintf(out, REC_ID_TEXTMAX, "%s", v);
		return NULL;
	}
	if (fd->ref_kind == REC_UNIT) {
		bool code = digits_only(v);
		size_t hits = 0, at = 0;
		/* a village field looks among villages first (a township may share
		 * a village's name); a unit of another level found after is named
		 * by the form's rule (form_check_units) */
		for (int pass = fd->ref_level ? 0 : 1; pass < 2 && !hits; pass++)
			for (size_t i = 0; i < im->nunits; i++)
				if ((code ? strcmp(im->units[i].code, v) == 0
				          : strcmp(im->units[i].name, v) == 0) &&
				    (pass || orgunit_level_of_code(im->units[i].code) == fd->ref_level)) {
					if (!hits)
						at = i;
					hits++;
				}
		if (hits == 1) {
			snprintf(out, REC_ID_TEXTMAX, "%s", im->units[at].id);
			return NULL;
		}
		if (hits > 1) {
			setmsg(msg, msgsize,
			       _("several units are called \"%s\": write the village's 12-digit code "
			         "instead"),
			       v);
			return msg;
		}
		setmsg(msg, msgsize,
		       _("no village is called \"%s\" or has that code: write its name as \"shegong "
		         "unit list\" shows it, or its 12-digit code"),
		       v);
		return msg;
	}
	char key[IDX_KEYMAX];
	snprintf(key, sizeof key, "%s", v);
	bool idnum = strlen(v) == 18 && strspn(v, "0123456789") >= 17;
	if (idnum) {
		if (key[17] == 'x')
			key[17] = 'X';
	} else {
		text_ascii_lower(key);
	}
	struct ref_find f = {key, {0}, 0, t};
	store_find(t, idnum ? IDX_IDNUM : IDX_NAME, fd->ref_kind, key, ref_find_one, &f);
	int err = store_txn_error(t);
	if (err) {
		im->fatal = err;
		setmsg(msg, msgsize, "%s", store_strerror(err));
		return msg;
	}
	if (f.hits == 1) {
		rec_id_format(&f.found, out);
		return NULL;
	}
	if (f.hits > 1) {
		setmsg(msg, msgsize,
		       _("several records (%s) are called \"%s\": write the ID number or the record's "
		         "id instead"),
		       rec_kind_label(fd->ref_kind), v);
		return msg;
	}
	setmsg(msg, msgsize,
	       idnum ? _("no record (%s) you can reach has the ID number %s: register it first, or "
	                 "write the record's id")
	             : _("no record (%s) you can reach is called \"%s\": register it first, or write "
	                 "its ID number or the record's id"),
	       rec_kind_label(fd->ref_kind), v);
	return msg;
}

/* The labels of list, translated: looked up in the import's table, and
 * added to it the first time (the form's lists are added when the import
 * starts).  NULL when out of memory. */
static const struct choice_labels *
choice_labels(struct imp *im, const struct form_choices *list)
{
	for (size_t i = 0; i < im->nlabels; i++)
		if (im->labels[i].list == list)
			return &im->labels[i];
	struct choice_labels *grown = realloc(im->labels, (im->nlabels + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	im->labels = grown;
	struct choice_labels *l = &grown[im->nlabels];
	l->list = list;
	l->zh = calloc(list->n ? list->n : 1, sizeof *l->zh);
	l->loc = calloc(list->n ? list->n : 1, sizeof *l->loc);
	if (!l->zh || !l->loc) {
		free(l->zh);
		free(l->loc);
		return NULL;
	}
	for (size_t i = 0; i < list->n; i++) {
		l->zh[i] = mo_get(&im->mo, list->items[i].label);
		l->loc[i] = _(list->items[i].label);
	}
	im->nlabels++;
	return l;
}

/* A select field's cell with Chinese labels made into the values (the
 * form engine itself knows the values and the labels of the language the
 * program runs in).  NULL when out of memory. */
static char *
choices_to_values(struct imp *im, const struct form_field *fd, const char *v)
{
	if (!fd->choices)
		return strdup(v);
	const struct choice_labels *cl = choice_labels(im, fd->choices);
	if (!cl)
		return NULL;
	struct strbuf b = {0};
	const char *p = v;
	bool multi = fd->type == FT_SELECT_MULTIPLE;
	while (*p) {
		static const char *const seps[] = {",", "，", "、", ";", "；"};
		size_t cut = strlen(p), skip = 0;
		for (size_t k = 0; multi && k < NELEM(seps); k++) {
			const char *at = strstr(p, seps[k]);
			if (at && (size_t)(at - p) < cut) {
				cut = (size_t)(at - p);
				skip = strlen(seps[k]);
			}
		}
		char *item = strndup(p, cut);
		if (!item) {
			free(b.p);
			return NULL;
		}
		char *s = item, *e = item + strlen(item);
		while (*s == ' ')
			s++;
		while (e > s && e[-1] == ' ')
			*--e = '\0';
		const char *val = s;
		/* the label in Chinese, in English (the form's own words), or in
		 * the language the program runs in: export writes the last */
		for (size_t i = 0; i < fd->choices->n; i++) {
			const char *label = fd->choices->items[i].label;
			if ((cl->zh[i] && strcmp(cl->zh[i], s) == 0) || strcmp(label, s) == 0 ||
			    strcmp(cl->loc[i], s) == 0) {
				val = fd->choices->items[i].value;
				break;
			}
		}
		if (*val) {
			if (b.len)
				sb_str(&b, ",");
			sb_str(&b, val);
		}
		free(item);
		p += cut + skip;
	}
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	return b.p ? b.p : strdup("");
}

/* A choice not on the list: the list, as the file may write it (the
 * labels in the worker's language; the values work too).  what NULL
 * keeps the engine's message in msg, which names the item. */
static const char *
choices_message(const struct imp *im, const struct form_field *fd, const char *what, char *msg,
                size_t msgsize)
{
	char first[256];
	if (what)
		snprintf(first, sizeof first, _("\"%s\" is not one of the choices"), what);
	else {
		/* the engine's "... is not one of the choices: press F4 ..." without its advice */
		const char *wide = strstr(msg, "：");
		size_t cut = strcspn(msg, ":");
		if (wide && (size_t)(wide - msg) < cut)
			cut = (size_t)(wide - msg);
		snprintf(first, sizeof first, "%.*s", (int)cut, msg);
	}
	struct strbuf b = {0};
	for (size_t i = 0; i < fd->choices->n && i < 12; i++) {
		const char *label = fd->choices->items[i].label;
		const char *zh = mo_get(&im->mo, label);
		if (b.len)
			sb_str(&b, ", ");
		sb_str(&b, zh ? zh : _(label));
	}
	if (fd->choices->n > 12)
		sb_str(&b, ", ...");
	setmsg(msg, msgsize, _("%s; write one of: %s"), first, b.p ? b.p : "");
	free(b.p);
	return msg;
}

/* Check one cell for its field: NULL when fine (*out the value to store,
 * malloc'd, or NULL when empty), else what is wrong (in msg, or static).
 * *same: form_check_value passed *out itself (it made nothing else of
 * what it was given). */
static const char *
check_cell(struct imp *im, store_txn *t, const struct form_field *fd, const char *cell,
           char **out, bool *same, char *msg, size_t msgsize)
{
	*out = NULL;
	*same = false;
	while (*cell == ' ' || *cell == '\t' || *cell == '\r' || *cell == '\n')
		cell++;
	char *v = strdup(cell);
	if (!v)
		return _("out of memory");
	size_t len = strlen(v);
	while (len > 0 && strchr(" \t\r\n", v[len - 1]))
		v[--len] = '\0';
	/* ="510421..." is how a spreadsheet keeps digits as text (export writes it) */
	if (len >= 3 && v[0] == '=' && v[1] == '"' && v[len - 1] == '"') {
		memmove(v, v + 2, len - 3);
		v[len -= 3] = '\0';
	}
	/* a leading apostrophe marks text in a spreadsheet */
	bool numberish = fd->type == FT_IDNUM || fd->type == FT_PHONE || fd->type == FT_DATE ||
	                 fd->type == FT_INTEGER || fd->type == FT_DECIMAL;
	if (v[0] == '\'' && (numberish || (v[1] && strchr("=+-@", v[1])))) {
		memmove(v, v + 1, len);
		len--;
	}
	if (len == 0) {
		free(v);
		return NULL;
	}
	const char *why = NULL;
	char idbuf[REC_ID_TEXTMAX];
	if (fd->type == FT_IDNUM) {
		if (is_scientific(v) ||
		    (len == 18 && digits_only(v) && strcmp(v + 15, "000") == 0 &&
		     valid_idnum(v, NULL) == VALID_ID_CHECKSUM))
			why = _("Excel turned this ID number into a number and lost its last digits; "
			        "format the column as Text and type them again");
	} else if (fd->type == FT_PHONE) {
		if (is_scientific(v))
			why = _("Excel turned this phone number into a number in scientific notation and "
			        "lost its last digits; format the column as Text and type them again");
	} else if (fd->type == FT_DATE) {
		double serial;
		char date[11];
		int y, m, d;
		if (valid_date(v, &y, &m, &d) != VALID_OK && is_date_serial(v, &serial) &&
		    import_excel_date(serial, date)) {
			setmsg(msg, msgsize,
			       _("%s is a date the spreadsheet turned into a number: in Excel's 1900 date "
			         "system it is %s. Format the column as Text (or as a date) and type the "
			         "date again, like %s"),
			       v, date, date);
			why = msg;
		}
	} else if (fd->type == FT_SELECT_ONE || fd->type == FT_SELECT_MULTIPLE) {
		char *w = choices_to_values(im, fd, v);
		if (!w)
			why = _("out of memory");
		else {
			free(v);
			v = w;
		}
	} else if (fd->type == FT_REFERENCE) {
		why = resolve_reference(im, t, fd, v, idbuf, msg, msgsize);
		if (!why) {
			char *w = strdup(idbuf);
			if (!w)
				why = _("out of memory");
			else {
				free(v);
				v = w;
			}
		}
	}
	if (!why) {
		why = form_check_value(fd, v, out, msg, msgsize);
		*same = !why && *out && strcmp(*out, v) == 0;
	}
	if (why && why != msg && fd->choices &&
	    (fd->type == FT_SELECT_ONE || fd->type == FT_SELECT_MULTIPLE))
		why = choices_message(im, fd, cell, msg, msgsize);
	else if (why == msg && fd->type == FT_SELECT_MULTIPLE && fd->choices)
		why = choices_message(im, fd, NULL, msg, msgsize);
	free(v);
	return why;
}

/* --- ID numbers seen in the file ------------------------------------------------------ */

static uint64_t
id_hash(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* An ID number as a number (17 digits, then a digit or X: 11 values),
 * plus one, or 0 when it is not one. */
static uint64_t
idset_pack(const char *id)
{
	uint64_t v = 0;
	for (int i = 0; i < 17; i++) {
		if (id[i] < '0' || id[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(id[i] - '0');
	}
	int last = id[17] == 'X' ? 10 : id[17] >= '0' && id[17] <= '9' ? id[17] - '0' : -1;
	if (last < 0 || id[18])
		return 0;
	return v * 11 + (uint64_t)last + 1;
}

/* The row an ID number that does not pack was first seen in, or 0 (and
 * then it is added as row). */
static size_t
idset_seen_text(struct idset *s, const char *id, size_t row)
{
	if (s->tn * 2 >= s->tcap) {
		size_t cap = s->tcap ? s->tcap * 2 : 64;
		char(*keys)[20] = calloc(cap, sizeof *keys);
		size_t *rows = calloc(cap, sizeof *rows);
		if (!keys || !rows) {
			free(keys);
			free(rows);
			return 0;
		}
		for (size_t i = 0; i < s->tcap; i++)
			if (s->trows[i]) {
				size_t k = id_hash(s->tkeys[i]) & (cap - 1);
				while (rows[k])
					k = (k + 1) & (cap - 1);
				memcpy(keys[k], s->tkeys[i], sizeof keys[k]);
				rows[k] = s->trows[i];
			}
		free(s->tkeys);
		free(s->trows);
		s->tkeys = keys;
		s->trows = rows;
		s->tcap = cap;
	}
	size_t k = id_hash(id) & (s->tcap - 1);
	while (s->trows[k]) {
		if (strcmp(s->tkeys[k], id) == 0)
			return s->trows[k];
		k = (k + 1) & (s->tcap - 1);
	}
	snprintf(s->tkeys[k], sizeof s->tkeys[k], "%s", id);
	s->trows[k] = row;
	s->tn++;
	return 0;
}

static size_t
idset_slot(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9E3779B97F4A7C15u) >> 20) & (cap - 1);
}

/* The table of packed ID numbers moved to cap slots (a power of two,
 * more than the numbers held); -1 when out of memory (then unchanged). */
static int
idset_grow(struct idset *s, size_t cap)
{
	uint64_t *keys = calloc(cap, sizeof *keys);
	uint32_t *rows = calloc(cap, sizeof *rows);
	if (!keys || !rows) {
		free(keys);
		free(rows);
		return -1;
	}
	for (size_t i = 0; i < s->cap; i++)
		if (s->keys[i]) {
			size_t k = idset_slot(s->keys[i], cap);
			while (keys[k])
				k = (k + 1) & (cap - 1);
			keys[k] = s->keys[i];
			rows[k] = s->rows[i];
		}
	free(s->keys);
	free(s->rows);
	s->keys = keys;
	s->rows = rows;
	s->cap = cap;
	return 0;
}

/* Room made at once for the ID numbers of a file of rows rows (its
 * size known from the first reading): at 1,000,000 rows the table is
 * 24 MB, and doubling it as it fills would hold the old 12 MB beside
 * the new for a moment.  Out of memory: it grows as it goes. */
static void
idset_reserve(struct idset *s, size_t rows)
{
	size_t cap = 1024;
	if (rows > UINT32_MAX / 2)
		return;
	while ((uint64_t)cap * 3 <= (uint64_t)rows * 4 && cap < SIZE_MAX / 32)
		cap *= 2;
	if (cap > s->cap)
		(void)idset_grow(s, cap);
}

static void
idset_free(struct idset *s)
{
	free(s->keys);
	free(s->rows);
	free(s->tkeys);
	free(s->trows);
	*s = (struct idset){0};
}

/* The row an ID number was first seen in, or 0 (and then it is added as row). */
static size_t
idset_seen(struct idset *s, const char *id, size_t row)
{
	uint64_t key = idset_pack(id);
	if (!key || row > UINT32_MAX)
		return idset_seen_text(s, id, row);
	if (s->n * 4 >= s->cap * 3 && idset_grow(s, s->cap ? s->cap * 2 : 1024) < 0)
		return 0;
	size_t k = idset_slot(key, s->cap);
	while (s->keys[k]) {
		if (s->keys[k] == key)
			return s->rows[k];
		k = (k + 1) & (s->cap - 1);
	}
	s->keys[k] = key;
	s->rows[k] = (uint32_t)row;
	s->n++;
	return 0;
}

/* --- one row --------------------------------------------------------------------------- */

struct idnum_find {
	const char *value;
	rec_id found;
	bool hit;
};

static int
idnum_find_one(const rec_id *id, const char *value, void *ctx)
{
	struct idnum_find *f = ctx;
	if (strcmp(value, f->value) != 0)
		return 0;
	f->found = *id;
	f->hit = true;
	return 1;
}

static int
find_idnum(store_txn *t, int kind, const char *idnum, rec_id *found, bool *hit)
{
	struct idnum_find f = {idnum, {0}, false};
	store_find(t, IDX_IDNUM, kind, idnum, idnum_find_one, &f);
	*hit = f.hit;
	*found = f.found;
	return store_txn_error(t);
}

static const char *
unit_name(const struct imp *im, const char *id)
{
	for (size_t i = 0; id && i < im->nunits; i++)
		if (strcmp(im->units[i].id, id) == 0)
			return im->units[i].name;
	return id ? id : "?";
}

/* A field whose list follows the row's village (组, "choices_by"): where
 * that village has a list, the value must be on it; a label (in Chinese
 * or the program's language) is made into its value.  Where the village
 * has none, the value is free text, as in the form.  NULL when fine, else
 * the message in msg naming the village's choices. */
static const char *
check_by_unit(struct imp *im, record *r, const struct form_field *fd, char *msg, size_t size)
{
	const char *v = record_get(r, fd->name), *unit = record_get(r, fd->choices_by);
	const char *code = NULL;
	for (size_t i = 0; unit && i < im->nunits; i++)
		if (strcmp(im->units[i].id, unit) == 0)
			code = im->units[i].code;
	const struct form_choices *list = form_choices_by(im->form, im->o->fs, fd, code);
	if (!v || !*v || !list)
		return NULL;
	/* the village's list translated once per import, not for every row */
	const struct choice_labels *cl = choice_labels(im, list);
	if (!cl)
		return _("out of memory");
	for (size_t i = 0; i < list->n; i++) {
		const char *label = list->items[i].label, *zh = cl->zh[i];
		if (strcmp(list->items[i].value, v) == 0 || strcmp(label, v) == 0 ||
		    strcmp(cl->loc[i], v) == 0 || (zh && strcmp(zh, v) == 0))
			return record_set(r, fd->name, list->items[i].value) < 0 ? _("out of memory")
			                                                         : NULL;
	}
	struct strbuf b = {0};
	for (size_t i = 0; i < list->n; i++) {
		if (b.len)
			sb_str(&b, "、");
		sb_str(&b, cl->zh[i] ? cl->zh[i] : cl->loc[i]);
	}
	setmsg(msg, size, _("\"%s\" is not one of the groups of %s; write one of: %s"), v,
	       unit_name(im, unit), b.p ? b.p : "");
	free(b.p);
	return msg;
}

struct rowcheck {
	struct imp *im;
	size_t num;
	struct strbuf errs;   /* the faults, for the file of bad rows */
	bool duplicate;
};

static void
row_fault(struct rowcheck *rc, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void
row_fault(struct rowcheck *rc, const char *column, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	problem(rc->im, rc->num, column, false, "%s", text);
	if (rc->errs.len)
		sb_str(&rc->errs, "; ");
	if (column) {
		sb_str(&rc->errs, column);
		sb_str(&rc->errs, ": ");
	}
	sb_str(&rc->errs, text);
}

static const char *
field_column(const struct imp *im, const struct form_field *fd, char *buf, size_t size)
{
	const struct column *c = im->by_field[fd - im->form->fields];
	if (c)
		return c->header;
	const char *zh = fd->label ? mo_get(&im->mo, fd->label) : NULL;
	snprintf(buf, size, "%s", zh ? zh : fd->label ? _(fd->label) : fd->name);
	return buf;
}

static void csv_put_row(struct imp *im, struct strbuf *b, const struct trow *row, const char *err);

/* A bad row (skip_bad) to the file of bad rows, made when the first
 * comes: mkostemp's 0600 (personal data, for the worker alone), a name
 * of its own made new (O_EXCL: in a files folder a worker fills over
 * SFTP, a symbolic link or a FIFO may wait under any fixed name), then
 * renamed over import_bad_path's (bad_finish), never written through. */
static void
bad_put(struct imp *im, const struct trow *row, const char *err)
{
	if (!im->o->skip_bad || im->o->check_only || im->bad_errno)
		return;
	if (!im->bad) {
		char *path = import_bad_path(im->path);
		im->badtmp = path ? malloc(strlen(path) + 12) : NULL;
		if (!im->badtmp) {
			free(path);
			im->bad_errno = ENOMEM;
			return;
		}
		sprintf(im->badtmp, "%s.tmp-XXXXXX", path);
		free(path);
		int fd = mkostemp(im->badtmp, O_CLOEXEC);
		if (fd < 0 || !(im->bad = fdopen(fd, "wb"))) {
			im->bad_errno = errno ? errno : EIO;
			if (fd >= 0) {
				close(fd);
				unlink(im->badtmp);
			}
			free(im->badtmp);
			im->badtmp = NULL;
			return;
		}
		if (im->res->bom)
			fputs("\xEF\xBB\xBF", im->bad);
		fwrite(im->badhead.p, 1, im->badhead.len, im->bad);
	}
	im->line.len = 0;
	csv_put_row(im, &im->line, row, err);
	if (im->line.failed) {
		im->bad_errno = ENOMEM;
		return;
	}
	if (fwrite(im->line.p, 1, im->line.len, im->bad) != im->line.len)
		im->bad_errno = errno ? errno : EIO;
}

/* The good rows are kept in a file without a name (O_TMPFILE) beside
 * the database, or tmpfile()'s; the operating system removes it when
 * it is closed, however the import ends. */
static FILE *
spool_open(store *st)
{
#ifdef O_TMPFILE
	const char *dir = store_dir(st);
	int fd = dir ? open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600) : -1;
	if (fd >= 0) {
		FILE *f = fdopen(fd, "w+b");
		if (f)
			return f;
		close(fd);
	}
#else
	(void)st;
#endif
	return tmpfile();
}

/* One good row, as it is kept until it is saved. */
struct spooled {
	size_t num, len;    /* its row; the length of its record's encoding, which follows */
	rec_id id, target;
	bool update;
};

static void
spool_plan(struct imp *im, const record *r, const rec_id *target, bool update, size_t num)
{
	if (im->spool_errno)
		return;
	if (!im->spool && !(im->spool = spool_open(im->st))) {
		im->spool_errno = errno ? errno : EIO;
		return;
	}
	struct spooled h;
	memset(&h, 0, sizeof h);  /* its padding too: the bytes written are all set */
	h.num = num;
	h.id = r->id;
	h.target = *target;
	h.update = update;
	unsigned char *b = record_encode(r, &h.len);
	if (!b) {
		im->fatal = STORE_NOMEM;
		return;
	}
	if (fwrite(&h, sizeof h, 1, im->spool) != 1 || fwrite(b, 1, h.len, im->spool) != h.len)
		im->spool_errno = errno ? errno : EIO;
	else
		im->nspooled++;
	free(b);
}

/* Check row ri of the table; a good row is spooled to be saved, a bad
 * one written aside. */
static void
check_row(struct imp *im, store_txn *t, size_t ri)
{
	const struct trow *row = &im->tab.rows[ri];
	struct rowcheck rc = {im, row->num, {0}, false};
	const struct form *f = im->form;
	record *r = record_new(f->kind);
	record *before = NULL, *after = NULL;
	if (!r) {
		im->fatal = STORE_NOMEM;
		return;
	}
	char msg[512];
	im->known.len = 0;
	for (size_t i = 0; i < f->nfields; i++)
		im->known_off[i] = SIZE_MAX;
	for (size_t j = 0; j < row->n; j++) {
		size_t cell = row->first + j;
		const char *text = cell_text(im, cell);
		if (j >= im->ncols) {
			if (*text && strspn(text, " \t") != strlen(text)) {
				char letters[8];
				row_fault(&rc, column_letters(j, letters),
				          _("a value beyond the last column of the header: give the column a "
				            "header, or move the value"));
			}
			continue;
		}
		const struct column *c = &im->cols[j];
		if (c->role != COL_FIELD)
			continue;
		if (im->state[cell] != CELL_OK) {
			cell_encoding_message(im, cell, msg, sizeof msg);
			row_fault(&rc, c->header, "%s", msg);
			continue;
		}
		char *val;
		bool same;
		const char *why = check_cell(im, t, c->fd, text, &val, &same, msg, sizeof msg);
		if (why) {
			row_fault(&rc, c->header, "%s", why);
			continue;
		}
		if (same) {
			im->known_off[c->fd - f->fields] = im->known.len;
			sb_add(&im->known, val, strlen(val) + 1);
		}
		if (val && record_take(r, c->fd->name, val) < 0)
			im->fatal = STORE_NOMEM;
	}
	if (im->fatal)
		goto out;

	/* one person, one ID number: in the file, and in the database */
	const char *idnum = form_field(f, "idnum") ? record_get(r, "idnum") : NULL;
	rec_id target = {0};
	bool update = false;
	if (idnum) {
		char colbuf[256];
		const char *col = field_column(im, form_field(f, "idnum"), colbuf, sizeof colbuf);
		size_t first = idset_seen(&im->ids, idnum, row->num);
		bool hit = false;
		int err = 0;
		if (first) {
			rc.duplicate = true;
			row_fault(&rc, col, _("the same ID number as row %zu: one person, one row"), first);
		} else if ((err = find_idnum(t, f->kind, idnum, &target, &hit))) {
			im->fatal = err;
			goto out;
		}
		if (hit) {
			int gerr = store_get(t, &target, &before);
			char idtext[REC_ID_TEXTMAX];
			rec_id_format(&target, idtext);
			if (gerr == STORE_DENIED) {
				rc.duplicate = true;
				row_fault(&rc, col,
				          _("this ID number is registered already (%s), in a village you do "
				            "not reach: check the number, or ask the township about that "
				            "record"),
				          idtext);
			} else if (gerr) {
				im->fatal = gerr;
				goto out;
			} else if (!im->o->update) {
				const char *name = record_get(before, "name");
				rc.duplicate = true;
				row_fault(&rc, col,
				          _("this ID number is registered already, for %s (%s): leave the row "
				            "out, or import with --update to update that record"),
				          name ? name : "?", idtext);
			} else {
				update = true;
			}
		}
	}

	if (update) {
		after = record_dup(before);
		if (!after) {
			im->fatal = STORE_NOMEM;
			goto out;
		}
		for (size_t k = 0; k < r->nfields; k++)
			if (record_set(after, r->fields[k].name, r->fields[k].value) < 0)
				im->fatal = STORE_NOMEM;
	} else {
		if (im->multi_form && record_set(r, "_form", f->name) < 0)
			im->fatal = STORE_NOMEM;
		if (form_apply_defaults(f, r, im->o->env) < 0)
			im->fatal = STORE_NOMEM;
		form_fill_from_id(f, r, NULL);   /* sex and birth, as the form does */
		r->form_version = f->version;
	}
	if (im->fatal)
		goto out;
	record *whole = update ? after : r;
	/* a group (组) given in the row: one of its village's, where it has a list */
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		if (!fd->choices_by)
			continue;
		const char *given = record_get(r, fd->name);
		if (!given || !*given)
			continue;
		const char *why = check_by_unit(im, whole, fd, msg, sizeof msg);
		if (why) {
			char colbuf[256];
			row_fault(&rc, field_column(im, fd, colbuf, sizeof colbuf), "%s", why);
		}
	}
	/* a required field left empty (each one, with its column) */
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		if (!fd->required || fd->type == FT_CALCULATE || !form_relevant(fd, whole))
			continue;
		const char *v = record_get(whole, fd->name);
		if (v && *v)
			continue;
		const struct column *c = im->by_field[i];
		if (c) {
			/* a cell that was wrong is said already */
			size_t j = (size_t)(c - im->cols);
			if (j < row->n && *cell_text(im, row->first + j) &&
			    strspn(cell_text(im, row->first + j), " \t") !=
			            strlen(cell_text(im, row->first + j)))
				continue;
			if (j < row->n && im->state[row->first + j] != CELL_OK)
				continue;
		}
		char colbuf[256];
		row_fault(&rc, field_column(im, fd, colbuf, sizeof colbuf), "%s",
		          _("must be filled in"));
	}
	if (!rc.errs.len) {
		size_t bad;
		for (size_t i = 0; i < f->nfields; i++)
			im->known_at[i] = im->known.failed || im->known_off[i] == SIZE_MAX
			                          ? NULL
			                          : im->known.p + im->known_off[i];
		const char *why = form_check_record_known(f, whole, im->known_at, &bad, msg, sizeof msg);
		if (!why)
			why = form_check_units(f, whole, t, &bad, msg, sizeof msg);
		if (why) {
			char colbuf[256];
			row_fault(&rc, field_column(im, &f->fields[bad], colbuf, sizeof colbuf), "%s", why);
		}
	}
	/* the worker's reach: a village worker imports their village's rows */
	if (!rc.errs.len && im->o->scope && !scope_may_write(im->o->scope, before, whole)) {
		const char *mine = unit_name(im, im->o->scope->unit);
		const struct form_field *vf = form_field(f, "village");
		char colbuf[256];
		const char *col = vf ? field_column(im, vf, colbuf, sizeof colbuf) : NULL;
		const char *unit = scope_record_unit(whole);
		const char *old = before ? scope_record_unit(before) : NULL;
		if (before && !(old && scope_in_reach(im->o->scope, old)))
			row_fault(&rc, col,
			          _("the record registered with this ID number belongs to %s, which is not "
			            "in your reach (%s): it cannot be updated by you"),
			          unit_name(im, old), mine);
		else if (unit && !scope_in_reach(im->o->scope, unit))
			row_fault(&rc, col,
			          _("%s is not in your reach: you may import only records of %s. Leave the "
			            "row out, or ask a worker of %s to import it"),
			          unit_name(im, unit), mine, unit_name(im, unit));
		else
			row_fault(&rc, col,
			          _("your role does not save records of %s here (%s): ask a worker of "
			            "that village"),
			          unit_name(im, unit), mine);
	}
	if (rc.errs.failed)
		im->fatal = STORE_NOMEM;
	if (im->fatal)
		goto out;
	if (rc.errs.len) {
		im->res->bad++;
		if (rc.duplicate)
			im->res->duplicates++;
		bad_put(im, row, rc.errs.p);
		goto out;
	}
	/* nothing is saved while a row is bad (unless skip_bad) nor when
	 * only checking: then the good rows need not be kept */
	if (!im->o->check_only && (im->o->skip_bad || !im->res->bad))
		spool_plan(im, r, &target, update, row->num);
out:
	free(rc.errs.p);
	record_free(r);
	record_free(before);
	record_free(after);
}

static bool
row_blank(const struct imp *im, const struct trow *row)
{
	for (size_t j = 0; j < row->n; j++) {
		const char *s = im->tab.arena.p ? im->tab.arena.p + im->tab.cells[row->first + j].off
		                                : cell_text(im, row->first + j);
		if (strspn(s, " \t\r\n") != strlen(s))
			return false;
	}
	return true;
}

static int
load_unit(const record *r, void *ctx)
{
	struct imp *im = ctx;
	size_t cap = im->capunits;
	if (!util_grow((void **)&im->units, &cap, im->nunits + 1, sizeof *im->units))
		return STORE_NOMEM;
	im->capunits = cap;
	struct unit_entry *u = &im->units[im->nunits];
	rec_id_format(&r->id, u->id);
	const char *code = record_get(r, "code"), *name = record_get(r, "name");
	u->code = strdup(code ? code : "");
	u->name = strdup(name ? name : "");
	if (!u->code || !u->name) {
		free(u->code);
		free(u->name);
		return STORE_NOMEM;
	}
	im->nunits++;
	return 0;
}

/* The database's pages read through the map let go once they pass
 * IMPORT_MAP_KEEP (the process's resident pages of files, /proc/self/statm's
 * third figure): bounded, without mapping the pages every batch reads
 * (the index's upper levels) again every time. */
static void
release_map(store *st)
{
	FILE *f = fopen("/proc/self/statm", "re");
	unsigned long size, resident, shared = 0;
	if (f) {
		if (fscanf(f, "%lu %lu %lu", &size, &resident, &shared) != 3)
			shared = 0;
		fclose(f);
	}
	long page = sysconf(_SC_PAGESIZE);
	if (!f || (uint64_t)shared * (uint64_t)(page > 0 ? page : 4096) > IMPORT_MAP_KEEP)
		store_release_map(st);
}

/* Check the rows the table holds (a window of a CSV file, a whole
 * sheet), the header first, and let them go. */
static void
window_check(void *ctx)
{
	struct imp *im = ctx;
	struct table *t = &im->tab;
	if (im->refused || im->fatal || t->nrows == 0) {
		table_clear(t);
		return;
	}
	if (t->nomem || t->arena.failed) {
		im->fatal = STORE_NOMEM;
		return;
	}
	if (decode_window(im) < 0) {
		im->refused = true;
		return;
	}
	size_t ri = 0;
	if (!im->header_done) {
		im->header_done = true;
		if (map_header(im) < 0) {
			im->refused = true;
			return;
		}
		csv_put_row(im, &im->badhead, &t->rows[0], IMPORT_ERROR_COLUMN);
		ri = 1;
	}
	for (; ri < t->nrows && !im->fatal; ri++) {
		im->done++;
		if (!row_blank(im, &t->rows[ri])) {
			im->res->rows++;
			check_row(im, im->txn, ri);
		}
		/* the records and index pages read for the rows: not kept mapped */
		if (im->done % IMPORT_MAP_EVERY == 0)
			release_map(im->st);
		if (im->o->progress && (im->done % 500 == 0 || im->done == im->total))
			im->o->progress(false, im->done, im->total, im->o->ctx);
	}
	table_clear(t);
}

/* Whether to stop reading the file. */
static bool
imp_stop(const struct imp *im)
{
	return im->refused || im->fatal || im->tab.nomem;
}

struct check_ctx {
	struct imp *im;
	const struct source *src;   /* a CSV file read again, or NULL: a sheet in the table */
	bool strict;
	bool stop;
};

static void
csv_cell(void *s, size_t len, void *ctx)
{
	struct check_ctx *c = ctx;
	if (c->stop)
		return;  /* the rest of a chunk after the import stopped */
	table_cell(s, len, &c->im->tab);
	c->stop = imp_stop(c->im);
}

static void
csv_row(int ch, void *ctx)
{
	struct check_ctx *c = ctx;
	if (c->stop)
		return;
	table_row(ch, &c->im->tab);
	c->stop = imp_stop(c->im);
}

static int
check_txn(store_txn *t, void *ctx)
{
	struct check_ctx *c = ctx;
	struct imp *im = c->im;
	int err = store_scan(t, REC_UNIT, NULL, load_unit, im);
	if (err)
		return err;
	im->txn = t;
	if (!c->src) {
		window_check(im);
	} else {
		struct table *tab = &im->tab;
		tab->num = 1;
		tab->window = IMPORT_WINDOW;
		tab->flush = window_check;
		tab->flush_ctx = im;
		int rc = source_parse(c->src, im->path, c->strict, csv_cell, csv_row, c, &c->stop,
		                      im->msg, im->msgsize);
		if (!imp_stop(im))
			window_check(im);  /* the rows after the last full window */
		if (rc != 0 && !imp_stop(im)) {
			/* the file changed since it was read first */
			if (rc > 0)
				setmsg(im->msg, im->msgsize, _("cannot read %s: %s"), im->path,
				       strerror(EAGAIN));
			im->refused = true;
		}
		if (tab->nomem && !im->fatal)
			im->fatal = STORE_NOMEM;
	}
	if (!im->header_done && !im->refused && !im->fatal) {
		setmsg(im->msg, im->msgsize, _("%s is empty: there is no header and no row"), im->path);
		im->refused = true;
	}
	im->txn = NULL;
	return im->fatal;
}

/* --- the file of bad rows -------------------------------------------------------------- */

static void
csv_put(struct strbuf *b, const char *s, size_t len)
{
	bool quote = len == 0 ? false
	                      : memchr(s, ',', len) || memchr(s, '"', len) || memchr(s, '\n', len) ||
	                                memchr(s, '\r', len) || s[0] == ' ' || s[len - 1] == ' ';
	if (!quote) {
		sb_add(b, s, len);
		return;
	}
	sb_str(b, "\"");
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			sb_str(b, "\"");
		sb_add(b, s + i, 1);
	}
	sb_str(b, "\"");
}

/* UTF-8 text in the file's encoding, as a cell. */
static int
csv_put_text(struct imp *im, struct strbuf *b, const char *utf8)
{
	if (im->res->encoding == IMPORT_UTF8) {
		csv_put(b, utf8, strlen(utf8));
		return 0;
	}
	char *out;
	size_t outlen;
	/* GB18030 holds every character, GBK's files too */
	if (text_conv("GB18030", "UTF-8", utf8, strlen(utf8), &out, &outlen, NULL) != TEXT_CONV_OK)
		return -1;
	csv_put(b, out, outlen);
	free(out);
	return 0;
}

static void
csv_put_row(struct imp *im, struct strbuf *b, const struct trow *row, const char *err)
{
	size_t n = im->ncols > row->n ? im->ncols : row->n;
	bool any = false;
	for (size_t j = 0; j < n; j++) {
		if (j < im->ncols && same_text(im->cols[j].header ? im->cols[j].header : "",
		                                IMPORT_ERROR_COLUMN))
			continue;  /* an earlier run's reasons: replaced */
		if (any)
			sb_str(b, ",");
		any = true;
		if (j < row->n) {
			size_t len;
			const char *s = cell_raw(im, row->first + j, &len);
			csv_put(b, s, len);
		}
	}
	if (any)
		sb_str(b, ",");
	if (csv_put_text(im, b, err) < 0)
		b->failed = true;
	sb_str(b, "\r\n");
}

char *
import_bad_path(const char *path)
{
	size_t len = strlen(path);
	char *out = malloc(len + 10);
	if (!out)
		return NULL;
	if (len > 4 && (strcmp(path + len - 4, ".csv") == 0 || strcmp(path + len - 4, ".CSV") == 0))
		len -= 4;
	else if (len > 5 &&
	         (strcmp(path + len - 5, ".xlsx") == 0 || strcmp(path + len - 5, ".XLSX") == 0))
		len -= 5;
	snprintf(out, len + 10, "%.*s.bad.csv", (int)len, path);
	return out;
}

/* The file of bad rows, written while the rows were checked, under
 * its own name now that the import goes on.  0, or -1 (im->msg). */
static int
bad_finish(struct imp *im)
{
	char *path = import_bad_path(im->path);
	int e = im->bad_errno;
	if (!e && !im->bad)
		e = EIO;  /* cannot happen: a bad row was counted, none written */
	if (im->bad) {
		if (fflush(im->bad) != 0 && !e)
			e = errno;
		if (fclose(im->bad) != 0 && !e)
			e = errno;
		im->bad = NULL;
		if (!e && path && rename(im->badtmp, path) != 0)
			e = errno;
		if (e || !path)
			unlink(im->badtmp);
	}
	if (!path) {
		setmsg(im->msg, im->msgsize, "%s", _("out of memory"));
		return -1;
	}
	if (e)
		setmsg(im->msg, im->msgsize, _("cannot write %s: %s"), path, strerror(e));
	else
		im->res->bad_written = true;
	free(path);
	return e ? -1 : 0;
}

/* The file of bad rows begun, left: the import does not go on. */
static void
bad_abandon(struct imp *im)
{
	if (!im->bad)
		return;
	fclose(im->bad);
	im->bad = NULL;
	unlink(im->badtmp);
}

/* --- saving ---------------------------------------------------------------------------- */

struct batch {
	struct imp *im;
	size_t from, to;
	size_t created, updated, unchanged;
	size_t failed_row;
	bool last;
	size_t total_created, total_updated, total_unchanged;
};

/* Whether every value of the row is the record's already, as the form
 * writes it (ticks saved in another order are the same ticks). */
static bool
row_unchanged(const struct form *f, const record *stored, const record *row)
{
	for (size_t i = 0; i < row->nfields; i++) {
		const char *v = record_get(stored, row->fields[i].name);
		if (!v)
			return false;
		if (strcmp(v, row->fields[i].value) == 0)
			continue;
		const struct form_field *fd = form_field(f, row->fields[i].name);
		char *norm = NULL, msg[256];
		bool same = fd && !form_check_value(fd, v, &norm, msg, sizeof msg) && norm &&
		            strcmp(norm, row->fields[i].value) == 0;
		free(norm);
		if (!same)
			return false;
	}
	return true;
}

/* One batch in one transaction.  It may run again (the map grew), so it
 * saves copies and counts afresh. */
static int
batch_txn(store_txn *t, void *ctx)
{
	struct batch *b = ctx;
	struct imp *im = b->im;
	b->created = b->updated = b->unchanged = 0;
	/* the batch's index entries put sorted, through one cursor, at the
	 * commit (the ID numbers' at once, for the duplicate check below),
	 * the map let go as the rows' saving does */
	store_txn_bulk(t, release_map);
	for (size_t k = b->from; k < b->to && !store_txn_error(t); k++) {
		const struct plan *p = &im->plans[k];
		/* the index pages the rows go through are scattered over the
		 * whole database: not kept mapped for ever (the pages changed
		 * are LMDB's copies in the heap until the commit writes them) */
		if (k % IMPORT_MAP_EVERY == IMPORT_MAP_EVERY - 1)
			release_map(im->st);
		b->failed_row = p->num;
		record *r;
		if (p->update) {
			int err = store_get(t, &p->target, &r);
			if (err)
				return store_txn_fail(t, err == STORE_DENIED ? STORE_DENIED : err);
			if (row_unchanged(im->form, r, p->r)) {
				/* an export imported again: nothing to write */
				record_free(r);
				b->unchanged++;
				continue;
			}
			for (size_t i = 0; i < p->r->nfields; i++)
				if (record_set(r, p->r->fields[i].name, p->r->fields[i].value) < 0)
					store_txn_fail(t, STORE_NOMEM);
		} else {
			/* registered meanwhile by someone else?  (the kind's rule,
			 * as the screens save by it: kind_save) */
			bool hit;
			int err = kind_find_duplicate(t, im->form, p->r, NULL, &hit);
			if (err || hit)
				return store_txn_fail(t, err ? err : STORE_EXISTS);
			if (!(r = record_dup(p->r)))
				return store_txn_fail(t, STORE_NOMEM);
		}
		store_put(t, r);
		record_free(r);
		if (p->update)
			b->updated++;
		else
			b->created++;
	}
	if (b->last && !store_txn_error(t) &&
	    b->total_created + b->created + b->total_updated + b->updated) {
		char note[256];
		const char *base = strrchr(im->path, '/');
		snprintf(note, sizeof note, "%s: %zu new, %zu updated, %zu bad",
		         base ? base + 1 : im->path, b->total_created + b->created,
		         b->total_updated + b->updated, im->res->bad);
		audit_log(t, "import", NULL, 0, 0, note);
	}
	return store_txn_error(t);
}

/* The next n good rows from the spool into im->plans; -1 (errno) when
 * they cannot be read back. */
static int
spool_load(struct imp *im, size_t n)
{
	if (!util_grow((void **)&im->plans, &im->capplans, n, sizeof *im->plans)) {
		errno = ENOMEM;
		return -1;
	}
	unsigned char *buf = NULL;
	size_t cap = 0;
	for (im->nplans = 0; im->nplans < n; im->nplans++) {
		struct spooled h;
		if (fread(&h, sizeof h, 1, im->spool) != 1 ||
		    !util_grow((void **)&buf, &cap, h.len ? h.len : 1, 1) ||
		    fread(buf, 1, h.len, im->spool) != h.len) {
			free(buf);
			errno = ferror(im->spool) ? errno : ENOMEM;
			return -1;
		}
		record *r;
		if (record_decode(buf, h.len, &h.id, &r) != 0) {
			free(buf);
			errno = EIO;
			return -1;
		}
		im->plans[im->nplans] = (struct plan){r, h.target, h.update, h.num};
	}
	free(buf);
	return 0;
}

static void
plans_free(struct imp *im)
{
	for (size_t i = 0; i < im->nplans; i++)
		record_free(im->plans[i].r);
	im->nplans = 0;
}

/* The good rows saved from the spool, a batch a transaction (the batch
 * alone in memory). */
static int
save_plans(struct imp *im, store *st)
{
	size_t step = im->o->batch ? im->o->batch : IMPORT_BATCH;
	struct batch b = {.im = im};
	if (im->nspooled && (fflush(im->spool) != 0 || fseeko(im->spool, 0, SEEK_SET) != 0))
		im->spool_errno = errno ? errno : EIO;
	for (size_t from = 0; from < im->nspooled; from += step) {
		size_t n = from + step < im->nspooled ? step : im->nspooled - from;
		int err = 0;
		if (im->spool_errno || spool_load(im, n) < 0) {
			if (!im->spool_errno)
				im->spool_errno = errno ? errno : EIO;
			err = STORE_IO;
		}
		b.from = 0;
		b.to = im->nplans;
		b.last = from + n == im->nspooled;
		b.failed_row = im->nplans ? im->plans[0].num : 0;
		if (!err)
			err = store_write(st, batch_txn, &b);
		plans_free(im);
		if (err) {
			im->res->imported = b.total_created;
			im->res->updated = b.total_updated;
			im->res->unchanged = b.total_unchanged;
			char spoolwhy[256];
			if (im->spool_errno)
				snprintf(spoolwhy, sizeof spoolwhy, _("the rows checked could not be kept for saving: %s"),
				         strerror(im->spool_errno));
			const char *why = im->spool_errno ? spoolwhy
			                  : err == STORE_EXISTS
			                          ? _("its ID number was registered meanwhile by someone "
			                              "else")
			                          : store_strerror(err);
			setmsg(im->msg, im->msgsize,
			       _("Saving stopped at row %zu: %s. %zu rows were saved before it (%zu new, "
			         "%zu updated), the rest were not. Running the same import again with "
			         "--update is safe: the rows saved are updated, not registered twice."),
			       b.failed_row, why, b.total_created + b.total_updated, b.total_created,
			       b.total_updated);
			char note[256];
			const char *base = strrchr(im->path, '/');
			snprintf(note, sizeof note, "%s: stopped after %zu new, %zu updated",
			         base ? base + 1 : im->path, b.total_created, b.total_updated);
			if (b.total_created + b.total_updated)
				audit_log_now(st, "import", NULL, note);
			return -1;
		}
		b.total_created += b.created;
		b.total_updated += b.updated;
		b.total_unchanged += b.unchanged;
		if (im->o->progress)
			im->o->progress(true, from + n, im->nspooled, im->o->ctx);
	}
	im->res->imported = b.total_created;
	im->res->updated = b.total_updated;
	im->res->unchanged = b.total_unchanged;
	return 0;
}

/* --- the whole ------------------------------------------------------------------------- */

bool
import_kind_importable(int kind)
{
	/* units and accounts have commands of their own; referrals move by steps */
	return kind != REC_UNIT && kind != REC_USER && kind != REC_REFERRAL;
}

static void
imp_free(struct imp *im)
{
	table_free(&im->tab);
	free(im->dec.p);
	free(im->dcells);
	free(im->state);
	mo_free(&im->mo);
	for (size_t i = 0; i < im->nlabels; i++) {
		free(im->labels[i].zh);
		free(im->labels[i].loc);
	}
	free(im->labels);
	for (size_t j = 0; j < im->ncols; j++)
		free(im->cols[j].header);
	free(im->cols);
	free(im->by_field);
	free(im->known_off);
	free(im->known_at);
	sb_free(&im->known);
	for (size_t i = 0; i < im->nunits; i++) {
		free(im->units[i].code);
		free(im->units[i].name);
	}
	free(im->units);
	plans_free(im);
	free(im->plans);
	idset_free(&im->ids);
	if (im->spool)
		fclose(im->spool);
	bad_abandon(im);
	free(im->badtmp);
	free(im->badhead.p);
	free(im->line.p);
}

/* The whole import of the file's bytes data[0..len), or (data NULL) of
 * the file open as fd (closed here); path names the file in messages and
 * says where the bad rows go.  A CSV file is read twice, a chunk at a
 * time: once for its encoding and its number of rows, once to check its
 * rows a window at a time, the good ones spooled; nothing is saved
 * until every row is checked, then the spooled rows a batch at a time.
 * What grows with the file is the set of its ID numbers (idset). */
static int
import_run(store *st, const char *path, const char *data, size_t len, int fd,
           const struct import_opts *o, struct import_result *res, char *msg, size_t msgsize)
{
	memset(res, 0, sizeof *res);
	msg[0] = '\0';
	struct imp im = {.o = o, .path = path, .res = res, .msg = msg, .msgsize = msgsize, .st = st};
	int rc = IMPORT_REFUSED;
	struct strbuf whole = {0};
	struct scan sc = {0};
	const struct form *form = o->form ? o->form : formset_for_kind(o->fs, o->kind);
	if (!form || form->kind != o->kind) {
		setmsg(msg, msgsize, _("records of kind \"%s\" have no form to import them with"),
		       rec_kind_label(o->kind));
		goto done;
	}
	if (!import_kind_importable(o->kind)) {
		setmsg(msg, msgsize,
		       _("records of kind \"%s\" are not imported from files: %s"),
		       rec_kind_label(o->kind),
		       o->kind == REC_REFERRAL ? _("a referral is made and moved by its steps")
		                               : _("use \"shegong unit add\" or \"shegong user add\""));
		goto done;
	}
	if (o->scope && o->scope->role == ROLE_SUPERVISOR) {
		setmsg(msg, msgsize, "%s",
		       _("a supervisor reads records and saves none: importing is for the workers "
		         "of a village or township, or an administrator"));
		goto done;
	}
	im.form = form;
	size_t nforms = 0;
	for (size_t i = 0; i < o->fs->nforms; i++)
		nforms += o->fs->forms[i]->kind == o->kind;
	im.multi_form = nforms > 1;

	struct source src = {data ? data : "", data ? len : 0, 0, -1};
	if (!data && source_fd(&src, fd, path, msg, msgsize) < 0)
		goto done;
	/* its first bytes say what it is */
	char head[8];
	size_t nhead = 0;
	if (data) {
		nhead = len < sizeof head ? len : sizeof head;
		memcpy(head, data, nhead);
	} else {
		ssize_t k = source_pread(&src, 0, head, sizeof head);
		if (k < 0) {
			setmsg(msg, msgsize, _("cannot read %s: %s"), path, strerror(errno));
			goto done;
		}
		nhead = (size_t)k;
	}
	struct check_ctx cc = {.im = &im};
	/* the row source: the workbook's first sheet, or the CSV text */
	if (xlsx_is_zip(head, nhead) || xlsx_is_ole(head, nhead)) {
		if (source_all(&src, path, &whole, msg, msgsize) < 0 ||
		    parse_xlsx(&im, whole.p ? whole.p : "", whole.len) < 0)
			goto done;
		free(whole.p);
		whole = (struct strbuf){0};
		if (im.tab.nrows == 0) {
			setmsg(msg, msgsize, _("%s is empty: there is no header and no row"), path);
			goto done;
		}
		im.total = im.tab.nrows - 1;
	} else {
		if (nhead >= 2 && ((unsigned char)head[0] == 0xFF && (unsigned char)head[1] == 0xFE)) {
			setmsg(msg, msgsize,
			       _("%s is UTF-16 text (Excel's \"Unicode text\"), which is not read here: save it "
			         "as \"CSV (comma delimited)\" or \"CSV UTF-8\""),
			       path);
			goto done;
		}
		if (nhead >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) {
			res->bom = true;
			src.start = 3;
		}
		sc.forced = o->encoding;
		if (scan_csv(&src, path, &sc, &cc.strict, msg, msgsize) < 0)
			goto done;
		if (sc.rows == 0) {
			setmsg(msg, msgsize, _("%s is empty: there is no header and no row"), path);
			goto done;
		}
		if (decide_encoding(&im, &sc) < 0)
			goto done;
		im.total = sc.rows - 1;
		cc.src = &src;
	}
	const char *mo = o->catalogue;
	char mopath[4096];
	if (!mo) {
		snprintf(mopath, sizeof mopath, "%s/zh_CN/LC_MESSAGES/shegong.mo", paths_locale());
		mo = mopath;
	}
	mo_load(&im.mo, mo);
	/* the form's choice labels translated once, not for every cell */
	for (size_t i = 0; i < im.form->nfields; i++)
		if (im.form->fields[i].choices && !choice_labels(&im, im.form->fields[i].choices)) {
			setmsg(msg, msgsize, "%s", _("out of memory"));
			goto done;
		}
	/* every row but the header may have an ID number */
	idset_reserve(&im.ids, im.total);
	int err = store_read(st, check_txn, &cc);
	/* the file's ID numbers are the checks' alone: let go before the
	 * saving, whose LMDB pages are the rest of the peak */
	idset_free(&im.ids);
	if (im.refused)
		goto done;
	if (err) {
		setmsg(msg, msgsize, _("the rows could not be checked: %s"), store_strerror(err));
		goto done;
	}
	if (res->bad && !o->skip_bad) {
		rc = IMPORT_BAD_ROWS;
		goto done;
	}
	if (o->check_only) {
		rc = res->bad ? IMPORT_BAD_ROWS : IMPORT_OK;
		goto done;
	}
	if (im.spool_errno) {
		char why[512];
		snprintf(why, sizeof why, _("the rows checked could not be kept for saving: %s"),
		         strerror(im.spool_errno));
		setmsg(msg, msgsize, _("%s; nothing was imported"), why);
		goto done;
	}
	if (res->bad && bad_finish(&im) < 0) {
		char why[512];
		snprintf(why, sizeof why, "%s", msg);
		setmsg(msg, msgsize, _("%s; nothing was imported"), why);
		goto done;
	}
	if (save_plans(&im, st) < 0) {
		rc = IMPORT_FAILED;
		goto done;
	}
	rc = res->bad ? IMPORT_BAD_ROWS : IMPORT_OK;
done:
	free(whole.p);
	free(sc.zh);
	imp_free(&im);
	if (!data && fd >= 0)
		close(fd);
	return rc;
}

int
import_file(store *st, const char *path, const struct import_opts *o,
            struct import_result *res, char *msg, size_t msgsize)
{
	/* O_NONBLOCK: a FIFO is refused at once, not waited on */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		memset(res, 0, sizeof *res);
		setmsg(msg, msgsize, _("cannot read %s: %s"), path, strerror(errno));
		return IMPORT_REFUSED;
	}
	return import_run(st, path, NULL, 0, fd, o, res, msg, msgsize);
}

int
import_fd(store *st, int fd, const char *name, const struct import_opts *o,
          struct import_result *res, char *msg, size_t msgsize)
{
	return import_run(st, name, NULL, 0, fd, o, res, msg, msgsize);
}

int
import_buffer(store *st, const char *name, const char *data, size_t len,
              const struct import_opts *o, struct import_result *res, char *msg, size_t msgsize)
{
	return import_run(st, name, data ? data : "", len, -1, o, res, msg, msgsize);
}
