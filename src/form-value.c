/* form-value.c: the rules of a form applied to values: checking and
 * normalising what a worker typed, shown-only-when, defaults,
 * calculations, and how a value is shown. */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "form.h"
#include "i18n.h"
#include "orgunit.h"
#include "store.h"
#include "text.h"
#include "valid.h"
#include "util.h"

bool
form_relevant(const struct form_field *fd, const record *r)
{
	if (fd->rel_op == REL_NONE)
		return true;
	const char *v = record_get(r, fd->rel_field);
	switch (fd->rel_op) {
	case REL_EQ:
		return v && strcmp(v, fd->rel_value) == 0;
	case REL_NE:
		return !v || strcmp(v, fd->rel_value) != 0;
	case REL_SET:
		return v && *v;
	case REL_CONTAINS: {
		/* one of the comma-separated values of a select_multiple */
		if (!v)
			return false;
		size_t n = strlen(fd->rel_value);
		for (const char *p = v; *p;) {
			size_t l = strcspn(p, ",");
			if (l == n && strncmp(p, fd->rel_value, n) == 0)
				return true;
			p += l;
			if (*p)
				p++;
		}
		return false;
	}
	default:
		return true;
	}
}

static size_t
char_count(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* A choice given by its value or by its label (as shown, or as written
 * in the form), case-blind for ASCII. */
static const struct form_choice *
match_choice(const struct form_field *fd, const char *s, size_t len)
{
	if (!fd->choices)
		return NULL;
	/* every value and label first, the translations after, and only
	 * when needed: looking one up costs more than all the comparisons
	 * (a value, as saved and imported, is found without any) */
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < fd->choices->n; i++) {
			const struct form_choice *c = &fd->choices->items[i];
			const char *cand = k == 0 ? c->value : k == 1 ? c->label : _(c->label);
			if (strlen(cand) == len && strncasecmp(cand, s, len) == 0)
				return c;
		}
	return NULL;
}

/* y-m-d as "%04d-%02d-%02d" writes it, malloc'd (NULL when out of
 * memory): by hand when each part fits its digits, as asprintf costs
 * about 1,900 instructions a date and import makes two a row */
static char *
date_text(int y, int m, int d)
{
	if (y < 0 || y > 9999 || m < 0 || m > 99 || d < 0 || d > 99) {
		char *out = NULL;
		return asprintf(&out, "%04d-%02d-%02d", y, m, d) < 0 ? NULL : out;
	}
	char *out = malloc(11);
	if (!out)
		return NULL;
	date_write(out, y, m, d);
	return out;
}

static const char *
msgf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return buf;
}

static bool
is_landline(const char *s)
{
	/* 0812-1234567, 08121234567, (0812)1234567 */
	size_t digits = 0;
	if (*s != '0' && *s != '(')
		return false;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s != '-' && *s != ' ' && *s != '(' && *s != ')')
			return false;
	}
	return digits >= 10 && digits <= 12;
}

static char *
only_digits(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	if (!out)
		return NULL;
	for (; *s; s++)
		if (*s >= '0' && *s <= '9')
			*o++ = *s;
	*o = '\0';
	/* a +86 or 86 before a mobile number */
	if (strlen(out) == 13 && strncmp(out, "86", 2) == 0)
		memmove(out, out + 2, 12);
	return out;
}

static const char *
check_select_multiple(const struct form_field *fd, const char *v, char **out, char *buf,
                      size_t size)
{
	/* values separated by commas (ASCII or full-width), 、 or spaces */
	size_t n = fd->choices ? fd->choices->n : 0;
	bool *on = calloc(n ? n : 1, sizeof *on);
	if (!on)
		return _("out of memory");
	const char *p = v;
	while (*p) {
		static const char *const seps[] = {",", "，", "、", " ", ";", "；"};
		size_t len = strlen(p), cut = len, skip = 0;
		for (size_t k = 0; k < NELEM(seps); k++) {
			const char *at = strstr(p, seps[k]);
			if (at && (size_t)(at - p) < cut) {
				cut = (size_t)(at - p);
				skip = strlen(seps[k]);
			}
		}
		if (cut > 0) {
			const struct form_choice *c = match_choice(fd, p, cut);
			if (!c) {
				free(on);
				return msgf(buf, size, _("\"%.*s\" is not one of the choices: press F4 to pick from the list"),
				            (int)cut, p);
			}
			on[c - fd->choices->items] = true;
		}
		p += cut + skip;
	}
	size_t total = 1;
	for (size_t i = 0; i < n; i++)
		if (on[i])
			total += strlen(fd->choices->items[i].value) + 1;
	char *o = malloc(total);
	if (!o) {
		free(on);
		return _("out of memory");
	}
	o[0] = '\0';
	for (size_t i = 0; i < n; i++)
		if (on[i]) {
			if (*o)
				strcat(o, ",");
			strcat(o, fd->choices->items[i].value);
		}
	free(on);
	*out = *o ? o : (free(o), NULL);
	return NULL;
}

/* --- several records, and records with amounts -------------------------- */

/* One item of a references or amounts value, cut from the text. */
struct item {
	const char *id, *num;   /* not NUL-terminated */
	size_t idlen, numlen;   /* numlen 0: no ":number" */
	double amount;
};

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

/* s[0..len) without blanks around it */
static void
strip(const char **s, size_t *len)
{
	while (*len && blank(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && blank((*s)[*len - 1]))
		(*len)--;
}

/* A plain amount: digits, maybe one '.' among them (no sign, exponent,
 * hex, inf or nan, which strtod would take). */
static bool
plain_number(const char *s, size_t len, double *out)
{
	size_t digits = 0, dots = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (s[i] == '.' && !dots)
			dots++;
		else
			return false;
	}
	if (!digits || len >= 64)
		return false;
	char buf[64];
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, NULL);
	return true;
}

/* Cut value into its items at ','; with amounts, each "id:number".
 * Returns the number of items (*items malloc'd, may be NULL for 0), or
 * -1 when malformed (*at the bad item's index, or -1 for memory). */
static long
split_items(const char *value, bool amounts, struct item **items, long *at)
{
	*items = NULL;
	*at = -1;
	size_t cap = 1;
	for (const char *q = value; *q; q++)
		cap += *q == ',';
	struct item *it = calloc(cap, sizeof *it);
	if (!it)
		return -1;
	long n = 0;
	for (const char *q = value;; q++) {
		size_t l = strcspn(q, ",");
		struct item *x = &it[n];
		x->id = q;
		x->idlen = l;
		if (amounts) {
			const char *colon = memchr(q, ':', l);
			if (colon) {
				x->idlen = (size_t)(colon - q);
				x->num = colon + 1;
				x->numlen = l - x->idlen - 1;
				strip(&x->num, &x->numlen);
			}
		}
		strip(&x->id, &x->idlen);
		if (!x->idlen || (amounts && !plain_number(x->num, x->numlen, &x->amount))) {
			free(it);
			*at = n;
			return -1;
		}
		n++;
		q += l;
		if (!*q)
			break;
	}
	*items = it;
	return n;
}

int
form_amounts_each(const char *value, void (*fn)(const char *id, double amount, void *ctx),
                  void *ctx)
{
	if (!value)
		return 0;
	const char *v = value;
	size_t vl = strlen(v);
	strip(&v, &vl);
	if (!vl)
		return 0;
	struct item *it;
	long at;
	long n = split_items(value, true, &it, &at);
	if (n < 0)
		return -1;
	for (long i = 0; fn && i < n; i++) {
		char id[REC_ID_TEXTMAX];
		if (it[i].idlen >= sizeof id) {
			/* not an id a record could have: the caller finds nothing for it */
			fn("", it[i].amount, ctx);
			continue;
		}
		memcpy(id, it[i].id, it[i].idlen);
		id[it[i].idlen] = '\0';
		fn(id, it[i].amount, ctx);
	}
	free(it);
	return n > INT_MAX ? INT_MAX : (int)n;
}

/* references and amounts: every id a record of the field's kind, none
 * twice, amounts numbers from 0 (and within the field's range); the
 * normal form is the items trimmed, joined by ',' ("id:number"). */
static const char *
check_items(const struct form_field *fd, const char *v, char **out, char *buf, size_t size)
{
	bool amounts = fd->type == FT_AMOUNTS;
	const char *what = rec_kind_label(fd->ref_kind);
	struct item *it;
	long at;
	long n = split_items(v, amounts, &it, &at);
	if (n < 0) {
		if (at < 0)
			return _("out of memory");
		return amounts ? msgf(buf, size, _("Item %ld is not written \"%s:amount\": choose each "
		                                   "%s from the list (F4) and give its amount, "
		                                   "a number from 0"), at + 1, what, what)
		               : msgf(buf, size, _("Item %ld is empty: choose each %s from the list (F4)"),
		                      at + 1, what);
	}
	const char *why = NULL;
	rec_id *ids = calloc((size_t)n, sizeof *ids);
	size_t total = 1;
	if (!ids)
		why = _("out of memory");
	for (long i = 0; !why && i < n; i++) {
		char id[REC_ID_TEXTMAX] = "";
		if (it[i].idlen < sizeof id) {
			memcpy(id, it[i].id, it[i].idlen);
			id[it[i].idlen] = '\0';
		}
		if (!*id || rec_id_parse(id, &ids[i]) < 0 || ids[i].kind != fd->ref_kind) {
			why = msgf(buf, size, _("\"%.*s\" is not a %s: choose each one from the list (F4)"),
			           (int)(it[i].idlen > 60 ? 60 : it[i].idlen), it[i].id, what);
			break;
		}
		for (long j = 0; j < i; j++)
			if (rec_id_equal(&ids[i], &ids[j])) {
				why = msgf(buf, size, _("%s is in the list twice: keep it once"), id);
				break;
			}
		if (!why && amounts && fd->has_range && (it[i].amount < fd->min || it[i].amount > fd->max))
			why = msgf(buf, size, _("The amount of %s must be from %g to %g"), id, fd->min, fd->max);
		total += it[i].idlen + it[i].numlen + 2;
	}
	free(ids);
	char *o = why ? NULL : malloc(total);
	if (!why && !o)
		why = _("out of memory");
	if (!why) {
		size_t len = 0;
		for (long i = 0; i < n; i++) {
			if (i)
				o[len++] = ',';
			memcpy(o + len, it[i].id, it[i].idlen);
			len += it[i].idlen;
			if (amounts) {
				o[len++] = ':';
				memcpy(o + len, it[i].num, it[i].numlen);
				len += it[i].numlen;
			}
		}
		o[len] = '\0';
		*out = o;
	}
	free(it);
	return why;
}

const char *
form_check_value(const struct form_field *fd, const char *typed, char **out, char *buf,
                 size_t size)
{
	*out = NULL;
	if (!typed)
		return NULL;
	/* trim blanks around (a note keeps its inner lines) */
	while (*typed == ' ' || *typed == '\t' || (fd->type != FT_NOTE && (*typed == '\n' || *typed == '\r')))
		typed++;
	size_t len = strlen(typed);
	while (len > 0 && (typed[len - 1] == ' ' || typed[len - 1] == '\t' ||
	                   typed[len - 1] == '\n' || typed[len - 1] == '\r'))
		len--;
	if (len == 0)
		return NULL;
	char *v = strndup(typed, len);
	if (!v)
		return _("out of memory");
	const char *why = text_utf8_valid(v, len, NULL) ? NULL : text_check_typed(v, len, 0);
	if (why) {
		free(v);
		return why;
	}
	char *norm = NULL;
	switch (fd->type) {
	case FT_TEXT:
	case FT_NOTE:
		why = text_check_typed(v, len, fd->type == FT_NOTE ? TEXT_ALLOW_NEWLINE | TEXT_ALLOW_TAB : 0);
		break;
	case FT_INTEGER: {
		char *end;
		double d = (double)strtoll(v, &end, 10);
		if (*end || end == v)
			why = _("Type a whole number, with digits only");
		else if (fd->has_range && (d < fd->min || d > fd->max))
			why = msgf(buf, size, _("The number must be from %g to %g"), fd->min, fd->max);
		break;
	}
	case FT_DECIMAL: {
		char *end;
		double d = strtod(v, &end);
		if (*end || end == v)
			why = _("Type a number, like 12 or 12.5");
		else if (fd->has_range && (d < fd->min || d > fd->max))
			why = msgf(buf, size, _("The number must be from %g to %g"), fd->min, fd->max);
		break;
	}
	case FT_DATE: {
		int y, m, d;
		int e = valid_date(v, &y, &m, &d);
		if (e)
			why = valid_strerror(e);
		else if (!(norm = date_text(y, m, d)))
			why = _("out of memory");
		break;
	}
	case FT_SELECT_ONE: {
		const struct form_choice *c = match_choice(fd, v, len);
		if (!c)
			why = _("This is not one of the choices: press F4 to pick from the list");
		else
			norm = strdup(c->value);
		break;
	}
	case FT_SELECT_MULTIPLE:
		why = check_select_multiple(fd, v, &norm, buf, size);
		if (!why && !norm) {
			free(v);
			return NULL;
		}
		break;
	case FT_YESNO: {
		static const char *const yes[] = {"yes", "y", "1", "是", "有"};
		static const char *const no[] = {"no", "n", "0", "否", "无", "没有"};
		for (size_t i = 0; i < NELEM(yes) && !norm; i++)
			if (strcasecmp(v, yes[i]) == 0 || strcmp(v, _("yes")) == 0)
				norm = strdup("yes");
		for (size_t i = 0; i < NELEM(no) && !norm; i++)
			if (strcasecmp(v, no[i]) == 0 || strcmp(v, _("no")) == 0)
				norm = strdup("no");
		if (!norm)
			why = _("Answer yes or no (y or n)");
		break;
	}
	case FT_IDNUM: {
		text_ascii_lower(v);
		for (char *p = v; *p; p++)
			if (*p == 'x')
				*p = 'X';
		int e = valid_idnum(v, NULL);
		if (e)
			why = valid_strerror(e);
		break;
	}
	case FT_PHONE:
		if (valid_mobile(v) == VALID_OK)
			norm = only_digits(v);
		else if (!is_landline(v))
			why = valid_strerror(VALID_PHONE);
		break;
	case FT_REFERENCE: {
		rec_id id;
		if (rec_id_parse(v, &id) < 0 || id.kind != fd->ref_kind)
			why = msgf(buf, size, _("Choose a %s from the list (F4)"), rec_kind_label(fd->ref_kind));
		break;
	}
	case FT_REFERENCES:
	case FT_AMOUNTS:
		why = check_items(fd, v, &norm, buf, size);
		break;
	case FT_CALCULATE:
		break;
	}
	if (!why && fd->has_len) {
		size_t n = char_count(norm ? norm : v);
		if ((long)n < fd->minlen || (long)n > fd->maxlen)
			why = fd->minlen == fd->maxlen
			          ? msgf(buf, size, _("Type exactly %ld characters"), fd->minlen)
			          : msgf(buf, size, _("Type from %ld to %ld characters"), fd->minlen, fd->maxlen);
	}
	if (!why && fd->has_re && regexec(&fd->re, norm ? norm : v, 0, NULL, 0) != 0)
		why = msgf(buf, size, _("This does not have the expected form (%s)"), fd->pattern);
	if (why) {
		free(v);
		free(norm);
		return why;
	}
	if (norm) {
		free(v);
		v = norm;
	}
	*out = v;
	return NULL;
}

const char *
form_check_record(const struct form *f, const record *r, size_t *bad, char *buf, size_t size)
{
	return form_check_record_known(f, r, NULL, bad, buf, size);
}

const char *
form_check_record_known(const struct form *f, const record *r, const char *const *known,
                        size_t *bad, char *buf, size_t size)
{
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		if (fd->type == FT_CALCULATE || !form_relevant(fd, r))
			continue;
		const char *v = record_get(r, fd->name);
		*bad = i;
		if (!v || !*v) {
			if (fd->required)
				return msgf(buf, size, _("%s must be filled in"), _(fd->label));
			continue;
		}
		const char *why = NULL;
		if (!known || !known[i] || strcmp(known[i], v) != 0) {
			char *norm = NULL;
			why = form_check_value(fd, v, &norm, buf, size);
			free(norm);
		}
		if (!why && (why = form_check_id_agrees(fd, r, buf, size)))
			return why;
		if (why) {
			if (why != buf) {
				char tmp[256];
				snprintf(tmp, sizeof tmp, "%s", why);
				return msgf(buf, size, "%s: %s", _(fd->label), tmp);
			}
			char tmp[256];
			snprintf(tmp, sizeof tmp, "%s", buf);
			return msgf(buf, size, "%s: %s", _(fd->label), tmp);
		}
	}
	return NULL;
}

const char *
form_check_unit(const struct form_field *fd, const record *unit, char *buf, size_t size)
{
	if (fd->type != FT_REFERENCE || fd->ref_kind != REC_UNIT || !fd->ref_level)
		return NULL;
	int level = orgunit_level_of(unit);
	if (level == fd->ref_level)
		return NULL;
	const char *name = unit ? record_get(unit, "name") : NULL;
	if (!level || !name)
		return msgf(buf, size, _("%s: no such %s is registered: choose one from the list (F4)"),
		            _(fd->label), orgunit_level_label(fd->ref_level));
	/* 米易县 is a county, not a village */
	return msgf(buf, size, _("%s: %s is a %s, not a %s: choose a %s from the list (F4)"),
	            _(fd->label), name, orgunit_level_label(level),
	            orgunit_level_label(fd->ref_level), orgunit_level_label(fd->ref_level));
}

const char *
form_check_units(const struct form *f, const record *r, store_txn *t, size_t *bad, char *buf,
                 size_t size)
{
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		if (!fd->ref_level)
			continue;
		const char *v = record_get(r, fd->name);
		rec_id id;
		if (!v || !*v || !form_relevant(fd, r))
			continue;
		record *unit = NULL;
		if (rec_id_parse(v, &id) == 0 && store_get(t, &id, &unit) != STORE_OK)
			unit = NULL;
		const char *why = form_check_unit(fd, unit, buf, size);
		record_free(unit);
		if (why) {
			*bad = i;
			return why;
		}
	}
	return NULL;
}

struct units_read {
	const struct form *f;
	const record *r;
	size_t *bad;
	char *buf;
	size_t size;
	const char *why;
};

static int
units_txn(store_txn *t, void *ctx)
{
	struct units_read *u = ctx;
	u->why = form_check_units(u->f, u->r, t, u->bad, u->buf, u->size);
	return 0;
}

const char *
form_check_units_read(const struct form *f, const record *r, struct store *st, size_t *bad,
                      char *buf, size_t size)
{
	struct units_read u = {f, r, bad, buf, size, NULL};
	int err = store_read(st, units_txn, &u);
	if (err)
		return store_strerror(err);
	return u.why;
}

/* What a field filled from the ID number ("calculation" on a field that
 * is not calculated) takes from it: the sex list's value (m, f) or the
 * birth date.  NULL when the ID number is empty or wrong. */
static char *
from_idnum_text(const struct form_field *fd, const char *src)
{
	struct valid_idinfo info;
	if (!src || valid_idnum(src, &info) != VALID_OK)
		return NULL;
	char *out = NULL;
	if (strcmp(fd->calc, "sex") == 0)
		return strdup(info.sex == 'M' ? "m" : "f");
	if (strcmp(fd->calc, "birth") == 0 &&
	    !(out = date_text(info.year, info.month, info.day)))
		return NULL;
	return out;
}

static char *
from_idnum(const struct form_field *fd, const record *r)
{
	return from_idnum_text(fd, record_get(r, fd->calc_arg));
}

int
form_fill_from_id(const struct form *f, record *r, const char *was)
{
	int filled = 0;
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		if (!fd->calc || fd->type == FT_CALCULATE)
			continue;
		const char *v = record_get(r, fd->name);
		if (v && *v) {
			/* what the number before said is the number's, not the
			 * worker's: it follows the number mended */
			char *old = from_idnum_text(fd, was), *norm = NULL, tmp[160];
			bool follows = old && !form_check_value(fd, v, &norm, tmp, sizeof tmp) && norm &&
			               strcmp(norm, old) == 0;
			free(old);
			free(norm);
			if (!follows)
				continue;
		}
		char *from = from_idnum(fd, r);
		if (from && record_set(r, fd->name, from) == 0)
			filled++;
		free(from);
	}
	return filled;
}

const char *
form_check_id_agrees(const struct form_field *fd, const record *r, char *buf, size_t size)
{
	if (!fd->calc || fd->type == FT_CALCULATE)
		return NULL;
	const char *v = record_get(r, fd->name);
	if (!v || !*v)
		return NULL;
	char *from = from_idnum(fd, r);
	char *norm = NULL, tmp[160];
	const char *why = from ? form_check_value(fd, v, &norm, tmp, sizeof tmp) : "";
	const char *msg = NULL;
	if (!why && norm && strcmp(norm, from) != 0) {
		char *said = form_display(fd, from, true);
		msg = msgf(buf, size, _("%s does not agree with the ID number, which says %s: "
		                        "correct one of the two"), _(fd->label), said ? said : from);
		free(said);
	}
	free(norm);
	free(from);
	return msg;
}

bool
form_field_fixed(const struct form_field *fd, const record *r, const struct form_env *env)
{
	if (fd->type == FT_CALCULATE || fd->readonly)
		return true;
	const char *v = record_get(r, fd->name);
	if (!fd->dflt || !v || !env || env->village_level != UNIT_VILLAGE)
		return false;
	/* a village's worker: their village and their name are theirs alone */
	return (strcmp(fd->dflt, "village") == 0 && env->village && strcmp(v, env->village) == 0) ||
	       (strcmp(fd->dflt, "worker") == 0 && env->worker && strcmp(v, env->worker) == 0);
}

int
form_carry(const struct form *f, record *r, const record *person)
{
	int n = 0;
	for (size_t i = 0; person && i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		const char *have = record_get(r, fd->name);
		const char *v = fd->carry ? record_get(person, fd->carry) : NULL;
		if (!v || !*v || (have && *have) || fd->type == FT_CALCULATE)
			continue;
		if (record_set(r, fd->name, v) < 0)
			return -1;
		n++;
	}
	return n;
}

int
form_apply_defaults(const struct form *f, record *r, const struct form_env *env)
{
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		if (!fd->dflt || fd->type == FT_CALCULATE || record_get(r, fd->name))
			continue;
		const char *v = fd->dflt;
		if (strcmp(v, "today") == 0)
			v = env ? env->today : NULL;
		else if (strcmp(v, "worker") == 0)
			v = env ? env->worker : NULL;
		else if (strcmp(v, "village") == 0)
			v = env && (!fd->ref_level || env->village_level == fd->ref_level) ? env->village
			                                                                  : NULL;
		if (v && record_set(r, fd->name, v) < 0)
			return -1;
	}
	return 0;
}

char *
form_calculate(const struct form_field *fd, const record *r, const struct form_env *env)
{
	if (!fd->calc)
		return NULL;
	const char *src = record_get(r, fd->calc_arg);
	struct valid_idinfo info;
	if (!src || valid_idnum(src, &info) != VALID_OK)
		return NULL;
	char *out = NULL;
	if (strcmp(fd->calc, "sex") == 0)
		return strdup(info.sex == 'M' ? _("male") : _("female"));
	if (strcmp(fd->calc, "birth") == 0) {
		if (!(out = date_text(info.year, info.month, info.day)))
			return NULL;
		return out;
	}
	/* age on the day given (or today) */
	int y, m, d;
	if (!env || !env->today || valid_date(env->today, &y, &m, &d) != VALID_OK) {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		y = tm.tm_year + 1900;
		m = tm.tm_mon + 1;
		d = tm.tm_mday;
	}
	int age = y - info.year - ((m < info.month || (m == info.month && d < info.day)) ? 1 : 0);
	if (age < 0)
		return NULL;
	if (asprintf(&out, "%d", age) < 0)
		return NULL;
	return out;
}

/* Whether the comma-separated list has the item. */
static bool
list_has(const char *list, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = list; *p;) {
		size_t l = strcspn(p, ",");
		if (l == n && strncmp(p, item, n) == 0)
			return true;
		p += l;
		if (*p)
			p++;
	}
	return false;
}

/* Whether value is one of the field's choices. */
static bool
choice_known(const struct form_field *fd, const char *value)
{
	for (size_t i = 0; fd->choices && i < fd->choices->n; i++)
		if (strcmp(fd->choices->items[i].value, value) == 0)
			return true;
	return false;
}

bool
form_hidden(const struct form_field *fd, bool may_see)
{
	return fd->sensitive && !may_see;
}

char *
form_mask(const struct form_field *fd, const char *value)
{
	if (value && fd->type == FT_IDNUM && strlen(value) == 18)
		return valid_idnum_mask(value);
	return NULL;
}

char *
form_display(const struct form_field *fd, const char *value, bool may_see)
{
	if (!value || !*value)
		return strdup("");
	if (form_hidden(fd, may_see)) {
		char *m = form_mask(fd, value);
		return m ? m : strdup(_("(hidden)"));
	}
	switch (fd->type) {
	case FT_SELECT_ONE:
		return strdup(form_choice_label(fd, value));
	case FT_SELECT_MULTIPLE: {
		size_t cap = 1;
		for (const char *p = value; *p; p++)
			cap += 4;
		if (fd->choices)
			for (size_t i = 0; i < fd->choices->n; i++)
				cap += strlen(_(fd->choices->items[i].label)) + 4;
		char *out = calloc(1, cap + strlen(value));
		if (!out)
			return NULL;
		/* in the order of the choice list, whatever order they were
		 * stored in (a record saved before the values were put in order,
		 * or brought in from elsewhere, shows the same as any other);
		 * values the list does not have come last, as they are */
		for (size_t i = 0; fd->choices && i < fd->choices->n; i++) {
			if (!list_has(value, fd->choices->items[i].value))
				continue;
			if (*out)
				strcat(out, "、");
			strcat(out, _(fd->choices->items[i].label));
		}
		for (const char *p = value; *p;) {
			size_t l = strcspn(p, ",");
			char *one = strndup(p, l);
			if (!one)
				break;
			if (*one && !choice_known(fd, one)) {
				if (*out)
					strcat(out, "、");
				strcat(out, one);
			}
			free(one);
			p += l;
			if (*p)
				p++;
		}
		return out;
	}
	case FT_YESNO:
		return strdup(strcmp(value, "yes") == 0 ? _("yes") : _("no"));
	default:
		return strdup(value);
	}
}

size_t
form_extra_fields(const struct form *f, const record *r, const char **names, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nfields; i++) {
		/* "_form" and the like are the program's, not an older form's */
		if (r->fields[i].name[0] == FORM_INTERNAL_PREFIX || form_field(f, r->fields[i].name))
			continue;
		if (n < max)
			names[n] = r->fields[i].name;
		n++;
	}
	return n;
}

const char *
form_extra_label(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->nretired; i++)
		if (strcmp(f->retired[i].name, name) == 0)
			return f->retired[i].label;
	return name;
}
