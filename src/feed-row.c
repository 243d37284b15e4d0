/* feed-row.c: one record as one row of the warehouse, in COPY's text
 * format: each value typed as its column is (a value that is not of its
 * field's type goes to _extra as it is, its column NULL), sensitive fields
 * hidden by the screens' rule (form_hidden, form_mask) for a worker who
 * may not see them. */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feed-internal.h"
#include "scope.h"
#include "text.h"
#include "valid.h"

/* --- text as PostgreSQL takes it ------------------------------------------------ */

/* s as valid UTF-8 (a byte that is not is U+FFFD: PostgreSQL refuses the
 * whole batch for one), into b. */
static void
add_utf8(struct strbuf *b, const char *s)
{
	size_t len = strlen(s), bad;
	while (!text_utf8_valid(s, len, &bad)) {
		sb_add(b, s, bad);
		sb_str(b, "\xEF\xBF\xBD");
		s += bad + 1;
		len -= bad + 1;
	}
	sb_add(b, s, len);
}

/* A value in COPY's text format: backslash, newline, CR and tab escaped. */
static void
copy_text(struct strbuf *b, const char *s)
{
	struct strbuf u = {0};
	add_utf8(&u, s);
	if (u.failed) {
		b->failed = true;
		return;
	}
	for (size_t i = 0; i < u.len; i++) {
		char c = u.p[i];
		if (c == '\\')
			sb_str(b, "\\\\");
		else if (c == '\n')
			sb_str(b, "\\n");
		else if (c == '\r')
			sb_str(b, "\\r");
		else if (c == '\t')
			sb_str(b, "\\t");
		else
			sb_add(b, &c, 1);
	}
	sb_free(&u);
}

/* A JSON string (RFC 8259): quotes, backslash and controls escaped. */
static void
json_string(struct strbuf *b, const char *s)
{
	struct strbuf u = {0};
	add_utf8(&u, s);
	if (u.failed) {
		b->failed = true;
		return;
	}
	sb_str(b, "\"");
	for (size_t i = 0; i < u.len; i++) {
		unsigned char c = (unsigned char)u.p[i];
		if (c == '"' || c == '\\')
			sb_addf(b, "\\%c", c);
		else if (c < 0x20)
			sb_addf(b, "\\u%04x", c);
		else
			sb_add(b, &u.p[i], 1);
	}
	sb_str(b, "\"");
	sb_free(&u);
}

/* --- values typed ---------------------------------------------------------------- */

static bool
all_digits(const char *s, size_t min, size_t max)
{
	size_t n = strspn(s, "0123456789");
	return s[n] == '\0' && n >= min && n <= max;
}

static bool
is_bigint(const char *v)
{
	return all_digits(v[0] == '-' ? v + 1 : v, 1, 18);
}

static bool
is_numeric(const char *v)
{
	const char *p = v[0] == '-' ? v + 1 : v;
	size_t whole = strspn(p, "0123456789");
	if (p[whole] == '\0')
		return whole > 0 && whole <= 30;
	if (p[whole] != '.')
		return false;
	return whole <= 30 && all_digits(p + whole + 1, 1, 30);
}

static bool
is_date(const char *v)
{
	if (strlen(v) != 10 || v[4] != '-' || v[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9'))
			return false;
	int y = atoi(v), m = atoi(v + 5), d = atoi(v + 8);
	return y >= 1 && valid_is_real_date(y, m, d);
}

/* Items of a list ("a,b , c"), each trimmed, empty ones left out, as an
 * array literal ({"a","b","c"}). */
static void
array_literal(struct strbuf *b, const char *v)
{
	sb_str(b, "{");
	bool first = true;
	for (const char *p = v; *p;) {
		size_t n = strcspn(p, ",");
		const char *item = p;
		p += n;
		if (*p)
			p++;
		while (n && (*item == ' ' || *item == '\t'))
			item++, n--;
		while (n && (item[n - 1] == ' ' || item[n - 1] == '\t'))
			n--;
		if (!n)
			continue;
		sb_str(b, first ? "\"" : ",\"");
		first = false;
		for (size_t i = 0; i < n; i++) {
			if (item[i] == '"' || item[i] == '\\')
				sb_str(b, "\\");
			sb_add(b, &item[i], 1);
		}
		sb_str(b, "\"");
	}
	sb_str(b, "}");
}

struct amounts {
	struct strbuf *b;
	bool first, bad;
};

static void
amount_one(const char *id, double amount, void *ctx)
{
	struct amounts *a = ctx;
	if (!isfinite(amount)) {
		a->bad = true;
		return;
	}
	sb_str(a->b, a->first ? "{\"id\": " : ", {\"id\": ");
	a->first = false;
	json_string(a->b, id);
	sb_addf(a->b, ", \"amount\": %.15g}", amount);
}

/* Amounts ("id:2.5,id:1") as the form engine reads them
 * (form_amounts_each), a JSON array; false when they do not read. */
static bool
amounts_json(struct strbuf *b, const char *v)
{
	struct strbuf j = {0};
	struct amounts a = {&j, true, false};
	sb_str(&j, "[");
	int n = form_amounts_each(v, amount_one, &a);
	sb_str(&j, "]");
	bool ok = n >= 0 && !a.bad && !j.failed;
	if (ok)
		sb_add(b, j.p, j.len);
	sb_free(&j);
	return ok;
}

/* The value v of a column of type t, as its text for PostgreSQL into b
 * (not yet escaped for COPY); false when v is not of the type. */
static bool
typed(struct strbuf *b, enum feed_type t, const char *v)
{
	switch (t) {
	case FEED_BIGINT:
		if (!is_bigint(v))
			return false;
		sb_str(b, v);
		return true;
	case FEED_NUMERIC:
		if (!is_numeric(v))
			return false;
		sb_str(b, v);
		return true;
	case FEED_DATE:
		if (!is_date(v))
			return false;
		sb_str(b, v);
		return true;
	case FEED_BOOL:
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
			return false;
		sb_str(b, v[0] == 'y' ? "t" : "f");
		return true;
	case FEED_TEXTS:
		array_literal(b, v);
		return true;
	case FEED_JSONB:
		return amounts_json(b, v);
	default:
		sb_str(b, v);
		return true;
	}
}

/* --- the row ------------------------------------------------------------------------- */

static void
cell_null(struct strbuf *b)
{
	sb_str(b, "\\N");
}

static void
cell(struct strbuf *b, const char *v)
{
	if (v)
		copy_text(b, v);
	else
		cell_null(b);
}

static void
cell_time(struct strbuf *b, int64_t at, bool local_day)
{
	time_t t = (time_t)at;
	struct tm tm;
	char buf[40];
	if (!(local_day ? localtime_r(&t, &tm) : gmtime_r(&t, &tm)) ||
	    !strftime(buf, sizeof buf, local_day ? "%Y-%m-%d" : "%Y-%m-%d %H:%M:%S+00", &tm))
		cell_null(b);
	else
		sb_str(b, buf);
}

/* Whether the record's field name has a column of t. */
static bool
has_column(const struct feed_table *t, const char *name)
{
	for (size_t i = FC_COUNT; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return true;
	return false;
}

/* _extra's entry name: value. */
static void
extra_add(struct strbuf *x, const char *name, const char *value)
{
	sb_str(x, x->len ? ", " : "{");
	json_string(x, name);
	sb_str(x, ": ");
	json_string(x, value);
}

/* The fields' cells (columns FC_COUNT on), each after a tab, into f;
 * the values that are not of their type into x (_extra). */
static void
field_cells(struct strbuf *f, struct strbuf *x, const struct feed_table *t, const record *r,
            const struct feed_row_ctx *c)
{
	struct strbuf v = {0};
	for (size_t i = FC_COUNT; i < t->ncols; i++) {
		const struct feed_col *col = &t->cols[i];
		const char *val = record_get(r, col->name);
		sb_str(f, "\t");
		if (!val || !*val) {
			cell_null(f);
			continue;
		}
		if (col->fd && form_hidden(col->fd, !c->masked)) {
			char *m = form_mask(col->fd, val);
			cell(f, m);
			free(m);
			continue;
		}
		v.len = 0;
		if (typed(&v, col->type, val) && !v.failed) {
			cell(f, v.p);
		} else {
			cell_null(f);
			extra_add(x, col->name, val);
		}
	}
	if (v.failed)
		f->failed = true;
	sb_free(&v);
}

_Static_assert(FC_COUNT == 14, "feed_row writes the program's own columns in enum feed_fixed's order");

int
feed_row(struct strbuf *b, const struct feed_table *t, const record *r, uint64_t change,
         const struct feed_row_ctx *c)
{
	struct strbuf x = {0}, f = {0};
	char id[REC_ID_TEXTMAX];
	rec_id_format(&r->id, id);
	const char *unit = r->id.kind == REC_UNIT ? id : scope_record_unit(r);
	field_cells(&f, &x, t, r, c);
	/* the fields no column holds: unknown to the forms, so left out of a
	 * masked feed (nothing says they are not sensitive) */
	for (size_t i = 0; !c->masked && i < r->nfields; i++) {
		const char *name = r->fields[i].name;
		if (name[0] == FORM_INTERNAL_PREFIX || has_column(t, name) || !r->fields[i].value[0])
			continue;
		extra_add(&x, name, r->fields[i].value);
	}
	if (x.len)
		sb_str(&x, "}");
	cell(b, c->site);
	sb_str(b, "\t");
	cell(b, id);
	sb_str(b, "\t");
	cell(b, unit && *unit ? unit : NULL);
	sb_str(b, "\t");
	cell(b, record_get(r, "_form"));
	sb_addf(b, "\t%" PRIu32 "\t", r->version);
	cell_time(b, r->created_at, false);
	sb_str(b, "\t");
	cell_time(b, r->updated_at, false);
	sb_str(b, "\t");
	cell_time(b, r->updated_at, true);
	sb_str(b, "\t");
	cell(b, r->created_by);
	sb_str(b, "\t");
	cell(b, r->updated_by);
	sb_str(b, record_voided(r) ? "\tt\t" : "\tf\t");
	/* a reason as the worker typed it: no form says it is not sensitive,
	 * so a masked feed leaves it out */
	cell(b, c->masked ? NULL : record_get(r, REC_VOID_REASON));
	sb_addf(b, "\t%" PRIu64 "\t", change);
	cell(b, x.len ? x.p : NULL);
	if (f.len)
		sb_add(b, f.p, f.len);
	sb_str(b, "\n");
	if (x.failed || f.failed)
		b->failed = true;
	sb_free(&x);
	sb_free(&f);
	return b->failed ? -1 : 0;
}
