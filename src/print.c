/* print.c: the documents a room prints, as text for paper (print.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "household.h"
#include "i18n.h"
#include "index.h"
#include "kind.h"
#include "orgunit.h"
#include "print.h"
#include "record.h"
#include "refer.h"
#include "report.h"
#include "shown.h"
#include "tally.h"
#include "text.h"
#include "util.h"

static const char *const doc_names[] = {
	[PRINT_SLIP] = "slip",       [PRINT_CERTIFICATE] = "certificate",
	[PRINT_CASEFILE] = "casefile", [PRINT_LEDGER] = "ledger",
	[PRINT_REPORT] = "report",   [PRINT_BLANK] = "blank",
};

const char *
print_doc_name(enum print_doc d)
{
	return (unsigned)d < NELEM(doc_names) ? doc_names[d] : NULL;
}

int
print_doc_parse(const char *name)
{
	for (size_t i = 0; name && i < NELEM(doc_names); i++)
		if (strcmp(name, doc_names[i]) == 0)
			return (int)i;
	return -1;
}

static void
local_date(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* --- columns on paper ------------------------------------------------------------ */

/* For the document being made: whether every character beyond ASCII takes
 * two columns.  A printer (or terminal) fed GB18030 prints each
 * double-byte character, the box-drawing ones, █ and □ and the Chinese
 * quotes among them, two columns wide; in UTF-8 those are one column.
 * Set by print_text_records for the one document it makes. */
static bool paper_wide;

static int
cp_cols(uint32_t cp)
{
	int w = text_cp_width(cp);
	if (w < 0)
		return 1;   /* shown as its picture, one column */
	if (paper_wide && w == 1 && cp >= 0x80)
		return 2;
	return w;
}

static int
paper_width(const char *s, size_t len)
{
	int cols = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += text_utf8_decode(s + i, len - i, &cp);
		cols += cp_cols(cp);
	}
	return cols;
}

/* The longest prefix of s that fits in cols columns (a combining mark
 * stays with its base); its width into *used. */
static size_t
paper_fit(const char *s, size_t len, int cols, int *used)
{
	int w = 0;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t k = text_utf8_decode(s + i, len - i, &cp);
		int cw = cp_cols(cp);
		if (w + cw > cols)
			break;
		w += cw;
		i += k;
	}
	if (used)
		*used = w;
	return i;
}

/* --- lines and pages --------------------------------------------------------- */

/* The lines of a document, each at most PRINT_COLS columns, sanitized. */
struct doc {
	char **v;
	size_t n, cap;
	bool nomem;
	/* the records shown, for the audit trail */
	struct strbuf rec;
	size_t nrec;
};

static void
doc_push(struct doc *d, char *line)
{
	if (!line || !util_grow((void **)&d->v, &d->cap, d->n + 1, sizeof *d->v)) {
		free(line);
		d->nomem = true;
		return;
	}
	d->v[d->n++] = line;
}

/* One line of text (no line ends), cut into lines of at most cols
 * columns; a blank line stays one. */
static void
doc_wrap(struct doc *d, const char *s, int cols)
{
	char *clean = text_sanitize(s, strlen(s), TEXT_ALLOW_TAB);
	if (!clean) {
		d->nomem = true;
		return;
	}
	for (char *p = clean; *p; p++)
		if (*p == '\t')
			*p = ' ';
	const char *p = clean;
	size_t len = strlen(p);
	if (!len)
		doc_push(d, strdup(""));
	while (len) {
		size_t k = paper_fit(p, len, cols, NULL);
		if (!k) {   /* a character wider than the room: alone */
			uint32_t cp;
			k = text_utf8_decode(p, len, &cp);
		}
		doc_push(d, strndup(p, k));
		p += k;
		len -= k;
		while (len && *p == ' ' && k) {  /* a wrapped line does not start with a blank */
			p++;
			len--;
		}
	}
	free(clean);
}

/* Text of any number of lines, each wrapped to the page. */
static void
doc_add(struct doc *d, const char *text)
{
	const char *p = text;
	if (!*p) {
		doc_push(d, strdup(""));
		return;
	}
	for (;;) {
		const char *e = strchr(p, '\n');
		if (!e) {
			if (*p)
				doc_wrap(d, p, PRINT_COLS);
			break;
		}
		char *line = strndup(p, (size_t)(e - p));
		if (!line) {
			d->nomem = true;
			return;
		}
		doc_wrap(d, line, PRINT_COLS);
		free(line);
		p = e + 1;
	}
}

static void doc_addf(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
doc_addf(struct doc *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		d->nomem = true;
		return;
	}
	doc_add(d, s);
	free(s);
}

/* A record the document shows, for the audit trail. */
static void
doc_record(struct doc *d, const rec_id *id)
{
	char buf[REC_ID_TEXTMAX];
	rec_id_format(id, buf);
	if (d->nrec < 50)
		sb_addf(&d->rec, "%s%s", d->nrec ? "," : "", buf);
	else if (d->nrec == 50)
		sb_str(&d->rec, ",...");
	d->nrec++;
}

static void
doc_free(struct doc *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i]);
	free(d->v);
	sb_free(&d->rec);
}

/* Text padded to cols columns (cut when longer). */
static void
sb_pad(struct strbuf *b, const char *s, int cols)
{
	int used;
	size_t k = paper_fit(s, strlen(s), cols, &used);
	sb_add(b, s, k);
	for (; used < cols; used++)
		sb_str(b, " ");
}

/* A line with left at the left and right at the right edge. */
static char *
two_sides(const char *left, const char *right)
{
	int lw = paper_width(left, strlen(left)), rw = paper_width(right, strlen(right));
	int gap = PRINT_COLS - lw - rw;
	char *s;
	if (asprintf(&s, "%s%*s%s", left, gap > 1 ? gap : 1, "", right) < 0)
		return NULL;
	return s;
}

static char *
centred(const char *t)
{
	int w = paper_width(t, strlen(t));
	char *s;
	if (asprintf(&s, "%*s%s", w < PRINT_COLS ? (PRINT_COLS - w) / 2 : 0, "", t) < 0)
		return NULL;
	return s;
}

/* The lines as pages of PRINT_PAGE_LINES, each page beginning with the
 * header lines head(page, pages) makes (NULL: none) and with page
 * numbers at its foot when there is more than one page. */
/* A line of a document that starts a new page (doc_render) */
#define DOC_BREAK "\f"

static bool
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The rule under a table from a rule between its rows: ├┼┤ made └┴┘
 * (each three bytes in UTF-8, E2 94 xx). malloc'd. */
static char *
rule_bottom(const char *mid)
{
	char *s = strdup(mid);
	for (char *p = s; p && p[0] && p[1] && p[2]; p++)
		if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x94) {
			unsigned char c = (unsigned char)p[2];
			p[2] = (char)(c == 0x9C ? 0x94 : c == 0xBC ? 0xB4 : c == 0xA4 ? 0x98 : c);
			p += 2;
		}
	return s;
}

/* d's lines into e, a table whose next row would not fit on the page
 * (room lines) closed before it with its bottom rule and opened on the
 * next page with its top rule and heads again, as the ledger does: a
 * row is the lines between two rules of its table. */
static void
doc_tables_paged(const struct doc *d, size_t room, struct doc *e)
{
	size_t line = 0;
	long top = -1, headend = -1;   /* the table's ┌ and the ├ under its heads */
	for (size_t i = 0; i < d->n; i++) {
		const char *s = d->v[i];
		if (strcmp(s, DOC_BREAK) == 0) {
			doc_push(e, strdup(s));
			line = 0;
			continue;
		}
		if (starts(s, "┌")) {
			top = (long)i;
			headend = -1;
		} else if (starts(s, "└")) {
			top = -1;
		} else if (starts(s, "├") && top >= 0 && headend < 0) {
			headend = (long)i;
		} else if (starts(s, "├") && top >= 0) {
			size_t h = 0, heads = (size_t)(headend - top) + 1;
			for (size_t j = i + 1; j < d->n && starts(d->v[j], "│"); j++)
				h++;
			if (line && line + 1 + h + 1 > room && heads + h + 1 <= room) {
				doc_push(e, rule_bottom(s));
				doc_push(e, strdup(DOC_BREAK));
				line = 0;
				for (long k = top; k <= headend; k++, line++)
					doc_push(e, strdup(d->v[k]));
				continue;
			}
		}
		if (line == room)
			line = 0;   /* doc_render starts a page here */
		doc_push(e, strdup(s));
		line++;
	}
}

static char *
doc_render(struct doc *din, const char *title)
{
	if (din->nomem)
		return NULL;
	size_t room = PRINT_PAGE_LINES - 2;   /* a blank line and the page number */
	struct doc paged = {0}, *d = &paged;
	doc_tables_paged(din, room, d);
	if (d->nomem) {
		doc_free(d);
		return NULL;
	}
	/* the pages: room lines each, or fewer where a line DOC_BREAK is */
	size_t *first = calloc(d->n + 2, sizeof *first), pages = 0, line = 0;
	if (!first) {
		doc_free(d);
		return NULL;
	}
	first[pages++] = 0;
	for (size_t i = 0; i < d->n; i++) {
		bool brk = strcmp(d->v[i], DOC_BREAK) == 0;
		if (line && (brk || line == room)) {
			first[pages++] = i;
			line = 0;
		}
		if (!brk)
			line++;
	}
	first[pages] = d->n;
	struct strbuf b = {0};
	for (size_t p = 0; p < pages; p++) {
		if (p)
			sb_str(&b, "\f");
		for (size_t i = first[p]; i < first[p + 1]; i++) {
			if (strcmp(d->v[i], DOC_BREAK) == 0)
				continue;
			sb_str(&b, d->v[i]);
			sb_str(&b, "\n");
		}
		if (pages > 1) {
			char num[128];
			/* TRANSLATORS: a printed page's foot: 第 1 页／共 3 页 */
			snprintf(num, sizeof num, _("Page %zu of %zu"), p + 1, pages);
			char left[256];
			snprintf(left, sizeof left, "%s", title ? title : "");
			char *foot = two_sides(left, num);
			sb_str(&b, "\n");
			sb_str(&b, foot ? foot : num);
			sb_str(&b, "\n");
			free(foot);
		}
	}
	free(first);
	doc_free(d);
	return sb_detach(&b);
}

/* --- tables ruled with box-drawing characters ----------------------------------- */

struct table {
	int n;
	const int *w;
};

static char *
rule(const struct table *t, const char *l, const char *m, const char *r)
{
	struct strbuf b = {0};
	sb_str(&b, l);
	for (int i = 0; i < t->n; i++) {
		for (int k = 0; k < t->w[i]; k += paper_wide ? 2 : 1)
			sb_str(&b, "─");
		sb_str(&b, i + 1 < t->n ? m : r);
	}
	return sb_detach(&b);
}

/* The lines of one row: each cell wrapped in its width, appended to out
 * (malloc'd strings); returns how many. */
static size_t
table_row(const struct table *t, const char *const *cells, struct doc *out)
{
	struct doc c[16] = {{0}};
	size_t h = 1;
	for (int i = 0; i < t->n && i < 16; i++) {
		const char *s = cells[i] ? cells[i] : "";
		/* a cell's own line ends are kept as lines */
		const char *p = s;
		do {
			const char *e = strchr(p, '\n');
			char *one = e ? strndup(p, (size_t)(e - p)) : strdup(p);
			if (one)
				doc_wrap(&c[i], one, t->w[i]);
			free(one);
			p = e ? e + 1 : NULL;
		} while (p);
		if (c[i].n > h)
			h = c[i].n;
	}
	for (size_t k = 0; k < h; k++) {
		struct strbuf b = {0};
		sb_str(&b, "│");
		for (int i = 0; i < t->n; i++) {
			sb_pad(&b, k < c[i].n ? c[i].v[k] : "", t->w[i]);
			sb_str(&b, "│");
		}
		doc_push(out, sb_detach(&b));
	}
	for (int i = 0; i < t->n && i < 16; i++)
		doc_free(&c[i]);
	return h;
}

/* --- the slip and the certificate ----------------------------------------------- */

/* Whether s is a slip number: ZJ-CODE-YEAR-NNNN. */
struct by_number {
	const char *number;
	rec_id id;
	bool found;
};

static int
number_one(const record *r, void *ctx)
{
	struct by_number *bn = ctx;
	const char *n = record_get(r, "number");
	if (n && strcmp(n, bn->number) == 0) {
		bn->id = r->id;
		bn->found = true;
		return 1;
	}
	return 0;
}

static int
number_txn(store_txn *t, void *ctx)
{
	int rc = store_scan(t, REC_REFERRAL, NULL, number_one, ctx);
	return rc == 1 ? 0 : rc;
}

struct by_idnum {
	const char *idnum;
	rec_id id;
	size_t n;
};

static int
idnum_one(const rec_id *id, const char *value, void *ctx)
{
	struct by_idnum *bi = ctx;
	if (strcmp(value, bi->idnum) != 0)
		return 0;
	bi->id = *id;
	bi->n++;
	return 0;
}

static int
idnum_txn(store_txn *t, void *ctx)
{
	struct by_idnum *bi = ctx;
	int rc = store_find(t, IDX_IDNUM, REC_RESIDENT, bi->idnum, idnum_one, bi);
	return rc < 0 ? store_txn_error(t) : 0;
}

int
print_resolve(store *st, int kind, const char *text, char *idtext)
{
	rec_id id;
	if (!text || !*text)
		return STORE_INVALID;
	if (rec_id_parse(text, &id) == 0) {
		if (id.kind != kind)
			return STORE_INVALID;
		rec_id_format(&id, idtext);
		return STORE_OK;
	}
	if (kind == REC_REFERRAL) {
		struct by_number bn = {text, {0}, false};
		int err = store_read(st, number_txn, &bn);
		if (err)
			return err;
		if (!bn.found)
			return strncmp(text, "ZJ-", 3) == 0 ? STORE_NOTFOUND : STORE_INVALID;
		rec_id_format(&bn.id, idtext);
		return STORE_OK;
	}
	if (kind == REC_RESIDENT && st && strlen(text) == 18 &&
	    strspn(text, "0123456789") >= 17) {
		/* the ID number the screens show (x as X, as the index keeps it) */
		char up[19];
		snprintf(up, sizeof up, "%s", text);
		if (up[17] == 'x')
			up[17] = 'X';
		struct by_idnum bi = {up, {0}, 0};
		int err = store_read(st, idnum_txn, &bi);
		if (err)
			return err;
		if (bi.n != 1)
			return bi.n ? STORE_INVALID : STORE_NOTFOUND;
		rec_id_format(&bi.id, idtext);
		return STORE_OK;
	}
	if (kind == REC_VOLUNTEER) {
		/* YYYYMMDD-SITE-SEQ: the date of issue, then the id without its kind */
		size_t k = strspn(text, "0123456789");
		char buf[REC_ID_TEXTMAX + 16];
		if (k != 8 || text[8] != '-')
			return STORE_INVALID;
		snprintf(buf, sizeof buf, "%s-%s", rec_kind_code(REC_VOLUNTEER), text + 9);
		if (rec_id_parse(buf, &id) < 0 || id.kind != REC_VOLUNTEER)
			return STORE_INVALID;
		rec_id_format(&id, idtext);
		return STORE_OK;
	}
	return STORE_INVALID;
}

static int
get_txn(store_txn *t, void *ctx)
{
	struct {
		rec_id id;
		record *r;
	} *g = ctx;
	return store_get(t, &g->id, &g->r);
}

static record *
read_one(store *st, const rec_id *id, int *err)
{
	struct {
		rec_id id;
		record *r;
	} g = {*id, NULL};
	*err = store_read(st, get_txn, &g);
	if (!*err && !g.r)
		*err = STORE_NOTFOUND;
	return *err ? NULL : g.r;
}

/* The name of the unit idtext names ("" when none). */
static char *
unit_name(store_txn *t, const char *idtext)
{
	rec_id id;
	record *u;
	char *name = NULL;
	if (idtext && rec_id_parse(idtext, &id) == 0 && store_get(t, &id, &u) == STORE_OK) {
		const char *v = record_get(u, "name");
		name = strdup(v ? v : "");
		record_free(u);
	}
	return name ? name : strdup("");
}

struct room_ctx {
	const char *unit;
	char *name;
};

static int
room_txn(store_txn *t, void *ctx)
{
	struct room_ctx *rc = ctx;
	rc->name = unit_name(t, rc->unit);
	return 0;
}

static int
slip(store *st, const struct print_req *q, struct doc *d, char *title, size_t titlesz)
{
	char idtext[REC_ID_TEXTMAX];
	int err = print_resolve(st, REC_REFERRAL, q->id, idtext);
	rec_id id;
	if (err || rec_id_parse(idtext, &id) < 0)
		return err ? err : STORE_INVALID;
	record *r = read_one(st, &id, &err);
	if (!r)
		return err;
	char *text = refer_slip(st, r);
	const char *num = record_get(r, "number");
	/* TRANSLATORS: a printed document's short name (the audit trail, a
	 * file's name): 转介单 ZJ-... */
	snprintf(title, titlesz, _("Referral slip %s"), num && *num ? num : idtext);
	doc_record(d, &id);
	record_free(r);
	if (!text)
		return STORE_NOMEM;
	doc_add(d, text);
	free(text);
	return 0;
}

static int
certificate(store *st, const struct scope *sc, const struct print_req *q, struct doc *d,
            char *title, size_t titlesz)
{
	char idtext[REC_ID_TEXTMAX], today[11];
	int err = print_resolve(st, REC_VOLUNTEER, q->id, idtext);
	rec_id id;
	if (err || rec_id_parse(idtext, &id) < 0)
		return err ? err : STORE_INVALID;
	rec_id asis;
	if (q->today)
		snprintf(today, sizeof today, "%s", q->today);
	else if (rec_id_parse(q->id, &asis) < 0)   /* a number: the day it was issued */
		snprintf(today, sizeof today, "%.4s-%.2s-%.2s", q->id, q->id + 4, q->id + 6);
	else
		local_date(today);
	struct room_ctx rx = {sc ? sc->unit : NULL, NULL};
	if (!q->room)
		store_read(st, room_txn, &rx);
	const char *room = q->room ? q->room : rx.name && *rx.name ? rx.name : "?";
	char *text = tally_certificate(st, &id, room, today, &err);
	free(rx.name);
	if (!text)
		return err;
	/* TRANSLATORS: a printed document's short name: 志愿服务记录证明 vol-... */
	snprintf(title, titlesz, _("Volunteer certificate %s"), idtext);
	doc_record(d, &id);
	doc_add(d, text);
	free(text);
	return 0;
}

/* --- the case file --------------------------------------------------------------- */

struct casefile {
	const struct formset *forms;
	const struct scope *sc;
	const char *today;
	rec_id id;
	record *resident;
	struct household h;
	bool have_h;
	struct case_entry *e;
	size_t n, cap;
};

static int
case_by_date(const void *a, const void *b)
{
	const struct case_entry *x = a, *y = b;
	return strcmp(x->date, y->date);
}

static void
field_lines(store_txn *t, struct doc *d, const struct form *f, const record *r,
            const struct form_env *env, const char *indent)
{
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		if (fd->name[0] == FORM_INTERNAL_PREFIX || !form_relevant(fd, r))
			continue;
		char *v = shown_value(t, fd, r, env, 0);
		if (v && *v) {
			char *s;
			if (asprintf(&s, "%s%s%s", indent, _(fd->label), _(": ")) >= 0) {
				int w = paper_width(s, strlen(s));
				/* the value after the label, its later lines set in */
				FILE *m;
				char *buf = NULL;
				size_t len;
				if ((m = open_memstream(&buf, &len))) {
					fputs(s, m);
					util_put_wrapped(m, w, w, PRINT_COLS, v);
					fclose(m);
					if (buf) {
						size_t k = strlen(buf);
						if (k && buf[k - 1] == '\n')
							buf[k - 1] = '\0';
						doc_add(d, buf);
					}
					free(buf);
				}
				free(s);
			}
		}
		free(v);
	}
}

static int
case_txn(store_txn *t, void *ctx)
{
	struct casefile *c = ctx;
	int err = store_get(t, &c->id, &c->resident);
	if (err)
		return err;
	/* the case file screen's entries (household_case): needs, services
	 * and referrals, voided ones left out; a referral by the day it was
	 * submitted */
	struct case_entry *got;
	size_t n;
	if ((err = household_case(t, c->forms, c->resident, &got, &n)))
		return err;
	c->e = got;
	c->cap = n;
	for (size_t i = 0; i < n; i++) {
		record *r = got[i].r;
		int k = r->id.kind;
		if (record_voided(r) || (k != REC_NEED && k != REC_SERVICE && k != REC_REFERRAL)) {
			record_free(r);
			continue;
		}
		const char *sub = k == REC_REFERRAL ? record_get(r, "submitted") : NULL;
		c->e[c->n] = got[i];
		if (sub && *sub)
			snprintf(c->e[c->n].date, sizeof c->e[c->n].date, "%.10s", sub);
		c->n++;
	}
	if (!household_read(t, &c->id, 0, &c->h))
		c->have_h = true;
	return store_txn_error(t);
}

struct case_write {
	struct casefile *c;
	struct doc *d;
};

static void
case_section(struct casefile *c, struct doc *d, int kind, const char *heading)
{
	doc_add(d, "");
	doc_add(d, heading);
	size_t shown = 0;
	for (size_t i = 0; i < c->n; i++) {
		const record *r = c->e[i].r;
		if (r->id.kind != kind)
			continue;
		shown++;
		doc_record(d, &r->id);
		struct form *f = formset_for_record(c->forms, r);
		const char *title = f ? _(f->title) : rec_kind_label(kind);
		const char *st = record_get(r, "status");
		const struct form_field *sf = f && st ? form_field(f, "status") : NULL;
		const char *num = kind == REC_REFERRAL ? record_get(r, "number") : NULL;
		/* what it says: as the case file screen tells it */
		static const char *const fields[] = {"content", "description", "reason", "name"};
		const char *text = "";
		for (size_t k = 0; k < NELEM(fields); k++) {
			const char *v = record_get(r, fields[k]);
			if (v && *v) {
				text = v;
				break;
			}
		}
		char *line;
		if (asprintf(&line, "%s  %s%s%s%s%s%s%s%s", c->e[i].date, title,
		             num && *num ? " " : "", num && *num ? num : "", _(": "), text,
		             sf ? " [" : "", sf ? form_choice_label(sf, st) : "", sf ? "]" : "") >= 0) {
			for (char *p = line; *p; p++)
				if (*p == '\n')
					*p = ' ';
			/* later lines set in under the title */
			FILE *m;
			char *buf = NULL;
			size_t len;
			if ((m = open_memstream(&buf, &len))) {
				util_put_wrapped(m, 0, 12, PRINT_COLS, line);
				fclose(m);
				if (buf) {
					size_t k = strlen(buf);
					if (k && buf[k - 1] == '\n')
						buf[k - 1] = '\0';
					doc_add(d, buf);
				}
				free(buf);
			}
			free(line);
		}
	}
	if (!shown)
		/* TRANSLATORS: a section of a printed case file with nothing in it */
		doc_addf(d, "  %s", _("(none)"));
}

static int
case_print_txn(store_txn *t, void *ctx)
{
	struct case_write *w = ctx;
	struct casefile *c = w->c;
	struct doc *d = w->d;
	struct form_env env = {
		.worker = c->sc ? c->sc->login : NULL, .village = NULL, .today = c->today,
		.masked = c->sc && !scope_may_see_sensitive(c->sc), .forms = c->forms,
	};
	const char *name = record_get(c->resident, "name");
	/* TRANSLATORS: the title of a printed case file: 个人档案 */
	char *t1 = centred(_("Case file"));
	doc_push(d, t1);
	doc_add(d, "");
	char left[256], right[64];
	snprintf(left, sizeof left, "%s%s", _("Name:"), name ? name : "?");
	/* TRANSLATORS: 打印日期： */
	snprintf(right, sizeof right, "%s%s", _("Printed on:"), c->today);
	doc_push(d, two_sides(left, right));
	doc_record(d, &c->id);
	/* TRANSLATORS: a heading of the printed case file: 基本信息 */
	doc_add(d, "");
	doc_add(d, _("Personal details"));
	struct form *f = formset_for_record(c->forms, c->resident);
	if (f)
		field_lines(t, d, f, c->resident, &env, "  ");

	doc_add(d, "");
	/* TRANSLATORS: a heading of the printed case file: 家庭成员 */
	doc_add(d, _("Household members"));
	/* in GB18030 a rule's characters take two columns */
	static const int hw[] = {16, 12, 8, 39}, hw_wide[] = {16, 12, 6, 36};
	struct table ht = {4, paper_wide ? hw_wide : hw};
	doc_push(d, rule(&ht, "┌", "┬", "┐"));
	/* TRANSLATORS: the household table's headings: 姓名 / 与户主关系 / 年龄 / 身份证号码 */
	const char *hh[] = {_("Name"), _("Relation"), _("Age"), _("ID number")};
	table_row(&ht, hh, d);
	doc_push(d, rule(&ht, "├", "┼", "┤"));
	for (size_t i = 0; c->have_h && i < c->h.n; i++) {
		const record *m = c->h.m[i].r;
		struct form *mf = formset_for_record(c->forms, m);
		const char *names[] = {"name", "relation", "age", "idnum"};
		char *vals[4] = {0};
		for (int k = 0; k < 4; k++) {
			const struct form_field *fd = mf ? form_field(mf, names[k]) : NULL;
			vals[k] = fd ? shown_value(t, fd, m, &env, 0) : NULL;
		}
		const char *cells[] = {vals[0], vals[1], vals[2], vals[3]};
		if (i)   /* ruled between the rows */
			doc_push(d, rule(&ht, "├", "┼", "┤"));
		table_row(&ht, cells, d);
		for (int k = 0; k < 4; k++)
			free(vals[k]);
		if (i != c->h.self)
			doc_record(d, &m->id);
	}
	doc_push(d, rule(&ht, "└", "┴", "┘"));

	/* TRANSLATORS: headings of the printed case file: 需求 / 服务记录 / 转介 */
	case_section(c, d, REC_NEED, _("Needs"));
	case_section(c, d, REC_SERVICE, _("Services"));
	case_section(c, d, REC_REFERRAL, _("Referrals"));
	doc_add(d, "");
	/* TRANSLATORS: 经办人签字： */
	doc_addf(d, "%s____________________", _("Signature:"));
	return 0;
}

static int
casefile(store *st, const struct formset *forms, const struct scope *sc, const char *today,
         const struct print_req *q, struct doc *d, char *title, size_t titlesz)
{
	struct casefile c = {.forms = forms, .sc = sc, .today = today};
	char idtext[REC_ID_TEXTMAX];
	int rerr = print_resolve(st, REC_RESIDENT, q->id, idtext);
	if (rerr)
		return rerr;
	if (rec_id_parse(idtext, &c.id) < 0)
		return STORE_INVALID;
	int err = store_read(st, case_txn, &c);
	if (!err) {
		if (c.n)
			qsort(c.e, c.n, sizeof *c.e, case_by_date);
		const char *name = record_get(c.resident, "name");
		/* TRANSLATORS: a printed document's short name: 个人档案 张三 */
		snprintf(title, titlesz, _("Case file %s"), name ? name : q->id);
		struct case_write w = {&c, d};
		err = store_read(st, case_print_txn, &w);
	}
	for (size_t i = 0; i < c.n; i++)
		record_free(c.e[i].r);
	free(c.e);
	if (c.have_h)
		household_free(&c.h);
	record_free(c.resident);
	return err;
}

/* --- the monthly service ledger ---------------------------------------------------- */

/* A township's (or the county's) ledger: one group of services per unit
 * under it in the worker's reach, in the order of their codes. */
struct ledger_group {
	char unit[REC_ID_TEXTMAX];
	char code[16];
	char *name;
	bool village;
	size_t first, n;        /* its services: v[first .. first+n) */
	size_t people;
	double vol_hours, worker_hours;
};

struct ledger {
	const struct formset *forms;
	const struct scope *sc;
	const char *unit;
	const char *month;      /* YYYY-MM */
	char *unit_name;
	char unit_code[16];
	bool grouped;           /* the unit is above a village: its villages, grouped */
	struct ledger_group *g;
	size_t ng, capg;
	size_t *gof;            /* each service's group (grouped) */
	record **v;
	size_t n, cap;
};

static long
ledger_group_of(const struct ledger *l, const char *unit)
{
	for (size_t i = 0; unit && i < l->ng; i++)
		if (strcmp(l->g[i].unit, unit) == 0)
			return (long)i;
	return -1;
}

/* a unit under the ledger's unit (or the unit itself), in reach */
static int
ledger_unit_one(const record *u, void *ctx)
{
	struct ledger *l = ctx;
	const char *code = record_get(u, "code"), *name = record_get(u, "name");
	size_t cl = strlen(l->unit_code);
	if (!code || strncmp(code, l->unit_code, cl) != 0 || strlen(code) >= sizeof l->g->code)
		return 0;
	char id[REC_ID_TEXTMAX];
	rec_id_format(&u->id, id);
	if (l->sc && !scope_in_reach(l->sc, id))
		return 0;
	if (!util_grow((void **)&l->g, &l->capg, l->ng + 1, sizeof *l->g))
		return STORE_NOMEM;
	struct ledger_group *g = &l->g[l->ng];
	memset(g, 0, sizeof *g);
	memcpy(g->unit, id, sizeof id);
	snprintf(g->code, sizeof g->code, "%s", code);
	g->village = orgunit_level_of_code(code) == UNIT_VILLAGE;
	if (!(g->name = strdup(name ? name : code)))
		return STORE_NOMEM;
	l->ng++;
	return 0;
}

static int
ledger_group_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ledger_group *)a)->code, ((const struct ledger_group *)b)->code);
}

static int
ledger_id(const rec_id *id, const char *value, void *ctx)
{
	struct {
		struct ledger *l;
		store_txn *t;
		int err;
	} *x = ctx;
	(void)value;
	record *r;
	int err = store_get(x->t, id, &r);
	if (err == STORE_NOTFOUND || err == STORE_DENIED)
		return 0;
	if (err) {
		x->err = err;
		return 1;
	}
	const char *v = record_get(r, "village");
	const char *dt = record_get(r, "date");
	bool ours = v && (x->l->grouped ? ledger_group_of(x->l, v) >= 0 : strcmp(v, x->l->unit) == 0);
	if (record_voided(r) || !ours || !dt ||
	    strncmp(dt, x->l->month, 7) != 0) {
		record_free(r);
		return 0;
	}
	if (!util_grow((void **)&x->l->v, &x->l->cap, x->l->n + 1, sizeof *x->l->v)) {
		record_free(r);
		x->err = STORE_NOMEM;
		return 1;
	}
	x->l->v[x->l->n++] = r;
	return 0;
}

static int
ledger_txn(store_txn *t, void *ctx)
{
	struct ledger *l = ctx;
	struct {
		struct ledger *l;
		store_txn *t;
		int err;
	} x = {l, t, 0};
	rec_id uid;
	record *u;
	if (rec_id_parse(l->unit, &uid) < 0)
		return STORE_INVALID;
	int err = store_get(t, &uid, &u);
	if (err)
		return err;
	const char *name = record_get(u, "name"), *code = record_get(u, "code");
	l->unit_name = strdup(name ? name : "");
	snprintf(l->unit_code, sizeof l->unit_code, "%s", code ? code : "");
	record_free(u);
	int level = orgunit_level_of_code(l->unit_code);
	if (level == UNIT_COUNTY || level == UNIT_TOWNSHIP) {
		/* every unit under it in reach, by their codes */
		l->grouped = true;
		int rc = store_scan(t, REC_UNIT, NULL, ledger_unit_one, l);
		if (rc)
			return store_txn_fail(t, rc);
		if (l->ng)
			qsort(l->g, l->ng, sizeof *l->g, ledger_group_cmp);
	}
	err = store_find(t, IDX_DATE, REC_SERVICE, l->month, ledger_id, &x);
	if (x.err)
		return x.err;
	return err < 0 ? store_txn_error(t) : store_txn_error(t);
}

static int
ledger_order(const void *a, const void *b)
{
	const record *x = *(record *const *)a, *y = *(record *const *)b;
	int c = strcmp(record_get(x, "date") ? record_get(x, "date") : "",
	               record_get(y, "date") ? record_get(y, "date") : "");
	if (c)
		return c;
	return x->created_at < y->created_at ? -1 : x->created_at > y->created_at;
}

struct amounts {
	store_txn *t;
	const struct formset *forms;
	struct strbuf b;
	double sum;
	size_t n;
};

static void
amount_one(const char *id, double amount, void *ctx)
{
	struct amounts *a = ctx;
	char *name = shown_ref(a->t, a->forms, id, 0);
	if (a->n++)
		sb_str(&a->b, "、");
	sb_addf(&a->b, "%s %.12g", name ? name : id, amount);
	free(name);
	a->sum += amount;
}

struct ledger_rows {
	struct ledger *l;
	struct doc *rows;      /* every row's lines, one after another */
	size_t *height;        /* each row's number of lines */
	struct doc *d;         /* for the records shown */
	size_t people;
	double vol_hours, worker_hours;
};

static const int ledger_w[] = {10, 8, 14, 8, 14, 19};
static const int ledger_w_wide[] = {10, 8, 12, 8, 12, 16};   /* rules two columns */

static int
ledger_rows_txn(store_txn *t, void *ctx)
{
	struct ledger_rows *lr = ctx;
	struct ledger *l = lr->l;
	struct table tb = {6, paper_wide ? ledger_w_wide : ledger_w};
	for (size_t i = 0; i < l->n; i++) {
		const record *r = l->v[i];
		doc_record(lr->d, &r->id);
		struct form *f = formset_for_record(l->forms, r);
		const struct form_field *ff = f ? form_field(f, "function") : NULL;
		const char *fn = record_get(r, "function");
		const char *fnl = fn ? ff ? form_choice_label(ff, fn) : fn : "";
		/* the people: those named, and a community activity's headcount */
		struct strbuf who = {0};
		size_t named = 0;
		const char *ben = record_get(r, "beneficiaries");
		if (ben && *ben) {
			char *copy = strdup(ben), *save = NULL;
			for (char *p = copy ? strtok_r(copy, ",", &save) : NULL; p;
			     p = strtok_r(NULL, ",", &save)) {
				char *name = shown_ref(t, l->forms, p, 0);
				if (named++)
					sb_str(&who, "、");
				sb_str(&who, name ? name : p);
				free(name);
			}
			free(copy);
		}
		const char *hc = record_get(r, "headcount");
		long head = hc ? strtol(hc, NULL, 10) : 0;
		if (head > 0) {
			/* TRANSLATORS: the people of a community activity: 共 30 人 */
			sb_addf(&who, named ? _(" (%ld in all)") : _("%ld in all"), head);
		}
		size_t people = head > (long)named ? (size_t)head : named;
		lr->people += people;
		struct ledger_group *g = l->grouped && l->gof ? &l->g[l->gof[i]] : NULL;
		if (g)
			g->people += people;
		/* the worker by name */
		const char *login = record_get(r, "worker");
		char *wname = NULL;
		record *w;
		if (login && worker_by_login(t, login, &w) == STORE_OK) {
			const char *n = record_get(w, "name");
			wname = n && *n ? strdup(n) : NULL;
			record_free(w);
		}
		struct amounts am = {t, l->forms, {0}, 0, 0};
		const char *vols = record_get(r, "volunteers");
		if (vols && *vols)
			form_amounts_each(vols, amount_one, &am);
		lr->vol_hours += am.sum;
		const char *wh = record_get(r, "hours");
		double whours = wh ? strtod(wh, NULL) : 0;
		lr->worker_hours += whours;
		if (g) {
			g->vol_hours += am.sum;
			g->worker_hours += whours;
		}
		const char *date = record_get(r, "date");
		const char *content = record_get(r, "content");
		const char *cells[] = {
			date ? date : "", fnl, who.p ? who.p : "", wname ? wname : login ? login : "",
			am.b.p ? am.b.p : "", content ? content : "",
		};
		size_t before = lr->rows->n;
		table_row(&tb, cells, lr->rows);
		lr->height[i] = lr->rows->n - before;
		sb_free(&who);
		sb_free(&am.b);
		free(wname);
	}
	return 0;
}

/* The services of a grouped ledger in the order of their groups (each
 * group's by date), each group's first and count, each service's group. */
static int
ledger_bucket(struct ledger *l)
{
	record **v = calloc(l->n ? l->n : 1, sizeof *v);
	l->gof = calloc(l->n ? l->n : 1, sizeof *l->gof);
	if (!v || !l->gof) {
		free(v);
		return STORE_NOMEM;
	}
	size_t k = 0;
	for (size_t gi = 0; gi < l->ng; gi++) {
		l->g[gi].first = k;
		for (size_t i = 0; i < l->n; i++) {
			if (ledger_group_of(l, record_get(l->v[i], "village")) != (long)gi)
				continue;
			l->gof[k] = gi;
			v[k++] = l->v[i];
		}
		l->g[gi].n = k - l->g[gi].first;
	}
	free(l->v);
	l->v = v;
	l->n = k;   /* every service is in a group: ledger_id took only those */
	return 0;
}

/* The pages of a grouped ledger: each page's lines below its head
 * (title, unit and page, blank), which the pages are given when their
 * number is known. */
struct pager {
	struct doc *p;
	size_t np, cap;
	size_t line;            /* lines on the last page */
	size_t room;            /* lines a page holds below its head */
	bool nomem;
};

static void
pager_new(struct pager *pg)
{
	if (!util_grow((void **)&pg->p, &pg->cap, pg->np + 1, sizeof *pg->p)) {
		pg->nomem = true;
		return;
	}
	memset(&pg->p[pg->np++], 0, sizeof *pg->p);
	pg->line = 0;
}

static void
pager_put(struct pager *pg, const char *s)
{
	if (!pg->np)
		return;
	doc_push(&pg->p[pg->np - 1], strdup(s ? s : ""));
	pg->line++;
}

/* a group's head: its name (continued), the table's top rule and heads */
static void
ledger_group_head(struct pager *pg, const struct ledger_group *g, bool cont, const char *top,
                  const char *mid, const struct doc *head)
{
	char h[512];
	if (cont)
		/* TRANSLATORS: a village's heading in a township's ledger, on a new page: 【安宁村】（续） */
		snprintf(h, sizeof h, _("[%s] (continued)"), g->name);
	else
		/* TRANSLATORS: a village's heading in a township's ledger: 【安宁村】 */
		snprintf(h, sizeof h, _("[%s]"), g->name);
	pager_put(pg, h);
	pager_put(pg, top);
	for (size_t i = 0; i < head->n; i++)
		pager_put(pg, head->v[i]);
	pager_put(pg, mid);
}

/* A township's ledger as pages of text: each village under a heading,
 * its services in the ledger's table (the heads again at the top of each
 * page), its subtotal; the totals of all at the end. */
static char *
ledger_grouped(const struct ledger *l, const struct ledger_rows *lr, const struct table *tb,
               const struct doc *head, const struct doc *tail, const char *month)
{
	char *top = rule(tb, "┌", "┬", "┐"), *mid = rule(tb, "├", "┼", "┤");
	char *bot = rule(tb, "└", "┴", "┘");
	struct pager pg = {.room = PRINT_PAGE_LINES - 3};
	char *text = NULL;
	if (!top || !mid || !bot)
		goto done;
	pager_new(&pg);
	size_t hdr = 3 + head->n, row0 = 0;
	for (size_t gi = 0; gi < l->ng; gi++) {
		const struct ledger_group *g = &l->g[gi];
		if (!g->village && !g->n)
			continue;   /* a township's own services only when it has some */
		if (!g->n) {
			if (pg.line && pg.line + 2 > pg.room)
				pager_new(&pg);
			char h[512];
			snprintf(h, sizeof h, _("[%s]"), g->name);
			pager_put(&pg, h);
			/* TRANSLATORS: under a village's heading in a township's ledger */
			pager_put(&pg, _("No services this month."));
			if (pg.line < pg.room)
				pager_put(&pg, "");
			continue;
		}
		struct doc sub = {0};
		/* TRANSLATORS: a village's subtotal in a township's ledger:
		 * 小计：服务 12 次，服务 30 人次，志愿服务 8.5 小时，社工 10 小时 */
		doc_addf(&sub, _("Subtotal: %zu services, %zu people served (times), "
		                 "%.12g volunteer hours, %.12g worker hours"),
		         g->n, g->people, g->vol_hours, g->worker_hours);
		for (size_t k = 0; k < g->n; k++) {
			size_t i = g->first + k, h = lr->height[i];
			bool last = k + 1 == g->n;
			size_t need = h + 1 + (last ? sub.n : 0);
			if (k == 0) {
				if (pg.line && pg.line + hdr + need > pg.room)
					pager_new(&pg);
				ledger_group_head(&pg, g, false, top, mid, head);
			} else if (pg.line + 1 + need > pg.room) {
				pager_put(&pg, bot);
				pager_new(&pg);
				ledger_group_head(&pg, g, true, top, mid, head);
			} else {
				pager_put(&pg, mid);
			}
			for (size_t j = 0; j < h; j++)
				pager_put(&pg, lr->rows->v[row0 + j]);
			row0 += h;
		}
		pager_put(&pg, bot);
		for (size_t i = 0; i < sub.n; i++)
			pager_put(&pg, sub.v[i]);
		if (sub.nomem)
			pg.nomem = true;
		doc_free(&sub);
		if (pg.line < pg.room)
			pager_put(&pg, "");
	}
	if (pg.line && pg.line + tail->n > pg.room)
		pager_new(&pg);
	for (size_t i = 0; i < tail->n; i++)
		pager_put(&pg, tail->v[i]);
	if (pg.nomem)
		goto done;
	struct strbuf b = {0};
	char *ttl = centred(_("Service ledger"));
	for (size_t p = 0; p < pg.np; p++) {
		if (p)
			sb_str(&b, "\f");
		char left[256], right[128];
		snprintf(left, sizeof left, _("Unit: %s   Month: %s"), l->unit_name ? l->unit_name : "",
		         month);
		snprintf(right, sizeof right, _("Page %zu of %zu"), p + 1, pg.np);
		char *two = two_sides(left, right);
		sb_addf(&b, "%s\n%s\n\n", ttl ? ttl : "", two ? two : left);
		free(two);
		for (size_t i = 0; i < pg.p[p].n; i++)
			sb_addf(&b, "%s\n", pg.p[p].v[i]);
		if (pg.p[p].nomem)
			pg.nomem = true;
	}
	free(ttl);
	text = sb_detach(&b);
	if (pg.nomem) {
		free(text);
		text = NULL;
	}
done:
	for (size_t p = 0; p < pg.np; p++)
		doc_free(&pg.p[p]);
	free(pg.p);
	free(top);
	free(mid);
	free(bot);
	return text;
}

static int
ledger(store *st, const struct formset *forms, const struct scope *sc, const char *today,
       const struct print_req *q, struct doc *d, char *title, size_t titlesz, char **out)
{
	char month[8];
	if (q->period) {
		struct report_period p;
		if (report_period_parse(q->period, &p) < 0 || p.months != 1)
			return STORE_INVALID;
		snprintf(month, sizeof month, "%04d-%02d", p.year, p.month);
	} else {
		snprintf(month, sizeof month, "%.7s", today);
	}
	const char *unit = q->village ? q->village : sc ? sc->unit : NULL;
	if (!unit)
		return STORE_INVALID;
	/* a unit out of reach (a village worker asking for the township) */
	if (sc && !scope_in_reach(sc, unit))
		return STORE_DENIED;
	struct ledger l = {.forms = forms, .sc = sc, .unit = unit, .month = month};
	int err = store_read(st, ledger_txn, &l);
	struct doc rows = {0};
	struct ledger_rows lr = {&l, &rows, NULL, d, 0, 0, 0};
	if (!err && l.n)
		qsort(l.v, l.n, sizeof *l.v, ledger_order);
	if (!err && l.grouped)
		err = ledger_bucket(&l);
	if (!err && !(lr.height = calloc(l.n ? l.n : 1, sizeof *lr.height)))
		err = STORE_NOMEM;
	if (!err)
		err = store_read(st, ledger_rows_txn, &lr);
	if (!err && rows.nomem)
		err = STORE_NOMEM;
	if (err)
		goto done;
	/* TRANSLATORS: a printed document's short name: 服务台账 安宁村 2026-11 */
	snprintf(title, titlesz, _("Service ledger %s %s"), l.unit_name ? l.unit_name : "", month);

	struct table tb = {6, paper_wide ? ledger_w_wide : ledger_w};
	/* TRANSLATORS: the ledger's column headings: 日期 / 服务功能 /
	 * 服务对象 / 社工 / 志愿者及时长 / 服务内容 */
	const char *heads[] = {_("Date"), _("Function"), _("People served"), _("Worker"),
	                       _("Volunteers, hours"), _("Service content")};
	struct doc head = {0};
	table_row(&tb, heads, &head);
	/* each page: title, unit and page, blank, top rule, headings, rule;
	 * the rows, a rule between them; the bottom rule */
	int fixed = 4 + (int)head.n + 1;
	int room = PRINT_PAGE_LINES - fixed - 1;
	/* the pages: which rows each holds */
	size_t *first = calloc(l.n + 2, sizeof *first), pages = 0;
	size_t line = 0, k = 0;
	if (!first) {
		doc_free(&head);
		err = STORE_NOMEM;
		goto done;
	}
	first[pages++] = 0;
	for (size_t i = 0; i < l.n; i++) {
		size_t need = lr.height[i] + (k ? 1 : 0);
		if (k && line + need > (size_t)room) {
			first[pages++] = i;
			line = 0;
			k = 0;
			need = lr.height[i];
		}
		line += need;
		k++;
	}
	/* the totals after the table on the last page, or on a page of their own */
	struct doc tail = {0};
	doc_add(&tail, "");
	/* TRANSLATORS: the ledger's totals: 合计：服务 12 次，服务 30 人次，志愿服务 8.5 小时，社工 10 小时 */
	doc_addf(&tail, _("Totals: %zu services, %zu people served (times), %.12g volunteer hours, "
	                  "%.12g worker hours"),
	         l.n, lr.people, lr.vol_hours, lr.worker_hours);
	doc_add(&tail, "");
	/* TRANSLATORS: 填表人：________  审核人：________ */
	doc_add(&tail, _("Filled in by: ____________   Checked by: ____________"));
	if (l.grouped) {
		free(first);
		char *text = ledger_grouped(&l, &lr, &tb, &head, &tail, month);
		bool short_of_memory = !text || tail.nomem || head.nomem;
		doc_free(&head);
		doc_free(&tail);
		if (short_of_memory) {
			free(text);
			err = STORE_NOMEM;
			goto done;
		}
		*out = text;
		goto done;
	}
	bool totals_apart = line + tail.n > (size_t)room;
	size_t npages = pages + (totals_apart ? 1 : 0);
	first[pages] = l.n;
	struct strbuf b = {0};
	/* TRANSLATORS: the ledger's title: 服务台账 */
	char *ttl = centred(_("Service ledger"));
	size_t row0 = 0;   /* the first line in rows of the row being written */
	for (size_t p = 0; p < npages; p++) {
		if (p)
			sb_str(&b, "\f");
		sb_str(&b, ttl ? ttl : "");
		sb_str(&b, "\n");
		char left[256], right[128];
		/* TRANSLATORS: the ledger's head: 单位：安宁村  月份：2026-11 */
		snprintf(left, sizeof left, _("Unit: %s   Month: %s"), l.unit_name ? l.unit_name : "",
		         month);
		snprintf(right, sizeof right, _("Page %zu of %zu"), p + 1, npages);
		char *two = two_sides(left, right);
		sb_str(&b, two ? two : left);
		sb_str(&b, "\n\n");
		free(two);
		if (p >= pages)
			goto totals;
		char *r1 = rule(&tb, "┌", "┬", "┐");
		sb_str(&b, r1 ? r1 : "");
		sb_str(&b, "\n");
		free(r1);
		for (size_t i = 0; i < head.n; i++) {
			sb_str(&b, head.v[i]);
			sb_str(&b, "\n");
		}
		char *mid = rule(&tb, "├", "┼", "┤");
		if (l.n) {
			sb_str(&b, mid ? mid : "");
			sb_str(&b, "\n");
		}
		for (size_t i = first[p]; i < first[p + 1]; i++) {
			if (i > first[p]) {
				sb_str(&b, mid ? mid : "");
				sb_str(&b, "\n");
			}
			for (size_t j = 0; j < lr.height[i]; j++) {
				sb_str(&b, rows.v[row0 + j]);
				sb_str(&b, "\n");
			}
			row0 += lr.height[i];
		}
		free(mid);
		char *r3 = rule(&tb, "└", "┴", "┘");
		sb_str(&b, r3 ? r3 : "");
		sb_str(&b, "\n");
		free(r3);
		if (p + 1 < pages || totals_apart)
			continue;
totals:
		for (size_t i = 0; i < tail.n; i++) {
			sb_str(&b, tail.v[i]);
			sb_str(&b, "\n");
		}
	}
	free(ttl);
	free(first);
	bool short_of_memory = tail.nomem || head.nomem;
	doc_free(&head);
	doc_free(&tail);
	{
		char *text = sb_detach(&b);
		if (!text || short_of_memory) {
			free(text);
			err = STORE_NOMEM;
			goto done;
		}
		*out = text;
	}
done:
	doc_free(&rows);
	free(lr.height);
	for (size_t i = 0; i < l.n; i++)
		record_free(l.v[i]);
	free(l.v);
	free(l.unit_name);
	for (size_t i = 0; i < l.ng; i++)
		free(l.g[i].name);
	free(l.g);
	free(l.gof);
	return err;
}

/* --- the report ---------------------------------------------------------------------- */

/* The chart's lines: the label in CHART_LABEL_COLS columns, a blank, a bar
 * of █ (the biggest number CHART_BAR_COLS long, or CHART_BAR_WIDE where
 * █ prints two columns), a blank, the number. */
#define CHART_LABEL_COLS 20
#define CHART_BAR_COLS 48
#define CHART_BAR_WIDE 24

static size_t
chart_bar(size_t value, size_t max, size_t most)
{
	return max ? (value * most + max - 1) / max : 0;
}

const char *
print_chart_heading(void)
{
	/* TRANSLATORS: the chart's heading: 各项服务次数 */
	return _("Services by function");
}

/* One line of the chart: *labellen the label's bytes (without its
 * padding), *bar the █ in it, *value its number. */
static bool
chart_line(const char *s, size_t len, size_t *labellen, size_t *bar, size_t *value)
{
	/* the number at the end, a blank before it */
	size_t e = len, v = 0, mul = 1;
	while (e > 0 && s[e - 1] >= '0' && s[e - 1] <= '9') {
		if (len - e >= 9)
			return false;
		v += (size_t)(s[e - 1] - '0') * mul;
		mul *= 10;
		e--;
	}
	if (e == len || e == 0 || s[e - 1] != ' ')
		return false;
	e--;
	/* the bar */
	static const char block[] = "█";
	const size_t bl = sizeof block - 1;
	size_t k = 0;
	while (e >= bl && memcmp(s + e - bl, block, bl) == 0) {
		e -= bl;
		k++;
	}
	if (e == 0 || s[e - 1] != ' ')
		return false;
	e--;
	/* the label padded to its columns: narrow (UTF-8) or wide (GB18030) */
	int narrow = 0, wide = 0;
	size_t lab = 0;
	for (size_t i = 0; i < e;) {
		uint32_t cp;
		size_t n = text_utf8_decode(s + i, e - i, &cp);
		if (n == 0 || cp < 0x20 || cp == 0x2588)
			return false;
		int w = text_cp_width(cp);
		if (w < 0)
			w = 1;
		narrow += w;
		wide += w == 1 && cp >= 0x80 ? 2 : w;
		i += n;
		if (cp != ' ')
			lab = i;
	}
	if (lab == 0 || (narrow != CHART_LABEL_COLS && wide != CHART_LABEL_COLS))
		return false;
	*labellen = lab;
	*bar = k;
	*value = v;
	return true;
}

size_t
print_chart_read(const char *const *line, const size_t *len, size_t n, size_t *first,
                 struct print_chart_bar *bar, size_t maxbar)
{
	const char *h = print_chart_heading();
	size_t hl = strlen(h);
	if (n == 0 || len[0] < hl || memcmp(line[0], h, hl) != 0)
		return 0;
	for (size_t i = hl; i < len[0]; i++)
		if (line[0][i] != ' ')
			return 0;
	size_t i = 1;
	while (i < n && len[i] == 0)
		i++;
	size_t start = i, nb = 0, max = 0, maxbar_cols = 0;
	for (; i < n && nb < maxbar; i++, nb++) {
		size_t k;
		if (!chart_line(line[i], len[i], &bar[nb].label_len, &k, &bar[nb].value))
			break;
		bar[nb].cols = k;
		if (bar[nb].value >= max) {
			max = bar[nb].value;
			maxbar_cols = k;
		}
	}
	if (nb == 0)
		return 0;
	/* the bars are as long as the report makes them for their numbers */
	size_t most = maxbar_cols;
	if (max > 0 && most != CHART_BAR_COLS && most != CHART_BAR_WIDE)
		return 0;
	for (size_t b = 0; b < nb; b++)
		if (bar[b].cols != chart_bar(bar[b].value, max, most))
			return 0;
	*first = start;
	return nb;
}

struct report_ctx {
	struct report_opts o;
	struct report r;
};

static int
report_txn(store_txn *t, void *ctx)
{
	struct report_ctx *rc = ctx;
	return report_compute(t, &rc->o, &rc->r);
}

static int
report_doc(store *st, const struct formset *forms, const struct scope *sc, const char *today,
           const struct print_req *q, struct doc *d, char *title, size_t titlesz)
{
	struct report_ctx rc = {0};
	if (q->period) {
		if (report_period_parse(q->period, &rc.o.period) < 0)
			return STORE_INVALID;
	} else if (report_period_month_of(today, &rc.o.period) < 0) {
		return STORE_INVALID;
	}
	rc.o.sc = sc;
	rc.o.village = q->village;
	rc.o.functions = forms ? report_functions(forms) : NULL;
	int err = store_read(st, report_txn, &rc);
	if (err)
		return err;
	struct report *r = &rc.r;
	char per[16];
	report_period_format(&r->period, per);
	/* TRANSLATORS: a printed document's short name: 工作报表 2026-11 */
	snprintf(title, titlesz, _("Report %s"), per);
	/* TRANSLATORS: the printed report's title: 社会工作服务统计报表 */
	doc_push(d, centred(_("Social work service report")));
	char left[128], right[64];
	/* TRANSLATORS: 统计期间：2026-11 */
	snprintf(left, sizeof left, _("Period: %s"), per);
	snprintf(right, sizeof right, "%s%s", _("Printed on:"), today);
	doc_push(d, two_sides(left, right));
	doc_add(d, "");
	/* the columns: the villages when they fit beside the total, else the total */
	size_t ncols = r->ncols <= 4 ? r->ncols : 0;
	int lw = paper_wide ? 26 : 30, vw = 8;
	int w[6];
	w[0] = lw;
	for (size_t i = 0; i <= ncols; i++)
		w[1 + i] = vw;
	struct table tb = {(int)ncols + 2, w};
	doc_push(d, rule(&tb, "┌", "┬", "┐"));
	const char *cells[6];
	/* TRANSLATORS: the report's first column heading: 项目 */
	cells[0] = _("Item");
	for (size_t i = 0; i < ncols; i++)
		cells[1 + i] = r->cols[i].name;
	/* TRANSLATORS: the report's total column: 合计 */
	cells[1 + ncols] = _("Total");
	table_row(&tb, cells, d);
	doc_push(d, rule(&tb, "├", "┼", "┤"));
	size_t nrows = report_rows(r);
	for (size_t row = 0; row < nrows; row++) {
		char label[256], vals[5][16];
		cells[0] = report_row_label(r, row, label, sizeof label);
		for (size_t i = 0; i < ncols; i++)
			cells[1 + i] = report_row_value(r, &r->cols[i].f, row, vals[i], NULL);
		cells[1 + ncols] = report_row_value(r, &r->total, row, vals[ncols], NULL);
		if (row)   /* ruled between the rows, as a paper ledger is */
			doc_push(d, rule(&tb, "├", "┼", "┤"));
		table_row(&tb, cells, d);
	}
	doc_push(d, rule(&tb, "└", "┴", "┘"));
	if (r->ncols > 4)
		/* TRANSLATORS: under the printed report when the villages do not fit */
		doc_addf(d, _("%zu villages: the table shows their total; print one village with "
		              "--village."),
		         r->ncols);
	/* the chart: services by function, bars of █ (print_chart_read reads
	 * it back for pdf.c, which draws it as a chart), whole on one page:
	 * where it would not fit under the table, on the next */
	size_t chart_lines = 3 + r->nfunctions + 1 + 2;
	if (d->n + chart_lines > PRINT_PAGE_LINES - 2)
		doc_push(d, strdup(DOC_BREAK));
	doc_add(d, "");
	doc_add(d, print_chart_heading());
	doc_add(d, "");
	size_t max = 0;
	for (size_t i = 0; i <= r->nfunctions; i++)
		if (r->total.services[i] > max)
			max = r->total.services[i];
	for (size_t i = 0; i <= r->nfunctions; i++) {
		if (i == REPORT_OTHER(r) && !r->total.services[i])
			continue;
		const char *lab = i < r->nfunctions ? _(r->functions[i].label) : _("Other functions");
		struct strbuf b = {0};
		sb_pad(&b, lab, CHART_LABEL_COLS);
		sb_str(&b, " ");
		size_t most = paper_wide ? CHART_BAR_WIDE : CHART_BAR_COLS;
		size_t bar = chart_bar(r->total.services[i], max, most);
		for (size_t k = 0; k < bar; k++)
			sb_str(&b, "█");
		sb_addf(&b, " %zu", r->total.services[i]);
		doc_push(d, sb_detach(&b));
	}
	doc_add(d, "");
	/* TRANSLATORS: 制表人：________  审核人：________  (单位盖章) */
	doc_add(d, _("Made by: ____________   Checked by: ____________   (Seal)"));
	report_free(r);
	return 0;
}

/* --- a blank form ---------------------------------------------------------------------- */

static int
blank(const struct formset *forms, const struct print_req *q, struct doc *d, char *title,
      size_t titlesz)
{
	const struct form *f = forms && q->form ? formset_find(forms, q->form) : NULL;
	if (!f)
		return STORE_NOTFOUND;
	/* TRANSLATORS: a printed document's short name: 空白表 需求 */
	snprintf(title, titlesz, _("Blank form %s"), _(f->title));
	doc_push(d, centred(_(f->title)));
	doc_add(d, "");
	/* TRANSLATORS: the head of a blank form: 填表日期：____  填表人：____ */
	doc_add(d, _("Date: ____________   Filled in by: ____________"));
	doc_add(d, "");
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		if (fd->name[0] == FORM_INTERNAL_PREFIX || fd->type == FT_CALCULATE || fd->readonly)
			continue;
		const char *lab = _(fd->label);
		char head[256];
		snprintf(head, sizeof head, "%s%s%s", fd->required ? "*" : "", lab, _(": "));
		int hw = paper_width(head, strlen(head));
		if (fd->type == FT_SELECT_ONE || fd->type == FT_SELECT_MULTIPLE ||
		    fd->type == FT_YESNO) {
			struct strbuf b = {0};
			sb_str(&b, head);
			int col = hw;
			const char *yn[] = {_("Yes"), _("No")};
			size_t n = fd->type == FT_YESNO ? 2 : fd->choices ? fd->choices->n : 0;
			for (size_t k = 0; k < n; k++) {
				const char *c = fd->type == FT_YESNO ? yn[k] : _(fd->choices->items[k].label);
				int cw = 2 + paper_width(c, strlen(c)) + 2;
				if (col + cw > PRINT_COLS && col > 4) {
					doc_push(d, sb_detach(&b));
					b = (struct strbuf){0};
					sb_str(&b, "    ");
					col = 4;
				}
				sb_str(&b, "□");
				sb_str(&b, c);
				sb_str(&b, "  ");
				col += cw;
			}
			if (fd->type == FT_SELECT_MULTIPLE) {
				/* TRANSLATORS: after a blank form's choices where several may be ticked */
				sb_str(&b, _("(tick all that apply)"));
			}
			char *s = sb_detach(&b);
			doc_add(d, s ? s : "");
			free(s);
		} else {
			int lines = fd->type == FT_NOTE ? 3 : 1;
			struct strbuf b = {0};
			sb_str(&b, head);
			int room = PRINT_COLS - hw;
			if (fd->type == FT_DATE) {
				/* TRANSLATORS: a blank form's date: ____年__月__日 */
				sb_str(&b, _("______ year ___ month ___ day"));
			} else if (fd->type == FT_IDNUM) {
				for (int k = 0; k < 18; k++)
					sb_str(&b, "□");
			} else {
				for (int k = 0; k < room; k++)
					sb_str(&b, "_");
			}
			char *s = sb_detach(&b);
			doc_add(d, s ? s : "");
			free(s);
			for (int k = 1; k < lines; k++) {
				struct strbuf u = {0};
				for (int j = 0; j < PRINT_COLS; j++)
					sb_str(&u, "_");
				char *l2 = sb_detach(&u);
				doc_add(d, "");
				doc_add(d, l2 ? l2 : "");
				free(l2);
			}
		}
		doc_add(d, "");
	}
	/* TRANSLATORS: the foot of a blank form: 服务对象签字：____  日期：____ */
	doc_add(d, _("Signature of the person: ____________   Date: ____________"));
	return 0;
}

/* --- a list as a screen shows it ------------------------------------------------------- */

char *
print_records(const rec_id *ids, size_t n)
{
	struct doc d = {0};
	for (size_t i = 0; ids && i < n; i++)
		doc_record(&d, &ids[i]);
	char *s = strdup(d.rec.p ? d.rec.p : "");
	doc_free(&d);
	return s;
}

/* The columns' widths: each as wide as its widest cell (its head at
 * least), then the widest cut a column at a time until the ruled line
 * (a rule each side of every column, two columns each where every
 * character beyond ASCII prints two) fits; in that case even, as the
 * rules are drawn two columns a character. */
static void
list_widths(const struct print_list *l, size_t nc, int *w)
{
	int total = 0, step = paper_wide ? 2 : 1;
	for (size_t c = 0; c < nc; c++) {
		const char *h = l->heads[c] ? l->heads[c] : "";
		w[c] = paper_width(h, strlen(h));
		for (size_t r = 0; r < l->nrows; r++) {
			const char *v = l->cells[r * l->ncols + c];
			int vw = v ? paper_width(v, strlen(v)) : 0;
			if (vw > w[c])
				w[c] = vw;
		}
		if (w[c] < 2)
			w[c] = 2;
		w[c] += w[c] % step;
		total += w[c];
	}
	total += step * (int)(nc + 1);
	while (total > PRINT_COLS) {
		size_t widest = 0;
		for (size_t c = 1; c < nc; c++)
			if (w[c] > w[widest])
				widest = c;
		if (w[widest] <= 4)
			break;
		w[widest] -= step;
		total -= step;
	}
}

char *
print_list_text(const struct print_list *l, char *title, size_t titlesz, char **records)
{
	char tbuf[256], today[11];
	if (!title || !titlesz) {
		title = tbuf;
		titlesz = sizeof tbuf;
	}
	if (records)
		*records = NULL;
	if (l->today)
		snprintf(today, sizeof today, "%s", l->today);
	else
		local_date(today);
	paper_wide = l->wide;
	size_t nc = l->ncols < PRINT_LIST_MAXCOLS ? l->ncols : PRINT_LIST_MAXCOLS;
	int w[PRINT_LIST_MAXCOLS];
	list_widths(l, nc, w);
	struct table tb = {(int)nc, w};
	/* TRANSLATORS: a printed list's name and heading: 居民名单 */
	if (l->heading)
		snprintf(title, titlesz, "%s", l->heading);
	else
		snprintf(title, titlesz, _("%s list"), l->title ? l->title : "");

	struct doc head = {0}, rows = {0};
	size_t hh = 0, *height = calloc(l->nrows + 1, sizeof *height);
	hh = table_row(&tb, l->heads, &head);
	for (size_t r = 0; height && r < l->nrows; r++)
		height[r] = table_row(&tb, l->cells + r * l->ncols, &rows);
	char *rtop = rule(&tb, "┌", "┬", "┐"), *mid = rule(&tb, "├", "┼", "┤");
	char *bot = rule(&tb, "└", "┴", "┘");
	/* each page: the title, the filter and date, a blank, the top rule,
	 * the heads, a rule; the rows, a rule between them; the bottom rule;
	 * a blank and the page number */
	int room = PRINT_PAGE_LINES - 3 - 1 - (int)head.n - 1 - 1 - 2;
	size_t *first = calloc(l->nrows + 2, sizeof *first), pages = 0, line = 0;
	char *text = NULL;
	(void)hh;
	if (!height || !first || !rtop || !mid || !bot || head.nomem || rows.nomem)
		goto done;
	first[pages++] = 0;
	for (size_t r = 0; r < l->nrows; r++) {
		size_t need = height[r] + (line ? 1 : 0);
		if (line && line + need > (size_t)room) {
			first[pages++] = r;
			line = 0;
			need = height[r];
		}
		line += need;
	}
	first[pages] = l->nrows;
	char left[512], right[128], count[64];
	/* TRANSLATORS: a printed list's count: 共 120 条 */
	snprintf(count, sizeof count, _("%zu in all"), l->nrows);
	snprintf(left, sizeof left, "%s%s%s", l->filter && *l->filter ? l->filter : "",
	         l->filter && *l->filter ? _("; ") : "", count);
	/* TRANSLATORS: a printed list's date: 打印日期：2026-12-03 */
	snprintf(right, sizeof right, _("Printed on %s"), today);
	char *top = centred(title);
	char *two = two_sides(left, right);
	struct strbuf b = {0};
	size_t line0 = 0;
	for (size_t p = 0; p < pages; p++) {
		if (p)
			sb_str(&b, "\f");
		sb_addf(&b, "%s\n", top ? top : "");
		if (paper_width(left, strlen(left)) + paper_width(right, strlen(right)) + 2 > PRINT_COLS) {
			struct doc lf = {0};   /* a long filter: its own lines */
			doc_wrap(&lf, left, PRINT_COLS);
			for (size_t i = 0; i < lf.n; i++)
				sb_addf(&b, "%s\n", lf.v[i]);
			doc_free(&lf);
			sb_addf(&b, "%s\n", right);
		} else {
			sb_addf(&b, "%s\n", two ? two : left);
		}
		sb_str(&b, "\n");
		sb_addf(&b, "%s\n", rtop);
		for (size_t i = 0; i < head.n; i++)
			sb_addf(&b, "%s\n", head.v[i]);
		sb_addf(&b, "%s\n", l->nrows ? mid : bot);
		for (size_t r = first[p]; r < first[p + 1]; r++) {
			if (r > first[p])
				sb_addf(&b, "%s\n", mid);
			for (size_t k = 0; k < height[r]; k++)
				sb_addf(&b, "%s\n", rows.v[line0 + k]);
			line0 += height[r];
		}
		if (l->nrows)
			sb_addf(&b, "%s\n", bot);
		if (!l->nrows)
			sb_addf(&b, "%s\n", _("Nothing to list."));
		if (pages > 1) {
			char num[128];
			snprintf(num, sizeof num, _("Page %zu of %zu"), p + 1, pages);
			char *foot = two_sides(title, num);
			sb_addf(&b, "\n%s\n", foot ? foot : num);
			free(foot);
		}
	}
	free(top);
	free(two);
	text = sb_detach(&b);
	if (text && records && !(*records = print_records(l->ids, l->ids ? l->nrows : 0))) {
		free(text);
		text = NULL;
	}
done:
	free(rtop);
	free(mid);
	free(bot);
	free(first);
	free(height);
	doc_free(&head);
	doc_free(&rows);
	paper_wide = false;
	return text;
}

/* --- the documents ----------------------------------------------------------------------- */

char *
print_text_records(store *st, const struct formset *forms, const struct scope *scope,
                   const struct print_req *q, char *title, size_t titlesz, char **records,
                   int *err)
{
	int unused;
	if (!err)
		err = &unused;
	char tbuf[256];
	if (!title || !titlesz) {
		title = tbuf;
		titlesz = sizeof tbuf;
	}
	*title = '\0';
	if (records)
		*records = NULL;
	char today[11];
	if (q->today)
		snprintf(today, sizeof today, "%s", q->today);
	else
		local_date(today);
	struct doc d = {0};
	char *made = NULL;   /* a document paged by itself (the ledger) */
	paper_wide = q->wide;
	switch (q->doc) {
	case PRINT_SLIP:
		*err = slip(st, q, &d, title, titlesz);
		break;
	case PRINT_CERTIFICATE:
		*err = certificate(st, scope, q, &d, title, titlesz);
		break;
	case PRINT_CASEFILE:
		*err = casefile(st, forms, scope, today, q, &d, title, titlesz);
		break;
	case PRINT_LEDGER:
		*err = ledger(st, forms, scope, today, q, &d, title, titlesz, &made);
		break;
	case PRINT_REPORT:
		*err = report_doc(st, forms, scope, today, q, &d, title, titlesz);
		break;
	case PRINT_BLANK:
		*err = blank(forms, q, &d, title, titlesz);
		break;
	default:
		*err = STORE_INVALID;
	}
	char *text = NULL;
	if (!*err) {
		text = made ? made : doc_render(&d, title);
		made = NULL;
		if (!text)
			*err = STORE_NOMEM;
	}
	free(made);
	if (!*err && records)
		*records = strdup(d.rec.p ? d.rec.p : "");
	doc_free(&d);
	paper_wide = false;
	return text;
}

char *
print_text(store *st, const struct formset *forms, const struct scope *scope,
           const struct print_req *q, char *title, size_t titlesz, int *err)
{
	return print_text_records(st, forms, scope, q, title, titlesz, NULL, err);
}

int
print_audit(store *st, const char *doc, const char *way, const char *records)
{
	return print_audit_as(st, "print", doc, way, records);
}

int
print_audit_as(store *st, const char *action, const char *doc, const char *way,
               const char *records)
{
	char note[256];
	const char *recs = records ? records : "";
	int n = snprintf(note, sizeof note, "doc=%s way=%s records=", doc ? doc : "?",
	                 way ? way : "?");
	if (n < 0)
		return STORE_INVALID;
	size_t room = sizeof note - (size_t)n - 1;
	if (strlen(recs) <= room) {
		snprintf(note + n, sizeof note - (size_t)n, "%s", recs);
	} else {
		/* whole ids only, then "..." */
		size_t k = room >= 4 ? room - 4 : 0;
		while (k && recs[k] != ',')
			k--;
		snprintf(note + n, sizeof note - (size_t)n, "%.*s%s...", (int)k, recs, k ? "," : "");
	}
	/* the entry names the document's record (the first shown: the slip's
	 * referral, the case file's resident), as `audit --record` finds it */
	rec_id id, *one = NULL;
	char first[REC_ID_TEXTMAX];
	size_t fl = strcspn(recs, ",");
	if (fl && fl < sizeof first) {
		memcpy(first, recs, fl);
		first[fl] = '\0';
		if (rec_id_parse(first, &id) == 0)
			one = &id;
	}
	return audit_log_now(st, action, one, note);
}
