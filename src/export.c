/* export.c: records of one kind as rows of a spreadsheet file: the records
 * chosen and logged, their values as the screens show them, and a writer
 * of rows with two back ends (CSV, XLSX) behind one interface. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "audit.h"
#include "export.h"
#include "i18n.h"
#include "index.h"
#include "lazylib.h"
#include "pinyin.h"
#include "shown.h"
#include "text.h"
#include "util.h"

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

int
export_format_of_path(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot || strchr(dot, '/'))
		return 0;
	if (strcasecmp(dot, ".xlsx") == 0)
		return EXPORT_XLSX;
	if (strcasecmp(dot, ".csv") == 0)
		return EXPORT_CSV;
	return 0;
}

/* --- the writer's interface ---------------------------------------------------- */

struct backend {
	int (*open)(export_writer *w, const char *sheet, char *msg, size_t msgsize);
	int (*row)(export_writer *w, const char *const *cells, size_t n, char *msg, size_t msgsize);
	int (*finish)(export_writer *w, char *msg, size_t msgsize);
	void (*drop)(export_writer *w);  /* free what the back end holds, write nothing more */
};

struct export_writer {
	const struct backend *be;
	char *path, *tmp;
	/* written into fd (export_writer_open_fd; path then the name said),
	 * or -1: to tmp, renamed to path */
	int fd;
	char *tmpdir;     /* fd's XLSX: the private folder the library writes in */
	int encoding;
	size_t rows;
	char **header;    /* the first row, to name a column in a message */
	size_t nheader;
	/* CSV */
	FILE *f;
	struct strbuf line;
	/* XLSX */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *text, *bold;
};

/* The file a message names: the temporary one, or the one written into. */
static const char *
said(const export_writer *w)
{
	return w->fd >= 0 ? w->path : w->tmp;
}

/* --- CSV ---------------------------------------------------------------------- */

/* Would a spreadsheet read this as a number and damage it?  Digits only
 * (an ID number's final X allowed) and long enough to lose digits or be
 * shown as 5.10421E+17, or with a leading zero it would drop. */
static bool
csv_needs_text(const char *v)
{
	size_t n = strlen(v), digits = strspn(v, "0123456789");
	if (n == 0)
		return false;
	bool x_end = digits + 1 == n && (v[n - 1] == 'X' || v[n - 1] == 'x');
	if (digits != n && !x_end)
		return false;
	return n >= 11 || (n >= 2 && v[0] == '0');
}

/* Text that starts like a formula (=, +, -, @) would be run by the
 * spreadsheet: a leading apostrophe keeps it text (numbers are left
 * alone: -5 is harmless). */
static bool
csv_formula_like(const char *v)
{
	if (!strchr("=+-@", v[0]) || !v[0])
		return false;
	char *end;
	errno = 0;
	strtod(v, &end);
	return end == v || *end;
}

char *
export_csv_cell(const char *v)
{
	struct strbuf b = {0};
	if (csv_needs_text(v)) {
		/* ="510421..." : a formula whose value is the text itself */
		sb_str(&b, "\"=\"\"");
		sb_str(&b, v);
		sb_str(&b, "\"\"\"");
		return b.failed ? (free(b.p), NULL) : b.p ? b.p : strdup("");
	}
	bool lead = csv_formula_like(v);
	bool quote = lead || strpbrk(v, ",\"\r\n") || v[0] == ' ' || v[0] == '\t';
	if (quote)
		sb_str(&b, "\"");
	if (lead)
		sb_str(&b, "'");
	for (const char *p = v; *p;) {
		size_t k = strcspn(p, "\"");
		sb_add(&b, p, k);
		p += k;
		if (*p == '"') {
			sb_str(&b, "\"\"");
			p++;
		}
	}
	if (quote)
		sb_str(&b, "\"");
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	return b.p ? b.p : strdup("");
}

static int
csv_open(export_writer *w, const char *sheet, char *msg, size_t msgsize)
{
	(void)sheet;
	/* personal data: for the worker alone until they hand it on */
	int fd = w->fd >= 0 ? fcntl(w->fd, F_DUPFD_CLOEXEC, 0)
	                    : open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || !(w->f = fdopen(fd, "wb"))) {
		setmsg(msg, msgsize, _("cannot write %s: %s"), said(w), strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (w->encoding == EXPORT_UTF8)
		fputs("\xEF\xBB\xBF", w->f);  /* how Excel knows a CSV is UTF-8 */
	return 0;
}

/* The column of the first cell that the encoding cannot take, to say
 * which value is the trouble. */
static size_t
csv_bad_cell(const char *const *cells, size_t n, int *err)
{
	for (size_t i = 0; i < n; i++) {
		char *out;
		size_t outlen;
		int e = text_conv("GB18030", "UTF-8", cells[i], strlen(cells[i]), &out, &outlen, NULL);
		free(out);
		if (e) {
			*err = e;
			return i;
		}
	}
	return n;
}

static int
csv_row(export_writer *w, const char *const *cells, size_t n, char *msg, size_t msgsize)
{
	w->line.len = 0;
	for (size_t i = 0; i < n; i++) {
		char *c = export_csv_cell(cells[i]);
		if (!c) {
			w->line.failed = true;
			break;
		}
		if (i)
			sb_str(&w->line, ",");
		sb_str(&w->line, c);
		free(c);
	}
	sb_str(&w->line, "\r\n");
	if (w->line.failed) {
		setmsg(msg, msgsize, "%s", strerror(ENOMEM));
		return -1;
	}
	const char *out = w->line.p;
	size_t outlen = w->line.len;
	char *conv = NULL;
	if (w->encoding == EXPORT_GB18030) {
		int err = text_conv("GB18030", "UTF-8", w->line.p, w->line.len, &conv, &outlen, NULL);
		if (err) {
			size_t col = csv_bad_cell(cells, n, &err);
			const char *where = col < w->nheader ? w->header[col] : "?";
			setmsg(msg, msgsize, _("%s, column \"%s\": %s"), n ? cells[0] : "?", where,
			       text_conv_strerror(err));
			return -1;
		}
		out = conv;
	}
	size_t wrote = fwrite(out, 1, outlen, w->f);
	free(conv);
	if (wrote != outlen) {
		setmsg(msg, msgsize, _("cannot write %s: %s"), said(w), strerror(errno));
		return -1;
	}
	return 0;
}

static int
csv_finish(export_writer *w, char *msg, size_t msgsize)
{
	FILE *f = w->f;
	w->f = NULL;
	int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
	int e = errno;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		setmsg(msg, msgsize, _("cannot write %s: %s"), said(w), strerror(e));
		return -1;
	}
	return 0;
}

static void
csv_drop(export_writer *w)
{
	if (w->f)
		fclose(w->f);
	w->f = NULL;
}

static const struct backend csv_backend = {csv_open, csv_row, csv_finish, csv_drop};

/* --- XLSX --------------------------------------------------------------------- */

/* libxlsxwriter (and the libminizip, libcrypto and libz it brings) is
 * opened only when an XLSX file is written: every other command starts
 * without loading and relocating them (see lazylib.h). */
#define XLSX_FUNCS(X) \
	X(workbook_new_opt) X(workbook_validate_sheet_name) X(workbook_add_worksheet) \
	X(workbook_add_format) X(workbook_close) X(worksheet_set_column) \
	X(worksheet_freeze_panes) X(worksheet_write_string) X(format_set_num_format) \
	X(format_set_bold) X(lxw_strerror)

static struct {
#define XLSX_SLOT(f) __typeof__(&f) f;
	XLSX_FUNCS(XLSX_SLOT)
#undef XLSX_SLOT
} xl;

static bool
xlsx_load(char *msg, size_t msgsize)
{
	static void *handle;
	static const struct lazylib_sym syms[] = {
#define XLSX_SYM(f) {#f, &xl.f, sizeof xl.f},
		XLSX_FUNCS(XLSX_SYM)
#undef XLSX_SYM
	};
	return lazylib_load(&handle, XLSXWRITER_SONAME, syms, sizeof syms / sizeof syms[0],
	                    _("Export to Excel (XLSX)"), "libxlsxwriter", msg, msgsize);
}

static int
xlsx_open(export_writer *w, const char *sheet, char *msg, size_t msgsize)
{
	if (!xlsx_load(msg, msgsize))
		return -1;
	/* libxlsxwriter opens its file only when it closes the workbook: make
	 * it now, so that a folder we cannot write to is said at once (and
	 * the file keeps these permissions when the library writes it).
	 * Written into a descriptor: the library, which only takes a name,
	 * writes in a folder of this process's own (mode 0700, outside the
	 * worker's files folder, where anything could be put under any name
	 * between two opens), and the bytes are copied at the end */
	if (w->fd >= 0) {
		const char *t = secure_getenv("TMPDIR");
		if (asprintf(&w->tmpdir, "%s/shegong-xlsx-XXXXXX", t && *t == '/' ? t : "/tmp") < 0) {
			w->tmpdir = NULL;
			setmsg(msg, msgsize, "%s", strerror(ENOMEM));
			return -1;
		}
		if (!mkdtemp(w->tmpdir)) {
			setmsg(msg, msgsize, _("cannot write %s: %s"), said(w), strerror(errno));
			free(w->tmpdir);
			w->tmpdir = NULL;
			return -1;
		}
		if (asprintf(&w->tmp, "%s/book.xlsx", w->tmpdir) < 0) {
			w->tmp = NULL;
			setmsg(msg, msgsize, "%s", strerror(ENOMEM));
			return -1;
		}
	}
	int fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		setmsg(msg, msgsize, _("cannot write %s: %s"), said(w), strerror(errno));
		return -1;
	}
	close(fd);
	/* rows go to a temporary file as they come: memory stays flat at
	 * 100,000 rows */
	lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = w->tmpdir,
	                             .use_zip64 = LXW_TRUE};
	w->wb = xl.workbook_new_opt(w->tmp, &opts);
	if (!w->wb) {
		setmsg(msg, msgsize, "%s", strerror(ENOMEM));
		return -1;
	}
	char name[128];
	snprintf(name, sizeof name, "%s", sheet ? sheet : "");
	for (char *p = name; *p; p++)
		if (strchr("[]:*?/\\", *p))
			*p = ' ';
	/* at most 31 characters */
	size_t chars = 0, cut = 0;
	for (const char *p = name; *p; chars++) {
		uint32_t cp;
		p += text_utf8_decode(p, strlen(p), &cp);
		if (chars < 31)
			cut = (size_t)(p - name);
	}
	name[cut] = '\0';
	bool ok = name[0] && xl.workbook_validate_sheet_name(w->wb, name) == LXW_NO_ERROR;
	w->ws = xl.workbook_add_worksheet(w->wb, ok ? name : NULL);
	w->text = xl.workbook_add_format(w->wb);
	w->bold = xl.workbook_add_format(w->wb);
	if (!w->ws || !w->text || !w->bold) {
		setmsg(msg, msgsize, "%s", strerror(ENOMEM));
		return -1;
	}
	/* "@": the cells are text, so Excel never turns an ID number into
	 * 5.10421E+17 nor drops its last digits */
	xl.format_set_num_format(w->text, "@");
	xl.format_set_num_format(w->bold, "@");
	xl.format_set_bold(w->bold);
	return 0;
}

static int
xlsx_row(export_writer *w, const char *const *cells, size_t n, char *msg, size_t msgsize)
{
	if (w->rows == 0) {
		/* the columns' own format, for what is typed into them later */
		if (n)
			xl.worksheet_set_column(w->ws, 0, (lxw_col_t)(n - 1), 16, w->text);
		xl.worksheet_freeze_panes(w->ws, 1, 0);
	}
	if (w->rows >= LXW_ROW_MAX) {
		setmsg(msg, msgsize, _("more than %d rows do not fit in one XLSX sheet: export to "
		                       "CSV, or fewer at a time (--village, --since, --until)"),
		       LXW_ROW_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!cells[i][0])
			continue;
		lxw_error e = xl.worksheet_write_string(w->ws, (lxw_row_t)w->rows, (lxw_col_t)i, cells[i],
		                                     w->rows ? w->text : w->bold);
		if (e != LXW_NO_ERROR) {
			const char *where = i < w->nheader ? w->header[i] : "?";
			setmsg(msg, msgsize, _("%s, column \"%s\": %s"), n ? cells[0] : "?", where,
			       xl.lxw_strerror(e));
			return -1;
		}
	}
	return 0;
}

static int
xlsx_finish(export_writer *w, char *msg, size_t msgsize)
{
	lxw_workbook *wb = w->wb;
	w->wb = NULL;
	errno = 0;
	lxw_error e = xl.workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		setmsg(msg, msgsize, _("cannot write %s: %s"), said(w),
		       errno ? strerror(errno) : xl.lxw_strerror(e));
		return -1;
	}
	int fd = open(w->tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || (w->fd < 0 && fsync(fd) != 0)) {
		setmsg(msg, msgsize, _("cannot write %s: %s"), said(w), strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* written into a descriptor: the finished book copied there */
	int err = 0;
	char buf[65536];
	for (ssize_t k; w->fd >= 0 && !err && (k = read(fd, buf, sizeof buf)) != 0;) {
		if (k < 0) {
			if (errno != EINTR)
				err = errno;
			continue;
		}
		for (ssize_t done = 0; done < k && !err;) {
			ssize_t o = write(w->fd, buf + done, (size_t)(k - done));
			if (o < 0 && errno != EINTR)
				err = errno;
			else if (o > 0)
				done += o;
		}
	}
	close(fd);
	if (err) {
		setmsg(msg, msgsize, _("cannot write %s: %s"), said(w), strerror(err));
		return -1;
	}
	return 0;
}

static void
xlsx_drop(export_writer *w)
{
	/* the library has no way to give up: let it write the temporary
	 * file, which the caller removes */
	if (w->wb)
		xl.workbook_close(w->wb);
	w->wb = NULL;
}

static const struct backend xlsx_backend = {xlsx_open, xlsx_row, xlsx_finish, xlsx_drop};

/* --- the writer ------------------------------------------------------------------ */

static void
writer_free(export_writer *w)
{
	if (w->tmpdir) {
		/* the private folder and the book in it (the library's own
		 * temporary files are unlinked as they are made) */
		if (w->tmp)
			unlink(w->tmp);
		rmdir(w->tmpdir);
		free(w->tmpdir);
	}
	for (size_t i = 0; i < w->nheader; i++)
		free(w->header[i]);
	free(w->header);
	free(w->line.p);
	free(w->path);
	free(w->tmp);
	free(w);
}

static int
writer_open(export_writer **out, const char *path, int fd, int format, int encoding,
            const char *sheet, char *msg, size_t msgsize)
{
	*out = NULL;
	export_writer *w = calloc(1, sizeof *w);
	if (w)
		w->fd = fd;
	if (!w || !(w->path = strdup(path)) ||
	    (fd < 0 && asprintf(&w->tmp, "%s.tmp", path) < 0)) {
		if (w)
			w->tmp = NULL;
		setmsg(msg, msgsize, "%s", strerror(ENOMEM));
		if (w)
			writer_free(w);
		return -1;
	}
	w->be = format == EXPORT_XLSX ? &xlsx_backend : &csv_backend;
	w->encoding = encoding ? encoding : EXPORT_GB18030;
	if (w->be->open(w, sheet, msg, msgsize) < 0) {
		export_writer_abort(w);
		return -1;
	}
	*out = w;
	return 0;
}

int
export_writer_open(export_writer **out, const char *path, int format, int encoding,
                   const char *sheet, char *msg, size_t msgsize)
{
	return writer_open(out, path, -1, format, encoding, sheet, msg, msgsize);
}

int
export_writer_open_fd(export_writer **out, int fd, const char *name, int format, int encoding,
                      const char *sheet, char *msg, size_t msgsize)
{
	if (fd < 0) {
		setmsg(msg, msgsize, _("cannot write %s: %s"), name, strerror(EBADF));
		*out = NULL;
		return -1;
	}
	return writer_open(out, name, fd, format, encoding, sheet, msg, msgsize);
}

int
export_writer_row(export_writer *w, const char *const *cells, size_t n, char *msg,
                  size_t msgsize)
{
	if (w->rows == 0 && !w->header) {
		w->header = calloc(n ? n : 1, sizeof *w->header);
		for (size_t i = 0; w->header && i < n; i++)
			if ((w->header[i] = strdup(cells[i])))
				w->nheader = i + 1;
	}
	if (w->be->row(w, cells, n, msg, msgsize) < 0)
		return -1;
	w->rows++;
	return 0;
}

int
export_writer_finish(export_writer *w, char *msg, size_t msgsize)
{
	int rc = w->be->finish(w, msg, msgsize);
	if (rc == 0 && w->fd < 0 && rename(w->tmp, w->path) != 0) {
		setmsg(msg, msgsize, _("cannot write %s: %s"), w->path, strerror(errno));
		rc = -1;
	}
	if (rc < 0 && w->fd < 0)
		unlink(w->tmp);
	writer_free(w);
	return rc;
}

void
export_writer_abort(export_writer *w)
{
	if (!w)
		return;
	w->be->drop(w);
	if (w->fd < 0 && w->tmp)
		unlink(w->tmp);
	writer_free(w);
}

/* --- columns ---------------------------------------------------------------------- */

/* A column of the table: a field name (looked up in each record's form)
 * or, for NULL, the form's title. */
struct column {
	const char *field;
	const char *label;   /* translated */
};

struct table {
	struct column *cols;
	size_t n;
};

static bool
table_has(const struct table *t, const char *field)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->cols[i].field && strcmp(t->cols[i].field, field) == 0)
			return true;
	return false;
}

/* The record id first; with several forms, which form; then the fields
 * of the form (or of every form of the kind, each once, in the order the
 * forms and their fields come). */
static int
table_make(struct table *t, const struct export_opts *o)
{
	size_t cap = 2;
	for (size_t i = 0; i < o->fs->nforms; i++)
		if (o->form ? o->fs->forms[i] == o->form : o->fs->forms[i]->kind == o->kind)
			cap += o->fs->forms[i]->nfields;
	t->cols = calloc(cap, sizeof *t->cols);
	if (!t->cols)
		return -1;
	t->n = 0;
	t->cols[t->n++] = (struct column){"", _("ID")};
	size_t nforms = 0;
	for (size_t i = 0; i < o->fs->nforms; i++)
		nforms += o->fs->forms[i]->kind == o->kind;
	if (!o->form && nforms > 1)
		t->cols[t->n++] = (struct column){NULL, _("Form")};
	for (size_t i = 0; i < o->fs->nforms; i++) {
		const struct form *f = o->fs->forms[i];
		if (o->form ? f != o->form : f->kind != o->kind)
			continue;
		for (size_t k = 0; k < f->nfields; k++)
			if (!table_has(t, f->fields[k].name))
				t->cols[t->n++] = (struct column){f->fields[k].name, _(f->fields[k].label)};
	}
	return 0;
}

/* --- which records -------------------------------------------------------------- */

struct pick {
	const struct export_opts *o;
	rec_id *ids;
	char **keys;       /* named kinds: each record's name as it sorts, or NULL */
	size_t n, cap;
	int err;
};

/* The day a record counts for: its "date" when its form has one and it
 * is filled in, else the day it was created, where the worker is. */
static void
record_day(const struct form *f, const record *r, char day[16])
{
	const struct form_field *fd = f ? form_field(f, "date") : NULL;
	const char *v = fd && fd->type == FT_DATE ? record_get(r, "date") : NULL;
	if (v && *v) {
		snprintf(day, 16, "%.10s", v);
		return;
	}
	time_t at = (time_t)r->created_at;
	struct tm tm;
	if (!localtime_r(&at, &tm) || !strftime(day, 16, "%Y-%m-%d", &tm))
		snprintf(day, 16, "0000-00-00");
}

static int
pick_one(const record *r, void *ctx)
{
	struct pick *p = ctx;
	const struct export_opts *o = p->o;
	const struct form *f = formset_for_record(o->fs, r);
	if (record_voided(r) || (o->form && f != o->form))
		return 0;   /* a voided record is kept, not handed out */
	if (o->village) {
		const char *v = record_get(r, "village");
		if (!v || strcmp(v, o->village) != 0)
			return 0;
	}
	if (o->since || o->until) {
		char day[16];
		record_day(f, r, day);
		if ((o->since && strcmp(day, o->since) < 0) || (o->until && strcmp(day, o->until) > 0))
			return 0;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 1024;
		rec_id *ids = realloc(p->ids, cap * sizeof *ids);
		if (!ids)
			return p->err = STORE_NOMEM;
		p->ids = ids;
		char **keys = realloc(p->keys, cap * sizeof *keys);
		if (!keys)
			return p->err = STORE_NOMEM;
		p->keys = keys;
		p->cap = cap;
	}
	p->keys[p->n] = NULL;
	const char *name = record_get(r, "name");
	if (name) {
		char key[IDX_KEYMAX];
		pinyin_sort_key(name, index_kind_is_person(r->id.kind), key, sizeof key);
		if (!(p->keys[p->n] = strdup(key)))
			return p->err = STORE_NOMEM;
	}
	p->ids[p->n++] = r->id;
	return 0;
}

/* Names in pinyin order, as the lists have them (何, 刘, 吴, 于); the
 * unnamed (needs, services) keep the order they were made in. */
struct sorted {
	char *key;
	size_t at;
};

static int
sorted_cmp(const void *a, const void *b)
{
	const struct sorted *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->at > y->at) - (x->at < y->at);
}

static int
pick_sort(struct pick *p)
{
	size_t named = 0;
	for (size_t i = 0; i < p->n; i++)
		named += p->keys[i] != NULL;
	if (named != p->n || p->n < 2)
		return 0;
	struct sorted *s = malloc(p->n * sizeof *s);
	rec_id *ids = malloc(p->n * sizeof *ids);
	if (!s || !ids) {
		free(s);
		free(ids);
		return STORE_NOMEM;
	}
	for (size_t i = 0; i < p->n; i++)
		s[i] = (struct sorted){p->keys[i], i};
	qsort(s, p->n, sizeof *s, sorted_cmp);
	for (size_t i = 0; i < p->n; i++)
		ids[i] = p->ids[s[i].at];
	free(s);
	free(p->ids);
	p->ids = ids;
	return 0;
}

static void
pick_free(struct pick *p)
{
	for (size_t i = 0; p->keys && i < p->n; i++)
		free(p->keys[i]);
	free(p->keys);
	p->keys = NULL;
	free(p->ids);
	p->ids = NULL;
}

static int
pick_txn(store_txn *t, void *ctx)
{
	struct pick *p = ctx;
	for (size_t i = 0; p->keys && i < p->n; i++)
		free(p->keys[i]);
	p->n = 0;
	int err = store_scan(t, p->o->kind, NULL, pick_one, p);
	return p->err ? p->err : err;
}

/* --- values (as the screens show them: shown.h) ------------------------------------ */

/* Never a control character into the file (a tab and a note's line
 * breaks are kept), never bytes that are not UTF-8. */
static char *
clean(char *v)
{
	if (!v || text_is_clean(v, strlen(v), TEXT_ALLOW_TAB | TEXT_ALLOW_NEWLINE))
		return v;
	char *c = text_sanitize(v, strlen(v), TEXT_ALLOW_TAB | TEXT_ALLOW_NEWLINE);
	free(v);
	return c;
}

/* --- writing ---------------------------------------------------------------------- */

#define BATCH 256   /* records read in one read transaction */
#define PROGRESS_EVERY 1000

struct write {
	const struct export_opts *o;
	const struct table *tab;
	const rec_id *ids;
	size_t from, to;    /* this batch */
	export_writer *w;
	char **cells;
	size_t rows;
	char *msg;
	size_t msgsize;
	bool failed;        /* the writer said why in msg */
};

static int
write_txn(store_txn *t, void *ctx)
{
	struct write *wr = ctx;
	const struct table *tab = wr->tab;
	size_t rows = 0;
	int err = 0;
	wr->failed = false;
	for (size_t i = wr->from; i < wr->to && !err && !wr->failed; i++) {
		record *r;
		int e = store_get(t, &wr->ids[i], &r);
		if (e == STORE_NOTFOUND || e == STORE_DENIED)
			continue;  /* deleted since it was counted */
		if (e) {
			err = e;
			break;
		}
		const struct form *f = formset_for_record(wr->o->fs, r);
		for (size_t c = 0; c < tab->n && !err; c++) {
			const struct column *col = &tab->cols[c];
			char *v;
			if (col->field && !*col->field) {
				char id[REC_ID_TEXTMAX];
				v = strdup(rec_id_format(&r->id, id));
			} else if (!col->field) {
				v = strdup(f ? _(f->title) : "");
			} else {
				const struct form_field *fd = f ? form_field(f, col->field) : NULL;
				v = fd ? shown_value(t, fd, r, wr->o->env, 0) : strdup("");
			}
			if (!(wr->cells[c] = clean(v)))
				err = STORE_NOMEM;
		}
		record_free(r);
		if (!err && export_writer_row(wr->w, (const char *const *)wr->cells, tab->n, wr->msg,
		                              wr->msgsize) < 0)
			wr->failed = true;
		for (size_t c = 0; c < tab->n; c++) {
			free(wr->cells[c]);
			wr->cells[c] = NULL;
		}
		if (!err && !wr->failed)
			rows++;
	}
	wr->rows += rows;
	return err ? store_txn_fail(t, err) : 0;
}

int
export_records(store *st, const char *path, const struct export_opts *o, size_t *count,
               char *msg, size_t msgsize)
{
	*count = 0;
	msg[0] = '\0';
	struct table tab = {0};
	struct pick p = {.o = o};
	export_writer *w = NULL;
	char **cells = NULL;
	int rc = -1;
	if (table_make(&tab, o) < 0 || !(cells = calloc(tab.n, sizeof *cells))) {
		setmsg(msg, msgsize, "%s", strerror(ENOMEM));
		goto out;
	}
	int err = store_read(st, pick_txn, &p);
	if (!err)
		err = pick_sort(&p);
	if (err) {
		setmsg(msg, msgsize, "%s", store_strerror(err));
		goto out;
	}
	const char *sheet = o->form ? _(o->form->title) : rec_kind_label(o->kind);
	if (export_writer_open(&w, path, o->format, o->encoding, sheet, msg, msgsize) < 0)
		goto out;
	/* nothing personal leaves the program unless the log says so first */
	char note[256], *safe;
	snprintf(note, sizeof note, "%s: %zu records to %s", rec_kind_code(o->kind), p.n, path);
	safe = text_sanitize(note, strlen(note), 0);
	err = audit_log_now(st, "export", NULL, safe ? safe : note);
	free(safe);
	if (err) {
		setmsg(msg, msgsize, _("nothing was exported, because the export could not be "
		                       "written to the audit trail: %s"), store_strerror(err));
		goto out;
	}
	const char **head = calloc(tab.n, sizeof *head);
	if (!head) {
		setmsg(msg, msgsize, "%s", strerror(ENOMEM));
		goto out;
	}
	for (size_t c = 0; c < tab.n; c++)
		head[c] = tab.cols[c].label;
	int hr = export_writer_row(w, head, tab.n, msg, msgsize);
	free(head);
	if (hr < 0)
		goto out;
	struct write wr = {o, &tab, p.ids, 0, 0, w, cells, 0, msg, msgsize, false};
	size_t shown = 0;
	for (size_t from = 0; from < p.n; from += BATCH) {
		wr.from = from;
		wr.to = from + BATCH < p.n ? from + BATCH : p.n;
		err = store_read(st, write_txn, &wr);
		if (wr.failed)
			goto out;
		if (err) {
			setmsg(msg, msgsize, "%s", store_strerror(err));
			goto out;
		}
		if (o->progress && wr.to - shown >= PROGRESS_EVERY) {
			o->progress(wr.to, p.n, o->ctx);
			shown = wr.to;
		}
	}
	if (o->progress)
		o->progress(p.n, p.n, o->ctx);
	export_writer *done = w;
	w = NULL;
	if (export_writer_finish(done, msg, msgsize) < 0)
		goto out;
	*count = wr.rows;
	rc = 0;
out:
	export_writer_abort(w);
	free(cells);
	free(tab.cols);
	pick_free(&p);
	return rc;
}
