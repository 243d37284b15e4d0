/* xlsxread.c: the first worksheet of an .xlsx workbook read as rows of
 * text cells: a bounded zip reader on zlib, the workbook's XML parts read
 * with expat. */
#include "config.h"

#include <math.h>  /* isfinite */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zlib.h>

#include "i18n.h"
#include "lazylib.h"
#include "util.h"
#include "xlsxread.h"

#define ZIP_MAX_NAME 512
#define XLSX_MAX_ROW 1048576u
#define XLSX_MAX_COL 16384u
#define XLSX_MAX_XF 65536u

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

/* zlib and expat are opened only when a workbook is read (see
 * lazylib.h): every other start-up, the full-screen program's first of
 * all, goes without loading and relocating them. */
#define ZLIB_FUNCS(X) X(inflateInit2_) X(inflate) X(inflateEnd) X(crc32)
#define EXPAT_FUNCS(X) \
	X(XML_ParserCreate) X(XML_SetUserData) X(XML_SetElementHandler) \
	X(XML_SetCharacterDataHandler) X(XML_SetEntityDeclHandler) X(XML_SetParamEntityParsing) \
	X(XML_Parse) X(XML_GetCurrentLineNumber) X(XML_ParserFree) X(XML_StopParser)

static struct {
#define LIB_SLOT(f) __typeof__(&f) f;
	ZLIB_FUNCS(LIB_SLOT)
	EXPAT_FUNCS(LIB_SLOT)
#undef LIB_SLOT
} lib;

static bool
libs_load(char *msg, size_t msgsize)
{
	static void *zh, *xh;
#define LIB_SYM(f) {#f, &lib.f, sizeof lib.f},
	static const struct lazylib_sym zsyms[] = {ZLIB_FUNCS(LIB_SYM)};
	static const struct lazylib_sym xsyms[] = {EXPAT_FUNCS(LIB_SYM)};
#undef LIB_SYM
	const char *feature = _("Import from Excel (XLSX)");
	return lazylib_load(&zh, ZLIB_SONAME, zsyms, sizeof zsyms / sizeof zsyms[0], feature, "zlib1g",
	                    msg, msgsize) &&
	       lazylib_load(&xh, EXPAT_SONAME, xsyms, sizeof xsyms / sizeof xsyms[0], feature,
	                    "libexpat1", msg, msgsize);
}

/* The message for a file that is not a workbook, with what was found. */
static int
damaged(char *msg, size_t msgsize, const char *why)
{
	setmsg(msg, msgsize,
	       _("The file is damaged or is not an Excel workbook (.xlsx): %s. Open it in Excel or "
	         "WPS, choose Save As, \"Excel workbook (.xlsx)\", and import the new file (or save "
	         "it as CSV)."),
	       why);
	return XLSX_DAMAGED;
}

static int
too_large(char *msg, size_t msgsize, const char *part)
{
	setmsg(msg, msgsize,
	       _("The file unpacks to far more than an Excel sheet should (part %s is past 64 MB, "
	         "or packed past any real sheet): it is too large, or made to exhaust the server, "
	         "and it is not read. Import the sheet in smaller parts, or save it as CSV."),
	       part);
	return XLSX_TOO_LARGE;
}

bool
xlsx_is_zip(const char *data, size_t len)
{
	return len >= 4 && memcmp(data, "PK\3\4", 4) == 0;
}

bool
xlsx_is_ole(const char *data, size_t len)
{
	return len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0;
}

/* --- the zip ------------------------------------------------------------------------ */

static uint32_t
le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

struct zip {
	const unsigned char *data;
	size_t len;
	const unsigned char *cd;   /* the central directory */
	size_t cdlen, count;
};

static int
zip_open(struct zip *z, const char *data, size_t len, char *msg, size_t msgsize)
{
	z->data = (const unsigned char *)data;
	z->len = len;
	if (len < 22)
		return damaged(msg, msgsize, _("it ends before its table of contents"));
	/* the end record: within the last 22 + 65535 bytes (its comment) */
	size_t lo = len > 22 + 65535 ? len - 22 - 65535 : 0;
	size_t at = len - 22;
	bool found = false;
	for (;; at--) {
		if (le32(z->data + at) == 0x06054b50) {
			found = true;
			break;
		}
		if (at == lo)
			break;
	}
	if (!found)
		return damaged(msg, msgsize, _("its table of contents is missing (the file is cut short)"));
	const unsigned char *e = z->data + at;
	z->count = le16(e + 10);
	z->cdlen = le32(e + 12);
	size_t off = le32(e + 16);
	if (z->count == 0xFFFF || off == 0xFFFFFFFFu)
		return damaged(msg, msgsize, _("it is a zip64 file, which no Excel sheet needs"));
	if (z->count > XLSX_MAX_ENTRIES)
		return too_large(msg, msgsize, "[Content_Types].xml");
	if (off > at || z->cdlen > at - off)
		return damaged(msg, msgsize, _("its table of contents points outside the file"));
	z->cd = z->data + off;
	/* every part's sizes, read or not: a file that says it unpacks past
	 * the bounds is refused whole, however it is built */
	size_t pos = 0;
	for (size_t i = 0; i < z->count; i++) {
		if (pos + 46 > z->cdlen || le32(z->cd + pos) != 0x02014b50)
			return damaged(msg, msgsize, _("its table of contents is broken"));
		const unsigned char *h = z->cd + pos;
		size_t fnlen = le16(h + 28), csize = le32(h + 20), usize = le32(h + 24);
		size_t next = pos + 46 + fnlen + le16(h + 30) + le16(h + 32);
		if (fnlen > ZIP_MAX_NAME || next > z->cdlen)
			return damaged(msg, msgsize, _("its table of contents is broken"));
		if (usize > XLSX_MAX_ENTRY ||
		    (usize > ((size_t)1 << 20) && usize / (csize ? csize : 1) > XLSX_MAX_RATIO)) {
			char name[ZIP_MAX_NAME + 1];
			snprintf(name, sizeof name, "%.*s", (int)fnlen, (const char *)h + 46);
			return too_large(msg, msgsize, name);
		}
		pos = next;
	}
	return XLSX_OK;
}

/* Find name and unpack it (malloc'd, NUL-terminated, *outlen).  Returns
 * XLSX_OK, 1 when there is no such part, or an error (msg). */
static int
zip_get(const struct zip *z, const char *name, char **out, size_t *outlen, char *msg,
        size_t msgsize)
{
	size_t nlen = strlen(name), pos = 0;
	for (size_t i = 0; i < z->count; i++) {
		if (pos + 46 > z->cdlen || le32(z->cd + pos) != 0x02014b50)
			return damaged(msg, msgsize, _("its table of contents is broken"));
		const unsigned char *h = z->cd + pos;
		size_t fnlen = le16(h + 28), exlen = le16(h + 30), cmlen = le16(h + 32);
		if (fnlen > ZIP_MAX_NAME || pos + 46 + fnlen + exlen + cmlen > z->cdlen)
			return damaged(msg, msgsize, _("its table of contents is broken"));
		pos += 46 + fnlen + exlen + cmlen;
		if (fnlen != nlen || memcmp(h + 46, name, nlen) != 0)
			continue;
		unsigned flags = le16(h + 8), method = le16(h + 10);
		uint32_t crc = le32(h + 16);
		size_t csize = le32(h + 20), usize = le32(h + 24), loff = le32(h + 42);
		if (flags & 1)
			return damaged(msg, msgsize, _("it is locked with a password"));
		if (method != 0 && method != 8)
			return damaged(msg, msgsize, _("it is packed in a way Excel does not use"));
		if (usize > XLSX_MAX_ENTRY ||
		    (usize > ((size_t)1 << 20) && usize / (csize ? csize : 1) > XLSX_MAX_RATIO))
			return too_large(msg, msgsize, name);
		if (loff > z->len || z->len - loff < 30 || le32(z->data + loff) != 0x04034b50)
			return damaged(msg, msgsize, _("a part of it is missing (the file is cut short)"));
		size_t start = loff + 30 + le16(z->data + loff + 26) + le16(z->data + loff + 28);
		if (start > z->len || csize > z->len - start)
			return damaged(msg, msgsize, _("a part of it is missing (the file is cut short)"));
		if (method == 0 && csize != usize)
			return damaged(msg, msgsize, _("a part of it is broken"));
		char *buf = malloc(usize + 1);
		if (!buf)
			return XLSX_NOMEM;
		if (method == 0) {
			memcpy(buf, z->data + start, usize);
		} else {
			z_stream s = {0};
			if (lib.inflateInit2_(&s, -15, ZLIB_VERSION, (int)sizeof s) != Z_OK) {
				free(buf);
				return XLSX_NOMEM;
			}
			s.next_in = (Bytef *)(uintptr_t)(z->data + start);
			s.avail_in = (uInt)csize;
			s.next_out = (Bytef *)buf;
			s.avail_out = (uInt)usize + 1;  /* one more: a part longer than it says */
			int zr = lib.inflate(&s, Z_FINISH);
			size_t got = s.total_out;
			lib.inflateEnd(&s);
			if (zr != Z_STREAM_END || got != usize) {
				free(buf);
				return got > usize ? too_large(msg, msgsize, name)
				                   : damaged(msg, msgsize, _("a part of it is broken"));
			}
		}
		if ((uint32_t)lib.crc32(0L, (const Bytef *)buf, (uInt)usize) != crc) {
			free(buf);
			return damaged(msg, msgsize, _("a part of it is broken"));
		}
		buf[usize] = '\0';
		*out = buf;
		*outlen = usize;
		return XLSX_OK;
	}
	return 1;
}

/* --- XML ---------------------------------------------------------------------------- */

/* The local part of an element's name ("x:row" is "row"). */
static const char *
local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static const char *
attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

struct xml {
	XML_Parser p;
	int depth;
	bool too_deep, entity;
	void *user;
	void (*start)(void *u, const char *el, const char **atts);
	void (*end)(void *u, const char *el);
	void (*text)(void *u, const char *s, int len);
};

static void
xml_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
	struct xml *x = ud;
	if (++x->depth > XLSX_MAX_DEPTH) {
		x->too_deep = true;
		lib.XML_StopParser(x->p, XML_FALSE);
		return;
	}
	x->start(x->user, local(el), atts);
}

static void
xml_end(void *ud, const XML_Char *el)
{
	struct xml *x = ud;
	x->depth--;
	if (x->end)
		x->end(x->user, local(el));
}

static void
xml_text(void *ud, const XML_Char *s, int len)
{
	struct xml *x = ud;
	if (x->text)
		x->text(x->user, s, len);
}

/* No part of a workbook declares entities: one that does is refused
 * (no entity expansion, internal or external, ever happens). */
static void
xml_entity(void *ud, const XML_Char *name, int pe, const XML_Char *value, int vlen,
           const XML_Char *base, const XML_Char *sys, const XML_Char *pub,
           const XML_Char *notation)
{
	(void)name, (void)pe, (void)value, (void)vlen, (void)base, (void)sys, (void)pub,
		(void)notation;
	struct xml *x = ud;
	x->entity = true;
	lib.XML_StopParser(x->p, XML_FALSE);
}

static int
xml_parse(const char *part, const char *data, size_t len, void *user,
          void (*start)(void *, const char *, const char **), void (*end)(void *, const char *),
          void (*text)(void *, const char *, int), bool *failed, char *msg, size_t msgsize)
{
	struct xml x = {.user = user, .start = start, .end = end, .text = text};
	x.p = lib.XML_ParserCreate("UTF-8");
	if (!x.p)
		return XLSX_NOMEM;
	lib.XML_SetUserData(x.p, &x);
	lib.XML_SetElementHandler(x.p, xml_start, xml_end);
	lib.XML_SetCharacterDataHandler(x.p, xml_text);
	lib.XML_SetEntityDeclHandler(x.p, xml_entity);
	lib.XML_SetParamEntityParsing(x.p, XML_PARAM_ENTITY_PARSING_NEVER);
	int rc = XLSX_OK;
	for (size_t at = 0; at < len || at == 0;) {
		size_t n = len - at > (1u << 20) ? (1u << 20) : len - at;
		bool last = at + n == len;
		if (lib.XML_Parse(x.p, data + at, (int)n, last) != XML_STATUS_OK) {
			if (*failed)
				rc = XLSX_NOMEM;
			else if (x.too_deep || x.entity) {
				char why[256];
				snprintf(why, sizeof why,
				         x.entity ? _("the part %s declares entities, which no workbook does")
				                  : _("the part %s is nested deeper than any workbook is"),
				         part);
				rc = damaged(msg, msgsize, why);
			} else {
				char why[256];
				snprintf(why, sizeof why, _("the part %s is broken at line %lu"), part,
				         (unsigned long)lib.XML_GetCurrentLineNumber(x.p));
				rc = damaged(msg, msgsize, why);
			}
			break;
		}
		if (*failed) {
			rc = XLSX_NOMEM;
			break;
		}
		at += n;
		if (last)
			break;
	}
	lib.XML_ParserFree(x.p);
	return rc;
}

/* --- the parts ------------------------------------------------------------------------ */

struct wb {
	struct strbuf text;       /* character data being gathered */
	bool in_text, failed;
	char *first_rid;          /* workbook.xml: the first sheet's relationship */
	bool date1904;            /* workbook.xml: dates count from 1904 (old Mac Excel) */
	char *target;             /* workbook.xml.rels: where it is */
	/* sharedStrings.xml */
	struct strbuf sst;        /* the shared strings, NUL after each */
	size_t *strings;          /* where each starts in sst */
	size_t nstrings, capstrings;
	int in_rph;
	bool in_si;
	/* styles.xml */
	unsigned *date_fmt;       /* numFmtIds that are custom date formats */
	size_t ndate_fmt, capdate_fmt;
	bool *xf_date;            /* per cellXfs entry: a date format */
	size_t nxf, capxf;
	bool in_cellxfs;
	/* the sheet */
	size_t row, col;          /* the row being read (1-based); the next column (0-based) */
	bool in_row, in_cell, in_is;
	char ctype[16];
	long style;
	struct strbuf cells;      /* each cell's text, NUL after each */
	size_t *events;           /* offsets into cells; SIZE_MAX: a row's end */
	size_t nevents, capevents;
	bool too_big, bad_ref;
};

static void
wb_free(struct wb *w)
{
	free(w->text.p);
	free(w->first_rid);
	free(w->target);
	free(w->sst.p);
	free(w->strings);
	free(w->date_fmt);
	free(w->xf_date);
	free(w->cells.p);
	free(w->events);
}

static void
gather(void *u, const char *s, int len)
{
	struct wb *w = u;
	if (w->in_text && !w->in_rph) {
		sb_add(&w->text, s, (size_t)len);
		if (w->text.len > XLSX_MAX_ENTRY)
			w->too_big = w->failed = true;
		w->failed |= w->text.failed;
	}
}

static void
workbook_start(void *u, const char *el, const char **atts)
{
	struct wb *w = u;
	if (strcmp(el, "workbookPr") == 0) {
		const char *d = attr(atts, "date1904");
		w->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
	}
	if (strcmp(el, "sheet") == 0 && !w->first_rid) {
		const char *id = attr(atts, "id");
		if (id && !(w->first_rid = strdup(id)))
			w->failed = true;
	}
}

static void
rels_start(void *u, const char *el, const char **atts)
{
	struct wb *w = u;
	const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
	if (strcmp(el, "Relationship") == 0 && w->first_rid && id && target && !w->target &&
	    strcmp(id, w->first_rid) == 0 && !(w->target = strdup(target)))
		w->failed = true;
}

static void
strings_start(void *u, const char *el, const char **atts)
{
	(void)atts;
	struct wb *w = u;
	if (strcmp(el, "si") == 0) {
		w->in_si = true;
		w->text.len = 0;
	} else if (strcmp(el, "rPh") == 0) {
		w->in_rph++;  /* the phonetic guide of a run: not the text */
	} else if (strcmp(el, "t") == 0 && w->in_si) {
		w->in_text = true;
	}
}

static void
strings_end(void *u, const char *el)
{
	struct wb *w = u;
	if (strcmp(el, "t") == 0) {
		w->in_text = false;
	} else if (strcmp(el, "rPh") == 0) {
		w->in_rph--;
	} else if (strcmp(el, "si") == 0) {
		w->in_si = false;
		if (w->failed)
			return;
		if (w->nstrings >= XLSX_MAX_CELLS) {
			w->too_big = w->failed = true;
			return;
		}
		if (!util_grow((void **)&w->strings, &w->capstrings, w->nstrings + 1,
		               sizeof *w->strings)) {
			w->failed = true;
			return;
		}
		w->strings[w->nstrings++] = w->sst.len;
		sb_add(&w->sst, w->text.p ? w->text.p : "", w->text.len);
		sb_add(&w->sst, "", 1);
		w->failed |= w->sst.failed;
	}
}

/* Whether a number format's code shows a date: y or d outside quoted
 * text, brackets and escapes (m alone may be minutes). */
static bool
format_is_date(const char *code)
{
	for (const char *s = code; *s; s++) {
		if (*s == '"') {
			const char *e = strchr(s + 1, '"');
			if (!e)
				return false;
			s = e;
		} else if (*s == '[') {
			const char *e = strchr(s + 1, ']');
			if (!e)
				return false;
			s = e;
		} else if (*s == '\\' || *s == '_' || *s == '*') {
			if (!s[1])
				return false;
			s++;
		} else if (strchr("yYdD", *s)) {
			return true;
		}
	}
	return false;
}

static bool
builtin_date(unsigned id)
{
	/* 14-17 and 22: dates; 27-36 and 50-58: the East Asian date formats */
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) ||
	       (id >= 50 && id <= 58);
}

static void
styles_start(void *u, const char *el, const char **atts)
{
	struct wb *w = u;
	if (strcmp(el, "numFmt") == 0) {
		const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
		if (id && code && format_is_date(code) && w->ndate_fmt < XLSX_MAX_XF) {
			if (!util_grow((void **)&w->date_fmt, &w->capdate_fmt, w->ndate_fmt + 1,
			               sizeof *w->date_fmt))
				w->failed = true;
			else
				w->date_fmt[w->ndate_fmt++] = (unsigned)strtoul(id, NULL, 10);
		}
	} else if (strcmp(el, "cellXfs") == 0) {
		w->in_cellxfs = true;
	} else if (strcmp(el, "xf") == 0 && w->in_cellxfs && w->nxf < XLSX_MAX_XF) {
		const char *id = attr(atts, "numFmtId");
		unsigned n = id ? (unsigned)strtoul(id, NULL, 10) : 0;
		bool date = builtin_date(n);
		for (size_t i = 0; i < w->ndate_fmt && !date; i++)
			date = w->date_fmt[i] == n;
		if (!util_grow((void **)&w->xf_date, &w->capxf, w->nxf + 1, sizeof *w->xf_date))
			w->failed = true;
		else
			w->xf_date[w->nxf++] = date;
	}
}

static void
styles_end(void *u, const char *el)
{
	struct wb *w = u;
	if (strcmp(el, "cellXfs") == 0)
		w->in_cellxfs = false;
}

/* --- the sheet ------------------------------------------------------------------------ */

static void
event(struct wb *w, size_t ev)
{
	if (w->failed)
		return;  /* stop growing: the file is refused already */
	if (w->nevents >= XLSX_MAX_CELLS) {
		w->too_big = w->failed = true;
		return;
	}
	if (!util_grow((void **)&w->events, &w->capevents, w->nevents + 1, sizeof *w->events))
		w->failed = true;
	else
		w->events[w->nevents++] = ev;
}

static void
put_cell(struct wb *w, const char *s, size_t len)
{
	event(w, w->cells.len);
	if (w->failed)
		return;
	sb_add(&w->cells, s, len);
	sb_add(&w->cells, "", 1);
	if (w->cells.len > XLSX_MAX_TEXT)
		w->too_big = w->failed = true;
	w->failed |= w->cells.failed;
}

/* "B12": column 1 (0-based) and row 12; false when it is not one. */
static bool
parse_ref(const char *r, size_t *col, size_t *row)
{
	size_t c = 0, n = 0;
	const char *s = r;
	for (; *s >= 'A' && *s <= 'Z'; s++) {
		c = c * 26 + (size_t)(*s - 'A' + 1);
		if (c > XLSX_MAX_COL)
			return false;
	}
	if (s == r)
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		n = n * 10 + (size_t)(*s - '0');
		if (n > XLSX_MAX_ROW)
			return false;
	}
	if (*s || n == 0)
		return false;
	*col = c - 1;
	*row = n;
	return true;
}

static void
sheet_start(void *u, const char *el, const char **atts)
{
	struct wb *w = u;
	if (strcmp(el, "row") == 0) {
		const char *r = attr(atts, "r");
		size_t n = w->row + 1;
		if (r) {
			char *end;
			unsigned long v = strtoul(r, &end, 10);
			if (*end || v <= w->row || v > XLSX_MAX_ROW) {
				w->bad_ref = w->failed = true;
				return;
			}
			n = v;
		}
		/* rows left out are empty rows */
		while (w->row + 1 < n) {
			event(w, SIZE_MAX);
			w->row++;
		}
		w->row = n;
		w->col = 0;
		w->in_row = true;
	} else if (strcmp(el, "c") == 0 && w->in_row) {
		const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
		size_t col = w->col, row = w->row;
		if (r && (!parse_ref(r, &col, &row) || row != w->row || col < w->col)) {
			w->bad_ref = w->failed = true;
			return;
		}
		while (w->col < col) {
			put_cell(w, "", 0);
			w->col++;
		}
		snprintf(w->ctype, sizeof w->ctype, "%s", t ? t : "n");
		w->style = s ? strtol(s, NULL, 10) : 0;
		w->in_cell = true;
		w->text.len = 0;
	} else if (w->in_cell && strcmp(el, "is") == 0) {
		w->in_is = true;
	} else if (w->in_cell && strcmp(el, "rPh") == 0) {
		w->in_rph++;
	} else if (w->in_cell && (strcmp(el, "v") == 0 || (w->in_is && strcmp(el, "t") == 0))) {
		w->in_text = true;
	}
}

/* A number cell's text (see xlsx_read). */
static void
number_text(const struct wb *w, const char *v, char *out, size_t size)
{
	char *end;
	double d = strtod(v, &end);
	while (*end == ' ')
		end++;
	if (end == v || *end || !isfinite(d)) {
		snprintf(out, size, "%s", v);
		return;
	}
	bool date = w->style >= 0 && (size_t)w->style < w->nxf && w->xf_date[w->style];
	if (date && w->date1904 && d >= 0 && d < 2957004) {
		/* serial 0 is 1904-01-01 */
		int y, m, dd;
		date_civil_from_days(date_days_from_civil(1904, 1, 1) + (int64_t)d, &y, &m, &dd);
		snprintf(out, size, "%04d-%02d-%02d", y, m, dd);
	} else if (date && !w->date1904 && d >= 1 && d < 2958466) {
		int64_t n = (int64_t)d;
		if (n == 60) {
			snprintf(out, size, "1900-02-29");  /* the leap day Excel keeps from Lotus */
			return;
		}
		int y, m, dd;
		date_civil_from_days(date_days_from_civil(1899, 12, n < 60 ? 31 : 30) + n, &y, &m, &dd);
		snprintf(out, size, "%04d-%02d-%02d", y, m, dd);
	} else if (d > -1e15 && d < 1e15 && d == (double)(int64_t)d) {
		snprintf(out, size, "%.0f", d);
	} else {
		snprintf(out, size, "%.15G", d);
	}
}

static void
sheet_end(void *u, const char *el)
{
	struct wb *w = u;
	if (strcmp(el, "row") == 0) {
		event(w, SIZE_MAX);
		w->in_row = false;
	} else if (strcmp(el, "c") == 0 && w->in_cell) {
		const char *v = w->text.p && w->text.len ? w->text.p : "";
		sb_add(&w->text, "", 1);
		if (w->text.failed) {
			w->failed = true;
			return;
		}
		v = w->text.p;
		char num[64];
		if (strcmp(w->ctype, "s") == 0) {
			char *end;
			unsigned long i = strtoul(v, &end, 10);
			if (end == v || *end || i >= w->nstrings) {
				w->bad_ref = w->failed = true;
				return;
			}
			const char *str = w->sst.p + w->strings[i];
			put_cell(w, str, strlen(str));
		} else if (strcmp(w->ctype, "b") == 0) {
			const char *b = !*v ? "" : strcmp(v, "1") == 0 ? "TRUE" : "FALSE";
			put_cell(w, b, strlen(b));
		} else if (strcmp(w->ctype, "n") == 0 && *v) {
			number_text(w, v, num, sizeof num);
			put_cell(w, num, strlen(num));
		} else if (strcmp(w->ctype, "d") == 0) {
			put_cell(w, v, strlen(v) > 10 ? 10 : strlen(v));  /* an ISO date and time */
		} else {
			put_cell(w, v, strlen(v));  /* inlineStr, str (a formula's text), e (an error) */
		}
		w->col++;
		w->in_cell = w->in_is = false;
	} else if (strcmp(el, "is") == 0) {
		w->in_is = false;
	} else if (strcmp(el, "rPh") == 0 && w->in_rph) {
		w->in_rph--;
	} else if (strcmp(el, "v") == 0 || strcmp(el, "t") == 0) {
		w->in_text = false;
	}
}

/* The sheet's part name from the relationship's target ("worksheets/
 * sheet1.xml" is under xl/; "/xl/worksheets/sheet1.xml" is from the top). */
static void
sheet_part(const char *target, char *out, size_t size)
{
	if (target[0] == '/')
		snprintf(out, size, "%s", target + 1);
	else
		snprintf(out, size, "xl/%s", target);
}

static int
read_part(const struct zip *z, const char *name, bool needed, char **out, size_t *len,
          char *msg, size_t msgsize)
{
	int rc = zip_get(z, name, out, len, msg, msgsize);
	if (rc == 1 && needed)
		return damaged(msg, msgsize, _("it holds no worksheet"));
	if (rc == 1) {
		*out = NULL;
		*len = 0;
		return XLSX_OK;
	}
	return rc;
}

static int
read_all(struct wb *w, const struct zip *z, char *msg, size_t msgsize)
{
	char *x = NULL;
	size_t xl;
	char part[ZIP_MAX_NAME + 8] = "xl/worksheets/sheet1.xml";
	int rc = read_part(z, "xl/workbook.xml", false, &x, &xl, msg, msgsize);
	if (rc == XLSX_OK && x)
		rc = xml_parse("xl/workbook.xml", x, xl, w, workbook_start, NULL, NULL, &w->failed, msg,
		               msgsize);
	free(x);
	x = NULL;
	if (rc == XLSX_OK && w->first_rid) {
		rc = read_part(z, "xl/_rels/workbook.xml.rels", false, &x, &xl, msg, msgsize);
		if (rc == XLSX_OK && x)
			rc = xml_parse("xl/_rels/workbook.xml.rels", x, xl, w, rels_start, NULL, NULL,
			               &w->failed, msg, msgsize);
		free(x);
		x = NULL;
		if (w->target && strlen(w->target) <= ZIP_MAX_NAME)
			sheet_part(w->target, part, sizeof part);
	}
	if (rc == XLSX_OK)
		rc = read_part(z, "xl/sharedStrings.xml", false, &x, &xl, msg, msgsize);
	if (rc == XLSX_OK && x)
		rc = xml_parse("xl/sharedStrings.xml", x, xl, w, strings_start, strings_end, gather,
		               &w->failed, msg, msgsize);
	free(x);
	x = NULL;
	if (rc == XLSX_OK)
		rc = read_part(z, "xl/styles.xml", false, &x, &xl, msg, msgsize);
	if (rc == XLSX_OK && x)
		rc = xml_parse("xl/styles.xml", x, xl, w, styles_start, styles_end, NULL, &w->failed,
		               msg, msgsize);
	free(x);
	x = NULL;
	w->in_text = false;
	w->text.len = 0;
	if (rc == XLSX_OK)
		rc = read_part(z, part, true, &x, &xl, msg, msgsize);
	if (rc == XLSX_OK)
		rc = xml_parse(part, x, xl, w, sheet_start, sheet_end, gather, &w->failed, msg,
		               msgsize);
	free(x);
	return rc;
}

int
xlsx_read(const char *data, size_t len, void (*cell)(void *s, size_t len, void *ctx),
          void (*row)(int c, void *ctx), void *ctx, char *msg, size_t msgsize)
{
	msg[0] = '\0';
	if (xlsx_is_ole(data, len)) {
		setmsg(msg, msgsize, "%s",
		       _("This is an old Excel file (.xls), or a workbook locked with a password, which "
		         "is not read here: open it in Excel or WPS, choose Save As, \"Excel workbook "
		         "(.xlsx)\" (without a password) or \"CSV (comma delimited)\", and import the "
		         "new file."));
		return XLSX_DAMAGED;
	}
	if (!xlsx_is_zip(data, len))
		return damaged(msg, msgsize, _("it does not start as an Excel workbook does"));
	if (!libs_load(msg, msgsize))
		return XLSX_NOLIB;
	struct zip z;
	int rc = zip_open(&z, data, len, msg, msgsize);
	if (rc != XLSX_OK)
		return rc;
	struct wb w = {0};
	rc = read_all(&w, &z, msg, msgsize);
	bool ours = rc == XLSX_OK || rc == XLSX_NOMEM;  /* not yet told why */
	if (ours && w.too_big)
		rc = too_large(msg, msgsize, "xl/worksheets");
	else if (ours && w.bad_ref)
		rc = damaged(msg, msgsize, _("a cell of the sheet is out of place"));
	else if (rc == XLSX_OK && w.failed)
		rc = XLSX_NOMEM;
	if (rc == XLSX_NOMEM)
		setmsg(msg, msgsize, "%s", _("out of memory"));
	if (rc == XLSX_OK)
		for (size_t i = 0; i < w.nevents; i++) {
			if (w.events[i] == SIZE_MAX) {
				row(0, ctx);
			} else {
				char *s = w.cells.p + w.events[i];
				cell(s, strlen(s), ctx);
			}
		}
	wb_free(&w);
	return rc;
}
