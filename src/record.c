/* record.c: records in memory, their ids, and their versioned byte encoding. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "record.h"
#include "util.h"

static const struct {
	int kind;
	const char *code;
	const char *name;   /* English, also accepted on the command line */
	const char *label;  /* translatable */
} kinds[] = {
	{REC_UNIT, "unit", "unit", N_("org unit")},
	{REC_USER, "user", "worker", N_("worker")},
	{REC_RESIDENT, "res", "resident", N_("resident")},
	{REC_NEED, "need", "need", N_("need")},
	{REC_SERVICE, "svc", "service", N_("service")},
	{REC_VOLUNTEER, "vol", "volunteer", N_("volunteer")},
	{REC_ORG, "org", "organisation", N_("organisation")},
	{REC_RESOURCE, "rsc", "resource", N_("resource")},
	{REC_REFERRAL, "ref", "referral", N_("referral")},
	{REC_PROJECT, "proj", "project", N_("project")},
};
#define NKINDS (NELEM(kinds))

const char *
rec_kind_code(int kind)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds[i].kind == kind)
			return kinds[i].code;
	return NULL;
}

const char *
rec_kind_label(int kind)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds[i].kind == kind)
			return _(kinds[i].label);
	return "?";
}

int
rec_kind_from_name(const char *name)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(name, kinds[i].code) == 0 || strcmp(name, kinds[i].name) == 0)
			return kinds[i].kind;
	return 0;
}

void
rec_id_to_key(const rec_id *id, unsigned char key[REC_KEYLEN])
{
	key[0] = id->kind;
	be_put64(key + 1, id->site);
	be_put64(key + 9, id->seq);
}

void
rec_id_from_key(const unsigned char key[REC_KEYLEN], rec_id *id)
{
	id->kind = key[0];
	id->site = be_get64(key + 1);
	id->seq = be_get64(key + 9);
}

/* v in base (10 or 16, lower case), at least width digits, at p: past
 * the last digit */
static char *
put_digits(char *p, uint64_t v, unsigned base, int width)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* Written by hand as "%s-%012" PRIx64 "-%" PRIu64 (or "k%u-..." for a
 * kind without a code) would write it: snprintf cost about 1,600
 * instructions an id, and an import formats two a row.  At most 8 + 1 +
 * 16 + 1 + 20 characters and the NUL: within REC_ID_TEXTMAX. */
char *
rec_id_format(const rec_id *id, char *buf)
{
	const char *code = rec_kind_code(id->kind);
	char *p = buf;
	if (code) {
		size_t n = strlen(code);
		memcpy(p, code, n);
		p += n;
	} else {
		*p++ = 'k';
		p = put_digits(p, id->kind, 10, 1);
	}
	*p++ = '-';
	p = put_digits(p, id->site, 16, 12);
	*p++ = '-';
	p = put_digits(p, id->seq, 10, 1);
	*p = '\0';
	return buf;
}

int
rec_id_parse(const char *s, rec_id *id)
{
	const char *dash = strchr(s, '-');
	if (!dash || dash == s || dash - s > 8)
		return -1;
	char code[9];
	memcpy(code, s, (size_t)(dash - s));
	code[dash - s] = '\0';
	int kind = rec_kind_from_name(code);
	if (!kind)
		return -1;
	const char *p = dash + 1;
	uint64_t site = 0, seq = 0;
	int n = 0;
	for (; *p && *p != '-'; p++, n++) {
		int d;
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			return -1;
		if (n >= 16)
			return -1;
		site = (site << 4) | (uint64_t)d;
	}
	if (*p != '-' || n == 0 || !p[1])
		return -1;
	for (p++; *p; p++) {
		if (*p < '0' || *p > '9' || seq > (UINT64_MAX - 9) / 10)
			return -1;
		seq = seq * 10 + (uint64_t)(*p - '0');
	}
	id->kind = (uint8_t)kind;
	id->site = site;
	id->seq = seq;
	return 0;
}

bool
rec_id_equal(const rec_id *a, const rec_id *b)
{
	return a->kind == b->kind && a->site == b->site && a->seq == b->seq;
}

record *
record_new(int kind)
{
	record *r = calloc(1, sizeof *r);
	if (r)
		r->id.kind = (uint8_t)kind;
	return r;
}

/* Whether p lies in the one allocation record_decode made for r (it is
 * freed with r, never alone). */
static bool
in_blk(const record *r, const void *p)
{
	uintptr_t a = (uintptr_t)p, lo = (uintptr_t)r;
	return r->blk && a >= lo && a < lo + r->blk;
}

/* Free what r owns apart from its one allocation. */
static void
free_own(const record *r, void *p)
{
	if (!in_blk(r, p))
		free(p);
}

void
record_free(record *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nfields; i++) {
		free_own(r, r->fields[i].name);
		free_own(r, r->fields[i].value);
	}
	free_own(r, r->fields);
	free(r->created_by);
	free(r->updated_by);
	free(r);
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A deep copy in one allocation, as record_decode makes one: the struct,
 * its fields, then their names and values (a copy saved at once, as
 * import's batches do, costs one malloc and one free, not two a field).
 * Fields without a value are left out, as record_set would. */
record *
record_dup(const record *r)
{
	size_t n = 0, text = 0;
	for (size_t i = 0; i < r->nfields; i++)
		if (r->fields[i].value && r->fields[i].value[0]) {
			n++;
			text += strlen(r->fields[i].name) + strlen(r->fields[i].value) + 2;
		}
	size_t head = sizeof(record) + n * sizeof(rec_field);
	record *c = malloc(head + text);
	if (!c)
		return NULL;
	memset(c, 0, sizeof *c);
	c->blk = head + text;
	c->id = r->id;
	c->version = r->version;
	c->form_version = r->form_version;
	c->created_at = r->created_at;
	c->updated_at = r->updated_at;
	c->fields = n ? (rec_field *)(c + 1) : NULL;
	c->cap = n;
	char *p = (char *)c + head;
	for (size_t i = 0; i < r->nfields; i++) {
		const rec_field *f = &r->fields[i];
		if (!f->value || !f->value[0])
			continue;
		size_t nl = strlen(f->name) + 1, vl = strlen(f->value) + 1;
		rec_field *t = &c->fields[c->nfields++];
		t->name = memcpy(p, f->name, nl);
		p += nl;
		t->value = memcpy(p, f->value, vl);
		p += vl;
	}
	c->created_by = dup_or_null(r->created_by);
	c->updated_by = dup_or_null(r->updated_by);
	if ((r->created_by && !c->created_by) || (r->updated_by && !c->updated_by)) {
		record_free(c);
		return NULL;
	}
	return c;
}

static rec_field *
find_field(const record *r, const char *name)
{
	/* the first byte compared here: most names differ there, and a call
	 * of strcmp for each costs more than the rest of the walk */
	for (size_t i = 0; i < r->nfields; i++)
		if (r->fields[i].name[0] == name[0] && strcmp(r->fields[i].name, name) == 0)
			return &r->fields[i];
	return NULL;
}

const char *
record_get(const record *r, const char *name)
{
	const rec_field *f = find_field(r, name);
	return f ? f->value : NULL;
}

bool
record_voided(const record *r)
{
	const char *v = record_get(r, REC_VOID);
	return v && strcmp(v, REC_VOID_YES) == 0;
}

/* Set name to v, a value of the caller's (malloc'd) or NULL, now the
 * record's: freed here unless kept. */
static int
set_owned(record *r, const char *name, char *v)
{
	rec_field *f = find_field(r, name);
	if (!v || !*v) {
		free(v);
		if (f) {
			free_own(r, f->name);
			free_own(r, f->value);
			size_t i = (size_t)(f - r->fields);
			memmove(f, f + 1, (r->nfields - i - 1) * sizeof *f);
			r->nfields--;
		}
		return 0;
	}
	if (f) {
		free_own(r, f->value);
		f->value = v;
		return 0;
	}
	if (r->nfields == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 8;
		/* decoded fields lie in the record's allocation: copied out, not grown */
		bool inner = in_blk(r, r->fields);
		rec_field *nf = inner ? malloc(ncap * sizeof *nf) : realloc(r->fields, ncap * sizeof *nf);
		if (!nf) {
			free(v);
			return -1;
		}
		if (inner && r->nfields)
			memcpy(nf, r->fields, r->nfields * sizeof *nf);
		r->fields = nf;
		r->cap = ncap;
	}
	char *n = strdup(name);
	if (!n) {
		free(v);
		return -1;
	}
	r->fields[r->nfields].name = n;
	r->fields[r->nfields].value = v;
	r->nfields++;
	return 0;
}

int
record_set(record *r, const char *name, const char *value)
{
	if (!value || !*value)
		return set_owned(r, name, NULL);
	char *v = strdup(value);
	if (!v)
		return -1;
	return set_owned(r, name, v);
}

int
record_take(record *r, const char *name, char *value)
{
	return set_owned(r, name, value);
}

/* --- encoding ----------------------------------------------------------
 * format(1) kind(1) version(uv) form_version(uv) created_at(sv)
 * updated_at(sv) created_by(str) updated_by(str) nfields(uv)
 * { name(str) value(str) }*
 * uv: unsigned LEB128; sv: zigzag then uv; str: uv length then bytes.
 * A later format adds a new format byte; this decoder refuses formats it
 * does not know rather than guess. */

/* The bytes of v as unsigned LEB128. */
static size_t
uv_len(uint64_t v)
{
	size_t n = 1;
	while (v >>= 7)
		n++;
	return n;
}

static unsigned char *
put_uv(unsigned char *p, uint64_t v)
{
	do {
		unsigned char b = (unsigned char)(v & 0x7f);
		v >>= 7;
		*p++ = v ? (unsigned char)(b | 0x80) : b;
	} while (v);
	return p;
}

static uint64_t
zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

/* strlen, 0 for NULL (an empty string may come as NULL) */
static size_t
slen(const char *s)
{
	return s ? strlen(s) : 0;
}

static unsigned char *
put_str(unsigned char *p, const char *s, size_t n)
{
	p = put_uv(p, n);
	/* an empty string may come as NULL: memcpy must not see it */
	if (n)
		memcpy(p, s, n);
	return p + n;
}

/* The size counted first, then written into one allocation of it (the
 * buffer grown and copied field by field cost an import about 4,000
 * instructions a record, twice). */
unsigned char *
record_encode(const record *r, size_t *len)
{
	size_t cbl = slen(r->created_by), ubl = slen(r->updated_by);
	size_t total = 2 + uv_len(r->version) + uv_len(r->form_version) +
	               uv_len(zigzag(r->created_at)) + uv_len(zigzag(r->updated_at)) +
	               uv_len(cbl) + cbl + uv_len(ubl) + ubl + uv_len(r->nfields);
	for (size_t i = 0; i < r->nfields; i++) {
		size_t nl = slen(r->fields[i].name), vl = slen(r->fields[i].value);
		total += uv_len(nl) + nl + uv_len(vl) + vl;
	}
	unsigned char *b = malloc(total), *p = b;
	if (!b)
		return NULL;
	*p++ = RECORD_FORMAT;
	*p++ = r->id.kind;
	p = put_uv(p, r->version);
	p = put_uv(p, r->form_version);
	p = put_uv(p, zigzag(r->created_at));
	p = put_uv(p, zigzag(r->updated_at));
	p = put_str(p, r->created_by, cbl);
	p = put_str(p, r->updated_by, ubl);
	p = put_uv(p, r->nfields);
	for (size_t i = 0; i < r->nfields; i++) {
		p = put_str(p, r->fields[i].name, slen(r->fields[i].name));
		p = put_str(p, r->fields[i].value, slen(r->fields[i].value));
	}
	*len = (size_t)(p - b);
	return b;
}

struct dec {
	const unsigned char *p, *end;
	bool bad;
};

static uint64_t
dec_uv(struct dec *d)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (d->p >= d->end) {
			d->bad = true;
			return 0;
		}
		unsigned char b = *d->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	d->bad = true;
	return 0;
}

static int64_t
dec_sv(struct dec *d)
{
	uint64_t u = dec_uv(d);
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* A NUL-terminated copy of the next string, or NULL (bad set) when the
 * bytes run out or hold a NUL. */
static char *
dec_str(struct dec *d)
{
	uint64_t n = dec_uv(d);
	if (d->bad || n > (uint64_t)(d->end - d->p)) {
		d->bad = true;
		return NULL;
	}
	if (memchr(d->p, '\0', (size_t)n)) {
		d->bad = true;
		return NULL;
	}
	char *s = malloc((size_t)n + 1);
	if (!s) {
		d->bad = true;
		return NULL;
	}
	memcpy(s, d->p, (size_t)n);
	s[n] = '\0';
	d->p += n;
	return s;
}

/* The next string as a pointer into the encoding and its length, or
 * NULL (bad set) when the bytes run out or hold a NUL. */
static const unsigned char *
dec_span(struct dec *d, size_t *n)
{
	uint64_t k = dec_uv(d);
	if (d->bad || k > (uint64_t)(d->end - d->p) || memchr(d->p, '\0', (size_t)k)) {
		d->bad = true;
		return NULL;
	}
	const unsigned char *s = d->p;
	d->p += k;
	*n = (size_t)k;
	return s;
}

/* The names of a record being decoded: a small open-addressing table of
 * their hashes (field index + 1, or 0), so finding a repeated name costs
 * one pass.  A record we encoded never repeats one; a damaged or foreign
 * one may.  Only the first mask + 1 slots are used (a power of two at
 * least twice the fields), so that a record of a dozen fields clears a
 * few words, not the whole table. */
#define NAMESET_SLOTS 256
struct nameset {
	size_t mask;
	uint16_t slot[NAMESET_SLOTS];
};

static void
nameset_init(struct nameset *ns, size_t n)
{
	size_t size = 16;
	while (size < 2 * n && size < NAMESET_SLOTS)
		size *= 2;
	ns->mask = size - 1;
	memset(ns->slot, 0, size * sizeof *ns->slot);
}

/* Add field i of f, whose name is nl bytes; true when an earlier field
 * has its name.  The hash reads the length and three bytes: names that
 * share it are told apart by comparing them whole. */
static bool
nameset_repeats(struct nameset *ns, const rec_field *f, size_t i, size_t nl)
{
	const unsigned char *c = (const unsigned char *)f[i].name;
	uint32_t h = (uint32_t)nl * 2654435761u;
	if (nl)
		h ^= ((uint32_t)c[0] | (uint32_t)c[nl / 2] << 8 | (uint32_t)c[nl - 1] << 16) * 2246822519u;
	h ^= h >> 15;
	for (size_t k = h & ns->mask;; k = (k + 1) & ns->mask) {
		if (!ns->slot[k]) {
			ns->slot[k] = (uint16_t)(i + 1);
			return false;
		}
		if (strcmp(f[ns->slot[k] - 1].name, f[i].name) == 0)
			return true;
	}
}

/* The fields of a damaged or foreign encoding whose names repeat, read as
 * the old decoder did: one record_set after another (a later value wins,
 * an empty one removes the field). */
static int
decode_fields_slow(record *r, struct dec *d, uint64_t n)
{
	for (uint64_t i = 0; i < n && !d->bad; i++) {
		size_t nl = 0, vl = 0;
		const unsigned char *name = dec_span(d, &nl);
		const unsigned char *value = d->bad ? NULL : dec_span(d, &vl);
		if (d->bad)
			break;
		char *nm = strndup((const char *)name, nl), *v = strndup((const char *)value, vl);
		if (!nm || !v || record_set(r, nm, v) < 0)
			d->bad = true;
		free(nm);
		free(v);
	}
	return d->bad ? -1 : 0;
}

/* One field's name and value, where they lie in d (false: damage).
 * clean: no NUL in the fields' bytes, so a field whose two lengths are
 * one byte each and whose strings end within d is read without a check
 * of each string (what we write); any other the slow way. */
static inline bool
dec_field(struct dec *d, bool clean, const unsigned char **name, size_t *nl,
          const unsigned char **value, size_t *vl)
{
	const unsigned char *p = d->p;
	if (clean && d->end - p >= 2 && p[0] < 0x80 && p[0] < d->end - p - 1 &&
	    p[1 + p[0]] < 0x80 && p[1 + p[0]] <= d->end - p - 2 - p[0]) {
		*nl = p[0];
		*name = p + 1;
		*vl = (*name)[*nl];
		*value = *name + *nl + 1;
		d->p = *value + *vl;
		return true;
	}
	*name = dec_span(d, nl);
	*value = d->bad ? NULL : dec_span(d, vl);
	return !d->bad;
}

int
record_decode(const unsigned char *p, size_t len, const rec_id *id, record **out)
{
	*out = NULL;
	if (len < 2 || p[0] != RECORD_FORMAT)
		return -1;
	if (id && id->kind != p[1])
		return -1;
	struct dec d = {p + 2, p + len, false};
	uint64_t v = dec_uv(&d);
	uint64_t fv = dec_uv(&d);
	int64_t ca = dec_sv(&d), ua = dec_sv(&d);
	char *cb = dec_str(&d);
	char *ub = d.bad ? NULL : dec_str(&d);
	uint64_t n = d.bad ? 0 : dec_uv(&d);
	/* each field takes two bytes at least: more than the bytes left is damage */
	if (v > UINT32_MAX || fv > UINT32_MAX || n > (uint64_t)(d.end - d.p) / 2)
		d.bad = true;
	if (d.bad) {
		free(cb);
		free(ub);
		return -1;
	}
	/* one allocation: the record, its fields, then their names and values
	 * (no longer than the bytes they come from, each with its NUL, which
	 * takes the place of at least a length byte) */
	size_t rest = (size_t)(d.end - d.p);
	size_t head = sizeof(record) + (size_t)n * sizeof(rec_field);
	record *r = malloc(head + rest);
	if (!r) {
		free(cb);
		free(ub);
		return -1;
	}
	memset(r, 0, sizeof *r);
	r->blk = head + rest;
	r->id.kind = p[1];
	if (id)
		r->id = *id;
	r->version = (uint32_t)v;
	r->form_version = (uint32_t)fv;
	r->created_at = ca;
	r->updated_at = ua;
	r->created_by = cb;
	r->updated_by = ub;
	/* no fields, no array: a pointer just past the allocation is not in it */
	r->fields = n ? (rec_field *)(r + 1) : NULL;
	r->cap = (size_t)n;
	/* the fields' bytes copied once, all but the first (a length), one
	 * byte back: a string at offset k of the encoding is at text + k,
	 * text[0] being the fields' last byte, never written; the byte after
	 * each string (the next length, or the spare one at the end) takes
	 * its NUL */
	char *text = (char *)r + head - 1;
	const unsigned char *fields_at = d.p;
	if (rest > 1)
		memcpy(text + 1, fields_at + 1, rest - 1);
	/* more fields than the table takes half of: the slow way (no form has so many) */
	bool odd = n > NAMESET_SLOTS / 2;
	struct nameset ns;
	nameset_init(&ns, odd ? 0 : (size_t)n);
	/* No NUL anywhere in the fields' bytes (what we write: no length of
	 * ours is 0, no name or value holds one): the strings need no check
	 * each, only that they fit */
	bool clean = !memchr(fields_at, '\0', rest);
	for (uint64_t i = 0; i < n && !d.bad && !odd; i++) {
		size_t nl = 0, vl = 0;
		const unsigned char *name, *value;
		if (!dec_field(&d, clean, &name, &nl, &value, &vl))
			break;
		if (vl == 0) {
			/* we never write one (record_set removes the field): read
			 * the fields the slow way, where it removes an earlier one */
			odd = true;
			continue;
		}
		/* each string where the copy has it, its NUL over the first
		 * byte after it (the next length, or the spare byte at the end) */
		rec_field *f = &r->fields[r->nfields++];
		f->name = text + (name - fields_at);
		f->name[nl] = '\0';
		f->value = text + (value - fields_at);
		f->value[vl] = '\0';
		odd = nameset_repeats(&ns, r->fields, r->nfields - 1, nl);
	}
	if (!d.bad && odd) {
		/* not a record we wrote: read it field by field as before */
		r->nfields = 0;
		d.p = fields_at;
		decode_fields_slow(r, &d, n);
	}
	if (d.bad || d.p != d.end) {
		record_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

/* The same checks as record_decode, in one pass and no allocation: the
 * home screen's count reads four fields of every resident of the unit
 * (decoding and freeing each was a third of the count). */
int
record_view(const unsigned char *p, size_t len, const rec_id *id, const char *const *names,
            size_t n, struct rec_span *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (struct rec_span){NULL, 0};
	if (len < 2 || p[0] != RECORD_FORMAT || (id && id->kind != p[1]))
		return -1;
	struct dec d = {p + 2, p + len, false};
	uint64_t v = dec_uv(&d), fv = dec_uv(&d);
	(void)dec_sv(&d);
	(void)dec_sv(&d);
	size_t sl;
	if (!d.bad)
		dec_span(&d, &sl);   /* created_by */
	if (!d.bad)
		dec_span(&d, &sl);   /* updated_by */
	uint64_t nf = d.bad ? 0 : dec_uv(&d);
	if (d.bad || v > UINT32_MAX || fv > UINT32_MAX || nf > (uint64_t)(d.end - d.p) / 2)
		return -1;
	/* no NUL in the fields' bytes (what we write): no string needs a
	 * check of its own, as in record_decode */
	bool clean = !memchr(d.p, '\0', (size_t)(d.end - d.p));
	for (uint64_t f = 0; f < nf; f++) {
		size_t nl = 0, vl = 0;
		const unsigned char *name, *value;
		if (!dec_field(&d, clean, &name, &nl, &value, &vl))
			return -1;
		for (size_t i = 0; i < n; i++)
			if (nl && (unsigned char)names[i][0] == name[0] && strlen(names[i]) == nl &&
			    memcmp(names[i], name, nl) == 0) {
				/* a later one wins; an empty one removes it */
				out[i] = vl ? (struct rec_span){(const char *)value, vl}
				            : (struct rec_span){NULL, 0};
				break;
			}
	}
	return d.p == d.end ? 0 : -1;
}

bool
rec_span_is(const struct rec_span *v, const char *s)
{
	size_t k = strlen(s);
	return v->p && v->n == k && memcmp(v->p, s, k) == 0;
}
