/* tally.c: what adds up from service records (a volunteer's hours, what
 * is left of a resource), the records that point to one record through the
 * link index, and the volunteer service certificate as plain text. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "index.h"
#include "tally.h"
#include "text.h"
#include "valid.h"
#include "util.h"

/* --- links ------------------------------------------------------------- */

struct link_hits {
	const char *want;  /* the target's id text, exactly as indexed */
	rec_id *ids;
	size_t n, cap;
	bool oom;
};

/* The index is searched by prefix, so "vol-…-4" also meets "vol-…-42":
 * only an exact value is a link. */
static int
link_hit(const rec_id *id, const char *value, void *ctx)
{
	struct link_hits *h = ctx;
	if (strcmp(value, h->want) != 0)
		return 0;
	if (h->n == h->cap) {
		size_t ncap = h->cap ? h->cap * 2 : 16;
		rec_id *nids = realloc(h->ids, ncap * sizeof *nids);
		if (!nids) {
			h->oom = true;
			return STORE_NOMEM;
		}
		h->ids = nids;
		h->cap = ncap;
	}
	h->ids[h->n++] = *id;
	return 0;
}

/* The ids are gathered first and the records read after, so that fn runs
 * with no cursor open on the index (it may write in a write transaction). */
static int
links(store_txn *t, const rec_id *target, int kind, bool seen_only,
      int (*fn)(const record *r, void *ctx), void *ctx)
{
	char want[REC_ID_TEXTMAX];
	struct link_hits h = {rec_id_format(target, want), NULL, 0, 0, false};
	int rc = 0;
	/* kind 0: every kind there is (a kind byte leads the index key) */
	for (int k = kind ? kind : 1; k <= (kind ? kind : 255) && !rc; k++) {
		if (!rec_kind_code(k))
			continue;
		rc = store_find(t, IDX_LINK, k, want, link_hit, &h);
	}
	if (h.oom)
		rc = store_txn_fail(t, STORE_NOMEM);
	for (size_t i = 0; i < h.n && !rc; i++) {
		record *r;
		int err = store_get(t, &h.ids[i], &r);
		if (err == STORE_NOTFOUND)
			continue;  /* an index entry without its record: store_verify's business */
		if (err == STORE_DENIED && seen_only)
			continue;  /* another unit's record: not the worker's to see */
		if (err) {
			rc = err;
			break;
		}
		rc = fn(r, ctx);
		record_free(r);
	}
	free(h.ids);
	return rc;
}

int
tally_links(store_txn *t, const rec_id *target, int kind,
            int (*fn)(const record *r, void *ctx), void *ctx)
{
	return links(t, target, kind, false, fn, ctx);
}

int
tally_links_seen(store_txn *t, const rec_id *target, int kind,
                 int (*fn)(const record *r, void *ctx), void *ctx)
{
	return links(t, target, kind, true, fn, ctx);
}

/* --- id:amount lists ------------------------------------------------------ */

/* An amount as stored: digits with at most one decimal point, never
 * negative.  Read by hand, not strtod, because the program runs under
 * the worker's locale and stored numbers always use '.'.  0 on success. */
static int
parse_amount(const char *s, size_t len, double *out)
{
	double v = 0, scale = 1;
	bool point = false, digits = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			digits = true;
			if (point) {
				scale /= 10;
				v += (c - '0') * scale;
			} else {
				v = v * 10 + (c - '0');
			}
		} else if (c == '.' && !point) {
			point = true;
		} else {
			return -1;
		}
	}
	if (!digits)
		return -1;
	*out = v;
	return 0;
}

static void
trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* The sum of the amounts paired with who in a list "id:amount,id:amount".
 * Items that are not an id, a colon and an amount are left out.  Returns
 * how many items named who. */
static size_t
list_amount(const char *list, const rec_id *who, double *sum)
{
	size_t hits = 0;
	*sum = 0;
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ",");
		const char *item = p;
		p += n;
		if (*p)
			p++;
		const char *colon = memchr(item, ':', n);
		if (!colon)
			continue;
		const char *ids = item;
		size_t idlen = (size_t)(colon - item);
		trim(&ids, &idlen);
		char idtext[REC_ID_TEXTMAX];
		rec_id id;
		if (idlen == 0 || idlen >= sizeof idtext)
			continue;
		memcpy(idtext, ids, idlen);
		idtext[idlen] = '\0';
		if (rec_id_parse(idtext, &id) < 0 || !rec_id_equal(&id, who))
			continue;
		const char *am = colon + 1;
		size_t amlen = (size_t)(item + n - am);
		trim(&am, &amlen);
		double v;
		if (parse_amount(am, amlen, &v) < 0)
			continue;
		*sum += v;
		hits++;
	}
	return hits;
}

/* --- volunteers ------------------------------------------------------------ */

/* One service a volunteer took part in, as the certificate lists it. */
struct served {
	char *date, *content;
	double hours;
	rec_id id;
};

struct hours_ctx {
	const rec_id *who;
	double hours;
	size_t services;
	/* the services themselves, for the certificate (NULL: sums only) */
	struct served *list;
	size_t cap;
	bool keep;
};

static int
hours_one(const record *r, void *ctx)
{
	struct hours_ctx *hc = ctx;
	double h;
	if (list_amount(record_get(r, "volunteers"), hc->who, &h) == 0)
		return 0;
	if (hc->keep) {
		if (hc->services == hc->cap) {
			size_t ncap = hc->cap ? hc->cap * 2 : 16;
			struct served *nl = realloc(hc->list, ncap * sizeof *nl);
			if (!nl)
				return STORE_NOMEM;
			hc->list = nl;
			hc->cap = ncap;
		}
		const char *date = record_get(r, "date"), *content = record_get(r, "content");
		struct served *s = &hc->list[hc->services];
		s->date = strdup(date ? date : "");
		s->content = strdup(content ? content : "");
		s->hours = h;
		s->id = r->id;
		if (!s->date || !s->content) {
			free(s->date);
			free(s->content);
			return STORE_NOMEM;
		}
	}
	hc->hours += h;
	hc->services++;
	return 0;
}

int
tally_volunteer_hours(store_txn *t, const rec_id *volunteer, double *hours,
                      size_t *services)
{
	*hours = 0;
	*services = 0;
	if (volunteer->kind != REC_VOLUNTEER)
		return STORE_INVALID;
	struct hours_ctx hc = {volunteer, 0, 0, NULL, 0, false};
	int rc = tally_links(t, volunteer, REC_SERVICE, hours_one, &hc);
	if (rc)
		return rc;
	*hours = hc.hours;
	*services = hc.services;
	return STORE_OK;
}

/* --- resources ------------------------------------------------------------- */

struct used_ctx {
	const rec_id *what;
	double used;
};

static int
used_one(const record *r, void *ctx)
{
	struct used_ctx *uc = ctx;
	double q;
	if (list_amount(record_get(r, "resources"), uc->what, &q))
		uc->used += q;
	return 0;
}

int
tally_resource(store_txn *t, const rec_id *resource, double *used, double *left,
               bool *has_quantity)
{
	*used = 0;
	*left = 0;
	*has_quantity = false;
	if (resource->kind != REC_RESOURCE)
		return STORE_INVALID;
	record *r;
	int err = store_get(t, resource, &r);
	if (err)
		return err;
	const char *qs = record_get(r, "quantity");
	double quantity = 0;
	bool has = false;
	if (qs) {
		size_t qlen = strlen(qs);
		trim(&qs, &qlen);
		has = parse_amount(qs, qlen, &quantity) == 0;
	}
	record_free(r);
	struct used_ctx uc = {resource, 0};
	err = tally_links(t, resource, REC_SERVICE, used_one, &uc);
	if (err)
		return err;
	*used = uc.used;
	*has_quantity = has;
	*left = has ? quantity - uc.used : 0;
	return STORE_OK;
}

/* --- the certificate -------------------------------------------------------- */

/* A certificate is printed and handed out: it fits a narrow page and an
 * 80-column terminal alike. */
#define CERT_COLS 72
/* How much of a service's content the certificate quotes. */
#define CERT_CONTENT_CHARS 30

/* Text from the database, made fit for one printed line: line breaks and
 * tabs become spaces, control characters visible pictures. */
static char *
clean_line(const char *s, size_t maxchars)
{
	char *copy = strdup(s ? s : "");
	if (!copy)
		return NULL;
	size_t len = strlen(copy), chars = 0, i = 0;
	while (i < len && chars < maxchars) {
		uint32_t cp;
		i += text_utf8_decode(copy + i, len - i, &cp);
		chars++;
	}
	copy[i] = '\0';
	for (char *p = copy; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	char *clean = text_sanitize(copy, strlen(copy), 0);
	free(copy);
	return clean;
}

/* "Label value", the value wrapped under itself. */
static void
put_field(FILE *f, const char *label, const char *value)
{
	char *v = clean_line(value, (size_t)-1);
	int col = text_width(label, strlen(label)) + 1;
	if (v && *v) {
		fprintf(f, "%s ", label);
		util_put_wrapped(f, col, col, CERT_COLS, v);
	} else {
		fprintf(f, "%s\n", label);
	}
	free(v);
}

static int
served_order(const void *a, const void *b)
{
	const struct served *x = a, *y = b;
	int c = strcmp(x->date, y->date);
	if (c)
		return c;
	if (x->id.site != y->id.site)
		return x->id.site < y->id.site ? -1 : 1;
	return x->id.seq < y->id.seq ? -1 : x->id.seq > y->id.seq;
}

struct cert_ctx {
	const rec_id *volunteer;
	record *vol;
	struct hours_ctx hc;
};

static int
cert_txn(store_txn *t, void *ctx)
{
	struct cert_ctx *cc = ctx;
	int err = store_get(t, cc->volunteer, &cc->vol);
	if (err)
		return err;
	return tally_links(t, cc->volunteer, REC_SERVICE, hours_one, &cc->hc);
}

/* YYYY-MM-DD and a real day. */
static bool
iso_date(const char *s)
{
	int y, m, d;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	return valid_date(s, &y, &m, &d) == VALID_OK;
}

static void
write_certificate(FILE *f, const rec_id *vid, const record *vol, struct hours_ctx *hc,
                  const char *room, const char *date)
{
	/* TRANSLATORS: 志愿服务记录证明 (the title of the certificate) */
	const char *title = _("Volunteer service record certificate");
	int tw = text_width(title, strlen(title));
	fprintf(f, "%*s%s\n\n", tw < CERT_COLS ? (CERT_COLS - tw) / 2 : 0, "", title);

	/* the date of issue and the volunteer's id: unique across sites and days */
	char number[64], idtext[REC_ID_TEXTMAX];
	rec_id_format(vid, idtext);
	const char *dash = strchr(idtext, '-');
	snprintf(number, sizeof number, "%.4s%.2s%.2s-%s", date, date + 5, date + 8,
	         dash ? dash + 1 : idtext);
	/* TRANSLATORS: 证明编号： */
	put_field(f, _("Certificate no.:"), number);
	const char *name = record_get(vol, "name");
	/* TRANSLATORS: 姓名： */
	put_field(f, _("Name:"), name ? name : "?");
	const char *idnum = record_get(vol, "idnum");
	if (idnum && *idnum) {
		char *masked = valid_idnum_mask(idnum);
		/* TRANSLATORS: 身份证号码： (shown masked in the middle) */
		put_field(f, _("ID number:"), masked ? masked : "");
		free(masked);
	}
	char num[32];
	snprintf(num, sizeof num, "%.1f", hc->hours);
	/* TRANSLATORS: 累计志愿服务时长（小时）： */
	put_field(f, _("Total service hours:"), num);
	snprintf(num, sizeof num, "%zu", hc->services);
	/* TRANSLATORS: 服务次数： */
	put_field(f, _("Number of services:"), num);

	if (hc->services) {
		/* TRANSLATORS: 服务记录： (the list of services follows) */
		fprintf(f, "\n%s\n", _("Services:"));
		/* TRANSLATORS: column headings of the list: 日期 / 时长 / 服务内容; the
		 * date column is 10 columns wide, hours 6 */
		const char *hdate = _("Date"), *hhours = _("Hours"), *hcontent = _("Service content");
		int w = text_width(hdate, strlen(hdate));
		fprintf(f, "  %s%*s", hdate, w < 12 ? 12 - w : 1, "");
		w = text_width(hhours, strlen(hhours));
		fprintf(f, "%*s%s  %s\n", w < 6 ? 6 - w : 0, "", hhours, hcontent);
	}
	for (size_t i = 0; i < hc->services; i++) {
		const struct served *s = &hc->list[i];
		char *d = clean_line(*s->date ? s->date : "?", 10);
		char *c = clean_line(s->content, CERT_CONTENT_CHARS);
		int dw = d ? text_width(d, strlen(d)) : 0;
		fprintf(f, "  %s%*s%6.1f  ", d ? d : "", dw < 12 ? 12 - dw : 1, "", s->hours);
		util_put_wrapped(f, 22, 22, CERT_COLS, c ? c : "");
		free(d);
		free(c);
	}

	fputc('\n', f);
	/* TRANSLATORS: 出具单位： */
	put_field(f, _("Issued by:"), room && *room ? room : "____________________");
	/* TRANSLATORS: 出具日期： */
	put_field(f, _("Date of issue:"), date);
	fputc('\n', f);
	/* TRANSLATORS: 经办人签字： */
	put_field(f, _("Signature:"), "____________________");
	/* TRANSLATORS: 盖章 */
	put_field(f, _("Seal:"), "");
}

char *
tally_certificate(store *st, const rec_id *volunteer, const char *room, const char *date,
                  int *err)
{
	int unused_err;
	if (!err)
		err = &unused_err;
	if (volunteer->kind != REC_VOLUNTEER || !iso_date(date)) {
		*err = STORE_INVALID;
		return NULL;
	}
	struct cert_ctx cc = {volunteer, NULL, {volunteer, 0, 0, NULL, 0, true}};
	*err = store_read(st, cert_txn, &cc);
	char *text = NULL;
	size_t len;
	if (!*err) {
		if (cc.hc.services > 1)
			qsort(cc.hc.list, cc.hc.services, sizeof *cc.hc.list, served_order);
		FILE *f = open_memstream(&text, &len);
		if (f) {
			write_certificate(f, volunteer, cc.vol, &cc.hc, room, date);
			if (fclose(f) != 0) {
				free(text);
				text = NULL;
			}
		}
		if (!text)
			*err = STORE_NOMEM;
	}
	for (size_t i = 0; i < cc.hc.services; i++) {
		free(cc.hc.list[i].date);
		free(cc.hc.list[i].content);
	}
	free(cc.hc.list);
	record_free(cc.vol);
	return text;
}
