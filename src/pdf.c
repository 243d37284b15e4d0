/* pdf.c: a printed document as an A4 PDF: the layouts' text of 80
 * columns set with Pango on a Cairo PDF surface, each character in its
 * own cell of a fixed grid (so the columns and ruled tables line up
 * whatever font a character comes from), box-drawing characters drawn as
 * joined rules, cut lines dashed, bars filled; the report's chart (as
 * print_chart_read reads it back) drawn as a chart: bars scaled to the
 * page, an axis, a scale, each bar's number; a footer with the title and
 * the page number; written under a temporary name and renamed. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "lazylib.h"
#include "pdf.h"
#include "print.h"
#include "store.h"
#include "text.h"
#include "util.h"

#ifdef HAVE_PDF

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

/* Pango, Cairo and GLib are opened only when a PDF is made or asked about
 * (pdf_available): every other command starts without loading and
 * relocating some forty libraries (see lazylib.h). */
#define PDF_FUNCS(X) \
	X(cairo_create) X(cairo_destroy) X(cairo_fill) X(cairo_font_options_create) \
	X(cairo_font_options_destroy) X(cairo_font_options_set_hint_metrics) \
	X(cairo_font_options_set_hint_style) X(cairo_line_to) X(cairo_move_to) \
	X(cairo_pdf_surface_create_for_stream) X(cairo_pdf_surface_restrict_to_version) \
	X(cairo_pdf_surface_set_metadata) X(cairo_rectangle) X(cairo_restore) X(cairo_save) \
	X(cairo_scale) X(cairo_set_dash) X(cairo_set_line_cap) X(cairo_set_line_width) \
	X(cairo_set_source_rgb) X(cairo_show_page) X(cairo_stroke) X(cairo_surface_destroy) \
	X(cairo_surface_finish) X(cairo_surface_status) X(cairo_translate) X(g_object_unref) \
	X(pango_cairo_context_set_font_options) X(pango_cairo_create_context) \
	X(pango_cairo_show_layout) X(pango_cairo_show_layout_line) X(pango_context_get_metrics) \
	X(pango_context_set_round_glyph_positions) X(pango_font_description_copy) \
	X(pango_font_description_free) X(pango_font_description_from_string) \
	X(pango_font_description_set_absolute_size) X(pango_font_metrics_get_ascent) \
	X(pango_font_metrics_get_descent) X(pango_font_metrics_unref) \
	X(pango_layout_get_line_readonly) X(pango_layout_get_size) \
	X(pango_layout_get_unknown_glyphs_count) X(pango_layout_line_get_extents) X(pango_layout_new) \
	X(pango_layout_set_ellipsize) X(pango_layout_set_font_description) X(pango_layout_set_text) \
	X(pango_layout_set_width)

static struct {
#define PDF_SLOT(f) __typeof__(&f) f;
	PDF_FUNCS(PDF_SLOT)
#undef PDF_SLOT
} pc;

static bool
pdf_load(char *why, size_t whysize)
{
	static void *handle;
	static const struct lazylib_sym syms[] = {
#define PDF_SYM(f) {#f, &pc.f, sizeof pc.f},
		PDF_FUNCS(PDF_SYM)
#undef PDF_SYM
	};
	return lazylib_load(&handle, PANGOCAIRO_SONAME, syms, sizeof syms / sizeof syms[0],
	                    _("Printing to PDF"), "libpangocairo-1.0-0", why, whysize);
}

/* A4 in points; 80 columns between the side margins */
#define PAGE_W 595.276
#define PAGE_H 841.890
#define MARGIN_X 42.0
#define MARGIN_TOP 40.0
#define MARGIN_BOTTOM 58.0 /* the footer sits in it */
#define COLS 80
#define MIN_ROWS 56        /* a short page keeps the size a full one has */
#define RULE_W 0.6
/* a monospace CJK face (its half-width cells are half its ideographs'),
 * then a face of CJK Extension B for rare name characters outside the
 * BMP (𠀀, 𠈌); fontconfig's own fallback after them */
#define FONT_FAMILIES "Noto Sans Mono CJK SC,HanaMinB,HanaMinA,DejaVu Sans Mono"

/* one character of a line in its cells */
struct cell {
	uint32_t cp;
	int col, width;
};

struct line {
	struct cell *c;
	size_t n;
	const char *s; /* its text (without '\n'), while the document lives */
	size_t len;
	/* a bar of the report's chart (chart >= 0: which one): its label's
	 * cells, its number; or (scale) the row under the chart's last bar */
	int chart;
	bool scale;
	size_t label_cells, value;
};

/* a chart: its biggest number, where its bars start (a column) */
struct chart {
	size_t max;
	int axis_col;
};

struct page {
	struct line *l;
	size_t n;
};

struct doc {
	struct page *p;
	size_t n;
	int rows; /* the most lines of a page */
	struct chart *ch;
	size_t nch;
};

/* box drawing: which arms a character has (left, right, up, down) */
enum { ARM_L = 1, ARM_R = 2, ARM_U = 4, ARM_D = 8 };

static int
box_arms(uint32_t cp)
{
	static const struct { uint32_t cp; int arms; } box[] = {
		{0x2500, ARM_L | ARM_R}, {0x2501, ARM_L | ARM_R}, {0x2550, ARM_L | ARM_R},
		{0x2502, ARM_U | ARM_D}, {0x2503, ARM_U | ARM_D}, {0x2551, ARM_U | ARM_D},
		{0x250C, ARM_R | ARM_D}, {0x250F, ARM_R | ARM_D}, {0x2554, ARM_R | ARM_D},
		{0x2510, ARM_L | ARM_D}, {0x2513, ARM_L | ARM_D}, {0x2557, ARM_L | ARM_D},
		{0x2514, ARM_R | ARM_U}, {0x2517, ARM_R | ARM_U}, {0x255A, ARM_R | ARM_U},
		{0x2518, ARM_L | ARM_U}, {0x251B, ARM_L | ARM_U}, {0x255D, ARM_L | ARM_U},
		{0x251C, ARM_R | ARM_U | ARM_D}, {0x2523, ARM_R | ARM_U | ARM_D}, {0x2560, ARM_R | ARM_U | ARM_D},
		{0x2524, ARM_L | ARM_U | ARM_D}, {0x252B, ARM_L | ARM_U | ARM_D}, {0x2563, ARM_L | ARM_U | ARM_D},
		{0x252C, ARM_L | ARM_R | ARM_D}, {0x2533, ARM_L | ARM_R | ARM_D}, {0x2566, ARM_L | ARM_R | ARM_D},
		{0x2534, ARM_L | ARM_R | ARM_U}, {0x253B, ARM_L | ARM_R | ARM_U}, {0x2569, ARM_L | ARM_R | ARM_U},
		{0x253C, ARM_L | ARM_R | ARM_U | ARM_D}, {0x254B, ARM_L | ARM_R | ARM_U | ARM_D},
		{0x256C, ARM_L | ARM_R | ARM_U | ARM_D},
	};
	if (cp < 0x2500 || cp > 0x256C)
		return 0;
	for (size_t i = 0; i < NELEM(box); i++)
		if (box[i].cp == cp)
			return box[i].arms;
	return 0;
}

/* █ and the left blocks ▉ … ▏: eighths of a cell filled from the left */
static int
block_eighths(uint32_t cp)
{
	return cp >= 0x2588 && cp <= 0x258F ? 8 - (int)(cp - 0x2588) : 0;
}

static void
doc_free(struct doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		for (size_t j = 0; j < d->p[i].n; j++)
			free(d->p[i].l[j].c);
		free(d->p[i].l);
	}
	free(d->p);
	free(d->ch);
	memset(d, 0, sizeof *d);
}

/* The report's chart in the document (print_chart_read finds it; the
 * bars may run over a page break): its bars' lines marked, the row under
 * its last bar (a blank one on the same page) for the scale. */
static int
doc_charts(struct doc *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += d->p[i].n;
	if (n == 0)
		return 0;
	const char **ls = malloc(n * sizeof *ls);
	size_t *ll = malloc(n * sizeof *ll);
	struct line **lr = malloc(n * sizeof *lr);
	struct print_chart_bar *bar = malloc(n * sizeof *bar);
	size_t *pg = malloc(n * sizeof *pg);
	int err = 0;
	if (!ls || !ll || !lr || !bar || !pg) {
		err = STORE_NOMEM;
		goto out;
	}
	size_t k = 0;
	for (size_t i = 0; i < d->n; i++)
		for (size_t j = 0; j < d->p[i].n; j++, k++) {
			lr[k] = &d->p[i].l[j];
			ls[k] = lr[k]->s;
			ll[k] = lr[k]->len;
			pg[k] = i;
		}
	for (size_t i = 0; i < n; i++) {
		size_t first, nb = print_chart_read(ls + i, ll + i, n - i, &first, bar, n - i);
		if (nb == 0)
			continue;
		struct chart *nc = realloc(d->ch, (d->nch + 1) * sizeof *nc);
		if (!nc) {
			err = STORE_NOMEM;
			goto out;
		}
		d->ch = nc;
		struct chart *c = &d->ch[d->nch];
		*c = (struct chart){0, 0};
		for (size_t b = 0; b < nb; b++) {
			struct line *ln = lr[i + first + b];
			ln->chart = (int)d->nch;
			ln->value = bar[b].value;
			/* the label's cells: a cell a character (it is UTF-8) */
			ln->label_cells = 0;
			for (size_t q = 0; q < bar[b].label_len;) {
				uint32_t cp;
				size_t m = text_utf8_decode(ln->s + q, bar[b].label_len - q, &cp);
				q += m ? m : 1;
				ln->label_cells++;
			}
			if (bar[b].value > c->max)
				c->max = bar[b].value;
			/* the bar starts after the label's padding and a blank:
			 * the cells before its █ and the blank and the number */
			size_t digits = 1;
			for (size_t v = bar[b].value; v >= 10; v /= 10)
				digits++;
			if (ln->n < digits + bar[b].cols + 2)
				continue;
			size_t sep = ln->n - digits - 1 - bar[b].cols - 1;
			int col = ln->c[sep].col + ln->c[sep].width;
			if (col > c->axis_col)
				c->axis_col = col;
		}
		size_t last = i + first + nb - 1;
		if (last + 1 < n && ll[last + 1] == 0 && pg[last + 1] == pg[last]) {
			lr[last + 1]->scale = true;
			lr[last + 1]->chart = (int)d->nch;
		}
		d->nch++;
		i = last;
	}
out:
	free(ls);
	free(ll);
	free(lr);
	free(bar);
	free(pg);
	return err;
}

/* The text cut into pages, lines and cells: bytes that are not UTF-8
 * become U+FFFD, control characters (a tab too) a blank. */
static int
doc_parse(struct doc *d, const char *text)
{
	memset(d, 0, sizeof *d);
	size_t len = strlen(text);
	const char *s = text, *end = text + len;
	for (;;) {
		struct page pg = {0};
		const char *pe = memchr(s, '\f', (size_t)(end - s));
		if (!pe)
			pe = end;
		const char *ls = s;
		while (ls < pe) {
			const char *le = memchr(ls, '\n', (size_t)(pe - ls));
			if (!le)
				le = pe;
			struct line ln = {.s = ls, .len = (size_t)(le - ls), .chart = -1};
			size_t cap = (size_t)(le - ls) + 1;
			ln.c = malloc(cap * sizeof *ln.c);
			if (!ln.c)
				goto nomem;
			int col = 0;
			for (const char *q = ls; q < le;) {
				uint32_t cp;
				size_t k = text_utf8_decode(q, (size_t)(le - q), &cp);
				if (k == 0) {
					cp = 0xFFFD;
					k = 1;
				}
				q += k;
				if (cp == '\r')
					continue;
				if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
					cp = ' ';
				int w = text_cp_width(cp);
				if (w < 0)
					w = 1;
				ln.c[ln.n++] = (struct cell){cp, col, w};
				col += w;
			}
			struct line *nl = realloc(pg.l, (pg.n + 1) * sizeof *pg.l);
			if (!nl) {
				free(ln.c);
				goto nomem;
			}
			pg.l = nl;
			pg.l[pg.n++] = ln;
			ls = le < pe ? le + 1 : pe;
		}
		/* a document ending in '\f' has no empty page after it */
		if (pe == end && pg.n == 0 && d->n > 0)
			break;
		struct page *np = realloc(d->p, (d->n + 1) * sizeof *d->p);
		if (!np) {
			for (size_t j = 0; j < pg.n; j++)
				free(pg.l[j].c);
			free(pg.l);
			goto nomem;
		}
		d->p = np;
		d->p[d->n++] = pg;
		if ((int)pg.n > d->rows)
			d->rows = (int)pg.n;
		if (pe == end)
			break;
		s = pe + 1;
	}
	if (doc_charts(d) == 0)
		return 0;
nomem:
	doc_free(d);
	return STORE_NOMEM;
}

/* the geometry every page shares */
struct grid {
	double colw, pitch, ascent, descent;
	double sx; /* the text's horizontal scale: an ideograph fills its two cells */
	PangoFontDescription *font, *small, *tiny;
};

/* A line is a cut line when it is mostly '-' (with ✂ or a word or two). */
static bool
cut_line(const struct line *ln)
{
	size_t dash = 0, other = 0;
	for (size_t i = 0; i < ln->n; i++) {
		if (ln->c[i].cp == '-')
			dash++;
		else if (ln->c[i].cp != ' ')
			other += (size_t)ln->c[i].width;
	}
	return dash >= 8 && dash >= 2 * other;
}

/* Each glyph set to its character's cells, centred in them, so that
 * column N is at the same place on every line whatever the face. */
static void
fit_glyphs(PangoLayoutLine *pl, const int *widthat, double colw)
{
	for (GSList *r = pl->runs; r; r = r->next) {
		PangoGlyphItem *gi = r->data;
		PangoGlyphString *gs = gi->glyphs;
		int prev = -1;
		for (int i = 0; i < gs->num_glyphs; i++) {
			int off = gi->item->offset + gs->log_clusters[i];
			PangoGlyphGeometry *g = &gs->glyphs[i].geometry;
			if (gs->log_clusters[i] == prev) {
				g->width = 0;
				continue;
			}
			prev = gs->log_clusters[i];
			int want = (int)(widthat[off] * colw * PANGO_SCALE + 0.5);
			g->x_offset += (want - g->width) / 2;
			g->width = want;
		}
	}
}

/* Draw one line at the top of row y (points); *missing counts the
 * characters no font had. */
static int
draw_line(cairo_t *cr, PangoLayout *lay, const struct grid *gr, const struct line *ln,
          double y, long *missing)
{
	double x0 = MARGIN_X;
	/* the text Pango sets: drawn characters become blanks of their width */
	size_t cap = ln->n * 4 + 1;
	char *buf = malloc(cap);
	int *widthat = malloc(cap * sizeof *widthat);
	if (!buf || !widthat) {
		free(buf);
		free(widthat);
		return STORE_NOMEM;
	}
	bool cut = cut_line(ln);
	size_t b = 0;
	for (size_t i = 0; i < ln->n; i++) {
		uint32_t cp = ln->c[i].cp;
		if (box_arms(cp) || block_eighths(cp) || (cut && cp == '-'))
			cp = ' ';
		char u[4];
		size_t k = text_utf8_encode(cp, u);
		for (size_t j = 0; j < k; j++)
			widthat[b + j] = ln->c[i].width;
		memcpy(buf + b, u, k);
		b += k;
	}
	buf[b] = '\0';
	widthat[b] = 0;

	pc.pango_layout_set_text(lay, buf, (int)b);
	*missing += pc.pango_layout_get_unknown_glyphs_count(lay);
	PangoLayoutLine *pl = pc.pango_layout_get_line_readonly(lay, 0);
	if (pl) {
		fit_glyphs(pl, widthat, gr->colw / gr->sx);
		double base = y + (gr->pitch - (gr->ascent + gr->descent)) / 2 + gr->ascent;
		pc.cairo_save(cr);
		pc.cairo_translate(cr, x0, base);
		pc.cairo_scale(cr, gr->sx, 1.0);
		pc.cairo_move_to(cr, 0, 0);
		pc.pango_cairo_show_layout_line(cr, pl);
		pc.cairo_restore(cr);
	}
	free(buf);
	free(widthat);

	/* rules, bars and the cut line */
	pc.cairo_set_line_width(cr, RULE_W);
	pc.cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
	for (size_t i = 0; i < ln->n; i++) {
		const struct cell *c = &ln->c[i];
		double cx = x0 + c->col * gr->colw, w = c->width * gr->colw;
		double mx = cx + w / 2, my = y + gr->pitch / 2;
		int arms = box_arms(c->cp), e = block_eighths(c->cp);
		if (arms) {
			if (arms & ARM_L) {
				pc.cairo_move_to(cr, cx, my);
				pc.cairo_line_to(cr, mx, my);
			}
			if (arms & ARM_R) {
				pc.cairo_move_to(cr, mx, my);
				pc.cairo_line_to(cr, cx + w, my);
			}
			if (arms & ARM_U) {
				pc.cairo_move_to(cr, mx, y);
				pc.cairo_line_to(cr, mx, my);
			}
			if (arms & ARM_D) {
				pc.cairo_move_to(cr, mx, my);
				pc.cairo_line_to(cr, mx, y + gr->pitch);
			}
			pc.cairo_stroke(cr);
		} else if (e) {
			/* bars of adjacent rows keep a hair apart, as a chart's do */
			pc.cairo_rectangle(cr, cx, y + gr->pitch * 0.1, w * e / 8.0, gr->pitch * 0.8);
			pc.cairo_fill(cr);
		}
	}
	if (cut) {
		static const double dash[] = {3.0, 2.0};
		pc.cairo_save(cr);
		pc.cairo_set_dash(cr, dash, NELEM(dash), 0);
		pc.cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
		double my = y + gr->pitch / 2;
		for (size_t i = 0; i < ln->n;) {
			if (ln->c[i].cp != '-') {
				i++;
				continue;
			}
			/* a run of dashes and the blanks between them ("- - -") */
			size_t j = i, last = i;
			while (j < ln->n && (ln->c[j].cp == '-' || ln->c[j].cp == ' ')) {
				if (ln->c[j].cp == '-')
					last = j;
				j++;
			}
			pc.cairo_move_to(cr, x0 + ln->c[i].col * gr->colw, my);
			pc.cairo_line_to(cr, x0 + (ln->c[last].col + 1) * gr->colw, my);
			pc.cairo_stroke(cr);
			i = j;
		}
		pc.cairo_restore(cr);
	}
	return 0;
}

/* the chart's scale: a step of 1, 2 or 5 times a power of ten, at most
 * five steps to its biggest number */
static size_t
chart_step(size_t max)
{
	static const size_t m[] = {1, 2, 5};
	for (size_t p = 1;; p *= 10)
		for (size_t i = 0; i < NELEM(m); i++)
			if (max <= 5 * m[i] * p || p > SIZE_MAX / 100)
				return m[i] * p;
}

/* where a chart's bars go on the page: from its axis to the right margin,
 * the room of its biggest number kept after the longest bar */
static void
chart_span(const struct grid *gr, const struct chart *c, double *x0, double *span)
{
	size_t digits = 1;
	for (size_t v = c->max; v >= 10; v /= 10)
		digits++;
	*x0 = MARGIN_X + c->axis_col * gr->colw;
	*span = MARGIN_X + COLS * gr->colw - (double)(digits + 1) * gr->colw - *x0;
}

/* text set at x on the row at y in the grid's face and scale (or the
 * small one, centred on x) */
static void
draw_text_at(cairo_t *cr, PangoLayout *lay, const struct grid *gr, const char *t, double x,
             double y, bool small)
{
	pc.pango_layout_set_text(lay, t, -1);
	PangoLayoutLine *pl = pc.pango_layout_get_line_readonly(lay, 0);
	if (!pl)
		return;
	double base = y + (gr->pitch - (gr->ascent + gr->descent)) / 2 + gr->ascent;
	pc.cairo_save(cr);
	if (small) {
		PangoRectangle ink, log;
		pc.pango_layout_line_get_extents(pl, &ink, &log);
		pc.cairo_translate(cr, x - (double)log.width / PANGO_SCALE / 2, y + gr->pitch * 0.92);
	} else {
		pc.cairo_translate(cr, x, base);
		pc.cairo_scale(cr, gr->sx, 1.0);
	}
	pc.cairo_move_to(cr, 0, 0);
	pc.pango_cairo_show_layout_line(cr, pl);
	pc.cairo_restore(cr);
}

/* A row of the report's chart at y: a bar (its label as text, the bar
 * filled to its number's share of the page's width, the axis, the
 * scale's lines, the number after the bar) or the scale under the last
 * bar (a line, ticks, their numbers). */
static int
draw_chart_row(cairo_t *cr, PangoLayout *lay, const struct grid *gr, const struct chart *c,
               const struct line *ln, double y, long *missing)
{
	double x0, span;
	chart_span(gr, c, &x0, &span);
	size_t step = chart_step(c->max);
	pc.cairo_save(cr);
	pc.cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
	if (ln->scale) {
		/* the base line and its ticks, numbered */
		double ty = y + gr->pitch * 0.05;
		pc.cairo_set_line_width(cr, RULE_W);
		pc.cairo_move_to(cr, x0, ty);
		pc.cairo_line_to(cr, x0 + span, ty);
		pc.cairo_stroke(cr);
		pc.pango_layout_set_font_description(lay, gr->tiny);
		for (size_t t = 0; c->max && t <= c->max; t += step) {
			double tx = x0 + span * (double)t / (double)c->max;
			pc.cairo_move_to(cr, tx, ty);
			pc.cairo_line_to(cr, tx, ty + gr->pitch * 0.2);
			pc.cairo_stroke(cr);
			char num[24];
			snprintf(num, sizeof num, "%zu", t);
			draw_text_at(cr, lay, gr, num, tx, y, true);
		}
		pc.pango_layout_set_font_description(lay, gr->font);
		pc.cairo_restore(cr);
		return 0;
	}
	/* the scale's lines, light, under the bar */
	pc.cairo_set_source_rgb(cr, 0.78, 0.78, 0.78);
	pc.cairo_set_line_width(cr, RULE_W / 2);
	for (size_t t = step; c->max && t <= c->max; t += step) {
		double tx = x0 + span * (double)t / (double)c->max;
		pc.cairo_move_to(cr, tx, y);
		pc.cairo_line_to(cr, tx, y + gr->pitch);
		pc.cairo_stroke(cr);
	}
	/* the bar */
	double w = c->max ? span * (double)ln->value / (double)c->max : 0;
	pc.cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	if (w > 0) {
		pc.cairo_rectangle(cr, x0, y + gr->pitch * 0.15, w, gr->pitch * 0.7);
		pc.cairo_fill(cr);
	}
	/* the axis, joined from row to row */
	pc.cairo_set_source_rgb(cr, 0, 0, 0);
	pc.cairo_set_line_width(cr, RULE_W * 1.5);
	pc.cairo_move_to(cr, x0, y);
	pc.cairo_line_to(cr, x0, y + gr->pitch);
	pc.cairo_stroke(cr);
	pc.cairo_restore(cr);
	/* the number after the bar */
	char num[24];
	snprintf(num, sizeof num, "%zu", ln->value);
	draw_text_at(cr, lay, gr, num, x0 + w + gr->colw * 0.5, y, false);
	/* the label, as the text sets it */
	struct line lab = *ln;
	lab.n = ln->label_cells < ln->n ? ln->label_cells : ln->n;
	return draw_line(cr, lay, gr, &lab, y, missing);
}

static void
draw_footer(cairo_t *cr, PangoLayout *lay, const struct grid *gr, const char *title, size_t page,
            size_t pages)
{
	char num[128];
	snprintf(num, sizeof num, _("Page %zu of %zu"), page, pages);
	double y = PAGE_H - MARGIN_BOTTOM + 18;
	pc.pango_layout_set_font_description(lay, gr->small);
	int w, h;
	if (title && *title) {
		pc.pango_layout_set_text(lay, title, -1);
		pc.pango_layout_set_width(lay, (int)((PAGE_W - 2 * MARGIN_X - 120) * PANGO_SCALE));
		pc.pango_layout_set_ellipsize(lay, PANGO_ELLIPSIZE_END);
		pc.cairo_move_to(cr, MARGIN_X, y);
		pc.pango_cairo_show_layout(cr, lay);
		pc.pango_layout_set_width(lay, -1);
		pc.pango_layout_set_ellipsize(lay, PANGO_ELLIPSIZE_NONE);
	}
	pc.pango_layout_set_text(lay, num, -1);
	pc.pango_layout_get_size(lay, &w, &h);
	pc.cairo_move_to(cr, PAGE_W - MARGIN_X - (double)w / PANGO_SCALE, y);
	pc.pango_cairo_show_layout(cr, lay);
	pc.pango_layout_set_font_description(lay, gr->font);
}

/* The whole document on cr, a page each; *missing counts tofu. */
static int
render(cairo_t *cr, const struct doc *d, const char *title, long *missing)
{
	struct grid gr = {0};
	gr.colw = (PAGE_W - 2 * MARGIN_X) / COLS;
	int rows = d->rows > MIN_ROWS ? d->rows : MIN_ROWS;
	gr.pitch = (PAGE_H - MARGIN_TOP - MARGIN_BOTTOM) / rows;
	/* an ideograph (one em) is two cells wide, without gaps between
	 * characters (a reader of the PDF would take them for blanks); where
	 * the lines are too close for that size, a smaller one is widened */
	double size = 2 * gr.colw;
	if (size > gr.pitch * 0.98)
		size = gr.pitch * 0.98;
	gr.sx = 2 * gr.colw / size;

	PangoContext *ctx = pc.pango_cairo_create_context(cr);
	cairo_font_options_t *fo = pc.cairo_font_options_create();
	pc.cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pc.cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pc.pango_cairo_context_set_font_options(ctx, fo);
	pc.cairo_font_options_destroy(fo);
	pc.pango_context_set_round_glyph_positions(ctx, FALSE);
	PangoLayout *lay = pc.pango_layout_new(ctx);
	gr.font = pc.pango_font_description_from_string(FONT_FAMILIES);
	pc.pango_font_description_set_absolute_size(gr.font, size * PANGO_SCALE);
	gr.small = pc.pango_font_description_copy(gr.font);
	pc.pango_font_description_set_absolute_size(gr.small, 9.0 * PANGO_SCALE);
	gr.tiny = pc.pango_font_description_copy(gr.font);
	pc.pango_font_description_set_absolute_size(gr.tiny, 8.0 * PANGO_SCALE);
	pc.pango_layout_set_font_description(lay, gr.font);
	PangoFontMetrics *m = pc.pango_context_get_metrics(ctx, gr.font, NULL);
	gr.ascent = (double)pc.pango_font_metrics_get_ascent(m) / PANGO_SCALE;
	gr.descent = (double)pc.pango_font_metrics_get_descent(m) / PANGO_SCALE;
	pc.pango_font_metrics_unref(m);

	int err = 0;
	pc.cairo_set_source_rgb(cr, 0, 0, 0);
	for (size_t i = 0; i < d->n && !err; i++) {
		for (size_t j = 0; j < d->p[i].n && !err; j++) {
			const struct line *ln = &d->p[i].l[j];
			double y = MARGIN_TOP + (double)j * gr.pitch;
			if (ln->chart >= 0)
				err = draw_chart_row(cr, lay, &gr, &d->ch[ln->chart], ln, y, missing);
			else
				err = draw_line(cr, lay, &gr, ln, y, missing);
		}
		draw_footer(cr, lay, &gr, title, i + 1, d->n);
		pc.cairo_show_page(cr);
	}
	pc.pango_font_description_free(gr.font);
	pc.pango_font_description_free(gr.small);
	pc.pango_font_description_free(gr.tiny);
	pc.g_object_unref(lay);
	pc.g_object_unref(ctx);
	return err;
}

struct sink {
	int fd;
	int err; /* errno of the first failed write */
};

static cairo_status_t
sink_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct sink *s = closure;
	if (s->fd < 0)
		return CAIRO_STATUS_SUCCESS;
	while (len > 0) {
		ssize_t k = write(s->fd, data, len);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			s->err = errno;
			return CAIRO_STATUS_WRITE_ERROR;
		}
		data += k;
		len -= (unsigned int)k;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* a reason a village worker can act on, for errno e on path */
static int
why_errno(char *why, size_t whysize, const char *path, int e)
{
	const char *fmt;
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		fmt = _("The folder of %s does not exist: the PDF was not written. Choose another folder.");
		break;
	case EACCES:
	case EPERM:
	case EROFS:
		fmt = _("You may not write %s: the PDF was not written. Choose your own files folder.");
		break;
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
		fmt = _("The disk is full: %s was not written. Free some space, then try again.");
		break;
	case EISDIR:
		fmt = _("%s is a folder: the PDF was not written. Give a file name.");
		break;
	default:
		fmt = _("%s could not be written (an input/output error): try again, or choose another folder.");
		break;
	}
	if (why && whysize)
		snprintf(why, whysize, fmt, path);
	return store_map_error(e);
}

bool
pdf_available(void)
{
	return pdf_load(NULL, 0);
}

static cairo_status_t
null_write(void *closure, const unsigned char *data, unsigned int len)
{
	(void)closure;
	(void)data;
	(void)len;
	return CAIRO_STATUS_SUCCESS;
}

long
pdf_missing_glyphs(const char *text)
{
	struct doc d;
	if (!text || !pdf_load(NULL, 0) || doc_parse(&d, text) != 0)
		return -1;
	cairo_surface_t *sf = pc.cairo_pdf_surface_create_for_stream(null_write, NULL, PAGE_W, PAGE_H);
	cairo_t *cr = pc.cairo_create(sf);
	long missing = 0;
	int err = render(cr, &d, NULL, &missing);
	pc.cairo_destroy(cr);
	pc.cairo_surface_finish(sf);
	pc.cairo_surface_destroy(sf);
	doc_free(&d);
	return err ? -1 : missing;
}

/* The document set into fd: 0, a store_err from the layout (why said
 * here), or -1 with the errno of the writing in *e (for the caller to say
 * with the file's name). */
static int
write_doc(const char *text, const char *title, int fd, int *e, char *why, size_t whysize)
{
	*e = 0;
	if (!pdf_load(why, whysize))
		return STORE_INVALID;
	struct doc d;
	if (doc_parse(&d, text) != 0) {
		if (why && whysize)
			snprintf(why, whysize, "%s", store_strerror(STORE_NOMEM));
		return STORE_NOMEM;
	}
	struct sink s = {fd, 0};
	cairo_surface_t *sf = pc.cairo_pdf_surface_create_for_stream(sink_write, &s, PAGE_W, PAGE_H);
	pc.cairo_pdf_surface_restrict_to_version(sf, CAIRO_PDF_VERSION_1_5);
	if (title && *title)
		pc.cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
	pc.cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "shegong");
	cairo_t *cr = pc.cairo_create(sf);
	long missing = 0;
	int err = render(cr, &d, title, &missing);
	pc.cairo_destroy(cr);
	pc.cairo_surface_finish(sf);
	cairo_status_t cs = pc.cairo_surface_status(sf);
	pc.cairo_surface_destroy(sf);
	doc_free(&d);
	if (err) {
		if (why && whysize)
			snprintf(why, whysize, "%s", store_strerror(err));
		return err;
	}
	if (s.err || cs != CAIRO_STATUS_SUCCESS) {
		*e = s.err ? s.err : (cs == CAIRO_STATUS_NO_MEMORY ? ENOMEM : EIO);
		return -1;
	}
	if (missing > 0 && why && whysize)
		snprintf(why, whysize,
		         _("The PDF was written, but characters with no font on this computer (%ld) "
		           "print as empty boxes: ask the administrator to install fonts-noto-cjk and "
		           "fonts-hanazono."),
		         missing);
	return 0;
}

int
pdf_write(const char *text, const char *title, const char *path, char *why, size_t whysize)
{
	if (why && whysize)
		why[0] = '\0';
	if (!text || !path || !*path) {
		if (why && whysize)
			snprintf(why, whysize, "%s", _("There is nothing to print."));
		return STORE_INVALID;
	}
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return why_errno(why, whysize, path, EISDIR);
	if (!pdf_load(why, whysize))
		return STORE_INVALID;
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	if (!tmp) {
		if (why && whysize)
			snprintf(why, whysize, "%s", store_strerror(STORE_NOMEM));
		return STORE_NOMEM;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp-XXXXXX", 12);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		return why_errno(why, whysize, path, e);
	}
	/* mkstemp's 0600 becomes what the umask gives a new file (a shared
	 * files folder's group keeps its rights) */
	mode_t um = umask(0);
	umask(um);
	(void)fchmod(fd, 0666 & ~um);

	int e;
	int err = write_doc(text, title, fd, &e, why, whysize);
	if (err == 0 && fsync(fd) != 0)
		e = errno, err = -1;
	if (close(fd) != 0 && err == 0)
		e = errno, err = -1;
	if (err == 0 && rename(tmp, path) != 0)
		e = errno, err = -1;
	if (err)
		unlink(tmp);
	free(tmp);
	if (err < 0)
		return why_errno(why, whysize, path, e);
	return err;
}

int
pdf_write_fd(const char *text, const char *title, int fd, const char *name, char *why,
             size_t whysize)
{
	if (why && whysize)
		why[0] = '\0';
	if (!text) {
		if (why && whysize)
			snprintf(why, whysize, "%s", _("There is nothing to print."));
		return STORE_INVALID;
	}
	int e;
	int err = write_doc(text, title, fd, &e, why, whysize);
	return err < 0 ? why_errno(why, whysize, name, e) : err;
}

#else /* !HAVE_PDF */

bool
pdf_available(void)
{
	return false;
}

long
pdf_missing_glyphs(const char *text)
{
	(void)text;
	return -1;
}

int
pdf_write(const char *text, const char *title, const char *path, char *why, size_t whysize)
{
	(void)text;
	(void)title;
	(void)path;
	if (why && whysize)
		snprintf(why, whysize, "%s",
		         _("This shegong was built without PDF output (Pango and Cairo): print as text, "
		           "or ask the administrator to install libpango1.0-dev and build it again."));
	return STORE_INVALID;
}

int
pdf_write_fd(const char *text, const char *title, int fd, const char *name, char *why,
             size_t whysize)
{
	(void)fd;
	return pdf_write(text, title, name, why, whysize);
}

#endif
